//! The fuzzer's seeds and how it damages them. Everything is drawn from one seeded generator, so a seed gives the
//! same inputs on every machine.

use std::path::Path;

use hybridmailflow_engine::tracking::{TrackingFilter, TrackingReader};

use crate::feed::Kind;

/// The generator every choice is drawn from: fastrand's, seeded.
pub struct Rng(fastrand::Rng);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(fastrand::Rng::with_seed(seed))
    }

    /// A number below `n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            self.0.usize(..n)
        }
    }

    /// True once in `n`.
    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A position in `bytes`, its end included.
    fn at(&mut self, bytes: &[u8]) -> usize {
        self.below(bytes.len() + 1)
    }
}

/// Text in other scripts, characters whose case changes their length, controls, and broken UTF-8.
const FRAGMENTS: &[&[u8]] = &[
    "é".as_bytes(),
    "ñ".as_bytes(),
    "日本語".as_bytes(),
    "한".as_bytes(),
    "🙂".as_bytes(),
    "👍🏽".as_bytes(),
    "e\u{301}".as_bytes(),
    "\u{200B}".as_bytes(),
    "\u{FEFF}".as_bytes(),
    "\u{202E}".as_bytes(),
    "\u{85}".as_bytes(),
    "\u{2028}".as_bytes(),
    "İ".as_bytes(),
    "ẞ".as_bytes(),
    "Ⱥ".as_bytes(),
    "\u{212A}".as_bytes(),
    "ﬃ".as_bytes(),
    "\u{1b}]0;title\u{7}".as_bytes(),
    "\u{1b}[2J".as_bytes(),
    b"\0",
    b"\t",
    b"\r",
    b"\n",
    b"\x80",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xff\xfe",
];

/// The pieces the parsers look for: delimiters, keywords and the shapes of the values they take apart.
const TOKENS: &[&str] = &[
    ",",
    "\"",
    "'",
    ";",
    ":",
    "=",
    "<",
    ">",
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    "|",
    "\\",
    "/",
    "@",
    " ",
    ".",
    "-",
    "[{LED=",
    "};{MSG=",
    "};{FQDN=",
    "};{IP=",
    "};{LRT=",
    "}]",
    "LED=",
    "MSG=",
    "FQDN=",
    "IP=",
    "LRT=",
    "SRV=",
    "LSRV=",
    ":TOTAL-HUB=",
    ":TOTAL-SUB=",
    "SMR=",
    "(SMRDE=",
    "|SMRC=",
    "0.453",
    "2026-05-01T06:00:00.000Z",
    "250 2.6.0 <",
    "[InternalId=",
    ", Hostname=",
    "] Queued mail for delivery",
    "Tarpit for '",
    "0.00:00:05'",
    "' due to '",
    "CN=",
    "OU=",
    "<I>",
    "<S>",
    "MAIL FROM:<",
    "RCPT TO:<",
    "SIZE=",
    "BDAT ",
    " LAST",
    "DATA",
    "EHLO ",
    "HELO ",
    "STARTTLS",
    "X-ANONYMOUSTLS",
    "AUTH LOGIN",
    "Proxied session id ",
    "Proxy session was successfully set up to ",
    "Winsock error code: ",
    "Failed to connect. ",
    "TlsDomainCapabilities='",
    "'; Status='",
    "SP_PROT_TLS1_2_CLIENT",
    " with strength ",
    " bits",
    "Sending certificate",
    "Remote certificate",
    "Subject alternate names",
    "Not before",
    "Not after",
    "LogonDenied",
    "451 4.4.0 ",
    "550 5.7.1 ",
    "450 4.4.317 ",
    "5.4.1",
    "4.4.7",
    "#5.1.1",
    "##",
    "X.",
    ";",
    "Message expired",
    "Previous Remote Host",
    "LastError",
    "Last endpoint attempted was ",
    "[Stage: ",
    "ECS_RCPTTOOLONG",
    "DNS query failed",
    "SubjectMismatch",
    "Hostname=",
    "Failover",
    "#Fields: ",
    "#Software: ",
    "#Log-type: ",
    "#Date: ",
    "#Version: ",
    "#TYPE ",
    "S:",
    "E:",
    "I32:",
    "Dt:",
    "S:DeliveryPriority=Normal",
    "EventData",
    "\"\"",
];

