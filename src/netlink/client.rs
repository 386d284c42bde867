//! [`Client`]: request/ack/dump exchanges with the kernel over a [`NetlinkSocket`], every reply
//! checked.

use super::wire::{kind, Attrs, ErrorMessage, Message, MessageFlags, Messages};
use super::writer::attribute_at;
use super::{NetlinkError, NetlinkProtocol, NetlinkSocket, Request};
use crate::sys::addr::{self, AddrRoom};
use crate::time::Deadline;
use crate::{Errno, Error, NetlinkAddr, Result};

/// A buffer size that holds any datagram the kernel sends a netlink reader: 32 KiB, the most
/// it sizes a dump's part to (`NLMSG_GOODSIZE`, one page less overhead, is the least).
pub const RECOMMENDED_BUFFER: usize = 32 * 1024;

/// The bytes of the extended ack's message text a [`Client`] keeps
/// ([`Client::ext_ack_message`]); a longer text is cut at a character boundary and marked.
pub const EXT_ACK_MESSAGE_MAX: usize = 128;

/// At most this many datagrams are drained after an abandoned exchange.
const DRAIN_MAX: usize = 4096;

/// `MSG_TRUNC` and `MSG_DONTWAIT` (linux/socket.h).
const MSG_TRUNC: u32 = 0x20;
const MSG_DONTWAIT: u32 = 0x40;

/// The end of the wire bytes of an ext ack's offset: the request `(bytes, attrs_at)`.
type ReqView<'a> = (&'a [u8], usize);

/// Request/reply exchanges with the kernel over a [`NetlinkSocket`]: each request gets the
/// next sequence number, and each reply is checked before it is taken.
///
/// - **from the kernel**: a datagram whose sender's port id is not 0 (a user-space process
///   can send to our port id) is ignored and counted ([`ignored`](Client::ignored));
/// - **ours**: a message with another sequence number (a stale reply of an abandoned
///   request, a notification) is skipped and counted ([`skipped`](Client::skipped)); one
///   with ours but another port id is [`NetlinkError::WrongPortId`];
/// - **whole**: a datagram larger than the buffer is [`NetlinkError::ReplyTooLarge`]; a
///   dump part with `NLM_F_DUMP_INTR` is [`NetlinkError::DumpInterrupted`]. An exchange that
///   ends early (an error, a [`Dump`] dropped before its end) leaves the socket marked, and
///   the next exchange first drains what is queued (without waiting), so that no leftover
///   is read as its reply (and the kernel, which runs one dump per socket at a time, is
///   free for the next).
///
/// Each exchange is bounded by the socket's read timeout as one deadline
/// ([`NetlinkSocket::set_timeout`]); sends by its write timeout.
///
/// ```no_run
/// use baresock::netlink::{Client, MessageFlags, MessageWriter, NetlinkProtocol};
/// const RTM_NEWLINK: u16 = 16;
/// let mut client = Client::new(NetlinkProtocol::ROUTE)?;
/// let mut req = [0u8; 64];
/// let mut w = MessageWriter::new(&mut req);
/// w.begin(RTM_NEWLINK, MessageFlags::CREATE | MessageFlags::EXCL).fixed(&[0; 16]);
/// w.put_str(3, "dummy0"); // IFLA_IFNAME
/// let info = w.begin_nested(18); // IFLA_LINKINFO
/// w.put_str(1, "dummy"); // IFLA_INFO_KIND
/// w.end_nested(info);
/// let mut buf = [0u8; 1024];
/// match client.ack(&mut w.finish()?, &mut buf) {
///     Ok(()) => println!("created"),
///     Err(e) => println!("{e}: {:?}", client.ext_ack_message()),
/// }
/// # Ok::<(), baresock::Error>(())
/// ```
pub struct Client {
    socket: NetlinkSocket,
    port_id: u32,
    seq: u32,
    ignored: u32,
    skipped: u32,
    /// An exchange ended before its last reply: drain before the next.
    unfinished: bool,
    text: [u8; EXT_ACK_MESSAGE_MAX],
    text_len: usize,
    text_cut: bool,
}

impl core::fmt::Debug for Client {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Client")
            .field("socket", &self.socket)
            .field("port_id", &self.port_id)
            .field("seq", &self.seq)
            .finish_non_exhaustive()
    }
}

/// What one reply message means to an exchange.
enum Step {
    /// Not ours, or nothing: next.
    Skip,
    /// A data message of ours.
    Data,
    /// The end: an acknowledgement, or `NLMSG_DONE`.
    End,
}

