//! Streams the rows of one Exchange log file. Memory is one line buffer and one record, however large the file;
//! a line over the size limit is skipped while it is read, never held. Lines end as `Get-Content` ends them: CRLF
//! (what Exchange writes), LF, or a lone CR (a log that went through an old Mac tool or a careless conversion).
//! The file Exchange is writing now ends in a line without its line break: in follow mode that line waits for the
//! rest, otherwise it is counted as truncated.

use std::fmt;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;

use super::csv::{split_csv_text, Record};
use super::encoding::{TextEncoding, Utf8Source};
use super::time::parse_utc_ms;

/// The longest line read (1 MiB). Exchange folds each SMTP line into one row, so a longer row is damage.
pub const DEFAULT_MAX_LINE_BYTES: usize = 1 << 20;

/// The `#` lines at the top of a log file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogHeader {
    pub software: Option<String>,
    pub version: Option<String>,
    pub log_type: Option<String>,
    /// `#Date:`, milliseconds since the Unix epoch (UTC).
    pub date_ms: Option<i64>,
    pub fields: Vec<String>,
}

impl LogHeader {
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineErrorKind {
    Io,
    /// The file is not an Exchange log (no `#Fields:` before the first row, binary content, a different log type).
    NotALog,
    FieldCount,
    BadTime,
    LineTooLong,
    BadQuoting,
    /// A value the consumer could not read (an endpoint, a number).
    BadValue,
    /// A bug in the engine stopped reading (a caught panic).
    Internal,
}

/// A problem with one line (or a whole file, for `NotALog` and `Io`), with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub path: Arc<str>,
    /// 1-based line number; 0 when the error concerns the file as a whole.
    pub line: u64,
    pub kind: LineErrorKind,
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{}, line {}: {}", self.path, self.line, self.message)
        }
    }
}

impl std::error::Error for LineError {}

impl LineError {
    /// What a reading thread hands on when the engine panicked outside the reading of any one line or session:
    /// reading stops, and the caller is told why.
    pub fn from_panic(panic: &str) -> LineError {
        LineError::internal(Arc::from(""), 0, "reading stopped", panic)
    }

    /// A panic caught while the engine read `line` of `path`: that line is skipped, reading goes on.
    pub fn line_lost(path: Arc<str>, line: u64, panic: &str) -> LineError {
        LineError::internal(path, line, "this line was skipped", panic)
    }

    /// A panic caught while the engine diagnosed the event of `line` of `path`: the event goes without findings.
    pub fn diagnosis_lost(path: Arc<str>, line: u64, panic: &str) -> LineError {
        LineError::internal(path, line, "this line's event is given without its diagnosis", panic)
    }

    /// A panic caught while the engine parsed the structured fields of the event of `line` of `path` (message-info,
    /// recipient-status): the event is given without them.
    pub fn fields_lost(path: Arc<str>, line: u64, panic: &str) -> LineError {
        LineError::internal(
            path,
            line,
            "this line's event is given without its parsed message-info and recipient-status",
            panic,
        )
    }

    /// A panic caught while the engine completed a session (or turned it into lines): the session is skipped, and
    /// the error names its first line.
    pub fn session_lost(path: Arc<str>, line: u64, panic: &str) -> LineError {
        LineError::internal(path, line, "the session starting on this line was skipped", panic)
    }

