//! Reading a text file line by line through a fixed buffer on the stack: no heap, no libc.
//!
//! The configuration files (`/etc/resolv.conf`, `/etc/hosts`, `/etc/services`) are read with
//! `open(2)` and `read(2)` through a 4 KiB buffer; each line goes to a closure. A line longer
//! than 4095 bytes (without its newline) cannot be held and is skipped whole, and counted: nothing is cut
//! short silently.
//!
//! # Files that cannot be read
//!
//! One rule for every file (hosts, services, resolv.conf), in [`for_each_line`]: a file that
//! is missing or cannot be read because of what the file system holds reads as **empty**, and
//! the [`Scan`] says why ([`Scan::unread`]): it does not exist (`ENOENT`), a component of its
//! path is not a directory (`ENOTDIR`), access is denied (`EACCES`, `EPERM`), there is a
//! symbolic-link loop (`ELOOP`), or it is a directory (`EISDIR`: it opens, but does not
//! read). These are the persistent errors glibc's resolv.conf loader ignores; its hosts and
//! services readers (nss_files) skip the file on them too and go on to the next source, so a
//! lookup falls through to DNS. Any other error (out of file descriptors or memory, an I/O
//! error, a path the kernel refuses) is returned: nss_files would skip the file on those
//! too, which could answer a name from DNS that the hosts file overrides, so this reader
//! says so instead.
//!
//! glibc itself differs from file to file for a directory: nss_files skips it as above,
//! but its resolv.conf loader fails on the read error, and with it every `getaddrinfo` call
//! (hosts-file names included). Here a directory is empty everywhere.
//!
//! Paths are bytes (`&str` and `&[u8]` both work through `AsRef<[u8]>`), copied with a NUL
//! into a stack buffer of `PATH_MAX` (4096) bytes: rustix's own conversion would allocate for
//! paths of 256 bytes or more when its `alloc` feature is on (it is, under `std`). A path of
//! 4096 bytes or more is [`Error::Os`]`(`[`Errno::NAMETOOLONG`]`)`, what the kernel would say;
//! a path holding a NUL byte is [`Error::Os`]`(`[`Errno::INVAL`]`)`.

use crate::{InputError, ResolveError};
use core::ffi::CStr;
use core::ops::ControlFlow;

use rustix::fd::{AsFd, OwnedFd};
use rustix::io::Errno;

use crate::{Error, HostError, HostErrorKind, LookupCause, LookupError, LookupErrorKind, Result};

/// The reading buffer's size: lines of up to `BUF_LEN - 1` bytes (4095) and their newline
/// are delivered; longer lines are skipped whole and counted.
const BUF_LEN: usize = 4096;

/// The kernel's limit on a path, its NUL included (`PATH_MAX`).
const PATH_MAX: usize = linux_raw_sys::general::PATH_MAX as usize;

/// What a scan of a configuration file met on its way, besides its answer.
///
/// The counts cover the lines read: a lookup that stops at its first answer does not read the
/// rest of the file. A file that could not be read (see [`Scan::unread`]) reads as empty.
///
/// ```
/// use baresock::resolve::{__private::hosts, DomainName};
/// let text = b"127.0.0.1 localhost\nnot-an-address name\n";
/// let name = DomainName::new("localhost")?;
/// let scan = hosts::by_name(text, &name, |_addr, _canonical| core::ops::ControlFlow::Continue(()));
/// assert_eq!(scan.malformed(), 1);
/// assert!(!scan.missing());
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Scan {
    unread: Option<Errno>,
    malformed: usize,
    too_long: usize,
}

impl Scan {
    /// Whether the file does not exist (`ENOENT`); it was read as empty, as glibc does.
    pub const fn missing(&self) -> bool {
        matches!(self.unread, Some(Errno::NOENT))
    }

