//! Matching: candidates come from an index (enhanced code, code range, basic code) and one pass of the literal
//! automaton over the text; only candidates are evaluated. Layers are tried innermost first, and a deeper
//! layer outranks a wrapper, so the real cause comes before the message that carried it.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::sync::OnceLock;

use super::literals::LiteralSet;
use super::parse::{LayerCodes, Markers, Parsed, MAX_LAYERS, WRAPPER_MARKERS};
use super::rfc3463;
use super::rules::{parse_rule_file, EnhancedRange, Rule, RuleError, Segment, PLACEHOLDERS};
use super::scan::{self, EnhancedCode};
use super::{Context, Finding, Severity, UNRECOGNIZED};
use crate::powershell;

const BUILTIN_FILES: &[(&str, &str)] = &[
    ("rules/lab.toml", include_str!("../../rules/lab.toml")),
    ("rules/smtp.toml", include_str!("../../rules/smtp.toml")),
    (
        "rules/exchange-online.toml",
        include_str!("../../rules/exchange-online.toml"),
    ),
    (
        "rules/onprem-transport.toml",
        include_str!("../../rules/onprem-transport.toml"),
    ),
    ("rules/tls-auth.toml", include_str!("../../rules/tls-auth.toml")),
    (
        "rules/exchange-server.toml",
        include_str!("../../rules/exchange-server.toml"),
    ),
];

/// Evidence points: what a condition adds when it holds. A deeper layer adds more than any one condition, so the
/// innermost cause wins over its wrapper. The sum (with the rule's `priority`) is the finding's score: it orders
/// the findings and is the one input of their Confidence (see `confidence`), the same way for every rule.
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
    /// Every distinct `text` and `unless` literal of every rule, then the wrapper markers of `parse`.
    literals: LiteralSet,
    /// Per rule literal: the rules it nominates (through their `text`).
    literal_rules: Vec<Vec<u32>>,
    /// Per rule: literal ids of its `text` and of its `unless`.
    text_literals: Vec<Vec<u32>>,
    unless_literals: Vec<Vec<u32>>,
    /// Rules with neither a code nor a literal: their regex runs on every layer.
    regex_only: Vec<u32>,
}

/// A rule that holds on one layer of a text.
#[derive(Debug, Clone, Copy)]
struct Match {
    rule: u32,
    layer: usize,
    score: i32,
}

fn pack(code: EnhancedCode) -> u32 {
    (u32::from(code.class) << 24) | (u32::from(code.subject) << 12) | u32::from(code.detail)
}

/// A few items on the stack and any more on the heap: the per-text buffers of matching hold a handful of
/// entries for any real text, but a crafted text can hold any number.
struct InlineVec<T, const N: usize> {
    inline: [T; N],
    inline_len: usize,
    spill: Vec<T>,
}

impl<T: Copy + Default, const N: usize> InlineVec<T, N> {
    fn new() -> InlineVec<T, N> {
        InlineVec {
            inline: [T::default(); N],
            inline_len: 0,
            spill: Vec::new(),
        }
    }

    fn push(&mut self, item: T) {
        if self.inline_len < N {
            self.inline[self.inline_len] = item;
            self.inline_len += 1;
        } else {
            self.spill.push(item);
        }
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.inline[..self.inline_len].iter().chain(&self.spill)
    }

    fn iter_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.inline[..self.inline_len].iter_mut().chain(&mut self.spill)
    }
}

/// Where a rule literal occurs: (literal, start, end) in the outer text.
type Occurrences = InlineVec<(u32, usize, usize), 16>;

/// The literals found in a text, each once, with the deepest layer that holds one of its occurrences. Layers
/// nest, so the literal is in every layer around that one too.
struct LiteralHits(InlineVec<(u32, usize), 16>);

impl LiteralHits {
    fn new(parsed: &Parsed<'_>, occurrences: &Occurrences) -> LiteralHits {
        let mut hits = LiteralHits(InlineVec::new());
        let layers = parsed.layers();
        let base = layers[0].as_ptr() as usize;
        let mut bounds = [(0, 0); MAX_LAYERS];
        for (bound, layer) in bounds.iter_mut().zip(layers) {
            let start = layer.as_ptr() as usize - base;
            *bound = (start, start + layer.len());
        }
        for (literal, start, end) in occurrences.iter() {
            let mut deepest = 0;
            while deepest + 1 < layers.len() && bounds[deepest + 1].0 <= *start && *end <= bounds[deepest + 1].1 {
                deepest += 1;
            }
            hits.record(*literal, deepest);
        }
        hits
    }

