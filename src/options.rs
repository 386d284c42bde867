//! Socket options, one `impl` block per level, each headed by its man page. Getters are `x()`,
//! setters `set_x()`; every call goes through the one raw `getsockopt`/`setsockopt` pair in
//! `sys`, so an odd answer from the kernel is a named error, never a panic.

use core::net::{Ipv4Addr, Ipv6Addr};
use core::time::Duration;

use linux_raw_sys::net as k;
use rustix::fd::{AsFd, BorrowedFd};
use rustix::io::Errno;

use crate::bpf::Program;
use crate::sys::sockopt::{self, IpMreqn, Ipv6Mreq, Linger, OldTimeval, SockTimeval};
use crate::{Error, Result, ShortName, Socket, TcpInfo, SHORT_NAME_MAX};

#[inline]
fn get_int(fd: BorrowedFd<'_>, level: u32, name: u32) -> Result<i32> {
    sockopt::get::<i32>(fd, level, name)
}

#[inline]
fn set_int(fd: BorrowedFd<'_>, level: u32, name: u32, value: i32) -> Result<()> {
    sockopt::set(fd, level, name, &value)
}

/// Defines a getter and a setter for an on/off option.
/// `$page` is the level's man page in section 7 (`socket`, `ip`, ...), for the references.
macro_rules! bool_option {
    ($(#[$doc:meta])* $alias:literal, $level:expr, $name:expr, $get:ident, $set:ident, $page:literal) => {
        $(#[$doc])*
        ///
        /// # References
        ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
        #[doc = concat!("  - [`", $page, "(7)`](https://man7.org/linux/man-pages/man7/", $page, ".7.html)")]
        #[doc(alias = $alias)]
        pub fn $set(&self, on: bool) -> Result<()> {
            set_int(self.as_fd(), $level, $name, i32::from(on))
        }

        #[doc = concat!("Whether the option [`", stringify!($set), "`](Self::", stringify!($set), ") sets is on.")]
        ///
        /// # References
        ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
        #[doc = concat!("  - [`", $page, "(7)`](https://man7.org/linux/man-pages/man7/", $page, ".7.html)")]
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

/// Any option, as bytes: for what this crate has no typed method for yet. getsockopt(2).
impl Socket {
    /// Reads option `name` at `level` into `buf` (`getsockopt(2)`); returns how many bytes the
    /// kernel wrote.
    ///
    /// ```
    /// use baresock::{Socket, Family, Type, Protocol};
    /// let s = Socket::new(Family::Inet, Type::Dgram, Protocol::DEFAULT)?;
    /// let mut v = [0u8; 4];
    /// // SOL_SOCKET, SO_TYPE
    /// assert_eq!(s.option_raw(1, 3, &mut v)?, 4);
    /// assert_eq!(i32::from_ne_bytes(v), 2); // SOCK_DGRAM
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    pub fn option_raw(&self, level: u32, name: u32, buf: &mut [u8]) -> Result<usize> {
        sockopt::get_bytes(self.as_fd(), level, name, buf)
    }

    /// Sets option `name` at `level` to `value` (`setsockopt(2)`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    pub fn set_option_raw(&self, level: u32, name: u32, value: &[u8]) -> Result<()> {
        sockopt::set_bytes(self.as_fd(), level, name, value)
    }
}

/// Socket-level options (`SOL_SOCKET`): socket(7).
impl Socket {
    bool_option!(
        /// Allows binding to an address in `TIME_WAIT` (`SO_REUSEADDR`).
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// let s = Socket::new(Family::Inet, Type::Stream, Protocol::TCP)?;
        /// s.set_reuse_address(true)?;
        /// assert!(s.reuse_address()?);
        /// # Ok::<(), baresock::Error>(())
        /// ```
        "SO_REUSEADDR", k::SOL_SOCKET, k::SO_REUSEADDR, reuse_address, set_reuse_address, "socket"
    );
    bool_option!(
        /// Lets several sockets bind the same address and port, the kernel spreading
        /// connections or datagrams among them (`SO_REUSEPORT`).
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// let addr: core::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        /// let a = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
        /// a.set_reuse_port(true)?;
        /// a.bind(addr)?;
        /// let b = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
        /// b.set_reuse_port(true)?;
        /// b.bind(a.local_addr()?)?; // the same port, shared
        /// # Ok::<(), baresock::Error>(())
        /// ```
        "SO_REUSEPORT", k::SOL_SOCKET, k::SO_REUSEPORT, reuse_port, set_reuse_port, "socket"
    );
    bool_option!(
        /// Allows sending to broadcast addresses (`SO_BROADCAST`).
        "SO_BROADCAST", k::SOL_SOCKET, k::SO_BROADCAST, broadcast, set_broadcast, "socket"
    );
    bool_option!(
        /// Sends keepalive probes on an idle connection (`SO_KEEPALIVE`).
        "SO_KEEPALIVE", k::SOL_SOCKET, k::SO_KEEPALIVE, keepalive, set_keepalive, "socket"
    );

    /// Whether the socket is listening (`SO_ACCEPTCONN`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_ACCEPTCONN")]
    pub fn is_listening(&self) -> Result<bool> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_ACCEPTCONN).map(|v| v != 0)
    }

    /// What `close` does with unsent data (`SO_LINGER`): `None` returns at once and lets the
    /// kernel send it in the background; `Some(d)` waits up to `d` (whole seconds, rounded
    /// up); `Some(Duration::ZERO)` discards it and resets the connection.
    ///
    /// Fails with [`Error::DurationOutOfRange`] beyond `i32::MAX` seconds.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// let s = Socket::new(Family::Inet, Type::Stream, Protocol::TCP)?;
    /// s.set_linger(Some(Duration::from_secs(2)))?;
    /// assert_eq!(s.linger()?, Some(Duration::from_secs(2)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_LINGER")]
    pub fn set_linger(&self, linger: Option<Duration>) -> Result<()> {
        let l = match linger {
            None => Linger::default(),
            Some(d) => {
                let secs = d.as_secs().checked_add(u64::from(d.subsec_nanos() > 0));
                let secs = secs
                    .and_then(|s| i32::try_from(s).ok())
                    .ok_or(Error::DurationOutOfRange)?;
                Linger {
                    l_onoff: 1,
                    l_linger: secs,
                }
            }
        };
        sockopt::set(self.as_fd(), k::SOL_SOCKET, k::SO_LINGER, &l)
    }

    /// The `SO_LINGER` setting (see [`set_linger`](Self::set_linger)).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_LINGER")]
    pub fn linger(&self) -> Result<Option<Duration>> {
        let l: Linger = sockopt::get(self.as_fd(), k::SOL_SOCKET, k::SO_LINGER)?;
        Ok((l.l_onoff != 0).then(|| Duration::from_secs(l.l_linger.max(0) as u64)))
    }

    /// Asks for a send buffer of `size` bytes (`SO_SNDBUF`). The kernel doubles the value for
    /// its bookkeeping and caps it at `net.core.wmem_max`; [`send_buffer_size`] reads the result.
    ///
    /// [`send_buffer_size`]: Self::send_buffer_size
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// s.set_send_buffer_size(64 * 1024)?;
    /// assert!(s.send_buffer_size()? >= 64 * 1024); // doubled by the kernel
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_SNDBUF")]
    pub fn set_send_buffer_size(&self, size: usize) -> Result<()> {
        set_int(self.as_fd(), k::SOL_SOCKET, k::SO_SNDBUF, size_arg(size))
    }

    /// The send buffer's size in bytes, as the kernel accounts it (`SO_SNDBUF`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_SNDBUF")]
    pub fn send_buffer_size(&self) -> Result<usize> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_SNDBUF).map(|v| v.max(0) as usize)
    }

    /// Asks for a receive buffer of `size` bytes (`SO_RCVBUF`); doubled and capped at
    /// `net.core.rmem_max` by the kernel, like [`set_send_buffer_size`](Self::set_send_buffer_size).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_RCVBUF")]
    pub fn set_recv_buffer_size(&self, size: usize) -> Result<()> {
        set_int(self.as_fd(), k::SOL_SOCKET, k::SO_RCVBUF, size_arg(size))
    }

    /// The receive buffer's size in bytes, as the kernel accounts it (`SO_RCVBUF`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_RCVBUF")]
    pub fn recv_buffer_size(&self) -> Result<usize> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_RCVBUF).map(|v| v.max(0) as usize)
    }

    /// The kernel's own receive timeout (`SO_RCVTIMEO`): each blocking receive gives up after
    /// `timeout` with [`Error::Timeout`]. Unlike [`set_timeout`](Self::set_timeout) it bounds
    /// each system call, not the whole operation, does not cover `connect`, and applies only in
    /// blocking mode. `None` or zero turns it off. The kernel keeps it in scheduler ticks, so
    /// it reads back rounded up to a tick (1 to 10 ms); sub-microsecond values round up to 1 µs.
    ///
    /// ```
    /// use baresock::{Error, UnixStream};
    /// use core::time::Duration;
    /// let (a, _b) = UnixStream::pair()?; // blocking mode
    /// a.as_socket().set_kernel_recv_timeout(Some(Duration::from_millis(20)))?;
    /// let mut buf = [0u8; 4];
    /// assert_eq!(a.recv(&mut buf), Err(Error::Timeout));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
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
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_RCVTIMEO")]
    pub fn kernel_recv_timeout(&self) -> Result<Option<Duration>> {
        kernel_timeout(self.as_fd(), k::SO_RCVTIMEO_NEW, k::SO_RCVTIMEO_OLD)
    }

    /// The kernel's own send timeout (`SO_SNDTIMEO`), as [`set_kernel_recv_timeout`] is for
    /// receiving.
    ///
    /// [`set_kernel_recv_timeout`]: Self::set_kernel_recv_timeout
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
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
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_SNDTIMEO")]
    pub fn kernel_send_timeout(&self) -> Result<Option<Duration>> {
        kernel_timeout(self.as_fd(), k::SO_SNDTIMEO_NEW, k::SO_SNDTIMEO_OLD)
    }
}