    /// Why the file was read as empty, if it could not be read: `ENOENT` (missing, as
    /// [`missing`](Scan::missing) says), `ENOTDIR`, `EACCES`, `EPERM`, `ELOOP` or `EISDIR`
    /// (a directory). Any other error fails the scan instead.
    ///
    /// ```
    /// use baresock::resolve::__private::hosts;
    /// use baresock::Errno;
    /// // A directory where the file should be: no lines, and the reason.
    /// let scan = hosts::for_each_file("/", |_| core::ops::ControlFlow::Continue(()))?;
    /// assert_eq!(scan.unread(), Some(Errno::ISDIR));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub const fn unread(&self) -> Option<Errno> {
        self.unread
    }

    /// How many lines were skipped because they do not parse (a bad address or port, a
    /// missing field, a name that is not a domain name...).
    pub const fn malformed(&self) -> usize {
        self.malformed
    }

    /// How many lines were skipped because they are longer than the reader's buffer holds
    /// (4095 bytes without the newline). Only a file is read through that buffer: text given
    /// in memory has no such limit.
    pub const fn too_long(&self) -> usize {
        self.too_long
    }

    /// Counts `n` more malformed lines.
    pub(crate) fn add_malformed(&mut self, n: usize) {
        self.malformed += n;
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Scan {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Scan {{ unread: {}, malformed: {}, too_long: {} }}",
            self.unread.map(|e| e.raw_os_error()),
            self.malformed,
            self.too_long
        )
    }
}

/// Where the lines come from: text in memory, or a file read through the stack buffer.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Source<'a> {
    /// Text in memory.
    Text(&'a [u8]),
    /// The file at this path.
    File(&'a [u8]),
}

/// Calls `f` with each line of `source`, and returns what the reader met (a missing file,
/// lines too long); the caller adds its malformed lines to the count.
pub(crate) fn scan<F>(source: Source<'_>, f: F) -> Result<Scan>
where
    F: FnMut(&[u8]) -> ControlFlow<()>,
{
    match source {
        Source::Text(text) => {
            for_each_text_line(text, f);
            Ok(Scan::default())
        }
        Source::File(path) => match for_each_line(path, f)? {
            Lines::Unread(e) => Ok(Scan {
                unread: Some(e),
                ..Scan::default()
            }),
            Lines::Read { too_long } => Ok(Scan {
                too_long,
                ..Scan::default()
            }),
        },
    }
}

/// Whitespace between the words of a hosts or services line (C's `isspace` but newline).
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c)
}

/// A line without its `#` comment.
pub(crate) fn uncommented(line: &[u8]) -> &[u8] {
    match line.iter().position(|&b| b == b'#') {
        Some(i) => &line[..i],
        None => line,
    }
}

/// The first word of `text` and what follows it.
pub(crate) fn next_word(text: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = text.iter().position(|&b| !is_space(b))?;
    let text = &text[start..];
    let end = text.iter().position(|&b| is_space(b)).unwrap_or(text.len());
    Some((&text[..end], &text[end..]))
}

/// The words of `text`.
pub(crate) fn words(text: &[u8]) -> impl Iterator<Item = &[u8]> {
    text.split(|&b| is_space(b)).filter(|w| !w.is_empty())
}

/// What one line of a database holds.
pub(crate) enum Line<E> {
    /// Nothing but blanks and a comment.
    Blank,
    /// Something that does not parse.
    Malformed,
    /// An entry.
    Entry(E),
}

impl<E> Line<E> {
    /// The entry turned into something else; blank and malformed lines stay as they are.
    pub(crate) fn map<T>(self, f: impl FnOnce(E) -> T) -> Line<T> {
        match self {
            Line::Blank => Line::Blank,
            Line::Malformed => Line::Malformed,
            Line::Entry(e) => Line::Entry(f(e)),
        }
    }
}

