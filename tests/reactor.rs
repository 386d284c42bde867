//! The async reactor: many connections at once, deadlines, cancellation, full storage,
//! resets and hang-ups, datagrams, and packet/CAN receive where the kernel has them.
#![allow(unsafe_code)] // a test may use libc itself; the library may not

mod common;

use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use baresock::poll::PollError;
use baresock::reactor::{block_on, join, join_all, Async, Reactor, Slots};
use baresock::*;
use common::*;

/// Polls a future once with a waker that does nothing.
fn poll_once<F: Future>(f: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

const CONNECTIONS: usize = 1000;

#[test]
fn a_thousand_tcp_connections_at_once() {
    // 1,000 clients, 1,000 accepted streams, the listener, the poller, and the test's own.
    let need = 2 * CONNECTIONS as u64 + 64;
    let limit = common::raise_nofile(need);
    if limit < need {
        skip!(
            "RLIMIT_NOFILE's hard limit is {limit}, below the {} fds needed",
            2 * CONNECTIONS + 64
        );
    }
    // The arrays of futures (1.4 MB each) live on this thread's stack, moved by value a
    // few times in a debug build: give it room.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(thousand)
        .unwrap()
        .join()
        .unwrap();
}

fn thousand() {
    let slots = Box::new(Slots::<{ 2 * CONNECTIONS + 8 }>::new());
    let reactor = Reactor::new(&slots).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.as_socket().listen(u32::MAX).unwrap();
    let addr = listener.local_addr().unwrap();
    let listener = Async::new(&reactor, listener).unwrap();

    // Phase 1: every client connects at once while one task accepts them all.
    let clients: Vec<Cell<Option<Async<'_, TcpStream>>>> =
        (0..CONNECTIONS).map(|_| Cell::new(None)).collect();
    let servers: Vec<Cell<Option<Async<'_, TcpStream>>>> =
        (0..CONNECTIONS).map(|_| Cell::new(None)).collect();
    let (clients, servers, reactor_ref) = (&clients, &servers, &reactor);
    let connects: [_; CONNECTIONS] = core::array::from_fn(|i| async move {
        let c = Async::<TcpStream>::connect(reactor_ref, addr)
            .await
            .unwrap();
        clients[i].set(Some(c));
    });
    let accepts = async {
        for s in servers {
            let (conn, _) = listener.accept().await.unwrap();
            s.set(Some(conn));
        }
    };
    block_on(&reactor, join(join_all(connects), accepts)).unwrap();
    assert_eq!(reactor.registered(), 2 * CONNECTIONS + 1);

    // Phase 2: every connection echoes at once, each through its own future.
    let echoed = Cell::new(0usize);
    let echoed = &echoed;
    let echoes: [_; CONNECTIONS] = core::array::from_fn(|i| async move {
        let server = servers[i].take().unwrap();
        let client = clients[i].take().unwrap();
        let msg = (i as u32).to_be_bytes();
        let serve = async {
            let mut buf = [0u8; 4];
            let mut got = 0;
            while got < 4 {
                got += server.read(&mut buf[got..]).await.unwrap();
            }
            server.write_all(&buf).await.unwrap();
            // The client's close reads as the end.
            assert_eq!(server.read(&mut buf).await.unwrap(), 0);
        };
        let ask = async {
            client.write_all(&msg).await.unwrap();
            let mut buf = [0u8; 4];
            let mut got = 0;
            while got < 4 {
                got += client.read(&mut buf[got..]).await.unwrap();
            }
            assert_eq!(buf, msg);
            client.shutdown(Shutdown::Write).unwrap();
        };
        join(serve, ask).await;
        echoed.set(echoed.get() + 1);
    });
    block_on(&reactor, join_all(echoes)).unwrap();
    assert_eq!(echoed.get(), CONNECTIONS);
    // Every stream was dropped with its future: the listener alone is left, no waker.
    assert_eq!(reactor.registered(), 1);
    assert_eq!(reactor.wakers(), 0);
}

#[test]
fn connect_to_a_full_backlog_times_out_not_before_its_deadline() {
    let slots = Slots::<4>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.as_socket().listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    // Fill the accept queue: connects that nobody accepts, until one no longer completes.
    let mut held = Vec::new();
    let mut full = false;
    for _ in 0..64 {
        match TcpStream::connect_timeout(addr, Duration::from_millis(100)) {
            Ok(s) => held.push(s),
            Err(Error::Timeout) => {
                full = true;
                break;
            }
            Err(e) => panic!("{e}"),
        }
    }
    if !full {
        skip!("the kernel kept accepting connections into a backlog of 0");
    }
    let deadline = Duration::from_millis(150);
    let start = Instant::now();
    let r = block_on(
        &reactor,
        Async::<TcpStream>::connect_timeout(&reactor, addr, deadline),
    )
    .unwrap();
    let took = start.elapsed();
    assert_eq!(r.unwrap_err(), Error::Timeout);
    assert!(took >= deadline, "{took:?}");
    assert!(took < deadline * 20, "{took:?}");
    assert_eq!((reactor.registered(), reactor.wakers()), (0, 0));

    // A zero timeout is refused, as the blocking call refuses it.
    let r = block_on(
        &reactor,
        Async::<TcpStream>::connect_timeout(&reactor, addr, Duration::ZERO),
    )
    .unwrap();
    assert_eq!(r.unwrap_err(), Error::Input(InputError::ZeroTimeout));
}

#[test]
fn futures_dropped_mid_operation_leave_nothing_behind() {
    let slots = Slots::<8>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    let a = Async::new(&reactor, a).unwrap();
    let listener = Async::new(&reactor, TcpListener::bind("127.0.0.1:0").unwrap()).unwrap();
    assert_eq!(reactor.registered(), 2);
    {
        let mut buf = [0u8; 8];
        let mut read = pin!(a.read(&mut buf));
        assert!(poll_once(read.as_mut()).is_pending());
        let mut accept = pin!(listener.accept());
        assert!(poll_once(accept.as_mut()).is_pending());
        let mut sleep = pin!(reactor.sleep(Duration::from_secs(60)));
        assert!(poll_once(sleep.as_mut()).is_pending());
        assert_eq!(reactor.wakers(), 3);
        assert_eq!(reactor.registered(), 3, "the sleep holds a slot");
    }
    assert_eq!(reactor.wakers(), 0);
    assert_eq!(reactor.registered(), 2);

    // A timeout that passes drops its future the same way.
    let mut buf = [0u8; 8];
    let r = block_on(
        &reactor,
        reactor.timeout(Duration::from_millis(10), a.read(&mut buf)),
    );
    assert_eq!(r.unwrap(), Err(Error::Timeout));
    assert_eq!((reactor.registered(), reactor.wakers()), (2, 0));

    // Dropping the Async frees its slot and closes its fd.
    drop(a);
    drop(listener);
    assert_eq!((reactor.registered(), reactor.wakers()), (0, 0));
    // The wrapped end is closed: its peer reads the end.
    b.set_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(b.recv(&mut buf), Ok(0));
}

#[test]
fn into_inner_deregisters_and_restores_the_mode() {
    let slots = Slots::<2>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    a.set_timeout(Some(Duration::from_secs(3))).unwrap();
    let a = Async::new(&reactor, a).unwrap();
    assert_eq!(a.read_timeout(), Some(Duration::from_secs(3)));
    let a = a.into_inner();
    assert_eq!(reactor.registered(), 0);
    assert_eq!(a.timeout(), Some(Duration::from_secs(3)));
    // Its fd is no longer on the poller: registering it again works.
    let a = Async::new(&reactor, a).unwrap();
    b.send_all(b"x").unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(block_on(&reactor, a.read(&mut buf)).unwrap(), Ok(1));
    // A blocking socket comes back blocking.
    let (c, _d) = UnixStream::pair().unwrap();
    let c = Async::new(&reactor, c).unwrap().into_inner();
    assert_eq!(c.timeout(), None);
}

#[test]
fn full_storage_is_a_named_error() {
    let slots = Slots::<2>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    let _a = Async::new(&reactor, a).unwrap();
    let _b = Async::new(&reactor, b).unwrap();
    let (c, _d) = UnixStream::pair().unwrap();
    let full = Error::Poll(PollError::Full);
    assert_eq!(Async::new(&reactor, c).unwrap_err(), full);
    assert_eq!(
        block_on(&reactor, reactor.sleep(Duration::from_millis(1))).unwrap(),
        Err(full)
    );
    assert_eq!(
        block_on(
            &reactor,
            reactor.timeout(Duration::from_millis(1), std::future::pending::<()>())
        )
        .unwrap(),
        Err(full)
    );
    // A future done at once needs no timer.
    assert_eq!(
        block_on(
            &reactor,
            reactor.timeout(Duration::from_millis(1), async { 7 })
        )
        .unwrap(),
        Ok(7)
    );
    assert_eq!(reactor.registered(), 2);

    // An accepted connection that finds no slot is closed; the listener goes on.
    let slots = Slots::<1>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let listener = Async::new(&reactor, TcpListener::bind("127.0.0.1:0").unwrap()).unwrap();
    let client = TcpStream::connect(listener.get_ref().local_addr().unwrap()).unwrap();
    let r = block_on(&reactor, listener.accept()).unwrap();
    assert_eq!(r.unwrap_err(), full);
    let mut buf = [0u8; 1];
    client.set_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(
        client.recv(&mut buf),
        Ok(0),
        "the peer saw the connection end"
    );
    assert_eq!(reactor.registered(), 1);
}

/// A connected TCP pair: the client blocking, the server registered.
fn tcp_pair<'r>(reactor: &'r Reactor<'r>) -> (TcpStream, Async<'r, TcpStream>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (client, Async::new(reactor, server).unwrap())
}

