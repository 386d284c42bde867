//! The local vsock context id: `IOCTL_VM_SOCKETS_GET_LOCAL_CID` on `/dev/vsock`
//! (linux/vm_sockets.h).

use linux_raw_sys::ioctl::IOCTL_VM_SOCKETS_GET_LOCAL_CID;
use rustix::fd::AsFd;
use rustix::io::Errno;

/// The context id the kernel reports for this machine: its guest transport's, else its host
/// transport's, else `VMADDR_CID_ANY` (`-1U`).
pub(crate) fn local_cid() -> Result<u32, Errno> {
    let dev = super::os::open_read(c"/dev/vsock")?;
    let mut cid = u32::MAX;
    // SAFETY: the request writes one `u32` (an `unsigned int`) through its argument: `cid`,
    // writable and live across the call.
    unsafe {
        super::fd::ioctl(
            dev.as_fd(),
            IOCTL_VM_SOCKETS_GET_LOCAL_CID,
            (&mut cid as *mut u32).cast(),
        )
    }?;
    Ok(cid)
}
