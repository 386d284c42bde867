//! `sendmsg(2)` and `recvmsg(2)` with caller buffers, through the `syscalls` crate: rustix's
//! own `recvmsg` drops control messages it does not know, and it has no `recvmmsg`.
//!
//! Control messages are parsed here from the raw bytes with unaligned reads, so a caller's
//! buffer needs no particular alignment. Received fds (`SCM_RIGHTS`) are owned by
//! [`Received`], which only [`recvmsg`] can make: each fd is handed out once, as an `OwnedFd`,
//! and any not taken is closed when the `Received` is dropped.

use core::mem::{size_of, MaybeUninit};

use linux_raw_sys::net as k;
use rustix::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use rustix::io::{Errno, IoSlice, IoSliceMut};
use rustix::net::addr::{SocketAddrArg, SocketAddrStorage};
use syscalls::Sysno;

/// `struct iovec`: a base pointer and a length. rustix's `IoSlice`/`IoSliceMut` have this
/// layout (they are `std`'s, or rustix's own `iovec` twin, under `no_std`).
#[repr(C)]
struct Iovec {
    base: *mut u8,
    len: usize,
}

/// `struct user_msghdr` (linux/socket.h).
#[repr(C)]
struct Msghdr {
    name: *mut u8,
    namelen: i32,
    iov: *mut Iovec,
    iovlen: usize,
    control: *mut u8,
    controllen: usize,
    flags: u32,
}

/// Size of `struct cmsghdr`: `size_t cmsg_len; int cmsg_level; int cmsg_type;`.
pub(crate) const CMSG_HDR: usize = size_of::<usize>() + 2 * size_of::<i32>();

/// `CMSG_ALIGN`: control messages are aligned to `size_t`.
pub(crate) const fn cmsg_align(len: usize) -> usize {
    (len + size_of::<usize>() - 1) & !(size_of::<usize>() - 1)
}

/// What `recvmsg` said, besides the data.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RawRecv {
    /// The return value: bytes received, or the true length with `MSG_TRUNC`.
    pub(crate) len: usize,
    /// The address length the kernel wrote (0: none).
    pub(crate) namelen: u32,
    /// Bytes of control messages the kernel wrote.
    pub(crate) controllen: usize,
    /// `msg_flags`.
    pub(crate) flags: u32,
    /// The buffers' total length.
    pub(crate) capacity: usize,
}

