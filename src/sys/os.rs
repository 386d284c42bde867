//! The process and file calls the resolver and a few constructors make: `openat` and `read`
//! (the resolver's files; `openat` also opens /dev/vsock for its ioctl), `read` and `write` (the poller's eventfd and timerfd counters),
//! `getrandom` (DNS query ids and ports), `uname` (the host name; the kernel's word size for
//! `CAN_BCM` and `CAN_J1939` from a 32-bit program), the process's ids
//! (`SCM_CREDENTIALS`), and the page size (packet rings).

use rustix::fd::{AsRawFd, BorrowedFd};
use rustix::io::Errno;
use {super::fd::Fd, core::ffi::CStr, linux_raw_sys::general as g};

use syscalls::Sysno;

/// Opens `path` for reading, with `O_CLOEXEC` (closed by [`Fd`]'s `close` when dropped) (`openat(AT_FDCWD, path, ...)`: the one `open`
/// every architecture has).
pub(crate) fn open_read(path: &CStr) -> Result<Fd, Errno> {
    // 32-bit targets: a file of any size, as on 64-bit ones.
    #[cfg(target_pointer_width = "32")]
    let large = g::O_LARGEFILE;
    #[cfg(target_pointer_width = "64")]
    let large = 0;
    // SAFETY: `path` is NUL-terminated and readable, live across the call; the kernel only
    // reads it. `AT_FDCWD` is negative: passed sign-extended, as the kernel takes an `int`.
    let r = unsafe {
        syscalls::raw::syscall4(
            Sysno::openat as usize,
            g::AT_FDCWD as isize as usize,
            path.as_ptr() as usize,
            (g::O_RDONLY | g::O_CLOEXEC | large) as usize,
            0,
        )
    };
    super::io::new_fd_then(r, |fd| Ok(Fd::new(fd)), Err)
}

/// `read(fd, buf)`: how many bytes came (0: the end of the file).
pub(crate) fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is writable for its length during the call; the kernel writes at most
    // that many bytes.
    let r = unsafe {
        syscalls::syscall3(
            Sysno::read,
            fd.as_raw_fd() as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
        )
    };
    r.map_err(super::errno)
}

/// `write(fd, buf)`: how many bytes went (the poller's eventfd takes 8 at once or none).
pub(crate) fn write(fd: BorrowedFd<'_>, buf: &[u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is readable for its length during the call; the kernel only reads it.
    let r = unsafe {
        syscalls::syscall3(
            Sysno::write,
            fd.as_raw_fd() as usize,
            buf.as_ptr() as usize,
            buf.len(),
        )
    };
    r.map_err(super::errno)
}

#[cfg(feature = "resolve")]
/// `getrandom(buf, 0)`: how many random bytes the kernel wrote.
pub(crate) fn getrandom(buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is writable for its length during the call; the kernel writes at most
    // that many bytes.
    let r =
        unsafe { syscalls::syscall3(Sysno::getrandom, buf.as_mut_ptr() as usize, buf.len(), 0) };
    r.map_err(super::errno)
}

/// The length of each field of `struct new_utsname` (linux/utsname.h).
pub(crate) const UTS_LEN: usize = 65;

/// `uname(uts)`: the kernel's `struct new_utsname` (six fields of [`UTS_LEN`] bytes: sysname,
/// nodename, release, version, machine, domainname); all zero if the kernel refuses to tell.
fn uname() -> [[u8; UTS_LEN]; 6] {
    let mut uts = [[0u8; UTS_LEN]; 6];
    // SAFETY: `uts` is a writable `struct new_utsname` (390 bytes, no alignment), live across
    // the call; the kernel writes only it.
    let r = unsafe { syscalls::syscall1(Sysno::uname, uts.as_mut_ptr() as usize) };
    if r.is_ok() {
        uts
    } else {
        [[0; UTS_LEN]; 6]
    }
}

/// The host name (`uname`'s `nodename`), as the kernel's bytes up to the first NUL, in
/// `out`; empty if the kernel refuses to tell.
pub(crate) fn nodename(out: &mut [u8; UTS_LEN]) -> &[u8] {
    *out = uname()[1];
    let end = out.iter().position(|&b| b == 0).unwrap_or(UTS_LEN);
    &out[..end]
}

/// Whether the kernel is a 64-bit one, whose structs hold 8-byte C `long`s and 8-aligned
/// `u64`s: always on a 64-bit target; on a 32-bit one, when `uname`'s `machine` is a 64-bit
/// kernel's (the program then runs in the kernel's compat mode, where `CAN_BCM` and
/// `CAN_J1939` get no translation). Asked once per process, then cached.
///
/// What it cannot see: a 64-bit kernel reports its 32-bit name to a process with the
/// `PER_LINUX32` personality (`setarch i686`, `linux32`): `i686` on x86_64, `ppc`, `s390`, ...
/// (arm64 alone reports `armv8l`/`armv8b`, known here); and qemu-user reports the guest's
/// machine, whatever the host's kernel. Those are taken for a 32-bit kernel.
#[cfg(target_pointer_width = "64")]
#[cfg_attr(not(feature = "can"), allow(dead_code))] // CAN's BCM and J1939 ask it
pub(crate) fn kernel_is_64bit() -> bool {
    true
}

