//! Unix sockets: stream, datagram and seqpacket (unix(7)).

use super::{connected_io, std_timeouts, typed_socket};
use crate::{Family, Protocol, Result, SockAddr, Socket, Type, UnixAddr};

fn unix(a: SockAddr) -> Result<UnixAddr> {
    UnixAddr::try_from(a)
}

/// A Unix sender's address; an unbound sender is the unnamed address.
fn sender(a: Option<SockAddr>) -> Result<UnixAddr> {
    a.map_or(Ok(UnixAddr::unnamed()), unix)
}

fn bound(ty: Type, addr: UnixAddr) -> Result<Socket> {
    let s = Socket::new(Family::UNIX, ty, Protocol::DEFAULT)?;
    s.bind(addr)?;
    Ok(s)
}

fn connected(ty: Type, addr: UnixAddr) -> Result<Socket> {
    let s = Socket::new(Family::UNIX, ty, Protocol::DEFAULT)?;
    s.connect(addr)?;
    Ok(s)
}

/// Defines the address getters of a Unix socket type.
macro_rules! unix_addrs {
    ($name:ident) => {
        impl $name {
            /// The local address (unnamed if unbound).
            pub fn local_addr(&self) -> Result<UnixAddr> {
                unix(self.inner.local_addr()?)
            }

            /// The peer's address (unnamed if the peer is unbound).
            pub fn peer_addr(&self) -> Result<UnixAddr> {
                unix(self.inner.peer_addr()?)
            }
        }
    };
}

typed_socket!(
    /// A Unix stream listener, like `std::os::unix::net::UnixListener`.
    UnixListener, [UNIX], [STREAM]
);

impl UnixListener {
    /// Binds to `addr` and listens with the kernel's maximum backlog.
    ///
    /// ```
    /// use baresock::{UnixAddr, UnixListener, UnixStream};
    /// let path = std::env::temp_dir().join(format!("baresock-doc-{}.sock", std::process::id()));
    /// let addr = UnixAddr::new(path.to_str().unwrap().as_bytes())?;
    /// let listener = UnixListener::bind(addr)?;
    /// let client = UnixStream::connect(addr)?;
    /// let (conn, _peer) = listener.accept()?; // an unbound client: the unnamed address
    /// client.send_all(b"hello")?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(conn.recv(&mut buf)?, 5);
    /// # std::fs::remove_file(&path).unwrap();
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(bind(2), listen(2), unix(7))]
    pub fn bind(addr: UnixAddr) -> Result<UnixListener> {
        let s = bound(Type::STREAM, addr)?;
        s.listen(u32::MAX)?;
        Ok(UnixListener { inner: s })
    }

    /// Accepts a connection; the stream takes the default timeout.
    ///
    #[doc = man!(accept4(2), unix(7))]
    pub fn accept(&self) -> Result<(UnixStream, UnixAddr)> {
        let (s, a) = self.inner.accept()?;
        Ok((UnixStream { inner: s }, unix(a)?))
    }

    /// An endless iterator over accepted connections (`std`'s `incoming`).
    ///
    /// ```
    /// use baresock::{UnixAddr, UnixListener, UnixStream};
    /// let addr = UnixAddr::new_abstract(format!("baresock-doc-{}", std::process::id()).as_bytes())?;
    /// let listener = UnixListener::bind(addr)?;
    /// let _client = UnixStream::connect(addr)?;
    /// for stream in listener.incoming().take(1) {
    ///     stream?.send_all(b"welcome")?;
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(accept4(2))]
    pub fn incoming(&self) -> impl Iterator<Item = Result<UnixStream>> + '_ {
        core::iter::repeat_with(|| self.accept().map(|(s, _)| s))
    }

    /// The address the listener is bound to.
    ///
    #[doc = man!(getsockname(2), unix(7))]
    pub fn local_addr(&self) -> Result<UnixAddr> {
        unix(self.inner.local_addr()?)
    }
}

