//! [`NetlinkError`]: netlink's refusals and malformed messages (see
//! [`netlink`](crate::netlink)).

use core::fmt;

use rustix::io::Errno;

/// Why a netlink message could not be written or read, or why the kernel refused a request
/// ([`Error::Netlink`](crate::Error::Netlink); feature `netlink`).
///
/// The kernel's refusal is [`Refused`](NetlinkError::Refused): its errno (which
/// [`Error::errno`](crate::Error::errno) and the `is_*` helpers answer for), the attribute the
/// extended ack names, and whether the kernel gave a message text. The text does not fit a
/// `Copy` error of two words: the [`Client`](crate::netlink::Client) that ran the exchange
/// keeps it, until its next exchange ([`Client::ext_ack_message`](crate::netlink::Client::ext_ack_message)).
///
/// ```
/// use baresock::netlink::NetlinkError;
/// use baresock::{Errno, Error};
/// let e = Error::Netlink(NetlinkError::Refused {
///     errno: Errno::RANGE,
///     attribute: Some(4),
///     parent: None,
///     message: true,
/// });
/// assert_eq!(e.errno(), Some(Errno::RANGE));
/// assert!(e.to_string().contains("attribute 4"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetlinkError {
    /// The kernel refused the request (`NLMSG_ERROR` with an errno, or `NLMSG_DONE` of a dump
    /// with one).
    Refused {
        /// What the kernel answered.
        errno: Errno,
        /// The type of the attribute the extended ack points at (`NLMSGERR_ATTR_OFFS`
        /// resolved against the request), with `NLA_F_NESTED`/`NLA_F_NET_BYTEORDER` masked.
        attribute: Option<u16>,
        /// The type of the top-level attribute it is nested in, if it is nested.
        parent: Option<u16>,
        /// Whether the extended ack had a message text (`NLMSGERR_ATTR_MSG`): see
        /// [`Client::ext_ack_message`](crate::netlink::Client::ext_ack_message).
        message: bool,
    },
    /// The caller's buffer is too small for the message being written: `needed` bytes would
    /// hold it whole. Nothing was cut: the message is not handed out.
    BufferTooSmall {
        /// The bytes the whole message (or batch) needs.
        needed: u32,
    },
    /// An attribute longer than an attribute can be (65,535 bytes with its header).
    AttributeTooLong {
        /// The attribute's length with its header.
        len: u32,
    },
    /// [`end_nested`](crate::netlink::MessageWriter::end_nested) was given a token that is
    /// not the innermost open nest of this writer.
    NestMismatch,
    /// A message header's length is below the header (16 bytes) or past the bytes left.
    MessageLength {
        /// The length the header says.
        len: u32,
        /// The bytes left from the header on.
        left: u32,
    },
    /// An attribute's length is below its header (4 bytes) or past its container.
    AttributeLength {
        /// The length the attribute's header says.
        len: u16,
        /// The bytes left in its container from the attribute on.
        left: u32,
    },
    /// Bytes too short for what they must hold (a message header after the last message, a
    /// family header, the body of an `NLMSG_ERROR`).
    Short {
        /// The bytes needed.
        needed: u32,
        /// The bytes there.
        got: u32,
    },
    /// A typed getter found an attribute of another length than its type.
    AttributeSize {
        /// The attribute's type.
        kind: u16,
        /// The length the getter reads.
        expected: u16,
        /// The attribute's payload length.
        got: u16,
    },
    /// A string attribute without its NUL, with one inside, or not UTF-8.
    BadString {
        /// The attribute's type.
        kind: u16,
    },
    /// A required attribute is missing.
    MissingAttribute {
        /// The attribute's type.
        kind: u16,
    },
    /// A part of a dump had `NLM_F_DUMP_INTR`: the objects changed while it was read, so it
    /// may be inconsistent. Run the dump again
    /// ([`Client::dump_each`](crate::netlink::Client::dump_each) does, a bounded number of times).
    DumpInterrupted,
    /// A reply datagram larger than the buffer (seen with `MSG_TRUNC`): `needed` bytes hold
    /// it. The rest of the exchange's replies were drained, so the next exchange reads
    /// its own.
    ReplyTooLarge {
        /// The datagram's length.
        needed: u32,
    },
    /// An error field (of `NLMSG_ERROR` or `NLMSG_DONE`) that is neither 0 nor a negated
    /// errno (-4095 to -1).
    BadErrorCode {
        /// The field.
        raw: i32,
    },
    /// A reply from the kernel with our sequence number but another port id.
    WrongPortId {
        /// The port id the reply names.
        got: u32,
    },
    /// The kernel acknowledged a request that expected a reply without giving one.
    NoReply,
    /// Bytes that are not a kernel uevent (`action@devpath`, then `KEY=VALUE` strings).
    MalformedUevent,
    /// A uevent from udev (its `libudev` binary header), not from the kernel.
    UdevMessage,
}

