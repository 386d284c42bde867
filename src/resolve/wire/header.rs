//! The fixed header (RFC 1035 §4.1.1) and the open enums of wire numbers: record types,
//! classes, response codes and opcodes.

use core::fmt;

use super::{array, WireError, HEADER_LEN};

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
/// use baresock::resolve::__private::wire::{Header, Rcode};
/// let bytes = [0xab, 0xcd, 0x81, 0x83, 0, 1, 0, 0, 0, 1, 0, 0];
/// let h = Header::decode(&bytes)?;
/// assert!(h.qr && h.rd && h.ra);
/// assert_eq!(h.rcode, Rcode::NxDomain);
/// assert_eq!((h.qdcount, h.nscount), (1, 1));
/// assert_eq!(h.encode(), bytes);
/// # Ok::<(), baresock::resolve::WireError>(())
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
    #[doc(alias = "parse")]
    pub fn decode(bytes: &[u8]) -> Result<Header, WireError> {
        Ok(Header::decode_array(&array(bytes, 0)?))
    }

    /// Reads the header from its 12 bytes.
    #[doc(alias = "from_bytes")]
    pub const fn decode_array(b: &[u8; HEADER_LEN]) -> Header {
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
    #[doc(alias = "to_bytes")]
    pub const fn encode(&self) -> [u8; HEADER_LEN] {
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
