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
use core::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use core::ops::ControlFlow;
use core::time::Duration;

use super::file::{self, Lines};
use super::DomainName;
use crate::{Result, ShortName};

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
/// use baresock::resolve::conf::ResolvConf;
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

    /// Reads resolv.conf text (see the [module docs](self)). Never fails: what does not parse
    /// is ignored and counted.
    ///
    /// A scope given by interface name (`fe80::1%eth0`) is looked up in the kernel
    /// ([`interface_index`](crate::interface_index)); that is the only system call this makes,
    /// and only for such a scope. [`ResolvConf::parse_with_scopes`] takes the lookup from the
    /// caller. The search list is not defaulted from the host name
    /// ([`ResolvConf::apply_hostname_domain`]).
    pub fn parse(text: &[u8]) -> ResolvConf {
        ResolvConf::parse_with_scopes(text, system_scope)
    }

    /// Reads resolv.conf text, as [`ResolvConf::parse`], with `scope` turning an interface
    /// name into its index.
    ///
    /// As in glibc, `scope` is asked only for link-local addresses (`fe80::/10`) and
    /// link-local or interface-local multicast ones; when it answers `None` (or is not
    /// asked), a decimal scope (`fe80::1%2`) is taken as the index; when neither works the
    /// server is kept with scope 0 (glibc ignores the error there too).
    ///
    /// ```
    /// use baresock::resolve::conf::ResolvConf;
    /// let conf = ResolvConf::parse_with_scopes(b"nameserver fe80::1%eth9\n", |name| {
    ///     (name == b"eth9").then_some(7)
    /// });
    /// assert_eq!(conf.nameservers(), ["[fe80::1%7]:53".parse()?]);
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn parse_with_scopes<F>(text: &[u8], mut scope: F) -> ResolvConf
    where
        F: FnMut(&[u8]) -> Option<u32>,
    {
        let mut conf = ResolvConf::new();
        file::for_each_text_line(text, |line| {
            conf.parse_line(line, &mut scope);
            ControlFlow::Continue(())
        });
        conf
    }

    /// Reads the file at `path` (usually [`PATH`]), then applies the host name's domain as
    /// the search list if the file set none ([`ResolvConf::apply_hostname_domain`] with the
    /// node name from `uname(2)`).
    ///
    /// A file that is missing or cannot be read for the reasons glibc ignores (`ENOENT`,
    /// `EACCES`, `EPERM`, `EISDIR`, `ELOOP`, `ENOTDIR`) reads as empty: the defaults, as for
    /// every file the resolver reads. (glibc fails every lookup when resolv.conf is a
    /// directory: it opens, and its read fails; here it is empty, as it is for the hosts file.)
    /// Other errors are [`Error::Os`](crate::Error::Os); a path of 4096 bytes or more is
    /// `Os(`[`Errno::NAMETOOLONG`](crate::Errno::NAMETOOLONG)`)`, one with a NUL byte
    /// `Os(`[`Errno::INVAL`](crate::Errno::INVAL)`)`. Paths are bytes: `&str`, `&[u8]`, or for a
    /// `std::path::Path`, `path.as_os_str().as_bytes()`.
    ///
    /// ```
    /// use baresock::resolve::conf::{self, ResolvConf};
    /// let conf = ResolvConf::load(conf::PATH)?;
    /// assert!(!conf.nameservers().is_empty());
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn load(path: impl AsRef<[u8]>) -> Result<ResolvConf> {
        let mut conf = ResolvConf::new();
        let mut scope = system_scope;
        let read = file::for_each_line(path.as_ref(), |line| {
            conf.parse_line(line, &mut scope);
            ControlFlow::Continue(())
        });
        // A file that cannot be read is empty (the file reader's one rule for every file).
        match read? {
            Lines::Read { too_long } => conf.too_long_lines = too_long,
            Lines::Unread(_) => {}
        }
        let uname = rustix::system::uname();
        conf.apply_hostname_domain(uname.nodename().to_bytes());
        Ok(conf)
    }

    /// Reads the system's [`PATH`], as [`ResolvConf::load`] does.
    pub fn system() -> Result<ResolvConf> {
        ResolvConf::load(PATH)
    }

    /// Sets the search list to the domain of `hostname` (what follows its first dot) if the
    /// list is empty, as glibc does when resolv.conf has no `search` or `domain` line. A host
    /// name without a dot, or whose domain is not a domain name, changes nothing.
    ///
    /// ```
    /// use baresock::resolve::{conf::ResolvConf, DomainName};
    /// let mut conf = ResolvConf::parse(b"nameserver 192.0.2.1\n");
    /// conf.apply_hostname_domain(b"box.lan.example");
    /// assert_eq!(conf.search(), [DomainName::new("lan.example")?]);
    /// // A configured list stays.
    /// conf.apply_hostname_domain(b"other.example.com");
    /// assert_eq!(conf.search(), [DomainName::new("lan.example")?]);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn apply_hostname_domain(&mut self, hostname: &[u8]) -> &mut Self {
        if self.search_count == 0 {
            if let Some(dot) = hostname.iter().position(|&b| b == b'.') {
                let domain = &hostname[dot + 1..];
                if let Ok(name) = DomainName::from_text(domain) {
                    self.push_search(name);
                }
            }
        }
        self
    }

    /// Applies an `options` value: words separated by spaces or tabs (what follows `options`
    /// in resolv.conf, or glibc's `RES_OPTIONS` variable).
    ///
    /// | word | effect |
    /// |---|---|
    /// | `ndots:N` | [`ndots`](Self::ndots), capped at 15 |
    /// | `timeout:N` | [`timeout`](Self::timeout) in seconds, capped at 30 |
    /// | `attempts:N` | [`attempts`](Self::attempts), capped at 5 |
    /// | `rotate` | [`rotate`](Self::rotate) |
    /// | `edns0` | [`edns0`](Self::edns0) |
    /// | `use-vc` | [`use_vc`](Self::use_vc) |
    /// | `single-request` | [`single_request`](Self::single_request) |
    /// | `single-request-reopen` | [`single_request_reopen`](Self::single_request_reopen) |
    /// | `no-tld-query` (or `no_tld_query`) | [`no_tld_query`](Self::no_tld_query) |
    /// | `no-aaaa` | [`no_aaaa`](Self::no_aaaa) |
    /// | `trust-ad` | [`trust_ad`](Self::trust_ad) |
    /// | `no-reload` | accepted, no effect (nothing is cached to reload) |
    ///
    /// As in glibc, a word is taken by its start (`rotate2` is `rotate`), a number is read as
    /// `atoi` reads it (its leading digits; none is 0), and unknown words are ignored.
    ///
    /// ```
    /// use baresock::resolve::conf::ResolvConf;
    /// let mut conf = ResolvConf::new();
    /// conf.apply_options(b"ndots:20 attempts:3\tuse-vc no-aaaa whatever");
    /// assert_eq!((conf.ndots(), conf.attempts()), (15, 3));
    /// assert!(conf.use_vc() && conf.no_aaaa());
    /// ```
    pub fn apply_options(&mut self, options: &[u8]) -> &mut Self {
        for word in words(options) {
            if let Some(n) = word.strip_prefix(b"ndots:") {
                self.ndots = atoi(n).min(NDOTS_MAX as u32) as u8;
            } else if let Some(n) = word.strip_prefix(b"timeout:") {
                self.timeout = atoi(n).min(TIMEOUT_MAX as u32) as u8;
            } else if let Some(n) = word.strip_prefix(b"attempts:") {
                self.attempts = atoi(n).min(ATTEMPTS_MAX as u32) as u8;
            } else if let Some(&(_, flag)) = FLAG_OPTIONS.iter().find(|(w, _)| word.starts_with(w))
            {
                self.flags |= flag;
            }
        }
        self
    }

    /// One line of resolv.conf.
    fn parse_line<F>(&mut self, line: &[u8], scope: &mut F)
    where
        F: FnMut(&[u8]) -> Option<u32>,
    {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match line.iter().find(|&&b| !is_blank(b)) {
            // Blank, or a comment. glibc takes comments in the first column only, and ignores
            // an indented one as a line it does not know: either way, nothing to count.
            None | Some(b'#' | b';') => {}
            Some(_) => {
                if !self.parse_keyword_line(line, scope) {
                    self.ignored_lines += 1;
                }
            }
        }
    }

    /// A line that is not blank nor a comment; false if it is ignored.
    fn parse_keyword_line<F>(&mut self, line: &[u8], scope: &mut F) -> bool
    where
        F: FnMut(&[u8]) -> Option<u32>,
    {
        if let Some(value) = keyword(line, b"nameserver") {
            let Some(addr) = words(value).next().and_then(|w| nameserver(w, scope)) else {
                return false;
            };
            if !self.add_nameserver(addr) {
                self.dropped_nameservers += 1;
            }
            true
        } else if let Some(value) = keyword(line, b"domain") {
            let Some(domain) = words(value).next() else {
                return false;
            };
            self.set_search_words(core::iter::once(domain));
            true
        } else if let Some(value) = keyword(line, b"search") {
            if words(value).next().is_none() {
                return false;
            }
            self.set_search_words(words(value));
            true
        } else if let Some(value) = keyword(line, b"options") {
            self.apply_options(value);
            true
        } else {
            // `sortlist` only orders gethostbyname's answers: accepted, not used.
            keyword(line, b"sortlist").is_some()
        }
    }

    /// Replaces the search list with these words, dropping (and counting) the ones that are
    /// not domain names or do not fit.
    fn set_search_words<'a>(&mut self, words: impl Iterator<Item = &'a [u8]>) {
        self.clear_search();
        for word in words {
            let kept = match DomainName::from_text(word) {
                Ok(name) => self.push_search(name),
                Err(_) => false,
            };
            if !kept {
                self.dropped_search += 1;
            }
        }
    }

    /// The name servers, in the order to try them: those configured, or `127.0.0.1:53` when
    /// none is (see [`DEFAULT_NAMESERVER`]). Never empty.
    pub fn nameservers(&self) -> &[SocketAddr] {
        match self.nameserver_count as usize {
            0 => &DEFAULT_NAMESERVERS,
            n => &self.nameservers[..n],
        }
    }

    /// Whether no name server is configured, so that [`ResolvConf::nameservers`] gives the
    /// default one.
    pub fn uses_default_nameserver(&self) -> bool {
        self.nameserver_count == 0
    }

    /// Adds a name server (any address and port: a test server on a high port works too).
    /// Returns false, and adds nothing, when [`MAXNS`] are already there.
    pub fn add_nameserver(&mut self, addr: SocketAddr) -> bool {
        let n = self.nameserver_count as usize;
        match self.nameservers.get_mut(n) {
            Some(slot) => {
                *slot = addr;
                self.nameserver_count += 1;
                true
            }
            None => false,
        }
    }

    /// Removes every name server (so that the default applies again).
    pub fn clear_nameservers(&mut self) -> &mut Self {
        self.nameservers = [DEFAULT_NAMESERVER; MAXNS];
        self.nameserver_count = 0;
        self
    }

    /// The search list: the domains to append to a name with fewer than
    /// [`ndots`](Self::ndots) dots, in order. Empty when none is configured.
    pub fn search(&self) -> &[DomainName] {
        &self.search[..self.search_count as usize]
    }

    /// Appends a domain to the search list. Returns false, and adds nothing, when
    /// [`MAXDNSRCH`] are already there.
    pub fn push_search(&mut self, domain: DomainName) -> bool {
        let n = self.search_count as usize;
        match self.search.get_mut(n) {
            Some(slot) => {
                *slot = domain;
                self.search_count += 1;
                true
            }
            None => false,
        }
    }

    /// Empties the search list (and forgets the count of dropped domains).
    pub fn clear_search(&mut self) -> &mut Self {
        self.search = [DomainName::root(); MAXDNSRCH];
        self.search_count = 0;
        self.dropped_search = 0;
        self
    }

    /// How many dots a name needs to be tried as it is before the search list (`ndots:n`;
    /// default 1, at most 15).
    pub fn ndots(&self) -> u8 {
        self.ndots
    }

    /// Sets [`ndots`](Self::ndots), capped at [`NDOTS_MAX`].
    pub fn set_ndots(&mut self, ndots: u8) -> &mut Self {
        self.ndots = ndots.min(NDOTS_MAX);
        self
    }

    /// How long to wait for a server's answer before the next try (`timeout:n`, whole
    /// seconds; default 5 s, at most 30 s).
    ///
    /// `timeout:0` (and a negative one, read as 0) is kept as zero; a lookup then waits
    /// [`MIN_ATTEMPT_TIMEOUT`](super::dns::MIN_ATTEMPT_TIMEOUT) (one second) for each
    /// attempt, as glibc's sender does (`send_dg`: `if (seconds <= 0) seconds = 1`).
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout as u64)
    }

    /// Sets [`timeout`](Self::timeout): whole seconds, a fraction rounded up, capped at
    /// [`TIMEOUT_MAX`] seconds.
    pub fn set_timeout(&mut self, timeout: Duration) -> &mut Self {
        let secs = timeout
            .as_secs()
            .saturating_add((timeout.subsec_nanos() > 0) as u64);
        self.timeout = secs.min(TIMEOUT_MAX as u64) as u8;
        self
    }

    /// How many rounds of queries over all the servers to make before giving up
    /// (`attempts:n`; default 2, at most 5).
    ///
    /// `attempts:0` is kept as zero; glibc then sends nothing and fails the lookup.
    pub fn attempts(&self) -> u8 {
        self.attempts
    }

    /// Sets [`attempts`](Self::attempts), capped at [`ATTEMPTS_MAX`].
    pub fn set_attempts(&mut self, attempts: u8) -> &mut Self {
        self.attempts = attempts.min(ATTEMPTS_MAX);
        self
    }

    fn flag(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    fn set_flag(&mut self, flag: u16, on: bool) -> &mut Self {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
        self
    }

    /// Whether to spread queries over the servers in turn instead of always starting with
    /// the first (`rotate`, `RES_ROTATE`).
    pub fn rotate(&self) -> bool {
        self.flag(ROTATE)
    }

    /// Sets [`rotate`](Self::rotate).
    pub fn set_rotate(&mut self, on: bool) -> &mut Self {
        self.set_flag(ROTATE, on)
    }

    /// Whether to send EDNS(0) in queries, announcing a larger UDP size (`edns0`,
    /// `RES_USE_EDNS0`, RFC 6891).
    pub fn edns0(&self) -> bool {
        self.flag(EDNS0)
    }

    /// Sets [`edns0`](Self::edns0).
    pub fn set_edns0(&mut self, on: bool) -> &mut Self {
        self.set_flag(EDNS0, on)
    }

    /// Whether to query over TCP always (`use-vc`, `RES_USEVC`).
    pub fn use_vc(&self) -> bool {
        self.flag(USE_VC)
    }

    /// Sets [`use_vc`](Self::use_vc).
    pub fn set_use_vc(&mut self, on: bool) -> &mut Self {
        self.set_flag(USE_VC, on)
    }

    /// Whether to send the A and AAAA queries one after the other instead of together, from
    /// one socket (`single-request`, `RES_SNGLKUP`).
    pub fn single_request(&self) -> bool {
        self.flag(SINGLE_REQUEST)
    }

    /// Sets [`single_request`](Self::single_request).
    pub fn set_single_request(&mut self, on: bool) -> &mut Self {
        self.set_flag(SINGLE_REQUEST, on)
    }

    /// Whether to send the A and AAAA queries one after the other, each from its own socket
    /// (`single-request-reopen`, `RES_SNGLKUPREOP`).
    pub fn single_request_reopen(&self) -> bool {
        self.flag(SINGLE_REQUEST_REOPEN)
    }

    /// Sets [`single_request_reopen`](Self::single_request_reopen).
    pub fn set_single_request_reopen(&mut self, on: bool) -> &mut Self {
        self.set_flag(SINGLE_REQUEST_REOPEN, on)
    }

    /// Whether never to query a name of one label as it is, only with the search list
    /// appended (`no-tld-query`, `RES_NOTLDQUERY`).
    pub fn no_tld_query(&self) -> bool {
        self.flag(NO_TLD_QUERY)
    }

    /// Sets [`no_tld_query`](Self::no_tld_query).
    pub fn set_no_tld_query(&mut self, on: bool) -> &mut Self {
        self.set_flag(NO_TLD_QUERY, on)
    }

    /// Whether to send no AAAA query and answer IPv4 addresses only (`no-aaaa`, `RES_NOAAAA`,
    /// glibc 2.36).
    pub fn no_aaaa(&self) -> bool {
        self.flag(NO_AAAA)
    }

    /// Sets [`no_aaaa`](Self::no_aaaa).
    pub fn set_no_aaaa(&mut self, on: bool) -> &mut Self {
        self.set_flag(NO_AAAA, on)
    }

    /// Whether the servers are trusted to validate DNSSEC, so that the AD bit is sent and
    /// kept (`trust-ad`, `RES_TRUSTAD`, glibc 2.31). Accepted and reported; it changes nothing
    /// in this crate's lookups, which do not pass the AD bit on.
    pub fn trust_ad(&self) -> bool {
        self.flag(TRUST_AD)
    }

    /// Sets [`trust_ad`](Self::trust_ad).
    pub fn set_trust_ad(&mut self, on: bool) -> &mut Self {
        self.set_flag(TRUST_AD, on)
    }

    /// How many lines were ignored: unknown keywords, a keyword not followed by a space or
    /// tab and a value, a `nameserver` that is not an address. Blank lines and comments are
    /// not counted.
    pub fn ignored_lines(&self) -> usize {
        self.ignored_lines
    }

    /// How many lines were skipped because they are longer than the file reader holds (4095
    /// bytes without the newline); always 0 for text given to [`ResolvConf::parse`].
    pub fn too_long_lines(&self) -> usize {
        self.too_long_lines
    }

    /// How many valid `nameserver` lines came after [`MAXNS`] were kept, and were dropped (as
    /// glibc does).
    pub fn dropped_nameservers(&self) -> usize {
        self.dropped_nameservers
    }

    /// How many domains of the search list in effect (the last `search` or `domain` line)
    /// were dropped: past [`MAXDNSRCH`], or not domain names.
    pub fn dropped_search_domains(&self) -> usize {
        self.dropped_search
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

/// Space or tab: what separates words in resolv.conf.
fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The words of `text`, split on runs of spaces and tabs.
fn words(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| is_blank(b)).filter(|w| !w.is_empty())
}

/// The rest of `line` if it starts with `word` and then a space or tab (glibc's `MATCH`).
fn keyword<'a>(line: &'a [u8], word: &[u8]) -> Option<&'a [u8]> {
    let rest = line.strip_prefix(word)?;
    rest.first().filter(|&&b| is_blank(b)).map(|_| rest)
}

