//! Queues and send connector routing through the C ABI: the advice for a queue (its status table entry, the
//! commands, its LastError taken apart), the "stuck in Drafts" checklist, and a route table that says which
//! send connector carries a recipient domain.

use super::batch::{hmf_str_list, Arena};
use super::error::{guard, FfiError};
use super::types::{hmf_status, hmf_str};
use super::values::{hmf_queue_kind, hmf_severity};
use super::Handle;
use super::{arg_str, out_ptr};
use crate::config::address_space::{
    address_space_fix, connector_to_extend, recipient_domain, route, AddressSpace, Connector,
};
use crate::config::queue::{advise, submission_checklist, QueueAdvice, QueueFacts};
use crate::diagnosis::parse_last_error;

/// What a queue's state means, what to do, and its LastError in parts. Strings are owned by the
/// `hmf_queue_assessment` it came from.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_queue_advice {
    pub server: hmf_str,
    pub queue: hmf_str,
    pub kind: hmf_queue_kind,
    /// Active, Connecting, Ready, Retry, Suspended, Unreachable, Poison, Shadow, Unknown; NotSubmitted for the
    /// checklist.
    pub state: hmf_str,
    pub meaning: hmf_str,
    pub action: hmf_str,
    pub severity: hmf_severity,
    /// PowerShell with the queue's identity filled in, in the order to run them.
    pub commands: hmf_str_list,
    /// The checks in order, in words (the checklist only).
    pub steps: hmf_str_list,
    /// 1 when the message count is over the threshold given.
    pub over_threshold: u32,
    /// The parts of the LastError: `{LED=...}` and the others; a plain SMTP response is its own LED.
    pub led: hmf_str,
    pub msg: hmf_str,
    pub fqdn: hmf_str,
    pub ip: hmf_str,
    pub lrt: hmf_str,
    /// The innermost real cause once the failover and proxy wrappers are peeled off.
    pub innermost: hmf_str,
    /// The basic reply code of the innermost cause; -1 when none.
    pub code: i32,
    pub enhanced_code: hmf_str,
}

/// An advice and the strings it points into; freed with `hmf_queue_assessment_free`.
pub struct hmf_queue_assessment {
    _arena: Arena,
    view: hmf_queue_advice,
}

fn assessment(advice: QueueAdvice, last_error: &str) -> hmf_queue_assessment {
    let mut arena = Arena::default();
    let parsed = parse_last_error(last_error);
    let mut text = |s: &str| arena.str(s);
    let mut view = hmf_queue_advice {
        server: text(&advice.server),
        queue: text(&advice.queue),
        kind: advice.kind.into(),
        state: text(&advice.state),
        meaning: text(&advice.meaning),
        action: text(&advice.action),
        severity: advice.severity.into(),
        commands: hmf_str_list {
            items: std::ptr::null(),
            len: 0,
        },
        steps: hmf_str_list {
            items: std::ptr::null(),
            len: 0,
        },
        over_threshold: u32::from(advice.over_threshold),
        // A plain SMTP response (no `{LED=`) is the LastError itself.
        led: text(
            parsed
                .led
                .as_deref()
                .unwrap_or(if last_error.trim_start().starts_with('[') {
                    ""
                } else {
                    last_error.trim()
                }),
        ),
        msg: text(parsed.msg.as_deref().unwrap_or("")),
        fqdn: text(parsed.fqdn.as_deref().unwrap_or("")),
        ip: text(parsed.ip.as_deref().unwrap_or("")),
        lrt: text(parsed.lrt.as_deref().unwrap_or("")),
        innermost: text(if last_error.trim().is_empty() {
            ""
        } else {
            &parsed.innermost
        }),
        code: parsed.code.map_or(-1, i32::from),
        enhanced_code: text(parsed.enhanced_code.as_deref().unwrap_or("")),
    };
    let commands = advice.commands.iter().map(|c| arena.str(c.as_str())).collect();
    view.commands = arena.list(commands);
    let steps = advice.steps.iter().map(|c| arena.str(c.as_str())).collect();
    view.steps = arena.list(steps);
    hmf_queue_assessment { _arena: arena, view }
}

