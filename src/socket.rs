//! [`Socket`]: one owned fd, every operation as a method, timeouts applied in one place.

use core::fmt;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use core::time::Duration;

use bitflags::bitflags;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::io::Errno;
use rustix::net::{self as rnet, AddressFamily, SocketFlags, SocketType};

use crate::sys::addr::{any_bytes, Call};
use crate::sys::io;
use crate::sys::sockopt;
use crate::time::{self, Deadline};
use crate::{Error, Family, Protocol, Result, SocketAddr, Type, UnixAddr};
use linux_raw_sys::net as k;

/// An open socket of any family and type: one owned file descriptor.
///
/// `Socket` is the untyped layer under the typed sockets ([`TcpStream`](crate::TcpStream),
/// [`UdpSocket`](crate::UdpSocket), ...): every system call the crate makes on a socket is a
/// method here. It closes its fd when dropped; every fd it creates has `CLOEXEC` set.
///
/// # Timeouts
///
/// Each socket is in one of three modes (Python's model), set with [`set_timeout`] and starting
/// from [`default_timeout`](crate::default_timeout):
///
/// | mode | `timeout()` | a call that cannot complete now |
/// |---|---|---|
/// | blocking | `None` | waits; returns [`Error::Timeout`] only if a kernel timeout (`SO_RCVTIMEO`/`SO_SNDTIMEO`) ran out |
/// | non-blocking | `Some(Duration::ZERO)` | returns [`Error::WouldBlock`] at once |
/// | deadline | `Some(d)` | waits with `poll` at most `d` in all, then returns [`Error::Timeout`] |
///
/// A signal never surfaces as an error: a call interrupted by one (`EINTR`) is retried with the
/// time that remains (Python's PEP 475).
///
/// [`set_timeout`]: Socket::set_timeout
///
/// # Example
///
/// ```
/// use baresock::{Socket, Family, Type, Protocol};
///
/// let (a, b) = Socket::pair(Family::Unix, Type::Stream, Protocol::DEFAULT)?;
/// a.send_all(b"ping")?;
/// let mut buf = [0u8; 16];
/// let n = b.recv(&mut buf)?;
/// assert_eq!(&buf[..n], b"ping");
/// # Ok::<(), baresock::Error>(())
/// ```
pub struct Socket {
    fd: crate::sys::fd::Fd,
    /// The kernel's family number (bits 0..16) and type number (bits 16..24), with [`KNOWN`]
    /// set: sockets the crate creates know them, an fd wrapped with `From<OwnedFd>` has them
    /// read when wrapped. Without [`KNOWN`] (0) for an fd whose family could not be read.
    meta: AtomicU32,
    /// The timeout mode, encoded by [`time::encode`].
    mode: AtomicU64,
    /// What the hot paths need, from `meta` and `mode` (see [`hot_bits`]).
    hot: AtomicU32,
    /// The kernel flags every send adds, from `mode` (see [`send_word`]).
    send: AtomicU32,
}

const KNOWN: u32 = 1 << 31;
/// Set for a protocol whose `recvmsg` refuses `MSG_TRUNC` (J1939: `EINVAL`).
const NO_TRUNC_FLAG: u32 = 1 << 30;
/// In `hot`: the hot paths must take the slow road (a CAN socket, whose receives go through
/// `recvmsg`, or an fd whose family could not be read). The bit is not a kernel flag.
const SLOW: u32 = 1 << 31;

/// The `hot` word for a socket's `meta` bits and timeout mode: the kernel flags every receive
/// adds (`MSG_DONTWAIT` in non-blocking and deadline modes; `MSG_TRUNC` on message-based
/// sockets whose protocol takes it, to learn a message's true length), and [`SLOW`] where
/// the hot paths do not apply.
const fn hot_bits(meta: u32, mode: u64) -> u32 {
    let slow = if meta & KNOWN == 0 || meta as u16 == Family::Can.as_raw() {
        SLOW
    } else {
        0
    };
    let wait = if time::decode(mode).is_some() {
        k::MSG_DONTWAIT
    } else {
        0
    };
    let trunc = if boundaries(meta) && meta & NO_TRUNC_FLAG == 0 {
        k::MSG_TRUNC
    } else {
        0
    };
    slow | wait | trunc
}

/// The kernel flags every send adds in a timeout mode: `MSG_NOSIGNAL`, and `MSG_DONTWAIT` in
/// non-blocking and deadline modes.
const fn send_word(mode: u64) -> u32 {
    let wait = if time::decode(mode).is_some() {
        k::MSG_DONTWAIT
    } else {
        0
    };
    wait | k::MSG_NOSIGNAL
}

/// [`Error::Truncated`], out of line: a hot path that returns it stays short.
#[cold]
#[inline(never)]
fn truncated(len: usize) -> Error {
    Error::Truncated { len }
}

/// `CAN_J1939`.
const CAN_J1939: i32 = 7;

/// The `meta` bits a protocol adds.
fn protocol_bits(family: Family, protocol: i32) -> u32 {
    if family == Family::Can && protocol == CAN_J1939 {
        NO_TRUNC_FLAG
    } else {
        0
    }
}

/// The kernel flags for a receive, from a (not [`SLOW`]) `hot` word: the caller's (only
/// those [`RecvFlags`] knows, so never `MSG_TRUNC`, which discards data on a TCP socket) and
/// the socket's.
#[inline(always)]
fn recv_bits(hot: u32, flags: RecvFlags) -> rnet::RecvFlags {
    rnet::RecvFlags::from_bits_retain((flags & RecvFlags::all()).bits() | hot)
}

/// Whether a socket of these `meta` bits keeps message boundaries: any type but
/// `SOCK_STREAM`, supported by this crate or not (netlink, `SOCK_RDM`...). Unknown types are
/// treated as streams: `MSG_TRUNC` on a TCP socket would discard data.
#[inline(always)]
const fn boundaries(m: u32) -> bool {
    (m >> 16) & 0xff != k::SOCK_STREAM
}

const fn pack(family: u16, ty: u32) -> u32 {
    KNOWN | family as u32 | (ty & 0xff) << 16
}

bitflags! {
    /// Flags for [`Socket::send_with`] (send(2)). `MSG_NOSIGNAL` is always added: a closed peer
    /// is [`Errno::PIPE`], never a `SIGPIPE`.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct SendFlags: u32 {
        /// Send without gateway routing (`MSG_DONTROUTE`).
        const DONT_ROUTE = k::MSG_DONTROUTE;
        /// This call does not wait, whatever the socket's mode (`MSG_DONTWAIT`).
        const DONT_WAIT = k::MSG_DONTWAIT;
        /// End of record, for `SOCK_SEQPACKET` (`MSG_EOR`).
        const END_OF_RECORD = k::MSG_EOR;
        /// More data follows: hold the segment back (`MSG_MORE`).
        const MORE = k::MSG_MORE;
        /// Out-of-band data (`MSG_OOB`).
        const OOB = k::MSG_OOB;
        /// The link layer made forward progress (`MSG_CONFIRM`).
        const CONFIRM = k::MSG_CONFIRM;
    }
}

bitflags! {
    /// Flags for [`Socket::recv_with`] (recv(2)). `MSG_TRUNC` is added on message-based sockets
    /// so that a message longer than the buffer is [`Error::Truncated`], never cut silently.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct RecvFlags: u32 {
        /// Look at the data without consuming it (`MSG_PEEK`).
        const PEEK = k::MSG_PEEK;
        /// Wait until the buffer is full, for streams (`MSG_WAITALL`).
        const WAIT_ALL = k::MSG_WAITALL;
        /// This call does not wait, whatever the socket's mode (`MSG_DONTWAIT`).
        const DONT_WAIT = k::MSG_DONTWAIT;
        /// Out-of-band data (`MSG_OOB`).
        const OOB = k::MSG_OOB;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for SendFlags {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "SendFlags({=u32:#x})", self.bits())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for RecvFlags {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "RecvFlags({=u32:#x})", self.bits())
    }
}

