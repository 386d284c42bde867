//! Socket-level options (`SOL_SOCKET`): socket(7); the kernel timeouts, socket filters.

use crate::InputError;
use core::time::Duration;

use linux_raw_sys::net as k;
use rustix::fd::{AsFd, BorrowedFd};
use rustix::io::Errno;

use crate::bpf::Program;
use crate::sys::sockopt::{self, Linger, OldTimeval, SockTimeval};
use crate::{Error, Result, ShortName, Socket, SHORT_NAME_MAX};

use super::{get_int, set_int, units_arg};

/// Socket-level options (`SOL_SOCKET`): socket(7).
impl Socket {
    bool_option!(
        /// Allows binding to an address in `TIME_WAIT` (`SO_REUSEADDR`).
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// let s = Socket::new(Family::INET, Type::STREAM, Protocol::TCP)?;
        /// s.set_reuse_address(true)?;
        /// assert!(s.reuse_address()?);
        /// # Ok::<(), baresock::Error>(())
        /// ```
        "SO_REUSEADDR", k::SOL_SOCKET, k::SO_REUSEADDR, reuse_address, set_reuse_address, socket
    );
    bool_option!(
        /// Lets several sockets bind the same address and port, the kernel spreading
        /// connections or datagrams among them (`SO_REUSEPORT`).
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// use core::net::SocketAddr;
        /// let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        /// let a = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
        /// a.set_reuse_port(true)?;
        /// a.bind(addr)?;
        /// let b = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
        /// b.set_reuse_port(true)?;
        /// b.bind(a.local_addr()?)?; // the same port, shared
        /// # Ok::<(), baresock::Error>(())
        /// ```
        "SO_REUSEPORT", k::SOL_SOCKET, k::SO_REUSEPORT, reuse_port, set_reuse_port, socket
    );
    bool_option!(
        /// Allows sending to broadcast addresses (`SO_BROADCAST`).
        "SO_BROADCAST", k::SOL_SOCKET, k::SO_BROADCAST, broadcast, set_broadcast, socket
    );
    bool_option!(
        /// Sends keepalive probes on an idle connection (`SO_KEEPALIVE`).
        "SO_KEEPALIVE", k::SOL_SOCKET, k::SO_KEEPALIVE, keepalive, set_keepalive, socket
    );

