//! The outcomes a session can have are the engine's (`Outcome::ALL`); the module repeats them once, as the
//! `SmtpOutcome` enum that types `-Outcome` (tab completion, validation before the engine sees a value). An outcome
//! added to one and not the other would be refused by PowerShell, or never offered: the two lists must be equal,
//! in the same order.

use std::path::Path;

use hybridmailflow_engine::protocol::Outcome;

#[test]
fn the_modules_outcome_enum_names_the_engines_outcomes_in_order() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ps-module/src/Model/SmtpOutcome.cs");
    let text = std::fs::read_to_string(&path).unwrap();
    let body = text
        .split_once("enum SmtpOutcome")
        .and_then(|(_, rest)| rest.split_once('{'))
        .and_then(|(_, rest)| rest.split_once('}'))
        .map(|(body, _)| body)
        .expect("SmtpOutcome.cs declares enum SmtpOutcome { ... }");
    let module: Vec<&str> = body
        .lines()
        .map(|line| line.trim().trim_end_matches(','))
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .collect();
    let engine: Vec<&str> = Outcome::ALL.iter().map(|o| o.name()).collect();
    assert_eq!(module, engine);
}
