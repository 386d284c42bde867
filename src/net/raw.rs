//! Raw IP sockets (`SOCK_RAW`, raw(7)) and ICMP echo ("ping") sockets (icmp(7)).

use crate::{AddressError, InputError};
use core::net::IpAddr;

use rustix::fd::AsFd;

use super::typed_socket;
use crate::sys::sockopt;
use crate::{Error, Family, Protocol, Result, SockAddr, Socket, Type};
use linux_raw_sys::net as k;

/// `ICMP_FILTER` (linux/icmp.h), level `SOL_RAW`: not in linux-raw-sys.
const ICMP_FILTER: u32 = 1;
/// `ICMPV6_FILTER` (linux/icmpv6.h), level `SOL_ICMPV6`: not in linux-raw-sys.
const ICMPV6_FILTER: u32 = 1;

typed_socket!(
    /// A raw IP socket (`SOCK_RAW`, raw(7); needs `CAP_NET_RAW`), or an ICMP echo socket
    /// (`SOCK_DGRAM` + ICMP, icmp(7); unprivileged where `net.ipv4.ping_group_range` allows).
    ///
    /// A raw IPv4 socket receives whole IP packets, header included; a raw IPv6 socket and a
    /// ping socket receive from the transport header on. A ping socket sends echo requests
    /// without an IP header and the kernel sets their identifier and checksum.
    ///
    /// ```no_run
    /// use baresock::RawSocket;
    /// use core::net::Ipv4Addr;
    /// let s = RawSocket::icmp_echo_v4()?;
    /// let request = [8, 0, 0, 0, 0, 0, 0, 1]; // type 8 echo, code 0, checksum, id, seq 1
    /// s.send_to(&request, Ipv4Addr::LOCALHOST.into())?;
    /// let mut reply = [0u8; 64];
    /// let (n, from) = s.recv_from(&mut reply)?;
    /// assert_eq!(reply[0], 0); // echo reply
    /// # Ok::<(), baresock::Error>(())
    /// ```
    RawSocket, [INET, INET6], [RAW, DGRAM]
);

impl RawSocket {
    /// A raw socket of `family` (IPv4 or IPv6) for IP protocol `protocol`.
    ///
    /// ``` no_run
    /// use baresock::{Family, Protocol, RawSocket};
    /// // Every ICMP packet to this host; needs CAP_NET_RAW.
    /// let s = RawSocket::new(Family::INET, Protocol::ICMP)?;
    /// let mut buf = [0u8; 1500];
    /// let (n, from) = s.recv_from(&mut buf)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socket(2), raw(7))]
    pub fn new(family: Family, protocol: Protocol) -> Result<RawSocket> {
        Socket::new(family, Type::RAW, protocol).map(|inner| RawSocket { inner })
    }

