//! Writing queries, and the names reverse lookups ask for.

use crate::InputError;
use core::net::IpAddr;

use super::{Class, Header, RecordType, HEADER_LEN};
use crate::resolve::name::DomainName;
use crate::Error;
use crate::NameError;

/// The length of the `OPT` record [`encode_query`] adds for EDNS0: a root name, type, class
/// (the payload size), TTL (extended RCODE, version, flags) and an empty data length.
const OPT_LEN: usize = 11;

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
/// Fails with [`InputError::BufferTooSmall`](crate::InputError::BufferTooSmall) (with
/// [`query_len`]) when `buf` is shorter. For TCP, see [`encode_query_tcp`].
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
        .ok_or(Error::Input(InputError::BufferTooSmall {
            needed: crate::error::sat32(needed),
        }))?;
    let mut header = Header::query(id);
    header.qdcount = 1;
    header.arcount = u16::from(edns_udp_size.is_some());
    let mut w = Writer { out, at: 0 };
    w.put(&header.encode());
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

/// Writes the query [`encode_query`] writes, preceded by its length in two big-endian bytes, as DNS
/// over TCP sends it (RFC 1035 §4.2.2), and returns the whole length. Fails with
/// [`InputError::BufferTooSmall`](crate::InputError::BufferTooSmall) when `buf` is shorter than
/// [`query_len`] plus 2.
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
        .ok_or(Error::Input(InputError::BufferTooSmall {
            needed: crate::error::sat32(needed),
        }))?;
    let len = encode_query(rest, id, name, qtype, edns_udp_size)?;
    // At most 282 bytes: the conversion cannot fail.
    let len16 = u16::try_from(len).map_err(|_| {
        Error::Input(InputError::BufferTooSmall {
            needed: crate::error::sat32(needed),
        })
    })?;
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

/// The name a reverse lookup (`PTR` query) asks for: `4.3.2.1.in-addr.arpa` for 1.2.3.4
/// (RFC 1035 §3.5), and for IPv6 the 32 hexadecimal nibbles, lowest first, then `ip6.arpa`
/// (RFC 3596 §2.5).
///
/// An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) gets the `ip6.arpa` form; give
/// [`IpAddr::to_canonical`] to get the `in-addr.arpa` one.
///
/// ```
/// use baresock::resolve::__private::wire::reverse_name;
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
