//! The multi-value fields of a tracking row (recipient-address, recipient-status, reference, custom-data), as
//! `LogRowFormatter.FormatCollection` writes them: members joined by `;`; a member holding `;`, `'`, CR or LF
//! wrapped in single quotes with `'` doubled and CR/LF written as the two characters `\r`/`\n`.

use std::borrow::Cow;

use crate::logfile::parse_utc_ms;

/// Splits a multi-value field into its members: `;` outside single quotes separates, `''` inside quotes is one
/// `'`, and the literal `\r`/`\n` Exchange wrote for line breaks stay as text. An empty field has no members.
/// Damaged quoting never fails: an unclosed quote runs to the end, text after a closing quote is kept.
pub fn split_multi_value(field: &str) -> MultiValues<'_> {
    MultiValues {
        rest: field,
        done: field.is_empty(),
    }
}

/// Iterator of [`split_multi_value`]: members are borrowed unless a doubled quote had to be undone.
#[derive(Debug, Clone)]
pub struct MultiValues<'a> {
    rest: &'a str,
    done: bool,
}

impl<'a> Iterator for MultiValues<'a> {
    type Item = Cow<'a, str>;

    fn next(&mut self) -> Option<Cow<'a, str>> {
        if self.done {
            return None;
        }
        let text = self.rest;
        let bytes = text.as_bytes();
        if bytes.first() != Some(&b'\'') {
            // Exchange quotes every member holding a `'`, so an unquoted member ends at the next `;`; but a
            // bracketed recipient status (`[{LED=...};{MSG=};...]`) written without its quotes is one member, whose
            // parts are joined by `;` too: it ends at the `}]` that closes it.
            let end = match bracketed_end(bytes) {
                Some(after) if after == bytes.len() => None,
                Some(after) => Some(after),
                None => memchr::memchr(b';', bytes),
            };
            return Some(Cow::Borrowed(match end {
                Some(semi) => {
                    self.rest = &text[semi + 1..];
                    &text[..semi]
                }
                None => {
                    self.done = true;
                    text
                }
            }));
        }
        let mut member: Cow<'a, str> = Cow::Borrowed("");
        let mut pos = 1;
        loop {
            match memchr::memchr(b'\'', &bytes[pos..]) {
                None => {
                    append(&mut member, &text[pos..]);
                    self.done = true;
                    return Some(member);
                }
                Some(q) => {
                    append(&mut member, &text[pos..pos + q]);
                    pos += q + 1;
                    if bytes.get(pos) == Some(&b'\'') {
                        member.to_mut().push('\'');
                        pos += 1;
                        continue;
                    }
                    break;
                }
            }
        }
        // After the closing quote comes `;` or the end; anything else is damage, kept as part of the member.
        match memchr::memchr(b';', &bytes[pos..]) {
            Some(semi) => {
                append(&mut member, &text[pos..pos + semi]);
                self.rest = &text[pos + semi + 1..];
            }
            None => {
                append(&mut member, &text[pos..]);
                self.done = true;
            }
        }
        Some(member)
    }
}

/// Where an unquoted member that opens with `[{` ends: just after the first `}]` followed by `;` or the end of the
/// field; `None` when the member is not bracketed, or not closed (then `;` separates as usual).
fn bracketed_end(bytes: &[u8]) -> Option<usize> {
    if !bytes.starts_with(b"[{") {
        return None;
    }
    memchr::memmem::find_iter(bytes, b"}]")
        .map(|close| close + 2)
        .find(|&after| matches!(bytes.get(after), None | Some(b';')))
}

fn append<'a>(member: &mut Cow<'a, str>, piece: &'a str) {
    if piece.is_empty() {
        return;
    }
    if member.is_empty() {
        if let Cow::Borrowed(_) = member {
            *member = Cow::Borrowed(piece);
            return;
        }
    }
    member.to_mut().push_str(piece);
}

/// One custom-data member, `S:Key=value` as `LogRowFormatter.EncodeKeyValuePair` writes it. `Get-MessageTrackingLog`
/// shows these as `EventData` key/value pairs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventDataItem {
    /// `S` (text or GUID), `I32`, `Dt` (UTC time), `F` (float), `Dbl` (double); empty when the member had none.
    pub type_tag: String,
    pub key: String,
    pub value: String,
}

/// The value of an [`EventDataItem`] read by its type tag; text when the tag is unknown or the value does not
/// read as its type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventDataValue<'a> {
    Text(&'a str),
    Integer(i64),
    Number(f64),
    /// Milliseconds since the Unix epoch, UTC.
    Time(i64),
}

impl EventDataItem {
    /// Reads one custom-data member. A member without a type tag or `=` is kept whole as the key.
    pub fn parse(member: &str) -> EventDataItem {
        let mut item = EventDataItem::default();
        item.parse_into(member);
        item
    }

