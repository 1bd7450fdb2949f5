//! The corpus of real texts (tests/data/diagnosis/corpus.tsv): NDRs, queue LastErrors, RecipientStatus, trace
//! details and protocol-log replies published in Microsoft's documentation and by admins, each with the rule that
//! must explain it first. The share diagnosed right is printed; every text must be (see the threshold below).

use std::collections::BTreeSet;

use hybridmailflow_engine::diagnosis::{Context, KnowledgeBase, LogKind, UNRECOGNIZED};

/// Every text of the corpus has a published meaning and a rule written for it, so a miss is a defect of the
/// knowledge base, not noise: the corpus is the acceptance set, and the threshold is all of it.
const REQUIRED_SHARE: f64 = 1.0;
const MIN_TEXTS: usize = 150;

const EXO_LIST: &str =
    "https://learn.microsoft.com/exchange/troubleshoot/email-delivery/ndr/non-delivery-reports-in-exchange-online";
const DSN_LIST: &str =
    "https://learn.microsoft.com/exchange/mail-flow/non-delivery-reports-and-bounce-messages/non-delivery-reports-and-bounce-messages";

/// The status codes of "Email non-delivery reports and SMTP errors in Exchange Online" (ranges by their ends and the
/// codes the table names in them).
const EXO_CODES: &[&str] = &[
    "4.3.2", "4.4.316", "4.4.7", "4.5.3", "4.7.26", "4.7.321", "4.7.322", "4.7.323", "4.7.324", "4.7.325", "4.7.500",
    "4.7.850", "5.0.350", "5.1.0", "5.1.1", "5.1.8", "5.1.10", "5.1.90", "5.2.2", "5.2.121", "5.2.122", "5.3.190",
    "5.4.1", "5.4.6", "5.4.14", "5.4.300", "5.5.0", "5.6.11", "5.7.1", "5.7.12", "5.7.13", "5.7.23", "5.7.25",
    "5.7.57", "5.7.64", "5.7.124", "5.7.133", "5.7.134", "5.7.135", "5.7.136", "5.7.321", "5.7.322", "5.7.323",
    "5.7.324", "5.7.325", "5.7.501", "5.7.502", "5.7.503", "5.7.504", "5.7.505", "5.7.506", "5.7.507", "5.7.508",
    "5.7.509", "5.7.510", "5.7.511", "5.7.512", "5.7.513", "5.7.606", "5.7.703", "5.7.705", "5.7.708", "5.7.750",
];

/// The status codes of "Delivery status notifications in Exchange Server".
const DSN_CODES: &[&str] = &[
    "4.3.1", "4.3.2", "4.4.1", "4.4.2", "4.4.7", "5.1.0", "5.1.1", "5.1.3", "5.1.4", "5.1.5", "5.1.6", "5.1.7",
    "5.1.8", "5.2.1", "5.2.2", "5.2.3", "5.3.0", "5.3.2", "5.3.3", "5.3.4", "5.3.5", "5.4.4", "5.4.6", "5.5.2",
    "5.5.3", "5.7.1", "5.7.3", "5.7.900",
];

/// Service mailboxes quoted in texts, not people's addresses.
const SERVICE_ADDRESSES: &[&str] = &["delist@messaging.microsoft.com"];
const LAB_DOMAINS: &[&str] = &["cloudmonkeys.xyz", "cloudfield.onmicrosoft.com", "contoso.com"];

struct Entry {
    line: usize,
    rule: String,
    kind: LogKind,
    /// The pages that publish the text (several when it is the same text on each).
    sources: Vec<String>,
    text: String,
}

fn corpus() -> Vec<Entry> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/diagnosis/corpus.tsv");
    let content = std::fs::read_to_string(path).expect("the corpus is checked in");
    content
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(index, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 4, "corpus.tsv:{}: rule, kind, source, text", index + 1);
            let kind = match fields[1] {
                "Ndr" => LogKind::Ndr,
                "Queue" => LogKind::Queue,
                "MessageTracking" => LogKind::MessageTracking,
                "MessageTrace" => LogKind::MessageTrace,
                "ProtocolLog" => LogKind::ProtocolLog,
                other => panic!("corpus.tsv:{}: unknown kind {other}", index + 1),
            };
            Entry {
                line: index + 1,
                rule: fields[0].to_string(),
                kind,
                sources: fields[2].split(' ').map(str::to_string).collect(),
                text: fields[3].to_string(),
            }
        })
        .collect()
}