/// Sets `SO_RCVTIMEO`/`SO_SNDTIMEO` with the 64-bit `_NEW` option, or the `_OLD` one on kernels
/// before 5.1.
fn set_kernel_timeout(fd: BorrowedFd<'_>, new: u32, old: u32, t: Option<Duration>) -> Result<()> {
    // Whole microseconds, rounded up: a timeout that rounds down to zero would turn it off.
    let micros = t.unwrap_or_default().as_nanos().div_ceil(1000);
    let (sec, usec) = (micros / 1_000_000, (micros % 1_000_000) as u32);
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
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// s.set_ttl(1)?; // never leaves the local network
    /// assert_eq!(s.ttl()?, 1);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)
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
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)
    #[doc(alias = "IP_TTL")]
    pub fn ttl(&self) -> Result<u32> {
        get_int(self.as_fd(), k::IPPROTO_IP as u32, k::IP_TTL).map(|v| v.max(0) as u32)
    }
}

/// IPv6 options (`IPPROTO_IPV6`): ipv6(7).
impl Socket {
    /// The hop limit of outgoing unicast packets, 1 to 255 (`IPV6_UNICAST_HOPS`). The kernel
    /// refuses other values with `EINVAL`.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::Inet6, Type::Dgram, Protocol::UDP)?;
    /// s.set_unicast_hops(16)?;
    /// assert_eq!(s.unicast_hops()?, 16);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ipv6(7)`](https://man7.org/linux/man-pages/man7/ipv6.7.html)
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
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`ipv6(7)`](https://man7.org/linux/man-pages/man7/ipv6.7.html)
    #[doc(alias = "IPV6_UNICAST_HOPS")]
    pub fn unicast_hops(&self) -> Result<u32> {
        get_int(self.as_fd(), k::IPPROTO_IPV6 as u32, k::IPV6_UNICAST_HOPS).map(|v| v.max(0) as u32)
    }

    bool_option!(
        /// Restricts an IPv6 socket to IPv6; off, it also takes IPv4 as v4-mapped addresses
        /// (`IPV6_V6ONLY`). Set it before `bind`.
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// let s = Socket::new(Family::Inet6, Type::Stream, Protocol::TCP)?;
        /// s.set_only_v6(false)?; // also take IPv4 clients, as ::ffff:a.b.c.d
        /// assert!(!s.only_v6()?);
        /// # Ok::<(), baresock::Error>(())
        /// ```
        "IPV6_V6ONLY", k::IPPROTO_IPV6 as u32, k::IPV6_V6ONLY, only_v6, set_only_v6, "ipv6"
    );
}

