//! Every socket option: set, read back, and an invalid value refused with a named error.
//! One test per option, so that an option qemu-user does not emulate skips alone.

mod common;

use baresock::{AddressError, InputError};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use baresock::*;
use common::*;

fn tcp_pair() -> (TcpListener, TcpStream, TcpStream) {
    let l = TcpListener::bind(v4_any_port()).unwrap();
    let c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (s, _) = l.accept().unwrap();
    (l, c, s)
}

fn udp4() -> Socket {
    Socket::new(Family::INET, Type::DGRAM, Protocol::DEFAULT).unwrap()
}

fn udp6() -> Option<Socket> {
    has_ipv6().then(|| Socket::new(Family::INET6, Type::DGRAM, Protocol::DEFAULT).unwrap())
}

#[test]
fn bind_device() {
    let s = udp4();
    assert_eq!(qemu_gap!(s.bind_device()).unwrap(), None);
    if !is_root() {
        skip!("SO_BINDTODEVICE needs CAP_NET_RAW");
    }
    let lo = ShortName::new(b"lo").unwrap();
    qemu_gap!(s.set_bind_device(lo)).unwrap();
    assert_eq!(qemu_gap!(s.bind_device()).unwrap(), Some(lo));
    s.unbind_device().unwrap();
    s.set_bind_device("lo").unwrap();
    assert_eq!(s.bind_device().unwrap(), Some(lo));
    s.set_bind_device(b"lo").unwrap();
    assert_eq!(
        s.set_bind_device("no-such-if0").unwrap_err(),
        Error::Os(Errno::NODEV)
    );
    s.unbind_device().unwrap();
    assert_eq!(s.bind_device().unwrap(), None);
    assert_eq!(
        ShortName::new(b"sixteen-bytes-xx").unwrap_err(),
        Error::Address(AddressError::NameTooLong { len: 16 })
    );
    assert_eq!(
        ShortName::new(b"l\0").unwrap_err(),
        Error::Address(AddressError::NameNul)
    );
    // A name is checked as `ShortName::new` checks it, before the kernel sees it.
    assert_eq!(
        s.set_bind_device("sixteen-bytes-xx").unwrap_err(),
        Error::Address(AddressError::NameTooLong { len: 16 })
    );
    assert_eq!(
        s.set_bind_device("l\0").unwrap_err(),
        Error::Address(AddressError::NameNul)
    );
}

#[test]
fn mark() {
    let s = udp4();
    if !is_root() {
        assert_eq!(
            qemu_gap!(s.set_mark(7)).unwrap_err(),
            Error::Os(Errno::PERM)
        );
        skip!("SO_MARK needs CAP_NET_ADMIN");
    }
    qemu_gap!(s.set_mark(0xbeef)).unwrap();
    assert_eq!(s.mark().unwrap(), 0xbeef);
}

#[test]
fn priority() {
    let s = udp4();
    qemu_gap!(s.set_priority(5)).unwrap();
    assert_eq!(s.priority().unwrap(), 5);
    if !is_root() {
        assert_eq!(s.set_priority(7).unwrap_err(), Error::Os(Errno::PERM));
    }
}

#[test]
fn recv_low_water() {
    let (_l, c, _s) = tcp_pair();
    let s = c.as_socket();
    qemu_gap!(s.set_recv_low_water(100)).unwrap();
    assert_eq!(s.recv_low_water().unwrap(), 100);
}

#[test]
fn busy_poll() {
    let s = udp4();
    qemu_gap!(s.set_busy_poll(Duration::ZERO)).unwrap();
    assert_eq!(s.busy_poll().unwrap(), Duration::ZERO);
    if is_root() {
        s.set_busy_poll(Duration::from_micros(50)).unwrap();
        assert_eq!(s.busy_poll().unwrap(), Duration::from_micros(50));
    }
    assert_eq!(
        s.set_busy_poll(Duration::from_secs(1 << 40)).unwrap_err(),
        Error::Input(InputError::DurationOutOfRange)
    );
}

