//! The knowledge base's findings for the events that report a failure. FAIL, DEFER, DROP and the other
//! `...FAIL`/`...DEFER` events are diagnosed from their recipient statuses (FAIL and DEFER from their source
//! context when they have no failed status); a DSN carries the findings of the failure or deferral it reports,
//! found among recent ones by the message id in its `reference`.

use std::collections::{HashMap, VecDeque};

use super::event::TrackingEvent;
use super::recipient_status::parse_recipient_status;
use super::source_context::{parse_source_context, SourceContext};
use crate::diagnosis::{Context, Direction, Finding, KnowledgeBase, LogKind};

/// Failures remembered for the DSNs that report them. Exchange writes the DSN within seconds of the failure, so a
/// few thousand cover any log's interleaving while keeping memory bounded.
const REMEMBERED_FAILURES: usize = 4096;

/// One text that was diagnosed, and what the knowledge base says about it (best first).
#[derive(Debug, Clone, PartialEq)]
pub struct DiagnosedText {
    pub text: String,
    pub findings: Vec<Finding>,
}

pub struct TrackingDiagnoser {
    knowledge: &'static KnowledgeBase,
    recent: HashMap<String, Vec<DiagnosedText>>,
    order: VecDeque<String>,
}

impl Default for TrackingDiagnoser {
    fn default() -> Self {
        Self::new()
    }
}

