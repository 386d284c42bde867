//! The poller (`baresock::poll`): many sockets at once, edge and one-shot triggering, hang-ups
//! and resets, the waker (from a thread and from a signal handler), deadlines under signals,
//! the timer, and every misuse's named error.
#![allow(unsafe_code)] // a test may use libc and raw fds itself; the library may not

mod common;

use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use baresock::poll::{Event, Interest, PollError, Poller, Timer, Waker};
use baresock::{
    create_server, Errno, Error, ServerOptions, Shutdown, Socket, TcpListener, TcpStream,
    UdpSocket, UnixStream,
};

fn wait_some<'e>(p: &Poller, events: &'e mut [Event]) -> &'e [Event] {
    p.wait(events, Some(Duration::from_secs(10))).unwrap()
}

fn nothing_for(p: &Poller, ms: u64) -> bool {
    let mut events = [Event::EMPTY; 4];
    p.wait(&mut events, Some(Duration::from_millis(ms)))
        .unwrap()
        .is_empty()
}

#[test]
fn the_poller_waker_and_timer_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Poller>();
    send_sync::<Waker>();
    send_sync::<Timer>();
    send_sync::<Event>();
}

#[test]
fn every_socket_type_is_added_by_reference() {
    fn compiles(
        p: &Poller,
        l: &TcpListener,
        s: &TcpStream,
        u: &UdpSocket,
        x: &UnixStream,
        k: &Socket,
    ) {
        let _ = p.add(l, 0, Interest::READABLE);
        let _ = p.add(s, 1, Interest::READABLE | Interest::WRITABLE);
        let _ = p.add(u, 2, Interest::READABLE);
        let _ = p.add(x, 3, Interest::READABLE);
        let _ = p.add(k, 4, Interest::READABLE);
        #[cfg(feature = "can")]
        let _ = |c: &baresock::can::CanSocket| p.add(c, 5, Interest::READABLE);
        let _ = |c: &baresock::PacketSocket| p.add(c, 6, Interest::READABLE);
    }
    let p = Poller::new().unwrap();
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let s = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let u = UdpSocket::bind("127.0.0.1:0").unwrap();
    let (x, _y) = UnixStream::pair().unwrap();
    let k = Socket::from(UdpSocket::bind("127.0.0.1:0").unwrap());
    compiles(&p, &l, &s, &u, &x, &k);
    let mut events = [Event::EMPTY; 8];
    // The listener has a connection (once the server side has taken the handshake's last
    // ACK, which may come after `connect` returned), the stream room, the others nothing.
    let mut keys = std::collections::BTreeSet::new();
    let start = Instant::now();
    while keys.len() < 2 && start.elapsed() < Duration::from_secs(10) {
        keys.extend(wait_some(&p, &mut events).iter().map(Event::key));
    }
    assert_eq!(keys.into_iter().collect::<Vec<_>>(), [0, 1]);
    #[cfg(feature = "can")]
    match baresock::can::CanSocket::new() {
        Ok(c) => p.add(&c, 5, Interest::READABLE).unwrap(),
        Err(e) => println!("no CAN socket here ({e}); the CAN add is compiled only"),
    }
    if common::is_root() {
        let pk = baresock::PacketSocket::new(baresock::packet::PacketKind::Raw, 0).unwrap();
        p.add(&pk, 6, Interest::READABLE).unwrap();
    } else {
        println!("not root: no packet socket; its add is compiled only");
    }
}

