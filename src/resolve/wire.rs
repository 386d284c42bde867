//! The DNS message codec (RFC 1035): queries written into caller buffers, replies read as
//! zero-copy views, with compression pointers followed under a loop limit. No allocation.
//!
//! Covers what a stub resolver needs: the 12-byte [`Header`], questions, and records of every
//! type, with `A`, `AAAA` (RFC 3596), `CNAME`, `NS` and `PTR` data decoded and anything else
//! kept as bytes. EDNS0 (RFC 6891) is written as one `OPT` record in a query and read back
//! with [`Message::edns`].
//!
//! ```
//! use baresock::resolve::wire::{encode_query, Message, RecordType};
//! use baresock::resolve::DomainName;
//!
//! let name = DomainName::new("example.com")?;
//! let mut buf = [0u8; 512];
//! let len = encode_query(&mut buf, 0x1234, &name, RecordType::AAAA, Some(1232))?;
//!
//! // A query is a message too: read it back.
//! let msg = Message::parse(&buf[..len])?;
//! assert_eq!(msg.header().id, 0x1234);
//! let q = msg.questions().next().unwrap();
//! assert!(q.name.eq_name(&name));
//! assert_eq!(q.qtype, RecordType::AAAA);
//! assert_eq!(msg.edns().unwrap().udp_payload_size, 1232);
//! # Ok::<(), baresock::Error>(())
//! ```
//!
//! # Reading replies
//!
//! [`Message::parse`] checks the whole message before it returns: the header, then every
//! question and record of every section, every name with its compression pointers followed,
//! and the data of the record types it decodes. Once a [`Message`] exists nothing about it can
//! fail, so its iterators yield plain [`Question`]s and [`Record`]s, not `Result`s. Work is
//! bounded by the message's length: each name costs at most 255 bytes of labels and
//! [`POINTER_LIMIT`] pointers, and each record takes at least 11 bytes of the message.
//!
//! Bytes after the last record the header counts are ignored, as resolvers do;
//! [`Message::parsed_len`] says where the message ended, for callers who mind. Nothing in
//! the message reads them: every name lies within the parsed bytes, pointers followed,
//! because of the rules for compression pointers (RFC 1035 §4.1.4) below.
//!
//! # Compression pointers
//!
//! A name is a run of labels in place, ended by the root's zero or by a pointer to another
//! run, which ends the same way. `parse` follows every pointer and takes one only if:
//!
//! - it points within the message ([`WireError::PointerOutOfRange`]) and past the 12-byte
//!   header ([`WireError::PointerIntoHeader`]);
//! - it points strictly before the run of labels that led to it: the name's start, or the
//!   previous pointer's target ([`WireError::PointerForward`], [`WireError::PointerLoop`]),
//!   so that positions only go backwards and no loop is possible;
//! - the run it leads to ends, with the root or the next pointer, before the pointer's own
//!   position ([`WireError::LabelsPastPointer`]);
//! - the name follows at most [`POINTER_LIMIT`] of them.
//!
//! Every pointer then lies within bytes already known to be part of the message (the name's
//! own, or the run before it), so every label does too: the labels of a name read only
//! bytes before [`Message::parsed_len`]. Compressors point at earlier names, whose labels end
//! before the pointer, so real messages are not refused.
//!
//! Over TCP, every message is preceded by its length in two bytes (RFC 1035 §4.2.2):
//! [`encode_query_tcp`] writes it; for a reply, read the two bytes, then give `parse` the
//! message without them.

use core::fmt;
use core::iter::FusedIterator;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::name::{DomainName, NameError, NAME_MAX};
use crate::Error;

/// The length of the fixed header every DNS message starts with.
pub const HEADER_LEN: usize = 12;

/// The most compression pointers followed within one name. A name of 255 bytes has at most
/// 127 labels, so no well-formed name needs more.
pub const POINTER_LIMIT: usize = 128;

/// The length of the `OPT` record [`encode_query`] adds for EDNS0: a root name, type, class
/// (the payload size), TTL (extended RCODE, version, flags) and an empty data length.
const OPT_LEN: usize = 11;

/// Why bytes are not a well-formed DNS message (see [`Error::MalformedDns`](crate::Error)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WireError {
    /// The message ends before what its header or a record says it holds.
    Short,
    /// A name has a length byte whose top bits are `01` or `10` (`0x40`, RFC 2673's
    /// extended labels, or `0x80`, reserved): neither a label of at most 63 bytes nor a
    /// pointer. This is also how a label longer than 63 bytes shows. The value is the byte's
    /// top two bits (`0x40` or `0x80`).
    BadLabelType(u8),
    /// A compression pointer leads back into the labels that led to it (or to itself), or a
    /// name follows more than [`POINTER_LIMIT`] pointers.
    PointerLoop,
    /// A compression pointer points past its own position. Every pointer must point strictly
    /// before the labels it ends, which is what makes loops impossible.
    PointerForward,
    /// A compression pointer points past the end of the message.
    PointerOutOfRange,
    /// A compression pointer points into the 12-byte header, where no name can be.
    PointerIntoHeader,
    /// The labels a compression pointer leads to run on to the pointer itself or past it:
    /// each run of labels reached through a pointer must end, with the root or the next
    /// pointer, before that pointer's position.
    LabelsPastPointer,
    /// A name is longer than 255 bytes in wire form, its pointers followed.
    NameTooLong,
    /// A record's data length does not fit its type: not 4 for `A`, not 16 for `AAAA`, or
    /// not the exact length of the name in a `CNAME`, `NS` or `PTR`.
    BadRdLength {
        /// The record's type.
        rtype: RecordType,
        /// The data length the record gives.
        len: u16,
    },
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            WireError::Short => f.write_str("message ends early"),
            WireError::BadLabelType(t) => write!(f, "label type {t:#04x} is not supported"),
            WireError::PointerLoop => f.write_str("compression pointers loop"),
            WireError::PointerForward => f.write_str("compression pointer points forward"),
            WireError::PointerOutOfRange => {
                f.write_str("compression pointer points past the message")
            }
            WireError::PointerIntoHeader => {
                f.write_str("compression pointer points into the header")
            }
            WireError::LabelsPastPointer => {
                f.write_str("labels after a compression pointer run past the pointer")
            }
            WireError::NameTooLong => write!(f, "name longer than {NAME_MAX} bytes"),
            WireError::BadRdLength { rtype, len } => {
                write!(f, "{len} bytes of data for a record of type {rtype}")
            }
        }
    }
}

