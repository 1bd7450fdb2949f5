//! Send connector address spaces and the routing choice Exchange makes with them: which connector carries mail
//! for a recipient domain, and, when none does, the exact `Set-SendConnector` that adds the domain without losing
//! the spaces a connector already has.
//!
//! Selection follows Exchange's order: the most specific address space that matches the domain wins; among
//! equally specific ones the lowest cost; then the connector name, alphabetically. Disabled connectors take no
//! part. A scoped connector (`IsScopedConnector`) routes only for the transport servers of its own Active
//! Directory site: it is chosen like any other and the result says so.

use std::fmt;

use crate::powershell::single_quoted;

/// One address space of a send connector, e.g. `SMTP:*.contoso.com;1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressSpace {
    /// `SMTP` for the address spaces that route internet mail; `X400` and custom types never match a domain.
    pub kind: String,
    /// The domain without the wildcard, lower case; empty for `*` (every domain).
    pub domain: String,
    /// `*.contoso.com`: contoso.com and every subdomain. `*` alone: every domain.
    pub wildcard: bool,
    /// 1 to 100; 1 when not written.
    pub cost: u32,
    /// `--`: the organization's own domains, used by the EdgeSync inbound connector; never an external recipient.
    pub organization: bool,
}

/// Why an address space text could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressSpaceError {
    pub text: String,
    pub reason: String,
}

impl fmt::Display for AddressSpaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "address space '{}': {}", self.text, self.reason)
    }
}

impl std::error::Error for AddressSpaceError {}

impl AddressSpace {
    /// Reads `*`, `--`, `contoso.com`, `*.contoso.com`, `smtp:*.contoso.com;1`, `SMTP:contoso.com;10` and
    /// `[SMTP:contoso.com;10]` (how some exports bracket them). The type defaults to SMTP and the cost to 1.
    pub fn parse(text: &str) -> Result<AddressSpace, AddressSpaceError> {
        let fail = |reason: &str| AddressSpaceError {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let mut rest = text.trim();
        if rest.starts_with('[') && rest.ends_with(']') && rest.len() >= 2 {
            rest = rest[1..rest.len() - 1].trim();
        }
        if rest.is_empty() {
            return Err(fail("is empty"));
        }
        let (kind, rest) = match rest.split_once(':') {
            Some((kind, value)) if !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric()) => {
                (kind.to_ascii_uppercase(), value)
            }
            _ => ("SMTP".to_string(), rest),
        };
        let (domain_text, cost) = match rest.rsplit_once(';') {
            // Other types (X400) use ';' inside the address itself: a last part that is no number is no cost.
            Some((_, cost)) if kind != "SMTP" && cost.trim().parse::<u32>().is_err() => (rest.trim(), 1),
            Some((domain, cost)) => {
                let cost: u32 = cost
                    .trim()
                    .parse()
                    .map_err(|_| fail("has a cost that is not a number from 1 to 100"))?;
                if !(1..=100).contains(&cost) {
                    return Err(fail("has a cost outside 1 to 100"));
                }
                (domain.trim(), cost)
            }
            None => (rest.trim(), 1),
        };
        if domain_text.is_empty() {
            return Err(fail("has no domain"));
        }
        if domain_text == "--" {
            return Ok(AddressSpace {
                kind,
                domain: String::new(),
                wildcard: false,
                cost,
                organization: true,
            });
        }
        if domain_text == "*" {
            return Ok(AddressSpace {
                kind,
                domain: String::new(),
                wildcard: true,
                cost,
                organization: false,
            });
        }
        let (wildcard, domain) = match domain_text.strip_prefix("*.") {
            Some(domain) => (true, domain),
            None => (false, domain_text),
        };
        if kind == "SMTP" && !is_domain_name(domain) {
            return Err(fail(
                "is not a domain name (letters, digits, hyphens and dots; a leading '*.' for subdomains)",
            ));
        }
        // Only SMTP domains are case-insensitive names; other types keep what was written.
        let domain = if kind == "SMTP" {
            domain.to_ascii_lowercase()
        } else {
            domain.to_string()
        };
        Ok(AddressSpace {
            kind,
            domain,
            wildcard,
            cost,
            organization: false,
        })
    }

