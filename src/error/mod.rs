//! The crate's one error type.
//!
//! [`Error`] is `Copy`, 16 bytes on 64-bit targets, and never allocates. It says what the kernel
//! answered ([`Error::Os`], with the errno's name in its `Display`), that a deadline passed
//! ([`Error::Timeout`], Python's `socket.timeout`), that a non-blocking call would have blocked
//! ([`Error::WouldBlock`]), and names every bad input the crate refuses before it reaches the
//! kernel.

use crate::Family;
use crate::Type;

pub use rustix::io::Errno;

/// The result type of every fallible call in this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong in this crate.
///
/// # Example
///
/// ```
/// use baresock::{Error, Errno, TcpStream};
///
/// // Nothing listens on port 1 of the loopback address.
/// match TcpStream::connect("127.0.0.1:1") {
///     Err(Error::Os(Errno::CONNREFUSED)) => {}
///     other => panic!("unexpected: {other:?}"),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The kernel refused the call with this errno (Python's `OSError`).
    Os(Errno),
    /// The socket is non-blocking and the call would have blocked (`EAGAIN`/`EWOULDBLOCK`;
    /// Python's `BlockingIOError`). Not a timeout.
    WouldBlock,
    /// The socket's deadline passed before the call could complete (Python's `socket.timeout`).
    Timeout,
    /// A call that loops ([`Socket::send_all`](crate::Socket::send_all)) stopped early: `sent`
    /// bytes went out before `cause` stopped it.
    Partial {
        /// How many bytes went out before the failure.
        sent: usize,
        /// What stopped it.
        cause: PartialCause,
    },
    /// A datagram was larger than the buffer: the buffer holds its first bytes, and `len` is the
    /// datagram's true length (`MSG_TRUNC`). Nothing is cut silently.
    Truncated {
        /// The datagram's true length in bytes; where the protocol does not tell it (raw CAN),
        /// the bytes kept.
        len: usize,
    },
    /// Forward name resolution failed (Python's `socket.gaierror`).
    Resolve(ResolveError),
    /// Reverse lookup or host database failure (Python's `socket.herror`).
    Host(HostError),
    /// Text or bytes that are not a domain name.
    InvalidName(crate::resolve::NameError),
    /// A DNS message that does not parse.
    MalformedDns(crate::resolve::wire::WireError),
    /// A Unix socket path is longer than the kernel's `sun_path` (108 bytes; 107 for an
    /// abstract name, which is preceded by a NUL byte).
    UnixPathTooLong {
        /// The length the caller gave.
        len: usize,
        /// The most this kind of name can hold: 108 for a path, 107 for an abstract name
        /// (a byte, so that [`Error`] stays two words).
        max: u8,
    },
    /// A Unix socket path name contains a NUL byte, which would cut it short in the kernel.
    UnixPathNul,
    /// A Unix socket path name is empty (use [`UnixAddr::unnamed`](crate::UnixAddr::unnamed)
    /// for an unnamed address).
    UnixPathEmpty,
    /// A link-layer address is longer than the field it goes into: 32 bytes in a
    /// [`LinkAddr`](crate::LinkAddr) (`MAX_ADDR_LEN`), 8 in a packet membership
    /// (`packet_mreq`).
    LinkAddrTooLong {
        /// The length that was given.
        len: usize,
        /// The most the field holds.
        max: u16,
    },
    /// No interface has this name or index (`ENODEV` from the kernel).
    NoSuchInterface,
    /// An interface or congestion-control name is longer than the kernel's 15 bytes.
    NameTooLong {
        /// The length that was given.
        len: usize,
    },
    /// An interface or congestion-control name contains a NUL byte.
    NameNul,
    /// An address of one family was given to a socket of another.
    FamilyMismatch {
        /// The socket's family.
        socket: Family,
        /// The address's family.
        addr: Family,
    },
    /// An entry of a batch ([`Socket::send_mmsg`](crate::Socket::send_mmsg)) has a
    /// destination of another family than the socket's. The entries before it were sent (the
    /// call returned their count); this is the error when it is the first.
    BatchFamilyMismatch {
        /// The entry's index in the slice given (0: a batch stops before a bad entry that is
        /// not the first, and returns the count sent).
        index: usize,
        /// The socket's family.
        socket: Family,
        /// The entry's address's family.
        addr: Family,
    },
    /// A socket of this family cannot be made into this typed socket (e.g. a Unix socket into
    /// a `TcpStream`).
    WrongFamily {
        /// A family the typed socket takes.
        expected: Family,
        /// The socket's family.
        found: Family,
    },
    /// A socket of this type cannot be used here (e.g. a datagram socket turned into a
    /// `TcpStream`).
    TypeMismatch {
        /// The type that is needed.
        expected: Type,
        /// The socket's type.
        found: Type,
    },
    /// An address family number this crate does not support (from an fd or the kernel).
    UnknownFamily(i32),
    /// A socket type number this crate does not support (from an fd or the kernel).
    UnknownType(i32),
    /// The file descriptor is not a socket (`ENOTSOCK` when its family was asked for).
    NotASocket,
    /// The kernel gave no address where one always comes (a datagram's sender on an IP socket,
    /// an accepted peer).
    MissingAddress,
    /// A text address is not an IP address and port (`"192.0.2.1:80"`, `"[2001:db8::1]:443"`).
    InvalidAddress,
    /// An address of bytes ([`RawAddr`](crate::RawAddr)) longer than `sockaddr_storage`.
    AddressTooLong {
        /// The length that was given.
        len: usize,
        /// The most an address holds (128).
        max: u16,
    },
    /// [`decode_sockaddr`](crate::decode_sockaddr) was given an address of a family this crate
    /// does not decode. (The receives never fail for this: they give the address as
    /// [`SockAddr::Other`](crate::SockAddr::Other).)
    UnsupportedAddress {
        /// The `sa_family` the kernel gave.
        family: u16,
    },
    /// The kernel handed back an address whose length is impossible for its family (from
    /// [`decode_sockaddr`](crate::decode_sockaddr), or where an IP address is the only
    /// answer: [`UdpSocket::recv_from`](crate::UdpSocket::recv_from) on an fd that is not IP).
    MalformedAddress {
        /// The `sa_family` the kernel gave.
        family: u16,
        /// The length the kernel gave.
        len: u32,
    },
    /// A socket option's value came back with a size this crate did not expect.
    OptionSize {
        /// The size asked for.
        expected: u32,
        /// The size the kernel (or emulator) answered.
        got: u32,
    },
    /// A CAN identifier does not fit its format (11 bits standard, 29 extended).
    InvalidCanId {
        /// The identifier given.
        id: u32,
    },
    /// A CAN frame length that its kind does not allow (classic: 0 to 8; FD: 0 to 8, 12, 16,
    /// 20, 24, 32, 48, 64), or bytes of a length no frame has.
    InvalidCanLength {
        /// The length given.
        len: usize,
    },
    /// More CAN filters than the kernel takes (`CAN_RAW_FILTER_MAX`, 512).
    TooManyFilters {
        /// How many were given.
        count: usize,
    },
    /// A receive-ring configuration was refused (see [`RingConfig`](crate::RingConfig)).
    Ring(crate::RingError),
    /// A ring block holds an offset outside itself (the kernel never writes one).
    MalformedRing,
    /// Text that is not a frame in can-utils' syntax (`str::parse` into a [`CanAnyFrame`](crate::CanAnyFrame)).
    InvalidCanSyntax {
        /// The byte offset where it went wrong.
        at: usize,
    },
    /// A J1939 priority past 7.
    InvalidPriority {
        /// The priority given.
        priority: u8,
    },
    /// J1939 address claiming: a NAME this message is sent from or to holds no address on
    /// the bus yet (the kernel's `EADDRNOTAVAIL`, which [`errno`](Error::errno) still
    /// gives). A socket bound by NAME sends once that NAME has claimed an address (PGN
    /// `0xee00`, [`J1939_PGN_ADDRESS_CLAIMED`](crate::can::J1939_PGN_ADDRESS_CLAIMED)) and
    /// 250 ms have passed; a destination NAME needs a node that has claimed one.
    J1939AddressNotClaimed {
        /// The NAME without an address.
        name: u64,
        /// Whose NAME it is.
        party: crate::can::J1939Party,
    },
    /// More frames than one message may carry.
    TooManyFrames {
        /// How many were given.
        count: usize,
    },
    /// A broadcast manager message that does not parse: short, an unknown opcode, a frame
    /// count that does not match its length, or a bad interval.
    MalformedBcm,
    /// The kernel has no CAN XL (it came in Linux 6.2).
    CanXlUnsupported,
    /// A frame longer than a transmit ring's slot holds.
    FrameTooLong {
        /// The frame's length.
        len: u32,
        /// The most a slot holds.
        max: u32,
    },
    /// A fanout request the kernel refuses: [`FanoutMode::Rollover`](crate::FanoutMode) with
    /// the `ROLLOVER` flag, or `UNIQUE_ID` with a group other than 0.
    InvalidFanout,
    /// A BPF program was refused (see [`bpf`](crate::bpf)).
    Bpf(crate::bpf::BpfError),
    /// A caller's buffer is too small for what was asked (e.g. a control message that does
    /// not fit the control buffer).
    BufferTooSmall {
        /// The bytes it would need.
        needed: usize,
    },
    /// More file descriptors than one message may carry (`SCM_MAX_FD`, 253).
    TooManyFds {
        /// How many were given.
        count: usize,
    },
    /// A duration does not fit the kernel field it is meant for (e.g. `SO_LINGER` takes whole
    /// seconds in a C `int`).
    DurationOutOfRange,
    /// A zero duration was given where `std` rejects one: `set_read_timeout(Some(ZERO))` would
    /// mean "never wait", which is [`set_nonblocking`](crate::Socket::set_nonblocking).
    ZeroTimeout,
    /// A connect was asked for with no address to try.
    NoAddresses,
    /// `dual_stack` was asked of a server address that is not IPv6.
    DualStackNeedsIpv6,
    /// The host cannot make an IPv6 socket that also accepts IPv4 (IPv6 is missing, or
    /// `IPV6_V6ONLY` cannot be cleared); the errno says why.
    DualStackUnavailable(Errno),
}

