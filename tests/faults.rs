//! Faults injected on purpose: signal storms against every blocking call, a process out of
//! file descriptors, a peer resetting mid `send_all`, cut control messages and datagrams, a
//! full packet ring. Nothing may surface that should not (`EINTR`), data must arrive intact,
//! deadlines must hold, and every scenario must leave the process's fd table as it found it.
//!
//! The tests of one binary share the fd table: each runs alone, under [`checked`], which
//! also compares the fd count from `/proc/self/fd` before and after.
#![allow(unsafe_code)] // a test or example may use libc and raw fds itself; the library may not

mod common;

#[cfg(feature = "resolve")]
use baresock::resolve::ResolveError;
use std::net::SocketAddr;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

#[cfg(feature = "resolve")]
use baresock::resolve::{AddrInfo, Hints, LookupCause, Paths, ResolvConf, Resolver};
use baresock::*;
use baresock::{msg::*, packet::*};
use common::signals::storm;
use common::*;

/// One scenario at a time in this process; the fd count must be the same after as before.
fn checked(f: impl FnOnce()) {
    static SERIAL: Mutex<()> = Mutex::new(());
    let _alone = SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let before = open_fds();
    f();
    let after = open_fds();
    assert_eq!(
        before, after,
        "fds leaked: {before} open before the test, {after} after"
    );
}

/// The two modes that wait: blocking, and a deadline far enough away never to pass here.
const WAITING_MODES: [Option<Duration>; 2] = [None, Some(Duration::from_secs(10))];
/// How long the peer keeps the call blocked (and signalled) before it acts.
const PEER_DELAY: Duration = Duration::from_millis(300);
/// The storm: a signal this often (a tight loop; a thread that is not blocked gets them too).
const STORM: Duration = Duration::from_micros(200);
/// How late a deadline may be reported: generous for slow emulated machines, and still far
/// below the 10 s a waiting mode allows.
const LATE: Duration = Duration::from_secs(1);

fn assert_stormed(what: &str, signals: usize) {
    assert!(
        signals >= 10,
        "{what}: only {signals} signals arrived while it ran: the storm did not test it"
    );
}

/// Bytes that show where they came from: a shifted or missing byte changes the comparison.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 8) as u8)
        .collect()
}

fn tcp_pair() -> (TcpStream, TcpStream) {
    let l = TcpListener::bind(v4_any_port()).unwrap();
    let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (a, _) = l.accept().unwrap();
    (c, a)
}

/// Reads a stream until `len` bytes or its end.
fn recv_exactly(s: &Socket, len: usize) -> Result<Vec<u8>, Error> {
    let mut buf = vec![0u8; len];
    let mut have = 0;
    while have < len {
        match s.recv(&mut buf[have..])? {
            0 => break,
            n => have += n,
        }
    }
    buf.truncate(have);
    Ok(buf)
}

// ---- EINTR storms: every blocking call, blocking and with a deadline ----

#[test]
fn storm_recv_on_a_stream() {
    checked(|| {
        for mode in WAITING_MODES {
            let (c, a) = tcp_pair();
            c.set_timeout(mode).unwrap();
            let data = pattern(1 << 16, 1);
            let sent = data.clone();
            let writer = thread::spawn(move || {
                thread::sleep(PEER_DELAY);
                a.send_all(&sent).unwrap();
                a
            });
            let (got, signals) = storm(STORM, move || recv_exactly(c.as_socket(), 1 << 16));
            drop(writer.join().unwrap());
            assert_eq!(got.unwrap(), data, "recv, mode {mode:?}");
            assert_stormed("recv", signals);
        }
    });
}

#[test]
fn storm_recv_from() {
    checked(|| {
        for mode in WAITING_MODES {
            let r = UdpSocket::bind(v4_any_port()).unwrap();
            r.set_timeout(mode).unwrap();
            let to = r.local_addr().unwrap();
            let s = UdpSocket::bind(v4_any_port()).unwrap();
            let from = s.local_addr().unwrap();
            let data = pattern(1200, 2);
            let sent = data.clone();
            let sender = thread::spawn(move || {
                thread::sleep(PEER_DELAY);
                s.send_to(&sent, to).unwrap();
                s
            });
            let (got, signals) = storm(STORM, move || {
                let mut buf = [0u8; 2048];
                r.recv_from(&mut buf).map(|(n, a)| (buf[..n].to_vec(), a))
            });
            drop(sender.join().unwrap());
            assert_eq!(got.unwrap(), (data, from), "recv_from, mode {mode:?}");
            assert_stormed("recv_from", signals);
        }
    });
}

