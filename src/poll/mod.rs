//! Many fds at once: a [`Poller`] over epoll, in the caller's memory.
//!
//! A [`Poller`] is one epoll instance. Register any fd with [`add`](Poller::add) (every
//! socket of this crate, or anything `AsFd`), each with a key of yours (a `u64`: an index into
//! your table of connections, say) and an [`Interest`]; then [`wait`](Poller::wait) fills a
//! slice of [`Event`]s you own with what is ready, and hands back the filled part. The kernel
//! writes the events straight into your slice (an [`Event`] is the kernel's
//! `struct epoll_event`): no heap, no copy, no libc, and `no_std`.
//!
//! ```
//! use baresock::poll::{Event, Interest, Poller};
//! use baresock::UdpSocket;
//! use core::time::Duration;
//!
//! let a = UdpSocket::bind("127.0.0.1:0")?;
//! let b = UdpSocket::bind("127.0.0.1:0")?;
//! let poller = Poller::new()?;
//! poller.add(&a, 0, Interest::READABLE)?;
//! poller.add(&b, 1, Interest::READABLE)?;
//!
//! // A datagram for b: one wait says which socket is ready.
//! a.send_to(b"ping", b.local_addr()?)?;
//! let mut events = [Event::EMPTY; 8];
//! let ready = poller.wait(&mut events, Some(Duration::from_secs(5)))?;
//! assert_eq!(ready.len(), 1);
//! assert_eq!(ready[0].key(), 1);
//! assert!(ready[0].is_readable());
//! let mut buf = [0u8; 16];
//! assert_eq!(b.recv_from(&mut buf)?.0, 4);
//!
//! // Nothing more: a wait whose time runs out is empty, not an error.
//! assert!(poller.wait(&mut events, Some(Duration::from_millis(10)))?.is_empty());
//! # Ok::<(), baresock::Error>(())
//! ```
//!
//! # Level, edge, one-shot
//!
//! By default an fd is reported at every wait while it is ready (level-triggered), as `poll`
//! does. With [`Interest::EDGE`] it is reported once per change (new data, new room): read or
//! write until [`Error::WouldBlock`] before waiting again, or the
//! rest waits for the next change. With [`Interest::ONESHOT`] it is reported once and then
//! disabled until [`modify`](Poller::modify) re-arms it. Sockets driven by a poller are
//! normally non-blocking ([`Socket::set_nonblocking`](crate::Socket::set_nonblocking)), so
//! that a read that finds nothing returns `WouldBlock` instead of waiting.
//!
//! A [`Waker`] ends a wait from another thread or a signal handler; a [`Timer`] is an fd that
//! becomes readable when its time comes, registered like a socket.
//!
//! # Misuse
//!
//! Adding an fd twice, modifying or deleting one never added, a closed fd, a regular file and
//! an empty slice of events are each a named [`PollError`]. An fd leaves the poller when it is
//! deleted or when its last copy is closed (dropping the socket): the kernel removes it.
//! Beware of a duplicated fd ([`Socket::try_clone`](crate::Socket::try_clone)): the
//! registration lives as long as any copy is open.
#![doc = man!(epoll(7), epoll_create1(2), epoll_ctl(2), epoll_wait(2))]

use core::fmt;
use core::time::Duration;

use bitflags::bitflags;
use linux_raw_sys::general as g;
use rustix::fd::{AsFd, BorrowedFd};

use crate::error::Errno;
use crate::sys::epoll::{self as sys, RawEvent};
use crate::sys::fd::Fd;
use crate::time::{self, Deadline};
use crate::{Error, Result};

mod event;
mod timer;
mod waker;

pub use crate::error::PollError;
pub use event::Event;
pub use timer::Timer;
pub use waker::Waker;

