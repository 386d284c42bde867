//! The address arguments of the socket calls: encoded addresses handed to the kernel, and
//! room for the addresses it writes back (a sender, a peer, a name).
//!
//! The bytes themselves are encoded and decoded in `crate::addr::codec`, pure functions with
//! no system call; the calls are made in [`io`](super::io), one function each. What is here
//! joins the two: rustix's `SocketAddrArg` for the crate's address types (a pointer to their
//! encoded bytes, which the calls and the fuzz target use), the rooms ([`InetFrom`],
//! [`AddrRoom`]), and the typed wrappers over the calls that carry an address.

use core::mem::{size_of, MaybeUninit};
use core::net::{SocketAddrV4, SocketAddrV6};

use linux_raw_sys::net as k;
use rustix::fd::{AsRawFd, BorrowedFd, OwnedFd, RawFd};
use rustix::io::Errno;
use rustix::net::addr::{SocketAddrArg, SocketAddrLen, SocketAddrOpaque, SocketAddrStorage};

use super::io;
use crate::addr::codec::{
    self, odd_sender, v4, v6, INET_STORAGE_LEN, SOCKADDR_IN6_LEN, SOCKADDR_IN_LEN,
};
use crate::{CanAddr, Error, LinkAddr, Result, SockAddr, UnixAddr};

// SAFETY: `with_sockaddr` calls `f` with a pointer to a `sockaddr_un`'s bytes on its stack,
// alive for the whole call, and a length (2 + the meaningful `sun_path` bytes, at most 110)
// within them.
unsafe impl SocketAddrArg for UnixAddr {
    unsafe fn with_sockaddr<R>(
        &self,
        f: impl FnOnce(*const SocketAddrOpaque, SocketAddrLen) -> R,
    ) -> R {
        let (sa, len) = codec::sockaddr_un(self);
        f(sa.as_ptr().cast(), len.min(sa.len()) as SocketAddrLen)
    }
}

/// `SocketAddrArg` for an address type that encodes itself as a byte array (`to_bytes`).
macro_rules! sockaddr_from_bytes {
    ($($t:ty),*) => {$(
        // SAFETY: `with_sockaddr` calls `f` with a pointer to the bytes of the kernel struct
        // (`to_bytes`) on its stack, alive for the whole call, and their length.
        unsafe impl SocketAddrArg for $t {
            unsafe fn with_sockaddr<R>(&self, f: impl FnOnce(*const SocketAddrOpaque, SocketAddrLen) -> R) -> R {
                let sa = self.to_bytes();
                f(sa.as_ptr().cast(), sa.len() as SocketAddrLen)
            }
        }
    )*};
}

sockaddr_from_bytes!(CanAddr, crate::NetlinkAddr, crate::VsockAddr);

// SAFETY: `with_sockaddr` calls `f` with a pointer to the `sockaddr_ll` bytes on its stack
// (`to_bytes`), alive for the whole call, and a length within them (20 to 44).
unsafe impl SocketAddrArg for LinkAddr {
    unsafe fn with_sockaddr<R>(
        &self,
        f: impl FnOnce(*const SocketAddrOpaque, SocketAddrLen) -> R,
    ) -> R {
        let (sa, len) = self.to_bytes();
        f(sa.as_ptr().cast(), len.min(sa.len()) as SocketAddrLen)
    }
}

// SAFETY: `with_sockaddr` calls `f` with a pointer to the address's bytes, alive for the whole
// call, and their length (at most 128, within them).
unsafe impl SocketAddrArg for crate::RawAddr {
    unsafe fn with_sockaddr<R>(
        &self,
        f: impl FnOnce(*const SocketAddrOpaque, SocketAddrLen) -> R,
    ) -> R {
        let b = self.as_bytes();
        f(b.as_ptr().cast(), b.len() as SocketAddrLen)
    }
}

// SAFETY: `with_sockaddr` calls `f` with a pointer to the encoded bytes, alive for the whole
// call, and the length of the struct they hold (16 or 28, within the 28 bytes).
unsafe impl SocketAddrArg for crate::Destination {
    #[inline(always)]
    unsafe fn with_sockaddr<R>(
        &self,
        f: impl FnOnce(*const SocketAddrOpaque, SocketAddrLen) -> R,
    ) -> R {
        f(self.bytes.0.as_ptr().cast(), self.len() as SocketAddrLen)
    }
}

