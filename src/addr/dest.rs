//! A destination encoded once for the kernel, for sending many datagrams to it.

use core::fmt;
use core::net::{SocketAddr as InetAddr, SocketAddrV4, SocketAddrV6};

/// An IP address and port encoded once as the kernel reads it (`sockaddr_in` or
/// `sockaddr_in6`), so that sending many datagrams to it costs no encoding per send (what C
/// programs do with a `struct sockaddr_in` kept between calls).
///
/// ```
/// use baresock::{Destination, UdpSocket};
/// let a = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>()?)?;
/// let b = UdpSocket::bind("127.0.0.1:0".parse::<core::net::SocketAddr>()?)?;
/// let to = Destination::from(b.local_addr()?);
/// for _ in 0..3 {
///     a.send_to_destination(b"tick", &to)?;
/// }
/// let mut buf = [0u8; 8];
/// assert_eq!(b.recv_from(&mut buf)?, (4, a.local_addr()?));
/// assert_eq!(to.addr(), b.local_addr()?);
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Destination {
    /// The kernel's bytes (`sockaddr_in` in the first 16, or `sockaddr_in6`).
    pub(crate) bytes: Encoded,
    /// The address, as given.
    addr: InetAddr,
}

/// A `sockaddr_in6`'s worth of bytes, aligned as the kernel's structs.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C, align(4))]
pub(crate) struct Encoded(pub(crate) [u8; 28]);

impl Destination {
    /// Encodes `addr`.
    pub const fn new(addr: InetAddr) -> Destination {
        Destination {
            bytes: Encoded::new(&addr),
            addr,
        }
    }

    /// The address.
    pub const fn addr(&self) -> InetAddr {
        self.addr
    }

    /// The length of the kernel's struct: 16 for `sockaddr_in`, 28 for `sockaddr_in6`.
    pub(crate) const fn len(&self) -> usize {
        match self.addr {
            InetAddr::V4(_) => 16,
            InetAddr::V6(_) => 28,
        }
    }
}

impl Encoded {
    /// The kernel's struct: the first 16 bytes for IPv4 (`sockaddr_in`), all 28 for IPv6.
    #[inline(always)]
    pub(crate) fn sockaddr(&self, ipv4: bool) -> &[u8] {
        let len = if ipv4 { 16 } else { 28 };
        self.0.get(..len).unwrap_or_default()
    }

    /// The address's family, read from the encoding, and [`sockaddr`](Encoded::sockaddr).
    #[inline(always)]
    pub(crate) fn family_and_sockaddr(&self) -> (crate::Family, &[u8]) {
        let ipv4 =
            u32::from(u16::from_ne_bytes([self.0[0], self.0[1]])) == linux_raw_sys::net::AF_INET;
        let family = if ipv4 {
            crate::Family::Inet
        } else {
            crate::Family::Inet6
        };
        (family, self.sockaddr(ipv4))
    }

    /// `addr` as the kernel reads it: `sockaddr_in` (its 16 bytes, then zeros) or
    /// `sockaddr_in6`. Whole arrays, no loops: a few stores in machine code.
    pub(crate) const fn new(addr: &InetAddr) -> Encoded {
        match addr {
            InetAddr::V4(a) => {
                let [f0, f1] = (linux_raw_sys::net::AF_INET as u16).to_ne_bytes();
                let [p0, p1] = a.port().to_be_bytes();
                let [i0, i1, i2, i3] = a.ip().octets();
                let mut b = [0u8; 28];
                (b[0], b[1], b[2], b[3]) = (f0, f1, p0, p1);
                (b[4], b[5], b[6], b[7]) = (i0, i1, i2, i3);
                Encoded(b)
            }
            InetAddr::V6(a) => Encoded(crate::sys::addr::sockaddr_in6(a)),
        }
    }
}

impl From<InetAddr> for Destination {
    fn from(a: InetAddr) -> Destination {
        Destination::new(a)
    }
}

impl From<SocketAddrV4> for Destination {
    fn from(a: SocketAddrV4) -> Destination {
        Destination::new(InetAddr::V4(a))
    }
}

impl From<SocketAddrV6> for Destination {
    fn from(a: SocketAddrV6) -> Destination {
        Destination::new(InetAddr::V6(a))
    }
}

impl fmt::Debug for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Destination({})", self.addr)
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Destination {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "Destination({})", defmt::Display2Format(&self.addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_the_kernel_reads() {
        let d = Destination::from("192.0.2.1:80".parse::<InetAddr>().unwrap());
        let mut want = [0u8; 16];
        want[..2].copy_from_slice(&(linux_raw_sys::net::AF_INET as u16).to_ne_bytes());
        want[2..4].copy_from_slice(&80u16.to_be_bytes());
        want[4..8].copy_from_slice(&[192, 0, 2, 1]);
        assert_eq!(&d.bytes.0[..d.len()], &want);
        // Decoding gives the address back, for both families.
        for a in ["192.0.2.1:80", "[2001:db8::1%7]:443"] {
            let a: InetAddr = a.parse().unwrap();
            let d = Destination::from(a);
            let back = crate::sys::addr::decode(&d.bytes.0[..d.len()]).unwrap();
            assert_eq!(back, crate::SocketAddr::from(a));
        }
        let v6 = SocketAddrV6::new("2001:db8::1".parse().unwrap(), 1, 0x12345, 3);
        let back = crate::sys::addr::decode(&Destination::from(v6).bytes.0).unwrap();
        assert_eq!(back, crate::SocketAddr::from(v6));
    }
}
