//! Hops from what was collected, grouped per message and recipient, in time order, with where the message is
//! and what looks wrong.

use super::collect::{bracketed, collect, Collected, ScanStats};
use super::{
    Component, Flag, FlagKind, Hop, HopSource, JoinKey, Location, Timeline, TimelineIssue, TimelineQuery,
    TimelineSources,
};
use crate::diagnosis::{Context, KnowledgeBase, LogKind, UNRECOGNIZED};
use crate::net::{classify, AddressClass};
use crate::protocol::{Direction, Outcome, Role, Session};
use crate::trace::{TraceEvent, TraceFormat};
use crate::tracking::{server_from_path, TrackingEvent};

/// Clocks of two servers handing a message over disagree when the receiver logs it this much before or after
/// the sender logs the hand-over (both happen within one SMTP transaction).
const CLOCK_SKEW_TOLERANCE_MS: i64 = 2_000;

/// Traces the query's messages through the sources.
pub fn build_timelines(
    query: &TimelineQuery,
    sources: TimelineSources,
) -> (Vec<Timeline>, Vec<TimelineIssue>, ScanStats) {
    let has_trace = !sources.trace_events.is_empty();
    let collected = collect(query, sources);
    let slow = if query.slow_threshold_ms > 0 {
        query.slow_threshold_ms
    } else {
        TimelineQuery::DEFAULT_SLOW_THRESHOLD_MS
    };
    let mut timelines = Vec::new();
    for id in &collected.message_ids {
        let hops = hops_of(id, &collected);
        if hops.is_empty() {
            continue;
        }
        for recipient in recipients_of(&hops) {
            let mut mine: Vec<Hop> = hops
                .iter()
                .filter(|h| h.recipients.is_empty() || h.recipients.iter().any(|r| same_recipient(r, &recipient)))
                .cloned()
                .collect();
            mine.sort_by_key(|h| h.time_ms);
            timelines.push(timeline_of(id, &recipient, mine, slow, &collected, has_trace));
        }
    }
    (timelines, collected.issues, collected.stats)
}

/// Hybrid routing rewrites `user@cloudmonkeys.xyz` to `user@<tenant>.mail.onmicrosoft.com`: the same mailbox.
fn same_recipient(a: &str, b: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let split = |s: &str| {
        s.rsplit_once('@')
            .map(|(l, d)| (l.to_ascii_lowercase(), d.to_ascii_lowercase()))
    };
    match (split(a), split(b)) {
        (Some((la, da)), Some((lb, db))) => {
            la == lb && (da.ends_with(".mail.onmicrosoft.com") || db.ends_with(".mail.onmicrosoft.com"))
        }
        _ => false,
    }
}

fn recipients_of(hops: &[Hop]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Prefer the addresses that are not routing addresses, so the timeline is named after the mailbox.
    let mut all: Vec<&String> = hops.iter().flat_map(|h| h.recipients.iter()).collect();
    all.sort_by_key(|r| r.to_ascii_lowercase().ends_with(".mail.onmicrosoft.com"));
    for r in all {
        if !out.iter().any(|o| same_recipient(o, r)) {
            out.push(r.to_ascii_lowercase());
        }
    }
    if out.is_empty() {
        out.push(String::new());
    }
    out
}

