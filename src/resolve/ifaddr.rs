//! The machine's IPv4 addresses and their prefix lengths, from the kernel's address list
//! (`RTM_GETADDR` over a `NETLINK_ROUTE` socket, rtnetlink(7)): what RFC 6724 rule 9 needs,
//! as glibc applies it, to tell whether an IPv4 destination is in its source's subnet.
//!
//! One dump is read through a buffer on the stack without waiting: the kernel queues the
//! first part of a dump while the request is sent, and each further part while the previous
//! one is received. Anything unexpected (a cut or malformed message, an error, nothing
//! queued) ends the reading; the addresses seen so far stand, and a source not seen has no
//! known prefix, so the rule does not apply to it.

use core::net::Ipv4Addr;

use rustix::net::{self, AddressFamily, RecvFlags, SocketFlags, SocketType};

/// `NLMSG_ERROR`, `NLMSG_DONE` (linux/netlink.h).
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
/// `RTM_NEWADDR`, `RTM_GETADDR` (linux/rtnetlink.h).
const RTM_NEWADDR: u16 = 20;
const RTM_GETADDR: u16 = 22;
/// `NLM_F_REQUEST | NLM_F_DUMP`.
const REQUEST_DUMP: u16 = 0x1 | 0x300;
/// `IFA_ADDRESS`, `IFA_LOCAL` (linux/if_addr.h).
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
/// `struct nlmsghdr` and `struct ifaddrmsg`.
const NLMSG_HDR: usize = 16;
const IFADDRMSG: usize = 8;
/// The sequence number of our one request.
const SEQ: u32 = 1;
/// The kernel sizes dump parts to the reader's buffer, the first at most 8 KiB.
const BUF_LEN: usize = 8192;
/// More parts than any machine's address list needs; a bound on the loop.
const MAX_PARTS: usize = 256;

/// Calls `f` with each IPv4 address of the machine and its prefix length.
#[inline(never)]
pub(crate) fn for_each_ipv4(mut f: impl FnMut(Ipv4Addr, u8)) {
    let Ok(fd) = crate::sys::io::socket_then(
        AddressFamily::NETLINK.as_raw().into(),
        SocketType::RAW.as_raw() | SocketFlags::CLOEXEC.bits(),
        0, // NETLINK_ROUTE
        |fd| Ok(crate::sys::fd::Fd::new(fd)),
        Err,
    ) else {
        return;
    };
    let mut request = [0u8; NLMSG_HDR + IFADDRMSG];
    request[0..4].copy_from_slice(&((NLMSG_HDR + IFADDRMSG) as u32).to_ne_bytes());
    request[4..6].copy_from_slice(&RTM_GETADDR.to_ne_bytes());
    request[6..8].copy_from_slice(&REQUEST_DUMP.to_ne_bytes());
    request[8..12].copy_from_slice(&SEQ.to_ne_bytes());
    request[NLMSG_HDR] = AddressFamily::INET.as_raw() as u8;
    let kernel = net::netlink::SocketAddrNetlink::new(0, 0);
    if crate::sys::addr::sendto(&fd, &request, 0, &kernel).is_err() {
        return;
    }
    let mut buf = [0u8; BUF_LEN];
    for _ in 0..MAX_PARTS {
        let flags = (RecvFlags::DONTWAIT | RecvFlags::TRUNC).bits();
        // The kernel's answer as it is: an errno is above any buffer's length.
        let n = match crate::sys::io::recv_raw(&fd, &mut buf, flags) {
            n if n <= buf.len() => n,
            // Cut short, nothing queued, or an error: stop with what was seen.
            _ => return,
        };
        if !messages(&buf[..n], &mut f) {
            return;
        }
    }
}

/// Reads the messages of one dump part; `false` when the dump is over (done, an error, or
/// something that does not parse).
fn messages(mut part: &[u8], f: &mut impl FnMut(Ipv4Addr, u8)) -> bool {
    if part.is_empty() {
        return false;
    }
    while part.len() >= NLMSG_HDR {
        let len = u32::from_ne_bytes([part[0], part[1], part[2], part[3]]) as usize;
        let kind = u16::from_ne_bytes([part[4], part[5]]);
        let seq = u32::from_ne_bytes([part[8], part[9], part[10], part[11]]);
        if len < NLMSG_HDR || len > part.len() {
            return false;
        }
        match kind {
            NLMSG_DONE | NLMSG_ERROR => return false,
            RTM_NEWADDR if seq == SEQ => address(&part[NLMSG_HDR..len], f),
            _ => {}
        }
        part = part.get(align(len)..).unwrap_or(&[]);
    }
    true
}

/// One `RTM_NEWADDR` message's body: `ifaddrmsg`, then attributes.
fn address(body: &[u8], f: &mut impl FnMut(Ipv4Addr, u8)) {
    if body.len() < IFADDRMSG || body[0] != AddressFamily::INET.as_raw() as u8 {
        return;
    }
    let prefix = body[1];
    let (mut local, mut address) = (None, None);
    let mut attrs = &body[IFADDRMSG..];
    while attrs.len() >= 4 {
        let len = u16::from_ne_bytes([attrs[0], attrs[1]]) as usize;
        let kind = u16::from_ne_bytes([attrs[2], attrs[3]]);
        if len < 4 || len > attrs.len() {
            return;
        }
        if let Ok(octets) = <[u8; 4]>::try_from(&attrs[4..len]) {
            match kind {
                IFA_LOCAL => local = Some(Ipv4Addr::from(octets)),
                IFA_ADDRESS => address = Some(Ipv4Addr::from(octets)),
                _ => {}
            }
        }
        attrs = attrs.get(align(len)..).unwrap_or(&[]);
    }
    // On a point-to-point link IFA_ADDRESS is the peer's; IFA_LOCAL is ours.
    if let Some(a) = local.or(address) {
        f(a, prefix);
    }
}

/// Netlink's 4-byte alignment.
const fn align(len: usize) -> usize {
    (len + 3) & !3
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;
    use std::vec::Vec;

    /// A message of `kind` with `body`, as the kernel lays it out.
    fn message(kind: u16, seq: u32, body: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&((NLMSG_HDR + body.len()) as u32).to_ne_bytes());
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&[0, 0]);
        m.extend_from_slice(&seq.to_ne_bytes());
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
        message(RTM_NEWADDR, SEQ, &body)
    }

    fn seen(part: &[u8]) -> (Vec<(Ipv4Addr, u8)>, bool) {
        let mut out = Vec::new();
        let more = messages(part, &mut |a, p| out.push((a, p)));
        (out, more)
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
        // Another family, another request, no address: skipped.
        part.extend(newaddr(10, 64, &[(IFA_ADDRESS, [1, 2, 3, 4])]));
        part.extend(message(RTM_NEWADDR, SEQ + 1, &[2, 16, 0, 0, 0, 0, 0, 0]));
        part.extend(newaddr(2, 16, &[]));
        let (out, more) = seen(&part);
        assert!(more);
        assert_eq!(
            out,
            [
                (Ipv4Addr::LOCALHOST, 8),
                (Ipv4Addr::new(10, 0, 0, 1), 32),
                (Ipv4Addr::new(192, 0, 2, 2), 24)
            ]
        );
        let (out, more) = seen(&message(NLMSG_DONE, SEQ, &[0; 4]));
        assert!(out.is_empty() && !more);
    }

    #[test]
    fn never_panics_on_bytes() {
        let mut part = newaddr(2, 24, &[(IFA_LOCAL, [192, 0, 2, 2])]);
        part.extend(message(NLMSG_DONE, SEQ, &[0; 4]));
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
