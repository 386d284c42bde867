//! Batches: `sendmmsg(2)` and `recvmmsg(2)` over caller buffers.

use crate::AddressError;
use core::mem::MaybeUninit;

use linux_raw_sys::net as k;
use rustix::net::addr::SocketAddrStorage;

use super::ControlMessages;
use crate::socket::Wait;
use crate::sys::msg as raw;
use crate::time::Deadline;
use crate::{Error, RecvFlags, Result, SendFlags, SockAddr};

/// One message of a batch to receive with [`Socket::recv_mmsg`](crate::Socket::recv_mmsg):
/// a buffer, an optional control buffer, and, after the call, what arrived.
#[derive(Debug)]
pub struct RecvEntry<'a> {
    buf: &'a mut [u8],
    control: &'a mut [u8],
    out: raw::MmsgOut,
    addr: Option<SockAddr>,
}

impl<'a> RecvEntry<'a> {
    /// An entry receiving into `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        RecvEntry {
            buf,
            control: &mut [],
            out: raw::MmsgOut::default(),
            addr: None,
        }
    }

    /// Also receives control messages into `control` (fds excepted: batches close any that
    /// arrive).
    pub fn with_control(mut self, control: &'a mut [u8]) -> Self {
        self.control = control;
        self
    }

    /// Bytes written into the buffer by the last batch.
    pub fn bytes(&self) -> usize {
        self.out.len.min(self.buf.len())
    }

    /// The data received.
    pub fn data(&self) -> &[u8] {
        &self.buf[..self.bytes()]
    }

    /// For a datagram longer than the buffer, its true length.
    pub fn truncated(&self) -> Option<usize> {
        (self.out.flags & k::MSG_TRUNC != 0).then_some(self.out.len)
    }

    /// Whether the control buffer was too small (`MSG_CTRUNC`).
    pub fn control_truncated(&self) -> bool {
        self.out.flags & k::MSG_CTRUNC != 0
    }

    /// The sender's address, where the kernel gave one.
    pub fn addr(&self) -> Option<&SockAddr> {
        self.addr.as_ref()
    }

    /// The control messages received, decoded: the whole ones (see [`ControlMessages`]).
    pub fn control(&self) -> ControlMessages<'_> {
        ControlMessages {
            rest: &self.control[..self.out.controllen],
            cut: self.control_truncated(),
        }
    }
}

/// One message of a batch to send with [`Socket::send_mmsg`](crate::Socket::send_mmsg).
#[derive(Debug, Clone, Copy)]
pub struct SendEntry<'a> {
    buf: &'a [u8],
    addr: Option<SockAddr>,
    control: &'a [u8],
    sent: usize,
}

impl<'a> SendEntry<'a> {
    /// A message of `buf`, to the connected peer.
    pub fn new(buf: &'a [u8]) -> Self {
        SendEntry {
            buf,
            addr: None,
            control: &[],
            sent: 0,
        }
    }

    /// Sends it to `addr`.
    pub fn to(mut self, addr: impl Into<SockAddr>) -> Self {
        self.addr = Some(addr.into());
        self
    }

    /// With control messages from a [`ControlBuilder`](crate::ControlBuilder).
    pub fn with_control(mut self, control: &'a [u8]) -> Self {
        self.control = control;
        self
    }

    /// Bytes sent by the last batch.
    pub fn sent(&self) -> usize {
        self.sent
    }
}

/// The error of a batch whose first entry's destination is refused: a family mismatch names the
/// entry ([`AddressError::BatchFamilyMismatch`](crate::AddressError::BatchFamilyMismatch), index
/// 0).
#[cold]
fn batch_error(e: Error) -> Error {
    match e {
        Error::Address(AddressError::FamilyMismatch { socket, addr }) => {
            Error::Address(AddressError::BatchFamilyMismatch {
                index: 0,
                socket,
                addr,
            })
        }
        e => e,
    }
}

