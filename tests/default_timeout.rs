//! The process-wide default timeout. Its own test binary: the default is global state.
#![allow(unsafe_code)] // a test or example may use libc and raw fds itself; the library may not

use std::net::SocketAddr;
use std::time::Duration;

use baresock::{
    default_timeout, set_default_timeout, Error, Family, Protocol, Socket, TcpListener, TcpStream,
    Type, UnixStream,
};

/// Whether the fd's `O_NONBLOCK` flag is set, asked of the kernel.
fn nonblocking(fd: &impl std::os::fd::AsFd) -> bool {
    let flags = rustix::fs::fcntl_getfl(fd).unwrap();
    flags.contains(rustix::fs::OFlags::NONBLOCK)
}

#[test]
fn default_applies_to_new_sockets_only() {
    assert_eq!(default_timeout(), None);
    let old = UnixStream::pair().unwrap();
    let t = Duration::from_millis(50);
    set_default_timeout(Some(t));
    assert_eq!(default_timeout(), Some(t));

    let new = Socket::new(Family::INET, Type::DGRAM, Protocol::DEFAULT).unwrap();
    assert_eq!(new.timeout(), Some(t));
    let (a, _b) = UnixStream::pair().unwrap();
    assert_eq!(a.timeout(), Some(t));
    let mut buf = [0u8; 1];
    assert_eq!(a.recv(&mut buf).unwrap_err(), Error::Timeout);
    assert_eq!(old.0.timeout(), None, "sockets made before keep their mode");

    // Accepted sockets take the default too, whatever the listener's mode (Python's rule).
    let l = TcpListener::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap()).unwrap();
    l.set_timeout(None).unwrap();
    let _c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    let (conn, _) = l.accept().unwrap();
    assert_eq!(conn.timeout(), Some(t));

    // A wrapped fd does not: its O_NONBLOCK flag stays as it was, and is its mode.
    let (x, y) = std::os::unix::net::UnixStream::pair().unwrap();
    let s = Socket::from_fd(x.into()).unwrap();
    assert_eq!(s.timeout(), None);
    assert!(!nonblocking(&s), "from_fd left the fd blocking");
    y.set_nonblocking(true).unwrap();
    let s = Socket::from_fd(y.into()).unwrap();
    assert_eq!(s.timeout(), Some(Duration::ZERO));
    assert!(nonblocking(&s), "from_fd left the fd non-blocking");
    let (x, y) = std::os::unix::net::UnixStream::pair().unwrap();
    let s = UnixStream::from(std::os::fd::OwnedFd::from(x));
    assert_eq!(s.timeout(), None);
    assert!(!nonblocking(&s), "From<OwnedFd> left the fd blocking");
    // SAFETY: `y` is an open socket fd that `into_raw_fd` gave up; the wrapper owns it now.
    let s = unsafe {
        <UnixStream as std::os::fd::FromRawFd>::from_raw_fd(std::os::fd::IntoRawFd::into_raw_fd(y))
    };
    assert!(!nonblocking(&s), "FromRawFd left the fd blocking");
    // Applying the default to a wrapped fd is explicit.
    s.set_timeout(default_timeout()).unwrap();
    assert_eq!(s.timeout(), Some(t));
    assert!(nonblocking(&s));

    set_default_timeout(None);
    let (c, _d) = UnixStream::pair().unwrap();
    assert_eq!(c.timeout(), None);
    let _c = TcpStream::connect(l.local_addr().unwrap()).unwrap();
    l.set_timeout(Some(Duration::from_secs(5))).unwrap();
    let (conn, _) = l.accept().unwrap();
    assert_eq!(
        conn.timeout(),
        None,
        "no default: accepted sockets are blocking"
    );
}
