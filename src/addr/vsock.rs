//! vsock addresses (`sockaddr_vm`, linux/vm_sockets.h): a context id (which machine), a port,
//! and flags.

use core::fmt;
use core::str::FromStr;

use crate::{AddressError, Error};

/// `sizeof(struct sockaddr_vm)`: family, reserved, port, cid, flags and 3 zero bytes.
pub(crate) const SOCKADDR_VM_LEN: usize = 16;

/// `AF_VSOCK` (linux/socket.h).
const AF_VSOCK: u16 = 40;

/// `VMADDR_FLAG_TO_HOST` (linux/vm_sockets.h).
const FLAG_TO_HOST: u8 = 0x01;

/// A vsock socket address (`sockaddr_vm`): a context id (CID: which machine, a VM or its
/// host), a port, and flags ([`to_host`](Self::to_host)).
///
/// The well-known context ids are constants: [`CID_ANY`](Self::CID_ANY) (bind to any of this
/// machine's), [`CID_HYPERVISOR`](Self::CID_HYPERVISOR), [`CID_LOCAL`](Self::CID_LOCAL) (this
/// machine, over the `vsock_loopback` transport), [`CID_HOST`](Self::CID_HOST) (the host, from
/// a guest); [`PORT_ANY`](Self::PORT_ANY) lets `bind` pick a port. The local context id is
/// [`vsock_local_cid`](crate::vsock_local_cid).
///
/// As text it is `vsock:CID:PORT` (Python's `(cid, port)` tuple), with `/0xFLAGS` after it when
/// flags are set; [`FromStr`] reads the same.
///
/// ```
/// use baresock::{SockAddr, VsockAddr};
/// let host = VsockAddr::new(VsockAddr::CID_HOST, 1024);
/// assert_eq!((host.cid(), host.port()), (2, 1024));
/// assert_eq!(host.to_string(), "vsock:2:1024");
/// assert_eq!("vsock:2:1024".parse::<VsockAddr>()?, host);
/// let routed = host.with_to_host(true);
/// assert_eq!(routed.to_string(), "vsock:2:1024/0x1");
/// assert_eq!(SockAddr::from(routed).to_string().parse::<VsockAddr>()?, routed);
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[doc(alias = "sockaddr_vm")]
pub struct VsockAddr {
    cid: u32,
    port: u32,
    flags: u8,
}

impl VsockAddr {
    /// Any context id of this machine, for `bind` (`VMADDR_CID_ANY`, `-1U`).
    #[doc(alias = "VMADDR_CID_ANY")]
    pub const CID_ANY: u32 = u32::MAX;
    /// The hypervisor (`VMADDR_CID_HYPERVISOR`, 0); reserved, only some hypervisors answer.
    #[doc(alias = "VMADDR_CID_HYPERVISOR")]
    pub const CID_HYPERVISOR: u32 = 0;
    /// This machine, over the local transport `vsock_loopback` (`VMADDR_CID_LOCAL`, 1; Linux
    /// 5.6).
    #[doc(alias = "VMADDR_CID_LOCAL")]
    pub const CID_LOCAL: u32 = 1;
    /// The host, seen from a guest (`VMADDR_CID_HOST`, 2).
    #[doc(alias = "VMADDR_CID_HOST")]
    pub const CID_HOST: u32 = 2;
    /// Any port, for `bind`: the kernel picks a free one (`VMADDR_PORT_ANY`, `-1U`).
    #[doc(alias = "VMADDR_PORT_ANY")]
    pub const PORT_ANY: u32 = u32::MAX;

    /// The address of port `port` on the machine with context id `cid`, no flags.
    ///
    /// ```
    /// use baresock::VsockAddr;
    /// let any = VsockAddr::new(VsockAddr::CID_ANY, VsockAddr::PORT_ANY);
    /// assert_eq!(any.flags(), 0);
    /// ```
    pub const fn new(cid: u32, port: u32) -> VsockAddr {
        VsockAddr {
            cid,
            port,
            flags: 0,
        }
    }

    /// The context id (`svm_cid`).
    #[doc(alias = "svm_cid")]
    pub const fn cid(&self) -> u32 {
        self.cid
    }

    /// The port (`svm_port`).
    #[doc(alias = "svm_port")]
    pub const fn port(&self) -> u32 {
        self.port
    }

    /// The flags byte as the kernel has it (`svm_flags`), unknown bits included.
    #[doc(alias = "svm_flags")]
    pub const fn flags(&self) -> u8 {
        self.flags
    }

