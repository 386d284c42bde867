//! Unit tests of the writer and the readers: every length error, nesting, alignment, and
//! hostile bytes.

use crate::netlink::writer::attribute_at;
use crate::netlink::*;
use crate::{Errno, Error};

/// Rewrites the headers of the attributes in `stream`, written little-endian in a test's byte
/// literal, in the machine's order (a no-op on little-endian machines; s390x is big-endian).
/// Only this level: a nested stream is passed on its own. A header whose length is too short
/// or runs past the end is rewritten and ends the walk (hostile fixtures keep their lies).
pub(crate) fn le_headers(stream: &mut [u8]) {
    let mut at = 0;
    while stream.len() - at >= 4 {
        let len = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let kind = u16::from_le_bytes([stream[at + 2], stream[at + 3]]);
        stream[at..at + 2].copy_from_slice(&len.to_ne_bytes());
        stream[at + 2..at + 4].copy_from_slice(&kind.to_ne_bytes());
        let len = usize::from(len);
        if len < 4 || len > stream.len() - at {
            return;
        }
        at += align(len).min(stream.len() - at);
    }
}

fn nle(e: NetlinkError) -> Error {
    Error::Netlink(e)
}

/// A message of `kind` with a 4-byte family header and nested attributes three deep.
fn sample(buf: &mut [u8]) -> crate::Result<Request<'_>> {
    let mut w = MessageWriter::new(buf);
    w.begin(0x10, MessageFlags::ACK).fixed(&[1, 2, 3]);
    w.put_u8(1, 7)
        .put_u16(2, 0x1234)
        .put_u32(3, 0xdead_beef)
        .put_u64(4, u64::MAX - 1)
        .put_i32(5, -5)
        .put_u16_be(6, 0x0102)
        .put_u32_be(7, 0x0102_0304)
        .put_str(8, "eth0")
        .put_bytes(9, &[1, 2, 3, 4, 5])
        .put_flag(10);
    let outer = w.begin_nested(11 | NLA_F_NESTED);
    w.put_u32(1, 1);
    let mid = w.begin_nested(2);
    w.put_str(1, "deep");
    let inner = w.begin_nested(3);
    w.put_i64(4, -1);
    w.end_nested(inner);
    w.end_nested(mid);
    w.end_nested(outer);
    w.put_i8(12, -2).put_i16(13, -3).put_u64_be(14, 9);
    w.finish()
}

#[test]
fn writes_and_reads_back() {
    let mut buf = [0u8; 256];
    let req = sample(&mut buf).unwrap();
    let bytes = req.as_bytes();
    assert_eq!(bytes.len() % 4, 0);
    let ms = Messages::new(bytes).unwrap();
    let m = ms.into_iter().next().unwrap();
    assert_eq!(m.as_bytes().len(), bytes.len());
    assert_eq!(m.kind(), 0x10);
    assert_eq!(m.flags(), MessageFlags::ACK | MessageFlags::REQUEST);
    let (fixed, attrs) = m.split(3).unwrap();
    assert_eq!(fixed, &[1, 2, 3]);
    assert_eq!(attrs.require(1).unwrap().u8().unwrap(), 7);
    assert_eq!(attrs.require(2).unwrap().u16().unwrap(), 0x1234);
    assert_eq!(attrs.require(3).unwrap().u32().unwrap(), 0xdead_beef);
    assert_eq!(attrs.require(4).unwrap().u64().unwrap(), u64::MAX - 1);
    assert_eq!(attrs.require(5).unwrap().i32().unwrap(), -5);
    assert_eq!(attrs.require(6).unwrap().u16_be().unwrap(), 0x0102);
    assert_eq!(attrs.require(7).unwrap().u32_be().unwrap(), 0x0102_0304);
    assert_eq!(attrs.require(8).unwrap().str().unwrap(), "eth0");
    assert_eq!(attrs.require(9).unwrap().bytes(), &[1, 2, 3, 4, 5]);
    assert_eq!(
        attrs.require(9).unwrap().array::<5>().unwrap(),
        [1, 2, 3, 4, 5]
    );
    assert!(attrs.require(10).unwrap().bytes().is_empty());
    assert_eq!(attrs.require(12).unwrap().i8().unwrap(), -2);
    assert_eq!(attrs.require(13).unwrap().i16().unwrap(), -3);
    assert_eq!(attrs.require(14).unwrap().u64_be().unwrap(), 9);
    let outer = attrs.require(11).unwrap();
    assert!(outer.is_nested() && !outer.is_net_byteorder());
    let outer = outer.nested().unwrap();
    let mid = outer.require(2).unwrap().nested().unwrap();
    assert_eq!(mid.require(1).unwrap().str().unwrap(), "deep");
    let inner = mid.require(3).unwrap().nested().unwrap();
    assert_eq!(inner.require(4).unwrap().i64().unwrap(), -1);
    assert_eq!(
        attrs.require(99),
        Err(nle(NetlinkError::MissingAttribute { kind: 99 }))
    );
}

