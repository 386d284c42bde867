//! Socket addresses to and from the kernel's bytes.
//!
//! IPv4 and IPv6 use rustix's own `SocketAddrArg` impls. Unix addresses are written here as a
//! `sockaddr_un` (linux/un.h). Decoding is [`decode`], a pure function over bytes, so that it can
//! be tested and fuzzed without a kernel.

use core::mem::size_of;
use core::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

use linux_raw_sys::net as k;
use rustix::net::addr::{SocketAddrArg, SocketAddrLen, SocketAddrOpaque};
use rustix::net::SocketAddrAny;

use crate::{CanAddr, Error, LinkAddr, Result, SockAddr, UnixAddr};

/// `struct sockaddr_un` (linux/un.h). `sun_path` as bytes: the kernel's `c_char` is signed on
/// some targets, but it is only ever copied.
#[repr(C)]
struct SockaddrUn {
    sun_family: u16,
    sun_path: [u8; crate::UNIX_PATH_MAX],
}

/// The family field's size (`sa_family_t`).
const FAMILY_LEN: usize = size_of::<u16>();

// SAFETY: `with_sockaddr` calls `f` with a pointer to a `sockaddr_un` on its stack, alive for
// the whole call, and a length (2 + the meaningful `sun_path` bytes, at most 110) within it.
unsafe impl SocketAddrArg for UnixAddr {
    unsafe fn with_sockaddr<R>(
        &self,
        f: impl FnOnce(*const SocketAddrOpaque, SocketAddrLen) -> R,
    ) -> R {
        let sa = SockaddrUn {
            sun_family: k::AF_UNIX as u16,
            sun_path: *self.raw_sun_path(),
        };
        let len = (FAMILY_LEN + self.sun_path().len()) as SocketAddrLen;
        f((&sa as *const SockaddrUn).cast(), len)
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

sockaddr_from_bytes!(CanAddr);

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
                SockAddr::Other(a) => a.with_sockaddr(f),
            }
        }
    }
}

/// The bytes of an address rustix received.
pub(crate) fn any_bytes(any: &SocketAddrAny) -> &[u8] {
    let len = (any.addr_len() as usize).min(size_of::<rustix::net::addr::SocketAddrStorage>());
    // SAFETY: `SocketAddrAny` holds a `SocketAddrStorage` whose first `addr_len()` bytes the
    // kernel wrote (its constructor's contract); the length is capped at the storage's size.
    unsafe { core::slice::from_raw_parts(any.as_ptr().cast::<u8>(), len) }
}

/// Decodes an IPv4 or IPv6 `sockaddr` from the kernel's bytes: `None` for another family,
/// [`Error::MalformedAddress`] for a length too short for its family.
#[inline]
pub(crate) fn decode_inet(bytes: &[u8]) -> Option<Result<SocketAddr>> {
    let &[f0, f1] = bytes.first_chunk::<2>()?;
    let family = u16::from_ne_bytes([f0, f1]);
    let malformed = || {
        Err(Error::MalformedAddress {
            family,
            len: bytes.len() as u32,
        })
    };
    match u32::from(family) {
        k::AF_INET => {
            let Some(b) = bytes.first_chunk::<8>() else {
                return Some(malformed());
            };
            Some(Ok(v4(b).into()))
        }
        k::AF_INET6 => {
            let Some(b) = bytes.first_chunk::<28>() else {
                return Some(malformed());
            };
            Some(Ok(v6(b).into()))
        }
        _ => None,
    }
}

/// A `sockaddr_in`'s address: family, port (be16), address (4); the padding is not read.
#[inline(always)]
fn v4(b: &[u8; 8]) -> SocketAddrV4 {
    let port = u16::from_be_bytes([b[2], b[3]]);
    SocketAddrV4::new(Ipv4Addr::new(b[4], b[5], b[6], b[7]), port)
}

