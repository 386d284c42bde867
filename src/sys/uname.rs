//! The system's names, from `uname(2)`.

/// The longest node name, in bytes, without its NUL (`__NEW_UTS_LEN`).
pub(crate) const NODENAME_MAX: usize = 64;

/// Writes the node name (`uname(2)`'s `nodename`, the host name) into `out` and returns its
/// length: the bytes before the kernel's NUL, cut at [`NODENAME_MAX`] if there were none.
pub(crate) fn nodename(out: &mut [u8; NODENAME_MAX]) -> usize {
    let uts = rustix::system::uname();
    let name = uts.nodename().to_bytes();
    let len = name.len().min(NODENAME_MAX);
    out[..len].copy_from_slice(&name[..len]);
    len
}
