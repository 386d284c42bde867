//! Names inside a message: [`NameRef`], and the walk that follows labels and compression
//! pointers.

use core::fmt;
use core::iter::FusedIterator;

use super::{array, bytes, WireError, HEADER_LEN, POINTER_LIMIT};
use crate::resolve::name::{DomainName, NAME_MAX};

/// A domain name inside a message: where it starts, and the message, so that compression
/// pointers (RFC 1035 §4.1.4) can be followed. Zero-copy: `Copy`, two words.
///
/// Every `NameRef` comes from a [`Message`], which has checked the name: its labels,
/// pointers and length. The rules it checked: a label is 1 to 63 bytes; a length byte with
/// top bits `01` or `10` is an error; each pointer must point past the header and strictly
/// before the start of the run of labels that leads to it (the name's start, or the previous
/// pointer's target), so that positions only go backwards and no loop is possible; the run a
/// pointer leads to must end before the pointer; at most [`POINTER_LIMIT`] pointers; at most
/// 255 bytes once expanded (see the module docs, "Compression pointers").
///
/// Compares with a [`DomainName`] ignoring ASCII case, without copying ([`eq_name`],
/// `==`); `Display` writes it as [`DomainName`] does.
///
/// [`eq_name`]: NameRef::eq_name
/// [`Message`]: super::Message
#[derive(Clone, Copy)]
pub struct NameRef<'a> {
    msg: &'a [u8],
    start: usize,
}

impl<'a> NameRef<'a> {
    /// Where the name starts in the message (its first length byte or pointer).
    pub fn offset(&self) -> usize {
        self.start
    }

    /// The labels, first (leftmost) to last, without the root, pointers followed.
    pub fn labels(&self) -> NameLabels<'a> {
        NameLabels {
            walk: Walk::new(self.msg, self.start),
        }
    }

    /// The name copied into a [`DomainName`]. Always `Ok` for a `NameRef` from a
    /// [`Message`], which checked the name; the `Result` keeps this true by construction
    /// rather than by promise.
    ///
    /// [`Message`]: super::Message
    pub fn to_name(&self) -> Result<DomainName, WireError> {
        let mut walk = Walk::new(self.msg, self.start);
        let mut name = DomainName::root();
        while let Some(label) = walk.step()? {
            // The walk gives labels of 1 to 63 bytes and stops past 255: cannot fail.
            name.push_label(label).map_err(|_| WireError::NameTooLong)?;
        }
        Ok(name)
    }

    /// Whether this is `name`, label by label, ignoring ASCII case (RFC 4343).
    pub fn eq_name(&self, name: &DomainName) -> bool {
        eq_labels(self.labels(), name.labels())
    }
}

/// Label sequences equal ignoring ASCII case.
fn eq_labels<'x, 'y>(
    mut a: impl Iterator<Item = &'x [u8]>,
    mut b: impl Iterator<Item = &'y [u8]>,
) -> bool {
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => {}
            _ => return false,
        }
    }
}

impl PartialEq<DomainName> for NameRef<'_> {
    fn eq(&self, other: &DomainName) -> bool {
        self.eq_name(other)
    }
}

impl PartialEq<NameRef<'_>> for DomainName {
    fn eq(&self, other: &NameRef<'_>) -> bool {
        other.eq_name(self)
    }
}

/// Two names (from the same message or not) compare label by label, ignoring ASCII case.
impl<'b> PartialEq<NameRef<'b>> for NameRef<'_> {
    fn eq(&self, other: &NameRef<'b>) -> bool {
        eq_labels(self.labels(), other.labels())
    }
}

impl fmt::Display for NameRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_name() {
            Ok(name) => fmt::Display::fmt(&name, f),
            Err(e) => write!(f, "<{e}>"),
        }
    }
}

impl fmt::Debug for NameRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NameRef({self} @{})", self.start)
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for NameRef<'_> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "{}", defmt::Display2Format(self))
    }
}

/// The labels of a [`NameRef`], as byte slices of the message.
#[derive(Clone)]
pub struct NameLabels<'a> {
    walk: Walk<'a>,
}

impl<'a> Iterator for NameLabels<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        // The name was checked when the message was parsed; an error cannot happen, and
        // would end the labels.
        self.walk.step().ok().flatten()
    }
}

