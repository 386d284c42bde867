//! Messages with ancillary data: `sendmsg(2)`/`recvmsg(2)` over vectored buffers and control
//! messages in the caller's buffers, typed both ways; `send_fds`/`recv_fds`.
//!
//! Nothing is lost silently: a datagram longer than the buffers reports its true length, a cut
//! control buffer is reported and any fds it carried are closed, and a control message this
//! crate does not know is handed over raw.

use crate::InputError;
use core::net::{Ipv4Addr, Ipv6Addr};
use core::time::Duration;

use linux_raw_sys::net as k;
use rustix::fd::{BorrowedFd, OwnedFd};

use rustix::io::{IoSlice, IoSliceMut};

use crate::sys::msg::{self as raw, RawCmsg, Received};
use crate::{Error, Result, SockAddr};

/// Bytes of control buffer one control message with `len` bytes of data takes
/// (`CMSG_SPACE`).
///
/// ```
/// // Room for passing three fds.
/// let mut control = [0u8; baresock::msg::cmsg_space(3 * 4)];
/// # let _ = &mut control;
/// ```
pub const fn cmsg_space(len: usize) -> usize {
    raw::cmsg_align(raw::CMSG_HDR) + raw::cmsg_align(len)
}

/// Control-buffer room [`Socket::recv_fds`](crate::Socket::recv_fds) keeps for messages other
/// than the fds: credentials (32 bytes) and timestamps (up to 64).
const OTHER_CONTROL: usize = 128;

/// The most fds one `SCM_RIGHTS` message may carry (`SCM_MAX_FD`).
pub const MAX_FDS: usize = 253;

/// A process's credentials, as `SCM_CREDENTIALS` carries them (`struct ucred`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Credentials {
    /// Process id.
    pub pid: u32,
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
}

impl Credentials {
    /// This process's own credentials: what a sender may always claim.
    pub fn current() -> Credentials {
        let (pid, uid, gid) = crate::sys::os::ids();
        Credentials { pid, uid, gid }
    }

    fn to_bytes(self) -> [u8; 12] {
        let mut b = [0u8; 12];
        b[0..4].copy_from_slice(&self.pid.to_ne_bytes());
        b[4..8].copy_from_slice(&self.uid.to_ne_bytes());
        b[8..12].copy_from_slice(&self.gid.to_ne_bytes());
        b
    }
}

/// A point in time on the kernel's clock (`CLOCK_REALTIME` for receive timestamps): seconds
/// and nanoseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Timestamp {
    /// Seconds since the epoch.
    pub sec: i64,
    /// Nanoseconds, 0 to 999 999 999.
    pub nsec: u32,
}

impl Timestamp {
    /// Time since the epoch; `None` before it.
    pub fn since_epoch(&self) -> Option<Duration> {
        u64::try_from(self.sec)
            .ok()
            .map(|s| Duration::new(s, self.nsec))
    }

    /// Whether it is zero: `SO_TIMESTAMPING` leaves the stamps it does not take at zero.
    pub fn is_zero(&self) -> bool {
        self.sec == 0 && self.nsec == 0
    }

    /// As a `SystemTime` (feature `std`).
    #[cfg(feature = "std")]
    pub fn to_system_time(&self) -> Option<std::time::SystemTime> {
        self.since_epoch()
            .and_then(|d| std::time::UNIX_EPOCH.checked_add(d))
    }
}

