//! A session rebuilt from its lines: who talked to whom, what was offered, TLS, AUTH, the messages, every reply,
//! and the outcome with the line that decided it.

use std::collections::VecDeque;
use std::sync::{Arc, LazyLock};

use compact_str::CompactString;
use memchr::memmem::Finder;

use super::entry::{Direction, EventKind, LineView, Role};
use super::tls::TlsInfo;
use crate::net::{is_exchange_online_host, is_exchange_online_ip, Endpoint};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// At least one message was accepted.
    Delivered,
    /// A permanent (5xx) reply and nothing delivered.
    Rejected,
    /// A transient (4xx) reply and nothing delivered.
    TempFailed,
    /// The send side never got a connection.
    ConnectFailed,
    /// TLS negotiation or certificate validation failed.
    TlsFailed,
    /// Authentication failed.
    AuthFailed,
    /// The connection ended without QUIT and without an error reply, nothing delivered.
    Dropped,
    /// Ended normally (QUIT) without carrying a message: health probes, connector validation, EHLO-then-QUIT.
    NoMessage,
    /// No disconnect seen: the session is still open, or its end is in a log not read.
    Incomplete,
}

impl Outcome {
    pub const ALL: [Outcome; 9] = [
        Outcome::Delivered,
        Outcome::Rejected,
        Outcome::TempFailed,
        Outcome::ConnectFailed,
        Outcome::TlsFailed,
        Outcome::AuthFailed,
        Outcome::Dropped,
        Outcome::NoMessage,
        Outcome::Incomplete,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Outcome::Delivered => "Delivered",
            Outcome::Rejected => "Rejected",
            Outcome::TempFailed => "TempFailed",
            Outcome::ConnectFailed => "ConnectFailed",
            Outcome::TlsFailed => "TlsFailed",
            Outcome::AuthFailed => "AuthFailed",
            Outcome::Dropped => "Dropped",
            Outcome::NoMessage => "NoMessage",
            Outcome::Incomplete => "Incomplete",
        }
    }

    pub fn parse(name: &str) -> Option<Outcome> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.name().eq_ignore_ascii_case(name.trim()))
    }

    pub fn is_failure(self) -> bool {
        !matches!(self, Outcome::Delivered | Outcome::NoMessage | Outcome::Incomplete)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsMode {
    #[default]
    None,
    StartTls,
    AnonymousTls,
}

impl TlsMode {
    pub fn name(self) -> &'static str {
        match self {
            TlsMode::None => "None",
            TlsMode::StartTls => "STARTTLS",
            TlsMode::AnonymousTls => "X-ANONYMOUSTLS",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthResult {
    #[default]
    None,
    Succeeded,
    Failed,
}

impl AuthResult {
    pub fn name(self) -> &'static str {
        match self {
            AuthResult::None => "None",
            AuthResult::Succeeded => "Succeeded",
            AuthResult::Failed => "Failed",
        }
    }
}

/// One MAIL FROM transaction of a session.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageInfo {
    pub mail_from: CompactString,
    pub recipients: Vec<CompactString>,
    pub internet_message_id: CompactString,
    /// The `InternalId` of `250 2.6.0 <id> [InternalId=..., Hostname=...]`, or the RecordId a send log names.
    pub internal_id: CompactString,
    pub hostname: CompactString,
    pub size: Option<u64>,
    pub accepted: bool,
    /// The reply that ended the transaction (accepted or refused).
    pub response: CompactString,
}

/// Where a line is: file and 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRef {
    pub path: Arc<str>,
    pub line: u64,
}

/// A rebuilt session. Its texts are `CompactString`s: most (a server, a session id, an IPv4 address, a HELO name, a
/// reason) fit in the 24 bytes of the string itself, and a session allocates for the long ones only.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub server: CompactString,
    pub connector_id: CompactString,
    pub direction: Direction,
    pub role: Role,
    pub session_id: CompactString,
    pub start_ms: i64,
    pub end_ms: i64,
    pub local: Endpoint,
    pub remote: Endpoint,
    /// The EHLO/HELO name the client gave (the remote on receive, this server on send).
    pub helo: CompactString,
    /// The remote's own name: its EHLO on receive, its banner on send.
    pub remote_host: CompactString,
    pub banner: CompactString,
    /// SMTP extensions the server side offered in its EHLO reply. Shared: a server offers the same list in every
    /// session, and one list serves them all rather than a copy of its words each; a session whose reply lines add
    /// to it gets its own copy (`Arc::make_mut`).
    pub extensions: Arc<Vec<String>>,
    pub tls_mode: TlsMode,
    pub tls_succeeded: Option<bool>,
    pub tls: TlsInfo,
    pub auth_mechanism: CompactString,
    pub auth_user: CompactString,
    pub auth_result: AuthResult,
    pub auth_failure: CompactString,
    pub permissions: CompactString,
    pub messages: Vec<MessageInfo>,
    pub bytes: Option<u64>,
    /// Kilobytes a second from the start of DATA/BDAT to the reply, where both are logged.
    pub throughput_kbps: Option<f64>,
    pub tarpit_ms: i64,
    pub proxied_session_id: CompactString,
    pub proxy_target: CompactString,
    pub proxy_status: CompactString,
    /// Every reply code, with its enhanced code when there is one (`250`, `250 2.6.0`, `451 4.7.0`), one per
    /// line: one buffer for them all instead of a string each (see [`Session::responses`]).
    pub response_codes: String,
    pub last_error: CompactString,
    /// The command `last_error` answered (`MAIL FROM`, `STARTTLS`, ...), when known.
    pub error_command: CompactString,
    pub disconnect_reason: CompactString,
    /// The session's end (a disconnect line) is in the logs read. An outcome can be decided without it: an
    /// accepted message, a failed connection, TLS or AUTH, or an error reply that ended the exchange.
    pub ended: bool,
    pub outcome: Outcome,
    /// The line that decided the outcome and its text.
    pub outcome_line: Option<LineRef>,
    pub outcome_text: CompactString,
    pub is_exchange_online: bool,
    /// What the knowledge base says of a failed session's deciding line, best first; empty for sessions that
    /// did not fail.
    pub diagnosis: Vec<crate::diagnosis::Finding>,
    pub line_count: u32,
    /// The lines as written, joined with `\n`; `line_origins` gives each one's place.
    pub raw_lines: String,
    pub line_origins: Vec<LineOrigin>,
    /// The files the lines came from (`LineOrigin::file` indexes this).
    pub files: Vec<Arc<str>>,
}

