//! The load benchmarks `cargo xtask bench` runs, one measurement per process; each prints one
//! line of `key=value` pairs for the xtask to read.
//!
//! ```text
//! tput udp <mode> <senders> <millis>      loopback UDP throughput
//! tput capture <method> <pps> <millis>    capture on a veth in a network namespace (root)
//! tput resolve <lookups>                  lookup latency against a local dnsmasq (root)
//! tput resolve-side <impl> <lookups>      one side of it, run by `resolve` in a mount namespace
//! ```

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, ToSocketAddrs, UdpSocket as StdUdp};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use baresock::msg::{RecvEntry, SendEntry};
use baresock::packet::{ether, PacketKind, RingConfig, RxRing};
use baresock::{Error, IoSliceMut, LinkAddr, PacketSocket, RecvFlags, SendFlags, UdpSocket};

/// How long a receiver waits for more before it counts the run as over.
const IDLE: Duration = Duration::from_millis(200);

fn usage() -> ! {
    eprintln!(
        "usage: tput udp std|std-1200|baresock|mmsg|gso SENDERS MILLIS\n       \
         tput capture ring|recvfrom|tcpdump PPS MILLIS\n       \
         tput resolve LOOKUPS\n       tput resolve-side glibc|baresock|baresock-kept LOOKUPS"
    );
    std::process::exit(2)
}

fn num<T: std::str::FromStr>(s: &str) -> T {
    s.parse().unwrap_or_else(|_| usage())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args[..] {
        ["udp", mode, senders, ms] => udp(mode, num(senders), ms_arg(ms)),
        ["capture", method, pps, ms] => capture(method, num(pps), ms_arg(ms)),
        ["resolve", n] => resolve(num(n)),
        ["resolve-side", side, n] => resolve_side(side, num(n)),
        _ => usage(),
    }
}

fn ms_arg(s: &str) -> Duration {
    Duration::from_millis(num(s))
}

// ---------------------------------------------------------------------------------------------
// UDP throughput on loopback

/// Payload bytes per datagram, datagrams per send call.
fn shape(mode: &str) -> (usize, usize) {
    match mode {
        "std" | "baresock" => (64, 1),
        "mmsg" => (64, 32),
        "std-1200" => (1200, 1),
        "gso" => (1200, GSO_SEGMENTS),
        _ => usage(),
    }
}

/// Segments per GSO send: 38,400 bytes in one system call.
const GSO_SEGMENTS: usize = 32;

/// `senders` threads send to one receiver for `window`; prints what was sent and received.
fn udp(mode: &str, senders: usize, window: Duration) {
    let (len, _) = shape(mode);
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicU64::new(0));
    let rx = UdpSocket::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap()).unwrap();
    let to = rx.local_addr().unwrap();
    let receiver = {
        let mode = mode.to_string();
        thread::spawn(move || receive(&mode, rx, len))
    };
    let threads: Vec<_> = (0..senders)
        .map(|_| {
            let (stop, sent, mode) = (stop.clone(), sent.clone(), mode.to_string());
            thread::spawn(move || {
                let n = send(&mode, to, len, &stop);
                sent.fetch_add(n, Ordering::Relaxed);
            })
        })
        .collect();
    thread::sleep(window);
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let (received, bytes, busy) = receiver.join().unwrap();
    let sent = sent.load(Ordering::Relaxed);
    println!(
        "sent={sent} received={received} bytes={bytes} secs={:.6}",
        busy.as_secs_f64()
    );
}

