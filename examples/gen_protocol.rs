//! Writes realistic SMTP protocol logs for the benchmark: `gen_protocol <dir> <megabytes> [seed] [--mix <name>|all]`.
//! Without `--mix`: the lab's mix, two servers' FrontEnd receive and Hub send logs (Exchange Online inbound over
//! TLS, outbound to Exchange Online, failures), one session after the other. With `--mix`: one of the named mixes
//! of `common/protocol_mixes.rs` (or `all` of them, and the lab's), each `<megabytes>` in `<dir>/<name>`.

use std::path::Path;

use hybridmailflow_engine::logfile::format_utc_ms;

#[path = "common/protocol_mixes.rs"]
mod protocol_mixes;

use protocol_mixes::{write_mix, Log, Rng, MAX_FILE_BYTES, MIXES};

fn receive_session(log: &mut Log, rng: &mut Rng, server: &str, t: &mut i64, id: u64) -> u64 {
    let conn = format!("{server}\\Default Frontend {server}");
    let remote = format!(
        "40.93.{}.{}:{}",
        rng.below(255),
        rng.below(255),
        1024 + rng.below(60000)
    );
    let local = "192.168.1.13:25";
    let sid = format!("{id:016X}");
    let mut seq = 0;
    let mut bytes = 0;
    let kind = rng.below(100);
    let mut jitter = Rng(rng.next() | 1);
    let mut line = |log: &mut Log, t: &mut i64, event: &str, data: &str, context: &str| {
        *t = (*t + 1 + jitter.below(40) as i64).max(log.last_ms);
        let text = format!(
            "{},{conn},{sid},{seq},{local},{remote},{event},{data},{context}",
            format_utc_ms(*t)
        );
        seq += 1;
        bytes += log.write(*t, &text);
    };
    line(log, t, "+", "", "");
    line(log, t, "*", "SMTPSubmit SMTPAcceptAnyRecipient SMTPAcceptAnySender SMTPAcceptAuthoritativeDomainSender AcceptRoutingHeaders", "Set Session Permissions");
    line(
        log,
        t,
        ">",
        &format!(
            "\"220 {server}.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready at Fri, 1 May 2026 06:06:57 +0000\""
        ),
        "",
    );
    line(log, t, "<", "EHLO PNYPR01CU001.outbound.protection.outlook.com", "");
    line(log, t, ">", &format!("250  {server}.cloudmonkeys.xyz Hello [40.93.131.26] SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES STARTTLS X-ANONYMOUSTLS AUTH NTLM X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME CHUNKING XRDST"), "");
    line(log, t, "<", "STARTTLS", "");
    line(log, t, ">", "220 2.0.0 SMTP server ready", "");
    line(log, t, "*", "\" CN=mail.cloudmonkeys.xyz CN=R11, O=Let's Encrypt, C=US 04A1B2 9F3C2E7A11B4D5E6F708192A3B4C5D6E7F809A1B 2026-03-01T00:00:00.000Z 2026-05-30T00:00:00.000Z mail.cloudmonkeys.xyz;autodiscover.cloudmonkeys.xyz\"", "Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names");
    line(log, t, "*", "", "\"TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits\"");
    line(
        log,
        t,
        "*",
        "",
        "TlsDomainCapabilities='AcceptCloudServicesMail'; Status='Success'; Domain='mail.protection.outlook.com'",
    );
    line(log, t, "<", "EHLO PNYPR01CU001.outbound.protection.outlook.com", "");
    line(log, t, ">", &format!("250  {server}.cloudmonkeys.xyz Hello [40.93.131.26] SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES AUTH NTLM 8BITMIME BINARYMIME CHUNKING XRDST"), "");
    let user = rng.below(5000);
    line(
        log,
        t,
        "<",
        &format!(
            "MAIL FROM:<sender{}@fabrikam.example> SIZE={}",
            rng.below(900),
            2000 + rng.below(200_000)
        ),
        "",
    );
    line(log, t, "<", &format!("RCPT TO:<user{user}@cloudmonkeys.xyz>"), "");
    line(log, t, ">", "250 2.1.0 Sender OK", "");
    if kind < 4 {
        line(
            log,
            t,
            ">",
            "451 4.7.0 Temporary server error. Please try again later. PRX2 ",
            "",
        );
    } else {
        line(log, t, ">", "250 2.1.5 Recipient OK", "");
        line(log, t, "<", "BDAT 20480 LAST", "");
        line(
            log,
            t,
            "*",
            &format!("{sid};{};1", format_utc_ms(*t)),
            "receiving message",
        );
        line(log, t, ">", &format!("\"250 2.6.0 <{:x}@PNYPR01MB1234.namprd01.prod.outlook.com> [InternalId={}, Hostname={server}.cloudmonkeys.xyz] 20480 bytes in 0.120, 166.667 KB/sec Queued mail for delivery\"", rng.next(), rng.below(1 << 40)), "");
    }
    line(log, t, "<", "QUIT", "");
    line(log, t, ">", "221 2.0.0 Service closing transmission channel", "");
    line(log, t, "-", "", "Local");
    bytes
}