#[test]
fn incoming_cpu() {
    let s = udp4();
    let _ = qemu_gap!(s.incoming_cpu()).unwrap();
    qemu_gap!(s.set_incoming_cpu(0)).unwrap();
    assert_eq!(
        s.set_incoming_cpu(u32::MAX).unwrap_err(),
        Error::Os(Errno::INVAL)
    );
}

#[test]
fn tos() {
    let s = udp4();
    qemu_gap!(s.set_tos_v4(0x28)).unwrap();
    assert_eq!(s.tos_v4().unwrap(), 0x28);
}

#[test]
fn multicast_v4() {
    let s = udp4();
    qemu_gap!(s.set_multicast_ttl_v4(4)).unwrap();
    assert_eq!(s.multicast_ttl_v4().unwrap(), 4);
    s.set_multicast_loop_v4(false).unwrap();
    assert!(!s.multicast_loop_v4().unwrap());
    s.set_multicast_if_v4(MulticastInterface::Address(Ipv4Addr::LOCALHOST))
        .unwrap();
    assert_eq!(qemu_gap!(s.multicast_if_v4()).unwrap(), Ipv4Addr::LOCALHOST);
    let group = Ipv4Addr::new(239, 255, 0, 1);
    // A unicast address is not a group.
    assert_eq!(
        s.join_multicast_v4(Ipv4Addr::LOCALHOST, MulticastInterface::Index(1))
            .unwrap_err(),
        Error::Os(Errno::INVAL)
    );
    // No interface has this index.
    assert_eq!(
        s.join_multicast_v4(group, MulticastInterface::Index(1 << 30))
            .unwrap_err(),
        Error::Os(Errno::NODEV)
    );
    assert_eq!(
        s.join_multicast_v4(group, MulticastInterface::Index(u32::MAX))
            .unwrap_err(),
        Error::Os(Errno::NODEV)
    );
    // Joining on loopback (index 1) needs the loopback to take multicast; it does on Linux.
    qemu_gap!(s.join_multicast_v4(group, MulticastInterface::Index(1))).unwrap();
    assert_eq!(
        s.join_multicast_v4(group, MulticastInterface::Index(1))
            .unwrap_err(),
        Error::Os(Errno::ADDRINUSE),
        "joining twice"
    );
    s.leave_multicast_v4(group, MulticastInterface::Index(1))
        .unwrap();
    assert_eq!(
        s.leave_multicast_v4(group, MulticastInterface::Index(1))
            .unwrap_err(),
        Error::Os(Errno::ADDRNOTAVAIL)
    );
}

#[test]
fn multicast_v6() {
    let Some(s) = udp6() else {
        skip!("no IPv6 on this host")
    };
    qemu_gap!(s.set_multicast_hops_v6(3)).unwrap();
    assert_eq!(s.multicast_hops_v6().unwrap(), 3);
    s.set_multicast_loop_v6(false).unwrap();
    assert!(!s.multicast_loop_v6().unwrap());
    qemu_gap!(s.set_multicast_if_v6(1)).unwrap();
    assert_eq!(s.multicast_if_v6().unwrap(), 1);
    assert_eq!(
        s.set_multicast_if_v6(1 << 30).unwrap_err(),
        Error::Os(Errno::NODEV)
    );
    let group: Ipv6Addr = "ff02::1:3".parse().unwrap();
    assert_eq!(
        s.join_multicast_v6(&Ipv6Addr::LOCALHOST, 1).unwrap_err(),
        Error::Os(Errno::INVAL)
    );
    qemu_gap!(s.join_multicast_v6(&group, 1)).unwrap();
    s.leave_multicast_v6(&group, 1).unwrap();
}

#[test]
fn tclass_v6() {
    let Some(s) = udp6() else {
        skip!("no IPv6 on this host")
    };
    qemu_gap!(s.set_tclass_v6(0x20)).unwrap();
    assert_eq!(s.tclass_v6().unwrap(), 0x20);
}

