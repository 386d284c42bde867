//! The resolver against real data: numeric hosts, hosts and services files the tests write, a
//! real DNS server (dnsmasq, started per test on a loopback address and port of its own), fake
//! servers for silence and spoofing. glibc's own answers for the same hosts files are
//! compared in tests/resolve_glibc.rs.

mod common;

use baresock::resolve::ResolveError;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use baresock::resolve::{AddrInfo, DomainName, Hints, NameInfoFlags, Paths, ResolvConf, Resolver};
use baresock::resolve::{HostErrorKind, LookupCause, LookupErrorKind};
use baresock::{Error, Family, Protocol, Type};
use common::dnsmasq::{self, wire, Reply, Responder, SilentServer, Zone};
use common::TempDir;

/// A hosts file, a services file and an (empty) resolv.conf in a fresh directory.
struct Files {
    dir: TempDir,
    hosts: String,
    services: String,
    resolv: String,
}

const HOSTS: &str = "\
# test hosts file
127.0.0.1\tlocalhost
::1 localhost ip6-localhost
192.0.2.50  files.baresock.test files  alias.files.test # a comment
2001:db8::50 files.baresock.test
192.0.2.51 second.files.test
not-an-address broken.files.test
10.0.0.1
";

const SERVICES: &str = "\
# test services file
http\t\t80/tcp\t\twww
domain\t\t53/tcp
domain\t\t53/udp
syslog\t\t514/udp
bogus\t\tnotaport/tcp
";

impl Files {
    fn new() -> Files {
        Files::with(HOSTS, SERVICES, "")
    }

    fn with(hosts: &str, services: &str, resolv: &str) -> Files {
        let dir = TempDir::new("resolve");
        let write = |name: &str, text: &str| {
            let p = dir.path(name);
            std::fs::write(&p, text).unwrap();
            p.to_str().unwrap().to_string()
        };
        Files {
            hosts: write("hosts", hosts),
            services: write("services", services),
            resolv: write("resolv.conf", resolv),
            dir,
        }
    }

    fn paths(&self) -> Paths<'_> {
        Paths {
            hosts: &self.hosts,
            resolv_conf: &self.resolv,
            services: &self.services,
        }
    }

    /// A resolver over these files, asking only `server` (nothing else is configured).
    fn resolver(
        &self,
        server: Option<SocketAddr>,
        conf: impl FnOnce(&mut ResolvConf),
    ) -> Resolver<'_> {
        // `parse`, not `load`: no search list from this machine's host name.
        let mut c = ResolvConf::parse(&std::fs::read(&self.resolv).unwrap());
        c.clear_nameservers();
        if let Some(s) = server {
            assert!(c.add_nameserver(s));
        }
        conf(&mut c);
        Resolver::new(c, self.paths())
    }
}

fn lookup(
    r: &Resolver<'_>,
    host: Option<&str>,
    service: Option<&str>,
    hints: &Hints,
) -> Result<Vec<AddrInfo>, Error> {
    let mut out = [AddrInfo::EMPTY; 256];
    let found = r.lookup(host, service, hints, &mut out)?;
    assert_eq!(found.more(), 0);
    Ok(found.results(&out).to_vec())
}

/// The distinct addresses of a lookup, as a set.
fn ips(v: &[AddrInfo]) -> BTreeSet<IpAddr> {
    v.iter().map(|a| a.addr.ip()).collect()
}

fn stream() -> Hints {
    Hints {
        socket_type: Some(Type::STREAM),
        ..Hints::default()
    }
}

fn kind(e: Error) -> (LookupErrorKind, LookupCause) {
    match e {
        Error::Resolve(ResolveError::Lookup(r)) => (r.kind(), r.cause()),
        other => panic!("not a resolve error: {other:?}"),
    }
}

// ---- numeric hosts and services: no file, no server ----

#[test]
fn numeric_hosts_answer_themselves() {
    let f = Files::new();
    // No server at all: any DNS query would fail.
    let r = f.resolver(None, |_| {});
    let v = lookup(&r, Some("192.0.2.7"), Some("8080"), &Hints::default()).unwrap();
    // Once per socket type: stream/TCP, datagram/UDP, raw/0.
    let kinds: Vec<(Type, Protocol)> = v.iter().map(|a| (a.socket_type, a.protocol)).collect();
    assert_eq!(
        kinds,
        [
            (Type::STREAM, Protocol::TCP),
            (Type::DGRAM, Protocol::UDP),
            (Type::RAW, Protocol::DEFAULT)
        ]
    );
    assert!(v
        .iter()
        .all(|a| a.addr == "192.0.2.7:8080".parse().unwrap()));

    let v = lookup(&r, Some("fe80::1%1"), Some("22"), &stream()).unwrap();
    match v[0].addr {
        SocketAddr::V6(a) => assert_eq!((a.scope_id(), a.port()), (1, 22)),
        other => panic!("{other}"),
    }
    let v = lookup(&r, Some("fe80::1%lo"), None, &stream()).unwrap();
    match v[0].addr {
        SocketAddr::V6(a) => assert_eq!(a.scope_id(), baresock::interface_index("lo").unwrap()),
        other => panic!("{other}"),
    }
    assert_eq!(
        kind(lookup(&r, Some("fe80::1%no-such-if0"), None, &stream()).unwrap_err()),
        (LookupErrorKind::NoName, LookupCause::UnknownScope)
    );
}

