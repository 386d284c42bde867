//! A real DNS server for the resolver tests: Debian's dnsmasq (`dnsmasq-base`, 2.89/2.90),
//! started in the foreground on a loopback address and port of its own with a zone the test
//! knows; plus two fake servers for what dnsmasq will not do: one that never answers
//! ([`SilentServer`]) and one that answers whatever a closure says, from whichever port
//! ([`Responder`]). [`wire`] builds and reads the few DNS messages the tests need, by hand.
//!
//! ```ignore
//! let dns = dnsmasq_or_skip!(&Zone::standard());
//! let reply = wire::query_udp(dns.addr(), &wire::query(7, WWW, wire::A, None)).unwrap();
//! ```
//!
//! The standard zone ([`Zone::standard`]), every case a resolver meets, with what dnsmasq 2.90
//! answered (checked by `tests/dnsmasq_fixture.rs`):
//!
//! | query | answer |
//! |---|---|
//! | [`WWW`] A / AAAA | NOERROR, AA, [`WWW_V4`] / [`WWW_V6`] (order rotates), TTL [`WWW_TTL`] |
//! | [`ALIAS`] A / AAAA | CNAME [`ALIAS`]→[`ALIAS2`] (TTL [`ALIAS_TTL`]), CNAME [`ALIAS2`]→[`TARGET`], then [`TARGET_V4`] / [`TARGET_V6`], all in one answer |
//! | [`MISSING`], any other name under [`DOMAIN`] or [`CORP`] | NXDOMAIN, no records (no SOA) |
//! | [`V4_ONLY`] AAAA, [`V6_ONLY`] A, [`WWW`] TXT | NOERROR, no records (no SOA) |
//! | [`SERVFAIL_NAME`] | SERVFAIL (relayed from an upstream that says so, at once) |
//! | [`REFUSED_NAME`], any name outside the zone | REFUSED (`--no-resolv`: no upstream) |
//! | [`BIG`] A without EDNS | TC, [`BIG_TC_ANSWERS`] of its [`BIG_COUNT`] records; over TCP or with EDNS all of them |
//! | PTR of [`WWW_V4`]/[`WWW_V6`] / [`PTR_ADDR`] / [`TARGET_V4`] | [`WWW`] / [`PTR_NAME`] / [`TARGET`]; [`NO_PTR_ADDR`]: NXDOMAIN |
//! | [`SHORT`] with [`SEARCH`] | `host.baresock.test` NXDOMAIN, [`SHORT_FQDN`] [`SHORT_V4`]; bare `host` A/AAAA NXDOMAIN |
//!
//! TTLs are [`LOCAL_TTL`] unless said. Names are answered in the case they were asked in.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::TempDir;

/// Why a test skips where dnsmasq is not installed (the tests never install it; `cargo xtask
/// test` does, as root).
pub const MISSING_DNSMASQ: &str =
    "dnsmasq is not installed; install it with: apt-get install dnsmasq-base";

/// The zone's own domain; `local=` makes dnsmasq answer NXDOMAIN for what it does not hold.
pub const DOMAIN: &str = "baresock.test";
/// The second search domain, which holds [`SHORT_FQDN`].
pub const CORP: &str = "corp.test";
/// The search list for the search-list case: [`SHORT`] is found under the second domain only.
pub const SEARCH: [&str; 2] = [DOMAIN, CORP];

/// TTL of every record without one of its own (`local-ttl`).
pub const LOCAL_TTL: u32 = 300;

/// Two A and two AAAA records, TTL [`WWW_TTL`]; the PTRs of these four addresses name it.
pub const WWW: &str = "www.baresock.test";
pub const WWW_V4: [Ipv4Addr; 2] = [Ipv4Addr::new(192, 0, 2, 1), Ipv4Addr::new(192, 0, 2, 2)];
pub const WWW_V6: [Ipv6Addr; 2] = [
    Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
    Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2),
];
pub const WWW_TTL: u32 = 3600;