#[test]
fn freebind_and_recv_err() {
    let s = udp4();
    qemu_gap!(s.set_freebind_v4(true)).unwrap();
    assert!(s.freebind_v4().unwrap());
    // With FREEBIND an address on no interface binds.
    s.bind("192.0.2.77:0".parse::<SockAddr>().unwrap()).unwrap();
    s.set_recv_err_v4(true).unwrap();
    assert!(s.recv_err_v4().unwrap());
    let t = udp4();
    assert_eq!(
        t.bind("192.0.2.78:0".parse::<SockAddr>().unwrap())
            .unwrap_err(),
        Error::Os(Errno::ADDRNOTAVAIL),
        "without FREEBIND it does not"
    );
}

#[test]
fn freebind_and_recv_err_v6() {
    let Some(s) = udp6() else {
        skip!("no IPv6 on this host")
    };
    qemu_gap!(s.set_freebind_v6(true)).unwrap();
    assert!(s.freebind_v6().unwrap());
    s.set_recv_err_v6(true).unwrap();
    assert!(s.recv_err_v6().unwrap());
}

#[test]
fn transparent() {
    let s = udp4();
    if !is_root() {
        assert_eq!(
            qemu_gap!(s.set_transparent_v4(true)).unwrap_err(),
            Error::Os(Errno::PERM)
        );
        skip!("IP_TRANSPARENT needs CAP_NET_ADMIN");
    }
    qemu_gap!(s.set_transparent_v4(true)).unwrap();
    assert!(s.transparent_v4().unwrap());
    if let Some(s6) = udp6() {
        qemu_gap!(s6.set_transparent_v6(true)).unwrap();
        assert!(s6.transparent_v6().unwrap());
    }
}

#[test]
fn cork_and_quickack() {
    let (_l, c, _s) = tcp_pair();
    let s = c.as_socket();
    qemu_gap!(s.set_tcp_cork(true)).unwrap();
    assert!(s.tcp_cork().unwrap());
    s.set_tcp_cork(false).unwrap();
    s.set_tcp_quickack(true).unwrap();
    assert!(s.tcp_quickack().unwrap());
}

#[test]
fn keepalive_tuning() {
    let (_l, c, _s) = tcp_pair();
    let s = c.as_socket();
    qemu_gap!(s.set_tcp_keepalive_time(Duration::from_secs(30))).unwrap();
    assert_eq!(s.tcp_keepalive_time().unwrap(), Duration::from_secs(30));
    s.set_tcp_keepalive_time(Duration::from_millis(1500))
        .unwrap();
    assert_eq!(
        s.tcp_keepalive_time().unwrap(),
        Duration::from_secs(2),
        "rounded up"
    );
    s.set_tcp_keepalive_interval(Duration::from_secs(5))
        .unwrap();
    assert_eq!(s.tcp_keepalive_interval().unwrap(), Duration::from_secs(5));
    s.set_tcp_keepalive_retries(4).unwrap();
    assert_eq!(s.tcp_keepalive_retries().unwrap(), 4);
    assert_eq!(
        s.set_tcp_keepalive_time(Duration::ZERO).unwrap_err(),
        Error::Os(Errno::INVAL)
    );
    assert_eq!(
        s.set_tcp_keepalive_interval(Duration::from_secs(40000))
            .unwrap_err(),
        Error::Os(Errno::INVAL)
    );
    assert_eq!(
        s.set_tcp_keepalive_retries(0).unwrap_err(),
        Error::Os(Errno::INVAL)
    );
    assert_eq!(
        s.set_tcp_keepalive_time(Duration::from_secs(1 << 40))
            .unwrap_err(),
        Error::Input(InputError::DurationOutOfRange)
    );
}

#[test]
fn user_timeout() {
    let (_l, c, _s) = tcp_pair();
    let s = c.as_socket();
    assert_eq!(qemu_gap!(s.tcp_user_timeout()).unwrap(), None);
    s.set_tcp_user_timeout(Some(Duration::from_millis(2500)))
        .unwrap();
    assert_eq!(
        s.tcp_user_timeout().unwrap(),
        Some(Duration::from_millis(2500))
    );
    s.set_tcp_user_timeout(None).unwrap();
    assert_eq!(s.tcp_user_timeout().unwrap(), None);
    assert_eq!(
        s.set_tcp_user_timeout(Some(Duration::from_secs(1 << 40)))
            .unwrap_err(),
        Error::Input(InputError::DurationOutOfRange)
    );
}

