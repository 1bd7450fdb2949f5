//! One protocol-log line, and what the file and folder say about it (direction, transport role, server).

use std::sync::Arc;

use crate::logfile::{LineErrorKind, LogHeader, Record, TimeCache};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Receive,
    Send,
}

impl From<Direction> for crate::diagnosis::Direction {
    fn from(d: Direction) -> Self {
        match d {
            Direction::Receive => crate::diagnosis::Direction::Receive,
            Direction::Send => crate::diagnosis::Direction::Send,
        }
    }
}

impl Direction {
    pub fn name(self) -> &'static str {
        match self {
            Direction::Receive => "Receive",
            Direction::Send => "Send",
        }
    }

    /// From `#Log-type:`, else from the file name prefix (RECV / SEND).
    pub fn detect(header: &LogHeader, file_name: &str) -> Option<Direction> {
        let by_type = header.log_type.as_deref().map(str::to_ascii_lowercase).and_then(|t| {
            if t.contains("receive protocol") {
                Some(Direction::Receive)
            } else if t.contains("send protocol") {
                Some(Direction::Send)
            } else {
                None
            }
        });
        by_type.or_else(|| {
            let upper = file_name.to_ascii_uppercase();
            if upper.starts_with("RECV") {
                Some(Direction::Receive)
            } else if upper.starts_with("SEND") {
                Some(Direction::Send)
            } else {
                None
            }
        })
    }
}

/// The transport service that wrote the log, from its folder (`...\Logs\FrontEnd\ProtocolLog\SmtpReceive`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    FrontEnd,
    Hub,
    Edge,
    MailboxDelivery,
    MailboxSubmission,
    Unknown,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::FrontEnd => "FrontEnd",
            Role::Hub => "Hub",
            Role::Edge => "Edge",
            Role::MailboxDelivery => "MailboxDelivery",
            Role::MailboxSubmission => "MailboxSubmission",
            Role::Unknown => "Unknown",
        }
    }

    pub fn from_path(path: &str) -> Role {
        let parts: Vec<String> = path.split(['/', '\\']).map(str::to_ascii_lowercase).collect();
        let has = |name: &str| parts.iter().any(|p| p == name);
        if has("frontend") {
            Role::FrontEnd
        } else if has("hub") {
            Role::Hub
        } else if has("edge") {
            Role::Edge
        } else if has("mailbox") {
            if has("submission") {
                Role::MailboxSubmission
            } else {
                Role::MailboxDelivery
            }
        } else {
            Role::Unknown
        }
    }

    /// The role of a line whose folder does not tell (logs copied into one flat folder): its connector's name,
    /// else the port its service listens on (the local port on receive, the remote one on send), read with what
    /// the header says of the Exchange version (2010 and older have no front end). `Unknown` when none tells.
    /// Connector names are free text in the server's language; ports are not.
    pub fn infer(direction: Direction, connector_id: &str, local: &str, remote: &str, before_2013: bool) -> Role {
        if let Some(role) = Role::from_connector(connector_id) {
            return role;
        }
        let port = |endpoint: &str| {
            endpoint
                .trim()
                .rsplit_once(':')
                .and_then(|(_, p)| p.parse::<u16>().ok())
        };
        match direction {
            // Front End Transport listens on 25 (Default Frontend), 587 (Client Frontend) and 717 (Outbound Proxy
            // Frontend); Transport on 2525 (Default) and 465 (Client Proxy); Mailbox Transport Delivery on 475.
            // Port 25 is also Edge's, and the Hub's before Exchange 2013.
            Direction::Receive => match port(local) {
                Some(25) if before_2013 => Role::Hub,
                Some(25 | 587 | 717) => Role::FrontEnd,
                Some(2525 | 465) => Role::Hub,
                Some(475) => Role::MailboxDelivery,
                _ => Role::Unknown,
            },
            // Only Transport sends to Mailbox Transport Delivery (475) and through an outbound proxy front end
            // (717); only Front End Transport proxies a client's session to Transport's Client Proxy (465).
            // Port 25 and 2525 are sent to by several services.
            Direction::Send => match port(remote) {
                Some(475 | 717) => Role::Hub,
                Some(465) => Role::FrontEnd,
                _ => Role::Unknown,
            },
        }
    }

    /// The role whose built-in connector this is, by its English name or a localized one seen in real logs. A
    /// receive connector's id is `SERVER\Name`.
    fn from_connector(connector_id: &str) -> Option<Role> {
        let name = connector_id.rsplit('\\').next().unwrap_or(connector_id).trim();
        // A whole word or words at the start: `Default CMHYBD01` is Transport's, `Defaults relay` is no one's.
        let starts = |prefix: &str| {
            name.is_char_boundary(prefix.len().min(name.len()))
                && name.len() >= prefix.len()
                && name[..prefix.len()].eq_ignore_ascii_case(prefix)
                && (prefix.ends_with(' ') || name[prefix.len()..].is_empty() || name[prefix.len()..].starts_with(' '))
        };
        const BY_NAME: &[(&str, Role)] = &[
            ("Default Frontend", Role::FrontEnd),
            ("Client Frontend", Role::FrontEnd),
            ("Outbound Proxy Frontend", Role::FrontEnd),
            ("Inbound Proxy Internal Send Connector", Role::FrontEnd),
            (
                "Внутренний соединитель отправки для вход. подкл. прокси-сервера",
                Role::FrontEnd,
            ),
            ("Default internal receive connector", Role::Edge),
            ("EdgeSync - ", Role::Edge),
            ("Intra-Organization SMTP Send Connector", Role::Hub),
            ("组织内 SMTP 发送连接器", Role::Hub),
            ("Client Proxy", Role::Hub),
            // Transport's own receive connector, `Default CMHYBD01` (the two above start alike and come first).
            ("Default", Role::Hub),
        ];
        BY_NAME.iter().find(|(prefix, _)| starts(prefix)).map(|(_, role)| *role)
    }

    /// Folder names of the roles, as they stand in a log path.
    fn folder_names() -> &'static [&'static str] {
        &["frontend", "hub", "edge", "mailbox"]
    }
}