/// What a huge field is made of.
const HUGE: &[&str] = &["A", "é", "日", ",", "\"", "9", " ", "{", "="];

/// Numbers that overflow, or are zero, negative or odd in form.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "99999999999999999999999",
    "4294967296",
    "9223372036854775808",
    "1e308",
    "00000000000000000000001",
    "1.5",
    "٣",
];

/// A file of a kind: its header (lines starting with `#`, or the column row of a trace export) and its lines.
struct SeedFile {
    header: Vec<Vec<u8>>,
    lines: Vec<Vec<u8>>,
}

/// The files of one kind, and all their lines together (what damaged lines are spliced from).
#[derive(Default)]
struct SeedFiles {
    files: Vec<SeedFile>,
    lines: Vec<Vec<u8>>,
}

impl SeedFiles {
    fn push(&mut self, file: SeedFile) {
        self.lines.extend(file.lines.iter().cloned());
        self.files.push(file);
    }
}

pub struct Seeds {
    protocol: SeedFiles,
    tracking: SeedFiles,
    trace: SeedFiles,
    /// Error texts of the corpus and the recipient statuses of the tracking logs.
    texts: Vec<Vec<u8>>,
    statuses: Vec<Vec<u8>>,
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn split_lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split(|&b| b == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line).to_vec())
        .filter(|line| !line.is_empty())
        .collect()
}

fn seed_file(bytes: &[u8], trace: bool) -> SeedFile {
    let mut lines = split_lines(bytes);
    let header_len = if trace {
        1 + usize::from(lines.first().is_some_and(|l| l.windows(5).any(|w| w == b"#TYPE")))
    } else {
        lines.iter().take_while(|l| l.starts_with(b"#")).count()
    };
    let header_len = header_len.min(lines.len());
    let body = lines.split_off(header_len);
    SeedFile {
        header: lines,
        lines: body,
    }
}

impl Seeds {
    /// The real-format files of `samples/` and `tests/data/`, and the texts in them.
    pub fn load(root: &Path) -> Seeds {
        let mut paths = Vec::new();
        files_under(&root.join("samples"), &mut paths);
        files_under(&root.join("tests/data"), &mut paths);
        let mut seeds = Seeds {
            protocol: SeedFiles::default(),
            tracking: SeedFiles::default(),
            trace: SeedFiles::default(),
            texts: Vec::new(),
            statuses: Vec::new(),
        };
        let mut tracking_paths = Vec::new();
        for path in paths {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .to_ascii_uppercase();
            let in_regressions = path.components().any(|c| c.as_os_str() == "fuzz-regressions");
            let Ok(bytes) = std::fs::read(&path) else { continue };
            if in_regressions {
                continue;
            } else if (name.starts_with("RECV") || name.starts_with("SEND")) && name.ends_with(".LOG") {
                seeds.protocol.push(seed_file(&bytes, false));
            } else if name.starts_with("MSGTRK") && name.ends_with(".LOG") {
                seeds.tracking.push(seed_file(&bytes, false));
                tracking_paths.push(path);
            } else if name.ends_with(".CSV") {
                seeds.trace.push(seed_file(&bytes, true));
            } else if name == "CORPUS.TSV" {
                let text = String::from_utf8_lossy(&bytes);
                let texts = text
                    .lines()
                    .filter(|l| !l.starts_with('#'))
                    .filter_map(|l| l.rsplit('\t').next());
                seeds.texts.extend(texts.map(|t| t.as_bytes().to_vec()));
            }
        }
        let mut reader = TrackingReader::new(tracking_paths, TrackingFilter::default());
        while let Some(next) = reader.next_event() {
            if let Ok(event) = next {
                seeds
                    .statuses
                    .extend(event.recipient_status.iter().map(|s| s.as_bytes().to_vec()));
            }
        }
        for (what, empty) in [
            ("protocol logs", seeds.protocol.files.is_empty()),
            ("tracking logs", seeds.tracking.files.is_empty()),
            ("trace exports", seeds.trace.files.is_empty()),
            ("error texts", seeds.texts.is_empty()),
            ("recipient statuses", seeds.statuses.is_empty()),
        ] {
            assert!(!empty, "no {what} among the seeds under {}", root.display());
        }
        seeds
    }

