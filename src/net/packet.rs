//! Packet sockets (`AF_PACKET`, packet(7)): frames with or without link headers, on one
//! interface or all, and the `SOL_PACKET` options; interface names and indexes.

use crate::{AddressError, Errno, InputError};
use rustix::fd::AsFd;

use super::typed_socket;
use crate::bpf::Program;
use crate::sys::sockopt::{self, PacketMreq};
use crate::{Error, Family, LinkAddr, Protocol, Result, ShortName, Socket, Type};
use linux_raw_sys::if_packet as kp;
use linux_raw_sys::net as k;

/// A socket that is only for interface ioctls.
fn ioctl_socket() -> Result<Socket> {
    Socket::new(Family::UNIX, Type::DGRAM, Protocol::DEFAULT)
}

/// The index of the network interface called `name` (`SIOCGIFINDEX`, netdevice(7)): text,
/// bytes or a [`ShortName`]. An unknown name is `Error::Os(Errno::NODEV)`
/// ([`is_no_such_interface`](crate::Error::is_no_such_interface)); one past 15 bytes is
/// [`AddressError::NameTooLong`](crate::AddressError::NameTooLong), one holding a NUL
/// [`AddressError::NameNul`](crate::AddressError::NameNul).
///
/// ```
/// use baresock::{interface_index, interface_name};
/// let lo = interface_index("lo")?;
/// assert_eq!(interface_name(lo)?.as_str(), Some("lo"));
/// # Ok::<(), baresock::Error>(())
/// ```
///
#[doc = man!(netdevice(7))]
pub fn interface_index(name: impl AsRef<[u8]>) -> Result<u32> {
    let name = ShortName::new(name.as_ref())?;
    crate::sys::iface::index(ioctl_socket()?.as_fd(), &name)
}

/// The name of the network interface with index `index` (`SIOCGIFNAME`); an unknown index is
/// `Error::Os(Errno::NODEV)` ([`is_no_such_interface`](crate::Error::is_no_such_interface)).
///
#[doc = man!(netdevice(7))]
pub fn interface_name(index: u32) -> Result<ShortName> {
    crate::sys::iface::name(ioctl_socket()?.as_fd(), index)
}

/// What a packet socket sees of each frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PacketKind {
    /// The whole frame, link-layer header included (`SOCK_RAW`).
    Raw,
    /// The payload only; the kernel adds and strips the link header (`SOCK_DGRAM`, "cooked").
    Cooked,
}

/// Which link-layer membership [`PacketSocket::add_membership`] asks for (`PACKET_MR_*`).
///
/// ```no_run
/// use baresock::{interface_index, LinkAddr, PacketSocket};
/// use baresock::packet::{ether, Membership, PacketKind};
/// let eth0 = interface_index("eth0")?;
/// let s = PacketSocket::new(PacketKind::Raw, ether::ALL)?;
/// s.bind(LinkAddr::new(eth0, ether::ALL))?;
/// // Frames for other hosts too, while the socket is open.
/// s.add_membership(eth0, Membership::Promiscuous)?;
/// // And the frames of one multicast group (01:00:5e:00:00:fb, mDNS's).
/// s.add_membership(eth0, Membership::Multicast(&[0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb]))?;
/// s.drop_membership(eth0, Membership::Promiscuous)?;
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Membership<'a> {
    /// Promiscuous mode: frames to other hosts too (`PACKET_MR_PROMISC`).
    Promiscuous,
    /// All multicast frames (`PACKET_MR_ALLMULTI`).
    AllMulticast,
    /// One multicast hardware address, up to 8 bytes (`PACKET_MR_MULTICAST`).
    Multicast(&'a [u8]),
}

