//! One input through every reader and parser of one kind, as the C ABI calls them (`src/ffi`): the fuzz loop
//! (`examples/fuzz`) and the replay of its saved inputs (`tests/fuzz_regressions.rs`) share it, so a saved input
//! is replayed through exactly the code that panicked on it.

use std::path::{Path, PathBuf};

use hybridmailflow_engine::diagnosis::{
    parse_last_error, Context, Direction as DiagnosisDirection, KnowledgeBase, LogKind,
};
use hybridmailflow_engine::logfile::{catch_quietly, Item, LineError, LineErrorKind, Step};
use hybridmailflow_engine::protocol::{parse_raw_lines, Direction, ProtocolFilter, ProtocolReader, ReadMode};
use hybridmailflow_engine::trace::{import_trace, DayOrder};
use hybridmailflow_engine::tracking::{
    parse_message_info, parse_recipient_status, TrackingDiagnoser, TrackingFilter, TrackingReader,
};

/// What an input is, and so which parsers read it. The name starts the file name of a saved input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A protocol log file: read as sessions, as lines, as the last lines (`-Tail`), and its lines as a session's
    /// raw text (`hmf_protocol_parse_lines`).
    Protocol,
    /// A message tracking log file: every event, diagnosed, with its message info and recipient statuses parsed.
    Tracking,
    /// An Exchange Online message trace export (`hmf_trace_import_read`), in either culture's day order.
    Trace,
    /// One recipient-status member (`[{LED=...};{MSG=...};...]`).
    RecipientStatus,
    /// A queue's LastError (`hmf_queue_advise`).
    LastError,
    /// Any error text (`hmf_diagnose`: every finding and the best one).
    Diagnosis,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Protocol,
        Kind::Tracking,
        Kind::Trace,
        Kind::RecipientStatus,
        Kind::LastError,
        Kind::Diagnosis,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Protocol => "protocol",
            Kind::Tracking => "tracking",
            Kind::Trace => "trace",
            Kind::RecipientStatus => "recipientstatus",
            Kind::LastError => "lasterror",
            Kind::Diagnosis => "diagnosis",
        }
    }

    /// The kind of this name (a saved input's file name starts with it: `protocol-0123abcd.txt`).
    pub fn named(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// Where the log files of one input are written: the readers read files, as the cmdlets do.
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    pub fn new(dir: &Path) -> Scratch {
        std::fs::create_dir_all(dir).expect("scratch folder");
        Scratch { dir: dir.to_path_buf() }
    }

    fn write(&self, name: &str, input: &[u8]) -> PathBuf {
        let path = self.dir.join(name);
        std::fs::write(&path, input).expect("scratch file");
        path
    }
}

/// Reads `input` as `kind`. Returns the panics it met: those the engine caught itself (a line or session lost to an
/// internal error) and any that escaped it, each as its text with where it was raised.
pub fn feed(kind: Kind, input: &[u8], scratch: &Scratch) -> Vec<String> {
    let mut panics = Vec::new();
    let escaped = catch_quietly(|| match kind {
        Kind::Protocol => read_protocol(input, scratch, &mut panics),
        Kind::Tracking => read_tracking(input, scratch, &mut panics),
        Kind::Trace => {
            for order in [DayOrder::MonthFirst, DayOrder::DayFirst] {
                import_trace("MessageTrace.csv", input, order);
            }
        }
        Kind::RecipientStatus => {
            parse_recipient_status(&String::from_utf8_lossy(input));
        }
        Kind::LastError => {
            let text = String::from_utf8_lossy(input);
            parse_last_error(&text);
            diagnose(&text, LogKind::Queue);
        }
        Kind::Diagnosis => diagnose(&String::from_utf8_lossy(input), LogKind::Ndr),
    });
    if let Err(panic) = escaped {
        panics.push(panic);
    }
    panics
}

/// The engine reports a panic it caught as an internal error of the line or session it cost.
fn note(error: &LineError, panics: &mut Vec<String>) {
    if error.kind == LineErrorKind::Internal {
        panics.push(error.message.clone());
    }
}

fn read_protocol(input: &[u8], scratch: &Scratch, panics: &mut Vec<String>) {
    let send = input.windows(9).any(|w| w == b"SMTP Send");
    let path = scratch.write(
        if send {
            "SEND2026050106-1.LOG"
        } else {
            "RECV2026050106-1.LOG"
        },
        input,
    );
    let readers = [
        ProtocolReader::new(ReadMode::Sessions, ProtocolFilter::default(), vec![path.clone()]),
        ProtocolReader::new(ReadMode::Entries, ProtocolFilter::default(), vec![path.clone()]),
        ProtocolReader::new(ReadMode::Sessions, ProtocolFilter::default(), vec![path.clone()]).tail(2),
        ProtocolReader::new(ReadMode::Entries, ProtocolFilter::default(), vec![path]).tail(3),
    ];
    for mut reader in readers {
        while let Step::Item(item) = reader.next() {
            if let Item::Error(e) = &item {
                note(e, panics);
            }
        }
    }
    let direction = if send { Direction::Send } else { Direction::Receive };
    for entry in parse_raw_lines(&String::from_utf8_lossy(input), direction) {
        if let Err(e) = entry {
            note(&e, panics);
        }
    }
}

fn read_tracking(input: &[u8], scratch: &Scratch, panics: &mut Vec<String>) {
    let path = scratch.write("MSGTRK2026050106-1.LOG", input);
    let mut reader = TrackingReader::new(vec![path], TrackingFilter::default());
    let mut diagnoser = TrackingDiagnoser::new();
    while let Some(next) = reader.next_event() {
        match next {
            Ok(event) => {
                diagnoser.diagnose(event);
                parse_message_info(&event.message_info);
                for status in &event.recipient_status {
                    parse_recipient_status(status);
                }
            }
            Err(e) => note(&e, panics),
        }
    }
}

fn diagnose(text: &str, log_kind: LogKind) {
    let knowledge = KnowledgeBase::builtin();
    let contexts = [
        Context::default(),
        Context {
            direction: Some(DiagnosisDirection::Send),
            log_type: Some(log_kind),
            preceding: Some("STARTTLS".to_owned()),
            connector: Some("Outbound to Office 365".to_owned()),
        },
    ];
    for context in &contexts {
        knowledge.diagnose(text, context);
        knowledge.diagnose_best(text, context);
    }
}
