//! Protocol logs through the C ABI: a reader handle configured with paths and filters, then read in batches of
//! lines or sessions.

use std::path::PathBuf;
use std::ptr;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Mutex};

use super::batch::*;
use super::diagnosis::{finding_views, hmf_finding};
use super::error::{guard, FfiError};
use super::reader::{
    hmf_read_mode, hmf_stats, read_ahead, BatchSource, KindSetup, HMF_READ_ENTRIES, HMF_READ_SESSIONS,
};
use super::types::{hmf_status, hmf_str};
use super::values::{hmf_address_class, hmf_auth_result, hmf_outcome, hmf_role, hmf_tls_mode};
use super::Handle;
use super::{arg_bytes, out_ptr};
use crate::logfile::{catch_quietly, Batch, Item, LineError};
use crate::net::{classify, Cidr, Endpoint};
use crate::pattern::Pattern;
use crate::protocol::{
    LogEntry, Outcome, ParallelReader, ProtocolFilter, ProtocolItem, ProtocolReader, ProtocolRow, ProtocolStats,
    ReadMode, Session,
};

/// Protocol-log filter kinds (`hmf_reader_add_filter`). Several values of one kind match any of them.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_protocol_filter {
    /// A session id (16 hex digits), exact.
    HMF_FILTER_SESSION_ID = 1,
    /// An address or CIDR range the remote endpoint must be in.
    HMF_FILTER_REMOTE_ADDRESS = 2,
    /// A connector id: `*`/`?` wildcards, or without them any part of the name.
    HMF_FILTER_CONNECTOR = 3,
    /// An outcome name (Delivered, Rejected, TempFailed, ConnectFailed, TlsFailed, AuthFailed, Dropped, NoMessage,
    /// Incomplete).
    HMF_FILTER_OUTCOME = 4,
    /// A MAIL FROM address: exact (case-insensitive) or with wildcards.
    HMF_FILTER_SENDER = 5,
    /// An RCPT TO address: exact (case-insensitive) or with wildcards.
    HMF_FILTER_RECIPIENT = 6,
}

pub use hmf_protocol_filter::*;
abi_input!(hmf_protocol_filter {
    HMF_FILTER_SESSION_ID,
    HMF_FILTER_REMOTE_ADDRESS,
    HMF_FILTER_CONNECTOR,
    HMF_FILTER_OUTCOME,
    HMF_FILTER_SENDER,
    HMF_FILTER_RECIPIENT
});

/// Values of the enumerations in records. Append-only.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_direction {
    HMF_DIRECTION_RECEIVE = 0,
    HMF_DIRECTION_SEND = 1,
}

pub use hmf_direction::*;
abi_input!(hmf_direction {
    HMF_DIRECTION_RECEIVE,
    HMF_DIRECTION_SEND
});

/// One protocol-log line.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_protocol_entry {
    pub path: hmf_str,
    pub line: u64,
    pub time_ms: i64,
    pub server: hmf_str,
    pub connector_id: hmf_str,
    pub session_id: hmf_str,
    /// INT64_MIN when the line has none.
    pub sequence: i64,
    pub local_endpoint: hmf_str,
    pub remote_endpoint: hmf_str,
    pub local_address: hmf_str,
    /// -1 when the endpoint has no port.
    pub local_port: i32,
    pub remote_address: hmf_str,
    pub remote_port: i32,
    /// The event as written: '+', '-', '>', '<' or '*'.
    pub event: u32,
    /// HMF_DIRECTION_RECEIVE or HMF_DIRECTION_SEND.
    pub direction: hmf_direction,
    pub role: hmf_role,
    pub data: hmf_str,
    pub context: hmf_str,
    /// For a line that reports a failure: the knowledge base's findings, best first. None for other lines.
    pub findings: *const hmf_finding,
    pub finding_count: usize,
}

/// A TLS certificate a session logged.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_certificate {
    /// "Sending certificate", "Received certificate" or "Remote certificate".
    pub kind: hmf_str,
    pub subject: hmf_str,
    pub issuer: hmf_str,
    pub serial_number: hmf_str,
    pub thumbprint: hmf_str,
    /// Milliseconds since the Unix epoch; INT64_MIN when not logged.
    pub not_before_ms: i64,
    pub not_after_ms: i64,
    pub subject_alternative_names: hmf_str_list,
}

