//! Async sockets without a runtime, a heap or libc: a reactor over [`Poller`], a socket
//! wrapper whose calls are futures, and a one-future executor.
//!
//! - [`Reactor`]: one [`Poller`] (epoll) plus a waker table in storage you size and own
//!   ([`Slots`]), on the stack or in a `static`. Each socket holds one [`Slot`] while it is
//!   registered: added once, edge-triggered, for reading, writing and the peer's hang-up; a
//!   readiness flag and a waker per direction. [`Reactor::turn`] waits once on the poller and
//!   wakes the futures whose sockets became ready or whose deadlines passed.
//! - [`Async`]: a crate socket made non-blocking and registered; its calls return futures
//!   (`accept`, `connect`, `read`, `write`, `send_to`, `recv_from`, ...) and any call can be
//!   awaited with [`Async::read_with`] / [`Async::write_with`].
//! - [`block_on`]: runs one future to its end on the calling thread, turning the reactor
//!   whenever the future waits. [`join`] and [`join_all`] (fixed arrays of futures, no heap)
//!   serve many sockets at once; or, with the `embassy` feature, run tasks on `Executor`
//!   (an `embassy-executor` whose idle time is a turn of the reactor).
//! - Time: [`Reactor::sleep`] and [`Reactor::timeout`]; a socket's own read or write timeout
//!   bounds each of its async calls in that direction (see [`Async`]).
//!
//! Everything is single-threaded (`Cell`s, no locks): a reactor and its sockets stay on the
//! thread that made them (`!Sync`). A waker called from another thread is seen by
//! [`block_on`] when its current turn ends (at the next socket event or deadline); `Executor`
//! ends the turn at once (through a [`poll::Waker`](crate::poll::Waker)).
//!
//! # What it costs
//!
//! A call that can complete is its one system call. A socket is added to the poller once, for
//! both directions, edge-triggered: waiting costs no `epoll_ctl`, and one `epoll_pwait` serves
//! every socket that waits. A call that says `WouldBlock` clears its direction's flag, so the
//! next call in that direction waits for the poller's word instead of asking the kernel again.
//! A stream's `read` or `write` that moves fewer bytes than asked (but some) clears it too: the
//! socket was drained, or its send buffer filled, at that moment, and what changes after is a
//! new edge; so an echo's round trip is a read, a write and its share of one wait, with no read
//! made only to hear `WouldBlock`. An event that lands while such a call runs keeps the flag
//! (each slot counts its events), and the peer's shutdown keeps reading ready (the end is read
//! at once, even when it came with the last data). While a future has a deadline, each turn reads the clock and scans the slots for the nearest
//! one (a few nanoseconds per slot).
//!
//! # Example: an echo of one connection
//!
//! ```
//! use baresock::reactor::{block_on, Async, Reactor, Slots};
//! use baresock::{TcpListener, TcpStream};
//!
//! let slots = Slots::<8>::new();
//! let reactor = Reactor::new(&slots)?;
//! let listener = Async::new(&reactor, TcpListener::bind("127.0.0.1:0")?)?;
//! let addr = listener.get_ref().local_addr()?;
//!
//! let server = async {
//!     let (conn, _peer) = listener.accept().await?;
//!     let mut buf = [0u8; 64];
//!     loop {
//!         let n = conn.read(&mut buf).await?;
//!         if n == 0 {
//!             return Ok::<(), baresock::Error>(()); // the client closed
//!         }
//!         conn.write_all(&buf[..n]).await?;
//!     }
//! };
//! let client = async {
//!     let conn = Async::<TcpStream>::connect(&reactor, addr).await?;
//!     conn.write_all(b"hello").await?;
//!     let mut buf = [0u8; 5];
//!     let mut got = 0;
//!     while got < 5 {
//!         got += conn.read(&mut buf[got..]).await?;
//!     }
//!     assert_eq!(&buf, b"hello");
//!     Ok::<(), baresock::Error>(())
//!     // dropping `conn` closes it: the server's read sees the end
//! };
//! let (served, asked) = block_on(&reactor, baresock::reactor::join(server, client))?;
//! served?;
//! asked?;
//! assert_eq!(reactor.registered(), 1); // the listener is left
//! assert_eq!(reactor.wakers(), 0);
//! # Ok::<(), baresock::Error>(())
//! ```

