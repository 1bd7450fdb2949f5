//! Message tracking logs through the C ABI: a reader handle configured with paths and the filters of
//! `Get-MessageTrackingLog`, then read in batches (`hmf_batch`, items of kind HMF_ITEM_TRACKING_EVENT, errors and
//! file events). The reading thread reads, filters and diagnoses ahead, and builds each batch's views there, so
//! the caller's thread only copies them into its own objects.

use std::path::PathBuf;
use std::ptr;

use super::batch::*;
use super::diagnosis::{finding_views, hmf_finding};
use super::error::FfiError;
use super::reader::{hmf_stats, read_ahead, BatchSource, KindSetup};
use super::types::{hmf_status, hmf_str};
use crate::logfile::{catch_quietly, Batch, Item, LineError};
use crate::tracking::{
    parse_message_info, parse_recipient_status, InternalMessageId, MessageInfo, RecipientStatusParts, TrackingEvent,
    TrackingFilter, TrackingReader, TrackingRow, TrackingStats,
};

/// Tracking-log filter kinds (`hmf_reader_add_filter`), the parameters of Get-MessageTrackingLog. Append-only.
/// EVENT_ID, SOURCE and RECIPIENT take several values (any of them matches); the others one value each.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_tracking_filter {
    /// An event id (RECEIVE, SEND, FAIL, ...), without regard to case.
    HMF_TRACKING_FILTER_EVENT_ID = 1,
    /// A source (SMTP, STOREDRIVER, ...), without regard to case.
    HMF_TRACKING_FILTER_SOURCE = 2,
    /// The sender address, whole, without regard to case.
    HMF_TRACKING_FILTER_SENDER = 3,
    /// A recipient address, whole, without regard to case.
    HMF_TRACKING_FILTER_RECIPIENT = 4,
    /// Text found anywhere in the subject, without regard to case.
    HMF_TRACKING_FILTER_MESSAGE_SUBJECT = 5,
    /// The Message-ID, with or without its angle brackets.
    HMF_TRACKING_FILTER_MESSAGE_ID = 6,
    HMF_TRACKING_FILTER_INTERNAL_MESSAGE_ID = 7,
    HMF_TRACKING_FILTER_NETWORK_MESSAGE_ID = 8,
    /// The server whose events to return: the server a file's folder names, else each row's server-hostname. A short
    /// name matches the FQDN that starts with it.
    HMF_TRACKING_FILTER_SERVER = 9,
    /// A value of the reference field, whole, without regard to case; angle brackets optional.
    HMF_TRACKING_FILTER_REFERENCE = 10,
    /// The transport-traffic-type field, whole, without regard to case.
    HMF_TRACKING_FILTER_TRANSPORT_TRAFFIC_TYPE = 11,
}

pub use hmf_tracking_filter::*;
abi_input!(hmf_tracking_filter {
    HMF_TRACKING_FILTER_EVENT_ID,
    HMF_TRACKING_FILTER_SOURCE,
    HMF_TRACKING_FILTER_SENDER,
    HMF_TRACKING_FILTER_RECIPIENT,
    HMF_TRACKING_FILTER_MESSAGE_SUBJECT,
    HMF_TRACKING_FILTER_MESSAGE_ID,
    HMF_TRACKING_FILTER_INTERNAL_MESSAGE_ID,
    HMF_TRACKING_FILTER_NETWORK_MESSAGE_ID,
    HMF_TRACKING_FILTER_SERVER,
    HMF_TRACKING_FILTER_REFERENCE,
    HMF_TRACKING_FILTER_TRANSPORT_TRAFFIC_TYPE
});

/// One component of a message-info latency breakdown (`SRV=<server>:TOTAL-HUB=0.453|SMR=0.209(SMRDE=0.001|...)`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_latency_component {
    /// The server of the breakdown the component belongs to.
    pub server: hmf_str,
    /// 1 when the breakdown was written LSRV= (the local server) rather than SRV=.
    pub local: u32,
    /// 1 for the breakdown's TOTAL-<stage> component.
    pub total: u32,
    /// SMR, SMRC, TOTAL-HUB, ...
    pub name: hmf_str,
    /// The names from the top level down, joined by '/': SMR/SMRC/SMRCL.
    pub path: hmf_str,
    /// 0 at the top level, 1 inside one pair of parentheses, ...
    pub depth: u32,
    pub seconds: f64,
}

