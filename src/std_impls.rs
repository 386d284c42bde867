//! Interop with `std` (feature `std`): `io::Read`/`Write` on stream sockets, conversions with
//! `std::net` and `std::os::unix::net`, and `Error` ⇄ `io::Error` keeping the kind. None of it
//! allocates: `io::Error`s are built from an errno or a kind, never from a boxed payload.

#[cfg(feature = "can")]
use crate::error::CanInputError;
#[cfg(feature = "resolve")]
use crate::error::ResolveError;
use crate::{AddressError, InputError};
use std::io::{self, ErrorKind, IoSlice, IoSliceMut, Read, Write};
use std::os::fd::OwnedFd;

use rustix::io::Errno;

use crate::{
    Error, PartialCause, Socket, TcpListener, TcpStream, UdpSocket, UnixDatagram, UnixListener,
    UnixStream, VsockStream,
};

impl From<Error> for io::Error {
    /// Keeps the kind: an errno stays that errno, [`Error::Timeout`] is `TimedOut`,
    /// [`Error::WouldBlock`] is `EAGAIN` (`WouldBlock`), a [`PollError`](crate::poll::PollError)
    /// its `epoll_ctl` errno (a reactor's full storage `OutOfMemory`), bad input is `InvalidInput`.
    /// [`Error::Partial`] becomes its cause (the byte count is not kept).
    fn from(e: Error) -> io::Error {
        let os = |e: Errno| io::Error::from_raw_os_error(e.raw_os_error());
        match e {
            Error::Os(e)
            | Error::Partial {
                cause: PartialCause::Os(e),
                ..
            } => os(e),
            Error::WouldBlock
            | Error::Partial {
                cause: PartialCause::WouldBlock,
                ..
            } => os(Errno::AGAIN),
            Error::Timeout
            | Error::Partial {
                cause: PartialCause::Timeout,
                ..
            } => ErrorKind::TimedOut.into(),
            #[cfg(feature = "can")]
            Error::Can(CanInputError::J1939AddressNotClaimed { .. }) => os(Errno::ADDRNOTAVAIL),
            Error::Poll(crate::poll::PollError::Full) => ErrorKind::OutOfMemory.into(),
            Error::Poll(p) => p.errno().map_or(ErrorKind::InvalidInput.into(), os),
            Error::Truncated { .. }
            | Error::Address(AddressError::Malformed { .. } | AddressError::Missing)
            | Error::Input(InputError::OptionSize { .. }) => ErrorKind::InvalidData.into(),
            Error::Address(AddressError::Unsupported { .. }) => ErrorKind::Unsupported.into(),
            #[cfg(feature = "resolve")]
            Error::Resolve(ResolveError::Lookup(_) | ResolveError::Host(_)) => {
                ErrorKind::Other.into()
            }
            _ => ErrorKind::InvalidInput.into(),
        }
    }
}

impl From<crate::FromSocketError> for io::Error {
    /// The error, as `From<Error>` converts it; the socket is closed.
    fn from(e: crate::FromSocketError) -> io::Error {
        e.error.into()
    }
}

impl From<crate::FromFdError> for io::Error {
    /// The error, as `From<Error>` converts it; the fd is closed.
    fn from(e: crate::FromFdError) -> io::Error {
        e.error.into()
    }
}

