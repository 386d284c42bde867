//! CAN (`AF_CAN`; the kernel's Documentation/networking/can.rst): frames, error frames and
//! their codecs. Sockets come with the CAN socket work; the codecs stand alone and are tested
//! on every architecture, big-endian included.

mod frame;

pub use frame::{
    CanAnyFrame, CanError, CanErrorClass, CanFdFrame, CanFrame, CanId, CANFD_LENGTHS, CANFD_MTU,
    CAN_MTU,
};
