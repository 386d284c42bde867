//! The host name: Python's `socket.gethostname()`.

use core::fmt;

use crate::sys::os::{nodename, UTS_LEN};

/// The longest host name, in bytes (`__NEW_UTS_LEN`).
pub const HOSTNAME_MAX: usize = UTS_LEN - 1;

/// A host name as the kernel keeps it: at most 64 bytes, owned, on the stack (`Copy`).
///
/// The kernel takes any bytes but NUL as a host name; [`as_bytes`](Hostname::as_bytes) always
/// has them, [`as_str`](Hostname::as_str) has them as text when they are UTF-8 (as good
/// host names, being ASCII, are). `Display` writes any other byte as `\xNN`.
///
/// ```
/// let name = baresock::hostname();
/// assert!(name.as_bytes().len() <= baresock::HOSTNAME_MAX);
/// println!("running on {name}");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Hostname {
    bytes: [u8; UTS_LEN],
    len: u8,
}

/// The host name (Python's `socket.gethostname()`): the node name of `uname(2)`, as
/// `hostname(1)` prints it and `/proc/sys/kernel/hostname` holds it (in this process's UTS
/// namespace). It never fails and allocates nothing.
///
/// ```
/// let name = baresock::hostname();
/// if let Some(text) = name.as_str() {
///     assert!(!text.contains('\0'));
/// }
/// ```
///
#[doc = man!(uname(2), gethostname(2))]
#[doc(alias = "gethostname")]
pub fn hostname() -> Hostname {
    // `uname` writes the name into `bytes` itself: kept as it is, up to its NUL.
    let mut bytes = [0u8; UTS_LEN];
    let len = nodename(&mut bytes).len().min(HOSTNAME_MAX);
    Hostname {
        bytes,
        len: len as u8,
    }
}

impl Hostname {
    /// The name's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }

    /// The name as text, if it is UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        core::str::from_utf8(self.as_bytes()).ok()
    }
}

impl fmt::Display for Hostname {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::name::write_lossless(self.as_bytes(), f)
    }
}

impl fmt::Debug for Hostname {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hostname(\"{self}\")")
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Hostname {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{=[u8]:a}", self.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_any_bytes() {
        let mut bytes = [0u8; UTS_LEN];
        bytes[..4].copy_from_slice(b"a\xffb\0");
        let h = Hostname { bytes, len: 3 };
        assert_eq!(h.as_bytes(), b"a\xffb");
        assert_eq!(h.as_str(), None);
        use std::format;
        assert_eq!(format!("{h}"), "a\\xffb");
        assert_eq!(format!("{h:?}"), "Hostname(\"a\\xffb\")");
    }
}