/// CNAME chain: [`ALIAS`] → [`ALIAS2`] → [`TARGET`], which has one A and one AAAA.
pub const ALIAS: &str = "alias.baresock.test";
/// TTL of the first CNAME (the second has [`LOCAL_TTL`]).
pub const ALIAS_TTL: u32 = 600;
pub const ALIAS2: &str = "alias2.baresock.test";
pub const TARGET: &str = "target.baresock.test";
pub const TARGET_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 10);
pub const TARGET_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10);

/// An A record and no AAAA: AAAA gets NOERROR with no records.
pub const V4_ONLY: &str = "v4only.baresock.test";
pub const V4_ONLY_ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 3);
/// An AAAA record and no A: A gets NOERROR with no records.
pub const V6_ONLY: &str = "v6only.baresock.test";
pub const V6_ONLY_ADDR: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 6);

/// Not in the zone: NXDOMAIN.
pub const MISSING: &str = "missing.baresock.test";
/// Forwarded to an upstream (a [`Responder`] the fixture runs) that answers SERVFAIL.
pub const SERVFAIL_NAME: &str = "fail.servfail.test";
/// Outside every local domain, and dnsmasq has no upstream for it: REFUSED.
pub const REFUSED_NAME: &str = "refused.example";

/// [`BIG_COUNT`] A records (198.51.100.1 to .40, see [`big_v4`]): 675 bytes, more than UDP's
/// 512 without EDNS.
pub const BIG: &str = "big.baresock.test";
pub const BIG_COUNT: usize = 40;
/// How many of them dnsmasq 2.90 puts in the truncated (TC) UDP reply without EDNS.
pub const BIG_TC_ANSWERS: usize = 29;

/// An address with a PTR record of its own (`ptr-record`) naming [`PTR_NAME`], which has no
/// address.
pub const PTR_ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 99);
pub const PTR_NAME: &str = "ptr.baresock.test";
/// In the zone's reverse range with no PTR: NXDOMAIN (the same for any other address of
/// 192.0.2.0/24 and 2001:db8::/32 the zone does not name).
pub const NO_PTR_ADDR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 200);

/// The search-list case: `host` is only `host.corp.test` (the second domain of [`SEARCH`]).
pub const SHORT: &str = "host";
pub const SHORT_FQDN: &str = "host.corp.test";
pub const SHORT_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 30);

/// The addresses of [`BIG`], in order (dnsmasq answers them in another).
pub fn big_v4() -> Vec<Ipv4Addr> {
    (1..=BIG_COUNT as u8)
        .map(|i| Ipv4Addr::new(198, 51, 100, i))
        .collect()
}

/// In a zone line, stands for the address of an upstream that answers SERVFAIL to everything
/// (`server=/servfail.test/{servfail-upstream}`); the fixture starts it when a line uses it.
pub const SERVFAIL_UPSTREAM: &str = "{servfail-upstream}";

/// The zone dnsmasq serves: lines of its configuration file (dnsmasq(8)'s long options without
/// the dashes). The fixture adds its own for where to listen and what not to read.
#[derive(Clone, Debug, Default)]
pub struct Zone {
    pub lines: Vec<String>,
}

impl Zone {
    /// Nothing but what the fixture adds: every query is REFUSED.
    pub fn empty() -> Zone {
        Zone::default()
    }

    /// Every case of the table in this module's documentation.
    pub fn standard() -> Zone {
        let mut z = Zone::empty()
            .line(format!("local-ttl={LOCAL_TTL}"))
            // Bare names (A, AAAA) are NXDOMAIN, not forwarded (there is nowhere to).
            .line("domain-needed")
            .line(format!("local=/{DOMAIN}/"))
            .line(format!("local=/{CORP}/"))
            .line("local=/2.0.192.in-addr.arpa/")
            .line("local=/8.b.d.0.1.0.0.2.ip6.arpa/");
        for (v4, v6) in WWW_V4.iter().zip(WWW_V6.iter()) {
            z = z.line(format!("host-record={WWW},{v4},{v6},{WWW_TTL}"));
        }
        z = z
            .line(format!("host-record={TARGET},{TARGET_V4},{TARGET_V6}"))
            // `cname=` needs its target known locally.
            .line(format!("cname={ALIAS},{ALIAS2},{ALIAS_TTL}"))
            .line(format!("cname={ALIAS2},{TARGET}"))
            .line(format!("host-record={V4_ONLY},{V4_ONLY_ADDR}"))
            .line(format!("host-record={V6_ONLY},{V6_ONLY_ADDR}"))
            .line(format!("host-record={SHORT_FQDN},{SHORT_V4}"))
            .line(format!(
                "ptr-record={},{PTR_NAME}",
                reverse_name(PTR_ADDR.into())
            ))
            .line(format!("server=/servfail.test/{SERVFAIL_UPSTREAM}"));
        for a in big_v4() {
            z = z.line(format!("host-record={BIG},{a}"));
        }
        z
    }