fn hops_of(id: &str, c: &Collected) -> Vec<Hop> {
    let kb = KnowledgeBase::builtin();
    let mut hops = Vec::new();
    let nmids: Vec<&str> = c
        .trace_events
        .iter()
        .filter(|e| bracketed(&e.message_id).eq_ignore_ascii_case(id))
        .map(|e| e.network_message_id.as_str())
        .collect();
    let trace: Vec<&TraceEvent> = c
        .trace_events
        .iter()
        .filter(|e| {
            bracketed(&e.message_id).eq_ignore_ascii_case(id)
                || (e.message_id.is_empty() && nmids.contains(&e.network_message_id.as_str()))
        })
        .collect();
    // Detail and extended rows tell the events; a summary row only when there is nothing finer.
    let detailed = trace
        .iter()
        .any(|e| matches!(e.format, Some(TraceFormat::Detail) | Some(TraceFormat::Extended)));
    for e in trace {
        let summary = matches!(
            e.format,
            Some(TraceFormat::Summary) | Some(TraceFormat::EnhancedSummary)
        );
        if summary && detailed {
            continue;
        }
        hops.push(trace_hop(e, summary));
    }
    for e in c
        .tracking_events
        .iter()
        .filter(|e| e.message_id.eq_ignore_ascii_case(id))
    {
        if let Some(hop) = tracking_hop(e, kb) {
            hops.push(hop);
        }
    }
    for s in &c.sessions {
        // A send log names the message twice (the RecordId line, then the transaction): the transaction, which
        // has the reply, is the hop.
        let carried = s
            .messages
            .iter()
            .filter(|m| m.internet_message_id.eq_ignore_ascii_case(id));
        if let Some(m) = carried.max_by_key(|m| (!m.response.is_empty(), !m.recipients.is_empty())) {
            hops.push(session_hop(s, Some(m), JoinKey::MessageId));
        }
    }
    // A session found by time belongs to the message whose sender it carries and whose deferral it explains.
    let sender = hops
        .iter()
        .map(|h| h.sender.as_str())
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string();
    let deferred: Vec<i64> = hops
        .iter()
        .filter(|h| {
            h.source == HopSource::MessageTrace
                && (h.event.eq_ignore_ascii_case("Defer") || h.event.eq_ignore_ascii_case("Fail"))
        })
        .map(|h| h.time_ms)
        .collect();
    for s in &c.sessions_by_time {
        let sender_ok = s.mail_from().any(|a| a.eq_ignore_ascii_case(&sender));
        if sender_ok
            && deferred
                .iter()
                .any(|&t| s.start_ms <= t + 30_000 && s.end_ms >= t - 120_000)
        {
            hops.push(session_hop(s, None, JoinKey::Time));
        }
    }
    // A hop that a previous hop's reply names by InternalId is joined by it: the proof the hand-over happened.
    let handed: Vec<String> = hops
        .iter()
        .map(|h| h.next_internal_id.clone())
        .filter(|i| !i.is_empty())
        .collect();
    for hop in hops.iter_mut() {
        if hop.joined_by == JoinKey::MessageId && !hop.internal_id.is_empty() && handed.contains(&hop.internal_id) {
            hop.joined_by = JoinKey::InternalId;
        }
        if !hop.message_id.eq_ignore_ascii_case(id) && hop.joined_by == JoinKey::MessageId {
            hop.joined_by = JoinKey::NetworkMessageId;
        }
    }
    hops
}

fn trace_hop(e: &TraceEvent, summary: bool) -> Hop {
    let event = if summary && e.event.is_empty() {
        "Received".to_string()
    } else {
        e.event.clone()
    };
    let (next_internal_id, next_host) = queued_reply(if e.reason.is_empty() { &e.source_context } else { "" });
    let (next_internal_id, next_host) = if next_internal_id.is_empty() {
        queued_reply(&e.detail)
    } else {
        (next_internal_id, next_host)
    };
    let reply_status = e
        .meps
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case("RecipientStatus"))
        .map(|m| m.value.clone())
        .unwrap_or_default();
    let (next_internal_id, next_host) = if next_internal_id.is_empty() {
        queued_reply(&reply_status)
    } else {
        (next_internal_id, next_host)
    };
    Hop {
        time_ms: e.received_ms,
        server: if e.server_hostname.is_empty() {
            "Exchange Online".to_string()
        } else {
            e.server_hostname.clone()
        },
        component: Component::ExchangeOnline,
        connector: e.connector_id.clone(),
        event,
        source: HopSource::MessageTrace,
        status: e.status.clone(),
        latency_ms: None,
        session_id: String::new(),
        remote: first(&[&e.to_ip, &e.server_ip, &e.client_ip, &e.from_ip]),
        sender: e.sender_address.clone(),
        recipients: if e.recipient_address.is_empty() {
            Vec::new()
        } else {
            vec![e.recipient_address.to_ascii_lowercase()]
        },
        message_id: bracketed(&e.message_id),
        network_message_id: e.network_message_id.clone(),
        internal_id: e.internal_message_id.clone(),
        next_internal_id,
        next_host,
        error: e
            .reason_parts
            .as_ref()
            .and_then(|p| p.led.clone())
            .unwrap_or_else(|| e.reason.clone()),
        error_rule_id: e.reason_rule_id.clone(),
        error_title: e.reason_title.clone(),
        joined_by: JoinKey::MessageId,
        path: e.path.clone(),
        line: e.line,
    }
}