bitflags! {
    /// What to be told about an fd: the `events` of `epoll_ctl(2)`.
    ///
    /// A hang-up (`EPOLLHUP`) and an error (`EPOLLERR`) are always reported, whatever the
    /// interest, as the kernel does: see [`Event::is_hangup`] and [`Event::is_error`].
    ///
    /// ```
    /// use baresock::poll::Interest;
    /// let both = Interest::READABLE | Interest::WRITABLE;
    /// assert!(both.contains(Interest::WRITABLE));
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct Interest: u32 {
        /// Data to read, a connection to accept, or the peer's end of the stream
        /// (`EPOLLIN`).
        const READABLE = g::EPOLLIN;
        /// Room to write, or a connect that finished (`EPOLLOUT`).
        const WRITABLE = g::EPOLLOUT;
        /// Urgent data: TCP out-of-band data, a packet ring's block (`EPOLLPRI`).
        const PRIORITY = g::EPOLLPRI;
        /// The peer shut down its writing side (`EPOLLRDHUP`): it will send nothing more.
        const READ_CLOSED = g::EPOLLRDHUP;
        /// Edge-triggered: reported once per change, not at every wait while ready
        /// (`EPOLLET`); drain the fd until `WouldBlock`.
        const EDGE = g::EPOLLET;
        /// Reported once, then disabled until [`Poller::modify`] re-arms it
        /// (`EPOLLONESHOT`).
        const ONESHOT = g::EPOLLONESHOT;
        /// When several pollers wait on one fd, wake one or some of them, not all
        /// (`EPOLLEXCLUSIVE`, against the thundering herd of many threads each with its own
        /// poller on one listener). Only with [`Poller::add`]: [`Poller::modify`] refuses it
        /// (`EINVAL`), and it cannot go with `ONESHOT`.
        const EXCLUSIVE = g::EPOLLEXCLUSIVE;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Interest {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "Interest({=u32:#x})", self.bits())
    }
}

/// An epoll instance: a set of fds, each with a key and an [`Interest`], and a wait for the
/// ones that are ready. See the [module docs](self).
///
/// `Poller` is `Send` and `Sync`: several threads may register and wait on one poller (the
/// kernel serializes them).
#[doc(alias = "epoll")]
pub struct Poller {
    fd: Fd,
}

impl Poller {
    /// A new, empty poller (`epoll_create1(EPOLL_CLOEXEC)`).
    ///
    /// ```
    /// let poller = baresock::poll::Poller::new()?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc = man!(epoll_create1(2))]
    #[doc(alias = "epoll_create1")]
    pub fn new() -> Result<Poller> {
        Ok(Poller { fd: sys::create()? })
    }

    /// Registers `fd`: events for it carry `key` and report what `interest` asks for (and
    /// hang-ups and errors, always) (`EPOLL_CTL_ADD`).
    ///
    /// [`PollError::AlreadyAdded`] if it is already here, [`PollError::BadFd`] if it is not
    /// open, [`PollError::NotPollable`] for a regular file or a directory.
    ///
    /// ```
    /// use baresock::poll::{Interest, Poller};
    /// use baresock::TcpListener;
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// listener.set_nonblocking(true)?;
    /// let poller = Poller::new()?;
    /// poller.add(&listener, 0, Interest::READABLE)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc = man!(epoll_ctl(2))]
    #[doc(alias = "epoll_ctl")]
    #[doc(alias = "EPOLL_CTL_ADD")]
    pub fn add(&self, fd: impl AsFd, key: u64, interest: Interest) -> Result<()> {
        self.ctl(g::EPOLL_CTL_ADD, fd.as_fd(), Some(key), interest)
    }

