//! Exchange Online trace exports through the C ABI: one call reads one export's bytes; its events and issues
//! come back as tables (see `hmf_table`).

use super::error::guard;
use super::table::{hmf_table, OwnedTable};
use super::Handle;
use super::{arg_bytes, arg_str, out_ptr};
use crate::trace::{import_trace, DayOrder, TraceEvent, TraceImport, TraceIssueKind};

/// Reads Exchange Online trace exports. Opaque.
pub struct hmf_trace_import {
    events: OwnedTable,
    issues: OwnedTable,
}

/// The columns of `hmf_trace_import_events`, in order.
pub(crate) const TRACE_EVENT_COLUMNS: &[&str] = &[
    "Format",
    "ReceivedMs",
    "SenderAddress",
    "RecipientAddress",
    "Subject",
    "Status",
    "FromIP",
    "ToIP",
    "Size",
    "MessageId",
    "MessageTraceId",
    "NetworkMessageId",
    "Organization",
    "Event",
    "Events",
    "Action",
    "Detail",
    "Data",
    "DataProperties",
    "ServerHostname",
    "ConnectorId",
    "ClientIp",
    "ClientHostname",
    "ServerIp",
    "Source",
    "SourceContext",
    "Directionality",
    "InternalMessageId",
    "ReturnPath",
    "CustomData",
    "Reason",
    "ReasonLed",
    "ReasonCode",
    "ReasonEnhancedCode",
    "ReasonLastAttemptedServer",
    "ReasonLastAttemptedIp",
    "ReasonProxyTargetIp",
    "ReasonProxyTargetHostname",
    "ReasonRuleId",
    "ReasonTitle",
    "Path",
    "Line",
];

/// The cells of one event, in the order of [`TRACE_EVENT_COLUMNS`].
pub(crate) fn trace_event_row(e: &TraceEvent) -> Vec<String> {
    let parts = e.reason_parts.clone().unwrap_or_default();
    vec![
        e.format.map(|f| f.as_str().to_string()).unwrap_or_default(),
        e.received_ms.to_string(),
        e.sender_address.clone(),
        e.recipient_address.clone(),
        e.subject.clone(),
        e.status.clone(),
        e.from_ip.clone(),
        e.to_ip.clone(),
        e.size.map(|s| s.to_string()).unwrap_or_default(),
        e.message_id.clone(),
        e.message_trace_id.clone(),
        e.network_message_id.clone(),
        e.organization.clone(),
        e.event.clone(),
        e.events.join("\n"),
        e.action.clone(),
        e.detail.clone(),
        e.data.clone(),
        e.meps
            .iter()
            .map(|m| format!("{}={}", m.name, m.value.replace('\n', " ")))
            .collect::<Vec<_>>()
            .join("\n"),
        e.server_hostname.clone(),
        e.connector_id.clone(),
        e.client_ip.clone(),
        e.client_hostname.clone(),
        e.server_ip.clone(),
        e.source.clone(),
        e.source_context.clone(),
        e.directionality.clone(),
        e.internal_message_id.clone(),
        e.return_path.clone(),
        e.custom_data.clone(),
        e.reason.clone(),
        parts.led.unwrap_or_default(),
        parts.code.map(|c| c.to_string()).unwrap_or_default(),
        parts.enhanced_code.unwrap_or_default(),
        parts.last_attempted_server_name.or(parts.fqdn).unwrap_or_default(),
        parts.last_attempted_ip.or(parts.ip).unwrap_or_default(),
        parts.outbound_proxy_target_ip.unwrap_or_default(),
        parts.outbound_proxy_target_hostname.unwrap_or_default(),
        e.reason_rule_id.clone(),
        e.reason_title.clone(),
        e.path.clone(),
        e.line.to_string(),
    ]
}

/// The columns of issue tables: `Kind` is NotATrace, BadRow, BadTime or LostValues; `Line` 0 is the whole file.
pub(crate) const ISSUE_COLUMNS: &[&str] = &["Kind", "Path", "Line", "Message"];

pub(crate) fn issue_kind_name(kind: TraceIssueKind) -> &'static str {
    match kind {
        TraceIssueKind::NotATrace => "NotATrace",
        TraceIssueKind::BadRow => "BadRow",
        TraceIssueKind::BadTime => "BadTime",
        TraceIssueKind::LostValues => "LostValues",
    }
}

fn tables_of(import: &TraceImport) -> (OwnedTable, OwnedTable) {
    let mut events = OwnedTable::new(TRACE_EVENT_COLUMNS);
    for e in &import.events {
        events.push(trace_event_row(e));
    }
    events.seal();
    let mut issues = OwnedTable::new(ISSUE_COLUMNS);
    for i in &import.issues {
        issues.push(vec![
            issue_kind_name(i.kind).to_string(),
            i.path.clone(),
            i.line.to_string(),
            i.message.clone(),
        ]);
    }
    issues.seal();
    (events, issues)
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
        let (events, issues) = tables_of(&TraceImport::default());
        hmf_trace_import { events, issues }.hand_out(out);
        Ok(())
    })
}

/// Frees an importer and its tables. NULL is accepted.
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
/// file's own dates do not tell. The tables of the previous read are replaced (and their views invalidated).
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
        let (events, issues) = tables_of(&import_trace(name, bytes, order));
        import.events = events;
        import.issues = issues;
        Ok(())
    })
}

/// The events of the last read (columns: see the module's documentation of Import-HybridMessageTrace; each
/// column is found by name).
///
/// # Safety
/// `import` is NULL or a live `hmf_trace_import` this library made, not yet freed; `out` is NULL or points to a
/// writable `hmf_table`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned
/// string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_trace_import_events(import: *const hmf_trace_import, out: *mut hmf_table) -> hmf_status {
    guard(|| {
        let import = Handle::arg(import)?;
        *out_ptr(out, "out")? = import.events.view();
        Ok(())
    })
}

/// The issues of the last read: Kind, Path, Line, Message.
///
/// # Safety
/// `import` is NULL or a live `hmf_trace_import` this library made, not yet freed; `out` is NULL or points to a
/// writable `hmf_table`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned
/// string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_trace_import_issues(import: *const hmf_trace_import, out: *mut hmf_table) -> hmf_status {
    guard(|| {
        let import = Handle::arg(import)?;
        *out_ptr(out, "out")? = import.issues.view();
        Ok(())
    })
}

use super::types::hmf_status;

impl Handle for hmf_trace_import {
    const ARG: &'static str = "import";
}