mod block_on;
#[cfg(feature = "embedded-io-async")]
mod embedded_io_async;
#[cfg(feature = "embassy")]
mod executor;
mod source;
mod typed;

pub use block_on::{block_on, join, join_all};
#[cfg(feature = "embassy")]
pub use executor::Executor;
pub use source::{AsSocket, Async};

use core::cell::{Cell, RefCell};
use core::future::{poll_fn, Future};
use core::pin::pin;
use core::sync::atomic::{AtomicBool, Ordering};
use core::task::{Poll, Waker};
use core::time::Duration;

use crate::poll::{Event, Interest, PollError, Poller};
use crate::{Error, Result};

/// The events one [`Reactor::turn`] takes from the kernel at most, by default (more wait for
/// the next turn).
pub const DEFAULT_EVENTS: usize = 64;

/// Flag: the slot is taken.
const USED: u8 = 1;
/// Flag: the slot holds an fd (a timer's slot holds none).
const FD: u8 = 2;
/// Flag: the fd was reported readable (or hung up) since a read last said `WouldBlock`.
const READ_READY: u8 = 4;
/// Flag: the fd was reported writable (or hung up) since a write last said `WouldBlock`.
const WRITE_READY: u8 = 8;
/// Flag, sticky: the peer shut down its writing side (`EPOLLRDHUP`: reads see the end, or
/// the data before it): reading stays ready. A read that comes back short clears
/// [`READ_READY`] (the socket was drained); the end that came with that data has no edge of its
/// own to come, so it must not be cleared with it.
const READ_CLOSED: u8 = 16;

/// A direction of a slot: its readiness flag, waker and deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    Read,
    Write,
}

impl Dir {
    const fn flag(self) -> u8 {
        match self {
            Dir::Read => READ_READY,
            Dir::Write => WRITE_READY,
        }
    }

    /// The flags that make the direction ready: its own, and the sticky one no call clears.
    const fn ready_flags(self) -> u8 {
        match self {
            Dir::Read => READ_READY | READ_CLOSED,
            Dir::Write => WRITE_READY,
        }
    }
}

/// One registration's state in a [`Slots`] table: a generation, readiness flags, a reader and
/// a writer waker, and a deadline per direction. Only the reactor reads it; it is public so
/// that storage can be named (`&[Slot]`) and sized by you.
pub struct Slot {
    /// Bumped each time the slot is freed: an event with an older generation in its key is
    /// for an fd that is gone, and is ignored.
    generation: Cell<u32>,
    flags: Cell<u8>,
    /// Bumped by each event that makes a direction ready: a call that read it before trying
    /// clears the direction only if no event came since ([`Reactor::clear_ready_at`]).
    tick: Cell<u8>,
    /// How many calls wait to read: the reader's waker and deadline go only with the last.
    readers: Cell<u8>,
    /// The same for writing.
    writers: Cell<u8>,
    reader: Cell<Option<Waker>>,
    writer: Cell<Option<Waker>>,
    /// When the reader's wait ends, on `CLOCK_MONOTONIC` in ns; 0: no deadline.
    read_at: Cell<u64>,
    /// The same for the writer.
    write_at: Cell<u64>,
}

impl Slot {
    /// A free slot.
    pub const fn new() -> Slot {
        Slot {
            generation: Cell::new(0),
            flags: Cell::new(0),
            tick: Cell::new(0),
            readers: Cell::new(0),
            writers: Cell::new(0),
            reader: Cell::new(None),
            writer: Cell::new(None),
            read_at: Cell::new(0),
            write_at: Cell::new(0),
        }
    }

    fn waker(&self, dir: Dir) -> &Cell<Option<Waker>> {
        match dir {
            Dir::Read => &self.reader,
            Dir::Write => &self.writer,
        }
    }

