//! Hand-written scanners for the hot path: SMTP status codes and the values that fill command templates.
//! No regex here: every diagnosed line goes through `scan_codes`, and a byte loop is several times cheaper.

use std::fmt;

/// An RFC 3463 enhanced status code, `class.subject.detail` (e.g. `4.4.317`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EnhancedCode {
    pub class: u8,
    pub subject: u16,
    pub detail: u16,
}

impl fmt::Display for EnhancedCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class, self.subject, self.detail)
    }
}

impl EnhancedCode {
    /// `x.y.z` as a string, without the formatting machinery: that costs more than the rest of a finding's code.
    pub fn to_text(self) -> String {
        let mut text = String::with_capacity(11);
        push_number(&mut text, u16::from(self.class));
        for part in [self.subject, self.detail] {
            text.push('.');
            push_number(&mut text, part);
        }
        text
    }

    /// Parses exactly `x.y.z` (class 2, 4 or 5; subject and detail of one to three digits).
    pub fn parse(text: &str) -> Option<EnhancedCode> {
        let bytes = text.as_bytes();
        match enhanced_at(bytes, 0) {
            Some((code, end)) if end == bytes.len() => Some(code),
            _ => None,
        }
    }
}

fn push_number(text: &mut String, value: u16) {
    let mut digits = [0u8; 5];
    let mut start = digits.len();
    let mut rest = value;
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    text.extend(digits[start..].iter().map(|d| char::from(*d)));
}

/// The codes found in one piece of text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Codes {
    pub basic: Option<u16>,
    pub enhanced: Option<EnhancedCode>,
}

impl Codes {
    pub fn is_empty(&self) -> bool {
        self.basic.is_none() && self.enhanced.is_none()
    }
}

/// Finds the status code of a response. Preference: the first `ddd x.y.z` pair anywhere (an NDR or a wrapper
/// quotes the response mid-sentence), else the first standalone `x.y.z`, else a basic code that opens the text.
/// Boundaries keep IP addresses (`40.93.4.4`), versions (`15.01.2375.007`) and Win32 codes (`1603`) out.
pub fn scan_codes(text: &str) -> Codes {
    let bytes = text.as_bytes();
    let mut first_enhanced = None;
    let mut from = 0;
    // Every code starts with its class digit: jump from one 2, 4 or 5 to the next.
    while let Some(offset) = memchr::memchr3(b'2', b'4', b'5', &bytes[from..]) {
        let i = from + offset;
        from = i + 1;
        if !boundary_before(bytes, i) {
            continue;
        }
        if let Some(basic) = basic_at(bytes, i) {
            let sep = i + 3;
            if matches!(bytes.get(sep), Some(b' ' | b'-')) {
                if let Some((enhanced, _)) = enhanced_at(bytes, sep + 1) {
                    return Codes {
                        basic: Some(basic),
                        enhanced: Some(enhanced),
                    };
                }
            }
        }
        if first_enhanced.is_none() {
            first_enhanced = enhanced_at(bytes, i).map(|(code, _)| code);
        }
    }
    if first_enhanced.is_some() {
        return Codes {
            basic: None,
            enhanced: first_enhanced,
        };
    }
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\'' | b'"'))
        .unwrap_or(bytes.len());
    Codes {
        basic: basic_at(bytes, start),
        enhanced: None,
    }
}

fn boundary_before(bytes: &[u8], i: usize) -> bool {
    i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.' || bytes[i - 1] == b'_')
}

/// A reply code: three digits, first 2-5, second 0-5 (RFC 5321 §4.2), not followed by another digit or letter.
fn basic_at(bytes: &[u8], i: usize) -> Option<u16> {
    let digits = bytes.get(i..i + 3)?;
    if !digits.iter().all(u8::is_ascii_digit) || !(b'2'..=b'5').contains(&digits[0]) || digits[1] > b'5' {
        return None;
    }
    if bytes
        .get(i + 3)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'.')
    {
        return None;
    }
    Some(digits.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0')))
}

/// `x.y.z` starting at `i`; returns the code and the index after it.
fn enhanced_at(bytes: &[u8], i: usize) -> Option<(EnhancedCode, usize)> {
    let class = *bytes.get(i)?;
    if !matches!(class, b'2' | b'4' | b'5') || bytes.get(i + 1) != Some(&b'.') {
        return None;
    }
    let (subject, after_subject) = number_at(bytes, i + 2)?;
    if bytes.get(after_subject) != Some(&b'.') {
        return None;
    }
    let (detail, end) = number_at(bytes, after_subject + 1)?;
    let next = bytes.get(end).copied();
    let continues_number = next == Some(b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit);
    if continues_number || next.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    Some((
        EnhancedCode {
            class: class - b'0',
            subject,
            detail,
        },
        end,
    ))
}

