//! vsock sockets: stream, seqpacket and datagram, between a virtual machine and its host
//! (vsock(7)).
//!
//! What a socket can do depends on the transport the kernel has loaded: a guest's
//! (`vmw_vsock_virtio_transport` under QEMU, Firecracker and Kata, `hv_sock`,
//! `vmw_vsock_vmci_transport`), a host's (`vhost_vsock`), or the local one (`vsock_loopback`,
//! for [`VsockAddr::CID_LOCAL`]). Where the kernel lacks what a call needs, the call fails
//! with [`Error::Unsupported`] naming the [`KernelFeature`]: no `AF_VSOCK` at all, or no
//! transport towards the address ([`KernelFeature::VsockTransport`]); no seqpacket in the
//! transport ([`KernelFeature::VsockSeqpacket`]); no datagrams
//! ([`KernelFeature::VsockDatagram`]: only VMCI has them). Any other errno stays
//! [`Error::Os`].
//!
//! `std` has no vsock type, so there is no `std` conversion beyond `OwnedFd`.

use core::time::Duration;

use rustix::io::Errno;

use super::{connected_io, std_timeouts, typed_socket};
use crate::{
    Error, Family, InputError, KernelFeature, Protocol, Result, SockAddr, Socket, Type,
    Unsupported, VsockAddr,
};

fn vsock(a: SockAddr) -> Result<VsockAddr> {
    VsockAddr::try_from(a)
}

fn unsupported(feature: KernelFeature, errno: Errno) -> Error {
    Error::Unsupported(Unsupported { feature, errno })
}

/// `socket(AF_VSOCK, ty)`. `EAFNOSUPPORT`: the kernel has no `AF_VSOCK`. `ENODEV` for a
/// datagram socket: no transport has datagrams (the kernel picks the datagram transport when
/// the socket is made, and answers `ENODEV` where there is none). `ESOCKTNOSUPPORT` for a
/// seqpacket socket: the kernel predates vsock seqpacket (Linux 5.14).
fn new(ty: Type) -> Result<Socket> {
    Socket::new(Family::VSOCK, ty, Protocol::DEFAULT).map_err(|e| creation_error(e, ty))
}

/// The named errors of `socket(AF_VSOCK, ty)` (see [`new`]).
fn creation_error(e: Error, ty: Type) -> Error {
    match e {
        Error::Os(Errno::AFNOSUPPORT) => {
            unsupported(KernelFeature::VsockTransport, Errno::AFNOSUPPORT)
        }
        Error::Os(Errno::NODEV) if ty == Type::DGRAM => {
            unsupported(KernelFeature::VsockDatagram, Errno::NODEV)
        }
        // Before Linux 5.14 `AF_VSOCK` makes stream and datagram sockets only.
        Error::Os(Errno::SOCKTNOSUPPORT) if ty == Type::SEQPACKET => {
            unsupported(KernelFeature::VsockSeqpacket, Errno::SOCKTNOSUPPORT)
        }
        e => e,
    }
}
/// The named errors of a connect. `ENODEV`: no transport reaches the address (the kernel
/// picks the transport at connect, and answers `ENODEV` where there is none for that context
/// id). `ESOCKTNOSUPPORT` on a seqpacket socket: the transport has no seqpacket.
fn connect_error(e: Error, ty: Type) -> Error {
    match e {
        Error::Os(Errno::NODEV) => unsupported(KernelFeature::VsockTransport, Errno::NODEV),
        Error::Os(Errno::SOCKTNOSUPPORT) if ty == Type::SEQPACKET => {
            unsupported(KernelFeature::VsockSeqpacket, Errno::SOCKTNOSUPPORT)
        }
        e => e,
    }
}

fn bound(ty: Type, addr: VsockAddr) -> Result<Socket> {
    let s = new(ty)?;
    s.bind(addr)?;
    Ok(s)
}

