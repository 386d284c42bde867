//! Netlink messages in the caller's bytes: [`Messages`], [`Message`], [`Attrs`] and [`Attr`]
//! read replies without copying ([`MessageWriter`](super::MessageWriter) builds requests).
//!
//! Every length is checked once, where a view is made ([`Messages::new`] checks each message
//! header of a datagram, [`Attrs::new`] each attribute header of one level); the views then
//! hand out what was checked without failing. The typed getters check the payload's length
//! against their type. Nothing here panics on any bytes.

use core::mem::size_of;

use super::NetlinkError;
use crate::{Error, Result};

/// `sizeof(struct nlmsghdr)`: length, type, flags, sequence number, port id.
#[doc(alias = "NLMSG_HDRLEN")]
pub const HEADER_LEN: usize = 16;
/// `sizeof(struct nlattr)`: length and type.
#[doc(alias = "NLA_HDRLEN")]
pub const ATTR_HEADER_LEN: usize = 4;
/// `NLA_F_NESTED`: the attribute holds attributes (masked out of [`Attr::kind`]).
pub const NLA_F_NESTED: u16 = 0x8000;
/// `NLA_F_NET_BYTEORDER`: the payload is in network byte order (masked out of [`Attr::kind`]).
pub const NLA_F_NET_BYTEORDER: u16 = 0x4000;
/// The bits of `nla_type` that are the type.
pub(crate) const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// The control message types below `NLMSG_MIN_TYPE` (linux/netlink.h).
pub mod kind {
    /// Nothing; to be skipped (`NLMSG_NOOP`).
    #[doc(alias = "NLMSG_NOOP")]
    pub const NOOP: u16 = 1;
    /// An error or an acknowledgement (`NLMSG_ERROR`): see
    /// [`ErrorMessage`](super::ErrorMessage).
    #[doc(alias = "NLMSG_ERROR")]
    pub const ERROR: u16 = 2;
    /// The end of a dump (`NLMSG_DONE`), with an `int` error.
    #[doc(alias = "NLMSG_DONE")]
    pub const DONE: u16 = 3;
    /// Data lost (`NLMSG_OVERRUN`).
    #[doc(alias = "NLMSG_OVERRUN")]
    pub const OVERRUN: u16 = 4;
    /// The first type a protocol's own messages may have (`NLMSG_MIN_TYPE`).
    #[doc(alias = "NLMSG_MIN_TYPE")]
    pub const MIN_TYPE: u16 = 0x10;
}

/// The extended ack's attribute types (`enum nlmsgerr_attrs`).
pub mod ext_ack {
    /// The error message text (`NLMSGERR_ATTR_MSG`, a string).
    pub const MSG: u16 = 1;
    /// The offset of the offending attribute in the request (`NLMSGERR_ATTR_OFFS`, u32).
    pub const OFFS: u16 = 2;
    /// A cookie of the subsystem (`NLMSGERR_ATTR_COOKIE`, bytes).
    pub const COOKIE: u16 = 3;
    /// The policy of the rejected attribute (`NLMSGERR_ATTR_POLICY`, nested).
    pub const POLICY: u16 = 4;
    /// The type of a missing required attribute (`NLMSGERR_ATTR_MISS_TYPE`, u32).
    pub const MISS_TYPE: u16 = 5;
    /// The offset of the nest where an attribute is missing (`NLMSGERR_ATTR_MISS_NEST`, u32).
    pub const MISS_NEST: u16 = 6;
}

