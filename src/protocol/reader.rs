//! Reads many protocol-log files as one stream of lines or sessions: files in time order whatever order they
//! are given in, filters applied before anything is handed out, `tail` and `follow` like `Get-Content`.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, VecDeque};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use compact_str::CompactString;

use super::entry::{
    server_from_path, server_name, server_of, Direction, EventKind, LineView, LogEntry, ProtocolColumns, Role,
};
use super::session::{LineRef, Outcome, Session, SessionBuilder};
use super::split::{PartEvent, PartLog, PartSettings, SplitReader};
use crate::diagnosis::KnowledgeBase;
use crate::logfile::{
    catch_quietly, split_csv_line, FileSkip, Item, KindReader, LineError, LineErrorKind, LogFileName, LogReader,
    ReadOutcome, ReaderStats, Record, Step, TimeCache, WatchedFile,
};
use crate::net::{parse_ip, Cidr};
use crate::pattern::Pattern;

/// A session idle this long (in log time) while later lines are read is finished without its end, so that
/// sessions whose end was never logged do not hold memory or hold back the sessions after them. Exchange drops
/// idle connections after 5 to 10 minutes (ConnectionInactivityTimeout), so a live session is never this idle.
const ABANDON_AFTER_MS: i64 = 20 * 60_000;
/// Files whose name says they end this long before the requested start are skipped unread. The slack lets a
/// session that started before the range be rebuilt whole.
const FILE_SLACK_MS: i64 = 3_600_000;
/// Exchange starts the next hourly file on the first write after the hour: a file can hold lines a little past
/// the hour its name gives.
const TAIL_LINE_SLACK_MS: i64 = 5 * 60_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    Entries,
    Sessions,
}

#[derive(Debug, Clone, Default)]
pub struct ProtocolFilter {
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub session_ids: Vec<String>,
    pub remote_addresses: Vec<Cidr>,
    pub connectors: Vec<Pattern>,
    pub outcomes: Vec<Outcome>,
    pub senders: Vec<Pattern>,
    pub recipients: Vec<Pattern>,
}

impl ProtocolFilter {
    /// Filters only a whole session can answer.
    fn needs_sessions(&self) -> bool {
        !self.outcomes.is_empty() || !self.senders.is_empty() || !self.recipients.is_empty()
    }

    pub(super) fn file_in_range(&self, name: Option<&LogFileName>) -> bool {
        let Some(name) = name else { return true };
        self.start_ms.is_none_or(|start| name.end_ms() + FILE_SLACK_MS > start)
            && self.end_ms.is_none_or(|end| name.start_ms <= end)
    }

    fn session_id_ok(&self, id: &str) -> bool {
        self.session_ids.is_empty() || self.session_ids.iter().any(|s| s.eq_ignore_ascii_case(id))
    }

    fn remote_ok(&self, address: &str) -> bool {
        self.remote_addresses.is_empty()
            || parse_ip(address).is_some_and(|ip| self.remote_addresses.iter().any(|c| c.contains(ip)))
    }

    fn connector_ok(&self, connector: &str) -> bool {
        self.connectors.is_empty() || self.connectors.iter().any(|p| p.matches(connector))
    }

    fn line_ok(&self, line: &LineView<'_>) -> bool {
        self.start_ms.is_none_or(|s| line.time_ms >= s)
            && self.end_ms.is_none_or(|e| line.time_ms < e)
            && self.session_id_ok(line.session_id)
            && self.connector_ok(line.connector_id)
            && (self.remote_addresses.is_empty()
                || self.remote_ok(crate::net::Endpoint::parse(line.remote_endpoint).address.as_str()))
    }

    pub fn session_ok(&self, s: &Session) -> bool {
        // -End excludes its moment, as Get-MessageTrackingLog's does: a session begun at End is after the window.
        self.start_ms.is_none_or(|start| s.end_ms >= start)
            && self.end_ms.is_none_or(|end| s.start_ms < end)
            && self.session_id_ok(&s.session_id)
            && self.connector_ok(&s.connector_id)
            && self.remote_ok(&s.remote.address)
            && (self.outcomes.is_empty() || self.outcomes.contains(&s.outcome))
            && (self.senders.is_empty() || s.mail_from().any(|a| self.senders.iter().any(|p| p.matches(a))))
            && (self.recipients.is_empty() || s.recipients().any(|a| self.recipients.iter().any(|p| p.matches(a))))
    }
}

/// A protocol log's row, as the reader was asked for: each line, or the sessions rebuilt from them.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one per item, moved once: boxing would cost an allocation per line
pub enum ProtocolRow {
    Entry(LogEntry),
    Session(Box<Session>),
}

/// What a protocol reader hands out: rows, and notices about the files read.
pub type ProtocolItem = Item<ProtocolRow>;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProtocolStats {
    pub files: u64,
    pub files_skipped_by_time: u64,
    pub bytes: u64,
    pub lines: u64,
    pub skipped_lines: u64,
    pub truncated_lines: u64,
    pub entries: u64,
    pub sessions: u64,
}

struct FileContext {
    columns: ProtocolColumns,
    direction: Direction,
    /// The role the file's folder gives; `Unknown` for a folder that does not tell.
    role: Role,
    /// The header's `#Version` is of Exchange 2010 or older, which had no front end.
    before_2013: bool,
    server: String,
}

impl FileContext {
    /// A line's role: its folder's, else what its connector and ports tell.
    fn role_of(&self, view: &LineView<'_>) -> Role {
        if self.role != Role::Unknown {
            return self.role;
        }
        Role::infer(
            self.direction,
            view.connector_id,
            view.local_endpoint,
            view.remote_endpoint,
            self.before_2013,
        )
    }
}

struct CurrentFile {
    reader: LogReader<WatchedFile>,
    path: Arc<str>,
    /// Which file of the read this is (`ProtocolReader::file_serial` when it was opened): tells a panic on the
    /// same file from one on the next.
    number: usize,
    context: Option<FileContext>,
    times: TimeCache,
}

/// Sessions are keyed by direction, server and id: a receive and a send session may share an id, and so may two
/// servers' sessions when several servers' folders are read together.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct SessionKey {
    direction: Direction,
    // A server's name (NetBIOS, at most 15 characters) and a session id (16 hex digits) fit in the string itself:
    // a key, and its copy in a split read's log, allocate nothing.
    server: CompactString,
    id: CompactString,
}

/// A borrowed [`SessionKey`], to look a line's session up without allocating. Field order and types hash the
/// same as `SessionKey`.
#[derive(Hash)]
struct SessionKeyRef<'a> {
    direction: Direction,
    server: &'a str,
    id: &'a str,
}

impl hashbrown::Equivalent<SessionKey> for SessionKeyRef<'_> {
    fn equivalent(&self, key: &SessionKey) -> bool {
        self.direction == key.direction && self.id == key.id && self.server == key.server
    }
}

