//! `FromRawFd` for the crate's socket types: the only fd trait whose method is `unsafe`.
//!
//! [`Socket`](crate::Socket) gets it here; every typed socket gets it from the
//! `typed_socket!` macro (src/net/mod.rs), which expands [`from_raw_fd!`] for the type it
//! defines, so no typed socket can be without it. The `unsafe` is written here, in `sys`.

use rustix::fd::{OwnedFd, RawFd};

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
        use rustix::fd::AsRawFd;
        // SAFETY: `close` takes no pointer. The fd is this value's alone (the `OwnedFd` is
        // never dropped, so never closed twice); errors are ignored, as `OwnedFd` ignores
        // them (on Linux the fd is released even when `close` reports one).
        let _ = unsafe { syscalls::syscall1(syscalls::Sysno::close, self.0.as_raw_fd() as usize) };
    }
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
    use rustix::fd::AsRawFd;

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
