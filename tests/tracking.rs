//! Message tracking logs read as `Get-MessageTrackingLog` shows them: the real rows of exchange-formats.md §2.4,
//! the lab's logs (tests/data/tracking: CMHYBD01 and CMEDGE01 in 2019 format, an Exchange 2013 and an Exchange
//! 2010 file), the cmdlet's filters, file skipping by time and server, and bad input.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use hybridmailflow_engine::logfile::{parse_utc_ms, FileSkip, Item, KindReader, LineErrorKind, Step};
use hybridmailflow_engine::tracking::{
    EventDataValue, InternalMessageId, SourceContext, TrackingEvent, TrackingFileReader, TrackingFilter,
    TrackingReader, TRACKING_FIELDS_2019,
};

fn t(s: &str) -> i64 {
    parse_utc_ms(s.as_bytes()).unwrap()
}

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/tracking")
        .join(path)
}

fn lab() -> PathBuf {
    data("CMHYBD01/MessageTracking")
}

/// Every event of `paths` under `filter`; any error fails the test.
fn events(paths: Vec<PathBuf>, filter: TrackingFilter) -> Vec<TrackingEvent> {
    TrackingReader::new(paths, filter)
        .map(|item| item.unwrap_or_else(|e| panic!("unexpected error: {e}")))
        .collect()
}

const FIELDS_2013: &str = "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data";

/// The one event of a file made of `fields` and `row`.
fn read_row(version: &str, fields: &str, row: &str) -> TrackingEvent {
    let text = format!("#Software: Microsoft Exchange Server\r\n#Version: {version}\r\n#Log-type: Message Tracking Log\r\n#Date: 2022-09-19T15:02:29.339Z\r\n#Fields: {fields}\r\n{row}\r\n");
    let mut reader = TrackingFileReader::new("MSGTRK2022091915-1.LOG", text.as_bytes(), &TrackingFilter::default());
    let event = reader
        .next_event()
        .expect("one event")
        .unwrap_or_else(|e| panic!("{e}"))
        .clone();
    assert!(reader.next_event().is_none());
    event
}