fn listening(ty: Type, addr: VsockAddr) -> Result<Socket> {
    let s = bound(ty, addr)?;
    s.listen(u32::MAX)?;
    Ok(s)
}

fn connected(ty: Type, addr: VsockAddr) -> Result<Socket> {
    let s = new(ty)?;
    s.connect(addr).map_err(|e| connect_error(e, ty))?;
    Ok(s)
}

/// The longest kernel connect bound every machine takes: `SO_VM_SOCKETS_CONNECT_TIMEOUT` must
/// stay under `LONG_MAX / HZ` seconds, about 24 days on a 32-bit kernel with `HZ=1000`.
const KERNEL_CONNECT_TIMEOUT_MAX: Duration = Duration::from_secs(2_000_000);

/// The context id this machine has, as the kernel reports it
/// (`IOCTL_VM_SOCKETS_GET_LOCAL_CID` on `/dev/vsock`): a guest's own context id (3 and up)
/// when it has a guest transport (virtio, VMCI, Hyper-V; measured: 3 in a Firecracker guest),
/// [`VsockAddr::CID_HOST`] on a host with `vhost_vsock` and no guest transport,
/// [`VsockAddr::CID_LOCAL`] with only the loopback transport (measured on Linux 6.1), and
/// `None` where the kernel answers [`VsockAddr::CID_ANY`]: no transport it has an id for.
///
/// Fails with [`Error::Os`]: `ENOENT` where there is no `/dev/vsock` (no `AF_VSOCK` loaded,
/// or no devtmpfs), `EACCES` where the process may not open it.
///
/// ```no_run
/// // no_run: needs /dev/vsock.
/// match baresock::vsock_local_cid()? {
///     Some(cid) => println!("this machine is vsock context {cid}"),
///     None => println!("no guest or host transport: only the loopback's CID 1, if any"),
/// }
/// # Ok::<(), baresock::Error>(())
/// ```
///
#[doc = man!(vsock(7), ioctl(2))]
#[doc(alias = "IOCTL_VM_SOCKETS_GET_LOCAL_CID")]
#[doc(alias = "get_local_cid")]
pub fn vsock_local_cid() -> Result<Option<u32>> {
    let cid = crate::sys::vsock::local_cid()?;
    Ok((cid != VsockAddr::CID_ANY).then_some(cid))
}

/// Defines the address getters of a connected vsock socket type.
macro_rules! vsock_addrs {
    ($name:ident) => {
        impl $name {
            /// The local address. A connecting socket is bound to [`VsockAddr::CID_ANY`] and a
            /// port the kernel picks, and reads its context id back as `CID_ANY` (measured on
            /// Linux 6.1 over the loopback transport), where its peer sees the real one.
            ///
            #[doc = man!(getsockname(2), vsock(7))]
            pub fn local_addr(&self) -> Result<VsockAddr> {
                vsock(self.inner.local_addr()?)
            }

            /// The peer's address.
            ///
            #[doc = man!(getpeername(2), vsock(7))]
            pub fn peer_addr(&self) -> Result<VsockAddr> {
                vsock(self.inner.peer_addr()?)
            }
        }
    };
}

typed_socket!(
    /// A vsock stream listener, as thin as [`TcpListener`](crate::TcpListener).
    ///
    /// ```no_run
    /// // no_run: needs a vsock transport (here the local one, `vsock_loopback`).
    /// use baresock::{VsockAddr, VsockListener, VsockStream};
    /// let listener = VsockListener::bind(VsockAddr::new(VsockAddr::CID_LOCAL, VsockAddr::PORT_ANY))?;
    /// let client = VsockStream::connect(listener.local_addr()?)?;
    /// let (conn, peer) = listener.accept()?;
    /// assert_eq!(peer.port(), client.local_addr()?.port());
    /// client.send_all(b"hello")?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(conn.recv(&mut buf)?, 5);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    VsockListener, [VSOCK], [STREAM]
);

