//! Timeout modes: blocking, non-blocking, deadlines on every blocking call, and signals.

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use baresock::{
    create_connection, Errno, Error, Family, PartialCause, Protocol, Socket, TcpListener,
    TcpStream, Type, UdpSocket, UnixDatagram, UnixStream,
};
use common::signals::under_signals;
use common::*;

const T: Duration = Duration::from_millis(100);
/// A loose sanity bound: the test asserts nothing about how close to the deadline it returns.
const SANITY: Duration = Duration::from_secs(5);

fn assert_times_out<R: std::fmt::Debug>(what: &str, f: impl FnOnce() -> baresock::Result<R>) {
    assert_times_out_after(what, T, f)
}

/// The kernel's own timeouts (`SO_RCVTIMEO`) run on its timer ticks, and a guest under
/// emulation (TCG) counts ticks against a clock that drifts from its `CLOCK_MONOTONIC`: a
/// 100 ms `SO_RCVTIMEO` has returned after 92.1 ms in the aarch64 VM. What these tests check
/// is that the call waited and then reported `Timeout`, so they allow half the timeout. The
/// crate's own deadlines are measured on `CLOCK_MONOTONIC` and are held to the full time.
const KERNEL_TIMER_SLACK: Duration = Duration::from_millis(50);

fn assert_times_out_after<R: std::fmt::Debug>(
    what: &str,
    at_least: Duration,
    f: impl FnOnce() -> baresock::Result<R>,
) {
    let start = Instant::now();
    let r = f();
    let took = start.elapsed();
    assert!(
        matches!(r, Err(e) if e.is_timeout()),
        "{what}: expected a timeout, got {r:?}"
    );
    assert!(
        took >= at_least,
        "{what}: returned after {took:?}, before its {at_least:?} deadline"
    );
    assert!(took < SANITY, "{what}: took {took:?}");
}

#[test]
fn each_blocking_call_times_out() {
    let (a, _b) = UnixStream::pair().unwrap();
    a.set_timeout(Some(T)).unwrap();
    assert_eq!(a.timeout(), Some(T));
    let mut buf = [0u8; 16];
    assert_times_out("recv", || a.recv(&mut buf));
    assert_times_out("peek", || a.peek(&mut buf));

    let u = UdpSocket::bind(v4_any_port()).unwrap();
    u.set_timeout(Some(T)).unwrap();
    assert_times_out("recv_from", || u.recv_from(&mut buf));
    assert_times_out("peek_from", || u.peek_from(&mut buf));

    let l = TcpListener::bind(v4_any_port()).unwrap();
    l.set_timeout(Some(T)).unwrap();
    assert_times_out("accept", || l.accept());

    // A full send buffer: send and send_all wait, then time out.
    let (x, _y) = UnixStream::pair().unwrap();
    x.set_timeout(Some(T)).unwrap();
    let chunk = vec![0u8; 1 << 16];
    let start = Instant::now();
    let err = loop {
        if let Err(e) = x.send(&chunk) {
            break e;
        }
        assert!(start.elapsed() < SANITY);
    };
    assert_eq!(err, Error::Timeout);
    assert_times_out("send", || x.send(&chunk));
    assert_times_out("send_all", || x.send_all(&chunk));

    let (d, _e) = UnixDatagram::pair().unwrap();
    d.set_timeout(Some(T)).unwrap();
    assert_times_out("datagram recv", || d.recv(&mut buf));

    // send_to into a receiver whose queue is full waits, then times out.
    let name = format!("baresock-timeout-{}", std::process::id());
    let addr = baresock::UnixAddr::new_abstract(name.as_bytes()).unwrap();
    let _receiver = UnixDatagram::bind(addr).unwrap();
    let sender = UnixDatagram::unbound().unwrap();
    sender.set_timeout(Some(T)).unwrap();
    let start = Instant::now();
    let err = loop {
        if let Err(e) = sender.send_to(&buf, addr) {
            break e;
        }
        assert!(start.elapsed() < SANITY);
    };
    assert_eq!(err, Error::Timeout);
    assert_times_out("send_to", || sender.send_to(&buf, addr));
}

