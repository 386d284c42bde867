//! `/etc/services`: service names and ports (services(5)).
//!
//! Each line is `NAME PORT/PROTOCOL [ALIAS...]`, fields separated by spaces or tabs (or any
//! other ASCII white space but the newline, as glibc's `isspace`); a `#` anywhere starts a
//! comment to the end of the line. Every function comes twice: over text in memory, and over
//! a file read line by line through a 4 KiB stack buffer (`_file`, usually with [`PATH`]); a
//! missing file reads as empty ([`Scan::missing`]).
//!
//! Names and protocols compare exactly, ASCII case included, as glibc's `getservbyname`
//! (`strcmp`). A numeric service (`"80"`) is not looked up here: that is the caller's.
//!
//! Lines that do not parse are skipped and counted ([`Scan::malformed`]): no name, a port
//! that is not decimal digits up to 65535, no `/` or no protocol after the port, or a name or
//! protocol longer than [`SERVICE_NAME_MAX`] bytes. glibc reads the port with `strtoul` and
//! keeps its low 16 bits (`65616/tcp` is port 80 there); here such a line is malformed.
//!
//! ```
//! use baresock::resolve::__private::services;
//! let text = b"http\t\t80/tcp\t\twww  # WorldWideWeb HTTP\nhttp 80/udp\ndomain 53/udp\n";
//! let (service, _) = services::by_name(text, "www", Some("tcp"));
//! assert_eq!(service.map(|s| s.port()), Some(80));
//! let (service, _) = services::by_port(text, 53, None);
//! let service = service.unwrap();
//! assert_eq!((service.name().as_str(), service.protocol().as_str()), (Some("domain"), Some("udp")));
//! ```

use core::fmt;
use core::ops::ControlFlow;

pub use super::file::Scan;
use super::file::{self, next_word, Line, Source};
use crate::Result;

/// Where the system's service table is.
pub const PATH: &str = "/etc/services";

/// The longest service or protocol name kept, in bytes. IANA's service names have at most 15
/// (RFC 6335 §5.1); local files sometimes have a few more.
pub const SERVICE_NAME_MAX: usize = 32;

/// A service or protocol name of 1 to [`SERVICE_NAME_MAX`] bytes, `Copy`, on the stack.
///
/// ```
/// use baresock::resolve::ServiceName;
/// let name = ServiceName::new(b"imaps").unwrap();
/// assert_eq!(name.as_str(), Some("imaps"));
/// assert!(ServiceName::new(b"").is_none());
/// assert!(ServiceName::new(&[b'x'; 33]).is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ServiceName {
    /// The name; bytes past `len` are zero.
    bytes: [u8; SERVICE_NAME_MAX],
    len: u8,
}

impl ServiceName {
    /// A name; `None` if it is empty or longer than [`SERVICE_NAME_MAX`] bytes.
    pub const fn new(name: &[u8]) -> Option<ServiceName> {
        if name.is_empty() || name.len() > SERVICE_NAME_MAX {
            return None;
        }
        let mut bytes = [0u8; SERVICE_NAME_MAX];
        let mut i = 0;
        while i < name.len() {
            bytes[i] = name[i];
            i += 1;
        }
        Some(ServiceName {
            bytes,
            len: name.len() as u8,
        })
    }

    /// The name's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// The name as text, if it is UTF-8 (service names are ASCII in practice).
    pub fn as_str(&self) -> Option<&str> {
        core::str::from_utf8(self.as_bytes()).ok()
    }
}

impl fmt::Display for ServiceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::name::write_lossless(self.as_bytes(), f)
    }
}

impl fmt::Debug for ServiceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for ServiceName {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{=[u8]:a}", self.as_bytes())
    }
}

/// A service found: its official name, port and protocol. `Copy`, on the stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Service {
    name: ServiceName,
    port: u16,
    protocol: ServiceName,
}

impl Service {
    /// The official name (the first on its line, even when an alias was looked up).
    pub fn name(&self) -> &ServiceName {
        &self.name
    }

    /// The port, in host byte order.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The protocol (`tcp`, `udp`, `sctp`...).
    pub fn protocol(&self) -> &ServiceName {
        &self.protocol
    }
}

/// One line of a services file, borrowed from the line.
#[derive(Clone, Copy)]
pub struct Entry<'a> {
    name: &'a [u8],
    port: u16,
    protocol: &'a [u8],
    /// The rest of the line after `PORT/PROTOCOL`, comment removed.
    aliases: &'a [u8],
}

#[cfg(feature = "defmt")]
impl defmt::Format for Entry<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "{=[u8]:a} {=u16}/{=[u8]:a}",
            self.name,
            self.port,
            self.protocol
        )
    }
}

