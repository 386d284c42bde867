//! `resolve::hosts` over arbitrary text: `for_each`, `by_name`, `by_addr`.
//!
//! Asserts: `for_each` gives exactly the entries of a model written from the module's
//! documentation (lines split on `\n`, `#` to the end of the line a comment, fields split on
//! `isspace`, an IPv4 or IPv6 address then names that are all `DomainName`s), in order, with
//! the other non-blank lines counted malformed; every entry has its own names; `by_name`
//! yields, in order, the entries that have the name (ignoring ASCII case and a final dot) and
//! stops when told; `by_addr` gives the first entry of that address: an IPv6 address of
//! IPv6 lines only, an IPv4 one also of `::ffff:a.b.c.d` and `::1` lines, as glibc.
#![no_main]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::ControlFlow;

use baresock::resolve::__private::hosts;
use baresock::resolve::DomainName;
use libfuzzer_sys::fuzz_target;

/// One line, as the model reads it: the address, the canonical name, the aliases.
type Line = (IpAddr, DomainName, Vec<DomainName>);

/// Names and addresses looked up per input, to bound the work.
const LOOKUPS: usize = 8;

fuzz_target!(|data: &[u8]| {
    let (expect, malformed) = model(data);

    let mut got: Vec<Line> = Vec::new();
    let scan = hosts::for_each(data, |e| {
        let canonical = e.canonical();
        let aliases: Vec<DomainName> = e.aliases().collect();
        assert!(e.has_name(&canonical));
        for a in &aliases {
            assert!(e.has_name(a));
        }
        let _ = format!("{e:?}");
        got.push((e.addr(), canonical, aliases));
        ControlFlow::Continue(())
    });
    assert_eq!(got.len(), expect.len(), "{got:?} vs {expect:?}");
    for (g, m) in got.iter().zip(&expect) {
        assert_eq!(g.0, m.0);
        assert_eq!(g.1.as_wire(), m.1.as_wire(), "canonical of {m:?}");
        assert_eq!(g.2.len(), m.2.len(), "aliases of {m:?}: {g:?}");
        for (a, b) in g.2.iter().zip(&m.2) {
            assert_eq!(a.as_wire(), b.as_wire());
        }
    }
    assert_eq!(scan.malformed(), malformed);
    assert!(!scan.missing() && scan.too_long() == 0);

    // `for_each` stops when told.
    let mut calls = 0;
    hosts::for_each(data, |_| {
        calls += 1;
        ControlFlow::Break(())
    });
    assert_eq!(calls, expect.len().min(1));

    // by_name: every line that has the name, in order, with its canonical name.
    let mut names: Vec<DomainName> = expect
        .iter()
        .flat_map(|(_, c, a)| std::iter::once(*c).chain(a.iter().copied()))
        .take(LOOKUPS)
        .collect();
    names.push(DomainName::new("not-in-the-fuzzed-file.invalid").unwrap());
    for name in &names {
        let mut found = Vec::new();
        let scan = hosts::by_name(data, name, |addr, canonical| {
            found.push((addr, *canonical));
            ControlFlow::Continue(())
        });
        assert_eq!(scan.malformed(), malformed);
        let want: Vec<(IpAddr, DomainName)> = expect
            .iter()
            .filter(|(_, c, a)| c == name || a.contains(name))
            .map(|(addr, c, _)| (*addr, *c))
            .collect();
        assert_eq!(found, want, "by_name {name}");
        let mut first = None;
        hosts::by_name(data, name, |addr, _| {
            assert!(first.is_none(), "called after Break");
            first = Some(addr);
            ControlFlow::Break(())
        });
        assert_eq!(first, want.first().map(|w| w.0));
    }

    // by_addr: the first line with the address, of the same family.
    let mut addrs: Vec<IpAddr> = expect.iter().map(|l| l.0).take(LOOKUPS).collect();
    addrs.extend([
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(Ipv6Addr::LOCALHOST),
        IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped()),
    ]);
    for addr in addrs {
        let (name, _) = hosts::by_addr(data, addr);
        let want = expect.iter().find(|l| as_line_for(addr, l.0)).map(|l| l.1);
        assert_eq!(
            name.map(|n| n.as_wire().to_vec()),
            want.map(|n| n.as_wire().to_vec()),
            "by_addr {addr}"
        );
    }
});

/// Whether a line with address `line` answers a reverse lookup of `addr`, as glibc reads the
/// file: an IPv6 address matches itself only; an IPv4 address matches itself, and the lines
/// an IPv4 lookup reads as IPv4 (`::ffff:a.b.c.d` as `a.b.c.d`, `::1` as `127.0.0.1`).
fn as_line_for(addr: IpAddr, line: IpAddr) -> bool {
    match (addr, line) {
        (IpAddr::V4(a), IpAddr::V6(l)) if l == Ipv6Addr::LOCALHOST => a == Ipv4Addr::LOCALHOST,
        (IpAddr::V4(a), IpAddr::V6(l)) => l.to_ipv4_mapped() == Some(a),
        (a, l) => a == l,
    }
}

/// glibc's `isspace`, less the newline that ends lines.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

/// The entries of hosts text, and how many non-blank lines are not entries.
fn model(text: &[u8]) -> (Vec<Line>, usize) {
    let (mut lines, mut malformed) = (Vec::new(), 0);
    let mut rest = text;
    while !rest.is_empty() {
        let (line, tail) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = tail;
        let line = line.split(|&b| b == b'#').next().unwrap_or_default();
        let words: Vec<&[u8]> = line
            .split(|&b| is_space(b))
            .filter(|w| !w.is_empty())
            .collect();
        let Some((addr, names)) = words.split_first() else {
            continue;
        };
        let addr = std::str::from_utf8(addr)
            .ok()
            .and_then(|a| a.parse::<IpAddr>().ok());
        let names: Option<Vec<DomainName>> = names
            .iter()
            .map(|n| DomainName::from_text(n).ok())
            .collect();
        match (addr, names) {
            (Some(addr), Some(names)) if !names.is_empty() => {
                lines.push((addr, names[0], names[1..].to_vec()));
            }
            _ => malformed += 1,
        }
    }
    (lines, malformed)
}
