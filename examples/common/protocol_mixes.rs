//! Protocol logs for the benchmark and the tests, in named mixes that vary what real servers vary: how many
//! sessions are interleaved (1 to 64), short probe sessions against long multi-message ones, the share of quoted
//! fields (banner, TLS line, certificate, `Queued mail` replies), EHLO extension lists, line lengths up to the
//! longest real lines (certificates with long SAN lists), IPv6 endpoints. Each mix is one stream: one server's
//! folder of hourly files rolled at 10 MB as Exchange rolls them. The lines follow the formats of
//! `exchange-formats.md` (Exchange 2016/2019 protocol logs).

#![allow(dead_code)] // each program that includes this uses part of it

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use hybridmailflow_engine::logfile::{format_utc_ms, parse_utc_ms, write_csv_row};

pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
const FIELDS: &str =
    "#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n";

/// One log folder being written: hourly files, a new instance when one passes `max_file_bytes`.
pub struct Log {
    dir: PathBuf,
    prefix: &'static str,
    log_type: &'static str,
    max_file_bytes: u64,
    pub out: Option<(BufWriter<File>, i64, u32)>,
    written: u64,
    /// Exchange writes a file's lines in time order: a line is never earlier than the one before it.
    pub last_ms: i64,
}

impl Log {
    pub fn new(dir: PathBuf, receive: bool) -> Log {
        fs::create_dir_all(&dir).unwrap();
        let (prefix, log_type) = if receive {
            ("RECV", "SMTP Receive Protocol Log")
        } else {
            ("SEND", "SMTP Send Protocol Log")
        };
        Log {
            dir,
            prefix,
            log_type,
            max_file_bytes: MAX_FILE_BYTES,
            out: None,
            written: 0,
            last_ms: i64::MIN,
        }
    }

    pub fn with_max_file_bytes(mut self, max: u64) -> Log {
        self.max_file_bytes = max;
        self
    }

    /// Writes one line (without its line break); returns the bytes written, header included.
    pub fn write(&mut self, time_ms: i64, line: &str) -> u64 {
        self.last_ms = self.last_ms.max(time_ms);
        let hour = time_ms / 3_600_000;
        let roll = match &self.out {
            None => Some(1),
            Some((_, h, _)) if *h != hour => Some(1),
            Some((_, _, n)) if self.written > self.max_file_bytes => Some(n + 1),
            _ => None,
        };
        let mut added = 0;
        if let Some(instance) = roll {
            self.flush();
            let stamp = format_utc_ms(hour * 3_600_000);
            let name = format!(
                "{}{}{}{}{}-{}.LOG",
                self.prefix,
                &stamp[0..4],
                &stamp[5..7],
                &stamp[8..10],
                &stamp[11..13],
                instance
            );
            let mut w = BufWriter::with_capacity(1 << 20, File::create(self.dir.join(name)).unwrap());
            let header = format!(
                "\u{feff}#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: {}\r\n#Date: {}\r\n{FIELDS}",
                self.log_type,
                format_utc_ms(time_ms)
            );
            w.write_all(header.as_bytes()).unwrap();
            added += header.len() as u64;
            self.written = header.len() as u64;
            self.out = Some((w, hour, instance));
        }
        let (w, _, _) = self.out.as_mut().unwrap();
        w.write_all(line.as_bytes()).unwrap();
        w.write_all(b"\r\n").unwrap();
        self.written += line.len() as u64 + 2;
        added + line.len() as u64 + 2
    }

    pub fn flush(&mut self) {
        if let Some((w, _, _)) = self.out.as_mut() {
            w.flush().unwrap();
        }
    }
}

/// A small deterministic generator (xorshift), so runs are repeatable.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }
}

/// Which folder a mix is: the front end's receive log, an Edge's receive log or the Hub's send log.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    FrontEndReceive,
    EdgeReceive,
    HubSend,
}

/// What a mix varies.
pub struct Mix {
    pub name: &'static str,
    pub about: &'static str,
    pub folder: Folder,
    /// Sessions open at once, their lines interleaved.
    pub interleaved: usize,
    /// Share of sessions that only probe (EHLO then QUIT: load balancers, monitoring).
    pub probe_percent: u64,
    /// Messages per carrying session.
    pub messages: (u64, u64),
    pub recipients: (u64, u64),
    /// Share of sessions that negotiate TLS (the quoted TLS line and the certificate line).
    pub tls_percent: u64,
    /// Share of sessions from or to an IPv6 endpoint.
    pub ipv6_percent: u64,
    /// Names in the certificate's subject alternate names: the longest real lines.
    pub san_names: (u64, u64),
    /// Share of messages refused (550 / 451) instead of queued.
    pub refused_percent: u64,
}

