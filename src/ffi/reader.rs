//! One reader handle for every log kind: created for a kind (`hmf_log_kind`), configured with paths, a time range,
//! the kind's filters and options, then read in batches (`hmf_batch`) until the state is END. The exports are
//! written once here; a log kind brings only its setup ([`KindSetup`]: its filters, its options, how it starts) and
//! its batch views.

use std::path::PathBuf;
use std::sync::mpsc::sync_channel;

use super::batch::*;
use super::error::{guard, FfiError};
use super::types::hmf_status;
use super::values::hmf_log_kind::{self, *};
use super::Handle;
use super::{arg_str, out_ptr};
use crate::logfile::{Batch, KindReader, Prefetcher};

/// Read modes (`hmf_reader_new`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_read_mode {
    /// The log's rows as written: protocol lines, tracking events.
    HMF_READ_ENTRIES = 0,
    /// Protocol logs only: the sessions rebuilt from the lines.
    HMF_READ_SESSIONS = 1,
}

pub use hmf_read_mode::*;
abi_input!(hmf_read_mode {
    HMF_READ_ENTRIES,
    HMF_READ_SESSIONS
});

/// Totals so far, for the closing summary. A count a log kind does not keep stays 0.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct hmf_stats {
    /// Files opened and read (including refused ones).
    pub files: u64,
    /// Files not read because their name (or #Date) is outside the time range.
    pub files_skipped_by_time: u64,
    /// Tracking logs not opened because they come from another server than the one asked for.
    pub files_skipped_by_server: u64,
    /// Tracking logs that are not message-tracking logs.
    pub files_refused: u64,
    pub bytes: u64,
    pub lines: u64,
    pub skipped_lines: u64,
    pub truncated_lines: u64,
    /// Rows read: protocol lines (in either mode), tracking events returned.
    pub rows: u64,
    /// Protocol sessions rebuilt.
    pub sessions: u64,
}

/// What a log kind brings to the reader handle: its filters and options, and how it starts reading.
pub(crate) trait KindSetup {
    fn set_time_range(&mut self, start_ms: Option<i64>, end_ms: Option<i64>);

    /// A filter value of the kind's filter enum; a value that cannot be read is refused with a message saying why.
    fn add_filter(&mut self, kind: u32, value: &str) -> Result<(), FfiError>;

    fn set_tail(&mut self, _count: usize) -> Result<(), FfiError> {
        Err(unsupported("tail"))
    }

    fn set_follow(&mut self, _follow: bool) -> Result<(), FfiError> {
        Err(unsupported("follow"))
    }

    fn set_result_size(&mut self, _count: u64) -> Result<(), FfiError> {
        Err(unsupported("result size"))
    }

    /// Starts reading `paths`, in batches of up to `max` items.
    fn start(self: Box<Self>, paths: Vec<PathBuf>, default_server: String, max: usize) -> Box<dyn BatchSource>;
}

fn unsupported(option: &str) -> FfiError {
    FfiError::new(
        hmf_status::HMF_INVALID_ARGUMENT,
        format!("this log kind has no {option} option"),
    )
}

/// Where a started reader's batches come from.
pub(crate) trait BatchSource {
    fn next_batch(&mut self) -> Box<hmf_batch>;
    fn stats(&self) -> hmf_stats;
}

/// A log kind read ahead on a thread of its own, which also builds each batch's views (`build`) and frees there the
/// batches the caller gave back, rather than on the caller's thread (which, in PowerShell, turns the next batch into
/// objects).
pub(crate) fn read_ahead<K: KindReader>(
    reader: K,
    max: usize,
    build: fn(Batch<K>) -> hmf_batch,
) -> Prefetcher<K, BuiltBatch> {
    let (reclaim, reclaimed) = sync_channel::<Freed>(4);
    Prefetcher::start_with(reader, max, move |batch| {
        drop_freed(&reclaimed);
        let mut built = build(batch);
        built.reclaim = Some(reclaim.clone());
        BuiltBatch(Box::new(built))
    })
}

impl<K: KindReader> BatchSource for Prefetcher<K, BuiltBatch>
where
    hmf_stats: From<K::Stats>,
{
    fn next_batch(&mut self) -> Box<hmf_batch> {
        match self.next() {
            Some((BuiltBatch(batch), _)) => batch,
            None => Box::new(hmf_batch::with_capacity(0, 0, 0, HMF_BATCH_END)),
        }
    }

    fn stats(&self) -> hmf_stats {
        Prefetcher::stats(self).into()
    }
}

