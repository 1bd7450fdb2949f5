//! Exchange Online trace exports through the C ABI: one call reads one export's bytes; its events and issues
//! come back as typed rows (`hmf_trace_event`, `hmf_trace_issue`), as sessions and tracking events do.

use super::batch::{hmf_str_list, Arena};
use super::error::guard;
use super::rows::write_rows;
use super::types::hmf_str;
use super::values::{hmf_trace_format, hmf_trace_issue_kind};
use super::Handle;
use super::{arg_bytes, arg_str, out_ptr};
use crate::trace::{import_trace, DayOrder, TraceEvent, TraceImport, TraceIssue};

/// One Exchange Online trace event: a row of an export, normalized. Strings are empty when the export has no
/// value; times are milliseconds since the Unix epoch (UTC).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_trace_event {
    pub format: hmf_trace_format,
    pub received_ms: i64,
    pub sender_address: hmf_str,
    pub recipient_address: hmf_str,
    pub subject: hmf_str,
    /// Delivered, Failed, Pending, Expanded, FilteredAsSpam, Quarantined, GettingStatus, None... as Exchange
    /// Online writes it (an open set).
    pub status: hmf_str,
    pub from_ip: hmf_str,
    pub to_ip: hmf_str,
    /// INT64_MIN when the export has no size.
    pub size: i64,
    pub message_id: hmf_str,
    pub message_trace_id: hmf_str,
    pub network_message_id: hmf_str,
    pub organization: hmf_str,
    /// Receive, Send, Deliver, Fail, Defer... (detail and report rows).
    pub event: hmf_str,
    /// The events a report lists for this recipient, in order.
    pub events: hmf_str_list,
    pub action: hmf_str,
    pub detail: hmf_str,
    /// The Data XML of a detail row, as exported.
    pub data: hmf_str,
    /// Its message event properties, each `Name=Value` (a line feed in a value read as a space).
    pub data_properties: hmf_str_list,
    pub server_hostname: hmf_str,
    pub connector_id: hmf_str,
    pub client_ip: hmf_str,
    pub client_hostname: hmf_str,
    pub server_ip: hmf_str,
    pub source: hmf_str,
    pub source_context: hmf_str,
    pub directionality: hmf_str,
    pub internal_message_id: hmf_str,
    pub return_path: hmf_str,
    pub custom_data: hmf_str,
    /// The error text (a Fail or Defer detail, a report's recipient status), and its parts.
    pub reason: hmf_str,
    pub reason_led: hmf_str,
    /// The basic SMTP reply code; -1 when the reason has none.
    pub reason_code: i32,
    pub reason_enhanced_code: hmf_str,
    pub reason_last_attempted_server: hmf_str,
    pub reason_last_attempted_ip: hmf_str,
    pub reason_proxy_target_ip: hmf_str,
    pub reason_proxy_target_hostname: hmf_str,
    /// The knowledge base's rule for the reason, and its title.
    pub reason_rule_id: hmf_str,
    pub reason_title: hmf_str,
    pub path: hmf_str,
    pub line: u64,
}

/// Something that could not be read, and where: a file refused, a row skipped, values lost at export, or a log a
/// trace read. `line` 0 is the whole file.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_trace_issue {
    pub kind: hmf_trace_issue_kind,
    pub path: hmf_str,
    pub line: u64,
    pub message: hmf_str,
}

impl hmf_trace_issue {
    /// The view of an issue of an export; it borrows `issue`'s strings.
    pub(crate) fn of(issue: &TraceIssue) -> hmf_trace_issue {
        hmf_trace_issue {
            kind: issue.kind.into(),
            path: hmf_str::borrow(&issue.path),
            line: issue.line,
            message: hmf_str::borrow(&issue.message),
        }
    }
}

/// The view of an event: it borrows `e`'s strings, and keeps its lists and the texts made for it in `arena`.
pub(crate) fn trace_event_view(e: &TraceEvent, arena: &mut Arena) -> hmf_trace_event {
    let s = |text: &str| hmf_str::borrow(text);
    let part = |get: fn(&crate::diagnosis::ParsedError) -> Option<&str>| {
        hmf_str::borrow(e.reason_parts.as_ref().and_then(get).unwrap_or(""))
    };
    let events = e.events.iter().map(|v| s(v)).collect();
    let properties = e
        .meps
        .iter()
        .map(|m| arena.str(format!("{}={}", m.name, m.value.replace('\n', " "))))
        .collect();
    hmf_trace_event {
        format: e.format.map_or(hmf_trace_format::HMF_TRACE_FORMAT_NONE, Into::into),
        received_ms: e.received_ms,
        sender_address: s(&e.sender_address),
        recipient_address: s(&e.recipient_address),
        subject: s(&e.subject),
        status: s(&e.status),
        from_ip: s(&e.from_ip),
        to_ip: s(&e.to_ip),
        size: e.size.unwrap_or(i64::MIN),
        message_id: s(&e.message_id),
        message_trace_id: s(&e.message_trace_id),
        network_message_id: s(&e.network_message_id),
        organization: s(&e.organization),
        event: s(&e.event),
        events: arena.list(events),
        action: s(&e.action),
        detail: s(&e.detail),
        data: s(&e.data),
        data_properties: arena.list(properties),
        server_hostname: s(&e.server_hostname),
        connector_id: s(&e.connector_id),
        client_ip: s(&e.client_ip),
        client_hostname: s(&e.client_hostname),
        server_ip: s(&e.server_ip),
        source: s(&e.source),
        source_context: s(&e.source_context),
        directionality: s(&e.directionality),
        internal_message_id: s(&e.internal_message_id),
        return_path: s(&e.return_path),
        custom_data: s(&e.custom_data),
        reason: s(&e.reason),
        reason_led: part(|p| p.led.as_deref()),
        reason_code: e.reason_parts.as_ref().and_then(|p| p.code).map_or(-1, i32::from),
        reason_enhanced_code: part(|p| p.enhanced_code.as_deref()),
        reason_last_attempted_server: part(|p| p.last_attempted_server_name.as_deref().or(p.fqdn.as_deref())),
        reason_last_attempted_ip: part(|p| p.last_attempted_ip.as_deref().or(p.ip.as_deref())),
        reason_proxy_target_ip: part(|p| p.outbound_proxy_target_ip.as_deref()),
        reason_proxy_target_hostname: part(|p| p.outbound_proxy_target_hostname.as_deref()),
        reason_rule_id: s(&e.reason_rule_id),
        reason_title: s(&e.reason_title),
        path: s(&e.path),
        line: e.line,
    }
}

