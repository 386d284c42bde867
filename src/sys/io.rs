//! The socket system calls, one function each, through the `syscalls` crate: inlined into
//! their callers, with the kernel's error convention checked in one compare (rustix's
//! wrappers check the sign as well), and the same direct calls on every architecture (32-bit
//! x86 too, whose `socket`, `bind`, ... have had their own numbers since Linux 4.3: no
//! `socketcall`).
//!
//! Addresses come in as pointers and lengths, or as room for the kernel to write one: the
//! typed address arguments are built in [`addr`](super::addr), and encoded in
//! `crate::addr::codec`, which makes no system call. The option, message, ring and other calls
//! have their own files.
//!
//! There is no `send` or `recv` system call on most architectures: both are `sendto` and
//! `recvfrom` without an address, as in libc.

use rustix::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use rustix::io::Errno;
use syscalls::Sysno;

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

/// `socketpair(domain, ty, protocol)`, `ty` with its `SOCK_*` creation flags: two connected
/// sockets.
pub(crate) fn socketpair(domain: u32, ty: u32, protocol: u32) -> Result<(OwnedFd, OwnedFd), Errno> {
    let mut fds = [-1 as RawFd; 2];
    // SAFETY: `fds` is a writable `int[2]`, live across the call; the kernel writes only it.
    let r = unsafe {
        syscalls::syscall4(
            Sysno::socketpair,
            domain as usize,
            ty as usize,
            protocol as usize,
            fds.as_mut_ptr() as usize,
        )
    };
    r.map_err(super::errno)?;
    match fds {
        // SAFETY: a successful call wrote two new fds that nothing else owns, neither -1.
        [a, b] if a >= 0 && b >= 0 => unsafe {
            Ok((OwnedFd::from_raw_fd(a), OwnedFd::from_raw_fd(b)))
        },
        // No kernel answers so; nothing to close.
        _ => Err(Errno::OVERFLOW),
    }
}

/// `bind(fd, addr, len)`.
///
/// # Safety
///
/// `addr` must be readable for `len` bytes.
#[inline(always)]
pub(crate) unsafe fn bind(fd: &impl AsRawFd, addr: *const u8, len: usize) -> Result<(), Errno> {
    // SAFETY: the caller makes `addr` readable for `len` bytes; the kernel only reads them,
    // during the call.
    let r = unsafe { syscalls::syscall3(Sysno::bind, fd.as_raw_fd() as usize, addr as usize, len) };
    r.map(drop).map_err(super::errno)
}

/// `listen(fd, backlog)`.
pub(crate) fn listen(fd: &impl AsRawFd, backlog: i32) -> Result<(), Errno> {
    // SAFETY: no pointers; the kernel only reads the two numbers.
    let r = unsafe { syscalls::syscall2(Sysno::listen, fd.as_raw_fd() as usize, backlog as usize) };
    r.map(drop).map_err(super::errno)
}

/// `accept4(fd, addr, len, flags)`, the kernel's answer as it is (an fd, or an errno negated:
/// [`new_fd_then`] tells them apart). The peer's address goes to `addr` (null: not asked for),
/// its true length to `*len`, which holds the room on entry.
///
/// # Safety
///
/// `addr` must be null with `len` null, or writable for `*len` bytes with `len` a writable
/// `socklen_t`.
#[inline(always)]
pub(crate) unsafe fn accept4(fd: &impl AsRawFd, addr: *mut u8, len: *mut u32, flags: u32) -> usize {
    // SAFETY: the caller's promise: `addr` writable for `*len` bytes (the kernel writes at
    // most that many) and `len` writable, or both null; live across the call.
    unsafe {
        syscalls::raw::syscall4(
            Sysno::accept4 as usize,
            fd.as_raw_fd() as usize,
            addr as usize,
            len as usize,
            flags as usize,
        )
    }
}

/// `connect(fd, addr, len)`.
///
/// # Safety
///
/// `addr` must be readable for `len` bytes.
#[inline(always)]
pub(crate) unsafe fn connect(fd: &impl AsRawFd, addr: *const u8, len: usize) -> Result<(), Errno> {
    // SAFETY: the caller makes `addr` readable for `len` bytes; the kernel only reads them,
    // during the call.
    let r =
        unsafe { syscalls::syscall3(Sysno::connect, fd.as_raw_fd() as usize, addr as usize, len) };
    r.map(drop).map_err(super::errno)
}

/// `shutdown(fd, how)`, `how` one of `SHUT_RD`, `SHUT_WR`, `SHUT_RDWR`.
pub(crate) fn shutdown(fd: &impl AsRawFd, how: u32) -> Result<(), Errno> {
    // SAFETY: no pointers; the kernel only reads the two numbers.
    let r = unsafe { syscalls::syscall2(Sysno::shutdown, fd.as_raw_fd() as usize, how as usize) };
    r.map(drop).map_err(super::errno)
}

