//! Error frames (linux/can/error.h): the decoded frame, its classes and the controller's state.

use core::fmt;

use super::{CAN_MTU, EFF_MASK, ERR_FLAG};

/// An error frame (linux/can/error.h), decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CanError {
    /// The error classes (`CAN_ERR_TX_TIMEOUT` ... `CAN_ERR_CNT`), from `can_id`.
    pub class: CanErrorClass,
    /// The bit where arbitration was lost, if known (`data[0]`).
    pub lost_arbitration_bit: Option<u8>,
    /// The controller's state (`CAN_ERR_CRTL_*`, `data[1]`); empty when unspecified.
    pub controller: CanControllerState,
    /// The protocol violation's type bits (`CAN_ERR_PROT_*`, `data[2]`).
    pub protocol: u8,
    /// Where in the frame the protocol violation was (`CAN_ERR_PROT_LOC_*`, `data[3]`).
    pub protocol_location: u8,
    /// The transceiver's state (`CAN_ERR_TRX_*`, `data[4]`).
    pub transceiver: u8,
    /// The transmit and receive error counters, when `CAN_ERR_CNT` is set (`data[6]`, `data[7]`).
    pub counters: Option<(u8, u8)>,
    /// The eight data bytes as they came, the controller-specific `data[5]` included.
    pub data: [u8; 8],
}

impl CanError {
    /// An error frame of `class` with these data bytes, decoded as a received one would be.
    /// Class bits past the 29-bit identifier are dropped (the kernel's `CAN_ERR_MASK`).
    ///
    /// ```
    /// use baresock::can::{CanControllerState, CanError, CanErrorClass};
    /// let e = CanError::new(CanErrorClass::CONTROLLER, [0, 0x04, 0, 0, 0, 0, 0, 0]);
    /// assert!(e.controller.contains(CanControllerState::RX_WARNING));
    /// ```
    pub fn new(class: CanErrorClass, data: [u8; 8]) -> CanError {
        let class = CanErrorClass::from_bits_retain(class.bits() & EFF_MASK);
        CanError {
            class,
            lost_arbitration_bit: class
                .contains(CanErrorClass::LOST_ARBITRATION)
                .then_some(data[0]),
            controller: CanControllerState::from_bits_retain(data[1]),
            protocol: data[2],
            protocol_location: data[3],
            transceiver: data[4],
            counters: class
                .contains(CanErrorClass::COUNTERS)
                .then_some((data[6], data[7])),
            data,
        }
    }

    /// The kernel's bytes (`struct can_frame` with `CAN_ERR_FLAG`, length 8): to inject an
    /// error frame, as `cansend` can, for tests of error handling.
    #[doc(alias = "to_bytes")]
    pub fn encode(&self) -> [u8; CAN_MTU] {
        let mut b = [0u8; CAN_MTU];
        b[0..4].copy_from_slice(&(ERR_FLAG | self.class.bits()).to_ne_bytes());
        b[4] = 8;
        b[8..16].copy_from_slice(&self.data);
        b
    }
}

impl fmt::Display for CanError {
    /// As candump writes an error frame: `20000204#0010000000006082`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08X}#", ERR_FLAG | self.class.bits())?;
        for b in self.data {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}
bitflags::bitflags! {
    /// Error classes of an error frame (`CAN_ERR_*` in `can_id`); the same bits make a raw
    /// socket's error mask (`CAN_RAW_ERR_FILTER`).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct CanErrorClass: u32 {
        /// Transmission timed out.
        const TX_TIMEOUT = 0x001;
        /// Arbitration lost.
        const LOST_ARBITRATION = 0x002;
        /// Controller problems.
        const CONTROLLER = 0x004;
        /// Protocol violations.
        const PROTOCOL = 0x008;
        /// Transceiver status.
        const TRANSCEIVER = 0x010;
        /// No ACK on transmission.
        const NO_ACK = 0x020;
        /// Bus off.
        const BUS_OFF = 0x040;
        /// Bus error.
        const BUS_ERROR = 0x080;
        /// The controller restarted.
        const RESTARTED = 0x100;
        /// Error counters are included.
        const COUNTERS = 0x200;
    }
}

bitflags::bitflags! {
    /// The controller's state in an error frame of class
    /// [`CONTROLLER`](CanErrorClass::CONTROLLER) (`CAN_ERR_CRTL_*`, `data[1]`; none set is
    /// `CAN_ERR_CRTL_UNSPEC`). Bits the header does not name are kept.
    ///
    /// Its `Display` is can-utils' (`candump -e`): the names, comma-separated, lowest bit
    /// first.
    ///
    /// ```
    /// use baresock::can::CanControllerState;
    /// let s = CanControllerState::TX_WARNING | CanControllerState::RX_PASSIVE;
    /// assert_eq!(s.to_string(), "tx-error-warning,rx-error-passive");
    /// ```
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
    pub struct CanControllerState: u8 {
        /// The receive buffer overflowed (`CAN_ERR_CRTL_RX_OVERFLOW`).
        const RX_OVERFLOW = 0x01;
        /// The transmit buffer overflowed (`CAN_ERR_CRTL_TX_OVERFLOW`).
        const TX_OVERFLOW = 0x02;
        /// The receive error counter reached the warning level (`CAN_ERR_CRTL_RX_WARNING`).
        const RX_WARNING = 0x04;
        /// The transmit error counter reached the warning level (`CAN_ERR_CRTL_TX_WARNING`).
        const TX_WARNING = 0x08;
        /// Error passive on receive: the counter passed 127 (`CAN_ERR_CRTL_RX_PASSIVE`).
        const RX_PASSIVE = 0x10;
        /// Error passive on transmit: the counter passed 127 (`CAN_ERR_CRTL_TX_PASSIVE`).
        const TX_PASSIVE = 0x20;
        /// Back to error active (`CAN_ERR_CRTL_ACTIVE`).
        const ACTIVE = 0x40;
    }
}

/// can-utils' names for the controller state bits, lowest first (lib.c).
const CONTROLLER_NAMES: [&str; 7] = [
    "rx-overflow",
    "tx-overflow",
    "rx-error-warning",
    "tx-error-warning",
    "rx-error-passive",
    "tx-error-passive",
    "back-to-error-active",
];

impl fmt::Display for CanControllerState {
    /// can-utils' names, comma-separated (`rx-error-passive,tx-error-passive`); a bit without
    /// a name as its hex value (`0x80`); nothing when no bit is set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for bit in 0..8 {
            let mask = 1u8 << bit;
            if self.bits() & mask == 0 {
                continue;
            }
            if !first {
                f.write_str(",")?;
            }
            first = false;
            match CONTROLLER_NAMES.get(bit) {
                Some(name) => f.write_str(name)?,
                None => write!(f, "{mask:#04x}")?,
            }
        }
        Ok(())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for CanControllerState {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "CanControllerState({=u8:#x})", self.bits())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for CanErrorClass {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "CanErrorClass({=u32:#x})", self.bits())
    }
}
