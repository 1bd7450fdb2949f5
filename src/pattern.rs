//! Wildcard patterns as PowerShell's `-like` reads them (`*`, `?`, case-insensitive), for the filters admins
//! type: connector names, addresses.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    lowered: Vec<char>,
    has_wildcards: bool,
    /// Without wildcards: match anywhere in the text (connector names) or the whole text (addresses).
    plain_is_substring: bool,
}

impl Pattern {
    /// A pattern that, without wildcards, matches the whole text (case-insensitive).
    pub fn exact_or_wildcard(text: &str) -> Pattern {
        Self::build(text, false)
    }

    /// A pattern that, without wildcards, matches anywhere in the text: `-Connector 'Outbound to Office 365'`
    /// finds `Outbound to Office 365 - 6c3b1d42-...`.
    pub fn substring_or_wildcard(text: &str) -> Pattern {
        Self::build(text, true)
    }

    fn build(text: &str, plain_is_substring: bool) -> Pattern {
        Pattern {
            lowered: text.chars().flat_map(char::to_lowercase).collect(),
            has_wildcards: text.contains(['*', '?']),
            plain_is_substring,
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
        if !self.has_wildcards {
            return if self.plain_is_substring {
                self.lowered.is_empty() || text.windows(self.lowered.len()).any(|w| w == self.lowered.as_slice())
            } else {
                text == self.lowered
            };
        }
        glob(&self.lowered, &text)
    }
}

/// Iterative wildcard match with backtracking to the last `*`: linear in practice, never exponential.
fn glob(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_like_powershell_like() {
        let cases: &[(&str, bool, &str, bool)] = &[
            ("*@cloudmonkeys.xyz", false, "Raghu@CloudMonkeys.xyz", true),
            ("raghu@cloudmonkeys.xyz", false, "RAGHU@cloudmonkeys.xyz", true),
            ("raghu@cloudmonkeys.xyz", false, "xraghu@cloudmonkeys.xyz", false),
            (
                "Outbound to Office 365",
                true,
                "Outbound to Office 365 - 6c3b1d42",
                true,
            ),
            ("outbound*365*", true, "Outbound to Office 365 - 6c3b1d42", true),
            (
                "CMHYBD01\\Default Frontend ?MHYBD01",
                true,
                "CMHYBD01\\Default Frontend CMHYBD01",
                true,
            ),
            ("a*b*c", false, "aXbYc", true),
            ("a*b*c", false, "aXbY", false),
            ("*", false, "", true),
            ("", true, "anything", true),
        ];
        for (pattern, substring, text, want) in cases {
            let p = if *substring {
                Pattern::substring_or_wildcard(pattern)
            } else {
                Pattern::exact_or_wildcard(pattern)
            };
            assert_eq!(p.matches(text), *want, "{pattern} vs {text}");
        }
    }
}
