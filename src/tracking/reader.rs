//! Reads many message-tracking files as one stream of events in time order: each folder's MSGTRK, MSGTRKMS,
//! MSGTRKMD and MSGTRKMA files are separate streams of hourly files, merged by row time, so that a message's
//! NOTIFYMAPI, SUBMIT, RECEIVE, SEND and DELIVER come out in the order they happened. Files outside the time
//! range or from another server are skipped unopened. Besides events, the reader reports each file it starts
//! and finishes (for progress and per-file counts) and every bad line or file, in order, as [`Item`]s.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::diagnose::TrackingDiagnoser;
use super::event::TrackingEvent;
use super::file::{FileStep, TrackingFileReader};
use super::filter::{file_may_match, Matcher, TrackingFilter};
use super::row::{TrackingItem, TrackingRow};
use crate::logfile::{
    FileSkip, Item, LineError, LineErrorKind, LogFamily, LogFileName, LogReader, ReaderStats, DEFAULT_MAX_LINE_BYTES,
};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TrackingStats {
    /// Files opened and read (including refused ones).
    pub files: u64,
    /// Files not read because their name or `#Date` is outside the time range.
    pub files_skipped_by_time: u64,
    /// Files not opened because they come from another server than the filter asks for.
    pub files_skipped_by_server: u64,
    /// Files that are not message-tracking logs (another log type, no `#Fields:` header, binary).
    pub files_refused: u64,
    pub bytes: u64,
    pub lines: u64,
    /// Bad lines (each also returned as an error).
    pub skipped_lines: u64,
    /// Last lines without a line break (being written) that were not read.
    pub truncated_lines: u64,
    /// Events returned.
    pub events: u64,
}

/// The files of one stream (one folder's files of one prefix), oldest first.
struct Stream {
    files: VecDeque<PathBuf>,
    current: Option<TrackingFileReader<File>>,
}

pub struct TrackingReader {
    matcher: Arc<Matcher>,
    streams: Vec<Stream>,
    /// Streams with a row ready, by that row's time (then stream order, for a stable merge).
    ready: BinaryHeap<Reverse<(i64, usize)>>,
    notices: VecDeque<TrackingItem>,
    event: TrackingEvent,
    started: bool,
    default_server: Option<String>,
    max_line_bytes: usize,
    file_count: usize,
    files_opened: usize,
    stats: TrackingStats,
    /// Made on first use by [`KindReader`](crate::logfile::KindReader)'s reading, which diagnoses each event.
    pub(super) diagnoser: Option<Box<TrackingDiagnoser>>,
    /// An event whose diagnosis panicked, given after the error that reports it.
    pub(super) held: Option<TrackingRow>,
}

/// What the next step of the merge gives.
#[allow(clippy::large_enum_variant)] // one per step, moved once
enum Merged {
    /// Stream `index` has the next event's row ready.
    Row(usize),
    Notice(TrackingItem),
}

