//! Certificate name checks through the C ABI: does a certificate name cover a host, which of a certificate's
//! names covers it, a subject's common name, a connector's `<I>issuer<S>subject`, distinguished name equality.
//! No allocation crosses the boundary: answers are kinds, indexes and byte spans of the caller's own text.

use super::error::{guard, FfiError};
use super::types::{hmf_status, hmf_str};
use super::values::hmf_address_class;
use super::{arg_str, out_ptr};
use crate::config::certificate::{self, NameMatch, NameSource};

/// `hmf_cert_name_match.kind`. Append-only.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_cert_match_kind {
    HMF_CERT_MATCH_NONE = 0,
    HMF_CERT_MATCH_EXACT = 1,
    HMF_CERT_MATCH_WILDCARD = 2,
}

pub use hmf_cert_match_kind::*;

/// `hmf_cert_name_match.source`. Append-only.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum hmf_cert_name_source {
    HMF_CERT_NAME_NONE = 0,
    /// A subject alternative name: `index` says which of the names given.
    HMF_CERT_NAME_ALTERNATIVE = 1,
    HMF_CERT_NAME_SUBJECT_CN = 2,
}

pub use hmf_cert_name_source::*;

/// Which name of a certificate covers a host, and how.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_cert_name_match {
    /// HMF_CERT_MATCH_*; NONE when no name covers the host.
    pub kind: hmf_cert_match_kind,
    /// HMF_CERT_NAME_*.
    pub source: hmf_cert_name_source,
    /// With HMF_CERT_NAME_ALTERNATIVE, the index of the covering name in the list given; 0 otherwise.
    pub index: usize,
}

/// A part of a text the caller passed in: `len` bytes from byte offset `start`. `found` is false (and the
/// offsets 0) when the text has no such part.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_span {
    pub found: bool,
    pub start: usize,
    pub len: usize,
}

impl hmf_span {
    const NONE: hmf_span = hmf_span {
        found: false,
        start: 0,
        len: 0,
    };

    fn of(start: usize, value: &str) -> hmf_span {
        hmf_span {
            found: true,
            start,
            len: value.len(),
        }
    }
}

fn match_kind(kind: Option<NameMatch>) -> hmf_cert_match_kind {
    match kind {
        None => HMF_CERT_MATCH_NONE,
        Some(NameMatch::Exact) => HMF_CERT_MATCH_EXACT,
        Some(NameMatch::Wildcard) => HMF_CERT_MATCH_WILDCARD,
    }
}

/// Whether the certificate name `cert_name` (a subject CN or a SAN, possibly `*.domain`) covers `host`:
/// writes HMF_CERT_MATCH_NONE, _EXACT or _WILDCARD to `*out`. Case-insensitive, a trailing dot ignored; a
/// wildcard is the whole leftmost label and stands for exactly one label (`*.cloudmonkeys.xyz` covers
/// `mail.cloudmonkeys.xyz`, not `a.b.cloudmonkeys.xyz` nor `cloudmonkeys.xyz`).
///
/// # Safety
/// `cert_name` points to `cert_name_len` readable bytes (NULL only when `cert_name_len` is 0); `host` points to
/// `host_len` readable bytes (NULL only when `host_len` is 0); `out` is NULL or points to a writable `hmf_cert_match_kind`;
/// none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_cert_name_covers(
    cert_name: *const u8,
    cert_name_len: usize,
    host: *const u8,
    host_len: usize,
    out: *mut hmf_cert_match_kind,
) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let cert_name = arg_str(cert_name, cert_name_len, "cert_name")?;
        let host = arg_str(host, host_len, "host")?;
        *out = match_kind(certificate::name_covers(cert_name, host));
        Ok(())
    })
}

/// Which name of a certificate covers `host`: the `name_count` subject alternative names at `names` (in order;
/// `Get-ExchangeCertificate`'s CertificateDomains may be given whole, the CN among them does no harm), then the
/// common name of `subject` (may be empty). An exact name wins over a wildcard. `names` may be NULL when
/// `name_count` is 0.
///
/// # Safety
/// `subject` points to `subject_len` readable bytes (NULL only when `subject_len` is 0); `names` is NULL or points to a
/// valid `hmf_str` (an array of the length given with it); `host` points to `host_len` readable bytes (NULL only when
/// `host_len` is 0); `out` is NULL or points to a writable `hmf_cert_name_match`; none is used after the call returns,
/// beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_cert_find_covering_name(
    subject: *const u8,
    subject_len: usize,
    names: *const hmf_str,
    name_count: usize,
    host: *const u8,
    host_len: usize,
    out: *mut hmf_cert_name_match,
) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let subject = arg_str(subject, subject_len, "subject")?;
        let host = arg_str(host, host_len, "host")?;
        let names: &[hmf_str] = match (names.is_null(), name_count) {
            (_, 0) => &[],
            (true, _) => return Err(FfiError::null("names")),
            (false, n) => std::slice::from_raw_parts(names, n),
        };
        let names = names
            .iter()
            .enumerate()
            .map(|(i, name)| arg_str(name.ptr, name.len, &format!("names[{i}]")))
            .collect::<Result<Vec<&str>, FfiError>>()?;
        *out = match certificate::covering_name(subject, &names, host) {
            None => hmf_cert_name_match {
                kind: HMF_CERT_MATCH_NONE,
                source: HMF_CERT_NAME_NONE,
                index: 0,
            },
            Some(found) => {
                let (source, index) = match found.source {
                    NameSource::AlternativeName(i) => (HMF_CERT_NAME_ALTERNATIVE, i),
                    NameSource::SubjectCommonName => (HMF_CERT_NAME_SUBJECT_CN, 0),
                };
                hmf_cert_name_match {
                    kind: match_kind(Some(found.kind)),
                    source,
                    index,
                }
            }
        };
        Ok(())
    })
}

