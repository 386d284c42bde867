//! A zero-copy `TPACKET_V3` receive ring on a packet socket (packet_mmap).
//!
//! The kernel writes frames into blocks of a memory area shared with the process; the process
//! reads them where they lie and hands each block back. No system call per packet, no copy, no
//! allocation.
//!
//! [`TxRing`] is the sending side (`PACKET_TX_RING`): frames are written into shared slots and
//! one `send` hands all of them to the kernel.

use core::time::Duration;

use linux_raw_sys::if_packet as kp;

use crate::msg::Timestamp;
use crate::socket::Wait;
use crate::sys::ring::{Ring, SlotStatus, TpacketReq3, TxMem};
use crate::time::Deadline;
use crate::{Error, LinkAddr, PacketSocket, PacketStats, Result, RingError};

/// The shape of a receive ring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RingConfig {
    /// Bytes per block: a multiple of the page size (4096 here).
    pub block_size: u32,
    /// Blocks in the ring; memory is `block_size * block_count`.
    pub block_count: u32,
    /// The most bytes one frame takes in a block, header included: a multiple of 16. Frames
    /// longer than it are cut (their [`Frame::original_len`] says by how much).
    pub frame_size: u32,
    /// How long the kernel waits before handing over a block that is not full, so that a
    /// trickle of packets still arrives promptly; zero for the kernel's default (which
    /// depends on the link speed).
    pub retire_timeout: Duration,
}

impl Default for RingConfig {
    /// 16 blocks of 256 KiB (4 MiB), 2 KiB frames, blocks retired after 50 ms.
    fn default() -> Self {
        RingConfig {
            block_size: 256 * 1024,
            block_count: 16,
            frame_size: 2048,
            retire_timeout: Duration::from_millis(50),
        }
    }
}

/// Smallest frame: `TPACKET_ALIGN(sizeof(tpacket3_hdr)) + sizeof(sockaddr_ll)`.
const MIN_FRAME: u32 = 48 + 20;

/// Checks a ring's shape: the request for the kernel, before the kernel sees it.
fn request(block_size: u32, block_count: u32, frame_size: u32, retire: u32) -> Result<TpacketReq3> {
    let page = crate::sys::os::page_size() as u32;
    let bad = |e| Err(Error::Ring(e));
    if block_size == 0 || !block_size.is_multiple_of(page) {
        return bad(RingError::BlockSize);
    }
    if frame_size < MIN_FRAME || !frame_size.is_multiple_of(kp::TPACKET_ALIGNMENT) {
        return bad(RingError::FrameSize);
    }
    if frame_size > block_size {
        return bad(RingError::FrameLargerThanBlock);
    }
    let per_block = block_size / frame_size;
    let frame_nr = per_block.checked_mul(block_count);
    let bytes = (block_size as usize).checked_mul(block_count as usize);
    let (Some(frame_nr), Some(_), true) = (frame_nr, bytes, block_count > 0) else {
        return bad(RingError::BlockCount);
    };
    Ok(TpacketReq3 {
        block_size,
        block_nr: block_count,
        frame_size,
        frame_nr,
        retire_blk_tov: retire,
        sizeof_priv: 0,
        feature_req_word: 0,
    })
}

impl RingConfig {
    fn request(&self) -> Result<TpacketReq3> {
        let retire = u32::try_from(self.retire_timeout.as_millis())
            .map_err(|_| Error::Ring(RingError::RetireTimeout))?;
        request(self.block_size, self.block_count, self.frame_size, retire)
    }
}

/// A packet socket with a `TPACKET_V3` receive ring.
///
/// ```no_run
/// use baresock::{LinkAddr, PacketSocket};
/// use baresock::packet::{ether, PacketKind, RingConfig, RxRing};
/// let s = PacketSocket::new(PacketKind::Raw, ether::ALL)?;
/// s.bind(LinkAddr::new(2, ether::ALL))?;
/// let mut ring = RxRing::new(s, RingConfig::default())?;
/// loop {
///     let block = ring.next_block()?; // waits as the socket's timeout says
///     for frame in block.frames() {
///         let frame = frame?;
///         println!("{} bytes at {:?}", frame.data().len(), frame.timestamp());
///     }
/// } // each block goes back to the kernel when dropped
/// # Ok::<(), baresock::Error>(())
/// ```
pub struct RxRing {
    socket: PacketSocket,
    ring: Ring,
    next: usize,
}