impl TrackingReader {
    /// A reader of `paths`: files, or folders meaning every MSGTRK*.LOG under them.
    pub fn new(paths: Vec<PathBuf>, filter: TrackingFilter) -> Self {
        let mut notices = VecDeque::new();
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            if path.is_dir() {
                let before = files.len();
                tracking_logs_under(&path, &mut files);
                if files.len() == before {
                    notices.push_back(Item::Error(LineError {
                        path: Arc::from(path.to_string_lossy().as_ref()),
                        line: 0,
                        kind: LineErrorKind::NotALog,
                        message: "holds no message tracking logs (MSGTRK*.LOG)".to_owned(),
                    }));
                }
            } else {
                files.push(path);
            }
        }
        files.sort();
        files.dedup();
        let file_count = files.len();
        TrackingReader {
            matcher: Arc::new(Matcher::new(&filter)),
            streams: group_streams(files),
            ready: BinaryHeap::new(),
            notices,
            event: TrackingEvent::default(),
            started: false,
            default_server: None,
            max_line_bytes: DEFAULT_MAX_LINE_BYTES,
            file_count,
            files_opened: 0,
            stats: TrackingStats::default(),
            diagnoser: None,
            held: None,
        }
    }

    /// The server of files whose path does not name one (the local server's own logs).
    pub fn default_server(mut self, server: &str) -> Self {
        self.default_server = Some(server.to_owned());
        self
    }

    /// The longest line read; longer lines are skipped as errors.
    pub fn max_line_bytes(mut self, max: usize) -> Self {
        self.max_line_bytes = max;
        self
    }

    /// How many files the paths named (folders expanded).
    pub fn file_count(&self) -> usize {
        self.file_count
    }

    /// The counts so far, including the files being read.
    pub fn stats(&self) -> TrackingStats {
        let mut stats = self.stats;
        for file in self.streams.iter().filter_map(|s| s.current.as_ref()) {
            let s = file.stats();
            stats.files += 1;
            stats.bytes += s.bytes;
            stats.lines += s.lines;
            stats.skipped_lines += s.skipped;
            stats.truncated_lines += s.truncated;
        }
        stats
    }

    /// The next event, or a bad line or file (reading goes on after it). The event is the reader's own
    /// buffer, refilled by the next call: the fast way to read, with no allocation per event.
    pub fn next_event(&mut self) -> Option<Result<&TrackingEvent, LineError>> {
        loop {
            match self.step()? {
                Merged::Row(index) => match self.take_row(index, None) {
                    Ok(()) => return Some(Ok(&self.event)),
                    Err(e) => return Some(Err(e)),
                },
                Merged::Notice(Item::Error(e)) => return Some(Err(e)),
                Merged::Notice(_) => {}
            }
        }
    }

    /// The next event, written into `row` (whose buffers are reused), or the next notice: what the reading
    /// thread uses to fill batches of rows it recycles.
    pub(super) fn read_into(&mut self, row: &mut TrackingEvent) -> Option<Result<(), TrackingItem>> {
        match self.step()? {
            Merged::Row(index) => Some(self.take_row(index, Some(row)).map_err(Item::Error)),
            Merged::Notice(notice) => Some(Err(notice)),
        }
    }

    /// The next row or notice, in order: notices first (they concern what was read before the next row).
    fn step(&mut self) -> Option<Merged> {
        if !self.started {
            self.started = true;
            for index in 0..self.streams.len() {
                self.advance(index);
            }
        }
        if self
            .matcher
            .filter()
            .result_size
            .is_some_and(|limit| self.stats.events >= limit)
        {
            return None;
        }
        if let Some(notice) = self.notices.pop_front() {
            return Some(Merged::Notice(notice));
        }
        let Reverse((_, index)) = self.ready.pop()?;
        Some(Merged::Row(index))
    }

    /// Builds the event of stream `index`'s ready row (into `event`, or the reader's own buffer) and moves the
    /// stream on. A row whose event could not be built is an error instead.
    fn take_row(&mut self, index: usize, event: Option<&mut TrackingEvent>) -> Result<(), LineError> {
        let file = self.streams[index].current.as_mut().expect("a ready stream has a file");
        let filled = file.fill(event.unwrap_or(&mut self.event));
        self.stats.events += u64::from(filled.is_ok());
        self.advance(index);
        filled
    }

    /// Moves stream `index` to its next passing row, opening its next file when one ends.
    fn advance(&mut self, index: usize) {
        loop {
            if self.streams[index].current.is_none() && !self.open_next_file(index) {
                return;
            }
            let file = self.streams[index].current.as_mut().expect("opened above");
            match file.advance() {
                FileStep::Row(time_ms) => {
                    self.ready.push(Reverse((time_ms, index)));
                    return;
                }
                FileStep::Error(e) => {
                    if e.kind == LineErrorKind::NotALog {
                        self.stats.files_refused += 1;
                    }
                    self.notices.push_back(Item::Error(e));
                }
                FileStep::SkippedByTime => {
                    self.stats.files_skipped_by_time += 1;
                    let file = self.streams[index].current.take().expect("read above");
                    self.notices.push_back(Item::FileDone {
                        path: file.path().clone(),
                        stats: file.stats(),
                        skipped: Some(FileSkip::Time),
                    });
                }
                FileStep::End => self.close_current(index),
            }
        }
    }

    fn open_next_file(&mut self, index: usize) -> bool {
        while let Some(path_buf) = self.streams[index].files.pop_front() {
            let path: Arc<str> = Arc::from(path_buf.to_string_lossy().as_ref());
            self.files_opened += 1;
            if !file_may_match(&path, None, self.matcher.filter()) {
                self.stats.files_skipped_by_time += 1;
                self.notices.push_back(Item::FileDone {
                    path,
                    stats: ReaderStats::default(),
                    skipped: Some(FileSkip::Time),
                });
                continue;
            }
            let server = server_from_path(&path).or_else(|| self.default_server.clone());
            if server.as_deref().is_some_and(|s| !self.matcher.server_ok(s)) {
                self.stats.files_skipped_by_server += 1;
                self.notices.push_back(Item::FileDone {
                    path,
                    stats: ReaderStats::default(),
                    skipped: Some(FileSkip::Server),
                });
                continue;
            }
            self.notices.push_back(Item::FileStarted {
                path: path.clone(),
                index: self.files_opened - 1,
                count: self.file_count,
            });
            match File::open(&path_buf) {
                Ok(file) => {
                    let reader = LogReader::new(path, file).with_max_line_bytes(self.max_line_bytes);
                    self.streams[index].current = Some(TrackingFileReader::with_matcher(
                        reader,
                        self.matcher.clone(),
                        server.as_deref(),
                    ));
                    return true;
                }
                Err(e) => self.notices.push_back(Item::Error(LineError {
                    path,
                    line: 0,
                    kind: LineErrorKind::Io,
                    message: format!("cannot open: {e}"),
                })),
            }
        }
        false
    }

    fn close_current(&mut self, index: usize) {
        if let Some(file) = self.streams[index].current.take() {
            let s = file.stats();
            self.stats.files += 1;
            self.stats.bytes += s.bytes;
            self.stats.lines += s.lines;
            self.stats.skipped_lines += s.skipped;
            self.stats.truncated_lines += s.truncated;
            self.notices.push_back(Item::FileDone {
                path: file.path().clone(),
                stats: s,
                skipped: None,
            });
        }
    }
}

