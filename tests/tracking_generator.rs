//! The benchmark's tracking-log generator (examples/common/tracking_log.rs) writes what the reader reads back:
//! a benchmark over logs the reader half refuses would measure errors.

#[path = "../examples/common/tracking_log.rs"]
mod tracking_log;

use hybridmailflow_engine::tracking::{TrackingFileReader, TrackingFilter};
use tracking_log::generate_tracking_log;

#[test]
fn generated_logs_read_back_without_errors_and_vary_with_the_seed() {
    let hour = hybridmailflow_engine::logfile::parse_utc_ms(b"2026-05-01T06:00:00Z").unwrap();
    let mut a = Vec::new();
    generate_tracking_log(&mut a, hour, 500, 7).unwrap();
    let mut b = Vec::new();
    generate_tracking_log(&mut b, hour, 500, 7).unwrap();
    let mut c = Vec::new();
    generate_tracking_log(&mut c, hour, 500, 8).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
    let mut reader = TrackingFileReader::new("MSGTRK2026050106-1.LOG", &a[..], &TrackingFilter::default());
    let mut events = 0;
    let mut event_ids = std::collections::BTreeSet::new();
    while let Some(item) = reader.next_event() {
        let event = item.unwrap();
        assert!(event.timestamp_ms >= hour && event.timestamp_ms < hour + 3_700_000);
        event_ids.insert(event.event_id.clone());
        events += 1;
    }
    assert_eq!(events, 500);
    assert!(
        [
            "RECEIVE",
            "AGENTINFO",
            "SEND",
            "EXPAND",
            "DEFER",
            "FAIL",
            "DSN",
            "HAREDIRECTFAIL"
        ]
        .iter()
        .all(|id| event_ids.contains(*id)),
        "{event_ids:?}"
    );
}
