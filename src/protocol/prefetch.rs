//! Protocol logs read ahead on threads of their own ([`ReadAhead`]): one per reader, and several merged into one
//! order.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use super::reader::{Next, ProtocolItem, ProtocolReader, ProtocolStats};
use crate::logfile::{ReadAhead, Then};

/// How a batch ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchEnd {
    /// More items follow.
    More,
    /// Follow mode: nothing more for now.
    Pending,
    /// The reader is done.
    End,
}

#[derive(Debug)]
pub struct Batch {
    pub items: Vec<ProtocolItem>,
    pub end: BatchEnd,
    /// Totals of the reader after this batch.
    pub stats: ProtocolStats,
}

/// How long the reading thread waits before looking again at a followed file that had nothing new.
const FOLLOW_POLL: Duration = Duration::from_millis(200);

/// Batches read on a thread of their own, each turned into a `T` there (the C ABI builds its views there too).
pub struct Prefetcher<T = Batch> {
    ahead: ReadAhead<(T, BatchEnd, ProtocolStats)>,
    stats: ProtocolStats,
}

impl Prefetcher<Batch> {
    /// Starts reading `reader` on its own thread, in batches of up to `batch_size` items.
    pub fn start(reader: ProtocolReader, batch_size: usize) -> Prefetcher<Batch> {
        Prefetcher::start_with(reader, batch_size, |batch| batch)
    }

    /// The next batch; after the last one, empty batches that say `End`.
    pub fn next_batch(&mut self) -> Batch {
        match self.next() {
            Some((batch, _)) => batch,
            None => Batch {
                items: Vec::new(),
                end: BatchEnd::End,
                stats: self.stats,
            },
        }
    }
}

impl<T: Send + 'static> Prefetcher<T> {
    /// Starts reading `reader` on its own thread, in batches of up to `batch_size` items, each turned into a `T`
    /// by `build` on that thread.
    pub fn start_with(
        mut reader: ProtocolReader,
        batch_size: usize,
        mut build: impl FnMut(Batch) -> T + Send + 'static,
    ) -> Prefetcher<T> {
        let ahead = ReadAhead::start("hybridmailflow-reader", move |failure| {
            let batch = match failure {
                None => read_batch(&mut reader, batch_size),
                Some(error) => Batch {
                    items: vec![ProtocolItem::Error(error)],
                    end: BatchEnd::End,
                    stats: ProtocolStats::default(),
                },
            };
            let (end, stats) = (batch.end, batch.stats);
            let then = match end {
                BatchEnd::More => Then::ReadMore,
                BatchEnd::Pending => Then::WaitAndReadMore(FOLLOW_POLL),
                BatchEnd::End => Then::Stop,
            };
            ((build(batch), end, stats), then)
        });
        Prefetcher {
            ahead,
            stats: ProtocolStats::default(),
        }
    }

    /// The next batch and how it ends; `None` once the last was taken (or the thread stopped).
    #[allow(clippy::should_implement_trait)] // a batch with how it ends; an Iterator would hide the end
    pub fn next(&mut self) -> Option<(T, BatchEnd)> {
        let (built, end, stats) = self.ahead.next()?;
        if stats != ProtocolStats::default() {
            self.stats = stats;
        }
        Some((built, end))
    }

    pub fn stats(&self) -> ProtocolStats {
        self.stats
    }
}

fn read_batch(reader: &mut ProtocolReader, batch_size: usize) -> Batch {
    let mut items = Vec::with_capacity(batch_size.min(1024));
    let end = loop {
        if items.len() >= batch_size {
            break BatchEnd::More;
        }
        match reader.next() {
            Next::Item(item) => items.push(item),
            Next::Pending => break BatchEnd::Pending,
            Next::End => break BatchEnd::End,
        }
    };
    Batch {
        items,
        end,
        stats: reader.stats(),
    }
}

/// Reads each stream on its own thread and merges what they give back into one order: sessions by start,
/// lines by time (errors and file events as they come). A session never spans two streams, so nothing is
/// shared between the threads.
pub struct ParallelReader {
    feeds: Vec<Feed>,
    done: bool,
}

struct Feed {
    prefetcher: Prefetcher,
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

    pub fn next_batch(&mut self, batch_size: usize) -> Batch {
        let mut items = Vec::with_capacity(batch_size.min(1024));
        while items.len() < batch_size && !self.done {
            for feed in &mut self.feeds {
                if feed.queue.is_empty() && !feed.ended {
                    let batch = feed.prefetcher.next_batch();
                    feed.ended = batch.end == BatchEnd::End;
                    feed.queue.extend(batch.items);
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
        Batch {
            items,
            end: if self.done { BatchEnd::End } else { BatchEnd::More },
            stats: self.stats(),
        }
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
        ProtocolItem::Session(s) => Some(s.start_ms),
        ProtocolItem::Entry(e) => Some(e.time_ms),
        _ => None,
    }
}
