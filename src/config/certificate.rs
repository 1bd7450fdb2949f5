//! Does a certificate cover a host name? The rules TLS clients apply to the names of an Exchange certificate:
//! its subject alternative names and subject common name (`Get-ExchangeCertificate`'s `CertificateDomains` lists
//! both), with the wildcard rules of RFC 6125: `*.cloudmonkeys.xyz` covers `mail.cloudmonkeys.xyz` but neither
//! `a.b.cloudmonkeys.xyz` nor `cloudmonkeys.xyz`. Also the distinguished names Exchange compares when a connector
//! names its certificate as `<I>issuer<S>subject` (`TlsCertificateName`).

use std::borrow::Cow;
use std::net::IpAddr;

/// How a certificate name covers a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameMatch {
    Exact,
    Wildcard,
}

/// Where on the certificate the covering name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameSource {
    /// The subject alternative name at this index of the list given.
    AlternativeName(usize),
    SubjectCommonName,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoveringName {
    pub source: NameSource,
    pub kind: NameMatch,
}

/// A DNS name as compared: trimmed, without the trailing dot of a fully qualified name, lower case.
/// Borrowed when it already is in that form, which Exchange's names nearly always are.
pub fn normalize_name(name: &str) -> Cow<'_, str> {
    let name = name.trim();
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Whether the certificate name `cert_name` (from the subject or a SAN; may be a wildcard) covers `host`.
/// A wildcard is only the whole leftmost label (`*.domain`), stands for exactly one non-empty label, needs at
/// least two labels after it (`*.xyz` covers nothing) and never covers an IP address. Partial wildcards
/// (`mail*.cloudmonkeys.xyz`) are not honoured: CAs no longer issue them and clients refuse them.
pub fn name_covers(cert_name: &str, host: &str) -> Option<NameMatch> {
    let cert_name = normalize_name(cert_name);
    let host = normalize_name(host);
    if cert_name.is_empty() || host.is_empty() {
        return None;
    }
    if *cert_name == *host {
        return Some(NameMatch::Exact);
    }
    let suffix = cert_name.strip_prefix("*.")?;
    if suffix.contains('*') || !suffix.contains('.') || suffix.split('.').any(str::is_empty) || is_ip_address(&host) {
        return None;
    }
    let (first_label, rest) = host.split_once('.')?;
    (!first_label.is_empty() && !first_label.contains('*') && rest == suffix).then_some(NameMatch::Wildcard)
}

fn is_ip_address(host: &str) -> bool {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok()
}

/// The name on the certificate that covers `host`: the subject alternative names first, in order, then the
/// subject's common name. Exact matches win over wildcards wherever they are.
pub fn covering_name<S: AsRef<str>>(subject: &str, alternative_names: &[S], host: &str) -> Option<CoveringName> {
    let common_name = subject_common_name(subject);
    let candidates = alternative_names
        .iter()
        .enumerate()
        .map(|(i, name)| (NameSource::AlternativeName(i), name.as_ref()))
        .chain(common_name.map(|cn| (NameSource::SubjectCommonName, cn)));
    let mut wildcard = None;
    for (source, name) in candidates {
        match name_covers(name, host) {
            Some(NameMatch::Exact) => {
                return Some(CoveringName {
                    source,
                    kind: NameMatch::Exact,
                })
            }
            Some(NameMatch::Wildcard) if wildcard.is_none() => {
                wildcard = Some(CoveringName {
                    source,
                    kind: NameMatch::Wildcard,
                })
            }
            _ => {}
        }
    }
    wildcard
}

/// One attribute of a distinguished name: `CN=mail.cloudmonkeys.xyz`. `value` is the raw text without its
/// surrounding quotes; `value_start` is its byte offset in the text parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute<'a> {
    pub kind: &'a str,
    pub value: &'a str,
    pub value_start: usize,
}

