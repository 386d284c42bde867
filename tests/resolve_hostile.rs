//! The resolver against hostile and broken name servers: an in-process fake server on
//! loopback (UDP and TCP on one port, each in a thread) that sets TC and then drips its TCP
//! reply a byte at a time, answers with the wrong id, stays silent, accepts over TCP and
//! never answers, closes early, or sends a reply too large for the buffer. Every lookup must
//! end within `timeout x attempts x servers` (plus slack for a loaded machine) with the kind
//! and cause that say what happened. Also: `timeout:0` waits as glibc does (one second), and
//! a connect by name with a timeout bounds its lookup.

mod common;

use baresock::resolve::ResolveError;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use baresock::resolve::dns::{TCP_REPLY_DEFAULT, TCP_REPLY_MAX};
use baresock::resolve::{AddrInfo, Hints, Paths, ResolvConf, Resolver};
use baresock::resolve::{LookupCause, LookupErrorKind};
use baresock::{Error, Family, Type};
use common::dnsmasq::wire;
use common::TempDir;

/// What the fake server does with a query over UDP.
#[derive(Clone, Copy, Debug)]
enum Udp {
    /// Nothing.
    Silent,
    /// An empty reply with TC set: ask again over TCP.
    Truncated,
    /// A true answer (A 192.0.2.9, AAAA 2001:db8::9), with another query's id.
    WrongId,
    /// A true answer, after this long.
    AnswerAfter(Duration),
}

/// What the fake server does on a TCP connection, once it has read the query.
#[derive(Clone, Copy, Debug)]
enum Tcp {
    /// Says a 256-byte reply is coming, then sends one byte every 100 ms.
    Drip,
    /// A true answer with another query's id.
    WrongId,
    /// An answer with the query's id, to another question.
    WrongQuestion,
    /// Nothing: holds the connection open.
    Hang,
    /// The length prefix and three bytes, then closes.
    CloseEarly,
    /// A true answer with this many A records.
    Answer(usize),
}

const V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 9);
const V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 9);
/// How long any server thread lives at most, whatever the client does.
const SERVER_LIFE: Duration = Duration::from_secs(60);

fn qtype(q: &[u8]) -> u16 {
    u16::from_be_bytes([q[q.len() - 4], q[q.len() - 3]])
}

/// The true answer to a query (no EDNS0 record: the tests' queries over UDP carry none
/// unless `edns0` is set, and over TCP never).
/// A name under `loopback.` gets 127.0.0.1 and ::1 instead (to connect to); a `PTR` query
/// gets `ptr.baresock.test`.
fn answer(q: &[u8], n_a: usize) -> Vec<u8> {
    let local = q.windows(8).any(|w| w == b"loopback");
    match qtype(q) {
        wire::AAAA if local => wire::reply_aaaa(q, &[Ipv6Addr::LOCALHOST], 60),
        wire::AAAA => wire::reply_aaaa(q, &[V6], 60),
        wire::PTR => {
            let mut r = wire::reply(q, wire::NOERROR);
            wire::push_record(
                &mut r,
                wire::PTR,
                60,
                &wire::encode_name("ptr.baresock.test"),
            );
            r
        }
        _ if local => wire::reply_a(q, &[Ipv4Addr::LOCALHOST], 60),
        _ => wire::reply_a(q, &vec![V4; n_a], 60),
    }
}

/// A fake name server on 127.0.0.1: UDP and TCP on one port, each served by a thread until
/// the server is dropped (or [`SERVER_LIFE`] has passed).
struct Hostile {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    udp_queries: Arc<AtomicUsize>,
    tcp_queries: Arc<AtomicUsize>,
    threads: Vec<JoinHandle<()>>,
}

