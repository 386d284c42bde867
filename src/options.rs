//! Socket options, one `impl` block per level, each headed by its man page. Getters are `x()`,
//! setters `set_x()`; every call goes through the one raw `getsockopt`/`setsockopt` pair in
//! `sys`, so an odd answer from the kernel is a named error, never a panic.

use core::time::Duration;

use linux_raw_sys::net as k;
use rustix::fd::{AsFd, BorrowedFd};
use rustix::io::Errno;

use crate::sys::sockopt::{self, Linger, OldTimeval, SockTimeval};
use crate::{Error, Result, Socket};

#[inline]
fn get_int(fd: BorrowedFd<'_>, level: u32, name: u32) -> Result<i32> {
    sockopt::get::<i32>(fd, level, name)
}

#[inline]
fn set_int(fd: BorrowedFd<'_>, level: u32, name: u32, value: i32) -> Result<()> {
    sockopt::set(fd, level, name, &value)
}

/// Defines a getter and a setter for an on/off option.
macro_rules! bool_option {
    ($(#[$doc:meta])* $alias:literal, $level:expr, $name:expr, $get:ident, $set:ident) => {
        $(#[$doc])*
        #[doc(alias = $alias)]
        pub fn $set(&self, on: bool) -> Result<()> {
            set_int(self.as_fd(), $level, $name, i32::from(on))
        }

        #[doc = concat!("Whether the option [`", stringify!($set), "`](Self::", stringify!($set), ") sets is on.")]
        #[doc(alias = $alias)]
        pub fn $get(&self) -> Result<bool> {
            get_int(self.as_fd(), $level, $name).map(|v| v != 0)
        }
    };
}

/// Converts a buffer size for the kernel's `int`: the kernel clamps it to its maximum anyway.
fn size_arg(size: usize) -> i32 {
    i32::try_from(size).unwrap_or(i32::MAX)
}

/// Socket-level options (`SOL_SOCKET`): socket(7).
impl Socket {
    bool_option!(
        /// Allows binding to an address in `TIME_WAIT` (`SO_REUSEADDR`).
        "SO_REUSEADDR", k::SOL_SOCKET, k::SO_REUSEADDR, reuse_address, set_reuse_address
    );
    bool_option!(
        /// Lets several sockets bind the same address and port, the kernel spreading
        /// connections or datagrams among them (`SO_REUSEPORT`).
        "SO_REUSEPORT", k::SOL_SOCKET, k::SO_REUSEPORT, reuse_port, set_reuse_port
    );
    bool_option!(
        /// Allows sending to broadcast addresses (`SO_BROADCAST`).
        "SO_BROADCAST", k::SOL_SOCKET, k::SO_BROADCAST, broadcast, set_broadcast
    );
    bool_option!(
        /// Sends keepalive probes on an idle connection (`SO_KEEPALIVE`).
        "SO_KEEPALIVE", k::SOL_SOCKET, k::SO_KEEPALIVE, keepalive, set_keepalive
    );

    /// Whether the socket is listening (`SO_ACCEPTCONN`).
    #[doc(alias = "SO_ACCEPTCONN")]
    pub fn is_listening(&self) -> Result<bool> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_ACCEPTCONN).map(|v| v != 0)
    }

    /// What `close` does with unsent data (`SO_LINGER`): `None` returns at once and lets the
    /// kernel send it in the background; `Some(d)` waits up to `d` (whole seconds, rounded
    /// up); `Some(Duration::ZERO)` discards it and resets the connection.
    ///
    /// Fails with [`Error::DurationOutOfRange`] beyond `i32::MAX` seconds.
    #[doc(alias = "SO_LINGER")]
    pub fn set_linger(&self, linger: Option<Duration>) -> Result<()> {
        let l = match linger {
            None => Linger::default(),
            Some(d) => {
                let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
                let secs = i32::try_from(secs).map_err(|_| Error::DurationOutOfRange)?;
                Linger {
                    l_onoff: 1,
                    l_linger: secs,
                }
            }
        };
        sockopt::set(self.as_fd(), k::SOL_SOCKET, k::SO_LINGER, &l)
    }

    /// The `SO_LINGER` setting (see [`set_linger`](Self::set_linger)).
    #[doc(alias = "SO_LINGER")]
    pub fn linger(&self) -> Result<Option<Duration>> {
        let l: Linger = sockopt::get(self.as_fd(), k::SOL_SOCKET, k::SO_LINGER)?;
        Ok((l.l_onoff != 0).then(|| Duration::from_secs(l.l_linger.max(0) as u64)))
    }

    /// Asks for a send buffer of `size` bytes (`SO_SNDBUF`). The kernel doubles the value for
    /// its bookkeeping and caps it at `net.core.wmem_max`; [`send_buffer_size`] reads the result.
    ///
    /// [`send_buffer_size`]: Self::send_buffer_size
    #[doc(alias = "SO_SNDBUF")]
    pub fn set_send_buffer_size(&self, size: usize) -> Result<()> {
        set_int(self.as_fd(), k::SOL_SOCKET, k::SO_SNDBUF, size_arg(size))
    }

    /// The send buffer's size in bytes, as the kernel accounts it (`SO_SNDBUF`).
    #[doc(alias = "SO_SNDBUF")]
    pub fn send_buffer_size(&self) -> Result<usize> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_SNDBUF).map(|v| v.max(0) as usize)
    }

    /// Asks for a receive buffer of `size` bytes (`SO_RCVBUF`); doubled and capped at
    /// `net.core.rmem_max` by the kernel, like [`set_send_buffer_size`](Self::set_send_buffer_size).
    #[doc(alias = "SO_RCVBUF")]
    pub fn set_recv_buffer_size(&self, size: usize) -> Result<()> {
        set_int(self.as_fd(), k::SOL_SOCKET, k::SO_RCVBUF, size_arg(size))
    }

    /// The receive buffer's size in bytes, as the kernel accounts it (`SO_RCVBUF`).
    #[doc(alias = "SO_RCVBUF")]
    pub fn recv_buffer_size(&self) -> Result<usize> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_RCVBUF).map(|v| v.max(0) as usize)
    }

    /// The kernel's own receive timeout (`SO_RCVTIMEO`): each blocking receive gives up after
    /// `timeout` with [`Error::Timeout`]. Unlike [`set_timeout`](Self::set_timeout) it bounds
    /// each system call, not the whole operation, does not cover `connect`, and applies only in
    /// blocking mode. `None` or zero turns it off. The kernel keeps it in scheduler ticks, so
    /// it reads back rounded up to a tick (1 to 10 ms); sub-microsecond values round up to 1 µs.
    #[doc(alias = "SO_RCVTIMEO")]
    pub fn set_kernel_recv_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        set_kernel_timeout(
            self.as_fd(),
            k::SO_RCVTIMEO_NEW,
            k::SO_RCVTIMEO_OLD,
            timeout,
        )
    }

    /// The `SO_RCVTIMEO` setting; `None` when off.
    #[doc(alias = "SO_RCVTIMEO")]
    pub fn kernel_recv_timeout(&self) -> Result<Option<Duration>> {
        kernel_timeout(self.as_fd(), k::SO_RCVTIMEO_NEW, k::SO_RCVTIMEO_OLD)
    }

    /// The kernel's own send timeout (`SO_SNDTIMEO`), as [`set_kernel_recv_timeout`] is for
    /// receiving.
    ///
    /// [`set_kernel_recv_timeout`]: Self::set_kernel_recv_timeout
    #[doc(alias = "SO_SNDTIMEO")]
    pub fn set_kernel_send_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        set_kernel_timeout(
            self.as_fd(),
            k::SO_SNDTIMEO_NEW,
            k::SO_SNDTIMEO_OLD,
            timeout,
        )
    }

    /// The `SO_SNDTIMEO` setting; `None` when off.
    #[doc(alias = "SO_SNDTIMEO")]
    pub fn kernel_send_timeout(&self) -> Result<Option<Duration>> {
        kernel_timeout(self.as_fd(), k::SO_SNDTIMEO_NEW, k::SO_SNDTIMEO_OLD)
    }
}

