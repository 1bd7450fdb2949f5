//! Reads ahead on a second thread, in batches: while the caller turns one batch into objects (the dearest part,
//! in .NET), the engine already reads, filters and diagnoses the next one, and turns it into whatever the caller
//! needs (the C ABI builds its views there too). At most two batches wait, so memory stays bounded; the events of
//! a batch the caller is done with go back to the reading thread to be refilled, so that reading allocates
//! nothing per event once the buffers have grown.

use std::sync::mpsc::{sync_channel, SyncSender};

use super::diagnose::{DiagnosedText, TrackingDiagnoser};
use super::event::TrackingEvent;
use super::reader::{ReadStep, TrackingNotice, TrackingReader, TrackingStats};
use crate::logfile::{catch_quietly, LineError, ReadAhead, Then};

/// One item of a batch, in the order read.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchItem {
    /// The event at `index` of the batch's events, with its findings (empty unless it reports a failure).
    Event {
        index: usize,
        diagnosis: Vec<DiagnosedText>,
    },
    Notice(TrackingNotice),
}

/// Events and notices read in one go. Dropping it hands its event buffers back to the reading thread.
pub struct TrackingBatch {
    events: Vec<TrackingEvent>,
    pub items: Vec<BatchItem>,
    /// True for the last batch.
    pub end: bool,
    /// The reader's totals after this batch.
    pub stats: TrackingStats,
    recycle: Option<SyncSender<Vec<TrackingEvent>>>,
}

impl TrackingBatch {
    /// The event an [`BatchItem::Event`] points to.
    pub fn event(&self, index: usize) -> &TrackingEvent {
        &self.events[index]
    }

    fn failed(error: LineError) -> TrackingBatch {
        TrackingBatch {
            events: Vec::new(),
            items: vec![BatchItem::Notice(TrackingNotice::Error(error))],
            end: true,
            stats: TrackingStats::default(),
            recycle: None,
        }
    }
}

impl Drop for TrackingBatch {
    fn drop(&mut self) {
        if let Some(recycle) = self.recycle.take() {
            // The reader may have finished (or the pool may be full): then the buffers are simply freed.
            let _ = recycle.try_send(std::mem::take(&mut self.events));
        }
    }
}

/// Batches that were read, turned into `T`, with whether each is the last.
pub struct TrackingPrefetcher<T> {
    ahead: ReadAhead<(T, bool, TrackingStats)>,
    stats: TrackingStats,
}

impl<T: Send + 'static> TrackingPrefetcher<T> {
    /// Starts reading `reader` on its own thread, in batches of up to `batch_size` items, each turned into a `T`
    /// by `build` on that thread.
    pub fn start(
        mut reader: TrackingReader,
        batch_size: usize,
        mut build: impl FnMut(TrackingBatch) -> T + Send + 'static,
    ) -> Self {
        let (recycle, recycled) = sync_channel::<Vec<TrackingEvent>>(4);
        let batch_size = batch_size.max(1);
        let mut diagnoser = TrackingDiagnoser::new();
        let ahead = ReadAhead::start("hybridmailflow-tracking", move |failure| {
            let batch = match failure {
                None => {
                    let events = recycled.try_recv().unwrap_or_default();
                    let mut batch = read_batch(&mut reader, &mut diagnoser, events, batch_size);
                    batch.recycle = Some(recycle.clone());
                    batch
                }
                Some(error) => TrackingBatch::failed(error),
            };
            let (end, stats) = (batch.end, batch.stats);
            (
                (build(batch), end, stats),
                if end { Then::Stop } else { Then::ReadMore },
            )
        });
        TrackingPrefetcher {
            ahead,
            stats: TrackingStats::default(),
        }
    }

    /// The next batch and whether it is the last; `None` once the last was taken (or the thread stopped).
    pub fn next_batch(&mut self) -> Option<(T, bool)> {
        let (built, end, stats) = self.ahead.next()?;
        if stats != TrackingStats::default() {
            self.stats = stats;
        }
        Some((built, end))
    }

    /// The reader's totals as of the last batch taken.
    pub fn stats(&self) -> TrackingStats {
        self.stats
    }
}

/// Reads up to `batch_size` items, refilling the event buffers of `events`.
fn read_batch(
    reader: &mut TrackingReader,
    diagnoser: &mut TrackingDiagnoser,
    mut events: Vec<TrackingEvent>,
    batch_size: usize,
) -> TrackingBatch {
    let mut items = Vec::with_capacity(batch_size.min(1024));
    let mut count = 0;
    let end = loop {
        if items.len() >= batch_size {
            break false;
        }
        if count == events.len() {
            events.push(TrackingEvent::default());
        }
        match reader.read_into(&mut events[count]) {
            Some(ReadStep::Event) => {
                // A panic while diagnosing costs the diagnosis, not the event.
                let event = &events[count];
                let diagnosis = catch_quietly(|| diagnoser.diagnose(event)).unwrap_or_else(|panic| {
                    let error = LineError::diagnosis_lost(event.path.clone(), event.line, &panic);
                    items.push(BatchItem::Notice(TrackingNotice::Error(error)));
                    Vec::new()
                });
                items.push(BatchItem::Event {
                    index: count,
                    diagnosis,
                });
                count += 1;
            }
            Some(ReadStep::Notice(notice)) => items.push(BatchItem::Notice(notice)),
            None => break true,
        }
    };
    TrackingBatch {
        events,
        items,
        end,
        stats: reader.stats(),
        recycle: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracking::TrackingFilter;
    use std::path::{Path, PathBuf};

    fn lab() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tracking/CMHYBD01/MessageTracking")
    }

    /// (event ids, notices) of every batch.
    fn read_all(batch_size: usize) -> (Vec<String>, Vec<TrackingNotice>, TrackingStats) {
        let reader = TrackingReader::new(vec![lab()], TrackingFilter::default());
        let mut prefetcher = TrackingPrefetcher::start(reader, batch_size, |batch: TrackingBatch| {
            let mut ids = Vec::new();
            let mut notices = Vec::new();
            for item in &batch.items {
                match item {
                    BatchItem::Event { index, .. } => ids.push(batch.event(*index).event_id.clone()),
                    BatchItem::Notice(n) => notices.push(n.clone()),
                }
            }
            (ids, notices)
        });
        let (mut ids, mut notices) = (Vec::new(), Vec::new());
        while let Some(((batch_ids, batch_notices), _)) = prefetcher.next_batch() {
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
            let started = notices
                .iter()
                .filter(|n| matches!(n, TrackingNotice::FileStarted { .. }))
                .count();
            let done = notices
                .iter()
                .filter(|n| matches!(n, TrackingNotice::FileDone { skipped: None, .. }))
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
        let mut prefetcher = TrackingPrefetcher::start(reader, 3, |batch: TrackingBatch| batch);
        let mut got = Vec::new();
        while let Some((batch, _)) = prefetcher.next_batch() {
            for item in &batch.items {
                if let BatchItem::Event { index, diagnosis } = item {
                    let event = batch.event(*index);
                    got.push((event.path.to_string(), event.line, diagnosis.clone()));
                }
            }
        }
        assert_eq!(got, want);
        assert!(want.iter().filter(|(_, _, d)| !d.is_empty()).count() >= 8);
    }
}
