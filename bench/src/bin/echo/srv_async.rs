//! The echo server on baresock's async sockets: the reactor (`baresock::reactor`) under
//! embassy-executor (`reactor::Executor`, feature `embassy`), one task per connection (a pool
//! of [`MAX_CONNS`]), `read` + `write_all`, as the tokio server; the reactor's storage, the
//! executor and the tasks' arena in statics, nothing allocated.

use std::io;

use baresock::reactor::{Async, Executor, Reactor, Slots};
use baresock::{TcpListener, TcpStream};
use static_cell::StaticCell;

use super::{BUF, MAX_CONNS};

/// The reactor's room: every connection and the listener, 1,024 events per turn (as the other
/// servers wait for).
type Storage = Slots<{ MAX_CONNS + 1 }, 1024>;

#[embassy_executor::task(pool_size = MAX_CONNS)]
async fn echo(conn: Async<'static, TcpStream>) {
    let mut buf = [0u8; BUF];
    while let Ok(n @ 1..) = conn.read(&mut buf).await {
        if conn.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
}

#[embassy_executor::task]
async fn accept(
    reactor: &'static Reactor<'static>,
    listener: TcpListener,
    spawner: embassy_executor::Spawner,
) {
    let Ok(listener) = Async::new(reactor, listener) else {
        super::fail("async server: cannot register the listener")
    };
    loop {
        let conn = match listener.accept().await {
            Ok((conn, _)) => conn,
            // Out of slots (`PollError::Full`: the connection is closed) or a failed accept:
            // the next one.
            Err(_) => continue,
        };
        if conn.get_ref().set_nodelay(true).is_err() {
            continue;
        }
        // A full task pool closes the connection (the bench never opens that many).
        if let Ok(task) = echo(conn) {
            spawner.spawn(task);
        }
    }
}

pub fn serve(listener: std::net::TcpListener) -> io::Result<()> {
    static SLOTS: StaticCell<Storage> = StaticCell::new();
    static REACTOR: StaticCell<Reactor<'static>> = StaticCell::new();
    static EXECUTOR: StaticCell<Executor> = StaticCell::new();
    let listener = TcpListener::from(std::os::fd::OwnedFd::from(listener));
    let reactor = REACTOR.init(Reactor::new(SLOTS.init(Slots::new()))?);
    let executor = EXECUTOR.init(Executor::new(reactor));
    executor.run(|spawner| match accept(reactor, listener, spawner) {
        Ok(task) => spawner.spawn(task),
        Err(_) => super::fail("async server: cannot spawn the accept task"),
    })
}
