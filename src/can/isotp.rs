//! ISO-TP (ISO 15765-2) sockets (`CAN_ISOTP`, linux/can/isotp.h): messages longer than one
//! frame, segmented and reassembled with flow control by the kernel. One `send` is one whole
//! message; one `recv` is one whole message, into the caller's buffer.

use crate::{CanInputError, InputError};
use core::time::Duration;

use rustix::fd::AsFd;

use super::{CanId, CANFD_LENGTHS, CANFD_MTU, CAN_MTU};
use crate::net::typed_socket;
use crate::sys::sockopt;
use crate::{CanAddr, Error, Family, Protocol, Result, Socket, Type};

/// `CAN_ISOTP` (linux/can.h).
const CAN_ISOTP: i32 = 6;
/// `SOL_CAN_ISOTP` (`SOL_CAN_BASE + CAN_ISOTP`).
const SOL_CAN_ISOTP: u32 = 106;
const CAN_ISOTP_OPTS: u32 = 1;
const CAN_ISOTP_RECV_FC: u32 = 2;
const CAN_ISOTP_TX_STMIN: u32 = 3;
const CAN_ISOTP_RX_STMIN: u32 = 4;
const CAN_ISOTP_LL_OPTS: u32 = 5;
/// `CAN_ISOTP_FRAME_TXTIME_ZERO`: a zero frame transmission time (0 means the default).
const TXTIME_ZERO: u32 = 0xffff_ffff;

bitflags::bitflags! {
    /// ISO-TP behaviour flags (`CAN_ISOTP_*`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct IsoTpFlags: u32 {
        /// Listen only: send no flow control (`CAN_ISOTP_LISTEN_MODE`).
        const LISTEN_MODE = 0x0001;
        /// Extended addressing: the first data byte is an address (`CAN_ISOTP_EXTEND_ADDR`).
        const EXTEND_ADDR = 0x0002;
        /// Pad sent frames to full length (`CAN_ISOTP_TX_PADDING`).
        const TX_PADDING = 0x0004;
        /// Expect padded received frames (`CAN_ISOTP_RX_PADDING`).
        const RX_PADDING = 0x0008;
        /// Check the received padding's length (`CAN_ISOTP_CHK_PAD_LEN`).
        const CHECK_PAD_LEN = 0x0010;
        /// Check the received padding's content (`CAN_ISOTP_CHK_PAD_DATA`).
        const CHECK_PAD_DATA = 0x0020;
        /// Half-duplex error handling (`CAN_ISOTP_HALF_DUPLEX`).
        const HALF_DUPLEX = 0x0040;
        /// Use our transmit STmin, not the receiver's (`CAN_ISOTP_FORCE_TXSTMIN`).
        const FORCE_TX_STMIN = 0x0080;
        /// Drop consecutive frames closer than our receive STmin (`CAN_ISOTP_FORCE_RXSTMIN`).
        const FORCE_RX_STMIN = 0x0100;
        /// A different extended address on receive (`CAN_ISOTP_RX_EXT_ADDR`).
        const RX_EXT_ADDR = 0x0200;
        /// `send` returns once the message is out (`CAN_ISOTP_WAIT_TX_DONE`).
        const WAIT_TX_DONE = 0x0400;
        /// Single-frame broadcast, 1 to N (`CAN_ISOTP_SF_BROADCAST`). Needs Linux 5.11;
        /// older kernels take the flag without an error and act as without it.
        const SF_BROADCAST = 0x0800;
        /// Multi-frame broadcast without flow control (`CAN_ISOTP_CF_BROADCAST`). Needs Linux
        /// 5.19; older kernels take the flag without an error and act as without it (the
        /// sender waits for a flow control frame).
        const CF_BROADCAST = 0x1000;
        /// Flag bits this crate has no name for, kept as the kernel gave them.
        const _ = !0;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for IsoTpFlags {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "IsoTpFlags({=u32:#x})", self.bits())
    }
}