/// The attributes of a distinguished name as .NET writes it (`X500DistinguishedName.Name`, the form of
/// `Get-ExchangeCertificate`'s `Subject` and `Issuer`): `CN=mail.cloudmonkeys.xyz, O="Cloud, Monkeys", C=IN`.
/// Separators are `,` (or `;`) with any spaces; values may be quoted or hold `\,` escapes.
pub fn distinguished_name_attributes(dn: &str) -> Vec<Attribute<'_>> {
    let bytes = dn.as_bytes();
    let mut attributes = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        while pos < bytes.len()
            && (bytes[pos] == b' ' || bytes[pos] == b',' || bytes[pos] == b';' || bytes[pos] == b'+')
        {
            pos += 1;
        }
        let Some(eq) = dn[pos..].find('=').map(|i| pos + i) else {
            break;
        };
        let kind = dn[pos..eq].trim();
        let mut start = eq + 1;
        while start < bytes.len() && bytes[start] == b' ' {
            start += 1;
        }
        let (value_start, value_end, next) = if bytes.get(start) == Some(&b'"') {
            let close = dn[start + 1..].find('"').map_or(bytes.len(), |i| start + 1 + i);
            (start + 1, close, (close + 1).min(bytes.len()))
        } else {
            let mut end = start;
            while end < bytes.len() && !matches!(bytes[end], b',' | b';' | b'+') {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            let end = end.min(bytes.len());
            (start, end, end)
        };
        let value = dn[value_start..value_end].trim_end();
        attributes.push(Attribute {
            kind,
            value,
            value_start,
        });
        pos = next;
    }
    attributes
}

/// The value of the subject's `CN` (the most specific one when there are several), if it has one.
pub fn subject_common_name(subject: &str) -> Option<&str> {
    subject_common_name_attribute(subject).map(|a| a.value)
}

/// The subject's `CN` attribute with its position. .NET writes the most specific RDN first, so the first `CN` is
/// the name.
pub fn subject_common_name_attribute(subject: &str) -> Option<Attribute<'_>> {
    distinguished_name_attributes(subject)
        .into_iter()
        .find(|a| a.kind.eq_ignore_ascii_case("CN") && !a.value.is_empty())
}

/// Whether two distinguished names name the same entity: the same attributes in the same order, types and values
/// compared without regard to case or the spacing around separators (`CN=R11, O=Let's Encrypt` and
/// `cn=R11,o=Let's Encrypt`). `S` and `ST` are the same attribute, as are `E` and `EMAIL`.
pub fn distinguished_names_equal(a: &str, b: &str) -> bool {
    let (a, b) = (distinguished_name_attributes(a), distinguished_name_attributes(b));
    !a.is_empty()
        && a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| {
            canonical_attribute(x.kind).eq_ignore_ascii_case(canonical_attribute(y.kind))
                && x.value.eq_ignore_ascii_case(y.value)
        })
}

fn canonical_attribute(kind: &str) -> &str {
    if kind.eq_ignore_ascii_case("ST") {
        "S"
    } else if kind.eq_ignore_ascii_case("EMAIL") || kind.eq_ignore_ascii_case("EMAILADDRESS") {
        "E"
    } else {
        kind
    }
}

/// A connector's `TlsCertificateName` taken apart: `<I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.cloudmonkeys.xyz`.
/// Offsets are byte positions in the text parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TlsCertificateName<'a> {
    pub issuer: &'a str,
    pub issuer_start: usize,
    pub subject: &'a str,
    pub subject_start: usize,
}

/// Parses `<I>issuer<S>subject` (tags case-insensitive, spaces around the parts ignored). None for any other form:
/// Exchange refuses a connector certificate name without both parts.
pub fn parse_tls_certificate_name(text: &str) -> Option<TlsCertificateName<'_>> {
    let lower = text.to_ascii_lowercase();
    let open = lower.find("<i>")?;
    if !text[..open].trim().is_empty() {
        return None;
    }
    let issuer_from = open + 3;
    let subject_tag = issuer_from + lower[issuer_from..].find("<s>")?;
    let subject_from = subject_tag + 3;
    let (issuer, issuer_start) = trimmed_span(text, issuer_from, subject_tag);
    let (subject, subject_start) = trimmed_span(text, subject_from, text.len());
    (!issuer.is_empty() && !subject.is_empty()).then_some(TlsCertificateName {
        issuer,
        issuer_start,
        subject,
        subject_start,
    })
}