#[test]
fn hints_are_kept() {
    let f = Files::new();
    let r = f.resolver(None, |_| {});
    let v6 = Hints {
        family: Some(Family::INET6),
        ..stream()
    };
    assert_eq!(
        kind(lookup(&r, Some("192.0.2.7"), None, &v6).unwrap_err()),
        (LookupErrorKind::Family, LookupCause::FamilyMismatch)
    );
    let unix = Hints {
        family: Some(Family::UNIX),
        ..stream()
    };
    assert_eq!(
        kind(lookup(&r, Some("192.0.2.7"), None, &unix).unwrap_err()),
        (LookupErrorKind::Family, LookupCause::UnsupportedFamily)
    );
    let seq = Hints {
        socket_type: Some(Type::SEQPACKET),
        ..Hints::default()
    };
    assert_eq!(
        kind(lookup(&r, Some("192.0.2.7"), None, &seq).unwrap_err()),
        (LookupErrorKind::SocketType, LookupCause::UnsupportedType)
    );
    let numeric = Hints {
        numeric_host: true,
        ..stream()
    };
    assert_eq!(
        kind(lookup(&r, Some("files.baresock.test"), None, &numeric).unwrap_err()),
        (LookupErrorKind::NoName, LookupCause::NotNumeric)
    );
    let numeric_service = Hints {
        numeric_service: true,
        ..stream()
    };
    assert_eq!(
        kind(lookup(&r, Some("192.0.2.7"), Some("http"), &numeric_service).unwrap_err()),
        (LookupErrorKind::NoName, LookupCause::NotNumeric)
    );
    // No host: loopback, or with `passive` the wildcard addresses, IPv6 first (RFC 6724).
    let v = lookup(&r, None, Some("80"), &stream()).unwrap();
    let got: Vec<IpAddr> = v.iter().map(|a| a.addr.ip()).collect();
    assert_eq!(
        got,
        [
            IpAddr::V6(Ipv6Addr::LOCALHOST),
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        ]
    );
    let passive = Hints {
        passive: true,
        ..stream()
    };
    let v = lookup(&r, None, Some("80"), &passive).unwrap();
    assert!(v.iter().all(|a| a.addr.ip().is_unspecified()));
    assert_eq!(v.len(), 2);
}

#[test]
fn services_come_from_the_services_file() {
    let f = Files::new();
    let r = f.resolver(None, |_| {});
    let v = lookup(&r, Some("192.0.2.7"), Some("http"), &Hints::default()).unwrap();
    // http is TCP only: one result, a stream; no raw socket for a named service.
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].socket_type, v[0].addr.port()), (Type::STREAM, 80));
    // By alias too.
    assert_eq!(
        lookup(&r, Some("192.0.2.7"), Some("www"), &stream()).unwrap()[0]
            .addr
            .port(),
        80
    );
    let v = lookup(&r, Some("192.0.2.7"), Some("domain"), &Hints::default()).unwrap();
    assert_eq!(v.len(), 2);
    assert!(v.iter().all(|a| a.addr.port() == 53));
    // syslog is UDP only: asking for a stream is a service error.
    assert_eq!(
        kind(lookup(&r, Some("192.0.2.7"), Some("syslog"), &stream()).unwrap_err()),
        (LookupErrorKind::Service, LookupCause::UnknownService)
    );
    assert_eq!(
        kind(
            lookup(
                &r,
                Some("192.0.2.7"),
                Some("no-such-service"),
                &Hints::default()
            )
            .unwrap_err()
        ),
        (LookupErrorKind::Service, LookupCause::UnknownService)
    );
}

