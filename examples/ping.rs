//! `ping`: ICMP echo with round-trip times, over a raw socket (as root) or an unprivileged
//! ICMP echo socket (where `net.ipv4.ping_group_range` allows it). IPv4.
//!
//! ```sh
//! cargo run --example ping -- 127.0.0.1
//! cargo run --example ping -- -c 3 -i 0.2 10.0.0.1
//! ```

use std::net::{IpAddr, Ipv4Addr};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use baresock::{Errno, Error, Family, Protocol, RawSocket};
use etherparse::{IcmpEchoHeader, Icmpv4Header, Icmpv4Slice, Icmpv4Type, Ipv4Slice};

struct Args {
    target: Ipv4Addr,
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
            t => target = Some(t.parse().map_err(|_| format!("not an IPv4 address: {t}"))?),
        }
    }
    Ok(Args {
        target: target.ok_or("usage: ping [-c COUNT] [-i SECONDS] IPV4-ADDRESS")?,
        count,
        interval,
    })
}

/// A raw ICMP socket as root, else an echo socket; says which.
fn open() -> Result<(RawSocket, bool), Error> {
    match RawSocket::new(Family::Inet, Protocol::ICMP) {
        Ok(s) => {
            // Only echo replies: with a raw socket we would see every ICMP message.
            s.set_icmp_filter(!(1 << 0))?;
            Ok((s, true))
        }
        Err(Error::Os(Errno::PERM)) => RawSocket::icmp_echo_v4().map(|s| (s, false)),
        Err(e) => Err(e),
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
    let (sock, raw) = match open() {
        Ok(s) => s,
        Err(Error::Os(Errno::ACCESS)) => {
            eprintln!("ping: not root, and this group may not open ICMP echo sockets.");
            eprintln!("ping: allow it with: sysctl -w net.ipv4.ping_group_range='0 2147483647'");
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
        let header = Icmpv4Header::with_checksum(
            Icmpv4Type::EchoRequest(IcmpEchoHeader { id, seq }),
            &payload,
        );
        let mut packet = header.to_bytes().to_vec();
        packet.extend_from_slice(&payload);
        let sent = Instant::now();
        if let Err(e) = sock.send_to(&packet, IpAddr::V4(args.target)) {
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
            let (n, from) = match sock.recv_from(&mut buf) {
                Ok(r) => r,
                Err(Error::Timeout) => continue,
                Err(e) => {
                    eprintln!("ping: receive: {e}");
                    return ExitCode::FAILURE;
                }
            };
            // A raw IPv4 socket hands over the IP header too; an echo socket does not.
            let (icmp, ttl) = if raw {
                match Ipv4Slice::from_slice(&buf[..n]) {
                    Ok(ip) => (ip.payload().payload, Some(ip.header().ttl())),
                    Err(_) => continue,
                }
            } else {
                (&buf[..n], None)
            };
            let Ok(reply) = Icmpv4Slice::from_slice(icmp) else {
                continue;
            };
            // An echo socket's identifier is the kernel's choice; a raw one's is ours.
            match reply.icmp_type() {
                Icmpv4Type::EchoReply(echo) if echo.seq == seq && (!raw || echo.id == id) => {
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
