//! The bytes of an exported CSV as rows of fields. Exports come from Windows PowerShell 5.1 (ASCII or Unicode,
//! `#TYPE` first, every field quoted), PowerShell 7 (UTF-8 without BOM) and the Exchange admin center (UTF-16 LE),
//! with `,` or a culture's `;` between fields, and quoted fields may hold line breaks (a subject, an XML Data).

/// The text of an export, whatever its encoding: a byte order mark decides; without one, NUL bytes in every
/// other position mean UTF-16; otherwise UTF-8, or Windows-1252 (5.1's `-Encoding Default`) when it is not UTF-8.
pub fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes);
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let odd_nuls = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    let even_nuls = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    if sample.len() >= 4 && odd_nuls * 2 > sample.len() / 2 {
        return utf16(bytes, u16::from_le_bytes);
    }
    if sample.len() >= 4 && even_nuls * 2 > sample.len() / 2 {
        return utf16(bytes, u16::from_be_bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// One row: its fields and the line it starts on (1-based, counting every line of the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub fields: Vec<String>,
}

/// A quoted field that never closes: the rest of the file from `line` is one broken row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnterminatedQuote {
    pub line: u64,
}

/// What the rows are: the delimiter in use and the `#TYPE` line's type name when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub delimiter: char,
    pub type_name: Option<String>,
}

/// Splits the text into rows. Blank lines are skipped; a `#TYPE` first line is taken out and reported.
pub fn split_rows(text: &str) -> (Layout, Vec<Row>, Option<UnterminatedQuote>) {
    let mut body = text;
    let mut first_line = 1u64;
    let mut type_name = None;
    // Skip blank lines before the header, and take the `#TYPE` line Windows PowerShell writes by default.
    loop {
        let end = body.find('\n').map_or(body.len(), |i| i + 1);
        let line = body[..end].trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() && end > 0 && end < body.len() {
            body = &body[end..];
            first_line += 1;
            continue;
        }
        if let Some(name) = line.strip_prefix("#TYPE") {
            type_name = Some(name.trim().to_string());
            body = &body[end..];
            first_line += 1;
            continue;
        }
        break;
    }
    let header_end = body.find('\n').unwrap_or(body.len());
    let delimiter = detect_delimiter(&body[..header_end]);
    let (rows, broken) = split_with(body, delimiter, first_line);
    (Layout { delimiter, type_name }, rows, broken)
}

/// The delimiter of a header line: the most frequent of `,`, `;` and tab outside quotes.
fn detect_delimiter(header: &str) -> char {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [',', ';', '\t'];
    let best = (0..3).max_by_key(|&i| (counts[i], usize::from(i == 0))).unwrap_or(0);
    candidates[best]
}

fn split_with(body: &str, delimiter: char, first_line: u64) -> (Vec<Row>, Option<UnterminatedQuote>) {
    let mut rows = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut line = first_line;
    let mut row_line = first_line;
    let mut quoted = false;
    let mut was_quoted = false;
    let mut row_has_text = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\r' if chars.peek() == Some(&'\n') => {}
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
                row_has_text = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                if row_has_text || !field.is_empty() || !fields.is_empty() {
                    fields.push(std::mem::take(&mut field));
                    rows.push(Row {
                        line: row_line,
                        fields: std::mem::take(&mut fields),
                    });
                }
                field.clear();
                was_quoted = false;
                row_has_text = false;
                line += 1;
                row_line = line;
            }
            c if c == delimiter => {
                fields.push(std::mem::take(&mut field));
                was_quoted = false;
                row_has_text = true;
            }
            _ => {
                field.push(c);
                row_has_text = true;
            }
        }
    }
    if quoted {
        return (rows, Some(UnterminatedQuote { line: row_line }));
    }
    if row_has_text || !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        rows.push(Row { line: row_line, fields });
    }
    (rows, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(text: &str) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        bytes
    }

    #[test]
    fn decodes_each_encoding_exports_use() {
        let text = "\"Subject\"\r\n\"Grüße\"\r\n";
        let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
        utf8_bom.extend(text.as_bytes());
        let no_bom_utf16: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let cases: [(&str, Vec<u8>); 5] = [
            ("UTF-8 without BOM (PowerShell 7)", text.as_bytes().to_vec()),
            ("UTF-8 with BOM", utf8_bom),
            ("UTF-16 LE with BOM (admin center)", utf16le(text)),
            ("UTF-16 LE without BOM", no_bom_utf16),
            (
                "Windows-1252 (5.1 -Encoding Default)",
                b"\"Subject\"\r\n\"Gr\xfc\xdfe\"\r\n".to_vec(),
            ),
        ];
        for (name, bytes) in cases {
            assert_eq!(decode(&bytes), text, "{name}");
        }
    }

    #[test]
    fn splits_quoted_semicolon_and_multiline_rows() {
        let (layout, rows, broken) = split_rows(
            "#TYPE Deserialized.Foo\r\n\"A\";\"B\"\r\n\"x;1\";\"line1\r\nline2\"\r\n\r\nplain;\"say \"\"hi\"\"\"\r\n",
        );
        assert_eq!(
            layout,
            Layout {
                delimiter: ';',
                type_name: Some("Deserialized.Foo".into())
            }
        );
        assert!(broken.is_none());
        assert_eq!(
            rows[0],
            Row {
                line: 2,
                fields: vec!["A".into(), "B".into()]
            }
        );
        assert_eq!(
            rows[1],
            Row {
                line: 3,
                fields: vec!["x;1".into(), "line1\nline2".into()]
            }
        );
        assert_eq!(
            rows[2],
            Row {
                line: 6,
                fields: vec!["plain".into(), "say \"hi\"".into()]
            }
        );
    }

    #[test]
    fn an_unterminated_quote_names_its_line() {
        let (_, rows, broken) = split_rows("A,B\n1,2\n\"3,4\n5,6\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(broken, Some(UnterminatedQuote { line: 3 }));
    }
}
