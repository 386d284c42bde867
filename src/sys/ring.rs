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

use linux_raw_sys::if_packet as kp;
use rustix::fd::BorrowedFd;
use rustix::mm::{mmap, munmap, MapFlags, ProtFlags};

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
        sockopt::set(
            fd,
            linux_raw_sys::net::SOL_PACKET,
            kp::PACKET_VERSION,
            &(kp::tpacket_versions::TPACKET_V3 as i32),
        )?;
        sockopt::set(fd, linux_raw_sys::net::SOL_PACKET, kp::PACKET_RX_RING, &req)?;
        let (block_size, blocks) = (req.block_size as usize, req.block_nr as usize);
        let len = block_size
            .checked_mul(blocks)
            .ok_or(Error::Os(rustix::io::Errno::INVAL))?;
        // SAFETY: a new shared mapping of the socket's ring, which the kernel just made `len`
        // bytes long; no existing memory is touched.
        let ptr = unsafe {
            mmap(
                core::ptr::null_mut(),
                len,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::SHARED,
                fd,
                0,
            )?
        };
        let base = NonNull::new(ptr.cast::<u8>()).ok_or(Error::Os(rustix::io::Errno::NOMEM))?;
        Ok(Ring {
            base,
            block_size,
            blocks,
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
        let _ = unsafe { munmap(self.base.as_ptr().cast(), self.block_size * self.blocks) };
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
        assert_eq!(offset_of!(kp::tpacket_hdr_variant1, tp_vlan_tci), 4);
        assert_eq!(offset_of!(kp::tpacket_hdr_variant1, tp_vlan_tpid), 8);
    }
}
