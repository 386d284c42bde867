//! The CAN broadcast manager (`CAN_BCM`, linux/can/bcm.h): the kernel sends frames cyclically
//! and watches received ones for changes and absence, so a program does not wake for every
//! frame. Messages are a head (`struct bcm_msg_head`) and frames, built and parsed in the
//! caller's buffers.
//!
//! The head holds two `struct bcm_timeval`s of C `long`s, so its size is the **kernel's**: 56
//! bytes on a 64-bit kernel, 40 on a 32-bit one (frames start 8-aligned). Words are in host
//! byte order.
//!
//! # 32-bit programs on a 64-bit kernel
//!
//! The kernel has no compat translation for `CAN_BCM`: a 32-bit program (i686 on an x86_64
//! kernel, armv7 on arm64, as on Raspberry Pi OS's 32-bit userland with its 64-bit kernel)
//! must write the 64-bit kernel's 56-byte head with 8-byte `long`s, or the kernel answers
//! `EINVAL`. The crate does so: on a 32-bit target it asks the kernel's machine once (`uname`,
//! cached) and lays out every head it encodes and decodes for that kernel; on a 64-bit target
//! the head is always 56 bytes. [`bcm_head_len`] is this kernel's head; [`BCM_HEAD_LEN_MAX`]
//! and [`bcm_message_len`] size buffers for any kernel. A 64-bit kernel that reports a 32-bit
//! machine, which x86_64 does to a process run with the `PER_LINUX32` personality (`setarch
//! i686`, `linux32`), is taken for a 32-bit kernel: run BCM programs without it.

use crate::{CanInputError, InputError};
use core::fmt;
use core::time::Duration;

use super::{CanAnyFrame, CanFdFrame, CanFrame, CanId, CANFD_MTU, CAN_MTU};
use crate::net::typed_socket;
use crate::{CanAddr, Error, Family, Protocol, Result, Socket, Type};

/// `CAN_BCM` (linux/can.h).
const CAN_BCM: i32 = 2;

/// Where the fields of `struct bcm_msg_head` lie: after three `__u32`s, two `bcm_timeval`s of
/// two C `long`s of the kernel's size (8 on a 64-bit kernel, 4 on a 32-bit one, whatever the
/// program's), then `can_id` and `nframes`; the frames 8-aligned after them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Bytes of the kernel's C `long`.
    long: usize,
}

impl Layout {
    /// A 32-bit kernel's: 40-byte head.
    pub(crate) const LONG4: Layout = Layout { long: 4 };
    /// A 64-bit kernel's: 56-byte head.
    pub(crate) const LONG8: Layout = Layout { long: 8 };

    /// The running kernel's (asked once on a 32-bit target; see the module docs).
    pub(crate) fn current() -> Layout {
        if crate::sys::os::kernel_is_64bit() {
            Layout::LONG8
        } else {
            Layout::LONG4
        }
    }

    /// Offset of `ival1` (after three `__u32`s, aligned to a `long`).
    const fn ival1(self) -> usize {
        12usize.next_multiple_of(self.long)
    }

    /// Offset of `ival2`.
    const fn ival2(self) -> usize {
        self.ival1() + 2 * self.long
    }

    /// Offset of `can_id`.
    const fn can_id(self) -> usize {
        self.ival2() + 2 * self.long
    }

    /// Offset of `nframes`.
    const fn nframes(self) -> usize {
        self.can_id() + 4
    }

    /// `sizeof(struct bcm_msg_head)`: where the frames start.
    const fn head_len(self) -> usize {
        (self.nframes() + 4).next_multiple_of(8)
    }
}

/// The largest `sizeof(struct bcm_msg_head)`, a 64-bit kernel's (56 bytes; a 32-bit kernel's
/// is 40): room for a head on any kernel. Where the frames start is [`bcm_head_len`].
pub const BCM_HEAD_LEN_MAX: usize = Layout::LONG8.head_len();

