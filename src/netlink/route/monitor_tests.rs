//! The monitor's event parsing on made-up and hostile bytes.

use super::*;
use std::string::{String, ToString};
use std::vec::Vec;

/// A message of `kind` with the family header `fixed` and the attributes `(type, value)`.
fn message(kind: u16, fixed: &[u8], attrs: &[(u16, &[u8])]) -> Vec<u8> {
    let mut m = std::vec![0u8; 16];
    m[4..6].copy_from_slice(&kind.to_ne_bytes());
    m.extend_from_slice(fixed);
    for (t, v) in attrs {
        m.extend_from_slice(&((4 + v.len()) as u16).to_ne_bytes());
        m.extend_from_slice(&t.to_ne_bytes());
        m.extend_from_slice(v);
        while !m.len().is_multiple_of(4) {
            m.push(0);
        }
    }
    let len = m.len() as u32;
    m[0..4].copy_from_slice(&len.to_ne_bytes());
    m
}

fn link(kind: u16) -> Vec<u8> {
    let mut ifi = [0u8; 16];
    ifi[4..8].copy_from_slice(&2i32.to_ne_bytes());
    ifi[8..12].copy_from_slice(&(0x1_0000u32 | 0x80 | 0x41 | 0x2).to_ne_bytes());
    message(
        kind,
        &ifi,
        &[(3, b"nlm0\0"), (4, &1500u32.to_ne_bytes()), (16, &[6])],
    )
}

fn address(kind: u16) -> Vec<u8> {
    let mut ifa = [2u8, 24, 0x80, 0, 0, 0, 0, 0];
    ifa[4..8].copy_from_slice(&2u32.to_ne_bytes());
    message(kind, &ifa, &[(2, &[10, 0, 0, 1]), (1, &[10, 0, 0, 1])])
}

fn route(kind: u16) -> Vec<u8> {
    // 10.1.0.0/16 via 10.0.0.2 dev 2 proto static, main table, unicast.
    let rtm = [2u8, 16, 0, 0, 254, 4, 0, 1, 0, 0, 0, 0];
    message(
        kind,
        &rtm,
        &[
            (1, &[10, 1, 0, 0]),
            (5, &[10, 0, 0, 2]),
            (4, &2u32.to_ne_bytes()),
            (6, &100u32.to_ne_bytes()),
        ],
    )
}

fn event(bytes: &[u8]) -> Result<RouteEvent<'_>> {
    let m = Messages::new(bytes)?.into_iter().next().unwrap();
    RouteEvent::from_message(m)
}

#[test]
fn types_each_kind_and_writes_ip_monitor_lines() {
    let l = link(RTM_NEWLINK);
    let e = event(&l).unwrap();
    let RouteEvent::NewLink(v) = e else {
        panic!("{e:?}")
    };
    assert_eq!((v.index(), v.name().unwrap()), (2, "nlm0"));
    assert_eq!(
        e.to_string(),
        "2: nlm0: <BROADCAST,NOARP,UP,LOWER_UP> mtu 1500 state UP"
    );
    let l = link(RTM_DELLINK);
    assert!(event(&l)
        .unwrap()
        .to_string()
        .starts_with("Deleted 2: nlm0: <"));

    let a = address(RTM_NEWADDR);
    assert_eq!(
        event(&a).unwrap().to_string(),
        "10.0.0.1/24 dev 2 scope global"
    );
    let a = address(RTM_DELADDR);
    let e = event(&a).unwrap();
    assert!(e.is_deletion() && matches!(e, RouteEvent::DeletedAddress(_)));
    assert_eq!(e.to_string(), "Deleted 10.0.0.1/24 dev 2 scope global");

    let r = route(RTM_NEWROUTE);
    assert_eq!(
        event(&r).unwrap().to_string(),
        "10.1.0.0/16 via 10.0.0.2 dev 2 proto static metric 100"
    );
    let r = route(RTM_DELROUTE);
    assert!(matches!(event(&r).unwrap(), RouteEvent::DeletedRoute(_)));
    // A default blackhole route in table 100, scope host: the type first, the rest named.
    let r = message(
        RTM_NEWROUTE,
        &[10, 0, 0, 0, 100, 3, 254, 6, 0, 0, 0, 0],
        &[],
    );
    assert_eq!(
        event(&r).unwrap().to_string(),
        "blackhole default table 100 proto boot scope host"
    );

    // A neighbour (RTM_NEWNEIGH): not typed, whole.
    let n = message(28, &[0; 12], &[]);
    let e = event(&n).unwrap();
    assert!(matches!(e, RouteEvent::Other(m) if m.kind() == 28));
    assert_eq!(e.to_string(), "message type 28 (28 bytes)");
    assert_eq!(
        RouteEvent::Overrun.to_string(),
        "events were lost (ENOBUFS): dump again"
    );
}

