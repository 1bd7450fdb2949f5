//! Whatever bytes a log holds, reading it never panics: random input, and real lines with random damage.

use std::io::Write;

use hybridmailflow_engine::protocol::{Next, ProtocolFilter, ProtocolReader, ReadMode};
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
    while let Next::Item(_) = reader.next() {
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
}
