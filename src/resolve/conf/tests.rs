use core::net::SocketAddrV6;
use core::time::Duration;

use super::*;
use crate::{Errno, Error};

fn name(s: &str) -> DomainName {
    DomainName::new(s).unwrap()
}

fn sa(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

fn no_scopes(_: &[u8]) -> Option<u32> {
    None
}

fn parse(text: &[u8]) -> ResolvConf {
    ResolvConf::parse_with_scopes(text, no_scopes)
}

#[test]
fn defaults() {
    let c = parse(b"");
    assert_eq!(c, ResolvConf::new());
    assert_eq!(c, ResolvConf::default());
    assert_eq!(c.nameservers(), [sa("127.0.0.1:53")]);
    assert!(c.uses_default_nameserver());
    assert!(c.search().is_empty());
    assert_eq!(c.ndots(), 1);
    assert_eq!(c.timeout(), Duration::from_secs(5));
    assert_eq!(c.attempts(), 2);
    assert!(!c.rotate() && !c.edns0() && !c.use_vc() && !c.no_aaaa() && !c.trust_ad());
    assert!(!c.single_request() && !c.single_request_reopen() && !c.no_tld_query());
    assert_eq!(
        (
            c.ignored_lines(),
            c.too_long_lines(),
            c.dropped_nameservers(),
            c.dropped_search_domains()
        ),
        (0, 0, 0, 0)
    );
}

#[test]
fn full_file() {
    let c = parse(
        b"# generated\n\
          ; also a comment\n\
          \n\
          nameserver 192.0.2.1\n\
          nameserver\t2001:db8::1   # trailing words are ignored\n\
          domain ignored.example\n\
          search Lan.Example  example.org\tcorp.example.\n\
          options ndots:3 timeout:2 attempts:4 rotate edns0\n\
          options use-vc single-request single-request-reopen no-tld-query no-aaaa trust-ad no-reload\n\
          sortlist 130.155.160.0/255.255.240.0 130.155.0.0\n",
    );
    assert_eq!(
        c.nameservers(),
        [sa("192.0.2.1:53"), sa("[2001:db8::1]:53")]
    );
    assert_eq!(
        c.search(),
        [
            name("lan.example"),
            name("example.org"),
            name("corp.example")
        ]
    );
    assert_eq!(c.ndots(), 3);
    assert_eq!(c.timeout(), Duration::from_secs(2));
    assert_eq!(c.attempts(), 4);
    assert!(c.rotate() && c.edns0() && c.use_vc() && c.single_request());
    assert!(c.single_request_reopen() && c.no_tld_query() && c.no_aaaa() && c.trust_ad());
    assert_eq!(c.ignored_lines(), 0);
}

#[test]
fn crlf_and_tabs() {
    let c = parse(b"nameserver\t192.0.2.7\r\nsearch\ta.example\tb.example\r\noptions\tndots:4\r\n");
    assert_eq!(c.nameservers(), [sa("192.0.2.7:53")]);
    assert_eq!(c.search(), [name("a.example"), name("b.example")]);
    assert_eq!(c.ndots(), 4);
    assert_eq!(c.ignored_lines(), 0);
}

#[test]
fn last_search_or_domain_wins() {
    let c = parse(b"search a.example b.example\ndomain c.example\n");
    assert_eq!(c.search(), [name("c.example")]);
    let c = parse(b"domain c.example d.example\nsearch a.example b.example\n");
    assert_eq!(c.search(), [name("a.example"), name("b.example")]);
    // A search line without a value changes nothing, and is counted.
    let c = parse(b"search a.example\nsearch \ndomain\t\n");
    assert_eq!(c.search(), [name("a.example")]);
    assert_eq!(c.ignored_lines(), 2);
}

#[test]
fn search_capacity_and_bad_domains() {
    let c = parse(b"search a b c d e f g h\n");
    assert_eq!(c.search().len(), MAXDNSRCH);
    assert_eq!(c.search()[5], name("f"));
    assert_eq!(c.dropped_search_domains(), 2);
    let c = parse(b"search ok.example bad..example .lead\n");
    assert_eq!(c.search(), [name("ok.example")]);
    assert_eq!(c.dropped_search_domains(), 2);
    // A later list replaces the count with its own.
    let c = parse(b"search a b c d e f g h\nsearch x\n");
    assert_eq!((c.search().len(), c.dropped_search_domains()), (1, 0));
    // A comment sign inside a line is not a comment (glibc): `#` is searched.
    let c = parse(b"search a.example # note\n");
    assert_eq!(c.search(), [name("a.example"), name("#"), name("note")]);
}

#[test]
fn nameserver_capacity() {
    let c = parse(
        b"nameserver 192.0.2.1\nnameserver 192.0.2.2\nnameserver 192.0.2.3\n\
          nameserver 192.0.2.4\nnameserver ::1\nnameserver bogus\n",
    );
    assert_eq!(
        c.nameservers(),
        [sa("192.0.2.1:53"), sa("192.0.2.2:53"), sa("192.0.2.3:53")]
    );
    assert_eq!(c.dropped_nameservers(), 2);
    assert_eq!(c.ignored_lines(), 1);
    assert!(!c.uses_default_nameserver());
}

#[test]
fn nameserver_forms() {
    let ns = |line: &str| {
        let c = ResolvConf::parse_with_scopes(line.as_bytes(), |n| (n == b"eth0").then_some(3));
        (c.nameservers()[0], c.ignored_lines())
    };
    // inet_aton's forms.
    assert_eq!(ns("nameserver 10.1"), (sa("10.0.0.1:53"), 0));
    assert_eq!(ns("nameserver 127.65535"), (sa("127.0.255.255:53"), 0));
    assert_eq!(ns("nameserver 0x7f.0.0.010"), (sa("127.0.0.8:53"), 0));
    assert_eq!(ns("nameserver 3232235777"), (sa("192.168.1.1:53"), 0));
    // Scopes: by name for link-local addresses, by number for any.
    assert_eq!(ns("nameserver fe80::1%eth0"), (sa("[fe80::1%3]:53"), 0));
    assert_eq!(ns("nameserver fe80::1%5"), (sa("[fe80::1%5]:53"), 0));
    assert_eq!(ns("nameserver ff02::fb%eth0"), (sa("[ff02::fb%3]:53"), 0));
    assert_eq!(
        ns("nameserver 2001:db8::1%eth0"),
        (sa("[2001:db8::1]:53"), 0)
    );
    assert_eq!(
        ns("nameserver 2001:db8::1%9"),
        (sa("[2001:db8::1%9]:53"), 0)
    );
    // An unknown scope is 0, the server kept (glibc).
    assert_eq!(ns("nameserver fe80::1%nope"), (sa("[fe80::1]:53"), 0));
    assert_eq!(
        ns("nameserver fe80::1%99999999999"),
        (sa("[fe80::1]:53"), 0)
    );
    // Not addresses: the line is ignored, the default stays.
    let default = sa("127.0.0.1:53");
    for bad in [
        "nameserver 1.2.3.4.5",
        "nameserver 256.1.1.1",
        "nameserver 1.2.3.256",
        "nameserver 08.1.1.1",
        "nameserver 1.2.3.4x",
        "nameserver 0x.1.2.3",
        "nameserver 99999999999",
        "nameserver 1..2",
        "nameserver .1",
        "nameserver example.com",
        "nameserver %eth0",
        "nameserver fe80::1%",
        "nameserver ",
        "nameserver",
        " nameserver 192.0.2.1",
        "NAMESERVER 192.0.2.1",
        "nameservers 192.0.2.1",
    ] {
        let (addr, ignored) = ns(bad);
        if bad == "nameserver fe80::1%" {
            // An empty scope is no scope number: kept with scope 0.
            assert_eq!((addr, ignored), (sa("[fe80::1]:53"), 0), "{bad}");
        } else {
            assert_eq!((addr, ignored), (default, 1), "{bad}");
        }
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "looks interface names up through system calls, which Miri cannot run"
)]
fn scope_by_system_interface() {
    // `lo` exists wherever the tests run; it is not link-local, so its name does not
    // count, but a link-local address takes it.
    let c = ResolvConf::parse(b"nameserver fe80::1%lo\n");
    let lo = crate::interface_index("lo").unwrap();
    assert_eq!(
        c.nameservers(),
        [SocketAddr::V6(SocketAddrV6::new(
            "fe80::1".parse().unwrap(),
            53,
            0,
            lo
        ))]
    );
}

#[test]
fn options() {
    let c = parse(b"options ndots:99 timeout:60 attempts:9\n");
    assert_eq!(
        (c.ndots(), c.timeout().as_secs(), c.attempts()),
        (15, 30, 5)
    );
    let c = parse(b"options ndots:0 timeout:0 attempts:0\n");
    assert_eq!((c.ndots(), c.timeout().as_secs(), c.attempts()), (0, 0, 0));
    // atoi: leading digits; none, or negative, is 0; huge saturates, then is capped.
    let c = parse(b"options ndots:2x timeout:x attempts:-3\n");
    assert_eq!((c.ndots(), c.timeout().as_secs(), c.attempts()), (2, 0, 0));
    let c = parse(b"options ndots:+4 timeout:99999999999999999999\n");
    assert_eq!((c.ndots(), c.timeout().as_secs()), (4, 30));
    // Prefix matching, and unknown words, as glibc.
    let c = parse(b"options rotated inet6 debug single-request-reopen\n");
    assert!(c.rotate() && c.single_request_reopen() && !c.single_request());
    let c = parse(b"options no_tld_query\n");
    assert!(c.no_tld_query());
    // Options accumulate over lines; `options` with nothing is fine.
    let c = parse(b"options rotate\noptions edns0\noptions \n");
    assert!(c.rotate() && c.edns0());
    assert_eq!(c.ignored_lines(), 0);
}

#[test]
fn ignored_lines_counted() {
    let c = parse(
        b"# comment\n  # indented comment\n\t\n   \nbogus line\nlookup file bind\n\
          domain\nnameserver\n\xff\xfe\nnameserver 192.0.2.1\n",
    );
    assert_eq!(c.ignored_lines(), 5);
    assert_eq!(c.nameservers(), [sa("192.0.2.1:53")]);
}

#[test]
fn hostname_domain() {
    let mut c = parse(b"");
    c.apply_hostname_domain(b"host");
    assert!(c.search().is_empty());
    c.apply_hostname_domain(b"host.");
    assert!(c.search().is_empty());
    c.apply_hostname_domain(b"host.a..b");
    assert!(c.search().is_empty());
    c.apply_hostname_domain(b"host.Sub.Example.com");
    assert_eq!(c.search(), [name("sub.example.com")]);
    let mut c = parse(b"domain d.example\n");
    c.apply_hostname_domain(b"host.other.example");
    assert_eq!(c.search(), [name("d.example")]);
}

#[test]
fn builder() {
    let mut c = ResolvConf::new();
    assert!(c.add_nameserver(sa("127.0.0.1:5353")));
    assert!(c.add_nameserver(sa("[::1]:5353")));
    assert!(c.add_nameserver(sa("192.0.2.1:53")));
    assert!(!c.add_nameserver(sa("192.0.2.2:53")));
    assert_eq!(c.nameservers().len(), 3);
    assert!(c.push_search(name("a.example")));
    c.set_ndots(40)
        .set_attempts(1)
        .set_timeout(Duration::from_millis(1500))
        .set_rotate(true)
        .set_use_vc(true)
        .set_edns0(true)
        .set_no_aaaa(true)
        .set_trust_ad(true)
        .set_single_request(true)
        .set_single_request_reopen(true)
        .set_no_tld_query(true);
    assert_eq!(c.ndots(), 15);
    assert_eq!(c.attempts(), 1);
    assert_eq!(c.timeout(), Duration::from_secs(2));
    assert!(c.rotate() && c.use_vc() && c.edns0() && c.no_aaaa() && c.trust_ad());
    c.set_rotate(false).set_timeout(Duration::from_secs(3600));
    assert!(!c.rotate());
    assert_eq!(c.timeout(), Duration::from_secs(30));
    for i in 0..10 {
        let kept = c.push_search(name("x.example"));
        assert_eq!(kept, i < MAXDNSRCH - 1);
    }
    c.clear_search().clear_nameservers();
    assert!(c.search().is_empty());
    assert_eq!(c.nameservers(), [DEFAULT_NAMESERVER]);
}

#[test]
fn debug_shows_what_is_used() {
    let mut c = ResolvConf::new();
    c.set_rotate(true);
    let text = std::format!("{c:?}");
    assert!(text.contains("nameservers: [127.0.0.1:53]"), "{text}");
    assert!(text.contains("options: [\"rotate\"]"), "{text}");
}

#[test]
fn never_panics_on_bytes() {
    // Every byte value at the places the parser looks.
    let mut line = [0u8; 24];
    // Under Miri (about a thousand times slower) every 15th value: 0x00 and 0xff included.
    for b in (0..=255u8).step_by(if cfg!(miri) { 15 } else { 1 }) {
        for template in [
            &b"nameserver 1.2.3.4%X\n"[..],
            b"options ndots:X rotat\n",
            b"search a.X b\n",
            b"nameserver X::1\n",
            b"Xsearch\n",
        ] {
            let n = template.len();
            line[..n].copy_from_slice(template);
            for i in 0..n {
                let saved = line[i];
                line[i] = b;
                let _ = parse(&line[..n]);
                line[i] = saved;
            }
        }
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "reads files through system calls, which Miri cannot run"
)]
fn load_from_files() {
    use crate::resolve::file::tests::TempFile;
    let file = TempFile::new(
        "resolv",
        b"nameserver 192.0.2.9\nsearch s.example\nbogus\noptions attempts:1",
    );
    let c = ResolvConf::load(file.path()).unwrap();
    assert_eq!(c.nameservers(), [sa("192.0.2.9:53")]);
    assert_eq!(c.search(), [name("s.example")]);
    assert_eq!(c.attempts(), 1);
    assert_eq!(c.ignored_lines(), 1);
    // Too long a line is counted; the others are read.
    let mut text = std::vec::Vec::from(&b"search "[..]);
    text.extend(core::iter::repeat_n(b'a', 5000));
    text.extend_from_slice(b"\nnameserver 192.0.2.10\ndomain d.example\n");
    let file = TempFile::new("resolv-long", &text);
    let c = ResolvConf::load(file.path()).unwrap();
    assert_eq!(c.too_long_lines(), 1);
    assert_eq!(c.nameservers(), [sa("192.0.2.10:53")]);
    assert_eq!(c.search(), [name("d.example")]);
    // Missing, or a directory: the defaults (the search list may come from the host
    // name, which depends on the machine).
    let c = ResolvConf::load("/nonexistent/resolv.conf").unwrap();
    assert_eq!(c.nameservers(), [DEFAULT_NAMESERVER]);
    let dir = std::env::temp_dir();
    use std::os::unix::ffi::OsStrExt;
    let c = ResolvConf::load(dir.as_os_str().as_bytes()).unwrap();
    assert_eq!(c.nameservers(), [DEFAULT_NAMESERVER]);
    assert_eq!(c.ignored_lines(), 0);
    // Paths the kernel would refuse are errors.
    assert_eq!(
        ResolvConf::load([b'a'; 5000]),
        Err(Error::Os(Errno::NAMETOOLONG))
    );
    // The system's file loads, and what it says is read: as many servers as it names
    // (up to MAXNS; a line this parser drops is counted), or the default where it names
    // none or cannot be read.
    let conf = ResolvConf::system().unwrap();
    let text = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
    let named = text
        .lines()
        .filter(|l| l.split_whitespace().next() == Some("nameserver"))
        .count();
    let kept = if conf.uses_default_nameserver() {
        0
    } else {
        conf.nameservers().len()
    };
    // Every `nameserver` line is kept, dropped past MAXNS, or ignored as unreadable.
    assert!(kept <= named, "{text}");
    assert!(
        kept + conf.dropped_nameservers() + conf.ignored_lines() >= named,
        "{text}"
    );
}
