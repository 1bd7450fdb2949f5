//! Synthetic message-tracking logs shaped like a busy hybrid hub's MSGTRK files, for benchmarks and load tests:
//! the lab's servers (CMHYBD01, CMEDGE01), mail to and from Exchange Online through the HCW connectors, to the
//! internet through the Edge, group expansion, shadow redundancy, deferrals and rejections, with thousands of
//! senders and recipients. Deterministic for a seed. Used by `gen_tracking`; `tests/tracking_generator.rs` reads
//! what it writes back.

use std::io::{self, Write};

use hybridmailflow_engine::logfile::{format_utc_ms, write_csv_row};
use hybridmailflow_engine::tracking::TRACKING_FIELDS_2019;

const SCHEMA_VERSION: &str = "15.02.1544.004";
const HUB: &str = "CMHYBD01.cloudmonkeys.xyz";
const HUB_IP: &str = "192.168.1.13";
const EDGE: &str = "CMEDGE01.cloudmonkeys.xyz";
const EDGE_IP: &str = "192.168.1.25";
const EXO_CONNECTOR: &str = "Outbound to Office 365 - 6b2c3f47-9a1d-4e8b-b5c2-3d7e0f91a6c4";
const EXO_MX: &str = "cloudfield.mail.protection.outlook.com";
const LOCAL_USERS: u64 = 2000;
const CLOUD_USERS: u64 = 1000;
const EXTERNAL_USERS: u64 = 3000;
const SUBJECTS: [&str; 12] = [
    "Quarterly report",
    "Meeting notes",
    "Invoice",
    "Re: Project status",
    "Fwd: Hybrid migration plan",
    "Lunch on Friday?",
    "Updated: Change window",
    "Welcome to the team",
    "Re: Re: Printer on floor 2",
    "Purchase order",
    "Weekly backup summary",
    "Action required: password expiry",
];

// Column positions in TRACKING_FIELDS_2019.
const DATE: usize = 0;
const CLIENT_IP: usize = 1;
const CLIENT_HOST: usize = 2;
const SERVER_IP: usize = 3;
const SERVER_HOST: usize = 4;
const SOURCE_CONTEXT: usize = 5;
const CONNECTOR: usize = 6;
const SOURCE: usize = 7;
const EVENT: usize = 8;
const INTERNAL_ID: usize = 9;
const MESSAGE_ID: usize = 10;
const NETWORK_ID: usize = 11;
const RECIPIENTS: usize = 12;
const STATUS: usize = 13;
const BYTES: usize = 14;
const COUNT: usize = 15;
const RELATED: usize = 16;
const REFERENCE: usize = 17;
const SUBJECT: usize = 18;
const SENDER: usize = 19;
const RETURN_PATH: usize = 20;
const MESSAGE_INFO: usize = 21;
const DIRECTIONALITY: usize = 22;
const ORIGINAL_CLIENT_IP: usize = 24;
const ORIGINAL_SERVER_IP: usize = 25;
const CUSTOM_DATA: usize = 26;
const TRAFFIC_TYPE: usize = 27;
const LOG_ID: usize = 28;
const SCHEMA: usize = 29;
const FIELD_COUNT: usize = 30;

/// Writes one hourly MSGTRK file: the header (with BOM) and `rows` rows with times spread over the hour that
/// starts at `hour_start_ms`.
pub fn generate_tracking_log<W: Write>(out: &mut W, hour_start_ms: i64, rows: usize, seed: u64) -> io::Result<()> {
    let mut generator = Generator {
        rng: SplitMix64(seed),
        internal_id: 40_926_819_106_817 + (seed % 1000) * 1_000_000,
        line: String::with_capacity(2048),
    };
    write!(
        out,
        "\u{feff}#Software: Microsoft Exchange Server\r\n#Version: {SCHEMA_VERSION}\r\n#Log-type: Message Tracking Log\r\n#Date: {}\r\n#Fields: {TRACKING_FIELDS_2019}\r\n",
        format_utc_ms(hour_start_ms + generator.rng.below(500) as i64)
    )?;
    let step_ms = (3_600_000 / rows.max(1) as i64).max(1);
    let mut written = 0;
    while written < rows {
        let time_ms = hour_start_ms + written as i64 * step_ms;
        for row in generator.message(time_ms) {
            if written == rows {
                break;
            }
            out.write_all(generator.format(&row).as_bytes())?;
            written += 1;
        }
    }
    Ok(())
}

/// The custom-data of an event: `extra` (`;`-terminated members) and the members every event has.
fn custom_data(extra: &str) -> String {
    format!("{extra}S:DeliveryPriority=Normal;S:AccountForest=cloudmonkeys.xyz")
}