/// General ISO-TP options (`struct can_isotp_options`). The default is the kernel's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct IsoTpOptions {
    /// Behaviour flags.
    pub flags: IsoTpFlags,
    /// Time between two frames sent (N_As/N_Ar); 50 µs by default. Nanosecond precision,
    /// at most about 4.29 s.
    pub frame_txtime: Duration,
    /// The extended address, with [`IsoTpFlags::EXTEND_ADDR`].
    pub ext_address: u8,
    /// The padding byte sent, with [`IsoTpFlags::TX_PADDING`].
    pub tx_pad: u8,
    /// The padding byte expected, with [`IsoTpFlags::CHECK_PAD_DATA`].
    pub rx_pad: u8,
    /// The receive extended address, with [`IsoTpFlags::RX_EXT_ADDR`].
    pub rx_ext_address: u8,
}

impl Default for IsoTpOptions {
    fn default() -> Self {
        IsoTpOptions {
            flags: IsoTpFlags::empty(),
            frame_txtime: Duration::from_micros(50),
            ext_address: 0,
            tx_pad: 0xcc,
            rx_pad: 0xcc,
            rx_ext_address: 0,
        }
    }
}

/// The flow control this end asks the sender for (`struct can_isotp_fc_options`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FlowControl {
    /// Consecutive frames per block before the next flow control (0: all of them).
    pub block_size: u8,
    /// Separation time, as ISO 15765-2 codes it: 0x00–0x7f milliseconds, 0xf1–0xf9 100–900
    /// µs.
    pub st_min: u8,
    /// How many wait frames to send at most (0: none).
    pub wft_max: u8,
}

/// The link layer (`struct can_isotp_ll_options`): classic or FD frames, and the data length
/// sent per frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LinkLayer {
    /// FD frames rather than classic ones.
    pub fd: bool,
    /// Data bytes per frame sent: 8 for classic; 8, 12, 16, 20, 24, 32, 48 or 64 for FD.
    pub tx_dl: u8,
    /// FD flags set in every frame sent (`CANFD_BRS` is 0x01).
    pub tx_flags: u8,
}

impl Default for LinkLayer {
    /// Classic CAN, 8 bytes per frame.
    fn default() -> Self {
        LinkLayer {
            fd: false,
            tx_dl: 8,
            tx_flags: 0,
        }
    }
}

typed_socket!(
    /// An ISO-TP socket (`CAN_ISOTP`): whole messages of up to the kernel's maximum,
    /// segmented into CAN frames. That maximum is 8200 bytes in Linux 5.10 to 5.17, 66000 in
    /// 5.18 to 6.3, and from 6.4 the `can_isotp` module's `max_pdu_size` (8300 unless set,
    /// at most 1 MiB; in `/sys/module/can_isotp/parameters/`). A longer message is the
    /// kernel's `EINVAL`; past 4095 bytes the first frame carries a 32-bit length.
    ///
    /// Set options before [`bind`](Self::bind): the kernel refuses them after (`EISCONN`).
    ///
    /// ```no_run
    /// use baresock::can::IsoTpSocket;
    /// use baresock::can::CanId;
    /// let s = IsoTpSocket::new()?;
    /// // Receive on 0x7e8, send on 0x7e0 (an OBD-II ECU's answer and request ids).
    /// s.bind(3, CanId::standard(0x7e8)?, CanId::standard(0x7e0)?)?;
    /// s.send(&[0x02, 0x01, 0x00])?;
    /// let mut buf = [0u8; 4095];
    /// let n = s.recv(&mut buf)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    IsoTpSocket, [CAN], [DGRAM]
);

impl IsoTpSocket {
    /// An ISO-TP socket.
    ///
    /// ``` no_run
    /// use baresock::can::{CanId, IsoTpSocket};
    /// let vcan0 = baresock::interface_index("vcan0")?;
    /// // A UDS tester: requests to 0x7E0, answers from 0x7E8.
    /// let s = IsoTpSocket::new()?;
    /// s.bind(vcan0, CanId::standard(0x7e8)?, CanId::standard(0x7e0)?)?;
    /// s.send(&[0x22, 0xf1, 0x90])?; // read the VIN
    /// let mut buf = [0u8; 4095];
    /// let n = s.recv(&mut buf)?;
    /// println!("{:02x?}", &buf[..n]);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(socket(2), isotp)]
    pub fn new() -> Result<IsoTpSocket> {
        Socket::new(Family::CAN, Type::DGRAM, Protocol::from_raw(CAN_ISOTP))
            .map(|inner| IsoTpSocket { inner })
    }