#[test]
fn a_peer_reset_is_an_error_and_a_hang_up_the_end() {
    let slots = Slots::<4>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let mut buf = [0u8; 8];

    // Reset (SO_LINGER 0, then close) while a read waits.
    let (client, server) = tcp_pair(&reactor);
    client.as_socket().set_linger(Some(Duration::ZERO)).unwrap();
    let read = server.read(&mut buf);
    let reset = async {
        reactor.sleep(Duration::from_millis(10)).await.unwrap();
        drop(client);
    };
    let (r, ()) = block_on(&reactor, join(read, reset)).unwrap();
    assert_eq!(r, Err(Error::Os(Errno::CONNRESET)));

    // A close while a read waits: the end of the stream; then a write fails.
    let (client, server) = tcp_pair(&reactor);
    let read = server.read(&mut buf);
    let close = async {
        reactor.sleep(Duration::from_millis(10)).await.unwrap();
        drop(client);
    };
    let (r, ()) = block_on(&reactor, join(read, close)).unwrap();
    assert_eq!(r, Ok(0));
    let big = [0u8; 65536];
    let r = block_on(&reactor, async {
        loop {
            if let Err(e) = server.write(&big).await {
                return e;
            }
        }
    })
    .unwrap();
    assert!(
        matches!(r, Error::Os(Errno::PIPE | Errno::CONNRESET)),
        "{r:?}"
    );
}

