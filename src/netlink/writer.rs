//! [`MessageWriter`]: netlink requests written into the caller's buffer.

use super::wire::{
    align, nl, u16_at, u32_at, Attrs, MessageFlags, ATTR_HEADER_LEN, HEADER_LEN, NLA_TYPE_MASK,
};
use super::NetlinkError;
use crate::Result;

/// A position in a [`MessageWriter`]'s buffer where a nested attribute began: hand it back to
/// [`end_nested`](MessageWriter::end_nested).
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a nest is ended with end_nested"]
pub struct Nest {
    at: usize,
    depth: u32,
}

/// Writes netlink messages into the caller's buffer: the header, a fixed family header,
/// attributes of every kind, nested to any depth; several messages one after another (a
/// batch).
///
/// Each call writes what fits and counts what does not: a buffer too small is one error at
/// [`finish`](MessageWriter::finish), [`NetlinkError::BufferTooSmall`] with the bytes the whole
/// batch needs, never a cut message. The sequence and port ids are 0: a
/// [`Client`](super::Client) sets the sequence number when it sends.
///
/// ```
/// use baresock::netlink::{MessageFlags, MessageWriter, Messages};
///
/// const RTM_NEWLINK: u16 = 16;
/// const IFLA_MTU: u16 = 4;
/// const IFLA_IFNAME: u16 = 3;
/// const IFLA_LINKINFO: u16 = 18;
/// const IFLA_INFO_KIND: u16 = 1;
///
/// let mut buf = [0u8; 128];
/// let mut w = MessageWriter::new(&mut buf);
/// w.begin(RTM_NEWLINK, MessageFlags::CREATE | MessageFlags::EXCL);
/// w.fixed(&[0; 16]); // struct ifinfomsg
/// w.put_str(IFLA_IFNAME, "dummy0");
/// w.put_u32(IFLA_MTU, 1400);
/// let info = w.begin_nested(IFLA_LINKINFO);
/// w.put_str(IFLA_INFO_KIND, "dummy");
/// w.end_nested(info);
/// let request = w.finish()?;
///
/// let messages = Messages::new(request.as_bytes())?;
/// let m = messages.into_iter().next().unwrap();
/// assert_eq!(m.kind(), RTM_NEWLINK);
/// let (_ifinfomsg, attrs) = m.split(16)?;
/// assert_eq!(attrs.find(IFLA_MTU).unwrap().u32()?, 1400);
/// let info = attrs.find(IFLA_LINKINFO).unwrap().nested()?;
/// assert_eq!(info.find(IFLA_INFO_KIND).unwrap().str()?, "dummy");
///
/// // Too small a buffer: the size needed, nothing cut.
/// let mut small = [0u8; 20];
/// let mut w = MessageWriter::new(&mut small);
/// w.begin(RTM_NEWLINK, MessageFlags::empty());
/// w.fixed(&[0; 16]);
/// assert_eq!(
///     w.finish().unwrap_err(),
///     baresock::Error::Netlink(baresock::netlink::NetlinkError::BufferTooSmall { needed: 32 })
/// );
/// # Ok::<(), baresock::Error>(())
/// ```
pub struct MessageWriter<'a> {
    buf: &'a mut [u8],
    /// The end of what is written (or would be, past the buffer).
    len: usize,
    /// The start of the message being written, if one is.
    message: Option<usize>,
    /// Where the first message's attributes begin (after its fixed header).
    attrs_at: usize,
    /// Open nests.
    depth: u32,
    /// A refusal other than the buffer's size.
    error: Option<NetlinkError>,
}

