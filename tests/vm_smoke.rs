//! Smoke tests for the socket families that need a real kernel and root: AF_CAN on vcan0
//! (also against can-utils), AF_PACKET on a veth pair, SOCK_RAW ICMP, through the library's
//! own API. Each prints `skipped: <reason>` and passes where its prerequisite is missing (not
//! root, no CAN in this kernel, qemu-user), and asserts real things where it runs. The VM
//! tier of `cargo xtask test` boots a kernel of each architecture that has all of them, and
//! fails any `vm_smoke_*` test that skips there (and any other test that skips there for a
//! reason not on its allow-list).

mod common;

use std::net::{IpAddr, Ipv4Addr};
#[cfg(feature = "can")]
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[cfg(feature = "can")]
use baresock::can::*;
use baresock::packet::*;
use baresock::*;
use common::*;

fn index(name: &[u8]) -> Option<u32> {
    interface_index(name).ok()
}

#[cfg(feature = "can")]
#[test]
fn vm_smoke_can_raw_round_trip() {
    if !is_root() {
        skip!("needs root");
    }
    if under_qemu_user() && cfg!(target_endian = "big") {
        skip!("qemu-user does not byte-swap sockaddr_can for big-endian guests");
    }
    let rx = match CanSocket::new() {
        Ok(s) => s,
        Err(e) => skip!("no AF_CAN / CAN_RAW in this kernel ({e})"),
    };
    let (vcan0, vcan1) = match vcan_buses() {
        Ok(pair) => pair,
        Err(why) => skip!("{why}"),
    };
    rx.bind(vcan0).unwrap();
    rx.set_timeout(Some(Duration::from_secs(5))).unwrap();
    let tx = CanSocket::new().unwrap();
    tx.bind(vcan0).unwrap();
    let other = Some(vcan1).map(|i| {
        let s = CanSocket::new().unwrap();
        s.bind(i).unwrap();
        s.set_timeout(Some(Duration::from_millis(200))).unwrap();
        s
    });

    let standard =
        CanFrame::new(CanId::standard(0x123).unwrap(), &[0xde, 0xad, 0xbe, 0xef]).unwrap();
    let extended = CanFrame::new(
        CanId::extended(0x1abc_def0).unwrap(),
        &[1, 2, 3, 4, 5, 6, 7, 8],
    )
    .unwrap();
    tx.send(&standard).unwrap();
    tx.send(&extended).unwrap();
    // The raw bytes first: can_id in host byte order (big-endian on s390x), EFF flag set.
    let mut raw = [0u8; CANFD_MTU];
    assert_eq!(rx.as_socket().recv(&mut raw).unwrap(), CAN_MTU);
    assert_eq!(&raw[..4], &0x123u32.to_ne_bytes());
    assert_eq!(raw[4], 4);
    let (frame, ifindex) = rx.recv_from().unwrap();
    assert_eq!((frame, ifindex), (CanAnyFrame::Classic(extended), vcan0));
    if let Some(s) = other {
        assert_eq!(
            s.recv().unwrap_err(),
            Error::Timeout,
            "nothing crosses to vcan1"
        );
    }
}

/// Set by the VM tier's init (`qemu/init`), whose initramfs ships can-utils.
#[cfg(feature = "can")]
fn in_vm() -> bool {
    std::env::var_os("BARESOCK_VM").is_some_and(|v| v == "1")
}

