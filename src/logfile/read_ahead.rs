//! A thread that reads ahead of its caller, shared by every log kind's reader ([`Prefetcher`]): while the caller
//! turns one batch into objects (the dearest part, in .NET), the thread already reads the next. At most two
//! batches wait, so memory stays bounded; for kinds that recycle their rows, the rows of a batch the caller is done
//! with go back to the reading thread to be refilled, so that reading allocates nothing per row once the buffers
//! have grown.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::{catch_quietly, BatchEnd, Item, KindReader, LineError, Step};

/// What the reading thread does after sending a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Then {
    ReadMore,
    /// Nothing new for now (a followed file): look again after this long.
    WaitAndReadMore(Duration),
    /// That was the last batch.
    Stop,
}

/// Batches read on a thread of their own. Dropping it stops the thread and waits for it, so that no file stays
/// open after the reader is freed.
struct ReadAhead<M> {
    receiver: Option<Receiver<(M, bool)>>,
    stop: Arc<AtomicBool>,
    worker: Option<JoinHandle<()>>,
    done: bool,
}

impl<M: Send + 'static> ReadAhead<M> {
    /// Calls `read(None)` on a thread named `name` until it says [`Then::Stop`], handing each batch to the caller.
    /// When a call panics, `read(Some(error))` is called once more for the batch that reports it, the last one; it
    /// must not touch the reader, which the panic may have left half-way.
    fn start(name: &str, mut read: impl FnMut(Option<LineError>) -> (M, Then) + Send + 'static) -> ReadAhead<M> {
        let (sender, receiver) = sync_channel::<(M, bool)>(2);
        let stop = Arc::new(AtomicBool::new(false));
        let stop_worker = stop.clone();
        let worker = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                while !stop_worker.load(Ordering::Relaxed) {
                    let (batch, then) = match catch_quietly(|| read(None)) {
                        Ok(read) => read,
                        Err(panic) => {
                            let error = LineError::from_panic(&panic);
                            let Ok((batch, _)) = catch_quietly(|| read(Some(error))) else {
                                break;
                            };
                            (batch, Then::Stop)
                        }
                    };
                    if sender.send((batch, then == Then::Stop)).is_err() {
                        break;
                    }
                    match then {
                        Then::ReadMore => {}
                        Then::WaitAndReadMore(pause) => std::thread::sleep(pause),
                        Then::Stop => break,
                    }
                }
            })
            .expect("the reading thread can be started");
        ReadAhead {
            receiver: Some(receiver),
            stop,
            worker: Some(worker),
            done: false,
        }
    }

    /// The next batch; `None` once the last was taken (or the thread stopped).
    fn next(&mut self) -> Option<M> {
        if self.done {
            return None;
        }
        match self.receiver.as_ref().and_then(|r| r.recv().ok()) {
            Some((batch, last)) => {
                self.done = last;
                Some(batch)
            }
            None => {
                self.done = true;
                None
            }
        }
    }
}

impl<M> Drop for ReadAhead<M> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.receiver.take();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

/// Items read in one go, with how the batch ends and the reader's totals after it. Dropping it hands its rows
/// back to the reading thread to be refilled, for kinds that recycle them ([`KindReader::RECYCLES_ROWS`]).
pub struct Batch<K: KindReader> {
    pub items: Vec<Item<K::Row>>,
    pub end: BatchEnd,
    pub stats: K::Stats,
    recycle: Option<SyncSender<Vec<Item<K::Row>>>>,
}

impl<K: KindReader> Batch<K> {
    pub fn new(items: Vec<Item<K::Row>>, end: BatchEnd, stats: K::Stats) -> Batch<K> {
        Batch {
            items,
            end,
            stats,
            recycle: None,
        }
    }
}

impl<K: KindReader> Drop for Batch<K> {
    fn drop(&mut self) {
        if let Some(recycle) = self.recycle.take() {
            // The reader may have finished (or the pool may be full): then the rows are simply freed.
            let _ = recycle.try_send(std::mem::take(&mut self.items));
        }
    }
}