bitflags::bitflags! {
    /// A message's flags (`nlmsg_flags`, `NLM_F_*`). Some bits mean different things in
    /// a GET, a NEW, a DELETE request and an ack: each meaning has its name.
    ///
    /// ```
    /// use baresock::netlink::MessageFlags;
    /// assert_eq!(MessageFlags::DUMP, MessageFlags::ROOT | MessageFlags::MATCH);
    /// assert_eq!(MessageFlags::DUMP.bits(), 0x300);
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct MessageFlags: u16 {
        /// A request (`NLM_F_REQUEST`).
        const REQUEST = 0x01;
        /// A part of a multi-part reply, ended by `NLMSG_DONE` (`NLM_F_MULTI`).
        const MULTI = 0x02;
        /// Asks for an acknowledgement (`NLM_F_ACK`).
        const ACK = 0x04;
        /// Asks for the notifications the request causes (`NLM_F_ECHO`).
        const ECHO = 0x08;
        /// The dump was inconsistent: the objects changed while it ran (`NLM_F_DUMP_INTR`).
        const DUMP_INTR = 0x10;
        /// The dump was filtered as asked (`NLM_F_DUMP_FILTERED`).
        const DUMP_FILTERED = 0x20;
        /// GET: the tree's root (`NLM_F_ROOT`).
        const ROOT = 0x100;
        /// GET: every match (`NLM_F_MATCH`).
        const MATCH = 0x200;
        /// GET: atomically (`NLM_F_ATOMIC`).
        const ATOMIC = 0x400;
        /// GET: the whole table (`NLM_F_DUMP`, `ROOT | MATCH`).
        const DUMP = 0x300;
        /// NEW: replace what exists (`NLM_F_REPLACE`).
        const REPLACE = 0x100;
        /// NEW: fail if it exists (`NLM_F_EXCL`).
        const EXCL = 0x200;
        /// NEW: create if it does not exist (`NLM_F_CREATE`).
        const CREATE = 0x400;
        /// NEW: add at the end (`NLM_F_APPEND`).
        const APPEND = 0x800;
        /// DELETE: not recursively (`NLM_F_NONREC`).
        const NONREC = 0x100;
        /// DELETE: several objects (`NLM_F_BULK`).
        const BULK = 0x200;
        /// Ack: the request was capped to its header (`NLM_F_CAPPED`).
        const CAPPED = 0x100;
        /// Ack: extended ack attributes follow (`NLM_F_ACK_TLVS`).
        const ACK_TLVS = 0x200;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for MessageFlags {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "MessageFlags({=u16:#x})", self.bits())
    }
}

/// Netlink's 4-byte alignment (`NLMSG_ALIGN`, `NLA_ALIGN`), saturating.
#[inline]
pub const fn align(len: usize) -> usize {
    match len.checked_add(3) {
        Some(l) => l & !3,
        None => usize::MAX & !3,
    }
}

pub(crate) fn u16_at(b: &[u8], at: usize) -> u16 {
    match b.get(at..at + 2) {
        Some(&[x, y]) => u16::from_ne_bytes([x, y]),
        _ => 0,
    }
}

pub(crate) fn u32_at(b: &[u8], at: usize) -> u32 {
    match b.get(at..at + 4) {
        Some(&[a, c, d, e]) => u32::from_ne_bytes([a, c, d, e]),
        _ => 0,
    }
}

pub(crate) fn nl(e: NetlinkError) -> Error {
    Error::Netlink(e)
}

/// The messages of one datagram, each header checked ([`Messages::new`]); iterate it.
///
/// ```
/// use baresock::netlink::{Messages, kind};
/// // NLMSG_DONE with error 0, as the kernel ends a dump.
/// let mut done = [0u8; 20];
/// done[0..4].copy_from_slice(&20u32.to_ne_bytes());
/// done[4..6].copy_from_slice(&kind::DONE.to_ne_bytes());
/// let m = Messages::new(&done)?.into_iter().next().unwrap();
/// assert_eq!((m.kind(), m.done_error()), (kind::DONE, Some(0)));
/// assert!(Messages::new(&done[..19]).is_err());
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Messages<'a> {
    bytes: &'a [u8],
}

impl<'a> Messages<'a> {
    /// Checks every message header of `datagram`: a length below the header, past the
    /// datagram, or bytes after the last message too short for a header are
    /// [`NetlinkError::MessageLength`] and [`NetlinkError::Short`].
    pub fn new(datagram: &'a [u8]) -> Result<Messages<'a>> {
        let mut at = 0;
        while at < datagram.len() {
            let left = datagram.len() - at;
            if left < HEADER_LEN {
                return Err(nl(NetlinkError::Short {
                    needed: HEADER_LEN as u32,
                    got: left as u32,
                }));
            }
            let len = u32_at(datagram, at) as usize;
            if len < HEADER_LEN || len > left {
                return Err(nl(NetlinkError::MessageLength {
                    len: len as u32,
                    left: left as u32,
                }));
            }
            at = at.saturating_add(align(len));
        }
        Ok(Messages { bytes: datagram })
    }
}

impl<'a> IntoIterator for Messages<'a> {
    type Item = Message<'a>;
    type IntoIter = MessageIter<'a>;

