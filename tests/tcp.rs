//! TCP: create_server, create_connection, the typed stream and listener, options.

mod common;

use baresock::{AddressError, InputError};
use std::net::SocketAddr;
use std::time::Duration;

use baresock::{
    create_connection, create_server, Errno, Error, Family, Protocol, ServerOptions, Shutdown,
    SockAddr, Socket, TcpListener, TcpStream, Type,
};
use common::*;

#[test]
fn create_server_accept_and_echo() {
    let server = create_server(
        v4_any_port(),
        ServerOptions {
            backlog: Some(5),
            ..Default::default()
        },
    )
    .unwrap();
    let addr = server.local_addr().unwrap();
    assert_ne!(addr.port(), 0);
    assert!(server.as_socket().is_listening().unwrap());
    assert!(
        server.as_socket().reuse_address().unwrap(),
        "create_server sets SO_REUSEADDR"
    );

    let client = create_connection(addr, None, None).unwrap();
    let (conn, peer) = server.accept().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    assert_eq!(conn.peer_addr().unwrap(), peer);

    client.send_all(b"Hello client").unwrap();
    let mut buf = [0u8; 64];
    let n = conn.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"Hello client");
    conn.send_all(b"Hello from server").unwrap();
    let n = client.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"Hello from server");

    // End of stream after the peer shuts down its writing half.
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(conn.recv(&mut buf).unwrap(), 0);
}

#[test]
fn peek_leaves_data_queued() {
    let server = TcpListener::bind(v4_any_port()).unwrap();
    let client = TcpStream::connect(server.local_addr().unwrap()).unwrap();
    let (conn, _) = server.accept().unwrap();
    client.send_all(b"abc").unwrap();
    let mut buf = [0u8; 8];
    // A stream has no message boundaries: a short buffer is not an error.
    let n = conn.peek(&mut buf[..2]).unwrap();
    assert_eq!(&buf[..n], b"ab");
    let mut all = [0u8; 3];
    assert_eq!(conn.recv(&mut all).unwrap(), 3);
    assert_eq!(&all, b"abc");
}

#[cfg(feature = "std")]
#[test]
fn std_read_write_and_conversions() {
    use std::io::{Read, Write};
    let listener = TcpListener::bind(v4_any_port()).unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (conn, _) = listener.accept().unwrap();
    client.write_all(b"over std::io").unwrap();
    // Ours to std and back again.
    let mut std_conn: std::net::TcpStream = conn.into();
    let mut buf = [0u8; 12];
    std_conn.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"over std::io");
    std_conn.write_all(b"back").unwrap();
    let mut buf = [0u8; 4];
    client.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"back");
    let ours = TcpStream::from(std_conn);
    assert_eq!(ours.as_socket().family().unwrap(), Family::INET);
    assert_eq!(ours.as_socket().socket_type().unwrap(), Type::STREAM);
    let std_listener: std::net::TcpListener = listener.into();
    assert!(std_listener.local_addr().is_ok());
}

#[test]
fn dual_stack_server_takes_ipv4_clients() {
    if !has_ipv6() {
        skip!("no IPv6 loopback on this host");
    }
    let any6: SocketAddr = "[::]:0".parse().unwrap();
    let server = create_server(
        any6,
        ServerOptions {
            dual_stack: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(!server.as_socket().only_v6().unwrap());
    let port = server.local_addr().unwrap().port();
    let client = TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).unwrap();
    let (_conn, peer) = server.accept().unwrap();
    // The IPv4 client shows as a v4-mapped IPv6 address.
    match peer {
        SocketAddr::V6(a) => {
            assert_eq!(a.ip().to_ipv4_mapped(), Some([127, 0, 0, 1].into()))
        }
        other => panic!("expected a v4-mapped address, got {other}"),
    }
    drop(client);

    // Without dual_stack an IPv6 server is IPv6-only, whatever the system default.
    let v6only = create_server(any6, ServerOptions::default()).unwrap();
    assert!(v6only.as_socket().only_v6().unwrap());
    let port = v6only.local_addr().unwrap().port();
    assert_eq!(
        TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).unwrap_err(),
        Error::Os(Errno::CONNREFUSED)
    );
}