/// Where one line of a session is, compactly: its file's index in `Session::files`, its line number and the
/// byte offset in the file where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineOrigin {
    pub file: u32,
    pub line: u64,
    pub offset: u64,
}

impl Session {
    /// Every reply code in order, with its enhanced code when there is one.
    pub fn responses(&self) -> impl Iterator<Item = &str> {
        self.response_codes.split('\n').filter(|r| !r.is_empty())
    }

    pub fn mail_from(&self) -> impl Iterator<Item = &str> {
        self.messages
            .iter()
            .map(|m| m.mail_from.as_str())
            .filter(|s| !s.is_empty())
    }

    pub fn recipients(&self) -> impl Iterator<Item = &str> {
        self.messages
            .iter()
            .flat_map(|m| m.recipients.iter().map(CompactString::as_str))
    }

    pub fn duration_ms(&self) -> i64 {
        self.end_ms - self.start_ms
    }

    /// Asks the knowledge base about a failed session's deciding line, with what the session tells of it.
    pub fn diagnose(&mut self, knowledge: &crate::diagnosis::KnowledgeBase) {
        if !self.outcome.is_failure() {
            return;
        }
        let context = crate::diagnosis::Context {
            direction: Some(self.direction.into()),
            log_type: Some(crate::diagnosis::LogKind::ProtocolLog),
            preceding: (!self.error_command.is_empty()).then(|| self.error_command.to_string()),
            connector: (!self.connector_id.is_empty()).then(|| self.connector_id.to_string()),
        };
        // A dropped session has no error text; what it shows is said in words the knowledge base knows. Exchange
        // Online leaving right after TLS is how its connector refuses the certificate it was shown (4.4.317).
        let dropped_after_tls = self.outcome == Outcome::Dropped
            && self.direction == Direction::Receive
            && self.is_exchange_online
            && self.tls_succeeded == Some(true)
            && self.messages.is_empty();
        let described;
        let text = if dropped_after_tls {
            let presented = self.tls.certificates.first().map_or("", |c| c.subject.as_str());
            described =
                format!("Exchange Online closed the connection after TLS without sending mail. Presented: {presented}");
            described.as_str()
        } else if self.outcome_text.is_empty() {
            self.disconnect_reason.as_str()
        } else {
            self.outcome_text.as_str()
        };
        self.diagnosis = knowledge.diagnose(text, &context);
    }

    /// Where the session's first line is.
    pub fn first_line(&self) -> Option<LineRef> {
        self.line_ref(0)
    }

