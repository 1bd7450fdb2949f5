//! The engine's enumerations as values of the ABI: a `#[repr(u32)]` enum each, written to the header by
//! cbindgen and mirrored once in C# (`[AbiEnum]`), so that a record carries a number the compiler checks on both
//! sides, not a name each side spells. Numbers are append-only. Each conversion from the engine's enum is an
//! exhaustive match: a variant added to the engine does not compile until it has its number here.

use crate::config::queue::QueueKind;
use crate::diagnosis::Severity;
use crate::net::AddressClass;
use crate::protocol::{AuthResult, Outcome, Role, TlsMode};

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
