//! Unix socket addresses (`sockaddr_un`, unix(7)).

use crate::AddressError;
use core::fmt;

use crate::{Error, Result};

/// The size of the kernel's `sun_path` (`UNIX_PATH_MAX`).
pub const UNIX_PATH_MAX: usize = 108;

/// A Unix socket address: a path name, an abstract name, or unnamed (`sockaddr_un`, unix(7)).
///
/// Kept in a fixed 108-byte array, like the kernel's `sun_path`: no allocation. A path name
/// may use all 108 bytes; an abstract name, which the kernel stores after a NUL byte, up to 107.
///
/// ```
/// use baresock::UnixAddr;
///
/// let path = UnixAddr::new(b"/run/app.sock")?;
/// assert_eq!(path.as_pathname(), Some(&b"/run/app.sock"[..]));
///
/// let abs = UnixAddr::new_abstract(b"app")?;
/// assert_eq!(abs.as_abstract(), Some(&b"app"[..]));
///
/// assert!(UnixAddr::new(&[b'x'; 109]).is_err());
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UnixAddr {
    /// `sun_path` as the kernel sees it; bytes past `len` are always zero.
    path: [u8; UNIX_PATH_MAX],
    /// Meaningful bytes of `path`: 0 for unnamed; for abstract names, the leading NUL counts.
    len: u8,
}

