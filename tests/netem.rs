//! A bad network on purpose: netem (tc-netem(8)) delaying, dropping and reordering packets on
//! a veth between two network namespaces (this side 10.77.0.1, the peer 10.77.0.2). Deadlines
//! must fire as set, a connect under delay must still meet its deadline, the resolver must
//! retry through loss and succeed, and reordered data must arrive whole.
//!
//! netem is set up over rtnetlink by the test itself (`tc` is not needed). It needs root and
//! a kernel with `sch_netem`: the test VM loads it (qemu/modules.txt); elsewhere these tests
//! skip with the reason. Each test runs alone and checks the fd count around itself.

mod common;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use baresock::msg::*;
#[cfg(feature = "resolve")]
use baresock::resolve::{AddrInfo, Hints, Paths, ResolvConf, Resolver};
use baresock::*;
#[cfg(feature = "resolve")]
use common::dnsmasq::wire;
use common::dnsmasq::{Reply, Responder};
use common::rtnl::Netem;
use common::*;

const PEER: Ipv4Addr = Ipv4Addr::new(10, 77, 0, 2);
/// How late a deadline may be reported (an emulated machine is slow), far below the delays.
const LATE: Duration = Duration::from_secs(1);

/// Runs `f` in two namespaces with `netem` on this side's `bs0` (what leaves here) and
/// `peer_netem` on the peer's `bs1` (what leaves there), with `serve` started in the peer;
/// alone in the process, and with the fd count checked around it. `Err(reason)` where this
/// cannot be made: not root, no namespaces, no netem in this kernel.
fn with_netem<G: 'static>(
    netem: Option<Netem>,
    peer_netem: Option<Netem>,
    serve: impl FnOnce() -> G + Send + 'static,
    f: impl FnOnce() + Send + 'static,
) -> Result<(), String> {
    static SERIAL: Mutex<()> = Mutex::new(());
    let _alone = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let before = open_fds();
    // The peer's netem is set before `f` starts (the peer is ready first).
    let peer_setup = Arc::new(Mutex::new(Ok(())));
    let peer_result = peer_setup.clone();
    let r = in_two_netns_with_peer(
        move || {
            if let Some(n) = peer_netem {
                *peer_result.lock().unwrap() = add_netem("bs1", n);
            }
            serve()
        },
        move || -> Result<(), String> {
            peer_setup.lock().unwrap().clone()?;
            if let Some(n) = netem {
                add_netem("bs0", n)?;
            }
            f();
            Ok(())
        },
    );
    let r = r.and_then(|r| r);
    if let Err(why) = &r {
        // A kernel with netem that refuses the request: the test's fault, not the machine's.
        assert!(!why.starts_with(SETUP_FAILED), "{why}");
    }
    let after = open_fds();
    assert_eq!(before, after, "fds leaked: {before} before, {after} after");
    r
}

/// How a netem request that the kernel refused for another reason than a missing netem
/// begins.
const SETUP_FAILED: &str = "adding netem failed";

/// netem on an interface of the calling thread's namespace; a missing netem is named.
#[cfg(feature = "netlink")]
fn add_netem(dev: &str, n: Netem) -> Result<(), String> {
    let mut buf = rtnl::buffer();
    let mut nl = rtnl::open(&mut buf).map_err(|e| e.to_string())?;
    let index = interface_index(dev).map_err(|e| e.to_string())?;
    rtnl::add_netem(&mut nl, index, n).map_err(|e| match e.errno() {
        Some(Errno::NOENT | Errno::OPNOTSUPP) => {
            format!("no netem qdisc in this kernel (sch_netem, {e:?})")
        }
        _ => format!("{SETUP_FAILED} on {dev}: {e:?}"),
    })
}

/// Without the `netlink` feature the fixtures skip before this.
#[cfg(not(feature = "netlink"))]
fn add_netem(_dev: &str, _n: Netem) -> Result<(), String> {
    Err("netem is added over rtnetlink: needs the netlink feature".into())
}

