//! What only the VM tier's guest has (`cargo xtask test --tier vm`, qemu/README.md): the
//! `#![no_std]` echo servers and `ip`-like tool of `examples/nostd-echo`, run inside the
//! guest's own kernel against clients that also run there, and the two real CAN controllers
//! (QEMU's SJA1000-based `kvaser_pci` cards on one bus) of the machines that have them.
//!
//! The guest's `qemu/init` names what it has in the environment: `BARESOCK_ASYNC_ECHO`,
//! `BARESOCK_NOSTD_ECHO` and `BARESOCK_NOSTD_IP` (the programs' paths; the last is the static
//! `ip`-like tool), `BARESOCK_KVASER=can0,can1`. Without them a test prints
//! `skipped: <reason>` (natively and under qemu-user, where the xtask runs the programs
//! itself). In the VM the `vm_smoke_*` tests never skip, and the CAN
//! controllers' test may skip only on the machines without the cards (`ALLOWED_SKIPS` in
//! xtask/src/cross/vm/skips.rs).

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

/// Held by the tests that change links of the guest's own namespace or read them all (the
/// kvaser test brings the controllers up and down; nostd-ip's test compares `link show`
/// with the library's dump): the test harness runs them at once otherwise.
#[cfg(feature = "netlink")]
static GUEST_LINKS: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// [`GUEST_LINKS`], also after a test that held it failed.
#[cfg(feature = "netlink")]
fn hold_guest_links() -> std::sync::MutexGuard<'static, ()> {
    GUEST_LINKS.lock().unwrap_or_else(|p| p.into_inner())
}

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

#[cfg(all(feature = "can", feature = "netlink"))]
mod kvaser {
    use super::*;
    use baresock::can::*;
    use baresock::netlink::route::*;
    use baresock::netlink::RECOMMENDED_BUFFER;
    use baresock::*;

    /// `ARPHRD_CAN` (linux/if_arp.h): a CAN interface's `type` in sysfs.
    const ARPHRD_CAN: u32 = 280;
    /// `IFF_UP` (linux/if.h).
    const IFF_UP: u32 = 0x1;
    /// The modes the SJA1000 driver supports (drivers/net/can/sja1000/sja1000.c).
    const SJA1000_MODES: CanCtrlMode = CanCtrlMode::LOOPBACK
        .union(CanCtrlMode::LISTEN_ONLY)
        .union(CanCtrlMode::TRIPLE_SAMPLING)
        .union(CanCtrlMode::ONE_SHOT)
        .union(CanCtrlMode::BERR_REPORTING);
    /// 500 kbit/s on the SJA1000's 8 MHz clock, as the kernel computes it (and as measured
    /// with iproute2, /work/shared/notes/cross-arch-and-vm.md): 16 quanta of 125 ns.
    const T500K: CanBitTiming = CanBitTiming {
        bitrate: 500_000,
        sample_point: 875,
        tq: 125,
        prop_seg: 6,
        phase_seg1: 7,
        phase_seg2: 2,
        sjw: 1,
        brp: 1,
    };

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

    /// `rtnl`'s last answer must be the refusal `want`: prints its errno and the extended
    /// ack's text (what the driver says).
    fn refused(rtnl: &Rtnl<'_>, r: Result<()>, want: CanRefusal, what: &str) {
        let e = r.expect_err(what);
        let text = rtnl.client().ext_ack_message();
        assert_eq!(CanRefusal::of(&e, text), Some(want), "{what}: {e} {text:?}");
        println!(
            "{what}: {e} ({want:?}; ext-ack {:?})",
            rtnl.client().ext_ack_message()
        );
    }

    /// iproute2's `ip -details -json link show <name>` (in the VM Debian's,
    /// `/bin/iproute2-ip`): the link's `linkinfo.info_data`.
    fn ip_info_data(name: &str) -> serde_json::Value {
        assert_eq!(
            common::iproute::missing(),
            None,
            "the VM must have iproute2's ip"
        );
        let v = common::iproute::json(&["-details", "link", "show", name]);
        v[0]["linkinfo"]["info_data"].clone()
    }

    /// A JSON number, or a number in a string (iproute2 prints `sample_point` as `"0.875"`).
    fn num(v: &serde_json::Value) -> f64 {
        v.as_f64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .unwrap_or_else(|| panic!("not a number: {v}"))
    }