    /// Binds to interface `ifindex` (which must be a CAN interface, not 0), receiving
    /// frames with `rx_id` and sending with `tx_id`.
    ///
    #[doc = man!(bind(2), isotp)]
    pub fn bind(&self, ifindex: u32, rx_id: CanId, tx_id: CanId) -> Result<()> {
        self.inner
            .bind(CanAddr::isotp(ifindex, rx_id.word(), tx_id.word()))
    }

    /// Sends one whole message.
    ///
    #[doc = man!(send(2), isotp)]
    pub fn send(&self, msg: &[u8]) -> Result<()> {
        super::raw::whole(self.inner.send(msg)?, msg.len())
    }

    /// Receives one whole message into `buf`; a longer one is [`Error::Truncated`] with its
    /// true length (the buffer holds its first bytes).
    ///
    #[doc = man!(recv(2), isotp)]
    pub fn recv(&self, buf: &mut [u8]) -> Result<usize> {
        self.inner.recv(buf)
    }
}

/// ISO-TP options (`SOL_CAN_ISOTP`).
impl IsoTpSocket {
    /// Sets the general options (`CAN_ISOTP_OPTS`). A frame time past `u32::MAX - 1`
    /// nanoseconds is [`InputError::DurationOutOfRange`](crate::InputError::DurationOutOfRange).
    ///
    #[doc = man!(setsockopt(2), isotp)]
    #[doc(alias = "CAN_ISOTP_OPTS")]
    pub fn set_options(&self, o: &IsoTpOptions) -> Result<()> {
        let txtime = match u32::try_from(o.frame_txtime.as_nanos()) {
            Ok(0) => TXTIME_ZERO,
            Ok(TXTIME_ZERO) | Err(_) => return Err(Error::Input(InputError::DurationOutOfRange)),
            Ok(ns) => ns,
        };
        let mut b = [0u8; 12];
        b[0..4].copy_from_slice(&o.flags.bits().to_ne_bytes());
        b[4..8].copy_from_slice(&txtime.to_ne_bytes());
        b[8..12].copy_from_slice(&[o.ext_address, o.tx_pad, o.rx_pad, o.rx_ext_address]);
        sockopt::set_bytes(self.as_fd(), SOL_CAN_ISOTP, CAN_ISOTP_OPTS, &b)
    }

    /// The general options (`CAN_ISOTP_OPTS`).
    ///
    #[doc = man!(getsockopt(2), isotp)]
    #[doc(alias = "CAN_ISOTP_OPTS")]
    pub fn options(&self) -> Result<IsoTpOptions> {
        let mut b = [0u8; 12];
        exact(sockopt::get_bytes(
            self.as_fd(),
            SOL_CAN_ISOTP,
            CAN_ISOTP_OPTS,
            &mut b,
        )?)?;
        let word = |i: usize| u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let txtime = match word(4) {
            TXTIME_ZERO => Duration::ZERO,
            ns => Duration::from_nanos(ns.into()),
        };
        Ok(IsoTpOptions {
            flags: IsoTpFlags::from_bits_retain(word(0)),
            frame_txtime: txtime,
            ext_address: b[8],
            tx_pad: b[9],
            rx_pad: b[10],
            rx_ext_address: b[11],
        })
    }

    /// The flow control this end sends (`CAN_ISOTP_RECV_FC`).
    ///
    #[doc = man!(setsockopt(2), isotp)]
    #[doc(alias = "CAN_ISOTP_RECV_FC")]
    pub fn set_flow_control(&self, fc: &FlowControl) -> Result<()> {
        let b = [fc.block_size, fc.st_min, fc.wft_max];
        sockopt::set_bytes(self.as_fd(), SOL_CAN_ISOTP, CAN_ISOTP_RECV_FC, &b)
    }