#[test]
fn fastopen() {
    let l = TcpListener::bind(v4_any_port()).unwrap();
    let s = l.as_socket();
    qemu_gap!(s.set_tcp_fastopen(16)).unwrap();
    assert_eq!(s.tcp_fastopen().unwrap(), 16);
}

#[test]
fn congestion() {
    let (_l, c, _s) = tcp_pair();
    let s = c.as_socket();
    let current = qemu_gap!(s.tcp_congestion()).unwrap();
    if current.is_empty() && under_qemu_user() {
        skip!("qemu-user answers TCP_CONGESTION with an empty name on this guest");
    }
    assert!(!current.is_empty());
    // Setting the algorithm in use is always allowed.
    qemu_gap!(s.set_tcp_congestion(current)).unwrap();
    assert_eq!(s.tcp_congestion().unwrap(), current);
    assert_eq!(
        s.set_tcp_congestion("no-such-cc").unwrap_err(),
        Error::Os(Errno::NOENT)
    );
    assert_eq!(
        s.set_tcp_congestion("a-name-of-16-bytes").unwrap_err(),
        Error::Address(AddressError::NameTooLong { len: 18 })
    );
}

#[test]
fn tcp_info() {
    let (_l, c, s) = tcp_pair();
    c.send_all(b"0123456789").unwrap();
    let mut buf = [0u8; 10];
    s.recv(&mut buf).unwrap();
    let info = qemu_gap!(c.as_socket().tcp_info()).unwrap();
    assert_eq!(info.state, 1, "TCP_ESTABLISHED");
    assert!(info.snd_mss > 0);
    if let Some(acked) = info.bytes_acked {
        // The SYN counts as one byte acknowledged.
        assert!(acked <= 11, "{acked}");
    }
    if let Some(received) = s.as_socket().tcp_info().unwrap().bytes_received {
        assert_eq!(received, 10);
    }
    // Not a TCP socket: the kernel refuses.
    assert_eq!(udp4().tcp_info().unwrap_err(), Error::Os(Errno::OPNOTSUPP));
}

/// The two window scales share a byte as 4-bit fields, whose order C's bit-fields flip with
/// the byte order. Checked against a real kernel's answer (the VMs run s390x, big-endian), not
/// against the same `cfg!` the decoder uses: a side with a small, locked receive buffer
/// advertises scale 0, while its peer (default buffers) advertises more; so the small side's
/// receive scale is below the peer's, and its send scale is the peer's receive scale.
#[test]
fn tcp_info_window_scales_are_in_the_kernels_order() {
    let l = TcpListener::bind(v4_any_port()).unwrap();
    let small = Socket::new(Family::INET, Type::STREAM, Protocol::DEFAULT).unwrap();
    small.set_recv_buffer_size(1024).unwrap();
    small.connect(l.local_addr().unwrap()).unwrap();
    let (peer, _) = l.accept().unwrap();
    let mine = qemu_gap!(small.tcp_info()).unwrap();
    let theirs = peer.as_socket().tcp_info().unwrap();
    assert_eq!(
        mine.rcv_wscale, 0,
        "a 1 KiB receive buffer needs no scaling: {mine:?}"
    );
    assert!(
        theirs.rcv_wscale > mine.rcv_wscale,
        "the default buffer scales: {theirs:?}"
    );
    assert_eq!(
        mine.snd_wscale, theirs.rcv_wscale,
        "each side's send scale is the other's receive scale"
    );
    assert_eq!(theirs.snd_wscale, mine.rcv_wscale);
}

#[test]
fn udp_segment_and_gro() {
    let s = udp4();
    qemu_gap!(s.set_udp_segment(1200)).unwrap();
    assert_eq!(s.udp_segment().unwrap(), 1200);
    s.set_udp_gro(true).unwrap();
    assert!(s.udp_gro().unwrap());
    // Not a UDP socket.
    let (_l, c, _s) = tcp_pair();
    assert_eq!(
        c.as_socket().set_udp_segment(1200).unwrap_err(),
        Error::Os(Errno::NOPROTOOPT)
    );
}