// SAFETY: forwards to the `SocketAddrArg` impls of the variants, which uphold the contract.
unsafe impl SocketAddrArg for SockAddr {
    unsafe fn with_sockaddr<R>(
        &self,
        f: impl FnOnce(*const SocketAddrOpaque, SocketAddrLen) -> R,
    ) -> R {
        // SAFETY: the caller's obligations are passed on unchanged.
        unsafe {
            match self {
                SockAddr::V4(a) => a.with_sockaddr(f),
                SockAddr::V6(a) => a.with_sockaddr(f),
                SockAddr::Unix(a) => a.with_sockaddr(f),
                SockAddr::Packet(a) => a.with_sockaddr(f),
                SockAddr::Can(a) => a.with_sockaddr(f),
                SockAddr::Netlink(a) => a.with_sockaddr(f),
                SockAddr::Vsock(a) => a.with_sockaddr(f),
                SockAddr::Other(a) => a.with_sockaddr(f),
            }
        }
    }
}

/// `bind(fd, addr)`, the address of any family.
pub(crate) fn bind(
    fd: &impl AsRawFd,
    addr: &impl SocketAddrArg,
) -> core::result::Result<(), Errno> {
    // SAFETY: `with_sockaddr` hands the closure a pointer readable for `len` bytes, alive
    // while it runs (the trait's contract), which is the call's whole duration.
    unsafe { addr.with_sockaddr(|p, len| io::bind(fd, p.cast(), len as usize)) }
}

/// `bind(fd, addr)` for an IP address, encoded by the codec.
pub(crate) fn bind_inet(
    fd: &OwnedFd,
    addr: &core::net::SocketAddr,
) -> core::result::Result<(), Errno> {
    let sa = crate::addr::Encoded::new(addr);
    let len = if addr.is_ipv4() {
        SOCKADDR_IN_LEN
    } else {
        SOCKADDR_IN6_LEN
    };
    // SAFETY: `sa` is readable for `len` bytes (16 or 28, within its 28), live across the
    // call.
    unsafe { io::bind(fd, sa.0.as_ptr(), len as usize) }
}

/// `connect(fd, addr)`, the address of any family.
pub(crate) fn connect(
    fd: &impl AsRawFd,
    addr: &impl SocketAddrArg,
) -> core::result::Result<(), Errno> {
    // SAFETY: `with_sockaddr` hands the closure a pointer readable for `len` bytes, alive
    // while it runs (the trait's contract), which is the call's whole duration.
    unsafe { addr.with_sockaddr(|p, len| io::connect(fd, p.cast(), len as usize)) }
}

/// `connect(fd, addr)` to an address of family `AF_UNSPEC`: dissolves a datagram socket's
/// association.
pub(crate) fn connect_unspec(fd: &impl AsRawFd) -> core::result::Result<(), Errno> {
    // A `struct sockaddr`, all zeros: family `AF_UNSPEC` (0).
    let sa = [0u8; 16];
    // SAFETY: `sa` is readable for its 16 bytes, live across the call.
    unsafe { io::connect(fd, sa.as_ptr(), sa.len()) }
}

/// `connect(fd, addr)` to an IP address, encoded by the codec.
#[inline(always)]
pub(crate) fn connect_inet(
    fd: &impl AsRawFd,
    addr: &core::net::SocketAddr,
) -> core::result::Result<(), Errno> {
    match addr {
        core::net::SocketAddr::V4(a) => connect_v4(fd, a),
        core::net::SocketAddr::V6(a) => connect_v6(fd, a),
    }
}

/// `connect(fd, addr)` to an IPv4 address: its `sockaddr_in` written in place.
#[inline(always)]
pub(crate) fn connect_v4(
    fd: &impl AsRawFd,
    addr: &SocketAddrV4,
) -> core::result::Result<(), Errno> {
    let sa = codec::sockaddr_in(addr);
    // SAFETY: `sa` is readable for its 16 bytes during the call.
    unsafe { io::connect(fd, sa.as_ptr(), sa.len()) }
}

