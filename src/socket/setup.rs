//! Connection set-up: creating a socket (`socket`, `socketpair`, wrapping or duplicating an
//! fd), `bind`, `listen`, `accept` and `connect`.

use crate::AddressError;
use core::net::SocketAddr;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use core::time::Duration;

use linux_raw_sys::net as k;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::io::Errno;
use rustix::net::SocketFlags;

use crate::sys::{addr, io};
use crate::time::{self, Deadline};
use crate::{Error, Family, Protocol, Result, SockAddr, Type};

use super::{hot_bits, pack, protocol_bits, send_word, FromFdError, Socket, Wait, SLOW};

/// The error of a `socket(2)` that failed with `e`. An MPTCP stream socket over IP is refused
/// with `ENOPROTOOPT` where `net.mptcp.enabled` is 0, `EPROTONOSUPPORT` where the kernel has no
/// `CONFIG_MPTCP`, and `EINVAL` before Linux 5.6 (262 was past `IPPROTO_MAX`): those are
/// [`Error::Unsupported`] for [`KernelFeature::Mptcp`](crate::KernelFeature::Mptcp).
#[cold]
#[inline(never)]
fn creation_error(family: Family, ty: Type, protocol: Protocol, e: Errno) -> Error {
    let mptcp = protocol == Protocol::MPTCP
        && ty == Type::STREAM
        && (family == Family::INET || family == Family::INET6);
    if mptcp && [Errno::NOPROTOOPT, Errno::PROTONOSUPPORT, Errno::INVAL].contains(&e) {
        return Error::Unsupported(crate::Unsupported {
            feature: crate::KernelFeature::Mptcp,
            errno: e,
        });
    }
    e.into()
}

impl Socket {
    /// Creates a socket (`socket(2)`), with `CLOEXEC` and the [default timeout].
    ///
    /// An MPTCP stream socket ([`Protocol::MPTCP`]) the kernel lacks or has switched off is
    /// [`Error::Unsupported`] with [`KernelFeature::Mptcp`](crate::KernelFeature::Mptcp).
    ///
    /// [default timeout]: crate::default_timeout
    ///
    /// ```
    /// use baresock::{Socket, Family, Type, Protocol};
    /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// assert_eq!(s.family()?, Family::INET);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socket(2), socket(7))]
    pub fn new(family: Family, ty: Type, protocol: Protocol) -> Result<Socket> {
        Socket::new_in(family, ty, protocol, time::encode(time::default_timeout()))
    }

    /// [`new`](Socket::new) in the timeout mode `mode` (encoded), from the start.
    #[inline]
    pub(crate) fn new_in(
        family: Family,
        ty: Type,
        protocol: Protocol,
        mode: u64,
    ) -> Result<Socket> {
        let meta = pack(family.as_raw(), ty.as_raw()) | protocol_bits(family, protocol.as_raw());
        io::socket_then(
            family.as_raw().into(),
            ty.as_raw() | creation_flags(mode).bits(),
            // A negative number is the default (0), as for `pair`.
            u32::try_from(protocol.as_raw()).unwrap_or(0),
            |fd| Ok(Socket::assemble(fd, meta, mode)),
            |e| Err(creation_error(family, ty, protocol, e)),
        )
    }

    /// A new TCP socket in the timeout mode `mode` (encoded), connected to `addr`. The socket
    /// is assembled only once the first connect try has answered: on success, in registers;
    /// after a failure, in the slow path, which goes on as [`connect`](Socket::connect) does.
    #[inline(always)]
    pub(crate) fn new_connected_inet(addr: SocketAddr, mode: u64) -> Result<Socket> {
        // One road per family, each with its numbers as constants.
        match addr {
            core::net::SocketAddr::V4(a) => {
                Socket::new_connected(Family::INET, a, mode, addr::connect_v4)
            }
            core::net::SocketAddr::V6(a) => {
                Socket::new_connected(Family::INET6, a, mode, addr::connect_v6)
            }
        }
    }