#[cfg(feature = "std")]
#[test]
fn std_style_timeout_methods_map_onto_the_mode() {
    let (a, _b) = UnixStream::pair().unwrap();
    a.set_read_timeout(Some(T)).unwrap();
    assert_eq!(a.read_timeout().unwrap(), Some(T));
    assert_eq!(
        a.write_timeout().unwrap(),
        None,
        "the read timeout leaves writes blocking, as in std"
    );
    assert_eq!(a.timeout(), Some(T));
    assert_eq!(
        a.set_write_timeout(Some(Duration::ZERO)).unwrap_err(),
        Error::Input(baresock::InputError::ZeroTimeout)
    );
    let mut buf = [0u8; 4];
    assert_times_out("read via std::io::Read", || {
        use std::io::Read;
        (&a).read(&mut buf).map_err(Error::from)
    });
    a.set_nonblocking(true).unwrap();
    assert_eq!(
        a.read_timeout().unwrap(),
        None,
        "std reports non-blocking sockets as no timeout"
    );
    a.set_read_timeout(None).unwrap();
    assert_eq!(a.timeout(), None);
    let u = UdpSocket::bind(v4_any_port()).unwrap();
    u.set_write_timeout(Some(T)).unwrap();
    assert_eq!(u.write_timeout().unwrap(), Some(T));
    assert_eq!(u.read_timeout().unwrap(), None);
}

#[test]
fn a_read_timeout_does_not_bound_a_write() {
    let (a, b) = UnixStream::pair().unwrap();
    a.as_socket().set_send_buffer_size(4096).unwrap();
    b.as_socket().set_recv_buffer_size(4096).unwrap();
    a.as_socket().set_read_timeout(Some(T)).unwrap();
    assert_eq!(a.as_socket().read_timeout(), Some(T));
    assert_eq!(a.as_socket().write_timeout(), None);
    let mut buf = [0u8; 4];
    assert_times_out("recv under a read timeout", || a.recv(&mut buf));
    // The reader starts well after the read timeout would have run out: the write waits.
    let big = vec![3u8; 1 << 20];
    let reader = std::thread::spawn(move || {
        std::thread::sleep(3 * T);
        let mut buf = vec![0u8; 1 << 16];
        let mut total = 0;
        while let Ok(n @ 1..) = b.recv(&mut buf) {
            total += n;
        }
        total
    });
    let start = Instant::now();
    a.send_all(&big).unwrap();
    assert!(
        start.elapsed() >= 2 * T,
        "the write did wait for the reader"
    );
    drop(a);
    assert_eq!(reader.join().unwrap(), big.len());
}

#[test]
fn a_write_timeout_does_not_bound_a_read() {
    let (a, b) = UnixStream::pair().unwrap();
    a.as_socket().set_send_buffer_size(4096).unwrap();
    b.as_socket().set_recv_buffer_size(4096).unwrap();
    a.as_socket().set_write_timeout(Some(T)).unwrap();
    assert_eq!(a.as_socket().write_timeout(), Some(T));
    assert_eq!(a.as_socket().read_timeout(), None);
    let big = vec![1u8; 4 << 20];
    match a.send_all(&big) {
        Err(Error::Partial {
            cause: PartialCause::Timeout,
            ..
        }) => {}
        other => panic!("expected a timed-out partial send, got {other:?}"),
    }
    // Drain what was sent, then answer after the write timeout would have run out.
    let writer = std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        let _ = b.as_socket().set_nonblocking(true);
        while b.recv(&mut buf).is_ok() {}
        std::thread::sleep(3 * T);
        b.send_all(b"late").unwrap();
        b
    });
    let mut buf = [0u8; 4];
    let start = Instant::now();
    assert_eq!(a.recv(&mut buf).unwrap(), 4);
    assert!(start.elapsed() >= 2 * T, "the read did wait for the writer");
    assert_eq!(&buf, b"late");
    drop(writer.join().unwrap());
}

