//! Reverse lookups (`gethostbyaddr`): the hosts file, then DNS (`PTR`).

use crate::ResolveError;
use core::net::IpAddr;

use super::dns::{self, NameOutcome, Sink};
use super::file::host_file_error;
use super::wire::{self, RecordType};
use super::{hosts, DomainName, Resolver};
use crate::{Error, HostError, HostErrorKind, LookupCause, Result};

impl<'a> Resolver<'a> {
    /// Reverse lookup (`gethostbyaddr`): the name of `ip`, from the hosts file (lines read
    /// as glibc reads them: see [`hosts::by_addr`]), else from DNS (`PTR` under
    /// `in-addr.arpa` or `ip6.arpa`; an IPv4-mapped IPv6 address is looked up as its IPv4
    /// address).
    ///
    /// Fails with [`ResolveError::Host`]: [`NotFound`](HostErrorKind::NotFound) when no name is
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
    pub(super) fn lookup_addr_in(&self, ip: IpAddr, tcp: Option<&mut [u8]>) -> Result<DomainName> {
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
        let herr = |kind, cause| Error::Resolve(ResolveError::Host(HostError::new(kind, cause)));
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
