//! Failed sessions and failure lines of the bundled lab samples carry the knowledge base's diagnosis.

use std::path::PathBuf;

use hybridmailflow_engine::logfile::{Item, Step};
use hybridmailflow_engine::protocol::{ProtocolFilter, ProtocolReader, ProtocolRow, ReadMode, Session};

fn sample_sessions() -> Vec<Session> {
    let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut reader = ProtocolReader::new(ReadMode::Sessions, ProtocolFilter::default(), vec![samples]);
    let mut sessions = Vec::new();
    while let Step::Item(item) = reader.next() {
        if let Item::Row(ProtocolRow::Session(s)) = item {
            sessions.push(*s);
        }
    }
    sessions
}

#[test]
fn each_failed_lab_session_gets_the_rule_for_its_failure() {
    let expected = [
        ("08DEA74796A6D101", "EXO-4.4.317-SubjectMismatch"),
        ("08DEA74796A6D002", "HMF-EXO-DROPPED-AFTER-TLS"),
        ("08DEA74796A6F102", "HMF-TLS-OutboundAuthFailed"),
        ("08DEA74796A6E310", "HMF-PRX2"),
        ("08DEA74796A6F103", "HMF-BLOCKLIST-SPAMHAUS"),
        ("08DEA74796A6E320", "HMF-SMTP-503-5.5.2"),
        ("08DEA74796A6E330", "HMF-SMTP-504-5.7.4"),
        ("08DEA74796A6F104", "HMF-WINSOCK-10061"),
        ("08DEA74796A6E340", "HMF-AUTH-LoginDenied"),
        ("08DEA74796A6E350", "HMF-TLS-UnknownCredentials"),
        ("08DEA74796A6F105", "HMF-TLS-SocketError"),
    ];
    let sessions = sample_sessions();
    for (id, rule) in expected {
        let s = sessions
            .iter()
            .find(|s| s.session_id == id)
            .unwrap_or_else(|| panic!("no session {id}"));
        assert_eq!(
            s.diagnosis.first().map(|f| f.rule_id.as_str()),
            Some(rule),
            "{id}: {}",
            s.outcome_text
        );
        assert!(
            !s.diagnosis[0].fix.is_empty() && !s.diagnosis[0].meaning.is_empty(),
            "{id}: a diagnosis says what it means and how to fix it"
        );
    }
    // Sessions that did not fail carry no diagnosis; a failure with no rule still gets one finding.
    for s in &sessions {
        assert_eq!(s.diagnosis.is_empty(), !s.outcome.is_failure(), "{}", s.session_id);
    }
}

#[test]
fn failure_lines_carry_a_diagnosis_and_other_lines_none() {
    let samples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut reader = ProtocolReader::new(ReadMode::Entries, ProtocolFilter::default(), vec![samples]);
    let (mut diagnosed, mut plain) = (Vec::new(), 0);
    while let Step::Item(item) = reader.next() {
        if let Item::Row(ProtocolRow::Entry(e)) = item {
            match e.diagnosis.first() {
                Some(f) => diagnosed.push((e.data.clone(), e.context.clone(), f.rule_id.clone())),
                None => plain += 1,
            }
        }
    }
    assert!(plain > 300);
    let rule_of = |needle: &str| {
        diagnosed
            .iter()
            .find(|(d, c, _)| d.contains(needle) || c.contains(needle))
            .map(|(_, _, r)| r.as_str())
    };
    assert_eq!(rule_of("PRX2"), Some("HMF-PRX2"));
    assert_eq!(rule_of("535 5.7.3"), Some("HMF-AUTH-535"));
    assert_eq!(rule_of("UnknownCredentials"), Some("HMF-TLS-UnknownCredentials"));
    assert_eq!(rule_of("Winsock error code: 10061"), Some("HMF-WINSOCK-10061"));
    assert!(diagnosed
        .iter()
        .all(|(d, c, _)| !d.starts_with("250") && !c.starts_with("TLS protocol")));
}
