//! The Data column of Get-MessageTraceDetail: `<root><MEP Name="ConnectorId" String="..."/>...</root>`, one
//! message event property per element, its value in an attribute named after its type (String, Integer, Long,
//! Blob, ...).

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mep {
    pub name: String,
    pub value: String,
}

/// The properties of a Data XML, in order. Text that is not such XML gives none.
pub fn parse_meps(xml: &str) -> Vec<Mep> {
    let mut meps = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<MEP") {
        let after = &rest[start + 4..];
        let end = match after.find('>') {
            Some(end) => end,
            None => break,
        };
        let mut attributes = attributes(&after[..end]);
        if let Some(i) = attributes.iter().position(|(k, _)| k.eq_ignore_ascii_case("Name")) {
            let (_, name) = attributes.remove(i);
            let value = attributes.into_iter().next().map(|(_, v)| v).unwrap_or_default();
            meps.push(Mep { name, value });
        }
        rest = &after[end..];
    }
    meps
}

fn attributes(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(eq) = rest.find('=') {
        let key = rest[..eq].trim().trim_start_matches('/').trim();
        let value_start = rest[eq + 1..].trim_start();
        let quote = match value_start.chars().next() {
            Some(q @ ('"' | '\'')) => q,
            _ => break,
        };
        let body = &value_start[1..];
        let close = match body.find(quote) {
            Some(close) => close,
            None => break,
        };
        found.push((key.to_string(), unescape(&body[..close])));
        rest = &body[close + 1..];
    }
    found
}

fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let semi = tail.find(';').filter(|&s| s <= 10);
        let entity = semi.map(|s| &tail[1..s]);
        let decoded = match entity {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some("apos") => Some('\''),
            Some(e) if e.starts_with("#x") => u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32),
            Some(e) if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match (decoded, semi) {
            (Some(c), Some(s)) => {
                out.push(c);
                rest = &tail[s + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_property_and_its_typed_value() {
        let xml = r#"<root><MEP Name="ConnectorId" String="Outbound to cloudmonkeys &amp; co"/><MEP Name="MessageLatency" Long="1532" /><MEP Name="ServerHostname" String='AM6PR02MB1234'/></root>"#;
        let meps = parse_meps(xml);
        let pairs: Vec<(&str, &str)> = meps.iter().map(|m| (m.name.as_str(), m.value.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("ConnectorId", "Outbound to cloudmonkeys & co"),
                ("MessageLatency", "1532"),
                ("ServerHostname", "AM6PR02MB1234")
            ]
        );
    }

    #[test]
    fn text_that_is_not_xml_has_none() {
        assert!(parse_meps("System.Xml.XmlDocument").is_empty());
        assert!(parse_meps("<root><MEP Name=\"Broken").is_empty());
    }
}