    /// [`new_connected_inet`](Socket::new_connected_inet) for one family: `connect` makes the
    /// first try. Only the fd comes back from the slow path: no `Socket` in memory.
    #[inline(always)]
    fn new_connected<A: Into<SocketAddr>>(
        family: Family,
        addr: A,
        mode: u64,
        connect: impl FnOnce(&OwnedFd, &A) -> core::result::Result<(), Errno>,
    ) -> Result<Socket> {
        let meta = pack(family.as_raw(), Type::STREAM.as_raw());
        // A `Result` of the crate's error, not of an `Errno`: that one fits in an integer, and
        // the compiler packs the fd into it and unpacks it again.
        let fd = io::socket_then(
            family.as_raw().into(),
            Type::STREAM.as_raw() | creation_flags(mode).bits(),
            0,
            Ok,
            |e| Err(Error::from(e)),
        )?;
        let fd = match connect(&fd, &addr) {
            Ok(()) => fd,
            Err(e) => Socket::connect_new_slow(fd, meta, mode, addr, e)?,
        };
        Ok(Socket::assemble(fd, meta, mode))
    }

    /// [`new_connected_inet`](Socket::new_connected_inet) after the first connect try failed
    /// with `first`: the fd once connected.
    #[cold]
    #[inline(never)]
    fn connect_new_slow(
        fd: OwnedFd,
        meta: u32,
        mode: u64,
        addr: impl Into<SocketAddr>,
        first: Errno,
    ) -> Result<OwnedFd> {
        let s = Socket::assemble(fd, meta, mode);
        s.connect_slow(&addr.into().into(), first)?;
        Ok(s.fd.into_owned())
    }

    /// Creates a pair of connected sockets (`socketpair(2)`), with `CLOEXEC` and the default
    /// timeout. Python's `socketpair()` is `Socket::pair(Family::UNIX, Type::STREAM,
    /// Protocol::DEFAULT)`, or [`UnixStream::pair`](crate::UnixStream::pair).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let (a, b) = Socket::pair(Family::UNIX, Type::SEQPACKET, Protocol::DEFAULT)?;
    /// a.send(b"one message")?;
    /// let mut buf = [0u8; 32];
    /// assert_eq!(b.recv(&mut buf)?, 11);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socketpair(2))]
    pub fn pair(family: Family, ty: Type, protocol: Protocol) -> Result<(Socket, Socket)> {
        let mode = time::encode(time::default_timeout());
        let (a, b) = io::socketpair(
            family.as_raw().into(),
            ty.as_raw() | creation_flags(mode).bits(),
            // A negative number is the default (0), as for `new`.
            u32::try_from(protocol.as_raw()).unwrap_or(0),
        )?;
        let meta = pack(family.as_raw(), ty.as_raw());
        Ok((
            Socket::assemble(a, meta, mode),
            Socket::assemble(b, meta, mode),
        ))
    }