    fn into_iter(self) -> MessageIter<'a> {
        MessageIter { rest: self.bytes }
    }
}

/// The iterator of [`Messages`].
#[derive(Clone, Debug)]
pub struct MessageIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for MessageIter<'a> {
    type Item = Message<'a>;

    fn next(&mut self) -> Option<Message<'a>> {
        // Checked by `Messages::new`; re-checked cheaply, never trusted into a panic.
        let len = u32_at(self.rest, 0) as usize;
        if self.rest.len() < HEADER_LEN || len < HEADER_LEN || len > self.rest.len() {
            self.rest = &[];
            return None;
        }
        let (m, rest) = self.rest.split_at(len);
        self.rest = rest.get(align(len) - len..).unwrap_or(&[]);
        Some(Message { bytes: m })
    }
}

/// One message: its header checked, its payload the bytes its length says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    bytes: &'a [u8],
}

impl<'a> Message<'a> {
    /// Checks one message that fills `bytes` (up to its padding).
    pub(crate) fn first(bytes: &'a [u8]) -> Option<Message<'a>> {
        MessageIter { rest: bytes }.next()
    }

    /// The message type (`nlmsg_type`).
    pub fn kind(&self) -> u16 {
        u16_at(self.bytes, 4)
    }

    /// The flags (`nlmsg_flags`).
    pub fn flags(&self) -> MessageFlags {
        MessageFlags::from_bits_retain(u16_at(self.bytes, 6))
    }

    /// The sequence number (`nlmsg_seq`).
    pub fn seq(&self) -> u32 {
        u32_at(self.bytes, 8)
    }

    /// The port id (`nlmsg_pid`): in a reply, the requester's.
    pub fn port_id(&self) -> u32 {
        u32_at(self.bytes, 12)
    }

    /// The payload after the header.
    pub fn payload(&self) -> &'a [u8] {
        self.bytes.get(HEADER_LEN..).unwrap_or(&[])
    }

    /// The whole message, header included.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The payload as a fixed header of `header_len` bytes (`ifinfomsg`: 16, `ifaddrmsg`:
    /// 8, `rtmsg`: 12, ...) and the attributes after it (at its aligned end), checked:
    /// [`NetlinkError::Short`] for a payload shorter than the header.
    pub fn split(&self, header_len: usize) -> Result<(&'a [u8], Attrs<'a>)> {
        let p = self.payload();
        if p.len() < header_len {
            return Err(nl(NetlinkError::Short {
                needed: crate::error::sat32(header_len),
                got: p.len() as u32,
            }));
        }
        let attrs = p.get(align(header_len)..).unwrap_or(&[]);
        Ok((&p[..header_len], Attrs::new(attrs)?))
    }

    /// For `NLMSG_ERROR`, the error or acknowledgement it is; `None` for other types.
    pub fn error(&self) -> Option<Result<ErrorMessage<'a>>> {
        (self.kind() == kind::ERROR).then(|| ErrorMessage::decode(self.payload(), self.flags()))
    }

    /// For `NLMSG_DONE`, its error (0, or a negative errno); `None` for other types. A
    /// `NLMSG_DONE` without the error field (older protocols) reads as 0.
    pub fn done_error(&self) -> Option<i32> {
        (self.kind() == kind::DONE).then(|| match self.payload().first_chunk::<4>() {
            Some(b) => i32::from_ne_bytes(*b),
            None => 0,
        })
    }
}

/// The errno of an error field: `None` for 0, [`NetlinkError::BadErrorCode`] outside
/// -4095 to 0.
pub(crate) fn errno_of(raw: i32) -> Result<Option<rustix::io::Errno>> {
    match raw {
        0 => Ok(None),
        -4095..=-1 => Ok(Some(rustix::io::Errno::from_raw_os_error(-raw))),
        _ => Err(nl(NetlinkError::BadErrorCode { raw })),
    }
}

