//! Services (`getservbyname`, `getservbyport`) and `getnameinfo`.

use crate::ResolveError;
use core::net::SocketAddr;

use super::file::file_error;
use super::{gai, services, DomainName, Resolver, Service, ServiceName};
use crate::{Error, HostErrorKind, LookupCause, LookupErrorKind, Result};

impl Resolver<'_> {
    /// The port of a service (`getservbyname`): `name` (or an alias) for `protocol` (`"tcp"`,
    /// `"udp"`...; `None` for the first line of any), from the services file.
    ///
    /// Fails with [`ResolveError::Lookup`] of kind [`Service`](LookupErrorKind::Service) when the
    /// file has no such service (a file that cannot be read is empty: see the
    /// [module docs](super#errors)); [`TryAgain`](LookupErrorKind::TryAgain) or
    /// [`Failed`](LookupErrorKind::Failed) with the errno as the cause when reading it fails
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
            (None, _) => Err(gai(LookupErrorKind::Service, LookupCause::UnknownService)),
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
            (None, _) => Err(gai(LookupErrorKind::Service, LookupCause::UnknownService)),
        }
    }

    /// Names for an address and port (`getnameinfo`): the host's name by reverse lookup
    /// ([`lookup_addr`](Resolver::lookup_addr)) and the port's service name, each `None`
    /// where the numeric form stands (asked for, or no name known).
    ///
    /// Fails with [`ResolveError::Lookup`] of kind [`NoName`](LookupErrorKind::NoName) when
    /// [`name_required`](NameInfoFlags::name_required) is set and no name is known, or
    /// [`TryAgain`](LookupErrorKind::TryAgain)/[`Failed`](LookupErrorKind::Failed) when the
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
    pub fn name_info(&self, addr: SocketAddr, flags: NameInfoFlags) -> Result<NameInfo> {
        let host = if flags.numeric_host {
            None
        } else {
            match self.lookup_addr(addr.ip()) {
                Ok(name) => Some(name),
                Err(Error::Resolve(ResolveError::Host(h))) => match h.kind() {
                    HostErrorKind::NotFound | HostErrorKind::NoData => None,
                    HostErrorKind::TryAgain => {
                        return Err(gai(LookupErrorKind::TryAgain, h.cause()))
                    }
                    _ => return Err(gai(LookupErrorKind::Failed, h.cause())),
                },
                Err(e) => return Err(e),
            }
        };
        if host.is_none() && flags.name_required {
            return Err(gai(LookupErrorKind::NoName, LookupCause::NxDomain));
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