impl From<WireError> for Error {
    fn from(e: WireError) -> Error {
        Error::MalformedDns(e)
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for WireError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Debug2Format(self))
    }
}

/// An open enum of wire numbers: named values, `Unknown` for the rest, conversions both ways,
/// equality by number (so `Unknown(1)` equals `A`), and `Display` in the zone-file spelling.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident: $raw:ty, unknown $unknown:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, $text:literal; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this crate does not name.
            Unknown($raw),
        }

        impl $name {
            /// From the number on the wire.
            pub const fn from_raw(v: $raw) -> $name {
                match v {
                    $( $value => $name::$variant, )*
                    v => $name::Unknown(v),
                }
            }

            /// The number on the wire.
            pub const fn as_raw(self) -> $raw {
                match self {
                    $( $name::$variant => $value, )*
                    $name::Unknown(v) => v,
                }
            }
        }

        impl From<$raw> for $name {
            fn from(v: $raw) -> $name {
                $name::from_raw(v)
            }
        }

        impl From<$name> for $raw {
            fn from(v: $name) -> $raw {
                v.as_raw()
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &$name) -> bool {
                self.as_raw() == other.as_raw()
            }
        }

        impl Eq for $name {}

        impl core::hash::Hash for $name {
            fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
                self.as_raw().hash(state)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match *self {
                    $( $name::$variant => f.write_str($text), )*
                    $name::Unknown(v) => write!(f, $unknown, v),
                }
            }
        }
    };
}

open_enum! {
    /// A record type (`TYPE` / `QTYPE`, RFC 1035 §3.2.2). `Display` writes the mnemonic, or
    /// `TYPE` and the number for the others (RFC 3597 §5).
    #[allow(clippy::upper_case_acronyms)]
    pub enum RecordType: u16, unknown "TYPE{}" {
        /// An IPv4 address.
        A = 1, "A";
        /// An authoritative name server.
        NS = 2, "NS";
        /// The canonical name for an alias.
        CNAME = 5, "CNAME";
        /// The start of a zone of authority.
        SOA = 6, "SOA";
        /// A domain name pointer (reverse lookups).
        PTR = 12, "PTR";
        /// A mail exchange.
        MX = 15, "MX";
        /// Text strings.
        TXT = 16, "TXT";
        /// An IPv6 address (RFC 3596).
        AAAA = 28, "AAAA";
        /// The EDNS0 pseudo-record (RFC 6891).
        OPT = 41, "OPT";
    }
}

open_enum! {
    /// A record class (`CLASS` / `QCLASS`, RFC 1035 §3.2.4). `Display` writes `IN`, or
    /// `CLASS` and the number (RFC 3597 §5).
    #[allow(clippy::upper_case_acronyms)]
    pub enum Class: u16, unknown "CLASS{}" {
        /// The Internet.
        IN = 1, "IN";
    }
}

open_enum! {
    /// The response code in a header's four `RCODE` bits (RFC 1035 §4.1.1). Only the low four
    /// bits of a value reach the wire.
    pub enum Rcode: u8, unknown "RCODE{}" {
        /// No error.
        NoError = 0, "NOERROR";
        /// The server could not read the query.
        FormErr = 1, "FORMERR";
        /// The server failed.
        ServFail = 2, "SERVFAIL";
        /// The name does not exist (authoritative answers only mean it).
        NxDomain = 3, "NXDOMAIN";
        /// The server does not do this kind of query.
        NotImp = 4, "NOTIMP";
        /// The server refuses, by policy.
        Refused = 5, "REFUSED";
    }
}

open_enum! {
    /// The kind of query in a header's four `OPCODE` bits (RFC 1035 §4.1.1). Only the low four
    /// bits of a value reach the wire.
    pub enum Opcode: u8, unknown "OPCODE{}" {
        /// A standard query.
        Query = 0, "QUERY";
        /// An inverse query (obsolete, RFC 3425).
        IQuery = 1, "IQUERY";
        /// A server status request.
        Status = 2, "STATUS";
        /// A zone change notification (RFC 1996).
        Notify = 4, "NOTIFY";
        /// A dynamic update (RFC 2136).
        Update = 5, "UPDATE";
    }
}