#[test]
fn a_thousand_tcp_connections_at_once() {
    const N: usize = 1000;
    // Both ends of each connection are in this process, with the listener and the pollers.
    let need = 2 * N as u64 + 64;
    let limit = common::raise_nofile(need);
    if limit < need {
        skip!("RLIMIT_NOFILE is {limit} (the hard limit not raisable); {need} fds needed");
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let server = create_server(common::v4_any_port(), ServerOptions::default()).unwrap();
    server.set_nonblocking(true).unwrap();
    let addr = server.local_addr().unwrap();
    let serving = Poller::new().unwrap();
    const LISTENER: u64 = u64::MAX;
    serving.add(&server, LISTENER, Interest::READABLE).unwrap();

    // The clients: each connects, sends its number, and waits on its own poller for the echo.
    let clients: Vec<TcpStream> = (0..N).map(|_| TcpStream::connect(addr).unwrap()).collect();
    let answers = Poller::new().unwrap();
    for (i, c) in clients.iter().enumerate() {
        c.set_nonblocking(true).unwrap();
        answers.add(c, i as u64, Interest::READABLE).unwrap();
        c.send_all(&(i as u32).to_le_bytes()).unwrap();
    }

    // The server: accepts and echoes, edge-triggered, until every client has its echo.
    let mut conns: Vec<TcpStream> = Vec::with_capacity(N);
    let mut echoed = 0;
    let mut events = vec![Event::EMPTY; 256];
    while echoed < N {
        assert!(Instant::now() < deadline, "only {echoed} of {N} echoed");
        for e in serving
            .wait(&mut events, Some(Duration::from_secs(5)))
            .unwrap()
        {
            if e.key() == LISTENER {
                loop {
                    match server.accept() {
                        Ok((conn, _)) => {
                            conn.set_nonblocking(true).unwrap();
                            serving
                                .add(
                                    &conn,
                                    conns.len() as u64,
                                    Interest::READABLE | Interest::EDGE,
                                )
                                .unwrap();
                            conns.push(conn);
                        }
                        Err(Error::WouldBlock) => break,
                        Err(e) => panic!("accept: {e}"),
                    }
                }
                continue;
            }
            let conn = &conns[e.key() as usize];
            let mut buf = [0u8; 64];
            loop {
                match conn.recv(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        conn.send_all(&buf[..n]).unwrap();
                        echoed += n / 4;
                    }
                    Err(Error::WouldBlock) => break,
                    Err(e) => panic!("recv: {e}"),
                }
            }
        }
    }
    assert_eq!(conns.len(), N);

    // Every client's echo, through one poller.
    let mut seen = vec![false; N];
    let mut count = 0;
    while count < N {
        assert!(Instant::now() < deadline, "only {count} of {N} answers");
        for e in answers
            .wait(&mut events, Some(Duration::from_secs(5)))
            .unwrap()
        {
            let i = e.key() as usize;
            let mut buf = [0u8; 4];
            assert_eq!(clients[i].recv(&mut buf).unwrap(), 4);
            assert_eq!(u32::from_le_bytes(buf) as usize, i);
            assert!(!seen[i], "client {i} answered twice");
            seen[i] = true;
            count += 1;
            answers.delete(&clients[i]).unwrap();
        }
    }
    assert!(nothing_for(&answers, 0));
}

#[test]
fn edge_triggered_reads_must_drain() {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    let p = Poller::new().unwrap();
    p.add(&a, 1, Interest::READABLE | Interest::EDGE).unwrap();
    b.send_all(b"0123456789").unwrap();
    let mut events = [Event::EMPTY; 4];
    assert_eq!(
        wait_some(&p, &mut events),
        [Event::new(1, libc::EPOLLIN as u32)]
    );
    // Read part of it: no new edge, so no second event although data is left.
    let mut buf = [0u8; 4];
    assert_eq!(a.recv(&mut buf).unwrap(), 4);
    assert!(nothing_for(&p, 50));
    // New data is a new edge.
    b.send_all(b"x").unwrap();
    assert_eq!(wait_some(&p, &mut events).len(), 1);
    let mut all = [0u8; 64];
    assert_eq!(a.recv(&mut all).unwrap(), 7);
    assert_eq!(a.recv(&mut all), Err(Error::WouldBlock));
    assert!(nothing_for(&p, 20));

    // Level-triggered, the same partial read is reported again at every wait.
    p.modify(&a, 2, Interest::READABLE).unwrap();
    b.send_all(b"0123").unwrap();
    assert_eq!(a.recv(&mut buf[..2]).unwrap(), 2);
    assert_eq!(wait_some(&p, &mut events)[0].key(), 2);
    assert_eq!(wait_some(&p, &mut events)[0].key(), 2);
}

