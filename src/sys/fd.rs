//! File descriptors: `FromRawFd` for the crate's socket types (the only fd trait whose method
//! is `unsafe`), and the calls on any fd: `close`, `fcntl`, `ioctl`.
//!
//! [`Socket`](crate::Socket) gets it here; every typed socket gets it from the
//! `typed_socket!` macro (src/net/mod.rs), which expands [`from_raw_fd!`] for the type it
//! defines, so no typed socket can be without it. The `unsafe` is written here, in `sys`.

use linux_raw_sys::general as g;
use rustix::fd::{AsRawFd, BorrowedFd, OwnedFd, RawFd};
use rustix::io::Errno;
use syscalls::Sysno;

/// `impl FromRawFd for $t`, taking ownership like `From<OwnedFd>`.
macro_rules! from_raw_fd {
    ($t:ty) => {
        // The crate root denies `unsafe_code` outside `sys`; this expansion is the one
        // exception, written in `sys` and used by `typed_socket!`.
        #[allow(unsafe_code)]
        impl rustix::fd::FromRawFd for $t {
            /// Takes ownership of `fd`, like `From<OwnedFd>`.
            ///
            /// # Safety
            ///
            /// `fd` must be an open file descriptor that nothing else owns or closes.
            #[inline]
            unsafe fn from_raw_fd(fd: rustix::fd::RawFd) -> Self {
                // SAFETY: the caller hands over sole ownership of an open fd.
                Self::from(unsafe {
                    <rustix::fd::OwnedFd as rustix::fd::FromRawFd>::from_raw_fd(fd)
                })
            }
        }
    };
}
pub(crate) use from_raw_fd;

from_raw_fd!(crate::Socket);

/// A socket's fd, closed by a plain `close` system call when dropped.
///
/// rustix's `OwnedFd` closes through rustix's own system call, which on 32-bit x86 goes
/// through the vDSO's `__kernel_vsyscall`: its lookup (ELF tables, symbol versions) is about
/// 3 KiB of code in every static program that drops a socket. The crate's other calls are
/// plain system calls (`int 0x80` there), and so is this one.
pub(crate) struct Fd(core::mem::ManuallyDrop<OwnedFd>);

impl Fd {
    /// Takes ownership of `fd`.
    #[inline(always)]
    pub(crate) fn new(fd: OwnedFd) -> Fd {
        Fd(core::mem::ManuallyDrop::new(fd))
    }

    /// The `OwnedFd` back, open, for its owner to close.
    #[inline(always)]
    pub(crate) fn into_owned(self) -> OwnedFd {
        let mut me = core::mem::ManuallyDrop::new(self);
        // SAFETY: `me` is never dropped, so its `OwnedFd` is taken exactly once and not
        // closed here: ownership of the open fd moves to the caller.
        unsafe { core::mem::ManuallyDrop::take(&mut me.0) }
    }
}

impl Drop for Fd {
    fn drop(&mut self) {
        // The fd is this value's alone (the `OwnedFd` is never dropped, so never closed
        // twice); errors are ignored, as `OwnedFd` ignores them (on Linux the fd is released
        // even when `close` reports one).
        close(self.0.as_raw_fd());
    }
}

/// `close(fd)`, its error ignored (the fd is released all the same). The caller owns `fd`
/// and never uses it again.
pub(crate) fn close(fd: RawFd) {
    // SAFETY: `close` takes no pointer; ownership of `fd` is the caller's to give up.
    let _ = unsafe { syscalls::syscall1(Sysno::close, fd as usize) };
}

/// `fcntl(fd, cmd, arg)` for the commands that take a number and no pointer (`F_GETFL`,
/// `F_DUPFD_CLOEXEC`): the kernel's answer.
pub(crate) fn fcntl(fd: BorrowedFd<'_>, cmd: u32, arg: usize) -> Result<usize, Errno> {
    // SAFETY: the commands this is called with take no pointer; the kernel reads the numbers.
    let r = unsafe { syscalls::syscall3(Sysno::fcntl, fd.as_raw_fd() as usize, cmd as usize, arg) };
    r.map_err(super::errno)
}