/// Sebastiano Vigna's SplitMix64: small, fast and good enough to vary synthetic logs.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn guid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xffff,
            b >> 48,
            b & 0xffff_ffff_ffff
        )
    }
}

type Row = [String; FIELD_COUNT];

/// The facts of one message, shared by its events.
struct Message {
    time_ms: i64,
    sender: String,
    recipients: Vec<String>,
    subject: String,
    message_id: String,
    network_id: String,
    internal_id: u64,
    bytes: u64,
    originating: bool,
}

struct Generator {
    rng: SplitMix64,
    internal_id: u64,
    line: String,
}

impl Generator {
    fn local_user(&mut self) -> String {
        // About one message in a hundred is raghu's, so a sender search has a few matches in every file.
        if self.rng.below(100) == 0 {
            return "raghu@cloudmonkeys.xyz".to_owned();
        }
        format!("user{:04}@cloudmonkeys.xyz", self.rng.below(LOCAL_USERS))
    }

    fn cloud_user(&mut self) -> String {
        if self.rng.below(100) == 0 {
            return "ramki@cloudfield.onmicrosoft.com".to_owned();
        }
        format!("user{:04}@cloudfield.onmicrosoft.com", self.rng.below(CLOUD_USERS))
    }

    fn external_user(&mut self) -> String {
        let n = self.rng.below(EXTERNAL_USERS);
        format!("contact{n}@partner{}.example", n % 97)
    }

    fn exo_ip(&mut self) -> String {
        let first = if self.rng.below(2) == 0 { "40.107" } else { "40.93" };
        format!("{first}.{}.{}", self.rng.below(256), 1 + self.rng.below(254))
    }

    fn session_context(&mut self, time_ms: i64) -> String {
        format!(
            "{:016X};{};{}",
            self.rng.next(),
            format_utc_ms(time_ms - 200 - self.rng.below(3000) as i64),
            self.rng.below(4)
        )
    }

    fn new_message(&mut self, time_ms: i64, sender: String, recipients: Vec<String>, originating: bool) -> Message {
        self.internal_id += 1 + self.rng.below(3);
        let subject = SUBJECTS[self.rng.below(SUBJECTS.len() as u64) as usize];
        Message {
            time_ms,
            sender,
            recipients,
            subject: format!("{subject} {}", self.rng.below(10_000)),
            message_id: format!("<{:016x}{:016x}@{HUB}>", self.rng.next(), self.rng.next()),
            network_id: self.rng.guid(),
            internal_id: self.internal_id,
            bytes: 4_000
                + self.rng.below(60_000)
                + if self.rng.below(20) == 0 {
                    self.rng.below(9_000_000)
                } else {
                    0
                },
            originating,
        }
    }

    /// The fields every event of `m` shares.
    fn row(&mut self, m: &Message, time_ms: i64, source: &str, event: &str) -> Row {
        let mut row: Row = Default::default();
        row[DATE] = format_utc_ms(time_ms);
        row[SOURCE] = source.to_owned();
        row[EVENT] = event.to_owned();
        row[INTERNAL_ID] = m.internal_id.to_string();
        row[MESSAGE_ID] = m.message_id.clone();
        row[NETWORK_ID] = m.network_id.clone();
        row[RECIPIENTS] = m.recipients.join(";");
        row[BYTES] = m.bytes.to_string();
        row[COUNT] = m.recipients.len().to_string();
        row[SUBJECT] = m.subject.clone();
        row[SENDER] = m.sender.clone();
        row[RETURN_PATH] = m.sender.clone();
        row[DIRECTIONALITY] = if m.originating { "Originating" } else { "Incoming" }.to_owned();
        row[TRAFFIC_TYPE] = "Email".to_owned();
        row[LOG_ID] = self.rng.guid();
        row[SCHEMA] = SCHEMA_VERSION.to_owned();
        row
    }

    fn latency(&mut self, m: &Message) -> String {
        let (smrde, smrcl, x, cat, qde) = (
            self.rng.below(5),
            50 + self.rng.below(200),
            self.rng.below(150),
            5 + self.rng.below(40),
            self.rng.below(400),
        );
        let smrc = smrcl + x;
        let smr = smrde + smrc;
        let total = smr + cat + qde;
        let s = |ms: u64| format!("{}.{:03}", ms / 1000, ms % 1000);
        format!(
            "{};SRV={HUB}:TOTAL-HUB={}|SMR={}(SMRDE={}|SMRC={}(SMRCL={}|X={}))|CAT={}|QDE={}",
            format_utc_ms(m.time_ms),
            s(total),
            s(smr),
            s(smrde),
            s(smrc),
            s(smrcl),
            s(x),
            s(cat),
            s(qde)
        )
    }