struct OpenSession {
    /// Key in `open_by_start`.
    start: (i64, u64),
    builder: SessionBuilder,
}

pub(super) struct Finished {
    pub start_ms: i64,
    pub order: u64,
    pub session: Box<Session>,
}

impl PartialEq for Finished {
    fn eq(&self, other: &Self) -> bool {
        (self.start_ms, self.order) == (other.start_ms, other.order)
    }
}
impl Eq for Finished {}
impl PartialOrd for Finished {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Finished {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.start_ms, self.order).cmp(&(other.start_ms, other.order))
    }
}

/// The files of one log stream: one folder's RECV (or SEND) files, one after the other in time.
struct Stream {
    files: VecDeque<PathBuf>,
    current: Option<CurrentFile>,
    /// Follow mode: the newest file has no more data for now.
    pending: bool,
}

enum Advance {
    Ready,
    Pending,
    Exhausted,
}

pub struct ProtocolReader {
    mode: ReadMode,
    filter: ProtocolFilter,
    /// Every file, oldest first (for tail, which picks the newest).
    files: Vec<PathBuf>,
    streams: Vec<Stream>,
    /// Streams with a row ready, by that row's time (with its event, read with the time): lines of all streams
    /// are taken in time order.
    ready: BinaryHeap<Reverse<(i64, usize, EventKind)>>,
    started: bool,
    files_opened: usize,
    /// Files made current so far, to number them (`CurrentFile::number`).
    file_serial: usize,
    /// How file events number files: this reader's first file is `file_offset` of `file_total` (a reader split
    /// off for one stream numbers its files within all of them).
    file_offset: usize,
    file_total: Option<usize>,
    follow: bool,
    default_server: String,
    max_line_bytes: usize,
    out: VecDeque<ProtocolItem>,
    open: hashbrown::HashMap<SessionKey, OpenSession>,
    /// The starts of the open sessions, to tell the oldest.
    open_by_start: BTreeSet<(i64, u64)>,
    finished: BinaryHeap<Reverse<Finished>>,
    order: u64,
    latest_ms: i64,
    /// The log minute of the last sweep for idle sessions: one a minute of log time, so that where sessions are
    /// abandoned depends on the log's times only, not on how the lines were shared out (see [`super::split`]).
    swept_minute: i64,
    /// Reading one part of a file for a split read: what it saw, in order, for the merge.
    pub(super) part: Option<PartLog>,
    /// The part read: bytes `start..end` of the one file, with the file's header when it starts after it.
    pub(super) range: Option<(u64, u64, Option<crate::logfile::LogHeader>)>,
    /// This reader's one stream read on several threads ([`Self::into_stream_readers`]).
    split: Option<Box<SplitReader>>,
    contexts: HashMap<Arc<str>, FileContext>,
    interned: HashMap<Box<str>, Arc<str>>,
    stats: ProtocolStats,
    tail: Option<usize>,
    knowledge: &'static KnowledgeBase,
}

impl ProtocolReader {
    /// A reader of `paths`: files, or folders meaning every RECV*/SEND* .LOG file under them.
    pub fn new(mode: ReadMode, filter: ProtocolFilter, paths: Vec<PathBuf>) -> Self {
        let mut out = VecDeque::new();
        let mut expanded = Vec::with_capacity(paths.len());
        for path in paths {
            if path.is_dir() {
                let before = expanded.len();
                protocol_logs_under(&path, &mut expanded);
                if expanded.len() == before {
                    out.push_back(Item::Error(LineError {
                        path: Arc::from(path.to_string_lossy().as_ref()),
                        line: 0,
                        kind: LineErrorKind::NotALog,
                        message: "holds no SMTP protocol logs (RECV*.LOG, SEND*.LOG)".to_owned(),
                    }));
                }
            } else {
                expanded.push(path);
            }
        }
        let mut files: Vec<(Option<LogFileName>, PathBuf)> = expanded
            .into_iter()
            .map(|p| (p.file_name().and_then(|n| n.to_str()).and_then(LogFileName::parse), p))
            .collect();
        files.sort_by(|(a, pa), (b, pb)| {
            let key = |n: &Option<LogFileName>| n.as_ref().map_or((i64::MIN, 0), |n| (n.start_ms, n.instance));
            key(a).cmp(&key(b)).then_with(|| pa.cmp(pb))
        });
        files.dedup_by(|a, b| a.1 == b.1);
        let files: Vec<PathBuf> = files.into_iter().map(|(_, p)| p).collect();
        ProtocolReader {
            mode,
            filter,
            streams: group_streams(&files),
            files,
            ready: BinaryHeap::new(),
            started: false,
            files_opened: 0,
            file_serial: 0,
            file_offset: 0,
            file_total: None,
            follow: false,
            default_server: String::new(),
            max_line_bytes: crate::logfile::DEFAULT_MAX_LINE_BYTES,
            out,
            open: hashbrown::HashMap::new(),
            open_by_start: BTreeSet::new(),
            finished: BinaryHeap::new(),
            order: 0,
            latest_ms: i64::MIN,
            swept_minute: i64::MIN,
            part: None,
            range: None,
            split: None,
            contexts: HashMap::new(),
            interned: HashMap::new(),
            stats: ProtocolStats::default(),
            tail: None,
            knowledge: KnowledgeBase::builtin(),
        }
    }

    /// Keep reading the newest file of each stream as it grows, and the next hourly file when Exchange starts it.
    pub fn follow(mut self, follow: bool) -> Self {
        self.follow = follow;
        self
    }

    /// Only the last `n` lines or sessions, read from the newest files back.
    pub fn tail(mut self, n: usize) -> Self {
        self.tail = Some(n);
        self
    }

    /// The server name for lines whose file path and connector id do not tell it (the local server's own logs).
    pub fn default_server(mut self, server: &str) -> Self {
        self.default_server = server.to_owned();
        self
    }

    pub fn max_line_bytes(mut self, max: usize) -> Self {
        self.max_line_bytes = max;
        self
    }

    pub fn stats(&self) -> ProtocolStats {
        match &self.split {
            Some(split) => split.stats(),
            None => self.stats,
        }
    }

    pub fn file_count(&self) -> usize {
        self.files.len()
    }

