//! Batches: many records handed over in one call, because a call per record or per field is what makes
//! interop slow. A batch owns everything its C views point into, and stays valid until `hmf_batch_free`.

use std::any::Any;
use std::ptr;
use std::sync::mpsc::{Receiver, SyncSender};

use super::error::{guard, hmf_error, FfiError};
use super::out_ptr;
use super::types::{hmf_status, hmf_str};
use super::Handle;
use crate::logfile::{BatchEnd, FileSkip, Item};

/// A list of strings owned by a batch.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_str_list {
    pub items: *const hmf_str,
    pub len: usize,
}

/// Item kinds (`hmf_item.kind`). Append-only.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_item_kind {
    HMF_ITEM_ENTRY = 1,
    HMF_ITEM_SESSION = 2,
    HMF_ITEM_ERROR = 3,
    HMF_ITEM_FILE_STARTED = 4,
    HMF_ITEM_FILE_DONE = 5,
    HMF_ITEM_TRACKING_EVENT = 6,
    /// Follow mode: the followed file (`error->path`) was truncated, rewritten or replaced and is read again from its
    /// start; `error->message` says which (`was truncated; reading it again from the start`), `error->status` is
    /// `HMF_OK`. Sessions open in it were handed out as they were.
    HMF_ITEM_FILE_RESTARTED = 7,
}

pub use hmf_item_kind::*;

/// Batch states (`hmf_batch_view.state`). Append-only.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_batch_state {
    /// More items may follow: call next_batch again.
    HMF_BATCH_MORE = 0,
    /// Follow mode: nothing more for now; call again after a pause.
    HMF_BATCH_PENDING = 1,
    /// The reader is done; this is the last batch.
    HMF_BATCH_END = 2,
}

pub use hmf_batch_state::*;

/// A file event: a file about to be read, or read to its end with what was skipped in it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_file_event {
    pub path: hmf_str,
    /// For FILE_STARTED: 0-based position of the file and the number of files.
    pub index: u64,
    pub count: u64,
    /// For FILE_DONE:
    pub bytes: u64,
    pub lines: u64,
    pub records: u64,
    pub skipped_lines: u64,
    pub truncated_lines: u64,
    /// 1 when the file was skipped unread because its name (or, for tracking logs, its #Date) shows it is outside
    /// the time range.
    pub skipped_by_time: u32,
    /// 1 when a tracking log was skipped unread because it comes from another server than the one asked for.
    pub skipped_by_server: u32,
    /// Damaged lines read after a repair (missing trailing fields, an empty protocol-log event), and the 1-based
    /// number of the first of them (0 when none) (ABI 5).
    pub repaired_lines: u64,
    pub first_repaired_line: u64,
}

/// One item of a batch: `kind` tells which pointer is set (the others are NULL).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_item {
    pub kind: hmf_item_kind,
    pub entry: *const super::protocol::hmf_protocol_entry,
    pub session: *const super::protocol::hmf_session,
    pub error: *const hmf_error,
    pub file: *const hmf_file_event,
    pub tracking_event: *const super::tracking::hmf_tracking_event,
}

impl hmf_item {
    pub(crate) fn empty(kind: hmf_item_kind) -> hmf_item {
        hmf_item {
            kind,
            entry: ptr::null(),
            session: ptr::null(),
            error: ptr::null(),
            file: ptr::null(),
            tracking_event: ptr::null(),
        }
    }
}

/// The items of a batch as C reads them.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_batch_view {
    pub items: *const hmf_item,
    pub count: usize,
    /// HMF_BATCH_MORE, HMF_BATCH_PENDING or HMF_BATCH_END.
    pub state: hmf_batch_state,
}

/// A batch of items (protocol lines or sessions, tracking events, errors, file events), owned by the caller
/// until `hmf_batch_free`.
pub struct hmf_batch {
    pub(crate) arena: Arena,
    pub(crate) errors: Vec<hmf_error>,
    pub(crate) files: Vec<hmf_file_event>,
    pub(crate) items: Vec<hmf_item>,
    pub(crate) state: hmf_batch_state,
    /// The records the item views point into (protocol lines and sessions, or tracking events), kept until the
    /// batch is freed.
    pub(crate) records: Box<dyn Any>,
    /// Where the records and arena go when the batch is freed: back to the thread that read and built them, to
    /// be freed there rather than on the caller's thread (which, in PowerShell, is the one turning the next
    /// batch into objects).
    pub(crate) reclaim: Option<SyncSender<Freed>>,
}

