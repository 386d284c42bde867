//! The CAN broadcast manager's messages: `can::BcmMessage::decode` on arbitrary bytes, and
//! `BcmHead::encode` of what it decoded.
//!
//! Asserts: a decoded message's length is the head plus exactly `nframes` frames of the size
//! its flags say (16, or 72 with `CAN_FD_FRAME`); `len`, `is_empty` and `frames` agree; the
//! opcode is the kernel's number; each frame decodes or is `CanInputError::InvalidLength`; the head and its
//! frames encode again (failing only for an interval past the kernel's 400 days, or a buffer
//! one byte short) to bytes that decode to the same head and frames; errors are
//! `MalformedBcm`.
#![no_main]

use baresock::InputError;
use baresock::can::CanInputError;
use std::time::Duration;

use baresock::can::{
    bcm_head_len, bcm_message_len, BcmFlags, BcmFrames, BcmMessage, BcmOpcode, BCM_HEAD_LEN_MAX,
    BCM_MAX_FRAMES,
};
use baresock::Error;
use baresock::can::{CanAnyFrame, CanFdFrame, CanFrame, CANFD_MTU, CAN_MTU};
use libfuzzer_sys::fuzz_target;

/// `BCM_TIMER_SEC_MAX`: 400 days.
const TIMER_SEC_MAX: u64 = 400 * 24 * 60 * 60;

fuzz_target!(|data: &[u8]| {
    let msg = match BcmMessage::decode(data) {
        Ok(m) => m,
        Err(e) => return assert_eq!(e, Error::Can(CanInputError::MalformedBcm)),
    };
    let head = *msg.head();
    let _ = format!("{msg:?} {head:?}");
    let fd = head.flags.contains(BcmFlags::CAN_FD_FRAME);
    let size = if fd { CANFD_MTU } else { CAN_MTU };
    assert_eq!(data.len(), bcm_head_len() + msg.len() * size);
    assert_eq!(
        bcm_message_len(msg.len(), fd),
        data.len() + BCM_HEAD_LEN_MAX - bcm_head_len()
    );
    #[allow(clippy::len_zero)] // `is_empty` against `len`: the point here
    let empty = msg.len() == 0;
    assert_eq!(msg.is_empty(), empty);
    assert_eq!(BcmOpcode::from_raw(head.opcode.raw()), Some(head.opcode));
    assert!((1..=12).contains(&head.opcode.raw()));
    assert!(head.ival1.subsec_nanos() % 1000 == 0 && head.ival2.subsec_nanos() % 1000 == 0);

    let frames: Vec<_> = msg.frames().collect();
    assert_eq!(frames.len(), msg.len());
    for f in &frames {
        if let Err(e) = f {
            assert!(
                matches!(e, Error::Can(CanInputError::InvalidLength { .. })),
                "{e:?}"
            );
        }
    }

    // Encoded again, it decodes to the same message.
    let (classic, fds): (Vec<CanFrame>, Vec<CanFdFrame>) = {
        let mut classic = Vec::new();
        let mut fds = Vec::new();
        for f in &frames {
            match f {
                Ok(CanAnyFrame::Classic(c)) => classic.push(*c),
                Ok(CanAnyFrame::Fd(d)) => fds.push(*d),
                // Error frames and bad frames cannot be encoded in a message.
                _ => return,
            }
        }
        (classic, fds)
    };
    let body = if fd {
        BcmFrames::Fd(&fds)
    } else {
        BcmFrames::Classic(&classic)
    };
    // The message is this kernel's length; a buffer sized by `bcm_message_len` has room for it.
    let needed = data.len();
    let mut out = vec![0u8; bcm_message_len(msg.len(), fd)];
    let too_long = |d: Duration| d.as_secs() > TIMER_SEC_MAX;
    if msg.len() > BCM_MAX_FRAMES {
        assert_eq!(
            head.encode(body, &mut out),
            Err(Error::Can(CanInputError::TooManyFrames {
                count: msg.len() as u32
            }))
        );
        return;
    }
    if needed > 0 {
        assert_eq!(
            head.encode(body, &mut out[..needed - 1]),
            Err(Error::Input(InputError::BufferTooSmall {
                needed: needed as u32
            }))
        );
    }
    let encoded = match head.encode(body, &mut out) {
        Ok(b) => b,
        Err(e) => {
            assert_eq!(e, Error::Input(InputError::DurationOutOfRange));
            assert!(too_long(head.ival1) || too_long(head.ival2));
            return;
        }
    };
    assert!(!too_long(head.ival1) && !too_long(head.ival2));
    assert_eq!(encoded.len(), needed);
    let again = BcmMessage::decode(encoded).expect("an encoded message decodes");
    assert_eq!(*again.head(), head);
    assert!(again.frames().eq(frames.iter().copied()));
});