impl VsockListener {
    /// Binds to `addr` (a context id of this machine, or [`VsockAddr::CID_ANY`]; a port, or
    /// [`VsockAddr::PORT_ANY`]) and listens with the kernel's maximum backlog.
    ///
    #[doc = man!(bind(2), listen(2), vsock(7))]
    pub fn bind(addr: VsockAddr) -> Result<VsockListener> {
        listening(Type::STREAM, addr).map(|inner| VsockListener { inner })
    }

    /// Accepts a connection; the stream takes the default timeout.
    ///
    #[doc = man!(accept4(2), vsock(7))]
    pub fn accept(&self) -> Result<(VsockStream, VsockAddr)> {
        let (s, a) = self.inner.accept()?;
        Ok((VsockStream { inner: s }, vsock(a)?))
    }

    /// An endless iterator over accepted connections (`std`'s `incoming`).
    ///
    #[doc = man!(accept4(2))]
    pub fn incoming(&self) -> impl Iterator<Item = Result<VsockStream>> + '_ {
        core::iter::repeat_with(|| self.accept().map(|(s, _)| s))
    }

    /// The address the listener is bound to (with the port the kernel picked for
    /// [`VsockAddr::PORT_ANY`]).
    ///
    #[doc = man!(getsockname(2), vsock(7))]
    pub fn local_addr(&self) -> Result<VsockAddr> {
        vsock(self.inner.local_addr()?)
    }
}

typed_socket!(
    /// A vsock stream, as thin as [`TcpStream`](crate::TcpStream). With the `std` feature it
    /// is `std::io::Read` and `Write`; `std` has no vsock type to convert to.
    VsockStream, [VSOCK], [STREAM]
);
connected_io!(VsockStream, stream);
vsock_addrs!(VsockStream);

impl VsockStream {
    /// Connects to a listener at `addr`, within the socket's timeout mode (the
    /// [default timeout](crate::default_timeout)) and the kernel's own connect bound
    /// ([`Socket::set_vsock_connect_timeout`], 2 s by default).
    ///
    /// Nobody listening on the port is `Error::Os(ECONNRESET)` (the peer's transport resets
    /// the connection); no transport towards `addr` is [`Error::Unsupported`] with
    /// [`KernelFeature::VsockTransport`]. Without a guest transport, the loopback transport
    /// takes [`VsockAddr::CID_HOST`] as this machine too (measured on Linux 6.1).
    ///
    /// ```no_run
    /// // no_run: needs a guest transport and a host listening on port 1024.
    /// use baresock::{VsockAddr, VsockStream};
    /// let host = VsockStream::connect(VsockAddr::new(VsockAddr::CID_HOST, 1024))?;
    /// host.send_all(b"ready\n")?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(connect(2), vsock(7))]
    pub fn connect(addr: VsockAddr) -> Result<VsockStream> {
        connected(Type::STREAM, addr).map(|inner| VsockStream { inner })
    }

    /// Connects within `timeout`, then leaves the stream in the default timeout's mode (like
    /// `std`'s `connect_timeout`). The kernel's own connect bound is set to `timeout` too (up
    /// to about 23 days), so its 2 s default does not cut in first. A zero `timeout` is
    /// [`InputError::ZeroTimeout`], as in `std`.
    ///
    #[doc = man!(connect(2), poll(2), vsock(7))]
    pub fn connect_timeout(addr: VsockAddr, timeout: Duration) -> Result<VsockStream> {
        if timeout.is_zero() {
            return Err(Error::Input(InputError::ZeroTimeout));
        }
        let s = new(Type::STREAM)?;
        s.set_timeout(Some(timeout))?;
        s.set_vsock_connect_timeout(timeout.min(KERNEL_CONNECT_TIMEOUT_MAX))?;
        s.connect(addr)
            .map_err(|e| connect_error(e, Type::STREAM))?;
        s.set_timeout(crate::default_timeout())?;
        Ok(VsockStream { inner: s })
    }
}

