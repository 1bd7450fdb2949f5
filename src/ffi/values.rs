//! The engine's enumerations as values of the ABI: a `#[repr(u32)]` enum each, written to the header by
//! cbindgen and mirrored once in C# (`[AbiEnum]`), so that a record carries a number the compiler checks on both
//! sides, not a name each side spells. Numbers are append-only. Each conversion from the engine's enum is an
//! exhaustive match: a variant added to the engine does not compile until it has its number here.

use crate::config::queue::QueueKind;
use crate::diagnosis::Severity;
use crate::net::AddressClass;
use crate::protocol::{AuthResult, Outcome, Role, TlsMode};
use crate::timeline::{Component, EvidenceKind, FlagKind, HopSource, JoinKey, Location};
use crate::trace::{TraceFormat, TraceIssueKind};

/// `From<core enum>` for an ABI enum, as one exhaustive match (a variant missing here does not compile).
macro_rules! from_core {
    ($core:ident => $abi:ident { $($variant:ident => $value:ident),+ $(,)? }) => {
        impl From<$core> for $abi {
            fn from(value: $core) -> Self {
                match value {
                    $($core::$variant => $abi::$value),+
                }
            }
        }
    };
}

/// How a session ended (the engine's `Outcome::ALL`, in that order).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_outcome {
    HMF_OUTCOME_DELIVERED = 0,
    HMF_OUTCOME_REJECTED = 1,
    HMF_OUTCOME_TEMP_FAILED = 2,
    HMF_OUTCOME_CONNECT_FAILED = 3,
    HMF_OUTCOME_TLS_FAILED = 4,
    HMF_OUTCOME_AUTH_FAILED = 5,
    HMF_OUTCOME_DROPPED = 6,
    HMF_OUTCOME_NO_MESSAGE = 7,
    HMF_OUTCOME_INCOMPLETE = 8,
}

from_core!(Outcome => hmf_outcome {
    Delivered => HMF_OUTCOME_DELIVERED,
    Rejected => HMF_OUTCOME_REJECTED,
    TempFailed => HMF_OUTCOME_TEMP_FAILED,
    ConnectFailed => HMF_OUTCOME_CONNECT_FAILED,
    TlsFailed => HMF_OUTCOME_TLS_FAILED,
    AuthFailed => HMF_OUTCOME_AUTH_FAILED,
    Dropped => HMF_OUTCOME_DROPPED,
    NoMessage => HMF_OUTCOME_NO_MESSAGE,
    Incomplete => HMF_OUTCOME_INCOMPLETE,
});

/// The Exchange transport service that wrote a protocol log (from its folder).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_role {
    HMF_ROLE_FRONT_END = 0,
    HMF_ROLE_HUB = 1,
    HMF_ROLE_EDGE = 2,
    HMF_ROLE_MAILBOX_DELIVERY = 3,
    HMF_ROLE_MAILBOX_SUBMISSION = 4,
    HMF_ROLE_UNKNOWN = 5,
}

from_core!(Role => hmf_role {
    FrontEnd => HMF_ROLE_FRONT_END,
    Hub => HMF_ROLE_HUB,
    Edge => HMF_ROLE_EDGE,
    MailboxDelivery => HMF_ROLE_MAILBOX_DELIVERY,
    MailboxSubmission => HMF_ROLE_MAILBOX_SUBMISSION,
    Unknown => HMF_ROLE_UNKNOWN,
});

/// How a session asked for TLS: none, STARTTLS or X-ANONYMOUSTLS.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_tls_mode {
    HMF_TLS_MODE_NONE = 0,
    HMF_TLS_MODE_START_TLS = 1,
    HMF_TLS_MODE_ANONYMOUS_TLS = 2,
}

from_core!(TlsMode => hmf_tls_mode {
    None => HMF_TLS_MODE_NONE,
    StartTls => HMF_TLS_MODE_START_TLS,
    AnonymousTls => HMF_TLS_MODE_ANONYMOUS_TLS,
});

/// Whether a session authenticated.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_auth_result {
    HMF_AUTH_NONE = 0,
    HMF_AUTH_SUCCEEDED = 1,
    HMF_AUTH_FAILED = 2,
}

from_core!(AuthResult => hmf_auth_result {
    None => HMF_AUTH_NONE,
    Succeeded => HMF_AUTH_SUCCEEDED,
    Failed => HMF_AUTH_FAILED,
});

/// What an IP address is.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_address_class {
    HMF_ADDRESS_LOOPBACK = 0,
    HMF_ADDRESS_PRIVATE = 1,
    HMF_ADDRESS_EXCHANGE_ONLINE = 2,
    HMF_ADDRESS_PUBLIC = 3,
    HMF_ADDRESS_INVALID = 4,
}

