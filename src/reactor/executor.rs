//! [`Executor`]: embassy-executor 0.10 tasks driven by a [`Reactor`] (feature `embassy`).

use core::sync::atomic::{AtomicBool, Ordering};

use embassy_executor::{raw, Spawner};

use super::Reactor;
use crate::sys::embassy::Pend;

/// An [embassy](embassy_executor) executor whose idle time is a [`Reactor::turn`]: tasks
/// spawned with `#[embassy_executor::task]` await [`Async`](super::Async) sockets and
/// [`Reactor::sleep`], and the thread sleeps in `epoll_pwait` while none can go on.
///
/// [`run`](Executor::run) loops: poll the tasks embassy queued, and when none are queued,
/// turn the reactor (until a socket is ready or the nearest deadline passes), whose wakers
/// queue the tasks again. Everything lives in `static`s: `no_std`, no heap.
///
/// The crate exports embassy's `__pender` symbol (embassy-executor built without a platform
/// feature asks the program for one): do not enable an embassy `platform-*` feature too, or
/// the symbol is defined twice and the program does not link. A task woken from another
/// thread (or a signal handler) ends the executor's wait at once, through an eventfd
/// ([`poll::Waker`](crate::poll::Waker)) on the reactor's poller, made when `run` starts
/// (should it fail, such wakes are seen at the next socket event or deadline); wakes on the
/// executor's own thread cost no system call.
///
/// ```no_run
/// use baresock::reactor::{Async, Executor, Reactor, Slots};
/// use baresock::{TcpListener, TcpStream};
/// use static_cell::StaticCell;
///
/// #[embassy_executor::task(pool_size = 64)]
/// async fn echo(conn: Async<'static, TcpStream>) {
///     let mut buf = [0u8; 1024];
///     while let Ok(n @ 1..) = conn.read(&mut buf).await {
///         if conn.write_all(&buf[..n]).await.is_err() {
///             break;
///         }
///     }
/// }
///
/// #[embassy_executor::task]
/// async fn serve(reactor: &'static Reactor<'static>, spawner: embassy_executor::Spawner) {
///     let listener = Async::new(reactor, TcpListener::bind("127.0.0.1:7000").unwrap()).unwrap();
///     loop {
///         if let Ok((conn, _peer)) = listener.accept().await {
///             // A full pool drops (closes) the connection.
///             if let Ok(token) = echo(conn) {
///                 spawner.spawn(token);
///             }
///         }
///     }
/// }
///
/// static SLOTS: StaticCell<Slots<128>> = StaticCell::new();
/// static REACTOR: StaticCell<Reactor<'static>> = StaticCell::new();
/// static EXECUTOR: StaticCell<Executor> = StaticCell::new();
///
/// fn main() -> ! {
///     let reactor = REACTOR.init(Reactor::new(SLOTS.init(Slots::new())).unwrap());
///     let executor = EXECUTOR.init(Executor::new(reactor));
///     executor.run(|spawner| spawner.spawn(serve(reactor, spawner).unwrap()))
/// }
/// ```
pub struct Executor {
    reactor: &'static Reactor<'static>,
    pend: Pend,
    raw: Option<raw::Executor>,
}

/// The key of the executor's eventfd on the poller: no slot's (a turn ignores it).
const WAKER_KEY: u64 = u64::MAX;

impl core::fmt::Debug for Executor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Executor")
            .field("reactor", self.reactor)
            .field("pended", &self.pend.pended)
            .finish_non_exhaustive()
    }
}

impl Executor {
    /// An executor turning `reactor` while its tasks wait.
    pub const fn new(reactor: &'static Reactor<'static>) -> Executor {
        Executor {
            reactor,
            pend: Pend {
                pended: AtomicBool::new(false),
                waiting: AtomicBool::new(false),
                waker: None,
            },
            raw: None,
        }
    }

    /// Runs `init` with a spawner (spawn the first tasks there), then the tasks, forever.
    ///
    /// A turn that fails (the poller refusing to wait, which it has no reason to) is taken as
    /// a wake-up: the queued tasks are polled and the loop goes on.
    pub fn run(&'static mut self, init: impl FnOnce(Spawner)) -> ! {
        let Executor { reactor, pend, raw } = self;
        let reactor: &'static Reactor<'static> = reactor;
        pend.waker = crate::poll::Waker::new(reactor.poller(), WAKER_KEY).ok();
        let pend: &'static Pend = pend;
        let raw: &'static raw::Executor =
            raw.insert(raw::Executor::new(crate::sys::embassy::context(pend)));
        init(raw.spawner());
        loop {
            if pend.pended.swap(false, Ordering::SeqCst) {
                crate::sys::embassy::poll(raw);
            } else {
                let _ = reactor.turn_gated(None, Some((&pend.waiting, &pend.pended)));
            }
        }
    }
}