/// TCP options (`IPPROTO_TCP`): tcp(7).
impl Socket {
    bool_option!(
        /// Sends segments as soon as possible, without Nagle's delay (`TCP_NODELAY`).
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// let s = Socket::new(Family::Inet, Type::Stream, Protocol::TCP)?;
        /// s.set_nodelay(true)?;
        /// assert!(s.nodelay()?);
        /// # Ok::<(), baresock::Error>(())
        /// ```
        "TCP_NODELAY", k::IPPROTO_TCP as u32, k::TCP_NODELAY, nodelay, set_nodelay, "tcp"
    );
}

/// Which interface a multicast group is joined on, or sent from (IPv4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum MulticastInterface {
    /// Let the kernel choose by its routing table.
    #[default]
    Any,
    /// The interface with this local address.
    Address(Ipv4Addr),
    /// The interface with this index.
    Index(u32),
}

#[cfg(feature = "defmt")]
impl defmt::Format for MulticastInterface {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            MulticastInterface::Any => defmt::write!(f, "Any"),
            MulticastInterface::Address(a) => defmt::write!(f, "Address({})", a.octets()),
            MulticastInterface::Index(i) => defmt::write!(f, "Index({})", i),
        }
    }
}

impl MulticastInterface {
    fn mreqn(self, group: Ipv4Addr) -> Result<IpMreqn> {
        let (address, ifindex) = match self {
            MulticastInterface::Any => (Ipv4Addr::UNSPECIFIED, 0),
            MulticastInterface::Address(a) => (a, 0),
            MulticastInterface::Index(i) => (Ipv4Addr::UNSPECIFIED, index_arg(i)?),
        };
        Ok(IpMreqn {
            multiaddr: group.octets(),
            address: address.octets(),
            ifindex,
        })
    }
}

/// An interface index for the kernel's `int`; indexes never reach `i32::MAX`.
fn index_arg(index: u32) -> Result<i32> {
    i32::try_from(index).map_err(|_| Error::Os(Errno::NODEV))
}

/// A whole-unit duration for a kernel `int`, rounded up so a small one does not become zero.
fn units_arg(d: Duration, unit: Duration) -> Result<i32> {
    let n = d.as_nanos().div_ceil(unit.as_nanos());
    i32::try_from(n).map_err(|_| Error::DurationOutOfRange)
}

const IP: u32 = k::IPPROTO_IP as u32;
const IPV6: u32 = k::IPPROTO_IPV6 as u32;
const TCP: u32 = k::IPPROTO_TCP as u32;

/// Socket filters (`SO_ATTACH_FILTER`, ...): socket(7), Documentation/networking/filter.rst.
impl Socket {
    /// Attaches a classic BPF program: the socket then receives only what it accepts, cut to
    /// the length it returns (`SO_ATTACH_FILTER`). Replaces any earlier filter.
    ///
    /// ```
    /// use baresock::{bpf::{Insn, Program}, UdpSocket};
    /// let s = UdpSocket::bind("127.0.0.1:0")?;
    /// let drop_all = [Insn::ret(0)];
    /// s.as_socket().attach_filter(&Program::new(&drop_all)?)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    ///  - [Linux socket filtering](https://docs.kernel.org/networking/filter.html)
    #[doc(alias = "SO_ATTACH_FILTER")]
    pub fn attach_filter(&self, program: &Program<'_>) -> Result<()> {
        sockopt::set_program(self.as_fd(), k::SOL_SOCKET, k::SO_ATTACH_FILTER, program)
    }

    /// Removes the filter (`SO_DETACH_FILTER`); `ENOENT` if there is none.
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    ///  - [Linux socket filtering](https://docs.kernel.org/networking/filter.html)
    #[doc(alias = "SO_DETACH_FILTER")]
    pub fn detach_filter(&self) -> Result<()> {
        set_int(self.as_fd(), k::SOL_SOCKET, k::SO_DETACH_FILTER, 0)
    }

    bool_option!(
        /// Locks the filter: it can no longer be replaced or removed (`SO_LOCK_FILTER`). A
        /// process can lock its sockets before handing them to less trusted code.
        "SO_LOCK_FILTER", k::SOL_SOCKET, k::SO_LOCK_FILTER, lock_filter, set_lock_filter, "socket"
    );
}

/// Socket-level options (`SOL_SOCKET`) beyond the everyday ones: socket(7).
impl Socket {
    /// Sends and receives only through the named interface (`SO_BINDTODEVICE`); `None`
    /// removes the binding. Needs `CAP_NET_RAW` unless binding to the interface already bound.
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_BINDTODEVICE")]
    pub fn set_bind_device(&self, interface: Option<&ShortName>) -> Result<()> {
        let name = interface.map_or(&[][..], ShortName::as_bytes_with_nul);
        sockopt::set_bytes(self.as_fd(), k::SOL_SOCKET, k::SO_BINDTODEVICE, name)
    }

    /// The interface the socket is bound to (`SO_BINDTODEVICE`), if any.
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_BINDTODEVICE")]
    pub fn bind_device(&self) -> Result<Option<ShortName>> {
        let mut buf = [0u8; SHORT_NAME_MAX + 1];
        let n = sockopt::get_bytes(self.as_fd(), k::SOL_SOCKET, k::SO_BINDTODEVICE, &mut buf)?;
        if n == 0 || buf[0] == 0 {
            return Ok(None);
        }
        ShortName::from_kernel(&buf[..n])
            .map(Some)
            .ok_or(Error::OptionSize {
                expected: (SHORT_NAME_MAX + 1) as u32,
                got: n as u32,
            })
    }

