//! [`CanLink`]: the view of a CAN link read back (`ip -details link show can0`).

use super::*;

/// A CAN link as the kernel reports it (`RTM_NEWLINK`, its `IFLA_LINKINFO`): the CAN side
/// of a [`Link`] view over the reply in the handle's buffer, each attribute checked when
/// read. The link's own fields (index, name, flags, kind, statistics) are the [`Link`]'s:
/// [`link`](CanLink::link). What the link does not report is `None` (a `vcan` reports no CAN
/// data at all: [`is_can`](CanLink::is_can) is false); an attribute of the wrong size is
/// [`NetlinkError::AttributeSize`].
///
/// ```no_run
/// use baresock::netlink::route::{LinkFlags, Rtnl};
/// let mut buf = [0u8; baresock::netlink::RECOMMENDED_BUFFER];
/// let mut rtnl = Rtnl::new(&mut buf)?;
/// let can0 = rtnl.index_of("can0")?;
/// let can = rtnl.can_link(can0)?;
/// let up = can.link().flags().contains(LinkFlags::UP);
/// println!("{} up {up}: {:?} {:?}", can.link().name()?, can.state()?, can.bit_timing()?);
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CanLink<'a> {
    link: Link<'a>,
    info: Option<Attrs<'a>>,
    data: Option<Attrs<'a>>,
}

impl<'a> CanLink<'a> {
    /// Reads `msg`, an `RTM_NEWLINK` message.
    pub fn from_message(msg: Message<'a>) -> Result<CanLink<'a>> {
        CanLink::from_link(Link::from_message(msg)?)
    }

    /// The CAN side of `link` (from [`Rtnl::links`], say). A malformed `IFLA_LINKINFO` or
    /// `IFLA_INFO_DATA` nest is a [`NetlinkError`].
    pub fn from_link(link: Link<'a>) -> Result<CanLink<'a>> {
        let info = link.link_info()?;
        let data = info
            .and_then(|i| i.find(IFLA_INFO_DATA))
            .map(|a| a.nested())
            .transpose()?;
        Ok(CanLink { link, info, data })
    }

    /// The link itself: index, name, flags, kind, statistics.
    pub fn link(&self) -> Link<'a> {
        self.link
    }

    /// Whether the link is a CAN controller (kind `can`): only those have bit timings.
    pub fn is_can(&self) -> bool {
        matches!(self.link.kind(), Ok(Some("can")))
    }

    fn get(&self, kind: u16) -> Option<Attr<'a>> {
        self.data.and_then(|d| d.find(kind))
    }