    /// An IPv4 ICMP echo socket (`SOCK_DGRAM`, `IPPROTO_ICMP`): `EACCES` unless the process's
    /// group is in `net.ipv4.ping_group_range`.
    ///
    /// ``` no_run
    /// use baresock::RawSocket;
    /// use core::net::IpAddr;
    /// let s = RawSocket::icmp_echo_v4()?;
    /// // type 8 (echo request), code 0, checksum and id filled in by the kernel, sequence 1
    /// s.send_to(&[8, 0, 0, 0, 0, 0, 0, 1], IpAddr::from([127, 0, 0, 1]))?;
    /// let mut buf = [0u8; 64];
    /// let (n, from) = s.recv_from(&mut buf)?;
    /// assert_eq!((buf[0], from), (0, IpAddr::from([127, 0, 0, 1]))); // echo reply
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socket(2), ip(7))]
    pub fn icmp_echo_v4() -> Result<RawSocket> {
        Socket::new(Family::INET, Type::DGRAM, Protocol::ICMP).map(|inner| RawSocket { inner })
    }

    /// An IPv6 ICMP echo socket (`SOCK_DGRAM`, `IPPROTO_ICMPV6`), under the same rule (the
    /// setting is under `net.ipv4` but governs IPv6 echo sockets too).
    ///
    /// ```no_run
    /// use baresock::RawSocket;
    /// use core::net::Ipv6Addr;
    /// let s = RawSocket::icmp_echo_v6()?;
    /// // Type 128 echo request, code 0; the kernel fills in the checksum and identifier.
    /// let request = [128, 0, 0, 0, 0, 0, 0, 1, b'h', b'i'];
    /// s.send_to(&request, Ipv6Addr::LOCALHOST.into())?;
    /// let mut reply = [0u8; 64];
    /// let (n, from) = s.recv_from(&mut reply)?;
    /// assert_eq!((reply[0], &reply[6..8], &reply[8..n]), (129, &[0, 1][..], &b"hi"[..]));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socket(2), ipv6(7))]
    pub fn icmp_echo_v6() -> Result<RawSocket> {
        Socket::new(Family::INET6, Type::DGRAM, Protocol::ICMPV6).map(|inner| RawSocket { inner })
    }

    /// Sends a packet to `to` (port 0).
    ///
    #[doc = man!(sendto(2), raw(7))]
    pub fn send_to(&self, buf: &[u8], to: IpAddr) -> Result<usize> {
        self.inner.send_to(buf, SockAddr::from((to, 0)))
    }

    /// Receives a packet and its source; [`Error::Truncated`] if longer than `buf`.
    ///
    #[doc = man!(recvfrom(2), raw(7))]
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, IpAddr)> {
        let (n, a) = self.inner.recv_from(buf)?;
        let ip = a
            .and_then(|a| a.ip())
            .ok_or(Error::Address(AddressError::Missing))?;
        Ok((n, ip))
    }

    /// Binds to a local address (and, for a ping socket, its identifier as the port).
    ///
    #[doc = man!(bind(2), raw(7))]
    pub fn bind(&self, addr: impl Into<SockAddr>) -> Result<()> {
        self.inner.bind(addr)
    }
}

/// Raw-socket options: raw(7), icmp(7), icmp6(7).
impl RawSocket {
    /// Sends with an IP header of the caller's own (`IP_HDRINCL`, IPv4).
    ///
    #[doc = man!(setsockopt(2), raw(7))]
    #[doc(alias = "IP_HDRINCL")]
    pub fn set_header_included(&self, on: bool) -> Result<()> {
        sockopt::set(
            self.as_fd(),
            k::IPPROTO_IP as u32,
            k::IP_HDRINCL,
            &i32::from(on),
        )
    }

    /// Whether `IP_HDRINCL` is on.
    ///
    #[doc = man!(getsockopt(2), raw(7))]
    #[doc(alias = "IP_HDRINCL")]
    pub fn header_included(&self) -> Result<bool> {
        sockopt::get::<i32>(self.as_fd(), k::IPPROTO_IP as u32, k::IP_HDRINCL).map(|v| v != 0)
    }

    /// Drops incoming ICMPv4 messages of the types in `blocked` (bit `n` for type `n`, types
    /// 0 to 31; `ICMP_FILTER` on a raw ICMP socket).
    ///
    #[doc = man!(setsockopt(2), raw(7))]
    #[doc(alias = "ICMP_FILTER")]
    pub fn set_icmp_filter(&self, blocked: u32) -> Result<()> {
        sockopt::set(self.as_fd(), k::SOL_RAW, ICMP_FILTER, &blocked)
    }

    /// The `ICMP_FILTER` mask.
    ///
    #[doc = man!(getsockopt(2), raw(7))]
    #[doc(alias = "ICMP_FILTER")]
    pub fn icmp_filter(&self) -> Result<u32> {
        sockopt::get(self.as_fd(), k::SOL_RAW, ICMP_FILTER)
    }

    /// Drops incoming ICMPv6 messages of the types whose bits are set in `blocked` (256 bits,
    /// bit `n` of word `n / 32` for type `n`; `ICMPV6_FILTER`, `struct icmp6_filter`).
    ///
    /// ```no_run
    /// use baresock::{Family, Protocol, RawSocket};
    /// let s = RawSocket::new(Family::INET6, Protocol::ICMPV6)?;
    /// // Block every type but 129, echo reply.
    /// let mut blocked = [u32::MAX; 8];
    /// blocked[129 / 32] &= !(1 << (129 % 32));
    /// s.set_icmpv6_filter(&blocked)?;
    /// assert_eq!(s.icmpv6_filter()?, blocked);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), ipv6(7))]
    #[doc(alias = "ICMPV6_FILTER")]
    pub fn set_icmpv6_filter(&self, blocked: &[u32; 8]) -> Result<()> {
        let b = icmp6_filter_bytes(blocked);
        sockopt::set_bytes(self.as_fd(), k::SOL_ICMPV6, ICMPV6_FILTER, &b)
    }

