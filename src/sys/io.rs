//! Raw `socket`, `connect`, `sendto` and `recvfrom` for the hot paths, through the `syscalls` crate: inlined into their
//! callers, and with the kernel's error convention checked in one compare (rustix's wrappers
//! check the sign as well).
//!
//! There is no `send` or `recv` system call on most architectures: both are `sendto` and
//! `recvfrom` without an address, as in libc.

use rustix::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use rustix::io::Errno;
use rustix::net::addr::SocketAddrArg;
use syscalls::Sysno;

/// `sendto(fd, buf, flags, addr, addr_len)`: how many bytes went out.
///
/// # Safety
///
/// `addr` must be null with `addr_len` 0, or readable for `addr_len` bytes.
#[inline(always)]
unsafe fn sendto(
    fd: &impl AsRawFd,
    buf: &[u8],
    flags: u32,
    addr: *const u8,
    addr_len: usize,
) -> Result<usize, Errno> {
    // SAFETY: `buf` is readable for its length and `addr` for `addr_len` bytes (or null, with
    // 0); the kernel only reads them, during the call.
    let r = unsafe {
        syscalls::syscall6(
            Sysno::sendto,
            fd.as_raw_fd() as usize,
            buf.as_ptr() as usize,
            buf.len(),
            flags as usize,
            addr as usize,
            addr_len,
        )
    };
    r.map_err(super::errno)
}

/// `send(fd, buf, flags)`: how many bytes went out.
///
/// `sendto` with a null address, in five arguments: the kernel reads the sixth, the
/// address's length, only with an address (`__sys_sendto` in net/socket.c), so it is not set.
#[inline(always)]
pub(crate) fn send(fd: &impl AsRawFd, buf: &[u8], flags: u32) -> Result<usize, Errno> {
    // SAFETY: `buf` is readable for its length; the kernel only reads it, during the call. The
    // address is null, so the kernel reads no address and ignores its length.
    let r = unsafe {
        syscalls::syscall5(
            Sysno::sendto,
            fd.as_raw_fd() as usize,
            buf.as_ptr() as usize,
            buf.len(),
            flags as usize,
            0,
        )
    };
    r.map_err(super::errno)
}

/// `sendto(fd, buf, flags, to)` to a destination encoded once.
#[inline(always)]
pub(crate) fn send_to_destination(
    fd: &impl AsRawFd,
    buf: &[u8],
    flags: u32,
    to: &crate::Destination,
) -> Result<usize, Errno> {
    let len = to.len();
    // SAFETY: `to.bytes` holds 28 bytes, of which the kernel reads the first `len` (16 or 28).
    unsafe { sendto(fd, buf, flags, to.bytes.0.as_ptr(), len) }
}

/// `sendto(fd, buf, flags, to)`, `to` the bytes of a `sockaddr` (an IP one, as
/// [`Encoded::sockaddr`] gives it: no closures, no generic address machinery).
///
/// [`Encoded::sockaddr`]: crate::addr::Encoded::sockaddr
#[inline(always)]
pub(crate) fn send_to_sockaddr(
    fd: &impl AsRawFd,
    buf: &[u8],
    flags: u32,
    to: &[u8],
) -> Result<usize, Errno> {
    // SAFETY: `to` is readable for its length.
    unsafe { sendto(fd, buf, flags, to.as_ptr(), to.len()) }
}

/// `recv(fd, buf, flags)`: the kernel's count, which with `MSG_TRUNC` in `flags` is the
/// message's true length and may exceed `buf.len()` (the caller reports that).
#[inline(always)]
pub(crate) fn recv(fd: &impl AsRawFd, buf: &mut [u8], flags: u32) -> Result<usize, Errno> {
    // SAFETY: `buf` is writable for its length during the call. The address is null (the
    // kernel then ignores the sixth argument, its length, as in `send`), so the kernel writes
    // only into `buf`, at most `buf.len()` bytes.
    let r = unsafe {
        syscalls::syscall5(
            Sysno::recvfrom,
            fd.as_raw_fd() as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
            flags as usize,
            0,
        )
    };
    r.map_err(super::errno)
}

/// `read(fd, buf)` on a socket: the same receive as `recv(fd, buf, 0)` (both are
/// `sock_recvmsg` without flags, `MSG_DONTWAIT` added for an `O_NONBLOCK` file) when `buf`
/// is not empty, in three arguments. (With an empty `buf`, `read` returns 0 at once and
/// `recv` may consume an empty datagram: the caller keeps those for [`recv`].)
#[inline(always)]
pub(crate) fn read(fd: &impl AsRawFd, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is writable for its length during the call; the kernel writes at most
    // `buf.len()` bytes into it.
    let r = unsafe {
        syscalls::syscall3(
            Sysno::read,
            fd.as_raw_fd() as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
        )
    };
    r.map_err(super::errno)
}

/// `socket(domain, ty, protocol)`, `ty` with its `SOCK_*` creation flags: the new socket's
/// fd, handed to `ok`, or the errno, to `err` (no `Result` of an fd and an errno in between,
/// which the compiler packs into one integer and unpacks again).
#[inline(always)]
pub(crate) fn socket_then<T>(
    domain: u32,
    ty: u32,
    protocol: u32,
    ok: impl FnOnce(OwnedFd) -> T,
    err: impl FnOnce(Errno) -> T,
) -> T {
    // SAFETY: no pointers; the kernel only reads the three numbers.
    let r = unsafe {
        syscalls::syscall3(
            Sysno::socket,
            domain as usize,
            ty as usize,
            protocol as usize,
        )
    };
    match r {
        // SAFETY: a successful `socket` returns a new fd that nothing else owns.
        Ok(fd) => ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) }),
        Err(e) => err(super::errno(e)),
    }
}

/// `connect(fd, addr)`.
#[inline(always)]
pub(crate) fn connect(fd: &impl AsRawFd, addr: &impl SocketAddrArg) -> Result<(), Errno> {
    // SAFETY: `with_sockaddr` gives a pointer readable for `len` bytes while the closure runs;
    // the kernel only reads them, during the call.
    let r = unsafe {
        addr.with_sockaddr(|ptr, len| {
            syscalls::syscall3(
                Sysno::connect,
                fd.as_raw_fd() as usize,
                ptr as usize,
                len as usize,
            )
        })
    };
    r.map(drop).map_err(super::errno)
}
