//! Exchange Online message trace, as admins export it: the CSV files of Get-MessageTrace, Get-MessageTraceV2,
//! Get-MessageTraceDetail(V2) (Windows PowerShell 5.1 or PowerShell 7, local or remote session) and the admin
//! center's downloads (enhanced summary, extended report, historical search), read into one normalized event
//! shape. Live objects from the pipeline reach the same reader as a CSV the module writes from their properties.

mod date;
mod import;
mod mep;
mod text;

pub use date::{order_evidence, parse_trace_time, DayOrder};
pub use import::{import_trace, TraceImport, TraceIssue, TraceIssueKind};
pub use mep::{parse_meps, Mep};
pub use text::{decode, split_rows, Layout, Row};

use crate::diagnosis::ParsedError;

/// Which export a row came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TraceFormat {
    /// Get-MessageTrace / Get-MessageTraceV2: one row per message and recipient.
    Summary,
    /// Get-MessageTraceDetail / Get-MessageTraceDetailV2: one row per event of a message for a recipient.
    Detail,
    /// The admin center's enhanced summary report: one row per message, recipients in `recipient_status`.
    EnhancedSummary,
    /// The admin center's extended report / historical search MessageTraceDetail: message tracking rows of
    /// Exchange Online.
    Extended,
}

impl TraceFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            TraceFormat::Summary => "MessageTrace",
            TraceFormat::Detail => "MessageTraceDetail",
            TraceFormat::EnhancedSummary => "EnhancedSummary",
            TraceFormat::Extended => "ExtendedReport",
        }
    }
}

/// One normalized Exchange Online trace event.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TraceEvent {
    pub format: Option<TraceFormat>,
    /// UTC.
    pub received_ms: i64,
    pub sender_address: String,
    pub recipient_address: String,
    pub subject: String,
    /// Delivered, Failed, Pending, Expanded, FilteredAsSpam, Quarantined, GettingStatus, None (as Exchange
    /// Online says; for report rows, what their events say).
    pub status: String,
    pub from_ip: String,
    pub to_ip: String,
    pub size: Option<i64>,
    /// With its angle brackets, as Exchange Online writes it.
    pub message_id: String,
    pub message_trace_id: String,
    pub network_message_id: String,
    pub organization: String,
    /// Receive, Send, Deliver, Fail, Defer, Expand, Transfer, ... (detail and report rows).
    pub event: String,
    /// The events a report lists for this recipient (`recipient_status` `addr##Receive, Deliver`), in order.
    pub events: Vec<String>,
    pub action: String,
    pub detail: String,
    /// The Data XML of a detail row, as exported.
    pub data: String,
    /// The message event properties of `data`.
    pub meps: Vec<Mep>,
    /// The Exchange Online server that logged the event (extended reports, `ServerHostname` MEP).
    pub server_hostname: String,
    pub connector_id: String,
    pub client_ip: String,
    pub client_hostname: String,
    pub server_ip: String,
    pub source: String,
    pub source_context: String,
    pub directionality: String,
    pub internal_message_id: String,
    pub return_path: String,
    pub custom_data: String,
    /// The error text (a Fail or Defer detail, a report's recipient status with `{LED=...}`), empty when none.
    pub reason: String,
    pub reason_parts: Option<ParsedError>,
    /// The knowledge base's rule for `reason` and its title.
    pub reason_rule_id: String,
    pub reason_title: String,
    pub path: String,
    pub line: u64,
}

impl TraceEvent {
    /// The value of a message event property of the Data XML, by name (case-insensitive).
    pub fn mep(&self, name: &str) -> Option<&str> {
        self.meps
            .iter()
            .find(|m| m.name.eq_ignore_ascii_case(name))
            .map(|m| m.value.as_str())
    }
}
