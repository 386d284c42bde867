//! TCP options (`IPPROTO_TCP`): tcp(7).

use crate::InputError;
use core::time::Duration;

use linux_raw_sys::net as k;
use rustix::fd::AsFd;

use crate::sys::sockopt;
use crate::{Error, Result, ShortName, Socket, TcpInfo, SHORT_NAME_MAX};

use super::{get_int, set_int, units_arg, TCP};

/// TCP options (`IPPROTO_TCP`): tcp(7).
impl Socket {
    bool_option!(
        /// Sends segments as soon as possible, without Nagle's delay (`TCP_NODELAY`).
        ///
        /// ```
        /// use baresock::{Family, Protocol, Socket, Type};
        /// let s = Socket::new(Family::INET, Type::STREAM, Protocol::TCP)?;
        /// s.set_tcp_nodelay(true)?;
        /// assert!(s.tcp_nodelay()?);
        /// # Ok::<(), baresock::Error>(())
        /// ```
        ["TCP_NODELAY", "nodelay", "set_nodelay"], k::IPPROTO_TCP as u32, k::TCP_NODELAY, tcp_nodelay, set_tcp_nodelay, tcp
    );
}

/// TCP options (`IPPROTO_TCP`) beyond `TCP_NODELAY`: tcp(7).
impl Socket {
    bool_option!(
        /// Holds back partial segments until uncorked (or 200 ms pass) (`TCP_CORK`).
        ["TCP_CORK", "cork", "set_cork"], TCP, k::TCP_CORK, tcp_cork, set_tcp_cork, tcp
    );
    bool_option!(
        /// Sends ACKs at once rather than delayed; the kernel may turn it off again by itself
        /// (`TCP_QUICKACK`).
        ["TCP_QUICKACK", "quickack", "set_quickack"], TCP, k::TCP_QUICKACK, tcp_quickack, set_tcp_quickack, tcp
    );

    /// Idle time before the first keepalive probe, whole seconds from 1 to 32767, rounded up
    /// (`TCP_KEEPIDLE`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// let s = Socket::new(Family::INET, Type::STREAM, Protocol::TCP)?;
    /// s.set_keepalive(true)?;
    /// s.set_tcp_keepalive_time(Duration::from_secs(60))?;
    /// s.set_tcp_keepalive_interval(Duration::from_secs(10))?;
    /// s.set_tcp_keepalive_retries(5)?;
    /// assert_eq!(s.tcp_keepalive_time()?, Duration::from_secs(60));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), tcp(7))]
    #[doc(alias = "TCP_KEEPIDLE")]
    #[doc(alias = "set_keepalive_idle")]
    pub fn set_tcp_keepalive_time(&self, idle: Duration) -> Result<()> {
        set_int(
            self.as_fd(),
            TCP,
            k::TCP_KEEPIDLE,
            units_arg(idle, Duration::from_secs(1))?,
        )
    }

    /// Idle time before the first keepalive probe (`TCP_KEEPIDLE`).
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    #[doc(alias = "TCP_KEEPIDLE")]
    #[doc(alias = "keepalive_idle")]
    pub fn tcp_keepalive_time(&self) -> Result<Duration> {
        get_int(self.as_fd(), TCP, k::TCP_KEEPIDLE).map(|v| Duration::from_secs(v.max(0) as u64))
    }

    /// Time between keepalive probes, whole seconds from 1 to 32767, rounded up
    /// (`TCP_KEEPINTVL`).
    ///
    #[doc = man!(setsockopt(2), tcp(7))]
    #[doc(alias = "TCP_KEEPINTVL")]
    #[doc(alias = "set_keepalive_interval")]
    pub fn set_tcp_keepalive_interval(&self, interval: Duration) -> Result<()> {
        set_int(
            self.as_fd(),
            TCP,
            k::TCP_KEEPINTVL,
            units_arg(interval, Duration::from_secs(1))?,
        )
    }

    /// Time between keepalive probes (`TCP_KEEPINTVL`).
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    #[doc(alias = "TCP_KEEPINTVL")]
    #[doc(alias = "keepalive_interval")]
    pub fn tcp_keepalive_interval(&self) -> Result<Duration> {
        get_int(self.as_fd(), TCP, k::TCP_KEEPINTVL).map(|v| Duration::from_secs(v.max(0) as u64))
    }

    /// Unanswered probes before the connection is dropped, 1 to 127 (`TCP_KEEPCNT`).
    ///
    #[doc = man!(setsockopt(2), tcp(7))]
    #[doc(alias = "TCP_KEEPCNT")]
    #[doc(alias = "set_keepalive_count")]
    pub fn set_tcp_keepalive_retries(&self, count: u32) -> Result<()> {
        set_int(
            self.as_fd(),
            TCP,
            k::TCP_KEEPCNT,
            count.try_into().unwrap_or(i32::MAX),
        )
    }

