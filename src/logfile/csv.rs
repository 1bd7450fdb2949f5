//! One row of an Exchange log, split by the rules of `Utf8Csv`: fields separated by `,`, a field quoted only
//! when it holds `,` or `"`, embedded quotes doubled. Splitting a comma inside quotes is the classic bug of
//! `-split ','` scripts; this never does it.

use std::fmt;

/// The fields of one row, stored back to back in one reused buffer (no allocation per field or per row).
#[derive(Debug, Default, Clone)]
pub struct Record {
    text: String,
    spans: Vec<(usize, usize)>,
}

impl Record {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Field `i`, or `""` past the end (a short row reads as empty fields, which the caller has already counted).
    pub fn get(&self, i: usize) -> &str {
        self.spans.get(i).map_or("", |&(start, end)| &self.text[start..end])
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(move |i| self.get(i))
    }

    fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
    }

    /// Takes a line as the record's text without a copy: its fields are the text between commas, a quoted field
    /// the text between its quotes. Returns the previous text, whose buffer the caller reuses; or the line itself
    /// when a quoted field holds a doubled quote (`""`, unescaped into a copy) or the quoting is broken, for
    /// [`split_csv_text`] to copy or report. One pass finds the commas and the quotes. Protocol logs quote one row in
    /// seven to fifteen (TLS, banner, certificate lines; the benchmark mixes) and double a quote in almost none.
    pub(crate) fn set_line(&mut self, line: String) -> Result<String, String> {
        self.spans.clear();
        let bytes = line.as_bytes();
        let mut start = 0;
        // The opening quote of the field being read, and whether the last field ended with its closing quote.
        let mut open_quote: Option<usize> = None;
        let mut after_quote = false;
        let needs_copy = for_each_separator(bytes, |at| {
            let comma = bytes[at] == b',';
            if let Some(open) = open_quote {
                if comma {
                    return true;
                }
                // The closing quote, when a comma or the end follows; a quote after it is a doubled quote.
                if !matches!(bytes.get(at + 1), None | Some(b',')) {
                    return false;
                }
                self.spans.push((open + 1, at));
                open_quote = None;
                after_quote = true;
            } else if comma {
                if !std::mem::take(&mut after_quote) {
                    self.spans.push((start, at));
                }
                start = at + 1;
            } else if at == start {
                open_quote = Some(at);
            }
            // A quote inside an unquoted field is text, as `split_csv_text` reads it.
            true
        });
        if needs_copy || open_quote.is_some() {
            self.spans.clear();
            return Err(line);
        }
        if !after_quote {
            self.spans.push((start, line.len()));
        }
        Ok(std::mem::replace(&mut self.text, line))
    }

    /// Adds empty fields up to `len` fields.
    pub(crate) fn pad_to(&mut self, len: usize) {
        let end = self.text.len();
        while self.spans.len() < len {
            self.spans.push((end, end));
        }
    }

    /// The whole text of a record set by [`Self::set_line`], which is the line as written.
    pub(crate) fn line_as_written(&self) -> &str {
        &self.text
    }
}

/// Calls `found` with the place of each comma or quote of `bytes`, in order, until it returns false; true when it
/// did. Fields of a row are a few to a few hundred bytes apart. On x86-64 memchr's SSE2 searcher is taken directly:
/// 16 bytes a step, with little to start each search (its `memchr2_iter` picks AVX2, whose start costs more than the
/// few bytes between fields gain; on a 10 MB file of the frontend-8 mix it took the split of a row from 4 to 2.8
/// instructions a byte, callgrind). Elsewhere a mask per block of 32 bytes from a plain loop the compiler
/// vectorizes.
#[cfg(target_arch = "x86_64")]
fn for_each_separator(bytes: &[u8], mut found: impl FnMut(usize) -> bool) -> bool {
    static SEPARATORS: std::sync::LazyLock<memchr::arch::x86_64::sse2::memchr::Two> = std::sync::LazyLock::new(|| {
        memchr::arch::x86_64::sse2::memchr::Two::new(b',', b'"').expect("SSE2 is part of every x86-64 processor")
    });
    SEPARATORS.iter(bytes).any(|at| !found(at))
}

#[cfg(not(target_arch = "x86_64"))]
fn for_each_separator(bytes: &[u8], found: impl FnMut(usize) -> bool) -> bool {
    for_each_separator_in_blocks(bytes, found)
}

/// [`for_each_separator`] on any processor: a mask per block of 32 bytes, one step per separator. Compiled everywhere
/// so that the tests compare it with the SSE2 searcher on x86-64 too.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn for_each_separator_in_blocks(bytes: &[u8], mut found: impl FnMut(usize) -> bool) -> bool {
    let mut base = 0;
    let mut blocks = bytes.chunks_exact(BLOCK);
    for block in &mut blocks {
        let mut mask = separators(block.try_into().expect("a block"));
        while mask != 0 {
            if !found(base + mask.trailing_zeros() as usize) {
                return true;
            }
            mask &= mask - 1;
        }
        base += BLOCK;
    }
    for (i, &b) in blocks.remainder().iter().enumerate() {
        if (b == b',' || b == b'"') && !found(base + i) {
            return true;
        }
    }
    false
}

