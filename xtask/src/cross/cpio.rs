//! An initramfs in the `newc` cpio format, the one the kernel unpacks
//! (Documentation/driver-api/early-userspace/buffer-format.rst), written with the `cpio`
//! crate rather than cpio(1), so that device nodes need no root and the archive is the same
//! bytes every time (all owned by root, mtime 0). This adds the parent directories and the
//! inode numbers.

use std::collections::BTreeSet;
use std::io::Write;

const S_IFDIR: u32 = 0o040000;
const S_IFREG: u32 = 0o100000;
const S_IFLNK: u32 = 0o120000;
const S_IFCHR: u32 = 0o020000;

#[derive(Default)]
pub struct Cpio {
    buf: Vec<u8>,
    next_ino: u32,
    dirs: BTreeSet<String>,
}

impl Cpio {
    pub fn new() -> Cpio {
        Cpio {
            next_ino: 1,
            ..Default::default()
        }
    }

    /// Adds a directory (and its missing parents).
    pub fn dir(&mut self, path: &str) {
        let path = path.trim_matches('/');
        if path.is_empty() || self.dirs.contains(path) {
            return;
        }
        if let Some((parent, _)) = path.rsplit_once('/') {
            self.dir(parent);
        }
        self.dirs.insert(path.to_owned());
        self.entry(path, S_IFDIR | 0o755, 2, (0, 0), &[]);
    }

    /// Adds a regular file with permission bits `perm` (and its missing parent directories).
    pub fn file(&mut self, path: &str, perm: u32, data: &[u8]) {
        self.parent(path);
        self.entry(path.trim_matches('/'), S_IFREG | perm, 1, (0, 0), data);
    }

    pub fn symlink(&mut self, path: &str, target: &str) {
        self.parent(path);
        self.entry(
            path.trim_matches('/'),
            S_IFLNK | 0o777,
            1,
            (0, 0),
            target.as_bytes(),
        );
    }

    /// Adds a character device node.
    pub fn char_dev(&mut self, path: &str, perm: u32, major: u32, minor: u32) {
        self.parent(path);
        self.entry(
            path.trim_matches('/'),
            S_IFCHR | perm,
            1,
            (major, minor),
            &[],
        );
    }

    /// The archive, closed with its trailer.
    pub fn finish(mut self) -> Vec<u8> {
        cpio::newc::trailer(&mut self.buf).expect("a Vec takes every write");
        self.buf
    }

    fn parent(&mut self, path: &str) {
        if let Some((parent, _)) = path.trim_matches('/').rsplit_once('/') {
            self.dir(parent);
        }
    }

    fn entry(&mut self, name: &str, mode: u32, nlink: u32, rdev: (u32, u32), data: &[u8]) {
        let ino = self.next_ino;
        self.next_ino += 1;
        let size = u32::try_from(data.len()).expect("an initramfs file under 4 GiB");
        let mut w = cpio::newc::Builder::new(name)
            .ino(ino)
            .mode(mode)
            .nlink(nlink)
            .rdev_major(rdev.0)
            .rdev_minor(rdev.1)
            .write(&mut self.buf, size);
        w.write_all(data)
            .and_then(|()| w.finish().map(drop))
            .expect("a Vec takes every write");
    }
}

/// The names in a `newc` archive (several appended ones too), in order, without the trailers;
/// for tests.
#[cfg(test)]
pub fn names(mut archive: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    while archive.starts_with(b"070701") {
        let Ok(entry) = cpio::NewcReader::new(archive) else {
            break;
        };
        if !entry.entry().is_trailer() {
            names.push(entry.entry().name().to_owned());
        }
        match entry.finish() {
            Ok(rest) => archive = rest,
            Err(_) => break,
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::Cpio;

    #[test]
    fn layout() {
        let mut c = Cpio::new();
        c.file("a/b", 0o644, b"hello");
        let out = c.finish();
        // Directory `a`, file `a/b`, trailer; everything 4-aligned.
        assert_eq!(out.len() % 4, 0);
        assert!(out.starts_with(b"070701"));
        let text = String::from_utf8_lossy(&out);
        assert_eq!(text.matches("070701").count(), 3);
        // The file's header: mode 0100644, size 5, name size 4 ("a/b" + NUL).
        let at = text.find("a/b").unwrap() - 110;
        assert_eq!(&text[at + 14..at + 22], "000081a4");
        assert_eq!(&text[at + 54..at + 62], "00000005");
        assert_eq!(&text[at + 94..at + 102], "00000004");
        assert!(text.contains("hello"));
        // The trailer's header (110) + name and NUL (11) is padded to 124.
        assert!(out.ends_with(b"TRAILER!!!\0\0\0\0"));
        // Read back, a second archive appended.
        let mut c = Cpio::new();
        c.file("c", 0o644, b"12345678");
        let mut both = out;
        both.extend(c.finish());
        assert_eq!(super::names(&both), ["a", "a/b", "c"]);
    }
}