/// Sends until told to stop; returns how many datagrams went out.
fn send(mode: &str, to: SocketAddr, len: usize, stop: &AtomicBool) -> u64 {
    let payload = vec![0x5au8; len * GSO_SEGMENTS];
    let mut n = 0u64;
    match mode {
        "std" | "std-1200" => {
            let s = StdUdp::bind("127.0.0.1:0").unwrap();
            while !stop.load(Ordering::Relaxed) {
                if s.send_to(&payload[..len], to).is_ok() {
                    n += 1;
                }
            }
        }
        "baresock" => {
            let s = UdpSocket::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap()).unwrap();
            let to = baresock::SockAddr::from(to);
            while !stop.load(Ordering::Relaxed) {
                if s.send_to(&payload[..len], to).is_ok() {
                    n += 1;
                }
            }
        }
        "mmsg" => {
            let s = UdpSocket::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap()).unwrap();
            let mut batch = [SendEntry::new(&payload[..len]).to(to); 32];
            while !stop.load(Ordering::Relaxed) {
                if let Ok(k) = s.as_socket().send_mmsg(&mut batch, SendFlags::empty()) {
                    n += k as u64;
                }
            }
        }
        "gso" => {
            let s = UdpSocket::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap()).unwrap();
            s.as_socket().set_udp_segment(len as u16).unwrap();
            let to = baresock::SockAddr::from(to);
            while !stop.load(Ordering::Relaxed) {
                if s.send_to(&payload, to).is_ok() {
                    n += GSO_SEGMENTS as u64;
                }
            }
        }
        _ => usage(),
    }
    n
}

/// Receives until nothing came for [`IDLE`]; returns datagrams, payload bytes, and the time
/// from the start to the last datagram.
fn receive(mode: &str, s: UdpSocket, len: usize) -> (u64, u64, Duration) {
    let start = Instant::now();
    let (mut count, mut bytes, mut last) = (0u64, 0u64, Duration::ZERO);
    let mut buf = vec![0u8; 65536];
    // Every mode waits the same way, as std does: blocking, with the kernel's SO_RCVTIMEO
    // (deadline mode would add a poll each time the queue runs empty).
    s.set_timeout(None).unwrap();
    s.as_socket().set_kernel_recv_timeout(Some(IDLE)).unwrap();
    match mode {
        "std" | "std-1200" => {
            let s: StdUdp = std::os::fd::OwnedFd::from(s).into();
            s.set_nonblocking(false).unwrap();
            s.set_read_timeout(Some(IDLE)).unwrap();
            while let Ok((n, _)) = s.recv_from(&mut buf) {
                count += 1;
                bytes += n as u64;
                last = start.elapsed();
            }
        }
        "baresock" => {
            while let Ok((n, _)) = s.recv_from(&mut buf) {
                count += 1;
                bytes += n as u64;
                last = start.elapsed();
            }
        }
        "mmsg" => {
            let mut bufs = vec![[0u8; 2048]; 32];
            let mut entries: Vec<RecvEntry<'_>> = bufs
                .iter_mut()
                .map(|b| RecvEntry::new(&mut b[..]))
                .collect();
            while let Ok(k) = s.as_socket().recv_mmsg(&mut entries, RecvFlags::empty()) {
                count += k as u64;
                bytes += entries[..k].iter().map(|e| e.bytes() as u64).sum::<u64>();
                last = start.elapsed();
            }
        }
        "gso" => {
            s.as_socket().set_udp_gro(true).unwrap();
            let mut control = [0u8; 64];
            loop {
                let mut bufs = [IoSliceMut::new(&mut buf)];
                let Ok(m) = s
                    .as_socket()
                    .recv_msg(&mut bufs, &mut control, RecvFlags::empty())
                else {
                    break;
                };
                let n = m.bytes();
                let seg = m
                    .control()
                    .find_map(|c| match c {
                        baresock::msg::ControlMessage::GroSegmentSize(g) => Some(g as usize),
                        _ => None,
                    })
                    .unwrap_or(len);
                count += n.div_ceil(seg.max(1)) as u64;
                bytes += n as u64;
                last = start.elapsed();
            }
        }
        _ => usage(),
    }
    (count, bytes, last)
}

// ---------------------------------------------------------------------------------------------
// Capture on a veth pair in a network namespace

const FRAME_LEN: usize = 64;
const BATCH: usize = 32;

