//! Smoke tests for the socket families that need a real kernel and root: AF_CAN on vcan0,
//! AF_PACKET on a veth pair, SOCK_RAW ICMP, through the library's own API. Each prints
//! `skipped: <reason>` and passes where its prerequisite is missing (not root, no CAN in this
//! kernel, qemu-user), and asserts real things where it runs. The VM tier of
//! `cargo xtask test` boots a kernel of each architecture that has all of them, and fails any
//! `vm_smoke_*` test that skips there.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use baresock::*;
use common::*;

fn index(name: &[u8]) -> Option<u32> {
    interface_index(&ShortName::new(name).ok()?).ok()
}

#[test]
fn vm_smoke_can_raw_round_trip() {
    if !is_root() {
        skip!("needs root");
    }
    if under_qemu_user() && cfg!(target_endian = "big") {
        skip!("qemu-user does not byte-swap sockaddr_can for big-endian guests");
    }
    let rx = match CanSocket::new() {
        Ok(s) => s,
        Err(e) => skip!("no AF_CAN / CAN_RAW in this kernel ({e})"),
    };
    let Some(vcan0) = index(b"vcan0") else {
        skip!("no vcan0 interface")
    };
    rx.bind(vcan0).unwrap();
    rx.set_timeout(Some(Duration::from_secs(5))).unwrap();
    let tx = CanSocket::new().unwrap();
    tx.bind(vcan0).unwrap();
    let other = index(b"vcan1").map(|i| {
        let s = CanSocket::new().unwrap();
        s.bind(i).unwrap();
        s.set_timeout(Some(Duration::from_millis(200))).unwrap();
        s
    });

    let standard =
        CanFrame::new(CanId::standard(0x123).unwrap(), &[0xde, 0xad, 0xbe, 0xef]).unwrap();
    let extended = CanFrame::new(
        CanId::extended(0x1abc_def0).unwrap(),
        &[1, 2, 3, 4, 5, 6, 7, 8],
    )
    .unwrap();
    tx.send(&standard).unwrap();
    tx.send(&extended).unwrap();
    // The raw bytes first: can_id in host byte order (big-endian on s390x), EFF flag set.
    let mut raw = [0u8; CANFD_MTU];
    assert_eq!(rx.as_socket().recv(&mut raw).unwrap(), CAN_MTU);
    assert_eq!(&raw[..4], &0x123u32.to_ne_bytes());
    assert_eq!(raw[4], 4);
    let (frame, ifindex) = rx.recv_from().unwrap();
    assert_eq!((frame, ifindex), (CanAnyFrame::Classic(extended), vcan0));
    if let Some(s) = other {
        assert_eq!(
            s.recv().unwrap_err(),
            Error::Timeout,
            "nothing crosses to vcan1"
        );
    }
}

#[test]
fn vm_smoke_packet_on_veth_pair() {
    let r = in_netns_with_veth(|| {
        const PROTO: u16 = ether::EXPERIMENTAL;
        let (i0, i1) = (index(b"bs0").unwrap(), index(b"bs1").unwrap());
        let rx = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
        rx.bind(LinkAddr::new(i1, PROTO)).unwrap();
        rx.set_timeout(Some(Duration::from_secs(5))).unwrap();
        let tx = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
        tx.bind(LinkAddr::new(i0, PROTO)).unwrap();
        let src = tx.local_addr().unwrap();
        let mut frame = vec![0xff; 6];
        frame.extend_from_slice(src.address());
        frame.extend_from_slice(&PROTO.to_be_bytes());
        frame.extend_from_slice(&[0x5a; 50]);
        tx.send(&frame).unwrap();
        let mut buf = [0u8; 1514];
        let (n, from) = rx.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], &frame[..]);
        assert_eq!(
            (from.ifindex(), from.protocol(), from.packet_type()),
            (i1, PROTO, PacketType::Broadcast)
        );
        assert_eq!(from.address(), src.address());
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}

#[test]
fn vm_smoke_raw_icmp_echo() {
    if !is_root() {
        skip!("needs root (CAP_NET_RAW)");
    }
    let s = RawSocket::new(Family::Inet, Protocol::ICMP).unwrap();
    let (id, seq) = ((std::process::id() as u16) ^ 0x5a5a, 7u16);
    let payload = b"baresock vm smoke: raw ICMP";
    let mut echo = vec![8, 0, 0, 0];
    echo.extend_from_slice(&id.to_be_bytes());
    echo.extend_from_slice(&seq.to_be_bytes());
    echo.extend_from_slice(payload);
    let sum = checksum(&echo);
    echo[2..4].copy_from_slice(&sum.to_be_bytes());
    assert_eq!(
        s.send_to(&echo, Ipv4Addr::LOCALHOST.into()).unwrap(),
        echo.len()
    );
    // A raw ICMP socket sees every ICMP packet, our own request too: wait for the reply.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut buf = [0u8; 1500];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no ICMP echo reply from 127.0.0.1 in 5 s");
        s.set_timeout(Some(left)).unwrap();
        let (n, from) = s.recv_from(&mut buf).unwrap();
        let ihl = usize::from(buf[0] & 0x0f) * 4;
        let icmp = &buf[ihl..n];
        if icmp.len() < 8 || icmp[0] != 0 || icmp[4..6] != id.to_be_bytes() {
            continue; // our own request, or someone else's traffic
        }
        assert_eq!(
            (icmp[1], &icmp[6..8], &icmp[8..]),
            (0, &seq.to_be_bytes()[..], &payload[..])
        );
        assert_eq!(checksum(icmp), 0, "reply checksum");
        assert_eq!(from, IpAddr::V4(Ipv4Addr::LOCALHOST));
        break;
    }
}