/// One MAIL FROM transaction of a session.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_message {
    pub mail_from: hmf_str,
    pub recipients: hmf_str_list,
    pub internet_message_id: hmf_str,
    pub internal_id: hmf_str,
    pub hostname: hmf_str,
    /// INT64_MIN when not logged.
    pub size: i64,
    /// 1 when the message was accepted.
    pub accepted: u32,
    pub response: hmf_str,
}

/// A session rebuilt from its lines.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_session {
    pub server: hmf_str,
    pub connector_id: hmf_str,
    pub session_id: hmf_str,
    pub direction: hmf_direction,
    pub role: hmf_role,
    pub start_ms: i64,
    pub end_ms: i64,
    pub local_address: hmf_str,
    pub local_port: i32,
    pub remote_address: hmf_str,
    pub remote_port: i32,
    pub remote_address_class: hmf_address_class,
    pub is_exchange_online: u32,
    pub helo: hmf_str,
    pub remote_host: hmf_str,
    pub banner: hmf_str,
    pub extensions: hmf_str_list,
    pub tls_mode: hmf_tls_mode,
    /// -1 unknown (no TLS logged), 0 failed, 1 succeeded.
    pub tls_succeeded: i32,
    pub tls_protocol: hmf_str,
    pub tls_cipher: hmf_str,
    /// -1 when not logged.
    pub tls_cipher_strength: i32,
    pub tls_mac: hmf_str,
    pub tls_key_exchange: hmf_str,
    pub tls_key_exchange_strength: i32,
    pub tls_failure: hmf_str,
    pub certificates: *const hmf_certificate,
    pub certificate_count: usize,
    pub chain_validation_status: hmf_str,
    pub tls_domain_capabilities: hmf_str,
    pub tls_domain_capabilities_status: hmf_str,
    pub tls_domain_capabilities_domain: hmf_str,
    pub auth_mechanism: hmf_str,
    pub auth_user: hmf_str,
    pub auth_result: hmf_auth_result,
    pub auth_failure: hmf_str,
    pub permissions: hmf_str,
    pub messages: *const hmf_message,
    pub message_count: usize,
    /// INT64_MIN when not logged.
    pub bytes: i64,
    /// Negative when not measurable.
    pub throughput_kbps: f64,
    pub tarpit_ms: i64,
    pub proxied_session_id: hmf_str,
    pub proxy_target: hmf_str,
    pub proxy_status: hmf_str,
    pub responses: hmf_str_list,
    pub last_error: hmf_str,
    pub disconnect_reason: hmf_str,
    pub outcome: hmf_outcome,
    pub outcome_path: hmf_str,
    /// 0 when no line decided it.
    pub outcome_line: u64,
    pub outcome_text: hmf_str,
    /// The command the last error answered (MAIL FROM, STARTTLS, ...), when known.
    pub error_command: hmf_str,
    /// For a failed session: the knowledge base's findings on its deciding line, best first.
    pub findings: *const hmf_finding,
    pub finding_count: usize,
    pub line_count: u32,
    /// The session's lines as written, joined with '\n'.
    pub raw_lines: hmf_str,
    /// For each line (line_count of them): the index of its file in `line_files`, and its 1-based line number.
    pub line_file_indexes: *const u32,
    pub line_numbers: *const u64,
    pub line_files: hmf_str_list,
    /// For each line: the byte offset in its file where it starts, so that a caller can read the lines again
    /// from the files instead of copying `raw_lines` (ABI 4).
    pub line_offsets: *const u64,
    /// 1 when the session's end (its disconnect line) is in the logs read; 0 when it was never seen, whatever the
    /// outcome (ABI 5).
    pub ended: u32,
}

/// What a protocol-log reader is configured with before it starts.
struct ProtocolSetup {
    mode: ReadMode,
    filter: ProtocolFilter,
    tail: Option<usize>,
    follow: bool,
}

pub(super) fn setup(mode: hmf_read_mode) -> Box<dyn KindSetup> {
    Box::new(ProtocolSetup {
        mode: match mode {
            HMF_READ_ENTRIES => ReadMode::Entries,
            HMF_READ_SESSIONS => ReadMode::Sessions,
        },
        filter: ProtocolFilter::default(),
        tail: None,
        follow: false,
    })
}

impl KindSetup for ProtocolSetup {
    fn set_time_range(&mut self, start_ms: Option<i64>, end_ms: Option<i64>) {
        self.filter.start_ms = start_ms;
        self.filter.end_ms = end_ms;
    }

