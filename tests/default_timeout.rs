//! The process-wide default timeout. Its own test binary: the default is global state.

use std::net::SocketAddr;
use std::time::Duration;

use baresock::{
    default_timeout, set_default_timeout, Error, Family, Protocol, Socket, TcpListener, TcpStream,
    Type, UnixStream,
};

#[test]
fn default_applies_to_new_sockets_only() {
    assert_eq!(default_timeout(), None);
    let old = UnixStream::pair().unwrap();
    let t = Duration::from_millis(50);
    set_default_timeout(Some(t));
    assert_eq!(default_timeout(), Some(t));

    let new = Socket::new(Family::Inet, Type::Dgram, Protocol::DEFAULT).unwrap();
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

    // A wrapped fd takes it as well.
    let (x, _y) = std::os::unix::net::UnixStream::pair().unwrap();
    let s = Socket::from_fd(x.into()).unwrap();
    assert_eq!(s.timeout(), Some(t));

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