/// The 12 bytes every DNS message starts with (RFC 1035 §4.1.1), in big-endian order.
///
/// The flags `AD` and `CD` are RFC 4035's; the one remaining `Z` bit must be zero, is
/// ignored when read and written as zero.
///
/// ```
/// use baresock::resolve::wire::{Header, Rcode};
/// let bytes = [0xab, 0xcd, 0x81, 0x83, 0, 1, 0, 0, 0, 1, 0, 0];
/// let h = Header::parse(&bytes)?;
/// assert!(h.qr && h.rd && h.ra);
/// assert_eq!(h.rcode, Rcode::NxDomain);
/// assert_eq!((h.qdcount, h.nscount), (1, 1));
/// assert_eq!(h.to_bytes(), bytes);
/// # Ok::<(), baresock::resolve::wire::WireError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Header {
    /// The identifier the query chose and the reply copies.
    pub id: u16,
    /// `QR`: a response (set) or a query.
    pub qr: bool,
    /// `OPCODE`: the kind of query.
    pub opcode: Opcode,
    /// `AA`: the answer comes from an authority for the name.
    pub aa: bool,
    /// `TC`: the message was truncated to fit; ask again over TCP.
    pub tc: bool,
    /// `RD`: recursion desired.
    pub rd: bool,
    /// `RA`: recursion available.
    pub ra: bool,
    /// `AD`: the data is authentic (RFC 4035 §3.2.3).
    pub ad: bool,
    /// `CD`: checking disabled (RFC 4035 §3.2.2).
    pub cd: bool,
    /// `RCODE`: the response code.
    pub rcode: Rcode,
    /// `QDCOUNT`: how many questions.
    pub qdcount: u16,
    /// `ANCOUNT`: how many answer records.
    pub ancount: u16,
    /// `NSCOUNT`: how many authority records.
    pub nscount: u16,
    /// `ARCOUNT`: how many additional records.
    pub arcount: u16,
}

impl Header {
    /// A standard query's header: `id`, recursion desired, every other flag clear, no
    /// counts.
    pub const fn query(id: u16) -> Header {
        Header {
            id,
            qr: false,
            opcode: Opcode::Query,
            aa: false,
            tc: false,
            rd: true,
            ra: false,
            ad: false,
            cd: false,
            rcode: Rcode::NoError,
            qdcount: 0,
            ancount: 0,
            nscount: 0,
            arcount: 0,
        }
    }

    /// Reads the header from the first 12 bytes of `bytes`. Fails with [`WireError::Short`]
    /// when there are fewer.
    ///
    /// This reads the header alone: for a reply whose records do not parse (say, one cut
    /// short with [`tc`](Header::tc) set), it still tells the id, the flags and the `RCODE`.
    pub fn parse(bytes: &[u8]) -> Result<Header, WireError> {
        Ok(Header::from_bytes(&array(bytes, 0)?))
    }

    /// Reads the header from its 12 bytes.
    pub const fn from_bytes(b: &[u8; HEADER_LEN]) -> Header {
        const fn be(hi: u8, lo: u8) -> u16 {
            u16::from_be_bytes([hi, lo])
        }
        Header {
            id: be(b[0], b[1]),
            qr: b[2] & 0x80 != 0,
            opcode: Opcode::from_raw((b[2] >> 3) & 0x0f),
            aa: b[2] & 0x04 != 0,
            tc: b[2] & 0x02 != 0,
            rd: b[2] & 0x01 != 0,
            ra: b[3] & 0x80 != 0,
            ad: b[3] & 0x20 != 0,
            cd: b[3] & 0x10 != 0,
            rcode: Rcode::from_raw(b[3] & 0x0f),
            qdcount: be(b[4], b[5]),
            ancount: be(b[6], b[7]),
            nscount: be(b[8], b[9]),
            arcount: be(b[10], b[11]),
        }
    }

    /// The header's 12 bytes.
    pub const fn to_bytes(&self) -> [u8; HEADER_LEN] {
        const fn bit(set: bool, mask: u8) -> u8 {
            if set {
                mask
            } else {
                0
            }
        }
        let [id0, id1] = self.id.to_be_bytes();
        let [qd0, qd1] = self.qdcount.to_be_bytes();
        let [an0, an1] = self.ancount.to_be_bytes();
        let [ns0, ns1] = self.nscount.to_be_bytes();
        let [ar0, ar1] = self.arcount.to_be_bytes();
        let flags0 = bit(self.qr, 0x80)
            | (self.opcode.as_raw() & 0x0f) << 3
            | bit(self.aa, 0x04)
            | bit(self.tc, 0x02)
            | bit(self.rd, 0x01);
        let flags1 = bit(self.ra, 0x80)
            | bit(self.ad, 0x20)
            | bit(self.cd, 0x10)
            | (self.rcode.as_raw() & 0x0f);
        [
            id0, id1, flags0, flags1, qd0, qd1, an0, an1, ns0, ns1, ar0, ar1,
        ]
    }
}

/// The length of the query [`encode_query`] writes for `name`, with an EDNS0 `OPT` record or
/// without. At most 282 bytes.
pub fn query_len(name: &DomainName, edns: bool) -> usize {
    HEADER_LEN + name.as_wire().len() + 4 + if edns { OPT_LEN } else { 0 }
}

