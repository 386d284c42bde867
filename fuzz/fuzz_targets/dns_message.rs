//! `resolve::wire`: the DNS message codec on arbitrary bytes.
//!
//! Asserts: the header reads back to its bytes (the `Z` bit aside, documented as ignored and
//! written as zero); a parsed message yields exactly the counted questions and records; every
//! name converts (`to_name`), agrees label by label and in `Display` with its `DomainName`, and
//! stays within the RFC 1035 limits; decoded record data matches its type and class, and
//! (read by this target's own model of the record layout) its type, class, TTL and bytes:
//! an `A`/`AAAA` address is its rdata, undecoded data is the rdata whole; `edns()`
//! is the first `OPT` record; the parsed prefix parses again to the same end; and each
//! question's name and type go through `encode_query` and back.
#![no_main]

use baresock::resolve::__private::wire::{
    encode_query, encode_query_tcp, query_len, Class, Header, Message, NameRef, RecordData,
    RecordType, HEADER_LEN,
};
use baresock::resolve::{LABEL_MAX, NAME_MAX};
use libfuzzer_sys::fuzz_target;

/// The header's `Z` bit (RFC 1035 §4.1.1), in its second flags byte.
const Z_BIT: u8 = 0x40;

fuzz_target!(|data: &[u8]| {
    header_round_trip(data);
    let Ok(msg) = Message::decode(data) else {
        return;
    };
    let h = *msg.header();
    assert_eq!(Header::decode(data), Ok(h));
    assert_eq!(msg.as_bytes(), data);
    let end = msg.decoded_len();
    assert!((HEADER_LEN..=data.len()).contains(&end), "decoded_len {end}");

    let questions = msg.questions();
    assert_eq!(questions.len(), usize::from(h.qdcount));
    let mut seen = 0usize;
    for q in questions {
        seen += 1;
        check_name(data, q.name);
        let _ = format!("{} {} {} {q:?}", q.name, q.qtype, q.class);
        query_round_trip(q.name, q.qtype);
    }
    assert_eq!(seen, usize::from(h.qdcount));

    for (records, count) in [
        (msg.answers(), h.ancount),
        (msg.authorities(), h.nscount),
        (msg.additionals(), h.arcount),
    ] {
        assert_eq!(records.len(), usize::from(count));
        let mut seen = 0usize;
        for r in records {
            seen += 1;
            check_name(data, r.name);
            let rdata = check_fixed_fields(data, &r);
            match r.data {
                RecordData::A(ip) => {
                    assert!(r.rtype == RecordType::A && r.class == Class::IN);
                    assert_eq!(rdata, ip.octets(), "an A record's address is its 4 rdata bytes");
                }
                RecordData::Aaaa(ip) => {
                    assert!(r.rtype == RecordType::AAAA && r.class == Class::IN);
                    assert_eq!(rdata, ip.octets(), "an AAAA record's address is its 16 bytes");
                }
                RecordData::Cname(n) => {
                    assert_eq!(r.rtype, RecordType::CNAME);
                    check_name(data, n);
                }
                RecordData::Ptr(n) => {
                    assert_eq!(r.rtype, RecordType::PTR);
                    check_name(data, n);
                }
                RecordData::Ns(n) => {
                    assert_eq!(r.rtype, RecordType::NS);
                    check_name(data, n);
                }
                RecordData::Other { rtype, bytes } => {
                    assert_eq!(rtype, r.rtype);
                    assert_eq!(bytes, rdata, "undecoded data is the rdata, whole");
                    assert!(!matches!(
                        rtype,
                        RecordType::CNAME | RecordType::PTR | RecordType::NS
                    ));
                    if r.class == Class::IN {
                        assert!(!matches!(rtype, RecordType::A | RecordType::AAAA));
                    }
                    assert!(bytes.len() <= end);
                }
                _ => {}
            }
            let _ = format!("{r:?} {} {}", r.rtype, r.class);
        }
        assert_eq!(seen, usize::from(count));
    }

    // `edns()` is the first OPT record of the additional section.
    let opt = msg.additionals().find(|r| r.rtype == RecordType::OPT);
    match (msg.edns(), opt) {
        (None, None) => {}
        (Some(e), Some(r)) => {
            assert_eq!(e.udp_payload_size, r.class.as_raw());
            let [rcode, version, flags, _] = r.ttl.to_be_bytes();
            assert_eq!((e.extended_rcode, e.version), (rcode, version));
            assert_eq!(e.dnssec_ok, flags & 0x80 != 0);
            assert!(matches!(r.data, RecordData::Other { bytes, .. } if bytes == e.options));
        }
        (e, r) => panic!("edns() {e:?} but first OPT record {r:?}"),
    }

    // What `answers_question` says follows from the header and the question section.
    if let Some(q) = msg.questions().next() {
        let name = q.name.to_name().expect("checked name");
        let expect = h.qr && h.qdcount == 1 && q.class == Class::IN;
        assert_eq!(msg.answers_question(&name, q.qtype), expect);
    }

    // Every name lies within the parsed bytes, past the header, pointers followed (the
    // module's rules for pointers); so the parsed prefix is a message on its own, ending at
    // the same place: the bytes after it are ignored.
    assert!(
        !reads_outside(&msg, data, end),
        "a name reads outside 12..{end}"
    );
    let again = Message::decode(&data[..end]).expect("the parsed prefix parses");
    assert_eq!(again.decoded_len(), end);
});

