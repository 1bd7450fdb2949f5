//! Message timelines through the C ABI: a query gathers ids, addresses, log paths and Exchange Online trace
//! exports; running it gives a result whose timelines (each with its hops and flags), issues, stats and evidence
//! files are typed rows, as sessions and tracking events are.

use std::path::PathBuf;
use std::ptr;

use super::batch::{hmf_str_list, Arena};
use super::error::{guard, FfiError};
use super::rows::write_rows;
use super::trace::hmf_trace_issue;
use super::types::{hmf_status, hmf_str};
use super::values::{
    hmf_evidence_kind, hmf_flag_kind, hmf_hop_component, hmf_hop_source, hmf_join_key, hmf_timeline_location,
    hmf_trace_issue_kind,
};
use super::Handle;
use super::{arg_bytes, arg_str, out_ptr};
use crate::timeline::{
    build_timelines, collect_evidence, EvidenceFile, ScanStats, Timeline, TimelineIssue, TimelineQuery, TimelineSources,
};
use crate::trace::{import_trace, DayOrder, TraceIssue};

/// Query value kinds (`hmf_timeline_query_add`). Append-only.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_timeline_value {
    HMF_TIMELINE_MESSAGE_ID = 1,
    HMF_TIMELINE_NETWORK_MESSAGE_ID = 2,
    HMF_TIMELINE_SENDER = 3,
    HMF_TIMELINE_RECIPIENT = 4,
    /// A message tracking log file or folder.
    HMF_TIMELINE_TRACKING_PATH = 5,
    /// An SMTP protocol log file or folder.
    HMF_TIMELINE_PROTOCOL_PATH = 6,
}

pub use hmf_timeline_value::*;
abi_input!(hmf_timeline_value {
    HMF_TIMELINE_MESSAGE_ID,
    HMF_TIMELINE_NETWORK_MESSAGE_ID,
    HMF_TIMELINE_SENDER,
    HMF_TIMELINE_RECIPIENT,
    HMF_TIMELINE_TRACKING_PATH,
    HMF_TIMELINE_PROTOCOL_PATH
});

/// What to trace and where. Opaque.
pub struct hmf_timeline_query {
    query: TimelineQuery,
    sources: TimelineSources,
    trace_issues: Vec<TraceIssue>,
}

/// A hop of a timeline: one event of the message on one server or in Exchange Online. Strings are empty when
/// unknown; times are milliseconds since the Unix epoch (UTC).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_hop {
    pub time_ms: i64,
    pub server: hmf_str,
    pub component: hmf_hop_component,
    pub connector: hmf_str,
    /// RECEIVE, SEND, DELIVER, FAIL... (tracking), SmtpReceive/SmtpSend (sessions), Receive, Send, Defer...
    /// (Exchange Online): as each source writes it.
    pub event: hmf_str,
    pub source: hmf_hop_source,
    /// Delivered, Failed, Pending, or a session's outcome.
    pub status: hmf_str,
    /// Since the previous hop of the timeline; INT64_MIN for the first.
    pub latency_ms: i64,
    pub session_id: hmf_str,
    /// The other side: the client of a receive, the server of a send.
    pub remote: hmf_str,
    pub sender: hmf_str,
    pub recipients: hmf_str_list,
    pub message_id: hmf_str,
    pub network_message_id: hmf_str,
    pub internal_id: hmf_str,
    /// The InternalId and host the next hop's `250 2.6.0` reply named (send hops).
    pub next_internal_id: hmf_str,
    pub next_host: hmf_str,
    pub error: hmf_str,
    pub error_rule_id: hmf_str,
    pub error_title: hmf_str,
    pub joined_by: hmf_join_key,
    pub path: hmf_str,
    pub line: u64,
}

/// What looks wrong in a timeline.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_timeline_flag {
    pub kind: hmf_flag_kind,
    /// The hop concerned (an index into the timeline's hops); INT64_MIN when it is the whole timeline.
    pub hop: i64,
    pub message: hmf_str,
}