/// The advice for one queue from what `Get-Queue` shows of it; any string may be empty. `message_count` and
/// `threshold` are -1 when not known (no threshold: nothing is flagged).
///
/// # Safety
/// Each string argument points to its `_len` readable bytes (NULL only when that length is 0); `out` is NULL or
/// points to a writable `*mut hmf_queue_assessment`; none is used after the call returns.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn hmf_queue_advise(
    identity: *const u8,
    identity_len: usize,
    status: *const u8,
    status_len: usize,
    delivery_type: *const u8,
    delivery_type_len: usize,
    next_hop_domain: *const u8,
    next_hop_domain_len: usize,
    last_error: *const u8,
    last_error_len: usize,
    message_count: i64,
    threshold: i64,
    out: *mut *mut hmf_queue_assessment,
) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let facts = QueueFacts {
            identity: arg_str(identity, identity_len, "identity")?,
            status: arg_str(status, status_len, "status")?,
            delivery_type: arg_str(delivery_type, delivery_type_len, "delivery_type")?,
            next_hop_domain: arg_str(next_hop_domain, next_hop_domain_len, "next_hop_domain")?,
            message_count: u64::try_from(message_count).ok(),
            threshold: u64::try_from(threshold).ok(),
        };
        let last_error = arg_str(last_error, last_error_len, "last_error")?;
        assessment(advise(&facts), last_error).hand_out(out);
        Ok(())
    })
}

/// The checklist for mail that never reaches the Submission queue ("stuck in Drafts") on `server` (may be
/// empty: this server).
///
/// # Safety
/// `server` points to `server_len` readable bytes (NULL only when `server_len` is 0); `out` is NULL or points to a
/// writable `*mut hmf_queue_assessment`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs`
/// say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_submission_checklist(
    server: *const u8,
    server_len: usize,
    out: *mut *mut hmf_queue_assessment,
) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        let server = arg_str(server, server_len, "server")?;
        assessment(submission_checklist(server), "").hand_out(out);
        Ok(())
    })
}

/// The advice, valid until `hmf_queue_assessment_free`.
///
/// # Safety
/// `assessment` is NULL or a live `hmf_queue_assessment` this library made, not yet freed; `out` is NULL or points to a
/// writable `*const hmf_queue_advice`; none is used after the call returns, beyond what the rules of `src/ffi/mod.rs`
/// say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_queue_assessment_get(
    assessment: *const hmf_queue_assessment,
    out: *mut *const hmf_queue_advice,
) -> hmf_status {
    guard(|| {
        let assessment = Handle::arg(assessment)?;
        let out = out_ptr(out, "out")?;
        *out = &assessment.view;
        Ok(())
    })
}

/// Frees an assessment. NULL is accepted.
///
/// # Safety
/// `assessment` is NULL or a live `hmf_queue_assessment` this library made, not yet freed; none is used after the call
/// returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_queue_assessment_free(assessment: *mut hmf_queue_assessment) {
    Handle::free(assessment);
}

/// The connector chosen for a recipient domain, or, when none routes it, the connector to extend and the
/// commands. Strings are owned by the route table and valid until its next `hmf_route_table_route` or free.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct hmf_route {
    /// The domain routed (taken from an address when one was given), lower case.
    pub domain: hmf_str,
    /// 1 when a connector routes the domain.
    pub found: u32,
    /// The chosen connector's position in the order connectors were added.
    pub connector_index: u64,
    pub connector: hmf_str,
    /// The matching address space as Set-SendConnector writes it: `smtp:*.contoso.com;1`.
    pub address_space: hmf_str,
    pub specificity: u32,
    pub cost: u32,
    /// 1 when the chosen connector is scoped to its Active Directory site.
    pub scoped: u32,
    /// Other enabled connectors that match too but lose.
    pub alternatives: u64,
    /// When nothing routes the domain: the connector to extend (empty when there is no enabled connector).
    pub fix_connector: hmf_str,
    /// When nothing routes the domain: the Set-SendConnector commands that keep the existing spaces, and the
    /// resubmission of the Unreachable queue.
    pub fix_commands: hmf_str_list,
}

/// Send connectors as routing sees them; freed with `hmf_route_table_free`.
pub struct hmf_route_table {
    connectors: Vec<Connector>,
    last: Option<(Arena, hmf_route)>,
}

/// An empty route table.
///
/// # Safety
/// `out` is NULL or points to a writable `*mut hmf_route_table`; none is used after the call returns, beyond what the
/// rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_route_table_new(out: *mut *mut hmf_route_table) -> hmf_status {
    guard(|| {
        let out = out_ptr(out, "out")?;
        hmf_route_table {
            connectors: Vec::new(),
            last: None,
        }
        .hand_out(out);
        Ok(())
    })
}

/// Frees a route table. NULL is accepted.
///
/// # Safety
/// `table` is NULL or a live `hmf_route_table` this library made, not yet freed; none is used after the call returns,
/// beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_route_table_free(table: *mut hmf_route_table) {
    Handle::free(table);
}

