//! The DNS test fixture itself (`tests/common/dnsmasq.rs`), before any resolver uses it: each
//! case of the standard zone asked of a real dnsmasq with hand-built queries over std's UDP and
//! TCP, and the fake servers. Skips where dnsmasq is not installed.

mod common;

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use common::dnsmasq::wire::{self, Message};
use common::dnsmasq::*;

/// Asks over UDP without EDNS (the 512-byte limit).
fn ask(d: &Dnsmasq, name: &str, qtype: u16) -> Message {
    ask_with(d, name, qtype, None)
}

fn ask_with(d: &Dnsmasq, name: &str, qtype: u16, edns: Option<u16>) -> Message {
    let q = wire::query(0x1234, name, qtype, edns);
    let reply = wire::query_udp(d.addr(), &q).unwrap_or_else(|e| panic!("{e}\n{}", d.log()));
    let m = wire::parse(&reply).unwrap();
    assert!(m.qr && m.ra, "{m:?}");
    assert_eq!(m.question, Some((name.to_string(), qtype, wire::IN)));
    m
}

fn ptr(d: &Dnsmasq, ip: IpAddr) -> Message {
    ask(d, &reverse_name(ip), wire::PTR)
}

#[test]
fn addresses_of_both_families_with_their_ttl() {
    let d = dnsmasq_or_skip!(&Zone::standard());
    println!(
        "dnsmasq at {} answered {:?} after it was spawned",
        d.addr(),
        d.startup()
    );
    let m = ask(&d, WWW, wire::A);
    assert_eq!(
        (m.rcode, m.aa, m.tc, m.ancount),
        (wire::NOERROR, true, false, 2)
    );
    assert_eq!(m.a(), WWW_V4);
    assert!(m.answers.iter().all(|r| r.ttl == WWW_TTL && r.name == WWW));
    let m = ask(&d, WWW, wire::AAAA);
    assert_eq!((m.rcode, m.ancount), (wire::NOERROR, 2));
    assert_eq!(m.aaaa(), WWW_V6);
    assert!(m.answers.iter().all(|r| r.ttl == WWW_TTL));
    // Other names have the zone's TTL; the name comes back in the case it was asked in.
    let m = ask(&d, "V4only.BARESOCK.test", wire::A);
    assert_eq!(m.a(), [V4_ONLY_ADDR]);
    assert_eq!(m.answers[0].ttl, LOCAL_TTL);
    assert_eq!(m.answers[0].name, "V4only.BARESOCK.test");
}

#[test]
fn cname_chain_in_one_answer() {
    let d = dnsmasq_or_skip!(&Zone::standard());
    for (qtype, last) in [
        (wire::A, wire::Data::A(TARGET_V4)),
        (wire::AAAA, wire::Data::Aaaa(TARGET_V6)),
    ] {
        let m = ask(&d, ALIAS, qtype);
        assert_eq!((m.rcode, m.ancount), (wire::NOERROR, 3), "{m:?}");
        assert_eq!(
            m.names(wire::CNAME),
            [
                (ALIAS.to_string(), ALIAS2.to_string()),
                (ALIAS2.to_string(), TARGET.to_string())
            ]
        );
        assert_eq!((m.answers[0].ttl, m.answers[1].ttl), (ALIAS_TTL, LOCAL_TTL));
        assert_eq!(
            (m.answers[2].name.as_str(), &m.answers[2].data),
            (TARGET, &last)
        );
    }
}

#[test]
fn nxdomain_and_empty_answers() {
    let d = dnsmasq_or_skip!(&Zone::standard());
    for (name, qtype) in [
        (MISSING, wire::A),
        (MISSING, wire::AAAA),
        ("host.baresock.test", wire::A),
        (SHORT, wire::A),
        (SHORT, wire::AAAA),
    ] {
        let m = ask(&d, name, qtype);
        assert_eq!(
            (m.rcode, m.ancount, m.nscount),
            (wire::NXDOMAIN, 0, 0),
            "{name}"
        );
    }
    for (name, qtype) in [
        (V4_ONLY, wire::AAAA),
        (V6_ONLY, wire::A),
        (WWW, wire::TXT),
        (WWW, wire::MX),
    ] {
        let m = ask(&d, name, qtype);
        assert_eq!(
            (m.rcode, m.ancount, m.nscount),
            (wire::NOERROR, 0, 0),
            "{name}"
        );
    }
    assert_eq!(ask(&d, V6_ONLY, wire::AAAA).aaaa(), [V6_ONLY_ADDR]);
}

