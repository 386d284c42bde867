//! vsock over the kernel's local transport (`vsock_loopback`, context id 1): stream,
//! seqpacket, the datagram error, the local context id, refusal, timeouts, options, fd
//! wrapping, the poller, and a Python peer where python3 is here.
//!
//! Where the loopback transport is missing (the host, qemu-user) each test that needs it
//! prints `skipped: no vsock loopback transport (<errno>)`; the VMs load it, and there the
//! same condition fails the test (`common::vsock_loopback`).

mod common;

use std::io::{BufRead, BufReader};
use std::os::fd::OwnedFd;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use baresock::poll::{Event, Interest, Poller};
use baresock::{
    vsock_local_cid, Errno, Error, Family, InputError, KernelFeature, Protocol, Shutdown, SockAddr,
    Socket, TcpStream, Type, Unsupported, VsockAddr, VsockDatagram, VsockListener, VsockSeqpacket,
    VsockSeqpacketListener, VsockStream,
};

/// A local address on a port the kernel picks.
const LOCAL_ANY: VsockAddr = VsockAddr::new(VsockAddr::CID_LOCAL, VsockAddr::PORT_ANY);

/// A connected stream pair over the loopback transport: (client, accepted).
fn stream_pair() -> (VsockStream, VsockStream) {
    let listener = VsockListener::bind(LOCAL_ANY).unwrap();
    let client = VsockStream::connect(listener.local_addr().unwrap()).unwrap();
    let (conn, peer) = listener.accept().unwrap();
    same_end(peer, client.local_addr().unwrap());
    (client, conn)
}

/// Whether `peer` (as the accepting side sees it) is the connecting socket whose own
/// `local_addr` is `local`: the same port; the connecting side was bound to `CID_ANY` and reads
/// it back so (measured, Linux 6.1, loopback), where its peer sees `CID_LOCAL`.
fn same_end(peer: VsockAddr, local: VsockAddr) {
    assert_eq!(peer.port(), local.port());
    assert_eq!(peer.cid(), VsockAddr::CID_LOCAL);
    assert!(
        [VsockAddr::CID_LOCAL, VsockAddr::CID_ANY].contains(&local.cid()),
        "{local}"
    );
}

/// Whether this machine has a guest or host transport, by what the local context id says:
/// `None` or `CID_LOCAL` is none (the loopback transport alone answers 1 on Linux 6.1).
fn guest_or_host_transport() -> Result<Option<u32>, Error> {
    Ok(vsock_local_cid()?.filter(|&c| c != VsockAddr::CID_LOCAL))
}

/// A vsock stream socket, or the reason there is none (no `AF_VSOCK`).
fn any_vsock_socket() -> Result<Socket, String> {
    match Socket::new(Family::VSOCK, Type::STREAM, Protocol::DEFAULT) {
        Ok(s) => Ok(s),
        Err(Error::Os(Errno::AFNOSUPPORT)) => Err("no AF_VSOCK in this kernel".into()),
        Err(e) => panic!("socket(AF_VSOCK): {e:?}"),
    }
}

#[test]
fn stream_echo() {
    need_vsock_loopback!();
    let listener = VsockListener::bind(LOCAL_ANY).unwrap();
    let addr = listener.local_addr().unwrap();
    assert_eq!(addr.cid(), VsockAddr::CID_LOCAL);
    assert_ne!(addr.port(), VsockAddr::PORT_ANY, "the kernel picked a port");
    let server = thread::spawn(move || {
        let (conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let mut total = 0;
        loop {
            match conn.recv(&mut buf).unwrap() {
                0 => break,
                n => {
                    conn.send_all(&buf[..n]).unwrap();
                    total += n;
                }
            }
        }
        total
    });
    let client = VsockStream::connect(addr).unwrap();
    assert_eq!(client.peer_addr().unwrap(), addr);
    assert_ne!(client.local_addr().unwrap().port(), VsockAddr::PORT_ANY);
    // More than the default 256 KiB buffer: `send_all` loops over short writes, while the
    // reader below drains the echo on another thread.
    let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let reader = client.try_clone().unwrap();
    let echo = thread::spawn(move || {
        let mut got = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match reader.recv(&mut buf).unwrap() {
                0 => break got,
                n => got.extend_from_slice(&buf[..n]),
            }
        }
    });
    client.send_all(&data).unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(server.join().unwrap(), data.len());
    assert!(echo.join().unwrap() == data, "the echo differs");
}

