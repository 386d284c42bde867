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
//! let hints = Hints { socket_type: Some(Type::Stream), ..Hints::default() };
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
//! files (the [`hosts`] module lists the few differences), and each address is given once.
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
//! `max(timeout, 1 s) x attempts x servers`
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
//! A forward lookup fails with [`Error::Resolve`] (Python's `gaierror`), a reverse one with
//! [`Error::Host`] (`herror`); each carries the kind a program branches on and the cause a
//! person reads:
//!
//! | kind | when |
//! |---|---|
//! | [`NoName`](crate::ResolveErrorKind::NoName) | `NXDOMAIN` for every name tried; a numeric host asked for and not given |
//! | [`NoData`](crate::ResolveErrorKind::NoData) | the name exists, without an address of the family |
//! | [`TryAgain`](crate::ResolveErrorKind::TryAgain) | no server answered in time, over UDP or TCP; a server closed its TCP connection early; `SERVFAIL`; a file could not be read for want of resources (`EMFILE`, `ENFILE`, `ENOMEM`, `ENOBUFS`, `EAGAIN`: cause [`LookupCause::Os`]) |
//! | [`Failed`](crate::ResolveErrorKind::Failed) | `REFUSED`, `FORMERR`, `NOTIMP`; a malformed reply; a reply over TCP with another id or question, or larger than its buffer; a file could not be read for another reason (`EIO`, a path the kernel refuses: cause [`LookupCause::Os`]) |
//! | [`Family`](crate::ResolveErrorKind::Family) | a family other than IPv4/IPv6; a numeric address of the other family |
//! | [`Service`](crate::ResolveErrorKind::Service) | a service name not in the services file for the protocol |
//! | [`SocketType`](crate::ResolveErrorKind::SocketType) | a socket type other than stream, datagram or raw |
//!
//! A hosts, services or resolv.conf file that is missing or cannot be read because of what
//! the file system holds (it is a directory, access is denied, a symbolic-link loop...) is
//! not an error: it reads as empty, so a name not found in an unreadable hosts file is asked
//! of DNS, as glibc does ([`Scan::unread`] names the reasons).

pub mod conf;
mod connect;
pub mod dns;
mod file;
pub mod hosts;
mod ifaddr;
mod name;
pub mod services;
mod sort;
mod stack;
pub mod wire;

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr as InetAddr, SocketAddrV6};
use core::ops::ControlFlow;
use core::sync::atomic::{AtomicUsize, Ordering};

pub use conf::ResolvConf;
pub use connect::{ATTEMPT_DELAY, MAX_ATTEMPTS_IN_FLIGHT};
pub use file::Scan;
pub use name::{DomainName, Labels, NameError, LABEL_MAX, NAME_MAX};
pub use services::{Service, ServiceName};
pub use stack::STACK_NEEDED;

use crate::{
    Error, Family, HostError, HostErrorKind, LookupCause, Protocol, ResolveError, ResolveErrorKind,
    Result, Type,
};
use dns::{ClientConf, NameOutcome, Sink};
use file::{file_error, host_file_error};
use wire::RecordType;

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
    /// [`Family::Inet`] or [`Family::Inet6`] for one family only; `None` for both
    /// (`AF_UNSPEC`).
    pub family: Option<Family>,
    /// One socket type ([`Type::Stream`], [`Type::Dgram`], [`Type::Raw`]); `None` for each
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
    pub addr: InetAddr,
    /// The socket type.
    pub socket_type: Type,
    /// The protocol: TCP for streams, UDP for datagrams, 0 for raw sockets.
    pub protocol: Protocol,
}