    fn record(&mut self, literal: u32, layer: usize) {
        if let Some((_, deepest)) = self.0.iter_mut().find(|(known, _)| *known == literal) {
            *deepest = (*deepest).max(layer);
            return;
        }
        self.0.push((literal, layer));
    }

    fn iter(&self) -> impl Iterator<Item = &(u32, usize)> {
        self.0.iter()
    }

    /// Whether `literal` occurs inside layer `layer`.
    fn in_layer(&self, literal: u32, layer: usize) -> bool {
        self.iter()
            .any(|(known, deepest)| *known == literal && *deepest >= layer)
    }
}

/// A text taken apart for matching: its layers, their codes and the rule literals in it.
struct Scanned<'t> {
    parsed: Parsed<'t>,
    codes: [LayerCodes; MAX_LAYERS],
    hits: LiteralHits,
}

/// The best explanation of a text, found without building its [`Finding`]: cheap enough to ask for every line
/// of a log, with the finding built only for the lines shown. `finding()` equals `diagnose_best`.
#[derive(Clone, Copy)]
pub struct BestMatch<'a> {
    kb: &'a KnowledgeBase,
    ctx: &'a Context,
    parsed: Parsed<'a>,
    codes: [LayerCodes; MAX_LAYERS],
    best: Option<Match>,
}

impl<'a> BestMatch<'a> {
    /// The rule's id, or [`UNRECOGNIZED`] when no rule matches.
    pub fn rule_id(&self) -> &'a str {
        match self.best {
            Some(best) => &self.kb.rules[best.rule as usize].id,
            None => UNRECOGNIZED,
        }
    }

    pub fn is_recognized(&self) -> bool {
        self.best.is_some()
    }

    pub fn severity(&self) -> Severity {
        match self.best {
            Some(best) => self.kb.rules[best.rule as usize].severity,
            None => rfc3463::severity(self.innermost_codes().codes),
        }
    }

    pub fn confidence(&self) -> f32 {
        match self.best {
            Some(best) => confidence(best.score),
            None => unrecognized_confidence(self.innermost_codes()),
        }
    }

    /// The basic reply code of the matched text (inherited from its wrapper when it has none of its own).
    pub fn code(&self) -> Option<u16> {
        self.matched_codes().codes.basic
    }

    /// The enhanced status code of the matched text (inherited likewise).
    pub fn enhanced_code(&self) -> Option<EnhancedCode> {
        self.matched_codes().codes.enhanced
    }

    /// The innermost text the rule matched.
    pub fn matched_text(&self) -> &'a str {
        self.parsed.layers()[self.matched_layer()]
    }

    /// The full finding: text, causes, fix steps and commands filled with the values found in the text.
    pub fn finding(&self) -> Finding {
        match self.best {
            Some(best) => self.kb.finding(
                &self.parsed,
                &self.codes,
                best,
                &mut Values::new(&self.parsed, self.ctx),
            ),
            None => unrecognized(&self.parsed, &self.codes),
        }
    }

    fn matched_layer(&self) -> usize {
        self.best.map_or(self.parsed.depth() - 1, |best| best.layer)
    }

    fn matched_codes(&self) -> LayerCodes {
        self.codes[self.matched_layer()]
    }

    fn innermost_codes(&self) -> LayerCodes {
        self.codes[self.parsed.depth() - 1]
    }
}