#[test]
fn services_and_name_info_both_ways() {
    let f = Files::new();
    let r = f.resolver(None, |_| {});
    assert_eq!(r.service_port("http", Some("tcp")).unwrap(), 80);
    assert_eq!(r.service_port("www", None).unwrap(), 80);
    assert_eq!(r.service_port("syslog", Some("udp")).unwrap(), 514);
    assert_eq!(
        kind(r.service_port("syslog", Some("tcp")).unwrap_err()),
        (LookupErrorKind::Service, LookupCause::UnknownService)
    );
    let s = r.service_name(53, Some("udp")).unwrap();
    assert_eq!(
        (s.name().as_str(), s.protocol().as_str()),
        (Some("domain"), Some("udp"))
    );
    assert!(r.service_name(9, None).is_err());

    // getnameinfo: names where known, numeric forms otherwise.
    let info = r
        .name_info("192.0.2.51:80".parse().unwrap(), NameInfoFlags::default())
        .unwrap();
    assert_eq!(
        info.host,
        Some(DomainName::new("second.files.test").unwrap())
    );
    assert_eq!(
        info.service.and_then(|s| s.as_str().map(str::to_string)),
        Some("http".into())
    );
    let info = r
        .name_info(
            "192.0.2.51:514".parse().unwrap(),
            NameInfoFlags {
                numeric_host: true,
                datagram: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(info.host, None);
    assert_eq!(
        info.service.and_then(|s| s.as_str().map(str::to_string)),
        Some("syslog".into())
    );
}

#[test]
fn name_info_asks_dns_and_can_require_a_name() {
    let dns = dnsmasq_or_skip!(&Zone::standard());
    let f = dns_files();
    let r = f.resolver(Some(dns.addr()), |_| {});
    let info = r
        .name_info(
            SocketAddr::new(dnsmasq::PTR_ADDR.into(), 9),
            NameInfoFlags::default(),
        )
        .unwrap();
    assert_eq!(info.host, Some(DomainName::new(dnsmasq::PTR_NAME).unwrap()));
    assert_eq!(info.service, None);
    let unknown = SocketAddr::new(dnsmasq::NO_PTR_ADDR.into(), 9);
    assert_eq!(
        r.name_info(unknown, NameInfoFlags::default()).unwrap().host,
        None
    );
    let required = NameInfoFlags {
        name_required: true,
        ..Default::default()
    };
    assert_eq!(
        kind(r.name_info(unknown, required).unwrap_err()).0,
        LookupErrorKind::NoName
    );
}

#[test]
fn a_full_buffer_says_how_many_more() {
    let f = Files::new();
    let r = f.resolver(None, |_| {});
    let mut out = [AddrInfo::EMPTY; 2];
    let found = r
        .lookup(
            Some("files.baresock.test"),
            Some("7"),
            &Hints::default(),
            &mut out,
        )
        .unwrap();
    // Two addresses, three socket types each: 6 results, 2 written.
    assert_eq!((found.len(), found.more()), (2, 4));
    let mut none: [AddrInfo; 0] = [];
    let found = r
        .lookup(Some("192.0.2.7"), None, &stream(), &mut none)
        .unwrap();
    assert_eq!((found.len(), found.more()), (0, 1));
}

// ---- the hosts file ----

#[test]
fn hosts_file_forward_and_reverse() {
    let f = Files::new();
    let r = f.resolver(None, |_| {});
    let canon = Hints {
        canonical_name: true,
        ..stream()
    };
    let mut out = [AddrInfo::EMPTY; 8];
    // The canonical name is on both lines; the aliases only on the first.
    for (name, want) in [
        ("files.baresock.test", &["192.0.2.50", "2001:db8::50"][..]),
        ("FILES", &["192.0.2.50"][..]),
        ("alias.files.test", &["192.0.2.50"][..]),
    ] {
        let found = r.lookup(Some(name), None, &canon, &mut out).unwrap();
        let got = ips(found.results(&out));
        let want: BTreeSet<IpAddr> = want.iter().map(|s| s.parse().unwrap()).collect();
        assert_eq!(got, want, "{name}");
        assert_eq!(
            found.canonical_name(),
            Some(&DomainName::new("files.baresock.test").unwrap())
        );
    }
    let v4 = Hints {
        family: Some(Family::INET),
        ..stream()
    };
    assert_eq!(
        ips(&lookup(&r, Some("files"), None, &v4).unwrap()),
        BTreeSet::from(["192.0.2.50".parse().unwrap()])
    );
    // Reverse, through the hosts file.
    assert_eq!(
        r.lookup_addr("192.0.2.51".parse().unwrap()).unwrap(),
        DomainName::new("second.files.test").unwrap()
    );
    assert_eq!(
        r.lookup_addr("2001:db8::50".parse().unwrap()).unwrap(),
        DomainName::new("files.baresock.test").unwrap()
    );
    // An IPv6 address matches IPv6 lines only, as in glibc 2.36 (tests/resolve_glibc.rs):
    // an IPv4-mapped address is not the IPv4 line's, and goes to DNS (as its IPv4 address),
    // where no server answers here.
    match r.lookup_addr("::ffff:192.0.2.51".parse().unwrap()) {
        Err(Error::Resolve(ResolveError::Host(h))) => assert_eq!(h.kind(), HostErrorKind::TryAgain),
        other => panic!("{other:?}"),
    }
    // A name not in the file, with no server to ask: a temporary failure, not "no name".
    let e = lookup(&r, Some("nowhere.files.test"), None, &stream()).unwrap_err();
    assert_eq!(kind(e).0, LookupErrorKind::TryAgain);
}

// ---- DNS against dnsmasq ----

fn dns_files() -> Files {
    Files::with("", SERVICES, "options timeout:2 attempts:1\n")
}

#[test]
fn a_and_aaaa_from_a_real_server() {
    let dns = dnsmasq_or_skip!(&Zone::standard());
    let f = dns_files();
    let r = f.resolver(Some(dns.addr()), |_| {});
    let v = lookup(&r, Some(dnsmasq::WWW), Some("443"), &stream()).unwrap();
    let want: BTreeSet<IpAddr> = dnsmasq::WWW_V4
        .iter()
        .map(|&a| IpAddr::V4(a))
        .chain(dnsmasq::WWW_V6.iter().map(|&a| IpAddr::V6(a)))
        .collect();
    assert_eq!(ips(&v), want);
    assert!(v.iter().all(|a| a.addr.port() == 443));
    // One family only.
    let v6 = Hints {
        family: Some(Family::INET6),
        ..stream()
    };
    let got = ips(&lookup(&r, Some(dnsmasq::WWW), None, &v6).unwrap());
    assert_eq!(
        got,
        dnsmasq::WWW_V6.iter().map(|&a| IpAddr::V6(a)).collect()
    );
    // A trailing dot: the same name, absolute.
    let abs = format!("{}.", dnsmasq::WWW);
    assert_eq!(ips(&lookup(&r, Some(&abs), None, &stream()).unwrap()), want);
}

#[test]
fn aliases_are_followed_to_the_canonical_name() {
    let dns = dnsmasq_or_skip!(&Zone::standard());
    let f = dns_files();
    let r = f.resolver(Some(dns.addr()), |_| {});
    let hints = Hints {
        canonical_name: true,
        ..stream()
    };
    let mut out = [AddrInfo::EMPTY; 8];
    let found = r
        .lookup(Some(dnsmasq::ALIAS), None, &hints, &mut out)
        .unwrap();
    assert_eq!(
        ips(found.results(&out)),
        BTreeSet::from([
            IpAddr::V4(dnsmasq::TARGET_V4),
            IpAddr::V6(dnsmasq::TARGET_V6)
        ])
    );
    assert_eq!(
        found.canonical_name(),
        Some(&DomainName::new(dnsmasq::TARGET).unwrap())
    );
}

#[test]
fn each_answer_kind_has_its_error() {
    let dns = dnsmasq_or_skip!(&Zone::standard());
    let f = dns_files();
    let r = f.resolver(Some(dns.addr()), |_| {});
    assert_eq!(
        kind(lookup(&r, Some(dnsmasq::MISSING), None, &stream()).unwrap_err()),
        (LookupErrorKind::NoName, LookupCause::NxDomain)
    );
    // The name exists, without an address of the family asked for.
    let v6 = Hints {
        family: Some(Family::INET6),
        ..stream()
    };
    assert_eq!(
        kind(lookup(&r, Some(dnsmasq::V4_ONLY), None, &v6).unwrap_err()),
        (LookupErrorKind::NoData, LookupCause::NoRecords)
    );
    // Both families asked: the one that exists is returned.
    assert_eq!(
        ips(&lookup(&r, Some(dnsmasq::V4_ONLY), None, &stream()).unwrap()),
        BTreeSet::from([IpAddr::V4(dnsmasq::V4_ONLY_ADDR)])
    );
    assert_eq!(
        kind(lookup(&r, Some(dnsmasq::SERVFAIL_NAME), None, &stream()).unwrap_err()),
        (LookupErrorKind::TryAgain, LookupCause::Rcode(2))
    );
    assert_eq!(
        kind(lookup(&r, Some(dnsmasq::REFUSED_NAME), None, &stream()).unwrap_err()),
        (LookupErrorKind::Failed, LookupCause::Rcode(5))
    );
    let e = lookup(&r, Some(dnsmasq::MISSING), None, &stream()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "name resolution failed: name or service not known (the name server says the name does not exist)"
    );
}

#[test]
fn a_truncated_reply_is_asked_again_over_tcp() {
    let dns = dnsmasq_or_skip!(&Zone::standard());
    let f = dns_files();
    // No EDNS0: the UDP reply is cut at 512 bytes with TC set.
    let r = f.resolver(Some(dns.addr()), |_| {});
    let v4 = Hints {
        family: Some(Family::INET),
        ..stream()
    };
    let got = ips(&lookup(&r, Some(dnsmasq::BIG), None, &v4).unwrap());
    let want: BTreeSet<IpAddr> = dnsmasq::big_v4().into_iter().map(IpAddr::V4).collect();
    assert_eq!(got, want);
    // All 40: more than the 29 of the cut UDP reply, so the second query went over TCP.
    let asked = dns.log().matches("query[A] big.baresock.test").count();
    assert_eq!(asked, 2, "{}", dns.log());
    // With EDNS0 the whole answer fits one datagram of 1232 bytes.
    let r = f.resolver(Some(dns.addr()), |c| {
        c.set_edns0(true);
    });
    assert_eq!(
        ips(&lookup(&r, Some(dnsmasq::BIG), None, &v4).unwrap()),
        want
    );
    // `use-vc`: TCP from the start.
    let r = f.resolver(Some(dns.addr()), |c| {
        c.set_use_vc(true);
    });
    assert_eq!(
        ips(&lookup(&r, Some(dnsmasq::WWW), None, &v4).unwrap()).len(),
        2
    );
}

#[test]
fn search_list_and_ndots() {
    let dns = dnsmasq_or_skip!(&Zone::standard());
    let f = Files::with(
        "",
        SERVICES,
        &format!(
            "search {}\noptions timeout:2 attempts:1\n",
            dnsmasq::SEARCH.join(" ")
        ),
    );
    let r = f.resolver(Some(dns.addr()), |_| {});
    let hints = Hints {
        canonical_name: true,
        family: Some(Family::INET),
        ..stream()
    };
    let mut out = [AddrInfo::EMPTY; 4];
    let found = r
        .lookup(Some(dnsmasq::SHORT), None, &hints, &mut out)
        .unwrap();
    assert_eq!(out[0].addr.ip(), IpAddr::V4(dnsmasq::SHORT_V4));
    assert_eq!(
        found.canonical_name(),
        Some(&DomainName::new(dnsmasq::SHORT_FQDN).unwrap())
    );
    // With fewer dots than ndots, the search domains come first and then the name as it is:
    // dnsmasq's log shows the order.
    let log = dns.log();
    let first = log
        .find("host.baresock.test")
        .expect("first search domain tried");
    let second = log
        .find("host.corp.test")
        .expect("second search domain tried");
    assert!(first < second, "{log}");
    // An absolute name is never extended.
    assert_eq!(
        kind(lookup(&r, Some("host."), None, &stream()).unwrap_err()),
        (LookupErrorKind::NoName, LookupCause::NxDomain)
    );

    // With ndots:1, `www.baresock` (one dot) goes out as it is first; with ndots:3 the search
    // list comes first. Seen through a responder that records the questions.
    for (ndots, want_first) in [(1, "www.baresock"), (3, "www.baresock.baresock.test")] {
        let responder = Responder::start(|q| vec![Reply::new(wire::reply(q, wire::NXDOMAIN))]);
        let f = Files::with(
            "",
            SERVICES,
            &format!("search baresock.test\noptions ndots:{ndots} timeout:1 attempts:1\n"),
        );
        let r = f.resolver(Some(responder.addr()), |_| {});
        let v4 = Hints {
            family: Some(Family::INET),
            ..stream()
        };
        let _ = lookup(&r, Some("www.baresock"), None, &v4).unwrap_err();
        let asked: Vec<String> = responder
            .queries()
            .iter()
            .map(|q| wire::parse(q).unwrap().question.unwrap().0)
            .collect();
        assert_eq!(
            asked.first().map(String::as_str),
            Some(want_first),
            "{asked:?}"
        );
        assert_eq!(asked.len(), 2, "{asked:?}");
    }

    // A single label: the search list, then the label alone; with `no-tld-query`, never the
    // label alone.
    for (options, want) in [("", 2), ("no-tld-query", 1)] {
        let responder = Responder::start(|q| vec![Reply::new(wire::reply(q, wire::NXDOMAIN))]);
        let f = Files::with(
            "",
            SERVICES,
            &format!("search baresock.test\noptions timeout:1 attempts:1 {options}\n"),
        );
        let r = f.resolver(Some(responder.addr()), |_| {});
        let v4 = Hints {
            family: Some(Family::INET),
            ..stream()
        };
        let _ = lookup(&r, Some("single"), None, &v4).unwrap_err();
        let asked: Vec<String> = responder
            .queries()
            .iter()
            .map(|q| wire::parse(q).unwrap().question.unwrap().0)
            .collect();
        assert_eq!(asked.len(), want, "{options}: {asked:?}");
        assert_eq!(asked[0], "single.baresock.test");
    }
}

#[test]
fn reverse_lookups_by_ptr() {
    let dns = dnsmasq_or_skip!(&Zone::standard());
    let f = dns_files();
    let r = f.resolver(Some(dns.addr()), |_| {});
    assert_eq!(
        r.lookup_addr(IpAddr::V4(dnsmasq::PTR_ADDR)).unwrap(),
        DomainName::new(dnsmasq::PTR_NAME).unwrap()
    );
    assert_eq!(
        r.lookup_addr(IpAddr::V6(dnsmasq::WWW_V6[0])).unwrap(),
        DomainName::new(dnsmasq::WWW).unwrap()
    );
    match r.lookup_addr(IpAddr::V4(dnsmasq::NO_PTR_ADDR)) {
        Err(Error::Resolve(ResolveError::Host(h))) => {
            assert_eq!(
                (h.kind(), h.cause()),
                (HostErrorKind::NotFound, LookupCause::NxDomain)
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn mapped_and_loopback_lines_serve_ipv4_lookups() {
    // As glibc's hosts reader for AF_INET: `::ffff:a.b.c.d` is a.b.c.d, `::1` is 127.0.0.1,
    // other IPv6 lines are skipped; both families take each line as it is.
    let f = Files::with(
        "2001:db8::7 m.test\n::ffff:192.0.2.7 M.test m\n::1 m.test lo6\n192.0.2.8 m.test\n",
        SERVICES,
        "",
    );
    let r = f.resolver(None, |_| {});
    let v4 = Hints {
        family: Some(Family::INET),
        canonical_name: true,
        ..stream()
    };
    let mut out = [AddrInfo::EMPTY; 8];
    let found = r.lookup(Some("m.test"), None, &v4, &mut out).unwrap();
    assert_eq!(
        ips(found.results(&out)),
        BTreeSet::from([
            IpAddr::from([192, 0, 2, 7]),
            IpAddr::from([127, 0, 0, 1]),
            IpAddr::from([192, 0, 2, 8])
        ])
    );
    // The canonical name is the first line an IPv4 lookup reads (the IPv6 line is skipped).
    assert_eq!(found.canonical_name().unwrap().to_string(), "M.test");
    let v = lookup(&r, Some("lo6"), None, &v4).unwrap();
    assert_eq!(ips(&v), BTreeSet::from([IpAddr::from([127, 0, 0, 1])]));
    // Both families: the lines as they are.
    let v = lookup(&r, Some("lo6"), None, &stream()).unwrap();
    assert_eq!(ips(&v), BTreeSet::from([IpAddr::V6(Ipv6Addr::LOCALHOST)]));
    // Reverse, both ways round.
    let name = |ip: &str| r.lookup_addr(ip.parse().unwrap()).unwrap().to_string();
    assert_eq!(name("192.0.2.7"), "M.test");
    assert_eq!(name("127.0.0.1"), "m.test");
    // An IPv6 address matches IPv6 lines only (glibc 2.36): ::ffff:192.0.2.7 is a line here.
    assert_eq!(name("::ffff:192.0.2.7"), "M.test");
}

// ---- files that cannot be read: empty, as glibc reads them ----

/// Paths where a file cannot be read for what the file system holds: a directory, a path
/// through a regular file, a symbolic-link loop; each with the errno that says why.
fn unreadable_paths(dir: &TempDir) -> Vec<(String, baresock::Errno)> {
    let d = dir.path("a-directory");
    std::fs::create_dir_all(&d).unwrap();
    let file = dir.path("a-file");
    std::fs::write(&file, "x\n").unwrap();
    let lp = dir.path("a-loop");
    let _ = std::fs::remove_file(&lp);
    std::os::unix::fs::symlink(&lp, &lp).unwrap();
    vec![
        (d.to_str().unwrap().to_string(), baresock::Errno::ISDIR),
        (
            file.join("hosts").to_str().unwrap().to_string(),
            baresock::Errno::NOTDIR,
        ),
        (lp.to_str().unwrap().to_string(), baresock::Errno::LOOP),
    ]
}

#[test]
fn an_unreadable_hosts_file_falls_through_to_dns() {
    let server = answering();
    let f = Files::new();
    let v4 = Hints {
        family: Some(Family::INET),
        ..stream()
    };
    for (path, errno) in unreadable_paths(&f.dir) {
        let scan = baresock::resolve::__private::hosts::for_each_file(&path, |_| {
            std::ops::ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(scan.unread(), Some(errno), "{path}");
        let mut c = ResolvConf::new();
        c.add_nameserver(server.addr());
        let r = Resolver::new(
            c,
            Paths {
                hosts: &path,
                ..f.paths()
            },
        );
        // Forward: the name goes to DNS, which answers.
        let v = lookup(&r, Some("dns.baresock.test."), None, &v4)
            .unwrap_or_else(|e| panic!("{path}: {e:?}"));
        assert_eq!(ips(&v), BTreeSet::from([IpAddr::from([192, 0, 2, 9])]));
        // Reverse: the address goes to DNS (this server has no PTR records: "no data").
        match r.lookup_addr(IpAddr::from([192, 0, 2, 9])) {
            Err(Error::Resolve(ResolveError::Host(h))) => {
                assert_eq!(h.kind(), HostErrorKind::NoData, "{path}")
            }
            other => panic!("{path}: {other:?}"),
        }
    }
    assert!(server
        .queries()
        .iter()
        .any(|q| wire::parse(q).unwrap().question.unwrap().0 == "9.2.0.192.in-addr.arpa"));
}

#[test]
fn unreadable_services_and_resolv_conf_files_are_empty() {
    let f = Files::new();
    for (path, _) in unreadable_paths(&f.dir) {
        // resolv.conf: the defaults.
        let r = Resolver::with_paths(Paths {
            resolv_conf: &path,
            ..f.paths()
        })
        .unwrap_or_else(|e| panic!("{path}: {e:?}"));
        assert!(r.conf().uses_default_nameserver(), "{path}");
        // services: no service has a name, numbers still work.
        let r = Resolver::new(
            ResolvConf::new(),
            Paths {
                services: &path,
                ..f.paths()
            },
        );
        assert_eq!(
            kind(lookup(&r, Some("192.0.2.7"), Some("http"), &stream()).unwrap_err()),
            (LookupErrorKind::Service, LookupCause::UnknownService),
            "{path}"
        );
        assert_eq!(
            kind(r.service_port("http", None).unwrap_err()),
            (LookupErrorKind::Service, LookupCause::UnknownService)
        );
        assert!(r.service_name(80, None).is_err());
        let v = lookup(&r, Some("192.0.2.7"), Some("80"), &stream()).unwrap();
        assert_eq!(v[0].addr.port(), 80);
    }
}

#[test]
fn other_file_errors_are_resolve_errors() {
    // A path the kernel refuses is no file-system content: it is reported, as the lookup's
    // kind of error, with the errno as its cause.
    let f = Files::new();
    let long = "x".repeat(5000);
    let r = Resolver::new(
        ResolvConf::new(),
        Paths {
            hosts: &long,
            ..f.paths()
        },
    );
    assert_eq!(
        kind(lookup(&r, Some("files"), None, &stream()).unwrap_err()),
        (
            LookupErrorKind::Failed,
            LookupCause::Os(baresock::Errno::NAMETOOLONG)
        )
    );
    match r.lookup_addr(IpAddr::from([192, 0, 2, 50])) {
        Err(Error::Resolve(ResolveError::Host(h))) => assert_eq!(
            (h.kind(), h.cause()),
            (
                HostErrorKind::NoRecovery,
                LookupCause::Os(baresock::Errno::NAMETOOLONG)
            )
        ),
        other => panic!("{other:?}"),
    }
}

// ---- failures and spoofing with fake servers ----

/// A responder that answers every A query with 192.0.2.9.
fn answering() -> Responder {
    Responder::start(|q| {
        vec![Reply::new(wire::reply_a(
            q,
            &[Ipv4Addr::new(192, 0, 2, 9)],
            60,
        ))]
    })
}

#[test]
fn rotate_spreads_lookups_over_the_servers() {
    let (a, b) = (answering(), answering());
    let f = Files::with("", SERVICES, "options timeout:2 attempts:1\n");
    let v4 = Hints {
        family: Some(Family::INET),
        ..stream()
    };
    let two = |rotate: bool| {
        let r = f.resolver(None, |c| {
            c.add_nameserver(a.addr());
            c.add_nameserver(b.addr());
            c.set_rotate(rotate);
        });
        for i in 0..4 {
            lookup(&r, Some(&format!("n{i}.baresock.test.")), None, &v4).unwrap();
        }
    };
    two(false);
    assert_eq!((a.queries().len(), b.queries().len()), (4, 0));
    two(true);
    assert_eq!((a.queries().len(), b.queries().len()), (6, 2));
}

#[test]
fn single_request_sends_one_query_at_a_time() {
    // A server that answers AAAA and never A. Together, both queries go out at once; with
    // `single-request` the AAAA query waits for the A query's 2-second timeout. The server
    // notes when each query came, so a slow machine cannot blur the two.
    for single in [false, true] {
        let arrived = Arc::new(Mutex::new(Vec::new()));
        let noted = arrived.clone();
        let server = Responder::start(move |q| {
            noted.lock().unwrap().push(Instant::now());
            let qtype = u16::from_be_bytes([q[q.len() - 4], q[q.len() - 3]]);
            if qtype == wire::AAAA {
                vec![Reply::new(wire::reply_aaaa(
                    q,
                    &["2001:db8::9".parse().unwrap()],
                    60,
                ))]
            } else {
                vec![]
            }
        });
        let f = Files::with("", SERVICES, "options timeout:2 attempts:1\n");
        let r = f.resolver(Some(server.addr()), |c| {
            c.set_single_request(single);
        });
        // The A query timed out; the AAAA answer stands.
        let found = lookup(&r, Some("both.baresock.test."), None, &stream()).map(|v| v.len());
        assert_eq!(found, Ok(1));
        assert_eq!(server.queries().len(), 2);
        let at = arrived.lock().unwrap().clone();
        let gap = at[1].duration_since(at[0]);
        if single {
            assert!(
                gap >= Duration::from_millis(1900),
                "single-request: the second query came {gap:?} after the first"
            );
        } else {
            assert!(
                gap < Duration::from_secs(1),
                "the two queries came {gap:?} apart"
            );
        }
    }
}

/// A lookup of A and AAAA against a server that never answers, under `attempts:N` with
/// one-second attempts: it fails with "no reply" after `rounds` rounds of both queries, taking
/// that many seconds (and less than two more).
fn silent_server_rounds(attempts: u8, rounds: u32) {
    let silent = SilentServer::new();
    let f = Files::with(
        "",
        SERVICES,
        &format!("options timeout:1 attempts:{attempts}\n"),
    );
    let r = f.resolver(Some(silent.addr()), |_| {});
    let start = Instant::now();
    let e = lookup(&r, Some("quiet.baresock.test."), None, &stream()).unwrap_err();
    let took = start.elapsed();
    // A and AAAA each went out once a round.
    assert_eq!(
        kind(e),
        (
            LookupErrorKind::TryAgain,
            LookupCause::NoReply {
                tries: 2 * rounds as u16
            }
        )
    );
    assert!(took >= Duration::from_secs(rounds.into()), "{took:?}");
    assert!(
        took < Duration::from_secs(u64::from(rounds) + 2),
        "{took:?}"
    );
    assert_eq!(silent.received(), 2 * rounds as usize);
}

#[test]
fn a_silent_server_times_out_as_configured() {
    silent_server_rounds(2, 2);
}

#[test]
fn zero_attempts_make_one_round() {
    // glibc sends nothing under `attempts:0`; this resolver makes one round (documented on
    // `ResolvConf::attempts`).
    silent_server_rounds(0, 1);
}

#[test]
fn a_closed_port_fails_fast() {
    // Nothing listens: ICMP port unreachable comes back as ECONNREFUSED on the connected
    // socket, and the lookup does not wait for the timeout.
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let f = Files::with("", SERVICES, "options timeout:5 attempts:1\n");
    let r = f.resolver(Some(port), |_| {});
    let start = Instant::now();
    let e = lookup(&r, Some("closed.baresock.test."), None, &stream()).unwrap_err();
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(
        kind(e),
        (
            LookupErrorKind::TryAgain,
            LookupCause::Os(baresock::Errno::CONNREFUSED)
        )
    );
}

#[test]
fn spoofed_replies_are_ignored() {
    let real = Ipv4Addr::new(192, 0, 2, 77);
    let fake = Ipv4Addr::new(203, 0, 113, 66);
    // For each query: a reply with the wrong id, one for another question, one from another
    // port, each carrying the fake address; then the true reply, a little later.
    let responder = Responder::start(move |q| {
        let id = wire::id(q);
        let mut other_question = wire::query(
            id,
            "other.baresock.test",
            u16::from_be_bytes([q[q.len() - 4], q[q.len() - 3]]),
            None,
        );
        other_question = wire::reply_a(&other_question, &[fake], 60);
        vec![
            Reply::new(wire::with_id(
                wire::reply_a(q, &[fake], 60),
                id.wrapping_add(1),
            )),
            Reply::new(other_question),
            Reply::new(wire::reply_a(q, &[fake], 60)).via_other_port(),
            Reply::new(wire::reply_a(q, &[real], 60)).after(Duration::from_millis(50)),
        ]
    });
    let f = Files::with("", SERVICES, "options timeout:2 attempts:1\n");
    let r = f.resolver(Some(responder.addr()), |_| {});
    let v4 = Hints {
        family: Some(Family::INET),
        ..stream()
    };
    let got = ips(&lookup(&r, Some("spoof.baresock.test."), None, &v4).unwrap());
    assert_eq!(got, BTreeSet::from([IpAddr::V4(real)]));

    // Only spoofed replies: nothing is believed, and the lookup times out.
    let responder = Responder::start(move |q| {
        let id = wire::id(q);
        vec![
            Reply::new(wire::with_id(wire::reply_a(q, &[fake], 60), id ^ 0x8000)),
            Reply::new(wire::reply_a(q, &[fake], 60)).via_other_port(),
        ]
    });
    let f = Files::with("", SERVICES, "options timeout:1 attempts:1\n");
    let r = f.resolver(Some(responder.addr()), |_| {});
    let e = lookup(&r, Some("spoof.baresock.test."), None, &v4).unwrap_err();
    assert_eq!(kind(e).0, LookupErrorKind::TryAgain);
}

#[test]
fn a_malformed_reply_is_a_failure() {
    // The right id and question, then garbage where the answer should be.
    let responder = Responder::start(|q| {
        let mut r = wire::reply_a(q, &[Ipv4Addr::new(192, 0, 2, 1)], 60);
        let n = r.len();
        r[n - 6] = 0xff; // RDLENGTH high byte: the data runs past the end
        vec![Reply::new(r)]
    });
    let f = Files::with("", SERVICES, "options timeout:1 attempts:1\n");
    let r = f.resolver(Some(responder.addr()), |_| {});
    let v4 = Hints {
        family: Some(Family::INET),
        ..stream()
    };
    let (k, cause) = kind(lookup(&r, Some("bad.baresock.test."), None, &v4).unwrap_err());
    assert_eq!(k, LookupErrorKind::Failed);
    assert!(matches!(cause, LookupCause::Malformed(_)), "{cause:?}");
}

// ---- connecting by name ----

#[test]
fn connect_by_name_tries_the_next_address_on_refusal() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // ::1 first (RFC 6724 prefers it), where nothing listens on that port.
    let f = Files::with("::1 both.test\n127.0.0.1 both.test\n", SERVICES, "");
    let r = f.resolver(None, |_| {});
    let s = r
        .connect("both.test", port, Some(Duration::from_secs(5)), None)
        .unwrap();
    assert_eq!(s.peer_addr().unwrap().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    assert_eq!(s.timeout(), Some(Duration::from_secs(5)));
}

/// An IPv6-only listener on [::1] whose accept queue is full, so that the kernel drops new
/// SYNs and a connect to it hangs; its port, and the sockets that keep it so.
fn hanging_v6_listener() -> (u16, Vec<baresock::Socket>) {
    let v6 = baresock::Socket::new(Family::INET6, Type::STREAM, Protocol::DEFAULT).unwrap();
    v6.set_only_v6(true).unwrap();
    v6.bind("[::1]:0".parse::<SocketAddr>().unwrap()).unwrap();
    v6.listen(0).unwrap();
    let port = v6.local_addr().unwrap().port().unwrap();
    let mut keep = vec![v6];
    for _ in 0..4 {
        let s = baresock::Socket::new(Family::INET6, Type::STREAM, Protocol::DEFAULT).unwrap();
        s.set_nonblocking(true).unwrap();
        let _ = s.connect(SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), port));
        keep.push(s);
    }
    std::thread::sleep(Duration::from_millis(100));
    (port, keep)
}

#[test]
fn happy_eyeballs_starts_the_next_address_while_the_first_hangs() {
    if !common::has_ipv6() {
        skip!("no IPv6 loopback here");
    }
    // The IPv6 listener hangs new connections; the IPv4 listener on the same port answers.
    let (port, _hang) = hanging_v6_listener();
    let v4 = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let f = Files::with("::1 happy.test\n127.0.0.1 happy.test\n", SERVICES, "");
    let r = f.resolver(None, |_| {});
    let start = Instant::now();
    let s = r
        .connect("happy.test", port, Some(Duration::from_secs(10)), None)
        .unwrap();
    let took = start.elapsed();
    assert_eq!(s.peer_addr().unwrap().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    // The IPv4 attempt started after the attempt delay, not after the whole timeout.
    assert!(took >= baresock::resolve::ATTEMPT_DELAY, "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    drop(v4);
}

#[test]
fn connect_by_name_keeps_the_deadline() {
    if !common::has_ipv6() {
        skip!("no IPv6 loopback here");
    }
    let (port, _hang) = hanging_v6_listener();
    let f = Files::with("::1 hang.test\n", SERVICES, "");
    let r = f.resolver(None, |_| {});
    let start = Instant::now();
    let e = r
        .connect("hang.test", port, Some(Duration::from_millis(600)), None)
        .unwrap_err();
    let took = start.elapsed();
    assert_eq!(e, Error::Timeout);
    assert!(
        took >= Duration::from_millis(600) && took < Duration::from_secs(2),
        "{took:?}"
    );
}
