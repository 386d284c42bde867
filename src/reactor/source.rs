//! [`Async`]: a crate socket registered on a [`Reactor`], and its generic waits.

use core::cell::Cell;
use core::future::poll_fn;
use core::task::{Context, Poll};
use core::time::Duration;

use rustix::fd::AsFd;

use super::{deadline_after, now_ns, Dir, Reactor};
use crate::{Error, Result, Socket};

/// A socket type [`Async`] can drive: the crate's sockets, each of which is one [`Socket`]
/// underneath.
pub trait AsSocket: AsFd {
    /// The socket underneath.
    fn as_socket(&self) -> &Socket;
}

impl AsSocket for Socket {
    fn as_socket(&self) -> &Socket {
        self
    }
}

impl<T: AsSocket> AsSocket for &T {
    fn as_socket(&self) -> &Socket {
        (**self).as_socket()
    }
}

/// A registration: a slot of a reactor, freed on drop.
pub(super) struct Registration<'r> {
    pub(super) reactor: &'r Reactor<'r>,
    pub(super) index: u32,
    pub(super) generation: u32,
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        self.reactor.free(self.index, self.generation);
    }
}

/// A socket registered on a [`Reactor`], whose calls are futures.
///
/// [`Async::new`] puts the socket in non-blocking mode and registers it (one slot of the
/// reactor's storage, [`PollError::Full`](crate::poll::PollError::Full) when there is none);
/// dropping the `Async` frees the slot and closes the socket (closing the fd ends its epoll
/// registration; were a duplicate of the fd still open elsewhere, the registration would last
/// until that closed too, its events ignored as a freed slot's); [`into_inner`](Async::into_inner)
/// deletes the registration and hands the socket back in the timeout mode it had.
///
/// # How long a call waits
///
/// As long as the same blocking call would: the socket's [read
/// timeout](Socket::read_timeout) bounds each receive and `accept`, its [write
/// timeout](Socket::write_timeout) each send and `connect`, as they were when it was wrapped
/// (change them with [`set_read_timeout`](Async::set_read_timeout) /
/// [`set_write_timeout`](Async::set_write_timeout)); the deadline passing is
/// [`Error::Timeout`]. A socket in blocking or non-blocking mode has no limit: its calls wait
/// until the socket is ready (bound any wait with [`Reactor::timeout`]). One deadline covers
/// the whole call, as in the blocking calls ([`write_all`](Async::write_all) included).
///
/// # Concurrency
///
/// One reader and one writer may wait at once (two tasks sharing `&Async`, say). A second
/// waiter in the same direction takes the first one's place and wakes it: both make progress,
/// but by taking turns, so give each direction one owner. No wake is lost either way: a call
/// done or dropped while another waits in its direction wakes that one, and the nearest of
/// their deadlines bounds the reactor's wait. Up to 255 calls may wait in one direction of one
/// socket; one more is [`PollError::Full`](crate::poll::PollError::Full).
///
/// ```
/// use baresock::reactor::{block_on, Async, Reactor, Slots};
/// use baresock::UdpSocket;
/// use core::time::Duration;
///
/// let slots = Slots::<4>::new();
/// let reactor = Reactor::new(&slots)?;
/// let socket = UdpSocket::bind("127.0.0.1:0")?;
/// socket.set_timeout(Some(Duration::from_millis(20)))?;
/// let socket = Async::new(&reactor, socket)?;
/// let mut buf = [0u8; 16];
/// // Nothing comes: the socket's own timeout ends the wait.
/// let r = block_on(&reactor, socket.recv_from(&mut buf))?;
/// assert_eq!(r.unwrap_err(), baresock::Error::Timeout);
/// // The socket comes back in the mode it had.
/// let socket = socket.into_inner();
/// assert_eq!(socket.timeout(), Some(Duration::from_millis(20)));
/// # Ok::<(), baresock::Error>(())
/// ```
pub struct Async<'r, T: AsSocket> {
    // Declared first: the slot is freed before the socket closes.
    reg: Registration<'r>,
    read_timeout: Cell<Option<Duration>>,
    write_timeout: Cell<Option<Duration>>,
    io: T,
}

