//! Raw IP and ICMP sockets: echo over raw sockets and ping sockets, ICMP filters, IP_HDRINCL.

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use baresock::*;
use common::*;

/// An ICMPv4 echo request: type 8, code 0, checksum, identifier, sequence, payload.
fn echo_request(id: u16, seq: u16, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![8, 0, 0, 0];
    p.extend_from_slice(&id.to_be_bytes());
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(payload);
    let sum = checksum(&p);
    p[2..4].copy_from_slice(&sum.to_be_bytes());
    p
}

/// Sends an echo request on a raw ICMP socket and returns the reply's ICMP bytes.
fn raw_ping(to: Ipv4Addr, seq: u16) -> Vec<u8> {
    let s = RawSocket::new(Family::Inet, Protocol::ICMP).unwrap();
    // Only echo replies (type 0): our own request loops back on lo otherwise.
    s.set_icmp_filter(!1).unwrap();
    assert_eq!(s.icmp_filter().unwrap(), !1);
    s.set_timeout(Some(Duration::from_secs(5))).unwrap();
    s.send_to(&echo_request(0x4242, seq, b"baresock ping"), to.into())
        .unwrap();
    let mut buf = [0u8; 1500];
    let (n, from) = s.recv_from(&mut buf).unwrap();
    assert_eq!(from, IpAddr::V4(to));
    // A raw IPv4 socket receives the IP header too.
    let ihl = usize::from(buf[0] & 0x0f) * 4;
    buf[ihl..n].to_vec()
}

#[test]
fn raw_icmp_echo_on_loopback() {
    if !is_root() {
        skip!("raw sockets need CAP_NET_RAW");
    }
    if under_qemu_user() {
        skip!("qemu-user does not emulate ICMP_FILTER (SOL_RAW): EOPNOTSUPP");
    }
    let reply = raw_ping(Ipv4Addr::LOCALHOST, 7);
    assert_eq!(&reply[..2], &[0, 0], "echo reply");
    assert_eq!(&reply[4..8], &[0x42, 0x42, 0, 7], "identifier and sequence");
    assert_eq!(&reply[8..], b"baresock ping");
    assert_eq!(checksum(&reply), 0, "a valid checksum");
}

#[test]
fn ping_the_other_namespace_end() {
    let r = in_two_netns(|| raw_ping(Ipv4Addr::new(10, 77, 0, 2), 1));
    match r {
        Err(why) => skip!("{why}"),
        Ok(reply) => assert_eq!((reply[0], &reply[8..]), (0, &b"baresock ping"[..])),
    }
}

#[test]
fn unprivileged_ping_sockets() {
    let r = in_netns_with_veth(|| {
        // ping_group_range is per namespace: open it to every group here only.
        std::fs::write("/proc/sys/net/ipv4/ping_group_range", "0 2147483647").unwrap();
        let s = RawSocket::icmp_echo_v4().unwrap();
        s.set_timeout(Some(Duration::from_secs(5))).unwrap();
        // The kernel sets the identifier and checksum of a ping socket's requests.
        s.send_to(
            &[8, 0, 0, 0, 0, 0, 0, 3, b'h', b'i'],
            Ipv4Addr::LOCALHOST.into(),
        )
        .unwrap();
        let mut buf = [0u8; 64];
        let (n, from) = s.recv_from(&mut buf).unwrap();
        assert_eq!(from, IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(
            (buf[0], &buf[6..8], &buf[8..n]),
            (0, &[0, 3][..], &b"hi"[..]),
            "no IP header on a ping socket"
        );
    });
    if let Err(why) = r {
        // Without root, a ping socket works only where ping_group_range allows it.
        match RawSocket::icmp_echo_v4() {
            Err(Error::Os(Errno::ACCESS)) => {
                skip!("{why}; and ping_group_range excludes this group here")
            }
            Ok(_) => skip!("{why}"),
            Err(e) => panic!("{e}"),
        }
    }
}

#[test]
fn raw_options() {
    if !is_root() {
        assert_eq!(
            RawSocket::new(Family::Inet, Protocol::ICMP).unwrap_err(),
            Error::Os(Errno::PERM)
        );
        skip!("raw sockets need CAP_NET_RAW");
    }
    let s = RawSocket::new(Family::Inet, Protocol::from_raw(253)).unwrap();
    assert!(!s.header_included().unwrap());
    s.set_header_included(true).unwrap();
    assert!(s.header_included().unwrap());
    // ICMP_FILTER belongs to raw ICMP sockets only.
    assert_eq!(
        s.set_icmp_filter(1).unwrap_err(),
        Error::Os(Errno::OPNOTSUPP)
    );
    if has_ipv6() {
        let s6 = RawSocket::new(Family::Inet6, Protocol::ICMPV6).unwrap();
        let mut blocked = [0u32; 8];
        blocked[0] = 1 << 1; // destination unreachable (type 1)
        blocked[4] = 1 << 0; // echo request (type 128)
        s6.set_icmpv6_filter(&blocked).unwrap();
        assert_eq!(qemu_gap!(s6.icmpv6_filter()).unwrap(), blocked);
    }
    // A raw socket is not a ping socket and both are RawSockets.
    assert_eq!(s.as_socket().socket_type().unwrap(), Type::Raw);
}

#[test]
fn packets_with_our_own_ip_header() {
    if !is_root() {
        skip!("raw sockets need CAP_NET_RAW");
    }
    let proto = Protocol::from_raw(253); // reserved for experiments (RFC 3692)
    let rx = RawSocket::new(Family::Inet, proto).unwrap();
    rx.set_timeout(Some(Duration::from_secs(5))).unwrap();
    let tx = RawSocket::new(Family::Inet, proto).unwrap();
    tx.set_header_included(true).unwrap();
    let payload = b"hand-made header";
    let mut p = vec![0x45, 0x10]; // version 4, IHL 5; TOS 0x10
    p.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
    p.extend_from_slice(&[0x12, 0x34, 0x40, 0x00, 9, 253, 0, 0]); // id, DF, TTL 9, proto, csum
    p.extend_from_slice(&[127, 0, 0, 1, 127, 0, 0, 1]);
    p.extend_from_slice(payload);
    assert_eq!(tx.send_to(&p, Ipv4Addr::LOCALHOST.into()).unwrap(), p.len());
    let mut buf = [0u8; 128];
    let (n, from) = rx.recv_from(&mut buf).unwrap();
    assert_eq!(from, IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_eq!(
        (buf[1], buf[8], buf[9]),
        (0x10, 9, 253),
        "our TOS, TTL and protocol"
    );
    assert_eq!(&buf[4..6], &[0x12, 0x34], "our identification");
    assert_eq!(&buf[20..n], payload);
}
