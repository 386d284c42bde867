//! The crate's one error type, [`Error`], and the groups it nests.
//!
//! [`Error`] is `Copy`, 16 bytes on 64-bit targets, and never allocates. At its top is what
//! every caller matches: what the kernel answered ([`Error::Os`], with the errno's name in its
//! `Display`; every errno is an `Os`, named by helpers such as
//! [`is_no_such_interface`](Error::is_no_such_interface)), that a non-blocking call would have
//! blocked ([`Error::WouldBlock`], the one errno with a variant of its own), that a deadline
//! passed ([`Error::Timeout`], Python's `socket.timeout`), that a loop stopped early
//! ([`Error::Partial`]) and that a datagram was cut ([`Error::Truncated`]). Below them, one
//! variant per family of refusals holds that family's own enum: [`AddressError`],
//! [`InputError`], [`CanInputError`], [`ResolveError`], [`BpfError`], [`RingError`],
//! [`PollError`] and `NetlinkError`. A kernel that lacks a feature a call needs (MPTCP, a vsock
//! transport) is [`Error::Unsupported`], which names the feature and the Linux version that
//! brought it ([`KernelFeature`]).
//!
//! One exception to "every errno is an `Os`": the poller's [`PollError`] names four errnos of
//! `epoll_ctl(2)` (`EEXIST`, `ENOENT`, `EBADF`, `EPERM`), because there each has exactly one
//! meaning (added twice, never added, a closed fd, a regular file); from
//! [`Poller`](crate::poll::Poller) only, every other call keeps them as [`Error::Os`]. An errno
//! the kernel writes into a netlink reply (its refusal of a request, not a call's return) is
//! `NetlinkError::Refused` (feature `netlink`), with the attribute the extended ack names;
//! [`Error::errno`] and the `is_*` helpers give it as well.
//!
//! ```
//! use baresock::{AddressError, Errno, Error, UnixAddr};
//!
//! fn explain(e: Error) -> &'static str {
//!     match e {
//!         Error::Os(Errno::CONNREFUSED) => "nobody listens there",
//!         Error::Os(_) => "the kernel refused",
//!         Error::Timeout => "too slow",
//!         Error::Address(AddressError::UnixPathTooLong { .. }) => "path too long",
//!         Error::Address(_) => "a bad address",
//!         _ => "something else",
//!     }
//! }
//! assert_eq!(explain(UnixAddr::new(&[b'x'; 300]).unwrap_err()), "path too long");
//! assert_eq!(explain(Error::Os(Errno::CONNREFUSED)), "nobody listens there");
//! ```
//!
//! The groups live here, below every module that raises them (this module imports nothing from
//! `can`, `net` or `resolve`); each is public at one path: the crate root for the groups
//! every call can return ([`AddressError`], [`InputError`], [`PartialCause`]), else the module
//! a user looks in (`can::CanInputError`, `resolve::ResolveError`, `bpf::BpfError`,
//! `packet::RingError`, `poll::PollError`, `netlink::NetlinkError`). `Error::Can`,
//! `Error::Resolve` and `Error::Netlink` come with the `can`, `resolve` and `netlink` features.

pub use rustix::io::Errno;

pub use address::AddressError;
pub use bpf::BpfError;
#[cfg(feature = "can")]
pub use can::{CanInputError, J1939Name, J1939Party};
pub use input::InputError;
#[cfg(feature = "netlink")]
pub use netlink::NetlinkError;
pub use poll::PollError;
#[cfg(feature = "resolve")]
pub use resolve::{
    HostError, HostErrorKind, LookupCause, LookupError, LookupErrorKind, NameError, ResolveError,
    WireError,
};
pub use ring::RingError;
pub use unsupported::{KernelFeature, Unsupported};