/// `sizeof(struct bcm_msg_head)` of the running kernel, where the frames start: 56 bytes on a
/// 64-bit kernel, also for a 32-bit program; 40 on a 32-bit kernel. On a 32-bit target the
/// first call asks the kernel (`uname`) and caches the answer; see the module docs.
pub fn bcm_head_len() -> usize {
    Layout::current().head_len()
}

/// The most frames one message may carry (the kernel's `MAX_NFRAMES`).
pub const BCM_MAX_FRAMES: usize = 256;

/// The longest interval the kernel takes (`BCM_TIMER_SEC_MAX`: 400 days).
const TIMER_SEC_MAX: u64 = 400 * 24 * 60 * 60;

/// Room for a message with `frames` frames, classic or FD, on any kernel: for sizing buffers
/// ([`BCM_HEAD_LEN_MAX`] and the frames). The message itself is [`bcm_head_len`] and the
/// frames: as long on a 64-bit kernel, 16 bytes shorter on a 32-bit one.
///
/// ```
/// use baresock::can::{bcm_head_len, bcm_message_len, BCM_HEAD_LEN_MAX};
/// let mut buf = [0u8; bcm_message_len(2, false)];
/// assert_eq!(buf.len(), BCM_HEAD_LEN_MAX + 2 * 16);
/// assert!(bcm_head_len() <= BCM_HEAD_LEN_MAX);
/// ```
pub const fn bcm_message_len(frames: usize, fd: bool) -> usize {
    BCM_HEAD_LEN_MAX + frames * if fd { CANFD_MTU } else { CAN_MTU }
}

/// What a message asks for, or reports (`TX_SETUP` ... `RX_CHANGED`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BcmOpcode {
    /// Create or update a (cyclic) transmission (`TX_SETUP`).
    TxSetup,
    /// Remove a transmission (`TX_DELETE`).
    TxDelete,
    /// Read a transmission's settings back, as a [`TxStatus`](Self::TxStatus) (`TX_READ`).
    TxRead,
    /// Send one frame now (`TX_SEND`).
    TxSend,
    /// Create or update a receive subscription (`RX_SETUP`).
    RxSetup,
    /// Remove a subscription (`RX_DELETE`).
    RxDelete,
    /// Read a subscription's settings back, as an [`RxStatus`](Self::RxStatus) (`RX_READ`).
    RxRead,
    /// Reply to `TX_READ` (`TX_STATUS`).
    TxStatus,
    /// A transmission ran its count out (`TX_EXPIRED`, with `TX_COUNTEVT`).
    TxExpired,
    /// Reply to `RX_READ` (`RX_STATUS`).
    RxStatus,
    /// A watched frame stopped arriving (`RX_TIMEOUT`).
    RxTimeout,
    /// A watched frame arrived changed, or for the first time (`RX_CHANGED`).
    RxChanged,
}

impl BcmOpcode {
    const ALL: [BcmOpcode; 12] = [
        BcmOpcode::TxSetup,
        BcmOpcode::TxDelete,
        BcmOpcode::TxRead,
        BcmOpcode::TxSend,
        BcmOpcode::RxSetup,
        BcmOpcode::RxDelete,
        BcmOpcode::RxRead,
        BcmOpcode::TxStatus,
        BcmOpcode::TxExpired,
        BcmOpcode::RxStatus,
        BcmOpcode::RxTimeout,
        BcmOpcode::RxChanged,
    ];

    /// The kernel's number (1 to 12).
    pub const fn raw(self) -> u32 {
        self as u32 + 1
    }

    /// From the kernel's number; `None` for one this crate does not know.
    pub fn from_raw(op: u32) -> Option<BcmOpcode> {
        let i = op.checked_sub(1)? as usize;
        BcmOpcode::ALL.get(i).copied()
    }
}

