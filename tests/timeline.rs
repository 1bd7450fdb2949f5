//! Trace-HybridMessage's engine over the lab: the same messages in the on-premises logs of CMHYBD01 and CMEDGE01
//! and in Exchange Online's exports, for each direction of the lab guide's flow table.

use std::path::PathBuf;

use hybridmailflow_engine::timeline::{
    build_timelines, collect_evidence, FlagKind, JoinKey, Location, Timeline, TimelineQuery, TimelineSources,
};
use hybridmailflow_engine::trace::{import_trace, DayOrder};

const EXO_TO_ONPREM: &str = "<AM6PR02MB4312A1B2C3D4E5F6A7B8@AM6PR02MB4312.eurprd02.prod.outlook.com>";
const ONPREM_TO_EXO: &str = "<c1a7e2d94f3b4e0a9d2f6b8a1e3c5d70@CMHYBD01.cloudmonkeys.xyz>";
const ONPREM_TO_INTERNET: &str = "<e4d2b7c9a1f34c6e8b0d2f4a6c8e0b13@CMHYBD01.cloudmonkeys.xyz>";
const INTERNET_TO_ONPREM: &str = "<20260501091500.4411@mta.fabrikam.example>";

fn lab() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/timeline")
}

fn sources(trace_files: &[&str]) -> TimelineSources {
    let mut trace_events = Vec::new();
    for name in trace_files {
        let path = lab().join("exo").join(name);
        let bytes = std::fs::read(&path).unwrap();
        trace_events.extend(import_trace(&path.to_string_lossy(), &bytes, DayOrder::MonthFirst).events);
    }
    TimelineSources {
        tracking_paths: vec![lab()],
        protocol_paths: vec![lab()],
        trace_events,
    }
}

fn trace(query: TimelineQuery, trace_files: &[&str]) -> Vec<Timeline> {
    let (timelines, issues, _) = build_timelines(&query, sources(trace_files));
    assert!(issues.is_empty(), "{issues:?}");
    timelines
}

fn by_id(id: &str) -> TimelineQuery {
    TimelineQuery {
        message_ids: vec![id.to_string()],
        ..TimelineQuery::default()
    }
}

/// `component event server` of each hop, in order.
fn path(t: &Timeline) -> Vec<String> {
    t.hops
        .iter()
        .map(|h| format!("{} {} {}", h.component.as_str(), h.event, h.server))
        .collect()
}

#[test]
fn exchange_online_to_on_premises_through_the_edge() {
    let t = trace(by_id(EXO_TO_ONPREM), &["MessageTraceDetailV2.csv"]);
    assert_eq!(t.len(), 1);
    let t = &t[0];
    assert_eq!(
        path(t),
        [
            "Exchange Online Receive AM6PR02MB4312.eurprd02.prod.outlook.com",
            "Exchange Online Send AM6PR02MB4312.eurprd02.prod.outlook.com",
            "Edge SmtpReceive CMEDGE01",
            "Edge RECEIVE CMEDGE01",
            "Edge SmtpSend CMEDGE01",
            "FrontEnd SmtpReceive CMHYBD01",
            "Hub RECEIVE CMHYBD01",
            "Edge SEND CMEDGE01",
            "Mailbox DELIVER CMHYBD01",
        ]
    );
    assert_eq!(t.location, Location::DeliveredOnPremises);
    assert_eq!(t.location_server, "CMHYBD01");
    assert_eq!(t.recipient, "raghu@cloudmonkeys.xyz");
    assert_eq!(t.network_message_id, "5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0001");
    assert!(t.flags.is_empty(), "{:?}", t.flags);
    // The Hub's RECEIVE is the InternalId the Edge's SEND was given.
    let hub = t
        .hops
        .iter()
        .find(|h| h.event == "RECEIVE" && h.server == "CMHYBD01")
        .unwrap();
    assert_eq!(hub.joined_by, JoinKey::InternalId);
    assert_eq!(hub.internal_id, "40926819107001");
    let edge_session = t
        .hops
        .iter()
        .find(|h| h.event == "SmtpReceive" && h.server == "CMEDGE01")
        .unwrap();
    assert_eq!(edge_session.session_id, "08DEA7479A7A0001");
    assert_eq!(edge_session.remote, "40.93.131.40");
    assert_eq!(t.hops[1].latency_ms, Some(1000));
}

