//! Which control messages arrive with received messages, and [`Timestamping`]: socket(7),
//! ip(7), ipv6(7).

use linux_raw_sys::net as k;
use rustix::fd::AsFd;
use rustix::io::Errno;

use crate::{Error, Result, Socket};

use super::{get_int, set_int, IP, IPV6};

bitflags::bitflags! {
    /// What `SO_TIMESTAMPING` stamps and reports (the kernel's `SOF_TIMESTAMPING_*`;
    /// Documentation/networking/timestamping.rst).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct Timestamping: u32 {
        /// Stamp outgoing packets in hardware.
        const TX_HARDWARE = 1 << 0;
        /// Stamp outgoing packets in software.
        const TX_SOFTWARE = 1 << 1;
        /// Stamp incoming packets in hardware.
        const RX_HARDWARE = 1 << 2;
        /// Stamp incoming packets in software.
        const RX_SOFTWARE = 1 << 3;
        /// Report software stamps.
        const SOFTWARE = 1 << 4;
        /// Report raw hardware stamps.
        const RAW_HARDWARE = 1 << 6;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Timestamping {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "Timestamping({=u32:#x})", self.bits())
    }
}

/// Which control messages arrive with received messages (read them with
/// [`Socket::recv_msg`]): socket(7), ip(7), ipv6(7).
impl Socket {
    bool_option!(
        /// Receives the sender's credentials with each message on a Unix socket
        /// (`SO_PASSCRED`).
        ["SO_PASSCRED", "pass_credentials", "set_pass_credentials"], k::SOL_SOCKET, k::SO_PASSCRED, passcred, set_passcred, socket
    );

    /// Receives a nanosecond timestamp with each packet (`SO_TIMESTAMPNS`), in the 64-bit
    /// format where the kernel has it (5.1 and later).
    ///
    /// ```
    /// use baresock::{IoSliceMut, RecvFlags, UdpSocket};
    /// use baresock::msg::ControlMessage;
    /// let rx = UdpSocket::bind("127.0.0.1:0")?;
    /// let tx = UdpSocket::bind("127.0.0.1:0")?;
    /// rx.as_socket().set_timestamp_ns(true)?;
    /// tx.send_to(b"when?", rx.local_addr()?)?;
    /// let (mut buf, mut space) = ([0u8; 16], [0u8; 64]);
    /// let mut bufs = [IoSliceMut::new(&mut buf)];
    /// let msg = rx.as_socket().recv_msg(&mut bufs, &mut space, RecvFlags::empty())?;
    /// assert!(msg.control().any(|c| matches!(c, ControlMessage::Timestamp(t) if t.sec > 0)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), socket(7))]
    #[doc(alias = "SO_TIMESTAMPNS")]
    pub fn set_timestamp_ns(&self, on: bool) -> Result<()> {
        match set_int(
            self.as_fd(),
            k::SOL_SOCKET,
            k::SO_TIMESTAMPNS_NEW,
            on.into(),
        ) {
            Err(Error::Os(Errno::NOPROTOOPT)) => set_int(
                self.as_fd(),
                k::SOL_SOCKET,
                k::SO_TIMESTAMPNS_OLD,
                on.into(),
            ),
            r => r,
        }
    }

    /// Whether `SO_TIMESTAMPNS` is on.
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    #[doc(alias = "SO_TIMESTAMPNS")]
    pub fn timestamp_ns(&self) -> Result<bool> {
        // The kernel reports it on only under the variant (64-bit or old) that was set.
        let new = match get_int(self.as_fd(), k::SOL_SOCKET, k::SO_TIMESTAMPNS_NEW) {
            Err(Error::Os(Errno::NOPROTOOPT)) => 0,
            r => r?,
        };
        Ok(new != 0 || get_int(self.as_fd(), k::SOL_SOCKET, k::SO_TIMESTAMPNS_OLD)? != 0)
    }