/// What kind of Unix address a [`UnixAddr`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum UnixAddrKind<'a> {
    /// A file-system path name.
    Pathname(&'a [u8]),
    /// A Linux abstract name (no file; the bytes after the kernel's leading NUL).
    Abstract(&'a [u8]),
    /// No name: an unbound socket, or one from `socketpair`.
    Unnamed,
}

impl UnixAddr {
    /// A path-name address. Fails with
    /// [`AddressError::UnixPathEmpty`](crate::AddressError::UnixPathEmpty),
    /// [`AddressError::UnixPathNul`](crate::AddressError::UnixPathNul) or
    /// [`AddressError::UnixPathTooLong`](crate::AddressError::UnixPathTooLong) (more than 108
    /// bytes).
    ///
    /// ```
    /// use baresock::{Error, UnixAddr};
    /// let a = UnixAddr::new(b"/run/app.sock")?;
    /// assert_eq!(a.as_pathname(), Some(&b"/run/app.sock"[..]));
    /// assert_eq!(
    ///     UnixAddr::new(&[b'x'; 200]),
    ///     Err(Error::Address(baresock::AddressError::UnixPathTooLong { len: 200, max: 108 }))
    /// );
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const fn new(path: &[u8]) -> Result<UnixAddr> {
        if path.is_empty() {
            return Err(Error::Address(AddressError::UnixPathEmpty));
        }
        if path.len() > UNIX_PATH_MAX {
            return Err(Error::Address(AddressError::UnixPathTooLong {
                len: crate::error::sat32(path.len()),
                max: UNIX_PATH_MAX as u8,
            }));
        }
        let mut out = [0u8; UNIX_PATH_MAX];
        let mut i = 0;
        while i < path.len() {
            if path[i] == 0 {
                return Err(Error::Address(AddressError::UnixPathNul));
            }
            out[i] = path[i];
            i += 1;
        }
        Ok(UnixAddr {
            path: out,
            len: path.len() as u8,
        })
    }

    /// An abstract-namespace address (Linux only; no file is created). The name may hold any bytes,
    /// NUL included; it may be empty. Fails with
    /// [`AddressError::UnixPathTooLong`](crate::AddressError::UnixPathTooLong) past 107 bytes (the
    /// length it reports is the name's, as given).
    ///
    /// ```
    /// use baresock::{Error, UnixAddr, UnixListener, UnixStream};
    /// assert_eq!(
    ///     UnixAddr::new_abstract(&[b'x'; 108]),
    ///     Err(Error::Address(baresock::AddressError::UnixPathTooLong { len: 108, max: 107 }))
    /// );
    /// // No file on disk: the name lives in the network namespace.
    /// let name = UnixAddr::new_abstract(b"baresock-doc-abstract")?;
    /// let listener = UnixListener::bind(name)?;
    /// let _client = UnixStream::connect(name)?;
    /// assert_eq!(listener.local_addr()?.as_abstract(), Some(&b"baresock-doc-abstract"[..]));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const fn new_abstract(name: &[u8]) -> Result<UnixAddr> {
        if name.len() > UNIX_PATH_MAX - 1 {
            return Err(Error::Address(AddressError::UnixPathTooLong {
                len: crate::error::sat32(name.len()),
                max: (UNIX_PATH_MAX - 1) as u8,
            }));
        }
        let mut out = [0u8; UNIX_PATH_MAX];
        let mut i = 0;
        while i < name.len() {
            out[i + 1] = name[i];
            i += 1;
        }
        Ok(UnixAddr {
            path: out,
            len: name.len() as u8 + 1,
        })
    }

    /// The unnamed address.
    ///
    /// ```
    /// use baresock::UnixStream;
    /// let (a, _b) = UnixStream::pair()?;
    /// assert!(a.local_addr()?.is_unnamed()); // a socketpair end has no name
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const fn unnamed() -> UnixAddr {
        UnixAddr {
            path: [0; UNIX_PATH_MAX],
            len: 0,
        }
    }

    /// A path-name address from a `Path` (with the `std` feature).
    #[cfg(feature = "std")]
    pub fn from_path(path: &std::path::Path) -> Result<UnixAddr> {
        use std::os::unix::ffi::OsStrExt;
        UnixAddr::new(path.as_os_str().as_bytes())
    }

    /// Decodes `sun_path` bytes as the kernel returned them (the address length less the
    /// family field). A path name ends at its first NUL, as the kernel reads it. `None` when
    /// the bytes are longer than `sun_path` can be, whatever they hold (a short path name
    /// that ends at a NUL in time included). The one length past `sun_path` the kernel gives
    /// is a full 108-byte path name and the NUL it appends (unix(7), BUGS): that decodes.
    pub(crate) fn from_kernel(sun_path: &[u8]) -> Option<UnixAddr> {
        let sun_path = match sun_path.split_at_checked(UNIX_PATH_MAX) {
            Some((path, [0])) if !path.contains(&0) => path,
            Some((_, [])) | None => sun_path,
            Some(_) => return None,
        };
        let mut out = UnixAddr::unnamed();
        let bytes = match sun_path.first() {
            None => return Some(out),
            // An abstract name: every byte counts, the leading NUL included.
            Some(0) => sun_path,
            Some(_) => {
                let end = sun_path
                    .iter()
                    .position(|&b| b == 0)
                    .unwrap_or(sun_path.len());
                &sun_path[..end]
            }
        };
        out.path.get_mut(..bytes.len())?.copy_from_slice(bytes);
        out.len = bytes.len() as u8;
        Some(out)
    }

    /// What kind of address this is, with its bytes.
    ///
    /// ```
    /// use baresock::{UnixAddr, UnixAddrKind};
    /// match UnixAddr::new(b"/tmp/s")?.kind() {
    ///     UnixAddrKind::Pathname(p) => assert_eq!(p, b"/tmp/s"),
    ///     other => panic!("{other:?}"),
    /// }
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn kind(&self) -> UnixAddrKind<'_> {
        match self.len {
            0 => UnixAddrKind::Unnamed,
            n if self.path[0] == 0 => UnixAddrKind::Abstract(&self.path[1..n as usize]),
            n => UnixAddrKind::Pathname(&self.path[..n as usize]),
        }
    }

    /// The path name, if this is one.
    pub fn as_pathname(&self) -> Option<&[u8]> {
        match self.kind() {
            UnixAddrKind::Pathname(p) => Some(p),
            _ => None,
        }
    }

    /// The path name as a `Path` (with the `std` feature).
    #[cfg(feature = "std")]
    pub fn as_path(&self) -> Option<&std::path::Path> {
        use std::os::unix::ffi::OsStrExt;
        self.as_pathname()
            .map(|p| std::path::Path::new(std::ffi::OsStr::from_bytes(p)))
    }

    /// The abstract name (without the kernel's leading NUL), if this is one.
    pub fn as_abstract(&self) -> Option<&[u8]> {
        match self.kind() {
            UnixAddrKind::Abstract(p) => Some(p),
            _ => None,
        }
    }

    /// Whether this is the unnamed address.
    pub const fn is_unnamed(&self) -> bool {
        self.len == 0
    }

    /// The whole `sun_path` array (zero past the meaningful bytes).
    pub(crate) const fn raw_sun_path(&self) -> &[u8; UNIX_PATH_MAX] {
        &self.path
    }

    /// The bytes of `sun_path` the kernel reads: the path name, or a NUL and the abstract name.
    pub fn sun_path(&self) -> &[u8] {
        &self.path[..self.len as usize]
    }
}