/// Whether a name of `msg` reads a label in the header, or a label or the byte after one at
/// or past `end`.
fn reads_outside(msg: &Message<'_>, data: &[u8], end: usize) -> bool {
    let past = |n: NameRef<'_>| {
        n.labels().any(|l| {
            let at = l.as_ptr() as usize - data.as_ptr() as usize;
            at <= HEADER_LEN || at + l.len() >= end
        })
    };
    let records = msg
        .answers()
        .chain(msg.authorities())
        .chain(msg.additionals());
    msg.questions().any(|q| past(q.name))
        || records.into_iter().any(|r| {
            past(r.name)
                || matches!(r.data, RecordData::Cname(n) | RecordData::Ptr(n) | RecordData::Ns(n) if past(n))
        })
}

/// A record's fixed fields read from the bytes by this model, independently of the codec:
/// after the owner name (its labels in place, up to a zero byte or a 2-byte pointer) come
/// type, class, TTL, RDLENGTH and the data. Checks the first four against the parsed record
/// and returns the data's bytes.
fn check_fixed_fields<'a>(data: &'a [u8], r: &baresock::resolve::__private::wire::Record<'_>) -> &'a [u8] {
    let mut at = r.name.offset();
    loop {
        let len = data[at];
        if len == 0 {
            at += 1;
            break;
        }
        if len & 0xc0 == 0xc0 {
            at += 2;
            break;
        }
        at += 1 + usize::from(len);
    }
    let u16_at = |i: usize| u16::from_be_bytes([data[i], data[i + 1]]);
    assert_eq!(u16_at(at), r.rtype.as_raw(), "type");
    assert_eq!(u16_at(at + 2), r.class.as_raw(), "class");
    let ttl = u32::from_be_bytes([data[at + 4], data[at + 5], data[at + 6], data[at + 7]]);
    assert_eq!(ttl, r.ttl, "TTL");
    let rdlen = usize::from(u16_at(at + 8));
    &data[at + 10..at + 10 + rdlen]
}

/// `Header::decode` → `encode` gives the first 12 bytes back, the `Z` bit cleared.
fn header_round_trip(data: &[u8]) {
    match Header::decode(data) {
        Err(_) => assert!(data.len() < HEADER_LEN),
        Ok(h) => {
            let mut expect: [u8; HEADER_LEN] = data[..HEADER_LEN].try_into().unwrap();
            expect[3] &= !Z_BIT;
            assert_eq!(h.encode(), expect);
            assert_eq!(Header::decode_array(&expect), h);
            let _ = format!("{} {} {h:?}", h.opcode, h.rcode);
        }
    }
}

/// A name from a parsed message: converts, and agrees with its `DomainName` every way.
fn check_name(data: &[u8], n: NameRef<'_>) {
    assert!(n.offset() < data.len());
    let name = n.to_name().expect("a NameRef of a parsed Message converts");
    let wire = name.as_wire();
    assert!(!wire.is_empty() && wire.len() <= NAME_MAX);
    assert_eq!(wire.last(), Some(&0));
    let mut labels = 0;
    for label in n.labels() {
        assert!((1..=LABEL_MAX).contains(&label.len()));
        labels += 1;
    }
    assert_eq!(labels, name.label_count());
    assert!(n.labels().eq(name.labels()));
    assert!(n.eq_name(&name));
    assert!(n == name, "NameRef == DomainName");
    assert!(name == n, "DomainName == NameRef");
    let same = n;
    assert!(n == same);
    let text = n.to_string();
    assert_eq!(text, name.to_string());
    let mut buf = [0u8; 4 * NAME_MAX];
    let len = name
        .write_text(&mut buf)
        .expect("4 bytes a wire byte is enough");
    assert_eq!(&buf[..len], text.as_bytes());
    let _ = format!("{n:?} {:?}", n.labels());
}

/// A question's name and type, written as a query and read back.
fn query_round_trip(n: NameRef<'_>, qtype: RecordType) {
    let name = n.to_name().expect("checked name");
    let mut buf = [0u8; 2 + 12 + NAME_MAX + 4 + 11];
    for edns in [None, Some(1232)] {
        let len = encode_query(&mut buf, 0xbeef, &name, qtype, edns).expect("room for any query");
        assert_eq!(len, query_len(&name, edns.is_some()));
        assert!(encode_query(&mut buf[..len - 1], 0xbeef, &name, qtype, edns).is_err());
        let q = Message::decode(&buf[..len]).expect("an encoded query parses");
        assert_eq!(q.decoded_len(), len);
        assert!(q.header().rd && !q.header().qr && q.header().id == 0xbeef);
        let mut qs = q.questions();
        let first = qs.next().expect("one question");
        assert!(qs.next().is_none());
        assert!(first.name == name && first.qtype == qtype && first.class == Class::IN);
        assert_eq!(first.name.to_name().unwrap().as_wire(), name.as_wire());
        assert_eq!(q.edns().map(|e| e.udp_payload_size), edns);
        let tcp = encode_query_tcp(&mut buf, 0xbeef, &name, qtype, edns).expect("room");
        assert_eq!(tcp, len + 2);
        assert_eq!(usize::from(u16::from_be_bytes([buf[0], buf[1]])), len);
    }
}