impl<T: AsSocket + core::fmt::Debug> core::fmt::Debug for Async<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Async")
            .field("io", &self.io)
            .field("slot", &self.reg.index)
            .finish()
    }
}

/// A timeout mode as a bound on async waits: a deadline's duration, or none (blocking and
/// non-blocking modes).
pub(super) fn bound(mode: Option<Duration>) -> Option<Duration> {
    mode.filter(|d| !d.is_zero())
}

impl<'r, T: AsSocket> Async<'r, T> {
    /// Puts `io` in non-blocking mode and registers it on `reactor`. Its read and write
    /// timeouts, as they are now, bound its async calls (see [above](Async#how-long-a-call-waits)).
    ///
    /// Fails with [`PollError::Full`](crate::poll::PollError::Full) when the reactor has no
    /// free slot, or with the kernel's error; `io` is then dropped (closed).
    pub fn new(reactor: &'r Reactor<'r>, io: T) -> Result<Async<'r, T>> {
        let s = io.as_socket();
        let (read, write) = (s.read_timeout(), s.write_timeout());
        s.set_nonblocking(true)?;
        let (index, generation) = reactor.register(io.as_fd())?;
        Ok(Async {
            reg: Registration {
                reactor,
                index,
                generation,
            },
            read_timeout: Cell::new(read),
            write_timeout: Cell::new(write),
            io,
        })
    }

    /// The socket, for its options and its calls that do not wait. Keep it non-blocking: a
    /// timeout set on it here would make its calls wait in `ppoll`, blocking
    /// the thread; bound the async calls with [`set_read_timeout`](Async::set_read_timeout) /
    /// [`set_write_timeout`](Async::set_write_timeout) instead.
    pub fn get_ref(&self) -> &T {
        &self.io
    }

    /// The reactor it is registered on.
    pub fn reactor(&self) -> &'r Reactor<'r> {
        self.reg.reactor
    }

    /// Deletes the registration, frees the slot, and hands the socket back in the timeout
    /// mode it had when wrapped (or as set since with
    /// [`set_read_timeout`](Async::set_read_timeout) / [`set_write_timeout`](Async::set_write_timeout)).
    /// Should the kernel refuse either step (it has no reason to), the socket is handed back
    /// all the same, in non-blocking mode.
    pub fn into_inner(self) -> T {
        let Async {
            reg,
            read_timeout,
            write_timeout,
            io,
        } = self;
        let _ = reg.reactor.deregister(io.as_fd());
        drop(reg);
        let s = io.as_socket();
        let _ = s.set_read_timeout(read_timeout.get());
        let _ = s.set_write_timeout(write_timeout.get());
        io
    }

    /// The read timeout mode: the socket's when wrapped, or as set since. A deadline
    /// (`Some(d)`, `d` not zero) bounds each receive and `accept`; `None` (blocking) and
    /// `Some(Duration::ZERO)` (non-blocking) set no limit.
    pub fn read_timeout(&self) -> Option<Duration> {
        self.read_timeout.get()
    }

    /// The write timeout mode (see [`read_timeout`](Async::read_timeout)): a deadline bounds
    /// each send and `connect`.
    pub fn write_timeout(&self) -> Option<Duration> {
        self.write_timeout.get()
    }

    /// Sets the read timeout mode (see [`read_timeout`](Async::read_timeout)), which
    /// [`into_inner`](Async::into_inner) gives the socket. The socket stays non-blocking
    /// while wrapped.
    pub fn set_read_timeout(&self, timeout: Option<Duration>) {
        self.read_timeout.set(timeout);
    }

    /// Sets the write timeout mode (see [`set_read_timeout`](Async::set_read_timeout)).
    pub fn set_write_timeout(&self, timeout: Option<Duration>) {
        self.write_timeout.set(timeout);
    }

    /// The bound of a wait in `dir`.
    pub(super) fn limit(&self, dir: Dir) -> Option<Duration> {
        bound(match dir {
            Dir::Read => self.read_timeout.get(),
            Dir::Write => self.write_timeout.get(),
        })
    }

    /// Waits until the socket is readable (or hung up, or in error), bounded by the read
    /// timeout.
    pub async fn readable(&self) -> Result<()> {
        let mut wait = Waiter::new(&self.reg, Dir::Read, self.limit(Dir::Read));
        wait.ready().await
    }

    /// Waits until the socket is writable (or hung up, or in error), bounded by the write
    /// timeout.
    pub async fn writable(&self) -> Result<()> {
        let mut wait = Waiter::new(&self.reg, Dir::Write, self.limit(Dir::Write));
        wait.ready().await
    }

    /// Makes a receiving call until it does not say [`Error::WouldBlock`], waiting for
    /// readability between tries; bounded by the read timeout.
    ///
    /// ```
    /// use baresock::reactor::{block_on, Async, Reactor, Slots};
    /// use baresock::{RecvFlags, UnixStream};
    ///
    /// let slots = Slots::<4>::new();
    /// let reactor = Reactor::new(&slots)?;
    /// let (a, b) = UnixStream::pair()?;
    /// let a = Async::new(&reactor, a)?;
    /// b.send_all(b"peek")?;
    /// let mut buf = [0u8; 4];
    /// let n = block_on(&reactor, a.read_with(|s| s.as_socket().recv_with(&mut buf, RecvFlags::PEEK)))??;
    /// assert_eq!(&buf[..n], b"peek");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub async fn read_with<R>(&self, op: impl FnMut(&T) -> Result<R>) -> Result<R> {
        self.io_with(Dir::Read, self.limit(Dir::Read), op).await
    }

    /// Makes a sending call until it does not say [`Error::WouldBlock`], waiting for
    /// writability between tries; bounded by the write timeout.
    pub async fn write_with<R>(&self, op: impl FnMut(&T) -> Result<R>) -> Result<R> {
        self.io_with(Dir::Write, self.limit(Dir::Write), op).await
    }

    /// [`read_with`](Async::read_with) / [`write_with`](Async::write_with), bounded by
    /// `limit` (`None`: no limit).
    pub(super) async fn io_with<R>(
        &self,
        dir: Dir,
        limit: Option<Duration>,
        mut op: impl FnMut(&T) -> Result<R>,
    ) -> Result<R> {
        let mut wait = Waiter::new(&self.reg, dir, limit);
        loop {
            if let Some(tick) = self.ready_tick(dir) {
                match op(&self.io) {
                    Err(Error::WouldBlock) => self.clear_ready_at(dir, tick),
                    r => return r,
                }
            }
            wait.ready().await?;
        }
    }

    /// [`io_with`](Async::io_with) for a stream's read or write of `len` bytes (not 0): a
    /// call that moves fewer (but some) found the socket drained (a read) or its buffer full
    /// (a write) at that moment, so the direction is cleared at once, as a `WouldBlock`
    /// would clear it, and the next call waits for the poller's word instead of asking the
    /// kernel for a `WouldBlock` (edge-triggered: what arrives after the call is a new edge).
    /// An event that lands during the call keeps the direction ready (the slot's tick moved);
    /// the peer's shutdown keeps reading ready.
    pub(super) async fn stream_io(
        &self,
        dir: Dir,
        len: usize,
        mut op: impl FnMut(&T) -> Result<usize>,
    ) -> Result<usize> {
        // One `poll_fn` (no future of the waiter's nested in it): the hot path of a server.
        let mut wait = Waiter::new(&self.reg, dir, self.limit(dir));
        poll_fn(|cx| loop {
            if let Some(tick) = self.ready_tick(dir) {
                match op(&self.io) {
                    Err(Error::WouldBlock) => self.clear_ready_at(dir, tick),
                    Ok(n) if n != 0 && n < len => {
                        self.clear_ready_at(dir, tick);
                        return Poll::Ready(Ok(n));
                    }
                    r => return Poll::Ready(r),
                }
            }
            match wait.poll_ready(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        })
        .await
    }

    /// `dir`'s call said `WouldBlock`.
    pub(super) fn clear_ready(&self, dir: Dir) {
        self.reg
            .reactor
            .clear_ready(self.reg.index, self.reg.generation, dir);
    }

    /// `Some(tick)` when `dir` is ready (its last call did not say `WouldBlock` or come back
    /// short, or an event came since): see [`Reactor::ready_tick`].
    pub(super) fn ready_tick(&self, dir: Dir) -> Option<u8> {
        self.reg
            .reactor
            .ready_tick(self.reg.index, self.reg.generation, dir)
    }

    /// `dir`'s call, tried at `tick`, found it drained: cleared unless an event came since.
    pub(super) fn clear_ready_at(&self, dir: Dir, tick: u8) {
        self.reg
            .reactor
            .clear_ready_at(self.reg.index, self.reg.generation, dir, tick);
    }

    /// A waiter in `dir` bounded by `limit`, for the typed calls.
    pub(super) fn waiter(&self, dir: Dir, limit: Option<Duration>) -> Waiter<'_> {
        Waiter::new(&self.reg, dir, limit)
    }
}

