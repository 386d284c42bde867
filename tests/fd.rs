//! Wrapping file descriptors: from_fd, duplicate, From<OwnedFd>, and what is not a socket.
#![allow(unsafe_code)] // a test or example may use libc and raw fds itself; the library may not

mod common;

use baresock::InputError;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, IntoRawFd, OwnedFd};
use std::time::Duration;

use baresock::{
    Errno, Error, Family, Protocol, Socket, TcpListener, TcpStream, Type, UnixListener, UnixStream,
};
use common::*;

#[test]
fn from_fd_detects_family_type_protocol() {
    let std_sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let local = std_sock.local_addr().unwrap();
    let s = Socket::from_fd(OwnedFd::from(std_sock)).unwrap();
    assert_eq!(s.family().unwrap(), Family::INET);
    assert_eq!(s.socket_type().unwrap(), Type::DGRAM);
    assert_eq!(s.protocol().unwrap(), Protocol::UDP);
    assert_eq!(s.local_addr().unwrap(), local.into());
    assert_eq!(s.timeout(), None, "a blocking fd reports blocking mode");
}

#[test]
fn duplicate_leaves_the_original_open() {
    let (a, b) = UnixStream::pair().unwrap();
    let dup = Socket::duplicate(a.as_fd()).unwrap();
    assert_ne!(dup.as_raw_fd(), a.as_raw_fd());
    assert_eq!(dup.family().unwrap(), Family::UNIX);
    drop(dup);
    a.send_all(b"still open").unwrap();
    let mut buf = [0u8; 10];
    assert_eq!(b.recv(&mut buf).unwrap(), 10);
}

#[test]
fn not_a_socket_hands_the_fd_back() {
    let (r, _w) = rustix::pipe::pipe().unwrap();
    let raw = r.as_raw_fd();
    let err = Socket::from_fd(r).unwrap_err();
    assert_eq!(err.error, Error::Os(Errno::NOTSOCK));
    assert_eq!(err.fd.as_raw_fd(), raw, "the same fd, still open");
    assert_eq!(
        Socket::duplicate(err.fd.as_fd()).unwrap_err(),
        Error::Os(Errno::NOTSOCK)
    );
    // Through From<OwnedFd> nothing is refused; asking for the family says it.
    let wrapped = Socket::from(err.fd);
    assert_eq!(wrapped.family().unwrap_err(), Error::Os(Errno::NOTSOCK));
}

/// Families and types are open: a netlink socket made outside the crate is wrapped, reports
/// its family, and its address is decoded (`SockAddr::Netlink`).
#[test]
fn any_family_is_wrapped() {
    let nl = rustix::net::socket(
        rustix::net::AddressFamily::NETLINK,
        rustix::net::SocketType::DGRAM,
        None,
    )
    .unwrap();
    let s = Socket::from_fd(nl).unwrap();
    assert_eq!(s.family().unwrap(), Family::NETLINK);
    assert_eq!(s.socket_type().unwrap(), Type::DGRAM);
    // Its address is a `sockaddr_nl`, decoded, not an error and not a panic.
    let local = s.local_addr().unwrap();
    assert!(matches!(local, baresock::SockAddr::Netlink(_)), "{local:?}");
    assert_eq!(local.family(), Family::NETLINK);
    // And a socket of it can be made directly, as Python's `socket(AF_NETLINK, ...)`.
    let made = Socket::new(Family::NETLINK, Type::RAW, Protocol::from_raw(0)).unwrap();
    assert_eq!(made.family().unwrap(), Family::NETLINK);
    assert_eq!(made.socket_type().unwrap(), Type::RAW);
    // A typed socket still refuses it, and hands it back.
    let refused = baresock::UdpSocket::try_from(made).unwrap_err();
    assert!(matches!(
        refused.error,
        Error::Input(InputError::WrongFamily { .. })
    ));
    assert_eq!(refused.socket.family().unwrap(), Family::NETLINK);
}

