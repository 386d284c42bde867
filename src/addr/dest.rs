//! A destination encoded once for the kernel, for sending many datagrams to it.

use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// An IP address and port encoded once as the kernel reads it (`sockaddr_in` or
/// `sockaddr_in6`), so that sending many datagrams to it costs no encoding per send (what C
/// programs do with a `struct sockaddr_in` kept between calls).
///
/// ```
/// use baresock::{Destination, UdpSocket};
/// let a = UdpSocket::bind("127.0.0.1:0")?;
/// let b = UdpSocket::bind("127.0.0.1:0")?;
/// let to = Destination::from(b.local_addr()?);
/// for _ in 0..3 {
///     a.send_to_destination(b"tick", &to)?;
/// }
/// let mut buf = [0u8; 8];
/// assert_eq!(b.recv_from(&mut buf)?, (4, a.local_addr()?));
/// assert_eq!(to.addr(), b.local_addr()?);
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
///
/// A `Destination` is also room for a sender: [`UdpSocket::recv_from_into`] has the kernel
/// write the sender's address straight into one, so that a reply costs neither decoding nor
/// encoding:
///
/// ```
/// use baresock::{Destination, UdpSocket};
/// let server = UdpSocket::bind("127.0.0.1:0")?;
/// let client = UdpSocket::bind("127.0.0.1:0")?;
/// client.send_to(b"ping", server.local_addr()?)?;
///
/// let mut buf = [0u8; 64];
/// let mut from = Destination::default();
/// let n = server.recv_from_into(&mut buf, &mut from)?;
/// server.send_to_destination(&buf[..n], &from)?; // the echo, to the sender
/// assert_eq!(from.addr(), client.local_addr()?);
/// assert_eq!(client.recv_from(&mut buf)?, (4, server.local_addr()?));
/// # Ok::<(), Box<dyn core::error::Error>>(())
/// ```
///
/// [`UdpSocket::recv_from_into`]: crate::UdpSocket::recv_from_into
#[derive(Clone, Copy)]
pub struct Destination {
    /// The kernel's bytes: always a whole `sockaddr_in` (in the first 16) or `sockaddr_in6`.
    pub(crate) bytes: Encoded,
    /// Their length as the kernel reads it: 16 for `sockaddr_in`, 28 for `sockaddr_in6`
    /// (where a receive has the kernel write the sender's, before it is checked).
    pub(crate) len: u32,
}

/// A `sockaddr_in6`'s worth of bytes, aligned as the kernel's structs.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C, align(4))]
pub(crate) struct Encoded(pub(crate) [u8; 28]);

impl Destination {
    /// Encodes `addr`.
    pub const fn new(addr: SocketAddr) -> Destination {
        let len = match addr {
            SocketAddr::V4(_) => 16,
            SocketAddr::V6(_) => 28,
        };
        Destination {
            bytes: Encoded::new(&addr),
            len,
        }
    }

