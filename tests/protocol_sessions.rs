//! Sessions rebuilt from protocol logs written the way Exchange writes them.

use std::path::{Path, PathBuf};

use hybridmailflow_engine::logfile::{Item, Step};
use hybridmailflow_engine::protocol::{
    AuthResult, Direction, Outcome, ProtocolFilter, ProtocolReader, ProtocolRow, ReadMode, Role, Session, TlsMode,
};

const RECV_HEADER: &str = "#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP Receive Protocol Log\r\n#Date: 2026-05-01T06:00:00.000Z\r\n#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n";
const SEND_HEADER: &str = "#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP Send Protocol Log\r\n#Date: 2026-05-01T06:00:00.000Z\r\n#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n";

fn write_log(dir: &Path, relative: &str, header: &str, lines: &[&str]) -> PathBuf {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut text = String::from("\u{feff}");
    text.push_str(header);
    for line in lines {
        text.push_str(line);
        text.push_str("\r\n");
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn read_sessions(paths: Vec<PathBuf>, filter: ProtocolFilter) -> (Vec<Session>, Vec<String>) {
    let mut reader = ProtocolReader::new(ReadMode::Sessions, filter, paths);
    let (mut sessions, mut errors) = (Vec::new(), Vec::new());
    loop {
        match reader.next() {
            Step::Item(Item::Row(ProtocolRow::Session(s))) => sessions.push(*s),
            Step::Item(Item::Error(e)) => errors.push(e.to_string()),
            Step::Item(_) => {}
            Step::Pending | Step::End => return (sessions, errors),
        }
    }
}

const FE: &str = r"CMHYBD01\Default Frontend CMHYBD01";

/// An EXO → on-premises delivery, lines as in exchange-formats.md §1.5, split over two hourly files.
fn exo_inbound(dir: &Path) -> Vec<PathBuf> {
    let first = write_log(dir, "CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive/RECV2026050105-1.LOG", RECV_HEADER, &[
        &format!("2026-05-01T05:59:58.100Z,{FE},08DEA74796A6E2C8,0,192.168.1.13:25,40.93.131.26:31611,+,,"),
        &format!("2026-05-01T05:59:58.101Z,{FE},08DEA74796A6E2C8,1,192.168.1.13:25,40.93.131.26:31611,*,SMTPSubmit SMTPAcceptAnyRecipient SMTPAcceptAnySender,Set Session Permissions"),
        &format!("2026-05-01T05:59:58.102Z,{FE},08DEA74796A6E2C8,2,192.168.1.13:25,40.93.131.26:31611,>,\"220 CMHYBD01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready at Fri, 1 May 2026 06:59:58 +0100\","),
        &format!("2026-05-01T05:59:58.200Z,{FE},08DEA74796A6E2C8,3,192.168.1.13:25,40.93.131.26:31611,<,EHLO PNYPR01CU001.outbound.protection.outlook.com,"),
        &format!("2026-05-01T05:59:58.201Z,{FE},08DEA74796A6E2C8,4,192.168.1.13:25,40.93.131.26:31611,>,250  CMHYBD01.cloudmonkeys.xyz Hello [40.93.131.26] SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES STARTTLS X-ANONYMOUSTLS AUTH NTLM X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME CHUNKING XRDST,"),
        &format!("2026-05-01T05:59:58.300Z,{FE},08DEA74796A6E2C8,5,192.168.1.13:25,40.93.131.26:31611,<,STARTTLS,"),
        &format!("2026-05-01T05:59:58.301Z,{FE},08DEA74796A6E2C8,6,192.168.1.13:25,40.93.131.26:31611,>,220 2.0.0 SMTP server ready,"),
        &format!("2026-05-01T05:59:58.302Z,{FE},08DEA74796A6E2C8,7,192.168.1.13:25,40.93.131.26:31611,*,\" CN=mail.cloudmonkeys.xyz CN=R11, O=Let's Encrypt, C=US 04A1B2 9F3C2E7A11B4D5E6F708192A3B4C5D6E7F809A1B 2026-03-01T00:00:00.000Z 2026-05-30T00:00:00.000Z mail.cloudmonkeys.xyz;autodiscover.cloudmonkeys.xyz\",Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names"),
        &format!("2026-05-01T05:59:58.400Z,{FE},08DEA74796A6E2C8,8,192.168.1.13:25,40.93.131.26:31611,*,,\"TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits\""),
        &format!("2026-05-01T05:59:58.500Z,{FE},08DEA74796A6E2C8,9,192.168.1.13:25,40.93.131.26:31611,*,,TlsDomainCapabilities='AcceptCloudServicesMail'; Status='Success'; Domain='mail.protection.outlook.com'"),
    ]);
    let second = write_log(dir, "CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive/RECV2026050106-1.LOG", RECV_HEADER, &[
        &format!("2026-05-01T06:00:00.100Z,{FE},08DEA74796A6E2C8,10,192.168.1.13:25,40.93.131.26:31611,<,MAIL FROM:<sender@fabrikam.example> SIZE=20480,"),
        &format!("2026-05-01T06:00:00.101Z,{FE},08DEA74796A6E2C8,11,192.168.1.13:25,40.93.131.26:31611,<,RCPT TO:<raghu@cloudmonkeys.xyz>,"),
        &format!("2026-05-01T06:00:00.102Z,{FE},08DEA74796A6E2C8,12,192.168.1.13:25,40.93.131.26:31611,>,250 2.1.0 Sender OK,"),
        &format!("2026-05-01T06:00:00.103Z,{FE},08DEA74796A6E2C8,13,192.168.1.13:25,40.93.131.26:31611,>,250 2.1.5 Recipient OK,"),
        &format!("2026-05-01T06:00:00.104Z,{FE},08DEA74796A6E2C8,14,192.168.1.13:25,40.93.131.26:31611,<,BDAT 20480 LAST,"),
        &format!("2026-05-01T06:00:00.604Z,{FE},08DEA74796A6E2C8,15,192.168.1.13:25,40.93.131.26:31611,>,\"250 2.6.0 <c0ffee01@PNYPR01MB1234.namprd01.prod.outlook.com> [InternalId=73014444033, Hostname=CMHYBD01.cloudmonkeys.xyz] 20480 bytes in 0.500, 40.000 KB/sec Queued mail for delivery\","),
        &format!("2026-05-01T06:00:00.700Z,{FE},08DEA74796A6E2C8,16,192.168.1.13:25,40.93.131.26:31611,<,QUIT,"),
        &format!("2026-05-01T06:00:00.701Z,{FE},08DEA74796A6E2C8,17,192.168.1.13:25,40.93.131.26:31611,>,221 2.0.0 Service closing transmission channel,"),
        &format!("2026-05-01T06:00:00.702Z,{FE},08DEA74796A6E2C8,18,192.168.1.13:25,40.93.131.26:31611,-,,Local"),
    ]);
    vec![second, first]
}

#[test]
fn a_session_split_over_two_hourly_files_given_out_of_order_is_one_delivered_session() {
    let dir = tempfile::tempdir().unwrap();
    let (sessions, errors) = read_sessions(exo_inbound(dir.path()), ProtocolFilter::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert_eq!(s.outcome, Outcome::Delivered);
    assert_eq!(
        (s.server.as_str(), s.direction, s.role),
        ("CMHYBD01", Direction::Receive, Role::FrontEnd)
    );
    assert_eq!(s.session_id, "08DEA74796A6E2C8");
    assert_eq!(s.line_count, 19);
    assert_eq!(s.duration_ms(), 2602);
    assert_eq!(
        (s.remote.address.as_str(), s.remote.port),
        ("40.93.131.26", Some(31611))
    );
    assert_eq!((s.local.address.as_str(), s.local.port), ("192.168.1.13", Some(25)));
    assert!(s.is_exchange_online);
    assert_eq!(s.helo, "PNYPR01CU001.outbound.protection.outlook.com");
    assert!(s.banner.starts_with("220 CMHYBD01.cloudmonkeys.xyz Microsoft ESMTP"));
    assert!(s.extensions.contains(&"STARTTLS".to_owned()) && s.extensions.contains(&"SIZE 37748736".to_owned()));
    assert_eq!(s.tls_mode, TlsMode::StartTls);
    assert_eq!(s.tls_succeeded, Some(true));
    assert_eq!(
        (s.tls.protocol.as_str(), s.tls.cipher.as_str(), s.tls.cipher_strength),
        ("SP_PROT_TLS1_2_SERVER", "CALG_AES_256", Some(256))
    );
    assert_eq!(s.tls.certificates[0].subject, "CN=mail.cloudmonkeys.xyz");
    assert_eq!(s.tls.certificates[0].issuer, "CN=R11, O=Let's Encrypt, C=US");
    assert_eq!(s.tls.domain_capabilities, "AcceptCloudServicesMail");
    assert_eq!(s.tls.domain_capabilities_status, "Success");
    assert_eq!(s.permissions, "SMTPSubmit SMTPAcceptAnyRecipient SMTPAcceptAnySender");
    let m = &s.messages[0];
    assert_eq!(m.mail_from, "sender@fabrikam.example");
    assert_eq!(m.recipients, ["raghu@cloudmonkeys.xyz"]);
    assert_eq!(
        m.internet_message_id,
        "<c0ffee01@PNYPR01MB1234.namprd01.prod.outlook.com>"
    );
    assert_eq!(
        (m.internal_id.as_str(), m.hostname.as_str()),
        ("73014444033", "CMHYBD01.cloudmonkeys.xyz")
    );
    assert_eq!(s.bytes, Some(20480));
    assert!((s.throughput_kbps.unwrap() - 40.0).abs() < 0.01);
    assert_eq!(
        s.responses().collect::<Vec<_>>(),
        [
            "220",
            "250",
            "220 2.0.0",
            "250 2.1.0",
            "250 2.1.5",
            "250 2.6.0",
            "221 2.0.0"
        ]
    );
    assert_eq!(s.disconnect_reason, "Local");
    let decided = s.outcome_line.as_ref().unwrap();
    assert!(decided.path.ends_with("RECV2026050106-1.LOG"));
    assert_eq!(decided.line, 11);
    assert_eq!(s.raw_lines.lines().count(), 19);
    assert!(s.raw_lines.lines().next().unwrap().ends_with(",+,,"));
}

#[test]
fn failed_auth_with_tarpit_is_auth_failed() {
    let dir = tempfile::tempdir().unwrap();
    let c = r"CMHYBD01\Client Frontend CMHYBD01";
    let path = write_log(dir.path(), "CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive/RECV2026050106-1.LOG", RECV_HEADER, &[
        &format!("2026-05-01T06:10:00.000Z,{c},08DEA74796A6E300,0,192.168.1.13:587,198.51.100.77:50211,+,,"),
        &format!("2026-05-01T06:10:00.001Z,{c},08DEA74796A6E300,1,192.168.1.13:587,198.51.100.77:50211,>,\"220 CMHYBD01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready at Fri, 1 May 2026 07:10:00 +0100\","),
        &format!("2026-05-01T06:10:00.100Z,{c},08DEA74796A6E300,2,192.168.1.13:587,198.51.100.77:50211,<,EHLO [198.51.100.77],"),
        &format!("2026-05-01T06:10:00.200Z,{c},08DEA74796A6E300,3,192.168.1.13:587,198.51.100.77:50211,<,AUTH LOGIN,"),
        &format!("2026-05-01T06:10:00.201Z,{c},08DEA74796A6E300,4,192.168.1.13:587,198.51.100.77:50211,>,334 <authentication response>,"),
        &format!("2026-05-01T06:10:00.300Z,{c},08DEA74796A6E300,5,192.168.1.13:587,198.51.100.77:50211,*,,Inbound AUTH LOGIN failed because of LogonDenied"),
        &format!("2026-05-01T06:10:00.300Z,{c},08DEA74796A6E300,5,192.168.1.13:587,198.51.100.77:50211,*,,User Name: helpdesk@cloudmonkeys.xyz"),
        &format!("2026-05-01T06:10:00.301Z,{c},08DEA74796A6E300,7,192.168.1.13:587,198.51.100.77:50211,*,Tarpit for '0.00:00:05',"),
        &format!("2026-05-01T06:10:05.301Z,{c},08DEA74796A6E300,8,192.168.1.13:587,198.51.100.77:50211,>,535 5.7.3 Authentication unsuccessful,"),
        &format!("2026-05-01T06:10:05.400Z,{c},08DEA74796A6E300,9,192.168.1.13:587,198.51.100.77:50211,-,,Remote"),
    ]);
    let (sessions, _) = read_sessions(vec![path], ProtocolFilter::default());
    let s = &sessions[0];
    assert_eq!(s.outcome, Outcome::AuthFailed);
    assert_eq!(s.auth_result, AuthResult::Failed);
    assert_eq!(s.auth_mechanism, "LOGIN");
    assert_eq!(s.auth_user, "helpdesk@cloudmonkeys.xyz");
    assert_eq!(s.auth_failure, "LogonDenied");
    assert_eq!(s.tarpit_ms, 5000);
    assert_eq!(s.outcome_line.as_ref().unwrap().line, 11);
    assert!(!s.is_exchange_online);
}

#[test]
fn send_sessions_connect_failure_and_exo_rejection() {
    let dir = tempfile::tempdir().unwrap();
    let hcw = "Outbound to Office 365 - 6c3b1d42-9a7e-4c1b-8f0e-2d5a7b9c1e33";
    let path = write_log(dir.path(), "CMHYBD01/Hub/ProtocolLog/SmtpSend/SEND2026050106-1.LOG", SEND_HEADER, &[
        &format!("2026-05-01T06:20:00.000Z,{hcw},08DEA74796A6F001,0,,40.107.22.54:25,*,,attempting to connect"),
        &format!("2026-05-01T06:20:21.000Z,{hcw},08DEA74796A6F001,1,,40.107.22.54:25,-,,\"Failed to connect. Winsock error code: 10061, Win32 error code: 10061.\""),
        "2026-05-01T06:21:00.000Z,Internet,08DEA74796A6F002,0,,203.0.113.25:25,*,,attempting to connect",
        "2026-05-01T06:21:00.100Z,Internet,08DEA74796A6F002,1,192.168.1.13:50001,203.0.113.25:25,+,,",
        "2026-05-01T06:21:00.200Z,Internet,08DEA74796A6F002,2,192.168.1.13:50001,203.0.113.25:25,<,220 mx.fabrikam.example ESMTP ready,",
        "2026-05-01T06:21:00.201Z,Internet,08DEA74796A6F002,3,192.168.1.13:50001,203.0.113.25:25,>,EHLO mail.cloudmonkeys.xyz,",
        "2026-05-01T06:21:00.300Z,Internet,08DEA74796A6F002,4,192.168.1.13:50001,203.0.113.25:25,<,250-mx.fabrikam.example Hello [27.7.57.241],",
        "2026-05-01T06:21:00.300Z,Internet,08DEA74796A6F002,5,192.168.1.13:50001,203.0.113.25:25,<,250-SIZE 52428800,",
        "2026-05-01T06:21:00.300Z,Internet,08DEA74796A6F002,6,192.168.1.13:50001,203.0.113.25:25,<,250 PIPELINING,",
        "2026-05-01T06:21:00.400Z,Internet,08DEA74796A6F002,7,192.168.1.13:50001,203.0.113.25:25,>,MAIL FROM:<raghu@cloudmonkeys.xyz> SIZE=4096,",
        "2026-05-01T06:21:00.500Z,Internet,08DEA74796A6F002,8,192.168.1.13:50001,203.0.113.25:25,<,550 5.7.1 Service unavailable; Client host [27.7.57.241] blocked using Spamhaus,",
        "2026-05-01T06:21:00.600Z,Internet,08DEA74796A6F002,9,192.168.1.13:50001,203.0.113.25:25,>,QUIT,",
        "2026-05-01T06:21:00.700Z,Internet,08DEA74796A6F002,10,192.168.1.13:50001,203.0.113.25:25,<,221 2.0.0 Bye,",
        "2026-05-01T06:21:00.701Z,Internet,08DEA74796A6F002,11,192.168.1.13:50001,203.0.113.25:25,-,,Local",
    ]);
    let (sessions, _) = read_sessions(vec![path.clone()], ProtocolFilter::default());
    assert_eq!(sessions.len(), 2);
    let connect = &sessions[0];
    assert_eq!(connect.outcome, Outcome::ConnectFailed);
    assert_eq!(connect.direction, Direction::Send);
    assert_eq!(connect.server, "CMHYBD01");
    assert!(connect.is_exchange_online);
    assert!(connect.outcome_text.contains("10061"));
    let spam = &sessions[1];
    assert_eq!(spam.outcome, Outcome::Rejected);
    assert_eq!(spam.remote_host, "mx.fabrikam.example");
    assert_eq!(spam.helo, "mail.cloudmonkeys.xyz");
    assert_eq!(*spam.extensions, ["SIZE 52428800", "PIPELINING"]);
    assert!(spam.last_error.starts_with("550 5.7.1 Service unavailable"));
    assert_eq!(spam.outcome_line.as_ref().unwrap().line, 16);

    let only_rejected = ProtocolFilter {
        outcomes: vec![Outcome::Rejected],
        ..Default::default()
    };
    let (sessions, _) = read_sessions(vec![path.clone()], only_rejected);
    assert_eq!(
        sessions.iter().map(|s| s.session_id.as_str()).collect::<Vec<_>>(),
        ["08DEA74796A6F002"]
    );
    let by_sender = ProtocolFilter {
        senders: vec![hybridmailflow_engine::pattern::Pattern::exact_or_wildcard(
            "*@CLOUDMONKEYS.xyz",
        )],
        ..Default::default()
    };
    assert_eq!(read_sessions(vec![path], by_sender).0.len(), 1);
}

#[test]
fn bad_lines_and_files_are_reported_with_file_and_line_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = exo_inbound(dir.path());
    let bad = write_log(
        dir.path(),
        "x/RECV2026050104-1.LOG",
        RECV_HEADER,
        &[
            "2026-05-01T04:00:00.000Z,X\\Y,0000000000000001,0,1.1.1.1:25,2.2.2.2:1,+,,",
            "not,enough,fields",
            "2026-13-01T04:00:00.000Z,X\\Y,0000000000000001,1,1.1.1.1:25,2.2.2.2:1,<,QUIT,",
            "2026-05-01T04:00:00.100Z,X\\Y,0000000000000001,2,1.1.1.1:25,2.2.2.2:1,?,QUIT,",
            "2026-05-01T04:00:00.200Z,X\\Y,0000000000000001,3,1.1.1.1:25,2.2.2.2:1,-,,Remote",
        ],
    );
    let garbage = dir.path().join("RECV2026050103-1.LOG");
    std::fs::write(&garbage, b"\x00\x01\x02\xff garbage \x00\n").unwrap();
    paths.push(bad);
    paths.push(garbage);
    let (sessions, errors) = read_sessions(paths, ProtocolFilter::default());
    assert_eq!(sessions.len(), 2, "{errors:?}");
    assert_eq!(errors.len(), 4, "{errors:?}");
    assert!(
        errors[0].contains("RECV2026050103-1.LOG, line 1: is not an Exchange log file"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].contains("RECV2026050104-1.LOG, line 7: has 3 fields"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].contains("line 8: date-time '2026-13-01T04:00:00.000Z'"),
        "{}",
        errors[2]
    );
    assert!(errors[3].contains("line 9: event '?'"), "{}", errors[3]);
    assert_eq!(sessions[0].outcome, Outcome::Dropped);
}

#[test]
fn tail_gives_the_last_sessions_and_entries() {
    let dir = tempfile::tempdir().unwrap();
    let paths = exo_inbound(dir.path());
    let mut reader = ProtocolReader::new(ReadMode::Entries, ProtocolFilter::default(), paths.clone()).tail(3);
    let mut entries = Vec::new();
    while let Step::Item(item) = reader.next() {
        if let Item::Row(ProtocolRow::Entry(e)) = item {
            entries.push(e);
        }
    }
    assert_eq!(
        entries.iter().map(|e| e.sequence.unwrap()).collect::<Vec<_>>(),
        [16, 17, 18]
    );
    // A session wants more than the newest file: the tail reaches back into the earlier file.
    let mut reader = ProtocolReader::new(ReadMode::Sessions, ProtocolFilter::default(), paths).tail(1);
    let mut sessions = Vec::new();
    while let Step::Item(item) = reader.next() {
        if let Item::Row(ProtocolRow::Session(s)) = item {
            sessions.push(s);
        }
    }
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].line_count, 19);
    assert_eq!(sessions[0].outcome, Outcome::Delivered);
}