/// One control message received with a message (cmsg(3)).
#[derive(Debug)]
#[non_exhaustive]
pub enum ControlMessage<'a> {
    /// File descriptors passed by the sender (`SCM_RIGHTS`), still owned by the [`RecvMsg`]:
    /// take them with [`RecvMsg::take_fds`], or they are closed with it.
    Rights(Fds<'a>),
    /// The sender's credentials (`SCM_CREDENTIALS`; needs `SO_PASSCRED`).
    Credentials(Credentials),
    /// When the packet arrived (`SCM_TIMESTAMPNS`; needs `SO_TIMESTAMPNS`).
    Timestamp(Timestamp),
    /// Stamps from `SO_TIMESTAMPING` (`SCM_TIMESTAMPING`): software and hardware; the ones not
    /// asked for are zero.
    Timestamping {
        /// The software stamp.
        software: Timestamp,
        /// The raw hardware stamp.
        hardware: Timestamp,
    },
    /// Where an IPv4 packet arrived (`IP_PKTINFO`).
    PacketInfoV4 {
        /// The interface it came in by.
        ifindex: u32,
        /// The local address a reply would come from.
        local: Ipv4Addr,
        /// The packet's destination address.
        destination: Ipv4Addr,
    },
    /// Where an IPv6 packet arrived (`IPV6_PKTINFO`).
    PacketInfoV6 {
        /// The interface it came in by.
        ifindex: u32,
        /// The packet's destination address.
        destination: Ipv6Addr,
    },
    /// The IPv4 TTL the packet arrived with (`IP_TTL`; needs `IP_RECVTTL`).
    Ttl(u8),
    /// The IPv6 hop limit the packet arrived with (`IPV6_HOPLIMIT`).
    HopLimit(u8),
    /// The IPv4 type-of-service byte (`IP_TOS`; needs `IP_RECVTOS`).
    Tos(u8),
    /// The IPv6 traffic class (`IPV6_TCLASS`).
    TrafficClass(u8),
    /// The segment size of datagrams coalesced by GRO (`UDP_GRO`).
    GroSegmentSize(u16),
    /// What a packet socket knows of a frame beyond its bytes (`PACKET_AUXDATA`).
    PacketAux {
        /// The frame's length on the wire (the data may be shorter: snap length).
        original_len: u32,
        /// The bytes captured.
        snap_len: u32,
        /// The VLAN tag the NIC or kernel took off the frame, if any: (TCI, TPID).
        vlan: Option<(u16, u16)>,
    },
    /// A control message this crate does not decode, as the kernel wrote it; also one of a
    /// known kind whose data has an unexpected size.
    Other {
        /// `cmsg_level`.
        level: i32,
        /// `cmsg_type`.
        ty: i32,
        /// The data.
        data: &'a [u8],
    },
}

#[cfg(feature = "defmt")]
impl defmt::Format for ControlMessage<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            ControlMessage::Rights(fds) => {
                defmt::write!(f, "Rights({=usize} fds)", fds.clone().count())
            }
            ControlMessage::Credentials(c) => defmt::write!(f, "Credentials({})", c),
            ControlMessage::Timestamp(t) => defmt::write!(f, "Timestamp({})", t),
            ControlMessage::Timestamping { software, hardware } => defmt::write!(
                f,
                "Timestamping {{ software: {}, hardware: {} }}",
                software,
                hardware
            ),
            ControlMessage::PacketInfoV4 {
                ifindex,
                local,
                destination,
            } => defmt::write!(
                f,
                "PacketInfoV4 {{ ifindex: {=u32}, local: {}, destination: {} }}",
                ifindex,
                local.octets(),
                destination.octets()
            ),
            ControlMessage::PacketInfoV6 {
                ifindex,
                destination,
            } => defmt::write!(
                f,
                "PacketInfoV6 {{ ifindex: {=u32}, destination: {} }}",
                ifindex,
                destination.segments()
            ),
            ControlMessage::Ttl(v) => defmt::write!(f, "Ttl({=u8})", v),
            ControlMessage::HopLimit(v) => defmt::write!(f, "HopLimit({=u8})", v),
            ControlMessage::Tos(v) => defmt::write!(f, "Tos({=u8:#x})", v),
            ControlMessage::TrafficClass(v) => defmt::write!(f, "TrafficClass({=u8:#x})", v),
            ControlMessage::GroSegmentSize(v) => defmt::write!(f, "GroSegmentSize({=u16})", v),
            ControlMessage::PacketAux {
                original_len,
                snap_len,
                vlan,
            } => defmt::write!(
                f,
                "PacketAux {{ original_len: {=u32}, snap_len: {=u32}, vlan: {} }}",
                original_len,
                snap_len,
                vlan
            ),
            ControlMessage::Other { level, ty, data } => defmt::write!(
                f,
                "Other {{ level: {=i32}, ty: {=i32}, data: {=[u8]:x} }}",
                level,
                ty,
                data
            ),
        }
    }
}

/// The fds of an `SCM_RIGHTS` message, borrowed from the [`RecvMsg`] that owns them.
#[derive(Clone, Debug)]
pub struct Fds<'a> {
    data: &'a [u8],
}

impl<'a> Iterator for Fds<'a> {
    type Item = BorrowedFd<'a>;

