//! No fd leaks: every scenario, success and failure, leaves the process's fd count as it was.
//! One test, so that nothing else runs in parallel and moves the count.

mod common;

#[cfg(feature = "resolve")]
use baresock::resolve::{self, ResolveError};
use baresock::Errno;
use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::time::Duration;

use baresock::msg::*;
use baresock::*;
use common::open_fds;

fn no_leak(what: &str, f: impl FnOnce()) {
    let before = open_fds();
    f();
    let after = open_fds();
    assert_eq!(
        before,
        after,
        "{what}: {} fds leaked",
        after as isize - before as isize
    );
}

#[test]
fn nothing_leaks() {
    #[cfg(feature = "resolve")]
    {
        // A name server that never answers, and a resolver that asks only it, briefly.
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut conf = resolve::ResolvConf::new();
        conf.clear_nameservers();
        conf.add_nameserver(silent.local_addr().unwrap());
        conf.set_timeout(Duration::from_secs(1)).set_attempts(1);
        let none = resolve::Paths {
            hosts: "/nonexistent/hosts",
            resolv_conf: "/nonexistent/resolv.conf",
            services: "/nonexistent/services",
        };
        let resolver = resolve::Resolver::new(conf, none);
        let mut out = [resolve::AddrInfo::EMPTY; 4];
        no_leak("a lookup that times out", || {
            let e = resolver.lookup(
                Some("silent.invalid."),
                None,
                &resolve::Hints::default(),
                &mut out,
            );
            assert!(
                matches!(e, Err(Error::Resolve(ResolveError::Lookup(_)))),
                "{e:?}"
            );
        });
        no_leak("a reverse lookup that times out", || {
            let e = resolver.lookup_addr("192.0.2.1".parse().unwrap());
            assert!(
                matches!(e, Err(Error::Resolve(ResolveError::Host(_)))),
                "{e:?}"
            );
        });
        no_leak("a connect by name to nowhere", || {
            assert!(resolver
                .connect("127.0.0.1", 1, Some(Duration::from_secs(2)), None)
                .is_err());
        });
    }
    let v4: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let refused: SockAddr = "127.0.0.1:1".parse().unwrap();
    no_leak("tcp round trip", || {
        let s = create_server(v4, ServerOptions::default()).unwrap();
        let c = TcpStream::connect(s.local_addr().unwrap()).unwrap();
        let (a, _) = s.accept().unwrap();
        c.send_all(b"x").unwrap();
        a.recv(&mut [0u8; 1]).unwrap();
    });
    no_leak("refused connects, each address", || {
        assert!(create_connection([refused, refused], None, None).is_err());
    });
    no_leak("bind failure", || {
        let s = create_server(v4, ServerOptions::default()).unwrap();
        assert_eq!(
            create_server(s.local_addr().unwrap(), ServerOptions::default()).unwrap_err(),
            Error::Os(Errno::ADDRINUSE)
        );
    });
    no_leak("dual stack on IPv4", || {
        assert!(create_server(
            v4,
            ServerOptions {
                dual_stack: true,
                ..Default::default()
            }
        )
        .is_err());
    });
    no_leak(
        "from_fd failure hands the fd back; dropping it closes it",
        || {
            let (r, _w) = rustix::pipe::pipe().unwrap();
            let e = Socket::from_fd(r).unwrap_err();
            drop(e);
        },
    );
    no_leak("duplicate of a non-socket", || {
        let (r, _w) = rustix::pipe::pipe().unwrap();
        assert_eq!(
            Socket::duplicate(rustix::fd::AsFd::as_fd(&r)).unwrap_err(),
            Error::Os(Errno::NOTSOCK)
        );
    });
    no_leak("pairs, clones, conversions", || {
        let (a, b) = UnixStream::pair().unwrap();
        let c = a.try_clone().unwrap();
        let fd: OwnedFd = b.into();
        let _std_b = std::os::unix::net::UnixStream::from(fd);
        let fd: OwnedFd = c.into();
        let _s = Socket::from(fd);
    });
    no_leak("timeouts", || {
        let (a, _b) = UnixStream::pair().unwrap();
        a.set_timeout(Some(Duration::from_millis(5))).unwrap();
        assert_eq!(a.recv(&mut [0u8; 1]).unwrap_err(), Error::Timeout);
        let l = TcpListener::bind(v4).unwrap();
        l.set_timeout(Some(Duration::from_millis(5))).unwrap();
        assert_eq!(l.accept().unwrap_err(), Error::Timeout);
    });
    no_leak("fds cut off by MSG_CTRUNC are closed", || {
        let (a, b) = UnixStream::pair().unwrap();
        let f = std::fs::File::open("/dev/null").unwrap();
        let fds = [rustix::fd::AsFd::as_fd(&f); 8];
        a.as_socket().send_fds(b"x", &fds).unwrap();
        let mut buf = [0u8; 1];
        let mut slots = [None, None];
        let r = b.as_socket().recv_fds(&mut buf, &mut slots).unwrap();
        assert!(r.fds_truncated);
    });
    no_leak("fds never taken are closed with the message", || {
        let (a, b) = UnixDatagram::pair().unwrap();
        let f = std::fs::File::open("/dev/null").unwrap();
        let fd = rustix::fd::AsFd::as_fd(&f);
        a.as_socket().send_fds(b"x", &[fd, fd, fd]).unwrap();
        let mut data = [0u8; 1];
        let mut control = [0u8; cmsg_space(12)];
        let mut bufs = [IoSliceMut::new(&mut data)];
        let mut msg = b
            .as_socket()
            .recv_msg(&mut bufs, &mut control, RecvFlags::empty())
            .unwrap();
        let mut one = [None];
        assert_eq!(msg.take_fds(&mut one), 1);
        drop(msg);
    });
    no_leak("fds arriving in a batch are closed", || {
        let (a, b) = UnixDatagram::pair().unwrap();
        let f = std::fs::File::open("/dev/null").unwrap();
        a.as_socket()
            .send_fds(b"x", &[rustix::fd::AsFd::as_fd(&f)])
            .unwrap();
        let mut data = [0u8; 1];
        let mut ctl = [0u8; 64];
        let mut entries = [RecvEntry::new(&mut data).with_control(&mut ctl)];
        assert_eq!(
            b.as_socket()
                .recv_mmsg(&mut entries, RecvFlags::empty())
                .unwrap(),
            1
        );
    });
    no_leak("typed conversion failure", || {
        let udp = Socket::new(Family::INET, Type::DGRAM, Protocol::DEFAULT).unwrap();
        assert!(TcpStream::try_from(udp).is_err());
    });
}
