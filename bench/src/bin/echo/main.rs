//! Serving many connections: a TCP echo server on one core, a load client on another.
//!
//! ```text
//! echo run <impl> <connections> <millis>   one measurement: starts `echo serve <impl>` pinned
//!                                          to the first allowed core, loads it from the second,
//!                                          prints one `key=value` line
//! echo serve <impl>                        the server alone: binds 127.0.0.1:0, prints
//!                                          `port=<n> pid=<pid>`, serves until killed
//! echo load <port> <connections> <millis>  the client alone, against a server started by
//!                                          hand (to profile one: `valgrind --tool=callgrind
//!                                          echo serve poller`, then `echo load`)
//! echo count <impl> <connections> <trips> <wrapper>...
//!                                          a fixed-length run for counting: starts `echo
//!                                          serve <impl>` under `<wrapper>` (`strace -c -f -o F`,
//!                                          `valgrind --tool=callgrind ...`), makes exactly
//!                                          <trips> round trips (every connection's last echo
//!                                          awaited), ends the server with SIGTERM (the wrapper
//!                                          then writes its counts), prints `round_trips=<trips>`
//! ```
//!
//! `<impl>` is one of [`IMPLS`]. Every server is a single-threaded event loop with the same
//! semantics: accept every pending connection (`TCP_NODELAY` on each), then per connection read
//! up to [`BUF`] bytes into its own buffer and write them back fully before the next read, until
//! the read would block (edge-triggered readiness: drained each time); a read of 0 or an error
//! closes the connection. The servers: [`srv_poller`] (baresock's poller), [`srv_async`]
//! (baresock's reactor under embassy-executor), [`srv_mio`], [`srv_tokio`]. A new one is one
//! `serve` function in a module of its own plus one arm in [`serve`] and one name in [`IMPLS`]
//! (and one entry in `xtask/src/bench/echo.rs`'s `IMPLS`).
//!
//! The client is the same for every server ([`client`]): one thread, `mio` (epoll,
//! edge-triggered), C connections each with ONE 64-byte message in flight (send, wait for the
//! whole echo, check every byte, send the next), for a warm-up then a fixed window (longer if fewer round trips than
//! connections were counted in it). Each round
//! trip's latency goes into a fixed log-linear histogram (no allocation in the loop). A wrong
//! echo, a closed connection, a short write or a connection without an answer for
//! [`STALL`] ends the run with a message and exit status 1.

mod srv_async;
mod srv_mio;
mod srv_poller;
mod srv_tokio;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token};

/// The servers, as `echo serve` and `echo run` name them.
pub const IMPLS: [&str; 4] = ["poller", "async", "mio", "tokio"];
/// Every server's per-connection buffer.
pub const BUF: usize = 4096;
/// The message each connection keeps in flight.
const MSG: usize = 64;
/// Connections the servers' slabs hold (the bench uses at most 1,000).
pub const MAX_CONNS: usize = 1024;

/// A connection of the event-loop servers (mio's and the poller's): its stream, its buffer,
/// and the bytes read and not yet written back, `buf[start..end]`.
pub struct Slot<S> {
    pub stream: Option<S>,
    pub buf: [u8; BUF],
    pub start: usize,
    pub end: usize,
}

/// [`MAX_CONNS`] free slots, allocated once before serving, and the free list of their indexes.
pub fn slab<S>() -> (Vec<Slot<S>>, Vec<usize>) {
    let slots = (0..MAX_CONNS)
        .map(|_| Slot {
            stream: None,
            buf: [0; BUF],
            start: 0,
            end: 0,
        })
        .collect();
    (slots, (0..MAX_CONNS).rev().collect())
}
/// The listen backlog, the same for every server (the listener is made here).
const BACKLOG: i32 = 1024;
/// How long a connection may wait for its echo before the run fails: long, as a pinned server
/// on a machine shared with other work was seen starved for over 2 s.
const STALL: Duration = Duration::from_secs(10);

fn usage() -> ! {
    eprintln!(
        "usage: echo run {} CONNECTIONS MILLIS\n       echo serve {}\n       \
         echo load PORT CONNECTIONS MILLIS\n       echo count {} CONNECTIONS TRIPS WRAPPER...",
        IMPLS.join("|"),
        IMPLS.join("|"),
        IMPLS.join("|")
    );
    std::process::exit(2)
}

fn num<T: std::str::FromStr>(s: &str) -> T {
    s.parse().unwrap_or_else(|_| usage())
}

