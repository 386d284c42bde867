//! The resolv.conf parser: [`ResolvConf::parse`] and its relatives, a line at a time, and the
//! readers of words, numbers and addresses.

use core::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use core::ops::ControlFlow;

use super::{
    ResolvConf, ATTEMPTS_MAX, FLAG_OPTIONS, NAMESERVER_PORT, NDOTS_MAX, PATH, TIMEOUT_MAX,
};
use crate::resolve::file::{self, Lines};
use crate::resolve::DomainName;
use crate::Result;

impl ResolvConf {
    /// Reads resolv.conf text (see [`ResolvConf`]). Never fails: what does not parse
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
    /// use baresock::resolve::ResolvConf;
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
    /// use baresock::resolve::{__private::conf, ResolvConf};
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
        let mut name = [0; crate::sys::os::UTS_LEN];
        conf.apply_hostname_domain(crate::sys::os::nodename(&mut name));
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
    /// use baresock::resolve::{DomainName, ResolvConf};
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
    /// use baresock::resolve::ResolvConf;
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
    crate::interface_index(name).ok()
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