/// One message-tracking event: every field of the row, the parsed parts of the structured fields, and findings
/// for the events that report a failure. Empty fields are empty strings (or the stated "none" value).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_tracking_event {
    pub path: hmf_str,
    /// 1-based line of the row in its file.
    pub line: u64,
    /// date-time, milliseconds since the Unix epoch, UTC.
    pub timestamp_ms: i64,
    pub client_ip: hmf_str,
    pub client_hostname: hmf_str,
    pub server_ip: hmf_str,
    pub server_hostname: hmf_str,
    pub source_context: hmf_str,
    pub connector_id: hmf_str,
    pub source: hmf_str,
    pub event_id: hmf_str,
    /// INT64_MIN when the field is empty or not a number.
    pub internal_message_id: i64,
    pub message_id: hmf_str,
    pub network_message_id: hmf_str,
    /// recipient-address, one member per recipient.
    pub recipients: hmf_str_list,
    /// One status per recipient, in the same order.
    pub recipient_status: hmf_str_list,
    /// INT64_MIN when empty.
    pub total_bytes: i64,
    /// -1 when empty.
    pub recipient_count: i32,
    pub related_recipient_address: hmf_str,
    pub reference: hmf_str_list,
    pub message_subject: hmf_str,
    /// sender-address.
    pub sender: hmf_str,
    pub return_path: hmf_str,
    pub message_info: hmf_str,
    pub directionality: hmf_str,
    pub tenant_id: hmf_str,
    pub original_client_ip: hmf_str,
    pub original_server_ip: hmf_str,
    /// custom-data, one of each per item: the type tag (S, I32, Dt, F, Dbl; empty when none), key and value.
    pub event_data_types: hmf_str_list,
    pub event_data_keys: hmf_str_list,
    pub event_data_values: hmf_str_list,
    pub transport_traffic_type: hmf_str,
    pub log_id: hmf_str,
    pub schema_version: hmf_str,
    /// The file's #Version (the Exchange build that wrote it).
    pub log_version: hmf_str,
    /// The parts of each recipient status in the bracketed form [{LED=...};{MSG=...};{FQDN=...};{IP=...};{LRT=...}],
    /// one per recipient_status member (empty strings for plain members); all five lists are empty when no status
    /// is bracketed.
    pub status_led: hmf_str_list,
    pub status_msg: hmf_str_list,
    pub status_fqdn: hmf_str_list,
    pub status_ip: hmf_str_list,
    pub status_lrt: hmf_str_list,
    /// The origination time leading message-info, ms since the Unix epoch; INT64_MIN when there is none.
    pub origination_ms: i64,
    /// The latency breakdowns of message-info, flattened in the order written (each breakdown's total first).
    pub latency: *const hmf_latency_component,
    pub latency_count: usize,
    /// For FAIL, DEFER, DSN, DROP and the other failure events: the knowledge base's findings, best first for each
    /// text diagnosed; a DSN carries those of the failure it reports. None for other events.
    pub findings: *const hmf_finding,
    pub finding_count: usize,
    /// The text each finding explains (finding_count of them): a recipient status or the source context.
    pub finding_inputs: hmf_str_list,
}

/// What a message-tracking reader is configured with before it starts.
struct TrackingSetup {
    filter: TrackingFilter,
}

pub(super) fn setup() -> Box<dyn KindSetup> {
    Box::new(TrackingSetup {
        filter: TrackingFilter::default(),
    })
}

impl KindSetup for TrackingSetup {
    fn set_time_range(&mut self, start_ms: Option<i64>, end_ms: Option<i64>) {
        self.filter.start_ms = start_ms;
        self.filter.end_ms = end_ms;
    }