    /// The address, decoded from the kernel's bytes.
    pub const fn addr(&self) -> SocketAddr {
        let b = &self.bytes.0;
        let port = u16::from_be_bytes([b[2], b[3]]);
        if self.bytes.is_v4() {
            SocketAddr::V4(SocketAddrV4::new(
                Ipv4Addr::new(b[4], b[5], b[6], b[7]),
                port,
            ))
        } else {
            let flowinfo = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
            let ip = u128::from_be_bytes([
                b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15], b[16], b[17], b[18], b[19],
                b[20], b[21], b[22], b[23],
            ]);
            let scope_id = u32::from_ne_bytes([b[24], b[25], b[26], b[27]]);
            SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from_bits(ip),
                port,
                flowinfo,
                scope_id,
            ))
        }
    }

    /// The length of the kernel's struct: 16 for `sockaddr_in`, 28 for `sockaddr_in6`.
    #[inline(always)]
    pub(crate) const fn len(&self) -> usize {
        self.len as usize
    }

    /// After a successful receive wrote the sender and its length: whether the bytes and
    /// `len` make a whole IP address (a `sockaddr_in` given with 28 bytes of room to spare is
    /// one, as [`recv_from`](crate::UdpSocket::recv_from) takes it); if not, the error, and
    /// `self` is `0.0.0.0:0`. (A failed receive wrote nothing: [`restore_len`] follows it.)
    ///
    /// A `sockaddr_in` is checked in line (two compares); the rest in a call.
    ///
    /// [`restore_len`]: Destination::restore_len
    #[inline(always)]
    pub(crate) fn check_received(&mut self) -> Result<(), crate::Error> {
        if self.len == 16 && self.bytes.is_v4() {
            Ok(())
        } else {
            self.check_received_v6()
        }
    }

    /// [`check_received`](Destination::check_received) for anything but a `sockaddr_in`.
    #[inline(never)]
    fn check_received_v6(&mut self) -> Result<(), crate::Error> {
        if self.len == 28 {
            if self.bytes.is_v4() {
                // A `sockaddr_in` with room to spare: the kernel reads 16 bytes of it.
                self.len = 16;
                return Ok(());
            }
            if self.bytes.family() == linux_raw_sys::net::AF_INET6 {
                return Ok(());
            }
        }
        Err(self.refuse())
    }

    /// [`check_received`](Destination::check_received)'s failure.
    #[cold]
    #[inline(never)]
    fn refuse(&mut self) -> crate::Error {
        let len = self.len;
        let wrote = (len as usize).min(self.bytes.0.len());
        let error = crate::addr::codec::odd_sender(&self.bytes.0[..wrote], len);
        *self = Destination::default();
        error
    }

    /// After a receive that failed (and wrote no sender): `len` as the bytes have it again.
    #[inline(always)]
    pub(crate) fn restore_len(&mut self) {
        self.len = if self.bytes.is_v4() { 16 } else { 28 };
    }
}

/// `0.0.0.0:0`: room for [`UdpSocket::recv_from_into`](crate::UdpSocket::recv_from_into) to
/// write a sender into.
impl Default for Destination {
    fn default() -> Destination {
        Destination::new(SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)))
    }
}

/// Equal when the addresses are ([`addr`](Destination::addr)).
impl PartialEq for Destination {
    fn eq(&self, other: &Destination) -> bool {
        self.addr() == other.addr()
    }
}

impl Eq for Destination {}

impl core::hash::Hash for Destination {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.addr().hash(state);
    }
}

impl Encoded {
    /// The family the bytes start with.
    #[inline(always)]
    const fn family(&self) -> u32 {
        u16::from_ne_bytes([self.0[0], self.0[1]]) as u32
    }

    /// Whether the bytes hold a `sockaddr_in` (else a `sockaddr_in6`).
    #[inline(always)]
    pub(crate) const fn is_v4(&self) -> bool {
        self.family() == linux_raw_sys::net::AF_INET
    }

    /// The kernel's struct: the first 16 bytes for IPv4 (`sockaddr_in`), all 28 for IPv6.
    #[inline(always)]
    pub(crate) fn sockaddr(&self, ipv4: bool) -> &[u8] {
        let len = if ipv4 { 16 } else { 28 };
        self.0.get(..len).unwrap_or_default()
    }

    /// The address's family, read from the encoding, and [`sockaddr`](Encoded::sockaddr).
    #[inline(always)]
    pub(crate) fn family_and_sockaddr(&self) -> (crate::Family, &[u8]) {
        let ipv4 = self.is_v4();
        let family = if ipv4 {
            crate::Family::INET
        } else {
            crate::Family::INET6
        };
        (family, self.sockaddr(ipv4))
    }

    /// `addr` as the kernel reads it: `sockaddr_in` (its 16 bytes, then zeros) or
    /// `sockaddr_in6`. Whole arrays, no loops: a few stores in machine code.
    pub(crate) const fn new(addr: &SocketAddr) -> Encoded {
        match addr {
            SocketAddr::V4(a) => {
                let [f0, f1] = (linux_raw_sys::net::AF_INET as u16).to_ne_bytes();
                let [p0, p1] = a.port().to_be_bytes();
                let [i0, i1, i2, i3] = a.ip().octets();
                let mut b = [0u8; 28];
                (b[0], b[1], b[2], b[3]) = (f0, f1, p0, p1);
                (b[4], b[5], b[6], b[7]) = (i0, i1, i2, i3);
                Encoded(b)
            }
            SocketAddr::V6(a) => Encoded(crate::addr::codec::sockaddr_in6(a)),
        }
    }
}

