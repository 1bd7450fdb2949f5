//! The structured shapes an Exchange error arrives in, peeled from the outside in:
//! - a queue/tracking LastError `[{LED=...};{MSG=...};{FQDN=...};{IP=...};{LRT=...}]` (2013 puts LRT first);
//! - an Exchange Online trace Detail `Reason: [{LED=...}]. OutboundProxyTargetIP: ... OutboundProxyTargetHostName: ...`
//!   whose LED holds `... [Message=...] [LastAttemptedServerName=...] [LastAttemptedIP=ip:port]`;
//! - failover and proxy wrappers (`Proxy session setup failed on Frontend with '...'`, `Primary target IP address
//!   responded with: "..."`, `Error encountered while communicating with primary target IP address: "..."`).
//!
//! Every layer is a slice of the input, outermost first, so the hot path allocates nothing.

use super::scan::{find, scan_codes, value_after, Codes};

/// The fixed strings that announce a wrapper, each needed (in this case) for one way of peeling. The engine's
/// literal automaton looks for them (ignoring case) in the same pass as the rule literals, and a text holding
/// none of them (most log lines) is known to have no wrapper without a search for each.
pub(crate) const WRAPPER_MARKERS: [&str; 7] = [
    "{LED=",
    "[Message=",
    "Proxy session setup failed on Frontend with '",
    "IP address responded with:",
    "Error encountered while communicating with primary target IP address:",
    "unreachable destination queue. Reason:",
    "->",
];
const LED: usize = 0;
const MESSAGE: usize = 1;
const PROXY: usize = 2;
const RESPONDED: usize = 3;
const COMMUNICATING: usize = 4;
const UNREACHABLE: usize = 5;
const ARROW: usize = 6;

/// Which of `WRAPPER_MARKERS` a text may hold (bit i for marker i).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Markers(u8);

impl Markers {
    /// Nothing known: every way of peeling is tried.
    pub const ANY: Markers = Markers(u8::MAX);
    pub const NONE: Markers = Markers(0);

    pub fn insert(&mut self, marker: usize) {
        self.0 |= 1 << marker;
    }

    /// The marker's text when the text may hold it.
    fn get(self, marker: usize) -> Option<&'static str> {
        (self.0 & (1 << marker) != 0).then_some(WRAPPER_MARKERS[marker])
    }
}

/// Deep enough for every real nesting (Reason → LED → proxy wrapper → failover wrapper → response).
pub(crate) const MAX_LAYERS: usize = 8;

/// A LastError, RecipientStatus or trace Detail taken apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedError {
    /// `{LED=...}`: the last error description (an SMTP response).
    pub led: Option<String>,
    /// `{MSG=...}`.
    pub msg: Option<String>,
    /// `{FQDN=...}`: the host last attempted.
    pub fqdn: Option<String>,
    /// `{IP=...}`: the address last attempted.
    pub ip: Option<String>,
    /// `{LRT=...}`: the last retry time, in the server's local culture format.
    pub lrt: Option<String>,
    /// `[Message=...]` inside an Exchange Online LED: what the remote side actually said.
    pub message: Option<String>,
    /// `[LastAttemptedServerName=...]`.
    pub last_attempted_server_name: Option<String>,
    /// `[LastAttemptedIP=ip:port]`, as written (with the port).
    pub last_attempted_ip: Option<String>,
    /// `OutboundProxyTargetIP: ...` after an Exchange Online reason.
    pub outbound_proxy_target_ip: Option<String>,
    /// `OutboundProxyTargetHostName: ...` after an Exchange Online reason.
    pub outbound_proxy_target_hostname: Option<String>,
    /// The basic reply code of the innermost text (inherited from the nearest wrapper that has one).
    pub code: Option<u16>,
    /// The enhanced status code of the innermost text (inherited likewise), e.g. `4.4.317`.
    pub enhanced_code: Option<String>,
    /// The innermost text: the real cause once every wrapper is peeled off.
    pub innermost: String,
    /// The wrappers peeled off, outermost first (the whole input is the first one when anything was peeled).
    pub wrappers: Vec<String>,
}