    /// How many seeds there are, for the output.
    pub fn summary(&self) -> String {
        format!(
            "{} protocol logs, {} tracking logs, {} trace exports, {} error texts, {} recipient statuses",
            self.protocol.files.len(),
            self.tracking.files.len(),
            self.trace.files.len(),
            self.texts.len(),
            self.statuses.len()
        )
    }

    /// A new input of `kind`.
    pub fn input(&self, kind: Kind, rng: &mut Rng) -> Vec<u8> {
        match kind {
            Kind::Protocol => Self::file_input(&self.protocol, rng),
            Kind::Tracking => Self::file_input(&self.tracking, rng),
            Kind::Trace => Self::file_input(&self.trace, rng),
            Kind::RecipientStatus => Self::text_input(&self.statuses, &self.texts, rng),
            Kind::LastError | Kind::Diagnosis => Self::text_input(&self.texts, &self.statuses, rng),
        }
    }

    fn text_input(mostly: &[Vec<u8>], sometimes: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
        let pool = if rng.one_in(4) { sometimes } else { mostly };
        let mut text = rng.pick(pool).clone();
        mutate_with(&mut text, pool, rng);
        text
    }

    /// A file's header and a run of its lines (or lines of any file of the kind), some of them damaged.
    fn file_input(seeds: &SeedFiles, rng: &mut Rng) -> Vec<u8> {
        let file = rng.pick(&seeds.files);
        let all_lines = &seeds.lines;
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for line in &file.header {
            let mut line = line.clone();
            if rng.one_in(24) {
                mutate_with(&mut line, all_lines, rng);
            }
            if !rng.one_in(64) {
                lines.push(line);
            }
        }
        let header_len = lines.len();
        if rng.one_in(3) {
            for _ in 0..1 + rng.below(6) {
                lines.push(rng.pick(all_lines).clone());
            }
        } else if !file.lines.is_empty() {
            let start = rng.below(file.lines.len());
            let end = (start + 1 + rng.below(16)).min(file.lines.len());
            lines.extend(file.lines[start..end].iter().cloned());
        }
        let body = lines.len() - header_len;
        let damaged = 1 + rng.below(body.clamp(1, 3));
        for _ in 0..damaged {
            if body > 0 {
                let at = header_len + rng.below(body);
                mutate_with(&mut lines[at], all_lines, rng);
            }
        }
        if rng.one_in(16) && lines.len() > 1 {
            let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
            lines.swap(a, b);
        }
        let ending: &[u8] = match rng.below(32) {
            0 => b"\n",
            1 => b"\r",
            _ => b"\r\n",
        };
        let mut out = Vec::new();
        for line in &lines {
            out.extend_from_slice(line);
            out.extend_from_slice(ending);
        }
        if rng.one_in(8) {
            out.truncate(out.len() - ending.len());
        }
        if rng.one_in(16) {
            let at = rng.at(&out);
            out.truncate(at);
        }
        out
    }
}

/// One to three kinds of damage.
fn mutate_with(line: &mut Vec<u8>, others: &[Vec<u8>], rng: &mut Rng) {
    for _ in 0..1 + rng.below(3) {
        damage(line, others, rng);
    }
}

/// Where the `n`th of `byte` is in `line` (n counted modulo how many there are).
fn nth_of(line: &[u8], byte: u8, rng: &mut Rng) -> Option<usize> {
    let places: Vec<usize> = line
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == byte)
        .map(|(i, _)| i)
        .collect();
    (!places.is_empty()).then(|| *rng.pick(&places))
}

