//! `ops <impl> <op> <N>`: one operation, N times, after the same set-up for every
//! implementation; prints `elapsed_ns=<loop time>`.
//!
//! Under `valgrind --tool=callgrind`, (Ir(N) − Ir(0)) / N is the user-space instruction count of
//! one operation: start-up, set-up and the two clock reads around the loop cancel out.
//! `bench/c/ops.c` is the same program in C (`ops-c c <op> <N>`).
//!
//! | op | one iteration |
//! |---|---|
//! | `a` | UDP `send_to` 64 B to itself on 127.0.0.1, then `recv_from` it (one socket) |
//! | `b` | AF_UNIX stream socket pair: write 64 B on one end, read them on the other |
//! | `c` | `setsockopt` then `getsockopt` `SO_RCVBUF` on a UDP socket |
//! | `d` | a new TCP socket connects to a listener on 127.0.0.1, which accepts; both are closed |
//! | `e` | as `b`, but the read is in deadline mode (5 s): baresock `set_timeout(Some(d))`, std `set_read_timeout`, others `poll` then read |
//! | `f` | baresock only: `a` with `recv_from`, the sender decoded into a `SocketAddr` (in `a`, baresock's `recv_from_into` writes it into a `Destination`) |
//!
//! Each loop is a function of its own (`#[inline(never)]`) so that `callgrind_annotate`
//! shows it by name.

use std::hint::black_box;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::{Duration, Instant};

const LEN: usize = 64;
const RCVBUF: usize = 65536;
const DEADLINE: Duration = Duration::from_secs(5);
const LOOPBACK: SocketAddr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, 0));

/// Runs `f` (the loop) between two clock reads.
fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn check(n: usize) {
    assert_eq!(n, LEN, "short transfer");
}

mod bare {
    use super::*;
    use baresock::{Family, Protocol, Socket, TcpListener, TcpStream, Type, UdpSocket, UnixStream};

    #[inline(never)]
    fn a_loop(s: &UdpSocket, to: &baresock::Destination, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        let mut from = baresock::Destination::default();
        for _ in 0..n {
            // The destination encoded once, as C keeps its `struct sockaddr_in`; the sender
            // written by the kernel into a `Destination`, as C has it fill a `sockaddr_in`.
            check(s.send_to_destination(&out, to).unwrap());
            check(s.recv_from_into(&mut buf, &mut from).unwrap());
            black_box(&from);
        }
    }

    pub fn a(n: u64) -> Duration {
        let s = UdpSocket::bind(LOOPBACK).unwrap();
        let to = baresock::Destination::from(s.local_addr().unwrap());
        timed(|| a_loop(&s, &to, n))
    }

    #[inline(never)]
    fn f_loop(s: &UdpSocket, to: &baresock::Destination, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        for _ in 0..n {
            check(s.send_to_destination(&out, to).unwrap());
            let (got, from) = s.recv_from(&mut buf).unwrap();
            check(got);
            black_box(from);
        }
    }

    /// `a` with the sender decoded into a `SocketAddr` (`recv_from`), as the others have it.
    pub fn f(n: u64) -> Duration {
        let s = UdpSocket::bind(LOOPBACK).unwrap();
        let to = baresock::Destination::from(s.local_addr().unwrap());
        timed(|| f_loop(&s, &to, n))
    }

    #[inline(never)]
    fn b_loop(a: &UnixStream, b: &UnixStream, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        for _ in 0..n {
            check(a.send(&out).unwrap());
            check(b.recv(&mut buf).unwrap());
        }
    }

    pub fn b(n: u64) -> Duration {
        let (a, b) = UnixStream::pair().unwrap();
        timed(|| b_loop(&a, &b, n))
    }

    #[inline(never)]
    fn c_loop(s: &Socket, n: u64) {
        for _ in 0..n {
            s.set_recv_buffer_size(RCVBUF).unwrap();
            black_box(s.recv_buffer_size().unwrap());
        }
    }

