//! The methods of `std::net`'s sockets that forward to one [`Socket`](crate::Socket) option:
//! `UdpSocket`'s multicast methods, with `std`'s names and argument types, and `TcpStream`'s
//! linger.

use core::net::{Ipv4Addr, Ipv6Addr};
use core::time::Duration;

use crate::{MulticastInterface, Result, TcpStream, UdpSocket};

/// Multicast, as `std::net::UdpSocket` has it. For an interface given by index on IPv4, or the
/// outgoing interface, see [`Socket::join_multicast_v4`](crate::Socket::join_multicast_v4)
/// and [`Socket::set_multicast_if_v4`](crate::Socket::set_multicast_if_v4).
impl UdpSocket {
    /// Joins the IPv4 multicast group `multiaddr` on the interface with the local address
    /// `interface`; [`Ipv4Addr::UNSPECIFIED`] lets the kernel choose (`IP_ADD_MEMBERSHIP`).
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// use core::net::Ipv4Addr;
    /// let s = UdpSocket::bind("0.0.0.0:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let group = Ipv4Addr::new(239, 255, 0, 1);
    /// s.join_multicast_v4(&group, &Ipv4Addr::UNSPECIFIED)?;
    /// s.leave_multicast_v4(&group, &Ipv4Addr::UNSPECIFIED)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), ip(7))]
    #[doc(alias = "IP_ADD_MEMBERSHIP")]
    pub fn join_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> Result<()> {
        self.as_socket()
            .join_multicast_v4(*multiaddr, MulticastInterface::Address(*interface))
    }

    /// Leaves the IPv4 multicast group `multiaddr` on the interface with the local address
    /// `interface` (`IP_DROP_MEMBERSHIP`).
    ///
    #[doc = man!(setsockopt(2), ip(7))]
    #[doc(alias = "IP_DROP_MEMBERSHIP")]
    pub fn leave_multicast_v4(&self, multiaddr: &Ipv4Addr, interface: &Ipv4Addr) -> Result<()> {
        self.as_socket()
            .leave_multicast_v4(*multiaddr, MulticastInterface::Address(*interface))
    }

    /// Joins the IPv6 multicast group `multiaddr` on the interface of index `interface`; 0
    /// lets the kernel choose (`IPV6_ADD_MEMBERSHIP`).
    ///
    /// ```no_run
    /// use baresock::UdpSocket;
    /// use core::net::Ipv6Addr;
    /// let s = UdpSocket::bind("[::]:5355".parse::<core::net::SocketAddr>().unwrap())?;
    /// let group: Ipv6Addr = "ff02::1:3".parse().unwrap(); // LLMNR
    /// let eth0 = baresock::interface_index(&baresock::ShortName::new(b"eth0")?)?;
    /// s.join_multicast_v6(&group, eth0)?;
    /// s.leave_multicast_v6(&group, eth0)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), ipv6(7))]
    #[doc(alias = "IPV6_ADD_MEMBERSHIP")]
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> Result<()> {
        self.as_socket().join_multicast_v6(multiaddr, interface)
    }

    /// Leaves the IPv6 multicast group `multiaddr` on the interface of index `interface`
    /// (`IPV6_DROP_MEMBERSHIP`).
    ///
    #[doc = man!(setsockopt(2), ipv6(7))]
    #[doc(alias = "IPV6_DROP_MEMBERSHIP")]
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> Result<()> {
        self.as_socket().leave_multicast_v6(multiaddr, interface)
    }

    /// Loops outgoing IPv4 multicast back to local listeners (`IP_MULTICAST_LOOP`; on by
    /// default).
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// let s = UdpSocket::bind("0.0.0.0:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// s.set_multicast_loop_v4(false)?;
    /// assert!(!s.multicast_loop_v4()?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), ip(7))]
    #[doc(alias = "IP_MULTICAST_LOOP")]
    pub fn set_multicast_loop_v4(&self, on: bool) -> Result<()> {
        self.as_socket().set_multicast_loop_v4(on)
    }

    /// Whether outgoing IPv4 multicast loops back (`IP_MULTICAST_LOOP`).
    ///
    #[doc = man!(getsockopt(2), ip(7))]
    #[doc(alias = "IP_MULTICAST_LOOP")]
    pub fn multicast_loop_v4(&self) -> Result<bool> {
        self.as_socket().multicast_loop_v4()
    }

    /// The TTL of outgoing IPv4 multicast (`IP_MULTICAST_TTL`; 1 by default: the local
    /// network only). `std` takes a `u32`; the kernel takes 0 to 255, so a `u8` here.
    ///
    #[doc = man!(setsockopt(2), ip(7))]
    #[doc(alias = "IP_MULTICAST_TTL")]
    pub fn set_multicast_ttl_v4(&self, ttl: u8) -> Result<()> {
        self.as_socket().set_multicast_ttl_v4(ttl)
    }

    /// The TTL of outgoing IPv4 multicast (`IP_MULTICAST_TTL`).
    ///
    #[doc = man!(getsockopt(2), ip(7))]
    #[doc(alias = "IP_MULTICAST_TTL")]
    pub fn multicast_ttl_v4(&self) -> Result<u8> {
        self.as_socket().multicast_ttl_v4()
    }

    /// Loops outgoing IPv6 multicast back to local listeners (`IPV6_MULTICAST_LOOP`; on by
    /// default).
    ///
    /// ```
    /// use baresock::UdpSocket;
    /// let s = UdpSocket::bind("[::1]:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// s.set_multicast_loop_v6(false)?;
    /// assert!(!s.multicast_loop_v6()?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), ipv6(7))]
    #[doc(alias = "IPV6_MULTICAST_LOOP")]
    pub fn set_multicast_loop_v6(&self, on: bool) -> Result<()> {
        self.as_socket().set_multicast_loop_v6(on)
    }

    /// Whether outgoing IPv6 multicast loops back (`IPV6_MULTICAST_LOOP`).
    ///
    #[doc = man!(getsockopt(2), ipv6(7))]
    #[doc(alias = "IPV6_MULTICAST_LOOP")]
    pub fn multicast_loop_v6(&self) -> Result<bool> {
        self.as_socket().multicast_loop_v6()
    }
}

/// `std::net::TcpStream`'s linger (unstable in `std`, `tcp_linger`).
impl TcpStream {
    /// Sets `SO_LINGER`: with `Some(d)`, closing waits up to `d` (whole seconds, rounded up)
    /// for unsent data to go out (see [`Socket::set_linger`](crate::Socket::set_linger)).
    ///
    /// ```
    /// use baresock::{TcpListener, TcpStream};
    /// use core::time::Duration;
    /// let listener = TcpListener::bind("127.0.0.1:0".parse::<core::net::SocketAddr>().unwrap())?;
    /// let s = TcpStream::connect(listener.local_addr()?)?;
    /// s.set_linger(Some(Duration::from_secs(1)))?;
    /// assert_eq!(s.linger()?, Some(Duration::from_secs(1)));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), socket(7))]
    #[doc(alias = "SO_LINGER")]
    pub fn set_linger(&self, linger: Option<Duration>) -> Result<()> {
        self.as_socket().set_linger(linger)
    }

    /// The `SO_LINGER` setting.
    ///
    #[doc = man!(getsockopt(2), socket(7))]
    #[doc(alias = "SO_LINGER")]
    pub fn linger(&self) -> Result<Option<Duration>> {
        self.as_socket().linger()
    }
}
