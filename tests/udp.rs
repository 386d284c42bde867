//! UDP: datagrams, truncation, peek, connect, options.

mod common;

use baresock::{Errno, Error, Family, Protocol, Socket, SocketAddr, Type, UdpSocket};
use common::*;

#[test]
fn datagram_round_trip_with_sender_address() {
    let a = UdpSocket::bind(v4_any_port()).unwrap();
    let b = UdpSocket::bind(v4_any_port()).unwrap();
    assert_eq!(
        a.send_to(b"Test message", b.local_addr().unwrap()).unwrap(),
        12
    );
    let mut buf = [0u8; 1024];
    let (n, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"Test message");
    assert_eq!(from, a.local_addr().unwrap());
    // Reply to the sender, Python's tour example.
    b.send_to(b"Ack: Test message", from).unwrap();
    let (n, _) = a.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"Ack: Test message");
}

#[test]
fn larger_datagram_is_truncated_with_its_true_length() {
    let a = UdpSocket::bind(v4_any_port()).unwrap();
    let b = UdpSocket::bind(v4_any_port()).unwrap();
    let payload = [0xabu8; 300];
    a.send_to(&payload, b.local_addr().unwrap()).unwrap();
    let mut small = [0u8; 100];
    assert_eq!(
        b.recv_from(&mut small).unwrap_err(),
        Error::Truncated { len: 300 }
    );
    assert!(
        small.iter().all(|&x| x == 0xab),
        "the buffer holds the datagram's start"
    );
    // The same through recv on a connected socket, and through peek (which keeps it queued).
    b.connect(a.local_addr().unwrap()).unwrap();
    a.send_to(&payload, b.local_addr().unwrap()).unwrap();
    assert_eq!(
        b.peek(&mut small).unwrap_err(),
        Error::Truncated { len: 300 }
    );
    assert_eq!(
        b.recv(&mut small).unwrap_err(),
        Error::Truncated { len: 300 }
    );
    assert!(Error::Truncated { len: 300 }
        .to_string()
        .contains("300 bytes"));
}

#[test]
fn peek_from_keeps_the_datagram() {
    let a = UdpSocket::bind(v4_any_port()).unwrap();
    let b = UdpSocket::bind(v4_any_port()).unwrap();
    a.send_to(b"xyz", b.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 8];
    let (n, from) = b.peek_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from), (&b"xyz"[..], a.local_addr().unwrap()));
    let (n, _) = b.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"xyz");
}

#[test]
fn connected_send_and_recv_then_disconnect() {
    let a = UdpSocket::bind(v4_any_port()).unwrap();
    let b = UdpSocket::bind(v4_any_port()).unwrap();
    a.connect(b.local_addr().unwrap()).unwrap();
    assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    a.send(b"one").unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(b.recv(&mut buf).unwrap(), 3);
    a.as_socket().disconnect().unwrap();
    assert_eq!(a.peer_addr().unwrap_err(), Error::Os(Errno::NOTCONN));
    assert_eq!(a.send(b"x").unwrap_err(), Error::Os(Errno::DESTADDRREQ));
}

#[test]
fn broadcast_and_ttl_options() {
    let s = UdpSocket::bind(v4_any_port()).unwrap();
    assert!(!s.broadcast().unwrap());
    s.set_broadcast(true).unwrap();
    assert!(s.broadcast().unwrap());
    s.set_ttl(3).unwrap();
    assert_eq!(s.ttl().unwrap(), 3);
    assert_eq!(s.as_socket().protocol().unwrap(), Protocol::UDP);
}

#[test]
fn address_of_another_family_is_a_named_error() {
    let s = Socket::new(Family::Inet, Type::Dgram, Protocol::DEFAULT).unwrap();
    let v6: SocketAddr = "[::1]:9".parse().unwrap();
    let mismatch = Error::FamilyMismatch {
        socket: Family::Inet,
        addr: Family::Inet6,
    };
    assert_eq!(s.send_to(b"x", v6).unwrap_err(), mismatch);
    assert_eq!(s.bind(v6).unwrap_err(), mismatch);
    assert_eq!(s.connect(v6).unwrap_err(), mismatch);
}

#[test]
fn ipv6_datagrams_keep_flow_and_scope() {
    if !has_ipv6() {
        skip!("no IPv6 loopback on this host");
    }
    let a = UdpSocket::bind(v6_any_port()).unwrap();
    let b = UdpSocket::bind(v6_any_port()).unwrap();
    a.send_to(b"six", b.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 8];
    let (n, from) = b.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], from), (&b"six"[..], a.local_addr().unwrap()));
}