#[test]
fn storm_send_all_on_a_full_socket() {
    checked(|| {
        for mode in WAITING_MODES {
            // 4 MiB through a Unix stream whose buffers hold far less: send_all waits for the
            // reader over and over, signalled all the while.
            let (x, y) = UnixStream::pair().unwrap();
            x.set_timeout(mode).unwrap();
            let data = pattern(4 << 20, 3);
            let sent = data.clone();
            let reader = thread::spawn(move || {
                thread::sleep(PEER_DELAY);
                recv_exactly(y.as_socket(), 4 << 20).unwrap()
            });
            let (r, signals) = storm(STORM, move || x.send_all(&sent));
            r.unwrap_or_else(|e| panic!("send_all, mode {mode:?}: {e:?}"));
            assert!(
                reader.join().unwrap() == data,
                "send_all, mode {mode:?}: data differs"
            );
            assert_stormed("send_all", signals);
        }
    });
}

#[test]
fn storm_send_on_a_full_socket() {
    checked(|| {
        for mode in WAITING_MODES {
            let (c, a) = tcp_pair();
            c.as_socket().set_send_buffer_size(16 << 10).unwrap();
            a.as_socket().set_recv_buffer_size(16 << 10).unwrap();
            // Fill it, without waiting, then one send that must wait for room.
            c.set_nonblocking(true).unwrap();
            let chunk = pattern(1 << 16, 4);
            let mut filled = 0;
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                match c.send(&chunk) {
                    Ok(n) => filled += n,
                    Err(Error::WouldBlock) => break,
                    Err(e) => panic!("{e:?}"),
                }
                assert!(Instant::now() < deadline, "the socket never filled");
            }
            c.set_timeout(mode).unwrap();
            let reader = thread::spawn(move || {
                thread::sleep(PEER_DELAY);
                // Everything, until the writer closes.
                let mut buf = [0u8; 1 << 16];
                let mut total = 0;
                loop {
                    match a.recv(&mut buf)? {
                        0 => break Ok::<_, Error>(total),
                        n => total += n,
                    }
                }
            });
            let (sent, signals) = storm(STORM, move || {
                let r = c.send(&chunk);
                drop(c);
                r
            });
            let sent = sent.unwrap_or_else(|e| panic!("send, mode {mode:?}: {e:?}"));
            assert!(sent > 0);
            assert_eq!(reader.join().unwrap().unwrap(), filled + sent);
            assert_stormed("send", signals);
        }
    });
}

#[test]
fn storm_accept() {
    checked(|| {
        for mode in WAITING_MODES {
            let l = TcpListener::bind(v4_any_port()).unwrap();
            l.set_timeout(mode).unwrap();
            let to = l.local_addr().unwrap();
            let connector = thread::spawn(move || {
                thread::sleep(PEER_DELAY);
                let c = TcpStream::connect(to).unwrap();
                c.send_all(b"hello").unwrap();
                c
            });
            let (r, signals) = storm(STORM, move || {
                l.accept()
                    .and_then(|(s, peer)| Ok((recv_exactly(s.as_socket(), 5)?, peer)))
            });
            let c = connector.join().unwrap();
            let (got, peer) = r.unwrap_or_else(|e| panic!("accept, mode {mode:?}: {e:?}"));
            assert_eq!(
                (got.as_slice(), peer),
                (&b"hello"[..], c.local_addr().unwrap())
            );
            assert_stormed("accept", signals);
        }
    });
}

/// A Unix stream listener with a backlog of one, and one connection waiting in it: the next
/// connect has to wait until the listener accepts.
fn full_unix_listener(dir: &TempDir) -> (Socket, UnixAddr, UnixStream) {
    let addr = unix_addr(&dir.path("listener"));
    let l = Socket::new(Family::UNIX, Type::STREAM, Protocol::DEFAULT).unwrap();
    l.bind(addr).unwrap();
    l.listen(0).unwrap();
    let filler = UnixStream::connect(addr).unwrap();
    // A backlog of 0 admits one; check that the next connect would have to wait.
    let probe = Socket::new(Family::UNIX, Type::STREAM, Protocol::DEFAULT).unwrap();
    probe.set_nonblocking(true).unwrap();
    assert_eq!(probe.connect(addr), Err(Error::WouldBlock));
    (l, addr, filler)
}

#[test]
fn storm_connect() {
    checked(|| {
        for mode in WAITING_MODES {
            let dir = TempDir::new("storm-connect");
            let (l, addr, filler) = full_unix_listener(&dir);
            l.set_timeout(Some(Duration::from_secs(10))).unwrap();
            let acceptor = thread::spawn(move || {
                thread::sleep(PEER_DELAY);
                let (first, _) = l.accept().unwrap();
                // Then ours, which the storm must not have lost.
                let (ours, _) = l.accept().unwrap();
                ours.send_all(b"connected").unwrap();
                (first, ours)
            });
            let (r, signals) = storm(STORM, move || {
                let s = Socket::new(Family::UNIX, Type::STREAM, Protocol::DEFAULT)?;
                s.set_timeout(mode)?;
                s.connect(addr)?;
                // Connected for real: the listener's side reaches it.
                s.set_timeout(Some(Duration::from_secs(10)))?;
                recv_exactly(&s, 9)
            });
            assert_eq!(
                r.as_deref(),
                Ok(&b"connected"[..]),
                "connect, mode {mode:?}"
            );
            drop(acceptor.join().unwrap());
            drop(filler);
            assert_stormed("connect", signals);
        }
    });
}