    fn receive(&mut self, m: &Message, from_exo: bool) -> Row {
        let mut row = self.row(m, m.time_ms, "SMTP", "RECEIVE");
        if from_exo {
            let ip = self.exo_ip();
            row[CLIENT_IP] = ip.clone();
            row[CLIENT_HOST] = format!("mail-{}.outbound.protection.outlook.com", ip.replace('.', "-"));
            row[CONNECTOR] = "CMHYBD01\\Default Frontend CMHYBD01".to_owned();
            row[ORIGINAL_CLIENT_IP] = ip;
        } else {
            row[CLIENT_IP] = HUB_IP.to_owned();
            row[CLIENT_HOST] = HUB.to_owned();
            row[CONNECTOR] = "CMHYBD01\\Default CMHYBD01".to_owned();
        }
        row[SERVER_IP] = HUB_IP.to_owned();
        row[SERVER_HOST] = "CMHYBD01".to_owned();
        row[SOURCE_CONTEXT] = self.session_context(m.time_ms);
        row[ORIGINAL_SERVER_IP] = HUB_IP.to_owned();
        row[CUSTOM_DATA] = custom_data(&format!(
            "S:FirstForestHop={HUB};S:ProxiedClientIPAddress={};",
            row[CLIENT_IP]
        ));
        row
    }

    fn agent_info(&mut self, m: &Message) -> Row {
        let mut row = self.row(m, m.time_ms + 40, "AGENT", "AGENTINFO");
        row[SOURCE_CONTEXT] = "Transport Rule Agent".to_owned();
        row[CUSTOM_DATA] = custom_data(&format!("S:CompCost=|ETR={};S:ETRP=0;", self.rng.below(20)));
        row
    }

    fn send(&mut self, m: &Message, connector: &str, host: &str, ip: &str, remote: &str) -> Row {
        let time_ms = m.time_ms + 300 + self.rng.below(700) as i64;
        let mut row = self.row(m, time_ms, "SMTP", "SEND");
        row[CLIENT_IP] = HUB_IP.to_owned();
        row[CLIENT_HOST] = "CMHYBD01".to_owned();
        row[SERVER_IP] = ip.to_owned();
        row[SERVER_HOST] = host.to_owned();
        row[SOURCE_CONTEXT] = self.session_context(m.time_ms + 300);
        row[CONNECTOR] = connector.to_owned();
        let status = format!(
            "250 2.6.0 {} [InternalId={}, Hostname={remote}] {} bytes in {}.{:03}, {}.{:03} KB/sec Queued mail for delivery",
            m.message_id,
            m.internal_id * 7 % 100_000_000_000_000,
            m.bytes,
            self.rng.below(2),
            self.rng.below(1000),
            10 + self.rng.below(500),
            self.rng.below(1000)
        );
        row[STATUS] = vec![status; m.recipients.len()].join(";");
        row[MESSAGE_INFO] = self.latency(m);
        row[CUSTOM_DATA] = custom_data(&format!(
            "S:E2ELatency={}.{:03};S:ExternalSendLatency=0.{:03};S:ToEntity=Hosted;S:FromEntity=Hosted;",
            self.rng.below(2),
            self.rng.below(1000),
            self.rng.below(1000)
        ));
        row
    }