#[test]
fn dual_stack_needs_ipv6() {
    let err = create_server(
        v4_any_port(),
        ServerOptions {
            dual_stack: true,
            ..Default::default()
        },
    )
    .unwrap_err();
    assert_eq!(err, Error::Input(InputError::DualStackNeedsIpv6));
}

#[test]
fn reuse_port_lets_two_servers_share_a_port() {
    let opts = ServerOptions {
        reuse_port: true,
        ..Default::default()
    };
    let a = create_server(v4_any_port(), opts).unwrap();
    let addr = a.local_addr().unwrap();
    let b = create_server(addr, opts).unwrap();
    assert_eq!(b.local_addr().unwrap(), addr);
    assert!(a.as_socket().reuse_port().unwrap());
    // Without it the port is taken.
    assert_eq!(
        create_server(addr, ServerOptions::default()).unwrap_err(),
        Error::Os(Errno::ADDRINUSE)
    );
}

#[test]
fn create_connection_tries_each_address_and_binds_the_source() {
    let server = TcpListener::bind(v4_any_port()).unwrap();
    let good = SockAddr::from(server.local_addr().unwrap());
    // Port 1 on loopback refuses; the second address accepts.
    let refused: SockAddr = "127.0.0.1:1".parse().unwrap();
    let source: SockAddr = "127.0.0.2:0".parse().unwrap();
    let s = create_connection([refused, good], Some(Duration::from_secs(5)), Some(source)).unwrap();
    assert_eq!(
        s.local_addr().unwrap().ip(),
        std::net::IpAddr::from([127, 0, 0, 2])
    );
    assert_eq!(
        s.timeout(),
        Some(Duration::from_secs(5)),
        "the stream keeps the timeout"
    );
    let (_c, peer) = server.accept().unwrap();
    assert_eq!(peer, s.local_addr().unwrap());

    // Every address failing gives the last error; none at all is a named error.
    assert_eq!(
        create_connection(refused, None, None).unwrap_err(),
        Error::Os(Errno::CONNREFUSED)
    );
    let none: [SockAddr; 0] = [];
    assert_eq!(
        create_connection(none, None, None).unwrap_err(),
        Error::Input(InputError::NoAddresses)
    );
}

#[test]
fn options_set_and_read_back() {
    let listener = TcpListener::bind(v4_any_port()).unwrap();
    let s = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    s.set_nodelay(true).unwrap();
    assert!(s.nodelay().unwrap());
    s.set_nodelay(false).unwrap();
    assert!(!s.nodelay().unwrap());
    s.set_ttl(42).unwrap();
    assert_eq!(s.ttl().unwrap(), 42);
    assert_eq!(s.set_ttl(0).unwrap_err(), Error::Os(Errno::INVAL));
    assert_eq!(s.set_ttl(256).unwrap_err(), Error::Os(Errno::INVAL));
    let sock = s.as_socket();
    sock.set_keepalive(true).unwrap();
    assert!(sock.keepalive().unwrap());
    assert_eq!(sock.linger().unwrap(), None);
    sock.set_linger(Some(Duration::from_millis(1500))).unwrap();
    assert_eq!(
        sock.linger().unwrap(),
        Some(Duration::from_secs(2)),
        "rounded up to whole seconds"
    );
    sock.set_linger(None).unwrap();
    assert_eq!(sock.linger().unwrap(), None);
    assert_eq!(
        sock.set_linger(Some(Duration::from_secs(1 << 40)))
            .unwrap_err(),
        Error::Input(InputError::DurationOutOfRange)
    );
    sock.set_send_buffer_size(64 * 1024).unwrap();
    assert!(sock.send_buffer_size().unwrap() >= 64 * 1024);
    sock.set_recv_buffer_size(32 * 1024).unwrap();
    assert!(sock.recv_buffer_size().unwrap() >= 32 * 1024);
    assert_eq!(sock.protocol().unwrap(), Protocol::TCP);
    assert!(sock.take_error().unwrap().is_none());
}