/// The total length of vectored buffers, read through their `struct iovec` layout (rustix's
/// `no_std` `IoSliceMut` has no `len`).
fn capacity(bufs: &[IoSliceMut<'_>]) -> usize {
    // SAFETY: `IoSliceMut` is laid out as `struct iovec` (rustix guarantees it: it is passed to
    // the kernel as one), so the slice can be read as a slice of `Iovec`s of the same length.
    let iovs = unsafe { core::slice::from_raw_parts(bufs.as_ptr().cast::<Iovec>(), bufs.len()) };
    iovs.iter().map(|v| v.len).fold(0, usize::saturating_add)
}

#[inline]
fn errno(r: Result<usize, syscalls::Errno>) -> rustix::io::Result<usize> {
    r.map_err(|e| Errno::from_raw_os_error(e.into_raw()))
}

/// `recvmsg(fd, ...)` into the caller's buffers; the sender's address into `name`.
/// On an error the call asks `retry` (the socket's timeout policy) whether to try again: `Ok`
/// retries, `Err` returns it. If the kernel cut the control messages (`MSG_CTRUNC`), the fds
/// that did arrive are closed before this returns.
pub(crate) fn recvmsg<'c>(
    fd: BorrowedFd<'_>,
    bufs: &mut [IoSliceMut<'_>],
    name: &mut MaybeUninit<SocketAddrStorage>,
    control: &'c mut [u8],
    flags: u32,
    mut retry: impl FnMut(Errno) -> crate::Result<()>,
) -> crate::Result<(RawRecv, Received<'c>)> {
    let cap = capacity(bufs);
    let raw = loop {
        let mut hdr = Msghdr {
            name: name.as_mut_ptr().cast(),
            namelen: size_of::<SocketAddrStorage>() as i32,
            iov: bufs.as_mut_ptr().cast(),
            iovlen: bufs.len(),
            control: control.as_mut_ptr(),
            controllen: control.len(),
            flags: 0,
        };
        // SAFETY: every pointer in `hdr` points to memory writable for its length (the iovecs
        // are `IoSliceMut`s over live `&mut [u8]`, laid out as `struct iovec`), all of it alive
        // and not otherwise borrowed during the call.
        let r = unsafe {
            syscalls::syscall3(
                Sysno::recvmsg,
                fd.as_raw_fd() as usize,
                &mut hdr as *mut Msghdr as usize,
                flags as usize,
            )
        };
        match errno(r) {
            Ok(len) => {
                let controllen = hdr.controllen.min(control.len());
                break RawRecv {
                    len,
                    namelen: hdr.namelen.max(0) as u32,
                    controllen,
                    flags: hdr.flags,
                    capacity: cap,
                };
            }
            Err(e) => retry(e)?,
        }
    };
    let mut received = Received {
        buf: &mut control[..raw.controllen],
    };
    if raw.flags & k::MSG_CTRUNC != 0 {
        received.close_fds();
    }
    Ok((raw, received))
}

/// `sendmsg(fd, ...)` of the caller's buffers, control messages and optional address.
/// `MSG_NOSIGNAL` is always added.
pub(crate) fn sendmsg<A: SocketAddrArg>(
    fd: BorrowedFd<'_>,
    bufs: &[IoSlice<'_>],
    addr: Option<&A>,
    control: &[u8],
    flags: u32,
) -> rustix::io::Result<usize> {
    let call = |name: *const u8, namelen: u32| {
        let hdr = Msghdr {
            name: name.cast_mut(),
            namelen: namelen as i32,
            iov: bufs.as_ptr().cast_mut().cast(),
            iovlen: bufs.len(),
            control: control.as_ptr().cast_mut(),
            controllen: control.len(),
            flags: 0,
        };
        // SAFETY: every pointer in `hdr` points to memory readable for its length, alive for
        // the call; the kernel only reads through them for `sendmsg`.
        let r = unsafe {
            syscalls::syscall3(
                Sysno::sendmsg,
                fd.as_raw_fd() as usize,
                &hdr as *const Msghdr as usize,
                (flags | k::MSG_NOSIGNAL) as usize,
            )
        };
        errno(r)
    };
    match addr {
        // SAFETY: `with_sockaddr` gives a pointer valid for `len` bytes during the closure.
        Some(a) => unsafe { a.with_sockaddr(|p, len| call(p.cast(), len)) },
        None => call(core::ptr::null(), 0),
    }
}

/// The bytes of a received address: `namelen` of them, capped at the storage's size.
pub(crate) fn name_bytes(name: &MaybeUninit<SocketAddrStorage>, namelen: u32) -> &[u8] {
    let len = (namelen as usize).min(size_of::<SocketAddrStorage>());
    // SAFETY: the kernel wrote `namelen` bytes of the storage (recvmsg's contract); the
    // length is capped at the storage's size.
    unsafe { core::slice::from_raw_parts(name.as_ptr().cast::<u8>(), len) }
}

/// One control message: its level, type and data.
pub(crate) struct RawCmsg<'a> {
    pub(crate) level: i32,
    pub(crate) ty: i32,
    pub(crate) data: &'a [u8],
}

/// Reads the control message at the start of `buf`: it and the bytes after it, or `None` at
/// the end or at a header whose length does not fit (the kernel never writes one; a cut
/// message ends the walk rather than being read past).
pub(crate) fn split_cmsg(buf: &[u8]) -> Option<(RawCmsg<'_>, &[u8])> {
    let (len, level, ty) = read_header(buf)?;
    let data = buf.get(CMSG_HDR..len)?;
    let rest = buf.get(cmsg_align(len)..).unwrap_or_default();
    Some((RawCmsg { level, ty, data }, rest))
}

fn read_header(buf: &[u8]) -> Option<(usize, i32, i32)> {
    let h = buf.get(..CMSG_HDR)?;
    let (l, rest) = h.split_at(size_of::<usize>());
    let mut lb = [0u8; size_of::<usize>()];
    lb.copy_from_slice(l);
    let len = usize::from_ne_bytes(lb);
    let level = i32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]);
    let ty = i32::from_ne_bytes([rest[4], rest[5], rest[6], rest[7]]);
    (len >= CMSG_HDR).then_some((len, level, ty))
}