#[test]
fn a_time_range_skips_files_outside_it_unread() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = exo_inbound(dir.path());
    paths.push(write_log(
        dir.path(),
        "CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive/RECV2026050101-1.LOG",
        RECV_HEADER,
        &[],
    ));
    let start = hybridmailflow_engine::logfile::parse_utc_ms(b"2026-05-01T05:30:00Z").unwrap();
    let mut reader = ProtocolReader::new(
        ReadMode::Sessions,
        ProtocolFilter {
            start_ms: Some(start),
            ..Default::default()
        },
        paths,
    );
    let mut sessions = 0;
    while let Step::Item(item) = reader.next() {
        sessions += usize::from(matches!(item, Item::Row(ProtocolRow::Session(_))));
    }
    assert_eq!(sessions, 1);
    assert_eq!(reader.stats().files_skipped_by_time, 1);
    assert_eq!(reader.stats().files, 2);
}

#[test]
fn a_folder_means_every_protocol_log_under_it() {
    let dir = tempfile::tempdir().unwrap();
    exo_inbound(dir.path());
    std::fs::write(dir.path().join("notes.txt"), "not a log").unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (sessions, errors) = read_sessions(vec![dir.path().to_path_buf(), empty], ProtocolFilter::default());
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].line_count, 19);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("holds no SMTP protocol logs"), "{}", errors[0]);
}