/// An address as bytes goes to the kernel as it is: a netlink socket bound to a `sockaddr_nl`
/// of its own choosing (port id 0: the kernel assigns one); the kernel's answer comes back
/// decoded.
#[test]
fn raw_addresses_bind_a_family_without_a_typed_address() {
    let s = Socket::new(Family::NETLINK, Type::RAW, Protocol::from_raw(0)).unwrap();
    // struct sockaddr_nl: family, pad, pid (0: assigned), groups.
    let mut nl = [0u8; 12];
    nl[..2].copy_from_slice(&Family::NETLINK.as_raw().to_ne_bytes());
    s.bind(baresock::RawAddr::new(&nl).unwrap()).unwrap();
    let local = s.local_addr().unwrap();
    let Ok(nl) = baresock::NetlinkAddr::try_from(local) else {
        panic!("not a netlink address: {local:?}");
    };
    assert_ne!(nl.port_id(), 0, "the kernel assigned a port id");
    // A typed address to it is refused by the kernel, not by a guess of the crate's.
    let v4: std::net::SocketAddr = "127.0.0.1:1".parse().unwrap();
    assert!(matches!(s.connect(v4), Err(Error::Os(_))));
}

#[test]
fn any_type_is_wrapped() {
    assert_eq!(Type::from_raw(10).as_raw(), 10);
    assert_eq!(format!("{:?}", Type::from_raw(10)), "Type(10)");
    assert_eq!(format!("{:?}", Family::from_raw(9999)), "Family(9999)");
    if !is_root() {
        skip!("SOCK_PACKET needs CAP_NET_RAW");
    }
    // The obsolete SOCK_PACKET (10) type, which this crate has no name for.
    let fd = rustix::net::socket(
        rustix::net::AddressFamily::PACKET,
        rustix::net::SocketType::from_raw(10),
        None,
    )
    .unwrap();
    let s = Socket::from_fd(fd).unwrap();
    assert_eq!(s.socket_type().unwrap(), Type::from_raw(10));
    assert_eq!(s.family().unwrap(), Family::PACKET);
}

/// Socket activation: an fd of unknown kind is tried as one typed socket, then another. A
/// failed `TryFrom<Socket>` hands the socket back, open (it used to close it).
#[test]
fn try_from_socket_hands_the_socket_back() {
    let dir = std::env::temp_dir().join(format!("baresock-tryfrom-{}", std::process::id()));
    let _ = std::fs::remove_file(&dir);
    let std_listener = std::os::unix::net::UnixListener::bind(&dir).unwrap();
    let raw = std_listener.as_raw_fd();
    let socket = Socket::from_fd(OwnedFd::from(std_listener)).unwrap();

    let refused = TcpListener::try_from(socket).unwrap_err();
    assert_eq!(
        refused.error,
        Error::Input(InputError::WrongFamily {
            expected: Family::INET,
            found: Family::UNIX
        })
    );
    assert_eq!(refused.socket.as_raw_fd(), raw, "the same fd, still open");
    // The wrong type of the right family is handed back too.
    let refused = baresock::UnixDatagram::try_from(refused.socket).unwrap_err();
    assert_eq!(
        refused.error,
        Error::Input(InputError::TypeMismatch {
            expected: Type::DGRAM,
            found: Type::STREAM
        })
    );
    assert_eq!(refused.socket.as_raw_fd(), raw);
    let listener = UnixListener::try_from(refused.socket).unwrap();
    assert_eq!(listener.as_raw_fd(), raw);
    // It works: a client connects and is accepted.
    let _client = std::os::unix::net::UnixStream::connect(&dir).unwrap();
    let (_conn, _) = listener.accept().unwrap();
    let _ = std::fs::remove_file(&dir);

    // With `?` the error converts to `Error` (and the socket is closed).
    fn as_tcp(s: Socket) -> baresock::Result<TcpStream> {
        Ok(TcpStream::try_from(s)?)
    }
    let udp = Socket::new(Family::INET, Type::DGRAM, Protocol::DEFAULT).unwrap();
    assert_eq!(
        as_tcp(udp).unwrap_err(),
        Error::Input(InputError::TypeMismatch {
            expected: Type::STREAM,
            found: Type::DGRAM
        })
    );
}