/// The server a log file came from, when its path says: collected logs are usually kept as
/// `<SERVER>\...\FrontEnd\ProtocolLog\...`, or the path is a server's own install path, which does not name it.
pub fn server_from_path(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    let role_at = parts
        .iter()
        .position(|p| Role::folder_names().contains(&p.to_ascii_lowercase().as_str()))?;
    let skip = [
        "logs",
        "transportroles",
        "v15",
        "v14",
        "exchange",
        "exchange server",
        "microsoft",
        "program files",
    ];
    parts[..role_at]
        .iter()
        .rev()
        .find(|p| !skip.contains(&p.to_ascii_lowercase().as_str()))
        .filter(|p| !p.ends_with(':'))
        .map(|p| (*p).to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    Connect,
    Disconnect,
    Send,
    Receive,
    Information,
}

impl EventKind {
    pub fn parse(text: &str) -> Option<EventKind> {
        match text {
            "+" => Some(EventKind::Connect),
            "-" => Some(EventKind::Disconnect),
            ">" => Some(EventKind::Send),
            "<" => Some(EventKind::Receive),
            "*" => Some(EventKind::Information),
            _ => None,
        }
    }

    pub fn symbol(self) -> char {
        match self {
            EventKind::Connect => '+',
            EventKind::Disconnect => '-',
            EventKind::Send => '>',
            EventKind::Receive => '<',
            EventKind::Information => '*',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            EventKind::Connect => "Connect",
            EventKind::Disconnect => "Disconnect",
            EventKind::Send => "Send",
            EventKind::Receive => "Receive",
            EventKind::Information => "Information",
        }
    }
}

/// Where each protocol-log field is in a file's rows, from its `#Fields:` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtocolColumns {
    date_time: usize,
    connector_id: usize,
    session_id: usize,
    sequence_number: Option<usize>,
    local_endpoint: Option<usize>,
    remote_endpoint: Option<usize>,
    event: usize,
    data: Option<usize>,
    context: Option<usize>,
}

impl ProtocolColumns {
    /// `None` when the header lacks a field no protocol log is without; the message names it.
    pub fn from_header(header: &LogHeader) -> Result<ProtocolColumns, String> {
        let need = |name: &str| {
            header
                .field_index(name)
                .ok_or_else(|| format!("is not an SMTP protocol log: its #Fields header has no '{name}'"))
        };
        Ok(ProtocolColumns {
            date_time: need("date-time")?,
            connector_id: need("connector-id")?,
            session_id: need("session-id")?,
            sequence_number: header.field_index("sequence-number"),
            local_endpoint: header.field_index("local-endpoint"),
            remote_endpoint: header.field_index("remote-endpoint"),
            event: need("event")?,
            data: header.field_index("data"),
            context: header.field_index("context"),
        })
    }

