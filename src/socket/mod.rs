//! [`Socket`]: one owned fd, every operation as a method, timeouts applied in one place.

use crate::AddressError;
use core::fmt;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use core::time::Duration;

use bitflags::bitflags;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::net as rnet;

use crate::sys::sockopt;
use crate::time;
use crate::{Error, Family, Protocol, Result, SockAddr, Type, UnixAddr};
use linux_raw_sys::net as k;

mod io;
mod setup;
mod wait;

pub(crate) use self::wait::Wait;

/// An open socket of any family and type: one owned file descriptor.
///
/// `Socket` is the untyped layer under the typed sockets ([`TcpStream`](crate::TcpStream),
/// [`UdpSocket`](crate::UdpSocket), ...): every system call the crate makes on a socket is a
/// method here. It closes its fd when dropped; every fd it creates has `CLOEXEC` set.
///
/// # Timeouts
///
/// Reads and writes each are in one of three modes (Python's model), set for both with
/// [`set_timeout`] or for one direction with [`set_read_timeout`] / [`set_write_timeout`]
/// (as in `std`), and starting from [`default_timeout`](crate::default_timeout). The read
/// mode covers receives and `accept`, the write mode sends and `connect`; a read timeout
/// never bounds a write, nor the other way round.
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
/// [`set_read_timeout`]: Socket::set_read_timeout
/// [`set_write_timeout`]: Socket::set_write_timeout
///
/// # Option names
///
/// The level is in the name, as socket2 0.6 names them: `SOL_SOCKET` options have none
/// ([`set_reuse_address`](Socket::set_reuse_address)), `IPPROTO_IP` ones end in `_v4`
/// ([`set_ttl_v4`](Socket::set_ttl_v4)), `IPPROTO_IPV6` ones in `_v6`, `IPPROTO_TCP` ones start
/// with `tcp_` ([`set_tcp_nodelay`](Socket::set_tcp_nodelay)), `SOL_UDP` ones with `udp_`. The
/// typed sockets keep `std::net`'s names ([`TcpStream::set_nodelay`](crate::TcpStream::set_nodelay)).
///
/// # Example
///
/// ```
/// use baresock::{Socket, Family, Type, Protocol};
///
/// let (a, b) = Socket::pair(Family::UNIX, Type::STREAM, Protocol::DEFAULT)?;
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
    /// The timeout mode of receiving (and `accept`), encoded by [`time::encode`].
    mode: AtomicU64,
    /// The timeout mode of sending (and `connect`), encoded by [`time::encode`].
    write_mode: AtomicU64,
    /// What the hot paths need, from `meta` and `mode` (see [`hot_bits`]).
    hot: AtomicU32,
    /// The kernel flags every send adds, from `write_mode` (see [`send_word`]).
    send: AtomicU32,
}

const KNOWN: u32 = 1 << 31;
/// Set for a protocol whose `recvmsg` refuses `MSG_TRUNC` (J1939: `EINVAL`).
const NO_TRUNC_FLAG: u32 = 1 << 30;
/// Set on a socket asked for as MPTCP (`IPPROTO_MPTCP`), by the crate or the listener that
/// accepted it: the kernel hands a listener's plain-TCP clients over as plain TCP sockets, so
/// only this bit tells such a stream fell back. Copied to accepted sockets with the rest.
const MPTCP_FLAG: u32 = 1 << 29;
/// Set beside [`MPTCP_FLAG`] when the kernel refused MPTCP at creation and the crate made a
/// plain TCP socket instead ([`MptcpMode::Prefer`](crate::MptcpMode::Prefer)).
const MPTCP_UNAVAILABLE_FLAG: u32 = 1 << 28;
/// In `hot`: the hot paths must take the slow road (a CAN socket, whose receives go through
/// `recvmsg`, or an fd whose family could not be read). The bit is not a kernel flag.
const SLOW: u32 = 1 << 31;

