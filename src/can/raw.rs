//! Raw CAN sockets (`CAN_RAW`): frames in and out, filters, error mask, loopback, FD mode.

use crate::{AddressError, CanInputError, InputError};
use rustix::fd::AsFd;

use super::{
    CanAnyFrame, CanErrorClass, CanFdFrame, CanFrame, CanId, CanXlFrame, CANFD_MTU, CANXL_HEAD,
};
use crate::net::typed_socket;
use crate::sys::sockopt;
use crate::{
    cmsg_space, CanAddr, ControlMessage, Error, Family, IoSlice, IoSliceMut, Protocol, RecvFlags,
    Result, SendFlags, Socket, Timestamp, Type,
};

/// `SOL_CAN_RAW` (`SOL_CAN_BASE + CAN_RAW`, linux/can/raw.h).
const SOL_CAN_RAW: u32 = 101;
const CAN_RAW_FILTER: u32 = 1;
const CAN_RAW_ERR_FILTER: u32 = 2;
const CAN_RAW_LOOPBACK: u32 = 3;
const CAN_RAW_RECV_OWN_MSGS: u32 = 4;
const CAN_RAW_FD_FRAMES: u32 = 5;
const CAN_RAW_JOIN_FILTERS: u32 = 6;
const CAN_RAW_XL_FRAMES: u32 = 7;
/// `CAN_RAW` (linux/can.h).
const CAN_RAW: i32 = 1;
/// `CAN_RAW_FILTER_MAX`.
pub const CAN_FILTER_MAX: usize = 512;

const INV_FILTER: u32 = 0x2000_0000;
const EFF_FLAG: u32 = 0x8000_0000;
const RTR_FLAG: u32 = 0x4000_0000;

/// A receive filter (`struct can_filter`): a frame passes when
/// `frame_id & mask == id & mask`, or the opposite for an inverted filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CanFilter {
    id: u32,
    mask: u32,
}

impl CanFilter {
    /// Frames with this identifier, in its format (standard or extended), data or remote.
    ///
    /// ```
    /// use baresock::can::{CanFilter, CanId};
    /// let f = CanFilter::exact(CanId::standard(0x123)?);
    /// assert_eq!((f.id_word(), f.mask()), (0x123, 0x8000_07ff)); // the EFF bit must match too
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const fn exact(id: CanId) -> CanFilter {
        let (word, mask) = match id {
            CanId::Standard(i) => (i as u32, 0x7ff | EFF_FLAG),
            CanId::Extended(i) => (i | EFF_FLAG, 0x1fff_ffff | EFF_FLAG),
        };
        CanFilter { id: word, mask }
    }

    /// A filter from the kernel's two words (`can_id` with its flags, and `can_mask`).
    ///
    /// ```
    /// use baresock::can::CanFilter;
    /// // Ids 0x100 to 0x1ff, and everything else with `inverted`.
    /// let f = CanFilter::raw(0x100, 0x700);
    /// let g = f.inverted();
    /// assert_ne!(f, g);
    /// ```
    pub const fn raw(id: u32, mask: u32) -> CanFilter {
        CanFilter { id, mask }
    }

    /// The same filter, matching what it did not (`CAN_INV_FILTER`).
    pub const fn inverted(mut self) -> CanFilter {
        self.id ^= INV_FILTER;
        self
    }

    /// Only remote requests (`CAN_RTR_FLAG` in id and mask).
    pub const fn remote_only(mut self) -> CanFilter {
        self.id |= RTR_FLAG;
        self.mask |= RTR_FLAG;
        self
    }

    /// The kernel's `can_id` word.
    pub const fn id_word(&self) -> u32 {
        self.id
    }

    /// The kernel's `can_mask` word.
    pub const fn mask(&self) -> u32 {
        self.mask
    }
}

/// The kernel takes a CAN frame whole or not at all: anything else is reported, not ignored.
pub(super) fn whole(sent: usize, len: usize) -> Result<()> {
    if sent == len {
        Ok(())
    } else {
        Err(Error::Partial {
            sent,
            cause: crate::PartialCause::Os(crate::Errno::MSGSIZE),
        })
    }
}

typed_socket!(
    /// A raw CAN socket (`CAN_RAW`, the kernel's can.rst): every frame of one interface or all.
    ///
    /// ```no_run
    /// use baresock::interface_index;
    /// use baresock::can::{CanAnyFrame, CanFrame, CanId, CanSocket};
    /// let can0 = interface_index("can0")?;
    /// let s = CanSocket::new()?;
    /// s.bind(can0)?;
    /// s.send(&CanFrame::new(CanId::standard(0x123)?, &[1, 2, 3])?)?;
    /// if let CanAnyFrame::Classic(f) = s.recv()? {
    ///     println!("{f}");
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    CanSocket, [CAN], [RAW]
);

