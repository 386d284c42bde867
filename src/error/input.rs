//! [`InputError`]: a call's arguments (not addresses) that the crate refuses, and kernel
//! answers it cannot take.

use core::fmt;

use crate::{Family, Type};

/// A call was refused before the kernel saw it, for a reason other than an address
/// ([`Error::Input`](crate::Error::Input)): a socket of the wrong family or type for a typed
/// socket, a buffer too small, a duration the kernel cannot take; or an option's answer of an
/// unexpected size.
///
/// ```
/// use baresock::{Error, InputError};
///
/// let e = Error::Input(InputError::ZeroTimeout);
/// assert_eq!(e.to_string(), "a zero timeout is not a timeout; use non-blocking mode");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InputError {
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
    /// A socket option's value came back with a size this crate did not expect.
    OptionSize {
        /// The size asked for.
        expected: u32,
        /// The size the kernel (or emulator) answered.
        got: u32,
    },
    /// A caller's buffer is too small for what was asked (e.g. a control message that does
    /// not fit the control buffer).
    BufferTooSmall {
        /// The bytes it would need (saturated at `u32::MAX`).
        needed: u32,
    },
    /// More file descriptors than one message may carry (`SCM_MAX_FD`, 253).
    TooManyFds {
        /// How many were given (saturated at `u32::MAX`).
        count: u32,
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
    /// A fanout request the kernel refuses: [`FanoutMode::Rollover`](crate::FanoutMode) with
    /// the `ROLLOVER` flag, or `UNIQUE_ID` with a group other than 0.
    InvalidFanout,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            InputError::WrongFamily { expected, found } => write!(
                f,
                "a socket of family {expected:?} is needed, this one is of family {found:?}"
            ),
            InputError::TypeMismatch { expected, found } => write!(
                f,
                "a socket of type {expected:?} is needed, this one is of type {found:?}"
            ),
            InputError::OptionSize { expected, got } => write!(
                f,
                "socket option answered {got} bytes where {expected} were expected"
            ),
            InputError::BufferTooSmall { needed } => {
                write!(f, "buffer too small: {needed} bytes needed")
            }
            InputError::TooManyFds { count } => write!(
                f,
                "{count} file descriptors in one message; the kernel takes at most 253"
            ),
            InputError::DurationOutOfRange => {
                f.write_str("duration does not fit the kernel's field for it")
            }
            InputError::ZeroTimeout => {
                f.write_str("a zero timeout is not a timeout; use non-blocking mode")
            }
            InputError::NoAddresses => f.write_str("no address to connect to"),
            InputError::DualStackNeedsIpv6 => {
                f.write_str("a dual-stack server needs an IPv6 address")
            }
            InputError::InvalidFanout => f.write_str(
                "fanout: rollover mode with the rollover flag, or a unique id with a group",
            ),
        }
    }
}