    /// Whether the socket is listening (`SO_ACCEPTCONN`).
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    #[doc(alias = "SO_ACCEPTCONN")]
    pub fn is_listening(&self) -> Result<bool> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_ACCEPTCONN).map(|v| v != 0)
    }

    /// What `close` does with unsent data (`SO_LINGER`): `None` returns at once and lets the
    /// kernel send it in the background; `Some(d)` waits up to `d` (whole seconds, rounded
    /// up); `Some(Duration::ZERO)` discards it and resets the connection.
    ///
    /// Fails with [`InputError::DurationOutOfRange`](crate::InputError::DurationOutOfRange) beyond
    /// `i32::MAX` seconds.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// let s = Socket::new(Family::INET, Type::STREAM, Protocol::TCP)?;
    /// s.set_linger(Some(Duration::from_secs(2)))?;
    /// assert_eq!(s.linger()?, Some(Duration::from_secs(2)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), socket(7))]
    #[doc(alias = "SO_LINGER")]
    pub fn set_linger(&self, linger: Option<Duration>) -> Result<()> {
        let l = match linger {
            None => Linger::default(),
            Some(d) => {
                let secs = d.as_secs().checked_add(u64::from(d.subsec_nanos() > 0));
                let secs = secs
                    .and_then(|s| i32::try_from(s).ok())
                    .ok_or(Error::Input(InputError::DurationOutOfRange))?;
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
    #[doc = man!(getsockopt(2), socket(7))]
    #[doc(alias = "SO_LINGER")]
    pub fn linger(&self) -> Result<Option<Duration>> {
        let l: Linger = sockopt::get(self.as_fd(), k::SOL_SOCKET, k::SO_LINGER)?;
        Ok((l.l_onoff != 0).then(|| Duration::from_secs(l.l_linger.max(0) as u64)))
    }

    int_option!(
        /// Asks for a send buffer of `size` bytes (`SO_SNDBUF`). The kernel doubles the value for
        /// its bookkeeping and caps it at `net.core.wmem_max`; [`send_buffer_size`] reads the result.
        ///
        /// [`send_buffer_size`]: Self::send_buffer_size
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
        /// s.set_send_buffer_size(64 * 1024)?;
        /// assert!(s.send_buffer_size()? >= 64 * 1024); // doubled by the kernel
        /// # Ok::<(), baresock::Error>(())
        /// ```
        ["SO_SNDBUF"], k::SOL_SOCKET, k::SO_SNDBUF, send_buffer_size, set_send_buffer_size, usize, socket
    );

    int_option!(
        /// Asks for a receive buffer of `size` bytes (`SO_RCVBUF`); doubled and capped at
        /// `net.core.rmem_max` by the kernel, like [`set_send_buffer_size`](Self::set_send_buffer_size).
        ["SO_RCVBUF"], k::SOL_SOCKET, k::SO_RCVBUF, recv_buffer_size, set_recv_buffer_size, usize, socket
    );

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
    #[doc = man!(setsockopt(2), socket(7))]
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
    #[doc = man!(getsockopt(2), socket(7))]
    #[doc(alias = "SO_RCVTIMEO")]
    pub fn kernel_recv_timeout(&self) -> Result<Option<Duration>> {
        kernel_timeout(self.as_fd(), k::SO_RCVTIMEO_NEW, k::SO_RCVTIMEO_OLD)
    }

    /// The kernel's own send timeout (`SO_SNDTIMEO`), as [`set_kernel_recv_timeout`] is for
    /// receiving.
    ///
    /// [`set_kernel_recv_timeout`]: Self::set_kernel_recv_timeout
    ///
    #[doc = man!(setsockopt(2), socket(7))]
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
    #[doc = man!(getsockopt(2), socket(7))]
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
    let sec = i64::try_from(sec).map_err(|_| Error::Input(InputError::DurationOutOfRange))?;
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
            let tv_sec = core::ffi::c_long::try_from(sec)
                .map_err(|_| Error::Input(InputError::DurationOutOfRange))?;
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
        Err(Error::Os(Errno::NOPROTOOPT)) | Err(Error::Input(InputError::OptionSize { .. })) => {
            let tv: OldTimeval = sockopt::get(fd, k::SOL_SOCKET, old)?;
            // `c_long` is `i32` on 32-bit targets, `i64` elsewhere.
            #[allow(clippy::useless_conversion)]
            let tv = (i64::from(tv.tv_sec), i64::from(tv.tv_usec));
            tv
        }
        Err(e) => return Err(e),
    };
    let (Ok(sec), Ok(usec)) = (u64::try_from(sec), u32::try_from(usec)) else {
        return Err(Error::Input(InputError::DurationOutOfRange));
    };
    if usec >= 1_000_000 {
        return Err(Error::Input(InputError::DurationOutOfRange));
    }
    let d = Duration::new(sec, usec * 1000);
    Ok((!d.is_zero()).then_some(d))
}

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
    #[doc = man!(setsockopt(2), socket(7), socket_filter)]
    #[doc(alias = "SO_ATTACH_FILTER")]
    pub fn attach_filter(&self, program: &Program<'_>) -> Result<()> {
        sockopt::set_program(self.as_fd(), k::SOL_SOCKET, k::SO_ATTACH_FILTER, program)
    }

    /// Removes the filter (`SO_DETACH_FILTER`); `ENOENT` if there is none.
    ///
    #[doc = man!(setsockopt(2), socket(7), socket_filter)]
    #[doc(alias = "SO_DETACH_FILTER")]
    pub fn detach_filter(&self) -> Result<()> {
        set_int(self.as_fd(), k::SOL_SOCKET, k::SO_DETACH_FILTER, 0)
    }

    bool_option!(
        /// Locks the filter: it can no longer be replaced or removed (`SO_LOCK_FILTER`). A
        /// process can lock its sockets before handing them to less trusted code.
        "SO_LOCK_FILTER", k::SOL_SOCKET, k::SO_LOCK_FILTER, lock_filter, set_lock_filter, socket
    );
}

/// Socket-level options (`SOL_SOCKET`) beyond the everyday ones: socket(7).
impl Socket {
    /// Sends and receives only through the interface called `interface` (`SO_BINDTODEVICE`):
    /// text, bytes or a [`ShortName`]. Needs `CAP_NET_RAW` unless binding to the interface
    /// already bound. A name past 15 bytes is [`AddressError::NameTooLong`](crate::AddressError::NameTooLong), one holding a NUL
    /// [`AddressError::NameNul`](crate::AddressError::NameNul); [`unbind_device`](Self::unbind_device) removes the binding.
    ///
    /// ``` no_run
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// s.set_bind_device("lo")?; // CAP_NET_RAW before Linux 5.7
    /// assert_eq!(s.bind_device()?.unwrap().as_str(), Some("lo"));
    /// s.unbind_device()?; // CAP_NET_RAW
    /// assert_eq!(s.bind_device()?, None);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), socket(7))]
    #[doc(alias = "SO_BINDTODEVICE")]
    pub fn set_bind_device(&self, interface: impl AsRef<[u8]>) -> Result<()> {
        let name = ShortName::new(interface.as_ref())?;
        sockopt::set_bytes(
            self.as_fd(),
            k::SOL_SOCKET,
            k::SO_BINDTODEVICE,
            name.as_bytes_with_nul(),
        )
    }