    /// Our view of link `name` field by field against iproute2's.
    fn same_as_ip(link: &CanLink<'_>, name: &str) {
        let ip = ip_info_data(name);
        println!("ip -details -json link show {name}: {ip}");
        let t = link.bit_timing().unwrap().expect("a bit timing");
        let bt = &ip["bittiming"];
        for (key, ours) in [
            ("bitrate", t.bitrate),
            ("tq", t.tq),
            ("prop_seg", t.prop_seg),
            ("phase_seg1", t.phase_seg1),
            ("phase_seg2", t.phase_seg2),
            ("sjw", t.sjw),
        ] {
            assert_eq!(num(&bt[key]), ours as f64, "{name}: bittiming.{key}");
        }
        if !bt["brp"].is_null() {
            assert_eq!(num(&bt["brp"]), t.brp as f64, "{name}: bittiming.brp");
        }
        let sp = num(&bt["sample_point"]);
        assert!(
            (sp * 1000.0 - t.sample_point as f64).abs() < 0.5,
            "{name}: {sp}"
        );
        let k = link.bit_timing_const().unwrap().expect("constants");
        let kc = &ip["bittiming_const"];
        assert_eq!(kc["name"], k.name(), "{name}: bittiming_const.name");
        for (key, min, max) in [
            ("tseg1", k.tseg1_min(), k.tseg1_max()),
            ("tseg2", k.tseg2_min(), k.tseg2_max()),
            ("brp", k.brp_min(), k.brp_max()),
        ] {
            assert_eq!(num(&kc[key]["min"]), min as f64, "{name}: {key}.min");
            assert_eq!(num(&kc[key]["max"]), max as f64, "{name}: {key}.max");
        }
        assert_eq!(num(&kc["brp_inc"]), k.brp_inc() as f64);
        assert_eq!(num(&ip["clock"]), link.clock().unwrap().unwrap() as f64);
        assert_eq!(
            num(&ip["restart_ms"]),
            link.restart_ms().unwrap().unwrap() as f64
        );
        let state = match link.state().unwrap().unwrap() {
            CanState::ErrorActive => "ERROR-ACTIVE",
            CanState::ErrorWarning => "ERROR-WARNING",
            CanState::ErrorPassive => "ERROR-PASSIVE",
            CanState::BusOff => "BUS-OFF",
            CanState::Stopped => "STOPPED",
            CanState::Sleeping => "SLEEPING",
            s => panic!("{name}: state {s:?}"),
        };
        assert_eq!(ip["state"], state, "{name}: state");
        // The modes, as iproute2 names them (`LISTEN-ONLY`; `FD_NON_ISO` is `NON-ISO`).
        let names = |m: CanCtrlMode| -> Vec<String> {
            m.iter_names()
                .map(|(n, _)| match n {
                    "FD_NON_ISO" => "NON-ISO".to_string(),
                    n => n.replace('_', "-"),
                })
                .collect()
        };
        let ip_names = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        if let Some(s) = link.ctrl_mode_supported().unwrap() {
            assert_eq!(
                ip_names(&ip["ctrlmode_supported"]),
                names(s),
                "{name}: supported"
            );
        }
        let on = link.ctrl_mode().unwrap().unwrap_or_default();
        assert_eq!(ip_names(&ip["ctrlmode"]), names(on), "{name}: modes on");
        if let Some(b) = link.berr_counter().unwrap() {
            assert_eq!(num(&ip["berr_counter"]["tx"]), b.txerr as f64);
            assert_eq!(num(&ip["berr_counter"]["rx"]), b.rxerr as f64);
        }
    }