#[test]
fn real_rows_read_with_every_field_in_place() {
    struct Case {
        name: &'static str,
        version: &'static str,
        fields: &'static str,
        row: &'static str,
        check: fn(&TrackingEvent),
    }
    let cases = [
        Case {
            name: "Exchange 2016 CU23 NOTIFYMAPI (30 fields)",
            version: "15.01.2375.007",
            fields: TRACKING_FIELDS_2019,
            row: r#"2022-09-19T15:02:29.339Z,fe80::1234:5678:4321:1010%3,SERVER-HOSTNAME,,,"MDB:12345678-3232-2323-1111-12345679666, Mailbox:33345678-3232-2323-1111-08da9fd00918, Event:63779422, MessageClass:IPM.Note, CreationTime:2022-09-19T15:02:29.211Z, ClientType:MOMT, SubmissionAssistant:MailboxTransportSubmissionEmailAssistant",,STOREDRIVER,NOTIFYMAPI,,,,,,,,,,,user.name1@domain.com,,2022-09-19T15:02:29.211Z;LSRV=XXX-MAIL.DOMAIN.TEST:TOTAL-SUB=0.128|SA=0.128|MTSS-PEN=0.000,,,,,S:ItemEntryId=00-XXX-00,,12345678-3232-2323-1111-12345679988,15.01.2375.007"#,
            check: |e| {
                assert_eq!(e.timestamp_ms, t("2022-09-19T15:02:29.339Z"));
                assert_eq!(
                    (e.client_ip.as_str(), e.client_hostname.as_str(), e.server_ip.as_str()),
                    ("fe80::1234:5678:4321:1010%3", "SERVER-HOSTNAME", "")
                );
                assert_eq!((e.source.as_str(), e.event_id.as_str()), ("STOREDRIVER", "NOTIFYMAPI"));
                assert_eq!(e.internal_message_id, InternalMessageId::None);
                assert!(e.recipients.is_empty() && e.recipient_status.is_empty() && e.reference.is_empty());
                assert_eq!((e.total_bytes, e.recipient_count), (None, None));
                assert_eq!(e.sender, "user.name1@domain.com");
                let SourceContext::Properties(properties) = e.parsed_source_context() else {
                    panic!("{:?}", e.parsed_source_context())
                };
                assert_eq!(properties.len(), 7);
                assert_eq!(properties[5], ("ClientType".to_owned(), "MOMT".to_owned()));
                let info = e.parsed_message_info();
                assert_eq!(info.origination_ms, Some(t("2022-09-19T15:02:29.211Z")));
                assert_eq!(
                    (info.server(), info.total_seconds()),
                    (Some("XXX-MAIL.DOMAIN.TEST"), Some(0.128))
                );
                assert!(info.breakdowns[0].local);
                assert_eq!(e.event_data_value("ItemEntryId"), Some("00-XXX-00"));
                assert_eq!(
                    (e.transport_traffic_type.as_str(), e.log_id.as_str()),
                    ("", "12345678-3232-2323-1111-12345679988")
                );
                assert_eq!(e.schema_version, "15.01.2375.007");
            },
        },
        Case {
            name: "Exchange 2016 CU23 RECEIVE STOREDRIVER (30 fields)",
            version: "15.01.2375.007",
            fields: TRACKING_FIELDS_2019,
            row: r#"2022-09-19T15:02:29.450Z,fe80::1234:5678:4321:1010,SERVER-HOSTNAME.DOMAIN.TEST,1234:5678:4321:1010%3,SERVER-HOSTNAME,"MDB:…, ServerMdbConnectionId:08DA9806C5B670C1",,STOREDRIVER,RECEIVE,438,<XXX@domain.com>,6a638d20-1e63-493a-80a2-08da9a4ff8da,user.name4@gmail.com,To,3750222,1,,,MAIL SUBJECT,user.name1@domain.com,user.name1@domain.com,04I: ,Originating,,95.11.22.33,fe80::1234:4545:3214:1010e%3,S:MailboxDatabaseGuid=12345678-3232-2323-1111-12345679987;S:ItemEntryId=00-00-XXX-00;S:DeliveryPriority=Normal;S:AccountForest=DOMAIN.TEST,Email,12345678-3232-2323-1111-12345679987,15.01.2375.007"#,
            check: |e| {
                assert_eq!(
                    (e.server_ip.as_str(), e.server_hostname.as_str()),
                    ("1234:5678:4321:1010%3", "SERVER-HOSTNAME")
                );
                assert_eq!((e.source.as_str(), e.event_id.as_str()), ("STOREDRIVER", "RECEIVE"));
                assert_eq!(e.internal_message_id, InternalMessageId::Number(438));
                assert_eq!(
                    (e.message_id.as_str(), e.network_message_id.as_str()),
                    ("<XXX@domain.com>", "6a638d20-1e63-493a-80a2-08da9a4ff8da")
                );
                assert_eq!(
                    (e.recipients.as_slice(), e.recipient_status.as_slice()),
                    (&["user.name4@gmail.com".to_owned()][..], &["To".to_owned()][..])
                );
                assert_eq!((e.total_bytes, e.recipient_count), (Some(3_750_222), Some(1)));
                assert_eq!(
                    (e.message_subject.as_str(), e.sender.as_str(), e.return_path.as_str()),
                    ("MAIL SUBJECT", "user.name1@domain.com", "user.name1@domain.com")
                );
                assert_eq!(e.message_info, "04I: ");
                assert_eq!(e.parsed_message_info().other, "04I: ");
                assert_eq!(
                    (
                        e.directionality.as_str(),
                        e.original_client_ip.as_str(),
                        e.original_server_ip.as_str()
                    ),
                    ("Originating", "95.11.22.33", "fe80::1234:4545:3214:1010e%3")
                );
                let keys: Vec<&str> = e.event_data.iter().map(|d| d.key.as_str()).collect();
                assert_eq!(
                    keys,
                    [
                        "MailboxDatabaseGuid",
                        "ItemEntryId",
                        "DeliveryPriority",
                        "AccountForest"
                    ]
                );
                assert!(e.event_data.iter().all(|d| d.type_tag == "S"));
                assert_eq!(
                    (e.transport_traffic_type.as_str(), e.schema_version.as_str()),
                    ("Email", "15.01.2375.007")
                );
            },
        },
        Case {
            name: "Exchange 2013 HAREDIRECT (27 fields)",
            version: "15.00.1104.000",
            fields: FIELDS_2013,
            row: r#"2017-05-22T17:33:35.695Z,,,,EX13D13UWA001,"EX13D13UWB004.ant.amazon.com = 250 2.6.0 <…> [InternalId = EX13D13UWB004.ant.amazon.com, Hostname = 64712272257897] Queued mail for redundancy",,SMTP,HAREDIRECT,64712272257894,<…JavaMail.apollo@…>,13fad5b7-39c5-46e7-130e-08d4a138ac67,abannert@amazon.com;bryanson@amazon.com;zihoncao@amazon.com,,7312,3,,,Started JlbRelayShortCircuit/us-west-2/PDX1/Prod deployment,apollo@amazon.com,jlb-approval@amazon.com,,Incoming,,,,S:DeliveryPriority=Normal;S:OriginalFromAddress=jlb-approval@amazon.com;S:AccountForest=ant.amazon.com"#,
            check: |e| {
                assert_eq!(e.timestamp_ms, t("2017-05-22T17:33:35.695Z"));
                assert_eq!(e.server_hostname, "EX13D13UWA001");
                let SourceContext::SmtpReply(reply) = e.parsed_source_context() else {
                    panic!("{:?}", e.parsed_source_context())
                };
                assert_eq!(reply.remote_host.as_deref(), Some("EX13D13UWB004.ant.amazon.com"));
                assert_eq!(
                    (reply.code, reply.enhanced_code.as_deref(), reply.text.as_str()),
                    (250, Some("2.6.0"), "Queued mail for redundancy")
                );
                assert_eq!(
                    reply.properties[1],
                    ("Hostname".to_owned(), "64712272257897".to_owned())
                );
                assert_eq!((e.source.as_str(), e.event_id.as_str()), ("SMTP", "HAREDIRECT"));
                assert_eq!(e.internal_message_id, InternalMessageId::Number(64_712_272_257_894));
                assert_eq!(e.network_message_id, "13fad5b7-39c5-46e7-130e-08d4a138ac67");
                assert_eq!(
                    e.recipients,
                    ["abannert@amazon.com", "bryanson@amazon.com", "zihoncao@amazon.com"]
                );
                assert!(e.recipient_status.is_empty());
                assert_eq!((e.total_bytes, e.recipient_count), (Some(7312), Some(3)));
                assert_eq!(
                    e.message_subject,
                    "Started JlbRelayShortCircuit/us-west-2/PDX1/Prod deployment"
                );
                assert_eq!(
                    (e.sender.as_str(), e.return_path.as_str(), e.directionality.as_str()),
                    ("apollo@amazon.com", "jlb-approval@amazon.com", "Incoming")
                );
                assert_eq!(
                    e.event_data_value("OriginalFromAddress"),
                    Some("jlb-approval@amazon.com")
                );
                assert_eq!(
                    (
                        e.transport_traffic_type.as_str(),
                        e.log_id.as_str(),
                        e.schema_version.as_str()
                    ),
                    ("", "", "")
                );
                assert_eq!(e.log_version.as_deref(), Some("15.00.1104.000"));
            },
        },
    ];
    for case in &cases {
        let event = read_row(case.version, case.fields, case.row);
        assert_eq!(event.line, 6, "{}", case.name);
        (case.check)(&event);
    }
}

