//! SAE J1939 sockets (`CAN_J1939`, linux/can/j1939.h; the kernel's j1939.rst): parameter
//! groups addressed by PGN, source and destination address or 64-bit NAME, with the
//! transport protocols for messages over 8 bytes done by the kernel.
//!
//! # Errors the kernel gives, and what they mean here
//! - [`CanInputError::J1939AddressNotClaimed`](crate::CanInputError::J1939AddressNotClaimed) (the
//!   kernel's `EADDRNOTAVAIL` on a send): the socket is bound by NAME and that NAME holds no
//!   claimed address (yet): claim one first (PGN 0xee00, [`J1939_PGN_ADDRESS_CLAIMED`]) and wait
//!   250 ms; or the destination NAME has no address claimed on the bus. [`J1939Party`] says which.
//! - `EACCES`: a broadcast (to [`J1939_NO_ADDR`](crate::J1939_NO_ADDR)) without
//!   [`set_broadcast`](J1939Socket::set_broadcast) (without it, broadcasts are not received
//!   either).
//! - `EBADFD`: sending before [`bind`](J1939Socket::bind).
//! - `EPROTO` or `ENETDOWN` on a transfer: the peer aborted a transport session, or the
//!   interface went down.
//!
//! # 32-bit programs on a 64-bit kernel
//!
//! `struct j1939_filter` is 32 bytes on a 64-bit kernel and 28 on 32-bit x86, where a `u64` is
//! 4-aligned (the fields lie at the same offsets; only the stride differs), and the kernel has
//! no compat translation for `SO_J1939_FILTER`. [`set_filters`](J1939Socket::set_filters)
//! writes the running kernel's stride: on a 32-bit target it asks the kernel's machine once
//! (`uname`, cached), so an i686 program on an x86_64 kernel passes 32-byte filters. (Arm's
//! 32-bit ABI already has 32.) A 64-bit kernel that reports a 32-bit machine (x86_64 under the
//! `PER_LINUX32` personality: `setarch i686`, `linux32`) is taken for a 32-bit one.

use crate::can::J1939Party;
use crate::{AddressError, CanInputError, InputError, J1939Name};
use core::mem::size_of;

use rustix::fd::AsFd;

use crate::net::typed_socket;
use crate::sys::sockopt;
use crate::{
    cmsg_space, CanAddr, ControlMessage, Errno, Error, Family, IoSliceMut, Protocol, RecvFlags,
    Result, Socket, Type, J1939_NO_ADDR, J1939_NO_NAME,
};

/// `CAN_J1939` (linux/can.h).
const CAN_J1939: i32 = 7;
/// `SOL_CAN_J1939` (`SOL_CAN_BASE + CAN_J1939`).
const SOL_CAN_J1939: u32 = 107;
const SO_J1939_FILTER: u32 = 1;
const SO_J1939_PROMISC: u32 = 2;
const SO_J1939_SEND_PRIO: u32 = 3;
const SCM_J1939_DEST_ADDR: i32 = 1;
const SCM_J1939_DEST_NAME: i32 = 2;
const SCM_J1939_PRIO: i32 = 3;

/// The PGN of a request (`J1939_PGN_REQUEST`).
pub const J1939_PGN_REQUEST: u32 = 0x0ea00;
/// The PGN of an address claim (`J1939_PGN_ADDRESS_CLAIMED`).
pub const J1939_PGN_ADDRESS_CLAIMED: u32 = 0x0ee00;
/// The highest PGN (`J1939_PGN_MAX`).
pub const J1939_PGN_MAX: u32 = 0x3ffff;
/// The most filters one socket takes (`J1939_FILTER_MAX`).
pub const J1939_FILTER_MAX: usize = 512;

/// `struct j1939_filter`, for its size: 32 bytes, or 28 where a `u64` is 4-aligned (i686).
/// A 64-bit kernel's is 32 ([`KERNEL64_FILTER_LEN`]), whatever the program's.
#[repr(C)]
#[allow(dead_code)] // only measured
struct FilterLayout {
    name: u64,
    name_mask: u64,
    pgn: u32,
    pgn_mask: u32,
    addr: u8,
    addr_mask: u8,
}
const FILTER_LEN: usize = size_of::<FilterLayout>();
/// `sizeof(struct j1939_filter)` on a 64-bit kernel.
const KERNEL64_FILTER_LEN: usize = 32;
/// The stack buffer of [`J1939Socket::set_filters`] holds the most filters at either size.
const FILTERS_BUF: usize = J1939_FILTER_MAX * KERNEL64_FILTER_LEN;
const _: () = assert!(FILTER_LEN <= KERNEL64_FILTER_LEN);

