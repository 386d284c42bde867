use super::*;
use crate::CanInputError;

#[test]
fn ids_are_checked() {
    assert_eq!(CanId::standard(0x7ff), Ok(CanId::Standard(0x7ff)));
    assert_eq!(
        CanId::standard(0x800),
        Err(Error::Can(CanInputError::InvalidId { id: 0x800 }))
    );
    assert_eq!(
        CanId::extended(0x2000_0000),
        Err(Error::Can(CanInputError::InvalidId { id: 0x2000_0000 }))
    );
}

#[test]
fn classic_golden_bytes_in_host_order() {
    let f = CanFrame::new(CanId::standard(0x123).unwrap(), &[0xde, 0xad, 0xbe, 0xef]).unwrap();
    let b = f.encode();
    // can_id is host byte order: on big-endian targets the bytes come out reversed.
    assert_eq!(&b[0..4], &0x123u32.to_ne_bytes());
    assert_eq!((b[4], &b[8..12]), (4, &[0xde, 0xad, 0xbe, 0xef][..]));
    assert_eq!(CanAnyFrame::decode(&b), Ok(CanAnyFrame::Classic(f)));
    let e = CanFrame::new(CanId::extended(0x1abc_def0).unwrap(), &[])
        .unwrap()
        .encode();
    assert_eq!(
        u32::from_ne_bytes([e[0], e[1], e[2], e[3]]),
        0x9abc_def0,
        "EFF flag set"
    );
    let r = CanFrame::remote(CanId::standard(1).unwrap(), 3).unwrap();
    assert_eq!(
        CanAnyFrame::decode(&r.encode()),
        Ok(CanAnyFrame::Classic(r))
    );
}

#[test]
fn fd_lengths_and_flags() {
    assert!(CanFdFrame::new(CanId::Standard(1), &[0; 12]).is_ok());
    assert_eq!(
        CanFdFrame::new(CanId::Standard(1), &[0; 9]),
        Err(Error::Can(CanInputError::InvalidLength { len: 9 }))
    );
    assert_eq!(
        CanFdFrame::new(CanId::Standard(1), &[0; 65]),
        Err(Error::Can(CanInputError::InvalidLength { len: 65 }))
    );
    let f = CanFdFrame::new(CanId::Standard(0x42), &[7; 64])
        .unwrap()
        .with_bit_rate_switch(true);
    let b = f.encode();
    assert_eq!((b[4], b[5]), (64, FDF | BRS));
    assert_eq!(CanAnyFrame::decode(&b), Ok(CanAnyFrame::Fd(f)));
}

#[test]
fn bad_bytes_are_named_errors() {
    assert_eq!(
        CanAnyFrame::decode(&[0; 10]),
        Err(Error::Can(CanInputError::InvalidLength { len: 10 }))
    );
    let mut b = CanFrame::new(CanId::Standard(1), &[]).unwrap().encode();
    b[4] = 9;
    assert_eq!(
        CanAnyFrame::decode(&b),
        Err(Error::Can(CanInputError::InvalidLength { len: 9 }))
    );
    let mut fd = CanFdFrame::new(CanId::Standard(1), &[]).unwrap().encode();
    fd[4] = 65;
    assert_eq!(
        CanAnyFrame::decode(&fd),
        Err(Error::Can(CanInputError::InvalidLength { len: 65 }))
    );
    fd[4] = 9;
    assert_eq!(
        CanAnyFrame::decode(&fd),
        Err(Error::Can(CanInputError::InvalidLength { len: 9 }))
    );
    assert_eq!(
        CanFrame::new(CanId::Standard(1), &[0; 9]),
        Err(Error::Can(CanInputError::InvalidLength { len: 9 }))
    );
    assert_eq!(
        CanFrame::remote(CanId::Standard(1), 9),
        Err(Error::Can(CanInputError::InvalidLength { len: 9 }))
    );
}