impl fmt::Debug for BestMatch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BestMatch")
            .field("rule_id", &self.rule_id())
            .field("matched_text", &self.matched_text())
            .field("confidence", &self.confidence())
            .finish()
    }
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
        let kept: Vec<Rule> = Self::builtin()
            .rules
            .iter()
            .filter(|r| !replaced.contains(r.id.as_str()))
            .cloned()
            .collect();
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
        let scanned = self.scan(text);
        let mut matches = Vec::new();
        self.for_each_match(&scanned, ctx, |m| matches.push(m));
        if matches.is_empty() {
            return vec![unrecognized(&scanned.parsed, &scanned.codes)];
        }
        // One entry per rule: its best layer (the deeper one when two score the same).
        matches.sort_unstable_by(|a, b| {
            a.rule
                .cmp(&b.rule)
                .then(b.score.cmp(&a.score))
                .then(b.layer.cmp(&a.layer))
        });
        matches.dedup_by_key(|m| m.rule);
        matches.sort_unstable_by(|a, b| self.rank(a, b));
        let mut values = Values::new(&scanned.parsed, ctx);
        matches
            .iter()
            .map(|m| self.finding(&scanned.parsed, &scanned.codes, *m, &mut values))
            .collect()
    }

    /// The best finding (the first of `diagnose`), without building the others.
    pub fn diagnose_best(&self, text: &str, ctx: &Context) -> Finding {
        self.best_match(text, ctx).finding()
    }

    /// Which rule explains `text` best (the rule of `diagnose_best`), without building any finding.
    pub fn best_match<'a>(&'a self, text: &'a str, ctx: &'a Context) -> BestMatch<'a> {
        let scanned = self.scan(text);
        let mut best: Option<Match> = None;
        self.for_each_match(&scanned, ctx, |m| {
            let better = best.is_none_or(|known| self.rank(&m, &known) == Ordering::Less);
            if better {
                best = Some(m);
            }
        });
        BestMatch {
            kb: self,
            ctx,
            parsed: scanned.parsed,
            codes: scanned.codes,
            best,
        }
    }

    fn index(rules: Vec<Rule>) -> KnowledgeBase {
        let mut exact = Vec::new();
        let mut ranges = Vec::new();
        let mut basic = vec![Vec::new(); 400];
        let mut literals: Vec<String> = Vec::new();
        let mut literal_rules: Vec<Vec<u32>> = Vec::new();
        let mut text_literals = Vec::with_capacity(rules.len());
        let mut unless_literals = Vec::with_capacity(rules.len());
        let mut regex_only = Vec::new();
        let literal_of = |literal: &str, literals: &mut Vec<String>, literal_rules: &mut Vec<Vec<u32>>| -> u32 {
            match literals.iter().position(|l| l == literal) {
                Some(found) => found as u32,
                None => {
                    literals.push(literal.to_string());
                    literal_rules.push(Vec::new());
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
            let texts: Vec<u32> = rule
                .text
                .iter()
                .map(|l| literal_of(l, &mut literals, &mut literal_rules))
                .collect();
            for literal in &texts {
                literal_rules[*literal as usize].push(id);
            }
            let unless: Vec<u32> = rule
                .unless
                .iter()
                .map(|l| literal_of(l, &mut literals, &mut literal_rules))
                .collect();
            if !rule.has_code_condition() && texts.is_empty() {
                regex_only.push(id);
            }
            text_literals.push(texts);
            unless_literals.push(unless);
        }
        exact.sort_unstable();
        // The wrapper markers follow the rule literals: an id past the last rule literal is a marker.
        literals.extend(WRAPPER_MARKERS.iter().map(|marker| marker.to_ascii_lowercase()));
        let literals = LiteralSet::new(&literals);
        KnowledgeBase {
            rules,
            exact,
            ranges,
            basic,
            literals,
            literal_rules,
            text_literals,
            unless_literals,
            regex_only,
        }
    }

    /// One pass of the literal automaton finds the rule literals and the wrapper markers; only the wrappers
    /// whose marker is there are peeled.
    fn scan<'t>(&self, text: &'t str) -> Scanned<'t> {
        let outer = text.trim();
        let mut occurrences = Occurrences::new();
        let mut markers = Markers::NONE;
        self.literals
            .for_each_occurrence(outer.as_bytes(), |literal, start, end| {
                match (literal as usize).checked_sub(self.literal_rules.len()) {
                    Some(marker) => markers.insert(marker),
                    None => occurrences.push((literal, start, end)),
                }
            });
        let parsed = Parsed::with_markers(outer, markers);
        let codes = parsed.layer_codes();
        let hits = LiteralHits::new(&parsed, &occurrences);
        Scanned { parsed, codes, hits }
    }

    /// User rules first, then the higher score (so the higher Confidence), then the deeper layer, then the earlier
    /// rule.
    fn rank(&self, a: &Match, b: &Match) -> Ordering {
        let (rule_a, rule_b) = (&self.rules[a.rule as usize], &self.rules[b.rule as usize]);
        rule_b
            .from_user
            .cmp(&rule_a.from_user)
            .then(b.score.cmp(&a.score))
            .then(b.layer.cmp(&a.layer))
            .then(a.rule.cmp(&b.rule))
    }

    /// Every rule that holds on some layer, innermost layer first. A rule nominated twice on one layer (by its
    /// code and by its text) is reported twice; callers keep one entry per rule.
    fn for_each_match(&self, scanned: &Scanned<'_>, ctx: &Context, mut on_match: impl FnMut(Match)) {
        for (layer_index, layer) in scanned.parsed.layers().iter().enumerate().rev() {
            let codes = scanned.codes[layer_index];
            let mut consider = |rule: u32| {
                if let Some(specificity) = self.evaluate(rule, layer, layer_index, codes, &scanned.hits, ctx) {
                    // A bare reply code is weak evidence: it does not lift an inner layer above its wrapper.
                    let depth_bonus = if specificity > BASIC {
                        LAYER_DEPTH * layer_index as i32
                    } else {
                        0
                    };
                    let score = specificity + self.rules[rule as usize].priority + depth_bonus;
                    on_match(Match {
                        rule,
                        layer: layer_index,
                        score,
                    });
                }
            };
            if let Some(enhanced) = codes.codes.enhanced {
                let key = pack(enhanced);
                let first = self.exact.partition_point(|(k, _)| *k < key);
                self.exact[first..]
                    .iter()
                    .take_while(|(k, _)| *k == key)
                    .for_each(|(_, rule)| consider(*rule));
                self.ranges
                    .iter()
                    .filter(|(range, _)| range.contains(enhanced))
                    .for_each(|(_, rule)| consider(*rule));
            }
            if let Some(basic) = codes.codes.basic {
                self.basic[usize::from(basic - 200)]
                    .iter()
                    .for_each(|rule| consider(*rule));
            }
            for (literal, deepest) in scanned.hits.iter() {
                if *deepest >= layer_index {
                    self.literal_rules[*literal as usize]
                        .iter()
                        .for_each(|rule| consider(*rule));
                }
            }
            self.regex_only.iter().for_each(|rule| consider(*rule));
        }
    }

    /// The specificity of `rule` on this layer, or None when a condition fails. On a layer whose codes are
    /// inherited from a wrapper, the layer's own text must match too: otherwise every bare-code rule of the
    /// wrapper would also claim the inner text.
    fn evaluate(
        &self,
        index: u32,
        layer: &str,
        layer_index: usize,
        codes: LayerCodes,
        hits: &LiteralHits,
        ctx: &Context,
    ) -> Option<i32> {
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
        let texts = &self.text_literals[index as usize];
        if !texts.is_empty() {
            if !texts.iter().any(|literal| hits.in_layer(*literal, layer_index)) {
                return None;
            }
            specificity += TEXT;
            own_evidence = true;
        }
        if self.unless_literals[index as usize]
            .iter()
            .any(|literal| hits.in_layer(*literal, layer_index))
        {
            return None;
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
            let starts_with = |prefix: &String| {
                preceding
                    .get(..prefix.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
            };
            if !rule.preceding.iter().any(starts_with) {
                return None;
            }
            specificity += CONTEXT;
        }
        // The regex last: it is the one condition that costs more than a comparison.
        if !rule.regexes.is_empty() {
            if !rule.regexes.iter().any(|r| r.is_match(layer)) {
                return None;
            }
            specificity += TEXT;
            own_evidence = true;
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
            // Captures cost a second pass of the regex: take them only for a command that names one.
            let captures = rule
                .commands_capture
                .then(|| rule.regexes.iter().find_map(|r| r.captures(layer)))
                .flatten();
            rule.commands
                .iter()
                .map(|segments| fill(segments, values, captures.as_ref()))
                .collect()
        };
        Finding {
            rule_id: rule.id.clone(),
            code: codes.basic,
            enhanced_code: codes.enhanced.map(EnhancedCode::to_text),
            title: rule.title.clone(),
            meaning: rule.meaning.clone(),
            causes: rule.causes.clone(),
            fix: rule.fix.clone(),
            commands,
            references: rule.references.clone(),
            severity: rule.severity,
            matched_text: layer.to_string(),
            context_text: layers[..m.layer].iter().map(|l| l.to_string()).collect(),
            confidence: confidence(m.score),
        }
    }
}