impl Hostile {
    fn start(udp: Udp, tcp: Tcp) -> Hostile {
        let (u, l) = common::udp_and_tcp_on_one_port();
        let addr = u.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let udp_queries = Arc::new(AtomicUsize::new(0));
        let tcp_queries = Arc::new(AtomicUsize::new(0));
        let born = Instant::now();
        let live = {
            let stop = stop.clone();
            move || !stop.load(Ordering::Relaxed) && born.elapsed() < SERVER_LIFE
        };
        let mut threads = Vec::new();
        {
            let (live, count) = (live.clone(), udp_queries.clone());
            threads.push(std::thread::spawn(move || {
                u.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
                let mut buf = [0u8; 1500];
                while live() {
                    let Ok((n, from)) = u.recv_from(&mut buf) else {
                        continue;
                    };
                    count.fetch_add(1, Ordering::Relaxed);
                    let q = &buf[..n];
                    let reply = match udp {
                        Udp::Silent => continue,
                        Udp::Truncated => {
                            let mut r = wire::reply(q, wire::NOERROR);
                            r[2] |= 0x02; // TC
                            r
                        }
                        Udp::WrongId => wire::with_id(answer(q, 1), wire::id(q) ^ 0x5555),
                        Udp::AnswerAfter(d) => {
                            std::thread::sleep(d);
                            answer(q, 1)
                        }
                    };
                    let _ = u.send_to(&reply, from);
                }
            }));
        }
        {
            let (live, count) = (live.clone(), tcp_queries.clone());
            threads.push(std::thread::spawn(move || {
                l.set_nonblocking(true).unwrap();
                let mut conns = Vec::new();
                while live() {
                    match l.accept() {
                        Ok((c, _)) => {
                            let (live, count) = (live.clone(), count.clone());
                            conns.push(std::thread::spawn(move || serve_tcp(c, tcp, live, count)));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
                for c in conns {
                    let _ = c.join();
                }
            }));
        }
        Hostile {
            addr,
            stop,
            udp_queries,
            tcp_queries,
            threads,
        }
    }

    fn udp_queries(&self) -> usize {
        self.udp_queries.load(Ordering::Relaxed)
    }

    fn tcp_queries(&self) -> usize {
        self.tcp_queries.load(Ordering::Relaxed)
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// One TCP connection: reads one framed query, then does as `mode` says.
fn serve_tcp(mut c: TcpStream, mode: Tcp, live: impl Fn() -> bool, count: Arc<AtomicUsize>) {
    c.set_nonblocking(false).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut prefix = [0u8; 2];
    if c.read_exact(&mut prefix).is_err() {
        return;
    }
    let mut q = vec![0u8; u16::from_be_bytes(prefix) as usize];
    if c.read_exact(&mut q).is_err() {
        return;
    }
    count.fetch_add(1, Ordering::Relaxed);
    let framed = |m: Vec<u8>| {
        let mut out = (m.len() as u16).to_be_bytes().to_vec();
        out.extend_from_slice(&m);
        out
    };
    match mode {
        Tcp::Drip => {
            if c.write_all(&[1, 0]).is_err() {
                return;
            }
            // 256 bytes at 10 a second would take 25 s; the client must leave long before.
            for _ in 0..256 {
                if !live() || c.write_all(&[0]).is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        Tcp::WrongId => {
            let r = wire::with_id(answer(&q, 1), wire::id(&q) ^ 0x5555);
            let _ = c.write_all(&framed(r));
        }
        Tcp::WrongQuestion => {
            let other = wire::query(wire::id(&q), "other.baresock.test", qtype(&q), None);
            let _ = c.write_all(&framed(answer(&other, 1)));
        }
        Tcp::Hang => {
            while live() {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        Tcp::CloseEarly => {
            let r = framed(answer(&q, 1));
            let _ = c.write_all(&r[..5]);
            return;
        }
        Tcp::Answer(n) => {
            let _ = c.write_all(&framed(answer(&q, n)));
        }
    }
    // Keep the connection until the client closes it or the server stops.
    c.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    let mut sink = [0u8; 64];
    while live() {
        match c.read(&mut sink) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return,
        }
    }
}

/// Empty hosts, services and resolv.conf files, so that nothing but the fake servers answers.
struct Files {
    _dir: TempDir,
    hosts: String,
    empty: String,
}

impl Files {
    fn new() -> Files {
        let dir = TempDir::new("hostile");
        let hosts = dir.path("hosts");
        std::fs::write(&hosts, "192.0.2.50 files.baresock.test\n").unwrap();
        let empty = dir.path("empty");
        std::fs::write(&empty, "").unwrap();
        Files {
            hosts: hosts.to_str().unwrap().to_string(),
            empty: empty.to_str().unwrap().to_string(),
            _dir: dir,
        }
    }

    /// A resolver asking `servers` in turn, with these resolv.conf options.
    fn resolver(&self, servers: &[&Hostile], options: &str) -> Resolver<'_> {
        let mut c = ResolvConf::parse(format!("options {options}\n").as_bytes());
        c.clear_nameservers();
        for s in servers {
            assert!(c.add_nameserver(s.addr));
        }
        Resolver::new(
            c,
            Paths {
                hosts: &self.hosts,
                resolv_conf: &self.empty,
                services: &self.empty,
            },
        )
    }
}

fn stream() -> Hints {
    Hints {
        socket_type: Some(Type::STREAM),
        ..Hints::default()
    }
}

/// Looks `host` up, and fails the test if it took longer than `bound` (the configured
/// `timeout x attempts x servers`) plus two seconds of slack for a loaded machine.
fn timed_lookup(r: &Resolver<'_>, host: &str, bound: Duration) -> Result<Vec<AddrInfo>, Error> {
    let mut out = [AddrInfo::EMPTY; 64];
    let start = Instant::now();
    let result = r.lookup(Some(host), None, &stream(), &mut out);
    let took = start.elapsed();
    assert!(
        took < bound + Duration::from_secs(2),
        "{host}: took {took:?}, bound {bound:?}"
    );
    result.map(|l| l.results(&out).to_vec())
}

fn kind(e: Error) -> (LookupErrorKind, LookupCause) {
    match e {
        Error::Resolve(ResolveError::Lookup(r)) => (r.kind(), r.cause()),
        other => panic!("not a resolve error: {other:?}"),
    }
}

const ONE: Duration = Duration::from_secs(1);

// ---- (a) TC over UDP, then a reply dripped a byte at a time over TCP ----

#[test]
fn a_dripped_tcp_reply_ends_with_the_attempt() {
    let f = Files::new();
    let s = Hostile::start(Udp::Truncated, Tcp::Drip);
    let r = f.resolver(&[&s], "timeout:1 attempts:1");
    let e = timed_lookup(&r, "drip.baresock.test.", ONE).unwrap_err();
    assert_eq!(
        kind(e),
        (LookupErrorKind::TryAgain, LookupCause::TcpTimeout)
    );
    assert!(s.tcp_queries() >= 1);
}

#[test]
fn dripping_servers_bound_the_lookup_by_timeout_attempts_servers() {
    let f = Files::new();
    let (a, b) = (
        Hostile::start(Udp::Truncated, Tcp::Drip),
        Hostile::start(Udp::Truncated, Tcp::Drip),
    );
    let r = f.resolver(&[&a, &b], "timeout:1 attempts:2");
    let e = timed_lookup(&r, "drip2.baresock.test.", 4 * ONE).unwrap_err();
    assert_eq!(
        kind(e),
        (LookupErrorKind::TryAgain, LookupCause::TcpTimeout)
    );
    // Each attempt went to its server: two rounds over two servers.
    assert_eq!((a.udp_queries(), b.udp_queries()), (4, 4));
}

#[test]
fn a_dripped_reply_under_use_vc_ends_with_the_attempt() {
    let f = Files::new();
    let s = Hostile::start(Udp::Silent, Tcp::Drip);
    let r = f.resolver(&[&s], "timeout:1 attempts:1 use-vc");
    let e = timed_lookup(&r, "dripvc.baresock.test.", ONE).unwrap_err();
    assert_eq!(
        kind(e),
        (LookupErrorKind::TryAgain, LookupCause::TcpTimeout)
    );
    assert_eq!(s.udp_queries(), 0);
}

// ---- (b) wrong ids over UDP and over TCP ----

#[test]
fn wrong_ids_over_udp_are_no_reply() {
    let f = Files::new();
    let s = Hostile::start(Udp::WrongId, Tcp::Hang);
    let r = f.resolver(&[&s], "timeout:1 attempts:2");
    let e = timed_lookup(&r, "wrongid.baresock.test.", 2 * ONE).unwrap_err();
    assert_eq!(
        kind(e),
        (LookupErrorKind::TryAgain, LookupCause::NoReply { tries: 4 })
    );
    assert_eq!(s.tcp_queries(), 0);
}

#[test]
fn a_wrong_id_over_tcp_says_so() {
    let f = Files::new();
    let s = Hostile::start(Udp::Truncated, Tcp::WrongId);
    let r = f.resolver(&[&s], "timeout:1 attempts:1");
    let e = timed_lookup(&r, "wrongtcp.baresock.test.", ONE).unwrap_err();
    assert_eq!(kind(e), (LookupErrorKind::Failed, LookupCause::WrongId));
    assert_eq!(
        LookupCause::WrongId.to_string(),
        "a reply over TCP carried another query's id"
    );
    // The right id, another question: as wrong, and said so.
    let s = Hostile::start(Udp::Truncated, Tcp::WrongQuestion);
    let r = f.resolver(&[&s], "timeout:1 attempts:1");
    let e = timed_lookup(&r, "wrongq.baresock.test.", ONE).unwrap_err();
    assert_eq!(
        kind(e),
        (LookupErrorKind::Failed, LookupCause::WrongQuestion)
    );
}

// ---- (c) a silent server ----

#[test]
fn a_silent_server_is_no_reply_in_time() {
    let f = Files::new();
    let (a, b) = (
        Hostile::start(Udp::Silent, Tcp::Hang),
        Hostile::start(Udp::Silent, Tcp::Hang),
    );
    let r = f.resolver(&[&a, &b], "timeout:1 attempts:1");
    let e = timed_lookup(&r, "silent.baresock.test.", 2 * ONE).unwrap_err();
    assert_eq!(
        kind(e),
        (LookupErrorKind::TryAgain, LookupCause::NoReply { tries: 4 })
    );
}

// ---- (d) a TCP server that accepts and never answers ----

#[test]
fn a_tcp_server_that_never_answers_is_a_tcp_timeout() {
    let f = Files::new();
    let s = Hostile::start(Udp::Truncated, Tcp::Hang);
    let r = f.resolver(&[&s], "timeout:1 attempts:1");
    let e = timed_lookup(&r, "hang.baresock.test.", ONE).unwrap_err();
    assert_eq!(
        kind(e),
        (LookupErrorKind::TryAgain, LookupCause::TcpTimeout)
    );
    // Under use-vc, over two servers and two rounds.
    let t = Hostile::start(Udp::Silent, Tcp::Hang);
    let r = f.resolver(&[&s, &t], "timeout:1 attempts:2 use-vc");
    let e = timed_lookup(&r, "hangvc.baresock.test.", 4 * ONE).unwrap_err();
    assert_eq!(
        kind(e),
        (LookupErrorKind::TryAgain, LookupCause::TcpTimeout)
    );
}

#[test]
fn a_tcp_reply_cut_short_says_the_server_closed() {
    let f = Files::new();
    let s = Hostile::start(Udp::Truncated, Tcp::CloseEarly);
    let r = f.resolver(&[&s], "timeout:1 attempts:1");
    let e = timed_lookup(&r, "closed.baresock.test.", ONE).unwrap_err();
    assert_eq!(kind(e), (LookupErrorKind::TryAgain, LookupCause::TcpClosed));
}

#[test]
fn a_tcp_timeout_is_not_called_servfail() {
    let text = Error::Resolve(ResolveError::Lookup(baresock::resolve::LookupError::new(
        LookupErrorKind::TryAgain,
        LookupCause::TcpTimeout,
    )))
    .to_string();
    assert!(!text.contains("SERVFAIL"), "{text}");
    assert!(text.contains("TCP"), "{text}");
}

// ---- the buffer for a TCP reply ----

#[test]
fn a_tcp_reply_larger_than_the_buffer_is_a_named_error() {
    let f = Files::new();
    // 400 A records: 6.4 KiB and more, larger than the default buffer.
    let s = Hostile::start(Udp::Truncated, Tcp::Answer(400));
    let r = f.resolver(&[&s], "timeout:2 attempts:1");
    let v4 = Hints {
        family: Some(Family::INET),
        ..stream()
    };
    let mut out = [AddrInfo::EMPTY; 64];
    let e = r
        .lookup(Some("big.baresock.test."), None, &v4, &mut out)
        .unwrap_err();
    let (k, cause) = kind(e);
    assert_eq!(k, LookupErrorKind::Failed);
    match cause {
        LookupCause::ReplyTooLarge { len, room } => {
            assert!(usize::from(len) > TCP_REPLY_DEFAULT, "{len}");
            assert_eq!(usize::from(room), TCP_REPLY_DEFAULT);
        }
        other => panic!("{other:?}"),
    }
    // A buffer of the caller's takes any reply.
    let mut tcp = vec![0u8; TCP_REPLY_MAX];
    let found = r
        .lookup_with(Some("big.baresock.test."), None, &v4, &mut out, &mut tcp)
        .unwrap();
    assert_eq!(found.results(&out)[0].addr.ip(), V4);
    // And a small one fails by name, never cutting the reply.
    let mut small = [0u8; 100];
    let e = r
        .lookup_with(Some("big.baresock.test."), None, &v4, &mut out, &mut small)
        .unwrap_err();
    assert!(
        matches!(kind(e).1, LookupCause::ReplyTooLarge { room: 100, .. }),
        "{e:?}"
    );
}

// ---- timeout:0 ----

#[test]
fn timeout_zero_waits_a_second_as_glibc_does() {
    let f = Files::new();
    // A quick server, but not instant: each answer after 20 ms.
    let s = Hostile::start(Udp::AnswerAfter(Duration::from_millis(20)), Tcp::Hang);
    for options in ["timeout:0 attempts:1", "timeout:-3 attempts:1"] {
        let r = f.resolver(&[&s], options);
        assert_eq!(r.conf().timeout(), Duration::ZERO, "{options}");
        let got = timed_lookup(&r, "quick.baresock.test.", ONE).unwrap();
        let mut ips: Vec<_> = got.iter().map(|a| a.addr.ip()).collect();
        ips.sort();
        assert_eq!(
            ips,
            [IpAddr::V4(V4), IpAddr::V6(V6)],
            "{options}: both halves"
        );
    }
    // And a silent server under timeout:0 still costs a second per attempt, not nothing.
    let quiet = Hostile::start(Udp::Silent, Tcp::Hang);
    let r = f.resolver(&[&quiet], "timeout:0 attempts:1");
    let start = Instant::now();
    let e = timed_lookup(&r, "quiet.baresock.test.", ONE).unwrap_err();
    assert!(start.elapsed() >= Duration::from_millis(900));
    assert_eq!(kind(e).0, LookupErrorKind::TryAgain);
}

// ---- connect by name: the timeout bounds the lookup ----

#[test]
fn connect_with_a_timeout_bounds_the_lookup() {
    let f = Files::new();
    let s = Hostile::start(Udp::Silent, Tcp::Hang);
    // resolv.conf alone would allow 5 s x 2 attempts.
    let r = f.resolver(&[&s], "timeout:5 attempts:2");
    let start = Instant::now();
    let e = r
        .connect(
            "slow.baresock.test.",
            9,
            Some(Duration::from_millis(1500)),
            None,
        )
        .unwrap_err();
    let took = start.elapsed();
    assert_eq!(e, Error::Timeout);
    assert!(took >= Duration::from_millis(1400), "{took:?}");
    assert!(took < Duration::from_millis(1500) + 2 * ONE, "{took:?}");
    // A dripping TCP fallback too.
    let d = Hostile::start(Udp::Truncated, Tcp::Drip);
    let r = f.resolver(&[&d], "timeout:5 attempts:2");
    let start = Instant::now();
    let e = r
        .connect(
            "drip.baresock.test.",
            9,
            Some(Duration::from_millis(1500)),
            None,
        )
        .unwrap_err();
    assert_eq!(e, Error::Timeout);
    assert!(start.elapsed() < Duration::from_millis(1500) + 2 * ONE);
}

// ---- stack: every path in a thread of exactly `STACK_NEEDED` ----

/// The resolver's paths, each run once against its own fake server. Returns whether it gave
/// the answer it should.
const PATHS: [&str; 8] = [
    "hosts",
    "hosts_reverse",
    "udp",
    "tcp",
    "reverse_udp",
    "reverse_tcp",
    "connect_udp",
    "connect_tcp",
];

fn run_path(path: &str) {
    let f = Files::new();
    let udp = Hostile::start(Udp::AnswerAfter(Duration::ZERO), Tcp::Hang);
    let tcp = Hostile::start(Udp::Truncated, Tcp::Answer(1));
    let over_udp = f.resolver(&[&udp], "timeout:5 attempts:1");
    let over_tcp = f.resolver(&[&tcp], "timeout:5 attempts:1");
    let mut out = [AddrInfo::EMPTY; 8];
    let listener = baresock::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).unwrap();
    let port = listener.local_addr().unwrap().port();
    match path {
        "hosts" => {
            let l = over_udp
                .lookup(Some("files.baresock.test"), Some("80"), &stream(), &mut out)
                .unwrap();
            assert_eq!(l.results(&out)[0].addr.ip(), Ipv4Addr::new(192, 0, 2, 50));
            assert_eq!(udp.udp_queries(), 0);
        }
        "hosts_reverse" => {
            let n = over_udp.lookup_addr("192.0.2.50".parse().unwrap()).unwrap();
            assert_eq!(n.to_string(), "files.baresock.test");
        }
        "udp" | "tcp" => {
            let r = if path == "udp" { &over_udp } else { &over_tcp };
            let l = r
                .lookup(
                    Some("stack.baresock.test."),
                    Some("80"),
                    &stream(),
                    &mut out,
                )
                .unwrap();
            assert_eq!(l.len(), 2);
        }
        "reverse_udp" | "reverse_tcp" => {
            let r = if path == "reverse_udp" {
                &over_udp
            } else {
                &over_tcp
            };
            let n = r.lookup_addr("192.0.2.77".parse().unwrap()).unwrap();
            assert_eq!(n.to_string(), "ptr.baresock.test");
        }
        "connect_udp" | "connect_tcp" => {
            let r = if path == "connect_udp" {
                &over_udp
            } else {
                &over_tcp
            };
            let s = r
                .connect("loopback.baresock.test.", port, Some(5 * ONE), None)
                .unwrap();
            assert_eq!(s.peer_addr().unwrap().port(), port);
        }
        other => panic!("no path {other}"),
    }
    if path.ends_with("tcp") {
        assert!(tcp.tcp_queries() >= 1, "{path}: asked over TCP");
    }
}

/// Runs `path` in a thread of `size` bytes of stack (the fake servers run in threads of
/// their own, with the default stack).
fn run_in_thread(path: &'static str, size: usize) {
    std::thread::Builder::new()
        .stack_size(size)
        .spawn(move || run_path(path))
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn every_path_runs_in_a_thread_of_stack_needed() {
    for path in PATHS {
        run_in_thread(path, baresock::resolve::STACK_NEEDED);
    }
}

/// Run by `measure_stack_per_path`, in a child process: runs the path and the stack size
/// given in `BARESOCK_STACK_PROBE` (`path:bytes`); an overflow kills the child. Without it,
/// every path in a thread of `STACK_NEEDED`.
#[test]
#[ignore = "run by measure_stack_per_path"]
fn stack_probe() {
    let Ok(probe) = std::env::var("BARESOCK_STACK_PROBE") else {
        return every_path_runs_in_a_thread_of_stack_needed();
    };
    let (path, size) = probe.split_once(':').unwrap();
    let path: &'static str = PATHS.iter().find(|p| **p == path).unwrap();
    run_in_thread(path, size.parse().unwrap());
}

/// Measures the least stack each path runs in (to 256 bytes), by running `stack_probe` in
/// child processes with ever closer sizes, and prints it. This is how `STACK_NEEDED` was
/// found: `cargo test --test resolve_hostile -- --ignored --nocapture measure_stack_per_path`,
/// and the same with `--release`.
#[test]
#[ignore = "a measurement: prints figures, takes a minute"]
fn measure_stack_per_path() {
    let exe = std::env::current_exe().unwrap();
    let fits = |path: &str, size: usize| {
        std::process::Command::new(&exe)
            .args(["--exact", "stack_probe", "--ignored", "--test-threads=1"])
            .env("BARESOCK_STACK_PROBE", format!("{path}:{size}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap()
            .success()
    };
    let mut most = 0;
    for path in PATHS {
        // The thread's own needs (its start, TLS) are included: that is what a caller has.
        // Below 16 KiB (PTHREAD_STACK_MIN) a thread gets that much whatever it asks.
        let (mut lo, mut hi) = (16 * 1024, 1 << 20);
        assert!(fits(path, hi), "{path} does not run in 1 MiB");
        if fits(path, lo) {
            println!("{path}: at most {lo} bytes (the least a thread gets)");
            most = most.max(lo);
            continue;
        }
        while hi - lo > 256 {
            let mid = (lo + hi) / 2;
            if fits(path, mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        println!("{path}: {hi} bytes");
        most = most.max(hi);
    }
    println!(
        "most: {most} bytes; STACK_NEEDED: {}",
        baresock::resolve::STACK_NEEDED
    );
    assert!(most <= baresock::resolve::STACK_NEEDED);
}