/// Writes a standard query into `buf` and returns its length: header with `id` and `RD` set,
/// one question for `name`, `qtype`, class `IN`, and, given `edns_udp_size`, one `OPT` record
/// in the additional section (RFC 6891 §6) advertising that UDP payload size, version 0, no
/// flags, no options. RFC 6891 §6.2.5 has receivers treat sizes below 512 as 512; 1232 is
/// the common choice.
///
/// Fails with [`Error::BufferTooSmall`] (with [`query_len`]) when `buf` is shorter. For TCP,
/// see [`encode_query_tcp`].
pub fn encode_query(
    buf: &mut [u8],
    id: u16,
    name: &DomainName,
    qtype: RecordType,
    edns_udp_size: Option<u16>,
) -> Result<usize, Error> {
    let needed = query_len(name, edns_udp_size.is_some());
    let out = buf
        .get_mut(..needed)
        .ok_or(Error::BufferTooSmall { needed })?;
    let mut header = Header::query(id);
    header.qdcount = 1;
    header.arcount = u16::from(edns_udp_size.is_some());
    let mut w = Writer { out, at: 0 };
    w.put(&header.to_bytes());
    w.put(name.as_wire());
    w.put(&qtype.as_raw().to_be_bytes());
    w.put(&Class::IN.as_raw().to_be_bytes());
    if let Some(size) = edns_udp_size {
        w.put(&[0]); // the root name
        w.put(&RecordType::OPT.as_raw().to_be_bytes());
        w.put(&size.to_be_bytes()); // the class field carries the payload size
        w.put(&[0, 0, 0, 0]); // extended RCODE, version 0, flags (DO clear)
        w.put(&[0, 0]); // no options
    }
    debug_assert_eq!(w.at, needed);
    Ok(needed)
}

/// Writes the query [`encode_query`] writes, preceded by its length in two big-endian bytes,
/// as DNS over TCP sends it (RFC 1035 §4.2.2), and returns the whole length. Fails with
/// [`Error::BufferTooSmall`] when `buf` is shorter than [`query_len`] plus 2.
pub fn encode_query_tcp(
    buf: &mut [u8],
    id: u16,
    name: &DomainName,
    qtype: RecordType,
    edns_udp_size: Option<u16>,
) -> Result<usize, Error> {
    let needed = query_len(name, edns_udp_size.is_some()) + 2;
    let (prefix, rest) = buf
        .split_at_mut_checked(2)
        .filter(|(_, rest)| rest.len() + 2 >= needed)
        .ok_or(Error::BufferTooSmall { needed })?;
    let len = encode_query(rest, id, name, qtype, edns_udp_size)?;
    // At most 282 bytes: the conversion cannot fail.
    let len16 = u16::try_from(len).map_err(|_| Error::BufferTooSmall { needed })?;
    prefix.copy_from_slice(&len16.to_be_bytes());
    Ok(needed)
}

/// Appends to a slice known to be long enough.
struct Writer<'b> {
    out: &'b mut [u8],
    at: usize,
}

impl Writer<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.at + bytes.len();
        if let Some(dst) = self.out.get_mut(self.at..end) {
            dst.copy_from_slice(bytes);
        }
        self.at = end;
    }
}

/// `n` bytes of `msg` from `at`, or [`WireError::Short`].
fn bytes(msg: &[u8], at: usize, n: usize) -> Result<&[u8], WireError> {
    let end = at.checked_add(n).ok_or(WireError::Short)?;
    msg.get(at..end).ok_or(WireError::Short)
}

/// `N` bytes of `msg` from `at` as an array, or [`WireError::Short`].
fn array<const N: usize>(msg: &[u8], at: usize) -> Result<[u8; N], WireError> {
    bytes(msg, at, N)?.try_into().map_err(|_| WireError::Short)
}

/// A domain name inside a message: where it starts, and the message, so that compression
/// pointers (RFC 1035 §4.1.4) can be followed. Zero-copy: `Copy`, two words.
///
/// Every `NameRef` comes from a [`Message`], which has checked the name: its labels,
/// pointers and length. The rules it checked: a label is 1 to 63 bytes; a length byte with
/// top bits `01` or `10` is an error; each pointer must point past the header and strictly
/// before the start of the run of labels that leads to it (the name's start, or the previous
/// pointer's target), so that positions only go backwards and no loop is possible; the run a
/// pointer leads to must end before the pointer; at most [`POINTER_LIMIT`] pointers; at most
/// 255 bytes once expanded (see [the module docs](self#compression-pointers)).
///
/// Compares with a [`DomainName`] ignoring ASCII case, without copying ([`eq_name`],
/// `==`); `Display` writes it as [`DomainName`] does.
///
/// [`eq_name`]: NameRef::eq_name
#[derive(Clone, Copy)]
pub struct NameRef<'a> {
    msg: &'a [u8],
    start: usize,
}

impl<'a> NameRef<'a> {
    /// Where the name starts in the message (its first length byte or pointer).
    pub fn offset(&self) -> usize {
        self.start
    }

    /// The labels, first (leftmost) to last, without the root, pointers followed.
    pub fn labels(&self) -> NameLabels<'a> {
        NameLabels {
            walk: Walk::new(self.msg, self.start),
        }
    }

    /// The name copied into a [`DomainName`]. Always `Ok` for a `NameRef` from a
    /// [`Message`], which checked the name; the `Result` keeps this true by construction
    /// rather than by promise.
    pub fn to_name(&self) -> Result<DomainName, WireError> {
        let mut walk = Walk::new(self.msg, self.start);
        let mut name = DomainName::root();
        while let Some(label) = walk.step()? {
            // The walk gives labels of 1 to 63 bytes and stops past 255: cannot fail.
            name.push_label(label).map_err(|_| WireError::NameTooLong)?;
        }
        Ok(name)
    }

    /// Whether this is `name`, label by label, ignoring ASCII case (RFC 4343).
    pub fn eq_name(&self, name: &DomainName) -> bool {
        eq_labels(self.labels(), name.labels())
    }
}

