//! A bounded soak on loopback: 100 000 connect/accept/close cycles and 1 000 000 datagrams,
//! with no error, every byte checked, and no fd growth (counted from `/proc/self/fd` before,
//! every 10 000 rounds, and after).
//!
//! Too slow for every `cargo test`: ignored there, run by `cargo xtask soak` (release build).
//! `BARESOCK_SOAK_SCALE` divides the counts (for a quick try: `BARESOCK_SOAK_SCALE=100`).

mod common;

use std::time::{Duration, Instant};

use baresock::msg::*;
use baresock::*;
use common::{open_fds, v4_any_port};

fn scaled(n: u64) -> u64 {
    let scale = std::env::var("BARESOCK_SOAK_SCALE")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .filter(|&s| s > 0)
        .unwrap_or(1);
    (n / scale).max(1)
}

/// Checks the fd count has not grown by more than the sockets the loop holds at once.
fn check_fds(what: &str, at: u64, start: usize, held: usize) {
    let now = open_fds();
    assert!(
        now <= start + held,
        "{what}: {now} fds open after {at} rounds, {start} at the start"
    );
}

#[test]
#[ignore = "a soak: run by `cargo xtask soak`"]
fn soak_connect_accept_close() {
    let cycles = scaled(100_000);
    let l = TcpListener::bind(v4_any_port()).unwrap();
    l.set_timeout(Some(Duration::from_secs(10))).unwrap();
    let to = l.local_addr().unwrap();
    let start_fds = open_fds();
    let start = Instant::now();
    let mut buf = [0u8; 8];
    for i in 0..cycles {
        let c = TcpStream::connect_timeout(to, Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("connect {i}: {e:?}"));
        let (a, peer) = l.accept().unwrap_or_else(|e| panic!("accept {i}: {e:?}"));
        assert_eq!(peer, c.local_addr().unwrap());
        c.send_all(&i.to_be_bytes()).unwrap();
        a.set_timeout(Some(Duration::from_secs(10))).unwrap();
        assert_eq!(a.recv(&mut buf), Ok(8), "cycle {i}");
        assert_eq!(u64::from_be_bytes(buf), i);
        // The server closes first: its side waits in TIME_WAIT, the client's port is free
        // at once.
        drop(a);
        c.set_timeout(Some(Duration::from_secs(10))).unwrap();
        assert_eq!(c.recv(&mut buf), Ok(0), "cycle {i}: end of stream");
        drop(c);
        if i % 10_000 == 9_999 {
            check_fds("connect/accept/close", i + 1, start_fds, 0);
        }
    }
    let took = start.elapsed();
    let end_fds = open_fds();
    assert_eq!(end_fds, start_fds, "fds before and after");
    println!(
        "soak: {cycles} connect/accept/close cycles in {:.1} s ({:.0}/s), fds {start_fds} -> {end_fds}",
        took.as_secs_f64(),
        cycles as f64 / took.as_secs_f64()
    );
}

#[test]
#[ignore = "a soak: run by `cargo xtask soak`"]
fn soak_datagrams() {
    let total = scaled(1_000_000);
    let r = UdpSocket::bind(v4_any_port()).unwrap();
    r.set_timeout(Some(Duration::from_secs(10))).unwrap();
    let s = UdpSocket::bind(v4_any_port()).unwrap();
    s.connect(r.local_addr().unwrap()).unwrap();
    let from = s.local_addr().unwrap();
    let start_fds = open_fds();
    let start = Instant::now();
    let payload = |i: u64| {
        let mut p = [0u8; 64];
        p[..8].copy_from_slice(&i.to_be_bytes());
        for (k, b) in p[8..].iter_mut().enumerate() {
            *b = (i as u8).wrapping_add(k as u8);
        }
        p
    };
    // Half one at a time (send, then receive: nothing can be dropped), half in batches of 64
    // (sendmmsg, recvmmsg).
    let half = total / 2;
    let mut buf = [0u8; 128];
    for i in 0..half {
        s.send(&payload(i))
            .unwrap_or_else(|e| panic!("send {i}: {e:?}"));
        let (n, addr) = r
            .recv_from(&mut buf)
            .unwrap_or_else(|e| panic!("recv_from {i}: {e:?}"));
        assert_eq!((n, addr), (64, from), "datagram {i}");
        assert_eq!(buf[..64], payload(i), "datagram {i}");
        if i % 10_000 == 9_999 {
            check_fds("datagrams", i + 1, start_fds, 0);
        }
    }
    const BATCH: usize = 64;
    let mut next = half;
    let mut bufs = [[0u8; 128]; BATCH];
    while next < total {
        let n = BATCH.min((total - next) as usize);
        let payloads: Vec<[u8; 64]> = (0..n as u64).map(|k| payload(next + k)).collect();
        let mut out: Vec<SendEntry<'_>> = payloads.iter().map(|p| SendEntry::new(p)).collect();
        let sent = s
            .as_socket()
            .send_mmsg(&mut out, SendFlags::empty())
            .unwrap_or_else(|e| panic!("send_mmsg at {next}: {e:?}"));
        assert_eq!(sent, n, "send_mmsg at {next}");
        let mut got = 0;
        while got < n {
            let mut entries: Vec<RecvEntry<'_>> = bufs[..n - got]
                .iter_mut()
                .map(|b| RecvEntry::new(b))
                .collect();
            let k = r
                .as_socket()
                .recv_mmsg(&mut entries, RecvFlags::empty())
                .unwrap_or_else(|e| panic!("recv_mmsg at {next}: {e:?}"));
            for e in &entries[..k] {
                let i = next + got as u64;
                assert_eq!(e.data(), &payload(i)[..], "datagram {i}");
                assert_eq!(e.truncated(), None);
                got += 1;
            }
        }
        let before = next;
        next += n as u64;
        if before / 10_000 != next / 10_000 {
            check_fds("datagrams", next, start_fds, 0);
        }
    }
    let took = start.elapsed();
    let end_fds = open_fds();
    assert_eq!(end_fds, start_fds, "fds before and after");
    println!(
        "soak: {total} datagrams ({half} one at a time, {} in batches of {BATCH}) in {:.1} s ({:.0}/s), fds {start_fds} -> {end_fds}",
        total - half,
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64()
    );
}
