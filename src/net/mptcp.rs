//! Multipath TCP over the TCP types: [`MptcpMode`] (asked of [`create_server`] and the
//! connect calls), [`MptcpStatus`] (what a socket runs), and the connect calls that take it.
//!
//! [`create_server`]: crate::create_server

use core::time::Duration;

use super::inet::{each_addr, TcpListener, TcpStream};
use crate::{
    AddressError, Error, Family, KernelFeature, MptcpInfo, Protocol, Result, SockAddr, Socket,
    ToSocketAddrs, Type, Unsupported,
};

/// Whether a server or connection asks for Multipath TCP (`IPPROTO_MPTCP`), and what to do
/// where the kernel has none: [`ServerOptions::mptcp`](crate::ServerOptions::mptcp),
/// [`create_connection_mptcp`], [`TcpStream::connect_mptcp`].
///
/// An MPTCP socket is a `SOCK_STREAM` socket of protocol [`Protocol::MPTCP`]: it stays a
/// [`TcpListener`] or [`TcpStream`], and talks to plain TCP peers too (the connection falls
/// back to TCP; [`MptcpStatus`] tells). What differs is creation: a kernel without MPTCP
/// (before Linux 5.6, or built without `CONFIG_MPTCP`), or with it switched off
/// (`net.mptcp.enabled=0` in the socket's network namespace), refuses the socket.
///
/// ```
/// use baresock::{create_server, MptcpMode, MptcpStatus, ServerOptions, TcpStream};
/// use core::net::SocketAddr;
///
/// // Prefer: MPTCP where the kernel has it, plain TCP where not (as Go's
/// // `ListenConfig.SetMultipathTCP(true)` does).
/// let opts = ServerOptions { mptcp: MptcpMode::Prefer, ..Default::default() };
/// let server = create_server("127.0.0.1:0".parse::<SocketAddr>()?, opts)?;
/// let client = TcpStream::connect_mptcp(server.local_addr()?, MptcpMode::Prefer)?;
/// let (conn, _) = server.accept()?;
/// client.send_all(b"over several paths")?;
/// let mut buf = [0u8; 32];
/// assert_eq!(conn.recv(&mut buf)?, 18);
/// match client.mptcp_status()? {
///     MptcpStatus::Active => println!("MPTCP"),
///     MptcpStatus::Unavailable => println!("plain TCP: this kernel has no MPTCP"),
///     other => println!("{other:?}"),
/// }
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum MptcpMode {
    /// Plain TCP (`IPPROTO_TCP`): the default.
    #[default]
    Off,
    /// MPTCP where the kernel has it on; a plain TCP socket where it refuses one, which
    /// [`mptcp_status`](TcpStream::mptcp_status) then reports as
    /// [`MptcpStatus::Unavailable`]. What the kernel's documentation recommends for programs
    /// that should work everywhere.
    Prefer,
    /// MPTCP or nothing: where the kernel refuses an MPTCP socket, the call fails with
    /// [`Error::Unsupported`] for [`KernelFeature::Mptcp`], its errno the kernel's
    /// (`ENOPROTOOPT`: switched off; `EPROTONOSUPPORT`: not built in; `EINVAL`: before 5.6).
    Require,
}

/// What an IP stream socket runs: MPTCP, plain TCP after asking for MPTCP, or plain TCP
/// (see [`TcpStream::mptcp_status`]).
///
/// | socket | status |
/// |---|---|
/// | plain TCP, MPTCP never asked | `NotMptcp` |
/// | MPTCP, both ends speak it | `Active` |
/// | MPTCP, the peer (or a middlebox) does not: plain TCP underneath | `FellBack` |
/// | accepted by an MPTCP listener from a plain TCP client | `FellBack` |
/// | [`MptcpMode::Prefer`] on a kernel that refused MPTCP (and what such a listener accepts) | `Unavailable` |
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum MptcpStatus {
    /// A plain TCP socket; MPTCP was not asked for.
    NotMptcp,
    /// MPTCP is in use (on a listener: it is an MPTCP listener).
    Active,
    /// MPTCP was asked for, and the connection runs plain TCP: the other end did not take it.
    FellBack,
    /// MPTCP was asked for with [`MptcpMode::Prefer`], and the kernel refused it: the socket
    /// is plain TCP.
    Unavailable,
}

impl MptcpStatus {
    /// Whether MPTCP is in use.
    pub const fn is_active(self) -> bool {
        matches!(self, MptcpStatus::Active)
    }
}

/// A new stream socket of `family` in timeout mode `mode`: MPTCP as `mptcp` asks, with its
/// fallback (see [`MptcpMode`]).
pub(crate) fn stream_socket(family: Family, mptcp: MptcpMode, mode: u64) -> Result<Socket> {
    match mptcp {
        MptcpMode::Off => Socket::new_in(family, Type::STREAM, Protocol::DEFAULT, mode),
        MptcpMode::Require => Socket::new_in(family, Type::STREAM, Protocol::MPTCP, mode),
        MptcpMode::Prefer => match Socket::new_in(family, Type::STREAM, Protocol::MPTCP, mode) {
            Err(Error::Unsupported(Unsupported {
                feature: KernelFeature::Mptcp,
                ..
            })) => {
                let s = Socket::new_in(family, Type::STREAM, Protocol::DEFAULT, mode)?;
                s.mark_mptcp_unavailable();
                Ok(s)
            }
            r => r,
        },
    }
}

