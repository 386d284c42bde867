use super::*;
use crate::UnixStream;
use std::boxed::Box;
use std::sync::Arc;
use std::task::{Context, Wake};

fn poll_once<F: Future>(f: core::pin::Pin<&mut F>, waker: &Waker) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(waker))
}

#[test]
fn keys_hold_index_and_generation() {
    let k = key(7, 0xdead_beef);
    assert_eq!(k as u32, 7);
    assert_eq!((k >> 32) as u32, 0xdead_beef);
}

#[test]
fn slots_are_reused_with_a_new_generation() {
    let slots = Slots::<2>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, g) = reactor.timer_slot().unwrap();
    reactor.free(a, g);
    // Freed twice (a stale handle): nothing happens.
    reactor.free(a, g);
    assert_eq!(reactor.registered(), 0);
    let mut seen = std::vec::Vec::new();
    for _ in 0..4 {
        let (i, g) = reactor.timer_slot().unwrap();
        seen.push((i, g));
        reactor.free(i, g);
    }
    // Every handle is new: a slot's generation moves on each time it is freed.
    seen.push((a, g));
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    assert_eq!(reactor.registered(), 0);
}

#[test]
fn events_of_a_freed_slot_are_ignored() {
    let slots = Slots::<1>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, peer_a) = UnixStream::pair().unwrap();
    // A second fd for the same socket keeps its epoll entry (old key) alive after the drop.
    let a_dup = a.try_clone().unwrap();
    drop(Async::new(&reactor, a).unwrap());
    let (b, _peer_b) = UnixStream::pair().unwrap();
    let b = Async::new(&reactor, b).unwrap();
    let mut buf = [0u8; 4];
    let waker = Waker::noop();
    let mut read = core::pin::pin!(b.read(&mut buf));
    assert!(poll_once(read.as_mut(), waker).is_pending());
    assert_eq!(reactor.wakers(), 1);
    // Data for the old registration: its event comes with the old generation.
    peer_a.send_all(b"old").unwrap();
    assert_eq!(reactor.turn(Some(Duration::from_millis(50))).unwrap(), 0);
    assert!(poll_once(read.as_mut(), waker).is_pending());
    drop(a_dup);
}

struct Flag(std::sync::atomic::AtomicUsize);

impl Wake for Flag {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, core::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn a_second_waiter_in_one_direction_wakes_the_first() {
    let slots = Slots::<1>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, _b) = UnixStream::pair().unwrap();
    let a = Async::new(&reactor, a).unwrap();
    let (f1, f2) = (Arc::new(Flag(0.into())), Arc::new(Flag(0.into())));
    let (w1, w2) = (Waker::from(f1.clone()), Waker::from(f2.clone()));
    let mut r1 = core::pin::pin!(a.readable());
    let mut r2 = core::pin::pin!(a.readable());
    // The first `readable` finds the optimistic flag: make the direction not ready.
    a.clear_ready(Dir::Read);
    assert!(poll_once(r1.as_mut(), &w1).is_pending());
    assert!(poll_once(r2.as_mut(), &w2).is_pending());
    assert_eq!(f1.0.load(core::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(reactor.wakers(), 1);
}

fn woken(f: &Flag) -> usize {
    f.0.load(core::sync::atomic::Ordering::SeqCst)
}

#[test]
fn the_first_waiter_dropped_leaves_the_second_its_wake() {
    // Two calls wait to read one socket, from two tasks (two wakers). The second's waker is
    // the one stored; the first is then dropped (cancelled). The second must still hear of
    // the data: a drop never takes another waiter's waker away.
    let slots = Slots::<1>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    let a = Async::new(&reactor, a).unwrap();
    let (f1, f2) = (Arc::new(Flag(0.into())), Arc::new(Flag(0.into())));
    let (w1, w2) = (Waker::from(f1.clone()), Waker::from(f2.clone()));
    let mut r1 = Box::pin(a.readable());
    let mut r2 = core::pin::pin!(a.readable());
    a.clear_ready(Dir::Read);
    assert!(poll_once(r1.as_mut(), &w1).is_pending());
    assert!(poll_once(r2.as_mut(), &w2).is_pending());
    drop(r1);
    b.send_all(b"x").unwrap();
    // Poll the second each time it is woken, as its executor would.
    let mut seen = 0;
    let mut ready = false;
    for _ in 0..100 {
        if woken(&f2) != seen {
            seen = woken(&f2);
            if poll_once(r2.as_mut(), &w2).is_ready() {
                ready = true;
                break;
            }
        }
        reactor.turn(Some(Duration::from_millis(50))).unwrap();
    }
    assert!(ready, "the second waiter was never woken for the data");
    assert_eq!(reactor.wakers(), 0);
}

#[test]
fn the_nearer_deadline_of_two_waiters_is_kept_and_the_other_is_not_lost() {
    // Two calls wait to read one socket: the first for 300 ms (long enough that a slow
    // emulated machine polls it before it passes), the second without a limit. The turn
    // must wake at the nearer deadline; after the first times out and goes, the second's
    // wait goes on (its own deadline set again), and data still ends it.
    let slots = Slots::<3>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    let a = Async::new(&reactor, a).unwrap();
    let (f1, f2) = (Arc::new(Flag(0.into())), Arc::new(Flag(0.into())));
    let (w1, w2) = (Waker::from(f1.clone()), Waker::from(f2.clone()));
    let mut buf1 = [0u8; 4];
    let mut buf2 = [0u8; 4];
    // A call takes the socket's read timeout when first polled.
    let mut r2 = Box::pin(a.read_with(|s| s.recv(&mut buf2)));
    let start = std::time::Instant::now();
    assert!(poll_once(r2.as_mut(), &w2).is_pending());
    a.set_read_timeout(Some(Duration::from_millis(300)));
    let mut r1 = Box::pin(a.read_with(|s| s.recv(&mut buf1)));
    assert!(poll_once(r1.as_mut(), &w1).is_pending());
    a.set_read_timeout(None);
    let mut r1_done = None;
    while r1_done.is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the 300 ms deadline never came"
        );
        reactor.turn(Some(Duration::from_secs(5))).unwrap();
        if woken(&f1) > 0 {
            if let Poll::Ready(r) = poll_once(r1.as_mut(), &w1) {
                r1_done = Some(r);
            }
        }
        if woken(&f2) > 0 {
            assert!(poll_once(r2.as_mut(), &w2).is_pending());
        }
    }
    assert_eq!(r1_done, Some(Err(Error::Timeout)));
    assert!(start.elapsed() < Duration::from_secs(10));
    drop(r1);
    // The second still waits, with no deadline of the first left to spin the turns on.
    if woken(&f2) > 0 {
        assert!(poll_once(r2.as_mut(), &w2).is_pending());
    }
    b.send_all(b"ok").unwrap();
    let before = woken(&f2);
    while woken(&f2) == before {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the data never woke the second"
        );
        reactor.turn(Some(Duration::from_secs(1))).unwrap();
    }
    assert_eq!(poll_once(r2.as_mut(), &w2), Poll::Ready(Ok(2)));
    drop(r2);
    assert_eq!(reactor.wakers(), 0);
}

