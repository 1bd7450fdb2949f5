//! The parameters of `Get-MessageTrackingLog`, applied to the raw fields of a row before any event is built,
//! and to whole files by their name and `#Date` before their rows are read.

use super::event::{field, Columns};
use crate::logfile::{LogFileName, Record};

/// Rows written this long after the hour a file name says can still be in that file, and rows this long before
/// it in the next one: Exchange buffers tracking rows and rolls to a new file on the first write after the hour.
const FILE_SLACK_MS: i64 = 15 * 60_000;

/// What to return. Every condition set must hold; an empty list or `None` does not restrict.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrackingFilter {
    /// Events at or after this time (ms since the Unix epoch, UTC).
    pub start_ms: Option<i64>,
    /// Events before this time: up to, but not including it, as Exchange documents `-End`.
    pub end_ms: Option<i64>,
    /// Any of these event ids, without regard to case.
    pub event_ids: Vec<String>,
    /// Any of these sources, without regard to case.
    pub sources: Vec<String>,
    /// The sender address, whole, without regard to case.
    pub sender: Option<String>,
    /// Events with any of these recipients, each compared whole, without regard to case.
    pub recipients: Vec<String>,
    /// Text found anywhere in the subject, without regard to case.
    pub message_subject: Option<String>,
    /// The message-id, with or without its angle brackets.
    pub message_id: Option<String>,
    pub internal_message_id: Option<String>,
    /// The NetworkMessageId, a GUID: in any of its written forms (with or without dashes or braces), without
    /// regard to case.
    pub network_message_id: Option<String>,
    /// A value of the reference field (a DSN's is the message-id of the message it reports): any of its values,
    /// whole, without regard to case, angle brackets optional.
    pub reference: Option<String>,
    /// The transport-traffic-type field, whole, without regard to case.
    pub transport_traffic_type: Option<String>,
    /// The server whose events to return: the server a file comes from when known, else the row's
    /// server-hostname. A short name matches the FQDN that starts with it.
    pub server: Option<String>,
    /// At most this many events.
    pub result_size: Option<u64>,
}

/// Whether a file can hold events in the filter's time range, judged by its name (`MSGTRK2026050106-1.LOG`,
/// a path is fine too) and its header's `#Date` when known. A file neither tells about is read.
pub fn file_may_match(path_name: &str, header_date_ms: Option<i64>, filter: &TrackingFilter) -> bool {
    if filter.start_ms.is_none() && filter.end_ms.is_none() {
        return true;
    }
    let file_name = path_name.rsplit(['/', '\\']).next().unwrap_or(path_name);
    if let Some(name) = LogFileName::parse(file_name) {
        if filter
            .start_ms
            .is_some_and(|start| name.end_ms() + FILE_SLACK_MS <= start)
        {
            return false;
        }
        if filter.end_ms.is_some_and(|end| name.start_ms - FILE_SLACK_MS > end) {
            return false;
        }
    }
    // `#Date` is when the file was started: no row in it is much older.
    !matches!((header_date_ms, filter.end_ms), (Some(date), Some(end)) if date - FILE_SLACK_MS > end)
}

/// Whether `host` names the server `wanted`: the same name, or one is the short name the other FQDN starts with.
pub fn host_matches(wanted: &str, host: &str) -> bool {
    let wanted = wanted.trim();
    let host = host.trim();
    if wanted.is_empty() || host.is_empty() {
        return false;
    }
    if wanted.eq_ignore_ascii_case(host) {
        return true;
    }
    fn first_label(name: &str) -> &str {
        name.split('.').next().unwrap_or(name)
    }
    (!wanted.contains('.') && first_label(host).eq_ignore_ascii_case(wanted))
        || (!host.contains('.') && first_label(wanted).eq_ignore_ascii_case(host))
}

/// A text to compare without regard to case, prepared once.
#[derive(Debug, Clone)]
struct Needle {
    text: String,
    lower: String,
    ascii: bool,
}

impl Needle {
    fn new(text: &str) -> Needle {
        let text = text.trim();
        Needle {
            text: text.to_owned(),
            lower: text.to_lowercase(),
            ascii: text.is_ascii(),
        }
    }

    fn equals(&self, candidate: &str) -> bool {
        if self.ascii {
            candidate.len() == self.text.len() && candidate.eq_ignore_ascii_case(&self.text)
        } else {
            candidate.chars().flat_map(char::to_lowercase).eq(self.lower.chars())
        }
    }

