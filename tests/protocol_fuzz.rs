//! Whatever bytes a log holds, reading it never panics: random input, real lines with random damage, and real lines
//! with text in any script in any field. A panic the engine catches still counts: it would cost a line or a session,
//! so no read may report an internal error.

use std::io::Write;

use hybridmailflow_engine::logfile::{split_csv_line, write_csv_row, LineErrorKind, Record};
use hybridmailflow_engine::logfile::{Item, Step};
use hybridmailflow_engine::protocol::{ProtocolFilter, ProtocolReader, ReadMode};
use proptest::prelude::*;

const HEADER: &[u8] = b"#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP Receive Protocol Log\r\n#Date: 2026-05-01T06:00:00.000Z\r\n#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n";

const REAL_LINES: &[&str] = &[
    r"2023-01-11T15:59:51.433Z,SERVER-HOSTNAME\Default Frontend SERVER-HOSTNAME,123453EC62278461,1,10.10.10.10:25,95.10.20.33:56026,>,220 SERVER-HOSTNAME.DOMAIN.TEST Microsoft ESMTP MAIL Service ready,",
    r"2023-01-11T15:59:53.910Z,SERVER-HOSTNAME\Default Frontend SERVER-HOSTNAME,123453EC62278461,3,10.10.10.10:25,95.10.20.33:56026,>,250  SERVER-HOSTNAME.DOMAIN.TEST Hello [95.10.20.33] SIZE 37748736 PIPELINING DSN STARTTLS,",
    r"2023-01-11T15:59:56.232Z,SERVER-HOSTNAME\Default Frontend SERVER-HOSTNAME,123453EC62278461,6,10.10.10.10:25,95.10.20.33:56026,*, CN=SERVER-HOSTNAME CN=SERVER-HOSTNAME 12DE 12DEAB 2020-01-17T15:15:33.000Z 2025-01-17T15:15:33.000Z SERVER-HOSTNAME;SERVER-HOSTNAME.DOMAIN.TEST,Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names",
    r#"2023-01-11T16:00:01.010Z,SERVER-HOSTNAME\Default Frontend SERVER-HOSTNAME,123453EC62278461,7,10.10.10.10:25,95.10.20.33:56026,*,,"TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA_256 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 256 bits""#,
    r"2023-01-11T16:00:02.106Z,SERVER-HOSTNAME\Default Frontend SERVER-HOSTNAME,123453EC62278461,10,10.10.10.10:25,95.10.20.33:56026,*,,TlsDomainCapabilities='None'; Status='NoRemoteCertificate'",
    r"2023-01-11T16:00:03.115Z,SERVER-HOSTNAME\Default Frontend SERVER-HOSTNAME,123453EC62278461,12,10.10.10.10:25,95.10.20.33:56026,<,AUTH LOGIN,",
    r"2023-01-11T16:00:06.195Z,SERVER-HOSTNAME\Default Frontend SERVER-HOSTNAME,123453EC62278461,14,10.10.10.10:25,95.10.20.33:56026,>,334 <authentication response>,",
    r"2023-01-11T16:00:10.644Z,SERVER-HOSTNAME\Default Frontend SERVER-HOSTNAME,123453EC62278461,15,10.10.10.10:25,95.10.20.33:56026,*,,Inbound AUTH LOGIN failed because of LogonDenied",
    r"2016-12-14T01:17:36.496Z,EX\Default ,0000000000000000,15,x.x.x.x:25,91.112.61.94:55171,*,Tarpit for '0.00:00:05',",
    r"2016-12-14T01:17:41.496Z,EX\Default ,0000000000000000,16,x.x.x.x:25,91.112.61.94:55171,>,504 5.7.4 Unrecognized authentication type,",
    r"2016-12-14T01:17:42.074Z,EX\Default ,0000000000000000,17,x.x.x.x:25,91.112.61.94:55171,-,,Remote",
    r"2026-05-01T06:00:00.100Z,CMHYBD01\Default Frontend CMHYBD01,08DEA74796A6E2C8,10,192.168.1.13:25,40.93.131.26:31611,<,MAIL FROM:<sender@fabrikam.example> SIZE=20480,",
    r"2026-05-01T06:00:00.101Z,CMHYBD01\Default Frontend CMHYBD01,08DEA74796A6E2C8,11,192.168.1.13:25,40.93.131.26:31611,<,RCPT TO:<raghu@cloudmonkeys.xyz>,",
    r"2026-05-01T06:00:00.104Z,CMHYBD01\Default Frontend CMHYBD01,08DEA74796A6E2C8,14,192.168.1.13:25,40.93.131.26:31611,<,BDAT 20480 LAST,",
    r#"2026-05-01T06:00:00.400Z,CMHYBD01\Default Frontend CMHYBD01,08DEA74796A6E2C8,15,192.168.1.13:25,40.93.131.26:31611,>,"250 2.6.0 <a1b2@cmhybd01.cloudmonkeys.xyz> [InternalId=73014444033, Hostname=CMHYBD01.cloudmonkeys.xyz] Queued mail for delivery","#,
    r"2026-05-01T06:00:00.500Z,CMHYBD01\Default Frontend CMHYBD01,08DEA74796A6E2C8,16,192.168.1.13:25,40.93.131.26:31611,*,,Proxy session was successfully set up to 192.168.1.14:2525 Proxied session id 08DEA74796A6E2C9",
    r"2026-05-01T06:00:00.600Z,CMHYBD01\Default Frontend CMHYBD01,08DEA74796A6E2C8,17,192.168.1.13:25,40.93.131.26:31611,>,451 4.7.0 Temporary server error. Please try again later. PRX2 ,",
    r"2026-05-01T06:00:00.700Z,CMHYBD01\Default Frontend CMHYBD01,08DEA74796A6E2C8,18,192.168.1.13:25,40.93.131.26:31611,*,,Tarpit for '0.00:00:05' due to 'DelayedAck'",
    r"2026-05-01T06:00:00.800Z,CMHYBD01\Default Frontend CMHYBD01,08DEA74796A6E2C8,19,192.168.1.13:25,40.93.131.26:31611,-,,Local",
];

