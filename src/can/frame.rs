//! CAN frames (linux/can.h), error frames (linux/can/error.h): validated values, encoded to
//! and decoded from the kernel's bytes. `can_id` is in host byte order, as the kernel keeps it.

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

/// A CAN identifier: 11-bit standard or 29-bit extended.
///
/// ```
/// use baresock::CanId;
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
    /// An 11-bit identifier; past `0x7ff` it is [`Error::InvalidCanId`].
    ///
    /// ```
    /// use baresock::{CanId, Error};
    /// assert_eq!(CanId::standard(0x123)?.raw(), 0x123);
    /// assert!(matches!(CanId::standard(0x800), Err(Error::InvalidCanId { .. })));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const fn standard(id: u16) -> Result<CanId> {
        if id as u32 > SFF_MASK {
            return Err(Error::InvalidCanId { id: id as u32 });
        }
        Ok(CanId::Standard(id))
    }

    /// A 29-bit identifier; past `0x1fff_ffff` it is [`Error::InvalidCanId`].
    ///
    /// ```
    /// use baresock::CanId;
    /// let id = CanId::extended(0x1234_5678)?;
    /// assert!(id.is_extended());
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const fn extended(id: u32) -> Result<CanId> {
        if id > EFF_MASK {
            return Err(Error::InvalidCanId { id });
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

/// A classic CAN frame (`struct can_frame`): up to 8 bytes, or a remote request.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CanFrame {
    id: CanId,
    rtr: bool,
    len: u8,
    len8_dlc: u8,
    /// Zeros past `len` (all of it for a remote request): every constructor starts from
    /// zeros and nothing writes it afterwards, so the derived `==` and `Hash` see only the
    /// frame's bytes.
    data: [u8; 8],
}

impl CanFrame {
    /// A data frame; more than 8 bytes is [`Error::InvalidCanLength`].
    ///
    /// ```
    /// use baresock::{CanFrame, CanId};
    /// let f = CanFrame::new(CanId::standard(0x123)?, &[0xde, 0xad])?;
    /// assert_eq!(f.to_string(), "123#DEAD"); // can-utils' syntax
    /// assert_eq!(f.data(), &[0xde, 0xad]);
    /// assert!(CanFrame::new(CanId::standard(1)?, &[0; 9]).is_err());
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn new(id: CanId, data: &[u8]) -> Result<CanFrame> {
        let mut d = [0u8; 8];
        d.get_mut(..data.len())
            .ok_or(Error::InvalidCanLength { len: data.len() })?
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
    /// use baresock::{CanFrame, CanId};
    /// let rtr = CanFrame::remote(CanId::standard(0x7ff)?, 0)?;
    /// assert!(rtr.is_remote());
    /// assert_eq!(rtr.to_string(), "7FF#R");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn remote(id: CanId, len: u8) -> Result<CanFrame> {
        if len > 8 {
            return Err(Error::InvalidCanLength { len: len.into() });
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
    /// `CAN_CTRLMODE_CC_LEN8_DLC`). Other DLCs are [`Error::InvalidCanLength`].
    pub fn with_len8_dlc(mut self, dlc: u8) -> Result<CanFrame> {
        if self.len != 8 || !(9..=15).contains(&dlc) {
            return Err(Error::InvalidCanLength { len: dlc.into() });
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
    pub fn to_bytes(&self) -> [u8; CAN_MTU] {
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

/// The payload lengths a CAN FD frame may have.
pub const CANFD_LENGTHS: [usize; 16] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64];

/// `CANFD_BRS`: the payload went at the second, faster bit rate.
const BRS: u8 = 0x01;
/// `CANFD_ESI`: the sender was error passive.
const ESI: u8 = 0x02;
/// `CANFD_FDF`: marks an FD frame in the shared layout.
const FDF: u8 = 0x04;

/// A CAN FD frame (`struct canfd_frame`): up to 64 bytes, in the lengths FD allows.
///
/// Its flags are the two the bus carries, `CANFD_BRS` and `CANFD_ESI`, and `CANFD_FDF`, set
/// in every frame. The other bits of the kernel's `flags` byte are reserved (linux/can.h):
/// [`CanAnyFrame::from_bytes`] drops them, so that a frame is what its accessors and its
/// text (`Display`, [`parse_frame`](crate::can::parse_frame)) say.
///
/// ```
/// use baresock::can::parse_frame;
/// use baresock::{CanAnyFrame, CanFdFrame, CanId};
/// let mut bytes = CanFdFrame::new(CanId::standard(0x123)?, &[])?.to_bytes();
/// bytes[5] = 0x08 | 0x01; // a reserved bit, and BRS
/// let CanAnyFrame::Fd(f) = CanAnyFrame::from_bytes(&bytes)? else { unreachable!() };
/// assert!(f.bit_rate_switch());
/// assert_eq!(f.to_bytes()[5], 0x04 | 0x01, "FDF and BRS; the reserved bit dropped");
/// assert_eq!(f.to_string(), "123##1");
/// assert_eq!(parse_frame(&f.to_string())?, CanAnyFrame::Fd(f));
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CanFdFrame {
    id: CanId,
    flags: u8,
    len: u8,
    /// Zeros past `len`, as in [`CanFrame`]: the derived `==` and `Hash` see only the frame.
    data: [u8; 64],
}

impl CanFdFrame {
    /// A frame; a length not in [`CANFD_LENGTHS`] is [`Error::InvalidCanLength`].
    ///
    /// ```
    /// use baresock::{CanFdFrame, CanId};
    /// let f = CanFdFrame::new(CanId::standard(0x42)?, &[1; 12])?.with_bit_rate_switch(true);
    /// assert_eq!(f.data().len(), 12);
    /// assert_eq!(f.to_string(), "042##1010101010101010101010101");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn new(id: CanId, data: &[u8]) -> Result<CanFdFrame> {
        if !CANFD_LENGTHS.contains(&data.len()) {
            return Err(Error::InvalidCanLength { len: data.len() });
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
    pub fn to_bytes(&self) -> [u8; CANFD_MTU] {
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
/// use baresock::CanXlFrame;
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
    /// A frame. A priority past `0x7ff` is [`Error::InvalidCanId`]; no data or more than 2048
    /// bytes is [`Error::InvalidCanLength`].
    ///
    /// ```
    /// use baresock::CanXlFrame;
    /// let f = CanXlFrame::new(0x123, 0x01, 0xdead_beef, &[7; 100])?.with_vcid(5);
    /// assert_eq!((f.priority(), f.vcid(), f.data().len()), (0x123, 5, 100));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn new(priority: u16, sdu_type: u8, acceptance: u32, data: &[u8]) -> Result<CanXlFrame> {
        if u32::from(priority) > CANXL_PRIO_MASK {
            return Err(Error::InvalidCanId {
                id: priority.into(),
            });
        }
        let mut frame = CanXlFrame::empty();
        frame.prio = priority.into();
        frame.sdt = sdu_type;
        frame.af = acceptance;
        frame.set_data(data)?;
        Ok(frame)
    }

    /// A frame with priority 0, no data type and one zero byte: a buffer for
    /// [`CanSocket::recv_xl`](crate::CanSocket::recv_xl).
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
            return Err(Error::InvalidCanLength { len: data.len() });
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
            return Err(Error::InvalidCanLength { len: received });
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

    /// Decodes the kernel's bytes (a head and exactly `len` bytes of data) into `self`.
    /// Anything else is [`Error::InvalidCanLength`], and `self` is left as it was.
    pub fn decode(&mut self, head: &[u8; CANXL_HEAD], data: &[u8]) -> Result<()> {
        let len = u16::from_ne_bytes([head[6], head[7]]);
        if head[4] & XLF == 0 || usize::from(len) != data.len() {
            return Err(Error::InvalidCanLength { len: data.len() });
        }
        self.set_data(data)?;
        self.prio = u32::from_ne_bytes([head[0], head[1], head[2], head[3]]);
        self.flags = head[4];
        self.sdt = head[5];
        self.af = u32::from_ne_bytes([head[8], head[9], head[10], head[11]]);
        Ok(())
    }

    /// Decodes a whole XL frame from the kernel's bytes.
    pub fn from_bytes(b: &[u8]) -> Result<CanXlFrame> {
        let head = b
            .first_chunk::<CANXL_HEAD>()
            .ok_or(Error::InvalidCanLength { len: b.len() })?;
        let mut f = CanXlFrame::empty();
        f.decode(head, &b[CANXL_HEAD..])?;
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

/// An error frame (linux/can/error.h), decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CanError {
    /// The error classes (`CAN_ERR_TX_TIMEOUT` ... `CAN_ERR_CNT`), from `can_id`.
    pub class: CanErrorClass,
    /// The bit where arbitration was lost, if known (`data[0]`).
    pub lost_arbitration_bit: Option<u8>,
    /// The controller's state (`CAN_ERR_CRTL_*`, `data[1]`); empty when unspecified.
    pub controller: CanControllerState,
    /// The protocol violation's type bits (`CAN_ERR_PROT_*`, `data[2]`).
    pub protocol: u8,
    /// Where in the frame the protocol violation was (`CAN_ERR_PROT_LOC_*`, `data[3]`).
    pub protocol_location: u8,
    /// The transceiver's state (`CAN_ERR_TRX_*`, `data[4]`).
    pub transceiver: u8,
    /// The transmit and receive error counters, when `CAN_ERR_CNT` is set (`data[6]`, `data[7]`).
    pub counters: Option<(u8, u8)>,
    /// The eight data bytes as they came, the controller-specific `data[5]` included.
    pub data: [u8; 8],
}

impl CanError {
    /// An error frame of `class` with these data bytes, decoded as a received one would be.
    /// Class bits past the 29-bit identifier are dropped (the kernel's `CAN_ERR_MASK`).
    ///
    /// ```
    /// use baresock::{CanControllerState, CanError, CanErrorClass};
    /// let e = CanError::new(CanErrorClass::CONTROLLER, [0, 0x04, 0, 0, 0, 0, 0, 0]);
    /// assert!(e.controller.contains(CanControllerState::RX_WARNING));
    /// ```
    pub fn new(class: CanErrorClass, data: [u8; 8]) -> CanError {
        let class = CanErrorClass::from_bits_retain(class.bits() & EFF_MASK);
        CanError {
            class,
            lost_arbitration_bit: class
                .contains(CanErrorClass::LOST_ARBITRATION)
                .then_some(data[0]),
            controller: CanControllerState::from_bits_retain(data[1]),
            protocol: data[2],
            protocol_location: data[3],
            transceiver: data[4],
            counters: class
                .contains(CanErrorClass::COUNTERS)
                .then_some((data[6], data[7])),
            data,
        }
    }

    /// The kernel's bytes (`struct can_frame` with `CAN_ERR_FLAG`, length 8): to inject an
    /// error frame, as `cansend` can, for tests of error handling.
    pub fn to_bytes(&self) -> [u8; CAN_MTU] {
        let mut b = [0u8; CAN_MTU];
        b[0..4].copy_from_slice(&(ERR_FLAG | self.class.bits()).to_ne_bytes());
        b[4] = 8;
        b[8..16].copy_from_slice(&self.data);
        b
    }
}

impl fmt::Display for CanError {
    /// As candump writes an error frame: `20000204#0010000000006082`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08X}#", ERR_FLAG | self.class.bits())?;
        for b in self.data {
            write!(f, "{b:02X}")?;
        }
        Ok(())
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

bitflags::bitflags! {
    /// Error classes of an error frame (`CAN_ERR_*` in `can_id`); the same bits make a raw
    /// socket's error mask (`CAN_RAW_ERR_FILTER`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct CanErrorClass: u32 {
        /// Transmission timed out.
        const TX_TIMEOUT = 0x001;
        /// Arbitration lost.
        const LOST_ARBITRATION = 0x002;
        /// Controller problems.
        const CONTROLLER = 0x004;
        /// Protocol violations.
        const PROTOCOL = 0x008;
        /// Transceiver status.
        const TRANSCEIVER = 0x010;
        /// No ACK on transmission.
        const NO_ACK = 0x020;
        /// Bus off.
        const BUS_OFF = 0x040;
        /// Bus error.
        const BUS_ERROR = 0x080;
        /// The controller restarted.
        const RESTARTED = 0x100;
        /// Error counters are included.
        const COUNTERS = 0x200;
    }
}

bitflags::bitflags! {
    /// The controller's state in an error frame of class
    /// [`CONTROLLER`](CanErrorClass::CONTROLLER) (`CAN_ERR_CRTL_*`, `data[1]`; none set is
    /// `CAN_ERR_CRTL_UNSPEC`). Bits the header does not name are kept.
    ///
    /// Its `Display` is can-utils' (`candump -e`): the names, comma-separated, lowest bit
    /// first.
    ///
    /// ```
    /// use baresock::CanControllerState;
    /// let s = CanControllerState::TX_WARNING | CanControllerState::RX_PASSIVE;
    /// assert_eq!(s.to_string(), "tx-error-warning,rx-error-passive");
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct CanControllerState: u8 {
        /// The receive buffer overflowed (`CAN_ERR_CRTL_RX_OVERFLOW`).
        const RX_OVERFLOW = 0x01;
        /// The transmit buffer overflowed (`CAN_ERR_CRTL_TX_OVERFLOW`).
        const TX_OVERFLOW = 0x02;
        /// The receive error counter reached the warning level (`CAN_ERR_CRTL_RX_WARNING`).
        const RX_WARNING = 0x04;
        /// The transmit error counter reached the warning level (`CAN_ERR_CRTL_TX_WARNING`).
        const TX_WARNING = 0x08;
        /// Error passive on receive: the counter passed 127 (`CAN_ERR_CRTL_RX_PASSIVE`).
        const RX_PASSIVE = 0x10;
        /// Error passive on transmit: the counter passed 127 (`CAN_ERR_CRTL_TX_PASSIVE`).
        const TX_PASSIVE = 0x20;
        /// Back to error active (`CAN_ERR_CRTL_ACTIVE`).
        const ACTIVE = 0x40;
    }
}

/// can-utils' names for the controller state bits, lowest first (lib.c).
const CONTROLLER_NAMES: [&str; 7] = [
    "rx-overflow",
    "tx-overflow",
    "rx-error-warning",
    "tx-error-warning",
    "rx-error-passive",
    "tx-error-passive",
    "back-to-error-active",
];

impl fmt::Display for CanControllerState {
    /// can-utils' names, comma-separated (`rx-error-passive,tx-error-passive`); a bit without
    /// a name as its hex value (`0x80`); nothing when no bit is set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for bit in 0..8 {
            let mask = 1u8 << bit;
            if self.bits() & mask == 0 {
                continue;
            }
            if !first {
                f.write_str(",")?;
            }
            first = false;
            match CONTROLLER_NAMES.get(bit) {
                Some(name) => f.write_str(name)?,
                None => write!(f, "{mask:#04x}")?,
            }
        }
        Ok(())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for CanControllerState {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "CanControllerState({=u8:#x})", self.bits())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for CanErrorClass {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "CanErrorClass({=u32:#x})", self.bits())
    }
}

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
    /// Decodes the kernel's bytes: 16 for a classic or error frame, 72 for an FD frame.
    /// Anything else, or a length out of range, is [`Error::InvalidCanLength`].
    ///
    /// An FD frame keeps `CANFD_BRS` and `CANFD_ESI` of its flags and has `CANFD_FDF` set
    /// whether the bytes had it (Linux 6.2 and later) or not; the reserved bits are dropped
    /// (see [`CanFdFrame`]). A classic frame keeps a `len8_dlc` of 9 to 15 when it has 8
    /// bytes (or requests 8) and drops any other.
    pub fn from_bytes(b: &[u8]) -> Result<CanAnyFrame> {
        let bad = Err(Error::InvalidCanLength { len: b.len() });
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
                    return Err(Error::InvalidCanLength { len: len.into() });
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
                    .ok_or(Error::InvalidCanLength { len: len.into() })?;
                let mut frame = CanFdFrame::new(id, data)?;
                // The reserved bits dropped, FDF set (see `CanFdFrame`).
                frame.flags = flags & (BRS | ESI) | FDF;
                Ok(CanAnyFrame::Fd(frame))
            }
            _ => bad,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked() {
        assert_eq!(CanId::standard(0x7ff), Ok(CanId::Standard(0x7ff)));
        assert_eq!(
            CanId::standard(0x800),
            Err(Error::InvalidCanId { id: 0x800 })
        );
        assert_eq!(
            CanId::extended(0x2000_0000),
            Err(Error::InvalidCanId { id: 0x2000_0000 })
        );
    }

    #[test]
    fn classic_golden_bytes_in_host_order() {
        let f = CanFrame::new(CanId::standard(0x123).unwrap(), &[0xde, 0xad, 0xbe, 0xef]).unwrap();
        let b = f.to_bytes();
        // can_id is host byte order: on big-endian targets the bytes come out reversed.
        assert_eq!(&b[0..4], &0x123u32.to_ne_bytes());
        assert_eq!((b[4], &b[8..12]), (4, &[0xde, 0xad, 0xbe, 0xef][..]));
        assert_eq!(CanAnyFrame::from_bytes(&b), Ok(CanAnyFrame::Classic(f)));
        let e = CanFrame::new(CanId::extended(0x1abc_def0).unwrap(), &[])
            .unwrap()
            .to_bytes();
        assert_eq!(
            u32::from_ne_bytes([e[0], e[1], e[2], e[3]]),
            0x9abc_def0,
            "EFF flag set"
        );
        let r = CanFrame::remote(CanId::standard(1).unwrap(), 3).unwrap();
        assert_eq!(
            CanAnyFrame::from_bytes(&r.to_bytes()),
            Ok(CanAnyFrame::Classic(r))
        );
    }

    #[test]
    fn fd_lengths_and_flags() {
        assert!(CanFdFrame::new(CanId::Standard(1), &[0; 12]).is_ok());
        assert_eq!(
            CanFdFrame::new(CanId::Standard(1), &[0; 9]),
            Err(Error::InvalidCanLength { len: 9 })
        );
        assert_eq!(
            CanFdFrame::new(CanId::Standard(1), &[0; 65]),
            Err(Error::InvalidCanLength { len: 65 })
        );
        let f = CanFdFrame::new(CanId::Standard(0x42), &[7; 64])
            .unwrap()
            .with_bit_rate_switch(true);
        let b = f.to_bytes();
        assert_eq!((b[4], b[5]), (64, FDF | BRS));
        assert_eq!(CanAnyFrame::from_bytes(&b), Ok(CanAnyFrame::Fd(f)));
    }

    #[test]
    fn bad_bytes_are_named_errors() {
        assert_eq!(
            CanAnyFrame::from_bytes(&[0; 10]),
            Err(Error::InvalidCanLength { len: 10 })
        );
        let mut b = CanFrame::new(CanId::Standard(1), &[]).unwrap().to_bytes();
        b[4] = 9;
        assert_eq!(
            CanAnyFrame::from_bytes(&b),
            Err(Error::InvalidCanLength { len: 9 })
        );
        let mut fd = CanFdFrame::new(CanId::Standard(1), &[]).unwrap().to_bytes();
        fd[4] = 65;
        assert_eq!(
            CanAnyFrame::from_bytes(&fd),
            Err(Error::InvalidCanLength { len: 65 })
        );
        fd[4] = 9;
        assert_eq!(
            CanAnyFrame::from_bytes(&fd),
            Err(Error::InvalidCanLength { len: 9 })
        );
        assert_eq!(
            CanFrame::new(CanId::Standard(1), &[0; 9]),
            Err(Error::InvalidCanLength { len: 9 })
        );
        assert_eq!(
            CanFrame::remote(CanId::Standard(1), 9),
            Err(Error::InvalidCanLength { len: 9 })
        );
    }

    #[test]
    fn error_frames_decode() {
        let mut b = [0u8; CAN_MTU];
        b[0..4].copy_from_slice(&(ERR_FLAG | 0x004 | 0x200).to_ne_bytes());
        b[8 + 1] = 0x10; // RX passive
        b[8 + 6] = 96;
        b[8 + 7] = 130;
        match CanAnyFrame::from_bytes(&b).unwrap() {
            CanAnyFrame::Error(e) => {
                assert_eq!(e.class, CanErrorClass::CONTROLLER | CanErrorClass::COUNTERS);
                assert_eq!(
                    (e.controller, e.counters, e.lost_arbitration_bit),
                    (CanControllerState::RX_PASSIVE, Some((96, 130)), None)
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn controller_states_are_typed() {
        // Each CAN_ERR_CRTL_* value of linux/can/error.h.
        for (bits, state) in [
            (0x00, CanControllerState::empty()),
            (0x01, CanControllerState::RX_OVERFLOW),
            (0x02, CanControllerState::TX_OVERFLOW),
            (0x04, CanControllerState::RX_WARNING),
            (0x08, CanControllerState::TX_WARNING),
            (0x10, CanControllerState::RX_PASSIVE),
            (0x20, CanControllerState::TX_PASSIVE),
            (0x40, CanControllerState::ACTIVE),
        ] {
            let e = CanError::new(CanErrorClass::CONTROLLER, [0, bits, 0, 0, 0, 0, 0, 0]);
            assert_eq!(e.controller, state);
            assert_eq!(e.controller.bits(), bits);
            assert_eq!(e.to_bytes()[9], bits, "written back as it came");
        }
        // Several at once, and a bit the header does not name, kept.
        let e = CanError::new(CanErrorClass::CONTROLLER, [0, 0xb8, 0, 0, 0, 0, 0, 0]);
        assert!(e.controller.contains(
            CanControllerState::TX_WARNING
                | CanControllerState::RX_PASSIVE
                | CanControllerState::TX_PASSIVE
        ));
        assert_eq!(e.controller.bits(), 0xb8);
        assert_eq!(
            Text::of(&e.controller).as_str(),
            "tx-error-warning,rx-error-passive,tx-error-passive,0x80"
        );
        assert_eq!(Text::of(&CanControllerState::empty()).as_str(), "");
    }

    /// Text formatted into a fixed buffer (no allocator in these tests).
    struct Text {
        buf: [u8; 128],
        len: usize,
    }

    impl Text {
        fn of(v: &dyn fmt::Display) -> Text {
            let mut t = Text {
                buf: [0; 128],
                len: 0,
            };
            fmt::write(&mut t, format_args!("{v}")).unwrap();
            t
        }

        fn as_str(&self) -> &str {
            core::str::from_utf8(&self.buf[..self.len]).unwrap()
        }
    }

    impl fmt::Write for Text {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            let end = self.len + s.len();
            self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
            self.buf[self.len..end].copy_from_slice(s.as_bytes());
            self.len = end;
            Ok(())
        }
    }

    #[test]
    fn len8_dlc() {
        let f = CanFrame::new(CanId::Standard(1), &[0; 8])
            .unwrap()
            .with_len8_dlc(15)
            .unwrap();
        assert_eq!(f.to_bytes()[7], 15);
        assert_eq!(
            CanAnyFrame::from_bytes(&f.to_bytes()),
            Ok(CanAnyFrame::Classic(f))
        );
        assert!(CanFrame::new(CanId::Standard(1), &[0; 7])
            .unwrap()
            .with_len8_dlc(9)
            .is_err());
    }

    #[test]
    fn xl_frames() {
        let f = CanXlFrame::new(0x242, 3, 0x1234_5678, &[0xaa; 100])
            .unwrap()
            .with_sec(true)
            .with_vcid(7);
        let h = f.head();
        assert_eq!(&h[0..4], &(0x242u32 | 7 << 16).to_ne_bytes(), "host order");
        assert_eq!((h[4], h[5]), (0x81, 3));
        assert_eq!(&h[6..8], &100u16.to_ne_bytes());
        assert_eq!(&h[8..12], &0x1234_5678u32.to_ne_bytes());
        let mut bytes = h.to_vec();
        bytes.extend_from_slice(f.data());
        assert!(CanXlFrame::is_xl(&bytes));
        let back = CanXlFrame::from_bytes(&bytes).unwrap();
        assert_eq!(back, f);
        assert_eq!((back.priority(), back.vcid(), back.sec()), (0x242, 7, true));
        // Classic and FD frames are not XL frames.
        let c = CanFrame::new(CanId::Standard(1), &[0; 8])
            .unwrap()
            .to_bytes();
        assert!(!CanXlFrame::is_xl(&c));
        let d = CanFdFrame::new(CanId::Standard(1), &[0; 64])
            .unwrap()
            .to_bytes();
        assert!(!CanXlFrame::is_xl(&d));
    }

    #[test]
    fn bad_xl_frames_are_named_errors() {
        assert_eq!(
            CanXlFrame::new(0x800, 0, 0, &[1]),
            Err(Error::InvalidCanId { id: 0x800 })
        );
        assert_eq!(
            CanXlFrame::new(1, 0, 0, &[]),
            Err(Error::InvalidCanLength { len: 0 })
        );
        assert_eq!(
            CanXlFrame::new(1, 0, 0, &[0; 2049]),
            Err(Error::InvalidCanLength { len: 2049 })
        );
        let f = CanXlFrame::new(1, 0, 0, &[1, 2, 3]).unwrap();
        let mut b = f.head().to_vec();
        b.extend_from_slice(&[1, 2]);
        assert_eq!(
            CanXlFrame::from_bytes(&b),
            Err(Error::InvalidCanLength { len: 2 }),
            "len says 3, 2 arrived"
        );
        assert_eq!(
            CanXlFrame::from_bytes(&b[..5]),
            Err(Error::InvalidCanLength { len: 5 })
        );
        let mut h = f.head();
        h[4] = 0;
        let mut g = f.clone();
        assert_eq!(
            g.decode(&h, &[1, 2, 3]),
            Err(Error::InvalidCanLength { len: 3 }),
            "no XLF"
        );
        assert_eq!(g, f, "left as it was");
    }

    fn hash_of(v: &impl core::hash::Hash) -> u64 {
        use core::hash::{BuildHasher, BuildHasherDefault, Hasher};
        /// FNV-1a: a hasher without `std`.
        #[derive(Default)]
        struct Fnv(u64);
        impl Hasher for Fnv {
            fn finish(&self) -> u64 {
                self.0
            }
            fn write(&mut self, bytes: &[u8]) {
                for &b in bytes {
                    self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
                }
            }
        }
        BuildHasherDefault::<Fnv>::default().hash_one(v)
    }

    /// Found by the `can_frame` fuzz target (fuzz/findings/can_frame-xl-decode-into-used-frame):
    /// `==` (and `Hash`) also compared the data buffer past `len`, so a frame decoded into a
    /// used one (as `recv_xl` does) was not equal to the same frame decoded fresh.
    #[test]
    fn xl_equality_ignores_bytes_past_len() {
        let fresh = CanXlFrame::new(1, 0, 0, &[9]).unwrap();
        let mut reused = CanXlFrame::new(1, 0, 0, &[7, 7, 7]).unwrap();
        reused.decode(&fresh.head(), fresh.data()).unwrap();
        assert_eq!((reused.head(), reused.data()), (fresh.head(), fresh.data()));
        assert_eq!(reused, fresh);
        assert_eq!(hash_of(&reused), hash_of(&fresh));
        // The finding's input: its head and data, decoded into a used frame.
        let input = [1, 0, 0, 0, 0x80, 0, 1, 0, 0, 0, 0, 0, 9];
        let (head, data) = input.split_first_chunk::<CANXL_HEAD>().unwrap();
        let mut used = CanXlFrame::new(0x123, 1, 2, &[7; 3]).unwrap().with_vcid(5);
        if cfg!(target_endian = "little") {
            used.decode(head, data).unwrap();
            assert_eq!(used, CanXlFrame::from_bytes(&input).unwrap());
        }
        // What does differ still counts: the head, and the data within `len`.
        assert_ne!(fresh, CanXlFrame::new(1, 0, 0, &[8]).unwrap());
        assert_ne!(fresh, CanXlFrame::new(1, 0, 0, &[9, 0]).unwrap());
        assert_ne!(fresh, CanXlFrame::new(2, 0, 0, &[9]).unwrap());
        assert_ne!(fresh, fresh.clone().with_sec(true));
    }

    /// Found by the `can_frame` fuzz target (fuzz/findings/can_frame-fd-reserved-flag): an FD
    /// frame decoded with a reserved flag bit (0x08) kept it, which neither its accessors nor
    /// its text (`123##0`) showed, so `parse_frame` of its text was another frame. The
    /// reserved bits are dropped on decode now.
    #[test]
    fn fd_reserved_flags_are_dropped_on_decode() {
        let mut input = [0u8; CANFD_MTU];
        input[0..4].copy_from_slice(&0x123u32.to_ne_bytes());
        input[5] = 0x08;
        let plain = CanFdFrame::new(CanId::Standard(0x123), &[]).unwrap();
        assert_eq!(CanAnyFrame::from_bytes(&input), Ok(CanAnyFrame::Fd(plain)));
        assert_eq!(plain.to_bytes()[5], FDF);
        assert_eq!(Text::of(&plain).as_str(), "123##0");
        assert_eq!(
            crate::can::parse_frame("123##0"),
            Ok(CanAnyFrame::Fd(plain))
        );
        // Every reserved bit, with and without BRS, ESI and FDF: those three are kept.
        for flags in 0..=0xffu8 {
            input[5] = flags;
            let Ok(CanAnyFrame::Fd(f)) = CanAnyFrame::from_bytes(&input) else {
                panic!("{flags:#x}");
            };
            assert_eq!(f.to_bytes()[5], flags & (BRS | ESI) | FDF);
            assert_eq!(f.bit_rate_switch(), flags & BRS != 0);
            assert_eq!(f.error_state_indicator(), flags & ESI != 0);
        }
    }

    /// Found by the `can_frame` fuzz target (fuzz/findings/can_frame-remote-len8-dlc): a
    /// remote request for 8 bytes with a `len8_dlc` printed as `123#R8`, without it; it
    /// prints as can-utils does now, `123#R8_9`, and parses back.
    #[test]
    fn remote_len8_dlc_prints_and_parses() {
        let mut input = [0u8; CAN_MTU];
        input[0..4].copy_from_slice(&(0x123 | RTR_FLAG).to_ne_bytes());
        input[4] = 8;
        input[7] = 9;
        let r = CanFrame::remote(CanId::Standard(0x123), 8)
            .unwrap()
            .with_len8_dlc(9)
            .unwrap();
        assert_eq!(CanAnyFrame::from_bytes(&input), Ok(CanAnyFrame::Classic(r)));
        assert_eq!((r.is_remote(), r.len(), r.len8_dlc()), (true, 8, Some(9)));
        assert_eq!(r.to_bytes(), input);
        assert_eq!(Text::of(&r).as_str(), "123#R8_9");
        assert_eq!(
            crate::can::parse_frame("123#R8_9"),
            Ok(CanAnyFrame::Classic(r))
        );
        for dlc in 9..=15 {
            let r = r.with_len8_dlc(dlc).unwrap();
            let text = Text::of(&r);
            assert_eq!(
                crate::can::parse_frame(text.as_str()),
                Ok(CanAnyFrame::Classic(r))
            );
        }
        // A len8_dlc only with a request for 8 bytes, as for data frames.
        assert!(CanFrame::remote(CanId::Standard(1), 7)
            .unwrap()
            .with_len8_dlc(9)
            .is_err());
    }

    /// Classic and FD frames hold zeros past their length (every constructor starts from
    /// zeros and nothing writes the buffer afterwards), so their derived `==` and `Hash`
    /// see only the meaningful bytes; a remote request's buffer stays zero whatever the
    /// bytes it was decoded from held there.
    #[test]
    fn classic_and_fd_equality_sees_only_the_frame() {
        let mut b = CanFrame::new(CanId::Standard(1), &[1, 2])
            .unwrap()
            .to_bytes();
        b[10..].fill(0xee);
        let f = CanFrame::new(CanId::Standard(1), &[1, 2]).unwrap();
        assert_eq!(CanAnyFrame::from_bytes(&b), Ok(CanAnyFrame::Classic(f)));
        b[0..4].copy_from_slice(&(1 | RTR_FLAG).to_ne_bytes());
        b[4] = 2;
        let r = CanFrame::remote(CanId::Standard(1), 2).unwrap();
        assert_eq!(CanAnyFrame::from_bytes(&b), Ok(CanAnyFrame::Classic(r)));
        let mut fd = CanFdFrame::new(CanId::Standard(1), &[3; 12])
            .unwrap()
            .to_bytes();
        fd[20..].fill(0xee);
        let d = CanFdFrame::new(CanId::Standard(1), &[3; 12]).unwrap();
        assert_eq!(CanAnyFrame::from_bytes(&fd), Ok(CanAnyFrame::Fd(d)));
        match CanAnyFrame::from_bytes(&fd) {
            Ok(CanAnyFrame::Fd(back)) => assert_eq!(hash_of(&back), hash_of(&d)),
            other => panic!("{other:?}"),
        }
    }
}