/// The `hot` word for a socket's `meta` bits and timeout mode: the kernel flags every receive
/// adds (`MSG_DONTWAIT` in non-blocking and deadline modes; `MSG_TRUNC` on message-based
/// sockets whose protocol takes it, to learn a message's true length), and [`SLOW`] where
/// the hot paths do not apply.
const fn hot_bits(meta: u32, mode: u64) -> u32 {
    let slow = if meta & KNOWN == 0 || meta as u16 == Family::CAN.as_raw() {
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

/// `CAN_J1939`.
const CAN_J1939: i32 = 7;

/// The `meta` bits a protocol adds.
fn protocol_bits(family: Family, protocol: i32) -> u32 {
    if family == Family::CAN && protocol == CAN_J1939 {
        NO_TRUNC_FLAG
    } else if protocol == Protocol::MPTCP.as_raw()
        && (family == Family::INET || family == Family::INET6)
    {
        MPTCP_FLAG
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

impl Socket {
    /// A socket whose reads and writes are both in the timeout mode `mode`.
    fn assemble(fd: OwnedFd, meta: u32, mode: u64) -> Socket {
        Socket::assemble_split(fd, meta, mode, mode)
    }

    /// A socket whose reads are in the timeout mode `read` and writes in `write`.
    fn assemble_split(fd: OwnedFd, meta: u32, read: u64, write: u64) -> Socket {
        Socket {
            fd: crate::sys::fd::Fd::new(fd),
            meta: AtomicU32::new(meta),
            mode: AtomicU64::new(read),
            write_mode: AtomicU64::new(write),
            hot: AtomicU32::new(hot_bits(meta, read)),
            send: AtomicU32::new(send_word(write)),
        }
    }

    /// Stores the read timeout mode, and what the receive hot paths read of it.
    fn store_read_mode(&self, mode: u64) {
        self.mode.store(mode, Relaxed);
        self.hot
            .store(hot_bits(self.meta.load(Relaxed), mode), Relaxed);
    }

    /// Stores the write timeout mode, and what the send hot paths read of it.
    fn store_write_mode(&self, mode: u64) {
        self.write_mode.store(mode, Relaxed);
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
        let family = sockopt::get::<i32>(fd, k::SOL_SOCKET, k::SO_DOMAIN)?;
        let ty = sockopt::get::<i32>(fd, k::SOL_SOCKET, k::SO_TYPE)?;
        let mut meta = pack(family as u16, ty as u32);
        if family == i32::from(Family::CAN.as_raw()) {
            let protocol = sockopt::get::<i32>(fd, k::SOL_SOCKET, k::SO_PROTOCOL)?;
            meta |= protocol_bits(Family::CAN, protocol);
        }
        Ok(meta)
    }

    /// Whether MPTCP was asked for this socket (or the listener that accepted it), and
    /// whether the kernel refused it then: see [`MPTCP_FLAG`].
    pub(crate) fn mptcp_asked(&self) -> (bool, bool) {
        let m = self.meta_bits();
        (m & MPTCP_FLAG != 0, m & MPTCP_UNAVAILABLE_FLAG != 0)
    }

    /// Marks a plain TCP socket made because the kernel refused MPTCP (see
    /// [`MPTCP_UNAVAILABLE_FLAG`]).
    pub(crate) fn mark_mptcp_unavailable(&self) {
        self.meta
            .fetch_or(MPTCP_FLAG | MPTCP_UNAVAILABLE_FLAG, Relaxed);
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
        self.store_read_mode(self.mode.load(Relaxed));
        Ok(m)
    }

    /// The socket's address family (`SO_DOMAIN`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::INET6, Type::STREAM, Protocol::DEFAULT)?;
    /// assert_eq!(s.family()?, Family::INET6);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    pub fn family(&self) -> Result<Family> {
        Ok(Family::from_raw(self.meta()? as u16))
    }

    /// The socket's type (`SO_TYPE`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::UNIX, Type::SEQPACKET, Protocol::DEFAULT)?;
    /// assert_eq!(s.socket_type()?, Type::SEQPACKET);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    pub fn socket_type(&self) -> Result<Type> {
        Ok(Type::from_raw((self.meta()? >> 16) & 0xff))
    }

    /// The socket's protocol, as the kernel reports it (`SO_PROTOCOL`): the protocol the kernel
    /// chose when [`Protocol::DEFAULT`] was asked for.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// // Asked for the default, the kernel picks TCP for an IPv4 stream.
    /// let s = Socket::new(Family::INET, Type::STREAM, Protocol::DEFAULT)?;
    /// assert_eq!(s.protocol()?, Protocol::TCP);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    pub fn protocol(&self) -> Result<Protocol> {
        let p = sockopt::get::<i32>(self.fd.as_fd(), k::SOL_SOCKET, k::SO_PROTOCOL)?;
        Ok(Protocol::from_raw(p))
    }

    /// Fails with [`AddressError::FamilyMismatch`](crate::AddressError::FamilyMismatch) when `addr`
    /// cannot be meant for this socket.
    #[inline]
    pub(crate) fn check_family(&self, addr: &SockAddr) -> Result<()> {
        let m = self.meta_bits();
        if m & KNOWN == 0 || m as u16 == addr.raw_family() {
            return Ok(());
        }
        family_mismatch(m, addr)
    }

    /// [`AddressError::FamilyMismatch`](crate::AddressError::FamilyMismatch) for an address of
    /// family `addr` given to this socket.
    #[cold]
    #[inline(never)]
    pub(crate) fn family_error(&self, addr: Family) -> Error {
        match self.meta() {
            Ok(m) => mismatch_error(m, addr),
            Err(e) => e,
        }
    }

    /// Decodes an address the kernel may have left out: an unbound Unix peer has none. Never
    /// fails: bytes that do not decode come back as [`SockAddr::Other`], so that what the
    /// call took (a datagram, a connection) is never thrown away for its address.
    pub(crate) fn addr_or_unnamed(&self, bytes: &[u8]) -> Option<SockAddr> {
        match bytes {
            [_, ..] => Some(crate::addr::decode_or_raw(bytes)),
            [] if self.family() == Ok(Family::UNIX) => Some(SockAddr::Unix(UnixAddr::unnamed())),
            [] => None,
        }
    }

    /// Sets `O_NONBLOCK` for one direction's new mode beside the other's: on unless both
    /// block. The flag first, then the mode: sends and receives pass `MSG_DONTWAIT` by their
    /// own mode whatever the flag; only `accept` and `connect` follow the flag, so two threads
    /// setting the two directions at once can leave only those to a blocking fd (as two
    /// `set_timeout`s racing already could).
    fn set_flag_for(&self, mode: u64, other: u64) -> Result<()> {
        crate::sys::fd::set_nonblocking(
            self.fd.as_fd(),
            mode != time::BLOCKING || other != time::BLOCKING,
        )
        .map_err(Error::from)
    }

    /// The read timeout mode.
    #[inline]
    fn mode(&self) -> u64 {
        self.mode.load(Relaxed)
    }

    /// The timeout mode of a wait for `wait`: the read mode or the write mode.
    #[inline]
    fn mode_for(&self, wait: Wait) -> u64 {
        match wait {
            Wait::Read => self.mode.load(Relaxed),
            Wait::Write => self.write_mode.load(Relaxed),
        }
    }
}

/// Timeout modes (see the [type's docs](Socket#timeouts)).
impl Socket {
    /// Sets the socket's timeout mode, for reads and writes alike: `None` blocking,
    /// `Some(Duration::ZERO)` non-blocking, `Some(d)` deadline mode (Python's `settimeout`).
    /// Durations beyond 584 years count as that. To set one direction only:
    /// [`set_read_timeout`](Socket::set_read_timeout), [`set_write_timeout`](Socket::set_write_timeout).
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
    #[doc = man!(fcntl(2), poll(2))]
    pub fn set_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        // Always set the flag, then the mode: two threads setting modes at once end with
        // both in agreement for sends and receives, which pass MSG_DONTWAIT by mode anyway.
        crate::sys::fd::set_nonblocking(self.fd.as_fd(), timeout.is_some())?;
        let mode = time::encode(timeout);
        self.store_read_mode(mode);
        self.store_write_mode(mode);
        Ok(())
    }

    /// The socket's timeout mode (Python's `gettimeout`): that of reads and writes alike, or
    /// of reads when [`set_write_timeout`](Socket::set_write_timeout) gave writes another (see
    /// [`write_timeout`](Socket::write_timeout)). For an fd wrapped with `From<OwnedFd>` or
    /// [`from_fd`](Socket::from_fd), its blocking state as it was then.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// let s = Socket::new(Family::INET, Type::STREAM, Protocol::TCP)?;
    /// assert_eq!(s.timeout(), None); // blocking, unless a default timeout is set
    /// s.set_nonblocking(true)?;
    /// assert_eq!(s.timeout(), Some(Duration::ZERO));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(fcntl(2))]
    pub fn timeout(&self) -> Option<Duration> {
        time::decode(self.mode())
    }

    /// Sets the timeout mode of receiving and `accept` only (`None` blocking,
    /// `Some(Duration::ZERO)` non-blocking, `Some(d)` deadline mode); sends and `connect` keep
    /// theirs. `std`'s `set_read_timeout`, with this crate's three modes.
    ///
    /// The fd is non-blocking underneath (`O_NONBLOCK`) while either direction is not
    /// blocking; a blocking direction then waits with `poll` instead of in the kernel.
    ///
    /// ```
    /// use baresock::{Error, UnixStream};
    /// use core::time::Duration;
    ///
    /// let (a, b) = UnixStream::pair()?;
    /// a.as_socket().set_read_timeout(Some(Duration::from_millis(20)))?;
    /// assert_eq!(a.as_socket().write_timeout(), None); // sends still block
    /// let mut buf = [0u8; 8];
    /// assert_eq!(a.recv(&mut buf), Err(Error::Timeout));
    /// a.send_all(b"still fine")?;
    /// # let _ = b;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(fcntl(2), poll(2))]
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        let mode = time::encode(timeout);
        self.set_flag_for(mode, self.write_mode.load(Relaxed))?;
        self.store_read_mode(mode);
        Ok(())
    }

    /// Sets the timeout mode of sending and `connect` only (see
    /// [`set_read_timeout`](Socket::set_read_timeout), its mirror). In deadline mode
    /// [`send_all`](Socket::send_all) has one deadline for the whole buffer.
    ///
    /// ```
    /// use baresock::{Error, UnixStream};
    /// use core::time::Duration;
    ///
    /// let (a, b) = UnixStream::pair()?;
    /// a.as_socket().set_write_timeout(Some(Duration::from_secs(5)))?;
    /// assert_eq!(a.as_socket().write_timeout(), Some(Duration::from_secs(5)));
    /// assert_eq!(a.timeout(), None); // receives still block
    /// a.send_all(b"hi")?;
    /// # let _ = b;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(fcntl(2), poll(2))]
    pub fn set_write_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        let mode = time::encode(timeout);
        self.set_flag_for(mode, self.mode.load(Relaxed))?;
        self.store_write_mode(mode);
        Ok(())
    }

    /// The timeout mode of receiving and `accept` (the same as [`timeout`](Socket::timeout)).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// s.set_read_timeout(Some(Duration::from_secs(1)))?;
    /// assert_eq!(s.read_timeout(), Some(Duration::from_secs(1)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn read_timeout(&self) -> Option<Duration> {
        time::decode(self.mode())
    }

    /// The timeout mode of sending and `connect`.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// s.set_timeout(Some(Duration::from_secs(2)))?; // both directions
    /// assert_eq!(s.write_timeout(), Some(Duration::from_secs(2)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn write_timeout(&self) -> Option<Duration> {
        time::decode(self.write_mode.load(Relaxed))
    }

    /// `set_timeout(Some(Duration::ZERO))` or `set_timeout(None)` (Python's `setblocking`,
    /// inverted): reads and writes alike.
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
    #[doc = man!(fcntl(2))]
    pub fn set_nonblocking(&self, nonblocking: bool) -> Result<()> {
        self.set_timeout(nonblocking.then_some(Duration::ZERO))
    }
}

