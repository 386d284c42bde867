//! CAN identifiers: 11-bit standard and 29-bit extended.

use crate::CanInputError;
use core::fmt;

use super::{EFF_FLAG, EFF_MASK, SFF_MASK};
use crate::{Error, Result};

/// A CAN identifier: 11-bit standard or 29-bit extended.
///
/// ```
/// use baresock::can::CanId;
/// assert_eq!(CanId::standard(0x123)?.raw(), 0x123);
/// assert!(CanId::standard(0x800).is_err());
/// assert_eq!(CanId::extended(0x1234_5678)?.raw(), 0x1234_5678);
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CanId {
    /// 11 bits (`CAN_SFF_MASK`).
    Standard(u16),
    /// 29 bits (`CAN_EFF_MASK`).
    Extended(u32),
}

impl CanId {
    /// An 11-bit identifier; past `0x7ff` it is
    /// [`CanInputError::InvalidId`](crate::CanInputError::InvalidId).
    ///
    /// ```
    /// use baresock::Error;
    /// use baresock::can::CanId;
    /// assert_eq!(CanId::standard(0x123)?.raw(), 0x123);
    /// assert!(matches!(
    ///     CanId::standard(0x800),
    ///     Err(Error::Can(baresock::can::CanInputError::InvalidId { .. }))
    /// ));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const fn standard(id: u16) -> Result<CanId> {
        if id as u32 > SFF_MASK {
            return Err(Error::Can(CanInputError::InvalidId { id: id as u32 }));
        }
        Ok(CanId::Standard(id))
    }

    /// A 29-bit identifier; past `0x1fff_ffff` it is
    /// [`CanInputError::InvalidId`](crate::CanInputError::InvalidId).
    ///
    /// ```
    /// use baresock::can::CanId;
    /// let id = CanId::extended(0x1234_5678)?;
    /// assert!(id.is_extended());
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const fn extended(id: u32) -> Result<CanId> {
        if id > EFF_MASK {
            return Err(Error::Can(CanInputError::InvalidId { id }));
        }
        Ok(CanId::Extended(id))
    }

    /// The identifier's bits, without flags.
    pub const fn raw(self) -> u32 {
        match self {
            CanId::Standard(id) => id as u32,
            CanId::Extended(id) => id,
        }
    }

    /// Whether it is a 29-bit identifier.
    pub const fn is_extended(self) -> bool {
        matches!(self, CanId::Extended(_))
    }

    /// The kernel's `can_id` word: the bits, and `CAN_EFF_FLAG` for extended ones.
    pub(crate) const fn word(self) -> u32 {
        match self {
            CanId::Standard(id) => id as u32,
            CanId::Extended(id) => id | EFF_FLAG,
        }
    }

    /// From a kernel `can_id` word (flags other than `CAN_EFF_FLAG` ignored).
    pub(crate) const fn from_word(w: u32) -> CanId {
        if w & EFF_FLAG != 0 {
            CanId::Extended(w & EFF_MASK)
        } else {
            CanId::Standard((w & SFF_MASK) as u16)
        }
    }
}

impl fmt::Display for CanId {
    /// As can-utils writes it: three hex digits for standard, eight for extended.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanId::Standard(id) => write!(f, "{id:03X}"),
            CanId::Extended(id) => write!(f, "{id:08X}"),
        }
    }
}