impl AddrInfo {
    /// A placeholder to fill arrays with before a lookup (`0.0.0.0:0`, stream).
    pub const EMPTY: AddrInfo = AddrInfo {
        addr: InetAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0),
        socket_type: Type::Stream,
        protocol: Protocol::DEFAULT,
    };

    /// The address family of [`addr`](AddrInfo::addr).
    pub const fn family(&self) -> Family {
        match self.addr {
            InetAddr::V4(_) => Family::Inet,
            InetAddr::V6(_) => Family::Inet6,
        }
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

    /// Forward lookup (`getaddrinfo`): the addresses of `host` with the port of `service`,
    /// written to `out` in the order to try them (RFC 6724), once per socket type.
    ///
    /// `host` is a name or a numeric address (IPv6 with an optional `%scope`, an interface
    /// name or number); `None` gives the loopback addresses, or with
    /// [`passive`](Hints::passive) the wildcard ones. `service` is a port number or a name
    /// from the services file; `None` gives port 0. When `out` is too small, the results
    /// that fit are written and [`Lookup::more`] says how many more there were. A reply over
    /// TCP goes to a stack buffer of [`TCP_REPLY_DEFAULT`](dns::TCP_REPLY_DEFAULT) bytes
    /// ([`lookup_with`](Self::lookup_with) takes yours); how long it takes at most, and how
    /// much stack, the [module docs](self#time) say.
    ///
    /// Fails with [`Error::Resolve`]; see the [module docs](self) for the kinds.
    ///
    /// ```
    /// use baresock::resolve::{AddrInfo, Hints, Paths, Resolver, ResolvConf};
    /// use baresock::{Family, Type};
    ///
    /// // Numeric hosts and ports need no file and no server.
    /// let resolver = Resolver::new(ResolvConf::default(), Paths::SYSTEM);
    /// let hints = Hints { socket_type: Some(Type::Dgram), ..Hints::default() };
    /// let mut out = [AddrInfo::EMPTY; 4];
    /// let found = resolver.lookup(Some("::1"), Some("53"), &hints, &mut out)?;
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(out[0].addr, "[::1]:53".parse().unwrap());
    /// assert_eq!(out[0].family(), Family::Inet6);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn lookup(
        &self,
        host: Option<&str>,
        service: Option<&str>,
        hints: &Hints,
        out: &mut [AddrInfo],
    ) -> Result<Lookup> {
        self.lookup_in(host, service, hints, out, None, u64::MAX)
    }

    /// [`lookup`](Self::lookup), a reply over TCP going to `tcp` (else to a stack buffer of
    /// [`TCP_REPLY_DEFAULT`] bytes), the whole ending by `end_ns` on `CLOCK_MONOTONIC`.
    fn lookup_in(
        &self,
        host: Option<&str>,
        service: Option<&str>,
        hints: &Hints,
        out: &mut [AddrInfo],
        tcp: Option<&mut [u8]>,
        end_ns: u64,
    ) -> Result<Lookup> {
        let (want_v4, want_v6) = match hints.family {
            None => (true, true),
            Some(Family::Inet) => (true, false),
            Some(Family::Inet6) => (false, true),
            Some(_) => {
                return Err(gai(
                    ResolveErrorKind::Family,
                    LookupCause::UnsupportedFamily,
                ))
            }
        };
        let types = self.socket_types(service, hints)?;
        let mut found = AddrList::new(want_v4, want_v6);
        let mut canonical = None;
        match host {
            None => {
                let (v6, v4) = if hints.passive {
                    (Ipv6Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED)
                } else {
                    (Ipv6Addr::LOCALHOST, Ipv4Addr::LOCALHOST)
                };
                found.address(IpAddr::V6(v6));
                found.address(IpAddr::V4(v4));
            }
            Some(text) => match parse_numeric(text) {
                Some(Ok((ip, scope))) => {
                    if !found.wants(&ip) {
                        return Err(gai(ResolveErrorKind::Family, LookupCause::FamilyMismatch));
                    }
                    found.address(ip);
                    found.scope = scope;
                    canonical = DomainName::new(text).ok();
                }
                Some(Err(e)) => return Err(e),
                None if hints.numeric_host => {
                    return Err(gai(ResolveErrorKind::NoName, LookupCause::NotNumeric))
                }
                None => canonical = Some(self.lookup_name(text, &mut found, tcp, end_ns)?),
            },
        }
        if found.len == 0 {
            return Err(gai(ResolveErrorKind::NoData, LookupCause::NoRecords));
        }
        let mut candidates = [sort::Candidate::UNSET; MAX_ADDRS];
        let candidates = &mut candidates[..found.len];
        for (c, &ip) in candidates.iter_mut().zip(&found.ips[..found.len]) {
            *c = sort::Candidate::probe(found.socket_addr(ip, 0));
        }
        if candidates.len() > 1 {
            sort::learn_prefixes(candidates);
            sort::sort(candidates);
        }
        let mut written = 0;
        let types = types.as_slice();
        let mut more = found.more * types.len();
        for c in candidates.iter() {
            for &(socket_type, protocol, port) in types {
                let mut addr = c.dst;
                addr.set_port(port);
                match out.get_mut(written) {
                    Some(slot) => {
                        *slot = AddrInfo {
                            addr,
                            socket_type,
                            protocol,
                        };
                        written += 1;
                    }
                    None => more += 1,
                }
            }
        }
        Ok(Lookup {
            len: written,
            more,
            canonical: if hints.canonical_name {
                canonical
            } else {
                None
            },
        })
    }

    /// The socket types to return, each with its protocol and port.
    fn socket_types(&self, service: Option<&str>, hints: &Hints) -> Result<Types> {
        let all = [
            (Type::Stream, Protocol::TCP, "tcp"),
            (Type::Dgram, Protocol::UDP, "udp"),
            (Type::Raw, Protocol::DEFAULT, ""),
        ];
        if let Some(t) = hints.socket_type {
            if !all.iter().any(|&(ty, ..)| ty == t) {
                return Err(gai(
                    ResolveErrorKind::SocketType,
                    LookupCause::UnsupportedType,
                ));
            }
        }
        let numeric = match service {
            None => Some(0),
            Some(s) => s.parse::<u16>().ok(),
        };
        if numeric.is_none() && hints.numeric_service {
            return Err(gai(ResolveErrorKind::NoName, LookupCause::NotNumeric));
        }
        let mut out = Types {
            list: [(Type::Stream, Protocol::DEFAULT, 0); 3],
            len: 0,
        };
        for (ty, protocol, proto_name) in all {
            if hints.socket_type.is_some_and(|t| t != ty) {
                continue;
            }
            let port = match (numeric, service) {
                (Some(p), _) => p,
                // A named service has no port for raw sockets (glibc skips them).
                (None, _) if proto_name.is_empty() => continue,
                (None, Some(name)) => {
                    match services::by_name_file(self.paths.services, name, Some(proto_name))
                        .map_err(file_error)?
                    {
                        (Some(service), _) => service.port(),
                        (None, _) => continue,
                    }
                }
                (None, None) => 0,
            };
            out.list[out.len] = (ty, protocol, port);
            out.len += 1;
        }
        if out.len == 0 {
            return Err(gai(ResolveErrorKind::Service, LookupCause::UnknownService));
        }
        Ok(out)
    }

    /// The hosts file, then DNS with the search list; returns the canonical name.
    fn lookup_name(
        &self,
        text: &str,
        found: &mut AddrList,
        mut tcp: Option<&mut [u8]>,
        end_ns: u64,
    ) -> Result<DomainName> {
        let name =
            DomainName::new(text).map_err(|_| gai(ResolveErrorKind::NoName, invalid_name(text)))?;
        let mut from_hosts = None;
        // An IPv4-only lookup reads lines as glibc does for AF_INET: `::ffff:a.b.c.d` as
        // `a.b.c.d`, `::1` as 127.0.0.1, other IPv6 lines not at all.
        let v4_only = found.want_v4 && !found.want_v6;
        hosts::by_name_file(self.paths.hosts, &name, |ip, canonical| {
            let ip = match (v4_only, ip) {
                (true, IpAddr::V6(_)) => match hosts::ipv4_form(ip) {
                    Some(v4) => IpAddr::V4(v4),
                    None => return ControlFlow::Continue(()),
                },
                _ => ip,
            };
            if found.wants(&ip) {
                from_hosts.get_or_insert(*canonical);
                found.address(ip);
            }
            ControlFlow::Continue(())
        })
        .map_err(file_error)?;
        if let Some(canonical) = from_hosts {
            return Ok(canonical);
        }
        let mut qtypes = [RecordType::A; 2];
        let mut n = 0;
        if found.want_v4 {
            n += 1;
        }
        if found.want_v6 && !self.conf.no_aaaa() {
            qtypes[n] = RecordType::AAAA;
            n += 1;
        }
        let qtypes = &qtypes[..n];
        if qtypes.is_empty() {
            return Err(gai(ResolveErrorKind::NoData, LookupCause::NoRecords));
        }
        let client = self.client(end_ns);
        let (mut nodata, mut servfail) = (false, false);
        for candidate in self.candidates(text, &name) {
            let Ok(candidate) = candidate else { continue };
            match dns::lookup_name(&client, &candidate, qtypes, found, tcp.as_deref_mut()) {
                NameOutcome::Found { canonical } => return Ok(canonical),
                NameOutcome::NxDomain => {}
                NameOutcome::NoData => nodata = true,
                NameOutcome::ServFail => servfail = true,
                NameOutcome::Fail(f) => {
                    let kind = if f.temporary {
                        ResolveErrorKind::TryAgain
                    } else {
                        ResolveErrorKind::Failed
                    };
                    return Err(gai(kind, f.cause));
                }
            }
        }
        // As glibc's res_nsearch: a name that exists somewhere wins over a failure, which
        // wins over "no such name".
        Err(if nodata {
            gai(ResolveErrorKind::NoData, LookupCause::NoRecords)
        } else if servfail {
            gai(ResolveErrorKind::TryAgain, LookupCause::Rcode(2))
        } else {
            gai(ResolveErrorKind::NoName, LookupCause::NxDomain)
        })
    }

    /// The names to ask DNS about, in order (resolv.conf(5) `ndots` and `search`).
    fn candidates<'s>(
        &'s self,
        text: &str,
        name: &'s DomainName,
    ) -> impl Iterator<Item = Result<DomainName>> + 's {
        let absolute = text.ends_with('.');
        let dots = text
            .trim_end_matches('.')
            .bytes()
            .filter(|&b| b == b'.')
            .count();
        let as_is_first = absolute || dots >= self.conf.ndots() as usize;
        let search = self
            .conf
            .search()
            .iter()
            .filter(move |_| !absolute)
            .map(move |domain| name.join(domain));
        // As glibc: the name as it is goes last when it has too few dots, and not at all for
        // a single label under `no-tld-query`.
        let skip_tld = dots == 0 && !absolute && self.conf.no_tld_query();
        let first = as_is_first.then_some(Ok(*name));
        let last = (!as_is_first && !skip_tld).then_some(Ok(*name));
        first.into_iter().chain(search).chain(last)
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

    /// Reverse lookup (`gethostbyaddr`): the name of `ip`, from the hosts file (lines read
    /// as glibc reads them: see [`hosts::by_addr`]), else from DNS (`PTR` under
    /// `in-addr.arpa` or `ip6.arpa`; an IPv4-mapped IPv6 address is looked up as its IPv4
    /// address).
    ///
    /// Fails with [`Error::Host`]: [`NotFound`](HostErrorKind::NotFound) when no name is
    /// known, [`TryAgain`](HostErrorKind::TryAgain) when no server answered (or the hosts
    /// file could not be read for want of resources),
    /// [`NoRecovery`](HostErrorKind::NoRecovery) when one refused or answered garbage (or the
    /// hosts file could not be read for another reason than those that make it read as empty;
    /// the cause is then [`LookupCause::Os`]). A reply over TCP goes to a stack buffer
    /// ([`lookup_addr_with`](Self::lookup_addr_with) takes yours).
    ///
    /// ```no_run
    /// use baresock::resolve::Resolver;
    /// let name = Resolver::system()?.lookup_addr("127.0.0.1".parse().unwrap())?;
    /// println!("{name}");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn lookup_addr(&self, ip: IpAddr) -> Result<DomainName> {
        self.lookup_addr_in(ip, None)
    }

    /// [`lookup_addr`](Self::lookup_addr), a reply over TCP going to `tcp` if given.
    fn lookup_addr_in(&self, ip: IpAddr, tcp: Option<&mut [u8]>) -> Result<DomainName> {
        if let (Some(name), _) =
            hosts::by_addr_file(self.paths.hosts, ip).map_err(host_file_error)?
        {
            return Ok(name);
        }
        // In DNS, an IPv4-mapped IPv6 address is the IPv4 address (as glibc's DNS module).
        let ip = ip.to_canonical();
        struct First(Option<DomainName>);
        impl Sink for First {
            fn name(&mut self, name: DomainName) {
                self.0.get_or_insert(name);
            }
        }
        let mut first = First(None);
        let client = self.client(u64::MAX);
        let outcome = dns::lookup_name(
            &client,
            &wire::reverse_name(ip),
            &[RecordType::PTR],
            &mut first,
            tcp,
        );
        let herr = |kind, cause| Error::Host(HostError::new(kind, cause));
        match (outcome, first.0) {
            (NameOutcome::Found { .. }, Some(name)) => Ok(name),
            (NameOutcome::Found { .. } | NameOutcome::NoData, _) => {
                Err(herr(HostErrorKind::NoData, LookupCause::NoRecords))
            }
            (NameOutcome::NxDomain, _) => Err(herr(HostErrorKind::NotFound, LookupCause::NxDomain)),
            (NameOutcome::ServFail, _) => Err(herr(HostErrorKind::TryAgain, LookupCause::Rcode(2))),
            (NameOutcome::Fail(f), _) if f.temporary => Err(herr(HostErrorKind::TryAgain, f.cause)),
            (NameOutcome::Fail(f), _) => Err(herr(HostErrorKind::NoRecovery, f.cause)),
        }
    }
}