#[test]
fn ipv6_options() {
    if !has_ipv6() {
        skip!("no IPv6 loopback on this host");
    }
    let s = Socket::new(Family::INET6, Type::STREAM, Protocol::DEFAULT).unwrap();
    s.set_unicast_hops_v6(7).unwrap();
    assert_eq!(s.unicast_hops_v6().unwrap(), 7);
    assert_eq!(
        s.set_unicast_hops_v6(256).unwrap_err(),
        Error::Os(Errno::INVAL)
    );
    s.set_only_v6(true).unwrap();
    assert!(s.only_v6().unwrap());
}

#[test]
fn refused_connect_and_typed_mismatches() {
    let err = TcpStream::connect("127.0.0.1:1".parse::<SocketAddr>().unwrap()).unwrap_err();
    assert_eq!(err, Error::Os(Errno::CONNREFUSED));
    assert_eq!(
        err.to_string(),
        "ECONNREFUSED: Connection refused (os error 111)"
    );

    let udp = Socket::new(Family::INET, Type::DGRAM, Protocol::DEFAULT).unwrap();
    assert_eq!(
        TcpStream::try_from(udp).unwrap_err().error,
        Error::Input(InputError::TypeMismatch {
            expected: Type::STREAM,
            found: Type::DGRAM
        })
    );
    let unix = Socket::new(Family::UNIX, Type::STREAM, Protocol::DEFAULT).unwrap();
    assert_eq!(
        TcpStream::try_from(unix).unwrap_err().error,
        Error::Input(InputError::WrongFamily {
            expected: Family::INET,
            found: Family::UNIX
        })
    );
    let tcp = Socket::new(Family::INET6, Type::STREAM, Protocol::DEFAULT).unwrap();
    assert!(TcpStream::try_from(tcp).is_ok());
}

#[test]
fn send_all_reports_bytes_sent_when_the_peer_is_gone() {
    let listener = TcpListener::bind(v4_any_port()).unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (conn, _) = listener.accept().unwrap();
    // The peer resets the connection on close (linger 0), so writes fail with EPIPE/ECONNRESET.
    conn.as_socket().set_linger(Some(Duration::ZERO)).unwrap();
    drop(conn);
    std::thread::sleep(Duration::from_millis(50));
    let big = vec![7u8; 1 << 20];
    let err = client.send_all(&big).unwrap_err();
    match err {
        Error::Partial {
            sent,
            cause: baresock::PartialCause::Os(e),
        } => {
            assert!(sent < big.len());
            assert!(e == Errno::PIPE || e == Errno::CONNRESET, "{e:?}");
        }
        other => panic!("expected Partial, got {other:?}"),
    }
}

#[test]
fn accepted_socket_takes_the_listener_family() {
    let listener = TcpListener::bind(v4_any_port()).unwrap();
    let _c = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (conn, _) = listener.accept().unwrap();
    assert_eq!(conn.as_socket().family().unwrap(), Family::INET);
    assert_eq!(conn.as_socket().socket_type().unwrap(), Type::STREAM);
}

#[test]
fn unknown_flag_bits_never_reach_the_kernel() {
    // MSG_TRUNC (0x20) on a TCP receive would make the kernel discard the data.
    let listener = TcpListener::bind(v4_any_port()).unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (conn, _) = listener.accept().unwrap();
    client.send_all(b"secret").unwrap();
    let mut buf = [0u8; 6];
    let smuggled = baresock::RecvFlags::from_bits_retain(0x20);
    assert_eq!(conn.as_socket().recv_with(&mut buf, smuggled).unwrap(), 6);
    assert_eq!(&buf, b"secret", "the data was copied, not discarded");
}

