//! rtnetlink events (`RouteMonitor`, what `ip monitor` prints) against the running kernel:
//! each test in a network namespace of its own, every change made through `Rtnl` seen as its
//! typed event with the right fields; groups not joined see nothing; the wait bounded; an
//! overrun named; a forged datagram ignored; a buffer too small named (root).
#![cfg(feature = "netlink")]

mod common;

use std::net::IpAddr;
use std::time::{Duration, Instant};

use baresock::netlink::route::*;
use baresock::netlink::{MessageFlags, MessageWriter, NetlinkError, NetlinkProtocol};
use baresock::netlink::{NetlinkSocket, RECOMMENDED_BUFFER};
use baresock::{Errno, Error, Family, NetlinkAddr};

fn v(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// A handle with a 5 s timeout, on `buf`.
fn rtnl(buf: &mut [u8]) -> Rtnl<'_> {
    let r = Rtnl::new(buf).unwrap();
    r.client()
        .socket()
        .set_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    r
}

/// A monitor of `groups` on `buf`, each read bounded by `timeout`.
fn monitor(groups: RouteGroups, buf: &mut [u8], timeout: Duration) -> RouteMonitor<'_> {
    let m = RouteMonitor::new(groups, buf).unwrap();
    m.socket().set_timeout(Some(timeout)).unwrap();
    m
}

/// `ip link add <name> type dummy` through the library (a veth pair `<name>`, `<name>p`
/// where the kernel has no dummy links); its index.
fn dummy(rtnl: &mut Rtnl<'_>, name: &str) -> u32 {
    match rtnl.new_link(&NewLink::dummy(name)) {
        Ok(()) => {}
        Err(e) if e.errno() == Some(Errno::OPNOTSUPP) => {
            let peer = format!("{name}p");
            rtnl.new_link(&NewLink::veth(name, &peer)).unwrap();
        }
        Err(e) => panic!("a dummy link: {e}"),
    }
    rtnl.index_of(name).unwrap()
}

/// Reads events until `want` says yes (each event's line kept for the failure message);
/// panics when the monitor's timeout passes first.
fn expect(m: &mut RouteMonitor<'_>, what: &str, mut want: impl FnMut(&RouteEvent<'_>) -> bool) {
    let mut seen = Vec::new();
    loop {
        match m.recv() {
            Ok(e) => {
                seen.push(e.to_string());
                if want(&e) {
                    return;
                }
            }
            Err(e) => panic!("{what}: {e} after {seen:#?}"),
        }
    }
}

/// Every event until the monitor's timeout, as lines; panics on an error other than it.
fn drain(m: &mut RouteMonitor<'_>) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        match m.recv() {
            Ok(e) => seen.push(e.to_string()),
            Err(Error::Timeout) => return seen,
            Err(e) => panic!("{e} after {seen:#?}"),
        }
    }
}

