//! The poller's calls: `epoll_create1`, `epoll_ctl`, `epoll_pwait` (the calls every
//! architecture has: aarch64 and riscv64 have neither `epoll_create` nor `epoll_wait`), and the
//! fds it watches for the crate: `eventfd2` ([`Waker`](crate::poll::Waker)), `timerfd_create`
//! and `timerfd_settime` ([`Timer`](crate::poll::Timer)).

use linux_raw_sys::general as g;
use rustix::fd::{AsRawFd, BorrowedFd};
use rustix::io::Errno;
use syscalls::Sysno;

use super::fd::Fd;
use crate::poll::Event;

/// The kernel's `struct epoll_event` (linux/eventpoll.h): packed on x86_64 only
/// (`__EPOLL_PACKED`), 12 bytes there and on 32-bit x86, 16 elsewhere.
pub(crate) type RawEvent = g::epoll_event;

/// A new epoll instance, `CLOEXEC` (`epoll_create1(EPOLL_CLOEXEC)`).
pub(crate) fn create() -> Result<Fd, Errno> {
    // SAFETY: `epoll_create1` takes no pointer.
    let r = unsafe {
        syscalls::raw::syscall1(Sysno::epoll_create1 as usize, g::EPOLL_CLOEXEC as usize)
    };
    super::io::new_fd_then(r, |fd| Ok(Fd::new(fd)), Err)
}

/// `epoll_ctl(epfd, op, fd, event)`: `EPOLL_CTL_ADD` or `EPOLL_CTL_MOD` with `Some`,
/// `EPOLL_CTL_DEL` with `None` (a null event, which the kernel ignores for it since 2.6.9).
pub(crate) fn ctl(
    epfd: BorrowedFd<'_>,
    op: u32,
    fd: BorrowedFd<'_>,
    event: Option<&RawEvent>,
) -> Result<(), Errno> {
    let ev = event.map_or(0, |e| e as *const RawEvent as usize);
    // SAFETY: `ev` is null or points to one readable `struct epoll_event`, live across the
    // call; the kernel only reads it.
    let r = unsafe {
        syscalls::syscall4(
            Sysno::epoll_ctl,
            epfd.as_raw_fd() as usize,
            op as usize,
            fd.as_raw_fd() as usize,
            ev,
        )
    };
    r.map(drop).map_err(super::errno)
}

/// `epoll_pwait(epfd, events, len, timeout_ms, NULL)`: how many events the kernel wrote into
/// the front of `events` (0: the time ran out). `timeout_ms` -1 waits without limit. At most
/// `i32::MAX` events are asked for (the kernel's `int maxevents`). Signals cut it short
/// (`EINTR`).
#[inline]
pub(crate) fn wait(
    epfd: BorrowedFd<'_>,
    events: &mut [Event],
    timeout_ms: i32,
) -> Result<usize, Errno> {
    let len = events.len().min(i32::MAX as usize);
    // SAFETY: `Event` is `#[repr(transparent)]` over `struct epoll_event` (checked in the
    // tests), and `events` is writable for `len` of them, live across the call; the kernel
    // writes at most `len` and says how many. No signal mask (null): the size argument is
    // unused.
    let r = unsafe {
        syscalls::syscall6(
            Sysno::epoll_pwait,
            epfd.as_raw_fd() as usize,
            events.as_mut_ptr() as usize,
            len,
            timeout_ms as isize as usize,
            0,
            size_of::<u64>(),
        )
    };
    r.map_err(super::errno)
}

/// A new eventfd with a count of 0, `CLOEXEC` and `NONBLOCK` (`eventfd2`).
pub(crate) fn eventfd() -> Result<Fd, Errno> {
    // SAFETY: `eventfd2` takes no pointer.
    let r = unsafe {
        syscalls::raw::syscall2(
            Sysno::eventfd2 as usize,
            0,
            (g::EFD_CLOEXEC | g::EFD_NONBLOCK) as usize,
        )
    };
    super::io::new_fd_then(r, |fd| Ok(Fd::new(fd)), Err)
}

