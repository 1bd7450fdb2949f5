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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
        let time_ms = self.time_of(record, &mut TimeCache::default())?;
        self.view_at(record, time_ms)
    }

    /// The time of a row, and whether its event is one of + - > < *: what the merge of streams needs to place
    /// the row, without reading the rest of it.
    pub fn time_of(&self, record: &Record, times: &mut TimeCache) -> Result<i64, (LineErrorKind, String)> {
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
        let event_text = record.get(self.event);
        EventKind::parse(event_text).ok_or_else(|| {
            (
                LineErrorKind::BadValue,
                format!("event '{}' is none of + - > < *; skipped", clip(event_text)),
            )
        })?;
        Ok(time_ms)
    }

    /// [`Self::view`] of a record whose time was already read (the merge of streams reads it first).
    pub fn view_at<'r>(&self, record: &'r Record, time_ms: i64) -> Result<LineView<'r>, (LineErrorKind, String)> {
        let event_text = record.get(self.event);
        let event = EventKind::parse(event_text).ok_or_else(|| {
            (
                LineErrorKind::BadValue,
                format!("event '{}' is none of + - > < *; skipped", clip(event_text)),
            )
        })?;
        let opt = |i: Option<usize>| i.map_or("", |i| record.get(i));
        Ok(LineView {
            time_ms,
            connector_id: record.get(self.connector_id),
            session_id: record.get(self.session_id),
            sequence: self.sequence_number.and_then(|i| record.get(i).parse().ok()),
            local_endpoint: opt(self.local_endpoint),
            remote_endpoint: opt(self.remote_endpoint),
            event,
            data: opt(self.data),
            context: opt(self.context),
        })
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
    match connector_id.split_once('\\') {
        Some((server, _)) if !server.is_empty() && !server.contains(' ') => Some(server.to_owned()),
        _ => (!file_server.is_empty()).then(|| file_server.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