    /// Takes an open socket fd, reading its family and type from the kernel (`SO_DOMAIN`,
    /// `SO_TYPE`; Python's `socket(fileno=fd)`).
    ///
    /// The fd's blocking state (`O_NONBLOCK`) is left as it is, and becomes the socket's
    /// [timeout mode](Socket#timeouts): blocking, or non-blocking if the flag is set. The
    /// [default timeout](crate::default_timeout) does **not** apply to a wrapped fd (it is for
    /// the sockets this crate creates): to give it the default, say so,
    /// `s.set_timeout(baresock::default_timeout())?`.
    ///
    /// Takes a socket of any family and type. Fails with `Error::Os(Errno::NOTSOCK)`
    /// ([`is_not_a_socket`](crate::Error::is_not_a_socket)) for an fd that is not a socket,
    /// and then hands the fd back, open, in [`FromFdError`].
    ///
    /// ```
    /// use baresock::{Family, Socket, Type};
    /// use std::os::fd::OwnedFd;
    ///
    /// let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let s = Socket::from_fd(OwnedFd::from(std_socket))?;
    /// assert_eq!((s.family()?, s.socket_type()?), (Family::INET, Type::DGRAM));
    ///
    /// // Not a socket: the fd comes back, open.
    /// let file = OwnedFd::from(std::fs::File::open("/dev/null").unwrap());
    /// let refused = Socket::from_fd(file).unwrap_err();
    /// assert_eq!(refused.error, baresock::Error::Os(baresock::Errno::NOTSOCK));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    pub fn from_fd(fd: OwnedFd) -> core::result::Result<Socket, FromFdError> {
        match Socket::detect(fd.as_fd()) {
            Ok(meta) => {
                let mode = fd_mode(&fd);
                Ok(Socket::assemble(fd, meta, mode))
            }
            Err(error) => Err(FromFdError { error, fd }),
        }
    }

    /// Duplicates a borrowed socket fd (`F_DUPFD_CLOEXEC`) and takes the copy, as
    /// [`from_fd`](Socket::from_fd) does (Python's `fromfd`). The original fd stays open and
    /// yours, also on failure. The copy starts in the mode the fd's flags say; like every
    /// duplicate, it shares the original's file status flags, so a `set_timeout` on the copy
    /// changes the original's `O_NONBLOCK` too.
    ///
    /// ```
    /// use baresock::{Socket, Type};
    /// use std::os::fd::AsFd;
    ///
    /// let theirs = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let ours = Socket::duplicate(theirs.as_fd())?; // `theirs` stays open and usable
    /// assert_eq!(ours.socket_type()?, Type::STREAM);
    /// assert!(ours.is_listening()?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(fcntl(2))]
    pub fn duplicate(fd: BorrowedFd<'_>) -> Result<Socket> {
        let copy = crate::sys::fd::dup_cloexec(fd)?;
        // On failure the copy is closed with the `FromFdError`.
        Ok(Socket::from_fd(copy)?)
    }

    /// Another `Socket` for the same kernel socket (`F_DUPFD_CLOEXEC`), in the same mode.
    ///
    /// # Warnings
    ///
    /// Each handle keeps its own timeout mode, but the two share the kernel's `O_NONBLOCK`
    /// flag. Sends and receives follow each handle's own mode whatever the flag says
    /// (non-blocking and deadline modes pass `MSG_DONTWAIT` on every call, blocking mode polls
    /// when the flag is set); `accept` and `connect` have no per-call flag and follow the fd's,
    /// which the handle that last called `set_timeout` chose.
    ///
    /// ```
    /// use baresock::UnixStream;
    /// let (a, b) = UnixStream::pair()?;
    /// let a2 = a.as_socket().try_clone()?;
    /// a2.send_all(b"from the clone")?;
    /// let mut buf = [0u8; 32];
    /// assert_eq!(b.recv(&mut buf)?, 14);
    /// # drop(a);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(fcntl(2))]
    pub fn try_clone(&self) -> Result<Socket> {
        let fd = crate::sys::fd::dup_cloexec(self.fd.as_fd())?;
        Ok(Socket::assemble_split(
            fd,
            self.meta.load(Relaxed),
            self.mode.load(Relaxed),
            self.write_mode.load(Relaxed),
        ))
    }

    /// A socket this listener accepted, in `mode`: the listener's family
    /// and type, and its `hot` word's `MSG_TRUNC` (one load, not [`hot_bits`] again).
    #[inline(always)]
    fn accepted(&self, fd: OwnedFd, mode: u64) -> Socket {
        let meta = self.meta.load(Relaxed);
        let h = self.hot.load(Relaxed);
        let hot = if h & SLOW == 0 {
            let wait = if time::decode(mode).is_some() {
                k::MSG_DONTWAIT
            } else {
                0
            };
            (h & k::MSG_TRUNC) | wait
        } else {
            hot_bits(meta, mode)
        };
        Socket {
            fd: crate::sys::fd::Fd::new(fd),
            meta: AtomicU32::new(meta),
            mode: AtomicU64::new(mode),
            write_mode: AtomicU64::new(mode),
            hot: AtomicU32::new(hot),
            send: AtomicU32::new(send_word(mode)),
        }
    }

    /// Binds the socket to a local address (`bind(2)`).
    ///
    /// Fails with [`AddressError::FamilyMismatch`](crate::AddressError::FamilyMismatch) for an
    /// address of another family.
    ///
    /// ```
    /// use baresock::{Error, Family, Protocol, Socket, Type, UnixAddr};
    /// use core::net::SocketAddr;
    /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// s.bind("127.0.0.1:0".parse::<SocketAddr>().unwrap())?;
    /// // An address of another family is refused before the kernel sees it.
    /// let unix = UnixAddr::new_abstract(b"baresock-doc")?;
    /// assert!(matches!(
    ///     s.bind(unix),
    ///     Err(Error::Address(baresock::AddressError::FamilyMismatch { .. }))
    /// ));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(bind(2))]
    pub fn bind(&self, addr: impl Into<SockAddr>) -> Result<()> {
        let addr = addr.into();
        self.check_family(&addr)?;
        Ok(addr::bind(&self.fd, &addr)?)
    }

    /// [`bind`](Socket::bind) for an IP address: only IP addresses are encoded. The kernel
    /// refuses an address of another family than the socket's (it checks the length and the
    /// family field), which is then named, as `bind` names it.
    pub(crate) fn bind_inet(&self, addr: core::net::SocketAddr) -> Result<()> {
        match addr::bind_inet(&self.fd, &addr) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.check_family(&addr.into())?;
                Err(e.into())
            }
        }
    }

    /// Marks the socket as accepting connections (`listen(2)`). A backlog above the kernel's
    /// `net.core.somaxconn` is lowered to it; [`u32::MAX`] asks for exactly that.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::net::SocketAddr;
    /// let s = Socket::new(Family::INET, Type::STREAM, Protocol::TCP)?;
    /// s.bind("127.0.0.1:0".parse::<SocketAddr>().unwrap())?;
    /// s.listen(128)?;
    /// assert!(s.is_listening()?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(listen(2))]
    pub fn listen(&self, backlog: u32) -> Result<()> {
        Ok(io::listen(&self.fd, backlog.min(i32::MAX as u32) as i32)?)
    }

    /// Accepts a connection (`accept4(2)`), with `CLOEXEC`.
    ///
    /// The new socket takes the process's [default timeout](crate::default_timeout), whatever
    /// the listener's mode: blocking when no default is set. This is Python's rule for
    /// `accept()`; on Linux, an accepted fd inherits no file flags from the listener.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, TcpStream, Type};
    /// use core::net::SocketAddr;
    /// let listener = Socket::new(Family::INET, Type::STREAM, Protocol::TCP)?;
    /// listener.bind("127.0.0.1:0".parse::<SocketAddr>().unwrap())?;
    /// listener.listen(8)?;
    /// let client = TcpStream::connect(listener.local_addr()?)?;
    /// let (conn, peer) = listener.accept()?;
    /// assert_eq!(peer, client.local_addr()?.into());
    /// assert_eq!(conn.timeout(), None); // blocking: no default timeout is set
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(accept4(2))]
    pub fn accept(&self) -> Result<(Socket, SockAddr)> {
        let mode = time::encode(time::default_timeout());
        let flags = creation_flags(mode);
        let mut from = addr::AddrRoom::new();
        let fd = self.io(&mut Deadline::default(), Wait::Read, false, |fd| {
            addr::accept(fd, flags.bits(), &mut from)
        })?;
        let s = self.accepted(fd, mode);
        let addr = self.addr_or_unnamed(from.bytes());
        // An accepted stream socket always has a peer address; its family is the listener's.
        let addr = addr.ok_or(Error::Address(AddressError::Missing))?;
        Ok((s, addr))
    }

    /// [`accept`](Socket::accept) on an IP listener: the peer decoded straight into a
    /// `core::net::SocketAddr`, in line (an IPv6 peer decoded in a call would leave the
    /// answer's merge in memory). The new socket is made from the listener's family and type
    /// alone: its other words are computed, not loaded, and vanish when unused.
    #[inline]
    pub(crate) fn accept_inet(&self) -> Result<(Socket, SocketAddr)> {
        let mode = time::encode(time::default_timeout());
        let flags = creation_flags(mode);
        let mut from = addr::InetFrom::new();
        let fd = addr::accept_inet_then(&self.fd, flags, &mut from, Ok, |e, from| {
            self.accept_inet_slow(flags, e, from)
        })?;
        Ok((Socket::assemble(fd, self.meta_bits(), mode), from.addr()?))
    }

    /// [`accept_inet`](Socket::accept_inet) after a first try failed with `e`.
    #[cold]
    #[inline(never)]
    fn accept_inet_slow(
        &self,
        flags: SocketFlags,
        e: Errno,
        from: &mut addr::InetFrom,
    ) -> Result<OwnedFd> {
        let mut deadline = Deadline::default();
        let mut tries = 0;
        self.retry(e, &mut deadline, Wait::Read, false, &mut tries)?;
        self.io_from(&mut deadline, Wait::Read, false, tries, |fd| {
            addr::accept_inet(&fd, flags, &mut *from)
        })
    }

    /// Connects to `addr` (`connect(2)`).
    ///
    /// The connect follows the [write timeout](Socket::write_timeout).
    /// In deadline mode the connect is non-blocking underneath: it waits for writability until
    /// the deadline, then reads `SO_ERROR`. In non-blocking mode a connect that cannot finish at
    /// once fails with `Error::Os(Errno::INPROGRESS)`; completion shows as writability, and
    /// [`take_error`](Socket::take_error) tells the outcome. In blocking mode a signal does not
    /// abort the connect: it is waited for to the end.
    ///
    /// ```
    /// use baresock::{Errno, Error, Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// use core::net::SocketAddr;
    ///
    /// let s = Socket::new(Family::INET, Type::STREAM, Protocol::TCP)?;
    /// s.set_timeout(Some(Duration::from_secs(5)))?; // the connect waits at most 5 s
    /// // Nothing listens on port 1 of the loopback address.
    /// let closed: SocketAddr = "127.0.0.1:1".parse().unwrap();
    /// assert_eq!(s.connect(closed), Err(Error::Os(Errno::CONNREFUSED)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(connect(2), poll(2))]
    #[inline]
    pub fn connect(&self, addr: impl Into<SockAddr>) -> Result<()> {
        let addr = addr.into();
        match addr::connect(&self.fd, &addr) {
            Ok(()) => Ok(()),
            Err(e) => self.connect_slow(&addr, e),
        }
    }

    /// [`connect`](Socket::connect) for an IP address: only IP addresses are encoded.
    #[inline]
    pub(crate) fn connect_inet(&self, addr: core::net::SocketAddr) -> Result<()> {
        match addr::connect_inet(&self.fd, &addr) {
            Ok(()) => Ok(()),
            Err(e) => self.connect_inet_slow(addr, e),
        }
    }

    /// [`connect_inet`](Socket::connect_inet) after a first try failed with `first`.
    #[cold]
    #[inline(never)]
    fn connect_inet_slow(&self, addr: SocketAddr, first: Errno) -> Result<()> {
        self.connect_slow(&addr.into(), first)
    }

    /// [`connect`](Socket::connect) after a first try failed with `first`: the timeout
    /// policy, and the named error for an address of another family.
    #[cold]
    #[inline(never)]
    fn connect_slow(&self, addr: &SockAddr, first: Errno) -> Result<()> {
        self.check_family(addr)?;
        let timeout = self.write_timeout();
        let mut deadline = Deadline::default();
        let mut tries = 0;
        let mut result = Err(first);
        loop {
            match result {
                Ok(()) => return Ok(()),
                // A blocking connect cut by a signal: a TCP connect goes on in the kernel, so
                // wait for its end; a Unix one was abandoned (the socket is still
                // unconnected, and poll says so at once), so it is made again.
                Err(Errno::INTR) if timeout.is_none() => {
                    self.poll_until(&mut deadline, time::BLOCKING, Wait::Write)?;
                    self.connect_result()?;
                    if addr::getname(&self.fd, true, &mut addr::AddrRoom::new()).is_ok() {
                        return Ok(());
                    }
                }
                Err(Errno::INTR) => {}
                // Under way in the background (in blocking mode too, if a clone made the fd
                // non-blocking): wait for its end, within the deadline if there is one.
                Err(Errno::INPROGRESS | Errno::ALREADY) if timeout != Some(Duration::ZERO) => {
                    self.poll_until(&mut deadline, time::encode(timeout), Wait::Write)?;
                    return self.connect_result();
                }
                // A Unix listener with a full backlog: wait for room and try again.
                Err(Errno::AGAIN) => {
                    self.wait(&mut deadline, Wait::Write, tries)?;
                    tries += 1;
                }
                Err(e) => return Err(Error::Os(e)),
            }
            result = addr::connect(&self.fd, addr);
        }
    }

    /// After a connect finished in the background: its result, from `SO_ERROR`.
    fn connect_result(&self) -> Result<()> {
        match self.take_error()? {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// Dissolves a datagram socket's association (`connect` to `AF_UNSPEC`).
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// let a = UdpSocket::bind("127.0.0.1:0")?;
    /// let b = UdpSocket::bind("127.0.0.1:0")?;
    /// a.connect(b.local_addr()?)?;
    /// a.as_socket().disconnect()?;
    /// assert!(a.peer_addr().is_err()); // ENOTCONN
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(connect(2))]
    pub fn disconnect(&self) -> Result<()> {
        Ok(addr::connect_unspec(&self.fd)?)
    }
}