impl CanSocket {
    /// A raw CAN socket.
    ///
    /// ``` no_run
    /// use baresock::can::CanSocket;
    /// let vcan0 = baresock::interface_index("vcan0")?;
    /// let s = CanSocket::new()?; // Error::Os(Errno::AFNOSUPPORT) where the kernel has no CAN
    /// s.bind(vcan0)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socket(2), socketcan)]
    pub fn new() -> Result<CanSocket> {
        Socket::new(Family::CAN, Type::RAW, Protocol::from_raw(CAN_RAW))
            .map(|inner| CanSocket { inner })
    }

    /// Receives from interface `ifindex` only, and sends by it; 0 for every CAN interface
    /// (then sends need [`send_to`](Self::send_to)).
    ///
    #[doc = man!(bind(2), socketcan)]
    pub fn bind(&self, ifindex: u32) -> Result<()> {
        self.inner.bind(CanAddr::new(ifindex))
    }

    /// Sends a classic frame by the bound interface.
    ///
    #[doc = man!(send(2), socketcan)]
    pub fn send(&self, frame: &CanFrame) -> Result<()> {
        self.send_bytes(&frame.encode())
    }

    /// Sends an FD frame (needs [`set_fd_frames`](Self::set_fd_frames) and an FD interface).
    ///
    /// ``` no_run
    /// use baresock::can::{CanFdFrame, CanId, CanSocket};
    /// let vcan0 = baresock::interface_index("vcan0")?;
    /// let s = CanSocket::new()?;
    /// s.set_fd_frames(true)?;
    /// s.bind(vcan0)?;
    /// s.send_fd_frame(&CanFdFrame::new(CanId::standard(0x123)?, &[0xaa; 64])?)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(send(2), socketcan)]
    #[doc(alias = "send_fd")]
    pub fn send_fd_frame(&self, frame: &CanFdFrame) -> Result<()> {
        self.send_bytes(&frame.encode())
    }

    /// Sends a frame of any kind: classic, FD (as [`send_fd_frame`](Self::send_fd_frame)), or an error
    /// frame (injected, as `cansend` does: receivers see it under their error mask).
    ///
    #[doc = man!(send(2), socketcan)]
    pub fn send_any(&self, frame: &CanAnyFrame) -> Result<()> {
        match frame {
            CanAnyFrame::Classic(f) => self.send(f),
            CanAnyFrame::Fd(f) => self.send_fd_frame(f),
            CanAnyFrame::Error(e) => self.send_bytes(&e.encode()),
        }
    }

    fn send_bytes(&self, b: &[u8]) -> Result<()> {
        whole(self.inner.send(b)?, b.len())
    }

    /// Sends a classic frame by interface `ifindex` (for a socket bound to all).
    ///
    #[doc = man!(sendto(2), socketcan)]
    pub fn send_to(&self, frame: &CanFrame, ifindex: u32) -> Result<()> {
        let b = frame.encode();
        whole(self.inner.send_to(&b, CanAddr::new(ifindex))?, b.len())
    }

    /// Receives one frame: classic, FD (with FD mode on) or error (with an error mask).
    ///
    #[doc = man!(recv(2), socketcan)]
    pub fn recv(&self) -> Result<CanAnyFrame> {
        let mut b = [0u8; CANFD_MTU];
        let n = self.inner.recv(&mut b)?;
        CanAnyFrame::decode(&b[..n])
    }

    /// Receives one frame and the interface it came in by.
    ///
    /// ``` no_run
    /// use baresock::can::CanSocket;
    /// let s = CanSocket::new()?;
    /// s.bind(0)?; // every CAN interface
    /// let (frame, ifindex) = s.recv_from()?;
    /// println!("{} {frame}", baresock::interface_name(ifindex)?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(recvfrom(2), socketcan)]
    pub fn recv_from(&self) -> Result<(CanAnyFrame, u32)> {
        let mut b = [0u8; CANFD_MTU];
        let (n, a) = self.inner.recv_from(&mut b)?;
        let a = CanAddr::try_from(a.ok_or(Error::Address(AddressError::Missing))?)?;
        Ok((CanAnyFrame::decode(&b[..n])?, a.ifindex()))
    }
}