fn trimmed_span(text: &str, from: usize, to: usize) -> (&str, usize) {
    let part = &text[from..to];
    let start = from + (part.len() - part.trim_start().len());
    (part.trim(), start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cover_hosts_by_the_wildcard_rules() {
        use NameMatch::*;
        let cases: &[(&str, &str, Option<NameMatch>)] = &[
            ("mail.cloudmonkeys.xyz", "mail.cloudmonkeys.xyz", Some(Exact)),
            ("MAIL.CloudMonkeys.xyz", "mail.cloudmonkeys.XYZ", Some(Exact)),
            ("mail.cloudmonkeys.xyz.", "mail.cloudmonkeys.xyz", Some(Exact)),
            ("mail.cloudmonkeys.xyz", " mail.cloudmonkeys.xyz. ", Some(Exact)),
            ("*.cloudmonkeys.xyz", "mail.cloudmonkeys.xyz", Some(Wildcard)),
            ("*.CLOUDMONKEYS.XYZ.", "Mail.CloudMonkeys.Xyz.", Some(Wildcard)),
            ("*.cloudmonkeys.xyz", "a.b.cloudmonkeys.xyz", None),
            ("*.cloudmonkeys.xyz", "cloudmonkeys.xyz", None),
            ("*.cloudmonkeys.xyz", ".cloudmonkeys.xyz", None),
            ("*.cloudmonkeys.xyz", "mail.cloudmonkeys.xyz.evil.example", None),
            ("*.cloudmonkeys.xyz", "mailcloudmonkeys.xyz", None),
            ("*.xyz", "cloudmonkeys.xyz", None),
            ("*", "cmedge01", None),
            ("mail*.cloudmonkeys.xyz", "mail1.cloudmonkeys.xyz", None),
            ("*.*.cloudmonkeys.xyz", "a.b.cloudmonkeys.xyz", None),
            ("*.0.0.10", "10.0.0.10", None),
            ("*.cloudmonkeys.xyz", "*.cloudmonkeys.xyz", Some(Exact)),
            ("cloudmonkeys.xyz", "mail.cloudmonkeys.xyz", None),
            ("mail.cloudmonkeys.xyz", "cmhybd01.cloudmonkeys.xyz", None),
            ("", "", None),
            ("cmedge01", "CMEDGE01", Some(Exact)),
        ];
        for (cert_name, host, expected) in cases {
            assert_eq!(name_covers(cert_name, host), *expected, "{cert_name} covering {host}");
        }
    }

    #[test]
    fn finds_the_covering_name_among_sans_and_subject() {
        let sans = [
            "autodiscover.cloudmonkeys.xyz",
            "*.cloudmonkeys.xyz",
            "mail.cloudmonkeys.xyz",
        ];
        let subject = "CN=mail.cloudmonkeys.xyz";
        let found = |host: &str| covering_name(subject, &sans, host);
        // An exact SAN wins over an earlier wildcard.
        assert_eq!(
            found("mail.cloudmonkeys.xyz"),
            Some(CoveringName {
                source: NameSource::AlternativeName(2),
                kind: NameMatch::Exact
            })
        );
        assert_eq!(
            found("cmhybd01.cloudmonkeys.xyz"),
            Some(CoveringName {
                source: NameSource::AlternativeName(1),
                kind: NameMatch::Wildcard
            })
        );
        assert_eq!(found("cloudmonkeys.xyz"), None);
        let no_sans: [&str; 0] = [];
        assert_eq!(
            covering_name("CN=CMEDGE01, O=Cloud Monkeys", &no_sans, "cmedge01"),
            Some(CoveringName {
                source: NameSource::SubjectCommonName,
                kind: NameMatch::Exact
            })
        );
        assert_eq!(covering_name("O=Cloud Monkeys", &no_sans, "cloud monkeys"), None);
    }

    #[test]
    fn reads_the_common_name_of_subjects_as_dotnet_writes_them() {
        let cases: &[(&str, Option<&str>)] = &[
            ("CN=mail.cloudmonkeys.xyz", Some("mail.cloudmonkeys.xyz")),
            (
                "CN=mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=WA, C=US",
                Some("mail.protection.outlook.com"),
            ),
            (
                "O=\"Cloud, Monkeys\", CN=cmhybd01.cloudmonkeys.xyz",
                Some("cmhybd01.cloudmonkeys.xyz"),
            ),
            ("cn = CMEDGE01 ,OU=Edge", Some("CMEDGE01")),
            ("CN=\"mail.cloudmonkeys.xyz\", O=Lab", Some("mail.cloudmonkeys.xyz")),
            (
                "OU=Domain Control Validated, CN=*.cloudmonkeys.xyz",
                Some("*.cloudmonkeys.xyz"),
            ),
            ("O=Microsoft Exchange", None),
            ("", None),
            ("CN=", None),
        ];
        for (subject, cn) in cases {
            assert_eq!(subject_common_name(subject), *cn, "{subject}");
        }
        let subject = "O=Lab, CN=mail.cloudmonkeys.xyz";
        let attribute = subject_common_name_attribute(subject).unwrap();
        assert_eq!(
            &subject[attribute.value_start..attribute.value_start + attribute.value.len()],
            "mail.cloudmonkeys.xyz"
        );
    }

    #[test]
    fn escaped_separators_stay_in_the_value() {
        let attributes = distinguished_name_attributes(r"CN=mail.cloudmonkeys.xyz, O=Cloud\, Monkeys Ltd, C=IN");
        let values: Vec<&str> = attributes.iter().map(|a| a.value).collect();
        assert_eq!(values, ["mail.cloudmonkeys.xyz", r"Cloud\, Monkeys Ltd", "IN"]);
        assert!(distinguished_name_attributes("no equals sign here").is_empty());
        assert_eq!(distinguished_name_attributes("CN=\"unterminated").len(), 1);
        assert_eq!(distinguished_name_attributes("CN=ends with backslash\\").len(), 1);
    }

    #[test]
    fn compares_distinguished_names_as_exchange_does() {
        assert!(distinguished_names_equal(
            "CN=R11, O=Let's Encrypt, C=US",
            "cn=R11,o=let's encrypt,c=us"
        ));
        assert!(distinguished_names_equal(
            "CN=Lab CA, ST=Kerala, C=IN",
            "CN=Lab CA, S=Kerala, C=IN"
        ));
        assert!(!distinguished_names_equal(
            "CN=R11, O=Let's Encrypt, C=US",
            "CN=R10, O=Let's Encrypt, C=US"
        ));
        assert!(!distinguished_names_equal(
            "CN=R11, O=Let's Encrypt, C=US",
            "CN=R11, O=Let's Encrypt"
        ));
        assert!(!distinguished_names_equal(
            "O=Let's Encrypt, CN=R11",
            "CN=R11, O=Let's Encrypt"
        ));
        assert!(!distinguished_names_equal("", ""));
    }

    #[test]
    fn takes_tls_certificate_names_apart() {
        let text = "<I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.cloudmonkeys.xyz";
        let parsed = parse_tls_certificate_name(text).unwrap();
        assert_eq!(parsed.issuer, "CN=R11, O=Let's Encrypt, C=US");
        assert_eq!(parsed.subject, "CN=mail.cloudmonkeys.xyz");
        assert_eq!(
            &text[parsed.issuer_start..parsed.issuer_start + parsed.issuer.len()],
            parsed.issuer
        );
        assert_eq!(&text[parsed.subject_start..], parsed.subject);
        let spaced = parse_tls_certificate_name(" <i> CN=Lab CA <s> CN=cmhybd01.cloudmonkeys.xyz ").unwrap();
        assert_eq!(
            (spaced.issuer, spaced.subject),
            ("CN=Lab CA", "CN=cmhybd01.cloudmonkeys.xyz")
        );
        for bad in [
            "CN=mail.cloudmonkeys.xyz",
            "<S>CN=mail<I>CN=R11",
            "<I><S>CN=mail",
            "<I>CN=R11<S>",
            "x<I>CN=R11<S>CN=mail",
            "",
        ] {
            assert_eq!(parse_tls_certificate_name(bad), None, "{bad}");
        }
    }
}