#[test]
fn on_premises_to_exchange_online_over_the_outbound_to_office_365_connector() {
    let t = &trace(by_id(ONPREM_TO_EXO), &["MessageTraceDetailV2.csv"])[0];
    assert_eq!(
        path(t),
        [
            "Mailbox SUBMIT CMHYBD01",
            "Mailbox RECEIVE CMHYBD01",
            "Hub SmtpSend CMHYBD01",
            "Hub SEND CMHYBD01",
            "Exchange Online Receive AM6PR02MB4313.eurprd02.prod.outlook.com",
            "Exchange Online Deliver AM6PR02MB4313.eurprd02.prod.outlook.com",
        ]
    );
    assert_eq!(t.location, Location::DeliveredInExchangeOnline);
    assert!(t.hops[2].connector.starts_with("Outbound to Office 365"));
    assert_eq!(t.hops[2].next_internal_id, "27711869420001");
}

#[test]
fn on_premises_to_the_internet_fails_at_the_remote_with_the_reason() {
    let t = &trace(by_id(ONPREM_TO_INTERNET), &["MessageTraceDetailV2.csv"])[0];
    // The non-delivery report is a message of its own (its own Message-ID): not a hop of this one.
    assert_eq!(
        path(t),
        [
            "Mailbox SUBMIT CMHYBD01",
            "Mailbox RECEIVE CMHYBD01",
            "Hub SmtpSend CMHYBD01",
            "Hub FAIL CMHYBD01"
        ]
    );
    assert_eq!(t.location, Location::Failed);
    assert_eq!(t.location_server, "CMHYBD01");
    assert!(
        t.error
            .starts_with("550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus"),
        "{}",
        t.error
    );
    assert!(!t.error_rule_id.is_empty() && t.error_rule_id != "Unrecognized");
    let session = &t.hops[2];
    assert_eq!(session.status, "Rejected");
    assert_eq!(session.remote, "203.0.113.25");
    // Not in the Exchange Online trace, and it never went there: nothing is missing.
    assert!(t.flags.is_empty(), "{:?}", t.flags);
}

#[test]
fn internet_to_on_premises_through_exchange_online_joins_the_refused_session_by_time() {
    let t = &trace(by_id(INTERNET_TO_ONPREM), &["MessageTraceDetailV2.csv"])[0];
    let refused = t
        .hops
        .iter()
        .find(|h| h.joined_by == JoinKey::Time)
        .expect("the session of the deferral");
    assert_eq!(refused.session_id, "08DEA7479A7A0002");
    assert_eq!(refused.status, "TempFailed");
    assert_eq!(refused.error, "451 5.7.3 STARTTLS is required to send mail");
    let defer = t.hops.iter().find(|h| h.event == "Defer").unwrap();
    assert!(defer.error.starts_with("450 4.4.317"), "{}", defer.error);
    assert_eq!(t.location, Location::DeliveredOnPremises);
    // Five minutes between the deferral and the retry.
    let slow: Vec<_> = t.flags.iter().filter(|f| f.kind == FlagKind::SlowHop).collect();
    assert_eq!(slow.len(), 0, "the default threshold is five minutes: {slow:?}");
    let q = TimelineQuery {
        slow_threshold_ms: 60_000,
        ..by_id(INTERNET_TO_ONPREM)
    };
    let t = &trace(q, &["MessageTraceDetailV2.csv"])[0];
    let slow: Vec<_> = t.flags.iter().filter(|f| f.kind == FlagKind::SlowHop).collect();
    assert_eq!(slow.len(), 1, "{:?}", t.flags);
    assert_eq!(t.hops[slow[0].hop.unwrap()].event, "Send");
}

