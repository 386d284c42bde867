//! The DNS message codec (RFC 1035): queries written into caller buffers, replies read as
//! zero-copy views, with compression pointers followed under a loop limit. No allocation.
//!
//! Covers what a stub resolver needs: the 12-byte [`Header`], questions, and records of every
//! type, with `A`, `AAAA` (RFC 3596), `CNAME`, `NS` and `PTR` data decoded and anything else
//! kept as bytes. EDNS0 (RFC 6891) is written as one `OPT` record in a query and read back
//! with [`Message::edns`].
//!
//! ```
//! use baresock::resolve::__private::wire::{encode_query, Message, RecordType};
//! use baresock::resolve::DomainName;
//!
//! let name = DomainName::new("example.com")?;
//! let mut buf = [0u8; 512];
//! let len = encode_query(&mut buf, 0x1234, &name, RecordType::AAAA, Some(1232))?;
//!
//! // A query is a message too: read it back.
//! let msg = Message::decode(&buf[..len])?;
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
//! [`Message::decode`] checks the whole message before it returns: the header, then every
//! question and record of every section, every name with its compression pointers followed,
//! and the data of the record types it decodes. Once a [`Message`] exists nothing about it can
//! fail, so its iterators yield plain [`Question`]s and [`Record`]s, not `Result`s. Work is
//! bounded by the message's length: each name costs at most 255 bytes of labels and
//! [`POINTER_LIMIT`] pointers, and each record takes at least 11 bytes of the message.
//!
//! Bytes after the last record the header counts are ignored, as resolvers do;
//! [`Message::decoded_len`] says where the message ended, for callers who mind. Nothing in
//! the message reads them: every name lies within the parsed bytes, pointers followed,
//! because of the rules for compression pointers (RFC 1035 §4.1.4) below.
//!
//! # Compression pointers
//!
//! A name is a run of labels in place, ended by the root's zero or by a pointer to another
//! run, which ends the same way. `decode` follows every pointer and takes one only if:
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
//! bytes before [`Message::decoded_len`]. Compressors point at earlier names, whose labels end
//! before the pointer, so real messages are not refused.
//!
//! Over TCP, every message is preceded by its length in two bytes (RFC 1035 §4.2.2):
//! [`encode_query_tcp`] writes it; for a reply, read the two bytes, then give `decode` the
//! message without them.

use crate::error::WireError;

mod header;
mod names;
mod query;
mod records;

pub use header::{Class, Header, Opcode, Rcode, RecordType};
pub use names::{NameLabels, NameRef};
pub use query::{encode_query, encode_query_tcp, query_len, reverse_name};
pub use records::{Edns, Message, Question, Questions, Record, RecordData, Records};

/// The length of the fixed header every DNS message starts with.
pub const HEADER_LEN: usize = 12;

/// The most compression pointers followed within one name. A name of 255 bytes has at most
/// 127 labels, so no well-formed name needs more.
pub const POINTER_LIMIT: usize = 128;

/// `n` bytes of `msg` from `at`, or [`WireError::Short`].
fn bytes(msg: &[u8], at: usize, n: usize) -> Result<&[u8], WireError> {
    let end = at.checked_add(n).ok_or(WireError::Short)?;
    msg.get(at..end).ok_or(WireError::Short)
}

/// `N` bytes of `msg` from `at` as an array, or [`WireError::Short`].
fn array<const N: usize>(msg: &[u8], at: usize) -> Result<[u8; N], WireError> {
    bytes(msg, at, N)?.try_into().map_err(|_| WireError::Short)
}

#[cfg(test)]
mod tests;
