//! The resolver's errors, one group under [`Error::Resolve`]: [`ResolveError`] and what it
//! holds ([`LookupError`], [`HostError`], [`NameError`], [`WireError`]).

use core::fmt;

use super::display::fmt_errno;
use super::Errno;

/// Why name resolution failed ([`Error::Resolve`](crate::Error::Resolve)): one group, so that
/// a caller matches every resolver failure with one arm (and the `resolve` module can be left
/// out with its variant).
///
/// ```
/// use baresock::resolve::DomainName;
/// use baresock::Error;
/// use baresock::resolve::{NameError, ResolveError};
///
/// match DomainName::new("a..b") {
///     Err(Error::Resolve(ResolveError::InvalidName(NameError::EmptyLabel { at }))) => {
///         assert_eq!(at, 2)
///     }
///     other => panic!("unexpected: {other:?}"),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResolveError {
    /// Forward name resolution failed (Python's `socket.gaierror`).
    Lookup(LookupError),
    /// Reverse lookup or host database failure (Python's `socket.herror`).
    Host(HostError),
    /// Text or bytes that are not a domain name.
    InvalidName(NameError),
    /// A DNS message that does not parse.
    MalformedDns(WireError),
}

impl From<LookupError> for ResolveError {
    fn from(e: LookupError) -> ResolveError {
        ResolveError::Lookup(e)
    }
}

impl From<HostError> for ResolveError {
    fn from(e: HostError) -> ResolveError {
        ResolveError::Host(e)
    }
}

impl From<NameError> for ResolveError {
    fn from(e: NameError) -> ResolveError {
        ResolveError::InvalidName(e)
    }
}

impl From<WireError> for ResolveError {
    fn from(e: WireError) -> ResolveError {
        ResolveError::MalformedDns(e)
    }
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ResolveError::Lookup(e) => write!(f, "name resolution failed: {e}"),
            ResolveError::Host(e) => write!(f, "host lookup failed: {e}"),
            ResolveError::InvalidName(e) => write!(f, "not a domain name: {e}"),
            ResolveError::MalformedDns(e) => write!(f, "malformed DNS message: {e}"),
        }
    }
}

impl core::error::Error for ResolveError {}

/// A forward lookup failed (Python's `socket.gaierror`): its [kind](LookupErrorKind), which
/// is what a program branches on, and its [cause](LookupCause), which is what a person reads.
///
/// ```
/// use baresock::resolve::{LookupCause, LookupError, LookupErrorKind};
/// let e = LookupError::new(LookupErrorKind::NoName, LookupCause::NxDomain);
/// assert_eq!(e.kind(), LookupErrorKind::NoName);
/// assert_eq!(
///     e.to_string(),
///     "name or service not known (the name server says the name does not exist)"
/// );
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LookupError {
    kind: LookupErrorKind,
    cause: LookupCause,
}

impl LookupError {
    /// An error of this kind, for this cause.
    pub const fn new(kind: LookupErrorKind, cause: LookupCause) -> LookupError {
        LookupError { kind, cause }
    }

    /// The kind, as `getaddrinfo`'s `EAI_*` codes sort failures.
    pub const fn kind(&self) -> LookupErrorKind {
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
pub enum LookupErrorKind {
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
    Malformed(WireError),
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
    InvalidName(NameError),
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

impl fmt::Display for LookupErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LookupErrorKind::NoName => "name or service not known",
            LookupErrorKind::NoData => "no address associated with the name",
            LookupErrorKind::TryAgain => "temporary failure in name resolution",
            LookupErrorKind::Failed => "non-recoverable failure in name resolution",
            LookupErrorKind::Family => "address family not supported",
            LookupErrorKind::Service => "service not supported for the socket type",
            LookupErrorKind::SocketType => "socket type not supported",
        })
    }
}

impl fmt::Display for HostErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HostErrorKind::NotFound => "unknown host",
            HostErrorKind::TryAgain => "host name lookup failure, try again",
            HostErrorKind::NoRecovery => "unknown server error",
            HostErrorKind::NoData => "no record of the requested kind",
        })
    }
}