/// Ends the process with a message: the xtask shows it and fails the row.
fn fail(what: impl std::fmt::Display) -> ! {
    eprintln!("echo: {what}");
    std::process::exit(1)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    raise_nofile();
    match args[..] {
        ["run", imp, conns, ms] if IMPLS.contains(&imp) => {
            if let Err(e) = run(imp, num(conns), Duration::from_millis(num(ms))) {
                fail(e)
            }
        }
        ["count", imp, conns, trips, ref wrap @ ..] if IMPLS.contains(&imp) && !wrap.is_empty() => {
            if let Err(e) = count(imp, num(conns), num(trips), wrap) {
                fail(e)
            }
        }
        ["serve", imp] if IMPLS.contains(&imp) => serve(imp),
        ["load", port, conns, ms] => {
            let (conns, window) = (num(conns), Duration::from_millis(num(ms)));
            let addr = SocketAddr::from(([127, 0, 0, 1], num(port)));
            let r = client(addr, conns, warm(window), window, STALL, u64::MAX)
                .unwrap_or_else(|e| fail(format!("{conns} connections: {e}")));
            report("load", conns, "no", &r);
        }
        _ => usage(),
    }
}

/// The soft limit of open files raised to the hard one (1,000 connections need 1,000 fds on
/// each side); the child server inherits it and raises it again itself.
fn raise_nofile() {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut lim = getrlimit(Resource::Nofile);
    if lim.current != lim.maximum {
        lim.current = lim.maximum;
        if let Err(e) = setrlimit(Resource::Nofile, lim) {
            fail(format!("cannot raise RLIMIT_NOFILE: {e}"));
        }
    }
}

/// The first two cores this process may run on: (server's, client's); `None` with one core.
fn cores() -> Option<(usize, usize)> {
    let set = rustix::thread::sched_getaffinity(None).ok()?;
    let mut allowed = (0..rustix::thread::CpuSet::MAX_CPU).filter(|&c| set.is_set(c));
    Some((allowed.next()?, allowed.next()?))
}

fn try_pin(cpu: usize) -> Result<(), String> {
    let mut set = rustix::thread::CpuSet::new();
    set.set(cpu);
    rustix::thread::sched_setaffinity(None, &set)
        .map_err(|e| format!("cannot pin to core {cpu}: {e}"))
}

/// `echo serve <impl>`: the listener made the same way for every server (socket2, backlog
/// [`BACKLOG`], non-blocking), its port on stdout, then the server's loop.
fn serve(imp: &str) {
    // Started by `echo run`: pinned, and gone with it even if it dies without killing us.
    if let Some(cpu) = std::env::var("ECHO_CPU").ok().and_then(|c| c.parse().ok()) {
        let death =
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::KILL));
        if let Err(e) = death.map_err(err).and_then(|()| try_pin(cpu)) {
            fail(e);
        }
    }
    let listener = listener().unwrap_or_else(|e| fail(format!("listener: {e}")));
    let port = listener.local_addr().map_or(0, |a| a.port());
    println!("port={port} pid={}", std::process::id());
    let _ = std::io::stdout().flush();
    let res = match imp {
        "mio" => srv_mio::serve(listener),
        "tokio" => srv_tokio::serve(listener),
        "poller" => srv_poller::serve(listener),
        "async" => srv_async::serve(listener),
        _ => usage(),
    };
    if let Err(e) = res {
        fail(format!("{imp} server: {e}"));
    }
}

fn listener() -> std::io::Result<TcpListener> {
    use socket2::{Domain, Socket, Type};
    let s = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    s.set_reuse_address(true)?;
    s.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
    s.listen(BACKLOG)?;
    s.set_nonblocking(true)?;
    Ok(s.into())
}

/// The server child, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `echo run`: the server on the first allowed core, this client on the second.
fn run(imp: &str, conns: usize, window: Duration) -> Result<(), String> {
    let cores = cores();
    let (server, addr, _) = start(imp, cores, &[])?;
    let r = client(addr, conns, warm(window), window, STALL, u64::MAX)
        .map_err(|e| format!("{imp}, {conns} connections: {e}"))?;
    let mut server = server;
    if let Ok(Some(status)) = server.0.try_wait() {
        return Err(format!("{imp} server exited: {status}"));
    }
    drop(server);
    let pinned = cores.map_or("no".into(), |(s, c)| format!("server:{s},client:{c}"));
    report(imp, conns, &pinned, &r);
    Ok(())
}