#[test]
fn a_network_message_id_or_a_sender_finds_the_same_timeline() {
    let by_nmid = trace(
        TimelineQuery {
            network_message_ids: vec!["5b1f7a0c-3c1e-4f0e-9a7b-08de87aa0002".into()],
            ..TimelineQuery::default()
        },
        &["ExtendedReport.csv"],
    );
    assert_eq!(by_nmid.len(), 1);
    assert_eq!(by_nmid[0].message_id, ONPREM_TO_EXO);
    let by_sender = trace(
        TimelineQuery {
            senders: vec!["partner@fabrikam.example".into()],
            start_ms: Some(1_777_626_000_000),
            end_ms: Some(1_777_629_600_000),
            ..TimelineQuery::default()
        },
        &["MessageTraceV2-ps51.csv"],
    );
    assert_eq!(
        by_sender.iter().map(|t| t.message_id.as_str()).collect::<Vec<_>>(),
        [INTERNET_TO_ONPREM]
    );
}

#[test]
fn without_the_exchange_online_trace_the_message_is_unknown_after_its_hand_over() {
    let t = &trace(by_id(ONPREM_TO_EXO), &[])[0];
    assert_eq!(t.location, Location::Unknown);
    assert!(t.summary.contains("add the Exchange Online trace"), "{}", t.summary);
}

/// A copy of the lab whose CMHYBD01 hub tracking log is changed by `edit` (line by line).
fn lab_with_hub_log(edit: impl Fn(&str) -> Option<String>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&lab(), dir.path());
    let hub = dir.path().join("CMHYBD01/MessageTracking/MSGTRK2026050109-1.LOG");
    let text = std::fs::read_to_string(&hub).unwrap();
    let edited: Vec<String> = text
        .split("\r\n")
        .filter_map(|l| {
            if l.starts_with('#') || l.is_empty() || l.starts_with('\u{feff}') {
                Some(l.to_string())
            } else {
                edit(l)
            }
        })
        .collect();
    std::fs::write(&hub, edited.join("\r\n")).unwrap();
    dir
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn trace_in(dir: &std::path::Path, id: &str) -> Timeline {
    let sources = TimelineSources {
        tracking_paths: vec![dir.to_path_buf()],
        protocol_paths: vec![dir.to_path_buf()],
        trace_events: Vec::new(),
    };
    let (mut timelines, issues, _) = build_timelines(&by_id(id), sources);
    assert!(issues.is_empty(), "{issues:?}");
    timelines.remove(0)
}

#[test]
fn a_receiving_server_whose_clock_is_behind_is_flagged() {
    // CMHYBD01 logs receiving the message 45 s before CMEDGE01 logs handing it over.
    let dir = lab_with_hub_log(|l| Some(l.replacen("2026-05-01T09:05:13.050Z", "2026-05-01T09:04:28.050Z", 1)));
    let t = trace_in(dir.path(), EXO_TO_ONPREM);
    let skew: Vec<_> = t.flags.iter().filter(|f| f.kind == FlagKind::ClockSkew).collect();
    assert_eq!(skew.len(), 1, "{:?}", t.flags);
    assert!(
        skew[0]
            .message
            .starts_with("CMHYBD01 logged receiving InternalId 40926819107001 45."),
        "{}",
        skew[0].message
    );
    assert!(
        skew[0].message.contains("before CMEDGE01 logged handing it over"),
        "{}",
        skew[0].message
    );
}

#[test]
fn a_hand_over_the_receiving_server_never_logged_is_a_missing_hop() {
    // CMHYBD01's logs are there, but none has the message: not its tracking log, its FrontEnd protocol log or
    // its delivery log.
    let dir = lab_with_hub_log(|l| (!(l.contains(",RECEIVE,40926819107001,"))).then(|| l.to_string()));
    std::fs::remove_file(
        dir.path()
            .join("CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive/RECV2026050109-1.LOG"),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("CMHYBD01/MessageTracking/MSGTRKMD2026050109-1.LOG")).unwrap();
    let t = trace_in(dir.path(), EXO_TO_ONPREM);
    let missing: Vec<_> = t.flags.iter().filter(|f| f.kind == FlagKind::MissingHop).collect();
    assert_eq!(missing.len(), 1, "{:?}", t.flags);
    assert!(
        missing[0].message.contains("InternalId 40926819107001"),
        "{}",
        missing[0].message
    );
    assert_eq!(t.hops[missing[0].hop.unwrap()].event, "SmtpSend");
}

