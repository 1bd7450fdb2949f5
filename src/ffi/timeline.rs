//! Message timelines through the C ABI: a query gathers ids, addresses, log paths and Exchange Online trace
//! exports; running it gives a result whose timelines, hops, flags and issues are tables (see `hmf_table`).

use std::path::PathBuf;

use super::error::{guard, FfiError};
use super::table::{hmf_table, OwnedTable};
use super::trace::{issue_kind_name, ISSUE_COLUMNS};
use super::types::hmf_status;
use super::Handle;
use super::{arg_bytes, arg_str, out_ptr};
use crate::timeline::{build_timelines, collect_evidence, ScanStats, TimelineIssue, TimelineQuery, TimelineSources};
use crate::trace::{import_trace, DayOrder};

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
    trace_issues: Vec<Vec<String>>,
}

/// The timelines of a query. Opaque.
pub struct hmf_timeline_result {
    timelines: OwnedTable,
    hops: OwnedTable,
    flags: OwnedTable,
    issues: OwnedTable,
    stats: OwnedTable,
    evidence: OwnedTable,
}

const TIMELINE_COLUMNS: &[&str] = &[
    "Timeline",
    "MessageId",
    "NetworkMessageId",
    "Sender",
    "Recipient",
    "Subject",
    "Location",
    "LocationServer",
    "Summary",
    "Error",
    "ErrorRuleId",
    "ErrorTitle",
    "HopCount",
    "FirstMs",
    "LastMs",
];

const HOP_COLUMNS: &[&str] = &[
    "Timeline",
    "Hop",
    "TimeMs",
    "Server",
    "Component",
    "Connector",
    "Event",
    "Source",
    "Status",
    "LatencyMs",
    "SessionId",
    "Remote",
    "Sender",
    "Recipients",
    "MessageId",
    "NetworkMessageId",
    "InternalId",
    "NextInternalId",
    "NextHost",
    "Error",
    "ErrorRuleId",
    "ErrorTitle",
    "JoinedBy",
    "Path",
    "Line",
];

const FLAG_COLUMNS: &[&str] = &["Timeline", "Hop", "Kind", "Message"];

const EVIDENCE_COLUMNS: &[&str] = &["Kind", "Path", "Header", "Lines", "LineNumbers"];

const STATS_COLUMNS: &[&str] = &[
    "FilesSearched",
    "BytesSearched",
    "TrackingFilesRead",
    "ProtocolFilesRead",
    "TrackingEvents",
    "Sessions",
];

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
        for issue in &import.issues {
            q.trace_issues.push(vec![
                issue_kind_name(issue.kind).to_string(),
                issue.path.clone(),
                issue.line.to_string(),
                issue.message.clone(),
            ]);
        }
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
        let mut t_table = OwnedTable::new(TIMELINE_COLUMNS);
        let mut h_table = OwnedTable::new(HOP_COLUMNS);
        let mut f_table = OwnedTable::new(FLAG_COLUMNS);
        for (ti, t) in timelines.iter().enumerate() {
            let first = t.hops.first().map(|h| h.time_ms.to_string()).unwrap_or_default();
            let last = t.hops.last().map(|h| h.time_ms.to_string()).unwrap_or_default();
            t_table.push(vec![
                ti.to_string(),
                t.message_id.clone(),
                t.network_message_id.clone(),
                t.sender.clone(),
                t.recipient.clone(),
                t.subject.clone(),
                t.location.as_str().to_string(),
                t.location_server.clone(),
                t.summary.clone(),
                t.error.clone(),
                t.error_rule_id.clone(),
                t.error_title.clone(),
                t.hops.len().to_string(),
                first,
                last,
            ]);
            for (hi, h) in t.hops.iter().enumerate() {
                h_table.push(vec![
                    ti.to_string(),
                    hi.to_string(),
                    h.time_ms.to_string(),
                    h.server.clone(),
                    h.component.as_str().to_string(),
                    h.connector.clone(),
                    h.event.clone(),
                    h.source.as_str().to_string(),
                    h.status.clone(),
                    h.latency_ms.map(|l| l.to_string()).unwrap_or_default(),
                    h.session_id.clone(),
                    h.remote.clone(),
                    h.sender.clone(),
                    h.recipients.join("\n"),
                    h.message_id.clone(),
                    h.network_message_id.clone(),
                    h.internal_id.clone(),
                    h.next_internal_id.clone(),
                    h.next_host.clone(),
                    h.error.clone(),
                    h.error_rule_id.clone(),
                    h.error_title.clone(),
                    h.joined_by.as_str().to_string(),
                    h.path.clone(),
                    h.line.to_string(),
                ]);
            }
            for f in &t.flags {
                f_table.push(vec![
                    ti.to_string(),
                    f.hop.map(|h| h.to_string()).unwrap_or_default(),
                    f.kind.as_str().to_string(),
                    f.message.clone(),
                ]);
            }
        }
        hmf_timeline_result::new(
            q,
            [t_table, h_table, f_table],
            issues,
            stats,
            OwnedTable::new(EVIDENCE_COLUMNS),
        )
        .hand_out(out);
        Ok(())
    })
}