/// An `NLMSG_ERROR` message: an error (`errno` not 0) or an acknowledgement, the header of the
/// request it answers, and the extended ack's attributes.
///
/// ```
/// use baresock::netlink::{ErrorMessage, MessageFlags};
/// // error -22 (EINVAL), the request's header (capped), no extended ack.
/// let mut body = [0u8; 20];
/// body[0..4].copy_from_slice(&(-22i32).to_ne_bytes());
/// body[4..8].copy_from_slice(&16u32.to_ne_bytes());
/// body[12..16].copy_from_slice(&7u32.to_ne_bytes()); // its sequence number
/// let e = ErrorMessage::decode(&body, MessageFlags::CAPPED)?;
/// assert_eq!(e.errno(), Some(baresock::Errno::INVAL));
/// assert_eq!(e.request().seq(), 7);
/// assert_eq!(e.ext_ack().message(), None);
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ErrorMessage<'a> {
    error: i32,
    request: Message<'a>,
    ext: Attrs<'a>,
}

impl<'a> ErrorMessage<'a> {
    /// Reads the payload of an `NLMSG_ERROR` whose message had `flags`: the error, the
    /// request's header (and its payload, unless [`CAPPED`](MessageFlags::CAPPED)), and, with
    /// [`ACK_TLVS`](MessageFlags::ACK_TLVS), the extended ack's attributes; each length
    /// checked.
    pub fn decode(payload: &'a [u8], flags: MessageFlags) -> Result<ErrorMessage<'a>> {
        let needed = 4 + HEADER_LEN;
        if payload.len() < needed {
            return Err(nl(NetlinkError::Short {
                needed: needed as u32,
                got: payload.len() as u32,
            }));
        }
        let error = i32::from_ne_bytes([payload[0], payload[1], payload[2], payload[3]]);
        errno_of(error)?;
        let rest = &payload[4..];
        let request_len = if flags.contains(MessageFlags::CAPPED) {
            HEADER_LEN
        } else {
            let len = u32_at(rest, 0) as usize;
            if len < HEADER_LEN || len > rest.len() {
                return Err(nl(NetlinkError::MessageLength {
                    len: len as u32,
                    left: rest.len() as u32,
                }));
            }
            len
        };
        let request = Message {
            bytes: &rest[..request_len],
        };
        let ext = if flags.contains(MessageFlags::ACK_TLVS) {
            Attrs::new(rest.get(align(request_len)..).unwrap_or(&[]))?
        } else {
            Attrs::empty()
        };
        Ok(ErrorMessage {
            error,
            request,
            ext,
        })
    }

    /// The kernel's raw error field: 0 for an acknowledgement, else a negative errno.
    pub fn raw_error(&self) -> i32 {
        self.error
    }

    /// The errno; `None` for an acknowledgement.
    pub fn errno(&self) -> Option<rustix::io::Errno> {
        errno_of(self.error).ok().flatten()
    }

    /// The request it answers: its header (and payload, if the kernel echoed it).
    pub fn request(&self) -> Message<'a> {
        self.request
    }

    /// The extended ack (empty without `NETLINK_EXT_ACK` or when the kernel had nothing to
    /// say).
    pub fn ext_ack(&self) -> ExtAck<'a> {
        ExtAck { attrs: self.ext }
    }
}

/// The extended ack of an `NLMSG_ERROR` (`NLMSGERR_ATTR_*`): what the kernel said about a
/// refusal, or a warning beside an acknowledgement.
#[derive(Clone, Copy, Debug)]
pub struct ExtAck<'a> {
    attrs: Attrs<'a>,
}