    fn next(&mut self) -> Option<BorrowedFd<'a>> {
        loop {
            let (slot, rest) = self.data.split_first_chunk::<4>()?;
            self.data = rest;
            // Taken slots read as -1; the rest are fds the message still owns.
            if let Some(fd) = raw::borrow_fd(slot) {
                return Some(fd);
            }
        }
    }
}

fn int_at(data: &[u8]) -> Option<i32> {
    data.first_chunk::<4>().map(|b| i32::from_ne_bytes(*b))
}

fn timestamps<const N: usize>(data: &[u8]) -> Option<[Timestamp; N]> {
    // Either N `__kernel_timespec`s (two i64s) or N old `timespec`s (two C longs).
    let wide = 16;
    let narrow = 2 * core::mem::size_of::<core::ffi::c_long>();
    let each = if data.len() == N * wide {
        wide
    } else if data.len() == N * narrow {
        narrow
    } else {
        return None;
    };
    let mut out = [Timestamp::default(); N];
    for (i, ts) in out.iter_mut().enumerate() {
        let b = &data[i * each..(i + 1) * each];
        let half = each / 2;
        let read = |s: &[u8]| -> i64 {
            if half == 8 {
                i64::from_ne_bytes(s.try_into().unwrap_or_default())
            } else {
                i32::from_ne_bytes(s.try_into().unwrap_or_default()).into()
            }
        };
        *ts = Timestamp {
            sec: read(&b[..half]),
            nsec: read(&b[half..]).clamp(0, 999_999_999) as u32,
        };
    }
    Some(out)
}

/// Decodes one control message. Kinds with data of an unexpected size come out as `Other`.
fn decode(cm: RawCmsg<'_>) -> ControlMessage<'_> {
    let (level, ty, data) = (cm.level, cm.ty, cm.data);
    let known = match (level as u32, ty as u32) {
        (k::SOL_SOCKET, k::SCM_RIGHTS) => Some(ControlMessage::Rights(Fds { data })),
        (k::SOL_SOCKET, k::SCM_CREDENTIALS) if data.len() == 12 => {
            let w = |i: usize| u32::from_ne_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
            Some(ControlMessage::Credentials(Credentials {
                pid: w(0),
                uid: w(4),
                gid: w(8),
            }))
        }
        (k::SOL_SOCKET, k::SO_TIMESTAMPNS_OLD | k::SO_TIMESTAMPNS_NEW) => {
            timestamps::<1>(data).map(|[t]| ControlMessage::Timestamp(t))
        }
        (k::SOL_SOCKET, k::SO_TIMESTAMPING_OLD | k::SO_TIMESTAMPING_NEW) => timestamps::<3>(data)
            .map(|[software, _, hardware]| ControlMessage::Timestamping { software, hardware }),
        (IP, k::IP_PKTINFO) if data.len() == 12 => Some(ControlMessage::PacketInfoV4 {
            ifindex: int_at(data).unwrap_or(0) as u32,
            local: Ipv4Addr::new(data[4], data[5], data[6], data[7]),
            destination: Ipv4Addr::new(data[8], data[9], data[10], data[11]),
        }),
        (IPV6, k::IPV6_PKTINFO) if data.len() == 20 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(&data[..16]);
            Some(ControlMessage::PacketInfoV6 {
                ifindex: int_at(&data[16..]).unwrap_or(0) as u32,
                destination: Ipv6Addr::from(a),
            })
        }
        (IP, k::IP_TTL) if data.len() == 4 => int_at(data).map(|v| ControlMessage::Ttl(v as u8)),
        // The kernel sends IP_TOS as one byte.
        (IP, k::IP_TOS) if data.len() == 1 => Some(ControlMessage::Tos(data[0])),
        (IPV6, k::IPV6_HOPLIMIT) if data.len() == 4 => {
            int_at(data).map(|v| ControlMessage::HopLimit(v as u8))
        }
        (IPV6, k::IPV6_TCLASS) if data.len() == 4 => {
            int_at(data).map(|v| ControlMessage::TrafficClass(v as u8))
        }
        (k::SOL_PACKET, PACKET_AUXDATA) if data.len() == AUXDATA_LEN => {
            let w = |i: usize| u32::from_ne_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
            let h = |i: usize| u16::from_ne_bytes([data[i], data[i + 1]]);
            let status = w(0);
            let vlan = (status & TP_STATUS_VLAN_VALID != 0).then(|| {
                let tpid = if status & TP_STATUS_VLAN_TPID_VALID != 0 {
                    h(18)
                } else {
                    crate::packet::ether::VLAN
                };
                (h(16), tpid)
            });
            Some(ControlMessage::PacketAux {
                original_len: w(4),
                snap_len: w(8),
                vlan,
            })
        }
        (k::SOL_UDP, crate::sys::sockopt::UDP_GRO) if data.len() == 4 => {
            int_at(data).map(|v| ControlMessage::GroSegmentSize(v as u16))
        }
        _ => None,
    };
    known.unwrap_or(ControlMessage::Other { level, ty, data })
}

