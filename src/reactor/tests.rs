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
        "the reactor's storage is full: every slot is taken"
    );
    assert_eq!(PollError::Full.errno(), None);
    assert_eq!(PollError::Reentered.errno(), None);
    assert!(!PollError::Reentered.to_string().is_empty());
}