    fn found_in(&self, haystack: &str) -> bool {
        if self.ascii {
            contains_ascii_ignore_case(haystack.as_bytes(), self.lower.as_bytes())
        } else {
            haystack.to_lowercase().contains(&self.lower)
        }
    }
}

/// `needle_lower` (ASCII, lower case) anywhere in `haystack`, ASCII letters compared without regard to case.
fn contains_ascii_ignore_case(haystack: &[u8], needle_lower: &[u8]) -> bool {
    let Some(&first) = needle_lower.first() else {
        return true;
    };
    if haystack.len() < needle_lower.len() {
        return false;
    }
    let last_start = haystack.len() - needle_lower.len();
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), &haystack[..=last_start])
        .any(|i| haystack[i..i + needle_lower.len()].eq_ignore_ascii_case(needle_lower))
}

fn strip_angle_brackets(id: &str) -> &str {
    let id = id.trim();
    id.strip_prefix('<').and_then(|s| s.strip_suffix('>')).unwrap_or(id)
}

/// The 32 hex digits of a GUID written with or without dashes and braces, in lower case; `None` for anything else.
fn guid_digits(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    let text = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or(text);
    let mut digits = [0u8; 32];
    let mut count = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'-' && text.len() == 36 && matches!(i, 8 | 13 | 18 | 23) {
            continue;
        }
        if !b.is_ascii_hexdigit() || count == 32 {
            return None;
        }
        digits[count] = b.to_ascii_lowercase();
        count += 1;
    }
    (count == 32).then_some(digits)
}

/// A NetworkMessageId filter: the GUID's digits when the value is one, else the text.
#[derive(Debug, Clone)]
enum NetworkId {
    Guid([u8; 32]),
    Text(Needle),
}

impl NetworkId {
    fn new(text: &str) -> NetworkId {
        guid_digits(text).map_or_else(|| NetworkId::Text(Needle::new(text)), NetworkId::Guid)
    }

    fn matches(&self, field: &str) -> bool {
        match self {
            NetworkId::Guid(wanted) => guid_digits(field).is_some_and(|found| &found == wanted),
            NetworkId::Text(needle) => needle.equals(field),
        }
    }
}

/// A [`TrackingFilter`] prepared for checking rows.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    filter: TrackingFilter,
    sender: Option<Needle>,
    recipients: Vec<Needle>,
    subject: Option<Needle>,
    message_id: Option<Needle>,
    network_message_id: Option<NetworkId>,
    internal_message_id: Option<String>,
    reference: Option<Needle>,
    transport_traffic_type: Option<Needle>,
}

impl Matcher {
    pub fn new(filter: &TrackingFilter) -> Matcher {
        Matcher {
            sender: filter.sender.as_deref().map(Needle::new),
            recipients: filter.recipients.iter().map(|r| Needle::new(r)).collect(),
            subject: filter.message_subject.as_deref().map(Needle::new),
            message_id: filter
                .message_id
                .as_deref()
                .map(|id| Needle::new(strip_angle_brackets(id))),
            network_message_id: filter.network_message_id.as_deref().map(NetworkId::new),
            reference: filter
                .reference
                .as_deref()
                .map(|id| Needle::new(strip_angle_brackets(id))),
            transport_traffic_type: filter.transport_traffic_type.as_deref().map(Needle::new),
            internal_message_id: filter.internal_message_id.as_deref().map(|id| id.trim().to_owned()),
            filter: filter.clone(),
        }
    }

    pub fn filter(&self) -> &TrackingFilter {
        &self.filter
    }

    /// For a file whose server is known: whether its events are the requested server's.
    pub fn server_ok(&self, file_server: &str) -> bool {
        self.filter
            .server
            .as_deref()
            .is_none_or(|wanted| host_matches(wanted, file_server))
    }