    /// The flow control this end sends (`CAN_ISOTP_RECV_FC`).
    ///
    #[doc = man!(getsockopt(2), isotp)]
    #[doc(alias = "CAN_ISOTP_RECV_FC")]
    pub fn flow_control(&self) -> Result<FlowControl> {
        let mut b = [0u8; 3];
        let n = sockopt::get_bytes(self.as_fd(), SOL_CAN_ISOTP, CAN_ISOTP_RECV_FC, &mut b)?;
        if n != 3 {
            return Err(Error::Input(InputError::OptionSize {
                expected: 3,
                got: n as u32,
            }));
        }
        Ok(FlowControl {
            block_size: b[0],
            st_min: b[1],
            wft_max: b[2],
        })
    }

    /// The separation time used when sending with [`IsoTpFlags::FORCE_TX_STMIN`], instead
    /// of the receiver's (`CAN_ISOTP_TX_STMIN`, nanoseconds in a `u32`).
    ///
    #[doc = man!(setsockopt(2), isotp)]
    #[doc(alias = "CAN_ISOTP_TX_STMIN")]
    pub fn set_tx_st_min(&self, t: Duration) -> Result<()> {
        self.set_ns(CAN_ISOTP_TX_STMIN, t)
    }

    /// Consecutive frames closer than this are dropped, with
    /// [`IsoTpFlags::FORCE_RX_STMIN`] (`CAN_ISOTP_RX_STMIN`).
    ///
    #[doc = man!(setsockopt(2), isotp)]
    #[doc(alias = "CAN_ISOTP_RX_STMIN")]
    pub fn set_rx_st_min(&self, t: Duration) -> Result<()> {
        self.set_ns(CAN_ISOTP_RX_STMIN, t)
    }

    fn set_ns(&self, name: u32, t: Duration) -> Result<()> {
        let ns = u32::try_from(t.as_nanos())
            .map_err(|_| Error::Input(InputError::DurationOutOfRange))?;
        sockopt::set(self.as_fd(), SOL_CAN_ISOTP, name, &ns)
    }

    /// Classic or FD frames, and their data length (`CAN_ISOTP_LL_OPTS`). A data length
    /// that is not a CAN FD length, or over 8 for classic frames, is
    /// [`CanInputError::InvalidLength`](crate::CanInputError::InvalidLength).
    ///
    #[doc = man!(setsockopt(2), isotp)]
    #[doc(alias = "CAN_ISOTP_LL_OPTS")]
    pub fn set_link_layer(&self, ll: &LinkLayer) -> Result<()> {
        let dl = usize::from(ll.tx_dl);
        let fits = if ll.fd {
            dl >= 8 && CANFD_LENGTHS.contains(&dl)
        } else {
            dl == 8
        };
        if !fits {
            return Err(Error::Can(CanInputError::InvalidLength {
                len: crate::error::sat32(dl),
            }));
        }
        let mtu = if ll.fd { CANFD_MTU } else { CAN_MTU } as u8;
        let b = [mtu, ll.tx_dl, ll.tx_flags];
        sockopt::set_bytes(self.as_fd(), SOL_CAN_ISOTP, CAN_ISOTP_LL_OPTS, &b)
    }

    /// The link layer (`CAN_ISOTP_LL_OPTS`).
    ///
    #[doc = man!(getsockopt(2), isotp)]
    #[doc(alias = "CAN_ISOTP_LL_OPTS")]
    pub fn link_layer(&self) -> Result<LinkLayer> {
        let mut b = [0u8; 3];
        let n = sockopt::get_bytes(self.as_fd(), SOL_CAN_ISOTP, CAN_ISOTP_LL_OPTS, &mut b)?;
        if n != 3 {
            return Err(Error::Input(InputError::OptionSize {
                expected: 3,
                got: n as u32,
            }));
        }
        Ok(LinkLayer {
            fd: usize::from(b[0]) == CANFD_MTU,
            tx_dl: b[1],
            tx_flags: b[2],
        })
    }
}

/// The kernel answers with the whole struct or not at all.
fn exact(n: usize) -> Result<()> {
    if n == 12 {
        Ok(())
    } else {
        Err(Error::Input(InputError::OptionSize {
            expected: 12,
            got: n as u32,
        }))
    }
}
