//! CAN (`AF_CAN`; the kernel's Documentation/networking/can.rst): frames, error frames and
//! their codecs (tested on every architecture, big-endian included), and raw CAN sockets.

mod frame;
mod raw;

pub use raw::{CanFilter, CanSocket, CAN_FILTER_MAX};

pub use frame::{
    CanAnyFrame, CanError, CanErrorClass, CanFdFrame, CanFrame, CanId, CANFD_LENGTHS, CANFD_MTU,
    CAN_MTU,
};