/// Parses a LastError/RecipientStatus/Detail string. Never fails: plain text is its own innermost layer.
pub fn parse_last_error(text: &str) -> ParsedError {
    let parsed = Parsed::new(text);
    let fields = parsed.fields();
    let innermost = parsed.innermost();
    let codes = parsed.layer_codes()[parsed.depth() - 1];
    let owned = |value: Option<&str>| value.map(str::to_string);
    ParsedError {
        led: owned(fields.led()),
        msg: owned(fields.msg()),
        fqdn: owned(fields.fqdn()),
        ip: owned(fields.ip()),
        lrt: owned(fields.lrt()),
        message: owned(fields.message()),
        last_attempted_server_name: owned(fields.last_server()),
        last_attempted_ip: owned(fields.last_ip()),
        outbound_proxy_target_ip: owned(fields.proxy_ip()),
        outbound_proxy_target_hostname: owned(fields.proxy_host()),
        code: codes.codes.basic,
        enhanced_code: codes.codes.enhanced.map(|e| e.to_string()),
        innermost: innermost.to_string(),
        wrappers: parsed
            .layers()
            .iter()
            .take(parsed.depth() - 1)
            .map(|l| l.to_string())
            .collect(),
    }
}

/// The key/value parts of the structured forms, as slices of the input. Each is searched for only when asked:
/// filling a command needs one or two of them, not all ten.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields<'a> {
    text: &'a str,
}

/// The codes of one layer, and whether they were inherited from a wrapper because the layer has none.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LayerCodes {
    pub codes: Codes,
    pub inherited: bool,
}

#[derive(Clone, Copy)]
pub(crate) struct Parsed<'a> {
    layers: [&'a str; MAX_LAYERS],
    depth: usize,
}

impl<'a> Parsed<'a> {
    pub fn new(text: &'a str) -> Parsed<'a> {
        Parsed::with_markers(text, Markers::ANY)
    }

    /// Peels only the wrappers whose marker `markers` allows: the caller has looked for the markers already.
    pub fn with_markers(text: &'a str, markers: Markers) -> Parsed<'a> {
        let outer = text.trim();
        let mut layers = [""; MAX_LAYERS];
        layers[0] = outer;
        let mut depth = 1;
        while depth < MAX_LAYERS {
            match peel(layers[depth - 1], markers) {
                Some(inner) if !inner.is_empty() && inner.len() < layers[depth - 1].len() => {
                    layers[depth] = inner;
                    depth += 1;
                }
                _ => break,
            }
        }
        Parsed { layers, depth }
    }

    /// The key/value parts; searched only when asked for (to fill commands), not on the matching path.
    pub fn fields(&self) -> Fields<'a> {
        Fields { text: self.layers[0] }
    }

    pub fn depth(&self) -> usize {
        self.depth
    }

    /// Outermost first.
    pub fn layers(&self) -> &[&'a str] {
        &self.layers[..self.depth]
    }

    pub fn innermost(&self) -> &'a str {
        self.layers[self.depth - 1]
    }

    /// The codes of each layer; a layer without its own inherits the codes of the layer around it.
    pub fn layer_codes(&self) -> [LayerCodes; MAX_LAYERS] {
        let mut codes = [LayerCodes::default(); MAX_LAYERS];
        for (index, layer) in self.layers().iter().enumerate() {
            let own = scan_codes(layer);
            codes[index] = if !own.is_empty() || index == 0 {
                LayerCodes {
                    codes: own,
                    inherited: false,
                }
            } else {
                LayerCodes {
                    codes: codes[index - 1].codes,
                    inherited: true,
                }
            };
        }
        codes
    }
}

