//! I/O: sends and receives (the hot paths), `shutdown`, the socket's addresses and pending
//! error.

use crate::AddressError;
use core::net::SocketAddr;
use core::sync::atomic::Ordering::Relaxed;

use linux_raw_sys::net as k;
use rustix::fd::AsFd;
use rustix::io::Errno;
use rustix::net as rnet;

use crate::sys::addr::{self, Call};
use crate::sys::io;
use crate::sys::sockopt;
use crate::time::Deadline;
use crate::{Error, Family, Result, SockAddr};

use super::{mismatch_error, recv_bits, RecvFlags, SendFlags, Shutdown, Socket, Wait, KNOWN, SLOW};

/// [`Error::Truncated`], out of line: a hot path that returns it stays short.
#[cold]
#[inline(never)]
fn truncated(len: usize) -> Error {
    Error::Truncated { len }
}

/// Sending and receiving (the hot paths), `shutdown`, the socket's addresses and pending
/// error.
impl Socket {
    /// The kernel flags for a send: the caller's (only those [`SendFlags`] knows), the mode's
    /// `MSG_DONTWAIT`, and `MSG_NOSIGNAL`: one load.
    #[inline(always)]
    pub(crate) fn send_flags(&self, flags: SendFlags) -> u32 {
        (flags & SendFlags::all()).bits() | self.send.load(Relaxed)
    }

    /// The kernel flags for a receive: the caller's (only those [`RecvFlags`] knows, so never
    /// `MSG_TRUNC`, which discards data on a TCP socket), the mode's `MSG_DONTWAIT`, and
    /// `MSG_TRUNC` on message-based sockets, to learn a message's true length.
    #[inline]
    pub(crate) fn recv_flags(&self, flags: RecvFlags) -> rnet::RecvFlags {
        // A SLOW socket's `hot` word has its flags too (for CAN, received through `recvmsg`:
        // the mode's flag, and MSG_TRUNC unless the protocol refuses it).
        recv_bits(self.hot() & !SLOW, flags)
    }

    /// Sends data on a connected socket (`send(2)`); returns how many bytes went out, which
    /// for a stream may be fewer than given (see [`send_all`](Socket::send_all)).
    ///
    /// ```
    /// use baresock::UnixStream;
    /// let (a, b) = UnixStream::pair()?;
    /// let n = a.as_socket().send(b"hello")?;
    /// assert_eq!(n, 5);
    /// # let _ = b;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(send(2))]
    #[inline]
    pub fn send(&self, buf: &[u8]) -> Result<usize> {
        self.send_with(buf, SendFlags::empty())
    }

    /// [`send`](Socket::send) with flags.
    ///
    /// ```
    /// use baresock::{SendFlags, UnixStream};
    /// let (a, b) = UnixStream::pair()?;
    /// a.as_socket().send_with(b"part", SendFlags::DONT_WAIT)?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(b.recv(&mut buf)?, 4);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(send(2))]
    #[inline]
    pub fn send_with(&self, buf: &[u8], flags: SendFlags) -> Result<usize> {
        let f = self.send_flags(flags);
        match io::send(&self.fd, buf, f) {
            Ok(n) => Ok(n),
            Err(e) => self.send_slow(buf, flags, f, e),
        }
    }

    /// [`send_with`](Socket::send_with) after a first try failed with `e`: the timeout policy.
    #[cold]
    #[inline(never)]
    fn send_slow(&self, buf: &[u8], flags: SendFlags, f: u32, e: Errno) -> Result<usize> {
        let dont_wait = flags.contains(SendFlags::DONT_WAIT);
        if self.would_block(e, Wait::Write, dont_wait) {
            return Err(Error::WouldBlock);
        }
        self.retry_call(&mut Call::send(&self.fd, buf, f), e, dont_wait)
    }