/// Appends a control message to `buf` at `*used`; `false` (and nothing written) if it does not
/// fit.
pub(crate) fn push_cmsg(
    buf: &mut [u8],
    used: &mut usize,
    level: i32,
    ty: i32,
    data: &[u8],
) -> bool {
    let len = CMSG_HDR + data.len();
    let Some(space) = buf.get_mut(*used..*used + cmsg_align(len)) else {
        return false;
    };
    space.fill(0);
    space[..size_of::<usize>()].copy_from_slice(&len.to_ne_bytes());
    space[size_of::<usize>()..][..4].copy_from_slice(&level.to_ne_bytes());
    space[size_of::<usize>() + 4..][..4].copy_from_slice(&ty.to_ne_bytes());
    space[CMSG_HDR..len].copy_from_slice(data);
    *used += cmsg_align(len);
    true
}

/// Control messages the kernel wrote, owning any fds they carry until taken.
pub(crate) struct Received<'c> {
    buf: &'c mut [u8],
}

/// The fd number written over a slot whose fd was taken or closed.
const TAKEN: RawFd = -1;

/// Borrows the fd in an `SCM_RIGHTS` slot of a [`Received`] buffer; `None` for a slot whose fd
/// was taken or closed.
pub(crate) fn borrow_fd(slot: &[u8; 4]) -> Option<BorrowedFd<'_>> {
    let fd = i32::from_ne_bytes(*slot);
    // SAFETY: slots reach here only from a `Received` buffer (through `msg::Fds`, which only
    // decoding a `Received` makes): `fd` is open and owned by that `Received`, which cannot
    // close it (that needs `&mut`) while this borrow of its bytes lives.
    (fd >= 0).then(|| unsafe { BorrowedFd::borrow_raw(fd) })
}

/// An fd's number, for an `SCM_RIGHTS` message to send.
pub(crate) fn raw_fd(fd: &BorrowedFd<'_>) -> RawFd {
    fd.as_raw_fd()
}

impl<'c> Received<'c> {
    /// Takes the first fd not yet taken, from any `SCM_RIGHTS` message.
    pub(crate) fn take_next_fd(&mut self) -> Option<OwnedFd> {
        let mut at = 0;
        while let Some((cm, rest)) = self.buf.get(at..).and_then(split_cmsg) {
            let (n, next) = (cm.data.len() / 4, self.buf.len() - rest.len());
            for i in 0..n {
                if let Some(fd) = self.take_fd(at, i) {
                    return Some(fd);
                }
            }
            at = next;
        }
        None
    }

    /// The bytes, for parsing. Taken fds read as -1.
    pub(crate) fn bytes(&self) -> &[u8] {
        self.buf
    }

    /// Takes the fd in slot `index` of the `SCM_RIGHTS` message that starts at byte `at` of
    /// the buffer; `None` if there is no such slot or it was taken.
    pub(crate) fn take_fd(&mut self, at: usize, index: usize) -> Option<OwnedFd> {
        let (cm, _) = split_cmsg(self.buf.get(at..)?)?;
        if cm.level != k::SOL_SOCKET as i32 || cm.ty != k::SCM_RIGHTS as i32 {
            return None;
        }
        let start = at + CMSG_HDR + index * 4;
        if index >= cm.data.len() / 4 {
            return None;
        }
        let slot: &mut [u8; 4] = self.buf.get_mut(start..start + 4)?.try_into().ok()?;
        let fd = i32::from_ne_bytes(*slot);
        if fd < 0 {
            return None;
        }
        *slot = TAKEN.to_ne_bytes();
        // SAFETY: the slot is in an SCM_RIGHTS message that `recvmsg` received into this
        // buffer, so the kernel installed `fd` in this process for us; nothing else knows it,
        // and the slot was overwritten above, so it is handed out once.
        Some(unsafe { OwnedFd::from_raw_fd(fd) })
    }

    /// Closes every fd not yet taken.
    pub(crate) fn close_fds(&mut self) {
        let mut at = 0;
        while let Some((cm, rest)) = self.buf.get(at..).and_then(split_cmsg) {
            let (n, next) = (cm.data.len() / 4, self.buf.len() - rest.len());
            for i in 0..n {
                if let Some(fd) = self.take_fd(at, i) {
                    super::fd::close(rustix::fd::IntoRawFd::into_raw_fd(fd));
                }
            }
            at = next;
        }
    }
}

