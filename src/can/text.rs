//! can-utils' frame syntax, as `cansend` takes it and `candump` writes it (lib.c in
//! can-utils): the parser here, the printers in each frame type's `Display`.

use super::{CanAnyFrame, CanError, CanErrorClass, CanFdFrame, CanFrame, CanId, CANFD_LENGTHS};
use crate::CanInputError;
use core::str::FromStr;

use crate::{Error, Result};

const ERR_FLAG: u32 = 0x2000_0000;

/// One frame from can-utils' syntax (`"123#DEADBEEF".parse()`):
///
/// | text | frame |
/// |---|---|
/// | `123#DEADBEEF` | classic, 11-bit id (3 hex digits), 0 to 8 data bytes |
/// | `12345678#11.22.33` | classic, 29-bit id (8 hex digits); `.` between bytes is allowed |
/// | `123#R`, `123#R3`, `123#R8_F` | remote request, with an optional length digit, and for 8 a DLC of 9 to F after `_` (`len8_dlc`) |
/// | `123#1122334455667788_F` | classic with 8 bytes and a DLC of 9 to F (`len8_dlc`) |
/// | `123##1AABB` | CAN FD: the hex digit after `##` is the flags (1: BRS, 2: ESI; 4, `CANFD_FDF`, which can-utils 2024 and Linux 6.2 set in every FD frame, is taken and implied), then up to 64 bytes, padded with zeros to the next FD length as cansend does |
/// | `20000080#0000000000000000` | an error frame: 8 digits with `CAN_ERR_FLAG` (0x20000000) |
///
/// Anything else is [`CanInputError::InvalidSyntax`](crate::CanInputError::InvalidSyntax) with the
/// byte offset where it went wrong. The frame kinds parse on their own too ([`CanFrame`],
/// [`CanFdFrame`]); text of another kind is `InvalidSyntax` at its first `#`. CAN XL frames
/// (can-utils 2024's `242#03:81:12345678#AABB`) are not parsed here.
///
/// ```
/// use baresock::can::{CanAnyFrame, CanFrame, CanId};
/// let f: CanAnyFrame = "123#DEADBEEF".parse()?;
/// assert_eq!(f, CanAnyFrame::Classic(CanFrame::new(CanId::standard(0x123)?, &[0xde, 0xad, 0xbe, 0xef])?));
/// assert_eq!(f.to_string(), "123#DEADBEEF");
/// assert!("123#DEADBEE".parse::<CanAnyFrame>().is_err()); // an odd digit
/// # Ok::<(), baresock::Error>(())
/// ```
impl FromStr for CanAnyFrame {
    type Err = Error;

    fn from_str(s: &str) -> Result<CanAnyFrame> {
        parse_any(s)
    }
}

/// A classic frame from can-utils' syntax, as [`CanAnyFrame`] takes it; FD and error frames'
/// text is [`CanInputError::InvalidSyntax`] at the first `#`.
///
/// ```
/// use baresock::can::CanFrame;
/// let f: CanFrame = "123#R".parse()?;
/// assert!(f.is_remote());
/// assert!("123##0AA".parse::<CanFrame>().is_err()); // an FD frame
/// # Ok::<(), baresock::Error>(())
/// ```
impl FromStr for CanFrame {
    type Err = Error;

    fn from_str(s: &str) -> Result<CanFrame> {
        match parse_any(s)? {
            CanAnyFrame::Classic(f) => Ok(f),
            _ => Err(other_kind(s)),
        }
    }
}

/// An FD frame from can-utils' syntax (`123##1AABB`), as [`CanAnyFrame`] takes it; classic and
/// error frames' text is [`CanInputError::InvalidSyntax`] at the first `#`.
///
/// ```
/// use baresock::can::CanFdFrame;
/// let f: CanFdFrame = "123##1AABB".parse()?;
/// assert_eq!(f.data(), &[0xaa, 0xbb]);
/// assert!("123#AABB".parse::<CanFdFrame>().is_err()); // a classic frame
/// # Ok::<(), baresock::Error>(())
/// ```
impl FromStr for CanFdFrame {
    type Err = Error;

    fn from_str(s: &str) -> Result<CanFdFrame> {
        match parse_any(s)? {
            CanAnyFrame::Fd(f) => Ok(f),
            _ => Err(other_kind(s)),
        }
    }
}

/// Text of a valid frame, but of another kind than asked for: wrong at its first `#`.
fn other_kind(s: &str) -> Error {
    let at = s.bytes().position(|c| c == b'#').unwrap_or(0);
    Error::Can(CanInputError::InvalidSyntax {
        at: crate::error::sat32(at),
    })
}

