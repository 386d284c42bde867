//! `Display` for the error types: the errno's name and description from the kernel's table,
//! and a sentence for every refusal.

use core::fmt;

#[cfg(feature = "can")]
use super::CanInputError;
use super::{AddressError, BpfError, Errno, Error, InputError, PartialCause, PollError, RingError};
#[cfg(feature = "resolve")]
use super::{HostError, LookupError, NameError, WireError};

/// Writes `ENAME: description (os error N)`, from the kernel's errno table, without libc.
pub(crate) fn fmt_errno(e: Errno, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let raw = e.raw_os_error();
    let sys = syscalls::Errno::new(raw);
    match (sys.name(), sys.description()) {
        (Some(name), Some(desc)) => write!(f, "{name}: {desc} (os error {raw})"),
        _ => write!(f, "unknown errno (os error {raw})"),
    }
}

impl fmt::Display for PartialCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            PartialCause::Os(e) => fmt_errno(e, f),
            PartialCause::Timeout => f.write_str("timed out"),
            PartialCause::WouldBlock => f.write_str("the operation would block"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Os(e) => fmt_errno(e, f),
            Error::WouldBlock => f.write_str("the operation would block (socket is non-blocking)"),
            Error::Timeout => f.write_str("timed out"),
            Error::Partial { sent, cause } => {
                write!(f, "stopped after sending {sent} bytes: {cause}")
            }
            Error::Truncated { len } => {
                write!(f, "datagram of {len} bytes truncated to the buffer's size")
            }
            Error::Address(e) => e.fmt(f),
            Error::Input(e) => e.fmt(f),
            #[cfg(feature = "can")]
            Error::Can(e) => e.fmt(f),
            #[cfg(feature = "resolve")]
            Error::Resolve(e) => e.fmt(f),
            Error::Bpf(e) => write!(f, "BPF program refused: {e}"),
            Error::Ring(e) => e.fmt(f),
            Error::Poll(e) => e.fmt(f),
            #[cfg(feature = "netlink")]
            Error::Netlink(e) => e.fmt(f),
            Error::Unsupported(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for Error {}
impl core::error::Error for AddressError {}
impl core::error::Error for InputError {}
#[cfg(feature = "can")]
impl core::error::Error for CanInputError {}
impl core::error::Error for BpfError {}
impl core::error::Error for RingError {}
impl core::error::Error for PollError {}
impl core::error::Error for super::Unsupported {}
#[cfg(feature = "netlink")]
impl core::error::Error for super::NetlinkError {}
#[cfg(feature = "resolve")]
impl core::error::Error for LookupError {}
#[cfg(feature = "resolve")]
impl core::error::Error for HostError {}
#[cfg(feature = "resolve")]
impl core::error::Error for NameError {}
#[cfg(feature = "resolve")]
impl core::error::Error for WireError {}