    /// The two SJA1000 controllers that QEMU's `kvaser_pci` cards give the machines that
    /// have them, on one emulated bus, configured with the library's rtnetlink calls: both
    /// there, of type `ARPHRD_CAN`, down and unconfigured as the init script leaves them;
    /// the driver's refusals named (up without a bit timing, a bit rate it cannot make, a
    /// mode it lacks, a change while up, a restart it does not need); explicit bit timing,
    /// a bit rate with a sample point, `restart-ms` and control modes set and read back,
    /// field by field against iproute2's `ip -details -json`; up, state and error
    /// counters read; then frames cross the bus each way with `CanSocket` and can-utils.
    #[test]
    fn kvaser_pci_controllers_exchange_frames() {
        let _links = hold_guest_links();
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

        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = Rtnl::new(&mut buf).unwrap();
        rtnl.client()
            .socket()
            .set_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        for (n, i) in [(a, ia), (b, ib)] {
            let link = rtnl.can_link(i).unwrap();
            assert!(link.is_can(), "{n}: kind {:?}", link.link().kind());
            assert_eq!(link.link().name().unwrap(), n);
            assert_eq!(link.state().unwrap(), Some(CanState::Stopped), "{n} down");
            let k = link
                .bit_timing_const()
                .unwrap()
                .expect("the SJA1000's constants");
            assert_eq!(
                (
                    k.name(),
                    k.tseg1_min(),
                    k.tseg1_max(),
                    k.tseg2_min(),
                    k.tseg2_max()
                ),
                ("sja1000", 1, 16, 1, 8),
                "{n}'s constants"
            );
            assert_eq!(
                (k.sjw_max(), k.brp_min(), k.brp_max(), k.brp_inc()),
                (4, 1, 64, 1)
            );
            assert_eq!(link.clock().unwrap(), Some(8_000_000), "{n}'s clock");
            let supported = link.ctrl_mode_supported().unwrap();
            println!("{n}: supported modes {supported:?}");
            // IFLA_CAN_CTRLMODE_EXT came with Linux 5.17: from it on, the modes are there.
            assert!(supported.is_some() || kernel_before(5, 17), "{n}");
            if let Some(s) = supported {
                assert!(s.contains(SJA1000_MODES), "{n}: {s:?}");
                assert!(!s.contains(CanCtrlMode::FD), "{n}: {s:?}");
            }
            // A controller refuses to go up before it has a bit timing.
            let r = rtnl.set_up(i);
            refused(&rtnl, r, CanRefusal::Invalid, "up without a bit timing");
            // 3 Mbit/s: more than 8 MHz can make.
            let r = rtnl.set_can(i, &CanConfig::new().bitrate(3_000_000));
            refused(&rtnl, r, CanRefusal::BitrateUnreachable, "bitrate 3000000");
            // CAN FD: not an SJA1000's.
            let r = rtnl.set_can(i, &CanConfig::new().ctrl_mode(CanCtrlMode::FD, true));
            refused(&rtnl, r, CanRefusal::Unsupported, "fd on");
        }
        // A link that does not exist.
        let e = rtnl.can_link(u32::MAX >> 1).unwrap_err();
        assert!(e.is_no_such_interface(), "{e}");

        // a: explicit bit timing (no bit rate: the kernel computes it), restart-ms, and
        // every mode the SJA1000 has, on, read back, then off again.
        let explicit = CanBitTiming {
            bitrate: 0,
            sample_point: 0,
            brp: 0,
            ..T500K
        };
        rtnl.set_can(
            ia,
            &CanConfig::new()
                .bit_timing(explicit)
                .restart_ms(100)
                .ctrl_mode(SJA1000_MODES, true),
        )
        .unwrap_or_else(|e| panic!("{a}: {e} {:?}", rtnl.client().ext_ack_message()));
        let link = rtnl.can_link(ia).unwrap();
        assert_eq!(
            link.bit_timing().unwrap(),
            Some(T500K),
            "{a}: explicit timing"
        );
        assert_eq!(link.restart_ms().unwrap(), Some(100));
        assert_eq!(
            link.ctrl_mode().unwrap(),
            Some(SJA1000_MODES),
            "{a}: modes on"
        );
        rtnl.set_can(ia, &CanConfig::new().ctrl_mode(SJA1000_MODES, false))
            .unwrap();
        let link = rtnl.can_link(ia).unwrap();
        assert_eq!(link.ctrl_mode().unwrap(), Some(CanCtrlMode::empty()));
        assert_eq!(link.restart_ms().unwrap(), Some(100), "kept");
        // b: a bit rate and a sample point; the driver computes the same timing.
        rtnl.set_can(
            ib,
            &CanConfig::new()
                .bit_timing(CanBitTiming::from_bitrate(500_000).with_sample_point(875)),
        )
        .unwrap();
        assert_eq!(
            rtnl.can_link(ib).unwrap().bit_timing().unwrap(),
            Some(T500K)
        );

        for (n, i) in [(a, ia), (b, ib)] {
            rtnl.set_up(i).unwrap_or_else(|e| panic!("{n} up: {e}"));
            let link = rtnl.can_link(i).unwrap();
            assert!(link.link().flags().contains(LinkFlags::UP));
            assert_eq!(link.state().unwrap(), Some(CanState::ErrorActive), "{n}");
            let berr = link
                .berr_counter()
                .unwrap()
                .expect("the SJA1000 reads its counters");
            assert_eq!((berr.txerr, berr.rxerr), (0, 0), "{n}");
            let stats = link.device_stats().unwrap().expect("device statistics");
            assert_eq!(stats.bus_off, 0, "{n}: {stats:?}");
            println!("{n}: {:?} {berr:?} {stats:?}", link.bit_timing().unwrap());
            same_as_ip(&link, n);
            // A timing change while up: refused.
            let r = rtnl.set_can(i, &CanConfig::new().bitrate(250_000));
            refused(&rtnl, r, CanRefusal::Busy, "bitrate while up");
        }
        // A manual restart: only of a controller that is bus-off without automatic restart.
        let r = rtnl.restart_can(ib);
        refused(&rtnl, r, CanRefusal::Busy, "restart while error-active");
        let r = rtnl.restart_can(ia);
        refused(&rtnl, r, CanRefusal::Invalid, "restart with restart-ms set");

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

        // can-utils' cansend on a, our socket on b.
        let sent = Command::new("cansend")
            .args([a, "1FFFFFFF#11"])
            .status()
            .expect("cansend");
        assert!(sent.success());
        let (got, _) = sb.recv_from().unwrap();
        let want = CanFrame::new(CanId::extended(0x1fff_ffff).unwrap(), &[0x11]).unwrap();
        assert_eq!(got, CanAnyFrame::Classic(want));
        // Our socket on a, can-utils' candump on b: sent until candump has its one frame.
        let mut dump = Command::new("candump")
            .args(["-L", "-n", "1", b])
            .stdout(Stdio::piped())
            .spawn()
            .expect("candump");
        let deadline = Instant::now() + Duration::from_secs(20);
        while dump.try_wait().unwrap().is_none() && Instant::now() < deadline {
            sa.send(&standard).unwrap();
            std::thread::sleep(Duration::from_millis(200));
        }
        let (code, line) = reap(&mut dump, deadline);
        assert_eq!(code, Some(0), "candump: {line}");
        assert!(
            line.trim_end().ends_with(&format!("{b} 123#DEADBEEF")),
            "{line}"
        );
        println!("cansend {a} -> us; us -> candump {b}: {}", line.trim_end());

        // Left as found: down (the bit timing stays), no automatic restart.
        for i in [ia, ib] {
            rtnl.set_down(i).unwrap();
        }
        rtnl.set_can(ia, &CanConfig::new().restart_ms(0)).unwrap();
        assert_eq!(
            rtnl.can_link(ia).unwrap().state().unwrap(),
            Some(CanState::Stopped)
        );

        // The static `ip`-like tool (`nostd-ip`) sets a controller's bit timing too, read
        // back here; it is refused while the controller is up.
        let Some(path) = program("BARESOCK_NOSTD_IP") else {
            panic!("BARESOCK_NOSTD_IP is not set: the VM's init sets it");
        };
        let can = a;
        let index = ia;
        super::nostd_ip::ok(&path, &["link", "set", "dev", can, "down"]);
        super::nostd_ip::ok(
            &path,
            &[
                "link",
                "set",
                "dev",
                can,
                "type",
                "can",
                "bitrate",
                "250000",
                "sample-point",
                "0.875",
                "restart-ms",
                "0",
            ],
        );
        super::nostd_ip::ok(
            &path,
            &[
                "link", "set", "dev", can, "type", "can", "bitrate", "500000",
            ],
        );
        let t = rtnl.can_link(index).unwrap().bit_timing().unwrap().unwrap();
        assert_eq!(t.bitrate, 500_000, "{t:?}");
        super::nostd_ip::ok(&path, &["link", "set", "dev", can, "up"]);
        let (code, said) = super::nostd_ip::ip(
            &path,
            &[
                "link", "set", "dev", can, "type", "can", "bitrate", "125000",
            ],
        );
        assert_eq!(code, Some(1), "a change while up: {said}");
        assert!(said.contains("EBUSY"), "{said}");
        super::nostd_ip::ok(&path, &["link", "set", "dev", can, "down"]);
    }
}

