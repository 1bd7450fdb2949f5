//! The rule format (TOML, the same for the built-in files and for `-RulePath`) and its validation.
//!
//! ```toml
//! [[rule]]
//! id = "HMF-TLS-0003"
//! title = "..."
//! severity = "Error"                       # Info | Warning | Error | Critical
//! match = { enhanced = ["4.7.500-699"], code = [451], text = ["literal"], regex = ["(?P<name>...)"],
//!           unless = ["literal"], direction = "Send", log_type = ["Queue"], preceding = ["STARTTLS"] }
//! meaning = "..."
//! causes = ["most likely first", "..."]
//! fix = ["step", "..."]
//! commands = ["Set-SendConnector '{connector}' -TlsDomain '{expected_name}'"]
//! references = ["https://learn.microsoft.com/..."]
//! priority = 0                             # optional tie-breaker added to the score
//! ```
//! Every condition given must hold; within a list, one entry is enough. Texts are case-insensitive.

use std::collections::HashSet;
use std::fmt;

use regex::Regex;
use serde::Deserialize;

use super::scan::EnhancedCode;
use super::{Direction, LogKind, Severity};
use crate::powershell::SINGLE_QUOTES;

/// A rule file could not be used. Names the file, the rule (position and id) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub source_name: String,
    /// `#3 (HMF-TLS-0003)`, `#3` when the id is missing, or None for an error of the file as a whole.
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Some(rule) => write!(f, "{}: rule {}: {}", self.source_name, rule, self.message),
            None => write!(f, "{}: {}", self.source_name, self.message),
        }
    }
}

impl std::error::Error for RuleError {}

/// The values a command template can name. Anything else in braces must be a named group of the rule's regex.
pub(crate) const PLACEHOLDERS: &[&str] = &[
    "domain",
    "address",
    "connector",
    "ip",
    "sending_ip",
    "fqdn",
    "certificate_subject",
    "expected_name",
    "queue",
    "server",
    "winsock",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: String,
    title: String,
    severity: String,
    #[serde(rename = "match")]
    matcher: MatchSpec,
    meaning: String,
    #[serde(default)]
    causes: Vec<String>,
    #[serde(default)]
    fix: Vec<String>,
    #[serde(default)]
    commands: Vec<String>,
    #[serde(default)]
    references: Vec<String>,
    #[serde(default)]
    priority: i32,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MatchSpec {
    #[serde(default)]
    enhanced: Vec<String>,
    #[serde(default)]
    code: Vec<u16>,
    #[serde(default)]
    text: Vec<String>,
    #[serde(default)]
    regex: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    direction: Option<String>,
    #[serde(default)]
    log_type: Vec<String>,
    #[serde(default)]
    preceding: Vec<String>,
}

/// `4.7.500-699` or `5.7.*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EnhancedRange {
    pub class: u8,
    pub subject: u16,
    pub first: u16,
    pub last: u16,
}

impl EnhancedRange {
    pub fn contains(&self, code: EnhancedCode) -> bool {
        code.class == self.class && code.subject == self.subject && (self.first..=self.last).contains(&code.detail)
    }
}

/// A piece of a command template.
#[derive(Debug, Clone)]
pub(crate) enum Segment {
    Literal(String),
    /// Index into `PLACEHOLDERS`.
    Value(usize),
    /// A named group of the rule's regex.
    Capture(String),
}

/// A validated rule, ready for the index.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub meaning: String,
    pub causes: Vec<String>,
    pub fix: Vec<String>,
    pub commands: Vec<Vec<Segment>>,
    /// Whether a command names a group of the rule's regex.
    pub commands_capture: bool,
    pub references: Vec<String>,
    pub priority: i32,
    pub enhanced: Vec<EnhancedCode>,
    pub enhanced_ranges: Vec<EnhancedRange>,
    pub codes: Vec<u16>,
    /// Lower-cased literals; the index maps them to shared prefilter patterns.
    pub text: Vec<String>,
    pub regexes: Vec<Regex>,
    pub unless: Vec<String>,
    pub direction: Option<Direction>,
    pub log_types: Vec<LogKind>,
    pub preceding: Vec<String>,
    pub from_user: bool,
}

impl Rule {
    pub fn has_code_condition(&self) -> bool {
        !self.enhanced.is_empty() || !self.enhanced_ranges.is_empty() || !self.codes.is_empty()
    }
}