#[test]
fn streams_read_in_parallel_give_what_one_reader_gives_in_the_same_order_however_many_readers() {
    use hybridmailflow_engine::logfile::BatchEnd;
    use hybridmailflow_engine::protocol::ParallelReader;
    let samples = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    for mode in [ReadMode::Sessions, ReadMode::Entries] {
        let mut single = ProtocolReader::new(mode, ProtocolFilter::default(), vec![samples.clone()]);
        let mut expected = Vec::new();
        while let Step::Item(item) = single.next() {
            match item {
                Item::Row(ProtocolRow::Session(s)) => expected.push(format!("{} {}", s.session_id, s.outcome.name())),
                Item::Row(ProtocolRow::Entry(e)) => expected.push(format!("{} {} {}", e.path, e.line, e.time_ms)),
                _ => {}
            }
        }
        // One reader per stream (many cores), and streams shared out among fewer readers than streams (few cores).
        for max_readers in [usize::MAX, 2] {
            let readers = ProtocolReader::new(mode, ProtocolFilter::default(), vec![samples.clone()])
                .into_stream_readers(max_readers);
            if max_readers == 2 {
                assert_eq!(readers.len(), 2);
            } else {
                assert!(readers.len() > 2, "the samples have several folders");
            }
            let mut parallel = ParallelReader::start(readers);
            let mut got = Vec::new();
            loop {
                let batch = parallel.next_batch(7);
                for item in &batch.items {
                    match item {
                        Item::Row(ProtocolRow::Session(s)) => {
                            got.push(format!("{} {}", s.session_id, s.outcome.name()))
                        }
                        Item::Row(ProtocolRow::Entry(e)) => got.push(format!("{} {} {}", e.path, e.line, e.time_ms)),
                        _ => {}
                    }
                }
                if batch.end == BatchEnd::End {
                    break;
                }
            }
            if mode == ReadMode::Sessions {
                assert_eq!(got, expected);
            } else {
                // Lines of equal time may come in another order across streams; the set and the time order hold.
                let time = |s: &String| s.rsplit(' ').next().unwrap().parse::<i64>().unwrap();
                assert!(got.windows(2).all(|w| time(&w[0]) <= time(&w[1])));
                let (mut a, mut b) = (got.clone(), expected.clone());
                a.sort();
                b.sort();
                assert_eq!(a, b);
            }
            assert_eq!(parallel.stats().lines, single.stats().lines);
        }
    }
}