#[test]
fn getters_check_lengths() {
    let mut buf = [0u8; 256];
    let req = sample(&mut buf).unwrap();
    let m = Message::first(req.as_bytes()).unwrap();
    let (_, attrs) = m.split(3).unwrap();
    let a = attrs.require(3).unwrap();
    assert_eq!(
        a.u16(),
        Err(nle(NetlinkError::AttributeSize {
            kind: 3,
            expected: 2,
            got: 4
        }))
    );
    assert!(a.u64().is_err() && a.u8().is_err() && a.array::<3>().is_err());
    // Not a string: no NUL at the end.
    assert_eq!(a.str(), Err(nle(NetlinkError::BadString { kind: 3 })));
    // A NUL inside, text after it.
    let mut b = [0u8; 12];
    b[0..2].copy_from_slice(&8u16.to_ne_bytes());
    b[4..8].copy_from_slice(b"a\0b\0");
    let attrs = Attrs::new(&b[..8]).unwrap();
    assert!(attrs.find(0).unwrap().str().is_err());
    // Padding NULs after the string are fine; not UTF-8 is not.
    b[4..8].copy_from_slice(b"ab\0\0");
    assert_eq!(
        Attrs::new(&b[..8]).unwrap().find(0).unwrap().str(),
        Ok("ab")
    );
    b[4..8].copy_from_slice(b"\xff\xfe\0\0");
    assert!(Attrs::new(&b[..8]).unwrap().find(0).unwrap().str().is_err());
    // An empty payload is no string.
    b[0..2].copy_from_slice(&4u16.to_ne_bytes());
    assert!(Attrs::new(&b[..4]).unwrap().find(0).unwrap().str().is_err());
}

#[test]
fn buffer_too_small_names_the_size() {
    let mut big = [0u8; 256];
    let whole = sample(&mut big).unwrap().as_bytes().len();
    for size in 0..whole {
        let mut small = std::vec![0u8; size];
        assert_eq!(
            sample(&mut small).unwrap_err(),
            nle(NetlinkError::BufferTooSmall {
                needed: whole as u32
            }),
            "size {size}"
        );
    }
}

#[test]
fn nests_must_close_in_order() {
    let mut buf = [0u8; 64];
    let mut w = MessageWriter::new(&mut buf);
    w.begin(16, MessageFlags::empty());
    let a = w.begin_nested(1);
    let b = w.begin_nested(2);
    w.end_nested(a);
    let _ = b;
    assert_eq!(w.finish().unwrap_err(), nle(NetlinkError::NestMismatch));
    let mut w = MessageWriter::new(&mut buf);
    w.begin(16, MessageFlags::empty());
    let _open = w.begin_nested(1);
    assert_eq!(w.finish().unwrap_err(), nle(NetlinkError::NestMismatch));
}

#[test]
fn attributes_too_long_are_refused() {
    let mut buf = std::vec![0u8; 70_000];
    let big = std::vec![0u8; 65_532];
    let mut w = MessageWriter::new(&mut buf);
    w.begin(16, MessageFlags::empty()).put_bytes(1, &big);
    assert_eq!(
        w.finish().unwrap_err(),
        nle(NetlinkError::AttributeTooLong { len: 65_536 })
    );
    let mut w = MessageWriter::new(&mut buf);
    w.begin(16, MessageFlags::empty());
    let n = w.begin_nested(1);
    w.put_bytes(2, &big[..40_000]).put_bytes(3, &big[..40_000]);
    w.end_nested(n);
    assert!(matches!(
        w.finish().unwrap_err(),
        Error::Netlink(NetlinkError::AttributeTooLong { .. })
    ));
}

#[test]
fn a_batch_of_messages() {
    let mut buf = [0u8; 128];
    let mut w = MessageWriter::new(&mut buf);
    w.begin(16, MessageFlags::empty()).put_str(1, "a");
    w.begin(17, MessageFlags::empty()).put_u32(2, 5);
    w.begin(18, MessageFlags::empty());
    let mut req = w.finish().unwrap();
    req.set_seq(42).unwrap();
    let kinds: std::vec::Vec<_> = Messages::new(req.as_bytes())
        .unwrap()
        .into_iter()
        .map(|m| (m.kind(), m.seq(), m.as_bytes().len()))
        .collect();
    assert_eq!(kinds, [(16, 42, 24), (17, 42, 24), (18, 42, 16)]);
}

