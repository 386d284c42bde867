//! Typed sockets over [`Socket`](crate::Socket), as thin as `std::net`'s: each is one
//! `Socket` whose family and type are known, with the methods that make sense for it.

mod inet;
mod mptcp;
mod packet;
mod raw;
mod ring;
mod std_parity;
mod unix;
mod vsock;

pub use inet::{
    create_connection, create_server, ServerOptions, TcpListener, TcpStream, UdpSocket,
};
#[cfg(feature = "resolve")]
pub(crate) use mptcp::stream_socket;
pub use mptcp::{create_connection_mptcp, MptcpMode, MptcpStatus};
pub use packet::{
    interface_index, interface_name, Fanout, FanoutFlags, FanoutMode, Membership, PacketKind,
    PacketSocket, PacketStats,
};
pub use raw::RawSocket;
pub use ring::{Block, Frame, Frames, RingConfig, RxRing, TxRing, TxRingConfig, TxSlot};
pub use unix::{UnixDatagram, UnixListener, UnixSeqpacket, UnixSeqpacketListener, UnixStream};
pub use vsock::{
    vsock_local_cid, VsockDatagram, VsockListener, VsockSeqpacket, VsockSeqpacketListener,
    VsockStream,
};

/// A conversion of a [`Socket`](crate::Socket) into a typed socket (`TryFrom<Socket>`) that
/// failed: why, and the socket, handed back open, so that another type can be tried.
///
/// Socket activation, say, gets an fd of unknown kind and tries each type in turn:
///
/// ```
/// use baresock::{Socket, TcpListener, UnixListener};
///
/// # let std_listener = std::os::unix::net::UnixListener::bind(
/// #     std::env::temp_dir().join(format!("baresock-doc-{}", std::process::id()))).unwrap();
/// # let fd = std::os::fd::OwnedFd::from(std_listener);
/// let socket = Socket::from_fd(fd)?;
/// match TcpListener::try_from(socket) {
///     Ok(tcp) => println!("TCP on {}", tcp.local_addr()?),
///     Err(not_tcp) => {
///         let unix = UnixListener::try_from(not_tcp.socket)?;
///         println!("Unix on {:?}", unix.local_addr()?);
///     }
/// }
/// # Ok::<(), baresock::Error>(())
/// ```
///
/// With `?`, it becomes its [`Error`](crate::Error) and the socket is closed.
pub struct FromSocketError {
    /// Why not: [`InputError::WrongFamily`](crate::InputError::WrongFamily),
    /// [`InputError::TypeMismatch`](crate::InputError::TypeMismatch), or the error asking the
    /// kernel.
    pub error: crate::Error,
    /// The socket, untouched and open.
    pub socket: crate::Socket,
}

impl core::fmt::Debug for FromSocketError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FromSocketError")
            .field("error", &self.error)
            .field("socket", &self.socket)
            .finish()
    }
}

impl core::fmt::Display for FromSocketError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(&self.error, f)
    }
}

impl core::error::Error for FromSocketError {}

#[cfg(feature = "defmt")]
impl defmt::Format for FromSocketError {
    fn format(&self, f: defmt::Formatter<'_>) {
        use rustix::fd::AsRawFd;
        defmt::write!(
            f,
            "FromSocketError {{ error: {}, socket: {} }}",
            self.error,
            self.socket.as_raw_fd()
        )
    }
}

impl From<FromSocketError> for crate::Error {
    /// Keeps the error and closes the socket.
    fn from(e: FromSocketError) -> crate::Error {
        e.error
    }
}

/// Whether `s` is of one of `families` and one of `types` (the check of `TryFrom<Socket>`).
pub(crate) fn check_kind(
    s: &crate::Socket,
    families: &[crate::Family],
    types: &[crate::Type],
) -> crate::Result<()> {
    let found = s.family()?;
    if !families.contains(&found) {
        return Err(crate::Error::Input(crate::InputError::WrongFamily {
            expected: families[0],
            found,
        }));
    }
    let found = s.socket_type()?;
    if !types.contains(&found) {
        return Err(crate::Error::Input(crate::InputError::TypeMismatch {
            expected: types[0],
            found,
        }));
    }
    Ok(())
}