/// Reads the lines of `source` through `f`, which parses each and, for an entry, says
/// whether to go on; malformed lines are counted in the [`Scan`].
pub(crate) fn scan_entries<F>(source: Source<'_>, mut f: F) -> Result<Scan>
where
    F: FnMut(&[u8]) -> Line<ControlFlow<()>>,
{
    let mut malformed = 0;
    let mut scan = scan(source, |line| match f(line) {
        Line::Blank => ControlFlow::Continue(()),
        Line::Malformed => {
            malformed += 1;
            ControlFlow::Continue(())
        }
        Line::Entry(flow) => flow,
    })?;
    scan.add_malformed(malformed);
    Ok(scan)
}

/// Calls `f` with each line of `text`: split on `\n` (which is not part of the line), a last
/// line without a newline included, no empty line made up after a final newline.
pub(crate) fn for_each_text_line<F>(text: &[u8], mut f: F)
where
    F: FnMut(&[u8]) -> ControlFlow<()>,
{
    let mut rest = text;
    while !rest.is_empty() {
        let (line, tail) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        if f(line).is_break() {
            return;
        }
        rest = tail;
    }
}

/// How reading a file ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lines {
    /// The file could not be read, for this reason (one of [`reads_as_empty`]'s); nothing was
    /// delivered.
    Unread(Errno),
    /// The file was read, to its end or until the closure stopped.
    Read {
        /// Lines skipped whole because they are longer than 4095 bytes.
        too_long: usize,
    },
}

/// Opens the file at `path` and calls `f` with each of its lines (as
/// [`for_each_text_line`] splits them), through a 4 KiB buffer on the stack.
///
/// A file that cannot be opened or read for one of [`reads_as_empty`]'s reasons is
/// [`Lines::Unread`] (the module's rule); any other error is [`Error::Os`]. See the module's
/// docs for paths.
pub(crate) fn for_each_line<F>(path: &[u8], mut f: F) -> Result<Lines>
where
    F: FnMut(&[u8]) -> ControlFlow<()>,
{
    let fd = match open(path) {
        Ok(fd) => fd,
        Err(Error::Os(e)) if reads_as_empty(e) => return Ok(Lines::Unread(e)),
        Err(e) => return Err(e),
    };
    let mut buf = [0u8; BUF_LEN];
    let mut delivered = false;
    let read = read_lines(&fd, &mut buf, |line| {
        delivered = true;
        f(line)
    });
    match read {
        Ok(too_long) => Ok(Lines::Read { too_long }),
        // A directory opens, and fails its first read: nothing was delivered.
        Err(Error::Os(e)) if reads_as_empty(e) && !delivered => Ok(Lines::Unread(e)),
        Err(e) => Err(e),
    }
}

/// Whether a file that fails to open or read with `e` reads as empty: the persistent errors
/// that come from what the file system holds (the module's rule).
pub(crate) fn reads_as_empty(e: Errno) -> bool {
    matches!(
        e,
        Errno::NOENT | Errno::NOTDIR | Errno::ACCESS | Errno::PERM | Errno::LOOP | Errno::ISDIR
    )
}

/// Opens `path` read-only and close-on-exec. Kept out of line so that its path buffer and the
/// reading buffer are never on the stack together.
#[inline(never)]
pub(crate) fn open(path: &[u8]) -> Result<crate::sys::fd::Fd> {
    if path.len() >= PATH_MAX {
        return Err(Error::Os(Errno::NAMETOOLONG));
    }
    let mut buf = [0u8; PATH_MAX];
    buf[..path.len()].copy_from_slice(path);
    let path =
        CStr::from_bytes_with_nul(&buf[..=path.len()]).map_err(|_| Error::Os(Errno::INVAL))?;
    loop {
        match crate::sys::os::open_read(path) {
            Err(Errno::INTR) => continue,
            r => return r.map_err(Error::Os),
        }
    }
}

