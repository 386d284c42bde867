//! Multipath TCP options (`SOL_MPTCP`, and `TCP_IS_MPTCP` at `IPPROTO_TCP`): the kernel's
//! Documentation/networking/mptcp.rst.

use linux_raw_sys::net as k;
use rustix::fd::AsFd;
use rustix::io::Errno;

use crate::mptcp_info::MPTCP_INFO_LEN;
use crate::sys::sockopt;
use crate::{Error, KernelFeature, MptcpInfo, MptcpStatus, Protocol, Result, Socket, Unsupported};

use super::{get_int, TCP};

/// `MPTCP_INFO` (linux/mptcp.h).
const MPTCP_INFO: u32 = 1;

/// Multipath TCP options (`SOL_MPTCP`, `TCP_IS_MPTCP`): the kernel's mptcp.rst.
impl Socket {
    /// The MPTCP connection's state and counters (`MPTCP_INFO` at `SOL_MPTCP`).
    ///
    /// Needs Linux 5.16; older kernels: [`Error::Unsupported`] with
    /// [`KernelFeature::MptcpInfo`](crate::KernelFeature::MptcpInfo) for a socket that runs
    /// MPTCP. Fields that came later (the subflow total and byte counters, Linux 6.5 and 6.10)
    /// are `None` where the kernel's answer is too short to hold them.
    ///
    /// Only an MPTCP socket that still runs MPTCP answers it: a plain TCP socket, or an MPTCP
    /// one whose connection fell back to TCP, fails with `Error::Os` of `EOPNOTSUPP` (IPv4) or
    /// `ENOPROTOOPT` (IPv6); [`mptcp_status`](Self::mptcp_status) tells those apart. A
    /// listener answers too (its limits, zero counters). Before Linux 5.16 an MPTCP socket
    /// that runs MPTCP answers `EOPNOTSUPP` as well; on that errno the crate asks
    /// [`mptcp_status`](Self::mptcp_status) (one more `getsockopt`) and, where the socket runs
    /// MPTCP, returns the named error instead.
    ///
    /// ```
    /// use baresock::{create_server, Error, KernelFeature, MptcpMode, ServerOptions, TcpStream};
    /// use core::net::SocketAddr;
    /// let opts = ServerOptions { mptcp: MptcpMode::Prefer, ..Default::default() };
    /// let server = create_server("127.0.0.1:0".parse::<SocketAddr>()?, opts)?;
    /// let client = TcpStream::connect_mptcp(server.local_addr()?, MptcpMode::Prefer)?;
    /// if client.mptcp_status()?.is_active() {
    ///     match client.as_socket().mptcp_info() {
    ///         Ok(info) => assert_eq!(info.subflows_total.unwrap_or(1), 1), // one path: the loopback
    ///         Err(Error::Unsupported(u)) => assert_eq!(u.feature, KernelFeature::MptcpInfo),
    ///         Err(e) => return Err(e.into()),
    ///     }
    /// }
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2), tcp(7))]
    #[doc(alias = "MPTCP_INFO")]
    pub fn mptcp_info(&self) -> Result<MptcpInfo> {
        let mut buf = [0u8; MPTCP_INFO_LEN];
        let n = match sockopt::get_bytes(self.as_fd(), k::SOL_MPTCP, MPTCP_INFO, &mut buf) {
            Ok(n) => n,
            Err(Error::Os(errno @ Errno::OPNOTSUPP)) => {
                return Err(info_refused(errno, self.mptcp_status().ok()))
            }
            Err(e) => return Err(e),
        };
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

/// `MPTCP_INFO` refused with `errno` (`EOPNOTSUPP`) by a socket whose
/// [`mptcp_status`](Socket::mptcp_status) is `status`: before Linux 5.16 the MPTCP layer knows
/// no `SOL_MPTCP` option, so a socket that runs MPTCP lacks the feature; after it, only a
/// connection that fell back (or a plain socket) refuses this option, which stays the errno.
fn info_refused(errno: Errno, status: Option<MptcpStatus>) -> Error {
    match status {
        Some(MptcpStatus::Active) => Error::Unsupported(Unsupported {
            feature: KernelFeature::MptcpInfo,
            errno,
        }),
        _ => Error::Os(errno),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_socket_that_runs_mptcp_lacks_mptcp_info() {
        assert_eq!(
            info_refused(Errno::OPNOTSUPP, Some(MptcpStatus::Active)),
            Error::Unsupported(Unsupported {
                feature: KernelFeature::MptcpInfo,
                errno: Errno::OPNOTSUPP,
            })
        );
        for status in [
            Some(MptcpStatus::FellBack),
            Some(MptcpStatus::NotMptcp),
            Some(MptcpStatus::Unavailable),
            None,
        ] {
            assert_eq!(
                info_refused(Errno::OPNOTSUPP, status),
                Error::Os(Errno::OPNOTSUPP),
                "{status:?}"
            );
        }
    }
}