#[test]
fn a_message_the_hub_could_not_hand_to_exchange_online_is_queued_there_with_the_reason() {
    // The Hub deferred the message instead of sending it, and never opened the session.
    let dir = lab_with_hub_log(|l| {
        if !(l.contains(",SEND,") && l.contains("c1a7e2d94f3b4e0a9d2f6b8a1e3c5d70")) {
            return Some(l.to_string());
        }
        let start = l.find("\"250 2.6.0").unwrap();
        let end = start + 1 + l[start + 1..].find('"').unwrap();
        let led = "[{LED=451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain};{MSG=};{FQDN=};{IP=};{LRT=}]";
        Some(format!("{}{}{}", &l[..start], led, &l[end + 1..]).replacen(",SEND,", ",DEFER,", 1))
    });
    std::fs::remove_file(
        dir.path()
            .join("CMHYBD01/Hub/ProtocolLog/SmtpSend/SEND2026050109-1.LOG"),
    )
    .unwrap();
    let t = trace_in(dir.path(), ONPREM_TO_EXO);
    assert_eq!(
        path(&t),
        [
            "Mailbox SUBMIT CMHYBD01",
            "Mailbox RECEIVE CMHYBD01",
            "Hub DEFER CMHYBD01"
        ]
    );
    assert_eq!(t.location, Location::Queued);
    assert_eq!(t.location_server, "CMHYBD01");
    assert!(t.error.starts_with("451 4.4.0 DNS query failed"), "{}", t.error);
    assert!(
        !t.error_rule_id.is_empty() && t.error_rule_id != "Unrecognized",
        "{}",
        t.error_rule_id
    );
}

/// The lines a server sends of its logs for a trace, written again under their folders and names (as the
/// computer that asked writes them), give the timelines the whole files give, down to each hop's file and line
/// once mapped back.
#[test]
fn the_evidence_of_a_trace_gives_the_timelines_of_the_whole_logs() {
    let queries = [
        (by_id(EXO_TO_ONPREM), vec!["MessageTraceDetailV2.csv"]),
        (by_id(ONPREM_TO_EXO), vec!["MessageTraceDetailV2.csv"]),
        (by_id(ONPREM_TO_INTERNET), vec![]),
        (
            by_id(INTERNET_TO_ONPREM),
            vec!["MessageTraceV2-ps7.csv", "MessageTraceDetailV2.csv"],
        ),
        (
            TimelineQuery {
                senders: vec!["*@cloudmonkeys.xyz".to_string()],
                ..TimelineQuery::default()
            },
            vec!["MessageTraceDetailV2.csv"],
        ),
    ];
    for (query, trace_files) in queries {
        let whole = trace(query.clone(), &trace_files);
        assert!(!whole.is_empty());
        let (files, issues, _) = collect_evidence(&query, sources(&trace_files));
        assert!(issues.is_empty(), "{issues:?}");
        let dir = tempfile::tempdir().unwrap();
        // Each written line's number in the copy, and its place in the original.
        let mut origins = std::collections::HashMap::new();
        for file in &files {
            let relative = std::path::Path::new(&file.path).strip_prefix(lab()).unwrap();
            let target = dir.path().join(relative);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            let mut text = String::new();
            for line in &file.header {
                text.push_str(line);
                text.push_str("\r\n");
            }
            for (index, (number, line)) in file.lines.iter().enumerate() {
                text.push_str(line);
                text.push_str("\r\n");
                let written = (file.header.len() + index + 1) as u64;
                origins.insert(
                    (target.to_string_lossy().into_owned(), written),
                    (file.path.clone(), *number),
                );
            }
            std::fs::write(&target, text).unwrap();
        }
        let copy = TimelineSources {
            tracking_paths: vec![dir.path().to_path_buf()],
            protocol_paths: vec![dir.path().to_path_buf()],
            ..sources(&trace_files)
        };
        let (mut again, issues, _) = build_timelines(&query, copy);
        assert!(issues.is_empty(), "{issues:?}");
        for hop in again.iter_mut().flat_map(|t| t.hops.iter_mut()) {
            if let Some((path, line)) = origins.get(&(hop.path.clone(), hop.line)) {
                hop.path = path.clone();
                hop.line = *line;
            }
        }
        assert_eq!(format!("{again:#?}"), format!("{whole:#?}"));
    }
}
