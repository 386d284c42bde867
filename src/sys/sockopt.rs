//! One raw `getsockopt`/`setsockopt` pair, through the `syscalls` crate (inline `syscall`
//! instructions, no libc, every architecture), for every socket option of the crate.
//!
//! rustix's getters assert the size of the kernel's answer and panic when it differs (qemu-user
//! answers 4 bytes for `SO_RCVTIMEO_NEW`); here a size other than the one asked for is
//! [`InputError::OptionSize`](crate::InputError::OptionSize).

use crate::InputError;
use core::mem::{size_of, MaybeUninit};

use rustix::fd::{AsRawFd, BorrowedFd};
use syscalls::Sysno;

use crate::{Error, Result};

/// Plain values the kernel may write any bytes into.
///
/// # Safety
///
/// Every bit pattern, all zeros included, must be a valid value of the type, and it must have
/// no padding that the kernel could read as uninitialized memory on `setsockopt`.
pub(crate) unsafe trait Pod: Copy {}

// SAFETY: integers are valid for every bit pattern and have no padding.
unsafe impl Pod for i32 {}
// SAFETY: as above.
unsafe impl Pod for u32 {}
// SAFETY: as above.
unsafe impl Pod for u64 {}
// SAFETY: two `i32`s, `repr(C)`, no padding.
unsafe impl Pod for Linger {}

/// `struct linger` (linux/socket.h via asm-generic).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Linger {
    pub(crate) l_onoff: i32,
    pub(crate) l_linger: i32,
}

/// The one `getsockopt` system call: at most `len` bytes into `ptr`; returns how many the
/// kernel wrote.
///
/// # Safety
///
/// `ptr` must be writable for `len` bytes.
#[inline]
unsafe fn getsockopt(
    fd: BorrowedFd<'_>,
    level: u32,
    name: u32,
    ptr: *mut u8,
    len: u32,
) -> Result<u32> {
    let mut len = len;
    // SAFETY: `ptr` is writable for `len` bytes (the caller's promise); `len` is a valid
    // `socklen_t` the kernel updates; both outlive the call.
    let r = unsafe {
        syscalls::syscall5(
            Sysno::getsockopt,
            fd.as_raw_fd() as usize,
            level as usize,
            name as usize,
            ptr as usize,
            &mut len as *mut u32 as usize,
        )
    };
    r.map_err(super::errno)?;
    Ok(len)
}

/// The one `setsockopt` system call: `len` bytes from `ptr`.
///
/// # Safety
///
/// `ptr` must be readable for `len` initialized bytes.
#[inline]
unsafe fn setsockopt(
    fd: BorrowedFd<'_>,
    level: u32,
    name: u32,
    ptr: *const u8,
    len: usize,
) -> Result<()> {
    // SAFETY: `ptr` is readable for `len` bytes (the caller's promise); the kernel only reads.
    let r = unsafe {
        syscalls::syscall5(
            Sysno::setsockopt,
            fd.as_raw_fd() as usize,
            level as usize,
            name as usize,
            ptr as usize,
            len,
        )
    };
    r.map(drop).map_err(|e| super::errno(e).into())
}

/// `getsockopt(fd, level, name)` for a value of exactly `size_of::<T>()` bytes.
#[inline]
pub(crate) fn get<T: Pod>(fd: BorrowedFd<'_>, level: u32, name: u32) -> Result<T> {
    let mut value = MaybeUninit::<T>::zeroed();
    // SAFETY: `value` is writable for `size_of::<T>()` bytes.
    let len = unsafe {
        getsockopt(
            fd,
            level,
            name,
            value.as_mut_ptr().cast(),
            size_of::<T>() as u32,
        )?
    };
    if len as usize != size_of::<T>() {
        return Err(Error::Input(InputError::OptionSize {
            expected: size_of::<T>() as u32,
            got: len,
        }));
    }
    // SAFETY: zero-initialized, then written by the kernel; every bit pattern is a valid `T`.
    Ok(unsafe { value.assume_init() })
}

