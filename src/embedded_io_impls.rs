//! [`embedded-io`](embedded_io) 0.7 on the stream sockets (feature `embedded-io`): `Read`,
//! `Write`, `ReadReady`, `WriteReady` for [`TcpStream`], [`UnixStream`] and [`Socket`] (and
//! shared references to them), and `embedded_io::Error` for [`Error`]. What they promise and
//! how errors map is told in the crate docs (`# embedded-io`). Allocates nothing.

#[cfg(feature = "can")]
use crate::error::CanInputError;
#[cfg(feature = "resolve")]
use crate::error::ResolveError;
use crate::poll::PollError;
use crate::{AddressError, InputError, RingError};
use embedded_io::{ErrorKind, ErrorType, Read, ReadReady, Write, WriteReady};
use rustix::event::PollFlags;
use rustix::fd::AsFd;

use crate::{Errno, Error, PartialCause, Socket, TcpStream, UnixStream};

/// The `embedded-io` kind of an errno.
fn errno_kind(e: Errno) -> ErrorKind {
    match e {
        Errno::NOENT | Errno::NODEV | Errno::NXIO => ErrorKind::NotFound,
        Errno::ACCESS | Errno::PERM => ErrorKind::PermissionDenied,
        Errno::CONNREFUSED => ErrorKind::ConnectionRefused,
        Errno::CONNRESET => ErrorKind::ConnectionReset,
        Errno::CONNABORTED => ErrorKind::ConnectionAborted,
        Errno::NOTCONN => ErrorKind::NotConnected,
        Errno::ADDRINUSE => ErrorKind::AddrInUse,
        Errno::ADDRNOTAVAIL => ErrorKind::AddrNotAvailable,
        Errno::PIPE => ErrorKind::BrokenPipe,
        Errno::EXIST => ErrorKind::AlreadyExists,
        Errno::INVAL => ErrorKind::InvalidInput,
        Errno::TIMEDOUT => ErrorKind::TimedOut,
        Errno::INTR => ErrorKind::Interrupted,
        Errno::OPNOTSUPP
        | Errno::AFNOSUPPORT
        | Errno::PROTONOSUPPORT
        | Errno::SOCKTNOSUPPORT
        | Errno::NOPROTOOPT
        | Errno::NOSYS => ErrorKind::Unsupported,
        Errno::NOMEM | Errno::NOBUFS => ErrorKind::OutOfMemory,
        _ => ErrorKind::Other,
    }
}

impl embedded_io::Error for Error {
    /// The kind of what went wrong: an errno by its meaning (`ECONNREFUSED` is
    /// `ConnectionRefused`, `EPIPE` `BrokenPipe`, ...), [`Error::Timeout`] `TimedOut`,
    /// [`Error::Partial`] its cause's kind, malformed data from the kernel or the wire
    /// `InvalidData`, families and types this crate does not support `Unsupported`, a bad
    /// argument `InvalidInput`; [`Error::WouldBlock`] and resolver failures are `Other`.
    ///
    /// ```
    /// use baresock::{Errno, Error};
    /// use embedded_io::{Error as _, ErrorKind};
    ///
    /// assert_eq!(Error::Os(Errno::CONNREFUSED).kind(), ErrorKind::ConnectionRefused);
    /// assert_eq!(Error::Timeout.kind(), ErrorKind::TimedOut);
    /// assert_eq!(Error::Input(baresock::InputError::ZeroTimeout).kind(), ErrorKind::InvalidInput);
    /// ```
    fn kind(&self) -> ErrorKind {
        match *self {
            Error::Os(e) => errno_kind(e),
            Error::Timeout
            | Error::Partial {
                cause: PartialCause::Timeout,
                ..
            } => ErrorKind::TimedOut,
            Error::Partial {
                cause: PartialCause::Os(e),
                ..
            } => errno_kind(e),
            Error::WouldBlock | Error::Partial { .. } => ErrorKind::Other,
            #[cfg(feature = "resolve")]
            Error::Resolve(ResolveError::Lookup(_) | ResolveError::Host(_)) => ErrorKind::Other,
            Error::Address(AddressError::Unsupported { .. }) => ErrorKind::Unsupported,
            #[cfg(feature = "can")]
            Error::Can(CanInputError::J1939AddressNotClaimed { .. }) => ErrorKind::AddrNotAvailable,
            Error::Poll(PollError::Full) => ErrorKind::OutOfMemory,
            Error::Poll(p) => p.errno().map_or(ErrorKind::InvalidInput, errno_kind),
            Error::Truncated { .. }
            | Error::Address(AddressError::Malformed { .. } | AddressError::Missing)
            | Error::Input(InputError::OptionSize { .. })
            | Error::Ring(RingError::Malformed) => ErrorKind::InvalidData,
            #[cfg(feature = "resolve")]
            Error::Resolve(ResolveError::MalformedDns(_)) => ErrorKind::InvalidData,
            #[cfg(feature = "can")]
            Error::Can(CanInputError::MalformedBcm) => ErrorKind::InvalidData,
            _ => ErrorKind::InvalidInput,
        }
    }
}