/// How a fanout group spreads packets over its sockets (`PACKET_FANOUT_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum FanoutMode {
    /// By flow hash: a flow stays on one socket (`PACKET_FANOUT_HASH`).
    Hash,
    /// Round robin (`PACKET_FANOUT_LB`).
    LoadBalance,
    /// By the CPU the packet arrived on (`PACKET_FANOUT_CPU`).
    Cpu,
    /// Fill one socket, then the next (`PACKET_FANOUT_ROLLOVER`).
    Rollover,
    /// At random (`PACKET_FANOUT_RND`).
    Random,
    /// By the NIC's receive queue (`PACKET_FANOUT_QM`).
    QueueMapping,
    /// By a classic BPF program that returns the member's index (`PACKET_FANOUT_CBPF`); set
    /// it with [`PacketSocket::set_fanout_program`].
    Bpf,
    /// A mode this crate has no name for (`PACKET_FANOUT_EBPF` is 7), passed to the kernel as
    /// it is and read back as it is.
    Other(u8),
}

impl FanoutMode {
    fn to_raw(self) -> u32 {
        match self {
            FanoutMode::Hash => kp::PACKET_FANOUT_HASH,
            FanoutMode::LoadBalance => kp::PACKET_FANOUT_LB,
            FanoutMode::Cpu => kp::PACKET_FANOUT_CPU,
            FanoutMode::Rollover => kp::PACKET_FANOUT_ROLLOVER,
            FanoutMode::Random => kp::PACKET_FANOUT_RND,
            FanoutMode::QueueMapping => kp::PACKET_FANOUT_QM,
            FanoutMode::Bpf => kp::PACKET_FANOUT_CBPF,
            FanoutMode::Other(m) => u32::from(m),
        }
    }

    fn from_raw(m: u8) -> FanoutMode {
        match u32::from(m) {
            kp::PACKET_FANOUT_HASH => FanoutMode::Hash,
            kp::PACKET_FANOUT_LB => FanoutMode::LoadBalance,
            kp::PACKET_FANOUT_CPU => FanoutMode::Cpu,
            kp::PACKET_FANOUT_ROLLOVER => FanoutMode::Rollover,
            kp::PACKET_FANOUT_RND => FanoutMode::Random,
            kp::PACKET_FANOUT_QM => FanoutMode::QueueMapping,
            kp::PACKET_FANOUT_CBPF => FanoutMode::Bpf,
            _ => FanoutMode::Other(m),
        }
    }
}

bitflags::bitflags! {
    /// Fanout flags (`PACKET_FANOUT_FLAG_*`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct FanoutFlags: u16 {
        /// Roll over to another socket when this one's queue is full. Not with
        /// [`FanoutMode::Rollover`], which does that already.
        const ROLLOVER = kp::PACKET_FANOUT_FLAG_ROLLOVER as u16;
        /// Let the kernel pick a free group id, returned by
        /// [`set_fanout`](PacketSocket::set_fanout). Only for the first member, with group 0;
        /// the others join the returned id without this flag.
        const UNIQUE_ID = kp::PACKET_FANOUT_FLAG_UNIQUEID as u16;
        /// Leave out packets this host sends. Needs Linux 6.2; older kernels take the flag
        /// without an error and still hand the group outgoing packets.
        const IGNORE_OUTGOING = kp::PACKET_FANOUT_FLAG_IGNORE_OUTGOING as u16;
        /// Reassemble IP fragments before spreading.
        const DEFRAG = kp::PACKET_FANOUT_FLAG_DEFRAG as u16;
        /// Flag bits this crate has no name for, kept as the kernel gave them.
        const _ = !0;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for FanoutFlags {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "FanoutFlags({=u16:#x})", self.bits())
    }
}

/// A socket's fanout group, as [`PacketSocket::fanout`] reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Fanout {
    /// The group id.
    pub group: u16,
    /// How the group spreads packets.
    pub mode: FanoutMode,
    /// The group's flags (the kernel does not keep [`FanoutFlags::UNIQUE_ID`]).
    pub flags: FanoutFlags,
}

/// Counters of a packet socket (`PACKET_STATISTICS`), since the last read: reading resets
/// them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PacketStats {
    /// Packets the socket received.
    pub packets: u32,
    /// Packets dropped: the receive buffer or ring was full.
    pub drops: u32,
    /// How often the ring was frozen for lack of room (a `TPACKET_V3` ring; `None` otherwise).
    pub freeze_count: Option<u32>,
}