#[test]
fn message_lengths_are_checked() {
    let mut m = [0u8; 40];
    m[0..4].copy_from_slice(&20u32.to_ne_bytes());
    m[20..24].copy_from_slice(&20u32.to_ne_bytes());
    assert_eq!(Messages::new(&m).unwrap().into_iter().count(), 2);
    // Below the header.
    m[0..4].copy_from_slice(&15u32.to_ne_bytes());
    assert_eq!(
        Messages::new(&m).unwrap_err(),
        nle(NetlinkError::MessageLength { len: 15, left: 40 })
    );
    // Past the datagram.
    m[0..4].copy_from_slice(&41u32.to_ne_bytes());
    assert_eq!(
        Messages::new(&m).unwrap_err(),
        nle(NetlinkError::MessageLength { len: 41, left: 40 })
    );
    // A tail too short for a header.
    m[0..4].copy_from_slice(&20u32.to_ne_bytes());
    assert_eq!(
        Messages::new(&m[..30]).unwrap_err(),
        nle(NetlinkError::Short {
            needed: 16,
            got: 10
        })
    );
    // An unaligned length: the next message starts at the aligned offset.
    m[0..4].copy_from_slice(&17u32.to_ne_bytes());
    assert_eq!(Messages::new(&m).unwrap().into_iter().count(), 2);
    assert!(Messages::new(&[]).unwrap().into_iter().next().is_none());
}

#[test]
fn attribute_lengths_are_checked() {
    let mut a = [0u8; 12];
    a[0..2].copy_from_slice(&3u16.to_ne_bytes());
    assert_eq!(
        Attrs::new(&a).unwrap_err(),
        nle(NetlinkError::AttributeLength { len: 3, left: 12 })
    );
    a[0..2].copy_from_slice(&13u16.to_ne_bytes());
    assert_eq!(
        Attrs::new(&a).unwrap_err(),
        nle(NetlinkError::AttributeLength { len: 13, left: 12 })
    );
    a[0..2].copy_from_slice(&8u16.to_ne_bytes());
    assert_eq!(
        Attrs::new(&a[..10]).unwrap_err(),
        nle(NetlinkError::Short { needed: 4, got: 2 })
    );
    // The last attribute's padding may be missing.
    a[0..2].copy_from_slice(&5u16.to_ne_bytes());
    assert_eq!(Attrs::new(&a[..5]).unwrap().into_iter().count(), 1);
    // Flags are masked out of the type.
    a[0..2].copy_from_slice(&4u16.to_ne_bytes());
    a[2..4].copy_from_slice(&(7 | NLA_F_NET_BYTEORDER).to_ne_bytes());
    let attr = Attrs::new(&a[..4]).unwrap().find(7).unwrap();
    assert!(attr.is_net_byteorder());
    // A nested level is checked when it is opened.
    a[0..2].copy_from_slice(&8u16.to_ne_bytes());
    a[4..6].copy_from_slice(&9u16.to_ne_bytes());
    let outer = Attrs::new(&a[..8]).unwrap().find(7).unwrap();
    assert!(outer.nested().is_err());
    // A short family header.
    let mut m = [0u8; 20];
    m[0..4].copy_from_slice(&20u32.to_ne_bytes());
    let msg = Message::first(&m).unwrap();
    assert_eq!(
        msg.split(8).unwrap_err(),
        nle(NetlinkError::Short { needed: 8, got: 4 })
    );
}

/// An `NLMSG_ERROR` for `errno` answering `request`, with an extended ack.
fn error_message(
    errno: i32,
    request: &[u8],
    capped: bool,
    text: &str,
    offs: u32,
) -> std::vec::Vec<u8> {
    let mut body = std::vec![0u8; 64 + request.len() + text.len()];
    let mut flags = MessageFlags::ACK_TLVS;
    if capped {
        flags |= MessageFlags::CAPPED;
    }
    let echoed = if capped { &request[..16] } else { request };
    let mut w = MessageWriter::new(&mut body);
    w.begin(kind::ERROR, flags);
    let mut head = std::vec::Vec::from((-errno).to_ne_bytes());
    head.extend_from_slice(echoed);
    w.fixed(&head);
    w.put_str(ext_ack::MSG, text).put_u32(ext_ack::OFFS, offs);
    let n = w.finish().unwrap().as_bytes().len();
    // The writer sets NLM_F_REQUEST; the kernel does not.
    let f = (flags.bits()).to_ne_bytes();
    body[6..8].copy_from_slice(&f);
    body.truncate(n);
    body
}