/// Reads `fd` to its end through `buf` and calls `f` with each line; returns how many lines
/// were skipped as longer than `buf.len() - 1` bytes. `buf` must not be empty.
pub(crate) fn read_lines<F>(fd: &OwnedFd, buf: &mut [u8], mut f: F) -> Result<usize>
where
    F: FnMut(&[u8]) -> ControlFlow<()>,
{
    if buf.is_empty() {
        return Err(Error::Input(InputError::BufferTooSmall { needed: 1 }));
    }
    // `buf[..held]` is the start of the current line, holding no newline; `held` stays below
    // `buf.len()`, so a read never gets an empty slice (whose 0 would look like the end).
    let mut held = 0;
    // Inside a line too long for the buffer: its bytes are dropped up to the next newline.
    let mut skipping = false;
    let mut too_long = 0;
    loop {
        let n = loop {
            match crate::sys::os::read(fd.as_fd(), &mut buf[held..]) {
                Err(Errno::INTR) => continue,
                r => break r.map_err(Error::Os)?,
            }
        };
        if n == 0 {
            if held > 0 && !skipping {
                // The last line has no newline; it counts all the same. Whether `f` stops
                // here makes no difference.
                let _ = f(&buf[..held]);
            }
            return Ok(too_long);
        }
        let end = held + n;
        let mut start = 0;
        let mut from = held;
        while let Some(i) = buf[from..end].iter().position(|&b| b == b'\n') {
            let newline = from + i;
            if skipping {
                skipping = false;
            } else if f(&buf[start..newline]).is_break() {
                return Ok(too_long);
            }
            start = newline + 1;
            from = start;
        }
        if skipping {
            held = 0;
        } else if end - start == buf.len() {
            // A whole buffer without a newline: the line cannot be held.
            skipping = true;
            too_long += 1;
            held = 0;
        } else {
            buf.copy_within(start..end, 0);
            held = end - start;
        }
    }
}

/// Whether reading a file failed with `e` for want of resources, which may pass.
fn temporary_file_error(e: Errno) -> bool {
    matches!(
        e,
        Errno::MFILE | Errno::NFILE | Errno::NOMEM | Errno::NOBUFS | Errno::AGAIN
    )
}

/// A forward lookup's error for a file that could not be read (for a reason other than those
/// that make it read as empty): [`TryAgain`](crate::LookupErrorKind::TryAgain) for want of
/// resources, else [`Failed`](crate::LookupErrorKind::Failed), the errno as the cause.
pub(crate) fn file_error(e: Error) -> Error {
    match e {
        Error::Os(errno) if temporary_file_error(errno) => Error::Resolve(ResolveError::Lookup(
            LookupError::new(LookupErrorKind::TryAgain, LookupCause::Os(errno)),
        )),
        Error::Os(errno) => Error::Resolve(ResolveError::Lookup(LookupError::new(
            LookupErrorKind::Failed,
            LookupCause::Os(errno),
        ))),
        other => other,
    }
}

/// [`file_error`] for a reverse lookup: [`TryAgain`](crate::HostErrorKind::TryAgain) or
/// [`NoRecovery`](crate::HostErrorKind::NoRecovery).
pub(crate) fn host_file_error(e: Error) -> Error {
    match e {
        Error::Os(errno) => {
            let kind = if temporary_file_error(errno) {
                HostErrorKind::TryAgain
            } else {
                HostErrorKind::NoRecovery
            };
            Error::Resolve(ResolveError::Host(HostError::new(
                kind,
                LookupCause::Os(errno),
            )))
        }
        other => other,
    }
}

#[cfg(all(test, feature = "std"))]
pub(crate) mod tests {
    use super::*;
    use std::vec::Vec;

    /// A scan of the system's file `path` that gave `entries` entries read it whole where it
    /// is readable (a reader that returned `Ok` for a file it never opened must not pass), and
    /// read it as empty, saying why, where it is not: every line that is not blank or a
    /// comment is an entry or counted malformed.
    pub(crate) fn assert_read_whole(path: &str, entries: usize, scan: &Scan) {
        match std::fs::read(path) {
            Ok(bytes) => {
                assert_eq!(scan.unread(), None);
                let lines = bytes
                    .split(|&b| b == b'\n')
                    .map(|l| l.split(|&b| b == b'#').next().unwrap_or_default())
                    .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
                    .count();
                assert_eq!(entries + scan.malformed(), lines, "{path}");
            }
            Err(e) => assert!(scan.unread().is_some() && entries == 0, "{path}: {e}"),
        }
    }

