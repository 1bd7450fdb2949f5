//! The source-context field, whose form depends on the event:
//! - SMTP RECEIVE/SEND: `<session-id>;<time>;<n>`, the protocol-log session that carried the message;
//! - HAREDIRECT, SEND to a queue: `[<host> = ]250 2.6.0 <message-id> [InternalId=..., Hostname=...] Queued mail for delivery`;
//! - STOREDRIVER (NOTIFYMAPI, SUBMIT, RECEIVE): `MDB:<guid>, Mailbox:<guid>, Event:<n>, MessageClass:IPM.Note, ...`;
//! - anything else (`Transport Rule Agent`, `CatContentConversion`, ...) is text.

use crate::logfile::parse_utc_ms;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceContext {
    Empty,
    /// `08DEA74796A6E2C8;2026-05-01T06:06:57.291Z;1`: find the session in the SMTP protocol logs by its id.
    SmtpSession {
        session_id: String,
        time_ms: i64,
        /// The third part: the message's number within the session.
        number: u64,
    },
    SmtpReply(SmtpReplyContext),
    /// `Key:value` pairs separated by `, `, in the order written.
    Properties(Vec<(String, String)>),
    Text(String),
}

/// An SMTP reply logged as context: `[<host> = ]<code> [<enhanced code>] [<message-id>] [[key=value, ...]] <text>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SmtpReplyContext {
    /// The host before ` = ` (which server gave the reply), when written.
    pub remote_host: Option<String>,
    pub code: u16,
    /// `2.6.0`.
    pub enhanced_code: Option<String>,
    /// `<...>`, with its angle brackets.
    pub message_id: Option<String>,
    /// The `[InternalId=..., Hostname=...]` pairs, trimmed (the 2013 form puts spaces around `=`).
    pub properties: Vec<(String, String)>,
    /// The rest of the reply: `Queued mail for delivery`.
    pub text: String,
}

pub fn parse_source_context(text: &str) -> SourceContext {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return SourceContext::Empty;
    }
    if let Some(session) = parse_session(trimmed) {
        return session;
    }
    if let Some(reply) = parse_reply(trimmed) {
        return SourceContext::SmtpReply(reply);
    }
    if let Some(properties) = parse_properties(trimmed) {
        return SourceContext::Properties(properties);
    }
    SourceContext::Text(trimmed.to_owned())
}

fn parse_session(text: &str) -> Option<SourceContext> {
    let mut parts = text.split(';');
    let (id, time, number) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || id.is_empty() || id.len() > 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(SourceContext::SmtpSession {
        session_id: id.to_owned(),
        time_ms: parse_utc_ms(time.as_bytes())?,
        number: number.parse().ok()?,
    })
}

/// `Some(code)` when `text` starts with a three-digit SMTP reply code followed by a space, `-` or the end.
fn reply_code(text: &str) -> Option<u16> {
    let b = text.as_bytes();
    if b.len() < 3
        || !b[..3].iter().all(u8::is_ascii_digit)
        || !matches!(b.get(3), None | Some(b' ' | b'-'))
        || !(b'2'..=b'5').contains(&b[0])
    {
        return None;
    }
    text[..3].parse().ok()
}