    fn add_filter(&mut self, kind: u32, value: &str) -> Result<(), FfiError> {
        let invalid = |what: String| FfiError::new(hmf_status::HMF_INVALID_ARGUMENT, what);
        let filter = &mut self.filter;
        match hmf_protocol_filter::from_abi(kind) {
            Some(HMF_FILTER_SESSION_ID) => filter.session_ids.push(value.trim().to_owned()),
            Some(HMF_FILTER_REMOTE_ADDRESS) => filter.remote_addresses.push(Cidr::parse(value).ok_or_else(|| {
                invalid(format!(
                    "'{value}' is not an IP address or CIDR range (e.g. 40.92.0.0/15)"
                ))
            })?),
            Some(HMF_FILTER_CONNECTOR) => filter.connectors.push(Pattern::substring_or_wildcard(value)),
            Some(HMF_FILTER_OUTCOME) => filter.outcomes.push(Outcome::parse(value).ok_or_else(|| {
                let names: Vec<&str> = Outcome::ALL.iter().map(|o| o.name()).collect();
                invalid(format!("'{value}' is not an outcome; use one of {}", names.join(", ")))
            })?),
            Some(HMF_FILTER_SENDER) => filter.senders.push(Pattern::exact_or_wildcard(value)),
            Some(HMF_FILTER_RECIPIENT) => filter.recipients.push(Pattern::exact_or_wildcard(value)),
            None => return Err(invalid(format!("unknown filter kind {kind}"))),
        }
        Ok(())
    }

    fn set_tail(&mut self, count: usize) -> Result<(), FfiError> {
        self.tail = Some(count);
        Ok(())
    }

    fn set_follow(&mut self, follow: bool) -> Result<(), FfiError> {
        self.follow = follow;
        Ok(())
    }

    fn start(self: Box<Self>, paths: Vec<PathBuf>, default_server: String, max: usize) -> Box<dyn BatchSource> {
        let mut reader = ProtocolReader::new(self.mode, self.filter, paths)
            .follow(self.follow)
            .default_server(&default_server);
        if let Some(n) = self.tail {
            reader = reader.tail(n);
        }
        // One reading thread per core: each waits once two of its batches are waiting, so when the caller (turning
        // batches into .NET objects) is the slower, the readers idle rather than take its core. On two cores, two
        // readers beat one reading everything (100 MB: median 0.30-0.44 s against 0.37-0.52 s).
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let mut readers = reader.into_stream_readers(cores);
        if readers.len() == 1 {
            Box::new(read_ahead(readers.remove(0), max, build))
        } else {
            Box::new(Parallel::start(readers, max))
        }
    }
}

/// Reading threads over groups of streams, merged on the caller's thread; the batches the caller frees are freed by
/// whichever of them next reads a batch (the caller's thread, turning batches into objects, is the busiest).
struct Parallel {
    reader: ParallelReader,
    max: usize,
    reclaim: SyncSender<Freed>,
}

impl Parallel {
    fn start(readers: Vec<ProtocolReader>, max: usize) -> Parallel {
        let (reclaim, reclaimed) = sync_channel::<Freed>(8);
        let reclaimed = Mutex::new(reclaimed);
        let chore = move || {
            if let Ok(reclaimed) = reclaimed.try_lock() {
                drop_freed(&reclaimed);
            }
        };
        Parallel {
            reader: ParallelReader::start_with(readers, Arc::new(chore)),
            max,
            reclaim,
        }
    }
}

impl BatchSource for Parallel {
    fn next_batch(&mut self) -> Box<hmf_batch> {
        let mut built = build(self.reader.next_batch(self.max));
        built.reclaim = Some(self.reclaim.clone());
        Box::new(built)
    }

    fn stats(&self) -> hmf_stats {
        self.reader.stats().into()
    }
}

impl From<ProtocolStats> for hmf_stats {
    fn from(s: ProtocolStats) -> hmf_stats {
        hmf_stats {
            files: s.files,
            files_skipped_by_time: s.files_skipped_by_time,
            bytes: s.bytes,
            lines: s.lines,
            skipped_lines: s.skipped_lines,
            truncated_lines: s.truncated_lines,
            rows: s.entries,
            sessions: s.sessions,
            ..hmf_stats::default()
        }
    }
}

