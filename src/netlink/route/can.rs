//! CAN links over rtnetlink (linux/can/netlink.h): what `ip link set can0 type can ...` sets
//! on a CAN controller, and what `ip -details link show can0` reads back.
//!
//! [`CanConfig`] is a plain value (bit timing or a bit rate, data bit timing for CAN FD,
//! `restart-ms`, control modes, termination) that [`Rtnl::set_can`] writes as the link's
//! `IFLA_INFO_DATA`; [`Rtnl::can_link`] reads the link back as a [`CanLink`] view (state,
//! timings and their constants, clock, control modes, bus-error counters, statistics).
//! The kernel's refusals ([`NetlinkError::Refused`](crate::netlink::NetlinkError::Refused))
//! are named by [`CanRefusal::of`].

use super::link::{
    ifinfomsg, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO, RTM_GETLINK, RTM_NEWLINK,
};
use super::Link;
use super::Rtnl;
use crate::netlink::{Attr, Attrs, Message, MessageFlags, MessageWriter, NetlinkError};
use crate::{Errno, Error, Result};

const IFLA_INFO_XSTATS: u16 = 3;

const IFLA_CAN_BITTIMING: u16 = 1;
const IFLA_CAN_BITTIMING_CONST: u16 = 2;
const IFLA_CAN_CLOCK: u16 = 3;
const IFLA_CAN_STATE: u16 = 4;
const IFLA_CAN_CTRLMODE: u16 = 5;
const IFLA_CAN_RESTART_MS: u16 = 6;
const IFLA_CAN_RESTART: u16 = 7;
const IFLA_CAN_BERR_COUNTER: u16 = 8;
const IFLA_CAN_DATA_BITTIMING: u16 = 9;
const IFLA_CAN_DATA_BITTIMING_CONST: u16 = 10;
const IFLA_CAN_TERMINATION: u16 = 11;
const IFLA_CAN_TERMINATION_CONST: u16 = 12;
const IFLA_CAN_BITRATE_CONST: u16 = 13;
const IFLA_CAN_DATA_BITRATE_CONST: u16 = 14;
const IFLA_CAN_BITRATE_MAX: u16 = 15;
const IFLA_CAN_CTRLMODE_EXT: u16 = 17;
const IFLA_CAN_CTRLMODE_SUPPORTED: u16 = 1;

/// The `N` native-endian `u32`s of a struct attribute, its length checked.
fn words<const N: usize, const B: usize>(a: Attr<'_>) -> Result<[u32; N]> {
    let bytes = a.array::<B>()?;
    let mut out = [0u32; N];
    for (w, c) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        *w = u32::from_ne_bytes([c[0], c[1], c[2], c[3]]);
    }
    Ok(out)
}

/// A CAN bit timing (`struct can_bittiming`): a bit rate alone (the driver computes the
/// rest from its constants), a bit rate and a sample point, or every segment explicitly.
/// Read back, every field is what the driver chose.
///
/// ```
/// use baresock::netlink::route::CanBitTiming;
/// let t = CanBitTiming::from_bitrate(500_000).with_sample_point(875);
/// assert_eq!((t.bitrate, t.sample_point, t.brp), (500_000, 875, 0));
/// ```
#[doc(alias = "can_bittiming")]
#[doc(alias = "IFLA_CAN_BITTIMING")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CanBitTiming {
    /// Bits per second.
    pub bitrate: u32,
    /// The sample point, in tenths of a percent (875: 87.5 %); 0 lets the driver choose.
    pub sample_point: u32,
    /// The time quantum, in nanoseconds.
    pub tq: u32,
    /// The propagation segment, in time quanta.
    pub prop_seg: u32,
    /// Phase buffer segment 1, in time quanta.
    pub phase_seg1: u32,
    /// Phase buffer segment 2, in time quanta.
    pub phase_seg2: u32,
    /// The synchronisation jump width, in time quanta.
    pub sjw: u32,
    /// The bit-rate prescaler.
    pub brp: u32,
}

impl CanBitTiming {
    /// A bit rate alone (`ip link set can0 type can bitrate N`).
    pub const fn from_bitrate(bitrate: u32) -> CanBitTiming {
        CanBitTiming {
            bitrate,
            sample_point: 0,
            tq: 0,
            prop_seg: 0,
            phase_seg1: 0,
            phase_seg2: 0,
            sjw: 0,
            brp: 0,
        }
    }