/// Reads Exchange Online trace exports. Opaque.
pub struct hmf_trace_import {
    // The views point into the import's strings and the arena: neither changes until the next read replaces
    // them all.
    _import: TraceImport,
    _arena: Arena,
    events: Vec<hmf_trace_event>,
    issues: Vec<hmf_trace_issue>,
}

impl hmf_trace_import {
    fn of(import: TraceImport) -> hmf_trace_import {
        let mut arena = Arena::default();
        let events = import.events.iter().map(|e| trace_event_view(e, &mut arena)).collect();
        let issues = import.issues.iter().map(hmf_trace_issue::of).collect();
        hmf_trace_import {
            _import: import,
            _arena: arena,
            events,
            issues,
        }
    }
}

/// Creates a trace importer.
///
/// # Safety
/// `out` is NULL or points to a writable `*mut hmf_trace_import`; none is used after the call returns, beyond what the
/// rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_trace_import_new(out: *mut *mut hmf_trace_import) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        hmf_trace_import::of(TraceImport::default()).hand_out(out);
        Ok(())
    })
}

/// Frees an importer and its rows. NULL is accepted.
///
/// # Safety
/// `import` is NULL or a live `hmf_trace_import` this library made, not yet freed; none is used after the call returns,
/// beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_trace_import_free(import: *mut hmf_trace_import) {
    Handle::free(import);
}

/// Reads one export: `bytes` in any encoding an export uses (UTF-16 LE, UTF-8 with or without BOM, ASCII,
/// Windows-1252), `,` or `;` between fields, with or without a `#TYPE` line. `name` (UTF-8, the file's path)
/// names it in events and issues. `day_first` says how the exporting culture writes `a/b/yyyy` dates when the
/// file's own dates do not tell. The rows of the previous read are replaced (and their views invalidated).
/// A file that is not a trace export is an issue of kind NotATrace, not a failed call.
///
/// # Safety
/// `import` is NULL or a live `hmf_trace_import` this library made, not yet freed; `name` points to `name_len` readable
/// bytes (NULL only when `name_len` is 0); `bytes` points to `bytes_len` readable bytes (NULL only when `bytes_len` is
/// 0); none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle
/// borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_trace_import_read(
    import: *mut hmf_trace_import,
    name: *const u8,
    name_len: usize,
    bytes: *const u8,
    bytes_len: usize,
    day_first: bool,
) -> hmf_status {
    guard(|| {
        let import = Handle::arg_mut(import)?;
        let name = arg_str(name, name_len, "name")?;
        let bytes = arg_bytes(bytes, bytes_len, "bytes")?;
        let order = if day_first {
            DayOrder::DayFirst
        } else {
            DayOrder::MonthFirst
        };
        *import = hmf_trace_import::of(import_trace(name, bytes, order));
        Ok(())
    })
}

/// The events of the last read: `*count` rows from `*items` (NULL when none), valid until the next read or the
/// importer is freed.
///
/// # Safety
/// `import` is NULL or a live `hmf_trace_import` this library made, not yet freed; `items` and `count` are NULL or
/// point to a writable `*const hmf_trace_event` and `size_t`; none is used after the call returns, beyond what the
/// rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_trace_import_events(
    import: *const hmf_trace_import,
    items: *mut *const hmf_trace_event,
    count: *mut usize,
) -> hmf_status {
    guard(|| write_rows(&Handle::arg(import)?.events, items, count))
}

/// The issues of the last read (a file that is not an export, rows skipped, values lost), as
/// `hmf_trace_import_events` gives its events.
///
/// # Safety
/// `import` is NULL or a live `hmf_trace_import` this library made, not yet freed; `items` and `count` are NULL or
/// point to a writable `*const hmf_trace_issue` and `size_t`; none is used after the call returns, beyond what the
/// rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_trace_import_issues(
    import: *const hmf_trace_import,
    items: *mut *const hmf_trace_issue,
    count: *mut usize,
) -> hmf_status {
    guard(|| write_rows(&Handle::arg(import)?.issues, items, count))
}

use super::types::hmf_status;

impl Handle for hmf_trace_import {
    const ARG: &'static str = "import";
}