/// How much evidence a finding has, from 0 to 1, the same for every rule: 1 - e^(-score/75). A bare reply code
/// (10 points) gives 0.12, an exact enhanced code (40) 0.41, a code and the words that name the cause (70) 0.61,
/// the same inside one wrapper (130) 0.82. It grows with the score, so findings listed best first have a Confidence
/// that never rises down the list (user rules aside, which come first).
fn confidence(score: i32) -> f32 {
    1.0 - (-(score.max(0) as f32) / 75.0).exp()
}

/// Below any rule's: the meaning of the code's class is all there is.
fn unrecognized_confidence(codes: LayerCodes) -> f32 {
    if codes.codes.enhanced.is_some() {
        0.1
    } else if codes.codes.basic.is_some() {
        0.05
    } else {
        0.0
    }
}

fn load_builtin() -> Result<KnowledgeBase, RuleError> {
    let mut rules = Vec::new();
    let mut seen = HashSet::new();
    for (name, text) in BUILTIN_FILES {
        for rule in parse_rule_file(text, name, false)? {
            if !seen.insert(rule.id.clone()) {
                return Err(RuleError {
                    source_name: name.to_string(),
                    rule: Some(rule.id),
                    message: "id already used by another built-in file".to_string(),
                });
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
        enhanced_code: codes.enhanced.map(EnhancedCode::to_text),
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
        confidence: unrecognized_confidence(layer_codes[innermost]),
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
        Values {
            parsed,
            ctx,
            slots: Default::default(),
        }
    }

    fn get(&mut self, index: usize) -> Option<&str> {
        if self.slots[index].is_none() {
            let found = self
                .extract(PLACEHOLDERS[index])
                .map(|v| scan::sanitize_value(&v))
                .filter(|v| !v.is_empty());
            self.slots[index] = Some(found);
        }
        self.slots[index].as_ref().and_then(|v| v.as_deref())
    }

    fn extract(&self, name: &str) -> Option<Cow<'t, str>> {
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
                    .last_ip()
                    .or_else(|| fields.ip())
                    .or_else(|| fields.proxy_ip())
                    .or_else(|| token("endpoint attempted was "))
                    .map(scan::strip_port)
                    .or_else(|| scan::first_ipv4(text))
            }
            "sending_ip" => scan::sending_ip(text),
            "fqdn" => {
                let fields = self.parsed.fields();
                fields
                    .last_server()
                    .or_else(|| fields.fqdn())
                    .or_else(|| fields.proxy_host())
                    .or_else(|| token("RemoteHost:"))
            }
            "certificate_subject" => {
                return token("Presented: ")
                    .map(Cow::Borrowed)
                    .or_else(|| token("CN=").map(|cn| Cow::Owned(format!("CN={cn}"))));
            }
            "expected_name" => token("Expected: "),
            "queue" => scan::queue_identity(text),
            "server" => scan::queue_identity(text)
                .or(connector().filter(|c| c.contains('\\')))
                .and_then(|identity| identity.split_once('\\'))
                .map(|(server, _)| server),
            "winsock" => ["Winsock error code", "Socket error code", "ErrorCode"]
                .iter()
                .find_map(|key| scan::number_after(text, key)),
            _ => None,
        };
        value.map(Cow::Borrowed)
    }
}