fn parse_any(s: &str) -> Result<CanAnyFrame> {
    let b = s.as_bytes();
    let bad = |at: usize| {
        Err(Error::Can(CanInputError::InvalidSyntax {
            at: crate::error::sat32(at),
        }))
    };
    let Some(hash) = b.iter().position(|&c| c == b'#') else {
        return bad(b.len());
    };
    let id = hex_value(&b[..hash]).ok_or(Error::Can(CanInputError::InvalidSyntax { at: 0 }))?;
    let rest = &b[hash + 1..];
    let at = hash + 1;
    match hash {
        3 => {
            let id = CanId::standard(id as u16)
                .map_err(|_| Error::Can(CanInputError::InvalidSyntax { at: 0 }))?;
            frame_body(id, rest, at)
        }
        8 if id & ERR_FLAG != 0 && id & !(ERR_FLAG | 0x1fff_ffff) == 0 => {
            let mut data = [0u8; 8];
            bytes(rest, at, &mut data)?;
            let class = CanErrorClass::from_bits_retain(id & !ERR_FLAG);
            Ok(CanAnyFrame::Error(CanError::new(class, data)))
        }
        8 => {
            let id = CanId::extended(id)
                .map_err(|_| Error::Can(CanInputError::InvalidSyntax { at: 0 }))?;
            frame_body(id, rest, at)
        }
        _ => bad(hash),
    }
}

/// What follows the first `#`.
fn frame_body(id: CanId, rest: &[u8], at: usize) -> Result<CanAnyFrame> {
    let bad = |at: usize| {
        Err(Error::Can(CanInputError::InvalidSyntax {
            at: crate::error::sat32(at),
        }))
    };
    match rest {
        [b'#', flags, data @ ..] => {
            let flags = hex_digit(*flags).ok_or(Error::Can(CanInputError::InvalidSyntax {
                at: crate::error::sat32(at + 1),
            }))?;
            // BRS, ESI and FDF (which `##` says anyway); 8 is no flag.
            if flags > 0x7 {
                return bad(at + 1);
            }
            let mut buf = [0u8; 64];
            let n = bytes(data, at + 2, &mut buf)?;
            // cansend pads to the next length CAN FD has.
            let len = CANFD_LENGTHS
                .iter()
                .copied()
                .find(|&l| l >= n)
                .unwrap_or(64);
            let f = CanFdFrame::new(id, &buf[..len])?
                .with_bit_rate_switch(flags & 1 != 0)
                .with_error_state_indicator(flags & 2 != 0);
            Ok(CanAnyFrame::Fd(f))
        }
        [b'#'] => bad(at + 1),
        [b'R' | b'r'] => Ok(CanAnyFrame::Classic(CanFrame::remote(id, 0)?)),
        [b'R' | b'r', len] => match hex_digit(*len) {
            Some(l) if l <= 8 => Ok(CanAnyFrame::Classic(CanFrame::remote(id, l)?)),
            _ => bad(at + 1),
        },
        [b'R' | b'r', b'8', b'_', dlc] => match hex_digit(*dlc) {
            Some(d @ 9..=15) => Ok(CanAnyFrame::Classic(
                CanFrame::remote(id, 8)?.with_len8_dlc(d)?,
            )),
            _ => bad(at + 3),
        },
        [b'R' | b'r', len, ..] => match hex_digit(*len) {
            // A DLC after `_` only for a request of 8 bytes, and one digit of 9 to F.
            Some(8) if rest.get(2) == Some(&b'_') => {
                match rest.get(3).and_then(|&d| hex_digit(d)) {
                    Some(9..=15) => bad(at + 4),
                    _ => bad(at + 3),
                }
            }
            Some(l) if l <= 8 => bad(at + 2),
            _ => bad(at + 1),
        },
        _ => {
            let (data, dlc) = match rest.iter().position(|&c| c == b'_') {
                Some(u) => (&rest[..u], Some((u, &rest[u + 1..]))),
                None => (rest, None),
            };
            let mut buf = [0u8; 8];
            let n = bytes(data, at, &mut buf)?;
            let f = CanFrame::new(id, &buf[..n])?;
            match dlc {
                None => Ok(CanAnyFrame::Classic(f)),
                Some((u, [d])) if n == 8 => match hex_digit(*d) {
                    Some(d @ 9..=15) => Ok(CanAnyFrame::Classic(f.with_len8_dlc(d)?)),
                    _ => bad(at + u + 1),
                },
                Some((u, _)) => bad(at + u),
            }
        }
    }
}

/// Hex byte pairs with optional `.` between bytes, into `out`; how many. `at` is where `b`
/// starts in the text, for errors.
fn bytes(b: &[u8], at: usize, out: &mut [u8]) -> Result<usize> {
    let bad = |i: usize| {
        Err(Error::Can(CanInputError::InvalidSyntax {
            at: crate::error::sat32(at + i),
        }))
    };
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        if b[i] == b'.' && n > 0 && i + 1 < b.len() && b[i + 1] != b'.' {
            i += 1;
            continue;
        }
        let (Some(hi), Some(lo)) = (hex_digit(b[i]), b.get(i + 1).and_then(|&c| hex_digit(c)))
        else {
            return bad(if hex_digit(b[i]).is_some() { i + 1 } else { i });
        };
        let Some(slot) = out.get_mut(n) else {
            return bad(i);
        };
        *slot = hi << 4 | lo;
        n += 1;
        i += 2;
    }
    Ok(n)
}