    /// One more configuration line.
    pub fn line(mut self, line: impl Into<String>) -> Zone {
        self.lines.push(line.into());
        self
    }
}

/// `d.c.b.a.in-addr.arpa` or the 32 nibbles of `ip6.arpa`.
pub fn reverse_name(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}.in-addr.arpa", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let mut s = String::new();
            for b in v6.octets().iter().rev() {
                s.push_str(&format!("{:x}.{:x}.", b & 0xf, b >> 4));
            }
            s + "ip6.arpa"
        }
    }
}

/// Where dnsmasq is: on `PATH`, else in `/usr/sbin` or `/sbin` (not on a non-root user's
/// `PATH` on Debian); `Err` is the skip reason.
pub fn dnsmasq_binary() -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|d| d.join("dnsmasq"))
        .find(|p| p.is_file())
        .ok_or_else(|| MISSING_DNSMASQ.to_string())
}

/// Starts dnsmasq with a zone, or prints `skipped: <reason>` and returns from the test where it
/// is not installed. Any other failure to start panics.
#[macro_export]
macro_rules! dnsmasq_or_skip {
    ($zone:expr) => {
        match $crate::common::dnsmasq::Dnsmasq::start($zone) {
            Ok(d) => d,
            Err(why) => skip!("{why}"),
        }
    };
}

/// A dnsmasq child process serving a [`Zone`] on UDP and TCP at [`Dnsmasq::addr`]; killed and
/// reaped when dropped, and killed too if the thread that started it ends first
/// (`PR_SET_PDEATHSIG`), so a test that dies leaves none behind.
pub struct Dnsmasq {
    child: Child,
    addr: SocketAddr,
    dir: TempDir,
    startup: Duration,
    _servfail_upstream: Option<Responder>,
}

impl Dnsmasq {
    /// Writes the configuration, starts dnsmasq on an address of 127/8 and a port free on both
    /// UDP and TCP, and returns once it answers a query. `Err` only where dnsmasq is not
    /// installed (the skip reason); a dnsmasq that will not start panics with its log.
    pub fn start(zone: &Zone) -> Result<Dnsmasq, String> {
        let bin = dnsmasq_binary()?;
        let mut last = String::new();
        for _ in 0..5 {
            match Self::try_start(&bin, zone) {
                Ok(d) => return Ok(d),
                // Another process took the port between our check and dnsmasq's bind.
                Err((log, true)) => last = log,
                Err((log, false)) => panic!("dnsmasq did not start:\n{log}"),
            }
        }
        panic!("dnsmasq found no free port:\n{last}")
    }