/// `getsockname(fd, addr, len)` (`peer`: `getpeername`): the address written to `addr`, its
/// true length to `*len`, which holds the room on entry.
///
/// # Safety
///
/// `addr` must be writable for `*len` bytes.
pub(crate) unsafe fn getname(
    fd: &impl AsRawFd,
    peer: bool,
    addr: *mut u8,
    len: &mut u32,
) -> Result<(), Errno> {
    let nr = if peer {
        Sysno::getpeername
    } else {
        Sysno::getsockname
    };
    // SAFETY: the caller makes `addr` writable for `*len` bytes (the kernel writes at most
    // that many) and `len` is a writable `socklen_t`, both live across the call.
    let r = unsafe {
        syscalls::syscall3(
            nr,
            fd.as_raw_fd() as usize,
            addr as usize,
            len as *mut u32 as usize,
        )
    };
    r.map(drop).map_err(super::errno)
}

/// `sendto(fd, buf, len, flags, addr, addr_len)`: how many bytes went out.
///
/// # Safety
///
/// `buf` must be readable for `len` bytes; `addr` null with `addr_len` 0, or readable for
/// `addr_len` bytes.
#[inline(always)]
pub(crate) unsafe fn sendto(
    fd: RawFd,
    buf: *const u8,
    len: usize,
    flags: u32,
    addr: *const u8,
    addr_len: usize,
) -> Result<usize, Errno> {
    // SAFETY: the caller makes `buf` readable for `len` bytes and `addr` for `addr_len` bytes
    // (or null, with 0); the kernel only reads them, during the call.
    let r = unsafe {
        syscalls::syscall6(
            Sysno::sendto,
            fd as usize,
            buf as usize,
            len,
            flags as usize,
            addr as usize,
            addr_len,
        )
    };
    r.map_err(super::errno)
}

/// `recvfrom(fd, buf, len, flags, addr, addr_len)`, the kernel's answer as it is: the count
/// (which with `MSG_TRUNC` in `flags` is the message's true length, and may exceed `len`), or
/// an errno negated, which as a `usize` is above any buffer's length (see [`errno_in`]). The
/// sender goes to `addr` (null: not asked for), its true length to `*addr_len`, which holds
/// the room on entry.
///
/// # Safety
///
/// `buf` must be writable for `len` bytes; `addr` and `addr_len` null, or `addr` writable for
/// `*addr_len` bytes and `addr_len` a writable `socklen_t`.
#[inline(always)]
pub(crate) unsafe fn recvfrom(
    fd: RawFd,
    buf: *mut u8,
    len: usize,
    flags: u32,
    addr: *mut u8,
    addr_len: *mut u32,
) -> usize {
    // SAFETY: the caller's promise: `buf` writable for `len` bytes, `addr` for `*addr_len`
    // (the kernel writes at most that many), or both null; all live across the call.
    unsafe {
        syscalls::raw::syscall6(
            Sysno::recvfrom as usize,
            fd as usize,
            buf as usize,
            len,
            flags as usize,
            addr as usize,
            addr_len as usize,
        )
    }
}

/// `send(fd, buf, flags)`: how many bytes went out.
#[inline(always)]
pub(crate) fn send(fd: &impl AsRawFd, buf: &[u8], flags: u32) -> Result<usize, Errno> {
    // SAFETY: `buf` is readable for its length; no address: null, of length 0. (Not left
    // unset: the kernel would ignore it, but emulators do not; qemu-user refuses a "negative"
    // length before looking at the address.)
    unsafe {
        sendto(
            fd.as_raw_fd(),
            buf.as_ptr(),
            buf.len(),
            flags,
            core::ptr::null(),
            0,
        )
    }
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
    // SAFETY: `buf` is readable for its length; `to.bytes` holds 28 bytes, of which the kernel
    // reads the first `len` (at most 28).
    unsafe {
        sendto(
            fd.as_raw_fd(),
            buf.as_ptr(),
            buf.len(),
            flags,
            to.bytes.0.as_ptr(),
            len,
        )
    }
}

/// `sendto(fd, buf, flags, to)`, `to` the bytes of a `sockaddr` (an IP one, as
/// [`Encoded::sockaddr`] gives it, or any other the codec encoded).
///
/// [`Encoded::sockaddr`]: crate::addr::Encoded::sockaddr
#[inline(always)]
pub(crate) fn send_to_sockaddr(
    fd: &impl AsRawFd,
    buf: &[u8],
    flags: u32,
    to: &[u8],
) -> Result<usize, Errno> {
    // SAFETY: `buf` and `to` are readable for their lengths.
    unsafe {
        sendto(
            fd.as_raw_fd(),
            buf.as_ptr(),
            buf.len(),
            flags,
            to.as_ptr(),
            to.len(),
        )
    }
}

/// `recv(fd, buf, flags)`, the kernel's answer as it is (see [`recvfrom`]): one compare with
/// `buf.len()` tells a whole receive from everything else, which [`errno_in`] then sorts out.
#[inline(always)]
pub(crate) fn recv_raw(fd: &impl AsRawFd, buf: &mut [u8], flags: u32) -> usize {
    // SAFETY: `buf` is writable for its length during the call; no address is asked for
    // (null, of length 0), so the kernel writes only into `buf`, at most `buf.len()` bytes.
    unsafe {
        recvfrom(
            fd.as_raw_fd(),
            buf.as_mut_ptr(),
            buf.len(),
            flags,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
        )
    }
}

/// The errno in a raw answer (as [`recv_raw`] gives it), if it is one (else it is a count).
#[inline(always)]
pub(crate) fn errno_in(r: usize) -> Option<Errno> {
    syscalls::Errno::from_ret(r).err().map(super::errno)
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
