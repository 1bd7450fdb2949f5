//! A followed file (`-Wait`) is read as it grows, but it can also be cut short, rewritten or replaced while it is
//! followed: an admin empties it, a test or a copy job writes it again, a log is deleted and made anew. Reading on
//! at the old offset would then show nothing, or start in the middle of a line. [`WatchedFile`] keeps what tells
//! the file it was opened from apart from what is at its path now.
//!
//! A file is known again by its identity: on Unix its device and inode, on Windows its volume serial number and
//! file index (`ffi::os::file_identity`; the creation time is no identity: Windows keeps it for a file deleted and
//! made again under the same name within 15 seconds, "file tunneling", and wine moves it as the file is written).
//! Where no identity is known, a replacement is seen by the checks that follow: a size below what was read, or
//! different bytes just before where reading stopped.
//!
//! On Windows a file deleted while it is open stays at its path, unopenable, until every handle to it is closed
//! (older Windows, Server 2016 among them, and wine; newer Windows frees the name at once): holding it would keep the name
//! from being used again. The reader lets go of such a file and takes what is later made at its path for a new one.

use std::fs::File;
use std::io::{self, ErrorKind, Read, Seek, SeekFrom};
use std::path::Path;

use crate::ffi::os::file_identity;

/// How many of the last bytes read are kept to compare with the file's bytes at the same place: several lines, so
/// that a rewrite whose last line read ends as the old one did (the same reply to another session) is still seen.
/// A rewrite that leaves these bytes as they were is taken for the file growing.
const KEPT: usize = 1024;

/// How a followed file changed under the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    /// The file is shorter than what was read of it.
    Truncated,
    /// The same file holds other bytes where reading stopped.
    Rewritten,
    /// Another file is at the path now (deleted and made again, or renamed over).
    Replaced,
}

impl FileChange {
    pub fn as_str(self) -> &'static str {
        match self {
            FileChange::Truncated => "truncated",
            FileChange::Rewritten => "rewritten",
            FileChange::Replaced => "replaced by a new file",
        }
    }
}

/// A file being read, with its identity and the last bytes read from it.
pub struct WatchedFile {
    /// `None` once let go of because it is being deleted (see the module's notes); reading it then gives no bytes.
    file: Option<File>,
    /// Bytes left to read when only part of the file is read ([`WatchedFile::open_range`]).
    left: Option<u64>,
    identity: Option<(u64, u64)>,
    read: u64,
    last: [u8; KEPT],
    last_len: usize,
}

impl WatchedFile {
    pub fn open(path: &Path) -> io::Result<WatchedFile> {
        let file = File::open(path)?;
        let identity = file_identity(&file);
        Ok(WatchedFile {
            file: Some(file),
            left: None,
            identity,
            read: 0,
            last: [0; KEPT],
            last_len: 0,
        })
    }

    /// The bytes `start..end` of the file at `path` only: a part of a file read on a thread of its own.
    pub fn open_range(path: &Path, start: u64, end: u64) -> io::Result<WatchedFile> {
        let mut watched = WatchedFile::open(path)?;
        if let Some(file) = watched.file.as_mut() {
            file.seek(SeekFrom::Start(start))?;
        }
        watched.read = start;
        watched.left = Some(end.saturating_sub(start));
        Ok(watched)
    }

    /// How the file at `path` differs from the one being read, as far as it was read. Meant for when reading has
    /// reached the end of the data: `read` is then where the reader is. A path with no file is no change (yet):
    /// a deleted log is followed again once a new one is there.
    pub fn change(&mut self, path: &Path) -> Option<FileChange> {
        let mut there = match File::open(path) {
            Ok(there) => there,
            Err(e) if e.kind() == ErrorKind::NotFound => return None,
            Err(_) => {
                // On Windows, a path that is there but cannot be opened is a deletion waiting for our handle.
                if cfg!(windows) {
                    self.file = None;
                }
                return None;
            }
        };
        if self.file.is_none() {
            return Some(FileChange::Replaced);
        }
        if self.identity.is_some() && file_identity(&there) != self.identity {
            return Some(FileChange::Replaced);
        }
        if there.metadata().ok()?.len() < self.read {
            return Some(FileChange::Truncated);
        }
        let mut bytes = [0u8; KEPT];
        let bytes = &mut bytes[..self.last_len];
        there.seek(SeekFrom::Start(self.read - self.last_len as u64)).ok()?;
        there.read_exact(bytes).ok()?;
        (*bytes != self.last[..self.last_len]).then_some(FileChange::Rewritten)
    }
}

impl Read for WatchedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(file) = self.file.as_mut() else {
            return Ok(0);
        };
        let buf = match self.left {
            Some(left) => {
                let room = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                &mut buf[..room]
            }
            None => buf,
        };
        let n = file.read(buf)?;
        if let Some(left) = self.left.as_mut() {
            *left -= n as u64;
        }
        self.read += n as u64;
        let new = &buf[..n];
        if new.len() >= KEPT {
            self.last.copy_from_slice(&new[new.len() - KEPT..]);
            self.last_len = KEPT;
        } else {
            let keep = (KEPT - new.len()).min(self.last_len);
            self.last.copy_within(self.last_len - keep..self.last_len, 0);
            self.last[keep..keep + new.len()].copy_from_slice(new);
            self.last_len = keep + new.len();
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(file: &mut WatchedFile) {
        let mut buf = [0u8; 7];
        while file.read(&mut buf).unwrap() > 0 {}
    }

    /// Writes `bytes` into the file at `at` (its end when `None`), keeping the file.
    fn write_into(path: &Path, at: Option<u64>, bytes: &[u8]) {
        let mut file = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        file.seek(at.map_or(SeekFrom::End(0), SeekFrom::Start)).unwrap();
        file.write_all(bytes).unwrap();
    }

    #[test]
    fn a_file_that_only_grew_has_not_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("RECV2026050106-1.LOG");
        std::fs::write(&path, "first line\r\n".repeat(20)).unwrap();
        let mut file = WatchedFile::open(&path).unwrap();
        read_all(&mut file);
        assert_eq!(file.change(&path), None);
        write_into(&path, None, b"more\r\n");
        assert_eq!(file.change(&path), None);
    }

    #[test]
    fn truncated_rewritten_and_replaced_files_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("RECV2026050106-1.LOG");
        let content = "2026-05-01T06:00:00.000Z,a,b\r\n".repeat(4);
        std::fs::write(&path, &content).unwrap();
        let mut file = WatchedFile::open(&path).unwrap();
        read_all(&mut file);
        assert_eq!(file.read, content.len() as u64);

        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(10)
            .unwrap();
        assert_eq!(file.change(&path), Some(FileChange::Truncated));

        write_into(&path, Some(0), "2026-05-01T07:00:00.000Z,c,d\r\n".repeat(6).as_bytes());
        assert_eq!(file.change(&path), Some(FileChange::Rewritten));

        std::fs::remove_file(&path).unwrap();
        assert_eq!(file.change(&path), None, "no file at the path yet");
        std::fs::write(&path, &content).unwrap();
        assert_eq!(file.change(&path), Some(FileChange::Replaced));
    }
}