/// Sets `SO_RCVTIMEO`/`SO_SNDTIMEO` with the 64-bit `_NEW` option, or the `_OLD` one on kernels
/// before 5.1.
fn set_kernel_timeout(fd: BorrowedFd<'_>, new: u32, old: u32, t: Option<Duration>) -> Result<()> {
    let t = t.unwrap_or_default();
    // A timeout that rounds down to zero microseconds would turn the option off: round up.
    let usec = t.subsec_micros() + u32::from(t.subsec_nanos() % 1000 != 0);
    let (sec, usec) = if usec == 1_000_000 {
        (t.as_secs() + 1, 0)
    } else {
        (t.as_secs(), usec)
    };
    let sec = i64::try_from(sec).map_err(|_| Error::DurationOutOfRange)?;
    match sockopt::set(
        fd,
        k::SOL_SOCKET,
        new,
        &SockTimeval {
            tv_sec: sec,
            tv_usec: usec.into(),
        },
    ) {
        Err(Error::Os(Errno::NOPROTOOPT)) => {
            let tv_sec = core::ffi::c_long::try_from(sec).map_err(|_| Error::DurationOutOfRange)?;
            let v = OldTimeval {
                tv_sec,
                tv_usec: usec as core::ffi::c_long,
            };
            sockopt::set(fd, k::SOL_SOCKET, old, &v)
        }
        r => r,
    }
}