impl RxRing {
    /// Sets up the ring on `socket` (`PACKET_VERSION` = `TPACKET_V3`, `PACKET_RX_RING`) and maps
    /// it. Bind the socket first, or it sees every interface. A bad configuration is
    /// [`Error::Ring`].
    ///
    #[doc = man!(setsockopt(2), packet(7), mmap(2), packet_mmap)]
    pub fn new(socket: PacketSocket, config: RingConfig) -> Result<RxRing> {
        let req = config.request()?;
        let ring = Ring::new(rustix::fd::AsFd::as_fd(&socket), req)?;
        Ok(RxRing {
            socket,
            ring,
            next: 0,
        })
    }

    /// The socket: for its timeout, filters and statistics.
    pub fn socket(&self) -> &PacketSocket {
        &self.socket
    }

    /// The next block the kernel has filled, waiting for it as the socket's timeout mode says
    /// ([`Error::Timeout`], [`Error::WouldBlock`]). The block goes back to the kernel when the
    /// view is dropped.
    ///
    #[doc = man!(poll(2), packet_mmap)]
    pub fn next_block(&mut self) -> Result<Block<'_>> {
        let mut deadline = Deadline::default();
        while self.ring.take(self.next).is_none() {
            self.socket
                .as_socket()
                .wait_ready(&mut deadline, Wait::Read)?;
        }
        let index = self.next;
        self.next = (self.next + 1) % self.ring.blocks();
        Ok(Block { ring: self, index })
    }

    /// Counters since the last read (`PACKET_STATISTICS`): packets, drops for want of room,
    /// and how often the ring froze.
    ///
    #[doc = man!(getsockopt(2), packet(7))]
    pub fn statistics(&self) -> Result<PacketStats> {
        self.socket.statistics()
    }
}

impl core::fmt::Debug for RxRing {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RxRing")
            .field("socket", &self.socket)
            .field("blocks", &self.ring.blocks())
            .finish()
    }
}

/// A block of frames, lent by the kernel until dropped: the kernel fills no other block
/// while the ring has none free, so drop each one when done with it.
///
/// ```no_run
/// use baresock::PacketSocket;
/// use baresock::packet::{ether, PacketKind, RingConfig, RxRing};
/// # let s = PacketSocket::new(PacketKind::Raw, ether::ALL)?;
/// let mut ring = RxRing::new(s, RingConfig::default())?;
/// let block = ring.next_block()?;
/// let bytes: usize = block.frames().map(|f| f.map_or(0, |f| f.data().len())).sum();
/// println!("{} frames, {bytes} bytes", block.len());
/// drop(block); // handed back: the kernel may fill it again
/// # Ok::<(), baresock::Error>(())
/// ```
pub struct Block<'a> {
    ring: &'a mut RxRing,
    index: usize,
}

fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    b.get(off..off.checked_add(4)?)
        .map(|s| u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
}

fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    b.get(off..off.checked_add(2)?)
        .map(|s| u16::from_ne_bytes([s[0], s[1]]))
}

impl Block<'_> {
    fn bytes(&self) -> &[u8] {
        // The block stays ours while this view lives: `take` succeeded in `next_block`.
        self.ring.ring.take(self.index).unwrap_or_default()
    }

    /// How many frames the block holds.
    pub fn len(&self) -> usize {
        u32_at(self.bytes(), 12).unwrap_or(0) as usize
    }

    /// Whether it holds none (a block retired by timeout may).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The block's frames, in order. An offset outside the block (which the kernel never
    /// writes) ends them with [`RingError::Malformed`](crate::RingError::Malformed).
    pub fn frames(&self) -> Frames<'_> {
        let b = self.bytes();
        Frames {
            block: b,
            left: self.len(),
            at: u32_at(b, 16).unwrap_or(0) as usize,
        }
    }
}

impl Drop for Block<'_> {
    fn drop(&mut self) {
        self.ring.ring.release(self.index);
    }
}

/// The frames of a [`Block`].
pub struct Frames<'a> {
    block: &'a [u8],
    left: usize,
    at: usize,
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<Frame<'a>>;

    fn next(&mut self) -> Option<Result<Frame<'a>>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let frame = Frame::parse(self.block, self.at);
        match &frame {
            Some((_, next)) if *next != 0 => self.at += *next as usize,
            Some(_) => {}
            None => self.left = 0,
        }
        Some(
            frame
                .map(|(f, _)| f)
                .ok_or(Error::Ring(RingError::Malformed)),
        )
    }
}

