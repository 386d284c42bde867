//! Domain names in a fixed buffer: at most 255 bytes in the DNS wire form (RFC 1035 §2.3.4),
//! labels of 1 to 63 bytes, compared without regard to ASCII case (RFC 4343).

use crate::{InputError, NameError};
use core::fmt;
use core::hash::{Hash, Hasher};

use crate::{Error, Result};

/// The longest name in wire form, length bytes and the root's zero included (RFC 1035).
pub const NAME_MAX: usize = 255;
/// The longest label (RFC 1035).
pub const LABEL_MAX: usize = 63;

/// A domain name, `Copy`, on the stack (256 bytes), kept in the DNS wire form.
///
/// Equality and hashing ignore ASCII case, as DNS does. `Display` writes the dotted form
/// without the final dot (the root is `"."`), escaping `.`, `\` and bytes outside printable
/// ASCII as `\.`, `\\` and `\DDD` (RFC 4343 §2.1).
///
/// ```
/// use baresock::resolve::DomainName;
/// let name = DomainName::new("www.Example.com.")?;
/// assert_eq!(name, DomainName::new("WWW.example.COM")?);
/// assert_eq!(name.label_count(), 3);
/// assert_eq!(name.to_string(), "www.Example.com");
/// assert!(DomainName::new("a..b").is_err());
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct DomainName {
    /// Bytes used in `wire`, the root's zero included (at least 1).
    len: u8,
    /// Length-prefixed labels, then a zero byte.
    wire: [u8; NAME_MAX],
}

impl DomainName {
    /// The root name (`"."`).
    pub const fn root() -> DomainName {
        DomainName {
            len: 1,
            wire: [0; NAME_MAX],
        }
    }

    /// A name from dotted text, with or without the final dot. Every byte but `.` is taken as it is
    /// (no `\` escapes are read). Fails with
    /// [`ResolveError::InvalidName`](crate::ResolveError::InvalidName).
    pub fn new(text: &str) -> Result<DomainName> {
        Self::from_text(text.as_bytes())
    }

    /// A name from dotted text given as bytes (see [`DomainName::new`]).
    pub fn from_text(text: &[u8]) -> Result<DomainName> {
        if text.is_empty() {
            return Err(NameError::Empty.into());
        }
        let mut name = DomainName::root();
        if text == b"." {
            return Ok(name);
        }
        let body = text.strip_suffix(b".").unwrap_or(text);
        let mut at = 0;
        for label in body.split(|&b| b == b'.') {
            if label.is_empty() {
                return Err(NameError::EmptyLabel { at: sat16(at) }.into());
            }
            name.push_label(label)?;
            at += label.len() + 1;
        }
        Ok(name)
    }

    /// Appends a label before the root. For the wire decoder and [`DomainName::join`].
    pub(crate) fn push_label(&mut self, label: &[u8]) -> core::result::Result<(), NameError> {
        if label.is_empty() {
            return Err(NameError::EmptyLabel { at: 0 });
        }
        if label.len() > LABEL_MAX {
            return Err(NameError::LabelTooLong {
                len: sat16(label.len()),
            });
        }
        let start = self.len as usize - 1;
        let end = start + 1 + label.len();
        if end + 1 > NAME_MAX {
            return Err(NameError::TooLong);
        }
        self.wire[start] = label.len() as u8;
        self.wire[start + 1..end].copy_from_slice(label);
        self.wire[end] = 0;
        self.len = (end + 1) as u8;
        Ok(())
    }

    /// This name followed by `suffix` (a search-list domain). Fails with
    /// [`ResolveError::InvalidName`](crate::ResolveError::InvalidName) when the result is longer
    /// than 255 bytes.
    pub fn join(&self, suffix: &DomainName) -> Result<DomainName> {
        let mut out = *self;
        for label in suffix.labels() {
            out.push_label(label)?;
        }
        Ok(out)
    }

    /// The name in DNS wire form: length-prefixed labels and a final zero byte.
    pub fn as_wire(&self) -> &[u8] {
        &self.wire[..self.len as usize]
    }

    /// The labels, first (leftmost) to last, without the root.
    pub fn labels(&self) -> Labels<'_> {
        Labels {
            rest: &self.wire[..self.len as usize - 1],
        }
    }

    /// How many labels the name has (0 for the root).
    pub fn label_count(&self) -> usize {
        self.labels().count()
    }

    /// Whether this is the root name.
    pub fn is_root(&self) -> bool {
        self.len == 1
    }

    /// Whether `other` is this name or ends with it, label by label, ignoring ASCII case.
    pub fn ends_with(&self, other: &DomainName) -> bool {
        let (n, m) = (self.label_count(), other.label_count());
        n >= m && self.labels().skip(n - m).eq_by_case(other.labels())
    }

    /// Writes the dotted text (as `Display` does, with escapes) into `buf`; returns the length.
    /// Fails with [`InputError::BufferTooSmall`](crate::InputError::BufferTooSmall) when it does
    /// not fit.
    pub fn write_text(&self, buf: &mut [u8]) -> Result<usize> {
        let mut w = SliceWriter {
            buf,
            at: 0,
            need: 0,
        };
        // The writer records the length needed instead of failing half-way.
        let _ = fmt::write(&mut w, format_args!("{self}"));
        if w.need > w.buf.len() {
            return Err(Error::Input(InputError::BufferTooSmall {
                needed: crate::error::sat32(w.need),
            }));
        }
        Ok(w.at)
    }
}

