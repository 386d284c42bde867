//! The typed async calls of [`Async`]: what a server and a client do, per socket kind.

use core::net::SocketAddr;
use core::task::Poll;
use core::time::Duration;

use super::source::{bound, Async};
use super::{Dir, Reactor};
use crate::{
    Errno, Error, Family, InputError, LinkAddr, PacketSocket, Protocol, Result, Shutdown, Socket,
    TcpListener, TcpStream, Type, UdpSocket, UnixAddr, UnixDatagram, UnixListener, UnixStream,
};

impl<'r> Async<'r, TcpListener> {
    /// Accepts a connection, waiting for one (bounded by the listener's read timeout): the
    /// stream, registered on the same reactor, and the peer's address.
    ///
    /// The stream's own timeouts are the [default timeout](crate::default_timeout), as for
    /// [`TcpListener::accept`]; they bound its async calls. Fails with
    /// [`PollError::Full`](crate::poll::PollError::Full) when the reactor has no free slot:
    /// the connection is then closed (the peer sees it end), and the listener can go on.
    pub async fn accept(&self) -> Result<(Async<'r, TcpStream>, SocketAddr)> {
        let (stream, peer) = self.read_with(|l| l.accept()).await?;
        Ok((Async::new(self.reactor(), stream)?, peer))
    }
}

impl<'r> Async<'r, UnixListener> {
    /// Accepts a connection (see [`Async::<TcpListener>::accept`](Async::accept)).
    pub async fn accept(&self) -> Result<(Async<'r, UnixStream>, UnixAddr)> {
        let (stream, peer) = self.read_with(|l| l.accept()).await?;
        Ok((Async::new(self.reactor(), stream)?, peer))
    }
}

impl<'r> Async<'r, TcpStream> {
    /// Connects to `addr`, bounded by the [default timeout](crate::default_timeout) (no limit
    /// when none is set), which the stream then keeps as its timeouts (as
    /// [`TcpStream::connect`] does). The connect is non-blocking underneath: it waits for
    /// writability, then reads the outcome (`SO_ERROR`).
    ///
    /// ```
    /// use baresock::reactor::{block_on, Async, Reactor, Slots};
    /// use baresock::{Errno, Error, TcpStream};
    /// let slots = Slots::<2>::new();
    /// let reactor = Reactor::new(&slots)?;
    /// // Nothing listens on port 1 of the loopback address.
    /// let r = block_on(&reactor, Async::<TcpStream>::connect(&reactor, "127.0.0.1:1".parse().unwrap()))?;
    /// assert_eq!(r.unwrap_err(), Error::Os(Errno::CONNREFUSED));
    /// assert_eq!(reactor.registered(), 0);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub async fn connect(reactor: &'r Reactor<'r>, addr: SocketAddr) -> Result<Self> {
        let limit = crate::default_timeout();
        Self::connect_within(reactor, addr, limit).await
    }

    /// Connects to `addr`, waiting at most `timeout` ([`Error::Timeout`] then; a zero
    /// `timeout` is [`InputError::ZeroTimeout`], as in
    /// [`TcpStream::connect_timeout`]). The stream then has the default timeout.
    pub async fn connect_timeout(
        reactor: &'r Reactor<'r>,
        addr: SocketAddr,
        timeout: Duration,
    ) -> Result<Self> {
        if timeout.is_zero() {
            return Err(Error::Input(InputError::ZeroTimeout));
        }
        Self::connect_within(reactor, addr, Some(timeout)).await
    }

    /// A non-blocking connect, its wait for writability bounded by `limit` (a deadline if not
    /// zero), and its outcome from `SO_ERROR`.
    async fn connect_within(
        reactor: &'r Reactor<'r>,
        addr: SocketAddr,
        limit: Option<Duration>,
    ) -> Result<Self> {
        // In the default timeout's mode, which `Async::new` keeps as its bounds.
        let socket = Socket::new(Family::of_ip(&addr), Type::STREAM, Protocol::TCP)?;
        let stream = Async::new(reactor, TcpStream::from_socket(socket))?;
        match stream.get_ref().as_socket().connect(addr) {
            Ok(()) => return Ok(stream),
            // Registered before the connect: its writability is what the poller says next.
            Err(Error::Os(Errno::INPROGRESS)) => stream.clear_ready(Dir::Write),
            Err(e) => return Err(e),
        }
        stream.waiter(Dir::Write, bound(limit)).ready().await?;
        match stream.get_ref().take_error()? {
            None => Ok(stream),
            Some(e) => Err(e),
        }
    }
}