    fn waiters(&self, dir: Dir) -> &Cell<u8> {
        match dir {
            Dir::Read => &self.readers,
            Dir::Write => &self.writers,
        }
    }

    fn deadline(&self, dir: Dir) -> &Cell<u64> {
        match dir {
            Dir::Read => &self.read_at,
            Dir::Write => &self.write_at,
        }
    }
}

impl Default for Slot {
    fn default() -> Slot {
        Slot::new()
    }
}

impl core::fmt::Debug for Slot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Slot")
            .field("generation", &self.generation.get())
            .field("flags", &self.flags.get())
            .finish_non_exhaustive()
    }
}

/// A reactor's storage: `N` [`Slot`]s (one per registered socket or pending timer) and room
/// for `E` events per turn. Make it `const`, on the stack or in a `static` (through
/// `static_cell::StaticCell`, say), and lend it to [`Reactor::new`], one reactor at a time.
///
/// ```
/// use baresock::reactor::{Reactor, Slots};
/// let slots = Slots::<1024>::new(); // 1,024 sockets and timers at once, 64 events a turn
/// let reactor = Reactor::new(&slots)?;
/// assert_eq!(reactor.capacity(), 1024);
/// # Ok::<(), baresock::Error>(())
/// ```
pub struct Slots<const N: usize, const E: usize = DEFAULT_EVENTS> {
    slots: [Slot; N],
    events: RefCell<[Event; E]>,
}

impl<const N: usize, const E: usize> Slots<N, E> {
    /// Free storage.
    pub const fn new() -> Self {
        Slots {
            slots: [const { Slot::new() }; N],
            events: RefCell::new([Event::EMPTY; E]),
        }
    }
}

impl<const N: usize, const E: usize> Default for Slots<N, E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const E: usize> core::fmt::Debug for Slots<N, E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Slots")
            .field("slots", &N)
            .field("events", &E)
            .finish()
    }
}

/// The key of a slot: its index in the low 32 bits, its generation in the high ones.
const fn key(index: u32, generation: u32) -> u64 {
    ((generation as u64) << 32) | index as u64
}

/// A [`Poller`] and the wakers of the futures waiting on it, in storage the caller owns
/// ([`Slots`]). See the [module docs](self).
pub struct Reactor<'s> {
    poller: Poller,
    slots: &'s [Slot],
    events: &'s RefCell<[Event]>,
    /// Slots taken (sockets and timers).
    used: Cell<usize>,
    /// Wakers stored.
    wakers: Cell<usize>,
    /// Slots with a deadline in either direction.
    timed: Cell<usize>,
    /// Where the search for a free slot starts.
    next_free: Cell<usize>,
}

impl core::fmt::Debug for Reactor<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Reactor")
            .field("poller", &self.poller)
            .field("capacity", &self.slots.len())
            .field("registered", &self.used.get())
            .field("wakers", &self.wakers.get())
            .finish()
    }
}

/// Nanoseconds on `CLOCK_MONOTONIC`.
fn now_ns() -> u64 {
    crate::sys::clock::monotonic_ns()
}

/// The deadline `d` from now, in ns (never 0, which means none).
fn deadline_after(d: Duration) -> u64 {
    now_ns().saturating_add(crate::time::encode(Some(d))).max(1)
}

impl<'s> Reactor<'s> {
    /// A reactor over a new [`Poller`] (`epoll_create1`), with `storage` for its slots and
    /// events.
    pub fn new<const N: usize, const E: usize>(storage: &'s Slots<N, E>) -> Result<Reactor<'s>> {
        Reactor::with_storage(&storage.slots, &storage.events)
    }

    /// [`new`](Reactor::new) over storage of any size: the slots, and the event buffer of
    /// each turn (an empty one is [`PollError::EmptyEvents`], as the poller says).
    pub fn with_storage(slots: &'s [Slot], events: &'s RefCell<[Event]>) -> Result<Reactor<'s>> {
        Ok(Reactor {
            poller: Poller::new()?,
            slots,
            events,
            used: Cell::new(0),
            wakers: Cell::new(0),
            timed: Cell::new(0),
            next_free: Cell::new(0),
        })
    }

