//! One stream (one folder's files, one large file) read on several threads: the files are cut into parts of a few
//! megabytes at line starts, each part is read on a worker thread as if it were all there was, and the parts are
//! merged in order on the reader's thread. A part's worker does not know which sessions were open when its part
//! starts: it starts a session at the first line of every id it meets and leaves open what is open at its end. The
//! merge joins them: a session a part starts whose id is still open from the parts before is the rest of that
//! session, whose lines are added to it (re-read from the session's raw lines). What the one-thread read decides
//! at each line (a session opens, ends, is abandoned as idle; finished sessions are handed out in start order) the
//! worker writes down in order, and the merge replays it, so that sessions, their order and their outcomes are those
//! of the one-thread read. Idle sessions are abandoned once a minute of log time, which a part sees as the whole
//! read does when the lines are in time order, as Exchange writes them.
//!
//! Memory stays bounded: workers read at most a few parts ahead of the merge, and a part holds only its own
//! sessions.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap, VecDeque};
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;

use super::entry::ProtocolColumns;
use super::reader::{
    session_lost, Finished, ProtocolFilter, ProtocolItem, ProtocolReader, ProtocolRow, ProtocolStats, ReadMode,
    SessionKey,
};
use super::session::{LineOrigin, Session, SessionBuilder};
use crate::diagnosis::KnowledgeBase;
use crate::logfile::{
    catch_quietly, split_csv_line, FileSkip, Item, LineError, LogFileName, LogHeader, LogReader, ReadOutcome,
    ReaderStats, Record, Step, WatchedFile,
};

/// Size of a part. Small enough that a worker's sessions take little memory and two workers share a file's tail
/// evenly; large enough that the sessions crossing a cut (a few dozen at most) are a small share of its sessions.
const PART_BYTES: u64 = 4 << 20;

/// What a part's reader saw, in order, for the merge.
pub(super) struct PartLog {
    /// The line being read (counted from the part's start).
    pub line: u64,
    pub events: Vec<PartEvent>,
}

pub(super) enum PartEvent {
    /// A session started at `line` (its first line in this part).
    Opened {
        line: u64,
        order: u64,
        start_ms: i64,
        key: SessionKey,
    },
    /// A session ended (or was abandoned as idle) at `line`, completed, or lost to a panic.
    Finished {
        line: u64,
        order: u64,
        session: Result<Box<Session>, ProtocolItem>,
    },
    /// Idle sessions were looked for at `line`, the first of the log minute `minute`.
    Swept {
        line: u64,
        minute: i64,
        horizon: i64,
    },
    Item {
        line: u64,
        item: ProtocolItem,
    },
}

impl PartEvent {
    fn line(&self) -> u64 {
        match self {
            PartEvent::Opened { line, .. }
            | PartEvent::Finished { line, .. }
            | PartEvent::Swept { line, .. }
            | PartEvent::Item { line, .. } => *line,
        }
    }
}

/// A part of a file: bytes `start..end`, read with the file's header when it does not start the file.
#[derive(Clone)]
struct PartSpec {
    file: usize,
    start: u64,
    end: u64,
    header: Option<LogHeader>,
    first: bool,
    last: bool,
}

struct PlannedFile {
    path: PathBuf,
    name: Arc<str>,
    /// For re-reading the lines of a session that crosses a cut; `None` for a file read whole.
    columns: Option<ProtocolColumns>,
}

/// A session still open at the end of a part.
struct OpenAtEnd {
    order: u64,
    key: SessionKey,
    builder: SessionBuilder,
}

struct PartResult {
    /// The columns of the part's file, to read again the lines of a session that crosses into it.
    columns: Option<ProtocolColumns>,
    events: Vec<PartEvent>,
    open: Vec<OpenAtEnd>,
    /// What the part's file reader counted (`FileDone` of the part).
    reader: ReaderStats,
    stats: ProtocolStats,
}

/// How far the workers may read ahead of the merge.
struct Window {
    merged: Mutex<usize>,
    moved: Condvar,
}

/// A session open across parts, in the merge.
struct Carried {
    start: (i64, u64),
    builder: SessionBuilder,
    /// The current part has started the rest of it: its lines are added when the part's fragment ends.
    continued: bool,
}

/// Where a part's session goes in the merge.
enum Target {
    New((i64, u64)),
    Rest(SessionKey),
}

