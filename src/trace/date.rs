//! Times in message-trace exports. Exchange Online gives them in UTC; Export-Csv writes a DateTime in the
//! exporting computer's culture (`4/6/2021 2:46:03 PM`, `06.04.2021 14:46:03`, `06/04/2021 14:46:03`), the admin
//! center as ISO 8601 (`2026-05-01T06:10:00.1234567Z`, sometimes with an offset).

use crate::logfile::parse_utc_ms;

/// Whether `a/b/yyyy` is day first. A file's dates decide when one of them has a day over 12; otherwise the
/// exporting culture, which the caller knows (the current culture's short date pattern).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOrder {
    MonthFirst,
    DayFirst,
}

/// The parts of `a/b/c [time]` or `yyyy/MM/dd [time]`.
struct NumericDate<'a> {
    parts: [u32; 3],
    year_first: bool,
    dotted: bool,
    time: &'a str,
}

fn numeric_date(text: &str) -> Option<NumericDate<'_>> {
    let date_end = text.find(char::is_whitespace).unwrap_or(text.len());
    let (date, time) = (&text[..date_end], text[date_end..].trim());
    let separator = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let pieces: Vec<&str> = date.trim_end_matches('.').split(separator).collect();
    if pieces.len() != 3
        || pieces
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let number = |s: &str| s.parse::<u32>().ok();
    Some(NumericDate {
        parts: [number(pieces[0])?, number(pieces[1])?, number(pieces[2])?],
        year_first: pieces[0].len() == 4,
        dotted: separator == '.',
        time,
    })
}

/// What a culture date says about the order, if anything: `13/4/2021` is day first, `4/13/2021` month first,
/// `4.6.2021` day first (no culture writes month first with dots).
pub fn order_evidence(text: &str) -> Option<DayOrder> {
    let date = numeric_date(text.trim())?;
    if date.year_first {
        return None;
    }
    if date.dotted || date.parts[0] > 12 {
        return Some(DayOrder::DayFirst);
    }
    (date.parts[1] > 12).then_some(DayOrder::MonthFirst)
}

/// Milliseconds since the Unix epoch (UTC) of a trace time, or `None` when it is not a time.
pub fn parse_trace_time(text: &str, order: DayOrder) -> Option<i64> {
    let text = text.trim();
    if text.len() >= 19 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-' {
        return parse_iso(text);
    }
    let date = numeric_date(text)?;
    let [a, b, c] = date.parts;
    let (year, month, day) = match (date.year_first, date.dotted || order == DayOrder::DayFirst) {
        (true, _) => (a, b, c),
        (false, true) => (c, b, a),
        (false, false) => (c, a, b),
    };
    let year = if year < 100 { year + 2000 } else { year };
    let (hour, minute, second) = time_of_day(date.time)?;
    let iso = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z");
    parse_utc_ms(iso.as_bytes())
}

/// `H:mm[:ss] [AM|PM]` (also `a.m.`/`p.m.`); an empty time is midnight.
fn time_of_day(text: &str) -> Option<(u32, u32, u32)> {
    if text.is_empty() {
        return Some((0, 0, 0));
    }
    let lower = text.to_ascii_lowercase();
    let (clock, pm) = if let Some(rest) = lower.strip_suffix("pm").or_else(|| lower.strip_suffix("p.m.")) {
        (rest.trim().to_string(), Some(true))
    } else if let Some(rest) = lower.strip_suffix("am").or_else(|| lower.strip_suffix("a.m.")) {
        (rest.trim().to_string(), Some(false))
    } else {
        (lower, None)
    };
    let mut numbers = clock
        .split(':')
        .map(|p| p.trim().split('.').next().unwrap_or("").parse::<u32>().ok());
    let hour = numbers.next()??;
    let minute = numbers.next()??;
    let second = numbers.next().unwrap_or(Some(0))?;
    if numbers.next().is_some() {
        return None;
    }
    let hour = match pm {
        Some(true) if hour < 12 => hour + 12,
        Some(false) if hour == 12 => 0,
        Some(_) if hour > 12 => return None,
        _ => hour,
    };
    Some((hour, minute, second))
}

/// ISO 8601 with up to 7 fraction digits and `Z`, an offset or nothing (taken as UTC).
fn parse_iso(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let n = bytes.len();
    if n >= 25 && matches!(bytes[n - 6], b'+' | b'-') && bytes[n - 3] == b':' {
        let sign = if bytes[n - 6] == b'-' { -1 } else { 1 };
        let hours: i64 = text[n - 5..n - 3].parse().ok()?;
        let minutes: i64 = text[n - 2..].parse().ok()?;
        return parse_utc_ms(&bytes[..n - 6]).map(|ms| ms - sign * (hours * 60 + minutes) * 60_000);
    }
    parse_utc_ms(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logfile::format_utc_ms;

    #[test]
    fn reads_the_formats_exports_carry() {
        let cases = [
            ("4/6/2021 2:46:03 PM", DayOrder::MonthFirst, "2021-04-06T14:46:03.000Z"),
            ("4/6/2021 12:05:00 AM", DayOrder::MonthFirst, "2021-04-06T00:05:00.000Z"),
            ("06/04/2021 14:46:03", DayOrder::DayFirst, "2021-04-06T14:46:03.000Z"),
            ("06.04.2021 14:46:03", DayOrder::MonthFirst, "2021-04-06T14:46:03.000Z"),
            ("2021/04/06 14:46", DayOrder::DayFirst, "2021-04-06T14:46:00.000Z"),
            (
                "2026-05-01T06:10:00.1234567Z",
                DayOrder::MonthFirst,
                "2026-05-01T06:10:00.123Z",
            ),
            (
                "2026-05-01T08:10:00+02:00",
                DayOrder::MonthFirst,
                "2026-05-01T06:10:00.000Z",
            ),
            ("2026-05-01 06:10:00", DayOrder::MonthFirst, "2026-05-01T06:10:00.000Z"),
        ];
        for (text, order, want) in cases {
            assert_eq!(
                parse_trace_time(text, order).map(format_utc_ms).as_deref(),
                Some(want),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_a_time() {
        for text in [
            "",
            "yesterday",
            "13/13/2021 1:00:00",
            "4/6/2021 25:00:00",
            "4/6/2021 13:00:00 PM",
            "System.Object[]",
        ] {
            assert_eq!(parse_trace_time(text, DayOrder::MonthFirst), None, "{text}");
        }
    }

    #[test]
    fn a_day_over_twelve_tells_the_order() {
        assert_eq!(order_evidence("13/4/2021 1:00:00"), Some(DayOrder::DayFirst));
        assert_eq!(order_evidence("4/13/2021 1:00:00 PM"), Some(DayOrder::MonthFirst));
        assert_eq!(order_evidence("4.6.2021 1:00:00"), Some(DayOrder::DayFirst));
        assert_eq!(order_evidence("4/6/2021 1:00:00"), None);
        assert_eq!(order_evidence("2021-04-06T01:00:00Z"), None);
    }
}