    /// The same with a sample point, in tenths of a percent (`sample-point 0.875` is 875).
    pub const fn with_sample_point(self, tenths_of_percent: u32) -> CanBitTiming {
        CanBitTiming {
            sample_point: tenths_of_percent,
            ..self
        }
    }

    fn to_bytes(self) -> [u8; 32] {
        let mut b = [0u8; 32];
        let f = [
            self.bitrate,
            self.sample_point,
            self.tq,
            self.prop_seg,
            self.phase_seg1,
            self.phase_seg2,
            self.sjw,
            self.brp,
        ];
        for (c, v) in b.chunks_exact_mut(4).zip(f) {
            c.copy_from_slice(&v.to_ne_bytes());
        }
        b
    }

    fn read(a: Attr<'_>) -> Result<CanBitTiming> {
        let [bitrate, sample_point, tq, prop_seg, phase_seg1, phase_seg2, sjw, brp] =
            words::<8, 32>(a)?;
        Ok(CanBitTiming {
            bitrate,
            sample_point,
            tq,
            prop_seg,
            phase_seg1,
            phase_seg2,
            sjw,
            brp,
        })
    }
}

/// A controller's bit-timing limits (`struct can_bittiming_const`), from which the driver
/// computes a timing for a bit rate.
///
/// ```
/// # fn f(t: baresock::netlink::route::CanBitTimingConst) {
/// println!("{}: tseg1 {}..{}", t.name(), t.tseg1_min(), t.tseg1_max());
/// # }
/// ```
#[doc(alias = "can_bittiming_const")]
#[doc(alias = "IFLA_CAN_BITTIMING_CONST")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CanBitTimingConst {
    name: [u8; 16],
    w: [u32; 8],
}

impl CanBitTimingConst {
    fn read(a: Attr<'_>) -> Result<CanBitTimingConst> {
        let b = a.array::<48>()?;
        let mut name = [0u8; 16];
        name.copy_from_slice(&b[..16]);
        let mut w = [0u32; 8];
        for (v, c) in w.iter_mut().zip(b[16..].chunks_exact(4)) {
            *v = u32::from_ne_bytes([c[0], c[1], c[2], c[3]]);
        }
        Ok(CanBitTimingConst { name, w })
    }

    /// The controller's name (`sja1000`): up to its first NUL; the bytes before it if they
    /// are not UTF-8 are cut at the first that is not.
    pub fn name(&self) -> &str {
        let end = self.name.iter().position(|&b| b == 0).unwrap_or(16);
        match core::str::from_utf8(&self.name[..end]) {
            Ok(s) => s,
            Err(e) => core::str::from_utf8(&self.name[..e.valid_up_to()]).unwrap_or(""),
        }
    }
    /// The least time segment 1 (propagation + phase segment 1), in time quanta.
    pub fn tseg1_min(&self) -> u32 {
        self.w[0]
    }
    /// The greatest time segment 1.
    pub fn tseg1_max(&self) -> u32 {
        self.w[1]
    }
    /// The least time segment 2 (phase segment 2).
    pub fn tseg2_min(&self) -> u32 {
        self.w[2]
    }
    /// The greatest time segment 2.
    pub fn tseg2_max(&self) -> u32 {
        self.w[3]
    }
    /// The greatest synchronisation jump width.
    pub fn sjw_max(&self) -> u32 {
        self.w[4]
    }
    /// The least bit-rate prescaler.
    pub fn brp_min(&self) -> u32 {
        self.w[5]
    }
    /// The greatest bit-rate prescaler.
    pub fn brp_max(&self) -> u32 {
        self.w[6]
    }
    /// The prescaler's step.
    pub fn brp_inc(&self) -> u32 {
        self.w[7]
    }
}

