//! rtnetlink addresses and routes against the running kernel: each test in a network namespace
//! of its own with a dummy link, the library's view compared field by field with iproute2's
//! `ip -json -details`, and every failure path (root).
#![cfg(feature = "netlink")]
#![allow(unsafe_code)] // a test may use raw calls itself (unshare); the library may not

mod common;

use std::collections::HashMap;
use std::net::IpAddr;

use baresock::netlink::route::*;
use baresock::netlink::{NetlinkError, RECOMMENDED_BUFFER};
use baresock::{AddressError, Errno, Error, Family};
use serde_json::{json, Map, Value};

/// [`common::in_netns`], where iproute2's `ip` is here to compare with.
fn in_netns<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Result<R, String> {
    if let Some(why) = common::iproute::missing() {
        return Err(why.into());
    }
    common::in_netns(f)
}

use common::iproute::json as ip_json;

/// `ip <args>`, which must succeed.
fn ip(args: &[&str]) {
    common::iproute::run(args);
}

/// Link names by index.
fn link_names() -> HashMap<u64, String> {
    ip_json(&["link", "show"])
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["ifindex"].as_u64().unwrap(),
                l["ifname"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A handle with a 5 s bound on each exchange.
fn rtnl(buf: &mut [u8]) -> Rtnl<'_> {
    common::rtnl::open(buf).unwrap()
}

/// `ip link add <name> type dummy up` through the library (a veth pair `<name>`, `<name>p`,
/// both up, where the kernel has no dummy links); its index.
fn dummy(rtnl: &mut Rtnl<'_>, name: &str) -> u32 {
    match rtnl.new_link(&NewLink::dummy(name).up()) {
        Ok(()) => {}
        // No dummy links in this kernel: a veth pair, both ends up.
        Err(e) if e.errno() == Some(Errno::OPNOTSUPP) => {
            let peer = format!("{name}p");
            rtnl.new_link(&NewLink::veth(name, &peer).up()).unwrap();
            let peer = rtnl.index_of(&peer).unwrap();
            rtnl.set_up(peer).unwrap();
        }
        Err(e) => panic!("a dummy link: {e}"),
    }
    rtnl.index_of(name).unwrap()
}

fn v(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn refused(r: Result<(), Error>) -> Errno {
    match r {
        Err(Error::Netlink(NetlinkError::Refused { errno, .. })) => errno,
        other => panic!("not a refusal: {other:?}"),
    }
}

/// Our view of an address as `ip -json` prints it in `addr_info`, with the keys we compare.
fn address_json(a: &Address<'_>) -> Map<String, Value> {
    let mut m = Map::new();
    let family = match a.family() {
        Family::INET => "inet",
        Family::INET6 => "inet6",
        f => panic!("family {f:?}"),
    };
    m.insert("family".into(), json!(family));
    m.insert("local".into(), json!(a.ip_addr().unwrap().to_string()));
    if let Some(p) = a.peer().unwrap() {
        m.insert("address".into(), json!(p.to_string()));
    }
    m.insert("prefixlen".into(), json!(a.prefix_len()));
    if let Some(b) = a.broadcast().unwrap() {
        m.insert("broadcast".into(), json!(b.to_string()));
    }
    m.insert("scope".into(), json!(a.scope().name().unwrap()));
    if let Some(l) = a.label().unwrap() {
        m.insert("label".into(), json!(l));
    }
    let flags = a.flags().unwrap();
    for (flag, name) in [
        (AddressFlags::NODAD, "nodad"),
        (AddressFlags::NOPREFIXROUTE, "noprefixroute"),
        (AddressFlags::TENTATIVE, "tentative"),
        (AddressFlags::DADFAILED, "dadfailed"),
    ] {
        if flags.contains(flag) {
            m.insert(name.into(), json!(true));
        }
    }
    if !flags.contains(AddressFlags::PERMANENT) {
        m.insert("dynamic".into(), json!(true));
    }
    let l = a.lifetimes().unwrap().unwrap();
    m.insert("valid_life_time".into(), json!(l.valid));
    m.insert("preferred_life_time".into(), json!(l.preferred));
    m
}

/// `ip`'s address entry, with the keys `address_json` makes.
fn project(ip: &Value, keys: &Map<String, Value>) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in ip.as_object().unwrap() {
        let known = [
            "family",
            "local",
            "address",
            "prefixlen",
            "broadcast",
            "scope",
            "label",
            "nodad",
            "noprefixroute",
            "tentative",
            "dadfailed",
            "dynamic",
            "valid_life_time",
            "preferred_life_time",
        ];
        if known.contains(&k.as_str()) || keys.contains_key(k) {
            m.insert(k.clone(), v.clone());
        }
    }
    m
}

/// Lifetimes counted down between two reads: equal within 2 s.
fn same_lifetimes(ours: &mut Map<String, Value>, theirs: &mut Map<String, Value>) {
    for k in ["valid_life_time", "preferred_life_time"] {
        let (a, b) = (ours[k].as_u64().unwrap(), theirs[k].as_u64().unwrap());
        assert!(a.abs_diff(b) <= 2, "{k}: ours {a}, ip's {b}");
        theirs.insert(k.into(), json!(a));
    }
    let _ = ours;
}

#[test]
fn addresses_ipv4_and_ipv6_read_back_as_ip_shows_them() {
    let r = in_netns(|| {
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = rtnl(&mut buf);
        let index = dummy(&mut rtnl, "nla0");
        let other = dummy(&mut rtnl, "nla1");
        let specs = [
            AddressSpec::new(index, v("192.0.2.1"), 24)
                .broadcast("192.0.2.255".parse().unwrap())
                .label("nla0:web"),
            AddressSpec::new(index, v("192.0.2.9"), 24), // secondary
            AddressSpec::new(index, v("10.9.9.1"), 32).peer(v("10.9.9.2")),
            AddressSpec::new(index, v("198.51.100.1"), 24)
                .flags(AddressFlags::NOPREFIXROUTE)
                .lifetimes(600, 300),
            AddressSpec::new(index, v("2001:db8::1"), 64).flags(AddressFlags::NODAD),
            AddressSpec::new(index, v("2001:db8:1::1"), 48)
                .flags(AddressFlags::NODAD)
                .lifetimes(900, 800),
            AddressSpec::new(index, v("fec0::1"), 64)
                .scope(Scope::SITE)
                .flags(AddressFlags::NODAD),
            AddressSpec::new(other, v("203.0.113.5"), 24),
        ];
        for s in &specs {
            rtnl.add_address(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        }
        // Our view of nla0, by family and link, beside ip's.
        let mut ours = Vec::new();
        for family in [Family::INET, Family::INET6] {
            let mut list = rtnl.addresses(Some(family), Some(index)).unwrap();
            while let Some(a) = list.next().unwrap() {
                assert_eq!((a.family(), a.index()), (family, index));
                ours.push(address_json(&a));
            }
        }
        let shown = ip_json(&["-details", "address", "show", "dev", "nla0"]);
        let theirs: Vec<_> = shown[0]["addr_info"].as_array().unwrap().iter().collect();
        assert_eq!(ours.len(), theirs.len(), "ours {ours:#?}\nip's {theirs:#?}");
        for (mut o, t) in ours.into_iter().zip(theirs) {
            let mut t = project(t, &o);
            same_lifetimes(&mut o, &mut t);
            assert_eq!(Value::Object(o), Value::Object(t));
        }
        // The secondary flag, and the link-local address the kernel gave the link up.
        let mut list = rtnl.addresses(None, Some(index)).unwrap();
        let (mut secondary, mut link_local) = (0, 0);
        while let Some(a) = list.next().unwrap() {
            if a.ip_addr().unwrap() == v("192.0.2.9") {
                assert!(a.flags().unwrap().contains(AddressFlags::SECONDARY));
                secondary += 1;
            }
            if a.scope() == Scope::LINK {
                link_local += 1;
            }
        }
        assert_eq!(secondary, 1);
        assert!(link_local <= 1);
        // Where the kernel does not filter (no strict checking), the iterator does.
        rtnl.client().socket().set_strict_check(false).unwrap();
        let mut list = rtnl.addresses(Some(Family::INET), Some(other)).unwrap();
        let mut n = 0;
        while let Some(a) = list.next().unwrap() {
            assert_eq!((a.index(), a.ip_addr().unwrap()), (other, v("203.0.113.5")));
            n += 1;
        }
        assert_eq!(n, 1);
        rtnl.client().socket().set_strict_check(true).unwrap();
        // Every link's: nla1's too; a filter by family only.
        let mut list = rtnl.addresses(None, None).unwrap();
        let mut seen = Vec::new();
        while let Some(a) = list.next().unwrap() {
            seen.push((a.index(), a.ip_addr().unwrap()));
        }
        assert!(seen.contains(&(other, v("203.0.113.5"))));
        assert!(seen.contains(&(index, v("2001:db8::1"))));
        let mut list = rtnl.addresses(Some(Family::INET6), None).unwrap();
        while let Some(a) = list.next().unwrap() {
            assert!(a.ip_addr().unwrap().is_ipv6());
        }
        // Deleted (secondaries first: a primary takes its secondaries with it), and gone.
        for s in specs.iter().rev() {
            rtnl.delete_address(s)
                .unwrap_or_else(|e| panic!("{s:?}: {e}"));
        }
        let mut list = rtnl.addresses(None, Some(index)).unwrap();
        while let Some(a) = list.next().unwrap() {
            assert_eq!(a.scope(), Scope::LINK, "left: {:?}", a.ip_addr());
        }
        let left = &ip_json(&["-4", "address", "show", "dev", "nla0"])[0]["addr_info"];
        assert!(left.is_null() || left == &json!([]), "{left}");
    });
    if let Err(reason) = r {
        skip!("{reason}");
    }
}

/// Our view of a route as `ip -json -details route` prints it, with the keys we compare.
fn route_json(r: &Route<'_>, names: &HashMap<u64, String>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("type".into(), json!(r.kind().name().unwrap()));
    let dst = match (r.destination().unwrap(), r.prefix_len()) {
        (None, 0) => "default".to_string(),
        (Some(d), len) if len == if d.is_ipv4() { 32 } else { 128 } => d.to_string(),
        (Some(d), len) => format!("{d}/{len}"),
        (None, len) => panic!("no destination with prefix {len}"),
    };
    m.insert("dst".into(), json!(dst));
    if let Some(g) = r.gateway().unwrap() {
        m.insert("gateway".into(), json!(g.to_string()));
    }
    if let Some(i) = r.output_interface().unwrap() {
        m.insert("dev".into(), json!(names[&(i as u64)]));
    }
    let table = match r.table().unwrap() {
        RouteTable::MAIN => "main".to_string(),
        RouteTable::LOCAL => "local".to_string(),
        RouteTable::DEFAULT => "default".to_string(),
        t => t.raw().to_string(),
    };
    m.insert("table".into(), json!(table));
    m.insert("protocol".into(), json!(r.protocol().name().unwrap()));
    m.insert("scope".into(), json!(r.scope().name().unwrap()));
    if let Some(s) = r.preferred_source().unwrap() {
        m.insert("prefsrc".into(), json!(s.to_string()));
    }
    if let Some(p) = r.priority().unwrap() {
        m.insert("metric".into(), json!(p));
    }
    if let Some(hops) = r.nexthops() {
        let hops: Vec<Value> = hops
            .map(|h| {
                let h = h.unwrap();
                let mut n = Map::new();
                if let Some(g) = h.gateway().unwrap() {
                    n.insert("gateway".into(), json!(g.to_string()));
                }
                n.insert("dev".into(), json!(names[&(h.index() as u64)]));
                n.insert("weight".into(), json!(h.weight()));
                Value::Object(n)
            })
            .collect();
        m.insert("nexthops".into(), Value::Array(hops));
    }
    m
}

/// `ip`'s route, with the keys `route_json` makes (and `nexthops`' the same).
fn project_route(ip: &Value, table: RouteTable) -> Map<String, Value> {
    let keys = [
        "type", "dst", "gateway", "dev", "table", "protocol", "scope", "prefsrc", "metric",
    ];
    let mut m = Map::new();
    for (k, v) in ip.as_object().unwrap() {
        if keys.contains(&k.as_str()) {
            m.insert(k.clone(), v.clone());
        }
        if k == "nexthops" {
            let hops = v
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    let mut n = Map::new();
                    for k in ["gateway", "dev", "weight"] {
                        if let Some(x) = h.get(k) {
                            n.insert(k.into(), x.clone());
                        }
                    }
                    Value::Object(n)
                })
                .collect();
            m.insert(k.clone(), Value::Array(hops));
        }
    }
    // `ip route show [table N]` leaves out the table it was asked for.
    if !m.contains_key("table") {
        let name = match table {
            RouteTable::MAIN => "main".to_string(),
            t => t.raw().to_string(),
        };
        m.insert("table".into(), json!(name));
    }
    m
}

