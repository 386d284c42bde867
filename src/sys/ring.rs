//! The memory of a `TPACKET_V3` receive ring (packet_mmap, Documentation/networking/packet_mmap.rst):
//! `mmap`ed once, shared with the kernel block by block.
//!
//! Ownership of each block passes between the kernel and us through its `block_status` word:
//! `TP_STATUS_KERNEL` (0) while the kernel fills it, `TP_STATUS_USER` once it hands it over.
//! That word is only ever touched as an atomic (acquire to take, release to give back), and a
//! byte slice is made over a block only while we own it, so no slice aliases memory the
//! kernel writes. Everything inside a block is then parsed from those bytes, with bounds
//! checks, outside this module.

use core::ptr::NonNull;
use core::sync::atomic::{AtomicU32, Ordering};

use linux_raw_sys::general as g;
use linux_raw_sys::if_packet as kp;
use rustix::fd::{AsRawFd, BorrowedFd};

use crate::sys::sockopt;
use crate::{Error, Result};

/// `struct tpacket_req3` (linux/if_packet.h).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TpacketReq3 {
    pub(crate) block_size: u32,
    pub(crate) block_nr: u32,
    pub(crate) frame_size: u32,
    pub(crate) frame_nr: u32,
    pub(crate) retire_blk_tov: u32,
    pub(crate) sizeof_priv: u32,
    pub(crate) feature_req_word: u32,
}

// SAFETY: seven `u32`s, `repr(C)`, no padding.
unsafe impl sockopt::Pod for TpacketReq3 {}

/// Offset of `block_status` in `struct tpacket_block_desc` (after `version` and
/// `offset_to_priv`, in `hdr.bh1`).
const BLOCK_STATUS: usize = 8;

/// Switches the socket to `TPACKET_V3`, asks for the ring `which` (`PACKET_RX_RING` or
/// `PACKET_TX_RING`) and maps it: its base and length.
fn setup(fd: BorrowedFd<'_>, which: u32, req: TpacketReq3) -> Result<(NonNull<u8>, usize)> {
    sockopt::set(
        fd,
        linux_raw_sys::net::SOL_PACKET,
        kp::PACKET_VERSION,
        &(kp::tpacket_versions::TPACKET_V3 as i32),
    )?;
    sockopt::set(fd, linux_raw_sys::net::SOL_PACKET, which, &req)?;
    let len = (req.block_size as usize)
        .checked_mul(req.block_nr as usize)
        .ok_or(Error::Os(rustix::io::Errno::INVAL))?;
    let base = mmap_shared(fd, len)?;
    Ok((base, len))
}

/// `mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)`: a new shared mapping of the
/// socket's ring. `mmap2` on 32-bit x86 and Arm (the offset, 0, is the same in either unit);
/// on s390x `mmap` is the kernel's `old_mmap`, which takes its six arguments in memory, through
/// one pointer (as rustix does there).
fn mmap_shared(fd: BorrowedFd<'_>, len: usize) -> Result<NonNull<u8>> {
    let args = [
        0,
        len,
        (g::PROT_READ | g::PROT_WRITE) as usize,
        g::MAP_SHARED as usize,
        fd.as_raw_fd() as usize,
        0,
    ];
    #[cfg(target_arch = "s390x")]
    // SAFETY: `args` is the six-word argument block `old_mmap` reads, live across the call; a
    // new mapping at an address the kernel chooses (NULL hint, no `MAP_FIXED`) touches no
    // existing memory.
    let r = unsafe { syscalls::syscall1(syscalls::Sysno::mmap, args.as_ptr() as usize) };
    #[cfg(not(target_arch = "s390x"))]
    // SAFETY: a new mapping at an address the kernel chooses (NULL hint, no `MAP_FIXED`):
    // no existing memory is touched.
    let r = unsafe {
        #[cfg(any(target_arch = "x86", target_arch = "arm"))]
        let call = syscalls::Sysno::mmap2;
        #[cfg(not(any(target_arch = "x86", target_arch = "arm")))]
        let call = syscalls::Sysno::mmap;
        let [a0, a1, a2, a3, a4, a5] = args;
        syscalls::syscall6(call, a0, a1, a2, a3, a4, a5)
    };
    let ptr = r.map_err(super::errno)?;
    NonNull::new(ptr as *mut u8).ok_or(Error::Os(rustix::io::Errno::NOMEM))
}

/// `munmap(base, len)`, its error ignored (there is none for a whole mapping `mmap_shared`
/// made).
///
/// # Safety
///
/// `base` and `len` must be a mapping `mmap_shared` made, which nothing uses any more.
unsafe fn munmap(base: NonNull<u8>, len: usize) {
    // SAFETY: the caller's promise: the mapping is unused from here on.
    let _ = unsafe { syscalls::syscall2(syscalls::Sysno::munmap, base.as_ptr() as usize, len) };
}

/// A mapped receive ring.
pub(crate) struct Ring {
    base: NonNull<u8>,
    block_size: usize,
    blocks: usize,
}