/// Parses and validates one rule file.
pub(crate) fn parse_rule_file(toml_text: &str, source_name: &str, from_user: bool) -> Result<Vec<Rule>, RuleError> {
    let file_error = |message: String| RuleError {
        source_name: source_name.to_string(),
        rule: None,
        message,
    };
    let table: toml::Table = toml::from_str(toml_text).map_err(|e| file_error(e.to_string().trim_end().to_string()))?;
    if let Some(key) = table.keys().find(|k| k.as_str() != "rule") {
        return Err(file_error(format!(
            "unknown top-level key '{key}': a rule file holds only [[rule]] tables"
        )));
    }
    let entries = match table.get("rule") {
        None => return Ok(Vec::new()),
        Some(toml::Value::Array(entries)) => entries,
        Some(_) => {
            return Err(file_error(
                "'rule' must be an array of tables, written [[rule]]".to_string(),
            ))
        }
    };
    let mut seen = HashSet::new();
    let mut rules = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let position = index + 1;
        let id = entry.get("id").and_then(toml::Value::as_str).map(str::to_string);
        let rule_error = |message: String| RuleError {
            source_name: source_name.to_string(),
            rule: Some(match &id {
                Some(id) => format!("#{position} ({id})"),
                None => format!("#{position}"),
            }),
            message,
        };
        let spec: RuleSpec = entry
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| rule_error(e.message().to_string()))?;
        if !seen.insert(spec.id.clone()) {
            return Err(rule_error(format!("duplicate id '{}' in this file", spec.id)));
        }
        rules.push(compile(spec, from_user).map_err(rule_error)?);
    }
    Ok(rules)
}