/// A `sockaddr_in6`'s address: family, port (be16), flowinfo (be32), address (16), scope id.
#[inline(always)]
fn v6(b: &[u8; 28]) -> SocketAddrV6 {
    let port = u16::from_be_bytes([b[2], b[3]]);
    let flowinfo = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
    let mut ip = [0u8; 16];
    ip.copy_from_slice(&b[8..24]);
    // One 16-byte value, not 16 bytes: keeps the merge with the IPv4 path in few registers.
    let ip = Ipv6Addr::from_bits(u128::from_be_bytes(ip));
    let scope_id = u32::from_ne_bytes([b[24], b[25], b[26], b[27]]);
    SocketAddrV6::new(ip, port, flowinfo, scope_id)
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

/// `sizeof(struct sockaddr_in6)`, the larger IP address.
const INET_STORAGE_LEN: usize = 28;
/// `sizeof(struct sockaddr_in)`.
const SOCKADDR_IN_LEN: u32 = 16;
/// `sizeof(struct sockaddr_in6)`.
const SOCKADDR_IN6_LEN: u32 = INET_STORAGE_LEN as u32;

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

    /// The sender: an IPv4 or IPv6 address; [`Error::MissingAddress`] when the kernel gave
    /// none, [`Error::MalformedAddress`] for anything else (an IP socket gets nothing else).
    ///
    /// Decoded in place, and all in registers: a `sockaddr_in` costs one length and one
    /// family compare. (The same answers as [`decode_inet`] for the two lengths.)
    #[inline(always)]
    pub(crate) fn addr(&self) -> Result<SocketAddr> {
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

/// The error for a sender that is not a plain IP address: `bytes` as the kernel wrote them
/// (capped at the room), `len` the length it gave. [`Error::MissingAddress`] for none, else
/// [`Error::MalformedAddress`] with the family where the kernel wrote one (0 under 2 bytes).
pub(crate) fn odd_sender(bytes: &[u8], len: u32) -> Error {
    let family = match bytes.first_chunk::<2>() {
        Some(&f) => u16::from_ne_bytes(f),
        None => 0,
    };
    match len {
        0 => Error::MissingAddress,
        len => Error::MalformedAddress { family, len },
    }
}

/// `recvfrom(fd, buf, flags)` on an IP socket: the kernel's count, which with `MSG_TRUNC` in
/// `flags` is the datagram's true length and may exceed `buf.len()` (the caller reports that);
/// the sender goes to `from`, written by the kernel into storage nothing zeroes.
#[inline(always)]
pub(crate) fn recvfrom_inet(
    fd: &impl rustix::fd::AsRawFd,
    buf: &mut [u8],
    flags: u32,
    from: &mut InetFrom,
) -> core::result::Result<usize, rustix::io::Errno> {
    // The kernel sets `from.len` to the address's true length (0 for none): `bytes` caps it.
    from.len = INET_STORAGE_LEN as u32;
    // SAFETY: `from.storage` is writable for `from.len` bytes (its size).
    let r = unsafe {
        recvfrom_into_room(
            fd,
            buf,
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

/// `recvfrom(fd, buf, flags, addr, len)`: the sender written to `addr`, its true length to
/// `len`, which holds the room on entry; the kernel's answer as it is (as `io::recv_raw`
/// gives it).
///
/// # Safety
///
/// `addr` must be writable for `*len` bytes.
#[inline(always)]
unsafe fn recvfrom_into_room(
    fd: &impl rustix::fd::AsRawFd,
    buf: &mut [u8],
    flags: u32,
    addr: *mut u8,
    len: &mut u32,
) -> usize {
    // SAFETY: `buf` is writable for its length, `addr` for `*len` bytes (the caller's
    // promise; the kernel writes at most that many), and `len` is a writable `socklen_t`, all
    // live across the call.
    unsafe {
        syscalls::raw::syscall6(
            syscalls::Sysno::recvfrom as usize,
            fd.as_raw_fd() as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
            flags as usize,
            addr as usize,
            len as *mut u32 as usize,
        )
    }
}

/// `recvfrom(fd, buf, flags)` on an IP socket with the sender written into `to` (its bytes
/// and length): the kernel's answer as it is (a count, or an errno negated: see
/// `io::recv_raw`). `to.len` is set to the room, 28, before the call: after it, the address's
/// true length if the call succeeded, and still 28 if not (the caller checks or restores it).
#[inline(always)]
pub(crate) fn recvfrom_encoded(
    fd: &impl rustix::fd::AsRawFd,
    buf: &mut [u8],
    flags: u32,
    to: &mut crate::Destination,
) -> usize {
    to.len = INET_STORAGE_LEN as u32;
    // SAFETY: `to.bytes` is writable for its 28 bytes, `to.len`.
    unsafe { recvfrom_into_room(fd, buf, flags, to.bytes.0.as_mut_ptr(), &mut to.len) }
}

/// `accept4(fd, flags)` on an IP listener: the new connection's fd, with the peer's address
/// written to `from` (storage nothing zeroes).
#[inline(always)]
pub(crate) fn accept_inet(
    fd: &impl rustix::fd::AsRawFd,
    flags: rustix::net::SocketFlags,
    from: &mut InetFrom,
) -> core::result::Result<rustix::fd::OwnedFd, rustix::io::Errno> {
    accept_inet_then(fd, flags, from, Ok, |e, _| Err(e))
}

/// [`accept_inet`], its answer handed to `ok` or `err` (with `from` back): no `Result` of an
/// fd and an errno in between, which the compiler packs into one integer and unpacks again.
#[inline(always)]
pub(crate) fn accept_inet_then<T>(
    fd: &impl rustix::fd::AsRawFd,
    flags: rustix::net::SocketFlags,
    from: &mut InetFrom,
    ok: impl FnOnce(rustix::fd::OwnedFd) -> T,
    err: impl FnOnce(rustix::io::Errno, &mut InetFrom) -> T,
) -> T {
    // The kernel sets `from.len` to the address's true length: `bytes` caps it.
    from.len = INET_STORAGE_LEN as u32;
    // SAFETY: `from.storage` is writable for `from.len` bytes and `from.len` is a writable
    // `socklen_t`, both live across the call; the kernel writes at most `from.len` bytes of
    // address.
    let r = unsafe {
        syscalls::raw::syscall4(
            syscalls::Sysno::accept4 as usize,
            fd.as_raw_fd() as usize,
            from.storage.as_mut_ptr() as usize,
            &mut from.len as *mut u32 as usize,
            flags.bits() as usize,
        )
    };
    super::io::new_fd_then(r, ok, |e| {
        // Nothing was written: no address.
        from.len = 0;
        err(e, from)
    })
}

/// `struct sockaddr_in6` (linux/in6.h), its multi-byte fields as the kernel's bytes.
#[repr(C)]
struct SockaddrIn6 {
    family: u16,
    port: [u8; 2],
    flowinfo: [u8; 4],
    addr: [u8; 16],
    scope_id: [u8; 4],
}

const _: () = assert!(size_of::<SockaddrIn6>() == INET_STORAGE_LEN);

/// An IPv4 address as the kernel reads it (`struct sockaddr_in`, linux/in.h): family, port
/// (be16), address, 8 zero bytes. Built as one 16-byte integer: written with one or two
/// stores, where field by field it would take four.
#[inline(always)]
pub(crate) const fn sockaddr_in(a: &SocketAddrV4) -> [u8; SOCKADDR_IN_LEN as usize] {
    let [f0, f1] = (k::AF_INET as u16).to_ne_bytes();
    let [p0, p1] = a.port().to_be_bytes();
    let [i0, i1, i2, i3] = a.ip().octets();
    let head = u64::from_ne_bytes([f0, f1, p0, p1, i0, i1, i2, i3]);
    // `head` in the first 8 bytes in memory, zeros after.
    #[cfg(target_endian = "little")]
    let whole = head as u128;
    #[cfg(target_endian = "big")]
    let whole = (head as u128) << 64;
    whole.to_ne_bytes()
}

/// An IPv6 address as the kernel reads it: one struct, copied whole.
pub(crate) const fn sockaddr_in6(a: &SocketAddrV6) -> [u8; INET_STORAGE_LEN] {
    let sa = SockaddrIn6 {
        family: k::AF_INET6 as u16,
        port: a.port().to_be_bytes(),
        flowinfo: a.flowinfo().to_be_bytes(),
        addr: a.ip().octets(),
        scope_id: a.scope_id().to_ne_bytes(),
    };
    // SAFETY: `SockaddrIn6` is `repr(C)`, 28 bytes (checked above) without padding (2 + 2 + 4
    // + 16 + 4, aligned to 2), every byte of it initialized: any bytes are a `[u8; 28]`.
    unsafe { core::mem::transmute::<SockaddrIn6, [u8; INET_STORAGE_LEN]>(sa) }
}

/// `bind(fd, addr)` for an IP address, encoded here.
pub(crate) fn bind_inet(
    fd: &rustix::fd::OwnedFd,
    addr: &SocketAddr,
) -> core::result::Result<(), rustix::io::Errno> {
    use rustix::fd::AsRawFd;
    let sa = crate::addr::Encoded::new(addr);
    let len = if addr.is_ipv4() {
        SOCKADDR_IN_LEN
    } else {
        SOCKADDR_IN6_LEN
    };
    // SAFETY: `sa` is readable for `len` bytes (16 or 28, within its 28), live across the
    // call; bind only reads it.
    let r = unsafe {
        syscalls::syscall3(
            syscalls::Sysno::bind,
            fd.as_raw_fd() as usize,
            sa.0.as_ptr() as usize,
            len as usize,
        )
    };
    r.map(drop).map_err(super::errno)
}

/// A `sendto` or `recvfrom` to make (again), as its arguments: what the slow paths of the
/// sends and receives retry, so that they share one retry loop (`send` and `recv` are these
/// calls without an address). It holds the borrows it was made from for `'a`.
pub(crate) struct Call<'a> {
    nr: syscalls::Sysno,
    fd: rustix::fd::RawFd,
    buf: *mut u8,
    len: usize,
    flags: u32,
    /// The `sockaddr` bytes to send to, or room for the sender's; null for none.
    addr: *mut u8,
    /// `sendto`: the address's length; `recvfrom` with an address: its room.
    addr_len: u32,
    /// `recvfrom` with an address: where the length the kernel gave goes; else null.
    got_len: *mut u32,
    _borrows: core::marker::PhantomData<(&'a mut [u8], rustix::fd::BorrowedFd<'a>)>,
}

impl<'a> Call<'a> {
    /// `send(fd, buf, flags)`, as `sendto` to no address.
    #[inline(always)]
    pub(crate) fn send(fd: &'a rustix::fd::OwnedFd, buf: &'a [u8], flags: u32) -> Call<'a> {
        Call::sendto(fd, buf, flags, &[])
    }

    /// `sendto(fd, buf, flags, to)`, `to` the bytes of a `sockaddr` (none if empty).
    #[inline(always)]
    pub(crate) fn sendto(
        fd: &'a rustix::fd::OwnedFd,
        buf: &'a [u8],
        flags: u32,
        to: &'a [u8],
    ) -> Call<'a> {
        use rustix::fd::AsRawFd;
        Call {
            nr: syscalls::Sysno::sendto,
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
    pub(crate) fn recv(fd: &'a rustix::fd::OwnedFd, buf: &'a mut [u8], flags: u32) -> Call<'a> {
        use rustix::fd::AsRawFd;
        Call {
            nr: syscalls::Sysno::recvfrom,
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
        fd: &'a rustix::fd::OwnedFd,
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
        fd: &'a rustix::fd::OwnedFd,
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
        self.nr == syscalls::Sysno::recvfrom
    }

    /// Makes the call: the byte count the kernel returned (for a receive with `MSG_TRUNC`, the
    /// message's true length, which may be more than the buffer holds).
    #[inline(never)]
    pub(crate) fn make(&mut self) -> core::result::Result<usize, rustix::io::Errno> {
        let mut len = self.addr_len;
        let last = if self.got_len.is_null() {
            len as usize
        } else {
            &mut len as *mut u32 as usize
        };
        // SAFETY: the pointers come from the borrows the constructors took, alive for `'a`:
        // `buf` readable (sendto) or writable (recvfrom) for `len` bytes; `addr` null or
        // readable (sendto) or writable (recvfrom) for `addr_len` bytes; for a receive with an
        // address, `last` points to `len`, a writable `socklen_t` on this stack.
        let r = unsafe {
            syscalls::syscall6(
                self.nr,
                self.fd as usize,
                self.buf as usize,
                self.len,
                self.flags as usize,
                self.addr as usize,
                last,
            )
        };
        let got = r.map_err(super::errno)?;
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

/// Decodes a `sockaddr` of any supported family from the kernel's bytes.
///
/// Fails with [`Error::MalformedAddress`] when the length does not fit the family, and
/// [`Error::UnsupportedAddress`] for a family this crate does not decode. Never panics. (The
/// receives keep such bytes instead, as [`SockAddr::Other`]: `addr::decode_or_raw`.)
pub fn decode(bytes: &[u8]) -> Result<SockAddr> {
    if let Some(inet) = decode_inet(bytes) {
        return inet.map(SockAddr::from);
    }
    let malformed = |family: u16| Error::MalformedAddress {
        family,
        len: bytes.len() as u32,
    };
    let Some(&[f0, f1]) = bytes.first_chunk::<2>() else {
        return Err(malformed(0));
    };
    let family = u16::from_ne_bytes([f0, f1]);
    match u32::from(family) {
        k::AF_UNIX => UnixAddr::from_kernel(&bytes[FAMILY_LEN..])
            .map(SockAddr::Unix)
            .ok_or(malformed(family)),
        k::AF_CAN => CanAddr::from_bytes(bytes)
            .map(SockAddr::Can)
            .ok_or(malformed(family)),
        k::AF_PACKET => LinkAddr::from_bytes(bytes)
            .map(SockAddr::Packet)
            .ok_or(malformed(family)),
        _ => Err(Error::UnsupportedAddress { family }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockaddr_in_is_the_kernel_struct() {
        let a = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 7), 0x1234);
        let mut want = [0u8; 16];
        want[..2].copy_from_slice(&(k::AF_INET as u16).to_ne_bytes());
        want[2..4].copy_from_slice(&[0x12, 0x34]);
        want[4..8].copy_from_slice(&[192, 0, 2, 7]);
        assert_eq!(sockaddr_in(&a), want);
        assert_eq!(
            &crate::addr::Encoded::new(&a.into()).0[..16],
            &want[..],
            "the same bytes as a Destination's"
        );
    }

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
    fn layout_matches_uapi() {
        assert_eq!(size_of::<SockaddrUn>(), size_of::<k::sockaddr_un>());
        assert_eq!(
            core::mem::offset_of!(SockaddrUn, sun_path),
            core::mem::offset_of!(k::sockaddr_un, sun_path)
        );
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
        for a in [SocketAddr::from(v4), SocketAddr::from(v6)] {
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

    #[test]
    fn bad_bytes_are_named_errors() {
        assert_eq!(
            decode(&[]),
            Err(Error::MalformedAddress { family: 0, len: 0 })
        );
        assert_eq!(
            decode(&[2]),
            Err(Error::MalformedAddress { family: 0, len: 1 })
        );
        let inet = (k::AF_INET as u16).to_ne_bytes();
        assert_eq!(
            decode(&[inet[0], inet[1], 0, 80]),
            Err(Error::MalformedAddress {
                family: k::AF_INET as u16,
                len: 4
            })
        );
        let mut v6 = [0u8; 27];
        v6[..2].copy_from_slice(&(k::AF_INET6 as u16).to_ne_bytes());
        assert!(matches!(
            decode(&v6),
            Err(Error::MalformedAddress { len: 27, .. })
        ));
        let mut un = [0u8; 111];
        un[..2].copy_from_slice(&(k::AF_UNIX as u16).to_ne_bytes());
        assert!(matches!(
            decode(&un),
            Err(Error::MalformedAddress { len: 111, .. })
        ));
        let nl = (k::AF_NETLINK as u16).to_ne_bytes();
        assert_eq!(
            decode(&[nl[0], nl[1], 0, 0]),
            Err(Error::UnsupportedAddress {
                family: k::AF_NETLINK as u16
            })
        );
    }

    /// Found by the `sockaddr` fuzz target (fuzz/findings/sockaddr-unix-longer-than-sockaddr_un):
    /// a path name that ends at a NUL decoded even when the length is past `sockaddr_un`
    /// (110 bytes); `decode` promises `MalformedAddress` for a length that does not fit the
    /// family (as it does for an abstract name of that length). The one such length the
    /// kernel gives, a 108-byte path and the NUL it appends (111 bytes), still decodes.
    #[test]
    fn unix_longer_than_sockaddr_un_is_malformed() {
        let mut un = [0u8; 111];
        un[..2].copy_from_slice(&(k::AF_UNIX as u16).to_ne_bytes());
        un[2] = b'a';
        let malformed = |len| {
            Err(Error::MalformedAddress {
                family: k::AF_UNIX as u16,
                len,
            })
        };
        assert_eq!(decode(&un), malformed(111));
        // 108 bytes of path and the kernel's NUL: what getsockname gives for a full path.
        un[2..110].fill(b'p');
        let full = SockAddr::from(UnixAddr::new(&[b'p'; 108]).unwrap());
        assert_eq!(decode(&un), Ok(full));
        // Anything past that NUL, or in its place, does not fit.
        let mut long = [b'p'; 112];
        long[..2].copy_from_slice(&(k::AF_UNIX as u16).to_ne_bytes());
        long[110] = 0;
        assert_eq!(decode(&long), malformed(112));
        assert_eq!(decode(&long[..111]), Ok(full));
        long[110] = b'p';
        assert_eq!(decode(&long[..111]), malformed(111));
    }
}