/// The running kernel's `sizeof(struct j1939_filter)`.
fn filter_len() -> usize {
    if crate::sys::os::kernel_is_64bit() {
        KERNEL64_FILTER_LEN
    } else {
        FILTER_LEN
    }
}

/// Writes `filters` (at most [`J1939_FILTER_MAX`]) into `b`, `stride` bytes apart (the
/// kernel's struct size, 28 or 32), in host byte order; returns the option's bytes.
fn encode_filters<'b>(
    filters: &[J1939Filter],
    stride: usize,
    b: &'b mut [u8; FILTERS_BUF],
) -> &'b [u8] {
    let n = filters.len().min(J1939_FILTER_MAX);
    for (slot, f) in b.chunks_exact_mut(stride).zip(&filters[..n]) {
        slot.fill(0);
        slot[0..8].copy_from_slice(&f.name.to_ne_bytes());
        slot[8..16].copy_from_slice(&f.name_mask.to_ne_bytes());
        slot[16..20].copy_from_slice(&f.pgn.to_ne_bytes());
        slot[20..24].copy_from_slice(&f.pgn_mask.to_ne_bytes());
        slot[24] = f.addr;
        slot[25] = f.addr_mask;
    }
    &b[..n * stride]
}

/// A receive filter (`struct j1939_filter`): a message passes when its source NAME, PGN and
/// source address match under the masks. Several filters pass what any of them passes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct J1939Filter {
    /// The NAME to match.
    pub name: u64,
    /// Which NAME bits count (0: any NAME).
    pub name_mask: u64,
    /// The PGN to match.
    pub pgn: u32,
    /// Which PGN bits count (0: any PGN).
    pub pgn_mask: u32,
    /// The source address to match.
    pub addr: u8,
    /// Which address bits count (0: any address).
    pub addr_mask: u8,
}

impl J1939Filter {
    /// Messages of one PGN.
    pub const fn pgn(pgn: u32) -> J1939Filter {
        J1939Filter {
            name: 0,
            name_mask: 0,
            pgn,
            pgn_mask: J1939_PGN_MAX,
            addr: 0,
            addr_mask: 0,
        }
    }

    /// Messages from one source address.
    pub const fn source(addr: u8) -> J1939Filter {
        J1939Filter {
            name: 0,
            name_mask: 0,
            pgn: 0,
            pgn_mask: 0,
            addr,
            addr_mask: 0xff,
        }
    }
}

/// Where a received message came from and what it was sent to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct J1939Meta {
    /// The sender's NAME, if it has claimed one ([`J1939_NO_NAME`] otherwise).
    pub source_name: u64,
    /// The PGN.
    pub pgn: u32,
    /// The sender's address.
    pub source_addr: u8,
    /// The destination address; `None` for a broadcast (the kernel names none then).
    pub dest_addr: Option<u8>,
    /// The destination NAME, when the destination had claimed one.
    pub dest_name: Option<u64>,
    /// The priority it was sent with (0 highest to 7).
    pub priority: Option<u8>,
}

typed_socket!(
    /// A J1939 socket (`CAN_J1939`).
    ///
    /// ```no_run
    /// use baresock::can::J1939Socket;
    /// use baresock::can::{J1939_NO_NAME, J1939_NO_PGN};
    /// let s = J1939Socket::new()?;
    /// // Static address 0x20 on interface 3, every PGN.
    /// s.bind(3, J1939_NO_NAME, J1939_NO_PGN, 0x20)?;
    /// s.send_to(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0x12300, 0x30)?; // over 8 bytes: TP
    /// let mut buf = [0u8; 1785];
    /// let (n, from) = s.recv_from(&mut buf)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    J1939Socket, [CAN], [DGRAM]
);

impl J1939Socket {
    /// A J1939 socket.
    ///
    /// ``` no_run
    /// use baresock::can::J1939Socket;
    /// use baresock::can::{J1939_NO_NAME, J1939_NO_PGN};
    /// let vcan0 = baresock::interface_index("vcan0")?;
    /// let s = J1939Socket::new()?;
    /// s.bind(vcan0, J1939_NO_NAME, J1939_NO_PGN, 0x80)?; // source address 0x80
    /// s.set_broadcast(true)?;
    /// s.send_to(&[1, 2, 3, 4, 5, 6, 7, 8], 0x0fe_f1, 0xff)?;
    /// let mut buf = [0u8; 1785];
    /// let (n, meta) = s.recv_from(&mut buf)?;
    /// println!("{n} bytes, PGN {:#x}", meta.pgn);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socket(2), j1939)]
    pub fn new() -> Result<J1939Socket> {
        Socket::new(Family::CAN, Type::DGRAM, Protocol::from_raw(CAN_J1939))
            .map(|inner| J1939Socket { inner })
    }