const EVENT_IDS: [&str; 41] = [
    "AGENTINFO",
    "BADMAIL",
    "CLIENTSUBMISSION",
    "DEFER",
    "DELIVER",
    "DELIVERFAIL",
    "DROP",
    "DSN",
    "DUPLICATEDELIVER",
    "DUPLICATEEXPAND",
    "DUPLICATEREDIRECT",
    "EXPAND",
    "FAIL",
    "HADISCARD",
    "HARECEIVE",
    "HAREDIRECT",
    "HAREDIRECTFAIL",
    "INITMESSAGECREATED",
    "LOAD",
    "MODERATIONEXPIRE",
    "MODERATORAPPROVE",
    "MODERATORREJECT",
    "MODERATORSALLNDR",
    "NOTIFYMAPI",
    "NOTIFYSHADOW",
    "POISONMESSAGE",
    "PROCESS",
    "PROCESSMEETINGMESSAGE",
    "RECEIVE",
    "REDIRECT",
    "RESOLVE",
    "RESUBMIT",
    "RESUBMITDEFER",
    "RESUBMITFAIL",
    "SEND",
    "SUBMIT",
    "SUBMITDEFER",
    "SUBMITFAIL",
    "SUPPRESSED",
    "THROTTLE",
    "TRANSFER",
];
const SOURCES: [&str; 19] = [
    "ADMIN",
    "AGENT",
    "APPROVAL",
    "BOOTLOADER",
    "DNS",
    "DSN",
    "GATEWAY",
    "MAILBOXRULE",
    "MEETINGMESSAGEPROCESSOR",
    "ORAR",
    "PICKUP",
    "POISONMESSAGE",
    "PUBLICFOLDER",
    "QUEUE",
    "REDUNDANCY",
    "ROUTING",
    "SAFETYNET",
    "SMTP",
    "STOREDRIVER",
];

#[test]
fn the_lab_logs_hold_every_event_id_and_source_in_time_order() {
    let all = events(vec![lab()], TrackingFilter::default());
    let ids: BTreeSet<&str> = all.iter().map(|e| e.event_id.as_str()).collect();
    let sources: BTreeSet<&str> = all.iter().map(|e| e.source.as_str()).collect();
    assert_eq!(ids, EVENT_IDS.into_iter().collect(), "event ids");
    assert_eq!(sources, SOURCES.into_iter().collect(), "sources");
    assert!(
        all.windows(2).all(|w| w[0].timestamp_ms <= w[1].timestamp_ms),
        "events come out in time order across the MSGTRK* streams"
    );
    let files: BTreeSet<&str> = all.iter().map(|e| e.path.rsplit('/').next().unwrap()).collect();
    assert_eq!(files.len(), 5);
    assert!(all
        .iter()
        .all(|e| e.log_version.as_deref() == Some("15.02.1544.004") && e.schema_version == "15.02.1544.004"));
}

#[test]
fn a_message_from_outlook_on_the_web_to_exchange_online_reads_as_one_story() {
    let filter = TrackingFilter {
        start_ms: Some(t("2026-05-01T06:06:56Z")),
        end_ms: Some(t("2026-05-01T06:06:58Z")),
        sender: Some("RAGHU@cloudmonkeys.xyz".into()),
        ..TrackingFilter::default()
    };
    let story: Vec<(String, String)> = events(vec![lab()], filter)
        .into_iter()
        .map(|e| (e.event_id, e.source))
        .collect();
    let want = [
        ("NOTIFYMAPI", "STOREDRIVER"),
        ("RECEIVE", "STOREDRIVER"),
        ("SUBMIT", "STOREDRIVER"),
        ("RECEIVE", "SMTP"),
        ("AGENTINFO", "AGENT"),
        ("HAREDIRECTFAIL", "SMTP"),
        ("SEND", "SMTP"),
    ];
    assert_eq!(story, want.map(|(a, b)| (a.to_owned(), b.to_owned())));
}

/// The lab event with this event id and source (the first, in time order).
fn lab_event<'a>(all: &'a [TrackingEvent], event_id: &str, source: &str) -> &'a TrackingEvent {
    all.iter()
        .find(|e| e.event_id == event_id && e.source == source)
        .unwrap_or_else(|| panic!("no {event_id} {source}"))
}