/// The named mixes, from the outside generator's shape to the extremes around it.
pub const MIXES: &[Mix] = &[
    Mix {
        name: "frontend-8",
        about: "one front end's receive log, 8 sessions interleaved, every session with the quoted banner and TLS line, EHLO lists and a Queued mail reply",
        folder: Folder::FrontEndReceive,
        interleaved: 8,
        probe_percent: 0,
        messages: (1, 2),
        recipients: (1, 3),
        tls_percent: 100,
        ipv6_percent: 0,
        san_names: (2, 4),
        refused_percent: 3,
    },
    Mix {
        name: "probes-64",
        about: "64 sessions interleaved, 80% load-balancer probes (banner, EHLO, QUIT), little TLS",
        folder: Folder::FrontEndReceive,
        interleaved: 64,
        probe_percent: 80,
        messages: (1, 1),
        recipients: (1, 2),
        tls_percent: 30,
        ipv6_percent: 10,
        san_names: (1, 3),
        refused_percent: 10,
    },
    Mix {
        name: "hub-send-1",
        about: "the Hub's send log to Exchange Online, one session at a time, 5 to 40 messages each, multi-line EHLO, half IPv6",
        folder: Folder::HubSend,
        interleaved: 1,
        probe_percent: 0,
        messages: (5, 40),
        recipients: (1, 8),
        tls_percent: 100,
        ipv6_percent: 50,
        san_names: (2, 6),
        refused_percent: 2,
    },
    Mix {
        name: "edge-32-ipv6",
        about: "an Edge's receive log from the Internet, 32 interleaved, all IPv6, certificates with 10 to 40 SANs (lines up to ~2 KB), many refusals",
        folder: Folder::EdgeReceive,
        interleaved: 32,
        probe_percent: 20,
        messages: (1, 3),
        recipients: (1, 20),
        tls_percent: 70,
        ipv6_percent: 100,
        san_names: (10, 40),
        refused_percent: 30,
    },
    Mix {
        name: "internal-16",
        about: "an internal relay: 16 interleaved, no TLS, few quoted fields (the banner and Queued mail replies only)",
        folder: Folder::FrontEndReceive,
        interleaved: 16,
        probe_percent: 10,
        messages: (1, 4),
        recipients: (1, 4),
        tls_percent: 0,
        ipv6_percent: 20,
        san_names: (1, 1),
        refused_percent: 5,
    },
];

pub fn mix_named(name: &str) -> Option<&'static Mix> {
    MIXES.iter().find(|m| m.name.eq_ignore_ascii_case(name))
}

/// One line of a session: event, data, context (unquoted: quoted when written).
struct Line {
    event: &'static str,
    data: String,
    context: String,
}

fn line(event: &'static str, data: impl Into<String>, context: impl Into<String>) -> Line {
    Line {
        event,
        data: data.into(),
        context: context.into(),
    }
}

struct Script {
    connector: String,
    session_id: String,
    local: String,
    remote: String,
    /// A send session's first line is written before the connection has a local endpoint.
    local_from: usize,
    lines: Vec<Line>,
    next: usize,
}

fn ipv4(rng: &mut Rng, first: &str) -> String {
    format!("{first}.{}.{}", rng.below(255), rng.below(255))
}

fn ipv6(rng: &mut Rng) -> String {
    format!("2a01:111:f403:{:x}::{:x}", rng.below(0xffff), rng.between(1, 0xfff))
}

fn endpoint(address: &str, port: u64) -> String {
    if address.contains(':') {
        format!("[{address}]:{port}")
    } else {
        format!("{address}:{port}")
    }
}

fn certificate(rng: &mut Rng, subject: &str, issuer: &str, sans: (u64, u64)) -> String {
    let count = rng.between(sans.0, sans.1);
    let mut names: Vec<String> = vec![subject.split(',').next().unwrap_or(subject).to_owned()];
    for i in 1..count {
        names.push(format!("host{i:02}-{}.cloudmonkeys.xyz", rng.below(1000)));
    }
    format!(
        " CN={subject} {issuer} {:X} {:016X}{:024X} 2026-03-01T00:00:00.000Z 2027-03-01T00:00:00.000Z {}",
        rng.next() & 0xffff_ffff,
        rng.next(),
        rng.next() as u128 * 0x1_0000,
        names.join(";")
    )
}

