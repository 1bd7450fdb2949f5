//! What every log reader hands out, whatever the log kind: its rows, and the notices about the files it reads
//! (progress, bad lines and files, followed files read again), in one order. The protocol and message-tracking
//! readers give these same types; a new log kind gives them too, with its own row type (see [`KindReader`]).

use std::sync::Arc;

use super::{FileChange, LineError, ReaderStats};

/// Why a file was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileSkip {
    /// Its name (or `#Date`) puts it outside the time range.
    Time,
    /// It comes from another server than the filter asks for.
    Server,
}

/// One thing a reader hands out, in order: a row of its log kind, or a notice about the files read.
#[derive(Debug, Clone, PartialEq)]
pub enum Item<R> {
    Row(R),
    /// A bad line or file; reading goes on.
    Error(LineError),
    /// A file is about to be read: the `index`-th (0-based) of the `count` files named, for progress.
    FileStarted {
        path: Arc<str>,
        index: usize,
        count: usize,
    },
    /// A file was read to its end (what was read and skipped in it in `stats`), or not read at all (`skipped`).
    FileDone {
        path: Arc<str>,
        stats: ReaderStats,
        skipped: Option<FileSkip>,
    },
    /// Follow mode: the followed file was truncated, rewritten or replaced; it is read again from its start.
    FileRestarted {
        path: Arc<str>,
        change: FileChange,
    },
}

/// What one step of a reader gives.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // one per call, moved once: boxing would cost an allocation per item
pub enum Step<R> {
    Item(Item<R>),
    /// Follow mode: nothing more yet; call again later.
    Pending,
    /// The reader is done.
    End,
}

/// How a batch of items ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchEnd {
    /// More items follow.
    More,
    /// Follow mode: nothing more for now.
    Pending,
    /// The reader is done.
    End,
}

/// A reader of one log kind, as the shared plumbing ([`super::Prefetcher`], the C ABI's reader handle) drives it.
/// A log kind brings its row type, the reader that parses and filters its files into rows, and its totals; the
/// read-ahead thread, batches, panics caught on that thread and the ABI's handle are written once for all kinds.
pub trait KindReader: Send + 'static {
    /// What the reader hands out besides notices (a protocol line or session, a tracking event).
    type Row: Send + 'static;
    /// The reader's totals (files, bytes, lines, rows).
    type Stats: Copy + Default + PartialEq + Send + 'static;
    /// The name of the thread that reads ahead.
    const THREAD: &'static str;
    /// Rows of batches the caller is done with come back to be refilled (in `spare`): worth it for rows of many
    /// strings read by the million; rows that are moved on (sessions) gain nothing.
    const RECYCLES_ROWS: bool = false;

    /// The next row or notice. A row may be built in one of `spare` (rows handed back), reusing its buffers.
    fn read_step(&mut self, spare: &mut Vec<Self::Row>) -> Step<Self::Row>;

    /// The totals so far.
    fn stats(&self) -> Self::Stats;
}
