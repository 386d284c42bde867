//! UDP: datagrams, truncation, peek, connect, options.

mod common;

use baresock::AddressError;
use baresock::{Errno, Error, Family, Protocol, SockAddr, Socket, Type, UdpSocket};
use common::*;
use std::net::SocketAddr;

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
    let s = Socket::new(Family::INET, Type::DGRAM, Protocol::DEFAULT).unwrap();
    let v6: SockAddr = "[::1]:9".parse().unwrap();
    let mismatch = Error::Address(AddressError::FamilyMismatch {
        socket: Family::INET,
        addr: Family::INET6,
    });
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

#[test]
fn recv_from_into_writes_the_sender_ready_for_a_reply() {
    use baresock::Destination;
    let mut pairs = vec![(v4_any_port(), "v4")];
    if has_ipv6() {
        pairs.push((v6_any_port(), "v6"));
    }
    for (any, name) in pairs {
        let server = UdpSocket::bind(any).unwrap();
        let client = UdpSocket::bind(any).unwrap();
        let mut from = Destination::default();
        let mut buf = [0u8; 64];
        client
            .send_to(b"ping", server.local_addr().unwrap())
            .unwrap();
        let n = server.recv_from_into(&mut buf, &mut from).unwrap();
        assert_eq!(&buf[..n], b"ping", "{name}");
        assert_eq!(from.addr(), client.local_addr().unwrap(), "{name}");
        assert_eq!(
            from,
            Destination::from(client.local_addr().unwrap()),
            "{name}"
        );
        // The reply goes to the sender without decoding or encoding.
        server.send_to_destination(b"pong", &from).unwrap();
        assert_eq!(
            client.recv_from(&mut buf).unwrap(),
            (4, server.local_addr().unwrap()),
            "{name}"
        );
        assert_eq!(&buf[..4], b"pong");
    }
}

#[test]
fn recv_from_into_reuses_one_destination_across_families() {
    if !has_ipv6() {
        skip!("no IPv6 loopback on this host");
    }
    use baresock::Destination;
    // One Destination for an IPv6 sender (28 bytes of address), then for an IPv4 one (16).
    let six = UdpSocket::bind(v6_any_port()).unwrap();
    let v6_sender = UdpSocket::bind(v6_any_port()).unwrap();
    let four = UdpSocket::bind(v4_any_port()).unwrap();
    let v4_sender = UdpSocket::bind(v4_any_port()).unwrap();
    let mut from = Destination::default();
    let mut buf = [0u8; 8];
    v6_sender.send_to(b"6", six.local_addr().unwrap()).unwrap();
    six.recv_from_into(&mut buf, &mut from).unwrap();
    assert_eq!(from.addr(), v6_sender.local_addr().unwrap());
    v4_sender.send_to(b"4", four.local_addr().unwrap()).unwrap();
    four.recv_from_into(&mut buf, &mut from).unwrap();
    // The bytes past the sockaddr_in are left from the IPv6 address: not part of it.
    assert_eq!(from.addr(), v4_sender.local_addr().unwrap());
    assert_eq!(from, Destination::from(v4_sender.local_addr().unwrap()));
    four.send_to_destination(b"r", &from).unwrap();
    assert_eq!(v4_sender.recv(&mut buf).unwrap(), 1);
}

#[test]
fn recv_from_into_keeps_the_sender_of_a_truncated_datagram() {
    use baresock::Destination;
    let rx = UdpSocket::bind(v4_any_port()).unwrap();
    let tx = UdpSocket::bind(v4_any_port()).unwrap();
    tx.send_to(&[9u8; 300], rx.local_addr().unwrap()).unwrap();
    let mut from = Destination::default();
    let mut small = [0u8; 100];
    assert_eq!(
        rx.recv_from_into(&mut small, &mut from),
        Err(Error::Truncated { len: 300 })
    );
    assert_eq!(from.addr(), tx.local_addr().unwrap());
}

#[test]
fn recv_from_into_that_fails_leaves_the_destination() {
    use baresock::Destination;
    let rx = UdpSocket::bind(v4_any_port()).unwrap();
    rx.set_nonblocking(true).unwrap();
    let before: SocketAddr = "[2001:db8::7]:9".parse().unwrap();
    let mut from = Destination::from(before);
    let mut buf = [0u8; 8];
    assert_eq!(
        rx.recv_from_into(&mut buf, &mut from),
        Err(Error::WouldBlock)
    );
    assert_eq!(from, Destination::from(before));
    assert_eq!(from.addr(), before);
    // (That its length is restored too is a unit test in src/addr/dest.rs: not visible here.)
    let v4 = UdpSocket::bind(v4_any_port()).unwrap();
    v4.send_to_destination(b"x", &from).unwrap_err();
}

#[test]
fn recv_from_into_refuses_a_sender_that_is_not_an_ip_address() {
    use baresock::{Destination, UnixAddr, UnixDatagram};
    use std::os::fd::OwnedFd;
    // A UdpSocket wrapped around a Unix datagram socket (`From<OwnedFd>` trusts the fd): the
    // kernel writes a sockaddr_un, which a Destination cannot hold.
    let tag = std::process::id();
    let rx_addr = UnixAddr::new_abstract(format!("baresock-into-rx-{tag}").as_bytes()).unwrap();
    let tx_addr = UnixAddr::new_abstract(format!("baresock-into-tx-{tag}").as_bytes()).unwrap();
    let fake = UdpSocket::from(OwnedFd::from(UnixDatagram::bind(rx_addr).unwrap()));
    let mut from = Destination::from(v4_any_port());
    let mut buf = [0u8; 8];

    // An unnamed sender: the kernel gives no address at all.
    UnixDatagram::unbound()
        .unwrap()
        .send_to(b"x", rx_addr)
        .unwrap();
    assert_eq!(
        fake.recv_from_into(&mut buf, &mut from),
        Err(Error::Address(AddressError::Missing))
    );
    assert_eq!(from, Destination::default(), "set back to 0.0.0.0:0");

    // A named (abstract) sender: a sockaddr_un, refused by its family and length.
    let tx = UnixDatagram::bind(tx_addr).unwrap();
    tx.send_to(b"y", rx_addr).unwrap();
    let name_len = 2 + 1 + format!("baresock-into-tx-{tag}").len() as u32;
    assert_eq!(
        fake.recv_from_into(&mut buf, &mut from),
        Err(Error::Address(AddressError::Malformed {
            family: libc::AF_UNIX as u16,
            len: name_len
        }))
    );
    assert_eq!(from, Destination::default());
    assert_eq!(from.addr(), "0.0.0.0:0".parse::<SocketAddr>().unwrap());
}