#[test]
fn every_change_is_seen_as_its_typed_event() {
    let r = common::in_netns(|| {
        let mut mbuf = vec![0u8; RECOMMENDED_BUFFER];
        let mut m = monitor(RouteGroups::ALL, &mut mbuf, Duration::from_secs(5));
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = rtnl(&mut buf);

        let index = dummy(&mut rtnl, "nlm0");
        expect(&mut m, "link created", |e| {
            matches!(e, RouteEvent::NewLink(l)
                if l.index() == index && l.name().unwrap() == "nlm0"
                    && !l.flags().contains(LinkFlags::UP))
        });
        rtnl.set_up(index).unwrap();
        expect(&mut m, "link up", |e| {
            matches!(e, RouteEvent::NewLink(l)
                if l.index() == index && l.flags().contains(LinkFlags::UP))
        });
        rtnl.set_link(index, &LinkChange::new().mtu(1400)).unwrap();
        expect(&mut m, "MTU 1400", |e| {
            matches!(e, RouteEvent::NewLink(l)
                if l.index() == index && l.mtu().unwrap() == Some(1400))
        });

        let a4 = AddressSpec::new(index, v("10.0.0.1"), 24);
        rtnl.add_address(&a4).unwrap();
        expect(&mut m, "IPv4 address added", |e| {
            matches!(e, RouteEvent::NewAddress(a)
                if a.index() == index && a.family() == Family::INET
                    && a.ip_addr().unwrap() == v("10.0.0.1") && a.prefix_len() == 24)
        });
        let a6 = AddressSpec::new(index, v("2001:db8::1"), 64).flags(AddressFlags::NODAD);
        rtnl.add_address(&a6).unwrap();
        expect(&mut m, "IPv6 address added", |e| {
            matches!(e, RouteEvent::NewAddress(a)
                if a.index() == index && a.family() == Family::INET6
                    && a.ip_addr().unwrap() == v("2001:db8::1") && a.prefix_len() == 64)
        });

        let route = RouteSpec::new(v("10.1.0.0"), 16).via(v("10.0.0.2"));
        rtnl.add_route(&route).unwrap();
        let is_route = |e: &RouteEvent<'_>, deleted: bool| {
            let r = match (e, deleted) {
                (RouteEvent::NewRoute(r), false) | (RouteEvent::DeletedRoute(r), true) => r,
                _ => return false,
            };
            r.destination().unwrap() == Some(v("10.1.0.0"))
                && r.prefix_len() == 16
                && r.gateway().unwrap() == Some(v("10.0.0.2"))
                && r.output_interface().unwrap() == Some(index)
                && r.table().unwrap() == RouteTable::MAIN
        };
        expect(&mut m, "route added", |e| is_route(e, false));
        let route6 = RouteSpec::new(v("2001:db8:5::"), 48).dev(index);
        rtnl.add_route(&route6).unwrap();
        expect(&mut m, "IPv6 route added", |e| {
            matches!(e, RouteEvent::NewRoute(r)
                if r.family() == Family::INET6 && r.prefix_len() == 48
                    && r.destination().unwrap() == Some(v("2001:db8:5::")))
        });
        rtnl.delete_route(&route6).unwrap();
        expect(&mut m, "IPv6 route deleted", |e| {
            matches!(e, RouteEvent::DeletedRoute(r)
                if r.family() == Family::INET6 && r.prefix_len() == 48)
        });
        rtnl.delete_route(&route).unwrap();
        expect(&mut m, "route deleted", |e| is_route(e, true));

        rtnl.delete_address(&a6).unwrap();
        expect(&mut m, "IPv6 address deleted", |e| {
            matches!(e, RouteEvent::DeletedAddress(a)
                if a.index() == index && a.ip_addr().unwrap() == v("2001:db8::1"))
        });
        rtnl.delete_address(&a4).unwrap();
        let mut line = String::new();
        expect(&mut m, "IPv4 address deleted", |e| {
            line = e.to_string();
            matches!(e, RouteEvent::DeletedAddress(a)
                if a.index() == index && a.ip_addr().unwrap() == v("10.0.0.1"))
        });
        assert_eq!(
            line,
            format!("Deleted 10.0.0.1/24 dev {index} scope global")
        );

        rtnl.delete_link(index).unwrap();
        expect(&mut m, "link deleted", |e| {
            line = e.to_string();
            matches!(e, RouteEvent::DeletedLink(l)
                if l.index() == index && l.name().unwrap() == "nlm0")
        });
        assert!(
            line.starts_with(&format!("Deleted {index}: nlm0: <")) && line.contains("mtu 1400"),
            "{line}"
        );
        assert_eq!(m.ignored(), 0);
    });
    if let Err(why) = r {
        println!("skipped: {why}");
    }
}

#[test]
fn a_group_not_joined_sees_nothing_of_that_kind() {
    let r = common::in_netns(|| {
        let short = Duration::from_millis(500);
        let mut lbuf = vec![0u8; RECOMMENDED_BUFFER];
        let mut links = monitor(RouteGroups::LINK, &mut lbuf, short);
        let mut abuf = vec![0u8; RECOMMENDED_BUFFER];
        let mut addrs = monitor(RouteGroups::IPV4_ADDRESS, &mut abuf, short);
        let mut rbuf = vec![0u8; RECOMMENDED_BUFFER];
        let mut routes6 = monitor(RouteGroups::IPV6_ROUTE, &mut rbuf, short);
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = rtnl(&mut buf);
        let index = dummy(&mut rtnl, "nlm1");
        rtnl.set_up(index).unwrap();
        let a = AddressSpec::new(index, v("10.3.0.1"), 24);
        rtnl.add_address(&a).unwrap();
        rtnl.add_route(&RouteSpec::new(v("10.4.0.0"), 16).via(v("10.3.0.2")))
            .unwrap();
        rtnl.delete_address(&a).unwrap();

        let seen = drain(&mut links);
        assert!(!seen.is_empty());
        // nlm1 (and its veth peer nlm1p, where the kernel has no dummy links).
        assert!(seen.iter().all(|l| l.contains(": nlm1")), "{seen:#?}");
        let seen = drain(&mut addrs);
        assert_eq!(
            seen,
            [
                format!("10.3.0.1/24 dev {index} scope global"),
                format!("Deleted 10.3.0.1/24 dev {index} scope global"),
            ]
        );
        // No IPv4 route reaches the IPv6 route group (the link's IPv6 routes may).
        let seen = drain(&mut routes6);
        assert!(
            seen.iter()
                .all(|l| !l.contains("10.4.0.0") && !l.contains("10.3.0.")),
            "{seen:#?}"
        );
    });
    if let Err(why) = r {
        println!("skipped: {why}");
    }
}

#[test]
fn a_wait_without_a_change_ends_at_the_timeout() {
    let r = common::in_netns(|| {
        let mut buf = vec![0u8; 8192];
        let mut m = monitor(RouteGroups::ALL, &mut buf, Duration::from_millis(300));
        let start = Instant::now();
        let r = m.recv().map(|e| e.to_string());
        let took = start.elapsed();
        assert_eq!(r, Err(Error::Timeout));
        assert!(
            took >= Duration::from_millis(250) && took < Duration::from_secs(3),
            "{took:?}"
        );
    });
    if let Err(why) = r {
        println!("skipped: {why}");
    }
}

