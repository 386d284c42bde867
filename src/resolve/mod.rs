//! Name resolution without libc or heap: `/etc/hosts`, `/etc/resolv.conf`, `/etc/services`,
//! and DNS over UDP with a TCP fallback, as `getaddrinfo` and `gethostbyaddr` do it.
//!
//! A static binary without libc cannot call `getaddrinfo`; this module does its work with
//! system calls and the caller's buffers, the way Go's resolver and musl's do:
//!
//! ```no_run
//! use baresock::resolve::{AddrInfo, Hints, Resolver};
//! use baresock::Type;
//!
//! let resolver = Resolver::system()?; // reads /etc/resolv.conf
//! let hints = Hints { socket_type: Some(Type::STREAM), ..Hints::default() };
//! let mut out = [AddrInfo::EMPTY; 8];
//! let found = resolver.lookup(Some("example.com"), Some("https"), &hints, &mut out)?;
//! for a in found.results(&out) {
//!     println!("{}", a.addr);
//! }
//! # Ok::<(), baresock::Error>(())
//! ```
//!
//! # Where answers come from
//!
//! In the order glibc's default `/etc/nsswitch.conf` (`hosts: files dns`) gives: a numeric
//! address answers itself; then the hosts file; then DNS. `nsswitch.conf` itself is not read
//! (as musl does not): other sources (mDNS, LDAP, systemd-resolved's NSS module) are not
//! asked; a system that relies on them usually also runs a local DNS stub
//! (`127.0.0.53`) that resolv.conf names. `RES_OPTIONS`, `LOCALDOMAIN` and `HOSTALIASES`
//! are not read either, nor `/etc/gai.conf`: addresses are sorted by RFC 6724's default
//! policy.
//!
//! The hosts file is read as glibc 2.36 reads it, checked against its `getent` over many
//! files, and each address is given once.
//! The order is glibc's (rule 9 included: IPv6 over all 128 bits, IPv4 inside the source's
//! subnet only, which takes one netlink dump of the machine's IPv4 addresses), but where the
//! policy tables differ: glibc sorts by RFC 3484's, so it tries a ULA `fd00::/8` before
//! IPv4 and Teredo `2001::/32` before 6to4, where this resolver does the reverse, as RFC
//! 6724 ranks them (and it scopes an IPv4-mapped destination as IPv6, as glibc does).
//!
//! Every path can be replaced ([`Paths`]), so tests and sandboxed programs never need `/etc`.
//!
//! # DNS
//!
//! Queries go over UDP from a random port to each name server in turn, with a random id;
//! a reply counts only if it comes from that server's address and port, carries the id and
//! repeats the question. `A` and `AAAA` go out together. A truncated reply (`TC`) is asked
//! again over TCP. Aliases (`CNAME`) are followed through the reply, at most
//! [`ALIAS_LIMIT`](dns::ALIAS_LIMIT) of them. The search list and `ndots` work as in glibc:
//! a name with fewer dots than `ndots` is tried with each search domain first, then as it
//! is; a name with a final dot only as it is. Each server gets `timeout` per attempt, for
//! `attempts` rounds (resolv.conf's options; glibc lengthens the wait on later rounds, this
//! resolver keeps it; see [Time](#time)). `rotate` starts each lookup at the next server; `single-request` (and
//! `single-request-reopen`, which here is the same since every query has its own socket)
//! sends `A` and `AAAA` one after the other; `use-vc` asks over TCP only; `edns0`
//! advertises 1232-byte UDP replies; `no-aaaa` asks for `A` only. IPv4-mapped results
//! (`AI_V4MAPPED`) and `AI_ADDRCONFIG` are not offered.
//!
//! resolv.conf names servers by address only (port 53); a server on another port is added
//! in code with [`ResolvConf::add_nameserver`].
//!
//! # Time
//!
//! Every wait is bounded. One attempt is one server in one round: its queries over UDP and
//! any of them asked again over TCP (after a truncated reply) share one deadline, `timeout`
//! after the attempt starts; the TCP connect, the send and each receive wait only for what is
//! left of it, so a server that drips its TCP reply a byte at a time holds the attempt no
//! longer than one that says nothing. A `timeout` of 0 (or a negative one) waits one second
//! ([`MIN_ATTEMPT_TIMEOUT`](dns::MIN_ATTEMPT_TIMEOUT)), as glibc does. So one name asked
//! about takes at most
//!
//! `max(timeout, 1 s) x max(attempts, 1) x servers`
//!
//! (twice that with `single-request`, whose `A` and `AAAA` queries each get their own
//! attempts). A forward lookup may ask about several names (the search list, above): an
//! answer of "no such name", "no data" or `SERVFAIL` sends it on to the next, a server's
//! failure to answer ends it; its bound is that times the names tried. A reverse lookup asks
//! about one name. [`Resolver::connect`] with a timeout ends the lookup, attempts cut short, when the
//! timeout passes, and fails with [`Error::Timeout`].
//!
//! # Stack, not heap
//!
//! A lookup keeps up to [`MAX_ADDRS`] addresses, and a reply over TCP in a buffer of
//! [`TCP_REPLY_DEFAULT`](dns::TCP_REPLY_DEFAULT) bytes on the stack; a larger reply fails
//! with [`LookupCause::ReplyTooLarge`], never cut. [`Resolver::lookup_with`],
//! [`Resolver::lookup_addr_with`] and [`Resolver::connect_with`] take the caller's buffer
//! instead (of [`TCP_REPLY_MAX`](dns::TCP_REPLY_MAX) bytes to take any reply). Sorting two
//! IPv4 addresses or more reads the machine's address list through 8 KiB of stack (after
//! DNS, not on top of it).
//!
//! A thread of [`STACK_NEEDED`] bytes runs every path, measured in debug and release builds
//! (see there how); on `no_std` targets without a guard page an overflow corrupts memory
//! silently.
//!
//! # Errors
//!
//! A forward lookup fails with [`ResolveError::Lookup`] (Python's `gaierror`), a reverse one with
//! [`ResolveError::Host`] (`herror`); each carries the kind a program branches on and the cause a
//! person reads:
//!
//! | kind | when |
//! |---|---|
//! | [`NoName`](crate::LookupErrorKind::NoName) | `NXDOMAIN` for every name tried; a numeric host asked for and not given |
//! | [`NoData`](crate::LookupErrorKind::NoData) | the name exists, without an address of the family |
//! | [`TryAgain`](crate::LookupErrorKind::TryAgain) | no server answered in time, over UDP or TCP; a server closed its TCP connection early; `SERVFAIL`; a file could not be read for want of resources (`EMFILE`, `ENFILE`, `ENOMEM`, `ENOBUFS`, `EAGAIN`: cause [`LookupCause::Os`]) |
//! | [`Failed`](crate::LookupErrorKind::Failed) | `REFUSED`, `FORMERR`, `NOTIMP`; a malformed reply; a reply over TCP with another id or question, or larger than its buffer; a file could not be read for another reason (`EIO`, a path the kernel refuses: cause [`LookupCause::Os`]) |
//! | [`Family`](crate::LookupErrorKind::Family) | a family other than IPv4/IPv6; a numeric address of the other family |
//! | [`Service`](crate::LookupErrorKind::Service) | a service name not in the services file for the protocol |
//! | [`SocketType`](crate::LookupErrorKind::SocketType) | a socket type other than stream, datagram or raw |
//!
//! A hosts, services or resolv.conf file that is missing or cannot be read because of what
//! the file system holds (it is a directory, access is denied, a symbolic-link loop...) is
//! not an error: it reads as empty, so a name not found in an unreadable hosts file is asked
//! of DNS, as glibc does ([`Scan::unread`] names the reasons).