impl<'a> MessageWriter<'a> {
    /// A writer over `buf`, empty.
    pub fn new(buf: &'a mut [u8]) -> MessageWriter<'a> {
        MessageWriter {
            buf,
            len: 0,
            message: None,
            attrs_at: 0,
            depth: 0,
            error: None,
        }
    }

    fn write(&mut self, at: usize, bytes: &[u8]) {
        if let Some(d) = at
            .checked_add(bytes.len())
            .and_then(|end| self.buf.get_mut(at..end))
        {
            d.copy_from_slice(bytes);
        }
    }

    /// Appends `bytes` and zero padding to 4 bytes.
    fn append(&mut self, bytes: &[u8]) {
        let at = self.len;
        self.write(at, bytes);
        let end = at.saturating_add(bytes.len());
        let padded = align(end);
        if let Some(pad) = self.buf.get_mut(end.min(padded)..padded) {
            pad.fill(0);
        }
        self.len = padded;
    }

    /// Ends the message being written: its length filled in.
    fn end_message(&mut self) {
        if let Some(start) = self.message.take() {
            let len = self.len - start;
            match u32::try_from(len) {
                Ok(l) => self.write(start, &l.to_ne_bytes()),
                Err(_) => {
                    self.error.get_or_insert(NetlinkError::MessageLength {
                        len: u32::MAX,
                        left: u32::MAX,
                    });
                }
            }
        }
    }

    /// Begins a message of type `kind` (a protocol's message type, or one of [`kind`](super::kind)) with
    /// `flags`, [`REQUEST`](MessageFlags::REQUEST) added; the message before it, if any, ends.
    pub fn begin(&mut self, kind: u16, flags: MessageFlags) -> &mut Self {
        self.end_message();
        if self.depth != 0 {
            self.error.get_or_insert(NetlinkError::NestMismatch);
        }
        let start = self.len;
        let mut h = [0u8; HEADER_LEN];
        h[4..6].copy_from_slice(&kind.to_ne_bytes());
        h[6..8].copy_from_slice(&(flags | MessageFlags::REQUEST).bits().to_ne_bytes());
        self.append(&h);
        self.message = Some(start);
        if start == 0 {
            self.attrs_at = self.len;
        }
        self
    }

    /// Sets the sequence number and port id of the message being written (a
    /// [`Client`](super::Client) sets the sequence number itself).
    pub fn set_ids(&mut self, seq: u32, port_id: u32) -> &mut Self {
        if let Some(start) = self.message {
            self.write(start + 8, &seq.to_ne_bytes());
            self.write(start + 12, &port_id.to_ne_bytes());
        }
        self
    }

    /// Appends a fixed family header (`struct ifinfomsg`, `ifaddrmsg`, `rtmsg`, `genlmsghdr`,
    /// ... as its bytes), padded to 4 bytes.
    pub fn fixed(&mut self, header: &[u8]) -> &mut Self {
        self.append(header);
        if self.message == Some(0) {
            self.attrs_at = self.len;
        }
        self
    }

    /// Appends an attribute of type `kind` (flags such as [`NLA_F_NESTED`](super::NLA_F_NESTED) may be or'ed in)
    /// holding `value`, padded to 4 bytes.
    pub fn put_bytes(&mut self, kind: u16, value: &[u8]) -> &mut Self {
        let len = ATTR_HEADER_LEN + value.len();
        let Ok(len16) = u16::try_from(len) else {
            self.error.get_or_insert(NetlinkError::AttributeTooLong {
                len: crate::error::sat32(len),
            });
            return self;
        };
        let at = self.len;
        let mut h = [0u8; ATTR_HEADER_LEN];
        h[0..2].copy_from_slice(&len16.to_ne_bytes());
        h[2..4].copy_from_slice(&kind.to_ne_bytes());
        self.write(at, &h);
        self.len = at.saturating_add(ATTR_HEADER_LEN);
        self.append(value);
        self
    }

    /// Appends an attribute without payload (a flag attribute, `NLA_FLAG`).
    pub fn put_flag(&mut self, kind: u16) -> &mut Self {
        self.put_bytes(kind, &[])
    }

    /// Appends a string attribute, NUL-terminated (`NLA_NUL_STRING`, `NLA_STRING`).
    pub fn put_str(&mut self, kind: u16, value: &str) -> &mut Self {
        let len = ATTR_HEADER_LEN + value.len() + 1;
        let Ok(len16) = u16::try_from(len) else {
            self.error.get_or_insert(NetlinkError::AttributeTooLong {
                len: crate::error::sat32(len),
            });
            return self;
        };
        let at = self.len;
        let mut h = [0u8; ATTR_HEADER_LEN];
        h[0..2].copy_from_slice(&len16.to_ne_bytes());
        h[2..4].copy_from_slice(&kind.to_ne_bytes());
        self.write(at, &h);
        self.write(at + ATTR_HEADER_LEN, value.as_bytes());
        self.len = at + ATTR_HEADER_LEN + value.len();
        self.append(&[0]);
        self
    }

    /// Appends a `u8` attribute.
    pub fn put_u8(&mut self, kind: u16, value: u8) -> &mut Self {
        self.put_bytes(kind, &[value])
    }

    /// Appends a `u16` attribute, in host byte order.
    pub fn put_u16(&mut self, kind: u16, value: u16) -> &mut Self {
        self.put_bytes(kind, &value.to_ne_bytes())
    }

    /// Appends a `u32` attribute, in host byte order.
    pub fn put_u32(&mut self, kind: u16, value: u32) -> &mut Self {
        self.put_bytes(kind, &value.to_ne_bytes())
    }

    /// Appends a `u64` attribute, in host byte order.
    pub fn put_u64(&mut self, kind: u16, value: u64) -> &mut Self {
        self.put_bytes(kind, &value.to_ne_bytes())
    }

    /// Appends an `i8` attribute.
    pub fn put_i8(&mut self, kind: u16, value: i8) -> &mut Self {
        self.put_bytes(kind, &value.to_ne_bytes())
    }

    /// Appends an `i16` attribute, in host byte order.
    pub fn put_i16(&mut self, kind: u16, value: i16) -> &mut Self {
        self.put_bytes(kind, &value.to_ne_bytes())
    }

    /// Appends an `i32` attribute, in host byte order.
    pub fn put_i32(&mut self, kind: u16, value: i32) -> &mut Self {
        self.put_bytes(kind, &value.to_ne_bytes())
    }

    /// Appends an `i64` attribute, in host byte order.
    pub fn put_i64(&mut self, kind: u16, value: i64) -> &mut Self {
        self.put_bytes(kind, &value.to_ne_bytes())
    }

    /// Appends a `u16` attribute in network byte order (a port, say); `NLA_F_NET_BYTEORDER`
    /// is the caller's to add to `kind` where the family wants it.
    pub fn put_u16_be(&mut self, kind: u16, value: u16) -> &mut Self {
        self.put_bytes(kind, &value.to_be_bytes())
    }

    /// Appends a `u32` attribute in network byte order.
    pub fn put_u32_be(&mut self, kind: u16, value: u32) -> &mut Self {
        self.put_bytes(kind, &value.to_be_bytes())
    }

    /// Appends a `u64` attribute in network byte order.
    pub fn put_u64_be(&mut self, kind: u16, value: u64) -> &mut Self {
        self.put_bytes(kind, &value.to_be_bytes())
    }

    /// Begins a nested attribute of type `kind` ([`NLA_F_NESTED`](super::NLA_F_NESTED) is the caller's to add
    /// where the family wants it): the attributes written until
    /// [`end_nested`](MessageWriter::end_nested) go inside it. Nests nest to any depth.
    pub fn begin_nested(&mut self, kind: u16) -> Nest {
        let at = self.len;
        self.put_bytes(kind, &[]);
        self.depth += 1;
        Nest {
            at,
            depth: self.depth,
        }
    }

    /// Ends the nested attribute `nest` began: its length filled in. A token that is not the
    /// innermost open nest makes [`finish`](MessageWriter::finish) fail with
    /// [`NetlinkError::NestMismatch`].
    pub fn end_nested(&mut self, nest: Nest) -> &mut Self {
        if nest.depth != self.depth || nest.at >= self.len {
            self.error.get_or_insert(NetlinkError::NestMismatch);
            return self;
        }
        self.depth -= 1;
        let len = self.len - nest.at;
        match u16::try_from(len) {
            Ok(l) => self.write(nest.at, &l.to_ne_bytes()),
            Err(_) => {
                self.error.get_or_insert(NetlinkError::AttributeTooLong {
                    len: crate::error::sat32(len),
                });
            }
        }
        self
    }

    /// The bytes written so far, or would be (past the buffer's length when it is too small).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Ends the last message and hands out the batch: [`NetlinkError::BufferTooSmall`] with
    /// the size needed when it did not fit, [`NetlinkError::NestMismatch`] for a nest left
    /// open or ended out of order, [`NetlinkError::AttributeTooLong`] for an attribute past
    /// 65,535 bytes.
    pub fn finish(mut self) -> Result<Request<'a>> {
        self.end_message();
        if self.depth != 0 {
            self.error.get_or_insert(NetlinkError::NestMismatch);
        }
        if let Some(e) = self.error {
            return Err(nl(e));
        }
        if self.len > self.buf.len() {
            return Err(nl(NetlinkError::BufferTooSmall {
                needed: crate::error::sat32(self.len),
            }));
        }
        let len = self.len;
        let bytes = &mut self.buf[..len];
        Ok(Request {
            bytes,
            attrs_at: self.attrs_at,
        })
    }
}