    /// Sends a datagram to `addr` (`sendto(2)`).
    ///
    /// An address the kernel refuses because it is of another family than the socket's is
    /// [`AddressError::FamilyMismatch`](crate::AddressError::FamilyMismatch); the kernel's own
    /// rules decide (an IPv6 UDP socket takes IPv4 destinations unless it is IPv6-only). To send
    /// many datagrams to one place, encode it once:
    /// [`send_to_destination`](Socket::send_to_destination).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::net::SocketAddr;
    /// let rx = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// rx.bind("127.0.0.1:0".parse::<SocketAddr>().unwrap())?;
    /// let tx = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// tx.send_to(b"datagram", rx.local_addr()?)?;
    /// let mut buf = [0u8; 16];
    /// assert_eq!(rx.recv(&mut buf)?, 8);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(sendto(2))]
    #[inline]
    pub fn send_to(&self, buf: &[u8], addr: impl Into<SockAddr>) -> Result<usize> {
        self.send_to_with(buf, addr, SendFlags::empty())
    }

    /// [`send_to`](Socket::send_to) with flags.
    ///
    /// ```
    /// use baresock::{SendFlags, UdpSocket};
    /// let rx = UdpSocket::bind("127.0.0.1:0")?;
    /// let tx = UdpSocket::bind("127.0.0.1:0")?;
    /// tx.as_socket().send_to_with(b"x", rx.local_addr()?, SendFlags::DONT_WAIT)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(sendto(2))]
    pub fn send_to_with(
        &self,
        buf: &[u8],
        addr: impl Into<SockAddr>,
        flags: SendFlags,
    ) -> Result<usize> {
        let addr = addr.into();
        let f = self.send_flags(flags);
        match addr::sendto(&self.fd, buf, f, &addr) {
            Ok(n) => Ok(n),
            Err(e) => self.send_to_slow(buf, &addr, flags, f, e),
        }
    }

    /// [`send_to_with`](Socket::send_to_with) after a first try failed with `e`.
    #[cold]
    #[inline(never)]
    fn send_to_slow(
        &self,
        buf: &[u8],
        addr: &SockAddr,
        flags: SendFlags,
        f: u32,
        e: Errno,
    ) -> Result<usize> {
        // The kernel refused: an address of another family gets its name.
        self.check_family(addr)?;
        let dont_wait = flags.contains(SendFlags::DONT_WAIT);
        let mut deadline = Deadline::default();
        let mut tries = 0;
        self.retry(e, &mut deadline, Wait::Write, dont_wait, &mut tries)?;
        self.io_from(&mut deadline, Wait::Write, dont_wait, tries, |fd| {
            addr::sendto(&fd, buf, f, addr)
        })
    }

    /// [`send_to`](Socket::send_to) for an IP address: only IP addresses are encoded.
    #[inline]
    pub(crate) fn send_to_inet(&self, buf: &[u8], addr: SocketAddr) -> Result<usize> {
        let f = self.send_flags(SendFlags::empty());
        let to = crate::addr::Encoded::new(&addr);
        match io::send_to_sockaddr(&self.fd, buf, f, to.sockaddr(addr.is_ipv4())) {
            Ok(n) => Ok(n),
            Err(e) => self.send_to_inet_slow(buf, &to, f, e),
        }
    }

    /// [`send_to_inet`](Socket::send_to_inet) after a first try to `to` failed with `e`.
    #[cold]
    #[inline(always)]
    fn send_to_inet_slow(
        &self,
        buf: &[u8],
        to: &crate::addr::Encoded,
        f: u32,
        e: Errno,
    ) -> Result<usize> {
        let (family, to) = to.family_and_sockaddr();
        let m = self.meta_bits();
        if m & KNOWN != 0 && m as u16 != family.as_raw() {
            return Err(mismatch_error(m, family));
        }
        self.retry_call(&mut Call::sendto(&self.fd, buf, f, to), e, false)
    }

    /// Sends a datagram to an IP destination encoded once (`sendto(2)`): for many datagrams to
    /// one place, without encoding the address on each call.
    #[inline]
    pub fn send_to_destination(&self, buf: &[u8], to: &crate::Destination) -> Result<usize> {
        let f = self.send_flags(SendFlags::empty());
        match io::send_to_destination(&self.fd, buf, f, to) {
            Ok(n) => Ok(n),
            Err(e) => self.send_to_inet_slow(buf, &to.bytes, f, e),
        }
    }