impl<'a> Entry<'a> {
    /// The official name (at most [`SERVICE_NAME_MAX`] bytes).
    pub fn name(&self) -> &'a [u8] {
        self.name
    }

    /// The port, in host byte order.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The protocol (at most [`SERVICE_NAME_MAX`] bytes).
    pub fn protocol(&self) -> &'a [u8] {
        self.protocol
    }

    /// The aliases, in order.
    pub fn aliases(&self) -> Aliases<'a> {
        Aliases { rest: self.aliases }
    }

    /// Whether `name` is the official name or an alias (compared exactly).
    pub fn has_name(&self, name: &[u8]) -> bool {
        self.name == name || self.aliases().any(|a| a == name)
    }

    /// The entry as an owned [`Service`].
    pub fn service(&self) -> Service {
        // Both lengths were checked when the line was read.
        let empty = ServiceName {
            bytes: [0; SERVICE_NAME_MAX],
            len: 0,
        };
        Service {
            name: ServiceName::new(self.name).unwrap_or(empty),
            port: self.port,
            protocol: ServiceName::new(self.protocol).unwrap_or(empty),
        }
    }
}

impl fmt::Debug for Entry<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = |b: &[u8]| ServiceName::new(b);
        f.debug_struct("Entry")
            .field("name", &text(self.name))
            .field("port", &self.port)
            .field("protocol", &text(self.protocol))
            .field("aliases", &AliasList(self.aliases()))
            .finish()
    }
}

/// The aliases of an [`Entry`], for `Debug`.
struct AliasList<'a>(Aliases<'a>);

impl fmt::Debug for AliasList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for alias in self.0.clone() {
            list.entry(&core::str::from_utf8(alias).unwrap_or("<not UTF-8>"));
        }
        list.finish()
    }
}

/// The aliases of an [`Entry`], as bytes.
#[derive(Clone, Debug)]
pub struct Aliases<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Aliases<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (word, rest) = next_word(self.rest)?;
        self.rest = rest;
        Some(word)
    }
}

