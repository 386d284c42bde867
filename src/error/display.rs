//! `Display` for the error types: the errno's name and description from the kernel's table,
//! and a sentence for every refusal.

use core::fmt;

use super::{
    Errno, Error, HostError, HostErrorKind, LookupCause, PartialCause, ResolveError,
    ResolveErrorKind,
};

/// Writes `ENAME: description (os error N)`, from the kernel's errno table, without libc.
pub(crate) fn fmt_errno(e: Errno, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let raw = e.raw_os_error();
    let sys = syscalls::Errno::new(raw);
    match (sys.name(), sys.description()) {
        (Some(name), Some(desc)) => write!(f, "{name}: {desc} (os error {raw})"),
        _ => write!(f, "unknown errno (os error {raw})"),
    }
}

impl fmt::Display for PartialCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PartialCause::Os(e) => fmt_errno(e, f),
            PartialCause::Timeout => f.write_str("timed out"),
            PartialCause::WouldBlock => f.write_str("the operation would block"),
        }
    }
}

impl fmt::Display for ResolveErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ResolveErrorKind::NoName => "name or service not known",
            ResolveErrorKind::NoData => "no address associated with the name",
            ResolveErrorKind::TryAgain => "temporary failure in name resolution",
            ResolveErrorKind::Failed => "non-recoverable failure in name resolution",
            ResolveErrorKind::Family => "address family not supported",
            ResolveErrorKind::Service => "service not supported for the socket type",
            ResolveErrorKind::SocketType => "socket type not supported",
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

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.kind, self.cause)
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.kind, self.cause)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Os(e) => fmt_errno(e, f),
            Error::WouldBlock => f.write_str("the operation would block (socket is non-blocking)"),
            Error::Timeout => f.write_str("timed out"),
            Error::Partial { sent, cause } => {
                write!(f, "stopped after sending {sent} bytes: {cause}")
            }
            Error::Truncated { len } => {
                write!(f, "datagram of {len} bytes truncated to the buffer's size")
            }
            Error::Resolve(e) => write!(f, "name resolution failed: {e}"),
            Error::Host(e) => write!(f, "host lookup failed: {e}"),
            Error::InvalidName(e) => write!(f, "not a domain name: {e}"),
            Error::MalformedDns(e) => write!(f, "malformed DNS message: {e}"),
            Error::UnixPathTooLong { len, max } => write!(
                f,
                "Unix socket name of {len} bytes is longer than the {max} bytes it can hold \
                 (sun_path is 108 bytes; an abstract name starts with a NUL)"
            ),
            Error::UnixPathNul => f.write_str("Unix socket path contains a NUL byte"),
            Error::UnixPathEmpty => f.write_str("Unix socket path is empty"),
            Error::NameTooLong { len } => {
                write!(f, "name of {len} bytes is longer than the kernel's 15")
            }
            Error::NameNul => f.write_str("name contains a NUL byte"),
            Error::LinkAddrTooLong { len, max } => {
                write!(
                    f,
                    "link-layer address of {len} bytes is longer than the {max} its field holds"
                )
            }
            Error::NoSuchInterface => f.write_str("no such network interface"),
            Error::FamilyMismatch { socket, addr } => {
                write!(
                    f,
                    "an address of family {addr:?} given to a socket of family {socket:?}"
                )
            }
            Error::BatchFamilyMismatch {
                index,
                socket,
                addr,
            } => {
                write!(
                    f,
                    "batch entry {index}: an address of family {addr:?} for a socket of family \
                     {socket:?}"
                )
            }
            Error::WrongFamily { expected, found } => {
                write!(
                    f,
                    "a socket of family {expected:?} is needed, this one is of family {found:?}"
                )
            }
            Error::TypeMismatch { expected, found } => {
                write!(
                    f,
                    "a socket of type {expected:?} is needed, this one is of type {found:?}"
                )
            }
            Error::UnknownFamily(n) => write!(f, "unsupported address family {n}"),
            Error::UnknownType(n) => write!(f, "unsupported socket type {n}"),
            Error::NotASocket => f.write_str("the file descriptor is not a socket"),
            Error::MissingAddress => {
                f.write_str("the kernel gave no address where one was expected")
            }
            Error::InvalidAddress => f.write_str("not an IP address and port"),
            Error::AddressTooLong { len, max } => {
                write!(
                    f,
                    "address of {len} bytes is longer than the {max} one holds"
                )
            }
            Error::UnsupportedAddress { family } => {
                write!(
                    f,
                    "the kernel returned an address of unsupported family {family}"
                )
            }
            Error::MalformedAddress { family, len } => write!(
                f,
                "the kernel returned a {len}-byte address, impossible for family {family}"
            ),
            Error::OptionSize { expected, got } => write!(
                f,
                "socket option answered {got} bytes where {expected} were expected"
            ),
            Error::Bpf(e) => write!(f, "BPF program refused: {e}"),
            Error::Ring(e) => e.fmt(f),
            Error::TooManyFilters { count } => {
                write!(f, "{count} CAN filters; the kernel takes at most 512")
            }
            Error::InvalidCanId { id } => {
                write!(f, "CAN identifier {id:#x} does not fit its format")
            }
            Error::InvalidCanLength { len } => write!(f, "{len} is not a CAN frame length"),
            Error::MalformedRing => f.write_str("a ring block points outside itself"),
            Error::InvalidCanSyntax { at } => {
                write!(f, "not a CAN frame in can-utils' syntax (at byte {at})")
            }
            Error::InvalidPriority { priority } => {
                write!(f, "J1939 priority {priority} is past 7")
            }
            Error::J1939AddressNotClaimed { name, party } => {
                use crate::can::J1939Party;
                let whose = match party {
                    J1939Party::Source => "this socket's NAME",
                    J1939Party::Destination => "the destination NAME",
                    J1939Party::SourceOrDestination => {
                        "this socket's NAME (or else the destination's)"
                    }
                };
                write!(
                    f,
                    "J1939: {whose} {name:#018x} has no address claimed on the bus"
                )
            }
            Error::TooManyFrames { count } => {
                write!(f, "{count} frames are too many for one message")
            }
            Error::MalformedBcm => f.write_str("a malformed broadcast manager message"),
            Error::CanXlUnsupported => f.write_str("this kernel has no CAN XL (Linux 6.2+)"),
            Error::FrameTooLong { len, max } => {
                write!(
                    f,
                    "a {len}-byte frame does not fit a ring slot of {max} bytes"
                )
            }
            Error::InvalidFanout => f.write_str(
                "fanout: rollover mode with the rollover flag, or a unique id with a group",
            ),
            Error::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
            Error::TooManyFds { count } => {
                write!(
                    f,
                    "{count} file descriptors in one message; the kernel takes at most 253"
                )
            }
            Error::DurationOutOfRange => {
                f.write_str("duration does not fit the kernel's field for it")
            }
            Error::ZeroTimeout => {
                f.write_str("a zero timeout is not a timeout; use non-blocking mode")
            }
            Error::NoAddresses => f.write_str("no address to connect to"),
            Error::DualStackNeedsIpv6 => f.write_str("a dual-stack server needs an IPv6 address"),
            Error::DualStackUnavailable(e) => {
                f.write_str("this host cannot make a dual-stack IPv6 socket: ")?;
                fmt_errno(e, f)
            }
        }
    }
}

impl core::error::Error for Error {}