/// Makes this process's own network namespace with `bs0`/`bs1` up (IPv6 off, so nothing but
/// the sender's frames crosses); returns the two indexes.
fn veth_namespace() -> Result<(u32, u32), String> {
    // SAFETY: called while the process has one thread; every thread and child made later
    // lives in the new namespace, which goes away with the process.
    unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNET) }
        .map_err(|e| format!("unshare(CLONE_NEWNET): {e}"))?;
    for f in ["all", "default"] {
        let _ = std::fs::write(format!("/proc/sys/net/ipv6/conf/{f}/disable_ipv6"), "1");
    }
    let mut buf = vec![0u8; baresock::netlink::RECOMMENDED_BUFFER];
    let mut nl = baresock::netlink::route::Rtnl::new(&mut buf).map_err(|e| e.to_string())?;
    nl.new_link(&baresock::netlink::route::NewLink::veth("bs0", "bs1"))
        .map_err(|e| format!("creating a veth pair: {e}"))?;
    let index = |n: &str| baresock::interface_index(n).map_err(|e| e.to_string());
    for n in ["lo", "bs0", "bs1"] {
        nl.set_up(index(n)?).map_err(|e| format!("link up: {e}"))?;
    }
    Ok((index("bs0")?, index("bs1")?))
}

/// Sends 64-byte frames out of `bs0` at `pps`, in batches of 32 (`send_mmsg`) each sent when
/// its time comes, for `window`; returns how many went out and the rate achieved.
fn sender(i0: u32, dst: [u8; 6], pps: u64, window: Duration) -> (u64, f64) {
    let s = PacketSocket::new(PacketKind::Raw, ether::EXPERIMENTAL).unwrap();
    let to = LinkAddr::new(i0, ether::EXPERIMENTAL);
    let mut frame = [0u8; FRAME_LEN];
    frame[..6].copy_from_slice(&dst);
    frame[6..12].copy_from_slice(&[0x02, 0, 0, 0, 0, 1]);
    frame[12..14].copy_from_slice(&ether::EXPERIMENTAL.to_be_bytes());
    let mut batch = [SendEntry::new(&frame).to(to); BATCH];
    let start = Instant::now();
    let total = (pps as f64 * window.as_secs_f64()) as u64;
    let mut sent = 0u64;
    while sent < total {
        let due = start + Duration::from_secs_f64(sent as f64 / pps as f64);
        let now = Instant::now();
        if due > now {
            thread::sleep(due - now);
        }
        let want = (total - sent).min(BATCH as u64) as usize;
        match s
            .as_socket()
            .send_mmsg(&mut batch[..want], SendFlags::empty())
        {
            Ok(k) => sent += k as u64,
            // The device queue is full: a short pause, then on.
            Err(_) => thread::sleep(Duration::from_micros(50)),
        }
    }
    (sent, sent as f64 / start.elapsed().as_secs_f64())
}