    /// How specific a match with `domain` is, or None when this space does not route `domain`. Longer domains
    /// are more specific, and an exact domain beats the wildcard of the same domain; `*` is the least specific.
    pub fn specificity(&self, domain: &str) -> Option<u32> {
        if self.kind != "SMTP" || self.organization {
            return None;
        }
        let domain = domain.trim().trim_end_matches('.');
        if self.domain.is_empty() {
            return self.wildcard.then_some(0);
        }
        let labels = self.domain.split('.').count() as u32;
        if domain.eq_ignore_ascii_case(&self.domain) {
            return Some(labels * 2 + u32::from(!self.wildcard));
        }
        let is_subdomain = domain.len() > self.domain.len()
            && domain.as_bytes()[domain.len() - self.domain.len() - 1] == b'.'
            && domain[domain.len() - self.domain.len()..].eq_ignore_ascii_case(&self.domain);
        (self.wildcard && is_subdomain).then_some(labels * 2)
    }

    /// The space as `Set-SendConnector -AddressSpaces` takes it: `smtp:*.contoso.com;1`.
    pub fn to_command_text(&self) -> String {
        let domain = if self.organization {
            "--".to_string()
        } else if self.domain.is_empty() {
            "*".to_string()
        } else if self.wildcard {
            format!("*.{}", self.domain)
        } else {
            self.domain.clone()
        };
        let kind = if self.kind == "SMTP" {
            "smtp".to_string()
        } else {
            self.kind.clone()
        };
        format!("{kind}:{domain};{}", self.cost)
    }
}

fn is_domain_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 255
        && text.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The domain of a recipient address or a domain as written (`ramki@cloudfield.onmicrosoft.com`,
/// `SMTP:ramki@...`, `cloudfield.onmicrosoft.com`), lower case.
pub fn recipient_domain(text: &str) -> String {
    let text = text.trim().trim_matches(|c| c == '<' || c == '>');
    let text = text
        .strip_prefix("smtp:")
        .or_else(|| text.strip_prefix("SMTP:"))
        .unwrap_or(text);
    let domain = text.rsplit_once('@').map_or(text, |(_, domain)| domain);
    domain.trim_end_matches('.').to_ascii_lowercase()
}

/// A send connector as routing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connector {
    pub name: String,
    pub enabled: bool,
    pub scoped: bool,
    /// The hybrid connector (HCW's `Outbound to Office 365 - <guid>`, or one with CloudServicesMailEnabled):
    /// the connector to extend for the tenant's domains.
    pub hybrid: bool,
    pub address_spaces: Vec<AddressSpace>,
}

/// The connector chosen for a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Index into the connectors given.
    pub connector: usize,
    /// Index into that connector's address spaces.
    pub address_space: usize,
    pub specificity: u32,
    pub cost: u32,
    /// Other enabled connectors that also match the domain (less specific, costlier, or later by name).
    pub alternatives: usize,
}

/// The connector Exchange would choose for `domain`, or None: the message goes to the Unreachable queue with
/// "A matching connector cannot be found to route the external recipient".
pub fn route(connectors: &[Connector], domain: &str) -> Option<Route> {
    let mut best: Option<Route> = None;
    let mut matching = 0;
    for (index, connector) in connectors.iter().enumerate().filter(|(_, c)| c.enabled) {
        // The best space of this connector: most specific, then cheapest.
        let candidate = connector
            .address_spaces
            .iter()
            .enumerate()
            .filter_map(|(space_index, space)| space.specificity(domain).map(|s| (space_index, s, space.cost)))
            .min_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
        let Some((space_index, specificity, cost)) = candidate else {
            continue;
        };
        matching += 1;
        let better = match &best {
            None => true,
            Some(current) => specificity
                .cmp(&current.specificity)
                .reverse()
                .then(cost.cmp(&current.cost))
                .then_with(|| {
                    connector
                        .name
                        .to_lowercase()
                        .cmp(&connectors[current.connector].name.to_lowercase())
                })
                .is_lt(),
        };
        if better {
            best = Some(Route {
                connector: index,
                address_space: space_index,
                specificity,
                cost,
                alternatives: 0,
            });
        }
    }
    best.map(|route| Route {
        alternatives: matching - 1,
        ..route
    })
}

