//! Multipath TCP: MPTCP servers and clients (`MptcpMode`), `MPTCP_INFO`, what
//! `mptcp_status` reports on each end (MPTCP, fallen back, plain), and a namespace with MPTCP
//! switched off (`net.mptcp.enabled=0`): `Require` is the named error, `Prefer` plain TCP.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use baresock::{
    create_connection_mptcp, create_server, Errno, Error, Family, KernelFeature, MptcpMode,
    MptcpStatus, Protocol, ServerOptions, Socket, TcpListener, TcpStream, Type, Unsupported,
};
use common::*;

fn server(addr: SocketAddr, mptcp: MptcpMode) -> TcpListener {
    create_server(
        addr,
        ServerOptions {
            mptcp,
            ..Default::default()
        },
    )
    .unwrap()
}

/// Whether this kernel makes MPTCP sockets; the reason where not.
fn mptcp_missing() -> Option<String> {
    match Socket::new(Family::INET, Type::STREAM, Protocol::MPTCP) {
        Ok(_) => None,
        Err(Error::Unsupported(u)) => Some(format!("the kernel refuses MPTCP sockets ({u})")),
        Err(e) => panic!("an MPTCP socket: {e}"),
    }
}

/// `$s.mptcp_info()`; under qemu-user, which answers no `SOL_MPTCP` option (so the crate
/// reports an errno, or names MPTCP_INFO missing where the socket runs MPTCP), the test prints
/// `skipped:` and returns.
macro_rules! mptcp_info {
    ($s:expr) => {
        match $s.mptcp_info() {
            Err(e) if under_qemu_user() => skip!("qemu-user does not emulate SOL_MPTCP ({e:?})"),
            other => other,
        }
    };
}

/// What `mptcp_info` of a socket that runs MPTCP gives before Linux 5.16 (and only there:
/// the tests check the kernel's version when they see it).
const NO_MPTCP_INFO: Error = Error::Unsupported(Unsupported {
    feature: KernelFeature::MptcpInfo,
    errno: Errno::OPNOTSUPP,
});

/// Sends `msg` from `a`, reads it on `b`, and back.
fn exchange(a: &TcpStream, b: &TcpStream, msg: &[u8]) {
    let mut buf = [0u8; 64];
    a.send_all(msg).unwrap();
    let mut got = 0;
    while got < msg.len() {
        got += b.recv(&mut buf[got..]).unwrap();
    }
    assert_eq!(&buf[..got], msg);
    b.send_all(b"ack").unwrap();
    let mut n = 0;
    while n < 3 {
        n += a.recv(&mut buf[n..]).unwrap();
    }
    assert_eq!(&buf[..3], b"ack");
}

fn pair(server: &TcpListener, mptcp: MptcpMode) -> (TcpStream, TcpStream) {
    let client = create_connection_mptcp(
        server.local_addr().unwrap(),
        Some(Duration::from_secs(5)),
        None,
        mptcp,
    )
    .unwrap();
    server.set_timeout(Some(Duration::from_secs(5))).unwrap();
    let (conn, peer) = server.accept().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    conn.set_timeout(Some(Duration::from_secs(5))).unwrap();
    (client, conn)
}

fn mptcp_over(addr: SocketAddr) {
    let srv = server(addr, MptcpMode::Require);
    assert_eq!(srv.as_socket().protocol().unwrap(), Protocol::MPTCP);
    assert_eq!(srv.mptcp_status().unwrap(), MptcpStatus::Active);
    let (client, conn) = pair(&srv, MptcpMode::Require);
    exchange(&client, &conn, b"multipath hello");
    for (end, s) in [("client", &client), ("server", &conn)] {
        assert_eq!(s.as_socket().protocol().unwrap(), Protocol::MPTCP, "{end}");
        assert_eq!(s.mptcp_status().unwrap(), MptcpStatus::Active, "{end}");
    }
    // Last: qemu-user answers no SOL_MPTCP option (EOPNOTSUPP), and skips the rest.
    for (end, s) in [("client", &client), ("server", &conn)] {
        let info = match mptcp_info!(s) {
            // No MPTCP_INFO before Linux 5.16: the named error, not a bare EOPNOTSUPP.
            Err(e) if e == NO_MPTCP_INFO && kernel_before(5, 16) => continue,
            r => r.unwrap(),
        };
        // Measured on 6.18: one path over the loopback is no extra subflow, one in all; the
        // peer's key arrived, no fallback. Linux 6.1 answers 48 bytes: no byte counters.
        assert_eq!(info.subflows, 0, "{end}: {info:?}");
        assert!(info.remote_key_received(), "{end}: {info:?}");
        assert!(!info.fell_back(), "{end}: {info:?}");
        assert_ne!(info.token, 0, "{end}: {info:?}");
        assert!(info.write_seq != 0 && info.rcv_nxt != 0, "{end}: {info:?}");
        if let Some(total) = info.subflows_total {
            assert_eq!(total, 1, "{end}: {info:?}");
        }
        if let Some(sent) = info.bytes_sent {
            let least = if end == "client" { 15 } else { 3 };
            assert!(sent >= least, "{end}: {info:?}");
            assert!(info.bytes_received.unwrap() >= 3, "{end}: {info:?}");
        }
    }
}