typed_socket!(
    /// A vsock seqpacket listener (`SOCK_SEQPACKET`, Linux 5.14): connections that keep
    /// message boundaries, where the transport has them (virtio and the loopback transport
    /// do; a virtio device must offer `VIRTIO_VSOCK_F_SEQPACKET`).
    VsockSeqpacketListener, [VSOCK], [SEQPACKET]
);

impl VsockSeqpacketListener {
    /// Binds to `addr` and listens with the kernel's maximum backlog.
    ///
    /// Needs Linux 5.14; older kernels: [`Error::Unsupported`] with
    /// [`KernelFeature::VsockSeqpacket`].
    ///
    /// ```no_run
    /// // no_run: needs a vsock transport with seqpacket (here `vsock_loopback`).
    /// use baresock::{Error, VsockAddr, VsockSeqpacket, VsockSeqpacketListener};
    /// let local = VsockAddr::new(VsockAddr::CID_LOCAL, VsockAddr::PORT_ANY);
    /// let listener = VsockSeqpacketListener::bind(local)?;
    /// let client = VsockSeqpacket::connect(listener.local_addr()?)?;
    /// let (conn, _) = listener.accept()?;
    /// client.send(b"one record")?;
    /// let mut small = [0u8; 4];
    /// // Never cut silently: the record's true length comes back with the error.
    /// assert_eq!(conn.recv(&mut small), Err(Error::Truncated { len: 10 }));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(bind(2), listen(2), vsock(7))]
    pub fn bind(addr: VsockAddr) -> Result<VsockSeqpacketListener> {
        listening(Type::SEQPACKET, addr).map(|inner| VsockSeqpacketListener { inner })
    }

    /// Accepts a connection; it takes the default timeout.
    ///
    #[doc = man!(accept4(2), vsock(7))]
    pub fn accept(&self) -> Result<(VsockSeqpacket, VsockAddr)> {
        let (s, a) = self.inner.accept()?;
        Ok((VsockSeqpacket { inner: s }, vsock(a)?))
    }

    /// The address the listener is bound to.
    ///
    #[doc = man!(getsockname(2), vsock(7))]
    pub fn local_addr(&self) -> Result<VsockAddr> {
        vsock(self.inner.local_addr()?)
    }
}

typed_socket!(
    /// A vsock seqpacket connection: reliable, ordered messages with their boundaries kept; a
    /// message longer than the receive buffer is [`Error::Truncated`](crate::Error::Truncated).
    VsockSeqpacket, [VSOCK], [SEQPACKET]
);
connected_io!(VsockSeqpacket);
vsock_addrs!(VsockSeqpacket);

impl VsockSeqpacket {
    /// Connects to a listener at `addr`.
    ///
    /// Needs Linux 5.14; older kernels (which make no vsock seqpacket socket), and a
    /// transport without seqpacket (a virtio device that does not offer it, like
    /// Firecracker's; VMCI; Hyper-V): [`Error::Unsupported`] with
    /// [`KernelFeature::VsockSeqpacket`].
    ///
    #[doc = man!(connect(2), vsock(7))]
    pub fn connect(addr: VsockAddr) -> Result<VsockSeqpacket> {
        connected(Type::SEQPACKET, addr).map(|inner| VsockSeqpacket { inner })
    }
}

typed_socket!(
    /// A vsock datagram socket, where the transport has datagrams: only VMware's VMCI does.
    /// Elsewhere (virtio, Hyper-V, `vsock_loopback`) making one fails with
    /// [`Error::Unsupported`] and [`KernelFeature::VsockDatagram`].
    ///
    /// ```
    /// use baresock::{Error, KernelFeature, VsockAddr, VsockDatagram};
    /// match VsockDatagram::bind(VsockAddr::new(VsockAddr::CID_ANY, VsockAddr::PORT_ANY)) {
    ///     Ok(s) => println!("datagrams on {}", s.local_addr()?),
    ///     Err(Error::Unsupported(u)) => println!("{u}"), // no VMCI, or no AF_VSOCK at all
    ///     Err(e) => return Err(e),
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    VsockDatagram, [VSOCK], [DGRAM]
);
connected_io!(VsockDatagram);
vsock_addrs!(VsockDatagram);
std_timeouts!(VsockStream, VsockSeqpacket, VsockDatagram);

