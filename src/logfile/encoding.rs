//! The text encodings a log arrives in. Exchange writes UTF-8 with a byte order mark; a log saved again by Windows
//! PowerShell 5.1 (`Out-File`, `>`, `Set-Content -Encoding Unicode`) or by Notepad as "Unicode" is UTF-16 LE with a
//! byte order mark, "Unicode big endian" UTF-16 BE. The byte order mark decides: UTF-16 is turned into UTF-8 as it
//! is read, a block at a time, so that every reader sees UTF-8 and memory stays bounded; UTF-8 (with or without its
//! mark) passes through untouched.

use std::io::{self, Read};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
}

impl TextEncoding {
    /// The encoding a file's first two bytes say.
    pub fn from_start(start: [u8; 2]) -> TextEncoding {
        match start {
            [0xFF, 0xFE] => TextEncoding::Utf16Le,
            [0xFE, 0xFF] => TextEncoding::Utf16Be,
            _ => TextEncoding::Utf8,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16 LE",
            TextEncoding::Utf16Be => "UTF-16 BE",
        }
    }

    /// How many bytes of the file `decoded` (UTF-8 handed out by [`Utf8Source`]) was read from. For UTF-16 that is
    /// two bytes for each UTF-16 unit: one per character, two for a character beyond U+FFFF (four UTF-8 bytes).
    /// Whole characters or not: a character counts at its first byte.
    pub fn source_len(self, decoded: &[u8]) -> u64 {
        match self {
            TextEncoding::Utf8 => decoded.len() as u64,
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
                let units: usize = decoded
                    .iter()
                    .map(|&b| usize::from(b & 0xC0 != 0x80) + usize::from(b >= 0xF0))
                    .sum();
                2 * units as u64
            }
        }
    }
}

/// A reader that hands out UTF-8 whatever the encoding of what it reads (see the module's text). The encoding is
/// known once two bytes have been read; until then a read gives nothing (a log being started in follow mode).
pub struct Utf8Source<R: Read> {
    inner: R,
    encoding: Option<TextEncoding>,
    /// The first bytes, read to find the encoding; handed out first for UTF-8.
    start: [u8; 2],
    start_len: usize,
    start_given: usize,
    /// UTF-16 only: bytes read but not decoded yet (an odd byte, or a unit that may begin a surrogate pair).
    raw: Vec<u8>,
    /// UTF-16 only: decoded UTF-8 not handed out yet.
    decoded: Vec<u8>,
    decoded_given: usize,
}

/// How many bytes of UTF-16 are read at a time.
const UTF16_BLOCK: usize = 64 * 1024;

impl<R: Read> Utf8Source<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            encoding: None,
            start: [0; 2],
            start_len: 0,
            start_given: 0,
            raw: Vec::new(),
            decoded: Vec::new(),
            decoded_given: 0,
        }
    }

    /// What the bytes are read from.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The encoding, reading the first bytes to find it; `None` while fewer than two bytes have been written.
    pub fn detect(&mut self) -> io::Result<Option<TextEncoding>> {
        while self.encoding.is_none() {
            let n = match self.inner.read(&mut self.start[self.start_len..]) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                return Ok(None);
            }
            self.start_len += n;
            if self.start_len == 2 {
                let encoding = TextEncoding::from_start(self.start);
                if encoding != TextEncoding::Utf8 {
                    // The mark becomes UTF-8's, which readers expect and remove from the first line.
                    self.decoded.extend_from_slice("\u{feff}".as_bytes());
                    self.start_given = 2;
                }
                self.encoding = Some(encoding);
            }
        }
        Ok(self.encoding)
    }

    /// Decodes the complete units in `raw` into `decoded`, keeping an odd byte and a high surrogate whose pair
    /// is not read yet. Units that are not a character (lone surrogates) become U+FFFD.
    fn decode_raw(&mut self, big_endian: bool) {
        let unit = |pair: &[u8]| {
            let bytes = [pair[0], pair[1]];
            if big_endian {
                u16::from_be_bytes(bytes)
            } else {
                u16::from_le_bytes(bytes)
            }
        };
        let whole = self.raw.len() / 2 * 2;
        let mut keep_from = whole;
        if whole >= 2 && (0xD800..0xDC00).contains(&unit(&self.raw[whole - 2..whole])) {
            keep_from = whole - 2;
        }
        let units = self.raw[..keep_from].chunks_exact(2).map(unit);
        let mut buffer = [0u8; 4];
        for c in char::decode_utf16(units) {
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            self.decoded.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
        }
        self.raw.drain(..keep_from);
    }
}