/// Defines a typed socket: the struct, the methods every kind shares, and its fd and
/// conversion traits. `TryFrom<Socket>` checks the family is one of `$families` and the type
/// one of `$ty`.
macro_rules! typed_socket {
    ($(#[$doc:meta])* $name:ident, [$($family:ident),+], [$($ty:ident),+]) => {
        $(#[$doc])*
        pub struct $name {
            inner: $crate::Socket,
        }

        impl $name {
            /// The untyped socket underneath, for every option and call it has.
            #[inline]
            pub fn as_socket(&self) -> &$crate::Socket {
                &self.inner
            }

            /// The untyped socket underneath.
            #[inline]
            pub fn into_socket(self) -> $crate::Socket {
                self.inner
            }

            /// A socket known to be of this kind (made so by the crate), without asking the
            /// kernel.
            #[allow(dead_code)]
            #[inline]
            pub(crate) fn from_socket(inner: $crate::Socket) -> Self {
                Self { inner }
            }

            /// Sets the timeout mode of reads and writes alike (see
            /// [`Socket::set_timeout`](crate::Socket::set_timeout); one direction:
            /// [`Socket::set_read_timeout`](crate::Socket::set_read_timeout),
            /// [`Socket::set_write_timeout`](crate::Socket::set_write_timeout)).
            ///
            #[doc = man!(fcntl(2), poll(2))]
            pub fn set_timeout(&self, timeout: Option<core::time::Duration>) -> $crate::Result<()> {
                self.inner.set_timeout(timeout)
            }

            /// The timeout mode, of reads when the two differ (see
            /// [`Socket::timeout`](crate::Socket::timeout)).
            ///
            #[doc = man!(fcntl(2))]
            pub fn timeout(&self) -> Option<core::time::Duration> {
                self.inner.timeout()
            }

            /// Switches between non-blocking and blocking mode, for reads and writes alike.
            ///
            #[doc = man!(fcntl(2))]
            pub fn set_nonblocking(&self, nonblocking: bool) -> $crate::Result<()> {
                self.inner.set_nonblocking(nonblocking)
            }

            /// The pending socket error, cleared by reading it (`SO_ERROR`).
            ///
            #[doc = man!(getsockopt(2), socket(7))]
            pub fn take_error(&self) -> $crate::Result<Option<$crate::Error>> {
                self.inner.take_error()
            }

            /// Another handle to the same socket (`F_DUPFD_CLOEXEC`).
            ///
            #[doc = man!(fcntl(2))]
            pub fn try_clone(&self) -> $crate::Result<Self> {
                self.inner.try_clone().map(|inner| Self { inner })
            }
        }

        impl $crate::reactor::AsSocket for $name {
            fn as_socket(&self) -> &$crate::Socket {
                &self.inner
            }
        }

        impl TryFrom<$crate::Socket> for $name {
            type Error = $crate::FromSocketError;

            /// Fails with [`InputError::WrongFamily`](crate::InputError::WrongFamily) or
            /// [`InputError::TypeMismatch`](crate::InputError::TypeMismatch) for a socket of
            /// another kind, and hands the socket back, open, in the
            /// [`FromSocketError`](crate::FromSocketError), so the next type can be tried.
            fn try_from(s: $crate::Socket) -> core::result::Result<Self, $crate::FromSocketError> {
                match $crate::net::check_kind(
                    &s,
                    &[$($crate::Family::$family),+],
                    &[$($crate::Type::$ty),+],
                ) {
                    Ok(()) => Ok(Self { inner: s }),
                    Err(error) => Err($crate::FromSocketError { error, socket: s }),
                }
            }
        }

        impl From<$name> for $crate::Socket {
            fn from(s: $name) -> $crate::Socket {
                s.inner
            }
        }

        impl From<rustix::fd::OwnedFd> for $name {
            /// Wraps an fd, trusting it is of this kind (like `std`'s `From<OwnedFd>`). Use
            /// `TryFrom<Socket>` over [`Socket::from_fd`](crate::Socket::from_fd) to check.
            fn from(fd: rustix::fd::OwnedFd) -> Self {
                Self { inner: $crate::Socket::from(fd) }
            }
        }

        impl From<$name> for rustix::fd::OwnedFd {
            fn from(s: $name) -> rustix::fd::OwnedFd {
                s.inner.into()
            }
        }

        impl rustix::fd::AsFd for $name {
            fn as_fd(&self) -> rustix::fd::BorrowedFd<'_> {
                self.inner.as_fd()
            }
        }

        impl rustix::fd::AsRawFd for $name {
            fn as_raw_fd(&self) -> rustix::fd::RawFd {
                rustix::fd::AsRawFd::as_raw_fd(&self.inner)
            }
        }

        $crate::sys::fd::from_raw_fd!($name);

        impl rustix::fd::IntoRawFd for $name {
            fn into_raw_fd(self) -> rustix::fd::RawFd {
                rustix::fd::IntoRawFd::into_raw_fd(self.inner)
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.inner).finish()
            }
        }
    };
}