impl Resolver<'_> {
    /// The port of a service (`getservbyname`): `name` (or an alias) for `protocol` (`"tcp"`,
    /// `"udp"`...; `None` for the first line of any), from the services file.
    ///
    /// Fails with [`Error::Resolve`] of kind [`Service`](ResolveErrorKind::Service) when the
    /// file has no such service (a file that cannot be read is empty: see the
    /// [module docs](self#errors)); [`TryAgain`](ResolveErrorKind::TryAgain) or
    /// [`Failed`](ResolveErrorKind::Failed) with the errno as the cause when reading it fails
    /// otherwise.
    ///
    /// ```
    /// use baresock::resolve::Resolver;
    /// // Debian's /etc/services names port 53 "domain"; a system without the file has none.
    /// if let Ok(port) = Resolver::system()?.service_port("domain", Some("udp")) {
    ///     assert_eq!(port, 53);
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn service_port(&self, name: &str, protocol: Option<&str>) -> Result<u16> {
        match services::by_name_file(self.paths.services, name, protocol).map_err(file_error)? {
            (Some(service), _) => Ok(service.port()),
            (None, _) => Err(gai(ResolveErrorKind::Service, LookupCause::UnknownService)),
        }
    }

    /// The service on a port (`getservbyport`), from the services file: its official name
    /// and protocol. Fails as [`service_port`](Resolver::service_port).
    ///
    /// ```
    /// use baresock::resolve::{Paths, ResolvConf, Resolver};
    ///
    /// let dir = std::env::temp_dir().join(format!("baresock-doc-svc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let services = dir.join("services");
    /// std::fs::write(&services, "http 80/tcp www\nntp 123/udp\n").unwrap();
    /// let paths = Paths { services: services.to_str().unwrap(), ..Paths::SYSTEM };
    /// let r = Resolver::new(ResolvConf::default(), paths);
    /// assert_eq!(r.service_name(80, Some("tcp"))?.name().as_str(), Some("http"));
    /// assert_eq!(r.service_port("www", None)?, 80);
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn service_name(&self, port: u16, protocol: Option<&str>) -> Result<Service> {
        match services::by_port_file(self.paths.services, port, protocol).map_err(file_error)? {
            (Some(service), _) => Ok(service),
            (None, _) => Err(gai(ResolveErrorKind::Service, LookupCause::UnknownService)),
        }
    }

    /// Names for an address and port (`getnameinfo`): the host's name by reverse lookup
    /// ([`lookup_addr`](Resolver::lookup_addr)) and the port's service name, each `None`
    /// where the numeric form stands (asked for, or no name known).
    ///
    /// Fails with [`Error::Resolve`] of kind [`NoName`](ResolveErrorKind::NoName) when
    /// [`name_required`](NameInfoFlags::name_required) is set and no name is known, or
    /// [`TryAgain`](ResolveErrorKind::TryAgain)/[`Failed`](ResolveErrorKind::Failed) when the
    /// reverse lookup could not be done (`getnameinfo` does not hide those either).
    ///
    /// ```
    /// use baresock::resolve::{NameInfoFlags, Paths, Resolver, ResolvConf};
    /// let r = Resolver::new(ResolvConf::default(), Paths::SYSTEM);
    /// let numeric = NameInfoFlags { numeric_host: true, numeric_service: true, ..Default::default() };
    /// let info = r.name_info("192.0.2.1:80".parse().unwrap(), numeric)?;
    /// assert_eq!((info.host, info.service), (None, None));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn name_info(&self, addr: InetAddr, flags: NameInfoFlags) -> Result<NameInfo> {
        let host = if flags.numeric_host {
            None
        } else {
            match self.lookup_addr(addr.ip()) {
                Ok(name) => Some(name),
                Err(Error::Host(h)) => match h.kind() {
                    HostErrorKind::NotFound | HostErrorKind::NoData => None,
                    HostErrorKind::TryAgain => {
                        return Err(gai(ResolveErrorKind::TryAgain, h.cause()))
                    }
                    _ => return Err(gai(ResolveErrorKind::Failed, h.cause())),
                },
                Err(e) => return Err(e),
            }
        };
        if host.is_none() && flags.name_required {
            return Err(gai(ResolveErrorKind::NoName, LookupCause::NxDomain));
        }
        let service = if flags.numeric_service {
            None
        } else {
            let protocol = if flags.datagram { "udp" } else { "tcp" };
            self.service_name(addr.port(), Some(protocol))
                .ok()
                .map(|s| *s.name())
        };
        Ok(NameInfo { host, service })
    }
}