/// The most messages one [`Socket::recv_mmsg`](crate::Socket::recv_mmsg) receives, and one
/// `sendmmsg` system call sends (the kernel arrays are built on the stack).
pub const MMSG_MAX: usize = raw::MMSG_CHUNK;

/// Batches: sendmmsg(2), recvmmsg(2).
impl crate::Socket {
    /// Receives a batch in one `recvmmsg(2)`: waits (as the socket's mode says) for the first
    /// message, then takes those already queued without waiting (`MSG_WAITFORONE`), up to
    /// `entries.len()` or [`MMSG_MAX`], whichever is less. Returns how many arrived; each
    /// entry says its length, sender and truncation (a sender without a typed address as its
    /// bytes, [`SockAddr::Other`]: no sender fails the batch). Call again for more.
    ///
    /// ```
    /// use baresock::{RecvFlags, UdpSocket};
    /// use baresock::msg::RecvEntry;
    ///
    /// let rx = UdpSocket::bind("127.0.0.1:0")?;
    /// let tx = UdpSocket::bind("127.0.0.1:0")?;
    /// tx.send_to(b"a", rx.local_addr()?)?;
    /// tx.send_to(b"b", rx.local_addr()?)?;
    /// let (mut b1, mut b2, mut b3) = ([0u8; 8], [0u8; 8], [0u8; 8]);
    /// let mut entries = [RecvEntry::new(&mut b1), RecvEntry::new(&mut b2), RecvEntry::new(&mut b3)];
    /// // Waits for the first datagram, then takes whatever else is queued.
    /// let n = rx.as_socket().recv_mmsg(&mut entries, RecvFlags::empty())?;
    /// assert!((1..=2).contains(&n));
    /// assert_eq!(entries[0].addr(), Some(&tx.local_addr()?.into()));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(recvmmsg(2))]
    pub fn recv_mmsg(&self, entries: &mut [RecvEntry<'_>], flags: RecvFlags) -> Result<usize> {
        let f = self.recv_flags(flags).bits() | raw::MSG_WAITFORONE | self.cloexec_flag();
        let dont_wait = flags.contains(RecvFlags::DONT_WAIT);
        let mut names = [const { MaybeUninit::<SocketAddrStorage>::uninit() }; raw::MMSG_CHUNK];
        let mut out = [raw::MmsgOut::default(); raw::MMSG_CHUNK];
        let keep = entries.len().min(raw::MMSG_CHUNK);
        let entries = &mut entries[..keep];
        let n = entries.len();
        let got = {
            let mut bufs: [&mut [u8]; raw::MMSG_CHUNK] = Default::default();
            let mut controls: [&mut [u8]; raw::MMSG_CHUNK] = Default::default();
            for (i, e) in entries.iter_mut().enumerate() {
                bufs[i] = &mut *e.buf;
                controls[i] = &mut *e.control;
            }
            let (bufs, controls) = (&mut bufs[..n], &mut controls[..n]);
            self.io(&mut Deadline::default(), Wait::Read, dont_wait, |fd| {
                raw::recvmmsg(fd, bufs, controls, &mut names, &mut out, f)
            })?
        };
        for (i, e) in entries.iter_mut().take(got).enumerate() {
            e.out = out[i];
            let name = raw::name_bytes(&names[i], out[i].namelen);
            e.addr = if name.is_empty() {
                self.addr_or_unnamed(&[])
            } else {
                Some(crate::addr::decode_or_raw(name))
            };
        }
        Ok(got)
    }

    /// Sends the messages, as many per system call as fit a chunk; returns how many went out.
    /// An error after some went out ends the batch early with that count, as sendmmsg(2)
    /// does; an error before any is the error.
    ///
    /// An entry whose destination is of another family than the socket's is such an error, found
    /// before its system call: the entries before it are sent and their count returned; if it is
    /// the first entry, nothing is sent and the call fails with
    /// [`AddressError::BatchFamilyMismatch`](crate::AddressError::BatchFamilyMismatch), which names
    /// its index (0, or the first entry of the slice given: call again with `&mut entries[sent..]`
    /// to learn which one stopped a batch). A failure the kernel reports for an entry works the
    /// same way.
    ///
    /// ```
    /// use baresock::{Error, SendFlags, UdpSocket};
    /// use baresock::msg::SendEntry;
    /// use core::net::SocketAddr;
    /// let tx = UdpSocket::bind("127.0.0.1:0")?;
    /// let v4 = tx.local_addr()?;
    /// let v6: SocketAddr = "[::1]:9".parse().unwrap();
    /// let mut out = [SendEntry::new(b"a").to(v4), SendEntry::new(b"b").to(v6)];
    /// // The first goes out; the IPv6 one stops the batch.
    /// assert_eq!(tx.as_socket().send_mmsg(&mut out, SendFlags::empty())?, 1);
    /// assert!(matches!(
    ///     tx.as_socket().send_mmsg(&mut out[1..], SendFlags::empty()),
    ///     Err(Error::Address(baresock::AddressError::BatchFamilyMismatch { index: 0, .. }))
    /// ));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// ```
    /// use baresock::{RecvFlags, SendFlags, UdpSocket};
    /// use baresock::msg::{RecvEntry, SendEntry};
    ///
    /// let rx = UdpSocket::bind("127.0.0.1:0")?;
    /// let tx = UdpSocket::bind("127.0.0.1:0")?;
    /// let to = rx.local_addr()?;
    /// // Three datagrams, one system call.
    /// let mut out = [SendEntry::new(b"one").to(to), SendEntry::new(b"two").to(to), SendEntry::new(b"three").to(to)];
    /// assert_eq!(tx.as_socket().send_mmsg(&mut out, SendFlags::empty())?, 3);
    ///
    /// let (mut b1, mut b2, mut b3) = ([0u8; 8], [0u8; 8], [0u8; 8]);
    /// let mut entries = [RecvEntry::new(&mut b1), RecvEntry::new(&mut b2), RecvEntry::new(&mut b3)];
    /// let mut got = 0;
    /// while got < 3 {
    ///     got += rx.as_socket().recv_mmsg(&mut entries[got..], RecvFlags::empty())?;
    /// }
    /// assert_eq!(entries[2].data(), b"three");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(sendmmsg(2))]
    pub fn send_mmsg(&self, entries: &mut [SendEntry<'_>], flags: SendFlags) -> Result<usize> {
        let f = self.send_flags(flags);
        let dont_wait = flags.contains(SendFlags::DONT_WAIT);
        // The entries before the first of another family go out, as the kernel would send
        // those before an entry it refuses.
        let mut good = entries.len();
        for (i, e) in entries.iter().enumerate() {
            let Some(Err(err)) = e.addr.as_ref().map(|a| self.check_family(a)) else {
                continue;
            };
            if i == 0 {
                return Err(batch_error(err));
            }
            good = i;
            break;
        }
        let mut total = 0;
        for chunk in entries[..good].chunks_mut(raw::MMSG_CHUNK) {
            let mut msgs: [(&[u8], Option<&SockAddr>, &[u8]); raw::MMSG_CHUNK] =
                [(&[], None, &[]); raw::MMSG_CHUNK];
            for (i, e) in chunk.iter().enumerate() {
                msgs[i] = (e.buf, e.addr.as_ref(), e.control);
            }
            let n = chunk.len();
            let mut sent = [0usize; raw::MMSG_CHUNK];
            let r = self.io(&mut Deadline::default(), Wait::Write, dont_wait, |fd| {
                raw::sendmmsg(fd, &msgs[..n], &mut sent, f)
            });
            let got = match r {
                Ok(got) => got,
                Err(e) if total == 0 => return Err(e),
                Err(_) => 0,
            };
            for (e, s) in chunk.iter_mut().zip(sent).take(got) {
                e.sent = s;
            }
            total += got;
            if got < n {
                break;
            }
        }
        Ok(total)
    }
}