/// What stopped a looping call early (see [`Error::Partial`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PartialCause {
    /// The kernel refused with this errno.
    Os(Errno),
    /// The deadline passed.
    Timeout,
    /// The socket is non-blocking and the next call would have blocked.
    WouldBlock,
}

/// A forward lookup failed (Python's `socket.gaierror`): its [kind](ResolveErrorKind), which
/// is what a program branches on, and its [cause](LookupCause), which is what a person reads.
///
/// ```
/// use baresock::{LookupCause, ResolveError, ResolveErrorKind};
/// let e = ResolveError::new(ResolveErrorKind::NoName, LookupCause::NxDomain);
/// assert_eq!(e.kind(), ResolveErrorKind::NoName);
/// assert_eq!(
///     e.to_string(),
///     "name or service not known (the name server says the name does not exist)"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResolveError {
    kind: ResolveErrorKind,
    cause: LookupCause,
}

impl ResolveError {
    /// An error of this kind, for this cause.
    pub const fn new(kind: ResolveErrorKind, cause: LookupCause) -> ResolveError {
        ResolveError { kind, cause }
    }

    /// The kind, as `getaddrinfo`'s `EAI_*` codes sort failures.
    pub const fn kind(&self) -> ResolveErrorKind {
        self.kind
    }

