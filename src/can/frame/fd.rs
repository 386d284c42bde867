//! CAN FD frames (`struct canfd_frame`).

use crate::CanInputError;
use core::fmt;

use super::{CanId, CANFD_MTU};
use crate::{Error, Result};

/// The payload lengths a CAN FD frame may have.
pub const CANFD_LENGTHS: [usize; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64];

/// `CANFD_BRS`: the payload went at the second, faster bit rate.
pub(super) const BRS: u8 = 0x01;
/// `CANFD_ESI`: the sender was error passive.
pub(super) const ESI: u8 = 0x02;
/// `CANFD_FDF`: marks an FD frame in the shared layout.
pub(super) const FDF: u8 = 0x04;

/// A CAN FD frame (`struct canfd_frame`): up to 64 bytes, in the lengths FD allows.
///
/// Its flags are the two the bus carries, `CANFD_BRS` and `CANFD_ESI`, and `CANFD_FDF`, set
/// in every frame. The other bits of the kernel's `flags` byte are reserved (linux/can.h):
/// [`CanAnyFrame::decode`] drops them, so that a frame is what its accessors and its
/// text (`Display`, [`FromStr`](core::str::FromStr)) say.
///
/// ```
/// use baresock::can::{CanAnyFrame, CanFdFrame, CanId};
/// let mut bytes = CanFdFrame::new(CanId::standard(0x123)?, &[])?.encode();
/// bytes[5] = 0x08 | 0x01; // a reserved bit, and BRS
/// let CanAnyFrame::Fd(f) = CanAnyFrame::decode(&bytes)? else { unreachable!() };
/// assert!(f.bit_rate_switch());
/// assert_eq!(f.encode()[5], 0x04 | 0x01, "FDF and BRS; the reserved bit dropped");
/// assert_eq!(f.to_string(), "123##1");
/// assert_eq!(f.to_string().parse::<CanAnyFrame>()?, CanAnyFrame::Fd(f));
/// # Ok::<(), baresock::Error>(())
/// ```
///
/// [`CanAnyFrame::decode`]: super::CanAnyFrame::decode
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CanFdFrame {
    id: CanId,
    pub(super) flags: u8,
    len: u8,
    /// Zeros past `len`, as in [`CanFrame`]: the derived `==` and `Hash` see only the frame.
    data: [u8; 64],
}

impl CanFdFrame {
    /// A frame; a length not in [`CANFD_LENGTHS`] is
    /// [`CanInputError::InvalidLength`](crate::CanInputError::InvalidLength).
    ///
    /// ```
    /// use baresock::can::{CanFdFrame, CanId};
    /// let f = CanFdFrame::new(CanId::standard(0x42)?, &[1; 12])?.with_bit_rate_switch(true);
    /// assert_eq!(f.data().len(), 12);
    /// assert_eq!(f.to_string(), "042##1010101010101010101010101");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn new(id: CanId, data: &[u8]) -> Result<CanFdFrame> {
        if !CANFD_LENGTHS.contains(&data.len()) {
            return Err(Error::Can(CanInputError::InvalidLength {
                len: crate::error::sat32(data.len()),
            }));
        }
        let mut d = [0u8; 64];
        d[..data.len()].copy_from_slice(data);
        Ok(CanFdFrame {
            id,
            flags: FDF,
            len: data.len() as u8,
            data: d,
        })
    }

    /// With the bit-rate switch set (`CANFD_BRS`).
    pub fn with_bit_rate_switch(mut self, on: bool) -> CanFdFrame {
        self.flags = if on {
            self.flags | BRS
        } else {
            self.flags & !BRS
        };
        self
    }

    /// With the error state indicator set (`CANFD_ESI`): the sender is error passive. The
    /// kernel passes it to the bus only where the controller allows.
    pub fn with_error_state_indicator(mut self, on: bool) -> CanFdFrame {
        self.flags = if on {
            self.flags | ESI
        } else {
            self.flags & !ESI
        };
        self
    }

    /// The identifier.
    pub fn id(&self) -> CanId {
        self.id
    }

    /// The data.
    pub fn data(&self) -> &[u8] {
        &self.data[..self.len as usize]
    }

    /// Whether the payload used the faster bit rate (`CANFD_BRS`).
    pub fn bit_rate_switch(&self) -> bool {
        self.flags & BRS != 0
    }

    /// Whether the sender was error passive (`CANFD_ESI`).
    pub fn error_state_indicator(&self) -> bool {
        self.flags & ESI != 0
    }

    /// The kernel's 72 bytes.
    #[doc(alias = "to_bytes")]
    pub fn encode(&self) -> [u8; CANFD_MTU] {
        let mut b = [0u8; CANFD_MTU];
        b[0..4].copy_from_slice(&self.id.word().to_ne_bytes());
        b[4] = self.len;
        b[5] = self.flags;
        b[8..72].copy_from_slice(&self.data);
        b
    }
}

impl fmt::Debug for CanFdFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CanFdFrame({self})")
    }
}

impl fmt::Display for CanFdFrame {
    /// can-utils' FD syntax: `123##1DEADBEEF` (the digit is the flags: 1 BRS, 2 ESI).
    /// `CANFD_FDF` (4), which `##` implies, is left out; candump prints the flags as the
    /// kernel gives them, which from Linux 6.2 on include it (`123##5DEADBEEF`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}##{:X}", self.id, self.flags & (BRS | ESI))?;
        for b in self.data() {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for CanFdFrame {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "CanFdFrame {{ id: {}, flags: {=u8:#x}, data: {=[u8]:02x} }}",
            self.id,
            self.flags,
            self.data()
        )
    }
}