impl Default for UnixAddr {
    fn default() -> Self {
        UnixAddr::unnamed()
    }
}

/// Writes bytes as text, escaping what is not printable ASCII as `\xNN`.
fn write_escaped(f: &mut fmt::Formatter<'_>, bytes: &[u8]) -> fmt::Result {
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        for b in chunk.invalid() {
            write!(f, "\\x{b:02x}")?;
        }
    }
    Ok(())
}

impl fmt::Display for UnixAddr {
    /// A path name as itself, an abstract name as `@name`, unnamed as `(unnamed)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind() {
            UnixAddrKind::Pathname(p) => write_escaped(f, p),
            UnixAddrKind::Abstract(p) => {
                f.write_str("@")?;
                write_escaped(f, p)
            }
            UnixAddrKind::Unnamed => f.write_str("(unnamed)"),
        }
    }
}

impl fmt::Debug for UnixAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnixAddr(\"{self}\")")
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for UnixAddr {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self.kind() {
            UnixAddrKind::Pathname(p) => defmt::write!(f, "UnixAddr({=[u8]:a})", p),
            UnixAddrKind::Abstract(p) => defmt::write!(f, "UnixAddr(@{=[u8]:a})", p),
            UnixAddrKind::Unnamed => defmt::write!(f, "UnixAddr(unnamed)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert!(UnixAddr::new(&[b'a'; 108]).is_ok());
        assert_eq!(
            UnixAddr::new(&[b'a'; 109]),
            Err(Error::Address(AddressError::UnixPathTooLong {
                len: 109,
                max: 108
            }))
        );
        assert_eq!(
            UnixAddr::new(b""),
            Err(Error::Address(AddressError::UnixPathEmpty))
        );
        assert_eq!(
            UnixAddr::new(b"a\0b"),
            Err(Error::Address(AddressError::UnixPathNul))
        );
        assert!(UnixAddr::new_abstract(&[0; 107]).is_ok());
        assert_eq!(
            UnixAddr::new_abstract(&[0; 108]),
            Err(Error::Address(AddressError::UnixPathTooLong {
                len: 108,
                max: 107
            }))
        );
        assert_eq!(
            UnixAddr::new_abstract(b"").unwrap().as_abstract(),
            Some(&b""[..])
        );
    }

    #[test]
    fn from_kernel_bytes() {
        // The kernel returns the path NUL-terminated.
        let a = UnixAddr::from_kernel(b"/tmp/x\0").unwrap();
        assert_eq!(a.as_pathname(), Some(&b"/tmp/x"[..]));
        assert_eq!(a, UnixAddr::new(b"/tmp/x").unwrap());
        // A full 108-byte path has no terminator.
        let a = UnixAddr::from_kernel(&[b'p'; 108]).unwrap();
        assert_eq!(a.as_pathname().unwrap().len(), 108);
        // Abstract names keep every byte, NULs included.
        let a = UnixAddr::from_kernel(b"\0ab\0c").unwrap();
        assert_eq!(a.as_abstract(), Some(&b"ab\0c"[..]));
        assert!(UnixAddr::from_kernel(b"").unwrap().is_unnamed());
        // Longer than sun_path cannot be an address: refused, not cut and not a panic.
        assert_eq!(UnixAddr::from_kernel(&[0; 109]), None);
        assert_eq!(UnixAddr::from_kernel(&[b'q'; 200]), None);
        let mut ends_in_time = [0u8; 109];
        ends_in_time[0] = b'a';
        assert_eq!(UnixAddr::from_kernel(&ends_in_time), None);
        // A full path and the NUL the kernel appends past `sun_path`: 111 bytes in all.
        let mut full = [b'p'; 109];
        full[108] = 0;
        let a = UnixAddr::from_kernel(&full).unwrap();
        assert_eq!(a.as_pathname(), Some(&[b'p'; 108][..]));
        full[108] = b'p';
        assert_eq!(UnixAddr::from_kernel(&full), None);
    }
}