    /// The mark on outgoing packets, for routing and filtering (`SO_MARK`); needs
    /// `CAP_NET_ADMIN`.
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_MARK")]
    pub fn set_mark(&self, mark: u32) -> Result<()> {
        sockopt::set(self.as_fd(), k::SOL_SOCKET, k::SO_MARK, &mark)
    }

    /// The mark on outgoing packets (`SO_MARK`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_MARK")]
    pub fn mark(&self) -> Result<u32> {
        sockopt::get(self.as_fd(), k::SOL_SOCKET, k::SO_MARK)
    }

    /// The priority of outgoing packets, 0 to 6 without `CAP_NET_ADMIN` (`SO_PRIORITY`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_PRIORITY")]
    pub fn set_priority(&self, priority: u32) -> Result<()> {
        sockopt::set(self.as_fd(), k::SOL_SOCKET, k::SO_PRIORITY, &priority)
    }

    /// The priority of outgoing packets (`SO_PRIORITY`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_PRIORITY")]
    pub fn priority(&self) -> Result<u32> {
        sockopt::get(self.as_fd(), k::SOL_SOCKET, k::SO_PRIORITY)
    }

    /// How many bytes a receive waits for before it returns (`SO_RCVLOWAT`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_RCVLOWAT")]
    pub fn set_recv_low_water(&self, bytes: usize) -> Result<()> {
        set_int(self.as_fd(), k::SOL_SOCKET, k::SO_RCVLOWAT, size_arg(bytes))
    }

    /// The receive low-water mark (`SO_RCVLOWAT`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_RCVLOWAT")]
    pub fn recv_low_water(&self) -> Result<usize> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_RCVLOWAT).map(|v| v.max(0) as usize)
    }

    /// How long a blocking receive busy-polls the device before sleeping (`SO_BUSY_POLL`),
    /// in whole microseconds; raising it above `net.core.busy_read` needs `CAP_NET_ADMIN`.
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_BUSY_POLL")]
    pub fn set_busy_poll(&self, time: Duration) -> Result<()> {
        let us = units_arg(time, Duration::from_micros(1))?;
        set_int(self.as_fd(), k::SOL_SOCKET, k::SO_BUSY_POLL, us)
    }

    /// The busy-poll time (`SO_BUSY_POLL`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_BUSY_POLL")]
    pub fn busy_poll(&self) -> Result<Duration> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_BUSY_POLL)
            .map(|v| Duration::from_micros(v.max(0) as u64))
    }

    /// Steers the socket's packets to a CPU (`SO_INCOMING_CPU`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_INCOMING_CPU")]
    pub fn set_incoming_cpu(&self, cpu: u32) -> Result<()> {
        set_int(
            self.as_fd(),
            k::SOL_SOCKET,
            k::SO_INCOMING_CPU,
            cpu.try_into().map_err(|_| Error::Os(Errno::INVAL))?,
        )
    }

    /// The CPU the socket's packets were last handled on (`SO_INCOMING_CPU`); `None` before any.
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_INCOMING_CPU")]
    pub fn incoming_cpu(&self) -> Result<Option<u32>> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_INCOMING_CPU).map(|v| u32::try_from(v).ok())
    }
}

/// IPv4 options (`IPPROTO_IP`) beyond the TTL: ip(7).
impl Socket {
    /// The type-of-service byte of outgoing packets: DSCP and ECN (`IP_TOS`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// s.set_tos(0x10)?; // low delay
    /// assert_eq!(s.tos()?, 0x10);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)
    #[doc(alias = "IP_TOS")]
    pub fn set_tos(&self, tos: u8) -> Result<()> {
        set_int(self.as_fd(), IP, k::IP_TOS, tos.into())
    }

    /// The type-of-service byte (`IP_TOS`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)
    #[doc(alias = "IP_TOS")]
    pub fn tos(&self) -> Result<u8> {
        get_int(self.as_fd(), IP, k::IP_TOS).map(|v| v as u8)
    }

    /// Joins a multicast group on an interface (`IP_ADD_MEMBERSHIP`).
    ///
    /// ```
    /// use baresock::{MulticastInterface, UdpSocket};
    /// use core::net::Ipv4Addr;
    /// let s = UdpSocket::bind("0.0.0.0:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let group = Ipv4Addr::new(239, 255, 0, 1);
    /// s.as_socket().join_multicast_v4(group, MulticastInterface::Any)?;
    /// s.as_socket().leave_multicast_v4(group, MulticastInterface::Any)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)
    #[doc(alias = "IP_ADD_MEMBERSHIP")]
    pub fn join_multicast_v4(&self, group: Ipv4Addr, interface: MulticastInterface) -> Result<()> {
        sockopt::set(
            self.as_fd(),
            IP,
            k::IP_ADD_MEMBERSHIP,
            &interface.mreqn(group)?,
        )
    }

    /// Leaves a multicast group (`IP_DROP_MEMBERSHIP`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)
    #[doc(alias = "IP_DROP_MEMBERSHIP")]
    pub fn leave_multicast_v4(&self, group: Ipv4Addr, interface: MulticastInterface) -> Result<()> {
        sockopt::set(
            self.as_fd(),
            IP,
            k::IP_DROP_MEMBERSHIP,
            &interface.mreqn(group)?,
        )
    }

    /// The interface outgoing multicast leaves by (`IP_MULTICAST_IF`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)
    #[doc(alias = "IP_MULTICAST_IF")]
    pub fn set_multicast_if_v4(&self, interface: MulticastInterface) -> Result<()> {
        sockopt::set(
            self.as_fd(),
            IP,
            k::IP_MULTICAST_IF,
            &interface.mreqn(Ipv4Addr::UNSPECIFIED)?,
        )
    }