/// One message and recipient: where it is, why, and the hops that show it, in time order.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_timeline {
    pub message_id: hmf_str,
    pub network_message_id: hmf_str,
    pub sender: hmf_str,
    pub recipient: hmf_str,
    pub subject: hmf_str,
    pub location: hmf_timeline_location,
    /// The server the message is at or was last seen on.
    pub location_server: hmf_str,
    /// Where it is, in a sentence.
    pub summary: hmf_str,
    pub error: hmf_str,
    pub error_rule_id: hmf_str,
    pub error_title: hmf_str,
    pub hops: *const hmf_hop,
    pub hop_count: usize,
    pub flags: *const hmf_timeline_flag,
    pub flag_count: usize,
}

/// How much a trace searched and how much of it parsed.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct hmf_timeline_stats {
    pub files_searched: u64,
    pub bytes_searched: u64,
    pub tracking_files_read: u64,
    pub protocol_files_read: u64,
    pub tracking_events: u64,
    pub sessions: u64,
}

/// The lines of one log file a trace uses (`hmf_timeline_query_collect_evidence`): its header (the `#` lines that
/// name its fields) and those lines, in file order, each with its 1-based number in the file.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_evidence_file {
    pub kind: hmf_evidence_kind,
    pub path: hmf_str,
    pub header: hmf_str_list,
    pub lines: hmf_str_list,
    /// `lines.len` numbers.
    pub line_numbers: *const u64,
}

/// The timelines of a query. Opaque.
pub struct hmf_timeline_result {
    // What the views point into: the engine's records (their strings) and the arena (lists, numbers). Neither
    // changes once the views are built.
    _timelines: Vec<Timeline>,
    _trace_issues: Vec<TraceIssue>,
    _issues: Vec<TimelineIssue>,
    _evidence: Vec<EvidenceFile>,
    _arena: Arena,
    _hops: Vec<hmf_hop>,
    _flags: Vec<hmf_timeline_flag>,
    timelines: Vec<hmf_timeline>,
    issues: Vec<hmf_trace_issue>,
    evidence: Vec<hmf_evidence_file>,
    stats: hmf_timeline_stats,
}

/// Creates an empty query.
///
/// # Safety
/// `out` is NULL or points to a writable `*mut hmf_timeline_query`; none is used after the call returns, beyond what
/// the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_query_new(out: *mut *mut hmf_timeline_query) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let query = TimelineQuery {
            slow_threshold_ms: TimelineQuery::DEFAULT_SLOW_THRESHOLD_MS,
            ..TimelineQuery::default()
        };
        hmf_timeline_query {
            query,
            sources: TimelineSources::default(),
            trace_issues: Vec::new(),
        }
        .hand_out(out);
        Ok(())
    })
}

/// Frees a query. NULL is accepted.
///
/// # Safety
/// `query` is NULL or a live `hmf_timeline_query` this library made, not yet freed; none is used after the call
/// returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_query_free(query: *mut hmf_timeline_query) {
    Handle::free(query);
}

/// Adds a value of a kind (HMF_TIMELINE_*): ids and addresses to trace, log paths to read. An empty value or an
/// unknown kind is refused with HMF_INVALID_ARGUMENT.
///
/// # Safety
/// `query` is NULL or a live `hmf_timeline_query` this library made, not yet freed; `value` points to `len` readable
/// bytes (NULL only when `len` is 0); none is used after the call returns, beyond what the rules of `src/ffi/mod.rs`
/// say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_query_add(
    query: *mut hmf_timeline_query,
    kind: u32,
    value: *const u8,
    len: usize,
) -> hmf_status {
    guard(|| {
        let q = Handle::arg_mut(query)?;
        let value = arg_str(value, len, "value")?;
        if value.trim().is_empty() {
            return Err(FfiError::new(
                hmf_status::HMF_INVALID_ARGUMENT,
                format!("the value of kind {kind} is empty"),
            ));
        }
        let value = value.to_owned();
        match hmf_timeline_value::from_abi(kind) {
            Some(HMF_TIMELINE_MESSAGE_ID) => q.query.message_ids.push(value),
            Some(HMF_TIMELINE_NETWORK_MESSAGE_ID) => q.query.network_message_ids.push(value),
            Some(HMF_TIMELINE_SENDER) => q.query.senders.push(value),
            Some(HMF_TIMELINE_RECIPIENT) => q.query.recipients.push(value),
            Some(HMF_TIMELINE_TRACKING_PATH) => q.sources.tracking_paths.push(PathBuf::from(value)),
            Some(HMF_TIMELINE_PROTOCOL_PATH) => q.sources.protocol_paths.push(PathBuf::from(value)),
            None => {
                return Err(FfiError::new(
                    hmf_status::HMF_INVALID_ARGUMENT,
                    format!("unknown value kind {kind}"),
                ))
            }
        }
        Ok(())
    })
}