/// One frame in a ring block: zero-copy, a view into the block it came in.
///
/// ```no_run
/// use baresock::PacketSocket;
/// use baresock::packet::{ether, PacketKind, RingConfig, RxRing};
/// # let s = PacketSocket::new(PacketKind::Raw, ether::ALL)?;
/// let mut ring = RxRing::new(s, RingConfig::default())?;
/// let block = ring.next_block()?;
/// for frame in block.frames() {
///     let frame = frame?;
///     let from = frame.link_addr().map(|a| a.ifindex());
///     print!("{:?} if {from:?}: {} bytes", frame.timestamp(), frame.data().len());
///     if frame.is_truncated() {
///         print!(" of {}", frame.original_len());
///     }
///     if let Some((tci, _tpid)) = frame.vlan() {
///         print!(", VLAN {}", tci & 0xfff);
///     }
///     println!();
/// }
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    data: &'a [u8],
    original_len: u32,
    status: u32,
    timestamp: Timestamp,
    vlan: Option<(u16, u16)>,
    link: Option<LinkAddr>,
}

#[cfg(feature = "defmt")]
impl defmt::Format for Frame<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Frame {{ len: {=usize}, original_len: {=u32}, status: {=u32:#x}, timestamp: {}, vlan: {}, link: {} }}",
            self.data.len(),
            self.original_len,
            self.status,
            self.timestamp,
            self.vlan,
            self.link
        )
    }
}

impl<'a> Frame<'a> {
    /// Parses the `tpacket3_hdr` at `at`; the frame and `tp_next_offset`.
    fn parse(b: &'a [u8], at: usize) -> Option<(Frame<'a>, u32)> {
        let h = b.get(at..at.checked_add(48)?)?;
        let next = u32_at(h, 0)?;
        let snaplen = u32_at(h, 12)? as usize;
        let mac = u16_at(h, 24)? as usize;
        let start = at.checked_add(mac)?;
        let data = b.get(start..start.checked_add(snaplen)?)?;
        let status = u32_at(h, 20)?;
        let vlan = (status & kp::TP_STATUS_VLAN_VALID != 0).then(|| {
            let tpid = if status & kp::TP_STATUS_VLAN_TPID_VALID != 0 {
                u16_at(h, 36).unwrap_or(0)
            } else {
                crate::packet::ether::VLAN
            };
            (u32_at(h, 32).unwrap_or(0) as u16, tpid)
        });
        // The sockaddr_ll follows the header, TPACKET_ALIGN(sizeof(tpacket3_hdr)) = 48 in.
        let link = b.get(at + 48..).and_then(LinkAddr::from_bytes);
        let timestamp = Timestamp {
            sec: u32_at(h, 4)?.into(),
            nsec: u32_at(h, 8)?,
        };
        Some((
            Frame {
                data,
                original_len: u32_at(h, 16)?,
                status,
                timestamp,
                vlan,
                link,
            },
            next,
        ))
    }

    /// The bytes captured, from the link-layer header on.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The frame's length on the wire; longer than [`data`](Self::data) when the frame did not
    /// fit the ring's frame size.
    pub fn original_len(&self) -> u32 {
        self.original_len
    }

    /// Whether the frame was cut to fit.
    pub fn is_truncated(&self) -> bool {
        (self.data.len() as u64) < u64::from(self.original_len)
    }

    /// When it arrived.
    pub fn timestamp(&self) -> Timestamp {
        self.timestamp
    }

    /// The VLAN tag taken off the frame, if any: (TCI, TPID).
    pub fn vlan(&self) -> Option<(u16, u16)> {
        self.vlan
    }

    /// Where it came from (interface, protocol, packet type, source hardware address).
    pub fn link_addr(&self) -> Option<LinkAddr> {
        self.link
    }

    /// The kernel's `tp_status` bits (`TP_STATUS_LOSING` when the ring dropped packets, ...).
    pub fn status(&self) -> u32 {
        self.status
    }
}

/// The shape of a transmit ring: `block_count` blocks of `block_size` bytes, each holding
/// `block_size / frame_size` slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TxRingConfig {
    /// Bytes per block: a multiple of the page size.
    pub block_size: u32,
    /// Blocks in the ring.
    pub block_count: u32,
    /// Bytes per slot: a multiple of 16, at least 68. A slot holds a frame of up to
    /// `frame_size - 48` bytes ([`TxRing::frame_capacity`]).
    pub frame_size: u32,
}

impl Default for TxRingConfig {
    /// 4 blocks of 64 KiB with 2 KiB slots: 128 frames of up to 2000 bytes.
    fn default() -> Self {
        TxRingConfig {
            block_size: 64 * 1024,
            block_count: 4,
            frame_size: 2048,
        }
    }
}

