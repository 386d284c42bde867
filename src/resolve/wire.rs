//! The DNS message codec (RFC 1035): queries written into caller buffers, replies read as
//! zero-copy views, with compression pointers followed under a loop limit. No allocation.

use core::fmt;

/// Why bytes are not a well-formed DNS message (see [`Error::MalformedDns`](crate::Error)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WireError {
    /// The message ends before what its header or a record says it holds.
    Short,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WireError::Short => f.write_str("message ends early"),
        }
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for WireError {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Debug2Format(self))
    }
}