    /// Splits a reader that has not started into at most `max_readers` readers, each over whole streams (the files
    /// of one folder and prefix), which can run on threads of their own: a session never spans two streams. With
    /// more streams than readers, streams are shared out by size, largest first, each to the reader with the fewest
    /// bytes so far. Errors already found (an empty folder) go with the first. A reader with `tail` or `follow`
    /// stays whole.
    pub fn into_stream_readers(mut self, max_readers: usize) -> Vec<ProtocolReader> {
        let max_readers = max_readers.max(1);
        if max_readers > 1
            && self.streams.len() == 1
            && self.mode == ReadMode::Sessions
            && !self.started
            && self.tail.is_none()
            && !self.follow
        {
            // One stream: its files are cut into parts read on `max_readers` threads (see `split`).
            let files: Vec<PathBuf> = self.streams[0].files.drain(..).collect();
            let settings = PartSettings {
                default_server: self.default_server.clone(),
                max_line_bytes: self.max_line_bytes,
            };
            let total = self.file_total.unwrap_or(self.files.len());
            self.split = Some(Box::new(SplitReader::start(
                files,
                self.filter.clone(),
                settings,
                max_readers,
                self.file_offset,
                total,
            )));
            return vec![self];
        }
        if max_readers == 1 || self.started || self.tail.is_some() || self.follow || self.streams.len() < 2 {
            return vec![self];
        }
        let total = self.files.len();
        let streams = std::mem::take(&mut self.streams);
        let mut groups: Vec<(u64, Vec<Stream>)> =
            (0..max_readers.min(streams.len())).map(|_| (0, Vec::new())).collect();
        // Sizes only matter when streams must share readers: otherwise each gets its own, unread by `stat`.
        let grouped = streams.len() > max_readers;
        let mut by_size: Vec<(u64, Stream)> = streams
            .into_iter()
            .map(|stream| {
                (
                    if grouped {
                        stream
                            .files
                            .iter()
                            .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
                            .sum()
                    } else {
                        0
                    },
                    stream,
                )
            })
            .collect();
        by_size.sort_by_key(|(bytes, _)| Reverse(*bytes));
        for (bytes, stream) in by_size {
            let smallest = groups
                .iter_mut()
                .min_by_key(|(total, _)| *total)
                .expect("at least one group");
            smallest.0 += bytes;
            smallest.1.push(stream);
        }
        let mut offset = 0;
        let mut out = std::mem::take(&mut self.out);
        groups
            .into_iter()
            .map(|(_, streams)| {
                let files: Vec<PathBuf> = streams.iter().flat_map(|s| s.files.iter().cloned()).collect();
                let mut reader = ProtocolReader::new(self.mode, self.filter.clone(), Vec::new())
                    .default_server(&self.default_server)
                    .max_line_bytes(self.max_line_bytes);
                reader.streams = streams;
                reader.file_offset = offset;
                reader.file_total = Some(total);
                offset += files.len();
                reader.files = files;
                reader.out = std::mem::take(&mut out);
                reader
            })
            .collect()
    }

    /// The next item, in order.
    #[allow(clippy::should_implement_trait)] // `Pending` in follow mode is neither an item nor the end
    pub fn next(&mut self) -> Step<ProtocolRow> {
        if let Some(split) = self.split.as_mut() {
            if let Some(item) = self.out.pop_front() {
                return Step::Item(item);
            }
            return split.next();
        }
        if !self.started {
            self.started = true;
            if let Some(n) = self.tail {
                self.read_tail(n);
            }
            for index in 0..self.streams.len() {
                self.advance(index);
            }
        }
        loop {
            if let Some(item) = self.out.pop_front() {
                return Step::Item(item);
            }
            if let Some(Reverse((time_ms, index, event))) = self.ready.pop() {
                if let Err(panic) = catch_quietly(|| self.take_record(index, time_ms, event)) {
                    self.report_panic(index, None, &panic);
                }
                self.advance(index);
                continue;
            }
            if !self.follow {
                // A part of a split read leaves its open sessions to the merge.
                if self.part.is_some() || self.open.is_empty() && self.finished.is_empty() {
                    return Step::End;
                }
                self.finish_all();
                continue;
            }
            // Follow mode: every stream waits for Exchange to write more. Look again, and for newer files.
            let mut any = false;
            for index in 0..self.streams.len() {
                if !self.streams[index].pending {
                    continue;
                }
                // A file cut, rewritten or replaced since it was last read is read again from its start: looked at
                // before reading on, which would start in the middle of a line of the new content.
                self.restart_if_changed(index);
                // What was added to the followed file comes first; only a file with nothing more gives way to a
                // newer one.
                let mut next = self.advance(index);
                if matches!(next, Advance::Pending) && self.roll_to_newer_file(index) {
                    next = self.advance(index);
                }
                any |= matches!(next, Advance::Ready);
            }
            if !any {
                self.release_sessions(true);
                if let Some(item) = self.out.pop_front() {
                    return Step::Item(item);
                }
                return Step::Pending;
            }
        }
    }

    /// Moves stream `index` to its next row, opening its next file when one ends. A panic costs the line it was
    /// met on (the rest of the file when the reader could not move past it); reading goes on after it.
    fn advance(&mut self, index: usize) -> Advance {
        loop {
            let before = self.streams[index]
                .current
                .as_ref()
                .map(|f| (f.number, f.reader.position()));
            match catch_quietly(|| self.read_row(index)) {
                Ok(advance) => return advance,
                Err(panic) => self.report_panic(index, before, &panic),
            }
        }
    }

    /// An error for a panic caught while stream `index` was at a line: that line is skipped, or the rest of the
    /// file when the reader is still where it was `before` the panic.
    fn report_panic(&mut self, index: usize, before: Option<(usize, (u64, u64))>, panic: &str) {
        let Some(file) = self.streams[index].current.as_mut() else {
            return;
        };
        let stuck_at = before.filter(|(number, _)| *number == file.number).map(|(_, at)| at);
        let err = file.reader.panicked(stuck_at, panic);
        self.out.push_back(Item::Error(err));
    }

    fn read_row(&mut self, index: usize) -> Advance {
        loop {
            if self.streams[index].current.is_none() && !self.open_next_file(index) {
                return Advance::Exhausted;
            }
            let stream = &mut self.streams[index];
            let file = stream.current.as_mut().expect("opened above");
            stream.pending = false;
            match file.reader.next_row() {
                ReadOutcome::Record => {
                    if file.context.is_none() {
                        match file_context(&file.reader, &file.path, &self.default_server) {
                            Ok(ctx) => file.context = Some(ctx),
                            Err(message) => {
                                let err = file.reader.abandon(LineErrorKind::NotALog, message);
                                self.out.push_back(Item::Error(err));
                                continue;
                            }
                        }
                    }
                    let ctx = file.context.as_ref().expect("set above");
                    match ctx.columns.time_of(file.reader.record(), &mut file.times) {
                        Ok((time_ms, event)) => {
                            if ctx.columns.event_missing(file.reader.record()) {
                                file.reader.note_repair();
                            }
                            self.ready.push(Reverse((time_ms, index, event)));
                            return Advance::Ready;
                        }
                        Err((kind, message)) => {
                            let err = file.reader.line_error(kind, message);
                            self.out.push_back(Item::Error(err));
                        }
                    }
                }
                ReadOutcome::Error(e) => self.out.push_back(Item::Error(e)),
                ReadOutcome::Pending => {
                    stream.pending = true;
                    return Advance::Pending;
                }
                ReadOutcome::Truncated { .. } | ReadOutcome::End => self.close_current(index),
            }
        }
    }