/// A packet socket with a `TPACKET_V3` transmit ring: frames are written straight into memory
/// shared with the kernel, and one [`flush`](TxRing::flush) sends every queued frame.
///
/// The socket must be bound to an interface (the kernel answers `ENXIO` otherwise). A ring is
/// per socket: use another socket for an [`RxRing`].
///
/// ```no_run
/// use baresock::{LinkAddr, PacketSocket};
/// use baresock::packet::{ether, PacketKind, TxRing, TxRingConfig};
/// let s = PacketSocket::new(PacketKind::Raw, ether::ALL)?;
/// s.bind(LinkAddr::new(2, ether::ALL))?;
/// let mut ring = TxRing::new(s, TxRingConfig::default())?;
/// let frame = [0xffu8; 60]; // a broadcast frame, all ones
/// for _ in 0..10 {
///     ring.queue(&frame)?; // or fill `ring.slot()?.buf()` in place
/// }
/// ring.flush()?; // one system call for the ten
/// # Ok::<(), baresock::Error>(())
/// ```
pub struct TxRing {
    socket: PacketSocket,
    mem: TxMem,
    next: usize,
}

impl TxRing {
    /// Sets up the ring on `socket` (`PACKET_VERSION` = `TPACKET_V3`, `PACKET_TX_RING`) and
    /// maps it. A bad configuration is [`Error::Ring`].
    ///
    #[doc = man!(setsockopt(2), packet(7), mmap(2), packet_mmap)]
    pub fn new(socket: PacketSocket, config: TxRingConfig) -> Result<TxRing> {
        let req = request(config.block_size, config.block_count, config.frame_size, 0)?;
        let mem = TxMem::new(rustix::fd::AsFd::as_fd(&socket), req)?;
        Ok(TxRing {
            socket,
            mem,
            next: 0,
        })
    }

    /// The socket: for its timeout and options.
    pub fn socket(&self) -> &PacketSocket {
        &self.socket
    }

    /// How many slots the ring has.
    pub fn slots(&self) -> usize {
        self.mem.frames()
    }

    /// The longest frame a slot holds.
    pub fn frame_capacity(&self) -> usize {
        self.mem.capacity()
    }

    /// The next free slot, to fill in place. When every slot is queued or being sent, this
    /// flushes and waits as the socket's timeout mode says ([`Error::Timeout`],
    /// [`Error::WouldBlock`]).
    ///
    /// After a frame was refused by the kernel (see [`flush`](Self::flush)), the refused slot
    /// comes first, with its old bytes and [`TxSlot::was_refused`] set: the frames queued after
    /// it wait until it is filled again.
    pub fn slot(&mut self) -> Result<TxSlot<'_>> {
        let mut deadline = Deadline::default();
        let mut flushed = false;
        while self.mem.status(self.next) == SlotStatus::Busy {
            if !flushed {
                // Every slot may hold a queued frame: hand them over first.
                self.flush()?;
                flushed = true;
                continue;
            }
            self.socket
                .as_socket()
                .wait_ready(&mut deadline, Wait::Write)?;
        }
        let slot = self.next;
        Ok(TxSlot { ring: self, slot })
    }

    /// Copies `frame` into the next free slot and queues it ([`slot`](Self::slot), then
    /// [`TxSlot::send`]). A frame longer than [`frame_capacity`](Self::frame_capacity) is
    /// [`RingError::FrameTooLong`](crate::RingError::FrameTooLong), and nothing is queued.
    pub fn queue(&mut self, frame: &[u8]) -> Result<()> {
        let max = self.frame_capacity();
        if frame.len() > max {
            return Err(too_long(frame.len(), max));
        }
        let mut slot = self.slot()?;
        slot.buf()[..frame.len()].copy_from_slice(frame);
        slot.send(frame.len())
    }

    /// Sends every queued frame, in order, with one `send` call; returns the bytes the kernel
    /// took. In blocking mode the kernel returns once all of them left; otherwise it takes what
    /// it can, and the rest stay queued for the next call.
    ///
    /// A frame the kernel refuses (shorter than the link's header, for one) stops the ring at
    /// that frame: this returns the kernel's error, and the next [`slot`](Self::slot) is the
    /// refused one.
    ///
    #[doc = man!(send(2), packet_mmap)]
    pub fn flush(&mut self) -> Result<usize> {
        match self.socket.as_socket().send(&[]) {
            Ok(n) => Ok(n),
            Err(e) => {
                // The kernel stops at a refused frame; hand it out next so the ring can go on.
                if let Some(refused) = (0..self.slots())
                    .map(|i| (self.next + i) % self.slots())
                    .find(|&i| self.mem.status(i) == SlotStatus::WrongFormat)
                {
                    self.next = refused;
                }
                Err(e)
            }
        }
    }
}

