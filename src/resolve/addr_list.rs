//! The distinct addresses a lookup gathers, of the families wanted.

use core::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV6};

use super::dns::Sink;
use super::MAX_ADDRS;

/// The distinct addresses of a lookup, in the order found, of the families wanted.
pub(super) struct AddrList {
    pub(super) ips: [IpAddr; MAX_ADDRS],
    pub(super) len: usize,
    /// Distinct addresses that did not fit.
    pub(super) more: usize,
    pub(super) want_v4: bool,
    pub(super) want_v6: bool,
    /// The scope id of a numeric link-local IPv6 host.
    pub(super) scope: u32,
}

impl AddrList {
    pub(super) fn new(want_v4: bool, want_v6: bool) -> AddrList {
        AddrList {
            ips: [IpAddr::V4(Ipv4Addr::UNSPECIFIED); MAX_ADDRS],
            len: 0,
            more: 0,
            want_v4,
            want_v6,
            scope: 0,
        }
    }

    pub(super) fn wants(&self, ip: &IpAddr) -> bool {
        match ip {
            IpAddr::V4(_) => self.want_v4,
            IpAddr::V6(_) => self.want_v6,
        }
    }

    /// The socket address of `ip`, with the scope id for a link-local one.
    pub(super) fn socket_addr(&self, ip: IpAddr, port: u16) -> SocketAddr {
        match ip {
            IpAddr::V6(v6) => SocketAddr::V6(SocketAddrV6::new(v6, port, 0, self.scope)),
            v4 => SocketAddr::new(v4, port),
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