bitflags::bitflags! {
    /// Message flags (linux/can/bcm.h).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct BcmFlags: u32 {
        /// Take `count`, `ival1` and `ival2` from this message (`SETTIMER`).
        const SET_TIMER = 0x0001;
        /// Start the timer now (`STARTTIMER`).
        const START_TIMER = 0x0002;
        /// Send a `TX_EXPIRED` message when `count` runs out (`TX_COUNTEVT`).
        const TX_COUNT_EVENT = 0x0004;
        /// Send changed data at once, not only at the next cycle (`TX_ANNOUNCE`).
        const TX_ANNOUNCE = 0x0008;
        /// Give every frame the head's `can_id` (`TX_CP_CAN_ID`).
        const TX_COPY_CAN_ID = 0x0010;
        /// Filter by id only, not content (`RX_FILTER_ID`).
        const RX_FILTER_ID = 0x0020;
        /// A length change counts as a change (`RX_CHECK_DLC`).
        const RX_CHECK_DLC = 0x0040;
        /// Do not start the timeout timer on its own (`RX_NO_AUTOTIMER`).
        const RX_NO_AUTOTIMER = 0x0080;
        /// Report the first frame after a timeout as a change (`RX_ANNOUNCE_RESUME`).
        const RX_ANNOUNCE_RESUME = 0x0100;
        /// Start a multi-frame sequence from its first frame again (`TX_RESET_MULTI_IDX`).
        const TX_RESET_MULTI_INDEX = 0x0200;
        /// Answer remote requests with the message's frame (`RX_RTR_FRAME`).
        const RX_RTR_FRAME = 0x0400;
        /// The frames are CAN FD frames (`CAN_FD_FRAME`); set from [`BcmFrames`] when
        /// encoding.
        const CAN_FD_FRAME = 0x0800;
        /// Flag bits this crate has no name for, kept as the kernel gave them.
        const _ = !0;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for BcmFlags {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "BcmFlags({=u32:#x})", self.bits())
    }
}

/// The frames of a message: classic or FD, never mixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BcmFrames<'a> {
    /// Classic frames.
    Classic(&'a [CanFrame]),
    /// FD frames (sets [`BcmFlags::CAN_FD_FRAME`]).
    Fd(&'a [CanFdFrame]),
}

impl BcmFrames<'_> {
    /// None.
    pub const NONE: BcmFrames<'static> = BcmFrames::Classic(&[]);

    fn count(&self) -> usize {
        match self {
            BcmFrames::Classic(f) => f.len(),
            BcmFrames::Fd(f) => f.len(),
        }
    }

    fn is_fd(&self) -> bool {
        matches!(self, BcmFrames::Fd(_))
    }
}

/// A message head (`struct bcm_msg_head`), without `nframes`, which the frames give.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BcmHead {
    /// What the message asks for or reports.
    pub opcode: BcmOpcode,
    /// Flags.
    pub flags: BcmFlags,
    /// Transmissions at `ival1` before switching to `ival2`.
    pub count: u32,
    /// The first interval: per transmission while `count` lasts; for a subscription, the
    /// timeout after which `RX_TIMEOUT` is sent.
    pub ival1: Duration,
    /// The second interval: cyclic transmission after `count`; for a subscription, the
    /// shortest time between two `RX_CHANGED` messages (0: no throttling).
    pub ival2: Duration,
    /// The identifier the message is about (the key of its task).
    pub can_id: CanId,
}

impl BcmHead {
    /// A head with no flags, count or intervals.
    pub const fn new(opcode: BcmOpcode, can_id: CanId) -> BcmHead {
        BcmHead {
            opcode,
            flags: BcmFlags::empty(),
            count: 0,
            ival1: Duration::ZERO,
            ival2: Duration::ZERO,
            can_id,
        }
    }

    /// `TX_SETUP` of a cyclic transmission, started now: `count` frames `ival1` apart, then
    /// one every `ival2` for good (none if `ival2` is zero).
    pub const fn cyclic(can_id: CanId, count: u32, ival1: Duration, ival2: Duration) -> BcmHead {
        BcmHead {
            opcode: BcmOpcode::TxSetup,
            flags: BcmFlags::SET_TIMER.union(BcmFlags::START_TIMER),
            count,
            ival1,
            ival2,
            can_id,
        }
    }

