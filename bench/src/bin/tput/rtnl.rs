//! rtnetlink, just enough for the capture bench: create a veth pair and bring links up
//! (rtnetlink(7); messages in host byte order, attributes 4-byte aligned). Copied from
//! `tests/common/rtnl.rs`, which the tests use the same way.

use rustix::fd::OwnedFd;
use rustix::io::Errno;
use rustix::net::{recv, send, AddressFamily, RecvFlags, SendFlags, SocketType};

const RTM_NEWLINK: u16 = 16;
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_ACK: u16 = 0x4;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;
const IFLA_IFNAME: u16 = 3;
const IFLA_LINKINFO: u16 = 18;
const IFLA_INFO_KIND: u16 = 1;
const IFLA_INFO_DATA: u16 = 2;
const VETH_INFO_PEER: u16 = 1;
const IFF_UP: u32 = 0x1;

/// A NETLINK_ROUTE socket in the calling thread's namespace.
pub fn socket() -> Result<OwnedFd, String> {
    rustix::net::socket(AddressFamily::NETLINK, SocketType::RAW, None)
        .map_err(|e| format!("netlink: {e}"))
}

/// `struct ifinfomsg`: family, pad, type, index, flags, change.
fn ifinfomsg(buf: &mut Vec<u8>, index: i32, flags: u32, change: u32) {
    buf.extend_from_slice(&[0, 0, 0, 0]);
    buf.extend_from_slice(&index.to_ne_bytes());
    buf.extend_from_slice(&flags.to_ne_bytes());
    buf.extend_from_slice(&change.to_ne_bytes());
}

fn align(buf: &mut Vec<u8>) {
    while !buf.len().is_multiple_of(4) {
        buf.push(0);
    }
}

/// Starts an attribute; `end` writes its length.
fn begin(buf: &mut Vec<u8>, ty: u16) -> usize {
    let at = buf.len();
    buf.extend_from_slice(&[0, 0]);
    buf.extend_from_slice(&ty.to_ne_bytes());
    at
}

fn end(buf: &mut Vec<u8>, at: usize) {
    let len = (buf.len() - at) as u16;
    buf[at..at + 2].copy_from_slice(&len.to_ne_bytes());
    align(buf);
}

fn attr(buf: &mut Vec<u8>, ty: u16, data: &[u8]) {
    let at = begin(buf, ty);
    buf.extend_from_slice(data);
    end(buf, at);
}

fn name(s: &str) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.push(0);
    v
}

/// Sends one request of type `ty` with `body` (after the header) and waits for the ack.
fn request(nl: &OwnedFd, ty: u16, flags: u16, body: &[u8]) -> Result<(), Errno> {
    let mut msg = Vec::new();
    msg.extend_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
    msg.extend_from_slice(&ty.to_ne_bytes());
    msg.extend_from_slice(&(NLM_F_REQUEST | NLM_F_ACK | flags).to_ne_bytes());
    msg.extend_from_slice(&1u32.to_ne_bytes()); // sequence number
    msg.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel fills it in
    msg.extend_from_slice(body);
    send(nl, &msg, SendFlags::empty())?;
    let mut buf = [0u8; 4096];
    let (_, n) = recv(nl, &mut buf[..], RecvFlags::empty())?;
    let kind = u16::from_ne_bytes([buf[4], buf[5]]);
    if n < 20 || kind != NLMSG_ERROR {
        return Err(Errno::PROTO);
    }
    match i32::from_ne_bytes([buf[16], buf[17], buf[18], buf[19]]) {
        0 => Ok(()),
        e => Err(Errno::from_raw_os_error(-e)),
    }
}

/// `ip link add <a> type veth peer name <b>`.
pub fn add_veth_pair(nl: &OwnedFd, a: &str, b: &str) -> Result<(), Errno> {
    let mut body = Vec::new();
    ifinfomsg(&mut body, 0, 0, 0);
    attr(&mut body, IFLA_IFNAME, &name(a));
    let info = begin(&mut body, IFLA_LINKINFO);
    attr(&mut body, IFLA_INFO_KIND, b"veth");
    let data = begin(&mut body, IFLA_INFO_DATA);
    let peer = begin(&mut body, VETH_INFO_PEER);
    ifinfomsg(&mut body, 0, 0, 0);
    attr(&mut body, IFLA_IFNAME, &name(b));
    end(&mut body, peer);
    end(&mut body, data);
    end(&mut body, info);
    request(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &body)
}

/// `ip link set <index> up`.
pub fn set_up(nl: &OwnedFd, index: u32) -> Result<(), Errno> {
    let mut body = Vec::new();
    ifinfomsg(&mut body, index as i32, IFF_UP, IFF_UP);
    request(nl, RTM_NEWLINK, 0, &body)
}
