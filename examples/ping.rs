//! `ping`: ICMP echo with round-trip times, over a raw socket (as root) or an unprivileged
//! ICMP echo socket (where `net.ipv4.ping_group_range` allows it, which governs IPv6 echo
//! sockets too). IPv4 and IPv6.
//!
//! ```sh
//! cargo run --example ping -- 127.0.0.1
//! cargo run --example ping -- -c 3 -i 0.2 10.0.0.1
//! cargo run --example ping -- ::1
//! ```

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use baresock::msg::ControlMessage;
use baresock::{Errno, Error, Family, IoSliceMut, Protocol, RawSocket, RecvFlags};
use etherparse::{
    IcmpEchoHeader, Icmpv4Header, Icmpv4Slice, Icmpv4Type, Icmpv6Header, Icmpv6Slice, Icmpv6Type,
    Ipv4Slice,
};

struct Args {
    target: IpAddr,
    count: u16,
    interval: Duration,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let (mut count, mut interval, mut target) = (4, Duration::from_secs(1), None);
    while let Some(a) = it.next() {
        match a.as_str() {
            "-c" => {
                count = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("-c takes a count")?
            }
            "-i" => {
                let secs: f64 = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("-i takes seconds")?;
                interval = Duration::try_from_secs_f64(secs).map_err(|e| e.to_string())?;
            }
            t => target = Some(t.parse().map_err(|_| format!("not an IP address: {t}"))?),
        }
    }
    Ok(Args {
        target: target.ok_or("usage: ping [-c COUNT] [-i SECONDS] IPV4-OR-IPV6-ADDRESS")?,
        count,
        interval,
    })
}

/// ICMPv6 type 129, echo reply.
const ICMPV6_ECHO_REPLY: u8 = 129;

/// A raw ICMP socket for `target`'s family as root, else an echo socket; says which.
fn open(target: IpAddr) -> Result<(RawSocket, bool), Error> {
    let (family, protocol) = match target {
        IpAddr::V4(_) => (Family::INET, Protocol::ICMP),
        IpAddr::V6(_) => (Family::INET6, Protocol::ICMPV6),
    };
    let (s, raw) = match RawSocket::new(family, protocol) {
        Ok(s) => (s, true),
        Err(Error::Os(Errno::PERM)) => match target {
            IpAddr::V4(_) => (RawSocket::icmp_echo_v4()?, false),
            IpAddr::V6(_) => (RawSocket::icmp_echo_v6()?, false),
        },
        Err(e) => return Err(e),
    };
    // A raw socket lets only echo replies through: it would see every ICMP message
    // otherwise. A raw IPv4 socket hands over the IP header, TTL in it; the others have the
    // TTL or hop limit handed over beside the data.
    match target {
        IpAddr::V4(_) if raw => s.set_icmp_filter(!(1 << 0))?,
        IpAddr::V4(_) => s.as_socket().set_recv_ttl_v4(true)?,
        IpAddr::V6(_) => {
            if raw {
                let mut blocked = [!0u32; 8];
                blocked[usize::from(ICMPV6_ECHO_REPLY / 32)] &= !(1 << (ICMPV6_ECHO_REPLY % 32));
                s.set_icmpv6_filter(&blocked)?;
            }
            s.as_socket().set_recv_hoplimit_v6(true)?;
        }
    }
    Ok((s, raw))
}

/// The echo request: the ICMP header (checksummed for IPv4; for ICMPv6 the kernel computes
/// it, over the pseudo-header it alone knows for sure) and the payload.
fn request(target: IpAddr, id: u16, seq: u16, payload: &[u8]) -> Vec<u8> {
    let echo = IcmpEchoHeader { id, seq };
    let mut packet = match target {
        IpAddr::V4(_) => Icmpv4Header::with_checksum(Icmpv4Type::EchoRequest(echo), payload)
            .to_bytes()
            .to_vec(),
        IpAddr::V6(_) => Icmpv6Header::new(Icmpv6Type::EchoRequest(echo))
            .to_bytes()
            .to_vec(),
    };
    packet.extend_from_slice(payload);
    packet
}

