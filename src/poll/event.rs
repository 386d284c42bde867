//! [`Event`]: one ready fd, exactly as the kernel writes it.

use core::fmt;

use linux_raw_sys::general as g;

use crate::sys::epoll::RawEvent;

/// One ready fd, as [`Poller::wait`](super::Poller::wait) reports it: the key it was
/// registered with and what it is ready for.
///
/// It is the kernel's `struct epoll_event` itself (`#[repr(transparent)]`; packed on x86_64,
/// as linux/eventpoll.h has it): the kernel writes a wait's events straight into your slice.
/// Make the slice from [`Event::EMPTY`].
///
/// A hang-up and an error are reported whatever the interest. A peer that closed its end is
/// usually readable too (the read returns 0, the end of the stream), and
/// [`is_read_closed`](Event::is_read_closed) if [`Interest::READ_CLOSED`](super::Interest::READ_CLOSED)
/// was asked for; a reset connection is an error and a hang-up (its read fails with
/// `ECONNRESET`).
///
/// ```
/// use baresock::poll::Event;
///
/// let mut events = [Event::EMPTY; 64];
/// assert_eq!(events[0].key(), 0);
/// assert!(!events[0].is_readable());
/// # let _ = &mut events;
/// ```
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Event(RawEvent);

impl Event {
    /// An event with key 0 and no flags: what a slice for [`Poller::wait`](super::Poller::wait)
    /// starts with.
    pub const EMPTY: Event = Event::new(0, 0);

    /// An event with this key and these raw flags (`EPOLLIN`, ...: see
    /// [`flags`](Event::flags)). A wait makes events; this is for code that handles them
    /// (tests, a reactor that feeds itself an event).
    ///
    /// ```
    /// use baresock::poll::{Event, Interest};
    /// let e = Event::new(3, Interest::READABLE.bits());
    /// assert!(e.is_readable());
    /// assert_eq!(e.key(), 3);
    /// ```
    pub const fn new(key: u64, flags: u32) -> Event {
        Event(RawEvent {
            events: flags,
            data: key,
        })
    }

    /// The key the fd was registered with ([`Poller::add`](super::Poller::add)).
    #[inline]
    pub const fn key(&self) -> u64 {
        self.0.data
    }

    /// The raw event flags (`EPOLLIN`, `EPOLLOUT`, `EPOLLHUP`, ...), for what the `is_`
    /// methods do not name.
    #[inline]
    pub const fn flags(&self) -> u32 {
        self.0.events
    }

    /// Whether a flag is set.
    #[inline]
    const fn has(&self, flag: u32) -> bool {
        self.flags() & flag != 0
    }

    /// Data to read, a connection to accept, or the end of the stream (`EPOLLIN`).
    #[inline]
    pub const fn is_readable(&self) -> bool {
        self.has(g::EPOLLIN)
    }

    /// Room to write, or a connect that finished (`EPOLLOUT`).
    #[inline]
    pub const fn is_writable(&self) -> bool {
        self.has(g::EPOLLOUT)
    }

    /// Urgent data (`EPOLLPRI`).
    #[inline]
    pub const fn is_priority(&self) -> bool {
        self.has(g::EPOLLPRI)
    }

    /// The peer shut down its writing side (`EPOLLRDHUP`; reported only if
    /// [`Interest::READ_CLOSED`](super::Interest::READ_CLOSED) was asked for).
    #[inline]
    pub const fn is_read_closed(&self) -> bool {
        self.has(g::EPOLLRDHUP)
    }

    /// Hang-up: both directions are closed, or the connection was reset or never made
    /// (`EPOLLHUP`; reported whatever the interest).
    #[inline]
    pub const fn is_hangup(&self) -> bool {
        self.has(g::EPOLLHUP)
    }

    /// An error is pending on the fd (`EPOLLERR`; reported whatever the interest): the next
    /// call on it, or [`Socket::take_error`](crate::Socket::take_error), says which.
    #[inline]
    pub const fn is_error(&self) -> bool {
        self.has(g::EPOLLERR)
    }
}

impl Default for Event {
    /// [`Event::EMPTY`].
    fn default() -> Event {
        Event::EMPTY
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Event) -> bool {
        self.key() == other.key() && self.flags() == other.flags()
    }
}

impl Eq for Event {}

/// The flags' names, in the kernel's order.
const NAMES: [(u32, &str); 7] = [
    (g::EPOLLIN, "IN"),
    (g::EPOLLPRI, "PRI"),
    (g::EPOLLOUT, "OUT"),
    (g::EPOLLERR, "ERR"),
    (g::EPOLLHUP, "HUP"),
    (g::EPOLLRDHUP, "RDHUP"),
    (g::EPOLLMSG, "MSG"),
];

/// The flags as `IN | OUT | 0x40` (named ones, then any other bits in hex).
struct Flags(u32);

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        let mut first = true;
        let mut sep = |f: &mut fmt::Formatter<'_>| {
            let s = if first { "" } else { " | " };
            first = false;
            f.write_str(s)
        };
        for (bit, name) in NAMES {
            if rest & bit != 0 {
                sep(f)?;
                f.write_str(name)?;
                rest &= !bit;
            }
        }
        if rest != 0 || self.0 == 0 {
            sep(f)?;
            write!(f, "{rest:#x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Event {
    /// `Event { key: 7, flags: IN | HUP }`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("key", &self.key())
            .field("flags", &Flags(self.flags()))
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Event {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Event {{ key: {=u64}, flags: {=u32:#x} }}",
            self.key(),
            self.flags()
        )
    }
}