/// A log reader. Configure it, then call `hmf_reader_next_batch` until the state is END.
pub struct hmf_reader {
    setup: Option<Setup>,
    source: Option<Box<dyn BatchSource>>,
}

struct Setup {
    kind: Box<dyn KindSetup>,
    paths: Vec<PathBuf>,
    default_server: String,
}

impl hmf_reader {
    fn setup(&mut self) -> Result<&mut Setup, FfiError> {
        self.setup.as_mut().ok_or_else(|| {
            FfiError::new(
                hmf_status::HMF_INVALID_ARGUMENT,
                "the reader has started: configure it before the first batch",
            )
        })
    }
}

impl Handle for hmf_reader {
    const ARG: &'static str = "reader";
}

/// Creates a reader of a log kind (HMF_LOG_KIND_PROTOCOL_LOG, HMF_LOG_KIND_MESSAGE_TRACKING) in a read mode (HMF_READ_*; sessions for protocol logs only).
///
/// # Safety
/// `out` is NULL or points to a writable `*mut hmf_reader`; none is used after the call returns, beyond what the
/// rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_reader_new(kind: u32, mode: u32, out: *mut *mut hmf_reader) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let invalid = |what: String| FfiError::new(hmf_status::HMF_INVALID_ARGUMENT, what);
        let mode = hmf_read_mode::from_abi(mode).ok_or_else(|| invalid(format!("unknown read mode {mode}")))?;
        let setup: Box<dyn KindSetup> = match hmf_log_kind::from_abi(kind) {
            Some(HMF_LOG_KIND_PROTOCOL_LOG) => super::protocol::setup(mode),
            Some(HMF_LOG_KIND_MESSAGE_TRACKING) if mode == HMF_READ_ENTRIES => super::tracking::setup(),
            Some(HMF_LOG_KIND_MESSAGE_TRACKING) => {
                return Err(invalid("message tracking logs are read as events only".into()))
            }
            Some(other) => return Err(invalid(format!("{other:?} is not a log a reader reads"))),
            None => return Err(invalid(format!("unknown log kind {kind}"))),
        };
        hmf_reader {
            setup: Some(Setup {
                kind: setup,
                paths: Vec::new(),
                default_server: String::new(),
            }),
            source: None,
        }
        .hand_out(out);
        Ok(())
    })
}

/// Frees a reader, stopping its reading threads. NULL is accepted.
///
/// # Safety
/// `reader` is NULL or a live `hmf_reader` this library made, not yet freed; none is used after the call returns,
/// beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_reader_free(reader: *mut hmf_reader) {
    Handle::free(reader);
}

/// Adds a file, or a folder meaning every log of the reader's kind under it (UTF-8 path). Rows come out in time
/// order whatever order the paths are added in.
///
/// # Safety
/// `reader` is NULL or a live `hmf_reader` this library made, not yet freed; `path` points to `len` readable bytes
/// (NULL only when `len` is 0); none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say
/// a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_reader_add_path(reader: *mut hmf_reader, path: *const u8, len: usize) -> hmf_status {
    guard(|| {
        let r = Handle::arg_mut(reader)?;
        let path = arg_str(path, len, "path")?;
        r.setup()?.paths.push(PathBuf::from(path));
        Ok(())
    })
}

/// Keeps rows between start and end, milliseconds since the Unix epoch (protocol sessions overlapping the range).
/// Files whose name (or #Date) shows they are outside the range are skipped unread.
///
/// # Safety
/// `reader` is NULL or a live `hmf_reader` this library made, not yet freed; none is used after the call returns,
/// beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_reader_set_time_range(
    reader: *mut hmf_reader,
    has_start: bool,
    start_ms: i64,
    has_end: bool,
    end_ms: i64,
) -> hmf_status {
    guard(|| {
        let r = Handle::arg_mut(reader)?;
        r.setup()?
            .kind
            .set_time_range(has_start.then_some(start_ms), has_end.then_some(end_ms));
        Ok(())
    })
}