fn fill(segments: &[Segment], values: &mut Values<'_>, captures: Option<&regex::Captures<'_>>) -> String {
    // Room for the literal parts and a value or two: growing the string costs more than the filling.
    let literal_len: usize = segments
        .iter()
        .map(|s| if let Segment::Literal(text) = s { text.len() } else { 0 })
        .sum();
    let mut command = String::with_capacity(literal_len + 48);
    for segment in segments {
        match segment {
            Segment::Literal(text) => command.push_str(text),
            Segment::Value(index) => match values.get(*index) {
                Some(value) => powershell::push_single_quoted_content(&mut command, value),
                None => {
                    command.push('<');
                    command.push_str(PLACEHOLDERS[*index]);
                    command.push('>');
                }
            },
            Segment::Capture(name) => {
                let captured = captures
                    .and_then(|c| c.name(name))
                    .map(|m| scan::sanitize_value(m.as_str()))
                    .filter(|v| !v.is_empty());
                match captured {
                    Some(value) => powershell::push_single_quoted_content(&mut command, &value),
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Pieces of the wrapper forms, in their own case and in others, with the bytes that close them.
    const PIECES: &[&str] = &[
        "{LED=",
        "{led=",
        "};{MSG=};{FQDN=mail.cloudmonkeys.xyz}",
        "}]",
        "[Message=",
        "[MESSAGE=",
        "]",
        "[LastAttemptedIP=27.7.57.241:25]",
        "Proxy session setup failed on Frontend with '",
        "proxy session setup failed on frontend with '",
        "'",
        "Primary target IP address responded with: ",
        "Error encountered while communicating with primary target IP address: ",
        "\"",
        "\" Attempted failover to alternate host",
        "Cannot connect to unreachable destination queue. Reason: ",
        " -> ",
        "->",
        "451 4.4.0 ",
        "421 4.4.2 Connection dropped due to SocketError",
        "450 4.4.317 Cannot connect to remote server ",
        "SubjectMismatch",
        "Reason: ",
        " ",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// The engine peels only wrappers whose marker its literal pass saw; that must never peel less (or
        /// other) than looking for every wrapper does.
        #[test]
        fn the_marker_pass_peels_what_a_full_search_peels(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..14)) {
            let text = pieces.concat();
            let scanned = KnowledgeBase::builtin().scan(&text);
            let searched = Parsed::new(&text);
            prop_assert_eq!(scanned.parsed.layers(), searched.layers());
        }
    }
}
