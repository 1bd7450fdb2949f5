//! The error knowledge base: from an error an admin has in front of them (an NDR, a queue's LastError, a
//! RecipientStatus, a protocol-log response, an Exchange Online trace Detail) to what it means, what most
//! likely caused it in a hybrid, and how to fix it, with the commands to run.
//!
//! Rules are data (`rules/*.toml`, compiled in; users add their own in the same format). The engine peels the
//! structured forms (`parse`), finds candidate rules through an index of status codes and one Aho-Corasick
//! automaton over every rule literal (`literals`), and only then evaluates the candidates (`engine`).

mod engine;
mod literals;
mod parse;
mod rfc3463;
mod rules;
mod scan;

pub use engine::{BestMatch, KnowledgeBase};
pub use parse::{parse_last_error, ParsedError};
pub use rules::RuleError;
pub use scan::EnhancedCode;

/// The rule id of the single finding returned for text no rule matches.
pub const UNRECOGNIZED: &str = "Unrecognized";

/// Which side of an SMTP session a line comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Receive,
    Send,
}

impl Direction {
    fn parse(text: &str) -> Option<Direction> {
        [Direction::Receive, Direction::Send]
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(text.trim()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Receive => "Receive",
            Direction::Send => "Send",
        }
    }
}

/// Where the text was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogKind {
    ProtocolLog,
    MessageTracking,
    Queue,
    MessageTrace,
    Ndr,
}

impl LogKind {
    const ALL: [LogKind; 5] = [
        LogKind::ProtocolLog,
        LogKind::MessageTracking,
        LogKind::Queue,
        LogKind::MessageTrace,
        LogKind::Ndr,
    ];

    fn parse(text: &str) -> Option<LogKind> {
        LogKind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(text.trim()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::ProtocolLog => "ProtocolLog",
            LogKind::MessageTracking => "MessageTracking",
            LogKind::Queue => "Queue",
            LogKind::MessageTrace => "MessageTrace",
            LogKind::Ndr => "Ndr",
        }
    }
}

/// What the caller knows about where the text came from. Every field is optional; a rule that asks for a
/// context value matches only when the caller gives that value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    pub direction: Option<Direction>,
    pub log_type: Option<LogKind>,
    /// The command that drew this response, e.g. `STARTTLS`, `AUTH LOGIN`, `EHLO`, `MAIL FROM:<...>`.
    pub preceding: Option<String>,
    /// The connector the line was logged under (a protocol log's connector-id, e.g.
    /// `CMHYBD01\Default Frontend CMHYBD01` or `Outbound to Office 365`): fills `{connector}` and `{server}`.
    pub connector: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
    Critical,
}

impl Severity {
    fn parse(text: &str) -> Option<Severity> {
        [Severity::Info, Severity::Warning, Severity::Error, Severity::Critical]
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(text.trim()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "Info",
            Severity::Warning => "Warning",
            Severity::Error => "Error",
            Severity::Critical => "Critical",
        }
    }
}

/// One explanation of an error.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// Stable, e.g. `HMF-TLS-0003` or `EXO-4.4.317`; `Unrecognized` when no rule matched.
    pub rule_id: String,
    pub code: Option<u16>,
    pub enhanced_code: Option<String>,
    pub title: String,
    pub meaning: String,
    /// Most likely first.
    pub causes: Vec<String>,
    pub fix: Vec<String>,
    /// PowerShell, with the values found in the text filled in; a value not found reads `<domain>`.
    pub commands: Vec<String>,
    /// learn.microsoft.com addresses.
    pub references: Vec<String>,
    pub severity: Severity,
    /// The innermost text the rule matched.
    pub matched_text: String,
    /// The wrappers peeled off to reach `matched_text`, outermost first.
    pub context_text: Vec<String>,
    /// 0..1, from the evidence points of what matched (codes, words, context, the wrapper layers peeled): the same
    /// formula for every rule, and the order of `diagnose` (README, "Confidence").
    pub confidence: f32,
}