/// Label sequences equal ignoring ASCII case.
fn eq_labels<'x, 'y>(
    mut a: impl Iterator<Item = &'x [u8]>,
    mut b: impl Iterator<Item = &'y [u8]>,
) -> bool {
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => {}
            _ => return false,
        }
    }
}

impl PartialEq<DomainName> for NameRef<'_> {
    fn eq(&self, other: &DomainName) -> bool {
        self.eq_name(other)
    }
}

impl PartialEq<NameRef<'_>> for DomainName {
    fn eq(&self, other: &NameRef<'_>) -> bool {
        other.eq_name(self)
    }
}

/// Two names (from the same message or not) compare label by label, ignoring ASCII case.
impl<'b> PartialEq<NameRef<'b>> for NameRef<'_> {
    fn eq(&self, other: &NameRef<'b>) -> bool {
        eq_labels(self.labels(), other.labels())
    }
}

impl fmt::Display for NameRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_name() {
            Ok(name) => fmt::Display::fmt(&name, f),
            Err(e) => write!(f, "<{e}>"),
        }
    }
}

impl fmt::Debug for NameRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NameRef({self} @{})", self.start)
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for NameRef<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Display2Format(self))
    }
}

/// The labels of a [`NameRef`], as byte slices of the message.
#[derive(Clone)]
pub struct NameLabels<'a> {
    walk: Walk<'a>,
}

impl<'a> Iterator for NameLabels<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        // The name was checked when the message was parsed; an error cannot happen, and
        // would end the labels.
        self.walk.step().ok().flatten()
    }
}

impl FusedIterator for NameLabels<'_> {}

impl fmt::Debug for NameLabels<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NameLabels")
            .field("at", &self.walk.pos)
            .finish_non_exhaustive()
    }
}

/// Follows one name through its labels and pointers: the one place that reads names.
#[derive(Clone)]
struct Walk<'a> {
    msg: &'a [u8],
    /// The next length byte or pointer.
    pos: usize,
    /// Where the current run of labels began: the name's start or the last pointer's target.
    /// The next pointer must point before it.
    run_start: usize,
    /// Where the current run must end by: the last pointer's position (the run's bytes,
    /// its ending root or pointer included, lie before it), or the message's end in place.
    limit: usize,
    /// Pointers followed so far.
    jumps: usize,
    /// Wire length so far, without the root's zero.
    len: usize,
    /// Where the name ends in place: after its first pointer, or after its root zero.
    end: Option<usize>,
    /// The root was reached, or an error: no more labels.
    done: bool,
}

impl<'a> Walk<'a> {
    fn new(msg: &'a [u8], start: usize) -> Walk<'a> {
        Walk {
            msg,
            pos: start,
            run_start: start,
            limit: msg.len(),
            jumps: 0,
            len: 0,
            end: None,
            done: false,
        }
    }

    /// The next label; `None` at the root. After an error, `None` for good.
    fn step(&mut self) -> Result<Option<&'a [u8]>, WireError> {
        if self.done {
            return Ok(None);
        }
        let next = self.step_inner();
        if !matches!(next, Ok(Some(_))) {
            self.done = true;
        }
        next
    }

    /// Whether the current run may read the bytes before `end`: in place, those of the
    /// message; after a pointer, those before it, so that no name reads past the bytes
    /// `Message::parse` checked.
    fn within(&self, end: usize) -> Result<(), WireError> {
        if end <= self.limit {
            Ok(())
        } else if self.jumps == 0 {
            Err(WireError::Short)
        } else {
            Err(WireError::LabelsPastPointer)
        }
    }

    fn step_inner(&mut self) -> Result<Option<&'a [u8]>, WireError> {
        loop {
            self.within(self.pos + 1)?;
            let len = *self.msg.get(self.pos).ok_or(WireError::Short)?;
            match len & 0xc0 {
                0x00 if len == 0 => {
                    self.end.get_or_insert(self.pos + 1);
                    return Ok(None);
                }
                0x00 => {
                    let len = usize::from(len);
                    self.len += 1 + len;
                    // Room must remain for the root's zero.
                    if self.len + 1 > NAME_MAX {
                        return Err(WireError::NameTooLong);
                    }
                    self.within(self.pos + 1 + len)?;
                    let label = bytes(self.msg, self.pos + 1, len)?;
                    self.pos += 1 + len;
                    return Ok(Some(label));
                }
                0xc0 => {
                    self.within(self.pos + 2)?;
                    let [hi, lo] = array(self.msg, self.pos)?;
                    let target = usize::from(u16::from_be_bytes([hi & 0x3f, lo]));
                    self.end.get_or_insert(self.pos + 2);
                    if target >= self.msg.len() {
                        return Err(WireError::PointerOutOfRange);
                    }
                    if target > self.pos {
                        return Err(WireError::PointerForward);
                    }
                    if target < HEADER_LEN {
                        return Err(WireError::PointerIntoHeader);
                    }
                    if target >= self.run_start {
                        return Err(WireError::PointerLoop);
                    }
                    self.jumps += 1;
                    if self.jumps > POINTER_LIMIT {
                        return Err(WireError::PointerLoop);
                    }
                    self.limit = self.pos;
                    self.pos = target;
                    self.run_start = target;
                }
                kind => return Err(WireError::BadLabelType(kind)),
            }
        }
    }
}

/// Checks the name at `at`; returns it and where it ends in place.
fn read_name(msg: &[u8], at: usize) -> Result<(NameRef<'_>, usize), WireError> {
    let mut walk = Walk::new(msg, at);
    while walk.step()?.is_some() {}
    let end = walk.end.ok_or(WireError::Short)?;
    Ok((NameRef { msg, start: at }, end))
}

