//! rtnetlink links against the running kernel, each test in a network namespace of its own
//! (root): links of each kind created, read back field by field against iproute2's
//! `ip -json -details link show`, changed, moved to another namespace, deleted; and the
//! failure paths (no such link, a refused MTU with its extended ack, a name too long, a buffer
//! too small).
#![cfg(feature = "netlink")]
#![allow(unsafe_code)] // a test may use raw calls itself (unshare); the library may not

mod common;

use std::time::Duration;

use baresock::netlink::route::*;
use baresock::netlink::{NetlinkError, RECOMMENDED_BUFFER};
use baresock::{AddressError, Error};
use serde_json::Value;

/// A handle with a 5 s bound on each exchange.
fn rtnl(buf: &mut [u8]) -> Rtnl<'_> {
    common::rtnl::open(buf).unwrap()
}

/// `ip -json -details [-s] link show dev <name>` in this thread's namespace.
fn ip_link(name: &str, stats: bool) -> Option<Value> {
    let mut args = vec!["-details"];
    if stats {
        args.push("-s");
    }
    args.extend(["link", "show", "dev", name]);
    Some(common::iproute::json(&args)[0].clone())
}

/// Whether iproute2's `ip` is here (`/bin/iproute2-ip` in the VMs; busybox's `ip` has no
/// `-json`). Where it is not, the tests check the library alone and say so.
fn has_ip() -> bool {
    let missing = common::iproute::missing();
    if let Some(why) = missing {
        println!("not compared with iproute2: {why}");
    }
    missing.is_none()
}

/// [`compare`] where iproute2 is here.
fn compare_with_ip(ip: bool, link: &Link<'_>) {
    if ip {
        compare(link, &ip_link(link.name().unwrap(), false).unwrap());
    }
}

/// A MAC address as iproute2 prints it.
fn mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The flags iproute2 prints (in `flags`, in its order) for ours: their `Display`, but for
/// `NO-CARRIER`, which depends on the moment each side read the link.
fn flag_names(f: LinkFlags) -> Vec<String> {
    f.to_string()
        .split(',')
        .filter(|n| !n.is_empty() && *n != "NO-CARRIER")
        .map(String::from)
        .collect()
}

/// Waits for the kernel's link watch, which sets the operational state after a link goes up
/// (at most once a second): our view and `ip`'s, read one after the other, then agree.
fn settle() {
    std::thread::sleep(Duration::from_millis(1500));
}