/// Every route of `family` in `table` (ours), sorted, beside `ip`'s.
fn compare_routes(rtnl: &mut Rtnl<'_>, family: Family, table: RouteTable, ip_args: &[&str]) {
    let names = link_names();
    let mut ours = Vec::new();
    let mut list = rtnl.routes(Some(family), table).unwrap();
    while let Some(r) = list.next().unwrap() {
        assert_eq!(r.family(), family);
        if table != RouteTable::ALL {
            assert_eq!(r.table().unwrap(), table);
        }
        ours.push(Value::Object(route_json(&r, &names)).to_string());
    }
    let mut theirs: Vec<String> = ip_json(ip_args)
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Value::Object(project_route(r, table)).to_string())
        .collect();
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs);
}

#[test]
fn routes_read_back_as_ip_shows_them() {
    let r = in_netns(|| {
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = rtnl(&mut buf);
        let index = dummy(&mut rtnl, "nlr0");
        let other = dummy(&mut rtnl, "nlr1");
        rtnl.add_address(&AddressSpec::new(index, v("192.0.2.2"), 24))
            .unwrap();
        rtnl.add_address(&AddressSpec::new(other, v("192.0.3.2"), 24))
            .unwrap();
        rtnl.add_address(&AddressSpec::new(index, v("2001:db8::2"), 64).flags(AddressFlags::NODAD))
            .unwrap();
        let specs = [
            RouteSpec::default_v4().via(v("192.0.2.1")),
            RouteSpec::new(v("198.51.100.0"), 24)
                .dev(index)
                .priority(50),
            RouteSpec::new(v("198.51.101.0"), 24)
                .via(v("192.0.2.1"))
                .source(v("192.0.2.2"))
                .protocol(RouteProtocol::DHCP),
            RouteSpec::new(v("203.0.113.0"), 24).kind(RouteType::BLACKHOLE),
            RouteSpec::new(v("203.0.114.0"), 24).kind(RouteType::UNREACHABLE),
            RouteSpec::new(v("203.0.115.0"), 24).kind(RouteType::PROHIBIT),
            RouteSpec::new(v("10.1.0.0"), 16)
                .via(v("192.0.2.1"))
                .table(RouteTable::from_raw(1000)),
            RouteSpec::new(v("10.2.0.0"), 16)
                .dev(index)
                .table(RouteTable::from_raw(100)),
            RouteSpec::default_v6().via(v("2001:db8::1")),
            RouteSpec::new(v("2001:db8:5::"), 48).dev(index).priority(7),
            RouteSpec::new(v("2001:db8:6::"), 48).kind(RouteType::BLACKHOLE),
            RouteSpec::new(v("2001:db8:7::"), 48)
                .via(v("2001:db8::1"))
                .table(RouteTable::from_raw(1000)),
        ];
        for s in &specs {
            rtnl.add_route(s).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        }
        // A multipath route, by ip: read.
        ip(&[
            "route",
            "add",
            "198.51.102.0/24",
            "nexthop",
            "via",
            "192.0.2.1",
            "nexthop",
            "via",
            "192.0.3.1",
            "weight",
            "3",
        ]);
        let mut list = rtnl.routes(Some(Family::INET), RouteTable::MAIN).unwrap();
        let mut multipath = 0;
        while let Some(r) = list.next().unwrap() {
            if let Some(hops) = r.nexthops() {
                let hops: Vec<_> = hops.map(|h| h.unwrap()).collect();
                assert_eq!(hops.len(), 2);
                assert_eq!((hops[0].index(), hops[0].weight()), (index, 1));
                assert_eq!((hops[1].index(), hops[1].weight()), (other, 3));
                assert_eq!(hops[1].gateway().unwrap(), Some(v("192.0.3.1")));
                multipath += 1;
            }
        }
        assert_eq!(multipath, 1);

        compare_routes(
            &mut rtnl,
            Family::INET,
            RouteTable::MAIN,
            &["-details", "-4", "route", "show"],
        );
        compare_routes(
            &mut rtnl,
            Family::INET,
            RouteTable::from_raw(1000),
            &["-details", "-4", "route", "show", "table", "1000"],
        );
        compare_routes(
            &mut rtnl,
            Family::INET,
            RouteTable::ALL,
            &["-details", "-4", "route", "show", "table", "all"],
        );
        compare_routes(
            &mut rtnl,
            Family::INET6,
            RouteTable::MAIN,
            &["-details", "-6", "route", "show"],
        );
        compare_routes(
            &mut rtnl,
            Family::INET6,
            RouteTable::ALL,
            &["-details", "-6", "route", "show", "table", "all"],
        );
        // Both families at once: the sum.
        let mut list = rtnl.routes(None, RouteTable::from_raw(1000)).unwrap();
        let mut n = 0;
        while let Some(r) = list.next().unwrap() {
            assert_eq!(r.table().unwrap(), RouteTable::from_raw(1000));
            n += 1;
        }
        assert_eq!(n, 2);
        // Where the kernel does not filter (no strict checking), the iterator does.
        rtnl.client().socket().set_strict_check(false).unwrap();
        let mut list = rtnl
            .routes(Some(Family::INET6), RouteTable::from_raw(1000))
            .unwrap();
        let mut n = 0;
        while let Some(r) = list.next().unwrap() {
            assert_eq!(r.family(), Family::INET6);
            assert_eq!(r.table().unwrap(), RouteTable::from_raw(1000));
            n += 1;
        }
        assert_eq!(n, 1);
        rtnl.client().socket().set_strict_check(true).unwrap();

        // The route to an address, as `ip route get`.
        let names = link_names();
        for (to, prefsrc) in [
            ("192.0.2.7", "192.0.2.2"),
            ("8.8.8.8", "192.0.2.2"),
            ("2001:db8::9", "2001:db8::2"),
        ] {
            let got = rtnl.route_to(v(to)).unwrap();
            let theirs = &ip_json(&["route", "get", to])[0];
            assert_eq!(got.destination().unwrap(), Some(v(to)));
            assert_eq!(got.preferred_source().unwrap(), Some(v(prefsrc)));
            assert_eq!(theirs["prefsrc"], json!(prefsrc));
            let dev = got.output_interface().unwrap().unwrap();
            assert_eq!(json!(names[&(dev as u64)]), theirs["dev"]);
            let gw = got.gateway().unwrap().map(|g| json!(g.to_string()));
            assert_eq!(gw.unwrap_or(Value::Null), theirs["gateway"]);
        }
        let e = rtnl.route_to(v("203.0.113.1")).map(|_| ()).unwrap_err();
        assert_eq!(e.errno(), Some(Errno::INVAL), "a blackhole: {e}");

        // Deleted, and gone.
        for s in &specs {
            rtnl.delete_route(s)
                .unwrap_or_else(|e| panic!("{s:?}: {e}"));
        }
        for family in [Family::INET, Family::INET6] {
            let mut list = rtnl.routes(Some(family), RouteTable::ALL).unwrap();
            while let Some(r) = list.next().unwrap() {
                assert!(
                    r.protocol() == RouteProtocol::KERNEL || r.nexthops().is_some(),
                    "left: {:?}/{} {:?}",
                    r.destination(),
                    r.prefix_len(),
                    r.protocol()
                );
            }
        }
        assert_eq!(ip_json(&["route", "show", "table", "1000"]), json!([]));
    });
    if let Err(reason) = r {
        skip!("{reason}");
    }
}