/// The connector to extend so that `domain` is routed: the hybrid connector for the tenant's Microsoft
/// domains (`*.onmicrosoft.com`), else the enabled connector whose spaces share the most of the domain's
/// parent labels, else the hybrid connector, else the first enabled one.
pub fn connector_to_extend(connectors: &[Connector], domain: &str) -> Option<usize> {
    let enabled = || connectors.iter().enumerate().filter(|(_, c)| c.enabled);
    let hybrid = enabled().find(|(_, c)| c.hybrid).map(|(i, _)| i);
    if domain.ends_with(".onmicrosoft.com") && hybrid.is_some() {
        return hybrid;
    }
    let shared_labels = |space: &AddressSpace| {
        space
            .domain
            .rsplit('.')
            .zip(domain.rsplit('.'))
            .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
            .count()
    };
    let closest = enabled()
        .map(|(i, c)| (i, c.address_spaces.iter().map(shared_labels).max().unwrap_or(0)))
        .filter(|(_, shared)| *shared >= 2)
        .max_by_key(|(i, shared)| (*shared, std::cmp::Reverse(*i)));
    closest
        .map(|(i, _)| i)
        .or(hybrid)
        .or_else(|| enabled().next().map(|(i, _)| i))
}

/// The commands that make `connector` route `domain`, keeping its spaces: the `@{Add=...}` form, and the full
/// list (for Exchange versions and scripts that set the whole value), then the retry of the Unreachable queue.
pub fn address_space_fix(connector: &Connector, domain: &str) -> Vec<String> {
    let added = AddressSpace {
        kind: "SMTP".into(),
        domain: domain.to_ascii_lowercase(),
        wildcard: false,
        cost: 1,
        organization: false,
    };
    let added_text = added.to_command_text();
    let mut all: Vec<String> = connector
        .address_spaces
        .iter()
        .map(|s| single_quoted(&s.to_command_text()))
        .collect();
    all.push(single_quoted(&added_text));
    let name = single_quoted(&connector.name);
    vec![
        format!("Set-SendConnector -Identity {name} -AddressSpaces @{{Add={}}}", single_quoted(&added_text)),
        format!("Set-SendConnector -Identity {name} -AddressSpaces {}", all.join(",")),
        "Get-Queue | Where-Object { $_.DeliveryType -eq 'Unreachable' -and $_.MessageCount -gt 0 } | Retry-Queue -Resubmit $true".to_string(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn space(text: &str) -> AddressSpace {
        AddressSpace::parse(text).unwrap()
    }

    fn connector(name: &str, spaces: &[&str]) -> Connector {
        Connector {
            name: name.into(),
            enabled: true,
            scoped: false,
            hybrid: false,
            address_spaces: spaces.iter().map(|s| space(s)).collect(),
        }
    }

    #[test]
    fn reads_every_written_form() {
        let cases: &[(&str, &str, &str, bool, u32)] = &[
            ("smtp:*.contoso.com;1", "SMTP", "contoso.com", true, 1),
            ("SMTP:contoso.com;10", "SMTP", "contoso.com", false, 10),
            ("*", "SMTP", "", true, 1),
            ("SMTP:*;5", "SMTP", "", true, 5),
            ("Contoso.COM", "SMTP", "contoso.com", false, 1),
            (
                "[SMTP:cloudfield.mail.onmicrosoft.com;1]",
                "SMTP",
                "cloudfield.mail.onmicrosoft.com",
                false,
                1,
            ),
            (
                "X400:c=US;a= ;p=Contoso;o=Exchange;2",
                "X400",
                "c=US;a= ;p=Contoso;o=Exchange",
                false,
                2,
            ),
        ];
        for (text, kind, domain, wildcard, cost) in cases {
            let parsed = space(text);
            assert_eq!(
                (
                    parsed.kind.as_str(),
                    parsed.domain.as_str(),
                    parsed.wildcard,
                    parsed.cost
                ),
                (*kind, *domain, *wildcard, *cost),
                "{text}"
            );
        }
        assert!(space("--").organization);
    }

    #[test]
    fn refuses_what_is_not_an_address_space() {
        for text in [
            "",
            "smtp:contoso.com;0",
            "smtp:contoso.com;101",
            "smtp:contoso.com;one",
            "smtp:;1",
            "contoso..com",
            "System.Object[]",
        ] {
            assert!(AddressSpace::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn wildcard_covers_the_domain_and_its_subdomains_exact_only_itself() {
        let wildcard = space("*.contoso.com");
        let exact = space("contoso.com");
        assert!(wildcard.specificity("contoso.com").is_some());
        assert!(wildcard.specificity("mail.eu.contoso.com").is_some());
        assert!(wildcard.specificity("notcontoso.com").is_none());
        assert!(exact.specificity("contoso.com").is_some());
        assert!(exact.specificity("sub.contoso.com").is_none());
        assert!(space("*").specificity("fabrikam.com").is_some());
        assert!(space("--").specificity("cloudmonkeys.xyz").is_none());
    }

    #[test]
    fn the_most_specific_match_wins_over_a_cheaper_one() {
        let connectors = [
            connector("Internet", &["smtp:*;1"]),
            connector("Partner", &["smtp:*.contoso.com;50"]),
        ];
        let chosen = route(&connectors, "eu.contoso.com").unwrap();
        assert_eq!(chosen.connector, 1);
        assert_eq!(chosen.alternatives, 1);
        assert_eq!(route(&connectors, "fabrikam.com").unwrap().connector, 0);
    }

    #[test]
    fn an_exact_domain_beats_its_wildcard() {
        let connectors = [
            connector("Wild", &["*.contoso.com"]),
            connector("Exact", &["contoso.com;20"]),
        ];
        assert_eq!(route(&connectors, "contoso.com").unwrap().connector, 1);
        assert_eq!(route(&connectors, "a.contoso.com").unwrap().connector, 0);
    }

    #[test]
    fn equal_specificity_goes_to_the_lowest_cost_then_the_name() {
        let connectors = [
            connector("B", &["smtp:contoso.com;10"]),
            connector("C", &["smtp:contoso.com;5"]),
            connector("A", &["smtp:contoso.com;5"]),
        ];
        let chosen = route(&connectors, "contoso.com").unwrap();
        assert_eq!(connectors[chosen.connector].name, "A");
        assert_eq!(chosen.cost, 5);
        assert_eq!(chosen.alternatives, 2);
    }

    #[test]
    fn disabled_connectors_route_nothing() {
        let mut off = connector("Off", &["*"]);
        off.enabled = false;
        assert_eq!(route(&[off], "contoso.com"), None);
    }

    #[test]
    fn the_lab_tenant_domain_is_unreachable_and_the_fix_keeps_the_existing_space() {
        // The lab guide's Error 8: cloudfield.mail.onmicrosoft.com covered, cloudfield.onmicrosoft.com not.
        let mut hybrid = connector(
            "Outbound to Office 365 - 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b",
            &["smtp:cloudfield.mail.onmicrosoft.com;1"],
        );
        hybrid.hybrid = true;
        let connectors = [
            connector("Internet O'Brien", &["smtp:cloudmonkeys-partner.xyz;1"]),
            hybrid,
        ];
        let domain = recipient_domain("ramki@cloudfield.onmicrosoft.com");
        assert_eq!(route(&connectors, &domain), None);
        let chosen = connector_to_extend(&connectors, &domain).unwrap();
        assert_eq!(chosen, 1);
        let fix = address_space_fix(&connectors[chosen], &domain);
        assert_eq!(
            fix[0],
            "Set-SendConnector -Identity 'Outbound to Office 365 - 6a0f3b1e-2c4d-4e8f-9a1b-3c5d7e9f1a2b' -AddressSpaces @{Add='smtp:cloudfield.onmicrosoft.com;1'}"
        );
        assert!(
            fix[1].ends_with(
                "-AddressSpaces 'smtp:cloudfield.mail.onmicrosoft.com;1','smtp:cloudfield.onmicrosoft.com;1'"
            ),
            "{}",
            fix[1]
        );
        assert!(fix[2].contains("Retry-Queue -Resubmit $true"));
    }

    #[test]
    fn names_with_quotes_are_escaped_in_commands() {
        let fix = address_space_fix(&connector("Relay O'Brien", &["contoso.com"]), "fabrikam.com");
        assert!(
            fix[0].starts_with("Set-SendConnector -Identity 'Relay O''Brien'"),
            "{}",
            fix[0]
        );
    }

    #[test]
    fn a_domain_is_extended_on_the_connector_of_its_parent_domain() {
        let connectors = [
            connector("Internet", &["smtp:fabrikam.com;1"]),
            connector("Contoso", &["smtp:eu.contoso.com;1"]),
        ];
        assert_eq!(connector_to_extend(&connectors, "us.contoso.com"), Some(1));
        assert_eq!(connector_to_extend(&connectors, "tailspintoys.com"), Some(0));
        assert_eq!(connector_to_extend(&[], "tailspintoys.com"), None);
    }

    #[test]
    fn recipient_domains_are_taken_from_addresses_and_prefixes() {
        assert_eq!(
            recipient_domain("SMTP:Ramki@CloudField.onmicrosoft.com"),
            "cloudfield.onmicrosoft.com"
        );
        assert_eq!(recipient_domain("<raghu@cloudmonkeys.xyz>"), "cloudmonkeys.xyz");
        assert_eq!(recipient_domain("cloudmonkeys.xyz."), "cloudmonkeys.xyz");
    }
}