/// Defines the byte-moving methods of a connected socket; `stream` adds `send_all` (a
/// datagram or seqpacket send is whole or an error, so those have none, as in `std`).
macro_rules! connected_io {
    ($name:ident, stream) => {
        $crate::net::connected_io!($name);

        impl $name {
            /// Sends the whole buffer, looping over short writes (see
            /// [`Socket::send_all`](crate::Socket::send_all)); `std`'s `write_all`.
            ///
            #[doc = man!(send(2), poll(2))]
            #[inline]
            pub fn send_all(&self, buf: &[u8]) -> $crate::Result<()> {
                self.inner.send_all(buf)
            }
        }
    };
    ($name:ident) => {
        impl $name {
            /// Sends data; returns how many bytes went out (see [`Socket::send`](crate::Socket::send)).
            ///
            #[doc = man!(send(2))]
            #[inline]
            pub fn send(&self, buf: &[u8]) -> $crate::Result<usize> {
                self.inner.send(buf)
            }

            /// Receives data (see [`Socket::recv`](crate::Socket::recv)).
            ///
            #[doc = man!(recv(2))]
            #[inline]
            pub fn recv(&self, buf: &mut [u8]) -> $crate::Result<usize> {
                self.inner.recv(buf)
            }

            /// Receives without consuming (see [`Socket::peek`](crate::Socket::peek)).
            ///
            #[doc = man!(recv(2))]
            #[inline]
            pub fn peek(&self, buf: &mut [u8]) -> $crate::Result<usize> {
                self.inner.peek(buf)
            }

            /// Shuts down one or both directions (`shutdown(2)`).
            ///
            #[doc = man!(shutdown(2))]
            pub fn shutdown(&self, how: $crate::Shutdown) -> $crate::Result<()> {
                self.inner.shutdown(how)
            }
        }
    };
}

/// `std::net`'s timeout methods, for the types that have them there (feature `std`).
///
/// As in `std`, the read and the write timeout are two settings (see the
/// [crate's timeout model](crate::Socket#timeouts)), and a zero duration is refused
/// ([`InputError::ZeroTimeout`](crate::InputError::ZeroTimeout)).
macro_rules! std_timeouts {
    ($($name:ident),*) => {$(
        #[cfg(feature = "std")]
        impl $name {
            /// Sets the timeout of receiving only; `None` is blocking. Sends keep theirs (see
            /// [`Socket::set_read_timeout`](crate::Socket::set_read_timeout)).
            ///
            #[doc = man!(fcntl(2), poll(2))]
            pub fn set_read_timeout(&self, timeout: Option<core::time::Duration>) -> $crate::Result<()> {
                if timeout == Some(core::time::Duration::ZERO) {
                    return Err($crate::Error::Input($crate::InputError::ZeroTimeout));
                }
                self.inner.set_read_timeout(timeout)
            }

            /// Sets the timeout of sending only; `None` is blocking. Receives keep theirs (see
            /// [`Socket::set_write_timeout`](crate::Socket::set_write_timeout)).
            ///
            #[doc = man!(fcntl(2), poll(2))]
            pub fn set_write_timeout(&self, timeout: Option<core::time::Duration>) -> $crate::Result<()> {
                if timeout == Some(core::time::Duration::ZERO) {
                    return Err($crate::Error::Input($crate::InputError::ZeroTimeout));
                }
                self.inner.set_write_timeout(timeout)
            }

            /// The timeout of receiving; `None` when blocking (or non-blocking, as `std`
            /// reports it).
            ///
            #[doc = man!(fcntl(2))]
            pub fn read_timeout(&self) -> $crate::Result<Option<core::time::Duration>> {
                Ok(self.inner.read_timeout().filter(|t| !t.is_zero()))
            }

            /// The timeout of sending; `None` when blocking (or non-blocking, as `std`
            /// reports it).
            ///
            #[doc = man!(fcntl(2))]
            pub fn write_timeout(&self) -> $crate::Result<Option<core::time::Duration>> {
                Ok(self.inner.write_timeout().filter(|t| !t.is_zero()))
            }
        }
    )*};
}

pub(crate) use {connected_io, std_timeouts, typed_socket};