    pub fn c(n: u64) -> Duration {
        let s = Socket::new(Family::INET, Type::DGRAM, Protocol::UDP).unwrap();
        timed(|| c_loop(&s, n))
    }

    #[inline(never)]
    fn d_loop(l: &TcpListener, to: SocketAddr, n: u64) {
        for _ in 0..n {
            let c = TcpStream::connect(to).unwrap();
            let (s, peer) = l.accept().unwrap();
            black_box(peer);
            drop(s);
            drop(c);
        }
    }

    pub fn d(n: u64) -> Duration {
        let l = TcpListener::bind(LOOPBACK).unwrap();
        let to = l.local_addr().unwrap();
        timed(|| d_loop(&l, to, n))
    }

    #[inline(never)]
    fn e_loop(a: &UnixStream, b: &UnixStream, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        for _ in 0..n {
            check(a.send(&out).unwrap());
            check(b.recv(&mut buf).unwrap());
        }
    }

    pub fn e(n: u64) -> Duration {
        let (a, b) = UnixStream::pair().unwrap();
        b.set_timeout(Some(DEADLINE)).unwrap();
        timed(|| e_loop(&a, &b, n))
    }
}

mod rustix_ {
    use super::*;
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    use rustix::fd::OwnedFd;
    use rustix::io::{read, write};
    use rustix::net::{
        acceptfrom_with, bind, connect, getsockname, listen, recvfrom, sendto, socket_with,
        socketpair, sockopt, AddressFamily, RecvFlags, SendFlags, SocketFlags, SocketType,
    };