/// `echo count`: the server under `wrap`, pinned as in `echo run`, exactly `trips` round trips,
/// then SIGTERM to the server and a wait for the wrapper (it writes its counts as it ends).
fn count(imp: &str, conns: usize, trips: u64, wrap: &[&str]) -> Result<(), String> {
    if trips < conns as u64 {
        return Err(format!(
            "{trips} round trips are fewer than {conns} connections"
        ));
    }
    let cores = cores();
    let (mut server, addr, pid) = start(imp, cores, wrap)?;
    let forever = Duration::from_secs(24 * 3600);
    let r = client(addr, conns, Duration::ZERO, forever, STALL, trips)
        .map_err(|e| format!("{imp}, {conns} connections: {e}"))?;
    if let Ok(Some(status)) = server.0.try_wait() {
        return Err(format!("{imp} server exited: {status}"));
    }
    // The server (not the wrapper: strace keeps fatal signals blocked) ends on SIGTERM; the
    // wrapper writes its counts and ends too. One that hangs is killed with the run.
    let pid = rustix::process::Pid::from_raw(pid).ok_or("no server pid")?;
    rustix::process::kill_process(pid, rustix::process::Signal::TERM).map_err(err)?;
    let start = Instant::now();
    while server.0.try_wait().map_err(err)?.is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            return Err(format!("{} did not end on SIGTERM", wrap[0]));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    println!("impl={imp} conns={conns} round_trips={}", r.all);
    Ok(())
}

/// Starts `echo serve <imp>` (under `wrap`, if not empty) pinned to the server's core, and
/// pins this process to the client's; the server (the wrapper, if any), its address and the
/// pid of the server itself (under `strace`, the wrapper's child), once it printed them.
fn start(
    imp: &str,
    cores: Option<(usize, usize)>,
    wrap: &[&str],
) -> Result<(Server, SocketAddr, i32), String> {
    let exe = std::env::current_exe().map_err(err)?;
    let mut cmd = match wrap {
        [] => Command::new(&exe),
        [tool, args @ ..] => {
            let mut c = Command::new(tool);
            c.args(args).arg(&exe);
            c
        }
    };
    cmd.args(["serve", imp])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some((server, _)) = cores {
        cmd.env("ECHO_CPU", server.to_string());
    }
    // From here every way out kills the server (`Server`'s drop).
    let mut server = Server(cmd.spawn().map_err(err)?);
    if let Some((_, client)) = cores {
        try_pin(client)?;
    }
    let mut line = String::new();
    let out = server.0.stdout.take().ok_or("no stdout")?;
    if BufReader::new(out).read_line(&mut line).is_err() {
        return Err(format!("{imp} server did not start"));
    }
    let field = |k: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(k)?.strip_prefix('='))
            .and_then(|v| v.parse::<u32>().ok())
            .ok_or_else(|| format!("{imp} server did not start: {line:?}"))
    };
    let port = u16::try_from(field("port")?).map_err(err)?;
    let pid = i32::try_from(field("pid")?).map_err(err)?;
    Ok((server, SocketAddr::from(([127, 0, 0, 1], port)), pid))
}

/// The warm-up before the counted window: a fifth of it, at least 10 ms.
fn warm(window: Duration) -> Duration {
    (window / 5).max(Duration::from_millis(10))
}

/// The one line the xtask reads.
fn report(imp: &str, conns: usize, pinned: &str, r: &Outcome) {
    println!(
        "impl={imp} conns={conns} pinned={pinned} round_trips={} secs={:.6} rate={:.1} p50_us={:.2} p99_us={:.2} max_us={:.2} all_round_trips={}",
        r.count,
        r.secs,
        r.count as f64 / r.secs,
        r.hist.quantile(0.50) as f64 / 1e3,
        r.hist.quantile(0.99) as f64 / 1e3,
        r.hist.max as f64 / 1e3,
        r.all,
    );
}

/// One connection of the client.
struct Conn {
    stream: mio::net::TcpStream,
    /// The message in flight, and how much of its echo came back.
    msg: [u8; MSG],
    echo: [u8; MSG],
    got: usize,
    seq: u64,
    sent_at: Instant,
}

impl Conn {
    /// Sends the next message: its connection number, sequence number and a pattern of both.
    fn send(&mut self, id: usize, now: Instant) -> Result<(), String> {
        self.seq += 1;
        self.msg[..4].copy_from_slice(&(id as u32).to_le_bytes());
        self.msg[4..12].copy_from_slice(&self.seq.to_le_bytes());
        for (i, b) in self.msg[12..].iter_mut().enumerate() {
            *b = (id as u8) ^ (self.seq as u8) ^ (i as u8);
        }
        self.got = 0;
        self.sent_at = now;
        match self.stream.write(&self.msg) {
            Ok(MSG) => Ok(()),
            Ok(n) => Err(format!("connection {id}: short write ({n} of {MSG} bytes)")),
            Err(e) => Err(format!("connection {id}: write: {e}")),
        }
    }

