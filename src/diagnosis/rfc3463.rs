//! What a status code means by its structure alone (RFC 3463 class and subject, RFC 5321 reply digit): the
//! explanation given for text no rule knows.

use super::scan::Codes;
use super::Severity;

pub(crate) struct Generic {
    pub title: String,
    pub meaning: String,
    pub cause: &'static str,
    pub severity: Severity,
}

fn class_meaning(class: u8) -> &'static str {
    match class {
        2 => "success",
        4 => "persistent transient failure: the sender keeps the message and retries, and it may still be delivered",
        _ => "permanent failure: sending the same message again will fail the same way",
    }
}

fn subject_meaning(subject: u16) -> (&'static str, &'static str) {
    match subject {
        0 => ("other or undefined status", "The remote side gave no more specific reason; the words after the code are the only clue."),
        1 => ("addressing status", "A sender or recipient address is wrong, unknown or not accepted here."),
        2 => ("mailbox status", "The recipient mailbox is full, disabled, moved or over a limit."),
        3 => ("mail system status", "The receiving system is out of resources, over a limit or does not offer a needed feature."),
        4 => ("network and routing status", "DNS, a connection, a route or a connector between the two systems failed."),
        5 => ("mail delivery protocol status", "A command was refused or out of order in the SMTP conversation."),
        6 => ("message content or media status", "The content, encoding or size of the message was refused."),
        7 => (
            "security or policy status",
            "Authentication, relay permission, a TLS or certificate requirement, or an anti-spam or blocklist decision refused the message.",
        ),
        _ => ("unassigned subject", "The subject digit is not one RFC 3463 defines; read the words after the code."),
    }
}

fn reply_digit_meaning(basic: u16) -> (&'static str, Severity) {
    match basic / 100 {
        2 => ("positive completion: the command was accepted", Severity::Info),
        3 => (
            "positive intermediate: the server waits for more (message body or authentication data)",
            Severity::Info,
        ),
        4 => (
            "transient negative completion: the command failed for now and may succeed if retried",
            Severity::Warning,
        ),
        _ => (
            "permanent negative completion: the command failed and retrying it unchanged will fail again",
            Severity::Error,
        ),
    }
}

pub(crate) fn describe(codes: Codes) -> Generic {
    if let Some(enhanced) = codes.enhanced {
        let (subject, cause) = subject_meaning(enhanced.subject);
        let class = class_meaning(enhanced.class);
        let shown = match codes.basic {
            Some(basic) => format!("{basic} {}.{}.x", enhanced.class, enhanced.subject),
            None => format!("{}.{}.x", enhanced.class, enhanced.subject),
        };
        return Generic {
            title: format!("Unrecognized {shown} response: {subject}"),
            meaning: format!(
                "Enhanced status code {enhanced}: class {} = {class}; subject {} = {subject}.",
                enhanced.class, enhanced.subject
            ),
            cause,
            severity: severity(codes),
        };
    }
    if let Some(basic) = codes.basic {
        let (meaning, _) = reply_digit_meaning(basic);
        return Generic {
            title: format!("Unrecognized {basic} reply"),
            meaning: format!("SMTP reply code {basic}: {}xx = {meaning}.", basic / 100),
            cause: "No enhanced status code was given; the words after the code are the only clue.",
            severity: severity(codes),
        };
    }
    Generic {
        title: "Unrecognized text".to_string(),
        meaning: "No rule matches this text and it carries no SMTP status code.".to_string(),
        cause: "The text is not an SMTP response or a known Exchange error string.",
        severity: severity(codes),
    }
}

/// How serious a code is by its class (or its reply digit when it has no enhanced code).
pub(crate) fn severity(codes: Codes) -> Severity {
    match (codes.enhanced, codes.basic) {
        (Some(enhanced), _) => match enhanced.class {
            2 => Severity::Info,
            4 => Severity::Warning,
            _ => Severity::Error,
        },
        (None, Some(basic)) => reply_digit_meaning(basic).1,
        (None, None) => Severity::Info,
    }
}

#[cfg(test)]
mod tests {
    use super::super::scan::scan_codes;
    use super::*;

    #[test]
    fn explains_class_and_subject() {
        let generic = describe(scan_codes("550 5.7.900 Something new"));
        assert_eq!(
            generic.title,
            "Unrecognized 550 5.7.x response: security or policy status"
        );
        assert!(generic.meaning.contains("class 5 = permanent failure"));
        assert_eq!(generic.severity, Severity::Error);
        let transient = describe(scan_codes("4.4.999"));
        assert!(transient.meaning.contains("persistent transient failure"));
        assert!(transient.meaning.contains("network and routing"));
        assert_eq!(transient.severity, Severity::Warning);
    }

    #[test]
    fn falls_back_to_the_reply_digit() {
        let generic = describe(scan_codes("452 Out of space"));
        assert_eq!(generic.title, "Unrecognized 452 reply");
        assert!(generic.meaning.contains("4xx = transient negative completion"));
        assert_eq!(describe(scan_codes("hello")).title, "Unrecognized text");
    }
}
