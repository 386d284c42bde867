//! Short kernel names: interface names and TCP congestion-control names, both kept by the
//! kernel in 16 bytes with a terminating NUL (`IFNAMSIZ`, `TCP_CA_NAME_MAX`).

use crate::AddressError;
use core::fmt;

use crate::{Error, Result};

/// The longest name, in bytes, without the kernel's terminating NUL.
pub const SHORT_NAME_MAX: usize = 15;

/// A name of at most 15 bytes, as the kernel stores interface names (`IFNAMSIZ`) and TCP
/// congestion-control names (`TCP_CA_NAME_MAX`). `Copy`, on the stack.
///
/// What the kernel gives back ([`interface_name`](crate::interface_name),
/// [`bind_device`](crate::Socket::bind_device)). Functions that take a name take
/// `impl AsRef<[u8]>`: `"lo"`, `b"lo"` or a `ShortName`, checked as [`new`](ShortName::new)
/// checks.
///
/// ```
/// use baresock::ShortName;
/// let lo = ShortName::new(b"lo")?;
/// assert_eq!(lo.as_str(), Some("lo"));
/// assert!(ShortName::new(b"a-name-of-16-bytes").is_err());
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ShortName {
    /// The name and a NUL; bytes past `len` are zero.
    bytes: [u8; SHORT_NAME_MAX + 1],
    len: u8,
}

impl ShortName {
    /// A name. Fails with [`AddressError::NameTooLong`](crate::AddressError::NameTooLong) past 15
    /// bytes, [`AddressError::NameNul`](crate::AddressError::NameNul) if it holds a NUL byte (which
    /// would cut it short in the kernel).
    pub const fn new(name: &[u8]) -> Result<ShortName> {
        if name.len() > SHORT_NAME_MAX {
            return Err(Error::Address(AddressError::NameTooLong {
                len: crate::error::sat32(name.len()),
            }));
        }
        let mut bytes = [0u8; SHORT_NAME_MAX + 1];
        let mut i = 0;
        while i < name.len() {
            if name[i] == 0 {
                return Err(Error::Address(AddressError::NameNul));
            }
            bytes[i] = name[i];
            i += 1;
        }
        Ok(ShortName {
            bytes,
            len: name.len() as u8,
        })
    }

    /// A name as the kernel wrote it: up to the first NUL. `None` if there is no NUL within
    /// the first 16 bytes (the kernel always writes one).
    pub(crate) fn from_kernel(buf: &[u8]) -> Option<ShortName> {
        let end = buf.iter().take(SHORT_NAME_MAX + 1).position(|&b| b == 0)?;
        ShortName::new(&buf[..end]).ok()
    }

    /// The name's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// The name and its terminating NUL, as the kernel takes it.
    pub(crate) fn as_bytes_with_nul(&self) -> &[u8] {
        &self.bytes[..self.len as usize + 1]
    }

    /// The name as text, if it is UTF-8 (kernel names almost always are).
    pub fn as_str(&self) -> Option<&str> {
        core::str::from_utf8(self.as_bytes()).ok()
    }

    /// Whether the name is empty.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Writes bytes as text: UTF-8 as it is, any other byte as `\xNN`, so nothing is lost.
pub(crate) fn write_lossless(bytes: &[u8], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    for chunk in bytes.utf8_chunks() {
        f.write_str(chunk.valid())?;
        for b in chunk.invalid() {
            write!(f, "\\x{b:02x}")?;
        }
    }
    Ok(())
}

impl AsRef<[u8]> for ShortName {
    /// The name's bytes, without the NUL: so a `ShortName` goes wherever a name is taken.
    ///
    /// ```
    /// use baresock::{interface_index, interface_name};
    /// let lo = interface_name(interface_index("lo")?)?;
    /// assert_eq!(interface_index(lo)?, interface_index(b"lo")?);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    fn as_ref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl fmt::Display for ShortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_lossless(self.as_bytes(), f)
    }
}

impl fmt::Debug for ShortName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for ShortName {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{=[u8]:a}", self.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_kernel_bytes() {
        assert_eq!(ShortName::new(&[b'x'; 15]).unwrap().as_bytes().len(), 15);
        assert_eq!(
            ShortName::new(&[b'x'; 16]),
            Err(Error::Address(AddressError::NameTooLong { len: 16 }))
        );
        assert_eq!(
            ShortName::new(b"a\0"),
            Err(Error::Address(AddressError::NameNul))
        );
        assert_eq!(
            ShortName::from_kernel(b"cubic\0\0\0").unwrap().as_str(),
            Some("cubic")
        );
        assert_eq!(ShortName::from_kernel(&[b'x'; 16]), None);
        assert_eq!(ShortName::from_kernel(b""), None);
        assert_eq!(
            ShortName::new(b"eth0").unwrap().as_bytes_with_nul(),
            b"eth0\0"
        );
    }
}
