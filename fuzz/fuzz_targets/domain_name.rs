//! `resolve::DomainName` from text, and its text back.
//!
//! Asserts: `from_text` gives exactly what a model of its documentation gives (the name's
//! labels, or the first error: empty text, an empty label and its offset, a label over 63
//! bytes, over 255 bytes of wire form); `Display` and `write_text` agree, the latter failing
//! only for a short buffer and saying how much it needs; text without escapes round-trips to
//! the same bytes, and escaped text decodes (RFC 4343 `\.` `\\` `\DDD`) to the same labels;
//! equality and hashing ignore ASCII case; `join` and `ends_with` keep their promises.
#![no_main]

use baresock::InputError;
use baresock::resolve::ResolveError;
use std::hash::{BuildHasher, RandomState};

use baresock::resolve::{DomainName, NameError, LABEL_MAX, NAME_MAX};
use baresock::Error;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let got = DomainName::from_text(data);
    match (model(data), &got) {
        (Ok(labels), Ok(name)) => {
            assert!(name.labels().eq(labels.iter().copied()), "{name:?}");
        }
        (Err(e), Err(Error::Resolve(ResolveError::InvalidName(g)))) => assert_eq!(&e, g),
        (m, g) => panic!("model {m:?}, from_text {g:?}"),
    }
    if let Ok(s) = std::str::from_utf8(data) {
        assert_eq!(DomainName::new(s).ok(), got.ok());
        assert_eq!(s.parse::<DomainName>().ok(), got.ok());
    }
    let Ok(name) = got else { return };

    let wire = name.as_wire();
    assert!(!wire.is_empty() && wire.len() <= NAME_MAX && wire.last() == Some(&0));
    assert_eq!(name.is_root(), wire == [0]);
    assert_eq!(name.is_root(), data == b".");
    for label in name.labels() {
        assert!((1..=LABEL_MAX).contains(&label.len()));
    }

    // Display and write_text agree; a short buffer is a named error with the length needed.
    let text = name.to_string();
    let mut buf = [0u8; 4 * NAME_MAX];
    let len = name
        .write_text(&mut buf)
        .expect("4 bytes a wire byte is enough");
    assert_eq!(&buf[..len], text.as_bytes());
    if len > 0 {
        assert_eq!(
            name.write_text(&mut buf[..len - 1]),
            Err(Error::Input(InputError::BufferTooSmall {
                needed: len as u32
            }))
        );
    }
    let _ = format!("{name:?}");

    // Text round trip: exact where nothing was escaped, through the escapes otherwise.
    let body = if data == b"." {
        data
    } else {
        data.strip_suffix(b".").unwrap_or(data)
    };
    let plain = body
        .iter()
        .all(|&b| (0x21..=0x7e).contains(&b) && b != b'\\');
    if plain {
        assert_eq!(text.as_bytes(), body);
        let back = DomainName::from_text(text.as_bytes()).expect("own text parses");
        assert_eq!(back.as_wire(), wire);
    } else {
        let labels = unescape(&text);
        assert!(name.labels().eq(labels.iter().map(Vec::as_slice)), "{text}");
    }

    // Case: equal, and hashed alike, in any ASCII case.
    let upper = DomainName::from_text(&data.to_ascii_uppercase()).expect("same shape");
    assert_eq!(upper, name);
    let h = RandomState::new();
    assert_eq!(h.hash_one(upper), h.hash_one(name));

    // join: fits iff the wire forms do; the result ends with both parts.
    assert!(name.ends_with(&name) && name.ends_with(&DomainName::root()));
    match name.join(&name) {
        Ok(j) => {
            assert_eq!(j.as_wire().len(), 2 * wire.len() - 1);
            assert!(j.ends_with(&name));
            assert_eq!(j.label_count(), 2 * name.label_count());
        }
        Err(e) => {
            assert!(2 * wire.len() - 1 > NAME_MAX);
            assert_eq!(
                e,
                Error::Resolve(ResolveError::InvalidName(NameError::TooLong))
            );
        }
    }
});

/// What `from_text` is documented to do: labels split on `.`, a final dot optional, `"."` the
/// root; the first problem in text order is the error.
fn model(text: &[u8]) -> Result<Vec<&[u8]>, NameError> {
    if text.is_empty() {
        return Err(NameError::Empty);
    }
    if text == b"." {
        return Ok(Vec::new());
    }
    let body = text.strip_suffix(b".").unwrap_or(text);
    let (mut labels, mut at, mut wire) = (Vec::new(), 0usize, 1usize);
    for label in body.split(|&b| b == b'.') {
        if label.is_empty() {
            return Err(NameError::EmptyLabel {
                at: u16::try_from(at).unwrap_or(u16::MAX),
            });
        }
        if label.len() > LABEL_MAX {
            return Err(NameError::LabelTooLong {
                len: u16::try_from(label.len()).unwrap_or(u16::MAX),
            });
        }
        wire += 1 + label.len();
        if wire > NAME_MAX {
            return Err(NameError::TooLong);
        }
        labels.push(label);
        at += label.len() + 1;
    }
    Ok(labels)
}

/// Reads `Display`'s escapes back (RFC 4343 §2.1): `\.`, `\\`, `\DDD`; an unescaped `.`
/// separates labels.
fn unescape(text: &str) -> Vec<Vec<u8>> {
    let b = text.as_bytes();
    let (mut labels, mut cur, mut i) = (Vec::new(), Vec::new(), 0);
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let digits = std::str::from_utf8(&b[i + 1..i + 4]).expect("three digits");
                cur.push(digits.parse::<u8>().expect("\\DDD is a byte"));
                i += 4;
            }
            b'\\' => {
                cur.push(b[i + 1]);
                i += 2;
            }
            b'.' => {
                labels.push(std::mem::take(&mut cur));
                i += 1;
            }
            c => {
                cur.push(c);
                i += 1;
            }
        }
    }
    labels.push(cur);
    labels
}