/// `getsockopt(fd, level, name)` into a byte buffer; returns how many bytes the kernel wrote
/// (at most the buffer's length).
#[inline]
pub(crate) fn get_bytes(
    fd: BorrowedFd<'_>,
    level: u32,
    name: u32,
    buf: &mut [u8],
) -> Result<usize> {
    let cap = u32::try_from(buf.len()).unwrap_or(u32::MAX);
    // SAFETY: `buf` is writable for `cap` bytes (at most its length).
    let len = unsafe { getsockopt(fd, level, name, buf.as_mut_ptr(), cap)? };
    Ok((len as usize).min(buf.len()))
}

/// `setsockopt(fd, level, name, &value, sizeof value)`.
#[inline]
pub(crate) fn set<T: Pod>(fd: BorrowedFd<'_>, level: u32, name: u32, value: &T) -> Result<()> {
    // SAFETY: `value` is readable for `size_of::<T>()` bytes, initialized and without padding
    // (`Pod`).
    unsafe { setsockopt(fd, level, name, (value as *const T).cast(), size_of::<T>()) }
}

/// `setsockopt(fd, level, name, bytes, len)` for a variable-length value.
#[inline]
pub(crate) fn set_bytes(fd: BorrowedFd<'_>, level: u32, name: u32, bytes: &[u8]) -> Result<()> {
    if u32::try_from(bytes.len()).is_err() {
        return Err(Error::Os(rustix::io::Errno::INVAL));
    }
    // SAFETY: `bytes` is readable for its length.
    unsafe { setsockopt(fd, level, name, bytes.as_ptr(), bytes.len()) }
}

/// `struct ip_mreqn` (linux/in.h): group, local address, interface index.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct IpMreqn {
    /// The group, in network byte order (the bytes as they are on the wire).
    pub(crate) multiaddr: [u8; 4],
    pub(crate) address: [u8; 4],
    pub(crate) ifindex: i32,
}

/// `struct ipv6_mreq` (linux/in6.h): group and interface index.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Ipv6Mreq {
    pub(crate) multiaddr: [u8; 16],
    pub(crate) ifindex: i32,
}

// SAFETY: byte arrays and an `i32`, `repr(C)`, no padding (4 + 4 + 4 bytes).
unsafe impl Pod for IpMreqn {}
// SAFETY: 16 bytes and an `i32`, `repr(C)`, no padding (alignment 4, size 20).
unsafe impl Pod for Ipv6Mreq {}

/// `struct sock_fprog` (linux/filter.h): a length and a pointer to the instructions, padding
/// spelled out so that every byte the kernel reads is initialized.
#[repr(C)]
struct SockFprog {
    len: u16,
    pad: [u8; core::mem::align_of::<*const u8>() - 2],
    filter: *const crate::bpf::Insn,
}

/// `setsockopt(fd, level, name, &sock_fprog)`: `SO_ATTACH_FILTER`, or `PACKET_FANOUT_DATA` for a
/// classic BPF fanout program.
pub(crate) fn set_program(
    fd: BorrowedFd<'_>,
    level: u32,
    name: u32,
    program: &crate::bpf::Program<'_>,
) -> Result<()> {
    let insns = program.insns();
    // `Program` guarantees 1..=4096 instructions, so the length fits.
    let fprog = SockFprog {
        len: insns.len() as u16,
        pad: [0; core::mem::align_of::<*const u8>() - 2],
        filter: insns.as_ptr(),
    };
    // SAFETY: `fprog` is a fully initialized `sock_fprog` on this stack whose pointer covers
    // `len` instructions of a live slice; the kernel copies both during the call.
    unsafe {
        setsockopt(
            fd,
            level,
            name,
            (&fprog as *const SockFprog).cast(),
            size_of::<SockFprog>(),
        )
    }
}

/// `struct packet_mreq` (linux/if_packet.h).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PacketMreq {
    pub(crate) ifindex: i32,
    pub(crate) ty: u16,
    pub(crate) alen: u16,
    pub(crate) address: [u8; 8],
}

