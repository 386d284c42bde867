//! What a `std::net` user expects of the typed sockets: multicast on `UdpSocket`, linger on
//! `TcpStream`, and `hostname()` (Python's `gethostname`).

mod common;

use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use baresock::{Errno, Error, TcpListener, TcpStream, UdpSocket};
use common::*;

#[test]
fn udp_multicast_methods_forward_to_the_socket() {
    let s = UdpSocket::bind(v4_any_port()).unwrap();
    s.set_multicast_loop_v4(false).unwrap();
    assert!(!s.multicast_loop_v4().unwrap());
    assert!(!s.as_socket().multicast_loop_v4().unwrap());
    s.set_multicast_loop_v4(true).unwrap();
    assert!(s.multicast_loop_v4().unwrap());
    qemu_gap!(s.set_multicast_ttl_v4(7)).unwrap();
    assert_eq!(s.multicast_ttl_v4().unwrap(), 7);
    let group = Ipv4Addr::new(239, 255, 0, 9);
    // A unicast address is not a group.
    assert_eq!(
        s.join_multicast_v4(&Ipv4Addr::LOCALHOST, &Ipv4Addr::UNSPECIFIED)
            .unwrap_err(),
        Error::Os(Errno::INVAL)
    );
    // On the loopback interface, named by its address as std names it.
    qemu_gap!(s.join_multicast_v4(&group, &Ipv4Addr::LOCALHOST)).unwrap();
    // Joined: joining again is the kernel's EADDRINUSE, leaving works once.
    assert_eq!(
        s.join_multicast_v4(&group, &Ipv4Addr::LOCALHOST)
            .unwrap_err(),
        Error::Os(Errno::ADDRINUSE)
    );
    s.leave_multicast_v4(&group, &Ipv4Addr::LOCALHOST).unwrap();
    // Leaving a group not joined.
    assert_eq!(
        s.leave_multicast_v4(&Ipv4Addr::new(239, 255, 0, 10), &Ipv4Addr::LOCALHOST)
            .unwrap_err(),
        Error::Os(Errno::ADDRNOTAVAIL)
    );

    let Ok(s6) = UdpSocket::bind("[::1]:0".parse::<std::net::SocketAddr>().unwrap()) else {
        skip!("no IPv6 here");
    };
    s6.set_multicast_loop_v6(false).unwrap();
    assert!(!s6.multicast_loop_v6().unwrap());
    let group6: Ipv6Addr = "ff02::1:3".parse().unwrap();
    let lo = baresock::interface_index("lo").unwrap();
    qemu_gap!(s6.join_multicast_v6(&group6, lo)).unwrap();
    s6.leave_multicast_v6(&group6, lo).unwrap();
    // A unicast address is not a group.
    assert_eq!(
        s6.join_multicast_v6(&Ipv6Addr::LOCALHOST, 0).unwrap_err(),
        Error::Os(Errno::INVAL)
    );
}

#[test]
fn tcp_linger_forwards_to_the_socket() {
    let l = TcpListener::bind(v4_any_port()).unwrap();
    let s = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    assert_eq!(s.linger().unwrap(), None);
    s.set_linger(Some(Duration::from_secs(3))).unwrap();
    assert_eq!(s.linger().unwrap(), Some(Duration::from_secs(3)));
    assert_eq!(
        s.as_socket().linger().unwrap(),
        Some(Duration::from_secs(3))
    );
    s.set_linger(None).unwrap();
    assert_eq!(s.linger().unwrap(), None);
}

#[test]
fn hostname_is_unames_nodename() {
    let name = baresock::hostname();
    let proc = std::fs::read("/proc/sys/kernel/hostname").unwrap();
    let proc = proc.strip_suffix(b"\n").unwrap_or(&proc);
    assert_eq!(name.as_bytes(), proc);
    if let Ok(out) = std::process::Command::new("uname").arg("-n").output() {
        let out = out
            .stdout
            .strip_suffix(b"\n")
            .unwrap_or(&out.stdout)
            .to_vec();
        assert_eq!(name.as_bytes(), &out[..]);
    }
    assert!(name.as_bytes().len() <= baresock::HOSTNAME_MAX);
    if let Some(text) = name.as_str() {
        assert_eq!(name.to_string(), text);
        assert_eq!(format!("{name:?}"), format!("Hostname({text:?})"));
    }
    assert_eq!(baresock::hostname(), name, "Copy, Eq: the same name twice");
}