impl<'a> ExtAck<'a> {
    /// The message text (`NLMSGERR_ATTR_MSG`), if there is one and it is a proper string.
    pub fn message(&self) -> Option<&'a str> {
        self.attrs.find(ext_ack::MSG).and_then(|a| a.str().ok())
    }

    /// The offset of the offending attribute in the request, from its header on
    /// (`NLMSGERR_ATTR_OFFS`).
    pub fn offset(&self) -> Option<u32> {
        self.attrs.find(ext_ack::OFFS).and_then(|a| a.u32().ok())
    }

    /// The subsystem's cookie (`NLMSGERR_ATTR_COOKIE`).
    pub fn cookie(&self) -> Option<&'a [u8]> {
        self.attrs.find(ext_ack::COOKIE).map(|a| a.bytes())
    }

    /// The policy of the rejected attribute (`NLMSGERR_ATTR_POLICY`), as attributes.
    pub fn policy(&self) -> Option<Attrs<'a>> {
        self.attrs
            .find(ext_ack::POLICY)
            .and_then(|a| a.nested().ok())
    }

    /// The type of a missing required attribute (`NLMSGERR_ATTR_MISS_TYPE`).
    pub fn missing_type(&self) -> Option<u32> {
        self.attrs
            .find(ext_ack::MISS_TYPE)
            .and_then(|a| a.u32().ok())
    }

    /// The offset of the nest the attribute is missing from (`NLMSGERR_ATTR_MISS_NEST`).
    pub fn missing_nest(&self) -> Option<u32> {
        self.attrs
            .find(ext_ack::MISS_NEST)
            .and_then(|a| a.u32().ok())
    }

    /// Every attribute of the extended ack.
    pub fn attrs(&self) -> Attrs<'a> {
        self.attrs
    }
}

/// The attributes of one level, each header checked ([`Attrs::new`]); iterate it, or
/// [`find`](Attrs::find) one.
///
/// ```
/// use baresock::netlink::Attrs;
/// // Type 3, "lo\0"; type 4, u32 65536.
/// let mut b = [0u8; 16];
/// b[0..2].copy_from_slice(&7u16.to_ne_bytes());
/// b[2..4].copy_from_slice(&3u16.to_ne_bytes());
/// b[4..7].copy_from_slice(b"lo\0");
/// b[8..10].copy_from_slice(&8u16.to_ne_bytes());
/// b[10..12].copy_from_slice(&4u16.to_ne_bytes());
/// b[12..16].copy_from_slice(&65536u32.to_ne_bytes());
/// let attrs = Attrs::new(&b)?;
/// assert_eq!(attrs.find(3).unwrap().str()?, "lo");
/// assert_eq!(attrs.find(4).unwrap().u32()?, 65536);
/// assert!(attrs.find(4).unwrap().u16().is_err());
/// assert_eq!(attrs.into_iter().count(), 2);
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attrs<'a> {
    bytes: &'a [u8],
}

impl<'a> Attrs<'a> {
    /// No attributes.
    pub const fn empty() -> Attrs<'static> {
        Attrs { bytes: &[] }
    }

    /// Checks every attribute header of `bytes` (one level): a length below the header or
    /// past the bytes is [`NetlinkError::AttributeLength`]; a tail shorter than a header,
    /// [`NetlinkError::Short`].
    pub fn new(bytes: &'a [u8]) -> Result<Attrs<'a>> {
        let mut at = 0;
        while at < bytes.len() {
            let left = bytes.len() - at;
            if left < ATTR_HEADER_LEN {
                return Err(nl(NetlinkError::Short {
                    needed: ATTR_HEADER_LEN as u32,
                    got: left as u32,
                }));
            }
            let len = u16_at(bytes, at);
            if (len as usize) < ATTR_HEADER_LEN || len as usize > left {
                return Err(nl(NetlinkError::AttributeLength {
                    len,
                    left: left as u32,
                }));
            }
            at = at.saturating_add(align(len as usize));
        }
        Ok(Attrs { bytes })
    }

    /// The first attribute of type `kind` (flags masked), if any.
    pub fn find(&self, kind: u16) -> Option<Attr<'a>> {
        self.into_iter().find(|a| a.kind() == kind)
    }

    /// The first attribute of type `kind`, or [`NetlinkError::MissingAttribute`].
    pub fn require(&self, kind: u16) -> Result<Attr<'a>> {
        self.find(kind)
            .ok_or(nl(NetlinkError::MissingAttribute { kind }))
    }

    /// The bytes of the attributes.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

impl<'a> IntoIterator for Attrs<'a> {
    type Item = Attr<'a>;
    type IntoIter = AttrIter<'a>;

    fn into_iter(self) -> AttrIter<'a> {
        AttrIter { rest: self.bytes }
    }
}