#[test]
fn one_shot_waits_for_modify_to_rearm() {
    let (a, b) = UnixStream::pair().unwrap();
    let p = Poller::new().unwrap();
    p.add(&a, 5, Interest::READABLE | Interest::ONESHOT)
        .unwrap();
    b.send_all(b"data").unwrap();
    let mut events = [Event::EMPTY; 4];
    assert_eq!(wait_some(&p, &mut events)[0].key(), 5);
    // The data is still there, but the fd is disarmed.
    assert!(nothing_for(&p, 50));
    b.send_all(b"more").unwrap();
    assert!(nothing_for(&p, 20));
    // Re-armed, with a new key: reported at once.
    p.modify(&a, 6, Interest::READABLE | Interest::ONESHOT)
        .unwrap();
    assert_eq!(wait_some(&p, &mut events)[0].key(), 6);
    assert!(nothing_for(&p, 20));
}

#[test]
fn a_peer_reset_is_an_error_and_a_hangup() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (conn, _) = listener.accept().unwrap();
    let p = Poller::new().unwrap();
    p.add(&client, 0, Interest::READABLE | Interest::READ_CLOSED)
        .unwrap();
    assert!(nothing_for(&p, 0));
    // Linger 0: close sends a reset.
    conn.set_linger(Some(Duration::ZERO)).unwrap();
    drop(conn);
    let mut events = [Event::EMPTY; 4];
    let e = wait_some(&p, &mut events)[0];
    assert!(e.is_error(), "{e:?}");
    assert!(e.is_hangup(), "{e:?}");
    let mut buf = [0u8; 4];
    assert_eq!(client.recv(&mut buf), Err(Error::Os(Errno::CONNRESET)));
}

#[test]
fn a_hangup_and_a_half_close_are_reported() {
    // TCP: the peer shuts down its writing side: read-closed, not a hang-up.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (conn, _) = listener.accept().unwrap();
    let p = Poller::new().unwrap();
    p.add(&client, 1, Interest::READ_CLOSED).unwrap();
    conn.shutdown(Shutdown::Write).unwrap();
    let mut events = [Event::EMPTY; 4];
    let e = wait_some(&p, &mut events)[0];
    assert!(
        e.is_read_closed() && !e.is_hangup() && !e.is_error(),
        "{e:?}"
    );
    // A hang-up is reported with no interest at all.
    let p = Poller::new().unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    p.add(&a, 2, Interest::empty()).unwrap();
    assert!(nothing_for(&p, 0));
    drop(b);
    let e = wait_some(&p, &mut events)[0];
    assert_eq!(e.key(), 2);
    assert!(e.is_hangup() && !e.is_readable(), "{e:?}");
    let mut buf = [0u8; 4];
    assert_eq!(a.recv(&mut buf).unwrap(), 0);
}

#[test]
fn a_waker_ends_a_wait_from_another_thread() {
    let p = Poller::new().unwrap();
    let w = Waker::new(&p, 42).unwrap();
    let start = Instant::now();
    std::thread::scope(|s| {
        s.spawn(|| {
            std::thread::sleep(Duration::from_millis(50));
            w.wake().unwrap();
        });
        let mut events = [Event::EMPTY; 4];
        let ready = p.wait(&mut events, None).unwrap();
        assert_eq!(ready.len(), 1);
        assert_eq!(ready[0].key(), 42);
    });
    assert!(start.elapsed() >= Duration::from_millis(50));
    // Edge-triggered: every wake ends one wait, without reading the count back.
    for _ in 0..3 {
        w.wake().unwrap();
        let mut events = [Event::EMPTY; 4];
        assert_eq!(wait_some(&p, &mut events)[0].key(), 42);
        assert!(nothing_for(&p, 0));
    }
    assert_eq!(w.reset().unwrap(), 4);
    assert_eq!(w.reset().unwrap(), 0);
    let text = format!("{w:?}");
    assert!(text.starts_with("Waker { fd: "), "{text}");
}