const IP: u32 = k::IPPROTO_IP as u32;
const IPV6: u32 = k::IPPROTO_IPV6 as u32;
const PACKET_AUXDATA: u32 = linux_raw_sys::if_packet::PACKET_AUXDATA;
/// `sizeof(struct tpacket_auxdata)` (linux/if_packet.h): status, length, snap length (`u32`s),
/// then MAC and network offsets, VLAN TCI and TPID (`u16`s).
const AUXDATA_LEN: usize = 20;
const TP_STATUS_VLAN_VALID: u32 = linux_raw_sys::if_packet::TP_STATUS_VLAN_VALID;
const TP_STATUS_VLAN_TPID_VALID: u32 = linux_raw_sys::if_packet::TP_STATUS_VLAN_TPID_VALID;

mod cut;
mod mmsg;
mod socket;

pub use mmsg::{RecvEntry, SendEntry, MMSG_MAX};

/// The control messages of a [`RecvMsg`] (or a [`RecvEntry`]), decoded.
///
/// Only whole messages come out. When the control buffer was too small
/// ([`RecvMsg::control_truncated`]), the kernel wrote what fit of the message that did not
/// fit, and nothing after it: the iterator ends before that fragment, so code that iterates
/// without checking never sees a piece of a message. (A last message whose data has the
/// length its kind always has is whole, and comes out; one of a kind this crate does not
/// decode cannot be told whole when it reaches the end of a cut buffer, and is left out.)
pub struct ControlMessages<'a> {
    rest: &'a [u8],
    /// `MSG_CTRUNC`: the last message may be cut.
    cut: bool,
}

impl<'a> Iterator for ControlMessages<'a> {
    type Item = ControlMessage<'a>;

    fn next(&mut self) -> Option<ControlMessage<'a>> {
        let (cm, rest) = raw::split_cmsg(self.rest)?;
        if self.cut && rest.is_empty() && cut::maybe_cut(&cm, self.rest) {
            self.rest = &[];
            return None;
        }
        self.rest = rest;
        Some(decode(cm))
    }
}

/// Control messages to send, written into a buffer of the caller's (cmsg(3)).
///
/// ```
/// use baresock::UnixStream;
/// use baresock::msg::{cmsg_space, ControlBuilder};
/// use std::os::fd::AsFd;
///
/// let (a, b) = UnixStream::pair()?;
/// let file = std::fs::File::open("/dev/null").unwrap();
/// let mut space = [0u8; cmsg_space(4)];
/// let mut control = ControlBuilder::new(&mut space);
/// control.rights(&[file.as_fd()])?;
/// a.as_socket().send_msg(&[baresock::IoSlice::new(b"x")], control.as_bytes(), None, Default::default())?;
/// # Ok::<(), baresock::Error>(())
/// ```
pub struct ControlBuilder<'a> {
    buf: &'a mut [u8],
    used: usize,
}

impl core::fmt::Debug for ControlBuilder<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ControlBuilder")
            .field("used", &self.used)
            .field("capacity", &self.buf.len())
            .finish()
    }
}

impl<'a> ControlBuilder<'a> {
    /// A builder writing into `buf`; size it with [`cmsg_space`] for each message.
    ///
    /// ```
    /// use baresock::msg::{cmsg_space, ControlBuilder, Credentials};
    /// let mut space = [0u8; cmsg_space(12) + cmsg_space(4)];
    /// let mut c = ControlBuilder::new(&mut space);
    /// c.credentials(Credentials::current())?.ttl(64)?;
    /// assert_eq!(c.as_bytes().len(), space.len());
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn new(buf: &'a mut [u8]) -> Self {
        ControlBuilder { buf, used: 0 }
    }