    /// Encodes the head and `frames` into `out` (sized with [`bcm_message_len`]), laid out for
    /// the running kernel ([`bcm_head_len`]); returns the message's bytes.
    /// [`InputError::BufferTooSmall`](crate::InputError::BufferTooSmall) when `out` is short,
    /// [`CanInputError::TooManyFrames`](crate::CanInputError::TooManyFrames) past
    /// [`BCM_MAX_FRAMES`],
    /// [`InputError::DurationOutOfRange`](crate::InputError::DurationOutOfRange) for an interval
    /// past the kernel's 400 days. Intervals are in microseconds: a finer one is rounded up.
    pub fn encode<'o>(&self, frames: BcmFrames<'_>, out: &'o mut [u8]) -> Result<&'o [u8]> {
        self.encode_as(Layout::current(), frames, out)
    }

    /// [`encode`](Self::encode) in `layout`.
    pub(crate) fn encode_as<'o>(
        &self,
        layout: Layout,
        frames: BcmFrames<'_>,
        out: &'o mut [u8],
    ) -> Result<&'o [u8]> {
        let n = frames.count();
        if n > BCM_MAX_FRAMES {
            return Err(Error::Can(CanInputError::TooManyFrames {
                count: crate::error::sat32(n),
            }));
        }
        let len = layout.head_len() + n * if frames.is_fd() { CANFD_MTU } else { CAN_MTU };
        let out = out
            .get_mut(..len)
            .ok_or(Error::Input(InputError::BufferTooSmall {
                needed: crate::error::sat32(len),
            }))?;
        out.fill(0);
        let mut flags = self.flags.difference(BcmFlags::CAN_FD_FRAME);
        if frames.is_fd() {
            flags |= BcmFlags::CAN_FD_FRAME;
        }
        out[0..4].copy_from_slice(&self.opcode.raw().to_ne_bytes());
        out[4..8].copy_from_slice(&flags.bits().to_ne_bytes());
        out[8..12].copy_from_slice(&self.count.to_ne_bytes());
        let (ival2, can_id, nframes) = (layout.ival2(), layout.can_id(), layout.nframes());
        put_timeval(&mut out[layout.ival1()..ival2], self.ival1)?;
        put_timeval(&mut out[ival2..can_id], self.ival2)?;
        out[can_id..nframes].copy_from_slice(&self.can_id.word().to_ne_bytes());
        out[nframes..nframes + 4].copy_from_slice(&(n as u32).to_ne_bytes());
        let body = &mut out[layout.head_len()..];
        match frames {
            BcmFrames::Classic(f) => {
                for (slot, frame) in body.chunks_exact_mut(CAN_MTU).zip(f) {
                    slot.copy_from_slice(&frame.encode());
                }
            }
            BcmFrames::Fd(f) => {
                for (slot, frame) in body.chunks_exact_mut(CANFD_MTU).zip(f) {
                    slot.copy_from_slice(&frame.encode());
                }
            }
        }
        Ok(out)
    }
}

/// A `struct bcm_timeval` of two C `long`s, each half of `out` (4 or 8 bytes).
fn put_timeval(out: &mut [u8], d: Duration) -> Result<()> {
    let (mut sec, mut usec) = (d.as_secs(), d.subsec_nanos().div_ceil(1000));
    if usec == 1_000_000 {
        (sec, usec) = (sec + 1, 0);
    }
    if sec > TIMER_SEC_MAX {
        return Err(Error::Input(InputError::DurationOutOfRange));
    }
    // Both fit a 32-bit kernel's 4-byte `long`: at most 400 days of seconds (34,560,000, under
    // 2^31), under a million microseconds; a 64-bit kernel's words take them from a 32-bit
    // program too.
    let (s, u) = out.split_at_mut(out.len() / 2);
    if s.len() == 8 {
        s.copy_from_slice(&sec.to_ne_bytes());
        u.copy_from_slice(&u64::from(usec).to_ne_bytes());
    } else {
        s.copy_from_slice(&(sec as u32).to_ne_bytes());
        u.copy_from_slice(&usec.to_ne_bytes());
    }
    Ok(())
}