    /// `Err((log, worth retrying on another port))`.
    fn try_start(bin: &std::path::Path, zone: &Zone) -> Result<Dnsmasq, (String, bool)> {
        let ip = loopback_address();
        let port = free_port(ip).map_err(|e| (e, false))?;
        let addr = SocketAddr::new(ip.into(), port);
        let upstream = zone
            .lines
            .iter()
            .any(|l| l.contains(SERVFAIL_UPSTREAM))
            .then(|| Responder::start_on(SocketAddr::new(ip.into(), 0), servfail));
        let dir = TempDir::new("dnsmasq");
        let mut conf = format!(
            "# written by tests/common/dnsmasq.rs\n\
             no-resolv\nno-hosts\nno-negcache\nbind-interfaces\n\
             listen-address={ip}\nport={port}\n"
        );
        for l in &zone.lines {
            let l = match &upstream {
                Some(u) => l.replace(
                    SERVFAIL_UPSTREAM,
                    &format!("{}#{}", u.addr().ip(), u.addr().port()),
                ),
                None => l.clone(),
            };
            conf.push_str(&l);
            conf.push('\n');
        }
        let conf_path = dir.path("dnsmasq.conf");
        let log_path = dir.path("dnsmasq.log");
        std::fs::write(&conf_path, conf).map_err(|e| (e.to_string(), false))?;
        let log = std::fs::File::create(&log_path).map_err(|e| (e.to_string(), false))?;
        let mut cmd = Command::new(bin);
        cmd.arg(format!("--conf-file={}", conf_path.display()))
            // Not --no-daemon: that one answers TCP without forking, one connection at a time.
            .args([
                "--keep-in-foreground",
                "--pid-file=",
                // Root keeps root (no privilege drop to a user a sandbox may lack); anyone
                // else stays who they are.
                "--user=root",
                "--log-queries",
                "--log-facility=-",
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        {
            use std::os::unix::process::CommandExt;
            // SAFETY: prctl is async-signal-safe and touches nothing of this process's. Where
            // it fails (an emulator without it), Drop still kills dnsmasq.
            unsafe {
                cmd.pre_exec(|| {
                    let _ = rustix::process::set_parent_process_death_signal(Some(
                        rustix::process::Signal::KILL,
                    ));
                    Ok(())
                });
            }
        }
        let started = Instant::now();
        let child = cmd
            .spawn()
            .map_err(|e| (format!("{}: {e}", bin.display()), false))?;
        let mut d = Dnsmasq {
            child,
            addr,
            dir,
            startup: Duration::ZERO,
            _servfail_upstream: upstream,
        };
        let deadline = started + Duration::from_secs(5);
        let probe = UdpSocket::bind(SocketAddr::new(ip.into(), 0))
            .and_then(|s| s.connect(addr).map(|()| s))
            .and_then(|s| {
                s.set_read_timeout(Some(Duration::from_millis(20)))
                    .map(|()| s)
            })
            .map_err(|e| (e.to_string(), false))?;
        let query = wire::query(0x5eed, DOMAIN, wire::SOA, None);
        let mut buf = [0u8; 512];
        while Instant::now() < deadline {
            if let Ok(Some(status)) = d.child.try_wait() {
                let log = d.log();
                let in_use = log.contains("in use");
                return Err((format!("dnsmasq exited ({status}):\n{log}"), in_use));
            }
            let _ = probe.send(&query);
            if matches!(probe.recv(&mut buf), Ok(n) if n >= 12 && buf[..2] == [0x5e, 0xed]) {
                d.startup = started.elapsed();
                return Ok(d);
            }
        }
        Err((
            format!("dnsmasq did not answer on {addr} within 5 s:\n{}", d.log()),
            false,
        ))
    }

    /// Where it listens, UDP and TCP.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// From spawning to the first answer.
    pub fn startup(&self) -> Duration {
        self.startup
    }

    /// What it logged so far (every query, with `--log-queries`).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path("dnsmasq.log")).unwrap_or_default()
    }

    /// The configuration file it was given.
    pub fn config(&self) -> String {
        std::fs::read_to_string(self.dir.path("dnsmasq.conf")).unwrap_or_default()
    }
}

impl Drop for Dnsmasq {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// 127.53.P.N, P from this process's pid and N from a counter, so that tests and test
/// processes running at once each have their own; 127.0.0.1 where no other loopback address
/// can be bound.
fn loopback_address() -> Ipv4Addr {
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let ip = Ipv4Addr::new(127, 53, std::process::id() as u8, 1 + (n % 254) as u8);
    if UdpSocket::bind(SocketAddr::new(ip.into(), 0)).is_ok() {
        ip
    } else {
        Ipv4Addr::LOCALHOST
    }
}

/// A port free on `ip` for both UDP and TCP right now.
fn free_port(ip: Ipv4Addr) -> Result<u16, String> {
    for _ in 0..20 {
        let udp = UdpSocket::bind(SocketAddr::new(ip.into(), 0)).map_err(|e| e.to_string())?;
        let port = udp.local_addr().map_err(|e| e.to_string())?.port();
        if TcpListener::bind(SocketAddr::new(ip.into(), port)).is_ok() {
            return Ok(port);
        }
    }
    Err(format!("no port free for both UDP and TCP on {ip}"))
}

/// The upstream behind [`SERVFAIL_UPSTREAM`].
fn servfail(request: &[u8]) -> Vec<Reply> {
    vec![Reply::new(wire::reply(request, wire::SERVFAIL))]
}

/// A UDP socket (and a TCP listener on the same port where it is free) on loopback that
/// never answers: queries to it time out. The TCP listener never accepts, but the kernel
/// completes connections into its backlog, so a TCP query connects and then hears nothing.
pub struct SilentServer {
    udp: UdpSocket,
    _tcp: Option<TcpListener>,
    seen: std::cell::Cell<usize>,
}

impl SilentServer {
    /// On 127.0.0.1, a free port.
    pub fn new() -> SilentServer {
        SilentServer::on("127.0.0.1:0".parse().unwrap())
    }