#[test]
fn error_frames_decode() {
    let mut b = [0u8; CAN_MTU];
    b[0..4].copy_from_slice(&(ERR_FLAG | 0x004 | 0x200).to_ne_bytes());
    b[8 + 1] = 0x10; // RX passive
    b[8 + 6] = 96;
    b[8 + 7] = 130;
    match CanAnyFrame::decode(&b).unwrap() {
        CanAnyFrame::Error(e) => {
            assert_eq!(e.class, CanErrorClass::CONTROLLER | CanErrorClass::COUNTERS);
            assert_eq!(
                (e.controller, e.counters, e.lost_arbitration_bit),
                (CanControllerState::RX_PASSIVE, Some((96, 130)), None)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn controller_states_are_typed() {
    // Each CAN_ERR_CRTL_* value of linux/can/error.h.
    for (bits, state) in [
        (0x00, CanControllerState::empty()),
        (0x01, CanControllerState::RX_OVERFLOW),
        (0x02, CanControllerState::TX_OVERFLOW),
        (0x04, CanControllerState::RX_WARNING),
        (0x08, CanControllerState::TX_WARNING),
        (0x10, CanControllerState::RX_PASSIVE),
        (0x20, CanControllerState::TX_PASSIVE),
        (0x40, CanControllerState::ACTIVE),
    ] {
        let e = CanError::new(CanErrorClass::CONTROLLER, [0, bits, 0, 0, 0, 0, 0, 0]);
        assert_eq!(e.controller, state);
        assert_eq!(e.controller.bits(), bits);
        assert_eq!(e.encode()[9], bits, "written back as it came");
    }
    // Several at once, and a bit the header does not name, kept.
    let e = CanError::new(CanErrorClass::CONTROLLER, [0, 0xb8, 0, 0, 0, 0, 0, 0]);
    assert!(e.controller.contains(
        CanControllerState::TX_WARNING
            | CanControllerState::RX_PASSIVE
            | CanControllerState::TX_PASSIVE
    ));
    assert_eq!(e.controller.bits(), 0xb8);
    assert_eq!(
        Text::of(&e.controller).as_str(),
        "tx-error-warning,rx-error-passive,tx-error-passive,0x80"
    );
    assert_eq!(Text::of(&CanControllerState::empty()).as_str(), "");
}

/// Text formatted into a fixed buffer (no allocator in these tests).
struct Text {
    buf: [u8; 128],
    len: usize,
}

impl Text {
    fn of(v: &dyn fmt::Display) -> Text {
        let mut t = Text {
            buf: [0; 128],
            len: 0,
        };
        fmt::write(&mut t, format_args!("{v}")).unwrap();
        t
    }

    fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap()
    }
}

impl fmt::Write for Text {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        self.buf[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[test]
fn len8_dlc() {
    let f = CanFrame::new(CanId::Standard(1), &[0; 8])
        .unwrap()
        .with_len8_dlc(15)
        .unwrap();
    assert_eq!(f.encode()[7], 15);
    assert_eq!(
        CanAnyFrame::decode(&f.encode()),
        Ok(CanAnyFrame::Classic(f))
    );
    assert!(CanFrame::new(CanId::Standard(1), &[0; 7])
        .unwrap()
        .with_len8_dlc(9)
        .is_err());
}

#[test]
fn xl_frames() {
    let f = CanXlFrame::new(0x242, 3, 0x1234_5678, &[0xaa; 100])
        .unwrap()
        .with_sec(true)
        .with_vcid(7);
    let h = f.head();
    assert_eq!(&h[0..4], &(0x242u32 | 7 << 16).to_ne_bytes(), "host order");
    assert_eq!((h[4], h[5]), (0x81, 3));
    assert_eq!(&h[6..8], &100u16.to_ne_bytes());
    assert_eq!(&h[8..12], &0x1234_5678u32.to_ne_bytes());
    let mut bytes = h.to_vec();
    bytes.extend_from_slice(f.data());
    assert!(CanXlFrame::is_xl(&bytes));
    let back = CanXlFrame::decode(&bytes).unwrap();
    assert_eq!(back, f);
    assert_eq!((back.priority(), back.vcid(), back.sec()), (0x242, 7, true));
    // Classic and FD frames are not XL frames.
    let c = CanFrame::new(CanId::Standard(1), &[0; 8]).unwrap().encode();
    assert!(!CanXlFrame::is_xl(&c));
    let d = CanFdFrame::new(CanId::Standard(1), &[0; 64])
        .unwrap()
        .encode();
    assert!(!CanXlFrame::is_xl(&d));
}

#[test]
fn bad_xl_frames_are_named_errors() {
    assert_eq!(
        CanXlFrame::new(0x800, 0, 0, &[1]),
        Err(Error::Can(CanInputError::InvalidId { id: 0x800 }))
    );
    assert_eq!(
        CanXlFrame::new(1, 0, 0, &[]),
        Err(Error::Can(CanInputError::InvalidLength { len: 0 }))
    );
    assert_eq!(
        CanXlFrame::new(1, 0, 0, &[0; 2049]),
        Err(Error::Can(CanInputError::InvalidLength { len: 2049 }))
    );
    let f = CanXlFrame::new(1, 0, 0, &[1, 2, 3]).unwrap();
    let mut b = f.head().to_vec();
    b.extend_from_slice(&[1, 2]);
    assert_eq!(
        CanXlFrame::decode(&b),
        Err(Error::Can(CanInputError::InvalidLength { len: 2 })),
        "len says 3, 2 arrived"
    );
    assert_eq!(
        CanXlFrame::decode(&b[..5]),
        Err(Error::Can(CanInputError::InvalidLength { len: 5 }))
    );
    let mut h = f.head();
    h[4] = 0;
    let mut g = f.clone();
    assert_eq!(
        g.decode_in_place(&h, &[1, 2, 3]),
        Err(Error::Can(CanInputError::InvalidLength { len: 3 })),
        "no XLF"
    );
    assert_eq!(g, f, "left as it was");
}

fn hash_of(v: &impl core::hash::Hash) -> u64 {
    use core::hash::{BuildHasher, BuildHasherDefault, Hasher};
    /// FNV-1a: a hasher without `std`.
    #[derive(Default)]
    struct Fnv(u64);
    impl Hasher for Fnv {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            }
        }
    }
    BuildHasherDefault::<Fnv>::default().hash_one(v)
}

/// Found by the `can_frame` fuzz target (fuzz/findings/can_frame-xl-decode-into-used-frame):
/// `==` (and `Hash`) also compared the data buffer past `len`, so a frame decoded into a
/// used one (as `recv_xl_frame` does) was not equal to the same frame decoded fresh.
#[test]
fn xl_equality_ignores_bytes_past_len() {
    let fresh = CanXlFrame::new(1, 0, 0, &[9]).unwrap();
    let mut reused = CanXlFrame::new(1, 0, 0, &[7, 7, 7]).unwrap();
    reused.decode_in_place(&fresh.head(), fresh.data()).unwrap();
    assert_eq!((reused.head(), reused.data()), (fresh.head(), fresh.data()));
    assert_eq!(reused, fresh);
    assert_eq!(hash_of(&reused), hash_of(&fresh));
    // The finding's input: its head and data, decoded into a used frame.
    let input = [1, 0, 0, 0, 0x80, 0, 1, 0, 0, 0, 0, 0, 9];
    let (head, data) = input.split_first_chunk::<CANXL_HEAD>().unwrap();
    let mut used = CanXlFrame::new(0x123, 1, 2, &[7; 3]).unwrap().with_vcid(5);
    if cfg!(target_endian = "little") {
        used.decode_in_place(head, data).unwrap();
        assert_eq!(used, CanXlFrame::decode(&input).unwrap());
    }
    // What does differ still counts: the head, and the data within `len`.
    assert_ne!(fresh, CanXlFrame::new(1, 0, 0, &[8]).unwrap());
    assert_ne!(fresh, CanXlFrame::new(1, 0, 0, &[9, 0]).unwrap());
    assert_ne!(fresh, CanXlFrame::new(2, 0, 0, &[9]).unwrap());
    assert_ne!(fresh, fresh.clone().with_sec(true));
}

/// Found by the `can_frame` fuzz target (fuzz/findings/can_frame-fd-reserved-flag): an FD
/// frame decoded with a reserved flag bit (0x08) kept it, which neither its accessors nor
/// its text (`123##0`) showed, so parsing its text was another frame. The
/// reserved bits are dropped on decode now.
#[test]
fn fd_reserved_flags_are_dropped_on_decode() {
    let mut input = [0u8; CANFD_MTU];
    input[0..4].copy_from_slice(&0x123u32.to_ne_bytes());
    input[5] = 0x08;
    let plain = CanFdFrame::new(CanId::Standard(0x123), &[]).unwrap();
    assert_eq!(CanAnyFrame::decode(&input), Ok(CanAnyFrame::Fd(plain)));
    assert_eq!(plain.encode()[5], FDF);
    assert_eq!(Text::of(&plain).as_str(), "123##0");
    assert_eq!("123##0".parse::<CanAnyFrame>(), Ok(CanAnyFrame::Fd(plain)));
    // Every reserved bit, with and without BRS, ESI and FDF: those three are kept.
    for flags in 0..=0xffu8 {
        input[5] = flags;
        let Ok(CanAnyFrame::Fd(f)) = CanAnyFrame::decode(&input) else {
            panic!("{flags:#x}");
        };
        assert_eq!(f.encode()[5], flags & (BRS | ESI) | FDF);
        assert_eq!(f.bit_rate_switch(), flags & BRS != 0);
        assert_eq!(f.error_state_indicator(), flags & ESI != 0);
    }
}

/// Found by the `can_frame` fuzz target (fuzz/findings/can_frame-remote-len8-dlc): a
/// remote request for 8 bytes with a `len8_dlc` printed as `123#R8`, without it; it
/// prints as can-utils does now, `123#R8_9`, and parses back.
#[test]
fn remote_len8_dlc_prints_and_parses() {
    let mut input = [0u8; CAN_MTU];
    input[0..4].copy_from_slice(&(0x123 | RTR_FLAG).to_ne_bytes());
    input[4] = 8;
    input[7] = 9;
    let r = CanFrame::remote(CanId::Standard(0x123), 8)
        .unwrap()
        .with_len8_dlc(9)
        .unwrap();
    assert_eq!(CanAnyFrame::decode(&input), Ok(CanAnyFrame::Classic(r)));
    assert_eq!((r.is_remote(), r.len(), r.len8_dlc()), (true, 8, Some(9)));
    assert_eq!(r.encode(), input);
    assert_eq!(Text::of(&r).as_str(), "123#R8_9");
    assert_eq!(
        "123#R8_9".parse::<CanAnyFrame>(),
        Ok(CanAnyFrame::Classic(r))
    );
    for dlc in 9..=15 {
        let r = r.with_len8_dlc(dlc).unwrap();
        let text = Text::of(&r);
        assert_eq!(
            text.as_str().parse::<CanAnyFrame>(),
            Ok(CanAnyFrame::Classic(r))
        );
    }
    // A len8_dlc only with a request for 8 bytes, as for data frames.
    assert!(CanFrame::remote(CanId::Standard(1), 7)
        .unwrap()
        .with_len8_dlc(9)
        .is_err());
}

/// Classic and FD frames hold zeros past their length (every constructor starts from
/// zeros and nothing writes the buffer afterwards), so their derived `==` and `Hash`
/// see only the meaningful bytes; a remote request's buffer stays zero whatever the
/// bytes it was decoded from held there.
#[test]
fn classic_and_fd_equality_sees_only_the_frame() {
    let mut b = CanFrame::new(CanId::Standard(1), &[1, 2]).unwrap().encode();
    b[10..].fill(0xee);
    let f = CanFrame::new(CanId::Standard(1), &[1, 2]).unwrap();
    assert_eq!(CanAnyFrame::decode(&b), Ok(CanAnyFrame::Classic(f)));
    b[0..4].copy_from_slice(&(1 | RTR_FLAG).to_ne_bytes());
    b[4] = 2;
    let r = CanFrame::remote(CanId::Standard(1), 2).unwrap();
    assert_eq!(CanAnyFrame::decode(&b), Ok(CanAnyFrame::Classic(r)));
    let mut fd = CanFdFrame::new(CanId::Standard(1), &[3; 12])
        .unwrap()
        .encode();
    fd[20..].fill(0xee);
    let d = CanFdFrame::new(CanId::Standard(1), &[3; 12]).unwrap();
    assert_eq!(CanAnyFrame::decode(&fd), Ok(CanAnyFrame::Fd(d)));
    match CanAnyFrame::decode(&fd) {
        Ok(CanAnyFrame::Fd(back)) => assert_eq!(hash_of(&back), hash_of(&d)),
        other => panic!("{other:?}"),
    }
}