typed_socket!(
    /// A packet socket (`AF_PACKET`, packet(7)): link-layer frames, to capture or inject.
    /// Needs `CAP_NET_RAW`.
    ///
    /// A tap sees the frames this host sends as well as those it receives
    /// ([`PacketType::Outgoing`](crate::PacketType::Outgoing) in the sender's
    /// [`LinkAddr`]). On a loopback interface (`lo`) that means every frame twice: the
    /// outgoing copy, then the same frame coming in. libpcap, and so tcpdump, drops the
    /// outgoing copy on loopback; do the same by skipping frames whose packet type is
    /// `Outgoing` (as the `capture` example does), or turn outgoing frames off altogether with
    /// [`set_ignore_outgoing`](Self::set_ignore_outgoing) (Linux 4.20+; on other interfaces
    /// that also hides what this host sends).
    ///
    /// ```no_run
    /// use baresock::{interface_index, LinkAddr, PacketSocket};
    /// use baresock::packet::{ether, PacketKind};
    /// let eth0 = interface_index("eth0")?;
    /// let s = PacketSocket::new(PacketKind::Raw, ether::ALL)?;
    /// s.bind(LinkAddr::new(eth0, ether::ALL))?;
    /// let mut frame = [0u8; 2048];
    /// let (n, from) = s.recv_from(&mut frame)?;
    /// println!("{n} bytes from {from}");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    PacketSocket, [PACKET], [RAW, DGRAM]
);

const SOL_PACKET: u32 = k::SOL_PACKET;

impl PacketSocket {
    /// A packet socket for EtherType `protocol` (host order; [`ether::ALL`](crate::ether::ALL)
    /// for every frame). With protocol 0 it receives nothing until [`bind`](Self::bind)
    /// names one: to filter from the first frame on, create it so, attach the filter, then
    /// bind (as libpcap does); a socket made for a protocol queues frames at once.
    ///
    /// ``` no_run
    /// use baresock::PacketSocket;
    /// use baresock::packet::{ether, PacketKind};
    /// // Needs CAP_NET_RAW.
    /// let s = PacketSocket::new(PacketKind::Cooked, ether::IPV4)?;
    /// let mut buf = [0u8; 2048];
    /// let (n, from) = s.recv_from(&mut buf)?;
    /// println!("{n} bytes by interface {}", from.ifindex());
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socket(2), packet(7))]
    pub fn new(kind: PacketKind, protocol: u16) -> Result<PacketSocket> {
        let ty = match kind {
            PacketKind::Raw => Type::RAW,
            PacketKind::Cooked => Type::DGRAM,
        };
        Socket::new(Family::PACKET, ty, Protocol::ethertype(protocol))
            .map(|inner| PacketSocket { inner })
    }

    /// Receives only from one interface, and sends by it (`bind(2)`); protocol 0 in `addr`
    /// keeps the socket's.
    ///
    #[doc = man!(bind(2), packet(7))]
    pub fn bind(&self, addr: LinkAddr) -> Result<()> {
        self.inner.bind(addr)
    }

    /// Sends a frame (`SOCK_RAW`: whole, header included) or payload (`SOCK_DGRAM`: to the
    /// hardware address in `to`) by `to`'s interface.
    ///
    #[doc = man!(sendto(2), packet(7))]
    pub fn send_to(&self, buf: &[u8], to: LinkAddr) -> Result<usize> {
        self.inner.send_to(buf, to)
    }

    /// Sends by the bound interface.
    ///
    #[doc = man!(send(2), packet(7))]
    pub fn send(&self, buf: &[u8]) -> Result<usize> {
        self.inner.send(buf)
    }

    /// Receives a frame and where it came from; [`Error::Truncated`] with its true length if
    /// longer than `buf`.
    ///
    #[doc = man!(recvfrom(2), packet(7))]
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, LinkAddr)> {
        let (n, a) = self.inner.recv_from(buf)?;
        Ok((
            n,
            LinkAddr::try_from(a.ok_or(Error::Address(AddressError::Missing))?)?,
        ))
    }

    /// Receives a frame.
    ///
    #[doc = man!(recv(2), packet(7))]
    pub fn recv(&self, buf: &mut [u8]) -> Result<usize> {
        self.inner.recv(buf)
    }

    /// The bound address.
    ///
    #[doc = man!(getsockname(2), packet(7))]
    pub fn local_addr(&self) -> Result<LinkAddr> {
        LinkAddr::try_from(self.inner.local_addr()?)
    }
}