/// A CAN controller's state (`enum can_state`, `IFLA_CAN_STATE`).
///
/// ```
/// use baresock::netlink::route::CanState;
/// assert_ne!(CanState::ErrorActive, CanState::BusOff);
/// ```
#[doc(alias = "can_state")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CanState {
    /// Error counters below 96 (`CAN_STATE_ERROR_ACTIVE`).
    ErrorActive,
    /// Below 128 (`CAN_STATE_ERROR_WARNING`).
    ErrorWarning,
    /// Below 256 (`CAN_STATE_ERROR_PASSIVE`).
    ErrorPassive,
    /// 256 or more: off the bus (`CAN_STATE_BUS_OFF`).
    BusOff,
    /// The device is stopped (`CAN_STATE_STOPPED`): down.
    Stopped,
    /// The device is sleeping (`CAN_STATE_SLEEPING`).
    Sleeping,
    /// A value this crate does not know (a newer kernel's).
    Other(u32),
}

impl CanState {
    fn from_raw(v: u32) -> CanState {
        match v {
            0 => CanState::ErrorActive,
            1 => CanState::ErrorWarning,
            2 => CanState::ErrorPassive,
            3 => CanState::BusOff,
            4 => CanState::Stopped,
            5 => CanState::Sleeping,
            v => CanState::Other(v),
        }
    }
}

bitflags::bitflags! {
    /// A CAN controller's modes (`CAN_CTRLMODE_*`, `struct can_ctrlmode`).
    ///
    /// ```
    /// use baresock::netlink::route::CanCtrlMode;
    /// assert_eq!((CanCtrlMode::LISTEN_ONLY | CanCtrlMode::ONE_SHOT).bits(), 0x0a);
    /// ```
    #[doc(alias = "can_ctrlmode")]
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct CanCtrlMode: u32 {
        /// Loopback (`CAN_CTRLMODE_LOOPBACK`).
        const LOOPBACK = 0x01;
        /// Listen only: no ack, no frames sent (`CAN_CTRLMODE_LISTENONLY`).
        const LISTEN_ONLY = 0x02;
        /// Triple sampling (`CAN_CTRLMODE_3_SAMPLES`).
        const TRIPLE_SAMPLING = 0x04;
        /// One shot: no retransmission (`CAN_CTRLMODE_ONE_SHOT`).
        const ONE_SHOT = 0x08;
        /// Bus errors reported as error frames (`CAN_CTRLMODE_BERR_REPORTING`).
        const BERR_REPORTING = 0x10;
        /// CAN FD (`CAN_CTRLMODE_FD`).
        const FD = 0x20;
        /// Missing acks ignored (`CAN_CTRLMODE_PRESUME_ACK`).
        const PRESUME_ACK = 0x40;
        /// CAN FD in its non-ISO form (`CAN_CTRLMODE_FD_NON_ISO`).
        const FD_NON_ISO = 0x80;
        /// Classic CAN's DLC 9 to 15 kept (`CAN_CTRLMODE_CC_LEN8_DLC`, Linux 5.11; older
        /// kernels refuse it as [`CanRefusal::Unsupported`]).
        const CC_LEN8_DLC = 0x100;
        /// Transmitter delay compensation, automatic (`CAN_CTRLMODE_TDC_AUTO`, Linux 5.16;
        /// older kernels refuse it as [`CanRefusal::Unsupported`]).
        const TDC_AUTO = 0x200;
        /// Transmitter delay compensation, manual (`CAN_CTRLMODE_TDC_MANUAL`, Linux 5.16;
        /// older kernels refuse it as [`CanRefusal::Unsupported`]).
        const TDC_MANUAL = 0x400;
        // A newer kernel's modes are kept, not dropped.
        const _ = !0;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for CanCtrlMode {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "CanCtrlMode({=u32:#x})", self.bits())
    }
}

/// The bus-error counters (`struct can_berr_counter`, `IFLA_CAN_BERR_COUNTER`).
#[doc(alias = "can_berr_counter")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CanBerrCounter {
    /// The transmit error counter.
    pub txerr: u16,
    /// The receive error counter.
    pub rxerr: u16,
}

/// A CAN device's error statistics (`struct can_device_stats`, the link's
/// `IFLA_INFO_XSTATS`).
#[doc(alias = "can_device_stats")]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CanDeviceStats {
    /// Bus errors.
    pub bus_error: u32,
    /// Changes to the error-warning state.
    pub error_warning: u32,
    /// Changes to the error-passive state.
    pub error_passive: u32,
    /// Changes to bus-off.
    pub bus_off: u32,
    /// Arbitrations lost.
    pub arbitration_lost: u32,
    /// Controller restarts.
    pub restarts: u32,
}