mod addr_list;
mod conf;
mod connect;
pub mod dns;
mod file;
mod forward;
mod hosts;
mod ifaddr;
mod name;
mod name_info;
mod reverse;
mod services;
mod sort;
mod stack;
mod wire;

use core::net::{IpAddr, Ipv4Addr, SocketAddr};
use core::sync::atomic::{AtomicUsize, Ordering};

pub use crate::error::{
    HostError, HostErrorKind, LookupCause, LookupError, LookupErrorKind, NameError, ResolveError,
    WireError,
};
pub use conf::ResolvConf;
pub use connect::{ATTEMPT_DELAY, MAX_ATTEMPTS_IN_FLIGHT};
pub use file::Scan;
pub use name::{DomainName, Labels, LABEL_MAX, NAME_MAX};
pub use name_info::{NameInfo, NameInfoFlags};
pub use services::{Service, ServiceName, SERVICE_NAME_MAX};
pub use stack::STACK_NEEDED;

use crate::{Error, Family, Protocol, Result, Type};

/// Not API: the parsers behind the resolver (the hosts and services files, resolv.conf, DNS
/// messages), for the fuzz targets in `fuzz/` and the crate's own tests. Hidden from the
/// documentation, outside semver, and free to change in any release.
#[doc(hidden)]
pub mod __private {
    /// The DNS message codec.
    pub mod wire {
        pub use crate::resolve::wire::*;
    }
    /// The hosts file.
    pub mod hosts {
        pub use crate::resolve::hosts::*;
    }
    /// The services file.
    pub mod services {
        pub use crate::resolve::services::*;
    }
    /// resolv.conf.
    pub mod conf {
        pub use crate::resolve::conf::*;
    }
}
use addr_list::AddrList;
use dns::ClientConf;
use file::{file_error, host_file_error};

