//! Time limits that stop the work, not only the waiting: each request that
//! evaluates gets a flag ([`crate::eval::Case::cancel`]) that one timer thread
//! sets when the request's time is up; the evaluation then ends with an
//! "interrupted" error at its next rule call or list step, and the handler
//! answers with [`super::WebError::Timeout`].
//!
//! The queue is kept in deadline order; as every request of a server has the
//! same limit, a new deadline goes at the back, in constant time. A request
//! that ends drops its flag; the timer forgets such entries as it meets them
//! (and so does each new request, at the front of the queue), so the queue
//! holds about the requests under way. The timer thread wakes at the earliest
//! deadline or when a new one is earlier, never per request.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::{Duration, Instant};

/// The flag a running evaluation reads.
pub type Cancel = Arc<AtomicBool>;

#[derive(Default)]
struct Queue {
    entries: VecDeque<(Instant, Weak<AtomicBool>)>,
    closed: bool,
}

impl Queue {
    /// Forgets the finished requests at the front.
    fn prune(&mut self) {
        while self.entries.front().is_some_and(|(_, w)| w.strong_count() == 0) {
            self.entries.pop_front();
        }
    }
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

/// One thread that sets the flags of requests past their deadline; it ends
/// when the timer is dropped.
pub struct Timer {
    shared: Arc<Shared>,
}

impl Timer {
    pub fn new() -> Timer {
        let shared = Arc::new(Shared::default());
        let s = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name("cba-deadlines".into())
            .spawn(move || run(&s));
        if spawned.is_err() {
            // No thread: flags are never set and the time limit only abandons
            // the response (the middleware's timeout), as it would without us.
            eprintln!("warning: cannot start the time-limit thread: evaluations run to their end");
        }
        Timer { shared }
    }

    /// A flag that is set `after` from now (unless the request ends first).
    pub fn start(&self, after: Duration) -> Cancel {
        let flag = Arc::new(AtomicBool::new(false));
        let at = Instant::now() + after;
        let Ok(mut q) = self.shared.queue.lock() else {
            return flag;
        };
        q.prune();
        let pos = if q.entries.back().is_none_or(|(last, _)| *last <= at) {
            q.entries.len()
        } else {
            q.entries.partition_point(|(a, _)| *a <= at)
        };
        q.entries.insert(pos, (at, Arc::downgrade(&flag)));
        drop(q);
        if pos == 0 {
            self.shared.wake.notify_one();
        }
        flag
    }
}

impl Default for Timer {
    fn default() -> Timer {
        Timer::new()
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Ok(mut q) = self.shared.queue.lock() {
            q.closed = true;
        }
        self.shared.wake.notify_one();
    }
}

fn run(shared: &Shared) {
    let Ok(mut q) = shared.queue.lock() else {
        return;
    };
    loop {
        if q.closed {
            return;
        }
        let now = Instant::now();
        while let Some((at, flag)) = q.entries.front() {
            if *at > now {
                break;
            }
            if let Some(flag) = flag.upgrade() {
                flag.store(true, Ordering::Relaxed);
            }
            q.entries.pop_front();
        }
        q.prune();
        let next = q.entries.front().map(|(at, _)| at.saturating_duration_since(now));
        q = match next {
            None => match shared.wake.wait(q) {
                Ok(q) => q,
                Err(_) => return,
            },
            Some(d) => match shared.wake.wait_timeout(q, d) {
                Ok((q, _)) => q,
                Err(_) => return,
            },
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flag_is_set_once_its_time_is_up_and_not_before() {
        let t = Timer::new();
        let late = t.start(Duration::from_secs(3600));
        let soon = t.start(Duration::from_millis(1));
        assert!(!late.load(Ordering::Relaxed));
        drop(late);
        let first = t.start(Duration::from_millis(1));
        for _ in 0..10_000 {
            if first.load(Ordering::Relaxed) && soon.load(Ordering::Relaxed) {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(soon.load(Ordering::Relaxed), "the first short deadline was not kept");
        assert!(
            first.load(Ordering::Relaxed),
            "a deadline after a finished request was not kept"
        );
    }
}