#[test]
fn storm_recv_msg_with_fds() {
    checked(|| {
        for mode in WAITING_MODES {
            let (a, b) = UnixDatagram::pair().unwrap();
            b.set_timeout(mode).unwrap();
            let (r, w) = rustix::pipe::pipe().unwrap();
            let sender = thread::spawn(move || {
                thread::sleep(PEER_DELAY);
                a.as_socket().send_fds(b"pipe", &[w.as_fd()]).unwrap();
                a
            });
            let (got, signals) = storm(STORM, move || {
                let mut data = [0u8; 16];
                let mut control = [0u8; cmsg_space(4)];
                let mut bufs = [IoSliceMut::new(&mut data)];
                let mut msg =
                    b.as_socket()
                        .recv_msg(&mut bufs, &mut control, RecvFlags::empty())?;
                let mut slot = [None];
                let fds = msg.take_fds(&mut slot);
                let (n, cut) = (msg.bytes(), msg.control_truncated());
                drop(msg);
                Ok::<_, Error>((data[..n].to_vec(), fds, cut, slot[0].take()))
            });
            drop(sender.join().unwrap());
            let (data, fds, cut, fd) = got.unwrap_or_else(|e| panic!("recv_msg: {e:?}"));
            assert_eq!((data.as_slice(), fds, cut), (&b"pipe"[..], 1, false));
            // The fd that came is the pipe's write end.
            rustix::io::write(fd.unwrap(), b"through it").unwrap();
            let mut buf = [0u8; 10];
            assert_eq!(rustix::io::read(&r, &mut buf).unwrap(), 10);
            assert_eq!(&buf, b"through it");
            assert_stormed("recv_msg", signals);
        }
    });
}

#[test]
fn storm_recv_mmsg() {
    checked(|| {
        for mode in WAITING_MODES {
            let r = UdpSocket::bind(v4_any_port()).unwrap();
            r.set_timeout(mode).unwrap();
            let to = r.local_addr().unwrap();
            let s = UdpSocket::bind(v4_any_port()).unwrap();
            let sender = thread::spawn(move || {
                thread::sleep(PEER_DELAY);
                for i in 0..4u8 {
                    s.send_to(&pattern(300, i), to).unwrap();
                }
                s
            });
            let (got, signals) = storm(STORM, move || {
                let mut bufs = [[0u8; 512]; 4];
                let mut out = Vec::new();
                // The first call waits for the first datagram; more calls take the rest.
                while out.len() < 4 {
                    let mut entries: Vec<RecvEntry<'_>> =
                        bufs.iter_mut().map(|b| RecvEntry::new(b)).collect();
                    let n = r.as_socket().recv_mmsg(&mut entries, RecvFlags::empty())?;
                    out.extend(entries[..n].iter().map(|e| e.data().to_vec()));
                }
                Ok::<_, Error>(out)
            });
            drop(sender.join().unwrap());
            let got = got.unwrap_or_else(|e| panic!("recv_mmsg, mode {mode:?}: {e:?}"));
            let want: Vec<Vec<u8>> = (0..4).map(|i| pattern(300, i)).collect();
            assert_eq!(got, want, "recv_mmsg, mode {mode:?}");
            assert_stormed("recv_mmsg", signals);
        }
    });
}

/// Runs `f` under a storm and checks that it failed as a timeout after at least `d` and
/// less than `d` + [`LATE`].
fn assert_deadline_kept<R: std::fmt::Debug + Send + 'static>(
    what: &str,
    d: Duration,
    f: impl FnOnce() -> Result<R, Error> + Send + 'static,
) {
    let ((r, took), signals) = storm(STORM, move || {
        let start = Instant::now();
        let r = f();
        (r, start.elapsed())
    });
    assert!(
        matches!(&r, Err(e) if e.is_timeout()),
        "{what}: expected a timeout, got {r:?}"
    );
    assert!(took >= d, "{what}: timed out after {took:?}, before {d:?}");
    assert!(
        took < d + LATE,
        "{what}: timed out after {took:?}, not {d:?}"
    );
    assert_stormed(what, signals);
}