/// `connect(fd, addr)` to an IPv6 address, as `codec::sockaddr_in6` encodes it.
#[inline(always)]
pub(crate) fn connect_v6(
    fd: &impl AsRawFd,
    addr: &SocketAddrV6,
) -> core::result::Result<(), Errno> {
    let sa = codec::sockaddr_in6(addr);
    // SAFETY: `sa` is readable for its 28 bytes during the call.
    unsafe { io::connect(fd, sa.as_ptr(), sa.len()) }
}

/// `sendto(fd, buf, flags, addr)`, the address of any family.
pub(crate) fn sendto(
    fd: &impl AsRawFd,
    buf: &[u8],
    flags: u32,
    addr: &impl SocketAddrArg,
) -> core::result::Result<usize, Errno> {
    // SAFETY: `buf` is readable for its length; `with_sockaddr` hands the closure a pointer
    // readable for `len` bytes, alive while it runs (the trait's contract).
    unsafe {
        addr.with_sockaddr(|p, len| {
            io::sendto(
                fd.as_raw_fd(),
                buf.as_ptr(),
                buf.len(),
                flags,
                p.cast(),
                len as usize,
            )
        })
    }
}

/// Room for an address of any family, written by the kernel (`struct sockaddr_storage`,
/// never zeroed), and how many of its bytes the kernel wrote.
pub(crate) struct AddrRoom {
    storage: MaybeUninit<SocketAddrStorage>,
    /// The address's length as the kernel gave it (0: none yet, or none given).
    len: u32,
}

impl AddrRoom {
    /// Empty room.
    #[inline]
    pub(crate) fn new() -> AddrRoom {
        AddrRoom {
            storage: MaybeUninit::uninit(),
            len: 0,
        }
    }

    /// The bytes the kernel wrote (none if it gave no address).
    #[inline]
    pub(crate) fn bytes(&self) -> &[u8] {
        let len = (self.len as usize).min(size_of::<SocketAddrStorage>());
        // SAFETY: `len` is 0, or set by a successful call, where the kernel initialized that
        // many bytes (capped here at the storage's size); a failed call sets it back to 0.
        unsafe { core::slice::from_raw_parts(self.storage.as_ptr().cast::<u8>(), len) }
    }

    /// Readies the room for a call: the length set to the room's size (what the kernel
    /// reads first), and the pointer to the storage returned.
    #[inline]
    fn open(&mut self) -> *mut u8 {
        self.len = size_of::<SocketAddrStorage>() as u32;
        self.storage.as_mut_ptr().cast()
    }
}

/// `recvfrom(fd, buf, flags)`, the sender of any family written to `from`: the kernel's count
/// (with `MSG_TRUNC` in `flags`, the message's true length, which may exceed `buf.len()`).
pub(crate) fn recvfrom(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    flags: u32,
    from: &mut AddrRoom,
) -> core::result::Result<usize, Errno> {
    let addr = from.open();
    // SAFETY: `buf` is writable for its length, `addr` for `from.len` bytes (the room's
    // size), and `from.len` is a writable `socklen_t`, all live across the call.
    let r = unsafe {
        io::recvfrom(
            fd.as_raw_fd(),
            buf.as_mut_ptr(),
            buf.len(),
            flags,
            addr,
            &mut from.len,
        )
    };
    syscalls::Errno::from_ret(r).map_err(|e| {
        from.len = 0;
        super::errno(e)
    })
}

/// `accept4(fd, flags)`: the new connection's fd, the peer's address (of any family) written to
/// `from`.
pub(crate) fn accept(
    fd: BorrowedFd<'_>,
    flags: u32,
    from: &mut AddrRoom,
) -> core::result::Result<OwnedFd, Errno> {
    let addr = from.open();
    // SAFETY: `addr` is writable for `from.len` bytes (the room's size) and `from.len` is a
    // writable `socklen_t`, both live across the call.
    let r = unsafe { io::accept4(&fd, addr, &mut from.len, flags) };
    io::new_fd_then(r, Ok, |e| {
        from.len = 0;
        Err(e)
    })
}

