//! [`Timer`]: a timerfd, an fd that becomes readable when its time comes.

use core::fmt;
use core::time::Duration;

use rustix::fd::{AsFd, BorrowedFd};

use crate::sys::epoll as sys;
use crate::sys::fd::Fd;
use crate::{Error, Result};

/// A timer as an fd (a timerfd on `CLOCK_MONOTONIC`): register it on a [`Poller`](super::Poller)
/// like a socket, and it is readable once it expires. [`expirations`](Timer::expirations)
/// reads how many times it did (and clears the count).
///
/// ```
/// use baresock::poll::{Event, Interest, Poller, Timer};
/// use core::time::Duration;
///
/// let poller = Poller::new()?;
/// let timer = Timer::new()?;
/// poller.add(&timer, 9, Interest::READABLE)?;
/// timer.set_after(Duration::from_millis(5))?;
/// let mut events = [Event::EMPTY; 4];
/// let ready = poller.wait(&mut events, Some(Duration::from_secs(5)))?;
/// assert_eq!(ready[0].key(), 9);
/// assert_eq!(timer.expirations()?, 1);
/// # Ok::<(), baresock::Error>(())
/// ```
#[doc = man!(timerfd_create(2))]
#[doc(alias = "timerfd")]
pub struct Timer {
    fd: Fd,
}

impl Timer {
    /// A new, disarmed timer (`timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)`).
    #[doc(alias = "timerfd_create")]
    pub fn new() -> Result<Timer> {
        Ok(Timer {
            fd: sys::timerfd()?,
        })
    }

    /// Arms the timer to expire once, `after` from now (a zero duration: at once, as the
    /// kernel's smallest time). Replaces any earlier setting.
    ///
    /// ```
    /// let timer = baresock::poll::Timer::new()?;
    /// timer.set_after(core::time::Duration::ZERO)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "timerfd_settime")]
    pub fn set_after(&self, after: Duration) -> Result<()> {
        self.settime(Duration::ZERO, after)
    }

    /// Arms the timer to expire `first` from now, then every `every` (a zero `every`: only
    /// once; a zero `first`: at once). Replaces any earlier setting.
    ///
    /// ```
    /// use core::time::Duration;
    /// let timer = baresock::poll::Timer::new()?;
    /// timer.set_interval(Duration::ZERO, Duration::from_millis(1))?;
    /// std::thread::sleep(Duration::from_millis(20));
    /// assert!(timer.expirations()? >= 2);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn set_interval(&self, first: Duration, every: Duration) -> Result<()> {
        self.settime(every, first)
    }

    /// Disarms the timer: it expires no more until set again (expirations not yet read stay).
    ///
    /// ```
    /// use baresock::Error;
    /// let timer = baresock::poll::Timer::new()?;
    /// timer.set_after(core::time::Duration::from_millis(1))?;
    /// timer.disarm()?;
    /// std::thread::sleep(core::time::Duration::from_millis(5));
    /// assert_eq!(timer.expirations(), Err(Error::WouldBlock));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn disarm(&self) -> Result<()> {
        sys::timerfd_settime(self.fd.as_fd(), (0, 0), (0, 0)).map_err(Error::from)
    }

    /// How many times the timer expired since the last read, and clears the count
    /// ([`Error::WouldBlock`] if it has not expired: the timer never blocks).
    pub fn expirations(&self) -> Result<u64> {
        super::read_count(self.fd.as_fd())
    }

    /// `timerfd_settime` with relative times; a zero `value` is made the smallest time (1 ns)
    /// rather than the kernel's "disarm".
    fn settime(&self, interval: Duration, value: Duration) -> Result<()> {
        let value = if value.is_zero() {
            Duration::from_nanos(1)
        } else {
            value
        };
        sys::timerfd_settime(self.fd.as_fd(), timespec(interval), timespec(value))
            .map_err(Error::from)
    }
}

/// A duration as a `__kernel_timespec` (seconds past `i64::MAX` clamped: 292 billion years).
fn timespec(d: Duration) -> (i64, i64) {
    (
        i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        i64::from(d.subsec_nanos()),
    )
}

impl AsFd for Timer {
    /// The timerfd.
    #[inline]
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl fmt::Debug for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timer")
            .field("fd", &rustix::fd::AsRawFd::as_raw_fd(&self.fd))
            .finish()
    }
}