/// The calls of a connected stream.
macro_rules! stream_calls {
    ($($t:ty),*) => {$(
        impl Async<'_, $t> {
            /// Reads what is there, waiting until at least one byte is (bounded by the read
            /// timeout); 0 at the end of the stream (the peer shut down or closed) or for an
            /// empty `buf`. A reset connection is `Error::Os(Errno::CONNRESET)`.
            pub async fn read(&self, buf: &mut [u8]) -> Result<usize> {
                if buf.is_empty() {
                    return Ok(0);
                }
                let len = buf.len();
                self.stream_io(Dir::Read, len, |s| s.recv(&mut *buf)).await
            }

            /// Writes what fits, waiting until at least one byte does (bounded by the write
            /// timeout); how many went out. A closed peer is `Error::Os(Errno::PIPE)` (no
            /// `SIGPIPE`).
            pub async fn write(&self, buf: &[u8]) -> Result<usize> {
                if buf.is_empty() {
                    return Ok(0);
                }
                self.stream_io(Dir::Write, buf.len(), |s| s.send(buf)).await
            }

            /// Writes all of `buf`, within one write timeout for the whole buffer. On failure
            /// after some bytes went out: [`Error::Partial`] with how many.
            pub async fn write_all(&self, buf: &[u8]) -> Result<()> {
                let mut sent = 0;
                let mut wait = self.waiter(Dir::Write, self.limit(Dir::Write));
                // One `poll_fn`, as `stream_io`.
                core::future::poll_fn(|cx| {
                    while sent < buf.len() {
                        if let Some(tick) = self.ready_tick(Dir::Write) {
                            match self.get_ref().send(&buf[sent..]) {
                                Ok(n) => {
                                    // Short: the send buffer is full (see `stream_io`).
                                    if sent + n < buf.len() {
                                        self.clear_ready_at(Dir::Write, tick);
                                    }
                                    sent += n;
                                    continue;
                                }
                                Err(Error::WouldBlock) => self.clear_ready_at(Dir::Write, tick),
                                Err(e) => return Poll::Ready(Err(partial(sent, e))),
                            }
                        }
                        match wait.poll_ready(cx) {
                            Poll::Ready(Ok(())) => {}
                            Poll::Ready(Err(e)) => return Poll::Ready(Err(partial(sent, e))),
                            Poll::Pending => return Poll::Pending,
                        }
                    }
                    Poll::Ready(Ok(()))
                })
                .await
            }

            /// Shuts down one or both directions (`shutdown(2)`; it never waits, so it is not
            /// a future).
            pub fn shutdown(&self, how: Shutdown) -> Result<()> {
                self.get_ref().shutdown(how)
            }
        }
    )*};
}

stream_calls!(TcpStream, UnixStream);

/// `e` after `sent` bytes went out: itself if none did, else [`Error::Partial`].
fn partial(sent: usize, e: Error) -> Error {
    if sent == 0 {
        return e;
    }
    let cause = match e {
        Error::Timeout => crate::PartialCause::Timeout,
        Error::WouldBlock => crate::PartialCause::WouldBlock,
        Error::Os(errno) => crate::PartialCause::Os(errno),
        Error::Partial { cause, .. } => cause,
        _ => return e,
    };
    Error::Partial { sent, cause }
}

/// The calls of a datagram socket whose addresses are `$addr`.
macro_rules! datagram_calls {
    ($($t:ty => $addr:ty),*) => {$(
        impl Async<'_, $t> {
            /// Sends a datagram to `addr`, waiting for room (bounded by the write timeout).
            pub async fn send_to(&self, buf: &[u8], addr: $addr) -> Result<usize> {
                self.write_with(|s| s.send_to(buf, addr)).await
            }

            /// Receives a datagram and its sender, waiting for one (bounded by the read
            /// timeout). One larger than `buf` is [`Error::Truncated`].
            pub async fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, $addr)> {
                self.read_with(|s| s.recv_from(&mut *buf)).await
            }

            /// Sends a datagram to the connected peer (bounded by the write timeout).
            pub async fn send(&self, buf: &[u8]) -> Result<usize> {
                self.stream_io(Dir::Write, buf.len(), |s| s.send(buf)).await
            }

            /// Receives a datagram from the connected peer (bounded by the read timeout).
            pub async fn recv(&self, buf: &mut [u8]) -> Result<usize> {
                let len = buf.len();
                self.stream_io(Dir::Read, len, |s| s.recv(&mut *buf)).await
            }
        }
    )*};
}

datagram_calls!(UdpSocket => SocketAddr, UnixDatagram => UnixAddr);

impl Async<'_, PacketSocket> {
    /// Receives a frame and the link address it came from (bounded by the read timeout).
    pub async fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, LinkAddr)> {
        self.read_with(|s| s.recv_from(&mut *buf)).await
    }

    /// Sends a frame to `to` (bounded by the write timeout).
    pub async fn send_to(&self, buf: &[u8], to: LinkAddr) -> Result<usize> {
        self.write_with(|s| s.send_to(buf, to)).await
    }
}

#[cfg(feature = "can")]
impl Async<'_, crate::can::CanSocket> {
    /// Receives a CAN frame (classic, FD or XL, as the socket takes them), waiting for one
    /// (bounded by the read timeout).
    pub async fn recv(&self) -> Result<crate::can::CanAnyFrame> {
        self.read_with(|s| s.recv()).await
    }

    /// Receives a CAN frame and the index of the interface it came from.
    pub async fn recv_from(&self) -> Result<(crate::can::CanAnyFrame, u32)> {
        self.read_with(|s| s.recv_from()).await
    }

    /// Sends a classic CAN frame, waiting for room in the interface's queue (bounded by the
    /// write timeout).
    pub async fn send(&self, frame: &crate::can::CanFrame) -> Result<()> {
        self.write_with(|s| s.send(frame)).await
    }

    /// Sends a frame of any kind.
    pub async fn send_any(&self, frame: &crate::can::CanAnyFrame) -> Result<()> {
        self.write_with(|s| s.send_any(frame)).await
    }
}
