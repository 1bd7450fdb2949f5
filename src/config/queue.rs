//! Transport queues as `Get-Queue` shows them: which queue it is (from its identity, DeliveryType and
//! NextHopDomain), what its status means, what to do, and the exact commands, after the lab guide's queue
//! status table (4.2) and retry commands (4.3). The LastError itself is diagnosed by the knowledge base.

use crate::diagnosis::Severity;
use crate::powershell::single_quoted;

/// The special queues Exchange keeps beside the delivery queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueKind {
    /// Delivery queues: one per next hop.
    Delivery,
    /// `<Server>\Submission`: every message goes through it to the categorizer.
    Submission,
    /// `<Server>\Unreachable`: no route (no send connector covers the domain).
    Unreachable,
    /// `<Server>\Poison`: messages that made transport or an agent crash.
    Poison,
    /// `<Server>\Shadow\<n>`: redundant copies held until the next hop confirms delivery.
    Shadow,
}

impl QueueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QueueKind::Delivery => "Delivery",
            QueueKind::Submission => "Submission",
            QueueKind::Unreachable => "Unreachable",
            QueueKind::Poison => "Poison",
            QueueKind::Shadow => "Shadow",
        }
    }
}

/// What is known of one queue; any field may be empty (a CSV export without the column).
#[derive(Debug, Clone, Default)]
pub struct QueueFacts<'a> {
    pub identity: &'a str,
    pub status: &'a str,
    pub delivery_type: &'a str,
    pub next_hop_domain: &'a str,
    pub message_count: Option<u64>,
    /// Queues holding more messages than this are flagged.
    pub threshold: Option<u64>,
}

/// The server and the queue name of `CMHYBD01\6`, `CMHYBD01\Shadow\3`, `CMHYBD01\Submission`.
pub fn split_identity(identity: &str) -> (&str, &str) {
    identity.trim().split_once('\\').unwrap_or(("", identity.trim()))
}

pub fn queue_kind(facts: &QueueFacts) -> QueueKind {
    let (_, name) = split_identity(facts.identity);
    let is = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b);
    if is(name, "Submission") || is(facts.next_hop_domain, "Submission") {
        QueueKind::Submission
    } else if is(name, "Unreachable")
        || is(facts.delivery_type, "Unreachable")
        || is(facts.next_hop_domain, "Unreachable Domain")
    {
        QueueKind::Unreachable
    } else if is(name, "Poison") || is(facts.next_hop_domain, "Poison Message") {
        QueueKind::Poison
    } else if name
        .get(..7)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("Shadow\\"))
        || is(facts.delivery_type, "ShadowRedundancy")
    {
        QueueKind::Shadow
    } else {
        QueueKind::Delivery
    }
}

/// What a queue's state means and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueAdvice {
    pub server: String,
    pub queue: String,
    pub kind: QueueKind,
    /// The status, or the special queue's name when that says more (Unreachable, Poison).
    pub state: String,
    pub meaning: String,
    pub action: String,
    pub severity: Severity,
    /// PowerShell, with this queue's identity filled in; in the order to run them.
    pub commands: Vec<String>,
    /// The checks in order, in words (the "stuck in Drafts" checklist).
    pub steps: Vec<String>,
    pub over_threshold: bool,
}