#[test]
fn refusals_are_named() {
    let r = in_netns(|| {
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = rtnl(&mut buf);
        let index = dummy(&mut rtnl, "nlf0");
        // An address on a link that does not exist.
        let missing = AddressSpec::new(9999, v("192.0.2.1"), 24);
        assert_eq!(refused(rtnl.add_address(&missing)), Errno::NODEV);
        // A duplicate address, a duplicate route: EEXIST (NLM_F_EXCL); replace is fine.
        let a = AddressSpec::new(index, v("192.0.2.1"), 24);
        rtnl.add_address(&a).unwrap();
        assert_eq!(refused(rtnl.add_address(&a)), Errno::EXIST);
        rtnl.replace_address(&a.lifetimes(100, 50)).unwrap();
        let route = RouteSpec::new(v("198.51.100.0"), 24).via(v("192.0.2.1"));
        rtnl.add_route(&route).unwrap();
        assert_eq!(refused(rtnl.add_route(&route)), Errno::EXIST);
        rtnl.replace_route(&route.priority(0)).unwrap();
        // A gateway no route reaches.
        let far = RouteSpec::new(v("198.51.101.0"), 24).via(v("10.77.0.1"));
        assert_eq!(refused(rtnl.add_route(&far)), Errno::NETUNREACH);
        // A route out of a link that does not exist.
        let nodev = RouteSpec::new(v("198.51.101.0"), 24).dev(9999);
        assert_eq!(refused(rtnl.add_route(&nodev)), Errno::NODEV);
        // Deleting what is not there.
        let absent = AddressSpec::new(index, v("192.0.2.77"), 24);
        assert_eq!(refused(rtnl.delete_address(&absent)), Errno::ADDRNOTAVAIL);
        let absent = RouteSpec::new(v("198.51.103.0"), 24);
        assert_eq!(refused(rtnl.delete_route(&absent)), Errno::SRCH);
        // No route to an address.
        let e = rtnl.route_to(v("10.77.0.1")).map(|_| ()).unwrap_err();
        assert_eq!(e.errno(), Some(Errno::NETUNREACH));
        // Prefix lengths over 32/128 and mixed families: named, before the kernel.
        let seq = rtnl.client().seq();
        let over4 = AddressSpec::new(index, v("192.0.2.1"), 33);
        assert_eq!(
            rtnl.add_address(&over4),
            Err(Error::Address(AddressError::PrefixTooLong {
                len: 33,
                max: 32
            }))
        );
        let over6 = RouteSpec::new(v("2001:db8::"), 129);
        assert_eq!(
            rtnl.add_route(&over6),
            Err(Error::Address(AddressError::PrefixTooLong {
                len: 129,
                max: 128
            }))
        );
        assert_eq!(
            rtnl.delete_address(&AddressSpec::new(index, v("::1"), 200)),
            Err(Error::Address(AddressError::PrefixTooLong {
                len: 200,
                max: 128
            }))
        );
        let mixed = RouteSpec::default_v4().via(v("2001:db8::1"));
        assert_eq!(
            rtnl.add_route(&mixed),
            Err(Error::Address(AddressError::MixedFamilies {
                expected: Family::INET,
                found: Family::INET6
            }))
        );
        let mixed = AddressSpec::new(index, v("2001:db8::1"), 64).peer(v("192.0.2.1"));
        assert!(matches!(
            rtnl.add_address(&mixed),
            Err(Error::Address(AddressError::MixedFamilies { .. }))
        ));
        let label = AddressSpec::new(index, v("192.0.2.3"), 24).label("a-label-too-long-x");
        assert!(matches!(
            rtnl.add_address(&label),
            Err(Error::Address(AddressError::NameTooLong { len: 18 }))
        ));
        assert_eq!(rtnl.client().seq(), seq, "the kernel saw none of them");
        // Refused values with the extended ack's text: a preferred lifetime over the valid
        // one, a route type past RTN_MAX.
        let lives = AddressSpec::new(index, v("192.0.2.4"), 24).lifetimes(10, 20);
        match rtnl.add_address(&lives) {
            Err(Error::Netlink(NetlinkError::Refused { errno, message, .. })) => {
                assert_eq!(errno, Errno::INVAL);
                // Newer kernels say why (6.1's refuses without a text): the flag and the
                // kept text agree either way.
                let text = rtnl.client().ext_ack_message();
                assert_eq!(message, text.is_some(), "{text:?}");
                if let Some(text) = text {
                    assert!(text.contains("lifetime"), "{text}");
                } else {
                    println!("lifetimes refused without a text by this kernel");
                }
            }
            other => panic!("{other:?}"),
        }
        // A preferred source the host does not have, a multicast gateway: EINVAL with the
        // kernel's text (these refusals name no attribute: the kernel gives none).
        for refused in [
            RouteSpec::new(v("198.51.109.0"), 24)
                .dev(index)
                .source(v("10.99.0.1")),
            RouteSpec::new(v("2001:db8:9::"), 48)
                .dev(index)
                .source(v("2001:db8:77::1")),
            RouteSpec::new(v("2001:db8:9::"), 48).via(v("ff02::1")),
        ] {
            match rtnl.add_route(&refused) {
                Err(Error::Netlink(NetlinkError::Refused { errno, message, .. })) => {
                    assert_eq!(errno, Errno::INVAL, "{refused:?}");
                    assert!(message && rtnl.client().ext_ack_message().is_some());
                }
                other => panic!("{refused:?}: {other:?}"),
            }
        }
        let bad = RouteSpec::new(v("198.51.104.0"), 24).kind(RouteType::from_raw(200));
        match rtnl.add_route(&bad) {
            Err(Error::Netlink(NetlinkError::Refused { errno, message, .. })) => {
                assert_eq!(errno, Errno::INVAL);
                assert!(message, "{:?}", rtnl.client().ext_ack_message());
            }
            other => panic!("{other:?}"),
        }
    });
    if let Err(reason) = r {
        skip!("{reason}");
    }
}