/// What the views of a protocol batch point into, besides its arena.
struct ProtocolRecords {
    entries: Vec<LogEntry>,
    // Boxed: the views hold pointers into each session, which must not move when the vector grows.
    #[allow(clippy::vec_box)]
    sessions: Vec<Box<Session>>,
    entry_views: Vec<hmf_protocol_entry>,
    session_views: Vec<hmf_session>,
    certificates: Vec<Box<[hmf_certificate]>>,
    messages: Vec<Box<[hmf_message]>>,
    findings: Vec<Box<[hmf_finding]>>,
}

fn build(mut batch: Batch<ProtocolReader>) -> hmf_batch {
    build_batch(std::mem::take(&mut batch.items), batch.end.into())
}

/// Reads the lines of a session (its `raw_lines`, joined with '\n') as entries. Path and line numbers are
/// left empty: the session's `line_files`/`line_numbers` tell them.
///
/// # Safety
/// `text` points to `len` readable bytes (NULL only when `len` is 0); `out` is NULL or points to a writable `*mut
/// hmf_batch`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or
/// handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_protocol_parse_lines(
    text: *const u8,
    len: usize,
    direction: u32,
    out: *mut *mut hmf_batch,
) -> hmf_status {
    guard(|| {
        let text = arg_bytes(text, len, "text")?;
        let out = out_ptr(out, "out")?;
        let direction = match hmf_direction::from_abi(direction) {
            Some(HMF_DIRECTION_RECEIVE) => crate::protocol::Direction::Receive,
            Some(HMF_DIRECTION_SEND) => crate::protocol::Direction::Send,
            None => {
                return Err(FfiError::new(
                    hmf_status::HMF_INVALID_ARGUMENT,
                    format!("unknown direction {direction}"),
                ))
            }
        };
        let items = crate::protocol::parse_raw_lines(&String::from_utf8_lossy(text), direction)
            .into_iter()
            .map(|r| match r {
                Ok(entry) => Item::Row(ProtocolRow::Entry(entry)),
                Err(e) => Item::Error(e),
            })
            .collect();
        build_batch(items, HMF_BATCH_END).hand_out(out);
        Ok(())
    })
}

fn build_batch(items: Vec<ProtocolItem>, state: hmf_batch_state) -> hmf_batch {
    let count = |f: fn(&ProtocolItem) -> bool| items.iter().filter(|i| f(i)).count();
    let n_entries = count(|i| matches!(i, Item::Row(ProtocolRow::Entry(_))));
    let n_sessions = count(|i| matches!(i, Item::Row(ProtocolRow::Session(_))));
    let (n_errors, n_files) = notice_counts(&items);
    // Room for an error in place of every entry and session too: one whose view panics is reported instead.
    let mut b = hmf_batch::with_capacity(items.len(), n_errors + n_entries + n_sessions, n_files, state);
    // Exact capacities: the views below point into these vectors, which must therefore never reallocate.
    let mut r = Box::new(ProtocolRecords {
        entries: Vec::with_capacity(n_entries),
        sessions: Vec::with_capacity(n_sessions),
        entry_views: Vec::with_capacity(n_entries),
        session_views: Vec::with_capacity(n_sessions),
        certificates: Vec::new(),
        messages: Vec::new(),
        findings: Vec::new(),
    });
    for item in items {
        match item {
            // A panic while an item's view is made costs that item, with an error naming its file and line, not
            // the batch; the views made before stay valid, nothing is pushed for the lost one.
            Item::Row(ProtocolRow::Entry(entry)) => {
                r.entries.push(entry);
                let entry = r.entries.last().expect("pushed");
                match catch_quietly(|| entry_view(&mut b.arena, &mut r.findings, entry)) {
                    Ok(view) => {
                        r.entry_views.push(view);
                        b.items.push(hmf_item {
                            entry: r.entry_views.last().expect("pushed"),
                            ..hmf_item::empty(HMF_ITEM_ENTRY)
                        });
                    }
                    Err(panic) => b.push_error(LineError::line_lost(entry.path.clone(), entry.line, &panic).into()),
                }
            }
            Item::Row(ProtocolRow::Session(session)) => {
                r.sessions.push(session);
                let r = &mut *r;
                let session = &**r.sessions.last().expect("pushed");
                let made = catch_quietly(|| {
                    session_view(
                        &mut b.arena,
                        &mut r.certificates,
                        &mut r.messages,
                        &mut r.findings,
                        session,
                    )
                });
                match made {
                    Ok(view) => {
                        r.session_views.push(view);
                        b.items.push(hmf_item {
                            session: r.session_views.last().expect("pushed"),
                            ..hmf_item::empty(HMF_ITEM_SESSION)
                        });
                    }
                    Err(panic) => {
                        let (path, line) = session.first_line().map_or((Arc::from(""), 0), |at| (at.path, at.line));
                        b.push_error(LineError::session_lost(path, line, &panic).into());
                    }
                }
            }
            notice => b.push_notice(&notice),
        }
    }
    b.records = r;
    b
}