static SIGNAL_WAKER: OnceLock<Waker> = OnceLock::new();

extern "C" fn wake_from_handler(_: libc::c_int) {
    if let Some(w) = SIGNAL_WAKER.get() {
        // Async-signal-safe: one write(2).
        let _ = w.wake();
    }
}

#[test]
fn a_waker_ends_a_wait_from_a_signal_handler() {
    let p = Poller::new().unwrap();
    let w = SIGNAL_WAKER.get_or_init(|| Waker::new(&p, 7).unwrap());
    // SAFETY: a valid sigaction whose handler only calls `wake` (one write(2)).
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = wake_from_handler as *const () as usize;
        libc::sigemptyset(&mut sa.sa_mask);
        assert_eq!(libc::sigaction(libc::SIGUSR2, &sa, std::ptr::null_mut()), 0);
    }
    struct Tid(libc::pthread_t);
    // SAFETY: a thread id is only an identifier; the waiting thread outlives the signal.
    unsafe impl Send for Tid {}
    // SAFETY: no preconditions.
    let me = Tid(unsafe { libc::pthread_self() });
    let start = Instant::now();
    std::thread::scope(|s| {
        s.spawn(move || {
            let me = me;
            std::thread::sleep(Duration::from_millis(50));
            // SAFETY: the thread is alive: it waits in the scope until this one ends.
            assert_eq!(unsafe { libc::pthread_kill(me.0, libc::SIGUSR2) }, 0);
        });
        let mut events = [Event::EMPTY; 4];
        let ready = p.wait(&mut events, Some(Duration::from_secs(30))).unwrap();
        assert_eq!(ready.len(), 1, "{ready:?}");
        assert_eq!(ready[0].key(), 7);
    });
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(50) && took < Duration::from_secs(20),
        "{took:?}"
    );
    assert_eq!(w.reset().unwrap(), 1);
}

#[test]
fn a_signal_alone_does_not_end_the_wait() {
    let (result, took) = common::signals::under_signals(|| {
        let p = Poller::new().unwrap();
        let (a, _b) = UnixStream::pair().unwrap();
        p.add(&a, 0, Interest::READABLE).unwrap();
        let mut events = [Event::EMPTY; 4];
        let start = Instant::now();
        let n = p
            .wait(&mut events, Some(Duration::from_millis(400)))
            .map(|r| r.len());
        (n, start.elapsed())
    });
    assert_eq!(result, Ok(0));
    assert!(took >= Duration::from_millis(400), "{took:?}");
}

#[test]
fn a_wait_without_limit_outlasts_signals_until_woken() {
    let (key, took) = common::signals::under_signals(|| {
        let p = Poller::new().unwrap();
        let w = Waker::new(&p, 11).unwrap();
        let start = Instant::now();
        std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(Duration::from_millis(400));
                w.wake().unwrap();
            });
            let mut events = [Event::EMPTY; 4];
            let key = p.wait(&mut events, None).unwrap()[0].key();
            (key, start.elapsed())
        })
    });
    assert_eq!(key, 11);
    assert!(took >= Duration::from_millis(400), "{took:?}");
}