typed_socket!(
    /// A Unix stream, like `std::os::unix::net::UnixStream`. With the `std` feature it is
    /// `std::io::Read` and `Write`.
    ///
    /// ```
    /// use baresock::UnixStream;
    /// let (a, b) = UnixStream::pair()?;
    /// a.send_all(b"hello")?;
    /// let mut buf = [0u8; 5];
    /// assert_eq!(b.recv(&mut buf)?, 5);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    UnixStream, [UNIX], [STREAM]
);
connected_io!(UnixStream, stream);
unix_addrs!(UnixStream);

impl UnixStream {
    /// Connects to a listener at `addr`.
    ///
    #[doc = man!(connect(2), unix(7))]
    pub fn connect(addr: UnixAddr) -> Result<UnixStream> {
        connected(Type::STREAM, addr).map(|inner| UnixStream { inner })
    }

    /// A connected pair (`socketpair(2)`; Python's `socketpair()`).
    ///
    /// ```
    /// use baresock::UnixStream;
    /// let (a, b) = UnixStream::pair()?;
    /// a.send_all(b"between threads or processes")?;
    /// let mut buf = [0u8; 64];
    /// assert_eq!(b.recv(&mut buf)?, 28);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socketpair(2), unix(7))]
    pub fn pair() -> Result<(UnixStream, UnixStream)> {
        let (a, b) = Socket::pair(Family::UNIX, Type::STREAM, Protocol::DEFAULT)?;
        Ok((UnixStream { inner: a }, UnixStream { inner: b }))
    }
}

typed_socket!(
    /// A Unix datagram socket, like `std::os::unix::net::UnixDatagram`.
    UnixDatagram, [UNIX], [DGRAM]
);
connected_io!(UnixDatagram);
unix_addrs!(UnixDatagram);

impl UnixDatagram {
    /// A socket bound to `addr`.
    ///
    #[doc = man!(bind(2), unix(7))]
    pub fn bind(addr: UnixAddr) -> Result<UnixDatagram> {
        bound(Type::DGRAM, addr).map(|inner| UnixDatagram { inner })
    }

    /// An unbound socket.
    ///
    /// ```
    /// use baresock::{UnixAddr, UnixDatagram};
    /// let server = UnixDatagram::bind(UnixAddr::new_abstract(b"baresock-doc-dgram")?)?;
    /// let client = UnixDatagram::unbound()?;
    /// client.send_to(b"anonymous", server.local_addr()?)?;
    /// let mut buf = [0u8; 16];
    /// let (n, from) = server.recv_from(&mut buf)?;
    /// assert_eq!(n, 9);
    /// assert!(from.is_unnamed()); // no reply address
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socket(2), unix(7))]
    pub fn unbound() -> Result<UnixDatagram> {
        Socket::new(Family::UNIX, Type::DGRAM, Protocol::DEFAULT)
            .map(|inner| UnixDatagram { inner })
    }

    /// A connected pair.
    ///
    /// ```
    /// use baresock::UnixDatagram;
    /// let (a, b) = UnixDatagram::pair()?;
    /// a.send(b"one")?;
    /// a.send(b"two")?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(b.recv(&mut buf)?, 3); // datagrams keep their boundaries
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socketpair(2), unix(7))]
    pub fn pair() -> Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = Socket::pair(Family::UNIX, Type::DGRAM, Protocol::DEFAULT)?;
        Ok((UnixDatagram { inner: a }, UnixDatagram { inner: b }))
    }

    /// Sets the default destination, and receives only from it.
    ///
    #[doc = man!(connect(2), unix(7))]
    pub fn connect(&self, addr: UnixAddr) -> Result<()> {
        self.inner.connect(addr)
    }

    /// Sends a datagram to `addr`.
    ///
    #[doc = man!(sendto(2), unix(7))]
    pub fn send_to(&self, buf: &[u8], addr: UnixAddr) -> Result<usize> {
        self.inner.send_to(buf, addr)
    }

    /// Receives a datagram and its sender (unnamed if unbound); [`Error::Truncated`](crate::Error::Truncated) if longer
    /// than `buf`.
    ///
    #[doc = man!(recvfrom(2), unix(7))]
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, UnixAddr)> {
        let (n, a) = self.inner.recv_from(buf)?;
        Ok((n, sender(a)?))
    }

    /// Like [`recv_from`](Self::recv_from), but leaves the datagram queued.
    ///
    #[doc = man!(recvfrom(2), unix(7))]
    pub fn peek_from(&self, buf: &mut [u8]) -> Result<(usize, UnixAddr)> {
        let (n, a) = self.inner.peek_from(buf)?;
        Ok((n, sender(a)?))
    }
}