    /// Changes the key and interest of a registered `fd`, and re-arms it after a
    /// [`ONESHOT`](Interest::ONESHOT) event (`EPOLL_CTL_MOD`). Events already waiting for it
    /// are kept, with the new interest.
    ///
    /// [`PollError::NotAdded`] if it is not here.
    ///
    /// ```
    /// use baresock::poll::{Interest, Poller};
    /// use baresock::UdpSocket;
    ///
    /// let socket = UdpSocket::bind("127.0.0.1:0")?;
    /// let poller = Poller::new()?;
    /// poller.add(&socket, 0, Interest::READABLE | Interest::ONESHOT)?;
    /// // ... after its one event:
    /// poller.modify(&socket, 0, Interest::READABLE | Interest::ONESHOT)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc = man!(epoll_ctl(2))]
    #[doc(alias = "EPOLL_CTL_MOD")]
    pub fn modify(&self, fd: impl AsFd, key: u64, interest: Interest) -> Result<()> {
        self.ctl(g::EPOLL_CTL_MOD, fd.as_fd(), Some(key), interest)
    }

    /// Removes `fd` from this poller (`EPOLL_CTL_DEL`). Closing an fd removes it too (once
    /// no copy of it is open).
    ///
    /// [`PollError::NotAdded`] if it is not here.
    ///
    /// ```
    /// use baresock::poll::{Interest, PollError, Poller};
    /// use baresock::{Error, UdpSocket};
    ///
    /// let socket = UdpSocket::bind("127.0.0.1:0")?;
    /// let poller = Poller::new()?;
    /// poller.add(&socket, 0, Interest::READABLE)?;
    /// poller.delete(&socket)?;
    /// assert_eq!(poller.delete(&socket), Err(Error::Poll(PollError::NotAdded)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc = man!(epoll_ctl(2))]
    #[doc(alias = "EPOLL_CTL_DEL")]
    pub fn delete(&self, fd: impl AsFd) -> Result<()> {
        self.ctl(g::EPOLL_CTL_DEL, fd.as_fd(), None, Interest::empty())
    }

    /// One `epoll_ctl`, its errnos named: `key` is `None` for `EPOLL_CTL_DEL`.
    fn ctl(&self, op: u32, fd: BorrowedFd<'_>, key: Option<u64>, interest: Interest) -> Result<()> {
        let event = key.map(|key| RawEvent {
            events: interest.bits(),
            data: key,
        });
        sys::ctl(self.fd.as_fd(), op, fd, event.as_ref()).map_err(|e| ctl_error(op, e))
    }

    /// Waits until at least one registered fd is ready, or `timeout` has passed (`None`: no
    /// limit), and returns the events the kernel wrote into the front of `events`: at most
    /// `events.len()` (more stay for the next wait), none when the time ran out (as epoll
    /// and mio have it, a wait that times out is not an error).
    ///
    /// A signal never ends the wait: an interrupted wait (`EINTR`) goes on for the time left,
    /// which is measured on `CLOCK_MONOTONIC`; the wait never returns empty before `timeout`
    /// has passed. A [`Waker`] ends a wait from another thread or a signal handler. A slice
    /// longer than `i32::MAX` events is used up to that many; an empty one is
    /// [`PollError::EmptyEvents`].
    ///
    /// One `epoll_pwait` when events are ready; the clock is read only when the call must
    /// block with a timeout (a first call that does not wait tells).
    ///
    /// ```
    /// use baresock::poll::{Event, Interest, Poller};
    /// use baresock::UnixStream;
    /// use core::time::Duration;
    ///
    /// let (a, b) = UnixStream::pair()?;
    /// let poller = Poller::new()?;
    /// poller.add(&a, 7, Interest::READABLE | Interest::WRITABLE)?;
    /// let mut events = [Event::EMPTY; 4];
    /// let ready = poller.wait(&mut events, Some(Duration::ZERO))?;
    /// assert_eq!(ready.len(), 1);
    /// assert!(ready[0].is_writable() && !ready[0].is_readable());
    /// # drop(b);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc = man!(epoll_wait(2))]
    #[doc(alias = "epoll_wait")]
    #[doc(alias = "epoll_pwait")]
    pub fn wait<'e>(
        &self,
        events: &'e mut [Event],
        timeout: Option<Duration>,
    ) -> Result<&'e [Event]> {
        if events.is_empty() {
            return Err(PollError::EmptyEvents.into());
        }
        let n = match timeout {
            None => self.wait_ms(events, -1)?,
            Some(t) => self.wait_for(events, time::encode(Some(t)))?,
        };
        let events: &'e [Event] = events;
        Ok(&events[..n.min(events.len())])
    }

    /// Waits without limit (`ms` -1) or not at all (`ms` 0), through any number of signals.
    #[inline]
    fn wait_ms(&self, events: &mut [Event], ms: i32) -> Result<usize> {
        loop {
            match sys::wait(self.fd.as_fd(), events, ms) {
                Err(Errno::INTR) => {}
                r => return r.map_err(Error::from),
            }
        }
    }

    /// Waits at most `timeout_ns` nanoseconds: first without waiting (no clock read when
    /// events are ready), then under a deadline, the time left rounded up to milliseconds,
    /// until events come or the clock says the deadline passed.
    fn wait_for(&self, events: &mut [Event], timeout_ns: u64) -> Result<usize> {
        let n = self.wait_ms(events, 0)?;
        if n > 0 || timeout_ns == 0 {
            return Ok(n);
        }
        let mut deadline = Deadline::default();
        while let Some(left) = deadline.left(timeout_ns) {
            match sys::wait(self.fd.as_fd(), events, ceil_ms(left)) {
                Ok(0) | Err(Errno::INTR) => {}
                r => return r.map_err(Error::from),
            }
        }
        Ok(0)
    }
}