    /// Sends the whole buffer, looping over short writes (Python's `sendall`).
    ///
    /// In deadline mode one deadline covers the whole buffer. On failure the error is always
    /// [`Error::Partial`], which says how many bytes went out and what stopped the rest.
    ///
    /// ```
    /// use baresock::{Error, UnixStream};
    /// let (a, b) = UnixStream::pair()?;
    /// let big = vec![7u8; 1 << 20]; // more than one socket buffer holds
    /// let reader = std::thread::spawn(move || {
    ///     let mut buf = [0u8; 65536];
    ///     let mut total = 0;
    ///     while let Ok(n @ 1..) = b.recv(&mut buf) {
    ///         total += n;
    ///     }
    ///     total
    /// });
    /// a.send_all(&big)?;
    /// drop(a);
    /// assert_eq!(reader.join().unwrap(), 1 << 20);
    /// # let _: Option<Error> = None;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(send(2), poll(2))]
    pub fn send_all(&self, mut buf: &[u8]) -> Result<()> {
        let f = self.send_flags(SendFlags::empty());
        // The deadline starts now, not at the first wait: calls that complete at once count.
        let mut deadline = Deadline::default();
        if let Some(t) = self.write_timeout().filter(|t| !t.is_zero()) {
            deadline.start(t);
        }
        let mut sent = 0;
        while !buf.is_empty() {
            match self.io(&mut deadline, Wait::Write, false, |fd| {
                io::send(&fd, buf, f)
            }) {
                Ok(n) => {
                    sent += n;
                    buf = buf.get(n..).unwrap_or_default();
                }
                Err(e) => return Err(e.after(sent)),
            }
        }
        Ok(())
    }

    /// Receives data (`recv(2)`); returns how many bytes were written to `buf`. For a stream, 0
    /// means the peer closed its end.
    ///
    /// On message-based sockets (datagram, seqpacket, raw), a message longer than `buf` fails
    /// with [`Error::Truncated`] giving its true length; `buf` then holds its first bytes.
    ///
    /// ```
    /// use baresock::{Error, Family, Protocol, Socket, Type};
    /// let (a, b) = Socket::pair(Family::UNIX, Type::DGRAM, Protocol::DEFAULT)?;
    /// a.send(b"a datagram of 25 bytes...")?;
    /// let mut small = [0u8; 8];
    /// // Never cut silently: the true length comes back with the error.
    /// assert_eq!(b.recv(&mut small), Err(Error::Truncated { len: 25 }));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(recv(2))]
    #[inline]
    pub fn recv(&self, buf: &mut [u8]) -> Result<usize> {
        self.recv_with(buf, RecvFlags::empty())
    }

