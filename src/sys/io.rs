//! Raw `socket`, `connect`, `sendto` and `recvfrom` for the hot paths, through the `syscalls` crate: inlined into their
//! callers, and with the kernel's error convention checked in one compare (rustix's wrappers
//! check the sign as well).
//!
//! There is no `send` or `recv` system call on most architectures: both are `sendto` and
//! `recvfrom` without an address, as in libc.

use core::net::SocketAddr;
use rustix::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use rustix::io::Errno;
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
#[inline(always)]
pub(crate) fn send(fd: &impl AsRawFd, buf: &[u8], flags: u32) -> Result<usize, Errno> {
    // SAFETY: no address: null, of length 0. (Not left unset: the kernel would ignore it, but
    // emulators do not; qemu-user refuses a "negative" length before looking at the address.)
    unsafe { sendto(fd, buf, flags, core::ptr::null(), 0) }
}

/// `sendto(fd, buf, flags, to)` to a destination encoded once.
#[inline(always)]
pub(crate) fn send_to_destination(
    fd: &impl AsRawFd,
    buf: &[u8],
    flags: u32,
    to: &crate::Destination,
) -> Result<usize, Errno> {
    // 16 or 28, as `Destination` keeps it (a receive into one checks or restores it before
    // handing it back); capped here all the same, so that this read cannot depend on that.
    let len = to.len().min(to.bytes.0.len());
    // SAFETY: `to.bytes` holds 28 bytes, of which the kernel reads the first `len` (at most
    // 28).
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

/// `recv(fd, buf, flags)`, the kernel's answer as it is: the count (which with `MSG_TRUNC` in
/// `flags` is the message's true length, and may exceed `buf.len()`), or an errno negated,
/// which as a `usize` is above any buffer's length. So one compare with `buf.len()` tells a
/// whole receive from everything else, which [`errno_in`] then sorts out.
#[inline(always)]
pub(crate) fn recv_raw(fd: &impl AsRawFd, buf: &mut [u8], flags: u32) -> usize {
    // SAFETY: `buf` is writable for its length during the call; no address is asked for
    // (null, of length 0), so the kernel writes only into `buf`, at most `buf.len()` bytes.
    unsafe {
        syscalls::raw::syscall6(
            Sysno::recvfrom as usize,
            fd.as_raw_fd() as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
            flags as usize,
            0,
            0,
        )
    }
}

/// The errno in a raw answer (as [`recv_raw`] gives it), if it is one (else it is a count).
#[inline(always)]
pub(crate) fn errno_in(r: usize) -> Option<Errno> {
    syscalls::Errno::from_ret(r).err().map(super::errno)
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
        syscalls::raw::syscall3(
            Sysno::socket as usize,
            domain as usize,
            ty as usize,
            protocol as usize,
        )
    };
    new_fd_then(r, ok, err)
}

/// The answer of a system call that makes an fd: the fd, handed to `ok`, or the errno, to
/// `err`. The kernel gives an fd as an `int`, sign-extended: its low 32 bits, as libc takes
/// them. One test: a non-negative `int` is the fd (so never -1, which `OwnedFd` would refuse
/// with a panic), a negative one the errno.
#[inline(always)]
pub(crate) fn new_fd_then<T>(
    r: usize,
    ok: impl FnOnce(OwnedFd) -> T,
    err: impl FnOnce(Errno) -> T,
) -> T {
    let fd = r as RawFd;
    if fd >= 0 {
        // SAFETY: a successful call returns a new fd that nothing else owns; it is not -1.
        ok(unsafe { OwnedFd::from_raw_fd(fd) })
    } else {
        err(not_fd(r))
    }
}

/// The errno of a failed call that should have made an fd. An answer that is neither an fd
/// nor an errno (no kernel gives one) is `EOVERFLOW`: a value too large for an fd.
#[cold]
#[inline(never)]
fn not_fd(r: usize) -> Errno {
    match syscalls::Errno::from_ret(r) {
        Err(e) => super::errno(e),
        Ok(_) => Errno::OVERFLOW,
    }
}

/// `connect(fd, addr)` to an IP address, encoded here.
#[inline(always)]
pub(crate) fn connect_inet(fd: &impl AsRawFd, addr: &SocketAddr) -> Result<(), Errno> {
    match addr {
        SocketAddr::V4(a) => connect_v4(fd, a),
        SocketAddr::V6(a) => connect_v6(fd, a),
    }
}

/// `connect(fd, addr)` to an IPv4 address: its `sockaddr_in` written in place.
#[inline(always)]
pub(crate) fn connect_v4(fd: &impl AsRawFd, addr: &core::net::SocketAddrV4) -> Result<(), Errno> {
    let sa = super::addr::sockaddr_in(addr);
    // SAFETY: `sa` is readable for its 16 bytes during the call; connect only reads it.
    unsafe { connect_raw(fd, sa.as_ptr(), sa.len()) }
}

/// `connect(fd, addr)` to an IPv6 address, as [`sockaddr_in6`](super::addr::sockaddr_in6)
/// encodes it.
#[inline(always)]
pub(crate) fn connect_v6(fd: &impl AsRawFd, addr: &core::net::SocketAddrV6) -> Result<(), Errno> {
    let sa = super::addr::sockaddr_in6(addr);
    // SAFETY: `sa` is readable for its 28 bytes during the call; connect only reads it.
    unsafe { connect_raw(fd, sa.as_ptr(), sa.len()) }
}

/// `connect(fd, addr, len)`.
///
/// # Safety
///
/// `addr` must be readable for `len` bytes.
#[inline(always)]
unsafe fn connect_raw(fd: &impl AsRawFd, addr: *const u8, len: usize) -> Result<(), Errno> {
    // SAFETY: the caller makes `addr` readable for `len` bytes; the kernel only reads them,
    // during the call.
    let r =
        unsafe { syscalls::syscall3(Sysno::connect, fd.as_raw_fd() as usize, addr as usize, len) };
    r.map(drop).map_err(super::errno)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(r: usize) -> Result<OwnedFd, Errno> {
        new_fd_then(r, Ok, Err)
    }

    #[test]
    fn odd_fd_answers_are_errors() {
        assert_eq!(answer(-9isize as usize).unwrap_err(), Errno::BADF);
        assert_eq!(
            answer(-4095isize as usize).unwrap_err().raw_os_error(),
            4095
        );
        // Negative as an `int` but no errno: never -1 handed to `OwnedFd` (a panic).
        assert_eq!(answer(0x8000_0000).unwrap_err(), Errno::OVERFLOW);
        #[cfg(target_pointer_width = "64")]
        assert_eq!(answer(0xffff_ffff).unwrap_err(), Errno::OVERFLOW);
    }
}