#[test]
fn mptcp_server_and_client_exchange_data_over_ipv4() {
    if let Some(why) = mptcp_missing() {
        skip!("{why}");
    }
    mptcp_over(v4_any_port());
}

#[test]
fn mptcp_server_and_client_exchange_data_over_ipv6() {
    if let Some(why) = mptcp_missing() {
        skip!("{why}");
    }
    if !has_ipv6() {
        skip!("no IPv6 loopback");
    }
    mptcp_over(v6_any_port());
}

#[test]
fn the_listener_answers_mptcp_info() {
    if let Some(why) = mptcp_missing() {
        skip!("{why}");
    }
    let srv = server(v4_any_port(), MptcpMode::Require);
    let info = match mptcp_info!(srv.as_socket()) {
        Err(e) if e == NO_MPTCP_INFO && kernel_before(5, 16) => {
            skip!("this kernel has no MPTCP_INFO (needs Linux 5.16)")
        }
        r => r.unwrap(),
    };
    assert_eq!((info.subflows, info.flags), (0, 0), "{info:?}");
}

fn plain_client_to_mptcp_server(addr: SocketAddr, info_errno: Errno) {
    let srv = server(addr, MptcpMode::Require);
    let (client, conn) = pair(&srv, MptcpMode::Off);
    exchange(&client, &conn, b"plain hello");
    assert_eq!(client.mptcp_status().unwrap(), MptcpStatus::NotMptcp);
    // The kernel hands the listener's plain client over as a TCP socket: only the crate's
    // memory of the listener says it fell back.
    assert_eq!(conn.as_socket().protocol().unwrap(), Protocol::TCP);
    assert_eq!(conn.mptcp_status().unwrap(), MptcpStatus::FellBack);
    // Last (qemu-user answers no SOL_MPTCP option): a TCP socket answers MPTCP_INFO as IPv4
    // (EOPNOTSUPP) or IPv6 (ENOPROTOOPT) answers a level it does not know.
    for s in [&client, &conn] {
        assert_eq!(mptcp_info!(s).unwrap_err(), Error::Os(info_errno));
    }
}

#[test]
fn a_plain_tcp_client_reaches_an_mptcp_server_which_sees_the_fallback() {
    if let Some(why) = mptcp_missing() {
        skip!("{why}");
    }
    plain_client_to_mptcp_server(v4_any_port(), Errno::OPNOTSUPP);
    if has_ipv6() {
        plain_client_to_mptcp_server(v6_any_port(), Errno::NOPROTOOPT);
    }
}

#[test]
fn an_mptcp_client_to_a_plain_server_falls_back() {
    if let Some(why) = mptcp_missing() {
        skip!("{why}");
    }
    let srv = server(v4_any_port(), MptcpMode::Off);
    assert_eq!(srv.mptcp_status().unwrap(), MptcpStatus::NotMptcp);
    let (client, conn) = pair(&srv, MptcpMode::Require);
    exchange(&client, &conn, b"fallback hello");
    // Still an MPTCP socket, running plain TCP underneath.
    assert_eq!(client.as_socket().protocol().unwrap(), Protocol::MPTCP);
    assert_eq!(client.mptcp_status().unwrap(), MptcpStatus::FellBack);
    assert_eq!(conn.mptcp_status().unwrap(), MptcpStatus::NotMptcp);
    // Last (qemu-user answers no SOL_MPTCP option): the fallen-back MPTCP socket passes the
    // option to its TCP subflow, which does not know the level.
    assert_eq!(
        mptcp_info!(client).unwrap_err(),
        Error::Os(Errno::OPNOTSUPP)
    );
}