    /// What happened.
    pub const fn cause(&self) -> LookupCause {
        self.cause
    }
}

/// Kinds of forward-resolution failure (Python's `gaierror` codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ResolveErrorKind {
    /// The name does not exist, or a numeric host was asked for and the text is not an
    /// address (`EAI_NONAME`).
    NoName,
    /// The name exists but has no address of the requested family (`EAI_NODATA`).
    NoData,
    /// A temporary failure: no server answered in time, or a server failed; try again later
    /// (`EAI_AGAIN`).
    TryAgain,
    /// A non-recoverable failure: the server refused, or answered something malformed
    /// (`EAI_FAIL`).
    Failed,
    /// The requested address family is not IPv4, IPv6 or unspecified (`EAI_FAMILY`).
    Family,
    /// The service is unknown, or not offered for the socket type (`EAI_SERVICE`).
    Service,
    /// The socket type is not one a lookup can give: stream, datagram or raw
    /// (`EAI_SOCKTYPE`).
    SocketType,
}

/// A reverse lookup or host-database query failed (Python's `socket.herror`): its
/// [kind](HostErrorKind) and its [cause](LookupCause).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HostError {
    kind: HostErrorKind,
    cause: LookupCause,
}

impl HostError {
    /// An error of this kind, for this cause.
    pub const fn new(kind: HostErrorKind, cause: LookupCause) -> HostError {
        HostError { kind, cause }
    }

    /// The kind, as `h_errno` sorts failures.
    pub const fn kind(&self) -> HostErrorKind {
        self.kind
    }

    /// What happened.
    pub const fn cause(&self) -> LookupCause {
        self.cause
    }
}

/// Kinds of host-database failure (Python's `herror` codes, C's `h_errno`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum HostErrorKind {
    /// No such host (`HOST_NOT_FOUND`).
    NotFound,
    /// A temporary failure; try again (`TRY_AGAIN`).
    TryAgain,
    /// A non-recoverable failure (`NO_RECOVERY`).
    NoRecovery,
    /// The name or address is valid but has no record of the kind asked for (`NO_DATA`).
    NoData,
}

