//! Classic CAN frames (`struct can_frame`).

use crate::CanInputError;
use core::fmt;

use super::{CanId, CAN_MTU, RTR_FLAG};
use crate::{Error, Result};

/// A classic CAN frame (`struct can_frame`): up to 8 bytes, or a remote request.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CanFrame {
    id: CanId,
    rtr: bool,
    len: u8,
    pub(super) len8_dlc: u8,
    /// Zeros past `len` (all of it for a remote request): every constructor starts from
    /// zeros and nothing writes it afterwards, so the derived `==` and `Hash` see only the
    /// frame's bytes.
    data: [u8; 8],
}

impl CanFrame {
    /// A data frame; more than 8 bytes is
    /// [`CanInputError::InvalidLength`](crate::CanInputError::InvalidLength).
    ///
    /// ```
    /// use baresock::can::{CanFrame, CanId};
    /// let f = CanFrame::new(CanId::standard(0x123)?, &[0xde, 0xad])?;
    /// assert_eq!(f.to_string(), "123#DEAD"); // can-utils' syntax
    /// assert_eq!(f.data(), &[0xde, 0xad]);
    /// assert!(CanFrame::new(CanId::standard(1)?, &[0; 9]).is_err());
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn new(id: CanId, data: &[u8]) -> Result<CanFrame> {
        let mut d = [0u8; 8];
        d.get_mut(..data.len())
            .ok_or(Error::Can(CanInputError::InvalidLength {
                len: crate::error::sat32(data.len()),
            }))?
            .copy_from_slice(data);
        Ok(CanFrame {
            id,
            rtr: false,
            len: data.len() as u8,
            len8_dlc: 0,
            data: d,
        })
    }

    /// A remote transmission request for `len` bytes (0 to 8).
    ///
    /// ```
    /// use baresock::can::{CanFrame, CanId};
    /// let rtr = CanFrame::remote(CanId::standard(0x7ff)?, 0)?;
    /// assert!(rtr.is_remote());
    /// assert_eq!(rtr.to_string(), "7FF#R");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn remote(id: CanId, len: u8) -> Result<CanFrame> {
        if len > 8 {
            return Err(Error::Can(CanInputError::InvalidLength { len: len.into() }));
        }
        Ok(CanFrame {
            id,
            rtr: true,
            len,
            len8_dlc: 0,
            data: [0; 8],
        })
    }

    /// An 8-byte frame sent with a DLC of 9 to 15 (`len8_dlc`; the controller must support
    /// `CAN_CTRLMODE_CC_LEN8_DLC`). Other DLCs are
    /// [`CanInputError::InvalidLength`](crate::CanInputError::InvalidLength).
    pub fn with_len8_dlc(mut self, dlc: u8) -> Result<CanFrame> {
        if self.len != 8 || !(9..=15).contains(&dlc) {
            return Err(Error::Can(CanInputError::InvalidLength { len: dlc.into() }));
        }
        self.len8_dlc = dlc;
        Ok(self)
    }

    /// The identifier.
    pub fn id(&self) -> CanId {
        self.id
    }

    /// Whether it is a remote transmission request.
    pub fn is_remote(&self) -> bool {
        self.rtr
    }

    /// The data (empty for a remote request, whose length is [`len`](Self::len)).
    pub fn data(&self) -> &[u8] {
        if self.rtr {
            &[]
        } else {
            &self.data[..self.len as usize]
        }
    }

    /// The data length code's byte count (a remote request's requested length).
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// Whether the frame carries no data.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The DLC of 9 to 15 an 8-byte frame was sent with, if any.
    pub fn len8_dlc(&self) -> Option<u8> {
        (self.len8_dlc != 0).then_some(self.len8_dlc)
    }

    /// The kernel's 16 bytes.
    #[doc(alias = "to_bytes")]
    pub fn encode(&self) -> [u8; CAN_MTU] {
        let mut b = [0u8; CAN_MTU];
        let w = self.id.word() | if self.rtr { RTR_FLAG } else { 0 };
        b[0..4].copy_from_slice(&w.to_ne_bytes());
        b[4] = self.len;
        b[7] = self.len8_dlc;
        b[8..16].copy_from_slice(&self.data);
        b
    }
}

impl fmt::Debug for CanFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CanFrame({self})")
    }
}

impl fmt::Display for CanFrame {
    /// can-utils' frame syntax: `123#DEADBEEF`, `123#R2`, and a `len8_dlc` after `_`:
    /// `123#1122334455667788_F`, `123#R8_F`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#", self.id)?;
        if self.rtr {
            f.write_str("R")?;
            if self.len > 0 {
                write!(f, "{}", self.len)?;
            }
        } else {
            for b in self.data() {
                write!(f, "{b:02X}")?;
            }
        }
        if let Some(dlc) = self.len8_dlc() {
            write!(f, "_{dlc:X}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for CanFrame {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "CanFrame {{ id: {}, rtr: {}, data: {=[u8]:02x} }}",
            self.id,
            self.rtr,
            self.data()
        )
    }
}