    fn open_next_file(&mut self, index: usize) -> bool {
        while let Some(path_buf) = self.streams[index].files.pop_front() {
            let last_of_stream = self.streams[index].files.is_empty();
            let path: Arc<str> = Arc::from(path_buf.to_string_lossy().as_ref());
            let name = path_buf
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(LogFileName::parse);
            self.files_opened += 1;
            if !(self.filter.file_in_range(name.as_ref()) || self.follow && last_of_stream) {
                self.stats.files_skipped_by_time += 1;
                self.out.push_back(Item::FileDone {
                    path,
                    stats: ReaderStats::default(),
                    skipped: Some(FileSkip::Time),
                });
                continue;
            }
            let (number, count) = (
                self.file_offset + self.files_opened - 1,
                self.file_total.unwrap_or(self.files.len()),
            );
            self.out.push_back(Item::FileStarted {
                path: path.clone(),
                index: number,
                count,
            });
            let opened = match &self.range {
                Some((start, end, _)) => WatchedFile::open_range(&path_buf, *start, *end),
                None => WatchedFile::open(&path_buf),
            };
            match opened {
                Ok(file) => {
                    let mut reader = LogReader::new(path.clone(), file)
                        .with_max_line_bytes(self.max_line_bytes)
                        .with_follow(self.follow && last_of_stream);
                    if let Some((start, _, Some(header))) = &self.range {
                        reader = reader.starting_at(header.clone(), *start);
                    }
                    self.stats.files += 1;
                    self.file_serial += 1;
                    self.streams[index].current = Some(CurrentFile {
                        reader,
                        path,
                        number: self.file_serial,
                        context: None,
                        times: TimeCache::default(),
                    });
                    return true;
                }
                Err(e) => {
                    self.out.push_back(Item::Error(LineError {
                        path,
                        line: 0,
                        kind: LineErrorKind::Io,
                        message: format!("cannot open: {e}"),
                    }));
                }
            }
        }
        false
    }

    fn close_current(&mut self, index: usize) {
        if let Some(file) = self.streams[index].current.take() {
            let stats = file.reader.stats();
            self.stats.bytes += stats.bytes;
            self.stats.lines += stats.lines;
            self.stats.skipped_lines += stats.skipped;
            self.stats.truncated_lines += stats.truncated;
            if let Some(ctx) = file.context {
                self.contexts.insert(file.path.clone(), ctx);
            }
            self.out.push_back(Item::FileDone {
                path: file.path,
                stats,
                skipped: None,
            });
        }
    }

    /// Takes the ready row of stream `index`: an entry, or a line of a session.
    fn take_record(&mut self, index: usize, time_ms: i64, event: EventKind) {
        if let Some(part) = self.part.as_mut() {
            part.line = self.streams[index]
                .current
                .as_ref()
                .map_or(0, |f| f.reader.line_number());
        }
        self.latest_ms = self.latest_ms.max(time_ms);
        let minute = self.latest_ms.div_euclid(60_000);
        if minute > self.swept_minute {
            self.swept_minute = minute;
            self.abandon_idle_sessions();
        }
        let Some(file) = self.streams[index].current.as_ref() else {
            return;
        };
        let ctx = file.context.as_ref().expect("context set before a row is ready");
        let view = ctx.columns.view_at(file.reader.record(), time_ms, event);
        let line_no = file.reader.line_number();
        if self.mode == ReadMode::Entries && !self.filter.needs_sessions() {
            if self.filter.line_ok(&view) {
                let mut entry = make_entry(&view, &file.path, line_no, ctx, &mut self.interned);
                entry.diagnose(self.knowledge);
                self.stats.entries += 1;
                self.out.push_back(Item::Row(ProtocolRow::Entry(entry)));
            }
            return;
        }
        let raw = file.reader.raw_text();
        let offset = file.reader.line_offset();
        let lookup = SessionKeyRef {
            direction: ctx.direction,
            server: server_name(view.connector_id, &ctx.server),
            id: view.session_id,
        };
        let open = match self.open.get_mut(&lookup) {
            Some(open) => open,
            None => {
                self.order += 1;
                let start = (view.time_ms, self.order);
                let key = SessionKey {
                    direction: ctx.direction,
                    server: lookup.server.into(),
                    id: view.session_id.into(),
                };
                self.open_by_start.insert(start);
                if let Some(part) = self.part.as_mut() {
                    part.events.push(PartEvent::Opened {
                        line: line_no,
                        order: self.order,
                        start_ms: view.time_ms,
                        key: key.clone(),
                    });
                }
                self.open.entry(key).or_insert(OpenSession {
                    start,
                    builder: SessionBuilder::new(ctx.direction, ctx.role_of(&view), lookup.server, &view),
                })
            }
        };
        open.builder.push(&view, &file.path, line_no, offset, raw);
        if open.builder.is_closed() {
            let closed = self.open.remove(&lookup);
            self.complete_session(closed);
        }
        self.release_sessions(false);
    }

    /// The columns of the file `path` as read (its `#Fields:`), once it was read.
    pub(super) fn columns_of(&self, path: &str) -> Option<ProtocolColumns> {
        self.contexts.get(path).map(|c| c.columns)
    }

    /// The sessions still open, for the merge of a split read: key, start and builder.
    pub(super) fn take_open(&mut self) -> Vec<(SessionKey, (i64, u64), SessionBuilder)> {
        self.open_by_start.clear();
        self.open
            .drain()
            .map(|(key, open)| (key, open.start, open.builder))
            .collect()
    }

    /// Completes and diagnoses a session; a panic there costs that session, reported at its first line.
    fn finish_session(&mut self, key: &SessionKey) {
        let open = self.open.remove(key);
        self.complete_session(open);
    }

    /// [`Self::finish_session`] of a session already taken out of `open`.
    fn complete_session(&mut self, open: Option<OpenSession>) {
        if let Some(OpenSession { start, builder }) = open {
            self.open_by_start.remove(&start);
            let (start_ms, order) = start;
            let first = builder.first_line();
            let knowledge = self.knowledge;
            let finished = catch_quietly(move || {
                let mut session = builder.finish();
                session.diagnose(knowledge);
                session
            });
            if let Some(part) = self.part.as_mut() {
                part.events.push(PartEvent::Finished {
                    line: part.line,
                    order,
                    session: finished.map_err(|panic| session_lost(first, &panic)),
                });
                return;
            }
            match finished {
                Ok(session) => self.finished.push(Reverse(Finished {
                    start_ms,
                    order,
                    session,
                })),
                Err(panic) => self.out.push_back(session_lost(first, &panic)),
            }
        }
    }