    /// Like [`recv`](Socket::recv), but leaves the data queued (`MSG_PEEK`).
    ///
    /// ```
    /// use baresock::UnixStream;
    /// let (a, b) = UnixStream::pair()?;
    /// a.send_all(b"abc")?;
    /// let mut buf = [0u8; 3];
    /// assert_eq!(b.as_socket().peek(&mut buf)?, 3);
    /// assert_eq!(b.recv(&mut buf)?, 3); // still there
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(recv(2))]
    #[inline]
    pub fn peek(&self, buf: &mut [u8]) -> Result<usize> {
        self.recv_with(buf, RecvFlags::PEEK)
    }

    /// [`recv`](Socket::recv) with flags.
    ///
    /// ```
    /// use baresock::{RecvFlags, UnixStream};
    /// let (a, b) = UnixStream::pair()?;
    /// a.send_all(b"12345678")?;
    /// let mut buf = [0u8; 8];
    /// // Wait until the whole buffer is filled.
    /// assert_eq!(b.as_socket().recv_with(&mut buf, RecvFlags::WAIT_ALL)?, 8);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(recv(2))]
    #[inline]
    pub fn recv_with(&self, buf: &mut [u8], flags: RecvFlags) -> Result<usize> {
        let h = self.hot();
        if h & SLOW != 0 {
            return self.recv_with_cold(buf, flags);
        }
        // Always `recvfrom`, never `read(2)` (three arguments, not five): the kernel's `read`
        // goes through the VFS first and costs 20-40 ns more per call on the machines measured,
        // more than the three instructions saved.
        self.recv_kernel_flags(buf, flags, recv_bits(h, flags).bits())
    }

    /// One receive with the kernel flags `f` made from `flags`, the slow path on failure; a
    /// count past `buf.len()` (the true length, with `MSG_TRUNC`) is [`Error::Truncated`].
    #[inline(always)]
    fn recv_kernel_flags(&self, buf: &mut [u8], flags: RecvFlags, f: u32) -> Result<usize> {
        // The kernel's count (with MSG_TRUNC, the message's true length), or an errno: both
        // a cut message and a failure are above `buf.len()`, one compare for the two.
        let r = io::recv_raw(&self.fd, buf, f);
        if r <= buf.len() {
            return Ok(r);
        }
        self.recv_not_whole(buf, flags, f, r)
    }

    /// [`recv_kernel_flags`](Socket::recv_kernel_flags) when the kernel's answer `r` was not
    /// a whole message in `buf`: a failure (then the slow path) or a cut message.
    #[cold]
    #[inline(never)]
    fn recv_not_whole(&self, buf: &mut [u8], flags: RecvFlags, f: u32, r: usize) -> Result<usize> {
        let n = match io::errno_in(r) {
            Some(e) => {
                let dont_wait = flags.contains(RecvFlags::DONT_WAIT);
                if self.would_block(e, Wait::Read, dont_wait) {
                    return Err(Error::WouldBlock);
                }
                self.retry_call(&mut Call::recv(&self.fd, buf, f), e, dont_wait)?
            }
            None => r,
        };
        if n > buf.len() {
            return Err(truncated(n));
        }
        Ok(n)
    }

    /// [`recv_with`](Socket::recv_with) on a CAN socket (or one whose family cannot be read).
    #[cold]
    #[inline(never)]
    fn recv_with_cold(&self, buf: &mut [u8], flags: RecvFlags) -> Result<usize> {
        if self.hides_true_length() {
            return self.recv_flagged(buf, flags).map(|(n, _)| n);
        }
        self.recv_kernel_flags(buf, flags, self.recv_flags(flags).bits())
    }

    /// Receives a datagram and its sender's address (`recvfrom(2)`).
    ///
    /// The address is `None` where the kernel gives none (a connected TCP socket); an unbound Unix
    /// sender is the unnamed [`UnixAddr`](crate::UnixAddr); a sender the crate has no typed address
    /// for (a Bluetooth socket's, say) is its bytes, [`SockAddr::Other`]: the sender's address
    /// never fails a receive. A datagram longer than `buf` fails with [`Error::Truncated`] (the
    /// address is then lost: use the msg calls to keep both).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::net::SocketAddr;
    /// let rx = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// rx.bind("127.0.0.1:0".parse::<SocketAddr>().unwrap())?;
    /// let tx = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// tx.bind("127.0.0.1:0".parse::<SocketAddr>().unwrap())?;
    /// tx.send_to(b"hi", rx.local_addr()?)?;
    /// let mut buf = [0u8; 16];
    /// let (n, from) = rx.recv_from(&mut buf)?;
    /// assert_eq!((n, from), (2, Some(tx.local_addr()?)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(recvfrom(2))]
    #[inline]
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, Option<SockAddr>)> {
        self.recv_from_with(buf, RecvFlags::empty())
    }

    /// Like [`recv_from`](Socket::recv_from), but leaves the datagram queued (`MSG_PEEK`).
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// let rx = UdpSocket::bind("127.0.0.1:0")?;
    /// let tx = UdpSocket::bind("127.0.0.1:0")?;
    /// tx.send_to(b"hi", rx.local_addr()?)?;
    /// let mut buf = [0u8; 16];
    /// let (n, _) = rx.as_socket().peek_from(&mut buf)?;
    /// assert_eq!(rx.recv(&mut buf)?, n); // the datagram was left queued
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(recvfrom(2))]
    #[inline]
    pub fn peek_from(&self, buf: &mut [u8]) -> Result<(usize, Option<SockAddr>)> {
        self.recv_from_with(buf, RecvFlags::PEEK)
    }

    /// [`recv_from`](Socket::recv_from) with flags.
    ///
    /// ```
    /// use baresock::{RecvFlags, UdpSocket};
    /// let rx = UdpSocket::bind("127.0.0.1:0")?;
    /// let mut buf = [0u8; 16];
    /// // Nothing queued: this call does not wait, whatever the socket's mode.
    /// let r = rx.as_socket().recv_from_with(&mut buf, RecvFlags::DONT_WAIT);
    /// assert_eq!(r.unwrap_err(), baresock::Error::WouldBlock);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(recvfrom(2))]
    pub fn recv_from_with(
        &self,
        buf: &mut [u8],
        flags: RecvFlags,
    ) -> Result<(usize, Option<SockAddr>)> {
        if self.hides_true_length() {
            return self.recv_flagged(buf, flags);
        }
        let f = self.recv_flags(flags);
        let dont_wait = flags.contains(RecvFlags::DONT_WAIT);
        let mut from = addr::AddrRoom::new();
        let len = self.io(&mut Deadline::default(), Wait::Read, dont_wait, |fd| {
            addr::recvfrom(fd, &mut *buf, f.bits(), &mut from)
        })?;
        if len > buf.len() {
            return Err(Error::Truncated { len });
        }
        Ok((len, self.addr_or_unnamed(from.bytes())))
    }

    /// [`recv_from_with`](Socket::recv_from_with) for an IP socket: the sender decoded
    /// straight into a `core::net::SocketAddr` from storage the kernel writes. A datagram
    /// without a sender is [`AddressError::Missing`](crate::AddressError::Missing).
    #[inline]
    pub(crate) fn recv_from_inet(
        &self,
        buf: &mut [u8],
        flags: RecvFlags,
    ) -> Result<(usize, SocketAddr)> {
        // A SLOW socket's `hot` word holds its flags too (see `recv_flags`).
        let f = recv_bits(self.hot() & !SLOW, flags);
        let mut from = addr::InetFrom::new();
        // The kernel's count: with MSG_TRUNC, the datagram's true length.
        let n = match addr::recvfrom_inet(&self.fd, buf, f.bits(), &mut from) {
            Ok(n) => n,
            Err(e) => self.recv_from_inet_slow(buf, flags, f, e, &mut from)?,
        };
        if n > buf.len() {
            return Err(truncated(n));
        }
        Ok((n, from.addr()?))
    }

    /// [`recv_from_inet`](Socket::recv_from_inet) after a first try failed with `e`.
    #[cold]
    #[inline(always)]
    fn recv_from_inet_slow(
        &self,
        buf: &mut [u8],
        flags: RecvFlags,
        f: rnet::RecvFlags,
        e: Errno,
        from: &mut addr::InetFrom,
    ) -> Result<usize> {
        let dont_wait = flags.contains(RecvFlags::DONT_WAIT);
        let mut call = Call::recvfrom_inet(&self.fd, buf, f.bits(), from);
        self.retry_call(&mut call, e, dont_wait)
    }

    /// [`recv_from_with`](Socket::recv_from_with) for an IP socket, the sender written
    /// straight into `to`'s bytes (see [`UdpSocket::recv_from_into`](crate::UdpSocket::recv_from_into)).
    #[inline]
    pub(crate) fn recv_from_into(
        &self,
        buf: &mut [u8],
        flags: RecvFlags,
        to: &mut crate::Destination,
    ) -> Result<usize> {
        let f = recv_bits(self.hot() & !SLOW, flags).bits();
        // A count, or an errno: both a cut datagram and a failure are above `buf.len()`.
        let r = addr::recvfrom_encoded(&self.fd, buf, f, to);
        if r <= buf.len() {
            to.check_received()?;
            return Ok(r);
        }
        self.recv_from_into_not_whole(buf, flags, f, r, to)
    }

    /// [`recv_from_into`](Socket::recv_from_into) when the kernel's answer `r` was not a
    /// whole datagram in `buf`: a failure (then the slow path) or a cut datagram.
    #[cold]
    #[inline(never)]
    fn recv_from_into_not_whole(
        &self,
        buf: &mut [u8],
        flags: RecvFlags,
        f: u32,
        r: usize,
        to: &mut crate::Destination,
    ) -> Result<usize> {
        let n = match io::errno_in(r) {
            Some(e) => {
                let dont_wait = flags.contains(RecvFlags::DONT_WAIT);
                let mut call = Call::recvfrom_encoded(&self.fd, buf, f, to);
                match self.retry_call(&mut call, e, dont_wait) {
                    Ok(n) => n,
                    Err(e) => {
                        // No sender written: the length the bytes have.
                        to.restore_len();
                        return Err(e);
                    }
                }
            }
            None => r,
        };
        to.check_received()?;
        if n > buf.len() {
            return Err(truncated(n));
        }
        Ok(n)
    }

    /// Whether the protocol may ignore `MSG_TRUNC` in `recv`, returning only the bytes kept
    /// (raw CAN), or refuse it (J1939): for CAN a cut is read from `recvmsg`'s flags (and the
    /// length is the true one where the protocol honours `MSG_TRUNC`, as ISO-TP does).
    #[inline]
    fn hides_true_length(&self) -> bool {
        self.meta_bits() as u16 == Family::CAN.as_raw()
    }

    /// A receive through `recvmsg`, to see `MSG_TRUNC` in its flags.
    fn recv_flagged(&self, buf: &mut [u8], flags: RecvFlags) -> Result<(usize, Option<SockAddr>)> {
        let mut bufs = [crate::IoSliceMut::new(buf)];
        let m = self.recv_msg(&mut bufs, &mut [], flags)?;
        if let Some(len) = m.truncated() {
            return Err(Error::Truncated { len });
        }
        Ok((m.bytes(), m.addr))
    }

    /// Shuts down one or both directions (`shutdown(2)`).
    ///
    /// ```
    /// use baresock::{Shutdown, UnixStream};
    /// let (a, b) = UnixStream::pair()?;
    /// a.as_socket().shutdown(Shutdown::Write)?;
    /// let mut buf = [0u8; 4];
    /// assert_eq!(b.recv(&mut buf)?, 0); // end of stream
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(shutdown(2))]
    pub fn shutdown(&self, how: Shutdown) -> Result<()> {
        let how = match how {
            Shutdown::Read => k::SHUT_RD,
            Shutdown::Write => k::SHUT_WR,
            Shutdown::Both => k::SHUT_RDWR,
        };
        Ok(io::shutdown(&self.fd, how)?)
    }

    /// The address the socket is bound to (`getsockname(2)`); the unnamed address for an
    /// unbound Unix socket, port 0 for an unbound IP one.
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, SockAddr, Type};
    /// use core::net::SocketAddr;
    /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// s.bind("127.0.0.1:0".parse::<SocketAddr>().unwrap())?;
    /// let SockAddr::V4(a) = s.local_addr()? else { unreachable!() };
    /// assert_ne!(a.port(), 0); // the kernel picked one
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(getsockname(2))]
    pub fn local_addr(&self) -> Result<SockAddr> {
        let mut room = addr::AddrRoom::new();
        addr::getname(&self.fd, false, &mut room)?;
        Ok(crate::addr::decode_or_raw(room.bytes()))
    }

    /// The address of the connected peer (`getpeername(2)`); `Errno::NOTCONN` if there is none.
    ///
    /// ```
    /// use baresock::{Errno, Error, Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// assert_eq!(s.peer_addr(), Err(Error::Os(Errno::NOTCONN)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(getpeername(2))]
    pub fn peer_addr(&self) -> Result<SockAddr> {
        let mut room = addr::AddrRoom::new();
        addr::getname(&self.fd, true, &mut room)?;
        self.addr_or_unnamed(room.bytes())
            .ok_or(Error::Address(AddressError::Missing))
    }

    /// The pending socket error, cleared by reading it (`SO_ERROR`).
    ///
    /// ```
    /// use baresock::{Family, Protocol, Socket, Type};
    /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP)?;
    /// assert_eq!(s.take_error()?, None);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    pub fn take_error(&self) -> Result<Option<Error>> {
        let e = sockopt::get::<i32>(self.fd.as_fd(), k::SOL_SOCKET, k::SO_ERROR)?;
        Ok((e != 0).then(|| Error::from(Errno::from_raw_os_error(e))))
    }
}
