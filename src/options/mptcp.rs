//! Multipath TCP options (`SOL_MPTCP`, and `TCP_IS_MPTCP` at `IPPROTO_TCP`): the kernel's
//! Documentation/networking/mptcp.rst.

use linux_raw_sys::net as k;
use rustix::fd::AsFd;
use rustix::io::Errno;

use crate::mptcp_info::MPTCP_INFO_LEN;
use crate::sys::sockopt;
use crate::{Error, MptcpInfo, MptcpStatus, Protocol, Result, Socket};

use super::{get_int, TCP};

/// `MPTCP_INFO` (linux/mptcp.h).
const MPTCP_INFO: u32 = 1;

/// Multipath TCP options (`SOL_MPTCP`, `TCP_IS_MPTCP`): the kernel's mptcp.rst.
impl Socket {
    /// The MPTCP connection's state and counters (`MPTCP_INFO` at `SOL_MPTCP`, Linux 5.16).
    ///
    /// Only an MPTCP socket that still runs MPTCP answers it: a plain TCP socket, or an MPTCP
    /// one whose connection fell back to TCP, fails with `Error::Os` of `EOPNOTSUPP` (IPv4) or
    /// `ENOPROTOOPT` (IPv6), as does every MPTCP socket before Linux 5.16;
    /// [`mptcp_status`](Self::mptcp_status) tells those apart. A listener answers too (its
    /// limits, zero counters).
    ///
    /// ```
    /// use baresock::{create_server, MptcpMode, ServerOptions, TcpStream};
    /// use core::net::SocketAddr;
    /// let opts = ServerOptions { mptcp: MptcpMode::Prefer, ..Default::default() };
    /// let server = create_server("127.0.0.1:0".parse::<SocketAddr>()?, opts)?;
    /// let client = TcpStream::connect_mptcp(server.local_addr()?, MptcpMode::Prefer)?;
    /// if client.mptcp_status()?.is_active() {
    ///     let info = client.as_socket().mptcp_info()?;
    ///     assert_eq!(info.subflows_total.unwrap_or(1), 1); // one path: the loopback
    /// }
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    #[doc(alias = "MPTCP_INFO")]
    pub fn mptcp_info(&self) -> Result<MptcpInfo> {
        let mut buf = [0u8; MPTCP_INFO_LEN];
        let n = sockopt::get_bytes(self.as_fd(), k::SOL_MPTCP, MPTCP_INFO, &mut buf)?;
        MptcpInfo::decode(buf.get(..n).unwrap_or(&buf))
    }

    /// Whether the socket runs MPTCP, fell back to plain TCP, or never asked for it.
    ///
    /// An MPTCP socket ([`Protocol::MPTCP`]) answers through `TCP_IS_MPTCP` (Linux 6.10). An
    /// older kernel answers that option with an error, and which error tells which layer
    /// took the question: `EOPNOTSUPP` from the MPTCP layer (the connection runs MPTCP),
    /// `ENOPROTOOPT` from the TCP layer of a connection that fell back (the kernel's own
    /// account, in the commit that added the option); so every kernel with MPTCP (5.6) gets an
    /// answer. A plain TCP socket is
    /// [`MptcpStatus::NotMptcp`], unless MPTCP was asked for it: a stream an MPTCP listener
    /// accepted from a plain TCP client (the kernel hands it over as a TCP socket) is
    /// [`MptcpStatus::FellBack`], and a socket made as plain TCP because the kernel refused
    /// MPTCP ([`MptcpMode::Prefer`](crate::MptcpMode::Prefer)) is
    /// [`MptcpStatus::Unavailable`]. The crate remembers what it asked for in the socket (and
    /// a listener's in what it accepts); an fd wrapped from elsewhere is judged by its
    /// protocol alone.
    ///
    /// ```
    /// use baresock::{MptcpStatus, TcpListener, TcpStream};
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let plain = TcpStream::connect(listener.local_addr()?)?;
    /// assert_eq!(plain.as_socket().mptcp_status()?, MptcpStatus::NotMptcp);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2), socket(7), tcp(7))]
    #[doc(alias = "TCP_IS_MPTCP")]
    pub fn mptcp_status(&self) -> Result<MptcpStatus> {
        let (asked, unavailable) = self.mptcp_asked();
        if unavailable {
            return Ok(MptcpStatus::Unavailable);
        }
        if self.protocol()? != Protocol::MPTCP {
            return Ok(if asked {
                MptcpStatus::FellBack
            } else {
                MptcpStatus::NotMptcp
            });
        }
        match get_int(self.as_fd(), TCP, k::TCP_IS_MPTCP) {
            Ok(0) => Ok(MptcpStatus::FellBack),
            Ok(_) => Ok(MptcpStatus::Active),
            // Before Linux 6.10: the MPTCP layer does not know the option...
            Err(Error::Os(Errno::OPNOTSUPP)) => Ok(MptcpStatus::Active),
            // ...and the TCP layer of a connection that fell back neither.
            Err(Error::Os(Errno::NOPROTOOPT)) => Ok(MptcpStatus::FellBack),
            Err(e) => Err(e),
        }
    }
}