fn get_timeval(b: &[u8]) -> Result<Duration> {
    let word = |b: &[u8]| -> i64 {
        match *b {
            [a, b, c, d, e, f, g, h] => i64::from_ne_bytes([a, b, c, d, e, f, g, h]),
            [a, b, c, d] => i32::from_ne_bytes([a, b, c, d]).into(),
            _ => -1,
        }
    };
    let (s, u) = b.split_at(b.len() / 2);
    let (sec, usec) = (word(s), word(u));
    match (u64::try_from(sec), u32::try_from(usec)) {
        (Ok(s), Ok(u)) if u < 1_000_000 => Ok(Duration::new(s, u * 1000)),
        _ => Err(Error::Can(CanInputError::MalformedBcm)),
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// A message the kernel sent (or any encoded one), parsed in place.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BcmMessage<'a> {
    head: BcmHead,
    frames: &'a [u8],
    frame_len: usize,
}

impl<'a> BcmMessage<'a> {
    /// Parses a message laid out for the running kernel ([`bcm_head_len`]): its head, and
    /// exactly `nframes` frames of the size its flags say. A short or inconsistent message, or
    /// an unknown opcode, is [`CanInputError::MalformedBcm`](crate::CanInputError::MalformedBcm).
    pub fn decode(b: &'a [u8]) -> Result<BcmMessage<'a>> {
        BcmMessage::decode_as(b, Layout::current())
    }

    /// [`decode`](Self::decode) in `layout`.
    pub(crate) fn decode_as(b: &'a [u8], layout: Layout) -> Result<BcmMessage<'a>> {
        if b.len() < layout.head_len() {
            return Err(Error::Can(CanInputError::MalformedBcm));
        }
        let opcode =
            BcmOpcode::from_raw(u32_at(b, 0)).ok_or(Error::Can(CanInputError::MalformedBcm))?;
        let flags = BcmFlags::from_bits_retain(u32_at(b, 4));
        let frame_len = if flags.contains(BcmFlags::CAN_FD_FRAME) {
            CANFD_MTU
        } else {
            CAN_MTU
        };
        let n = u32_at(b, layout.nframes()) as usize;
        let frames = &b[layout.head_len()..];
        if n.checked_mul(frame_len) != Some(frames.len()) {
            return Err(Error::Can(CanInputError::MalformedBcm));
        }
        Ok(BcmMessage {
            head: BcmHead {
                opcode,
                flags,
                count: u32_at(b, 8),
                ival1: get_timeval(&b[layout.ival1()..layout.ival2()])?,
                ival2: get_timeval(&b[layout.ival2()..layout.can_id()])?,
                can_id: CanId::from_word(u32_at(b, layout.can_id())),
            },
            frames,
            frame_len,
        })
    }

    /// The head.
    pub fn head(&self) -> &BcmHead {
        &self.head
    }

    /// How many frames it carries.
    pub fn len(&self) -> usize {
        self.frames.len() / self.frame_len
    }

    /// Whether it carries none.
    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Its frames, decoded; a frame the kernel could not have sent is
    /// [`CanInputError::InvalidLength`](crate::CanInputError::InvalidLength).
    pub fn frames(&self) -> impl Iterator<Item = Result<CanAnyFrame>> + 'a {
        self.frames
            .chunks_exact(self.frame_len)
            .map(CanAnyFrame::decode)
    }
}

impl fmt::Debug for BcmMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BcmMessage")
            .field("head", &self.head)
            .field("frames", &self.len())
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for BcmMessage<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "BcmMessage {{ head: {}, frames: {=usize} }}",
            self.head,
            self.len()
        )
    }
}