    /// A file under the temporary directory, removed when dropped.
    pub(crate) struct TempFile {
        pub(crate) path: std::path::PathBuf,
    }

    impl TempFile {
        pub(crate) fn new(tag: &str, contents: &[u8]) -> TempFile {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(std::format!(
                "baresock-{}-{}-{}",
                tag,
                std::process::id(),
                n
            ));
            std::fs::write(&path, contents).unwrap();
            TempFile { path }
        }

        pub(crate) fn path(&self) -> &[u8] {
            use std::os::unix::ffi::OsStrExt;
            self.path.as_os_str().as_bytes()
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    fn lines_of_text(text: &[u8]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for_each_text_line(text, |l| {
            out.push(l.to_vec());
            ControlFlow::Continue(())
        });
        out
    }

    /// Lines of a file read through a buffer of `buf_len` bytes, and the too-long count.
    fn lines_of_file(contents: &[u8], buf_len: usize) -> (Vec<Vec<u8>>, usize) {
        let file = TempFile::new("lines", contents);
        let fd = open(file.path()).unwrap();
        let mut buf = std::vec![0u8; buf_len];
        let mut out = Vec::new();
        let too_long = read_lines(&fd, &mut buf, |l| {
            out.push(l.to_vec());
            ControlFlow::Continue(())
        })
        .unwrap();
        (out, too_long)
    }

    fn v(lines: &[&[u8]]) -> Vec<Vec<u8>> {
        lines.iter().map(|l| l.to_vec()).collect()
    }

    #[test]
    fn text_lines() {
        assert_eq!(lines_of_text(b""), v(&[]));
        assert_eq!(lines_of_text(b"a\nb\n"), v(&[b"a", b"b"]));
        assert_eq!(lines_of_text(b"a\n\nb"), v(&[b"a", b"", b"b"]));
        assert_eq!(lines_of_text(b"\n"), v(&[b""]));
        assert_eq!(lines_of_text(b"x\r\n"), v(&[b"x\r"]));
    }

    #[test]
    fn text_lines_stop() {
        let mut seen = 0;
        for_each_text_line(b"a\nb\nc\n", |_| {
            seen += 1;
            ControlFlow::Break(())
        });
        assert_eq!(seen, 1);
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "reads files through system calls, which Miri cannot run"
    )]
    fn file_lines_match_text_lines() {
        let text: &[u8] = b"first\n\nthird line\r\n  indented\nno newline";
        // Buffers from just large enough (the longest line is 11 bytes) to larger than the
        // file: the same lines each time.
        for len in [12, 13, 16, 21, 64, 4096] {
            let (lines, too_long) = lines_of_file(text, len);
            assert_eq!(lines, lines_of_text(text), "buffer of {len}");
            assert_eq!(too_long, 0);
        }
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "reads files through system calls, which Miri cannot run"
    )]
    fn long_lines_skipped_and_counted() {
        // With an 8-byte buffer, lines of up to 7 bytes are read.
        let text: &[u8] = b"1234567\n12345678\nok\n123456789012345678901\nend";
        let (lines, too_long) = lines_of_file(text, 8);
        assert_eq!(lines, v(&[b"1234567", b"ok", b"end"]));
        assert_eq!(too_long, 2);
        // A too-long last line without a newline, and one exactly at the limit.
        let (lines, too_long) = lines_of_file(b"a\n123456789", 8);
        assert_eq!((lines, too_long), (v(&[b"a"]), 1));
        let (lines, too_long) = lines_of_file(b"a\n1234567", 8);
        assert_eq!((lines, too_long), (v(&[b"a", b"1234567"]), 0));
        let (lines, too_long) = lines_of_file(b"12345678", 8);
        assert_eq!((lines, too_long), (v(&[]), 1));
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "reads files through system calls, which Miri cannot run"
    )]
    fn long_line_across_the_real_buffer() {
        const LINE_MAX: usize = BUF_LEN - 1;
        let mut text = Vec::new();
        text.extend_from_slice(b"short\n");
        text.extend(core::iter::repeat_n(b'x', LINE_MAX));
        text.push(b'\n');
        text.extend(core::iter::repeat_n(b'y', LINE_MAX + 1));
        text.extend_from_slice(b"\nafter\n");
        text.extend(core::iter::repeat_n(b'z', 3 * BUF_LEN));
        let file = TempFile::new("long", &text);
        let mut lens = Vec::new();
        let lines = for_each_line(file.path(), |l| {
            lens.push(l.len());
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(lens, [5, LINE_MAX, 5]);
        assert_eq!(lines, Lines::Read { too_long: 2 });
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "reads files through system calls, which Miri cannot run"
    )]
    fn stop_early() {
        let file = TempFile::new("stop", b"a\nb\nc\n");
        let mut seen = Vec::new();
        for_each_line(file.path(), |l| {
            seen.push(l.to_vec());
            if l == b"b" {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
        assert_eq!(seen, v(&[b"a", b"b"]));
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "reads files through system calls, which Miri cannot run"
    )]
    fn missing_and_errors() {
        let dir = std::env::temp_dir();
        let missing = dir.join("baresock-surely-missing-file");
        use std::os::unix::ffi::OsStrExt;
        let r = for_each_line(
            missing.as_os_str().as_bytes(),
            |_| ControlFlow::Continue(()),
        );
        assert_eq!(r, Ok(Lines::Unread(Errno::NOENT)));
        let s = scan(Source::File(missing.as_os_str().as_bytes()), |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
        assert!(s.missing());
        assert_eq!(s.unread(), Some(Errno::NOENT));
        // A directory opens, but does not read: it is empty, and says why.
        let r = for_each_line(dir.as_os_str().as_bytes(), |_| ControlFlow::Continue(()));
        assert_eq!(r, Ok(Lines::Unread(Errno::ISDIR)));
        let s = scan(Source::File(dir.as_os_str().as_bytes()), |_| {
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!((s.missing(), s.unread()), (false, Some(Errno::ISDIR)));
        // A file used as a directory, and a symbolic-link loop.
        let file = TempFile::new("notdir", b"x\n");
        let mut below = Vec::from(file.path());
        below.extend_from_slice(b"/hosts");
        assert_eq!(
            for_each_line(&below, |_| ControlFlow::Continue(())),
            Ok(Lines::Unread(Errno::NOTDIR))
        );
        let link = dir.join(std::format!("baresock-loop-{}", std::process::id()));
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(&link, &link).unwrap();
        let r = for_each_line(link.as_os_str().as_bytes(), |_| ControlFlow::Continue(()));
        let _ = std::fs::remove_file(&link);
        assert_eq!(r, Ok(Lines::Unread(Errno::LOOP)));
        // Paths the kernel could never take are refused before it, without a panic.
        let long = [b'a'; PATH_MAX];
        assert_eq!(
            for_each_line(&long, |_| ControlFlow::Continue(())),
            Err(Error::Os(Errno::NAMETOOLONG))
        );
        assert_eq!(
            for_each_line(b"/etc/\0hosts", |_| ControlFlow::Continue(())),
            Err(Error::Os(Errno::INVAL))
        );
        // A long path that fits PATH_MAX goes to the kernel (which finds nothing there).
        let mut deep = Vec::from(dir.as_os_str().as_bytes());
        while deep.len() < 1000 {
            deep.extend_from_slice(b"/no-such-directory");
        }
        assert_eq!(
            for_each_line(&deep, |_| ControlFlow::Continue(())),
            Ok(Lines::Unread(Errno::NOENT))
        );
    }
}
