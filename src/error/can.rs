//! [`CanInputError`]: what the crate refuses in the CAN family (frames, filters, BCM, J1939).

use core::fmt;

/// A CAN frame, filter or message was refused, or a CAN-specific failure was named
/// ([`Error::Can`](crate::Error::Can)). (Not to be confused with
/// [`CanError`](crate::CanError), the bus's error *frames*.)
///
/// ```
/// use baresock::Error;
/// use baresock::can::{CanFrame, CanId, CanInputError};
///
/// match CanId::standard(0x800) {
///     Err(Error::Can(CanInputError::InvalidId { id })) => assert_eq!(id, 0x800),
///     other => panic!("unexpected: {other:?}"),
/// }
/// # let _ = CanFrame::new(CanId::standard(1)?, &[]);
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CanInputError {
    /// A CAN identifier does not fit its format (11 bits standard, 29 extended).
    InvalidId {
        /// The identifier given.
        id: u32,
    },
    /// A CAN frame length that its kind does not allow (classic: 0 to 8; FD: 0 to 8, 12, 16,
    /// 20, 24, 32, 48, 64), or bytes of a length no frame has.
    InvalidLength {
        /// The length given (saturated at `u32::MAX`).
        len: u32,
    },
    /// More CAN filters than the kernel takes (`CAN_RAW_FILTER_MAX`, 512).
    TooManyFilters {
        /// How many were given (saturated at `u32::MAX`).
        count: u32,
    },
    /// Text that is not a frame in can-utils' syntax (`str::parse` into a
    /// [`CanAnyFrame`](crate::CanAnyFrame)).
    InvalidSyntax {
        /// The byte offset where it went wrong (saturated at `u32::MAX`).
        at: u32,
    },
    /// A J1939 priority past 7.
    InvalidPriority {
        /// The priority given.
        priority: u8,
    },
    /// J1939 address claiming: a NAME this message is sent from or to holds no address on
    /// the bus yet (the kernel's `EADDRNOTAVAIL`, which [`Error::errno`](crate::Error::errno)
    /// still gives: this variant adds which NAME). A socket bound by NAME sends once that NAME
    /// has claimed an address (PGN `0xee00`,
    /// [`J1939_PGN_ADDRESS_CLAIMED`](crate::can::J1939_PGN_ADDRESS_CLAIMED)) and 250 ms have
    /// passed; a destination NAME needs a node that has claimed one.
    J1939AddressNotClaimed {
        /// The NAME without an address.
        name: J1939Name,
        /// Whose NAME it is.
        party: J1939Party,
    },
    /// More frames than one message may carry.
    TooManyFrames {
        /// How many were given (saturated at `u32::MAX`).
        count: u32,
    },
    /// A broadcast manager message that does not parse: short, an unknown opcode, a frame
    /// count that does not match its length, or a bad interval.
    MalformedBcm,
}

/// A J1939 NAME (64 bits) as [`CanInputError::J1939AddressNotClaimed`] carries it: kept at
/// 4-byte alignment so that [`Error`](crate::Error) stays two words. [`get`](J1939Name::get)
/// gives the `u64`.
///
/// ```
/// use baresock::can::J1939Name;
/// assert_eq!(J1939Name::new(0x50).get(), 0x50);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C, packed(4))]
pub struct J1939Name(u64);

impl J1939Name {
    /// The NAME `name`.
    pub const fn new(name: u64) -> J1939Name {
        J1939Name(name)
    }

    /// The NAME as a number.
    pub const fn get(self) -> u64 {
        self.0
    }
}

impl From<u64> for J1939Name {
    fn from(name: u64) -> J1939Name {
        J1939Name(name)
    }
}

impl From<J1939Name> for u64 {
    fn from(name: J1939Name) -> u64 {
        name.get()
    }
}

impl PartialEq<u64> for J1939Name {
    fn eq(&self, other: &u64) -> bool {
        self.get() == *other
    }
}

impl fmt::Debug for J1939Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#018x}", self.get())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for J1939Name {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{=u64:#x}", self.get())
    }
}

/// Whose NAME holds no address, in [`CanInputError::J1939AddressNotClaimed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum J1939Party {
    /// This socket's own NAME (it is bound by NAME): it has not claimed an address, or the
    /// claim is younger than 250 ms, or another node took the address.
    Source,
    /// The destination NAME: no node on the bus holds an address with it.
    Destination,
    /// Both ends are NAMEs and the kernel does not say which has no address. It checks the
    /// source first, so the error names this socket's NAME; if that one has claimed, the
    /// destination's has not.
    SourceOrDestination,
}

impl fmt::Display for CanInputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CanInputError::TooManyFilters { count } => {
                write!(f, "{count} CAN filters; the kernel takes at most 512")
            }
            CanInputError::InvalidId { id } => {
                write!(f, "CAN identifier {id:#x} does not fit its format")
            }
            CanInputError::InvalidLength { len } => write!(f, "{len} is not a CAN frame length"),
            CanInputError::InvalidSyntax { at } => {
                write!(f, "not a CAN frame in can-utils' syntax (at byte {at})")
            }
            CanInputError::InvalidPriority { priority } => {
                write!(f, "J1939 priority {priority} is past 7")
            }
            CanInputError::J1939AddressNotClaimed { name, party } => {
                let whose = match party {
                    J1939Party::Source => "this socket's NAME",
                    J1939Party::Destination => "the destination NAME",
                    J1939Party::SourceOrDestination => {
                        "this socket's NAME (or else the destination's)"
                    }
                };
                write!(
                    f,
                    "J1939: {whose} {:#018x} has no address claimed on the bus",
                    name.get()
                )
            }
            CanInputError::TooManyFrames { count } => {
                write!(f, "{count} frames are too many for one message")
            }
            CanInputError::MalformedBcm => f.write_str("a malformed broadcast manager message"),
        }
    }
}
