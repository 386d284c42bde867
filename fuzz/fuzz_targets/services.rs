//! `resolve::services` over arbitrary text: `for_each`, `by_name`, `by_port`.
//!
//! Asserts: `for_each` gives exactly the entries of a model written from the module's
//! documentation (`NAME PORT/PROTOCOL [ALIAS...]`, `#` comments, `isspace` separators, a
//! decimal port up to 65535, name and protocol of 1 to 32 bytes), in order, the other
//! non-blank lines counted malformed; `Entry::service` keeps name, port and protocol;
//! `by_name` and `by_port` give the first matching entry (names compared exactly, with and
//! without a protocol); `ServiceName` `Display` never panics and round-trips UTF-8.
#![no_main]

use std::ops::ControlFlow;

use baresock::resolve::__private::services;
use baresock::resolve::{ServiceName, SERVICE_NAME_MAX};
use libfuzzer_sys::fuzz_target;

/// A line, as the model reads it.
#[derive(Debug, PartialEq)]
struct Line {
    name: Vec<u8>,
    port: u16,
    protocol: Vec<u8>,
    aliases: Vec<Vec<u8>>,
}

/// Lookups per input, to bound the work.
const LOOKUPS: usize = 8;

fuzz_target!(|data: &[u8]| {
    let (expect, malformed) = model(data);

    let mut got = Vec::new();
    let scan = services::for_each(data, |e| {
        let s = e.service();
        assert_eq!(
            (s.name().as_bytes(), s.port(), s.protocol().as_bytes()),
            (e.name(), e.port(), e.protocol())
        );
        assert!(e.has_name(e.name()));
        for a in e.aliases() {
            assert!(e.has_name(a));
        }
        for n in [s.name(), s.protocol()] {
            let shown = n.to_string();
            if let Some(text) = n.as_str() {
                assert_eq!(shown, text);
            }
            let _ = format!("{n:?}");
        }
        let _ = format!("{e:?} {s:?}");
        got.push(Line {
            name: e.name().to_vec(),
            port: e.port(),
            protocol: e.protocol().to_vec(),
            aliases: e.aliases().map(<[u8]>::to_vec).collect(),
        });
        ControlFlow::Continue(())
    });
    assert_eq!(got, expect);
    assert_eq!(scan.malformed(), malformed);
    assert!(!scan.missing() && scan.too_long() == 0);

    // by_name and by_port: the first match, with a protocol or any.
    let lookups = expect.iter().take(LOOKUPS);
    for line in lookups {
        let protocols = [None, std::str::from_utf8(&line.protocol).ok()];
        for name in std::iter::once(&line.name).chain(&line.aliases) {
            let Ok(name) = std::str::from_utf8(name) else {
                continue;
            };
            for protocol in protocols {
                let want = expect.iter().find(|l| {
                    protocol.is_none_or(|p| l.protocol == p.as_bytes())
                        && (l.name == name.as_bytes()
                            || l.aliases.iter().any(|a| a == name.as_bytes()))
                });
                let (found, scan) = services::by_name(data, name, protocol);
                assert_eq!(found.map(|s| service(&s)), want.map(owned));
                assert!(scan.malformed() <= malformed);
            }
        }
        for protocol in protocols {
            let want = expect.iter().find(|l| {
                l.port == line.port && protocol.is_none_or(|p| l.protocol == p.as_bytes())
            });
            let (found, _) = services::by_port(data, line.port, protocol);
            assert_eq!(found.map(|s| service(&s)), want.map(owned));
        }
    }

    // ServiceName: 1 to 32 bytes, kept as given.
    let n = data.len().min(SERVICE_NAME_MAX + 1);
    match ServiceName::new(&data[..n]) {
        Some(s) => assert!((1..=SERVICE_NAME_MAX).contains(&n) && s.as_bytes() == &data[..n]),
        None => assert!(n == 0 || n > SERVICE_NAME_MAX),
    }
});

/// A service as owned bytes, to compare with the model's lines.
fn service(s: &services::Service) -> (Vec<u8>, u16, Vec<u8>) {
    (
        s.name().as_bytes().to_vec(),
        s.port(),
        s.protocol().as_bytes().to_vec(),
    )
}

fn owned(l: &Line) -> (Vec<u8>, u16, Vec<u8>) {
    (l.name.clone(), l.port, l.protocol.clone())
}

/// glibc's `isspace`, less the newline that ends lines.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

/// The entries of services text, and how many non-blank lines are not entries.
fn model(text: &[u8]) -> (Vec<Line>, usize) {
    let (mut lines, mut malformed) = (Vec::new(), 0);
    for line in text.split(|&b| b == b'\n') {
        let line = line.split(|&b| b == b'#').next().unwrap_or_default();
        let words: Vec<&[u8]> = line
            .split(|&b| is_space(b))
            .filter(|w| !w.is_empty())
            .collect();
        let Some((name, rest)) = words.split_first() else {
            continue;
        };
        let entry = rest.split_first().and_then(|(pp, aliases)| {
            let slash = pp.iter().position(|&b| b == b'/')?;
            let (port, protocol) = (&pp[..slash], &pp[slash + 1..]);
            if port.is_empty() || !port.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let value = port.iter().try_fold(0u32, |n, &b| {
                n.checked_mul(10)?.checked_add(u32::from(b - b'0'))
            })?;
            let port = u16::try_from(value).ok()?;
            let ok = name.len() <= SERVICE_NAME_MAX
                && !protocol.is_empty()
                && protocol.len() <= SERVICE_NAME_MAX;
            ok.then(|| Line {
                name: name.to_vec(),
                port,
                protocol: protocol.to_vec(),
                aliases: aliases.iter().map(|a| a.to_vec()).collect(),
            })
        });
        match entry {
            Some(e) => lines.push(e),
            None => malformed += 1,
        }
    }
    (lines, malformed)
}