    /// Reads the fields of `record`; a bad time or event is an error for the line.
    pub fn view<'r>(&self, record: &'r Record) -> Result<LineView<'r>, (LineErrorKind, String)> {
        let (time_ms, event) = self.time_of(record, &mut TimeCache::default())?;
        Ok(self.view_at(record, time_ms, event))
    }

    /// The time and the event (one of + - > < *) of a row: what the merge of streams needs to place the row,
    /// without reading the rest of it.
    pub fn time_of(&self, record: &Record, times: &mut TimeCache) -> Result<(i64, EventKind), (LineErrorKind, String)> {
        let time_text = record.get(self.date_time);
        let time_ms = times.parse(time_text.as_bytes()).ok_or_else(|| {
            (
                LineErrorKind::BadTime,
                format!(
                    "date-time '{}' is not a yyyy-MM-ddTHH:mm:ss.fffZ time; skipped",
                    clip(time_text)
                ),
            )
        })?;
        Ok((time_ms, self.event_of(record)?))
    }

    /// The row's event. An empty one is read as `*`: the one event character that tools a log is pasted through
    /// strip (Markdown and wikis take `*...*` for emphasis); every other event is a reply, command or connection
    /// whose mark is not lost that way. [`Self::event_missing`] tells the reader to count the repair.
    fn event_of(&self, record: &Record) -> Result<EventKind, (LineErrorKind, String)> {
        let event_text = record.get(self.event);
        if event_text.is_empty() {
            return Ok(EventKind::Information);
        }
        EventKind::parse(event_text).ok_or_else(|| {
            (
                LineErrorKind::BadValue,
                format!("event '{}' is none of + - > < *; skipped", clip(event_text)),
            )
        })
    }

    /// The row's event column is empty (read as `*`).
    pub fn event_missing(&self, record: &Record) -> bool {
        record.get(self.event).is_empty()
    }

    /// [`Self::view`] of a record whose time and event were already read (the merge of streams reads them first).
    pub fn view_at<'r>(&self, record: &'r Record, time_ms: i64, event: EventKind) -> LineView<'r> {
        let opt = |i: Option<usize>| i.map_or("", |i| record.get(i));
        LineView {
            time_ms,
            connector_id: record.get(self.connector_id),
            session_id: record.get(self.session_id),
            sequence: self.sequence_number.and_then(|i| record.get(i).parse().ok()),
            local_endpoint: opt(self.local_endpoint),
            remote_endpoint: opt(self.remote_endpoint),
            event,
            data: opt(self.data),
            context: opt(self.context),
        }
    }
}

fn clip(s: &str) -> &str {
    match s.char_indices().nth(40) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The fields of one line, borrowed from the reader's record.
#[derive(Debug, Clone, Copy)]
pub struct LineView<'a> {
    pub time_ms: i64,
    pub connector_id: &'a str,
    pub session_id: &'a str,
    pub sequence: Option<u32>,
    pub local_endpoint: &'a str,
    pub remote_endpoint: &'a str,
    pub event: EventKind,
    pub data: &'a str,
    pub context: &'a str,
}

/// One protocol-log line as an object.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    pub path: Arc<str>,
    pub line: u64,
    pub time_ms: i64,
    pub server: Arc<str>,
    pub connector_id: Arc<str>,
    pub session_id: Arc<str>,
    pub sequence: Option<u32>,
    pub local_endpoint: String,
    pub remote_endpoint: String,
    pub event: EventKind,
    pub data: String,
    pub context: String,
    pub direction: Direction,
    pub role: Role,
    /// For a line that reports a failure (a 4xx/5xx reply, a TLS, AUTH or connection failure): what the
    /// knowledge base says of it, best first. Empty for other lines.
    pub diagnosis: Vec<crate::diagnosis::Finding>,
}

impl LogEntry {
    /// The failure text of this line, if it reports one: a 4xx/5xx reply, or a failure the server notes.
    pub fn failure_text(&self) -> Option<&str> {
        let reply_event = match self.direction {
            Direction::Receive => EventKind::Send,
            Direction::Send => EventKind::Receive,
        };
        let data = self.data.as_bytes();
        if self.event == reply_event
            && data.len() >= 3
            && matches!(data[0], b'4' | b'5')
            && data[1..3].iter().all(u8::is_ascii_digit)
        {
            return Some(&self.data);
        }
        if matches!(self.event, EventKind::Information | EventKind::Disconnect) {
            let text = if self.context.is_empty() {
                &self.data
            } else {
                &self.context
            };
            const FAILURES: [&str; 8] = [
                "TLS negotiation failed",
                "Outbound TLS authentication failed",
                "failed because of",
                "Authentication failed with",
                "Failed to connect",
                "proxy session failed",
                "Certificate validation failure",
                "Tls cipher strength is too weak",
            ];
            if FAILURES.iter().any(|f| text.contains(f)) {
                return Some(text);
            }
        }
        None
    }