fn port(p: Option<u16>) -> i32 {
    p.map_or(-1, i32::from)
}

fn direction_code(d: crate::protocol::Direction) -> hmf_direction {
    match d {
        crate::protocol::Direction::Receive => HMF_DIRECTION_RECEIVE,
        crate::protocol::Direction::Send => HMF_DIRECTION_SEND,
    }
}

/// Keeps the finding views in `store` and returns their pointer and count.
fn store_findings(
    arena: &mut Arena,
    store: &mut Vec<Box<[hmf_finding]>>,
    findings: &[crate::diagnosis::Finding],
) -> (*const hmf_finding, usize) {
    if findings.is_empty() {
        return (ptr::null(), 0);
    }
    let views = finding_views(arena, findings);
    let view = (views.as_ptr(), views.len());
    store.push(views);
    view
}

fn entry_view(arena: &mut Arena, findings: &mut Vec<Box<[hmf_finding]>>, e: &LogEntry) -> hmf_protocol_entry {
    crate::logfile::panic_if_asked(&e.data, "view");
    let local = Endpoint::parse(&e.local_endpoint);
    let remote = Endpoint::parse(&e.remote_endpoint);
    let (finding_ptr, finding_count) = store_findings(arena, findings, &e.diagnosis);
    hmf_protocol_entry {
        path: hmf_str::borrow(&e.path),
        line: e.line,
        time_ms: e.time_ms,
        server: hmf_str::borrow(&e.server),
        connector_id: hmf_str::borrow(&e.connector_id),
        session_id: hmf_str::borrow(&e.session_id),
        sequence: e.sequence.map_or(i64::MIN, i64::from),
        local_endpoint: hmf_str::borrow(&e.local_endpoint),
        remote_endpoint: hmf_str::borrow(&e.remote_endpoint),
        local_address: arena.str(local.address),
        local_port: port(local.port),
        remote_address: arena.str(remote.address),
        remote_port: port(remote.port),
        event: e.event.symbol() as u32,
        direction: direction_code(e.direction),
        role: e.role.into(),
        data: hmf_str::borrow(&e.data),
        context: hmf_str::borrow(&e.context),
        findings: finding_ptr,
        finding_count,
    }
}

fn strs(arena: &mut Arena, items: &[impl AsRef<str>]) -> hmf_str_list {
    arena.list(items.iter().map(|s| hmf_str::borrow(s.as_ref())).collect())
}

