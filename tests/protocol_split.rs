//! One folder read on several threads (its files cut into parts at line starts, sessions that cross a cut joined)
//! gives what the one-thread read gives: the same sessions, every field and line of them, in the same order, and
//! the same errors and file events. On every benchmark mix, with files large enough to be cut several times.

#[path = "../examples/common/protocol_mixes.rs"]
mod protocol_mixes;

use std::path::{Path, PathBuf};

use hybridmailflow_engine::logfile::{Item, Step};
use hybridmailflow_engine::protocol::{ProtocolFilter, ProtocolReader, ProtocolRow, ReadMode, Session};

/// What a read hands out: sessions in order, and everything else as text in order.
fn read(reader: ProtocolReader) -> (Vec<Session>, Vec<String>, u64) {
    let mut reader = reader;
    let (mut sessions, mut other) = (Vec::new(), Vec::new());
    while let Step::Item(item) = reader.next() {
        match item {
            Item::Row(ProtocolRow::Session(s)) => sessions.push(*s),
            Item::Error(e) => other.push(format!("error {e}")),
            Item::FileStarted { path, index, count } => other.push(format!("started {path} {index}/{count}")),
            Item::FileDone { path, stats, skipped } => other.push(format!("done {path} {stats:?} {skipped:?}")),
            item => other.push(format!("{item:?}")),
        }
    }
    (sessions, other, reader.stats().bytes)
}

fn compare(folder: &Path, filter: ProtocolFilter, what: &str) -> usize {
    let one = read(ProtocolReader::new(
        ReadMode::Sessions,
        filter.clone(),
        vec![folder.to_path_buf()],
    ));
    let mut split = ProtocolReader::new(ReadMode::Sessions, filter, vec![folder.to_path_buf()]).into_stream_readers(3);
    assert_eq!(split.len(), 1, "one stream stays one reader, split inside");
    let split = read(split.remove(0));
    assert_eq!(split.2, one.2, "{what}: bytes read");
    if split.0.len() != one.0.len() {
        let first = one
            .0
            .iter()
            .zip(&split.0)
            .position(|(a, b)| a.session_id != b.session_id);
        if let Some(i) = first {
            let show = |s: &Session| {
                format!(
                    "{} start {} end {} lines {} first {:?} last {:?} {:?}",
                    s.session_id,
                    s.start_ms,
                    s.end_ms,
                    s.line_count,
                    s.line_origins.first(),
                    s.line_origins.last(),
                    s.outcome
                )
            };
            panic!(
                "{what}: at session {i}\none thread: {}\nsplit:      {}\nsplit next: {}",
                show(&one.0[i]),
                show(&split.0[i]),
                show(&split.0[i + 1])
            );
        }
    }
    if split.0.len() != one.0.len() {
        let s = if split.0.len() > one.0.len() {
            &split.0[one.0.len()]
        } else {
            &one.0[split.0.len()]
        };
        panic!(
            "{what}: extra {} start {} end {} lines {} origins {:?} {:?}",
            s.session_id, s.start_ms, s.end_ms, s.line_count, s.line_origins, s.outcome
        );
    }
    assert_eq!(split.0.len(), one.0.len(), "{what}: number of sessions");
    for (i, (a, b)) in one.0.iter().zip(&split.0).enumerate() {
        if a != b {
            let (a, b) = (format!("{a:#?}"), format!("{b:#?}"));
            let differ: Vec<String> = a
                .lines()
                .zip(b.lines())
                .filter(|(x, y)| x != y)
                .take(6)
                .map(|(x, y)| format!("one thread: {x}\nsplit:      {y}"))
                .collect();
            panic!("{what}: session {i} differs:\n{}", differ.join("\n"));
        }
    }
    assert_eq!(split.1, one.1, "{what}: errors and file events");
    one.0.len()
}

#[test]
fn a_folder_split_across_threads_gives_the_sessions_of_the_one_thread_read_on_every_mix() {
    let root = tempfile::tempdir().unwrap();
    for (i, mix) in protocol_mixes::MIXES.iter().enumerate() {
        // 20 MB in files of 12 MB: each file is cut into several 4 MB parts, and sessions cross files too.
        protocol_mixes::write_mix(root.path(), mix, 20 << 20, 12 << 20, 7 + i as u64);
        let folder = protocol_mixes::mix_folder(root.path(), mix);
        let sessions = compare(&folder, ProtocolFilter::default(), mix.name);
        assert!(sessions > 100, "{}: {sessions} sessions", mix.name);
    }
}

#[test]
fn a_split_read_filters_as_the_one_thread_read_does() {
    let root = tempfile::tempdir().unwrap();
    let mix = protocol_mixes::mix_named("edge-32-ipv6").unwrap();
    protocol_mixes::write_mix(root.path(), mix, 12 << 20, 12 << 20, 3);
    let folder: PathBuf = protocol_mixes::mix_folder(root.path(), mix);
    let filter = ProtocolFilter {
        outcomes: vec![hybridmailflow_engine::protocol::Outcome::Rejected],
        ..ProtocolFilter::default()
    };
    assert!(compare(&folder, filter, "rejected only") > 10);
}

#[test]
fn damaged_lines_in_a_split_read_are_reported_at_their_line_of_the_file() {
    let root = tempfile::tempdir().unwrap();
    let mix = protocol_mixes::mix_named("probes-64").unwrap();
    protocol_mixes::write_mix(root.path(), mix, 12 << 20, 12 << 20, 5);
    let folder = protocol_mixes::mix_folder(root.path(), mix);
    let file = std::fs::read_dir(&folder).unwrap().next().unwrap().unwrap().path();
    let mut text = std::fs::read_to_string(&file).unwrap();
    // A bad time and a broken quote far into the file, past the first cut.
    for at in [text.len() / 2, text.len() * 3 / 4] {
        let line_start = text[..at].rfind('\n').unwrap() + 1;
        text.replace_range(line_start..line_start + 4, "20x6");
    }
    let late = text.len() * 9 / 10;
    let line_start = text[..late].rfind('\n').unwrap() + 1;
    text.insert(line_start + 30, '"');
    std::fs::write(&file, text).unwrap();
    compare(&folder, ProtocolFilter::default(), "damaged");
}