/// What making a vsock seqpacket socket gives before Linux 5.14.
const NO_SEQPACKET: Error = Error::Unsupported(Unsupported {
    feature: KernelFeature::VsockSeqpacket,
    errno: Errno::SOCKTNOSUPPORT,
});

/// Whether this kernel makes no vsock seqpacket sockets, told by its answer (a stable kernel
/// may have more than its version says); that answer must be the named error, from a kernel
/// older than 5.14, at `bind` and `connect` alike.
fn seqpacket_missing() -> bool {
    match VsockSeqpacketListener::bind(LOCAL_ANY) {
        Err(e) if e.is_unsupported() => {
            assert_eq!(e, NO_SEQPACKET);
            assert_eq!(VsockSeqpacket::connect(LOCAL_ANY).err(), Some(NO_SEQPACKET));
            assert!(
                common::kernel_before(5, 14),
                "Linux 5.14 has vsock seqpacket"
            );
            true
        }
        _ => false,
    }
}

#[test]
fn seqpacket_keeps_boundaries_and_a_cut_is_truncated() {
    need_vsock_loopback!();
    if seqpacket_missing() {
        skip!("this kernel has no vsock seqpacket (needs Linux 5.14)");
    }
    let listener = VsockSeqpacketListener::bind(LOCAL_ANY).unwrap();
    let client = VsockSeqpacket::connect(listener.local_addr().unwrap()).unwrap();
    let (conn, peer) = listener.accept().unwrap();
    same_end(peer, client.local_addr().unwrap());
    assert_eq!(conn.peer_addr().unwrap(), peer);
    for m in [&b"one"[..], b"two!", b"three"] {
        assert_eq!(client.send(m).unwrap(), m.len());
    }
    let mut buf = [0u8; 64];
    for m in [&b"one"[..], b"two!", b"three"] {
        let n = conn.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], m, "one record per receive");
    }
    // A record longer than the buffer: never cut silently.
    client.send(b"0123456789").unwrap();
    client.send(b"next").unwrap();
    let mut small = [0u8; 4];
    assert_eq!(conn.recv(&mut small), Err(Error::Truncated { len: 10 }));
    assert_eq!(&small, b"0123");
    let n = conn.recv(&mut buf).unwrap();
    assert_eq!(
        &buf[..n],
        b"next",
        "the cut record is gone, the next one whole"
    );
}

#[test]
fn datagrams_are_a_named_error_without_vmci() {
    if let Err(reason) = any_vsock_socket() {
        skip!("{reason}");
    }
    let any = VsockAddr::new(VsockAddr::CID_ANY, VsockAddr::PORT_ANY);
    match VsockDatagram::bind(any) {
        Err(e) => {
            assert_eq!(
                e,
                Error::Unsupported(Unsupported {
                    feature: KernelFeature::VsockDatagram,
                    errno: Errno::NODEV
                })
            );
            assert!(e.is_unsupported());
            assert_eq!(e.errno(), Some(Errno::NODEV));
        }
        Ok(s) => {
            // VMCI (VMware): datagrams exist; they go nowhere here, but the socket is one.
            assert_eq!(s.as_socket().socket_type().unwrap(), Type::DGRAM);
        }
    }
    assert!(matches!(
        VsockDatagram::unbound(),
        Ok(_)
            | Err(Error::Unsupported(Unsupported {
                feature: KernelFeature::VsockDatagram,
                ..
            }))
    ));
}

#[test]
fn the_local_context_id() {
    // qemu-user passes the ioctl on untranslated: ENOTTY.
    let cid = match qemu_gap!(vsock_local_cid()) {
        Err(Error::Os(Errno::NOENT)) if std::env::var_os("BARESOCK_VM").is_none() => {
            skip!("no /dev/vsock (ENOENT)")
        }
        r => r.unwrap(),
    };
    let loopback = common::vsock_loopback().is_ok();
    match cid {
        // No transport the kernel reports a context id for.
        None => println!("local context id: none (VMADDR_CID_ANY); loopback: {loopback}"),
        // With only the loopback transport, Linux 6.1 answers 1 (measured in the VMs).
        Some(VsockAddr::CID_LOCAL) => {
            println!("local context id: 1 (CID_LOCAL); loopback: {loopback}");
            assert!(loopback, "CID_LOCAL without the loopback transport");
        }
        // A guest's own id (3 and up), or the host's (2) with vhost_vsock.
        Some(c) => {
            println!("local context id: {c}; loopback: {loopback}");
            assert!(c >= VsockAddr::CID_HOST, "{c}");
            assert_ne!(c, VsockAddr::CID_ANY);
        }
    }
    if std::env::var_os("BARESOCK_VM").is_some_and(|v| v == "1") {
        assert!(
            matches!(cid, None | Some(VsockAddr::CID_LOCAL)),
            "the VMs have only the loopback transport: {cid:?}"
        );
    }
}

