//! One message-tracking event with the properties of `Get-MessageTrackingLog`, and the column map that reads it
//! from a row whatever the file's `#Fields:` (26 fields in Exchange 2010, 27 in 2013, 30 in 2016/2019).

use std::sync::Arc;

use super::message_info::{parse_message_info, MessageInfo};
use super::recipient_status::{parse_recipient_status, RecipientStatusParts};
use super::source_context::{parse_source_context, SourceContext};
use super::values::{fill_event_data, fill_multi_value, set, EventDataItem};
use crate::logfile::{LogHeader, Record};

/// `internal-message-id`: a per-server integer, kept as text when a file holds something else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum InternalMessageId {
    #[default]
    None,
    Number(i64),
    Text(String),
}

impl InternalMessageId {
    fn read(field: &str) -> InternalMessageId {
        if field.is_empty() {
            InternalMessageId::None
        } else {
            field
                .parse()
                .map_or_else(|_| InternalMessageId::Text(field.to_owned()), InternalMessageId::Number)
        }
    }
}

/// A tracking event. Field names follow the `Get-MessageTrackingLog` properties; fields a file's version does
/// not write are empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackingEvent {
    /// `date-time`, milliseconds since the Unix epoch, UTC.
    pub timestamp_ms: i64,
    pub client_ip: String,
    pub client_hostname: String,
    pub server_ip: String,
    pub server_hostname: String,
    pub source_context: String,
    pub connector_id: String,
    pub source: String,
    pub event_id: String,
    pub internal_message_id: InternalMessageId,
    pub message_id: String,
    pub network_message_id: String,
    /// `recipient-address`.
    pub recipients: Vec<String>,
    /// One per recipient, in the same order.
    pub recipient_status: Vec<String>,
    pub total_bytes: Option<i64>,
    pub recipient_count: Option<i32>,
    pub related_recipient_address: String,
    pub reference: Vec<String>,
    pub message_subject: String,
    /// `sender-address`.
    pub sender: String,
    pub return_path: String,
    pub message_info: String,
    pub directionality: String,
    pub tenant_id: String,
    pub original_client_ip: String,
    pub original_server_ip: String,
    /// `custom-data`.
    pub event_data: Vec<EventDataItem>,
    pub transport_traffic_type: String,
    pub log_id: String,
    pub schema_version: String,
    pub path: Arc<str>,
    /// 1-based line of the row in its file.
    pub line: u64,
    /// The file's `#Version` (the Exchange build that wrote it).
    pub log_version: Option<Arc<str>>,
}

impl TrackingEvent {
    pub fn parsed_message_info(&self) -> MessageInfo {
        parse_message_info(&self.message_info)
    }

    pub fn parsed_source_context(&self) -> SourceContext {
        parse_source_context(&self.source_context)
    }

    /// The parts of each recipient status, in recipient order; `None` for plain statuses.
    pub fn recipient_status_parts(&self) -> impl Iterator<Item = Option<RecipientStatusParts>> + '_ {
        self.recipient_status.iter().map(|s| parse_recipient_status(s))
    }

    /// The value of the custom-data item with this key (keys compared without regard to case).
    pub fn event_data_value(&self, key: &str) -> Option<&str> {
        self.event_data
            .iter()
            .find(|item| item.key.eq_ignore_ascii_case(key))
            .map(|item| item.value.as_str())
    }
}

/// Where each known field is in a file's rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    pub date_time: Option<usize>,
    pub client_ip: Option<usize>,
    pub client_hostname: Option<usize>,
    pub server_ip: Option<usize>,
    pub server_hostname: Option<usize>,
    pub source_context: Option<usize>,
    pub connector_id: Option<usize>,
    pub source: Option<usize>,
    pub event_id: Option<usize>,
    pub internal_message_id: Option<usize>,
    pub message_id: Option<usize>,
    pub network_message_id: Option<usize>,
    pub recipient_address: Option<usize>,
    pub recipient_status: Option<usize>,
    pub total_bytes: Option<usize>,
    pub recipient_count: Option<usize>,
    pub related_recipient_address: Option<usize>,
    pub reference: Option<usize>,
    pub message_subject: Option<usize>,
    pub sender_address: Option<usize>,
    pub return_path: Option<usize>,
    pub message_info: Option<usize>,
    pub directionality: Option<usize>,
    pub tenant_id: Option<usize>,
    pub original_client_ip: Option<usize>,
    pub original_server_ip: Option<usize>,
    pub custom_data: Option<usize>,
    pub transport_traffic_type: Option<usize>,
    pub log_id: Option<usize>,
    pub schema_version: Option<usize>,
}