impl Client {
    /// A client on a new socket of `protocol`, bound to a port id the kernel chooses, with
    /// extended acks on where the kernel has them.
    ///
    #[doc = man!(socket(2), netlink(7))]
    pub fn new(protocol: NetlinkProtocol) -> Result<Client> {
        Client::from_socket(NetlinkSocket::new(protocol)?)
    }

    /// A client on `socket` (bound here if it is not), extended acks turned on where the
    /// kernel has them.
    pub fn from_socket(socket: NetlinkSocket) -> Result<Client> {
        let mut port_id = socket.port_id()?;
        if port_id == 0 {
            socket.bind(NetlinkAddr::KERNEL)?;
            port_id = socket.port_id()?;
        }
        match socket.set_ext_ack(true) {
            Err(e) if e.is_unsupported() => {}
            r => r?,
        }
        Ok(Client {
            socket,
            port_id,
            seq: 0,
            ignored: 0,
            skipped: 0,
            unfinished: false,
            text: [0; EXT_ACK_MESSAGE_MAX],
            text_len: 0,
            text_cut: false,
        })
    }

    /// The socket, for its options, timeouts and groups.
    pub fn socket(&self) -> &NetlinkSocket {
        &self.socket
    }

    /// The socket.
    pub fn into_socket(self) -> NetlinkSocket {
        self.socket
    }

    /// Our port id, which the kernel's replies carry.
    pub fn port_id(&self) -> u32 {
        self.port_id
    }

    /// The sequence number of the last request (0 before the first).
    pub fn seq(&self) -> u32 {
        self.seq
    }

    /// How many datagrams from senders other than the kernel were ignored.
    pub fn ignored(&self) -> u32 {
        self.ignored
    }

    /// How many messages with another sequence number (stale replies, notifications) were
    /// skipped.
    pub fn skipped(&self) -> u32 {
        self.skipped
    }

    /// The extended ack's message text of the last exchange's refusal (or of its
    /// acknowledgement's warning), up to [`EXT_ACK_MESSAGE_MAX`] bytes; cleared when the
    /// next exchange starts. [`ext_ack_truncated`](Client::ext_ack_truncated) says whether it
    /// was cut.
    pub fn ext_ack_message(&self) -> Option<&str> {
        if self.text_len == 0 {
            return None;
        }
        core::str::from_utf8(&self.text[..self.text_len]).ok()
    }

    /// Whether [`ext_ack_message`](Client::ext_ack_message) is a cut of a longer text.
    pub fn ext_ack_truncated(&self) -> bool {
        self.text_cut
    }

    /// Sends `req` with `flags` added and the next sequence number, after draining what an
    /// unfinished exchange left.
    fn start(&mut self, req: &mut Request<'_>, buf: &mut [u8], flags: MessageFlags) -> Result<u32> {
        self.text_len = 0;
        self.text_cut = false;
        if self.unfinished {
            self.drain(buf);
        }
        self.seq = self.seq.wrapping_add(1).max(1);
        req.add_flags(flags);
        req.set_seq(self.seq)?;
        self.socket.send(req.as_bytes())?;
        Ok(self.seq)
    }

    /// Reads and drops every datagram queued (without waiting): the rest of an abandoned
    /// exchange. A dump's next part is queued while the previous one is received, so this
    /// reads a dump to its end.
    fn drain(&mut self, buf: &mut [u8]) {
        let fd = rustix::fd::AsFd::as_fd(&self.socket);
        for _ in 0..DRAIN_MAX {
            let mut from = AddrRoom::new();
            match addr::recvfrom(fd, buf, MSG_TRUNC | MSG_DONTWAIT, &mut from) {
                Ok(_) | Err(Errno::INTR) => {}
                Err(_) => break,
            }
        }
        self.unfinished = false;
    }

    /// Receives one datagram from the kernel into `buf` within `deadline`: others' are
    /// ignored; one larger than `buf` is [`NetlinkError::ReplyTooLarge`], after a drain.
    fn recv(&mut self, buf: &mut [u8], deadline: &mut Deadline) -> Result<usize> {
        let n = self
            .socket
            .recv_from_kernel(buf, deadline, &mut self.ignored)?;
        if n > buf.len() {
            self.drain(buf);
            return Err(Error::Netlink(NetlinkError::ReplyTooLarge {
                needed: crate::error::sat32(n),
            }));
        }
        Ok(n)
    }

