//! Netlink (`AF_NETLINK`, netlink(7)) without heap: sockets, messages written and read in
//! the caller's buffers, the request/ack/dump exchanges the kernel's netlink families share,
//! and kernel uevents (feature `netlink`).
//!
//! - [`NetlinkSocket`]: the socket of one [`NetlinkProtocol`], its address
//!   ([`NetlinkAddr`](crate::NetlinkAddr): port id and groups), group membership and the
//!   `SOL_NETLINK` options; datagrams to and from any port.
//! - [`MessageWriter`] writes requests (header, fixed family header, attributes nested to any
//!   depth) into a buffer; [`Messages`], [`Message`], [`Attrs`], [`Attr`] and
//!   [`ErrorMessage`] read replies in place, each length checked once.
//! - [`Client`] runs exchanges with the kernel: [`ack`](Client::ack),
//!   [`request`](Client::request) (one reply) and [`dump`](Client::dump) (a lending iterator
//!   over a multi-part reply). Each reply is checked: it comes from the kernel (sender port
//!   0; datagrams from user-space senders are ignored and counted), carries the request's
//!   sequence number (stale replies of an abandoned request are skipped) and our port id.
//! - [`uevent`]: the kernel's hotplug messages (`NETLINK_KOBJECT_UEVENT`).
//!
//! # Errors and the extended ack
//!
//! The kernel's refusal is [`NetlinkError::Refused`] inside [`Error::Netlink`](crate::Error):
//! its errno (so [`Error::errno`](crate::Error::errno) and the `is_*` helpers answer as for
//! any errno), and the attribute the extended ack's offset points at, resolved against the
//! request the client still holds (its type, and the top-level attribute it is nested in).
//! The message text cannot live in a `Copy` error of two words: the [`Client`] keeps a copy
//! of it (up to [`EXT_ACK_MESSAGE_MAX`] bytes, a cut marked, never silent) until its next
//! exchange: [`Client::ext_ack_message`]. The error's `Display` says where to look.
//!
//! # Buffer sizes
//!
//! The kernel sizes each part of a dump to what it expects the reader's buffer to hold, at
//! least `NLMSG_GOODSIZE` (one page less overhead, at most 8 KiB): give a dump at least
//! [`RECOMMENDED_BUFFER`] bytes (32 KiB, the most the kernel ever sizes a part to). A reply
//! larger than the buffer is [`NetlinkError::ReplyTooLarge`] with its size, and the rest of
//! that exchange's replies are drained before the error returns: the socket stays usable.
//!
//! # Deadlines
//!
//! Each exchange is bounded by the socket's read timeout as one deadline, from the first
//! wait to the last reply; a signal's `EINTR` is retried with the time left.
//!
//! ```no_run
//! use baresock::netlink::{Client, MessageFlags, MessageWriter, NetlinkProtocol};
//!
//! const RTM_GETLINK: u16 = 18;
//! const IFLA_IFNAME: u16 = 3;
//!
//! let mut client = Client::new(NetlinkProtocol::ROUTE)?;
//! let mut req = [0u8; 64];
//! let mut w = MessageWriter::new(&mut req);
//! w.begin(RTM_GETLINK, MessageFlags::DUMP).fixed(&[0; 16]);
//! let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
//! let mut dump = client.dump(w.finish()?, &mut buf)?;
//! while let Some(link) = dump.next()? {
//!     let (_ifinfomsg, attrs) = link.split(16)?;
//!     println!("{}", attrs.require(IFLA_IFNAME)?.str()?);
//! }
//! # Ok::<(), baresock::Error>(())
//! ```

mod client;
pub mod route;
mod socket;
pub mod uevent;
mod wire;
mod writer;

#[cfg(test)]
mod tests;

pub use crate::error::NetlinkError;
pub use client::{Client, Dump, EXT_ACK_MESSAGE_MAX, RECOMMENDED_BUFFER};
pub use socket::{NetlinkProtocol, NetlinkSocket};
pub use wire::{
    align, ext_ack, kind, Attr, AttrIter, Attrs, ErrorMessage, ExtAck, Message, MessageFlags,
    MessageIter, Messages, ATTR_HEADER_LEN, HEADER_LEN, NLA_F_NESTED, NLA_F_NET_BYTEORDER,
};
pub use writer::{MessageWriter, Nest, Request};
