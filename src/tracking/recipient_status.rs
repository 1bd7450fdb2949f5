//! A recipient-status member in the bracketed form Exchange uses for DEFER, FAIL and the like:
//! `[{LED=451 4.4.0 DNS query failed...};{MSG=};{FQDN=};{IP=};{LRT=}]` (2016/2019 order; 2013 puts LRT first).
//! LED is the last error (the SMTP response), MSG a message, FQDN/IP the host last tried, LRT the last retry time.
//! Plain members (`To`, `250 2.1.5 Recipient OK`) are not bracketed and not split.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecipientStatusParts {
    pub led: String,
    pub msg: String,
    pub fqdn: String,
    pub ip: String,
    pub lrt: String,
    /// Parts with other keys, in the order written.
    pub other: Vec<(String, String)>,
}

/// Splits a bracketed status into its parts; `None` when the member is not `[{...}]`. The LED text may hold `;`
/// (`...NonExistentDomain; nonexistent domain`), so parts are separated by `};{`, not by `;`.
pub fn parse_recipient_status(member: &str) -> Option<RecipientStatusParts> {
    let inner = member.trim().strip_prefix("[{")?.strip_suffix("}]")?;
    let mut parts = RecipientStatusParts::default();
    for part in inner.split("};{") {
        let (key, value) = part.split_once('=').unwrap_or((part, ""));
        let slot = match key.trim().to_ascii_uppercase().as_str() {
            "LED" => &mut parts.led,
            "MSG" => &mut parts.msg,
            "FQDN" => &mut parts.fqdn,
            "IP" => &mut parts.ip,
            "LRT" => &mut parts.lrt,
            _ => {
                parts.other.push((key.to_owned(), value.to_owned()));
                continue;
            }
        };
        *slot = value.to_owned();
    }
    Some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::type_complexity)] // a table of cases, read across
    fn splits_bracketed_statuses_into_their_parts() {
        let cases: &[(&str, Option<(&str, &str, &str, &str, &str)>)] = &[
            (
                "[{LED=451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain};{MSG=};{FQDN=};{IP=};{LRT=}]",
                Some(("451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain", "", "", "", "")),
            ),
            (
                "[{LED=550 5.7.1 TRANSPORT.RULES.RejectMessage; the message was rejected by organization policy};{MSG=};{FQDN=};{IP=};{LRT=}]",
                Some(("550 5.7.1 TRANSPORT.RULES.RejectMessage; the message was rejected by organization policy", "", "", "", "")),
            ),
            (
                "[{LED=550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus};{MSG=};{FQDN=cloudfield-onmicrosoft-com.mail.protection.outlook.com};{IP=40.107.22.51};{LRT=5/1/2026 6:10:02 AM}]",
                Some((
                    "550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus",
                    "",
                    "cloudfield-onmicrosoft-com.mail.protection.outlook.com",
                    "40.107.22.51",
                    "5/1/2026 6:10:02 AM",
                )),
            ),
            (
                "[{LRT=};{LED=550 5.7.1 RESOLVER.RST.AuthRequired; authentication required};{FQDN=};{IP=}]",
                Some(("550 5.7.1 RESOLVER.RST.AuthRequired; authentication required", "", "", "", "")),
            ),
            ("[{LED=}]", Some(("", "", "", "", ""))),
            ("250 2.1.5 Recipient OK", None),
            ("To", None),
            ("[{LED=unclosed", None),
            ("", None),
        ];
        for (member, want) in cases {
            let got = parse_recipient_status(member);
            let got = got.as_ref().map(|p| {
                (
                    p.led.as_str(),
                    p.msg.as_str(),
                    p.fqdn.as_str(),
                    p.ip.as_str(),
                    p.lrt.as_str(),
                )
            });
            assert_eq!(got, *want, "{member}");
        }
    }

    #[test]
    fn keeps_unknown_parts() {
        let parts = parse_recipient_status("[{LED=250 2.1.5 OK};{SRC=QUEUE};{odd}]").unwrap();
        assert_eq!(
            parts.other,
            vec![
                ("SRC".to_owned(), "QUEUE".to_owned()),
                ("odd".to_owned(), String::new())
            ]
        );
    }
}