/// The iterator of [`Attrs`].
#[derive(Clone, Debug)]
pub struct AttrIter<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for AttrIter<'a> {
    type Item = Attr<'a>;

    fn next(&mut self) -> Option<Attr<'a>> {
        let len = u16_at(self.rest, 0) as usize;
        if self.rest.len() < ATTR_HEADER_LEN || len < ATTR_HEADER_LEN || len > self.rest.len() {
            self.rest = &[];
            return None;
        }
        let raw_kind = u16_at(self.rest, 2);
        let value = &self.rest[ATTR_HEADER_LEN..len];
        self.rest = self.rest.get(align(len)..).unwrap_or(&[]);
        Some(Attr { raw_kind, value })
    }
}

/// One attribute: its type and its payload, with typed getters that check the length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attr<'a> {
    raw_kind: u16,
    value: &'a [u8],
}

macro_rules! getter {
    ($($(#[$doc:meta])* $name:ident -> $t:ty, $from:ident;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> Result<$t> {
            self.array::<{ size_of::<$t>() }>().map(<$t>::$from)
        }
    )*};
}

impl<'a> Attr<'a> {
    /// The type, `NLA_F_NESTED` and `NLA_F_NET_BYTEORDER` masked out.
    pub fn kind(&self) -> u16 {
        self.raw_kind & NLA_TYPE_MASK
    }

    /// Whether `NLA_F_NESTED` is set.
    pub fn is_nested(&self) -> bool {
        self.raw_kind & NLA_F_NESTED != 0
    }

    /// Whether `NLA_F_NET_BYTEORDER` is set.
    pub fn is_net_byteorder(&self) -> bool {
        self.raw_kind & NLA_F_NET_BYTEORDER != 0
    }

    /// The payload.
    pub fn bytes(&self) -> &'a [u8] {
        self.value
    }

    /// The payload as the attributes nested in it, checked (whether or not `NLA_F_NESTED`
    /// is set: many families do not set it).
    pub fn nested(&self) -> Result<Attrs<'a>> {
        Attrs::new(self.value)
    }

    /// The payload as exactly `N` bytes (an address, a struct), else
    /// [`NetlinkError::AttributeSize`].
    pub fn array<const N: usize>(&self) -> Result<[u8; N]> {
        <[u8; N]>::try_from(self.value).map_err(|_| {
            nl(NetlinkError::AttributeSize {
                kind: self.kind(),
                expected: N.min(u16::MAX as usize) as u16,
                got: self.value.len() as u16,
            })
        })
    }

    getter! {
        /// The payload as a `u8`.
        u8 -> u8, from_ne_bytes;
        /// The payload as a `u16` in host byte order.
        u16 -> u16, from_ne_bytes;
        /// The payload as a `u32` in host byte order.
        u32 -> u32, from_ne_bytes;
        /// The payload as a `u64` in host byte order.
        u64 -> u64, from_ne_bytes;
        /// The payload as an `i8`.
        i8 -> i8, from_ne_bytes;
        /// The payload as an `i16` in host byte order.
        i16 -> i16, from_ne_bytes;
        /// The payload as an `i32` in host byte order.
        i32 -> i32, from_ne_bytes;
        /// The payload as an `i64` in host byte order.
        i64 -> i64, from_ne_bytes;
        /// The payload as a `u16` in network byte order.
        u16_be -> u16, from_be_bytes;
        /// The payload as a `u32` in network byte order.
        u32_be -> u32, from_be_bytes;
        /// The payload as a `u64` in network byte order.
        u64_be -> u64, from_be_bytes;
    }

    /// The payload as a NUL-terminated UTF-8 string, without its NUL; no NUL at its end, a
    /// NUL before it, or bytes that are not UTF-8 are [`NetlinkError::BadString`]. (Some
    /// attributes carry padding NULs after the string: they end it too.)
    pub fn str(&self) -> Result<&'a str> {
        let bad = nl(NetlinkError::BadString { kind: self.kind() });
        let Some((&0, _)) = self.value.split_last() else {
            return Err(bad);
        };
        let end = self.value.iter().position(|&b| b == 0).unwrap_or(0);
        if self.value[end..].iter().any(|&b| b != 0) {
            return Err(bad);
        }
        core::str::from_utf8(&self.value[..end]).map_err(|_| bad)
    }
}