/// A list of `u16` or `u32` values in one attribute (the supported terminations or bit
/// rates), each read as the iterator reaches it.
#[derive(Clone, Debug)]
pub struct CanValues<'a, const W: usize> {
    rest: &'a [u8],
}

impl<const W: usize> Iterator for CanValues<'_, W> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        let (v, rest) = (self.rest.get(..W)?, self.rest.get(W..)?);
        self.rest = rest;
        Some(match *v {
            [a, b] => u16::from_ne_bytes([a, b]) as u32,
            [a, b, c, d] => u32::from_ne_bytes([a, b, c, d]),
            _ => 0,
        })
    }
}

fn values<const W: usize>(a: Attr<'_>) -> Result<CanValues<'_, W>> {
    let b = a.bytes();
    if !b.len().is_multiple_of(W) {
        return Err(crate::netlink::wire::nl(NetlinkError::AttributeSize {
            kind: a.kind(),
            expected: (b.len() - b.len() % W) as u16,
            got: b.len() as u16,
        }));
    }
    Ok(CanValues { rest: b })
}

/// What a CAN link is to be set to: a plain value, each part optional (what is not given
/// stays as it is), written by [`Rtnl::set_can`].
///
/// The link must be down for a change of timing, control modes or termination (`EBUSY`
/// otherwise); `restart-ms` may change while up.
///
/// ```
/// use baresock::netlink::route::{CanConfig, CanCtrlMode};
/// let c = CanConfig::new()
///     .bitrate(500_000)
///     .restart_ms(100)
///     .ctrl_mode(CanCtrlMode::ONE_SHOT, true)
///     .ctrl_mode(CanCtrlMode::LOOPBACK, false);
/// assert_eq!(c, c.clone());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct CanConfig {
    bit_timing: Option<CanBitTiming>,
    data_bit_timing: Option<CanBitTiming>,
    restart_ms: Option<u32>,
    ctrl_mask: CanCtrlMode,
    ctrl_flags: CanCtrlMode,
    termination: Option<u16>,
}

impl CanConfig {
    /// Nothing to change.
    pub const fn new() -> CanConfig {
        CanConfig {
            bit_timing: None,
            data_bit_timing: None,
            restart_ms: None,
            ctrl_mask: CanCtrlMode::empty(),
            ctrl_flags: CanCtrlMode::empty(),
            termination: None,
        }
    }

    /// The bit rate, the driver to choose the timing (`bitrate N`).
    pub const fn bitrate(self, bitrate: u32) -> CanConfig {
        self.bit_timing(CanBitTiming::from_bitrate(bitrate))
    }

    /// The (nominal) bit timing (`bitrate`, `sample-point`, or `tq`, `prop-seg`, ...).
    #[doc(alias = "IFLA_CAN_BITTIMING")]
    pub const fn bit_timing(self, timing: CanBitTiming) -> CanConfig {
        CanConfig {
            bit_timing: Some(timing),
            ..self
        }
    }

    /// CAN FD's data bit rate (`dbitrate N`).
    pub const fn data_bitrate(self, bitrate: u32) -> CanConfig {
        self.data_bit_timing(CanBitTiming::from_bitrate(bitrate))
    }

    /// CAN FD's data bit timing (`dbitrate`, `dsample-point`, `dtq`, ...).
    #[doc(alias = "IFLA_CAN_DATA_BITTIMING")]
    pub const fn data_bit_timing(self, timing: CanBitTiming) -> CanConfig {
        CanConfig {
            data_bit_timing: Some(timing),
            ..self
        }
    }

    /// The delay of the automatic restart after bus-off, in milliseconds; 0 for none
    /// (`restart-ms`).
    #[doc(alias = "IFLA_CAN_RESTART_MS")]
    pub const fn restart_ms(self, ms: u32) -> CanConfig {
        CanConfig {
            restart_ms: Some(ms),
            ..self
        }
    }