fn session_view(
    arena: &mut Arena,
    certificates: &mut Vec<Box<[hmf_certificate]>>,
    messages: &mut Vec<Box<[hmf_message]>>,
    findings: &mut Vec<Box<[hmf_finding]>>,
    s: &Session,
) -> hmf_session {
    crate::logfile::panic_if_asked(&s.raw_lines, "view");
    let (finding_ptr, finding_count) = store_findings(arena, findings, &s.diagnosis);
    let certs: Box<[hmf_certificate]> = s
        .tls
        .certificates
        .iter()
        .map(|c| hmf_certificate {
            kind: hmf_str::borrow(&c.kind),
            subject: hmf_str::borrow(&c.subject),
            issuer: hmf_str::borrow(&c.issuer),
            serial_number: hmf_str::borrow(&c.serial_number),
            thumbprint: hmf_str::borrow(&c.thumbprint),
            not_before_ms: c.not_before_ms.unwrap_or(i64::MIN),
            not_after_ms: c.not_after_ms.unwrap_or(i64::MIN),
            subject_alternative_names: strs(arena, &c.subject_alternative_names),
        })
        .collect();
    let msgs: Box<[hmf_message]> = s
        .messages
        .iter()
        .map(|m| hmf_message {
            mail_from: hmf_str::borrow(&m.mail_from),
            recipients: strs(arena, &m.recipients),
            internet_message_id: hmf_str::borrow(&m.internet_message_id),
            internal_id: hmf_str::borrow(&m.internal_id),
            hostname: hmf_str::borrow(&m.hostname),
            size: m.size.map_or(i64::MIN, |v| i64::try_from(v).unwrap_or(i64::MAX)),
            accepted: u32::from(m.accepted),
            response: hmf_str::borrow(&m.response),
        })
        .collect();
    let (certificate_ptr, certificate_count) =
        (if certs.is_empty() { ptr::null() } else { certs.as_ptr() }, certs.len());
    let (message_ptr, message_count) = (if msgs.is_empty() { ptr::null() } else { msgs.as_ptr() }, msgs.len());
    certificates.push(certs);
    messages.push(msgs);
    let tls = &s.tls;
    hmf_session {
        server: hmf_str::borrow(&s.server),
        connector_id: hmf_str::borrow(&s.connector_id),
        session_id: hmf_str::borrow(&s.session_id),
        direction: direction_code(s.direction),
        role: s.role.into(),
        start_ms: s.start_ms,
        end_ms: s.end_ms,
        local_address: hmf_str::borrow(&s.local.address),
        local_port: port(s.local.port),
        remote_address: hmf_str::borrow(&s.remote.address),
        remote_port: port(s.remote.port),
        remote_address_class: classify(&s.remote.address).into(),
        is_exchange_online: u32::from(s.is_exchange_online),
        helo: hmf_str::borrow(&s.helo),
        remote_host: hmf_str::borrow(&s.remote_host),
        banner: hmf_str::borrow(&s.banner),
        extensions: strs(arena, s.extensions.as_slice()),
        tls_mode: s.tls_mode.into(),
        tls_succeeded: s.tls_succeeded.map_or(-1, i32::from),
        tls_protocol: hmf_str::borrow(&tls.protocol),
        tls_cipher: hmf_str::borrow(&tls.cipher),
        tls_cipher_strength: tls.cipher_strength.map_or(-1, |v| i32::try_from(v).unwrap_or(i32::MAX)),
        tls_mac: hmf_str::borrow(&tls.mac),
        tls_key_exchange: hmf_str::borrow(&tls.key_exchange),
        tls_key_exchange_strength: tls
            .key_exchange_strength
            .map_or(-1, |v| i32::try_from(v).unwrap_or(i32::MAX)),
        tls_failure: hmf_str::borrow(&tls.failure),
        certificates: certificate_ptr,
        certificate_count,
        chain_validation_status: hmf_str::borrow(&tls.chain_validation_status),
        tls_domain_capabilities: hmf_str::borrow(&tls.domain_capabilities),
        tls_domain_capabilities_status: hmf_str::borrow(&tls.domain_capabilities_status),
        tls_domain_capabilities_domain: hmf_str::borrow(&tls.domain_capabilities_domain),
        auth_mechanism: hmf_str::borrow(&s.auth_mechanism),
        auth_user: hmf_str::borrow(&s.auth_user),
        auth_result: s.auth_result.into(),
        auth_failure: hmf_str::borrow(&s.auth_failure),
        permissions: hmf_str::borrow(&s.permissions),
        messages: message_ptr,
        message_count,
        bytes: s.bytes.map_or(i64::MIN, |v| i64::try_from(v).unwrap_or(i64::MAX)),
        throughput_kbps: s.throughput_kbps.unwrap_or(-1.0),
        tarpit_ms: s.tarpit_ms,
        proxied_session_id: hmf_str::borrow(&s.proxied_session_id),
        proxy_target: hmf_str::borrow(&s.proxy_target),
        proxy_status: hmf_str::borrow(&s.proxy_status),
        responses: arena.list(s.responses().map(hmf_str::borrow).collect()),
        last_error: hmf_str::borrow(&s.last_error),
        disconnect_reason: hmf_str::borrow(&s.disconnect_reason),
        outcome: s.outcome.into(),
        outcome_path: s
            .outcome_line
            .as_ref()
            .map_or(hmf_str::EMPTY, |l| hmf_str::borrow(&l.path)),
        outcome_line: s.outcome_line.as_ref().map_or(0, |l| l.line),
        outcome_text: hmf_str::borrow(&s.outcome_text),
        error_command: hmf_str::borrow(&s.error_command),
        findings: finding_ptr,
        finding_count,
        line_count: s.line_count,
        raw_lines: hmf_str::borrow(&s.raw_lines),
        line_file_indexes: arena.indexes(s.line_origins.iter().map(|o| o.file).collect()),
        line_numbers: arena.numbers(s.line_origins.iter().map(|o| o.line).collect()),
        line_offsets: arena.numbers(s.line_origins.iter().map(|o| o.offset).collect()),
        line_files: arena.list(s.files.iter().map(|f| hmf_str::borrow(f)).collect()),
        ended: u32::from(s.ended),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three sessions (line 6 on, five lines each); the second's EHLO line holds `b_helo`.
    fn three_sessions(b_helo: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("RECV2026050106-1.LOG");
        let mut text = "#Software: Microsoft Exchange Server\r\n#Version: 15.2.1544.4\r\n#Log-type: SMTP Receive Protocol Log\r\n#Date: 2026-05-01T06:00:00.000Z\r\n#Fields: date-time,connector-id,session-id,sequence-number,local-endpoint,remote-endpoint,event,data,context\r\n".to_owned();
        for (n, helo) in [
            (1, "EHLO CMEDGE01.cloudmonkeys.xyz"),
            (2, b_helo),
            (3, "EHLO CMEDGE01.cloudmonkeys.xyz"),
        ] {
            for (seq, event, data) in [
                (0, "+", ""),
                (1, "<", helo),
                (2, "<", "MAIL FROM:<app@cloudmonkeys.xyz>"),
                (3, ">", "550 5.7.1 Unable to relay"),
                (4, "-", ""),
            ] {
                text.push_str(&format!(
                    "2026-05-01T06:00:0{n}.00{seq}Z,CMHYBD01\\Default Frontend CMHYBD01,08DEA74796A6E2C{n},{seq},192.168.1.13:25,192.168.1.20:5000{n},{event},{data},\r\n"
                ));
            }
        }
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn batch_of(mode: ReadMode, path: &std::path::Path) -> hmf_batch {
        let mut reader = ProtocolReader::new(mode, ProtocolFilter::default(), vec![path.to_path_buf()]);
        let mut items = Vec::new();
        while let crate::logfile::Step::Item(item) = reader.next() {
            items.push(item);
        }
        build_batch(items, HMF_BATCH_END)
    }

    /// The errors of a batch as (path, line, message).
    fn errors(batch: &hmf_batch) -> Vec<(String, u64, String)> {
        let text = |s: hmf_str| String::from_utf8(unsafe { s.as_bytes() }.unwrap_or_default().to_vec()).unwrap();
        batch
            .items
            .iter()
            .filter(|i| i.kind == HMF_ITEM_ERROR)
            .map(|i| unsafe { &*i.error })
            .map(|e| (text(e.path), e.line, text(e.message)))
            .collect()
    }

    #[test]
    fn a_panic_making_a_session_view_costs_that_session_and_names_its_first_line() {
        let (_dir, path) = three_sessions("EHLO <hmf-panic:view>");
        let batch = batch_of(ReadMode::Sessions, &path);
        let ids: Vec<String> = batch
            .items
            .iter()
            .filter(|i| i.kind == HMF_ITEM_SESSION)
            .map(|i| String::from_utf8(unsafe { (*i.session).session_id.as_bytes() }.unwrap().to_vec()).unwrap())
            .collect();
        assert_eq!(ids, ["08DEA74796A6E2C1", "08DEA74796A6E2C3"]);
        let errors = errors(&batch);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].0.as_str(), errors[0].1), (path.to_str().unwrap(), 11));
        assert!(
            errors[0].2.contains("the session starting on this line was skipped"),
            "{}",
            errors[0].2
        );
    }

    #[test]
    fn a_panic_making_an_entry_view_costs_that_line_and_names_it() {
        let (_dir, path) = three_sessions("EHLO <hmf-panic:view>");
        let batch = batch_of(ReadMode::Entries, &path);
        let entries = batch.items.iter().filter(|i| i.kind == HMF_ITEM_ENTRY).count();
        assert_eq!(entries, 14);
        let errors = errors(&batch);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].0.as_str(), errors[0].1), (path.to_str().unwrap(), 12));
        assert!(errors[0].2.contains("this line was skipped"), "{}", errors[0].2);
    }
}
