// The crate is `no_std` without its `std` feature; the tests have std all the same.
extern crate std;
use crate::resolve::NAME_MAX;
use crate::{Error, InputError};
use std::format;
use std::string::ToString;

use core::net::{Ipv4Addr, Ipv6Addr};

use super::*;
use crate::resolve::name::DomainName;

fn name(text: &str) -> DomainName {
    DomainName::new(text).unwrap()
}

/// A message under construction, in a fixed buffer.
struct Buf {
    bytes: [u8; 2048],
    len: usize,
}

impl Buf {
    /// A reply's header (`QR`, `RD`, `RA`) with these counts.
    fn reply(qd: u16, an: u16, ns: u16, ar: u16) -> Buf {
        let mut header = Header::query(0xbeef);
        header.qr = true;
        header.ra = true;
        (
            header.qdcount,
            header.ancount,
            header.nscount,
            header.arcount,
        ) = (qd, an, ns, ar);
        let mut buf = Buf {
            bytes: [0; 2048],
            len: 0,
        };
        buf.put(&header.encode());
        buf
    }

    fn put(&mut self, bytes: &[u8]) -> &mut Buf {
        self.bytes[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        self
    }

    fn pointer(&mut self, to: usize) -> &mut Buf {
        self.put(&(0xc000 | to as u16).to_be_bytes())
    }

    /// Type, class `IN`, TTL 300, data length.
    fn fixed(&mut self, rtype: RecordType, rdlen: usize) -> &mut Buf {
        self.put(&rtype.as_raw().to_be_bytes())
            .put(&[0, 1, 0, 0, 1, 0x2c])
            .put(&(rdlen as u16).to_be_bytes())
    }

    fn bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Whether every label of `name` lies after the header and, with the byte after it (the
/// next length byte, pointer or root), before the message's parsed end.
fn within_parsed(msg: &Message<'_>, name: NameRef<'_>) -> bool {
    let base = msg.as_bytes().as_ptr() as usize;
    name.labels().all(|l| {
        let at = l.as_ptr() as usize - base;
        at > HEADER_LEN && at + l.len() < msg.decoded_len()
    })
}

/// What a fuzz target would do: parse, then walk everything through the public API.
/// Names of a parsed message always convert, and lie within the parsed bytes.
fn exercise(bytes: &[u8]) -> Result<usize, WireError> {
    let msg = Message::decode(bytes)?;
    let mut seen = 0;
    for q in msg.questions() {
        assert!(within_parsed(&msg, q.name), "{:?}", q.name);
        let n = q.name.to_name().unwrap();
        assert!(q.name.eq_name(&n) && q.name.labels().count() == n.label_count());
        seen += 1;
    }
    assert_eq!(seen, usize::from(msg.header().qdcount));
    let records = msg
        .answers()
        .chain(msg.authorities())
        .chain(msg.additionals());
    for r in records {
        assert!(within_parsed(&msg, r.name), "{:?}", r.name);
        let n = r.name.to_name().unwrap();
        assert_eq!(r.name, n);
        if let RecordData::Cname(t) | RecordData::Ptr(t) | RecordData::Ns(t) = r.data {
            assert!(within_parsed(&msg, t), "{t:?}");
            t.to_name().unwrap();
        }
        seen += 1;
    }
    let h = msg.header();
    assert_eq!(
        seen,
        usize::from(h.qdcount)
            + usize::from(h.ancount)
            + usize::from(h.nscount)
            + usize::from(h.arcount)
    );
    let _ = msg.edns();
    assert!(msg.decoded_len() <= bytes.len());
    Ok(seen)
}

const WWW_EXAMPLE_COM: &[u8] = b"\x03www\x07example\x03com\x00";

#[test]
fn query_golden() {
    let mut buf = [0u8; 64];
    let len = encode_query(
        &mut buf,
        0x1234,
        &name("www.example.com"),
        RecordType::A,
        None,
    )
    .unwrap();
    #[rustfmt::skip]
    let expected: &[u8] = &[
        0x12, 0x34, // id
        0x01, 0x00, // flags: RD
        0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // QD 1, AN 0, NS 0, AR 0
        3, b'w', b'w', b'w', 7, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c', b'o', b'm', 0,
        0x00, 0x01, // QTYPE A
        0x00, 0x01, // QCLASS IN
    ];
    assert_eq!(&buf[..len], expected);
    assert_eq!(len, query_len(&name("www.example.com"), false));
}

#[test]
fn query_golden_edns() {
    let mut buf = [0u8; 64];
    let len = encode_query(
        &mut buf,
        0x1234,
        &name("www.example.com"),
        RecordType::A,
        Some(1232),
    )
    .unwrap();
    #[rustfmt::skip]
    let expected: &[u8] = &[
        0x12, 0x34, 0x01, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, // AR 1
        3, b'w', b'w', b'w', 7, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c', b'o', b'm', 0,
        0x00, 0x01, 0x00, 0x01,
        0x00, // OPT: root name
        0x00, 0x29, // TYPE 41
        0x04, 0xd0, // CLASS: payload size 1232
        0x00, 0x00, 0x00, 0x00, // extended RCODE 0, version 0, flags 0
        0x00, 0x00, // RDLENGTH 0
    ];
    assert_eq!(&buf[..len], expected);
    let msg = Message::decode(&buf[..len]).unwrap();
    let edns = msg.edns().unwrap();
    assert_eq!((edns.udp_payload_size, edns.version), (1232, 0));
    assert!(!edns.dnssec_ok && edns.options.is_empty());
    assert!(!msg.answers_question(&name("www.example.com"), RecordType::A));
    // not a reply
}

#[test]
fn query_buffers() {
    let n = name("www.example.com");
    let mut small = [0u8; 32];
    assert_eq!(
        encode_query(&mut small, 1, &n, RecordType::A, None),
        Err(Error::Input(InputError::BufferTooSmall { needed: 33 }))
    );
    assert_eq!(
        encode_query(&mut small, 1, &n, RecordType::A, Some(512)),
        Err(Error::Input(InputError::BufferTooSmall { needed: 44 }))
    );
    for len in [0, 1, 2, 34] {
        let mut buf = [0u8; 64];
        assert_eq!(
            encode_query_tcp(&mut buf[..len], 1, &n, RecordType::A, None),
            Err(Error::Input(InputError::BufferTooSmall { needed: 35 }))
        );
    }
    let mut buf = [0u8; 35];
    assert_eq!(
        encode_query_tcp(&mut buf, 1, &n, RecordType::A, None),
        Ok(35)
    );
    assert_eq!(buf[..2], [0, 33]);
    let mut udp = [0u8; 33];
    encode_query(&mut udp, 1, &n, RecordType::A, None).unwrap();
    assert_eq!(buf[2..], udp);
    // The longest name makes the longest query.
    let mut long = DomainName::root();
    for label in [[b'a'; 63], [b'b'; 63], [b'c'; 63]] {
        long.push_label(&label).unwrap();
    }
    long.push_label(&[b'd'; 61]).unwrap();
    assert_eq!(query_len(&long, true), 282);
}

#[test]
fn header_bits() {
    let h = Header::decode_array(&[0, 7, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert!(h.qr && h.aa && h.tc && h.rd && h.ra && h.ad && h.cd);
    assert_eq!(h.opcode, Opcode::Unknown(15));
    assert_eq!(h.rcode, Rcode::Unknown(15));
    // The Z bit (0x40) is not kept.
    assert_eq!(h.encode(), [0, 7, 0xff, 0xbf, 0, 0, 0, 0, 0, 0, 0, 0]);
    let mut h = Header::query(0x0102);
    h.opcode = Opcode::Update;
    h.rcode = Rcode::Refused;
    h.qdcount = 0x0304;
    h.arcount = 0xfffe;
    assert_eq!(h.encode(), [1, 2, 0x29, 0x05, 3, 4, 0, 0, 0, 0, 0xff, 0xfe]);
    assert_eq!(Header::decode(&h.encode()), Ok(h));
    assert_eq!(Header::decode(&[0; 11]), Err(WireError::Short));
    assert_eq!(Message::decode(&[0; 11]).err(), Some(WireError::Short));
}

#[test]
fn open_enums() {
    assert_eq!(RecordType::from_raw(28), RecordType::AAAA);
    assert_eq!(RecordType::Unknown(1), RecordType::A);
    assert_eq!(u16::from(RecordType::OPT), 41);
    assert_eq!(RecordType::from(99).as_raw(), 99);
    assert_eq!(RecordType::SOA.to_string(), "SOA");
    assert_eq!(RecordType::Unknown(65).to_string(), "TYPE65");
    assert_eq!(Class::IN.to_string(), "IN");
    assert_eq!(Class::from_raw(3).to_string(), "CLASS3");
    assert_eq!(Rcode::from_raw(3), Rcode::NxDomain);
    assert_eq!(Rcode::NxDomain.to_string(), "NXDOMAIN");
    assert_eq!(Rcode::from_raw(9).to_string(), "RCODE9");
    assert_eq!(Opcode::from_raw(5), Opcode::Update);
    assert_eq!(Opcode::from_raw(3).to_string(), "OPCODE3");
}

/// www.example.com A, answered by a CNAME chain through web. and cdn.example.com, whose
/// A and AAAA follow; every name after the question compressed; an OPT record.
#[rustfmt::skip]
const REPLY: &[u8] = &[
    0xbe, 0xef, 0x81, 0x80, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
    // 12: question www.example.com A IN
    3, b'w', b'w', b'w', 7, b'e', b'x', b'a', b'm', b'p', b'l', b'e', 3, b'c', b'o', b'm', 0,
    0x00, 0x01, 0x00, 0x01,
    // 33: www.example.com (-> 12) CNAME IN 300, 6 bytes: web + (-> 16, example.com)
    0xc0, 12, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x06,
    3, b'w', b'e', b'b', 0xc0, 16,
    // 51: web.example.com (-> 45) CNAME IN 300, 6 bytes: cdn + (-> 16)
    0xc0, 45, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x06,
    3, b'c', b'd', b'n', 0xc0, 16,
    // 69: cdn.example.com (-> 63) A IN 60: 192.0.2.1
    0xc0, 63, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04,
    192, 0, 2, 1,
    // 85: cdn.example.com (-> 63) AAAA IN 60: 2001:db8::1
    0xc0, 63, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x10,
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
    // 113: OPT, payload 1232, DO set, no options
    0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,
];

#[test]
fn reply_with_compression() {
    assert_eq!(REPLY.len(), 124);
    let msg = Message::decode(REPLY).unwrap();
    let h = msg.header();
    assert_eq!(
        (h.id, h.qr, h.rd, h.ra, h.rcode),
        (0xbeef, true, true, true, Rcode::NoError)
    );
    assert_eq!(msg.decoded_len(), REPLY.len());
    assert!(msg.answers_question(&name("WWW.Example.COM."), RecordType::A));
    assert!(!msg.answers_question(&name("www.example.com"), RecordType::AAAA));
    assert!(!msg.answers_question(&name("www.example.net"), RecordType::A));
    assert!(!msg.answers_question(&name("example.com"), RecordType::A));

    let q = msg.questions().next().unwrap();
    assert_eq!(
        (q.name.offset(), q.qtype, q.class),
        (12, RecordType::A, Class::IN)
    );
    assert_eq!(q.name.to_name().unwrap().as_wire(), WWW_EXAMPLE_COM);

    let answers = msg.answers();
    assert_eq!(answers.len(), 4);
    let mut want = name("www.example.com");
    let mut addresses = 0;
    for r in answers {
        assert_eq!(r.name, want, "{r:?}");
        assert_eq!(r.class, Class::IN);
        match r.data {
            RecordData::Cname(target) => {
                assert_eq!((r.rtype, r.ttl), (RecordType::CNAME, 300));
                want = target.to_name().unwrap();
            }
            RecordData::A(a) => {
                assert_eq!((a, r.ttl), (Ipv4Addr::new(192, 0, 2, 1), 60));
                addresses += 1;
            }
            RecordData::Aaaa(a) => {
                assert_eq!(a, "2001:db8::1".parse::<Ipv6Addr>().unwrap());
                addresses += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(want, name("cdn.example.com"));
    assert_eq!(addresses, 2);

    let cnames: [_; 2] = core::array::from_fn(|i| msg.answers().nth(i).unwrap());
    assert_eq!(cnames[1].name.to_string(), "web.example.com");
    assert_eq!(cnames[0].data, RecordData::Cname(cnames[1].name));
    let labels = cnames[1].name.labels();
    assert!(labels.eq([&b"web"[..], b"example", b"com"]));

    assert_eq!(msg.authorities().count(), 0);
    let opt = msg.additionals().next().unwrap();
    assert_eq!(opt.rtype, RecordType::OPT);
    assert!(opt.name.eq_name(&DomainName::root()));
    let edns = msg.edns().unwrap();
    assert_eq!(edns.udp_payload_size, 1232);
    assert!(edns.dnssec_ok);
    assert_eq!(exercise(REPLY), Ok(6));
}

#[test]
fn trailing_bytes_ignored() {
    let mut buf = Buf::reply(0, 0, 0, 0);
    buf.put(&REPLY[HEADER_LEN..]);
    buf.bytes[..HEADER_LEN].copy_from_slice(&REPLY[..HEADER_LEN]);
    buf.put(b"junk");
    let msg = Message::decode(buf.bytes()).unwrap();
    assert_eq!(msg.decoded_len(), REPLY.len());
    assert_eq!(msg.as_bytes().len(), REPLY.len() + 4);
    assert_eq!(msg.answers().count(), 4);
}

#[test]
fn every_truncation_is_short() {
    for len in 0..REPLY.len() {
        assert_eq!(
            exercise(&REPLY[..len]),
            Err(WireError::Short),
            "cut at {len}"
        );
    }
}

#[test]
fn every_byte_changed_never_panics() {
    let mut bytes = [0u8; 124];
    for at in 0..REPLY.len() {
        // Under Miri (about a thousand times slower) 0x00, 0x55 (a length), 0xaa (a
        // reserved label type) and 0xff (a pointer).
        for value in (0..=255).step_by(if cfg!(miri) { 85 } else { 1 }) {
            bytes.copy_from_slice(REPLY);
            bytes[at] = value;
            let _ = exercise(&bytes);
        }
    }
}

#[test]
fn random_changes_never_panic() {
    // xorshift: deterministic noise. A few bytes of the reply changed at a time, to
    // values shaped like pointers, small lengths, or anything; sometimes cut short.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut bytes = [0u8; 124];
    let (mut parsed, mut failed) = (0, 0);
    // Under Miri, which is about a thousand times slower, the first 500 of the 50 000.
    let rounds = if cfg!(miri) { 500 } else { 50_000 };
    for _ in 0..rounds {
        bytes.copy_from_slice(REPLY);
        for _ in 0..1 + next() % 4 {
            let r = next();
            let at = (r % 124) as usize;
            bytes[at] = match (r >> 8) % 4 {
                0 => 0xc0 | (r >> 16) as u8 & 0x3f,
                1 => (r >> 16) as u8 % 8,
                _ => (r >> 16) as u8,
            };
        }
        let len = match next() % 4 {
            0 => (next() % 125) as usize,
            _ => 124,
        };
        match exercise(&bytes[..len]) {
            Ok(_) => parsed += 1,
            Err(_) => failed += 1,
        }
    }
    assert!(
        parsed > rounds / 50 && failed > rounds / 50,
        "{parsed} {failed}"
    );
}

#[test]
fn pointer_loops() {
    // A question whose name points to itself.
    let mut buf = Buf::reply(1, 0, 0, 0);
    buf.pointer(12).put(&[0, 1, 0, 1]);
    assert_eq!(exercise(buf.bytes()), Err(WireError::PointerLoop));

    // A label, then a pointer back to that label.
    let mut buf = Buf::reply(1, 0, 0, 0);
    buf.put(b"\x01a").pointer(12).put(&[0, 1, 0, 1]);
    assert_eq!(exercise(buf.bytes()), Err(WireError::PointerLoop));

    // A 2-cycle, 12 -> 14 -> 12: every cycle has a step that is not backwards.
    let mut buf = Buf::reply(1, 0, 0, 0);
    buf.pointer(14).pointer(12).put(&[0, 1, 0, 1]);
    assert_eq!(exercise(buf.bytes()), Err(WireError::PointerForward));
    // The same cycle entered through a backward pointer: a TXT record's data (at 23)
    // holds 23 -> 25 and 25 -> 23; the next record's owner points to 25. Back to 23 is
    // fine, then 23 -> 25 goes forward.
    let mut buf = Buf::reply(0, 2, 0, 0);
    buf.put(&[0]).fixed(RecordType::TXT, 4);
    assert_eq!(buf.len, 23);
    buf.pointer(25).pointer(23);
    buf.pointer(25).fixed(RecordType::TXT, 0);
    assert_eq!(exercise(buf.bytes()), Err(WireError::PointerForward));
}

/// A TXT record (at 12) whose data holds a root zero and then `chain` pointers, each to
/// the one before; then a record owned by the last pointer: `chain + 1` pointers.
fn pointer_chain(chain: usize) -> Buf {
    let mut buf = Buf::reply(0, 2, 0, 0);
    buf.put(&[0]).fixed(RecordType::TXT, 1 + 2 * chain);
    let zero = buf.len;
    buf.put(&[0]);
    for i in 0..chain {
        buf.pointer(if i == 0 { zero } else { zero + 1 + 2 * (i - 1) });
    }
    let last = zero + 1 + 2 * (chain - 1);
    buf.pointer(last).fixed(RecordType::TXT, 0);
    buf
}

#[test]
fn pointer_limit() {
    assert_eq!(exercise(pointer_chain(POINTER_LIMIT - 1).bytes()), Ok(2));
    assert_eq!(
        exercise(pointer_chain(POINTER_LIMIT).bytes()),
        Err(WireError::PointerLoop)
    );
}

/// Found by the `dns_message` fuzz target (fuzz/findings/dns_message-pointer-into-header):
/// a question's name pointed to offset 0, the header, whose bytes read as an 18-byte
/// label that ran over the pointer itself and ended at a root zero past `decoded_len`, so
/// bytes said to be ignored decided the name.
#[test]
fn pointer_into_header_is_refused() {
    let input = [
        0x12, 0x34, 0x81, 0x83, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // header
        0xc0, 0x00, 0x01, 0x02, // a question: a pointer to 0, type 1, class 2
        0x00, 0x00, 0x00, 0x00, // after the message
    ];
    assert_eq!(exercise(&input), Err(WireError::PointerIntoHeader));
    assert_eq!(
        Message::decode(&input[..16]).err(),
        Some(WireError::PointerIntoHeader)
    );
    // Every offset in the header, and the first past it.
    for to in 0..HEADER_LEN {
        let mut buf = Buf::reply(2, 0, 0, 0);
        buf.put(b"\x01a\x00").put(&[0, 1, 0, 1]);
        buf.pointer(to).put(&[0, 1, 0, 1]);
        assert_eq!(exercise(buf.bytes()), Err(WireError::PointerIntoHeader));
    }
    let mut buf = Buf::reply(2, 0, 0, 0);
    buf.put(b"\x01a\x00").put(&[0, 1, 0, 1]);
    buf.pointer(HEADER_LEN).put(&[0, 1, 0, 1]);
    assert_eq!(exercise(buf.bytes()), Ok(2));
}

/// The labels a pointer leads to must end before the pointer: else a name could read
/// on past `decoded_len` without pointing into the header.
#[test]
fn labels_after_a_pointer_end_before_it() {
    // Question 1 at 12: the root, type 0x0005, class 0x0001. Question 2 at 17 points to
    // 14, where 0x05 starts a 5-byte label over bytes 15..20: over the pointer at 17
    // itself, and on towards the bytes after the message.
    let mut buf = Buf::reply(2, 0, 0, 0);
    buf.put(&[0, 0x00, 0x05, 0x00, 0x01]);
    assert_eq!(buf.len, 17);
    buf.pointer(14).put(&[0, 1, 0, 1]);
    assert_eq!(exercise(buf.bytes()), Err(WireError::LabelsPastPointer));
    buf.put(&[0; 8]);
    assert_eq!(exercise(buf.bytes()), Err(WireError::LabelsPastPointer));

    // A run ending right before its pointer is fine: the pointer at 19 leads to a label
    // and a root at 12..15, which end where the next question starts.
    let mut buf = Buf::reply(2, 0, 0, 0);
    buf.put(b"\x01a\x00").put(&[0, 1, 0, 1]);
    buf.pointer(12).put(&[0, 1, 0, 1]);
    assert_eq!(exercise(buf.bytes()), Ok(2));

    // A run that reaches its pointer with a label: a TXT record at 12 (root owner) whose
    // data, at 23, is 0x01 'b'; the next record's owner points there, and the run reads
    // `b` and then the owner's pointer at 25 itself.
    let mut rec = Buf::reply(0, 2, 0, 0);
    rec.put(&[0]).fixed(RecordType::TXT, 2).put(b"\x01b");
    assert_eq!(rec.len, 25);
    rec.pointer(23).fixed(RecordType::TXT, 0);
    assert_eq!(exercise(rec.bytes()), Err(WireError::LabelsPastPointer));
    // The same record with a root after `b` in the data ends in time.
    let mut rec = Buf::reply(0, 2, 0, 0);
    rec.put(&[0]).fixed(RecordType::TXT, 3).put(b"\x01b\x00");
    rec.pointer(23).fixed(RecordType::TXT, 0);
    assert_eq!(exercise(rec.bytes()), Ok(2));
    // Ending with a pointer that reaches its own pointer's position: data 0x01 'b' 0xc0
    // at 23..26, its pointer's second byte the first of the owner's pointer at 26.
    let mut rec = Buf::reply(0, 2, 0, 0);
    rec.put(&[0]).fixed(RecordType::TXT, 3).put(b"\x01b\xc0");
    assert_eq!(rec.len, 26);
    rec.pointer(23).fixed(RecordType::TXT, 0);
    assert_eq!(exercise(rec.bytes()), Err(WireError::LabelsPastPointer));
}

#[test]
fn pointer_forward_and_past_end() {
    let mut buf = Buf::reply(1, 0, 0, 0);
    buf.pointer(18).put(&[0, 1, 0, 1]).put(&[0]);
    assert_eq!(exercise(buf.bytes()), Err(WireError::PointerForward));

    let mut buf = Buf::reply(1, 0, 0, 0);
    buf.pointer(0x3fff).put(&[0, 1, 0, 1]);
    assert_eq!(exercise(buf.bytes()), Err(WireError::PointerOutOfRange));
    let mut buf = Buf::reply(1, 0, 0, 0);
    buf.pointer(18).put(&[0, 1, 0, 1]);
    assert_eq!(exercise(buf.bytes()), Err(WireError::PointerOutOfRange));

    // Half a pointer at the end.
    let mut buf = Buf::reply(1, 0, 0, 0);
    buf.put(b"\x01a\xc0");
    assert_eq!(exercise(buf.bytes()), Err(WireError::Short));
}

#[test]
fn label_types() {
    for (byte, kind) in [
        (0x40, 0x40),
        (0x41, 0x40),
        (0x7f, 0x40),
        (0x80, 0x80),
        (0xbf, 0x80),
    ] {
        let mut buf = Buf::reply(1, 0, 0, 0);
        buf.put(&[byte]).put(&[b'x'; 70]).put(&[0, 0, 1, 0, 1]);
        assert_eq!(exercise(buf.bytes()), Err(WireError::BadLabelType(kind)));
    }
    // A 63-byte label is fine.
    let mut buf = Buf::reply(1, 0, 0, 0);
    buf.put(&[63]).put(&[b'x'; 63]).put(&[0, 0, 1, 0, 1]);
    assert_eq!(exercise(buf.bytes()), Ok(1));
}

/// A TXT record holding `labels` labels of 63 bytes, each run ended by a pointer to the
/// previous one (the first by a zero), then `last` more bytes of label and a pointer,
/// owning the next record: the name of the second record is that long.
fn long_name(runs: usize, last: usize) -> Buf {
    let mut buf = Buf::reply(0, 2, 0, 0);
    buf.put(&[0]).fixed(RecordType::TXT, 65 + (runs - 1) * 66);
    let mut prev = buf.len;
    buf.put(&[63]).put(&[b'a'; 63]).put(&[0]);
    for _ in 1..runs {
        let here = buf.len;
        buf.put(&[63]).put(&[b'b'; 63]).pointer(prev);
        prev = here;
    }
    buf.put(&[last as u8])
        .put(&[b'c'; 63][..last])
        .pointer(prev);
    buf.fixed(RecordType::TXT, 0);
    buf
}

#[test]
fn name_too_long() {
    // 3 labels of 63 and one of 61: 255 bytes.
    let ok = long_name(3, 61);
    let msg = Message::decode(ok.bytes()).unwrap();
    let owner = msg.answers().nth(1).unwrap().name;
    assert_eq!(owner.to_name().unwrap().as_wire().len(), NAME_MAX);
    // One byte more.
    assert_eq!(
        exercise(long_name(3, 62).bytes()),
        Err(WireError::NameTooLong)
    );
    assert_eq!(
        exercise(long_name(4, 63).bytes()),
        Err(WireError::NameTooLong)
    );
}

#[test]
fn rdata_lengths() {
    let mut buf = Buf::reply(0, 1, 0, 0);
    buf.put(&[0]).fixed(RecordType::A, 5).put(&[1, 2, 3, 4, 5]);
    assert_eq!(
        exercise(buf.bytes()),
        Err(WireError::BadRdLength {
            rtype: RecordType::A.as_raw(),
            len: 5
        })
    );
    let mut buf = Buf::reply(0, 1, 0, 0);
    buf.put(&[0]).fixed(RecordType::AAAA, 4).put(&[1, 2, 3, 4]);
    assert_eq!(
        exercise(buf.bytes()),
        Err(WireError::BadRdLength {
            rtype: RecordType::AAAA.as_raw(),
            len: 4
        })
    );
    // A CNAME whose name is shorter or longer than its data.
    for (rdlen, rdata) in [(4, &b"\x01a\x00\x00"[..]), (2, b"\x01a\x00")] {
        let mut buf = Buf::reply(0, 1, 0, 0);
        buf.put(&[0]).fixed(RecordType::CNAME, rdlen).put(rdata);
        assert_eq!(
            exercise(buf.bytes()),
            Err(WireError::BadRdLength {
                rtype: RecordType::CNAME.as_raw(),
                len: rdlen as u16
            })
        );
    }
    // Data past the end of the message.
    let mut buf = Buf::reply(0, 1, 0, 0);
    buf.put(&[0]).fixed(RecordType::TXT, 10).put(&[1, 2, 3]);
    assert_eq!(exercise(buf.bytes()), Err(WireError::Short));
    // An A record outside class IN is not an address.
    let mut buf = Buf::reply(0, 1, 0, 0);
    buf.put(&[0, 0, 1, 0, 3, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5]);
    let msg = Message::decode(buf.bytes()).unwrap();
    let r = msg.answers().next().unwrap();
    assert_eq!(r.class, Class::Unknown(3));
    assert_eq!(
        r.data,
        RecordData::Other {
            rtype: RecordType::A,
            bytes: &[1, 2, 3, 4, 5]
        }
    );
}

#[test]
fn ptr_and_ns() {
    let mut buf = Buf::reply(0, 2, 0, 0);
    buf.put(WWW_EXAMPLE_COM)
        .fixed(RecordType::PTR, 2)
        .pointer(12);
    buf.pointer(16)
        .fixed(RecordType::NS, 6)
        .put(b"\x03ns1")
        .pointer(16);
    let msg = Message::decode(buf.bytes()).unwrap();
    let mut answers = msg.answers();
    let ptr = answers.next().unwrap();
    assert_eq!(ptr.data, RecordData::Ptr(ptr.name));
    let ns = answers.next().unwrap();
    assert_eq!(ns.name.to_string(), "example.com");
    let RecordData::Ns(server) = ns.data else {
        panic!("{:?}", ns.data)
    };
    assert_eq!(server, name("NS1.example.com"));
    assert_ne!(server, name("ns1.example"));
    assert_ne!(server, ns.name);
}

#[test]
fn names_compare_by_labels() {
    let mut buf = Buf::reply(2, 0, 0, 0);
    buf.put(b"\x02Ab\x01c\x00").put(&[0, 1, 0, 1]);
    buf.put(b"\x01a\x02bc\x00").put(&[0, 1, 0, 1]);
    let msg = Message::decode(buf.bytes()).unwrap();
    let mut qs = msg.questions();
    let (q1, q2) = (qs.next().unwrap(), qs.next().unwrap());
    assert!(q1.name.eq_name(&name("ab.C")));
    assert!(!q1.name.eq_name(&name("a.bc")));
    assert!(!q1.name.eq_name(&name("ab")));
    assert!(!q1.name.eq_name(&name("ab.c.d")));
    assert!(q2.name.eq_name(&name("a.bc")));
    assert_ne!(q1.name, q2.name);
    assert_eq!(name("AB.c"), q1.name);
    assert!(!msg.answers_question(&name("ab.c"), RecordType::A)); // two questions
    assert_eq!(format!("{:?}", q1.name), "NameRef(Ab.c @12)");
}

#[test]
fn reverse_names() {
    let v4 = reverse_name("192.0.2.1".parse().unwrap());
    assert_eq!(v4, name("1.2.0.192.in-addr.arpa"));
    assert_eq!(
        reverse_name("10.255.0.99".parse().unwrap()).to_string(),
        "99.0.255.10.in-addr.arpa"
    );
    let v6 = reverse_name("2001:db8::1".parse().unwrap());
    assert_eq!(
        v6.to_string(),
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
    );
    let all_f = reverse_name("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".parse().unwrap());
    assert_eq!(all_f.label_count(), 34);
    assert_eq!(all_f.as_wire().len(), 74);
}

#[test]
fn errors_display() {
    let e = Error::from(WireError::BadRdLength {
        rtype: RecordType::A.as_raw(),
        len: 5,
    });
    assert_eq!(
        e.to_string(),
        "malformed DNS message: 5 bytes of data for a record of type A"
    );
    assert_eq!(
        WireError::BadLabelType(0x80).to_string(),
        "label type 0x80 is not supported"
    );
    assert_eq!(
        WireError::NameTooLong.to_string(),
        "name longer than 255 bytes"
    );
}