#[test]
fn read_and_write_modes_combine() {
    let (a, b) = UnixStream::pair().unwrap();
    let s = a.as_socket();
    let mut buf = [0u8; 4];
    // Non-blocking reads, blocking writes.
    s.set_read_timeout(Some(Duration::ZERO)).unwrap();
    assert_eq!(s.read_timeout(), Some(Duration::ZERO));
    assert_eq!(s.write_timeout(), None);
    assert_eq!(a.recv(&mut buf), Err(Error::WouldBlock));
    a.send_all(b"ok").unwrap();
    assert_eq!(b.recv(&mut buf).unwrap(), 2);
    // Blocking reads (polled, the fd being non-blocking for the writes), deadline writes.
    s.set_read_timeout(None).unwrap();
    s.set_write_timeout(Some(T)).unwrap();
    assert_eq!(s.read_timeout(), None);
    assert_eq!(s.write_timeout(), Some(T));
    let b2 = b.try_clone().unwrap();
    let late = std::thread::spawn(move || {
        std::thread::sleep(T);
        b2.send_all(b"pong").unwrap();
    });
    assert_eq!(a.recv(&mut buf).unwrap(), 4);
    late.join().unwrap();
    // Deadline reads, non-blocking writes; then set_timeout sets both again.
    s.set_read_timeout(Some(T)).unwrap();
    s.set_write_timeout(Some(Duration::ZERO)).unwrap();
    assert_times_out("recv under a deadline", || a.recv(&mut buf));
    s.set_timeout(None).unwrap();
    assert_eq!((s.read_timeout(), s.write_timeout()), (None, None));
    let clone = s.try_clone().unwrap();
    s.set_write_timeout(Some(T)).unwrap();
    let clone2 = s.try_clone().unwrap();
    assert_eq!((clone.read_timeout(), clone.write_timeout()), (None, None));
    assert_eq!(
        (clone2.read_timeout(), clone2.write_timeout()),
        (None, Some(T))
    );
}

#[test]
fn connect_into_a_namespace_that_drops_everything_meets_its_deadline() {
    // 10.99.0.2 sits on a veth whose far end has no address, so nothing ever answers: the SYN
    // waits on ARP until the deadline passes.
    let r = in_netns_with_veth(|| {
        common::add_ipv4("bs0", [10, 99, 0, 1], 24).unwrap();
        let dest: SocketAddr = "10.99.0.2:80".parse().unwrap();
        let start = Instant::now();
        let r = create_connection(dest, Some(T), None).map(drop);
        (r, start.elapsed())
    });
    match r {
        Err(why) => skip!("{why}"),
        Ok((r, took)) => {
            assert_eq!(r, Err(Error::Timeout));
            assert!(took >= T && took < SANITY, "{took:?}");
        }
    }
}

#[test]
fn send_all_has_one_deadline_and_reports_what_went_out() {
    let (x, y) = UnixStream::pair().unwrap();
    x.as_socket().set_send_buffer_size(4096).unwrap();
    y.as_socket().set_recv_buffer_size(4096).unwrap();
    x.set_timeout(Some(T)).unwrap();
    let big = vec![1u8; 4 << 20];
    let start = Instant::now();
    let err = x.send_all(&big).unwrap_err();
    assert!(start.elapsed() >= T);
    match err {
        Error::Partial {
            sent,
            cause: PartialCause::Timeout,
        } => assert!(sent > 0 && sent < big.len()),
        other => panic!("expected a partial send, got {other:?}"),
    }
}