/// `program` in a directory of `PATH`.
#[cfg(feature = "can")]
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Interop with can-utils, the reference user space for SocketCAN: a frame `cansend` writes
/// arrives on a baresock socket, and one baresock sends shows up in `candump` as can-utils'
/// own text.
#[cfg(feature = "can")]
#[test]
fn vm_smoke_can_utils() {
    if !is_root() {
        skip!("needs root");
    }
    if under_qemu_user() {
        skip!("can-utils would run on the host kernel, outside qemu-user");
    }
    let rx = match CanSocket::new() {
        Ok(s) => s,
        Err(e) => skip!("no AF_CAN / CAN_RAW in this kernel ({e})"),
    };
    let vcan0 = match vcan_buses() {
        Ok((vcan0, _)) => vcan0,
        Err(why) => skip!("{why}"),
    };
    // The VM ships them all (qemu/README.md); a missing one there is a broken initramfs.
    let tools = [
        "cansend",
        "candump",
        "cangen",
        "isotpsend",
        "isotprecv",
        "isotpdump",
        "j1939cat",
        "testj1939",
    ];
    let missing: Vec<&str> = tools.into_iter().filter(|t| !on_path(t)).collect();
    if !missing.is_empty() {
        assert!(!in_vm(), "the VM has no {missing:?} on PATH");
        skip!("can-utils not installed (no {missing:?} on PATH)");
    }

    // cansend -> baresock. Only 0x123 passes the filter, whatever else is on the bus.
    let id = CanId::standard(0x123).unwrap();
    rx.bind(vcan0).unwrap();
    rx.set_filters(&[CanFilter::exact(id)]).unwrap();
    rx.set_timeout(Some(Duration::from_secs(10))).unwrap();
    let sent = Command::new("cansend")
        .args(["vcan0", "123#DEADBEEF"])
        .output()
        .unwrap();
    assert!(sent.status.success(), "cansend: {sent:?}");
    let expected = CanFrame::new(id, &[0xde, 0xad, 0xbe, 0xef]).unwrap();
    assert_eq!(rx.recv().unwrap(), CanAnyFrame::Classic(expected));

    // baresock -> candump. candump says nothing when it is ready: send once every 100 ms
    // until it has taken one frame and exited (`-n 1`). Its filter (id 0x321, standard
    // frames) keeps other tests' frames out when tests run in parallel outside the VM.
    let mut dump = Command::new("candump")
        .args(["-L", "-n", "1", "vcan0,321:7FF"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let tx = CanSocket::new().unwrap();
    tx.bind(vcan0).unwrap();
    let frame = CanFrame::new(CanId::standard(0x321).unwrap(), &[0xc0, 0xff, 0xee, 0, 1]).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while dump.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = dump.kill();
            panic!(
                "candump -n 1 took no frame in 20 s: {:?}",
                dump.wait_with_output()
            );
        }
        tx.send(&frame).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = dump.wait_with_output().unwrap();
    assert!(out.status.success(), "candump: {out:?}");
    // Log format: `(<seconds>.<microseconds>) vcan0 321#C0FFEE0001`.
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().next().unwrap_or("");
    let (stamp, rest) = line.split_once(") ").unwrap_or(("", line));
    let secs = stamp.strip_prefix('(').unwrap_or("");
    assert!(
        secs.split_once('.')
            .is_some_and(|(s, us)| s.parse::<u64>().is_ok() && us.len() == 6),
        "candump's time stamp in {line:?}"
    );
    assert_eq!(rest, "vcan0 321#C0FFEE0001");
    assert_eq!(
        rest,
        format!("vcan0 {frame}"),
        "baresock's Display is can-utils' syntax"
    );
}

#[test]
fn vm_smoke_packet_on_veth_pair() {
    let r = in_netns_with_veth(|| {
        const PROTO: u16 = ether::EXPERIMENTAL;
        let (i0, i1) = (index(b"bs0").unwrap(), index(b"bs1").unwrap());
        let rx = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
        rx.bind(LinkAddr::new(i1, PROTO)).unwrap();
        rx.set_timeout(Some(Duration::from_secs(5))).unwrap();
        let tx = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
        tx.bind(LinkAddr::new(i0, PROTO)).unwrap();
        let src = tx.local_addr().unwrap();
        let mut frame = vec![0xff; 6];
        frame.extend_from_slice(src.address());
        frame.extend_from_slice(&PROTO.to_be_bytes());
        frame.extend_from_slice(&[0x5a; 50]);
        tx.send(&frame).unwrap();
        let mut buf = [0u8; 1514];
        let (n, from) = rx.recv_from(&mut buf).unwrap();
        assert_eq!(&buf[..n], &frame[..]);
        assert_eq!(
            (from.ifindex(), from.protocol(), from.packet_type()),
            (i1, PROTO, PacketType::Broadcast)
        );
        assert_eq!(from.address(), src.address());
    });
    if let Err(why) = r {
        skip!("{why}");
    }
}

#[test]
fn vm_smoke_raw_icmp_echo() {
    if !is_root() {
        skip!("needs root (CAP_NET_RAW)");
    }
    let s = RawSocket::new(Family::INET, Protocol::ICMP).unwrap();
    let (id, seq) = ((std::process::id() as u16) ^ 0x5a5a, 7u16);
    let payload = b"baresock vm smoke: raw ICMP";
    let mut echo = vec![8, 0, 0, 0];
    echo.extend_from_slice(&id.to_be_bytes());
    echo.extend_from_slice(&seq.to_be_bytes());
    echo.extend_from_slice(payload);
    let sum = checksum(&echo);
    echo[2..4].copy_from_slice(&sum.to_be_bytes());
    assert_eq!(
        s.send_to(&echo, Ipv4Addr::LOCALHOST.into()).unwrap(),
        echo.len()
    );
    // A raw ICMP socket sees every ICMP packet, our own request too: wait for the reply.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut buf = [0u8; 1500];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(!left.is_zero(), "no ICMP echo reply from 127.0.0.1 in 5 s");
        s.set_timeout(Some(left)).unwrap();
        let (n, from) = s.recv_from(&mut buf).unwrap();
        let ihl = usize::from(buf[0] & 0x0f) * 4;
        let icmp = &buf[ihl..n];
        if icmp.len() < 8 || icmp[0] != 0 || icmp[4..6] != id.to_be_bytes() {
            continue; // our own request, or someone else's traffic
        }
        assert_eq!(
            (icmp[1], &icmp[6..8], &icmp[8..]),
            (0, &seq.to_be_bytes()[..], &payload[..])
        );
        assert_eq!(checksum(icmp), 0, "reply checksum");
        assert_eq!(from, IpAddr::V4(Ipv4Addr::LOCALHOST));
        break;
    }
}