/// What [`Resolver::name_info`] should do (the flags of `getnameinfo`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NameInfoFlags {
    /// Never look the host up: its numeric form stands (`NI_NUMERICHOST`).
    pub numeric_host: bool,
    /// Never look the port up (`NI_NUMERICSERV`).
    pub numeric_service: bool,
    /// Fail when the host has no name, rather than give the numeric form (`NI_NAMEREQD`).
    pub name_required: bool,
    /// The service is a datagram one: look it up for UDP, not TCP (`NI_DGRAM`).
    pub datagram: bool,
}

/// The names [`Resolver::name_info`] found; `None` where the numeric form stands (write the
/// address or the port yourself, as `Display` does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NameInfo {
    /// The host's name.
    pub host: Option<DomainName>,
    /// The port's service name.
    pub service: Option<ServiceName>,
}

/// [`Resolver::lookup`] with the system's files (`getaddrinfo`). Reads `/etc/resolv.conf`
/// on each call, as musl does; keep a [`Resolver`] to read it once.
///
/// ```
/// use baresock::resolve::{lookup, AddrInfo, Hints};
/// use baresock::Type;
///
/// // A numeric host needs no file and no server.
/// let hints = Hints { socket_type: Some(Type::Stream), ..Hints::default() };
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
/// let listener = TcpListener::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
/// let port = listener.local_addr()?.port();
/// let stream = resolve::connect("127.0.0.1", port, Some(Duration::from_secs(5)), None)?;
/// assert_eq!(stream.peer_addr()?.port(), port);
/// # Ok::<(), baresock::Error>(())
/// ```
pub fn connect(
    host: &str,
    port: u16,
    timeout: Option<core::time::Duration>,
    source: Option<InetAddr>,
) -> Result<crate::TcpStream> {
    Resolver::system()?.connect(host, port, timeout, source)
}