#[test]
fn text_addresses_and_zero_connect_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let text = format!("127.0.0.1:{port}");
    let s = TcpStream::connect(text.as_str()).unwrap();
    assert_eq!(s.peer_addr().unwrap().port(), port);
    assert_eq!(
        TcpStream::connect("localhost:80").unwrap_err(),
        Error::Address(AddressError::Invalid)
    );
    assert_eq!(
        TcpStream::connect_timeout(listener.local_addr().unwrap(), Duration::ZERO).unwrap_err(),
        Error::Input(InputError::ZeroTimeout)
    );
}

#[test]
fn listener_on_any_v6_follows_the_system_default() {
    if !has_ipv6() {
        skip!("no IPv6 loopback on this host");
    }
    let bindv6only = std::fs::read_to_string("/proc/sys/net/ipv6/bindv6only").unwrap_or_default();
    if bindv6only.trim() != "0" {
        skip!("net.ipv6.bindv6only is {} here", bindv6only.trim());
    }
    let l = TcpListener::bind("[::]:0").unwrap();
    assert!(!l.as_socket().only_v6().unwrap());
    let port = l.local_addr().unwrap().port();
    TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).unwrap();
}

#[test]
fn huge_durations_are_named_errors_not_overflows() {
    let s = Socket::new(Family::INET, Type::STREAM, Protocol::DEFAULT).unwrap();
    assert_eq!(
        s.set_linger(Some(Duration::MAX)).unwrap_err(),
        Error::Input(InputError::DurationOutOfRange)
    );
    assert_eq!(
        s.set_kernel_recv_timeout(Some(Duration::MAX)).unwrap_err(),
        Error::Input(InputError::DurationOutOfRange)
    );
    assert_eq!(
        s.set_kernel_send_timeout(Some(Duration::MAX)).unwrap_err(),
        Error::Input(InputError::DurationOutOfRange)
    );
    assert_eq!(s.linger().unwrap(), None, "nothing was set");
}

#[cfg(feature = "std")]
#[test]
fn vectored_reads_and_writes_use_every_buffer() {
    use std::io::{IoSlice, IoSliceMut, Read, Write};
    let listener = TcpListener::bind(v4_any_port()).unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (mut conn, _) = listener.accept().unwrap();
    let n = client
        .write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"cd")])
        .unwrap();
    assert_eq!(n, 4);
    let (mut x, mut y) = ([0u8; 1], [0u8; 8]);
    let mut got = 0;
    while got < 4 {
        let mut bufs = [
            IoSliceMut::new(&mut x[got.min(1)..]),
            IoSliceMut::new(&mut y[got.saturating_sub(1)..]),
        ];
        got += conn.read_vectored(&mut bufs).unwrap();
    }
    assert_eq!((&x, &y[..3]), (b"a", &b"bcd"[..]));
}

#[test]
fn raw_options() {
    let s = Socket::new(Family::INET, Type::STREAM, Protocol::DEFAULT).unwrap();
    s.set_option_raw(
        libc::IPPROTO_TCP as u32,
        libc::TCP_NODELAY as u32,
        &1i32.to_ne_bytes(),
    )
    .unwrap();
    assert!(s.tcp_nodelay().unwrap());
    let mut v = [0u8; 4];
    assert_eq!(
        s.option_raw(libc::IPPROTO_TCP as u32, libc::TCP_NODELAY as u32, &mut v)
            .unwrap(),
        4
    );
    assert_eq!(i32::from_ne_bytes(v), 1);
    assert_eq!(
        s.set_option_raw(libc::SOL_SOCKET as u32, 0xdead, &[0; 4])
            .unwrap_err(),
        Error::Os(Errno::NOPROTOOPT)
    );
}
