//! Unix sockets: path names, abstract names, unnamed peers, the three types.

mod common;

use baresock::AddressError;
use baresock::{
    Error, UnixAddr, UnixDatagram, UnixListener, UnixSeqpacket, UnixSeqpacketListener, UnixStream,
};
use common::*;

#[test]
fn stream_over_a_path_name() {
    let dir = TempDir::new("stream");
    let addr = unix_addr(&dir.path("s.sock"));
    let listener = UnixListener::bind(addr).unwrap();
    assert_eq!(listener.local_addr().unwrap(), addr);
    let client = UnixStream::connect(addr).unwrap();
    let (conn, peer) = listener.accept().unwrap();
    assert!(peer.is_unnamed(), "an unbound client has no name");
    assert_eq!(client.peer_addr().unwrap(), addr);
    client.send_all(b"over a path").unwrap();
    let mut buf = [0u8; 32];
    let n = conn.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"over a path");
}

#[cfg(feature = "std")]
#[test]
fn path_helpers() {
    let dir = TempDir::new("path");
    let addr = UnixAddr::from_path(&dir.path("s.sock")).unwrap();
    assert_eq!(addr.as_path(), Some(dir.path("s.sock").as_path()));
    let long = std::path::PathBuf::from("/".repeat(200));
    assert_eq!(
        UnixAddr::from_path(&long).unwrap_err(),
        Error::Address(AddressError::UnixPathTooLong { len: 200, max: 108 })
    );
}

#[test]
fn abstract_names() {
    let name = format!("baresock-test-{}", std::process::id());
    let addr = UnixAddr::new_abstract(name.as_bytes()).unwrap();
    let server = UnixDatagram::bind(addr).unwrap();
    assert_eq!(server.local_addr().unwrap(), addr);
    assert_eq!(server.local_addr().unwrap().to_string(), format!("@{name}"));
    let client = UnixDatagram::unbound().unwrap();
    client.send_to(b"abstract", addr).unwrap();
    let mut buf = [0u8; 16];
    let (n, from) = server.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"abstract");
    assert!(from.is_unnamed());
}

#[test]
fn socketpair_like_python() {
    let (client, server) = UnixStream::pair().unwrap();
    client.send(b"Hello from the other end!").unwrap();
    let mut buf = [0u8; 1024];
    let n = server.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"Hello from the other end!");
    assert!(client.local_addr().unwrap().is_unnamed());
    assert!(client.peer_addr().unwrap().is_unnamed());
}

#[test]
fn datagram_pair_truncation() {
    let (a, b) = UnixDatagram::pair().unwrap();
    a.send(&[1u8; 64]).unwrap();
    let mut buf = [0u8; 10];
    assert_eq!(b.recv(&mut buf).unwrap_err(), Error::Truncated { len: 64 });
}

#[test]
fn seqpacket_keeps_boundaries_and_reports_truncation() {
    let dir = TempDir::new("seq");
    let addr = unix_addr(&dir.path("q"));
    let listener = UnixSeqpacketListener::bind(addr).unwrap();
    let client = UnixSeqpacket::connect(addr).unwrap();
    let (conn, _) = listener.accept().unwrap();
    client.send(b"first").unwrap();
    client.send(b"second message").unwrap();
    let mut buf = [0u8; 64];
    assert_eq!(conn.recv(&mut buf).unwrap(), 5);
    let mut small = [0u8; 6];
    assert_eq!(
        conn.recv(&mut small).unwrap_err(),
        Error::Truncated { len: 14 }
    );
    assert_eq!(&small, b"second");
    let (x, y) = UnixSeqpacket::pair().unwrap();
    x.send(b"p").unwrap();
    assert_eq!(y.recv(&mut buf).unwrap(), 1);
}

#[test]
fn bad_paths_are_named_errors() {
    assert_eq!(
        UnixAddr::new(&[b'a'; 109]).unwrap_err(),
        Error::Address(AddressError::UnixPathTooLong { len: 109, max: 108 })
    );
    assert_eq!(
        UnixAddr::new(b"a\0b").unwrap_err(),
        Error::Address(AddressError::UnixPathNul)
    );
    assert_eq!(
        UnixAddr::new(b"").unwrap_err(),
        Error::Address(AddressError::UnixPathEmpty)
    );
    assert_eq!(
        UnixAddr::new_abstract(&[b'a'; 108]).unwrap_err(),
        Error::Address(AddressError::UnixPathTooLong { len: 108, max: 107 })
    );
    // A 108-byte path, the kernel's maximum, binds.
    let dir = TempDir::new("max");
    let base = dir.0.to_str().unwrap().len() + 1;
    if base < 108 {
        let p = dir.path(&"x".repeat(108 - base));
        assert_eq!(p.as_os_str().len(), 108);
        let a = unix_addr(&p);
        let s = UnixDatagram::bind(a).unwrap();
        assert_eq!(s.local_addr().unwrap(), a);
    }
}

#[cfg(feature = "std")]
#[test]
fn std_conversions() {
    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
    let ours = UnixStream::from(a);
    ours.send_all(b"std").unwrap();
    let mut buf = [0u8; 3];
    use std::io::Read;
    let mut b = b;
    b.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"std");
    let back: std::os::unix::net::UnixStream = ours.into();
    assert!(back.peer_addr().is_ok());
}
