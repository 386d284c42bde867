//! What only the VM tier's guest has (`cargo xtask test --tier vm`, qemu/README.md): the
//! `#![no_std]` echo servers of `examples/nostd-echo`, run inside the guest's own kernel
//! against clients that also run there, and the two real CAN controllers (QEMU's SJA1000-based
//! `kvaser_pci` cards on one bus) of the machines that have them.
//!
//! The guest's `qemu/init` names what it has in the environment: `BARESOCK_ASYNC_ECHO` and
//! `BARESOCK_NOSTD_ECHO` (the programs' paths), `BARESOCK_KVASER=can0,can1`. Without them a
//! test prints `skipped: <reason>` (natively and under qemu-user, where the xtask runs the
//! echo servers itself). In the VM the echo tests (`vm_smoke_*`) never skip, and the CAN
//! controllers' test may skip only on the machines without the cards (`ALLOWED_SKIPS` in
//! xtask/src/cross/vm.rs).

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Connections the client holds open at once (as in xtask/src/cross/async_echo.rs).
const CONNECTIONS: usize = 1000;
/// Rounds of messages over every connection.
const ROUNDS: usize = 2;
/// The longest an echo run may take, from the server's start to its exit: well inside the
/// guest's limit per test binary (120 s), so a stuck server fails the test with its output
/// instead of the VM's watchdog killing the whole binary. A run takes seconds under TCG.
const RUN_LIMIT: Duration = Duration::from_secs(45);

/// The path in the environment variable `var`, set by the VM's init.
fn program(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|p| !p.is_empty())
}

/// Waits for `child` to exit until `deadline`, then kills it. Returns its exit code (`None`:
/// killed, or ended by a signal) and what it printed.
fn reap(child: &mut Child, deadline: Instant) -> (Option<i32>, String) {
    let code = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.code(),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let mut said = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut said);
    }
    if let Some(mut err) = child.stderr.take() {
        let _ = err.read_to_string(&mut said);
    }
    (code, said)
}

/// Starts `path` with `args`, its output piped.
fn spawn(path: &str, args: &[String]) -> Child {
    Command::new(path)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {path}: {e}"))
}

/// Without arguments the server must say how to use it and exit 2, at once.
fn usage_exits_2(path: &str) {
    let mut child = spawn(path, &[]);
    let (code, said) = reap(&mut child, Instant::now() + Duration::from_secs(10));
    assert_eq!(code, Some(2), "{path} without arguments: {said}");
}

/// A port nobody listens on now (the kernel's choice, given back).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port()
}

/// The message of connection `i` in round `round`: distinct for each, 16 to 79 bytes.
fn message(i: usize, round: usize) -> Vec<u8> {
    let mut m = format!("{round}:{i}:").into_bytes();
    let len = 16 + (i * 7 + round) % 64;
    let mut j = 0;
    while m.len() < len {
        m.push((i * 31 + j * 7 + round * 13) as u8);
        j += 1;
    }
    m
}

/// The time left until `deadline`, or why there is none.
fn left(deadline: Instant) -> Result<Duration, String> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("not done within {} s", RUN_LIMIT.as_secs()))
}

/// The client: connects [`CONNECTIONS`] streams (the first as soon as the server listens),
/// holds them all, [`ROUNDS`] times sends each its message and reads each echo back whole,
/// then closes them all. Every wait ends by `deadline`.
fn hold_and_echo(child: &mut Child, port: u16, deadline: Instant) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut conns = Vec::with_capacity(CONNECTIONS);
    // The server binds after it starts: refused until then.
    loop {
        match TcpStream::connect_timeout(&addr, left(deadline)?) {
            Ok(c) => {
                conns.push(c);
                break;
            }
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                if !matches!(child.try_wait(), Ok(None)) {
                    return Err(format!("the server ended before it listened on {port}"));
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(format!("connection 0: {e}")),
        }
    }
    for i in 1..CONNECTIONS {
        let c = TcpStream::connect_timeout(&addr, left(deadline)?)
            .map_err(|e| format!("connection {i} of {CONNECTIONS}: {e}"))?;
        conns.push(c);
    }
    let mut reply = [0u8; 128];
    for round in 0..ROUNDS {
        for (i, c) in conns.iter_mut().enumerate() {
            c.set_write_timeout(Some(left(deadline)?))
                .and_then(|()| c.write_all(&message(i, round)))
                .map_err(|e| format!("round {round}: send on connection {i}: {e}"))?;
        }
        for (i, c) in conns.iter_mut().enumerate() {
            let want = message(i, round);
            let mut got = 0;
            while got < want.len() {
                c.set_read_timeout(Some(left(deadline)?))
                    .map_err(|e| format!("set_read_timeout: {e}"))?;
                let n = c
                    .read(&mut reply[got..want.len()])
                    .map_err(|e| format!("round {round}: echo on connection {i}: {e}"))?;
                if n == 0 {
                    return Err(format!(
                        "round {round}: connection {i} closed after {got} of {} bytes",
                        want.len()
                    ));
                }
                got += n;
            }
            if reply[..got] != want[..] {
                return Err(format!("round {round}: connection {i} echoed other bytes"));
            }
        }
    }
    Ok(())
}

