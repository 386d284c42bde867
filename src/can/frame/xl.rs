//! CAN XL frames (`struct canxl_frame`).

use crate::CanInputError;
use core::fmt;

use crate::{Error, Result};

/// `sizeof(struct canxl_frame)`: a 12-byte head and up to 2048 bytes of data.
pub const CANXL_MTU: usize = CANXL_HEAD + CANXL_MAX_LEN;
/// The head of a `struct canxl_frame`, before its data (`CANXL_HDR_SIZE`).
pub const CANXL_HEAD: usize = 12;
/// The most data a CAN XL frame carries (`CANXL_MAX_DLEN`).
pub const CANXL_MAX_LEN: usize = 2048;
/// `CANXL_XLF`: set in every XL frame's flags; at the byte where classic and FD frames keep
/// their length (at most 64), so it tells the three apart.
const XLF: u8 = 0x80;
/// `CANXL_SEC`.
const SEC: u8 = 0x01;
const CANXL_PRIO_MASK: u32 = 0x7ff;
/// The virtual CAN network id sits in bits 16 to 23 of the priority word (`CANXL_VCID_OFFSET`).
const CANXL_VCID_SHIFT: u32 = 16;

/// A CAN XL frame (`struct canxl_frame`, Linux 6.2 and later): an 11-bit priority, a service
/// data unit type, an acceptance field and 1 to 2048 bytes of data, held inline (no heap).
///
/// ```
/// use baresock::can::CanXlFrame;
/// let f = CanXlFrame::new(0x242, 0x03, 0x1234_5678, &[0xaa; 100])?;
/// assert_eq!((f.priority(), f.data().len()), (0x242, 100));
/// assert!(CanXlFrame::new(0x800, 0, 0, &[1]).is_err()); // priority is 11 bits
/// assert!(CanXlFrame::new(1, 0, 0, &[]).is_err()); // at least one byte
/// # Ok::<(), baresock::Error>(())
/// ```
///
/// `==` and `Hash` see the head and the `len` bytes of data, not the rest of the buffer
/// (which a frame received into a used one still holds from before).
#[derive(Clone)]
pub struct CanXlFrame {
    prio: u32,
    flags: u8,
    sdt: u8,
    len: u16,
    af: u32,
    data: [u8; CANXL_MAX_LEN],
}

