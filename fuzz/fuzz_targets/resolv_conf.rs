//! `resolve::conf::ResolvConf::parse_with_scopes` (pure: the scope lookup is ours) on
//! arbitrary text.
//!
//! Asserts: the limits (1 to 3 name servers, all on port 53; at most 6 search domains;
//! `ndots` ≤ 15, `timeout` ≤ 30 s, `attempts` ≤ 5); no line counted too long; the scope
//! lookup asked only with text that followed a `%`; parsing is deterministic; `Debug` works;
//! and the configuration written back as resolv.conf text parses to the same servers, search
//! list (when its names print without escapes) and options.
//!
//! And a model, so that a parser that ignored its input could not pass: the same bytes also
//! choose a configuration (servers, search domains, `ndots`, `timeout`, `attempts`, flags),
//! written as resolv.conf text with comments, blank lines and mixed blanks between; it must
//! parse to exactly what was chosen: each `nameserver X` line yields server X, in order.
#![no_main]

use std::net::SocketAddr;
use std::fmt::Write as _;
use std::time::Duration;

use baresock::resolve::__private::conf::{
    ResolvConf, ATTEMPTS_MAX, DEFAULT_NAMESERVER, MAXDNSRCH, MAXNS, NAMESERVER_PORT, NDOTS_MAX,
    TIMEOUT_MAX,
};
use libfuzzer_sys::fuzz_target;

/// Our interface table: `if` followed by anything is an interface whose index is its length.
fn scope(name: &[u8]) -> Option<u32> {
    name.starts_with(b"if").then_some(name.len() as u32)
}

fuzz_target!(|data: &[u8]| {
    model(data);
    let mut asked = Vec::new();
    let conf = ResolvConf::parse_with_scopes(data, |name| {
        asked.push(name.to_vec());
        scope(name)
    });
    for name in &asked {
        let mut needle = b"%".to_vec();
        needle.extend_from_slice(name);
        assert!(
            data.windows(needle.len()).any(|w| w == needle),
            "scope {name:?} asked but not after a %"
        );
    }
    assert_eq!(conf, ResolvConf::parse_with_scopes(data, scope));
    let _ = format!("{conf:?}");

    let servers = conf.nameservers();
    assert!((1..=MAXNS).contains(&servers.len()));
    if conf.uses_default_nameserver() {
        assert_eq!(servers, [DEFAULT_NAMESERVER]);
    }
    for s in servers {
        assert_eq!(s.port(), NAMESERVER_PORT);
        if let SocketAddr::V6(v6) = s {
            assert_eq!(v6.flowinfo(), 0);
        }
    }
    assert!(conf.search().len() <= MAXDNSRCH);
    assert!(conf.ndots() <= NDOTS_MAX);
    assert!(conf.timeout() <= Duration::from_secs(TIMEOUT_MAX.into()));
    assert!(conf.attempts() <= ATTEMPTS_MAX);
    assert_eq!(conf.too_long_lines(), 0);
    let lines = data.split(|&b| b == b'\n').count();
    assert!(conf.ignored_lines() <= lines);
    assert!(conf.dropped_nameservers() <= lines);

    // Written back as resolv.conf text, it reads the same.
    let (text, search_printable) = write_back(&conf);
    let back = ResolvConf::parse_with_scopes(text.as_bytes(), |_| None);
    assert_eq!(back.nameservers(), servers, "{text}");
    if search_printable {
        assert_eq!(back.search(), conf.search(), "{text}");
    }
    let flags = |c: &ResolvConf| {
        [
            c.rotate(),
            c.edns0(),
            c.use_vc(),
            c.single_request(),
            c.single_request_reopen(),
            c.no_tld_query(),
            c.no_aaaa(),
            c.trust_ad(),
        ]
    };
    assert_eq!(
        (back.ndots(), back.timeout(), back.attempts(), flags(&back)),
        (conf.ndots(), conf.timeout(), conf.attempts(), flags(&conf)),
        "{text}"
    );
    assert_eq!(back.ignored_lines(), 0, "{text}");
});

