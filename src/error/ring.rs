//! [`RingError`]: the packet rings' refusals (see [`RxRing`](crate::RxRing)).

use core::fmt;

/// Why a packet ring refused ([`Error::Ring`](crate::Error::Ring)): a configuration refused
/// before the kernel sees it (see [`RingConfig`](crate::RingConfig)), a frame too long for a
/// transmit slot, or a block that points outside itself.
///
/// ```
/// use baresock::Error;
/// use baresock::packet::RingError;
/// let e = Error::Ring(RingError::FrameTooLong { len: 9000, max: 2048 });
/// assert_eq!(e.to_string(), "a 9000-byte frame does not fit a ring slot of 2048 bytes");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum RingError {
    /// The block size is not a positive multiple of the page size.
    BlockSize,
    /// The frame size is not a multiple of 16, or smaller than a frame header (68 bytes).
    FrameSize,
    /// A frame is larger than a block.
    FrameLargerThanBlock,
    /// No blocks, or more memory than can be addressed.
    BlockCount,
    /// The retire timeout does not fit the kernel's milliseconds.
    RetireTimeout,
    /// A frame longer than a transmit ring's slot holds.
    FrameTooLong {
        /// The frame's length.
        len: u32,
        /// The most a slot holds.
        max: u32,
    },
    /// A ring block holds an offset outside itself (the kernel never writes one).
    Malformed,
}

impl fmt::Display for RingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match *self {
            RingError::BlockSize => "ring block size must be a positive multiple of the page size",
            RingError::FrameSize => "ring frame size must be a multiple of 16 and at least 68",
            RingError::FrameLargerThanBlock => "ring frame size is larger than the block size",
            RingError::BlockCount => "ring needs at least one block, and fewer than fit in memory",
            RingError::RetireTimeout => "ring retire timeout is too long",
            RingError::FrameTooLong { len, max } => {
                return write!(
                    f,
                    "a {len}-byte frame does not fit a ring slot of {max} bytes"
                );
            }
            RingError::Malformed => "a ring block points outside itself",
        })
    }
}