impl fmt::Display for LookupCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LookupCause::NxDomain => f.write_str("the name server says the name does not exist"),
            LookupCause::NoRecords => f.write_str("the name has no record of the kind asked for"),
            LookupCause::NotNumeric => {
                f.write_str("not a numeric address, and only one was allowed")
            }
            LookupCause::Rcode(r) => {
                let name = match r {
                    1 => "FORMERR",
                    2 => "SERVFAIL",
                    3 => "NXDOMAIN",
                    4 => "NOTIMP",
                    5 => "REFUSED",
                    _ => "response code",
                };
                write!(f, "the name server answered {name} ({r})")
            }
            LookupCause::NoReply { tries } => {
                write!(f, "no name server answered ({tries} queries sent)")
            }
            LookupCause::Malformed(e) => write!(f, "a malformed reply: {e}"),
            LookupCause::AliasChain => f.write_str("an alias (CNAME) chain too long, or a loop"),
            LookupCause::UnknownService => {
                f.write_str("the service is not in the services database for this protocol")
            }
            LookupCause::UnsupportedFamily => f.write_str("the family is not IPv4 or IPv6"),
            LookupCause::FamilyMismatch => {
                f.write_str("the address is not of the family asked for")
            }
            LookupCause::UnknownScope => f.write_str("the scope names no network interface"),
            LookupCause::UnsupportedType => {
                f.write_str("the socket type is not stream, datagram or raw")
            }
            LookupCause::InvalidName(e) => write!(f, "not a domain name: {e}"),
            LookupCause::Os(e) => fmt_errno(e, f),
            LookupCause::TcpTimeout => {
                f.write_str("the name server's reply over TCP did not come within the timeout")
            }
            LookupCause::TcpClosed => {
                f.write_str("the name server closed the TCP connection before its whole reply")
            }
            LookupCause::WrongId => f.write_str("a reply over TCP carried another query's id"),
            LookupCause::WrongQuestion => f.write_str("a reply over TCP answered another question"),
            LookupCause::ReplyTooLarge { len, room } => write!(
                f,
                "a reply over TCP of {len} bytes, larger than its {room}-byte buffer"
            ),
        }
    }
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.kind, self.cause)
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.kind, self.cause)
    }
}

/// Why text or wire bytes are not a domain name (see [`ResolveError::InvalidName`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameError {
    /// The text is empty (the root is written `"."`).
    Empty,
    /// Two dots in a row, or a dot at the start: a label of no bytes.
    EmptyLabel {
        /// The byte offset in the text where the empty label is (saturated at `u16::MAX`).
        at: u16,
    },
    /// A label of more than 63 bytes.
    LabelTooLong {
        /// The label's length (saturated at `u16::MAX`).
        len: u16,
    },
    /// More than 255 bytes in wire form (about 253 characters of text).
    TooLong,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            NameError::Empty => f.write_str("empty name"),
            NameError::EmptyLabel { at } => write!(f, "empty label at byte {at}"),
            NameError::LabelTooLong { len } => {
                write!(f, "a label of {len} bytes (at most 63)")
            }
            NameError::TooLong => write!(f, "longer than 255 bytes in wire form"),
        }
    }
}

/// Why bytes are not a well-formed DNS message (see [`ResolveError::MalformedDns`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WireError {
    /// The message ends before what its header or a record says it holds.
    Short,
    /// A name has a length byte whose top bits are `01` or `10` (`0x40`, RFC 2673's
    /// extended labels, or `0x80`, reserved): neither a label of at most 63 bytes nor a
    /// pointer. This is also how a label longer than 63 bytes shows. The value is the byte's
    /// top two bits (`0x40` or `0x80`).
    BadLabelType(u8),
    /// A compression pointer leads back into the labels that led to it (or to itself), or a
    /// name follows more than 128 pointers.
    PointerLoop,
    /// A compression pointer points past its own position. Every pointer must point strictly
    /// before the labels it ends, which is what makes loops impossible.
    PointerForward,
    /// A compression pointer points past the end of the message.
    PointerOutOfRange,
    /// A compression pointer points into the 12-byte header, where no name can be.
    PointerIntoHeader,
    /// The labels a compression pointer leads to run on to the pointer itself or past it:
    /// each run of labels reached through a pointer must end, with the root or the next
    /// pointer, before that pointer's position.
    LabelsPastPointer,
    /// A name is longer than 255 bytes in wire form, its pointers followed.
    NameTooLong,
    /// A record's data length does not fit its type: not 4 for `A`, not 16 for `AAAA`, or
    /// not the exact length of the name in a `CNAME`, `NS` or `PTR`.
    BadRdLength {
        /// The record's type number
        /// (1 `A`, 28 `AAAA`, 5 `CNAME`, ...).
        rtype: u16,
        /// The data length the record gives.
        len: u16,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WireError::Short => f.write_str("message ends early"),
            WireError::BadLabelType(t) => write!(f, "label type {t:#04x} is not supported"),
            WireError::PointerLoop => f.write_str("compression pointers loop"),
            WireError::PointerForward => f.write_str("compression pointer points forward"),
            WireError::PointerOutOfRange => {
                f.write_str("compression pointer points past the message")
            }
            WireError::PointerIntoHeader => {
                f.write_str("compression pointer points into the header")
            }
            WireError::LabelsPastPointer => {
                f.write_str("labels after a compression pointer run past the pointer")
            }
            WireError::NameTooLong => write!(f, "name longer than 255 bytes"),
            WireError::BadRdLength { rtype, len } => {
                // The types whose data length is checked, by name (as `RecordType` shows them).
                let name = match rtype {
                    1 => "A",
                    2 => "NS",
                    5 => "CNAME",
                    12 => "PTR",
                    28 => "AAAA",
                    _ => return write!(f, "{len} bytes of data for a record of type TYPE{rtype}"),
                };
                write!(f, "{len} bytes of data for a record of type {name}")
            }
        }
    }
}