    fn internal(path: Arc<str>, line: u64, lost: &str, panic: &str) -> LineError {
        LineError {
            path,
            line,
            kind: LineErrorKind::Internal,
            message: format!("internal error in the HybridMailFlow engine, {lost}: {panic}"),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReaderStats {
    pub bytes: u64,
    pub lines: u64,
    pub records: u64,
    /// Lines that were not returned as records because they were bad (each also returned as an error).
    pub skipped: u64,
    /// Last lines without a line break (the file was being written) that were not read.
    pub truncated: u64,
    /// Damaged lines read after a repair (trailing fields missing, read as empty; an empty protocol-log event,
    /// read as `*`), each returned as a record.
    pub repaired: u64,
    /// The 1-based number of the first repaired line; 0 when none was.
    pub first_repaired_line: u64,
}

#[derive(Debug)]
pub enum ReadOutcome {
    /// A row is in [`LogReader::record`].
    Record,
    /// A bad line or file; reading goes on with the next line (or ends, for a whole-file error).
    Error(LineError),
    /// Follow mode: the end of the data so far, possibly with a partial line kept for the next call.
    Pending,
    /// The file ended with a line without its line break, which is not read (see [`ReaderStats::truncated`]).
    Truncated {
        line: u64,
    },
    End,
}

enum LineRead {
    Complete,
    TooLong(usize),
    Partial,
    Eof,
}

pub struct LogReader<R: Read> {
    src: BufReader<Utf8Source<R>>,
    /// Known once the file's first two bytes are read. Offsets and byte counts are of the file, whatever its
    /// encoding, so that a line can be found again in it.
    encoding: Option<TextEncoding>,
    path: Arc<str>,
    header: LogHeader,
    line: Vec<u8>,
    /// The last row's line as text when it had quotes (the record holds it unquoted); invalid UTF-8 replaced.
    text: String,
    /// The last row had no quotes: the record's text is the line itself.
    line_in_record: bool,
    overflow: usize,
    record: Record,
    line_no: u64,
    max_line: usize,
    follow: bool,
    stats: ReaderStats,
    done: bool,
    /// The last read ended without a line break: the next read continues that line.
    continuing: bool,
    /// The last line ended with a CR at the end of the buffer: an LF that follows belongs to that line end.
    after_cr: bool,
    /// Byte offset in the file of the line last read (readers always start at the file's first byte).
    line_start: u64,
    /// Where in the file reading started: offsets are of the file, not of the part read.
    offset_base: u64,
    /// The line last read was counted as repaired (a consumer that then refuses it takes the count back).
    repaired_line: bool,
}

impl<R: Read> LogReader<R> {
    pub fn new(path: impl Into<Arc<str>>, src: R) -> Self {
        Self {
            src: BufReader::with_capacity(256 * 1024, Utf8Source::new(src)),
            encoding: None,
            path: path.into(),
            header: LogHeader::default(),
            line: Vec::with_capacity(1024),
            text: String::with_capacity(1024),
            line_in_record: false,
            overflow: 0,
            record: Record::new(),
            line_no: 0,
            max_line: DEFAULT_MAX_LINE_BYTES,
            follow: false,
            stats: ReaderStats::default(),
            done: false,
            continuing: false,
            after_cr: false,
            line_start: 0,
            offset_base: 0,
            repaired_line: false,
        }
    }

    /// Reads a part of a file that starts at byte `offset`, at the start of a line after the header: its rows are
    /// read with `header`, the file's. Line numbers count from the part's start; offsets are of the file.
    pub fn starting_at(mut self, header: LogHeader, offset: u64) -> Self {
        self.header = header;
        self.offset_base = offset;
        self
    }

    pub fn with_max_line_bytes(mut self, max: usize) -> Self {
        self.max_line = max.max(64);
        self
    }

    /// In follow mode the end of the data is [`ReadOutcome::Pending`] rather than the end: call again once the
    /// file has grown.
    pub fn with_follow(mut self, follow: bool) -> Self {
        self.follow = follow;
        self
    }

    /// What the lines are read from.
    pub fn source(&self) -> &R {
        self.src.get_ref().get_ref()
    }

    /// What the lines are read from, to act on it (a followed file lets go of a file being deleted).
    pub fn source_mut(&mut self) -> &mut R {
        self.src.get_mut().get_mut()
    }

    pub fn path(&self) -> &Arc<str> {
        &self.path
    }

    /// The file's text encoding, once its first bytes are read.
    pub fn encoding(&self) -> Option<TextEncoding> {
        self.encoding
    }

    pub fn header(&self) -> &LogHeader {
        &self.header
    }

    /// The row of the last [`ReadOutcome::Record`].
    pub fn record(&self) -> &Record {
        &self.record
    }

    /// The last row's line as text (without its line break; invalid UTF-8 replaced).
    pub fn raw_text(&self) -> &str {
        if self.line_in_record {
            self.record.line_as_written()
        } else {
            &self.text
        }
    }

    /// 1-based number of the last line read.
    pub fn line_number(&self) -> u64 {
        self.line_no
    }

    /// Byte offset in the file where the last line read starts: with it a caller can read that line again from
    /// the file later instead of keeping a copy.
    pub fn line_offset(&self) -> u64 {
        self.offset_base + self.line_start
    }

    pub fn stats(&self) -> ReaderStats {
        self.stats
    }

    /// An error at the current line, counted as a skipped line. For consumers that find a row's values bad.
    pub fn line_error(&mut self, kind: LineErrorKind, message: impl Into<String>) -> LineError {
        self.stats.skipped += 1;
        if std::mem::take(&mut self.repaired_line) {
            // Skipped, not repaired: a line is counted once.
            self.stats.repaired -= 1;
            if self.stats.first_repaired_line == self.line_no {
                self.stats.first_repaired_line = 0;
            }
        }
        LineError {
            path: self.path.clone(),
            line: self.line_no,
            kind,
            message: message.into(),
        }
    }

    /// Counts the current line as repaired: a consumer read a damaged value of it in a known way.
    pub fn note_repair(&mut self) {
        if std::mem::replace(&mut self.repaired_line, true) {
            return;
        }
        self.stats.repaired += 1;
        if self.stats.first_repaired_line == 0 {
            self.stats.first_repaired_line = self.line_no;
        }
    }

    /// Where the reader is: what tells, after a caught panic, whether it moved on.
    pub fn position(&self) -> (u64, u64) {
        (self.line_no, self.stats.bytes)
    }

    /// The error for a panic caught while reading on from `before` (a [`Self::position`]): the line it was on is
    /// skipped. A reader that had not moved would panic again on the same bytes: the rest of its file is skipped.
    pub fn panicked(&mut self, before: Option<(u64, u64)>, panic: &str) -> LineError {
        self.stats.skipped += 1;
        if before == Some(self.position()) {
            self.done = true;
            return LineError::internal(
                self.path.clone(),
                self.line_no,
                "the rest of this file was skipped",
                panic,
            );
        }
        LineError::line_lost(self.path.clone(), self.line_no, panic)
    }

    /// Stops reading this file after a whole-file error found by the consumer (a different log type, say).
    pub fn abandon(&mut self, kind: LineErrorKind, message: impl Into<String>) -> LineError {
        self.done = true;
        LineError {
            path: self.path.clone(),
            line: 0,
            kind,
            message: message.into(),
        }
    }

    pub fn next_row(&mut self) -> ReadOutcome {
        loop {
            if self.done {
                return ReadOutcome::End;
            }
            let read = match self.read_line() {
                Ok(read) => read,
                Err(e) => {
                    self.done = true;
                    return ReadOutcome::Error(LineError {
                        path: self.path.clone(),
                        line: self.line_no + 1,
                        kind: LineErrorKind::Io,
                        message: format!("cannot read: {e}"),
                    });
                }
            };
            match read {
                LineRead::Eof => {
                    if self.follow {
                        return ReadOutcome::Pending;
                    }
                    self.done = true;
                    return ReadOutcome::End;
                }
                LineRead::Partial if self.follow => return ReadOutcome::Pending,
                LineRead::Partial => {
                    self.line_no += 1;
                    self.stats.lines += 1;
                    self.stats.truncated += 1;
                    self.done = true;
                    return ReadOutcome::Truncated { line: self.line_no };
                }
                LineRead::TooLong(len) => {
                    self.line_no += 1;
                    self.stats.lines += 1;
                    let max = self.max_line;
                    let err = self.line_error(
                        LineErrorKind::LineTooLong,
                        format!("line of {len} bytes is longer than the limit of {max} bytes; skipped"),
                    );
                    self.line.clear();
                    return ReadOutcome::Error(err);
                }
                LineRead::Complete => {
                    self.line_no += 1;
                    self.stats.lines += 1;
                    if let Some(outcome) = self.take_line() {
                        return outcome;
                    }
                }
            }
        }
    }

    /// Interprets the complete line in `self.line`; `None` for lines that produce nothing (headers, blanks).
    fn take_line(&mut self) -> Option<ReadOutcome> {
        self.repaired_line = false;
        if self.line_no == 1 && self.line.starts_with(b"\xEF\xBB\xBF") {
            self.line.drain(..3);
        }
        if self.line.is_empty() {
            return None;
        }
        if self.line[0] == b'#' {
            self.read_header_line();
            return None;
        }
        if self.header.fields.is_empty() {
            let what =
                if self.line.contains(&0) || self.line.starts_with(b"\xFF\xFE") || self.line.starts_with(b"\xFE\xFF") {
                    "is not an Exchange log file (binary content, or UTF-16 without its byte order mark)"
                } else {
                    "is not an Exchange log file (no #Fields: header before the first row)"
                };
            self.stats.skipped += 1;
            let err = LineError {
                path: self.path.clone(),
                line: self.line_no,
                kind: LineErrorKind::NotALog,
                message: what.to_owned(),
            };
            self.done = true;
            return Some(ReadOutcome::Error(err));
        }
        // The line buffer becomes the row's text without a copy (UTF-8 checked once); the buffer it replaces
        // becomes the next line buffer.
        let text = match String::from_utf8(std::mem::take(&mut self.line)) {
            Ok(text) => text,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        };
        match self.record.set_line(text) {
            Ok(previous) => {
                self.line = previous.into_bytes();
                self.line_in_record = true;
            }
            Err(text) => {
                self.line = std::mem::replace(&mut self.text, text).into_bytes();
                self.line_in_record = false;
                if let Err(e) = split_csv_text(&self.text, &mut self.record) {
                    return Some(ReadOutcome::Error(
                        self.line_error(LineErrorKind::BadQuoting, e.to_string()),
                    ));
                }
            }
        }
        let want = self.header.fields.len();
        if self.record.len() < want && self.record.len() * 2 > want {
            // A copy that lost trailing fields (`,,` trimmed by an editor or a paste): they read as empty. A row
            // with half its fields or fewer is not a damaged row but other text, refused below.
            self.record.pad_to(want);
            self.note_repair();
        }
        if self.record.len() != self.header.fields.len() {
            let (got, want) = (self.record.len(), self.header.fields.len());
            return Some(ReadOutcome::Error(self.line_error(
                LineErrorKind::FieldCount,
                format!("has {got} fields where the #Fields header names {want}; skipped"),
            )));
        }
        self.stats.records += 1;
        Some(ReadOutcome::Record)
    }

    fn read_header_line(&mut self) {
        let text = String::from_utf8_lossy(&self.line[1..]);
        let Some((key, value)) = text.split_once(':') else {
            return;
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "software" => self.header.software = Some(value.to_owned()),
            "version" => self.header.version = Some(value.to_owned()),
            "log-type" => self.header.log_type = Some(value.to_owned()),
            "date" => self.header.date_ms = parse_utc_ms(value.as_bytes()),
            "fields" => self.header.fields = value.split(',').map(|f| f.trim().to_owned()).collect(),
            _ => {}
        }
    }

    /// Reads up to the next line end (CRLF, LF or CR) into `self.line`, keeping at most `max_line` bytes of the
    /// line. A partial line left by a previous `Partial` is continued, which is how follow mode picks up a line
    /// being written.
    fn read_line(&mut self) -> io::Result<LineRead> {
        if self.encoding.is_none() {
            // Nothing is buffered before the encoding is known: the source gives no byte until then.
            self.encoding = self.src.get_mut().detect()?;
        }
        let encoding = self.encoding.unwrap_or(TextEncoding::Utf8);
        if !std::mem::take(&mut self.continuing) {
            self.line.clear();
            if std::mem::take(&mut self.after_cr) {
                self.skip_lf_after_cr()?;
            }
            self.line_start = self.stats.bytes;
        }
        loop {
            let available = match self.src.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                if self.line.is_empty() && self.overflow == 0 {
                    return Ok(LineRead::Eof);
                }
                self.continuing = true;
                return Ok(LineRead::Partial);
            }
            let (chunk, found) = match memchr::memchr2(b'\n', b'\r', available) {
                Some(i) if available[i] == b'\r' => match available.get(i + 1) {
                    Some(b'\n') => (&available[..i], Some(i + 2)),
                    next => {
                        self.after_cr = next.is_none();
                        (&available[..i], Some(i + 1))
                    }
                },
                Some(i) => (&available[..i], Some(i + 1)),
                None => (available, None),
            };
            let room = self.max_line.saturating_sub(self.line.len());
            if self.overflow == 0 && chunk.len() <= room {
                self.line.extend_from_slice(chunk);
            } else {
                if self.overflow == 0 {
                    self.overflow = self.line.len();
                    self.line.clear();
                }
                self.overflow += chunk.len();
            }
            let consumed = found.unwrap_or(chunk.len());
            let source_len = encoding.source_len(&available[..consumed]);
            self.src.consume(consumed);
            self.stats.bytes += source_len;
            if found.is_some() {
                if self.overflow > 0 {
                    let len = std::mem::take(&mut self.overflow);
                    return Ok(LineRead::TooLong(len));
                }
                return Ok(LineRead::Complete);
            }
        }
    }

    /// The LF of a CRLF whose CR ended the last buffer. At the end of the data for now it is looked for again by
    /// the next read (follow mode: Exchange may not have written it yet).
    fn skip_lf_after_cr(&mut self) -> io::Result<()> {
        loop {
            match self.src.fill_buf() {
                Ok([]) => {
                    self.after_cr = true;
                    return Ok(());
                }
                Ok([b'\n', ..]) => {
                    self.src.consume(1);
                    self.stats.bytes += self.encoding.unwrap_or(TextEncoding::Utf8).source_len(b"\n");
                    return Ok(());
                }
                Ok(_) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "\u{feff}#Software: Microsoft Exchange Server\r\n#Version: 15.0.0.0\r\n#Log-type: SMTP Receive Protocol Log\r\n#Date: 2023-01-11T16:00:04.113Z\r\n#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n";

    #[allow(clippy::type_complexity)] // what a test compares, read at once
    fn read_all(text: &[u8], max: usize) -> (Vec<Result<Vec<String>, (u64, LineErrorKind)>>, ReaderStats, ReadOutcome) {
        let mut r = LogReader::new("RECV.LOG", text).with_max_line_bytes(max);
        let mut out = Vec::new();
        loop {
            match r.next_row() {
                ReadOutcome::Record => out.push(Ok(r.record().iter().map(str::to_owned).collect())),
                ReadOutcome::Error(e) => out.push(Err((e.line, e.kind))),
                last => return (out, r.stats(), last),
            }
        }
    }

    #[test]
    fn reads_header_and_rows_with_crlf_and_bom() {
        let text = format!("{HEADER}2023-01-11T15:59:51.433Z,S\\Default Frontend S,123453EC62278461,1,10.10.10.10:25,95.10.20.33:56026,>,\"220 S ready at Wed, 11 Jan 2023\",\r\n");
        let mut r = LogReader::new("RECV.LOG", text.as_bytes());
        assert!(matches!(r.next_row(), ReadOutcome::Record));
        assert_eq!(r.header().log_type.as_deref(), Some("SMTP Receive Protocol Log"));
        assert_eq!(r.header().version.as_deref(), Some("15.0.0.0"));
        assert_eq!(r.header().date_ms, parse_utc_ms(b"2023-01-11T16:00:04.113Z"));
        assert_eq!(r.header().field_index("event"), Some(6));
        assert_eq!(r.record().get(7), "220 S ready at Wed, 11 Jan 2023");
        assert_eq!(r.line_number(), 6);
        assert!(matches!(r.next_row(), ReadOutcome::End));
    }

    #[test]
    fn bad_lines_are_errors_with_their_line_and_reading_goes_on() {
        let long = "x".repeat(5000);
        let text = format!("{HEADER}a,b,c\n{long}\n1,2,3,4,5,6,7,8,\"open\n1,2,3,4,5,6,7,8,9\n");
        let (items, stats, last) = read_all(text.as_bytes(), 1024);
        assert_eq!(items.len(), 4);
        assert_eq!(items[0], Err((6, LineErrorKind::FieldCount)));
        assert_eq!(items[1], Err((7, LineErrorKind::LineTooLong)));
        assert_eq!(items[2], Err((8, LineErrorKind::BadQuoting)));
        assert_eq!(items[3].as_ref().unwrap()[8], "9");
        assert_eq!(stats.skipped, 3);
        assert_eq!(stats.records, 1);
        assert!(matches!(last, ReadOutcome::End));
    }

    #[test]
    fn rows_that_lost_trailing_fields_are_read_as_empty_and_counted_as_repaired() {
        // (rows after the header, fields of each record read (None: refused), repaired, first repaired line)
        type Case<'a> = (&'a [&'a str], &'a [Option<&'a str>], u64, u64);
        let cases: &[Case] = &[
            (&["1,2,3,4,5,6,7,8,9"], &[Some("1,2,3,4,5,6,7,8,9")], 0, 0),
            (&["1,2,3,4,5,6,7,8"], &[Some("1,2,3,4,5,6,7,8,")], 1, 6),
            (
                &["1,2,3,4,5,6,7,8,9", "1,2,3,4,5,6,7", "1,2,3,4,5,6,7,8"],
                &[
                    Some("1,2,3,4,5,6,7,8,9"),
                    Some("1,2,3,4,5,6,7,,"),
                    Some("1,2,3,4,5,6,7,8,"),
                ],
                2,
                7,
            ),
            (
                &[r#"1,2,3,4,5,"six, quoted",7,8"#],
                &[Some("1,2,3,4,5,six, quoted,7,8,")],
                1,
                6,
            ),
            // Half the fields or fewer: other text, not a damaged row.
            (&["1,2,3,4"], &[None], 0, 0),
            (&["1,2,3,4,5,6,7,8,9,10"], &[None], 0, 0),
        ];
        for (rows, want, repaired, first) in cases {
            let text = format!("{HEADER}{}\r\n", rows.join("\r\n"));
            let (items, stats, _) = read_all(text.as_bytes(), 1024);
            let got: Vec<Option<String>> = items.iter().map(|i| i.as_ref().ok().map(|f| f.join(","))).collect();
            let want: Vec<Option<String>> = want.iter().map(|w| w.map(str::to_owned)).collect();
            assert_eq!(got, want, "{rows:?}");
            assert_eq!(
                (stats.repaired, stats.first_repaired_line),
                (*repaired, *first),
                "{rows:?}"
            );
        }
        // A consumer that refuses a repaired row takes the repair back: the line is counted once, as skipped.
        let text = format!("{HEADER}bad-time,2,3,4,5,6,7,8\r\n1,2,3,4,5,6,7,8\r\n");
        let mut reader = LogReader::new("RECV.LOG", text.as_bytes());
        assert!(matches!(reader.next_row(), ReadOutcome::Record));
        reader.line_error(LineErrorKind::BadTime, "bad time");
        assert!(matches!(reader.next_row(), ReadOutcome::Record));
        let stats = reader.stats();
        assert_eq!((stats.repaired, stats.first_repaired_line, stats.skipped), (1, 7, 1));
    }

    #[test]
    fn a_file_without_fields_header_is_not_a_log() {
        let (items, _, _) = read_all(b"hello,world\nmore\n", 1024);
        assert_eq!(items, vec![Err((1, LineErrorKind::NotALog))]);
        let (items, _, _) = read_all(b"\x00\x01\x02binary\n", 1024);
        assert_eq!(items, vec![Err((1, LineErrorKind::NotALog))]);
    }

    #[test]
    fn a_last_line_without_line_break_is_truncated_not_an_error() {
        let text = format!("{HEADER}1,2,3,4,5,6,7,8,9\r\n1,2,3,4,5");
        let (items, stats, last) = read_all(text.as_bytes(), 1024);
        assert_eq!(items.len(), 1);
        assert_eq!(stats.truncated, 1);
        assert!(matches!(last, ReadOutcome::Truncated { line: 7 }));
    }

    /// Hands out one byte per read, so that every line end falls at the end of the reader's buffer.
    struct OneByteAtATime<'a>(&'a [u8]);
    impl Read for OneByteAtATime<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let Some((first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            buf[0] = *first;
            self.0 = rest;
            Ok(1)
        }
    }

    /// (fields of each row, offset of each row, line number of each row).
    fn rows_of(reader: &mut LogReader<impl Read>) -> Vec<(Vec<String>, u64, u64)> {
        let mut rows = Vec::new();
        while let ReadOutcome::Record = reader.next_row() {
            let fields = reader.record().iter().map(str::to_owned).collect();
            rows.push((fields, reader.line_offset(), reader.line_number()));
        }
        rows
    }

    #[test]
    fn lines_end_in_crlf_lf_or_cr_alone_as_get_content_reads_them() {
        let lines = [
            "#Fields: date-time,session-id,data",
            "2026-05-01T06:00:00.000Z,08DEA74796A6E001,EHLO CMEDGE01.cloudmonkeys.xyz",
            "",
            "2026-05-01T06:00:01.000Z,08DEA74796A6E001,MAIL FROM:<a@b.example> ééé",
            "2026-05-01T06:00:02.000Z,08DEA74796A6E001,QUIT",
        ];
        let want_fields: Vec<Vec<String>> = [1, 3, 4]
            .iter()
            .map(|&i| lines[i].split(',').map(str::to_owned).collect())
            .collect();
        for ending in ["\r\n", "\n", "\r"] {
            let text = lines.join(ending) + ending;
            let starts: Vec<u64> = [1, 3, 4]
                .iter()
                .map(|&i| lines[..i].iter().map(|l| (l.len() + ending.len()) as u64).sum())
                .collect();
            let whole = rows_of(&mut LogReader::new("RECV.LOG", text.as_bytes()));
            let byte_by_byte = rows_of(&mut LogReader::new("RECV.LOG", OneByteAtATime(text.as_bytes())));
            assert_eq!(whole, byte_by_byte, "{ending:?}");
            let fields: Vec<_> = whole.iter().map(|(f, _, _)| f.clone()).collect();
            assert_eq!(fields, want_fields, "{ending:?}");
            let places: Vec<_> = whole.iter().map(|(_, offset, line)| (*offset, *line)).collect();
            assert_eq!(places, [(starts[0], 2), (starts[1], 4), (starts[2], 5)], "{ending:?}");
            assert!(text.as_bytes()[starts[1] as usize..].starts_with(lines[3].as_bytes()));
        }
        // Endings mixed in one file, and a CR of a CRLF at the end of the data for now: its LF, written later,
        // starts no empty line.
        let mixed = format!("{}\r{}\n{}\r\n{}\r", lines[0], lines[1], lines[3], lines[4]);
        let rows = rows_of(&mut LogReader::new("RECV.LOG", mixed.as_bytes()));
        assert_eq!(rows.iter().map(|(_, _, line)| *line).collect::<Vec<_>>(), [2, 3, 4]);
        let shared = std::rc::Rc::new(std::cell::RefCell::new((format!("{}\r", lines[0]).into_bytes(), 0)));
        let mut followed = LogReader::new("RECV.LOG", Growing(shared.clone())).with_follow(true);
        assert!(matches!(followed.next_row(), ReadOutcome::Pending));
        shared
            .borrow_mut()
            .0
            .extend_from_slice(format!("\n{}\r\n", lines[1]).as_bytes());
        assert!(matches!(followed.next_row(), ReadOutcome::Record));
        assert_eq!(
            (followed.line_number(), followed.line_offset()),
            (2, lines[0].len() as u64 + 2)
        );
    }

    #[test]
    fn a_caught_panic_skips_its_line_or_the_rest_of_a_file_the_reader_could_not_move_through() {
        let text = format!("{HEADER}1,2,3,4,5,6,7,8,9\r\n1,2,3,4,5,6,7,8,9\r\n");
        let mut reader = LogReader::new("RECV.LOG", text.as_bytes());
        let before = reader.position();
        assert!(matches!(reader.next_row(), ReadOutcome::Record));
        let moved_on = reader.panicked(Some(before), "index out of bounds");
        assert_eq!((moved_on.line, moved_on.kind), (6, LineErrorKind::Internal));
        assert!(
            moved_on.message.contains("this line was skipped: index out of bounds"),
            "{}",
            moved_on.message
        );
        let stuck = reader.panicked(Some(reader.position()), "index out of bounds");
        assert!(
            stuck.message.contains("the rest of this file was skipped"),
            "{}",
            stuck.message
        );
        assert!(matches!(reader.next_row(), ReadOutcome::End));
        assert_eq!(reader.stats().skipped, 2);
    }

    /// A reader over a buffer that grows between calls, as the file Exchange is writing does.
    struct Growing(std::rc::Rc<std::cell::RefCell<(Vec<u8>, usize)>>);
    impl Read for Growing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let mut s = self.0.borrow_mut();
            let (data, pos) = &mut *s;
            let n = buf.len().min(data.len() - *pos);
            buf[..n].copy_from_slice(&data[*pos..*pos + n]);
            *pos += n;
            Ok(n)
        }
    }

    #[test]
    fn follow_mode_completes_a_line_written_in_two_parts() {
        let shared = std::rc::Rc::new(std::cell::RefCell::new((format!("{HEADER}1,2,3,4,5").into_bytes(), 0)));
        let mut r = LogReader::new("RECV.LOG", Growing(shared.clone())).with_follow(true);
        assert!(matches!(r.next_row(), ReadOutcome::Pending));
        shared.borrow_mut().0.extend_from_slice(b",6,7,8,9\r\n");
        assert!(matches!(r.next_row(), ReadOutcome::Record));
        assert_eq!(r.record().get(4), "5");
        assert_eq!(r.record().get(8), "9");
        assert_eq!(r.line_number(), 6);
        assert!(matches!(r.next_row(), ReadOutcome::Pending));
    }
}