/// A forward-lookup error.
const fn gai(kind: ResolveErrorKind, cause: LookupCause) -> Error {
    Error::Resolve(ResolveError::new(kind, cause))
}

/// Why `text` is not a domain name.
fn invalid_name(text: &str) -> LookupCause {
    match DomainName::new(text) {
        Err(Error::InvalidName(e)) => LookupCause::InvalidName(e),
        _ => LookupCause::InvalidName(NameError::Empty),
    }
}

/// A numeric host: an IPv4 address in dotted-quad form, or an IPv6 address with an optional
/// `%scope` (an interface name or number). `None` when the text is neither; an error when
/// the scope names no interface.
fn parse_numeric(text: &str) -> Option<Result<(IpAddr, u32)>> {
    if let Ok(v4) = text.parse::<Ipv4Addr>() {
        return Some(Ok((IpAddr::V4(v4), 0)));
    }
    let (addr, scope) = match text.split_once('%') {
        Some((a, s)) => (a, Some(s)),
        None => (text, None),
    };
    let v6 = addr.parse::<Ipv6Addr>().ok()?;
    let scope = match scope {
        None => 0,
        Some(s) => match s.parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                match crate::ShortName::new(s.as_bytes()).and_then(|n| crate::interface_index(&n)) {
                    Ok(i) => i,
                    Err(_) => {
                        return Some(Err(gai(
                            ResolveErrorKind::NoName,
                            LookupCause::UnknownScope,
                        )))
                    }
                }
            }
        },
    };
    Some(Ok((IpAddr::V6(v6), scope)))
}