fn first(values: &[&String]) -> String {
    values
        .iter()
        .find(|v| !v.is_empty())
        .map(|v| v.to_string())
        .unwrap_or_default()
}

/// `250 2.6.0 <id> [InternalId=123, Hostname=HOST] ...`: the InternalId and host the receiving side gave.
fn queued_reply(text: &str) -> (String, String) {
    let value = |key: &str| {
        text.find(key).map(|i| {
            let rest = &text[i + key.len()..];
            rest[..rest.find([',', ']', ' ']).unwrap_or(rest.len())].to_string()
        })
    };
    match value("InternalId=") {
        Some(id) => (id, value("Hostname=").unwrap_or_default()),
        None => (String::new(), String::new()),
    }
}

fn tracking_server(e: &TrackingEvent) -> String {
    if let Some(server) = server_from_path(&e.path) {
        return server;
    }
    // SEND, FAIL and DEFER over SMTP name this server as the client; the other events as the server.
    let sending = e.source.eq_ignore_ascii_case("SMTP")
        && matches!(e.event_id.to_ascii_uppercase().as_str(), "SEND" | "FAIL" | "DEFER");
    let host = if sending {
        &e.client_hostname
    } else {
        &e.server_hostname
    };
    host.split('.').next().unwrap_or("").to_string()
}

fn tracking_hop(e: &TrackingEvent, kb: &KnowledgeBase) -> Option<Hop> {
    let event = e.event_id.to_ascii_uppercase();
    // Agent bookkeeping and the routing of the message inside one server add nothing to where it went.
    if matches!(
        event.as_str(),
        "AGENTINFO"
            | "HAREDIRECTFAIL"
            | "HARECEIVE"
            | "HADISCARD"
            | "NOTIFYMAPI"
            | "RESOLVE"
            | "DUPLICATEDELIVER"
            | "HAREDIRECT"
    ) {
        return None;
    }
    let file = e.path.rsplit(['/', '\\']).next().unwrap_or("").to_ascii_uppercase();
    let server = tracking_server(e);
    let component =
        if file.starts_with("MSGTRKMS") || file.starts_with("MSGTRKMD") || e.source.eq_ignore_ascii_case("STOREDRIVER")
        {
            Component::Mailbox
        } else if server.to_ascii_uppercase().contains("EDGE") || e.connector_id.starts_with("EdgeSync") {
            Component::Edge
        } else {
            Component::Hub
        };
    let status_text = e.recipient_status.join("; ");
    let (error, rule, title) = if matches!(event.as_str(), "FAIL" | "DEFER") && !status_text.is_empty() {
        let ctx = Context {
            log_type: Some(LogKind::MessageTracking),
            ..Context::default()
        };
        let best = kb.best_match(&status_text, &ctx);
        let led = crate::diagnosis::parse_last_error(&status_text)
            .led
            .unwrap_or_else(|| status_text.clone());
        let id = best.rule_id().to_string();
        let title = if id == UNRECOGNIZED {
            String::new()
        } else {
            best.finding().title
        };
        (led, id, title)
    } else {
        (String::new(), String::new(), String::new())
    };
    let (next_internal_id, next_host) = if event == "SEND" {
        queued_reply(&status_text)
    } else {
        (String::new(), String::new())
    };
    let status = match event.as_str() {
        "DELIVER" => "Delivered",
        "SEND" => "Sent",
        "FAIL" => "Failed",
        "DEFER" => "Deferred",
        "SUBMIT" | "RECEIVE" => "Received",
        "DSN" => "NonDelivery report",
        _ => "",
    };
    let session_id = e
        .source_context
        .split(';')
        .next()
        .filter(|s| s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit()))
        .unwrap_or("")
        .to_string();
    let internal_id = match &e.internal_message_id {
        crate::tracking::InternalMessageId::Number(n) => n.to_string(),
        crate::tracking::InternalMessageId::Text(t) => t.clone(),
        crate::tracking::InternalMessageId::None => String::new(),
    };
    let remote = if matches!(event.as_str(), "SEND" | "FAIL" | "DEFER") {
        first(&[&e.server_ip, &e.server_hostname])
    } else {
        first(&[&e.client_ip, &e.client_hostname])
    };
    Some(Hop {
        time_ms: e.timestamp_ms,
        server,
        component,
        connector: e.connector_id.clone(),
        event,
        source: HopSource::MessageTracking,
        status: status.to_string(),
        latency_ms: None,
        session_id,
        remote,
        sender: e.sender.clone(),
        recipients: e.recipients.iter().map(|r| r.to_ascii_lowercase()).collect(),
        message_id: e.message_id.clone(),
        network_message_id: e.network_message_id.clone(),
        internal_id,
        next_internal_id,
        next_host,
        error,
        error_rule_id: rule,
        error_title: title,
        joined_by: JoinKey::MessageId,
        path: e.path.to_string(),
        line: e.line,
    })
}

