//! CAN (`AF_CAN`; the kernel's Documentation/networking/can.rst): frames, error frames and
//! their codecs (tested on every architecture, big-endian included), and raw CAN sockets.

mod frame;
mod raw;

pub use raw::{CanFilter, CanRecv, CanSocket, CAN_FILTER_MAX};

pub use frame::{
    CanAnyFrame, CanError, CanErrorClass, CanFdFrame, CanFrame, CanId, CanXlFrame, CANFD_LENGTHS,
    CANFD_MTU, CANXL_HEAD, CANXL_MAX_LEN, CANXL_MTU, CAN_MTU,
};
