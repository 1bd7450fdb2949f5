//! TLS as the protocol log records it: the negotiation result, the certificate rows (one combined row in
//! 2016/2019, one row per property in 2013), chain validation and the hybrid TlsDomainCapabilities check.

use crate::logfile::parse_utc_ms;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Certificate {
    /// `Sending certificate`, `Received certificate` or `Remote certificate`.
    pub kind: String,
    pub subject: String,
    pub issuer: String,
    pub serial_number: String,
    pub thumbprint: String,
    pub not_before_ms: Option<i64>,
    pub not_after_ms: Option<i64>,
    pub subject_alternative_names: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsInfo {
    /// `SP_PROT_TLS1_2_SERVER`, ... as logged.
    pub protocol: String,
    pub cipher: String,
    pub cipher_strength: Option<u32>,
    pub mac: String,
    pub key_exchange: String,
    pub key_exchange_strength: Option<u32>,
    /// The reason TLS failed, as logged (`UnknownCredentials`, `SubjectMismatch`, ...).
    pub failure: String,
    pub certificates: Vec<Certificate>,
    pub chain_validation_status: String,
    pub domain_capabilities: String,
    pub domain_capabilities_status: String,
    pub domain_capabilities_domain: String,
}

impl TlsInfo {
    /// `TLS protocol {0} negotiation succeeded using bulk encryption algorithm {1} with strength {2} bits, MAC hash
    /// algorithm {3} with strength {4} bits and key exchange algorithm {5} with strength {6} bits`.
    pub fn read_success(&mut self, text: &str) -> bool {
        let Some(rest) = text.strip_prefix("TLS protocol ") else {
            return false;
        };
        let (protocol, rest) = rest.split_at(rest.find(' ').unwrap_or(rest.len()));
        if !rest.starts_with(" negotiation succeeded") {
            return false;
        }
        self.protocol = protocol.to_owned();
        // One pass over the words, split on bytes (every line with TLS has this row): the three algorithms come
        // in the order bulk, MAC, key exchange, each followed by its strength.
        let (mut algorithms, mut strengths) = ([""; 3], [None; 3]);
        let (mut algorithm_count, mut strength_count) = (0, 0);
        let mut words = ascii_words(rest);
        while let Some(word) = words.next() {
            match word {
                "algorithm" if algorithm_count < 3 => {
                    algorithms[algorithm_count] = words.next().unwrap_or("").trim_end_matches(',');
                    algorithm_count += 1;
                }
                "strength" if strength_count < 3 => {
                    strengths[strength_count] = words.next().and_then(|n| n.parse::<u32>().ok());
                    strength_count += 1;
                }
                _ => {}
            }
        }
        self.cipher = algorithms[0].to_owned();
        self.cipher_strength = strengths[0];
        self.mac = algorithms[1].to_owned();
        self.key_exchange = algorithms[2].to_owned();
        self.key_exchange_strength = strengths[2];
        true
    }

    /// `TlsDomainCapabilities='X'; Status='Y'; Domain='Z'`.
    pub fn read_domain_capabilities(&mut self, text: &str) -> bool {
        if !text.starts_with("TlsDomainCapabilities=") {
            return false;
        }
        // The row replaces what an earlier one said, absent parts included.
        self.domain_capabilities.clear();
        self.domain_capabilities_status.clear();
        self.domain_capabilities_domain.clear();
        for (key, value) in quoted_pairs(text) {
            match key {
                "TlsDomainCapabilities" => self.domain_capabilities = value.to_owned(),
                "Status" => self.domain_capabilities_status = value.to_owned(),
                "Domain" => self.domain_capabilities_domain = value.to_owned(),
                _ => {}
            }
        }
        true
    }

    /// A certificate row. `context` names what `data` holds: the combined 2016/2019 row, the kind alone, or one
    /// property (2013). Returns false when the row is not about a certificate.
    pub fn read_certificate(&mut self, data: &str, context: &str) -> bool {
        const KINDS: [&str; 3] = ["Sending certificate", "Received certificate", "Remote certificate"];
        if let Some(kind) = KINDS.iter().find(|k| context.starts_with(**k)) {
            let mut cert = Certificate {
                kind: (*kind).to_owned(),
                ..Certificate::default()
            };
            if context.len() > kind.len() {
                parse_combined(data, &mut cert);
            }
            self.certificates.push(cert);
            return true;
        }
        let property = match context {
            "Certificate subject" => 0,
            "Certificate issuer name" => 1,
            "Certificate serial number" => 2,
            "Certificate thumbprint" => 3,
            "Certificate alternate names" => 4,
            "Certificate not before" | "Certificate valid from" => 5,
            "Certificate not after" | "Certificate valid to" => 6,
            _ => return false,
        };
        if self.certificates.is_empty() {
            self.certificates.push(Certificate::default());
        }
        let cert = self.certificates.last_mut().expect("just ensured");
        let value = data.trim().to_owned();
        match property {
            0 => cert.subject = value,
            1 => cert.issuer = value,
            2 => cert.serial_number = value,
            3 => cert.thumbprint = value,
            4 => cert.subject_alternative_names = split_names(&value),
            5 => cert.not_before_ms = parse_utc_ms(value.as_bytes()),
            _ => cert.not_after_ms = parse_utc_ms(value.as_bytes()),
        }
        true
    }
}

/// The words of `text` between spaces, found byte by byte: the rows are ASCII and short, where a memchr call per
/// word costs more than the scan.
fn ascii_words(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        while bytes.get(pos) == Some(&b' ') {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        while pos < bytes.len() && bytes[pos] != b' ' {
            pos += 1;
        }
        Some(&text[start..pos])
    })
}