/// Packet options (`SOL_PACKET`): packet(7).
impl PacketSocket {
    fn membership(&self, op: u32, ifindex: u32, m: Membership<'_>) -> Result<()> {
        let (ty, addr) = match m {
            Membership::Promiscuous => (kp::PACKET_MR_PROMISC, &[][..]),
            Membership::AllMulticast => (kp::PACKET_MR_ALLMULTI, &[][..]),
            Membership::Multicast(a) => (kp::PACKET_MR_MULTICAST, a),
        };
        let mut mr = PacketMreq {
            ifindex: i32::try_from(ifindex).map_err(|_| Error::Os(Errno::NODEV))?,
            ty: ty as u16,
            alen: addr.len() as u16,
            address: [0; 8],
        };
        mr.address
            .get_mut(..addr.len())
            .ok_or(Error::Address(AddressError::LinkAddrTooLong {
                len: crate::error::sat32(addr.len()),
                max: 8,
            }))?
            .copy_from_slice(addr);
        sockopt::set(self.as_fd(), SOL_PACKET, op, &mr)
    }

    /// Joins a link-layer membership on an interface: promiscuous mode, all multicast, or one
    /// multicast address (`PACKET_ADD_MEMBERSHIP`). It ends when the socket closes.
    ///
    #[doc = man!(setsockopt(2), packet(7))]
    #[doc(alias = "PACKET_ADD_MEMBERSHIP")]
    pub fn add_membership(&self, ifindex: u32, m: Membership<'_>) -> Result<()> {
        self.membership(kp::PACKET_ADD_MEMBERSHIP, ifindex, m)
    }

    /// Leaves a membership (`PACKET_DROP_MEMBERSHIP`).
    ///
    #[doc = man!(setsockopt(2), packet(7))]
    #[doc(alias = "PACKET_DROP_MEMBERSHIP")]
    pub fn drop_membership(&self, ifindex: u32, m: Membership<'_>) -> Result<()> {
        self.membership(kp::PACKET_DROP_MEMBERSHIP, ifindex, m)
    }

    /// Hands back each packet's original length and VLAN tag as a control message
    /// ([`ControlMessage::PacketAux`](crate::ControlMessage::PacketAux), `PACKET_AUXDATA`).
    ///
    /// The tag reaches sockets for [`ether::ALL`](crate::ether::ALL) (taps): when no VLAN
    /// device takes a tagged frame, the kernel drops the tag before it delivers the frame to
    /// sockets bound to one EtherType. Filter a tap with BPF to see one protocol's tags.
    ///
    #[doc = man!(setsockopt(2), packet(7))]
    #[doc(alias = "PACKET_AUXDATA")]
    pub fn set_auxdata(&self, on: bool) -> Result<()> {
        sockopt::set(self.as_fd(), SOL_PACKET, kp::PACKET_AUXDATA, &i32::from(on))
    }

    /// Whether `PACKET_AUXDATA` is on.
    ///
    #[doc = man!(getsockopt(2), packet(7))]
    #[doc(alias = "PACKET_AUXDATA")]
    pub fn auxdata(&self) -> Result<bool> {
        sockopt::get::<i32>(self.as_fd(), SOL_PACKET, kp::PACKET_AUXDATA).map(|v| v != 0)
    }

    /// Leaves out packets this host sends (`PACKET_IGNORE_OUTGOING`).
    ///
    #[doc = man!(setsockopt(2), packet(7))]
    #[doc(alias = "PACKET_IGNORE_OUTGOING")]
    pub fn set_ignore_outgoing(&self, on: bool) -> Result<()> {
        sockopt::set(
            self.as_fd(),
            SOL_PACKET,
            kp::PACKET_IGNORE_OUTGOING,
            &i32::from(on),
        )
    }