/// A question (RFC 1035 §4.1.2).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Question<'a> {
    /// `QNAME`.
    pub name: NameRef<'a>,
    /// `QTYPE`.
    pub qtype: RecordType,
    /// `QCLASS`.
    pub class: Class,
}

#[cfg(feature = "defmt")]
impl defmt::Format for Question<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{} {} {}", self.name, self.class, self.qtype)
    }
}

/// Checks the question at `at`; returns it and where the next item starts.
fn read_question(msg: &[u8], at: usize) -> Result<(Question<'_>, usize), WireError> {
    let (name, at) = read_name(msg, at)?;
    let [t0, t1, c0, c1] = array(msg, at)?;
    let question = Question {
        name,
        qtype: RecordType::from_raw(u16::from_be_bytes([t0, t1])),
        class: Class::from_raw(u16::from_be_bytes([c0, c1])),
    };
    Ok((question, at + 4))
}

/// A resource record (RFC 1035 §4.1.3).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Record<'a> {
    /// The owner name.
    pub name: NameRef<'a>,
    /// The type (also in [`data`](Record::data) when it is not decoded).
    pub rtype: RecordType,
    /// The class. In an `OPT` record, the sender's UDP payload size instead
    /// (see [`Message::edns`]).
    pub class: Class,
    /// The time to live, in seconds, as sent. RFC 2181 §8 has values with the top bit set
    /// read as 0. In an `OPT` record, the extended RCODE, version and flags instead.
    pub ttl: u32,
    /// The data, decoded for the types [`RecordData`] names.
    pub data: RecordData<'a>,
}

/// A record's data.
///
/// `A` and `AAAA` are decoded in class `IN` only (their form depends on the class); other
/// classes give [`RecordData::Other`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum RecordData<'a> {
    /// An `A` record's IPv4 address.
    A(Ipv4Addr),
    /// An `AAAA` record's IPv6 address (RFC 3596).
    Aaaa(Ipv6Addr),
    /// A `CNAME` record's canonical name.
    Cname(NameRef<'a>),
    /// A `PTR` record's name.
    Ptr(NameRef<'a>),
    /// An `NS` record's server name.
    Ns(NameRef<'a>),
    /// Any other type: its data as it is in the message (names in it may be compressed).
    Other {
        /// The record's type.
        rtype: RecordType,
        /// The data bytes (`RDATA`), `RDLENGTH` of them.
        bytes: &'a [u8],
    },
}

#[cfg(feature = "defmt")]
impl defmt::Format for Record<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Debug2Format(self))
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for RecordData<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Debug2Format(self))
    }
}

/// Checks the record at `at`; returns it and where the next record starts.
fn read_record(msg: &[u8], at: usize) -> Result<(Record<'_>, usize), WireError> {
    let (name, at) = read_name(msg, at)?;
    let [t0, t1, c0, c1, l0, l1, l2, l3, r0, r1] = array(msg, at)?;
    let rtype = RecordType::from_raw(u16::from_be_bytes([t0, t1]));
    let class = Class::from_raw(u16::from_be_bytes([c0, c1]));
    let len = u16::from_be_bytes([r0, r1]);
    let data_at = at + 10;
    let rdata = bytes(msg, data_at, usize::from(len))?;
    let end = data_at + usize::from(len);
    let bad = WireError::BadRdLength { rtype, len };
    let data = match rtype {
        RecordType::A if class == Class::IN => {
            RecordData::A(Ipv4Addr::from(<[u8; 4]>::try_from(rdata).map_err(|_| bad)?))
        }
        RecordType::AAAA if class == Class::IN => RecordData::Aaaa(Ipv6Addr::from(
            <[u8; 16]>::try_from(rdata).map_err(|_| bad)?,
        )),
        RecordType::CNAME | RecordType::PTR | RecordType::NS => {
            let (target, name_end) = read_name(msg, data_at)?;
            if name_end != end {
                return Err(bad);
            }
            match rtype {
                RecordType::CNAME => RecordData::Cname(target),
                RecordType::PTR => RecordData::Ptr(target),
                _ => RecordData::Ns(target),
            }
        }
        _ => RecordData::Other {
            rtype,
            bytes: rdata,
        },
    };
    let record = Record {
        name,
        rtype,
        class,
        ttl: u32::from_be_bytes([l0, l1, l2, l3]),
        data,
    };
    Ok((record, end))
}

/// A DNS message, checked, read in place (zero-copy).
///
/// [`parse`](Message::parse) checks everything (see the [module documentation](self)), so
/// the iterators cannot fail. To iterate all of a message, a fuzz target needs only this
/// public API:
///
/// ```
/// use baresock::resolve::wire::{Message, RecordData};
///
/// fn exercise(bytes: &[u8]) {
///     let Ok(msg) = Message::parse(bytes) else { return };
///     for q in msg.questions() {
///         assert!(q.name.to_name().is_ok());
///     }
///     let sections = msg.answers().chain(msg.authorities()).chain(msg.additionals());
///     for r in sections {
///         assert!(r.name.to_name().is_ok());
///         if let RecordData::Cname(n) | RecordData::Ptr(n) | RecordData::Ns(n) = r.data {
///             assert!(n.to_name().is_ok());
///         }
///     }
///     let _ = msg.edns();
/// }
/// exercise(&[0; 12]);
/// exercise(&[0xc0; 40]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    bytes: &'a [u8],
    header: Header,
    /// Where the answer, authority and additional sections start.
    sections: [usize; 3],
    /// Where the last record ends.
    end: usize,
}