#[test]
fn the_lab_flows_read_with_their_parts() {
    let all = events(vec![lab()], TrackingFilter::default());

    let send = lab_event(&all, "SEND", "SMTP");
    assert_eq!(
        send.connector_id,
        "Outbound to Office 365 - 6b2c3f47-9a1d-4e8b-b5c2-3d7e0f91a6c4"
    );
    assert_eq!(
        (send.server_ip.as_str(), send.server_hostname.as_str()),
        ("40.107.22.51", "cloudfield.mail.protection.outlook.com")
    );
    assert_eq!(send.recipients, ["ramki@cloudfield.onmicrosoft.com"]);
    assert!(send.recipient_status[0].starts_with(
        "250 2.6.0 <a1f5c0de7b2e4c1f9d3a6b8e0c2f4a61@CMHYBD01.cloudmonkeys.xyz> [InternalId=27711869419597"
    ));
    let info = send.parsed_message_info();
    assert_eq!(
        (info.server(), info.total_seconds()),
        (Some("CMHYBD01.cloudmonkeys.xyz"), Some(0.453))
    );
    let paths: Vec<&str> = info.breakdowns[0].components.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "SMR",
            "SMR/SMRDE",
            "SMR/SMRC",
            "SMR/SMRC/SMRCL",
            "SMR/SMRC/X",
            "CAT",
            "QDE"
        ]
    );
    assert_eq!(send.event_data_value("E2ELatency"), Some("0.910"));
    assert!(
        matches!(send.parsed_source_context(), SourceContext::SmtpSession { ref session_id, number: 0, .. } if session_id == "08DEA74796A6E2C9")
    );

    let receive = lab_event(&all, "RECEIVE", "SMTP");
    assert_eq!(
        receive.parsed_source_context(),
        SourceContext::SmtpSession {
            session_id: "08DEA74796A6E2C8".into(),
            time_ms: t("2026-05-01T06:06:57.291Z"),
            number: 1
        }
    );

    let inbound = all
        .iter()
        .find(|e| e.event_id == "RECEIVE" && e.directionality == "Incoming")
        .unwrap();
    assert_eq!(
        (inbound.sender.as_str(), inbound.original_client_ip.as_str()),
        ("ramki@cloudfield.onmicrosoft.com", "40.93.66.12")
    );
    assert_eq!(
        inbound.event_data_value("ProxiedClientHostname"),
        Some("mail-am6eur05on2112.outbound.protection.outlook.com")
    );

    let rejected = lab_event(&all, "FAIL", "SMTP");
    let parts = rejected
        .recipient_status_parts()
        .next()
        .flatten()
        .expect("a bracketed status");
    assert!(
        parts
            .led
            .starts_with("550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus"),
        "{}",
        parts.led
    );
    assert_eq!(
        (parts.fqdn.as_str(), parts.ip.as_str()),
        ("cloudfield.mail.protection.outlook.com", "40.107.22.51")
    );
    let ndr = lab_event(&all, "DSN", "DSN");
    assert_eq!(
        (ndr.reference.as_slice(), ndr.return_path.as_str()),
        (&[rejected.message_id.clone()][..], "<>")
    );

    let deferred = lab_event(&all, "DEFER", "SMTP");
    assert_eq!(deferred.message_subject, "Re: \"Hybrid\" cutover, phase 2");
    let parts = deferred.recipient_status_parts().next().flatten().unwrap();
    assert_eq!(
        parts.led,
        "451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain"
    );

    let unreachable = lab_event(&all, "FAIL", "QUEUE");
    let parts = unreachable.recipient_status_parts().next().flatten().unwrap();
    assert!(
        parts
            .led
            .ends_with("A matching connector cannot be found to route the external recipient"),
        "{}",
        parts.led
    );
    assert_eq!(unreachable.recipients, ["ramki@cloudfield.onmicrosoft.com"]);

    let expand = lab_event(&all, "EXPAND", "ROUTING");
    assert_eq!(
        expand.recipients,
        [
            "anita@cloudmonkeys.xyz",
            "vijay@cloudmonkeys.xyz",
            "o'neil@cloudmonkeys.xyz"
        ]
    );
    assert_eq!(
        (expand.related_recipient_address.as_str(), expand.recipient_count),
        ("allstaff@cloudmonkeys.xyz", Some(3))
    );

    let dropped = lab_event(&all, "DROP", "AGENT");
    assert_eq!(dropped.recipient_status.len(), 3);
    assert_eq!(
        dropped.recipient_status[2],
        "550 5.7.1 TRANSPORT.RULES.RejectMessage; the message was rejected by organization policy"
    );
    assert!(dropped
        .event_data_value("TRA")
        .is_some_and(|v| v.contains("action=DeleteMessage")));

    let deliver = lab_event(&all, "DELIVER", "STOREDRIVER");
    let info = deliver.parsed_message_info();
    let totals: Vec<&str> = info
        .breakdowns
        .iter()
        .filter_map(|b| b.total.as_ref())
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(totals, ["TOTAL-HUB", "TOTAL-DEL"]);
    let attachments = deliver.event_data.iter().find(|d| d.key == "ATCH").unwrap();
    assert_eq!(attachments.typed_value(), EventDataValue::Integer(2));

    let notify = lab_event(&all, "NOTIFYMAPI", "STOREDRIVER");
    let SourceContext::Properties(properties) = notify.parsed_source_context() else {
        panic!()
    };
    assert!(properties.contains(&("ClientType".to_owned(), "OWA".to_owned())));

    let transfer = lab_event(&all, "TRANSFER", "ROUTING");
    assert_eq!(
        (transfer.reference.as_slice(), &transfer.internal_message_id),
        (
            &["40926819106870".to_owned()][..],
            &InternalMessageId::Number(40_926_819_106_871)
        )
    );
}