    fn line_ref(&self, index: usize) -> Option<LineRef> {
        let origin = self.line_origins.get(index)?;
        Some(LineRef {
            path: self.files[origin.file as usize].clone(),
            line: origin.line,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Ehlo,
    StartTls,
    Auth,
    Mail,
    Rcpt,
    Data,
    Bdat { last: bool },
    Quit,
    Other,
}

impl Verb {
    /// The command as the knowledge base's rules name it (their `preceding` context).
    fn command(self) -> &'static str {
        match self {
            Verb::Ehlo => "EHLO",
            Verb::StartTls => "STARTTLS",
            Verb::Auth => "AUTH",
            Verb::Mail => "MAIL FROM",
            Verb::Rcpt => "RCPT TO",
            Verb::Data => "DATA",
            Verb::Bdat { .. } => "BDAT",
            Verb::Quit => "QUIT",
            Verb::Other => "",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Failure {
    Connect,
    Tls,
    Auth,
}

/// Builds one session from its lines, in order.
#[derive(Debug)]
pub struct SessionBuilder {
    /// Boxed from the start: a session is a kilobyte, and a builder moves (into and out of the reader's map of open
    /// sessions, out as the finished session) several times.
    session: Box<Session>,
    pending: VecDeque<Verb>,
    in_auth_exchange: bool,
    awaiting_data_reply: bool,
    data_started_ms: Option<i64>,
    bdat_bytes: u64,
    quit: bool,
    closed: bool,
    replies_from_remote: u32,
    /// Lines are named by their index in `session.line_origins`.
    failure: Option<(Failure, usize, CompactString)>,
    error_verb: Option<Verb>,
    last_error_at: Option<usize>,
    /// A command followed the last error reply: the exchange went on after it.
    command_after_error: bool,
    first_accept_at: Option<(usize, CompactString)>,
    disconnect_at: Option<usize>,
    /// The words of the last folded EHLO reply, not yet split into `session.extensions`: a session often has two
    /// (before and after STARTTLS) and only the last counts, so they are split once, when needed.
    folded_extensions: String,
    folded_pending: bool,
}

impl SessionBuilder {
    pub fn new(direction: Direction, role: Role, server: &str, first: &LineView<'_>) -> Self {
        let session = Box::new(Session {
            server: server.into(),
            connector_id: first.connector_id.into(),
            direction,
            role,
            session_id: first.session_id.into(),
            start_ms: first.time_ms,
            end_ms: first.time_ms,
            local: Endpoint::default(),
            remote: Endpoint::default(),
            helo: CompactString::default(),
            remote_host: CompactString::default(),
            banner: CompactString::default(),
            extensions: Arc::default(),
            tls_mode: TlsMode::None,
            tls_succeeded: None,
            tls: TlsInfo::default(),
            auth_mechanism: CompactString::default(),
            auth_user: CompactString::default(),
            auth_result: AuthResult::None,
            auth_failure: CompactString::default(),
            permissions: CompactString::default(),
            messages: Vec::new(),
            bytes: None,
            throughput_kbps: None,
            tarpit_ms: 0,
            proxied_session_id: CompactString::default(),
            proxy_target: CompactString::default(),
            proxy_status: CompactString::default(),
            // A code for each reply: one allocation for a typical session rather than five regrowths.
            response_codes: String::with_capacity(64),
            last_error: CompactString::default(),
            error_command: CompactString::default(),
            disconnect_reason: CompactString::default(),
            ended: false,
            outcome: Outcome::Incomplete,
            outcome_line: None,
            outcome_text: CompactString::default(),
            is_exchange_online: false,
            diagnosis: Vec::new(),
            line_count: 0,
            // Typical sessions are 20-40 lines of ~150 bytes: one allocation instead of a dozen regrowths.
            raw_lines: String::with_capacity(4096),
            line_origins: Vec::with_capacity(32),
            files: Vec::with_capacity(1),
        });
        SessionBuilder {
            session,
            pending: VecDeque::new(),
            in_auth_exchange: false,
            awaiting_data_reply: false,
            data_started_ms: None,
            bdat_bytes: 0,
            quit: false,
            closed: false,
            replies_from_remote: 0,
            failure: None,
            error_verb: None,
            last_error_at: None,
            command_after_error: false,
            first_accept_at: None,
            disconnect_at: None,
            folded_extensions: String::new(),
            folded_pending: false,
        }
    }

    pub fn start_ms(&self) -> i64 {
        self.session.start_ms
    }

    pub fn last_ms(&self) -> i64 {
        self.session.end_ms
    }

    /// Whether any line so far came from the file `path`.
    pub fn has_lines_of(&self, path: &str) -> bool {
        self.session.files.iter().any(|f| f.as_ref() == path)
    }

    /// Where the session's first line is.
    pub fn first_line(&self) -> Option<LineRef> {
        self.session.first_line()
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Adds `by` to the line numbers of the lines so far (a part of a split read counts lines from its start).
    pub(crate) fn shift_lines(&mut self, by: u64) {
        for origin in &mut self.session.line_origins {
            origin.line += by;
        }
    }

    /// The lines so far as written (joined with `\n`), where each is, and the files they are in.
    pub(crate) fn lines(&self) -> (&str, &[LineOrigin], &[Arc<str>]) {
        (&self.session.raw_lines, &self.session.line_origins, &self.session.files)
    }

    /// Adds a line. `raw` is the line as written, kept so the session's lines stay reachable; `offset` is where
    /// it starts in its file.
    pub fn push(&mut self, line: &LineView<'_>, path: &Arc<str>, line_no: u64, offset: u64, raw: &str) {
        crate::logfile::panic_if_asked(raw, "line");
        let s = &mut self.session;
        // By content too: the parts of a split read name one file with several `Arc`s.
        if !s.files.last().is_some_and(|f| Arc::ptr_eq(f, path) || f == path) {
            s.files.push(path.clone());
        }
        let at = s.line_origins.len();
        s.start_ms = s.start_ms.min(line.time_ms);
        s.end_ms = s.end_ms.max(line.time_ms);
        s.line_count += 1;
        if !s.raw_lines.is_empty() {
            s.raw_lines.push('\n');
        }
        s.raw_lines.push_str(raw);
        s.line_origins.push(LineOrigin {
            file: (s.files.len() - 1) as u32,
            line: line_no,
            offset,
        });
        if s.local.address.is_empty() && !line.local_endpoint.is_empty() {
            s.local = Endpoint::parse(line.local_endpoint);
        }
        if s.remote.address.is_empty() && !line.remote_endpoint.is_empty() {
            s.remote = Endpoint::parse(line.remote_endpoint);
        }
        let from_client = match s.direction {
            Direction::Receive => EventKind::Receive,
            Direction::Send => EventKind::Send,
        };
        match line.event {
            EventKind::Connect => {}
            EventKind::Disconnect => self.on_disconnect(line, at),
            EventKind::Information => self.on_information(line, at),
            event if event == from_client => self.on_command(line.data, line.time_ms),
            _ => self.on_reply(line.data, line.time_ms, at),
        }
    }

    fn on_command(&mut self, data: &str, time_ms: i64) {
        let s = &mut self.session;
        if self.in_auth_exchange {
            // Credentials (logged masked) are not commands; the AUTH reply is still to come.
            return;
        }
        self.command_after_error = self.last_error_at.is_some();
        let (word, rest) = split_word(data);
        // Commands are matched without upper-casing a copy: this runs on every command line.
        let is = |name: &str| word.eq_ignore_ascii_case(name);
        let verb = match () {
            _ if is("EHLO") || is("HELO") => {
                s.helo = rest.trim().into();
                if s.direction == Direction::Receive {
                    s.remote_host = s.helo.clone();
                }
                Verb::Ehlo
            }
            _ if is("STARTTLS") => {
                s.tls_mode = TlsMode::StartTls;
                Verb::StartTls
            }
            _ if is("X-ANONYMOUSTLS") => {
                s.tls_mode = TlsMode::AnonymousTls;
                Verb::StartTls
            }
            _ if is("AUTH") || is("X-EXPS") => {
                s.auth_mechanism = split_word(rest).0.into();
                Verb::Auth
            }
            _ if is("MAIL") => {
                let mut message = MessageInfo {
                    mail_from: angle_address(rest),
                    ..MessageInfo::default()
                };
                message.size = parameter(rest, "SIZE=").and_then(|v| v.parse().ok());
                s.messages.push(message);
                Verb::Mail
            }
            _ if is("RCPT") => {
                let address = angle_address(rest);
                if s.messages.is_empty() {
                    s.messages.push(MessageInfo::default());
                }
                if let Some(m) = s.messages.last_mut() {
                    m.recipients.push(address);
                }
                Verb::Rcpt
            }
            _ if is("DATA") => {
                self.data_started_ms.get_or_insert(time_ms);
                Verb::Data
            }
            _ if is("BDAT") => {
                self.data_started_ms.get_or_insert(time_ms);
                let mut args = rest.split_whitespace();
                self.bdat_bytes = self
                    .bdat_bytes
                    .saturating_add(args.next().and_then(|n| n.parse::<u64>().ok()).unwrap_or(0));
                Verb::Bdat {
                    last: args.any(|a| a.eq_ignore_ascii_case("LAST")),
                }
            }
            _ if is("QUIT") => {
                self.quit = true;
                Verb::Quit
            }
            _ => Verb::Other,
        };
        self.pending.push_back(verb);
    }

    fn on_reply(&mut self, data: &str, time_ms: i64, at: usize) {
        self.replies_from_remote += u32::from(self.session.direction == Direction::Send);
        let bytes = data.as_bytes();
        let code = (bytes.len() >= 3 && bytes[..3].iter().all(u8::is_ascii_digit)).then(|| &data[..3]);
        let Some(code) = code else { return };
        // `250-SIZE ...` continues a multi-line reply; only its last line (`250 ...`) answers the command.
        let continued = bytes.get(3) == Some(&b'-');
        let text = data[3..].trim_start_matches(['-', ' ']);
        let enhanced = enhanced_code(text);
        let s = &mut self.session;
        let verb = if continued {
            self.pending.front().copied()
        } else if self.awaiting_data_reply && code != "354" {
            self.awaiting_data_reply = false;
            Some(Verb::Data)
        } else if code == "334" {
            self.in_auth_exchange = true;
            Some(Verb::Auth)
        } else {
            self.pending.pop_front()
        };
        let verb = if self.in_auth_exchange && code != "334" {
            self.in_auth_exchange = false;
            Some(Verb::Auth)
        } else {
            verb
        };
        if !continued {
            if !s.response_codes.is_empty() {
                s.response_codes.push('\n');
            }
            s.response_codes.push_str(code);
            if let Some(e) = enhanced {
                s.response_codes.push(' ');
                s.response_codes.push_str(e);
            }
        }
        if code == "220" && s.banner.is_empty() && verb.is_none() {
            s.banner = data.into();
            if s.direction == Direction::Send {
                s.remote_host = split_word(text).0.into();
            }
            return;
        }
        if verb == Some(Verb::Ehlo) && code == "250" {
            self.read_extensions(text, continued);
        }
        let s = &mut self.session;
        match code.as_bytes()[0] {
            b'2' => self.on_success(code, text, verb, time_ms, at, data),
            b'3' if code == "354" => self.awaiting_data_reply = true,
            b'4' | b'5' => {
                s.last_error = data.into();
                self.error_verb = verb;
                self.last_error_at = Some(at);
                self.command_after_error = false;
                if let Some(m) = s.messages.last_mut() {
                    if matches!(verb, Some(Verb::Data | Verb::Bdat { .. } | Verb::Mail)) {
                        m.response = data.into();
                    }
                }
                match verb {
                    Some(Verb::Auth) => {
                        s.auth_result = AuthResult::Failed;
                        if s.auth_failure.is_empty() {
                            s.auth_failure = data.into();
                        }
                        self.failure.get_or_insert((Failure::Auth, at, data.into()));
                    }
                    Some(Verb::StartTls) => {
                        s.tls_succeeded = Some(false);
                        if s.tls.failure.is_empty() {
                            s.tls.failure = data.to_owned();
                        }
                        self.failure.get_or_insert((Failure::Tls, at, data.into()));
                    }
                    _ if enhanced == Some("4.7.5") || data.contains("Failed to establish appropriate TLS channel") => {
                        s.tls_succeeded = Some(false);
                        self.failure.get_or_insert((Failure::Tls, at, data.into()));
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn on_success(&mut self, code: &str, text: &str, verb: Option<Verb>, time_ms: i64, at: usize, data: &str) {
        let s = &mut self.session;
        let accepted = match verb {
            Some(Verb::Data) | Some(Verb::Bdat { last: true }) => true,
            _ => enhanced_code(text) == Some("2.6.0") && text.contains("Queued mail"),
        };
        if verb == Some(Verb::Auth) && code == "235" {
            s.auth_result = AuthResult::Succeeded;
        }
        if !accepted {
            return;
        }
        if s.messages.is_empty() {
            s.messages.push(MessageInfo::default());
        }
        let m = s.messages.last_mut().expect("just ensured");
        m.accepted = true;
        m.response = data.into();
        read_queued_reply(text, m);
        if m.size.is_none() && self.bdat_bytes > 0 {
            m.size = Some(self.bdat_bytes);
        }
        let size = m.size;
        self.bdat_bytes = 0;
        if let Some(size) = size {
            s.bytes = Some(s.bytes.unwrap_or(0).saturating_add(size));
            if let Some(start) = self.data_started_ms.take() {
                let ms = time_ms - start;
                if ms > 0 {
                    s.throughput_kbps = Some(size as f64 / 1024.0 / (ms as f64 / 1000.0));
                }
            }
        }
        self.data_started_ms = None;
        if self.first_accept_at.is_none() {
            self.first_accept_at = Some((at, data.into()));
        }
    }

    fn on_information(&mut self, line: &LineView<'_>, at: usize) {
        let s = &mut self.session;
        let (data, context) = (line.data.trim(), line.context.trim());
        // Exchange puts the text in data or context depending on the message; look at both.
        let text = if context.is_empty() { data } else { context };
        if context == "Set Session Permissions" {
            s.permissions = data.into();
        } else if text == "receiving message" || text.starts_with("attempting to connect") && !has(text, &PHRASES.proxy)
        {
            // Common and carrying nothing the session keeps: skip the searches below.
        } else if let Some(id) = text.strip_prefix("receiving message with InternetMessageId ") {
            current_message(s).internet_message_id = id.trim().into();
        } else if let Some(rest) = text.strip_prefix("sending message with RecordId ") {
            let (record_id, rest) = split_word(rest);
            let m = current_message(s);
            m.internal_id = record_id.into();
            if let Some(id) = rest.strip_prefix("and InternetMessageId ") {
                m.internet_message_id = id.trim().into();
            }
        } else if s.tls.read_certificate(line.data, context) || s.tls.read_domain_capabilities(text) {
        } else if s.tls.read_success(text) {
            s.tls_succeeded = Some(true);
        } else if let Some(status) = text
            .strip_prefix("Client certificate chain validation status: ")
            .or_else(|| text.strip_prefix("Chain validation status: "))
        {
            s.tls.chain_validation_status = status.trim_matches('\'').to_owned();
        } else if let Some(reason) = tls_failure(text) {
            s.tls_succeeded = Some(false);
            s.tls.failure = reason;
            self.failure.get_or_insert((Failure::Tls, at, text.into()));
        } else if let Some(reason) = auth_failure(text) {
            s.auth_result = AuthResult::Failed;
            s.auth_failure = reason.into();
            self.failure.get_or_insert((Failure::Auth, at, text.into()));
        } else if let Some(user) = text.strip_prefix("User Name: ") {
            s.auth_user = user.trim().into();
        } else if let Some(span) = tarpit(data).or_else(|| tarpit(context)) {
            s.tarpit_ms = s.tarpit_ms.saturating_add(span);
        } else if is_connect_failure(text) {
            self.failure.get_or_insert((Failure::Connect, at, text.into()));
        } else if has(text, &PHRASES.proxy) || has(text, &PHRASES.proxy_capital) {
            read_proxy(s, text);
        }
    }

    fn on_disconnect(&mut self, line: &LineView<'_>, at: usize) {
        let reason = if line.context.is_empty() {
            line.data
        } else {
            line.context
        };
        self.session.disconnect_reason = reason.trim().into();
        if is_connect_failure(reason) {
            self.failure.get_or_insert((Failure::Connect, at, reason.into()));
        }
        self.closed = true;
        self.disconnect_at = Some(at);
    }

    /// For a session whose end is not in the logs: the outcome of an error reply after which no command was
    /// sent, when that reply ends the exchange: a 5xx (permanent: the client has nothing to retry in this session)
    /// or a 421 (the server closes the channel).
    fn final_error_reply(&self) -> Option<Outcome> {
        if self.last_error_at.is_none() || self.command_after_error {
            return None;
        }
        let last_error = &self.session.last_error;
        if last_error.starts_with('5') {
            Some(Outcome::Rejected)
        } else if last_error.starts_with("421") {
            Some(Outcome::TempFailed)
        } else {
            None
        }
    }

    /// Completes the session: classifies it and tells whether the remote is Exchange Online.
    pub fn finish(mut self) -> Box<Session> {
        crate::logfile::panic_if_asked(&self.session.raw_lines, "session");
        self.split_folded_extensions();
        let final_error_reply = self.final_error_reply();
        let s = &mut self.session;
        s.is_exchange_online = s.remote.ip().is_some_and(is_exchange_online_ip)
            || is_exchange_online_host(&s.remote_host)
            || (s.direction == Direction::Receive && is_exchange_online_host(&s.helo));
        let never_connected = s.direction == Direction::Send && self.replies_from_remote == 0;
        let error_line = || self.last_error_at;
        let decisive_failure = self
            .failure
            .clone()
            .filter(|(k, _, _)| *k == Failure::Connect || !never_connected);
        let (outcome, at, text) = if let Some((at, text)) = self.first_accept_at {
            (Outcome::Delivered, Some(at), text)
        } else if let Some((kind, at, text)) = decisive_failure {
            // A failed connection, TLS negotiation or authentication ends the session whether or not its
            // disconnect is logged (a failed connection has none: `*,,Failed to connect...` is the last line).
            let outcome = match kind {
                Failure::Connect => Outcome::ConnectFailed,
                Failure::Tls => Outcome::TlsFailed,
                Failure::Auth => Outcome::AuthFailed,
            };
            (outcome, Some(at), text)
        } else if !self.closed {
            match final_error_reply {
                Some(outcome) => (outcome, error_line(), s.last_error.clone()),
                None => (
                    Outcome::Incomplete,
                    s.line_origins.len().checked_sub(1),
                    CompactString::default(),
                ),
            }
        } else if never_connected {
            (Outcome::ConnectFailed, self.disconnect_at, s.disconnect_reason.clone())
        } else if self.error_verb == Some(Verb::Auth) {
            (Outcome::AuthFailed, error_line(), s.last_error.clone())
        } else if s.last_error.starts_with('5') {
            (Outcome::Rejected, error_line(), s.last_error.clone())
        } else if s.last_error.starts_with('4') {
            (Outcome::TempFailed, error_line(), s.last_error.clone())
        } else if self.quit {
            (Outcome::NoMessage, self.disconnect_at, s.disconnect_reason.clone())
        } else {
            (Outcome::Dropped, self.disconnect_at, s.disconnect_reason.clone())
        };
        s.outcome_text = if outcome == Outcome::Incomplete {
            s.raw_lines.rsplit('\n').next().unwrap_or("").into()
        } else {
            text
        };
        s.outcome = outcome;
        s.ended = self.closed;
        s.outcome_line = at.and_then(|i| s.line_ref(i));
        s.error_command = self.error_verb.map_or("", Verb::command).into();
        self.session
    }

    /// EHLO reply: on receive logs one folded row `250  HOST Hello [ip] SIZE 37748736 PIPELINING ...`; on send logs
    /// one row per line (`250-HOST Hello [ip]`, `250-SIZE 37748736`, ..., `250 CHUNKING`).
    fn read_extensions(&mut self, text: &str, continued: bool) {
        let s = &mut self.session;
        let text = text.trim();
        let folded_rest = PHRASES.hello.find(text.as_bytes()).map(|i| {
            let after = &text[i + 7..];
            match after.find(']') {
                Some(j) => after[j + 1..].trim(),
                None => after.split_once(' ').map_or("", |(_, r)| r),
            }
        });
        if let Some(rest) = folded_rest {
            if s.direction == Direction::Send && s.remote_host.is_empty() {
                s.remote_host = split_word(text).0.into();
            }
            if !rest.is_empty() {
                // A list shared with other sessions stays theirs; this session starts a list of its own.
                match Arc::get_mut(&mut s.extensions) {
                    Some(own) => own.clear(),
                    None => s.extensions = Arc::default(),
                }
                self.folded_extensions.clear();
                self.folded_extensions.push_str(rest);
                self.folded_pending = true;
            }
            return;
        }
        if continued || s.direction == Direction::Send {
            self.split_folded_extensions();
            // Copied first when the list is shared (`Arc::make_mut`): what is added is this session's alone.
            Arc::make_mut(&mut self.session.extensions).push(text.to_owned());
        }
    }

    /// Splits the words of the last folded EHLO reply into `session.extensions`, ahead of what comes after it.
    fn split_folded_extensions(&mut self) {
        if !std::mem::take(&mut self.folded_pending) {
            return;
        }
        // A server offers the same extensions in every session: the words of the last few replies split on this
        // thread are kept, and a reply like one of them shares its list. A few, not one: a server offers one list
        // before STARTTLS and another after, and a log interleaves sessions of several connectors.
        thread_local! {
            static RECENT_SPLITS: std::cell::RefCell<VecDeque<(String, Arc<Vec<String>>)>> =
                const { std::cell::RefCell::new(VecDeque::new()) };
        }
        const KEPT: usize = 4;
        let folded = &self.folded_extensions;
        // Only into an empty list: after extensions already there, the first word may be a parameter of the last.
        let shared = if self.session.extensions.is_empty() {
            RECENT_SPLITS
                .try_with(|recent| {
                    let mut recent = recent.try_borrow_mut().ok()?;
                    match recent.iter().position(|(text, _)| text == folded) {
                        // Moved to the front, so that the lists in use stay and an old one goes.
                        Some(at) => {
                            let found = recent.remove(at)?;
                            recent.push_front(found);
                        }
                        None => {
                            let mut words = Vec::new();
                            push_extension_words(&mut words, folded);
                            recent.truncate(KEPT - 1);
                            recent.push_front((folded.clone(), Arc::new(words)));
                        }
                    }
                    recent.front().map(|(_, words)| words.clone())
                })
                .ok()
                .flatten()
        } else {
            None
        };
        match shared {
            Some(shared) => self.session.extensions = shared,
            None => push_extension_words(Arc::make_mut(&mut self.session.extensions), folded),
        }
    }
}

fn current_message(s: &mut Session) -> &mut MessageInfo {
    if s.messages.is_empty() {
        s.messages.push(MessageInfo::default());
    }
    s.messages.last_mut().expect("just ensured")
}

fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    // A byte loop: the word is a few bytes (a command, a record id), where `str::find` costs more to set up.
    match text.bytes().position(|b| b == b' ') {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    }
}

/// `FROM:<a@b> SIZE=1` → `a@b`; also `FROM: <a@b>` and `TO:a@b`.
fn angle_address(rest: &str) -> CompactString {
    let after_colon = rest.split_once(':').map_or(rest, |(_, r)| r).trim_start();
    if let Some(inner) = after_colon.strip_prefix('<') {
        return inner.split('>').next().unwrap_or("").into();
    }
    after_colon.split_whitespace().next().unwrap_or("").into()
}

/// The value of `KEY=value` among the words of `text` (`SIZE=` in `FROM:<a@b> SIZE=1234`). A word is split where
/// `key` would end only when that is a character boundary: the words come from the remote, in any script.
fn parameter<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    text.split_whitespace().find_map(|w| {
        let (name, value) = w.split_at_checked(key.len())?;
        (!value.is_empty() && name.eq_ignore_ascii_case(key)).then_some(value)
    })
}

/// `4.7.0` at the start of a reply's text: class 2, 4 or 5, then two numbers of one to three digits.
fn enhanced_code(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    if b.len() < 5 || !matches!(b[0], b'2' | b'4' | b'5') || b[1] != b'.' {
        return None;
    }
    let digits = |from: usize| b[from..].iter().take(4).take_while(|c| c.is_ascii_digit()).count();
    let subject = digits(2);
    if !(1..=3).contains(&subject) || b.get(2 + subject) != Some(&b'.') {
        return None;
    }
    let detail_at = 3 + subject;
    let detail = digits(detail_at);
    let end = detail_at + detail;
    ((1..=3).contains(&detail) && b.get(end).is_none_or(|c| c.is_ascii_whitespace())).then(|| &text[..end])
}

fn push_extension_words(out: &mut Vec<String>, words: &str) {
    // An EHLO reply is ASCII: its words are found on bytes, without decoding characters, and an extension with its
    // parameters (`SIZE 37748736`, `AUTH NTLM`) is copied from the reply at once rather than grown word by word
    // (this runs once per session and was a tenth of the time of a probe session). Other text is split on Unicode
    // whitespace, as before.
    if !words.is_ascii() {
        words.split_whitespace().for_each(|w| push_extension_word(out, w));
        return;
    }
    // The ASCII characters `char::is_whitespace` takes, U+000B included (`u8::is_ascii_whitespace` leaves it out).
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let bytes = words.as_bytes();
    // The extension being read: where it starts and ends in `words`, and whether its words are one space apart
    // (then it is that slice as it stands).
    let mut current: Option<(usize, usize, bool)> = None;
    let mut at = 0;
    while at < bytes.len() {
        let gap = at;
        while at < bytes.len() && space(bytes[at]) {
            at += 1;
        }
        let start = at;
        while at < bytes.len() && !space(bytes[at]) {
            at += 1;
        }
        if start == at {
            break;
        }
        let word = &words[start..at];
        match current.as_mut() {
            Some((_, end, single)) if !is_extension_keyword(word) => {
                *single &= start - gap == 1 && bytes[gap] == b' ';
                *end = at;
            }
            None if !is_extension_keyword(word) && !out.is_empty() => push_extension_word(out, word),
            _ => {
                if let Some(done) = current.take() {
                    out.push(extension_text(words, done));
                }
                current = Some((start, at, true));
            }
        }
    }
    if let Some(done) = current {
        out.push(extension_text(words, done));
    }
}

/// The extension at `start..end` of an EHLO reply, its words one space apart.
fn extension_text(words: &str, (start, end, single): (usize, usize, bool)) -> String {
    if single {
        return words[start..end].to_owned();
    }
    let mut text = String::with_capacity(end - start);
    for word in words[start..end].split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    text
}

/// An EHLO keyword (`SIZE`, `8BITMIME`, `X-ANONYMOUSTLS`) starts an extension; any other word (a number, an AUTH
/// mechanism) is a parameter of the one before.
fn is_extension_keyword(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_alphabetic())
        && word
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
        && !matches!(word, "GSSAPI" | "NTLM" | "LOGIN" | "PLAIN" | "CRAM-MD5" | "XOAUTH2")
}

/// Adds one word of an EHLO reply: a keyword starts an extension, any other word is a parameter of the one before.
fn push_extension_word(out: &mut Vec<String>, word: &str) {
    match out.last_mut() {
        Some(last) if !is_extension_keyword(word) => {
            last.push(' ');
            last.push_str(word);
        }
        _ => out.push(word.to_owned()),
    }
}

/// `250 2.6.0 <id> [InternalId=123, Hostname=HOST] Queued mail for delivery`.
fn read_queued_reply(text: &str, m: &mut MessageInfo) {
    if let Some(start) = text.find('<') {
        if let Some(len) = text[start..].find('>') {
            m.internet_message_id = text[start..=start + len].into();
        }
    }
    if let Some(open) = text.find('[') {
        if let Some(close) = text[open..].find(']') {
            for part in text[open + 1..open + close].split(',') {
                if let Some((key, value)) = part.split_once('=') {
                    match key.trim() {
                        "InternalId" => m.internal_id = value.trim().into(),
                        "Hostname" => m.hostname = value.trim().into(),
                        _ => {}
                    }
                }
            }
        }
    }
}

/// Phrases looked for inside information lines that none of the prefixes matched, and in EHLO replies. Built once:
/// `str::contains` and `str::find` build a searcher on every call, and these run on most such lines of every session.
struct Phrases {
    certificate_validation_failure: Finder<'static>,
    failed_to_connect: Finder<'static>,
    winsock_error: Finder<'static>,
    no_connection: Finder<'static>,
    proxy: Finder<'static>,
    proxy_capital: Finder<'static>,
    hello: Finder<'static>,
}

static PHRASES: LazyLock<Phrases> = LazyLock::new(|| Phrases {
    certificate_validation_failure: Finder::new("Certificate validation failure"),
    failed_to_connect: Finder::new("Failed to connect"),
    winsock_error: Finder::new("Winsock error code"),
    no_connection: Finder::new("No connection could be made"),
    proxy: Finder::new("proxy"),
    proxy_capital: Finder::new("Proxy"),
    hello: Finder::new(" Hello "),
});

fn has(text: &str, phrase: &Finder<'_>) -> bool {
    phrase.find(text.as_bytes()).is_some()
}

fn tls_failure(text: &str) -> Option<String> {
    if let Some(rest) = text.strip_prefix("TLS negotiation failed with error ") {
        return Some(rest.trim().to_owned());
    }
    if let Some(rest) = text.strip_prefix("Outbound TLS authentication failed") {
        return Some(
            rest.rsplit_once("with error ")
                .map_or(rest, |(_, e)| e)
                .trim()
                .to_owned(),
        );
    }
    let known_starts = [
        "Tls cipher strength is too weak",
        "Connector is configured to send mail only over TLS connections and remote doesn't support TLS",
        "Drop connection because TLS configuration requires TLS",
    ];
    (known_starts.iter().any(|k| text.starts_with(k)) || has(text, &PHRASES.certificate_validation_failure))
        .then(|| text.to_owned())
}

fn auth_failure(text: &str) -> Option<String> {
    let prefixes = [
        "Inbound AUTH LOGIN failed because of ",
        "Inbound authentication failed because of ",
        "Inbound Negotiate failed because of ",
    ];
    if let Some(reason) = prefixes.iter().find_map(|p| text.strip_prefix(p)) {
        return Some(reason.trim().to_owned());
    }
    let outbound = [
        "Outbound Authentication failed with ",
        "Outbound Exchange Authentication failed with ",
    ];
    outbound
        .iter()
        .find_map(|p| text.strip_prefix(p))
        .map(|r| r.trim().to_owned())
}

/// `Tarpit for '0.00:00:05'` (TimeSpan `d.hh:mm:ss`), optionally `due to '...'`; milliseconds.
fn tarpit(text: &str) -> Option<i64> {
    let rest = text.trim().strip_prefix("Tarpit for '")?;
    let span = &rest[..rest.find('\'')?];
    let (days, clock) = span
        .split_once('.')
        .filter(|(d, _)| !d.contains(':'))
        .unwrap_or(("0", span));
    let mut parts = clock.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    let seconds: f64 = sec.parse().ok()?;
    // Parts of u32 cannot overflow i64 however large the remote's text makes them.
    let part = |text: &str| text.parse::<u32>().ok().map(i64::from);
    let total = part(days)? * 86_400 + part(h)? * 3600 + part(m)? * 60;
    Some((total * 1000).saturating_add((seconds * 1000.0) as i64))
}

fn is_connect_failure(text: &str) -> bool {
    let p = &*PHRASES;
    has(text, &p.failed_to_connect) || has(text, &p.winsock_error) || has(text, &p.no_connection)
}

fn read_proxy(s: &mut Session, text: &str) {
    if text.starts_with("Proxy session was successfully set up")
        || text.starts_with("Proxy session successfully set up")
        || text.starts_with("Setting up")
        || text.starts_with("No destinations could be obtained")
        || text.starts_with("Proxying inbound session")
        || text.contains("Proxied session id")
        || text.starts_with("EHLO options between current server and proxy target do not match")
    {
        s.proxy_status = text.into();
    }
    let mut hex_ids = text
        .split(|c: char| !c.is_ascii_hexdigit())
        .filter(|w| w.len() == 16 && *w != s.session_id);
    if let Some(id) = hex_ids.next_back() {
        s.proxied_session_id = id.into();
    }
    if let Some(rest) = text
        .split_once(" to ")
        .map(|(_, r)| r)
        .filter(|_| text.contains("proxy") && text.contains(" to "))
    {
        let target = rest
            .split_whitespace()
            .next()
            .unwrap_or("")
            .trim_end_matches(['.', ',']);
        if target.contains(['.', ':']) {
            s.proxy_target = target.into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_small_pieces() {
        assert_eq!(
            angle_address("FROM:<raghu@cloudmonkeys.xyz> SIZE=1234"),
            "raghu@cloudmonkeys.xyz"
        );
        assert_eq!(
            angle_address("TO: <ramki@cloudfield.onmicrosoft.com>"),
            "ramki@cloudfield.onmicrosoft.com"
        );
        assert_eq!(angle_address("FROM:<>"), "");
        assert_eq!(parameter("FROM:<a@b> SIZE=1234 BODY=8BITMIME", "SIZE="), Some("1234"));
        assert_eq!(enhanced_code("4.7.0 Temporary server error"), Some("4.7.0"));
        assert_eq!(enhanced_code("CMHYBD01 Hello"), None);
        assert_eq!(tarpit("Tarpit for '0.00:00:05'"), Some(5000));
        assert_eq!(tarpit("Tarpit for '00:00:02.5' due to 'DelayedAck'"), Some(2500));
        assert_eq!(tarpit("Tarpit for '1.00:00:00'"), Some(86_400_000));
        assert_eq!(tarpit("Tarpit"), None);
        let mut m = MessageInfo::default();
        read_queued_reply("2.6.0 <a1b2@cmhybd01.cloudmonkeys.xyz> [InternalId=73014444033, Hostname=CMHYBD01.cloudmonkeys.xyz] Queued mail for delivery", &mut m);
        assert_eq!(m.internet_message_id, "<a1b2@cmhybd01.cloudmonkeys.xyz>");
        assert_eq!(m.internal_id, "73014444033");
        assert_eq!(m.hostname, "CMHYBD01.cloudmonkeys.xyz");
    }

    fn build(direction: Direction, lines: &[(EventKind, &'static str)]) -> Box<Session> {
        let path: Arc<str> = Arc::from("RECV2026050100-1.LOG");
        let view = |i: usize, event: EventKind, data: &'static str| LineView {
            time_ms: 1_000 + i as i64,
            connector_id: r"CMHYBD01\Default Frontend CMHYBD01",
            session_id: "08DF235C00000001",
            sequence: Some(i as u32),
            local_endpoint: "192.168.1.13:25",
            remote_endpoint: "192.168.1.20:50000",
            event,
            data,
            context: "",
        };
        let mut builder = SessionBuilder::new(direction, Role::FrontEnd, "CMHYBD01", &view(0, lines[0].0, lines[0].1));
        for (i, &(event, data)) in lines.iter().enumerate() {
            builder.push(&view(i, event, data), &path, i as u64 + 1, 0, data);
        }
        builder.finish()
    }

    #[test]
    fn sessions_offered_the_same_extensions_share_one_list_and_a_list_added_to_is_its_own() {
        let receive = [
            (EventKind::Connect, ""),
            (EventKind::Receive, "EHLO CMEDGE01.cloudmonkeys.xyz"),
            (
                EventKind::Send,
                "250  CMHYBD01.cloudmonkeys.xyz Hello [192.168.1.20] SIZE 37748736 PIPELINING AUTH NTLM",
            ),
            (EventKind::Disconnect, ""),
        ];
        let (first, second) = (build(Direction::Receive, &receive), build(Direction::Receive, &receive));
        assert_eq!(*first.extensions, ["SIZE 37748736", "PIPELINING", "AUTH NTLM"]);
        assert!(Arc::ptr_eq(&first.extensions, &second.extensions));
        // A send log's reply lines after a folded one add to the list: that session gets a list of its own, and the
        // shared one is left as it was.
        let send = [
            (EventKind::Connect, ""),
            (EventKind::Send, "EHLO CMHYBD01.cloudmonkeys.xyz"),
            (
                EventKind::Receive,
                "250-CMEDGE01.cloudmonkeys.xyz Hello [192.168.1.13] SIZE 37748736 PIPELINING AUTH NTLM",
            ),
            (EventKind::Receive, "250 CHUNKING"),
            (EventKind::Disconnect, ""),
        ];
        let third = build(Direction::Send, &send);
        assert_eq!(
            *third.extensions,
            ["SIZE 37748736", "PIPELINING", "AUTH NTLM", "CHUNKING"]
        );
        assert_eq!(*first.extensions, ["SIZE 37748736", "PIPELINING", "AUTH NTLM"]);
        // Sessions offered two lists in turn (before and after STARTTLS, or two connectors) share both.
        let other = receive.map(|(event, data)| {
            (
                event,
                if data.contains("Hello") {
                    "250  CMHYBD01 Hello [192.168.1.21] SIZE 36700160 AUTH GSSAPI NTLM"
                } else {
                    data
                },
            )
        });
        let sessions: Vec<_> = (0..4)
            .map(|i| build(Direction::Receive, if i % 2 == 0 { &receive } else { &other }))
            .collect();
        assert_eq!(*sessions[1].extensions, ["SIZE 36700160", "AUTH GSSAPI NTLM"]);
        assert!(Arc::ptr_eq(&sessions[0].extensions, &sessions[2].extensions));
        assert!(Arc::ptr_eq(&sessions[1].extensions, &sessions[3].extensions));
        assert!(Arc::ptr_eq(&first.extensions, &sessions[0].extensions));
    }

    #[test]
    fn folded_ehlo_reply_gives_extensions_with_their_parameters() {
        let mut words = Vec::new();
        push_extension_words(&mut words, "SIZE 37748736 PIPELINING DSN ENHANCEDSTATUSCODES STARTTLS X-ANONYMOUSTLS AUTH NTLM X-EXPS GSSAPI NTLM 8BITMIME BINARYMIME CHUNKING XRDST");
        assert_eq!(
            words,
            [
                "SIZE 37748736",
                "PIPELINING",
                "DSN",
                "ENHANCEDSTATUSCODES",
                "STARTTLS",
                "X-ANONYMOUSTLS",
                "AUTH NTLM",
                "X-EXPS GSSAPI NTLM",
                "8BITMIME",
                "BINARYMIME",
                "CHUNKING",
                "XRDST"
            ]
        );
        // Words apart by several spaces or tabs, a parameter before any keyword, a non-ASCII reply: the same words
        // as splitting on Unicode whitespace and joining an extension's words with one space.
        let cases: &[(&[&str], &str, &[&str])] = &[
            (
                &[],
                "  SIZE\t 1024  AUTH\x0BNTLM  LOGIN 8BITMIME ",
                &["SIZE 1024", "AUTH NTLM LOGIN", "8BITMIME"],
            ),
            (&[], "37748736 SIZE", &["37748736", "SIZE"]),
            (&["AUTH"], "NTLM  PIPELINING", &["AUTH NTLM", "PIPELINING"]),
            (&[], "SIZE\u{a0}1024 AUTH NTLM", &["SIZE 1024", "AUTH NTLM"]),
            (&["DSN"], " \t ", &["DSN"]),
        ];
        for (before, reply, want) in cases {
            let mut words: Vec<String> = before.iter().map(|w| (*w).to_owned()).collect();
            push_extension_words(&mut words, reply);
            assert_eq!(words, *want, "{reply:?}");
        }
    }
}