impl From<SocketAddr> for Destination {
    fn from(a: SocketAddr) -> Destination {
        Destination::new(a)
    }
}

impl From<SocketAddrV4> for Destination {
    fn from(a: SocketAddrV4) -> Destination {
        Destination::new(SocketAddr::V4(a))
    }
}

impl From<SocketAddrV6> for Destination {
    fn from(a: SocketAddrV6) -> Destination {
        Destination::new(SocketAddr::V6(a))
    }
}

impl fmt::Debug for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Destination({})", self.addr())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Destination {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "Destination({})", defmt::Display2Format(&self.addr()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_the_kernel_reads() {
        let d = Destination::from("192.0.2.1:80".parse::<SocketAddr>().unwrap());
        let mut want = [0u8; 16];
        want[..2].copy_from_slice(&(linux_raw_sys::net::AF_INET as u16).to_ne_bytes());
        want[2..4].copy_from_slice(&80u16.to_be_bytes());
        want[4..8].copy_from_slice(&[192, 0, 2, 1]);
        assert_eq!(&d.bytes.0[..d.len()], &want);
        // Decoding gives the address back, for both families.
        for a in ["192.0.2.1:80", "[2001:db8::1%7]:443"] {
            let a: SocketAddr = a.parse().unwrap();
            let d = Destination::from(a);
            let back = crate::addr::codec::decode(&d.bytes.0[..d.len()]).unwrap();
            assert_eq!(back, crate::SockAddr::from(a));
        }
        let v6 = SocketAddrV6::new("2001:db8::1".parse().unwrap(), 1, 0x12345, 3);
        let back = crate::addr::codec::decode(&Destination::from(v6).bytes.0).unwrap();
        assert_eq!(back, crate::SockAddr::from(v6));
    }

    #[test]
    fn addr_decodes_every_field() {
        for a in [
            "192.0.2.1:80",
            "0.0.0.0:0",
            "255.255.255.255:65535",
            "[::]:0",
            "[2001:db8::1]:443",
        ] {
            let a: SocketAddr = a.parse().unwrap();
            assert_eq!(Destination::from(a).addr(), a);
        }
        let v6 = SocketAddrV6::new(
            "2001:db8:1:2:3:4:5:6".parse().unwrap(),
            65535,
            0x000f_ffff,
            0xdead_beef,
        );
        let d = Destination::from(v6);
        assert_eq!(d.addr(), SocketAddr::V6(v6));
        assert_eq!(d.len(), 28);
        assert_eq!(Destination::default().addr(), "0.0.0.0:0".parse().unwrap());
        assert_eq!(Destination::default().len(), 16);
    }

    /// A Destination as a receive leaves it: `bytes` over an earlier address, `len` as given.
    fn received(earlier: &str, bytes: &[u8], len: u32) -> Destination {
        let mut d = Destination::from(earlier.parse::<SocketAddr>().unwrap());
        d.bytes.0[..bytes.len()].copy_from_slice(bytes);
        d.len = len;
        d
    }

    fn sockaddr_in(port: u16, ip: [u8; 4]) -> std::vec::Vec<u8> {
        let mut b = (linux_raw_sys::net::AF_INET as u16).to_ne_bytes().to_vec();
        b.extend_from_slice(&port.to_be_bytes());
        b.extend_from_slice(&ip);
        b.extend_from_slice(&[0; 8]);
        b
    }

    #[test]
    fn a_received_sender_is_checked() {
        let v4 = sockaddr_in(7, [192, 0, 2, 9]);
        let v6 = Destination::from("[2001:db8::5%3]:9".parse::<SocketAddr>().unwrap())
            .bytes
            .0;
        // A sockaddr_in over an IPv6 address: its stale bytes past 16 are not part of it.
        let mut d = received("[2001:db8::1]:1", &v4, 16);
        assert_eq!(d.check_received(), Ok(()));
        assert_eq!(d.addr(), "192.0.2.9:7".parse().unwrap());
        assert_eq!(d, Destination::from(d.addr()));
        // A sockaddr_in6.
        let mut d = received("192.0.2.1:1", &v6, 28);
        assert_eq!(d.check_received(), Ok(()));
        assert_eq!(d.addr(), "[2001:db8::5%3]:9".parse().unwrap());
        // A sockaddr_in given with 28 bytes: the kernel will read its 16.
        let mut d = received("[2001:db8::1]:1", &v4, 28);
        assert_eq!(d.check_received(), Ok(()));
        assert_eq!((d.len(), d.addr()), (16, "192.0.2.9:7".parse().unwrap()));

        // Lengths that do not fit the family: refused, and the Destination is 0.0.0.0:0.
        let unspecified = Destination::default();
        let af_inet = linux_raw_sys::net::AF_INET as u16;
        let af_inet6 = linux_raw_sys::net::AF_INET6 as u16;
        for (bytes, len, want) in [
            (
                &v6[..],
                16,
                crate::Error::Address(crate::AddressError::Malformed {
                    family: af_inet6,
                    len: 16,
                }),
            ),
            (
                &v4[..],
                8,
                crate::Error::Address(crate::AddressError::Malformed {
                    family: af_inet,
                    len: 8,
                }),
            ),
            (
                &v6[..],
                27,
                crate::Error::Address(crate::AddressError::Malformed {
                    family: af_inet6,
                    len: 27,
                }),
            ),
            // Longer than the room: the kernel wrote 28 bytes of a longer address.
            (
                &v6[..],
                110,
                crate::Error::Address(crate::AddressError::Malformed {
                    family: af_inet6,
                    len: 110,
                }),
            ),
            // Under two bytes the family is an earlier address's: none is named.
            (
                &v4[..1],
                1,
                crate::Error::Address(crate::AddressError::Malformed { family: 0, len: 1 }),
            ),
            (
                &[][..],
                0,
                crate::Error::Address(crate::AddressError::Missing),
            ),
        ] {
            let mut d = received("[2001:db8::1]:1", bytes, len);
            assert_eq!(d.check_received(), Err(want));
            assert_eq!((d.len(), d.addr()), (unspecified.len(), unspecified.addr()));
        }
        let mut unix = received("192.0.2.1:1", &1u16.to_ne_bytes(), 12);
        assert_eq!(
            unix.check_received(),
            Err(crate::Error::Address(crate::AddressError::Malformed {
                family: 1,
                len: 12
            }))
        );
    }

    #[test]
    #[cfg_attr(miri, ignore = "opens sockets, which Miri cannot")]
    fn a_failed_receive_restores_the_length() {
        let rx = crate::UdpSocket::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap()).unwrap();
        rx.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 8];
        for before in ["192.0.2.1:1", "[2001:db8::1]:1"] {
            let before = before.parse::<SocketAddr>().unwrap();
            let mut d = Destination::from(before);
            let len = d.len();
            assert_eq!(
                rx.recv_from_into(&mut buf, &mut d),
                Err(crate::Error::WouldBlock)
            );
            assert_eq!((d.len(), d.addr()), (len, before));
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "opens sockets, which Miri cannot")]
    fn a_receive_that_waits_writes_the_sender() {
        // In deadline mode the first try finds nothing, and the sender is written by the
        // retry after the wait (the slow path's own call).
        let rx = crate::UdpSocket::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap()).unwrap();
        rx.set_timeout(Some(core::time::Duration::from_secs(5)))
            .unwrap();
        let tx = crate::UdpSocket::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap()).unwrap();
        let to = rx.local_addr().unwrap();
        let from = tx.local_addr().unwrap();
        let sender = std::thread::spawn(move || {
            std::thread::sleep(core::time::Duration::from_millis(50));
            tx.send_to(b"late", to).unwrap();
        });
        let mut d = Destination::from("[2001:db8::1]:1".parse::<SocketAddr>().unwrap());
        let mut buf = [0u8; 8];
        assert_eq!(rx.recv_from_into(&mut buf, &mut d), Ok(4));
        assert_eq!((d.len(), d.addr()), (16, from));
        sender.join().unwrap();
    }
}
