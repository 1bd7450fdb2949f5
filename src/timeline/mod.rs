//! One timeline per message and recipient across on-premises message tracking logs, SMTP protocol logs and
//! Exchange Online trace: the hops joined by Message-ID, by the InternalId a `250 2.6.0 ... [InternalId=...]`
//! reply hands from one server to the next, by NetworkMessageId, and by time where a hop carries no id (a
//! session refused before DATA). Each timeline says where the message is now and flags what looks wrong: a
//! missing hop, a slow hop, clocks that disagree.
//!
//! Speed comes from reading little: every log file is first searched for the ids as bytes (one Aho-Corasick
//! pass, no parsing), and only the files that hold them are parsed, with the engine's id filters; protocol logs
//! are rebuilt only for the sessions whose lines carry an id.

mod build;
mod collect;
mod evidence;

pub use build::build_timelines;
pub use collect::{collect, Collected, ScanStats};
pub use evidence::{collect_evidence, EvidenceFile, EvidenceKind};

use std::path::PathBuf;

use crate::trace::TraceEvent;

/// What to trace. Ids are matched whole and without regard to case; a Message-ID with or without its angle
/// brackets.
#[derive(Debug, Clone, Default)]
pub struct TimelineQuery {
    pub message_ids: Vec<String>,
    pub network_message_ids: Vec<String>,
    pub senders: Vec<String>,
    pub recipients: Vec<String>,
    /// For sender/recipient searches (and to skip files by name).
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// A hop slower than this (since the previous hop) is flagged.
    pub slow_threshold_ms: i64,
}

impl TimelineQuery {
    pub(crate) const DEFAULT_SLOW_THRESHOLD_MS: i64 = 5 * 60_000;
}

/// Where to look.
#[derive(Debug, Clone, Default)]
pub struct TimelineSources {
    pub tracking_paths: Vec<PathBuf>,
    pub protocol_paths: Vec<PathBuf>,
    pub trace_events: Vec<TraceEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Component {
    FrontEnd,
    Hub,
    Edge,
    Mailbox,
    ExchangeOnline,
}

impl Component {
    pub fn as_str(self) -> &'static str {
        match self {
            Component::FrontEnd => "FrontEnd",
            Component::Hub => "Hub",
            Component::Edge => "Edge",
            Component::Mailbox => "Mailbox",
            Component::ExchangeOnline => "Exchange Online",
        }
    }
}

/// How a hop was tied to the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKey {
    MessageId,
    /// The InternalId a previous hop's `250 2.6.0` reply named.
    InternalId,
    NetworkMessageId,
    /// No id: the same sender, to or from the same place, at the time another hop names.
    Time,
}

/// What a hop was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HopSource {
    MessageTracking,
    ProtocolLog,
    MessageTrace,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    pub time_ms: i64,
    pub server: String,
    pub component: Component,
    pub connector: String,
    /// RECEIVE, SEND, DELIVER, FAIL... (tracking), SmtpReceive/SmtpSend (sessions), Receive, Send, Defer...
    /// (Exchange Online).
    pub event: String,
    pub source: HopSource,
    /// Delivered, Failed, Pending, or a session's outcome.
    pub status: String,
    /// Since the previous hop of the timeline.
    pub latency_ms: Option<i64>,
    /// The SMTP session that carried the message (protocol logs, or a tracking event's source context).
    pub session_id: String,
    /// The other side: the client of a receive, the server of a send.
    pub remote: String,
    pub sender: String,
    pub recipients: Vec<String>,
    pub message_id: String,
    pub network_message_id: String,
    /// This hop's InternalId (tracking InternalMessageId, a receive session's 250 2.6.0 InternalId).
    pub internal_id: String,
    /// The InternalId and host the next hop's `250 2.6.0` reply named (send hops).
    pub next_internal_id: String,
    pub next_host: String,
    pub error: String,
    pub error_rule_id: String,
    pub error_title: String,
    pub joined_by: JoinKey,
    pub path: String,
    pub line: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    DeliveredOnPremises,
    DeliveredInExchangeOnline,
    SentToInternet,
    Queued,
    Failed,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKind {
    MissingHop,
    SlowHop,
    ClockSkew,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub kind: FlagKind,
    /// The hop it concerns (index into the timeline's hops).
    pub hop: Option<usize>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub message_id: String,
    pub network_message_id: String,
    pub sender: String,
    pub recipient: String,
    pub subject: String,
    pub hops: Vec<Hop>,
    pub location: Location,
    /// The server the message is at or was last seen on.
    pub location_server: String,
    /// Where it is, in a sentence.
    pub summary: String,
    pub error: String,
    pub error_rule_id: String,
    pub error_title: String,
    pub flags: Vec<Flag>,
}

/// A file that could not be searched or read; the others still were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineIssue {
    pub path: String,
    pub line: u64,
    pub message: String,
}