/// The echo reply's identifier and sequence number, if `icmp` is one.
fn echo_reply(target: IpAddr, icmp: &[u8]) -> Option<IcmpEchoHeader> {
    match target {
        IpAddr::V4(_) => match Icmpv4Slice::from_slice(icmp).ok()?.icmp_type() {
            Icmpv4Type::EchoReply(echo) => Some(echo),
            _ => None,
        },
        IpAddr::V6(_) => match Icmpv6Slice::from_slice(icmp).ok()?.icmp_type() {
            Icmpv6Type::EchoReply(echo) => Some(echo),
            _ => None,
        },
    }
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let (sock, raw) = match open(args.target) {
        Ok(s) => s,
        Err(Error::Os(Errno::ACCESS)) => {
            eprintln!("ping: not root, and this group may not open ICMP echo sockets.");
            eprintln!("ping: allow it with: sysctl -w net.ipv4.ping_group_range='0 2147483647'");
            eprintln!("ping: (that setting is for IPv4 and IPv6 alike)");
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("ping: {e}");
            return ExitCode::FAILURE;
        }
    };
    let id = std::process::id() as u16;
    let payload = *b"baresock ping payload, 32 bytes!";
    println!(
        "PING {} ({} socket): {} data bytes",
        args.target,
        if raw { "raw" } else { "echo" },
        payload.len()
    );
    let mut received = 0;
    let mut rtts = Vec::new();
    for seq in 1..=args.count {
        let packet = request(args.target, id, seq, &payload);
        let sent = Instant::now();
        if let Err(e) = sock.send_to(&packet, args.target) {
            eprintln!("ping: send: {e}");
            return ExitCode::FAILURE;
        }
        let deadline = sent + Duration::from_secs(2);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || sock.set_timeout(Some(left)).is_err() {
                println!("Request timeout for icmp_seq {seq}");
                break;
            }
            let mut buf = [0u8; 1500];
            let mut control = [0u8; 64];
            let mut bufs = [IoSliceMut::new(&mut buf)];
            let (n, from, mut ttl) =
                match sock
                    .as_socket()
                    .recv_msg(&mut bufs, &mut control, RecvFlags::empty())
                {
                    Ok(m) => (
                        m.bytes(),
                        m.addr().and_then(|a| a.ip()),
                        m.control().find_map(|c| match c {
                            ControlMessage::Ttl(t) | ControlMessage::HopLimit(t) => Some(t),
                            _ => None,
                        }),
                    ),
                    Err(Error::Timeout) => continue,
                    Err(e) => {
                        eprintln!("ping: receive: {e}");
                        return ExitCode::FAILURE;
                    }
                };
            let Some(from) = from else { continue };
            // A raw IPv4 socket hands over the IP header too; the others do not.
            let icmp = if raw && args.target.is_ipv4() {
                match Ipv4Slice::from_slice(&buf[..n]) {
                    Ok(ip) => {
                        ttl = Some(ip.header().ttl());
                        ip.payload().payload
                    }
                    Err(_) => continue,
                }
            } else {
                &buf[..n]
            };
            // An echo socket's identifier is the kernel's choice; a raw one's is ours.
            match echo_reply(args.target, icmp) {
                Some(echo) if echo.seq == seq && (!raw || echo.id == id) => {
                    let rtt = sent.elapsed();
                    received += 1;
                    rtts.push(rtt);
                    let ttl = ttl.map(|t| format!(" ttl={t}")).unwrap_or_default();
                    println!(
                        "{} bytes from {from}: icmp_seq={seq}{ttl} time={:.3} ms",
                        icmp.len(),
                        rtt.as_secs_f64() * 1e3
                    );
                    break;
                }
                _ => continue,
            }
        }
        if seq < args.count {
            std::thread::sleep(args.interval);
        }
    }
    println!("--- {} ping statistics ---", args.target);
    let loss = 100.0 * f64::from(args.count - received) / f64::from(args.count.max(1));
    println!(
        "{} packets transmitted, {received} packets received, {loss:.1}% packet loss",
        args.count
    );
    if let (Some(min), Some(max)) = (rtts.iter().min(), rtts.iter().max()) {
        let avg = rtts.iter().sum::<Duration>() / rtts.len() as u32;
        let ms = |d: &Duration| d.as_secs_f64() * 1e3;
        println!(
            "round-trip min/avg/max = {:.3}/{:.3}/{:.3} ms",
            ms(min),
            ms(&avg),
            ms(max)
        );
    }
    if received == args.count {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