#[test]
fn exchange_2013_and_2010_files_map_their_columns_by_name() {
    let e2013 = events(
        vec![data("exchange2013/MSGTRK2026050106-1.LOG")],
        TrackingFilter::default(),
    );
    assert_eq!(e2013.len(), 4);
    assert!(e2013.iter().all(|e| e.log_version.as_deref() == Some("15.00.1497.002")
        && e.schema_version.is_empty()
        && e.log_id.is_empty()));
    assert_eq!(e2013[0].network_message_id, "7e4f8a0c-3d91-4f2b-86ec-08d9e1f2a3b4");
    assert_eq!(
        e2013[0].recipients,
        ["raghu@cloudmonkeys.xyz", "anita@cloudmonkeys.xyz"]
    );
    let SourceContext::SmtpReply(reply) = e2013[1].parsed_source_context() else {
        panic!("{:?}", e2013[1].parsed_source_context())
    };
    assert_eq!(
        reply.properties,
        [
            ("InternalId".to_owned(), "2199023255562".to_owned()),
            ("Hostname".to_owned(), "CMHYBD02.cloudmonkeys.xyz".to_owned())
        ]
    );
    let old_order = e2013[3].recipient_status_parts().next().flatten().unwrap();
    assert_eq!(
        old_order.led,
        "550 5.7.1 RESOLVER.RST.AuthRequired; authentication required"
    );

    let e2010 = events(
        vec![data("exchange2010/MSGTRK20260501-1.LOG")],
        TrackingFilter::default(),
    );
    assert_eq!(
        e2010.iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(),
        ["RECEIVE", "DELIVER", "DSN"]
    );
    assert!(e2010
        .iter()
        .all(|e| e.log_version.as_deref() == Some("14.0.0.0") && e.network_message_id.is_empty()));
    assert_eq!(e2010[1].recipient_status, ["250 2.0.0 OK", "250 2.0.0 OK"]);
    assert_eq!(e2010[2].timestamp_ms, t("2026-05-01T22:40:00Z"));
}

#[test]
fn filters_select_what_get_message_tracking_log_would() {
    let all = events(vec![lab()], TrackingFilter::default());
    let f = |edit: fn(&mut TrackingFilter)| {
        let mut filter = TrackingFilter::default();
        edit(&mut filter);
        filter
    };
    type Oracle = fn(&TrackingEvent) -> bool;
    let cases: Vec<(&str, TrackingFilter, usize, Oracle)> = vec![
        ("-EventId FAIL", f(|f| f.event_ids = vec!["fail".into()]), 4, |e| {
            e.event_id == "FAIL"
        }),
        (
            "-EventId DEFER,DSN",
            f(|f| f.event_ids = vec!["DEFER".into(), "DSN".into()]),
            2,
            |e| e.event_id == "DEFER" || e.event_id == "DSN",
        ),
        (
            "-Source QUEUE,DNS",
            f(|f| f.sources = vec!["QUEUE".into(), "dns".into()]),
            2,
            |e| e.source == "QUEUE" || e.source == "DNS",
        ),
        (
            "-Sender",
            f(|f| f.sender = Some("Kavya@CloudMonkeys.xyz".into())),
            3,
            |e| e.sender == "kavya@cloudmonkeys.xyz",
        ),
        (
            "-Recipients",
            f(|f| f.recipients = vec!["RAMKI@cloudfield.onmicrosoft.com".into()]),
            21,
            |e| e.recipients.iter().any(|r| r == "ramki@cloudfield.onmicrosoft.com"),
        ),
        (
            "-Recipients quoted",
            f(|f| f.recipients = vec!["o'neil@cloudmonkeys.xyz".into()]),
            8,
            |e| e.recipients.iter().any(|r| r == "o'neil@cloudmonkeys.xyz"),
        ),
        (
            "-MessageSubject",
            f(|f| f.message_subject = Some("MAIL FLOW".into())),
            20,
            |e| e.message_subject.to_lowercase().contains("mail flow"),
        ),
        (
            "-MessageId",
            f(|f| f.message_id = Some("c3e8a9172f6d4b0a8e5c1d7f3b9a2e40@CMHYBD01.cloudmonkeys.xyz".into())),
            2,
            |e| e.message_id == "<c3e8a9172f6d4b0a8e5c1d7f3b9a2e40@CMHYBD01.cloudmonkeys.xyz>",
        ),
        (
            "-InternalMessageId",
            f(|f| f.internal_message_id = Some("438".into())),
            2,
            |e| e.internal_message_id == InternalMessageId::Number(438),
        ),
        (
            "-NetworkMessageId",
            f(|f| f.network_message_id = Some("0F3B7C2E-5D41-4A8E-9C07-08DEA7480B12".into())),
            8,
            |e| e.network_message_id == "0f3b7c2e-5d41-4a8e-9c07-08dea7480b12",
        ),
        (
            "-Start -End: up to, but not including, the end",
            f(|f| {
                f.start_ms = Some(t("2026-05-01T06:30:00Z"));
                f.end_ms = Some(t("2026-05-01T06:40:00.015Z"));
            }),
            5,
            |e| (t("2026-05-01T06:30:00Z")..t("2026-05-01T06:40:00.015Z")).contains(&e.timestamp_ms),
        ),
        (
            "-Reference",
            f(|f| f.reference = Some("NOT-IN-THE-LAB@cloudmonkeys.xyz".into())),
            0,
            |_| false,
        ),
        (
            "-Sender -EventId",
            f(|f| {
                f.sender = Some("raghu@cloudmonkeys.xyz".into());
                f.event_ids = vec!["RECEIVE".into()];
            }),
            6,
            |e| e.sender == "raghu@cloudmonkeys.xyz" && e.event_id == "RECEIVE",
        ),
    ];
    for (name, filter, count, oracle) in cases {
        let got = events(vec![lab()], filter);
        let want: Vec<&TrackingEvent> = all.iter().filter(|e| oracle(e)).collect();
        assert_eq!(got.len(), count, "{name}");
        assert_eq!(got.iter().collect::<Vec<_>>(), want, "{name}");
    }
}