from_core!(AddressClass => hmf_address_class {
    Loopback => HMF_ADDRESS_LOOPBACK,
    Private => HMF_ADDRESS_PRIVATE,
    ExchangeOnline => HMF_ADDRESS_EXCHANGE_ONLINE,
    Public => HMF_ADDRESS_PUBLIC,
    Invalid => HMF_ADDRESS_INVALID,
});

/// The kind of a transport queue.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_queue_kind {
    HMF_QUEUE_DELIVERY = 0,
    HMF_QUEUE_SUBMISSION = 1,
    HMF_QUEUE_UNREACHABLE = 2,
    HMF_QUEUE_POISON = 3,
    HMF_QUEUE_SHADOW = 4,
}

from_core!(QueueKind => hmf_queue_kind {
    Delivery => HMF_QUEUE_DELIVERY,
    Submission => HMF_QUEUE_SUBMISSION,
    Unreachable => HMF_QUEUE_UNREACHABLE,
    Poison => HMF_QUEUE_POISON,
    Shadow => HMF_QUEUE_SHADOW,
});

/// How bad a finding or a queue's state is.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_severity {
    HMF_SEVERITY_INFO = 0,
    HMF_SEVERITY_WARNING = 1,
    HMF_SEVERITY_ERROR = 2,
    HMF_SEVERITY_CRITICAL = 3,
}

from_core!(Severity => hmf_severity {
    Info => HMF_SEVERITY_INFO,
    Warning => HMF_SEVERITY_WARNING,
    Error => HMF_SEVERITY_ERROR,
    Critical => HMF_SEVERITY_CRITICAL,
});

/// Where a traced message is now (`hmf_timeline.location`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_timeline_location {
    HMF_LOCATION_DELIVERED_ON_PREMISES = 0,
    HMF_LOCATION_DELIVERED_IN_EXCHANGE_ONLINE = 1,
    HMF_LOCATION_SENT_TO_INTERNET = 2,
    HMF_LOCATION_QUEUED = 3,
    HMF_LOCATION_FAILED = 4,
    HMF_LOCATION_UNKNOWN = 5,
}

from_core!(Location => hmf_timeline_location {
    DeliveredOnPremises => HMF_LOCATION_DELIVERED_ON_PREMISES,
    DeliveredInExchangeOnline => HMF_LOCATION_DELIVERED_IN_EXCHANGE_ONLINE,
    SentToInternet => HMF_LOCATION_SENT_TO_INTERNET,
    Queued => HMF_LOCATION_QUEUED,
    Failed => HMF_LOCATION_FAILED,
    Unknown => HMF_LOCATION_UNKNOWN,
});

/// The part of the mail flow a hop happened in (`hmf_hop.component`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_hop_component {
    HMF_COMPONENT_FRONT_END = 0,
    HMF_COMPONENT_HUB = 1,
    HMF_COMPONENT_EDGE = 2,
    HMF_COMPONENT_MAILBOX = 3,
    HMF_COMPONENT_EXCHANGE_ONLINE = 4,
}

from_core!(Component => hmf_hop_component {
    FrontEnd => HMF_COMPONENT_FRONT_END,
    Hub => HMF_COMPONENT_HUB,
    Edge => HMF_COMPONENT_EDGE,
    Mailbox => HMF_COMPONENT_MAILBOX,
    ExchangeOnline => HMF_COMPONENT_EXCHANGE_ONLINE,
});

/// What a hop was read from (`hmf_hop.source`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_hop_source {
    HMF_HOP_SOURCE_MESSAGE_TRACKING = 0,
    HMF_HOP_SOURCE_PROTOCOL_LOG = 1,
    HMF_HOP_SOURCE_MESSAGE_TRACE = 2,
}

from_core!(HopSource => hmf_hop_source {
    MessageTracking => HMF_HOP_SOURCE_MESSAGE_TRACKING,
    ProtocolLog => HMF_HOP_SOURCE_PROTOCOL_LOG,
    MessageTrace => HMF_HOP_SOURCE_MESSAGE_TRACE,
});

/// How a hop was tied to its message (`hmf_hop.joined_by`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_join_key {
    HMF_JOINED_BY_MESSAGE_ID = 0,
    /// The InternalId a previous hop's `250 2.6.0` reply named.
    HMF_JOINED_BY_INTERNAL_ID = 1,
    HMF_JOINED_BY_NETWORK_MESSAGE_ID = 2,
    /// No id: the same sender, to or from the same place, at the time another hop names.
    HMF_JOINED_BY_TIME = 3,
}

from_core!(JoinKey => hmf_join_key {
    MessageId => HMF_JOINED_BY_MESSAGE_ID,
    InternalId => HMF_JOINED_BY_INTERNAL_ID,
    NetworkMessageId => HMF_JOINED_BY_NETWORK_MESSAGE_ID,
    Time => HMF_JOINED_BY_TIME,
});