#[test]
fn storm_deadlines_are_kept() {
    checked(|| {
        let d = Duration::from_millis(400);
        let (a, b) = UnixStream::pair().unwrap();
        a.set_timeout(Some(d)).unwrap();
        assert_deadline_kept("recv", d, move || a.recv(&mut [0u8; 8]));

        let u = UdpSocket::bind(v4_any_port()).unwrap();
        u.set_timeout(Some(d)).unwrap();
        let u2 = u.as_socket().try_clone().unwrap();
        assert_deadline_kept("recv_from", d, move || u.recv_from(&mut [0u8; 8]));
        assert_deadline_kept("recv_mmsg", d, move || {
            let mut buf = [0u8; 8];
            u2.recv_mmsg(&mut [RecvEntry::new(&mut buf)], RecvFlags::empty())
        });

        let (x, y) = UnixDatagram::pair().unwrap();
        x.set_timeout(Some(d)).unwrap();
        assert_deadline_kept("recv_msg", d, move || {
            let mut data = [0u8; 8];
            x.as_socket()
                .recv_msg(
                    &mut [IoSliceMut::new(&mut data)],
                    &mut [],
                    RecvFlags::empty(),
                )
                .map(|m| m.bytes())
        });

        let l = TcpListener::bind(v4_any_port()).unwrap();
        l.set_timeout(Some(d)).unwrap();
        assert_deadline_kept("accept", d, move || l.accept().map(drop));

        // A full stream: send and send_all.
        let (p, q) = UnixStream::pair().unwrap();
        p.set_nonblocking(true).unwrap();
        while p.send(&[0u8; 4096]).is_ok() {}
        p.set_timeout(Some(d)).unwrap();
        let p2 = p.as_socket().try_clone().unwrap();
        assert_deadline_kept("send", d, move || p.send(&[1u8; 4096]));
        assert_deadline_kept("send_all", d, move || p2.send_all(&[1u8; 4096]));

        // A connect to a listener whose backlog stays full.
        let dir = TempDir::new("storm-deadline");
        let (listener, addr, filler) = full_unix_listener(&dir);
        assert_deadline_kept("connect", d, move || {
            let s = Socket::new(Family::UNIX, Type::STREAM, Protocol::DEFAULT)?;
            s.set_timeout(Some(d))?;
            s.connect(addr)
        });
        drop((b, y, q, listener, filler));
    });
}

#[test]
fn storm_connect_deadline_into_a_black_hole() {
    // A SYN that nobody answers (10.99.0.2 is on a veth whose far end has no address), in a
    // namespace of its own: the connect waits out its deadline under the storm.
    checked(|| {
        let r = in_netns_with_veth(|| {
            add_ipv4("bs0", [10, 99, 0, 1], 24).unwrap();
            let d = Duration::from_millis(500);
            let dest: SocketAddr = "10.99.0.2:80".parse().unwrap();
            assert_deadline_kept("TCP connect", d, move || {
                TcpStream::connect_timeout(dest, d).map(drop)
            });
        });
        if let Err(why) = r {
            skip!("{why}");
        }
    });
}

#[cfg(feature = "resolve")]
/// A resolver that asks only `server`, over no files (nothing from this machine).
fn resolver_for(server: SocketAddr, timeout: Duration, attempts: u8) -> Resolver<'static> {
    let mut conf = ResolvConf::new();
    conf.clear_nameservers();
    conf.add_nameserver(server);
    conf.set_timeout(timeout).set_attempts(attempts);
    Resolver::new(
        conf,
        Paths {
            hosts: "/nonexistent/hosts",
            resolv_conf: "/nonexistent/resolv.conf",
            services: "/nonexistent/services",
        },
    )
}

#[cfg(feature = "resolve")]
fn v4_stream() -> Hints {
    Hints {
        family: Some(Family::INET),
        socket_type: Some(Type::STREAM),
        ..Hints::default()
    }
}

#[cfg(feature = "resolve")]
#[test]
fn storm_resolver_waits() {
    use common::dnsmasq::{wire, Reply, Responder};
    checked(|| {
        // A server that answers late: the lookup waits for it, signalled all the while.
        let slow = Responder::start(|q| {
            vec![Reply::new(wire::reply_a(
                q,
                &[std::net::Ipv4Addr::new(192, 0, 2, 9)],
                60,
            ))
            .after(PEER_DELAY)]
        });
        let server = slow.addr();
        let (r, signals) = storm(STORM, move || {
            let resolver = resolver_for(server, Duration::from_secs(5), 1);
            let mut out = [AddrInfo::EMPTY; 4];
            resolver
                .lookup(Some("storm.baresock.test."), None, &v4_stream(), &mut out)
                .map(|found| {
                    found
                        .results(&out)
                        .iter()
                        .map(|a| a.addr)
                        .collect::<Vec<_>>()
                })
        });
        assert_eq!(r.unwrap(), vec!["192.0.2.9:0".parse().unwrap()]);
        assert_eq!(
            slow.queries().len(),
            1,
            "asked once: no signal made it ask again"
        );
        assert_stormed("lookup", signals);
        drop(slow);

        // A server that never answers: the lookup gives up after its timeout, not before.
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let server = silent.local_addr().unwrap();
        let d = Duration::from_secs(1);
        assert_deadline_kept("lookup", d, move || {
            let resolver = resolver_for(server, d, 1);
            let mut out = [AddrInfo::EMPTY; 4];
            // Giving up for want of a reply counts as the timeout here.
            resolver
                .lookup(Some("silent.baresock.test."), None, &v4_stream(), &mut out)
                .map(|found| found.len())
                .map_err(|e| match e {
                    Error::Resolve(ResolveError::Lookup(r))
                        if matches!(r.cause(), LookupCause::NoReply { .. }) =>
                    {
                        Error::Timeout
                    }
                    other => other,
                })
        });
    });
}

// ---- out of file descriptors ----