/// One to three digits.
fn number_at(bytes: &[u8], i: usize) -> Option<(u16, usize)> {
    let mut value = 0u16;
    let mut end = i;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        if end - i == 3 {
            return None;
        }
        value = value * 10 + u16::from(bytes[end] - b'0');
        end += 1;
    }
    (end > i).then_some((value, end))
}

/// The first position of `needle` in `haystack`. Short texts (a diagnosed line) are searched by skipping to
/// each occurrence of the needle's least common byte: building a full substring searcher per call costs more
/// than the search. Long texts get the linear-time searcher, so no input can make this quadratic in practice.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    const SHORT: usize = 512;
    let (hay, pattern) = (haystack.as_bytes(), needle.as_bytes());
    if pattern.len() > hay.len() {
        return None;
    }
    if hay.len() > SHORT {
        return memchr::memmem::find(hay, pattern);
    }
    if pattern.is_empty() {
        return Some(0);
    }
    let mut offset = 0;
    for (index, byte) in pattern.iter().enumerate() {
        if COMMONNESS[usize::from(*byte)] < COMMONNESS[usize::from(pattern[offset])] {
            offset = index;
        }
    }
    let rare = pattern[offset];
    let mut from = offset;
    while let Some(found) = memchr::memchr(rare, &hay[from..]) {
        let at = from + found - offset;
        if hay[at..].starts_with(pattern) {
            return Some(at);
        }
        from += found + 1;
    }
    None
}

/// How often a byte shows up in English error text, roughly: punctuation is rarer than capitals and digits,
/// which are rarer than lower-case letters and blanks. A table, since `find` ranks every byte of its needle.
static COMMONNESS: [u8; 256] = {
    let mut table = [1u8; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = match byte as u8 {
            b' ' | b'e' | b't' | b'a' | b'o' | b'i' | b'n' | b's' | b'r' => 4,
            b'a'..=b'z' => 3,
            b'A'..=b'Z' | b'0'..=b'9' | b'.' => 2,
            _ => 1,
        };
        byte += 1;
    }
    table
};

/// The text after `key` (leading blanks skipped) up to (not including) the first of `terminators`, or to the end.
pub fn value_after<'a>(text: &'a str, key: &str, terminators: &[u8]) -> Option<&'a str> {
    let start = find(text, key)? + key.len();
    let rest = text[start..].trim_start();
    let end = rest
        .bytes()
        .position(|b| terminators.contains(&b))
        .unwrap_or(rest.len());
    Some(rest[..end].trim()).filter(|v| !v.is_empty())
}

fn is_host_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'.'
}

/// The first dotted IPv4 address in `text` (not part of a longer dotted number).
pub fn first_ipv4(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.')) {
            if let Some(end) = ipv4_end(bytes, i) {
                return Some(&text[i..end]);
            }
        }
        i += 1;
    }
    None
}

fn ipv4_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut pos = start;
    for part in 0..4 {
        let (value, end) = number_at(bytes, pos)?;
        if value > 255 {
            return None;
        }
        pos = end;
        if part < 3 {
            if bytes.get(pos) != Some(&b'.') {
                return None;
            }
            pos += 1;
        }
    }
    let next = bytes.get(pos).copied();
    let longer = next.is_some_and(|b| b.is_ascii_alphanumeric())
        || (next == Some(b'.') && bytes.get(pos + 1).is_some_and(u8::is_ascii_digit));
    (!longer).then_some(pos)
}

/// The address a remote server named as the sender's when it refused it: `Client host [ip]` (blocklists),
/// `banned sending IP [ip]`, `banned sender[ip]`, `query/ip/ip` (Spamhaus), `try again later from [ip]` (4.7.500).
/// Not the `{IP=}` of a LastError: that is the host the message was last sent to.
pub fn sending_ip(text: &str) -> Option<&str> {
    const KEYS: [&str; 6] = [
        "Client host [",
        "sending IP [",
        "banned sender[",
        "banned sender [",
        "query/ip/",
        "later from [",
    ];
    KEYS.iter().find_map(|key| {
        let value = value_after(text, key, b"] ,;)\"'")?;
        is_ip_literal(value).then_some(value)
    })
}

