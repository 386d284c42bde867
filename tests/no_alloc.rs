//! Proof that the library never allocates: a global allocator that counts allocations made on
//! this thread while armed, around a tour of the public API. Any allocation fails the test.
#![allow(unsafe_code)] // a test or example may use libc and raw fds itself; the library may not

mod common;

use baresock::AddressError;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

#[cfg(feature = "can")]
use baresock::can::{self, *};
use baresock::msg::*;
use baresock::*;

struct Counting;

thread_local! {
    /// Whether this thread's allocations are being counted, and how many there were: both per
    /// thread, so tests running in parallel do not see each other's.
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the counter has no effect on memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        counted(layout);
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        counted(layout);
        // SAFETY: the caller's contract is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Counts an allocation made while armed and prints where it came from (disarmed meanwhile,
/// since printing a backtrace allocates too; not while panicking).
fn counted(layout: Layout) {
    if ARMED.with(Cell::get) {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        if std::thread::panicking() {
            // The panic's own report holds the backtrace lock: capturing one would deadlock.
            return;
        }
        ARMED.with(|a| a.set(false));
        eprintln!(
            "allocation of {} bytes at:\n{}",
            layout.size(),
            std::backtrace::Backtrace::force_capture()
        );
        ARMED.with(|a| a.set(true));
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` armed and returns how many allocations it made.
fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    ARMED.with(|a| a.set(true));
    f();
    ARMED.with(|a| a.set(false));
    ALLOCATIONS.with(Cell::get) - before
}

/// A `fmt::Write` into a fixed buffer, to format without allocating.
struct Fixed {
    buf: [u8; 256],
    len: usize,
}

impl std::fmt::Write for Fixed {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(std::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[test]
fn the_public_api_never_allocates() {
    // Prepared outside the armed region: the test's own strings and paths.
    let dir = common::TempDir::new("noalloc");
    let path = dir.path("s");
    let v4: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let refused: SockAddr = "127.0.0.1:1".parse().unwrap();
    // Warm up lazily-initialized std state (thread-locals) so it is not counted.
    let _ = std::thread::current();
    let ipv6 = common::has_ipv6();
    // Options qemu-user does not emulate are left to the other tiers, which run them here.
    let qemu = common::under_qemu_user();
    // rustix reads the aux vector once, on first use (the vDSO for clock_gettime, the page
    // size); with its `alloc` feature (on with `std`) a static binary reads /proc/self/auxv
    // into a buffer then. A one-time start-up cost of rustix, not a per-call allocation:
    // taken before the count starts.
    let _ = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    let _ = rustix::param::page_size();

    let n = allocations_in(|| {
        // TCP through create_server/create_connection, with every stream call.
        let server = create_server(
            v4,
            ServerOptions {
                backlog: Some(8),
                reuse_port: true,
                dual_stack: false,
                mptcp: MptcpMode::Off,
            },
        )
        .unwrap();
        let addr = server.local_addr().unwrap();
        let client =
            create_connection([refused, addr.into()], Some(Duration::from_secs(5)), None).unwrap();
        let (conn, peer) = server.accept().unwrap();
        assert_eq!(peer, client.local_addr().unwrap());
        client.send_all(b"no heap").unwrap();
        let mut buf = [0u8; 64];
        let n = conn.peek(&mut buf).unwrap();
        assert_eq!(conn.recv(&mut buf[..n]).unwrap(), 7);
        conn.send(b"x").unwrap();
        client.recv(&mut buf).unwrap();
        client.set_nodelay(true).unwrap();
        client.set_ttl(9).unwrap();
        let s = client.as_socket();
        s.set_linger(Some(Duration::from_secs(1))).unwrap();
        s.linger().unwrap();
        s.set_keepalive(true).unwrap();
        s.set_send_buffer_size(1 << 16).unwrap();
        s.recv_buffer_size().unwrap();
        s.set_kernel_recv_timeout(Some(Duration::from_secs(1)))
            .unwrap();
        s.kernel_recv_timeout().unwrap();
        s.family().unwrap();
        s.socket_type().unwrap();
        s.protocol().unwrap();
        s.take_error().unwrap();
        if !qemu {
            let _ = s.tcp_info().unwrap();
            let cc = s.tcp_congestion().unwrap();
            s.set_tcp_congestion(cc).unwrap();
            let _ = s.bind_device().unwrap();
        }
        s.set_tcp_keepalive_time(Duration::from_secs(9)).unwrap();
        s.set_tcp_user_timeout(Some(Duration::from_secs(9)))
            .unwrap();
        let _ = client.try_clone().unwrap();
        client.shutdown(Shutdown::Both).unwrap();
        let _ = TcpListener::bind(v4).unwrap();
        let _ = TcpStream::connect_timeout(addr, Duration::from_secs(1)).unwrap();
        // MPTCP: a server and a client as the kernel allows (plain TCP where it refuses),
        // their status, MPTCP_INFO, and the named error where the kernel refuses.
        let mp = create_server(
            v4,
            ServerOptions {
                mptcp: MptcpMode::Prefer,
                ..Default::default()
            },
        )
        .unwrap();
        let mp_addr = mp.local_addr().unwrap();
        let mp_client = TcpStream::connect_mptcp(mp_addr, MptcpMode::Prefer).unwrap();
        let (mp_conn, _) = mp.accept().unwrap();
        let _ = create_connection_mptcp(mp_addr, None, None, MptcpMode::Prefer).unwrap();
        mp.mptcp_status().unwrap();
        let status = mp_client.mptcp_status().unwrap();
        mp_conn.mptcp_status().unwrap();
        if status.is_active() && !qemu {
            let _ = mp_client.mptcp_info().unwrap();
            let _ = mp_conn.as_socket().mptcp_info().unwrap();
        }
        let _ = client.as_socket().mptcp_info().unwrap_err();
        if let Err(e) = Socket::new(Family::INET, Type::STREAM, Protocol::MPTCP) {
            assert!(matches!(e, Error::Unsupported(_)), "{e:?}");
        }
        let _ = Socket::new(Family::INET, Type::DGRAM, Protocol::MPTCP).unwrap_err();
        if ipv6 {
            let six: SockAddr = "[::]:0".parse().unwrap();
            let _ = create_server(
                six,
                ServerOptions {
                    dual_stack: true,
                    ..Default::default()
                },
            )
            .unwrap();
        }

        // UDP, with truncation.
        let a = UdpSocket::bind(v4).unwrap();
        let b = UdpSocket::bind(v4).unwrap();
        a.send_to(&[1u8; 100], b.local_addr().unwrap()).unwrap();
        assert_eq!(
            b.recv_from(&mut buf[..10]).unwrap_err(),
            Error::Truncated { len: 100 }
        );
        a.send_to(b"ok", b.local_addr().unwrap()).unwrap();
        b.peek_from(&mut buf).unwrap();
        b.recv_from(&mut buf).unwrap();
        let mut from = baresock::Destination::default();
        a.send_to(b"into", b.local_addr().unwrap()).unwrap();
        b.recv_from_into(&mut buf, &mut from).unwrap();
        b.send_to_destination(b"back", &from).unwrap();
        a.recv(&mut buf).unwrap();
        a.connect(b.local_addr().unwrap()).unwrap();
        a.send(b"c").unwrap();
        b.recv(&mut buf).unwrap();
        a.set_broadcast(true).unwrap();
        let m = a.as_socket();
        m.set_tos_v4(8).unwrap();
        m.set_udp_segment(1000).unwrap();
        if !qemu {
            let group = std::net::Ipv4Addr::new(239, 1, 2, 3);
            m.join_multicast_v4(group, MulticastInterface::Index(1))
                .unwrap();
            let _ = m.multicast_if_v4().unwrap();
        }

        // Unix: path, abstract, pairs, seqpacket.
        let ua = common::unix_addr(&path);
        let l = UnixListener::bind(ua).unwrap();
        let c = UnixStream::connect(ua).unwrap();
        let (sc, from) = l.accept().unwrap();
        assert!(from.is_unnamed());
        c.send_all(b"u").unwrap();
        sc.recv(&mut buf).unwrap();
        let abs = UnixAddr::new_abstract(b"baresock-noalloc").unwrap();
        let d = UnixDatagram::bind(abs).unwrap();
        UnixDatagram::unbound().unwrap().send_to(b"d", abs).unwrap();
        d.recv_from(&mut buf).unwrap();
        let (p, q) = UnixSeqpacket::pair().unwrap();
        p.send(b"s").unwrap();
        q.recv(&mut buf).unwrap();
        let (x, y) = Socket::pair(Family::UNIX, Type::DGRAM, Protocol::DEFAULT).unwrap();
        x.send(b"p").unwrap();
        y.recv_from(&mut buf).unwrap();

        // Messages, control messages and fd passing.
        let (m1, m2) = UnixDatagram::pair().unwrap();
        m2.as_socket().set_passcred(true).unwrap();
        let dn = std::fs::File::open("/dev/null");
        let mut space = [0u8; 2 * cmsg_space(12)];
        let mut cb = ControlBuilder::new(&mut space);
        cb.credentials(Credentials::current()).unwrap();
        m1.as_socket()
            .send_msg(
                &[IoSlice::new(b"m")],
                cb.as_bytes(),
                None,
                SendFlags::empty(),
            )
            .unwrap();
        let mut control = [0u8; 128];
        let mut bufs = [IoSliceMut::new(&mut buf)];
        let msg = m2
            .as_socket()
            .recv_msg(&mut bufs, &mut control, RecvFlags::empty())
            .unwrap();
        assert_eq!(msg.control().count(), 1);
        drop(msg);
        if let Ok(f) = &dn {
            m1.as_socket()
                .send_fds(b"f", &[rustix::fd::AsFd::as_fd(f)])
                .unwrap();
            let mut slots = [None];
            assert_eq!(
                m2.as_socket().recv_fds(&mut buf, &mut slots).unwrap().fds,
                1
            );
        }

        // Batches.
        let mut out = [
            SendEntry::new(b"1").to(b.local_addr().unwrap()),
            SendEntry::new(b"2").to(b.local_addr().unwrap()),
        ];
        assert_eq!(a.as_socket().disconnect().map(|_| 0), Ok(0));
        assert_eq!(
            a.as_socket()
                .send_mmsg(&mut out, SendFlags::empty())
                .unwrap(),
            2
        );
        let (mut r1, mut r2) = ([0u8; 8], [0u8; 8]);
        let mut entries = [RecvEntry::new(&mut r1), RecvEntry::new(&mut r2)];
        assert!(
            b.as_socket()
                .recv_mmsg(&mut entries, RecvFlags::empty())
                .unwrap()
                >= 1
        );

        // A batch stopped by an entry of another family: what comes before it goes out.
        let v6: SockAddr = "[::1]:9".parse().unwrap();
        let mut out = [
            SendEntry::new(b"3").to(b.local_addr().unwrap()),
            SendEntry::new(b"4").to(v6),
        ];
        assert_eq!(a.as_socket().send_mmsg(&mut out, SendFlags::empty()), Ok(1));
        assert!(matches!(
            a.as_socket().send_mmsg(&mut out[1..], SendFlags::empty()),
            Err(Error::Address(AddressError::BatchFamilyMismatch {
                index: 0,
                ..
            }))
        ));
        assert_eq!(b.recv(&mut buf).unwrap(), 1);

        // A cut control buffer: the credentials' fragment is not handed out.
        m1.as_socket().send(b"c").unwrap();
        let mut small = [0u8; cmsg_space(0) + 8];
        let mut bufs = [IoSliceMut::new(&mut buf)];
        let msg = m2
            .as_socket()
            .recv_msg(&mut bufs, &mut small, RecvFlags::empty())
            .unwrap();
        // (qemu-user cuts control messages itself without setting MSG_CTRUNC.)
        if !qemu {
            assert!(msg.control_truncated());
            assert_eq!(msg.control().count(), 0);
        }
        drop(msg);

        // A netlink sender (a wrapped socket, an address sent as bytes): decoded.
        if !qemu {
            let nl = rustix::net::socket(
                rustix::net::AddressFamily::NETLINK,
                rustix::net::SocketType::RAW,
                None,
            )
            .unwrap();
            let nl = Socket::from(nl);
            let mut kernel = [0u8; 12];
            kernel[..2].copy_from_slice(&16u16.to_ne_bytes());
            // NLMSG_NOOP with NLM_F_REQUEST | NLM_F_ACK: the kernel acks it.
            let mut noop = [0u8; 16];
            noop[..4].copy_from_slice(&16u32.to_ne_bytes());
            noop[4..6].copy_from_slice(&1u16.to_ne_bytes());
            noop[6..8].copy_from_slice(&5u16.to_ne_bytes());
            nl.send_to(&noop, RawAddr::new(&kernel).unwrap()).unwrap();
            let (_, from) = nl.recv_from(&mut buf).unwrap();
            let from = from.unwrap();
            assert_eq!(from.family(), Family::NETLINK);
            let mut text = Fixed {
                buf: [0; 256],
                len: 0,
            };
            write!(text, "{from} {from:?}").unwrap();
        }

        // Timeouts, modes, and the errors they give.
        let (t, _t2) = UnixStream::pair().unwrap();
        t.set_timeout(Some(Duration::from_millis(5))).unwrap();
        assert_eq!(t.recv(&mut buf).unwrap_err(), Error::Timeout);
        t.set_nonblocking(true).unwrap();
        assert_eq!(t.recv(&mut buf).unwrap_err(), Error::WouldBlock);
        t.as_socket().set_read_timeout(None).unwrap();
        t.as_socket()
            .set_write_timeout(Some(Duration::from_millis(5)))
            .unwrap();
        let _ = (t.as_socket().read_timeout(), t.as_socket().write_timeout());
        t.set_timeout(Some(Duration::ZERO)).unwrap();
        let name = baresock::hostname();
        let mut text = Fixed {
            buf: [0; 256],
            len: 0,
        };
        write!(text, "{name} {name:?}").unwrap();
        set_default_timeout(Some(Duration::from_secs(1)));
        let _ = default_timeout();
        set_default_timeout(None);

        // fds in and out.
        let dup = Socket::duplicate(rustix::fd::AsFd::as_fd(&t)).unwrap();
        let owned: rustix::fd::OwnedFd = dup.into();
        let back = Socket::from_fd(owned).unwrap();
        let _ = UnixStream::try_from(back).unwrap();

        // Errors, and formatting them and addresses into a fixed buffer.
        let mut out = Fixed {
            buf: [0; 256],
            len: 0,
        };
        let e = TcpStream::connect(refused).unwrap_err();
        write!(out, "{e} {} {ua} {abs}", addr).unwrap();
        assert_eq!(
            UnixAddr::new(&[b'a'; 200]).unwrap_err(),
            Error::Address(AddressError::UnixPathTooLong { len: 200, max: 108 })
        );
        #[cfg(feature = "std")]
        {
            let io: std::io::Error = e.into();
            let _ = Error::from(io);
            let _ = UnixAddr::from_path(&path).unwrap();
        }
        let _ = SockAddr::decode(&[0, 0, 0]);

        #[cfg(feature = "can")]
        {
            // CAN codecs: can-utils' syntax both ways, XL frames, BCM messages in a buffer.
            let frame = "123##1112233".parse::<CanAnyFrame>().unwrap();
            let _ = "123#0G".parse::<CanAnyFrame>().unwrap_err();
            out.len = 0;
            write!(out, "{frame}").unwrap();
            let xl = CanXlFrame::new(0x242, 3, 7, &[1; 100]).unwrap();
            let mut bytes = [0u8; CANXL_HEAD + 100];
            bytes[..CANXL_HEAD].copy_from_slice(&xl.head());
            bytes[CANXL_HEAD..].copy_from_slice(xl.data());
            let back = CanXlFrame::decode(&bytes).unwrap();
            assert_eq!(back, xl);
            let id = CanId::standard(0x321).unwrap();
            let f = CanFrame::new(id, &[1, 2]).unwrap();
            let mut buf = [0u8; can::bcm_message_len(2, false)];
            let head = can::BcmHead::cyclic(id, 5, Duration::from_millis(10), Duration::ZERO);
            let msg = head
                .encode(can::BcmFrames::Classic(&[f, f]), &mut buf)
                .unwrap();
            let parsed = can::BcmMessage::decode(msg).unwrap();
            assert_eq!(parsed.frames().filter(|f| f.is_ok()).count(), 2);
        }
    });
    assert_eq!(n, 0, "the library allocated {n} times");
}

/// The resolver: numeric hosts, the hosts and services files, DNS over UDP and TCP against a
/// fake server on another thread (whose allocations are not counted: the count is per thread),
/// reverse lookups, and a connect by name.
#[cfg(feature = "resolve")]
#[test]
fn resolving_never_allocates() {
    // rustix's one-time start-up cost (the aux vector, read on first use into a buffer by a
    // static binary), taken before the count starts: this test may run first.
    let _ = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    let _ = rustix::param::page_size();
    let dir = common::TempDir::new("no-alloc-resolve");
    let hosts = dir.path("hosts");
    // Two IPv4 addresses for one name: sorting them reads the machine's address list.
    std::fs::write(
        &hosts,
        "192.0.2.5 files.test alias\n198.51.100.5 files.test\n::1 v6.test\n",
    )
    .unwrap();
    let services = dir.path("services");
    std::fs::write(&services, "http 80/tcp www\n").unwrap();
    // A server that answers every A query with one address, and sets TC on the first reply
    // for "big." names so that the TCP path runs too.
    let (udp, tcp) = common::udp_and_tcp_on_one_port();
    let addr = udp.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while let Ok((n, from)) = udp.recv_from(&mut buf) {
            let mut reply = answer(&buf[..n]);
            if buf[13..16] == *b"big" {
                reply[2] |= 0x02; // TC
            }
            let _ = udp.send_to(&reply, from);
        }
    });
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for mut c in tcp.incoming().flatten() {
            let mut len = [0u8; 2];
            if c.read_exact(&mut len).is_err() {
                continue;
            }
            let mut q = vec![0u8; u16::from_be_bytes(len) as usize];
            if c.read_exact(&mut q).is_ok() {
                let reply = answer(&q);
                let _ = c.write_all(&(reply.len() as u16).to_be_bytes());
                let _ = c.write_all(&reply);
            }
        }
    });
    let (hosts, services) = (hosts.to_str().unwrap(), services.to_str().unwrap());
    // rustix's one-time read of the aux vector (see `the_public_api_never_allocates`), which
    // a static binary makes on its first clock_gettime: taken before the count starts, as
    // this test may run first.
    let _ = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    let _ = rustix::param::page_size();
    let paths = resolve::Paths {
        hosts,
        resolv_conf: "/nonexistent/resolv.conf",
        services,
    };
    let mut conf = resolve::ResolvConf::new();
    conf.clear_nameservers();
    conf.add_nameserver(addr);
    conf.set_timeout(Duration::from_secs(2)).set_attempts(1);
    let listener = TcpListener::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap()).unwrap();
    let port = listener.local_addr().unwrap().port();
    let v4 = resolve::Hints {
        family: Some(Family::INET),
        canonical_name: true,
        ..resolve::Hints::default()
    };
    let mut out = [resolve::AddrInfo::EMPTY; 16];
    let n = allocations_in(|| {
        let r = resolve::Resolver::new(conf, paths);
        let found = r
            .lookup(
                Some("192.0.2.1"),
                Some("http"),
                &resolve::Hints::default(),
                &mut out,
            )
            .unwrap();
        assert_eq!(found.len(), 1);
        let found = r
            .lookup(Some("files.test"), Some("443"), &v4, &mut out)
            .unwrap();
        assert_eq!(found.len(), 6);
        // ::1 answers an IPv4 lookup as 127.0.0.1, both ways.
        let found = r.lookup(Some("v6.test"), None, &v4, &mut out).unwrap();
        assert_eq!(found.len(), 3);
        assert!(r.lookup_addr("127.0.0.1".parse().unwrap()).is_ok());
        let found = r.lookup(Some("dns.example."), None, &v4, &mut out).unwrap();
        assert_eq!(out[0].addr.ip(), std::net::IpAddr::from([198, 51, 100, 7]));
        assert!(found.canonical_name().is_some());
        r.lookup(Some("big.example."), None, &v4, &mut out).unwrap();
        assert!(r
            .lookup(Some("fe80::1%no-such-if"), None, &v4, &mut out)
            .is_err());
        assert!(r.lookup_addr("192.0.2.5".parse().unwrap()).is_ok());
        assert_eq!(r.service_port("www", None).unwrap(), 80);
        let s = r
            .connect("127.0.0.1", port, Some(Duration::from_secs(2)), None)
            .unwrap();
        assert_eq!(s.peer_addr().unwrap().port(), port);
        let mut text = [0u8; 64];
        let name = resolve::DomainName::new("a.b.example").unwrap();
        assert_eq!(name.write_text(&mut text).unwrap(), 11);
        let mut msg = [0u8; 512];
        let len = resolve::__private::wire::encode_query(
            &mut msg,
            1,
            &name,
            resolve::__private::wire::RecordType::AAAA,
            Some(1232),
        )
        .unwrap();
        let parsed = resolve::__private::wire::Message::decode(&msg[..len]).unwrap();
        assert_eq!(parsed.questions().count(), 1);
    });
    assert_eq!(n, 0, "the resolver allocated {n} times");
}

/// A NOERROR reply to a query: its question, and one A record 198.51.100.7 (a pointer to
/// the question's name).
#[cfg(feature = "resolve")]
fn answer(q: &[u8]) -> Vec<u8> {
    let mut end = 12;
    while q[end] != 0 {
        end += 1 + q[end] as usize;
    }
    end += 5;
    let mut r = q[..end].to_vec();
    r[2] = 0x81;
    r[3] = 0x80;
    r[6..12].copy_from_slice(&[0, 1, 0, 0, 0, 0]);
    r.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 198, 51, 100, 7]);
    r
}

#[test]
fn polling_never_allocates() {
    use baresock::poll::{Event, Interest, Poller, Timer, Waker};
    let v4: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let _ = std::thread::current();
    let n = allocations_in(|| {
        let poller = Poller::new().unwrap();
        let listener = TcpListener::bind(v4).unwrap();
        listener.set_nonblocking(true).unwrap();
        poller.add(&listener, 0, Interest::READABLE).unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let mut events = [Event::EMPTY; 8];
        let ready = poller
            .wait(&mut events, Some(Duration::from_secs(5)))
            .unwrap();
        assert_eq!(ready[0].key(), 0);
        let (conn, _) = listener.accept().unwrap();
        poller
            .add(&conn, 1, Interest::READABLE | Interest::ONESHOT)
            .unwrap();
        client.send_all(b"x").unwrap();
        assert_eq!(
            poller.wait(&mut events, None).unwrap()[0],
            Event::new(1, Interest::READABLE.bits())
        );
        poller
            .modify(&conn, 1, Interest::READABLE | Interest::EDGE)
            .unwrap();
        poller.delete(&listener).unwrap();
        // The misuse errors and their text.
        let e = poller.delete(&listener).unwrap_err();
        let mut text = Fixed {
            buf: [0; 256],
            len: 0,
        };
        write!(text, "{e} {e:?} {:?}", events[0]).unwrap();
        assert!(poller.wait(&mut [], None).is_err());
        // The waker and the timer.
        let waker = Waker::new(&poller, 2).unwrap();
        waker.wake().unwrap();
        assert!(poller
            .wait(&mut events, Some(Duration::from_millis(1)))
            .unwrap()
            .iter()
            .any(|e| e.key() == 2));
        assert_eq!(waker.reset().unwrap(), 1);
        let timer = Timer::new().unwrap();
        poller.add(&timer, 3, Interest::READABLE).unwrap();
        timer.set_after(Duration::from_millis(1)).unwrap();
        let mut fired = false;
        while !fired {
            for e in poller
                .wait(&mut events, Some(Duration::from_secs(5)))
                .unwrap()
            {
                fired |= e.key() == 3;
            }
        }
        assert_eq!(timer.expirations().unwrap(), 1);
        timer
            .set_interval(Duration::from_secs(1), Duration::from_secs(1))
            .unwrap();
        timer.disarm().unwrap();
        // A deadline that passes (the clock read and the retry path).
        poller.delete(&conn).unwrap();
        poller.delete(&timer).unwrap();
        poller.delete(&waker).unwrap();
        assert!(poller
            .wait(&mut events, Some(Duration::from_millis(2)))
            .unwrap()
            .is_empty());
    });
    assert_eq!(n, 0, "the poller allocated {n} times");
}

/// A netlink client runs a dump and an ack without allocating: the writer, the exchanges, the
/// readers and the error with its extended ack all work in the caller's buffers.
#[cfg(feature = "netlink")]
#[test]
fn netlink_never_allocates() {
    if let Some(why) = common::qemu_netlink_links_gap() {
        println!("skipped: {why}");
        return;
    }
    use baresock::netlink::{Client, MessageFlags, MessageWriter, NetlinkProtocol};
    let _ = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    let mut buf = [0u8; 16 * 1024];
    let mut links = 0;
    let n = allocations_in(|| {
        let mut client = Client::new(NetlinkProtocol::ROUTE).unwrap();
        client
            .socket()
            .set_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        // A dump of the links.
        let mut req = [0u8; 64];
        let mut w = MessageWriter::new(&mut req);
        w.begin(18, MessageFlags::empty()).fixed(&[0; 16]); // RTM_GETLINK
        let req = w.finish().unwrap();
        let mut dump = client.dump(req, &mut buf).unwrap();
        while let Some(m) = dump.next().unwrap() {
            let (_, attrs) = m.split(16).unwrap();
            let _ = attrs.require(3).unwrap().str().unwrap(); // IFLA_IFNAME
            links += 1;
        }
        // An ack, asked of a GET of lo (its reply skipped).
        let mut req = [0u8; 64];
        let mut w = MessageWriter::new(&mut req);
        let mut ifinfomsg = [0u8; 16];
        ifinfomsg[4..8].copy_from_slice(&1i32.to_ne_bytes());
        w.begin(18, MessageFlags::empty()).fixed(&ifinfomsg);
        client.ack(&mut w.finish().unwrap(), &mut buf).unwrap();
        // A refusal, formatted: no such link.
        let mut req = [0u8; 64];
        let mut w = MessageWriter::new(&mut req);
        ifinfomsg[4..8].copy_from_slice(&i32::MAX.to_ne_bytes());
        w.begin(18, MessageFlags::empty()).fixed(&ifinfomsg);
        let e = client.ack(&mut w.finish().unwrap(), &mut buf).unwrap_err();
        let mut text = Fixed {
            buf: [0; 256],
            len: 0,
        };
        write!(text, "{e} {:?}", client.ext_ack_message()).unwrap();
    });
    assert_eq!(n, 0, "netlink allocated {n} times");
    assert!(links >= 1);
}

/// The rtnetlink calls of addresses and routes (one of each kind: add, dump, the route to an
/// address, delete), in a network namespace of their own, run without allocating.
#[cfg(feature = "netlink")]
#[test]
fn addresses_and_routes_never_allocate() {
    use baresock::netlink::route::{AddressSpec, RouteSpec, RouteTable, RouteType, Rtnl};
    let r = common::in_netns(|| {
        let _ = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
        let mut buf = [0u8; 16 * 1024];
        let mut seen = (0, 0);
        let n = allocations_in(|| {
            let mut rtnl = Rtnl::new(&mut buf).unwrap();
            rtnl.client()
                .socket()
                .set_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let ip = "10.55.0.1".parse().unwrap();
            let addr = AddressSpec::new(1, ip, 24).label("lo:x");
            rtnl.add_address(&addr).unwrap();
            let mut list = rtnl.addresses(Some(Family::INET), Some(1)).unwrap();
            while let Some(a) = list.next().unwrap() {
                let _ = (
                    a.ip_addr().unwrap(),
                    a.label().unwrap(),
                    a.lifetimes().unwrap(),
                );
                seen.0 += 1;
            }
            let route = RouteSpec::new("10.56.0.0".parse().unwrap(), 16).kind(RouteType::BLACKHOLE);
            rtnl.add_route(&route).unwrap();
            let mut list = rtnl.routes(None, RouteTable::ALL).unwrap();
            while let Some(r) = list.next().unwrap() {
                let _ = (r.destination().unwrap(), r.table().unwrap(), r.nexthops());
                seen.1 += 1;
            }
            let to = rtnl.route_to(ip).unwrap();
            assert_eq!(to.preferred_source().unwrap(), Some(ip));
            rtnl.delete_route(&route).unwrap();
            rtnl.delete_address(&addr).unwrap();
            // A refusal, formatted: the address is gone.
            let e = rtnl.delete_address(&addr).unwrap_err();
            let mut text = Fixed {
                buf: [0; 256],
                len: 0,
            };
            write!(text, "{e} {:?}", rtnl.client().ext_ack_message()).unwrap();
        });
        (n, seen)
    });
    match r {
        Ok((n, seen)) => {
            assert_eq!(n, 0, "addresses and routes allocated {n} times");
            assert!(seen.0 >= 1 && seen.1 >= 1, "{seen:?}");
        }
        Err(why) => println!("skipped: {why}"),
    }
}

/// A route monitor: made, a change seen as its typed event (one read), the event written as
/// its `ip monitor` line, in a network namespace of its own, without allocating.
#[cfg(feature = "netlink")]
#[test]
fn a_route_monitor_read_never_allocates() {
    use baresock::netlink::route::{AddressSpec, RouteEvent, RouteGroups, RouteMonitor, Rtnl};
    let r = common::in_netns(|| {
        let _ = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
        let mut buf = [0u8; 8 * 1024];
        let mut mbuf = [0u8; 16 * 1024];
        let mut text = Fixed {
            buf: [0; 256],
            len: 0,
        };
        let n = allocations_in(|| {
            let mut monitor = RouteMonitor::new(RouteGroups::IPV4_ADDRESS, &mut mbuf).unwrap();
            monitor
                .socket()
                .set_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut rtnl = Rtnl::new(&mut buf).unwrap();
            rtnl.client()
                .socket()
                .set_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let ip = "10.57.0.1".parse().unwrap();
            rtnl.add_address(&AddressSpec::new(1, ip, 24)).unwrap();
            let event = monitor.recv().unwrap();
            assert!(matches!(event, RouteEvent::NewAddress(a) if a.ip_addr().unwrap() == ip));
            write!(text, "{event}").unwrap();
        });
        (n, text)
    });
    match r {
        Ok((n, text)) => {
            assert_eq!(n, 0, "the route monitor allocated {n} times");
            let line = std::str::from_utf8(&text.buf[..text.len]).unwrap();
            assert_eq!(line, "10.57.0.1/24 dev 1 scope global");
        }
        Err(why) => println!("skipped: {why}"),
    }
}

/// The typed link calls: a dump, the look-ups, `name_index`, a change, a creation and a
/// deletion (each refused or harmless where it runs: nothing in the host's namespace changes).
#[cfg(feature = "netlink")]
#[test]
fn rtnl_link_calls_never_allocate() {
    if let Some(why) = common::qemu_netlink_links_gap() {
        println!("skipped: {why}");
        return;
    }
    use baresock::netlink::route::{LinkChange, NewLink, Rtnl};
    let _ = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    let mut buf = [0u8; 16 * 1024];
    let mut seen = 0;
    let n = allocations_in(|| {
        let mut rtnl = Rtnl::new(&mut buf).unwrap();
        rtnl.client()
            .socket()
            .set_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut links = rtnl.links().unwrap();
        while let Some(l) = links.next().unwrap() {
            let _ = (l.name().unwrap(), l.flags(), l.mtu(), l.stats(), l.kind());
            seen += 1;
        }
        let lo = rtnl.link_by_name("lo").unwrap();
        let _ = (lo.operstate(), lo.address(), lo.txqlen());
        assert_eq!(rtnl.link(1).unwrap().name().unwrap(), "lo");
        rtnl.name_index(|_, _| ()).unwrap();
        // lo's MTU set to what it is: no change (refused without root).
        let mtu = rtnl.link(1).unwrap().mtu().unwrap().unwrap();
        let _ = rtnl.set_link(1, &LinkChange::new().mtu(mtu));
        // lo exists: EEXIST (EPERM without root); no such link: ENODEV.
        assert!(rtnl.new_link(&NewLink::veth("lo", "lo-peer")).is_err());
        assert!(rtnl.delete_link(i32::MAX as u32).is_err());
        let e = rtnl.delete_link_by_name("a-name-too-long-x").unwrap_err();
        let mut text = Fixed {
            buf: [0; 256],
            len: 0,
        };
        write!(text, "{e}").unwrap();
    });
    assert_eq!(n, 0, "the link calls allocated {n} times");
    assert!(seen >= 1);
}

/// The CAN link calls of the rtnetlink handle: a link read as a CAN link (a request), a CAN
/// change refused (an ack with its refusal, named), and up/down of a link that is not there.
#[cfg(feature = "netlink")]
#[test]
fn netlink_can_calls_never_allocate() {
    if let Some(why) = common::qemu_netlink_links_gap() {
        println!("skipped: {why}");
        return;
    }
    use baresock::netlink::route::{CanConfig, CanRefusal, Rtnl};
    let _ = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    let mut buf = [0u8; 16 * 1024];
    let n = allocations_in(|| {
        let mut rtnl = Rtnl::new(&mut buf).unwrap();
        let lo = rtnl.can_link(1).unwrap();
        assert!(!lo.is_can() && lo.bit_timing().unwrap().is_none());
        let e = rtnl
            .set_can(1, &CanConfig::new().bitrate(500_000).restart_ms(10))
            .unwrap_err();
        let text = rtnl.client().ext_ack_message();
        assert_eq!(CanRefusal::of(&e, text), Some(CanRefusal::Unsupported));
        assert!(rtnl.restart_can(1).is_err());
        assert!(rtnl.set_up(i32::MAX as u32).is_err());
    });
    assert_eq!(n, 0, "the CAN link calls allocated {n} times");
}

/// vsock: addresses (decoded, parsed, shown), the options, the local context id, the named
/// datagram error, and over the loopback transport where it is here, a stream and a
/// seqpacket exchange.
#[test]
fn vsock_never_allocates() {
    let _ = std::thread::current();
    let loopback = common::vsock_loopback().is_ok();
    // vsock seqpacket came with Linux 5.14 (tests/vsock.rs checks the named error before).
    let seqpacket =
        !VsockSeqpacketListener::bind(VsockAddr::new(VsockAddr::CID_LOCAL, VsockAddr::PORT_ANY))
            .is_err_and(|e| e.is_unsupported());
    let mut text = Fixed {
        buf: [0; 256],
        len: 0,
    };
    let n = allocations_in(|| {
        let a = VsockAddr::new(VsockAddr::CID_LOCAL, VsockAddr::PORT_ANY);
        let mut raw = [0u8; 16];
        raw[..2].copy_from_slice(&40u16.to_ne_bytes());
        let decoded = SockAddr::decode(&raw).unwrap();
        let parsed: VsockAddr = "vsock:2:1024/0x1".parse().unwrap();
        assert!(parsed.to_host());
        let _ = "vsock:x".parse::<VsockAddr>().unwrap_err();
        write!(text, "{a} {decoded} {parsed:?}").unwrap();
        let _ = vsock_local_cid();
        // Display, not Debug: rustix's `Errno` Debug asks std for the message text, which
        // allocates (the library's own Display does not).
        if let Err(e) = VsockDatagram::unbound() {
            write!(text, "{e}").unwrap();
        }
        if let Ok(s) = Socket::new(Family::VSOCK, Type::STREAM, Protocol::DEFAULT) {
            if s.vsock_buffer_size().is_ok() {
                s.set_vsock_buffer_size(1 << 16).unwrap();
                s.set_vsock_connect_timeout(Duration::from_secs(3)).unwrap();
                s.vsock_connect_timeout().unwrap();
            }
        }
        if loopback {
            let listener = VsockListener::bind(a).unwrap();
            let client = VsockStream::connect(listener.local_addr().unwrap()).unwrap();
            let (conn, _) = listener.accept().unwrap();
            client.send_all(b"no heap").unwrap();
            let mut buf = [0u8; 16];
            assert_eq!(conn.recv(&mut buf).unwrap(), 7);
            client.peer_addr().unwrap();
        }
        if loopback && !seqpacket {
            // The named error, without the heap.
            assert!(VsockSeqpacketListener::bind(a).is_err_and(|e| e.is_unsupported()));
        }
        if loopback && seqpacket {
            let mut buf = [0u8; 16];
            let listener = VsockSeqpacketListener::bind(a).unwrap();
            let client = VsockSeqpacket::connect(listener.local_addr().unwrap()).unwrap();
            let (conn, _) = listener.accept().unwrap();
            client.send(b"0123456789").unwrap();
            assert_eq!(
                conn.recv(&mut buf[..4]).unwrap_err(),
                Error::Truncated { len: 10 }
            );
        }
    });
    assert_eq!(n, 0, "the vsock calls allocated {n} times");
}

#[test]
fn the_counter_counts() {
    // The proof is only as good as the counter: an allocation must show.
    let n = allocations_in(|| drop(std::hint::black_box(vec![1u8; 10])));
    assert_eq!(n, 1);
}

/// `write!` on a stream through embedded-io's `Write::write_fmt` formats straight into the
/// socket: no allocation (the formatting machinery's own, as std's `io::Write` has, included).
#[cfg(feature = "embedded-io")]
#[test]
fn embedded_io_write_fmt_never_allocates() {
    use embedded_io::Write as _;
    let (mut a, b) = UnixStream::pair().unwrap();
    let id = "id";
    let n = allocations_in(|| {
        write!(a, "{id}-{:04x}", 0xbeefu16).unwrap();
    });
    assert_eq!(n, 0, "write_fmt allocated {n} times");
    let mut buf = [0u8; 16];
    let got = b.recv(&mut buf).unwrap();
    assert_eq!(&buf[..got], b"id-beef");
}

/// The reactor serves without allocating: registering, accepting, connecting, reading and
/// writing, datagrams, sleeps and timeouts, joins, and `block_on` itself (its waker is static).
#[test]
fn the_reactor_and_block_on_never_allocate() {
    use baresock::reactor::{block_on, join, join_all, Async, Reactor, Slots};
    let _ = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    let _ = rustix::param::page_size();
    let _ = std::thread::current();
    let v4: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let n = allocations_in(|| {
        let slots = Slots::<16>::new();
        let reactor = Reactor::new(&slots).unwrap();
        let listener = Async::new(&reactor, TcpListener::bind(v4).unwrap()).unwrap();
        let addr = listener.get_ref().local_addr().unwrap();
        let server = async {
            let (conn, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 16];
            let n = conn.read(&mut buf).await.unwrap();
            conn.write_all(&buf[..n]).await.unwrap();
        };
        let client = async {
            let conn = Async::<TcpStream>::connect(&reactor, addr).await.unwrap();
            conn.write_all(b"ping").await.unwrap();
            let mut buf = [0u8; 4];
            let mut got = 0;
            while got < 4 {
                got += conn.read(&mut buf[got..]).await.unwrap();
            }
            assert_eq!(&buf, b"ping");
            reactor.sleep(Duration::from_millis(1)).await.unwrap();
            let never = core::future::pending::<()>();
            let r = reactor.timeout(Duration::from_millis(1), never).await;
            assert_eq!(r, Err(Error::Timeout));
        };
        block_on(&reactor, join(server, client)).unwrap();
        let (a, b) = (
            Async::new(&reactor, UdpSocket::bind(v4).unwrap()).unwrap(),
            Async::new(&reactor, UdpSocket::bind(v4).unwrap()).unwrap(),
        );
        let to = b.get_ref().local_addr().unwrap();
        let mut buf = [0u8; 8];
        let sends: [_; 3] = core::array::from_fn(|_| async {
            a.send_to(b"d", to).await.unwrap();
        });
        block_on(&reactor, join_all(sends)).unwrap();
        for _ in 0..3 {
            assert_eq!(
                block_on(&reactor, b.recv_from(&mut buf))
                    .unwrap()
                    .unwrap()
                    .0,
                1
            );
        }
    });
    assert_eq!(n, 0, "the reactor allocated {n} times");
}
