//! `FromRawFd` for the crate's socket types: the only fd trait whose method is `unsafe`.

use rustix::fd::{FromRawFd, OwnedFd, RawFd};

macro_rules! from_raw_fd {
    ($($t:ty),* $(,)?) => {$(
        impl FromRawFd for $t {
            /// Takes ownership of `fd`, like `From<OwnedFd>`.
            ///
            /// # Safety
            ///
            /// `fd` must be an open file descriptor that nothing else owns or closes.
            #[inline]
            unsafe fn from_raw_fd(fd: RawFd) -> Self {
                // SAFETY: the caller hands over sole ownership of an open fd.
                Self::from(unsafe { OwnedFd::from_raw_fd(fd) })
            }
        }
    )*};
}

from_raw_fd!(
    crate::Socket,
    crate::TcpListener,
    crate::TcpStream,
    crate::UdpSocket,
    crate::UnixListener,
    crate::UnixStream,
    crate::UnixDatagram,
    crate::UnixSeqpacketListener,
    crate::UnixSeqpacket,
    crate::PacketSocket,
    crate::RawSocket,
    crate::CanSocket,
);