/// The result type of every fallible call in this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong in this crate.
///
/// The top-level variants are what every caller matches: [`Os`](Error::Os) (any errno;
/// helpers such as [`errno`](Error::errno), [`is_no_such_interface`](Error::is_no_such_interface)
/// and [`is_not_a_socket`](Error::is_not_a_socket) name the ones a caller asks about),
/// [`WouldBlock`](Error::WouldBlock) (`EAGAIN`, the one errno with its own variant, because
/// every non-blocking caller matches it), [`Timeout`](Error::Timeout),
/// [`Partial`](Error::Partial) and [`Truncated`](Error::Truncated). Refusals specific to a
/// family are nested, one variant per group: [`Address`](Error::Address),
/// [`Input`](Error::Input), [`Can`](Error::Can), [`Resolve`](Error::Resolve),
/// [`Bpf`](Error::Bpf), [`Ring`](Error::Ring), [`Poll`](Error::Poll) and `Netlink`.
///
/// # Example
///
/// ```
/// use baresock::{AddressError, Errno, Error, TcpStream, ToSocketAddrs};
///
/// // Nothing listens on port 1 of the loopback address.
/// match TcpStream::connect("127.0.0.1:1") {
///     Err(Error::Os(Errno::CONNREFUSED)) => {}
///     other => panic!("unexpected: {other:?}"),
/// }
///
/// // A host name is not an IP address (it needs the resolver): the nested kind says so.
/// match "localhost:80".to_socket_addrs() {
///     Err(Error::Address(AddressError::Invalid)) => {}
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
    /// An address or name was refused, or one from the kernel cannot be read.
    Address(AddressError),
    /// A call's argument (not an address) was refused, or a kernel answer could not be taken.
    Input(InputError),
    /// A CAN frame, filter or message was refused (the `can` module's errors; feature `can`).
    #[cfg(feature = "can")]
    Can(CanInputError),
    /// Name resolution failed (the `resolve` module's errors: Python's `socket.gaierror` and
    /// `socket.herror`, bad names, malformed DNS messages).
    #[cfg(feature = "resolve")]
    Resolve(ResolveError),
    /// A BPF program was refused (see [`bpf`](crate::bpf)).
    Bpf(BpfError),
    /// A packet ring refused a configuration or a frame, or holds a malformed block.
    Ring(RingError),
    /// The poller refused a registration or a wait (see [`poll`](crate::poll)).
    Poll(PollError),
    /// The kernel refused a netlink request, or a netlink message could not be written or
    /// read (see [`netlink`](crate::netlink); feature `netlink`).
    #[cfg(feature = "netlink")]
    Netlink(NetlinkError),
    /// The running kernel lacks, or has switched off, a feature the call needs (MPTCP, a
    /// vsock transport, ...): which one, and the errno it answered.
    Unsupported(Unsupported),
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

impl Error {
    /// The errno behind this error, if the kernel said one (also inside [`Error::Partial`];
    /// `EAGAIN` for [`Error::WouldBlock`]; `EADDRNOTAVAIL` for
    /// [`CanInputError::J1939AddressNotClaimed`], which names the NAME behind it; the
    /// `epoll_ctl` errno a [`PollError`] names; the kernel's errno of a refused netlink
    /// request, `NetlinkError::Refused`).
    ///
    /// ```
    /// use baresock::{Errno, Error};
    /// assert_eq!(Error::Os(Errno::PIPE).errno(), Some(Errno::PIPE));
    /// assert_eq!(Error::WouldBlock.errno(), Some(Errno::AGAIN));
    /// assert_eq!(Error::Timeout.errno(), None);
    /// ```
    pub const fn errno(&self) -> Option<Errno> {
        match *self {
            Error::Os(e)
            | Error::Partial {
                cause: PartialCause::Os(e),
                ..
            } => Some(e),
            Error::WouldBlock
            | Error::Partial {
                cause: PartialCause::WouldBlock,
                ..
            } => Some(Errno::AGAIN),
            #[cfg(feature = "can")]
            Error::Can(CanInputError::J1939AddressNotClaimed { .. }) => Some(Errno::ADDRNOTAVAIL),
            Error::Poll(p) => p.errno(),
            #[cfg(feature = "netlink")]
            Error::Netlink(n) => n.errno(),
            Error::Unsupported(u) => Some(u.errno),
            _ => None,
        }
    }

    /// Whether no network interface has the name or index asked for (`ENODEV`, from the
    /// kernel or from the crate for an index no interface can have).
    ///
    /// ```
    /// assert!(baresock::interface_name(u32::MAX).unwrap_err().is_no_such_interface());
    /// ```
    pub const fn is_no_such_interface(&self) -> bool {
        self.is_errno(Errno::NODEV)
    }