/// What looks wrong in a timeline (`hmf_timeline_flag.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_flag_kind {
    HMF_FLAG_MISSING_HOP = 0,
    HMF_FLAG_SLOW_HOP = 1,
    HMF_FLAG_CLOCK_SKEW = 2,
}

from_core!(FlagKind => hmf_flag_kind {
    MissingHop => HMF_FLAG_MISSING_HOP,
    SlowHop => HMF_FLAG_SLOW_HOP,
    ClockSkew => HMF_FLAG_CLOCK_SKEW,
});

/// The kind of log an evidence file's lines come from (`hmf_evidence_file.kind`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_evidence_kind {
    HMF_EVIDENCE_TRACKING = 0,
    HMF_EVIDENCE_PROTOCOL = 1,
}

from_core!(EvidenceKind => hmf_evidence_kind {
    Tracking => HMF_EVIDENCE_TRACKING,
    Protocol => HMF_EVIDENCE_PROTOCOL,
});

/// Which Exchange Online export a trace event was read from (`hmf_trace_event.format`).
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_trace_format {
    /// Not known (an event made otherwise than by reading an export).
    HMF_TRACE_FORMAT_NONE = 0,
    /// Get-MessageTrace / Get-MessageTraceV2: one row per message and recipient.
    HMF_TRACE_FORMAT_MESSAGE_TRACE = 1,
    /// Get-MessageTraceDetail / Get-MessageTraceDetailV2: one row per event.
    HMF_TRACE_FORMAT_MESSAGE_TRACE_DETAIL = 2,
    /// The admin center's enhanced summary report.
    HMF_TRACE_FORMAT_ENHANCED_SUMMARY = 3,
    /// The admin center's extended report (message tracking rows of Exchange Online).
    HMF_TRACE_FORMAT_EXTENDED_REPORT = 4,
}

from_core!(TraceFormat => hmf_trace_format {
    Summary => HMF_TRACE_FORMAT_MESSAGE_TRACE,
    Detail => HMF_TRACE_FORMAT_MESSAGE_TRACE_DETAIL,
    EnhancedSummary => HMF_TRACE_FORMAT_ENHANCED_SUMMARY,
    Extended => HMF_TRACE_FORMAT_EXTENDED_REPORT,
});

/// What could not be read (`hmf_trace_issue.kind`): of an Exchange Online export, or of a log a trace read.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_trace_issue_kind {
    /// The file is not a message trace export.
    HMF_TRACE_ISSUE_NOT_A_TRACE = 0,
    /// A row has more fields than the header, or a quoted field never closes.
    HMF_TRACE_ISSUE_BAD_ROW = 1,
    /// A time that is not a time.
    HMF_TRACE_ISSUE_BAD_TIME = 2,
    /// A column's values were lost when the objects were exported (a warning: the row is read).
    HMF_TRACE_ISSUE_LOST_VALUES = 3,
    /// A message tracking or protocol log a trace read (`hmf_timeline_query_run`) could not be read.
    HMF_TRACE_ISSUE_BAD_LOG = 4,
}

from_core!(TraceIssueKind => hmf_trace_issue_kind {
    NotATrace => HMF_TRACE_ISSUE_NOT_A_TRACE,
    BadRow => HMF_TRACE_ISSUE_BAD_ROW,
    BadTime => HMF_TRACE_ISSUE_BAD_TIME,
    LostValues => HMF_TRACE_ISSUE_LOST_VALUES,
});

/// A kind of log: where an error text given to `hmf_diagnose` was found, as the knowledge base's rules name it, and
/// what a reader (`hmf_reader_new`) reads: protocol logs or message tracking logs.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_log_kind {
    HMF_LOG_KIND_UNKNOWN = 0,
    HMF_LOG_KIND_PROTOCOL_LOG = 1,
    HMF_LOG_KIND_MESSAGE_TRACKING = 2,
    HMF_LOG_KIND_QUEUE = 3,
    HMF_LOG_KIND_MESSAGE_TRACE = 4,
    HMF_LOG_KIND_NDR = 5,
}

abi_input!(hmf_log_kind {
    HMF_LOG_KIND_UNKNOWN,
    HMF_LOG_KIND_PROTOCOL_LOG,
    HMF_LOG_KIND_MESSAGE_TRACKING,
    HMF_LOG_KIND_QUEUE,
    HMF_LOG_KIND_MESSAGE_TRACE,
    HMF_LOG_KIND_NDR
});

#[cfg(test)]
mod tests {
    use super::*;

    /// The header's outcome numbers are the positions in `Outcome::ALL`, the order the module's `SmtpOutcome`
    /// follows (tests/outcome_names.rs), so all three layers agree on each number.
    #[test]
    fn outcome_numbers_are_positions_in_the_engines_list() {
        for (index, outcome) in Outcome::ALL.into_iter().enumerate() {
            assert_eq!(hmf_outcome::from(outcome) as usize, index, "{}", outcome.name());
        }
    }
}