    fn udp() -> OwnedFd {
        socket_with(
            AddressFamily::INET,
            SocketType::DGRAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap()
    }

    fn tcp() -> OwnedFd {
        socket_with(
            AddressFamily::INET,
            SocketType::STREAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap()
    }

    fn pair() -> (OwnedFd, OwnedFd) {
        socketpair(
            AddressFamily::UNIX,
            SocketType::STREAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap()
    }

    fn v4(fd: &OwnedFd) -> SocketAddrV4 {
        SocketAddrV4::try_from(getsockname(fd).unwrap()).unwrap()
    }

    #[inline(never)]
    fn a_loop(s: &OwnedFd, to: SocketAddrV4, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        for _ in 0..n {
            check(sendto(s, &out, SendFlags::empty(), &to).unwrap());
            let (got, _, from) = recvfrom(s, &mut buf, RecvFlags::empty()).unwrap();
            check(got);
            black_box(from);
        }
    }

    pub fn a(n: u64) -> Duration {
        let s = udp();
        bind(&s, &LOOPBACK).unwrap();
        let to = v4(&s);
        timed(|| a_loop(&s, to, n))
    }

    #[inline(never)]
    fn b_loop(a: &OwnedFd, b: &OwnedFd, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        for _ in 0..n {
            check(write(a, &out).unwrap());
            check(read(b, &mut buf).unwrap());
        }
    }

    pub fn b(n: u64) -> Duration {
        let (a, b) = pair();
        timed(|| b_loop(&a, &b, n))
    }

    #[inline(never)]
    fn c_loop(s: &OwnedFd, n: u64) {
        for _ in 0..n {
            sockopt::set_socket_recv_buffer_size(s, RCVBUF).unwrap();
            black_box(sockopt::socket_recv_buffer_size(s).unwrap());
        }
    }

    pub fn c(n: u64) -> Duration {
        let s = udp();
        timed(|| c_loop(&s, n))
    }

    #[inline(never)]
    fn d_loop(l: &OwnedFd, to: SocketAddrV4, n: u64) {
        for _ in 0..n {
            let c = tcp();
            connect(&c, &to).unwrap();
            let (s, peer) = acceptfrom_with(l, SocketFlags::CLOEXEC).unwrap();
            black_box(peer);
            drop(s);
            drop(c);
        }
    }

    pub fn d(n: u64) -> Duration {
        let l = tcp();
        bind(&l, &LOOPBACK).unwrap();
        listen(&l, 128).unwrap();
        let to = v4(&l);
        timed(|| d_loop(&l, to, n))
    }

    #[inline(never)]
    fn e_loop(a: &OwnedFd, b: &OwnedFd, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        let limit = Timespec {
            tv_sec: DEADLINE.as_secs() as _,
            tv_nsec: 0,
        };
        for _ in 0..n {
            check(write(a, &out).unwrap());
            let mut fds = [PollFd::new(b, PollFlags::IN)];
            assert_eq!(poll(&mut fds, Some(&limit)).unwrap(), 1);
            check(read(b, &mut buf).unwrap());
        }
    }

    pub fn e(n: u64) -> Duration {
        let (a, b) = pair();
        timed(|| e_loop(&a, &b, n))
    }
}

mod std_ {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream, UdpSocket};
    use std::os::unix::net::UnixStream;

    #[inline(never)]
    fn a_loop(s: &UdpSocket, to: SocketAddr, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        for _ in 0..n {
            check(s.send_to(&out, to).unwrap());
            let (got, from) = s.recv_from(&mut buf).unwrap();
            check(got);
            black_box(from);
        }
    }

    pub fn a(n: u64) -> Duration {
        let s = UdpSocket::bind(LOOPBACK).unwrap();
        let to = s.local_addr().unwrap();
        timed(|| a_loop(&s, to, n))
    }

    #[inline(never)]
    fn b_loop(mut a: &UnixStream, mut b: &UnixStream, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        for _ in 0..n {
            check(a.write(&out).unwrap());
            check(b.read(&mut buf).unwrap());
        }
    }

    pub fn b(n: u64) -> Duration {
        let (a, b) = UnixStream::pair().unwrap();
        timed(|| b_loop(&a, &b, n))
    }

    #[inline(never)]
    fn d_loop(l: &TcpListener, to: SocketAddr, n: u64) {
        for _ in 0..n {
            let c = TcpStream::connect(to).unwrap();
            let (s, peer) = l.accept().unwrap();
            black_box(peer);
            drop(s);
            drop(c);
        }
    }

    pub fn d(n: u64) -> Duration {
        let l = TcpListener::bind(LOOPBACK).unwrap();
        let to = l.local_addr().unwrap();
        timed(|| d_loop(&l, to, n))
    }

    pub fn e(n: u64) -> Duration {
        let (a, b) = UnixStream::pair().unwrap();
        b.set_read_timeout(Some(DEADLINE)).unwrap();
        timed(|| b_loop(&a, &b, n))
    }
}

mod socket2_ {
    use super::*;
    use socket2::{Domain, Protocol, SockAddr, Socket, Type};
    use std::mem::MaybeUninit;
    use std::os::fd::AsRawFd;

    #[inline(never)]
    fn a_loop(s: &Socket, to: &SockAddr, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [MaybeUninit::<u8>::uninit(); LEN];
        for _ in 0..n {
            check(s.send_to(&out, to).unwrap());
            let (got, from) = s.recv_from(&mut buf).unwrap();
            check(got);
            black_box(from);
        }
    }

    pub fn a(n: u64) -> Duration {
        let s = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).unwrap();
        s.bind(&LOOPBACK.into()).unwrap();
        let to = s.local_addr().unwrap();
        timed(|| a_loop(&s, &to, n))
    }

    #[inline(never)]
    fn b_loop(a: &Socket, b: &Socket, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [MaybeUninit::<u8>::uninit(); LEN];
        for _ in 0..n {
            check(a.send(&out).unwrap());
            check(b.recv(&mut buf).unwrap());
        }
    }

    pub fn b(n: u64) -> Duration {
        let (a, b) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
        timed(|| b_loop(&a, &b, n))
    }

    #[inline(never)]
    fn c_loop(s: &Socket, n: u64) {
        for _ in 0..n {
            s.set_recv_buffer_size(RCVBUF).unwrap();
            black_box(s.recv_buffer_size().unwrap());
        }
    }

    pub fn c(n: u64) -> Duration {
        let s = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP)).unwrap();
        timed(|| c_loop(&s, n))
    }

    #[inline(never)]
    fn d_loop(l: &Socket, to: &SockAddr, n: u64) {
        for _ in 0..n {
            let c = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
            c.connect(to).unwrap();
            let (s, peer) = l.accept().unwrap();
            black_box(peer);
            drop(s);
            drop(c);
        }
    }

    pub fn d(n: u64) -> Duration {
        let l = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        l.bind(&LOOPBACK.into()).unwrap();
        l.listen(128).unwrap();
        let to = l.local_addr().unwrap();
        timed(|| d_loop(&l, &to, n))
    }

    #[inline(never)]
    fn e_loop(a: &Socket, b: &Socket, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [MaybeUninit::<u8>::uninit(); LEN];
        let limit = DEADLINE.as_millis() as libc::c_int;
        for _ in 0..n {
            check(a.send(&out).unwrap());
            // socket2 has no poll: libc's, as a socket2 user would call it.
            let mut fds = [libc::pollfd {
                fd: b.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            }];
            // SAFETY: one valid pollfd.
            assert_eq!(unsafe { libc::poll(fds.as_mut_ptr(), 1, limit) }, 1);
            check(b.recv(&mut buf).unwrap());
        }
    }

    pub fn e(n: u64) -> Duration {
        let (a, b) = Socket::pair(Domain::UNIX, Type::STREAM, None).unwrap();
        timed(|| e_loop(&a, &b, n))
    }
}