/// Fails unless `r` is a timeout reported after at least `d` and less than `d` + [`LATE`].
fn assert_timed_out<T: std::fmt::Debug>(
    what: &str,
    d: Duration,
    r: Result<T, Error>,
    took: Duration,
) {
    assert!(
        matches!(&r, Err(e) if e.is_timeout()),
        "{what}: expected a timeout, got {r:?}"
    );
    assert!(took >= d, "{what}: timed out after {took:?}, before {d:?}");
    assert!(
        took < d + LATE,
        "{what}: timed out after {took:?}, not {d:?}"
    );
}

/// An 8 MiB receive buffer (`SO_RCVBUFFORCE`: root may pass `net.core.rmem_max`), so that a
/// burst is not dropped here on a slow machine, only by netem.
fn big_receive_buffer(u: &UdpSocket) {
    u.as_socket()
        .set_option_raw(
            libc::SOL_SOCKET as u32,
            libc::SO_RCVBUFFORCE as u32,
            &(8i32 << 20).to_ne_bytes(),
        )
        .unwrap();
}

/// A UDP echo on the peer.
fn echo(port: u16) -> Responder {
    Responder::start_on(SocketAddr::new(PEER.into(), port), |q| {
        vec![Reply::new(q.to_vec())]
    })
}

/// A TCP server on the peer that echoes one connection back and stops when dropped.
struct TcpEcho {
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl TcpEcho {
    fn start(port: u16) -> TcpEcho {
        use std::io::{Read, Write};
        let l = std::net::TcpListener::bind((PEER, port)).unwrap();
        l.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let thread = thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let Ok((mut c, _)) = l.accept() else {
                    thread::sleep(Duration::from_millis(10));
                    continue;
                };
                c.set_nonblocking(false).unwrap();
                c.set_read_timeout(Some(Duration::from_millis(100)))
                    .unwrap();
                let mut buf = [0u8; 1 << 16];
                while !s.load(Ordering::Relaxed) {
                    match c.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => c.write_all(&buf[..n]).unwrap(),
                        Err(_) => continue,
                    }
                }
            }
        });
        TcpEcho {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for TcpEcho {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn delay_deadlines_fire_as_set_and_a_connect_meets_its_deadline() {
    // 300 ms more on everything that leaves this side.
    let delay = Duration::from_millis(300);
    let netem = Netem {
        delay,
        ..Netem::default()
    };
    if let Err(why) = with_netem(
        Some(netem),
        None,
        || {
            let tcp = std::net::TcpListener::bind((PEER, 9000)).unwrap();
            (echo(7), tcp)
        },
        move || {
            // A reply that comes after 300 ms: a 100 ms deadline fires first, and on time.
            let u = UdpSocket::bind("10.77.0.1:0").unwrap();
            u.connect(SocketAddr::new(PEER.into(), 7)).unwrap();
            let d = Duration::from_millis(100);
            u.set_timeout(Some(d)).unwrap();
            u.send(b"ping 1").unwrap();
            let start = Instant::now();
            let mut buf = [0u8; 16];
            let r = u.recv(&mut buf);
            assert_timed_out("recv", d, r, start.elapsed());
            // The late reply is still there; with room the next waits for it.
            u.set_timeout(Some(Duration::from_secs(3))).unwrap();
            let n = u.recv(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"ping 1");
            let start = Instant::now();
            u.send(b"ping 2").unwrap();
            let n = u.recv(&mut buf).unwrap();
            assert_eq!(&buf[..n], b"ping 2");
            assert!(start.elapsed() >= delay, "the delay was not in effect");

            // A connect whose SYN is held 300 ms: a 150 ms deadline fires, on time.
            let to = SocketAddr::new(PEER.into(), 9000);
            let d = Duration::from_millis(150);
            let start = Instant::now();
            let r = TcpStream::connect_timeout(to, d);
            assert_timed_out("connect", d, r, start.elapsed());
            // A deadline longer than the delay: it connects, after the delay.
            let start = Instant::now();
            let c = TcpStream::connect_timeout(to, Duration::from_secs(3)).unwrap();
            assert!(
                start.elapsed() >= delay,
                "connected before the delay passed"
            );
            assert!(start.elapsed() < Duration::from_secs(3));
            drop(c);
        },
    ) {
        skip!("{why}");
    }
}

#[cfg(feature = "resolve")]
#[test]
fn the_resolver_retries_through_loss_and_succeeds() {
    // 30 % of what the peer sends is lost: DNS replies, and echoes.
    let lossy = Netem {
        loss: 0.30,
        ..Netem::default()
    };
    let servers: Vec<SocketAddr> = [53, 5353, 5354]
        .iter()
        .map(|&p| SocketAddr::new(PEER.into(), p))
        .collect();
    let at = servers.clone();
    let counts = Arc::new(Mutex::new(Vec::new()));
    let counts_in_peer = counts.clone();
    if let Err(why) = with_netem(
        None,
        Some(lossy),
        move || {
            let answer = |q: &[u8]| {
                vec![Reply::new(wire::reply_a(
                    q,
                    &[Ipv4Addr::new(192, 0, 2, 9)],
                    60,
                ))]
            };
            let dns: Vec<Responder> = at.iter().map(|&a| Responder::start_on(a, answer)).collect();
            // The servers' query counts, read when the test is done.
            struct Report(Vec<Responder>, Arc<Mutex<Vec<usize>>>);
            impl Drop for Report {
                fn drop(&mut self) {
                    *self.1.lock().unwrap() = self.0.iter().map(|r| r.queries().len()).collect();
                }
            }
            // Asked, 1000 numbered datagrams, 2 ms apart in groups of 20; asked again,
            // nothing.
            let mut asked = false;
            let burst = Responder::start_on(SocketAddr::new(PEER.into(), 9), move |_| {
                if std::mem::replace(&mut asked, true) {
                    return Vec::new();
                }
                (0..1000u16)
                    .map(|i| {
                        let r = Reply::new(i.to_be_bytes().to_vec());
                        if i % 20 == 19 {
                            r.after(Duration::from_millis(2))
                        } else {
                            r
                        }
                    })
                    .collect()
            });
            (Report(dns, counts_in_peer), burst)
        },
        move || {
            // The loss is real: of 1000 datagrams the peer sends when asked, between 15 % and
            // 45 % never arrive (30 % expected; the band is seven standard deviations wide each
            // way). The receive buffer holds them all (SO_RCVBUFFORCE: root may pass
            // rmem_max), so none is lost here; the peer paces them for a slow machine.
            //
            // The first datagram waits for ARP, whose replies go through the loss too: each
            // lost reply costs a second (the kernel's `retrans_time`) and three lost in a row
            // fail the neighbour, dropping what waited on it. So "go" is sent again until the
            // burst starts (the peer sends it once), 4 s apart, up to 5 times.
            let u = UdpSocket::bind("10.77.0.1:0").unwrap();
            u.connect(SocketAddr::new(PEER.into(), 9)).unwrap();
            big_receive_buffer(&u);
            let mut buf = [0u8; 8];
            u.set_timeout(Some(Duration::from_secs(4))).unwrap();
            let mut back = 0;
            let asked = Instant::now();
            for go in 1..=5 {
                u.send(b"go").unwrap();
                if u.recv(&mut buf).is_ok() {
                    println!(
                        "the burst began {:?} after the first \"go\" ({go} sent)",
                        asked.elapsed()
                    );
                    back = 1;
                    break;
                }
            }
            assert_eq!(back, 1, "the peer never answered \"go\"");
            u.set_timeout(Some(Duration::from_secs(2))).unwrap();
            while u.recv(&mut buf).is_ok() {
                back += 1;
            }
            assert!(
                (550..=850).contains(&back),
                "{back} of 1000 datagrams arrived"
            );

            // Three servers, 1 s each, five rounds: a lookup fails only if 15 replies in a
            // row are lost (0.3^15, about 1 in 70 million).
            let mut conf = ResolvConf::new();
            conf.clear_nameservers();
            for s in &servers {
                assert!(conf.add_nameserver(*s));
            }
            conf.set_timeout(Duration::from_secs(1)).set_attempts(5);
            let resolver = Resolver::new(
                conf,
                Paths {
                    hosts: "/nonexistent/hosts",
                    resolv_conf: "/nonexistent/resolv.conf",
                    services: "/nonexistent/services",
                },
            );
            let hints = Hints {
                family: Some(Family::INET),
                socket_type: Some(Type::STREAM),
                ..Hints::default()
            };
            let lookups = 30;
            for i in 0..lookups {
                let mut out = [AddrInfo::EMPTY; 4];
                let name = format!("n{i}.lossy.baresock.test.");
                let found = resolver
                    .lookup(Some(&name), None, &hints, &mut out)
                    .unwrap_or_else(|e| panic!("{name}: {e:?}"));
                let addrs: Vec<_> = found.results(&out).iter().map(|a| a.addr).collect();
                assert_eq!(addrs, vec!["192.0.2.9:0".parse::<SocketAddr>().unwrap()]);
            }
        },
    ) {
        skip!("{why}");
    }
    // Every lookup was answered; the servers saw each lost reply's retry too. That no reply of
    // 30 was lost has a chance of 0.7^30, about 1 in 44 000.
    let counts = counts.lock().unwrap().clone();
    let asked: usize = counts.iter().sum();
    assert!(
        asked > 30,
        "{asked} queries for 30 lookups: no retry was needed ({counts:?})"
    );
}

#[test]
fn reordered_datagrams_and_streams_arrive_whole() {
    // Each packet leaving the peer goes out at once with probability 1/2, ahead of the others,
    // which wait 50 ms; the same on this side.
    let reorder = Netem {
        delay: Duration::from_millis(50),
        reorder: 0.5,
        limit: 10_000,
        ..Netem::default()
    };
    if let Err(why) = with_netem(
        Some(reorder),
        Some(reorder),
        || {
            // Asked once, the peer sends 200 numbered datagrams back to back.
            let burst = Responder::start_on(SocketAddr::new(PEER.into(), 9), |_| {
                (0..200u16)
                    .map(|i| Reply::new(i.to_be_bytes().repeat(50)))
                    .collect()
            });
            (burst, TcpEcho::start(9001))
        },
        || {
            let u = UdpSocket::bind("10.77.0.1:0").unwrap();
            u.connect(SocketAddr::new(PEER.into(), 9)).unwrap();
            big_receive_buffer(&u);
            u.set_timeout(Some(Duration::from_secs(2))).unwrap();
            u.send(b"go").unwrap();
            let mut order = Vec::new();
            let mut bufs = [[0u8; 128]; 16];
            while order.len() < 200 {
                let mut entries: Vec<RecvEntry<'_>> =
                    bufs.iter_mut().map(|b| RecvEntry::new(b)).collect();
                let n = u
                    .as_socket()
                    .recv_mmsg(&mut entries, RecvFlags::empty())
                    .unwrap_or_else(|e| panic!("after {} datagrams: {e:?}", order.len()));
                for e in &entries[..n] {
                    let d = e.data();
                    assert_eq!(d.len(), 100);
                    let i = u16::from_be_bytes([d[0], d[1]]);
                    assert_eq!(
                        d,
                        &i.to_be_bytes().repeat(50)[..],
                        "datagram {i} is damaged"
                    );
                    order.push(i);
                }
            }
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(
                sorted,
                (0..200).collect::<Vec<_>>(),
                "each datagram exactly once"
            );
            assert_ne!(order, sorted, "netem reordered nothing");

            // A stream both ways through reordering: 2 MiB out and back, byte for byte.
            let c = TcpStream::connect_timeout(
                SocketAddr::new(PEER.into(), 9001),
                Duration::from_secs(5),
            )
            .unwrap();
            c.set_timeout(Some(Duration::from_secs(30))).unwrap();
            let data: Vec<u8> = (0..2u32 << 20).map(|i| (i % 251) as u8).collect();
            let reader = c.as_socket().try_clone().unwrap();
            let len = data.len();
            let back = thread::spawn(move || {
                let mut got = vec![0u8; len];
                let mut have = 0;
                while have < len {
                    match reader.recv(&mut got[have..]) {
                        Ok(0) => break,
                        Ok(n) => have += n,
                        Err(e) => panic!("after {have} bytes: {e:?}"),
                    }
                }
                got.truncate(have);
                got
            });
            c.send_all(&data).unwrap();
            assert!(back.join().unwrap() == data, "the echoed stream differs");
        },
    ) {
        skip!("{why}");
    }
}