#[test]
fn servfail_and_refused() {
    let d = dnsmasq_or_skip!(&Zone::standard());
    let start = Instant::now();
    let m = ask(&d, SERVFAIL_NAME, wire::A);
    assert_eq!((m.rcode, m.ancount), (wire::SERVFAIL, 0));
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
    for name in [REFUSED_NAME, "www.example.com"] {
        let m = ask(&d, name, wire::A);
        assert_eq!((m.rcode, m.ancount), (wire::REFUSED, 0), "{name}");
    }
    // An empty zone refuses everything.
    let empty = dnsmasq_or_skip!(&Zone::empty());
    assert_eq!(ask(&empty, WWW, wire::A).rcode, wire::REFUSED);
}

#[test]
fn too_big_for_udp_is_truncated_and_whole_over_tcp() {
    let d = dnsmasq_or_skip!(&Zone::standard());
    let q = wire::query(0x4242, BIG, wire::A, None);
    let udp = wire::query_udp(d.addr(), &q).unwrap();
    assert!(udp.len() <= 512, "{}", udp.len());
    let m = wire::parse(&udp).unwrap();
    println!(
        "without EDNS: TC {}, {} answers in {} bytes",
        m.tc,
        m.ancount,
        udp.len()
    );
    assert!(m.tc);
    assert_eq!(m.rcode, wire::NOERROR);
    assert!(m.ancount > 0 && usize::from(m.ancount) < BIG_COUNT);
    assert_eq!(m.answers.len(), usize::from(m.ancount));

    let tcp = wire::parse(&wire::query_tcp(d.addr(), &q).unwrap()).unwrap();
    assert_eq!((tcp.id, tcp.tc, tcp.rcode), (0x4242, false, wire::NOERROR));
    assert_eq!(tcp.a(), big_v4());

    let edns = ask_with(&d, BIG, wire::A, Some(1232));
    assert!(!edns.tc);
    assert_eq!(edns.a(), big_v4());
}

#[test]
fn tcp_answers_the_other_cases_too() {
    let d = dnsmasq_or_skip!(&Zone::standard());
    for (name, rcode, count) in [
        (WWW, wire::NOERROR, 2),
        (ALIAS, wire::NOERROR, 3),
        (MISSING, wire::NXDOMAIN, 0),
        (REFUSED_NAME, wire::REFUSED, 0),
    ] {
        let reply = wire::query_tcp(d.addr(), &wire::query(9, name, wire::A, None)).unwrap();
        let m = wire::parse(&reply).unwrap();
        assert_eq!((m.rcode, m.ancount), (rcode, count), "{name}");
    }
}

#[test]
fn reverse_lookups() {
    let d = dnsmasq_or_skip!(&Zone::standard());
    for (ip, name) in [
        (IpAddr::from(WWW_V4[0]), WWW),
        (WWW_V4[1].into(), WWW),
        (WWW_V6[0].into(), WWW),
        (WWW_V6[1].into(), WWW),
        (TARGET_V4.into(), TARGET),
        (PTR_ADDR.into(), PTR_NAME),
    ] {
        let m = ptr(&d, ip);
        assert_eq!(m.rcode, wire::NOERROR, "{ip}");
        assert_eq!(
            m.names(wire::PTR),
            [(reverse_name(ip), name.to_string())],
            "{ip}"
        );
    }
    for ip in [
        IpAddr::from(NO_PTR_ADDR),
        "2001:db8::99".parse::<IpAddr>().unwrap(),
    ] {
        let m = ptr(&d, ip);
        assert_eq!((m.rcode, m.ancount), (wire::NXDOMAIN, 0), "{ip}");
    }
    assert_eq!(
        reverse_name("2001:db8::1".parse().unwrap()),
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
    );
}