#[test]
fn a_deadline_that_passes_returns_empty_never_early() {
    let p = Poller::new().unwrap();
    let (a, _b) = UnixStream::pair().unwrap();
    p.add(&a, 0, Interest::READABLE).unwrap();
    let mut events = [Event::EMPTY; 1];
    for t in [
        Duration::ZERO,
        Duration::from_micros(1),
        Duration::from_micros(1500),
        Duration::from_millis(100),
    ] {
        let start = Instant::now();
        assert!(p.wait(&mut events, Some(t)).unwrap().is_empty());
        let took = start.elapsed();
        assert!(took >= t, "{t:?}: returned after {took:?}");
        assert!(
            took < t + Duration::from_secs(2),
            "{t:?}: returned after {took:?}"
        );
    }
}

#[test]
fn more_events_than_room_wait_for_the_next_call() {
    let p = Poller::new().unwrap();
    let pairs: Vec<_> = (0..5).map(|_| UnixStream::pair().unwrap()).collect();
    for (i, (a, b)) in pairs.iter().enumerate() {
        p.add(a, i as u64, Interest::READABLE | Interest::ONESHOT)
            .unwrap();
        b.send_all(b"x").unwrap();
    }
    let mut events = [Event::EMPTY; 2];
    let mut keys = Vec::new();
    for _ in 0..3 {
        keys.extend(wait_some(&p, &mut events).iter().map(Event::key));
    }
    keys.sort();
    assert_eq!(keys, [0, 1, 2, 3, 4]);
}

#[test]
fn every_misuse_is_its_named_error() {
    let p = Poller::new().unwrap();
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    // Modify and delete before adding.
    assert_eq!(
        p.modify(&s, 0, Interest::READABLE),
        Err(Error::Poll(PollError::NotAdded))
    );
    assert_eq!(p.delete(&s), Err(Error::Poll(PollError::NotAdded)));
    // Add twice.
    p.add(&s, 0, Interest::READABLE).unwrap();
    assert_eq!(
        p.add(&s, 1, Interest::WRITABLE),
        Err(Error::Poll(PollError::AlreadyAdded))
    );
    p.delete(&s).unwrap();
    assert_eq!(p.delete(&s), Err(Error::Poll(PollError::NotAdded)));
    // A closed fd: a number far above any open one (a number just closed could be reused by a
    // test running beside this one).
    // SAFETY: the fd is only passed to epoll_ctl, which refuses it (EBADF); nothing uses it.
    let closed = unsafe { BorrowedFd::borrow_raw(1 << 30) };
    assert_eq!(
        p.add(closed, 0, Interest::READABLE),
        Err(Error::Poll(PollError::BadFd))
    );
    assert_eq!(p.delete(closed), Err(Error::Poll(PollError::BadFd)));
    // A regular file and a directory.
    let dir = common::TempDir::new("poll");
    let file = std::fs::File::create(dir.path("f")).unwrap();
    assert_eq!(
        p.add(&file, 0, Interest::READABLE),
        Err(Error::Poll(PollError::NotPollable))
    );
    let root = std::fs::File::open("/").unwrap();
    assert_eq!(
        p.add(&root, 0, Interest::READABLE),
        Err(Error::Poll(PollError::NotPollable))
    );
    // An empty slice of events.
    assert_eq!(
        p.wait(&mut [], Some(Duration::ZERO)),
        Err(Error::Poll(PollError::EmptyEvents))
    );
    assert_eq!(
        p.wait(&mut [], None),
        Err(Error::Poll(PollError::EmptyEvents))
    );
    // EXCLUSIVE only on add: the kernel's EINVAL stays an errno.
    p.add(&s, 0, Interest::READABLE | Interest::EXCLUSIVE)
        .unwrap();
    assert_eq!(
        p.modify(&s, 0, Interest::READABLE | Interest::EXCLUSIVE),
        Err(Error::Os(Errno::INVAL))
    );
    // The errors read well, and keep their errno.
    assert_eq!(
        Error::Poll(PollError::AlreadyAdded).to_string(),
        "the fd is already registered with this poller"
    );
    assert_eq!(
        Error::Poll(PollError::NotPollable).errno(),
        Some(Errno::PERM)
    );
    #[cfg(feature = "std")]
    {
        let io: std::io::Error = Error::Poll(PollError::NotPollable).into();
        assert_eq!(io.raw_os_error(), Some(libc::EPERM));
        let io: std::io::Error = Error::Poll(PollError::EmptyEvents).into();
        assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
    }
}