    /// Adds a control message as raw level, type and data. Fails with
    /// [`InputError::BufferTooSmall`] when it does not fit.
    pub fn raw(&mut self, level: i32, ty: i32, data: &[u8]) -> Result<&mut Self> {
        if raw::push_cmsg(self.buf, &mut self.used, level, ty, data) {
            Ok(self)
        } else {
            Err(Error::Input(InputError::BufferTooSmall {
                needed: crate::error::sat32(self.used + cmsg_space(data.len())),
            }))
        }
    }

    /// Passes file descriptors (`SCM_RIGHTS`); at most [`MAX_FDS`]
    /// ([`InputError::TooManyFds`]).
    pub fn rights(&mut self, fds: &[BorrowedFd<'_>]) -> Result<&mut Self> {
        if fds.len() > MAX_FDS {
            return Err(Error::Input(InputError::TooManyFds {
                count: crate::error::sat32(fds.len()),
            }));
        }
        let mut data = [0u8; MAX_FDS * 4];
        for (slot, fd) in data.chunks_exact_mut(4).zip(fds) {
            slot.copy_from_slice(&raw::raw_fd(fd).to_ne_bytes());
        }
        self.raw(
            k::SOL_SOCKET as i32,
            k::SCM_RIGHTS as i32,
            &data[..fds.len() * 4],
        )
    }

    /// Sends credentials (`SCM_CREDENTIALS`): one's own, or others' with the capabilities for
    /// them.
    pub fn credentials(&mut self, c: Credentials) -> Result<&mut Self> {
        self.raw(
            k::SOL_SOCKET as i32,
            k::SCM_CREDENTIALS as i32,
            &c.to_bytes(),
        )
    }

    /// The interface and source address for this IPv4 datagram (`IP_PKTINFO`); 0 and
    /// unspecified let the kernel choose.
    pub fn packet_info_v4(&mut self, ifindex: u32, source: Ipv4Addr) -> Result<&mut Self> {
        let mut d = [0u8; 12];
        d[0..4].copy_from_slice(&(ifindex as i32).to_ne_bytes());
        d[4..8].copy_from_slice(&source.octets());
        self.raw(IP as i32, k::IP_PKTINFO as i32, &d)
    }

    /// The interface and source address for this IPv6 datagram (`IPV6_PKTINFO`).
    pub fn packet_info_v6(&mut self, ifindex: u32, source: Ipv6Addr) -> Result<&mut Self> {
        let mut d = [0u8; 20];
        d[..16].copy_from_slice(&source.octets());
        d[16..].copy_from_slice(&(ifindex as i32).to_ne_bytes());
        self.raw(IPV6 as i32, k::IPV6_PKTINFO as i32, &d)
    }

    /// The TTL of this IPv4 datagram (`IP_TTL`).
    pub fn ttl(&mut self, ttl: u8) -> Result<&mut Self> {
        self.raw(IP as i32, k::IP_TTL as i32, &i32::from(ttl).to_ne_bytes())
    }

    /// The hop limit of this IPv6 datagram (`IPV6_HOPLIMIT`).
    pub fn hop_limit(&mut self, hops: u8) -> Result<&mut Self> {
        self.raw(
            IPV6 as i32,
            k::IPV6_HOPLIMIT as i32,
            &i32::from(hops).to_ne_bytes(),
        )
    }

    /// The type-of-service byte of this IPv4 datagram (`IP_TOS`).
    pub fn tos(&mut self, tos: u8) -> Result<&mut Self> {
        self.raw(IP as i32, k::IP_TOS as i32, &i32::from(tos).to_ne_bytes())
    }

    /// The traffic class of this IPv6 datagram (`IPV6_TCLASS`).
    pub fn traffic_class(&mut self, tclass: u8) -> Result<&mut Self> {
        self.raw(
            IPV6 as i32,
            k::IPV6_TCLASS as i32,
            &i32::from(tclass).to_ne_bytes(),
        )
    }

    /// Segments this send into datagrams of `size` bytes (`UDP_SEGMENT`, GSO).
    pub fn udp_segment(&mut self, size: u16) -> Result<&mut Self> {
        self.raw(
            k::SOL_UDP as i32,
            crate::sys::sockopt::UDP_SEGMENT as i32,
            &size.to_ne_bytes(),
        )
    }

    /// The control messages written so far, to pass to [`Socket::send_msg`].
    ///
    /// [`Socket::send_msg`]: crate::Socket::send_msg
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.used]
    }
}