    /// The local address outgoing multicast leaves from (`IP_MULTICAST_IF`); unspecified when
    /// the kernel chooses (or an index was set).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)
    #[doc(alias = "IP_MULTICAST_IF")]
    pub fn multicast_if_v4(&self) -> Result<Ipv4Addr> {
        let mut b = [0u8; 4];
        let n = sockopt::get_bytes(self.as_fd(), IP, k::IP_MULTICAST_IF, &mut b)?;
        if n != 4 {
            return Err(Error::OptionSize {
                expected: 4,
                got: n as u32,
            });
        }
        Ok(Ipv4Addr::from(b))
    }

    /// The TTL of outgoing multicast, 0 to 255 (`IP_MULTICAST_TTL`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)
    #[doc(alias = "IP_MULTICAST_TTL")]
    pub fn set_multicast_ttl_v4(&self, ttl: u8) -> Result<()> {
        set_int(self.as_fd(), IP, k::IP_MULTICAST_TTL, ttl.into())
    }

    /// The TTL of outgoing multicast (`IP_MULTICAST_TTL`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`ip(7)`](https://man7.org/linux/man-pages/man7/ip.7.html)
    #[doc(alias = "IP_MULTICAST_TTL")]
    pub fn multicast_ttl_v4(&self) -> Result<u8> {
        get_int(self.as_fd(), IP, k::IP_MULTICAST_TTL).map(|v| v as u8)
    }

    bool_option!(
        /// Loops outgoing multicast back to local listeners (`IP_MULTICAST_LOOP`).
        "IP_MULTICAST_LOOP", IP, k::IP_MULTICAST_LOOP, multicast_loop_v4, set_multicast_loop_v4, "ip"
    );
    bool_option!(
        /// Allows binding to an address not (yet) on any interface (`IP_FREEBIND`).
        "IP_FREEBIND", IP, k::IP_FREEBIND, freebind, set_freebind, "ip"
    );
    bool_option!(
        /// Transparent proxying: bind to and accept for foreign addresses (`IP_TRANSPARENT`);
        /// needs `CAP_NET_ADMIN` or `CAP_NET_RAW`.
        "IP_TRANSPARENT", IP, k::IP_TRANSPARENT, transparent, set_transparent, "ip"
    );
    bool_option!(
        /// Queues extended error reports, read with `MSG_ERRQUEUE` (`IP_RECVERR`).
        "IP_RECVERR", IP, k::IP_RECVERR, recv_err, set_recv_err, "ip"
    );
}

/// IPv6 options (`IPPROTO_IPV6`) beyond hops and v6-only: ipv6(7).
impl Socket {
    /// The traffic class of outgoing packets (`IPV6_TCLASS`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ipv6(7)`](https://man7.org/linux/man-pages/man7/ipv6.7.html)
    #[doc(alias = "IPV6_TCLASS")]
    pub fn set_tclass_v6(&self, tclass: u8) -> Result<()> {
        set_int(self.as_fd(), IPV6, k::IPV6_TCLASS, tclass.into())
    }

    /// The traffic class of outgoing packets (`IPV6_TCLASS`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`ipv6(7)`](https://man7.org/linux/man-pages/man7/ipv6.7.html)
    #[doc(alias = "IPV6_TCLASS")]
    pub fn tclass_v6(&self) -> Result<u8> {
        get_int(self.as_fd(), IPV6, k::IPV6_TCLASS).map(|v| v as u8)
    }

    /// Joins a multicast group on the interface with this index; 0 lets the kernel choose
    /// (`IPV6_ADD_MEMBERSHIP`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ipv6(7)`](https://man7.org/linux/man-pages/man7/ipv6.7.html)
    #[doc(alias = "IPV6_ADD_MEMBERSHIP")]
    pub fn join_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> Result<()> {
        let m = Ipv6Mreq {
            multiaddr: group.octets(),
            ifindex: index_arg(interface)?,
        };
        sockopt::set(self.as_fd(), IPV6, k::IPV6_ADD_MEMBERSHIP, &m)
    }

    /// Leaves a multicast group (`IPV6_DROP_MEMBERSHIP`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ipv6(7)`](https://man7.org/linux/man-pages/man7/ipv6.7.html)
    #[doc(alias = "IPV6_DROP_MEMBERSHIP")]
    pub fn leave_multicast_v6(&self, group: &Ipv6Addr, interface: u32) -> Result<()> {
        let m = Ipv6Mreq {
            multiaddr: group.octets(),
            ifindex: index_arg(interface)?,
        };
        sockopt::set(self.as_fd(), IPV6, k::IPV6_DROP_MEMBERSHIP, &m)
    }

    /// The index of the interface outgoing multicast leaves by; 0 lets the kernel choose
    /// (`IPV6_MULTICAST_IF`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ipv6(7)`](https://man7.org/linux/man-pages/man7/ipv6.7.html)
    #[doc(alias = "IPV6_MULTICAST_IF")]
    pub fn set_multicast_if_v6(&self, interface: u32) -> Result<()> {
        set_int(
            self.as_fd(),
            IPV6,
            k::IPV6_MULTICAST_IF,
            index_arg(interface)?,
        )
    }

    /// The index of the interface outgoing multicast leaves by (`IPV6_MULTICAST_IF`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`ipv6(7)`](https://man7.org/linux/man-pages/man7/ipv6.7.html)
    #[doc(alias = "IPV6_MULTICAST_IF")]
    pub fn multicast_if_v6(&self) -> Result<u32> {
        get_int(self.as_fd(), IPV6, k::IPV6_MULTICAST_IF).map(|v| v.max(0) as u32)
    }

    /// The hop limit of outgoing multicast, 0 to 255 (`IPV6_MULTICAST_HOPS`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`ipv6(7)`](https://man7.org/linux/man-pages/man7/ipv6.7.html)
    #[doc(alias = "IPV6_MULTICAST_HOPS")]
    pub fn set_multicast_hops_v6(&self, hops: u8) -> Result<()> {
        set_int(self.as_fd(), IPV6, k::IPV6_MULTICAST_HOPS, hops.into())
    }