    /// Binds to interface `ifindex` as `name` (or [`J1939_NO_NAME`]) with address `addr` (or
    /// [`J1939_NO_ADDR`] when bound by NAME), receiving PGN `pgn` only (or every PGN:
    /// [`J1939_NO_PGN`](crate::J1939_NO_PGN)).
    ///
    #[doc = man!(bind(2), j1939)]
    pub fn bind(&self, ifindex: u32, name: u64, pgn: u32, addr: u8) -> Result<()> {
        self.inner.bind(CanAddr::j1939(ifindex, name, pgn, addr))
    }

    /// Sets the default destination, on the interface the socket is bound to: `send` goes
    /// there, and only its messages are received. Bind first.
    ///
    #[doc = man!(connect(2), j1939)]
    pub fn connect(&self, name: u64, pgn: u32, addr: u8) -> Result<()> {
        let ifindex = CanAddr::try_from(self.inner.local_addr()?)?.ifindex();
        self.inner.connect(CanAddr::j1939(ifindex, name, pgn, addr))
    }

    /// Sends `data` to the connected destination. Up to 8 bytes go in one frame; up to 1785 by the
    /// transport protocol, more (to 117 MB) by the extended one. A NAME without an address, at
    /// either end, is
    /// [`CanInputError::J1939AddressNotClaimed`](crate::CanInputError::J1939AddressNotClaimed).
    ///
    #[doc = man!(send(2), j1939)]
    pub fn send(&self, data: &[u8]) -> Result<()> {
        match self.inner.send(data) {
            Ok(n) => super::raw::whole(n, data.len()),
            Err(e) => {
                let to = self.inner.peer_addr().ok();
                let to = to.and_then(|a| CanAddr::try_from(a).ok());
                Err(self.claim_error(e, to.map_or(J1939_NO_NAME, |a| a.j1939_parts().0)))
            }
        }
    }

    /// Sends `data` as PGN `pgn` to address `addr` ([`J1939_NO_ADDR`] broadcasts). From a socket
    /// bound by a NAME without an address:
    /// [`CanInputError::J1939AddressNotClaimed`](crate::CanInputError::J1939AddressNotClaimed).
    ///
    #[doc = man!(sendto(2), j1939)]
    pub fn send_to(&self, data: &[u8], pgn: u32, addr: u8) -> Result<()> {
        let to = CanAddr::j1939(0, J1939_NO_NAME, pgn, addr);
        match self.inner.send_to(data, to) {
            Ok(n) => super::raw::whole(n, data.len()),
            Err(e) => Err(self.claim_error(e, J1939_NO_NAME)),
        }
    }

    /// Sends `data` as PGN `pgn` to the node that claimed `name`. A NAME without an address, this
    /// one or the socket's own, is
    /// [`CanInputError::J1939AddressNotClaimed`](crate::CanInputError::J1939AddressNotClaimed).
    ///
    #[doc = man!(sendto(2), j1939)]
    pub fn send_to_name(&self, data: &[u8], pgn: u32, name: u64) -> Result<()> {
        let to = CanAddr::j1939(0, name, pgn, J1939_NO_ADDR);
        match self.inner.send_to(data, to) {
            Ok(n) => super::raw::whole(n, data.len()),
            Err(e) => Err(self.claim_error(e, name)),
        }
    }

    /// A send's error: the kernel's `EADDRNOTAVAIL` named by whose NAME lacks an address
    /// (`dest_name` is the destination's NAME, or [`J1939_NO_NAME`]); anything else as it is.
    fn claim_error(&self, e: Error, dest_name: u64) -> Error {
        if e != Error::Os(Errno::ADDRNOTAVAIL) {
            return e;
        }
        let own = self.inner.local_addr().ok();
        let own = own.and_then(|a| CanAddr::try_from(a).ok());
        let own = own.map_or(J1939_NO_NAME, |a| a.j1939_parts().0);
        claim_error(e, own, dest_name)
    }

