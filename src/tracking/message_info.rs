//! The message-info field: for SEND and DELIVER the origination time, then one latency breakdown per server
//! that handled the message, e.g.
//! `2021-04-06T12:46:03.426Z;SRV=CMHYBD01.cloudmonkeys.xyz:TOTAL-HUB=0.453|SMR=0.209(SMRDE=0.001|SMRC=0.207(SMRCL=0.102|X=0.105))|CAT=0.010|QDE=0.150`.
//! Other events carry short codes (`04I: `, an authentication error like `11a`), kept as text.

use crate::logfile::parse_utc_ms;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageInfo {
    /// The leading UTC time (when the message was first submitted), milliseconds since the Unix epoch.
    pub origination_ms: Option<i64>,
    /// One per `SRV=`/`LSRV=` part, in the order written.
    pub breakdowns: Vec<LatencyBreakdown>,
    /// The parts that are neither a time nor a breakdown, joined by `;`.
    pub other: String,
}

/// The latency of one server: `SRV=<server>:TOTAL-HUB=0.453|SMR=0.209(...)|...`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatencyBreakdown {
    pub server: String,
    /// Written as `LSRV=` (the local server) rather than `SRV=`.
    pub local: bool,
    /// The `TOTAL-<stage>` component (`TOTAL-HUB`, `TOTAL-SUB`, `TOTAL-FE`, ...).
    pub total: Option<LatencyComponent>,
    /// Every other component, nested ones flattened in the order written.
    pub components: Vec<LatencyComponent>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatencyComponent {
    pub name: String,
    pub seconds: f64,
    /// The names from the top level down to this one, joined by `/`: `SMR/SMRC/SMRCL`.
    pub path: String,
    /// 0 for a top-level component, 1 inside one pair of parentheses, ...
    pub depth: usize,
}

impl MessageInfo {
    /// The server of the first breakdown.
    pub fn server(&self) -> Option<&str> {
        self.breakdowns.first().map(|b| b.server.as_str())
    }

    /// The total of the first breakdown, in seconds.
    pub fn total_seconds(&self) -> Option<f64> {
        self.breakdowns
            .first()
            .and_then(|b| b.total.as_ref())
            .map(|t| t.seconds)
    }
}

/// Parses a message-info field; never fails (what is not understood lands in [`MessageInfo::other`]).
pub fn parse_message_info(text: &str) -> MessageInfo {
    let mut info = MessageInfo::default();
    for (index, part) in split_top_level(text).enumerate() {
        let trimmed = part.trim();
        if index == 0 {
            if let Some(ms) = parse_utc_ms(trimmed.as_bytes()) {
                info.origination_ms = Some(ms);
                continue;
            }
        }
        let breakdown = if let Some(rest) = trimmed.strip_prefix("SRV=") {
            parse_breakdown(rest, false)
        } else if let Some(rest) = trimmed.strip_prefix("LSRV=") {
            parse_breakdown(rest, true)
        } else {
            None
        };
        match breakdown {
            Some(b) => info.breakdowns.push(b),
            None if part.is_empty() => {}
            None => {
                if !info.other.is_empty() {
                    info.other.push(';');
                }
                info.other.push_str(part);
            }
        }
    }
    info
}

/// Splits on `;` outside parentheses.
fn split_top_level(text: &str) -> impl Iterator<Item = &str> {
    let mut depth = 0usize;
    let mut start = 0;
    let mut parts = Vec::new();
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b';' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter()
}

