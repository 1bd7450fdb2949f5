//! The error knowledge base through the C ABI: findings for any error text, and the rules a user adds.

use std::ptr;

use super::batch::{hmf_str_list, Arena};
use super::error::{guard, FfiError};
use super::types::{hmf_status, hmf_str};
use super::values::{hmf_log_kind, hmf_severity};
use super::Handle;
use super::{arg_str, out_ptr};
use crate::diagnosis::{Context, Direction, Finding, KnowledgeBase, LogKind};

/// One explanation of an error text.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_finding {
    /// Stable, e.g. "HMF-PRX2", "EXO-4.4.317-SubjectMismatch"; "Unrecognized" when no rule matched.
    pub rule_id: hmf_str,
    /// The basic reply code; -1 when the text has none.
    pub code: i32,
    pub enhanced_code: hmf_str,
    pub title: hmf_str,
    pub meaning: hmf_str,
    /// Likely causes, most likely first.
    pub causes: hmf_str_list,
    pub fix: hmf_str_list,
    /// PowerShell commands, with the values found in the text filled in.
    pub commands: hmf_str_list,
    pub references: hmf_str_list,
    pub severity: hmf_severity,
    pub matched_text: hmf_str,
    /// Wrappers peeled off to reach matched_text, outermost first.
    pub context_text: hmf_str_list,
    /// 0 to 1.
    pub confidence: f64,
}

/// Views of findings, kept alive by whatever owns the findings (a batch or an `hmf_findings`).
pub(crate) fn finding_views(arena: &mut Arena, findings: &[Finding]) -> Box<[hmf_finding]> {
    let list = |arena: &mut Arena, items: &[String]| arena.list(items.iter().map(|s| hmf_str::borrow(s)).collect());
    findings
        .iter()
        .map(|f| hmf_finding {
            rule_id: hmf_str::borrow(&f.rule_id),
            code: f.code.map_or(-1, i32::from),
            enhanced_code: f.enhanced_code.as_deref().map_or(hmf_str::EMPTY, hmf_str::borrow),
            title: hmf_str::borrow(&f.title),
            meaning: hmf_str::borrow(&f.meaning),
            causes: list(arena, &f.causes),
            fix: list(arena, &f.fix),
            commands: list(arena, &f.commands),
            references: list(arena, &f.references),
            severity: f.severity.into(),
            matched_text: hmf_str::borrow(&f.matched_text),
            context_text: list(arena, &f.context_text),
            confidence: f64::from(f.confidence),
        })
        .collect()
}

/// A knowledge base: the built-in rules, and the rules a user adds (theirs win).
pub struct hmf_knowledge_base {
    knowledge: KnowledgeBase,
}

/// Findings for one text, owned by the caller until `hmf_findings_free`.
pub struct hmf_findings {
    _findings: Vec<Finding>,
    _arena: Arena,
    views: Box<[hmf_finding]>,
}

/// Creates a knowledge base of the built-in rules plus the rules in `rules_toml` (the format of the
/// built-in rules files); `source_name` (a file name) is what errors in them are reported against. A rule
/// file that cannot be read fails with HMF_INVALID_ARGUMENT and a message naming the file and the rule.
///
/// # Safety
/// `rules_toml` points to `rules_len` readable bytes (NULL only when `rules_len` is 0); `source_name` points to
/// `source_len` readable bytes (NULL only when `source_len` is 0); `out` is NULL or points to a writable `*mut
/// hmf_knowledge_base`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned
/// string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_knowledge_base_new(
    rules_toml: *const u8,
    rules_len: usize,
    source_name: *const u8,
    source_len: usize,
    out: *mut *mut hmf_knowledge_base,
) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let rules = arg_str(rules_toml, rules_len, "rules_toml")?;
        let source = arg_str(source_name, source_len, "source_name")?;
        let knowledge = KnowledgeBase::with_user_rules(rules, source)
            .map_err(|e| FfiError::new(hmf_status::HMF_INVALID_ARGUMENT, e.to_string()))?;
        hmf_knowledge_base { knowledge }.hand_out(out);
        Ok(())
    })
}

/// Frees a knowledge base. NULL is accepted.
///
/// # Safety
/// `knowledge` is NULL or a live `hmf_knowledge_base` this library made, not yet freed; none is used after the call
/// returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_knowledge_base_free(knowledge: *mut hmf_knowledge_base) {
    Handle::free(knowledge);
}

