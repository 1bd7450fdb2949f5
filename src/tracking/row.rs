//! Message-tracking events as the shared plumbing reads them ([`KindReader`]): each event with the knowledge base's
//! findings for it, diagnosed on the reading thread, so that while the caller turns one batch into objects (the
//! dearest part, in .NET) the engine already reads, filters and diagnoses the next. Rows are recycled: the events
//! of a batch the caller is done with go back to the reading thread to be refilled, so that reading allocates
//! nothing per event once the buffers have grown.

use super::diagnose::{DiagnosedText, TrackingDiagnoser};
use super::event::TrackingEvent;
use super::reader::{TrackingReader, TrackingStats};
use crate::logfile::{catch_quietly, Item, KindReader, LineError, Step};

/// An event with its findings (empty unless it reports a failure).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrackingRow {
    pub event: TrackingEvent,
    pub diagnosis: Vec<DiagnosedText>,
}

/// What a message-tracking reader hands out: events, and notices about the files read.
pub type TrackingItem = Item<TrackingRow>;

impl KindReader for TrackingReader {
    type Row = TrackingRow;
    type Stats = TrackingStats;
    const THREAD: &'static str = "hybridmailflow-tracking";
    const RECYCLES_ROWS: bool = true;

    fn read_step(&mut self, spare: &mut Vec<TrackingRow>) -> Step<TrackingRow> {
        if let Some(row) = self.held.take() {
            return Step::Item(Item::Row(row));
        }
        let mut row = spare.pop().unwrap_or_default();
        match self.read_into(&mut row.event) {
            None => {
                spare.push(row);
                Step::End
            }
            Some(Err(notice)) => {
                spare.push(row);
                Step::Item(notice)
            }
            Some(Ok(())) => {
                // A panic while diagnosing costs the diagnosis, not the event: the error naming it comes first.
                let diagnoser = self.diagnoser.get_or_insert_with(|| Box::new(TrackingDiagnoser::new()));
                let event = &row.event;
                match catch_quietly(|| diagnoser.diagnose(event)) {
                    Ok(diagnosis) => {
                        row.diagnosis = diagnosis;
                        Step::Item(Item::Row(row))
                    }
                    Err(panic) => {
                        let error = LineError::diagnosis_lost(event.path.clone(), event.line, &panic);
                        row.diagnosis.clear();
                        self.held = Some(row);
                        Step::Item(Item::Error(error))
                    }
                }
            }
        }
    }

    fn stats(&self) -> TrackingStats {
        TrackingReader::stats(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logfile::{Batch, Prefetcher};
    use crate::tracking::TrackingFilter;
    use std::path::{Path, PathBuf};

    fn lab() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tracking/CMHYBD01/MessageTracking")
    }

    /// (event ids, notices) of every batch.
    fn read_all(batch_size: usize) -> (Vec<String>, Vec<TrackingItem>, TrackingStats) {
        let reader = TrackingReader::new(vec![lab()], TrackingFilter::default());
        let mut prefetcher = Prefetcher::start_with(reader, batch_size, |batch: Batch<TrackingReader>| {
            let mut ids = Vec::new();
            let mut notices = Vec::new();
            for item in &batch.items {
                match item {
                    Item::Row(row) => ids.push(row.event.event_id.clone()),
                    notice => notices.push(notice.clone()),
                }
            }
            (ids, notices)
        });
        let (mut ids, mut notices) = (Vec::new(), Vec::new());
        while let Some(((batch_ids, batch_notices), _)) = prefetcher.next() {
            ids.extend(batch_ids);
            notices.extend(batch_notices);
        }
        (ids, notices, prefetcher.stats())
    }

    #[test]
    fn batches_of_any_size_give_the_events_of_a_plain_read_in_order() {
        let plain: Vec<String> = TrackingReader::new(vec![lab()], TrackingFilter::default())
            .map(|e| e.unwrap().event_id)
            .collect();
        for size in [1, 2, 7, 512] {
            let (ids, notices, stats) = read_all(size);
            assert_eq!(ids, plain, "batch size {size}");
            let started = notices.iter().filter(|n| matches!(n, Item::FileStarted { .. })).count();
            let done = notices
                .iter()
                .filter(|n| matches!(n, Item::FileDone { skipped: None, .. }))
                .count();
            assert_eq!((started, done), (5, 5), "batch size {size}");
            assert_eq!(stats.events, plain.len() as u64);
        }
    }

    #[test]
    fn recycled_event_buffers_are_refilled_with_each_event_and_its_diagnosis() {
        let mut diagnoser = TrackingDiagnoser::new();
        let want: Vec<(String, u64, Vec<DiagnosedText>)> = TrackingReader::new(vec![lab()], TrackingFilter::default())
            .map(|e| {
                let e = e.unwrap();
                let diagnosis = diagnoser.diagnose(&e);
                (e.path.to_string(), e.line, diagnosis)
            })
            .collect();
        let reader = TrackingReader::new(vec![lab()], TrackingFilter::default());
        let mut prefetcher = Prefetcher::start(reader, 3);
        let mut got = Vec::new();
        loop {
            let batch = prefetcher.next_batch();
            for item in &batch.items {
                if let Item::Row(row) = item {
                    got.push((row.event.path.to_string(), row.event.line, row.diagnosis.clone()));
                }
            }
            if batch.end == crate::logfile::BatchEnd::End {
                break;
            }
        }
        assert_eq!(got, want);
        assert!(want.iter().filter(|(_, _, d)| !d.is_empty()).count() >= 8);
    }
}
