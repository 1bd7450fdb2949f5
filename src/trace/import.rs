//! Rows of an export into [`TraceEvent`]s. The header names the columns (any order, any case, with or without
//! the remote-session columns PSComputerName/RunspaceId/PSShowComputerName); which columns are there tells the
//! format.

use super::date::{order_evidence, parse_trace_time, DayOrder};
use super::mep::parse_meps;
use super::text::{decode, split_rows, Row};
use super::{TraceEvent, TraceFormat};
use crate::diagnosis::{parse_last_error, Context, KnowledgeBase, LogKind, UNRECOGNIZED};
use crate::logfile::catch_quietly;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceIssueKind {
    /// The file is not a message trace export (no time column, or no message or address column).
    NotATrace,
    /// A row has more fields than the header, or a quoted field never closes.
    BadRow,
    /// A time that is not a time.
    BadTime,
    /// A column holds `System.String[]`-like text: the values were lost when the objects were exported.
    LostValues,
}

/// A problem with a file or one of its rows; the rest of the file is still read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceIssue {
    pub kind: TraceIssueKind,
    pub path: String,
    /// 0 for the whole file.
    pub line: u64,
    pub message: String,
}

/// What one export gave.
#[derive(Debug, Clone, Default)]
pub struct TraceImport {
    pub events: Vec<TraceEvent>,
    pub issues: Vec<TraceIssue>,
    /// The export's format (of its header), when it is one.
    pub format: Option<TraceFormat>,
    pub rows: u64,
    pub skipped_rows: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Received,
    Sender,
    Recipient,
    Subject,
    Status,
    FromIp,
    ToIp,
    Size,
    MessageId,
    MessageTraceId,
    NetworkMessageId,
    Organization,
    Event,
    Action,
    Detail,
    Data,
    RecipientStatus,
    ServerHostname,
    ServerIp,
    ClientIp,
    ClientHostname,
    ConnectorId,
    Source,
    SourceContext,
    Directionality,
    InternalMessageId,
    ReturnPath,
    CustomData,
    OriginalClientIp,
    /// This module's own objects say which export they came from.
    Format,
}

/// Header names of each column across the exports (Get-MessageTrace*, the admin center's snake_case reports, Graph).
const NAMES: &[(&str, Column)] = &[
    ("Received", Column::Received),
    // This module's own objects, exported: Received is local time there, ReceivedUtc the time to read.
    ("ReceivedUtc", Column::Received),
    ("Date", Column::Received),
    ("DateTime", Column::Received),
    ("receivedDateTime", Column::Received),
    ("origin_timestamp_utc", Column::Received),
    ("origin_timestamp", Column::Received),
    ("date_time_utc", Column::Received),
    ("date_time", Column::Received),
    ("SenderAddress", Column::Sender),
    ("sender_address", Column::Sender),
    ("Sender", Column::Sender),
    ("RecipientAddress", Column::Recipient),
    ("recipient_address", Column::Recipient),
    ("Recipient", Column::Recipient),
    ("Subject", Column::Subject),
    ("message_subject", Column::Subject),
    ("Status", Column::Status),
    ("FromIP", Column::FromIp),
    ("ToIP", Column::ToIp),
    ("Size", Column::Size),
    ("total_bytes", Column::Size),
    ("MessageId", Column::MessageId),
    ("message_id", Column::MessageId),
    ("MessageTraceId", Column::MessageTraceId),
    ("NetworkMessageId", Column::NetworkMessageId),
    ("network_message_id", Column::NetworkMessageId),
    ("Organization", Column::Organization),
    ("Event", Column::Event),
    ("event_id", Column::Event),
    ("Action", Column::Action),
    ("Detail", Column::Detail),
    ("Description", Column::Detail),
    ("Data", Column::Data),
    ("recipient_status", Column::RecipientStatus),
    ("server_hostname", Column::ServerHostname),
    ("server_ip", Column::ServerIp),
    ("client_ip", Column::ClientIp),
    ("client_hostname", Column::ClientHostname),
    ("connector_id", Column::ConnectorId),
    ("source", Column::Source),
    ("source_context", Column::SourceContext),
    ("directionality", Column::Directionality),
    ("internal_message_id", Column::InternalMessageId),
    ("return_path", Column::ReturnPath),
    ("custom_data", Column::CustomData),
    ("original_client_ip", Column::OriginalClientIp),
    ("Format", Column::Format),
];