impl<'a> Fields<'a> {
    fn brace(&self, key: &str) -> Option<&'a str> {
        value_after(self.text, key, b"}")
    }

    fn bracket(&self, key: &str) -> Option<&'a str> {
        value_after(self.text, key, b"]")
    }

    fn word(&self, key: &str) -> Option<&'a str> {
        value_after(self.text, key, b" \t\r\n").map(|v| v.trim_end_matches(['.', ',']))
    }

    pub fn led(&self) -> Option<&'a str> {
        led_value(self.text)
    }

    pub fn msg(&self) -> Option<&'a str> {
        self.brace("{MSG=")
    }

    pub fn fqdn(&self) -> Option<&'a str> {
        self.brace("{FQDN=")
    }

    pub fn ip(&self) -> Option<&'a str> {
        self.brace("{IP=")
    }

    pub fn lrt(&self) -> Option<&'a str> {
        self.brace("{LRT=")
    }

    pub fn message(&self) -> Option<&'a str> {
        balanced_bracket_value(self.text, WRAPPER_MARKERS[MESSAGE])
    }

    pub fn last_server(&self) -> Option<&'a str> {
        self.bracket("[LastAttemptedServerName=")
    }

    pub fn last_ip(&self) -> Option<&'a str> {
        self.bracket("[LastAttemptedIP=")
    }

    pub fn proxy_ip(&self) -> Option<&'a str> {
        self.word("OutboundProxyTargetIP:")
    }

    pub fn proxy_host(&self) -> Option<&'a str> {
        self.word("OutboundProxyTargetHostName:")
    }
}

/// The LED value: from `{LED=` to the `}` that closes it (`};{` or `}]`), or to the end of a truncated string.
fn led_value(text: &str) -> Option<&str> {
    let key = WRAPPER_MARKERS[LED];
    let start = find(text, key)? + key.len();
    let rest = &text[start..];
    let end = [find(rest, "};{"), find(rest, "}]")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    Some(rest[..end].trim().trim_end_matches(['}', ']']).trim_end()).filter(|v| !v.is_empty())
}

/// The value of `[Key=...]`, honouring nested brackets (a remote response may quote its own `[server]`).
fn balanced_bracket_value<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let start = find(text, key)? + key.len();
    let mut depth = 1usize;
    for (offset, byte) in text[start..].bytes().enumerate() {
        match byte {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(text[start..start + offset].trim()).filter(|v| !v.is_empty());
                }
            }
            _ => {}
        }
    }
    Some(text[start..].trim()).filter(|v| !v.is_empty())
}

/// One wrapper's payload, or None when `layer` is not a wrapper. When a layer holds several wrappers, the one
/// that starts first is the outermost: a failover text quoting `450 4.4.317 ... [Message=SubjectMismatch]` is
/// peeled to the quoted response first, then to its `[Message=...]`.
fn peel(layer: &str, markers: Markers) -> Option<&str> {
    let mut found: [(usize, usize); ARROW] = [(usize::MAX, 0); ARROW];
    for (marker, slot) in found.iter_mut().enumerate() {
        if let Some(at) = markers.get(marker).and_then(|text| find(layer, text)) {
            *slot = (at, marker);
        }
    }
    found.sort_unstable();
    for &(at, marker) in found.iter().take_while(|(at, _)| *at != usize::MAX) {
        let payload = match marker {
            LED => led_value(layer),
            MESSAGE => balanced_bracket_value(layer, WRAPPER_MARKERS[MESSAGE]),
            PROXY => {
                let body = &layer[at + WRAPPER_MARKERS[PROXY].len()..];
                let end = body.rfind('\'').unwrap_or(body.len());
                Some(body[..end].trim())
            }
            RESPONDED | COMMUNICATING => quoted_payload(&layer[at + WRAPPER_MARKERS[marker].len()..]),
            _ => Some(layer[at + WRAPPER_MARKERS[UNREACHABLE].len()..].trim()),
        };
        if payload.is_some() {
            return payload;
        }
    }
    if markers.get(ARROW).is_some() {
        return arrow_payload(layer);
    }
    None
}

/// `  "response." Attempted failover...` → `response`. Texts pasted from a web page or a document often carry
/// typographic quotes (“response.”) instead of the straight ones Exchange writes.
fn quoted_payload(after_marker: &str) -> Option<&str> {
    let trimmed = after_marker.trim_start();
    let (body, close) = match trimmed.strip_prefix('"') {
        Some(body) => (body, '"'),
        None => (trimmed.strip_prefix('\u{201c}')?, '\u{201d}'),
    };
    let end = body
        .find(close)
        .filter(|at| body[at + close.len_utf8()..].trim_start().starts_with("Attempted"))
        .or_else(|| body.rfind(close))
        .unwrap_or(body.len());
    Some(body[..end].trim().trim_end_matches('.').trim_end())
}