#[test]
fn error_messages_and_ext_ack() {
    let mut buf = [0u8; 256];
    let req = sample(&mut buf).unwrap();
    let (bytes, attrs_at) = req.view();
    // The offset of attribute 3 (u32) at the top level, and of "deep" nested in 11.
    let m = Message::first(bytes).unwrap();
    let (_, attrs) = m.split(3).unwrap();
    let off = |a: &Attr<'_>| (a.bytes().as_ptr() as usize - bytes.as_ptr() as usize - 4) as u32;
    let top = off(&attrs.require(3).unwrap());
    let outer = attrs.require(11).unwrap().nested().unwrap();
    let deep = off(&outer
        .require(2)
        .unwrap()
        .nested()
        .unwrap()
        .require(1)
        .unwrap());
    assert_eq!(attribute_at(bytes, attrs_at, top as usize), (Some(3), None));
    assert_eq!(
        attribute_at(bytes, attrs_at, deep as usize),
        (Some(1), Some(11))
    );
    assert_eq!(attribute_at(bytes, attrs_at, 0), (None, None));
    assert_eq!(attribute_at(bytes, attrs_at, 100_000), (None, None));
    for capped in [false, true] {
        let e = error_message(22, bytes, capped, "bad attribute", top);
        let m = Message::first(&e).unwrap();
        let em = m.error().unwrap().unwrap();
        assert_eq!(em.errno(), Some(Errno::INVAL));
        assert_eq!(em.raw_error(), -22);
        assert_eq!(em.request().kind(), 0x10);
        assert_eq!(
            em.request().as_bytes().len(),
            if capped { 16 } else { bytes.len() }
        );
        let x = em.ext_ack();
        assert_eq!(x.message(), Some("bad attribute"));
        assert_eq!(x.offset(), Some(top));
        assert_eq!(
            (x.cookie(), x.missing_type(), x.missing_nest()),
            (None, None, None)
        );
        assert!(x.policy().is_none());
        assert_eq!(x.attrs().into_iter().count(), 2);
    }
    // An acknowledgement.
    let e = error_message(0, bytes, true, "", 0);
    let em = Message::first(&e).unwrap().error().unwrap().unwrap();
    assert_eq!(em.errno(), None);
    // Not an error message; too short; a request length past the payload.
    assert!(Message::first(bytes).unwrap().error().is_none());
    assert_eq!(
        ErrorMessage::decode(&[0; 19], MessageFlags::empty()).unwrap_err(),
        nle(NetlinkError::Short {
            needed: 20,
            got: 19
        })
    );
    let mut p = [0u8; 20];
    p[4..8].copy_from_slice(&200u32.to_ne_bytes());
    assert_eq!(
        ErrorMessage::decode(&p, MessageFlags::empty()).unwrap_err(),
        nle(NetlinkError::MessageLength { len: 200, left: 16 })
    );
    assert!(ErrorMessage::decode(&p, MessageFlags::CAPPED).is_ok());
}

/// Every byte of every message the tests write, flipped and cut: no panic anywhere.
#[test]
fn hostile_bytes_never_panic() {
    let mut buf = [0u8; 256];
    let req = sample(&mut buf).unwrap();
    let (bytes, attrs_at) = req.view();
    let mut inputs = std::vec![bytes.to_vec()];
    inputs.push(error_message(22, bytes, false, "x", 20));
    for input in &inputs {
        for i in 0..input.len() {
            for b in [0u8, 1, 3, 4, 0x7f, 0x80, 0xff] {
                let mut m = input.clone();
                m[i] = b;
                for end in [m.len(), m.len() / 2, i] {
                    walk(&m[..end]);
                    let _ = attribute_at(&m[..end], attrs_at, i);
                }
            }
        }
    }
}

/// Reads everything there is to read.
pub(crate) fn walk(bytes: &[u8]) {
    let Ok(ms) = Messages::new(bytes) else { return };
    for m in ms {
        let _ = (m.kind(), m.flags(), m.seq(), m.port_id(), m.done_error());
        if let Some(Ok(e)) = m.error() {
            let x = e.ext_ack();
            let _ = (e.errno(), x.message(), x.offset(), x.policy(), x.cookie());
        }
        if let Ok((_, attrs)) = m.split(4) {
            walk_attrs(attrs, 0);
        }
    }
}

fn walk_attrs(attrs: Attrs<'_>, depth: u32) {
    for a in attrs {
        let _ = (
            a.u8(),
            a.u16(),
            a.u32(),
            a.u64(),
            a.i32(),
            a.u32_be(),
            a.str(),
        );
        if depth < 16 {
            if let Ok(n) = a.nested() {
                walk_attrs(n, depth + 1);
            }
        }
    }
}

#[test]
fn align_saturates() {
    assert_eq!(align(0), 0);
    assert_eq!(align(1), 4);
    assert_eq!(align(4), 4);
    assert_eq!(align(usize::MAX), usize::MAX & !3);
}