impl CanXlFrame {
    /// A frame. A priority past `0x7ff` is
    /// [`CanInputError::InvalidId`](crate::CanInputError::InvalidId); no data or more than 2048
    /// bytes is [`CanInputError::InvalidLength`](crate::CanInputError::InvalidLength).
    ///
    /// ```
    /// use baresock::can::CanXlFrame;
    /// let f = CanXlFrame::new(0x123, 0x01, 0xdead_beef, &[7; 100])?.with_vcid(5);
    /// assert_eq!((f.priority(), f.vcid(), f.data().len()), (0x123, 5, 100));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn new(priority: u16, sdu_type: u8, acceptance: u32, data: &[u8]) -> Result<CanXlFrame> {
        if u32::from(priority) > CANXL_PRIO_MASK {
            return Err(Error::Can(CanInputError::InvalidId {
                id: priority.into(),
            }));
        }
        let mut frame = CanXlFrame::empty();
        frame.prio = priority.into();
        frame.sdt = sdu_type;
        frame.af = acceptance;
        frame.set_data(data)?;
        Ok(frame)
    }

    /// A frame with priority 0, no data type and one zero byte: a buffer for
    /// [`CanSocket::recv_xl_frame`](crate::CanSocket::recv_xl_frame).
    pub const fn empty() -> CanXlFrame {
        CanXlFrame {
            prio: 0,
            flags: XLF,
            sdt: 0,
            len: 1,
            af: 0,
            data: [0; CANXL_MAX_LEN],
        }
    }

    fn set_data(&mut self, data: &[u8]) -> Result<()> {
        if data.is_empty() || data.len() > CANXL_MAX_LEN {
            return Err(Error::Can(CanInputError::InvalidLength {
                len: crate::error::sat32(data.len()),
            }));
        }
        self.data[..data.len()].copy_from_slice(data);
        self.len = data.len() as u16;
        Ok(())
    }

    /// The same frame with the simple extended content bit (`CANXL_SEC`) set or cleared.
    pub fn with_sec(mut self, on: bool) -> CanXlFrame {
        self.flags = if on {
            self.flags | SEC
        } else {
            self.flags & !SEC
        };
        self
    }

    /// The same frame on virtual CAN network `vcid` (Linux 6.9; 0 is none).
    pub fn with_vcid(mut self, vcid: u8) -> CanXlFrame {
        self.prio = (self.prio & CANXL_PRIO_MASK) | u32::from(vcid) << CANXL_VCID_SHIFT;
        self
    }

    /// The 11-bit priority.
    pub fn priority(&self) -> u16 {
        (self.prio & CANXL_PRIO_MASK) as u16
    }

    /// The virtual CAN network id (0: none).
    pub fn vcid(&self) -> u8 {
        (self.prio >> CANXL_VCID_SHIFT) as u8
    }

    /// The service data unit type (`sdt`).
    pub fn sdu_type(&self) -> u8 {
        self.sdt
    }

    /// The acceptance field (`af`).
    pub fn acceptance(&self) -> u32 {
        self.af
    }

    /// The flags byte (`CANXL_XLF` always set, `CANXL_SEC`, and any the kernel adds).
    pub fn flags(&self) -> u8 {
        self.flags
    }

    /// Whether the simple extended content bit is set.
    pub fn sec(&self) -> bool {
        self.flags & SEC != 0
    }

    /// The data: 1 to 2048 bytes.
    pub fn data(&self) -> &[u8] {
        &self.data[..usize::from(self.len)]
    }

    /// The kernel's head bytes: `prio`, `flags`, `sdt`, `len`, `af`, in host byte order.
    pub fn head(&self) -> [u8; CANXL_HEAD] {
        let mut h = [0u8; CANXL_HEAD];
        h[0..4].copy_from_slice(&self.prio.to_ne_bytes());
        h[4] = self.flags;
        h[5] = self.sdt;
        h[6..8].copy_from_slice(&self.len.to_ne_bytes());
        h[8..12].copy_from_slice(&self.af.to_ne_bytes());
        h
    }

    /// Takes the head `head` for data already in place: `received` bytes of it.
    pub(crate) fn set_head(&mut self, head: &[u8; CANXL_HEAD], received: usize) -> Result<()> {
        let len = u16::from_ne_bytes([head[6], head[7]]);
        if head[4] & XLF == 0 || usize::from(len) != received || len == 0 {
            return Err(Error::Can(CanInputError::InvalidLength {
                len: crate::error::sat32(received),
            }));
        }
        self.prio = u32::from_ne_bytes([head[0], head[1], head[2], head[3]]);
        self.flags = head[4];
        self.sdt = head[5];
        self.len = len;
        self.af = u32::from_ne_bytes([head[8], head[9], head[10], head[11]]);
        Ok(())
    }

    /// Gives the data area to fill (all 2048 bytes).
    pub(crate) fn data_area(&mut self) -> &mut [u8; CANXL_MAX_LEN] {
        &mut self.data
    }

    /// Decodes the kernel's bytes (a head and exactly `len` bytes of data) into `self`. Anything
    /// else is [`CanInputError::InvalidLength`](crate::CanInputError::InvalidLength), and `self` is
    /// left as it was.
    pub fn decode_in_place(&mut self, head: &[u8; CANXL_HEAD], data: &[u8]) -> Result<()> {
        let len = u16::from_ne_bytes([head[6], head[7]]);
        if head[4] & XLF == 0 || usize::from(len) != data.len() {
            return Err(Error::Can(CanInputError::InvalidLength {
                len: crate::error::sat32(data.len()),
            }));
        }
        self.set_data(data)?;
        self.prio = u32::from_ne_bytes([head[0], head[1], head[2], head[3]]);
        self.flags = head[4];
        self.sdt = head[5];
        self.af = u32::from_ne_bytes([head[8], head[9], head[10], head[11]]);
        Ok(())
    }

    /// Decodes a whole XL frame from the kernel's bytes.
    #[doc(alias = "from_bytes")]
    pub fn decode(b: &[u8]) -> Result<CanXlFrame> {
        let head =
            b.first_chunk::<CANXL_HEAD>()
                .ok_or(Error::Can(CanInputError::InvalidLength {
                    len: crate::error::sat32(b.len()),
                }))?;
        let mut f = CanXlFrame::empty();
        f.decode_in_place(head, &b[CANXL_HEAD..])?;
        Ok(f)
    }

    /// Whether the kernel's bytes `b` hold an XL frame (rather than a classic or FD one).
    pub fn is_xl(b: &[u8]) -> bool {
        b.get(4).is_some_and(|f| f & XLF != 0)
    }
}

impl PartialEq for CanXlFrame {
    fn eq(&self, other: &CanXlFrame) -> bool {
        self.head() == other.head() && self.data() == other.data()
    }
}

impl Eq for CanXlFrame {}

impl core::hash::Hash for CanXlFrame {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.head().hash(state);
        self.data().hash(state);
    }
}

impl fmt::Debug for CanXlFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CanXlFrame")
            .field("priority", &self.priority())
            .field("vcid", &self.vcid())
            .field("flags", &self.flags)
            .field("sdu_type", &self.sdt)
            .field("acceptance", &self.af)
            .field("len", &self.len)
            .finish()
    }
}

impl fmt::Display for CanXlFrame {
    /// As can-utils 2023 and later write it: `242#03:00:12345678#AABB...` (priority, SDU
    /// type, flags, acceptance field, data).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:03X}#{:02X}:{:02X}:{:08X}#",
            self.priority(),
            self.sdt,
            self.flags,
            self.af
        )?;
        for b in self.data() {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for CanXlFrame {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "CanXlFrame {{ priority: {=u16:#x}, sdt: {=u8:#x}, af: {=u32:#x}, len: {=u16} }}",
            self.priority(),
            self.sdt,
            self.af,
            self.len
        )
    }
}