/// The advice for one queue.
pub fn advise(facts: &QueueFacts) -> QueueAdvice {
    let (server, queue) = split_identity(facts.identity);
    let kind = queue_kind(facts);
    let id = single_quoted(facts.identity.trim());
    let messages = facts.message_count.unwrap_or(0);
    let over_threshold = matches!((facts.message_count, facts.threshold), (Some(count), Some(limit)) if count > limit);
    let status = facts.status.trim();
    let list_messages =
        format!("Get-Message -Queue {id} | Format-List FromAddress, Recipients, Status, LastError, DateReceived");
    let (state, meaning, action, mut severity, mut commands): (&str, &str, &str, Severity, Vec<String>) = match kind {
        QueueKind::Unreachable => (
            "Unreachable",
            "No connector found for the domain: Exchange holds these messages because no send connector's address spaces cover their recipients' domain (\"A matching connector cannot be found to route the external recipient\").",
            "Check the send connector address spaces: add the recipients' domain to the right connector, then resubmit the queue.",
            if messages > 0 { Severity::Error } else { Severity::Info },
            vec![
                format!("Get-Message -Queue {id} | Format-List FromAddress, Recipients, Subject, LastError"),
                "Get-SendConnector | Format-List Name, AddressSpaces, Enabled, IsScopedConnector".to_string(),
                "Get-SendConnector | Test-HybridSendConnector -RecipientDomain '<domain>'".to_string(),
                format!("Retry-Queue -Identity {id} -Resubmit $true"),
            ],
        ),
        QueueKind::Poison => (
            "Poison",
            "Messages that made the Transport service or a transport agent crash while processing them; Exchange keeps them out of delivery.",
            "Look at each message (sender, subject, size); export it for analysis, then resume it only once the cause (an agent, a malformed message) is known, or remove it.",
            if messages > 0 { Severity::Error } else { Severity::Info },
            vec![
                format!("Get-Message -Queue {id} | Format-List Identity, FromAddress, Subject, Size, DateReceived, LastError"),
                "Get-TransportAgent | Format-Table Identity, Enabled, Priority".to_string(),
                format!("Get-Message -Queue {id} | Resume-Message"),
            ],
        ),
        QueueKind::Shadow => (
            "Shadow",
            "Redundant copies of messages already handed to the next hop, kept until it confirms delivery (shadow redundancy). Nothing to deliver from here.",
            "Normal: no action. A growing count means the next hop does not confirm delivery: look at that server's queues.",
            Severity::Info,
            vec![format!("Get-Queue -Identity {id} | Format-List NextHopDomain, MessageCount, LastError")],
        ),
        QueueKind::Submission | QueueKind::Delivery => match status.to_ascii_lowercase().as_str() {
            "active" => (
                "Active",
                "Messages being delivered.",
                "Normal: no action needed.",
                Severity::Info,
                Vec::new(),
            ),
            "ready" => ("Ready", "Queue ready, waiting for messages.", "Normal.", Severity::Info, Vec::new()),
            "connecting" => (
                "Connecting",
                "Exchange is opening a connection to the next hop.",
                "Normal for a moment; if it stays Connecting, check that the next hop resolves and answers on port 25 (firewall, smart host).",
                Severity::Info,
                vec![format!("Get-Queue -Identity {id} | Format-List Status, NextHopDomain, LastError, NextRetryTime")],
            ),
            "retry" => (
                "Retry",
                "Temporary failure, will retry: the last connection to the next hop failed and Exchange tries again at NextRetryTime; the messages stay queued until they expire (2 days by default).",
                "Check LastError for the reason and fix it, then retry now; after a routing or DNS change, retry with -Resubmit so the messages are routed again.",
                Severity::Warning,
                vec![list_messages.clone(), format!("Retry-Queue -Identity {id}"), format!("Retry-Queue -Identity {id} -Resubmit $true")],
            ),
            "suspended" => (
                "Suspended",
                "Queue manually suspended: nothing is delivered from it until it is resumed.",
                "Resume with Resume-Queue (after whatever the suspension was for is done).",
                Severity::Warning,
                vec![format!("Resume-Queue -Identity {id}")],
            ),
            "" => (
                "Unknown",
                "The queue's status is not known (the export has no Status).",
                "Look at the queue on the server.",
                Severity::Info,
                vec![format!("Get-Queue -Identity {id} | Format-List *")],
            ),
            _ => (
                "Unknown",
                "A status this version does not know.",
                "Look at the queue and its LastError on the server.",
                Severity::Info,
                vec![format!("Get-Queue -Identity {id} | Format-List *")],
            ),
        },
    };
    let mut meaning = meaning.to_string();
    let mut action = action.to_string();
    if kind == QueueKind::Submission && (messages > 0 || status.eq_ignore_ascii_case("retry")) {
        meaning = format!(
            "{meaning} Messages waiting in Submission have not been categorized yet: the categorizer cannot resolve or route them (Active Directory lookups, transport agents, a stopped service)."
        );
        action = "Look at the messages' LastError; check that the Transport service and Active Directory are healthy."
            .to_string();
        severity = severity.max(Severity::Warning);
        commands.insert(0, list_messages.clone());
        commands.push(format!(
            "Get-Service MSExchangeTransport -ComputerName {}",
            single_quoted(server)
        ));
    }
    if over_threshold {
        severity = severity.max(Severity::Warning);
        let oldest = format!(
            "Get-Message -Queue {id} | Sort-Object DateReceived | Select-Object -First 20 FromAddress, Recipients, DateReceived, Status, LastError"
        );
        if !commands.contains(&oldest) {
            commands.insert(0, oldest);
        }
    }
    QueueAdvice {
        server: server.to_string(),
        queue: queue.to_string(),
        kind,
        state: state.to_string(),
        meaning,
        action,
        severity,
        commands,
        steps: Vec::new(),
        over_threshold,
    }
}