fn too_long(len: usize, max: usize) -> Error {
    Error::Ring(RingError::FrameTooLong {
        len: u32::try_from(len).unwrap_or(u32::MAX),
        max: max as u32,
    })
}

impl core::fmt::Debug for TxRing {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TxRing")
            .field("socket", &self.socket)
            .field("slots", &self.slots())
            .finish()
    }
}

/// A free slot of a [`TxRing`], lent until queued with [`send`](TxSlot::send) or dropped
/// (which leaves it free).
pub struct TxSlot<'a> {
    ring: &'a mut TxRing,
    slot: usize,
}

impl TxSlot<'_> {
    /// The slot's bytes, [`TxRing::frame_capacity`] of them, to write the frame into.
    pub fn buf(&mut self) -> &mut [u8] {
        // The slot stays ours while this view lives: `slot` found it free.
        self.ring.mem.data(self.slot).unwrap_or_default()
    }

    /// Whether the kernel refused the frame this slot held (its bytes are still there).
    pub fn was_refused(&self) -> bool {
        self.ring.mem.status(self.slot) == SlotStatus::WrongFormat
    }

    /// Queues the first `len` bytes of [`buf`](Self::buf) as a frame; sent at the next
    /// [`TxRing::flush`]. `len` over the capacity is
    /// [`RingError::FrameTooLong`](crate::RingError::FrameTooLong) and the slot stays free.
    pub fn send(self, len: usize) -> Result<()> {
        let max = self.ring.mem.capacity();
        if len > max {
            return Err(too_long(len, max));
        }
        self.ring.mem.submit(self.slot, len as u32);
        self.ring.next = (self.slot + 1) % self.ring.slots();
        Ok(())
    }
}

impl core::fmt::Debug for TxSlot<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TxSlot").field("slot", &self.slot).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configs_are_checked() {
        let ok = RingConfig::default();
        assert!(ok.request().is_ok());
        let bad = |c: RingConfig| c.request().unwrap_err();
        assert_eq!(
            bad(RingConfig {
                block_size: 1000,
                ..ok
            }),
            Error::Ring(RingError::BlockSize)
        );
        assert_eq!(
            bad(RingConfig {
                frame_size: 2050,
                ..ok
            }),
            Error::Ring(RingError::FrameSize)
        );
        assert_eq!(
            bad(RingConfig {
                frame_size: 32,
                ..ok
            }),
            Error::Ring(RingError::FrameSize)
        );
        assert_eq!(
            bad(RingConfig {
                frame_size: 1 << 20,
                ..ok
            }),
            Error::Ring(RingError::FrameLargerThanBlock)
        );
        assert_eq!(
            bad(RingConfig {
                block_count: 0,
                ..ok
            }),
            Error::Ring(RingError::BlockCount)
        );
        assert_eq!(
            bad(RingConfig {
                retire_timeout: Duration::from_secs(1 << 40),
                ..ok
            }),
            Error::Ring(RingError::RetireTimeout)
        );
    }

    #[test]
    fn frames_parse_and_odd_offsets_are_errors() {
        // A block with one 60-byte frame at offset 64, and a second whose offset runs off.
        let mut b = [0u8; 512];
        b[12..16].copy_from_slice(&2u32.to_ne_bytes());
        b[16..20].copy_from_slice(&64u32.to_ne_bytes());
        let h = 64;
        b[h..h + 4].copy_from_slice(&1000u32.to_ne_bytes()); // next: far outside
        b[h + 12..h + 16].copy_from_slice(&60u32.to_ne_bytes()); // snaplen
        b[h + 16..h + 20].copy_from_slice(&90u32.to_ne_bytes()); // len
        b[h + 24..h + 26].copy_from_slice(&80u16.to_ne_bytes()); // mac offset
        let mut frames = Frames {
            block: &b,
            left: 2,
            at: 64,
        };
        let f = frames.next().unwrap().unwrap();
        assert_eq!(
            (f.data().len(), f.original_len(), f.is_truncated()),
            (60, 90, true)
        );
        assert_eq!(
            frames.next().unwrap().unwrap_err(),
            Error::Ring(RingError::Malformed)
        );
        assert!(frames.next().is_none());
    }
}
