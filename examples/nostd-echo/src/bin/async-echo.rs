//! A TCP echo server with no standard library, no libc and no allocator, on baresock's
//! reactor and the embassy executor: one task per connection, everything in statics.
//!
//! ```text
//! async-echo PORT [CONNECTIONS]
//! ```
//!
//! Listens on `0.0.0.0:PORT` (the kernel's maximum backlog) and sends every byte each client
//! sends back to it, until the client closes its side; then closes the connection. One
//! listener task accepts, and spawns one task per connection from a pool of [`POOL`] tasks.
//! With `CONNECTIONS`, it accepts that many connections, closes the listener, and exits 0 once
//! every one of them has been served and closed (so a test run ends); without, it serves
//! forever.
//!
//! Exit codes: 2 for bad arguments, 1 when the listener cannot be made (bind, listen, the
//! poller), 101 on a panic (none is expected). An error on one connection (a reset, say) ends
//! that connection only. When all [`POOL`] tasks are busy, the listener waits until one
//! ends before it accepts again (the kernel's backlog holds the connections meanwhile): none
//! is refused for lack of room, and nothing panics. The reactor has a slot for every task,
//! the listener and one timer, so it is never full. A failed `accept` (out of fds, say) is
//! retried after 10 ms. A connection has no timeout of its own: a client that stays silent
//! keeps its task (and with `POOL` of them, makes the listener wait).
//!
//! Build it like the UDP echo, in this directory (the flags are in `.cargo/config.toml`):
//!
//! ```text
//! cargo +nightly build --release --bin async-echo --target x86_64-unknown-linux-musl
//! ../../target/x86_64-unknown-linux-musl/release/async-echo 7000
//! ```
//!
//! (any triple of `targets/*.toml`; under `qemu-<arch>` for the others). `cargo xtask test
//! --tier qemu-user` runs it on every architecture against 1,000 connections at once.
#![no_std]
#![no_main]

#[path = "../rt.rs"]
mod rt;

use core::cell::Cell;
use core::future::poll_fn;
use core::net::Ipv4Addr;
use core::task::{Poll, Waker};
use core::time::Duration;

use baresock::reactor::{Async, Executor, Reactor, Slots};
use baresock::{TcpListener, TcpStream};
use embassy_executor::Spawner;
use static_cell::{ConstStaticCell, StaticCell};

/// How many connections are served at once: the connection task pool.
const POOL: usize = 1024;
/// The reactor's slots: one per connection, the listener, and the retry timer of `accept`.
const SLOTS: usize = POOL + 2;
/// Each connection's buffer (in its task, so in `.bss` with the pool).
const BUF: usize = 1024;

/// What the listener and the connection tasks share (one thread: `Cell`s).
struct Server {
    /// Connections whose task is running.
    open: Cell<usize>,
    /// Connections served and closed.
    closed: Cell<u32>,
    /// Connections to serve before exiting; 0 for no limit.
    limit: u32,
    /// The listener, while it waits for a task to end.
    listener: Cell<Option<Waker>>,
}

impl Server {
    /// A connection's task ended (its socket closed): make room, wake the listener if it
    /// waits for room, exit 0 after the last of `limit`.
    fn ended(&self) {
        self.open.set(self.open.get() - 1);
        self.closed();
        if let Some(w) = self.listener.take() {
            w.wake();
        }
    }

    /// A connection was closed: exit 0 if it was the last of `limit`.
    fn closed(&self) {
        self.closed.set(self.closed.get().wrapping_add(1));
        if self.limit != 0 && self.closed.get() == self.limit {
            rt::exit(0);
        }
    }

    /// Waits until a connection task is free.
    async fn room(&self) {
        poll_fn(|cx| {
            if self.open.get() < POOL {
                return Poll::Ready(());
            }
            self.listener.set(Some(cx.waker().clone()));
            Poll::Pending
        })
        .await
    }
}

/// One connection: echoes until the client's end (or an error), then closes it.
// The pool: `POOL` tasks (the macro takes a literal; a path to `POOL` makes it cycle).
#[embassy_executor::task(pool_size = 1024)]
async fn connection(conn: Async<'static, TcpStream>, server: &'static Server) {
    let mut buf = [0u8; BUF];
    while let Ok(n @ 1..) = conn.read(&mut buf).await {
        if conn.write_all(buf.get(..n).unwrap_or(&[])).await.is_err() {
            break;
        }
    }
    drop(conn);
    server.ended();
}

/// Accepts connections and spawns a task for each, waiting for room when the pool is full;
/// with a limit, closes the listener after accepting that many.
#[embassy_executor::task]
async fn listen(
    listener: Async<'static, TcpListener>,
    reactor: &'static Reactor<'static>,
    server: &'static Server,
    spawner: Spawner,
) {
    let mut accepted: u32 = 0;
    while server.limit == 0 || accepted < server.limit {
        server.room().await;
        match listener.accept().await {
            Ok((conn, _peer)) => {
                accepted = accepted.wrapping_add(1);
                // There is room: `room` saw a task free, and only this task spawns. Were
                // there none, the connection would be closed (dropped with the error).
                if let Ok(token) = connection(conn, server) {
                    server.open.set(server.open.get() + 1);
                    spawner.spawn(token);
                } else {
                    server.closed();
                }
            }
            // Out of fds or memory, or a connection reset before it was accepted: try again
            // a little later rather than spin.
            Err(_) => {
                let _ = reactor.sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

static STORAGE: ConstStaticCell<Slots<SLOTS>> = ConstStaticCell::new(Slots::new());
static REACTOR: StaticCell<Reactor<'static>> = StaticCell::new();
static EXECUTOR: StaticCell<Executor> = StaticCell::new();
static SERVER: StaticCell<Server> = StaticCell::new();

/// The program, called by `_start` with the kernel's `argc` and `argv`; returns the exit code
/// (or never returns: the executor runs until the last connection closes, then exits).
///
/// # Safety
/// `argv` points to `argc` pointers to NUL-terminated strings, as the kernel lays them out.
#[unsafe(no_mangle)]
unsafe extern "C" fn echo_main(argc: usize, argv: *const *const u8) -> i32 {
    // SAFETY: as the caller promises.
    let Some((port, limit)) = (unsafe { rt::args(argc, argv) }) else {
        return 2;
    };
    let Ok(reactor) = Reactor::new(STORAGE.take()) else {
        return 1;
    };
    let reactor: &'static Reactor<'static> = REACTOR.init(reactor);
    let Ok(listener) = TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)) else {
        return 1;
    };
    let Ok(listener) = Async::new(reactor, listener) else {
        return 1;
    };
    let server: &'static Server = SERVER.init(Server {
        open: Cell::new(0),
        closed: Cell::new(0),
        limit,
        listener: Cell::new(None),
    });
    let executor = EXECUTOR.init(Executor::new(reactor));
    executor.run(|spawner| {
        // The first task of its pool: there is room.
        if let Ok(token) = listen(listener, reactor, server, spawner) {
            spawner.spawn(token);
        }
    })
}
