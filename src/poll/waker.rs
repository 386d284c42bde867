//! [`Waker`]: ends a [`Poller::wait`] from another thread or a signal handler (an eventfd).

use core::fmt;

use rustix::fd::{AsFd, BorrowedFd};

use super::{Interest, Poller};
use crate::error::Errno;
use crate::sys::fd::Fd;
use crate::{Error, Result};

/// Ends a [`Poller::wait`] from anywhere: another thread, a signal handler, the same thread
/// before it waits.
///
/// It is an eventfd registered on the poller with a key of yours, edge-triggered: every
/// [`wake`](Waker::wake) makes one event with that key, and ends one wait (a wake before the
/// wait ends the next one). The event needs no handling; [`reset`](Waker::reset) reads the
/// count back when you want to know how many wakes came. `Waker` is `Send` and `Sync`: share
/// it by reference (or in an `Arc` or a `static`).
///
/// ```
/// use baresock::poll::{Event, Poller, Waker};
/// use core::time::Duration;
///
/// let poller = Poller::new()?;
/// let waker = Waker::new(&poller, u64::MAX)?;
/// std::thread::scope(|s| {
///     s.spawn(|| waker.wake().unwrap());
///     let mut events = [Event::EMPTY; 4];
///     // Ends well before the minute: the waker's event.
///     let ready = poller.wait(&mut events, Some(Duration::from_secs(60))).unwrap();
///     assert_eq!(ready[0].key(), u64::MAX);
/// });
/// # Ok::<(), baresock::Error>(())
/// ```
#[doc = man!(eventfd(2))]
#[doc(alias = "eventfd")]
pub struct Waker {
    fd: Fd,
}

impl Waker {
    /// A new waker whose events on `poller` carry `key` (`eventfd2(0, EFD_CLOEXEC |
    /// EFD_NONBLOCK)`, added readable and edge-triggered). It stays registered until it is
    /// dropped (or [deleted](Poller::delete) through its fd).
    #[doc(alias = "eventfd2")]
    pub fn new(poller: &Poller, key: u64) -> Result<Waker> {
        let waker = Waker {
            fd: crate::sys::epoll::eventfd()?,
        };
        poller.add(&waker, key, Interest::READABLE | Interest::EDGE)?;
        Ok(waker)
    }

    /// Wakes the poller: its current wait, or else its next one, returns the waker's event.
    ///
    /// One `write(2)` of 8 bytes, no lock, no allocation, no `errno` (the crate's system
    /// calls return it): **async-signal-safe**, so a signal handler may call it. Wakes that
    /// nobody reads add up in the eventfd's counter; when it would overflow (after 2^64 - 2 of
    /// them, `EAGAIN`) the poller is woken already, and this is `Ok` too.
    ///
    /// ```
    /// # let poller = baresock::poll::Poller::new()?;
    /// let waker = baresock::poll::Waker::new(&poller, 0)?;
    /// waker.wake()?;
    /// waker.wake()?;
    /// assert_eq!(waker.reset()?, 2);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[inline]
    pub fn wake(&self) -> Result<()> {
        match crate::sys::os::write(self.fd.as_fd(), &1u64.to_ne_bytes()) {
            Ok(_) | Err(Errno::AGAIN) => Ok(()),
            Err(e) => Err(Error::Os(e)),
        }
    }

    /// Reads and clears the count of wakes since the last reset (0 if none came). Not needed
    /// for the waker to work (its events are edge-triggered); for a program that wants to
    /// know whether it was woken.
    pub fn reset(&self) -> Result<u64> {
        match super::read_count(self.fd.as_fd()) {
            Err(Error::WouldBlock) => Ok(0),
            r => r,
        }
    }
}

impl AsFd for Waker {
    /// The eventfd.
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl fmt::Debug for Waker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waker")
            .field("fd", &rustix::fd::AsRawFd::as_raw_fd(&self.fd))
            .finish()
    }
}