fn session_hop(s: &Session, message: Option<&crate::protocol::MessageInfo>, joined_by: JoinKey) -> Hop {
    let component = match s.role {
        Role::FrontEnd => Component::FrontEnd,
        Role::Edge => Component::Edge,
        Role::MailboxDelivery | Role::MailboxSubmission => Component::Mailbox,
        Role::Hub | Role::Unknown => Component::Hub,
    };
    let (internal_id, next_internal_id, next_host) = match (s.direction, message) {
        (Direction::Receive, Some(m)) => (m.internal_id.to_string(), String::new(), String::new()),
        (Direction::Send, Some(m)) => {
            let (next, host) = queued_reply(&m.response);
            (m.internal_id.to_string(), next, host)
        }
        _ => (String::new(), String::new(), String::new()),
    };
    let finding = s.diagnosis.first();
    let recipients = match message {
        Some(m) => m.recipients.iter().map(|r| r.as_str().to_ascii_lowercase()).collect(),
        None => s.recipients().map(|r| r.to_ascii_lowercase()).collect(),
    };
    Hop {
        time_ms: s.start_ms,
        server: s.server.to_string(),
        component,
        connector: s.connector_id.to_string(),
        event: format!("Smtp{}", s.direction.name()),
        source: HopSource::ProtocolLog,
        status: s.outcome.name().to_string(),
        latency_ms: None,
        session_id: s.session_id.to_string(),
        remote: s.remote.address.to_string(),
        sender: message
            .map(|m| m.mail_from.to_string())
            .or_else(|| s.mail_from().next().map(str::to_string))
            .unwrap_or_default(),
        recipients,
        message_id: message.map(|m| m.internet_message_id.to_string()).unwrap_or_default(),
        network_message_id: String::new(),
        internal_id,
        next_internal_id,
        next_host,
        error: if s.outcome == Outcome::Delivered {
            String::new()
        } else {
            s.last_error.to_string()
        },
        error_rule_id: finding
            .filter(|_| s.outcome != Outcome::Delivered)
            .map(|f| f.rule_id.clone())
            .unwrap_or_default(),
        error_title: finding
            .filter(|_| s.outcome != Outcome::Delivered)
            .map(|f| f.title.clone())
            .unwrap_or_default(),
        joined_by,
        path: s.files.first().map(|f| f.to_string()).unwrap_or_default(),
        line: s.line_origins.first().map_or(0, |o| o.line),
    }
}

fn short_host(name: &str) -> String {
    name.split('.').next().unwrap_or("").to_ascii_lowercase()
}