impl<T: AsSocket> AsFd for Async<'_, T> {
    fn as_fd(&self) -> rustix::fd::BorrowedFd<'_> {
        self.io.as_fd()
    }
}

/// One call's wait in one direction: its deadline (started at its first wait), and the
/// waker and deadline it left in the slot, taken out on drop.
pub(super) struct Waiter<'a> {
    reg: &'a Registration<'a>,
    dir: Dir,
    limit: Option<Duration>,
    /// The deadline in ns once started (0: not yet).
    at: u64,
    /// Whether it entered the slot's wait ([`Reactor::enter_wait`]), so that its drop leaves.
    waited: bool,
}

impl<'a> Waiter<'a> {
    fn new(reg: &'a Registration<'a>, dir: Dir, limit: Option<Duration>) -> Self {
        Waiter {
            reg,
            dir,
            limit,
            at: 0,
            waited: false,
        }
    }

    /// Waits until the direction is ready; [`Error::Timeout`] when the deadline passed.
    pub(super) async fn ready(&mut self) -> Result<()> {
        poll_fn(|cx| self.poll_ready(cx)).await
    }

    /// One poll of [`ready`](Waiter::ready), for a caller's own `poll_fn`: the deadline
    /// started at the first poll (the clock read only then and with a deadline), then ready,
    /// or [`Error::Timeout`], or the waker left in the slot.
    pub(super) fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let (reactor, index, generation) = (self.reg.reactor, self.reg.index, self.reg.generation);
        if let (Some(limit), 0) = (self.limit, self.at) {
            self.at = deadline_after(limit);
        }
        if reactor.is_ready(index, generation, self.dir) {
            return Poll::Ready(Ok(()));
        }
        if self.at != 0 && now_ns() >= self.at {
            return Poll::Ready(Err(Error::Timeout));
        }
        if !self.waited {
            if let Err(e) = reactor.enter_wait(index, generation, self.dir) {
                return Poll::Ready(Err(e));
            }
            self.waited = true;
        }
        reactor.set_waker(index, generation, self.dir, cx.waker());
        if self.at != 0 {
            reactor.set_deadline(index, generation, self.dir, self.at);
        }
        Poll::Pending
    }
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        let (reactor, index, generation) = (self.reg.reactor, self.reg.index, self.reg.generation);
        if self.waited {
            reactor.leave_wait(index, generation, self.dir);
        }
    }
}