/// Calls `f` with each well-formed line of services text, in order, until it breaks.
///
/// ```
/// use baresock::resolve::__private::services;
/// use core::ops::ControlFlow;
/// let mut tcp = 0;
/// let scan = services::for_each(b"ssh 22/tcp\nssh 22/udp\nbroken 22\n", |entry| {
///     tcp += (entry.protocol() == b"tcp") as usize;
///     ControlFlow::Continue(())
/// });
/// assert_eq!((tcp, scan.malformed()), (1, 1));
/// ```
pub fn for_each<F>(text: &[u8], f: F) -> Scan
where
    F: FnMut(&Entry<'_>) -> ControlFlow<()>,
{
    // Text in memory cannot fail to be read.
    scan_entries(Source::Text(text), f).unwrap_or_default()
}

/// Calls `f` with each well-formed line of the services file at `path`, as [`for_each`].
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

/// The first service called `name` (its official name or an alias) with this protocol, or of
/// any protocol for `None` (`getservbyname`).
pub fn by_name(text: &[u8], name: &str, protocol: Option<&str>) -> (Option<Service>, Scan) {
    scan_by_name(Source::Text(text), name, protocol).unwrap_or_default()
}

/// [`by_name`] over the services file at `path` (errors as [`for_each_file`]).
///
/// ```
/// use baresock::resolve::__private::services;
/// let (service, scan) = services::by_name_file(services::PATH, "ssh", Some("tcp"))?;
/// if !scan.missing() {
///     assert_eq!(service.map(|s| s.port()), Some(22));
/// }
/// # Ok::<(), baresock::Error>(())
/// ```
pub fn by_name_file(
    path: impl AsRef<[u8]>,
    name: &str,
    protocol: Option<&str>,
) -> Result<(Option<Service>, Scan)> {
    scan_by_name(Source::File(path.as_ref()), name, protocol)
}

/// The first service on `port` with this protocol, or of any protocol for `None`
/// (`getservbyport`).
pub fn by_port(text: &[u8], port: u16, protocol: Option<&str>) -> (Option<Service>, Scan) {
    scan_by_port(Source::Text(text), port, protocol).unwrap_or_default()
}

/// [`by_port`] over the services file at `path` (errors as [`for_each_file`]).
pub fn by_port_file(
    path: impl AsRef<[u8]>,
    port: u16,
    protocol: Option<&str>,
) -> Result<(Option<Service>, Scan)> {
    scan_by_port(Source::File(path.as_ref()), port, protocol)
}

fn protocol_matches(entry: &Entry<'_>, protocol: Option<&str>) -> bool {
    protocol.is_none_or(|p| entry.protocol == p.as_bytes())
}

fn scan_by_name(
    source: Source<'_>,
    name: &str,
    protocol: Option<&str>,
) -> Result<(Option<Service>, Scan)> {
    first(source, |e| {
        protocol_matches(e, protocol) && e.has_name(name.as_bytes())
    })
}

fn scan_by_port(
    source: Source<'_>,
    port: u16,
    protocol: Option<&str>,
) -> Result<(Option<Service>, Scan)> {
    first(source, |e| e.port == port && protocol_matches(e, protocol))
}

/// The first entry that `pick` takes.
fn first<F>(source: Source<'_>, mut pick: F) -> Result<(Option<Service>, Scan)>
where
    F: FnMut(&Entry<'_>) -> bool,
{
    let mut found = None;
    let scan = scan_entries(source, |e| {
        if pick(e) {
            found = Some(e.service());
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
    let Some((name, rest)) = next_word(line) else {
        return Line::Blank;
    };
    let Some((port_protocol, aliases)) = next_word(rest) else {
        return Line::Malformed;
    };
    let Some(slash) = port_protocol.iter().position(|&b| b == b'/') else {
        return Line::Malformed;
    };
    let (port, protocol) = (&port_protocol[..slash], &port_protocol[slash + 1..]);
    let Some(port) = parse_port(port) else {
        return Line::Malformed;
    };
    if name.len() > SERVICE_NAME_MAX || protocol.is_empty() || protocol.len() > SERVICE_NAME_MAX {
        return Line::Malformed;
    }
    Line::Entry(Entry {
        name,
        port,
        protocol,
        aliases,
    })
}

/// A port: decimal digits (leading zeros allowed), at most 65535.
fn parse_port(text: &[u8]) -> Option<u16> {
    if text.is_empty() || !text.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = text.iter().fold(0u32, |n, &b| {
        n.saturating_mul(10).saturating_add((b - b'0') as u32)
    });
    u16::try_from(value).ok()
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    const TEXT: &[u8] = b"\
# Network services, Internet style
tcpmux\t\t1/tcp\t\t\t\t# TCP port service multiplexer
echo\t\t7/tcp
echo\t\t7/udp
discard\t\t9/tcp\t\tsink null
discard\t\t9/udp\t\tsink null
ssh\t\t22/tcp\t\t\t\t# SSH Remote Login Protocol\r
domain\t\t53/tcp\t\t\t\t# Domain Name Server
domain\t\t53/udp
http\t\t80/tcp\t\twww\t\t# WorldWideWeb HTTP
kerberos\t88/tcp\t\tkerberos5 krb5 kerberos-sec\t# Kerberos v5
kerberos\t88/udp\t\tkerberos5 krb5 kerberos-sec\t# Kerberos v5
sctp-svc\t9999/sctp
";

    fn port(name: &str, protocol: Option<&str>) -> Option<u16> {
        by_name(TEXT, name, protocol).0.map(|s| s.port())
    }

    fn name_of(
        port: u16,
        protocol: Option<&str>,
    ) -> Option<(std::string::String, std::string::String)> {
        by_port(TEXT, port, protocol).0.map(|s| {
            (
                s.name().as_str().unwrap().into(),
                s.protocol().as_str().unwrap().into(),
            )
        })
    }

    fn pair(a: &str, b: &str) -> Option<(std::string::String, std::string::String)> {
        Some((a.into(), b.into()))
    }

    #[test]
    fn by_name_and_alias() {
        assert_eq!(port("ssh", Some("tcp")), Some(22));
        assert_eq!(port("ssh", Some("udp")), None);
        assert_eq!(port("ssh", None), Some(22));
        assert_eq!(port("www", Some("tcp")), Some(80));
        assert_eq!(port("krb5", Some("udp")), Some(88));
        assert_eq!(port("null", None), Some(9));
        assert_eq!(port("sctp-svc", Some("sctp")), Some(9999));
        // Exact comparison, as glibc's strcmp.
        assert_eq!(port("SSH", None), None);
        assert_eq!(port("ssh", Some("TCP")), None);
        // Numbers are the caller's.
        assert_eq!(port("22", None), None);
        // The official name comes back for an alias, with the protocol found.
        let (s, scan) = by_name(TEXT, "sink", None);
        let s = s.unwrap();
        assert_eq!(s.name().as_bytes(), b"discard");
        assert_eq!(s.protocol().as_bytes(), b"tcp");
        assert_eq!(scan, Scan::default());
    }

    #[test]
    fn by_port_and_protocol() {
        assert_eq!(name_of(53, None), pair("domain", "tcp"));
        assert_eq!(name_of(53, Some("udp")), pair("domain", "udp"));
        assert_eq!(name_of(22, Some("udp")), None);
        assert_eq!(name_of(80, Some("tcp")), pair("http", "tcp"));
        assert_eq!(name_of(1, None), pair("tcpmux", "tcp"));
        assert_eq!(name_of(9999, None), pair("sctp-svc", "sctp"));
        assert_eq!(name_of(81, None), None);
    }

    #[test]
    fn entries() {
        let mut seen = std::vec::Vec::new();
        let scan = for_each(TEXT, |e| {
            if e.port() == 88 {
                let aliases: std::vec::Vec<_> = e.aliases().collect();
                assert_eq!(aliases, [&b"kerberos5"[..], b"krb5", b"kerberos-sec"]);
                assert!(e.has_name(b"kerberos-sec") && e.has_name(b"kerberos"));
                assert!(!e.has_name(b"kerberos4"));
            }
            seen.push(e.service());
            ControlFlow::Continue(())
        });
        assert_eq!(seen.len(), 12);
        assert_eq!(scan.malformed(), 0);
        let mut text = std::string::String::new();
        for_each(b"http 80/tcp www web\n", |e| {
            text = std::format!("{e:?}");
            ControlFlow::Continue(())
        });
        assert_eq!(
            text,
            "Entry { name: Some(\"http\"), port: 80, protocol: Some(\"tcp\"), aliases: [\"www\", \"web\"] }"
        );
    }

    #[test]
    fn malformed_lines_counted() {
        let text = b"\
lonely
noport /tcp
noslash 80
noproto 80/
big 65536/tcp
signed +80/tcp
hex 0x50/tcp
long-port 000080/tcp
thirty-three-bytes-long-name-xxxx 80/tcp
proto 80/thirty-three-bytes-long-protocolX
   # comment only
\t\r
ok 65535/tcp # the highest
zero 0/udp
just-32-bytes-long-service-name- 1/tcp
";
        let (s, scan) = by_name(text, "just-32-bytes-long-service-name-", None);
        assert_eq!(s.map(|s| s.port()), Some(1));
        assert_eq!(scan.malformed(), 9);
        assert_eq!(by_name(text, "ok", None).0.map(|s| s.port()), Some(65535));
        assert_eq!(
            by_name(text, "long-port", None).0.map(|s| s.port()),
            Some(80)
        );
        assert_eq!(by_name(text, "zero", None).0.map(|s| s.port()), Some(0));
        // A lookup that stops early has counted only what it read.
        assert_eq!(by_port(text, 65535, None).1.malformed(), 9);
        assert_eq!(by_name(b"a 1/tcp\nbad\n", "a", None).1.malformed(), 0);
    }

    #[test]
    fn service_names() {
        let n = ServiceName::new(b"h\xfft").unwrap();
        assert_eq!(n.as_str(), None);
        assert_eq!(std::format!("{n}"), "h\\xfft");
        assert_eq!(std::format!("{n:?}"), "\"h\\xfft\"");
        assert_eq!(ServiceName::new(&[b'a'; 32]).unwrap().as_bytes().len(), 32);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "reads files through system calls, which Miri cannot run"
    )]
    fn files() {
        use crate::resolve::file::tests::TempFile;
        let mut text = std::vec::Vec::from(TEXT);
        text.extend_from_slice(b"long 1/tcp ");
        text.extend(core::iter::repeat_n(b'x', 5000));
        text.extend_from_slice(b"\nbad\nlast 65000/udp last-alias");
        let file = TempFile::new("services", &text);
        let (s, scan) = by_name_file(file.path(), "last-alias", Some("udp")).unwrap();
        assert_eq!(s.map(|s| s.port()), Some(65000));
        assert_eq!(
            (scan.too_long(), scan.malformed(), scan.missing()),
            (1, 1, false)
        );
        let (s, _) = by_port_file(file.path(), 80, None).unwrap();
        assert_eq!(s.unwrap().name().as_bytes(), b"http");
        let (s, _) = by_name_file(file.path(), "long", None).unwrap();
        assert!(s.is_none());
        let mut n = 0;
        for_each_file(file.path(), |_| {
            n += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(n, 13);
        let (s, scan) = by_port_file("/nonexistent/services", 80, None).unwrap();
        assert_eq!((s, scan.missing()), (None, true));
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
        let template = b"http 80/tcp www # c\n";
        let mut line = *template;
        // Under Miri (about a thousand times slower) every 15th value: 0x00 and 0xff included.
        for b in (0..=255u8).step_by(if cfg!(miri) { 15 } else { 1 }) {
            for i in 0..line.len() {
                let saved = line[i];
                line[i] = b;
                let _ = by_name(&line, "www", Some("tcp"));
                let _ = by_port(&line, 80, None);
                line[i] = saved;
            }
        }
    }
}
