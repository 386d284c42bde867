//! [`Unsupported`]: the running kernel lacks (or has switched off) what a call needs.

use core::fmt;

use super::Errno;

/// A kernel feature a call of this crate needs, with the Linux version that brought it
/// (see [`Unsupported`]).
///
/// ```
/// use baresock::KernelFeature;
/// assert_eq!(KernelFeature::Mptcp.since(), (5, 6));
/// assert_eq!(KernelFeature::Mptcp.to_string(), "MPTCP (Linux 5.6)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum KernelFeature {
    /// Multipath TCP (`IPPROTO_MPTCP`): Linux 5.6, built with `CONFIG_MPTCP`, and on
    /// (`net.mptcp.enabled=1`, the default) in the socket's network namespace.
    Mptcp,
    /// A vsock transport (`AF_VSOCK`): the module of a hypervisor's transport
    /// (`vmw_vsock_virtio_transport`, `vhost_vsock`, `hv_sock`, `vmw_vsock_vmci_transport`) or
    /// the local one (`vsock_loopback`, Linux 5.6); Linux 3.9 for the family.
    VsockTransport,
    /// vsock datagrams (`SOCK_DGRAM` over `AF_VSOCK`): only VMware's VMCI transport has them
    /// (Linux 3.9); virtio, vhost, Hyper-V and the loopback transport do not.
    VsockDatagram,
    /// vsock seqpacket connections (`SOCK_SEQPACKET` over `AF_VSOCK`): the virtio, vhost and
    /// loopback transports since Linux 5.14, and only with a virtio device that offers
    /// `VIRTIO_VSOCK_F_SEQPACKET` (Firecracker's does not); VMCI and Hyper-V have none.
    VsockSeqpacket,
    /// CAN XL frames on raw CAN sockets (`CAN_RAW_XL_FRAMES`): Linux 6.2. An older kernel
    /// answers the option with `ENOPROTOOPT`.
    CanXl,
    /// The MPTCP connection's state and counters (`MPTCP_INFO` at `SOL_MPTCP`): Linux 5.16.
    /// An older kernel answers an MPTCP socket's `SOL_MPTCP` options with `EOPNOTSUPP`.
    MptcpInfo,
}

impl KernelFeature {
    /// Every feature, in the order of the crate docs' `# Kernel versions` table.
    ///
    /// ```
    /// use baresock::KernelFeature;
    /// assert!(KernelFeature::ALL.contains(&KernelFeature::CanXl));
    /// assert!(KernelFeature::ALL.iter().all(|f| f.since() >= (3, 9)));
    /// ```
    pub const ALL: &'static [KernelFeature] = &[
        KernelFeature::VsockTransport,
        KernelFeature::VsockDatagram,
        KernelFeature::Mptcp,
        KernelFeature::VsockSeqpacket,
        KernelFeature::MptcpInfo,
        KernelFeature::CanXl,
    ];

    /// The feature's short name.
    pub const fn name(self) -> &'static str {
        match self {
            KernelFeature::Mptcp => "MPTCP",
            KernelFeature::VsockTransport => "a vsock transport",
            KernelFeature::VsockDatagram => "vsock datagrams",
            KernelFeature::VsockSeqpacket => "vsock seqpacket",
            KernelFeature::CanXl => "CAN XL",
            KernelFeature::MptcpInfo => "MPTCP_INFO",
        }
    }

    /// The first Linux version (major, minor) that has the feature.
    pub const fn since(self) -> (u8, u8) {
        match self {
            KernelFeature::Mptcp => (5, 6),
            KernelFeature::VsockTransport => (3, 9),
            KernelFeature::VsockDatagram => (3, 9),
            KernelFeature::VsockSeqpacket => (5, 14),
            KernelFeature::CanXl => (6, 2),
            KernelFeature::MptcpInfo => (5, 16),
        }
    }
}

impl fmt::Display for KernelFeature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (major, minor) = self.since();
        write!(f, "{} (Linux {major}.{minor})", self.name())
    }
}

/// The running kernel lacks, or has switched off, a feature a call needs
/// ([`Error::Unsupported`](crate::Error::Unsupported)): which feature, and the errno the
/// kernel answered (which [`Error::errno`](crate::Error::errno) gives too).
///
/// ```
/// use baresock::{Errno, Error, KernelFeature, Unsupported};
/// let e = Error::Unsupported(Unsupported { feature: KernelFeature::Mptcp, errno: Errno::NOPROTOOPT });
/// assert!(e.is_unsupported());
/// assert_eq!(e.errno(), Some(Errno::NOPROTOOPT));
/// assert!(e.to_string().starts_with("the kernel lacks MPTCP (Linux 5.6)"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Unsupported {
    /// What the kernel lacks.
    pub feature: KernelFeature,
    /// What it answered.
    pub errno: Errno,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the kernel lacks {}, or has it switched off: ",
            self.feature
        )?;
        super::display::fmt_errno(self.errno, f)
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Unsupported {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Unsupported {{ feature: {}, errno: {} }}",
            self.feature,
            self.errno.raw_os_error()
        )
    }
}
