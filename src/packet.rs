//! Link-layer (`AF_PACKET`) values beside [`PacketSocket`](crate::PacketSocket): packet kinds,
//! fanout, memberships, statistics, the memory-mapped rings ([`RxRing`], [`TxRing`]) and their
//! errors, EtherTypes ([`ether`]) and packet types.
//!
//! The socket itself and its address ([`LinkAddr`](crate::LinkAddr)) are at the crate root.

pub use crate::addr::{ether, PacketType, LINK_ADDR_MAX};
pub use crate::error::RingError;
pub use crate::net::{
    Block, Fanout, FanoutFlags, FanoutMode, Frame, Frames, Membership, PacketKind, PacketStats,
    RingConfig, RxRing, TxRing, TxRingConfig, TxSlot,
};