impl Iterator for TrackingReader {
    type Item = Result<TrackingEvent, LineError>;

    /// Owned events, for callers that keep them; [`TrackingReader::next_event`] avoids the allocations.
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.step()? {
                Merged::Row(index) => {
                    let mut event = TrackingEvent::default();
                    return Some(self.take_row(index, Some(&mut event)).map(|()| event));
                }
                Merged::Notice(Item::Error(e)) => return Some(Err(e)),
                Merged::Notice(_) => {}
            }
        }
    }
}

/// The server a copied log's path names: the folder above `MessageTracking` (and above Exchange's own
/// `...\TransportRoles\Logs`), as in `D:\Collected\CMHYBD01\MessageTracking\MSGTRK2026050106-1.LOG`.
/// `None` for a path without a `MessageTracking` folder or with only Exchange's install folders above it.
pub fn server_from_path(path: &str) -> Option<String> {
    const INSTALL_FOLDERS: [&str; 8] = [
        "logs",
        "transportroles",
        "v15",
        "v14",
        "exchange server",
        "exchange",
        "microsoft",
        "program files",
    ];
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty() && *p != ".").collect();
    let at = parts.iter().rposition(|p| p.eq_ignore_ascii_case("MessageTracking"))?;
    parts[..at]
        .iter()
        .rev()
        .find(|p| !INSTALL_FOLDERS.contains(&p.to_ascii_lowercase().as_str()) && !is_admin_share(p))
        .filter(|p| !p.ends_with(':') && *p != &"..")
        .map(|p| (*p).to_owned())
}

/// `C$`: the drive share of a UNC path such as `\\CMHYBD01\C$\Program Files\...`.
fn is_admin_share(part: &str) -> bool {
    part.len() == 2 && part.as_bytes()[0].is_ascii_alphabetic() && part.ends_with('$')
}

pub(crate) fn tracking_logs_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        // `file_type` does not follow links, so a link back up the tree cannot loop.
        let Ok(kind) = entry.file_type() else { continue };
        let path = entry.path();
        if kind.is_dir() {
            tracking_logs_under(&path, out);
        } else if entry
            .file_name()
            .to_str()
            .and_then(LogFileName::parse)
            .is_some_and(|n| n.family == LogFamily::MessageTracking)
        {
            out.push(path);
        }
    }
}