#[test]
fn result_size_stops_after_that_many_events() {
    let filter = TrackingFilter {
        result_size: Some(3),
        ..TrackingFilter::default()
    };
    let mut reader = TrackingReader::new(vec![lab()], filter);
    let first: Vec<String> = reader.by_ref().map(|e| e.unwrap().event_id).collect();
    assert_eq!(first, ["NOTIFYMAPI", "RECEIVE", "SUBMIT"]);
    assert_eq!(reader.stats().events, 3);
}

#[test]
fn a_time_range_skips_files_by_name_and_header_date_unread() {
    let late = TrackingFilter {
        start_ms: Some(t("2026-05-01T07:15:00Z")),
        ..TrackingFilter::default()
    };
    let mut reader = TrackingReader::new(vec![lab()], late);
    let got: Vec<String> = reader.by_ref().map(|e| e.unwrap().event_id).collect();
    assert_eq!(got, ["RECEIVE", "SEND"]);
    let stats = reader.stats();
    assert_eq!((stats.files, stats.files_skipped_by_time, stats.lines), (1, 4, 7));

    let early = TrackingFilter {
        end_ms: Some(t("2026-05-01T06:30:00Z")),
        ..TrackingFilter::default()
    };
    let mut reader = TrackingReader::new(vec![lab()], early);
    assert!(reader
        .by_ref()
        .all(|e| e.unwrap().timestamp_ms <= t("2026-05-01T06:30:00Z")));
    assert_eq!((reader.stats().files, reader.stats().files_skipped_by_time), (4, 1));

    // A copy whose name tells nothing is judged by its #Date after the header is read.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("from-cmhybd01.log");
    std::fs::copy(lab().join("MSGTRK2026050107-1.LOG"), &copy).unwrap();
    let early = TrackingFilter {
        end_ms: Some(t("2026-05-01T06:30:00Z")),
        ..TrackingFilter::default()
    };
    let mut reader = TrackingReader::new(vec![copy], early);
    assert!(reader.next().is_none());
    assert_eq!(
        (
            reader.stats().files,
            reader.stats().files_skipped_by_time,
            reader.stats().lines
        ),
        (0, 1, 0)
    );
}

#[test]
fn server_selects_files_by_their_folder_then_rows_by_server_hostname() {
    let everything = vec![data("")];
    let filter = TrackingFilter {
        server: Some("cmedge01".into()),
        ..TrackingFilter::default()
    };
    let mut reader = TrackingReader::new(everything.clone(), filter);
    let got: Vec<TrackingEvent> = reader.by_ref().map(Result::unwrap).collect();
    assert_eq!(
        got.iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(),
        ["RECEIVE", "SEND"]
    );
    assert!(got.iter().all(|e| e.path.contains("CMEDGE01")));
    assert_eq!(reader.stats().files_skipped_by_server, 5);

    // Files with no server in their path are matched row by row: the CMHYBD01 rows of the 2013 and 2010 files.
    let filter = TrackingFilter {
        server: Some("CMHYBD01.cloudmonkeys.xyz".into()),
        ..TrackingFilter::default()
    };
    let got = events(everything.clone(), filter);
    let outside_lab = got.iter().filter(|e| !e.path.contains("CMHYBD01")).count();
    assert_eq!(outside_lab, 7);
    assert!(!got.iter().any(|e| e.path.contains("CMEDGE01")));

    // The local server's own logs: the reader is told whose they are.
    let filter = TrackingFilter {
        server: Some("CMEDGE01".into()),
        ..TrackingFilter::default()
    };
    let copy_dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        lab().join("MSGTRK2026050107-1.LOG"),
        copy_dir.path().join("MSGTRK2026050107-1.LOG"),
    )
    .unwrap();
    let mut reader = TrackingReader::new(vec![copy_dir.path().to_owned()], filter).default_server("CMHYBD01");
    assert!(reader.next().is_none());
    assert_eq!(reader.stats().files_skipped_by_server, 1);
}

/// What a reader reports, in order: events, files started and done, files skipped and why.
fn reader_log(mut reader: TrackingReader) -> Vec<String> {
    let mut spare = Vec::new();
    let mut log = Vec::new();
    let name = |path: &str| path.rsplit(['/', '\\']).next().unwrap().to_owned();
    while let Step::Item(item) = reader.read_step(&mut spare) {
        log.push(match item {
            Item::Row(row) => format!("event {}", row.event.event_id),
            Item::FileStarted { path, index, count } => format!("started {} {index}/{count}", name(&path)),
            Item::FileDone {
                path,
                stats,
                skipped: None,
            } => format!("done {} {} lines", name(&path), stats.lines),
            Item::FileDone {
                path,
                skipped: Some(FileSkip::Time),
                ..
            } => format!("skipped by time {}", name(&path)),
            Item::FileDone {
                path,
                skipped: Some(FileSkip::Server),
                ..
            } => format!("skipped by server {}", name(&path)),
            Item::Error(e) => panic!("{e}"),
            Item::FileRestarted { path, .. } => panic!("{path} restarted"),
        });
    }
    log
}