#[test]
fn a_buffer_too_small_for_a_dump_is_named() {
    let r = in_netns(|| {
        let mut big = vec![0u8; RECOMMENDED_BUFFER];
        let index = dummy(&mut rtnl(&mut big), "nlb0");
        let mut buf = vec![0u8; 64];
        let mut rtnl = rtnl(&mut buf);
        rtnl.add_address(&AddressSpec::new(index, v("192.0.2.1"), 24))
            .unwrap();
        let mut list = rtnl.addresses(None, None).unwrap();
        match list.next() {
            Err(Error::Netlink(NetlinkError::ReplyTooLarge { needed })) => assert!(needed > 64),
            other => panic!("{other:?}"),
        }
        let mut list = rtnl.routes(None, RouteTable::ALL).unwrap();
        assert!(matches!(
            list.next(),
            Err(Error::Netlink(NetlinkError::ReplyTooLarge { .. }))
        ));
        assert!(matches!(
            rtnl.route_to(v("192.0.2.9")).map(|_| ()),
            Err(Error::Netlink(NetlinkError::ReplyTooLarge { .. }))
        ));
        // The socket stays usable.
        rtnl.delete_address(&AddressSpec::new(index, v("192.0.2.1"), 24))
            .unwrap();
    });
    if let Err(reason) = r {
        skip!("{reason}");
    }
}