    /// Whether `PACKET_IGNORE_OUTGOING` is on.
    ///
    #[doc = man!(getsockopt(2), packet(7))]
    #[doc(alias = "PACKET_IGNORE_OUTGOING")]
    pub fn ignore_outgoing(&self) -> Result<bool> {
        sockopt::get::<i32>(self.as_fd(), SOL_PACKET, kp::PACKET_IGNORE_OUTGOING).map(|v| v != 0)
    }

    /// Joins fanout group `group`: the group's sockets share its packets as `mode` says
    /// (`PACKET_FANOUT`), and returns the group id, which is the one the kernel picked with
    /// [`FanoutFlags::UNIQUE_ID`]. Bind the socket first; every member must use the same mode
    /// and flags, or the kernel answers `EINVAL`.
    ///
    /// [`InputError::InvalidFanout`](crate::InputError::InvalidFanout) for [`FanoutMode::Rollover`]
    /// with [`FanoutFlags::ROLLOVER`], or `UNIQUE_ID` with a group other than 0: the kernel refuses
    /// both.
    ///
    /// ```no_run
    /// use baresock::{LinkAddr, PacketSocket};
    /// use baresock::packet::{ether, FanoutFlags, FanoutMode, PacketKind};
    /// let member = || -> baresock::Result<PacketSocket> {
    ///     let s = PacketSocket::new(PacketKind::Raw, ether::ALL)?;
    ///     s.bind(LinkAddr::new(2, ether::ALL))?;
    ///     Ok(s)
    /// };
    /// let (a, b) = (member()?, member()?);
    /// // The first asks the kernel for a free group id; the second joins it by that id.
    /// let group = a.set_fanout(0, FanoutMode::Hash, FanoutFlags::UNIQUE_ID)?;
    /// b.set_fanout(group, FanoutMode::Hash, FanoutFlags::empty())?;
    /// // Now each flow's frames go to one of the two, always the same one.
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), packet(7))]
    #[doc(alias = "PACKET_FANOUT")]
    pub fn set_fanout(&self, group: u16, mode: FanoutMode, flags: FanoutFlags) -> Result<u16> {
        let unique = flags.contains(FanoutFlags::UNIQUE_ID);
        if (mode == FanoutMode::Rollover && flags.contains(FanoutFlags::ROLLOVER))
            || (unique && group != 0)
        {
            return Err(Error::Input(InputError::InvalidFanout));
        }
        let arg = u32::from(group) | (mode.to_raw() | u32::from(flags.bits())) << 16;
        sockopt::set(self.as_fd(), SOL_PACKET, kp::PACKET_FANOUT, &arg)?;
        if !unique {
            return Ok(group);
        }
        // In a group now, so a 0 from the kernel is group 0 (with mode Hash, no flags).
        Ok(sockopt::get::<u32>(self.as_fd(), SOL_PACKET, kp::PACKET_FANOUT)? as u16)
    }

    /// The program that picks a member for each packet in a [`FanoutMode::Bpf`] group: it
    /// returns the member's index, taken modulo the group's size (`PACKET_FANOUT_DATA`). Set
    /// it after [`set_fanout`](Self::set_fanout).
    ///
    #[doc = man!(setsockopt(2), packet(7))]
    #[doc(alias = "PACKET_FANOUT_DATA")]
    pub fn set_fanout_program(&self, program: &Program<'_>) -> Result<()> {
        sockopt::set_program(self.as_fd(), SOL_PACKET, kp::PACKET_FANOUT_DATA, program)
    }

    /// The fanout group the socket is in (`PACKET_FANOUT`).
    ///
    /// The kernel answers 0 both outside any group and in group 0 with mode
    /// [`FanoutMode::Hash`] and no flags; this reads both as `None`. The id
    /// [`set_fanout`](Self::set_fanout) returns is exact.
    ///
    #[doc = man!(getsockopt(2), packet(7))]
    #[doc(alias = "PACKET_FANOUT")]
    pub fn fanout(&self) -> Result<Option<Fanout>> {
        let v = sockopt::get::<u32>(self.as_fd(), SOL_PACKET, kp::PACKET_FANOUT)?;
        Ok((v != 0).then(|| Fanout {
            group: v as u16,
            mode: FanoutMode::from_raw((v >> 16) as u8),
            flags: FanoutFlags::from_bits_retain(((v >> 24) as u16) << 8),
        }))
    }

    /// The counters since the last read, which resets them (`PACKET_STATISTICS`). The packets
    /// counted include those dropped; [`PacketStats::freeze_count`] is there for a socket with
    /// an [`RxRing`](crate::RxRing).
    ///
    /// ```no_run
    /// use baresock::PacketSocket;
    /// use baresock::packet::{ether, PacketKind};
    /// let s = PacketSocket::new(PacketKind::Raw, ether::ALL)?;
    /// std::thread::sleep(std::time::Duration::from_secs(1));
    /// let stats = s.statistics()?;
    /// println!("{} frames, {} dropped for want of room", stats.packets, stats.drops);
    /// assert_eq!(stats.freeze_count, None, "no ring");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2), packet(7))]
    #[doc(alias = "PACKET_STATISTICS")]
    pub fn statistics(&self) -> Result<PacketStats> {
        let mut b = [0u8; STATS_V3_LEN];
        let n = sockopt::get_bytes(self.as_fd(), SOL_PACKET, kp::PACKET_STATISTICS, &mut b)?;
        PacketStats::decode(&b, n)
    }
}

