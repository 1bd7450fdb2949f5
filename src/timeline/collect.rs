//! Finds the records of the traced messages: trace events by id or address, then the log files that hold the
//! ids (a byte search, no parsing), then the tracking events and SMTP sessions in those files.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;

use super::{TimelineIssue, TimelineQuery, TimelineSources};
use crate::logfile::{split_csv_text, LogFileName, Record};
use crate::logfile::{Item, Step};
use crate::pattern::Pattern;
use crate::protocol::{protocol_logs_under, ProtocolFilter, ProtocolReader, ProtocolRow, ReadMode, Session};
use crate::trace::TraceEvent;
use crate::tracking::{tracking_logs_under, TrackingEvent, TrackingFilter, TrackingReader};

/// How much was searched and how much of it parsed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    pub files_searched: u64,
    pub bytes_searched: u64,
    pub tracking_files_read: u64,
    pub protocol_files_read: u64,
    pub tracking_events: u64,
    pub sessions: u64,
}

/// Everything found for the query.
#[derive(Debug, Default)]
pub struct Collected {
    /// Message-IDs traced, with angle brackets.
    pub message_ids: Vec<String>,
    pub network_message_ids: Vec<String>,
    pub trace_events: Vec<TraceEvent>,
    pub tracking_events: Vec<TrackingEvent>,
    pub sessions: Vec<Session>,
    /// Sessions without an id, found by sender and time next to a hop that names them (a deferral).
    pub sessions_by_time: Vec<Session>,
    pub issues: Vec<TimelineIssue>,
    pub stats: ScanStats,
    /// Whether on-premises logs were given (a hop missing there means something only then).
    pub has_tracking_logs: bool,
    pub has_protocol_logs: bool,
    /// The folder names of the logs given, lowercase: a server whose name is among them had its logs read.
    pub log_folders: HashSet<String>,
    /// The tracking log lines that hold a traced id, file by file, with their line numbers: what another
    /// computer needs of these files to trace the same messages (see [`super::evidence`]).
    pub tracking_lines: Vec<(PathBuf, Vec<(u64, String)>)>,
}

/// `<id>` whatever the input's brackets.
pub(crate) fn bracketed(id: &str) -> String {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    format!("<{id}>")
}

fn in_window(q: &TimelineQuery, ms: i64) -> bool {
    q.start_ms.is_none_or(|s| ms >= s) && q.end_ms.is_none_or(|e| ms < e)
}

fn any_pattern(patterns: &[Pattern], value: &str) -> bool {
    patterns.iter().any(|p| p.matches(value))
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !value.is_empty() && !list.iter().any(|v| v.eq_ignore_ascii_case(value)) {
        list.push(value.to_string());
    }
}

