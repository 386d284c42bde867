//! Netlink against the running kernel: dumps read whole, acks, the kernel's refusal with its
//! extended ack, replies too large for the buffer, forged and stale replies, deadlines, and
//! uevents. Tests that change anything run in a network namespace of their own (root).
#![cfg(feature = "netlink")]
#![allow(unsafe_code)] // a test may use raw calls itself (unshare); the library may not

mod common;

use std::time::{Duration, Instant};

use baresock::netlink::uevent::{Action, UeventSocket};
use baresock::netlink::*;
use baresock::{Errno, Error, NetlinkAddr};

const RTM_NEWLINK: u16 = 16;
const RTM_DELLINK: u16 = 17;
const RTM_GETLINK: u16 = 18;
const IFLA_IFNAME: u16 = 3;
const IFLA_MTU: u16 = 4;
const IFLA_LINKINFO: u16 = 18;
const IFLA_INFO_KIND: u16 = 1;
const IFINFOMSG: usize = 16;

/// `struct ifinfomsg` for interface `index`.
fn ifinfomsg(index: i32) -> [u8; IFINFOMSG] {
    let mut m = [0u8; IFINFOMSG];
    m[4..8].copy_from_slice(&index.to_ne_bytes());
    m
}

/// `ip link add <name> type <kind>` as a request in `buf`, with extra attributes from `more`.
fn new_link<'a>(
    buf: &'a mut [u8],
    name: &str,
    kind: &str,
    more: impl FnOnce(&mut MessageWriter<'_>),
) -> Request<'a> {
    let mut w = MessageWriter::new(buf);
    w.begin(RTM_NEWLINK, MessageFlags::CREATE | MessageFlags::EXCL)
        .fixed(&ifinfomsg(0));
    w.put_str(IFLA_IFNAME, name);
    more(&mut w);
    let info = w.begin_nested(IFLA_LINKINFO);
    w.put_str(IFLA_INFO_KIND, kind);
    w.end_nested(info);
    w.finish().unwrap()
}

/// The names of every link, by a dump.
fn link_names(client: &mut Client, buf: &mut [u8]) -> Result<Vec<String>, Error> {
    let mut req = [0u8; 64];
    let mut w = MessageWriter::new(&mut req);
    w.begin(RTM_GETLINK, MessageFlags::empty())
        .fixed(&ifinfomsg(0));
    let req = w.finish()?;
    let mut names = Vec::new();
    let mut dump = client.dump(req, buf)?;
    while let Some(m) = dump.next()? {
        assert_eq!(m.kind(), RTM_NEWLINK);
        let (_, attrs) = m.split(IFINFOMSG)?;
        names.push(attrs.require(IFLA_IFNAME)?.str()?.to_string());
    }
    Ok(names)
}

fn client() -> Client {
    let c = Client::new(NetlinkProtocol::ROUTE).unwrap();
    c.socket()
        .set_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    c
}

#[test]
fn a_link_dump_is_read_whole() {
    if let Some(why) = common::qemu_netlink_links_gap() {
        skip!("{why}");
    }
    let mut c = client();
    let mut buf = vec![0u8; RECOMMENDED_BUFFER];
    let mut names = link_names(&mut c, &mut buf).unwrap();
    names.sort();
    let mut sys: Vec<String> = match std::fs::read_dir("/sys/class/net") {
        Ok(d) => d
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect(),
        Err(e) => skip!("no /sys/class/net ({e})"),
    };
    sys.sort();
    assert_eq!(names, sys);
    assert_eq!((c.ignored(), c.skipped()), (0, 0));
}