    /// What reply `m` means to the exchange of sequence number `seq` for request `req`.
    fn classify(&mut self, req: ReqView<'_>, seq: u32, m: Message<'_>) -> Result<Step> {
        if m.seq() != seq {
            self.skipped = self.skipped.wrapping_add(1);
            return Ok(Step::Skip);
        }
        if m.port_id() != self.port_id {
            return Err(Error::Netlink(NetlinkError::WrongPortId {
                got: m.port_id(),
            }));
        }
        if m.flags().contains(MessageFlags::DUMP_INTR) {
            return Err(Error::Netlink(NetlinkError::DumpInterrupted));
        }
        match m.kind() {
            kind::NOOP => Ok(Step::Skip),
            kind::ERROR => {
                let e = ErrorMessage::decode(m.payload(), m.flags())?;
                let ext = e.ext_ack();
                self.keep_text(ext.message());
                match e.errno() {
                    None => Ok(Step::End),
                    Some(errno) => Err(self.refusal(req, errno, ext.offset())),
                }
            }
            kind::DONE => match m.done_error() {
                Some(0) | None => Ok(Step::End),
                Some(raw) => {
                    let Some(errno) = super::wire::errno_of(raw)? else {
                        return Ok(Step::End);
                    };
                    let ext = match m.flags().contains(MessageFlags::ACK_TLVS) {
                        true => Attrs::new(m.payload().get(4..).unwrap_or(&[]))?,
                        false => Attrs::empty(),
                    };
                    let text = ext.find(super::ext_ack::MSG).and_then(|a| a.str().ok());
                    self.keep_text(text);
                    let offset = ext.find(super::ext_ack::OFFS).and_then(|a| a.u32().ok());
                    Err(self.refusal(req, errno, offset))
                }
            },
            _ => Ok(Step::Data),
        }
    }

    /// Keeps a copy of the extended ack's text, cut at a character boundary if long.
    fn keep_text(&mut self, text: Option<&str>) {
        let Some(t) = text else { return };
        let mut n = t.len().min(EXT_ACK_MESSAGE_MAX);
        while !t.is_char_boundary(n) {
            n -= 1;
        }
        self.text[..n].copy_from_slice(&t.as_bytes()[..n]);
        self.text_len = n;
        self.text_cut = n < t.len();
    }

    /// The error of a refusal: the errno, the attribute at the ext ack's offset.
    fn refusal(&self, req: ReqView<'_>, errno: Errno, offset: Option<u32>) -> Error {
        let (attribute, parent) = match offset {
            Some(o) => attribute_at(req.0, req.1, o as usize),
            None => (None, None),
        };
        Error::Netlink(NetlinkError::Refused {
            errno,
            attribute,
            parent,
            message: self.text_len > 0,
        })
    }