/// Which directions [`Socket::shutdown`] closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Shutdown {
    /// No more receiving (`SHUT_RD`).
    Read,
    /// No more sending; the peer sees end of stream (`SHUT_WR`).
    Write,
    /// Both (`SHUT_RDWR`).
    Both,
}

/// [`Socket::from_fd`] could not take the fd; it is handed back, open.
pub struct FromFdError {
    /// Why not.
    pub error: Error,
    /// The fd, untouched.
    pub fd: OwnedFd,
}

impl fmt::Debug for FromFdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FromFdError")
            .field("error", &self.error)
            .field("fd", &self.fd)
            .finish()
    }
}

impl fmt::Display for FromFdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl core::error::Error for FromFdError {}

#[cfg(feature = "defmt")]
impl defmt::Format for FromFdError {
    fn format(&self, f: defmt::Formatter<'_>) {
        use rustix::fd::AsRawFd;
        defmt::write!(
            f,
            "FromFdError {{ error: {}, fd: {} }}",
            self.error,
            self.fd.as_raw_fd()
        )
    }
}

impl From<FromFdError> for Error {
    /// Keeps the error and closes the fd.
    fn from(e: FromFdError) -> Error {
        e.error
    }
}

/// What a call waits for when it would block.
#[derive(Clone, Copy)]
pub(crate) enum Wait {
    Read,
    Write,
}

impl Socket {
    /// Creates a socket (`socket(2)`), with `CLOEXEC` and the [default timeout].
    ///
    /// [default timeout]: crate::default_timeout
    ///
    /// ```
    /// use baresock::{Socket, Family, Type, Protocol};
    /// let s = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// assert_eq!(s.family()?, Family::Inet);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`socket(2)`](https://man7.org/linux/man-pages/man2/socket.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
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
            |e| Err(e.into()),
        )
    }

    /// A new TCP socket in the timeout mode `mode` (encoded), connected to `addr`. The socket
    /// is assembled only once the first connect try has answered: on success, in registers;
    /// after a failure, in the slow path, which goes on as [`connect`](Socket::connect) does.
    #[inline(always)]
    pub(crate) fn new_connected_inet(addr: core::net::SocketAddr, mode: u64) -> Result<Socket> {
        // One road per family, each with its numbers as constants.
        match addr {
            core::net::SocketAddr::V4(a) => {
                Socket::new_connected(Family::Inet, a, mode, io::connect_v4)
            }
            core::net::SocketAddr::V6(a) => {
                Socket::new_connected(Family::Inet6, a, mode, io::connect_v6)
            }
        }
    }

    /// [`new_connected_inet`](Socket::new_connected_inet) for one family: `connect` makes the
    /// first try. Only the fd comes back from the slow path: no `Socket` in memory.
    #[inline(always)]
    fn new_connected<A: Into<core::net::SocketAddr>>(
        family: Family,
        addr: A,
        mode: u64,
        connect: impl FnOnce(&OwnedFd, &A) -> core::result::Result<(), Errno>,
    ) -> Result<Socket> {
        let meta = pack(family.as_raw(), Type::Stream.as_raw());
        // A `Result` of the crate's error, not of an `Errno`: that one fits in an integer, and
        // the compiler packs the fd into it and unpacks it again.
        let fd = io::socket_then(
            family.as_raw().into(),
            Type::Stream.as_raw() | creation_flags(mode).bits(),
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
        addr: impl Into<core::net::SocketAddr>,
        first: Errno,
    ) -> Result<OwnedFd> {
        let s = Socket::assemble(fd, meta, mode);
        s.connect_slow(&addr.into().into(), first)?;
        Ok(s.fd.into_owned())
    }

    /// Creates a pair of connected sockets (`socketpair(2)`), with `CLOEXEC` and the default
    /// timeout. Python's `socketpair()` is `Socket::pair(Family::Unix, Type::Stream,
    /// Protocol::DEFAULT)`, or [`UnixStream::pair`](crate::UnixStream::pair).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let (a, b) = Socket::pair(Family::Unix, Type::SeqPacket, Protocol::DEFAULT)?;
    /// a.send(b"one message")?;
    /// let mut buf = [0u8; 32];
    /// assert_eq!(b.recv(&mut buf)?, 11);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`socketpair(2)`](https://man7.org/linux/man-pages/man2/socketpair.2.html)
    pub fn pair(family: Family, ty: Type, protocol: Protocol) -> Result<(Socket, Socket)> {
        let mode = time::encode(time::default_timeout());
        let (a, b) = rnet::socketpair(
            AddressFamily::from_raw(family.as_raw()),
            SocketType::from_raw(ty.as_raw()),
            creation_flags(mode),
            raw_protocol(protocol),
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
    /// If a [default timeout](crate::default_timeout) is set the socket takes it; otherwise
    /// the fd keeps its blocking state and [`timeout`](Socket::timeout) reports it.
    ///
    /// Fails with [`Error::NotASocket`], [`Error::UnknownFamily`] or [`Error::UnknownType`],
    /// and then hands the fd back, open, in [`FromFdError`].
    ///
    /// ```
    /// use baresock::{Family, Socket, Type};
    /// use std::os::fd::OwnedFd;
    ///
    /// let std_socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let s = Socket::from_fd(OwnedFd::from(std_socket))?;
    /// assert_eq!((s.family()?, s.socket_type()?), (Family::Inet, Type::Dgram));
    ///
    /// // Not a socket: the fd comes back, open.
    /// let file = OwnedFd::from(std::fs::File::open("/dev/null").unwrap());
    /// let refused = Socket::from_fd(file).unwrap_err();
    /// assert_eq!(refused.error, baresock::Error::NotASocket);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    pub fn from_fd(fd: OwnedFd) -> core::result::Result<Socket, FromFdError> {
        match Socket::detect(fd.as_fd()).and_then(Socket::check_supported) {
            Ok(meta) => match time::default_timeout() {
                Some(t) => {
                    let s = Socket::assemble(fd, meta, time::encode(Some(t)));
                    match s.set_timeout(Some(t)) {
                        Ok(()) => Ok(s),
                        Err(error) => Err(FromFdError {
                            error,
                            fd: s.fd.into_owned(),
                        }),
                    }
                }
                None => {
                    let mode = fd_mode(&fd);
                    Ok(Socket::assemble(fd, meta, mode))
                }
            },
            Err(error) => Err(FromFdError { error, fd }),
        }
    }

    /// Duplicates a borrowed socket fd (`F_DUPFD_CLOEXEC`) and takes the copy, as
    /// [`from_fd`](Socket::from_fd) does (Python's `fromfd`). The original fd stays open and
    /// yours, also on failure; but like every duplicate, the copy shares its file status flags,
    /// so a default timeout applied to the copy makes the original non-blocking too.
    ///
    /// ```
    /// use baresock::{Socket, Type};
    /// use std::os::fd::AsFd;
    ///
    /// let theirs = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let ours = Socket::duplicate(theirs.as_fd())?; // `theirs` stays open and usable
    /// assert_eq!(ours.socket_type()?, Type::Stream);
    /// assert!(ours.is_listening()?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
    pub fn duplicate(fd: BorrowedFd<'_>) -> Result<Socket> {
        let copy = rustix::io::fcntl_dupfd_cloexec(fd, 0)?;
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
    /// # References
    ///  - [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
    pub fn try_clone(&self) -> Result<Socket> {
        let fd = rustix::io::fcntl_dupfd_cloexec(&self.fd, 0)?;
        Ok(Socket::assemble(
            fd,
            self.meta.load(Relaxed),
            self.mode.load(Relaxed),
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
            hot: AtomicU32::new(hot),
            send: AtomicU32::new(send_word(mode)),
        }
    }

    fn assemble(fd: OwnedFd, meta: u32, mode: u64) -> Socket {
        Socket {
            fd: crate::sys::fd::Fd::new(fd),
            meta: AtomicU32::new(meta),
            mode: AtomicU64::new(mode),
            hot: AtomicU32::new(hot_bits(meta, mode)),
            send: AtomicU32::new(send_word(mode)),
        }
    }

    /// Stores a timeout mode, and what the hot paths read of it.
    fn store_mode(&self, mode: u64) {
        self.mode.store(mode, Relaxed);
        self.hot
            .store(hot_bits(self.meta.load(Relaxed), mode), Relaxed);
        self.send.store(send_word(mode), Relaxed);
    }

    /// The `hot` word.
    #[inline(always)]
    fn hot(&self) -> u32 {
        self.hot.load(Relaxed)
    }

    /// Reads the kernel's family and type numbers of a socket fd, supported or not: the packed
    /// `meta` word. Only fails if the fd is not a socket (or the kernel refuses).
    fn detect(fd: BorrowedFd<'_>) -> Result<u32> {
        let family = match sockopt::get::<i32>(fd, k::SOL_SOCKET, k::SO_DOMAIN) {
            Err(Error::Os(Errno::NOTSOCK)) => return Err(Error::NotASocket),
            other => other?,
        };
        let ty = sockopt::get::<i32>(fd, k::SOL_SOCKET, k::SO_TYPE)?;
        let mut meta = pack(family as u16, ty as u32);
        if family == i32::from(Family::Can.as_raw()) {
            let protocol = sockopt::get::<i32>(fd, k::SOL_SOCKET, k::SO_PROTOCOL)?;
            meta |= protocol_bits(Family::Can, protocol);
        }
        Ok(meta)
    }

    /// Fails with [`Error::UnknownFamily`] or [`Error::UnknownType`] for numbers this crate
    /// does not support.
    fn check_supported(meta: u32) -> Result<u32> {
        let family = meta as u16;
        Family::from_raw(family).ok_or(Error::UnknownFamily(family.into()))?;
        let ty = (meta >> 16) & 0xff;
        Type::from_raw(ty).ok_or(Error::UnknownType(ty as i32))?;
        Ok(meta)
    }

    /// The packed family and type for the hot paths: one load. A socket whose family could
    /// not be read (the fd is not a socket) reads as 0, without [`KNOWN`]; its system calls
    /// then fail on their own.
    #[inline(always)]
    fn meta_bits(&self) -> u32 {
        self.meta.load(Relaxed)
    }

    /// The packed family and type; for an fd whose family could not be read when it was
    /// wrapped, read again (and the error, if it still cannot be).
    fn meta(&self) -> Result<u32> {
        let m = self.meta.load(Relaxed);
        if m & KNOWN != 0 {
            return Ok(m);
        }
        let m = Socket::detect(self.fd.as_fd())?;
        self.meta.store(m, Relaxed);
        self.store_mode(self.mode.load(Relaxed));
        Ok(m)
    }

    /// The socket's address family (`SO_DOMAIN`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::Inet6, Type::Stream, Protocol::DEFAULT)?;
    /// assert_eq!(s.family()?, Family::Inet6);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    pub fn family(&self) -> Result<Family> {
        let raw = self.meta()? as u16;
        Family::from_raw(raw).ok_or(Error::UnknownFamily(raw.into()))
    }

    /// The socket's type (`SO_TYPE`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::Unix, Type::SeqPacket, Protocol::DEFAULT)?;
    /// assert_eq!(s.socket_type()?, Type::SeqPacket);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    pub fn socket_type(&self) -> Result<Type> {
        let raw = (self.meta()? >> 16) & 0xff;
        Type::from_raw(raw).ok_or(Error::UnknownType(raw as i32))
    }

    /// The socket's protocol, as the kernel reports it (`SO_PROTOCOL`): the protocol the kernel
    /// chose when [`Protocol::DEFAULT`] was asked for.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// // Asked for the default, the kernel picks TCP for an IPv4 stream.
    /// let s = Socket::new(Family::Inet, Type::Stream, Protocol::DEFAULT)?;
    /// assert_eq!(s.protocol()?, Protocol::TCP);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    pub fn protocol(&self) -> Result<Protocol> {
        let p = sockopt::get::<i32>(self.fd.as_fd(), k::SOL_SOCKET, k::SO_PROTOCOL)?;
        Ok(Protocol::from_raw(p))
    }

    /// Fails with [`Error::FamilyMismatch`] when `addr` cannot be meant for this socket.
    #[inline]
    pub(crate) fn check_family(&self, addr: &SocketAddr) -> Result<()> {
        let m = self.meta_bits();
        if m & KNOWN == 0 || m as u16 == addr.raw_family() {
            return Ok(());
        }
        family_mismatch(m, addr)
    }

    /// [`Error::FamilyMismatch`] for an address of family `addr` given to this socket.
    #[cold]
    #[inline(never)]
    pub(crate) fn family_error(&self, addr: Family) -> Error {
        match self.meta() {
            Ok(m) => mismatch_error(m, addr),
            Err(e) => e,
        }
    }

    /// Decodes an address the kernel may have left out: an unbound Unix peer has none. Never
    /// fails: bytes that do not decode come back as [`SocketAddr::Other`], so that what the
    /// call took (a datagram, a connection) is never thrown away for its address.
    pub(crate) fn addr_or_unnamed(&self, any: Option<rnet::SocketAddrAny>) -> Option<SocketAddr> {
        match any {
            Some(a) => Some(crate::addr::decode_or_raw(any_bytes(&a))),
            None if self.family() == Ok(Family::Unix) => {
                Some(SocketAddr::Unix(UnixAddr::unnamed()))
            }
            None => None,
        }
    }
}