/// [`create_connection`](crate::create_connection) over MPTCP as `mptcp` asks (see
/// [`MptcpMode`]): the same addresses, timeout and source, each attempt an MPTCP socket (or,
/// with [`MptcpMode::Prefer`] on a kernel that refuses one, a plain TCP socket). With
/// [`MptcpMode::Off`] it is `create_connection`. Only IP addresses: another family is
/// [`AddressError::FamilyMismatch`](crate::AddressError::FamilyMismatch).
///
/// ```
/// use baresock::{create_connection_mptcp, create_server, MptcpMode, ServerOptions};
/// use core::net::SocketAddr;
/// use core::time::Duration;
/// let opts = ServerOptions { mptcp: MptcpMode::Prefer, ..Default::default() };
/// let server = create_server("127.0.0.1:0".parse::<SocketAddr>()?, opts)?;
/// let addr = server.local_addr()?;
/// let s = create_connection_mptcp(addr, Some(Duration::from_secs(5)), None, MptcpMode::Prefer)?;
/// assert_eq!(s.peer_addr()?, addr);
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
///
#[doc = man!(socket(2), connect(2), tcp(7))]
pub fn create_connection_mptcp<A: ToSocketAddrs>(
    addrs: A,
    timeout: Option<Duration>,
    source: Option<SockAddr>,
    mptcp: MptcpMode,
) -> Result<TcpStream> {
    if mptcp == MptcpMode::Off {
        return crate::create_connection(addrs, timeout, source);
    }
    let mode = crate::time::encode(timeout);
    each_addr(&addrs, |addr| {
        let ip = match addr.as_inet() {
            Some(ip) => ip,
            None => {
                return Err(Error::Address(AddressError::FamilyMismatch {
                    socket: Family::INET,
                    addr: addr.family(),
                }))
            }
        };
        let s = stream_socket(Family::of_ip(&ip), mptcp, mode)?;
        if let Some(src) = source {
            s.bind(src)?;
        }
        s.connect_inet(ip)?;
        Ok(TcpStream::from_socket(s))
    })
}

impl TcpStream {
    /// [`connect`](TcpStream::connect) over MPTCP as `mptcp` asks (see [`MptcpMode`]), in the
    /// [default timeout](crate::default_timeout)'s mode.
    ///
    /// ```
    /// use baresock::{MptcpMode, MptcpStatus, TcpListener, TcpStream};
    /// // A plain TCP server: the MPTCP connection falls back to TCP, and works.
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let s = TcpStream::connect_mptcp(listener.local_addr()?, MptcpMode::Prefer)?;
    /// let status = s.mptcp_status()?;
    /// assert!(!status.is_active());
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    ///
    #[doc = man!(connect(2), tcp(7))]
    pub fn connect_mptcp<A: ToSocketAddrs>(addrs: A, mptcp: MptcpMode) -> Result<TcpStream> {
        create_connection_mptcp(addrs, crate::default_timeout(), None, mptcp)
    }

    /// Whether the connection runs MPTCP, fell back to plain TCP, or never asked for it (see
    /// [`Socket::mptcp_status`]).
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    #[doc(alias = "TCP_IS_MPTCP")]
    pub fn mptcp_status(&self) -> Result<MptcpStatus> {
        self.as_socket().mptcp_status()
    }

    /// The MPTCP connection's state and counters (`MPTCP_INFO`; see
    /// [`Socket::mptcp_info`]).
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    #[doc(alias = "MPTCP_INFO")]
    pub fn mptcp_info(&self) -> Result<MptcpInfo> {
        self.as_socket().mptcp_info()
    }
}

impl TcpListener {
    /// Whether the listener is an MPTCP one ([`MptcpStatus::Active`]), a plain one
    /// ([`MptcpStatus::NotMptcp`]), or plain because the kernel refused MPTCP
    /// ([`MptcpStatus::Unavailable`]); see [`Socket::mptcp_status`].
    ///
    /// ```
    /// use baresock::{create_server, MptcpMode, MptcpStatus, ServerOptions};
    /// use core::net::SocketAddr;
    /// let opts = ServerOptions { mptcp: MptcpMode::Prefer, ..Default::default() };
    /// let server = create_server("127.0.0.1:0".parse::<SocketAddr>()?, opts)?;
    /// assert!(matches!(server.mptcp_status()?, MptcpStatus::Active | MptcpStatus::Unavailable));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    #[doc(alias = "TCP_IS_MPTCP")]
    pub fn mptcp_status(&self) -> Result<MptcpStatus> {
        self.as_socket().mptcp_status()
    }
}