/// A number as C's `atoi` reads the start of `text`: an optional sign, then decimal digits
/// (none: 0); negative numbers are 0 here, and large ones saturate.
fn atoi(text: &[u8]) -> u32 {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    let mut n: u32 = 0;
    for &b in digits.iter().take_while(|b| b.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add((b - b'0') as u32);
    }
    if negative {
        0
    } else {
        n
    }
}

/// A `nameserver` value: an IPv4 address as `inet_aton` reads it (whole), else an IPv6
/// address with an optional `%scope`.
fn nameserver<F>(word: &[u8], scope: &mut F) -> Option<SocketAddr>
where
    F: FnMut(&[u8]) -> Option<u32>,
{
    if let Some(v4) = inet_aton(word) {
        return Some(SocketAddr::V4(SocketAddrV4::new(v4, NAMESERVER_PORT)));
    }
    let (addr, scope_text) = match word.iter().position(|&b| b == b'%') {
        Some(i) => (&word[..i], Some(&word[i + 1..])),
        None => (word, None),
    };
    let ip: Ipv6Addr = core::str::from_utf8(addr).ok()?.parse().ok()?;
    let scope_id = scope_text.map_or(0, |s| scope_id(&ip, s, scope));
    Some(SocketAddr::V6(SocketAddrV6::new(
        ip,
        NAMESERVER_PORT,
        0,
        scope_id,
    )))
}