#[test]
fn a_typed_stream_takes_an_mptcp_socket() {
    if let Some(why) = mptcp_missing() {
        skip!("{why}");
    }
    let srv =
        TcpListener::try_from(Socket::new(Family::INET, Type::STREAM, Protocol::MPTCP).unwrap());
    assert!(srv.is_ok());
    let srv = server(v4_any_port(), MptcpMode::Require);
    let (client, _conn) = pair(&srv, MptcpMode::Require);
    let again = TcpStream::try_from(client.into_socket()).unwrap();
    assert_eq!(again.mptcp_status().unwrap(), MptcpStatus::Active);
    // An fd wrapped from elsewhere is judged by its protocol.
    let fd: std::os::fd::OwnedFd = again.into();
    let wrapped = TcpStream::try_from(Socket::from_fd(fd).unwrap()).unwrap();
    assert_eq!(wrapped.mptcp_status().unwrap(), MptcpStatus::Active);
}

#[test]
fn off_is_plain_tcp_and_only_ip_takes_mptcp() {
    let srv = server(v4_any_port(), MptcpMode::Off);
    assert_eq!(srv.as_socket().protocol().unwrap(), Protocol::TCP);
    let (client, _conn) = pair(&srv, MptcpMode::Off);
    assert_eq!(client.as_socket().protocol().unwrap(), Protocol::TCP);
    // A Unix address cannot be MPTCP.
    let unix = baresock::SockAddr::Unix(baresock::UnixAddr::new_abstract(b"bs-mptcp").unwrap());
    let r = create_connection_mptcp(unix, None, None, MptcpMode::Prefer);
    assert!(
        matches!(
            r,
            Err(Error::Address(
                baresock::AddressError::FamilyMismatch { .. }
            ))
        ),
        "{r:?}"
    );
    // Protocol 262 of another type or family is the kernel's errno, not the MPTCP error.
    let r = Socket::new(Family::INET, Type::DGRAM, Protocol::MPTCP);
    assert_eq!(r.unwrap_err(), Error::Os(Errno::PROTONOSUPPORT));
}

/// Writes `net.mptcp.enabled` of the calling thread's network namespace.
fn mptcp_enabled(on: bool) -> Result<(), String> {
    std::fs::write("/proc/sys/net/mptcp/enabled", if on { "1" } else { "0" })
        .map_err(|e| format!("/proc/sys/net/mptcp/enabled: {e}"))
}

#[cfg(feature = "netlink")]
fn loopback_up() -> Result<(), String> {
    let mut buf = common::rtnl::buffer();
    let mut nl = common::rtnl::open(&mut buf).map_err(|e| e.to_string())?;
    let lo = baresock::interface_index("lo").map_err(|e| e.to_string())?;
    nl.set_link(lo, &baresock::netlink::route::LinkChange::new().up(true))
        .map_err(|e| format!("lo up: {e}"))
}

#[cfg(not(feature = "netlink"))]
fn loopback_up() -> Result<(), String> {
    Err("bringing lo up needs the netlink feature".into())
}

