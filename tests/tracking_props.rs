//! Whatever a tracking log holds, reading it never panics and every line is accounted for; the field parsers
//! never panic on any text; multi-value fields split back into what Exchange joined. A panic the engine catches
//! still counts: it would cost a line, so no read may report an internal error.

use std::io::Write;
use std::path::Path;

use hybridmailflow_engine::logfile::{split_csv_line, write_csv_row, LineErrorKind, Record};
use hybridmailflow_engine::tracking::{
    parse_event_data, parse_message_info, parse_recipient_status, parse_source_context, split_multi_value,
    TrackingFileReader, TrackingFilter, TrackingReader, TRACKING_FIELDS_2019,
};
use proptest::prelude::*;

fn header() -> String {
    format!("#Software: Microsoft Exchange Server\r\n#Version: 15.02.1544.004\r\n#Log-type: Message Tracking Log\r\n#Date: 2026-05-01T06:00:00.000Z\r\n#Fields: {TRACKING_FIELDS_2019}\r\n")
}

/// The rows of the lab's 2019 transport log.
fn lab_rows() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/tracking/CMHYBD01/MessageTracking/MSGTRK2026050106-1.LOG");
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('\u{feff}'))
        .map(str::to_owned)
        .collect()
}

/// Reads `content` as one file under `filter`: (events, errors, lines read).
fn read_with(content: &[u8], filter: &TrackingFilter) -> (u64, u64, u64) {
    let mut reader = TrackingFileReader::new("MSGTRK2026050106-1.LOG", content, filter).with_max_line_bytes(4096);
    let (mut events, mut errors) = (0u64, 0u64);
    while let Some(item) = reader.next_event() {
        match item {
            Ok(event) => {
                // Every parsed view of an event can be built too.
                let _ = (
                    event.parsed_message_info(),
                    event.parsed_source_context(),
                    event.recipient_status_parts().count(),
                );
                events += 1;
            }
            Err(e) => {
                assert_ne!(e.kind, LineErrorKind::Internal, "{e}");
                errors += 1;
            }
        }
    }
    let lines = reader.stats().lines;
    assert!(
        events + errors <= lines,
        "{events} events and {errors} errors from {lines} lines"
    );
    (events, errors, lines)
}

/// Reads `content` without a filter and with one that exercises every check; the unfiltered counts.
fn read_all(content: &[u8]) -> (u64, u64, u64) {
    let searching = TrackingFilter {
        recipients: vec![
            "ramki@cloudfield.onmicrosoft.com".into(),
            "o'neil@cloudmonkeys.xyz".into(),
        ],
        message_subject: Some("Ärger".into()),
        server: Some("CMHYBD01".into()),
        ..TrackingFilter::default()
    };
    read_with(content, &searching);
    read_with(content, &TrackingFilter::default())
}

/// The lines of `bytes` as the log reader ends them: at CRLF, LF or a lone CR.
fn lines_of(bytes: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut rest = bytes;
    while let Some(end) = rest.iter().position(|&b| b == b'\n' || b == b'\r') {
        lines.push(&rest[..end]);
        let crlf = rest[end] == b'\r' && rest.get(end + 1) == Some(&b'\n');
        rest = &rest[end + 1 + usize::from(crlf)..];
    }
    if !rest.is_empty() {
        lines.push(rest);
    }
    lines
}