/// Compares our view of `link` with `ip`'s, field by field.
fn compare(link: &Link<'_>, ip: &Value) {
    let name = link.name().unwrap();
    assert_eq!(ip["ifindex"], link.index(), "{name}: index");
    assert_eq!(ip["ifname"], name);
    assert_eq!(ip["mtu"], link.mtu().unwrap().unwrap(), "{name}: mtu");
    let mut ip_flags: Vec<&str> = ip["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    ip_flags.retain(|f| *f != "M-DOWN" && *f != "NO-CARRIER");
    assert_eq!(ip_flags, flag_names(link.flags()), "{name}: flags");
    if let Some(a) = link.address() {
        assert_eq!(ip["address"], mac(a), "{name}: address");
    }
    if let Some(b) = link.broadcast() {
        assert_eq!(ip["broadcast"], mac(b), "{name}: broadcast");
    }
    assert_eq!(
        ip["txqlen"],
        link.txqlen().unwrap().unwrap(),
        "{name}: txqlen"
    );
    assert_eq!(ip["qdisc"], link.qdisc().unwrap().unwrap(), "{name}: qdisc");
    let state = match link.operstate().unwrap().unwrap() {
        OperState::Up => "UP",
        OperState::Down => "DOWN",
        OperState::Unknown => "UNKNOWN",
        OperState::LowerLayerDown => "LOWERLAYERDOWN",
        OperState::Dormant => "DORMANT",
        OperState::Testing => "TESTING",
        OperState::NotPresent => "NOTPRESENT",
        OperState::Other(o) => panic!("{name}: operstate {o}"),
    };
    assert_eq!(ip["operstate"], state, "{name}: operstate");
    if let Some(min) = link.min_mtu().unwrap() {
        assert_eq!(ip["min_mtu"], min, "{name}: min_mtu");
    }
    if let Some(max) = link.max_mtu().unwrap() {
        assert_eq!(ip["max_mtu"], max, "{name}: max_mtu");
    }
    match link.kind().unwrap() {
        Some(kind) => assert_eq!(ip["linkinfo"]["info_kind"], kind, "{name}: kind"),
        None => assert!(ip["linkinfo"]["info_kind"].is_null(), "{name}: kind"),
    }
    if let Some(id) = link.vlan_id().unwrap() {
        let data = &ip["linkinfo"]["info_data"];
        assert_eq!(data["id"], id, "{name}: vlan id");
        let proto = match link.vlan_protocol().unwrap().unwrap() {
            0x8100 => "802.1Q",
            0x88a8 => "802.1ad",
            p => panic!("{name}: vlan protocol {p:#x}"),
        };
        assert_eq!(data["protocol"], proto, "{name}: vlan protocol");
    }
    match link.alias().unwrap() {
        Some(a) => assert_eq!(ip["ifalias"], a, "{name}: alias"),
        None => assert!(ip["ifalias"].is_null(), "{name}: alias"),
    }
    match link.master().unwrap() {
        Some(m) => assert!(!ip["master"].is_null(), "{name}: master {m}"),
        None => assert!(ip["master"].is_null(), "{name}: master"),
    }
    match link.link_netnsid().unwrap() {
        Some(id) => assert_eq!(ip["link_netnsid"], id, "{name}: link_netnsid"),
        None => assert!(ip["link_netnsid"].is_null(), "{name}: link_netnsid"),
    }
    match link.parent().unwrap() {
        // `ip` prints the parent's name where it is in this namespace, else its index.
        Some(p) if p != 0 && link.index() != p => assert!(
            !ip["link"].is_null() || ip["link_index"] == p,
            "{name}: parent {p}: {ip}"
        ),
        _ => {}
    }
    if let Some(c) = link.carrier().unwrap() {
        let no_carrier = ip["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "NO-CARRIER");
        // `ip` prints NO-CARRIER only for links that are up.
        if link.flags().contains(LinkFlags::UP) {
            assert_eq!(c, !no_carrier, "{name}: carrier");
        }
    }
}

/// Creates one link of each kind the kernel has; the kinds it lacks are named.
fn create_each(r: &mut Rtnl<'_>) -> Vec<&'static str> {
    let mut missing = Vec::new();
    r.new_link(&NewLink::veth("ve0", "ve1").mtu(1400).up())
        .unwrap();
    let ve0 = r.index_of("ve0").unwrap();
    for (link, kind) in [
        (NewLink::vlan("ve0.42", ve0, 42), "vlan"),
        (
            NewLink::vlan_with("ve0.43", ve0, 43, VlanProtocol::Dot1Ad),
            "vlan",
        ),
        (NewLink::dummy("d0").mtu(1400).up(), "dummy"),
        (NewLink::vcan("vc0").mtu(72), "vcan"),
        (NewLink::vxcan("vx0", "vx1"), "vxcan"),
    ] {
        match r.new_link(&link) {
            Ok(()) => {}
            Err(e) if e.errno() == Some(baresock::Errno::OPNOTSUPP) => missing.push(kind),
            Err(e) => panic!("{kind}: {e}"),
        }
    }
    missing
}

#[test]
fn each_kind_reads_back_as_ip_shows_it() {
    let ip = has_ip();
    let r = common::in_netns(move || {
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut r = rtnl(&mut buf);
        r.set_up(1).unwrap();
        let missing = create_each(&mut r);
        settle();
        let mut seen = Vec::new();
        let mut links = r.links().unwrap();
        while let Some(link) = links.next().unwrap() {
            let name = link.name().unwrap().to_string();
            compare_with_ip(ip, &link);
            seen.push((name, link.kind().unwrap().map(str::to_string)));
        }
        let kind = |n: &str| seen.iter().find(|s| s.0 == n).unwrap().1.clone();
        assert_eq!(kind("lo"), None);
        assert_eq!(kind("ve1").as_deref(), Some("veth"));
        let lo = r.link(1).unwrap();
        assert!(lo.flags().contains(LinkFlags::LOOPBACK | LinkFlags::UP));
        assert_eq!(lo.link_type(), 772); // ARPHRD_LOOPBACK
        let ve0 = r.index_of("ve0").unwrap();
        assert_eq!(r.link_by_name("ve1").unwrap().parent().unwrap(), Some(ve0));
        assert_eq!(r.link(ve0).unwrap().mtu().unwrap(), Some(1400));
        if !missing.contains(&"vlan") {
            assert_eq!(kind("ve0.43").as_deref(), Some("vlan"));
            let v = r.link_by_name("ve0.42").unwrap();
            assert_eq!(v.vlan_id().unwrap(), Some(42));
            assert_eq!(v.vlan_protocol().unwrap(), Some(0x8100));
            let v = r.link_by_name("ve0.43").unwrap();
            assert_eq!(v.parent().unwrap(), Some(ve0));
            assert_eq!(v.vlan_protocol().unwrap(), Some(0x88a8));
        }
        if !missing.contains(&"dummy") {
            assert_eq!(kind("d0").as_deref(), Some("dummy"));
        }
        if !missing.contains(&"vcan") {
            let vc = r.link_by_name("vc0").unwrap();
            assert_eq!(vc.mtu().unwrap(), Some(72));
            assert_eq!(vc.link_type(), 280); // ARPHRD_CAN
        }
        missing
    });
    match r {
        Ok(missing) if !missing.is_empty() => println!("not in this kernel: {missing:?}"),
        Ok(_) => {}
        Err(why) => skip!("{why}"),
    }
}

#[test]
fn name_index_agrees_with_the_ioctls() {
    let r = common::in_netns(|| {
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut r = rtnl(&mut buf);
        r.new_link(&NewLink::veth("a0", "a1")).unwrap();
        let mut pairs = Vec::new();
        r.name_index(|i, n| pairs.push((i, n.to_string()))).unwrap();
        assert_eq!(pairs.len(), 3, "{pairs:?}");
        for (i, n) in &pairs {
            assert_eq!(baresock::interface_index(n).unwrap(), *i);
            assert_eq!(baresock::interface_name(*i).unwrap().as_str(), Some(&n[..]));
            assert_eq!(r.index_of(n).unwrap(), *i);
        }
        // The same errors both ways.
        let e1 = baresock::interface_index("nope").unwrap_err();
        let e2 = r.index_of("nope").unwrap_err();
        assert!(
            e1.is_no_such_interface() && e2.is_no_such_interface(),
            "{e1} {e2}"
        );
        assert_eq!(e1.errno(), e2.errno());
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}

#[test]
fn each_field_changes_and_reads_back() {
    let ip = has_ip();
    let r = common::in_netns(move || {
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut r = rtnl(&mut buf);
        r.new_link(&NewLink::veth("c0", "p0")).unwrap();
        let i = r.index_of("c0").unwrap();
        let mac = [0x02, 0x11, 0x22, 0x33, 0x44, 0x55];
        r.set_link(
            i,
            &LinkChange::new()
                .mtu(1280)
                .txqlen(77)
                .alias("the alias")
                .address(&mac)
                .name("c1"),
        )
        .unwrap();
        let l = r.link(i).unwrap();
        assert_eq!(l.name().unwrap(), "c1");
        assert_eq!(l.mtu().unwrap(), Some(1280));
        assert_eq!(l.txqlen().unwrap(), Some(77));
        assert_eq!(l.alias().unwrap(), Some("the alias"));
        assert_eq!(l.address(), Some(&mac[..]));
        assert!(!l.flags().contains(LinkFlags::UP));
        compare_with_ip(ip, &l);
        r.set_up(i).unwrap();
        settle();
        let l = r.link(i).unwrap();
        assert!(l.flags().contains(LinkFlags::UP));
        compare_with_ip(ip, &l);
        r.set_mtu(i, 9000).unwrap();
        assert_eq!(r.link(i).unwrap().mtu().unwrap(), Some(9000));
        r.set_link(i, &LinkChange::new().alias("")).unwrap();
        assert_eq!(r.link(i).unwrap().alias().unwrap(), None);
        r.set_down(i).unwrap();
        settle();
        let l = r.link(i).unwrap();
        assert!(!l.flags().contains(LinkFlags::UP));
        compare_with_ip(ip, &l);
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}

#[test]
fn statistics_count_traffic_as_ip_does() {
    let ip = has_ip();
    let r = common::in_netns(move || {
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut r = rtnl(&mut buf);
        r.set_up(1).unwrap();
        let rx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let tx = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        for _ in 0..10 {
            tx.send_to(&[7; 100], rx.local_addr().unwrap()).unwrap();
        }
        let s = r.link(1).unwrap().stats().unwrap().unwrap();
        assert_eq!(s.tx_packets, 10);
        assert_eq!(s.rx_packets, 10);
        assert_eq!(s.tx_bytes, 10 * (100 + 8 + 20));
        if !ip {
            return;
        }
        let ip = ip_link("lo", true).unwrap();
        let st = &ip["stats64"];
        assert_eq!(st["rx"]["packets"], s.rx_packets);
        assert_eq!(st["rx"]["bytes"], s.rx_bytes);
        assert_eq!(st["rx"]["errors"], s.rx_errors);
        assert_eq!(st["rx"]["dropped"], s.rx_dropped);
        assert_eq!(st["rx"]["multicast"], s.multicast);
        assert_eq!(st["tx"]["packets"], s.tx_packets);
        assert_eq!(st["tx"]["bytes"], s.tx_bytes);
        assert_eq!(st["tx"]["errors"], s.tx_errors);
        assert_eq!(st["tx"]["dropped"], s.tx_dropped);
        assert_eq!(st["tx"]["collisions"], s.collisions);
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}

/// Runs `f` with the tid of a thread parked in a namespace of its own, and `g` in that
/// namespace afterwards.
fn with_other_netns<R>(
    f: impl FnOnce(u32) -> R,
    g: impl FnOnce() -> Vec<(u32, String)> + Send + 'static,
) -> (R, Vec<(u32, String)>) {
    use std::sync::mpsc::channel;
    let (tid_tx, tid_rx) = channel();
    let (go_tx, go_rx) = channel::<()>();
    let other = std::thread::spawn(move || {
        // SAFETY: only this thread's network namespace changes.
        unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNET) }.unwrap();
        tid_tx
            .send(rustix::thread::gettid().as_raw_nonzero().get() as u32)
            .unwrap();
        go_rx.recv().unwrap();
        g()
    });
    let r = f(tid_rx.recv().unwrap());
    go_tx.send(()).unwrap();
    (r, other.join().unwrap())
}

fn names_here() -> Vec<(u32, String)> {
    let mut buf = vec![0u8; RECOMMENDED_BUFFER];
    let mut r = rtnl(&mut buf);
    let mut v = Vec::new();
    r.name_index(|i, n| v.push((i, n.to_string()))).unwrap();
    v
}

#[test]
fn a_veth_end_moves_to_another_namespace() {
    let r = common::in_netns(|| {
        with_other_netns(
            |tid| {
                let mut buf = vec![0u8; RECOMMENDED_BUFFER];
                let mut r = rtnl(&mut buf);
                r.new_link(&NewLink::veth("m0", "m1")).unwrap();
                let m1 = r.index_of("m1").unwrap();
                r.set_netns(m1, Netns::Pid(tid)).unwrap();
                assert!(r.link(m1).unwrap_err().is_no_such_interface());
                let m0 = r.link_by_name("m0").unwrap();
                // The peer is in another namespace now: named by its id here.
                assert!(m0.link_netnsid().unwrap().is_some());
                // A peer made there at once, by an fd of the namespace.
                let ns = std::fs::File::open(format!("/proc/self/task/{tid}/ns/net")).unwrap();
                use std::os::fd::AsFd;
                r.new_link(&NewLink::veth_to("n0", "n1", Netns::Fd(ns.as_fd())))
                    .unwrap();
                match r.new_link(&NewLink::vxcan_to("x0", "x1", Netns::Pid(tid))) {
                    Ok(()) => true,
                    Err(e) if e.errno() == Some(baresock::Errno::OPNOTSUPP) => false,
                    Err(e) => panic!("vxcan: {e}"),
                }
            },
            names_here,
        )
    });
    match r {
        Ok((vxcan, there)) => {
            let names: Vec<&str> = there.iter().map(|p| &p.1[..]).collect();
            assert!(names.contains(&"m1") && names.contains(&"n1"), "{names:?}");
            assert_eq!(names.contains(&"x1"), vxcan, "{names:?}");
        }
        Err(why) => skip!("{why}"),
    }
}

#[test]
fn links_are_deleted_by_index_and_by_name() {
    let r = common::in_netns(|| {
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut r = rtnl(&mut buf);
        r.new_link(&NewLink::veth("x0", "x1")).unwrap();
        r.new_link(&NewLink::veth("y0", "y1")).unwrap();
        let x0 = r.index_of("x0").unwrap();
        r.delete_link(x0).unwrap();
        assert!(r.link(x0).unwrap_err().is_no_such_interface());
        r.delete_link_by_name("y0").unwrap();
        // The peer went with it.
        assert!(r.link_by_name("y1").unwrap_err().is_no_such_interface());
        assert!(r.delete_link(x0).unwrap_err().is_no_such_interface());
        assert!(r
            .delete_link_by_name("x0")
            .unwrap_err()
            .is_no_such_interface());
        // A second link of a name is refused.
        r.new_link(&NewLink::veth("z0", "z1")).unwrap();
        let e = r.new_link(&NewLink::veth("z0", "z2")).unwrap_err();
        assert_eq!(e.errno(), Some(baresock::Errno::EXIST), "{e}");
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}

#[test]
fn failures_are_named() {
    let r = common::in_netns(|| {
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut r = rtnl(&mut buf);
        // No such link: ENODEV, by index and by name.
        for e in [
            r.link(12345).unwrap_err(),
            r.link_by_name("nosuch").unwrap_err(),
            r.set_up(12345).unwrap_err(),
            r.link(0).unwrap_err(),
        ] {
            assert!(e.is_no_such_interface(), "{e:?}");
        }
        // A name too long, before the kernel sees it.
        let long = "a-name-too-long-for-linux";
        for e in [
            r.link_by_name(long).unwrap_err(),
            r.new_link(&NewLink::dummy(long)).unwrap_err(),
            r.new_link(&NewLink::veth("ok", long)).unwrap_err(),
            r.set_link(1, &LinkChange::new().name(long)).unwrap_err(),
            r.delete_link_by_name(long).unwrap_err(),
        ] {
            assert!(
                matches!(e, Error::Address(AddressError::NameTooLong { len: 25 })),
                "{e:?}"
            );
        }
        // An MTU the device does not take: refused with the extended ack's text (the kernel
        // names no attribute for it: dev_validate_mtu sets only the message).
        r.new_link(&NewLink::veth("v0", "v1")).unwrap();
        let v0 = r.index_of("v0").unwrap();
        let max = r.link(v0).unwrap().max_mtu().unwrap().unwrap();
        let e = r.set_mtu(v0, max + 1).unwrap_err();
        match e {
            Error::Netlink(NetlinkError::Refused { errno, message, .. }) => {
                assert_eq!(errno, baresock::Errno::INVAL);
                assert!(message);
            }
            e => panic!("{e:?}"),
        }
        let text = r.client().ext_ack_message().unwrap();
        assert!(text.contains("mtu"), "{text}");
        assert_eq!(r.link(v0).unwrap().mtu().unwrap(), Some(1500), "unchanged");
        // An alias past the kernel's 255 bytes: refused by the attribute policy, the
        // extended ack naming IFLA_IFALIAS (20).
        let long_alias = "a".repeat(300);
        match r
            .set_link(v0, &LinkChange::new().alias(&long_alias))
            .unwrap_err()
        {
            Error::Netlink(NetlinkError::Refused { attribute, .. }) => {
                assert_eq!(attribute, Some(20), "IFLA_IFALIAS")
            }
            e => panic!("{e:?}"),
        }
        // A vlan id out of range (ERANGE), and on a link that does not exist (ENODEV),
        // where the kernel has vlans.
        let e = r.new_link(&NewLink::vlan("vl", v0, 4095)).unwrap_err();
        if e.errno() == Some(baresock::Errno::OPNOTSUPP) {
            println!("no vlan in this kernel: its failure paths not tried");
        } else {
            assert_eq!(e.errno(), Some(baresock::Errno::RANGE), "{e}");
            let e = r.new_link(&NewLink::vlan("vl", 9999, 5)).unwrap_err();
            assert!(e.is_no_such_interface(), "{e}");
        }
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}

#[test]
fn a_buffer_too_small_is_named() {
    let r = common::in_netns(|| {
        let mut buf = [0u8; 64];
        let mut r = rtnl(&mut buf);
        let e = r.link(1).unwrap_err();
        assert!(
            matches!(e, Error::Netlink(NetlinkError::ReplyTooLarge { needed }) if needed > 64),
            "{e:?}"
        );
        let e = r
            .links()
            .and_then(|mut l| l.next().map(|_| ()))
            .unwrap_err();
        assert!(
            matches!(e, Error::Netlink(NetlinkError::ReplyTooLarge { .. })),
            "{e:?}"
        );
        // The socket is still usable.
        let e = r.link(1).unwrap_err();
        assert!(matches!(
            e,
            Error::Netlink(NetlinkError::ReplyTooLarge { .. })
        ));
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}