    /// The poller underneath (to add an fd of your own with a key of your own: keys whose low
    /// 32 bits are not a slot index below [`capacity`](Reactor::capacity) are ignored by
    /// [`turn`](Reactor::turn)).
    pub fn poller(&self) -> &Poller {
        &self.poller
    }

    /// How many slots the storage has: sockets and pending timers at once.
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// How many slots are taken: registered sockets and pending timers ([`sleep`]s,
    /// [`timeout`]s). Back to where it was once every [`Async`] and future is dropped.
    ///
    /// [`sleep`]: Reactor::sleep
    /// [`timeout`]: Reactor::timeout
    pub fn registered(&self) -> usize {
        self.used.get()
    }

    /// How many wakers are stored: futures waiting for readiness or for a deadline. A future
    /// dropped while it waits takes its waker out.
    pub fn wakers(&self) -> usize {
        self.wakers.get()
    }

    /// Takes a free slot: its index and generation. [`PollError::Full`] when every slot is
    /// taken.
    fn take_slot(&self, flags: u8) -> Result<(u32, u32)> {
        let n = self.slots.len();
        let start = self.next_free.get();
        for i in (start..n).chain(0..start.min(n)) {
            let slot = &self.slots[i];
            if slot.flags.get() & USED == 0 {
                slot.flags.set(USED | flags);
                self.used.set(self.used.get() + 1);
                self.next_free.set(if i + 1 == n { 0 } else { i + 1 });
                return Ok((i as u32, slot.generation.get()));
            }
        }
        Err(Error::Poll(PollError::Full))
    }

    /// The slot of a registration that is still live (`None` for one already freed).
    fn slot(&self, index: u32, generation: u32) -> Option<&Slot> {
        self.slots
            .get(index as usize)
            .filter(|s| s.generation.get() == generation && s.flags.get() & USED != 0)
    }

    /// Registers `fd` in a new slot: added once, edge-triggered, for reading, writing and the
    /// peer's hang-up. Both directions start ready (the first call is tried at once).
    pub(crate) fn register(&self, fd: rustix::fd::BorrowedFd<'_>) -> Result<(u32, u32)> {
        let (index, generation) = self.take_slot(FD | READ_READY | WRITE_READY)?;
        let interest =
            Interest::READABLE | Interest::WRITABLE | Interest::READ_CLOSED | Interest::EDGE;
        if let Err(e) = self.poller.add(fd, key(index, generation), interest) {
            self.free(index, generation);
            return Err(e);
        }
        Ok((index, generation))
    }

    /// Takes a slot for a timer (no fd).
    pub(crate) fn timer_slot(&self) -> Result<(u32, u32)> {
        self.take_slot(0)
    }

    /// Frees a slot: its wakers dropped, its deadlines cleared, its generation bumped so that
    /// late events for it are ignored. The fd, if any, must be deleted or closed by the caller.
    pub(crate) fn free(&self, index: u32, generation: u32) {
        let Some(slot) = self.slot(index, generation) else {
            return;
        };
        for dir in [Dir::Read, Dir::Write] {
            self.clear_waker(slot, dir);
            self.clear_deadline_of(slot, dir);
            slot.waiters(dir).set(0);
        }
        slot.flags.set(0);
        slot.generation.set(generation.wrapping_add(1));
        self.used.set(self.used.get() - 1);
    }

    /// Deletes `fd` from the poller (before the fd is handed back open).
    pub(crate) fn deregister(&self, fd: rustix::fd::BorrowedFd<'_>) -> Result<()> {
        self.poller.delete(fd)
    }

    fn clear_waker(&self, slot: &Slot, dir: Dir) {
        if slot.waker(dir).take().is_some() {
            self.wakers.set(self.wakers.get() - 1);
        }
    }

    fn clear_deadline_of(&self, slot: &Slot, dir: Dir) {
        if slot.deadline(dir).replace(0) != 0 && slot.read_at.get() == 0 && slot.write_at.get() == 0
        {
            self.timed.set(self.timed.get() - 1);
        }
    }