/// How long the reading thread waits before looking again at a followed file that had nothing new.
const FOLLOW_POLL: Duration = Duration::from_millis(200);

/// A reader of any log kind read ahead on a thread of its own, in batches, each turned into a `T` there (the C ABI
/// builds its views there too).
pub struct Prefetcher<K: KindReader, T = Batch<K>> {
    ahead: ReadAhead<(T, BatchEnd, K::Stats)>,
    stats: K::Stats,
}

impl<K: KindReader> Prefetcher<K, Batch<K>> {
    /// Starts reading `reader` on its own thread, in batches of up to `batch_size` items.
    pub fn start(reader: K, batch_size: usize) -> Self {
        Prefetcher::start_with(reader, batch_size, |batch| batch)
    }

    /// The next batch; after the last one, empty batches that say `End`.
    pub fn next_batch(&mut self) -> Batch<K> {
        match self.next() {
            Some((batch, _)) => batch,
            None => Batch::new(Vec::new(), BatchEnd::End, self.stats),
        }
    }
}

impl<K: KindReader, T: Send + 'static> Prefetcher<K, T> {
    /// Starts reading `reader` on its own thread, in batches of up to `batch_size` items, each turned into a `T`
    /// by `build` on that thread. A panic in the reader ends the read with a batch that reports it.
    pub fn start_with(mut reader: K, batch_size: usize, mut build: impl FnMut(Batch<K>) -> T + Send + 'static) -> Self {
        let batch_size = batch_size.max(1);
        let (recycle, recycled) = sync_channel::<Vec<Item<K::Row>>>(4);
        let recycle = K::RECYCLES_ROWS.then_some(recycle);
        let mut spare = Vec::new();
        let ahead = ReadAhead::start(K::THREAD, move |failure| {
            let batch = match failure {
                None => {
                    let items = match recycled.try_recv() {
                        Ok(mut old) => {
                            spare.extend(old.drain(..).filter_map(|item| match item {
                                Item::Row(row) => Some(row),
                                _ => None,
                            }));
                            spare.truncate(batch_size);
                            old
                        }
                        Err(_) => Vec::with_capacity(batch_size.min(1024)),
                    };
                    let mut batch = read_batch(&mut reader, &mut spare, items, batch_size);
                    batch.recycle = recycle.clone();
                    batch
                }
                Some(error) => Batch::new(vec![Item::Error(error)], BatchEnd::End, K::Stats::default()),
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
            stats: K::Stats::default(),
        }
    }

    /// The next batch and how it ends; `None` once the last was taken (or the thread stopped).
    #[allow(clippy::should_implement_trait)] // a batch with how it ends; an Iterator would hide the end
    pub fn next(&mut self) -> Option<(T, BatchEnd)> {
        let (built, end, stats) = self.ahead.next()?;
        if stats != K::Stats::default() {
            self.stats = stats;
        }
        Some((built, end))
    }

    /// The reader's totals as of the last batch taken.
    pub fn stats(&self) -> K::Stats {
        self.stats
    }
}

/// Reads up to `batch_size` items into `items`.
fn read_batch<K: KindReader>(
    reader: &mut K,
    spare: &mut Vec<K::Row>,
    mut items: Vec<Item<K::Row>>,
    batch_size: usize,
) -> Batch<K> {
    let end = loop {
        if items.len() >= batch_size {
            break BatchEnd::More;
        }
        match reader.read_step(spare) {
            Step::Item(item) => items.push(item),
            Step::Pending => break BatchEnd::Pending,
            Step::End => break BatchEnd::End,
        }
    };
    Batch::new(items, end, reader.stats())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_come_in_order_until_the_last() {
        let mut n = 0;
        let mut ahead = ReadAhead::start("test", move |_| {
            n += 1;
            (n, if n == 3 { Then::Stop } else { Then::ReadMore })
        });
        assert_eq!(
            (ahead.next(), ahead.next(), ahead.next(), ahead.next()),
            (Some(1), Some(2), Some(3), None)
        );
    }

    #[test]
    fn a_panic_becomes_the_last_batch_reporting_it() {
        let mut n = 0;
        let mut ahead = ReadAhead::start("test", move |failure: Option<LineError>| match failure {
            Some(error) => (error.message, Then::ReadMore),
            None => {
                n += 1;
                assert!(n < 2, "the reader broke at batch {n}");
                ("batch 1".to_owned(), Then::ReadMore)
            }
        });
        assert_eq!(ahead.next().as_deref(), Some("batch 1"));
        let reported = ahead.next().expect("a batch that reports the panic");
        assert!(reported.contains("the reader broke at batch 2"), "{reported}");
        assert_eq!(ahead.next(), None);
    }

    /// A log kind of numbered rows: a line is pending once after row `pending_after`; rows built in a spare one
    /// are counted.
    struct Counting {
        next: u32,
        last: u32,
        pending_after: Option<u32>,
        refilled: u32,
    }

    impl KindReader for Counting {
        type Row = Vec<u32>;
        type Stats = (u32, u32);
        const THREAD: &'static str = "test";
        const RECYCLES_ROWS: bool = true;

        fn read_step(&mut self, spare: &mut Vec<Vec<u32>>) -> Step<Vec<u32>> {
            if self.pending_after == Some(self.next) {
                self.pending_after = None;
                return Step::Pending;
            }
            if self.next == self.last {
                return Step::End;
            }
            let mut row = spare.pop().inspect(|_| self.refilled += 1);
            let row = row.get_or_insert_with(Vec::new);
            row.clear();
            row.push(self.next);
            self.next += 1;
            Step::Item(Item::Row(std::mem::take(row)))
        }

        fn stats(&self) -> (u32, u32) {
            (self.next, self.refilled)
        }
    }

    fn rows(batch: &Batch<Counting>) -> Vec<u32> {
        batch
            .items
            .iter()
            .flat_map(|item| match item {
                Item::Row(row) => row.clone(),
                _ => Vec::new(),
            })
            .collect()
    }

    #[test]
    fn a_kind_is_read_in_batches_that_end_as_its_reader_says() {
        let kind = Counting {
            next: 0,
            last: 5,
            pending_after: Some(3),
            refilled: 0,
        };
        let mut ahead = Prefetcher::start(kind, 2);
        let mut got = Vec::new();
        loop {
            let batch = ahead.next_batch();
            got.push((rows(&batch), batch.end));
            if batch.end == BatchEnd::End {
                break;
            }
        }
        assert_eq!(
            got,
            [
                (vec![0, 1], BatchEnd::More),
                (vec![2], BatchEnd::Pending),
                (vec![3, 4], BatchEnd::More),
                (vec![], BatchEnd::End),
            ]
        );
        assert_eq!(ahead.stats().0, 5);
        assert_eq!(
            (rows(&ahead.next_batch()), ahead.next_batch().end),
            (vec![], BatchEnd::End)
        );
    }

    #[test]
    fn the_rows_of_a_batch_the_caller_dropped_are_refilled() {
        let kind = Counting {
            next: 0,
            last: 1000,
            pending_after: None,
            refilled: 0,
        };
        let mut ahead = Prefetcher::start(kind, 10);
        let mut seen = Vec::new();
        loop {
            let batch = ahead.next_batch();
            seen.extend(rows(&batch));
            if batch.end == BatchEnd::End {
                break;
            }
        }
        assert_eq!(seen, (0..1000).collect::<Vec<u32>>());
        assert!(ahead.stats().1 > 0, "no row was refilled");
    }

    #[test]
    fn dropping_it_stops_a_thread_that_would_read_forever() {
        let mut ahead = ReadAhead::start("test", |_| (vec![0u8; 16], Then::ReadMore));
        assert!(ahead.next().is_some());
        drop(ahead);
    }
}
