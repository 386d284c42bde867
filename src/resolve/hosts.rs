//! `/etc/hosts`: addresses and names, both ways (hosts(5)).
//!
//! Each line is `ADDRESS CANONICAL_NAME [ALIAS...]`, fields separated by spaces or tabs (or
//! any other ASCII white space but the newline, as glibc's `isspace`); a `#` anywhere starts a
//! comment to the end of the line. Every function comes twice: over text in memory, and over
//! a file read line by line through a 4 KiB stack buffer (`_file`, usually with [`PATH`]); a
//! missing or unreadable file (a directory, access denied...) reads as empty
//! ([`Scan::missing`], [`Scan::unread`]).
//!
//! Lines that do not parse are skipped and counted ([`Scan::malformed`]): an address that is
//! not IPv4 or IPv6 (a `%scope` included: glibc's `inet_pton` refuses it too), no name, or a
//! name (canonical or alias) that is not a [`DomainName`] (an empty label, as in `a..b`, a
//! label over 63 bytes, over 255 bytes in all). Names compare as domain names: without regard
//! to ASCII case (as glibc's `strcasecmp`) and to a final dot.
//!
//! # What glibc makes of the answers
//!
//! This module gives every matching line, in file order; choosing among them by family is the
//! caller's. What glibc does, for reference:
//!
//! - `getaddrinfo` with `AF_UNSPEC` answers the addresses of every line that has the name, of
//!   both families, in file order; its canonical name (`AI_CANONNAME`) is the first such
//!   line's.
//! - With `AF_INET`, IPv4 lines answer; an IPv6 line answers too when its address is `::1`
//!   (as `127.0.0.1`) or IPv4-mapped (`::ffff:192.0.2.1` as `192.0.2.1`); other IPv6 lines
//!   are skipped. So `::1 localhost` gives `127.0.0.1` to an IPv4 lookup of `localhost`.
//! - With `AF_INET6`, IPv6 lines answer; with `AI_V4MAPPED`, IPv4 lines answer as
//!   `::ffff:a.b.c.d` when no IPv6 address was found, and IPv4-mapped lines are dropped
//!   when one was (a [`Resolver`](super::Resolver) offers no `AI_V4MAPPED`).
//! - `getaddrinfo` repeats an address once per line that gives it; a
//!   [`Resolver`](super::Resolver) gives each address once.
//! - `gethostbyaddr` (and `getnameinfo`) answer with the first line whose address is the
//!   address asked for, read as the family asked for: for an IPv4 address, IPv4 lines and
//!   the lines an IPv4 lookup reads as IPv4 ([`ipv4_form`]: `::ffff:a.b.c.d`, and `::1` as
//!   `127.0.0.1`); for an IPv6 address, IPv6 lines only (glibc 2.36 does not match
//!   `::ffff:192.0.2.1` with a line `192.0.2.1`). [`by_addr`] does the same.
//!
//! [`Resolver::lookup`](super::Resolver::lookup) with [`Family::INET`](crate::Family::INET)
//! reads lines through [`ipv4_form`] as glibc does, and with both families takes each line as
//! it is (`::1` is `::1`, `::ffff:192.0.2.1` an IPv6 address).
//!
//! # Where this differs from glibc
//!
//! Checked against glibc 2.36's `getent` over many hosts files (tests/resolve_glibc.rs).
//! Differences on purpose:
//!
//! - **A final dot.** `localhost.` matches a line `localhost` here: a domain name is the same
//!   with or without it. glibc compares the text, finds nothing and asks DNS.
//! - **Names that are not domain names.** glibc takes any text as a name; here a line with a
//!   name that is not a [`DomainName`] (`a..b`, a label over 63 bytes) is malformed as a
//!   whole, so its other names do not answer either: a name this module hands out is always
//!   valid.
//! - **A line without a name** (`192.0.2.1` alone) is malformed here; glibc answers a
//!   reverse lookup of its address with an empty name.
//! - **Every line counts**, as with `multi on` in `/etc/host.conf` (Debian's default):
//!   `host.conf` is not read. Without `multi on`, glibc answers a name from its first
//!   matching line only.
//!
//! ```
//! use baresock::resolve::{__private::hosts, DomainName};
//! use core::net::IpAddr;
//! use core::ops::ControlFlow;
//!
//! let text = b"127.0.0.1 localhost\n::1 localhost ip6-localhost  # loopback\n";
//! let mut found = [None::<IpAddr>; 4];
//! let mut count = 0;
//! hosts::by_name(text, &DomainName::new("LOCALHOST")?, |addr, _canonical| {
//!     if let Some(slot) = found.get_mut(count) {
//!         *slot = Some(addr);
//!     }
//!     count += 1; // keeps counting past the buffer's end
//!     ControlFlow::Continue(())
//! });
//! assert_eq!(count, 2);
//! assert_eq!(found[1], Some("::1".parse()?));
//!
//! let (name, _) = hosts::by_addr(text, "::1".parse()?);
//! assert_eq!(name, Some(DomainName::new("localhost")?));
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use core::ops::ControlFlow;

