//! TCP and UDP over IPv4 and IPv6, and Python's `create_server` / `create_connection`.

use crate::{AddressError, InputError};
use core::net::SocketAddr;
use core::time::Duration;

use super::{connected_io, std_timeouts, typed_socket};
use crate::{
    Errno, Error, Family, Protocol, Result, Shutdown, SockAddr, Socket, ToSocketAddrs, Type,
};

/// The IP address of a socket address the kernel returned for an IP socket.
fn inet(a: SockAddr) -> Result<SocketAddr> {
    SocketAddr::try_from(a)
}

/// Whether an errno from making or configuring an IPv6 socket means the host lacks dual-stack
/// support (rather than, say, running out of fds).
fn no_dual_stack(e: Errno) -> bool {
    [
        Errno::AFNOSUPPORT,
        Errno::PROTONOSUPPORT,
        Errno::NOPROTOOPT,
        Errno::INVAL,
    ]
    .contains(&e)
}

/// A new socket of `ty` for an IP address's family.
fn ip_socket(addr: &SockAddr, ty: Type, protocol: Protocol) -> Result<Socket> {
    Socket::new(addr.family(), ty, protocol)
}

/// Tries `f` on each address in turn; the first success wins, else the last error
/// ([`InputError::NoAddresses`](crate::InputError::NoAddresses) when there was none), as `std` and
/// Python do.
pub(super) fn each_addr<A: ToSocketAddrs + ?Sized, T>(
    addrs: &A,
    mut f: impl FnMut(SockAddr) -> Result<T>,
) -> Result<T> {
    let mut addrs = addrs.to_socket_addrs()?;
    // The first address outside the loop: for a single address (the usual case) the compiler
    // then sees the whole iteration, and keeps the address out of memory.
    let mut last = match addrs.next() {
        None => return Err(Error::Input(InputError::NoAddresses)),
        Some(a) => match f(a) {
            Ok(v) => return Ok(v),
            Err(e) => e,
        },
    };
    for a in addrs {
        match f(a) {
            Ok(v) => return Ok(v),
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Options of [`create_server`] (Python's `create_server` keywords).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ServerOptions {
    /// The `listen` backlog; `None` for the kernel's maximum (`net.core.somaxconn`).
    pub backlog: Option<u32>,
    /// Sets `SO_REUSEPORT`, so several servers can share the port.
    pub reuse_port: bool,
    /// For an IPv6 address: accept IPv4 clients too (`IPV6_V6ONLY` off). Without it an IPv6
    /// server is IPv6-only, whatever the system default.
    pub dual_stack: bool,
    /// Serve Multipath TCP (`IPPROTO_MPTCP`): [`MptcpMode::Off`](crate::MptcpMode::Off) (the
    /// default) for plain TCP, `Prefer` for MPTCP with a fallback to plain TCP where the
    /// kernel refuses it, `Require` for MPTCP or [`Error::Unsupported`](crate::Error::Unsupported).
    /// An MPTCP server takes plain TCP clients too; see [`MptcpMode`](crate::MptcpMode).
    pub mptcp: super::mptcp::MptcpMode,
}

/// Creates a TCP server bound to `addr` and listening (Python's `socket.create_server`).
///
/// Makes a TCP socket, or an MPTCP one as `options.mptcp` asks, sets `SO_REUSEADDR` (so a
/// restarted server can bind while old connections are in `TIME_WAIT`), then what `options`
/// ask for, binds and listens. Fails with
/// [`InputError::DualStackNeedsIpv6`](crate::InputError::DualStackNeedsIpv6) if `dual_stack` is
/// asked of an IPv4 address and [`Error::Os`](crate::Error::Os) if the host cannot do it.
///
/// ```
/// use baresock::{create_server, ServerOptions};
/// use core::net::SocketAddr;
/// let server = create_server("127.0.0.1:0".parse::<SocketAddr>()?, ServerOptions::default())?;
/// assert_ne!(server.local_addr()?.port(), 0);
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
///
#[doc = man!(socket(2), bind(2), listen(2), ipv6(7))]
pub fn create_server(addr: impl Into<SockAddr>, options: ServerOptions) -> Result<TcpListener> {
    let addr = addr.into();
    if options.dual_stack && addr.family() != Family::INET6 {
        return Err(Error::Input(InputError::DualStackNeedsIpv6));
    }
    if !matches!(addr.family(), Family::INET | Family::INET6) {
        return Err(Error::Address(AddressError::FamilyMismatch {
            socket: Family::INET,
            addr: addr.family(),
        }));
    }
    let mode = crate::time::encode(crate::default_timeout());
    let s = match super::mptcp::stream_socket(addr.family(), options.mptcp, mode) {
        Err(Error::Os(e)) if options.dual_stack && no_dual_stack(e) => return Err(Error::Os(e)),
        r => r?,
    };
    s.set_reuse_address(true)?;
    if options.reuse_port {
        s.set_reuse_port(true)?;
    }
    if addr.family() == Family::INET6 {
        match s.set_only_v6(!options.dual_stack) {
            Err(Error::Os(e)) if options.dual_stack && no_dual_stack(e) => {
                return Err(Error::Os(e))
            }
            r => r?,
        }
    }
    s.bind(addr)?;
    s.listen(options.backlog.unwrap_or(u32::MAX))?;
    Ok(TcpListener { inner: s })
}

/// Connects to the first of `addrs` that accepts (Python's `socket.create_connection`).
///
/// Each attempt uses a new socket in the mode `timeout` gives (see
/// [`Socket::set_timeout`](crate::Socket::set_timeout)): in deadline mode every address gets
/// the whole `timeout`. Pass [`default_timeout()`](crate::default_timeout) for what Python does
/// when the argument is left out. With `source`, each socket is bound to it first. The stream
/// keeps the mode afterwards. Fails with the last attempt's error, or
/// [`InputError::NoAddresses`](crate::InputError::NoAddresses).
///
/// `addrs` are numeric addresses only (see [`ToSocketAddrs`]): a host name, as in
/// `"localhost:80"`, is [`AddressError::Invalid`](crate::AddressError::Invalid). To connect by name, use
/// [`resolve::connect`](crate::resolve::connect), which looks the name up and tries each
/// address:
///
/// ```
/// use baresock::{create_connection, AddressError, Error, TcpListener};
/// use core::time::Duration;
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let port = listener.local_addr()?.port();
/// let by_name = create_connection("localhost:80", None, None);
/// assert_eq!(by_name.err(), Some(Error::Address(AddressError::Invalid)));
/// # #[cfg(feature = "resolve")] {
/// let stream = baresock::resolve::connect("localhost", port, Some(Duration::from_secs(5)), None)?;
/// # let _ = stream;
/// # }
/// # let _ = (port, Duration::ZERO);
/// # Ok::<(), baresock::Error>(())
/// ```
///
#[doc = man!(socket(2), connect(2), poll(2))]
#[inline]
pub fn create_connection<A: ToSocketAddrs>(
    addrs: A,
    timeout: Option<Duration>,
    source: Option<SockAddr>,
) -> Result<TcpStream> {
    // Each socket is made in the mode at once (no `set_timeout` call after).
    let mode = crate::time::encode(timeout);
    match addrs.single_inet(crate::addr::Token) {
        Some(ip) => connect_ip(ip, mode, source),
        None => connect_each(&addrs, mode, source),
    }
}

/// [`create_connection`] for anything but one IP address.
fn connect_each<A: ToSocketAddrs>(
    addrs: &A,
    mode: u64,
    source: Option<SockAddr>,
) -> Result<TcpStream> {
    each_addr(addrs, |addr| match addr.as_inet() {
        Some(ip) => connect_ip(ip, mode, source),
        None => connect_other(addr, mode, source),
    })
}

/// One attempt of [`create_connection`]: a new socket in `mode` connects to `addr`. Inlined
/// (its system calls with it) into `TcpStream::connect`'s caller.
#[inline(always)]
fn connect_ip(addr: SocketAddr, mode: u64, source: Option<SockAddr>) -> Result<TcpStream> {
    if source.is_none() {
        let inner = Socket::new_connected_inet(addr, mode)?;
        return Ok(TcpStream { inner });
    }
    let s = Socket::new_in(Family::of_ip(&addr), Type::STREAM, Protocol::DEFAULT, mode)?;
    if let Some(src) = source {
        s.bind(src)?;
    }
    s.connect_inet(addr)?;
    Ok(TcpStream { inner: s })
}

/// [`connect_ip`] for an address that is not IP: a stream socket of its family, as asked.
#[cold]
#[inline(never)]
fn connect_other(addr: SockAddr, mode: u64, source: Option<SockAddr>) -> Result<TcpStream> {
    let s = Socket::new_in(addr.family(), Type::STREAM, Protocol::DEFAULT, mode)?;
    if let Some(src) = source {
        s.bind(src)?;
    }
    s.connect(addr)?;
    Ok(TcpStream { inner: s })
}

typed_socket!(
    /// A TCP listener, like `std::net::TcpListener`.
    ///
    /// ```
    /// use baresock::{TcpListener, TcpStream};
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let client = TcpStream::connect(listener.local_addr()?)?;
    /// let (server, peer) = listener.accept()?;
    /// assert_eq!(peer, client.local_addr()?);
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    TcpListener, [INET, INET6], [STREAM]
);

impl TcpListener {
    /// Binds to the first of `addrs` that works and listens, with `SO_REUSEADDR` (as `std`
    /// does) and the kernel's maximum backlog.
    ///
    /// `addrs` are numeric addresses only: a host name (`"localhost:8080"`) is
    /// [`AddressError::Invalid`](crate::AddressError::Invalid); look names up with [`resolve::lookup`](crate::resolve::lookup)
    /// (see [`ToSocketAddrs`]).
    ///
    /// Unlike [`create_server`], it leaves `IPV6_V6ONLY` at the system's default
    /// (`net.ipv6.bindv6only`, usually off), as `std` does: a listener on `[::]` then takes
    /// IPv4 clients too.
    ///
    /// ```
    /// use baresock::{TcpListener, TcpStream};
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let client = TcpStream::connect(listener.local_addr()?)?;
    /// let (server_side, peer) = listener.accept()?;
    /// assert_eq!(peer, client.local_addr()?);
    /// # drop(server_side);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(bind(2), listen(2), tcp(7))]
    pub fn bind<A: ToSocketAddrs>(addrs: A) -> Result<TcpListener> {
        each_addr(&addrs, |a| {
            let s = ip_socket(&a, Type::STREAM, Protocol::DEFAULT)?;
            s.set_reuse_address(true)?;
            s.bind(a)?;
            s.listen(u32::MAX)?;
            Ok(TcpListener { inner: s })
        })
    }

    /// Accepts a connection; the stream takes the default timeout (see
    /// [`Socket::accept`](crate::Socket::accept)).
    ///
    #[doc = man!(accept4(2), tcp(7))]
    #[inline]
    pub fn accept(&self) -> Result<(TcpStream, SocketAddr)> {
        let (s, a) = self.inner.accept_inet()?;
        Ok((TcpStream { inner: s }, a))
    }

    /// An endless iterator over accepted connections.
    ///
    /// ```
    /// use baresock::{TcpListener, TcpStream};
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let _client = TcpStream::connect(listener.local_addr()?)?;
    /// for stream in listener.incoming().take(1) {
    ///     stream?.send_all(b"welcome")?;
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn incoming(&self) -> impl Iterator<Item = Result<TcpStream>> + '_ {
        core::iter::repeat_with(|| self.accept().map(|(s, _)| s))
    }

    /// The address the listener is bound to.
    ///
    #[doc = man!(getsockname(2))]
    pub fn local_addr(&self) -> Result<SocketAddr> {
        inet(self.inner.local_addr()?)
    }

    /// Time-to-live of outgoing packets (`IP_TTL`).
    ///
    #[doc = man!(setsockopt(2), ip(7))]
    pub fn set_ttl(&self, ttl: u32) -> Result<()> {
        self.inner.set_ttl_v4(ttl)
    }

    /// Time-to-live of outgoing packets (`IP_TTL`).
    ///
    #[doc = man!(getsockopt(2), ip(7))]
    pub fn ttl(&self) -> Result<u32> {
        self.inner.ttl_v4()
    }
}

typed_socket!(
    /// A TCP connection, like `std::net::TcpStream`. With the `std` feature it is
    /// `std::io::Read` and `Write`.
    TcpStream, [INET, INET6], [STREAM]
);
connected_io!(TcpStream, stream);

impl TcpStream {
    /// Connects to the first of `addrs` that accepts, in the [default
    /// timeout](crate::default_timeout)'s mode.
    ///
    /// `addrs` are numeric addresses only: `TcpStream::connect("localhost:80")` compiles and
    /// fails with [`AddressError::Invalid`](crate::AddressError::Invalid). To connect by name, use
    /// [`resolve::connect`](crate::resolve::connect) (see [`ToSocketAddrs`]).
    ///
    /// ```
    /// use baresock::{TcpListener, TcpStream};
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// // Anything `ToSocketAddrs`: an address, text, (ip, port), a slice to try in turn.
    /// let stream = TcpStream::connect(listener.local_addr()?)?;
    /// stream.send_all(b"hi")?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(connect(2), tcp(7))]
    #[inline]
    pub fn connect<A: ToSocketAddrs>(addrs: A) -> Result<TcpStream> {
        create_connection(addrs, crate::default_timeout(), None)
    }

    /// Connects with a deadline of `timeout` for the connect alone; the stream is then put in
    /// the default timeout's mode (like `std`'s `connect_timeout`). A zero `timeout` is
    /// [`InputError::ZeroTimeout`](crate::InputError::ZeroTimeout), as in `std`.
    ///
    /// ```
    /// use baresock::{Errno, Error, TcpStream};
    /// use core::time::Duration;
    /// use core::net::SocketAddr;
    /// let closed: SocketAddr = "127.0.0.1:1".parse().unwrap();
    /// let r = TcpStream::connect_timeout(closed, Duration::from_secs(2));
    /// assert_eq!(r.unwrap_err(), Error::Os(Errno::CONNREFUSED));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(connect(2), poll(2))]
    pub fn connect_timeout(addr: impl Into<SockAddr>, timeout: Duration) -> Result<TcpStream> {
        if timeout.is_zero() {
            return Err(Error::Input(InputError::ZeroTimeout));
        }
        let s = create_connection(addr.into(), Some(timeout), None)?;
        s.set_timeout(crate::default_timeout())?;
        Ok(s)
    }

    /// The local address.
    ///
    #[doc = man!(getsockname(2))]
    pub fn local_addr(&self) -> Result<SocketAddr> {
        inet(self.inner.local_addr()?)
    }

    /// The peer's address.
    ///
    #[doc = man!(getpeername(2))]
    pub fn peer_addr(&self) -> Result<SocketAddr> {
        inet(self.inner.peer_addr()?)
    }

    /// Sends without Nagle's delay (`TCP_NODELAY`).
    ///
    /// ```
    /// use baresock::{TcpListener, TcpStream};
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let s = TcpStream::connect(listener.local_addr()?)?;
    /// s.set_nodelay(true)?;
    /// assert!(s.nodelay()?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), tcp(7))]
    pub fn set_nodelay(&self, on: bool) -> Result<()> {
        self.inner.set_tcp_nodelay(on)
    }

    /// Whether `TCP_NODELAY` is on.
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    pub fn nodelay(&self) -> Result<bool> {
        self.inner.tcp_nodelay()
    }

    /// Time-to-live of outgoing packets (`IP_TTL`).
    ///
    #[doc = man!(setsockopt(2), ip(7))]
    pub fn set_ttl(&self, ttl: u32) -> Result<()> {
        self.inner.set_ttl_v4(ttl)
    }

    /// Time-to-live of outgoing packets (`IP_TTL`).
    ///
    #[doc = man!(getsockopt(2), ip(7))]
    pub fn ttl(&self) -> Result<u32> {
        self.inner.ttl_v4()
    }

    /// Closes the writing half, so the peer reads end of stream.
    ///
    /// ```
    /// use baresock::{TcpListener, TcpStream};
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let client = TcpStream::connect(listener.local_addr()?)?;
    /// let (server, _) = listener.accept()?;
    /// client.send_all(b"request")?;
    /// client.close_write()?; // the server reads the end of the request
    /// let mut buf = [0u8; 16];
    /// assert_eq!(server.recv(&mut buf)?, 7);
    /// assert_eq!(server.recv(&mut buf)?, 0);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(shutdown(2))]
    pub fn close_write(&self) -> Result<()> {
        self.inner.shutdown(Shutdown::Write)
    }
}

typed_socket!(
    /// A UDP socket, like `std::net::UdpSocket`.
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// use core::net::SocketAddr;
    /// let any = "127.0.0.1:0".parse::<SocketAddr>()?;
    /// let a = UdpSocket::bind(&any)?;
    /// let b = UdpSocket::bind(&any)?;
    /// a.send_to(b"hi", b.local_addr()?)?;
    /// let mut buf = [0u8; 8];
    /// let (n, from) = b.recv_from(&mut buf)?;
    /// assert_eq!((&buf[..n], from), (&b"hi"[..], a.local_addr()?));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    UdpSocket, [INET, INET6], [DGRAM]
);
connected_io!(UdpSocket);
std_timeouts!(TcpStream, UdpSocket);

impl UdpSocket {
    /// Binds to the first of `addrs` that works.
    ///
    /// `addrs` are numeric addresses only: a host name (`"localhost:5353"`) is
    /// [`AddressError::Invalid`](crate::AddressError::Invalid); look names up with [`resolve::lookup`](crate::resolve::lookup)
    /// and bind to what it finds (see [`ToSocketAddrs`]).
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0")?;
    /// let b = UdpSocket::bind("127.0.0.1:0")?;
    /// a.send_to(b"ping", b.local_addr()?)?;
    /// let mut buf = [0u8; 8];
    /// let (n, from) = b.recv_from(&mut buf)?;
    /// assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr()?));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(bind(2), udp(7))]
    pub fn bind<A: ToSocketAddrs>(addrs: A) -> Result<UdpSocket> {
        each_addr(&addrs, |a| {
            let s = ip_socket(&a, Type::DGRAM, Protocol::DEFAULT)?;
            s.bind_inet(inet(a)?)?;
            Ok(UdpSocket { inner: s })
        })
    }

    /// Sets the default destination, and receives only from it, trying each of `addrs`
    /// (numeric addresses only, see [`ToSocketAddrs`]).
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0")?;
    /// let b = UdpSocket::bind("127.0.0.1:0")?;
    /// a.connect(b.local_addr()?)?;
    /// a.send(b"to my peer")?; // no address needed now
    /// assert_eq!(a.peer_addr()?, b.local_addr()?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(connect(2), udp(7))]
    pub fn connect<A: ToSocketAddrs>(&self, addrs: A) -> Result<()> {
        each_addr(&addrs, |a| self.inner.connect(a))
    }

    /// Sends a datagram to `addr`.
    ///
    #[doc = man!(sendto(2))]
    #[inline]
    pub fn send_to(&self, buf: &[u8], addr: impl Into<SockAddr>) -> Result<usize> {
        // Only IP addresses are encoded here: the other families' encoders stay out of
        // programs that send only over UDP.
        let addr = addr.into();
        match addr.as_inet() {
            Some(a) => self.inner.send_to_inet(buf, a),
            None => Err(self.inner.family_error(addr.family())),
        }
    }

    /// Sends a datagram to a destination encoded once: the cheapest way to send many
    /// datagrams to one place (see [`Destination`](crate::Destination)).
    #[inline]
    pub fn send_to_destination(&self, buf: &[u8], to: &crate::Destination) -> Result<usize> {
        self.inner.send_to_destination(buf, to)
    }

    /// Receives a datagram and its sender; [`Error::Truncated`] if longer than `buf`.
    ///
    /// The sender is an IP address, so this is for IP sockets only. A `UdpSocket` made unchecked
    /// from an fd of another family (`From<OwnedFd>`) gets a sender that is not one: the datagram
    /// is consumed and the call fails with
    /// [`AddressError::Malformed`](crate::AddressError::Malformed) (or
    /// [`AddressError::Missing`](crate::AddressError::Missing) for none). Make typed sockets from
    /// fds with `TryFrom<Socket>`, which checks the family, or receive through
    /// [`as_socket().recv_from`](crate::Socket::recv_from), which keeps any sender (as raw bytes,
    /// [`SockAddr::Other`](crate::SockAddr::Other), where it has no typed form).
    ///
    #[doc = man!(recvfrom(2))]
    #[inline]
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, SocketAddr)> {
        self.inner.recv_from_inet(buf, crate::RecvFlags::empty())
    }

    /// Receives a datagram, with its sender written into `from`: no decoding, and a reply
    /// through [`send_to_destination`](Self::send_to_destination) no encoding either. The
    /// cheapest way to serve many senders (see [`Destination`](crate::Destination)).
    ///
    /// A datagram longer than `buf` fails with [`Error::Truncated`], and `from` then holds its
    /// sender all the same. If the kernel gives a sender that is not a whole IP address (it does
    /// not for UDP), the datagram is consumed, the call fails with
    /// [`AddressError::Missing`](crate::AddressError::Missing) or
    /// [`AddressError::Malformed`](crate::AddressError::Malformed), and `from` is `0.0.0.0:0`. A
    /// call that fails before a datagram came leaves `from` as it was.
    ///
    /// ```
    /// use baresock::{Destination, Error, UdpSocket};
    /// let rx = UdpSocket::bind("127.0.0.1:0")?;
    /// let tx = UdpSocket::bind("127.0.0.1:0")?;
    /// tx.send_to(b"twelve bytes", rx.local_addr()?)?;
    /// let mut from = Destination::default();
    /// let mut small = [0u8; 4];
    /// assert_eq!(rx.recv_from_into(&mut small, &mut from), Err(Error::Truncated { len: 12 }));
    /// assert_eq!(from.addr(), tx.local_addr()?); // the sender, all the same
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    ///
    #[doc = man!(recvfrom(2))]
    #[inline]
    pub fn recv_from_into(&self, buf: &mut [u8], from: &mut crate::Destination) -> Result<usize> {
        self.inner
            .recv_from_into(buf, crate::RecvFlags::empty(), from)
    }

    /// Like [`recv_from`](Self::recv_from), but leaves the datagram queued.
    ///
    #[doc = man!(recvfrom(2))]
    pub fn peek_from(&self, buf: &mut [u8]) -> Result<(usize, SocketAddr)> {
        self.inner.recv_from_inet(buf, crate::RecvFlags::PEEK)
    }

    /// The local address.
    ///
    #[doc = man!(getsockname(2))]
    pub fn local_addr(&self) -> Result<SocketAddr> {
        inet(self.inner.local_addr()?)
    }

    /// The connected peer's address.
    ///
    #[doc = man!(getpeername(2))]
    pub fn peer_addr(&self) -> Result<SocketAddr> {
        inet(self.inner.peer_addr()?)
    }

    /// Allows sending to broadcast addresses (`SO_BROADCAST`).
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// let s = UdpSocket::bind("127.0.0.1:0")?;
    /// s.set_broadcast(true)?;
    /// assert!(s.broadcast()?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), socket(7))]
    pub fn set_broadcast(&self, on: bool) -> Result<()> {
        self.inner.set_broadcast(on)
    }

    /// Whether `SO_BROADCAST` is on.
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    pub fn broadcast(&self) -> Result<bool> {
        self.inner.broadcast()
    }

    /// Time-to-live of outgoing packets (`IP_TTL`).
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// let s = UdpSocket::bind("127.0.0.1:0")?;
    /// s.set_ttl(8)?;
    /// assert_eq!(s.ttl()?, 8);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), ip(7))]
    pub fn set_ttl(&self, ttl: u32) -> Result<()> {
        self.inner.set_ttl_v4(ttl)
    }

    /// Time-to-live of outgoing packets (`IP_TTL`).
    ///
    #[doc = man!(getsockopt(2), ip(7))]
    pub fn ttl(&self) -> Result<u32> {
        self.inner.ttl_v4()
    }
}