fn compile(spec: RuleSpec, from_user: bool) -> Result<Rule, String> {
    let id = spec.id.trim().to_string();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(format!("id '{id}' must be letters, digits, '-', '_' or '.'"));
    }
    if id.eq_ignore_ascii_case(super::UNRECOGNIZED) {
        return Err(format!("id '{id}' is reserved for text no rule matches"));
    }
    for (name, value) in [("title", &spec.title), ("meaning", &spec.meaning)] {
        if value.trim().is_empty() {
            return Err(format!("{name} is empty"));
        }
    }
    let severity = Severity::parse(&spec.severity).ok_or_else(|| {
        format!(
            "severity '{}' is not one of Info, Warning, Error, Critical",
            spec.severity
        )
    })?;
    let m = spec.matcher;
    if m.enhanced.is_empty() && m.code.is_empty() && m.text.is_empty() && m.regex.is_empty() {
        return Err(
            "match needs at least one of enhanced, code, text or regex (context alone matches every line)".to_string(),
        );
    }
    let mut enhanced = Vec::new();
    let mut enhanced_ranges = Vec::new();
    for code in &m.enhanced {
        match parse_enhanced_condition(code)? {
            EnhancedCondition::Exact(exact) => enhanced.push(exact),
            EnhancedCondition::Range(range) => enhanced_ranges.push(range),
        }
    }
    if let Some(code) = m.code.iter().find(|c| !(200..=599).contains(*c)) {
        return Err(format!("code {code} is not an SMTP reply code (200-599)"));
    }
    let literals = |list: &[String], key: &str| -> Result<Vec<String>, String> {
        list.iter()
            .map(|text| {
                let text = text.trim();
                if text.len() < 3 {
                    Err(format!(
                        "{key} entry '{text}' is shorter than 3 characters and would match almost anything"
                    ))
                } else {
                    Ok(text.to_ascii_lowercase())
                }
            })
            .collect()
    };
    let text = literals(&m.text, "text")?;
    let unless = literals(&m.unless, "unless")?;
    let regexes = m
        .regex
        .iter()
        .map(|pattern| {
            regex::RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
                .map_err(|e| format!("regex '{pattern}' does not compile: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let direction = m
        .direction
        .as_deref()
        .map(|d| Direction::parse(d).ok_or_else(|| format!("direction '{d}' is not Receive or Send")))
        .transpose()?;
    let log_types = m
        .log_type
        .iter()
        .map(|l| {
            LogKind::parse(l).ok_or_else(|| {
                format!("log_type '{l}' is not one of ProtocolLog, MessageTracking, Queue, MessageTrace, Ndr")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let preceding = literals(&m.preceding, "preceding")?;
    let captures: Vec<&str> = regexes.iter().flat_map(|r| r.capture_names().flatten()).collect();
    let commands = spec
        .commands
        .iter()
        .map(|template| compile_template(template, &captures))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(bad) = spec.references.iter().find(|r| !r.starts_with("https://")) {
        return Err(format!("reference '{bad}' is not an https:// address"));
    }
    Ok(Rule {
        id,
        title: spec.title.trim().to_string(),
        severity,
        meaning: spec.meaning.trim().to_string(),
        causes: spec.causes,
        fix: spec.fix,
        commands_capture: commands
            .iter()
            .flatten()
            .any(|segment| matches!(segment, Segment::Capture(_))),
        commands,
        references: spec.references,
        priority: spec.priority,
        enhanced,
        enhanced_ranges,
        codes: m.code,
        text,
        regexes,
        unless,
        direction,
        log_types,
        preceding,
        from_user,
    })
}

enum EnhancedCondition {
    Exact(EnhancedCode),
    Range(EnhancedRange),
}

fn parse_enhanced_condition(text: &str) -> Result<EnhancedCondition, String> {
    let text = text.trim();
    if let Some(code) = EnhancedCode::parse(text) {
        return Ok(EnhancedCondition::Exact(code));
    }
    let invalid = || format!("enhanced '{text}' is not x.y.z, x.y.a-b or x.y.* (x is 2, 4 or 5)");
    let (prefix, detail) = text.rsplit_once('.').ok_or_else(invalid)?;
    let probe = EnhancedCode::parse(&format!("{prefix}.0")).ok_or_else(invalid)?;
    let (first, last) = if detail == "*" {
        (0, 999)
    } else {
        let (first, last) = detail.split_once('-').ok_or_else(invalid)?;
        let parse = |n: &str| n.parse::<u16>().ok().filter(|v| *v <= 999);
        (parse(first).ok_or_else(invalid)?, parse(last).ok_or_else(invalid)?)
    };
    if first > last {
        return Err(format!("enhanced range '{text}' runs backwards"));
    }
    Ok(EnhancedCondition::Range(EnhancedRange {
        class: probe.class,
        subject: probe.subject,
        first,
        last,
    }))
}

/// Splits a template into literal text and `{name}` placeholders. Braces that do not enclose a lower-case
/// identifier (`@{Add='x'}`, `{ $_.Status }`) are PowerShell and stay literal.
/// Where a command's text is: PowerShell expands `$` and runs `$(...)` outside strings and inside "...", not in '...'.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Quoting {
    Bare,
    Single,
    Double,
}

fn quoting_after(mut state: Quoting, text: &str) -> Quoting {
    for c in text.chars() {
        state = match state {
            Quoting::Bare if SINGLE_QUOTES.contains(&c) => Quoting::Single,
            Quoting::Bare if c == '"' => Quoting::Double,
            // A doubled quote inside '...' is an escaped quote: it leaves and enters again.
            Quoting::Single if SINGLE_QUOTES.contains(&c) => Quoting::Bare,
            Quoting::Double if c == '"' => Quoting::Bare,
            same => same,
        };
    }
    state
}

/// Compiles a command template. Every `{placeholder}` must stand inside a single-quoted string: its value, taken from
/// a log or a remote server's reply, is then escaped by PowerShell's rules for single-quoted strings and cannot
/// become code or another argument.
fn compile_template(template: &str, captures: &[&str]) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    let mut literal = String::new();
    let mut quoting = Quoting::Bare;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let name_len = after
            .bytes()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
            .count();
        let is_placeholder =
            name_len > 0 && after.as_bytes()[0].is_ascii_lowercase() && after.as_bytes().get(name_len) == Some(&b'}');
        if !is_placeholder {
            literal.push_str(&rest[..=open]);
            rest = after;
            continue;
        }
        literal.push_str(&rest[..open]);
        quoting = quoting_after(quoting, &literal);
        if !literal.is_empty() {
            segments.push(Segment::Literal(std::mem::take(&mut literal)));
        }
        let name = &after[..name_len];
        if quoting != Quoting::Single {
            return Err(format!(
                "command '{template}' puts {{{name}}} outside single quotes: write '{{{name}}}' so that the value, \
                 which comes from a log, is quoted by PowerShell's rules"
            ));
        }
        if let Some(index) = PLACEHOLDERS.iter().position(|p| *p == name) {
            segments.push(Segment::Value(index));
        } else if captures.contains(&name) {
            segments.push(Segment::Capture(name.to_string()));
        } else {
            return Err(format!(
                "command '{template}' names {{{name}}}, which is neither one of {} nor a named group of the rule's regex",
                PLACEHOLDERS.join(", ")
            ));
        }
        rest = &after[name_len + 1..];
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        segments.push(Segment::Literal(literal));
    }
    Ok(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = r#"
[[rule]]
id = "TEST-1"
title = "A test rule"
severity = "warning"
match = { enhanced = ["4.7.500-699"], text = ["server busy"] }
meaning = "Throttled."
commands = ["Get-InboundConnector | Format-List Name,SenderIPAddresses", "Test-NetConnection '{fqdn}' -Port 25"]
"#;

    fn error_of(text: &str) -> RuleError {
        parse_rule_file(text, "custom.toml", true).expect_err("the file is invalid")
    }

    #[test]
    fn accepts_a_valid_rule() {
        let rules = parse_rule_file(VALID, "custom.toml", true).expect("valid");
        assert_eq!(rules.len(), 1);
        assert_eq!(rules[0].severity, Severity::Warning);
        assert_eq!(
            rules[0].enhanced_ranges,
            vec![EnhancedRange {
                class: 4,
                subject: 7,
                first: 500,
                last: 699
            }]
        );
        assert_eq!(rules[0].text, vec!["server busy".to_string()]);
    }

    #[test]
    fn errors_name_the_file_the_rule_and_the_problem() {
        let cases: &[(&str, &str, &str)] = &[
            (
                &VALID.replace("warning", "Loud"),
                "custom.toml: rule #1 (TEST-1)",
                "severity 'Loud'",
            ),
            (
                &VALID.replace("4.7.500-699", "4.7.699-500"),
                "custom.toml: rule #1 (TEST-1)",
                "runs backwards",
            ),
            (
                &VALID.replace("4.7.500-699", "9.9.9"),
                "custom.toml: rule #1 (TEST-1)",
                "is not x.y.z",
            ),
            (
                &VALID.replace("server busy", "ab"),
                "custom.toml: rule #1 (TEST-1)",
                "shorter than 3",
            ),
            (
                &VALID.replace("{fqdn}", "{fdqn}"),
                "custom.toml: rule #1 (TEST-1)",
                "names {fdqn}",
            ),
            (
                &VALID.replace("text = [", "txt = ["),
                "custom.toml: rule #1 (TEST-1)",
                "unknown field `txt`",
            ),
            (
                &VALID.replace("id = \"TEST-1\"\n", ""),
                "custom.toml: rule #1:",
                "missing field `id`",
            ),
            (
                &format!("{VALID}{VALID}"),
                "custom.toml: rule #2 (TEST-1)",
                "duplicate id",
            ),
            (
                &VALID.replace("id = \"TEST-1\"", "id = \"Unrecognized\""),
                "rule #1 (Unrecognized)",
                "reserved",
            ),
            ("[[rule]\nid = 1", "custom.toml: TOML parse error", ""),
            ("rules = []", "custom.toml: unknown top-level key 'rules'", ""),
        ];
        for (text, location, problem) in cases {
            let message = error_of(text).to_string();
            assert!(message.starts_with(location) || message.contains(location), "{message}");
            assert!(message.contains(problem), "{message}");
        }
    }

    #[test]
    fn a_rule_needs_something_to_match_besides_context() {
        let text = VALID.replace(
            r#"{ enhanced = ["4.7.500-699"], text = ["server busy"] }"#,
            r#"{ direction = "Send" }"#,
        );
        assert!(error_of(&text)
            .message
            .contains("at least one of enhanced, code, text or regex"));
    }

    #[test]
    fn a_bad_regex_is_reported_with_its_pattern() {
        let text = VALID.replace(r#"text = ["server busy"]"#, r#"regex = ["(unclosed"]"#);
        let error = error_of(&text);
        assert_eq!(error.rule.as_deref(), Some("#1 (TEST-1)"));
        assert!(
            error.message.contains("regex '(unclosed' does not compile"),
            "{}",
            error.message
        );
    }

    #[test]
    fn powershell_braces_stay_literal_and_captures_are_placeholders() {
        let segments = compile_template(
            "Get-Service | Where-Object { $_.Status } ; Set-X @{Add='y'} '{level}'",
            &["level"],
        )
        .unwrap();
        assert!(
            matches!(&segments[0], Segment::Literal(l) if l == "Get-Service | Where-Object { $_.Status } ; Set-X @{Add='y'} '")
        );
        assert!(matches!(&segments[1], Segment::Capture(c) if c == "level"));
        assert!(matches!(&segments[2], Segment::Literal(l) if l == "'"));
    }

    #[test]
    fn a_placeholder_outside_single_quotes_is_refused() {
        for template in [
            "Get-Recipient {address}",
            "Resolve-DnsName -Name \"_dmarc.{domain}\"",
            "Set-X -Name 'it''s' {domain}",
            "Get-Queue '{server}\\Unreachable' | Where-Object { $_.NextHopDomain -eq {domain} }",
        ] {
            let error = compile_template(template, &[]).unwrap_err();
            assert!(error.contains("outside single quotes"), "{template}: {error}");
        }
        for template in [
            "Get-Recipient '{address}'",
            "Resolve-DnsName -Name '_dmarc.{domain}'",
            "Set-X -Name 'it''s' -Domain '{domain}'",
            "Set-X -Name \"it's\" -Domain \u{2018}{domain}\u{2019}",
            "Set-SendConnector 'x' -AddressSpaces @{Add='smtp:{domain};1'}",
        ] {
            assert!(compile_template(template, &[]).is_ok(), "{template}");
        }
    }
}