/// For sender and recipient searches: the time window (milliseconds since the Unix epoch, inclusive). Log
/// files whose name shows they are outside it are not searched.
///
/// # Safety
/// `query` is NULL or a live `hmf_timeline_query` this library made, not yet freed; none is used after the call
/// returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_query_set_time_range(
    query: *mut hmf_timeline_query,
    has_start: bool,
    start_ms: i64,
    has_end: bool,
    end_ms: i64,
) -> hmf_status {
    guard(|| {
        let q = Handle::arg_mut(query)?;
        q.query.start_ms = has_start.then_some(start_ms);
        q.query.end_ms = has_end.then_some(end_ms);
        Ok(())
    })
}

/// A hop slower than this since the previous one is flagged (default five minutes). 0 or less is refused.
///
/// # Safety
/// `query` is NULL or a live `hmf_timeline_query` this library made, not yet freed; none is used after the call
/// returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_query_set_slow_threshold(query: *mut hmf_timeline_query, ms: i64) -> hmf_status {
    guard(|| {
        let q = Handle::arg_mut(query)?;
        if ms <= 0 {
            return Err(FfiError::new(
                hmf_status::HMF_INVALID_ARGUMENT,
                "the slow threshold must be positive",
            ));
        }
        q.query.slow_threshold_ms = ms;
        Ok(())
    })
}

/// Adds an Exchange Online trace export (the bytes of a file, or the CSV of live objects), read as
/// `hmf_trace_import_read` reads it; its problems appear among the result's issues.
///
/// # Safety
/// `query` is NULL or a live `hmf_timeline_query` this library made, not yet freed; `name` points to `name_len`
/// readable bytes (NULL only when `name_len` is 0); `bytes` points to `bytes_len` readable bytes (NULL only when
/// `bytes_len` is 0); none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned
/// string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_query_add_trace(
    query: *mut hmf_timeline_query,
    name: *const u8,
    name_len: usize,
    bytes: *const u8,
    bytes_len: usize,
    day_first: bool,
) -> hmf_status {
    guard(|| {
        let q = Handle::arg_mut(query)?;
        let name = arg_str(name, name_len, "name")?;
        let bytes = arg_bytes(bytes, bytes_len, "bytes")?;
        let import = import_trace(
            name,
            bytes,
            if day_first {
                DayOrder::DayFirst
            } else {
                DayOrder::MonthFirst
            },
        );
        q.trace_issues.extend(import.issues);
        q.sources.trace_events.extend(import.events);
        Ok(())
    })
}

/// Traces the query's messages. The query can be run again (its sources are read again).
///
/// # Safety
/// `query` is NULL or a live `hmf_timeline_query` this library made, not yet freed; `out` is NULL or points to a
/// writable `*mut hmf_timeline_result`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs`
/// say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_query_run(
    query: *const hmf_timeline_query,
    out: *mut *mut hmf_timeline_result,
) -> hmf_status {
    guard(|| {
        let q = Handle::arg(query)?;
        let out = out_ptr(out, "out")?;
        let (timelines, issues, stats) = build_timelines(&q.query, q.sources.clone());
        hmf_timeline_result::new(q, timelines, issues, stats, Vec::new()).hand_out(out);
        Ok(())
    })
}

