//! The log lines a trace is built from, file by file. A server sends them, rather than its own timelines, so
//! that the computer that asked traces the lines of all its servers together: one timeline per message across
//! the organization, as if it had read every server's folders itself.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use super::collect::{collect, ScanStats};
use super::{TimelineIssue, TimelineQuery, TimelineSources};

/// Which reader the lines are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    Tracking,
    Protocol,
}

/// Lines of one log file: its header (the `#` lines that name its fields) and the lines the trace uses, each with
/// its line number in the file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFile {
    pub kind: EvidenceKind,
    pub path: String,
    pub header: Vec<String>,
    pub lines: Vec<(u64, String)>,
}

/// What tracing the query reads of the sources: the tracking lines that hold a traced id and every line of the
/// sessions the trace found (so the sessions are rebuilt whole from them). Written under their file names and
/// folders, they give the same timelines as the files themselves.
pub fn collect_evidence(
    query: &TimelineQuery,
    sources: TimelineSources,
) -> (Vec<EvidenceFile>, Vec<TimelineIssue>, ScanStats) {
    let mut found = collect(query, sources);
    let mut files: Vec<EvidenceFile> = Vec::new();
    for (path, lines) in std::mem::take(&mut found.tracking_lines) {
        files.push(EvidenceFile {
            kind: EvidenceKind::Tracking,
            path: path.to_string_lossy().into_owned(),
            header: Vec::new(),
            lines,
        });
    }
    // Sessions share files: each file's lines once, in file order.
    let mut protocol: BTreeMap<String, BTreeMap<u64, String>> = BTreeMap::new();
    for session in found.sessions.iter().chain(&found.sessions_by_time) {
        for (raw, origin) in session.raw_lines.split('\n').zip(&session.line_origins) {
            if let Some(file) = session.files.get(origin.file as usize) {
                protocol
                    .entry(file.to_string())
                    .or_default()
                    .insert(origin.line, raw.to_owned());
            }
        }
    }
    for (path, lines) in protocol {
        files.push(EvidenceFile {
            kind: EvidenceKind::Protocol,
            path,
            header: Vec::new(),
            lines: lines.into_iter().collect(),
        });
    }
    for file in &mut files {
        match read_header(Path::new(&file.path)) {
            Ok(header) => file.header = header,
            Err(e) => found.issues.push(TimelineIssue {
                path: file.path.clone(),
                line: 0,
                message: format!("cannot be read: {e}"),
            }),
        }
    }
    files.retain(|f| !f.header.is_empty());
    (files, found.issues, found.stats)
}

/// The `#` lines a log file starts with (`#Software`, `#Fields`, ...), as the readers see them.
fn read_header(path: &Path) -> std::io::Result<Vec<String>> {
    const MOST: u64 = 64 * 1024;
    let mut buffer = Vec::new();
    std::fs::File::open(path)?.take(MOST).read_to_end(&mut buffer)?;
    crate::logfile::utf8_in_place(&mut buffer);
    let text = String::from_utf8_lossy(&buffer);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Ok(text
        .split(['\n', '\r'])
        .filter(|l| !l.is_empty())
        .take_while(|l| l.starts_with('#'))
        .map(str::to_owned)
        .collect())
}