    /// The row checks, cheapest first. `check_server` is false when the file's server has already been matched.
    pub fn row_ok(&self, columns: &Columns, record: &Record, time_ms: i64, check_server: bool) -> bool {
        let f = &self.filter;
        if f.start_ms.is_some_and(|s| time_ms < s) || f.end_ms.is_some_and(|e| time_ms >= e) {
            return false;
        }
        if !f.event_ids.is_empty() {
            let event_id = field(record, columns.event_id);
            if !f.event_ids.iter().any(|e| e.trim().eq_ignore_ascii_case(event_id)) {
                return false;
            }
        }
        if !f.sources.is_empty() {
            let source = field(record, columns.source);
            if !f.sources.iter().any(|s| s.trim().eq_ignore_ascii_case(source)) {
                return false;
            }
        }
        if let Some(sender) = &self.sender {
            if !sender.equals(field(record, columns.sender_address)) {
                return false;
            }
        }
        if let Some(id) = &self.message_id {
            if !id.equals(strip_angle_brackets(field(record, columns.message_id))) {
                return false;
            }
        }
        if let Some(id) = &self.network_message_id {
            if !id.matches(field(record, columns.network_message_id)) {
                return false;
            }
        }
        if let Some(kind) = &self.transport_traffic_type {
            if !kind.equals(field(record, columns.transport_traffic_type)) {
                return false;
            }
        }
        if let Some(reference) = &self.reference {
            let raw = field(record, columns.reference);
            if !super::values::split_multi_value(raw).any(|value| reference.equals(strip_angle_brackets(&value))) {
                return false;
            }
        }
        if let Some(id) = &self.internal_message_id {
            if field(record, columns.internal_message_id) != id {
                return false;
            }
        }
        if check_server {
            if let Some(wanted) = f.server.as_deref() {
                if !host_matches(wanted, field(record, columns.server_hostname)) {
                    return false;
                }
            }
        }
        if !self.recipients.is_empty() && !self.recipients_ok(field(record, columns.recipient_address)) {
            return false;
        }
        if let Some(subject) = &self.subject {
            if !subject.found_in(field(record, columns.message_subject)) {
                return false;
            }
        }
        true
    }