/// `SOCK_CLOEXEC`, plus `SOCK_NONBLOCK` for every mode but blocking.
#[inline]
fn creation_flags(mode: u64) -> SocketFlags {
    if time::decode(mode).is_some() {
        SocketFlags::CLOEXEC | SocketFlags::NONBLOCK
    } else {
        SocketFlags::CLOEXEC
    }
}

impl From<OwnedFd> for Socket {
    /// Wraps an fd, like `std`'s `From<OwnedFd>`, but reading what the socket's calls need
    /// up front: its family and type (`SO_DOMAIN`, `SO_TYPE`, and `SO_PROTOCOL` for CAN: two
    /// or three `getsockopt` calls) and its blocking state (one `fcntl(F_GETFL)`), which
    /// becomes its [timeout mode](Socket#timeouts) (blocking or non-blocking) and is left as
    /// it is: the [default timeout](crate::default_timeout) does not apply (see
    /// [`Socket::from_fd`]). Nothing is refused: an fd that is not a socket is wrapped all the same, its calls
    /// fail as the kernel says (`ENOTSOCK`) and [`family`](Socket::family) names the error.
    /// Use [`Socket::from_fd`] to check it is a socket up front.
    fn from(fd: OwnedFd) -> Socket {
        let meta = Socket::detect(fd.as_fd()).unwrap_or(0);
        let mode = fd_mode(&fd);
        Socket::assemble(fd, meta, mode)
    }
}