    fn add_filter(&mut self, kind: u32, value: &str) -> Result<(), FfiError> {
        let invalid = |what: String| FfiError::new(hmf_status::HMF_INVALID_ARGUMENT, what);
        if value.trim().is_empty() {
            return Err(invalid(format!("the value of filter kind {kind} is empty")));
        }
        let filter = &mut self.filter;
        let once = |slot: &mut Option<String>, name: &str| {
            if slot.is_some() {
                return Err(invalid(format!("{name} takes one value")));
            }
            *slot = Some(value.to_owned());
            Ok(())
        };
        match hmf_tracking_filter::from_abi(kind) {
            Some(HMF_TRACKING_FILTER_EVENT_ID) => filter.event_ids.push(value.to_owned()),
            Some(HMF_TRACKING_FILTER_SOURCE) => filter.sources.push(value.to_owned()),
            Some(HMF_TRACKING_FILTER_RECIPIENT) => filter.recipients.push(value.to_owned()),
            Some(HMF_TRACKING_FILTER_SENDER) => once(&mut filter.sender, "the sender filter")?,
            Some(HMF_TRACKING_FILTER_MESSAGE_SUBJECT) => {
                once(&mut filter.message_subject, "the message subject filter")?
            }
            Some(HMF_TRACKING_FILTER_MESSAGE_ID) => once(&mut filter.message_id, "the message id filter")?,
            Some(HMF_TRACKING_FILTER_INTERNAL_MESSAGE_ID) => {
                once(&mut filter.internal_message_id, "the internal message id filter")?
            }
            Some(HMF_TRACKING_FILTER_NETWORK_MESSAGE_ID) => {
                once(&mut filter.network_message_id, "the network message id filter")?
            }
            Some(HMF_TRACKING_FILTER_SERVER) => once(&mut filter.server, "the server filter")?,
            Some(HMF_TRACKING_FILTER_REFERENCE) => once(&mut filter.reference, "the reference filter")?,
            Some(HMF_TRACKING_FILTER_TRANSPORT_TRAFFIC_TYPE) => {
                once(&mut filter.transport_traffic_type, "the transport traffic type filter")?
            }
            None => return Err(invalid(format!("unknown filter kind {kind}"))),
        }
        Ok(())
    }

    fn set_result_size(&mut self, count: u64) -> Result<(), FfiError> {
        self.filter.result_size = Some(count);
        Ok(())
    }

    fn start(self: Box<Self>, paths: Vec<PathBuf>, default_server: String, max: usize) -> Box<dyn BatchSource> {
        let mut reader = TrackingReader::new(paths, self.filter);
        if !default_server.is_empty() {
            reader = reader.default_server(&default_server);
        }
        Box::new(read_ahead(reader, max, build_batch))
    }
}

impl From<TrackingStats> for hmf_stats {
    fn from(s: TrackingStats) -> hmf_stats {
        hmf_stats {
            files: s.files,
            files_skipped_by_time: s.files_skipped_by_time,
            files_skipped_by_server: s.files_skipped_by_server,
            files_refused: s.files_refused,
            bytes: s.bytes,
            lines: s.lines,
            skipped_lines: s.skipped_lines,
            truncated_lines: s.truncated_lines,
            rows: s.events,
            sessions: 0,
        }
    }
}

/// The structured fields of one event, parsed: the views of its latency and status parts point into these.
struct Parsed {
    info: MessageInfo,
    statuses: Vec<Option<RecipientStatusParts>>,
}

/// What the views of a tracking batch point into, besides its arena. The vectors get their exact capacity
/// before any view is taken, so they never reallocate.
struct TrackingRecords {
    batch: Batch<TrackingReader>,
    parsed: Vec<Parsed>,
    views: Vec<hmf_tracking_event>,
    lists: Vec<hmf_str>,
    latency: Vec<hmf_latency_component>,
    findings: Vec<hmf_finding>,
}