impl VsockDatagram {
    /// A socket bound to `addr`.
    ///
    #[doc = man!(socket(2), bind(2), vsock(7))]
    pub fn bind(addr: VsockAddr) -> Result<VsockDatagram> {
        bound(Type::DGRAM, addr).map(|inner| VsockDatagram { inner })
    }

    /// An unbound socket (a send binds it to a port the kernel picks).
    ///
    #[doc = man!(socket(2), vsock(7))]
    pub fn unbound() -> Result<VsockDatagram> {
        new(Type::DGRAM).map(|inner| VsockDatagram { inner })
    }

    /// Sets the default destination, and receives only from it.
    ///
    #[doc = man!(connect(2), vsock(7))]
    pub fn connect(&self, addr: VsockAddr) -> Result<()> {
        self.inner.connect(addr)
    }

    /// Sends a datagram to `addr`.
    ///
    #[doc = man!(sendto(2), vsock(7))]
    pub fn send_to(&self, buf: &[u8], addr: VsockAddr) -> Result<usize> {
        self.inner.send_to(buf, addr)
    }

    /// Receives a datagram and its sender; [`Error::Truncated`](crate::Error::Truncated) if
    /// longer than `buf`.
    ///
    #[doc = man!(recvfrom(2), vsock(7))]
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, VsockAddr)> {
        let (n, a) = self.inner.recv_from(buf)?;
        Ok((
            n,
            vsock(a.ok_or(Error::Address(crate::AddressError::Missing))?)?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errnos_are_named_only_where_they_have_one_meaning() {
        let named = |e: Error| match e {
            Error::Unsupported(u) => Some((u.feature, u.errno)),
            _ => None,
        };
        assert_eq!(
            named(connect_error(Error::Os(Errno::NODEV), Type::STREAM)),
            Some((KernelFeature::VsockTransport, Errno::NODEV))
        );
        assert_eq!(
            named(connect_error(
                Error::Os(Errno::SOCKTNOSUPPORT),
                Type::SEQPACKET
            )),
            Some((KernelFeature::VsockSeqpacket, Errno::SOCKTNOSUPPORT))
        );
        assert_eq!(
            named(creation_error(Error::Os(Errno::AFNOSUPPORT), Type::STREAM)),
            Some((KernelFeature::VsockTransport, Errno::AFNOSUPPORT))
        );
        assert_eq!(
            named(creation_error(Error::Os(Errno::NODEV), Type::DGRAM)),
            Some((KernelFeature::VsockDatagram, Errno::NODEV))
        );
        assert_eq!(
            named(creation_error(
                Error::Os(Errno::SOCKTNOSUPPORT),
                Type::SEQPACKET
            )),
            Some((KernelFeature::VsockSeqpacket, Errno::SOCKTNOSUPPORT))
        );
        // ENODEV from socket() of another type, or EPERM: not named.
        for (e, ty) in [(Errno::NODEV, Type::STREAM), (Errno::PERM, Type::DGRAM)] {
            assert_eq!(creation_error(Error::Os(e), ty), Error::Os(e));
        }
        for (e, ty) in [
            (Errno::SOCKTNOSUPPORT, Type::STREAM),
            (Errno::CONNRESET, Type::STREAM),
            (Errno::TIMEDOUT, Type::SEQPACKET),
            (Errno::ADDRNOTAVAIL, Type::STREAM),
        ] {
            assert_eq!(connect_error(Error::Os(e), ty), Error::Os(e));
        }
    }
}
