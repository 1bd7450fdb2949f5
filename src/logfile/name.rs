//! Exchange names its log files `PREFIXyyyyMMddHH-n.LOG` (hourly) or `PREFIXyyyyMMdd-n.LOG` (daily), in UTC
//! (`LogDirectory.cs`). The name alone tells which hour a file covers, so a time range can skip files unread.

use super::time::days_from_civil;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFamily {
    SmtpReceive,
    SmtpSend,
    MessageTracking,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFileName {
    /// `RECV`, `SEND`, `MSGTRK`, `MSGTRKMD`, ... as written (upper-cased).
    pub prefix: String,
    pub family: LogFamily,
    /// Start of the hour (or day) the file covers, milliseconds since the Unix epoch, UTC.
    pub start_ms: i64,
    pub hourly: bool,
    /// The `-n` instance: several files in one hour when a file reaches its size limit.
    pub instance: u32,
}

impl LogFileName {
    /// Parses a bare file name (no folder); `None` for anything that is not an Exchange log name.
    pub fn parse(file_name: &str) -> Option<Self> {
        let upper = file_name.to_ascii_uppercase();
        let stem = upper.strip_suffix(".LOG")?;
        let prefix_len = stem.bytes().take_while(u8::is_ascii_alphabetic).count();
        if prefix_len == 0 {
            return None;
        }
        let (prefix, rest) = stem.split_at(prefix_len);
        let digit_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let hourly = match digit_len {
            8 => false,
            10 => true,
            _ => return None,
        };
        let (stamp, rest) = rest.split_at(digit_len);
        let rest = rest.strip_prefix('-')?;
        let instance_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let instance = rest[..instance_len].parse().ok()?;
        let num = |r: std::ops::Range<usize>| stamp[r].parse::<u32>().ok();
        let (year, month, day) = (num(0..4)?, num(4..6)?, num(6..8)?);
        let hour = if hourly { num(8..10)? } else { 0 };
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 {
            return None;
        }
        let start_ms = (days_from_civil(i64::from(year), month, day) * 24 + i64::from(hour)) * 3_600_000;
        let family = match prefix {
            "RECV" => LogFamily::SmtpReceive,
            "SEND" => LogFamily::SmtpSend,
            p if p.starts_with("MSGTRK") => LogFamily::MessageTracking,
            _ => LogFamily::Other,
        };
        Some(Self {
            prefix: prefix.to_owned(),
            family,
            start_ms,
            hourly,
            instance,
        })
    }

    /// End of the period the file name covers. A file can hold a few lines past it (the roll happens on the
    /// first write after the hour), so callers skipping by time should allow some slack.
    pub fn end_ms(&self) -> i64 {
        self.start_ms + if self.hourly { 3_600_000 } else { 86_400_000 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logfile::parse_utc_ms;

    #[test]
    #[allow(clippy::type_complexity)] // a table of cases, read across
    fn parses_exchange_log_names() {
        let t = |s: &str| parse_utc_ms(s.as_bytes()).unwrap();
        let cases: &[(&str, Option<(&str, LogFamily, i64, bool, u32)>)] = &[
            (
                "RECV2023011116-1.LOG",
                Some(("RECV", LogFamily::SmtpReceive, t("2023-01-11T16:00:00Z"), true, 1)),
            ),
            (
                "send2026050106-12.log",
                Some(("SEND", LogFamily::SmtpSend, t("2026-05-01T06:00:00Z"), true, 12)),
            ),
            (
                "SEND20260501-2.LOG",
                Some(("SEND", LogFamily::SmtpSend, t("2026-05-01T00:00:00Z"), false, 2)),
            ),
            (
                "MSGTRKMS2022091915-1.LOG",
                Some((
                    "MSGTRKMS",
                    LogFamily::MessageTracking,
                    t("2022-09-19T15:00:00Z"),
                    true,
                    1,
                )),
            ),
            (
                "MSGTRK2022091915-1_copy.LOG",
                Some(("MSGTRK", LogFamily::MessageTracking, t("2022-09-19T15:00:00Z"), true, 1)),
            ),
            ("RECV2023011199-1.LOG", None),
            ("RECV20230111-.LOG", None),
            ("notes.txt", None),
            ("2023011116-1.LOG", None),
        ];
        for (name, want) in cases {
            let got = LogFileName::parse(name).map(|n| (n.prefix.clone(), n.family, n.start_ms, n.hourly, n.instance));
            let want = want.map(|(p, f, s, h, i)| (p.to_owned(), f, s, h, i));
            assert_eq!(got, want, "{name}");
        }
    }
}
