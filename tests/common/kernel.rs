//! The running kernel's version, for tests whose expectation depends on it (a feature that
//! came after the crate's floor, Linux 5.10).

/// `(major, minor)` of the running kernel (`/proc/sys/kernel/osrelease`: `6.12.48+deb13-amd64`
/// gives `(6, 12)`).
pub fn kernel_version() -> (u32, u32) {
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .expect("/proc/sys/kernel/osrelease");
    let mut parts = release.trim().split(|c: char| !c.is_ascii_digit());
    let mut next = || parts.next().and_then(|p| p.parse().ok());
    match (next(), next()) {
        (Some(major), Some(minor)) => (major, minor),
        _ => panic!("a kernel release without a version: {release:?}"),
    }
}

/// Whether the running kernel is older than `major.minor`.
pub fn kernel_before(major: u32, minor: u32) -> bool {
    kernel_version() < (major, minor)
}

