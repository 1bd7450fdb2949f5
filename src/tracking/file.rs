//! Reads the events of one message-tracking file from any byte source: checks its header, maps its columns,
//! filters rows on their raw fields and builds events only for the rows that pass.

use std::io::Read;
use std::sync::Arc;

use super::event::{field, fill_event, Columns, RowNumbers, TrackingEvent};
use super::filter::{file_may_match, Matcher, TrackingFilter};
use crate::logfile::{catch_quietly, parse_utc_ms, LineError, LineErrorKind, LogReader, ReadOutcome, ReaderStats};

/// The `#Log-type` of message-tracking files.
pub const TRACKING_LOG_TYPE: &str = "Message Tracking Log";

/// What [`TrackingFileReader`] found next.
#[derive(Debug)]
pub(crate) enum FileStep {
    /// A row that passed the filter, at this time; [`TrackingFileReader::fill`] builds its event.
    Row(i64),
    Error(LineError),
    /// The header's `#Date` puts the file after the time range: its rows were not read.
    SkippedByTime,
    End,
}

struct Schema {
    columns: Columns,
    version: Option<Arc<str>>,
}

pub struct TrackingFileReader<R: Read> {
    reader: LogReader<R>,
    matcher: Arc<Matcher>,
    schema: Option<Schema>,
    /// False once the file's own server is known to be the one the filter asks for.
    check_server_rows: bool,
    numbers: RowNumbers,
    finished: bool,
    skipped_by_time: bool,
    emitted: u64,
    event: TrackingEvent,
}

impl<R: Read> TrackingFileReader<R> {
    /// A reader of the file at `path` (used for messages, the time in its name and the events' path).
    pub fn new(path: impl Into<Arc<str>>, src: R, filter: &TrackingFilter) -> Self {
        Self::with_matcher(LogReader::new(path, src), Arc::new(Matcher::new(filter)), None)
    }

    pub(crate) fn with_matcher(reader: LogReader<R>, matcher: Arc<Matcher>, file_server: Option<&str>) -> Self {
        let check_server_rows = file_server.is_none_or(|server| !matcher.server_ok(server));
        Self {
            reader,
            matcher,
            schema: None,
            check_server_rows,
            numbers: RowNumbers::default(),
            finished: false,
            skipped_by_time: false,
            emitted: 0,
            event: TrackingEvent::default(),
        }
    }

    /// The longest line read; longer lines are skipped as errors.
    pub fn with_max_line_bytes(mut self, max: usize) -> Self {
        self.reader = self.reader.with_max_line_bytes(max);
        self
    }

    pub fn stats(&self) -> ReaderStats {
        self.reader.stats()
    }

    pub fn path(&self) -> &Arc<str> {
        self.reader.path()
    }

    /// True when the header's `#Date` showed the file to be outside the time range, so its rows were not read.
    pub fn skipped_by_time(&self) -> bool {
        self.skipped_by_time
    }

    /// The next event that passes the filter, or a bad line or file, until the end of the file or the
    /// filter's result size. The event is the reader's own buffer, refilled by the next call.
    pub fn next_event(&mut self) -> Option<Result<&TrackingEvent, LineError>> {
        if self
            .matcher
            .filter()
            .result_size
            .is_some_and(|limit| self.emitted >= limit)
        {
            return None;
        }
        match self.advance() {
            FileStep::Row(_) => {
                if let Err(e) = fill_guarded(self.schema.as_ref(), &mut self.reader, self.numbers, &mut self.event) {
                    return Some(Err(e));
                }
                self.emitted += 1;
                Some(Ok(&self.event))
            }
            FileStep::Error(e) => Some(Err(e)),
            FileStep::SkippedByTime | FileStep::End => None,
        }
    }

    /// Reads up to the next row that passes the filter. A panic costs the line it was met on (the rest of the file
    /// when the reader could not move past it), reported as an error; the next call reads on.
    pub(crate) fn advance(&mut self) -> FileStep {
        let before = self.reader.position();
        catch_quietly(|| self.next_passing_row())
            .unwrap_or_else(|panic| FileStep::Error(self.reader.panicked(Some(before), &panic)))
    }