fn timeline_of(
    id: &str,
    recipient: &str,
    mut hops: Vec<Hop>,
    slow_ms: i64,
    c: &Collected,
    has_trace: bool,
) -> Timeline {
    let mut flags = Vec::new();
    for i in 1..hops.len() {
        let latency = hops[i].time_ms - hops[i - 1].time_ms;
        hops[i].latency_ms = Some(latency);
        if latency > slow_ms {
            flags.push(Flag {
                kind: FlagKind::SlowHop,
                hop: Some(i),
                message: format!(
                    "{} {} on {} came {} after the previous hop ({} on {}), more than the {} threshold",
                    hops[i].component.as_str(),
                    hops[i].event,
                    hops[i].server,
                    span(latency),
                    hops[i - 1].event,
                    hops[i - 1].server,
                    span(slow_ms)
                ),
            });
        }
    }
    // Hand-overs: the hop a reply's InternalId names, on the host it names.
    for (i, from) in hops.iter().enumerate() {
        if from.next_internal_id.is_empty() {
            continue;
        }
        let host = short_host(&from.next_host);
        let receivers: Vec<(usize, &Hop)> = hops
            .iter()
            .enumerate()
            .filter(|(_, h)| {
                h.internal_id == from.next_internal_id
                    && (host.is_empty() || short_host(&h.server) == host || h.component == Component::ExchangeOnline)
            })
            .collect();
        if receivers.is_empty() {
            let logs_of_host = !host.is_empty() && c.log_folders.contains(&host);
            // The session and the tracking event of one hand-over name the same InternalId: one flag.
            let flagged = flags.iter().any(|f: &Flag| {
                f.kind == FlagKind::MissingHop
                    && f.message.contains(&format!("as InternalId {},", from.next_internal_id))
            });
            if logs_of_host && !flagged {
                flags.push(Flag {
                    kind: FlagKind::MissingHop,
                    hop: Some(i),
                    message: format!(
                        "{} handed the message to {} as InternalId {}, but no event of {} names it",
                        from.server, from.next_host, from.next_internal_id, from.next_host
                    ),
                });
            }
            continue;
        }
        for (j, to) in receivers {
            let skew = to.time_ms - from.time_ms;
            if skew.abs() > CLOCK_SKEW_TOLERANCE_MS
                && to.source == from.source
                && short_host(&to.server) != short_host(&from.server)
            {
                flags.push(Flag {
                    kind: FlagKind::ClockSkew,
                    hop: Some(j),
                    message: format!(
                        "{} logged receiving InternalId {} {} {} {} logged handing it over in the same SMTP transaction: their clocks differ by about {}",
                        to.server,
                        to.internal_id,
                        span(skew.abs()),
                        if skew < 0 { "before" } else { "after" },
                        from.server,
                        span(skew.abs())
                    ),
                });
            }
        }
    }
    // Exchange Online sent it on-premises, and on-premises logs were given, but none of them has it.
    let on_premises = hops
        .iter()
        .any(|h| h.component != Component::ExchangeOnline && h.joined_by != JoinKey::Time);
    if let Some(i) = hops.iter().position(|h| {
        h.component == Component::ExchangeOnline
            && h.event.eq_ignore_ascii_case("Send")
            && classify(&h.remote) != AddressClass::ExchangeOnline
    }) {
        if !on_premises && (c.has_tracking_logs || c.has_protocol_logs) {
            flags.push(Flag {
                kind: FlagKind::MissingHop,
                hop: Some(i),
                message: format!("Exchange Online sent the message to {} but no on-premises log given has it: look at the logs of the server that answers there", if hops[i].remote.is_empty() { "on-premises" } else { &hops[i].remote }),
            });
        }
    }
    // On-premises sent it to Exchange Online, a trace was given, but it is not in the trace.
    if has_trace && !hops.iter().any(|h| h.component == Component::ExchangeOnline) {
        if let Some(i) = hops.iter().position(|h| {
            h.event == "SEND"
                && (classify(&h.remote) == AddressClass::ExchangeOnline || h.connector.contains("Office 365"))
        }) {
            flags.push(Flag {
                kind: FlagKind::MissingHop,
                hop: Some(i),
                message: format!("{} sent the message to Exchange Online, but the Exchange Online trace given does not have it (a trace of another time or tenant?)", hops[i].server),
            });
        }
    }
    let (location, location_server, summary, error, rule, title) = locate(&hops);
    let pick = |f: &dyn Fn(&Hop) -> &str| hops.iter().map(f).find(|v| !v.is_empty()).unwrap_or("").to_string();
    let subject = c
        .trace_events
        .iter()
        .filter(|e| bracketed(&e.message_id).eq_ignore_ascii_case(id))
        .map(|e| e.subject.as_str())
        .chain(
            c.tracking_events
                .iter()
                .filter(|e| e.message_id.eq_ignore_ascii_case(id))
                .map(|e| e.message_subject.as_str()),
        )
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string();
    Timeline {
        message_id: id.to_string(),
        network_message_id: pick(&|h| h.network_message_id.as_str()),
        sender: pick(&|h| h.sender.as_str()),
        recipient: recipient.to_string(),
        subject,
        hops,
        location,
        location_server,
        summary,
        error,
        error_rule_id: rule,
        error_title: title,
        flags,
    }
}

/// `1.2 s`, `4 min 3 s`, `2 h 5 min`.
fn span(ms: i64) -> String {
    let ms = ms.abs();
    if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else if ms < 3_600_000 {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    } else {
        format!("{} h {} min", ms / 3_600_000, (ms % 3_600_000) / 60_000)
    }
}