/// What a freed batch owned, on its way back to the thread that built it.
pub(crate) struct Freed {
    _records: Box<dyn Any>,
    _arena: Arena,
}

// SAFETY: only a freed batch's memory travels: the caller gave the batch up, so nothing refers to it any more, and
// the receiving thread only drops it. Its raw pointers point into itself and are never read again.
unsafe impl Send for Freed {}

/// Frees on the reading thread what the caller freed since the last call.
pub(crate) fn drop_freed(reclaimed: &Receiver<Freed>) {
    reclaimed.try_iter().for_each(drop);
}

/// A batch whose views were built on a reading thread, on its way to the caller.
pub(crate) struct BuiltBatch(pub(crate) Box<hmf_batch>);

// SAFETY: the raw pointers of a batch point only into memory the batch itself owns (its arena and records), which
// moves with it; nothing else holds them until the batch is handed to the caller.
unsafe impl Send for BuiltBatch {}

impl hmf_batch {
    /// An empty batch for `items` items of which `errors` errors and `files` file events. The vectors get
    /// their exact capacity: views point into them, so they must never reallocate.
    pub(crate) fn with_capacity(items: usize, errors: usize, files: usize, state: hmf_batch_state) -> hmf_batch {
        hmf_batch {
            arena: Arena::default(),
            errors: Vec::with_capacity(errors),
            files: Vec::with_capacity(files),
            items: Vec::with_capacity(items),
            state,
            records: Box::new(()),
            reclaim: None,
        }
    }

    pub(crate) fn push_error(&mut self, err: FfiError) {
        self.push_error_item(HMF_ITEM_ERROR, err);
    }

    /// An item of `kind` whose `error` tells what happened.
    pub(crate) fn push_error_item(&mut self, kind: hmf_item_kind, err: FfiError) {
        let view = error_view(&mut self.arena, err);
        assert!(self.errors.len() < self.errors.capacity(), "errors sized beforehand");
        self.errors.push(view);
        self.items.push(hmf_item {
            error: self.errors.last().expect("pushed"),
            ..hmf_item::empty(kind)
        });
    }

    pub(crate) fn push_file(&mut self, kind: hmf_item_kind, event: hmf_file_event) {
        assert!(self.files.len() < self.files.capacity(), "file events sized beforehand");
        self.files.push(event);
        self.items.push(hmf_item {
            file: self.files.last().expect("pushed"),
            ..hmf_item::empty(kind)
        });
    }
}

/// The items of a batch, valid until the batch is freed.
///
/// # Safety
/// `batch` is NULL or a live `hmf_batch` this library made, not yet freed; `out` is NULL or points to a writable
/// `hmf_batch_view`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned
/// string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_batch_view_get(batch: *const hmf_batch, out: *mut hmf_batch_view) -> hmf_status {
    guard(|| {
        let b = Handle::arg(batch)?;
        let out = out_ptr(out, "out")?;
        *out = hmf_batch_view {
            items: if b.items.is_empty() {
                ptr::null()
            } else {
                b.items.as_ptr()
            },
            count: b.items.len(),
            state: b.state,
        };
        Ok(())
    })
}

/// Frees a batch and everything its views point into. NULL is accepted.
///
/// # Safety
/// `batch` is NULL or a live `hmf_batch` this library made, not yet freed; none is used after the call returns, beyond
/// what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_batch_free(batch: *mut hmf_batch) {
    Handle::free(batch);
}

impl Handle for hmf_batch {
    const ARG: &'static str = "batch";

    fn release(mut self: Box<Self>) {
        if let Some(reclaim) = self.reclaim.take() {
            let freed = Freed {
                _records: std::mem::replace(&mut self.records, Box::new(())),
                _arena: std::mem::take(&mut self.arena),
            };
            // When the reading thread has ended (or is behind), it is freed here instead.
            let _ = reclaim.try_send(freed);
        }
    }
}

/// Storage that C views point into. Everything is boxed or in a box'd slice so that growing the vectors that
/// hold them never moves what a pointer was taken to.
#[derive(Default)]
pub(crate) struct Arena {
    strings: Vec<Box<str>>,
    lists: Vec<Box<[hmf_str]>>,
    numbers: Vec<Box<[u64]>>,
    indexes: Vec<Box<[u32]>>,
}