pub use super::file::Scan;
use super::file::{self, next_word, words, Line, Source};
use super::{DomainName, LABEL_MAX, NAME_MAX};
use crate::Result;

/// Where the system's host table is.
pub const PATH: &str = "/etc/hosts";

/// One line of a hosts file: an address and its names, borrowed from the line.
///
/// The names were checked when the line was read: each is a valid [`DomainName`].
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    addr: IpAddr,
    canonical: &'a [u8],
    /// The rest of the line after the canonical name, comment removed.
    aliases: &'a [u8],
}

#[cfg(feature = "defmt")]
impl defmt::Format for Entry<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self.addr {
            IpAddr::V4(a) => defmt::write!(f, "{} {}", a.octets(), self.canonical()),
            IpAddr::V6(a) => defmt::write!(f, "{} {}", a.segments(), self.canonical()),
        }
    }
}

impl<'a> Entry<'a> {
    /// The address.
    pub fn addr(&self) -> IpAddr {
        self.addr
    }

    /// The canonical name (the first name on the line).
    pub fn canonical(&self) -> DomainName {
        // Checked when the line was read; the root is never reached.
        DomainName::from_text(self.canonical).unwrap_or(DomainName::root())
    }

    /// The aliases (the names after the first), in order.
    pub fn aliases(&self) -> Aliases<'a> {
        Aliases { rest: self.aliases }
    }

    /// Whether `name` is the canonical name or one of the aliases (ignoring ASCII case and a
    /// final dot).
    pub fn has_name(&self, name: &DomainName) -> bool {
        name_eq(self.canonical, name) || words(self.aliases).any(|w| name_eq(w, name))
    }
}

impl fmt::Debug for Entry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("addr", &self.addr)
            .field("canonical", &self.canonical())
            .field("aliases", &AliasList(self.aliases()))
            .finish()
    }
}

/// The aliases of an [`Entry`], for `Debug`.
struct AliasList<'a>(Aliases<'a>);

impl fmt::Debug for AliasList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.clone()).finish()
    }
}

/// The aliases of an [`Entry`], as domain names.
#[derive(Clone, Debug)]
pub struct Aliases<'a> {
    rest: &'a [u8],
}

impl Iterator for Aliases<'_> {
    type Item = DomainName;

    fn next(&mut self) -> Option<DomainName> {
        loop {
            let (word, rest) = next_word(self.rest)?;
            self.rest = rest;
            // Every alias was checked when the line was read.
            if let Ok(name) = DomainName::from_text(word) {
                return Some(name);
            }
        }
    }
}