impl Columns {
    /// Maps the `#Fields:` names; unknown names are ignored, and a repeated name keeps its first column.
    pub fn from_header(header: &LogHeader) -> Columns {
        let mut c = Columns::default();
        for (i, name) in header.fields.iter().enumerate() {
            let slot = match name.to_ascii_lowercase().as_str() {
                "date-time" => &mut c.date_time,
                "client-ip" => &mut c.client_ip,
                "client-hostname" => &mut c.client_hostname,
                "server-ip" => &mut c.server_ip,
                "server-hostname" => &mut c.server_hostname,
                "source-context" => &mut c.source_context,
                "connector-id" => &mut c.connector_id,
                "source" => &mut c.source,
                "event-id" => &mut c.event_id,
                "internal-message-id" => &mut c.internal_message_id,
                "message-id" => &mut c.message_id,
                "network-message-id" => &mut c.network_message_id,
                "recipient-address" => &mut c.recipient_address,
                "recipient-status" => &mut c.recipient_status,
                "total-bytes" => &mut c.total_bytes,
                "recipient-count" => &mut c.recipient_count,
                "related-recipient-address" => &mut c.related_recipient_address,
                "reference" => &mut c.reference,
                "message-subject" => &mut c.message_subject,
                "sender-address" => &mut c.sender_address,
                "return-path" => &mut c.return_path,
                "message-info" => &mut c.message_info,
                "directionality" => &mut c.directionality,
                "tenant-id" => &mut c.tenant_id,
                "original-client-ip" => &mut c.original_client_ip,
                "original-server-ip" => &mut c.original_server_ip,
                "custom-data" => &mut c.custom_data,
                "transport-traffic-type" => &mut c.transport_traffic_type,
                "log-id" => &mut c.log_id,
                "schema-version" => &mut c.schema_version,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(i);
            }
        }
        c
    }
}

/// Field `column` of `record`, `""` for a column the file does not have.
pub(crate) fn field(record: &Record, column: Option<usize>) -> &str {
    column.map_or("", |i| record.get(i))
}

/// The numbers of a row, read (and checked) before the row is accepted.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RowNumbers {
    pub timestamp_ms: i64,
    pub total_bytes: Option<i64>,
    pub recipient_count: Option<i32>,
}

/// Fills `event` from `record`, reusing its buffers: a reader hands out one event after another without
/// allocating once the buffers have grown.
pub(crate) fn fill_event(event: &mut TrackingEvent, columns: &Columns, record: &Record, numbers: RowNumbers) {
    let f = |column: Option<usize>| field(record, column);
    event.timestamp_ms = numbers.timestamp_ms;
    set(&mut event.client_ip, f(columns.client_ip));
    set(&mut event.client_hostname, f(columns.client_hostname));
    set(&mut event.server_ip, f(columns.server_ip));
    set(&mut event.server_hostname, f(columns.server_hostname));
    set(&mut event.source_context, f(columns.source_context));
    set(&mut event.connector_id, f(columns.connector_id));
    set(&mut event.source, f(columns.source));
    set(&mut event.event_id, f(columns.event_id));
    event.internal_message_id = InternalMessageId::read(f(columns.internal_message_id));
    set(&mut event.message_id, f(columns.message_id));
    set(&mut event.network_message_id, f(columns.network_message_id));
    fill_multi_value(&mut event.recipients, f(columns.recipient_address));
    fill_multi_value(&mut event.recipient_status, f(columns.recipient_status));
    event.total_bytes = numbers.total_bytes;
    event.recipient_count = numbers.recipient_count;
    set(
        &mut event.related_recipient_address,
        f(columns.related_recipient_address),
    );
    fill_multi_value(&mut event.reference, f(columns.reference));
    set(&mut event.message_subject, f(columns.message_subject));
    set(&mut event.sender, f(columns.sender_address));
    set(&mut event.return_path, f(columns.return_path));
    set(&mut event.message_info, f(columns.message_info));
    set(&mut event.directionality, f(columns.directionality));
    set(&mut event.tenant_id, f(columns.tenant_id));
    set(&mut event.original_client_ip, f(columns.original_client_ip));
    set(&mut event.original_server_ip, f(columns.original_server_ip));
    fill_event_data(&mut event.event_data, f(columns.custom_data));
    set(&mut event.transport_traffic_type, f(columns.transport_traffic_type));
    set(&mut event.log_id, f(columns.log_id));
    set(&mut event.schema_version, f(columns.schema_version));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_message_id_is_a_number_when_it_reads_as_one() {
        let cases: &[(&str, InternalMessageId)] = &[
            ("", InternalMessageId::None),
            ("73014444033", InternalMessageId::Number(73_014_444_033)),
            ("-1", InternalMessageId::Number(-1)),
            ("EX13D13UWB004", InternalMessageId::Text("EX13D13UWB004".into())),
            (
                "99999999999999999999",
                InternalMessageId::Text("99999999999999999999".into()),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(InternalMessageId::read(text), *want, "{text}");
        }
    }

    #[test]
    fn columns_come_from_the_fields_header_by_name() {
        let header = LogHeader {
            fields: ["event-id", "DATE-TIME", "x-unknown", "sender-address", "event-id"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            ..LogHeader::default()
        };
        let c = Columns::from_header(&header);
        assert_eq!(
            (c.event_id, c.date_time, c.sender_address, c.network_message_id),
            (Some(0), Some(1), Some(3), None)
        );
    }
}