#[cfg(feature = "defmt")]
impl defmt::Format for Message<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Message {{ header: {}, len: {=usize} }}",
            self.header,
            self.bytes.len()
        )
    }
}

impl<'a> Message<'a> {
    /// Checks `bytes` as a DNS message: the header, then every question and every record the
    /// header counts, names and pointers followed, `A`/`AAAA`/`CNAME`/`NS`/`PTR` data
    /// decoded. Bytes after the last record are ignored (see [`parsed_len`]).
    ///
    /// [`parsed_len`]: Message::parsed_len
    pub fn parse(bytes: &'a [u8]) -> Result<Message<'a>, WireError> {
        let header = Header::parse(bytes)?;
        let mut at = HEADER_LEN;
        for _ in 0..header.qdcount {
            at = read_question(bytes, at)?.1;
        }
        let mut sections = [0; 3];
        let counts = [header.ancount, header.nscount, header.arcount];
        for (start, count) in sections.iter_mut().zip(counts) {
            *start = at;
            for _ in 0..count {
                at = read_record(bytes, at)?.1;
            }
        }
        Ok(Message {
            bytes,
            header,
            sections,
            end: at,
        })
    }

    /// The header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The bytes given to [`parse`](Message::parse), trailing bytes included.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Where the message ends: the length of the header and every section. Less than
    /// `as_bytes().len()` when bytes followed.
    pub fn parsed_len(&self) -> usize {
        self.end
    }

    /// The question section.
    pub fn questions(&self) -> Questions<'a> {
        Questions {
            msg: self.bytes,
            at: HEADER_LEN,
            left: self.header.qdcount,
        }
    }

    /// The answer section.
    pub fn answers(&self) -> Records<'a> {
        self.records(0, self.header.ancount)
    }

    /// The authority section.
    pub fn authorities(&self) -> Records<'a> {
        self.records(1, self.header.nscount)
    }

    /// The additional section (where the `OPT` record is).
    pub fn additionals(&self) -> Records<'a> {
        self.records(2, self.header.arcount)
    }

    fn records(&self, section: usize, count: u16) -> Records<'a> {
        Records {
            msg: self.bytes,
            at: self.sections.get(section).copied().unwrap_or(self.end),
            left: count,
        }
    }

    /// The EDNS0 information of the first `OPT` record in the additional section, if any
    /// (RFC 6891 §6.1).
    pub fn edns(&self) -> Option<Edns<'a>> {
        self.additionals().find_map(|r| match r.data {
            RecordData::Other {
                rtype: RecordType::OPT,
                bytes,
            } => {
                let [extended_rcode, version, flags, _] = r.ttl.to_be_bytes();
                Some(Edns {
                    udp_payload_size: r.class.as_raw(),
                    extended_rcode,
                    version,
                    dnssec_ok: flags & 0x80 != 0,
                    options: bytes,
                })
            }
            _ => None,
        })
    }

    /// Whether this is a reply to a query for `name` and `qtype`: `QR` set, exactly one
    /// question, of the same name (ignoring ASCII case), the same type and class `IN`.
    ///
    /// The id is not compared: check [`Header::id`] against the query's as well.
    pub fn answers_question(&self, name: &DomainName, qtype: RecordType) -> bool {
        let mut questions = self.questions();
        match (questions.next(), questions.next()) {
            (Some(q), None) => {
                self.header.qr && q.qtype == qtype && q.class == Class::IN && q.name.eq_name(name)
            }
            _ => false,
        }
    }
}

/// What an `OPT` record (RFC 6891 §6.1.2) says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edns<'a> {
    /// The largest UDP payload the sender can take.
    pub udp_payload_size: u16,
    /// The upper 8 bits of the 12-bit RCODE; the header holds the lower 4.
    pub extended_rcode: u8,
    /// The EDNS version (0).
    pub version: u8,
    /// `DO`: DNSSEC records are wanted.
    pub dnssec_ok: bool,
    /// The options, as they are in the message.
    pub options: &'a [u8],
}

#[cfg(feature = "defmt")]
impl defmt::Format for Edns<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Debug2Format(self))
    }
}

/// An iterator over the entries of one section of a checked [`Message`], each read by
/// `$read` (questions, or records).
macro_rules! section_iter {
    ($(#[$doc:meta])* $name:ident, $item:ident, $read:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name<'a> {
            msg: &'a [u8],
            at: usize,
            left: u16,
        }

        impl<'a> Iterator for $name<'a> {
            type Item = $item<'a>;

            fn next(&mut self) -> Option<$item<'a>> {
                self.left = self.left.checked_sub(1)?;
                // Checked by `Message::parse`: an error cannot happen, and would end the
                // iteration.
                match $read(self.msg, self.at) {
                    Ok((entry, next)) => {
                        self.at = next;
                        Some(entry)
                    }
                    Err(_) => {
                        self.left = 0;
                        None
                    }
                }
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                (usize::from(self.left), Some(usize::from(self.left)))
            }
        }

        impl ExactSizeIterator for $name<'_> {}
        impl FusedIterator for $name<'_> {}

        impl fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("at", &self.at)
                    .field("left", &self.left)
                    .finish_non_exhaustive()
            }
        }
    };
}

section_iter!(
    /// The questions of a [`Message`].
    Questions,
    Question,
    read_question
);

section_iter!(
    /// The records of one section of a [`Message`].
    Records,
    Record,
    read_record
);