/// `ENOPROTOOPT` at `CAN_RAW_XL_FRAMES`: the kernel predates CAN XL (Linux 6.2); a raw CAN
/// socket gives that errno only for an option it does not know.
fn no_xl(e: Error) -> Error {
    match e {
        Error::Os(errno @ rustix::io::Errno::NOPROTOOPT) => {
            Error::Unsupported(crate::Unsupported {
                feature: crate::KernelFeature::CanXl,
                errno,
            })
        }
        e => e,
    }
}

/// What [`CanSocket::recv_xl_frame`] received.
#[derive(Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CanRecv<'a> {
    /// A classic, FD or error frame.
    Frame(CanAnyFrame),
    /// An XL frame, in the caller's buffer.
    Xl(&'a CanXlFrame),
}

/// CAN XL (Linux 6.2 and later) and timestamps.
impl CanSocket {
    /// Sends and receives CAN XL frames too (`CAN_RAW_XL_FRAMES`).
    ///
    /// Needs Linux 6.2; older kernels: [`Error::Unsupported`] with
    /// [`KernelFeature::CanXl`](crate::KernelFeature::CanXl) (the kernel's `ENOPROTOOPT`, which
    /// a raw CAN socket answers only for an option it does not know).
    ///
    /// ``` no_run
    /// use baresock::can::{CanRecv, CanSocket, CanXlFrame};
    /// use baresock::{Error, KernelFeature};
    /// let vcan0 = baresock::interface_index("vcan0")?;
    /// let s = CanSocket::new()?;
    /// match s.set_xl_frames(true) {
    ///     Err(Error::Unsupported(u)) if u.feature == KernelFeature::CanXl => {
    ///         println!("{u}"); // before Linux 6.2
    ///         return Ok(());
    ///     }
    ///     r => r?,
    /// }
    /// s.bind(vcan0)?;
    /// s.send_xl_frame(&CanXlFrame::new(0x42, 0x01, 0, &[1; 200])?)?;
    /// let mut buf = CanXlFrame::empty();
    /// if let CanRecv::Xl(f) = s.recv_xl_frame(&mut buf)? {
    ///     println!("{} bytes", f.data().len());
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), socketcan)]
    #[doc(alias = "CAN_RAW_XL_FRAMES")]
    pub fn set_xl_frames(&self, on: bool) -> Result<()> {
        sockopt::set(self.as_fd(), SOL_CAN_RAW, CAN_RAW_XL_FRAMES, &i32::from(on)).map_err(no_xl)
    }

    /// Whether XL frames are on (`CAN_RAW_XL_FRAMES`).
    ///
    /// Needs Linux 6.2; older kernels: [`Error::Unsupported`] with
    /// [`KernelFeature::CanXl`](crate::KernelFeature::CanXl).
    ///
    #[doc = man!(getsockopt(2), socketcan)]
    #[doc(alias = "CAN_RAW_XL_FRAMES")]
    pub fn xl_frames(&self) -> Result<bool> {
        sockopt::get::<i32>(self.as_fd(), SOL_CAN_RAW, CAN_RAW_XL_FRAMES)
            .map(|v| v != 0)
            .map_err(no_xl)
    }

    /// Sends an XL frame (needs [`set_xl_frames`](Self::set_xl_frames) and an interface whose
    /// MTU allows XL frames): its head and data in one `sendmsg`, no copy.
    ///
    #[doc = man!(send(2), socketcan)]
    #[doc(alias = "send_xl")]
    pub fn send_xl_frame(&self, frame: &CanXlFrame) -> Result<()> {
        let head = frame.head();
        let bufs = [IoSlice::new(&head), IoSlice::new(frame.data())];
        let len = CANXL_HEAD + frame.data().len();
        whole(
            self.inner.send_msg(&bufs, &[], None, SendFlags::empty())?,
            len,
        )
    }

    /// Receives one frame of any kind: an XL frame lands in `buf` (no copy), the others come
    /// back by value. With XL frames on, use this rather than [`recv`](Self::recv), which has
    /// room for FD frames only and reports an XL frame as [`Error::Truncated`].
    ///
    #[doc = man!(recvmsg(2), socketcan)]
    #[doc(alias = "recv_xl")]
    pub fn recv_xl_frame<'a>(&self, buf: &'a mut CanXlFrame) -> Result<CanRecv<'a>> {
        let mut head = [0u8; CANXL_HEAD];
        let mut bufs = [IoSliceMut::new(&mut head), IoSliceMut::new(buf.data_area())];
        let msg = self
            .inner
            .recv_msg(&mut bufs, &mut [], RecvFlags::empty())?;
        let n = msg.bytes();
        if let Some(len) = msg.truncated() {
            return Err(Error::Truncated { len });
        }
        if CanXlFrame::is_xl(&head) {
            buf.set_head(&head, n.saturating_sub(CANXL_HEAD))?;
            return Ok(CanRecv::Xl(buf));
        }
        // A classic or FD frame: its head, then the rest where XL data would go.
        let mut b = [0u8; CANFD_MTU];
        let rest = n.saturating_sub(CANXL_HEAD);
        let Some(tail) = b.get_mut(CANXL_HEAD..CANXL_HEAD + rest) else {
            return Err(Error::Can(CanInputError::InvalidLength {
                len: crate::error::sat32(n),
            }));
        };
        tail.copy_from_slice(&buf.data_area()[..rest]);
        b[..CANXL_HEAD].copy_from_slice(&head);
        CanAnyFrame::decode(&b[..n]).map(CanRecv::Frame)
    }

    /// Receives one frame with the time the kernel took it in, when timestamps are on
    /// ([`Socket::set_timestamp_ns`]); `None` otherwise.
    ///
    /// ```no_run
    /// # fn main() -> baresock::Result<()> {
    /// let s = baresock::can::CanSocket::new()?;
    /// s.as_socket().set_timestamp_ns(true)?;
    /// let (frame, at) = s.recv_timestamped()?;
    /// # Ok(()) }
    /// ```
    ///
    #[doc = man!(recvmsg(2), socket(7), socketcan)]
    pub fn recv_timestamped(&self) -> Result<(CanAnyFrame, Option<Timestamp>)> {
        let mut b = [0u8; CANFD_MTU];
        let mut space = [0u8; cmsg_space(16) * 2];
        let mut bufs = [IoSliceMut::new(&mut b)];
        let msg = self
            .inner
            .recv_msg(&mut bufs, &mut space, RecvFlags::empty())?;
        if let Some(len) = msg.truncated() {
            return Err(Error::Truncated { len });
        }
        let at = msg.control().find_map(|c| match c {
            ControlMessage::Timestamp(t) => Some(t),
            _ => None,
        });
        let n = msg.bytes();
        drop(msg);
        Ok((CanAnyFrame::decode(&b[..n])?, at))
    }
}

