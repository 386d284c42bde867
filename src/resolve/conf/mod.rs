//! `/etc/resolv.conf`: name servers, search list and options (resolv.conf(5)), read as glibc
//! reads it.
//!
//! [`ResolvConf::parse`] reads text in memory; [`ResolvConf::load`] reads a file and then
//! applies the host name's domain as the default search list; [`ResolvConf::new`] and the
//! setters build a configuration in code.
//!
//! # What is read, and how
//!
//! Each line is a keyword at the very start of the line, then a space or a tab, then its
//! value; keywords are case-sensitive. A line whose first byte is `#` or `;` is a comment (a
//! comment sign anywhere else is not: `search a.example # x` searches `#` and `x` too, as in
//! glibc).
//!
//! | line | meaning |
//! |---|---|
//! | `nameserver ADDRESS` | a server on port 53: IPv4 (also the forms `inet_aton` takes: `10.1`, `0x7f.1`), IPv6, or IPv6 with a scope, `fe80::1%eth0` or `fe80::1%2`; at most [`MAXNS`], later ones are dropped and counted |
//! | `search DOMAIN...` | the search list: at most [`MAXDNSRCH`] domains; the last `search` or `domain` line wins |
//! | `domain DOMAIN` | a search list of that one domain |
//! | `options OPTION...` | see [`ResolvConf::apply_options`] |
//! | `sortlist ...` | accepted and ignored (it orders `gethostbyname` answers only) |
//!
//! Anything else is ignored and counted ([`ResolvConf::ignored_lines`]), as are lines longer
//! than the file reader holds (4095 bytes, [`ResolvConf::too_long_lines`]).
//!
//! # Defaults
//!
//! - no name server: `127.0.0.1:53` ([`ResolvConf::nameservers`] gives it while the list is
//!   empty), as glibc;
//! - no `search` or `domain` line: the domain of the host name (the part after its first dot),
//!   taken by [`ResolvConf::load`] from `uname(2)`'s node name, where glibc calls
//!   `gethostname`; [`ResolvConf::parse`] leaves the list empty, and
//!   [`ResolvConf::apply_hostname_domain`] is the step on its own;
//! - `ndots:1`, `timeout:5`, `attempts:2`, every flag off.
//!
//! # Where this differs from glibc
//!
//! - At most [`MAXDNSRCH`] (6) search domains: glibc keeps any number since 2.26. Extra and
//!   invalid domains are dropped and counted ([`ResolvConf::dropped_search_domains`]).
//! - A `\r` ending a line is removed (glibc would read `1.2.3.4\r` as no address, and a
//!   search domain with a `\r` in it).
//! - The environment (`LOCALDOMAIN`, `RES_OPTIONS`) is not read: there is no libc to ask. Pass
//!   `RES_OPTIONS` to [`ResolvConf::apply_options`], and set a search list with
//!   [`ResolvConf::clear_search`] and [`ResolvConf::push_search`].
//! - A negative number in `ndots:`, `timeout:` or `attempts:` is 0 (glibc stores it as it
//!   is; its sender waits one second for a `timeout` of 0 or less, and so does this
//!   resolver).
//! - Lines longer than 4095 bytes are skipped (glibc reads lines of any length).

use core::fmt;
use core::net::{Ipv4Addr, SocketAddr, SocketAddrV4};

use super::DomainName;

mod accessors;
mod parse;

/// Where the system's resolver configuration is.
pub const PATH: &str = "/etc/resolv.conf";

/// The most name servers kept (glibc's `MAXNS`); later `nameserver` lines are counted in
/// [`ResolvConf::dropped_nameservers`].
pub const MAXNS: usize = 3;

/// The most search domains kept (glibc's `MAXDNSRCH` before 2.26).
pub const MAXDNSRCH: usize = 6;

/// The port every `nameserver` line means (`NAMESERVER_PORT`).
pub const NAMESERVER_PORT: u16 = 53;

/// The highest `ndots` (`RES_MAXNDOTS`); larger values are capped.
pub const NDOTS_MAX: u8 = 15;

/// The longest `timeout`, in seconds (`RES_MAXRETRANS`); larger values are capped.
pub const TIMEOUT_MAX: u8 = 30;

/// The most `attempts` (`RES_MAXRETRY`); larger values are capped.
pub const ATTEMPTS_MAX: u8 = 5;

/// The server used when none is configured: `127.0.0.1:53`.
pub const DEFAULT_NAMESERVER: SocketAddr =
    SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, NAMESERVER_PORT));

const DEFAULT_NAMESERVERS: [SocketAddr; 1] = [DEFAULT_NAMESERVER];

const NDOTS_DEFAULT: u8 = 1;
const TIMEOUT_DEFAULT: u8 = 5;
const ATTEMPTS_DEFAULT: u8 = 2;