    /// Reads what came back; `Ok(true)` when the whole echo is in and right.
    fn receive(&mut self, id: usize) -> Result<bool, String> {
        loop {
            match self.stream.read(&mut self.echo[self.got..]) {
                Ok(0) => return Err(format!("connection {id}: closed by the server")),
                Ok(n) => {
                    self.got += n;
                    if self.got < MSG {
                        continue;
                    }
                    if self.echo != self.msg {
                        return Err(format!(
                            "connection {id}: wrong echo of message {}: sent {:02x?}, got {:02x?}",
                            self.seq, self.msg, self.echo
                        ));
                    }
                    // One message in flight: the socket is empty now, and the next echo is a
                    // new edge (no read that would only say `WouldBlock`).
                    return Ok(true);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(false),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("connection {id}: read: {e}")),
            }
        }
    }
}

struct Outcome {
    /// Round trips in the counted window, and in all (warm-up too: what a profile of the
    /// server saw).
    all: u64,
    count: u64,
    secs: f64,
    hist: Histogram,
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Opens `conns` connections, then keeps one message in flight on each for `warm` (not
/// counted) and `window` (counted), and on past the window until `conns` round trips were
/// counted (a starved server on a loaded machine gives a slow figure, not none). Fails on a
/// wrong echo, a closed connection, a short write, or an echo that took `stall` or longer.
///
/// With `trips` not `u64::MAX` (at least `conns`), it sends `trips` messages in all, waits for
/// every echo, and ends there, whatever the window (a run of a fixed length for counting).
fn client(
    addr: SocketAddr,
    conns: usize,
    warm: Duration,
    window: Duration,
    stall: Duration,
    trips: u64,
) -> Result<Outcome, String> {
    let mut poll = Poll::new().map_err(err)?;
    let mut events = Events::with_capacity(1024);
    let mut all = Vec::with_capacity(conns);
    for id in 0..conns {
        let s = TcpStream::connect(addr).map_err(|e| format!("connect {id} of {conns}: {e}"))?;
        s.set_nodelay(true).map_err(err)?;
        s.set_nonblocking(true).map_err(err)?;
        let mut stream = mio::net::TcpStream::from_std(s);
        poll.registry()
            .register(&mut stream, Token(id), Interest::READABLE)
            .map_err(err)?;
        all.push(Conn {
            stream,
            msg: [0; MSG],
            echo: [0; MSG],
            got: 0,
            seq: 0,
            sent_at: Instant::now(),
        });
    }
    let mut hist = Histogram::new();
    let (mut count, mut all_trips) = (0u64, 0u64);
    let start = Instant::now();
    let (counted, end) = (start + warm, start + warm + window);
    for (id, c) in all.iter_mut().enumerate() {
        c.send(id, start)?;
    }
    let mut sent = conns as u64;
    loop {
        let now = Instant::now();
        if (now >= end && count >= conns as u64) || all_trips >= trips {
            break;
        }
        let left = end.checked_duration_since(now).unwrap_or(stall);
        poll.poll(&mut events, Some(left.min(stall))).map_err(err)?;
        if events.is_empty() {
            stalled(&all, Instant::now(), stall)?;
        }
        for ev in &events {
            let id = ev.token().0;
            let c = &mut all[id];
            if c.receive(id)? {
                all_trips += 1;
                let t = Instant::now();
                if t >= counted {
                    hist.record(t.duration_since(c.sent_at));
                    count += 1;
                }
                if sent < trips {
                    sent += 1;
                    c.send(id, t)?;
                } else {
                    // Out of the stall check: its echo came.
                    c.sent_at = Instant::now() + stall * 1000;
                }
            }
        }
    }
    let stop = Instant::now();
    stalled(&all, stop, stall)?;
    Ok(Outcome {
        all: all_trips,
        count,
        secs: stop.duration_since(counted).as_secs_f64().max(1e-9),
        hist,
    })
}

/// Fails when a connection has waited `stall` for its echo.
fn stalled(all: &[Conn], now: Instant, stall: Duration) -> Result<(), String> {
    match all
        .iter()
        .enumerate()
        .find(|(_, c)| now.saturating_duration_since(c.sent_at) >= stall)
    {
        Some((id, c)) => Err(format!(
            "connection {id}: no echo of message {} within {stall:?} ({} of {MSG} bytes back)",
            c.seq, c.got
        )),
        None => Ok(()),
    }
}

/// Log-linear histogram of nanoseconds: 32 buckets per power of two (within ~3 %), fixed size.
struct Histogram {
    buckets: Box<[u64; Histogram::LEN]>,
    n: u64,
    max: u64,
}

impl Histogram {
    const SUB: u32 = 5;
    const LEN: usize = (64 - Self::SUB as usize + 1) << Self::SUB;

    fn new() -> Self {
        Histogram {
            buckets: Box::new([0; Self::LEN]),
            n: 0,
            max: 0,
        }
    }

    fn index(ns: u64) -> usize {
        if ns < 1 << Self::SUB {
            return ns as usize;
        }
        let e = 63 - ns.leading_zeros();
        let m = (ns >> (e - Self::SUB)) & ((1 << Self::SUB) - 1);
        (((e - Self::SUB + 1) << Self::SUB) as u64 + m) as usize
    }

    /// The middle of a bucket's range.
    fn value(i: usize) -> u64 {
        let sub = 1usize << Self::SUB;
        if i < sub {
            return i as u64;
        }
        let e = (i >> Self::SUB) as u32 + Self::SUB - 1;
        let m = (i & (sub - 1)) as u64;
        let low = (sub as u64 + m) << (e - Self::SUB);
        low + (1u64 << (e - Self::SUB)) / 2
    }

    fn record(&mut self, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.buckets[Self::index(ns)] += 1;
        self.n += 1;
        self.max = self.max.max(ns);
    }

    /// The value below which a share `q` of the samples lie (0 without samples).
    fn quantile(&self, q: f64) -> u64 {
        let rank = ((self.n as f64 * q).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &b) in self.buckets.iter().enumerate() {
            seen += b;
            if seen >= rank {
                return Self::value(i).min(self.max);
            }
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_round_trip() {
        for ns in [
            0u64,
            1,
            31,
            32,
            33,
            63,
            64,
            100,
            1_000,
            12_345,
            1 << 40,
            u64::MAX,
        ] {
            let i = Histogram::index(ns);
            assert!(i < Histogram::LEN, "{ns}");
            let v = Histogram::value(i);
            assert!(
                v.abs_diff(ns) as f64 <= ns as f64 / 32.0 + 1.0,
                "{ns} -> {v}"
            );
        }
        let mut h = Histogram::new();
        for us in 1..=100u64 {
            h.record(Duration::from_micros(us));
        }
        let p99 = h.quantile(0.99) as f64 / 1e3;
        assert!((96.0..=102.0).contains(&p99), "{p99}");
        let p50 = h.quantile(0.5) as f64 / 1e3;
        assert!((48.0..=52.0).contains(&p50), "{p50}");
    }

    /// A one-connection server on a thread: echoes, echoes one byte wrong, never answers, or
    /// closes; the client's answer.
    fn against(mode: &'static str, stall_ms: u64) -> Result<Outcome, String> {
        against_for(mode, stall_ms, u64::MAX)
    }

    /// [`against`], ending after `trips` round trips (`u64::MAX`: after the window).
    fn against_for(mode: &'static str, stall_ms: u64, trips: u64) -> Result<Outcome, String> {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let t = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            let mut buf = [0u8; MSG];
            while s.read_exact(&mut buf).is_ok() {
                match mode {
                    "flip" => buf[40] ^= 1,
                    "silent" => continue,
                    "close" => return,
                    _ => {}
                }
                if s.write_all(&buf).is_err() {
                    return;
                }
            }
        });
        let ms = Duration::from_millis;
        let window = if trips == u64::MAX {
            ms(200)
        } else {
            ms(3_600_000)
        };
        let r = client(addr, 1, ms(10), window, ms(stall_ms), trips);
        drop(t);
        r
    }

    #[test]
    fn client_counts_right_echoes() {
        let r = against("echo", 2_000).unwrap();
        assert!(r.count > 0 && r.hist.n == r.count);
    }

    #[test]
    fn client_makes_exactly_the_round_trips_asked() {
        let r = against_for("echo", 2_000, 37).unwrap();
        assert_eq!(r.all, 37);
    }

    #[test]
    fn client_fails_loudly() {
        let wrong = against("flip", 2_000).err().unwrap();
        assert!(wrong.contains("wrong echo of message 1"), "{wrong}");
        let silent = against("silent", 50).err().unwrap();
        assert!(silent.contains("no echo of message 1 within"), "{silent}");
        let closed = against("close", 2_000).err().unwrap();
        assert!(closed.contains("closed by the server"), "{closed}");
    }
}