/// Whether a UDP socket is bound to `port` on 0.0.0.0 (the kernel's `/proc/net/udp`).
fn udp_bound(port: u16) -> bool {
    let want = format!("00000000:{port:04X}");
    std::fs::read_to_string("/proc/net/udp").is_ok_and(|t| {
        t.lines()
            .skip(1)
            .any(|l| l.split_whitespace().nth(1) == Some(want.as_str()))
    })
}

/// Once the UDP echo `child` has bound `port`, sends a datagram of each of `sizes` and checks
/// its echo, by `deadline`.
fn udp_exchange(
    child: &mut Child,
    port: u16,
    sizes: &[usize],
    deadline: Instant,
) -> Result<(), String> {
    while !udp_bound(port) {
        left(deadline)?;
        if !matches!(child.try_wait(), Ok(None)) {
            return Err(format!("the server ended before it bound {port}"));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let client = UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    client
        .connect(("127.0.0.1", port))
        .map_err(|e| format!("connect: {e}"))?;
    let mut reply = vec![0u8; 65536];
    for (i, &size) in sizes.iter().enumerate() {
        let sent: Vec<u8> = (0..size).map(|j| (j * 7 + i) as u8).collect();
        client.send(&sent).map_err(|e| format!("send: {e}"))?;
        client
            .set_read_timeout(Some(left(deadline)?))
            .map_err(|e| format!("set_read_timeout: {e}"))?;
        let n = client
            .recv(&mut reply)
            .map_err(|e| format!("no echo of the {size}-byte datagram: {e}"))?;
        if reply[..n] != sent[..] {
            return Err(format!(
                "the {size}-byte datagram came back as {n} other bytes"
            ));
        }
    }
    Ok(())
}

/// The no_std async TCP echo (baresock's reactor under embassy, one task per connection), in
/// the guest's kernel: 1,000 connections held at once, every byte of two rounds echoed, and
/// exit 0 once all are closed.
#[test]
fn vm_smoke_nostd_async_echo_holds_1000_connections() {
    let Some(path) = program("BARESOCK_ASYNC_ECHO") else {
        skip!(
            "BARESOCK_ASYNC_ECHO is not set (the VM's init sets it; natively and under \
             qemu-user the xtask runs the server itself)"
        );
    };
    // The client's connections here, the server's there (it inherits the limit): stdio,
    // the listener, the poller and the executor's eventfd besides.
    let want = CONNECTIONS as u64 + 64;
    let got = raise_nofile(want);
    assert!(got >= want, "RLIMIT_NOFILE stays {got}, below {want}");
    usage_exits_2(&path);

    let port = free_port();
    let deadline = Instant::now() + RUN_LIMIT;
    let mut child = spawn(&path, &[port.to_string(), CONNECTIONS.to_string()]);
    let talked = hold_and_echo(&mut child, port, deadline);
    let (code, said) = reap(&mut child, deadline);
    match talked {
        Ok(()) => assert_eq!(
            code,
            Some(0),
            "served all {CONNECTIONS}, then ended with {code:?} (None: killed at the limit): {said}"
        ),
        Err(e) => panic!("{e}; the server ended with {code:?} (None: killed): {said}"),
    }
}

/// The no_std UDP echo in the guest's kernel: datagrams of 0 to 65,507 bytes come back
/// byte for byte, then it exits 0.
#[test]
fn vm_smoke_nostd_udp_echo() {
    let Some(path) = program("BARESOCK_NOSTD_ECHO") else {
        skip!(
            "BARESOCK_NOSTD_ECHO is not set (the VM's init sets it; natively and under \
             qemu-user the xtask runs the server itself)"
        );
    };
    usage_exits_2(&path);
    let sizes = [0usize, 10, 1472, 65507];
    let port = UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .unwrap()
        .port();
    let deadline = Instant::now() + RUN_LIMIT;
    let mut child = spawn(&path, &[port.to_string(), sizes.len().to_string()]);
    let talked = udp_exchange(&mut child, port, &sizes, deadline);
    let (code, said) = reap(&mut child, deadline);
    match talked {
        Ok(()) => assert_eq!(
            code,
            Some(0),
            "echoed all, then ended with {code:?}: {said}"
        ),
        Err(e) => panic!("{e}; the server ended with {code:?} (None: killed): {said}"),
    }
}

#[cfg(all(feature = "can", feature = "netlink"))] // rtnetlink sets the bit timing
mod kvaser {
    use super::*;
    use baresock::can::*;
    use baresock::*;

    /// `ARPHRD_CAN` (linux/if_arp.h): a CAN interface's `type` in sysfs.
    const ARPHRD_CAN: u32 = 280;
    /// `IFF_UP` (linux/if.h).
    const IFF_UP: u32 = 0x1;

    /// A number from `/sys/class/net/<name>/<file>` (`280`, `0x1003`).
    fn sys_number(name: &str, file: &str) -> u32 {
        let path = format!("/sys/class/net/{name}/{file}");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let text = text.trim();
        match text.strip_prefix("0x") {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => text.parse(),
        }
        .unwrap_or_else(|e| panic!("{path}: {text:?}: {e}"))
    }

    /// A frame sent on one controller arrives on the other, and is the same frame.
    fn crosses(tx: &CanSocket, rx: &CanSocket, rx_index: u32, frame: CanFrame) {
        tx.send(&frame).unwrap();
        let (got, index) = rx.recv_from().unwrap();
        assert_eq!((got, index), (CanAnyFrame::Classic(frame), rx_index));
    }

    /// The two SJA1000 controllers that QEMU's `kvaser_pci` cards give the machines that
    /// have them, on one emulated bus: both there, of type `ARPHRD_CAN`, down and
    /// unconfigured as the init script leaves them; with a bit rate of 500 kbit/s set over
    /// rtnetlink (busybox's `ip` cannot), up; then a frame crosses the bus each way.
    #[test]
    fn kvaser_pci_controllers_exchange_frames() {
        let Ok(names) = std::env::var("BARESOCK_KVASER") else {
            skip!(
                "no kvaser_pci controllers (BARESOCK_KVASER is not set: only the VMs of \
                 machines with a PCI bus get them)"
            );
        };
        let names: Vec<&str> = names.split(',').collect();
        let [a, b] = names[..] else {
            panic!("BARESOCK_KVASER names {names:?}, not two interfaces");
        };
        let index = |n: &str| {
            interface_index(n.as_bytes()).unwrap_or_else(|e| panic!("interface_index({n}): {e}"))
        };
        let (ia, ib) = (index(a), index(b));
        for n in [a, b] {
            assert_eq!(sys_number(n, "type"), ARPHRD_CAN, "{n}'s type");
            assert_eq!(sys_number(n, "flags") & IFF_UP, 0, "{n} is up already");
        }

        let mut buf = rtnl::buffer();
        let mut nl = rtnl::open(&mut buf).unwrap();
        for (n, i) in [(a, ia), (b, ib)] {
            // A controller refuses to go up before it has a bit timing.
            assert_eq!(
                nl.set_up(i).map_err(|e| e.errno()),
                Err(Some(rustix::io::Errno::INVAL)),
                "{n} up without a bit rate"
            );
            rtnl::set_can_bitrate(&mut nl, i, 500_000)
                .unwrap_or_else(|e| panic!("{n}: bitrate 500000: {e}"));
            nl.set_up(i).unwrap_or_else(|e| panic!("{n} up: {e}"));
        }
        let socket = |i: u32| {
            let s = CanSocket::new().unwrap();
            s.bind(i).unwrap();
            s.set_timeout(Some(Duration::from_secs(5))).unwrap();
            s
        };
        let (sa, sb) = (socket(ia), socket(ib));
        let standard =
            CanFrame::new(CanId::standard(0x123).unwrap(), &[0xde, 0xad, 0xbe, 0xef]).unwrap();
        let extended = CanFrame::new(
            CanId::extended(0x1fff_ffff).unwrap(),
            &[1, 2, 3, 4, 5, 6, 7, 8],
        )
        .unwrap();
        crosses(&sa, &sb, ib, standard);
        crosses(&sb, &sa, ia, extended);
        println!("{a} -> {b}: {standard:?}; {b} -> {a}: {extended:?} (500 kbit/s)");
        // Left as found: down (the bit rate stays).
        for i in [ia, ib] {
            nl.set_down(i).unwrap();
        }
    }
}