    /// Sends `req` (one message, or a batch) asking for an acknowledgement of each message
    /// (`NLM_F_ACK`), and waits for them: `Ok` when every message was acknowledged, the
    /// first refusal else ([`NetlinkError::Refused`]). `buf` receives the replies (a few
    /// hundred bytes hold an ack with its extended ack; a refusal echoes the request unless
    /// [`set_cap_ack`](NetlinkSocket::set_cap_ack)).
    ///
    /// ```no_run
    /// use baresock::netlink::{Client, MessageFlags, MessageWriter, NetlinkProtocol};
    /// const RTM_DELLINK: u16 = 17;
    /// let mut client = Client::new(NetlinkProtocol::ROUTE)?;
    /// let mut req = [0u8; 64];
    /// let mut w = MessageWriter::new(&mut req);
    /// w.begin(RTM_DELLINK, MessageFlags::empty()).fixed(&[0; 16]);
    /// w.put_str(3, "dummy0"); // IFLA_IFNAME
    /// let mut buf = [0u8; 512];
    /// client.ack(&mut w.finish()?, &mut buf)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn ack(&mut self, req: &mut Request<'_>, buf: &mut [u8]) -> Result<()> {
        let mut acks = Messages::new(req.as_bytes())?.into_iter().count();
        let seq = self.start(req, buf, MessageFlags::ACK)?;
        let view = req.view();
        let mut deadline = Deadline::default();
        self.unfinished = true;
        while acks > 0 {
            let n = self.recv(buf, &mut deadline)?;
            for m in Messages::new(&buf[..n])? {
                if let Step::End = self.classify(view, seq, m)? {
                    acks -= 1;
                }
            }
        }
        self.unfinished = false;
        Ok(())
    }

    /// Sends `req` (a GET of one object, say) and returns its one reply message, in `buf`;
    /// if `req` asked for an acknowledgement ([`MessageFlags::ACK`]), waits for it too. An
    /// acknowledgement without a reply is [`NetlinkError::NoReply`].
    ///
    /// ```no_run
    /// use baresock::netlink::{Client, MessageFlags, MessageWriter, NetlinkProtocol};
    /// const RTM_GETLINK: u16 = 18;
    /// let mut client = Client::new(NetlinkProtocol::ROUTE)?;
    /// let mut req = [0u8; 64];
    /// let mut w = MessageWriter::new(&mut req);
    /// let mut ifinfomsg = [0u8; 16];
    /// ifinfomsg[4..8].copy_from_slice(&1i32.to_ne_bytes()); // ifi_index 1: lo
    /// w.begin(RTM_GETLINK, MessageFlags::empty()).fixed(&ifinfomsg);
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let link = client.request(&mut w.finish()?, &mut buf)?;
    /// let (_, attrs) = link.split(16)?;
    /// assert_eq!(attrs.require(3)?.str()?, "lo"); // IFLA_IFNAME
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn request<'b>(&mut self, req: &mut Request<'_>, buf: &'b mut [u8]) -> Result<Message<'b>> {
        let wants_ack = req.flags().contains(MessageFlags::ACK);
        let seq = self.start(req, buf, MessageFlags::empty())?;
        let view = req.view();
        let mut deadline = Deadline::default();
        self.unfinished = true;
        let (start, end, multi) = 'found: loop {
            let n = self.recv(buf, &mut deadline)?;
            let mut at = 0;
            for m in Messages::new(&buf[..n])? {
                let len = m.as_bytes().len();
                let multi = m.flags().contains(MessageFlags::MULTI);
                match self.classify(view, seq, m)? {
                    Step::Skip => {}
                    Step::End => return Err(Error::Netlink(NetlinkError::NoReply)),
                    Step::Data => break 'found (at, at + len, multi),
                }
                at += super::align(len);
            }
        };
        if wants_ack {
            let mut small = [0u8; 512];
            'acked: loop {
                let n = self.recv(&mut small, &mut deadline)?;
                for m in Messages::new(&small[..n])? {
                    if let Step::End = self.classify(view, seq, m)? {
                        break 'acked;
                    }
                }
            }
        }
        // A multi-part reply (a dump asked through `request`) has more parts queued: the next
        // exchange drains them.
        self.unfinished = multi;
        let buf: &'b [u8] = buf;
        Message::first(buf.get(start..end).unwrap_or(&[]))
            .ok_or(Error::Netlink(NetlinkError::NoReply))
    }

    /// Sends `req` as a dump request ([`MessageFlags::DUMP`] added) and returns the
    /// multi-part reply as a lending iterator: [`Dump::next`] gives each message, read one
    /// datagram at a time into `buf`, until `NLMSG_DONE` (its error honoured), an error, or
    /// the deadline. See [`RECOMMENDED_BUFFER`] for `buf`'s size.
    ///
    /// ```no_run
    /// use baresock::netlink::{Client, MessageFlags, MessageWriter, NetlinkProtocol};
    /// const RTM_GETADDR: u16 = 22;
    /// let mut client = Client::new(NetlinkProtocol::ROUTE)?;
    /// let mut req = [0u8; 32];
    /// let mut w = MessageWriter::new(&mut req);
    /// w.begin(RTM_GETADDR, MessageFlags::DUMP).fixed(&[2, 0, 0, 0, 0, 0, 0, 0]); // AF_INET
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut dump = client.dump(w.finish()?, &mut buf)?;
    /// let mut n = 0;
    /// while let Some(_address) = dump.next()? {
    ///     n += 1;
    /// }
    /// println!("{n} IPv4 addresses");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// The dump takes the request (it names the attribute an extended ack points at); to run
    /// one request again, pass [`Request::reborrow`] each time.
    pub fn dump<'a>(&'a mut self, mut req: Request<'a>, buf: &'a mut [u8]) -> Result<Dump<'a>> {
        let seq = self.start(&mut req, buf, MessageFlags::DUMP)?;
        self.unfinished = true;
        Ok(Dump {
            client: self,
            req: req.into_view(),
            buf,
            seq,
            at: 0,
            len: 0,
            finished: false,
            deadline: Deadline::default(),
        })
    }

    /// Runs the dump of `req` and calls `each` with every message, running it again from
    /// the start when a part came with `NLM_F_DUMP_INTR`, at most `attempts` times in all
    /// (then [`NetlinkError::DumpInterrupted`]). `each` is told the attempt (from 0): a new
    /// attempt sees every object again, so it should start over.
    pub fn dump_each(
        &mut self,
        req: &mut Request<'_>,
        buf: &mut [u8],
        attempts: u32,
        mut each: impl FnMut(u32, Message<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut attempt = 0;
        loop {
            let mut dump = self.dump(req.reborrow(), buf)?;
            let r = loop {
                match dump.next() {
                    Ok(Some(m)) => {
                        if let Err(e) = each(attempt, m) {
                            break Err(e);
                        }
                    }
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            match r {
                Err(Error::Netlink(NetlinkError::DumpInterrupted)) if attempt + 1 < attempts => {
                    attempt += 1;
                }
                r => return r,
            }
        }
    }
}

/// The reply of a dump, a lending iterator over its messages ([`Client::dump`]).
///
/// Dropping it before its end leaves the client to drain the rest before its next exchange.
pub struct Dump<'a> {
    client: &'a mut Client,
    req: ReqView<'a>,
    buf: &'a mut [u8],
    seq: u32,
    /// The next message's offset in `buf`, and the datagram's length.
    at: usize,
    len: usize,
    finished: bool,
    deadline: Deadline,
}

impl Dump<'_> {
    /// The next message of the dump, `None` after `NLMSG_DONE`. Errors: the kernel's refusal
    /// ([`NetlinkError::Refused`]), [`NetlinkError::DumpInterrupted`],
    /// [`NetlinkError::ReplyTooLarge`], a malformed datagram, [`Error::Timeout`]. After an
    /// error the dump is over (`None`).
    #[allow(clippy::should_implement_trait)] // a lending iterator: `Iterator` cannot lend
    pub fn next(&mut self) -> Result<Option<Message<'_>>> {
        self.next_where(|_| true)
    }

    /// As [`next`](Dump::next), skipping the messages `keep` refuses (a typed iterator's
    /// own filter, where the kernel did not filter).
    pub(crate) fn next_where(
        &mut self,
        mut keep: impl FnMut(Message<'_>) -> bool,
    ) -> Result<Option<Message<'_>>> {
        loop {
            if self.finished {
                return Ok(None);
            }
            match self.step() {
                Ok(Some((start, end))) => {
                    let buf: &[u8] = self.buf;
                    match Message::first(buf.get(start..end).unwrap_or(&[])) {
                        Some(m) if keep(m) => {
                            let buf: &[u8] = self.buf;
                            return Ok(Message::first(buf.get(start..end).unwrap_or(&[])));
                        }
                        _ => {}
                    }
                }
                Ok(None) => {
                    self.finished = true;
                    self.client.unfinished = false;
                    return Ok(None);
                }
                Err(e) => {
                    self.finished = true;
                    return Err(e);
                }
            }
        }
    }

    /// Finds the next data message: its place in `buf`, or `None` at the end.
    fn step(&mut self) -> Result<Option<(usize, usize)>> {
        loop {
            if self.at >= self.len {
                let n = self.client.recv(self.buf, &mut self.deadline)?;
                Messages::new(&self.buf[..n])?;
                self.at = 0;
                self.len = n;
                if n == 0 {
                    return Err(Error::Netlink(NetlinkError::Short {
                        needed: super::HEADER_LEN as u32,
                        got: 0,
                    }));
                }
            }
            let Some(m) = Message::first(self.buf.get(self.at..self.len).unwrap_or(&[])) else {
                self.at = self.len;
                continue;
            };
            let (start, end) = (self.at, self.at + m.as_bytes().len());
            self.at = self.at.saturating_add(super::align(m.as_bytes().len()));
            match self.client.classify(self.req, self.seq, m)? {
                Step::Skip => {}
                Step::Data => return Ok(Some((start, end))),
                Step::End => return Ok(None),
            }
        }
    }

    /// Whether the dump reached its end.
    pub fn is_finished(&self) -> bool {
        self.finished
    }
}

impl core::fmt::Debug for Dump<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Dump")
            .field("seq", &self.seq)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}