fn is_ip_literal(value: &str) -> bool {
    let bytes = value.as_bytes();
    ipv4_end(bytes, 0) == Some(bytes.len())
        || (value.contains(':') && bytes.iter().all(|b| b.is_ascii_hexdigit() || matches!(b, b':' | b'.')))
}

/// `a.b.c.d:port` → `a.b.c.d`; `[v6]:port` → `v6`; anything else unchanged.
pub fn strip_port(endpoint: &str) -> &str {
    if let Some(rest) = endpoint.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match endpoint.rfind(':') {
        Some(colon) if endpoint.matches(':').count() == 1 => &endpoint[..colon],
        _ => endpoint,
    }
}

fn is_local_part_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'+')
}

/// The first e-mail address in `text`.
pub fn first_address(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut search_from = 0;
    while let Some(offset) = memchr::memchr(b'@', &bytes[search_from..]) {
        let at = search_from + offset;
        let start = bytes[..at]
            .iter()
            .rposition(|b| !is_local_part_byte(*b))
            .map_or(0, |p| p + 1);
        let end = bytes[at + 1..]
            .iter()
            .position(|b| !is_host_byte(*b))
            .map_or(bytes.len(), |p| at + 1 + p);
        let domain = text[at + 1..end].trim_end_matches('.');
        if start < at && domain.contains('.') {
            return Some(&text[start..at + 1 + domain.len()]);
        }
        search_from = at + 1;
    }
    None
}

/// The domain of the first e-mail address in `text`.
pub fn first_address_domain(text: &str) -> Option<&str> {
    first_address(text)
        .and_then(|address| address.split_once('@'))
        .map(|(_, domain)| domain)
}

/// A queue identity such as `CMHYBD01\Unreachable`, `cmhybd01\6` or `CMHYBD01\contoso.com`.
pub fn queue_identity(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut search_from = 0;
    while let Some(offset) = memchr::memchr(b'\\', &bytes[search_from..]) {
        let slash = search_from + offset;
        let start = bytes[..slash]
            .iter()
            .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
            .map_or(0, |p| p + 1);
        let end = bytes[slash + 1..]
            .iter()
            .position(|b| !is_host_byte(*b))
            .map_or(bytes.len(), |p| slash + 1 + p);
        let name = &text[slash + 1..end];
        let known = ["Unreachable", "Submission", "Poison"]
            .iter()
            .any(|q| name.eq_ignore_ascii_case(q));
        let numbered = !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit());
        if start < slash && (known || numbered || (name.contains('.') && !name.ends_with('.'))) {
            return Some(&text[start..end]);
        }
        search_from = slash + 1;
    }
    None
}

/// The first run of digits after `key`.
pub fn number_after<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let start = find(text, key)? + key.len();
    let rest = &text[start..];
    let digits_start = rest.bytes().position(|b| b.is_ascii_digit())?;
    if rest[..digits_start].bytes().any(|b| !matches!(b, b' ' | b':' | b'=')) {
        return None;
    }
    let digits = &rest[digits_start..];
    let end = digits.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(digits.len());
    Some(&digits[..end])
}