// SAFETY: the mapping is plain shared memory; every access to memory the kernel may write
// concurrently goes through atomics, and slices are made only over blocks we own.
unsafe impl Send for Ring {}

impl Ring {
    /// Switches the socket to `TPACKET_V3`, asks the kernel for the ring and maps it.
    pub(crate) fn new(fd: BorrowedFd<'_>, req: TpacketReq3) -> Result<Ring> {
        let (base, _) = setup(fd, kp::PACKET_RX_RING, req)?;
        Ok(Ring {
            base,
            block_size: req.block_size as usize,
            blocks: req.block_nr as usize,
        })
    }

    /// How many blocks.
    pub(crate) fn blocks(&self) -> usize {
        self.blocks
    }

    fn status(&self, block: usize) -> &AtomicU32 {
        let i = block % self.blocks;
        // SAFETY: `i * block_size + 8` lies within the mapping (blocks are at least a page),
        // is 4-byte aligned (blocks are page-aligned), and the word is only ever accessed
        // atomically, by us and by the kernel.
        unsafe {
            &*self
                .base
                .as_ptr()
                .add(i * self.block_size + BLOCK_STATUS)
                .cast::<AtomicU32>()
        }
    }

    /// The block's bytes, if the kernel has handed it to us.
    pub(crate) fn take(&self, block: usize) -> Option<&[u8]> {
        if self.status(block).load(Ordering::Acquire) & kp::TP_STATUS_USER == 0 {
            return None;
        }
        let i = block % self.blocks;
        // SAFETY: the block is ours (TP_STATUS_USER, read with acquire so the kernel's writes
        // to it are visible); the kernel does not write it until `release`, which takes
        // `&mut self` and so cannot run while this slice (borrowing `&self`) lives.
        Some(unsafe {
            core::slice::from_raw_parts(
                self.base.as_ptr().add(i * self.block_size),
                self.block_size,
            )
        })
    }

    /// Hands the block back to the kernel. `&mut self`: no slice of it may outlive this.
    pub(crate) fn release(&mut self, block: usize) {
        self.status(block)
            .store(kp::TP_STATUS_KERNEL, Ordering::Release);
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, of this length; nothing borrows it any more
        // (slices borrow the `Ring`).
        unsafe { munmap(self.base, self.block_size * self.blocks) };
    }
}

/// Offset of `tp_status` in `struct tpacket3_hdr`.
const FRAME_STATUS: usize = 20;
/// Offset of `tp_len` in `struct tpacket3_hdr`.
const FRAME_LEN: usize = 16;
/// Where a frame's data starts in its slot without `PACKET_TX_HAS_OFF`:
/// `TPACKET3_HDRLEN - sizeof(struct sockaddr_ll)`, i.e. `TPACKET_ALIGN(sizeof(tpacket3_hdr))`.
pub(crate) const TX_DATA: usize = 48;

/// What a transmit slot's status word says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SlotStatus {
    /// Ours to fill (`TP_STATUS_AVAILABLE`).
    Available,
    /// The kernel refused the frame in it (`TP_STATUS_WRONG_FORMAT`); ours again.
    WrongFormat,
    /// Queued or being sent: the kernel's.
    Busy,
}

/// A mapped `TPACKET_V3` transmit ring: `frames` slots of `frame_size` bytes, laid out block by
/// block. A slot belongs to us while its status is `TP_STATUS_AVAILABLE` or
/// `TP_STATUS_WRONG_FORMAT` and to the kernel once we set `TP_STATUS_SEND_REQUEST`, until the
/// kernel sets it back after sending.
pub(crate) struct TxMem {
    base: NonNull<u8>,
    len: usize,
    block_size: usize,
    frame_size: usize,
    per_block: usize,
    frames: usize,
}

// SAFETY: as for `Ring`: shared memory, status words only through atomics, slices only over
// slots we own.
unsafe impl Send for TxMem {}

impl TxMem {
    /// Switches the socket to `TPACKET_V3`, asks the kernel for a transmit ring and maps it.
    /// `req` must have `frame_size <= block_size`, both nonzero, and no retire timeout.
    pub(crate) fn new(fd: BorrowedFd<'_>, req: TpacketReq3) -> Result<TxMem> {
        let (base, len) = setup(fd, kp::PACKET_TX_RING, req)?;
        let per_block = (req.block_size / req.frame_size) as usize;
        Ok(TxMem {
            base,
            len,
            block_size: req.block_size as usize,
            frame_size: req.frame_size as usize,
            per_block,
            frames: per_block * req.block_nr as usize,
        })
    }

    /// How many slots.
    pub(crate) fn frames(&self) -> usize {
        self.frames
    }

    /// Bytes one frame may hold.
    pub(crate) fn capacity(&self) -> usize {
        self.frame_size - TX_DATA
    }

    fn slot_offset(&self, slot: usize) -> usize {
        let i = slot % self.frames;
        (i / self.per_block) * self.block_size + (i % self.per_block) * self.frame_size
    }

