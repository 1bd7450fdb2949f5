//! Matching: candidates come from an index (enhanced code, code range, basic code) and one Aho-Corasick pass
//! over every rule literal; only candidates are evaluated. Layers are tried innermost first, and a deeper
//! layer outranks a wrapper, so the real cause comes before the message that carried it.

use std::collections::HashSet;
use std::sync::OnceLock;

use aho_corasick::automaton::{Automaton, OverlappingState};
use aho_corasick::dfa::DFA;
use aho_corasick::{Input, MatchKind};

use super::parse::{LayerCodes, Parsed};
use super::rfc3463;
use super::rules::{parse_rule_file, EnhancedRange, Rule, RuleError, Segment, PLACEHOLDERS};
use super::scan::{self, Codes, EnhancedCode};
use super::{Context, Finding, UNRECOGNIZED};

const BUILTIN_FILES: &[(&str, &str)] = &[
    ("rules/lab.toml", include_str!("../../rules/lab.toml")),
    ("rules/smtp.toml", include_str!("../../rules/smtp.toml")),
    ("rules/exchange-online.toml", include_str!("../../rules/exchange-online.toml")),
    ("rules/onprem-transport.toml", include_str!("../../rules/onprem-transport.toml")),
    ("rules/tls-auth.toml", include_str!("../../rules/tls-auth.toml")),
];

/// Scores: what a condition adds when it holds. A deeper layer adds more than any one condition, so the
/// innermost cause wins over its wrapper.
const EXACT_ENHANCED: i32 = 40;
const RANGE_ENHANCED: i32 = 30;
const BASIC: i32 = 10;
const TEXT: i32 = 30;
const CONTEXT: i32 = 15;
const LAYER_DEPTH: i32 = 60;

/// The rules and their index.
pub struct KnowledgeBase {
    rules: Vec<Rule>,
    /// (packed enhanced code, rule), sorted.
    exact: Vec<(u32, u32)>,
    ranges: Vec<(EnhancedRange, u32)>,
    /// Indexed by basic code - 200.
    basic: Vec<Vec<u32>>,
    /// The concrete DFA type, not `AhoCorasick`: that one dispatches every byte through a trait object.
    prefilter: Option<DFA>,
    /// Per prefilter pattern: the rules it nominates (through their `text`).
    pattern_rules: Vec<Vec<u32>>,
    /// Per rule: prefilter pattern ids of its `text` and of its `unless`.
    text_patterns: Vec<Vec<u32>>,
    unless_patterns: Vec<Vec<u32>>,
    /// Rules with neither a code nor a literal: their regex runs on every layer.
    regex_only: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Match {
    rule: u32,
    layer: usize,
    specificity: i32,
    score: i32,
}

fn pack(code: EnhancedCode) -> u32 {
    (u32::from(code.class) << 24) | (u32::from(code.subject) << 12) | u32::from(code.detail)
}

impl KnowledgeBase {
    /// The built-in rules (`rules/*.toml`), parsed once.
    pub fn builtin() -> &'static KnowledgeBase {
        static BUILTIN: OnceLock<KnowledgeBase> = OnceLock::new();
        // The files are compiled in and checked by the test suite: failing here is a build defect, not input.
        BUILTIN.get_or_init(|| load_builtin().unwrap_or_else(|error| panic!("built-in rules are invalid: {error}")))
    }

    /// The built-in rules plus the rules of one user file (same format). A user rule replaces the built-in rule
    /// with the same id, and user findings rank before built-in ones.
    pub fn with_user_rules(toml_text: &str, source_name: &str) -> Result<KnowledgeBase, RuleError> {
        let mut rules = parse_rule_file(toml_text, source_name, true)?;
        let replaced: HashSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        let kept: Vec<Rule> = Self::builtin().rules.iter().filter(|r| !replaced.contains(r.id.as_str())).cloned().collect();
        rules.extend(kept);
        Ok(Self::index(rules))
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule ids, user rules first.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }

    /// Every rule that matches, best first. Never empty: text no rule matches gives one `Unrecognized` finding.
    pub fn diagnose(&self, text: &str, ctx: &Context) -> Vec<Finding> {
        let parsed = Parsed::new(text);
        let layer_codes = parsed.layer_codes();
        let matches = self.matches(&parsed, &layer_codes, ctx);
        if matches.is_empty() {
            return vec![unrecognized(&parsed, &layer_codes)];
        }
        let mut values = Values::new(&parsed, ctx);
        matches.iter().map(|m| self.finding(&parsed, &layer_codes, *m, &mut values)).collect()
    }

    /// The best finding (the first of `diagnose`), without building the others.
    pub fn diagnose_best(&self, text: &str, ctx: &Context) -> Finding {
        let parsed = Parsed::new(text);
        let layer_codes = parsed.layer_codes();
        match self.matches(&parsed, &layer_codes, ctx).first() {
            Some(best) => self.finding(&parsed, &layer_codes, *best, &mut Values::new(&parsed, ctx)),
            None => unrecognized(&parsed, &layer_codes),
        }
    }

