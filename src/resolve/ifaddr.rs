//! The machine's IPv4 addresses and their prefix lengths, from the kernel's address list
//! (`RTM_GETADDR` over a `NETLINK_ROUTE` socket, rtnetlink(7)): what RFC 6724 rule 9 needs,
//! as glibc applies it, to tell whether an IPv4 destination is in its source's subnet.
//!
//! One dump ([`netlink::Client::dump`](crate::netlink::Client::dump)) is read through a
//! buffer on the stack without waiting (the socket is non-blocking): the kernel queues the
//! first part of a dump while the request is sent, and each further part while the previous
//! one is received. Anything unexpected (a malformed datagram, an error, nothing queued)
//! ends the reading; the addresses seen so far stand, and a source not seen has no known
//! prefix, so the rule does not apply to it.

use core::net::Ipv4Addr;

use crate::netlink::{Client, Message, MessageFlags, MessageWriter, NetlinkProtocol};

/// `RTM_NEWADDR`, `RTM_GETADDR` (linux/rtnetlink.h).
const RTM_NEWADDR: u16 = 20;
const RTM_GETADDR: u16 = 22;
/// `IFA_ADDRESS`, `IFA_LOCAL` (linux/if_addr.h).
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
/// `struct ifaddrmsg`.
const IFADDRMSG: usize = 8;
/// `AF_INET`.
const AF_INET: u8 = 2;
/// The kernel sizes dump parts to the reader's buffer, the first at most 8 KiB.
const BUF_LEN: usize = 8192;
/// More messages than any machine's address list has; a bound on the loop.
const MAX_MESSAGES: usize = 1 << 16;

/// Calls `f` with each IPv4 address of the machine and its prefix length.
#[inline(never)]
pub(crate) fn for_each_ipv4(mut f: impl FnMut(Ipv4Addr, u8)) {
    let Ok(mut client) = Client::new(NetlinkProtocol::ROUTE) else {
        return;
    };
    if client.socket().set_nonblocking(true).is_err() {
        return;
    }
    let mut request = [0u8; 32];
    let mut w = MessageWriter::new(&mut request);
    w.begin(RTM_GETADDR, MessageFlags::empty())
        .fixed(&[AF_INET, 0, 0, 0, 0, 0, 0, 0]);
    let Ok(request) = w.finish() else {
        return;
    };
    let mut buf = [0u8; BUF_LEN];
    let Ok(mut dump) = client.dump(request, &mut buf) else {
        return;
    };
    for _ in 0..MAX_MESSAGES {
        match dump.next() {
            Ok(Some(m)) => address(m, &mut f),
            // The end, an error, or nothing queued: stop with what was seen.
            _ => return,
        }
    }
}

/// One message of the dump: an `RTM_NEWADDR` of an IPv4 address is `ifaddrmsg`, then
/// attributes; anything else is skipped.
fn address(m: Message<'_>, f: &mut impl FnMut(Ipv4Addr, u8)) {
    if m.kind() != RTM_NEWADDR {
        return;
    }
    let Ok((ifaddrmsg, attrs)) = m.split(IFADDRMSG) else {
        return;
    };
    if ifaddrmsg[0] != AF_INET {
        return;
    }
    let prefix = ifaddrmsg[1];
    let v4 = |kind| {
        attrs
            .find(kind)
            .and_then(|a| a.array::<4>().ok())
            .map(Ipv4Addr::from)
    };
    // On a point-to-point link IFA_ADDRESS is the peer's; IFA_LOCAL is ours.
    if let Some(a) = v4(IFA_LOCAL).or_else(|| v4(IFA_ADDRESS)) {
        f(a, prefix);
    }
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use crate::netlink::Messages;
    use std::vec::Vec;

    /// `NLMSG_DONE`, and a header's length.
    const NLMSG_DONE: u16 = 3;
    const NLMSG_HDR: usize = 16;

    /// A message of `kind` with `body`, as the kernel lays it out.
    fn message(kind: u16, body: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&((NLMSG_HDR + body.len()) as u32).to_ne_bytes());
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&[0, 0]);
        m.extend_from_slice(&1u32.to_ne_bytes());
        m.extend_from_slice(&[0; 4]);
        m.extend_from_slice(body);
        while m.len() % 4 != 0 {
            m.push(0);
        }
        m
    }

    fn newaddr(family: u8, prefix: u8, attrs: &[(u16, [u8; 4])]) -> Vec<u8> {
        let mut body = std::vec![family, prefix, 0, 0, 0, 0, 0, 0];
        for (kind, value) in attrs {
            body.extend_from_slice(&8u16.to_ne_bytes());
            body.extend_from_slice(&kind.to_ne_bytes());
            body.extend_from_slice(value);
        }
        message(RTM_NEWADDR, &body)
    }

    /// The addresses of one dump part, as the dump hands its messages to `address`.
    fn seen(part: &[u8]) -> Vec<(Ipv4Addr, u8)> {
        let mut out = Vec::new();
        if let Ok(ms) = Messages::new(part) {
            for m in ms {
                address(m, &mut |a, p| out.push((a, p)));
            }
        }
        out
    }

    #[test]
    fn parses_a_dump() {
        let mut part = newaddr(
            2,
            8,
            &[(IFA_ADDRESS, [127, 0, 0, 1]), (IFA_LOCAL, [127, 0, 0, 1])],
        );
        // Point to point: the local address, not the peer's.
        part.extend(newaddr(
            2,
            32,
            &[(IFA_ADDRESS, [10, 0, 0, 9]), (IFA_LOCAL, [10, 0, 0, 1])],
        ));
        part.extend(newaddr(2, 24, &[(IFA_ADDRESS, [192, 0, 2, 2])]));
        // Another family, no address, another message type: skipped.
        part.extend(newaddr(10, 64, &[(IFA_ADDRESS, [1, 2, 3, 4])]));
        part.extend(newaddr(2, 16, &[]));
        part.extend(message(NLMSG_DONE, &[0; 4]));
        assert_eq!(
            seen(&part),
            [
                (Ipv4Addr::LOCALHOST, 8),
                (Ipv4Addr::new(10, 0, 0, 1), 32),
                (Ipv4Addr::new(192, 0, 2, 2), 24)
            ]
        );
    }

    #[test]
    fn never_panics_on_bytes() {
        let mut part = newaddr(2, 24, &[(IFA_LOCAL, [192, 0, 2, 2])]);
        part.extend(message(NLMSG_DONE, &[0; 4]));
        for i in 0..part.len() {
            for b in [0u8, 1, 3, 4, 7, 0x7f, 0xff] {
                let saved = part[i];
                part[i] = b;
                let _ = seen(&part);
                for end in 0..part.len() {
                    let _ = seen(&part[..end]);
                }
                part[i] = saved;
            }
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "opens sockets, which Miri cannot")]
    fn the_loopback_address_is_listed() {
        let mut found = None;
        for_each_ipv4(|a, p| {
            if a == Ipv4Addr::LOCALHOST {
                found = Some(p);
            }
        });
        // Wherever 127.0.0.1 can be bound, lo is up with 127.0.0.1/8.
        if std::net::UdpSocket::bind("127.0.0.1:0").is_ok() {
            assert_eq!(found, Some(8));
        }
    }
}