/// Open fds below `limit`, counted without opening one (`/proc/self/fd` would need an fd).
fn fds_below(limit: i32) -> usize {
    (0..limit)
        // SAFETY: F_GETFD only asks whether the number is an open fd.
        .filter(|&fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1)
        .count()
}

/// Runs `child` in a forked process (the one helper for forked tests, in tests/common).
fn in_child(child: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    use common::fork::Child;
    match common::fork::in_child(|| child().map(|()| Child::Passed))? {
        Child::Passed => Ok(()),
        Child::Skipped(why) => Err(format!("unexpected skip: {why}")),
    }
}

/// The helper itself: a child killed by a signal, or one that panics, is a failure.
#[test]
fn a_crash_or_a_panic_is_never_a_pass() {
    checked(|| {
        use common::fork::{in_child, judge, Child};
        // Killed by a signal: WEXITSTATUS of such a status reads 0, the success code.
        let killed = in_child(|| {
            // SAFETY: the child kills itself; nothing after runs.
            unsafe { libc::raise(libc::SIGKILL) };
            Ok(Child::Passed)
        });
        assert_eq!(killed, Err("the child was killed by signal 9".to_owned()));
        let panicked = in_child(|| panic!("a panic in the child"));
        assert_eq!(panicked, Err("the child panicked".to_owned()));
        assert_eq!(in_child(|| Err("no".into())), Err("no".to_owned()));
        assert_eq!(in_child(|| Ok(Child::Passed)), Ok(Child::Passed));
        assert_eq!(
            in_child(|| Ok(Child::Skipped("none here".into()))),
            Ok(Child::Skipped("none here".to_owned()))
        );
        // Exits without a report, as from a child that left early by another road.
        assert!(judge(1 << 8, String::new()).is_err(), "exit 1, silent");
        assert!(
            judge(3 << 8, String::new()).is_err(),
            "a skip without a reason"
        );
        assert!(judge(0, "stray".into()).is_err(), "exit 0 with a message");
    });
}

/// Fails with a message unless `got` is `EMFILE`.
fn expect_emfile<T: std::fmt::Debug>(what: &str, got: Result<T, Error>) -> Result<(), String> {
    match got {
        Err(Error::Os(Errno::MFILE)) => Ok(()),
        other => Err(format!("{what}: expected Os(EMFILE), got {other:?}")),
    }
}

/// In a child process: RLIMIT_NOFILE lowered until no fd is free, then every call that makes
/// an fd must fail with `EMFILE`, leave the fd table as it was, and lose nothing: a
/// connection waiting to be accepted is still there once an fd is free again.
fn out_of_fds() -> Result<(), String> {
    let err = |e: Error| e.to_string();
    let l = TcpListener::bind(v4_any_port()).map_err(err)?;
    let to = l.local_addr().map_err(err)?;
    let waiting = TcpStream::connect(to).map_err(err)?;
    waiting.send_all(b"still here").map_err(err)?;
    let (ua, ub) = UnixDatagram::pair().map_err(err)?;
    let devnull = std::fs::File::open("/dev/null").map_err(|e| e.to_string())?;
    ua.as_socket()
        .send_fds(b"fd", &[devnull.as_fd()])
        .map_err(err)?;
    #[cfg(feature = "resolve")]
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    #[cfg(feature = "resolve")]
    let resolver = resolver_for(silent.local_addr().unwrap(), Duration::from_secs(1), 1);

    // No fd free below the limit: set it two above the highest open fd, then fill the gaps
    // (one at least, to free later).
    let highest = (0..4096)
        // SAFETY: F_GETFD only asks whether the number is an open fd.
        .filter(|&fd| unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1)
        .max()
        .unwrap_or(2);
    let limit = highest + 2;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: a valid rlimit to write to.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err("getrlimit(RLIMIT_NOFILE) failed".into());
    }
    lim.rlim_cur = limit as libc::rlim_t;
    // SAFETY: a valid rlimit, the soft limit below the hard one.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
        return Err("setrlimit(RLIMIT_NOFILE) failed".into());
    }
    let mut fillers: Vec<OwnedFd> = Vec::new();
    loop {
        match rustix::io::fcntl_dupfd_cloexec(&devnull, 0) {
            Ok(fd) => fillers.push(fd),
            Err(rustix::io::Errno::MFILE) => break,
            Err(e) => return Err(format!("filling the fd table: {e}")),
        }
    }
    let before = fds_below(limit);
    if before != limit as usize {
        return Err(format!(
            "{before} fds open below {limit}: the table is not full"
        ));
    }

    expect_emfile(
        "Socket::new",
        Socket::new(Family::INET, Type::STREAM, Protocol::DEFAULT),
    )?;
    expect_emfile(
        "Socket::pair",
        Socket::pair(Family::UNIX, Type::STREAM, Protocol::DEFAULT),
    )?;
    expect_emfile("UnixStream::pair", UnixStream::pair())?;
    expect_emfile("UdpSocket::bind", UdpSocket::bind(v4_any_port()))?;
    expect_emfile("TcpStream::connect", TcpStream::connect(to))?;
    expect_emfile("create_connection", create_connection(to, None, None))?;
    expect_emfile("accept", l.accept())?;
    expect_emfile("try_clone", waiting.as_socket().try_clone())?;
    expect_emfile("duplicate", Socket::duplicate(waiting.as_fd()))?;
    // An fd that arrives when none is free is not installed: the kernel cuts the control
    // message (MSG_CTRUNC), which recv_fds reports; the data arrives.
    let mut data = [0u8; 8];
    let mut slots = [None];
    let got = ub
        .as_socket()
        .recv_fds(&mut data, &mut slots)
        .map_err(|e| format!("recv_fds with no fd free: {e:?}"))?;
    if !(got.bytes == 2 && &data[..2] == b"fd" && got.fds == 0 && got.fds_truncated) {
        return Err(format!("recv_fds with no fd free: {got:?}"));
    }
    #[cfg(feature = "resolve")]
    {
        // A lookup can open neither the hosts file nor a socket: the errno is named (glibc's
        // EAI_SYSTEM).
        let mut out = [AddrInfo::EMPTY; 4];
        match resolver.lookup(Some("x.baresock.test."), None, &v4_stream(), &mut out) {
            Err(Error::Os(Errno::MFILE)) => {}
            Err(Error::Resolve(ResolveError::Lookup(r)))
                if r.cause() == LookupCause::Os(Errno::MFILE) => {}
            other => return Err(format!("lookup with no fd free: {other:?}")),
        }
    }
    let after = fds_below(limit);
    if after != before {
        return Err(format!("{before} fds before the failures, {after} after"));
    }

    // One fd free again: the connection that waited is accepted, its data intact.
    fillers.pop();
    let (s, _) = l
        .accept()
        .map_err(|e| format!("accept with one fd free: {e:?}"))?;
    s.set_timeout(Some(Duration::from_secs(5))).map_err(err)?;
    let got = recv_exactly(s.as_socket(), 10).map_err(|e| format!("recv after: {e:?}"))?;
    if got != b"still here" {
        return Err(format!("the waiting connection brought {got:?}"));
    }
    Ok(())
}