const RECEIVE_EXTENSIONS: &str = "SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES STARTTLS X-ANONYMOUSTLS AUTH NTLM X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME CHUNKING XRDST";
const RECEIVE_EXTENSIONS_AFTER_TLS: &str =
    "SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES AUTH NTLM 8BITMIME BINARYMIME CHUNKING XRDST";
const CLIENTS: &[&str] = &[
    "PNYPR01CU001.outbound.protection.outlook.com",
    "mail-eopbgr130052.outbound.protection.outlook.com",
    "mx.fabrikam.example",
    "lb-probe01",
    "scanner42.cloudmonkeys.xyz",
];

fn receive_script(mix: &Mix, rng: &mut Rng, id: u64, time_ms: i64) -> Script {
    let (server, connector, local_address) = match mix.folder {
        Folder::EdgeReceive => (
            "CMEDGE01",
            r"CMEDGE01\Default internal receive connector CMEDGE01".to_owned(),
            "10.0.0.5",
        ),
        _ => (
            "CMHYBD01",
            r"CMHYBD01\Default Frontend CMHYBD01".to_owned(),
            "192.168.1.13",
        ),
    };
    let ipv6_session = rng.chance(mix.ipv6_percent);
    let (local, remote_ip) = if ipv6_session {
        (endpoint("2a01:4f8:c0c:1::13", 25), ipv6(rng))
    } else {
        (endpoint(local_address, 25), ipv4(rng, "40.93"))
    };
    let remote = endpoint(&remote_ip, rng.between(1024, 65000));
    let shown_ip = if ipv6_session {
        format!("IPv6:{remote_ip}")
    } else {
        remote_ip.clone()
    };
    let client = CLIENTS[rng.below(CLIENTS.len() as u64) as usize];
    let host = format!("{server}.cloudmonkeys.xyz");
    let mut lines = vec![
        line("+", "", ""),
        line(
            "*",
            "SMTPSubmit SMTPAcceptAnyRecipient SMTPAcceptAnySender SMTPAcceptAuthoritativeDomainSender AcceptRoutingHeaders",
            "Set Session Permissions",
        ),
        line(
            ">",
            format!(
                "220 {host} Microsoft ESMTP MAIL Service ready at {}",
                banner_date(time_ms)
            ),
            "",
        ),
        line("<", format!("EHLO {client}"), ""),
        line(">", format!("250  {host} Hello [{shown_ip}] {RECEIVE_EXTENSIONS}"), ""),
    ];
    if rng.chance(mix.probe_percent) {
        lines.push(line("<", "QUIT", ""));
        lines.push(line(">", "221 2.0.0 Service closing transmission channel", ""));
        lines.push(line("-", "", "Local"));
    } else {
        if rng.chance(mix.tls_percent) {
            lines.push(line("<", "STARTTLS", ""));
            lines.push(line(">", "220 2.0.0 SMTP server ready", ""));
            lines.push(line(
                "*",
                certificate(rng, &host, "CN=R11, O=Let's Encrypt, C=US", mix.san_names),
                "Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names",
            ));
            lines.push(line("*", "", "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits"));
            lines.push(line(
                "*",
                "",
                "Client certificate chain validation status: 'EmptyCertificate'",
            ));
            lines.push(line(
                "*",
                "",
                "TlsDomainCapabilities='AcceptCloudServicesMail'; Status='Success'; Domain='mail.protection.outlook.com'",
            ));
            lines.push(line("<", format!("EHLO {client}"), ""));
            lines.push(line(
                ">",
                format!("250  {host} Hello [{shown_ip}] {RECEIVE_EXTENSIONS_AFTER_TLS}"),
                "",
            ));
        }
        for _ in 0..rng.between(mix.messages.0, mix.messages.1) {
            let from = format!("sender{}@fabrikam.example", rng.below(900));
            let Some(size) = envelope(&mut lines, rng, mix, ("<", ">"), &from, "cloudmonkeys.xyz") else {
                lines.push(line(
                    ">",
                    if rng.chance(50) {
                        "550 5.7.1 Unable to relay"
                    } else {
                        "451 4.7.0 Temporary server error. Please try again later. PRX2 "
                    },
                    "",
                ));
                continue;
            };
            lines.push(line(
                "*",
                format!("{id:016X};{};1", format_utc_ms(time_ms)),
                "receiving message",
            ));
            lines.push(line(
                ">",
                format!(
                    "250 2.6.0 <{:x}@PNYPR01MB{:04}.namprd01.prod.outlook.com> [InternalId={}, Hostname={host}] {size} bytes in 0.120, {:.3} KB/sec Queued mail for delivery",
                    rng.next(),
                    rng.below(10_000),
                    rng.below(1 << 40),
                    size as f64 / 1024.0 / 0.12
                ),
                "",
            ));
        }
        lines.push(line("<", "QUIT", ""));
        lines.push(line(">", "221 2.0.0 Service closing transmission channel", ""));
        lines.push(line("-", "", "Local"));
    }
    Script {
        connector,
        session_id: format!("{id:016X}"),
        local,
        remote,
        local_from: 0,
        lines,
        next: 0,
    }
}

