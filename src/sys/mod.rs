//! The one place with `unsafe`: what rustix does not offer safely.
//!
//! # Safety
//!
//! Every `unsafe` block in the crate lives in this module, each with a `// SAFETY:` comment
//! naming the invariant it relies on. The crate root denies `unsafe_code`; this module alone
//! allows it. What it adds over rustix:
//!
//! - [`addr`]: rustix's `SocketAddrArg` for the crate's address types, and decoding of the
//!   kernel's address bytes;
//! - [`sockopt`]: one raw `getsockopt`/`setsockopt` pair (rustix's getters assert the answer's
//!   size and would panic on an odd answer; rustix has no raw setter);
//! - [`io`]: raw `socket`/`connect`/`sendto`/`recvfrom` for the hot paths (one compare for the error check);
//! - [`fd`]: `FromRawFd` for the crate's socket types;
//! - [`iface`]: interface name ↔ index ioctls;
//! - [`msg`]: raw `sendmsg`/`recvmsg`, control-message bytes, and ownership of received fds;
//! - [`ring`]: the mmap'd `TPACKET_V3` receive ring;
//! - [`clock`]: the monotonic clock by a plain system call (no vDSO code).
//! - [`poll`]: `ppoll` on one socket, and its `O_NONBLOCK` flag, by plain system calls.
#![allow(unsafe_code)]

pub(crate) mod addr;
pub(crate) mod clock;
pub(crate) mod fd;
pub(crate) mod iface;
pub(crate) mod io;
pub(crate) mod msg;
pub(crate) mod os;
pub(crate) mod poll;
pub(crate) mod ring;
pub(crate) mod sockopt;

use rustix::io::Errno;

/// A `syscalls` crate errno as rustix's.
#[inline]
fn errno(e: syscalls::Errno) -> Errno {
    Errno::from_raw_os_error(e.into_raw())
}