/// What tracing the query reads of its logs, rather than its timelines: one evidence row per log file
/// (`hmf_timeline_result_evidence`) with the lines the trace uses, and the issues and stats as a run gives them;
/// the result has no timelines. Written again under their folders and names, the files give the timelines the whole logs
/// give: a server sends them so that the computer that asked traces all its servers' lines together.
///
/// # Safety
/// `query` is NULL or a live `hmf_timeline_query` this library made, not yet freed; `out` is NULL or points to a
/// writable `*mut hmf_timeline_result`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs`
/// say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_query_collect_evidence(
    query: *const hmf_timeline_query,
    out: *mut *mut hmf_timeline_result,
) -> hmf_status {
    guard(|| {
        let q = Handle::arg(query)?;
        let out = out_ptr(out, "out")?;
        let (files, issues, stats) = collect_evidence(&q.query, q.sources.clone());
        hmf_timeline_result::new(q, Vec::new(), issues, stats, files).hand_out(out);
        Ok(())
    })
}

/// A pointer to the first of `rows`, or NULL when there are none.
fn first<T>(rows: &[T]) -> *const T {
    if rows.is_empty() {
        ptr::null()
    } else {
        rows.as_ptr()
    }
}

impl hmf_timeline_result {
    /// A result of `query` with its views built: the issues are the trace exports' and the logs'.
    fn new(
        query: &hmf_timeline_query,
        timelines: Vec<Timeline>,
        issues: Vec<TimelineIssue>,
        stats: ScanStats,
        evidence: Vec<EvidenceFile>,
    ) -> hmf_timeline_result {
        let s = |text: &str| hmf_str::borrow(text);
        let mut arena = Arena::default();
        // Every hop and flag first, in one array each, so that no pointer into them is taken while they grow.
        let mut hops = Vec::with_capacity(timelines.iter().map(|t| t.hops.len()).sum());
        let mut flags = Vec::with_capacity(timelines.iter().map(|t| t.flags.len()).sum());
        for t in &timelines {
            for h in &t.hops {
                let recipients = h.recipients.iter().map(|r| s(r)).collect();
                hops.push(hmf_hop {
                    time_ms: h.time_ms,
                    server: s(&h.server),
                    component: h.component.into(),
                    connector: s(&h.connector),
                    event: s(&h.event),
                    source: h.source.into(),
                    status: s(&h.status),
                    latency_ms: h.latency_ms.unwrap_or(i64::MIN),
                    session_id: s(&h.session_id),
                    remote: s(&h.remote),
                    sender: s(&h.sender),
                    recipients: arena.list(recipients),
                    message_id: s(&h.message_id),
                    network_message_id: s(&h.network_message_id),
                    internal_id: s(&h.internal_id),
                    next_internal_id: s(&h.next_internal_id),
                    next_host: s(&h.next_host),
                    error: s(&h.error),
                    error_rule_id: s(&h.error_rule_id),
                    error_title: s(&h.error_title),
                    joined_by: h.joined_by.into(),
                    path: s(&h.path),
                    line: h.line,
                });
            }
            flags.extend(t.flags.iter().map(|f| hmf_timeline_flag {
                kind: f.kind.into(),
                hop: f.hop.map_or(i64::MIN, |h| h as i64),
                message: s(&f.message),
            }));
        }
        let (mut hop_at, mut flag_at) = (0, 0);
        let timeline_views = timelines
            .iter()
            .map(|t| {
                let view = hmf_timeline {
                    message_id: s(&t.message_id),
                    network_message_id: s(&t.network_message_id),
                    sender: s(&t.sender),
                    recipient: s(&t.recipient),
                    subject: s(&t.subject),
                    location: t.location.into(),
                    location_server: s(&t.location_server),
                    summary: s(&t.summary),
                    error: s(&t.error),
                    error_rule_id: s(&t.error_rule_id),
                    error_title: s(&t.error_title),
                    hops: first(&hops[hop_at..hop_at + t.hops.len()]),
                    hop_count: t.hops.len(),
                    flags: first(&flags[flag_at..flag_at + t.flags.len()]),
                    flag_count: t.flags.len(),
                };
                hop_at += t.hops.len();
                flag_at += t.flags.len();
                view
            })
            .collect();
        let trace_issues = query.trace_issues.clone();
        let issue_views = trace_issues
            .iter()
            .map(hmf_trace_issue::of)
            .chain(issues.iter().map(|i| hmf_trace_issue {
                kind: hmf_trace_issue_kind::HMF_TRACE_ISSUE_BAD_LOG,
                path: s(&i.path),
                line: i.line,
                message: s(&i.message),
            }))
            .collect();
        let evidence_views = evidence
            .iter()
            .map(|f| {
                let header = f.header.iter().map(|h| s(h)).collect();
                let lines = f.lines.iter().map(|(_, l)| s(l)).collect();
                let numbers = f.lines.iter().map(|(n, _)| *n).collect();
                hmf_evidence_file {
                    kind: f.kind.into(),
                    path: s(&f.path),
                    header: arena.list(header),
                    lines: arena.list(lines),
                    line_numbers: arena.numbers(numbers),
                }
            })
            .collect();
        hmf_timeline_result {
            stats: hmf_timeline_stats {
                files_searched: stats.files_searched,
                bytes_searched: stats.bytes_searched,
                tracking_files_read: stats.tracking_files_read,
                protocol_files_read: stats.protocol_files_read,
                tracking_events: stats.tracking_events,
                sessions: stats.sessions,
            },
            _timelines: timelines,
            _trace_issues: trace_issues,
            _issues: issues,
            _evidence: evidence,
            _arena: arena,
            _hops: hops,
            _flags: flags,
            timelines: timeline_views,
            issues: issue_views,
            evidence: evidence_views,
        }
    }
}