struct Columns {
    index: Vec<Option<Column>>,
}

impl Columns {
    /// Where several columns give the time, one whose name says UTC is read and the others are left: the
    /// others may be local time, which a file does not say.
    fn from_header(header: &[String]) -> Columns {
        let names: Vec<&str> = header
            .iter()
            .map(|name| name.trim().trim_start_matches('\u{feff}'))
            .collect();
        let says_utc = |name: &str| name.len() >= 3 && name.as_bytes()[name.len() - 3..].eq_ignore_ascii_case(b"utc");
        let mut index: Vec<Option<Column>> = names
            .iter()
            .map(|name| {
                NAMES
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|&(_, c)| c)
            })
            .collect();
        let utc_time = (0..names.len()).any(|i| index[i] == Some(Column::Received) && says_utc(names[i]));
        if utc_time {
            for i in 0..names.len() {
                if index[i] == Some(Column::Received) && !says_utc(names[i]) {
                    index[i] = None;
                }
            }
        }
        Columns { index }
    }

    fn has(&self, column: Column) -> bool {
        self.index.contains(&Some(column))
    }

    fn position(&self, column: Column) -> Option<usize> {
        self.index.iter().position(|&c| c == Some(column))
    }

    fn format(&self, header: &[String]) -> Option<TraceFormat> {
        if !self.has(Column::Received)
            || !(self.has(Column::MessageId) || self.has(Column::Sender) || self.has(Column::Recipient))
        {
            return None;
        }
        let named = |n: &str| header.iter().any(|h| h.trim().eq_ignore_ascii_case(n));
        Some(
            if named("origin_timestamp_utc")
                || named("origin_timestamp")
                || (self.has(Column::RecipientStatus) && !self.has(Column::Event))
            {
                TraceFormat::EnhancedSummary
            } else if named("date_time_utc") || named("event_id") {
                TraceFormat::Extended
            } else if self.has(Column::Event) || self.has(Column::Detail) || self.has(Column::Data) {
                TraceFormat::Detail
            } else {
                TraceFormat::Summary
            },
        )
    }
}

/// Text that stands for a value lost at export: `System.String[]`, `System.Object[]`, `Deserialized.System...`.
fn lost_value(value: &str) -> bool {
    let v = value.trim();
    (v.starts_with("System.") || v.starts_with("Deserialized.System."))
        && (v.ends_with("[]") || v.ends_with(']') || v.contains("Collection"))
}