/// Groups files into streams by folder and prefix, each oldest first. A file whose name is not an Exchange
/// log name is a stream of its own.
fn group_streams(files: Vec<PathBuf>) -> Vec<Stream> {
    /// Where a file belongs (folder and prefix) and its place in that stream (hour, instance).
    struct Placed {
        stream: (PathBuf, String),
        order: (i64, u32),
        path: PathBuf,
    }
    let mut placed: Vec<Placed> = files
        .into_iter()
        .map(
            |path| match path.file_name().and_then(|n| n.to_str()).and_then(LogFileName::parse) {
                Some(name) => Placed {
                    stream: (path.parent().map(Path::to_path_buf).unwrap_or_default(), name.prefix),
                    order: (name.start_ms, name.instance),
                    path,
                },
                None => Placed {
                    stream: (path.clone(), String::new()),
                    order: (i64::MIN, 0),
                    path,
                },
            },
        )
        .collect();
    placed.sort_by(|a, b| (&a.stream, a.order, &a.path).cmp(&(&b.stream, b.order, &b.path)));
    let mut streams: Vec<Stream> = Vec::new();
    let mut last_stream: Option<(PathBuf, String)> = None;
    for file in placed {
        if last_stream.as_ref() != Some(&file.stream) {
            streams.push(Stream {
                files: VecDeque::new(),
                current: None,
            });
            last_stream = Some(file.stream);
        }
        streams.last_mut().expect("pushed above").files.push_back(file.path);
    }
    streams
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_comes_from_the_folder_above_message_tracking() {
        let cases: &[(&str, Option<&str>)] = &[
            ("D:\\Collected\\CMHYBD01\\MessageTracking\\MSGTRK2026050106-1.LOG", Some("CMHYBD01")),
            ("/cases/CMEDGE01/TransportRoles/Logs/MessageTracking/MSGTRK2026050106-1.LOG", Some("CMEDGE01")),
            ("\\\\CMHYBD01\\C$\\Program Files\\Microsoft\\Exchange Server\\V15\\TransportRoles\\Logs\\MessageTracking\\MSGTRK2026050106-1.LOG", Some("CMHYBD01")),
            ("C:\\Program Files\\Microsoft\\Exchange Server\\V15\\TransportRoles\\Logs\\MessageTracking\\MSGTRK2026050106-1.LOG", None),
            ("MessageTracking/MSGTRK2026050106-1.LOG", None),
            ("/cases/MSGTRK2026050106-1.LOG", None),
        ];
        for (path, want) in cases {
            assert_eq!(server_from_path(path).as_deref(), *want, "{path}");
        }
    }

    /// The lab's transport log with `marker` put into the subject of its row on line `line`, in a folder of its own.
    fn lab_with_marker(line: usize, marker: &str) -> (tempfile::TempDir, PathBuf, usize) {
        let lab = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tracking/CMHYBD01/MessageTracking");
        let text = std::fs::read_to_string(lab.join("MSGTRK2026050106-1.LOG")).unwrap();
        let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
        lines[line - 1] =
            lines[line - 1].replacen("Hybrid mail flow test", &format!("Hybrid mail flow test {marker}"), 1);
        assert!(lines[line - 1].contains(marker), "line {line} has the lab's subject");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("MSGTRK2026050106-1.LOG");
        std::fs::write(&path, lines.join("\r\n")).unwrap();
        let rows = lines
            .iter()
            .filter(|l| !l.is_empty() && !l.starts_with(['#', '\u{feff}']))
            .count();
        (dir, path, rows)
    }

    #[test]
    fn a_panic_building_an_event_costs_that_line_and_names_it() {
        let (_dir, path, rows) = lab_with_marker(7, "<hmf-panic:event>");
        let mut reader = TrackingReader::new(vec![path.clone()], TrackingFilter::default());
        let (mut events, mut errors) = (0, Vec::new());
        while let Some(item) = reader.next_event() {
            match item {
                Ok(_) => events += 1,
                Err(e) => errors.push(e),
            }
        }
        assert_eq!(events, rows - 1);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((&*errors[0].path, errors[0].line), (path.to_str().unwrap(), 7));
        assert_eq!(errors[0].kind, LineErrorKind::Internal);
        assert!(
            errors[0].message.contains("this line was skipped"),
            "{}",
            errors[0].message
        );
        assert_eq!(reader.stats().events, rows as u64 - 1);
    }

    #[test]
    fn a_panic_while_diagnosing_costs_that_events_diagnosis_only() {
        use crate::logfile::{Batch, Prefetcher};
        let (_dir, path, rows) = lab_with_marker(6, "<hmf-panic:diagnosis>");
        let reader = TrackingReader::new(vec![path.clone()], TrackingFilter::default());
        let mut prefetcher = Prefetcher::start_with(reader, 4, |batch: Batch<TrackingReader>| {
            let mut seen = Vec::new();
            for item in &batch.items {
                match item {
                    Item::Row(row) => seen.push(Ok(row.event.line)),
                    Item::Error(e) => seen.push(Err(e.clone())),
                    _ => {}
                }
            }
            seen
        });
        let mut seen = Vec::new();
        while let Some((batch, _)) = prefetcher.next() {
            seen.extend(batch);
        }
        let lines: Vec<u64> = seen.iter().filter_map(|s| s.as_ref().ok().copied()).collect();
        assert_eq!(lines.len(), rows, "every event comes back");
        let errors: Vec<&LineError> = seen.iter().filter_map(|s| s.as_ref().err()).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].kind), (6, LineErrorKind::Internal));
        assert!(
            errors[0].message.contains("without its diagnosis"),
            "{}",
            errors[0].message
        );
    }
}
