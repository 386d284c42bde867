//! rtnetlink (`NETLINK_ROUTE`, rtnetlink(7)) without heap: what `ip link`, `ip address` and
//! `ip route` do, as typed calls on an [`Rtnl`] handle.
//!
//! [`Rtnl`] is a [`Client`] of `NETLINK_ROUTE` with two buffers: the caller's, into which
//! replies are read (views such as a link's or an address's borrow it until the next call),
//! and one of its own, [`REQUEST_MAX`] bytes, for the requests it writes. Each call is one
//! exchange of the client: every reply checked, the kernel's refusal a
//! [`NetlinkError::Refused`](crate::netlink::NetlinkError::Refused) with the attribute the
//! extended ack names (its text in [`Rtnl::client`]`().ext_ack_message()`), and the whole
//! exchange bounded by the socket's read timeout.
//!
//! | Calls | What `ip` does |
//! |---|---|
//! | [`links`](Rtnl::links), [`link`](Rtnl::link), [`link_by_name`](Rtnl::link_by_name), [`name_index`](Rtnl::name_index), [`set_link`](Rtnl::set_link) ([`LinkChange`]), [`new_link`](Rtnl::new_link) ([`NewLink`]), [`delete_link`](Rtnl::delete_link) | `ip link show/set/add/del` (a [`Link`] view with [`LinkStats`]) |
//! | [`add_address`](Rtnl::add_address), [`replace_address`](Rtnl::replace_address), [`delete_address`](Rtnl::delete_address), [`addresses`](Rtnl::addresses) ([`Address`], [`AddressSpec`]) | `ip address add/replace/del/show` |
//! | [`add_route`](Rtnl::add_route), [`replace_route`](Rtnl::replace_route), [`delete_route`](Rtnl::delete_route), [`routes`](Rtnl::routes), [`route_to`](Rtnl::route_to) ([`Route`], [`RouteSpec`]) | `ip route add/replace/del/show/get` |
//! | [`Rtnl::set_can`], [`Rtnl::can_link`], [`Rtnl::restart_can`] | CAN links: bit timing, data bit timing, restart-ms, control modes, termination; state, constants, clock, error counters ([`CanConfig`], [`CanLink`]) |
//! | [`RouteMonitor::new`] ([`RouteGroups`]), [`RouteMonitor::recv`] ([`RouteEvent`]) | `ip monitor link address route`: the kernel's notifications of links, addresses, routes as typed events, overruns named |
//!
//! ```no_run
//! use baresock::netlink::route::Rtnl;
//! use baresock::netlink::RECOMMENDED_BUFFER;
//!
//! let mut buf = [0u8; RECOMMENDED_BUFFER];
//! let mut rtnl = Rtnl::new(&mut buf)?;
//! assert!(rtnl.client().port_id() != 0);
//! # Ok::<(), baresock::Error>(())
//! ```

mod addr;
mod can;
mod display;
mod link;
mod link_kind;
mod monitor;
#[allow(clippy::module_inception)] // `route::route`: the routes of the rtnetlink module
mod route;
mod route_kind;

use super::{Client, Dump, Message, MessageFlags, MessageWriter, NetlinkProtocol};
use crate::Result;

pub use addr::{Address, AddressFlags, AddressLifetimes, AddressSpec, Addresses, Scope};
pub use can::{
    CanBerrCounter, CanBitTiming, CanBitTimingConst, CanConfig, CanCtrlMode, CanDeviceStats,
    CanLink, CanRefusal, CanState, CanValues,
};
pub use link::{Link, LinkFlags, LinkStats, Links, OperState};
pub use link_kind::{LinkChange, Netns, NewLink, NewLinkKind, VlanProtocol};
pub use monitor::{RouteEvent, RouteGroups, RouteMonitor};
pub use route::{Nexthop, Nexthops, Route, RouteSpec, Routes};
pub use route_kind::{RouteProtocol, RouteTable, RouteType};

/// The bytes an [`Rtnl`] keeps for the requests it writes: room for the largest it sends (a
/// CAN link's bit timings, a veth pair with its peer), with margin.
pub const REQUEST_MAX: usize = 1024;