/// Many changes into a small receive buffer: the kernel drops events, and the monitor says
/// so ([`RouteEvent::Overrun`]), then reads what was queued; with `NETLINK_NO_ENOBUFS` (the
/// caller's opt-in) the drop is silent.
#[test]
fn an_overrun_is_named_unless_the_caller_opts_out() {
    let r = common::in_netns(|| {
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = rtnl(&mut buf);
        let index = dummy(&mut rtnl, "nlm2");
        let mut lost = [0usize; 2];
        let mut events = [0usize; 2];
        for (round, no_enobufs) in [false, true].into_iter().enumerate() {
            let mut mbuf = vec![0u8; RECOMMENDED_BUFFER];
            let mut m = monitor(
                RouteGroups::IPV4_ADDRESS,
                &mut mbuf,
                Duration::from_millis(500),
            );
            m.socket().as_socket().set_recv_buffer_size(1).unwrap();
            m.socket().set_no_enobufs(no_enobufs).unwrap();
            assert_eq!(m.socket().no_enobufs().unwrap(), no_enobufs);
            let changes = 200u8;
            for i in 0..changes {
                let ip = v(&format!("10.{}.{}.1", 20 + round, i));
                rtnl.add_address(&AddressSpec::new(index, ip, 24)).unwrap();
            }
            loop {
                match m.recv() {
                    Ok(RouteEvent::Overrun) => lost[round] += 1,
                    Ok(RouteEvent::NewAddress(_)) => events[round] += 1,
                    Ok(e) => panic!("{e}"),
                    Err(Error::Timeout) => break,
                    Err(e) => panic!("{e}"),
                }
            }
            assert!(events[round] < usize::from(changes), "{events:?}");
        }
        assert!(lost[0] >= 1, "no overrun named: {lost:?} {events:?}");
        assert_eq!(lost[1], 0, "NETLINK_NO_ENOBUFS still named one");
    });
    if let Err(why) = r {
        println!("skipped: {why}");
    }
}

/// An `RTM_NEWLINK` for a made-up link 77, as a user-space process could send it.
fn forged_newlink(buf: &mut [u8]) -> &[u8] {
    let mut w = MessageWriter::new(buf);
    let mut ifi = [0u8; 16];
    ifi[4..8].copy_from_slice(&77i32.to_ne_bytes());
    w.begin(16, MessageFlags::empty()).fixed(&ifi);
    w.put_str(3, "forged0");
    let len = w.finish().unwrap().as_bytes().len();
    &buf[..len]
}

#[test]
fn a_forged_datagram_from_user_space_is_ignored() {
    let r = common::in_netns(|| {
        let mut mbuf = vec![0u8; RECOMMENDED_BUFFER];
        let mut m = monitor(RouteGroups::LINK, &mut mbuf, Duration::from_millis(500));
        let port = m.socket().port_id().unwrap();
        let forger = NetlinkSocket::new(NetlinkProtocol::ROUTE).unwrap();
        forger.bind(NetlinkAddr::new(0, 0)).unwrap();
        let mut req = [0u8; 64];
        let msg = forged_newlink(&mut req);
        // To the monitor's port id, and to the link group (root may send to groups).
        forger.send_to(msg, NetlinkAddr::new(port, 0)).unwrap();
        forger.send_to(msg, NetlinkAddr::new(0, 1)).unwrap();
        assert_eq!(m.recv().map(|e| e.to_string()), Err(Error::Timeout));
        assert_eq!(m.ignored(), 2);
        // The kernel's own events still come: lo up.
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = rtnl(&mut buf);
        rtnl.set_up(1).unwrap();
        m.socket()
            .set_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        expect(
            &mut m,
            "lo up",
            |e| matches!(e, RouteEvent::NewLink(l) if l.index() == 1 && l.name().unwrap() == "lo"),
        );
    });
    if let Err(why) = r {
        println!("skipped: {why}");
    }
}

#[test]
fn a_buffer_too_small_is_named_with_the_size() {
    let r = common::in_netns(|| {
        let mut small = [0u8; 64];
        let mut m = monitor(RouteGroups::LINK, &mut small, Duration::from_secs(5));
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = rtnl(&mut buf);
        rtnl.set_up(1).unwrap();
        match m.recv() {
            Err(Error::Netlink(NetlinkError::ReplyTooLarge { needed })) => {
                assert!(needed > 64, "{needed}")
            }
            other => panic!("{:?}", other.map(|e| e.to_string())),
        }
        // Dropped, not read again: the reads end at the timeout (after lo's other link
        // events, each as large).
        m.socket()
            .set_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        for _ in 0..16 {
            match m.recv() {
                Err(Error::Timeout) => return,
                Err(Error::Netlink(NetlinkError::ReplyTooLarge { .. })) => {}
                other => panic!("{:?}", other.map(|e| e.to_string())),
            }
        }
        panic!("a datagram read again and again");
    });
    if let Err(why) = r {
        println!("skipped: {why}");
    }
}