pub fn collect(query: &TimelineQuery, sources: TimelineSources) -> Collected {
    let mut found = Collected::default();
    for id in &query.message_ids {
        push_unique(&mut found.message_ids, &bracketed(id));
    }
    for id in &query.network_message_ids {
        push_unique(&mut found.network_message_ids, id.trim());
    }
    let senders: Vec<Pattern> = query.senders.iter().map(|s| Pattern::exact_or_wildcard(s)).collect();
    let recipients: Vec<Pattern> = query.recipients.iter().map(|s| Pattern::exact_or_wildcard(s)).collect();
    let by_address = !senders.is_empty() || !recipients.is_empty();
    let address_ok = |sender: &str, recipient_list: &[&str]| {
        (senders.is_empty() || any_pattern(&senders, sender))
            && (recipients.is_empty() || recipient_list.iter().any(|r| any_pattern(&recipients, r)))
    };

    // Exchange Online events name their message directly.
    let mut trace_ids: Vec<String> = Vec::new();
    for e in &sources.trace_events {
        let by_id = found
            .message_ids
            .iter()
            .any(|m| m.eq_ignore_ascii_case(&bracketed(&e.message_id)))
            || found
                .network_message_ids
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&e.network_message_id));
        if (by_id
            || (by_address
                && in_window(query, e.received_ms)
                && address_ok(&e.sender_address, &[e.recipient_address.as_str()])))
            && !e.message_id.is_empty()
        {
            push_unique(&mut trace_ids, &bracketed(&e.message_id));
        }
    }
    for id in trace_ids {
        push_unique(&mut found.message_ids, &id);
    }

    let mut tracking_files = Vec::new();
    for p in &sources.tracking_paths {
        if p.is_dir() {
            tracking_logs_under(p, &mut tracking_files);
        } else {
            tracking_files.push(p.clone());
        }
    }
    let mut protocol_files = Vec::new();
    for p in &sources.protocol_paths {
        if p.is_dir() {
            protocol_logs_under(p, &mut protocol_files);
        } else {
            protocol_files.push(p.clone());
        }
    }
    found.has_tracking_logs = !tracking_files.is_empty();
    for file in tracking_files.iter().chain(protocol_files.iter()) {
        for part in file.parent().into_iter().flat_map(|p| p.components()) {
            found
                .log_folders
                .insert(part.as_os_str().to_string_lossy().to_ascii_lowercase());
        }
    }
    found.has_protocol_logs = !protocol_files.is_empty();

    // A search by address or NetworkMessageId alone: the tracking logs name the Message-IDs.
    if !tracking_files.is_empty() && (by_address || !found.network_message_ids.is_empty()) {
        let mut seeds = Vec::new();
        let mut filters = Vec::new();
        for nmid in &found.network_message_ids {
            filters.push(TrackingFilter {
                network_message_id: Some(nmid.clone()),
                ..TrackingFilter::default()
            });
        }
        if by_address {
            filters.push(TrackingFilter {
                start_ms: query.start_ms,
                end_ms: query.end_ms,
                sender: query
                    .senders
                    .first()
                    .filter(|_| query.senders.len() == 1 && !query.senders[0].contains(['*', '?']))
                    .cloned(),
                ..TrackingFilter::default()
            });
        }
        for filter in filters {
            read_tracking(tracking_files.clone(), filter, &mut found.issues, |e| {
                let nmid_ok = found
                    .network_message_ids
                    .iter()
                    .any(|n| n.eq_ignore_ascii_case(&e.network_message_id));
                if nmid_ok
                    || (by_address
                        && in_window(query, e.timestamp_ms)
                        && address_ok(&e.sender, &e.recipients.iter().map(String::as_str).collect::<Vec<_>>()))
                {
                    push_unique(&mut seeds, &bracketed(&e.message_id));
                }
            });
        }
        for id in seeds.into_iter().filter(|s| s != "<>") {
            push_unique(&mut found.message_ids, &id);
        }
    }

    found.trace_events = sources
        .trace_events
        .into_iter()
        .filter(|e| {
            found
                .message_ids
                .iter()
                .any(|m| m.eq_ignore_ascii_case(&bracketed(&e.message_id)))
                || (!e.network_message_id.is_empty()
                    && found
                        .network_message_ids
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(&e.network_message_id)))
        })
        .collect();
    for e in &found.trace_events {
        push_unique(&mut found.network_message_ids, &e.network_message_id);
    }

    let mut needles: Vec<String> = found.message_ids.clone();
    needles.extend(found.network_message_ids.iter().cloned());
    if needles.is_empty() {
        return found;
    }
    let Ok(searcher) = AhoCorasick::builder().ascii_case_insensitive(true).build(&needles) else {
        return found;
    };

    // Tracking: only the files that hold an id are parsed.
    let mut buffer = Vec::new();
    let mut hit_tracking = Vec::new();
    for path in &tracking_files {
        if file_outside(query, path) {
            continue;
        }
        let mut lines = Vec::new();
        if search_file(path, &searcher, &mut buffer, &mut found, |number, line| {
            lines.push((number, line.to_owned()))
        }) {
            hit_tracking.push(path.clone());
            found.tracking_lines.push((path.clone(), lines));
        }
    }
    if !hit_tracking.is_empty() {
        found.stats.tracking_files_read = hit_tracking.len() as u64;
        // One id: the engine's own filter skips the other rows before an event is made.
        let filter = match (found.message_ids.as_slice(), found.network_message_ids.len()) {
            ([only], _) => TrackingFilter {
                message_id: Some(only.clone()),
                ..TrackingFilter::default()
            },
            _ => TrackingFilter::default(),
        };
        let ids = found.message_ids.clone();
        let nmids = found.network_message_ids.clone();
        let mut events = Vec::new();
        read_tracking(hit_tracking, filter, &mut found.issues, |e| {
            if ids.iter().any(|m| m.eq_ignore_ascii_case(&e.message_id))
                || nmids.iter().any(|n| n.eq_ignore_ascii_case(&e.network_message_id))
            {
                events.push(e.clone());
            }
        });
        found.stats.tracking_events = events.len() as u64;
        found.tracking_events = events;
    }

    // Protocol logs: the sessions whose lines carry an id, rebuilt from their files and the files beside them
    // (a session crosses the hourly roll).
    let mut session_ids: HashSet<String> = HashSet::new();
    let mut hit_protocol: Vec<PathBuf> = Vec::new();
    let mut record = Record::new();
    for (index, path) in protocol_files.iter().enumerate() {
        if file_outside(query, path) {
            continue;
        }
        let hit = search_file(path, &searcher, &mut buffer, &mut found, |_, line| {
            if split_csv_text(line, &mut record).is_ok() && record.len() > 2 {
                session_ids.insert(record.get(2).to_string());
            }
        });
        if hit {
            for neighbour in [index.checked_sub(1), Some(index), Some(index + 1)]
                .into_iter()
                .flatten()
            {
                if let Some(p) = protocol_files.get(neighbour).filter(|p| same_stream(p, path)) {
                    if !hit_protocol.contains(p) {
                        hit_protocol.push(p.clone());
                    }
                }
            }
        }
    }
    if !session_ids.is_empty() {
        found.stats.protocol_files_read = hit_protocol.len() as u64;
        let filter = ProtocolFilter {
            session_ids: session_ids.into_iter().collect(),
            ..ProtocolFilter::default()
        };
        let ids = found.message_ids.clone();
        read_sessions(
            ProtocolReader::new(ReadMode::Sessions, filter, hit_protocol),
            &mut found.issues,
            |s| {
                if s.messages
                    .iter()
                    .any(|m| ids.iter().any(|id| id.eq_ignore_ascii_case(&m.internet_message_id)))
                {
                    found.sessions.push(s);
                }
            },
        );
        found.stats.sessions = found.sessions.len() as u64;
    }

    // A deferral names no session: look for the refused session by its sender around that time.
    let deferrals: Vec<(i64, String)> = found
        .trace_events
        .iter()
        .filter(|e| {
            e.event.eq_ignore_ascii_case("Defer")
                || e.event.eq_ignore_ascii_case("Fail")
                || e.event.eq_ignore_ascii_case("DEFER")
        })
        .map(|e| (e.received_ms, e.sender_address.clone()))
        .collect();
    if !protocol_files.is_empty() {
        let mut seen: HashSet<String> = found
            .sessions
            .iter()
            .map(|s| format!("{}|{}", s.server, s.session_id))
            .collect();
        for (at, sender) in deferrals.into_iter().filter(|(_, s)| !s.is_empty()) {
            let filter = ProtocolFilter {
                start_ms: Some(at - 120_000),
                end_ms: Some(at + 30_000),
                senders: vec![Pattern::exact_or_wildcard(&sender)],
                ..ProtocolFilter::default()
            };
            let mut near = Vec::new();
            read_sessions(
                ProtocolReader::new(ReadMode::Sessions, filter, protocol_files.clone()),
                &mut found.issues,
                |s| {
                    let carries_id = s.messages.iter().any(|m| !m.internet_message_id.is_empty());
                    if !carries_id && s.is_exchange_online && s.start_ms <= at + 30_000 && s.end_ms >= at - 120_000 {
                        near.push(s);
                    }
                },
            );
            for s in near {
                if seen.insert(format!("{}|{}", s.server, s.session_id)) {
                    found.sessions_by_time.push(s);
                }
            }
        }
    }
    found
}

