//! Waiting: the one place where the timeout mode and `EINTR` are handled for every blocking
//! call (retry, fail at once, or `poll` until the deadline).

use rustix::fd::{AsFd, BorrowedFd};
use rustix::io::Errno;

use crate::sys::addr::Call;
use crate::time::{self, Deadline};
use crate::{Error, Result};

use super::Socket;

/// What a call waits for when it would block; which timeout mode applies (read or write).
#[derive(Clone, Copy)]
pub(crate) enum Wait {
    Read,
    Write,
}

/// Blocking operations. Each goes through one private function, where the timeout mode and `EINTR`
/// are handled for all of them.
impl Socket {
    /// Runs one system call under the socket's timeout mode: retried on `EINTR`; on `EAGAIN`,
    /// either an error at once or a wait for readiness (bounded by the deadline) and another
    /// try. `dont_wait` is the caller's own `MSG_DONTWAIT`: fail at once whatever the mode.
    #[inline]
    pub(crate) fn io<T>(
        &self,
        deadline: &mut Deadline,
        wait: Wait,
        dont_wait: bool,
        op: impl FnMut(BorrowedFd<'_>) -> rustix::io::Result<T>,
    ) -> Result<T> {
        self.io_from(deadline, wait, dont_wait, 0, op)
    }

    /// [`io`](Socket::io) after earlier tries (whose waits `tries` counts).
    pub(crate) fn io_from<T>(
        &self,
        deadline: &mut Deadline,
        wait: Wait,
        dont_wait: bool,
        mut tries: u32,
        mut op: impl FnMut(BorrowedFd<'_>) -> rustix::io::Result<T>,
    ) -> Result<T> {
        loop {
            match op(self.fd.as_fd()) {
                Ok(v) => return Ok(v),
                Err(e) => self.retry(e, deadline, wait, dont_wait, &mut tries)?,
            }
        }
    }

    /// Whether a call that failed with `e` is a non-blocking one that would block: an event
    /// loop's every drain ends so, so its callers answer [`Error::WouldBlock`] before they
    /// set up a retry (a deadline, a loop), as cheaply as a call that finds data.
    #[inline(always)]
    pub(super) fn would_block(&self, e: Errno, wait: Wait, dont_wait: bool) -> bool {
        e == Errno::AGAIN && (dont_wait || self.mode_for(wait) == 0)
    }

    /// The slow path of the sends and receives: `call` failed with `e`; the timeout policy
    /// decides whether to fail or to wait and make it again, until it succeeds.
    #[cold]
    #[inline(never)]
    pub(super) fn retry_call(
        &self,
        call: &mut Call<'_>,
        e: Errno,
        dont_wait: bool,
    ) -> Result<usize> {
        let wait = if call.receives() {
            Wait::Read
        } else {
            Wait::Write
        };
        if self.would_block(e, wait, dont_wait) {
            return Err(Error::WouldBlock);
        }
        let mut deadline = Deadline::default();
        let mut tries = 0;
        let mut e = e;
        loop {
            self.retry(e, &mut deadline, wait, dont_wait, &mut tries)?;
            match call.make() {
                Ok(n) => return Ok(n),
                Err(again) => e = again,
            }
        }
    }

    /// The timeout policy for a failed call: `Ok` to try again (after waiting, if the mode
    /// says so), or the error to return. `tries` counts the waits so far.
    pub(crate) fn retry(
        &self,
        e: Errno,
        deadline: &mut Deadline,
        wait: Wait,
        dont_wait: bool,
        tries: &mut u32,
    ) -> Result<()> {
        match e {
            Errno::INTR => Ok(()),
            Errno::AGAIN if self.would_block(e, wait, dont_wait) => Err(Error::WouldBlock),
            Errno::AGAIN => {
                self.wait(deadline, wait, *tries)?;
                *tries += 1;
                Ok(())
            }
            e => Err(Error::Os(e)),
        }
    }

    /// The call would block: decide by the mode of `wait`'s direction whether to fail or to
    /// wait, and wait. `tries` is
    /// how many waits this call already made: poll says an unconnected Unix socket is always
    /// writable, even when the receiver's queue is full, so repeated `EAGAIN`s after "ready"
    /// back off (1 ms doubling to 16 ms) instead of spinning.
    pub(super) fn wait(&self, deadline: &mut Deadline, wait: Wait, tries: u32) -> Result<()> {
        let mode = match self.mode_for(wait) {
            0 => return Err(Error::WouldBlock),
            m => m,
        };
        let blocking = mode == time::BLOCKING;
        if blocking && !crate::sys::poll::nonblocking(&self.fd) {
            // A blocking fd says EAGAIN only when SO_RCVTIMEO/SO_SNDTIMEO ran out.
            return Err(Error::Timeout);
        }
        if tries > 0 {
            // In nanoseconds: 1 ms, doubling to 16 ms, within what is left of the deadline.
            let pause = 1_000_000 << (tries.min(5) - 1);
            let pause = if blocking {
                pause
            } else {
                deadline.left(mode).map_or(0, |l| l.min(pause))
            };
            // Nothing to wait for but the time: a sleep that signals may cut short.
            let _ = crate::sys::poll::poll(None, 0, pause);
        }
        self.poll_until(deadline, mode, wait)
    }

    /// Waits until the socket is ready, as its mode says: forever, until the deadline
    /// ([`Error::Timeout`]), or not at all ([`Error::WouldBlock`]). For callers that do not
    /// make a system call first (the rings).
    pub(crate) fn wait_ready(&self, deadline: &mut Deadline, wait: Wait) -> Result<()> {
        match self.mode_for(wait) {
            0 => Err(Error::WouldBlock),
            m => self.poll_until(deadline, m, wait),
        }
    }

    /// Polls until the fd is ready, the deadline passes ([`Error::Timeout`]), or forever when
    /// `mode` (a timeout mode, as [`time::encode`] gives it) is blocking. Signals do not cut
    /// the wait short.
    pub(super) fn poll_until(&self, deadline: &mut Deadline, mode: u64, wait: Wait) -> Result<()> {
        let events = match wait {
            Wait::Read => crate::sys::poll::IN,
            Wait::Write => crate::sys::poll::OUT,
        };
        loop {
            let left = match mode {
                time::BLOCKING => crate::sys::poll::FOREVER,
                t => deadline.left(t).ok_or(Error::Timeout)?,
            };
            match crate::sys::poll::poll(Some(self.fd.as_fd()), events, left) {
                // Woken early by rounding: the next turn sees what is left, if anything.
                Ok(0) | Err(Errno::INTR) => {}
                // Ready, or an error/hang-up that the retried call will report.
                Ok(_) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
    }
}
