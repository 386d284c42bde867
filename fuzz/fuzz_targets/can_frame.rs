//! CAN frames from the kernel's bytes (`CanAnyFrame::decode`, `CanXlFrame::decode`
//! and `decode_in_place`) and from can-utils' text (`CanAnyFrame`'s `FromStr`).
//!
//! Asserts: every decoded frame keeps the limits of its kind (ids within 11 or 29 bits,
//! classic lengths ≤ 8 and `len8_dlc` 9 to 15 with 8 bytes only, FD lengths from
//! `CANFD_LENGTHS`, XL data of 1 to 2048 bytes and an 11-bit priority) and the bytes it came
//! from; error frames decode their classes as documented; `encode` → `decode` gives the
//! frame back; `Display` → `FromStr` gives the frame back; an XL frame's head and data are
//! its bytes, and a failed `decode_in_place` leaves the frame as it was; bad input is a named error.
#![no_main]

use baresock::can::CanInputError;
use std::hash::{DefaultHasher, Hash, Hasher};

use baresock::Error;
use baresock::can::{CanAnyFrame, CanErrorClass, CanId, CanXlFrame, CANFD_LENGTHS, CANFD_MTU, CANXL_HEAD, CANXL_MAX_LEN, CAN_MTU};
use libfuzzer_sys::fuzz_target;

const EFF_FLAG: u32 = 0x8000_0000;
const RTR_FLAG: u32 = 0x4000_0000;
const ERR_FLAG: u32 = 0x2000_0000;

fuzz_target!(|data: &[u8]| {
    // The kernel's bytes: classic, FD or error frames.
    match CanAnyFrame::decode(data) {
        Ok(f) => {
            assert!(data.len() == CAN_MTU || data.len() == CANFD_MTU);
            check_against_bytes(&f, data);
            check(&f);
        }
        Err(e) => assert!(
            matches!(e, Error::Can(CanInputError::InvalidLength { .. })),
            "{e:?}"
        ),
    }

    // The kernel's bytes of an XL frame.
    match CanXlFrame::decode(data) {
        Ok(x) => {
            assert!(CanXlFrame::is_xl(data));
            let mut bytes = x.head().to_vec();
            bytes.extend_from_slice(x.data());
            assert_eq!(bytes, data, "head and data are the bytes");
            assert!(x.priority() <= 0x7ff);
            assert!((1..=CANXL_MAX_LEN).contains(&x.data().len()));
            assert_eq!(x.sec(), x.flags() & 1 != 0);
            let _ = format!("{x} {x:?}");
        }
        Err(e) => assert!(
            matches!(e, Error::Can(CanInputError::InvalidLength { .. })),
            "{e:?}"
        ),
    }
    if let Some((head, rest)) = data.split_first_chunk::<CANXL_HEAD>() {
        let before = CanXlFrame::new(0x123, 1, 2, &[7; 3]).unwrap().with_vcid(5);
        let mut x = before.clone();
        // Decoded into a used frame (its buffer holding stale bytes past the new `len`), it is
        // `==` to the same frame decoded fresh, and hashes the same.
        match x.decode_in_place(head, rest) {
            Ok(()) => {
                let fresh = CanXlFrame::decode(data).unwrap();
                assert_eq!(x, fresh);
                assert_eq!(hash(&x), hash(&fresh));
            }
            Err(_) => {
                assert_eq!(x, before, "a failed decode leaves the frame as it was");
                assert_eq!((x.head(), x.data()), (before.head(), before.data()));
            }
        }
    }

    // can-utils' text.
    if let Ok(text) = std::str::from_utf8(data) {
        match text.parse::<CanAnyFrame>() {
            Ok(f) => check(&f),
            Err(Error::Can(CanInputError::InvalidSyntax { at })) => {
                assert!(at as usize <= text.len())
            }
            Err(e) => panic!("{text:?}: {e:?}"),
        }
    }
});