#[test]
fn search_list_finds_the_short_name_under_the_second_domain() {
    let d = dnsmasq_or_skip!(&Zone::standard());
    let tries: Vec<(String, u8, Vec<_>)> = SEARCH
        .iter()
        .map(|domain| {
            let name = format!("{SHORT}.{domain}");
            let m = ask(&d, &name, wire::A);
            (name, m.rcode, m.a())
        })
        .collect();
    assert_eq!(
        tries,
        [
            ("host.baresock.test".to_string(), wire::NXDOMAIN, vec![]),
            (SHORT_FQDN.to_string(), wire::NOERROR, vec![SHORT_V4]),
        ],
        // Seen once under qemu-user (riscv64): SERVFAIL for both; dnsmasq's log says why.
        "dnsmasq at {}:\n{}",
        d.addr(),
        d.log()
    );
}

#[test]
fn zones_can_grow_and_servers_run_side_by_side() {
    let a = dnsmasq_or_skip!(&Zone::standard());
    let b = dnsmasq_or_skip!(&Zone::empty().line("host-record=extra.baresock.test,192.0.2.77"));
    assert_ne!(a.addr(), b.addr());
    assert_eq!(
        ask(&b, "extra.baresock.test", wire::A).a(),
        ["192.0.2.77".parse::<std::net::Ipv4Addr>().unwrap()]
    );
    assert_eq!(
        ask(&a, "extra.baresock.test", wire::A).rcode,
        wire::NXDOMAIN
    );
    assert!(a.log().contains("query[A] extra.baresock.test"));
    assert!(b.config().contains("no-resolv"));
}

#[test]
fn missing_dnsmasq_is_a_skip_reason() {
    match dnsmasq_binary() {
        Ok(path) => println!("dnsmasq is {}", path.display()),
        Err(why) => assert_eq!(
            why,
            "dnsmasq is not installed; install it with: apt-get install dnsmasq-base"
        ),
    }
}

#[test]
fn silent_server_hears_and_never_answers() {
    let silent = SilentServer::new();
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let q = wire::query(1, WWW, wire::A, None);
    client.send_to(&q, silent.addr()).unwrap();
    client.send_to(&q, silent.addr()).unwrap();
    assert!(client.recv(&mut [0u8; 512]).is_err());
    assert_eq!(silent.received(), 2);
    assert!(wire::query_tcp(silent.addr(), &q).is_err());
}

#[test]
fn responder_sends_what_the_closure_says_from_either_port() {
    let r = Responder::start(|q| {
        vec![
            // The wrong ID, the wrong question, the right one from another port, then the
            // right one.
            Reply::new(wire::with_id(
                wire::reply_a(q, &[TARGET_V4], 5),
                wire::id(q) ^ 1,
            )),
            Reply::new(wire::reply_a(
                &wire::query(wire::id(q), "other.baresock.test", wire::A, None),
                &[TARGET_V4],
                5,
            )),
            Reply::new(wire::reply_a(q, &[TARGET_V4], 5)).via_other_port(),
            Reply::new(wire::reply_a(q, &WWW_V4, 60)).after(Duration::from_millis(30)),
        ]
    });
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    let q = wire::query(0x7777, WWW, wire::A, None);
    client.send_to(&q, r.addr()).unwrap();
    let mut got: Vec<(SocketAddr, Message)> = Vec::new();
    let mut buf = [0u8; 512];
    for _ in 0..4 {
        let (n, from) = client.recv_from(&mut buf).unwrap();
        got.push((from, wire::parse(&buf[..n]).unwrap()));
    }
    assert_eq!(got[0].1.id, 0x7776);
    assert_eq!(got[1].1.question.as_ref().unwrap().0, "other.baresock.test");
    assert_ne!(got[2].0, r.addr());
    assert_eq!(got[2].0.ip(), r.addr().ip());
    assert_eq!((got[3].0, got[3].1.id), (r.addr(), 0x7777));
    assert_eq!(got[3].1.a(), WWW_V4);
    assert_eq!(got[3].1.answers[0].name, WWW);
    assert_eq!(r.queries(), [q]);
    let rcode = wire::parse(&wire::reply(
        &wire::query(3, WWW, wire::AAAA, Some(1232)),
        wire::SERVFAIL,
    ))
    .unwrap();
    assert_eq!(
        (rcode.rcode, rcode.qdcount, rcode.arcount),
        (wire::SERVFAIL, 1, 0)
    );
}