/// Keeps a value safe to paste into a PowerShell command: only characters that names, addresses and
/// certificate subjects use survive, so text from a remote server can never smuggle in `;`, `$()` or quotes.
pub fn sanitize_value(value: &str) -> String {
    let keep =
        |c: &char| c.is_alphanumeric() || matches!(c, ' ' | '.' | ':' | '_' | '@' | '=' | ',' | '-' | '\\' | '/' | '*');
    let mut kept = String::with_capacity(value.len());
    kept.extend(value.chars().filter(keep).skip_while(|c| c.is_whitespace()));
    kept.truncate(kept.trim_end().len());
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> (Option<u16>, Option<String>) {
        let found = scan_codes(text);
        if let Some(enhanced) = found.enhanced {
            assert_eq!(enhanced.to_text(), enhanced.to_string());
        }
        (found.basic, found.enhanced.map(|e| e.to_string()))
    }

    #[test]
    fn finds_the_code_of_real_responses() {
        let cases: &[(&str, Option<u16>, Option<&str>)] = &[
            (
                "450 4.4.317 Cannot connect to remote server",
                Some(450),
                Some("4.4.317"),
            ),
            (
                "ERROR: 454 4.7.5 Certificate validation failure, Reason: SubjectMismatch",
                Some(454),
                Some("4.7.5"),
            ),
            ("250-SIZE 37748736", Some(250), None),
            (
                "220 cmhybd01.cloudmonkeys.xyz Microsoft ESMTP MAIL Service ready",
                Some(220),
                None,
            ),
            (
                "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found'",
                Some(550),
                Some("5.1.10"),
            ),
            ("Status: 5.7.708", None, Some("5.7.708")),
            (
                "451 4.7.500 Server busy. Please try again later from [40.107.1.2]. (AS761)",
                Some(451),
                Some("4.7.500"),
            ),
            ("Connecting to 40.93.4.4 and 4.4.4.4", None, None),
            ("#Version: 15.01.2375.007", None, None),
            (
                "Installing product ASDat.MSI failed. Fatal error. Error code 1603",
                None,
                None,
            ),
            ("Tarpit for '0.00:00:05'", None, None),
            ("", None, None),
            ("5", None, None),
        ];
        for (text, basic, enhanced) in cases {
            assert_eq!(codes(text), (*basic, enhanced.map(str::to_string)), "{text}");
        }
    }

    #[test]
    fn a_pair_wins_over_an_earlier_standalone_enhanced_code() {
        assert_eq!(
            codes("#< #5.4.1 smtp;550 5.4.1 Relay Access Denied"),
            (Some(550), Some("5.4.1".into()))
        );
    }

    #[test]
    fn find_agrees_with_the_standard_search() {
        let hay = "450 4.4.317 Cannot establish session. Expected: mail.cloudmonkeys.xyz, Presented: CN=cmedge01";
        for needle in [
            "",
            "4",
            "Expected: ",
            "Presented: ",
            "CN=",
            "session.",
            "cmedge01",
            "absent",
            "cmedge012",
            "xyz, P",
        ] {
            assert_eq!(find(hay, needle), hay.find(needle), "{needle:?}");
        }
        assert_eq!(find("ab", "abc"), None);
        let long = "x".repeat(600) + "{LED=451";
        assert_eq!(find(&long, "{LED="), Some(600));
    }

    #[test]
    fn extracts_values_for_commands() {
        assert_eq!(first_ipv4("Client host [27.7.57.241] blocked"), Some("27.7.57.241"));
        assert_eq!(first_ipv4("version 15.01.2375.007 only"), None);
        assert_eq!(
            sending_ip("[{LED=550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus};{IP=40.93.4.4}]"),
            Some("27.7.57.241")
        );
        assert_eq!(
            sending_ip("550 5.7.606 Access denied, banned sending IP [2a01:111:f200:2004::240]."),
            Some("2a01:111:f200:2004::240")
        );
        assert_eq!(
            sending_ip("451 4.7.500 Server busy. Please try again later from [27.7.57.241]. (AS761)"),
            Some("27.7.57.241")
        );
        assert_eq!(sending_ip("Client host [mail.cloudmonkeys.xyz] blocked"), None);
        assert_eq!(strip_port("40.93.131.26:25"), "40.93.131.26");
        assert_eq!(strip_port("[2a01:111:f200:2004::240]:25"), "2a01:111:f200:2004::240");
        assert_eq!(
            first_address_domain("to ramki@cloudfield.onmicrosoft.com failed"),
            Some("cloudfield.onmicrosoft.com")
        );
        assert_eq!(first_address_domain("@ no address"), None);
        assert_eq!(
            first_address("RCPT TO:<raghu@cloudmonkeys.xyz>"),
            Some("raghu@cloudmonkeys.xyz")
        );
        assert_eq!(
            queue_identity("Get-Message -Queue cmhybd01\\Unreachable"),
            Some("cmhybd01\\Unreachable")
        );
        assert_eq!(queue_identity("CMHYBD01\\Default Frontend CMHYBD01"), None);
        assert_eq!(
            number_after(
                "Failed to connect. Winsock error code: 10060, Win32",
                "Winsock error code"
            ),
            Some("10060")
        );
        assert_eq!(
            value_after(
                "Expected: mail.cloudmonkeys.xyz, Presented: CN=cmedge01",
                "Presented: ",
                b","
            ),
            Some("CN=cmedge01")
        );
        assert_eq!(sanitize_value("x'; Remove-Item $(y) |z"), "x Remove-Item y z");
    }
}