    /// The hop limit of outgoing multicast (`IPV6_MULTICAST_HOPS`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`ipv6(7)`](https://man7.org/linux/man-pages/man7/ipv6.7.html)
    #[doc(alias = "IPV6_MULTICAST_HOPS")]
    pub fn multicast_hops_v6(&self) -> Result<u8> {
        get_int(self.as_fd(), IPV6, k::IPV6_MULTICAST_HOPS).map(|v| v as u8)
    }

    bool_option!(
        /// Loops outgoing multicast back to local listeners (`IPV6_MULTICAST_LOOP`).
        "IPV6_MULTICAST_LOOP", IPV6, k::IPV6_MULTICAST_LOOP, multicast_loop_v6, set_multicast_loop_v6, "ipv6"
    );
    bool_option!(
        /// Allows binding to an address not (yet) on any interface (`IPV6_FREEBIND`).
        "IPV6_FREEBIND", IPV6, k::IPV6_FREEBIND, freebind_v6, set_freebind_v6, "ipv6"
    );
    bool_option!(
        /// Transparent proxying (`IPV6_TRANSPARENT`); needs `CAP_NET_ADMIN` or `CAP_NET_RAW`.
        "IPV6_TRANSPARENT", IPV6, k::IPV6_TRANSPARENT, transparent_v6, set_transparent_v6, "ipv6"
    );
    bool_option!(
        /// Queues extended error reports, read with `MSG_ERRQUEUE` (`IPV6_RECVERR`).
        "IPV6_RECVERR", IPV6, k::IPV6_RECVERR, recv_err_v6, set_recv_err_v6, "ipv6"
    );
}

/// TCP options (`IPPROTO_TCP`) beyond `TCP_NODELAY`: tcp(7).
impl Socket {
    bool_option!(
        /// Holds back partial segments until uncorked (or 200 ms pass) (`TCP_CORK`).
        "TCP_CORK", TCP, k::TCP_CORK, cork, set_cork, "tcp"
    );
    bool_option!(
        /// Sends ACKs at once rather than delayed; the kernel may turn it off again by itself
        /// (`TCP_QUICKACK`).
        "TCP_QUICKACK", TCP, k::TCP_QUICKACK, quickack, set_quickack, "tcp"
    );

    /// Idle time before the first keepalive probe, whole seconds from 1 to 32767, rounded up
    /// (`TCP_KEEPIDLE`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// let s = Socket::new(Family::Inet, Type::Stream, Protocol::TCP)?;
    /// s.set_keepalive(true)?;
    /// s.set_keepalive_idle(Duration::from_secs(60))?;
    /// s.set_keepalive_interval(Duration::from_secs(10))?;
    /// s.set_keepalive_count(5)?;
    /// assert_eq!(s.keepalive_idle()?, Duration::from_secs(60));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_KEEPIDLE")]
    pub fn set_keepalive_idle(&self, idle: Duration) -> Result<()> {
        set_int(
            self.as_fd(),
            TCP,
            k::TCP_KEEPIDLE,
            units_arg(idle, Duration::from_secs(1))?,
        )
    }

    /// Idle time before the first keepalive probe (`TCP_KEEPIDLE`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_KEEPIDLE")]
    pub fn keepalive_idle(&self) -> Result<Duration> {
        get_int(self.as_fd(), TCP, k::TCP_KEEPIDLE).map(|v| Duration::from_secs(v.max(0) as u64))
    }

    /// Time between keepalive probes, whole seconds from 1 to 32767, rounded up
    /// (`TCP_KEEPINTVL`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_KEEPINTVL")]
    pub fn set_keepalive_interval(&self, interval: Duration) -> Result<()> {
        set_int(
            self.as_fd(),
            TCP,
            k::TCP_KEEPINTVL,
            units_arg(interval, Duration::from_secs(1))?,
        )
    }

    /// Time between keepalive probes (`TCP_KEEPINTVL`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_KEEPINTVL")]
    pub fn keepalive_interval(&self) -> Result<Duration> {
        get_int(self.as_fd(), TCP, k::TCP_KEEPINTVL).map(|v| Duration::from_secs(v.max(0) as u64))
    }

    /// Unanswered probes before the connection is dropped, 1 to 127 (`TCP_KEEPCNT`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_KEEPCNT")]
    pub fn set_keepalive_count(&self, count: u32) -> Result<()> {
        set_int(
            self.as_fd(),
            TCP,
            k::TCP_KEEPCNT,
            count.try_into().unwrap_or(i32::MAX),
        )
    }

    /// Unanswered probes before the connection is dropped (`TCP_KEEPCNT`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_KEEPCNT")]
    pub fn keepalive_count(&self) -> Result<u32> {
        get_int(self.as_fd(), TCP, k::TCP_KEEPCNT).map(|v| v.max(0) as u32)
    }