/// `getsockname(fd)` (`peer`: `getpeername`), the address written to `into`.
pub(crate) fn getname(
    fd: &impl AsRawFd,
    peer: bool,
    into: &mut AddrRoom,
) -> core::result::Result<(), Errno> {
    let addr = into.open();
    // SAFETY: `addr` is writable for `into.len` bytes (the room's size) and `into.len` is a
    // writable `socklen_t`, both live across the call.
    unsafe { io::getname(fd, peer, addr, &mut into.len) }.inspect_err(|_| into.len = 0)
}

/// Room for the address of an IP socket's sender, written by the kernel: a `sockaddr_in6`'s
/// worth of bytes, never zeroed, and how many of them the kernel wrote.
pub(crate) struct InetFrom {
    storage: core::mem::MaybeUninit<InetStorage>,
    /// The address's length as the kernel gave it (0: none yet, or none given).
    len: u32,
}

#[repr(C, align(4))]
struct InetStorage([u8; INET_STORAGE_LEN]);

impl InetFrom {
    /// Empty room. Built field by field: as one constant, with the storage's uninitialized
    /// bytes beside a zero, rustc would zero the storage too, on every call.
    #[inline(always)]
    pub(crate) fn new() -> InetFrom {
        let mut from = core::mem::MaybeUninit::<InetFrom>::uninit();
        let p = from.as_mut_ptr();
        // SAFETY: `p` points to `from`, writable; `len` is written, and `storage`, a
        // `MaybeUninit`, needs no initialization, so the whole is initialized after.
        unsafe {
            core::ptr::addr_of_mut!((*p).len).write(0);
            from.assume_init()
        }
    }

    /// The sender: an IPv4 or IPv6 address; [`AddressError::Missing`](crate::AddressError::Missing)
    /// when the kernel gave none, [`AddressError::Malformed`](crate::AddressError::Malformed) for
    /// anything else (an IP socket gets nothing else).
    ///
    /// Decoded in place, and all in registers: a `sockaddr_in` costs one length and one
    /// family compare. (The same answers as [`codec::decode_inet`] for the two lengths.)
    #[inline(always)]
    pub(crate) fn addr(&self) -> Result<core::net::SocketAddr> {
        let b = self.bytes();
        let family = |b: &[u8; 8]| u32::from(u16::from_ne_bytes([b[0], b[1]]));
        if self.len == SOCKADDR_IN_LEN {
            if let Some(b) = b.first_chunk::<8>() {
                if family(b) == k::AF_INET {
                    return Ok(v4(b).into());
                }
            }
        } else if self.len == SOCKADDR_IN6_LEN {
            // A `sockaddr_in6` (or a `sockaddr_in` with room to spare).
            if let (Some(b4), Some(b6)) = (b.first_chunk::<8>(), b.first_chunk::<28>()) {
                match family(b4) {
                    k::AF_INET6 => return Ok(v6(b6).into()),
                    k::AF_INET => return Ok(v4(b4).into()),
                    _ => {}
                }
            }
        }
        Err(self.odd())
    }

    /// The error for a sender that is not a plain IP address.
    #[cold]
    #[inline(never)]
    pub(crate) fn odd(&self) -> Error {
        odd_sender(self.bytes(), self.len)
    }

    /// The bytes the kernel wrote.
    #[inline(always)]
    fn bytes(&self) -> &[u8] {
        let len = (self.len as usize).min(INET_STORAGE_LEN);
        // SAFETY: `len` is 0, or set by a successful `recvfrom_inet`, `accept_inet` or
        // `Call::make`, where the kernel initialized that many bytes (capped here at the
        // storage's size); a failed call sets it back to 0 (or, `Call::make`, leaves it).
        unsafe { core::slice::from_raw_parts(self.storage.as_ptr().cast::<u8>(), len) }
    }
}

