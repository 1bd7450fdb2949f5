//! Finds every rule literal in a text in one pass. The automaton knows only each literal's first `PREFIX_LEN`
//! bytes and every prefix hit is checked against the whole literal: an automaton over whole literals has a
//! state per literal byte, and its table no longer fits the cache that the hot loop runs from.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, MatchKind, StartKind};

/// Long enough that a prefix hit is rarely a miss of the whole literal, short enough to keep the table small.
const PREFIX_LEN: usize = 8;

/// The literals of every rule (lower-case, matched ASCII case-insensitively).
pub(crate) struct LiteralSet {
    dfa: Option<DFA>,
    /// Per automaton pattern (a distinct prefix): the literals that start with it.
    by_prefix: Vec<Vec<u32>>,
    literals: Vec<Box<[u8]>>,
}

impl LiteralSet {
    pub fn new(literals: &[String]) -> LiteralSet {
        let mut prefixes: Vec<&[u8]> = Vec::new();
        let mut by_prefix: Vec<Vec<u32>> = Vec::new();
        for (index, literal) in literals.iter().enumerate() {
            let bytes = literal.as_bytes();
            let prefix = &bytes[..bytes.len().min(PREFIX_LEN)];
            match prefixes.iter().position(|p| *p == prefix) {
                Some(found) => by_prefix[found].push(index as u32),
                None => {
                    prefixes.push(prefix);
                    by_prefix.push(vec![index as u32]);
                }
            }
        }
        let dfa = (!prefixes.is_empty()).then(|| {
            DFA::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .start_kind(StartKind::Unanchored)
                .prefilter(false)
                .build(&prefixes)
                .expect("rule literals are plain strings; a DFA over their prefixes always builds")
        });
        LiteralSet {
            dfa,
            by_prefix,
            literals: literals.iter().map(|l| l.as_bytes().into()).collect(),
        }
    }

    /// Calls `found(literal, start, end)` for every occurrence of every literal in `text`, overlapping ones too.
    pub fn for_each_occurrence(&self, text: &[u8], mut found: impl FnMut(u32, usize, usize)) {
        let Some(dfa) = &self.dfa else { return };
        // Only an anchored search can be refused, and this DFA is built for unanchored ones.
        let Ok(mut state) = dfa.start_state(Anchored::No) else {
            return;
        };
        let mut from = 0;
        while let Some((index, match_state)) = run_to_match(dfa, text, from, state) {
            for nth in 0..dfa.match_len(match_state) {
                let prefix = dfa.match_pattern(match_state, nth);
                let start = index + 1 - dfa.pattern_len(prefix);
                for literal in &self.by_prefix[prefix.as_usize()] {
                    let whole = &self.literals[*literal as usize];
                    let end = start + whole.len();
                    if text
                        .get(start..end)
                        .is_some_and(|candidate| candidate.eq_ignore_ascii_case(whole))
                    {
                        found(*literal, start, end);
                    }
                }
            }
            (from, state) = (index + 1, match_state);
        }
    }
}

/// Runs the automaton from `state` over `text[from..]` to the next match state: the position of the byte that
/// reached it, and the state. The byte loop is a function of its own so that it runs from registers alone.
#[inline(never)]
fn run_to_match(dfa: &DFA, text: &[u8], from: usize, mut state: StateID) -> Option<(usize, StateID)> {
    let offset = text.get(from..)?.iter().position(|byte| {
        state = dfa.next_state(Anchored::No, state, *byte);
        // Without a prefilter the only special states an unanchored search reaches are match states.
        dfa.is_special(state) && dfa.is_match(state)
    })?;
    Some((from + offset, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occurrences(literals: &[&str], text: &str) -> Vec<(u32, usize, usize)> {
        let set = LiteralSet::new(&literals.iter().map(|l| l.to_string()).collect::<Vec<_>>());
        let mut found = Vec::new();
        set.for_each_occurrence(text.as_bytes(), |literal, start, end| found.push((literal, start, end)));
        found.sort_unstable();
        found
    }

    #[test]
    fn finds_long_literals_sharing_a_prefix_and_overlapping_ones() {
        let literals = ["subjectmismatch", "subjectmissing", "mismatch", "tls"];
        assert_eq!(
            occurrences(&literals, "Reason: SubjectMismatch over TLS"),
            vec![(0, 8, 23), (2, 15, 23), (3, 29, 32)]
        );
    }

    #[test]
    fn a_prefix_without_the_rest_of_its_literal_is_no_hit() {
        assert_eq!(occurrences(&["certificate validation"], "certificate validity"), vec![]);
        assert_eq!(occurrences(&["certificate validation"], "... certifica"), vec![]);
        assert_eq!(occurrences(&[], "anything"), vec![]);
    }

    #[test]
    fn matching_ignores_ascii_case_only() {
        assert_eq!(occurrences(&["straße blocked"], "STRAßE BLOCKED"), vec![(0, 0, 15)]);
        assert_eq!(occurrences(&["straße blocked"], "STRASSE BLOCKED"), vec![]);
    }
}