    fn word(&self, slot: usize, at: usize) -> &AtomicU32 {
        // SAFETY: a slot's offset plus `at + 4` (at most 24) lies within the mapping (slots
        // are at least 68 bytes and lie within their block), is 4-byte aligned (blocks are
        // page-aligned, frame sizes multiples of 16), and the kernel touches these words of a
        // slot only while it owns the slot, so concurrent access is atomic on both sides.
        unsafe {
            &*self
                .base
                .as_ptr()
                .add(self.slot_offset(slot) + at)
                .cast::<AtomicU32>()
        }
    }

    /// Who has the slot.
    pub(crate) fn status(&self, slot: usize) -> SlotStatus {
        match self.word(slot, FRAME_STATUS).load(Ordering::Acquire) {
            kp::TP_STATUS_AVAILABLE => SlotStatus::Available,
            kp::TP_STATUS_WRONG_FORMAT => SlotStatus::WrongFormat,
            _ => SlotStatus::Busy,
        }
    }

    /// The slot's data area, to fill. `None` while the kernel has the slot.
    pub(crate) fn data(&mut self, slot: usize) -> Option<&mut [u8]> {
        if self.status(slot) == SlotStatus::Busy {
            return None;
        }
        let start = self.slot_offset(slot) + TX_DATA;
        // SAFETY: the slot is ours (available or refused, read with acquire), so the kernel
        // neither reads nor writes it until `submit`, which takes `&mut self` and so cannot
        // run while this slice lives; `start + capacity` ends within the slot, in the mapping.
        Some(unsafe {
            core::slice::from_raw_parts_mut(self.base.as_ptr().add(start), self.capacity())
        })
    }

    /// Hands a slot we own to the kernel, to send `len` bytes of its data area.
    pub(crate) fn submit(&mut self, slot: usize, len: u32) {
        self.word(slot, FRAME_LEN).store(len, Ordering::Relaxed);
        // `tp_next_offset` must be 0 in a V3 transmit ring; the kernel never changes it.
        self.word(slot, 0).store(0, Ordering::Relaxed);
        self.word(slot, FRAME_STATUS)
            .store(kp::TP_STATUS_SEND_REQUEST, Ordering::Release);
    }
}

impl Drop for TxMem {
    fn drop(&mut self) {
        // SAFETY: the mapping made in `new`, of this length; slices borrow the `TxMem`.
        unsafe { munmap(self.base, self.len) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn layouts_match_uapi() {
        assert_eq!(size_of::<TpacketReq3>(), size_of::<kp::tpacket_req3>());
        assert_eq!(offset_of!(kp::tpacket_block_desc, hdr), 8);
        assert_eq!(offset_of!(kp::tpacket_hdr_v1, block_status), 0);
        assert_eq!(offset_of!(kp::tpacket_hdr_v1, num_pkts), 4);
        assert_eq!(offset_of!(kp::tpacket_hdr_v1, offset_to_first_pkt), 8);
        assert_eq!(offset_of!(kp::tpacket_hdr_v1, blk_len), 12);
        assert_eq!(offset_of!(kp::tpacket_hdr_v1, seq_num), 16);
        assert_eq!(offset_of!(kp::tpacket3_hdr, tp_next_offset), 0);
        assert_eq!(offset_of!(kp::tpacket3_hdr, tp_sec), 4);
        assert_eq!(offset_of!(kp::tpacket3_hdr, tp_nsec), 8);
        assert_eq!(offset_of!(kp::tpacket3_hdr, tp_snaplen), 12);
        assert_eq!(offset_of!(kp::tpacket3_hdr, tp_len), 16);
        assert_eq!(offset_of!(kp::tpacket3_hdr, tp_status), 20);
        assert_eq!(offset_of!(kp::tpacket3_hdr, tp_mac), 24);
        assert_eq!(offset_of!(kp::tpacket3_hdr, tp_net), 26);
        assert_eq!(size_of::<kp::tpacket3_hdr>(), 48);
        assert_eq!(offset_of!(kp::tpacket3_hdr, tp_status), FRAME_STATUS);
        assert_eq!(offset_of!(kp::tpacket3_hdr, tp_len), FRAME_LEN);
        // TPACKET3_HDRLEN - sizeof(struct sockaddr_ll)
        let align = kp::TPACKET_ALIGNMENT as usize;
        let hdr = size_of::<kp::tpacket3_hdr>().div_ceil(align) * align;
        let tpacket3_hdrlen = hdr + size_of::<kp::sockaddr_ll>();
        assert_eq!(tpacket3_hdrlen - size_of::<kp::sockaddr_ll>(), TX_DATA);
        assert_eq!(tpacket3_hdrlen, 68, "the smallest frame");
        assert_eq!(offset_of!(kp::tpacket_hdr_variant1, tp_vlan_tci), 4);
        assert_eq!(offset_of!(kp::tpacket_hdr_variant1, tp_vlan_tpid), 8);
    }
}
