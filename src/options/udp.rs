//! UDP options (`SOL_UDP`): udp(7).

use linux_raw_sys::net as k;
use rustix::fd::AsFd;

use crate::sys::sockopt;
use crate::{Result, Socket};

use super::{get_int, set_int};

/// UDP options (`SOL_UDP`): udp(7).
impl Socket {
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
    ///
    #[doc = man!(setsockopt(2), udp(7))]
    #[doc(alias = "UDP_SEGMENT")]
    pub fn set_udp_segment(&self, size: u16) -> Result<()> {
        set_int(self.as_fd(), k::SOL_UDP, sockopt::UDP_SEGMENT, size.into())
    }

    /// The GSO segment size (`UDP_SEGMENT`); 0 when off.
    ///
    #[doc = man!(getsockopt(2), udp(7))]
    #[doc(alias = "UDP_SEGMENT")]
    pub fn udp_segment(&self) -> Result<u16> {
        get_int(self.as_fd(), k::SOL_UDP, sockopt::UDP_SEGMENT)
            .map(|v| v.clamp(0, u16::MAX.into()) as u16)
    }

    bool_option!(
        /// Receives runs of datagrams coalesced into one buffer, with their segment size as a
        /// control message (generic receive offload, `UDP_GRO`).
        "UDP_GRO", k::SOL_UDP, sockopt::UDP_GRO, udp_gro, set_udp_gro, udp
    );
}