impl From<io::Error> for Error {
    /// An errno stays that errno (`EAGAIN` is [`Error::WouldBlock`]); otherwise `TimedOut` is
    /// [`Error::Timeout`], `WouldBlock` is [`Error::WouldBlock`], and other kinds become the
    /// errno of that kind (`InvalidInput` is `EINVAL`, ..., `EIO` when there is none).
    fn from(e: io::Error) -> Error {
        if let Some(raw) = e.raw_os_error() {
            return Errno::from_raw_os_error(raw).into();
        }
        let errno = match e.kind() {
            ErrorKind::TimedOut => return Error::Timeout,
            ErrorKind::WouldBlock => return Error::WouldBlock,
            ErrorKind::InvalidInput | ErrorKind::InvalidData => Errno::INVAL,
            ErrorKind::NotFound => Errno::NOENT,
            ErrorKind::PermissionDenied => Errno::ACCESS,
            ErrorKind::ConnectionRefused => Errno::CONNREFUSED,
            ErrorKind::ConnectionReset => Errno::CONNRESET,
            ErrorKind::ConnectionAborted => Errno::CONNABORTED,
            ErrorKind::NotConnected => Errno::NOTCONN,
            ErrorKind::AddrInUse => Errno::ADDRINUSE,
            ErrorKind::AddrNotAvailable => Errno::ADDRNOTAVAIL,
            ErrorKind::BrokenPipe => Errno::PIPE,
            ErrorKind::AlreadyExists => Errno::EXIST,
            ErrorKind::Interrupted => Errno::INTR,
            ErrorKind::Unsupported => Errno::OPNOTSUPP,
            ErrorKind::OutOfMemory => Errno::NOMEM,
            _ => Errno::IO,
        };
        Error::Os(errno)
    }
}

/// `Read` and `Write` for a socket type and for a shared reference to it (as `std`'s streams
/// have), over `recv`/`send`.
macro_rules! io_traits {
    ($($t:ty),*) => {$(
        impl Read for &$t {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                Ok(self.recv(buf)?)
            }

            fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
                // One recvmsg scattering into all the buffers.
                let msg = self.as_socket_ref().recv_msg(bufs, &mut [], crate::RecvFlags::empty())?;
                Ok(msg.bytes())
            }
        }

        impl Read for $t {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                (&*self).read(buf)
            }

            fn read_vectored(&mut self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
                (&*self).read_vectored(bufs)
            }
        }

        impl Write for &$t {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                Ok(self.send(buf)?)
            }

            fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                // One sendmsg gathering from all the buffers.
                Ok(self.as_socket_ref().send_msg(bufs, &[], None, crate::SendFlags::empty())?)
            }

            fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
                Ok(self.send_all(buf)?)
            }

            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }

        impl Write for $t {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                (&*self).write(buf)
            }

            fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                (&*self).write_vectored(bufs)
            }

            fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
                (&*self).write_all(buf)
            }

            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
    )*};
}

/// The untyped socket under a stream type, for the vectored calls.
trait AsSocketRef {
    fn as_socket_ref(&self) -> &Socket;
}

impl AsSocketRef for Socket {
    fn as_socket_ref(&self) -> &Socket {
        self
    }
}

impl AsSocketRef for TcpStream {
    fn as_socket_ref(&self) -> &Socket {
        self.as_socket()
    }
}

impl AsSocketRef for UnixStream {
    fn as_socket_ref(&self) -> &Socket {
        self.as_socket()
    }
}

impl AsSocketRef for VsockStream {
    fn as_socket_ref(&self) -> &Socket {
        self.as_socket()
    }
}

io_traits!(Socket, TcpStream, UnixStream, VsockStream);

/// Conversions both ways with a `std` type, through the owned fd (no system call).
macro_rules! std_conversions {
    ($($ours:ty => $theirs:ty),*) => {$(
        impl From<$theirs> for $ours {
            fn from(s: $theirs) -> $ours {
                <$ours>::from(OwnedFd::from(s))
            }
        }

        impl From<$ours> for $theirs {
            fn from(s: $ours) -> $theirs {
                <$theirs>::from(OwnedFd::from(s))
            }
        }
    )*};
}

std_conversions!(
    TcpStream => std::net::TcpStream,
    TcpListener => std::net::TcpListener,
    UdpSocket => std::net::UdpSocket,
    UnixStream => std::os::unix::net::UnixStream,
    UnixListener => std::os::unix::net::UnixListener,
    UnixDatagram => std::os::unix::net::UnixDatagram
);