fn hex_digit(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// A hex number of 1 to 8 digits.
fn hex_value(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 8 {
        return None;
    }
    b.iter()
        .try_fold(0u32, |v, &c| Some(v << 4 | u32::from(hex_digit(c)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classic(id: CanId, data: &[u8]) -> CanAnyFrame {
        CanAnyFrame::Classic(CanFrame::new(id, data).unwrap())
    }

    #[test]
    fn every_form_cansend_takes() {
        let sid = CanId::Standard(0x123);
        assert_eq!(parse_any("123#"), Ok(classic(sid, &[])));
        assert_eq!(
            parse_any("123#de.ad.BE.EF"),
            Ok(classic(sid, &[0xde, 0xad, 0xbe, 0xef]))
        );
        assert_eq!(
            parse_any("1ABCDEF0#0102"),
            Ok(classic(CanId::Extended(0x1abc_def0), &[1, 2]))
        );
        assert_eq!(
            parse_any("123#R"),
            Ok(CanAnyFrame::Classic(CanFrame::remote(sid, 0).unwrap()))
        );
        assert_eq!(
            parse_any("123#R7"),
            Ok(CanAnyFrame::Classic(CanFrame::remote(sid, 7).unwrap()))
        );
        let r = CanFrame::remote(sid, 8)
            .unwrap()
            .with_len8_dlc(0xf)
            .unwrap();
        assert_eq!(parse_any("123#R8_F"), Ok(CanAnyFrame::Classic(r)));
        assert_eq!(parse_any("123#r8_f"), Ok(CanAnyFrame::Classic(r)));
        let f = CanFrame::new(sid, &[0; 8])
            .unwrap()
            .with_len8_dlc(0xc)
            .unwrap();
        assert_eq!(
            parse_any("123#0000000000000000_C"),
            Ok(CanAnyFrame::Classic(f))
        );
        let fd = CanFdFrame::new(sid, &[0x11, 0x22, 0x33, 0, 0, 0, 0, 0, 0, 0, 0, 0])
            .unwrap()
            .with_bit_rate_switch(true);
        assert_eq!(
            parse_any("123##1112233000000000000"),
            Ok(CanAnyFrame::Fd(fd))
        );
        // Padded to the next FD length (9 bytes -> 12).
        match parse_any("123##0112233445566778899").unwrap() {
            CanAnyFrame::Fd(f) => assert_eq!(f.data().len(), 12),
            other => panic!("{other:?}"),
        }
        // CANFD_FDF in the flags, as can-utils 2024 writes every FD frame: the same frame.
        assert_eq!(
            parse_any("123##5112233000000000000"),
            Ok(CanAnyFrame::Fd(fd))
        );
        assert_eq!(parse_any("123##5112233"), parse_any("123##1112233"));
        assert_eq!(parse_any("123##4"), parse_any("123##0"));
        match parse_any("20000204#0010000000006082").unwrap() {
            CanAnyFrame::Error(e) => {
                assert_eq!(e.class, CanErrorClass::CONTROLLER | CanErrorClass::COUNTERS);
                assert_eq!(e.counters, Some((0x60, 0x82)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_text_says_where() {
        let at = |at| Err(Error::Can(CanInputError::InvalidSyntax { at }));
        assert_eq!(parse_any(""), at(0));
        assert_eq!(parse_any("123"), at(3));
        assert_eq!(parse_any("12#00"), at(2), "2-digit id");
        assert_eq!(parse_any("800#00"), at(0), "past 11 bits");
        assert_eq!(parse_any("G23#00"), at(0));
        assert_eq!(parse_any("123#0"), at(5), "odd digit");
        assert_eq!(parse_any("123#0G"), at(5));
        assert_eq!(parse_any("123#000000000000000000"), at(20), "9 bytes");
        assert_eq!(parse_any("123#R9"), at(5));
        assert_eq!(parse_any("123#RR"), at(5));
        assert_eq!(parse_any("123#R8_8"), at(7), "len8_dlc is 9 to F");
        assert_eq!(parse_any("123#R8_"), at(7));
        assert_eq!(parse_any("123#R8_FF"), at(8));
        assert_eq!(parse_any("123#R8_8F"), at(7));
        assert_eq!(parse_any("123#R7_9"), at(6), "len8_dlc needs 8");
        assert_eq!(parse_any("123#R8F"), at(6));
        assert_eq!(parse_any("123#00_F"), at(6), "len8_dlc needs 8 bytes");
        assert_eq!(parse_any("123#0000000000000000_8"), at(21));
        assert_eq!(parse_any("123##"), at(5));
        assert_eq!(parse_any("123##8"), at(5), "unknown FD flag");
        assert_eq!(parse_any("123##1Z"), at(6));
        assert_eq!(parse_any("40000000#00"), at(0), "RTR bit as an id");
        assert_eq!(parse_any("123#00..11"), at(6));
        assert_eq!(parse_any("123#.00"), at(4));
    }
}
