//! Whatever text arrives (random, or a real error with bytes cut, repeated or swapped), diagnosis answers and
//! never panics, `best_match` agrees with the finding it stands for, findings sit on the layers
//! `parse_last_error` peels; and a generated LastError gives back its LED.

use hybridmailflow_engine::diagnosis::{parse_last_error, Context, Direction, KnowledgeBase, LogKind, UNRECOGNIZED};
use proptest::prelude::*;

include!("cases/diagnosis.rs");

fn any_context() -> impl Strategy<Value = Context> {
    (
        prop::option::of(prop_oneof![Just(Direction::Receive), Just(Direction::Send)]),
        prop::option::of(prop_oneof![
            Just(LogKind::ProtocolLog),
            Just(LogKind::Queue),
            Just(LogKind::MessageTrace)
        ]),
        prop::option::of("[A-Z ]{0,12}"),
        prop::option::of(".{0,20}"),
    )
        .prop_map(|(direction, log_type, preceding, connector)| Context {
            direction,
            log_type,
            preceding,
            connector,
        })
}

/// A real case text with a slice removed, a slice repeated, or structural characters sprinkled in.
fn mutated_case() -> impl Strategy<Value = String> {
    (
        0..CASES.len(),
        any::<u16>(),
        any::<u16>(),
        0u8..4,
        prop::sample::select(vec![
            "{",
            "}",
            "[",
            "]",
            "'",
            "\"",
            "{LED=",
            "[Message=",
            " -> ",
            "4.4.",
            ";",
        ]),
    )
        .prop_map(|(index, a, b, kind, noise)| {
            let text = CASES[index].text;
            let chars: Vec<char> = text.chars().collect();
            let (x, y) = (usize::from(a) % (chars.len() + 1), usize::from(b) % (chars.len() + 1));
            let (lo, hi) = (x.min(y), x.max(y));
            let mut out: String = match kind {
                0 => chars[..lo].iter().chain(&chars[hi..]).collect(),
                1 => chars[..hi].iter().chain(&chars[lo..]).collect(),
                2 => chars[lo..hi].iter().collect(),
                _ => chars[..lo].iter().collect::<String>() + noise + &chars[lo..].iter().collect::<String>(),
            };
            out.push_str(if kind == 3 { noise } else { "" });
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_text_always_gets_findings(text in "\\PC{0,300}", ctx in any_context()) {
        let findings = KnowledgeBase::builtin().diagnose(&text, &ctx);
        prop_assert!(!findings.is_empty());
        prop_assert_eq!(&findings[0], &KnowledgeBase::builtin().diagnose_best(&text, &ctx));
        for finding in &findings {
            prop_assert!((0.0..=1.0).contains(&finding.confidence));
        }
        parse_last_error(&text);
    }

    #[test]
    fn mutated_real_errors_always_get_findings(text in mutated_case(), ctx in any_context()) {
        let findings = KnowledgeBase::builtin().diagnose(&text, &ctx);
        prop_assert!(!findings.is_empty());
        let parsed = parse_last_error(&text);
        prop_assert!(text.contains(parsed.innermost.as_str()));
    }

    #[test]
    fn best_match_tells_what_the_best_finding_holds(text in prop_oneof![mutated_case(), "\\PC{0,300}"], ctx in any_context()) {
        let kb = KnowledgeBase::builtin();
        let best = kb.best_match(&text, &ctx);
        let finding = kb.diagnose_best(&text, &ctx);
        prop_assert_eq!(best.rule_id(), finding.rule_id.as_str());
        prop_assert_eq!(best.is_recognized(), finding.rule_id != UNRECOGNIZED);
        prop_assert_eq!(best.severity(), finding.severity);
        prop_assert_eq!(best.confidence(), finding.confidence);
        prop_assert_eq!(best.code(), finding.code);
        prop_assert_eq!(best.enhanced_code().map(|code| code.to_string()), finding.enhanced_code.clone());
        prop_assert_eq!(best.matched_text(), finding.matched_text.as_str());
        prop_assert_eq!(&best.finding(), &finding);
    }

    #[test]
    fn findings_are_made_on_the_layers_parse_last_error_peels(text in mutated_case(), ctx in any_context()) {
        let parsed = parse_last_error(&text);
        let layers: Vec<&str> = parsed.wrappers.iter().map(String::as_str).chain([parsed.innermost.as_str()]).collect();
        for finding in KnowledgeBase::builtin().diagnose(&text, &ctx) {
            let depth = finding.context_text.len();
            prop_assert!(depth < layers.len(), "{} layers, finding at {}", layers.len(), depth);
            let context: Vec<&str> = finding.context_text.iter().map(String::as_str).collect();
            prop_assert_eq!(&layers[..depth], context.as_slice());
            prop_assert_eq!(layers[depth], finding.matched_text.as_str());
        }
    }

    #[test]
    fn parse_last_error_gives_back_the_led(
        code in prop::sample::select(vec!["451 4.4.0", "550 5.7.1", "450 4.4.317", "421 4.4.2", "554 5.4.14"]),
        words in "[A-Za-z0-9.;:,' -]{0,60}",
        fqdn in "[a-z0-9-]{1,12}(\\.[a-z0-9-]{1,10}){1,3}",
        ip in (0u8..=255, 0u8..=255, 0u8..=255, 0u8..=255),
        lrt_first in any::<bool>(),
    ) {
        let led = format!("{code} {words}").trim().to_string();
        let ip = format!("{}.{}.{}.{}", ip.0, ip.1, ip.2, ip.3);
        let text = if lrt_first {
            format!("[{{LRT=5/1/2026 6:06:57 AM}};{{LED={led}}};{{FQDN={fqdn}}};{{IP={ip}}}]")
        } else {
            format!("[{{LED={led}}};{{MSG=}};{{FQDN={fqdn}}};{{IP={ip}}};{{LRT=5/1/2026 6:06:57 AM}}]")
        };
        let parsed = parse_last_error(&text);
        prop_assert_eq!(parsed.led.as_deref(), Some(led.as_str()));
        prop_assert_eq!(parsed.fqdn.as_deref(), Some(fqdn.as_str()));
        prop_assert_eq!(parsed.ip.as_deref(), Some(ip.as_str()));
        prop_assert_eq!(parsed.lrt.as_deref(), Some("5/1/2026 6:06:57 AM"));
        prop_assert_eq!(parsed.enhanced_code.as_deref(), code.split(' ').nth(1));
    }
}