    fn next_passing_row(&mut self) -> FileStep {
        loop {
            if self.finished {
                return FileStep::End;
            }
            match self.reader.next_row() {
                ReadOutcome::Record => {}
                ReadOutcome::Error(e) => return FileStep::Error(e),
                ReadOutcome::Pending | ReadOutcome::Truncated { .. } | ReadOutcome::End => {
                    self.finished = true;
                    return FileStep::End;
                }
            }
            if self.schema.is_none() {
                if let Err(step) = self.check_header() {
                    self.finished = true;
                    return step;
                }
            }
            let columns = &self.schema.as_ref().expect("checked above").columns;
            let record = self.reader.record();
            let time_text = field(record, columns.date_time);
            let Some(timestamp_ms) = parse_utc_ms(time_text.as_bytes()) else {
                let message = format!(
                    "date-time '{}' is not a UTC time (yyyy-MM-ddTHH:mm:ss.fffZ); skipped",
                    excerpt(time_text)
                );
                return FileStep::Error(self.reader.line_error(LineErrorKind::BadTime, message));
            };
            if !self
                .matcher
                .row_ok(columns, record, timestamp_ms, self.check_server_rows)
            {
                continue;
            }
            let total_bytes = match read_number::<i64>(field(record, columns.total_bytes)) {
                Ok(n) => n,
                Err(text) => return FileStep::Error(self.bad_number("total-bytes", &text)),
            };
            let recipient_count = match read_number::<i32>(field(record, columns.recipient_count)) {
                Ok(n) => n,
                Err(text) => return FileStep::Error(self.bad_number("recipient-count", &text)),
            };
            self.numbers = RowNumbers {
                timestamp_ms,
                total_bytes,
                recipient_count,
            };
            return FileStep::Row(timestamp_ms);
        }
    }

    /// Builds the event of the row [`Self::advance`] stopped at; a panic costs that row, reported as an error.
    pub(crate) fn fill(&mut self, event: &mut TrackingEvent) -> Result<(), LineError> {
        fill_guarded(self.schema.as_ref(), &mut self.reader, self.numbers, event)
    }

    fn bad_number(&mut self, name: &str, text: &str) -> LineError {
        self.reader.line_error(
            LineErrorKind::BadValue,
            format!("{name} '{}' is not a number; skipped", excerpt(text)),
        )
    }

    /// Checks the header read with the first row: the log type, the columns, the time range.
    fn check_header(&mut self) -> Result<(), FileStep> {
        let header = self.reader.header();
        if let Some(log_type) = header.log_type.as_deref() {
            if !log_type.eq_ignore_ascii_case(TRACKING_LOG_TYPE) {
                let message = format!("is a '{}' file, not a {TRACKING_LOG_TYPE}; refused", excerpt(log_type));
                return Err(FileStep::Error(self.reader.abandon(LineErrorKind::NotALog, message)));
            }
        }
        let columns = Columns::from_header(header);
        if columns.date_time.is_none() || columns.event_id.is_none() {
            let message = format!(
                "has no date-time or event-id column in its #Fields header: not a {TRACKING_LOG_TYPE}; refused"
            );
            return Err(FileStep::Error(self.reader.abandon(LineErrorKind::NotALog, message)));
        }
        if !file_may_match(self.reader.path(), header.date_ms, self.matcher.filter()) {
            self.skipped_by_time = true;
            return Err(FileStep::SkippedByTime);
        }
        let version = header.version.as_deref().map(Arc::from);
        self.schema = Some(Schema { columns, version });
        Ok(())
    }
}

fn fill_guarded<R: Read>(
    schema: Option<&Schema>,
    reader: &mut LogReader<R>,
    numbers: RowNumbers,
    event: &mut TrackingEvent,
) -> Result<(), LineError> {
    catch_quietly(|| fill_from(schema, reader, numbers, event)).map_err(|panic| reader.panicked(None, &panic))
}