/// The bytes [`for_each_separator_in_blocks`] looks at in one step.
const BLOCK: usize = 32;

/// A bit for each byte of `block` that is a comma or a quote. Written as a plain loop over a fixed-size block, which
/// the compiler turns into vector compares: SIMD without `unsafe` here.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn separators(block: &[u8; BLOCK]) -> u32 {
    let mut mask = 0u32;
    for (i, &b) in block.iter().enumerate() {
        mask |= u32::from((b == b',') | (b == b'"')) << i;
    }
    mask
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvError {
    /// A quoted field has no closing quote before the end of the line.
    UnterminatedQuote { column: usize },
    /// A closing quote is followed by something other than `,` or the end of the line.
    TextAfterQuote { column: usize },
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CsvError::UnterminatedQuote { column } => {
                write!(f, "quoted field starting at column {column} is never closed")
            }
            CsvError::TextAfterQuote { column } => write!(f, "text after the closing quote at column {column}"),
        }
    }
}

/// Appends `fields` to `line` as one row the way Exchange's `Utf8Csv` writes it (without the line break): a field is
/// quoted, its quotes doubled, only when it holds `,` or `"`.
pub fn write_csv_row<S: AsRef<str>>(line: &mut String, fields: impl IntoIterator<Item = S>) {
    for (i, field) in fields.into_iter().enumerate() {
        let value = field.as_ref();
        if i > 0 {
            line.push(',');
        }
        if value.contains([',', '"']) {
            line.push('"');
            line.push_str(&value.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(value);
        }
    }
}

/// Splits `line` (without its line break) into `record`. Invalid UTF-8 is replaced, not rejected: a log line
/// with one bad byte is still worth reading.
pub fn split_csv_line(line: &[u8], record: &mut Record) -> Result<(), CsvError> {
    record.clear();
    match std::str::from_utf8(line) {
        Ok(text) => split_csv_text(text, record),
        Err(_) => split_csv_text(&String::from_utf8_lossy(line), record),
    }
}

/// [`split_csv_line`] of a line already known to be text.
pub fn split_csv_text(line: &str, record: &mut Record) -> Result<(), CsvError> {
    record.clear();
    let bytes = line.as_bytes();
    if memchr::memchr(b'"', bytes).is_none() {
        // The common case: no quoting anywhere, so the fields are the text between commas.
        record.text.push_str(line);
        let mut start = 0;
        for comma in memchr::memchr_iter(b',', bytes) {
            record.spans.push((start, comma));
            start = comma + 1;
        }
        record.spans.push((start, bytes.len()));
        return Ok(());
    }
    let mut pos = 0;
    loop {
        if bytes.get(pos) == Some(&b'"') {
            let column = pos + 1;
            let start = record.text.len();
            pos += 1;
            loop {
                match memchr::memchr(b'"', &bytes[pos..]) {
                    None => return Err(CsvError::UnterminatedQuote { column }),
                    Some(q) => {
                        record.text.push_str(&line[pos..pos + q]);
                        pos += q + 1;
                        if bytes.get(pos) == Some(&b'"') {
                            record.text.push('"');
                            pos += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            record.spans.push((start, record.text.len()));
            match bytes.get(pos) {
                None => return Ok(()),
                Some(b',') => pos += 1,
                Some(_) => return Err(CsvError::TextAfterQuote { column: pos + 1 }),
            }
        } else {
            let end = memchr::memchr(b',', &bytes[pos..]).map_or(bytes.len(), |c| pos + c);
            let start = record.text.len();
            record.text.push_str(&line[pos..end]);
            record.spans.push((start, record.text.len()));
            if end == bytes.len() {
                return Ok(());
            }
            pos = end + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> Result<Vec<String>, CsvError> {
        let mut r = Record::new();
        split_csv_line(line.as_bytes(), &mut r)?;
        Ok(r.iter().map(str::to_owned).collect())
    }

    #[test]
    fn splits_like_utf8csv_writes() {
        let cases: &[(&str, &[&str])] = &[
            ("a,b,c", &["a", "b", "c"]),
            ("a,,", &["a", "", ""]),
            ("", &[""]),
            (",", &["", ""]),
            (r#"x,"250 a, b",y"#, &["x", "250 a, b", "y"]),
            (r#""say ""hi""",z"#, &[r#"say "hi""#, "z"]),
            (r#"a,"""",b"#, &["a", "\"", "b"]),
            (r#"a,"""#, &["a", ""]),
            (r"a,line1\r\nline2,b", &["a", r"line1\r\nline2", "b"]),
            ("a,mid\"quote,b", &["a", "mid\"quote", "b"]),
            (
                "Внутренний соединитель,组织内 SMTP 发送连接器",
                &["Внутренний соединитель", "组织内 SMTP 发送连接器"],
            ),
        ];
        for (line, want) in cases {
            assert_eq!(split(line).unwrap(), *want, "{line}");
        }
    }

    #[test]
    fn lines_split_in_place_give_the_fields_the_copying_split_gives() {
        // Commas and quotes at every position of lines up to 116 bytes (seven steps of 16 bytes, three blocks of 32,
        // and a tail), next to bytes one above or below them and to non-ASCII text. A line taken in place has the
        // fields of the copying split; a line handed back has a doubled quote or broken quoting.
        let alphabet = [",", "\"", "+", "-", "!", "#", "a", "é", "\u{ac}"];
        let mut seed = 19u64;
        let (mut in_place, mut quoted_in_place, mut handed_back) = (0, 0, 0);
        for len in 0..116 {
            for _ in 0..50 {
                let mut line = String::new();
                for _ in 0..len {
                    seed = seed
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    let at = (seed >> 33) as usize;
                    // Fewer quotes than other bytes, so that well-quoted lines come up too.
                    let pick = if at % 4 == 0 {
                        at / 4
                    } else {
                        at % 2 * 2 + 2 + at / 4 % 6
                    };
                    line.push_str(alphabet[pick % alphabet.len()]);
                }
                let mut record = Record::new();
                let copied = split(&line);
                match record.set_line(line.clone()) {
                    Ok(_) => {
                        let fields: Vec<&str> = record.iter().collect();
                        assert_eq!(
                            Ok(fields),
                            copied.as_ref().map(|f| f.iter().map(String::as_str).collect()),
                            "{line:?}"
                        );
                        assert_eq!(record.line_as_written(), line);
                        in_place += 1;
                        quoted_in_place += usize::from(line.contains('"'));
                    }
                    Err(back) => {
                        assert_eq!(back, line);
                        assert!(copied.is_err() || line.contains("\"\""), "{line:?}");
                        handed_back += 1;
                    }
                }
            }
        }
        assert!(
            in_place > 1000 && quoted_in_place > 500 && handed_back > 500,
            "{in_place} {quoted_in_place} {handed_back}"
        );
        // The lines Exchange writes, quoted or not, are taken in place.
        for (line, want) in [
            (r#"x,"250 a, b",y"#, &["x", "250 a, b", "y"][..]),
            (r#"a,"""#, &["a", ""]),
            (r#""a,b","c""#, &["a,b", "c"]),
            ("a,mid\"quote,b", &["a", "mid\"quote", "b"]),
        ] {
            let mut record = Record::new();
            assert!(record.set_line(line.to_owned()).is_ok(), "{line}");
            assert_eq!(record.iter().collect::<Vec<_>>(), want, "{line}");
        }
        for line in [r#""say ""hi""",z"#, r#"a,"open"#, r#"a,"x"y,b"#] {
            assert_eq!(Record::new().set_line(line.to_owned()), Err(line.to_owned()), "{line}");
        }
    }

    #[test]
    fn both_separator_finders_find_every_comma_and_quote_in_order() {
        // The searcher used here and the block loop other processors use, against the bytes one by one.
        let mut seed = 7u64;
        for len in 0..3 * BLOCK + 20 {
            for _ in 0..50 {
                let line: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1_442_695_040_888_963_407);
                        let alphabet = b",\"+-!#a\xc3\xa9";
                        alphabet[(seed >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                let want: Vec<usize> = (0..len).filter(|&i| matches!(line[i], b',' | b'"')).collect();
                for in_blocks in [false, true] {
                    let mut got = Vec::new();
                    let push = |at| {
                        got.push(at);
                        true
                    };
                    let stopped = if in_blocks {
                        for_each_separator_in_blocks(&line, push)
                    } else {
                        for_each_separator(&line, push)
                    };
                    assert!(!stopped);
                    assert_eq!(got, want, "{line:?}, in blocks: {in_blocks}");
                }
                // Stopped where the callback says, as a line with a doubled quote is handed to the copying split.
                if let Some(quote) = line.iter().position(|&b| b == b'"') {
                    for in_blocks in [false, true] {
                        let mut seen = Vec::new();
                        let stop_at_quote = |at: usize| {
                            seen.push(at);
                            line[at] != b'"'
                        };
                        let stopped = if in_blocks {
                            for_each_separator_in_blocks(&line, stop_at_quote)
                        } else {
                            for_each_separator(&line, stop_at_quote)
                        };
                        assert!(stopped);
                        assert_eq!(seen.last(), Some(&quote), "in blocks: {in_blocks}");
                    }
                }
            }
        }
    }

    #[test]
    fn reports_broken_quoting() {
        assert_eq!(split(r#"a,"open"#), Err(CsvError::UnterminatedQuote { column: 3 }));
        assert_eq!(split(r#"a,"x"y,b"#), Err(CsvError::TextAfterQuote { column: 6 }));
    }

    #[test]
    fn invalid_utf8_is_replaced() {
        let mut r = Record::new();
        split_csv_line(b"a,\xff\xfe,b", &mut r).unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r.get(1), "\u{fffd}\u{fffd}");
        assert_eq!(r.get(7), "");
    }
}