/// An rtnetlink handle: a [`Client`] of `NETLINK_ROUTE`, the caller's buffer for replies,
/// and room of its own for requests ([`REQUEST_MAX`] bytes).
///
/// Replies are read into the caller's buffer; give it
/// [`RECOMMENDED_BUFFER`](crate::netlink::RECOMMENDED_BUFFER) bytes for dumps (a reply
/// larger than the buffer is
/// [`NetlinkError::ReplyTooLarge`](crate::netlink::NetlinkError::ReplyTooLarge), never cut).
/// The views a call returns borrow that buffer, so they live until the next call.
///
/// The socket asks the kernel for strict checking of dump requests
/// (`NETLINK_GET_STRICT_CHK`, Linux 4.20), so that a dump filtered by a link or a family is
/// filtered by the kernel; where the kernel lacks it, the handle filters what it reads.
pub struct Rtnl<'b> {
    client: Client,
    buf: &'b mut [u8],
    req: [u8; REQUEST_MAX],
}

impl core::fmt::Debug for Rtnl<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Rtnl")
            .field("client", &self.client)
            .field("buffer", &self.buf.len())
            .finish()
    }
}

// The typed calls (links, addresses, routes, CAN) are `impl` blocks in this module's files.
impl<'b> Rtnl<'b> {
    /// A handle on a new `NETLINK_ROUTE` socket in the calling thread's network namespace,
    /// reading replies into `buf`.
    ///
    #[doc = man!(rtnetlink(7))]
    pub fn new(buf: &'b mut [u8]) -> Result<Rtnl<'b>> {
        Rtnl::from_client(Client::new(NetlinkProtocol::ROUTE)?, buf)
    }

    /// A handle on `client` (of `NETLINK_ROUTE`: another protocol's kernel answers its own
    /// way), reading replies into `buf`.
    pub fn from_client(client: Client, buf: &'b mut [u8]) -> Result<Rtnl<'b>> {
        match client.socket().set_strict_check(true) {
            Err(e) if e.is_unsupported() || e.errno() == Some(crate::Errno::NOPROTOOPT) => {}
            r => r?,
        }
        Ok(Rtnl {
            client,
            buf,
            req: [0; REQUEST_MAX],
        })
    }

    /// The client: its socket (timeouts, options), the extended ack's text of the last
    /// refusal, its counters.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The client, for exchanges of your own (a message type this module has no call for).
    pub fn client_mut(&mut self) -> &mut Client {
        &mut self.client
    }

    /// The client, the handle gone.
    pub fn into_client(self) -> Client {
        self.client
    }

    /// Writes one request of `kind` with `flags` and the family header `fixed`, the
    /// attributes from `build`, and runs it as an [`ack`](Client::ack) exchange.
    pub(crate) fn ack_with(
        &mut self,
        kind: u16,
        flags: MessageFlags,
        fixed: &[u8],
        build: impl FnOnce(&mut MessageWriter<'_>),
    ) -> Result<()> {
        let Rtnl { client, buf, req } = self;
        let mut w = MessageWriter::new(req);
        w.begin(kind, flags).fixed(fixed);
        build(&mut w);
        let mut request = w.finish()?;
        client.ack(&mut request, buf)
    }

    /// As [`ack_with`](Rtnl::ack_with), for a request answered by one message (a `GET` of
    /// one object): that message, in the caller's buffer.
    pub(crate) fn request_with(
        &mut self,
        kind: u16,
        flags: MessageFlags,
        fixed: &[u8],
        build: impl FnOnce(&mut MessageWriter<'_>),
    ) -> Result<Message<'_>> {
        let Rtnl { client, buf, req } = self;
        let mut w = MessageWriter::new(req);
        w.begin(kind, flags).fixed(fixed);
        build(&mut w);
        let mut request = w.finish()?;
        client.request(&mut request, buf)
    }

    /// Starts a [`dump`](Client::dump) of `kind` with the family header `fixed` and the
    /// attributes from `build` (filters): its messages are read into the caller's buffer.
    pub(crate) fn dump_with(
        &mut self,
        kind: u16,
        fixed: &[u8],
        build: impl FnOnce(&mut MessageWriter<'_>),
    ) -> Result<Dump<'_>> {
        let Rtnl { client, buf, req } = self;
        let mut w = MessageWriter::new(req);
        w.begin(kind, MessageFlags::empty()).fixed(fixed);
        build(&mut w);
        client.dump(w.finish()?, buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handle_is_small_enough_for_a_stack() {
        assert!(core::mem::size_of::<Rtnl<'_>>() <= REQUEST_MAX + 256);
    }
}