    /// The events of one message, in order.
    fn message(&mut self, time_ms: i64) -> Vec<Row> {
        let mut rows = Vec::with_capacity(5);
        let recipient_count = if self.rng.below(5) == 0 {
            2 + self.rng.below(4)
        } else {
            1
        };
        match self.rng.below(100) {
            0..=34 => {
                let sender = self.local_user();
                let recipients = (0..recipient_count).map(|_| self.cloud_user()).collect();
                let m = self.new_message(time_ms, sender, recipients, true);
                rows.push(self.receive(&m, false));
                rows.push(self.agent_info(&m));
                let remote = format!(
                    "AM{}PR04MB{:04}.eurprd04.prod.outlook.com",
                    self.rng.below(9),
                    self.rng.below(10_000)
                );
                let ip = self.exo_ip();
                rows.push(self.send(&m, EXO_CONNECTOR, EXO_MX, &ip, &remote));
            }
            35..=69 => {
                let sender = if self.rng.below(2) == 0 {
                    self.cloud_user()
                } else {
                    self.external_user()
                };
                let recipients = (0..recipient_count).map(|_| self.local_user()).collect();
                let m = self.new_message(time_ms, sender, recipients, false);
                rows.push(self.receive(&m, true));
                rows.push(self.agent_info(&m));
                let mut row = self.send(&m, "Intra-Organization SMTP Send Connector", HUB, HUB_IP, HUB);
                row[STATUS] = vec!["250 2.1.5 Recipient OK".to_owned(); m.recipients.len()].join(";");
                rows.push(row);
            }
            70..=79 => {
                let sender = self.local_user();
                let recipients = (0..recipient_count).map(|_| self.external_user()).collect();
                let m = self.new_message(time_ms, sender, recipients, true);
                rows.push(self.receive(&m, false));
                rows.push(self.agent_info(&m));
                rows.push(self.send(
                    &m,
                    "EdgeSync - Default-First-Site-Name to Internet",
                    EDGE,
                    EDGE_IP,
                    EDGE,
                ));
            }
            80..=84 => {
                let sender = self.local_user();
                let members = (0..3 + self.rng.below(6)).map(|_| self.local_user()).collect();
                let m = self.new_message(time_ms, sender, members, true);
                let mut receive = self.receive(&m, false);
                receive[RECIPIENTS] = "allstaff@cloudmonkeys.xyz".to_owned();
                receive[COUNT] = "1".to_owned();
                rows.push(receive);
                let mut expand = self.row(&m, time_ms + 20, "ROUTING", "EXPAND");
                expand[RELATED] = "allstaff@cloudmonkeys.xyz".to_owned();
                expand[SERVER_HOST] = HUB.to_owned();
                expand[CUSTOM_DATA] = custom_data("");
                rows.push(expand);
                let mut row = self.send(&m, "Intra-Organization SMTP Send Connector", HUB, HUB_IP, HUB);
                row[STATUS] = vec!["250 2.1.5 Recipient OK".to_owned(); m.recipients.len()].join(";");
                rows.push(row);
            }
            85..=89 => {
                let sender = self.local_user();
                let recipients = vec![self.external_user()];
                let m = self.new_message(time_ms, sender, recipients, true);
                rows.push(self.receive(&m, false));
                let mut defer = self.row(&m, time_ms + 900, "SMTP", "DEFER");
                defer[SERVER_HOST] = HUB.to_owned();
                defer[CONNECTOR] = "EdgeSync - Default-First-Site-Name to Internet".to_owned();
                defer[STATUS] = "'[{LED=451 4.4.0 DNS query failed. The error was: DNS query failed with error ErrorRetry};{MSG=};{FQDN=};{IP=};{LRT=}]'".to_owned();
                defer[CUSTOM_DATA] = custom_data("S:DeferReason=TransientFailure;");
                rows.push(defer);
            }
            90..=94 => {
                let sender = self.local_user();
                let recipients = vec![self.cloud_user()];
                let m = self.new_message(time_ms, sender, recipients, true);
                rows.push(self.receive(&m, false));
                let ip = self.exo_ip();
                let mut fail = self.row(&m, time_ms + 700, "SMTP", "FAIL");
                fail[SERVER_IP] = ip.clone();
                fail[SERVER_HOST] = EXO_MX.to_owned();
                fail[CONNECTOR] = EXO_CONNECTOR.to_owned();
                fail[STATUS] = format!(
                    "'[{{LED=550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/27.7.57.241 AS(1450)}};{{MSG=}};{{FQDN={EXO_MX}}};{{IP={ip}}};{{LRT=}}]'"
                );
                fail[CUSTOM_DATA] = custom_data("");
                rows.push(fail);
                let mut dsn = self.new_message(
                    time_ms + 750,
                    "MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@cloudmonkeys.xyz".to_owned(),
                    vec![m.sender.clone()],
                    true,
                );
                dsn.subject = format!("Undeliverable: {}", m.subject);
                let mut row = self.row(&dsn, time_ms + 750, "DSN", "DSN");
                row[REFERENCE] = m.message_id.clone();
                row[RETURN_PATH] = "<>".to_owned();
                row[CUSTOM_DATA] = custom_data("");
                rows.push(row);
            }
            _ => {
                let sender = self.local_user();
                let recipients = (0..recipient_count).map(|_| self.local_user()).collect();
                let m = self.new_message(time_ms, sender, recipients, true);
                rows.push(self.receive(&m, false));
                let mut redirect = self.row(&m, time_ms + 60, "SMTP", "HAREDIRECTFAIL");
                redirect[SOURCE_CONTEXT] = "No suitable shadow servers".to_owned();
                redirect[SERVER_HOST] = HUB.to_owned();
                rows.push(redirect);
                let mut row = self.send(&m, "Intra-Organization SMTP Send Connector", HUB, HUB_IP, HUB);
                row[STATUS] = vec!["250 2.1.5 Recipient OK".to_owned(); m.recipients.len()].join(";");
                rows.push(row);
            }
        }
        rows
    }

    /// One CSV line as `Utf8Csv` writes it: a field is quoted only when it holds `,` or `"`.
    fn format(&mut self, row: &Row) -> &str {
        self.line.clear();
        write_csv_row(&mut self.line, row.iter());
        self.line.push_str("\r\n");
        &self.line
    }
}
