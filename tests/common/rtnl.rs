//! rtnetlink, just enough for the test fixtures: create a veth pair or a vcan, bring links up
//! and down, set a CAN controller's bit rate, move a link into another namespace, add an IPv4
//! address (rtnetlink(7); messages in host byte order, attributes 4-byte aligned). No `ip`
//! command needed: busybox's ignores `peer name` and cannot set a CAN bit rate.

use rustix::fd::OwnedFd;
use rustix::io::Errno;
use rustix::net::{recv, send, AddressFamily, RecvFlags, SendFlags, SocketType};

const RTM_NEWLINK: u16 = 16;
const RTM_NEWADDR: u16 = 20;
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_ACK: u16 = 0x4;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;
const IFLA_IFNAME: u16 = 3;
const IFLA_LINKINFO: u16 = 18;
const IFLA_NET_NS_PID: u16 = 19;
const IFLA_INFO_KIND: u16 = 1;
const IFLA_INFO_DATA: u16 = 2;
const VETH_INFO_PEER: u16 = 1;
const IFLA_MTU: u16 = 4;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
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
    while buf.len() & 3 != 0 {
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

/// `ip link add <name> [mtu <mtu>] type <kind>`, for kinds that need no more (vcan, dummy).
pub fn add_link(nl: &OwnedFd, name_: &str, kind: &str, mtu: Option<u32>) -> Result<(), Errno> {
    let mut body = Vec::new();
    ifinfomsg(&mut body, 0, 0, 0);
    attr(&mut body, IFLA_IFNAME, &name(name_));
    if let Some(mtu) = mtu {
        attr(&mut body, IFLA_MTU, &mtu.to_ne_bytes());
    }
    let info = begin(&mut body, IFLA_LINKINFO);
    attr(&mut body, IFLA_INFO_KIND, kind.as_bytes());
    end(&mut body, info);
    request(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &body)
}

/// `ip link set <index> up`.
pub fn set_up(nl: &OwnedFd, index: u32) -> Result<(), Errno> {
    let mut body = Vec::new();
    ifinfomsg(&mut body, index as i32, IFF_UP, IFF_UP);
    request(nl, RTM_NEWLINK, 0, &body)
}

/// `ip link set <index> down`.
pub fn set_down(nl: &OwnedFd, index: u32) -> Result<(), Errno> {
    let mut body = Vec::new();
    ifinfomsg(&mut body, index as i32, 0, IFF_UP);
    request(nl, RTM_NEWLINK, 0, &body)
}

/// `IFLA_CAN_BITTIMING` in a CAN link's `IFLA_INFO_DATA` (linux/can/netlink.h).
const IFLA_CAN_BITTIMING: u16 = 1;

/// `ip link set <index> type can bitrate <bitrate>`: a `struct can_bittiming` with only the
/// bit rate set, from which the driver's bit-timing constants give the rest. The link must
/// be down (`EBUSY` otherwise); a rate the controller cannot make gives `EDOM`.
pub fn set_can_bitrate(nl: &OwnedFd, index: u32, bitrate: u32) -> Result<(), Errno> {
    let mut body = Vec::new();
    ifinfomsg(&mut body, index as i32, 0, 0);
    let info = begin(&mut body, IFLA_LINKINFO);
    attr(&mut body, IFLA_INFO_KIND, b"can");
    let data = begin(&mut body, IFLA_INFO_DATA);
    // bitrate, sample_point, tq, prop_seg, phase_seg1, phase_seg2, sjw, brp.
    let mut timing = bitrate.to_ne_bytes().to_vec();
    timing.resize(8 * 4, 0);
    attr(&mut body, IFLA_CAN_BITTIMING, &timing);
    end(&mut body, data);
    end(&mut body, info);
    request(nl, RTM_NEWLINK, 0, &body)
}

/// `ip link set <index> netns <pid>`: into the namespace of process or thread `pid`.
pub fn set_netns(nl: &OwnedFd, index: u32, pid: u32) -> Result<(), Errno> {
    let mut body = Vec::new();
    ifinfomsg(&mut body, index as i32, 0, 0);
    attr(&mut body, IFLA_NET_NS_PID, &pid.to_ne_bytes());
    request(nl, RTM_NEWLINK, 0, &body)
}

/// `ip addr add <addr>/<prefix> dev <index>`.
pub fn add_ipv4(nl: &OwnedFd, index: u32, addr: [u8; 4], prefix: u8) -> Result<(), Errno> {
    // struct ifaddrmsg: family, prefix length, flags, scope, index.
    let mut body = vec![libc::AF_INET as u8, prefix, 0, 0];
    body.extend_from_slice(&index.to_ne_bytes());
    attr(&mut body, IFA_LOCAL, &addr);
    attr(&mut body, IFA_ADDRESS, &addr);
    request(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &body)
}

const RTM_NEWQDISC: u16 = 36;
const TCA_KIND: u16 = 1;
const TCA_OPTIONS: u16 = 2;
const TCA_NETEM_REORDER: u16 = 3;
const TCA_NETEM_LATENCY64: u16 = 10;
const TC_H_ROOT: u32 = 0xffff_ffff;

/// What `tc qdisc add dev <index> root netem ...` would set (tc-netem(8)).
#[derive(Clone, Copy, Debug, Default)]
pub struct Netem {
    /// `delay`: added to every packet.
    pub delay: std::time::Duration,
    /// `loss`: the share of packets dropped, 0.0 to 1.0.
    pub loss: f64,
    /// `reorder`: the share of packets sent at once, ahead of the delayed ones (needs a
    /// delay).
    pub reorder: f64,
    /// `limit`: packets held at most (0: the kernel's 1000).
    pub limit: u32,
}

/// A probability as netem takes it: 0 to `u32::MAX`.
fn probability(p: f64) -> u32 {
    (p.clamp(0.0, 1.0) * f64::from(u32::MAX)) as u32
}

/// `tc qdisc add dev <index> root netem ...`, over rtnetlink: `iproute2`'s `tc` is not
/// needed (busybox has none). The kernel loads `sch_netem` if it can; `ENOENT` means it has
/// no netem.
///
/// netem's `TCA_OPTIONS` is not a plain nest: `struct tc_netem_qopt` comes first, then the
/// attributes (`TCA_NETEM_*`), inside the one `TCA_OPTIONS` (as `tc` writes it, and as
/// `net/sched/sch_netem.c` reads it).
pub fn add_netem(nl: &OwnedFd, index: u32, netem: Netem) -> Result<(), Errno> {
    // struct tcmsg: family, 3 bytes of padding, ifindex, handle, parent, info.
    let mut body = vec![0u8; 4];
    body.extend_from_slice(&(index as i32).to_ne_bytes());
    body.extend_from_slice(&0x1_0000u32.to_ne_bytes()); // handle 1:0
    body.extend_from_slice(&TC_H_ROOT.to_ne_bytes());
    body.extend_from_slice(&0u32.to_ne_bytes());
    attr(&mut body, TCA_KIND, &name("netem"));
    let delay_ns = netem.delay.as_nanos().min(i64::MAX as u128) as i64;
    let options = begin(&mut body, TCA_OPTIONS);
    // struct tc_netem_qopt: latency (in 64 ns ticks; TCA_NETEM_LATENCY64 below is exact),
    // limit, loss, gap, duplicate, jitter.
    let ticks = u32::try_from(delay_ns >> 6).unwrap_or(u32::MAX);
    let limit = if netem.limit == 0 { 1000 } else { netem.limit };
    // A gap of 1 with a reorder probability: each packet goes out at once with that
    // probability (what `tc ... reorder P` sets).
    let gap = u32::from(netem.reorder > 0.0);
    for v in [ticks, limit, probability(netem.loss), gap, 0, 0] {
        body.extend_from_slice(&v.to_ne_bytes());
    }
    if netem.reorder > 0.0 {
        // struct tc_netem_reorder: probability, correlation.
        let mut r = probability(netem.reorder).to_ne_bytes().to_vec();
        r.extend_from_slice(&0u32.to_ne_bytes());
        attr(&mut body, TCA_NETEM_REORDER, &r);
    }
    attr(&mut body, TCA_NETEM_LATENCY64, &delay_ns.to_ne_bytes());
    end(&mut body, options);
    request(nl, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, &body)
}