/// Exchange Online chains causes with `->` (`451 4.4.397 Error communicating with target host. -> 421 4.4.2
/// Connection dropped due to SocketError`); only a right side that is itself a response is peeled, so
/// `PRX2 ... ErrorRetry -> DnsQueryFailed: ErrorRetry` stays whole.
fn arrow_payload(layer: &str) -> Option<&str> {
    let mut search_from = 0;
    while let Some(offset) = find(&layer[search_from..], WRAPPER_MARKERS[ARROW]) {
        let right = layer[search_from + offset + 2..].trim();
        if scan_codes(right).basic.is_some() && right.as_bytes().first().is_some_and(u8::is_ascii_digit) {
            return Some(right);
        }
        search_from += offset + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_2016_lasterror_order() {
        let parsed = parse_last_error(
            "[{LED=451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain};{MSG=};{FQDN=cloudfield.mail.onmicrosoft.com};{IP=};{LRT=5/1/2026 6:06:57 AM}]",
        );
        assert_eq!(
            parsed.led.as_deref(),
            Some("451 4.4.0 DNS query failed. The error was: SMTPSEND.DNS.NonExistentDomain; nonexistent domain")
        );
        assert_eq!(parsed.msg, None);
        assert_eq!(parsed.fqdn.as_deref(), Some("cloudfield.mail.onmicrosoft.com"));
        assert_eq!(parsed.ip, None);
        assert_eq!(parsed.lrt.as_deref(), Some("5/1/2026 6:06:57 AM"));
        assert_eq!(parsed.code, Some(451));
        assert_eq!(parsed.enhanced_code.as_deref(), Some("4.4.0"));
        assert_eq!(parsed.innermost, parsed.led.clone().unwrap());
        assert_eq!(parsed.wrappers.len(), 1);
    }

    #[test]
    fn reads_the_2013_lasterror_order_with_lrt_first() {
        let parsed = parse_last_error("[{LRT=15-01-21 23:50:05};{LED=550 5.7.1 RESOLVER.RST.AuthRequired; authentication required};{FQDN=};{IP=}]");
        assert_eq!(parsed.lrt.as_deref(), Some("15-01-21 23:50:05"));
        assert_eq!(
            parsed.led.as_deref(),
            Some("550 5.7.1 RESOLVER.RST.AuthRequired; authentication required")
        );
        assert_eq!(parsed.fqdn, None);
        assert_eq!(parsed.code, Some(550));
    }

    #[test]
    fn reads_an_exchange_online_reason_down_to_the_remote_message() {
        let parsed = parse_last_error(
            "Reason: [{LED=450 4.4.317 Cannot connect to remote server [Message=451 5.7.3 STARTTLS is required to send mail [BN8NAM12FT042.eop-nam12.prod.protection.outlook.com]] [LastAttemptedServerName=mail.cloudmonkeys.xyz] [LastAttemptedIP=27.7.57.241:25]};{MSG=};{FQDN=mail.cloudmonkeys.xyz};{IP=27.7.57.241};{LRT=5/1/2026 6:06:57 AM}]. OutboundProxyTargetIP: 27.7.57.241. OutboundProxyTargetHostName: mail.cloudmonkeys.xyz",
        );
        assert_eq!(
            parsed.message.as_deref(),
            Some("451 5.7.3 STARTTLS is required to send mail [BN8NAM12FT042.eop-nam12.prod.protection.outlook.com]")
        );
        assert_eq!(parsed.innermost, parsed.message.clone().unwrap());
        assert_eq!(
            parsed.last_attempted_server_name.as_deref(),
            Some("mail.cloudmonkeys.xyz")
        );
        assert_eq!(parsed.last_attempted_ip.as_deref(), Some("27.7.57.241:25"));
        assert_eq!(parsed.outbound_proxy_target_ip.as_deref(), Some("27.7.57.241"));
        assert_eq!(
            parsed.outbound_proxy_target_hostname.as_deref(),
            Some("mail.cloudmonkeys.xyz")
        );
        assert_eq!(
            (parsed.code, parsed.enhanced_code.as_deref()),
            (Some(451), Some("5.7.3"))
        );
        assert_eq!(parsed.wrappers.len(), 2);
        assert!(parsed.wrappers[1].starts_with("450 4.4.317 Cannot connect"));
    }

    #[test]
    fn peels_proxy_and_failover_wrappers_to_the_real_response() {
        let parsed = parse_last_error(
            "450 4.7.0 Proxy session setup failed on Frontend with '451 4.4.0 Primary target IP address responded with: \"421 4.4.2 Connection dropped due to SocketError.\" Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 192.168.1.13:2525'",
        );
        assert_eq!(parsed.innermost, "421 4.4.2 Connection dropped due to SocketError");
        assert_eq!(
            (parsed.code, parsed.enhanced_code.as_deref()),
            (Some(421), Some("4.4.2"))
        );
        assert_eq!(parsed.wrappers.len(), 2);
        assert!(parsed.wrappers[0].starts_with("450 4.7.0 Proxy session setup failed"));
        assert!(parsed.wrappers[1].starts_with("451 4.4.0 Primary target IP address responded with"));
    }

    #[test]
    fn typographic_quotes_of_a_pasted_text_are_peeled_like_straight_ones() {
        let parsed = parse_last_error(
            "451 4.4.0 Primary target IP address responded with: \u{201c}421 4.2.1 Unable to connect.\u{201d} Attempted failover to alternate host, but that did not succeed.",
        );
        assert_eq!(parsed.innermost, "421 4.2.1 Unable to connect");
        assert_eq!(parsed.enhanced_code.as_deref(), Some("4.2.1"));
    }

    #[test]
    fn an_inner_text_without_a_code_inherits_the_wrappers_code() {
        let parsed = parse_last_error(
            "441 4.4.1 Error encountered while communicating with primary target IP address: \"Failed to connect. Winsock error code: 10060, Win32 error code: 10060.\" Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 27.7.57.241:25",
        );
        assert_eq!(
            parsed.innermost,
            "Failed to connect. Winsock error code: 10060, Win32 error code: 10060"
        );
        assert_eq!(
            (parsed.code, parsed.enhanced_code.as_deref()),
            (Some(441), Some("4.4.1"))
        );
    }

    #[test]
    fn plain_text_is_its_own_innermost_layer() {
        let parsed = parse_last_error("  A matching connector cannot be found to route the external recipient ");
        assert_eq!(
            parsed.innermost,
            "A matching connector cannot be found to route the external recipient"
        );
        assert!(parsed.wrappers.is_empty());
        assert_eq!(parsed.code, None);
        assert_eq!(parse_last_error("").innermost, "");
    }

    #[test]
    fn only_wrappers_whose_marker_was_seen_are_peeled() {
        let text = "450 4.7.0 Proxy session setup failed on Frontend with '451 4.4.0 Primary target IP address responded with: \"421 4.4.2 Connection dropped.\" Attempted failover'";
        assert_eq!(Parsed::new(text).depth(), 3);
        assert_eq!(Parsed::with_markers(text, Markers::NONE).depth(), 1);
        let mut proxy_only = Markers::NONE;
        proxy_only.insert(PROXY);
        assert_eq!(Parsed::with_markers(text, proxy_only).depth(), 2);
        proxy_only.insert(RESPONDED);
        assert_eq!(
            Parsed::with_markers(text, proxy_only).innermost(),
            "421 4.4.2 Connection dropped"
        );
    }

    #[test]
    fn an_arrow_chain_is_peeled_only_when_a_response_follows() {
        let chained = parse_last_error(
            "451 4.4.397 Error communicating with target host. -> 421 4.4.2 Connection dropped due to SocketError",
        );
        assert_eq!(chained.innermost, "421 4.4.2 Connection dropped due to SocketError");
        let prx2 = parse_last_error("451 4.7.0 Temporary server error. Please try again later. PRX2 DNS query failed with error ErrorRetry -> DnsQueryFailed: ErrorRetry");
        assert!(prx2.wrappers.is_empty());
    }
}