    fn index(rules: Vec<Rule>) -> KnowledgeBase {
        let mut exact = Vec::new();
        let mut ranges = Vec::new();
        let mut basic = vec![Vec::new(); 400];
        let mut literals: Vec<String> = Vec::new();
        let mut pattern_rules: Vec<Vec<u32>> = Vec::new();
        let mut text_patterns = Vec::with_capacity(rules.len());
        let mut unless_patterns = Vec::with_capacity(rules.len());
        let mut regex_only = Vec::new();
        let pattern_of = |literal: &str, literals: &mut Vec<String>, pattern_rules: &mut Vec<Vec<u32>>| -> u32 {
            match literals.iter().position(|l| l == literal) {
                Some(found) => found as u32,
                None => {
                    literals.push(literal.to_string());
                    pattern_rules.push(Vec::new());
                    (literals.len() - 1) as u32
                }
            }
        };
        for (index, rule) in rules.iter().enumerate() {
            let id = index as u32;
            exact.extend(rule.enhanced.iter().map(|code| (pack(*code), id)));
            ranges.extend(rule.enhanced_ranges.iter().map(|range| (*range, id)));
            for code in &rule.codes {
                basic[usize::from(code - 200)].push(id);
            }
            let texts: Vec<u32> = rule.text.iter().map(|l| pattern_of(l, &mut literals, &mut pattern_rules)).collect();
            for pattern in &texts {
                pattern_rules[*pattern as usize].push(id);
            }
            let unless: Vec<u32> = rule.unless.iter().map(|l| pattern_of(l, &mut literals, &mut pattern_rules)).collect();
            if !rule.has_code_condition() && texts.is_empty() {
                regex_only.push(id);
            }
            text_patterns.push(texts);
            unless_patterns.push(unless);
        }
        exact.sort_unstable();
        let prefilter = (!literals.is_empty()).then(|| {
            DFA::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .prefilter(false)
                .build(&literals)
                .expect("rule literals are plain strings; a DFA over them always builds")
        });
        KnowledgeBase { rules, exact, ranges, basic, prefilter, pattern_rules, text_patterns, unless_patterns, regex_only }
    }

    fn matches(&self, parsed: &Parsed<'_>, layer_codes: &[LayerCodes], ctx: &Context) -> Vec<Match> {
        let outer = parsed.layers()[0];
        let base = outer.as_ptr() as usize;
        let mut hits: Vec<(u32, usize, usize)> = Vec::new();
        if let Some(prefilter) = &self.prefilter {
            let input = Input::new(outer);
            let mut state = OverlappingState::start();
            // An unanchored search with a Standard-kind DFA cannot fail; stop quietly if it ever did.
            while prefilter.try_find_overlapping(&input, &mut state).is_ok() {
                match state.get_match() {
                    Some(m) => hits.push((m.pattern().as_u32(), m.start(), m.end())),
                    None => break,
                }
            }
        }
        let mut found: Vec<Match> = Vec::new();
        let mut candidates: Vec<u32> = Vec::with_capacity(16);
        let mut layer_hits: Vec<u32> = Vec::with_capacity(hits.len());
        for (layer_index, layer) in parsed.layers().iter().enumerate().rev() {
            let start = layer.as_ptr() as usize - base;
            let end = start + layer.len();
            layer_hits.clear();
            layer_hits.extend(hits.iter().filter(|(_, s, e)| *s >= start && *e <= end).map(|(p, _, _)| *p));
            let codes = layer_codes[layer_index];
            candidates.clear();
            self.nominate(codes.codes, &layer_hits, &mut candidates);
            for rule in candidates.iter().copied() {
                if let Some(specificity) = self.evaluate(rule, layer, codes, &layer_hits, ctx) {
                    // A bare reply code is weak evidence: it does not lift an inner layer above its wrapper.
                    let depth_bonus = if specificity > BASIC { LAYER_DEPTH * layer_index as i32 } else { 0 };
                    let score = specificity + self.rules[rule as usize].priority + depth_bonus;
                    found.push(Match { rule, layer: layer_index, specificity, score });
                }
            }
        }
        found.sort_unstable_by(|a, b| a.rule.cmp(&b.rule).then(b.score.cmp(&a.score)));
        found.dedup_by_key(|m| m.rule);
        found.sort_by(|a, b| {
            let (rule_a, rule_b) = (&self.rules[a.rule as usize], &self.rules[b.rule as usize]);
            rule_b.from_user.cmp(&rule_a.from_user).then(b.score.cmp(&a.score)).then(a.rule.cmp(&b.rule))
        });
        found
    }