    /// Whether the connection goes to the host whatever the context id
    /// (`VMADDR_FLAG_TO_HOST`, Linux 5.10): for nested VMs, where a guest that is also a host
    /// reaches its own host's other guests through it.
    ///
    /// ```
    /// use baresock::VsockAddr;
    /// let sibling = VsockAddr::new(42, 5000).with_to_host(true);
    /// assert!(sibling.to_host());
    /// assert!(!sibling.with_to_host(false).to_host());
    /// ```
    #[doc(alias = "VMADDR_FLAG_TO_HOST")]
    pub const fn to_host(&self) -> bool {
        self.flags & FLAG_TO_HOST != 0
    }

    /// The same address with [`to_host`](Self::to_host) set or cleared.
    pub const fn with_to_host(self, on: bool) -> VsockAddr {
        let flags = if on {
            self.flags | FLAG_TO_HOST
        } else {
            self.flags & !FLAG_TO_HOST
        };
        VsockAddr { flags, ..self }
    }

    /// The same address with the flags byte `flags` (bits this crate has no name for
    /// included: the kernel refuses those it does not know with `EINVAL`).
    pub const fn with_flags(self, flags: u8) -> VsockAddr {
        VsockAddr { flags, ..self }
    }

    /// The kernel's 16 bytes (native byte order).
    pub(crate) fn to_bytes(self) -> [u8; SOCKADDR_VM_LEN] {
        let mut b = [0u8; SOCKADDR_VM_LEN];
        b[0..2].copy_from_slice(&AF_VSOCK.to_ne_bytes());
        b[4..8].copy_from_slice(&self.port.to_ne_bytes());
        b[8..12].copy_from_slice(&self.cid.to_ne_bytes());
        b[12] = self.flags;
        b
    }

    /// From the kernel's bytes (family checked by the caller): exactly 16 of them. The
    /// reserved and zero bytes are not read (the kernel does not check them either).
    pub(crate) fn from_bytes(b: &[u8]) -> Option<VsockAddr> {
        let b: &[u8; SOCKADDR_VM_LEN] = b.try_into().ok()?;
        Some(VsockAddr {
            port: u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
            cid: u32::from_ne_bytes([b[8], b[9], b[10], b[11]]),
            flags: b[12],
        })
    }
}

impl fmt::Display for VsockAddr {
    /// `vsock:CID:PORT`, and `/0xFLAGS` when flags are set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vsock:{}:{}", self.cid, self.port)?;
        if self.flags != 0 {
            write!(f, "/{:#x}", self.flags)?;
        }
        Ok(())
    }
}

impl FromStr for VsockAddr {
    type Err = Error;