fn context(entry: &Entry) -> Context {
    Context {
        log_type: Some(entry.kind),
        ..Context::default()
    }
}

#[test]
fn the_corpus_is_diagnosed_right() {
    let kb = KnowledgeBase::builtin();
    let entries = corpus();
    let misses: Vec<String> = entries
        .iter()
        .filter_map(|entry| {
            let ctx = context(entry);
            let found = kb.best_match(&entry.text, &ctx).rule_id();
            (found != entry.rule).then(|| {
                format!(
                    "corpus.tsv:{}: expected {}, got {} for {:?}",
                    entry.line, entry.rule, found, entry.text
                )
            })
        })
        .collect();
    let right = entries.len() - misses.len();
    let share = right as f64 / entries.len() as f64;
    println!(
        "corpus: {right} of {} real texts diagnosed right ({:.1}%)",
        entries.len(),
        share * 100.0
    );
    assert!(share >= REQUIRED_SHARE, "{}", misses.join("\n"));
}

#[test]
fn the_corpus_holds_enough_distinct_sourced_texts_of_real_rules() {
    let kb = KnowledgeBase::builtin();
    let rules: BTreeSet<&str> = kb.rule_ids().collect();
    let entries = corpus();
    let texts: BTreeSet<&str> = entries.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts.len(), entries.len(), "a text is in the corpus twice");
    assert!(entries.len() >= MIN_TEXTS, "only {} texts", entries.len());
    for entry in &entries {
        assert!(
            rules.contains(entry.rule.as_str()),
            "corpus.tsv:{}: no rule {}",
            entry.line,
            entry.rule
        );
        assert!(
            entry
                .sources
                .iter()
                .all(|s| s.starts_with("https://") || s.starts_with("http://")),
            "corpus.tsv:{}: each source must be an address",
            entry.line
        );
    }
}

#[test]
fn the_corpus_quotes_only_lab_and_service_addresses() {
    for entry in corpus() {
        for word in entry
            .text
            .split(|c: char| c.is_whitespace() || "<>[]();,'\"".contains(c))
        {
            let Some((_, domain)) = word.split_once('@') else {
                continue;
            };
            let domain = domain.trim_end_matches(['.', ':']).to_ascii_lowercase();
            let allowed = SERVICE_ADDRESSES.contains(&word.trim_end_matches(['.', ':']))
                || LAB_DOMAINS
                    .iter()
                    .any(|lab| domain == *lab || domain.ends_with(&format!(".{lab}")));
            assert!(allowed, "corpus.tsv:{}: {word} is not a lab address", entry.line);
        }
    }
}

/// Every status code of both published lists has a text of its page in the corpus, diagnosed by a rule (not by the
/// generic meaning of its class).
#[test]
fn every_code_of_exchanges_published_lists_has_a_rule() {
    let kb = KnowledgeBase::builtin();
    let entries = corpus();
    for (page, codes) in [(EXO_LIST, EXO_CODES), (DSN_LIST, DSN_CODES)] {
        let covered: BTreeSet<String> = entries
            .iter()
            .filter(|e| e.sources.iter().any(|s| s == page))
            .filter_map(|e| {
                let finding = kb.diagnose_best(&e.text, &context(e));
                assert_ne!(finding.rule_id, UNRECOGNIZED, "{}", e.text);
                finding.enhanced_code
            })
            .collect();
        let missing: Vec<&&str> = codes.iter().filter(|code| !covered.contains(**code)).collect();
        assert!(missing.is_empty(), "{page}: no text for {missing:?}");
    }
}

/// `diagnose` lists findings best first: their Confidence never rises down the list.
#[test]
fn findings_come_best_first_by_confidence() {
    let kb = KnowledgeBase::builtin();
    for entry in corpus() {
        let all = kb.diagnose(&entry.text, &context(&entry));
        for pair in all.windows(2) {
            assert!(
                pair[0].confidence >= pair[1].confidence,
                "corpus.tsv:{}: {} ({}) before {} ({})",
                entry.line,
                pair[0].rule_id,
                pair[0].confidence,
                pair[1].rule_id,
                pair[1].confidence
            );
        }
        assert!(all.iter().all(|f| (0.0..1.0).contains(&f.confidence)), "{}", entry.text);
    }
}