#[test]
fn a_timer_fires_and_counts_expirations() {
    let p = Poller::new().unwrap();
    let t = Timer::new().unwrap();
    p.add(&t, 3, Interest::READABLE).unwrap();
    assert_eq!(t.expirations(), Err(Error::WouldBlock));
    let start = Instant::now();
    t.set_after(Duration::from_millis(30)).unwrap();
    let mut events = [Event::EMPTY; 2];
    assert_eq!(wait_some(&p, &mut events)[0].key(), 3);
    assert!(start.elapsed() >= Duration::from_millis(30));
    assert_eq!(t.expirations().unwrap(), 1);
    assert_eq!(t.expirations(), Err(Error::WouldBlock));
    assert!(nothing_for(&p, 0));
    // Every 2 ms: several expirations counted in one read.
    t.set_interval(Duration::from_millis(2), Duration::from_millis(2))
        .unwrap();
    std::thread::sleep(Duration::from_millis(30));
    let n = t.expirations().unwrap();
    assert!(n >= 5, "{n}");
    t.disarm().unwrap();
    let _ = t.expirations();
    std::thread::sleep(Duration::from_millis(10));
    assert_eq!(t.expirations(), Err(Error::WouldBlock));
    // Zero: at once (not the kernel's "disarm").
    t.set_after(Duration::ZERO).unwrap();
    assert_eq!(wait_some(&p, &mut events)[0].key(), 3);
    assert_eq!(t.expirations().unwrap(), 1);
    // Far in the future: accepted, never fires here.
    t.set_after(Duration::MAX).unwrap();
    assert!(nothing_for(&p, 5));
    assert!(format!("{t:?}").starts_with("Timer { fd: "));
}

#[test]
fn the_wakers_counter_overflow_is_already_woken() {
    let p = Poller::new().unwrap();
    let w = Waker::new(&p, 1).unwrap();
    // Fill the eventfd's counter to its most (2^64 - 2) behind the waker's back.
    assert_eq!(
        rustix::io::write(w.as_fd(), &(u64::MAX - 1).to_ne_bytes()),
        Ok(8)
    );
    // One more would overflow (EAGAIN): the poller is woken already, so it is Ok.
    w.wake().unwrap();
    w.wake().unwrap();
    let mut events = [Event::EMPTY; 2];
    assert_eq!(wait_some(&p, &mut events)[0].key(), 1);
    assert_eq!(w.reset().unwrap(), u64::MAX - 1);
    w.wake().unwrap();
    assert_eq!(wait_some(&p, &mut events)[0].key(), 1);
    assert_eq!(w.reset().unwrap(), 1);
}

#[test]
fn a_poller_nests_in_another() {
    let inner = Poller::new().unwrap();
    let outer = Poller::new().unwrap();
    outer.add(&inner, 9, Interest::READABLE).unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    inner.add(&a, 1, Interest::READABLE).unwrap();
    assert!(nothing_for(&outer, 0));
    b.send_all(b"x").unwrap();
    let mut events = [Event::EMPTY; 2];
    assert_eq!(wait_some(&outer, &mut events)[0].key(), 9);
    assert_eq!(wait_some(&inner, &mut events)[0].key(), 1);
    assert!(inner.as_raw_fd() >= 0);
}

#[test]
fn dropping_a_socket_removes_it() {
    let p = Poller::new().unwrap();
    let (a, b) = UnixStream::pair().unwrap();
    p.add(&a, 1, Interest::READABLE).unwrap();
    b.send_all(b"x").unwrap();
    drop(a);
    assert!(nothing_for(&p, 20));
}