    /// The `ICMPV6_FILTER` mask.
    ///
    #[doc = man!(getsockopt(2), ipv6(7))]
    #[doc(alias = "ICMPV6_FILTER")]
    pub fn icmpv6_filter(&self) -> Result<[u32; 8]> {
        let mut b = [0u8; ICMP6_FILTER_LEN];
        let n = sockopt::get_bytes(self.as_fd(), k::SOL_ICMPV6, ICMPV6_FILTER, &mut b)?;
        if n != ICMP6_FILTER_LEN {
            return Err(Error::Input(InputError::OptionSize {
                expected: ICMP6_FILTER_LEN as u32,
                got: n as u32,
            }));
        }
        Ok(icmp6_filter_words(&b))
    }
}

/// `sizeof(struct icmp6_filter)` (linux/icmpv6.h): `__u32 data[8]`.
const ICMP6_FILTER_LEN: usize = 32;

/// A `struct icmp6_filter` as the kernel reads it: word `n` at byte `4 * n`, native order.
fn icmp6_filter_bytes(words: &[u32; 8]) -> [u8; ICMP6_FILTER_LEN] {
    let mut b = [0u8; ICMP6_FILTER_LEN];
    for (chunk, w) in b.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&w.to_ne_bytes());
    }
    b
}

/// The words of a `struct icmp6_filter`.
fn icmp6_filter_words(b: &[u8; ICMP6_FILTER_LEN]) -> [u32; 8] {
    let mut out = [0u32; 8];
    for (w, chunk) in out.iter_mut().zip(b.chunks_exact(4)) {
        *w = u32::from_ne_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::size_of;

    /// `struct icmp6_filter` as linux/icmpv6.h declares it; linux-raw-sys has none.
    #[repr(C)]
    struct Icmp6Filter {
        data: [u32; 8],
    }

    /// `struct icmp_filter` (linux/icmp.h).
    #[repr(C)]
    struct IcmpFilter {
        data: u32,
    }

    #[test]
    fn icmp_filter_layouts_and_constants_match_uapi() {
        assert_eq!(size_of::<Icmp6Filter>(), ICMP6_FILTER_LEN);
        assert_eq!(
            size_of::<IcmpFilter>(),
            size_of::<u32>(),
            "set_icmp_filter's u32"
        );
        // The levels, against libc's values (a source other than linux-raw-sys). The option
        // numbers are in neither: tests/raw.rs proves them on a real kernel, where a filter
        // set through them is read back and blocks what it says.
        assert_eq!(k::SOL_RAW, libc::SOL_RAW as u32);
        assert_eq!(k::SOL_ICMPV6, libc::SOL_ICMPV6 as u32);
    }

    #[test]
    fn icmp6_filter_bits_lie_where_the_kernel_looks() {
        // The kernel blocks type t when data[t >> 5] & (1 << (t & 31)) (icmpv6_filter() in
        // net/ipv6/raw.c): in the bytes, word t >> 5 of eight native-order u32s.
        for t in [0u8, 1, 7, 8, 31, 32, 128, 129, 135, 255] {
            let mut words = [0u32; 8];
            words[usize::from(t >> 5)] = 1 << (t & 31);
            let bytes = icmp6_filter_bytes(&words);
            let bit = usize::from(t & 31);
            let in_word = if cfg!(target_endian = "little") {
                bit / 8
            } else {
                3 - bit / 8
            };
            let mut want = [0u8; ICMP6_FILTER_LEN];
            want[4 * usize::from(t >> 5) + in_word] = 1 << (bit % 8);
            assert_eq!(bytes, want, "type {t}");
            assert_eq!(icmp6_filter_words(&bytes), words);
        }
    }
}