/// Reads `SO_RCVTIMEO`/`SO_SNDTIMEO`. The `_NEW` option first; if the kernel does not know it,
/// or answers with another size (qemu-user answers 4 bytes), the `_OLD` one.
fn kernel_timeout(fd: BorrowedFd<'_>, new: u32, old: u32) -> Result<Option<Duration>> {
    let (sec, usec) = match sockopt::get::<SockTimeval>(fd, k::SOL_SOCKET, new) {
        Ok(tv) => (tv.tv_sec, tv.tv_usec),
        Err(Error::Os(Errno::NOPROTOOPT)) | Err(Error::OptionSize { .. }) => {
            let tv: OldTimeval = sockopt::get(fd, k::SOL_SOCKET, old)?;
            // `c_long` is `i32` on 32-bit targets, `i64` elsewhere.
            #[allow(clippy::useless_conversion)]
            let tv = (i64::from(tv.tv_sec), i64::from(tv.tv_usec));
            tv
        }
        Err(e) => return Err(e),
    };
    let (Ok(sec), Ok(usec)) = (u64::try_from(sec), u32::try_from(usec)) else {
        return Err(Error::DurationOutOfRange);
    };
    if usec >= 1_000_000 {
        return Err(Error::DurationOutOfRange);
    }
    let d = Duration::new(sec, usec * 1000);
    Ok((!d.is_zero()).then_some(d))
}

/// IPv4 options (`IPPROTO_IP`): ip(7).
impl Socket {
    /// The time-to-live of outgoing unicast packets, 1 to 255 (`IP_TTL`). The kernel refuses
    /// other values with `EINVAL`.
    #[doc(alias = "IP_TTL")]
    pub fn set_ttl(&self, ttl: u32) -> Result<()> {
        set_int(
            self.as_fd(),
            k::IPPROTO_IP as u32,
            k::IP_TTL,
            ttl.try_into().unwrap_or(i32::MAX),
        )
    }

    /// The time-to-live of outgoing unicast packets (`IP_TTL`).
    #[doc(alias = "IP_TTL")]
    pub fn ttl(&self) -> Result<u32> {
        get_int(self.as_fd(), k::IPPROTO_IP as u32, k::IP_TTL).map(|v| v.max(0) as u32)
    }
}

/// IPv6 options (`IPPROTO_IPV6`): ipv6(7).
impl Socket {
    /// The hop limit of outgoing unicast packets, 1 to 255 (`IPV6_UNICAST_HOPS`). The kernel
    /// refuses other values with `EINVAL`.
    #[doc(alias = "IPV6_UNICAST_HOPS")]
    pub fn set_unicast_hops(&self, hops: u32) -> Result<()> {
        let v = hops.try_into().unwrap_or(i32::MAX);
        set_int(
            self.as_fd(),
            k::IPPROTO_IPV6 as u32,
            k::IPV6_UNICAST_HOPS,
            v,
        )
    }

    /// The hop limit of outgoing unicast packets (`IPV6_UNICAST_HOPS`).
    #[doc(alias = "IPV6_UNICAST_HOPS")]
    pub fn unicast_hops(&self) -> Result<u32> {
        get_int(self.as_fd(), k::IPPROTO_IPV6 as u32, k::IPV6_UNICAST_HOPS).map(|v| v.max(0) as u32)
    }

    bool_option!(
        /// Restricts an IPv6 socket to IPv6; off, it also takes IPv4 as v4-mapped addresses
        /// (`IPV6_V6ONLY`). Set it before `bind`.
        "IPV6_V6ONLY", k::IPPROTO_IPV6 as u32, k::IPV6_V6ONLY, only_v6, set_only_v6
    );
}

/// TCP options (`IPPROTO_TCP`): tcp(7).
impl Socket {
    bool_option!(
        /// Sends segments as soon as possible, without Nagle's delay (`TCP_NODELAY`).
        "TCP_NODELAY", k::IPPROTO_TCP as u32, k::TCP_NODELAY, nodelay, set_nodelay
    );
}