/// `ns` in whole milliseconds, rounded up (a wait never ends before its time), at most
/// `i32::MAX` (about 24.8 days; a longer wait goes on in another call).
fn ceil_ms(ns: u64) -> i32 {
    let (secs, nanos) = crate::sys::poll::split_ns(ns);
    // Below 10^9: 32-bit arithmetic.
    let ms = (nanos as u32).div_ceil(1_000_000) as i32;
    if secs >= (i32::MAX / 1000 - 1) as u64 {
        i32::MAX
    } else {
        secs as i32 * 1000 + ms
    }
}

/// Reads the 8-byte counter of an eventfd or a timerfd, which clears it ([`Error::WouldBlock`]
/// when it is 0). Such an fd reads 8 bytes or fails: a short read is no count the kernel
/// gives, and is `EIO`.
fn read_count(fd: BorrowedFd<'_>) -> Result<u64> {
    let mut count = [0u8; 8];
    match crate::sys::os::read(fd, &mut count) {
        Ok(8) => Ok(u64::from_ne_bytes(count)),
        Ok(_) => Err(Error::Os(Errno::IO)),
        Err(e) => Err(e.into()),
    }
}

/// An `epoll_ctl` errno, named where it has one meaning for `op`.
#[cold]
fn ctl_error(op: u32, e: Errno) -> Error {
    match e {
        Errno::EXIST if op == g::EPOLL_CTL_ADD => PollError::AlreadyAdded.into(),
        Errno::NOENT if op != g::EPOLL_CTL_ADD => PollError::NotAdded.into(),
        Errno::BADF => PollError::BadFd.into(),
        Errno::PERM => PollError::NotPollable.into(),
        e => e.into(),
    }
}

impl AsFd for Poller {
    /// The epoll fd: a poller is itself pollable (readable while events are ready), so it
    /// nests in another poller or in a `std` runtime's reactor.
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl rustix::fd::AsRawFd for Poller {
    #[inline]
    fn as_raw_fd(&self) -> rustix::fd::RawFd {
        self.fd.as_raw_fd()
    }
}

impl fmt::Debug for Poller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Poller")
            .field("fd", &rustix::fd::AsRawFd::as_raw_fd(&self.fd))
            .finish()
    }
}

#[cfg(test)]
mod tests;