fn read_everything(content: &[u8], mode: ReadMode) -> usize {
    let mut file = tempfile::Builder::new()
        .prefix("RECV2026050106-1")
        .suffix(".LOG")
        .tempfile()
        .unwrap();
    file.write_all(content).unwrap();
    let mut reader =
        ProtocolReader::new(mode, ProtocolFilter::default(), vec![file.path().to_path_buf()]).max_line_bytes(4096);
    let mut items = 0;
    while let Step::Item(item) = reader.next() {
        if let Item::Error(e) = &item {
            assert_ne!(e.kind, LineErrorKind::Internal, "{e}");
        }
        items += 1;
    }
    items
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..4000), with_header in any::<bool>()) {
        let mut content = if with_header { HEADER.to_vec() } else { Vec::new() };
        content.extend_from_slice(&body);
        read_everything(&content, ReadMode::Sessions);
        read_everything(&content, ReadMode::Entries);
    }

    #[test]
    fn damaged_real_lines_never_panic(
        picks in proptest::collection::vec((0..REAL_LINES.len(), any::<usize>(), any::<u8>(), 0u8..4), 1..40)
    ) {
        let mut content = HEADER.to_vec();
        for (line, at, byte, how) in picks {
            let mut bytes = REAL_LINES[line].as_bytes().to_vec();
            let at = at % (bytes.len() + 1);
            match how {
                0 => bytes.insert(at, byte),
                1 => { if at < bytes.len() { bytes.remove(at); } }
                2 => bytes.truncate(at),
                _ => { if at < bytes.len() { bytes[at] = byte; } }
            }
            content.extend_from_slice(&bytes);
            content.extend_from_slice(b"\r\n");
        }
        read_everything(&content, ReadMode::Sessions);
        read_everything(&content, ReadMode::Entries);
    }

    #[test]
    fn text_in_any_script_in_any_field_never_panics(
        edits in proptest::collection::vec((0..REAL_LINES.len(), 0usize..9, any::<prop::sample::Index>(), "\\PC{0,12}"), 1..30)
    ) {
        // Each edit puts printable text of any script (accents, CJK, emoji, combining marks) into one field of a
        // real line, at any character of it: after a MAIL FROM address, inside a reply code, a certificate, a
        // tarpit time.
        let mut content = HEADER.to_vec();
        let mut record = Record::new();
        for (line, field, at, text) in edits {
            split_csv_line(REAL_LINES[line].as_bytes(), &mut record).unwrap();
            let mut fields: Vec<String> = record.iter().map(str::to_owned).collect();
            let value = &mut fields[field];
            let boundaries: Vec<usize> = value.char_indices().map(|(i, _)| i).chain([value.len()]).collect();
            value.insert_str(*at.get(&boundaries), &text);
            let mut row = String::new();
            write_csv_row(&mut row, &fields);
            content.extend_from_slice(row.as_bytes());
            content.extend_from_slice(b"\r\n");
        }
        read_everything(&content, ReadMode::Sessions);
        read_everything(&content, ReadMode::Entries);
    }
}