    pub fn on(addr: SocketAddr) -> SilentServer {
        let udp = UdpSocket::bind(addr).expect("binding the silent server");
        let at = udp.local_addr().unwrap();
        udp.set_nonblocking(true).unwrap();
        SilentServer {
            _tcp: TcpListener::bind(at).ok(),
            udp,
            seen: 0.into(),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.udp.local_addr().unwrap()
    }

    /// How many datagrams have reached it so far (for counting a resolver's tries).
    pub fn received(&self) -> usize {
        let mut buf = [0u8; 1500];
        while self.udp.recv(&mut buf).is_ok() {
            self.seen.set(self.seen.get() + 1);
        }
        self.seen.get()
    }
}

impl Default for SilentServer {
    fn default() -> Self {
        SilentServer::new()
    }
}

/// One datagram a [`Responder`] sends back.
#[derive(Clone, Debug)]
pub struct Reply {
    pub bytes: Vec<u8>,
    /// Sent from another port of the same address (a reply the resolver must not take).
    pub other_port: bool,
    /// Waited before sending it (after the replies before it).
    pub delay: Duration,
}

impl Reply {
    pub fn new(bytes: Vec<u8>) -> Reply {
        Reply {
            bytes,
            other_port: false,
            delay: Duration::ZERO,
        }
    }