    /// Whether a direction of a live slot is ready (a freed slot reads as ready: the call
    /// made next reports what is wrong).
    pub(crate) fn is_ready(&self, index: u32, generation: u32, dir: Dir) -> bool {
        self.ready_tick(index, generation, dir).is_some()
    }

    /// `Some(tick)` when a direction is ready (as [`is_ready`](Reactor::is_ready)): the
    /// slot's event count, for [`clear_ready_at`](Reactor::clear_ready_at) after the call.
    pub(crate) fn ready_tick(&self, index: u32, generation: u32, dir: Dir) -> Option<u8> {
        match self.slot(index, generation) {
            None => Some(0),
            Some(s) => (s.flags.get() & dir.ready_flags() != 0).then(|| s.tick.get()),
        }
    }

    /// Clears a direction's readiness: its call said `WouldBlock`.
    pub(crate) fn clear_ready(&self, index: u32, generation: u32, dir: Dir) {
        if let Some(s) = self.slot(index, generation) {
            s.flags.set(s.flags.get() & !dir.flag());
        }
    }

    /// Clears a direction's readiness unless an event came since `tick` was read (before the
    /// call that found the socket drained: an event that landed during the call keeps the
    /// direction ready). The peer's shutdown stays (sticky).
    pub(crate) fn clear_ready_at(&self, index: u32, generation: u32, dir: Dir, tick: u8) {
        if let Some(s) = self.slot(index, generation) {
            if s.tick.get() == tick {
                s.flags.set(s.flags.get() & !dir.flag());
            }
        }
    }

    /// Stores the waker of a direction's waiting future. A different waker already there is
    /// woken (two futures waiting in one direction take turns; neither is lost).
    pub(crate) fn set_waker(&self, index: u32, generation: u32, dir: Dir, waker: &Waker) {
        let Some(slot) = self.slot(index, generation) else {
            waker.wake_by_ref();
            return;
        };
        match slot.waker(dir).take() {
            Some(old) if old.will_wake(waker) => slot.waker(dir).set(Some(old)),
            Some(old) => {
                slot.waker(dir).set(Some(waker.clone()));
                old.wake();
            }
            None => {
                slot.waker(dir).set(Some(waker.clone()));
                self.wakers.set(self.wakers.get() + 1);
            }
        }
    }

    /// A call starts waiting in a direction (it leaves its waker, and its deadline if it has
    /// one, in the slot until [`leave_wait`](Reactor::leave_wait)). 255 calls waiting in one
    /// direction of one socket at once are the most: one more is [`PollError::Full`].
    pub(crate) fn enter_wait(&self, index: u32, generation: u32, dir: Dir) -> Result<()> {
        if let Some(slot) = self.slot(index, generation) {
            let n = slot.waiters(dir).get();
            let more = n.checked_add(1).ok_or(Error::Poll(PollError::Full))?;
            slot.waiters(dir).set(more);
        }
        Ok(())
    }

    /// A call that [entered](Reactor::enter_wait) a wait is done or dropped. The last one
    /// takes the direction's waker and deadline out. While others still wait, the waker
    /// stored may be any of theirs, and the deadline the nearest of theirs: both are taken
    /// out and the waker woken, so that each of them polls again and leaves its own.
    pub(crate) fn leave_wait(&self, index: u32, generation: u32, dir: Dir) {
        let Some(slot) = self.slot(index, generation) else {
            return;
        };
        let left = slot.waiters(dir).get().saturating_sub(1);
        slot.waiters(dir).set(left);
        self.clear_deadline_of(slot, dir);
        if left == 0 {
            self.clear_waker(slot, dir);
        } else {
            self.wake(slot, dir);
        }
    }

    /// Sets a direction's deadline (ns on `CLOCK_MONOTONIC`, not 0), or keeps the one there
    /// if it is nearer (another call waiting in the same direction): [`turn`](Reactor::turn)
    /// waits no longer and wakes the direction's waker when it passes.
    pub(crate) fn set_deadline(&self, index: u32, generation: u32, dir: Dir, at_ns: u64) {
        if let Some(slot) = self.slot(index, generation) {
            if slot.read_at.get() == 0 && slot.write_at.get() == 0 {
                self.timed.set(self.timed.get() + 1);
            }
            let at = at_ns.max(1);
            let cur = slot.deadline(dir).get();
            slot.deadline(dir)
                .set(if cur == 0 { at } else { cur.min(at) });
        }
    }