type Located = (Location, String, String, String, String, String);

/// Where the message is: from its last hop that moved it (a late DSN or a session found by time does not).
fn locate(hops: &[Hop]) -> Located {
    let last = hops
        .iter()
        .rev()
        .find(|h| h.event != "DSN" && h.joined_by != JoinKey::Time);
    let Some(h) = last else {
        return (
            Location::Unknown,
            String::new(),
            "No hop found".to_string(),
            String::new(),
            String::new(),
            String::new(),
        );
    };
    let with_error = |location: Location, text: String| {
        (
            location,
            h.server.clone(),
            text,
            h.error.clone(),
            h.error_rule_id.clone(),
            h.error_title.clone(),
        )
    };
    let ok = |location: Location, text: String| {
        (
            location,
            h.server.clone(),
            text,
            String::new(),
            String::new(),
            String::new(),
        )
    };
    let event = h.event.to_ascii_uppercase();
    let remote_class = classify(&h.remote);
    match (h.source, event.as_str()) {
        (HopSource::MessageTracking, "DELIVER") => ok(
            Location::DeliveredOnPremises,
            format!("Delivered to the mailbox on {}", h.server),
        ),
        (HopSource::MessageTracking, "FAIL") => {
            with_error(Location::Failed, format!("Failed on {}: {}", h.server, h.error))
        }
        (HopSource::MessageTracking, "DEFER") => with_error(
            Location::Queued,
            format!("Queued on {} after a deferral: {}", h.server, h.error),
        ),
        (HopSource::MessageTracking, "SEND")
            if remote_class == AddressClass::ExchangeOnline || h.connector.contains("Office 365") =>
        {
            ok(
                Location::Unknown,
                format!(
                    "Sent by {} to Exchange Online ({}); unknown after that hop: add the Exchange Online trace",
                    h.server, h.remote
                ),
            )
        }
        (HopSource::MessageTracking, "SEND") if remote_class == AddressClass::Public => ok(
            Location::SentToInternet,
            format!("Sent by {} over {} to {}", h.server, h.connector, h.remote),
        ),
        (HopSource::MessageTrace, "DELIVER") => ok(
            Location::DeliveredInExchangeOnline,
            format!("Delivered in Exchange Online ({})", h.server),
        ),
        (HopSource::MessageTrace, "FAIL") | (HopSource::MessageTrace, "DROP") => {
            with_error(Location::Failed, format!("Failed in Exchange Online: {}", h.error))
        }
        (HopSource::MessageTrace, "DEFER") => with_error(
            Location::Queued,
            format!("Queued in Exchange Online after a deferral: {}", h.error),
        ),
        (HopSource::MessageTrace, "SEND") if remote_class == AddressClass::Public && !h.connector.is_empty() => ok(
            Location::Unknown,
            format!(
                "Sent by Exchange Online over {} to {}; unknown after that hop: add the on-premises logs",
                h.connector, h.remote
            ),
        ),
        (HopSource::MessageTrace, "SEND") => ok(
            Location::SentToInternet,
            format!("Sent by Exchange Online to {}", h.remote),
        ),
        (HopSource::MessageTrace, _) if h.status.eq_ignore_ascii_case("Delivered") => ok(
            Location::DeliveredInExchangeOnline,
            "Delivered, as Exchange Online's trace says".to_string(),
        ),
        (HopSource::MessageTrace, _) if h.status.eq_ignore_ascii_case("Failed") => {
            with_error(Location::Failed, "Failed in Exchange Online".to_string())
        }
        (HopSource::MessageTrace, _) if h.status.eq_ignore_ascii_case("Pending") => {
            ok(Location::Queued, "Pending in Exchange Online".to_string())
        }
        (HopSource::ProtocolLog, _) if h.status == "Rejected" => with_error(
            Location::Failed,
            format!(
                "Rejected in the SMTP session {} on {}: {}",
                h.session_id, h.server, h.error
            ),
        ),
        (HopSource::ProtocolLog, _) if h.status != "Delivered" => with_error(
            Location::Queued,
            format!(
                "Queued: the SMTP session {} on {} ended {}: {}",
                h.session_id, h.server, h.status, h.error
            ),
        ),
        _ => ok(
            Location::Unknown,
            format!("Unknown after {} {} on {}", h.component.as_str(), h.event, h.server),
        ),
    }
}