fn capture(method: &str, pps: u64, window: Duration) {
    let (i0, i1) = match veth_namespace() {
        Ok(x) => x,
        Err(why) => {
            println!("skipped={why}");
            return;
        }
    };
    let dst = {
        let s = PacketSocket::new(PacketKind::Raw, ether::ALL).unwrap();
        s.bind(LinkAddr::new(i1, ether::ALL)).unwrap();
        let a = s.local_addr().unwrap();
        <[u8; 6]>::try_from(a.address()).unwrap()
    };
    let done = Arc::new(AtomicBool::new(false));
    let start_sender = |done: Arc<AtomicBool>| {
        thread::spawn(move || {
            let r = sender(i0, dst, pps, window);
            done.store(true, Ordering::Relaxed);
            r
        })
    };
    // (captured, kernel drops)
    let (captured, drops, tx) = match method {
        "ring" | "recvfrom" => {
            let s = PacketSocket::new(PacketKind::Raw, ether::ALL).unwrap();
            s.bind(LinkAddr::new(i1, ether::ALL)).unwrap();
            s.set_timeout(Some(IDLE)).unwrap();
            let mut count = 0u64;
            if method == "ring" {
                // The memory libpcap takes by default (and tcpdump is given with -B 2048).
                let config = RingConfig {
                    block_size: 256 * 1024,
                    block_count: 8,
                    frame_size: 2048,
                    retire_timeout: Duration::from_millis(10),
                };
                let mut ring = RxRing::new(s, config).unwrap();
                let tx = start_sender(done.clone());
                loop {
                    match ring.next_block() {
                        Ok(block) => count += block.len() as u64,
                        Err(Error::Timeout) if done.load(Ordering::Relaxed) => break,
                        Err(Error::Timeout) => {}
                        Err(e) => panic!("ring: {e}"),
                    }
                }
                let st = ring.statistics().unwrap();
                (count, st.drops as u64, tx.join().unwrap())
            } else {
                let tx = start_sender(done.clone());
                let mut buf = [0u8; 2048];
                loop {
                    match s.recv_from(&mut buf) {
                        Ok(_) => count += 1,
                        Err(Error::Timeout) if done.load(Ordering::Relaxed) => break,
                        Err(Error::Timeout) => {}
                        Err(e) => panic!("recv_from: {e}"),
                    }
                }
                let st = s.statistics().unwrap();
                (count, st.drops as u64, tx.join().unwrap())
            }
        }
        "tcpdump" => {
            let mut child = match Command::new("tcpdump")
                .args(["-i", "bs1", "-n", "-B", "2048", "-w", "/dev/null"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
            {
                Ok(c) => c,
                Err(e) => {
                    println!("skipped=tcpdump: {e}");
                    return;
                }
            };
            let mut err = BufReader::new(child.stderr.take().unwrap());
            let mut line = String::new();
            // "listening on bs1, link-type EN10MB ...": the capture is open.
            while err.read_line(&mut line).unwrap_or(0) > 0 && !line.contains("listening on") {
                line.clear();
            }
            let tx = start_sender(done.clone()).join().unwrap();
            thread::sleep(IDLE);
            // SAFETY: kill(2) on our own child.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
            let mut rest = String::new();
            let _ = std::io::Read::read_to_string(&mut err, &mut rest);
            let _ = child.wait();
            let field = |what: &str| -> u64 {
                rest.lines()
                    .find(|l| l.contains(what))
                    .and_then(|l| l.split_whitespace().next())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("tcpdump said no `{what}`: {rest}"))
            };
            (field("packets captured"), field("dropped by kernel"), tx)
        }
        _ => usage(),
    };
    let (offered, rate) = tx;
    println!(
        "offered={offered} rate={rate:.0} captured={captured} kernel_drops={drops} secs={:.3}",
        window.as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------------
// Resolver latency

const NAME: &str = "bench.baresock.test";
/// dnsmasq's address: port 53, as resolv.conf allows no other.
const DNS_IP: &str = "127.77.0.53";

/// Starts dnsmasq on [`DNS_IP`]:53 with one name (an A and an AAAA record), then runs each
/// side in a mount namespace of its own whose /etc/resolv.conf names only that server
/// (`unshare -m`, a bind mount), in alternating rounds; prints min/median/max per side.
fn resolve(lookups: usize) {
    if !rustix::process::geteuid().is_root() {
        println!("skipped=dnsmasq on port 53 and mount namespaces need root");
        return;
    }
    let Some(dnsmasq) = ["/usr/sbin/dnsmasq", "/sbin/dnsmasq"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
    else {
        println!("skipped=dnsmasq is not installed (apt-get install dnsmasq-base)");
        return;
    };
    let dir = std::env::temp_dir().join(format!("baresock-bench-dns-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("dnsmasq.conf");
    let resolv = dir.join("resolv.conf");
    std::fs::write(
        &conf,
        format!(
            "no-resolv\nno-hosts\nbind-interfaces\nlisten-address={DNS_IP}\nport=53\n\
             local=/baresock.test/\nhost-record={NAME},192.0.2.1,2001:db8::1\n"
        ),
    )
    .unwrap();
    std::fs::write(&resolv, format!("nameserver {DNS_IP}\n")).unwrap();
    let mut server = Command::new(dnsmasq)
        .arg(format!("--conf-file={}", conf.display()))
        .args(["--keep-in-foreground", "--pid-file=", "--user=root"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Ready when it answers.
    let server_addr: SocketAddr = format!("{DNS_IP}:53").parse().unwrap();
    let ready = (0..100).any(|_| {
        thread::sleep(Duration::from_millis(20));
        probe(server_addr)
    });
    if !ready {
        let _ = server.kill();
        let _ = server.wait();
        println!("skipped=dnsmasq did not answer on {server_addr}");
        return;
    }
    let me = std::env::current_exe().unwrap();
    let sides = ["glibc", "baresock", "baresock-kept"];
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); sides.len()];
    let rounds = 5;
    let per = lookups.div_ceil(rounds).max(1);
    for _ in 0..rounds {
        for (i, side) in sides.iter().enumerate() {
            let out = Command::new("unshare")
                .args(["-m", "--propagation", "private", "sh", "-c"])
                .arg("mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"")
                .arg(&resolv)
                .arg(&me)
                .args(["resolve-side", side, &per.to_string()])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            if !out.status.success() {
                let _ = server.kill();
                let _ = server.wait();
                println!(
                    "skipped={side} side failed: {} {}",
                    text.trim(),
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                return;
            }
            samples[i].extend(
                text.split_whitespace()
                    .filter_map(|w| w.strip_prefix("us="))
                    .flat_map(|l| l.split(','))
                    .filter_map(|v| v.parse::<f64>().ok()),
            );
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let mut line = String::new();
    for (side, s) in sides.iter().zip(&mut samples) {
        s.sort_by(f64::total_cmp);
        let (min, med, max) = (s[0], s[s.len() / 2], s[s.len() - 1]);
        line.push_str(&format!(
            "{side}_min={min:.1} {side}_median={med:.1} {side}_max={max:.1} {side}_n={} ",
            s.len()
        ));
    }
    println!("{}", line.trim_end());
}

/// Whether a DNS server answers an A query for [`NAME`] over UDP.
fn probe(server: SocketAddr) -> bool {
    let Ok(s) = StdUdp::bind("127.0.0.1:0") else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(100)));
    let mut q = vec![0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    for label in NAME.split('.') {
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.extend_from_slice(&[0, 0, 1, 0, 1]);
    let mut buf = [0u8; 512];
    s.send_to(&q, server).is_ok() && s.recv(&mut buf).is_ok_and(|n| n > 12)
}

/// One side: `lookups` lookups of [`NAME`] (AF_UNSPEC, stream sockets, port 80), after one
/// not counted; prints `us=<each, in µs>`.
fn resolve_side(side: &str, lookups: usize) {
    use baresock::resolve::{AddrInfo, Hints, Resolver};
    let hints = Hints {
        socket_type: Some(baresock::Type::STREAM),
        ..Hints::default()
    };
    let kept = Resolver::system().unwrap();
    let one = || -> usize {
        match side {
            // glibc's getaddrinfo, as std calls it.
            "glibc" => (NAME, 80).to_socket_addrs().unwrap().count(),
            // getaddrinfo's counterpart: reads /etc/resolv.conf each call.
            "baresock" => {
                let mut out = [AddrInfo::EMPTY; 8];
                baresock::resolve::lookup(Some(NAME), Some("80"), &hints, &mut out)
                    .unwrap()
                    .len()
            }
            // A resolver kept across lookups (resolv.conf read once, as glibc caches it).
            "baresock-kept" => {
                let mut out = [AddrInfo::EMPTY; 8];
                kept.lookup(Some(NAME), Some("80"), &hints, &mut out)
                    .unwrap()
                    .len()
            }
            _ => usage(),
        }
    };
    assert_eq!(one(), 2, "{side}: an A and an AAAA");
    let mut times = Vec::with_capacity(lookups);
    for _ in 0..lookups {
        let t = Instant::now();
        let n = one();
        times.push(t.elapsed().as_secs_f64() * 1e6);
        assert_eq!(n, 2);
    }
    let list: Vec<String> = times.iter().map(|t| format!("{t:.1}")).collect();
    println!("us={}", list.join(","));
}