/// The `key='value'` pairs of a `;`-separated row, in order, without searching the row once per key.
fn quoted_pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let eq = rest.find('=')?;
        let key = rest[..eq].trim_start_matches([';', ' ']);
        let after = rest[eq + 1..].strip_prefix('\'')?;
        let close = after.find('\'')?;
        rest = &after[close + 1..];
        Some((key, &after[..close]))
    })
}

fn split_names(text: &str) -> Vec<String> {
    text.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// ` <subject> <issuer> <serial> <thumbprint> <not before> <not after> <SANs;...>`. Subject and issuer are
/// distinguished names with spaces in them, so the row is read from the right, where the tokens are plain, and
/// the two names are split where a space not after a comma starts a new `XX=` part.
fn parse_combined(data: &str, cert: &mut Certificate) {
    // Splits off the last space-separated token, without allocating.
    fn last(s: &str) -> (&str, &str) {
        let s = s.trim_end();
        match s.rfind(' ') {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => ("", s),
        }
    }
    let is_time = |t: &str| parse_utc_ms(t.as_bytes()).is_some();
    let is_hex = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_hexdigit());
    let mut rest = data.trim();
    // SANs are optional: the last token is a SAN list unless it is the not-after time.
    let (head, token) = last(rest);
    if !is_time(token) && is_time(last(head).1) {
        cert.subject_alternative_names = split_names(token);
        rest = head;
    }
    let (head, not_after) = last(rest);
    let (before_head, not_before) = last(head);
    if is_time(not_after) && is_time(not_before) {
        cert.not_after_ms = parse_utc_ms(not_after.as_bytes());
        cert.not_before_ms = parse_utc_ms(not_before.as_bytes());
        rest = before_head;
    }
    let (head, thumbprint) = last(rest);
    let (serial_head, serial) = last(head);
    if is_hex(thumbprint) && is_hex(serial) {
        cert.thumbprint = thumbprint.to_owned();
        cert.serial_number = serial.to_owned();
        rest = serial_head;
    }
    let names = rest.trim();
    let split = names.char_indices().find(|&(i, c)| {
        c == ' ' && i > 0 && !names[..i].ends_with(',') && {
            // The next word starts a `Key=` (letters, then '='): looked at only as far as its letters go.
            let key = names[i + 1..].bytes().take_while(u8::is_ascii_alphabetic).count();
            key > 0 && names.as_bytes().get(i + 1 + key) == Some(&b'=')
        }
    });
    match split {
        Some((i, _)) => {
            cert.subject = names[..i].to_owned();
            cert.issuer = names[i + 1..].to_owned();
        }
        None => cert.subject = names.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::type_complexity)] // a table of cases, read across
    fn reads_the_combined_certificate_row() {
        let cases: &[(&str, &str, &str, &str, &str, &[&str])] = &[
            (
                " CN=SERVER-HOSTNAME CN=SERVER-HOSTNAME 12DEABC6565646512346ABDC13456894 12DEABC6565646512346ABDC1345689413589876 2020-01-17T15:15:33.000Z 2025-01-17T15:15:33.000Z SERVER-HOSTNAME;SERVER-HOSTNAME.DOMAIN.TEST",
                "CN=SERVER-HOSTNAME",
                "CN=SERVER-HOSTNAME",
                "12DEABC6565646512346ABDC13456894",
                "12DEABC6565646512346ABDC1345689413589876",
                &["SERVER-HOSTNAME", "SERVER-HOSTNAME.DOMAIN.TEST"],
            ),
            (
                " CN=mail.cloudmonkeys.xyz CN=R11, O=Let's Encrypt, C=US 04A1B2 9F3C2E7A11B4D5E6F708192A3B4C5D6E7F809A1B 2026-03-01T00:00:00.000Z 2026-05-30T00:00:00.000Z mail.cloudmonkeys.xyz;autodiscover.cloudmonkeys.xyz",
                "CN=mail.cloudmonkeys.xyz",
                "CN=R11, O=Let's Encrypt, C=US",
                "04A1B2",
                "9F3C2E7A11B4D5E6F708192A3B4C5D6E7F809A1B",
                &["mail.cloudmonkeys.xyz", "autodiscover.cloudmonkeys.xyz"],
            ),
            (
                " CN=mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=WA, C=US CN=DigiCert Cloud Services CA-1, O=DigiCert Inc, C=US 0A1B 1A2B3C 2026-01-01T00:00:00.000Z 2027-01-01T00:00:00.000Z",
                "CN=mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=WA, C=US",
                "CN=DigiCert Cloud Services CA-1, O=DigiCert Inc, C=US",
                "0A1B",
                "1A2B3C",
                &[],
            ),
        ];
        for (data, subject, issuer, serial, thumb, sans) in cases {
            let mut tls = TlsInfo::default();
            assert!(tls.read_certificate(data, "Sending certificate Subject Issuer name Serial number Thumbprint Not before Not after Subject alternate names"));
            let c = &tls.certificates[0];
            assert_eq!((c.subject.as_str(), c.issuer.as_str()), (*subject, *issuer), "{data}");
            assert_eq!((c.serial_number.as_str(), c.thumbprint.as_str()), (*serial, *thumb));
            assert_eq!(c.subject_alternative_names, *sans);
            assert!(c.not_before_ms.is_some() && c.not_after_ms.is_some());
        }
    }

    #[test]
    fn reads_2013_certificate_rows() {
        let mut tls = TlsInfo::default();
        for (data, context) in [
            ("", "Remote certificate"),
            (
                "CN=mail.protection.outlook.com, O=Microsoft Corporation",
                "Certificate subject",
            ),
            ("CN=DigiCert Cloud Services CA-1", "Certificate issuer name"),
            ("0A1B", "Certificate serial number"),
            ("1A2B3C", "Certificate thumbprint"),
            (
                "mail.protection.outlook.com;*.mail.protection.outlook.com",
                "Certificate alternate names",
            ),
        ] {
            assert!(tls.read_certificate(data, context));
        }
        assert!(!tls.read_certificate("x", "Set Session Permissions"));
        let c = &tls.certificates[0];
        assert_eq!(c.kind, "Remote certificate");
        assert_eq!(c.subject, "CN=mail.protection.outlook.com, O=Microsoft Corporation");
        assert_eq!(c.subject_alternative_names.len(), 2);
    }

    #[test]
    fn reads_negotiation_and_domain_capabilities() {
        let mut tls = TlsInfo::default();
        assert!(tls.read_success("TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_128 with strength 128 bits, MAC hash algorithm CALG_SHA_256 with strength 0 bits and key exchange algorithm CALG_ECDH_EPHEM with strength 256 bits"));
        assert_eq!(tls.protocol, "SP_PROT_TLS1_2_SERVER");
        assert_eq!((tls.cipher.as_str(), tls.cipher_strength), ("CALG_AES_128", Some(128)));
        assert_eq!(tls.mac, "CALG_SHA_256");
        assert_eq!(
            (tls.key_exchange.as_str(), tls.key_exchange_strength),
            ("CALG_ECDH_EPHEM", Some(256))
        );
        assert!(tls.read_domain_capabilities(
            "TlsDomainCapabilities='AcceptCloudServicesMail'; Status='Success'; Domain='mail.protection.outlook.com'"
        ));
        assert_eq!(tls.domain_capabilities, "AcceptCloudServicesMail");
        assert_eq!(tls.domain_capabilities_status, "Success");
        assert_eq!(tls.domain_capabilities_domain, "mail.protection.outlook.com");
        assert!(tls.read_domain_capabilities("TlsDomainCapabilities='None'; Status='NoRemoteCertificate'"));
        assert_eq!(tls.domain_capabilities_domain, "");
        assert!(!tls.read_success("TLS negotiation failed with error UnknownCredentials"));
    }
}