    /// Removes the binding [`set_bind_device`](Self::set_bind_device) made
    /// (`SO_BINDTODEVICE` with no name), so the socket uses every interface again. Needs
    /// `CAP_NET_RAW` (the kernel asks it for any change to a binding).
    ///
    #[doc = man!(setsockopt(2), socket(7))]
    #[doc(alias = "SO_BINDTODEVICE")]
    pub fn unbind_device(&self) -> Result<()> {
        sockopt::set_bytes(self.as_fd(), k::SOL_SOCKET, k::SO_BINDTODEVICE, &[])
    }

    /// The interface the socket is bound to (`SO_BINDTODEVICE`), if any.
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    #[doc(alias = "SO_BINDTODEVICE")]
    pub fn bind_device(&self) -> Result<Option<ShortName>> {
        let mut buf = [0u8; SHORT_NAME_MAX + 1];
        let n = sockopt::get_bytes(self.as_fd(), k::SOL_SOCKET, k::SO_BINDTODEVICE, &mut buf)?;
        if n == 0 || buf[0] == 0 {
            return Ok(None);
        }
        ShortName::from_kernel(&buf[..n])
            .map(Some)
            .ok_or(Error::Input(InputError::OptionSize {
                expected: (SHORT_NAME_MAX + 1) as u32,
                got: n as u32,
            }))
    }

    /// The mark on outgoing packets, for routing and filtering (`SO_MARK`); needs
    /// `CAP_NET_ADMIN`.
    ///
    #[doc = man!(setsockopt(2), socket(7))]
    #[doc(alias = "SO_MARK")]
    pub fn set_mark(&self, mark: u32) -> Result<()> {
        sockopt::set(self.as_fd(), k::SOL_SOCKET, k::SO_MARK, &mark)
    }

    /// The mark on outgoing packets (`SO_MARK`).
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    #[doc(alias = "SO_MARK")]
    pub fn mark(&self) -> Result<u32> {
        sockopt::get(self.as_fd(), k::SOL_SOCKET, k::SO_MARK)
    }

    /// The priority of outgoing packets, 0 to 6 without `CAP_NET_ADMIN` (`SO_PRIORITY`).
    ///
    #[doc = man!(setsockopt(2), socket(7))]
    #[doc(alias = "SO_PRIORITY")]
    pub fn set_priority(&self, priority: u32) -> Result<()> {
        sockopt::set(self.as_fd(), k::SOL_SOCKET, k::SO_PRIORITY, &priority)
    }

    /// The priority of outgoing packets (`SO_PRIORITY`).
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    #[doc(alias = "SO_PRIORITY")]
    pub fn priority(&self) -> Result<u32> {
        sockopt::get(self.as_fd(), k::SOL_SOCKET, k::SO_PRIORITY)
    }

    int_option!(
        /// How many bytes a receive waits for before it returns (`SO_RCVLOWAT`).
        ["SO_RCVLOWAT"], k::SOL_SOCKET, k::SO_RCVLOWAT, recv_low_water, set_recv_low_water, usize, socket
    );

    /// How long a blocking receive busy-polls the device before sleeping (`SO_BUSY_POLL`),
    /// in whole microseconds; raising it above `net.core.busy_read` needs `CAP_NET_ADMIN`.
    ///
    #[doc = man!(setsockopt(2), socket(7))]
    #[doc(alias = "SO_BUSY_POLL")]
    pub fn set_busy_poll(&self, time: Duration) -> Result<()> {
        let us = units_arg(time, Duration::from_micros(1))?;
        set_int(self.as_fd(), k::SOL_SOCKET, k::SO_BUSY_POLL, us)
    }

    /// The busy-poll time (`SO_BUSY_POLL`).
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    #[doc(alias = "SO_BUSY_POLL")]
    pub fn busy_poll(&self) -> Result<Duration> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_BUSY_POLL)
            .map(|v| Duration::from_micros(v.max(0) as u64))
    }

    /// Steers the socket's packets to a CPU (`SO_INCOMING_CPU`).
    ///
    #[doc = man!(setsockopt(2), socket(7))]
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
    #[doc = man!(getsockopt(2), socket(7))]
    #[doc(alias = "SO_INCOMING_CPU")]
    pub fn incoming_cpu(&self) -> Result<Option<u32>> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_INCOMING_CPU).map(|v| u32::try_from(v).ok())
    }
}