/// A finished request (one message, or a batch), in the caller's buffer: what a
/// [`Client`](super::Client) sends. It keeps where the first message's attributes begin, to
/// name the attribute an extended ack points at.
#[derive(Debug)]
pub struct Request<'a> {
    bytes: &'a mut [u8],
    attrs_at: usize,
}

impl<'a> Request<'a> {
    /// A request from bytes the caller wrote (whole messages), whose first message's
    /// attributes begin at `attrs_at` (the header and family header's length, aligned).
    ///
    /// ```
    /// use baresock::netlink::Request;
    /// let mut bytes = [0u8; 20];
    /// bytes[0] = 20; // nlmsg_len (little-endian hosts)
    /// let r = Request::from_bytes(&mut bytes, 20);
    /// assert_eq!(r.as_bytes().len(), 20);
    /// ```
    pub fn from_bytes(bytes: &'a mut [u8], attrs_at: usize) -> Request<'a> {
        Request { bytes, attrs_at }
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes
    }

    /// The first message's flags, as written.
    pub(crate) fn flags(&self) -> MessageFlags {
        MessageFlags::from_bits_retain(u16_at(self.bytes, 6))
    }

    /// Sets `flags` on the first message.
    pub(crate) fn add_flags(&mut self, flags: MessageFlags) {
        let f = self.flags() | flags;
        if let Some(d) = self.bytes.get_mut(6..8) {
            d.copy_from_slice(&f.bits().to_ne_bytes());
        }
    }

    /// Sets the sequence number of every message of the batch (each header's length is
    /// checked).
    pub(crate) fn set_seq(&mut self, seq: u32) -> Result<()> {
        let mut at = 0;
        while at < self.bytes.len() {
            let left = self.bytes.len() - at;
            if left < HEADER_LEN {
                return Err(nl(NetlinkError::Short {
                    needed: HEADER_LEN as u32,
                    got: left as u32,
                }));
            }
            let len = u32_at(self.bytes, at) as usize;
            if len < HEADER_LEN || len > left {
                return Err(nl(NetlinkError::MessageLength {
                    len: len as u32,
                    left: left as u32,
                }));
            }
            self.bytes[at + 8..at + 12].copy_from_slice(&seq.to_ne_bytes());
            at += align(len);
        }
        Ok(())
    }

    /// The bytes and where the first message's attributes begin.
    pub(crate) fn view(&self) -> (&[u8], usize) {
        (self.bytes, self.attrs_at)
    }

    /// [`view`](Request::view), for as long as the request's bytes are borrowed.
    pub(crate) fn into_view(self) -> (&'a [u8], usize) {
        (self.bytes, self.attrs_at)
    }

    /// The same request, borrowed: to run it again
    /// ([`Client::dump`](super::Client::dump) takes a request by value).
    ///
    /// ```
    /// use baresock::netlink::{MessageFlags, MessageWriter};
    /// let mut buf = [0u8; 32];
    /// let mut w = MessageWriter::new(&mut buf);
    /// w.begin(18, MessageFlags::DUMP).fixed(&[0; 16]); // RTM_GETLINK
    /// let mut req = w.finish()?;
    /// let len = req.as_bytes().len();
    /// assert_eq!(req.reborrow().as_bytes().len(), len);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn reborrow(&mut self) -> Request<'_> {
        Request {
            bytes: self.bytes,
            attrs_at: self.attrs_at,
        }
    }
}

