//! Interface name ↔ index through the `SIOCGIFINDEX` / `SIOCGIFNAME` ioctls (netdevice(7)),
//! with `struct ifreq` (linux/if.h): the name in its first 16 bytes, the index after them.

use crate::InputError;
use core::mem::size_of;

use linux_raw_sys::ioctl::{SIOCGIFINDEX, SIOCGIFNAME};
use linux_raw_sys::net::ifreq;
use rustix::fd::BorrowedFd;
use rustix::io::Errno;

use crate::{Error, Result, ShortName};

/// A `struct ifreq` as bytes: 40 on 64-bit targets, 32 on 32-bit ones.
type Ifreq = [u8; size_of::<ifreq>()];

fn ioctl(fd: BorrowedFd<'_>, request: u32, req: &mut Ifreq) -> Result<()> {
    // SAFETY: `req` is a writable `struct ifreq`, the argument both requests read and write.
    let r = unsafe { super::fd::ioctl(fd, request, req.as_mut_ptr()) };
    r.map(drop).map_err(Error::from)
}

/// The index of the interface called `name`.
pub(crate) fn index(fd: BorrowedFd<'_>, name: &ShortName) -> Result<u32> {
    let mut req: Ifreq = [0; size_of::<ifreq>()];
    req[..name.as_bytes().len()].copy_from_slice(name.as_bytes());
    ioctl(fd, SIOCGIFINDEX, &mut req)?;
    Ok(i32::from_ne_bytes([req[16], req[17], req[18], req[19]]) as u32)
}

/// The name of the interface with index `index`.
pub(crate) fn name(fd: BorrowedFd<'_>, index: u32) -> Result<ShortName> {
    let mut req: Ifreq = [0; size_of::<ifreq>()];
    let index = i32::try_from(index).map_err(|_| Error::Os(Errno::NODEV))?;
    req[16..20].copy_from_slice(&index.to_ne_bytes());
    ioctl(fd, SIOCGIFNAME, &mut req)?;
    ShortName::from_kernel(&req[..16]).ok_or(Error::Input(InputError::OptionSize {
        expected: 16,
        got: 16,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ifreq_layout() {
        assert_eq!(core::mem::offset_of!(ifreq, ifr_ifru), 16);
        assert!(size_of::<ifreq>() >= 20);
    }
}