impl<R: Read> Read for Utf8Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(encoding) = self.detect()? else {
            return Ok(0);
        };
        if self.start_given < self.start_len {
            let n = (self.start_len - self.start_given).min(buf.len());
            buf[..n].copy_from_slice(&self.start[self.start_given..self.start_given + n]);
            self.start_given += n;
            return Ok(n);
        }
        let big_endian = match encoding {
            TextEncoding::Utf8 => return self.inner.read(buf),
            TextEncoding::Utf16Le => false,
            TextEncoding::Utf16Be => true,
        };
        while self.decoded_given == self.decoded.len() {
            self.decoded.clear();
            self.decoded_given = 0;
            let have = self.raw.len();
            self.raw.resize(have + UTF16_BLOCK, 0);
            let read = self.inner.read(&mut self.raw[have..]);
            self.raw.truncate(have + *read.as_ref().unwrap_or(&0));
            if read? == 0 {
                return Ok(0);
            }
            self.decode_raw(big_endian);
        }
        let n = (self.decoded.len() - self.decoded_given).min(buf.len());
        buf[..n].copy_from_slice(&self.decoded[self.decoded_given..self.decoded_given + n]);
        self.decoded_given += n;
        Ok(n)
    }
}

/// A whole file's bytes as UTF-8, in place: UTF-16 with its byte order mark is transcoded (the mark becomes
/// UTF-8's), anything else is left as it is.
pub fn utf8_in_place(bytes: &mut Vec<u8>) {
    if bytes.len() < 2 || TextEncoding::from_start([bytes[0], bytes[1]]) == TextEncoding::Utf8 {
        return;
    }
    let mut source = Utf8Source::new(&bytes[..]);
    let mut text = Vec::with_capacity(bytes.len());
    // Reading from memory cannot fail.
    let _ = source.read_to_end(&mut text);
    *bytes = text;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        let mut out = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for unit in text.encode_utf16() {
            out.extend_from_slice(&if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    }

    /// Hands out at most `n` bytes a read.
    struct Trickle<'a>(&'a [u8], usize);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn read_through(bytes: &[u8], trickle: usize, out_size: usize) -> (Vec<u8>, Option<TextEncoding>) {
        let mut source = Utf8Source::new(Trickle(bytes, trickle));
        let mut out = Vec::new();
        let mut buf = vec![0u8; out_size];
        loop {
            let n = source.read(&mut buf).unwrap();
            if n == 0 {
                return (out, source.encoding);
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn every_encoding_reads_as_the_same_utf8_in_pieces_of_any_size() {
        let text =
            "#Fields: date-time,data\r\n2026-05-01T06:00:00.000Z,MAIL FROM:<jürgen@cloudmonkeys.xyz> 日本 😀\r\n";
        let with_bom = format!("\u{feff}{text}");
        // (what, bytes, encoding, what a reader gets)
        let cases: Vec<(&str, Vec<u8>, TextEncoding, &str)> = vec![
            (
                "UTF-8 with BOM",
                with_bom.clone().into_bytes(),
                TextEncoding::Utf8,
                with_bom.as_str(),
            ),
            ("UTF-8 without BOM", text.as_bytes().to_vec(), TextEncoding::Utf8, text),
            (
                "UTF-16 LE (Out-File in 5.1, Notepad's Unicode)",
                utf16(text, false),
                TextEncoding::Utf16Le,
                with_bom.as_str(),
            ),
            (
                "UTF-16 BE (Notepad's Unicode big endian)",
                utf16(text, true),
                TextEncoding::Utf16Be,
                with_bom.as_str(),
            ),
        ];
        for (what, bytes, encoding, want) in &cases {
            for (trickle, out_size) in [(1, 1), (1, 4096), (3, 2), (7, 5), (1 << 20, 1 << 20)] {
                let (got, found) = read_through(bytes, trickle, out_size);
                assert_eq!(found, Some(*encoding), "{what}");
                assert_eq!(
                    String::from_utf8(got).unwrap(),
                    *want,
                    "{what} trickle {trickle} out {out_size}"
                );
            }
            // Offsets: each decoded line's source length is its length in the file.
            let decoded = read_through(bytes, 1 << 20, 1 << 20).0;
            assert_eq!(encoding.source_len(&decoded), bytes.len() as u64, "{what}");
        }
    }

    #[test]
    fn lone_surrogates_become_the_replacement_character_and_an_odd_last_byte_waits() {
        let units: [u16; 5] = [0x0041, 0xD800, 0x0042, 0xDC00, 0x000A];
        let mut bytes = vec![0xFF, 0xFE];
        for unit in units {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        bytes.push(0x43);
        let (got, _) = read_through(&bytes, 3, 64);
        assert_eq!(String::from_utf8(got.clone()).unwrap(), "\u{feff}A\u{fffd}B\u{fffd}\n");
        assert_eq!(TextEncoding::Utf16Le.source_len(&got), bytes.len() as u64 - 1);
    }

    #[test]
    fn a_file_of_fewer_than_two_bytes_gives_nothing_yet() {
        assert_eq!(read_through(b"", 1, 8), (Vec::new(), None));
        assert_eq!(read_through(b"#", 1, 8), (Vec::new(), None));
    }

    #[test]
    fn a_whole_file_in_memory_is_transcoded_in_place() {
        let mut bytes = utf16("a,b\r\n", true);
        utf8_in_place(&mut bytes);
        assert_eq!(bytes, "\u{feff}a,b\r\n".as_bytes());
        let mut plain = b"a,b\r\n".to_vec();
        utf8_in_place(&mut plain);
        assert_eq!(plain, b"a,b\r\n");
    }
}