/// The most distinct addresses one lookup keeps; more are counted in [`Lookup::more`].
pub const MAX_ADDRS: usize = 64;

/// The files a [`Resolver`] reads. [`Paths::SYSTEM`] names the usual ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Paths<'a> {
    /// The hosts database (hosts(5)).
    pub hosts: &'a str,
    /// The resolver configuration (resolv.conf(5)).
    pub resolv_conf: &'a str,
    /// The services database (services(5)).
    pub services: &'a str,
}

impl Paths<'static> {
    /// `/etc/hosts`, `/etc/resolv.conf`, `/etc/services`.
    pub const SYSTEM: Paths<'static> = Paths {
        hosts: "/etc/hosts",
        resolv_conf: "/etc/resolv.conf",
        services: "/etc/services",
    };
}

/// What a forward lookup should return (the `hints` of `getaddrinfo`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Hints {
    /// [`Family::INET`] or [`Family::INET6`] for one family only; `None` for both
    /// (`AF_UNSPEC`).
    pub family: Option<Family>,
    /// One socket type ([`Type::STREAM`], [`Type::DGRAM`], [`Type::RAW`]); `None` for each
    /// of them, as `getaddrinfo` gives every address once per type.
    pub socket_type: Option<Type>,
    /// Without a host: the wildcard addresses, for a server's `bind` (`AI_PASSIVE`), rather
    /// than the loopback ones.
    pub passive: bool,
    /// The host must be a numeric address: no hosts file, no DNS (`AI_NUMERICHOST`).
    pub numeric_host: bool,
    /// The service must be a port number: no services file (`AI_NUMERICSERV`).
    pub numeric_service: bool,
    /// Report the host's canonical name (`AI_CANONNAME`): the end of its alias chain in DNS,
    /// or the first name on its hosts-file line.
    pub canonical_name: bool,
}

/// One result of a forward lookup: an address to `connect` or `bind` to, and the socket to
/// make for it (the fields of an `addrinfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AddrInfo {
    /// The address, with the port.
    pub addr: SocketAddr,
    /// The socket type.
    pub socket_type: Type,
    /// The protocol: TCP for streams, UDP for datagrams, 0 for raw sockets.
    pub protocol: Protocol,
}