// The C# layer reads a session's lines back from the files by offset instead of copying them with every session:
// each offset must point at the start of exactly that line, in files with a BOM, CRLF or LF line ends, and across
// the hourly roll.
#[test]
fn line_offsets_point_at_each_line_in_its_file() {
    let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let (sessions, errors) = read_sessions(vec![samples], ProtocolFilter::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert!(sessions.len() > 10);
    let mut checked = 0;
    for session in &sessions {
        for (raw, origin) in session.raw_lines.split('\n').zip(&session.line_origins) {
            let bytes = std::fs::read(&*session.files[origin.file as usize]).unwrap();
            let rest = &bytes[origin.offset as usize..];
            let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let line = String::from_utf8_lossy(&rest[..end]);
            assert_eq!(
                line.trim_end_matches('\r'),
                raw,
                "session {} line {}",
                session.session_id,
                origin.line
            );
            checked += 1;
        }
    }
    assert_eq!(checked, sessions.iter().map(|s| s.line_origins.len()).sum::<usize>());

    // LF line ends and a session split over two files given out of order.
    let dir = tempfile::tempdir().unwrap();
    let paths = exo_inbound(dir.path());
    let (sessions, _) = read_sessions(paths, ProtocolFilter::default());
    for session in &sessions {
        for (raw, origin) in session.raw_lines.split('\n').zip(&session.line_origins) {
            let bytes = std::fs::read(&*session.files[origin.file as usize]).unwrap();
            assert!(
                bytes[origin.offset as usize..].starts_with(raw.as_bytes()),
                "line {}",
                origin.line
            );
        }
    }
}

/// Issue 19: a character of several bytes where a parser cut the text at a byte count (`MAIL FROM:<a@b.example>
/// ééé` cut `ééé` at 5 bytes, looking for `SIZE=`) stopped the whole read. Text in another script in every field
/// the session parsers read, receive and send, keeps every session whole.
#[test]
fn text_in_another_script_in_every_field_keeps_each_session_whole() {
    let dir = tempfile::tempdir().unwrap();
    let numbered = |minute: u32, connector: &str, id: &str, endpoints: &str, lines: &[(&str, &str, &str)]| {
        lines
            .iter()
            .enumerate()
            .map(|(seq, (event, data, context))| {
                format!("2026-05-01T06:{minute:02}:{seq:02}.000Z,{connector},{id},{seq},{endpoints},{event},{data},{context}")
            })
            .collect::<Vec<String>>()
    };
    let receive = numbered(0, FE, "08DEA74796A6E2D1", "192.168.1.13:25,40.93.131.26:31611", &[
        ("+", "", ""),
        ("*", "SMTPSubmit SMTPAcceptAnySender ééé", "Set Session Permissions"),
        (">", "220 CMHYBD01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service prêt", ""),
        ("<", "EHLO ñandú.example", ""),
        (">", "250  CMHYBD01.cloudmonkeys.xyz Hello [40.93.131.26] SIZE 37748736 PIPELINING ÉTENDU STARTTLS", ""),
        ("<", "STARTTLS ü", ""),
        (">", "220 2.0.0 SMTP server ready ü", ""),
        ("*", "\" CN=mäil.cloudmonkeys.xyz CN=R11, O=Lët's Éncrypt, C=US 04A1B2 9F3C2E7A11B4D5E6F708192A3B4C5D6E7F809A1B 2026-03-01T00:00:00.000Z 2026-05-30T00:00:00.000Z mäil.cloudmonkeys.xyz;autodiscover.cloudmonkeys.xyz\"", "Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names"),
        ("*", "", "\"TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_256é with strength 256é bits, MAC hash algorithm CALG_SHA_384 with strength ü bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits\""),
        ("*", "", "TlsDomainCapabilities='Accépt'; Status='Succès'; Domain='mäil.protection.outlook.com'"),
        ("*", "", "Client certificate chain validation status: 'ÉchecPartiel'"),
        ("<", "AUTH ÑTLM", ""),
        (">", "334 <authentication response ü>", ""),
        ("*", "", "User Name: dömain\\üser"),
        (">", "235 2.7.0 Authentication successful é", ""),
        ("*", "Tarpit for '0.00:00:0é'", ""),
        ("*", "Tarpit for 'ΣΣΣΣΣΣ' due to 'ééé'", ""),
        ("<", "MAIL FROM:<a@b.example> ééé SIZÉ=1 SIZE=2048", ""),
        ("<", "RCPT TO:<ramkï@cloudmonkeys.xyz> NOTIFY=ÑEVER", ""),
        (">", "250 2.1.0 Sender OK ü", ""),
        (">", "250 2.1.5 Recipient OK ü", ""),
        ("*", "", "receiving message with InternetMessageId <ïd@cloudfield.onmicrosoft.com>"),
        ("<", "BDAT 2048 LAST", ""),
        (">", "\"250 2.6.0 <ïd@cloudfield.onmicrosoft.com> [InternalId=7301ü, Hostname=CMHYBD01.clöudmonkeys.xyz] Queued mail for delivery\"", ""),
        ("*", "", "Proxy session was successfully set up to ñode.cloudmonkeys.xyz Proxied session id 08DEA74796A6ΣΣΣΣ"),
        ("*", "", "Inbound AUTH LOGIN failed because of LögonDenied"),
        ("*", "", "TLS negotiation failed with error ÉchecDeNégociation"),
        ("*", "", "\"Failed to connect. Winsock error code: 10060, Win32 error code: 10060. Error: ÜÜ\""),
        ("<", "QUIT ñ", ""),
        (">", "221 2.0.0 Service closing transmission channel ñ", ""),
        ("-", "", "Lôcal"),
    ]);
    let send = numbered(
        1,
        r"CMHYBD01\Outbound to Office 365 ü",
        "08DEA74796A6E2D2",
        "192.168.1.13:19871,104.47.74.33:25",
        &[
            ("+", "", ""),
            (
                "<",
                "220 ΜΧ.protection.outlook.com Microsoft ESMTP MAIL Service ready à",
                "",
            ),
            (">", "EHLO CMHYBD01.cloudmonkeys.xyz", ""),
            ("<", "250-ΜΧ.protection.outlook.com Hello [203.0.113.5] ü", ""),
            ("<", "250-SIZE é", ""),
            ("<", "250 CHUNKING ü", ""),
            (
                "*",
                "",
                "sending message with RecordId 1234é and InternetMessageId <ïd@cloudmonkeys.xyz>",
            ),
            (">", "MAIL FROM:<raghu@cloudmonkeys.xyz> SIZE=ééé", ""),
            (
                "<",
                "451 4.7.0 Temporary server error. Please try again later. PRX2 ü",
                "",
            ),
            ("-", "", "Remote ü"),
        ],
    );
    let receive: Vec<&str> = receive.iter().map(String::as_str).collect();
    let send: Vec<&str> = send.iter().map(String::as_str).collect();
    let files = vec![
        write_log(
            dir.path(),
            "CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive/RECV2026050106-1.LOG",
            RECV_HEADER,
            &receive,
        ),
        write_log(
            dir.path(),
            "CMHYBD01/Hub/ProtocolLog/SmtpSend/SEND2026050106-1.LOG",
            SEND_HEADER,
            &send,
        ),
    ];
    let (sessions, errors) = read_sessions(files.clone(), ProtocolFilter::default());
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(sessions.len(), 2);
    let r = &sessions[0];
    assert_eq!((r.outcome, r.line_count as usize), (Outcome::Delivered, receive.len()));
    assert_eq!(
        (r.helo.as_str(), r.auth_mechanism.as_str(), r.auth_user.as_str()),
        ("ñandú.example", "ÑTLM", "dömain\\üser")
    );
    assert_eq!(r.messages.len(), 1);
    let m = &r.messages[0];
    assert_eq!((m.mail_from.as_str(), m.size), ("a@b.example", Some(2048)));
    assert_eq!(m.recipients, ["ramkï@cloudmonkeys.xyz"]);
    assert_eq!(
        (m.internal_id.as_str(), m.hostname.as_str()),
        ("7301ü", "CMHYBD01.clöudmonkeys.xyz")
    );
    assert_eq!(m.internet_message_id, "<ïd@cloudfield.onmicrosoft.com>");
    assert_eq!(r.tls.certificates[0].subject, "CN=mäil.cloudmonkeys.xyz");
    let s = &sessions[1];
    assert_eq!((s.direction, s.outcome), (Direction::Send, Outcome::TempFailed));
    assert_eq!(
        (s.messages[0].internal_id.as_str(), s.messages[0].size),
        ("1234é", None)
    );
    assert!(
        !s.diagnosis.is_empty(),
        "the 451 ... PRX2 is diagnosed whatever follows it"
    );

    let mut lines = ProtocolReader::new(ReadMode::Entries, ProtocolFilter::default(), files);
    let (mut entries, mut line_errors) = (0, Vec::new());
    while let Step::Item(item) = lines.next() {
        match item {
            Item::Row(ProtocolRow::Entry(_)) => entries += 1,
            Item::Error(e) => line_errors.push(e.to_string()),
            _ => {}
        }
    }
    assert_eq!(
        (entries, line_errors),
        (receive.len() + send.len(), Vec::<String>::new())
    );
}

/// Issue 19: a log whose lines end in a lone CR read as nothing at all, without an error. Lines end as Get-Content
/// ends them: CRLF, LF or CR, and each line's offset still points at it.
#[test]
fn logs_whose_lines_end_in_cr_or_lf_alone_give_the_sessions_of_crlf_logs() {
    let dir = tempfile::tempdir().unwrap();
    let crlf = exo_inbound(dir.path());
    let (want, errors) = read_sessions(crlf.clone(), ProtocolFilter::default());
    assert_eq!((want.len(), errors.len()), (1, 0));
    for (ending, name) in [("\r", "cr"), ("\n", "lf")] {
        let copies: Vec<PathBuf> = crlf
            .iter()
            .map(|path| {
                let folder = dir.path().join(name);
                let copy = folder.join(path.strip_prefix(dir.path()).unwrap());
                std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
                let text = std::fs::read_to_string(path).unwrap().replace("\r\n", ending);
                std::fs::write(&copy, text).unwrap();
                copy
            })
            .collect();
        let (got, errors) = read_sessions(copies.clone(), ProtocolFilter::default());
        assert_eq!(errors, Vec::<String>::new(), "{ending:?}");
        assert_eq!(got.len(), 1, "{ending:?}");
        let (a, b) = (&want[0], &got[0]);
        assert_eq!(
            (&a.session_id, a.outcome, &a.raw_lines),
            (&b.session_id, b.outcome, &b.raw_lines),
            "{ending:?}"
        );
        for (origin, raw) in b.line_origins.iter().zip(b.raw_lines.split('\n')) {
            let file = std::fs::read(&*b.files[origin.file as usize]).unwrap();
            assert!(
                file[origin.offset as usize..].starts_with(raw.as_bytes()),
                "{ending:?}: {raw}"
            );
        }
    }
}

/// A session's lines from (event, data, context) triples, numbered and timed in order.
fn session_lines(connector: &str, id: &str, local: &str, remote: &str, rows: &[(&str, &str, &str)]) -> Vec<String> {
    rows.iter()
        .enumerate()
        .map(|(i, (event, data, context))| {
            let quote = |text: &str| {
                if text.contains(',') || text.contains('"') {
                    format!("\"{}\"", text.replace('"', "\"\""))
                } else {
                    text.to_owned()
                }
            };
            format!(
                "2026-05-01T06:40:{:02}.000Z,{connector},{id},{i},{local},{remote},{event},{},{}",
                i,
                quote(data),
                quote(context)
            )
        })
        .collect()
}

#[test]
fn a_decisive_failure_decides_the_outcome_whether_or_not_the_end_is_logged() {
    const CONNECT: (&str, &str, &str) = ("*", "", "attempting to connect");
    const WINSOCK: (&str, &str, &str) = (
        "*",
        "",
        "Failed to connect. Winsock error code: 10061, Win32 error code: 10061, Destination domain: cloudfield.mail.protection.outlook.com",
    );
    const DISCONNECT: (&str, &str, &str) = ("-", "", "Local");
    let send_open: &[(&str, &str, &str)] = &[
        CONNECT,
        ("+", "", ""),
        (
            "<",
            "220 CMEDGE01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready",
            "",
        ),
        (">", "EHLO CMHYBD01.cloudmonkeys.xyz", ""),
        ("<", "250 CMEDGE01.cloudmonkeys.xyz Hello [192.168.1.13]", ""),
    ];
    let receive_open: &[(&str, &str, &str)] = &[
        ("+", "", ""),
        (
            ">",
            "220 CMHYBD01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready",
            "",
        ),
        ("<", "EHLO mail.fabrikam.example", ""),
        (">", "250 CMHYBD01.cloudmonkeys.xyz Hello [203.0.113.25]", ""),
        ("<", "MAIL FROM:<partner@fabrikam.example>", ""),
        (">", "250 2.1.0 Sender OK", ""),
        ("<", "RCPT TO:<nobody@cloudmonkeys.xyz>", ""),
    ];
    let with = |open: &[(&'static str, &'static str, &'static str)],
                rest: &[(&'static str, &'static str, &'static str)]| {
        open.iter().chain(rest).copied().collect::<Vec<_>>()
    };
    // (what, direction, lines, outcome, ended, the deciding line's text holds)
    type Case<'a> = (
        &'a str,
        Direction,
        Vec<(&'a str, &'a str, &'a str)>,
        Outcome,
        bool,
        &'a str,
    );
    let cases: Vec<Case> = vec![
        (
            "failed connection, no disconnect line",
            Direction::Send,
            vec![CONNECT, WINSOCK],
            Outcome::ConnectFailed,
            false,
            "10061",
        ),
        (
            "failed connection with its disconnect",
            Direction::Send,
            vec![CONNECT, WINSOCK, DISCONNECT],
            Outcome::ConnectFailed,
            true,
            "10061",
        ),
        (
            "outbound AUTH refused, last line",
            Direction::Send,
            with(
                send_open,
                &[
                    (">", "X-EXPS GSSAPI", ""),
                    ("*", "", "Outbound Authentication failed with LogonDenied"),
                ],
            ),
            Outcome::AuthFailed,
            false,
            "LogonDenied",
        ),
        (
            "TLS failed, last line",
            Direction::Send,
            with(
                send_open,
                &[
                    (">", "STARTTLS", ""),
                    ("<", "220 2.0.0 SMTP server ready", ""),
                    ("*", "", "TLS negotiation failed with error UnknownCredentials"),
                ],
            ),
            Outcome::TlsFailed,
            false,
            "UnknownCredentials",
        ),
        (
            "5xx to the last command",
            Direction::Receive,
            with(
                receive_open,
                &[(">", "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", "")],
            ),
            Outcome::Rejected,
            false,
            "5.1.1",
        ),
        (
            "5xx to the last command, then the end",
            Direction::Receive,
            with(
                receive_open,
                &[
                    (">", "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", ""),
                    ("<", "QUIT", ""),
                    (">", "221 2.0.0 Service closing transmission channel", ""),
                    DISCONNECT,
                ],
            ),
            Outcome::Rejected,
            true,
            "5.1.1",
        ),
        (
            "421: the server closes the channel",
            Direction::Receive,
            with(
                receive_open,
                &[(">", "421 4.3.2 Service not available, closing transmission channel", "")],
            ),
            Outcome::TempFailed,
            false,
            "421",
        ),
        (
            "4xx the client may retry in the session",
            Direction::Receive,
            with(
                receive_open,
                &[(
                    ">",
                    "451 4.7.0 Temporary server error. Please try again later. PRX3",
                    "",
                )],
            ),
            Outcome::Incomplete,
            false,
            "PRX3",
        ),
        (
            "5xx, then the client went on",
            Direction::Receive,
            with(
                receive_open,
                &[
                    (">", "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found", ""),
                    ("<", "RCPT TO:<raghu@cloudmonkeys.xyz>", ""),
                    (">", "250 2.1.5 Recipient OK", ""),
                ],
            ),
            Outcome::Incomplete,
            false,
            "Recipient OK",
        ),
        (
            "nothing decisive yet",
            Direction::Receive,
            receive_open.to_vec(),
            Outcome::Incomplete,
            false,
            "RCPT TO",
        ),
        (
            "accepted, end not logged",
            Direction::Receive,
            with(
                receive_open,
                &[
                    (">", "250 2.1.5 Recipient OK", ""),
                    ("<", "BDAT 512 LAST", ""),
                    (
                        ">",
                        "250 2.6.0 <a1@fabrikam.example> [InternalId=1, Hostname=CMHYBD01] Queued mail for delivery",
                        "",
                    ),
                ],
            ),
            Outcome::Delivered,
            false,
            "Queued mail",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (n, (what, direction, rows, outcome, ended, text)) in cases.iter().enumerate() {
        let id = format!("08DEA74796A6D{n:03X}");
        let (relative, header, connector, local, remote) = match direction {
            Direction::Send => (
                format!("c{n}/Hub/ProtocolLog/SmtpSend/SEND2026050106-1.LOG"),
                SEND_HEADER,
                "Outbound to Office 365",
                "192.168.1.13:50001",
                "40.107.22.54:25",
            ),
            Direction::Receive => (
                format!("c{n}/FrontEnd/ProtocolLog/SmtpReceive/RECV2026050106-1.LOG"),
                RECV_HEADER,
                FE,
                "192.168.1.13:25",
                "203.0.113.25:50001",
            ),
        };
        let lines = session_lines(connector, &id, local, remote, rows);
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        let path = write_log(dir.path(), &relative, header, &lines);
        let (sessions, errors) = read_sessions(vec![path], ProtocolFilter::default());
        assert!(errors.is_empty(), "{what}: {errors:?}");
        assert_eq!(sessions.len(), 1, "{what}");
        let s = &sessions[0];
        assert_eq!((s.outcome, s.ended), (*outcome, *ended), "{what}");
        assert!(s.outcome_text.contains(text), "{what}: {}", s.outcome_text);
    }
}

#[test]
fn tail_over_several_folders_gives_the_last_by_time_across_all_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let quick = |id: &str, (hour, minute): (u32, u32)| -> Vec<String> {
        [
            ("+", ""),
            (">", "220 CMHYBD01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready"),
            ("<", "QUIT"),
            (">", "221 2.0.0 Service closing transmission channel"),
            ("-", ""),
        ]
        .iter()
        .enumerate()
        .map(|(i, (event, data))| {
            format!("2026-05-01T{hour:02}:{minute:02}:00.{i:03}Z,{FE},{id},{i},192.168.1.13:25,192.168.1.25:50001,{event},{data},")
        })
        .collect()
    };
    // (folder, hour file, sessions as (id, (hour, minute))); the folder whose name sorts first holds the newest.
    type Folder<'a> = (&'a str, &'a str, &'a [(&'a str, (u32, u32))]);
    let folders: &[Folder] = &[
        (
            "a/CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive",
            "RECV2026050106-1.LOG",
            &[("08DEA74796A6A050", (6, 50)), ("08DEA74796A6A055", (6, 55))],
        ),
        (
            "b/CMHYBD01/Hub/ProtocolLog/SmtpReceive",
            "RECV2026050106-1.LOG",
            &[("08DEA74796A6B010", (6, 10))],
        ),
        (
            "c/CMEDGE01/Edge/ProtocolLog/SmtpReceive",
            "RECV2026050105-1.LOG",
            &[("08DEA74796A6C000", (5, 0))],
        ),
        (
            "c/CMEDGE01/Edge/ProtocolLog/SmtpReceive",
            "RECV2026050106-1.LOG",
            &[
                ("08DEA74796A6C030", (6, 30)),
                ("08DEA74796A6C035", (6, 35)),
                ("08DEA74796A6C040", (6, 40)),
            ],
        ),
    ];
    let mut roots = Vec::new();
    for (folder, file, sessions) in folders {
        let lines: Vec<String> = sessions.iter().flat_map(|(id, minute)| quick(id, *minute)).collect();
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        write_log(dir.path(), &format!("{folder}/{file}"), RECV_HEADER, &lines);
        let root = dir.path().join(folder.split('/').next().unwrap());
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    let tail = |mode: ReadMode, n: usize| {
        let mut reader = ProtocolReader::new(mode, ProtocolFilter::default(), roots.clone()).tail(n);
        let mut got = Vec::new();
        while let Step::Item(item) = reader.next() {
            match item {
                Item::Row(ProtocolRow::Session(s)) => got.push(s.session_id.to_string()),
                Item::Row(ProtocolRow::Entry(e)) => got.push(format!("{}#{}", e.session_id, e.sequence.unwrap())),
                _ => {}
            }
        }
        let stats = reader.stats();
        (
            got,
            if mode == ReadMode::Sessions {
                stats.sessions
            } else {
                stats.entries
            },
        )
    };
    let cases: &[(ReadMode, usize, &[&str])] = &[
        (
            ReadMode::Sessions,
            3,
            &["08DEA74796A6C040", "08DEA74796A6A050", "08DEA74796A6A055"],
        ),
        (ReadMode::Sessions, 1, &["08DEA74796A6A055"]),
        (
            ReadMode::Sessions,
            5,
            &[
                "08DEA74796A6C030",
                "08DEA74796A6C035",
                "08DEA74796A6C040",
                "08DEA74796A6A050",
                "08DEA74796A6A055",
            ],
        ),
        (ReadMode::Entries, 2, &["08DEA74796A6A055#3", "08DEA74796A6A055#4"]),
        (
            ReadMode::Entries,
            6,
            &[
                "08DEA74796A6A050#4",
                "08DEA74796A6A055#0",
                "08DEA74796A6A055#1",
                "08DEA74796A6A055#2",
                "08DEA74796A6A055#3",
                "08DEA74796A6A055#4",
            ],
        ),
    ];
    for (mode, n, want) in cases {
        let (got, counted) = tail(*mode, *n);
        assert_eq!(got, *want, "{mode:?} tail {n}");
        assert_eq!(
            counted,
            want.len() as u64,
            "{mode:?} tail {n}: the count is of what was returned"
        );
    }
    // More than there are: every one, oldest first.
    let (all, counted) = tail(ReadMode::Sessions, 100);
    assert_eq!((all.len(), counted), (7, 7));
    assert_eq!(all[0], "08DEA74796A6C000");
}

#[test]
fn lines_damaged_by_copying_are_read_repaired_and_counted_never_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let intact_paths = exo_inbound(&dir.path().join("intact"));
    let mut intact_lines: Vec<String> = Vec::new();
    for path in intact_paths.iter().rev() {
        let text = std::fs::read_to_string(path).unwrap();
        intact_lines.extend(
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.starts_with('\u{feff}'))
                .map(str::to_owned),
        );
    }
    // The damage of a paste: `*` stripped from every information line, the empty last field of replies cut off,
    // and line ends that are CRLF or LF by turns.
    let damaged: Vec<String> = intact_lines
        .iter()
        .map(|line| line.replace(",*,", ",,"))
        .map(|line| match line.strip_suffix(',') {
            Some(cut) if line.contains(",>,") => cut.to_owned(),
            _ => line,
        })
        .collect();
    let changed: Vec<usize> = (0..damaged.len()).filter(|&i| damaged[i] != intact_lines[i]).collect();
    assert!(changed.len() >= 8, "the damage reaches several kinds of line");
    let mut text = format!("\u{feff}{RECV_HEADER}");
    for (i, line) in damaged.iter().enumerate() {
        text.push_str(line);
        text.push_str(if i % 2 == 0 { "\r\n" } else { "\n" });
    }
    let path = dir.path().join("flat/RECV2026050106-1.LOG");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();

    let (intact, _) = read_sessions(intact_paths, ProtocolFilter::default());
    let mut reader = ProtocolReader::new(ReadMode::Sessions, ProtocolFilter::default(), vec![path]);
    let (mut sessions, mut errors, mut file_stats) = (Vec::new(), Vec::new(), Vec::new());
    while let Step::Item(item) = reader.next() {
        match item {
            Item::Row(ProtocolRow::Session(s)) => sessions.push(*s),
            Item::Error(e) => errors.push(e.to_string()),
            Item::FileDone { stats, .. } => file_stats.push(stats),
            _ => {}
        }
    }
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(sessions.len(), 1);
    let (got, want) = (&sessions[0], &intact[0]);
    assert_eq!(
        (
            got.outcome,
            got.line_count,
            got.tls_succeeded,
            &got.tls.domain_capabilities,
            &got.permissions,
            &got.messages
        ),
        (
            want.outcome,
            want.line_count,
            want.tls_succeeded,
            &want.tls.domain_capabilities,
            &want.permissions,
            &want.messages
        )
    );
    let header_lines = RECV_HEADER.matches("\r\n").count() as u64;
    assert_eq!(file_stats.len(), 1);
    assert_eq!(file_stats[0].repaired, changed.len() as u64);
    assert_eq!(file_stats[0].first_repaired_line, header_lines + 1 + changed[0] as u64);
    assert_eq!(file_stats[0].records, damaged.len() as u64, "no line dropped");
}

/// A file's text in another encoding, with that encoding's byte order mark.
fn encode(text: &str, encoding: &str) -> Vec<u8> {
    let text = text.trim_start_matches('\u{feff}');
    let units = |big: bool| -> Vec<u8> {
        let mark: &[u8] = if big { &[0xFE, 0xFF] } else { &[0xFF, 0xFE] };
        let mut out = mark.to_vec();
        for unit in text.encode_utf16() {
            out.extend_from_slice(&if big { unit.to_be_bytes() } else { unit.to_le_bytes() });
        }
        out
    };
    match encoding {
        "UTF-8 with BOM" => format!("\u{feff}{text}").into_bytes(),
        "UTF-8 without BOM" => text.as_bytes().to_vec(),
        "UTF-16 LE" => units(false),
        "UTF-16 BE" => units(true),
        other => panic!("{other}"),
    }
}

/// The line starting at `offset` of a file in `encoding`, up to its line end, as text.
fn line_at(bytes: &[u8], offset: u64, encoding: &str) -> String {
    let rest = &bytes[offset as usize..];
    if encoding.starts_with("UTF-16") {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|p| {
                if encoding == "UTF-16 BE" {
                    u16::from_be_bytes([p[0], p[1]])
                } else {
                    u16::from_le_bytes([p[0], p[1]])
                }
            })
            .take_while(|&u| u != 0x0A && u != 0x0D)
            .collect();
        return String::from_utf16_lossy(&units);
    }
    let end = rest
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..end]).into_owned()
}

#[test]
fn a_log_in_any_encoding_gives_the_same_sessions_and_offsets_that_find_each_line_in_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let originals = exo_inbound(&dir.path().join("original"));
    // A client's text beyond ASCII and beyond the Basic Multilingual Plane, where offsets in UTF-16 and UTF-8 part.
    let extra = write_log(&dir.path().join("original"), "CMHYBD01/FrontEnd/ProtocolLog/SmtpReceive/RECV2026050107-1.LOG", RECV_HEADER, &[
        &format!("2026-05-01T07:00:00.100Z,{FE},08DEA74796A6E777,0,192.168.1.13:25,203.0.113.25:50001,+,,"),
        &format!("2026-05-01T07:00:00.200Z,{FE},08DEA74796A6E777,1,192.168.1.13:25,203.0.113.25:50001,<,EHLO mail.fabrikam.example,"),
        &format!("2026-05-01T07:00:00.300Z,{FE},08DEA74796A6E777,2,192.168.1.13:25,203.0.113.25:50001,<,MAIL FROM:<jürgen@fabrikam.example> 😀 日本,"),
        &format!("2026-05-01T07:00:00.400Z,{FE},08DEA74796A6E777,3,192.168.1.13:25,203.0.113.25:50001,>,550 5.7.1 Ünzulässig 😀,"),
        &format!("2026-05-01T07:00:00.500Z,{FE},08DEA74796A6E777,4,192.168.1.13:25,203.0.113.25:50001,-,,Remote"),
    ]);
    let mut originals = originals;
    originals.push(extra);
    let (want, _) = read_sessions(originals.clone(), ProtocolFilter::default());
    assert_eq!(want.len(), 2);
    for encoding in ["UTF-8 with BOM", "UTF-8 without BOM", "UTF-16 LE", "UTF-16 BE"] {
        let folder = dir.path().join(encoding.replace(' ', "_"));
        let mut paths = Vec::new();
        for original in &originals {
            let relative = original.strip_prefix(dir.path().join("original")).unwrap();
            let path = folder.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, encode(&std::fs::read_to_string(original).unwrap(), encoding)).unwrap();
            paths.push(path);
        }
        let (got, errors) = read_sessions(paths, ProtocolFilter::default());
        assert!(errors.is_empty(), "{encoding}: {errors:?}");
        assert_eq!(got.len(), want.len(), "{encoding}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(
                (&g.session_id, g.outcome, &g.raw_lines, &g.messages, &g.last_error),
                (&w.session_id, w.outcome, &w.raw_lines, &w.messages, &w.last_error),
                "{encoding}"
            );
            let numbers = |s: &Session| s.line_origins.iter().map(|o| o.line).collect::<Vec<_>>();
            assert_eq!(numbers(g), numbers(w), "{encoding}");
            for (raw, origin) in g.raw_lines.split('\n').zip(&g.line_origins) {
                let bytes = std::fs::read(&*g.files[origin.file as usize]).unwrap();
                assert_eq!(
                    line_at(&bytes, origin.offset, encoding),
                    raw,
                    "{encoding} line {}",
                    origin.line
                );
            }
        }
    }
}
