//! CAN addresses (`sockaddr_can`, linux/can.h): an interface, and for ISO-TP the receive and
//! transmit ids, for J1939 a name, PGN and address.

use core::fmt;

/// `sizeof(struct sockaddr_can)`.
pub(crate) const SOCKADDR_CAN_LEN: usize = 24;

/// J1939: no name (`J1939_NO_NAME`).
#[cfg_attr(not(feature = "can"), allow(dead_code))] // J1939 sockets use them
pub const J1939_NO_NAME: u64 = 0;
/// J1939: no PGN (`J1939_NO_PGN`).
#[cfg_attr(not(feature = "can"), allow(dead_code))] // J1939 sockets use them
pub const J1939_NO_PGN: u32 = 0x40000;
/// J1939: no address (`J1939_NO_ADDR`).
#[cfg_attr(not(feature = "can"), allow(dead_code))] // J1939 sockets use them
pub const J1939_NO_ADDR: u8 = 0xff;

/// A CAN socket address (`sockaddr_can`): an interface index (0: every CAN interface), and
/// the protocol's part: ISO-TP receive/transmit ids, or a J1939 name, PGN and address.
///
/// ```
/// use baresock::CanAddr;
/// let a = CanAddr::isotp(3, 0x7e8, 0x7e0);
/// assert_eq!((a.ifindex(), a.isotp_ids()), (3, (0x7e8, 0x7e0)));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CanAddr {
    ifindex: u32,
    /// The union `can_addr`, as the kernel lays it out (16 bytes, host byte order).
    union: [u8; 16],
}

impl CanAddr {
    /// An interface (0: all), for raw and BCM sockets.
    ///
    /// ```
    /// use baresock::{CanAddr, SockAddr};
    /// let every_interface = CanAddr::new(0);
    /// assert_eq!(every_interface.ifindex(), 0);
    /// let _as_any: SockAddr = every_interface.into();
    /// ```
    pub const fn new(ifindex: u32) -> CanAddr {
        CanAddr {
            ifindex,
            union: [0; 16],
        }
    }

    /// An ISO-TP address: the ids this end receives on and transmits with.
    ///
    /// ```
    /// use baresock::CanAddr;
    /// let a = CanAddr::isotp(3, 0x7e8, 0x7e0);
    /// assert_eq!(a.isotp_ids(), (0x7e8, 0x7e0));
    /// ```
    pub const fn isotp(ifindex: u32, rx_id: u32, tx_id: u32) -> CanAddr {
        let mut union = [0u8; 16];
        let (rx, tx) = (rx_id.to_ne_bytes(), tx_id.to_ne_bytes());
        let mut i = 0;
        while i < 4 {
            union[i] = rx[i];
            union[4 + i] = tx[i];
            i += 1;
        }
        CanAddr { ifindex, union }
    }

    /// A J1939 address: 64-bit name ([`J1939_NO_NAME`]), PGN ([`J1939_NO_PGN`]) and
    /// 8-bit address ([`J1939_NO_ADDR`]).
    pub const fn j1939(ifindex: u32, name: u64, pgn: u32, addr: u8) -> CanAddr {
        let mut union = [0u8; 16];
        let (n, p) = (name.to_ne_bytes(), pgn.to_ne_bytes());
        let mut i = 0;
        while i < 8 {
            union[i] = n[i];
            i += 1;
        }
        let mut i = 0;
        while i < 4 {
            union[8 + i] = p[i];
            i += 1;
        }
        union[12] = addr;
        CanAddr { ifindex, union }
    }

    /// The interface index.
    pub const fn ifindex(&self) -> u32 {
        self.ifindex
    }

    /// The ISO-TP receive and transmit ids, for an ISO-TP address.
    pub fn isotp_ids(&self) -> (u32, u32) {
        let u = &self.union;
        (
            u32::from_ne_bytes([u[0], u[1], u[2], u[3]]),
            u32::from_ne_bytes([u[4], u[5], u[6], u[7]]),
        )
    }

    /// The J1939 name, PGN and address, for a J1939 address.
    pub fn j1939_parts(&self) -> (u64, u32, u8) {
        let u = &self.union;
        let mut n = [0u8; 8];
        n.copy_from_slice(&u[..8]);
        (
            u64::from_ne_bytes(n),
            u32::from_ne_bytes([u[8], u[9], u[10], u[11]]),
            u[12],
        )
    }

    /// The kernel's 24 bytes.
    pub(crate) fn to_bytes(self) -> [u8; SOCKADDR_CAN_LEN] {
        let mut b = [0u8; SOCKADDR_CAN_LEN];
        b[0..2].copy_from_slice(&(linux_raw_sys::net::AF_CAN as u16).to_ne_bytes());
        b[4..8].copy_from_slice(&(self.ifindex as i32).to_ne_bytes());
        b[8..24].copy_from_slice(&self.union);
        b
    }

    /// Decodes the kernel's bytes (at least the family and interface; the union may be cut).
    pub(crate) fn from_bytes(b: &[u8]) -> Option<CanAddr> {
        let h: &[u8; 8] = b.first_chunk()?;
        let mut union = [0u8; 16];
        let rest = b.get(8..).unwrap_or_default();
        let n = rest.len().min(16);
        union[..n].copy_from_slice(&rest[..n]);
        Some(CanAddr {
            ifindex: i32::from_ne_bytes([h[4], h[5], h[6], h[7]]) as u32,
            union,
        })
    }
}

impl fmt::Display for CanAddr {
    /// `can:if3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "can:if{}", self.ifindex)
    }
}

impl fmt::Debug for CanAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CanAddr")
            .field("ifindex", &self.ifindex)
            .field("can_addr", &self.union)
            .finish()
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for CanAddr {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "CanAddr {{ ifindex: {} }}", self.ifindex)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `struct sockaddr_can` as linux/can.h lays it out, for the layout check.
    #[repr(C)]
    struct SockaddrCan {
        family: u16,
        ifindex: i32,
        addr: J1939Part,
    }
    #[repr(C)]
    struct J1939Part {
        name: u64,
        pgn: u32,
        addr: u8,
    }

    #[test]
    fn layout_matches_uapi() {
        assert_eq!(core::mem::size_of::<SockaddrCan>(), SOCKADDR_CAN_LEN);
        assert_eq!(core::mem::offset_of!(SockaddrCan, ifindex), 4);
        assert_eq!(core::mem::offset_of!(SockaddrCan, addr), 8);
        assert_eq!(core::mem::offset_of!(J1939Part, addr), 12);
    }

    #[test]
    fn round_trips() {
        let a = CanAddr::j1939(2, 0x1122_3344_5566_7788, 0x12300, 0x80);
        assert_eq!(a.j1939_parts(), (0x1122_3344_5566_7788, 0x12300, 0x80));
        assert_eq!(CanAddr::from_bytes(&a.to_bytes()), Some(a));
        let t = CanAddr::isotp(1, 0x123, 0x321);
        let b = t.to_bytes();
        assert_eq!(&b[8..12], &0x123u32.to_ne_bytes(), "ids in host byte order");
        assert_eq!(CanAddr::from_bytes(&b[..16]), Some(t));
        assert_eq!(CanAddr::from_bytes(&b[..7]), None);
    }
}