#[test]
fn out_of_fds_every_creation_fails_with_emfile_and_nothing_leaks() {
    checked(|| {
        if let Err(why) = in_child(out_of_fds) {
            panic!("{why}");
        }
    });
}

/// In a child process that is not root (and so lacks `CAP_SYS_ADMIN`, which the system-wide
/// limit spares), with `fs.file-max` at 1: every call that makes an open file fails with
/// `ENFILE`, and the fd table stays as it was. `l` has a connection waiting.
fn out_of_files(l: &TcpListener) -> Result<(), String> {
    // SAFETY: setgid/setuid change only this child's credentials.
    if unsafe { libc::setgid(65534) } != 0 || unsafe { libc::setuid(65534) } != 0 {
        return Err("could not become nobody".into());
    }
    let limit = 4096;
    let before = fds_below(limit);
    let expect_enfile = |what: &str, got: Result<(), Error>| match got {
        Err(Error::Os(Errno::NFILE)) => Ok(()),
        other => Err(format!("{what}: expected Os(ENFILE), got {other:?}")),
    };
    expect_enfile(
        "Socket::new",
        Socket::new(Family::INET, Type::STREAM, Protocol::DEFAULT).map(drop),
    )?;
    expect_enfile("UnixStream::pair", UnixStream::pair().map(drop))?;
    expect_enfile("UdpSocket::bind", UdpSocket::bind(v4_any_port()).map(drop))?;
    expect_enfile("accept", l.accept().map(drop))?;
    let after = fds_below(limit);
    if after != before {
        return Err(format!("{before} fds before the failures, {after} after"));
    }
    Ok(())
}

/// `fs.file-max`, put back when dropped.
struct FileMax(String);

impl Drop for FileMax {
    fn drop(&mut self) {
        std::fs::write("/proc/sys/fs/file-max", &self.0).unwrap();
    }
}

#[test]
fn out_of_files_system_wide_creation_fails_with_enfile_and_nothing_leaks() {
    checked(|| {
        // The limit is the whole machine's: lowered only in the test VM, where nothing else
        // runs (and root, which it spares, runs the rest).
        if std::env::var_os("BARESOCK_VM").is_none() {
            skip!("lowering fs.file-max is system-wide: only the test VM does it");
        }
        let l = TcpListener::bind(v4_any_port()).unwrap();
        let waiting = TcpStream::connect(l.local_addr().unwrap()).unwrap();
        waiting.send_all(b"still here").unwrap();
        let saved = FileMax(std::fs::read_to_string("/proc/sys/fs/file-max").unwrap());
        std::fs::write("/proc/sys/fs/file-max", "1").unwrap();
        let child = in_child(|| out_of_files(&l));
        drop(saved);
        child.unwrap_or_else(|why| panic!("{why}"));
        // The connection that waited meanwhile is there, whole.
        l.set_timeout(Some(Duration::from_secs(5))).unwrap();
        let (s, _) = l.accept().unwrap();
        s.set_timeout(Some(Duration::from_secs(5))).unwrap();
        assert_eq!(recv_exactly(s.as_socket(), 10).unwrap(), b"still here");
    });
}