/// Raw CAN options (`SOL_CAN_RAW`, linux/can/raw.h).
impl CanSocket {
    /// Receives only frames that pass one of `filters` (all of them with
    /// [`set_join_filters`](Self::set_join_filters)); an empty list receives nothing. At most
    /// [`CAN_FILTER_MAX`]
    /// ([`CanInputError::TooManyFilters`](crate::CanInputError::TooManyFilters)). The default
    /// passes everything.
    ///
    /// ``` no_run
    /// use baresock::can::{CanFilter, CanId, CanSocket};
    /// let s = CanSocket::new()?;
    /// // 0x100..=0x1FF, plus exactly 0x7DF.
    /// s.set_filters(&[CanFilter::raw(0x100, 0x700), CanFilter::exact(CanId::standard(0x7df)?)])?;
    /// let mut back = [CanFilter::raw(0, 0); 4];
    /// assert_eq!(s.filters(&mut back)?, 2);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), socketcan)]
    #[doc(alias = "CAN_RAW_FILTER")]
    pub fn set_filters(&self, filters: &[CanFilter]) -> Result<()> {
        if filters.len() > CAN_FILTER_MAX {
            return Err(Error::Can(CanInputError::TooManyFilters {
                count: crate::error::sat32(filters.len()),
            }));
        }
        let mut b = [0u8; CAN_FILTER_MAX * 8];
        for (slot, f) in b.chunks_exact_mut(8).zip(filters) {
            slot[..4].copy_from_slice(&f.id.to_ne_bytes());
            slot[4..].copy_from_slice(&f.mask.to_ne_bytes());
        }
        sockopt::set_bytes(
            self.as_fd(),
            SOL_CAN_RAW,
            CAN_RAW_FILTER,
            &b[..filters.len() * 8],
        )
    }

