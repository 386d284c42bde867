//! `embedded-io` on the stream sockets (feature `embedded-io`): generic code written against
//! its traits runs over TCP and Unix streams, errors keep their kinds, readiness polls.
#![cfg(feature = "embedded-io")]

use baresock::InputError;
use core::time::Duration;
use std::net::SocketAddr;

use baresock::{Errno, Error, Family, Protocol, Socket, TcpListener, TcpStream, Type, UnixStream};
use embedded_io::{Error as _, ErrorKind, Read, ReadExactError, ReadReady, Write, WriteReady};

/// A line-based request/response in the way a `no_std` protocol client would write it:
/// nothing but the traits.
fn request<S: Read + Write>(s: &mut S, line: &[u8], reply: &mut [u8]) -> Result<usize, S::Error> {
    s.write_all(line)?;
    s.flush()?;
    let mut got = 0;
    while got < reply.len() {
        match s.read(&mut reply[got..])? {
            0 => break,
            n => got += n,
        }
        if reply[..got].ends_with(b"\n") {
            break;
        }
    }
    Ok(got)
}

/// Echoes one line back, through the traits as well.
fn echo_line<S: Read + Write>(mut s: S) -> Result<(), S::Error> {
    let mut buf = [0u8; 64];
    let mut got = 0;
    while !buf[..got].ends_with(b"\n") {
        got += s.read(&mut buf[got..])?;
    }
    s.write_all(&buf[..got])
}

#[test]
fn generic_code_over_unix_and_tcp() {
    let (mut a, b) = UnixStream::pair().unwrap();
    let server = std::thread::spawn(move || echo_line(&b));
    let mut reply = [0u8; 64];
    let n = request(&mut a, b"ping over unix\n", &mut reply).unwrap();
    assert_eq!(&reply[..n], b"ping over unix\n");
    server.join().unwrap().unwrap();

    let listener = TcpListener::bind("127.0.0.1:0".parse::<SocketAddr>().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        echo_line(conn)
    });
    let mut client = TcpStream::connect(addr).unwrap();
    let n = request(&mut client, b"ping over tcp\n", &mut reply).unwrap();
    assert_eq!(&reply[..n], b"ping over tcp\n");
    server.join().unwrap().unwrap();
}

#[test]
fn the_untyped_socket_too() {
    let (a, b) = Socket::pair(Family::UNIX, Type::STREAM, Protocol::DEFAULT).unwrap();
    (&a).write_all(b"abc").unwrap();
    let mut buf = [0u8; 3];
    (&b).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"abc");
}

#[test]
fn empty_buffers_return_at_once() {
    let (mut a, _b) = UnixStream::pair().unwrap();
    // Nothing to read, but an empty buffer does not wait.
    assert_eq!(a.read(&mut []), Ok(0));
    assert_eq!(a.write(&[]), Ok(0));
}

#[test]
fn end_of_stream_is_zero_and_read_exact_says_eof() {
    let (mut a, b) = UnixStream::pair().unwrap();
    b.send_all(b"xy").unwrap();
    drop(b);
    let mut buf = [0u8; 4];
    assert_eq!(a.read_exact(&mut buf), Err(ReadExactError::UnexpectedEof));
    assert_eq!(a.read(&mut buf), Ok(0));
}

#[test]
fn errors_keep_their_kind() {
    // A deadline that passes: TimedOut.
    let (mut a, b) = UnixStream::pair().unwrap();
    a.set_timeout(Some(Duration::from_millis(20))).unwrap();
    let e = a.read(&mut [0u8; 4]).unwrap_err();
    assert_eq!(e, Error::Timeout);
    assert_eq!(e.kind(), ErrorKind::TimedOut);
    // A closed peer: BrokenPipe (never SIGPIPE).
    drop(b);
    let e = a.write(b"x").unwrap_err();
    assert_eq!(e, Error::Os(Errno::PIPE));
    assert_eq!(e.kind(), ErrorKind::BrokenPipe);
    // write_all says how much went out; its kind is its cause's.
    let e = a.write_all(b"xyz").unwrap_err();
    assert!(matches!(e, Error::Partial { sent: 0, .. }), "{e:?}");
    assert_eq!(e.kind(), ErrorKind::BrokenPipe);
    // Nothing listens on port 1: ConnectionRefused.
    let e = TcpStream::connect("127.0.0.1:1".parse::<SocketAddr>().unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConnectionRefused);
    // Non-blocking mode is outside the traits' contract: WouldBlock has no kind of its own.
    let (mut c, _d) = UnixStream::pair().unwrap();
    c.set_nonblocking(true).unwrap();
    let e = c.read(&mut [0u8; 4]).unwrap_err();
    assert_eq!(e, Error::WouldBlock);
    assert_eq!(e.kind(), ErrorKind::Other);
    // Bad input and malformed data.
    assert_eq!(
        Error::Input(InputError::ZeroTimeout).kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(Error::Truncated { len: 9 }.kind(), ErrorKind::InvalidData);
    assert_eq!(
        Error::Address(baresock::AddressError::Unsupported { family: 99 }).kind(),
        ErrorKind::Unsupported
    );
}

#[test]
fn readiness_polls_without_waiting() {
    let (mut a, b) = UnixStream::pair().unwrap();
    assert_eq!(a.read_ready(), Ok(false));
    assert_eq!(a.write_ready(), Ok(true));
    b.send_all(b"!").unwrap();
    assert_eq!(a.read_ready(), Ok(true));
    let mut buf = [0u8; 1];
    assert_eq!(a.read(&mut buf), Ok(1));
    assert_eq!(a.read_ready(), Ok(false));
    // End of stream is readable: the read returns 0 at once.
    drop(b);
    assert_eq!(a.read_ready(), Ok(true));
    assert_eq!(a.read(&mut buf), Ok(0));
}

// `write!` through embedded-io without allocating: tests/no_alloc.rs, which counts
// allocations (this binary has no counting allocator).

#[test]
fn a_full_socket_is_not_write_ready() {
    let (mut a, _b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    let chunk = [0u8; 4096];
    loop {
        match a.write(&chunk) {
            Ok(_) => {}
            Err(Error::WouldBlock) => break,
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(a.write_ready(), Ok(false));
}