#[test]
fn the_256th_waiter_in_one_direction_is_refused() {
    let slots = Slots::<1>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, _b) = UnixStream::pair().unwrap();
    let a = Async::new(&reactor, a).unwrap();
    a.clear_ready(Dir::Read);
    let waker = Waker::noop();
    let mut waits: std::vec::Vec<_> = (0..255).map(|_| Box::pin(a.readable())).collect();
    for w in &mut waits {
        assert!(poll_once(w.as_mut(), waker).is_pending());
    }
    let mut one_more = Box::pin(a.readable());
    assert_eq!(
        poll_once(one_more.as_mut(), waker),
        Poll::Ready(Err(Error::Poll(PollError::Full)))
    );
    drop(waits);
    assert_eq!(reactor.wakers(), 0);
    // Room again once they are gone.
    let mut again = Box::pin(a.readable());
    assert!(poll_once(again.as_mut(), waker).is_pending());
}

std::thread_local! {
    static REACTOR: Cell<Option<&'static Reactor<'static>>> = const { Cell::new(None) };
    static INNER: Cell<Option<Result<usize>>> = const { Cell::new(None) };
}

struct TurnsInside;

impl Wake for TurnsInside {
    fn wake(self: Arc<Self>) {
        let r = REACTOR
            .with(Cell::get)
            .map(|r| r.turn(Some(Duration::ZERO)));
        INNER.with(|i| i.set(r));
    }
}

#[test]
fn a_turn_inside_a_waker_is_refused() {
    let slots: &'static Slots<2> = Box::leak(Box::new(Slots::new()));
    let reactor: &'static Reactor<'static> = Box::leak(Box::new(Reactor::new(slots).unwrap()));
    REACTOR.with(|r| r.set(Some(reactor)));
    let waker = Waker::from(Arc::new(TurnsInside));
    let (a, b) = UnixStream::pair().unwrap();
    let a = Async::new(reactor, a).unwrap();
    a.clear_ready(Dir::Read);
    let mut readable = core::pin::pin!(a.readable());
    assert!(poll_once(readable.as_mut(), &waker).is_pending());
    b.send_all(b"x").unwrap();
    assert_eq!(reactor.turn(Some(Duration::from_secs(5))).unwrap(), 1);
    assert_eq!(
        INNER.with(Cell::take),
        Some(Err(Error::Poll(PollError::Reentered)))
    );
}