    /// The filters in force, into `out`; returns how many. More than `out` holds is
    /// [`InputError::BufferTooSmall`](crate::InputError::BufferTooSmall), with the bytes the
    /// whole set takes.
    ///
    /// The crate always asks for the whole set (at most `CAN_RAW_FILTER_MAX`, 512 filters,
    /// into a buffer on its stack): older kernels (Debian 11's 5.10, measured) cut the set to
    /// fit a short buffer and say nothing, newer ones answer `ERANGE`; asking for all gives
    /// the same answer on both, and nothing is cut silently.
    ///
    #[doc = man!(getsockopt(2), socketcan)]
    #[doc(alias = "CAN_RAW_FILTER")]
    pub fn filters(&self, out: &mut [CanFilter]) -> Result<usize> {
        let mut b = [0u8; CAN_FILTER_MAX * 8];
        let n = match sockopt::get_bytes(self.as_fd(), SOL_CAN_RAW, CAN_RAW_FILTER, &mut b) {
            Err(Error::Os(crate::Errno::RANGE)) => {
                return Err(Error::Input(InputError::BufferTooSmall { needed: 0 }))
            }
            r => r?,
        };
        let count = n / 8;
        if count > out.len() {
            let needed = u32::try_from(n).unwrap_or(u32::MAX);
            return Err(Error::Input(InputError::BufferTooSmall { needed }));
        }
        for (slot, chunk) in out
            .iter_mut()
            .zip(b.get(..n).unwrap_or(&[]).chunks_exact(8))
        {
            *slot = CanFilter {
                id: u32::from_ne_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]),
                mask: u32::from_ne_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]),
            };
        }
        Ok(count)
    }

    /// Which error classes arrive as error frames (`CAN_RAW_ERR_FILTER`); none by default.
    ///
    /// ``` no_run
    /// use baresock::can::{CanAnyFrame, CanErrorClass, CanSocket};
    /// let s = CanSocket::new()?;
    /// s.set_error_mask(CanErrorClass::BUS_OFF | CanErrorClass::CONTROLLER)?;
    /// s.bind(0)?;
    /// if let CanAnyFrame::Error(e) = s.recv()? {
    ///     println!("{:?} {:?}", e.class, e.controller);
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), socketcan)]
    #[doc(alias = "CAN_RAW_ERR_FILTER")]
    pub fn set_error_mask(&self, mask: CanErrorClass) -> Result<()> {
        sockopt::set(self.as_fd(), SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &mask.bits())
    }

    /// Frames sent are echoed to other sockets on this host (`CAN_RAW_LOOPBACK`; on by default).
    ///
    #[doc = man!(setsockopt(2), socketcan)]
    #[doc(alias = "CAN_RAW_LOOPBACK")]
    pub fn set_loopback(&self, on: bool) -> Result<()> {
        sockopt::set(self.as_fd(), SOL_CAN_RAW, CAN_RAW_LOOPBACK, &i32::from(on))
    }

    /// This socket receives the frames it sends itself (`CAN_RAW_RECV_OWN_MSGS`; off by default).
    ///
    #[doc = man!(setsockopt(2), socketcan)]
    #[doc(alias = "CAN_RAW_RECV_OWN_MSGS")]
    pub fn set_recv_own_msgs(&self, on: bool) -> Result<()> {
        sockopt::set(
            self.as_fd(),
            SOL_CAN_RAW,
            CAN_RAW_RECV_OWN_MSGS,
            &i32::from(on),
        )
    }

    /// Sends and receives CAN FD frames too (`CAN_RAW_FD_FRAMES`).
    ///
    #[doc = man!(setsockopt(2), socketcan)]
    #[doc(alias = "CAN_RAW_FD_FRAMES")]
    pub fn set_fd_frames(&self, on: bool) -> Result<()> {
        sockopt::set(self.as_fd(), SOL_CAN_RAW, CAN_RAW_FD_FRAMES, &i32::from(on))
    }

    /// Whether FD frames are on (`CAN_RAW_FD_FRAMES`).
    ///
    #[doc = man!(getsockopt(2), socketcan)]
    #[doc(alias = "CAN_RAW_FD_FRAMES")]
    pub fn fd_frames(&self) -> Result<bool> {
        sockopt::get::<i32>(self.as_fd(), SOL_CAN_RAW, CAN_RAW_FD_FRAMES).map(|v| v != 0)
    }

    /// A frame must pass every filter, not one (`CAN_RAW_JOIN_FILTERS`).
    ///
    #[doc = man!(setsockopt(2), socketcan)]
    #[doc(alias = "CAN_RAW_JOIN_FILTERS")]
    pub fn set_join_filters(&self, on: bool) -> Result<()> {
        sockopt::set(
            self.as_fd(),
            SOL_CAN_RAW,
            CAN_RAW_JOIN_FILTERS,
            &i32::from(on),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::io::Errno;

    #[test]
    fn enoprotoopt_at_xl_frames_is_no_can_xl() {
        assert_eq!(
            no_xl(Error::Os(Errno::NOPROTOOPT)),
            Error::Unsupported(crate::Unsupported {
                feature: crate::KernelFeature::CanXl,
                errno: Errno::NOPROTOOPT,
            })
        );
        // Any other answer stays what it was.
        assert_eq!(no_xl(Error::Os(Errno::BADF)), Error::Os(Errno::BADF));
        assert_eq!(no_xl(Error::Timeout), Error::Timeout);
    }
}