impl FusedIterator for NameLabels<'_> {}

impl fmt::Debug for NameLabels<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NameLabels")
            .field("at", &self.walk.pos)
            .finish_non_exhaustive()
    }
}

/// Follows one name through its labels and pointers: the one place that reads names.
#[derive(Clone)]
struct Walk<'a> {
    msg: &'a [u8],
    /// The next length byte or pointer.
    pos: usize,
    /// Where the current run of labels began: the name's start or the last pointer's target.
    /// The next pointer must point before it.
    run_start: usize,
    /// Where the current run must end by: the last pointer's position (the run's bytes,
    /// its ending root or pointer included, lie before it), or the message's end in place.
    limit: usize,
    /// Pointers followed so far.
    jumps: usize,
    /// Wire length so far, without the root's zero.
    len: usize,
    /// Where the name ends in place: after its first pointer, or after its root zero.
    end: Option<usize>,
    /// The root was reached, or an error: no more labels.
    done: bool,
}

impl<'a> Walk<'a> {
    fn new(msg: &'a [u8], start: usize) -> Walk<'a> {
        Walk {
            msg,
            pos: start,
            run_start: start,
            limit: msg.len(),
            jumps: 0,
            len: 0,
            end: None,
            done: false,
        }
    }

    /// The next label; `None` at the root. After an error, `None` for good.
    fn step(&mut self) -> Result<Option<&'a [u8]>, WireError> {
        if self.done {
            return Ok(None);
        }
        let next = self.step_inner();
        if !matches!(next, Ok(Some(_))) {
            self.done = true;
        }
        next
    }

    /// Whether the current run may read the bytes before `end`: in place, those of the
    /// message; after a pointer, those before it, so that no name reads past the bytes
    /// `Message::decode` checked.
    fn within(&self, end: usize) -> Result<(), WireError> {
        if end <= self.limit {
            Ok(())
        } else if self.jumps == 0 {
            Err(WireError::Short)
        } else {
            Err(WireError::LabelsPastPointer)
        }
    }

    fn step_inner(&mut self) -> Result<Option<&'a [u8]>, WireError> {
        loop {
            self.within(self.pos + 1)?;
            let len = *self.msg.get(self.pos).ok_or(WireError::Short)?;
            match len & 0xc0 {
                0x00 if len == 0 => {
                    self.end.get_or_insert(self.pos + 1);
                    return Ok(None);
                }
                0x00 => {
                    let len = usize::from(len);
                    self.len += 1 + len;
                    // Room must remain for the root's zero.
                    if self.len + 1 > NAME_MAX {
                        return Err(WireError::NameTooLong);
                    }
                    self.within(self.pos + 1 + len)?;
                    let label = bytes(self.msg, self.pos + 1, len)?;
                    self.pos += 1 + len;
                    return Ok(Some(label));
                }
                0xc0 => {
                    self.within(self.pos + 2)?;
                    let [hi, lo] = array(self.msg, self.pos)?;
                    let target = usize::from(u16::from_be_bytes([hi & 0x3f, lo]));
                    self.end.get_or_insert(self.pos + 2);
                    if target >= self.msg.len() {
                        return Err(WireError::PointerOutOfRange);
                    }
                    if target > self.pos {
                        return Err(WireError::PointerForward);
                    }
                    if target < HEADER_LEN {
                        return Err(WireError::PointerIntoHeader);
                    }
                    if target >= self.run_start {
                        return Err(WireError::PointerLoop);
                    }
                    self.jumps += 1;
                    if self.jumps > POINTER_LIMIT {
                        return Err(WireError::PointerLoop);
                    }
                    self.limit = self.pos;
                    self.pos = target;
                    self.run_start = target;
                }
                kind => return Err(WireError::BadLabelType(kind)),
            }
        }
    }
}

/// Checks the name at `at`; returns it and where it ends in place.
pub(super) fn read_name(msg: &[u8], at: usize) -> Result<(NameRef<'_>, usize), WireError> {
    let mut walk = Walk::new(msg, at);
    while walk.step()?.is_some() {}
    let end = walk.end.ok_or(WireError::Short)?;
    Ok((NameRef { msg, start: at }, end))
}