/// The configuration as resolv.conf text; whether its search list could be written (names
/// print with escapes that `parse` does not read).
fn write_back(conf: &ResolvConf) -> (String, bool) {
    let mut text = String::new();
    if !conf.uses_default_nameserver() {
        for s in conf.nameservers() {
            match s {
                SocketAddr::V4(v4) => writeln!(text, "nameserver {}", v4.ip()),
                SocketAddr::V6(v6) if v6.scope_id() != 0 => {
                    writeln!(text, "nameserver {}%{}", v6.ip(), v6.scope_id())
                }
                SocketAddr::V6(v6) => writeln!(text, "nameserver {}", v6.ip()),
            }
            .unwrap();
        }
    }
    let names: Vec<String> = conf.search().iter().map(|n| n.to_string()).collect();
    let printable = names.iter().all(|n| !n.contains('\\'));
    if printable && !names.is_empty() {
        writeln!(text, "search {}", names.join(" ")).unwrap();
    }
    write!(
        text,
        "options ndots:{} timeout:{} attempts:{}",
        conf.ndots(),
        conf.timeout().as_secs(),
        conf.attempts()
    )
    .unwrap();
    for (on, word) in [
        (conf.rotate(), "rotate"),
        (conf.edns0(), "edns0"),
        (conf.use_vc(), "use-vc"),
        (conf.single_request(), "single-request"),
        (conf.single_request_reopen(), "single-request-reopen"),
        (conf.no_tld_query(), "no-tld-query"),
        (conf.no_aaaa(), "no-aaaa"),
        (conf.trust_ad(), "trust-ad"),
    ] {
        if on {
            write!(text, " {word}").unwrap();
        }
    }
    text.push('\n');
    (text, printable)
}

/// Reads the fuzz bytes as choices; past the end, zeros.
struct Choices<'a>(&'a [u8]);

impl Choices<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        core::array::from_fn(|_| self.byte())
    }
    fn blank(&mut self) -> &'static str {
        [" ", "\t", "  ", " \t "][usize::from(self.byte() % 4)]
    }
}

/// A configuration chosen by the fuzz bytes, written as text, must parse to itself.
fn model(data: &[u8]) {
    let mut c = Choices(data);
    let mut text = String::new();
    let junk = |c: &mut Choices<'_>, text: &mut String| match c.byte() % 4 {
        0 => text.push_str("# nameserver 192.0.2.99 (a comment)\n"),
        1 => text.push_str("; search commented.example\n"),
        2 => text.push('\n'),
        _ => {}
    };
    let mut servers = Vec::new();
    for _ in 0..c.byte() % (MAXNS as u8 + 1) {
        junk(&mut c, &mut text);
        let ip: std::net::IpAddr = if c.byte() % 2 == 0 {
            std::net::Ipv4Addr::from(c.bytes::<4>()).into()
        } else {
            // Global unicast (2001:db8::/32): no scope, no mapped form to read otherwise.
            let mut b = c.bytes::<16>();
            b[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
            std::net::Ipv6Addr::from(b).into()
        };
        let blank = c.blank();
        writeln!(text, "nameserver{blank}{ip}").unwrap();
        servers.push(SocketAddr::new(ip, NAMESERVER_PORT));
    }
    let mut search = Vec::new();
    for _ in 0..c.byte() % (MAXDNSRCH as u8 + 1) {
        let len = 1 + usize::from(c.byte() % 8);
        let label: String = (0..len).map(|_| char::from(b'a' + c.byte() % 26)).collect();
        search.push(format!("{label}.example"));
    }
    if !search.is_empty() {
        junk(&mut c, &mut text);
        let blank = c.blank();
        writeln!(text, "search{blank}{}", search.join(c.blank())).unwrap();
    }
    let ndots = c.byte() % (NDOTS_MAX as u8 + 1);
    let timeout = 1 + c.byte() % TIMEOUT_MAX as u8;
    let attempts = 1 + c.byte() % ATTEMPTS_MAX as u8;
    let flag_bits = c.byte();
    let words = ["rotate", "edns0", "use-vc", "no-aaaa", "trust-ad"];
    junk(&mut c, &mut text);
    let blank = c.blank();
    write!(text, "options{blank}ndots:{ndots} timeout:{timeout} attempts:{attempts}").unwrap();
    for (i, w) in words.iter().enumerate() {
        if flag_bits & (1 << i) != 0 {
            write!(text, "{}{w}", c.blank()).unwrap();
        }
    }
    text.push('\n');

    let conf = ResolvConf::parse_with_scopes(text.as_bytes(), |_| None);
    if servers.is_empty() {
        assert!(conf.uses_default_nameserver(), "{text}");
    } else {
        assert_eq!(conf.nameservers(), &servers[..], "{text}");
    }
    let got: Vec<String> = conf.search().iter().map(|n| n.to_string()).collect();
    assert_eq!(got, search, "{text}");
    assert_eq!(conf.ndots(), ndots, "{text}");
    assert_eq!(conf.timeout(), Duration::from_secs(timeout.into()), "{text}");
    assert_eq!(conf.attempts(), attempts, "{text}");
    let flags = [conf.rotate(), conf.edns0(), conf.use_vc(), conf.no_aaaa(), conf.trust_ad()];
    for (i, on) in flags.iter().enumerate() {
        assert_eq!(*on, flag_bits & (1 << i) != 0, "{}: {text}", words[i]);
    }
    assert_eq!(conf.ignored_lines(), 0, "{text}");
}
