//! CAN frames (linux/can.h), error frames (linux/can/error.h): validated values, encoded to
//! and decoded from the kernel's bytes. `can_id` is in host byte order, as the kernel keeps it.

use crate::CanInputError;
use core::fmt;

use crate::{Error, Result};

const EFF_FLAG: u32 = 0x8000_0000;
const RTR_FLAG: u32 = 0x4000_0000;
const ERR_FLAG: u32 = 0x2000_0000;
const SFF_MASK: u32 = 0x0000_07ff;
const EFF_MASK: u32 = 0x1fff_ffff;

/// `sizeof(struct can_frame)`.
pub const CAN_MTU: usize = 16;
/// `sizeof(struct canfd_frame)`.
pub const CANFD_MTU: usize = 72;

mod classic;
mod error;
mod fd;
mod id;
mod xl;

pub use classic::CanFrame;
pub use error::{CanControllerState, CanError, CanErrorClass};
pub use fd::{CanFdFrame, CANFD_LENGTHS};
use fd::{BRS, ESI, FDF};
pub use id::CanId;
pub use xl::{CanXlFrame, CANXL_HEAD, CANXL_MAX_LEN, CANXL_MTU};

/// Any frame a CAN raw socket receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CanAnyFrame {
    /// A classic frame.
    Classic(CanFrame),
    /// An FD frame.
    Fd(CanFdFrame),
    /// An error frame, decoded.
    Error(CanError),
}

impl CanAnyFrame {
    /// Decodes the kernel's bytes: 16 for a classic or error frame, 72 for an FD frame. Anything
    /// else, or a length out of range, is
    /// [`CanInputError::InvalidLength`](crate::CanInputError::InvalidLength).
    ///
    /// An FD frame keeps `CANFD_BRS` and `CANFD_ESI` of its flags and has `CANFD_FDF` set
    /// whether the bytes had it (Linux 6.2 and later) or not; the reserved bits are dropped
    /// (see [`CanFdFrame`]). A classic frame keeps a `len8_dlc` of 9 to 15 when it has 8
    /// bytes (or requests 8) and drops any other.
    #[doc(alias = "from_bytes")]
    pub fn decode(b: &[u8]) -> Result<CanAnyFrame> {
        let bad = Err(Error::Can(CanInputError::InvalidLength {
            len: crate::error::sat32(b.len()),
        }));
        let Some(&[w0, w1, w2, w3, len, flags, _, len8]) = b.first_chunk::<8>() else {
            return bad;
        };
        let w = u32::from_ne_bytes([w0, w1, w2, w3]);
        let id = CanId::from_word(w);
        match b.len() {
            CAN_MTU if w & ERR_FLAG != 0 => {
                let mut d = [0u8; 8];
                d.copy_from_slice(&b[8..16]);
                Ok(CanAnyFrame::Error(CanError::new(
                    CanErrorClass::from_bits_retain(w),
                    d,
                )))
            }
            CAN_MTU => {
                if len > 8 {
                    return Err(Error::Can(CanInputError::InvalidLength { len: len.into() }));
                }
                let mut frame = if w & RTR_FLAG != 0 {
                    CanFrame::remote(id, len)?
                } else {
                    CanFrame::new(id, &b[8..8 + len as usize])?
                };
                if len == 8 && (9..=15).contains(&len8) {
                    frame.len8_dlc = len8;
                }
                Ok(CanAnyFrame::Classic(frame))
            }
            CANFD_MTU => {
                let data = b
                    .get(8..8 + len as usize)
                    .ok_or(Error::Can(CanInputError::InvalidLength { len: len.into() }))?;
                let mut frame = CanFdFrame::new(id, data)?;
                // The reserved bits dropped, FDF set (see `CanFdFrame`).
                frame.flags = flags & (BRS | ESI) | FDF;
                Ok(CanAnyFrame::Fd(frame))
            }
            _ => bad,
        }
    }
}
impl fmt::Display for CanAnyFrame {
    /// can-utils' syntax for each kind.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanAnyFrame::Classic(c) => c.fmt(f),
            CanAnyFrame::Fd(d) => d.fmt(f),
            CanAnyFrame::Error(e) => e.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests;