/// Appends `items` to `lists` (sized beforehand) and returns the view of the appended run.
fn push_list(lists: &mut Vec<hmf_str>, items: impl IntoIterator<Item = hmf_str>) -> hmf_str_list {
    let start = lists.len();
    for item in items {
        assert!(lists.len() < lists.capacity(), "list storage sized beforehand");
        lists.push(item);
    }
    let len = lists.len() - start;
    if len == 0 {
        return hmf_str_list {
            items: ptr::null(),
            len: 0,
        };
    }
    // SAFETY: `start` is within the vector, which never reallocates (see the assert).
    hmf_str_list {
        items: unsafe { lists.as_ptr().add(start) },
        len,
    }
}

/// Views of equal strings share one pointer within a batch, so that a caller decoding strings once per pointer
/// (the C# layer) decodes a server name, event id or address once per batch rather than once per event.
#[derive(Default)]
struct Interner<'a> {
    seen: hashbrown::HashMap<&'a str, hmf_str>,
}

impl<'a> Interner<'a> {
    fn get(&mut self, s: &'a str) -> hmf_str {
        if s.is_empty() {
            return hmf_str::EMPTY;
        }
        *self.seen.entry(s).or_insert_with(|| hmf_str::borrow(s))
    }
}

fn build_batch(batch: Batch<TrackingReader>) -> hmf_batch {
    let events = || {
        batch.items.iter().filter_map(|item| match item {
            Item::Row(row) => Some(row),
            _ => None,
        })
    };
    // A panic parsing an event's fields costs those fields: the event goes without them, with an error naming its
    // file and line (`lost`), given just before it.
    let mut lost: Vec<Option<LineError>> = Vec::new();
    let parsed: Vec<Parsed> = events()
        .map(|row| {
            let e = &row.event;
            let parse = || {
                crate::logfile::panic_if_asked(&e.message_subject, "fields");
                Parsed {
                    info: parse_message_info(&e.message_info),
                    statuses: e.recipient_status.iter().map(|s| parse_recipient_status(s)).collect(),
                }
            };
            let (parsed, error) = match catch_quietly(parse) {
                Ok(parsed) => (parsed, None),
                Err(panic) => (
                    Parsed {
                        info: MessageInfo::default(),
                        statuses: vec![None; e.recipient_status.len()],
                    },
                    Some(LineError::fields_lost(e.path.clone(), e.line, &panic)),
                ),
            };
            lost.push(error);
            parsed
        })
        .collect();
    let n_lost = lost.iter().flatten().count();
    let mut lists_len = 0;
    let mut latency_len = 0;
    let mut findings_len = 0;
    for (row, p) in events().zip(&parsed) {
        let e = &row.event;
        let status_parts = if p.statuses.iter().any(Option::is_some) {
            5 * e.recipient_status.len()
        } else {
            0
        };
        lists_len +=
            e.recipients.len() + e.recipient_status.len() + e.reference.len() + 3 * e.event_data.len() + status_parts;
        latency_len += p
            .info
            .breakdowns
            .iter()
            .map(|b| b.components.len() + usize::from(b.total.is_some()))
            .sum::<usize>();
    }
    for row in events() {
        let n: usize = row.diagnosis.iter().map(|d| d.findings.len()).sum();
        findings_len += n;
        lists_len += n;
    }
    let n_events = parsed.len();
    let (n_errors, n_files) = notice_counts(&batch.items);
    let state = batch.end.into();
    let mut b = hmf_batch::with_capacity(batch.items.len() + n_lost, n_errors + n_lost, n_files, state);
    let mut records = Box::new(TrackingRecords {
        batch,
        parsed,
        views: Vec::with_capacity(n_events),
        lists: Vec::with_capacity(lists_len),
        latency: Vec::with_capacity(latency_len),
        findings: Vec::with_capacity(findings_len),
    });
    {
        let TrackingRecords {
            batch,
            parsed,
            views,
            lists,
            latency,
            findings,
        } = &mut *records;
        let mut strings = Interner::default();
        let mut parsed = parsed.iter();
        let mut lost = lost.into_iter();
        for item in &batch.items {
            match item {
                Item::Row(TrackingRow { event, diagnosis }) => {
                    let p = parsed.next().expect("one parse per event");
                    if let Some(error) = lost.next().expect("one parse per event") {
                        b.push_error(error.into());
                    }
                    let view = event_view(
                        &mut b.arena,
                        &mut strings,
                        lists,
                        latency,
                        findings,
                        event,
                        p,
                        diagnosis,
                    );
                    views.push(view);
                    b.items.push(hmf_item {
                        tracking_event: views.last().expect("pushed"),
                        ..hmf_item::empty(HMF_ITEM_TRACKING_EVENT)
                    });
                }
                notice => b.push_notice(notice),
            }
        }
    }
    b.records = records;
    b
}