    /// Turns the `modes` on or off (`loopback on`, `one-shot off`, ...); modes not named
    /// in any call stay as they are.
    #[doc(alias = "IFLA_CAN_CTRLMODE")]
    pub const fn ctrl_mode(self, modes: CanCtrlMode, on: bool) -> CanConfig {
        let flags = if on {
            self.ctrl_flags.union(modes)
        } else {
            self.ctrl_flags.difference(modes)
        };
        CanConfig {
            ctrl_mask: self.ctrl_mask.union(modes),
            ctrl_flags: flags,
            ..self
        }
    }

    /// The bus termination, in ohms, 0 for off (`termination N`): one of the values the
    /// device lists ([`CanLink::termination_const`]).
    #[doc(alias = "IFLA_CAN_TERMINATION")]
    pub const fn termination(self, ohms: u16) -> CanConfig {
        CanConfig {
            termination: Some(ohms),
            ..self
        }
    }
}

/// Why the kernel refused a CAN request, named from the errno of a
/// [`NetlinkError::Refused`] and the extended ack's text of the same exchange
/// ([`Client::ext_ack_message`](crate::netlink::Client::ext_ack_message)): Linux 6.3 and
/// later refuse a bit rate the controller cannot make with `EINVAL` and the text
/// `bitrate error: ... too high`, where older kernels said `EDOM`.
///
/// ```
/// use baresock::netlink::route::CanRefusal;
/// use baresock::netlink::NetlinkError;
/// use baresock::{Errno, Error};
/// let refused = |errno| {
///     Error::Netlink(NetlinkError::Refused { errno, attribute: None, parent: None, message: true })
/// };
/// assert_eq!(CanRefusal::of(&refused(Errno::BUSY), None), Some(CanRefusal::Busy));
/// let text = Some("bitrate error: 33.33% too high");
/// let e = refused(Errno::INVAL);
/// assert_eq!(CanRefusal::of(&e, text), Some(CanRefusal::BitrateUnreachable));
/// assert_eq!(CanRefusal::of(&e, None), Some(CanRefusal::Invalid));
/// ```
///
/// With a handle, the text is the client's:
///
/// ```no_run
/// use baresock::netlink::route::{CanConfig, CanRefusal, Rtnl};
/// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
/// let mut rtnl = Rtnl::new(&mut buf)?;
/// let can0 = rtnl.index_of("can0")?;
/// if let Err(e) = rtnl.set_can(can0, &CanConfig::new().bitrate(3_000_000)) {
///     match CanRefusal::of(&e, rtnl.client().ext_ack_message()) {
///         Some(CanRefusal::BitrateUnreachable) => println!("no such bit rate on this clock"),
///         Some(CanRefusal::Busy) => println!("take can0 down first"),
///         _ => return Err(e),
///     }
/// }
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CanRefusal {
    /// The link is up: timing, control modes and termination change only while it is down;
    /// or a manual restart of a controller that is not bus-off (`EBUSY`).
    Busy,
    /// The controller cannot make the bit rate asked for with its clock and constants
    /// (`EDOM`; from Linux 6.3 `EINVAL` with the text `bitrate error: ... too high`).
    BitrateUnreachable,
    /// Up without a bit timing, a timing or a termination value the controller does not
    /// take, a manual restart while down or with `restart-ms` set (`EINVAL`).
    Invalid,
    /// A control mode the controller does not have, or a link that is no CAN controller
    /// (a `vcan` has no bit timing at all) (`EOPNOTSUPP`).
    Unsupported,
}

impl CanRefusal {
    /// The refusal `e` names, if it is the kernel's refusal of one of these kinds;
    /// `ext_ack` is the kernel's text of the same exchange, if it gave one.
    pub fn of(e: &Error, ext_ack: Option<&str>) -> Option<CanRefusal> {
        let Error::Netlink(NetlinkError::Refused { errno, .. }) = *e else {
            return None;
        };
        let unreachable = |t: &str| t.starts_with("bitrate error") && t.ends_with("too high");
        Some(match errno {
            Errno::BUSY => CanRefusal::Busy,
            Errno::DOM => CanRefusal::BitrateUnreachable,
            Errno::INVAL if ext_ack.is_some_and(unreachable) => CanRefusal::BitrateUnreachable,
            Errno::INVAL => CanRefusal::Invalid,
            Errno::OPNOTSUPP => CanRefusal::Unsupported,
            _ => return None,
        })
    }
}