impl Arena {
    /// Keeps `s` and returns a view of it.
    pub fn str(&mut self, s: impl Into<Box<str>>) -> hmf_str {
        let boxed: Box<str> = s.into();
        if boxed.is_empty() {
            return hmf_str::EMPTY;
        }
        let view = hmf_str {
            ptr: boxed.as_ptr(),
            len: boxed.len(),
        };
        self.strings.push(boxed);
        view
    }

    pub fn list(&mut self, items: Vec<hmf_str>) -> hmf_str_list {
        if items.is_empty() {
            return hmf_str_list {
                items: ptr::null(),
                len: 0,
            };
        }
        let boxed = items.into_boxed_slice();
        let view = hmf_str_list {
            items: boxed.as_ptr(),
            len: boxed.len(),
        };
        self.lists.push(boxed);
        view
    }

    pub fn numbers(&mut self, items: Vec<u64>) -> *const u64 {
        if items.is_empty() {
            return ptr::null();
        }
        let boxed = items.into_boxed_slice();
        let p = boxed.as_ptr();
        self.numbers.push(boxed);
        p
    }

    pub fn indexes(&mut self, items: Vec<u32>) -> *const u32 {
        if items.is_empty() {
            return ptr::null();
        }
        let boxed = items.into_boxed_slice();
        let p = boxed.as_ptr();
        self.indexes.push(boxed);
        p
    }
}

/// An error in a batch: the message and path live in the batch's arena.
fn error_view(arena: &mut Arena, err: FfiError) -> hmf_error {
    hmf_error {
        status: err.status,
        message: arena.str(err.message),
        path: arena.str(err.path),
        line: err.line,
    }
}

/// A file event for `path`, every count 0.
fn file_event(arena: &mut Arena, path: &str) -> hmf_file_event {
    hmf_file_event {
        path: arena.str(path),
        index: 0,
        count: 0,
        bytes: 0,
        lines: 0,
        records: 0,
        skipped_lines: 0,
        truncated_lines: 0,
        skipped_by_time: 0,
        skipped_by_server: 0,
        repaired_lines: 0,
        first_repaired_line: 0,
    }
}

impl From<BatchEnd> for hmf_batch_state {
    fn from(end: BatchEnd) -> hmf_batch_state {
        match end {
            BatchEnd::More => HMF_BATCH_MORE,
            BatchEnd::Pending => HMF_BATCH_PENDING,
            BatchEnd::End => HMF_BATCH_END,
        }
    }
}

/// How many of `items` are errors (file restarts included) and file events: what a batch sizes its notices by.
pub(crate) fn notice_counts<R>(items: &[Item<R>]) -> (usize, usize) {
    items.iter().fold((0, 0), |(errors, files), item| match item {
        Item::Row(_) => (errors, files),
        Item::Error(_) | Item::FileRestarted { .. } => (errors + 1, files),
        Item::FileStarted { .. } | Item::FileDone { .. } => (errors, files + 1),
    })
}

impl hmf_batch {
    /// Adds the view of a notice, the same for every log kind; a row has its kind's own view, made by the caller.
    pub(crate) fn push_notice<R>(&mut self, item: &Item<R>) {
        match item {
            Item::Row(_) => {}
            Item::Error(e) => self.push_error(FfiError::from(e.clone())),
            Item::FileRestarted { path, change } => self.push_error_item(
                HMF_ITEM_FILE_RESTARTED,
                FfiError {
                    path: path.to_string(),
                    ..FfiError::new(
                        hmf_status::HMF_OK,
                        format!("was {}; reading it again from the start", change.as_str()),
                    )
                },
            ),
            Item::FileStarted { path, index, count } => {
                let event = file_event(&mut self.arena, path);
                self.push_file(
                    HMF_ITEM_FILE_STARTED,
                    hmf_file_event {
                        index: *index as u64,
                        count: *count as u64,
                        ..event
                    },
                );
            }
            Item::FileDone { path, stats, skipped } => {
                let event = file_event(&mut self.arena, path);
                self.push_file(
                    HMF_ITEM_FILE_DONE,
                    hmf_file_event {
                        bytes: stats.bytes,
                        lines: stats.lines,
                        records: stats.records,
                        skipped_lines: stats.skipped,
                        truncated_lines: stats.truncated,
                        repaired_lines: stats.repaired,
                        first_repaired_line: stats.first_repaired_line,
                        skipped_by_time: u32::from(*skipped == Some(FileSkip::Time)),
                        skipped_by_server: u32::from(*skipped == Some(FileSkip::Server)),
                        ..event
                    },
                );
            }
        }
    }
}