fn send_script(mix: &Mix, rng: &mut Rng, id: u64, time_ms: i64) -> Script {
    let ipv6_session = rng.chance(mix.ipv6_percent);
    let (local, remote) = if ipv6_session {
        (
            endpoint("2a01:4f8:c0c:1::13", rng.between(20_000, 60_000)),
            endpoint(&ipv6(rng), 25),
        )
    } else {
        (
            endpoint("192.168.1.13", rng.between(20_000, 60_000)),
            endpoint(&ipv4(rng, "40.107"), 25),
        )
    };
    let eop = format!("BN8NAM11FT{:03}.mail.protection.outlook.com", rng.below(1000));
    let mut lines = vec![
        line("*", "", "attempting to connect"),
        line("+", "", ""),
        line(
            "<",
            format!(
                "220 {eop} Microsoft ESMTP MAIL Service ready at {}",
                banner_date(time_ms)
            ),
            "",
        ),
        line(">", "EHLO mail.cloudmonkeys.xyz", ""),
    ];
    let extensions = |lines: &mut Vec<Line>, tls: bool| {
        lines.push(line("<", format!("250-{eop} Hello [27.7.57.241]"), ""));
        for ext in [
            "250-SIZE 157286400",
            "250-PIPELINING",
            "250-DSN",
            "250-ENHANCEDSTATUSCODES",
        ] {
            lines.push(line("<", ext, ""));
        }
        if tls {
            lines.push(line("<", "250-STARTTLS", ""));
        }
        for ext in ["250-8BITMIME", "250-BINARYMIME", "250-CHUNKING", "250 SMTPUTF8"] {
            lines.push(line("<", ext, ""));
        }
    };
    extensions(&mut lines, true);
    if rng.chance(mix.tls_percent) {
        lines.push(line(">", "STARTTLS", ""));
        lines.push(line("<", "220 2.0.0 SMTP server ready", ""));
        lines.push(line("*", "", "TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits"));
        lines.push(line(
            "*",
            certificate(
                rng,
                "mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=WA, C=US",
                "CN=DigiCert Cloud Services CA-1, O=DigiCert Inc, C=US",
                mix.san_names,
            ),
            "Remote certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names",
        ));
        lines.push(line(">", "EHLO mail.cloudmonkeys.xyz", ""));
        extensions(&mut lines, false);
    }
    for _ in 0..rng.between(mix.messages.0, mix.messages.1) {
        lines.push(line(
            "*",
            "",
            format!(
                "sending message with RecordId {} and InternetMessageId <{:x}@CMHYBD01.cloudmonkeys.xyz>",
                rng.below(1 << 40),
                rng.next()
            ),
        ));
        let from = format!("user{}@cloudmonkeys.xyz", rng.below(5000));
        let Some(size) = envelope(&mut lines, rng, mix, (">", "<"), &from, "cloudfield.onmicrosoft.com") else {
            lines.push(line(
                "<",
                "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
                "",
            ));
            lines.push(line(">", "RSET", ""));
            lines.push(line("<", "250 2.0.0 Resetting", ""));
            continue;
        };
        lines.push(line(
            "<",
            format!(
                "250 2.6.0 <{:x}@CMHYBD01.cloudmonkeys.xyz> [InternalId={}, Hostname=BN8NAM11HT{:03}.eop-nam11.prod.protection.outlook.com] {size} bytes in 0.051, {:.3} KB/sec Queued mail for delivery",
                rng.next(),
                rng.below(1 << 40),
                rng.below(1000),
                size as f64 / 1024.0 / 0.051
            ),
            "",
        ));
    }
    lines.push(line(">", "QUIT", ""));
    lines.push(line("<", "221 2.0.0 Service closing transmission channel", ""));
    lines.push(line("-", "", "Local"));
    Script {
        connector: "Outbound to Office 365 - 6c3b1d42-9a7e-4c1b-8f0e-2d5a7b9c1e33".to_owned(),
        session_id: format!("{id:016X}"),
        local,
        remote,
        local_from: 1,
        lines,
        next: 0,
    }
}