pub(super) struct SplitReader {
    files: Vec<PlannedFile>,
    parts: Vec<PartSpec>,
    next_part: usize,
    results: Option<Receiver<(usize, PartResult)>>,
    pending: BTreeMap<usize, PartResult>,
    workers: Vec<JoinHandle<()>>,
    stop: Arc<AtomicBool>,
    window: Arc<Window>,
    filter: ProtocolFilter,
    knowledge: &'static KnowledgeBase,
    /// How file events number files.
    file_offset: usize,
    file_total: usize,
    /// Lines of the current file in the parts merged so far.
    line_base: u64,
    file_stats: ReaderStats,
    carried: HashMap<SessionKey, Carried>,
    open_starts: BTreeSet<(i64, u64)>,
    finished: BinaryHeap<Reverse<Finished>>,
    order: u64,
    swept_minute: i64,
    out: VecDeque<ProtocolItem>,
    stats: ProtocolStats,
    record: Record,
    done: bool,
}

/// Settings a part's reader takes from the reader split.
#[derive(Clone)]
pub(super) struct PartSettings {
    pub default_server: String,
    pub max_line_bytes: usize,
}

impl SplitReader {
    /// Plans the parts of `files` (one stream, oldest first) and starts `threads` workers on them. Files out of
    /// the filter's time range are skipped as the one-thread read skips them.
    pub(super) fn start(
        files: Vec<PathBuf>,
        filter: ProtocolFilter,
        settings: PartSettings,
        threads: usize,
        file_offset: usize,
        file_total: usize,
    ) -> SplitReader {
        let mut out = VecDeque::new();
        let mut planned = Vec::new();
        let mut parts = Vec::new();
        let mut stats = ProtocolStats::default();
        for path in files {
            let name: Arc<str> = Arc::from(path.to_string_lossy().as_ref());
            let log_name = path.file_name().and_then(|n| n.to_str()).and_then(LogFileName::parse);
            if !filter.file_in_range(log_name.as_ref()) {
                stats.files_skipped_by_time += 1;
                out.push_back(Item::FileDone {
                    path: name,
                    stats: ReaderStats::default(),
                    skipped: Some(FileSkip::Time),
                });
                continue;
            }
            let file = planned.len();
            let (columns, cuts, header) =
                plan_cuts(&path).map_or((None, Vec::new(), None), |(c, cuts, h)| (Some(c), cuts, Some(h)));
            let mut start = 0;
            let mut bounds: Vec<u64> = cuts;
            bounds.push(u64::MAX);
            let count = bounds.len();
            for (i, end) in bounds.into_iter().enumerate() {
                parts.push(PartSpec {
                    file,
                    start,
                    end,
                    header: if start > 0 { header.clone() } else { None },
                    first: i == 0,
                    last: i + 1 == count,
                });
                start = end;
            }
            planned.push(PlannedFile { path, name, columns });
        }
        let stop = Arc::new(AtomicBool::new(false));
        let window = Arc::new(Window {
            merged: Mutex::new(0),
            moved: Condvar::new(),
        });
        let threads = threads.clamp(1, parts.len().max(1));
        let ahead = 2 * threads;
        let (sender, results) = sync_channel(ahead);
        let next = Arc::new(AtomicUsize::new(0));
        let specs: Arc<Vec<(PartSpec, PathBuf)>> = Arc::new(
            parts
                .iter()
                .map(|p| (p.clone(), planned[p.file].path.clone()))
                .collect(),
        );
        let workers = (0..threads)
            .map(|_| {
                let (specs, next, stop, window, sender, settings) = (
                    specs.clone(),
                    next.clone(),
                    stop.clone(),
                    window.clone(),
                    sender.clone(),
                    settings.clone(),
                );
                std::thread::Builder::new()
                    .name("hybridmailflow-part".to_owned())
                    .spawn(move || loop {
                        let index = next.fetch_add(1, Ordering::SeqCst);
                        let Some((spec, path)) = specs.get(index) else { break };
                        {
                            let mut merged = window.merged.lock().unwrap_or_else(|e| e.into_inner());
                            while index >= *merged + ahead && !stop.load(Ordering::SeqCst) {
                                merged = window.moved.wait(merged).unwrap_or_else(|e| e.into_inner());
                            }
                        }
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let result =
                            catch_quietly(|| read_part(spec, path, &settings)).unwrap_or_else(|panic| PartResult {
                                columns: None,
                                events: vec![PartEvent::Item {
                                    line: 0,
                                    item: Item::Error(LineError::from_panic(&panic)),
                                }],
                                open: Vec::new(),
                                reader: ReaderStats::default(),
                                stats: ProtocolStats::default(),
                            });
                        if sender.send((index, result)).is_err() {
                            break;
                        }
                    })
                    .expect("a thread for a part")
            })
            .collect();
        SplitReader {
            files: planned,
            parts,
            next_part: 0,
            results: Some(results),
            pending: BTreeMap::new(),
            workers,
            stop,
            window,
            filter,
            knowledge: KnowledgeBase::builtin(),
            file_offset,
            file_total,
            line_base: 0,
            file_stats: ReaderStats::default(),
            carried: HashMap::new(),
            open_starts: BTreeSet::new(),
            finished: BinaryHeap::new(),
            order: 0,
            swept_minute: i64::MIN,
            out,
            stats,
            record: Record::new(),
            done: false,
        }
    }