    /// Asks the knowledge base about this line when it reports a failure.
    pub fn diagnose(&mut self, knowledge: &crate::diagnosis::KnowledgeBase) {
        let Some(text) = self.failure_text() else { return };
        let context = crate::diagnosis::Context {
            direction: Some(self.direction.into()),
            log_type: Some(crate::diagnosis::LogKind::ProtocolLog),
            preceding: None,
            connector: (!self.connector_id.is_empty()).then(|| self.connector_id.to_string()),
        };
        self.diagnosis = knowledge.diagnose(text, &context);
    }
}

/// The server of a line: a receive connector id is `SERVER\Connector`; otherwise the file's server.
pub fn server_of(connector_id: &str, file_server: &str) -> Option<String> {
    let server = server_name(connector_id, file_server);
    (!server.is_empty()).then(|| server.to_owned())
}

/// [`server_of`] borrowed, "" when neither tells: what a session is keyed by, looked up for every line.
pub fn server_name<'a>(connector_id: &'a str, file_server: &'a str) -> &'a str {
    // Bytes, not `split_once`: a char searcher costs more to set up than the few bytes of a server name it scans,
    // on every line.
    let server = match connector_id.bytes().position(|b| b == b'\\') {
        Some(at) => &connector_id[..at],
        None => return file_server,
    };
    if server.is_empty() || server.bytes().any(|b| b == b' ') {
        file_server
    } else {
        server
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_from_connector_port_and_version_when_the_folder_does_not_tell() {
        use Direction::{Receive, Send};
        // (direction, connector id, local endpoint, remote endpoint, Exchange 2010 or older, role)
        let cases: &[(Direction, &str, &str, &str, bool, Role)] = &[
            (
                Receive,
                r"CMHYBD01\Default Frontend CMHYBD01",
                "192.168.1.13:25",
                "40.93.131.26:31611",
                false,
                Role::FrontEnd,
            ),
            (
                Receive,
                r"CMHYBD01\Client Frontend CMHYBD01",
                "192.168.1.13:587",
                "192.168.1.50:50001",
                false,
                Role::FrontEnd,
            ),
            (
                Receive,
                r"CMHYBD01\Outbound Proxy Frontend CMHYBD01",
                "192.168.1.13:717",
                "192.168.1.13:50002",
                false,
                Role::FrontEnd,
            ),
            (
                Receive,
                r"CMHYBD01\Default CMHYBD01",
                "192.168.1.13:2525",
                "192.168.1.13:50003",
                false,
                Role::Hub,
            ),
            (
                Receive,
                r"CMHYBD01\Client Proxy CMHYBD01",
                "192.168.1.13:465",
                "192.168.1.13:50004",
                false,
                Role::Hub,
            ),
            (
                Receive,
                r"CMEDGE01\Default internal receive connector CMEDGE01",
                "10.0.0.5:25",
                "192.168.1.13:50005",
                false,
                Role::Edge,
            ),
            (
                Send,
                "Inbound Proxy Internal Send Connector",
                "192.168.1.13:50006",
                "192.168.1.13:2525",
                false,
                Role::FrontEnd,
            ),
            (
                Send,
                "Внутренний соединитель отправки для вход. подкл. прокси-сервера",
                "",
                "192.168.1.13:2525",
                false,
                Role::FrontEnd,
            ),
            (
                Send,
                "Intra-Organization SMTP Send Connector",
                "192.168.1.13:50007",
                "192.168.1.14:2525",
                false,
                Role::Hub,
            ),
            (
                Send,
                "组织内 SMTP 发送连接器",
                "192.168.1.13:50008",
                "192.168.1.14:475",
                false,
                Role::Hub,
            ),
            (
                Send,
                "EdgeSync - Inbound to Default-First-Site-Name",
                "10.0.0.5:50009",
                "192.168.1.13:25",
                false,
                Role::Edge,
            ),
            (
                Send,
                "EdgeSync - Default-First-Site-Name to Internet",
                "10.0.0.5:50010",
                "203.0.113.25:25",
                false,
                Role::Edge,
            ),
            // Names in the server's language, or the admin's own: the port tells.
            (
                Receive,
                r"CMHYBD01\Frontend par défaut CMHYBD01",
                "192.168.1.13:25",
                "40.93.131.26:31611",
                false,
                Role::FrontEnd,
            ),
            (
                Receive,
                r"CMHYBD01\Client-Front-End CMHYBD01",
                "[fe80::1]:587",
                "[fe80::2]:50011",
                false,
                Role::FrontEnd,
            ),
            (
                Receive,
                r"CMHYBD01\Standard CMHYBD01",
                "192.168.1.13:2525",
                "192.168.1.13:50012",
                false,
                Role::Hub,
            ),
            (
                Receive,
                r"CMHYBD01\Clientproxy CMHYBD01",
                "192.168.1.13:465",
                "192.168.1.13:50013",
                false,
                Role::Hub,
            ),
            (
                Receive,
                r"CMHYBD01\Relay scanners",
                "192.168.1.13:475",
                "192.168.1.14:50014",
                false,
                Role::MailboxDelivery,
            ),
            (
                Receive,
                r"CMHYBD01\Relay scanners",
                "192.168.1.13:25",
                "192.168.1.60:50015",
                false,
                Role::FrontEnd,
            ),
            (
                Receive,
                r"EX\Default ",
                "192.168.1.13:25",
                "91.112.61.94:55171",
                true,
                Role::Hub,
            ),
            (
                Receive,
                r"EX\Relay",
                "192.168.1.13:25",
                "91.112.61.94:55171",
                true,
                Role::Hub,
            ),
            (
                Send,
                "Outbound to Office 365 - 6c3b1d42-9a7e-4c1b-8f0e-2d5a7b9c1e33",
                "192.168.1.13:50016",
                "192.168.1.13:717",
                false,
                Role::Hub,
            ),
            (
                Send,
                "Outbound to cloudfield",
                "192.168.1.13:50017",
                "192.168.1.14:465",
                false,
                Role::FrontEnd,
            ),
            // Nothing tells: several services send to 25 and 2525; a custom port; no endpoint.
            (
                Send,
                "Outbound to Office 365 - 6c3b1d42-9a7e-4c1b-8f0e-2d5a7b9c1e33",
                "192.168.1.13:50018",
                "40.107.22.54:25",
                false,
                Role::Unknown,
            ),
            (
                Send,
                "Intra-Org (localized)",
                "",
                "192.168.1.14:2525",
                false,
                Role::Unknown,
            ),
            (
                Receive,
                r"CMHYBD01\Partner relay",
                "192.168.1.13:2526",
                "203.0.113.25:50019",
                false,
                Role::Unknown,
            ),
            (Receive, r"CMHYBD01\Defaults relay", "", "", false, Role::Unknown),
        ];
        for (direction, connector, local, remote, before_2013, role) in cases {
            assert_eq!(
                Role::infer(*direction, connector, local, remote, *before_2013),
                *role,
                "{connector} {local} {remote}"
            );
        }
    }

    #[test]
    fn role_and_server_from_paths() {
        let cases: &[(&str, Role, Option<&str>)] = &[
            (
                r"C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\FrontEnd\ProtocolLog\SmtpReceive\RECV2026050106-1.LOG",
                Role::FrontEnd,
                None,
            ),
            (
                "/cases/1234/CMHYBD01/Hub/ProtocolLog/SmtpSend/SEND2026050106-1.LOG",
                Role::Hub,
                Some("CMHYBD01"),
            ),
            (
                "samples/CMEDGE01/Edge/ProtocolLog/SmtpReceive/RECV2026050106-1.LOG",
                Role::Edge,
                Some("CMEDGE01"),
            ),
            (
                r"D:\Logs\Mailbox\ProtocolLog\SmtpSend\Submission\SEND2026050106-1.LOG",
                Role::MailboxSubmission,
                None,
            ),
            (
                r"D:\Exchange\TransportRoles\Logs\Mailbox\ProtocolLog\SmtpReceive\Delivery\RECV2026050106-1.LOG",
                Role::MailboxDelivery,
                None,
            ),
            ("/tmp/RECV2026050106-1.LOG", Role::Unknown, None),
        ];
        for (path, role, server) in cases {
            assert_eq!(Role::from_path(path), *role, "{path}");
            assert_eq!(server_from_path(path).as_deref(), *server, "{path}");
        }
    }

    #[test]
    fn server_comes_from_receive_connector_ids() {
        assert_eq!(
            server_of(r"CMHYBD01\Default Frontend CMHYBD01", "").as_deref(),
            Some("CMHYBD01")
        );
        assert_eq!(
            server_of("Outbound to Office 365 - 6c3b1d42", "CMHYBD01").as_deref(),
            Some("CMHYBD01")
        );
        assert_eq!(server_of("Outbound to Office 365", "").as_deref(), None);
    }
}