/// Adds a send connector; its address spaces follow with `hmf_route_table_add_address_space`. `hybrid` marks
/// the connector to extend for the tenant's domains.
///
/// # Safety
/// `table` is NULL or a live `hmf_route_table` this library made, not yet freed; `name` points to `name_len` readable
/// bytes (NULL only when `name_len` is 0); none is used after the call returns, beyond what the rules of
/// `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_route_table_add_connector(
    table: *mut hmf_route_table,
    name: *const u8,
    name_len: usize,
    enabled: bool,
    scoped: bool,
    hybrid: bool,
) -> hmf_status {
    guard(|| {
        let table = Handle::arg_mut(table)?;
        let name = arg_str(name, name_len, "name")?;
        table.connectors.push(Connector {
            name: name.to_string(),
            enabled,
            scoped,
            hybrid,
            address_spaces: Vec::new(),
        });
        Ok(())
    })
}

/// Adds an address space (`smtp:*.contoso.com;1`, `contoso.com`, `*`, `--`) to the connector added last. Text
/// that is not an address space fails with HMF_INVALID_ARGUMENT and a message naming it and why; the connector
/// keeps its other spaces.
///
/// # Safety
/// `table` is NULL or a live `hmf_route_table` this library made, not yet freed; `text` points to `text_len` readable
/// bytes (NULL only when `text_len` is 0); none is used after the call returns, beyond what the rules of
/// `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_route_table_add_address_space(
    table: *mut hmf_route_table,
    text: *const u8,
    text_len: usize,
) -> hmf_status {
    guard(|| {
        let table = Handle::arg_mut(table)?;
        let text = arg_str(text, text_len, "text")?;
        let connector = table.connectors.last_mut().ok_or_else(|| {
            FfiError::new(
                hmf_status::HMF_INVALID_ARGUMENT,
                "add a connector before its address spaces",
            )
        })?;
        let space = AddressSpace::parse(text)
            .map_err(|e| FfiError::new(hmf_status::HMF_INVALID_ARGUMENT, format!("{}: {e}", connector.name)))?;
        connector.address_spaces.push(space);
        Ok(())
    })
}

/// Routes a recipient domain (or address) through the connectors added. The result is valid until the next
/// call on this table or its free.
///
/// # Safety
/// `table` is NULL or a live `hmf_route_table` this library made, not yet freed; `recipient` points to `recipient_len`
/// readable bytes (NULL only when `recipient_len` is 0); `out` is NULL or points to a writable `hmf_route`; none is
/// used after the call returns, beyond what the rules of `src/ffi/mod.rs` say a returned string or handle borrows.
#[no_mangle]
pub unsafe extern "C" fn hmf_route_table_route(
    table: *mut hmf_route_table,
    recipient: *const u8,
    recipient_len: usize,
    out: *mut hmf_route,
) -> hmf_status {
    guard(|| {
        let table = Handle::arg_mut(table)?;
        let recipient = arg_str(recipient, recipient_len, "recipient")?;
        let out = out_ptr(out, "out")?;
        let domain = recipient_domain(recipient);
        if domain.is_empty() {
            return Err(FfiError::new(
                hmf_status::HMF_INVALID_ARGUMENT,
                "the recipient domain is empty",
            ));
        }
        let mut arena = Arena::default();
        let mut view = hmf_route {
            domain: arena.str(domain.as_str()),
            found: 0,
            connector_index: 0,
            connector: hmf_str::EMPTY,
            address_space: hmf_str::EMPTY,
            specificity: 0,
            cost: 0,
            scoped: 0,
            alternatives: 0,
            fix_connector: hmf_str::EMPTY,
            fix_commands: hmf_str_list {
                items: std::ptr::null(),
                len: 0,
            },
        };
        match route(&table.connectors, &domain) {
            Some(chosen) => {
                let connector = &table.connectors[chosen.connector];
                view.found = 1;
                view.connector_index = chosen.connector as u64;
                view.connector = arena.str(connector.name.as_str());
                view.address_space = arena.str(connector.address_spaces[chosen.address_space].to_command_text());
                view.specificity = chosen.specificity;
                view.cost = chosen.cost;
                view.scoped = u32::from(connector.scoped);
                view.alternatives = chosen.alternatives as u64;
            }
            None => {
                if let Some(index) = connector_to_extend(&table.connectors, &domain) {
                    let connector = &table.connectors[index];
                    view.fix_connector = arena.str(connector.name.as_str());
                    let commands = address_space_fix(connector, &domain)
                        .into_iter()
                        .map(|c| arena.str(c))
                        .collect();
                    view.fix_commands = arena.list(commands);
                }
            }
        }
        *out = view;
        table.last = Some((arena, view));
        Ok(())
    })
}

impl Handle for hmf_queue_assessment {
    const ARG: &'static str = "assessment";
}

impl Handle for hmf_route_table {
    const ARG: &'static str = "table";
}