    fn recipients_ok(&self, raw: &str) -> bool {
        // Most rows are for other recipients: a substring search of the raw field rules them out without
        // splitting it. A quote in the address is written doubled, so such addresses skip the shortcut.
        self.recipients.iter().any(|n| n.text.contains('\'') || n.found_in(raw))
            && super::values::split_multi_value(raw).any(|member| self.recipients.iter().any(|n| n.equals(&member)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logfile::{parse_utc_ms, split_csv_line, LogHeader};

    fn t(s: &str) -> i64 {
        parse_utc_ms(s.as_bytes()).unwrap()
    }

    #[test]
    fn files_are_skipped_by_name_and_header_date() {
        let range = |start: &str, end: &str| TrackingFilter {
            start_ms: Some(t(start)),
            end_ms: Some(t(end)),
            ..TrackingFilter::default()
        };
        let morning = range("2026-05-01T06:20:00Z", "2026-05-01T06:40:00Z");
        let cases: &[(&str, Option<&str>, &TrackingFilter, bool)] = &[
            ("MSGTRK2026050106-1.LOG", None, &morning, true),
            (
                "C:\\Logs\\MessageTracking\\MSGTRKMD2026050106-2.LOG",
                None,
                &morning,
                true,
            ),
            ("/logs/MSGTRK2026050105-1.LOG", None, &morning, false),
            ("MSGTRK2026050107-1.LOG", None, &morning, false),
            ("MSGTRK2026050104-1.LOG", None, &morning, false),
            ("MSGTRK20260501-1.LOG", None, &morning, true),
            ("MSGTRK20260430-1.LOG", None, &morning, false),
            ("copied.log", None, &morning, true),
            ("copied.log", Some("2026-05-01T07:00:00.000Z"), &morning, false),
            ("copied.log", Some("2026-05-01T06:50:00.000Z"), &morning, true),
            ("copied.log", Some("2026-04-01T00:00:00.000Z"), &morning, true),
            (
                "MSGTRK2026050107-1.LOG",
                None,
                &range("2026-05-01T06:50:00Z", "2026-05-01T06:55:00Z"),
                true,
            ),
            (
                "MSGTRK2026050105-1.LOG",
                None,
                &range("2026-05-01T06:05:00Z", "2026-05-01T06:55:00Z"),
                true,
            ),
            ("MSGTRK2026050101-1.LOG", None, &TrackingFilter::default(), true),
            (
                "MSGTRK2026050101-1.LOG",
                None,
                &TrackingFilter {
                    start_ms: Some(t("2026-05-01T03:00:00Z")),
                    ..TrackingFilter::default()
                },
                false,
            ),
            (
                "MSGTRK2026050109-1.LOG",
                None,
                &TrackingFilter {
                    end_ms: Some(t("2026-05-01T03:00:00Z")),
                    ..TrackingFilter::default()
                },
                false,
            ),
        ];
        for (name, date, filter, want) in cases {
            let date = date.map(t);
            assert_eq!(file_may_match(name, date, filter), *want, "{name} {date:?}");
        }
    }

    #[test]
    fn guids_read_in_any_written_form() {
        let digits = Some(*b"6a638d201e63493a80a208da9a4ff8da");
        let cases: &[(&str, Option<[u8; 32]>)] = &[
            ("6a638d20-1e63-493a-80a2-08da9a4ff8da", digits),
            ("6A638D201E63493A80A208DA9A4FF8DA", digits),
            ("{6a638d20-1e63-493a-80a2-08da9a4ff8da}", digits),
            (" 6a638d20-1e63-493a-80a2-08da9a4ff8da ", digits),
            ("6a638d20-1e63-493a-80a2-08da9a4ff8d", None),
            ("6a638d20-1e63493a-80a2-08da9a4ff8da", None),
            ("6a638d20-1e63-493a-80a2-08da9a4ff8dg", None),
            ("6a638d201e63493a80a208da9a4ff8da00", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(guid_digits(text), *want, "{text}");
        }
    }

    #[test]
    fn host_names_match_short_or_full() {
        let cases: &[(&str, &str, bool)] = &[
            ("CMHYBD01", "CMHYBD01", true),
            ("cmhybd01", "CMHYBD01.cloudmonkeys.xyz", true),
            ("CMHYBD01.cloudmonkeys.xyz", "cmhybd01", true),
            ("CMHYBD01.cloudmonkeys.xyz", "CMHYBD01.CLOUDMONKEYS.XYZ", true),
            ("CMHYBD01.cloudmonkeys.xyz", "CMHYBD01.other.example", false),
            ("CMHYBD01", "CMEDGE01.cloudmonkeys.xyz", false),
            ("CMHYBD", "CMHYBD01", false),
            ("CMHYBD01", "", false),
        ];
        for (wanted, host, want) in cases {
            assert_eq!(host_matches(wanted, host), *want, "{wanted} {host}");
        }
    }

    #[test]
    fn ascii_substring_search_ignores_case() {
        let cases: &[(&str, &str, bool)] = &[
            ("Quarterly Report", "report", true),
            ("Quarterly Report", "quarterly r", true),
            ("Quarterly Report", "reports", false),
            ("", "", true),
            ("abc", "", true),
            ("ab", "abc", false),
            ("Ärger im Büro", "im b", true),
        ];
        for (haystack, needle, want) in cases {
            assert_eq!(
                contains_ascii_ignore_case(haystack.as_bytes(), needle.as_bytes()),
                *want,
                "{haystack} / {needle}"
            );
        }
        assert!(Needle::new("BÜRO").found_in("Ärger im Büro"));
        assert!(Needle::new("ÄRGER IM BÜRO").equals("ärger im büro"));
    }

    const FIELDS: &str = "date-time,server-hostname,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,message-subject,sender-address,reference,transport-traffic-type";

    fn row_ok(filter: &TrackingFilter, row: &str, check_server: bool) -> bool {
        let header = LogHeader {
            fields: FIELDS.split(',').map(str::to_owned).collect(),
            ..LogHeader::default()
        };
        let columns = Columns::from_header(&header);
        let mut record = Record::new();
        split_csv_line(row.as_bytes(), &mut record).unwrap();
        let time = parse_utc_ms(record.get(0).as_bytes()).unwrap();
        Matcher::new(filter).row_ok(&columns, &record, time, check_server)
    }

    #[test]
    fn rows_are_checked_like_get_message_tracking_log() {
        let row = "2026-05-01T06:06:57.291Z,CMHYBD01,SMTP,SEND,40926819106817,<a1b2@CMHYBD01.cloudmonkeys.xyz>,6a638d20-1e63-493a-80a2-08da9a4ff8da,ramki@cloudfield.onmicrosoft.com;'o''neil@cloudfield.onmicrosoft.com',Quarterly Report Q2,Raghu@CloudMonkeys.xyz,<f00d@cmedge01.cloudmonkeys.xyz>;<a1b2@CMHYBD01.cloudmonkeys.xyz>,Email";
        let none = TrackingFilter::default();
        let with = |f: fn(&mut TrackingFilter)| {
            let mut filter = TrackingFilter::default();
            f(&mut filter);
            filter
        };
        let cases: Vec<(&str, TrackingFilter, bool)> = vec![
            ("no filter", none.clone(), true),
            (
                "start before",
                with(|f| f.start_ms = Some(t("2026-05-01T06:06:57.291Z"))),
                true,
            ),
            (
                "start after",
                with(|f| f.start_ms = Some(t("2026-05-01T06:06:57.292Z"))),
                false,
            ),
            (
                "end at: up to, but not including it",
                with(|f| f.end_ms = Some(t("2026-05-01T06:06:57.291Z"))),
                false,
            ),
            (
                "end after",
                with(|f| f.end_ms = Some(t("2026-05-01T06:06:57.292Z"))),
                true,
            ),
            (
                "end before",
                with(|f| f.end_ms = Some(t("2026-05-01T06:06:57.290Z"))),
                false,
            ),
            (
                "event id any case",
                with(|f| f.event_ids = vec!["receive".into(), "send".into()]),
                true,
            ),
            ("event id other", with(|f| f.event_ids = vec!["FAIL".into()]), false),
            ("source", with(|f| f.sources = vec!["smtp".into()]), true),
            ("source other", with(|f| f.sources = vec!["STOREDRIVER".into()]), false),
            (
                "sender any case",
                with(|f| f.sender = Some("raghu@cloudmonkeys.xyz".into())),
                true,
            ),
            (
                "sender is whole",
                with(|f| f.sender = Some("raghu@cloudmonkeys".into())),
                false,
            ),
            (
                "recipient",
                with(|f| {
                    f.recipients = vec![
                        "nobody@cloudmonkeys.xyz".into(),
                        "RAMKI@cloudfield.onmicrosoft.com".into(),
                    ]
                }),
                true,
            ),
            (
                "recipient is whole",
                with(|f| f.recipients = vec!["ramki@cloudfield".into()]),
                false,
            ),
            (
                "recipient with quote",
                with(|f| f.recipients = vec!["O'Neil@cloudfield.onmicrosoft.com".into()]),
                true,
            ),
            (
                "subject substring",
                with(|f| f.message_subject = Some("report q2".into())),
                true,
            ),
            (
                "subject other",
                with(|f| f.message_subject = Some("invoice".into())),
                false,
            ),
            (
                "message id with brackets",
                with(|f| f.message_id = Some("<a1b2@CMHYBD01.cloudmonkeys.xyz>".into())),
                true,
            ),
            (
                "message id without",
                with(|f| f.message_id = Some("a1b2@cmhybd01.cloudmonkeys.xyz".into())),
                true,
            ),
            (
                "message id other",
                with(|f| f.message_id = Some("<zz@CMHYBD01.cloudmonkeys.xyz>".into())),
                false,
            ),
            (
                "internal id",
                with(|f| f.internal_message_id = Some("40926819106817".into())),
                true,
            ),
            (
                "internal id other",
                with(|f| f.internal_message_id = Some("4092681910681".into())),
                false,
            ),
            (
                "network id",
                with(|f| f.network_message_id = Some("6A638D20-1E63-493A-80A2-08DA9A4FF8DA".into())),
                true,
            ),
            (
                "network id other",
                with(|f| f.network_message_id = Some("6a638d20-1e63-493a-80a2-08da9a4ff8db".into())),
                false,
            ),
            (
                "network id without dashes",
                with(|f| f.network_message_id = Some("6a638d201e63493a80a208da9a4ff8da".into())),
                true,
            ),
            (
                "network id in braces",
                with(|f| f.network_message_id = Some("{6a638d20-1e63-493a-80a2-08da9a4ff8da}".into())),
                true,
            ),
            (
                "network id, one digit short",
                with(|f| f.network_message_id = Some("6a638d201e63493a80a208da9a4ff8d".into())),
                false,
            ),
            (
                "reference, either value, without brackets",
                with(|f| f.reference = Some("A1B2@cmhybd01.cloudmonkeys.xyz".into())),
                true,
            ),
            (
                "reference with brackets",
                with(|f| f.reference = Some("<f00d@cmedge01.cloudmonkeys.xyz>".into())),
                true,
            ),
            ("reference is whole", with(|f| f.reference = Some("a1b2".into())), false),
            (
                "transport traffic type any case",
                with(|f| f.transport_traffic_type = Some("email".into())),
                true,
            ),
            (
                "transport traffic type other",
                with(|f| f.transport_traffic_type = Some("Email2".into())),
                false,
            ),
            (
                "server",
                with(|f| f.server = Some("cmhybd01.cloudmonkeys.xyz".into())),
                true,
            ),
            ("server other", with(|f| f.server = Some("CMEDGE01".into())), false),
        ];
        for (name, filter, want) in cases {
            assert_eq!(row_ok(&filter, row, true), want, "{name}");
        }
        let other_server = with(|f| f.server = Some("CMEDGE01".into()));
        assert!(
            row_ok(&other_server, row, false),
            "a file already matched by its server is not checked row by row"
        );
    }
}
