//! Waiting on one socket: `ppoll` for one fd (or none, to sleep) and its `O_NONBLOCK` flag, by
//! plain system calls (what the timeout policy's wait needs, and nothing more).

use linux_raw_sys::general as g;
use rustix::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use rustix::io::Errno;
use syscalls::Sysno;

/// `struct pollfd` (linux/poll.h).
#[repr(C)]
struct PollFd {
    fd: i32,
    events: i16,
    revents: i16,
}

/// Waits until `fd` is ready for `events` (`POLLIN` or `POLLOUT`; with no fd, until the time
/// is up), at most `timeout_ns` nanoseconds ([`FOREVER`]: no limit): the number of ready
/// fds, 0 when the time ran out. Signals cut it short (`EINTR`).
pub(crate) fn poll(
    fd: Option<BorrowedFd<'_>>,
    events: u32,
    timeout_ns: u64,
) -> Result<usize, Errno> {
    let mut pfd = PollFd {
        fd: fd.map_or(-1, |fd| fd.as_raw_fd()),
        events: events as i16,
        revents: 0,
    };
    // SAFETY: `pfd` is one writable `pollfd`, live across the call (read only if there is an
    // fd: with none, the count is 0).
    unsafe { ppoll(&mut pfd, usize::from(fd.is_some()), timeout_ns) }
}

#[cfg(feature = "resolve")]
/// [`poll`] on several fds at once, as rustix's `PollFd`s (a `struct pollfd` each, the
/// kernel's `revents` written back into them).
pub(crate) fn poll_many(
    fds: &mut [rustix::event::PollFd<'_>],
    timeout_ns: u64,
) -> Result<usize, Errno> {
    // SAFETY: rustix's `PollFd` is a `struct pollfd` (checked in the tests); the slice is
    // writable for its length, live across the call.
    unsafe { ppoll(fds.as_mut_ptr().cast(), fds.len(), timeout_ns) }
}

/// `ppoll(fds, n, timeout, NULL)`, the timeout in nanoseconds ([`FOREVER`]: none).
///
/// # Safety
///
/// `fds` must be writable for `n` `struct pollfd`s (or `n` 0).
unsafe fn ppoll(fds: *mut PollFd, n: usize, timeout_ns: u64) -> Result<usize, Errno> {
    // `struct __kernel_timespec`: two 64-bit fields on every architecture; 32-bit ones take
    // it through `ppoll_time64` (Linux 5.1, as the clock's `clock_gettime64`). The kernel
    // writes back the time left: a copy of ours.
    let mut ts = if timeout_ns == FOREVER {
        None
    } else {
        let (secs, nanos) = split_ns(timeout_ns);
        Some([secs as i64, nanos as i64])
    };
    let tsp = ts.as_mut().map_or(0, |ts| ts.as_mut_ptr() as usize);
    #[cfg(target_pointer_width = "64")]
    let call = Sysno::ppoll;
    #[cfg(target_pointer_width = "32")]
    let call = Sysno::ppoll_time64;
    // SAFETY: `fds` is writable for `n` `pollfd`s (the caller's promise); `tsp` is null or
    // points to `ts`, a writable `__kernel_timespec` (16 bytes, aligned for `i64`); both live
    // across the call. No signal mask (null), so the size argument is unused.
    let r = unsafe { syscalls::syscall5(call, fds as usize, n, tsp, 0, size_of::<u64>()) };
    r.map_err(super::errno)
}

/// Nanoseconds in a second.
const NANOS: u64 = 1_000_000_000;

/// Seconds and nanoseconds of `ns`, by division where the machine divides 64-bit numbers.
#[cfg(target_pointer_width = "64")]
#[inline(always)]
pub(crate) fn split_ns(ns: u64) -> (u64, u64) {
    (ns / NANOS, ns % NANOS)
}

/// Seconds and nanoseconds of `ns`, where a 64-bit division is a library routine (about
/// 900 bytes on 32-bit Arm, which has no divide instruction for them): by shifts, multiplies
/// and subtractions. At most a dozen rounds: while 2^31 or more is left each takes away at
/// least 93 % of it, and the last ones take 10^9 each.
#[cfg(target_pointer_width = "32")]
#[inline(always)]
pub(crate) fn split_ns(ns: u64) -> (u64, u64) {
    split_ns_without_division(ns)
}

/// [`split_ns`] for 32-bit targets (tested on every target).
#[cfg_attr(target_pointer_width = "64", allow(dead_code))]
#[inline(always)]
fn split_ns_without_division(ns: u64) -> (u64, u64) {
    let (mut secs, mut rest) = (0, ns);
    while rest >= NANOS {
        // rest / 2^30 is at most rest / 10^9 (2^30 > 10^9), so q seconds are in `rest`;
        // at least one, as rest >= 10^9.
        let q = (rest >> 30).max(1);
        secs += q;
        rest -= q * NANOS;
    }
    (secs, rest)
}

/// [`poll`]'s timeout for no limit (the encoded blocking mode, `u64::MAX`).
pub(crate) const FOREVER: u64 = u64::MAX;

/// `POLLIN`.
pub(crate) const IN: u32 = g::POLLIN;
/// `POLLOUT`.
pub(crate) const OUT: u32 = g::POLLOUT;

/// Whether the fd's `O_NONBLOCK` flag is set (`F_GETFL`); false if the kernel does not say.
pub(crate) fn nonblocking(fd: &OwnedFd) -> bool {
    super::fd::fcntl(fd.as_fd(), g::F_GETFL, 0).is_ok_and(|flags| flags as u32 & g::O_NONBLOCK != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(miri, ignore = "makes a socket pair and polls it, which Miri cannot")]
    fn rustix_poll_fd_is_a_pollfd() {
        assert_eq!(size_of::<rustix::event::PollFd<'_>>(), size_of::<PollFd>());
        assert_eq!(
            size_of::<PollFd>(),
            size_of::<linux_raw_sys::general::pollfd>()
        );
        // poll_many (the resolver's) agrees.
        #[cfg(feature = "resolve")]
        {
            let (a, b) = rustix::net::socketpair(
                rustix::net::AddressFamily::UNIX,
                rustix::net::SocketType::STREAM,
                rustix::net::SocketFlags::CLOEXEC,
                None,
            )
            .unwrap();
            rustix::io::write(&b, b"x").unwrap();
            let mut fds = [
                rustix::event::PollFd::new(&a, rustix::event::PollFlags::IN),
                rustix::event::PollFd::new(&b, rustix::event::PollFlags::IN),
            ];
            assert_eq!(poll_many(&mut fds, 0), Ok(1));
            assert_eq!(fds[0].revents(), rustix::event::PollFlags::IN);
            assert!(fds[1].revents().is_empty());
        }
    }

    #[test]
    fn split_without_division_agrees_with_division() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut values = std::vec![
            0,
            1,
            NANOS - 1,
            NANOS,
            NANOS + 1,
            (1 << 30) - 1,
            1 << 30,
            (1 << 30) + 1,
            5 * NANOS,
            u64::MAX - 1,
            u64::MAX,
            u64::MAX / NANOS * NANOS,
        ];
        for _ in 0..100_000 {
            // xorshift: values spread over every magnitude
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x >> (x % 64));
        }
        for ns in values {
            assert_eq!(
                split_ns_without_division(ns),
                (ns / NANOS, ns % NANOS),
                "{ns}"
            );
            assert_eq!(split_ns(ns), (ns / NANOS, ns % NANOS), "{ns}");
        }
    }
}