/// A length or offset as `u16`, saturated (keeps [`Error`] small).
fn sat16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

/// Collects formatted text into a slice and counts what would be needed.
struct SliceWriter<'a> {
    buf: &'a mut [u8],
    at: usize,
    need: usize,
}

impl fmt::Write for SliceWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.need += s.len();
        if self.need <= self.buf.len() {
            self.buf[self.at..self.need].copy_from_slice(s.as_bytes());
            self.at = self.need;
        }
        Ok(())
    }
}

/// The labels of a [`DomainName`], as byte slices.
#[derive(Clone, Debug)]
pub struct Labels<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Labels<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (&len, tail) = self.rest.split_first()?;
        // A DomainName's bytes are well formed by construction; `get` keeps even a broken
        // invariant from panicking.
        let label = tail.get(..len as usize)?;
        self.rest = &tail[len as usize..];
        Some(label)
    }
}

/// Label-sequence comparison ignoring ASCII case.
trait EqByCase<'a>: Iterator<Item = &'a [u8]> + Sized {
    fn eq_by_case<I: Iterator<Item = &'a [u8]>>(mut self, mut other: I) -> bool {
        loop {
            match (self.next(), other.next()) {
                (None, None) => return true,
                (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => {}
                _ => return false,
            }
        }
    }
}

impl<'a, I: Iterator<Item = &'a [u8]>> EqByCase<'a> for I {}

impl PartialEq for DomainName {
    fn eq(&self, other: &DomainName) -> bool {
        self.as_wire().eq_ignore_ascii_case(other.as_wire())
    }
}

impl Eq for DomainName {}

impl Hash for DomainName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for b in self.as_wire() {
            state.write_u8(b.to_ascii_lowercase());
        }
    }
}

impl fmt::Display for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_root() {
            return f.write_str(".");
        }
        for (i, label) in self.labels().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            for &b in label {
                match b {
                    b'.' | b'\\' => write!(f, "\\{}", b as char)?,
                    0x21..=0x7e => write!(f, "{}", b as char)?,
                    _ => write!(f, "\\{b:03}")?,
                }
            }
        }
        Ok(())
    }
}

impl fmt::Debug for DomainName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DomainName({self})")
    }
}

impl core::str::FromStr for DomainName {
    type Err = Error;

    fn from_str(s: &str) -> Result<DomainName> {
        DomainName::new(s)
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for DomainName {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Display2Format(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ResolveError;

    #[test]
    fn wire_form() {
        let n = DomainName::new("www.example.com").unwrap();
        assert_eq!(n.as_wire(), b"\x03www\x07example\x03com\x00");
        assert_eq!(DomainName::new(".").unwrap().as_wire(), b"\x00");
        assert_eq!(DomainName::root().label_count(), 0);
    }

    #[test]
    fn refusals() {
        assert_eq!(
            DomainName::new(""),
            Err(Error::Resolve(ResolveError::InvalidName(NameError::Empty)))
        );
        assert_eq!(
            DomainName::new(".a"),
            Err(Error::Resolve(ResolveError::InvalidName(
                NameError::EmptyLabel { at: 0 }
            )))
        );
        assert_eq!(
            DomainName::new("a..b"),
            Err(Error::Resolve(ResolveError::InvalidName(
                NameError::EmptyLabel { at: 2 }
            )))
        );
        let long = [b'a'; 64];
        assert_eq!(
            DomainName::from_text(&long),
            Err(Error::Resolve(ResolveError::InvalidName(
                NameError::LabelTooLong { len: 64 }
            )))
        );
        // 4 labels of 63 = 4 * 64 + 1 = 257 bytes: too long; 3 of 63 and one of 61 = 255 fits.
        let mut text = [b'a'; 63 * 4 + 3];
        for i in [63, 127, 191] {
            text[i] = b'.';
        }
        assert_eq!(
            DomainName::from_text(&text),
            Err(Error::Resolve(ResolveError::InvalidName(
                NameError::TooLong
            )))
        );
        let fits = &text[..text.len() - 2];
        assert_eq!(DomainName::from_text(fits).unwrap().as_wire().len(), 255);
    }

    #[test]
    fn case_and_suffix() {
        let a = DomainName::new("Mail.Example.ORG").unwrap();
        let b = DomainName::new("mail.example.org.").unwrap();
        assert_eq!(a, b);
        assert!(a.ends_with(&DomainName::new("example.org").unwrap()));
        assert!(a.ends_with(&DomainName::root()));
        assert!(!a.ends_with(&DomainName::new("ample.org").unwrap()));
        let j = DomainName::new("host")
            .unwrap()
            .join(&DomainName::new("lan.example").unwrap())
            .unwrap();
        assert_eq!(j, DomainName::new("host.lan.example").unwrap());
    }

    #[test]
    fn display_escapes() {
        let mut n = DomainName::root();
        n.push_label(b"a.b").unwrap();
        n.push_label(b"\x00\\").unwrap();
        let mut buf = [0u8; 64];
        let len = n.write_text(&mut buf).unwrap();
        assert_eq!(&buf[..len], b"a\\.b.\\000\\\\");
        let mut small = [0u8; 3];
        assert_eq!(
            n.write_text(&mut small),
            Err(Error::Input(InputError::BufferTooSmall { needed: 11 }))
        );
    }
}
