//! `resolve::conf::ResolvConf::parse_with_scopes` (pure: the scope lookup is ours) on
//! arbitrary text.
//!
//! Asserts: the limits (1 to 3 name servers, all on port 53; at most 6 search domains;
//! `ndots` ≤ 15, `timeout` ≤ 30 s, `attempts` ≤ 5); no line counted too long; the scope
//! lookup asked only with text that followed a `%`; parsing is deterministic; `Debug` works;
//! and the configuration written back as resolv.conf text parses to the same servers, search
//! list (when its names print without escapes) and options.
#![no_main]

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use baresock::resolve::conf::{
    ResolvConf, ATTEMPTS_MAX, DEFAULT_NAMESERVER, MAXDNSRCH, MAXNS, NAMESERVER_PORT, NDOTS_MAX,
    TIMEOUT_MAX,
};
use libfuzzer_sys::fuzz_target;

/// Our interface table: `if` followed by anything is an interface whose index is its length.
fn scope(name: &[u8]) -> Option<u32> {
    name.starts_with(b"if").then_some(name.len() as u32)
}

fuzz_target!(|data: &[u8]| {
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