    /// How long sent data may stay unacknowledged before the connection is dropped, in whole
    /// milliseconds, rounded up; `None` for the system default (`TCP_USER_TIMEOUT`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// let s = Socket::new(Family::Inet, Type::Stream, Protocol::TCP)?;
    /// s.set_user_timeout(Some(Duration::from_secs(30)))?;
    /// assert_eq!(s.user_timeout()?, Some(Duration::from_secs(30)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_USER_TIMEOUT")]
    pub fn set_user_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        let ms = match timeout {
            Some(t) => units_arg(t, Duration::from_millis(1))?,
            None => 0,
        };
        set_int(self.as_fd(), TCP, k::TCP_USER_TIMEOUT, ms)
    }

    /// The `TCP_USER_TIMEOUT` setting; `None` for the system default.
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_USER_TIMEOUT")]
    pub fn user_timeout(&self) -> Result<Option<Duration>> {
        let ms = get_int(self.as_fd(), TCP, k::TCP_USER_TIMEOUT)?;
        Ok((ms > 0).then(|| Duration::from_millis(ms as u64)))
    }

    /// On a listener, accepts data in the SYN (TCP Fast Open) with a queue of this many pending
    /// requests; 0 turns it off (`TCP_FASTOPEN`).
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_FASTOPEN")]
    pub fn set_fastopen(&self, queue: u32) -> Result<()> {
        set_int(
            self.as_fd(),
            TCP,
            k::TCP_FASTOPEN,
            queue.try_into().unwrap_or(i32::MAX),
        )
    }

    /// The TCP Fast Open queue length (`TCP_FASTOPEN`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_FASTOPEN")]
    pub fn fastopen(&self) -> Result<u32> {
        get_int(self.as_fd(), TCP, k::TCP_FASTOPEN).map(|v| v.max(0) as u32)
    }

    /// The congestion-control algorithm, by name (`TCP_CONGESTION`): one of
    /// `net.ipv4.tcp_available_congestion_control` (`ENOENT` otherwise), others only with
    /// `CAP_NET_ADMIN` (`EPERM`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, ShortName, Socket, Type};
    /// let s = Socket::new(Family::Inet, Type::Stream, Protocol::TCP)?;
    /// s.set_congestion(&ShortName::new(b"reno")?)?; // always built in
    /// assert_eq!(s.congestion()?.as_bytes(), b"reno");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_CONGESTION")]
    pub fn set_congestion(&self, algorithm: &ShortName) -> Result<()> {
        sockopt::set_bytes(self.as_fd(), TCP, k::TCP_CONGESTION, algorithm.as_bytes())
    }

    /// The congestion-control algorithm (`TCP_CONGESTION`).
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_CONGESTION")]
    pub fn congestion(&self) -> Result<ShortName> {
        let mut buf = [0u8; SHORT_NAME_MAX + 1];
        let n = sockopt::get_bytes(self.as_fd(), TCP, k::TCP_CONGESTION, &mut buf)?;
        ShortName::from_kernel(&buf[..n]).ok_or(Error::OptionSize {
            expected: (SHORT_NAME_MAX + 1) as u32,
            got: n as u32,
        })
    }

    /// The connection's state and counters (`TCP_INFO`).
    ///
    /// ```
    /// use baresock::{TcpListener, TcpStream};
    /// let listener = TcpListener::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let s = TcpStream::connect(listener.local_addr()?)?;
    /// let info = s.as_socket().tcp_info()?;
    /// assert_eq!(info.state, 1); // TCP_ESTABLISHED
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`tcp(7)`](https://man7.org/linux/man-pages/man7/tcp.7.html)
    #[doc(alias = "TCP_INFO")]
    pub fn tcp_info(&self) -> Result<TcpInfo> {
        let mut buf = [0u8; 256];
        let n = sockopt::get_bytes(self.as_fd(), TCP, k::TCP_INFO, &mut buf)?;
        TcpInfo::from_bytes(&buf[..n])
    }
}

/// UDP options (`SOL_UDP`): udp(7).
impl Socket {
    /// Segments each send into datagrams of this many payload bytes, in the kernel or the
    /// NIC (generic segmentation offload); 0 turns it off (`UDP_SEGMENT`).
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// let s = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// // Each send of up to 64 KiB leaves as datagrams of 1200 bytes (where the kernel has GSO).
    /// if s.as_socket().set_udp_segment(1200).is_ok() {
    ///     assert_eq!(s.as_socket().udp_segment()?, 1200);
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`udp(7)`](https://man7.org/linux/man-pages/man7/udp.7.html)
    #[doc(alias = "UDP_SEGMENT")]
    pub fn set_udp_segment(&self, size: u16) -> Result<()> {
        set_int(self.as_fd(), k::SOL_UDP, sockopt::UDP_SEGMENT, size.into())
    }

    /// The GSO segment size (`UDP_SEGMENT`); 0 when off.
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`udp(7)`](https://man7.org/linux/man-pages/man7/udp.7.html)
    #[doc(alias = "UDP_SEGMENT")]
    pub fn udp_segment(&self) -> Result<u16> {
        get_int(self.as_fd(), k::SOL_UDP, sockopt::UDP_SEGMENT)
            .map(|v| v.clamp(0, u16::MAX.into()) as u16)
    }

    bool_option!(
        /// Receives runs of datagrams coalesced into one buffer, with their segment size as a
        /// control message (generic receive offload, `UDP_GRO`).
        "UDP_GRO", k::SOL_UDP, sockopt::UDP_GRO, udp_gro, set_udp_gro, "udp"
    );
}

bitflags::bitflags! {
    /// What `SO_TIMESTAMPING` stamps and reports (the kernel's `SOF_TIMESTAMPING_*`;
    /// Documentation/networking/timestamping.rst).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct Timestamping: u32 {
        /// Stamp outgoing packets in hardware.
        const TX_HARDWARE = 1 << 0;
        /// Stamp outgoing packets in software.
        const TX_SOFTWARE = 1 << 1;
        /// Stamp incoming packets in hardware.
        const RX_HARDWARE = 1 << 2;
        /// Stamp incoming packets in software.
        const RX_SOFTWARE = 1 << 3;
        /// Report software stamps.
        const SOFTWARE = 1 << 4;
        /// Report raw hardware stamps.
        const RAW_HARDWARE = 1 << 6;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Timestamping {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "Timestamping({=u32:#x})", self.bits())
    }
}

/// Which control messages arrive with received messages (read them with
/// [`Socket::recv_msg`]): socket(7), ip(7), ipv6(7).
impl Socket {
    bool_option!(
        /// Receives the sender's credentials with each message on a Unix socket
        /// (`SO_PASSCRED`).
        "SO_PASSCRED", k::SOL_SOCKET, k::SO_PASSCRED, pass_credentials, set_pass_credentials, "socket"
    );

