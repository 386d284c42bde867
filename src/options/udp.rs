//! UDP options (`SOL_UDP`): udp(7).

use linux_raw_sys::net as k;
use rustix::fd::AsFd;

use crate::sys::sockopt;
use crate::{Result, Socket};

use super::{get_int, set_int};

/// UDP options (`SOL_UDP`): udp(7).
impl Socket {
    int_option!(
        /// Segments each send into datagrams of this many payload bytes, in the kernel or the
        /// NIC (generic segmentation offload); 0 turns it off (`UDP_SEGMENT`).
        ///
        /// ```
        /// use baresock::UdpSocket;
        /// let s = UdpSocket::bind("127.0.0.1:0")?;
        /// // Each send of up to 64 KiB leaves as datagrams of 1200 bytes (where the kernel has GSO).
        /// if s.as_socket().set_udp_segment(1200).is_ok() {
        ///     assert_eq!(s.as_socket().udp_segment()?, 1200);
        /// }
        /// # Ok::<(), baresock::Error>(())
        /// ```
        ["UDP_SEGMENT"], k::SOL_UDP, sockopt::UDP_SEGMENT, udp_segment, set_udp_segment, u16, udp
    );

    bool_option!(
        /// Receives runs of datagrams coalesced into one buffer, with their segment size as a
        /// control message (generic receive offload, `UDP_GRO`).
        "UDP_GRO", k::SOL_UDP, sockopt::UDP_GRO, udp_gro, set_udp_gro, udp
    );
}