/// Diagnoses `text`. `knowledge` may be NULL for the built-in rules. `direction`: 0 unknown, 1 receive, 2 send.
/// `log_kind`: an `hmf_log_kind` (HMF_LOG_KIND_UNKNOWN when not known). `preceding`: the
/// command that drew the reply (may be empty). With `all` false only the best finding is returned. There is
/// always at least one finding: text no rule knows gets "Unrecognized" with the meaning of its status code.
///
/// # Safety
/// `knowledge` is NULL or a live `hmf_knowledge_base` this library made, not yet freed; `text` points to `text_len`
/// readable bytes (NULL only when `text_len` is 0); `preceding` points to `preceding_len` readable bytes (NULL only
/// when `preceding_len` is 0); `out` is NULL or points to a writable `*mut hmf_findings`; none is used after the call
/// returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_diagnose(
    knowledge: *const hmf_knowledge_base,
    text: *const u8,
    text_len: usize,
    direction: u32,
    log_kind: u32,
    preceding: *const u8,
    preceding_len: usize,
    all: bool,
    out: *mut *mut hmf_findings,
) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let text = arg_str(text, text_len, "text")?;
        let preceding = arg_str(preceding, preceding_len, "preceding")?;
        let invalid = |what: String| FfiError::new(hmf_status::HMF_INVALID_ARGUMENT, what);
        let context = Context {
            direction: match direction {
                0 => None,
                1 => Some(Direction::Receive),
                2 => Some(Direction::Send),
                other => return Err(invalid(format!("unknown direction {other}"))),
            },
            log_type: match hmf_log_kind::from_abi(log_kind) {
                Some(hmf_log_kind::HMF_LOG_KIND_UNKNOWN) => None,
                Some(hmf_log_kind::HMF_LOG_KIND_PROTOCOL_LOG) => Some(LogKind::ProtocolLog),
                Some(hmf_log_kind::HMF_LOG_KIND_MESSAGE_TRACKING) => Some(LogKind::MessageTracking),
                Some(hmf_log_kind::HMF_LOG_KIND_QUEUE) => Some(LogKind::Queue),
                Some(hmf_log_kind::HMF_LOG_KIND_MESSAGE_TRACE) => Some(LogKind::MessageTrace),
                Some(hmf_log_kind::HMF_LOG_KIND_NDR) => Some(LogKind::Ndr),
                None => return Err(invalid(format!("unknown log kind {log_kind}"))),
            },
            preceding: (!preceding.is_empty()).then(|| preceding.to_owned()),
            connector: None,
        };
        let knowledge = knowledge.as_ref().map_or_else(KnowledgeBase::builtin, |k| &k.knowledge);
        let findings = if all {
            knowledge.diagnose(text, &context)
        } else {
            vec![knowledge.diagnose_best(text, &context)]
        };
        let mut arena = Arena::default();
        let views = finding_views(&mut arena, &findings);
        hmf_findings {
            _findings: findings,
            _arena: arena,
            views,
        }
        .hand_out(out);
        Ok(())
    })
}

/// The findings (best first), valid until `hmf_findings_free`.
///
/// # Safety
/// `findings` is NULL or a live `hmf_findings` this library made, not yet freed; `items` is NULL or points to a valid
/// `*const hmf_finding`; `count` is NULL or points to a valid `usize`; none is used after the call returns, beyond what
/// the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_findings_get(
    findings: *const hmf_findings,
    items: *mut *const hmf_finding,
    count: *mut usize,
) -> hmf_status {
    guard(|| {
        let f = Handle::arg(findings)?;
        let items = out_ptr(items, "items")?;
        let count = out_ptr(count, "count")?;
        *items = if f.views.is_empty() {
            ptr::null()
        } else {
            f.views.as_ptr()
        };
        *count = f.views.len();
        Ok(())
    })
}

/// Frees findings. NULL is accepted.
///
/// # Safety
/// `findings` is NULL or a live `hmf_findings` this library made, not yet freed; none is used after the call returns,
/// beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_findings_free(findings: *mut hmf_findings) {
    Handle::free(findings);
}

impl Handle for hmf_knowledge_base {
    const ARG: &'static str = "knowledge";
}

impl Handle for hmf_findings {
    const ARG: &'static str = "findings";
}