    /// Receives one message into `buf`, with where it came from and went to. A longer one is
    /// [`Error::Truncated`].
    ///
    #[doc = man!(recvmsg(2), j1939)]
    pub fn recv_from(&self, buf: &mut [u8]) -> Result<(usize, J1939Meta)> {
        let mut space = [0u8; cmsg_space(8) * 3];
        let mut bufs = [IoSliceMut::new(buf)];
        let msg = self
            .inner
            .recv_msg(&mut bufs, &mut space, RecvFlags::empty())?;
        if let Some(len) = msg.truncated() {
            return Err(Error::Truncated { len });
        }
        let from = CanAddr::try_from(
            msg.addr()
                .cloned()
                .ok_or(Error::Address(AddressError::Missing))?,
        )?;
        let (source_name, pgn, source_addr) = from.j1939_parts();
        let mut meta = J1939Meta {
            source_name,
            pgn,
            source_addr,
            dest_addr: None,
            dest_name: None,
            priority: None,
        };
        for c in msg.control() {
            if let ControlMessage::Other { level, ty, data } = c {
                if level != SOL_CAN_J1939 as i32 {
                    continue;
                }
                match (ty, data) {
                    (SCM_J1939_DEST_ADDR, &[a, ..]) => meta.dest_addr = Some(a),
                    (SCM_J1939_PRIO, &[p, ..]) => meta.priority = Some(p),
                    (SCM_J1939_DEST_NAME, d) => {
                        meta.dest_name = d.first_chunk::<8>().map(|b| u64::from_ne_bytes(*b))
                    }
                    _ => {}
                }
            }
        }
        Ok((msg.bytes(), meta))
    }
}

/// J1939 options (`SOL_CAN_J1939`).
impl J1939Socket {
    /// Receives every message on the bus, not only those for this socket
    /// (`SO_J1939_PROMISC`).
    ///
    #[doc = man!(setsockopt(2), j1939)]
    #[doc(alias = "SO_J1939_PROMISC")]
    pub fn set_promiscuous(&self, on: bool) -> Result<()> {
        sockopt::set(
            self.as_fd(),
            SOL_CAN_J1939,
            SO_J1939_PROMISC,
            &i32::from(on),
        )
    }

    /// The priority messages are sent with, 0 (highest) to 7 (`SO_J1939_SEND_PRIO`; 6 by default).
    /// Past 7 is [`CanInputError::InvalidPriority`](crate::CanInputError::InvalidPriority).
    ///
    #[doc = man!(setsockopt(2), j1939)]
    #[doc(alias = "SO_J1939_SEND_PRIO")]
    pub fn set_send_priority(&self, priority: u8) -> Result<()> {
        if priority > 7 {
            return Err(Error::Can(CanInputError::InvalidPriority { priority }));
        }
        sockopt::set(
            self.as_fd(),
            SOL_CAN_J1939,
            SO_J1939_SEND_PRIO,
            &i32::from(priority),
        )
    }

    /// The send priority (`SO_J1939_SEND_PRIO`).
    ///
    #[doc = man!(getsockopt(2), j1939)]
    #[doc(alias = "SO_J1939_SEND_PRIO")]
    pub fn send_priority(&self) -> Result<u8> {
        let p = sockopt::get::<i32>(self.as_fd(), SOL_CAN_J1939, SO_J1939_SEND_PRIO)?;
        u8::try_from(p).map_err(|_| {
            Error::Input(InputError::OptionSize {
                expected: 1,
                got: 4,
            })
        })
    }

    /// Broadcasts allowed (`SO_BROADCAST`): needed to send to [`J1939_NO_ADDR`], and to
    /// receive what others broadcast.
    ///
    #[doc = man!(setsockopt(2), j1939)]
    #[doc(alias = "SO_BROADCAST")]
    pub fn set_broadcast(&self, on: bool) -> Result<()> {
        self.inner.set_broadcast(on)
    }

    /// Receives only what passes one of `filters` (`SO_J1939_FILTER`); an empty list removes them
    /// all. At most [`J1939_FILTER_MAX`]
    /// ([`CanInputError::TooManyFilters`](crate::CanInputError::TooManyFilters)). Written in the
    /// running kernel's layout: 32-byte filters on a 64-bit kernel, also from a 32-bit program
    /// (see the module docs).
    ///
    #[doc = man!(setsockopt(2), j1939)]
    #[doc(alias = "SO_J1939_FILTER")]
    pub fn set_filters(&self, filters: &[J1939Filter]) -> Result<()> {
        if filters.len() > J1939_FILTER_MAX {
            return Err(Error::Can(CanInputError::TooManyFilters {
                count: crate::error::sat32(filters.len()),
            }));
        }
        let mut b = [0u8; FILTERS_BUF];
        let bytes = encode_filters(filters, filter_len(), &mut b);
        sockopt::set_bytes(self.as_fd(), SOL_CAN_J1939, SO_J1939_FILTER, bytes)
    }
}