/// Without a guest or host transport (the VMs: only the loopback one) a connect to another
/// machine's context id is `VsockTransport` (the loopback transport takes `CID_HOST` as this
/// machine: measured, a reset there); in a guest whose device has no seqpacket (a
/// Firecracker guest, this crate's host) a seqpacket connect to the host is `VsockSeqpacket`.
#[test]
fn a_missing_transport_is_named() {
    if let Err(reason) = any_vsock_socket() {
        skip!("{reason}");
    }
    let host = VsockAddr::new(VsockAddr::CID_HOST, 1024);
    let no_transport = Error::Unsupported(Unsupported {
        feature: KernelFeature::VsockTransport,
        errno: Errno::NODEV,
    });
    match guest_or_host_transport() {
        Ok(None) => {
            let elsewhere = VsockAddr::new(42, 1024);
            assert_eq!(VsockStream::connect(elsewhere).unwrap_err(), no_transport);
            // Before Linux 5.14 there is no vsock seqpacket socket to connect.
            let seqpacket_answer = if seqpacket_missing() {
                NO_SEQPACKET
            } else {
                no_transport
            };
            assert_eq!(
                VsockSeqpacket::connect(elsewhere).unwrap_err(),
                seqpacket_answer
            );
            if common::vsock_loopback().is_ok() {
                assert_eq!(
                    VsockStream::connect(host).unwrap_err(),
                    Error::Os(Errno::CONNRESET),
                    "the loopback transport stands in for the host"
                );
            }
        }
        Ok(Some(cid)) => match VsockSeqpacket::connect(host) {
            Err(Error::Unsupported(u)) => {
                assert_eq!(
                    (u.feature, u.errno),
                    (KernelFeature::VsockSeqpacket, Errno::SOCKTNOSUPPORT)
                );
                println!("guest {cid}: the transport has no seqpacket: {u}");
            }
            // The host's device has seqpacket: nobody listens on the port, or it does.
            other => println!("guest {cid}: a seqpacket connect to the host: {other:?}"),
        },
        Err(e) => skip!("no local context id ({e})"),
    }
}

#[test]
fn nobody_on_the_port_is_a_reset() {
    need_vsock_loopback!();
    // A port that was free a moment ago.
    let port = VsockListener::bind(LOCAL_ANY)
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = VsockAddr::new(VsockAddr::CID_LOCAL, port);
    let start = Instant::now();
    // The loopback transport answers a connect to a port without a listener with a reset
    // (measured: ECONNRESET, not ECONNREFUSED), at once.
    assert_eq!(
        VsockStream::connect(closed).unwrap_err(),
        Error::Os(Errno::CONNRESET)
    );
    if !seqpacket_missing() {
        assert_eq!(
            VsockSeqpacket::connect(closed).unwrap_err(),
            Error::Os(Errno::CONNRESET)
        );
    }
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(
        VsockStream::connect_timeout(closed, Duration::from_secs(5)).unwrap_err(),
        Error::Os(Errno::CONNRESET)
    );
}

#[test]
fn a_receive_with_a_deadline_and_no_data_times_out() {
    need_vsock_loopback!();
    let (client, _conn) = stream_pair();
    client
        .set_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let start = Instant::now();
    let mut buf = [0u8; 16];
    assert_eq!(client.recv(&mut buf), Err(Error::Timeout));
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(190), "{took:?}");
    assert!(took < Duration::from_secs(5), "bounded: {took:?}");
}