/// Reads one export (its bytes, any encoding). `path` names it in events and issues; `culture_order` is how the
/// exporting culture writes `a/b/yyyy` when the file's own dates do not tell.
pub fn import_trace(path: &str, bytes: &[u8], culture_order: DayOrder) -> TraceImport {
    let text = decode(bytes);
    let (_, rows, broken) = split_rows(&text);
    let mut out = TraceImport::default();
    let issue = |kind, line, message: String| TraceIssue {
        kind,
        path: path.to_string(),
        line,
        message,
    };
    // A row (or the rest of the file) not read: counted, and said with the file and line.
    let skip = |out: &mut TraceImport, kind, line, what: String| {
        out.skipped_rows += 1;
        out.issues
            .push(issue(kind, line, format!("{}, line {line}: {what}", file_name(path))));
    };
    let Some((header, data)) = rows.split_first() else {
        out.issues.push(issue(
            TraceIssueKind::NotATrace,
            0,
            format!("{}: is empty, not a message trace export; refused", file_name(path)),
        ));
        return out;
    };
    let columns = Columns::from_header(&header.fields);
    let Some(format) = columns.format(&header.fields) else {
        let shown: Vec<&str> = header.fields.iter().take(6).map(|s| s.as_str()).collect();
        out.issues.push(issue(
            TraceIssueKind::NotATrace,
            header.line,
            format!(
                "{}: is not a message trace export (its header '{}' has no Received/date column with a message id or address column); refused",
                file_name(path),
                shown.join(",")
            ),
        ));
        return out;
    };
    out.format = Some(format);
    let order = data
        .iter()
        .filter_map(|row| {
            columns
                .position(Column::Received)
                .and_then(|i| row.fields.get(i))
                .and_then(|v| order_evidence(v))
        })
        .next()
        .unwrap_or(culture_order);
    let kb = KnowledgeBase::builtin();
    let ctx = Context {
        log_type: Some(LogKind::MessageTrace),
        ..Context::default()
    };
    let mut lost_reported = vec![false; header.fields.len()];
    for row in data {
        out.rows += 1;
        if row.fields.len() > header.fields.len() {
            let what = format!(
                "has {} fields where the header names {}; skipped",
                row.fields.len(),
                header.fields.len()
            );
            skip(&mut out, TraceIssueKind::BadRow, row.line, what);
            continue;
        }
        for (i, value) in row.fields.iter().enumerate() {
            if !lost_reported[i] && columns.index[i].is_some() && lost_value(value) {
                lost_reported[i] = true;
                out.issues.push(issue(
                    TraceIssueKind::LostValues,
                    row.line,
                    format!(
                        "{}, line {}: column '{}' holds '{}': the values were lost when the objects were exported (join them, e.g. @{{n='{}';e={{$_.{} -join ';'}}}}); read as empty",
                        file_name(path),
                        row.line,
                        header.fields[i],
                        value.trim(),
                        header.fields[i],
                        header.fields[i]
                    ),
                ));
            }
        }
        let read = catch_quietly(|| {
            event_of(&columns, row, format, order, path).map(|mut events| {
                for event in &mut events {
                    diagnose(event, kb, &ctx);
                }
                events
            })
        });
        match read {
            Ok(Ok(events)) => out.events.extend(events),
            Ok(Err(message)) => skip(
                &mut out,
                TraceIssueKind::BadTime,
                row.line,
                format!("{message}; skipped"),
            ),
            Err(panic) => {
                let what = format!("internal error in the HybridMailFlow engine, this row was skipped: {panic}");
                skip(&mut out, TraceIssueKind::BadRow, row.line, what);
            }
        }
    }
    if let Some(broken) = broken {
        let what = "a quoted field is never closed; the rest of the file is skipped".to_owned();
        skip(&mut out, TraceIssueKind::BadRow, broken.line, what);
    }
    out
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn event_of(
    columns: &Columns,
    row: &Row,
    format: TraceFormat,
    order: DayOrder,
    path: &str,
) -> Result<Vec<TraceEvent>, String> {
    let get = |column: Column| -> String {
        columns
            .position(column)
            .and_then(|i| row.fields.get(i))
            .map(|v| v.trim())
            .filter(|v| !lost_value(v))
            .unwrap_or("")
            .to_string()
    };
    let received_text = get(Column::Received);
    let received_ms = parse_trace_time(&received_text, order)
        .ok_or_else(|| format!("the time '{received_text}' is not a date and time"))?;
    let data = get(Column::Data);
    let meps = parse_meps(&data);
    let original_client_ip = get(Column::OriginalClientIp);
    let mut event = TraceEvent {
        format: Some(format),
        received_ms,
        sender_address: get(Column::Sender),
        recipient_address: get(Column::Recipient),
        subject: get(Column::Subject),
        status: get(Column::Status),
        from_ip: first_non_empty(&[get(Column::FromIp), original_client_ip]),
        to_ip: get(Column::ToIp),
        size: get(Column::Size).replace([',', '.', ' '], "").parse().ok(),
        message_id: get(Column::MessageId),
        message_trace_id: get(Column::MessageTraceId),
        network_message_id: get(Column::NetworkMessageId),
        organization: get(Column::Organization),
        event: get(Column::Event),
        action: get(Column::Action),
        detail: get(Column::Detail),
        data,
        meps,
        server_hostname: get(Column::ServerHostname),
        connector_id: get(Column::ConnectorId),
        client_ip: get(Column::ClientIp),
        client_hostname: get(Column::ClientHostname),
        server_ip: get(Column::ServerIp),
        source: get(Column::Source),
        source_context: get(Column::SourceContext),
        directionality: get(Column::Directionality),
        internal_message_id: get(Column::InternalMessageId),
        return_path: get(Column::ReturnPath),
        custom_data: get(Column::CustomData),
        path: path.to_string(),
        line: row.line,
        ..TraceEvent::default()
    };
    fill_from_meps(&mut event);
    if event.message_trace_id.is_empty() && format == TraceFormat::EnhancedSummary {
        event.message_trace_id = event.network_message_id.clone();
    }
    if event.network_message_id.is_empty()
        && format != TraceFormat::Extended
        && looks_like_guid(&event.message_trace_id)
    {
        // Get-MessageTrace's MessageTraceId is the message's NetworkMessageId (the id on-premises tracking logs).
        event.network_message_id = event.message_trace_id.clone();
    }
    let recipient_status = get(Column::RecipientStatus);
    // Objects of several kinds piped together share one header: a row without an event is a summary row.
    let stated = get(Column::Format);
    let format = match [
        TraceFormat::Summary,
        TraceFormat::Detail,
        TraceFormat::EnhancedSummary,
        TraceFormat::Extended,
    ]
    .into_iter()
    .find(|f| f.as_str() == stated)
    {
        Some(stated) => stated,
        None if format == TraceFormat::Detail
            && event.event.is_empty()
            && event.detail.is_empty()
            && event.data.is_empty() =>
        {
            TraceFormat::Summary
        }
        None => format,
    };
    event.format = Some(format);
    match format {
        TraceFormat::EnhancedSummary => Ok(split_recipient_status(event, &recipient_status)),
        TraceFormat::Extended => Ok(split_extended(event, &recipient_status)),
        TraceFormat::Detail => {
            if is_error_event(&event.event) || event.detail.contains("LED=") {
                event.reason = event.detail.clone();
            }
            if event.status.is_empty() {
                event.status = status_of_event(&event.event).to_string();
            }
            Ok(vec![event])
        }
        TraceFormat::Summary => Ok(vec![event]),
    }
}

fn first_non_empty(values: &[String]) -> String {
    values.iter().find(|v| !v.is_empty()).cloned().unwrap_or_default()
}

fn looks_like_guid(text: &str) -> bool {
    text.len() == 36
        && text.bytes().enumerate().all(|(i, b)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                b == b'-'
            } else {
                b.is_ascii_hexdigit()
            }
        })
}