#[test]
fn non_blocking_mode_returns_would_block_at_once() {
    let (a, _b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    assert_eq!(a.timeout(), Some(Duration::ZERO));
    let mut buf = [0u8; 4];
    let start = Instant::now();
    assert_eq!(a.recv(&mut buf).unwrap_err(), Error::WouldBlock);
    assert!(start.elapsed() < SANITY);
    assert!(Error::WouldBlock.is_would_block() && !Error::WouldBlock.is_timeout());
    // And back to blocking.
    a.set_nonblocking(false).unwrap();
    assert_eq!(a.timeout(), None);
    // A per-call DONT_WAIT never waits, whatever the mode.
    a.set_timeout(Some(T)).unwrap();
    assert_eq!(
        a.as_socket()
            .recv_with(&mut buf, baresock::RecvFlags::DONT_WAIT)
            .unwrap_err(),
        Error::WouldBlock
    );
}

#[test]
fn non_blocking_connect_is_in_progress() {
    // A listener whose queue is full drops SYNs, so a connect cannot finish at once.
    let l = Socket::new(Family::INET, Type::STREAM, Protocol::DEFAULT).unwrap();
    l.bind(v4_any_port()).unwrap();
    l.listen(0).unwrap();
    let addr = l.local_addr().unwrap();
    let mut fillers = Vec::new();
    for _ in 0..4 {
        if let Ok(s) = create_connection(addr, Some(Duration::from_millis(200)), None) {
            fillers.push(s);
        }
    }
    let s = Socket::new(Family::INET, Type::STREAM, Protocol::DEFAULT).unwrap();
    s.set_nonblocking(true).unwrap();
    assert_eq!(s.connect(addr).unwrap_err(), Error::Os(Errno::INPROGRESS));
}

#[test]
fn connect_meets_its_deadline() {
    // A full accept queue: the kernel drops further SYNs, so connects hang until the deadline.
    let l = Socket::new(Family::INET, Type::STREAM, Protocol::DEFAULT).unwrap();
    l.bind(v4_any_port()).unwrap();
    l.listen(0).unwrap();
    let addr = l.local_addr().unwrap();
    let mut fillers = Vec::new();
    let mut timed_out = false;
    for _ in 0..8 {
        let start = Instant::now();
        match create_connection(addr, Some(T), None) {
            Ok(s) => fillers.push(s),
            Err(e) => {
                assert_eq!(e, Error::Timeout);
                let took = start.elapsed();
                assert!(took >= T && took < SANITY, "{took:?}");
                timed_out = true;
                break;
            }
        }
    }
    assert!(timed_out, "the accept queue never filled");
    // connect_timeout (std's spelling) too, which then restores the default mode.
    let start = Instant::now();
    assert_eq!(
        TcpStream::connect_timeout(addr, T).unwrap_err(),
        Error::Timeout
    );
    assert!(start.elapsed() >= T);
}

#[test]
fn kernel_timeouts_are_separate_options() {
    let (a, _b) = UnixStream::pair().unwrap();
    let s = a.as_socket();
    assert_eq!(s.kernel_recv_timeout().unwrap(), None);
    s.set_kernel_recv_timeout(Some(Duration::from_millis(1500)))
        .unwrap();
    assert_eq!(
        s.kernel_recv_timeout().unwrap(),
        Some(Duration::from_millis(1500))
    );
    // The kernel keeps these in scheduler ticks: tiny values read back rounded up to one tick,
    // and a sub-microsecond one rounds up rather than turning the option off.
    for tiny in [Duration::from_micros(1), Duration::from_nanos(1)] {
        s.set_kernel_send_timeout(Some(tiny)).unwrap();
        let got = s.kernel_send_timeout().unwrap().expect("still on");
        assert!(got >= tiny && got <= Duration::from_millis(10), "{got:?}");
    }
    s.set_kernel_send_timeout(None).unwrap();
    assert_eq!(s.kernel_send_timeout().unwrap(), None);
    // In blocking mode, the kernel's timeout running out is a timeout, not "would block".
    s.set_kernel_recv_timeout(Some(T)).unwrap();
    let mut buf = [0u8; 4];
    assert_times_out_after("recv with SO_RCVTIMEO", T - KERNEL_TIMER_SLACK, || {
        a.recv(&mut buf)
    });
}

#[test]
fn signals_do_not_cut_deadlines_short() {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_timeout(Some(Duration::from_millis(300))).unwrap();
    let (r, took) = under_signals(move || {
        let start = Instant::now();
        let mut buf = [0u8; 4];
        let r = a.recv(&mut buf);
        (r, start.elapsed())
    });
    assert_eq!(r, Err(Error::Timeout));
    assert!(took >= Duration::from_millis(300), "{took:?}");
    drop(b);
}

#[test]
fn signals_do_not_surface_from_blocking_calls() {
    let (a, b) = UnixStream::pair().unwrap();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        b.send_all(b"late").unwrap();
        b
    });
    let r = under_signals(move || {
        let mut buf = [0u8; 4];
        a.recv(&mut buf).map(|n| buf[..n].to_vec())
    });
    assert_eq!(r.unwrap(), b"late");
    writer.join().unwrap();
}