    /// Reads what [`Display`](fmt::Display) writes: `vsock:CID:PORT` or
    /// `vsock:CID:PORT/0xFLAGS`, decimal CID and port; anything else is
    /// [`AddressError::Invalid`].
    ///
    /// ```
    /// use baresock::{AddressError, Error, VsockAddr};
    /// assert_eq!("vsock:1:5000".parse::<VsockAddr>()?, VsockAddr::new(1, 5000));
    /// assert_eq!("vsock:4294967295:80".parse::<VsockAddr>()?.cid(), VsockAddr::CID_ANY);
    /// assert_eq!("2:5000".parse::<VsockAddr>(), Err(Error::Address(AddressError::Invalid)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<VsockAddr, Error> {
        let invalid = Error::Address(AddressError::Invalid);
        let rest = s.strip_prefix("vsock:").ok_or(invalid)?;
        let (rest, flags) = match rest.split_once('/') {
            Some((rest, flags)) => {
                let hex = flags.strip_prefix("0x").ok_or(invalid)?;
                (rest, u8::from_str_radix(hex, 16).map_err(|_| invalid)?)
            }
            None => (rest, 0),
        };
        let (cid, port) = rest.split_once(':').ok_or(invalid)?;
        let number = |t: &str| {
            // `u32::from_str` takes a leading `+`; the text form has none.
            if t.starts_with('+') {
                return Err(invalid);
            }
            t.parse::<u32>().map_err(|_| invalid)
        };
        Ok(VsockAddr::new(number(cid)?, number(port)?).with_flags(flags))
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for VsockAddr {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "vsock:{}:{}/{=u8:#x}", self.cid, self.port, self.flags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip() {
        let a = VsockAddr::new(0x0102_0304, 0x0a0b_0c0d).with_to_host(true);
        let b = a.to_bytes();
        assert_eq!(u16::from_ne_bytes([b[0], b[1]]), AF_VSOCK);
        assert_eq!(&b[2..4], &[0, 0]);
        assert_eq!(&b[4..8], &0x0a0b_0c0du32.to_ne_bytes());
        assert_eq!(&b[8..12], &0x0102_0304u32.to_ne_bytes());
        assert_eq!(b[12], 1);
        assert_eq!(&b[13..], &[0, 0, 0]);
        assert_eq!(VsockAddr::from_bytes(&b), Some(a));
        assert_eq!(VsockAddr::from_bytes(&b[..15]), None);
        let mut long = [0u8; 17];
        long[..16].copy_from_slice(&b);
        assert_eq!(VsockAddr::from_bytes(&long), None);
    }

    /// The offsets of `struct sockaddr_vm` (linux/vm_sockets.h) and its size: 16 bytes, the
    /// size of the C header's `struct sockaddr` (linux-raw-sys pads `svm_zero` to its own
    /// 128-byte `sockaddr`, so the size is checked against the fields, not `size_of`).
    #[test]
    fn sockaddr_vm_is_the_kernel_struct() {
        use core::mem::offset_of;
        use linux_raw_sys::vm_sockets as k;
        assert_eq!(offset_of!(k::sockaddr_vm, svm_reserved1), 2);
        assert_eq!(offset_of!(k::sockaddr_vm, svm_port), 4);
        assert_eq!(offset_of!(k::sockaddr_vm, svm_cid), 8);
        assert_eq!(offset_of!(k::sockaddr_vm, svm_flags), 12);
        assert_eq!(offset_of!(k::sockaddr_vm, svm_zero), 13);
        assert_eq!(SOCKADDR_VM_LEN, 13 + 3);
        assert_eq!(u32::from(AF_VSOCK), linux_raw_sys::net::AF_VSOCK);
        assert_eq!(u32::from(FLAG_TO_HOST), k::VMADDR_FLAG_TO_HOST);
        assert_eq!(VsockAddr::CID_ANY, k::VMADDR_CID_ANY as u32);
        assert_eq!(VsockAddr::PORT_ANY, k::VMADDR_PORT_ANY as u32);
        assert_eq!(VsockAddr::CID_HYPERVISOR, k::VMADDR_CID_HYPERVISOR);
        assert_eq!(VsockAddr::CID_LOCAL, k::VMADDR_CID_LOCAL);
        assert_eq!(VsockAddr::CID_HOST, k::VMADDR_CID_HOST);
    }

    /// `Display` into a stack buffer (the unit tests run without `std` too).
    fn text(a: &VsockAddr) -> ([u8; 64], usize) {
        struct Text([u8; 64], usize);
        impl fmt::Write for Text {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                let end = self.1 + s.len();
                self.0
                    .get_mut(self.1..end)
                    .ok_or(fmt::Error)?
                    .copy_from_slice(s.as_bytes());
                self.1 = end;
                Ok(())
            }
        }
        let mut t = Text([0; 64], 0);
        fmt::write(&mut t, format_args!("{a}")).unwrap();
        (t.0, t.1)
    }

    #[test]
    fn text_round_trip_and_refusals() {
        let (b, n) = text(&VsockAddr::new(3, 80).with_to_host(true));
        assert_eq!(&b[..n], b"vsock:3:80/0x1");
        for a in [
            VsockAddr::new(VsockAddr::CID_ANY, VsockAddr::PORT_ANY),
            VsockAddr::new(3, 0),
            VsockAddr::new(2, 1024).with_flags(0xff),
        ] {
            let (b, n) = text(&a);
            let s = core::str::from_utf8(&b[..n]).unwrap();
            assert_eq!(s.parse::<VsockAddr>(), Ok(a), "{s}");
        }
        let invalid = Err(Error::Address(AddressError::Invalid));
        for s in [
            "",
            "vsock:",
            "vsock:1",
            "vsock:1:",
            "vsock::1",
            "vsock:1:2:3",
            "vsock:+1:2",
            "vsock:1:4294967296",
            "vsock:1:2/1",
            "vsock:1:2/0x100",
            "vsock:1:2/",
            "VSOCK:1:2",
            "1:2",
        ] {
            assert_eq!(s.parse::<VsockAddr>(), invalid, "{s:?}");
        }
    }
}