/// A message received by [`Socket::recv_msg`](crate::Socket::recv_msg).
///
/// It owns the fds that arrived with it until they are taken with
/// [`take_fds`](RecvMsg::take_fds); those not taken are closed when it is dropped.
pub struct RecvMsg<'c> {
    pub(crate) len: usize,
    pub(crate) bytes: usize,
    pub(crate) flags: u32,
    pub(crate) addr: Option<SockAddr>,
    pub(crate) control: Received<'c>,
}

#[cfg(feature = "defmt")]
impl defmt::Format for RecvMsg<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "RecvMsg {{ bytes: {=usize}, truncated: {}, flags: {=u32:#x}, addr: {} }}",
            self.bytes,
            self.truncated(),
            self.flags,
            self.addr
        )
    }
}

impl RecvMsg<'_> {
    /// Bytes written into the buffers.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// For a datagram longer than the buffers, its true length (`MSG_TRUNC`); the buffers hold
    /// its first [`bytes`](Self::bytes). CAN protocols do not tell the true length: there this
    /// is the bytes kept.
    pub fn truncated(&self) -> Option<usize> {
        (self.flags & k::MSG_TRUNC != 0).then_some(self.len)
    }

    /// Whether the control buffer was too small and messages were cut (`MSG_CTRUNC`). Any fds
    /// that arrived then have been closed: the kernel's cut may have split their message. The
    /// message the kernel cut is not among [`control`](Self::control)'s.
    pub fn control_truncated(&self) -> bool {
        self.flags & k::MSG_CTRUNC != 0
    }

    /// Whether this ends a record, for `SOCK_SEQPACKET` (`MSG_EOR`).
    pub fn end_of_record(&self) -> bool {
        self.flags & k::MSG_EOR != 0
    }

    /// The sender's address, where the kernel gives one.
    pub fn addr(&self) -> Option<&SockAddr> {
        self.addr.as_ref()
    }

    /// The raw `msg_flags`.
    pub fn flags(&self) -> u32 {
        self.flags
    }

    /// The control messages, decoded: the whole ones (a message the kernel cut, when the
    /// buffer was too small, is left out: see [`ControlMessages`]).
    pub fn control(&self) -> ControlMessages<'_> {
        ControlMessages {
            rest: self.control.bytes(),
            cut: self.control_truncated(),
        }
    }

    /// Takes the received fds, in order, into `out`; returns how many. Fds that do not fit
    /// stay owned by the message (and are closed with it), so a second call can take them.
    ///
    /// ```
    /// use baresock::{IoSliceMut, RecvFlags, UnixStream};
    /// use std::os::fd::{AsFd, OwnedFd};
    ///
    /// let (a, b) = UnixStream::pair()?;
    /// let (x, _y) = UnixStream::pair()?;
    /// a.as_socket().send_fds(b"!", &[x.as_fd()])?;
    /// let mut buf = [0u8; 4];
    /// let mut space = [0u8; 64];
    /// let mut bufs = [IoSliceMut::new(&mut buf)];
    /// let mut msg = b.as_socket().recv_msg(&mut bufs, &mut space, RecvFlags::empty())?;
    /// let mut fds: [Option<OwnedFd>; 2] = [None, None];
    /// assert_eq!(msg.take_fds(&mut fds), 1); // now ours; without this the message closes them
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn take_fds(&mut self, out: &mut [Option<OwnedFd>]) -> usize {
        let mut n = 0;
        for slot in out.iter_mut() {
            match self.control.take_next_fd() {
                Some(fd) => {
                    *slot = Some(fd);
                    n += 1;
                }
                None => break,
            }
        }
        n
    }
}

impl core::fmt::Debug for RecvMsg<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RecvMsg")
            .field("bytes", &self.bytes)
            .field("truncated", &self.truncated())
            .field("control_truncated", &self.control_truncated())
            .field("addr", &self.addr)
            .field("control", &self.control().count())
            .finish()
    }
}

/// What [`Socket::recv_fds`](crate::Socket::recv_fds) received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecvFds {
    /// Bytes written into the buffer.
    pub bytes: usize,
    /// Fds written into the slots.
    pub fds: usize,
    /// More fds were sent than the slots could take: the kernel cut them off, and those that
    /// did arrive were closed (none are in the slots).
    pub fds_truncated: bool,
    /// For a datagram longer than the buffer, its true length.
    pub truncated: Option<usize>,
}

#[cfg(test)]
mod tests;
