//! Forward lookups (`getaddrinfo`): numeric hosts, the hosts file, then DNS through the
//! search list; the socket types and ports a lookup returns.

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use core::ops::ControlFlow;

use super::dns::{self, NameOutcome, Sink};
use super::file::file_error;
use super::wire::RecordType;
use super::{
    gai, hosts, invalid_name, services, sort, AddrInfo, AddrList, DomainName, Hints, Lookup,
    Resolver, MAX_ADDRS,
};
use crate::{Family, LookupCause, LookupErrorKind, Protocol, Result, Type};

impl<'a> Resolver<'a> {
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
    /// much stack, the [module docs](super#time) say.
    ///
    /// Fails with [`ResolveError::Lookup`](crate::ResolveError::Lookup); see the [module
    /// docs](super) for the kinds.
    ///
    /// ```
    /// use baresock::resolve::{AddrInfo, Hints, Paths, Resolver, ResolvConf};
    /// use baresock::{Family, Type};
    ///
    /// // Numeric hosts and ports need no file and no server.
    /// let resolver = Resolver::new(ResolvConf::default(), Paths::SYSTEM);
    /// let hints = Hints { socket_type: Some(Type::DGRAM), ..Hints::default() };
    /// let mut out = [AddrInfo::EMPTY; 4];
    /// let found = resolver.lookup(Some("::1"), Some("53"), &hints, &mut out)?;
    /// assert_eq!(found.len(), 1);
    /// assert_eq!(out[0].addr, "[::1]:53".parse().unwrap());
    /// assert_eq!(out[0].family(), Family::INET6);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    /// [`ResolveError::Lookup`](crate::ResolveError::Lookup):
    /// crate::Error::Resolve(crate::ResolveError::Lookup)
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
    pub(super) fn lookup_in(
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
            Some(Family::INET) => (true, false),
            Some(Family::INET6) => (false, true),
            Some(_) => return Err(gai(LookupErrorKind::Family, LookupCause::UnsupportedFamily)),
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
                        return Err(gai(LookupErrorKind::Family, LookupCause::FamilyMismatch));
                    }
                    found.address(ip);
                    found.scope = scope;
                    canonical = DomainName::new(text).ok();
                }
                Some(Err(e)) => return Err(e),
                None if hints.numeric_host => {
                    return Err(gai(LookupErrorKind::NoName, LookupCause::NotNumeric))
                }
                None => canonical = Some(self.lookup_name(text, &mut found, tcp, end_ns)?),
            },
        }
        if found.len == 0 {
            return Err(gai(LookupErrorKind::NoData, LookupCause::NoRecords));
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
            (Type::STREAM, Protocol::TCP, "tcp"),
            (Type::DGRAM, Protocol::UDP, "udp"),
            (Type::RAW, Protocol::DEFAULT, ""),
        ];
        if let Some(t) = hints.socket_type {
            if !all.iter().any(|&(ty, ..)| ty == t) {
                return Err(gai(
                    LookupErrorKind::SocketType,
                    LookupCause::UnsupportedType,
                ));
            }
        }
        let numeric = match service {
            None => Some(0),
            Some(s) => s.parse::<u16>().ok(),
        };
        if numeric.is_none() && hints.numeric_service {
            return Err(gai(LookupErrorKind::NoName, LookupCause::NotNumeric));
        }
        let mut out = Types {
            list: [(Type::STREAM, Protocol::DEFAULT, 0); 3],
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
            return Err(gai(LookupErrorKind::Service, LookupCause::UnknownService));
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
            DomainName::new(text).map_err(|_| gai(LookupErrorKind::NoName, invalid_name(text)))?;
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
            return Err(gai(LookupErrorKind::NoData, LookupCause::NoRecords));
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
                        LookupErrorKind::TryAgain
                    } else {
                        LookupErrorKind::Failed
                    };
                    return Err(gai(kind, f.cause));
                }
            }
        }
        // As glibc's res_nsearch: a name that exists somewhere wins over a failure, which
        // wins over "no such name".
        Err(if nodata {
            gai(LookupErrorKind::NoData, LookupCause::NoRecords)
        } else if servfail {
            gai(LookupErrorKind::TryAgain, LookupCause::Rcode(2))
        } else {
            gai(LookupErrorKind::NoName, LookupCause::NxDomain)
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
            Err(_) => match crate::interface_index(s) {
                Ok(i) => i,
                Err(_) => {
                    return Some(Err(gai(LookupErrorKind::NoName, LookupCause::UnknownScope)))
                }
            },
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