#[test]
fn switched_off_require_is_the_named_error_and_prefer_plain_tcp() {
    if let Some(why) = mptcp_missing() {
        skip!("{why}");
    }
    let r = in_netns(|| -> Result<(), String> {
        mptcp_enabled(false)?;
        let off = Error::Unsupported(Unsupported {
            feature: KernelFeature::Mptcp,
            errno: Errno::NOPROTOOPT,
        });
        assert_eq!(
            Socket::new(Family::INET, Type::STREAM, Protocol::MPTCP).unwrap_err(),
            off
        );
        let err = create_server(
            v4_any_port(),
            ServerOptions {
                mptcp: MptcpMode::Require,
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err, off);
        assert!(err.is_unsupported());
        assert_eq!(err.errno(), Some(Errno::NOPROTOOPT));
        // The rest binds to 127.0.0.1: the namespace's loopback must be up.
        loopback_up()?;

        let srv = server(v4_any_port(), MptcpMode::Prefer);
        assert_eq!(srv.as_socket().protocol().unwrap(), Protocol::TCP);
        assert_eq!(srv.mptcp_status().unwrap(), MptcpStatus::Unavailable);
        let addr = srv.local_addr().unwrap();
        assert_eq!(
            create_connection_mptcp(addr, None, None, MptcpMode::Require).unwrap_err(),
            off
        );
        assert_eq!(
            TcpStream::connect_mptcp(addr, MptcpMode::Require).unwrap_err(),
            off
        );
        #[cfg(feature = "resolve")]
        {
            use baresock::resolve::{Paths, ResolvConf, Resolver};
            let resolver = Resolver::new(ResolvConf::default(), Paths::SYSTEM);
            let t = Some(Duration::from_secs(5));
            let port = addr.port();
            let r = resolver.connect_mptcp("127.0.0.1", port, t, None, MptcpMode::Require);
            assert_eq!(r.unwrap_err(), off);
            let s = resolver.connect_mptcp("127.0.0.1", port, t, None, MptcpMode::Prefer);
            assert_eq!(s.unwrap().mptcp_status().unwrap(), MptcpStatus::Unavailable);
            let _ = srv.accept().unwrap();
        }
        let (client, conn) = pair(&srv, MptcpMode::Prefer);
        exchange(&client, &conn, b"plain after all");
        assert_eq!(client.as_socket().protocol().unwrap(), Protocol::TCP);
        assert_eq!(client.mptcp_status().unwrap(), MptcpStatus::Unavailable);
        // What the plain listener accepts carries its answer.
        assert_eq!(conn.mptcp_status().unwrap(), MptcpStatus::Unavailable);

        // Back on: MPTCP again in the same namespace.
        mptcp_enabled(true)?;
        let srv = server(v4_any_port(), MptcpMode::Prefer);
        assert_eq!(srv.mptcp_status().unwrap(), MptcpStatus::Active);
        Ok(())
    });
    match r {
        Err(why) | Ok(Err(why)) => skip!("{why}"),
        Ok(Ok(())) => {}
    }
}

#[cfg(feature = "resolve")]
#[test]
fn happy_eyeballs_connects_over_mptcp() {
    use baresock::resolve::{Paths, ResolvConf, Resolver};
    if let Some(why) = mptcp_missing() {
        skip!("{why}");
    }
    let srv = server(v4_any_port(), MptcpMode::Require);
    let port = srv.local_addr().unwrap().port();
    let resolver = Resolver::new(ResolvConf::default(), Paths::SYSTEM);
    let t = Some(Duration::from_secs(5));
    let client = resolver
        .connect_mptcp("127.0.0.1", port, t, None, MptcpMode::Require)
        .unwrap();
    assert_eq!(client.as_socket().protocol().unwrap(), Protocol::MPTCP);
    assert_eq!(client.timeout(), t);
    let (conn, _) = srv.accept().unwrap();
    conn.set_timeout(t).unwrap();
    exchange(&client, &conn, b"by name");
    assert_eq!(client.mptcp_status().unwrap(), MptcpStatus::Active);
    // Off is the plain connect.
    let plain = resolver
        .connect_mptcp("127.0.0.1", port, t, None, MptcpMode::Off)
        .unwrap();
    assert_eq!(plain.mptcp_status().unwrap(), MptcpStatus::NotMptcp);
}

#[test]
fn a_dual_stack_mptcp_server_with_reuse_port_takes_ipv4_clients() {
    if let Some(why) = mptcp_missing() {
        skip!("{why}");
    }
    if !has_ipv6() {
        skip!("no IPv6 loopback");
    }
    let any6: SocketAddr = "[::]:0".parse().unwrap();
    let srv = create_server(
        any6,
        ServerOptions {
            mptcp: MptcpMode::Require,
            dual_stack: true,
            reuse_port: true,
            backlog: Some(4),
        },
    )
    .unwrap();
    assert!(srv.as_socket().reuse_port().unwrap());
    assert!(!srv.as_socket().only_v6().unwrap());
    let port = srv.local_addr().unwrap().port();
    let v4: SocketAddr = ([127, 0, 0, 1], port).into();
    let client = TcpStream::connect_mptcp(v4, MptcpMode::Require).unwrap();
    client.set_timeout(Some(Duration::from_secs(5))).unwrap();
    srv.set_timeout(Some(Duration::from_secs(5))).unwrap();
    let (conn, _) = srv.accept().unwrap();
    conn.set_timeout(Some(Duration::from_secs(5))).unwrap();
    exchange(&client, &conn, b"v4 to a v6 server");
    assert_eq!(conn.mptcp_status().unwrap(), MptcpStatus::Active);
}