    pub(super) fn stats(&self) -> ProtocolStats {
        self.stats
    }

    pub(super) fn next(&mut self) -> Step<ProtocolRow> {
        loop {
            if let Some(item) = self.out.pop_front() {
                return Step::Item(item);
            }
            if self.done {
                return Step::End;
            }
            if self.next_part == self.parts.len() {
                self.finish_carried();
                self.done = true;
                continue;
            }
            let index = self.next_part;
            let result = loop {
                if let Some(result) = self.pending.remove(&index) {
                    break Some(result);
                }
                match self.results.as_ref().map(Receiver::recv) {
                    Some(Ok((i, result))) => {
                        self.pending.insert(i, result);
                    }
                    _ => break None,
                }
            };
            let Some(result) = result else {
                self.out.push_back(Item::Error(LineError::from_panic(
                    "a reading thread stopped before its part was read",
                )));
                self.done = true;
                continue;
            };
            self.merge(index, result);
            self.next_part += 1;
            *self.window.merged.lock().unwrap_or_else(|e| e.into_inner()) = self.next_part;
            self.window.moved.notify_all();
        }
    }

    /// Replays what part `index` saw against the sessions open before it.
    fn merge(&mut self, index: usize, result: PartResult) {
        let spec = self.parts[index].clone();
        let path = self.files[spec.file].name.clone();
        if spec.first {
            self.line_base = 0;
            self.file_stats = ReaderStats::default();
            self.out.push_back(Item::FileStarted {
                path: path.clone(),
                index: self.file_offset + spec.file,
                count: self.file_total,
            });
        }
        let base = self.line_base;
        if self.files[spec.file].columns.is_none() {
            self.files[spec.file].columns = result.columns;
        }
        let mut targets: HashMap<u64, Target> = HashMap::new();
        let mut events = result.events.into_iter().peekable();
        while let Some(event) = events.next() {
            let line = event.line();
            match event {
                PartEvent::Opened {
                    order, start_ms, key, ..
                } => {
                    let target = match self.carried.get_mut(&key) {
                        Some(carried) if !carried.continued => {
                            carried.continued = true;
                            Target::Rest(key)
                        }
                        _ => {
                            self.order += 1;
                            let start = (start_ms, self.order);
                            self.open_starts.insert(start);
                            Target::New(start)
                        }
                    };
                    targets.insert(order, target);
                }
                PartEvent::Finished { order, session, .. } => {
                    let session = session.map(|mut s| {
                        shift_session(&mut s, base);
                        s
                    });
                    match targets.remove(&order) {
                        Some(Target::New(start)) => {
                            self.open_starts.remove(&start);
                            match session {
                                Ok(session) => self.finished.push(Reverse(Finished {
                                    start_ms: start.0,
                                    order: start.1,
                                    session,
                                })),
                                Err(item) => self.out.push_back(shift_item(item, &path, base)),
                            }
                        }
                        Some(Target::Rest(key)) => {
                            let mut carried = self.carried.remove(&key).expect("a continued session is carried");
                            match session {
                                Ok(rest) => self.add_lines(
                                    &mut carried.builder,
                                    spec.file,
                                    &rest.raw_lines,
                                    &rest.line_origins,
                                    &rest.files,
                                ),
                                Err(item) => self.out.push_back(shift_item(item, &path, base)),
                            }
                            self.complete(carried);
                        }
                        None => {}
                    }
                }
                PartEvent::Swept { minute, horizon, .. } => {
                    if minute > self.swept_minute {
                        self.swept_minute = minute;
                        let idle: Vec<SessionKey> = self
                            .carried
                            .iter()
                            .filter(|(_, c)| !c.continued && c.builder.last_ms() < horizon)
                            .map(|(k, _)| k.clone())
                            .collect();
                        for key in idle {
                            let carried = self.carried.remove(&key).expect("listed above");
                            self.complete(carried);
                        }
                    }
                }
                PartEvent::Item { item, .. } => self.out.push_back(shift_item(item, &path, base)),
            }
            // The one-thread read hands out finished sessions after each line.
            if events.peek().is_none_or(|next| next.line() != line) {
                self.release(false);
            }
        }
        for mut open in result.open {
            open.builder.shift_lines(base);
            match targets.remove(&open.order) {
                Some(Target::Rest(key)) => {
                    let mut carried = self.carried.remove(&key).expect("a continued session is carried");
                    let (raw, origins, files) = open.builder.lines();
                    self.add_lines(&mut carried.builder, spec.file, raw, origins, files);
                    carried.continued = false;
                    self.carried.insert(key, carried);
                }
                Some(Target::New(start)) => {
                    self.carried.insert(
                        open.key,
                        Carried {
                            start,
                            builder: open.builder,
                            continued: false,
                        },
                    );
                }
                None => {}
            }
        }
        for carried in self.carried.values_mut() {
            carried.continued = false;
        }
        self.line_base += result.reader.lines;
        add_reader_stats(&mut self.file_stats, &result.reader, base);
        let stats = result.stats;
        self.stats.files += u64::from(spec.first) * stats.files.min(1);
        self.stats.bytes += stats.bytes;
        self.stats.lines += stats.lines;
        self.stats.skipped_lines += stats.skipped_lines;
        self.stats.truncated_lines += stats.truncated_lines;
        if spec.last {
            self.out.push_back(Item::FileDone {
                path,
                stats: self.file_stats,
                skipped: None,
            });
        }
    }

