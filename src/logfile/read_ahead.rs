//! A thread that reads ahead of its caller, shared by the protocol-log and message-tracking readers: while the
//! caller turns one batch into objects (the dearest part, in .NET), the thread already reads the next. At most two
//! batches wait, so memory stays bounded.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::{catch_quietly, LineError};

/// What the reading thread does after sending a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Then {
    ReadMore,
    /// Nothing new for now (a followed file): look again after this long.
    WaitAndReadMore(Duration),
    /// That was the last batch.
    Stop,
}

/// Batches read on a thread of their own. Dropping it stops the thread and waits for it, so that no file stays
/// open after the reader is freed.
pub(crate) struct ReadAhead<M> {
    receiver: Option<Receiver<(M, bool)>>,
    stop: Arc<AtomicBool>,
    worker: Option<JoinHandle<()>>,
    done: bool,
}

impl<M: Send + 'static> ReadAhead<M> {
    /// Calls `read(None)` on a thread named `name` until it says [`Then::Stop`], handing each batch to the caller.
    /// When a call panics, `read(Some(error))` is called once more for the batch that reports it, the last one; it
    /// must not touch the reader, which the panic may have left half-way.
    pub(crate) fn start(
        name: &str,
        mut read: impl FnMut(Option<LineError>) -> (M, Then) + Send + 'static,
    ) -> ReadAhead<M> {
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
    pub(crate) fn next(&mut self) -> Option<M> {
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

    #[test]
    fn dropping_it_stops_a_thread_that_would_read_forever() {
        let mut ahead = ReadAhead::start("test", |_| (vec![0u8; 16], Then::ReadMore));
        assert!(ahead.next().is_some());
        drop(ahead);
    }
}