typed_socket!(
    /// A broadcast manager socket (`CAN_BCM`): cyclic transmission and receive filtering by
    /// content, done in the kernel.
    ///
    /// ```no_run
    /// use core::time::Duration;
    /// use baresock::can::{bcm_message_len, BcmFrames, BcmHead, BcmSocket};
    /// use baresock::can::{CanFrame, CanId};
    /// let bcm = BcmSocket::new()?;
    /// bcm.connect(3)?; // the CAN interface's index
    /// let id = CanId::standard(0x123)?;
    /// let frame = CanFrame::new(id, &[1, 2, 3, 4])?;
    /// // Every 100 ms, for good, until deleted or the socket closes.
    /// let head = BcmHead::cyclic(id, 0, Duration::ZERO, Duration::from_millis(100));
    /// let mut buf = [0u8; bcm_message_len(1, false)];
    /// bcm.send(&head, BcmFrames::Classic(&[frame]), &mut buf)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    BcmSocket, [CAN], [DGRAM]
);

impl BcmSocket {
    /// A broadcast manager socket.
    ///
    #[doc = man!(socket(2), socketcan)]
    pub fn new() -> Result<BcmSocket> {
        Socket::new(Family::CAN, Type::DGRAM, Protocol::from_raw(CAN_BCM))
            .map(|inner| BcmSocket { inner })
    }

    /// Ties the socket to interface `ifindex` (0: every CAN interface, and then messages need
    /// [`send_to`](Self::send_to)).
    ///
    #[doc = man!(connect(2), socketcan)]
    pub fn connect(&self, ifindex: u32) -> Result<()> {
        self.inner.connect(CanAddr::new(ifindex))
    }

    /// Encodes a message in `scratch` (sized with [`bcm_message_len`]) and sends it.
    ///
    #[doc = man!(send(2), socketcan)]
    pub fn send(&self, head: &BcmHead, frames: BcmFrames<'_>, scratch: &mut [u8]) -> Result<()> {
        let msg = head.encode(frames, scratch)?;
        super::raw::whole(self.inner.send(msg)?, msg.len())
    }

    /// [`send`](Self::send) for interface `ifindex`, on a socket connected to all.
    ///
    #[doc = man!(sendto(2), socketcan)]
    pub fn send_to(
        &self,
        head: &BcmHead,
        frames: BcmFrames<'_>,
        scratch: &mut [u8],
        ifindex: u32,
    ) -> Result<()> {
        let msg = head.encode(frames, scratch)?;
        super::raw::whole(self.inner.send_to(msg, CanAddr::new(ifindex))?, msg.len())
    }

    /// Sends a message of a head alone: `TX_DELETE`, `RX_DELETE`, `TX_READ`, `RX_READ`.
    ///
    #[doc = man!(send(2), socketcan)]
    pub fn send_head(&self, head: &BcmHead) -> Result<()> {
        let mut b = [0u8; BCM_HEAD_LEN_MAX];
        self.send(head, BcmFrames::NONE, &mut b)
    }

