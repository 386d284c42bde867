//! CAN (`AF_CAN`; the kernel's Documentation/networking/can.rst): frames, error frames and
//! their codecs (tested on every architecture, big-endian included), raw CAN sockets, and the
//! broadcast manager, ISO-TP and J1939 (feature `can`, on by default). The address,
//! [`CanAddr`](crate::CanAddr), is at the crate root and there without the feature too.

mod bcm;
mod frame;
mod isotp;
mod j1939;
mod raw;
mod text;

pub use crate::addr::can::{J1939_NO_ADDR, J1939_NO_NAME, J1939_NO_PGN};
pub use crate::error::{CanInputError, J1939Name, J1939Party};
pub use bcm::{
    bcm_head_len, bcm_message_len, BcmFlags, BcmFrames, BcmHead, BcmMessage, BcmOpcode, BcmSocket,
    BCM_HEAD_LEN_MAX, BCM_MAX_FRAMES,
};
pub use isotp::{FlowControl, IsoTpFlags, IsoTpOptions, IsoTpSocket, LinkLayer};
pub use j1939::{
    J1939Filter, J1939Meta, J1939Socket, J1939_FILTER_MAX, J1939_PGN_ADDRESS_CLAIMED,
    J1939_PGN_MAX, J1939_PGN_REQUEST,
};
pub use raw::{CanFilter, CanRecv, CanSocket, CAN_FILTER_MAX};

pub use frame::{
    CanAnyFrame, CanControllerState, CanError, CanErrorClass, CanFdFrame, CanFrame, CanId,
    CanXlFrame, CANFD_LENGTHS, CANFD_MTU, CANXL_HEAD, CANXL_MAX_LEN, CANXL_MTU, CAN_MTU,
};
