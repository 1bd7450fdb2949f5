//! The line-oriented CSV format shared by Exchange transport logs (protocol logs, message tracking, connectivity
//! logs): a `#`-header block whose `#Fields:` line is the schema, then RFC 4180 rows written by `Utf8Csv`.

mod csv;
mod encoding;
mod item;
mod name;
mod panics;
mod read_ahead;
mod reader;
mod time;
mod watched;

pub use csv::{split_csv_line, split_csv_text, write_csv_row, CsvError, Record};
pub use encoding::{utf8_in_place, TextEncoding, Utf8Source};
pub use item::{BatchEnd, FileSkip, Item, KindReader, Step};
pub use name::{LogFamily, LogFileName};
pub use panics::catch_quietly;
pub(crate) use panics::panic_if_asked;
pub use read_ahead::{Batch, Prefetcher};
pub use reader::{LineError, LineErrorKind, LogHeader, LogReader, ReadOutcome, ReaderStats, DEFAULT_MAX_LINE_BYTES};
pub use time::{format_utc_ms, parse_utc_ms, TimeCache};
pub use watched::{FileChange, WatchedFile};