/// Blocking operations. Each goes through one private function, where the timeout mode and `EINTR`
/// are handled for all of them.
impl Socket {
    /// The timeout mode.
    #[inline]
    fn mode(&self) -> u64 {
        self.mode.load(Relaxed)
    }

    /// Runs one system call under the socket's timeout mode: retried on `EINTR`; on `EAGAIN`,
    /// either an error at once or a wait for readiness (bounded by the deadline) and another
    /// try. `dont_wait` is the caller's own `MSG_DONTWAIT`: fail at once whatever the mode.
    #[inline]
    pub(crate) fn io<T>(
        &self,
        deadline: &mut Deadline,
        wait: Wait,
        dont_wait: bool,
        op: impl FnMut(BorrowedFd<'_>) -> rustix::io::Result<T>,
    ) -> Result<T> {
        self.io_from(deadline, wait, dont_wait, 0, op)
    }

    /// [`io`](Socket::io) after earlier tries (whose waits `tries` counts).
    pub(crate) fn io_from<T>(
        &self,
        deadline: &mut Deadline,
        wait: Wait,
        dont_wait: bool,
        mut tries: u32,
        mut op: impl FnMut(BorrowedFd<'_>) -> rustix::io::Result<T>,
    ) -> Result<T> {
        loop {
            match op(self.fd.as_fd()) {
                Ok(v) => return Ok(v),
                Err(e) => self.retry(e, deadline, wait, dont_wait, &mut tries)?,
            }
        }
    }

    /// The slow path of the sends and receives: `call` failed with `e`; the timeout policy
    /// decides whether to fail or to wait and make it again, until it succeeds.
    #[cold]
    #[inline(never)]
    fn retry_call(&self, call: &mut Call<'_>, e: Errno, dont_wait: bool) -> Result<usize> {
        let wait = if call.receives() {
            Wait::Read
        } else {
            Wait::Write
        };
        let mut deadline = Deadline::default();
        let mut tries = 0;
        let mut e = e;
        loop {
            self.retry(e, &mut deadline, wait, dont_wait, &mut tries)?;
            match call.make() {
                Ok(n) => return Ok(n),
                Err(again) => e = again,
            }
        }
    }

    /// The timeout policy for a failed call: `Ok` to try again (after waiting, if the mode
    /// says so), or the error to return. `tries` counts the waits so far.
    pub(crate) fn retry(
        &self,
        e: Errno,
        deadline: &mut Deadline,
        wait: Wait,
        dont_wait: bool,
        tries: &mut u32,
    ) -> Result<()> {
        match e {
            Errno::INTR => Ok(()),
            Errno::AGAIN if dont_wait => Err(Error::WouldBlock),
            Errno::AGAIN => {
                self.wait(deadline, wait, *tries)?;
                *tries += 1;
                Ok(())
            }
            e => Err(Error::Os(e)),
        }
    }

    /// The call would block: decide by mode whether to fail or to wait, and wait. `tries` is
    /// how many waits this call already made: poll says an unconnected Unix socket is always
    /// writable, even when the receiver's queue is full, so repeated `EAGAIN`s after "ready"
    /// back off (1 ms doubling to 16 ms) instead of spinning.
    fn wait(&self, deadline: &mut Deadline, wait: Wait, tries: u32) -> Result<()> {
        let mode = match self.mode() {
            0 => return Err(Error::WouldBlock),
            m => m,
        };
        let blocking = mode == time::BLOCKING;
        if blocking && !crate::sys::poll::nonblocking(&self.fd) {
            // A blocking fd says EAGAIN only when SO_RCVTIMEO/SO_SNDTIMEO ran out.
            return Err(Error::Timeout);
        }
        if tries > 0 {
            // In nanoseconds: 1 ms, doubling to 16 ms, within what is left of the deadline.
            let pause = 1_000_000 << (tries.min(5) - 1);
            let pause = if blocking {
                pause
            } else {
                deadline.left(mode).map_or(0, |l| l.min(pause))
            };
            // Nothing to wait for but the time: a sleep that signals may cut short.
            let _ = crate::sys::poll::poll(None, 0, pause);
        }
        self.poll_until(deadline, mode, wait)
    }

    /// Waits until the socket is ready, as its mode says: forever, until the deadline
    /// ([`Error::Timeout`]), or not at all ([`Error::WouldBlock`]). For callers that do not
    /// make a system call first (the rings).
    pub(crate) fn wait_ready(&self, deadline: &mut Deadline, wait: Wait) -> Result<()> {
        match self.mode() {
            0 => Err(Error::WouldBlock),
            m => self.poll_until(deadline, m, wait),
        }
    }

    /// Polls until the fd is ready, the deadline passes ([`Error::Timeout`]), or forever when
    /// `mode` (a timeout mode, as [`time::encode`] gives it) is blocking. Signals do not cut
    /// the wait short.
    fn poll_until(&self, deadline: &mut Deadline, mode: u64, wait: Wait) -> Result<()> {
        let events = match wait {
            Wait::Read => crate::sys::poll::IN,
            Wait::Write => crate::sys::poll::OUT,
        };
        loop {
            let left = match mode {
                time::BLOCKING => crate::sys::poll::FOREVER,
                t => deadline.left(t).ok_or(Error::Timeout)?,
            };
            match crate::sys::poll::poll(Some(&self.fd), events, left) {
                // Woken early by rounding: the next turn sees what is left, if anything.
                Ok(0) | Err(Errno::INTR) => {}
                // Ready, or an error/hang-up that the retried call will report.
                Ok(_) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Binds the socket to a local address (`bind(2)`).
    ///
    /// Fails with [`Error::FamilyMismatch`] for an address of another family.
    ///
    /// ```
    /// use baresock::{Error, Family, Protocol, Socket, Type, UnixAddr};
    /// let s = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// s.bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// // An address of another family is refused before the kernel sees it.
    /// let unix = UnixAddr::new_abstract(b"baresock-doc")?;
    /// assert!(matches!(s.bind(unix), Err(Error::FamilyMismatch { .. })));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`bind(2)`](https://man7.org/linux/man-pages/man2/bind.2.html)
    pub fn bind(&self, addr: impl Into<SocketAddr>) -> Result<()> {
        let addr = addr.into();
        self.check_family(&addr)?;
        Ok(rnet::bind(&self.fd, &addr)?)
    }

    /// [`bind`](Socket::bind) for an IP address: only IP addresses are encoded. The kernel
    /// refuses an address of another family than the socket's (it checks the length and the
    /// family field), which is then named, as `bind` names it.
    pub(crate) fn bind_inet(&self, addr: core::net::SocketAddr) -> Result<()> {
        match crate::sys::addr::bind_inet(&self.fd, &addr) {
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
    /// let s = Socket::new(Family::Inet, Type::Stream, Protocol::TCP)?;
    /// s.bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// s.listen(128)?;
    /// assert!(s.is_listening()?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`listen(2)`](https://man7.org/linux/man-pages/man2/listen.2.html)
    pub fn listen(&self, backlog: u32) -> Result<()> {
        Ok(rnet::listen(&self.fd, backlog.min(i32::MAX as u32) as i32)?)
    }

    /// Accepts a connection (`accept4(2)`), with `CLOEXEC`.
    ///
    /// The new socket takes the process's [default timeout](crate::default_timeout), whatever
    /// the listener's mode: blocking when no default is set. This is Python's rule for
    /// `accept()`; on Linux, an accepted fd inherits no file flags from the listener.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, TcpStream, Type};
    /// let listener = Socket::new(Family::Inet, Type::Stream, Protocol::TCP)?;
    /// listener.bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// listener.listen(8)?;
    /// let client = TcpStream::connect(listener.local_addr()?)?;
    /// let (conn, peer) = listener.accept()?;
    /// assert_eq!(peer, client.local_addr()?.into());
    /// assert_eq!(conn.timeout(), None); // blocking: no default timeout is set
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`accept4(2)`](https://man7.org/linux/man-pages/man2/accept.2.html)
    pub fn accept(&self) -> Result<(Socket, SocketAddr)> {
        let mode = time::encode(time::default_timeout());
        let flags = creation_flags(mode);
        let (fd, any) = self.io(&mut Deadline::default(), Wait::Read, false, |fd| {
            rnet::acceptfrom_with(fd, flags)
        })?;
        let s = self.accepted(fd, mode);
        let addr = self.addr_or_unnamed(any);
        // An accepted stream socket always has a peer address; its family is the listener's.
        let addr = addr.ok_or(Error::MissingAddress)?;
        Ok((s, addr))
    }

    /// [`accept`](Socket::accept) on an IP listener: the peer decoded straight into a
    /// `core::net::SocketAddr`, in line (an IPv6 peer decoded in a call would leave the
    /// answer's merge in memory). The new socket is made from the listener's family and type
    /// alone: its other words are computed, not loaded, and vanish when unused.
    #[inline]
    pub(crate) fn accept_inet(&self) -> Result<(Socket, core::net::SocketAddr)> {
        let mode = time::encode(time::default_timeout());
        let flags = creation_flags(mode);
        let mut from = crate::sys::addr::InetFrom::new();
        let fd = crate::sys::addr::accept_inet_then(&self.fd, flags, &mut from, Ok, |e, from| {
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
        from: &mut crate::sys::addr::InetFrom,
    ) -> Result<OwnedFd> {
        let mut deadline = Deadline::default();
        let mut tries = 0;
        self.retry(e, &mut deadline, Wait::Read, false, &mut tries)?;
        self.io_from(&mut deadline, Wait::Read, false, tries, |fd| {
            crate::sys::addr::accept_inet(&fd, flags, &mut *from)
        })
    }

    /// Connects to `addr` (`connect(2)`).
    ///
    /// In deadline mode the connect is non-blocking underneath: it waits for writability until
    /// the deadline, then reads `SO_ERROR`. In non-blocking mode a connect that cannot finish at
    /// once fails with `Error::Os(Errno::INPROGRESS)`; completion shows as writability, and
    /// [`take_error`](Socket::take_error) tells the outcome. In blocking mode a signal does not
    /// abort the connect: it is waited for to the end.
    ///
    /// ```
    /// use baresock::{Errno, Error, Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    ///
    /// let s = Socket::new(Family::Inet, Type::Stream, Protocol::TCP)?;
    /// s.set_timeout(Some(Duration::from_secs(5)))?; // the connect waits at most 5 s
    /// // Nothing listens on port 1 of the loopback address.
    /// let closed: core::net::SocketAddr = "127.0.0.1:1".parse().unwrap();
    /// assert_eq!(s.connect(closed), Err(Error::Os(Errno::CONNREFUSED)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`connect(2)`](https://man7.org/linux/man-pages/man2/connect.2.html)
    ///  - [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html)
    #[inline]
    pub fn connect(&self, addr: impl Into<SocketAddr>) -> Result<()> {
        let addr = addr.into();
        match rnet::connect(&self.fd, &addr) {
            Ok(()) => Ok(()),
            Err(e) => self.connect_slow(&addr, e),
        }
    }

    /// [`connect`](Socket::connect) for an IP address: only IP addresses are encoded.
    #[inline]
    pub(crate) fn connect_inet(&self, addr: core::net::SocketAddr) -> Result<()> {
        match io::connect_inet(&self.fd, &addr) {
            Ok(()) => Ok(()),
            Err(e) => self.connect_inet_slow(addr, e),
        }
    }

    /// [`connect_inet`](Socket::connect_inet) after a first try failed with `first`.
    #[cold]
    #[inline(never)]
    fn connect_inet_slow(&self, addr: core::net::SocketAddr, first: Errno) -> Result<()> {
        self.connect_slow(&addr.into(), first)
    }

    /// [`connect`](Socket::connect) after a first try failed with `first`: the timeout
    /// policy, and the named error for an address of another family.
    #[cold]
    #[inline(never)]
    fn connect_slow(&self, addr: &SocketAddr, first: Errno) -> Result<()> {
        self.check_family(addr)?;
        let timeout = self.timeout();
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
                    if rnet::getpeername(&self.fd).is_ok() {
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
            result = rnet::connect(&self.fd, addr);
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
    /// let a = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let b = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// a.connect(b.local_addr()?)?;
    /// a.as_socket().disconnect()?;
    /// assert!(a.peer_addr().is_err()); // ENOTCONN
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`connect(2)`](https://man7.org/linux/man-pages/man2/connect.2.html)
    pub fn disconnect(&self) -> Result<()> {
        Ok(rnet::connect_unspec(&self.fd)?)
    }

    /// The kernel flags for a send: the caller's (only those [`SendFlags`] knows), the mode's
    /// `MSG_DONTWAIT`, and `MSG_NOSIGNAL`: one load.
    #[inline(always)]
    pub(crate) fn send_flags(&self, flags: SendFlags) -> u32 {
        (flags & SendFlags::all()).bits() | self.send.load(Relaxed)
    }

    /// The kernel flags for a receive: the caller's (only those [`RecvFlags`] knows, so never
    /// `MSG_TRUNC`, which discards data on a TCP socket), the mode's `MSG_DONTWAIT`, and
    /// `MSG_TRUNC` on message-based sockets, to learn a message's true length.
    #[inline]
    pub(crate) fn recv_flags(&self, flags: RecvFlags) -> rnet::RecvFlags {
        // A SLOW socket's `hot` word has its flags too (for CAN, received through `recvmsg`:
        // the mode's flag, and MSG_TRUNC unless the protocol refuses it).
        recv_bits(self.hot() & !SLOW, flags)
    }

    /// Sends data on a connected socket (`send(2)`); returns how many bytes went out, which
    /// for a stream may be fewer than given (see [`send_all`](Socket::send_all)).
    ///
    /// ```
    /// use baresock::UnixStream;
    /// let (a, b) = UnixStream::pair()?;
    /// let n = a.as_socket().send(b"hello")?;
    /// assert_eq!(n, 5);
    /// # let _ = b;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`send(2)`](https://man7.org/linux/man-pages/man2/send.2.html)
    #[inline]
    pub fn send(&self, buf: &[u8]) -> Result<usize> {
        self.send_with(buf, SendFlags::empty())
    }

    /// [`send`](Socket::send) with flags.
    ///
    /// ```
    /// use baresock::{SendFlags, UnixStream};
    /// let (a, b) = UnixStream::pair()?;
    /// a.as_socket().send_with(b"part", SendFlags::DONT_WAIT)?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(b.recv(&mut buf)?, 4);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`send(2)`](https://man7.org/linux/man-pages/man2/send.2.html)
    #[inline]
    pub fn send_with(&self, buf: &[u8], flags: SendFlags) -> Result<usize> {
        let f = self.send_flags(flags);
        match io::send(&self.fd, buf, f) {
            Ok(n) => Ok(n),
            Err(e) => self.send_slow(buf, flags, f, e),
        }
    }

    /// [`send_with`](Socket::send_with) after a first try failed with `e`: the timeout policy.
    #[cold]
    #[inline(never)]
    fn send_slow(&self, buf: &[u8], flags: SendFlags, f: u32, e: Errno) -> Result<usize> {
        let dont_wait = flags.contains(SendFlags::DONT_WAIT);
        self.retry_call(&mut Call::send(&self.fd, buf, f), e, dont_wait)
    }

    /// Sends a datagram to `addr` (`sendto(2)`).
    ///
    /// An address the kernel refuses because it is of another family than the socket's is
    /// [`Error::FamilyMismatch`]; the kernel's own rules decide (an IPv6 UDP socket takes
    /// IPv4 destinations unless it is IPv6-only). To send many datagrams to one place, encode
    /// it once: [`send_to_destination`](Socket::send_to_destination).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let rx = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// rx.bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let tx = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// tx.send_to(b"datagram", rx.local_addr()?)?;
    /// let mut buf = [0u8; 16];
    /// assert_eq!(rx.recv(&mut buf)?, 8);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`sendto(2)`](https://man7.org/linux/man-pages/man2/send.2.html)
    #[inline]
    pub fn send_to(&self, buf: &[u8], addr: impl Into<SocketAddr>) -> Result<usize> {
        self.send_to_with(buf, addr, SendFlags::empty())
    }

    /// [`send_to`](Socket::send_to) with flags.
    ///
    /// ```
    /// use baresock::{SendFlags, UdpSocket};
    /// let rx = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let tx = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// tx.as_socket().send_to_with(b"x", rx.local_addr()?, SendFlags::DONT_WAIT)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`sendto(2)`](https://man7.org/linux/man-pages/man2/send.2.html)
    pub fn send_to_with(
        &self,
        buf: &[u8],
        addr: impl Into<SocketAddr>,
        flags: SendFlags,
    ) -> Result<usize> {
        let addr = addr.into();
        let f = rnet::SendFlags::from_bits_retain(self.send_flags(flags));
        match rnet::sendto(&self.fd, buf, f, &addr) {
            Ok(n) => Ok(n),
            Err(e) => self.send_to_slow(buf, &addr, flags, f, e),
        }
    }

    /// [`send_to_with`](Socket::send_to_with) after a first try failed with `e`.
    #[cold]
    #[inline(never)]
    fn send_to_slow(
        &self,
        buf: &[u8],
        addr: &SocketAddr,
        flags: SendFlags,
        f: rnet::SendFlags,
        e: Errno,
    ) -> Result<usize> {
        // The kernel refused: an address of another family gets its name.
        self.check_family(addr)?;
        let dont_wait = flags.contains(SendFlags::DONT_WAIT);
        let mut deadline = Deadline::default();
        let mut tries = 0;
        self.retry(e, &mut deadline, Wait::Write, dont_wait, &mut tries)?;
        self.io_from(&mut deadline, Wait::Write, dont_wait, tries, |fd| {
            rnet::sendto(fd, buf, f, addr)
        })
    }

    /// [`send_to`](Socket::send_to) for an IP address: only IP addresses are encoded.
    #[inline]
    pub(crate) fn send_to_inet(&self, buf: &[u8], addr: core::net::SocketAddr) -> Result<usize> {
        let f = self.send_flags(SendFlags::empty());
        let to = crate::addr::Encoded::new(&addr);
        match io::send_to_sockaddr(&self.fd, buf, f, to.sockaddr(addr.is_ipv4())) {
            Ok(n) => Ok(n),
            Err(e) => self.send_to_inet_slow(buf, &to, f, e),
        }
    }

    /// [`send_to_inet`](Socket::send_to_inet) after a first try to `to` failed with `e`.
    #[cold]
    #[inline(always)]
    fn send_to_inet_slow(
        &self,
        buf: &[u8],
        to: &crate::addr::Encoded,
        f: u32,
        e: Errno,
    ) -> Result<usize> {
        let (family, to) = to.family_and_sockaddr();
        let m = self.meta_bits();
        if m & KNOWN != 0 && m as u16 != family.as_raw() {
            return Err(mismatch_error(m, family));
        }
        self.retry_call(&mut Call::sendto(&self.fd, buf, f, to), e, false)
    }

    /// Sends a datagram to an IP destination encoded once (`sendto(2)`): for many datagrams to
    /// one place, without encoding the address on each call.
    #[inline]
    pub fn send_to_destination(&self, buf: &[u8], to: &crate::Destination) -> Result<usize> {
        let f = self.send_flags(SendFlags::empty());
        match io::send_to_destination(&self.fd, buf, f, to) {
            Ok(n) => Ok(n),
            Err(e) => self.send_to_inet_slow(buf, &to.bytes, f, e),
        }
    }

    /// Sends the whole buffer, looping over short writes (Python's `sendall`).
    ///
    /// In deadline mode one deadline covers the whole buffer. On failure the error is always
    /// [`Error::Partial`], which says how many bytes went out and what stopped the rest.
    ///
    /// ```
    /// use baresock::{Error, UnixStream};
    /// let (a, b) = UnixStream::pair()?;
    /// let big = vec![7u8; 1 << 20]; // more than one socket buffer holds
    /// let reader = std::thread::spawn(move || {
    ///     let mut buf = [0u8; 65536];
    ///     let mut total = 0;
    ///     while let Ok(n @ 1..) = b.recv(&mut buf) {
    ///         total += n;
    ///     }
    ///     total
    /// });
    /// a.send_all(&big)?;
    /// drop(a);
    /// assert_eq!(reader.join().unwrap(), 1 << 20);
    /// # let _: Option<Error> = None;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`send(2)`](https://man7.org/linux/man-pages/man2/send.2.html)
    ///  - [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html)
    pub fn send_all(&self, mut buf: &[u8]) -> Result<()> {
        let f = self.send_flags(SendFlags::empty());
        // The deadline starts now, not at the first wait: calls that complete at once count.
        let mut deadline = Deadline::default();
        if let Some(t) = time::decode(self.mode()).filter(|t| !t.is_zero()) {
            deadline.start(t);
        }
        let mut sent = 0;
        while !buf.is_empty() {
            match self.io(&mut deadline, Wait::Write, false, |fd| {
                io::send(&fd, buf, f)
            }) {
                Ok(n) => {
                    sent += n;
                    buf = buf.get(n..).unwrap_or_default();
                }
                Err(e) => return Err(e.after(sent)),
            }
        }
        Ok(())
    }

    /// Receives data (`recv(2)`); returns how many bytes were written to `buf`. For a stream, 0
    /// means the peer closed its end.
    ///
    /// On message-based sockets (datagram, seqpacket, raw), a message longer than `buf` fails
    /// with [`Error::Truncated`] giving its true length; `buf` then holds its first bytes.
    ///
    /// ```
    /// use baresock::{Error, Family, Protocol, Socket, Type};
    /// let (a, b) = Socket::pair(Family::Unix, Type::Dgram, Protocol::DEFAULT)?;
    /// a.send(b"a datagram of 25 bytes...")?;
    /// let mut small = [0u8; 8];
    /// // Never cut silently: the true length comes back with the error.
    /// assert_eq!(b.recv(&mut small), Err(Error::Truncated { len: 25 }));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`recv(2)`](https://man7.org/linux/man-pages/man2/recv.2.html)
    #[inline]
    pub fn recv(&self, buf: &mut [u8]) -> Result<usize> {
        self.recv_with(buf, RecvFlags::empty())
    }

    /// Like [`recv`](Socket::recv), but leaves the data queued (`MSG_PEEK`).
    ///
    /// ```
    /// use baresock::UnixStream;
    /// let (a, b) = UnixStream::pair()?;
    /// a.send_all(b"abc")?;
    /// let mut buf = [0u8; 3];
    /// assert_eq!(b.as_socket().peek(&mut buf)?, 3);
    /// assert_eq!(b.recv(&mut buf)?, 3); // still there
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`recv(2)`](https://man7.org/linux/man-pages/man2/recv.2.html)
    #[inline]
    pub fn peek(&self, buf: &mut [u8]) -> Result<usize> {
        self.recv_with(buf, RecvFlags::PEEK)
    }

    /// [`recv`](Socket::recv) with flags.
    ///
    /// ```
    /// use baresock::{RecvFlags, UnixStream};
    /// let (a, b) = UnixStream::pair()?;
    /// a.send_all(b"12345678")?;
    /// let mut buf = [0u8; 8];
    /// // Wait until the whole buffer is filled.
    /// assert_eq!(b.as_socket().recv_with(&mut buf, RecvFlags::WAIT_ALL)?, 8);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`recv(2)`](https://man7.org/linux/man-pages/man2/recv.2.html)
    #[inline]
    pub fn recv_with(&self, buf: &mut [u8], flags: RecvFlags) -> Result<usize> {
        let h = self.hot();
        if h & SLOW != 0 {
            return self.recv_with_cold(buf, flags);
        }
        // Always `recvfrom`, never `read(2)` (three arguments, not five): the kernel's `read`
        // goes through the VFS first and costs 20-40 ns more per call on the machines measured,
        // more than the three instructions saved.
        self.recv_kernel_flags(buf, flags, recv_bits(h, flags).bits())
    }

    /// One receive with the kernel flags `f` made from `flags`, the slow path on failure; a
    /// count past `buf.len()` (the true length, with `MSG_TRUNC`) is [`Error::Truncated`].
    #[inline(always)]
    fn recv_kernel_flags(&self, buf: &mut [u8], flags: RecvFlags, f: u32) -> Result<usize> {
        // The kernel's count (with MSG_TRUNC, the message's true length), or an errno: both
        // a cut message and a failure are above `buf.len()`, one compare for the two.
        let r = io::recv_raw(&self.fd, buf, f);
        if r <= buf.len() {
            return Ok(r);
        }
        self.recv_not_whole(buf, flags, f, r)
    }

    /// [`recv_kernel_flags`](Socket::recv_kernel_flags) when the kernel's answer `r` was not
    /// a whole message in `buf`: a failure (then the slow path) or a cut message.
    #[cold]
    #[inline(never)]
    fn recv_not_whole(&self, buf: &mut [u8], flags: RecvFlags, f: u32, r: usize) -> Result<usize> {
        let n = match io::errno_in(r) {
            Some(e) => {
                let dont_wait = flags.contains(RecvFlags::DONT_WAIT);
                self.retry_call(&mut Call::recv(&self.fd, buf, f), e, dont_wait)?
            }
            None => r,
        };
        if n > buf.len() {
            return Err(truncated(n));
        }
        Ok(n)
    }

    /// [`recv_with`](Socket::recv_with) on a CAN socket (or one whose family cannot be read).
    #[cold]
    #[inline(never)]
    fn recv_with_cold(&self, buf: &mut [u8], flags: RecvFlags) -> Result<usize> {
        if self.hides_true_length() {
            return self.recv_flagged(buf, flags).map(|(n, _)| n);
        }
        self.recv_kernel_flags(buf, flags, self.recv_flags(flags).bits())
    }

    /// Receives a datagram and its sender's address (`recvfrom(2)`).
    ///
    /// The address is `None` where the kernel gives none (a connected TCP socket); an unbound
    /// Unix sender is the unnamed [`UnixAddr`]; a sender the crate has no typed address for
    /// (a netlink socket's, say) is its bytes, [`SocketAddr::Other`]: the sender's address
    /// never fails a receive. A datagram longer than `buf` fails with [`Error::Truncated`] (the
    /// address is then lost: use the msg calls to keep both).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let rx = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// rx.bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let tx = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// tx.bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// tx.send_to(b"hi", rx.local_addr()?)?;
    /// let mut buf = [0u8; 16];
    /// let (n, from) = rx.recv_from(&mut buf)?;
    /// assert_eq!((n, from), (2, Some(tx.local_addr()?)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`recvfrom(2)`](https://man7.org/linux/man-pages/man2/recv.2.html)
    #[inline]
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, Option<SocketAddr>)> {
        self.recv_from_with(buf, RecvFlags::empty())
    }

    /// Like [`recv_from`](Socket::recv_from), but leaves the datagram queued (`MSG_PEEK`).
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// let rx = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let tx = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// tx.send_to(b"hi", rx.local_addr()?)?;
    /// let mut buf = [0u8; 16];
    /// let (n, _) = rx.as_socket().peek_from(&mut buf)?;
    /// assert_eq!(rx.recv(&mut buf)?, n); // the datagram was left queued
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`recvfrom(2)`](https://man7.org/linux/man-pages/man2/recv.2.html)
    #[inline]
    pub fn peek_from(&self, buf: &mut [u8]) -> Result<(usize, Option<SocketAddr>)> {
        self.recv_from_with(buf, RecvFlags::PEEK)
    }

    /// [`recv_from`](Socket::recv_from) with flags.
    ///
    /// ```
    /// use baresock::{RecvFlags, UdpSocket};
    /// let rx = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let mut buf = [0u8; 16];
    /// // Nothing queued: this call does not wait, whatever the socket's mode.
    /// let r = rx.as_socket().recv_from_with(&mut buf, RecvFlags::DONT_WAIT);
    /// assert_eq!(r.unwrap_err(), baresock::Error::WouldBlock);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`recvfrom(2)`](https://man7.org/linux/man-pages/man2/recv.2.html)
    pub fn recv_from_with(
        &self,
        buf: &mut [u8],
        flags: RecvFlags,
    ) -> Result<(usize, Option<SocketAddr>)> {
        if self.hides_true_length() {
            return self.recv_flagged(buf, flags);
        }
        let f = self.recv_flags(flags);
        let dont_wait = flags.contains(RecvFlags::DONT_WAIT);
        let (n, len, any) = self.io(&mut Deadline::default(), Wait::Read, dont_wait, |fd| {
            rnet::recvfrom(fd, &mut *buf, f)
        })?;
        if len > n {
            return Err(Error::Truncated { len });
        }
        Ok((n, self.addr_or_unnamed(any)))
    }

    /// [`recv_from_with`](Socket::recv_from_with) for an IP socket: the sender decoded
    /// straight into a `core::net::SocketAddr` from storage the kernel writes. A datagram
    /// without a sender is [`Error::MissingAddress`].
    #[inline]
    pub(crate) fn recv_from_inet(
        &self,
        buf: &mut [u8],
        flags: RecvFlags,
    ) -> Result<(usize, core::net::SocketAddr)> {
        // A SLOW socket's `hot` word holds its flags too (see `recv_flags`).
        let f = recv_bits(self.hot() & !SLOW, flags);
        let mut from = crate::sys::addr::InetFrom::new();
        // The kernel's count: with MSG_TRUNC, the datagram's true length.
        let n = match crate::sys::addr::recvfrom_inet(&self.fd, buf, f.bits(), &mut from) {
            Ok(n) => n,
            Err(e) => self.recv_from_inet_slow(buf, flags, f, e, &mut from)?,
        };
        if n > buf.len() {
            return Err(truncated(n));
        }
        Ok((n, from.addr()?))
    }

    /// [`recv_from_inet`](Socket::recv_from_inet) after a first try failed with `e`.
    #[cold]
    #[inline(always)]
    fn recv_from_inet_slow(
        &self,
        buf: &mut [u8],
        flags: RecvFlags,
        f: rnet::RecvFlags,
        e: Errno,
        from: &mut crate::sys::addr::InetFrom,
    ) -> Result<usize> {
        let dont_wait = flags.contains(RecvFlags::DONT_WAIT);
        let mut call = Call::recvfrom_inet(&self.fd, buf, f.bits(), from);
        self.retry_call(&mut call, e, dont_wait)
    }

    /// [`recv_from_with`](Socket::recv_from_with) for an IP socket, the sender written
    /// straight into `to`'s bytes (see [`UdpSocket::recv_from_into`](crate::UdpSocket::recv_from_into)).
    #[inline]
    pub(crate) fn recv_from_into(
        &self,
        buf: &mut [u8],
        flags: RecvFlags,
        to: &mut crate::Destination,
    ) -> Result<usize> {
        let f = recv_bits(self.hot() & !SLOW, flags).bits();
        // A count, or an errno: both a cut datagram and a failure are above `buf.len()`.
        let r = crate::sys::addr::recvfrom_encoded(&self.fd, buf, f, to);
        if r <= buf.len() {
            to.check_received()?;
            return Ok(r);
        }
        self.recv_from_into_not_whole(buf, flags, f, r, to)
    }

    /// [`recv_from_into`](Socket::recv_from_into) when the kernel's answer `r` was not a
    /// whole datagram in `buf`: a failure (then the slow path) or a cut datagram.
    #[cold]
    #[inline(never)]
    fn recv_from_into_not_whole(
        &self,
        buf: &mut [u8],
        flags: RecvFlags,
        f: u32,
        r: usize,
        to: &mut crate::Destination,
    ) -> Result<usize> {
        let n = match io::errno_in(r) {
            Some(e) => {
                let dont_wait = flags.contains(RecvFlags::DONT_WAIT);
                let mut call = Call::recvfrom_encoded(&self.fd, buf, f, to);
                match self.retry_call(&mut call, e, dont_wait) {
                    Ok(n) => n,
                    Err(e) => {
                        // No sender written: the length the bytes have.
                        to.restore_len();
                        return Err(e);
                    }
                }
            }
            None => r,
        };
        to.check_received()?;
        if n > buf.len() {
            return Err(truncated(n));
        }
        Ok(n)
    }

    /// Whether the protocol may ignore `MSG_TRUNC` in `recv`, returning only the bytes kept
    /// (raw CAN), or refuse it (J1939): for CAN a cut is read from `recvmsg`'s flags (and the
    /// length is the true one where the protocol honours `MSG_TRUNC`, as ISO-TP does).
    #[inline]
    fn hides_true_length(&self) -> bool {
        self.meta_bits() as u16 == Family::Can.as_raw()
    }

    /// A receive through `recvmsg`, to see `MSG_TRUNC` in its flags.
    fn recv_flagged(
        &self,
        buf: &mut [u8],
        flags: RecvFlags,
    ) -> Result<(usize, Option<SocketAddr>)> {
        let mut bufs = [crate::IoSliceMut::new(buf)];
        let m = self.recv_msg(&mut bufs, &mut [], flags)?;
        if let Some(len) = m.truncated() {
            return Err(Error::Truncated { len });
        }
        Ok((m.bytes(), m.addr))
    }

    /// Shuts down one or both directions (`shutdown(2)`).
    ///
    /// ```
    /// use baresock::{Shutdown, UnixStream};
    /// let (a, b) = UnixStream::pair()?;
    /// a.as_socket().shutdown(Shutdown::Write)?;
    /// let mut buf = [0u8; 4];
    /// assert_eq!(b.recv(&mut buf)?, 0); // end of stream
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`shutdown(2)`](https://man7.org/linux/man-pages/man2/shutdown.2.html)
    pub fn shutdown(&self, how: Shutdown) -> Result<()> {
        let how = match how {
            Shutdown::Read => rnet::Shutdown::Read,
            Shutdown::Write => rnet::Shutdown::Write,
            Shutdown::Both => rnet::Shutdown::Both,
        };
        Ok(rnet::shutdown(&self.fd, how)?)
    }

    /// The address the socket is bound to (`getsockname(2)`); the unnamed address for an
    /// unbound Unix socket, port 0 for an unbound IP one.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, SocketAddr, Type};
    /// let s = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// s.bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let SocketAddr::V4(a) = s.local_addr()? else { unreachable!() };
    /// assert_ne!(a.port(), 0); // the kernel picked one
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`getsockname(2)`](https://man7.org/linux/man-pages/man2/getsockname.2.html)
    pub fn local_addr(&self) -> Result<SocketAddr> {
        let any = rnet::getsockname(&self.fd)?;
        Ok(crate::addr::decode_or_raw(any_bytes(&any)))
    }

    /// The address of the connected peer (`getpeername(2)`); `Errno::NOTCONN` if there is none.
    ///
    /// ```
    /// use baresock::{Errno, Error, Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// assert_eq!(s.peer_addr(), Err(Error::Os(Errno::NOTCONN)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`getpeername(2)`](https://man7.org/linux/man-pages/man2/getpeername.2.html)
    pub fn peer_addr(&self) -> Result<SocketAddr> {
        let any = rnet::getpeername(&self.fd)?;
        self.addr_or_unnamed(any).ok_or(Error::MissingAddress)
    }

    /// The pending socket error, cleared by reading it (`SO_ERROR`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::Inet, Type::Dgram, Protocol::UDP)?;
    /// assert_eq!(s.take_error()?, None);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`getsockopt(2)`](https://man7.org/linux/man-pages/man2/getsockopt.2.html)
    ///  - [`socket(7)`](https://man7.org/linux/man-pages/man7/socket.7.html)
    pub fn take_error(&self) -> Result<Option<Error>> {
        let e = sockopt::get::<i32>(self.fd.as_fd(), k::SOL_SOCKET, k::SO_ERROR)?;
        Ok((e != 0).then(|| Error::from(Errno::from_raw_os_error(e))))
    }
}

/// Timeout modes (see the [type's docs](Socket#timeouts)).
impl Socket {
    /// Sets the socket's timeout mode: `None` blocking, `Some(Duration::ZERO)` non-blocking,
    /// `Some(d)` deadline mode (Python's `settimeout`). Durations beyond 584 years count as that.
    ///
    /// ```
    /// use baresock::{Error, UnixStream};
    /// use core::time::Duration;
    ///
    /// let (a, _b) = UnixStream::pair()?;
    /// a.set_timeout(Some(Duration::from_millis(20)))?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(a.recv(&mut buf), Err(Error::Timeout));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
    ///  - [`poll(2)`](https://man7.org/linux/man-pages/man2/poll.2.html)
    pub fn set_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        // Always set the flag, then the mode: two threads setting modes at once end with
        // both in agreement for sends and receives, which pass MSG_DONTWAIT by mode anyway.
        rustix::io::ioctl_fionbio(&self.fd, timeout.is_some())?;
        self.store_mode(time::encode(timeout));
        Ok(())
    }

    /// The socket's timeout mode (Python's `gettimeout`). For an fd wrapped with
    /// `From<OwnedFd>` or [`from_fd`](Socket::from_fd), its blocking state as it was then.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// let s = Socket::new(Family::Inet, Type::Stream, Protocol::TCP)?;
    /// assert_eq!(s.timeout(), None); // blocking, unless a default timeout is set
    /// s.set_nonblocking(true)?;
    /// assert_eq!(s.timeout(), Some(Duration::ZERO));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
    pub fn timeout(&self) -> Option<Duration> {
        time::decode(self.mode())
    }

    /// `set_timeout(Some(Duration::ZERO))` or `set_timeout(None)` (Python's `setblocking`,
    /// inverted).
    ///
    /// ```
    /// use baresock::{Error, UnixStream};
    /// let (a, _b) = UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let mut buf = [0u8; 4];
    /// assert_eq!(a.recv(&mut buf), Err(Error::WouldBlock));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// # References
    ///  - [`fcntl(2)`](https://man7.org/linux/man-pages/man2/fcntl.2.html)
    pub fn set_nonblocking(&self, nonblocking: bool) -> Result<()> {
        self.set_timeout(nonblocking.then_some(Duration::ZERO))
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

#[inline]
fn raw_protocol(p: Protocol) -> Option<rnet::Protocol> {
    u32::try_from(p.as_raw())
        .ok()
        .and_then(core::num::NonZeroU32::new)
        .map(rnet::Protocol::from_raw)
}

impl From<OwnedFd> for Socket {
    /// Wraps an fd, like `std`'s `From<OwnedFd>`, but reading what the socket's calls need
    /// up front: its family and type (`SO_DOMAIN`, `SO_TYPE`, and `SO_PROTOCOL` for CAN: two
    /// or three `getsockopt` calls) and its blocking state (one `fcntl(F_GETFL)`), which
    /// becomes its [timeout mode](Socket#timeouts) (blocking or non-blocking) and is left as
    /// it is. Nothing is refused: an fd that is not a socket is wrapped all the same, its calls
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

/// [`Error::FamilyMismatch`] for an address of family `addr` given to a socket of these
/// (known) `meta` bits; [`Error::UnknownFamily`] if the socket's family is not supported.
#[cold]
#[inline(never)]
fn mismatch_error(meta: u32, addr: Family) -> Error {
    let raw = meta as u16;
    match Family::from_raw(raw) {
        Some(socket) => Error::FamilyMismatch { socket, addr },
        None => Error::UnknownFamily(raw.into()),
    }
}

/// For an address of another family than the socket's (`meta`, known): the named error, or
/// none (the kernel decides) when the socket's family is one this crate does not support.
#[cold]
#[inline(never)]
fn family_mismatch(meta: u32, addr: &SocketAddr) -> Result<()> {
    match Family::from_raw(meta as u16) {
        Some(socket) => Err(Error::FamilyMismatch {
            socket,
            addr: addr.family(),
        }),
        None => Ok(()),
    }
}

impl From<Socket> for OwnedFd {
    fn from(s: Socket) -> OwnedFd {
        s.fd.into_owned()
    }
}

impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl rustix::fd::AsRawFd for Socket {
    fn as_raw_fd(&self) -> rustix::fd::RawFd {
        self.fd.as_raw_fd()
    }
}

impl rustix::fd::IntoRawFd for Socket {
    fn into_raw_fd(self) -> rustix::fd::RawFd {
        self.fd.into_owned().into_raw_fd()
    }
}

impl fmt::Debug for Socket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use rustix::fd::AsRawFd;
        let mut d = f.debug_struct("Socket");
        d.field("fd", &self.fd.as_raw_fd());
        if let Ok(family) = self.family() {
            d.field("family", &family);
        }
        if let Ok(ty) = self.socket_type() {
            d.field("type", &ty);
        }
        if let Ok(a) = self.local_addr() {
            d.field("local", &a);
        }
        d.field("timeout", &self.timeout()).finish()
    }
}