#[allow(clippy::too_many_arguments)]
fn event_view<'a>(
    arena: &mut Arena,
    strings: &mut Interner<'a>,
    lists: &mut Vec<hmf_str>,
    latency: &mut Vec<hmf_latency_component>,
    findings: &mut Vec<hmf_finding>,
    e: &'a TrackingEvent,
    p: &'a Parsed,
    diagnosis: &'a [crate::tracking::DiagnosedText],
) -> hmf_tracking_event {
    let bracketed = p.statuses.iter().any(Option::is_some);
    let part = |field: fn(&RecipientStatusParts) -> &str, strings: &mut Interner<'a>, lists: &mut Vec<hmf_str>| {
        if !bracketed {
            return hmf_str_list {
                items: ptr::null(),
                len: 0,
            };
        }
        push_list(
            lists,
            p.statuses
                .iter()
                .map(|s| s.as_ref().map_or(hmf_str::EMPTY, |s| strings.get(field(s)))),
        )
    };
    let status_led = part(|s| &s.led, strings, lists);
    let status_msg = part(|s| &s.msg, strings, lists);
    let status_fqdn = part(|s| &s.fqdn, strings, lists);
    let status_ip = part(|s| &s.ip, strings, lists);
    let status_lrt = part(|s| &s.lrt, strings, lists);

    let latency_start = latency.len();
    for breakdown in &p.info.breakdowns {
        for (component, total) in breakdown
            .total
            .iter()
            .map(|c| (c, true))
            .chain(breakdown.components.iter().map(|c| (c, false)))
        {
            assert!(latency.len() < latency.capacity(), "latency storage sized beforehand");
            latency.push(hmf_latency_component {
                server: strings.get(&breakdown.server),
                local: u32::from(breakdown.local),
                total: u32::from(total),
                name: strings.get(&component.name),
                path: strings.get(&component.path),
                depth: u32::try_from(component.depth).unwrap_or(u32::MAX),
                seconds: component.seconds,
            });
        }
    }
    let latency_count = latency.len() - latency_start;

    let findings_start = findings.len();
    let mut inputs = Vec::new();
    for diagnosed in diagnosis {
        for view in finding_views(arena, &diagnosed.findings).iter() {
            assert!(findings.len() < findings.capacity(), "finding storage sized beforehand");
            findings.push(*view);
            inputs.push(strings.get(&diagnosed.text));
        }
    }
    let finding_count = findings.len() - findings_start;

    hmf_tracking_event {
        path: strings.get(&e.path),
        line: e.line,
        timestamp_ms: e.timestamp_ms,
        client_ip: strings.get(&e.client_ip),
        client_hostname: strings.get(&e.client_hostname),
        server_ip: strings.get(&e.server_ip),
        server_hostname: strings.get(&e.server_hostname),
        // Unique to each event: interning would only cost.
        source_context: hmf_str::borrow(&e.source_context),
        connector_id: strings.get(&e.connector_id),
        source: strings.get(&e.source),
        event_id: strings.get(&e.event_id),
        internal_message_id: match e.internal_message_id {
            InternalMessageId::Number(n) => n,
            InternalMessageId::None | InternalMessageId::Text(_) => i64::MIN,
        },
        message_id: strings.get(&e.message_id),
        network_message_id: strings.get(&e.network_message_id),
        recipients: push_list(lists, e.recipients.iter().map(|s| strings.get(s))),
        recipient_status: push_list(lists, e.recipient_status.iter().map(|s| strings.get(s))),
        total_bytes: e.total_bytes.unwrap_or(i64::MIN),
        recipient_count: e.recipient_count.unwrap_or(-1),
        related_recipient_address: strings.get(&e.related_recipient_address),
        reference: push_list(lists, e.reference.iter().map(|s| strings.get(s))),
        message_subject: strings.get(&e.message_subject),
        sender: strings.get(&e.sender),
        return_path: strings.get(&e.return_path),
        message_info: hmf_str::borrow(&e.message_info),
        directionality: strings.get(&e.directionality),
        tenant_id: strings.get(&e.tenant_id),
        original_client_ip: strings.get(&e.original_client_ip),
        original_server_ip: strings.get(&e.original_server_ip),
        event_data_types: push_list(lists, e.event_data.iter().map(|d| strings.get(&d.type_tag))),
        event_data_keys: push_list(lists, e.event_data.iter().map(|d| strings.get(&d.key))),
        event_data_values: push_list(lists, e.event_data.iter().map(|d| strings.get(&d.value))),
        transport_traffic_type: strings.get(&e.transport_traffic_type),
        log_id: hmf_str::borrow(&e.log_id),
        schema_version: strings.get(&e.schema_version),
        log_version: e.log_version.as_deref().map_or(hmf_str::EMPTY, |v| strings.get(v)),
        status_led,
        status_msg,
        status_fqdn,
        status_ip,
        status_lrt,
        origination_ms: p.info.origination_ms.unwrap_or(i64::MIN),
        // SAFETY: the offsets are within the vectors, which never reallocate (see the asserts).
        latency: if latency_count == 0 {
            ptr::null()
        } else {
            unsafe { latency.as_ptr().add(latency_start) }
        },
        latency_count,
        findings: if finding_count == 0 {
            ptr::null()
        } else {
            unsafe { findings.as_ptr().add(findings_start) }
        },
        finding_count,
        finding_inputs: push_list(lists, inputs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_panic_parsing_an_events_fields_costs_those_fields_and_names_the_line() {
        let lab = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tracking/CMHYBD01/MessageTracking");
        let text = std::fs::read_to_string(lab.join("MSGTRK2026050106-1.LOG")).unwrap();
        let mut lines: Vec<String> = text.split("\r\n").map(str::to_owned).collect();
        lines[6] = lines[6].replacen("Hybrid mail flow test", "Hybrid mail flow test <hmf-panic:fields>", 1);
        assert!(lines[6].contains("<hmf-panic:fields>"), "line 7 has the lab's subject");
        let events_in_file = lines
            .iter()
            .filter(|l| !l.is_empty() && !l.starts_with(['#', '\u{feff}']))
            .count();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("MSGTRK2026050106-1.LOG");
        std::fs::write(&path, lines.join("\r\n")).unwrap();

        let reader = TrackingReader::new(vec![path.clone()], TrackingFilter::default());
        let mut prefetcher = read_ahead(reader, 256, build_batch);
        let (mut events, mut errors) = (Vec::new(), Vec::new());
        while let Some((BuiltBatch(batch), _)) = prefetcher.next() {
            for item in batch.items.iter() {
                // SAFETY (test): the views point into `batch`, alive in this loop.
                unsafe {
                    match item.kind {
                        HMF_ITEM_TRACKING_EVENT => events.push((*item.tracking_event).line),
                        HMF_ITEM_ERROR => {
                            let e = &*item.error;
                            errors.push((
                                e.line,
                                String::from_utf8_lossy(e.message.as_bytes().unwrap()).into_owned(),
                            ));
                        }
                        _ => {}
                    }
                }
            }
        }
        assert_eq!(events.len(), events_in_file, "every event is still given");
        assert!(events.contains(&7));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, 7);
        assert!(
            errors[0].1.contains("given without its parsed message-info"),
            "{}",
            errors[0].1
        );
    }
}