/// The scope of `ip` written as `text`, as glibc's `__inet6_scopeid_pton` reads it: an
/// interface name (for link-local addresses only), else a decimal number; 0 if neither.
fn scope_id<F>(ip: &Ipv6Addr, text: &[u8], lookup: &mut F) -> u32
where
    F: FnMut(&[u8]) -> Option<u32>,
{
    let o = ip.octets();
    let link_local = o[0] == 0xfe && o[1] & 0xc0 == 0x80;
    let multicast_local = o[0] == 0xff && matches!(o[1] & 0x0f, 0x1 | 0x2);
    if link_local || multicast_local {
        if let Some(index) = lookup(text) {
            return index;
        }
    }
    if text.first().is_some_and(|b| b.is_ascii_digit()) && text.iter().all(u8::is_ascii_digit) {
        let mut n: u64 = 0;
        for &b in text {
            n = n * 10 + (b - b'0') as u64;
            if n > u32::MAX as u64 {
                return 0;
            }
        }
        return n as u32;
    }
    0
}

/// An interface's index from the kernel, for a scope given by name.
fn system_scope(name: &[u8]) -> Option<u32> {
    let name = ShortName::new(name).ok()?;
    crate::interface_index(&name).ok()
}

/// An IPv4 address as glibc's `inet_aton` reads all of `text`: one to four numbers separated
/// by dots, each decimal, octal (leading `0`) or hexadecimal (leading `0x`); the last number
/// fills the bytes left (`10.1` is 10.0.0.1, `127.65535` is 127.0.255.255).
fn inet_aton(text: &[u8]) -> Option<Ipv4Addr> {
    let mut parts = [0u32; 4];
    let mut count = 0;
    let mut rest = text;
    loop {
        let (value, tail) = c_number(rest)?;
        match tail.split_first() {
            None => {
                parts[count] = value;
                count += 1;
                break;
            }
            Some((b'.', tail)) if count < 3 && value <= 0xff => {
                parts[count] = value;
                count += 1;
                rest = tail;
            }
            _ => return None,
        }
    }
    let [a, b, c, d] = parts;
    let value = match count {
        1 => a,
        2 if b <= 0xff_ffff => a << 24 | b,
        3 if c <= 0xffff => a << 24 | b << 16 | c,
        4 if d <= 0xff => a << 24 | b << 16 | c << 8 | d,
        _ => return None,
    };
    Some(Ipv4Addr::from(value))
}

/// A number at the start of `text` as `strtoul(text, &end, 0)` reads it, where `text` must
/// start with a digit; `None` past 32 bits. Returns the number and the bytes after it.
fn c_number(text: &[u8]) -> Option<(u32, &[u8])> {
    if !text.first()?.is_ascii_digit() {
        return None;
    }
    let (radix, start) = match text {
        [b'0', b'x' | b'X', h, ..] if h.is_ascii_hexdigit() => (16, 2),
        [b'0', ..] => (8, 1),
        _ => (10, 0),
    };
    let mut value: u32 = 0;
    let mut end = start;
    while let Some(digit) = text.get(end).and_then(|&b| (b as char).to_digit(radix)) {
        value = value.checked_mul(radix)?.checked_add(digit)?;
        end += 1;
    }
    Some((value, &text[end..]))
}

#[cfg(all(test, feature = "std"))]
mod tests {
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
        let c =
            parse(b"nameserver\t192.0.2.7\r\nsearch\ta.example\tb.example\r\noptions\tndots:4\r\n");
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
        let lo = crate::interface_index(&ShortName::new(b"lo").unwrap()).unwrap();
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
}