// ---- a peer that resets the connection mid send_all ----

#[test]
fn peer_reset_mid_send_all_reports_the_bytes_sent() {
    checked(|| {
        for mode in WAITING_MODES {
            let (c, a) = tcp_pair();
            c.set_timeout(mode).unwrap();
            c.as_socket().set_send_buffer_size(64 << 10).unwrap();
            a.as_socket().set_recv_buffer_size(64 << 10).unwrap();
            // What can be in flight when the reset comes: the sender's and the receiver's
            // buffers (the kernel reports them doubled, for its bookkeeping).
            let in_flight = c.as_socket().send_buffer_size().unwrap()
                + a.as_socket().recv_buffer_size().unwrap();
            // SO_LINGER with a zero timeout: close sends a reset, not a FIN.
            a.as_socket().set_linger(Some(Duration::ZERO)).unwrap();
            let reader = thread::spawn(move || {
                let got = recv_exactly(a.as_socket(), 256 << 10).unwrap();
                drop(a);
                got.len()
            });
            let big = vec![0x5au8; 64 << 20];
            let err = c.send_all(&big).unwrap_err();
            let read = reader.join().unwrap();
            match err {
                Error::Partial {
                    sent,
                    cause: PartialCause::Os(e),
                } if e == Errno::CONNRESET || e == Errno::PIPE => {
                    assert!(
                        sent >= read && sent <= read + 2 * in_flight,
                        "mode {mode:?}: {sent} bytes sent, {read} read, {in_flight} in flight at most"
                    );
                }
                other => {
                    panic!("mode {mode:?}: expected a partial send cut by a reset, got {other:?}")
                }
            }
        }
    });
}

#[test]
fn peer_closing_a_unix_stream_mid_send_all_reports_the_bytes_sent() {
    checked(|| {
        for mode in WAITING_MODES {
            let (x, y) = UnixStream::pair().unwrap();
            x.set_timeout(mode).unwrap();
            let reader = thread::spawn(move || {
                let got = recv_exactly(y.as_socket(), 256 << 10).unwrap();
                drop(y);
                got.len()
            });
            let big = vec![0xa5u8; 64 << 20];
            let err = x.send_all(&big).unwrap_err();
            let read = reader.join().unwrap();
            match err {
                Error::Partial {
                    sent,
                    cause: PartialCause::Os(Errno::PIPE),
                } => assert!(
                    sent >= read && sent < big.len(),
                    "mode {mode:?}: {sent} bytes sent, {read} read"
                ),
                other => {
                    panic!("mode {mode:?}: expected a partial send cut by EPIPE, got {other:?}")
                }
            }
        }
    });
}

// ---- cut control messages and datagrams ----

#[test]
fn fds_in_a_cut_datagram_are_kept_or_closed() {
    checked(|| {
        let f = std::fs::File::open("/dev/null").unwrap();
        let fd = f.as_fd();
        // The datagram is longer than the buffer and carries fds: both are reported; the fds
        // that fit are the caller's, and closing them is the caller's.
        let (a, b) = UnixDatagram::pair().unwrap();
        a.as_socket().send_fds(&pattern(64, 5), &[fd, fd]).unwrap();
        let mut data = [0u8; 8];
        let mut slots = [None, None];
        let got = b.as_socket().recv_fds(&mut data, &mut slots).unwrap();
        assert_eq!(
            (got.bytes, got.truncated, got.fds, got.fds_truncated),
            (8, Some(64), 2, false)
        );
        assert_eq!(&data[..], &pattern(64, 5)[..8]);
        assert!(slots.iter().all(Option::is_some));
        drop(slots);

        // The same with too few slots: the data is cut and the fds are closed.
        a.as_socket()
            .send_fds(&pattern(64, 6), &[fd, fd, fd])
            .unwrap();
        let mut slots = [None];
        let got = b.as_socket().recv_fds(&mut data, &mut slots).unwrap();
        assert_eq!(
            (got.bytes, got.truncated, got.fds, got.fds_truncated),
            (8, Some(64), 0, true)
        );
        assert!(slots[0].is_none());

        // recv_msg with no room for control messages at all: MSG_CTRUNC, the fds closed by
        // the kernel (none was installed).
        a.as_socket().send_fds(b"x", &[fd, fd]).unwrap();
        let mut one = [0u8; 1];
        let msg = b
            .as_socket()
            .recv_msg(
                &mut [IoSliceMut::new(&mut one)],
                &mut [],
                RecvFlags::empty(),
            )
            .unwrap();
        assert!(msg.control_truncated());
        assert_eq!(msg.control().count(), 0);
        drop(msg);

        // A batch: each entry says its own cut, and fds in a batch are closed.
        for i in 0..3u8 {
            a.as_socket().send_fds(&pattern(100, i), &[fd]).unwrap();
        }
        let mut bufs = [[0u8; 10]; 3];
        let mut ctl = [[0u8; 64]; 3];
        let mut entries: Vec<RecvEntry<'_>> = bufs
            .iter_mut()
            .zip(ctl.iter_mut())
            .map(|(b, c)| RecvEntry::new(b).with_control(c))
            .collect();
        let n = b
            .as_socket()
            .recv_mmsg(&mut entries, RecvFlags::empty())
            .unwrap();
        assert_eq!(n, 3);
        for (i, e) in entries.iter().enumerate() {
            assert_eq!(
                (e.truncated(), e.data()),
                (Some(100), &pattern(100, i as u8)[..10])
            );
        }

        // qemu-user gives the kernel a control buffer twice the size asked for (its own
        // control messages may be larger): the kernel cuts nothing there.
        if under_qemu_user() {
            skip!("qemu-user hands the kernel a larger control buffer: no MSG_CTRUNC to see");
        }
        // Room for fewer fds than the three sent (one, or two by alignment on 64-bit):
        // MSG_CTRUNC; those that came are closed with the message.
        a.as_socket().send_fds(b"y", &[fd, fd, fd]).unwrap();
        let mut control = [0u8; cmsg_space(4)];
        let mut msg = b
            .as_socket()
            .recv_msg(
                &mut [IoSliceMut::new(&mut one)],
                &mut control,
                RecvFlags::empty(),
            )
            .unwrap();
        assert!(msg.control_truncated());
        let mut none: [Option<OwnedFd>; 0] = [];
        assert_eq!(msg.take_fds(&mut none), 0);
        drop(msg);
    });
}