const SPECIAL: &[u8] = b",\"';[]{}=|():<>@ \r\n\\\x00\xff";

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(body in proptest::collection::vec(any::<u8>(), 0..4000), with_header in any::<bool>()) {
        let mut content = if with_header { header().into_bytes() } else { Vec::new() };
        content.extend_from_slice(&body);
        read_all(&content);
    }

    #[test]
    fn damaged_lab_rows_never_panic_and_each_line_is_an_event_or_an_error(
        picks in proptest::collection::vec((any::<prop::sample::Index>(), any::<usize>(), any::<prop::sample::Index>(), 0u8..4), 1..30)
    ) {
        let rows = lab_rows();
        let mut content = header().into_bytes();
        for (row, at, byte, how) in picks {
            let mut bytes = row.get(&rows).as_bytes().to_vec();
            let at = at % (bytes.len() + 1);
            let byte = *byte.get(SPECIAL);
            match how {
                0 => bytes.insert(at, byte),
                1 => { if at < bytes.len() { bytes.remove(at); } }
                2 => bytes.truncate(at),
                _ => { if at < bytes.len() { bytes[at] = byte; } }
            }
            content.extend_from_slice(&bytes);
            content.extend_from_slice(b"\r\n");
        }
        let (events, errors, lines) = read_all(&content);
        // Every line after the header is an event or an error, except blank ones and `#` lines.
        let pieces = lines_of(&content[header().len()..]);
        prop_assert_eq!(lines, 5 + pieces.len() as u64);
        let meaningful = pieces.iter().filter(|l| !l.is_empty() && l[0] != b'#').count() as u64;
        prop_assert_eq!(events + errors, meaningful);
    }

    #[test]
    fn text_in_any_script_in_any_field_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<prop::sample::Index>(), "\\PC{0,12}"), 1..20)
    ) {
        // Each edit puts printable text of any script into one field of a lab row, at any character of it: inside
        // a source context, a recipient status, the latency of message-info, custom data, a subject. Every row
        // still has its fields, so each is an event or a bad value.
        let rows = lab_rows();
        let mut content = header().into_bytes();
        let mut record = Record::new();
        // A row the edit makes start with `#` is a directive line of the format, as in the test above.
        let mut directives = 0u64;
        for (row, field, at, text) in &edits {
            split_csv_line(row.get(&rows).as_bytes(), &mut record).unwrap();
            let mut fields: Vec<String> = record.iter().map(str::to_owned).collect();
            let value = field.get_mut(&mut fields);
            let boundaries: Vec<usize> = value.char_indices().map(|(i, _)| i).chain([value.len()]).collect();
            value.insert_str(*at.get(&boundaries), text);
            let mut row = String::new();
            write_csv_row(&mut row, &fields);
            directives += u64::from(row.starts_with('#'));
            content.extend_from_slice(row.as_bytes());
            content.extend_from_slice(b"\r\n");
        }
        let (events, errors, _) = read_all(&content);
        prop_assert_eq!(events + errors, edits.len() as u64 - directives);
    }

    #[test]
    fn field_parsers_never_panic(text in proptest::collection::vec(prop::sample::select(vec!['a', 'Z', '0', '9', '.', '-', ',', ';', '\'', '"', '[', ']', '{', '}', '=', '|', '(', ')', ':', '<', '>', ' ', 'T', 'S', 'I', 'é', '…']), 0..80)) {
        let text: String = text.into_iter().collect();
        let _ = split_multi_value(&text).count();
        let _ = parse_event_data(&text);
        let _ = parse_message_info(&text);
        let _ = parse_source_context(&text);
        let _ = parse_recipient_status(&text);
        let _ = parse_message_info(&format!("2026-05-01T06:06:56.850Z;SRV=CMHYBD01:{text}"));
        let _ = parse_source_context(&format!("250 2.6.0 {text}"));
        let _ = parse_recipient_status(&format!("[{{{text}}}]"));
    }

    #[test]
    fn multi_values_split_back_into_what_exchange_joined(members in proptest::collection::vec("[a-z@.;' ]{0,6}", 1..6)) {
        prop_assume!(!(members.len() == 1 && members[0].is_empty()));
        let joined = members.iter().map(|m| format_collection_member(m)).collect::<Vec<_>>().join(";");
        let split: Vec<String> = split_multi_value(&joined).map(|m| m.into_owned()).collect();
        prop_assert_eq!(split, members);
    }
}

/// `Utf8Csv.EscapeAndAppendCollectionMember`: a member with `;` or `'` is quoted, `'` doubled.
fn format_collection_member(member: &str) -> String {
    if member.contains([';', '\'']) {
        format!("'{}'", member.replace('\'', "''"))
    } else {
        member.to_owned()
    }
}

#[test]
fn a_damaged_file_read_through_the_folder_reader_keeps_going() {
    let dir = tempfile::tempdir().unwrap();
    let rows = lab_rows();
    let mut file = std::fs::File::create(dir.path().join("MSGTRK2026050106-1.LOG")).unwrap();
    file.write_all(header().as_bytes()).unwrap();
    for (i, row) in rows.iter().enumerate() {
        let line = if i % 3 == 0 {
            row.replacen(',', "\",", 1)
        } else {
            row.clone()
        };
        file.write_all(line.as_bytes()).unwrap();
        file.write_all(b"\r\n").unwrap();
    }
    drop(file);
    let mut reader = TrackingReader::new(vec![dir.path().to_owned()], TrackingFilter::default());
    let (ok, bad) = reader.by_ref().fold(
        (0, 0),
        |(ok, bad), item| if item.is_ok() { (ok + 1, bad) } else { (ok, bad + 1) },
    );
    assert_eq!(bad, rows.len().div_ceil(3));
    assert_eq!(ok + bad, rows.len());
    assert_eq!(reader.stats().skipped_lines, bad as u64);
}