#[test]
fn each_file_is_reported_when_started_and_done_or_why_it_was_skipped() {
    // Streams are opened in the order of their folders (CMEDGE01, CMHYBD01, exchange2010, exchange2013); the 2010
    // file is daily, so only its rows show which of them are in the range.
    let late = TrackingFilter {
        start_ms: Some(t("2026-05-01T07:15:00Z")),
        ..TrackingFilter::default()
    };
    assert_eq!(
        reader_log(TrackingReader::new(vec![data("")], late)),
        [
            "skipped by time MSGTRK2026050106-1.LOG",
            "skipped by time MSGTRK2026050106-1.LOG",
            "started MSGTRK2026050107-1.LOG 2/8",
            "skipped by time MSGTRKMA2026050106-1.LOG",
            "skipped by time MSGTRKMD2026050106-1.LOG",
            "skipped by time MSGTRKMS2026050106-1.LOG",
            "started MSGTRK20260501-1.LOG 6/8",
            "skipped by time MSGTRK2026050106-1.LOG",
            "event RECEIVE",
            "event SEND",
            "done MSGTRK2026050107-1.LOG 7 lines",
            "event DSN",
            "done MSGTRK20260501-1.LOG 8 lines",
        ]
    );
    // The files that name no server are the default server's.
    let edge = TrackingFilter {
        server: Some("CMEDGE01".into()),
        ..TrackingFilter::default()
    };
    let log = reader_log(TrackingReader::new(vec![data("")], edge).default_server("CMHYBD01"));
    assert_eq!(log.iter().filter(|l| l.starts_with("skipped by server")).count(), 7);
    let read: Vec<&String> = log.iter().filter(|l| !l.starts_with("skipped by server")).collect();
    assert_eq!(
        read,
        [
            "started MSGTRK2026050106-1.LOG 0/8",
            "event RECEIVE",
            "event SEND",
            "done MSGTRK2026050106-1.LOG 7 lines"
        ]
    );
}

#[test]
fn owned_and_borrowed_events_are_the_same() {
    let owned = events(vec![data("")], TrackingFilter::default());
    let mut reader = TrackingReader::new(vec![data("")], TrackingFilter::default());
    let mut borrowed = Vec::new();
    while let Some(item) = reader.next_event() {
        borrowed.push(item.unwrap().clone());
    }
    assert_eq!(owned.len(), 64);
    assert_eq!(owned, borrowed);
    assert_eq!(reader.stats().events, 64);
}

const HEADER_2019: &str = "\u{feff}#Software: Microsoft Exchange Server\r\n#Version: 15.02.1544.004\r\n#Log-type: Message Tracking Log\r\n#Date: 2026-05-01T06:00:01.203Z\r\n";