    /// Adds the lines of a session's rest (read by a later part) to the session.
    fn add_lines(
        &mut self,
        builder: &mut SessionBuilder,
        file: usize,
        raw_lines: &str,
        origins: &[LineOrigin],
        files: &[Arc<str>],
    ) {
        let Some(columns) = self.files[file].columns else {
            return;
        };
        for (raw, origin) in raw_lines.split('\n').zip(origins) {
            if split_csv_line(raw.as_bytes(), &mut self.record).is_err() {
                continue;
            }
            if let Ok(view) = columns.view(&self.record) {
                let path = &files[origin.file as usize];
                // A panic costs the line, as in the one-thread read.
                let _ = catch_quietly(|| builder.push(&view, path, origin.line, origin.offset, raw));
            }
        }
    }

    fn complete(&mut self, carried: Carried) {
        self.open_starts.remove(&carried.start);
        let first = carried.builder.first_line();
        let knowledge = self.knowledge;
        match catch_quietly(move || {
            let mut session = carried.builder.finish();
            session.diagnose(knowledge);
            session
        }) {
            Ok(session) => self.finished.push(Reverse(Finished {
                start_ms: carried.start.0,
                order: carried.start.1,
                session,
            })),
            Err(panic) => self.out.push_back(session_lost(first, &panic)),
        }
    }

    fn finish_carried(&mut self) {
        let keys: Vec<SessionKey> = self.carried.keys().cloned().collect();
        for key in keys {
            let carried = self.carried.remove(&key).expect("listed above");
            self.complete(carried);
        }
        self.release(true);
    }

    /// Hands out finished sessions in start order, as [`ProtocolReader`] does.
    fn release(&mut self, all: bool) {
        let oldest_open = self.open_starts.first().map(|(start, _)| *start);
        while let Some(Reverse(top)) = self.finished.peek() {
            if !all && oldest_open.is_some_and(|open| open < top.start_ms) {
                break;
            }
            let Reverse(done) = self.finished.pop().expect("peeked");
            match catch_quietly(|| self.filter.session_ok(&done.session)) {
                Ok(true) => {
                    self.stats.sessions += 1;
                    self.out.push_back(Item::Row(ProtocolRow::Session(done.session)));
                }
                Ok(false) => {}
                Err(panic) => self.out.push_back(session_lost(done.session.first_line(), &panic)),
            }
        }
    }
}