#[test]
fn a_clone_changing_the_fd_flag_does_not_change_this_handles_mode() {
    // Deadline mode keeps its deadline after a clone made the shared fd blocking.
    let (a, b) = UnixStream::pair().unwrap();
    a.set_timeout(Some(T)).unwrap();
    let c = a.try_clone().unwrap();
    c.set_timeout(None).unwrap();
    let mut buf = [0u8; 4];
    assert_times_out("recv after a clone went blocking", || a.recv(&mut buf));

    // Blocking mode keeps blocking after a clone made the shared fd non-blocking.
    c.set_timeout(None).unwrap();
    a.set_timeout(None).unwrap();
    c.set_nonblocking(true).unwrap();
    // The clock starts before the writer does: taken after the spawn, a main thread
    // descheduled for more than 10 ms saw the reply sooner than 90 ms (CI, load 7 on 2 cores).
    let start = Instant::now();
    let writer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        b.send_all(b"late").unwrap();
        b
    });
    assert_eq!(a.recv(&mut buf).unwrap(), 4);
    assert!(start.elapsed() >= Duration::from_millis(90));
    writer.join().unwrap();
}

#[test]
fn a_wrapped_fd_reports_kernel_timeouts_as_timeouts() {
    let (x, _y) = std::os::unix::net::UnixStream::pair().unwrap();
    x.set_read_timeout(Some(T)).unwrap();
    // Wrapped with its flags read: a blocking fd, whose EAGAIN means SO_RCVTIMEO ran out.
    let s = Socket::from(std::os::fd::OwnedFd::from(x));
    let mut buf = [0u8; 4];
    assert_times_out_after(
        "recv on a wrapped fd with SO_RCVTIMEO",
        T - KERNEL_TIMER_SLACK,
        || s.recv(&mut buf),
    );
}

/// CPU time this thread has used.
fn thread_cpu() -> Duration {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

#[test]
fn waiting_on_a_full_unix_peer_does_not_spin() {
    // poll says an unconnected Unix socket is always writable, even when the peer's queue is
    // full: the wait must back off rather than burn a CPU until the deadline.
    let name = format!("baresock-spin-{}", std::process::id());
    let addr = baresock::UnixAddr::new_abstract(name.as_bytes()).unwrap();
    let _receiver = UnixDatagram::bind(addr).unwrap();
    let sender = UnixDatagram::unbound().unwrap();
    sender.set_nonblocking(true).unwrap();
    while sender.send_to(b"fill", addr).is_ok() {}
    let wait = Duration::from_millis(500);
    sender.set_timeout(Some(wait)).unwrap();
    let (cpu, start) = (thread_cpu(), Instant::now());
    assert_eq!(sender.send_to(b"more", addr).unwrap_err(), Error::Timeout);
    let (cpu, took) = (thread_cpu() - cpu, start.elapsed());
    assert!(took >= wait);
    assert!(cpu < took / 4, "used {cpu:?} of CPU in {took:?}");
}