    fn nominate(&self, codes: Codes, layer_hits: &[u32], candidates: &mut Vec<u32>) {
        if let Some(enhanced) = codes.enhanced {
            let key = pack(enhanced);
            let first = self.exact.partition_point(|(k, _)| *k < key);
            candidates.extend(self.exact[first..].iter().take_while(|(k, _)| *k == key).map(|(_, rule)| *rule));
            candidates.extend(self.ranges.iter().filter(|(range, _)| range.contains(enhanced)).map(|(_, rule)| *rule));
        }
        if let Some(basic) = codes.basic {
            candidates.extend_from_slice(&self.basic[usize::from(basic - 200)]);
        }
        for pattern in layer_hits {
            candidates.extend_from_slice(&self.pattern_rules[*pattern as usize]);
        }
        candidates.extend_from_slice(&self.regex_only);
        candidates.sort_unstable();
        candidates.dedup();
    }

    /// The specificity of `rule` on this layer, or None when a condition fails. On a layer whose codes are
    /// inherited from a wrapper, the layer's own text must match too: otherwise every bare-code rule of the
    /// wrapper would also claim the inner text.
    fn evaluate(&self, index: u32, layer: &str, codes: LayerCodes, layer_hits: &[u32], ctx: &Context) -> Option<i32> {
        let rule = &self.rules[index as usize];
        let mut specificity = 0;
        let mut own_evidence = false;
        if !rule.enhanced.is_empty() || !rule.enhanced_ranges.is_empty() {
            let enhanced = codes.codes.enhanced?;
            if rule.enhanced.contains(&enhanced) {
                specificity += EXACT_ENHANCED;
            } else if rule.enhanced_ranges.iter().any(|r| r.contains(enhanced)) {
                specificity += RANGE_ENHANCED;
            } else {
                return None;
            }
            own_evidence |= !codes.inherited;
        }
        if !rule.codes.is_empty() {
            if !rule.codes.contains(&codes.codes.basic?) {
                return None;
            }
            specificity += BASIC;
            own_evidence |= !codes.inherited;
        }
        let texts = &self.text_patterns[index as usize];
        if !texts.is_empty() {
            if !layer_hits.iter().any(|hit| texts.contains(hit)) {
                return None;
            }
            specificity += TEXT;
            own_evidence = true;
        }
        let unless = &self.unless_patterns[index as usize];
        if layer_hits.iter().any(|hit| unless.contains(hit)) {
            return None;
        }
        if !rule.regexes.is_empty() {
            if !rule.regexes.iter().any(|r| r.is_match(layer)) {
                return None;
            }
            specificity += TEXT;
            own_evidence = true;
        }
        if let Some(direction) = rule.direction {
            if ctx.direction != Some(direction) {
                return None;
            }
            specificity += CONTEXT;
        }
        if !rule.log_types.is_empty() {
            if !rule.log_types.contains(&ctx.log_type?) {
                return None;
            }
            specificity += CONTEXT;
        }
        if !rule.preceding.is_empty() {
            let preceding = ctx.preceding.as_deref()?.trim();
            let starts_with = |prefix: &String| preceding.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix));
            if !rule.preceding.iter().any(starts_with) {
                return None;
            }
            specificity += CONTEXT;
        }
        own_evidence.then_some(specificity)
    }

    fn finding(&self, parsed: &Parsed<'_>, layer_codes: &[LayerCodes], m: Match, values: &mut Values<'_>) -> Finding {
        let rule = &self.rules[m.rule as usize];
        let layers = parsed.layers();
        let layer = layers[m.layer];
        let codes = layer_codes[m.layer].codes;
        let commands = if rule.commands.is_empty() {
            Vec::new()
        } else {
            let captures = rule.regexes.iter().find_map(|r| r.captures(layer));
            rule.commands.iter().map(|segments| fill(segments, values, captures.as_ref())).collect()
        };
        Finding {
            rule_id: rule.id.clone(),
            code: codes.basic,
            enhanced_code: codes.enhanced.map(|e| e.to_string()),
            title: rule.title.clone(),
            meaning: rule.meaning.clone(),
            causes: rule.causes.clone(),
            fix: rule.fix.clone(),
            commands,
            references: rule.references.clone(),
            severity: rule.severity,
            matched_text: layer.to_string(),
            context_text: layers[..m.layer].iter().map(|l| l.to_string()).collect(),
            confidence: (0.3 + m.specificity as f32 / 150.0).min(0.97),
        }
    }
}

fn load_builtin() -> Result<KnowledgeBase, RuleError> {
    let mut rules = Vec::new();
    let mut seen = HashSet::new();
    for (name, text) in BUILTIN_FILES {
        for rule in parse_rule_file(text, name, false)? {
            if !seen.insert(rule.id.clone()) {
                return Err(RuleError { source_name: name.to_string(), rule: Some(rule.id), message: "id already used by another built-in file".to_string() });
            }
            rules.push(rule);
        }
    }
    Ok(KnowledgeBase::index(rules))
}