impl Drop for SplitReader {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.window.moved.notify_all();
        // Workers blocked on sending see the receiver gone.
        self.results = None;
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

/// Where to cut a file into parts: after the header, at line starts about `PART_BYTES` apart. `None` for a file
/// read whole: small, UTF-16, or not read as a protocol log (its reader tells why).
fn plan_cuts(path: &std::path::Path) -> Option<(ProtocolColumns, Vec<u64>, LogHeader)> {
    let length = std::fs::metadata(path).ok()?.len();
    if length < 2 * PART_BYTES {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut start = [0u8; 2];
    file.read_exact(&mut start).ok()?;
    if matches!(start, [0xFF, 0xFE] | [0xFE, 0xFF]) {
        return None;
    }
    let mut reader = LogReader::new(Arc::<str>::from(""), WatchedFile::open(path).ok()?);
    if !matches!(reader.next_row(), ReadOutcome::Record) {
        return None;
    }
    let header = reader.header().clone();
    let columns = ProtocolColumns::from_header(&header).ok()?;
    let first_row = reader.line_offset();
    let mut cuts = Vec::new();
    let mut buffer = vec![0u8; 64 << 10];
    let mut at = PART_BYTES.max(first_row + 1);
    while at + PART_BYTES / 2 < length {
        let cut = next_line_start(path, at, &mut buffer)?;
        if cut >= length {
            break;
        }
        cuts.push(cut);
        at = cut + PART_BYTES;
    }
    Some((columns, cuts, header))
}

/// The offset just after the first LF at or after `from`.
fn next_line_start(path: &std::path::Path, from: u64, buffer: &mut [u8]) -> Option<u64> {
    use std::io::{Seek, SeekFrom};
    let mut file = std::fs::File::open(path).ok()?;
    file.seek(SeekFrom::Start(from)).ok()?;
    let mut at = from;
    loop {
        let n = file.read(buffer).ok()?;
        if n == 0 {
            return None;
        }
        if let Some(i) = memchr::memchr(b'\n', &buffer[..n]) {
            return Some(at + i as u64 + 1);
        }
        at += n as u64;
    }
}

/// Reads one part as if it were all there was: what it saw, and the sessions open at its end.
fn read_part(spec: &PartSpec, path: &std::path::Path, settings: &PartSettings) -> PartResult {
    let mut reader = ProtocolReader::new(ReadMode::Sessions, ProtocolFilter::default(), vec![path.to_path_buf()])
        .default_server(&settings.default_server)
        .max_line_bytes(settings.max_line_bytes);
    reader.part = Some(PartLog {
        line: 0,
        events: Vec::new(),
    });
    reader.range = Some((spec.start, spec.end, spec.header.clone()));
    let mut file_stats = ReaderStats::default();
    while let Step::Item(item) = reader.next() {
        match item {
            Item::FileDone { stats, .. } => file_stats = stats,
            Item::FileStarted { .. } => {}
            item => {
                let part = reader.part.as_mut().expect("set above");
                part.events.push(PartEvent::Item { line: part.line, item });
            }
        }
    }
    let stats = reader.stats();
    let mut open: Vec<OpenAtEnd> = reader
        .take_open()
        .into_iter()
        .map(|(key, (_, order), builder)| OpenAtEnd { order, key, builder })
        .collect();
    open.sort_by_key(|o| o.order);
    PartResult {
        columns: reader.columns_of(&path.to_string_lossy()),
        events: reader.part.take().map(|p| p.events).unwrap_or_default(),
        open,
        reader: file_stats,
        stats,
    }
}

/// Line numbers of a part count from its start: the merge adds the lines of the parts before.
fn shift_session(session: &mut Session, base: u64) {
    for origin in &mut session.line_origins {
        origin.line += base;
    }
    if let Some(line) = session.outcome_line.as_mut() {
        line.line += base;
    }
}

fn shift_item(item: ProtocolItem, path: &Arc<str>, base: u64) -> ProtocolItem {
    match item {
        Item::Error(mut e) if e.line > 0 && e.path == *path => {
            e.line += base;
            Item::Error(e)
        }
        item => item,
    }
}

fn add_reader_stats(total: &mut ReaderStats, part: &ReaderStats, base: u64) {
    total.bytes += part.bytes;
    total.lines += part.lines;
    total.records += part.records;
    total.skipped += part.skipped;
    total.truncated += part.truncated;
    total.repaired += part.repaired;
    if total.first_repaired_line == 0 && part.first_repaired_line != 0 {
        total.first_repaired_line = part.first_repaired_line + base;
    }
}