#[test]
fn a_socket_timeout_bounds_an_async_read_and_write() {
    let slots = Slots::<4>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let (client, server) = tcp_pair(&reactor);
    let limit = Duration::from_millis(50);
    server.set_read_timeout(Some(limit));
    let mut buf = [0u8; 8];
    let start = Instant::now();
    assert_eq!(
        block_on(&reactor, server.read(&mut buf)).unwrap(),
        Err(Error::Timeout)
    );
    assert!(start.elapsed() >= limit, "{:?}", start.elapsed());
    assert_eq!(reactor.wakers(), 0);

    // A write that fills the peer's window: Partial, with what went out, at the deadline.
    server.set_write_timeout(Some(limit));
    let big = vec![0u8; 64 << 20];
    let start = Instant::now();
    let r = block_on(&reactor, server.write_all(&big)).unwrap();
    assert!(start.elapsed() >= limit);
    match r {
        Err(Error::Partial {
            sent,
            cause: PartialCause::Timeout,
        }) => assert!(sent > 0 && sent < big.len()),
        other => panic!("{other:?}"),
    }
    drop(client);
}

#[test]
fn sleep_and_turn_keep_their_deadlines() {
    let slots = Slots::<4>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let start = Instant::now();
    block_on(&reactor, reactor.sleep(Duration::from_millis(30)))
        .unwrap()
        .unwrap();
    assert!(start.elapsed() >= Duration::from_millis(30));
    // Two sleeps at once: the nearest bounds the turn, the other still ends in time.
    let start = Instant::now();
    let (a, b) = block_on(
        &reactor,
        join(
            reactor.sleep(Duration::from_millis(20)),
            reactor.sleep(Duration::from_millis(40)),
        ),
    )
    .unwrap();
    a.unwrap();
    b.unwrap();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(40) && took < Duration::from_secs(2),
        "{took:?}"
    );
    assert_eq!((reactor.registered(), reactor.wakers()), (0, 0));
    let start = Instant::now();
    assert_eq!(reactor.turn(Some(Duration::from_millis(15))).unwrap(), 0);
    assert!(start.elapsed() >= Duration::from_millis(15));
}