#[test]
fn bad_input_is_reported_with_file_and_line_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let good = "2026-05-01T06:06:57.305Z,192.168.1.13,CMHYBD01.cloudmonkeys.xyz,192.168.1.13,CMHYBD01,08DEA74796A6E2C8;2026-05-01T06:06:57.291Z;1,CMHYBD01\\Default CMHYBD01,SMTP,RECEIVE,40926819106817,<a1@CMHYBD01.cloudmonkeys.xyz>,6a638d20-1e63-493a-80a2-08dea74796a6,ramki@cloudfield.onmicrosoft.com,,9215,1,,,Hybrid mail flow test,raghu@cloudmonkeys.xyz,raghu@cloudmonkeys.xyz,,Originating,,,192.168.1.13,S:DeliveryPriority=Normal,Email,7c1e0a52-3f4b-4d6e-9a8b-08dea74796a6,15.02.1544.004";
    let with = |field: usize, value: &str| {
        let mut fields: Vec<&str> = good.split(',').collect();
        fields[field] = value;
        fields.join(",")
    };
    let long = with(18, &"x".repeat(3000));
    let lines = [
        good.to_owned(),                                      // line 6
        "2026-05-01T06:07:00.000Z,too,few,fields".to_owned(), // 7
        with(0, "01/05/2026 06:07"),                          // 8
        long,                                                 // 9
        with(18, "\"unterminated"),                           // 10
        with(14, "9kB"),                                      // 11
        with(15, "99999999999"),                              // 12
        String::new(),                                        // 13: blank lines are nothing
        with(0, "2026-05-01T06:08:00.000Z"),                  // 14
    ];
    let mut text = format!("{HEADER_2019}#Fields: {TRACKING_FIELDS_2019}\r\n");
    for line in &lines {
        text.push_str(line);
        text.push_str("\r\n");
    }
    text.push_str("2026-05-01T06:09:00.000Z,192.168.1.13,CMHYBD01"); // 15: being written
    std::fs::write(dir.path().join("MSGTRK2026050106-1.LOG"), text).unwrap();
    std::fs::write(
        dir.path().join("RECV2026050106-1.LOG"),
        "#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP Receive Protocol Log\r\n#Date: 2026-05-01T06:00:04.113Z\r\n#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n2026-05-01T06:00:05.000Z,CMHYBD01\\Default Frontend CMHYBD01,08DEA74796A6E2C8,0,192.168.1.13:25,40.107.22.51:51234,+,,\r\n",
    )
    .unwrap();
    let mut binary = std::fs::File::create(dir.path().join("MSGTRK2026050106-2.LOG")).unwrap();
    binary
        .write_all(b"PK\x03\x04\x00\x00\x08\x00binary zip\n\x00\x01\x02")
        .unwrap();
    drop(binary);
    std::fs::write(
        dir.path().join("MSGTRK2026050106-3.LOG"),
        format!("{HEADER_2019}#Fields: date-time,client-ip,sender-address\r\n2026-05-01T06:00:00.000Z,1.2.3.4,a@b\r\n"),
    )
    .unwrap();

    let paths = [
        "MSGTRK2026050106-1.LOG",
        "RECV2026050106-1.LOG",
        "MSGTRK2026050106-2.LOG",
        "MSGTRK2026050106-3.LOG",
    ]
    .map(|n| dir.path().join(n))
    .to_vec();
    let mut reader = TrackingReader::new(paths, TrackingFilter::default()).max_line_bytes(2048);
    let mut good_lines = Vec::new();
    let mut errors = Vec::new();
    for item in reader.by_ref() {
        match item {
            Ok(event) => good_lines.push(event.line),
            Err(e) => {
                let file = e.path.rsplit('/').next().unwrap().to_owned();
                assert!(e.to_string().contains(&file), "{e}");
                errors.push((file, e.line, e.kind, e.message));
            }
        }
    }
    assert_eq!(good_lines, [6, 14]);
    let kinds: Vec<(&str, u64, LineErrorKind)> = errors.iter().map(|(f, l, k, _)| (f.as_str(), *l, *k)).collect();
    let want = [
        ("MSGTRK2026050106-1.LOG", 7, LineErrorKind::FieldCount),
        ("MSGTRK2026050106-1.LOG", 8, LineErrorKind::BadTime),
        ("MSGTRK2026050106-1.LOG", 9, LineErrorKind::LineTooLong),
        ("MSGTRK2026050106-1.LOG", 10, LineErrorKind::BadQuoting),
        ("MSGTRK2026050106-1.LOG", 11, LineErrorKind::BadValue),
        ("MSGTRK2026050106-1.LOG", 12, LineErrorKind::BadValue),
        ("MSGTRK2026050106-2.LOG", 1, LineErrorKind::NotALog),
        ("MSGTRK2026050106-3.LOG", 0, LineErrorKind::NotALog),
        ("RECV2026050106-1.LOG", 0, LineErrorKind::NotALog),
    ];
    let mut sorted = kinds.clone();
    sorted.sort_by_key(|(file, line, _)| (*file, *line));
    assert_eq!(sorted, want);
    let refusal = errors.iter().find(|(f, ..)| f.starts_with("RECV")).unwrap();
    assert_eq!(
        refusal.3,
        "is a 'SMTP Receive Protocol Log' file, not a Message Tracking Log; refused"
    );
    assert!(errors
        .iter()
        .any(|(_, line, _, m)| *line == 8 && m.contains("'01/05/2026 06:07'")));
    let stats = reader.stats();
    assert_eq!(
        (
            stats.events,
            stats.skipped_lines,
            stats.truncated_lines,
            stats.files_refused,
            stats.files
        ),
        (2, 7, 1, 3, 4)
    );
}

#[test]
fn a_folder_without_tracking_logs_is_an_error_not_silence() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a log").unwrap();
    let items: Vec<_> = TrackingReader::new(vec![dir.path().to_owned()], TrackingFilter::default()).collect();
    assert_eq!(items.len(), 1);
    let err = items[0].as_ref().unwrap_err();
    assert_eq!((err.kind, err.line), (LineErrorKind::NotALog, 0));
    assert!(err.message.contains("MSGTRK"));
}

#[test]
fn tracking_logs_saved_in_utf16_or_without_bom_read_as_the_originals() {
    let originals: Vec<PathBuf> = std::fs::read_dir(lab()).unwrap().map(|e| e.unwrap().path()).collect();
    let want = events(vec![lab()], TrackingFilter::default());
    assert!(want.len() > 20);
    let dir = tempfile::tempdir().unwrap();
    // (folder, how the text is written)
    type Encoder = fn(&str) -> Vec<u8>;
    let encodings: &[(&str, Encoder)] = &[
        ("utf8-no-bom", |t| t.trim_start_matches('\u{feff}').as_bytes().to_vec()),
        ("utf16-le", |t| {
            let mut out = vec![0xFF, 0xFE];
            t.trim_start_matches('\u{feff}')
                .encode_utf16()
                .for_each(|u| out.extend_from_slice(&u.to_le_bytes()));
            out
        }),
        ("utf16-be", |t| {
            let mut out = vec![0xFE, 0xFF];
            t.trim_start_matches('\u{feff}')
                .encode_utf16()
                .for_each(|u| out.extend_from_slice(&u.to_be_bytes()));
            out
        }),
    ];
    for (folder, write) in encodings {
        let copy = dir.path().join(folder).join("CMHYBD01/MessageTracking");
        std::fs::create_dir_all(&copy).unwrap();
        for original in &originals {
            let text = std::fs::read_to_string(original).unwrap();
            std::fs::write(copy.join(original.file_name().unwrap()), write(&text)).unwrap();
        }
        let got = events(vec![copy], TrackingFilter::default());
        assert_eq!(got.len(), want.len(), "{folder}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(
                (
                    g.timestamp_ms,
                    &g.event_id,
                    &g.recipient_status,
                    &g.message_subject,
                    &g.sender,
                    g.line
                ),
                (
                    w.timestamp_ms,
                    &w.event_id,
                    &w.recipient_status,
                    &w.message_subject,
                    &w.sender,
                    w.line
                ),
                "{folder}"
            );
        }
    }
}