    /// Unanswered probes before the connection is dropped (`TCP_KEEPCNT`).
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    #[doc(alias = "TCP_KEEPCNT")]
    #[doc(alias = "keepalive_count")]
    pub fn tcp_keepalive_retries(&self) -> Result<u32> {
        get_int(self.as_fd(), TCP, k::TCP_KEEPCNT).map(|v| v.max(0) as u32)
    }

    /// How long sent data may stay unacknowledged before the connection is dropped, in whole
    /// milliseconds, rounded up; `None` for the system default (`TCP_USER_TIMEOUT`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// let s = Socket::new(Family::INET, Type::STREAM, Protocol::TCP)?;
    /// s.set_tcp_user_timeout(Some(Duration::from_secs(30)))?;
    /// assert_eq!(s.tcp_user_timeout()?, Some(Duration::from_secs(30)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), tcp(7))]
    #[doc(alias = "TCP_USER_TIMEOUT")]
    #[doc(alias = "set_user_timeout")]
    pub fn set_tcp_user_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        let ms = match timeout {
            Some(t) => units_arg(t, Duration::from_millis(1))?,
            None => 0,
        };
        set_int(self.as_fd(), TCP, k::TCP_USER_TIMEOUT, ms)
    }

    /// The `TCP_USER_TIMEOUT` setting; `None` for the system default.
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    #[doc(alias = "TCP_USER_TIMEOUT")]
    #[doc(alias = "user_timeout")]
    pub fn tcp_user_timeout(&self) -> Result<Option<Duration>> {
        let ms = get_int(self.as_fd(), TCP, k::TCP_USER_TIMEOUT)?;
        Ok((ms > 0).then(|| Duration::from_millis(ms as u64)))
    }

    int_option!(
        /// On a listener, accepts data in the SYN (TCP Fast Open) with a queue of this many pending
        /// requests; 0 turns it off (`TCP_FASTOPEN`).
        ["TCP_FASTOPEN", "set_fastopen", "fastopen"], TCP, k::TCP_FASTOPEN, tcp_fastopen, set_tcp_fastopen, u32, tcp
    );

    /// The congestion-control algorithm, by name (`TCP_CONGESTION`): text, bytes or a
    /// [`ShortName`], one of `net.ipv4.tcp_available_congestion_control` (`ENOENT` otherwise),
    /// others only with `CAP_NET_ADMIN` (`EPERM`). A name past 15 bytes is
    /// [`AddressError::NameTooLong`](crate::AddressError::NameTooLong), one holding a NUL [`AddressError::NameNul`](crate::AddressError::NameNul).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::INET, Type::STREAM, Protocol::TCP)?;
    /// s.set_tcp_congestion("reno")?; // always built in
    /// assert_eq!(s.tcp_congestion()?.as_bytes(), b"reno");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), tcp(7))]
    #[doc(alias = "TCP_CONGESTION")]
    #[doc(alias = "set_congestion")]
    pub fn set_tcp_congestion(&self, algorithm: impl AsRef<[u8]>) -> Result<()> {
        let algorithm = ShortName::new(algorithm.as_ref())?;
        sockopt::set_bytes(self.as_fd(), TCP, k::TCP_CONGESTION, algorithm.as_bytes())
    }

    /// The congestion-control algorithm (`TCP_CONGESTION`).
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    #[doc(alias = "TCP_CONGESTION")]
    #[doc(alias = "congestion")]
    pub fn tcp_congestion(&self) -> Result<ShortName> {
        let mut buf = [0u8; SHORT_NAME_MAX + 1];
        let n = sockopt::get_bytes(self.as_fd(), TCP, k::TCP_CONGESTION, &mut buf)?;
        ShortName::from_kernel(&buf[..n]).ok_or(Error::Input(InputError::OptionSize {
            expected: (SHORT_NAME_MAX + 1) as u32,
            got: n as u32,
        }))
    }

    /// The connection's state and counters (`TCP_INFO`).
    ///
    /// ```
    /// use baresock::{TcpListener, TcpStream};
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let s = TcpStream::connect(listener.local_addr()?)?;
    /// let info = s.as_socket().tcp_info()?;
    /// assert_eq!(info.state, 1); // TCP_ESTABLISHED
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    #[doc(alias = "TCP_INFO")]
    pub fn tcp_info(&self) -> Result<TcpInfo> {
        let mut buf = [0u8; 256];
        let n = sockopt::get_bytes(self.as_fd(), TCP, k::TCP_INFO, &mut buf)?;
        TcpInfo::decode(&buf[..n])
    }
}