/// `CLOCK_MONOTONIC` (linux/time.h).
const CLOCK_MONOTONIC: usize = 1;

/// A new timerfd on `CLOCK_MONOTONIC`, disarmed, `CLOEXEC` and `NONBLOCK` (`timerfd_create`).
pub(crate) fn timerfd() -> Result<Fd, Errno> {
    // SAFETY: `timerfd_create` takes no pointer.
    let r = unsafe {
        syscalls::raw::syscall2(
            Sysno::timerfd_create as usize,
            CLOCK_MONOTONIC,
            (g::TFD_CLOEXEC | g::TFD_NONBLOCK) as usize,
        )
    };
    super::io::new_fd_then(r, |fd| Ok(Fd::new(fd)), Err)
}

/// Arms a timerfd (relative): first expiry after `value`, then every `interval` (zero: once);
/// a `value` of zero disarms it. Each as (seconds, nanoseconds below 10^9).
/// (`timerfd_settime(fd, 0, new, NULL)`; `timerfd_settime64` on 32-bit targets.)
pub(crate) fn timerfd_settime(
    fd: BorrowedFd<'_>,
    interval: (i64, i64),
    value: (i64, i64),
) -> Result<(), Errno> {
    // `struct __kernel_itimerspec`: two `__kernel_timespec`s of two 64-bit fields each, on
    // every architecture (32-bit ones take it through `timerfd_settime64`, Linux 5.1).
    let spec: [i64; 4] = [interval.0, interval.1, value.0, value.1];
    #[cfg(target_pointer_width = "64")]
    let call = Sysno::timerfd_settime;
    #[cfg(target_pointer_width = "32")]
    let call = Sysno::timerfd_settime64;
    // SAFETY: `spec` is a readable `__kernel_itimerspec` (32 bytes, aligned for `i64`), live
    // across the call; the old value's pointer is null (not asked for).
    let r =
        unsafe { syscalls::syscall4(call, fd.as_raw_fd() as usize, 0, spec.as_ptr() as usize, 0) };
    r.map(drop).map_err(super::errno)
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{align_of, offset_of, size_of};

    #[test]
    fn event_is_the_kernels_epoll_event() {
        assert_eq!(size_of::<Event>(), size_of::<RawEvent>());
        assert_eq!(align_of::<Event>(), align_of::<RawEvent>());
        assert_eq!(offset_of!(RawEvent, events), 0);
        #[cfg(target_arch = "x86_64")]
        {
            assert_eq!(size_of::<RawEvent>(), 12);
            assert_eq!(offset_of!(RawEvent, data), 4);
        }
        #[cfg(target_arch = "x86")]
        assert_eq!(size_of::<RawEvent>(), 12);
        #[cfg(not(any(target_arch = "x86", target_arch = "x86_64")))]
        {
            assert_eq!(size_of::<RawEvent>(), 16);
            assert_eq!(offset_of!(RawEvent, data), 8);
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "makes an eventfd and a timerfd, which Miri cannot")]
    fn eventfd_counts_and_timerfd_arms() {
        let efd = eventfd().unwrap();
        let mut b = [0u8; 8];
        assert_eq!(
            super::super::os::read(rustix::fd::AsFd::as_fd(&*efd), &mut b),
            Err(Errno::AGAIN)
        );
        assert_eq!(
            super::super::os::write(rustix::fd::AsFd::as_fd(&*efd), &2u64.to_ne_bytes()),
            Ok(8)
        );
        assert_eq!(
            super::super::os::read(rustix::fd::AsFd::as_fd(&*efd), &mut b),
            Ok(8)
        );
        assert_eq!(u64::from_ne_bytes(b), 2);
        let tfd = timerfd().unwrap();
        let t = rustix::fd::AsFd::as_fd(&*tfd);
        timerfd_settime(t, (0, 0), (0, 1)).unwrap();
        assert_eq!(
            timerfd_settime(t, (0, 0), (0, 1_000_000_000)),
            Err(Errno::INVAL)
        );
    }
}