/// The flag options, in the order glibc tries them: each matches a word that starts with it
/// (so `single-request-reopen` comes before `single-request`).
const FLAG_OPTIONS: [(&[u8], u16); 10] = [
    (b"rotate", ROTATE),
    (b"edns0", EDNS0),
    (b"single-request-reopen", SINGLE_REQUEST_REOPEN),
    (b"single-request", SINGLE_REQUEST),
    (b"no_tld_query", NO_TLD_QUERY),
    (b"no-tld-query", NO_TLD_QUERY),
    (b"no-reload", NO_RELOAD),
    (b"use-vc", USE_VC),
    (b"trust-ad", TRUST_AD),
    (b"no-aaaa", NO_AAAA),
];

const ROTATE: u16 = 1 << 0;
const EDNS0: u16 = 1 << 1;
const SINGLE_REQUEST: u16 = 1 << 2;
const SINGLE_REQUEST_REOPEN: u16 = 1 << 3;
const NO_TLD_QUERY: u16 = 1 << 4;
const NO_RELOAD: u16 = 1 << 5;
const USE_VC: u16 = 1 << 6;
const TRUST_AD: u16 = 1 << 7;
const NO_AAAA: u16 = 1 << 8;

/// The resolver's configuration: name servers, search list and options (resolv.conf(5)).
///
/// `Copy`, on the stack (about 1.7 KiB: room for [`MAXNS`] servers and [`MAXDNSRCH`] domain
/// names). Equality compares the counters of what was ignored too.
///
/// ```
/// use baresock::resolve::ResolvConf;
/// use baresock::resolve::DomainName;
/// use core::time::Duration;
///
/// let conf = ResolvConf::parse(b"\
/// # written by hand
/// nameserver 192.0.2.53
/// nameserver 2001:db8::53
/// search lan.example example.org
/// options ndots:2 timeout:3 rotate
/// ");
/// assert_eq!(conf.nameservers().len(), 2);
/// assert_eq!(conf.nameservers()[0], "192.0.2.53:53".parse()?);
/// assert_eq!(conf.search(), [DomainName::new("lan.example")?, DomainName::new("example.org")?]);
/// assert_eq!((conf.ndots(), conf.timeout(), conf.attempts()), (2, Duration::from_secs(3), 2));
/// assert!(conf.rotate() && !conf.use_vc());
///
/// // Nothing configured: glibc's defaults.
/// let empty = ResolvConf::parse(b"");
/// assert_eq!(empty.nameservers(), ["127.0.0.1:53".parse()?]);
/// assert!(empty.search().is_empty());
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ResolvConf {
    nameservers: [SocketAddr; MAXNS],
    nameserver_count: u8,
    search: [DomainName; MAXDNSRCH],
    search_count: u8,
    ndots: u8,
    timeout: u8,
    attempts: u8,
    flags: u16,
    ignored_lines: usize,
    too_long_lines: usize,
    dropped_nameservers: usize,
    dropped_search: usize,
}

impl Default for ResolvConf {
    fn default() -> ResolvConf {
        ResolvConf::new()
    }
}

impl ResolvConf {
    /// A configuration with nothing configured: the default server (`127.0.0.1:53`), an empty
    /// search list, `ndots:1`, `timeout:5`, `attempts:2`, every flag off.
    pub const fn new() -> ResolvConf {
        ResolvConf {
            nameservers: [DEFAULT_NAMESERVER; MAXNS],
            nameserver_count: 0,
            search: [DomainName::root(); MAXDNSRCH],
            search_count: 0,
            ndots: NDOTS_DEFAULT,
            timeout: TIMEOUT_DEFAULT,
            attempts: ATTEMPTS_DEFAULT,
            flags: 0,
            ignored_lines: 0,
            too_long_lines: 0,
            dropped_nameservers: 0,
            dropped_search: 0,
        }
    }
}

impl fmt::Debug for ResolvConf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvConf")
            .field("nameservers", &self.nameservers())
            .field("search", &self.search())
            .field("ndots", &self.ndots)
            .field("timeout", &self.timeout())
            .field("attempts", &self.attempts)
            .field("options", &Flags(self.flags))
            .field("ignored_lines", &self.ignored_lines)
            .field("too_long_lines", &self.too_long_lines)
            .field("dropped_nameservers", &self.dropped_nameservers)
            .field("dropped_search_domains", &self.dropped_search)
            .finish()
    }
}

/// The flag options, for `Debug`.
struct Flags(u16);

impl fmt::Debug for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for (name, flag) in [
            ("rotate", ROTATE),
            ("edns0", EDNS0),
            ("use-vc", USE_VC),
            ("single-request", SINGLE_REQUEST),
            ("single-request-reopen", SINGLE_REQUEST_REOPEN),
            ("no-tld-query", NO_TLD_QUERY),
            ("no-aaaa", NO_AAAA),
            ("trust-ad", TRUST_AD),
            ("no-reload", NO_RELOAD),
        ] {
            if self.0 & flag != 0 {
                list.entry(&name);
            }
        }
        list.finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for ResolvConf {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Debug2Format(self))
    }
}
#[cfg(all(test, feature = "std"))]
mod tests;