#[test]
fn udp_datagrams_both_ways() {
    let slots = Slots::<4>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let a = Async::new(&reactor, UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
    let b = Async::new(&reactor, UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
    let (a_addr, b_addr) = (
        a.get_ref().local_addr().unwrap(),
        b.get_ref().local_addr().unwrap(),
    );
    let mut buf = [0u8; 16];
    let receive = b.recv_from(&mut buf);
    let send = async {
        reactor.sleep(Duration::from_millis(5)).await.unwrap();
        a.send_to(b"ping", b_addr).await.unwrap()
    };
    let (got, sent) = block_on(&reactor, join(receive, send)).unwrap();
    assert_eq!(sent, 4);
    assert_eq!(got.unwrap(), (4, a_addr));
    assert_eq!(&buf[..4], b"ping");
    // Connected: send and recv; a datagram too big for the buffer says its length.
    a.get_ref().connect(b_addr).unwrap();
    b.get_ref().connect(a_addr).unwrap();
    block_on(&reactor, b.send(b"pong pong")).unwrap().unwrap();
    let mut small = [0u8; 4];
    assert_eq!(
        block_on(&reactor, a.recv(&mut small)).unwrap(),
        Err(Error::Truncated { len: 9 })
    );
}

#[test]
fn unix_datagrams_both_ways() {
    let slots = Slots::<4>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let dir = TempDir::new("reactor-dgram");
    let path = dir.path("b");
    let b_addr = unix_addr(&path);
    let a = Async::new(&reactor, UnixDatagram::unbound().unwrap()).unwrap();
    let b = Async::new(&reactor, UnixDatagram::bind(b_addr).unwrap()).unwrap();
    let mut buf = [0u8; 16];
    let receive = b.recv_from(&mut buf);
    let send = async {
        reactor.sleep(Duration::from_millis(5)).await.unwrap();
        a.send_to(b"hi", b_addr).await.unwrap()
    };
    let (got, sent) = block_on(&reactor, join(receive, send)).unwrap();
    assert_eq!(sent, 2);
    assert_eq!(got.unwrap().0, 2);
    assert_eq!(&buf[..2], b"hi");

    let (c, d) = UnixDatagram::pair().unwrap();
    let (c, d) = (
        Async::new(&reactor, c).unwrap(),
        Async::new(&reactor, d).unwrap(),
    );
    block_on(&reactor, c.send(b"pair")).unwrap().unwrap();
    assert_eq!(block_on(&reactor, d.recv(&mut buf)).unwrap(), Ok(4));
}

#[test]
fn packet_frames_arrive_asynchronously() {
    let r = in_netns_with_veth(|| {
        const PROTO: u16 = packet::ether::EXPERIMENTAL;
        let (i0, i1) = (
            interface_index(b"bs0").unwrap(),
            interface_index(b"bs1").unwrap(),
        );
        let slots = Slots::<4>::new();
        let reactor = Reactor::new(&slots).unwrap();
        let rx = PacketSocket::new(packet::PacketKind::Raw, PROTO).unwrap();
        rx.bind(LinkAddr::new(i1, PROTO)).unwrap();
        let rx = Async::new(&reactor, rx).unwrap();
        let tx = Async::new(
            &reactor,
            PacketSocket::new(packet::PacketKind::Raw, PROTO).unwrap(),
        )
        .unwrap();
        let mut frame = vec![0xffu8; 12];
        frame.extend_from_slice(&PROTO.to_be_bytes());
        frame.extend_from_slice(&[0x5a; 50]);
        let mut buf = [0u8; 1514];
        let receive = rx.recv_from(&mut buf);
        let send = async {
            reactor.sleep(Duration::from_millis(5)).await.unwrap();
            tx.send_to(&frame, LinkAddr::new(i0, PROTO)).await.unwrap()
        };
        let (got, sent) = block_on(&reactor, join(receive, send)).unwrap();
        assert_eq!(sent, frame.len());
        let (n, from) = got.unwrap();
        assert_eq!(&buf[..n], &frame[..]);
        assert_eq!(from.ifindex(), i1);
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}

#[cfg(feature = "can")]
#[test]
fn can_frames_arrive_asynchronously() {
    use baresock::can::{CanAnyFrame, CanFrame, CanId, CanSocket};
    let r = in_netns_with_vcan(|| {
        let slots = Slots::<4>::new();
        let reactor = Reactor::new(&slots).unwrap();
        let rx = CanSocket::new().unwrap();
        rx.bind(can_index("vc0")).unwrap();
        let tx = CanSocket::new().unwrap();
        tx.bind(can_index("vc0")).unwrap();
        let (rx, tx) = (
            Async::new(&reactor, rx).unwrap(),
            Async::new(&reactor, tx).unwrap(),
        );
        let frame = CanFrame::new(CanId::standard(0x123).unwrap(), &[1, 2, 3]).unwrap();
        let receive = rx.recv();
        let send = async {
            reactor.sleep(Duration::from_millis(5)).await.unwrap();
            tx.send(&frame).await.unwrap()
        };
        let (got, ()) = block_on(&reactor, join(receive, send)).unwrap();
        assert_eq!(got.unwrap(), CanAnyFrame::Classic(frame));
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}

#[test]
fn unix_streams_accept_and_echo() {
    let slots = Slots::<4>::new();
    let reactor = Reactor::new(&slots).unwrap();
    let dir = TempDir::new("reactor-stream");
    let addr = unix_addr(&dir.path("l"));
    let listener = Async::new(&reactor, UnixListener::bind(addr).unwrap()).unwrap();
    let server = async {
        let (conn, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 8];
        let n = conn.read(&mut buf).await.unwrap();
        conn.write_all(&buf[..n]).await.unwrap();
        conn.writable().await.unwrap();
    };
    let client = async {
        let conn = Async::new(&reactor, UnixStream::connect(addr).unwrap()).unwrap();
        conn.write(b"unix").await.unwrap();
        let mut buf = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            got += conn.read(&mut buf[got..]).await.unwrap();
        }
        assert_eq!(&buf, b"unix");
    };
    block_on(&reactor, join(server, client)).unwrap();
    assert_eq!((reactor.registered(), reactor.wakers()), (1, 0));
}