/// A file whose name puts it wholly outside the query's time range (an hour of slack either side).
fn file_outside(query: &TimelineQuery, path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()).and_then(LogFileName::parse) else {
        return false;
    };
    query.start_ms.is_some_and(|s| name.end_ms() + 3_600_000 < s)
        || query.end_ms.is_some_and(|e| name.start_ms - 3_600_000 > e)
}

/// Files of one folder and one prefix follow each other in time.
fn same_stream(a: &Path, b: &Path) -> bool {
    let prefix = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .and_then(LogFileName::parse)
            .map(|n| n.prefix)
    };
    a.parent() == b.parent() && prefix(a) == prefix(b)
}

/// Searches one file for the ids; calls `on_line` with the number (from 1, as the log readers count) and text
/// of each line that holds one. True when any does.
fn search_file(
    path: &Path,
    searcher: &AhoCorasick,
    buffer: &mut Vec<u8>,
    found: &mut Collected,
    mut on_line: impl FnMut(u64, &str),
) -> bool {
    buffer.clear();
    let read = std::fs::File::open(path).and_then(|mut f| f.read_to_end(buffer));
    if let Err(e) = read {
        found.issues.push(TimelineIssue {
            path: path.to_string_lossy().into_owned(),
            line: 0,
            message: format!("cannot be read: {e}"),
        });
        return false;
    }
    found.stats.files_searched += 1;
    found.stats.bytes_searched += buffer.len() as u64;
    // A log saved again as UTF-16 is searched as the UTF-8 the ids are.
    crate::logfile::utf8_in_place(buffer);
    let mut hit = false;
    let mut next_line_start = 0;
    let (mut counted_to, mut line_number) = (0, 1);
    for m in searcher.find_iter(&buffer[..]) {
        if m.start() < next_line_start {
            continue;
        }
        hit = true;
        // Lines end as the log reader ends them: CRLF, LF or CR.
        let start = memchr::memrchr2(b'\n', b'\r', &buffer[..m.start()]).map_or(0, |i| i + 1);
        let end = memchr::memchr2(b'\n', b'\r', &buffer[m.end()..]).map_or(buffer.len(), |i| m.end() + i);
        line_number += line_ends(&buffer[counted_to..start]);
        counted_to = start;
        on_line(line_number, &String::from_utf8_lossy(&buffer[start..end]));
        next_line_start = end;
    }
    hit
}

/// How many lines end in `bytes`: CRLF, LF and CR each end one.
fn line_ends(bytes: &[u8]) -> u64 {
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(|&i| !(bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
        .count() as u64
}

fn read_tracking(
    files: Vec<PathBuf>,
    filter: TrackingFilter,
    issues: &mut Vec<TimelineIssue>,
    mut on_event: impl FnMut(&TrackingEvent),
) {
    let mut reader = TrackingReader::new(files, filter);
    while let Some(read) = reader.next_event() {
        match read {
            Ok(event) => on_event(event),
            Err(e) => issues.push(TimelineIssue {
                path: e.path.to_string(),
                line: e.line,
                message: e.message,
            }),
        }
    }
}

fn read_sessions(mut reader: ProtocolReader, issues: &mut Vec<TimelineIssue>, mut on_session: impl FnMut(Session)) {
    loop {
        match reader.next() {
            Step::Item(Item::Row(ProtocolRow::Session(s))) => on_session(*s),
            Step::Item(Item::Error(e)) => issues.push(TimelineIssue {
                path: e.path.to_string(),
                line: e.line,
                message: e.message.clone(),
            }),
            Step::Item(_) => {}
            Step::Pending | Step::End => break,
        }
    }
}