    pub fn via_other_port(mut self) -> Reply {
        self.other_port = true;
        self
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

type Handler = Box<dyn FnMut(&[u8]) -> Vec<Reply> + Send>;

/// A programmable UDP server on a thread: each datagram received goes to the closure, and the
/// replies it returns are sent to the sender in order, each after its delay, from the server's
/// port or another. Stops when dropped.
///
/// ```ignore
/// // A reply with the wrong ID first, then the right one.
/// let r = Responder::start(|q| vec![
///     Reply::new(wire::with_id(wire::reply(q, wire::NOERROR), wire::id(q) ^ 1)),
///     Reply::new(wire::reply_a(q, &[WWW_V4[0]], 60)),
/// ]);
/// ```
pub struct Responder {
    addr: SocketAddr,
    queries: Arc<Mutex<Vec<Vec<u8>>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Responder {
    /// On 127.0.0.1, a free port.
    pub fn start(handler: impl FnMut(&[u8]) -> Vec<Reply> + Send + 'static) -> Responder {
        Responder::start_on("127.0.0.1:0".parse().unwrap(), handler)
    }

    pub fn start_on(
        addr: SocketAddr,
        handler: impl FnMut(&[u8]) -> Vec<Reply> + Send + 'static,
    ) -> Responder {
        let socket = UdpSocket::bind(addr).expect("binding the responder");
        let addr = socket.local_addr().unwrap();
        let other = UdpSocket::bind(SocketAddr::new(addr.ip(), 0)).expect("binding its other port");
        socket
            .set_read_timeout(Some(Duration::from_millis(20)))
            .unwrap();
        let queries = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (q, s) = (queries.clone(), stop.clone());
        let mut handler: Handler = Box::new(handler);
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while !s.load(Ordering::Relaxed) {
                let Ok((n, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                q.lock().unwrap().push(buf[..n].to_vec());
                for r in handler(&buf[..n]) {
                    if !r.delay.is_zero() {
                        std::thread::sleep(r.delay);
                    }
                    let via = if r.other_port { &other } else { &socket };
                    let _ = via.send_to(&r.bytes, from);
                }
            }
        });
        Responder {
            addr,
            queries,
            stop,
            thread: Some(thread),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every datagram received so far, in order.
    pub fn queries(&self) -> Vec<Vec<u8>> {
        self.queries.lock().unwrap().clone()
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// DNS messages by hand (RFC 1035), just what the fixture and its tests need.
pub mod wire {
    use super::*;

    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const PTR: u16 = 12;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const AAAA: u16 = 28;
    pub const OPT: u16 = 41;
    pub const IN: u16 = 1;

    pub const NOERROR: u8 = 0;
    pub const FORMERR: u8 = 1;
    pub const SERVFAIL: u8 = 2;
    pub const NXDOMAIN: u8 = 3;
    pub const NOTIMP: u8 = 4;
    pub const REFUSED: u8 = 5;

    /// `name` in wire form (no compression), the root label included.
    pub fn encode_name(name: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for label in name
            .trim_end_matches('.')
            .split('.')
            .filter(|l| !l.is_empty())
        {
            assert!(label.len() < 64, "label too long: {label}");
            out.push(label.len() as u8);
            out.extend_from_slice(label.as_bytes());
        }
        out.push(0);
        out
    }

    /// A recursive query (RD) for one question; with `edns` an OPT record giving that UDP
    /// payload size.
    pub fn query(id: u16, name: &str, qtype: u16, edns: Option<u16>) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&id.to_be_bytes());
        m.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, u8::from(edns.is_some())]);
        m.extend_from_slice(&encode_name(name));
        m.extend_from_slice(&qtype.to_be_bytes());
        m.extend_from_slice(&IN.to_be_bytes());
        if let Some(size) = edns {
            m.push(0);
            m.extend_from_slice(&OPT.to_be_bytes());
            m.extend_from_slice(&size.to_be_bytes());
            m.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        }
        m
    }

    /// The message's ID.
    pub fn id(msg: &[u8]) -> u16 {
        u16::from_be_bytes([msg[0], msg[1]])
    }

    /// The same message with another ID.
    pub fn with_id(mut msg: Vec<u8>, id: u16) -> Vec<u8> {
        msg[..2].copy_from_slice(&id.to_be_bytes());
        msg
    }

    /// The end of the first question (a request's question section is uncompressed).
    fn question_end(msg: &[u8]) -> usize {
        let mut p = 12;
        while msg[p] != 0 {
            p += 1 + msg[p] as usize;
        }
        p + 5
    }

    /// A reply to `request` with its ID, RD and question, QR and RA set, and `rcode`; no
    /// records.
    pub fn reply(request: &[u8], rcode: u8) -> Vec<u8> {
        let end = question_end(request);
        let mut m = request[..end].to_vec();
        m[2] = 0x80 | (request[2] & 0x01);
        m[3] = 0x80 | (rcode & 0x0f);
        m[6..12].fill(0);
        m
    }

    /// A NOERROR reply to `request` answering its question with these A records.
    pub fn reply_a(request: &[u8], addrs: &[Ipv4Addr], ttl: u32) -> Vec<u8> {
        let mut m = reply(request, NOERROR);
        for a in addrs {
            push_record(&mut m, A, ttl, &a.octets());
        }
        m
    }

    /// A NOERROR reply to `request` answering its question with these AAAA records.
    pub fn reply_aaaa(request: &[u8], addrs: &[Ipv6Addr], ttl: u32) -> Vec<u8> {
        let mut m = reply(request, NOERROR);
        for a in addrs {
            push_record(&mut m, AAAA, ttl, &a.octets());
        }
        m
    }

    /// Appends an answer record owned by the question's name (a pointer to offset 12).
    pub fn push_record(m: &mut Vec<u8>, rtype: u16, ttl: u32, rdata: &[u8]) {
        m.extend_from_slice(&[0xc0, 12]);
        m.extend_from_slice(&rtype.to_be_bytes());
        m.extend_from_slice(&IN.to_be_bytes());
        m.extend_from_slice(&ttl.to_be_bytes());
        m.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        m.extend_from_slice(rdata);
        let an = u16::from_be_bytes([m[6], m[7]]) + 1;
        m[6..8].copy_from_slice(&an.to_be_bytes());
    }

    /// A record's data, decoded where the tests look at it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum Data {
        A(Ipv4Addr),
        Aaaa(Ipv6Addr),
        /// CNAME, PTR, NS: a name, without the final dot.
        Name(String),
        Other(Vec<u8>),
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Record {
        pub name: String,
        pub rtype: u16,
        pub class: u16,
        pub ttl: u32,
        pub data: Data,
    }

    /// A parsed message: the header, the first question, and the answer section.
    #[derive(Clone, Debug)]
    pub struct Message {
        pub id: u16,
        pub qr: bool,
        pub aa: bool,
        pub tc: bool,
        pub rd: bool,
        pub ra: bool,
        pub rcode: u8,
        pub qdcount: u16,
        pub ancount: u16,
        pub nscount: u16,
        pub arcount: u16,
        pub question: Option<(String, u16, u16)>,
        pub answers: Vec<Record>,
    }

    impl Message {
        pub fn a(&self) -> Vec<Ipv4Addr> {
            let mut v: Vec<_> = self
                .answers
                .iter()
                .filter_map(|r| match r.data {
                    Data::A(a) => Some(a),
                    _ => None,
                })
                .collect();
            v.sort();
            v
        }

        pub fn aaaa(&self) -> Vec<Ipv6Addr> {
            let mut v: Vec<_> = self
                .answers
                .iter()
                .filter_map(|r| match r.data {
                    Data::Aaaa(a) => Some(a),
                    _ => None,
                })
                .collect();
            v.sort();
            v
        }

        /// The names in CNAME or PTR records, in answer order, as (owner, target).
        pub fn names(&self, rtype: u16) -> Vec<(String, String)> {
            self.answers
                .iter()
                .filter(|r| r.rtype == rtype)
                .filter_map(|r| match &r.data {
                    Data::Name(n) => Some((r.name.clone(), n.clone())),
                    _ => None,
                })
                .collect()
        }
    }

    /// A name at `pos`, following compression pointers; the name (lower case kept as sent,
    /// no final dot) and the offset after it.
    pub fn read_name(msg: &[u8], mut pos: usize) -> Result<(String, usize), String> {
        let mut labels = Vec::new();
        let mut end = None;
        for _ in 0..128 {
            let len = *msg.get(pos).ok_or("name past the end")? as usize;
            match len {
                0 => {
                    return Ok((labels.join("."), end.unwrap_or(pos + 1)));
                }
                l if l & 0xc0 == 0xc0 => {
                    let lo = *msg.get(pos + 1).ok_or("pointer past the end")? as usize;
                    end.get_or_insert(pos + 2);
                    pos = ((l & 0x3f) << 8) | lo;
                }
                l if l < 64 => {
                    let label = msg.get(pos + 1..pos + 1 + l).ok_or("label past the end")?;
                    labels.push(String::from_utf8_lossy(label).into_owned());
                    pos += 1 + l;
                }
                _ => return Err(format!("bad label length byte {len:#x}")),
            }
        }
        Err("compression loop".into())
    }

    fn u16_at(msg: &[u8], p: usize) -> Result<u16, String> {
        msg.get(p..p + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "message cut short".into())
    }

    pub fn parse(msg: &[u8]) -> Result<Message, String> {
        if msg.len() < 12 {
            return Err(format!("{} bytes, shorter than a header", msg.len()));
        }
        let count = |i: usize| u16::from_be_bytes([msg[4 + 2 * i], msg[5 + 2 * i]]);
        let mut m = Message {
            id: id(msg),
            qr: msg[2] & 0x80 != 0,
            aa: msg[2] & 0x04 != 0,
            tc: msg[2] & 0x02 != 0,
            rd: msg[2] & 0x01 != 0,
            ra: msg[3] & 0x80 != 0,
            rcode: msg[3] & 0x0f,
            qdcount: count(0),
            ancount: count(1),
            nscount: count(2),
            arcount: count(3),
            question: None,
            answers: Vec::new(),
        };
        let mut p = 12;
        for i in 0..m.qdcount {
            let (name, next) = read_name(msg, p)?;
            let q = (name, u16_at(msg, next)?, u16_at(msg, next + 2)?);
            if i == 0 {
                m.question = Some(q);
            }
            p = next + 4;
        }
        for _ in 0..m.ancount {
            let (name, next) = read_name(msg, p)?;
            let rtype = u16_at(msg, next)?;
            let class = u16_at(msg, next + 2)?;
            let ttl = (u32::from(u16_at(msg, next + 4)?) << 16) | u32::from(u16_at(msg, next + 6)?);
            let len = u16_at(msg, next + 8)? as usize;
            let start = next + 10;
            let rdata = msg
                .get(start..start + len)
                .ok_or("record data past the end")?;
            let data = match (rtype, len) {
                (A, 4) => Data::A(Ipv4Addr::from(<[u8; 4]>::try_from(rdata).unwrap())),
                (AAAA, 16) => Data::Aaaa(Ipv6Addr::from(<[u8; 16]>::try_from(rdata).unwrap())),
                (CNAME | PTR | NS, _) => Data::Name(read_name(msg, start)?.0),
                _ => Data::Other(rdata.to_vec()),
            };
            m.answers.push(Record {
                name,
                rtype,
                class,
                ttl,
                data,
            });
            p = start + len;
        }
        Ok(m)
    }

    /// Sends a query over UDP from a loopback port of its own and returns the first datagram
    /// with its ID (up to 3 tries, 1 s each).
    pub fn query_udp(server: SocketAddr, query: &[u8]) -> Result<Vec<u8>, String> {
        let local: SocketAddr = if server.is_ipv4() {
            "127.0.0.1:0".parse().unwrap()
        } else {
            "[::1]:0".parse().unwrap()
        };
        let s = UdpSocket::bind(local).map_err(|e| e.to_string())?;
        s.connect(server).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(1)))
            .map_err(|e| e.to_string())?;
        let mut buf = vec![0u8; 65536];
        for _ in 0..3 {
            s.send(query).map_err(|e| e.to_string())?;
            while let Ok(n) = s.recv(&mut buf) {
                if n >= 2 && buf[..2] == query[..2] {
                    return Ok(buf[..n].to_vec());
                }
            }
        }
        Err(format!("no answer from {server} over UDP"))
    }

    /// Sends a query over TCP (two-byte length prefix) and returns the reply.
    pub fn query_tcp(server: SocketAddr, query: &[u8]) -> Result<Vec<u8>, String> {
        let mut s = TcpStream::connect_timeout(&server, Duration::from_secs(3))
            .map_err(|e| format!("connecting to {server}: {e}"))?;
        s.set_read_timeout(Some(Duration::from_secs(3)))
            .map_err(|e| e.to_string())?;
        let mut framed = (query.len() as u16).to_be_bytes().to_vec();
        framed.extend_from_slice(query);
        s.write_all(&framed).map_err(|e| e.to_string())?;
        let mut len = [0u8; 2];
        s.read_exact(&mut len)
            .map_err(|e| format!("reading the length: {e}"))?;
        let mut reply = vec![0u8; u16::from_be_bytes(len) as usize];
        s.read_exact(&mut reply)
            .map_err(|e| format!("reading the reply: {e}"))?;
        Ok(reply)
    }
}