    fn abandon_idle_sessions(&mut self) {
        let horizon = self.latest_ms.saturating_sub(ABANDON_AFTER_MS);
        if let Some(part) = self.part.as_mut() {
            part.events.push(PartEvent::Swept {
                line: part.line,
                minute: self.swept_minute,
                horizon,
            });
        }
        let idle: Vec<SessionKey> = self
            .open
            .iter()
            .filter(|(_, o)| o.builder.last_ms() < horizon)
            .map(|(k, _)| k.clone())
            .collect();
        for key in idle {
            self.finish_session(&key);
        }
    }

    /// Hands out finished sessions in start order: a session goes once no open session started before it.
    /// In follow mode (`all`), sessions go as soon as they end.
    fn release_sessions(&mut self, all: bool) {
        // Called after every line; most lines finish no session.
        if self.finished.is_empty() {
            return;
        }
        let oldest_open = self.open_by_start.first().map(|(start, _)| *start);
        while let Some(Reverse(top)) = self.finished.peek() {
            if !(all || self.follow) && oldest_open.is_some_and(|open| open < top.start_ms) {
                break;
            }
            let Reverse(done) = self.finished.pop().expect("peeked");
            self.emit_session(done.session);
        }
    }

    /// Hands out a finished session that passes the filter, or its lines; a panic there costs that session.
    fn emit_session(&mut self, session: Box<Session>) {
        let emitted = match catch_quietly(|| self.filter.session_ok(&session)) {
            Ok(false) => return,
            Ok(true) if self.mode == ReadMode::Sessions => {
                self.stats.sessions += 1;
                self.out.push_back(Item::Row(ProtocolRow::Session(session)));
                return;
            }
            Ok(true) => catch_quietly(|| {
                let mut entries = session_entries(&session, &self.contexts, &self.streams, &mut self.interned);
                for entry in &mut entries {
                    entry.diagnose(self.knowledge);
                }
                entries
            }),
            Err(panic) => Err(panic),
        };
        match emitted {
            Ok(entries) => {
                self.stats.entries += entries.len() as u64;
                self.out
                    .extend(entries.into_iter().map(|e| Item::Row(ProtocolRow::Entry(e))));
            }
            Err(panic) => self.out.push_back(session_lost(session.first_line(), &panic)),
        }
    }

    fn finish_all(&mut self) {
        let keys: Vec<SessionKey> = self.open.keys().cloned().collect();
        for key in keys {
            self.finish_session(&key);
        }
        self.release_sessions(true);
    }

    /// Follow mode: when Exchange has started a newer file in the folder of the one being followed, finish the
    /// old one and follow the new one.
    fn roll_to_newer_file(&mut self, index: usize) -> bool {
        let Some(file) = self.streams[index].current.as_ref() else {
            return false;
        };
        let Some(newer) = newer_sibling(Path::new(file.path.as_ref())) else {
            return false;
        };
        self.close_current(index);
        self.files.push(newer.clone());
        self.streams[index].files.push_back(newer);
        true
    }

    /// Follow mode: when the followed file of stream `index` is no longer what was read of it, finishes the sessions
    /// open in it and reads it again from its start.
    fn restart_if_changed(&mut self, index: usize) {
        let Some(file) = self.streams[index].current.as_mut() else {
            return;
        };
        let path = Path::new(file.path.as_ref());
        let Some(change) = file.reader.source_mut().change(path) else {
            return;
        };
        let path = file.path.clone();
        self.close_current(index);
        let open_in_file: Vec<SessionKey> = self
            .open
            .iter()
            .filter(|(_, open)| open.builder.has_lines_of(&path))
            .map(|(key, _)| key.clone())
            .collect();
        for key in open_in_file {
            self.finish_session(&key);
        }
        self.out.push_back(Item::FileRestarted {
            path: path.clone(),
            change,
        });
        self.streams[index].files.push_front(PathBuf::from(path.as_ref()));
    }

    /// The last `n` items by time across every stream: files are read from the newest back until the files not
    /// read can hold nothing newer than the oldest item kept. A file ends when its name's hour (or day) ends; for
    /// sessions an hour more, so that a session that began in an older file is read whole.
    fn read_tail(&mut self, n: usize) {
        let names: Vec<Option<LogFileName>> = self.files.iter().map(|p| log_file_name(p)).collect();
        let slack = if self.mode == ReadMode::Sessions {
            FILE_SLACK_MS
        } else {
            TAIL_LINE_SLACK_MS
        };
        let mut from = self.files.len().saturating_sub(1);
        loop {
            // The files of every folder that start when the first file read does are read with it.
            while from > 0 && names[from - 1].as_ref().map(|n| n.start_ms) == names[from].as_ref().map(|n| n.start_ms) {
                from -= 1;
            }
            let mut sub = ProtocolReader::new(self.mode, self.filter.clone(), self.files[from..].to_vec())
                .default_server(&self.default_server)
                .max_line_bytes(self.max_line_bytes);
            let mut items: VecDeque<ProtocolItem> = VecDeque::new();
            let mut errors = Vec::new();
            while let Step::Item(item) = sub.next() {
                match item {
                    Item::Row(ProtocolRow::Entry(_)) | Item::Row(ProtocolRow::Session(_)) => {
                        items.push_back(item);
                        if items.len() > n {
                            items.pop_front();
                        }
                    }
                    Item::Error(_) => errors.push(item),
                    _ => {}
                }
            }
            let older_needed = match items.front() {
                _ if from == 0 => None,
                Some(oldest) if items.len() >= n => {
                    let oldest_ms = item_time_ms(oldest);
                    names[..from]
                        .iter()
                        .rposition(|name| name.as_ref().is_none_or(|name| name.end_ms() + slack > oldest_ms))
                }
                _ => Some(from.saturating_sub(self.files.len() - from)),
            };
            match older_needed {
                Some(earlier) => from = earlier,
                None => {
                    self.stats = sub.stats();
                    // What is handed out, not what was read to find it.
                    let returned = items.len() as u64;
                    match self.mode {
                        ReadMode::Sessions => self.stats.sessions = returned,
                        ReadMode::Entries => self.stats.entries = returned,
                    }
                    self.out.extend(errors);
                    self.out.extend(items);
                    break;
                }
            }
        }
        // Afterwards only the newest file of each stream is followed, from its end: the tail covered the rest.
        for index in 0..self.streams.len() {
            let newest = self.streams[index].files.pop_back();
            self.streams[index].files.clear();
            if let (true, Some(newest)) = (self.follow, newest) {
                self.follow_from_end(index, newest);
            }
        }
    }