#[test]
fn groups_map_to_rtnlgrp_numbers() {
    let all: Vec<u32> = RouteGroups::ALL.groups().collect();
    assert_eq!(all, [1, 5, 7, 9, 11]);
    assert_eq!(RouteGroups::from_group(0), None);
    assert_eq!(RouteGroups::from_group(32).unwrap().bits(), 1 << 31);
    assert_eq!(RouteGroups::empty().groups().count(), 0);
}

#[test]
fn malformed_messages_are_named() {
    for kind in [RTM_NEWLINK, RTM_DELADDR, RTM_NEWROUTE] {
        // No family header at all.
        let m = message(kind, &[], &[]);
        assert!(matches!(
            event(&m),
            Err(Error::Netlink(NetlinkError::Short { .. }))
        ));
    }
    // An attribute longer than its message.
    let mut m = address(RTM_NEWADDR);
    m[24..26].copy_from_slice(&200u16.to_ne_bytes());
    assert!(matches!(
        event(&m),
        Err(Error::Netlink(NetlinkError::AttributeLength { .. }))
    ));
    // A wrong-sized attribute: the event is typed, its Display writes `?`.
    let mut m = link(RTM_NEWLINK);
    m[36..38].copy_from_slice(&6u16.to_ne_bytes()); // IFLA_MTU of 2 bytes
    if let Ok(e) = event(&m) {
        let _ = e.to_string();
    }
}

/// Every truncation and every byte changed to a few hostile values, of each kind of
/// message: no panic, in parsing or in `Display`, and errors are netlink's.
#[test]
fn hostile_bytes_never_panic() {
    let msgs = [
        link(RTM_NEWLINK),
        address(RTM_DELADDR),
        route(RTM_NEWROUTE),
        route(RTM_DELROUTE),
    ];
    let mut out = String::new();
    let mut check = |bytes: &[u8]| match Messages::new(bytes) {
        Ok(ms) => {
            for m in ms {
                match RouteEvent::from_message(m) {
                    Ok(e) => {
                        out.clear();
                        let _ = core::fmt::write(&mut out, format_args!("{e} {e:?}"));
                        let _ = e.is_deletion();
                    }
                    Err(e) => assert!(matches!(e, Error::Netlink(_)), "{e:?}"),
                }
            }
        }
        Err(e) => assert!(matches!(e, Error::Netlink(_)), "{e:?}"),
    };
    for msg in &msgs {
        for end in 0..=msg.len() {
            check(&msg[..end]);
        }
        for i in 0..msg.len() {
            for b in [0u8, 1, 3, 4, 0x7f, 0xff] {
                let mut m = msg.clone();
                m[i] = b;
                check(&m);
            }
        }
    }
    // Two messages in one datagram, then garbage after them.
    let mut two = link(RTM_NEWLINK);
    two.extend_from_slice(&address(RTM_NEWADDR));
    check(&two);
    two.extend_from_slice(&[0xff; 7]);
    check(&two);
}

/// A datagram of several messages gives each in turn, then none; a cut one gives none.
#[test]
fn each_message_of_a_datagram_in_turn() {
    let mut d = link(RTM_NEWLINK);
    let first = d.len();
    d.extend_from_slice(&address(RTM_NEWADDR));
    d.extend_from_slice(&route(RTM_DELROUTE));
    Messages::new(&d).unwrap();
    let (mut at, mut kinds) = (0, Vec::new());
    while let Some((start, end)) = next_message(&d, &mut at, d.len()) {
        let m = Message::first(&d[start..end]).unwrap();
        kinds.push(RouteEvent::from_message(m).unwrap().is_deletion());
        assert!(at <= d.len());
    }
    assert_eq!(kinds, [false, false, true]);
    assert_eq!(at, d.len());
    // A length past the datagram (never handed out by `Messages::new`): nothing, no panic.
    let mut at = 0;
    assert_eq!(next_message(&d[..first - 1], &mut at, first - 1), None);
    assert_eq!(next_message(&d, &mut at, d.len() + 9), None);
}