// SAFETY: an `i32`, two `u16`s and 8 bytes, `repr(C)`, no padding (16 bytes).
unsafe impl Pod for PacketMreq {}

/// `UDP_SEGMENT` (linux/udp.h), not in linux-raw-sys: the GSO segment size, `SOL_UDP`.
pub(crate) const UDP_SEGMENT: u32 = 103;
/// `UDP_GRO` (linux/udp.h), not in linux-raw-sys: receive coalesced datagrams, `SOL_UDP`.
pub(crate) const UDP_GRO: u32 = 104;

/// `struct __kernel_sock_timeval` (linux/time_types.h), for `SO_RCVTIMEO_NEW`/`SO_SNDTIMEO_NEW`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SockTimeval {
    pub(crate) tv_sec: i64,
    pub(crate) tv_usec: i64,
}

/// `struct __kernel_old_timeval` (linux/time_types.h), for `SO_RCVTIMEO_OLD`: two C `long`s.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct OldTimeval {
    pub(crate) tv_sec: core::ffi::c_long,
    pub(crate) tv_usec: core::ffi::c_long,
}

// SAFETY: two `i64`s, `repr(C)`, no padding.
unsafe impl Pod for SockTimeval {}
// SAFETY: two C `long`s, `repr(C)`, no padding.
unsafe impl Pod for OldTimeval {}

#[cfg(test)]
mod tests {
    use super::*;
    use linux_raw_sys::net as k;
    use rustix::fd::AsFd;
    use rustix::net::{socket, AddressFamily, SocketType};

    #[test]
    #[cfg_attr(miri, ignore = "opens sockets, which Miri cannot")]
    fn an_answer_of_another_size_is_a_named_error() {
        let s = socket(AddressFamily::UNIX, SocketType::STREAM, None).unwrap();
        // The kernel answers an `int` option with 4 bytes, whatever room it is given.
        assert_eq!(
            get::<u64>(s.as_fd(), k::SOL_SOCKET, k::SO_TYPE),
            Err(Error::Input(InputError::OptionSize {
                expected: 8,
                got: 4
            }))
        );
        assert_eq!(
            get::<i32>(s.as_fd(), k::SOL_SOCKET, k::SO_TYPE),
            Ok(k::SOCK_STREAM as i32)
        );
    }

    #[test]
    fn struct_layouts_match_uapi() {
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; } (linux/filter.h)
        assert_eq!(size_of::<SockFprog>(), 2 * size_of::<usize>());
        assert_eq!(core::mem::offset_of!(SockFprog, filter), size_of::<usize>());
        assert_eq!(
            size_of::<PacketMreq>(),
            size_of::<linux_raw_sys::if_packet::packet_mreq>()
        );
        assert_eq!(size_of::<IpMreqn>(), size_of::<k::ip_mreqn>());
        assert_eq!(size_of::<Ipv6Mreq>(), size_of::<k::ipv6_mreq>());
        assert_eq!(
            core::mem::offset_of!(Ipv6Mreq, ifindex),
            core::mem::offset_of!(k::ipv6_mreq, ipv6mr_ifindex)
        );
        assert_eq!(size_of::<Linger>(), size_of::<k::linger>());
        assert_eq!(
            size_of::<SockTimeval>(),
            size_of::<linux_raw_sys::general::__kernel_sock_timeval>()
        );
        assert_eq!(
            size_of::<OldTimeval>(),
            size_of::<linux_raw_sys::general::__kernel_old_timeval>()
        );
    }

    #[test]
    #[cfg_attr(miri, ignore = "opens sockets, which Miri cannot")]
    fn kernel_errors_come_back_as_errno() {
        let s = socket(AddressFamily::UNIX, SocketType::STREAM, None).unwrap();
        assert_eq!(
            set(s.as_fd(), k::SOL_SOCKET, 0xdead, &1i32),
            Err(Error::Os(rustix::io::Errno::NOPROTOOPT))
        );
    }
}
