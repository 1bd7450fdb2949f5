//! PowerShell text written into the commands we suggest. Values in them come from logs, queues and remote servers:
//! each stands inside a single-quoted string and is escaped by PowerShell's own rules
//! (`CodeGeneration.EscapeSingleQuotedStringContent`), so that no value can end the string and become code.

/// The characters PowerShell's tokenizer takes for a single quote: besides `'`, the typographic ones also end a
/// `'...'` string, so a value holding one of them would escape from a string quoted for `'` alone.
pub(crate) const SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// Appends `value` as the content of a single-quoted string: every single-quote character doubled.
pub fn push_single_quoted_content(out: &mut String, value: &str) {
    for c in value.chars() {
        if SINGLE_QUOTES.contains(&c) {
            out.push(c);
        }
        out.push(c);
    }
}

/// `value` as a PowerShell single-quoted string literal.
pub fn single_quoted(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    push_single_quoted_content(&mut quoted, value);
    quoted.push('\'');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_single_quote_character_is_doubled() {
        assert_eq!(
            single_quoted("CMHYBD01\\x\u{2019}; Write-Host INJECTED; \u{2018}o'brien\u{201A}\u{201B}"),
            "'CMHYBD01\\x\u{2019}\u{2019}; Write-Host INJECTED; \u{2018}\u{2018}o''brien\u{201A}\u{201A}\u{201B}\u{201B}'"
        );
        assert_eq!(single_quoted(""), "''");
        assert_eq!(
            single_quoted("$(Stop-Computer) \"x\" `n"),
            "'$(Stop-Computer) \"x\" `n'"
        );
    }
}