/// The properties a detail row's Data carries that the columns do not.
fn fill_from_meps(event: &mut TraceEvent) {
    let pick = |event: &TraceEvent, names: &[&str]| {
        names
            .iter()
            .find_map(|n| event.mep(n))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    if event.server_hostname.is_empty() {
        if let Some(v) = pick(event, &["ServerHostname", "ServerHostName", "Server"]) {
            event.server_hostname = v;
        }
    }
    if event.connector_id.is_empty() {
        if let Some(v) = pick(
            event,
            &[
                "ConnectorId",
                "Connector",
                "OutboundConnectorName",
                "InboundConnectorName",
            ],
        ) {
            event.connector_id = v;
        } else if let Some(v) = pick(event, &["InboundConnectorData"]) {
            // `Name=Inbound from <org>;ConnectorType=OnPremises;TenantId=...`
            event.connector_id = v
                .split(';')
                .find_map(|p| p.strip_prefix("Name="))
                .unwrap_or(&v)
                .to_string();
        }
    }
    if event.client_ip.is_empty() {
        if let Some(v) = pick(event, &["ClientIP", "ClientIp", "OriginalClientIP"]) {
            event.client_ip = v;
        }
    }
    if event.return_path.is_empty() {
        if let Some(v) = pick(event, &["ReturnPath"]) {
            event.return_path = v;
        }
    }
    if event.to_ip.is_empty() {
        if let Some(v) = pick(event, &["OutboundProxyTargetIP", "ServerIP", "RemoteIP"]) {
            event.to_ip = v;
        }
    }
}

fn is_error_event(event: &str) -> bool {
    ["Fail", "Defer", "Drop", "FAIL", "DEFER", "DROP"]
        .iter()
        .any(|e| e.eq_ignore_ascii_case(event.trim()))
}

/// A recipient's status from its last event.
fn status_of_event(event: &str) -> &'static str {
    match event.trim().to_ascii_lowercase().as_str() {
        "deliver" | "send" | "transfer" => "Delivered",
        "fail" | "drop" => "Failed",
        "defer" | "receive" | "submit" | "resolve" | "resolved" => "Pending",
        "expand" => "Expanded",
        "spam" => "FilteredAsSpam",
        "quarantine" | "quarantined" => "Quarantined",
        _ => "",
    }
}