    /// Receives a nanosecond timestamp with each packet (`SO_TIMESTAMPNS`), in the 64-bit
    /// format where the kernel has it (5.1 and later).
    ///
    /// ```
    /// use baresock::{ControlMessage, IoSliceMut, RecvFlags, UdpSocket};
    /// let rx = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let tx = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// rx.as_socket().set_timestamp_ns(true)?;
    /// tx.send_to(b"when?", rx.local_addr()?)?;
    /// let (mut buf, mut space) = ([0u8; 16], [0u8; 64]);
    /// let mut bufs = [IoSliceMut::new(&mut buf)];
    /// let msg = rx.as_socket().recv_msg(&mut bufs, &mut space, RecvFlags::empty())?;
    /// assert!(msg.control().any(|c| matches!(c, ControlMessage::Timestamp(t) if t.sec > 0)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_TIMESTAMPNS")]
    pub fn set_timestamp_ns(&self, on: bool) -> Result<()> {
        match set_int(
            self.as_fd(),
            k::SOL_SOCKET,
            k::SO_TIMESTAMPNS_NEW,
            on.into(),
        ) {
            Err(Error::Os(Errno::NOPROTOOPT)) => set_int(
                self.as_fd(),
                k::SOL_SOCKET,
                k::SO_TIMESTAMPNS_OLD,
                on.into(),
            ),
            r => r,
        }
    }

    /// Whether `SO_TIMESTAMPNS` is on.
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    #[doc(alias = "SO_TIMESTAMPNS")]
    pub fn timestamp_ns(&self) -> Result<bool> {
        // The kernel reports it on only under the variant (64-bit or old) that was set.
        let new = match get_int(self.as_fd(), k::SOL_SOCKET, k::SO_TIMESTAMPNS_NEW) {
            Err(Error::Os(Errno::NOPROTOOPT)) => 0,
            r => r?,
        };
        Ok(new != 0 || get_int(self.as_fd(), k::SOL_SOCKET, k::SO_TIMESTAMPNS_OLD)? != 0)
    }

    /// Asks for timestamps of the given kinds (`SO_TIMESTAMPING`); the reported ones arrive as
    /// [`ControlMessage::Timestamping`](crate::ControlMessage::Timestamping). The kernel turns
    /// software receive stamping on asynchronously: the first packets after this call may
    /// arrive without a stamp.
    ///
    /// # References
    ///  - [`setsockopt(2)`](https://man7.org/linux/man-pages/man2/setsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    ///  - [Linux timestamping](https://docs.kernel.org/networking/timestamping.html)
    #[doc(alias = "SO_TIMESTAMPING")]
    pub fn set_timestamping(&self, flags: Timestamping) -> Result<()> {
        let v = flags.bits() as i32;
        match set_int(self.as_fd(), k::SOL_SOCKET, k::SO_TIMESTAMPING_NEW, v) {
            Err(Error::Os(Errno::NOPROTOOPT)) => {
                set_int(self.as_fd(), k::SOL_SOCKET, k::SO_TIMESTAMPING_OLD, v)
            }
            r => r,
        }
    }

    /// The `SO_TIMESTAMPING` flags.
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    ///  - [Linux timestamping](https://docs.kernel.org/networking/timestamping.html)
    #[doc(alias = "SO_TIMESTAMPING")]
    pub fn timestamping(&self) -> Result<Timestamping> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_TIMESTAMPING_OLD)
            .map(|v| Timestamping::from_bits_retain(v as u32))
    }

    bool_option!(
        /// Receives the interface and addresses of each IPv4 packet (`IP_PKTINFO`).
        ///
        /// ```
        /// use baresock::{ControlMessage, IoSliceMut, RecvFlags, UdpSocket};
        /// let rx = UdpSocket::bind("0.0.0.0:0".parse::<core::net::SocketAddr>().unwrap())?;
        /// rx.as_socket().set_recv_packet_info_v4(true)?;
        /// let port = rx.local_addr()?.port();
        /// let tx = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
        /// tx.send_to(b"x", ("127.0.0.1".parse::<core::net::IpAddr>().unwrap(), port))?;
        /// let (mut buf, mut space) = ([0u8; 8], [0u8; 64]);
        /// let mut bufs = [IoSliceMut::new(&mut buf)];
        /// let msg = rx.as_socket().recv_msg(&mut bufs, &mut space, RecvFlags::empty())?;
        /// // Which address the datagram was sent to, on a socket bound to all of them.
        /// assert!(msg.control().any(|c| matches!(
        ///     c,
        ///     ControlMessage::PacketInfoV4 { destination, .. } if destination.is_loopback()
        /// )));
        /// # Ok::<(), baresock::Error>(())
        /// ```
        "IP_PKTINFO", IP, k::IP_PKTINFO, recv_packet_info_v4, set_recv_packet_info_v4, "ip"
    );
    bool_option!(
        /// Receives the TTL of each IPv4 packet (`IP_RECVTTL`).
        "IP_RECVTTL", IP, k::IP_RECVTTL, recv_ttl, set_recv_ttl, "ip"
    );
    bool_option!(
        /// Receives the TOS byte of each IPv4 packet (`IP_RECVTOS`).
        "IP_RECVTOS", IP, k::IP_RECVTOS, recv_tos, set_recv_tos, "ip"
    );
    bool_option!(
        /// Receives the interface and destination of each IPv6 packet (`IPV6_RECVPKTINFO`).
        "IPV6_RECVPKTINFO", IPV6, k::IPV6_RECVPKTINFO, recv_packet_info_v6, set_recv_packet_info_v6, "ipv6"
    );
    bool_option!(
        /// Receives the hop limit of each IPv6 packet (`IPV6_RECVHOPLIMIT`).
        "IPV6_RECVHOPLIMIT", IPV6, k::IPV6_RECVHOPLIMIT, recv_hop_limit, set_recv_hop_limit, "ipv6"
    );
    bool_option!(
        /// Receives the traffic class of each IPv6 packet (`IPV6_RECVTCLASS`).
        "IPV6_RECVTCLASS", IPV6, k::IPV6_RECVTCLASS, recv_traffic_class, set_recv_traffic_class, "ipv6"
    );
}
