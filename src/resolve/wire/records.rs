//! Questions, records and the checked [`Message`] that holds them.

use core::fmt;
use core::iter::FusedIterator;
use core::net::{Ipv4Addr, Ipv6Addr};

use super::names::read_name;
use super::{array, bytes, Class, Header, NameRef, RecordType, WireError, HEADER_LEN};
use crate::resolve::name::DomainName;

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
    let bad = WireError::BadRdLength {
        rtype: rtype.as_raw(),
        len,
    };
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
/// [`decode`](Message::decode) checks everything (see the module documentation), so
/// the iterators cannot fail. To iterate all of a message, a fuzz target needs only this
/// public API:
///
/// ```
/// use baresock::resolve::__private::wire::{Message, RecordData};
///
/// fn exercise(bytes: &[u8]) {
///     let Ok(msg) = Message::decode(bytes) else { return };
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
    /// decoded. Bytes after the last record are ignored (see [`decoded_len`]).
    ///
    /// [`decoded_len`]: Message::decoded_len
    #[doc(alias = "parse")]
    pub fn decode(bytes: &'a [u8]) -> Result<Message<'a>, WireError> {
        let header = Header::decode(bytes)?;
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

    /// The bytes given to [`decode`](Message::decode), trailing bytes included.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Where the message ends: the length of the header and every section. Less than
    /// `as_bytes().len()` when bytes followed.
    #[doc(alias = "parsed_len")]
    pub fn decoded_len(&self) -> usize {
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
                // Checked by `Message::decode`: an error cannot happen, and would end the
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