/// What tracing the query reads of its logs, rather than its timelines: table HMF_TIMELINE_TABLE_EVIDENCE has one
/// row per log file (Kind `Tracking` or `Protocol`, Path, Header: its `#` lines, Lines: the lines the trace uses,
/// LineNumbers: each one's number in the file; lists joined with a line feed), and the issues and stats tables are
/// filled as by a run. Written again under their folders and names, the files give the timelines the whole logs
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
        let mut e_table = OwnedTable::new(EVIDENCE_COLUMNS);
        for f in files {
            let numbers: Vec<String> = f.lines.iter().map(|(n, _)| n.to_string()).collect();
            let lines: Vec<String> = f.lines.into_iter().map(|(_, l)| l).collect();
            e_table.push(vec![
                f.kind.as_str().to_string(),
                f.path,
                f.header.join("\n"),
                lines.join("\n"),
                numbers.join("\n"),
            ]);
        }
        let empty = [
            OwnedTable::new(TIMELINE_COLUMNS),
            OwnedTable::new(HOP_COLUMNS),
            OwnedTable::new(FLAG_COLUMNS),
        ];
        hmf_timeline_result::new(q, empty, issues, stats, e_table).hand_out(out);
        Ok(())
    })
}

impl hmf_timeline_result {
    /// A result of `query` with its tables sealed: the issues are the trace exports' and the logs'.
    fn new(
        query: &hmf_timeline_query,
        [mut timelines, mut hops, mut flags]: [OwnedTable; 3],
        issues: Vec<TimelineIssue>,
        stats: ScanStats,
        mut evidence: OwnedTable,
    ) -> hmf_timeline_result {
        let mut i_table = OwnedTable::new(ISSUE_COLUMNS);
        for row in &query.trace_issues {
            i_table.push(row.clone());
        }
        for i in issues {
            i_table.push(vec!["BadLog".to_string(), i.path, i.line.to_string(), i.message]);
        }
        let mut s_table = OwnedTable::new(STATS_COLUMNS);
        s_table.push(
            [
                stats.files_searched,
                stats.bytes_searched,
                stats.tracking_files_read,
                stats.protocol_files_read,
                stats.tracking_events,
                stats.sessions,
            ]
            .iter()
            .map(|n| n.to_string())
            .collect(),
        );
        for table in [
            &mut timelines,
            &mut hops,
            &mut flags,
            &mut i_table,
            &mut s_table,
            &mut evidence,
        ] {
            table.seal();
        }
        hmf_timeline_result {
            timelines,
            hops,
            flags,
            issues: i_table,
            stats: s_table,
            evidence,
        }
    }
}

/// Frees a result and its tables. NULL is accepted.
///
/// # Safety
/// `result` is NULL or a live `hmf_timeline_result` this library made, not yet freed; none is used after the call
/// returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_result_free(result: *mut hmf_timeline_result) {
    Handle::free(result);
}

/// Table ids for `hmf_timeline_result_table`. Append-only.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_timeline_table {
    /// One row per message and recipient: where it is and why.
    HMF_TIMELINE_TABLE_TIMELINES = 1,
    /// One row per hop, in time order within each timeline (column Timeline is the timeline's row).
    HMF_TIMELINE_TABLE_HOPS = 2,
    /// What looks wrong: Kind is MissingHop, SlowHop or ClockSkew; Hop the hop concerned.
    HMF_TIMELINE_TABLE_FLAGS = 3,
    /// Files and rows that could not be read (Kind, Path, Line, Message); the rest was.
    HMF_TIMELINE_TABLE_ISSUES = 4,
    /// One row: how much was searched and how much of it parsed.
    HMF_TIMELINE_TABLE_STATS = 5,
    /// From `hmf_timeline_query_collect_evidence`: one row per log file, the lines the trace uses.
    HMF_TIMELINE_TABLE_EVIDENCE = 6,
}

pub use hmf_timeline_table::*;
abi_input!(hmf_timeline_table {
    HMF_TIMELINE_TABLE_TIMELINES,
    HMF_TIMELINE_TABLE_HOPS,
    HMF_TIMELINE_TABLE_FLAGS,
    HMF_TIMELINE_TABLE_ISSUES,
    HMF_TIMELINE_TABLE_STATS,
    HMF_TIMELINE_TABLE_EVIDENCE
});

/// One of the result's tables (HMF_TIMELINE_TABLE_*), valid until the result is freed.
///
/// # Safety
/// `result` is NULL or a live `hmf_timeline_result` this library made, not yet freed; `out` is NULL or points to a
/// writable `hmf_table`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned
/// string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_timeline_result_table(
    result: *const hmf_timeline_result,
    table: u32,
    out: *mut hmf_table,
) -> hmf_status {
    guard(|| {
        let r = Handle::arg(result)?;
        let out = out_ptr(out, "out")?;
        *out = match hmf_timeline_table::from_abi(table) {
            Some(HMF_TIMELINE_TABLE_TIMELINES) => r.timelines.view(),
            Some(HMF_TIMELINE_TABLE_HOPS) => r.hops.view(),
            Some(HMF_TIMELINE_TABLE_FLAGS) => r.flags.view(),
            Some(HMF_TIMELINE_TABLE_ISSUES) => r.issues.view(),
            Some(HMF_TIMELINE_TABLE_STATS) => r.stats.view(),
            Some(HMF_TIMELINE_TABLE_EVIDENCE) => r.evidence.view(),
            None => {
                return Err(FfiError::new(
                    hmf_status::HMF_INVALID_ARGUMENT,
                    format!("unknown table {table}"),
                ))
            }
        };
        Ok(())
    })
}

impl Handle for hmf_timeline_query {
    const ARG: &'static str = "query";
}

impl Handle for hmf_timeline_result {
    const ARG: &'static str = "result";
}