#[test]
fn connect_timeout_connects_and_refuses_zero() {
    need_vsock_loopback!();
    let listener = VsockListener::bind(LOCAL_ANY).unwrap();
    let s = VsockStream::connect_timeout(listener.local_addr().unwrap(), Duration::from_secs(5))
        .unwrap();
    assert_eq!(s.timeout(), baresock::default_timeout());
    // The kernel's bound was raised to the caller's.
    assert!(s.as_socket().vsock_connect_timeout().unwrap() >= Duration::from_secs(5));
    listener.accept().unwrap();
    assert_eq!(
        VsockStream::connect_timeout(listener.local_addr().unwrap(), Duration::ZERO).unwrap_err(),
        Error::Input(InputError::ZeroTimeout)
    );
}

#[test]
fn the_connect_timeout_option() {
    let s = match any_vsock_socket() {
        Ok(s) => s,
        Err(reason) => skip!("{reason}"),
    };
    let default = qemu_gap!(s.vsock_connect_timeout()).unwrap();
    assert_eq!(default, Duration::from_secs(2), "the kernel's default");
    s.set_vsock_connect_timeout(Duration::from_millis(5500))
        .unwrap();
    let t = s.vsock_connect_timeout().unwrap();
    // Kept in scheduler ticks (1 to 10 ms), rounded up.
    assert!(
        t >= Duration::from_millis(5500) && t <= Duration::from_millis(5510),
        "{t:?}"
    );
    // Zero restores the default.
    s.set_vsock_connect_timeout(Duration::ZERO).unwrap();
    assert_eq!(s.vsock_connect_timeout().unwrap(), Duration::from_secs(2));
    // Past what the kernel holds in ticks: ERANGE; past an i64 of seconds: refused before.
    assert_eq!(
        s.set_vsock_connect_timeout(Duration::from_secs(1 << 61)),
        Err(Error::Os(Errno::RANGE))
    );
    assert_eq!(
        s.set_vsock_connect_timeout(Duration::MAX),
        Err(Error::Input(InputError::DurationOutOfRange))
    );
}

#[test]
fn the_buffer_size_options() {
    let s = match any_vsock_socket() {
        Ok(s) => s,
        Err(reason) => skip!("{reason}"),
    };
    let size = qemu_gap!(s.vsock_buffer_size()).unwrap();
    let (min, max) = (
        s.vsock_buffer_min_size().unwrap(),
        s.vsock_buffer_max_size().unwrap(),
    );
    println!("vsock buffer size {size}, min {min}, max {max}");
    assert!(min <= size && size <= max);
    s.set_vsock_buffer_size(64 * 1024).unwrap();
    assert_eq!(s.vsock_buffer_size().unwrap(), 64 * 1024);
    s.set_vsock_buffer_max_size(1 << 20).unwrap();
    s.set_vsock_buffer_size(512 * 1024).unwrap();
    assert_eq!(s.vsock_buffer_size().unwrap(), 512 * 1024);
    // A size past the bounds is not refused but clamped into them.
    s.set_vsock_buffer_size(u64::MAX).unwrap();
    assert_eq!(s.vsock_buffer_size().unwrap(), 1 << 20);
    s.set_vsock_buffer_min_size(4096).unwrap();
    s.set_vsock_buffer_size(1).unwrap();
    assert_eq!(s.vsock_buffer_size().unwrap(), 4096);
    // The options are at the AF_VSOCK level only: the same numbers at another level are
    // unknown there.
    let tcp = Socket::new(Family::INET, Type::STREAM, Protocol::TCP).unwrap();
    assert_eq!(tcp.vsock_buffer_size(), Err(Error::Os(Errno::OPNOTSUPP)));
}

#[test]
fn fd_wrapping_finds_the_family() {
    let any = VsockAddr::new(VsockAddr::CID_ANY, VsockAddr::PORT_ANY);
    let listener = match VsockListener::bind(any) {
        Ok(l) => l,
        Err(Error::Unsupported(u)) => skip!("{u}"),
        Err(e) => panic!("{e:?}"),
    };
    let bound = listener.local_addr().unwrap();
    let fd = OwnedFd::from(listener);
    let socket = Socket::from_fd(fd).unwrap();
    assert_eq!(socket.family().unwrap(), Family::VSOCK);
    assert_eq!(socket.local_addr().unwrap(), SockAddr::Vsock(bound));
    // Not TCP, not seqpacket: each says why, and hands the socket back.
    let not_tcp = TcpStream::try_from(socket).unwrap_err();
    assert!(matches!(
        not_tcp.error,
        Error::Input(InputError::WrongFamily {
            found: Family::VSOCK,
            ..
        })
    ));
    let not_seq = VsockSeqpacket::try_from(not_tcp.socket).unwrap_err();
    assert!(matches!(
        not_seq.error,
        Error::Input(InputError::TypeMismatch {
            found: Type::STREAM,
            ..
        })
    ));
    let listener = VsockListener::try_from(not_seq.socket).unwrap();
    assert_eq!(listener.local_addr().unwrap(), bound);
    let stream = VsockStream::try_from(Socket::from(listener)).unwrap();
    assert_eq!(stream.local_addr().unwrap(), bound);
}