impl<'b> Rtnl<'b> {
    /// The link `index` as a CAN link (`ip -details link show`): its view borrows the
    /// handle's buffer until the next call. A link that does not exist is `ENODEV`
    /// ([`Error::is_no_such_interface`]).
    ///
    /// ```no_run
    /// use baresock::netlink::route::Rtnl;
    /// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// let can0 = rtnl.can_link(baresock::interface_index("can0")?)?;
    /// println!("{:?} {:?}", can0.state()?, can0.bit_timing()?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn can_link(&mut self, index: u32) -> Result<CanLink<'_>> {
        let m = self.request_with(
            RTM_GETLINK,
            MessageFlags::empty(),
            &ifinfomsg(index, 0, 0),
            |_| {},
        )?;
        CanLink::from_message(m)
    }

    /// Sets the CAN link `index` as `config` says (`ip link set can0 type can ...`). The
    /// kernel's refusals name themselves through [`CanRefusal::of`]: `EBUSY` while up,
    /// `EDOM` (or, from Linux 6.3, `EINVAL` with its text) for a bit rate the controller
    /// cannot make, `EOPNOTSUPP` for a mode it lacks
    /// or a link that is no CAN controller.
    ///
    /// ```no_run
    /// use baresock::netlink::route::{CanConfig, Rtnl};
    /// let mut buf = [0u8; 8192];
    /// let mut rtnl = Rtnl::new(&mut buf)?;
    /// let can0 = baresock::interface_index("can0")?;
    /// rtnl.set_can(can0, &CanConfig::new().bitrate(500_000).restart_ms(100))?;
    /// rtnl.set_up(can0)?;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn set_can(&mut self, index: u32, config: &CanConfig) -> Result<()> {
        let c = *config;
        self.can_data(index, |w| {
            if let Some(t) = c.bit_timing {
                w.put_bytes(IFLA_CAN_BITTIMING, &t.to_bytes());
            }
            if let Some(t) = c.data_bit_timing {
                w.put_bytes(IFLA_CAN_DATA_BITTIMING, &t.to_bytes());
            }
            if !c.ctrl_mask.is_empty() {
                let mut cm = [0u8; 8];
                cm[..4].copy_from_slice(&c.ctrl_mask.bits().to_ne_bytes());
                cm[4..].copy_from_slice(&c.ctrl_flags.bits().to_ne_bytes());
                w.put_bytes(IFLA_CAN_CTRLMODE, &cm);
            }
            if let Some(ms) = c.restart_ms {
                w.put_u32(IFLA_CAN_RESTART_MS, ms);
            }
            if let Some(t) = c.termination {
                w.put_u16(IFLA_CAN_TERMINATION, t);
            }
        })
    }

    /// Restarts the CAN controller `index` now (`ip link set can0 type can restart`): only
    /// a controller that is up, bus-off and has no automatic restart (`restart-ms 0`):
    /// `EBUSY` ([`CanRefusal::Busy`]) for one that is not bus-off, `EINVAL`
    /// ([`CanRefusal::Invalid`]) while down or with `restart-ms` set.
    #[doc(alias = "IFLA_CAN_RESTART")]
    pub fn restart_can(&mut self, index: u32) -> Result<()> {
        self.can_data(index, |w| {
            w.put_u32(IFLA_CAN_RESTART, 1);
        })
    }

    /// One `RTM_NEWLINK` of link `index` whose kind data (`IFLA_LINKINFO` of kind `can`,
    /// its `IFLA_INFO_DATA`) `data` writes, as an ack exchange.
    fn can_data(&mut self, index: u32, data: impl FnOnce(&mut MessageWriter<'_>)) -> Result<()> {
        self.ack_with(
            RTM_NEWLINK,
            MessageFlags::empty(),
            &ifinfomsg(index, 0, 0),
            |w| {
                let info = w.begin_nested(IFLA_LINKINFO);
                w.put_str(IFLA_INFO_KIND, "can");
                let nest = w.begin_nested(IFLA_INFO_DATA);
                data(w);
                w.end_nested(nest);
                w.end_nested(info);
            },
        )
    }
}

#[path = "can_view.rs"]
mod view;
pub use view::CanLink;

#[cfg(test)]
#[path = "can_tests.rs"]
mod tests;