impl AddrInfo {
    /// A placeholder to fill arrays with before a lookup (`0.0.0.0:0`, stream).
    pub const EMPTY: AddrInfo = AddrInfo {
        addr: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0),
        socket_type: Type::STREAM,
        protocol: Protocol::DEFAULT,
    };

    /// The address family of [`addr`](AddrInfo::addr).
    pub const fn family(&self) -> Family {
        Family::of_ip(&self.addr)
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for AddrInfo {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "AddrInfo {{ addr: {}, socket_type: {}, protocol: {} }}",
            defmt::Display2Format(&self.addr),
            self.socket_type,
            self.protocol
        )
    }
}

/// What a forward lookup wrote: how many results, how many more did not fit, and the
/// canonical name when it was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Lookup {
    len: usize,
    more: usize,
    canonical: Option<DomainName>,
}

impl Lookup {
    /// How many results were written to the front of the buffer.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written (only when the buffer was empty: a lookup that finds
    /// nothing fails).
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many more results there were than the buffer (or [`MAX_ADDRS`]) held. Nothing is
    /// dropped silently: when this is not 0, a larger buffer gets them.
    pub const fn more(&self) -> usize {
        self.more
    }

    /// The canonical name, if [`Hints::canonical_name`] asked for it.
    pub const fn canonical_name(&self) -> Option<&DomainName> {
        self.canonical.as_ref()
    }

    /// The results in `out`, the buffer given to the lookup.
    pub fn results<'b>(&self, out: &'b [AddrInfo]) -> &'b [AddrInfo] {
        &out[..self.len.min(out.len())]
    }
}

/// A resolver: a loaded resolv.conf and the paths of the databases.
///
/// Make one with [`Resolver::system`] and keep it: each lookup reads the hosts and services
/// files afresh (they are small and change), but resolv.conf only here.
#[derive(Debug)]
pub struct Resolver<'a> {
    conf: ResolvConf,
    paths: Paths<'a>,
    /// The next server to ask first, for `options rotate`.
    next: AtomicUsize,
}

impl Resolver<'static> {
    /// A resolver over `/etc`: reads `/etc/resolv.conf` now (a missing file gives the
    /// defaults: the name server on 127.0.0.1, the local domain as search list).
    pub fn system() -> Result<Resolver<'static>> {
        Resolver::with_paths(Paths::SYSTEM)
    }
}

impl<'a> Resolver<'a> {
    /// A resolver over the files `paths` names; reads resolv.conf now.
    ///
    /// ```
    /// use baresock::resolve::{AddrInfo, Hints, Paths, Resolver};
    ///
    /// // A hosts file of our own: tests and sandboxes need no /etc.
    /// let dir = std::env::temp_dir().join(format!("baresock-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let hosts = dir.join("hosts");
    /// std::fs::write(&hosts, "10.1.2.3 printer.lan printer\n").unwrap();
    /// let nothing = dir.join("none");
    /// let r = Resolver::with_paths(Paths {
    ///     hosts: hosts.to_str().unwrap(),
    ///     resolv_conf: nothing.to_str().unwrap(),
    ///     services: nothing.to_str().unwrap(),
    /// })?;
    /// let mut out = [AddrInfo::EMPTY; 4];
    /// let found = r.lookup(Some("printer"), None, &Hints::default(), &mut out)?;
    /// assert_eq!(found.results(&out)[0].addr.ip().to_string(), "10.1.2.3");
    /// assert_eq!(r.lookup_addr("10.1.2.3".parse().unwrap())?.to_string(), "printer.lan");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn with_paths(paths: Paths<'a>) -> Result<Resolver<'a>> {
        Ok(Resolver::new(ResolvConf::load(paths.resolv_conf)?, paths))
    }

    /// A resolver with a configuration made in code; `paths.resolv_conf` is not read.
    pub fn new(conf: ResolvConf, paths: Paths<'a>) -> Resolver<'a> {
        Resolver {
            conf,
            paths,
            next: AtomicUsize::new(0),
        }
    }

    /// The configuration in use.
    pub fn conf(&self) -> &ResolvConf {
        &self.conf
    }

    /// The files read.
    pub fn paths(&self) -> Paths<'a> {
        self.paths
    }
    /// The DNS client's settings, with the first server rotated if asked.
    fn client(&self, end_ns: u64) -> ClientConf<'_> {
        let servers = self.conf.nameservers();
        let first = if self.conf.rotate() && !servers.is_empty() {
            self.next.fetch_add(1, Ordering::Relaxed) % servers.len()
        } else {
            0
        };
        ClientConf {
            servers,
            first,
            timeout: self.conf.timeout(),
            attempts: self.conf.attempts(),
            end_ns,
            edns0: self.conf.edns0(),
            use_vc: self.conf.use_vc(),
            single_request: self.conf.single_request() || self.conf.single_request_reopen(),
        }
    }
}

