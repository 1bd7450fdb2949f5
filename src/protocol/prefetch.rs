//! Protocol logs of several streams read ahead on threads of their own (each a [`Prefetcher`]) and merged into
//! one order.

use std::collections::VecDeque;
use std::sync::Arc;

use super::reader::{ProtocolItem, ProtocolReader, ProtocolRow, ProtocolStats};
use crate::logfile::{Batch, BatchEnd, Item, Prefetcher};

/// Reads each stream on its own thread and merges what they give back into one order: sessions by start,
/// lines by time (errors and file events as they come). A session never spans two streams, so nothing is
/// shared between the threads.
pub struct ParallelReader {
    feeds: Vec<Feed>,
    done: bool,
}

struct Feed {
    prefetcher: Prefetcher<ProtocolReader>,
    queue: VecDeque<ProtocolItem>,
    ended: bool,
}

/// Batches each stream's thread hands over: small, because every stream keeps up to two of them waiting.
const STREAM_BATCH: usize = 128;

impl ParallelReader {
    pub fn start(readers: Vec<ProtocolReader>) -> ParallelReader {
        ParallelReader::start_with(readers, Arc::new(|| {}))
    }

    /// [`Self::start`], each stream's thread running `chore` before each batch it reads (the C ABI frees there
    /// what the caller gave back, so that the caller's thread does not).
    pub fn start_with(readers: Vec<ProtocolReader>, chore: Arc<dyn Fn() + Send + Sync>) -> ParallelReader {
        let feeds = readers
            .into_iter()
            .map(|reader| {
                let chore = chore.clone();
                let prefetcher = Prefetcher::start_with(reader, STREAM_BATCH, move |batch| {
                    chore();
                    batch
                });
                Feed {
                    prefetcher,
                    queue: VecDeque::new(),
                    ended: false,
                }
            })
            .collect();
        ParallelReader { feeds, done: false }
    }

    pub fn next_batch(&mut self, batch_size: usize) -> Batch<ProtocolReader> {
        let mut items = Vec::with_capacity(batch_size.min(1024));
        while items.len() < batch_size && !self.done {
            for feed in &mut self.feeds {
                if feed.queue.is_empty() && !feed.ended {
                    let mut batch = feed.prefetcher.next_batch();
                    feed.ended = batch.end == BatchEnd::End;
                    feed.queue.extend(std::mem::take(&mut batch.items));
                }
            }
            let mut passed = false;
            for feed in &mut self.feeds {
                while feed.queue.front().is_some_and(|item| order_of(item).is_none()) {
                    items.extend(feed.queue.pop_front());
                    passed = true;
                }
            }
            if passed {
                continue;
            }
            let next = self
                .feeds
                .iter()
                .enumerate()
                .filter_map(|(i, f)| f.queue.front().and_then(order_of).map(|t| (t, i)))
                .min();
            match next {
                Some((_, i)) => items.extend(self.feeds[i].queue.pop_front()),
                None => self.done = self.feeds.iter().all(|f| f.ended && f.queue.is_empty()),
            }
        }
        let end = if self.done { BatchEnd::End } else { BatchEnd::More };
        Batch::new(items, end, self.stats())
    }

    pub fn stats(&self) -> ProtocolStats {
        self.feeds
            .iter()
            .map(|f| f.prefetcher.stats())
            .fold(ProtocolStats::default(), |a, b| ProtocolStats {
                files: a.files + b.files,
                files_skipped_by_time: a.files_skipped_by_time + b.files_skipped_by_time,
                bytes: a.bytes + b.bytes,
                lines: a.lines + b.lines,
                skipped_lines: a.skipped_lines + b.skipped_lines,
                truncated_lines: a.truncated_lines + b.truncated_lines,
                entries: a.entries + b.entries,
                sessions: a.sessions + b.sessions,
            })
    }
}

/// The time an item is ordered by: a session's start, a line's time; None for items that go as they come.
fn order_of(item: &ProtocolItem) -> Option<i64> {
    match item {
        Item::Row(ProtocolRow::Session(s)) => Some(s.start_ms),
        Item::Row(ProtocolRow::Entry(e)) => Some(e.time_ms),
        _ => None,
    }
}
