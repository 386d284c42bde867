//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::net::SocketAddr as InetAddr;

/// Prints `skipped: <reason>` (which `cargo xtask test` counts as a skip, not a pass) and
/// returns from the test.
#[macro_export]
macro_rules! skip {
    ($($arg:tt)*) => {{
        println!("skipped: {}", format!($($arg)*));
        return;
    }};
}

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Set by `cargo xtask test` when the tests run under qemu-user.
pub fn under_qemu_user() -> bool {
    std::env::var_os("BARESOCK_QEMU_USER").is_some()
}

pub fn v4_any_port() -> InetAddr {
    "127.0.0.1:0".parse().unwrap()
}

pub fn v6_any_port() -> InetAddr {
    "[::1]:0".parse().unwrap()
}

/// Whether IPv6 loopback works here (some containers have none).
pub fn has_ipv6() -> bool {
    std::net::UdpSocket::bind("[::1]:0").is_ok()
}

/// A fresh, empty directory for socket files, removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "baresock-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A Unix path-name address for a path (without the `std` feature's `UnixAddr::from_path`).
pub fn unix_addr(path: &std::path::Path) -> baresock::UnixAddr {
    use std::os::unix::ffi::OsStrExt;
    baresock::UnixAddr::new(path.as_os_str().as_bytes()).unwrap()
}

/// Open fds of this process.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}
