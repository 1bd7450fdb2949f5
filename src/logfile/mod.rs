//! The line-oriented CSV format shared by Exchange transport logs (protocol logs, message tracking, connectivity
//! logs): a `#`-header block whose `#Fields:` line is the schema, then RFC 4180 rows written by `Utf8Csv`.

mod csv;
mod name;
mod read_ahead;
mod reader;
mod time;

pub use csv::{split_csv_line, split_csv_text, CsvError, Record};
pub use name::{LogFamily, LogFileName};
pub(crate) use read_ahead::{ReadAhead, Then};
pub use reader::{
    panic_text, LineError, LineErrorKind, LogHeader, LogReader, ReadOutcome, ReaderStats, DEFAULT_MAX_LINE_BYTES,
};
pub use time::{format_utc_ms, parse_utc_ms, TimeCache};