fn parse_breakdown(rest: &str, local: bool) -> Option<LatencyBreakdown> {
    let (server, components) = rest.split_once(':')?;
    let mut breakdown = LatencyBreakdown {
        server: server.trim().to_owned(),
        local,
        ..LatencyBreakdown::default()
    };
    let bytes = components.as_bytes();
    // Names of the components whose parentheses we are inside: the path of the next component.
    let mut parents: Vec<&str> = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        let end = bytes[pos..]
            .iter()
            .position(|b| matches!(b, b'|' | b'(' | b')'))
            .map_or(bytes.len(), |n| pos + n);
        let item = components[pos..end].trim();
        if let Some((name, seconds)) = item.split_once('=') {
            let name = name.trim();
            if let Ok(seconds) = seconds.trim().parse::<f64>() {
                let mut path = String::new();
                for parent in &parents {
                    path.push_str(parent);
                    path.push('/');
                }
                path.push_str(name);
                let component = LatencyComponent {
                    name: name.to_owned(),
                    seconds,
                    path,
                    depth: parents.len(),
                };
                if parents.is_empty() && breakdown.total.is_none() && name.starts_with("TOTAL-") {
                    breakdown.total = Some(component);
                } else {
                    breakdown.components.push(component);
                }
            }
            if bytes.get(end) == Some(&b'(') {
                parents.push(name);
            }
        }
        match bytes.get(end) {
            Some(b'(') if !item.contains('=') => parents.push(""),
            Some(b')') => {
                parents.pop();
            }
            _ => {}
        }
        pos = end + 1;
    }
    Some(breakdown)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn components(b: &LatencyBreakdown) -> Vec<(&str, f64, &str, usize)> {
        b.components
            .iter()
            .map(|c| (c.name.as_str(), c.seconds, c.path.as_str(), c.depth))
            .collect()
    }

    #[test]
    fn reads_the_hub_breakdown() {
        let info = parse_message_info(
            "2021-04-06T12:46:03.426Z;SRV=CMHYBD01.cloudmonkeys.xyz:TOTAL-HUB=0.453|SMR=0.209(SMRDE=0.001|SMRC=0.207(SMRCL=0.102|X=0.105))|CAT=0.010|QDE=0.150",
        );
        assert_eq!(info.origination_ms, parse_utc_ms(b"2021-04-06T12:46:03.426Z"));
        assert_eq!(info.server(), Some("CMHYBD01.cloudmonkeys.xyz"));
        assert_eq!(info.total_seconds(), Some(0.453));
        let b = &info.breakdowns[0];
        assert!(!b.local);
        assert_eq!(b.total.as_ref().map(|t| t.name.as_str()), Some("TOTAL-HUB"));
        assert_eq!(
            components(b),
            vec![
                ("SMR", 0.209, "SMR", 0),
                ("SMRDE", 0.001, "SMR/SMRDE", 1),
                ("SMRC", 0.207, "SMR/SMRC", 1),
                ("SMRCL", 0.102, "SMR/SMRC/SMRCL", 2),
                ("X", 0.105, "SMR/SMRC/X", 2),
                ("CAT", 0.010, "CAT", 0),
                ("QDE", 0.150, "QDE", 0),
            ]
        );
        assert_eq!(info.other, "");
    }

    #[test]
    fn reads_the_submission_breakdown_of_the_local_server() {
        let info = parse_message_info(
            "2022-09-19T15:02:29.211Z;LSRV=CMHYBD01.cloudmonkeys.xyz:TOTAL-SUB=0.128|SA=0.128|MTSS-PEN=0.000",
        );
        let b = &info.breakdowns[0];
        assert!(b.local);
        assert_eq!(b.server, "CMHYBD01.cloudmonkeys.xyz");
        assert_eq!(
            b.total.as_ref().map(|t| (t.name.as_str(), t.seconds)),
            Some(("TOTAL-SUB", 0.128))
        );
        assert_eq!(
            components(b),
            vec![("SA", 0.128, "SA", 0), ("MTSS-PEN", 0.0, "MTSS-PEN", 0)]
        );
    }

    #[test]
    fn reads_one_breakdown_per_server() {
        let info = parse_message_info(
            "2026-05-01T06:06:57.100Z;SRV=CMHYBD01.cloudmonkeys.xyz:TOTAL-SUB=0.125|SA=0.062|MTSS=0.047(MTSSD=0.047 (MTSSDA=0.016|MTSSDC=0.015));SRV=CMHYBD01.cloudmonkeys.xyz:TOTAL-HUB=0.233|CAT=0.016",
        );
        assert_eq!(info.breakdowns.len(), 2);
        assert_eq!(
            info.breakdowns[0].components.last().map(|c| c.path.as_str()),
            Some("MTSS/MTSSD/MTSSDC")
        );
        assert_eq!(
            info.breakdowns[1].total.as_ref().map(|t| t.name.as_str()),
            Some("TOTAL-HUB")
        );
        assert_eq!(components(&info.breakdowns[1]), vec![("CAT", 0.016, "CAT", 0)]);
    }

    #[test]
    fn keeps_what_is_not_a_breakdown_as_text() {
        let cases: &[(&str, Option<i64>, usize, &str)] = &[
            ("", None, 0, ""),
            ("04I: ", None, 0, "04I: "),
            ("11a", None, 0, "11a"),
            (
                "2026-05-01T06:06:57.291Z",
                parse_utc_ms(b"2026-05-01T06:06:57.291Z"),
                0,
                "",
            ),
            ("SRV=no-colon", None, 0, "SRV=no-colon"),
            ("SRV=CMHYBD01:TOTAL-HUB=abc|))|((|=|SMR=0.1", None, 1, ""),
            ("x;2026-05-01T06:06:57.291Z", None, 0, "x;2026-05-01T06:06:57.291Z"),
        ];
        for (text, origination, breakdowns, other) in cases {
            let info = parse_message_info(text);
            assert_eq!(
                (info.origination_ms, info.breakdowns.len(), info.other.as_str()),
                (*origination, *breakdowns, *other),
                "{text}"
            );
        }
    }
}