/// Mail that never reaches the Submission queue ("stuck in Drafts" or Outbox): the lab guide's checks, in
/// order, for `server` (empty: this server).
pub fn submission_checklist(server: &str) -> QueueAdvice {
    let on = |cmd: &str| {
        if server.is_empty() {
            cmd.to_string()
        } else {
            format!("{cmd} -ComputerName {}", single_quoted(server))
        }
    };
    let server_arg = if server.is_empty() {
        "$env:COMPUTERNAME".to_string()
    } else {
        single_quoted(server)
    };
    let submission = if server.is_empty() {
        "Get-Queue | Where-Object { $_.Identity -like '*\\Submission' }".to_string()
    } else {
        format!(
            "Get-Queue -Identity {}",
            single_quoted(&format!("{server}\\Submission"))
        )
    };
    QueueAdvice {
        server: server.to_string(),
        queue: "Submission".to_string(),
        kind: QueueKind::Submission,
        state: "NotSubmitted".to_string(),
        meaning: "Mail never reaches the Submission queue: messages stay in the sender's Drafts (or Outbox) and Get-Queue shows Submission with 0 messages or no Submission queue at all. The Mailbox Transport Submission service does not hand the messages to the Transport service.".to_string(),
        action: "Run the checks in order; the first that fails is the cause. Restart MSExchangeSubmission and MSExchangeTransport once the services, databases and name resolution are right.".to_string(),
        severity: Severity::Error,
        commands: vec![
            on("Get-Service MSExchange*") + " | Where-Object { $_.StartType -eq 'Automatic' -and $_.Status -ne 'Running' }",
            on("Get-Service MSExchangeTransport, MSExchangeSubmission, MSExchangeDelivery, MSExchangeFrontEndTransport") + " | Select-Object Name, Status",
            format!("Get-MailboxDatabase -Server {server_arg} -Status | Select-Object Name, Mounted, Server"),
            submission,
            format!("Resolve-DnsName {server_arg}; Get-Content $env:SystemRoot\\System32\\drivers\\etc\\hosts"),
            format!("Get-ReceiveConnector -Server {server_arg} | Select-Object Name, Enabled, Bindings, PermissionGroups"),
            "Restart-Service MSExchangeSubmission; Restart-Service MSExchangeTransport".to_string(),
            "Get-SendConnector | Test-HybridSendConnector -RecipientDomain '<domain>'".to_string(),
            format!("Get-TransportService {server_arg} | Format-List InternalDNSServers, ExternalDNSServers, ExternalDNSAdapterEnabled"),
        ],
        steps: vec![
            "1. All MSExchange* services set to start automatically are Running (MSExchangeSubmission and MSExchangeTransport above all).".to_string(),
            "2. The mailbox databases are Mounted.".to_string(),
            "3. The Submission queue exists and receives messages.".to_string(),
            "4. The server resolves its own name and FQDN to the right address (DNS, no stale hosts file entry).".to_string(),
            "5. The receive connector 'Default <server>' (Transport service, port 2525) is enabled and grants ExchangeServers: the submission service hands mail to it.".to_string(),
            "6. Restart MSExchangeSubmission and MSExchangeTransport.".to_string(),
            "7. A send connector's address spaces cover the recipient domain.".to_string(),
            "8. External DNS servers are set on the transport service.".to_string(),
        ],
        over_threshold: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(identity: &'a str, status: &'a str, delivery_type: &'a str, next_hop: &'a str) -> QueueFacts<'a> {
        QueueFacts {
            identity,
            status,
            delivery_type,
            next_hop_domain: next_hop,
            message_count: Some(3),
            threshold: None,
        }
    }

    #[test]
    fn special_queues_are_known_by_identity_delivery_type_or_next_hop() {
        let cases = [
            (
                facts("CMHYBD01\\Submission", "Ready", "Undefined", "Submission"),
                QueueKind::Submission,
            ),
            (
                facts("CMHYBD01\\Unreachable", "Ready", "Unreachable", "Unreachable Domain"),
                QueueKind::Unreachable,
            ),
            (facts("CMHYBD01\\9", "Ready", "Unreachable", ""), QueueKind::Unreachable),
            (
                facts("CMHYBD01\\Poison", "Ready", "Undefined", "Poison Message"),
                QueueKind::Poison,
            ),
            (
                facts(
                    "CMHYBD01\\Shadow\\3",
                    "Ready",
                    "ShadowRedundancy",
                    "cmedge01.cloudmonkeys.xyz",
                ),
                QueueKind::Shadow,
            ),
            (
                facts(
                    "CMHYBD01\\6",
                    "Retry",
                    "SmartHostConnectorDelivery",
                    "cloudfield.mail.protection.outlook.com",
                ),
                QueueKind::Delivery,
            ),
        ];
        for (facts, kind) in cases {
            assert_eq!(queue_kind(&facts), kind, "{}", facts.identity);
        }
        assert_eq!(split_identity("CMHYBD01\\Shadow\\3"), ("CMHYBD01", "Shadow\\3"));
    }

    #[test]
    fn each_status_of_the_lab_table_has_its_meaning_action_and_commands() {
        let cases = [
            ("Active", "Messages being delivered.", Severity::Info, None),
            ("Ready", "Queue ready, waiting for messages.", Severity::Info, None),
            (
                "Retry",
                "Temporary failure, will retry",
                Severity::Warning,
                Some("Retry-Queue -Identity 'CMHYBD01\\6' -Resubmit $true"),
            ),
            (
                "Suspended",
                "Queue manually suspended",
                Severity::Warning,
                Some("Resume-Queue -Identity 'CMHYBD01\\6'"),
            ),
            (
                "Connecting",
                "opening a connection",
                Severity::Info,
                Some("Get-Queue -Identity 'CMHYBD01\\6'"),
            ),
        ];
        for (status, meaning, severity, command) in cases {
            let advice = advise(&facts(
                "CMHYBD01\\6",
                status,
                "SmartHostConnectorDelivery",
                "cloudfield.mail.protection.outlook.com",
            ));
            assert_eq!(advice.state, status);
            assert!(advice.meaning.contains(meaning), "{status}: {}", advice.meaning);
            assert_eq!(advice.severity, severity, "{status}");
            match command {
                Some(command) => assert!(
                    advice.commands.iter().any(|c| c.starts_with(command)),
                    "{status}: {:?}",
                    advice.commands
                ),
                None => assert!(advice.commands.is_empty(), "{status}"),
            }
        }
    }

    #[test]
    fn the_unreachable_queue_points_at_the_send_connector_and_resubmits() {
        let advice = advise(&facts(
            "CMHYBD01\\Unreachable",
            "Ready",
            "Unreachable",
            "Unreachable Domain",
        ));
        assert_eq!(advice.state, "Unreachable");
        assert_eq!(advice.severity, Severity::Error);
        assert!(advice.action.contains("send connector address spaces"));
        assert!(advice
            .commands
            .contains(&"Retry-Queue -Identity 'CMHYBD01\\Unreachable' -Resubmit $true".to_string()));
        assert!(advice.commands.iter().any(|c| c.contains("Test-HybridSendConnector")));
    }

    #[test]
    fn queues_over_the_threshold_are_flagged_with_their_oldest_messages() {
        let mut big = facts(
            "CMHYBD01\\6",
            "Active",
            "SmartHostConnectorDelivery",
            "cloudfield.mail.protection.outlook.com",
        );
        big.message_count = Some(501);
        big.threshold = Some(500);
        let advice = advise(&big);
        assert!(advice.over_threshold);
        assert_eq!(advice.severity, Severity::Warning);
        assert!(advice.commands[0].contains("Sort-Object DateReceived"));
        big.message_count = Some(500);
        assert!(!advise(&big).over_threshold);
    }

    #[test]
    fn a_filling_submission_queue_is_a_warning_an_empty_one_normal() {
        let mut submission = facts("CMHYBD01\\Submission", "Ready", "Undefined", "Submission");
        assert_eq!(advise(&submission).severity, Severity::Warning);
        submission.message_count = Some(0);
        assert_eq!(advise(&submission).severity, Severity::Info);
    }

    #[test]
    fn a_queue_name_with_multibyte_characters_is_not_cut_inside_one() {
        // Found by tests/config_props.rs: the Shadow prefix test sliced seven bytes of any name.
        assert_eq!(
            queue_kind(&facts("CMHYBD01\\Shädow\\3", "Ready", "", "")),
            QueueKind::Delivery
        );
        assert_eq!(
            queue_kind(&facts("CMHYBD01\\shadow\\3", "Ready", "", "")),
            QueueKind::Shadow
        );
    }

    #[test]
    fn identities_with_quotes_are_escaped() {
        let advice = advise(&facts(
            "CMHYBD01\\o'brien.example",
            "Suspended",
            "DnsConnectorDelivery",
            "o'brien.example",
        ));
        assert_eq!(
            advice.commands,
            vec!["Resume-Queue -Identity 'CMHYBD01\\o''brien.example'".to_string()]
        );
    }

    #[test]
    fn the_drafts_checklist_follows_the_lab_guide_order() {
        let advice = submission_checklist("CMHYBD01");
        assert_eq!(advice.state, "NotSubmitted");
        assert!(advice.steps[0].contains("MSExchange* services"));
        assert!(advice.steps[1].contains("Mounted"));
        assert!(advice.steps[2].contains("Submission queue"));
        assert!(advice
            .commands
            .iter()
            .any(|c| c == "Get-Queue -Identity 'CMHYBD01\\Submission'"));
        assert!(advice
            .commands
            .iter()
            .any(|c| c.contains("Get-MailboxDatabase -Server 'CMHYBD01' -Status")));
        assert!(submission_checklist("").commands[0].starts_with("Get-Service MSExchange* |"));
    }
}