    fn read<T>(&self, kind: u16, f: impl FnOnce(Attr<'a>) -> Result<T>) -> Result<Option<T>> {
        self.get(kind).map(f).transpose()
    }

    /// The controller's state.
    #[doc(alias = "IFLA_CAN_STATE")]
    pub fn state(&self) -> Result<Option<CanState>> {
        self.read(IFLA_CAN_STATE, |a| a.u32().map(CanState::from_raw))
    }

    /// The (nominal) bit timing; absent until one was set.
    #[doc(alias = "IFLA_CAN_BITTIMING")]
    pub fn bit_timing(&self) -> Result<Option<CanBitTiming>> {
        self.read(IFLA_CAN_BITTIMING, CanBitTiming::read)
    }

    /// The controller's bit-timing constants (absent for controllers with fixed bit
    /// rates: [`bitrate_const`](CanLink::bitrate_const)).
    #[doc(alias = "IFLA_CAN_BITTIMING_CONST")]
    pub fn bit_timing_const(&self) -> Result<Option<CanBitTimingConst>> {
        self.read(IFLA_CAN_BITTIMING_CONST, CanBitTimingConst::read)
    }

    /// CAN FD's data bit timing.
    #[doc(alias = "IFLA_CAN_DATA_BITTIMING")]
    pub fn data_bit_timing(&self) -> Result<Option<CanBitTiming>> {
        self.read(IFLA_CAN_DATA_BITTIMING, CanBitTiming::read)
    }

    /// CAN FD's data bit-timing constants.
    #[doc(alias = "IFLA_CAN_DATA_BITTIMING_CONST")]
    pub fn data_bit_timing_const(&self) -> Result<Option<CanBitTimingConst>> {
        self.read(IFLA_CAN_DATA_BITTIMING_CONST, CanBitTimingConst::read)
    }

    /// The controller's clock, in Hz (`struct can_clock`).
    #[doc(alias = "IFLA_CAN_CLOCK")]
    pub fn clock(&self) -> Result<Option<u32>> {
        self.read(IFLA_CAN_CLOCK, |a| a.u32())
    }

    /// The control modes that are on (`struct can_ctrlmode`'s flags).
    #[doc(alias = "IFLA_CAN_CTRLMODE")]
    pub fn ctrl_mode(&self) -> Result<Option<CanCtrlMode>> {
        self.read(IFLA_CAN_CTRLMODE, |a| {
            let [_mask, flags] = words::<2, 8>(a)?;
            Ok(CanCtrlMode::from_bits_retain(flags))
        })
    }

    /// The control modes the controller supports (`IFLA_CAN_CTRLMODE_EXT`, Linux 5.17;
    /// `None` from older kernels).
    #[doc(alias = "IFLA_CAN_CTRLMODE_SUPPORTED")]
    pub fn ctrl_mode_supported(&self) -> Result<Option<CanCtrlMode>> {
        let Some(ext) = self.get(IFLA_CAN_CTRLMODE_EXT) else {
            return Ok(None);
        };
        match ext.nested()?.find(IFLA_CAN_CTRLMODE_SUPPORTED) {
            Some(a) => Ok(Some(CanCtrlMode::from_bits_retain(a.u32()?))),
            None => Ok(None),
        }
    }

    /// The automatic restart's delay after bus-off, in milliseconds (0: none).
    #[doc(alias = "IFLA_CAN_RESTART_MS")]
    pub fn restart_ms(&self) -> Result<Option<u32>> {
        self.read(IFLA_CAN_RESTART_MS, |a| a.u32())
    }

    /// The bus-error counters (for drivers that read them).
    #[doc(alias = "IFLA_CAN_BERR_COUNTER")]
    pub fn berr_counter(&self) -> Result<Option<CanBerrCounter>> {
        self.read(IFLA_CAN_BERR_COUNTER, |a| {
            let b = a.array::<4>()?;
            Ok(CanBerrCounter {
                txerr: u16::from_ne_bytes([b[0], b[1]]),
                rxerr: u16::from_ne_bytes([b[2], b[3]]),
            })
        })
    }

    /// The device's error statistics (`IFLA_INFO_XSTATS`).
    #[doc(alias = "IFLA_INFO_XSTATS")]
    pub fn device_stats(&self) -> Result<Option<CanDeviceStats>> {
        let Some(a) = self.info.and_then(|i| i.find(IFLA_INFO_XSTATS)) else {
            return Ok(None);
        };
        let [bus_error, error_warning, error_passive, bus_off, arbitration_lost, restarts] =
            words::<6, 24>(a)?;
        Ok(Some(CanDeviceStats {
            bus_error,
            error_warning,
            error_passive,
            bus_off,
            arbitration_lost,
            restarts,
        }))
    }

    /// The termination, in ohms (0: off), for devices that have one.
    #[doc(alias = "IFLA_CAN_TERMINATION")]
    pub fn termination(&self) -> Result<Option<u16>> {
        self.read(IFLA_CAN_TERMINATION, |a| a.u16())
    }

    /// The terminations the device can switch to, in ohms.
    #[doc(alias = "IFLA_CAN_TERMINATION_CONST")]
    pub fn termination_const(&self) -> Result<Option<CanValues<'a, 2>>> {
        self.read(IFLA_CAN_TERMINATION_CONST, values::<2>)
    }

    /// The bit rates a controller with fixed rates supports.
    #[doc(alias = "IFLA_CAN_BITRATE_CONST")]
    pub fn bitrate_const(&self) -> Result<Option<CanValues<'a, 4>>> {
        self.read(IFLA_CAN_BITRATE_CONST, values::<4>)
    }

    /// The data bit rates a CAN FD controller with fixed rates supports.
    #[doc(alias = "IFLA_CAN_DATA_BITRATE_CONST")]
    pub fn data_bitrate_const(&self) -> Result<Option<CanValues<'a, 4>>> {
        self.read(IFLA_CAN_DATA_BITRATE_CONST, values::<4>)
    }

    /// The highest bit rate the transceiver takes (0 or `None`: no limit known).
    #[doc(alias = "IFLA_CAN_BITRATE_MAX")]
    pub fn bitrate_max(&self) -> Result<Option<u32>> {
        self.read(IFLA_CAN_BITRATE_MAX, |a| a.u32())
    }
}