#[test]
fn the_poller_sees_a_vsock_stream_readable() {
    need_vsock_loopback!();
    let (client, conn) = stream_pair();
    conn.set_nonblocking(true).unwrap();
    let p = Poller::new().unwrap();
    p.add(&conn, 7, Interest::READABLE).unwrap();
    let mut events = [Event::EMPTY; 4];
    assert!(p
        .wait(&mut events, Some(Duration::from_millis(50)))
        .unwrap()
        .is_empty());
    client.send_all(b"ping").unwrap();
    let got = p.wait(&mut events, Some(Duration::from_secs(10))).unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].key(), 7);
    assert!(got[0].is_readable());
    let mut buf = [0u8; 8];
    assert_eq!(conn.recv(&mut buf).unwrap(), 4);
    assert_eq!(conn.recv(&mut buf), Err(Error::WouldBlock));
}

/// `std::io::Read` and `Write` (feature `std`), as on std's streams.
#[cfg(feature = "std")]
#[test]
fn std_read_and_write() {
    use std::io::{Read, Write};
    need_vsock_loopback!();
    let (mut client, mut conn) = stream_pair();
    client.write_all(b"through std").unwrap();
    client.flush().unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let mut got = Vec::new();
    conn.read_to_end(&mut got).unwrap();
    assert_eq!(got, b"through std");
}

/// Python's `socket.AF_VSOCK` as the peer: a Python server for a baresock client, then a
/// baresock server for a Python client.
#[test]
fn python_peer_both_ways() {
    need_vsock_loopback!();
    let python = Command::new("python3")
        .arg("-c")
        .arg("import socket; print(socket.AF_VSOCK)")
        .output();
    match python {
        Ok(o) if o.status.success() => {}
        _ if std::env::var_os("BARESOCK_VM").is_some() => skip!("no python3 in this VM"),
        _ => skip!("no python3 with AF_VSOCK"),
    }

    // Python serves: it prints its port, echoes one message reversed.
    let server = r#"
import socket, sys
s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)
s.bind((1, socket.VMADDR_PORT_ANY))  # VMADDR_CID_LOCAL: Debian's 3.11 has no name for it
s.listen()
print(s.getsockname()[1], flush=True)
c, peer = s.accept()
data = c.recv(64)
c.sendall(data[::-1] + b" " + str(peer[0]).encode())
c.close()
"#;
    let mut child = Command::new("python3")
        .args(["-c", server])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u32 = line.trim().parse().unwrap();
    let s = VsockStream::connect(VsockAddr::new(VsockAddr::CID_LOCAL, port)).unwrap();
    s.send_all(b"baresock").unwrap();
    let mut buf = [0u8; 64];
    let mut n = 0;
    loop {
        match s.recv(&mut buf[n..]).unwrap() {
            0 => break,
            k => n += k,
        }
    }
    assert_eq!(&buf[..n], b"kcoserab 1");
    assert!(child.wait().unwrap().success());

    // baresock serves, Python connects.
    let listener = VsockListener::bind(LOCAL_ANY).unwrap();
    let port = listener.local_addr().unwrap().port();
    let client = format!(
        "import socket\n\
         s = socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)\n\
         s.connect((1, {port}))\n\
         s.sendall(b'from python')\n\
         print(s.recv(64).decode(), flush=True)\n"
    );
    let child = Command::new("python3")
        .args(["-c", &client])
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let (conn, peer) = listener.accept().unwrap();
    assert_eq!(peer.cid(), VsockAddr::CID_LOCAL);
    let n = conn.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"from python");
    conn.send_all(format!("hello {peer}").as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("hello {peer}")
    );
}