mod nix_ {
    use super::*;
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    use nix::sys::socket::{
        accept4, bind, connect, getsockname, getsockopt, listen, recvfrom, sendto, setsockopt,
        socket, socketpair, sockopt, AddressFamily, Backlog, MsgFlags, SockFlag, SockType,
        SockaddrIn,
    };
    use nix::unistd::{read, write};
    use std::os::fd::{AsFd, AsRawFd, OwnedFd};

    fn udp() -> OwnedFd {
        socket(
            AddressFamily::Inet,
            SockType::Datagram,
            SockFlag::SOCK_CLOEXEC,
            None,
        )
        .unwrap()
    }

    fn tcp() -> OwnedFd {
        socket(
            AddressFamily::Inet,
            SockType::Stream,
            SockFlag::SOCK_CLOEXEC,
            None,
        )
        .unwrap()
    }

    fn pair() -> (OwnedFd, OwnedFd) {
        socketpair(
            AddressFamily::Unix,
            SockType::Stream,
            None,
            SockFlag::SOCK_CLOEXEC,
        )
        .unwrap()
    }

    fn loopback() -> SockaddrIn {
        SockaddrIn::new(127, 0, 0, 1, 0)
    }

    #[inline(never)]
    fn a_loop(s: &OwnedFd, to: &SockaddrIn, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        let fd = s.as_raw_fd();
        for _ in 0..n {
            check(sendto(fd, &out, to, MsgFlags::empty()).unwrap());
            let (got, from) = recvfrom::<SockaddrIn>(fd, &mut buf).unwrap();
            check(got);
            black_box(from);
        }
    }

    pub fn a(n: u64) -> Duration {
        let s = udp();
        bind(s.as_raw_fd(), &loopback()).unwrap();
        let to: SockaddrIn = getsockname(s.as_raw_fd()).unwrap();
        timed(|| a_loop(&s, &to, n))
    }

    #[inline(never)]
    fn b_loop(a: &OwnedFd, b: &OwnedFd, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        for _ in 0..n {
            check(write(a, &out).unwrap());
            check(read(b, &mut buf).unwrap());
        }
    }