/// Names `EADDRNOTAVAIL` from a send by whose NAME has no address: the socket's own
/// (`own`) or the destination's (`dest`), [`J1939_NO_NAME`] where that end has none.
fn claim_error(e: Error, own: u64, dest: u64) -> Error {
    let (name, party) = match (own != J1939_NO_NAME, dest != J1939_NO_NAME) {
        (true, false) => (own, J1939Party::Source),
        (false, true) => (dest, J1939Party::Destination),
        (true, true) => (own, J1939Party::SourceOrDestination),
        // No NAME at either end: not address claiming's error.
        (false, false) => return e,
    };
    Error::Can(CanInputError::J1939AddressNotClaimed {
        name: J1939Name::new(name),
        party,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unclaimed_names_are_named() {
        let e = Error::Os(Errno::ADDRNOTAVAIL);
        let not_claimed = |name: u64, party| {
            Error::Can(CanInputError::J1939AddressNotClaimed {
                name: J1939Name::new(name),
                party,
            })
        };
        assert_eq!(
            claim_error(e, 0x50, J1939_NO_NAME),
            not_claimed(0x50, J1939Party::Source)
        );
        assert_eq!(
            claim_error(e, J1939_NO_NAME, 0x1111),
            not_claimed(0x1111, J1939Party::Destination)
        );
        assert_eq!(
            claim_error(e, 0x50, 0x1111),
            not_claimed(0x50, J1939Party::SourceOrDestination)
        );
        assert_eq!(claim_error(e, J1939_NO_NAME, J1939_NO_NAME), e);
        assert_eq!(
            not_claimed(1, J1939Party::Source).errno(),
            Some(Errno::ADDRNOTAVAIL)
        );
    }

    #[test]
    fn the_filter_is_laid_out_as_the_kernel_has_it() {
        // u64, u64, u32, u32, u8, u8: padded to the u64's alignment in a struct.
        let want = if cfg!(target_arch = "x86") { 28 } else { 32 };
        assert_eq!(FILTER_LEN, want);
        assert_eq!(core::mem::offset_of!(FilterLayout, pgn), 16);
        assert_eq!(core::mem::offset_of!(FilterLayout, addr_mask), 25);
        // The running kernel's: 32 on a 64-bit kernel, from any program.
        let want = if crate::sys::os::kernel_is_64bit() {
            32
        } else {
            FILTER_LEN
        };
        assert_eq!(filter_len(), want);
    }

    #[test]
    fn filters_are_written_at_the_kernels_stride() {
        let a = J1939Filter {
            name: 0x0102_0304_0506_0708,
            name_mask: !0,
            pgn: 0x1_2345,
            pgn_mask: J1939_PGN_MAX,
            addr: 0x20,
            addr_mask: 0xff,
        };
        let b = J1939Filter::source(0x30);
        let mut buf = [0xaa; FILTERS_BUF];
        // A 32-bit x86 kernel's 28 bytes, and a 64-bit kernel's 32 (also for a 32-bit program).
        for stride in [28, KERNEL64_FILTER_LEN] {
            let bytes = encode_filters(&[a, b], stride, &mut buf);
            assert_eq!(bytes.len(), 2 * stride);
            for (slot, f) in bytes.chunks_exact(stride).zip([a, b]) {
                assert_eq!(&slot[0..8], &f.name.to_ne_bytes());
                assert_eq!(&slot[8..16], &f.name_mask.to_ne_bytes());
                assert_eq!(&slot[16..20], &f.pgn.to_ne_bytes());
                assert_eq!(&slot[20..24], &f.pgn_mask.to_ne_bytes());
                assert_eq!((slot[24], slot[25]), (f.addr, f.addr_mask));
                assert!(slot[26..].iter().all(|&p| p == 0), "padding zeroed");
            }
            assert_eq!(encode_filters(&[], stride, &mut buf), &[] as &[u8]);
        }
        // The most filters fit at the larger stride.
        let many = [b; J1939_FILTER_MAX];
        let bytes = encode_filters(&many, KERNEL64_FILTER_LEN, &mut buf);
        assert_eq!(bytes.len(), J1939_FILTER_MAX * 32);
        assert_eq!(bytes[(J1939_FILTER_MAX - 1) * 32 + 24], 0x30);
    }
}