/// `sizeof(struct tpacket_stats)`: packets, drops (linux/if_packet.h).
const STATS_LEN: usize = 8;
/// `sizeof(struct tpacket_stats_v3)`: packets, drops, freeze count; a `TPACKET_V3` socket's.
const STATS_V3_LEN: usize = 12;

impl PacketStats {
    /// The first `n` bytes of `b`, as `PACKET_STATISTICS` wrote them: a `tpacket_stats` or a
    /// `tpacket_stats_v3`, which differ in length only.
    fn decode(b: &[u8; STATS_V3_LEN], n: usize) -> Result<PacketStats> {
        let w = |i: usize| u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        match n {
            STATS_LEN | STATS_V3_LEN => Ok(PacketStats {
                packets: w(0),
                drops: w(4),
                freeze_count: (n == STATS_V3_LEN).then(|| w(8)),
            }),
            n => Err(Error::Input(InputError::OptionSize {
                expected: STATS_V3_LEN as u32,
                got: n as u32,
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn statistics_layouts_match_uapi() {
        assert_eq!(size_of::<kp::tpacket_stats>(), STATS_LEN);
        assert_eq!(size_of::<kp::tpacket_stats_v3>(), STATS_V3_LEN);
        // The union the kernel copies from is as long as the longer one.
        assert_eq!(size_of::<kp::tpacket_stats_u>(), STATS_V3_LEN);
        assert_eq!(offset_of!(kp::tpacket_stats, tp_packets), 0);
        assert_eq!(offset_of!(kp::tpacket_stats, tp_drops), 4);
        assert_eq!(offset_of!(kp::tpacket_stats_v3, tp_packets), 0);
        assert_eq!(offset_of!(kp::tpacket_stats_v3, tp_drops), 4);
        assert_eq!(offset_of!(kp::tpacket_stats_v3, tp_freeze_q_cnt), 8);
    }

    #[test]
    fn statistics_decode_where_the_kernel_writes() {
        let mut b = [0u8; STATS_V3_LEN];
        let mut put = |at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_ne_bytes());
        put(offset_of!(kp::tpacket_stats_v3, tp_packets), 0x0102_0304);
        put(offset_of!(kp::tpacket_stats_v3, tp_drops), 7);
        put(offset_of!(kp::tpacket_stats_v3, tp_freeze_q_cnt), 3);
        let v3 = PacketStats {
            packets: 0x0102_0304,
            drops: 7,
            freeze_count: Some(3),
        };
        assert_eq!(PacketStats::decode(&b, STATS_V3_LEN), Ok(v3));
        assert_eq!(
            PacketStats::decode(&b, STATS_LEN),
            Ok(PacketStats {
                freeze_count: None,
                ..v3
            })
        );
        assert_eq!(
            PacketStats::decode(&b, 4),
            Err(Error::Input(InputError::OptionSize {
                expected: 12,
                got: 4
            }))
        );
    }
}