/// `addr##Receive, Deliver;addr2##Receive, Fail`: one event per recipient, its last event and status.
fn split_recipient_status(event: TraceEvent, recipient_status: &str) -> Vec<TraceEvent> {
    let mut out = Vec::new();
    for part in recipient_status.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (address, events) = part.split_once("##").unwrap_or((part, ""));
        let mut one = event.clone();
        one.recipient_address = address.trim().to_string();
        one.events = events
            .split(',')
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect();
        one.event = one.events.last().cloned().unwrap_or_default();
        if one.status.is_empty() {
            one.status = status_of_event(&one.event).to_string();
        }
        out.push(one);
    }
    if out.is_empty() {
        out.push(event);
    }
    out
}

/// An extended report row names its recipients `;`-separated with their statuses likewise (as message
/// tracking does): one event per recipient, with the error of a failed or deferred one as its reason.
fn split_extended(event: TraceEvent, recipient_status: &str) -> Vec<TraceEvent> {
    let recipients: Vec<&str> = event
        .recipient_address
        .split(';')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    let statuses: Vec<&str> = if recipient_status.contains("[{") {
        vec![recipient_status]
    } else {
        recipient_status.split(';').collect()
    };
    let status = status_of_event(&event.event).to_string();
    let mut out = Vec::new();
    for (i, recipient) in recipients.iter().enumerate() {
        let mut one = event.clone();
        one.recipient_address = recipient.to_string();
        let text = statuses.get(i).or(statuses.first()).map(|s| s.trim()).unwrap_or("");
        if is_error_event(&one.event) || text.contains("LED=") || text.starts_with('4') || text.starts_with('5') {
            one.reason = text.to_string();
        }
        one.status = status.clone();
        out.push(one);
    }
    if out.is_empty() {
        let mut one = event;
        one.status = status;
        if !recipient_status.is_empty() && (is_error_event(&one.event) || recipient_status.contains("LED=")) {
            one.reason = recipient_status.to_string();
        }
        out.push(one);
    }
    out
}