#[test]
fn storage_sizes() {
    // A slot: generation and flags, two wakers, two deadlines.
    assert!(size_of::<Slot>() <= 64, "{}", size_of::<Slot>());
}

#[test]
fn the_reactor_errors_say_what_happened() {
    use std::string::ToString;
    assert_eq!(
        Error::Poll(PollError::Full).to_string(),
        "the reactor's storage is full: every slot is taken (or 255 calls wait on one socket)"
    );
    assert_eq!(PollError::Full.errno(), None);
    assert_eq!(PollError::Reentered.errno(), None);
    assert!(!PollError::Reentered.to_string().is_empty());
}

#[test]
fn a_short_read_clears_readiness_and_the_next_data_wakes() {
    let slots = Slots::<1>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    let a = Async::new(&reactor, a).unwrap();
    b.send_all(b"x").unwrap();
    let mut buf = [0u8; 16];
    let waker = Waker::noop();
    assert_eq!(
        poll_once(core::pin::pin!(a.read(&mut buf)), waker),
        Poll::Ready(Ok(1))
    );
    // Fewer bytes than asked: drained, no read made to hear `WouldBlock`.
    assert_eq!(a.ready_tick(Dir::Read), None);
    {
        let mut read = core::pin::pin!(a.read(&mut buf));
        assert!(poll_once(read.as_mut(), waker).is_pending());
        // What comes after the short read is a new edge: nothing is lost.
        b.send_all(b"yz").unwrap();
        assert_eq!(reactor.turn(Some(Duration::from_secs(5))).unwrap(), 1);
        assert_eq!(poll_once(read.as_mut(), waker), Poll::Ready(Ok(2)));
    }
    assert_eq!(&buf[..2], b"yz");
}

#[test]
fn an_event_during_a_short_read_keeps_readiness() {
    let slots = Slots::<1>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    let a = Async::new(&reactor, a).unwrap();
    b.send_all(b"x").unwrap();
    // The registration's first events are in: the flag stands, its tick taken.
    reactor.turn(Some(Duration::ZERO)).unwrap();
    let tick = a.ready_tick(Dir::Read).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(a.get_ref().recv(&mut buf), Ok(1));
    // Data lands, and its event is dispatched, between the short read and the clear.
    b.send_all(b"y").unwrap();
    reactor.turn(Some(Duration::from_secs(5))).unwrap();
    a.clear_ready_at(Dir::Read, tick);
    assert!(a.ready_tick(Dir::Read).is_some(), "the edge was lost");
    assert_eq!(
        poll_once(core::pin::pin!(a.read(&mut buf)), Waker::noop()),
        Poll::Ready(Ok(1))
    );
    assert_eq!(buf[0], b'y');
}

#[test]
fn the_end_after_a_short_read_is_not_lost() {
    let slots = Slots::<1>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    let a = Async::new(&reactor, a).unwrap();
    // Data and the end arrive together, and their one edge is taken before the read.
    b.send_all(b"x").unwrap();
    b.shutdown(crate::Shutdown::Write).unwrap();
    reactor.turn(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 16];
    let waker = Waker::noop();
    assert_eq!(
        poll_once(core::pin::pin!(a.read(&mut buf)), waker),
        Poll::Ready(Ok(1))
    );
    // The short read cleared readability, but the peer's shutdown keeps it: the end is read
    // at once (no edge would come for it).
    assert_eq!(
        poll_once(core::pin::pin!(a.read(&mut buf)), waker),
        Poll::Ready(Ok(0))
    );
}

#[test]
fn a_short_write_clears_writability_until_room_is_made() {
    let slots = Slots::<1>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    let a = Async::new(&reactor, a).unwrap();
    let big = std::vec![7u8; 4 << 20];
    let waker = Waker::noop();
    let Poll::Ready(Ok(n)) = poll_once(core::pin::pin!(a.write(&big)), waker) else {
        panic!("the first write did not complete");
    };
    assert!(n > 0 && n < big.len(), "{n}");
    // Short: the send buffer is full; no write made to hear `WouldBlock`.
    assert_eq!(a.ready_tick(Dir::Write), None);
    let mut write = core::pin::pin!(a.write(&big));
    assert!(poll_once(write.as_mut(), waker).is_pending());
    let mut sink = std::vec![0u8; 1 << 16];
    let mut drained = 0;
    while drained < n {
        drained += b.recv(&mut sink).unwrap();
    }
    assert!(reactor.turn(Some(Duration::from_secs(5))).unwrap() >= 1);
    assert!(matches!(
        poll_once(write.as_mut(), waker),
        Poll::Ready(Ok(1..))
    ));
}