    /// The nearest deadline of any slot, in ns (`None`: no slot has one).
    fn nearest_deadline(&self) -> Option<u64> {
        if self.timed.get() == 0 {
            return None;
        }
        self.slots
            .iter()
            .flat_map(|s| [s.read_at.get(), s.write_at.get()])
            .filter(|&at| at != 0)
            .min()
    }

    /// Waits once on the poller, at most `timeout` (`None`: no limit) and never past the
    /// nearest deadline of a pending future, then wakes the futures whose sockets are ready
    /// or whose deadlines passed. Returns how many wakers it woke (0 when the time ran out
    /// with nothing to do).
    ///
    /// Readiness is edge-triggered: a socket's direction stays ready until a call in that
    /// direction says `WouldBlock`. A hang-up or an error makes both directions ready (the
    /// next call reports it); the peer's shutdown makes reading ready (it reads the end).
    /// Events for a slot freed since are ignored. A signal does not end the wait (`EINTR` is
    /// retried with the time left, by the poller).
    ///
    /// Fails with [`PollError::Reentered`] when called from inside a waker that a turn calls
    /// for a socket's event.
    ///
    /// ```
    /// use baresock::reactor::{Reactor, Slots};
    /// use core::time::Duration;
    /// let slots = Slots::<4>::new();
    /// let reactor = Reactor::new(&slots)?;
    /// // Nothing registered: the time passes with nothing to wake.
    /// assert_eq!(reactor.turn(Some(Duration::from_millis(1)))?, 0);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn turn(&self, timeout: Option<Duration>) -> Result<usize> {
        self.turn_gated(timeout, None)
    }

    /// [`turn`](Reactor::turn) for an executor woken from other threads: `waiting` is set
    /// while the poller waits (and only then), so that a wake from elsewhere knows to end the
    /// wait; the wait is skipped if `pended` is set by then.
    pub(crate) fn turn_gated(
        &self,
        timeout: Option<Duration>,
        gate: Option<(&AtomicBool, &AtomicBool)>,
    ) -> Result<usize> {
        let mut bound = timeout;
        if let Some(at) = self.nearest_deadline() {
            let left = Duration::from_nanos(at.saturating_sub(now_ns()));
            bound = Some(bound.map_or(left, |t| t.min(left)));
        }
        let mut woken = 0;
        {
            let Ok(mut events) = self.events.try_borrow_mut() else {
                return Err(Error::Poll(PollError::Reentered));
            };
            if let Some((waiting, pended)) = gate {
                waiting.store(true, Ordering::SeqCst);
                if pended.load(Ordering::SeqCst) {
                    waiting.store(false, Ordering::SeqCst);
                    return Ok(0);
                }
            }
            let got = self.poller.wait(&mut events, bound);
            if let Some((waiting, _)) = gate {
                waiting.store(false, Ordering::SeqCst);
            }
            for event in got? {
                woken += self.dispatch(event);
            }
        }
        if self.timed.get() != 0 {
            woken += self.expire(now_ns());
        }
        Ok(woken)
    }

    /// Marks an event's slot ready and wakes its waiting futures.
    fn dispatch(&self, event: &Event) -> usize {
        let key = event.key();
        let Some(slot) = self.slot(key as u32, (key >> 32) as u32) else {
            return 0; // a freed slot's late event, or a key not ours
        };
        let mut ready = 0;
        if event.is_hangup() || event.is_error() {
            ready |= READ_READY | WRITE_READY;
        }
        if event.is_read_closed() {
            ready |= READ_CLOSED | READ_READY;
        }
        if event.is_readable() {
            ready |= READ_READY;
        }
        if event.is_writable() {
            ready |= WRITE_READY;
        }
        if ready == 0 {
            return 0;
        }
        slot.flags.set(slot.flags.get() | ready);
        slot.tick.set(slot.tick.get().wrapping_add(1));
        let mut woken = 0;
        for dir in [Dir::Read, Dir::Write] {
            if ready & dir.flag() != 0 {
                woken += self.wake(slot, dir);
            }
        }
        woken
    }

    /// Wakes a direction's waker, if one is stored.
    fn wake(&self, slot: &Slot, dir: Dir) -> usize {
        match slot.waker(dir).take() {
            Some(w) => {
                self.wakers.set(self.wakers.get() - 1);
                w.wake();
                1
            }
            None => 0,
        }
    }

    /// Wakes the waiters whose deadlines passed (their futures see it and end).
    fn expire(&self, now: u64) -> usize {
        let mut woken = 0;
        for slot in self.slots {
            for dir in [Dir::Read, Dir::Write] {
                let at = slot.deadline(dir).get();
                if at != 0 && at <= now {
                    // Passed: cleared, so that turns do not spin on it; a woken call that
                    // still waits leaves its own again.
                    self.clear_deadline_of(slot, dir);
                    woken += self.wake(slot, dir);
                }
            }
        }
        woken
    }

    /// Waits `duration` (on `CLOCK_MONOTONIC`). Takes a slot while it waits:
    /// [`PollError::Full`] if there is none.
    ///
    /// ```
    /// use baresock::reactor::{block_on, Reactor, Slots};
    /// use core::time::Duration;
    /// let slots = Slots::<4>::new();
    /// let reactor = Reactor::new(&slots)?;
    /// let start = std::time::Instant::now();
    /// block_on(&reactor, reactor.sleep(Duration::from_millis(20)))??;
    /// assert!(start.elapsed() >= Duration::from_millis(20));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub async fn sleep(&self, duration: Duration) -> Result<()> {
        let timer = Timer::new(self)?;
        let at = deadline_after(duration);
        self.set_deadline(timer.index, timer.generation, Dir::Read, at);
        poll_fn(|cx| {
            if now_ns() >= at {
                return Poll::Ready(Ok(()));
            }
            self.set_waker(timer.index, timer.generation, Dir::Read, cx.waker());
            Poll::Pending
        })
        .await
    }

    /// Runs `future` for at most `duration`: its output, or [`Error::Timeout`] when the time
    /// passed first (the future is then dropped). Takes a slot for its timer:
    /// [`PollError::Full`] if there is none.
    ///
    /// ```
    /// use baresock::reactor::{block_on, Reactor, Slots};
    /// use baresock::Error;
    /// use core::time::Duration;
    /// let slots = Slots::<4>::new();
    /// let reactor = Reactor::new(&slots)?;
    /// let never = core::future::pending::<()>();
    /// let r = block_on(&reactor, reactor.timeout(Duration::from_millis(10), never))?;
    /// assert_eq!(r, Err(Error::Timeout));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub async fn timeout<F: Future>(&self, duration: Duration, future: F) -> Result<F::Output> {
        let mut future = pin!(future);
        let mut sleep = pin!(self.sleep(duration));
        poll_fn(|cx| {
            if let Poll::Ready(v) = future.as_mut().poll(cx) {
                return Poll::Ready(Ok(v));
            }
            match sleep.as_mut().poll(cx) {
                Poll::Ready(Ok(())) => Poll::Ready(Err(Error::Timeout)),
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            }
        })
        .await
    }
}

/// A slot taken for a timer, freed on drop.
struct Timer<'r, 's> {
    reactor: &'r Reactor<'s>,
    index: u32,
    generation: u32,
}

impl<'r, 's> Timer<'r, 's> {
    fn new(reactor: &'r Reactor<'s>) -> Result<Self> {
        let (index, generation) = reactor.timer_slot()?;
        Ok(Timer {
            reactor,
            index,
            generation,
        })
    }
}

impl Drop for Timer<'_, '_> {
    fn drop(&mut self) {
        self.reactor.free(self.index, self.generation);
    }
}

#[cfg(test)]
mod tests;