/// The attribute at `offset` (the extended ack's `NLMSGERR_ATTR_OFFS`) in the first message of
/// `bytes`, whose attributes begin at `attrs_at`: its type, and the type of the top-level
/// attribute it is nested in.
pub(crate) fn attribute_at(
    bytes: &[u8],
    attrs_at: usize,
    offset: usize,
) -> (Option<u16>, Option<u16>) {
    let end = (u32_at(bytes, 0) as usize).min(bytes.len());
    let Some(attrs) = bytes.get(attrs_at..end) else {
        return (None, None);
    };
    let Some(rel) = offset.checked_sub(attrs_at) else {
        return (None, None);
    };
    match find_path(attrs, rel, 0) {
        Some((kind, parent)) => (Some(kind), parent),
        // Not on an attribute boundary we know: the type at the offset, as the kernel says.
        None if offset.saturating_add(ATTR_HEADER_LEN) <= end => {
            (Some(u16_at(bytes, offset + 2) & NLA_TYPE_MASK), None)
        }
        None => (None, None),
    }
}

/// The attribute starting at `rel` in `attrs` (or nested in one), with its top-level parent.
fn find_path(attrs: &[u8], rel: usize, depth: u32) -> Option<(u16, Option<u16>)> {
    let level = Attrs::new(attrs).ok()?;
    let mut at = 0;
    for a in level {
        let len = ATTR_HEADER_LEN + a.bytes().len();
        if at == rel {
            return Some((a.kind(), None));
        }
        let inner = at + ATTR_HEADER_LEN;
        if rel >= inner && rel < at + len && depth < 8 {
            let (kind, _) = find_path(a.bytes(), rel - inner, depth + 1)?;
            return Some((kind, Some(a.kind())));
        }
        at += align(len);
    }
    None
}