/// Adds a filter value: `kind` is one of the reader's log kind's filters (HMF_FILTER_* for protocol logs,
/// HMF_TRACKING_FILTER_* for tracking logs). A value that cannot be read (a bad address range, an unknown outcome,
/// an empty value, a second value for a tracking filter that takes one) is refused with HMF_INVALID_ARGUMENT and a
/// message saying why.
///
/// # Safety
/// `reader` is NULL or a live `hmf_reader` this library made, not yet freed; `value` points to `len` readable bytes
/// (NULL only when `len` is 0); none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say
/// a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_reader_add_filter(
    reader: *mut hmf_reader,
    kind: u32,
    value: *const u8,
    len: usize,
) -> hmf_status {
    guard(|| {
        let r = Handle::arg_mut(reader)?;
        let value = arg_str(value, len, "value")?;
        r.setup()?.kind.add_filter(kind, value)
    })
}

/// Protocol logs: only the last `count` lines or sessions, from the newest files.
///
/// # Safety
/// `reader` is NULL or a live `hmf_reader` this library made, not yet freed; none is used after the call returns,
/// beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_reader_set_tail(reader: *mut hmf_reader, count: u64) -> hmf_status {
    guard(|| {
        let r = Handle::arg_mut(reader)?;
        r.setup()?.kind.set_tail(usize::try_from(count).unwrap_or(usize::MAX))
    })
}

/// Protocol logs: follow the newest file as it grows, and the next hourly file; batches then end in state PENDING.
///
/// # Safety
/// `reader` is NULL or a live `hmf_reader` this library made, not yet freed; none is used after the call returns,
/// beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_reader_set_follow(reader: *mut hmf_reader, follow: bool) -> hmf_status {
    guard(|| {
        let r = Handle::arg_mut(reader)?;
        r.setup()?.kind.set_follow(follow)
    })
}

/// Tracking logs: returns at most `count` events.
///
/// # Safety
/// `reader` is NULL or a live `hmf_reader` this library made, not yet freed; none is used after the call returns,
/// beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_reader_set_result_size(reader: *mut hmf_reader, count: u64) -> hmf_status {
    guard(|| {
        let r = Handle::arg_mut(reader)?;
        r.setup()?.kind.set_result_size(count)
    })
}

/// The server of files whose path (and, for protocol logs, connector ids) do not name one: the local server's own
/// logs.
///
/// # Safety
/// `reader` is NULL or a live `hmf_reader` this library made, not yet freed; `name` points to `len` readable bytes
/// (NULL only when `len` is 0); none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say
/// a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_reader_set_default_server(
    reader: *mut hmf_reader,
    name: *const u8,
    len: usize,
) -> hmf_status {
    guard(|| {
        let r = Handle::arg_mut(reader)?;
        let name = arg_str(name, len, "name")?;
        r.setup()?.default_server = name.to_owned();
        Ok(())
    })
}

/// The next batch of up to `max_items` items (0 means 256): rows, errors and file events, in order. The first call
/// starts reading (on threads of its own, a batch ahead). The batch's state tells whether to call again; after the
/// batch whose state is END, further calls return empty END batches.
///
/// # Safety
/// `reader` is NULL or a live `hmf_reader` this library made, not yet freed; `out` is NULL or points to a writable
/// `*mut hmf_batch`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned
/// string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_reader_next_batch(
    reader: *mut hmf_reader,
    max_items: usize,
    out: *mut *mut hmf_batch,
) -> hmf_status {
    guard(|| {
        let r = Handle::arg_mut(reader)?;
        let out = out_ptr(out, "out")?;
        let max = if max_items == 0 { 256 } else { max_items };
        if r.source.is_none() {
            let s = r
                .setup
                .take()
                .ok_or_else(|| FfiError::new(hmf_status::HMF_INVALID_ARGUMENT, "the reader has no configuration"))?;
            r.source = Some(s.kind.start(s.paths, s.default_server, max));
        }
        *out = Box::into_raw(r.source.as_mut().expect("set above").next_batch());
        Ok(())
    })
}

/// Totals as of the last batch taken.
///
/// # Safety
/// `reader` is NULL or a live `hmf_reader` this library made, not yet freed; `out` is NULL or points to a writable
/// `hmf_stats`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned
/// string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_reader_stats(reader: *const hmf_reader, out: *mut hmf_stats) -> hmf_status {
    guard(|| {
        let r = Handle::arg(reader)?;
        let out = out_ptr(out, "out")?;
        *out = r.source.as_ref().map(|s| s.stats()).unwrap_or_default();
        Ok(())
    })
}