    fn follow_from_end(&mut self, index: usize, path_buf: PathBuf) {
        let path: Arc<str> = Arc::from(path_buf.to_string_lossy().as_ref());
        let Ok(file) = WatchedFile::open(&path_buf) else { return };
        let mut reader = LogReader::new(path.clone(), file)
            .with_max_line_bytes(self.max_line_bytes)
            .with_follow(true);
        // Skip what is there now: the header is read, the rows were in the tail.
        while let ReadOutcome::Record | ReadOutcome::Error(_) = reader.next_row() {}
        let context = file_context(&reader, &path, &self.default_server).ok();
        self.file_serial += 1;
        self.streams[index].current = Some(CurrentFile {
            reader,
            path,
            number: self.file_serial,
            context,
            times: TimeCache::default(),
        });
        self.streams[index].pending = true;
    }
}

impl KindReader for ProtocolReader {
    type Row = ProtocolRow;
    type Stats = ProtocolStats;
    const THREAD: &'static str = "hybridmailflow-reader";

    fn read_step(&mut self, _spare: &mut Vec<ProtocolRow>) -> Step<ProtocolRow> {
        self.next()
    }

    fn stats(&self) -> ProtocolStats {
        ProtocolReader::stats(self)
    }
}

fn log_file_name(path: &Path) -> Option<LogFileName> {
    path.file_name().and_then(|n| n.to_str()).and_then(LogFileName::parse)
}

/// The time that orders an item: a line's, or a session's start.
fn item_time_ms(item: &ProtocolItem) -> i64 {
    match item {
        Item::Row(ProtocolRow::Entry(entry)) => entry.time_ms,
        Item::Row(ProtocolRow::Session(session)) => session.start_ms,
        _ => i64::MIN,
    }
}

/// Every protocol log under `dir`, recursively, by name (RECV*/SEND*). Unreadable folders are passed over: the
/// files that can be read still are.
pub(crate) fn protocol_logs_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            protocol_logs_under(&path, out);
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(LogFileName::parse)
            .is_some_and(|n| {
                matches!(
                    n.family,
                    crate::logfile::LogFamily::SmtpReceive | crate::logfile::LogFamily::SmtpSend
                )
            })
        {
            out.push(path);
        }
    }
}

/// Splits files (oldest first) into streams: files of one folder and one prefix follow one another in time.
fn group_streams(files: &[PathBuf]) -> Vec<Stream> {
    let mut streams: Vec<(String, Stream)> = Vec::new();
    for path in files {
        let folder = path
            .parent()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(LogFileName::parse)
            .map(|n| n.prefix)
            .unwrap_or_default();
        let key = format!("{folder}\u{0}{prefix}");
        match streams.iter_mut().find(|(k, _)| *k == key) {
            Some((_, stream)) => stream.files.push_back(path.clone()),
            None => streams.push((
                key,
                Stream {
                    files: VecDeque::from([path.clone()]),
                    current: None,
                    pending: false,
                },
            )),
        }
    }
    streams.into_iter().map(|(_, s)| s).collect()
}

fn file_context(reader: &LogReader<impl Read>, path: &str, default_server: &str) -> Result<FileContext, String> {
    let header = reader.header();
    let file_name = Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or("");
    let direction = Direction::detect(header, file_name).ok_or_else(|| {
        format!(
            "is not an SMTP protocol log (#Log-type: '{}'); use the command for that kind of log",
            header.log_type.as_deref().unwrap_or("none")
        )
    })?;
    let columns = ProtocolColumns::from_header(header)?;
    let server = server_from_path(path).unwrap_or_else(|| default_server.to_owned());
    Ok(FileContext {
        columns,
        direction,
        role: Role::from_path(path),
        before_2013: header
            .version
            .as_deref()
            .and_then(|v| v.trim().split('.').next()?.parse::<u32>().ok())
            .is_some_and(|major| major < 15),
        server,
    })
}

/// The error that says a session was lost to a panic, at its first line.
pub(super) fn session_lost(first: Option<LineRef>, panic: &str) -> ProtocolItem {
    let (path, line) = first.map_or((Arc::from(""), 0), |at| (at.path, at.line));
    Item::Error(LineError::session_lost(path, line, panic))
}

fn intern(map: &mut HashMap<Box<str>, Arc<str>>, text: &str) -> Arc<str> {
    if let Some(found) = map.get(text) {
        return found.clone();
    }
    if map.len() > 4096 {
        map.clear();
    }
    let arc: Arc<str> = Arc::from(text);
    map.insert(Box::from(text), arc.clone());
    arc
}

fn make_entry(
    view: &LineView<'_>,
    path: &Arc<str>,
    line: u64,
    ctx: &FileContext,
    interned: &mut HashMap<Box<str>, Arc<str>>,
) -> LogEntry {
    let server = server_of(view.connector_id, &ctx.server).unwrap_or_default();
    LogEntry {
        path: path.clone(),
        line,
        time_ms: view.time_ms,
        server: intern(interned, &server),
        connector_id: intern(interned, view.connector_id),
        session_id: intern(interned, view.session_id),
        sequence: view.sequence,
        local_endpoint: view.local_endpoint.to_owned(),
        remote_endpoint: view.remote_endpoint.to_owned(),
        event: view.event,
        data: view.data.to_owned(),
        context: view.context.to_owned(),
        direction: ctx.direction,
        role: ctx.role_of(view),
        diagnosis: Vec::new(),
    }
}

/// The lines of a session as entries, re-read from its raw lines with the schema of the file each came from.
fn session_entries(
    session: &Session,
    contexts: &HashMap<Arc<str>, FileContext>,
    streams: &[Stream],
    interned: &mut HashMap<Box<str>, Arc<str>>,
) -> Vec<LogEntry> {
    let mut record = Record::new();
    let mut out = Vec::with_capacity(session.line_origins.len());
    for (raw, origin) in session.raw_lines.split('\n').zip(&session.line_origins) {
        let path = &session.files[origin.file as usize];
        let ctx = contexts.get(path).or_else(|| {
            streams
                .iter()
                .filter_map(|s| s.current.as_ref())
                .find(|c| &c.path == path)
                .and_then(|c| c.context.as_ref())
        });
        let Some(ctx) = ctx else { continue };
        if split_csv_line(raw.as_bytes(), &mut record).is_err() {
            continue;
        }
        if let Ok(view) = ctx.columns.view(&record) {
            out.push(make_entry(&view, path, origin.line, ctx, interned));
        }
    }
    out
}

/// The newest log file in `current`'s folder with the same prefix, when it is newer than `current`.
fn newer_sibling(current: &Path) -> Option<PathBuf> {
    let current_name = LogFileName::parse(current.file_name()?.to_str()?)?;
    let dir = current.parent()?;
    let entries = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    })
    .ok()?;
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = LogFileName::parse(e.file_name().to_str()?)?;
            (name.prefix == current_name.prefix
                && (name.start_ms, name.instance) > (current_name.start_ms, current_name.instance))
                .then(|| ((name.start_ms, name.instance), e.path()))
        })
        .min_by_key(|(key, _)| *key)
        .map(|(_, path)| path)
}