/// Every typed socket has every fd trait and conversion (`FromRawFd` was once listed by hand
/// and missing for three CAN sockets). Adding a typed socket means adding it here; a type
/// without one of the traits does not compile.
#[test]
fn every_typed_socket_has_every_fd_trait() {
    fn check<T>() -> &'static str
    where
        T: AsFd
            + AsRawFd
            + IntoRawFd
            + FromRawFd
            + From<OwnedFd>
            + Into<OwnedFd>
            + TryFrom<Socket, Error = baresock::FromSocketError>
            + Into<Socket>
            + std::fmt::Debug,
    {
        std::any::type_name::<T>()
    }
    use baresock::{
        PacketSocket, RawSocket, TcpListener, UdpSocket, UnixDatagram, UnixSeqpacket,
        UnixSeqpacketListener,
    };
    let names = [
        check::<TcpListener>(),
        check::<TcpStream>(),
        check::<UdpSocket>(),
        check::<UnixListener>(),
        check::<UnixStream>(),
        check::<UnixDatagram>(),
        check::<UnixSeqpacketListener>(),
        check::<UnixSeqpacket>(),
        check::<PacketSocket>(),
        check::<RawSocket>(),
    ];
    assert_eq!(names.len(), 10);
    #[cfg(feature = "can")]
    {
        use baresock::can::{BcmSocket, CanSocket, IsoTpSocket, J1939Socket};
        let can = [
            check::<CanSocket>(),
            check::<BcmSocket>(),
            check::<IsoTpSocket>(),
            check::<J1939Socket>(),
        ];
        assert_eq!(can.len(), 4);
    }
    // And the untyped socket has the raw-fd ones.
    fn raw<T: AsFd + AsRawFd + IntoRawFd + FromRawFd + From<OwnedFd> + Into<OwnedFd>>() {}
    raw::<Socket>();
    // The round trip through a raw fd, for one of the types that lacked it.
    #[cfg(feature = "can")]
    {
        let s = Socket::new(Family::UNIX, Type::DGRAM, Protocol::DEFAULT).unwrap();
        let fd = s.into_raw_fd();
        // SAFETY: `fd` came from into_raw_fd just above and is owned by nothing else.
        let b = unsafe { baresock::can::BcmSocket::from_raw_fd(fd) };
        assert_eq!(b.as_raw_fd(), fd);
    }
}

#[test]
fn raw_fd_traits_round_trip() {
    let (a, _b) = UnixStream::pair().unwrap();
    let raw = a.into_raw_fd();
    // SAFETY: `raw` came from into_raw_fd just above and is owned by nothing else.
    let back = unsafe { UnixStream::from_raw_fd(raw) };
    assert_eq!(back.as_raw_fd(), raw);
    let sock: Socket = back.into();
    assert_eq!(sock.socket_type().unwrap(), Type::STREAM);
}

#[test]
fn from_fd_applies_the_default_timeout_and_reads_the_mode() {
    // A non-blocking fd reports non-blocking mode.
    let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    let s = Socket::from_fd(OwnedFd::from(a)).unwrap();
    assert_eq!(s.timeout(), Some(Duration::ZERO));
    let mut buf = [0u8; 4];
    assert_eq!(s.recv(&mut buf).unwrap_err(), Error::WouldBlock);
    // The same for a typed socket made with From<OwnedFd>.
    let (c, _d) = std::os::unix::net::UnixStream::pair().unwrap();
    c.set_nonblocking(true).unwrap();
    let t = TcpStream::from(OwnedFd::from(c));
    assert_eq!(t.timeout(), Some(Duration::ZERO));
    assert_eq!(t.recv(&mut buf).unwrap_err(), Error::WouldBlock);
    assert_eq!(Errno::AGAIN, Error::WouldBlock.errno().unwrap());
}

#[test]
fn datagrams_of_unsupported_families_are_not_cut_silently() {
    // A netlink socket: a family this crate does not support, message-based all the same.
    let nl = rustix::net::socket(
        rustix::net::AddressFamily::NETLINK,
        rustix::net::SocketType::RAW,
        None, // NETLINK_ROUTE
    )
    .unwrap();
    let s = Socket::from(nl);
    // RTM_GETLINK dump request: nlmsghdr (16 bytes) + ifinfomsg (16 bytes).
    let mut req = [0u8; 32];
    req[0..4].copy_from_slice(&32u32.to_ne_bytes());
    req[4..6].copy_from_slice(&18u16.to_ne_bytes()); // RTM_GETLINK
    req[6..8].copy_from_slice(&(0x1u16 | 0x300).to_ne_bytes()); // NLM_F_REQUEST | NLM_F_DUMP
    let kernel = rustix::net::netlink::SocketAddrNetlink::new(0, 0);
    rustix::net::sendto(&s, &req, rustix::net::SendFlags::empty(), &kernel).unwrap();
    let mut small = [0u8; 16];
    match s.recv(&mut small) {
        Err(Error::Truncated { len }) => assert!(len > 16),
        other => panic!("expected Truncated, got {other:?}"),
    }
}