/// Whether the kernel is a 64-bit one (see the 64-bit targets' version): from `uname`'s
/// `machine`, asked once, then cached (0: not asked yet, 4 or 8: the kernel's `long`).
#[cfg(target_pointer_width = "32")]
#[cfg_attr(not(feature = "can"), allow(dead_code))] // CAN's BCM and J1939 ask it
pub(crate) fn kernel_is_64bit() -> bool {
    use core::sync::atomic::{AtomicU8, Ordering};
    static LONG: AtomicU8 = AtomicU8::new(0);
    match LONG.load(Ordering::Relaxed) {
        0 => {
            let machine = uname()[4];
            let end = machine.iter().position(|&b| b == 0).unwrap_or(UTS_LEN);
            let is64 = machine_is_64bit(&machine[..end]);
            // Every thread computes the same answer: a race only asks twice.
            LONG.store(if is64 { 8 } else { 4 }, Ordering::Relaxed);
            is64
        }
        long => long == 8,
    }
}

/// Whether `uname`'s `machine` names a 64-bit kernel (the architectures' `UTS_MACHINE`, and
/// arm64's compat names `armv8l`/`armv8b`).
#[cfg_attr(
    any(target_pointer_width = "64", not(feature = "can")),
    allow(dead_code)
)]
pub(crate) fn machine_is_64bit(machine: &[u8]) -> bool {
    matches!(
        machine,
        b"x86_64"
            | b"aarch64"
            | b"aarch64_be"
            | b"armv8l"
            | b"armv8b"
            | b"ppc64"
            | b"ppc64le"
            | b"s390x"
            | b"mips64"
            | b"riscv64"
            | b"sparc64"
            | b"parisc64"
            | b"loongarch64"
            | b"alpha"
    )
}

/// The calling process's id, user id and group id (`getpid`, `getuid`, `getgid`; the 32-bit
/// ids' calls on 32-bit x86 and Arm, whose plain ones are 16-bit).
pub(crate) fn ids() -> (u32, u32, u32) {
    #[cfg(any(target_arch = "x86", target_arch = "arm"))]
    let (uid, gid) = (Sysno::getuid32, Sysno::getgid32);
    #[cfg(not(any(target_arch = "x86", target_arch = "arm")))]
    let (uid, gid) = (Sysno::getuid, Sysno::getgid);
    // SAFETY: none of the three takes an argument; they cannot fail.
    unsafe {
        (
            syscalls::raw::syscall0(Sysno::getpid as usize) as u32,
            syscalls::raw::syscall0(uid as usize) as u32,
            syscalls::raw::syscall0(gid as usize) as u32,
        )
    }
}

/// The page size, as rustix reads it from the process's auxiliary vector (`AT_PAGESZ`) the
/// first time: without libc, through `prctl(PR_GET_AUXV)` or `/proc/self/auxv`. The one
/// kernel read the crate leaves to rustix (see docs/syscalls.md).
pub(crate) fn page_size() -> usize {
    rustix::param::page_size()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(feature = "resolve")]
    use rustix::fd::AsFd;

    #[test]
    fn agree_with_rustix() {
        let (pid, uid, gid) = ids();
        assert_eq!(pid, rustix::process::getpid().as_raw_nonzero().get() as u32);
        assert_eq!(uid, rustix::process::getuid().as_raw());
        assert_eq!(gid, rustix::process::getgid().as_raw());
        let mut out = [0; UTS_LEN];
        let name = nodename(&mut out);
        let mut want = std::fs::read("/proc/sys/kernel/hostname").unwrap();
        assert_eq!(want.pop(), Some(b'\n'));
        assert_eq!(name, &want[..]);
        // The kernel's machine (qemu-user's guest's, there): on a 64-bit target a 64-bit
        // one's (`kernel_is_64bit` is always true there); on a 32-bit one, the answer.
        let uts = uname();
        let end = uts[4].iter().position(|&b| b == 0).unwrap();
        let machine = &uts[4][..end];
        assert!(!machine.is_empty());
        let is64 = machine_is_64bit(machine);
        assert_eq!(
            kernel_is_64bit(),
            is64,
            "{:?}",
            core::str::from_utf8(machine)
        );
        assert_eq!(kernel_is_64bit(), kernel_is_64bit(), "cached");
        #[cfg(feature = "resolve")]
        {
            let mut b = [0u8; 8];
            assert_eq!(getrandom(&mut b), Ok(8));
        }
    }

    #[test]
    fn machines_of_64_bit_kernels() {
        for m in [
            "x86_64", "aarch64", "armv8l", "ppc64le", "s390x", "riscv64", "mips64",
        ] {
            assert!(machine_is_64bit(m.as_bytes()), "{m}");
        }
        for m in [
            "i686", "i386", "armv7l", "armv6l", "ppc", "s390", "mips", "riscv32", "",
        ] {
            assert!(!machine_is_64bit(m.as_bytes()), "{m}");
        }
    }

    #[cfg(feature = "resolve")]
    #[test]
    fn open_and_read() {
        let fd = open_read(c"/proc/self/stat").unwrap();
        let mut b = [0u8; 16];
        assert!(read(fd.as_fd(), &mut b).unwrap() > 0);
        assert_eq!(open_read(c"/nonexistent/x").unwrap_err(), Errno::NOENT);
    }
}