/// What made a lookup fail, for the message a person reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LookupCause {
    /// The name server says the name does not exist (`NXDOMAIN`), and the hosts file has no
    /// entry for it.
    NxDomain,
    /// The name exists, but has no record of the kind asked for.
    NoRecords,
    /// Only a numeric address was allowed, and the text is not one.
    NotNumeric,
    /// A name server answered with this response code (2 `SERVFAIL`, 5 `REFUSED`, 1
    /// `FORMERR`, 4 `NOTIMP`, ...).
    Rcode(u8),
    /// No name server answered: this many queries went unanswered (or were refused at the
    /// port) within the configured timeout and attempts.
    NoReply {
        /// How many queries were sent.
        tries: u16,
    },
    /// A reply did not parse.
    Malformed(crate::resolve::wire::WireError),
    /// An alias chain (`CNAME`) longer than the limit, or a loop.
    AliasChain,
    /// The service name is not in the services database for the socket type's protocol.
    UnknownService,
    /// The family asked for is not IPv4 or IPv6.
    UnsupportedFamily,
    /// A numeric address of one family, where the other was asked for.
    FamilyMismatch,
    /// The `%scope` of a numeric IPv6 address names no interface.
    UnknownScope,
    /// The socket type asked for has no port (only stream, datagram and raw do).
    UnsupportedType,
    /// The text is not a domain name.
    InvalidName(crate::resolve::NameError),
    /// A system call failed with this errno (reading a database, or talking to a server).
    Os(Errno),
    /// A name server did not finish its reply over TCP (asked after a truncated reply, or
    /// with `use-vc`) before the attempt's timeout passed.
    TcpTimeout,
    /// A name server closed the TCP connection before its whole reply had come.
    TcpClosed,
    /// A reply over TCP carried another query's id.
    WrongId,
    /// A reply over TCP answered another question than the one asked.
    WrongQuestion,
    /// A reply over TCP was larger than the buffer for it (see
    /// [`Resolver::lookup_with`](crate::resolve::Resolver::lookup_with)); nothing of it was
    /// used.
    ReplyTooLarge {
        /// The reply's length in bytes, as its length prefix says.
        len: u16,
        /// The buffer's size in bytes (less than `len`, so it fits).
        room: u16,
    },
}

impl Error {
    /// The errno behind this error, if the kernel said one (also inside [`Error::Partial`], and
    /// `EAGAIN` for [`Error::WouldBlock`]).
    pub const fn errno(&self) -> Option<Errno> {
        match *self {
            Error::Os(e) | Error::DualStackUnavailable(e) => Some(e),
            Error::Partial {
                cause: PartialCause::Os(e),
                ..
            } => Some(e),
            Error::WouldBlock
            | Error::Partial {
                cause: PartialCause::WouldBlock,
                ..
            } => Some(Errno::AGAIN),
            Error::J1939AddressNotClaimed { .. } => Some(Errno::ADDRNOTAVAIL),
            _ => None,
        }
    }

    /// Whether a deadline passed (also inside [`Error::Partial`]).
    pub const fn is_timeout(&self) -> bool {
        matches!(
            self,
            Error::Timeout
                | Error::Partial {
                    cause: PartialCause::Timeout,
                    ..
                }
        )
    }

    /// Whether a non-blocking call would have blocked (also inside [`Error::Partial`]).
    pub const fn is_would_block(&self) -> bool {
        matches!(
            self,
            Error::WouldBlock
                | Error::Partial {
                    cause: PartialCause::WouldBlock,
                    ..
                }
        )
    }

    /// For [`Error::Partial`], how many bytes went out before the failure.
    pub const fn bytes_sent(&self) -> Option<usize> {
        match *self {
            Error::Partial { sent, .. } => Some(sent),
            _ => None,
        }
    }

    /// Turns an error of a single call into the error of a loop that had sent `sent` bytes.
    pub(crate) const fn after(self, sent: usize) -> Error {
        let cause = match self {
            Error::Os(e) => PartialCause::Os(e),
            Error::Timeout => PartialCause::Timeout,
            Error::WouldBlock => PartialCause::WouldBlock,
            Error::Partial { cause, .. } => cause,
            // Only the three kinds above come out of a single send.
            _ => PartialCause::Os(Errno::IO),
        };
        Error::Partial { sent, cause }
    }
}

impl From<Errno> for Error {
    #[inline]
    fn from(e: Errno) -> Self {
        if e == Errno::AGAIN {
            Error::WouldBlock
        } else {
            Error::Os(e)
        }
    }
}

mod display;

#[cfg(feature = "defmt")]
mod defmt_impls;

#[cfg(test)]
mod tests;