/// Whether `events` (or an error or hang-up, which the next call reports) are ready now.
fn ready_now(s: &Socket, events: PollFlags) -> Result<bool, Error> {
    loop {
        match crate::sys::poll::poll(Some(s.as_fd()), events.bits().into(), 0) {
            Ok(n) => return Ok(n > 0),
            Err(Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}

/// The traits for a stream socket type and a shared reference to it (its calls take `&self`,
/// as `std`'s streams have `Read for &TcpStream`).
macro_rules! embedded_io_traits {
    ($($t:ty),*) => {$(
        impl ErrorType for $t {
            type Error = Error;
        }

        impl ErrorType for &$t {
            type Error = Error;
        }

        impl Read for &$t {
            /// One `recv`: waits (as the socket's timeout mode says) until at least one byte
            /// is there; 0 at end of stream or for an empty `buf`.
            fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
                if buf.is_empty() {
                    return Ok(0);
                }
                self.recv(buf)
            }
        }

        impl Read for $t {
            fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
                (&*self).read(buf)
            }
        }

        impl Write for &$t {
            /// One `send`: waits until at least one byte went out; never `Ok(0)` but for an
            /// empty `buf`.
            fn write(&mut self, buf: &[u8]) -> Result<usize, Error> {
                if buf.is_empty() {
                    return Ok(0);
                }
                self.send(buf)
            }

            /// Nothing to do: the socket buffers nothing on this side of the kernel.
            fn flush(&mut self) -> Result<(), Error> {
                Ok(())
            }

            /// [`send_all`](Socket::send_all): one deadline covers the whole buffer.
            fn write_all(&mut self, buf: &[u8]) -> Result<(), Error> {
                self.send_all(buf)
            }
        }

        impl Write for $t {
            fn write(&mut self, buf: &[u8]) -> Result<usize, Error> {
                (&*self).write(buf)
            }

            fn flush(&mut self) -> Result<(), Error> {
                Ok(())
            }

            fn write_all(&mut self, buf: &[u8]) -> Result<(), Error> {
                self.send_all(buf)
            }
        }

        impl ReadReady for &$t {
            /// `poll` with no wait: data, end of stream or an error is there to read.
            fn read_ready(&mut self) -> Result<bool, Error> {
                ready_now(self.socket(), PollFlags::IN)
            }
        }

        impl ReadReady for $t {
            fn read_ready(&mut self) -> Result<bool, Error> {
                (&*self).read_ready()
            }
        }

        impl WriteReady for &$t {
            /// `poll` with no wait: there is room to send (or an error to report).
            fn write_ready(&mut self) -> Result<bool, Error> {
                ready_now(self.socket(), PollFlags::OUT)
            }
        }

        impl WriteReady for $t {
            fn write_ready(&mut self) -> Result<bool, Error> {
                (&*self).write_ready()
            }
        }
    )*};
}

/// The untyped socket under a stream type.
trait SocketOf {
    fn socket(&self) -> &Socket;
}

impl SocketOf for Socket {
    fn socket(&self) -> &Socket {
        self
    }
}

impl SocketOf for TcpStream {
    fn socket(&self) -> &Socket {
        self.as_socket()
    }
}

impl SocketOf for UnixStream {
    fn socket(&self) -> &Socket {
        self.as_socket()
    }
}

embedded_io_traits!(Socket, TcpStream, UnixStream);