/// `recvfrom(fd, buf, flags)` on an IP socket: the kernel's count, which with `MSG_TRUNC` in
/// `flags` is the datagram's true length and may exceed `buf.len()` (the caller reports that);
/// the sender goes to `from`, written by the kernel into storage nothing zeroes.
#[inline(always)]
pub(crate) fn recvfrom_inet(
    fd: &impl AsRawFd,
    buf: &mut [u8],
    flags: u32,
    from: &mut InetFrom,
) -> core::result::Result<usize, Errno> {
    // The kernel sets `from.len` to the address's true length (0 for none): `bytes` caps it.
    from.len = INET_STORAGE_LEN as u32;
    // SAFETY: `buf` is writable for its length, `from.storage` for `from.len` bytes (its
    // size), and `from.len` is a writable `socklen_t`, all live across the call.
    let r = unsafe {
        io::recvfrom(
            fd.as_raw_fd(),
            buf.as_mut_ptr(),
            buf.len(),
            flags,
            from.storage.as_mut_ptr().cast(),
            &mut from.len,
        )
    };
    syscalls::Errno::from_ret(r).map_err(|e| {
        // Nothing was written: no address.
        from.len = 0;
        super::errno(e)
    })
}

/// `recvfrom(fd, buf, flags)` on an IP socket with the sender written into `to` (its bytes
/// and length): the kernel's answer as it is (a count, or an errno negated: see
/// `io::recv_raw`). `to.len` is set to the room, 28, before the call: after it, the address's
/// true length if the call succeeded, and still 28 if not (the caller checks or restores it).
#[inline(always)]
pub(crate) fn recvfrom_encoded(
    fd: &impl AsRawFd,
    buf: &mut [u8],
    flags: u32,
    to: &mut crate::Destination,
) -> usize {
    to.len = INET_STORAGE_LEN as u32;
    // SAFETY: `buf` is writable for its length, `to.bytes` for its 28 bytes, `to.len`, a
    // writable `socklen_t`.
    unsafe {
        io::recvfrom(
            fd.as_raw_fd(),
            buf.as_mut_ptr(),
            buf.len(),
            flags,
            to.bytes.0.as_mut_ptr(),
            &mut to.len,
        )
    }
}

/// `accept4(fd, flags)` on an IP listener: the new connection's fd, with the peer's address
/// written to `from` (storage nothing zeroes).
#[inline(always)]
pub(crate) fn accept_inet(
    fd: &impl AsRawFd,
    flags: rustix::net::SocketFlags,
    from: &mut InetFrom,
) -> core::result::Result<OwnedFd, Errno> {
    accept_inet_then(fd, flags, from, Ok, |e, _| Err(e))
}

/// [`accept_inet`], its answer handed to `ok` or `err` (with `from` back): no `Result` of an
/// fd and an errno in between, which the compiler packs into one integer and unpacks again.
#[inline(always)]
pub(crate) fn accept_inet_then<T>(
    fd: &impl AsRawFd,
    flags: rustix::net::SocketFlags,
    from: &mut InetFrom,
    ok: impl FnOnce(OwnedFd) -> T,
    err: impl FnOnce(Errno, &mut InetFrom) -> T,
) -> T {
    // The kernel sets `from.len` to the address's true length: `bytes` caps it.
    from.len = INET_STORAGE_LEN as u32;
    // SAFETY: `from.storage` is writable for `from.len` bytes and `from.len` is a writable
    // `socklen_t`, both live across the call; the kernel writes at most `from.len` bytes of
    // address.
    let r = unsafe {
        io::accept4(
            fd,
            from.storage.as_mut_ptr().cast(),
            &mut from.len,
            flags.bits(),
        )
    };
    io::new_fd_then(r, ok, |e| {
        // Nothing was written: no address.
        from.len = 0;
        err(e, from)
    })
}

/// A `sendto` or `recvfrom` to make (again), as its arguments: what the slow paths of the
/// sends and receives retry, so that they share one retry loop (`send` and `recv` are these
/// calls without an address). It holds the borrows it was made from for `'a`.
pub(crate) struct Call<'a> {
    /// Whether it is a `recvfrom` (else a `sendto`).
    receive: bool,
    fd: RawFd,
    buf: *mut u8,
    len: usize,
    flags: u32,
    /// The `sockaddr` bytes to send to, or room for the sender's; null for none.
    addr: *mut u8,
    /// `sendto`: the address's length; `recvfrom` with an address: its room.
    addr_len: u32,
    /// `recvfrom` with an address: where the length the kernel gave goes; else null.
    got_len: *mut u32,
    _borrows: core::marker::PhantomData<(&'a mut [u8], BorrowedFd<'a>)>,
}