/// The timeout mode an fd's flags say: non-blocking if `O_NONBLOCK` is set, else blocking.
fn fd_mode(fd: &OwnedFd) -> u64 {
    time::encode(crate::sys::poll::nonblocking(fd).then_some(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The three answers of a kernel without MPTCP (switched off, not built in, before 5.6)
    /// are the named error for an MPTCP stream over IP, and only there.
    #[test]
    fn only_mptcp_streams_refused_for_want_of_mptcp_are_unsupported() {
        let (inet, inet6, stream) = (Family::INET, Family::INET6, Type::STREAM);
        for e in [Errno::NOPROTOOPT, Errno::PROTONOSUPPORT, Errno::INVAL] {
            for family in [inet, inet6] {
                assert_eq!(
                    creation_error(family, stream, Protocol::MPTCP, e),
                    Error::Unsupported(crate::Unsupported {
                        feature: crate::KernelFeature::Mptcp,
                        errno: e,
                    })
                );
            }
            assert_eq!(creation_error(inet, stream, Protocol::TCP, e), Error::Os(e));
            assert_eq!(
                creation_error(inet, Type::DGRAM, Protocol::MPTCP, e),
                Error::Os(e)
            );
            assert_eq!(
                creation_error(Family::UNIX, stream, Protocol::MPTCP, e),
                Error::Os(e)
            );
        }
        let other = Errno::MFILE;
        assert_eq!(
            creation_error(inet, stream, Protocol::MPTCP, other),
            Error::Os(other)
        );
    }
}