#[test]
fn dump_each_sees_every_message_once_without_interruption() {
    if let Some(why) = common::qemu_netlink_links_gap() {
        skip!("{why}");
    }
    let mut c = client();
    let mut buf = vec![0u8; RECOMMENDED_BUFFER];
    let names = link_names(&mut c, &mut buf).unwrap();
    let mut req = [0u8; 64];
    let mut w = MessageWriter::new(&mut req);
    w.begin(RTM_GETLINK, MessageFlags::empty())
        .fixed(&ifinfomsg(0));
    let mut req = w.finish().unwrap();
    let mut seen = Vec::new();
    c.dump_each(&mut req, &mut buf, 3, |attempt, m| {
        assert_eq!(attempt, 0);
        let (_, attrs) = m.split(IFINFOMSG)?;
        seen.push(attrs.require(IFLA_IFNAME)?.str()?.to_string());
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, names);
    // The callback's error ends the dump, and the next exchange is still right.
    let e = c.dump_each(&mut req, &mut buf, 3, |_, _| Err(Error::Timeout));
    assert_eq!(e, Err(Error::Timeout));
    assert_eq!(link_names(&mut c, &mut buf).unwrap(), names);
}

#[test]
fn a_dummy_link_is_created_acked_and_looked_up() {
    let r = common::in_netns(|| {
        let mut c = client();
        let mut req = [0u8; 128];
        let mut buf = [0u8; 1024];
        match c.ack(&mut new_link(&mut req, "nl0", "dummy", |_| {}), &mut buf) {
            Err(e) if e.errno() == Some(Errno::OPNOTSUPP) => return Err("no dummy links".into()),
            r => r.unwrap(),
        }
        // Look it up by name, asking for the ack too.
        let mut req = [0u8; 64];
        let mut w = MessageWriter::new(&mut req);
        w.begin(RTM_GETLINK, MessageFlags::ACK).fixed(&ifinfomsg(0));
        w.put_str(IFLA_IFNAME, "nl0");
        let mut big = vec![0u8; RECOMMENDED_BUFFER];
        let link = c.request(&mut w.finish().unwrap(), &mut big).unwrap();
        let (_, attrs) = link.split(IFINFOMSG).unwrap();
        assert_eq!(attrs.require(IFLA_IFNAME).unwrap().str().unwrap(), "nl0");
        assert_eq!(link.port_id(), c.port_id());
        assert_eq!(link.seq(), c.seq());
        // A batch of two deletes: the first acked, the second refused (already gone).
        let mut req = [0u8; 128];
        let mut w = MessageWriter::new(&mut req);
        for _ in 0..2 {
            w.begin(RTM_DELLINK, MessageFlags::empty())
                .fixed(&ifinfomsg(0));
            w.put_str(IFLA_IFNAME, "nl0");
        }
        let e = c.ack(&mut w.finish().unwrap(), &mut buf).unwrap_err();
        assert_eq!(e.errno(), Some(Errno::NODEV));
        assert!(e.is_no_such_interface());
        // Nothing left behind: the next exchange reads its own.
        let names = link_names(&mut c, &mut big).unwrap();
        assert_eq!(names, ["lo"]);
        Ok(())
    });
    match r {
        Ok(Ok(())) => {}
        Ok(Err(why)) | Err(why) => skip!("{why}"),
    }
}

#[test]
fn a_refusal_names_the_attribute_and_keeps_the_text() {
    let r = common::in_netns(|| {
        let mut c = client();
        let mut req = [0u8; 128];
        let mut buf = [0u8; 1024];
        // IFLA_MTU is a u32: two bytes fail the policy.
        let e = c
            .ack(
                &mut new_link(&mut req, "nl1", "dummy", |w| {
                    w.put_u16(IFLA_MTU, 1000);
                }),
                &mut buf,
            )
            .unwrap_err();
        let Error::Netlink(NetlinkError::Refused {
            errno,
            attribute,
            parent,
            message,
        }) = e
        else {
            panic!("not a refusal: {e:?}");
        };
        assert_eq!(e.errno(), Some(errno));
        assert_eq!(errno, Errno::RANGE);
        assert_eq!((attribute, parent), (Some(IFLA_MTU), None));
        assert!(message);
        let text = c.ext_ack_message().expect("the kernel's text");
        assert!(!text.is_empty() && !c.ext_ack_truncated(), "{text}");
        let shown = e.to_string();
        assert!(
            shown.contains("attribute 4") && shown.contains("ext_ack_message"),
            "{shown}"
        );
        // (A nested attribute's path is resolved the same way, unit-tested in the module:
        // rtnetlink parses IFLA_LINKINFO without an extended ack, so it names no offset.)
        // The text is cleared by the next exchange.
        link_names(&mut c, &mut vec![0u8; RECOMMENDED_BUFFER]).unwrap();
        assert_eq!(c.ext_ack_message(), None);
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}

#[test]
fn a_reply_larger_than_the_buffer_is_named_and_drained() {
    if let Some(why) = common::qemu_netlink_links_gap() {
        skip!("{why}");
    }
    let mut c = client();
    let mut small = [0u8; 64];
    let e = link_names(&mut c, &mut small).unwrap_err();
    match e {
        Error::Netlink(NetlinkError::ReplyTooLarge { needed }) => assert!(needed > 64),
        other => panic!("{other:?}"),
    }
    // The next dump on the same socket is whole and right.
    let mut buf = vec![0u8; RECOMMENDED_BUFFER];
    let names = link_names(&mut c, &mut buf).unwrap();
    assert!(names.iter().any(|n| n == "lo"));
    // An abandoned dump (dropped after one message) does not disturb the next exchange.
    let mut req = [0u8; 64];
    let mut w = MessageWriter::new(&mut req);
    w.begin(RTM_GETLINK, MessageFlags::empty())
        .fixed(&ifinfomsg(0));
    let req = w.finish().unwrap();
    let mut dump = c.dump(req, &mut buf).unwrap();
    assert!(dump.next().unwrap().is_some());
    let _ = dump; // abandoned
    assert_eq!(link_names(&mut c, &mut buf).unwrap(), names);
}

#[test]
fn forged_replies_from_user_space_are_ignored() {
    let mut c = client();
    // Another process (here, another socket) can unicast to our port id: a forged ack for
    // the sequence number the next request will have.
    let forger = NetlinkSocket::new(NetlinkProtocol::ROUTE).unwrap();
    let mut forged = [0u8; 64];
    let mut w = MessageWriter::new(&mut forged);
    w.begin(kind::ERROR, MessageFlags::CAPPED);
    let mut body = [0u8; 20];
    body[4..8].copy_from_slice(&16u32.to_ne_bytes());
    w.fixed(&body).set_ids(c.seq() + 1, c.port_id());
    let forged = w.finish().unwrap();
    forger
        .send_to(forged.as_bytes(), NetlinkAddr::new(c.port_id(), 0))
        .unwrap();
    // A request the kernel refuses: deleting a link that is not there (or EPERM).
    let mut req = [0u8; 64];
    let mut w = MessageWriter::new(&mut req);
    w.begin(RTM_DELLINK, MessageFlags::empty())
        .fixed(&ifinfomsg(0));
    w.put_str(IFLA_IFNAME, "no-such-link");
    let mut buf = [0u8; 512];
    let e = c.ack(&mut w.finish().unwrap(), &mut buf).unwrap_err();
    assert!(
        matches!(e.errno(), Some(Errno::NODEV | Errno::PERM)),
        "{e:?}"
    );
    assert_eq!(c.ignored(), 1);
}

#[test]
fn a_stale_reply_is_skipped() {
    if let Some(why) = common::qemu_netlink_links_gap() {
        skip!("{why}");
    }
    let mut c = client();
    // A request sent around the client, with a sequence number of its own, and never read.
    let mut stale = [0u8; 64];
    let mut w = MessageWriter::new(&mut stale);
    w.begin(RTM_GETLINK, MessageFlags::ACK).fixed(&ifinfomsg(1));
    w.set_ids(0xdead, 0);
    c.socket().send(w.finish().unwrap().as_bytes()).unwrap();
    let mut req = [0u8; 64];
    let mut w = MessageWriter::new(&mut req);
    w.begin(RTM_GETLINK, MessageFlags::empty())
        .fixed(&ifinfomsg(1));
    let mut buf = vec![0u8; RECOMMENDED_BUFFER];
    let lo = c.request(&mut w.finish().unwrap(), &mut buf).unwrap();
    assert_eq!(lo.seq(), c.seq());
    let (_, attrs) = lo.split(IFINFOMSG).unwrap();
    assert_eq!(attrs.require(IFLA_IFNAME).unwrap().str().unwrap(), "lo");
    // The stale reply and its ack.
    assert_eq!(c.skipped(), 2);
}

#[test]
fn an_exchange_without_reply_times_out() {
    let r = common::in_netns(|| {
        let mut c = client();
        c.socket()
            .set_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        // A change that succeeds silently: without NLM_F_ACK the kernel answers nothing.
        let mut req = [0u8; 64];
        let mut w = MessageWriter::new(&mut req);
        w.begin(RTM_NEWLINK, MessageFlags::empty())
            .fixed(&ifinfomsg(1));
        let mut buf = [0u8; 512];
        let start = Instant::now();
        let e = c.request(&mut w.finish().unwrap(), &mut buf).unwrap_err();
        let took = start.elapsed();
        assert_eq!(e, Error::Timeout);
        assert!(
            took >= Duration::from_millis(150) && took < Duration::from_secs(3),
            "{took:?}"
        );
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}

#[test]
fn the_socket_and_its_options() {
    let s = NetlinkSocket::new(NetlinkProtocol::ROUTE).unwrap();
    assert_eq!(s.port_id().unwrap(), 0);
    s.bind(NetlinkAddr::new(0, 0)).unwrap();
    let port = s.port_id().unwrap();
    assert_ne!(port, 0);
    assert_eq!(
        s.as_socket().local_addr().unwrap(),
        baresock::SockAddr::Netlink(NetlinkAddr::new(port, 0))
    );
    for (set, get) in [
        (
            NetlinkSocket::set_ext_ack as fn(&NetlinkSocket, bool) -> baresock::Result<()>,
            NetlinkSocket::ext_ack as fn(&NetlinkSocket) -> baresock::Result<bool>,
        ),
        (NetlinkSocket::set_strict_check, NetlinkSocket::strict_check),
        (NetlinkSocket::set_no_enobufs, NetlinkSocket::no_enobufs),
        (NetlinkSocket::set_cap_ack, NetlinkSocket::cap_ack),
        (
            NetlinkSocket::set_broadcast_error,
            NetlinkSocket::broadcast_error,
        ),
    ] {
        qemu_gap!(set(&s, true)).unwrap();
        assert!(get(&s).unwrap());
        set(&s, false).unwrap();
        assert!(!get(&s).unwrap());
    }
    // Groups, also past the bind mask's 32 (RTNLGRP_LINK is 1, RTNLGRP_BRVLAN 33).
    s.join_group(1).unwrap();
    assert_eq!(s.local_addr().unwrap().groups() & 1, 1);
    s.leave_group(1).unwrap();
    s.join_group(33).unwrap();
    s.leave_group(33).unwrap();
    assert_eq!(s.join_group(100_000), Err(Error::Os(Errno::INVAL)));
    // A datagram between two netlink sockets, with its sender.
    // NETLINK_USERSOCK: user space talks to user space there, root or not.
    let a = qemu_gap!(NetlinkSocket::new(NetlinkProtocol::USERSOCK)).unwrap();
    let b = NetlinkSocket::new(NetlinkProtocol::USERSOCK).unwrap();
    a.bind(NetlinkAddr::new(0, 0)).unwrap();
    b.bind(NetlinkAddr::new(0, 0)).unwrap();
    a.send_to(b"hi", b.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(b.recv_from(&mut buf), Err(Error::Truncated { len: 2 }));
    a.send_to(b"hi", b.local_addr().unwrap()).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(b.recv_from(&mut buf).unwrap(), (2, a.local_addr().unwrap()));
}

#[test]
fn creating_a_link_sends_an_add_uevent() {
    let r = common::in_netns(|| {
        // Network devices' uevents go to the uevent sockets of the device's namespace.
        let ue = UeventSocket::new().unwrap();
        ue.socket()
            .set_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut c = client();
        let mut req = [0u8; 128];
        let mut buf = [0u8; 512];
        match c.ack(&mut new_link(&mut req, "ue0", "dummy", |_| {}), &mut buf) {
            Err(e) if e.errno() == Some(Errno::OPNOTSUPP) => return Err("no dummy links".into()),
            r => r.unwrap(),
        }
        let mut buf = [0u8; 8192];
        loop {
            let e = ue.recv(&mut buf).expect("an add uevent for ue0");
            if e.action() == Action::Add && e.get("INTERFACE") == Some("ue0") {
                assert_eq!(e.subsystem(), Some("net"));
                assert!(e.devpath().ends_with("/ue0"), "{}", e.devpath());
                assert!(e.seqnum().is_some());
                return Ok(());
            }
        }
    });
    match r {
        Ok(Ok(())) => {}
        Ok(Err(why)) | Err(why) => skip!("{why}"),
    }
}

#[test]
fn a_flood_of_forged_uevents_cannot_stretch_the_wait() {
    // Root can send to a uevent socket's port id from a socket of its own. Such datagrams
    // are dropped, and a steady flood of them must not keep the call from its deadline.
    let r = common::in_netns(|| {
        let ue = UeventSocket::new().unwrap();
        ue.socket()
            .set_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let port = ue.socket().port_id().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flooder = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let forger = NetlinkSocket::new(NetlinkProtocol::KOBJECT_UEVENT).unwrap();
                let mut sent = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let r =
                        forger.send_to(b"add@/forged\0SUBSYSTEM=net\0", NetlinkAddr::new(port, 0));
                    match r {
                        Ok(_) => sent += 1,
                        // The receiver's queue is full: the flood goes on.
                        Err(Error::WouldBlock) | Err(Error::Os(Errno::NOBUFS)) => {}
                        Err(Error::Os(Errno::AGAIN)) => {}
                        Err(e) => panic!("forging: {e}"),
                    }
                    std::thread::sleep(Duration::from_micros(200));
                }
                sent
            })
        };
        let mut buf = [0u8; 2048];
        let start = Instant::now();
        let r = ue.recv(&mut buf);
        let took = start.elapsed();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let sent = flooder.join().unwrap();
        (r.map(|e| e.devpath().to_string()), took, sent)
    });
    match r {
        Ok((r, took, sent)) => {
            assert_eq!(r, Err(Error::Timeout));
            assert!(sent > 10, "the flood sent only {sent}");
            assert!(
                took >= Duration::from_millis(150) && took < Duration::from_secs(3),
                "{took:?}"
            );
        }
        Err(why) => skip!("{why}"),
    }
}