impl Drop for Received<'_> {
    fn drop(&mut self) {
        self.close_fds();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmsg_layout_matches_uapi() {
        assert_eq!(size_of::<Mmsghdr>(), size_of::<k::mmsghdr>());
        assert_eq!(CMSG_HDR, size_of::<k::cmsghdr>());
        assert_eq!(size_of::<Msghdr>(), size_of::<k::msghdr>());
        assert_eq!(
            core::mem::offset_of!(Msghdr, flags),
            core::mem::offset_of!(k::msghdr, msg_flags)
        );
        assert_eq!(size_of::<Iovec>(), size_of::<IoSlice<'_>>());
    }

    #[test]
    fn push_and_split_round_trip() {
        let mut buf = [0u8; 64];
        let mut used = 0;
        assert!(push_cmsg(&mut buf, &mut used, 1, 2, &[9, 9, 9]));
        assert!(push_cmsg(&mut buf, &mut used, 41, 50, &[1; 20]));
        assert_eq!(used, cmsg_align(CMSG_HDR + 3) + cmsg_align(CMSG_HDR + 20));
        assert!(
            !push_cmsg(&mut buf, &mut used, 0, 0, &[0; 40]),
            "does not fit"
        );
        let (a, rest) = split_cmsg(&buf[..used]).unwrap();
        assert_eq!((a.level, a.ty, a.data), (1, 2, &[9, 9, 9][..]));
        let (b, rest) = split_cmsg(rest).unwrap();
        assert_eq!((b.level, b.ty, b.data.len()), (41, 50, 20));
        assert!(split_cmsg(rest).is_none());
    }

    #[test]
    fn bad_lengths_end_the_walk() {
        let mut buf = [0u8; 32];
        let mut used = 0;
        assert!(push_cmsg(&mut buf, &mut used, 1, 1, &[0; 4]));
        // A length past the buffer's end, and one shorter than a header.
        buf[..size_of::<usize>()].copy_from_slice(&1000usize.to_ne_bytes());
        assert!(split_cmsg(&buf[..used]).is_none());
        buf[..size_of::<usize>()].copy_from_slice(&3usize.to_ne_bytes());
        assert!(split_cmsg(&buf[..used]).is_none());
        assert!(split_cmsg(&buf[..5]).is_none());
    }
}

/// `MSG_WAITFORONE` (linux/socket.h), not in linux-raw-sys: `recvmmsg` waits for the first
/// message only.
pub(crate) const MSG_WAITFORONE: u32 = 0x10000;

/// `struct mmsghdr` (linux/socket.h).
#[repr(C)]
struct Mmsghdr {
    hdr: Msghdr,
    len: u32,
}

/// Messages per `sendmmsg`/`recvmmsg` call: the kernel arrays live on the stack (about 5 KiB
/// for a receive chunk, addresses included).
pub(crate) const MMSG_CHUNK: usize = 32;

/// One message of a received batch, as the kernel reported it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct MmsgOut {
    pub(crate) len: usize,
    pub(crate) namelen: u32,
    pub(crate) controllen: usize,
    pub(crate) flags: u32,
}

const EMPTY_HDR: Msghdr = Msghdr {
    name: core::ptr::null_mut(),
    namelen: 0,
    iov: core::ptr::null_mut(),
    iovlen: 0,
    control: core::ptr::null_mut(),
    controllen: 0,
    flags: 0,
};