    /// [`EventDataItem::parse`] into an existing item, reusing its buffers.
    pub(crate) fn parse_into(&mut self, member: &str) {
        let (tag, rest) = match member.split_once(':') {
            Some((tag, rest)) if is_type_tag(tag) => (tag, rest),
            _ => ("", member),
        };
        let (key, value) = rest.split_once('=').unwrap_or((rest, ""));
        set(&mut self.type_tag, tag);
        set(&mut self.key, key);
        set(&mut self.value, value);
    }

    pub fn typed_value(&self) -> EventDataValue<'_> {
        let text = EventDataValue::Text(&self.value);
        match self.type_tag.as_str() {
            "I32" => self.value.trim().parse().map_or(text, EventDataValue::Integer),
            "F" | "Dbl" => self.value.trim().parse().map_or(text, EventDataValue::Number),
            "Dt" => parse_utc_ms(self.value.trim().as_bytes()).map_or(text, EventDataValue::Time),
            _ => text,
        }
    }
}

/// A type tag is a short word (`S`, `I32`, `Dt`, ...); anything longer or with other characters is part of a key.
fn is_type_tag(tag: &str) -> bool {
    (1..=8).contains(&tag.len())
        && tag.as_bytes()[0].is_ascii_alphabetic()
        && tag.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Parses a custom-data field into its members.
pub fn parse_event_data(field: &str) -> Vec<EventDataItem> {
    split_multi_value(field)
        .map(|member| EventDataItem::parse(&member))
        .collect()
}

pub(crate) fn set(target: &mut String, value: &str) {
    target.clear();
    target.push_str(value);
}

/// Fills `list` with the members of `field`, reusing the strings already in it.
pub(crate) fn fill_multi_value(list: &mut Vec<String>, field: &str) {
    let mut n = 0;
    for member in split_multi_value(field) {
        match list.get_mut(n) {
            Some(slot) => set(slot, &member),
            None => list.push(member.into_owned()),
        }
        n += 1;
    }
    list.truncate(n);
}

/// Fills `items` with the custom-data members of `field`, reusing the items already in it.
pub(crate) fn fill_event_data(items: &mut Vec<EventDataItem>, field: &str) {
    let mut n = 0;
    for member in split_multi_value(field) {
        match items.get_mut(n) {
            Some(slot) => slot.parse_into(&member),
            None => items.push(EventDataItem::parse(&member)),
        }
        n += 1;
    }
    items.truncate(n);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(field: &str) -> Vec<String> {
        split_multi_value(field).map(Cow::into_owned).collect()
    }

    #[test]
    fn splits_members_like_format_collection_writes_them() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("raghu@cloudmonkeys.xyz", &["raghu@cloudmonkeys.xyz"]),
            (
                "a@cloudmonkeys.xyz;b@cloudmonkeys.xyz;c@cloudmonkeys.xyz",
                &["a@cloudmonkeys.xyz", "b@cloudmonkeys.xyz", "c@cloudmonkeys.xyz"],
            ),
            ("To;Cc", &["To", "Cc"]),
            (
                "'550 4.4.7 QUEUE.Expired; message expired'",
                &["550 4.4.7 QUEUE.Expired; message expired"],
            ),
            (
                "250 2.1.5 Recipient OK;'550 5.7.1 it''s blocked; policy'",
                &["250 2.1.5 Recipient OK", "550 5.7.1 it's blocked; policy"],
            ),
            (
                "'o''brien@cloudmonkeys.xyz';ramki@cloudfield.onmicrosoft.com",
                &["o'brien@cloudmonkeys.xyz", "ramki@cloudfield.onmicrosoft.com"],
            ),
            ("'line one\\r\\nline two; end'", &["line one\\r\\nline two; end"]),
            ("a;;b", &["a", "", "b"]),
            ("a;", &["a", ""]),
            (";", &["", ""]),
            ("''", &[""]),
            ("''''", &["'"]),
            ("'unclosed; to the end", &["unclosed; to the end"]),
            ("'closed'tail;next", &["closedtail", "next"]),
            (
                "S:DeliveryPriority=Normal;'S:Note=a;b'",
                &["S:DeliveryPriority=Normal", "S:Note=a;b"],
            ),
            // A bracketed status written without the quotes FormatCollection would give it is one member.
            (
                "[{LED=550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus};{MSG=};{FQDN=mx1.fabrikam.example};{IP=203.0.113.25};{LRT=}]",
                &["[{LED=550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus};{MSG=};{FQDN=mx1.fabrikam.example};{IP=203.0.113.25};{LRT=}]"],
            ),
            (
                "[{LED=451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain};{MSG=};{FQDN=};{IP=};{LRT=}];250 2.1.5 Recipient OK",
                &[
                    "[{LED=451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain};{MSG=};{FQDN=};{IP=};{LRT=}]",
                    "250 2.1.5 Recipient OK",
                ],
            ),
            (
                "250 2.1.5 Recipient OK;[{LED=550 5.1.1 RESOLVER.ADR.RecipNotFound; not found};{MSG=};{FQDN=};{IP=};{LRT=}]",
                &[
                    "250 2.1.5 Recipient OK",
                    "[{LED=550 5.1.1 RESOLVER.ADR.RecipNotFound; not found};{MSG=};{FQDN=};{IP=};{LRT=}]",
                ],
            ),
            (
                "[{LED=};{MSG=}];[{LED=};{IP=}]",
                &["[{LED=};{MSG=}]", "[{LED=};{IP=}]"],
            ),
            // `}]` inside the LED text, not followed by `;` or the end, does not close the member.
            (
                "[{LED=550 5.7.1 rule {x}] matched; rejected};{MSG=}]",
                &["[{LED=550 5.7.1 rule {x}] matched; rejected};{MSG=}]"],
            ),
            // Not closed: damage, split as any unquoted member.
            ("[{LED=550 5.7.1 cut;{MSG=", &["[{LED=550 5.7.1 cut", "{MSG="]),
        ];
        for (field, want) in cases {
            assert_eq!(split(field), *want, "{field}");
        }
    }

    #[test]
    fn members_without_escapes_are_borrowed() {
        let members: Vec<Cow<'_, str>> = split_multi_value("a;'b; c';'d''e'").collect();
        assert!(matches!(members[0], Cow::Borrowed("a")));
        assert!(matches!(members[1], Cow::Borrowed("b; c")));
        assert!(matches!(members[2], Cow::Owned(_)));
    }

    #[test]
    fn reads_custom_data_members_with_their_types() {
        let t = |s: &str| parse_utc_ms(s.as_bytes()).unwrap();
        let cases: &[(&str, (&str, &str, &str), EventDataValue<'static>)] = &[
            (
                "S:DeliveryPriority=Normal",
                ("S", "DeliveryPriority", "Normal"),
                EventDataValue::Text("Normal"),
            ),
            ("I32:ATCH=2", ("I32", "ATCH", "2"), EventDataValue::Integer(2)),
            (
                "Dt:MsgRecipCount=notatime",
                ("Dt", "MsgRecipCount", "notatime"),
                EventDataValue::Text("notatime"),
            ),
            (
                "Dt:OriginalArrivalTime=2026-05-01T06:06:57.291Z",
                ("Dt", "OriginalArrivalTime", "2026-05-01T06:06:57.291Z"),
                EventDataValue::Time(t("2026-05-01T06:06:57.291Z")),
            ),
            ("F:Score=0.5", ("F", "Score", "0.5"), EventDataValue::Number(0.5)),
            (
                "Dbl:E2ELatency=0.453",
                ("Dbl", "E2ELatency", "0.453"),
                EventDataValue::Number(0.453),
            ),
            (
                "S:TRA=ETR|ruleId=9c8e6f2a|st=2026-05-01",
                ("S", "TRA", "ETR|ruleId=9c8e6f2a|st=2026-05-01"),
                EventDataValue::Text("ETR|ruleId=9c8e6f2a|st=2026-05-01"),
            ),
            ("X:Key=v", ("X", "Key", "v"), EventDataValue::Text("v")),
            ("NoTypeOrValue", ("", "NoTypeOrValue", ""), EventDataValue::Text("")),
            ("Key=value", ("", "Key", "value"), EventDataValue::Text("value")),
            (
                "MailboxDatabaseName:x=1",
                ("", "MailboxDatabaseName:x", "1"),
                EventDataValue::Text("1"),
            ),
        ];
        for (member, (tag, key, value), typed) in cases {
            let item = EventDataItem::parse(member);
            assert_eq!(
                (item.type_tag.as_str(), item.key.as_str(), item.value.as_str()),
                (*tag, *key, *value),
                "{member}"
            );
            assert_eq!(item.typed_value(), *typed, "{member}");
        }
    }

    #[test]
    fn refilling_reuses_and_trims_lists() {
        let mut list = vec!["old1".to_owned(), "old2".to_owned(), "old3".to_owned()];
        fill_multi_value(&mut list, "x;'y;z'");
        assert_eq!(list, ["x", "y;z"]);
        fill_multi_value(&mut list, "");
        assert!(list.is_empty());
        let mut items = parse_event_data("S:A=1;S:B=2");
        fill_event_data(&mut items, "I32:C=3");
        assert_eq!(
            items,
            vec![EventDataItem {
                type_tag: "I32".into(),
                key: "C".into(),
                value: "3".into()
            }]
        );
    }
}
