//! Timeouts: the per-socket mode, the process-wide default, and monotonic deadlines.
//!
//! A socket is in one of three modes, as in Python: blocking (`None`), non-blocking
//! (`Some(Duration::ZERO)`), or deadline mode (`Some(d)`): the fd is non-blocking underneath
//! and every blocking call waits with `poll` until `d` has passed on `CLOCK_MONOTONIC`.
//! The mode lives in one atomic per socket (no lock; `Socket` stays `Sync`).

use core::sync::atomic::{AtomicU64, Ordering};
use core::time::Duration;

#[cfg(feature = "resolve")]
use rustix::event::Timespec;

/// Encoded mode: blocking.
pub(crate) const BLOCKING: u64 = u64::MAX;
/// The longest timeout kept exactly (about 584 years); longer ones are clamped to it.
const MAX_NANOS: u64 = u64::MAX - 2;

/// Encodes a timeout for an atomic.
#[inline]
pub(crate) const fn encode(t: Option<Duration>) -> u64 {
    match t {
        None => BLOCKING,
        Some(d) => {
            let n = d.as_nanos();
            if n > MAX_NANOS as u128 {
                MAX_NANOS
            } else {
                n as u64
            }
        }
    }
}

/// Decodes a mode.
#[inline]
pub(crate) const fn decode(v: u64) -> Option<Duration> {
    if v == BLOCKING {
        None
    } else {
        Some(Duration::from_nanos(v))
    }
}

static DEFAULT_TIMEOUT: AtomicU64 = AtomicU64::new(BLOCKING);

/// Sets the timeout that every socket this crate creates from now on starts with (Python's
/// `socket.setdefaulttimeout`). `None`, the initial value, means blocking.
///
/// Sockets that already exist keep their mode. Sockets made by [`Socket::accept`] take the
/// default too, whatever the listener's mode (see there). An fd wrapped with
/// [`Socket::from_fd`], `From<OwnedFd>` or `FromRawFd` does not: wrapping never changes an
/// fd's blocking state (`O_NONBLOCK`) behind the caller's back; its mode is what its flags
/// say, and `set_timeout(default_timeout())` applies the default explicitly. The value is one atomic: setting it
/// from several threads is safe, and a socket created concurrently sees the old or the new value.
///
/// [`Socket::accept`]: crate::Socket::accept
/// [`Socket::from_fd`]: crate::Socket::from_fd
///
/// ```
/// use core::time::Duration;
/// baresock::set_default_timeout(Some(Duration::from_secs(10)));
/// assert_eq!(baresock::default_timeout(), Some(Duration::from_secs(10)));
/// baresock::set_default_timeout(None);
/// ```
pub fn set_default_timeout(timeout: Option<Duration>) {
    DEFAULT_TIMEOUT.store(encode(timeout), Ordering::Relaxed);
}

/// The timeout new sockets start with (Python's `socket.getdefaulttimeout`).
pub fn default_timeout() -> Option<Duration> {
    decode(DEFAULT_TIMEOUT.load(Ordering::Relaxed))
}

/// Nanoseconds on `CLOCK_MONOTONIC`.
#[inline]
fn now_ns() -> u64 {
    crate::sys::clock::monotonic_ns()
}

/// The end of one operation's time budget, started lazily: the clock is read only once a call
/// would block, so a call that completes at once costs no clock read.
#[derive(Default)]
pub(crate) struct Deadline {
    /// When it passes, on `CLOCK_MONOTONIC`; 0 until started (the clock reads 0 only at boot).
    at_ns: u64,
}

impl Deadline {
    /// Starts the deadline now, `timeout` from now.
    pub(crate) fn start(&mut self, timeout: Duration) {
        self.at_ns = now_ns().saturating_add(encode(Some(timeout)));
    }

    #[cfg(feature = "resolve")]
    /// The time left of `timeout` since this deadline started (starting it now if it has not),
    /// as a `poll` timeout; `None` once it has passed.
    pub(crate) fn remaining(&mut self, timeout: Duration) -> Option<Timespec> {
        self.left(encode(Some(timeout))).map(timespec_ns)
    }

    /// [`remaining`](Deadline::remaining) in nanoseconds, of a timeout in nanoseconds (a
    /// deadline mode, as [`encode`] gives it).
    pub(crate) fn left(&mut self, timeout_ns: u64) -> Option<u64> {
        let now = now_ns();
        if self.at_ns == 0 {
            self.at_ns = now.saturating_add(timeout_ns);
        }
        self.at_ns.checked_sub(now).filter(|&l| l > 0)
    }
}

#[cfg(feature = "resolve")]
/// Nanoseconds as a `poll` timeout.
pub(crate) fn timespec_ns(ns: u64) -> Timespec {
    const NANOS: u64 = 1_000_000_000;
    Timespec {
        tv_sec: (ns / NANOS) as _,
        tv_nsec: (ns % NANOS) as _,
    }
}

#[cfg(feature = "resolve")]
/// A `poll` timeout as a duration.
pub(crate) fn duration(t: Timespec) -> Duration {
    Duration::new(
        t.tv_sec.max(0) as u64,
        t.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips() {
        for t in [
            None,
            Some(Duration::ZERO),
            Some(Duration::from_millis(1500)),
        ] {
            assert_eq!(decode(encode(t)), t);
        }
        assert_eq!(encode(Some(Duration::MAX)), MAX_NANOS);
        assert_ne!(encode(Some(Duration::MAX)), BLOCKING);
    }

    #[cfg(feature = "resolve")]
    #[test]
    fn deadline_counts_down_and_expires() {
        let mut d = Deadline::default();
        let r = d.remaining(Duration::from_secs(5)).unwrap();
        assert!(r.tv_sec <= 5);
        let mut d = Deadline::default();
        assert!(d.remaining(Duration::ZERO).is_none());
    }
}