/// The fields every protocol log of Exchange 2010 to 2019 has, in order.
pub const STANDARD_FIELDS: [&str; 9] = [
    "date-time",
    "connector-id",
    "session-id",
    "sequence-number",
    "local-endpoint",
    "remote-endpoint",
    "event",
    "data",
    "context",
];

/// Reads lines of a session (as kept in `Session::raw_lines`) back into entries, with the standard schema.
/// Path and line are left empty: the session's `line_origins` tell them.
pub fn parse_raw_lines(text: &str, direction: Direction) -> Vec<Result<LogEntry, LineError>> {
    let header = crate::logfile::LogHeader {
        fields: STANDARD_FIELDS.iter().map(|f| (*f).to_owned()).collect(),
        ..Default::default()
    };
    let ctx = FileContext {
        columns: ProtocolColumns::from_header(&header).expect("standard fields are complete"),
        direction,
        role: Role::Unknown,
        before_2013: false,
        server: String::new(),
    };
    let path: Arc<str> = Arc::from("");
    let mut interned = HashMap::new();
    let mut record = Record::new();
    text.split('\n')
        .enumerate()
        .filter(|(_, raw)| !raw.is_empty())
        .map(|(i, raw)| {
            let line = i as u64 + 1;
            let fail = |kind, message: String| LineError {
                path: path.clone(),
                line,
                kind,
                message,
            };
            catch_quietly(|| {
                split_csv_line(raw.trim_end_matches('\r').as_bytes(), &mut record)
                    .map_err(|e| fail(LineErrorKind::BadQuoting, e.to_string()))?;
                if record.len() != STANDARD_FIELDS.len() {
                    return Err(fail(
                        LineErrorKind::FieldCount,
                        format!("has {} fields where a protocol log has 9", record.len()),
                    ));
                }
                let view = ctx
                    .columns
                    .view(&record)
                    .map_err(|(kind, message)| fail(kind, message))?;
                let mut entry = make_entry(&view, &path, line, &ctx, &mut interned);
                entry.diagnose(KnowledgeBase::builtin());
                Ok(entry)
            })
            .unwrap_or_else(|panic| Err(LineError::line_lost(path.clone(), line, &panic)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP Receive Protocol Log\r\n#Date: 2026-05-01T06:00:00.000Z\r\n#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n";

    /// Three sessions of one file; `data` of session B's MAIL FROM line (line 10) is `b_mail`.
    fn three_sessions(b_mail: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("RECV2026050106-1.LOG");
        let fe = r"CMHYBD01\Default Frontend CMHYBD01";
        let mut text = HEADER.to_owned();
        for (id, second, mail) in [
            ("08DEA74796A6E2C1", 1, "MAIL FROM:<raghu@cloudmonkeys.xyz>"),
            ("08DEA74796A6E2C2", 2, b_mail),
            ("08DEA74796A6E2C3", 3, "MAIL FROM:<ramki@cloudmonkeys.xyz>"),
        ] {
            for (seq, event, data) in [
                (0, "+", ""),
                (1, "<", "EHLO CMEDGE01.cloudmonkeys.xyz"),
                (2, "<", mail),
                (3, ">", "550 5.7.1 Unable to relay"),
                (4, "-", ""),
            ] {
                text.push_str(&format!(
                    "2026-05-01T06:00:0{second}.00{seq}Z,{fe},{id},{seq},192.168.1.13:25,192.168.1.20:5000{second},{event},{data},\r\n"
                ));
            }
        }
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn read(mode: ReadMode, path: &Path) -> (Vec<ProtocolItem>, Vec<LineError>) {
        let mut reader = ProtocolReader::new(mode, ProtocolFilter::default(), vec![path.to_path_buf()]);
        let (mut records, mut errors) = (Vec::new(), Vec::new());
        while let Step::Item(item) = reader.next() {
            match item {
                Item::Error(e) => errors.push(e),
                item @ (Item::Row(ProtocolRow::Session(_)) | Item::Row(ProtocolRow::Entry(_))) => records.push(item),
                _ => {}
            }
        }
        (records, errors)
    }

    #[test]
    fn two_servers_sessions_with_one_id_stay_two_sessions() {
        // Several servers' folders read together (copied logs, or the remoting benchmark's sets): a session id is
        // unique per server only, and the sessions of two servers never merge.
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (server, second) in [("CMHYBD01", 1), ("CMHYBD02", 2)] {
            let folder = dir.path().join(server).join("FrontEnd/ProtocolLog/SmtpReceive");
            std::fs::create_dir_all(&folder).unwrap();
            let fe = format!(r"{server}\Default Frontend {server}");
            let mut text = HEADER.to_owned();
            for (seq, event, data) in [
                (0, "+", ""),
                (1, "<", "EHLO CMEDGE01.cloudmonkeys.xyz"),
                (2, ">", "250 CMHYBD01 Hello"),
                (3, "-", ""),
            ] {
                text.push_str(&format!(
                    "2026-05-01T06:00:0{second}.00{seq}Z,{fe},08DEA74796A6E2C1,{seq},192.168.1.13:25,192.168.1.20:5000{second},{event},{data},\r\n"
                ));
            }
            let path = folder.join("RECV2026050106-1.LOG");
            std::fs::write(&path, text).unwrap();
            paths.push(path);
        }
        let mut reader = ProtocolReader::new(ReadMode::Sessions, ProtocolFilter::default(), paths);
        let mut found = Vec::new();
        while let Step::Item(item) = reader.next() {
            if let Item::Row(ProtocolRow::Session(s)) = item {
                found.push((s.server.to_string(), s.session_id.to_string(), s.line_count));
            }
        }
        assert_eq!(
            found,
            [
                ("CMHYBD01".to_owned(), "08DEA74796A6E2C1".to_owned(), 4),
                ("CMHYBD02".to_owned(), "08DEA74796A6E2C1".to_owned(), 4)
            ]
        );
    }

    fn sessions(items: Vec<ProtocolItem>) -> Vec<Session> {
        items
            .into_iter()
            .filter_map(|i| match i {
                Item::Row(ProtocolRow::Session(s)) => Some(*s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_panic_on_a_line_costs_that_line_and_names_it() {
        let (_dir, path) = three_sessions("MAIL FROM:<a@b.example> <hmf-panic:line>");
        let (items, errors) = read(ReadMode::Sessions, &path);
        let sessions = sessions(items);
        assert_eq!(sessions.len(), 3, "{errors:?}");
        assert_eq!(errors.len(), 1, "{errors:?}");
        let error = &errors[0];
        assert_eq!(
            (&*error.path, error.line, error.kind),
            (path.to_str().unwrap(), 13, LineErrorKind::Internal)
        );
        assert!(
            error.message.contains("this line was skipped") && error.message.contains("a test asked for a panic"),
            "{}",
            error.message
        );
        let b = &sessions[1];
        assert_eq!((b.line_count, b.outcome), (4, Outcome::Rejected));
        assert!(sessions.iter().all(|s| s.outcome == Outcome::Rejected));
    }

    #[test]
    fn a_panic_completing_a_session_costs_that_session_and_names_its_first_line() {
        let (_dir, path) = three_sessions("MAIL FROM:<a@b.example> <hmf-panic:session>");
        let (items, errors) = read(ReadMode::Sessions, &path);
        let ids: Vec<String> = sessions(items).into_iter().map(|s| s.session_id.into()).collect();
        assert_eq!(ids, ["08DEA74796A6E2C1", "08DEA74796A6E2C3"]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].line, errors[0].kind), (11, LineErrorKind::Internal));
        assert!(errors[0]
            .message
            .contains("the session starting on this line was skipped"));
    }

    #[test]
    fn a_panic_on_a_line_read_as_lines_costs_that_line() {
        let (_dir, path) = three_sessions("MAIL FROM:<a@b.example> <hmf-panic:line>");
        let (items, errors) = read(ReadMode::Entries, &path);
        // Lines are read whole (no session filter): only a session builder panics on this line, so every line
        // comes back. With a filter that needs sessions, the line goes through the builder and is lost.
        assert_eq!((items.len(), errors.len()), (15, 0));
        let mut reader = ProtocolReader::new(
            ReadMode::Entries,
            ProtocolFilter {
                outcomes: vec![Outcome::Rejected],
                ..ProtocolFilter::default()
            },
            vec![path.clone()],
        );
        let (mut entries, mut errors) = (0, Vec::new());
        while let Step::Item(item) = reader.next() {
            match item {
                Item::Row(ProtocolRow::Entry(_)) => entries += 1,
                Item::Error(e) => errors.push((e.line, e.kind)),
                _ => {}
            }
        }
        assert_eq!(entries, 14);
        assert_eq!(errors, [(13, LineErrorKind::Internal)]);
    }

    /// The log of sessions `ids` (each five lines: connect, EHLO, MAIL FROM, 550, disconnect), `second` apart.
    fn log_of(ids: &[&str]) -> String {
        let mut text = HEADER.to_owned();
        for (second, id) in ids.iter().enumerate() {
            for (seq, event, data) in [
                (0, "+", ""),
                (1, "<", "EHLO CMEDGE01.cloudmonkeys.xyz"),
                (2, "<", "MAIL FROM:<raghu@cloudmonkeys.xyz>"),
                (3, ">", "550 5.7.1 Unable to relay"),
                (4, "-", ""),
            ] {
                text.push_str(&format!(
                    "2026-05-01T06:00:{second:02}.00{seq}Z,CMHYBD01\\Default Frontend CMHYBD01,{id},{seq},192.168.1.13:25,192.168.1.20:50000,{event},{data},\r\n"
                ));
            }
        }
        text
    }

    /// What a follow reader hands out until it has nothing more for now: each session as its id and first line,
    /// errors and restarts as text.
    fn follow_until_pending(reader: &mut ProtocolReader) -> (Vec<(String, u64)>, Vec<String>) {
        let (mut sessions, mut notices) = (Vec::new(), Vec::new());
        loop {
            match reader.next() {
                Step::Item(Item::Row(ProtocolRow::Session(s))) => {
                    sessions.push((s.session_id.to_string(), s.first_line().map_or(0, |l| l.line)))
                }
                Step::Item(Item::Error(e)) => notices.push(e.to_string()),
                Step::Item(Item::FileRestarted { change, .. }) => notices.push(change.as_str().to_owned()),
                Step::Item(_) => {}
                Step::Pending | Step::End => return (sessions, notices),
            }
        }
    }

    fn owned(sessions: &[(&str, u64)]) -> Vec<(String, u64)> {
        sessions.iter().map(|(id, line)| ((*id).to_owned(), *line)).collect()
    }

    #[test]
    fn a_followed_file_cut_rewritten_or_replaced_is_read_again_from_its_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("RECV2026050106-1.LOG");
        std::fs::write(&path, log_of(&["A1", "A2", "A3"])).unwrap();
        let mut reader =
            ProtocolReader::new(ReadMode::Sessions, ProtocolFilter::default(), vec![path.clone()]).follow(true);
        let (sessions, notices) = follow_until_pending(&mut reader);
        assert_eq!(sessions, owned(&[("A1", 6), ("A2", 11), ("A3", 16)]));
        assert!(notices.is_empty(), "{notices:?}");

        // Truncated and written again shorter.
        std::fs::write(&path, log_of(&["B1"])).unwrap();
        assert_eq!(
            follow_until_pending(&mut reader),
            (owned(&[("B1", 6)]), vec!["truncated".to_owned()])
        );

        // Truncated and written again longer: not read on from the old offset, in the middle of a line.
        std::fs::write(&path, log_of(&["C1", "C2", "C3", "C4"])).unwrap();
        assert_eq!(
            follow_until_pending(&mut reader),
            (
                owned(&[("C1", 6), ("C2", 11), ("C3", 16), ("C4", 21)]),
                vec!["rewritten".to_owned()]
            )
        );

        // Deleted: nothing until a new file is there.
        std::fs::remove_file(&path).unwrap();
        assert_eq!(follow_until_pending(&mut reader), (Vec::new(), Vec::new()));
        std::fs::write(&path, log_of(&["D1", "D2"])).unwrap();
        assert_eq!(
            follow_until_pending(&mut reader),
            (
                owned(&[("D1", 6), ("D2", 11)]),
                vec!["replaced by a new file".to_owned()]
            )
        );

        // Then it grows as usual.
        let mut grown = log_of(&["D1", "D2", "D3"]);
        grown.drain(..log_of(&["D1", "D2"]).len());
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, grown.as_bytes()))
            .unwrap();
        assert_eq!(follow_until_pending(&mut reader), (owned(&[("D3", 16)]), Vec::new()));
    }

    #[test]
    fn a_session_open_when_its_file_is_cut_is_handed_out_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("RECV2026050106-1.LOG");
        let mut open = log_of(&["A1"]);
        open.truncate(open.len() - open.lines().last().unwrap().len() - 1);
        std::fs::write(&path, &open).unwrap();
        let mut reader =
            ProtocolReader::new(ReadMode::Sessions, ProtocolFilter::default(), vec![path.clone()]).follow(true);
        assert_eq!(follow_until_pending(&mut reader), (Vec::new(), Vec::new()));
        std::fs::write(&path, log_of(&["B1"])).unwrap();
        assert_eq!(
            follow_until_pending(&mut reader),
            (owned(&[("A1", 6), ("B1", 6)]), vec!["rewritten".to_owned()])
        );
    }
}