/// What any frame must satisfy, however it was made.
fn check(f: &CanAnyFrame) {
    let _ = format!("{f:?}");
    match f {
        CanAnyFrame::Classic(c) => {
            check_id(c.id());
            assert!(c.len() <= 8);
            #[allow(clippy::len_zero)] // `is_empty` against `len`: the point here
            let empty = c.len() == 0;
            assert_eq!(c.is_empty(), empty);
            assert_eq!(c.data().len(), if c.is_remote() { 0 } else { c.len() });
            if let Some(dlc) = c.len8_dlc() {
                assert!((9..=15).contains(&dlc) && c.len() == 8);
            }
        }
        CanAnyFrame::Fd(d) => {
            check_id(d.id());
            assert!(CANFD_LENGTHS.contains(&d.data().len()));
        }
        CanAnyFrame::Error(e) => {
            assert_eq!(e.class.bits() & !0x1fff_ffff, 0);
            assert_eq!(
                e.lost_arbitration_bit,
                e.class
                    .contains(CanErrorClass::LOST_ARBITRATION)
                    .then_some(e.data[0])
            );
            assert_eq!(
                e.counters,
                e.class
                    .contains(CanErrorClass::COUNTERS)
                    .then_some((e.data[6], e.data[7]))
            );
            assert_eq!(
                [
                    e.controller.bits(),
                    e.protocol,
                    e.protocol_location,
                    e.transceiver
                ],
                [e.data[1], e.data[2], e.data[3], e.data[4]]
            );
        }
    }
    // To the kernel's bytes and back.
    let bytes = match f {
        CanAnyFrame::Classic(c) => c.encode().to_vec(),
        CanAnyFrame::Fd(d) => d.encode().to_vec(),
        CanAnyFrame::Error(e) => e.encode().to_vec(),
    };
    assert_eq!(CanAnyFrame::decode(&bytes), Ok(*f), "{bytes:02x?}");
    // To can-utils' text and back.
    let text = f.to_string();
    let back = match text.parse::<CanAnyFrame>() {
        Ok(back) => back,
        Err(e) => panic!("{f:?} prints as {text:?}, which does not parse: {e:?}"),
    };
    assert_eq!(back, *f, "{text}");
}

fn hash(v: &impl Hash) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

fn check_id(id: CanId) {
    match id {
        CanId::Standard(s) => assert!(s <= 0x7ff),
        CanId::Extended(e) => assert!(e <= 0x1fff_ffff),
    }
}

/// A frame decoded from the kernel's bytes holds what they say.
fn check_against_bytes(f: &CanAnyFrame, b: &[u8]) {
    let word = u32::from_ne_bytes(b[..4].try_into().unwrap());
    let id = |id: CanId| {
        if word & EFF_FLAG != 0 {
            assert_eq!(id, CanId::Extended(word & 0x1fff_ffff));
        } else {
            assert_eq!(id, CanId::Standard((word & 0x7ff) as u16));
        }
    };
    match f {
        CanAnyFrame::Classic(c) => {
            assert_eq!(b.len(), CAN_MTU);
            assert_eq!(word & ERR_FLAG, 0);
            id(c.id());
            assert_eq!(c.is_remote(), word & RTR_FLAG != 0);
            assert_eq!(c.len(), usize::from(b[4]));
            let len8 = (b[4] == 8 && (9..=15).contains(&b[7])).then_some(b[7]);
            assert_eq!(c.len8_dlc(), len8, "remote requests included");
            if !c.is_remote() {
                assert_eq!(c.data(), &b[8..8 + c.len()]);
            }
        }
        CanAnyFrame::Fd(d) => {
            assert_eq!(b.len(), CANFD_MTU);
            id(d.id());
            assert_eq!(d.data(), &b[8..8 + usize::from(b[4])]);
            assert_eq!(d.bit_rate_switch(), b[5] & 1 != 0);
            assert_eq!(d.error_state_indicator(), b[5] & 2 != 0);
            // BRS and ESI kept, FDF set, the reserved bits dropped (documented).
            assert_eq!(d.encode()[5], b[5] & 0x03 | 0x04);
        }
        CanAnyFrame::Error(e) => {
            assert_eq!(b.len(), CAN_MTU);
            assert_ne!(word & ERR_FLAG, 0);
            assert_eq!(e.class.bits(), word & 0x1fff_ffff);
            assert_eq!(e.data, b[8..16]);
        }
    }
}