fn send_session(log: &mut Log, rng: &mut Rng, t: &mut i64, id: u64) -> u64 {
    let conn = "Outbound to Office 365 - 6c3b1d42-9a7e-4c1b-8f0e-2d5a7b9c1e33";
    let remote = format!("40.107.{}.{}:25", rng.below(255), rng.below(255));
    let local = format!("192.168.1.13:{}", 20000 + rng.below(40000));
    let sid = format!("{id:016X}");
    let mut seq = 0;
    let mut bytes = 0;
    let mut jitter = Rng(rng.next() | 1);
    let mut line = |log: &mut Log, t: &mut i64, local: &str, event: &str, data: &str, context: &str| {
        *t = (*t + 1 + jitter.below(40) as i64).max(log.last_ms);
        let text = format!(
            "{},{conn},{sid},{seq},{local},{remote},{event},{data},{context}",
            format_utc_ms(*t)
        );
        seq += 1;
        bytes += log.write(*t, &text);
    };
    line(log, t, "", "*", "", "attempting to connect");
    line(log, t, &local, "+", "", "");
    line(log, t, &local, "<", "\"220 BN8NAM11FT066.mail.protection.outlook.com Microsoft ESMTP MAIL Service ready at Fri, 1 May 2026 06:10:00 +0000\"", "");
    line(log, t, &local, ">", "EHLO mail.cloudmonkeys.xyz", "");
    for ext in [
        "250-BN8NAM11FT066.mail.protection.outlook.com Hello [27.7.57.241]",
        "250-SIZE 157286400",
        "250-PIPELINING",
        "250-DSN",
        "250-ENHANCEDSTATUSCODES",
        "250-STARTTLS",
        "250-8BITMIME",
        "250-BINARYMIME",
        "250-CHUNKING",
        "250 SMTPUTF8",
    ] {
        line(log, t, &local, "<", ext, "");
    }
    line(log, t, &local, ">", "STARTTLS", "");
    line(log, t, &local, "<", "220 2.0.0 SMTP server ready", "");
    line(log, t, &local, "*", "", "\"TLS protocol SP_PROT_TLS1_2_CLIENT negotiation succeeded using bulk encryption algorithm CALG_AES_256 with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 384 bits\"");
    line(log, t, &local, "*", "\" CN=mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=WA, C=US CN=DigiCert Cloud Services CA-1, O=DigiCert Inc, C=US 0A1B 1A2B3C 2026-01-01T00:00:00.000Z 2027-01-01T00:00:00.000Z mail.protection.outlook.com;*.mail.protection.outlook.com\"", "Remote certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names");
    line(log, t, &local, ">", "EHLO mail.cloudmonkeys.xyz", "");
    line(
        log,
        t,
        &local,
        "<",
        "250 BN8NAM11FT066.mail.protection.outlook.com Hello [27.7.57.241]",
        "",
    );
    line(
        log,
        t,
        &local,
        "*",
        "",
        &format!(
            "sending message with RecordId {} and InternetMessageId <{:x}@CMHYBD01.cloudmonkeys.xyz>",
            rng.below(1 << 40),
            rng.next()
        ),
    );
    line(
        log,
        t,
        &local,
        ">",
        &format!("MAIL FROM:<user{}@cloudmonkeys.xyz> SIZE=20480", rng.below(5000)),
        "",
    );
    line(
        log,
        t,
        &local,
        ">",
        &format!("RCPT TO:<user{}@cloudfield.onmicrosoft.com>", rng.below(5000)),
        "",
    );
    line(log, t, &local, "<", "250 2.1.0 Sender OK", "");
    line(log, t, &local, "<", "250 2.1.5 Recipient OK", "");
    line(log, t, &local, ">", "BDAT 20480 LAST", "");
    line(log, t, &local, "<", &format!("\"250 2.6.0 <{:x}@CMHYBD01.cloudmonkeys.xyz> [InternalId={}, Hostname=BN8NAM11HT123.eop-nam11.prod.protection.outlook.com] 20480 bytes in 0.051, 392.157 KB/sec Queued mail for delivery\"", rng.next(), rng.below(1 << 40)), "");
    line(log, t, &local, ">", "QUIT", "");
    line(
        log,
        t,
        &local,
        "<",
        "221 2.0.0 Service closing transmission channel",
        "",
    );
    line(log, t, &local, "-", "", "Local");
    bytes
}

