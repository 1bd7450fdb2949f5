//! SMTP protocol logs (SmtpReceive / SmtpSend of FrontEnd, Hub, Edge and Mailbox transport): lines, and the
//! sessions rebuilt from them.

mod entry;
mod prefetch;
mod reader;
mod session;
mod split;
mod tls;

pub use entry::{Direction, EventKind, LineView, LogEntry, ProtocolColumns, Role};
pub use prefetch::ParallelReader;
pub(crate) use reader::protocol_logs_under;
pub use reader::{
    parse_raw_lines, ProtocolFilter, ProtocolItem, ProtocolReader, ProtocolRow, ProtocolStats, ReadMode,
    STANDARD_FIELDS,
};
pub use session::{AuthResult, LineOrigin, LineRef, MessageInfo, Outcome, Session, SessionBuilder, TlsMode};
pub use tls::{Certificate, TlsInfo};