#[cfg(feature = "netlink")]
mod nostd_ip {
    use super::*;
    use baresock::netlink::route::*;
    use baresock::netlink::RECOMMENDED_BUFFER;
    use baresock::Family;
    use std::net::IpAddr;

    /// The veth pair the test makes (a dummy would do, but the hosts' containers lack the
    /// module: this way the test runs in a namespace of their own too), and the vcan of the
    /// refusal.
    const LINK: &str = "nip-veth0";
    const PEER: &str = "nip-veth1";
    const VCAN: &str = "nip-vcan0";

    /// Runs the tool with `args`: its exit code (`None`: killed at the limit) and output.
    pub(super) fn ip(path: &str, args: &[&str]) -> (Option<i32>, String) {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let mut child = spawn(path, &args);
        let (code, said) = reap(&mut child, Instant::now() + Duration::from_secs(20));
        println!("$ nostd-ip {}: {code:?}\n{said}", args.join(" "));
        (code, said)
    }

    /// Runs the tool with `args`, which must succeed; returns what it printed.
    pub(super) fn ok(path: &str, args: &[&str]) -> String {
        let (code, said) = ip(path, args);
        assert_eq!(code, Some(0), "nostd-ip {args:?}: {said}");
        said
    }

    /// Deletes the links of this test, whatever state an earlier failure left.
    fn clean(rtnl: &mut Rtnl<'_>) {
        for name in [LINK, VCAN] {
            let _ = rtnl.delete_link_by_name(name);
        }
    }