/// The name a reverse lookup (`PTR` query) asks for: `4.3.2.1.in-addr.arpa` for 1.2.3.4
/// (RFC 1035 §3.5), and for IPv6 the 32 hexadecimal nibbles, lowest first, then `ip6.arpa`
/// (RFC 3596 §2.5).
///
/// An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) gets the `ip6.arpa` form; give
/// [`IpAddr::to_canonical`] to get the `in-addr.arpa` one.
///
/// ```
/// use baresock::resolve::wire::reverse_name;
/// let name = reverse_name("192.0.2.1".parse().unwrap());
/// assert_eq!(name.to_string(), "1.2.0.192.in-addr.arpa");
/// ```
pub fn reverse_name(addr: IpAddr) -> DomainName {
    // At most 74 bytes: the pushes cannot fail, and the root would be no answer.
    build_reverse(addr).unwrap_or(DomainName::root())
}

fn build_reverse(addr: IpAddr) -> Result<DomainName, NameError> {
    let mut name = DomainName::root();
    match addr {
        IpAddr::V4(a) => {
            for &octet in a.octets().iter().rev() {
                let digits = [octet / 100, octet / 10 % 10, octet % 10].map(|d| b'0' + d);
                let skip = match octet {
                    100.. => 0,
                    10.. => 1,
                    _ => 2,
                };
                name.push_label(digits.get(skip..).unwrap_or_default())?;
            }
            name.push_label(b"in-addr")?;
        }
        IpAddr::V6(a) => {
            let hex = |n: u8| if n < 10 { b'0' + n } else { b'a' + n - 10 };
            for &byte in a.octets().iter().rev() {
                name.push_label(&[hex(byte & 0x0f)])?;
                name.push_label(&[hex(byte >> 4)])?;
            }
            name.push_label(b"ip6")?;
        }
    }
    name.push_label(b"arpa")?;
    Ok(name)
}

#[cfg(test)]
mod tests {
    // The crate is `no_std` without its `std` feature; the tests have std all the same.
    extern crate std;
    use std::format;
    use std::string::ToString;

    use super::*;

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
            buf.put(&header.to_bytes());
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
            at > HEADER_LEN && at + l.len() < msg.parsed_len()
        })
    }

    /// What a fuzz target would do: parse, then walk everything through the public API.
    /// Names of a parsed message always convert, and lie within the parsed bytes.
    fn exercise(bytes: &[u8]) -> Result<usize, WireError> {
        let msg = Message::parse(bytes)?;
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
        assert!(msg.parsed_len() <= bytes.len());
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
        let msg = Message::parse(&buf[..len]).unwrap();
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
            Err(Error::BufferTooSmall { needed: 33 })
        );
        assert_eq!(
            encode_query(&mut small, 1, &n, RecordType::A, Some(512)),
            Err(Error::BufferTooSmall { needed: 44 })
        );
        for len in [0, 1, 2, 34] {
            let mut buf = [0u8; 64];
            assert_eq!(
                encode_query_tcp(&mut buf[..len], 1, &n, RecordType::A, None),
                Err(Error::BufferTooSmall { needed: 35 })
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
        let h = Header::from_bytes(&[0, 7, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(h.qr && h.aa && h.tc && h.rd && h.ra && h.ad && h.cd);
        assert_eq!(h.opcode, Opcode::Unknown(15));
        assert_eq!(h.rcode, Rcode::Unknown(15));
        // The Z bit (0x40) is not kept.
        assert_eq!(h.to_bytes(), [0, 7, 0xff, 0xbf, 0, 0, 0, 0, 0, 0, 0, 0]);
        let mut h = Header::query(0x0102);
        h.opcode = Opcode::Update;
        h.rcode = Rcode::Refused;
        h.qdcount = 0x0304;
        h.arcount = 0xfffe;
        assert_eq!(
            h.to_bytes(),
            [1, 2, 0x29, 0x05, 3, 4, 0, 0, 0, 0, 0xff, 0xfe]
        );
        assert_eq!(Header::parse(&h.to_bytes()), Ok(h));
        assert_eq!(Header::parse(&[0; 11]), Err(WireError::Short));
        assert_eq!(Message::parse(&[0; 11]).err(), Some(WireError::Short));
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
        let msg = Message::parse(REPLY).unwrap();
        let h = msg.header();
        assert_eq!(
            (h.id, h.qr, h.rd, h.ra, h.rcode),
            (0xbeef, true, true, true, Rcode::NoError)
        );
        assert_eq!(msg.parsed_len(), REPLY.len());
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
        let msg = Message::parse(buf.bytes()).unwrap();
        assert_eq!(msg.parsed_len(), REPLY.len());
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
    /// label that ran over the pointer itself and ended at a root zero past `parsed_len`, so
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
            Message::parse(&input[..16]).err(),
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
    /// on past `parsed_len` without pointing into the header.
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
        let msg = Message::parse(ok.bytes()).unwrap();
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
                rtype: RecordType::A,
                len: 5
            })
        );
        let mut buf = Buf::reply(0, 1, 0, 0);
        buf.put(&[0]).fixed(RecordType::AAAA, 4).put(&[1, 2, 3, 4]);
        assert_eq!(
            exercise(buf.bytes()),
            Err(WireError::BadRdLength {
                rtype: RecordType::AAAA,
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
                    rtype: RecordType::CNAME,
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
        let msg = Message::parse(buf.bytes()).unwrap();
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
        let msg = Message::parse(buf.bytes()).unwrap();
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
        let msg = Message::parse(buf.bytes()).unwrap();
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
            rtype: RecordType::A,
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
}