impl TrackingDiagnoser {
    /// A diagnoser with the built-in rules.
    pub fn new() -> Self {
        TrackingDiagnoser {
            knowledge: KnowledgeBase::builtin(),
            recent: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// The findings for `event`, one entry per distinct failure text; empty for events that report no failure.
    pub fn diagnose(&mut self, event: &TrackingEvent) -> Vec<DiagnosedText> {
        crate::logfile::panic_if_asked(&event.message_subject, "diagnosis");
        let id = event.event_id.as_str();
        if id.eq_ignore_ascii_case("DSN") {
            return self
                .reported_failure(event)
                .unwrap_or_else(|| self.diagnose_texts(event, failure_texts(event)));
        }
        if !is_failure_event(id) {
            return Vec::new();
        }
        let mut texts = failure_texts(event);
        if texts.is_empty() && (id.eq_ignore_ascii_case("FAIL") || id.eq_ignore_ascii_case("DEFER")) {
            texts.extend(source_context_failure(&event.source_context));
        }
        let diagnosed = self.diagnose_texts(event, texts);
        if !diagnosed.is_empty() && !event.message_id.is_empty() {
            self.remember(&event.message_id, &diagnosed);
        }
        diagnosed
    }

    fn diagnose_texts(&self, event: &TrackingEvent, texts: Vec<String>) -> Vec<DiagnosedText> {
        if texts.is_empty() {
            return Vec::new();
        }
        let context = Context {
            // An SMTP failure or deferral is the remote server's reply to this server's send.
            direction: event.source.eq_ignore_ascii_case("SMTP").then_some(Direction::Send),
            log_type: Some(LogKind::MessageTracking),
            preceding: None,
            connector: (!event.connector_id.is_empty()).then(|| event.connector_id.clone()),
        };
        texts
            .into_iter()
            .map(|text| DiagnosedText {
                findings: self.knowledge.diagnose(&text, &context),
                text,
            })
            .collect()
    }

    /// The findings of the failure a DSN reports, when it was read shortly before.
    fn reported_failure(&self, dsn: &TrackingEvent) -> Option<Vec<DiagnosedText>> {
        dsn.reference
            .iter()
            .find_map(|id| self.recent.get(id.as_str()))
            .cloned()
    }

    fn remember(&mut self, message_id: &str, diagnosed: &[DiagnosedText]) {
        if self.recent.insert(message_id.to_owned(), diagnosed.to_vec()).is_some() {
            return;
        }
        self.order.push_back(message_id.to_owned());
        if self.order.len() > REMEMBERED_FAILURES {
            if let Some(oldest) = self.order.pop_front() {
                self.recent.remove(&oldest);
            }
        }
    }
}

/// FAIL, DEFER, DROP, and the events named for a failure or deferral (DELIVERFAIL, SUBMITDEFER, RESUBMITFAIL, ...).
fn is_failure_event(id: &str) -> bool {
    let upper = id.to_ascii_uppercase();
    upper == "DROP" || upper.ends_with("FAIL") || upper.ends_with("DEFER")
}

/// The distinct recipient statuses of `event` that report a failure: not `To`/`Cc`/`Bcc`, not a 2xx reply, and
/// for the bracketed form not an empty or 2xx LED.
fn failure_texts(event: &TrackingEvent) -> Vec<String> {
    let mut texts: Vec<String> = Vec::new();
    for status in &event.recipient_status {
        let reply = match parse_recipient_status(status) {
            Some(parts) => parts.led,
            None => status.trim().to_owned(),
        };
        if is_failure_reply(&reply) && !texts.contains(status) {
            texts.push(status.clone());
        }
    }
    texts
}

fn is_failure_reply(reply: &str) -> bool {
    let reply = reply.trim();
    !reply.is_empty()
        && !reply.starts_with('2')
        && !["To", "Cc", "Bcc"]
            .iter()
            .any(|plain| reply.eq_ignore_ascii_case(plain))
}

/// A source context that carries an error: free text or a non-2xx reply (not a session id or mailbox properties).
fn source_context_failure(source_context: &str) -> Option<String> {
    match parse_source_context(source_context) {
        SourceContext::Text(text) => Some(text),
        SourceContext::SmtpReply(reply) if reply.code >= 400 => Some(source_context.trim().to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(event_id: &str, source: &str, statuses: &[&str], source_context: &str) -> TrackingEvent {
        TrackingEvent {
            event_id: event_id.to_owned(),
            source: source.to_owned(),
            recipient_status: statuses.iter().map(|s| (*s).to_owned()).collect(),
            source_context: source_context.to_owned(),
            message_id: "<c3e8a9172f6d4b0a8e5c1d7f3b9a2e40@CMHYBD01.cloudmonkeys.xyz>".to_owned(),
            ..TrackingEvent::default()
        }
    }

    const SPAMHAUS: &str = "[{LED=550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/27.7.57.241 AS(1450)};{MSG=};{FQDN=cloudfield.mail.protection.outlook.com};{IP=40.107.22.51};{LRT=}]";

    #[test]
    fn failures_are_diagnosed_from_what_they_report() {
        // (event, the texts diagnosed, the best rule of the first text)
        let cases: Vec<(TrackingEvent, Vec<&str>, Option<&str>)> = vec![
            (event("FAIL", "SMTP", &[SPAMHAUS], "08DEA74796A6E2E4;2026-05-01T06:30:10.610Z;0"), vec![SPAMHAUS], Some("HMF-BLOCKLIST-SPAMHAUS")),
            (
                event("DEFER", "SMTP", &["[{LED=451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain};{MSG=};{FQDN=};{IP=};{LRT=}]"], ""),
                vec!["[{LED=451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain};{MSG=};{FQDN=};{IP=};{LRT=}]"],
                None,
            ),
            (
                event("DROP", "AGENT", &["550 5.7.1 TRANSPORT.RULES.RejectMessage; the message was rejected by organization policy"; 3], "Transport Rule Agent"),
                vec!["550 5.7.1 TRANSPORT.RULES.RejectMessage; the message was rejected by organization policy"],
                None,
            ),
            (event("FAIL", "AGENT", &[], "451 4.7.0 Temporary server error. Please try again later. PRX2"), vec!["451 4.7.0 Temporary server error. Please try again later. PRX2"], Some("HMF-PRX2")),
            (event("FAIL", "SMTP", &["250 2.1.5 Recipient OK"], "08DEA74796A6E2E4;2026-05-01T06:30:10.610Z;0"), vec![], None),
            (event("HAREDIRECTFAIL", "SMTP", &[], "No suitable shadow servers"), vec![], None),
            (event("DELIVER", "STOREDRIVER", &["250 2.0.0 OK", "250 2.0.0 OK"], ""), vec![], None),
            (event("RECEIVE", "STOREDRIVER", &["To"], "MDB:3f1c2b7a-5d4e-4a6b-9c8d-7e6f5a4b3c2d, Mailbox:9d4e8c1b"), vec![], None),
            (event("SEND", "SMTP", &["[{LED=554 5.4.4 x};{MSG=}]"], ""), vec![], None),
            (event("SUBMITDEFER", "STOREDRIVER", &["[{LED=};{MSG=}]", "[{LED=432 4.3.2 STOREDRV.Submit; mailbox database thread limit exceeded};{MSG=}]"], ""), vec!["[{LED=432 4.3.2 STOREDRV.Submit; mailbox database thread limit exceeded};{MSG=}]"], None),
        ];
        let mut diagnoser = TrackingDiagnoser::new();
        for (event, texts, rule) in cases {
            let diagnosed = diagnoser.diagnose(&event);
            let got: Vec<&str> = diagnosed.iter().map(|d| d.text.as_str()).collect();
            assert_eq!(got, texts, "{} {:?}", event.event_id, event.recipient_status);
            assert!(diagnosed.iter().all(|d| !d.findings.is_empty()), "{}", event.event_id);
            if let Some(rule) = rule {
                assert_eq!(diagnosed[0].findings[0].rule_id, rule, "{}", event.event_id);
            }
        }
    }

    #[test]
    fn a_dsn_carries_the_findings_of_the_failure_it_reports() {
        let mut diagnoser = TrackingDiagnoser::new();
        let fail = event("FAIL", "SMTP", &[SPAMHAUS], "");
        let failure = diagnoser.diagnose(&fail);
        let mut dsn = event("DSN", "DSN", &["250 2.1.5 Recipient OK"], "");
        dsn.message_id = "<0b7a1c9e3d5f4e2a8c6b@CMHYBD01.cloudmonkeys.xyz>".to_owned();
        dsn.reference = vec![fail.message_id.clone()];
        assert_eq!(diagnoser.diagnose(&dsn), failure);

        // A DSN for a message whose failure was not read says what its own statuses say: here, nothing.
        dsn.reference = vec!["<b9c1d3e5f7a94c2e8b0d@CMHYBD01.cloudmonkeys.xyz>".to_owned()];
        assert!(diagnoser.diagnose(&dsn).is_empty());
    }

    #[test]
    fn only_the_most_recent_failures_are_remembered() {
        let mut diagnoser = TrackingDiagnoser::new();
        for n in 0..=REMEMBERED_FAILURES {
            let mut fail = event("FAIL", "SMTP", &[SPAMHAUS], "");
            fail.message_id = format!("<{n}@CMHYBD01.cloudmonkeys.xyz>");
            diagnoser.diagnose(&fail);
        }
        assert_eq!(diagnoser.recent.len(), REMEMBERED_FAILURES);
        assert!(!diagnoser.recent.contains_key("<0@CMHYBD01.cloudmonkeys.xyz>"));
        assert!(diagnoser
            .recent
            .contains_key(&format!("<{REMEMBERED_FAILURES}@CMHYBD01.cloudmonkeys.xyz>")));
    }
}