/// Calls `f` with each well-formed line of hosts text, in order, until it breaks.
///
/// ```
/// use baresock::resolve::__private::hosts;
/// use core::ops::ControlFlow;
/// let mut aliases = 0;
/// let scan = hosts::for_each(b"192.0.2.1 a.example a b\n192.0.2.2\n", |entry| {
///     aliases += entry.aliases().count();
///     ControlFlow::Continue(())
/// });
/// assert_eq!((aliases, scan.malformed()), (2, 1));
/// ```
pub fn for_each<F>(text: &[u8], f: F) -> Scan
where
    F: FnMut(&Entry<'_>) -> ControlFlow<()>,
{
    // Text in memory cannot fail to be read.
    scan_entries(Source::Text(text), f).unwrap_or_default()
}

/// Calls `f` with each well-formed line of the hosts file at `path`, as [`for_each`].
///
/// A missing file reads as empty ([`Scan::missing`]); other errors are
/// [`Error::Os`](crate::Error::Os) (a path of 4096 bytes or more:
/// `Os(`[`Errno::NAMETOOLONG`](crate::Errno::NAMETOOLONG)`)`; one with a NUL byte:
/// `Os(`[`Errno::INVAL`](crate::Errno::INVAL)`)`). Lines over 4095 bytes are skipped and
/// counted ([`Scan::too_long`]).
pub fn for_each_file<F>(path: impl AsRef<[u8]>, f: F) -> Result<Scan>
where
    F: FnMut(&Entry<'_>) -> ControlFlow<()>,
{
    scan_entries(Source::File(path.as_ref()), f)
}

/// Calls `f` with the address of each line that has `name` (canonical or alias, ignoring
/// ASCII case), in file order, with that line's canonical name, until `f` breaks.
///
/// `f` sees every match, so a caller with a fixed buffer can fill it and count the rest.
pub fn by_name<F>(text: &[u8], name: &DomainName, f: F) -> Scan
where
    F: FnMut(IpAddr, &DomainName) -> ControlFlow<()>,
{
    scan_by_name(Source::Text(text), name, f).unwrap_or_default()
}

/// [`by_name`] over the hosts file at `path` (errors as [`for_each_file`]).
///
/// ```
/// use baresock::resolve::{__private::hosts, DomainName};
/// use core::ops::ControlFlow;
/// let mut loopback = false;
/// hosts::by_name_file(hosts::PATH, &DomainName::new("localhost")?, |addr, _| {
///     loopback |= addr.is_loopback();
///     ControlFlow::Continue(())
/// })?;
/// # Ok::<(), baresock::Error>(())
/// ```
pub fn by_name_file<F>(path: impl AsRef<[u8]>, name: &DomainName, f: F) -> Result<Scan>
where
    F: FnMut(IpAddr, &DomainName) -> ControlFlow<()>,
{
    scan_by_name(Source::File(path.as_ref()), name, f)
}

/// The IPv4 address a line with address `addr` gives to an IPv4 lookup, as glibc's hosts
/// reader (nss_files) reads it for `AF_INET`: an IPv4 address as it is, an IPv4-mapped one
/// (`::ffff:a.b.c.d`) as `a.b.c.d`, the IPv6 loopback `::1` as `127.0.0.1`; `None` for any
/// other IPv6 address (glibc skips that line).
///
/// ```
/// use baresock::resolve::__private::hosts::ipv4_form;
/// use core::net::Ipv4Addr;
/// assert_eq!(ipv4_form("::1".parse()?), Some(Ipv4Addr::LOCALHOST));
/// assert_eq!(ipv4_form("::ffff:192.0.2.1".parse()?), Some(Ipv4Addr::new(192, 0, 2, 1)));
/// assert_eq!(ipv4_form("2001:db8::1".parse()?), None);
/// # Ok::<(), core::net::AddrParseError>(())
/// ```
pub fn ipv4_form(addr: IpAddr) -> Option<Ipv4Addr> {
    match addr {
        IpAddr::V4(v4) => Some(v4),
        IpAddr::V6(v6) if v6 == Ipv6Addr::LOCALHOST => Some(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) => v6.to_ipv4_mapped(),
    }
}

/// Whether a line with address `line` answers a reverse lookup of `query`, as glibc's
/// `gethostbyaddr` reads lines: an IPv4 query through [`ipv4_form`], an IPv6 query only by
/// IPv6 lines.
fn answers(line: IpAddr, query: IpAddr) -> bool {
    match query {
        IpAddr::V4(q) => ipv4_form(line) == Some(q),
        IpAddr::V6(q) => line == IpAddr::V6(q),
    }
}

/// The canonical name of the first line that has address `addr`, as glibc's `gethostbyaddr`
/// finds it: an IPv4 address also matches the lines an IPv4 lookup reads as IPv4
/// ([`ipv4_form`]), so `192.0.2.1` matches a line `::ffff:192.0.2.1` and `127.0.0.1` a line
/// `::1`; an IPv6 address matches IPv6 lines only (`::ffff:192.0.2.1` does not match a line
/// `192.0.2.1`). [`for_each`] gives the aliases too.
///
/// ```
/// use baresock::resolve::{__private::hosts, DomainName};
/// let text = b"::1 ip6-localhost\n127.0.0.1 localhost\n::ffff:192.0.2.1 printer\n";
/// let name = |ip: &str| hosts::by_addr(text, ip.parse().unwrap()).0;
/// assert_eq!(name("127.0.0.1"), Some(DomainName::new("ip6-localhost")?));
/// assert_eq!(name("192.0.2.1"), Some(DomainName::new("printer")?));
/// assert_eq!(name("::ffff:127.0.0.1"), None);
/// # Ok::<(), baresock::Error>(())
/// ```
pub fn by_addr(text: &[u8], addr: IpAddr) -> (Option<DomainName>, Scan) {
    scan_by_addr(Source::Text(text), addr).unwrap_or_default()
}

/// [`by_addr`] over the hosts file at `path` (errors as [`for_each_file`]).
pub fn by_addr_file(path: impl AsRef<[u8]>, addr: IpAddr) -> Result<(Option<DomainName>, Scan)> {
    scan_by_addr(Source::File(path.as_ref()), addr)
}

fn scan_by_name<F>(source: Source<'_>, name: &DomainName, mut f: F) -> Result<Scan>
where
    F: FnMut(IpAddr, &DomainName) -> ControlFlow<()>,
{
    scan_entries(source, |entry| {
        if entry.has_name(name) {
            f(entry.addr(), &entry.canonical())
        } else {
            ControlFlow::Continue(())
        }
    })
}

fn scan_by_addr(source: Source<'_>, addr: IpAddr) -> Result<(Option<DomainName>, Scan)> {
    let mut found = None;
    let scan = scan_entries(source, |entry| {
        if answers(entry.addr(), addr) {
            found = Some(entry.canonical());
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })?;
    Ok((found, scan))
}

/// Reads the lines of `source`, calls `f` with the well-formed ones and counts the others.
fn scan_entries<F>(source: Source<'_>, mut f: F) -> Result<Scan>
where
    F: FnMut(&Entry<'_>) -> ControlFlow<()>,
{
    file::scan_entries(source, |line| parse_line(line).map(|entry| f(&entry)))
}

fn parse_line(line: &[u8]) -> Line<Entry<'_>> {
    let line = file::uncommented(line);
    let Some((addr, rest)) = next_word(line) else {
        return Line::Blank;
    };
    let Some(addr) = core::str::from_utf8(addr)
        .ok()
        .and_then(|a| a.parse::<IpAddr>().ok())
    else {
        return Line::Malformed;
    };
    let Some((canonical, aliases)) = next_word(rest) else {
        return Line::Malformed;
    };
    if !is_valid_name(canonical) || !words(aliases).all(is_valid_name) {
        return Line::Malformed;
    }
    Line::Entry(Entry {
        addr,
        canonical,
        aliases,
    })
}

/// Whether [`DomainName::from_text`] takes `text`, without building the name.
fn is_valid_name(text: &[u8]) -> bool {
    if text == b"." {
        return true;
    }
    let body = text.strip_suffix(b".").unwrap_or(text);
    if body.is_empty() {
        return false;
    }
    // The wire form: a length byte and the bytes of each label, then the root's zero.
    let mut wire = 1;
    for label in body.split(|&b| b == b'.') {
        if label.is_empty() || label.len() > LABEL_MAX {
            return false;
        }
        wire += 1 + label.len();
    }
    wire <= NAME_MAX
}

/// Whether the valid name `text` is `name`, ignoring ASCII case and a final dot.
fn name_eq(text: &[u8], name: &DomainName) -> bool {
    if text == b"." {
        return name.is_root();
    }
    let body = text.strip_suffix(b".").unwrap_or(text);
    let mut labels = name.labels();
    for label in body.split(|&b| b == b'.') {
        match labels.next() {
            Some(l) if l.eq_ignore_ascii_case(label) => {}
            _ => return false,
        }
    }
    labels.next().is_none()
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    fn name(s: &str) -> DomainName {
        DomainName::new(s).unwrap()
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    /// The addresses and canonical names `by_name` gives, up to 8, and how many in all.
    fn lookup(text: &[u8], n: &str) -> ([Option<(IpAddr, DomainName)>; 8], usize, Scan) {
        let mut out = [None; 8];
        let mut count = 0;
        let scan = by_name(text, &name(n), |addr, canonical| {
            if let Some(slot) = out.get_mut(count) {
                *slot = Some((addr, *canonical));
            }
            count += 1;
            ControlFlow::Continue(())
        });
        (out, count, scan)
    }

    const TEXT: &[u8] = b"\
# /etc/hosts
127.0.0.1\tlocalhost
127.0.1.1 box.lan.example box   # this machine

::1     localhost ip6-localhost ip6-loopback
fe00::0 ip6-localnet
ff02::1 ip6-allnodes
192.0.2.10 Www.Example.COM www\r
2001:db8::10 www.example.com\t www
192.0.2.11 www.example.com
";

    #[test]
    fn lookup_by_name_in_file_order() {
        let (out, count, scan) = lookup(TEXT, "www");
        assert_eq!(count, 2);
        assert_eq!(out[0], Some((ip("192.0.2.10"), name("www.example.com"))));
        assert_eq!(out[1], Some((ip("2001:db8::10"), name("www.example.com"))));
        assert_eq!(scan, Scan::default());
        let (out, count, _) = lookup(TEXT, "WWW.example.com.");
        assert_eq!(count, 3);
        assert_eq!(out[2], Some((ip("192.0.2.11"), name("www.example.com"))));
        let (out, count, _) = lookup(TEXT, "localhost");
        assert_eq!(count, 2);
        assert_eq!(out[0].unwrap().0, ip("127.0.0.1"));
        assert_eq!(out[1].unwrap().0, ip("::1"));
        let (_, count, _) = lookup(TEXT, "ip6-loopback");
        assert_eq!(count, 1);
        let (_, count, _) = lookup(TEXT, "nothere");
        assert_eq!(count, 0);
        // A comment is not a name.
        let (_, count, _) = lookup(TEXT, "this");
        assert_eq!(count, 0);
        // The canonical name's case is the file's.
        let (out, _, _) = lookup(TEXT, "www");
        let mut buf = [0u8; 32];
        let n = out[0].unwrap().1.write_text(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"Www.Example.COM");
    }

    #[test]
    fn stop_early() {
        let mut seen = 0;
        by_name(TEXT, &name("www.example.com"), |_, _| {
            seen += 1;
            ControlFlow::Break(())
        });
        assert_eq!(seen, 1);
    }

    #[test]
    fn reverse() {
        assert_eq!(
            by_addr(TEXT, ip("127.0.1.1")).0,
            Some(name("box.lan.example"))
        );
        assert_eq!(by_addr(TEXT, ip("::1")).0, Some(name("localhost")));
        assert_eq!(by_addr(TEXT, ip("::0:1")).0, Some(name("localhost")));
        assert_eq!(by_addr(TEXT, ip("192.0.2.99")).0, None);
        // As glibc 2.36: an IPv4 query reads mapped lines and ::1 as IPv4; an IPv6 query
        // matches IPv6 lines only.
        assert_eq!(by_addr(TEXT, ip("::ffff:127.0.0.1")).0, None);
        assert_eq!(by_addr(TEXT, ip("::ffff:192.0.2.11")).0, None);
        let text = b"::1 six\n127.0.0.1 four\n::ffff:192.0.2.5 mapped\n192.0.2.5 plain\n";
        assert_eq!(by_addr(text, ip("127.0.0.1")).0, Some(name("six")));
        assert_eq!(by_addr(text, ip("::ffff:127.0.0.1")).0, None);
        assert_eq!(by_addr(text, ip("::1")).0, Some(name("six")));
        assert_eq!(by_addr(text, ip("192.0.2.5")).0, Some(name("mapped")));
        assert_eq!(
            by_addr(text, ip("::ffff:192.0.2.5")).0,
            Some(name("mapped"))
        );
        // Other IPv6 lines never answer an IPv4 query.
        assert_eq!(by_addr(b"::2 two\n", ip("0.0.0.2")).0, None);
        assert_eq!(by_addr(b"::192.0.2.5 compat\n", ip("192.0.2.5")).0, None);
        // The first line wins.
        let text = b"192.0.2.1 first\n192.0.2.1 second\n";
        assert_eq!(by_addr(text, ip("192.0.2.1")).0, Some(name("first")));
    }

    #[test]
    fn entries_with_aliases() {
        let mut lines = 0;
        let scan = for_each(TEXT, |e| {
            lines += 1;
            if e.addr() == ip("::1") {
                assert_eq!(e.canonical(), name("localhost"));
                let mut a = e.aliases();
                assert_eq!(a.next(), Some(name("ip6-localhost")));
                assert_eq!(a.next(), Some(name("ip6-loopback")));
                assert_eq!(a.next(), None);
                assert!(e.has_name(&name("IP6-LOCALHOST")));
                assert!(!e.has_name(&name("ip6")));
            }
            ControlFlow::Continue(())
        });
        assert_eq!(lines, 8);
        assert_eq!(scan.malformed(), 0);
    }

    #[test]
    fn malformed_lines_counted() {
        let text = b"\
192.0.2.1
192.0.2.300 bad.example
fe80::1%eth0 scoped.example
not-an-address name
192.0.2.2 ok.example bad..alias
192.0.2.3 .lead
01.2.3.4 octal.example
   # only a comment
\t\r
192.0.2.4 good.example # fine
\xff\xfe name
";
        let (_, count, scan) = lookup(text, "good.example");
        assert_eq!(count, 1);
        assert_eq!(scan.malformed(), 8);
        assert_eq!(scan.too_long(), 0);
        assert!(!scan.missing());
        // A bad alias spoils its whole line.
        let (_, count, _) = lookup(text, "ok.example");
        assert_eq!(count, 0);
        // Too long names.
        let mut long = std::vec::Vec::from(&b"192.0.2.5 "[..]);
        long.extend(core::iter::repeat_n(b'a', 64));
        long.extend_from_slice(b"\n192.0.2.6 x ");
        for _ in 0..4 {
            long.extend(core::iter::repeat_n(b'b', 63));
            long.push(b'.');
        }
        let (_, count, scan) = lookup(&long, "x");
        assert_eq!((count, scan.malformed()), (0, 2));
    }

    #[test]
    fn name_checks_agree_with_domain_name() {
        let mut cases: std::vec::Vec<std::vec::Vec<u8>> = [
            &b"."[..],
            b"a",
            b"a.",
            b"a..",
            b"..",
            b".a",
            b"a..b",
            b"",
            b"a.b.c.",
            b"\\.x",
        ]
        .iter()
        .map(|c| c.to_vec())
        .collect();
        for len in [62, 63, 64] {
            cases.push(std::vec![b'q'; len]);
        }
        for labels in [3, 4] {
            for last in [58, 59, 60, 61, 62, 63] {
                let mut t = std::vec::Vec::new();
                for _ in 0..labels - 1 {
                    t.extend(core::iter::repeat_n(b'z', 63));
                    t.push(b'.');
                }
                t.extend(core::iter::repeat_n(b'z', last));
                cases.push(t.clone());
                t.push(b'.');
                cases.push(t);
            }
        }
        for case in &cases {
            let parsed = DomainName::from_text(case);
            assert_eq!(is_valid_name(case), parsed.is_ok(), "{case:?}");
            if let Ok(n) = parsed {
                assert!(name_eq(case, &n), "{case:?}");
                let upper = case.to_ascii_uppercase();
                assert!(name_eq(&upper, &n), "{case:?}");
            }
        }
        assert!(!name_eq(b"a.b", &name("a")));
        assert!(!name_eq(b"a", &name("a.b")));
        assert!(!name_eq(b".", &name("a")));
        assert!(name_eq(b".", &DomainName::root()));
    }

    #[test]
    fn debug_form() {
        let mut text = std::string::String::new();
        for_each(b"192.0.2.1 a.example b c\n", |e| {
            text = std::format!("{e:?}");
            ControlFlow::Continue(())
        });
        assert_eq!(
            text,
            "Entry { addr: 192.0.2.1, canonical: DomainName(a.example), aliases: [DomainName(b), DomainName(c)] }"
        );
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "reads files through system calls, which Miri cannot run"
    )]
    fn files() {
        use crate::resolve::file::tests::TempFile;
        let mut text = std::vec::Vec::from(TEXT);
        text.extend_from_slice(b"192.0.2.20 ");
        text.extend(core::iter::repeat_n(b'x', 5000));
        text.extend_from_slice(b"\nbad line\n192.0.2.21 last.example");
        let file = TempFile::new("hosts", &text);
        let mut addrs = std::vec::Vec::new();
        let scan = by_name_file(file.path(), &name("www"), |addr, _| {
            addrs.push(addr);
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(addrs, [ip("192.0.2.10"), ip("2001:db8::10")]);
        assert_eq!((scan.too_long(), scan.malformed()), (1, 1));
        let (found, scan) = by_addr_file(file.path(), ip("192.0.2.21")).unwrap();
        assert_eq!(found, Some(name("last.example")));
        assert_eq!((scan.too_long(), scan.malformed()), (1, 1));
        let (found, _) = by_addr_file(file.path(), ip("192.0.2.20")).unwrap();
        assert_eq!(found, None);
        let mut n = 0;
        for_each_file(file.path(), |_| {
            n += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(n, 9);
        // A missing file is empty.
        let scan =
            by_name_file("/nonexistent/hosts", &name("x"), |_, _| panic!("no lines")).unwrap();
        assert!(scan.missing());
        let (found, scan) = by_addr_file("/nonexistent/hosts", ip("::1")).unwrap();
        assert_eq!((found, scan.missing()), (None, true));
        // The system's file, read whole (or empty, saying why).
        let mut entries = 0;
        let scan = for_each_file(PATH, |_| {
            entries += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
        crate::resolve::file::tests::assert_read_whole(PATH, entries, &scan);
    }

    #[test]
    fn never_panics_on_bytes() {
        let template = b"192.0.2.1 a.b c # d\n::1 e\n";
        let mut line = *template;
        // Under Miri (about a thousand times slower) every 15th value: 0x00 and 0xff included.
        for b in (0..=255u8).step_by(if cfg!(miri) { 15 } else { 1 }) {
            for i in 0..line.len() {
                let saved = line[i];
                line[i] = b;
                let _ = lookup(&line, "a.b");
                let _ = by_addr(&line, ip("::1"));
                line[i] = saved;
            }
        }
    }
}