/// `recvmmsg(fd, ...)` of up to [`MMSG_CHUNK`] messages, each into one buffer and one control
/// buffer, addresses into `names`. Returns how many arrived; `out` and `names` describe them.
/// `SCM_RIGHTS` fds that arrive in a batch are closed: batches do not pass fds.
pub(crate) fn recvmmsg(
    fd: BorrowedFd<'_>,
    bufs: &mut [&mut [u8]],
    controls: &mut [&mut [u8]],
    names: &mut [MaybeUninit<SocketAddrStorage>; MMSG_CHUNK],
    out: &mut [MmsgOut; MMSG_CHUNK],
    flags: u32,
) -> rustix::io::Result<usize> {
    let n = bufs.len().min(controls.len()).min(MMSG_CHUNK);
    let mut iovs: [Iovec; MMSG_CHUNK] = core::array::from_fn(|_| Iovec {
        base: core::ptr::null_mut(),
        len: 0,
    });
    let mut hdrs: [Mmsghdr; MMSG_CHUNK] = core::array::from_fn(|_| Mmsghdr {
        hdr: EMPTY_HDR,
        len: 0,
    });
    for i in 0..n {
        iovs[i] = Iovec {
            base: bufs[i].as_mut_ptr(),
            len: bufs[i].len(),
        };
        hdrs[i].hdr = Msghdr {
            name: names[i].as_mut_ptr().cast(),
            namelen: size_of::<SocketAddrStorage>() as i32,
            iov: &mut iovs[i],
            iovlen: 1,
            control: controls[i].as_mut_ptr(),
            controllen: controls[i].len(),
            flags: 0,
        };
    }
    // SAFETY: the first `n` headers point to memory writable for their lengths (each buffer,
    // control buffer and address slot is a distinct live `&mut`, the iovecs live on this
    // stack), none otherwise borrowed during the call; a null timeout.
    let r = unsafe {
        syscalls::syscall5(
            Sysno::recvmmsg,
            fd.as_raw_fd() as usize,
            hdrs.as_mut_ptr() as usize,
            n,
            flags as usize,
            0,
        )
    };
    let got = errno(r)?.min(n);
    for i in 0..got {
        let h = &hdrs[i];
        let controllen = h.hdr.controllen.min(controls[i].len());
        out[i] = MmsgOut {
            len: h.len as usize,
            namelen: h.hdr.namelen.max(0) as u32,
            controllen,
            flags: h.hdr.flags,
        };
        // The kernel installed any passed fds for us: this batch API does not hand them out.
        Received {
            buf: &mut controls[i][..controllen],
        }
        .close_fds();
    }
    Ok(got)
}

/// `sendmmsg(fd, ...)` of up to [`MMSG_CHUNK`] messages, each one buffer, an optional address
/// and control bytes. Returns how many went out; their byte counts into `sent`.
pub(crate) fn sendmmsg<A: SocketAddrArg>(
    fd: BorrowedFd<'_>,
    msgs: &[(&[u8], Option<&A>, &[u8])],
    sent: &mut [usize; MMSG_CHUNK],
    flags: u32,
) -> rustix::io::Result<usize> {
    let n = msgs.len().min(MMSG_CHUNK);
    let mut names: [MaybeUninit<SocketAddrStorage>; MMSG_CHUNK] =
        [const { MaybeUninit::uninit() }; MMSG_CHUNK];
    let mut iovs: [Iovec; MMSG_CHUNK] = core::array::from_fn(|_| Iovec {
        base: core::ptr::null_mut(),
        len: 0,
    });
    let mut hdrs: [Mmsghdr; MMSG_CHUNK] = core::array::from_fn(|_| Mmsghdr {
        hdr: EMPTY_HDR,
        len: 0,
    });
    for (i, (buf, addr, control)) in msgs.iter().take(n).enumerate() {
        iovs[i] = Iovec {
            base: buf.as_ptr().cast_mut(),
            len: buf.len(),
        };
        let (name, namelen) = match addr {
            // SAFETY: the storage is writable for a whole `SocketAddrStorage`.
            Some(a) => (names[i].as_mut_ptr().cast(), unsafe {
                a.write_sockaddr(names[i].as_mut_ptr())
            }),
            None => (core::ptr::null_mut(), 0),
        };
        hdrs[i].hdr = Msghdr {
            name,
            namelen: namelen as i32,
            iov: &mut iovs[i],
            iovlen: 1,
            control: control.as_ptr().cast_mut(),
            controllen: control.len(),
            flags: 0,
        };
    }
    // SAFETY: the first `n` headers point to memory readable for their lengths, alive for the
    // call (caller buffers, and addresses and iovecs on this stack); the kernel only reads it
    // and writes each `len`.
    let r = unsafe {
        syscalls::syscall4(
            Sysno::sendmmsg,
            fd.as_raw_fd() as usize,
            hdrs.as_mut_ptr() as usize,
            n,
            (flags | k::MSG_NOSIGNAL) as usize,
        )
    };
    let got = errno(r)?.min(n);
    for i in 0..got {
        sent[i] = hdrs[i].len as usize;
    }
    Ok(got)
}