/// Frees a result and its rows. NULL is accepted.
///
/// # Safety
/// `result` is NULL or a live `hmf_timeline_result` this library made, not yet freed; none is used after the call
/// returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_result_free(result: *mut hmf_timeline_result) {
    Handle::free(result);
}

/// The timelines: `*count` rows from `*items` (NULL when none), one per message and recipient, each with its hops
/// and flags; valid until the result is freed.
///
/// # Safety
/// `result` is NULL or a live `hmf_timeline_result` this library made, not yet freed; `items` and `count` are NULL or
/// point to a writable `*const hmf_timeline` and `size_t`; none is used after the call returns, beyond what the rules of
/// `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_result_timelines(
    result: *const hmf_timeline_result,
    items: *mut *const hmf_timeline,
    count: *mut usize,
) -> hmf_status {
    guard(|| write_rows(&Handle::arg(result)?.timelines, items, count))
}

/// What could not be read (trace exports' issues, then logs' as HMF_TRACE_ISSUE_BAD_LOG); the rest was. Rows as
/// `hmf_timeline_result_timelines` gives them.
///
/// # Safety
/// `result` is NULL or a live `hmf_timeline_result` this library made, not yet freed; `items` and `count` are NULL or
/// point to a writable `*const hmf_trace_issue` and `size_t`; none is used after the call returns, beyond what the rules of
/// `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_result_issues(
    result: *const hmf_timeline_result,
    items: *mut *const hmf_trace_issue,
    count: *mut usize,
) -> hmf_status {
    guard(|| write_rows(&Handle::arg(result)?.issues, items, count))
}

/// From `hmf_timeline_query_collect_evidence`: one row per log file, the lines the trace uses (none from a run).
/// Rows as `hmf_timeline_result_timelines` gives them.
///
/// # Safety
/// `result` is NULL or a live `hmf_timeline_result` this library made, not yet freed; `items` and `count` are NULL or
/// point to a writable `*const hmf_evidence_file` and `size_t`; none is used after the call returns, beyond what the rules of
/// `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_result_evidence(
    result: *const hmf_timeline_result,
    items: *mut *const hmf_evidence_file,
    count: *mut usize,
) -> hmf_status {
    guard(|| write_rows(&Handle::arg(result)?.evidence, items, count))
}

/// How much the trace searched and parsed.
///
/// # Safety
/// `result` is NULL or a live `hmf_timeline_result` this library made, not yet freed; `out` is NULL or points to a
/// writable `hmf_timeline_stats`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a
/// returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_result_stats(
    result: *const hmf_timeline_result,
    out: *mut hmf_timeline_stats,
) -> hmf_status {
    guard(|| {
        let r = Handle::arg(result)?;
        *out_ptr(out, "out")? = r.stats;
        Ok(())
    })
}

impl Handle for hmf_timeline_query {
    const ARG: &'static str = "query";
}

impl Handle for hmf_timeline_result {
    const ARG: &'static str = "result";
}