    /// Asks for timestamps of the given kinds (`SO_TIMESTAMPING`); the reported ones arrive as
    /// [`ControlMessage::Timestamping`](crate::ControlMessage::Timestamping). The kernel turns
    /// software receive stamping on asynchronously: the first packets after this call may
    /// arrive without a stamp.
    ///
    #[doc = man!(setsockopt(2), socket(7), timestamping)]
    #[doc(alias = "SO_TIMESTAMPING")]
    pub fn set_timestamping(&self, flags: Timestamping) -> Result<()> {
        let v = flags.bits() as i32;
        match set_int(self.as_fd(), k::SOL_SOCKET, k::SO_TIMESTAMPING_NEW, v) {
            Err(Error::Os(Errno::NOPROTOOPT)) => {
                set_int(self.as_fd(), k::SOL_SOCKET, k::SO_TIMESTAMPING_OLD, v)
            }
            r => r,
        }
    }

    /// The `SO_TIMESTAMPING` flags.
    ///
    #[doc = man!(getsockopt(2), socket(7), timestamping)]
    #[doc(alias = "SO_TIMESTAMPING")]
    pub fn timestamping(&self) -> Result<Timestamping> {
        get_int(self.as_fd(), k::SOL_SOCKET, k::SO_TIMESTAMPING_OLD)
            .map(|v| Timestamping::from_bits_retain(v as u32))
    }

    bool_option!(
        /// Receives the interface and addresses of each IPv4 packet (`IP_PKTINFO`).
        ///
        /// ```
        /// use baresock::{IoSliceMut, RecvFlags, UdpSocket};
        /// use baresock::msg::ControlMessage;
        /// let rx = UdpSocket::bind("0.0.0.0:0")?;
        /// rx.as_socket().set_recv_packet_info_v4(true)?;
        /// let port = rx.local_addr()?.port();
        /// let tx = UdpSocket::bind("127.0.0.1:0")?;
        /// tx.send_to(b"x", ("127.0.0.1".parse::<core::net::IpAddr>().unwrap(), port))?;
        /// let (mut buf, mut space) = ([0u8; 8], [0u8; 64]);
        /// let mut bufs = [IoSliceMut::new(&mut buf)];
        /// let msg = rx.as_socket().recv_msg(&mut bufs, &mut space, RecvFlags::empty())?;
        /// // Which address the datagram was sent to, on a socket bound to all of them.
        /// assert!(msg.control().any(|c| matches!(
        ///     c,
        ///     ControlMessage::PacketInfoV4 { destination, .. } if destination.is_loopback()
        /// )));
        /// # Ok::<(), baresock::Error>(())
        /// ```
        "IP_PKTINFO", IP, k::IP_PKTINFO, recv_packet_info_v4, set_recv_packet_info_v4, ip
    );
    bool_option!(
        /// Receives the TTL of each IPv4 packet (`IP_RECVTTL`).
        ["IP_RECVTTL", "recv_ttl", "set_recv_ttl"], IP, k::IP_RECVTTL, recv_ttl_v4, set_recv_ttl_v4, ip
    );
    bool_option!(
        /// Receives the TOS byte of each IPv4 packet (`IP_RECVTOS`).
        ["IP_RECVTOS", "recv_tos", "set_recv_tos"], IP, k::IP_RECVTOS, recv_tos_v4, set_recv_tos_v4, ip
    );
    bool_option!(
        /// Receives the interface and destination of each IPv6 packet (`IPV6_RECVPKTINFO`).
        "IPV6_RECVPKTINFO", IPV6, k::IPV6_RECVPKTINFO, recv_packet_info_v6, set_recv_packet_info_v6, ipv6
    );
    bool_option!(
        /// Receives the hop limit of each IPv6 packet (`IPV6_RECVHOPLIMIT`).
        ["IPV6_RECVHOPLIMIT", "recv_hop_limit", "set_recv_hop_limit"], IPV6, k::IPV6_RECVHOPLIMIT, recv_hoplimit_v6, set_recv_hoplimit_v6, ipv6
    );
    bool_option!(
        /// Receives the traffic class of each IPv6 packet (`IPV6_RECVTCLASS`).
        ["IPV6_RECVTCLASS", "recv_traffic_class", "set_recv_traffic_class"], IPV6, k::IPV6_RECVTCLASS, recv_tclass_v6, set_recv_tclass_v6, ipv6
    );
}
