//! Message tracking logs (MSGTRK, MSGTRKMA, MSGTRKMD, MSGTRKMS) of Exchange 2010 to 2019, read as the events
//! `Get-MessageTrackingLog` returns, with its filters applied to raw rows before any event is built.
//!
//! - [`TrackingReader`]: many files or folders as one time-ordered stream, skipping files outside the time range
//!   by name and `#Date`; [`TrackingFileReader`] reads one file from any byte source.
//! - [`TrackingFilter`] and [`file_may_match`]: the `Get-MessageTrackingLog` parameters.
//! - Parsers of the structured fields: [`split_multi_value`], [`parse_event_data`], [`parse_message_info`],
//!   [`parse_source_context`], [`parse_recipient_status`].
//! - [`TrackingDiagnoser`]: the knowledge base's findings for FAIL, DEFER, DSN and the other failure events.
//! - [`TrackingRow`]: an event with its findings, as [`crate::logfile::Prefetcher`] reads ahead of the caller on a
//!   second thread, in batches whose event buffers are recycled.

mod diagnose;
mod event;
mod file;
mod filter;
mod message_info;
mod reader;
mod recipient_status;
mod row;
mod source_context;
mod values;

pub use diagnose::{DiagnosedText, TrackingDiagnoser};
pub use event::{InternalMessageId, TrackingEvent};
pub use file::{TrackingFileReader, TRACKING_LOG_TYPE};
pub use filter::{file_may_match, host_matches, TrackingFilter};
pub use message_info::{parse_message_info, LatencyBreakdown, LatencyComponent, MessageInfo};
pub(crate) use reader::tracking_logs_under;
pub use reader::{server_from_path, TrackingReader, TrackingStats};
pub use recipient_status::{parse_recipient_status, RecipientStatusParts};
pub use row::{TrackingItem, TrackingRow};
pub use source_context::{parse_source_context, SmtpReplyContext, SourceContext};
pub use values::{parse_event_data, split_multi_value, EventDataItem, EventDataValue, MultiValues};

/// The `#Fields` line of Exchange 2016 CU and 2019 message tracking logs, the widest schema this reader knows.
pub const TRACKING_FIELDS_2019: &str = "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,transport-traffic-type,log-id,schema-version";
