//! The one seam to the kernel: every system call the crate makes, and every `unsafe` block.
//!
//! # System calls
//!
//! Each system call is issued by one function here (a call taking different argument shapes
//! has a few thin typed wrappers over it), through the `syscalls` crate's inline `syscall`
//! instructions: the same direct calls on every architecture (on 32-bit x86 too, whose
//! `socket`, `bind`, ... have had their own numbers since Linux 4.3: never `socketcall`), so
//! that a seccomp filter or an strace reads one set. docs/syscalls.md lists them, with the
//! public API that makes each and its feature; a test keeps that list and this module in step.
//! Code outside `sys` uses rustix's types (`Errno`, `OwnedFd`, `BorrowedFd`, flags) but no
//! rustix function that enters the kernel. Two things stay with rustix: the page size (read
//! from the auxiliary vector, [`os::page_size`]) and the `close` of an `OwnedFd` the crate
//! drops without wrapping it in [`fd::Fd`] (the user's own fds).
//!
//! - [`io`]: the socket calls, one function each (`socket`, `socketpair`, `bind`, `listen`,
//!   `accept4`, `connect`, `shutdown`, `getsockname`/`getpeername`, `sendto`, `recvfrom`), on
//!   pointers and lengths; the hot paths' thin wrappers (one compare for the error check);
//! - [`addr`]: their address arguments: rustix's `SocketAddrArg` for the crate's address
//!   types, room for the addresses the kernel writes back, and the typed wrappers that pass
//!   them. The bytes are encoded and decoded outside `sys`, in `crate::addr::codec` (pure, no
//!   `unsafe`, fuzzed);
//! - [`sockopt`]: one raw `getsockopt`/`setsockopt` pair (rustix's getters assert the answer's
//!   size and would panic on an odd answer; rustix has no raw setter);
//! - [`msg`]: raw `sendmsg`/`recvmsg`/`sendmmsg`/`recvmmsg`, control-message bytes, and
//!   ownership of received fds;
//! - [`fd`]: `FromRawFd` for the crate's socket types, and the calls on any fd: `close`,
//!   `fcntl` (`F_GETFL`, `F_DUPFD_CLOEXEC`), `ioctl` (`FIONBIO`);
//! - [`iface`]: interface name ↔ index ioctls;
//! - [`ring`]: the mmap'd `TPACKET_V3` rings (`mmap`/`mmap2`, `munmap`);
//! - [`clock`]: the monotonic clock by a plain system call (no vDSO code);
//! - [`poll`]: `ppoll` on one socket or several;
//! - [`epoll`]: the poller (`epoll_create1`, `epoll_ctl`, `epoll_pwait`) and the fds made
//!   for it (`eventfd2`, `timerfd_create`, `timerfd_settime`);
//! - `embassy` (feature `embassy`): embassy-executor's `__pender` symbol and its unsafe
//!   `poll`, for [`reactor::Executor`](crate::reactor::Executor) (no system call);
//! - [`waker`]: the `RawWaker` of [`block_on`](crate::reactor::block_on) (no system call);
//! - [`pin`]: pinning through an array, for [`join_all`](crate::reactor::join_all);
//! - [`os`]: the resolver's and constructors' other calls: `openat`, `read`, `write`,
//!   `getrandom`, `uname`, the process's ids;
//! - [`vsock`]: the local vsock context id (`openat` of /dev/vsock and an `ioctl`).
//!
//! # Safety
//!
//! Every `unsafe` block in the crate lives in this module, each with a `// SAFETY:` comment
//! naming the invariant it relies on. Cargo.toml's `[lints]` denies `unsafe_code` for the crate;
//! this module alone allows it, and `clippy::undocumented_unsafe_blocks` is denied too.
#![allow(unsafe_code)]

pub(crate) mod addr;
pub(crate) mod clock;
#[cfg(feature = "embassy")]
pub(crate) mod embassy;
pub(crate) mod epoll;
pub(crate) mod fd;
pub(crate) mod iface;
pub(crate) mod io;
pub(crate) mod msg;
pub(crate) mod os;
pub(crate) mod pin;
pub(crate) mod poll;
pub(crate) mod ring;
pub(crate) mod sockopt;
pub(crate) mod vsock;
pub(crate) mod waker;

use rustix::io::Errno;

/// A `syscalls` crate errno as rustix's.
#[inline]
fn errno(e: syscalls::Errno) -> Errno {
    Errno::from_raw_os_error(e.into_raw())
}