typed_socket!(
    /// A Unix seqpacket listener (`SOCK_SEQPACKET`): connections that keep message boundaries.
    UnixSeqpacketListener, [UNIX], [SEQPACKET]
);

impl UnixSeqpacketListener {
    /// Binds to `addr` and listens with the kernel's maximum backlog.
    ///
    /// ```
    /// use baresock::{UnixAddr, UnixSeqpacket, UnixSeqpacketListener};
    /// let addr = UnixAddr::new_abstract(b"baresock-doc-seqpacket")?;
    /// let listener = UnixSeqpacketListener::bind(addr)?;
    /// let client = UnixSeqpacket::connect(addr)?;
    /// let (conn, _) = listener.accept()?;
    /// client.send(b"msg")?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(conn.recv(&mut buf)?, 3);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(bind(2), listen(2), unix(7))]
    pub fn bind(addr: UnixAddr) -> Result<UnixSeqpacketListener> {
        let s = bound(Type::SEQPACKET, addr)?;
        s.listen(u32::MAX)?;
        Ok(UnixSeqpacketListener { inner: s })
    }

    /// Accepts a connection; it takes the default timeout.
    ///
    #[doc = man!(accept4(2), unix(7))]
    pub fn accept(&self) -> Result<(UnixSeqpacket, UnixAddr)> {
        let (s, a) = self.inner.accept()?;
        Ok((UnixSeqpacket { inner: s }, unix(a)?))
    }

    /// The address the listener is bound to.
    ///
    #[doc = man!(getsockname(2), unix(7))]
    pub fn local_addr(&self) -> Result<UnixAddr> {
        unix(self.inner.local_addr()?)
    }
}

typed_socket!(
    /// A Unix seqpacket connection: reliable, ordered messages with their boundaries kept; a
    /// message longer than the receive buffer is [`Error::Truncated`](crate::Error::Truncated).
    UnixSeqpacket, [UNIX], [SEQPACKET]
);
connected_io!(UnixSeqpacket);
std_timeouts!(UnixStream, UnixDatagram, UnixSeqpacket);
unix_addrs!(UnixSeqpacket);

impl UnixSeqpacket {
    /// Connects to a listener at `addr`.
    ///
    #[doc = man!(connect(2), unix(7))]
    pub fn connect(addr: UnixAddr) -> Result<UnixSeqpacket> {
        connected(Type::SEQPACKET, addr).map(|inner| UnixSeqpacket { inner })
    }

    /// A connected pair.
    ///
    /// ```
    /// use baresock::UnixSeqpacket;
    /// let (a, b) = UnixSeqpacket::pair()?;
    /// a.send(b"a record")?;
    /// let mut buf = [0u8; 16];
    /// assert_eq!(b.recv(&mut buf)?, 8);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socketpair(2), unix(7))]
    pub fn pair() -> Result<(UnixSeqpacket, UnixSeqpacket)> {
        let (a, b) = Socket::pair(Family::UNIX, Type::SEQPACKET, Protocol::DEFAULT)?;
        Ok((UnixSeqpacket { inner: a }, UnixSeqpacket { inner: b }))
    }
}