fn unrecognized(parsed: &Parsed<'_>, layer_codes: &[LayerCodes]) -> Finding {
    let innermost = parsed.depth() - 1;
    let codes = layer_codes[innermost].codes;
    let generic = rfc3463::describe(codes);
    Finding {
        rule_id: UNRECOGNIZED.to_string(),
        code: codes.basic,
        enhanced_code: codes.enhanced.map(|e| e.to_string()),
        title: generic.title,
        meaning: generic.meaning,
        causes: vec![generic.cause.to_string()],
        fix: vec![
            "Read the words after the code: they usually name the cause.".to_string(),
            "Find the session or message this came from (Get-HybridSmtpSession, Get-MessageTrackingLog) to see the command that drew it."
                .to_string(),
            "When it recurs, describe it in a rule file and pass the file with -RulePath.".to_string(),
        ],
        commands: Vec::new(),
        references: vec![
            "https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online"
                .to_string(),
        ],
        severity: generic.severity,
        matched_text: parsed.innermost().to_string(),
        context_text: parsed.layers()[..innermost].iter().map(|l| l.to_string()).collect(),
        confidence: if codes.enhanced.is_some() {
            0.2
        } else if codes.basic.is_some() {
            0.15
        } else {
            0.05
        },
    }
}

/// The values for command templates, in `PLACEHOLDERS` order, each searched for only when a command of a
/// finding names it.
struct Values<'t> {
    parsed: &'t Parsed<'t>,
    ctx: &'t Context,
    slots: [Option<Option<String>>; PLACEHOLDERS.len()],
}

impl<'t> Values<'t> {
    fn new(parsed: &'t Parsed<'t>, ctx: &'t Context) -> Values<'t> {
        Values { parsed, ctx, slots: Default::default() }
    }

    fn get(&mut self, index: usize) -> Option<&str> {
        if self.slots[index].is_none() {
            let found = self.extract(PLACEHOLDERS[index]).map(|v| scan::sanitize_value(&v)).filter(|v| !v.is_empty());
            self.slots[index] = Some(found);
        }
        self.slots[index].as_ref().and_then(|v| v.as_deref())
    }

    fn extract(&self, name: &str) -> Option<String> {
        let text = self.parsed.layers()[0];
        let token = |key: &str| scan::value_after(text, key, b" \t,;]\"'");
        let connector = || self.ctx.connector.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let value = match name {
            "domain" => scan::first_address_domain(text)
                .or_else(|| scan::value_after(text, "Domain='", b"'"))
                .or_else(|| scan::value_after(text, "domain [", b"]")),
            "address" => scan::first_address(text),
            "connector" => connector(),
            "ip" => {
                let fields = self.parsed.fields();
                fields
                    .last_ip
                    .or(fields.ip)
                    .or(fields.proxy_ip)
                    .or_else(|| token("endpoint attempted was "))
                    .map(scan::strip_port)
                    .or_else(|| scan::first_ipv4(text))
            }
            "fqdn" => {
                let fields = self.parsed.fields();
                fields.last_server.or(fields.fqdn).or(fields.proxy_host).or_else(|| token("RemoteHost:"))
            }
            "certificate_subject" => {
                return token("Presented: ").map(str::to_string).or_else(|| token("CN=").map(|cn| format!("CN={cn}")));
            }
            "expected_name" => token("Expected: "),
            "queue" => scan::queue_identity(text),
            "server" => scan::queue_identity(text)
                .or(connector().filter(|c| c.contains('\\')))
                .and_then(|identity| identity.split_once('\\'))
                .map(|(server, _)| server),
            "winsock" => ["Winsock error code", "Socket error code", "ErrorCode"].iter().find_map(|key| scan::number_after(text, key)),
            _ => None,
        };
        value.map(str::to_string)
    }
}

fn fill(segments: &[Segment], values: &mut Values<'_>, captures: Option<&regex::Captures<'_>>) -> String {
    let mut command = String::new();
    for segment in segments {
        match segment {
            Segment::Literal(text) => command.push_str(text),
            Segment::Value(index) => match values.get(*index) {
                Some(value) => command.push_str(value),
                None => {
                    command.push('<');
                    command.push_str(PLACEHOLDERS[*index]);
                    command.push('>');
                }
            },
            Segment::Capture(name) => {
                let captured = captures.and_then(|c| c.name(name)).map(|m| scan::sanitize_value(m.as_str())).filter(|v| !v.is_empty());
                match captured {
                    Some(value) => command.push_str(&value),
                    None => {
                        command.push('<');
                        command.push_str(name);
                        command.push('>');
                    }
                }
            }
        }
    }
    command
}