#[test]
fn cut_datagrams_are_named_and_the_next_arrives_whole() {
    checked(|| {
        let r = UdpSocket::bind(v4_any_port()).unwrap();
        let s = UdpSocket::bind(v4_any_port()).unwrap();
        let to = r.local_addr().unwrap();
        s.send_to(&pattern(1000, 7), to).unwrap();
        s.send_to(&pattern(10, 8), to).unwrap();
        let mut buf = [0u8; 100];
        assert_eq!(r.recv_from(&mut buf), Err(Error::Truncated { len: 1000 }));
        assert_eq!(&buf[..], &pattern(1000, 7)[..100]);
        let (n, _) = r.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], &pattern(10, 8)[..]);

        let (a, b) = UnixSeqpacket::pair().unwrap();
        a.send(&pattern(500, 9)).unwrap();
        a.send(b"next").unwrap();
        assert_eq!(b.recv(&mut buf), Err(Error::Truncated { len: 500 }));
        assert_eq!(b.recv(&mut buf), Ok(4));
        assert_eq!(&buf[..4], b"next");
    });
}

/// Mappings of this process that are sockets' (a packet ring's, here).
fn socket_mappings() -> usize {
    std::fs::read_to_string("/proc/self/maps")
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("socket:"))
        .count()
}

#[test]
fn a_full_packet_ring_reports_drops_and_leaves_nothing_behind() {
    checked(|| {
        let r = in_netns_with_veth(|| {
            const PROTO: u16 = ether::EXPERIMENTAL;
            let idx = |n: &[u8]| interface_index(n).unwrap();
            let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
            let maps_before = socket_mappings();
            let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
            s.bind(LinkAddr::new(i1, PROTO)).unwrap();
            let page = rustix::param::page_size() as u32;
            let config = RingConfig {
                block_size: page,
                block_count: 2,
                frame_size: 2048,
                retire_timeout: Duration::from_millis(5),
            };
            let ring = RxRing::new(s, config).unwrap();
            assert_eq!(socket_mappings(), maps_before + 1, "the ring is mapped");
            let tx = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
            let mut frame = vec![0xffu8; 12];
            frame.extend_from_slice(&PROTO.to_be_bytes());
            frame.extend_from_slice(&[7; 500]);
            // More frames than the two blocks hold whole, whatever the page size (64 KiB
            // on powerpc64le: there two blocks take about 200 of these).
            let sent = 2 * page as usize / frame.len() + 50;
            for _ in 0..sent {
                tx.send_to(&frame, LinkAddr::new(i0, PROTO)).unwrap();
            }
            // The veth delivers in softirq context, which may run later on a loaded machine:
            // the counters (reset by each read) are summed until every frame is counted, for
            // 10 s at most, rather than read once after a fixed sleep.
            let (mut packets, mut drops) = (0usize, 0usize);
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while packets < sent && std::time::Instant::now() < deadline {
                thread::sleep(Duration::from_millis(10));
                let stats = ring.statistics().unwrap();
                packets += stats.packets as usize;
                drops += stats.drops as usize;
            }
            assert_eq!(
                packets, sent,
                "every frame sent reached the socket, kept or dropped"
            );
            assert!(
                drops > 0,
                "a ring of two blocks takes fewer than {sent}, yet {drops} were dropped"
            );
            drop(ring);
            assert_eq!(socket_mappings(), maps_before, "the ring is unmapped");
        });
        if let Err(why) = r {
            skip!("{why}");
        }
    });
}