    /// The line the tool prints for `link`, built from the library's view: `INDEX: NAME: <`
    /// and ` mtu MTU`, the flags `UP` and `LOOPBACK` where the link has them.
    fn check_line(line: &str, link: &Link<'_>) {
        let name = link.name().unwrap();
        let head = format!("{}: {name}: <", link.index());
        assert!(line.starts_with(&head), "{line:?} for {head:?}");
        if let Some(mtu) = link.mtu().unwrap() {
            assert!(
                line.contains(&format!("> mtu {mtu}")),
                "{line:?}: mtu {mtu}"
            );
        }
        let flags = &line[head.len()..line.find('>').unwrap()];
        let names: Vec<&str> = flags.split(',').collect();
        let f = link.flags();
        assert_eq!(names.contains(&"UP"), f.contains(LinkFlags::UP), "{line:?}");
        assert_eq!(
            names.contains(&"LOOPBACK"),
            f.contains(LinkFlags::LOOPBACK),
            "{line:?}"
        );
    }

    /// The `#![no_std]` `ip`-like tool in the guest's kernel, each command's effect read back
    /// through the library: `link show` line by line against the library's dump (and `dev`
    /// against `link_by_name`), `link set dev up/mtu` on a veth link, `address add` (IPv4
    /// and IPv6), `route add` (a prefix via a gateway, a prefix on a device); `type can
    /// bitrate 500000` on the first kvaser_pci controller where the VM has them, read back
    /// from its bit timing, and its refusal of a vcan (`not a CAN controller`) everywhere;
    /// usage errors exit 2, an unknown device 1 with the kernel's error.
    #[test]
    fn vm_smoke_nostd_ip() {
        let Some(path) = program("BARESOCK_NOSTD_IP") else {
            skip!(
                "BARESOCK_NOSTD_IP is not set (the VM's init sets it; natively and under \
                 qemu-user the xtask runs the tool itself)"
            );
        };
        let _links = hold_guest_links();
        usage_exits_2(&path);
        for bad in [
            &["link", "frob"][..],
            &["address", "add", "192.0.2.1/33", "dev", "lo"],
            &["route", "add", "default"],
            &[
                "link",
                "set",
                "dev",
                "lo",
                "type",
                "can",
                "sample-point",
                "0.875",
            ],
        ] {
            assert_eq!(ip(&path, bad).0, Some(2), "{bad:?}");
        }
        let (code, said) = ip(&path, &["link", "show", "dev", "nip-nothing"]);
        assert_eq!(code, Some(1));
        assert!(said.contains("ENODEV"), "{said}");

        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = Rtnl::new(&mut buf).unwrap();
        clean(&mut rtnl);
        rtnl.new_link(&NewLink::veth(LINK, PEER)).unwrap();

        // link show: one line per link of the library's dump, in its order.
        let shown = ok(&path, &["link", "show"]);
        let lines: Vec<&str> = shown.lines().collect();
        let mut links = rtnl.links().unwrap();
        let mut n = 0;
        while let Some(link) = links.next().unwrap() {
            let line = lines
                .get(n)
                .unwrap_or_else(|| panic!("no line {n}: {shown}"));
            check_line(line, &link);
            n += 1;
        }
        assert_eq!(lines.len(), n, "{shown}");
        let one = ok(&path, &["link", "show", "dev", "lo"]);
        check_line(one.trim_end(), &rtnl.link_by_name("lo").unwrap());

        // link set: up with an MTU, then down.
        ok(&path, &["link", "set", "dev", LINK, "up", "mtu", "1280"]);
        let link = rtnl.link_by_name(LINK).unwrap();
        assert!(link.flags().contains(LinkFlags::UP));
        assert_eq!(link.mtu().unwrap(), Some(1280));
        let index = link.index();
        let line = ok(&path, &["link", "show", "dev", LINK]);
        check_line(line.trim_end(), &rtnl.link_by_name(LINK).unwrap());

        // address add.
        ok(&path, &["address", "add", "192.0.2.1/24", "dev", LINK]);
        ok(&path, &["addr", "add", "2001:db8:5::1/64", "dev", LINK]);
        let mut found = Vec::new();
        let mut addrs = rtnl.addresses(None, Some(index)).unwrap();
        while let Some(a) = addrs.next().unwrap() {
            found.push((a.ip_addr().unwrap(), a.prefix_len()));
        }
        for want in [
            ("192.0.2.1".parse::<IpAddr>().unwrap(), 24),
            ("2001:db8:5::1".parse().unwrap(), 64),
        ] {
            assert!(found.contains(&want), "{want:?} not in {found:?}");
        }
        let (code, said) = ip(&path, &["address", "add", "192.0.2.1/24", "dev", LINK]);
        assert_eq!(code, Some(1));
        assert!(said.contains("EEXIST"), "{said}");

        // route add: via a gateway on the link's subnet, and on the device.
        ok(
            &path,
            &["route", "add", "198.51.100.0/24", "via", "192.0.2.2"],
        );
        ok(&path, &["route", "add", "203.0.113.0/25", "dev", LINK]);
        let mut found = Vec::new();
        let mut routes = rtnl.routes(Some(Family::INET), RouteTable::MAIN).unwrap();
        while let Some(r) = routes.next().unwrap() {
            if r.output_interface().unwrap() == Some(index) {
                found.push((
                    r.destination().unwrap(),
                    r.prefix_len(),
                    r.gateway().unwrap(),
                ));
            }
        }
        for want in [
            (
                Some("198.51.100.0".parse::<IpAddr>().unwrap()),
                24,
                Some("192.0.2.2".parse().unwrap()),
            ),
            (Some("203.0.113.0".parse().unwrap()), 25, None),
        ] {
            assert!(found.contains(&want), "{want:?} not in {found:?}");
        }
        ok(&path, &["link", "set", "dev", LINK, "down"]);
        assert!(!rtnl
            .link_by_name(LINK)
            .unwrap()
            .flags()
            .contains(LinkFlags::UP));

        // type can: a vcan has no bit timing.
        rtnl.new_link(&NewLink::vcan(VCAN)).unwrap();
        let (code, said) = ip(
            &path,
            &[
                "link", "set", "dev", VCAN, "type", "can", "bitrate", "500000",
            ],
        );
        assert_eq!(code, Some(1), "{said}");
        assert!(said.contains("not a CAN controller"), "{said}");
        clean(&mut rtnl);

        // `type can bitrate` on a real controller: in the kvaser test, which owns the
        // controllers (tests run at once; it checks each starts with no bit timing).
    }
}