impl<'a> Call<'a> {
    /// `send(fd, buf, flags)`, as `sendto` to no address.
    #[inline(always)]
    pub(crate) fn send(fd: &'a OwnedFd, buf: &'a [u8], flags: u32) -> Call<'a> {
        Call::sendto(fd, buf, flags, &[])
    }

    /// `sendto(fd, buf, flags, to)`, `to` the bytes of a `sockaddr` (none if empty).
    #[inline(always)]
    pub(crate) fn sendto(fd: &'a OwnedFd, buf: &'a [u8], flags: u32, to: &'a [u8]) -> Call<'a> {
        Call {
            receive: false,
            fd: fd.as_raw_fd(),
            // Only read: sendto does not write to its buffer.
            buf: buf.as_ptr().cast_mut(),
            len: buf.len(),
            flags,
            addr: if to.is_empty() {
                core::ptr::null_mut()
            } else {
                to.as_ptr().cast_mut()
            },
            addr_len: to.len() as u32,
            got_len: core::ptr::null_mut(),
            _borrows: core::marker::PhantomData,
        }
    }

    /// `recv(fd, buf, flags)`, as `recvfrom` without an address.
    #[inline(always)]
    pub(crate) fn recv(fd: &'a OwnedFd, buf: &'a mut [u8], flags: u32) -> Call<'a> {
        Call {
            receive: true,
            fd: fd.as_raw_fd(),
            buf: buf.as_mut_ptr(),
            len: buf.len(),
            flags,
            addr: core::ptr::null_mut(),
            addr_len: 0,
            got_len: core::ptr::null_mut(),
            _borrows: core::marker::PhantomData,
        }
    }

    /// [`recvfrom_inet`]: the sender goes to `from`.
    #[inline(always)]
    pub(crate) fn recvfrom_inet(
        fd: &'a OwnedFd,
        buf: &'a mut [u8],
        flags: u32,
        from: &'a mut InetFrom,
    ) -> Call<'a> {
        let mut call = Call::recv(fd, buf, flags);
        let from: *mut InetFrom = from;
        // SAFETY: `from` comes from a live `&mut InetFrom`, borrowed for `'a`: the two field
        // pointers (no references made) stay valid as long as the call.
        unsafe {
            call.addr = core::ptr::addr_of_mut!((*from).storage).cast();
            call.got_len = core::ptr::addr_of_mut!((*from).len);
        }
        call.addr_len = INET_STORAGE_LEN as u32;
        call
    }

    /// [`recvfrom_encoded`]: the sender goes to `to`, its length to `to.len`.
    #[inline(always)]
    pub(crate) fn recvfrom_encoded(
        fd: &'a OwnedFd,
        buf: &'a mut [u8],
        flags: u32,
        to: &'a mut crate::Destination,
    ) -> Call<'a> {
        let mut call = Call::recv(fd, buf, flags);
        call.addr = to.bytes.0.as_mut_ptr();
        call.addr_len = INET_STORAGE_LEN as u32;
        call.got_len = &mut to.len;
        call
    }

    /// Whether the call receives (else it sends).
    #[inline(always)]
    pub(crate) fn receives(&self) -> bool {
        self.receive
    }

    /// Makes the call: the byte count the kernel returned (for a receive with `MSG_TRUNC`, the
    /// message's true length, which may be more than the buffer holds).
    #[inline(never)]
    pub(crate) fn make(&mut self) -> core::result::Result<usize, Errno> {
        if !self.receives() {
            // SAFETY: the pointers come from the borrows the constructors took, alive for
            // `'a`: `buf` readable for `len` bytes; `addr` null (with 0) or readable for
            // `addr_len` bytes.
            return unsafe {
                io::sendto(
                    self.fd,
                    self.buf,
                    self.len,
                    self.flags,
                    self.addr,
                    self.addr_len as usize,
                )
            };
        }
        let mut len = self.addr_len;
        let len_ptr = if self.got_len.is_null() {
            core::ptr::null_mut()
        } else {
            &mut len as *mut u32
        };
        // SAFETY: the pointers come from the borrows the constructors took, alive for `'a`:
        // `buf` writable for `len` bytes; `addr` null (and `len_ptr` with it) or writable for
        // `addr_len` bytes, with `len_ptr` pointing to `len`, a writable `socklen_t` on this
        // stack.
        let r =
            unsafe { io::recvfrom(self.fd, self.buf, self.len, self.flags, self.addr, len_ptr) };
        let got = syscalls::Errno::from_ret(r).map_err(super::errno)?;
        if !self.got_len.is_null() {
            // SAFETY: `got_len` points to the length beside the address's room (an
            // `InetFrom`'s or a `Destination`'s), borrowed for `'a`; the kernel
            // wrote `len` bytes of address to the room (at most its size: `len` may be more,
            // the address's true length, which the readers check or cap).
            unsafe { *self.got_len = len };
        }
        Ok(got)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::codec::decode;
    use core::net::{Ipv4Addr, Ipv6Addr};

    /// Encodes through the same `SocketAddrArg` path the syscalls use.
    fn encode(a: &SockAddr) -> ([u8; 128], usize) {
        let mut out = [0u8; 128];
        // SAFETY: the closure reads exactly `len` bytes from `ptr`, as the trait promises.
        let len = unsafe {
            a.with_sockaddr(|ptr, len| {
                core::ptr::copy_nonoverlapping(ptr.cast::<u8>(), out.as_mut_ptr(), len as usize);
                len as usize
            })
        };
        (out, len)
    }

    #[test]
    fn golden_v4() {
        let a = SockAddr::from(SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 0x1234));
        let (b, len) = encode(&a);
        assert_eq!(len, 16);
        assert_eq!(&b[..2], &(k::AF_INET as u16).to_ne_bytes());
        assert_eq!(&b[2..8], &[0x12, 0x34, 192, 0, 2, 1]);
        assert_eq!(decode(&b[..len]), Ok(a));
    }

    #[test]
    fn golden_v6() {
        let ip = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
        let a = SockAddr::from(SocketAddrV6::new(ip, 443, 0x000a_bcde, 7));
        let (b, len) = encode(&a);
        assert_eq!(len, 28);
        assert_eq!(&b[2..4], &[0x01, 0xbb]);
        assert_eq!(&b[4..8], &[0x00, 0x0a, 0xbc, 0xde]);
        assert_eq!(&b[8..24], &ip.octets());
        assert_eq!(&b[24..28], &7u32.to_ne_bytes());
        assert_eq!(decode(&b[..len]), Ok(a));
    }

    #[test]
    fn own_inet_encoding_matches_rustix() {
        let v6 = SocketAddrV6::new(
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
            443,
            0x000a_bcde,
            7,
        );
        let v4 = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 0x1234);
        for a in [
            core::net::SocketAddr::from(v4),
            core::net::SocketAddr::from(v6),
        ] {
            let (want, len) = encode(&SockAddr::from(a));
            let ours = crate::addr::Encoded::new(&a);
            assert_eq!(ours.sockaddr(a.is_ipv4()), &want[..len]);
            assert_eq!(ours.family_and_sockaddr().1, &want[..len]);
        }
    }

    #[test]
    fn golden_unix() {
        let a = SockAddr::from(UnixAddr::new(b"/tmp/s").unwrap());
        let (b, len) = encode(&a);
        assert_eq!(len, 2 + 6);
        assert_eq!(&b[2..8], b"/tmp/s");
        assert_eq!(decode(&b[..len]), Ok(a));
        let a = SockAddr::from(UnixAddr::new_abstract(b"x\0y").unwrap());
        let (b, len) = encode(&a);
        assert_eq!(&b[2..len], b"\0x\0y");
        assert_eq!(decode(&b[..len]), Ok(a));
        let a = SockAddr::from(UnixAddr::unnamed());
        assert_eq!(encode(&a).1, 2);
        assert_eq!(decode(&(k::AF_UNIX as u16).to_ne_bytes()), Ok(a));
    }
}