    /// Whether the file descriptor is not a socket (`ENOTSOCK`).
    ///
    /// ```
    /// use baresock::{Errno, Error};
    /// assert!(Error::Os(Errno::NOTSOCK).is_not_a_socket());
    /// ```
    pub const fn is_not_a_socket(&self) -> bool {
        self.is_errno(Errno::NOTSOCK)
    }

    /// Whether the kernel refused for want of a feature it does not have:
    /// [`Error::Unsupported`] (the crate names the feature where the errno has that one
    /// meaning: CAN XL frames before Linux 6.2, ...), or an errno that says so: an
    /// unsupported option (`ENOPROTOOPT`), protocol
    /// (`EPROTONOSUPPORT`), family (`EAFNOSUPPORT`), socket type (`ESOCKTNOSUPPORT`) or
    /// operation (`EOPNOTSUPP`).
    ///
    /// ```
    /// use baresock::{Errno, Error};
    /// assert!(Error::Os(Errno::NOPROTOOPT).is_unsupported());
    /// assert!(!Error::Os(Errno::INVAL).is_unsupported());
    /// ```
    pub const fn is_unsupported(&self) -> bool {
        if let Error::Unsupported(_) = self {
            return true;
        }
        match self.errno() {
            Some(e) => {
                let raw = e.raw_os_error();
                raw == Errno::NOPROTOOPT.raw_os_error()
                    || raw == Errno::PROTONOSUPPORT.raw_os_error()
                    || raw == Errno::AFNOSUPPORT.raw_os_error()
                    || raw == Errno::SOCKTNOSUPPORT.raw_os_error()
                    || raw == Errno::OPNOTSUPP.raw_os_error()
            }
            None => false,
        }
    }

    /// Whether this is `Os(e)` (also inside [`Error::Partial`]).
    const fn is_errno(&self, e: Errno) -> bool {
        match self.errno() {
            Some(x) => x.raw_os_error() == e.raw_os_error(),
            None => false,
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

/// A length or count for a field of a nested error: `n`, or `u32::MAX` past it (the nested
/// groups hold 32-bit fields so that [`Error`] stays two words).
pub(crate) const fn sat32(n: usize) -> u32 {
    if n > u32::MAX as usize {
        u32::MAX
    } else {
        n as u32
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

mod address;
mod bpf;
#[cfg(feature = "can")]
mod can;
mod display;
mod input;
#[cfg(feature = "netlink")]
mod netlink;
mod poll;
#[cfg(feature = "resolve")]
mod resolve;
mod ring;
mod unsupported;

#[cfg(feature = "defmt")]
mod defmt_impls;

#[cfg(test)]
mod tests;

macro_rules! group_from {
    ($($group:ident => $variant:ident),* $(,)?) => {$(
        impl From<$group> for Error {
            #[inline]
            fn from(e: $group) -> Error {
                Error::$variant(e)
            }
        }
    )*};
}

group_from!(
    AddressError => Address,
    InputError => Input,
    BpfError => Bpf,
    RingError => Ring,
    PollError => Poll,
    Unsupported => Unsupported,
);
#[cfg(feature = "can")]
group_from!(CanInputError => Can);
#[cfg(feature = "resolve")]
group_from!(ResolveError => Resolve);
#[cfg(feature = "netlink")]
group_from!(NetlinkError => Netlink);

#[cfg(feature = "resolve")]
impl From<LookupError> for Error {
    fn from(e: LookupError) -> Error {
        Error::Resolve(ResolveError::Lookup(e))
    }
}

#[cfg(feature = "resolve")]
impl From<HostError> for Error {
    fn from(e: HostError) -> Error {
        Error::Resolve(ResolveError::Host(e))
    }
}

#[cfg(feature = "resolve")]
impl From<NameError> for Error {
    fn from(e: NameError) -> Error {
        Error::Resolve(ResolveError::InvalidName(e))
    }
}

#[cfg(feature = "resolve")]
impl From<WireError> for Error {
    fn from(e: WireError) -> Error {
        Error::Resolve(ResolveError::MalformedDns(e))
    }
}