/// The seed when none is given.
const DEFAULT_SEED: u64 = 0x9E37_79B9_7F4A_7C15;

/// The lab's mix: sessions one after the other in four streams (two servers' receive and send logs).
fn write_lab(dir: &Path, target: u64, seed: Option<u64>) -> u64 {
    let mut rng = Rng(seed.unwrap_or(DEFAULT_SEED));
    let mut logs: Vec<(Log, bool, &str)> = ["CMHYBD01", "CMHYBD02"]
        .iter()
        .flat_map(|server| {
            [
                (
                    Log::new(dir.join(server).join("FrontEnd/ProtocolLog/SmtpReceive"), true),
                    true,
                    *server,
                ),
                (
                    Log::new(dir.join(server).join("Hub/ProtocolLog/SmtpSend"), false),
                    false,
                    *server,
                ),
            ]
        })
        .collect();
    let mut clock = hybridmailflow_engine::logfile::parse_utc_ms(b"2026-05-01T00:00:00Z").unwrap();
    // A set made with a seed numbers its sessions apart (by the seed's low byte), so that sets read together, as
    // the servers of the remoting benchmark are, share no session id.
    let first_id = 0x08DE_A747_0000_0000u64 + seed.map_or(0, |s| (s & 0xFF) << 32);
    let (mut written, mut id) = (0u64, first_id);
    while written < target {
        let pick = rng.below(logs.len() as u64) as usize;
        let (log, receive, server) = &mut logs[pick];
        id += 1;
        let mut t = clock;
        written += if *receive {
            receive_session(log, &mut rng, server, &mut t, id)
        } else {
            send_session(log, &mut rng, &mut t, id)
        };
        clock += 20 + rng.below(200) as i64;
    }
    for (log, _, _) in &mut logs {
        log.flush();
    }
    written
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mix = args
        .iter()
        .position(|a| a == "--mix")
        .map(|i| args.get(i + 1).cloned().expect("--mix needs a name or all"));
    let positional: Vec<&String> = args
        .iter()
        .skip(1)
        .enumerate()
        // `i` is the index of the argument before: the name after `--mix` is not positional.
        .filter(|(i, a)| !a.starts_with("--") && args[*i] != "--mix")
        .map(|(_, a)| a)
        .collect();
    if positional.len() < 2 {
        let names: Vec<&str> = MIXES.iter().map(|m| m.name).collect();
        eprintln!(
            "usage: gen_protocol <dir> <megabytes> [seed] [--mix <name>|all]; mixes: {}",
            names.join(", ")
        );
        std::process::exit(2);
    }
    let dir = Path::new(positional[0]);
    let target: u64 = positional[1].parse::<u64>().expect("megabytes") * 1024 * 1024;
    let seed: Option<u64> = positional.get(2).and_then(|s| s.parse().ok());
    let Some(mix) = mix else {
        let written = write_lab(dir, target, seed);
        println!(
            "wrote {} MB of protocol logs under {}",
            written / (1024 * 1024),
            dir.display()
        );
        return;
    };
    let chosen: Vec<_> = MIXES.iter().filter(|m| mix == "all" || m.name == mix).collect();
    if chosen.is_empty() && mix != "lab" {
        eprintln!("no mix named {mix}");
        std::process::exit(2);
    }
    if mix == "all" || mix == "lab" {
        let written = write_lab(&dir.join("lab"), target, seed);
        println!(
            "lab: wrote {} MB (the lab's mix: sessions one after the other, four streams)",
            written >> 20
        );
    }
    for m in chosen {
        let written = write_mix(dir, m, target, MAX_FILE_BYTES, seed.unwrap_or(DEFAULT_SEED));
        println!("{}: wrote {} MB ({})", m.name, written >> 20, m.about);
    }
}