/// The socket types a lookup returns, each with its protocol and port (three at most).
struct Types {
    list: [(Type, Protocol, u16); 3],
    len: usize,
}

impl Types {
    fn as_slice(&self) -> &[(Type, Protocol, u16)] {
        &self.list[..self.len]
    }
}

/// The distinct addresses of a lookup, in the order found, of the families wanted.
struct AddrList {
    ips: [IpAddr; MAX_ADDRS],
    len: usize,
    /// Distinct addresses that did not fit.
    more: usize,
    want_v4: bool,
    want_v6: bool,
    /// The scope id of a numeric link-local IPv6 host.
    scope: u32,
}

impl AddrList {
    fn new(want_v4: bool, want_v6: bool) -> AddrList {
        AddrList {
            ips: [IpAddr::V4(Ipv4Addr::UNSPECIFIED); MAX_ADDRS],
            len: 0,
            more: 0,
            want_v4,
            want_v6,
            scope: 0,
        }
    }

    fn wants(&self, ip: &IpAddr) -> bool {
        match ip {
            IpAddr::V4(_) => self.want_v4,
            IpAddr::V6(_) => self.want_v6,
        }
    }

    /// The socket address of `ip`, with the scope id for a link-local one.
    fn socket_addr(&self, ip: IpAddr, port: u16) -> InetAddr {
        match ip {
            IpAddr::V6(v6) => InetAddr::V6(SocketAddrV6::new(v6, port, 0, self.scope)),
            v4 => InetAddr::new(v4, port),
        }
    }
}

impl Sink for AddrList {
    fn address(&mut self, ip: IpAddr) {
        if !self.wants(&ip) || self.ips[..self.len].contains(&ip) {
            return;
        }
        match self.ips.get_mut(self.len) {
            Some(slot) => {
                *slot = ip;
                self.len += 1;
            }
            None => self.more += 1,
        }
    }
}
