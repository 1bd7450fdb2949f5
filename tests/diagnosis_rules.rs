//! Every built-in rule, tested on the real-format text it exists for: that rule must be the best finding.

use std::collections::BTreeSet;

use hybridmailflow_engine::diagnosis::{Context, Direction, KnowledgeBase, LogKind, Severity, UNRECOGNIZED};

include!("cases/diagnosis.rs");

fn best(text: &str, ctx: &Context) -> hybridmailflow_engine::diagnosis::Finding {
    KnowledgeBase::builtin().diagnose_best(text, ctx)
}

#[test]
fn each_rule_is_the_best_finding_for_its_text() {
    let failures: Vec<String> = CASES
        .iter()
        .filter_map(|case| {
            let found = best(case.text, &case.context());
            (found.rule_id != case.rule).then(|| format!("{}: got {} for {:?}", case.rule, found.rule_id, case.text))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn best_match_names_each_rule_and_builds_the_same_finding() {
    let kb = KnowledgeBase::builtin();
    for case in CASES {
        let ctx = case.context();
        let best = kb.best_match(case.text, &ctx);
        assert_eq!(best.rule_id(), case.rule, "{}", case.text);
        assert!(best.is_recognized());
        assert_eq!(best.finding(), kb.diagnose_best(case.text, &ctx), "{}", case.text);
    }
    let no_context = Context::default();
    let unknown = kb.best_match("553 5.7.850 Something no rule knows", &no_context);
    assert_eq!((unknown.rule_id(), unknown.is_recognized()), (UNRECOGNIZED, false));
    assert_eq!(
        (unknown.code(), unknown.enhanced_code().map(|e| e.to_string())),
        (Some(553), Some("5.7.850".to_string()))
    );
    assert_eq!(unknown.severity(), Severity::Error);
}

#[test]
fn diagnose_lists_the_best_finding_first() {
    for case in CASES {
        let all = KnowledgeBase::builtin().diagnose(case.text, &case.context());
        assert_eq!(all[0].rule_id, case.rule, "{}", case.text);
        let ids: BTreeSet<&str> = all.iter().map(|f| f.rule_id.as_str()).collect();
        assert_eq!(ids.len(), all.len(), "a rule is listed twice for {:?}", case.text);
    }
}

#[test]
fn every_builtin_rule_has_a_case_and_there_are_at_least_120() {
    let rules: BTreeSet<&str> = KnowledgeBase::builtin().rule_ids().collect();
    let cases: BTreeSet<&str> = CASES.iter().map(|c| c.rule).collect();
    assert!(rules.len() >= 120, "only {} rules", rules.len());
    assert_eq!(cases.len(), CASES.len(), "a rule has two cases");
    let untested: Vec<_> = rules.difference(&cases).collect();
    let unknown: Vec<_> = cases.difference(&rules).collect();
    assert!(untested.is_empty(), "rules without a case: {untested:?}");
    assert!(unknown.is_empty(), "cases for rules that do not exist: {unknown:?}");
}

#[test]
fn commands_are_filled_with_values_from_the_text() {
    let mismatch = best(
        "450 4.4.317 Cannot establish session — SubjectMismatch. Expected: mail.cloudmonkeys.xyz, Presented: CN=cmedge01.cloudmonkeys.xyz",
        &Context { connector: Some("CMEDGE01\\Default internal receive connector CMEDGE01".into()), ..Context::default() },
    );
    assert!(mismatch.commands.contains(&"Set-ReceiveConnector 'CMEDGE01\\Default internal receive connector CMEDGE01' -Fqdn 'mail.cloudmonkeys.xyz'".to_string()), "{:#?}", mismatch.commands);

    let spamhaus = best(
        "550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus",
        &Context::default(),
    );
    assert!(
        spamhaus
            .commands
            .contains(&"Resolve-DnsName -Name '27.7.57.241' -Type PTR".to_string()),
        "{:#?}",
        spamhaus.commands
    );

    let regkey = best(
        "The registry key 'SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Pickup' does not exist",
        &Context::default(),
    );
    assert_eq!(
        regkey.commands[0],
        "reg add 'HKLM\\SOFTWARE\\Microsoft\\ExchangeServer\\v15\\Pickup' /f"
    );

    let auth = best(
        "Outbound TLS authentication failed for auth level DomainValidation with error SubjectMismatch",
        &Context::default(),
    );
    assert!(
        auth.commands
            .iter()
            .any(|c| c.contains("-TlsAuthLevel DomainValidation")),
        "{:#?}",
        auth.commands
    );

    let refused = best(
        "Reason: [{LED=450 4.4.316 Connection refused [Message=Socket error code 10061] [LastAttemptedServerName=mail.cloudmonkeys.xyz] [LastAttemptedIP=27.7.57.241:25]};{MSG=};{FQDN=mail.cloudmonkeys.xyz};{IP=27.7.57.241};{LRT=5/1/2026 6:06:57 AM}]",
        &Context::default(),
    );
    assert_eq!(
        refused.commands[0],
        "Test-NetConnection -ComputerName '27.7.57.241' -Port 25"
    );
}

#[test]
fn a_value_not_in_the_text_stays_a_readable_placeholder() {
    let unreachable = best(
        "A matching connector cannot be found to route the external recipient",
        &Context::default(),
    );
    assert!(
        unreachable.commands.contains(
            &"Set-SendConnector 'Outbound to Office 365' -AddressSpaces @{Add='smtp:<domain>;1'}".to_string()
        ),
        "{:#?}",
        unreachable.commands
    );
    let with_recipient = best("{ramki@cloudfield.onmicrosoft.com;2;2;A matching connector cannot be found to route the external recipient;16;<No Matching Connector>;0}", &Context::default());
    assert!(with_recipient.commands.contains(
        &"Set-SendConnector 'Outbound to Office 365' -AddressSpaces @{Add='smtp:cloudfield.onmicrosoft.com;1'}"
            .to_string()
    ));
}

#[test]
fn text_from_a_remote_server_cannot_inject_powershell() {
    let finding = best(
        "550 5.7.1 Client host [27.7.57.241] blocked using Spamhaus; ramki@x.y'$(Stop-Computer).cloudmonkeys.xyz",
        &Context::default(),
    );
    for command in &finding.commands {
        assert!(!command.contains("$(Stop"), "{command}");
    }
}

#[test]
fn the_innermost_cause_is_diagnosed_and_the_wrappers_are_kept_as_context() {
    let text = "450 4.7.0 Proxy session setup failed on Frontend with '451 4.4.0 Primary target IP address responded with: \"454 4.7.5 Certificate validation failure, Reason: SubjectMismatch.\" Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 40.107.1.2:25'";
    let finding = best(text, &Context::default());
    assert_eq!(finding.rule_id, "HMF-TLS-4.7.5-SubjectMismatch");
    assert_eq!(
        finding.matched_text,
        "454 4.7.5 Certificate validation failure, Reason: SubjectMismatch"
    );
    assert_eq!(
        (finding.code, finding.enhanced_code.as_deref()),
        (Some(454), Some("4.7.5"))
    );
    assert_eq!(finding.context_text.len(), 2);
    assert_eq!(finding.context_text[0], text);
    assert!(finding.context_text[1].starts_with("451 4.4.0 Primary target IP address responded with"));
    let all = KnowledgeBase::builtin().diagnose(text, &Context::default());
    assert!(
        all.iter().any(|f| f.rule_id == "HMF-PROXY-SETUP"),
        "the wrapper is still explained"
    );
}

// Regression: a failover wrapper quoting an Exchange Online reply with its own `[Message=...]` was peeled straight
// to that Message (the marker found first in the list, not in the text), skipping the quoted reply, so the
// wrapper's generic rule won over the 4.4.317 one.
#[test]
fn a_wrapper_is_peeled_before_the_message_inside_what_it_quotes() {
    let text = "451 4.4.0 Primary target IP address responded with: \"450 4.4.317 Cannot connect to remote server [Message=SubjectMismatch] [LastAttemptedServerName=cloudfield.mail.protection.outlook.com] [LastAttemptedIP=40.107.22.54:25].\" Attempted failover to alternate host, but that did not succeed. Either there are no alternate hosts, or delivery failed to all alternate hosts. The last endpoint attempted was 40.107.22.54:25";
    let finding = best(text, &Context::default());
    assert_eq!(finding.rule_id, "EXO-4.4.317-SubjectMismatch");
    assert_eq!(finding.enhanced_code.as_deref(), Some("4.4.317"));
    assert!(finding
        .context_text
        .iter()
        .any(|c| c.starts_with("451 4.4.0 Primary target IP address responded with")));
}

#[test]
fn context_decides_between_rules_for_the_same_text() {
    let relay = "550 5.7.1 Unable to relay";
    assert_eq!(best(relay, &Context::default()).rule_id, "EXO-5.7.1-UnableToRelay");
    assert_eq!(
        best(
            relay,
            &Context {
                direction: Some(Direction::Receive),
                ..Context::default()
            }
        )
        .rule_id,
        "HMF-RELAY-Receive"
    );
    assert_eq!(
        best(
            relay,
            &Context {
                direction: Some(Direction::Send),
                ..Context::default()
            }
        )
        .rule_id,
        "EXO-5.7.1-UnableToRelay"
    );
    let expired = "550 4.4.7 QUEUE.Expired; message expired";
    assert_eq!(best(expired, &Context::default()).rule_id, "EXO-4.4.7");
    assert_eq!(
        best(
            expired,
            &Context {
                log_type: Some(LogKind::Queue),
                ..Context::default()
            }
        )
        .rule_id,
        "HMF-Q-Expired"
    );
    let ready = "220 2.0.0 SMTP server ready";
    assert_eq!(best(ready, &Context::default()).rule_id, "HMF-SMTP-220");
    assert_eq!(
        best(
            ready,
            &Context {
                preceding: Some("starttls".into()),
                ..Context::default()
            }
        )
        .rule_id,
        "HMF-SMTP-220-STARTTLS"
    );
}

#[test]
fn unknown_text_gets_one_unrecognized_finding_with_the_rfc3463_meaning() {
    let kb = KnowledgeBase::builtin();
    let all = kb.diagnose("553 5.7.850 Something no rule knows", &Context::default());
    assert_eq!(all.len(), 1);
    let finding = &all[0];
    assert_eq!(finding.rule_id, UNRECOGNIZED);
    assert_eq!(
        (finding.code, finding.enhanced_code.as_deref()),
        (Some(553), Some("5.7.850"))
    );
    assert!(
        finding.meaning.contains("permanent failure") && finding.meaning.contains("security or policy"),
        "{}",
        finding.meaning
    );
    assert!(finding.confidence < 0.3);
    assert_eq!(finding.severity, Severity::Error);

    let transient = kb.diagnose_best("4.2.9", &Context::default());
    assert!(
        transient.meaning.contains("persistent transient") && transient.meaning.contains("mailbox status"),
        "{}",
        transient.meaning
    );
    assert_eq!(transient.severity, Severity::Warning);

    let basic = kb.diagnose_best("452 Requested action not taken", &Context::default());
    assert_eq!(basic.rule_id, UNRECOGNIZED);
    assert!(basic.meaning.contains("4xx"), "{}", basic.meaning);

    for nothing in ["", "   ", "hello world"] {
        let all = kb.diagnose(nothing, &Context::default());
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].rule_id, UNRECOGNIZED);
        assert_eq!(all[0].code, None);
    }
}

#[test]
fn confidence_grows_with_what_matched() {
    let bare = best("554 Transaction failed", &Context::default());
    let rich = best(
        "454 4.7.5 Certificate validation failure, Reason: SubjectMismatch",
        &Context::default(),
    );
    assert!(bare.confidence < rich.confidence);
    assert!(rich.confidence > 0.5 && rich.confidence <= 1.0);
}

const USER_RULES: &str = r#"
[[rule]]
id = "EXO-5.7.64"
title = "Our inbound connector lost its certificate name again"
severity = "Critical"
match = { enhanced = ["5.7.64"] }
meaning = "Happens after each certificate renewal here."
commands = ["Set-InboundConnector 'From CMHYBD01' -TlsSenderCertificateName 'mail.cloudmonkeys.xyz'"]

[[rule]]
id = "LOCAL-QUEUE-TEXT"
title = "Local wording"
severity = "Info"
match = { code = [550] }
meaning = "Any 550, as this organization wants it."
"#;

#[test]
fn user_rules_replace_builtin_rules_with_the_same_id_and_rank_first() {
    let kb = KnowledgeBase::with_user_rules(USER_RULES, "site.toml").expect("valid user rules");
    assert_eq!(kb.len(), KnowledgeBase::builtin().len() + 1);
    let all = kb.diagnose("550 5.7.64 TenantAttribution; Relay Access Denied", &Context::default());
    assert_eq!(all[0].rule_id, "EXO-5.7.64");
    assert_eq!(all[0].title, "Our inbound connector lost its certificate name again");
    assert_eq!(all[1].rule_id, "LOCAL-QUEUE-TEXT");
    assert_eq!(all.iter().filter(|f| f.rule_id == "EXO-5.7.64").count(), 1);
    let relay = kb.diagnose("550 5.7.1 Unable to relay", &Context::default());
    assert_eq!(relay[0].rule_id, "LOCAL-QUEUE-TEXT");
    assert_eq!(relay[1].rule_id, "EXO-5.7.1-UnableToRelay");
}

#[test]
fn a_broken_user_file_is_an_error_naming_file_rule_and_problem() {
    let broken = USER_RULES.replace("severity = \"Info\"", "severity = \"Fatal\"");
    let error = KnowledgeBase::with_user_rules(&broken, "site.toml")
        .err()
        .expect("invalid severity");
    assert_eq!(error.source_name, "site.toml");
    assert_eq!(error.rule.as_deref(), Some("#2 (LOCAL-QUEUE-TEXT)"));
    assert!(
        error
            .to_string()
            .starts_with("site.toml: rule #2 (LOCAL-QUEUE-TEXT): severity 'Fatal'"),
        "{error}"
    );
}

#[test]
fn every_builtin_finding_has_a_learn_reference() {
    for case in CASES {
        let finding = best(case.text, &case.context());
        assert!(!finding.references.is_empty(), "{}", case.rule);
        assert!(
            finding
                .references
                .iter()
                .all(|r| r.starts_with("https://learn.microsoft.com/")),
            "{}: {:?}",
            case.rule,
            finding.references
        );
        assert!(!finding.causes.is_empty() && !finding.fix.is_empty(), "{}", case.rule);
    }
}

/// The best finding for `text` (no context), which must come from `rule`.
fn explained(text: &str, rule: &str) -> hybridmailflow_engine::diagnosis::Finding {
    let finding = best(text, &Context::default());
    assert_eq!(finding.rule_id, rule, "{text}");
    finding
}

fn ids_of_all(text: &str, ctx: &Context) -> Vec<String> {
    KnowledgeBase::builtin()
        .diagnose(text, ctx)
        .into_iter()
        .map(|f| f.rule_id)
        .collect()
}

// Issue 13, item 7: answers that were wrong, each pinned on the exact text.
#[test]
fn a_missing_tls_certificate_name_is_the_local_certificate_after_a_renewal() {
    let text = "454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found.";
    let finding = explained(text, "HMF-TLS-4.7.5-CertificateNotFound");
    assert!(
        finding.meaning.contains("local problem, not the remote certificate"),
        "{}",
        finding.meaning
    );
    assert!(finding.commands.contains(
        &"$cert = Get-ExchangeCertificate -Thumbprint '<thumbprint>'; Set-SendConnector -Identity '<connector>' -TlsCertificateName \"<I>$($cert.Issuer)<S>$($cert.Subject)\"".to_string()
    ), "{:#?}", finding.commands);
}

#[test]
fn mailbox_full_is_not_a_submission_quota() {
    let text = "554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException.MapiExceptionShutoffQuotaExceeded; Failed to process message due to a permanent exception";
    assert_eq!(best(text, &Context::default()).rule_id, "HMF-5.2.2-MailboxFull");
    assert!(!ids_of_all(text, &Context::default()).contains(&"EXO-5.2.2".to_string()));
    assert_eq!(
        best("550 5.2.2 Submission quota exceeded", &Context::default()).rule_id,
        "EXO-5.2.2"
    );
}

#[test]
fn corrupt_content_and_conversion_failures_are_content_conversion_with_what_to_do() {
    for text in [
        "554 5.6.0 Corrupt message content",
        "554 5.6.0 STOREDRV.Deliver.Exception:ConversionFailedException; Failed to process message due to a permanent exception with message Content conversion: Corrupt summary tnef content.",
        "Microsoft.Exchange.Data.Storage.ConversionFailedException: Content conversion: Corrupt summary tnef content.",
    ] {
        let finding = best(text, &Context::default());
        assert_eq!(finding.rule_id, "HMF-5.6.0-ContentConversion", "{text}");
        assert!(finding.commands.iter().any(|c| c.contains("-ContentConversionTracingEnabled $true")));
    }
}

#[test]
fn external_forwarding_points_at_the_outbound_spam_policy_and_remote_domains() {
    let finding = explained(
        "550 5.7.520 Access denied, Your organization does not allow external forwarding.",
        "EXO-5.7.520",
    );
    for needed in [
        "Get-HostedOutboundSpamFilterPolicy",
        "AutoForwardingMode On",
        "Get-RemoteDomain",
    ] {
        assert!(
            finding.commands.iter().any(|c| c.contains(needed)),
            "{needed}: {:#?}",
            finding.commands
        );
    }
}

#[test]
fn a_message_deleted_by_an_administrator_is_final() {
    let finding = explained(
        "550 4.3.2 QUEUE.Admin; message deleted by administrative action",
        "HMF-Q-AdminDeleted",
    );
    assert!(finding.meaning.contains("This is final"), "{}", finding.meaning);
}

#[test]
fn message_delayed_is_a_notice_not_an_expiry() {
    let ids = ids_of_all("4.4.7 Message delayed", &Context::default());
    assert_eq!(ids[0], "HMF-4.4.7-Delayed");
    assert!(!ids.contains(&"EXO-4.4.7".to_string()), "{ids:?}");
    assert!(best("4.4.7 Message delayed", &Context::default())
        .meaning
        .contains("still in a queue"));
}

#[test]
fn spamhaus_fixes_pass_our_send_connector_checks_and_look_up_the_listed_address() {
    // A tracking FAIL's RecipientStatus: {IP=} is Exchange Online's address, the listed one is in the text.
    let text = "[{LED=550 5.7.1 Service unavailable, Client host [27.7.57.241] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/27.7.57.241 (AS3130) [BN8NAM12FT042.eop-nam12.prod.protection.outlook.com]};{MSG=};{FQDN=cloudfield-onmicrosoft-com.mail.protection.outlook.com};{IP=40.93.4.4};{LRT=5/1/2026 6:06:57 AM}]";
    let ctx = Context {
        log_type: Some(LogKind::MessageTracking),
        ..Context::default()
    };
    for finding in KnowledgeBase::builtin().diagnose(text, &ctx) {
        for command in &finding.commands {
            assert!(
                !command.contains("smtp.office365.com"),
                "{}: {command}",
                finding.rule_id
            );
            assert!(!command.contains("40.93.4.4"), "{}: {command}", finding.rule_id);
        }
    }
    let spamhaus = best(text, &ctx);
    assert_eq!(spamhaus.rule_id, "HMF-BLOCKLIST-SPAMHAUS");
    assert!(spamhaus
        .commands
        .contains(&"Resolve-DnsName -Name '27.7.57.241' -Type PTR".to_string()));
    assert!(spamhaus
        .commands
        .iter()
        .any(|c| c.contains("-SmartHosts '<tenant>.mail.protection.outlook.com'")));
}

#[test]
fn connection_dropped_says_what_to_check() {
    let finding = explained("421 4.4.2 Connection dropped", "HMF-CONN-Dropped");
    assert!(
        finding.fix.iter().any(|f| f.contains("last command before the drop")),
        "{:#?}",
        finding.fix
    );
    assert!(
        finding.fix.iter().all(|f| !f.starts_with("Let the queue retry")),
        "{:#?}",
        finding.fix
    );
}

#[test]
fn spf_deferrals_and_tls_failures_quoted_by_exchange_online_are_what_they_are() {
    let spf = explained(
        "451 4.7.23 Temporary error: unable to verify SPF policy of cloudmonkeys.xyz",
        "EXO-4.7.23",
    );
    assert!(spf.meaning.contains("not an SPF failure"));
    for (text, rule) in [
        (
            "450 4.4.317 Cannot connect to remote server [Message=SecurityStatus: SEC_E_ILLEGAL_MESSAGE (0x80090326)]",
            "EXO-4.4.317-TLS",
        ),
        (
            "450 4.4.317 Cannot connect to remote server [Message=SocketError: ConnectionReset]",
            "EXO-4.4.317-TLS",
        ),
        (
            "450 4.4.317 Cannot connect to remote server [Message=UntrustedRoot]",
            "EXO-4.4.317-UntrustedRoot",
        ),
        ("450 4.4.317 Cannot connect to remote server", "EXO-4.4.317"),
    ] {
        assert_eq!(best(text, &Context::default()).rule_id, rule, "{text}");
    }
}

// Issue 13, item 9: the most specific finding first, and Confidence in the same order.
#[test]
fn a_text_that_names_the_cause_beats_the_generic_code_and_ranks_higher() {
    let all = KnowledgeBase::builtin().diagnose(
        "454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found.",
        &Context::default(),
    );
    assert_eq!(all[0].rule_id, "HMF-TLS-4.7.5-CertificateNotFound");
    let generic = all
        .iter()
        .position(|f| f.rule_id == "HMF-SMTP-454-4.7.5")
        .expect("the generic 454 4.7.5 still matches");
    assert!(all[0].confidence > all[generic].confidence);
}