/// [`AddressError::FamilyMismatch`](crate::AddressError::FamilyMismatch) for an address of
/// family `addr` given to a socket of these (known) `meta` bits.
#[cold]
#[inline(never)]
fn mismatch_error(meta: u32, addr: Family) -> Error {
    Error::Address(AddressError::FamilyMismatch {
        socket: Family::from_raw(meta as u16),
        addr,
    })
}

/// Whether this crate has a typed address for the family, so that an address of another
/// family given to such a socket is refused before the kernel sees it.
fn has_typed_addr(f: Family) -> bool {
    matches!(
        f,
        Family::INET | Family::INET6 | Family::UNIX | Family::PACKET | Family::CAN
    )
}

/// For an address of another family than the socket's (`meta`, known): the named error, or
/// none (the kernel decides) when the socket's family is one this crate has no typed address
/// for.
#[cold]
#[inline(never)]
fn family_mismatch(meta: u32, addr: &SockAddr) -> Result<()> {
    let socket = Family::from_raw(meta as u16);
    if has_typed_addr(socket) {
        Err(Error::Address(AddressError::FamilyMismatch {
            socket,
            addr: addr.family(),
        }))
    } else {
        Ok(())
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
        d.field("timeout", &self.timeout());
        if self.write_timeout() != self.timeout() {
            d.field("write_timeout", &self.write_timeout());
        }
        d.finish()
    }
}