    pub fn b(n: u64) -> Duration {
        let (a, b) = pair();
        timed(|| b_loop(&a, &b, n))
    }

    #[inline(never)]
    fn c_loop(s: &OwnedFd, n: u64) {
        for _ in 0..n {
            setsockopt(s, sockopt::RcvBuf, &RCVBUF).unwrap();
            black_box(getsockopt(s, sockopt::RcvBuf).unwrap());
        }
    }

    pub fn c(n: u64) -> Duration {
        let s = udp();
        timed(|| c_loop(&s, n))
    }

    #[inline(never)]
    fn d_loop(l: &OwnedFd, to: &SockaddrIn, n: u64) {
        for _ in 0..n {
            let c = tcp();
            connect(c.as_raw_fd(), to).unwrap();
            let s = accept4(l, SockFlag::SOCK_CLOEXEC).unwrap();
            drop(s);
            drop(c);
        }
    }

    pub fn d(n: u64) -> Duration {
        let l = tcp();
        bind(l.as_raw_fd(), &loopback()).unwrap();
        listen(&l, Backlog::new(128).unwrap()).unwrap();
        let to: SockaddrIn = getsockname(l.as_raw_fd()).unwrap();
        timed(|| d_loop(&l, &to, n))
    }

    #[inline(never)]
    fn e_loop(a: &OwnedFd, b: &OwnedFd, n: u64) {
        let out = [7u8; LEN];
        let mut buf = [0u8; LEN];
        let limit = PollTimeout::try_from(DEADLINE).unwrap();
        for _ in 0..n {
            check(write(a, &out).unwrap());
            let mut fds = [PollFd::new(b.as_fd(), PollFlags::POLLIN)];
            assert_eq!(poll(&mut fds, limit).unwrap(), 1);
            check(read(b, &mut buf).unwrap());
        }
    }

    pub fn e(n: u64) -> Duration {
        let (a, b) = pair();
        timed(|| e_loop(&a, &b, n))
    }
}

fn usage() -> ! {
    eprintln!("usage: ops baresock|rustix|std|socket2|nix a|b|c|d|e|f N");
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [imp, op, n] = &args[..] else { usage() };
    let n: u64 = n.parse().unwrap_or_else(|_| usage());
    let f: Option<fn(u64) -> Duration> = match (imp.as_str(), op.as_str()) {
        ("baresock", "a") => Some(bare::a),
        ("baresock", "b") => Some(bare::b),
        ("baresock", "c") => Some(bare::c),
        ("baresock", "d") => Some(bare::d),
        ("baresock", "e") => Some(bare::e),
        ("baresock", "f") => Some(bare::f),
        // `f` is baresock's own variant of `a`.
        (_, "f") => None,
        ("rustix", "a") => Some(rustix_::a),
        ("rustix", "b") => Some(rustix_::b),
        ("rustix", "c") => Some(rustix_::c),
        ("rustix", "d") => Some(rustix_::d),
        ("rustix", "e") => Some(rustix_::e),
        ("std", "a") => Some(std_::a),
        ("std", "b") => Some(std_::b),
        // std has no setsockopt/getsockopt for SO_RCVBUF.
        ("std", "c") => None,
        ("std", "d") => Some(std_::d),
        ("std", "e") => Some(std_::e),
        ("socket2", "a") => Some(socket2_::a),
        ("socket2", "b") => Some(socket2_::b),
        ("socket2", "c") => Some(socket2_::c),
        ("socket2", "d") => Some(socket2_::d),
        ("socket2", "e") => Some(socket2_::e),
        ("nix", "a") => Some(nix_::a),
        ("nix", "b") => Some(nix_::b),
        ("nix", "c") => Some(nix_::c),
        ("nix", "d") => Some(nix_::d),
        ("nix", "e") => Some(nix_::e),
        _ => usage(),
    };
    match f {
        Some(f) => println!("elapsed_ns={}", f(n).as_nanos()),
        None => println!("n/a"),
    }
}