/// The reason taken apart (LED, last attempted server, proxy target) and the knowledge base's rule for it.
fn diagnose(event: &mut TraceEvent, kb: &KnowledgeBase, ctx: &Context) {
    if event.reason.trim().is_empty() {
        return;
    }
    event.reason_parts = Some(parse_last_error(&event.reason));
    let best = kb.best_match(&event.reason, ctx);
    if best.rule_id() != UNRECOGNIZED {
        event.reason_rule_id = best.rule_id().to_string();
        event.reason_title = best.finding().title;
    } else {
        event.reason_rule_id = UNRECOGNIZED.to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logfile::format_utc_ms;

    fn import(text: &str) -> TraceImport {
        import_trace("trace.csv", text.as_bytes(), DayOrder::MonthFirst)
    }

    #[test]
    fn a_file_without_trace_columns_is_refused_by_name() {
        let result = import("\"Name\",\"Length\"\r\n\"a\",\"1\"\r\n");
        assert_eq!(result.issues.len(), 1);
        assert_eq!(result.issues[0].kind, TraceIssueKind::NotATrace);
        assert!(
            result.issues[0]
                .message
                .starts_with("trace.csv: is not a message trace export"),
            "{}",
            result.issues[0].message
        );
    }

    #[test]
    fn a_time_column_named_utc_is_read_before_one_that_may_be_local() {
        let ours = import("Received,ReceivedUtc,SenderAddress,RecipientAddress,MessageId\n5/1/2026 2:00:00 AM,5/1/2026 6:00:00 AM,a@cloudmonkeys.xyz,b@cloudmonkeys.xyz,<1@x>\n");
        assert_eq!(format_utc_ms(ours.events[0].received_ms), "2026-05-01T06:00:00.000Z");
        let report = import("origin_timestamp,origin_timestamp_utc,sender_address,recipient_status,message_id\n2026-05-01 02:00:00,2026-05-01 06:00:00,a@cloudmonkeys.xyz,b@cloudmonkeys.xyz##Receive,<1@x>\n");
        assert_eq!(format_utc_ms(report.events[0].received_ms), "2026-05-01T06:00:00.000Z");
    }

    #[test]
    fn a_bad_time_skips_the_row_and_names_the_line() {
        let result = import("Received,SenderAddress,RecipientAddress,MessageId\n5/1/2026 6:00:00 AM,a@cloudmonkeys.xyz,b@cloudmonkeys.xyz,<1@x>\nsoon,a@cloudmonkeys.xyz,b@cloudmonkeys.xyz,<2@x>\n");
        assert_eq!(result.events.len(), 1);
        assert_eq!(result.skipped_rows, 1);
        assert_eq!(result.issues[0].line, 3);
        assert_eq!(format_utc_ms(result.events[0].received_ms), "2026-05-01T06:00:00.000Z");
    }

    #[test]
    fn recipient_status_gives_one_event_per_recipient() {
        let text = "origin_timestamp_utc,sender_address,recipient_status,message_subject,total_bytes,message_id,network_message_id,original_client_ip,directionality,connector_id,delivery_priority\n\
2026-05-01T06:06:50.123Z,raghu@cloudmonkeys.xyz,\"ann@cloudfield.onmicrosoft.com##Receive, Deliver;bob@cloudmonkeys.xyz##Receive, Send;zed@cloudmonkeys.xyz##Receive, Fail\",Report,12345,<a@b>,5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0001,27.7.57.241,Originating,Inbound from cloudmonkeys,Normal\n";
        let result = import(text);
        let got: Vec<(&str, &str, &str)> = result
            .events
            .iter()
            .map(|e| (e.recipient_address.as_str(), e.event.as_str(), e.status.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("ann@cloudfield.onmicrosoft.com", "Deliver", "Delivered"),
                ("bob@cloudmonkeys.xyz", "Send", "Delivered"),
                ("zed@cloudmonkeys.xyz", "Fail", "Failed")
            ]
        );
        assert_eq!(result.events[0].events, ["Receive", "Deliver"]);
        assert_eq!(result.events[0].from_ip, "27.7.57.241");
        assert_eq!(result.format, Some(TraceFormat::EnhancedSummary));
    }

    #[test]
    fn a_fail_detail_is_parsed_and_diagnosed() {
        let text = "Date,Event,Action,Detail,Data,MessageId,MessageTraceId,RecipientAddress,SenderAddress\n\
\"2026-05-01T06:12:05Z\",\"Defer\",\"\",\"Reason: [{LED=450 4.4.317 Cannot connect to remote server [Message=SubjectMismatch] [LastAttemptedServerName=mail.cloudmonkeys.xyz] [LastAttemptedIP=27.7.57.241:25]};{MSG=};{FQDN=mail.cloudmonkeys.xyz};{IP=27.7.57.241};{LRT=}]. OutboundProxyTargetIP: 27.7.57.241. OutboundProxyTargetHostName: mail.cloudmonkeys.xyz\",\"<root><MEP Name=\"\"ConnectorId\"\" String=\"\"Outbound to cloudmonkeys\"\"/></root>\",\"<a@b>\",\"5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0001\",\"raghu@cloudmonkeys.xyz\",\"ann@cloudfield.onmicrosoft.com\"\n";
        let result = import(text);
        assert!(result.issues.is_empty(), "{:?}", result.issues);
        let event = &result.events[0];
        assert_eq!(event.status, "Pending");
        assert_eq!(event.connector_id, "Outbound to cloudmonkeys");
        assert_eq!(event.network_message_id, "5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0001");
        let parts = event.reason_parts.as_ref().expect("parsed");
        assert_eq!(parts.enhanced_code.as_deref(), Some("4.4.317"));
        assert_eq!(parts.outbound_proxy_target_ip.as_deref(), Some("27.7.57.241"));
        assert_ne!(event.reason_rule_id, UNRECOGNIZED);
    }

    #[test]
    fn legacy_get_message_trace_from_a_remote_session_and_mixed_objects() {
        let text = "\"PSComputerName\",\"RunspaceId\",\"PSShowComputerName\",\"Organization\",\"MessageId\",\"Received\",\"SenderAddress\",\"RecipientAddress\",\"Subject\",\"Status\",\"ToIP\",\"FromIP\",\"Size\",\"MessageTraceId\",\"StartDate\",\"EndDate\",\"Index\"\r\n\
\"outlook.office365.com\",\"8f0c2d1e-6b7a-4c3d-9e8f-0a1b2c3d4e5f\",\"False\",\"cloudfield.onmicrosoft.com\",\"<1@x>\",\"5/1/2026 9:05:10 AM\",\"ann@cloudmonkeys.xyz\",\"raghu@cloudmonkeys.xyz\",\"Hi\",\"Delivered\",\"27.7.57.241\",\"\",\"4821\",\"5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0001\",\"4/29/2026 9:00:00 AM\",\"5/1/2026 10:00:00 AM\",\"0\"\r\n";
        let result = import(text);
        assert!(result.issues.is_empty(), "{:?}", result.issues);
        let e = &result.events[0];
        assert_eq!(
            (e.format, e.received_ms),
            (Some(TraceFormat::Summary), 1_777_626_310_000)
        );
        assert_eq!(
            (e.organization.as_str(), e.size, e.to_ip.as_str()),
            ("cloudfield.onmicrosoft.com", Some(4821), "27.7.57.241")
        );
        // Summary and detail objects piped together: the summary row has no event and stays a summary.
        let mixed = import("Received,MessageId,Status,Event,Detail\n2026-05-01T09:05:10Z,<1@x>,Delivered,,\n2026-05-01T09:05:11Z,<1@x>,,Send,Sent\n");
        let formats: Vec<_> = mixed.events.iter().map(|e| e.format).collect();
        assert_eq!(formats, [Some(TraceFormat::Summary), Some(TraceFormat::Detail)]);
    }

    #[test]
    fn lost_array_values_are_reported_once_per_column() {
        let result = import("Received,RecipientAddress,MessageId\n5/1/2026 6:00:00 AM,System.String[],<1@x>\n5/1/2026 6:00:01 AM,System.String[],<2@x>\n");
        assert_eq!(result.events.len(), 2);
        assert_eq!(result.events[0].recipient_address, "");
        let lost: Vec<_> = result
            .issues
            .iter()
            .filter(|i| i.kind == TraceIssueKind::LostValues)
            .collect();
        assert_eq!(lost.len(), 1);
    }
}