impl NetlinkError {
    /// The errno of a [`Refused`](NetlinkError::Refused); `None` for the others.
    ///
    /// ```
    /// use baresock::netlink::NetlinkError;
    /// assert_eq!(NetlinkError::DumpInterrupted.errno(), None);
    /// ```
    pub const fn errno(&self) -> Option<Errno> {
        match *self {
            NetlinkError::Refused { errno, .. } => Some(errno),
            _ => None,
        }
    }
}

impl fmt::Display for NetlinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            NetlinkError::Refused {
                errno,
                attribute,
                parent,
                message,
            } => {
                f.write_str("the kernel refused the netlink request: ")?;
                super::display::fmt_errno(errno, f)?;
                match (attribute, parent) {
                    (Some(a), Some(p)) => write!(f, "; attribute {a} in attribute {p}")?,
                    (Some(a), None) => write!(f, "; attribute {a}")?,
                    _ => {}
                }
                if message {
                    f.write_str(" (see Client::ext_ack_message for the kernel's text)")?;
                }
                Ok(())
            }
            NetlinkError::BufferTooSmall { needed } => {
                write!(
                    f,
                    "netlink buffer too small: the message needs {needed} bytes"
                )
            }
            NetlinkError::AttributeTooLong { len } => {
                write!(f, "netlink attribute of {len} bytes: at most 65535")
            }
            NetlinkError::NestMismatch => {
                f.write_str("netlink nest ended with a token that is not the innermost open one")
            }
            NetlinkError::MessageLength { len, left } => write!(
                f,
                "malformed netlink message: length {len} with {left} bytes left"
            ),
            NetlinkError::AttributeLength { len, left } => write!(
                f,
                "malformed netlink attribute: length {len} with {left} bytes left"
            ),
            NetlinkError::Short { needed, got } => {
                write!(f, "netlink message too short: {got} bytes, {needed} needed")
            }
            NetlinkError::AttributeSize {
                kind,
                expected,
                got,
            } => write!(
                f,
                "netlink attribute {kind} has {got} bytes, {expected} expected"
            ),
            NetlinkError::BadString { kind } => write!(
                f,
                "netlink attribute {kind} is not a NUL-terminated UTF-8 string"
            ),
            NetlinkError::MissingAttribute { kind } => {
                write!(f, "netlink attribute {kind} is missing")
            }
            NetlinkError::DumpInterrupted => {
                f.write_str("netlink dump interrupted by a change (NLM_F_DUMP_INTR): run it again")
            }
            NetlinkError::ReplyTooLarge { needed } => write!(
                f,
                "netlink reply of {needed} bytes is larger than the buffer"
            ),
            NetlinkError::BadErrorCode { raw } => {
                write!(f, "netlink error field {raw} is not a negated errno")
            }
            NetlinkError::WrongPortId { got } => {
                write!(f, "netlink reply for another port id ({got})")
            }
            NetlinkError::NoReply => {
                f.write_str("the kernel acknowledged the netlink request without a reply")
            }
            NetlinkError::MalformedUevent => f.write_str("malformed kernel uevent"),
            NetlinkError::UdevMessage => {
                f.write_str("a udev message (libudev header), not a kernel uevent")
            }
        }
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for NetlinkError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Display2Format(self))
    }
}