/// [`Resolver::lookup`] with the system's files (`getaddrinfo`). Reads `/etc/resolv.conf`
/// on each call, as musl does; keep a [`Resolver`] to read it once.
///
/// ```
/// use baresock::resolve::{lookup, AddrInfo, Hints};
/// use baresock::Type;
///
/// // A numeric host needs no file and no server.
/// let hints = Hints { socket_type: Some(Type::STREAM), ..Hints::default() };
/// let mut out = [AddrInfo::EMPTY; 4];
/// let found = lookup(Some("127.0.0.1"), Some("8080"), &hints, &mut out)?;
/// assert_eq!(found.results(&out)[0].addr, "127.0.0.1:8080".parse().unwrap());
/// # Ok::<(), baresock::Error>(())
/// ```
pub fn lookup(
    host: Option<&str>,
    service: Option<&str>,
    hints: &Hints,
    out: &mut [AddrInfo],
) -> Result<Lookup> {
    Resolver::system()
        .map_err(file_error)?
        .lookup(host, service, hints, out)
}

/// [`Resolver::lookup_addr`] with the system's files (`gethostbyaddr`).
///
/// ```
/// use baresock::resolve::lookup_addr;
/// // From /etc/hosts where it names 127.0.0.1 (Debian's does: `localhost`).
/// if let Ok(name) = lookup_addr("127.0.0.1".parse().unwrap()) {
///     println!("127.0.0.1 is {name}");
/// }
/// # Ok::<(), baresock::Error>(())
/// ```
pub fn lookup_addr(ip: IpAddr) -> Result<DomainName> {
    Resolver::system().map_err(host_file_error)?.lookup_addr(ip)
}

/// [`Resolver::connect`] with the system's files (Python's `create_connection` with a host
/// name).
///
/// ```
/// use baresock::{resolve, TcpListener};
/// use core::time::Duration;
///
/// let listener = TcpListener::bind("127.0.0.1:0")?;
/// let port = listener.local_addr()?.port();
/// let stream = resolve::connect("127.0.0.1", port, Some(Duration::from_secs(5)), None)?;
/// assert_eq!(stream.peer_addr()?.port(), port);
/// # Ok::<(), baresock::Error>(())
/// ```
pub fn connect(
    host: &str,
    port: u16,
    timeout: Option<core::time::Duration>,
    source: Option<SocketAddr>,
) -> Result<crate::TcpStream> {
    Resolver::system()?.connect(host, port, timeout, source)
}

/// A forward-lookup error.
const fn gai(kind: LookupErrorKind, cause: LookupCause) -> Error {
    Error::Resolve(ResolveError::Lookup(LookupError::new(kind, cause)))
}

/// Why `text` is not a domain name.
fn invalid_name(text: &str) -> LookupCause {
    match DomainName::new(text) {
        Err(Error::Resolve(ResolveError::InvalidName(e))) => LookupCause::InvalidName(e),
        _ => LookupCause::InvalidName(NameError::Empty),
    }
}