/// A duplicate of `fd` (`F_DUPFD_CLOEXEC`, the lowest free number), with `CLOEXEC`.
pub(crate) fn dup_cloexec(fd: BorrowedFd<'_>) -> Result<OwnedFd, Errno> {
    let new = fcntl(fd, g::F_DUPFD_CLOEXEC, 0)?;
    super::io::new_fd_then(new, Ok, Err)
}

/// `ioctl(fd, request, arg)`, `arg` a pointer to the request's argument.
///
/// # Safety
///
/// `arg` must point to what `request` reads and writes, valid for the call.
pub(crate) unsafe fn ioctl(fd: BorrowedFd<'_>, request: u32, arg: *mut u8) -> Result<usize, Errno> {
    // SAFETY: the caller makes `arg` what the request reads and writes.
    let r = unsafe {
        syscalls::syscall3(
            Sysno::ioctl,
            fd.as_raw_fd() as usize,
            request as usize,
            arg as usize,
        )
    };
    r.map_err(super::errno)
}

/// Sets or clears the fd's `O_NONBLOCK` flag (`FIONBIO`).
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>, on: bool) -> Result<(), Errno> {
    let mut value = i32::from(on);
    // SAFETY: `FIONBIO` reads one `int`: `value`, live across the call.
    unsafe {
        ioctl(
            fd,
            linux_raw_sys::ioctl::FIONBIO,
            (&mut value as *mut i32).cast(),
        )
    }
    .map(drop)
}

impl core::ops::Deref for Fd {
    type Target = OwnedFd;

    #[inline(always)]
    fn deref(&self) -> &OwnedFd {
        &self.0
    }
}

impl rustix::fd::AsRawFd for Fd {
    #[inline(always)]
    fn as_raw_fd(&self) -> RawFd {
        self.0.as_raw_fd()
    }
}

impl rustix::fd::AsFd for Fd {
    #[inline(always)]
    fn as_fd(&self) -> rustix::fd::BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl core::fmt::Debug for Fd {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Debug::fmt(&*self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dup_and_nonblocking() {
        let (a, _b) = rustix::net::socketpair(
            rustix::net::AddressFamily::UNIX,
            rustix::net::SocketType::STREAM,
            rustix::net::SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        let c = dup_cloexec(rustix::fd::AsFd::as_fd(&a)).unwrap();
        assert_ne!(c.as_raw_fd(), a.as_raw_fd());
        let flags = |fd: &OwnedFd| fcntl(rustix::fd::AsFd::as_fd(fd), g::F_GETFL, 0).unwrap();
        set_nonblocking(rustix::fd::AsFd::as_fd(&c), true).unwrap();
        assert_ne!(flags(&a) as u32 & g::O_NONBLOCK, 0, "the flag is shared");
        set_nonblocking(rustix::fd::AsFd::as_fd(&a), false).unwrap();
        assert_eq!(flags(&c) as u32 & g::O_NONBLOCK, 0);
    }

    #[test]
    fn drop_closes_and_into_owned_does_not() {
        let (a, b) = rustix::net::socketpair(
            rustix::net::AddressFamily::UNIX,
            rustix::net::SocketType::STREAM,
            rustix::net::SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        let raw = a.as_raw_fd();
        let kept = Fd::new(a).into_owned();
        assert_eq!(kept.as_raw_fd(), raw);
        // Still open.
        assert!(rustix::io::fcntl_getfd(&kept).is_ok());
        drop(Fd::new(kept));
        // Closed: the peer reads the end of the stream.
        let mut buf = [0u8; 1];
        assert_eq!(rustix::io::read(&b, &mut buf).unwrap(), 0);
    }
}