fn is_enhanced_code(token: &str) -> bool {
    let mut parts = token.split('.');
    let ok = |p: Option<&str>, max: usize| {
        p.is_some_and(|p| (1..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
    };
    ok(parts.next(), 1) && ok(parts.next(), 3) && ok(parts.next(), 3) && parts.next().is_none()
}

fn parse_reply(text: &str) -> Option<SmtpReplyContext> {
    let (remote_host, reply) = match reply_code(text) {
        Some(_) => (None, text),
        None => {
            let (host, rest) = text.split_once(" = ")?;
            reply_code(rest.trim_start())?;
            (Some(host.trim().to_owned()), rest.trim_start())
        }
    };
    let code = reply_code(reply)?;
    let mut context = SmtpReplyContext {
        remote_host,
        code,
        ..SmtpReplyContext::default()
    };
    let mut rest = reply[3..].trim_start_matches('-').trim_start();
    let (token, after) = rest.split_once(' ').unwrap_or((rest, ""));
    if is_enhanced_code(token) {
        context.enhanced_code = Some(token.to_owned());
        rest = after.trim_start();
    }
    if rest.starts_with('<') {
        if let Some(close) = rest.find('>') {
            context.message_id = Some(rest[..=close].to_owned());
            rest = rest[close + 1..].trim_start();
        }
    }
    if rest.starts_with('[') {
        if let Some(close) = rest.find(']') {
            context.properties = rest[1..close]
                .split(',')
                .filter(|pair| !pair.trim().is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (key.trim().to_owned(), value.trim().to_owned())
                })
                .collect();
            rest = rest[close + 1..].trim_start();
        }
    }
    context.text = rest.to_owned();
    Some(context)
}

/// Length of the `Key:` at the start of `text` (the key is a word), or `None`.
fn key_len(text: &str) -> Option<usize> {
    let n = text.bytes().take_while(u8::is_ascii_alphanumeric).count();
    (n > 0 && text.as_bytes()[0].is_ascii_alphabetic() && text.as_bytes().get(n) == Some(&b':')).then_some(n)
}

fn parse_properties(text: &str) -> Option<Vec<(String, String)>> {
    key_len(text)?;
    let mut properties = Vec::new();
    let mut rest = text;
    loop {
        let key_end = key_len(rest)?;
        let value_start = key_end + 1;
        // A value runs to the next `, Key:`; values such as CreationTime hold `:` but never `, Word:`.
        let mut search = value_start;
        let value_end = loop {
            match rest[search..].find(", ") {
                Some(i) if key_len(&rest[search + i + 2..]).is_some() => break Some(search + i),
                Some(i) => search += i + 2,
                None => break None,
            }
        };
        let end = value_end.unwrap_or(rest.len());
        properties.push((rest[..key_end].to_owned(), rest[value_start..end].trim().to_owned()));
        match value_end {
            Some(end) => rest = &rest[end + 2..],
            None => return Some(properties),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn props(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn reads_each_form_of_source_context() {
        let cases: Vec<(&str, SourceContext)> = vec![
            ("", SourceContext::Empty),
            (
                "08DEA74796A6E2C8;2026-05-01T06:06:57.291Z;1",
                SourceContext::SmtpSession { session_id: "08DEA74796A6E2C8".into(), time_ms: parse_utc_ms(b"2026-05-01T06:06:57.291Z").unwrap(), number: 1 },
            ),
            (
                "250 2.6.0 <a1b2c3d4e5f6@CMHYBD01.cloudmonkeys.xyz> [InternalId=40926819106817, Hostname=CMHYBD01.cloudmonkeys.xyz] Queued mail for delivery",
                SourceContext::SmtpReply(SmtpReplyContext {
                    remote_host: None,
                    code: 250,
                    enhanced_code: Some("2.6.0".into()),
                    message_id: Some("<a1b2c3d4e5f6@CMHYBD01.cloudmonkeys.xyz>".into()),
                    properties: props(&[("InternalId", "40926819106817"), ("Hostname", "CMHYBD01.cloudmonkeys.xyz")]),
                    text: "Queued mail for delivery".into(),
                }),
            ),
            (
                "EX13D13UWB004.ant.amazon.com = 250 2.6.0 <…> [InternalId = EX13D13UWB004.ant.amazon.com, Hostname = 64712272257897] Queued mail for redundancy",
                SourceContext::SmtpReply(SmtpReplyContext {
                    remote_host: Some("EX13D13UWB004.ant.amazon.com".into()),
                    code: 250,
                    enhanced_code: Some("2.6.0".into()),
                    message_id: Some("<…>".into()),
                    properties: props(&[("InternalId", "EX13D13UWB004.ant.amazon.com"), ("Hostname", "64712272257897")]),
                    text: "Queued mail for redundancy".into(),
                }),
            ),
            (
                "250 2.0.0 OK;ClientSubmitTime:2026-05-01T06:06:57.100Z",
                SourceContext::SmtpReply(SmtpReplyContext {
                    code: 250,
                    enhanced_code: Some("2.0.0".into()),
                    text: "OK;ClientSubmitTime:2026-05-01T06:06:57.100Z".into(),
                    ..SmtpReplyContext::default()
                }),
            ),
            (
                "MDB:12345678-3232-2323-1111-12345679666, Mailbox:33345678-3232-2323-1111-08da9fd00918, Event:63779422, MessageClass:IPM.Note, CreationTime:2022-09-19T15:02:29.211Z, ClientType:MOMT, SubmissionAssistant:MailboxTransportSubmissionEmailAssistant",
                SourceContext::Properties(props(&[
                    ("MDB", "12345678-3232-2323-1111-12345679666"),
                    ("Mailbox", "33345678-3232-2323-1111-08da9fd00918"),
                    ("Event", "63779422"),
                    ("MessageClass", "IPM.Note"),
                    ("CreationTime", "2022-09-19T15:02:29.211Z"),
                    ("ClientType", "MOMT"),
                    ("SubmissionAssistant", "MailboxTransportSubmissionEmailAssistant"),
                ])),
            ),
            ("MDB:…, ServerMdbConnectionId:08DA9806C5B670C1", SourceContext::Properties(props(&[("MDB", "…"), ("ServerMdbConnectionId", "08DA9806C5B670C1")]))),
            ("Transport Rule Agent", SourceContext::Text("Transport Rule Agent".into())),
            ("CatContentConversion", SourceContext::Text("CatContentConversion".into())),
            ("No suitable shadow servers", SourceContext::Text("No suitable shadow servers".into())),
            ("ZZZ;2026-05-01T06:06:57.291Z;1", SourceContext::Text("ZZZ;2026-05-01T06:06:57.291Z;1".into())),
            ("08DEA74796A6E2C8;not a time;1", SourceContext::Text("08DEA74796A6E2C8;not a time;1".into())),
            ("2500 is not a reply", SourceContext::Text("2500 is not a reply".into())),
        ];
        for (text, want) in cases {
            assert_eq!(parse_source_context(text), want, "{text}");
        }
    }
}