/// Where the common name is in a subject such as `CN=mail.cloudmonkeys.xyz, O=Cloud Monkeys` (the form of
/// `Get-ExchangeCertificate`'s Subject): a span of `subject`, without quotes.
///
/// # Safety
/// `subject` points to `subject_len` readable bytes (NULL only when `subject_len` is 0); `out` is NULL or points to a
/// writable `hmf_span`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned
/// string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_cert_subject_common_name(
    subject: *const u8,
    subject_len: usize,
    out: *mut hmf_span,
) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let subject = arg_str(subject, subject_len, "subject")?;
        *out = certificate::subject_common_name_attribute(subject)
            .map_or(hmf_span::NONE, |a| hmf_span::of(a.value_start, a.value));
        Ok(())
    })
}

/// Takes a connector's TlsCertificateName `<I>issuer<S>subject` apart into spans of `text`. Both spans are
/// not found when the text is not in that form.
///
/// # Safety
/// `text` points to `text_len` readable bytes (NULL only when `text_len` is 0); `issuer` is NULL or a live `hmf_span`
/// this library made, not yet freed; `subject` is NULL or a live `hmf_span` this library made, not yet freed; none is
/// used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_tls_certificate_name_parse(
    text: *const u8,
    text_len: usize,
    issuer: *mut hmf_span,
    subject: *mut hmf_span,
) -> hmf_status {
    guard(|| {
        let issuer = out_ptr(issuer, "issuer")?;
        let subject = out_ptr(subject, "subject")?;
        let text = arg_str(text, text_len, "text")?;
        let (i, s) = certificate::parse_tls_certificate_name(text).map_or((hmf_span::NONE, hmf_span::NONE), |p| {
            (
                hmf_span::of(p.issuer_start, p.issuer),
                hmf_span::of(p.subject_start, p.subject),
            )
        });
        *issuer = i;
        *subject = s;
        Ok(())
    })
}

/// Whether two distinguished names name the same subject or issuer: same attributes in the same order, without
/// regard to case or the spaces around separators.
///
/// # Safety
/// `a` points to `a_len` readable bytes (NULL only when `a_len` is 0); `b` points to `b_len` readable bytes (NULL only
/// when `b_len` is 0); `out` is NULL or points to a writable `bool`; none is used after the call returns, beyond what
/// the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_distinguished_names_equal(
    a: *const u8,
    a_len: usize,
    b: *const u8,
    b_len: usize,
    out: *mut bool,
) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let a = arg_str(a, a_len, "a")?;
        let b = arg_str(b, b_len, "b")?;
        *out = certificate::distinguished_names_equal(a, b);
        Ok(())
    })
}

/// What an address is, for the DNS server and connector checks. The strings are static.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_address_info {
    pub address_class: hmf_address_class,
    /// The well-known public DNS service the address belongs to ("Google Public DNS"), empty when none.
    pub public_resolver: hmf_str,
}

/// Classifies an address (`192.168.1.11`, `8.8.8.8`, `fe80::1%3`): private, public, loopback, Exchange Online,
/// and whether it is a well-known public DNS resolver.
///
/// # Safety
/// `text` points to `text_len` readable bytes (NULL only when `text_len` is 0); `out` is NULL or points to a writable
/// `hmf_address_info`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned
/// string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_address_classify(
    text: *const u8,
    text_len: usize,
    out: *mut hmf_address_info,
) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let text = arg_str(text, text_len, "text")?;
        let resolver = crate::net::parse_ip(text.trim()).and_then(crate::net::public_resolver);
        *out = hmf_address_info {
            address_class: crate::net::classify(text.trim()).into(),
            public_resolver: resolver.map_or(hmf_str::EMPTY, hmf_str::borrow),
        };
        Ok(())
    })
}

/// A receive connector's RemoteIPRanges entry judged.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_ip_range_info {
    /// False when the text is not a range Exchange writes (`a-b`, CIDR, one address).
    pub valid: bool,
    /// Whether an Exchange Online Protection address falls in the range.
    pub includes_exchange_online: bool,
}

/// Reads a RemoteIPRanges entry (`0.0.0.0-255.255.255.255`, `192.168.1.0/24`, `40.92.0.10`).
///
/// # Safety
/// `text` points to `text_len` readable bytes (NULL only when `text_len` is 0); `out` is NULL or points to a writable
/// `hmf_ip_range_info`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned
/// string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_ip_range_parse(
    text: *const u8,
    text_len: usize,
    out: *mut hmf_ip_range_info,
) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let text = arg_str(text, text_len, "text")?;
        let range = crate::net::IpRange::parse(text);
        *out = hmf_ip_range_info {
            valid: range.is_some(),
            includes_exchange_online: range.is_some_and(|r| r.includes_exchange_online()),
        };
        Ok(())
    })
}