fn damage(line: &mut Vec<u8>, others: &[Vec<u8>], rng: &mut Rng) {
    match rng.below(15) {
        0 => {
            if !line.is_empty() {
                let at = rng.below(line.len());
                line[at] ^= 1 << rng.below(8);
            }
        }
        1 => {
            if !line.is_empty() {
                let at = rng.below(line.len());
                line[at] = rng.0.u8(..);
            }
        }
        2 | 3 => {
            let fragment = rng.pick(FRAGMENTS);
            let at = rng.at(line);
            line.splice(at..at, fragment.iter().copied());
        }
        4 | 5 => {
            let token = rng.pick(TOKENS).as_bytes();
            let at = rng.at(line);
            line.splice(at..at, token.iter().copied());
        }
        6 => {
            let at = rng.at(line);
            line.truncate(at);
        }
        7 => {
            let at = rng.at(line);
            let end = (at + 1 + rng.below(16)).min(line.len());
            line.drain(at..end);
        }
        8 => {
            let at = rng.at(line);
            let end = (at + 1 + rng.below(64)).min(line.len());
            let copy = line[at..end].to_vec();
            let to = rng.at(line);
            line.splice(to..to, copy);
        }
        9 => {
            let other = rng.pick(others);
            let (at, from) = (rng.at(line), rng.at(other));
            line.truncate(at);
            line.extend_from_slice(&other[from..]);
        }
        10 => damage_fields(line, rng),
        11 => {
            let unit = rng.pick(HUGE).as_bytes();
            let count = if rng.one_in(8) {
                20_000 + rng.below(50_000)
            } else {
                64 + rng.below(2_000)
            };
            let at = rng.at(line);
            let run: Vec<u8> = unit.iter().copied().cycle().take(unit.len() * count).collect();
            line.splice(at..at, run);
        }
        12 => {
            let digits: Vec<usize> = (0..line.len()).filter(|&i| line[i].is_ascii_digit()).collect();
            if !digits.is_empty() {
                let start = *rng.pick(&digits);
                let end = start + line[start..].iter().take_while(|b| b.is_ascii_digit()).count();
                line.splice(start..end, rng.pick(NUMBERS).bytes());
            }
        }
        13 => {
            let ascii: Vec<usize> = (0..line.len()).filter(|&i| line[i].is_ascii()).collect();
            if !ascii.is_empty() {
                let at = *rng.pick(&ascii);
                let fragment = rng.pick(&FRAGMENTS[..17]);
                line.splice(at..=at, fragment.iter().copied());
            }
        }
        _ => {
            let at = rng.at(line);
            let end = (at + 1 + rng.below(32)).min(line.len());
            for b in &mut line[at..end] {
                *b = if b.is_ascii_lowercase() {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                };
            }
        }
    }
}

/// Commas and quotes added, removed or doubled; a field repeated or dropped; a field quoted.
fn damage_fields(line: &mut Vec<u8>, rng: &mut Rng) {
    match rng.below(7) {
        0 => {
            if let Some(at) = nth_of(line, b',', rng) {
                line.remove(at);
            }
        }
        1 => {
            if let Some(at) = nth_of(line, b',', rng) {
                line.insert(at, b',');
            }
        }
        2 => {
            if let Some(at) = nth_of(line, b'"', rng) {
                line.remove(at);
            } else {
                let at = rng.at(line);
                line.insert(at, b'"');
            }
        }
        3 => {
            if let Some(at) = nth_of(line, b'"', rng) {
                line.insert(at, b'"');
            }
        }
        4 | 5 => {
            let starts: Vec<usize> = std::iter::once(0)
                .chain((0..line.len()).filter(|&i| line[i] == b',').map(|i| i + 1))
                .collect();
            let start = *rng.pick(&starts);
            let end = start
                + line[start..]
                    .iter()
                    .position(|&b| b == b',')
                    .unwrap_or(line.len() - start);
            if rng.one_in(2) {
                let mut field = line[start..end].to_vec();
                field.push(b',');
                line.splice(start..start, field);
            } else {
                line.drain(start..(end + 1).min(line.len()));
            }
        }
        _ => {
            let at = rng.at(line);
            let end = at + line[at..].iter().position(|&b| b == b',').unwrap_or(line.len() - at);
            line.insert(end, b'"');
            line.insert(at, b'"');
        }
    }
}