fn fill_from<R: Read>(schema: Option<&Schema>, reader: &LogReader<R>, numbers: RowNumbers, event: &mut TrackingEvent) {
    crate::logfile::panic_if_asked(reader.raw_text(), "event");
    let schema = schema.expect("a row was read, so its header was checked");
    fill_event(event, &schema.columns, reader.record(), numbers);
    if !Arc::ptr_eq(&event.path, reader.path()) {
        event.path = reader.path().clone();
    }
    event.line = reader.line_number();
    event.log_version.clone_from(&schema.version);
}

/// An empty field is no number; anything else must read as one (`Err` carries the text).
fn read_number<T: std::str::FromStr>(text: &str) -> Result<Option<T>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    text.trim().parse().map(Some).map_err(|_| text.to_owned())
}

/// At most 60 characters of a value, for messages about a bad one.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logfile::parse_utc_ms;

    const HEADER: &str = "#Software: Microsoft Exchange Server\r\n#Version: 15.02.1544.004\r\n#Log-type: Message Tracking Log\r\n#Date: 2026-05-01T06:00:01.203Z\r\n";

    fn read<'a>(text: &'a str, filter: &TrackingFilter) -> (Vec<TrackingEvent>, TrackingFileReader<&'a [u8]>) {
        let mut reader = TrackingFileReader::new("MSGTRK2026050106-1.LOG", text.as_bytes(), filter);
        let mut events = Vec::new();
        while let Some(item) = reader.next_event() {
            events.push(item.unwrap().clone());
        }
        (events, reader)
    }

    #[test]
    fn columns_are_found_by_name_around_unknown_ones() {
        let text = format!(
            "{HEADER}#Fields: x-site,event-id,date-time,sender-address,x-note,recipient-address\r\nLab,SEND,2026-05-01T06:06:57.760Z,raghu@cloudmonkeys.xyz,\"a, b\",ramki@cloudfield.onmicrosoft.com\r\n"
        );
        let (events, _) = read(&text, &TrackingFilter::default());
        let e = &events[0];
        assert_eq!(
            (e.event_id.as_str(), e.sender.as_str()),
            ("SEND", "raghu@cloudmonkeys.xyz")
        );
        assert_eq!(e.timestamp_ms, parse_utc_ms(b"2026-05-01T06:06:57.760Z").unwrap());
        assert_eq!(e.recipients, ["ramki@cloudfield.onmicrosoft.com"]);
        assert_eq!((e.source.as_str(), e.network_message_id.as_str()), ("", ""));
    }

    #[test]
    fn a_file_dated_after_the_range_is_not_read() {
        let text = format!("{HEADER}#Fields: date-time,event-id\r\n2026-05-01T06:06:57.760Z,SEND\r\n");
        let before = TrackingFilter {
            end_ms: parse_utc_ms(b"2026-05-01T05:30:00Z"),
            ..TrackingFilter::default()
        };
        let (events, reader) = read(&text, &before);
        assert!(events.is_empty());
        assert!(reader.skipped_by_time());
        let (events, reader) = read(&text, &TrackingFilter::default());
        assert_eq!(events.len(), 1);
        assert!(!reader.skipped_by_time());
    }

    #[test]
    fn result_size_limits_one_file_too() {
        let text = format!("{HEADER}#Fields: date-time,event-id\r\n2026-05-01T06:00:00.000Z,RECEIVE\r\n2026-05-01T06:00:01.000Z,SEND\r\n2026-05-01T06:00:02.000Z,DELIVER\r\n");
        let (events, _) = read(
            &text,
            &TrackingFilter {
                result_size: Some(2),
                ..TrackingFilter::default()
            },
        );
        assert_eq!(
            events.iter().map(|e| e.event_id.as_str()).collect::<Vec<_>>(),
            ["RECEIVE", "SEND"]
        );
    }
}
