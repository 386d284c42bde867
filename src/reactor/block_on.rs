//! [`block_on`], and joining futures without a heap.

use core::future::{poll_fn, Future};
use core::pin::pin;
use core::task::{Context, Poll};

use super::Reactor;
use crate::Result;

/// Runs `future` to its end on this thread, turning `reactor` whenever it waits: its output,
/// or the error of a turn (the poller failing, which it has no reason to).
///
/// The future is polled again after anything wakes it: a socket's readiness or a deadline in
/// a turn, or a wake from inside the future itself. Its waker counts wakes in one atomic and
/// allocates nothing; a wake from another thread is seen at the end of the current turn (a
/// turn without deadlines waits until a socket is ready).
///
/// ```
/// use baresock::reactor::{block_on, Reactor, Slots};
/// let slots = Slots::<1>::new();
/// let reactor = Reactor::new(&slots)?;
/// assert_eq!(block_on(&reactor, async { 6 * 7 })?, 42);
/// # Ok::<(), baresock::Error>(())
/// ```
pub fn block_on<F: Future>(reactor: &Reactor<'_>, future: F) -> Result<F::Output> {
    let mut future = pin!(future);
    let waker = crate::sys::waker::waker();
    let mut cx = Context::from_waker(&waker);
    loop {
        let seen = crate::sys::waker::wakes();
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return Ok(v);
        }
        while crate::sys::waker::wakes() == seen {
            reactor.turn(None)?;
        }
    }
}

/// Runs two futures at once: both outputs, once both are done.
///
/// ```
/// use baresock::reactor::{block_on, join, Reactor, Slots};
/// let slots = Slots::<1>::new();
/// let reactor = Reactor::new(&slots)?;
/// assert_eq!(block_on(&reactor, join(async { 1 }, async { "two" }))?, (1, "two"));
/// # Ok::<(), baresock::Error>(())
/// ```
pub async fn join<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut ra, mut rb) = (None, None);
    poll_fn(|cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (ra, rb) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

/// Runs every future of an array at once, until all are done: many connections served by
/// one thread, in memory fixed at compile time (the futures live in the array, on the
/// stack or wherever the joining future is).
///
/// Each future hands on its result through what it borrows (a counter, a slot of an array
/// of results), as a server's connection tasks do; each is polled only when something woke
/// the join, and a finished one never again.
///
/// ```
/// use baresock::reactor::{block_on, join_all, Reactor, Slots};
/// use core::cell::Cell;
/// let slots = Slots::<1>::new();
/// let reactor = Reactor::new(&slots)?;
/// let sum = Cell::new(0);
/// let sum = &sum;
/// let tasks: [_; 10] = core::array::from_fn(|i| async move { sum.set(sum.get() + i) });
/// block_on(&reactor, join_all(tasks))?;
/// assert_eq!(sum.get(), 45);
/// # Ok::<(), baresock::Error>(())
/// ```
pub async fn join_all<F: Future<Output = ()>, const N: usize>(futures: [F; N]) {
    let mut futures = pin!(futures);
    let mut done = [false; N];
    poll_fn(|cx| {
        let mut pending = false;
        let each = crate::sys::pin::each(futures.as_mut() as core::pin::Pin<&mut [F]>);
        for (f, done) in each.zip(done.iter_mut()) {
            if !*done {
                match f.poll(cx) {
                    Poll::Ready(()) => *done = true,
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await
}