/// One message's envelope, the client's event first in the pair (`<` on receive, `>` on send): MAIL FROM, the
/// recipients, the replies, and BDAT; `None` when the server refuses it (the caller writes the refusal), else the
/// message's size.
fn envelope(
    lines: &mut Vec<Line>,
    rng: &mut Rng,
    mix: &Mix,
    (client, server): (&'static str, &'static str),
    from: &str,
    to_domain: &str,
) -> Option<u64> {
    let size = rng.between(2_000, 200_000);
    lines.push(line(client, format!("MAIL FROM:<{from}> SIZE={size}"), ""));
    let recipients = rng.between(mix.recipients.0, mix.recipients.1);
    for _ in 0..recipients {
        lines.push(line(
            client,
            format!("RCPT TO:<user{}@{to_domain}>", rng.below(5000)),
            "",
        ));
    }
    lines.push(line(server, "250 2.1.0 Sender OK", ""));
    if rng.chance(mix.refused_percent) {
        return None;
    }
    for _ in 0..recipients {
        lines.push(line(server, "250 2.1.5 Recipient OK", ""));
    }
    lines.push(line(client, format!("BDAT {size} LAST"), ""));
    Some(size)
}

/// `Fri, 1 May 2026 06:06:57 +0000`, as a banner gives the time.
fn banner_date(time_ms: i64) -> String {
    let stamp = format_utc_ms(time_ms);
    format!(
        "Fri, {} May 2026 {} +0000",
        stamp[8..10].trim_start_matches('0'),
        &stamp[11..19]
    )
}

/// The folder a mix is written to under `root`, as Exchange lays it out.
pub fn mix_folder(root: &Path, mix: &Mix) -> PathBuf {
    let (server, sub) = match mix.folder {
        Folder::FrontEndReceive => ("CMHYBD01", "FrontEnd/ProtocolLog/SmtpReceive"),
        Folder::EdgeReceive => ("CMEDGE01", "Edge/ProtocolLog/SmtpReceive"),
        Folder::HubSend => ("CMHYBD01", "Hub/ProtocolLog/SmtpSend"),
    };
    root.join(mix.name).join(server).join(sub)
}

/// Writes about `bytes` of `mix` under `root` (see [`mix_folder`]), files rolled at `max_file_bytes`; returns the
/// bytes written. Sessions open at the end are written to their end.
pub fn write_mix(root: &Path, mix: &Mix, bytes: u64, max_file_bytes: u64, seed: u64) -> u64 {
    let mut log = Log::new(mix_folder(root, mix), mix.folder != Folder::HubSend).with_max_file_bytes(max_file_bytes);
    let mut rng = Rng(seed | 1);
    let mut clock = parse_utc_ms(b"2026-05-01T00:00:00Z").unwrap();
    let mut id = 0x08DE_A747_0000_0000u64 + (seed & 0xffff) * 0x1_0000_0000;
    let mut open: Vec<Script> = Vec::new();
    let mut written = 0u64;
    let mut text = String::with_capacity(4096);
    loop {
        let starting = written < bytes;
        while starting && open.len() < mix.interleaved {
            id += 1;
            let script = match mix.folder {
                Folder::HubSend => send_script(mix, &mut rng, id, clock),
                _ => receive_script(mix, &mut rng, id, clock),
            };
            open.push(script);
        }
        if open.is_empty() {
            break;
        }
        let pick = rng.below(open.len() as u64) as usize;
        let script = &mut open[pick];
        // Milliseconds to a few seconds between lines: hours of log per 10 MB file, as on a busy server.
        clock += rng.below(12) as i64;
        let l = &script.lines[script.next];
        text.clear();
        text.push_str(&format_utc_ms(clock));
        text.push(',');
        let local = if script.next >= script.local_from {
            script.local.as_str()
        } else {
            ""
        };
        let sequence = script.next.to_string();
        write_csv_row(
            &mut text,
            [
                script.connector.as_str(),
                script.session_id.as_str(),
                sequence.as_str(),
                local,
                script.remote.as_str(),
                l.event,
                l.data.as_str(),
                l.context.as_str(),
            ],
        );
        written += log.write(clock, &text);
        script.next += 1;
        if script.next == script.lines.len() {
            open.swap_remove(pick);
        }
    }
    log.flush();
    written
}