    /// Receives one message from the kernel into `buf` (room for the frames it may carry:
    /// [`bcm_message_len`]; one more than it holds is [`Error::Truncated`]) and parses it.
    ///
    #[doc = man!(recv(2), socketcan)]
    pub fn recv<'a>(&self, buf: &'a mut [u8]) -> Result<BcmMessage<'a>> {
        let n = self.inner.recv(buf)?;
        BcmMessage::decode(&buf[..n])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOTH: [Layout; 2] = [Layout::LONG4, Layout::LONG8];

    /// `v` as the kernel's `long` of `l`, in its first `l.long` bytes.
    fn word(l: Layout, v: u32) -> [u8; 8] {
        let mut b = [0; 8];
        if l.long == 8 {
            b = u64::from(v).to_ne_bytes();
        } else {
            b[..4].copy_from_slice(&v.to_ne_bytes());
        }
        b
    }

    #[test]
    fn the_head_is_laid_out_as_the_kernel_has_it() {
        // struct bcm_msg_head: three u32, two bcm_timeval of two longs, can_id, nframes; the
        // frames after it 8-aligned. A 64-bit kernel's, then a 32-bit one's.
        let at = |l: Layout| (l.ival1(), l.ival2(), l.can_id(), l.nframes(), l.head_len());
        assert_eq!(at(Layout::LONG8), (16, 32, 48, 52, 56));
        assert_eq!(at(Layout::LONG4), (12, 20, 28, 32, 40));
        assert_eq!(BCM_HEAD_LEN_MAX, 56);
        // The running kernel's: a 64-bit target's is always 64-bit, with the target's `long`.
        let here = Layout::current();
        assert_eq!(here.head_len(), bcm_head_len());
        assert_eq!(here == Layout::LONG8, crate::sys::os::kernel_is_64bit());
        if cfg!(target_pointer_width = "64") {
            assert_eq!(here.long, core::mem::size_of::<core::ffi::c_long>());
        }
    }

    #[test]
    fn messages_round_trip_in_host_order() {
        for l in BOTH {
            let id = CanId::standard(0x123).unwrap();
            let f = CanFrame::new(id, &[1, 2, 3]).unwrap();
            let head = BcmHead::cyclic(
                id,
                5,
                Duration::from_millis(10),
                Duration::from_nanos(1_500),
            );
            let mut buf = [0u8; bcm_message_len(2, false)];
            let frames = BcmFrames::Classic(&[f, f]);
            let msg = head.encode_as(l, frames, &mut buf).unwrap();
            let (hl, can_id, nframes) = (l.head_len(), l.can_id(), l.nframes());
            assert_eq!(msg.len(), hl + 32);
            assert_eq!(&msg[0..4], &1u32.to_ne_bytes(), "TX_SETUP");
            assert_eq!(&msg[4..8], &3u32.to_ne_bytes(), "SETTIMER | STARTTIMER");
            assert_eq!(&msg[8..12], &5u32.to_ne_bytes(), "count");
            // ival1: 0 s and 10,000 us in words of the kernel's `long`, sign-extended.
            let (s1, u1, s2) = (l.ival1(), l.ival1() + l.long, l.ival2());
            assert_eq!(&msg[s1..u1], &[0; 8][..l.long]);
            assert_eq!(&msg[u1..s2], &word(l, 10_000)[..l.long]);
            assert_eq!(&msg[can_id..can_id + 4], &0x123u32.to_ne_bytes());
            assert_eq!(&msg[nframes..nframes + 4], &2u32.to_ne_bytes());
            assert_eq!(&msg[hl..hl + 16], &f.encode());
            let back = BcmMessage::decode_as(msg, l).unwrap();
            assert_eq!(back.head().ival2, Duration::from_micros(2), "rounded up");
            assert_eq!(
                BcmHead {
                    ival2: head.ival2,
                    ..*back.head()
                },
                head
            );
            assert_eq!(back.len(), 2);
            assert!(back.frames().all(|g| g == Ok(CanAnyFrame::Classic(f))));
            // The other kernel's layout does not read it as the same message.
            let other = if l == Layout::LONG8 {
                Layout::LONG4
            } else {
                Layout::LONG8
            };
            assert_ne!(
                BcmMessage::decode_as(msg, other).map(|m| *m.head()),
                Ok(*back.head())
            );

            // The longest interval the kernel takes fits either kernel's words.
            let max = Duration::new(TIMER_SEC_MAX, 999_999_000);
            let long = BcmHead { ival1: max, ..head };
            let msg = long.encode_as(l, BcmFrames::NONE, &mut buf).unwrap();
            assert_eq!(msg.len(), hl);
            let back = BcmMessage::decode_as(msg, l).unwrap();
            assert_eq!(back.head().ival1, max);

            let fd = CanFdFrame::new(CanId::extended(0x1234).unwrap(), &[9; 12]).unwrap();
            let mut buf = [0u8; bcm_message_len(1, true)];
            let head = BcmHead::new(BcmOpcode::TxSend, fd.id());
            let msg = head.encode_as(l, BcmFrames::Fd(&[fd]), &mut buf).unwrap();
            assert_eq!(msg.len(), hl + CANFD_MTU);
            let back = BcmMessage::decode_as(msg, l).unwrap();
            assert!(back.head().flags.contains(BcmFlags::CAN_FD_FRAME));
            assert_eq!(back.frames().next(), Some(Ok(CanAnyFrame::Fd(fd))));
            assert_eq!(back.head().can_id, CanId::Extended(0x1234), "EFF flag kept");
        }
        // The public calls use the running kernel's layout.
        let head = BcmHead::new(BcmOpcode::RxRead, CanId::standard(7).unwrap());
        let mut buf = [0u8; BCM_HEAD_LEN_MAX];
        let msg = head.encode(BcmFrames::NONE, &mut buf).unwrap();
        assert_eq!(msg.len(), bcm_head_len());
        assert_eq!(BcmMessage::decode(msg).map(|m| *m.head()), Ok(head));
    }

    #[test]
    fn bad_messages_are_named_errors() {
        for l in BOTH {
            let (hl, nframes, usec) = (l.head_len(), l.nframes(), l.ival1() + l.long);
            let id = CanId::standard(1).unwrap();
            let f = CanFrame::new(id, &[]).unwrap();
            let head = BcmHead::new(BcmOpcode::TxSend, id);
            let mut small = [0u8; BCM_HEAD_LEN_MAX + 15];
            assert_eq!(
                head.encode_as(l, BcmFrames::Classic(&[f]), &mut small[..hl + 15]),
                Err(Error::Input(InputError::BufferTooSmall {
                    needed: (hl + 16) as u32
                }))
            );
            let many = [f; BCM_MAX_FRAMES + 1];
            let mut big = [0u8; bcm_message_len(BCM_MAX_FRAMES + 1, false)];
            assert_eq!(
                head.encode_as(l, BcmFrames::Classic(&many), &mut big),
                Err(Error::Can(CanInputError::TooManyFrames { count: 257 }))
            );
            let long = BcmHead {
                ival1: Duration::from_secs(TIMER_SEC_MAX + 1),
                ..head
            };
            assert_eq!(
                long.encode_as(l, BcmFrames::NONE, &mut big),
                Err(Error::Input(InputError::DurationOutOfRange))
            );
            // Decoding: short, unknown opcode, frame count that does not match, bad
            // microseconds.
            let mut buf = [0u8; bcm_message_len(1, false)];
            let msg = head.encode_as(l, BcmFrames::Classic(&[f]), &mut buf);
            let msg = msg.unwrap().len();
            let buf = &buf[..msg];
            let malformed = Err(Error::Can(CanInputError::MalformedBcm));
            assert_eq!(BcmMessage::decode_as(&buf[..hl - 1], l), malformed);
            assert_eq!(BcmMessage::decode_as(&buf[..msg - 1], l), malformed);
            let mut b = [0u8; bcm_message_len(1, false)];
            let b = &mut b[..msg];
            b.copy_from_slice(buf);
            b[nframes..nframes + 4].copy_from_slice(&u32::MAX.to_ne_bytes());
            assert_eq!(BcmMessage::decode_as(b, l), malformed);
            b.copy_from_slice(buf);
            b[0..4].copy_from_slice(&13u32.to_ne_bytes());
            assert_eq!(BcmMessage::decode_as(b, l), malformed);
            b.copy_from_slice(buf);
            b[usec..usec + l.long].copy_from_slice(&word(l, 2_000_000)[..l.long]);
            assert_eq!(BcmMessage::decode_as(b, l), malformed);
            // An impossible frame inside a well-formed message.
            b.copy_from_slice(buf);
            b[hl + 4] = 9;
            let m = BcmMessage::decode_as(b, l).unwrap();
            assert_eq!(
                m.frames().next(),
                Some(Err(Error::Can(CanInputError::InvalidLength { len: 9 })))
            );
        }
    }

    #[test]
    fn opcodes_round_trip() {
        for (i, op) in BcmOpcode::ALL.into_iter().enumerate() {
            assert_eq!(op.raw(), i as u32 + 1);
            assert_eq!(BcmOpcode::from_raw(op.raw()), Some(op));
        }
        assert_eq!(BcmOpcode::from_raw(0), None);
        assert_eq!(BcmOpcode::from_raw(13), None);
    }
}
