//! Interop with can-utils, both ways, on vcan in a namespace of its own: cansend and candump,
//! a BCM cyclic transmission counted by candump, isotpsend/isotprecv, testj1939/j1939cat. Runs where
//! there are CAN, root and can-utils (the VMs, where `cargo xtask test` puts can-utils in the
//! guest); in the VM a missing tool fails the test, elsewhere it is a skip.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use baresock::can::*;
use baresock::*;
use common::*;

/// Whether the can-utils are here; in the VM they must be.
fn tools() -> Result<(), String> {
    match Command::new("cansend")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(_) => Ok(()),
        Err(e) if std::env::var_os("BARESOCK_VM").is_some() => {
            panic!("can-utils must be in the VM: cansend: {e}")
        }
        Err(e) => Err(format!("no can-utils here (cansend: {e})")),
    }
}

macro_rules! interop_test {
    ($name:ident, $body:expr) => {
        #[test]
        fn $name() {
            if let Err(why) = tools() {
                skip!("{why}");
            }
            if let Err(why) = in_netns_with_vcan($body) {
                skip!("{why}");
            }
        }
    };
}

/// A child process killed when dropped, with its stdout read by a thread.
struct Tool {
    child: Child,
}

impl Drop for Tool {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(cmd: &str, args: &[&str]) -> (Tool, std::process::ChildStdout) {
    let mut child = Command::new(cmd)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    let out = child.stdout.take().unwrap();
    (Tool { child }, out)
}

/// Runs a tool to its end, with `input` on stdin; panics on failure.
fn run(cmd: &str, args: &[&str], input: &[u8]) {
    let mut child = Command::new(cmd)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}: {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Lines of a child's stdout, as they come.
fn lines(out: std::process::ChildStdout) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn bound(ifname: &str) -> CanSocket {
    let s = CanSocket::new().unwrap();
    s.bind(can_index(ifname)).unwrap();
    s.set_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

const LIMIT: Duration = Duration::from_secs(20);

/// can-utils' candump on `vc0` in log format, ready (see [`ready`]).
fn candump() -> (Tool, Receiver<String>) {
    ready("candump", &["-L", "vc0"])
}

/// The frame part of a `candump -L` line: `(1700000000.123456) vc0 123#DEADBEEF` gives
/// `123#DEADBEEF`, after checking the timestamp and interface.
fn frame_of(line: &str) -> &str {
    frame_on(line, "vc0")
}

/// [`frame_of`] for a line of interface `ifname`.
fn frame_on<'a>(line: &'a str, ifname: &str) -> &'a str {
    let mut parts = line.split(' ');
    let ts = parts.next().unwrap();
    assert!(
        ts.starts_with('(') && ts.ends_with(')') && ts.contains('.'),
        "{line}"
    );
    assert_eq!(parts.next(), Some(ifname), "{line}");
    parts.next().unwrap()
}

interop_test!(cansend_frames_arrive_here, || {
    let rx = bound("vc0");
    let fd = bound("vcfd");
    fd.set_fd_frames(true).unwrap();
    run("cansend", &["vc0", "123#DEADBEEF"], b"");
    assert_eq!(
        rx.recv().unwrap(),
        CanAnyFrame::Classic(
            CanFrame::new(CanId::standard(0x123).unwrap(), &[0xde, 0xad, 0xbe, 0xef]).unwrap()
        )
    );
    run("cansend", &["vc0", "1ABCDEF0#R"], b"");
    assert_eq!(
        rx.recv().unwrap(),
        CanAnyFrame::Classic(CanFrame::remote(CanId::extended(0x1abc_def0).unwrap(), 0).unwrap())
    );
    run("cansend", &["vc0", "001#"], b"");
    assert_eq!(
        rx.recv().unwrap(),
        CanAnyFrame::Classic(CanFrame::new(CanId::standard(1).unwrap(), &[]).unwrap())
    );
    // FD, bit rate switch set (the flags nibble after `##`).
    run("cansend", &["vcfd", "123##1112233"], b"");
    let want = CanFdFrame::new(CanId::standard(0x123).unwrap(), &[0x11, 0x22, 0x33])
        .unwrap()
        .with_bit_rate_switch(true);
    assert_eq!(fd.recv().unwrap(), CanAnyFrame::Fd(want));
});

interop_test!(candump_prints_what_we_send, || {
    let (_tool, lines) = candump();
    let tx = bound("vc0");
    let frames = [
        CanFrame::new(CanId::standard(0x123).unwrap(), &[0xde, 0xad, 0xbe, 0xef]).unwrap(),
        CanFrame::new(
            CanId::extended(0x1234_5678).unwrap(),
            &[1, 2, 3, 4, 5, 6, 7, 8],
        )
        .unwrap(),
        CanFrame::remote(CanId::standard(0x42).unwrap(), 0).unwrap(),
        CanFrame::new(CanId::standard(0).unwrap(), &[]).unwrap(),
    ];
    for f in &frames {
        tx.send(f).unwrap();
    }
    for f in &frames {
        let line = lines.recv_timeout(LIMIT).expect("candump's line");
        // Our Display is can-utils' own syntax.
        assert_eq!(frame_of(&line), f.to_string());
    }
});

interop_test!(a_bcm_cyclic_transmission_counted_by_candump, || {
    let (_tool, lines) = candump();
    let bcm = BcmSocket::new().unwrap();
    bcm.connect(can_index("vc0")).unwrap();
    let id = CanId::standard(0x321).unwrap();
    let f = CanFrame::new(id, &[0xca, 0xfe]).unwrap();
    let head = BcmHead::cyclic(id, 5, Duration::from_millis(20), Duration::ZERO);
    let mut buf = [0u8; bcm_message_len(1, false)];
    bcm.send(&head, BcmFrames::Classic(&[f]), &mut buf).unwrap();
    let mut times = Vec::new();
    for _ in 0..5 {
        let line = lines.recv_timeout(LIMIT).expect("a cyclic frame");
        assert_eq!(frame_of(&line), "321#CAFE");
        let ts: f64 = line[1..line.find(')').unwrap()].parse().unwrap();
        times.push(ts);
    }
    // Then no sixth: the count ran out and ival2 is zero.
    assert_eq!(
        lines.recv_timeout(Duration::from_millis(500)).ok(),
        None,
        "more than the count"
    );
    // The kernel kept the interval: four gaps of about 20 ms (loose: TCG is slow).
    let span = times[4] - times[0];
    assert!(span >= 0.075, "5 frames 20 ms apart span {span} s");
});

interop_test!(isotp_both_ways_with_isotpsend_and_isotprecv, || {
    // isotpsend (tx 0x7e0, rx 0x7e8) to us (rx 0x7e0, tx 0x7e8): 100 bytes, so with flow
    // control from our side.
    let us = IsoTpSocket::new().unwrap();
    us.set_options(&IsoTpOptions {
        flags: IsoTpFlags::WAIT_TX_DONE,
        ..IsoTpOptions::default()
    })
    .unwrap();
    us.bind(
        can_index("vc0"),
        CanId::standard(0x7e0).unwrap(),
        CanId::standard(0x7e8).unwrap(),
    )
    .unwrap();
    us.set_timeout(Some(Duration::from_secs(10))).unwrap();
    let data: Vec<u8> = (0..100u8).collect();
    let hex: Vec<String> = data.iter().map(|b| format!("{b:02X}")).collect();
    run(
        "isotpsend",
        &["-s", "7e0", "-d", "7e8", "vc0"],
        hex.join(" ").as_bytes(),
    );
    let mut buf = [0u8; 4095];
    let n = us.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], &data[..]);

    // Us to isotprecv: retried until isotprecv is listening (our send fails while nobody
    // answers with flow control).
    let (_tool, out) = spawn("isotprecv", &["-s", "7e0", "-d", "7e8", "vc0"]);
    let lines = lines(out);
    let msg: Vec<u8> = (0..200u32).map(|i| (i * 3) as u8).collect();
    let start = Instant::now();
    while let Err(e) = us.send(&msg) {
        assert!(start.elapsed() < LIMIT, "isotprecv never answered: {e}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let line = lines.recv_timeout(LIMIT).expect("isotprecv's line");
    let got: Vec<u8> = line
        .split_whitespace()
        .map(|h| u8::from_str_radix(h, 16).unwrap())
        .collect();
    assert_eq!(got, msg);
});

interop_test!(j1939_both_ways_with_testj1939_and_j1939cat, || {
    // testj1939 from 0x80 to us at 0x90, PGN 0x12300: 100 bytes of its test pattern (its most
    // is 128), by the
    // transport protocol. (j1939cat 2020.11 cannot send here: its 100-byte control buffer
    // is too small for this kernel's error-queue messages, "recvmsg error notification:
    // truncated".)
    let us = J1939Socket::new().unwrap();
    us.bind(can_index("vc0"), J1939_NO_NAME, J1939_NO_PGN, 0x90)
        .unwrap();
    us.set_timeout(Some(Duration::from_secs(10))).unwrap();
    let data: Vec<u8> = (0..100usize)
        .map(|j| (((2 * j) << 4) + ((2 * j + 1) & 0xf)) as u8)
        .collect();
    // -w keeps its socket open a second after sending, while the session runs.
    run(
        "testj1939",
        &["-s100", "-w1", "vc0:0x80", ":0x90,0x12300"],
        b"",
    );
    let mut buf = [0u8; 2048];
    let (n, meta) = us.recv_from(&mut buf).unwrap();
    assert_eq!((meta.source_addr, meta.pgn), (0x80, 0x12300));
    assert_eq!(&buf[..n], &data[..]);

    // Us to `j1939cat -r` at 0xa0: single frames until it listens, then 300 bytes by TP.
    let (_tool, mut out) = spawn("j1939cat", &["-r", "vc0:0xa0"]);
    let (tx, got) = channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n) = out.read(&mut chunk) {
            if n == 0 || tx.send(chunk[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let sync = [0xaa; 8];
    let start = Instant::now();
    loop {
        assert!(start.elapsed() < LIMIT, "j1939cat never received");
        us.send_to(&sync, 0x12300, 0xa0).unwrap();
        if got.recv_timeout(Duration::from_millis(200)).is_ok() {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    while got.try_recv().is_ok() {}
    let msg: Vec<u8> = (0..300u32).map(|i| (i * 5 + 1) as u8).collect();
    us.send_to(&msg, 0x12300, 0xa0).unwrap();
    let mut all = Vec::new();
    while all.len() < msg.len() {
        all.extend(got.recv_timeout(LIMIT).expect("j1939cat's output"));
    }
    // Sync frames still in flight come first, whole.
    let tail = &all[all.len() - msg.len()..];
    assert_eq!(tail, &msg[..]);
    assert!(all[..all.len() - msg.len()].iter().all(|&b| b == 0xaa));
});

/// One of this crate's examples, built for the guest by `cargo xtask test` (in `/examples`).
fn example(name: &str) -> Option<String> {
    let p = format!("/examples/{name}");
    if std::path::Path::new(&p).exists() {
        Some(p)
    } else if std::env::var_os("BARESOCK_VM").is_some() {
        panic!("{p} must be in the VM")
    } else {
        None
    }
}

/// Starts a candump-like command on vc0 and waits until it is listening: a sync frame
/// (0x7ff) is sent until it prints one; the syncs still in flight are then read past.
fn ready(cmd: &str, args: &[&str]) -> (Tool, Receiver<String>) {
    ready_on(cmd, args, "vc0")
}

/// [`ready`] on interface `ifname`, for `candump -L` lines.
fn ready_on(cmd: &str, args: &[&str], ifname: &str) -> (Tool, Receiver<String>) {
    let sync = format!("{ifname} 7FF#");
    ready_with(cmd, args, ifname, &|l: &str| l.ends_with(&sync))
}

/// [`ready`] with `is_sync` telling a printed sync frame (another output format).
fn ready_with(
    cmd: &str,
    args: &[&str],
    ifname: &str,
    is_sync: &dyn Fn(&str) -> bool,
) -> (Tool, Receiver<String>) {
    let (tool, out) = spawn(cmd, args);
    let lines = lines(out);
    let tx = bound(ifname);
    let sync = CanFrame::new(CanId::standard(0x7ff).unwrap(), &[]).unwrap();
    let start = Instant::now();
    loop {
        assert!(start.elapsed() < LIMIT, "{cmd} never printed a frame");
        tx.send(&sync).unwrap();
        if let Ok(line) = lines.recv_timeout(Duration::from_millis(100)) {
            if is_sync(&line) {
                break;
            }
        }
    }
    while let Ok(line) = lines.recv_timeout(Duration::from_millis(300)) {
        assert!(is_sync(&line), "{line}");
    }
    (tool, lines)
}

/// Lines up to and including the first that `is_last` accepts.
fn lines_until(lines: &Receiver<String>, who: &str, is_last: impl Fn(&str) -> bool) -> Vec<String> {
    let mut got = Vec::new();
    loop {
        let line = lines
            .recv_timeout(LIMIT)
            .unwrap_or_else(|_| panic!("{who} stopped after {got:?}"));
        let last = is_last(&line);
        got.push(line);
        if last {
            return got;
        }
    }
}

/// The frames of `candump -L` lines up to the end marker `7FF#EE`, the marker left out.
fn frames_until_marker(lines: &Receiver<String>, who: &str) -> Vec<String> {
    let mut got: Vec<String> = lines_until(lines, who, |l| l.ends_with(" 7FF#EE"))
        .iter()
        .map(|l| frame_of(l).to_owned())
        .collect();
    got.pop();
    got
}

const MARKER: &str = "7FF#EE";

interop_test!(our_candump_and_cansend_match_can_utils, || {
    let (Some(our_dump), Some(our_send)) = (example("candump"), example("cansend")) else {
        skip!("the candump and cansend examples are put in /examples by the VM tier");
    };
    let (_theirs, their_lines) = ready("candump", &["-L", "vc0"]);
    let (_ours, our_lines) = ready(&our_dump, &["vc0"]);
    // Theirs printed our sync frames too.
    while let Ok(line) = their_lines.recv_timeout(Duration::from_millis(300)) {
        assert!(line.ends_with("vc0 7FF#"), "{line}");
    }
    let frames = ["123#DEADBEEF", "12345678#0102030405060708", "7FF#R", "001#"];
    // Sent by can-utils' cansend, then by ours: both candumps print the same lines.
    for sender in ["cansend", our_send.as_str()] {
        for f in frames {
            run(sender, &["vc0", f], b"");
        }
        for f in frames {
            let theirs = their_lines.recv_timeout(LIMIT).expect("can-utils' candump");
            let ours = our_lines.recv_timeout(LIMIT).expect("our candump");
            assert_eq!(frame_of(&theirs), f, "{sender}");
            assert_eq!(frame_of(&ours), f, "{sender}");
        }
    }
    // CAN FD, on the FD bus: both ways too, flags (BRS, ESI) and lengths up to 64.
    let (_theirs_fd, their_fd) = ready_on("candump", &["-L", "vcfd"], "vcfd");
    let (_ours_fd, our_fd) = ready_on(&our_dump, &["vcfd"], "vcfd");
    while let Ok(line) = their_fd.recv_timeout(Duration::from_millis(300)) {
        assert!(line.ends_with("vcfd 7FF#"), "{line}");
    }
    let sixty_four: String = (0..64u8).map(|b| format!("{b:02X}")).collect();
    let fd_frames = [
        "123##1112233".to_owned(),
        format!("12345678##3{sixty_four}"),
        "7FF##0".to_owned(),
        "001##2DEADBEEFCAFEF00D11223344".to_owned(),
    ];
    for sender in ["cansend", our_send.as_str()] {
        for f in &fd_frames {
            run(sender, &["vcfd", f], b"");
        }
        for f in &fd_frames {
            let theirs = their_fd
                .recv_timeout(LIMIT)
                .expect("can-utils' candump, FD");
            let ours = our_fd.recv_timeout(LIMIT).expect("our candump, FD");
            // candump prints the kernel's flags as they are: from Linux 6.2 on with
            // CANFD_FDF (4), which our Display leaves out (`##` says it).
            assert_eq!(without_fdf(frame_on(&theirs, "vcfd")), *f, "{sender}");
            assert_eq!(frame_on(&ours, "vcfd"), f, "{sender}");
        }
    }
    // A bad frame is refused by name, with the place.
    let out = Command::new(&our_send)
        .args(["vc0", "123#0G"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("at byte 5"),
        "{out:?}"
    );
});

/// An FD frame's text with CANFD_FDF taken out of its flags digit (`123##5AA` gives
/// `123##1AA`); other text as it is.
fn without_fdf(text: &str) -> String {
    match text.split_once("##") {
        Some((id, rest)) if !rest.is_empty() => {
            let flags = u8::from_str_radix(&rest[..1], 16).expect("a flags digit");
            format!("{id}##{:X}{}", flags & !4, &rest[1..])
        }
        _ => text.to_owned(),
    }
}

interop_test!(candump_filters_what_we_send, || {
    let tx = bound("vc0");
    let frames = [
        CanFrame::new(CanId::standard(0x123).unwrap(), &[1]).unwrap(),
        CanFrame::new(CanId::standard(0x124).unwrap(), &[2]).unwrap(),
        CanFrame::new(CanId::extended(0x123).unwrap(), &[3]).unwrap(),
        CanFrame::new(CanId::standard(0x523).unwrap(), &[4]).unwrap(),
        CanFrame::remote(CanId::standard(0x123).unwrap(), 0).unwrap(),
    ];
    let marker = CanFrame::new(CanId::standard(0x7ff).unwrap(), &[0xee]).unwrap();
    assert_eq!(marker.to_string(), MARKER);
    // candump's filters: `id:mask` passes `frame & mask == id & mask`, any format and RTR
    // alike when the mask has no flag bits (7FF:7FF lets the sync and marker frames by);
    // `id~mask` passes the rest.
    let ours = example("candump");
    for (spec, want) in [
        (
            "vc0,123:7FF,7FF:7FF",
            &["123#01", "00000123#03", "123#R"][..],
        ),
        ("vc0,123~7FF", &["124#02", "523#04"][..]),
    ] {
        let (_theirs, their_lines) = ready("candump", &["-L", spec]);
        let mine = ours.as_deref().map(|dump| ready(dump, &[spec]));
        while let Ok(line) = their_lines.recv_timeout(Duration::from_millis(300)) {
            assert!(line.ends_with("vc0 7FF#"), "{line}");
        }
        for f in &frames {
            tx.send(f).unwrap();
        }
        tx.send(&marker).unwrap();
        assert_eq!(frames_until_marker(&their_lines, "candump"), want, "{spec}");
        // Our candump example takes the same filters and prints the same.
        if let Some((_tool, our_lines)) = &mine {
            assert_eq!(
                frames_until_marker(our_lines, "our candump"),
                want,
                "{spec}"
            );
        }
    }
});

interop_test!(our_filters_take_what_cansend_sends, || {
    let socket = |filters: &[CanFilter], join: bool| {
        let s = bound("vc0");
        s.set_join_filters(join).unwrap();
        s.set_filters(filters).unwrap();
        s
    };
    let id = |i| CanId::standard(i).unwrap();
    // 0x123 (data or remote, standard only) and 0x200..=0x2ff; everything but 0x123; and,
    // joined, 0x100..=0x1ff with an odd id (any format, RTR too: no flag bits in the masks).
    let listed = socket(
        &[CanFilter::exact(id(0x123)), CanFilter::raw(0x200, 0x700)],
        false,
    );
    let inverted = socket(&[CanFilter::exact(id(0x123)).inverted()], false);
    let joined = socket(
        &[CanFilter::raw(0x100, 0x700), CanFilter::raw(0x001, 0x001)],
        true,
    );
    let sent = [
        "123#01",
        "124#02",
        "2AB#03",
        "00000123#04",
        "123#R",
        "103#05",
    ];
    for f in sent {
        run("cansend", &["vc0", f], b"");
    }
    for (s, want) in [
        (&listed, &["123#01", "2AB#03", "123#R"][..]),
        (
            &inverted,
            &["124#02", "2AB#03", "00000123#04", "103#05"][..],
        ),
        (&joined, &["123#01", "00000123#04", "123#R", "103#05"][..]),
    ] {
        let mut got = Vec::new();
        for _ in want {
            got.push(s.recv().unwrap().to_string());
        }
        assert_eq!(got, want);
        // And nothing else.
        s.set_timeout(Some(Duration::from_millis(200))).unwrap();
        assert_eq!(s.recv(), Err(Error::Timeout), "after {want:?}");
    }
});

interop_test!(error_frames_from_cansend_arrive_typed, || {
    let rx = bound("vc0");
    rx.set_error_mask(CanErrorClass::CONTROLLER | CanErrorClass::COUNTERS)
        .unwrap();
    let plain = bound("vc0");
    // cansend takes an 8-digit id with CAN_ERR_FLAG as an error frame (can-utils' lib.c):
    // controller problem with error counters; controller TX warning and RX passive.
    run("cansend", &["vc0", "20000204#0018000000006082"], b"");
    match rx.recv().unwrap() {
        CanAnyFrame::Error(e) => {
            assert_eq!(e.class, CanErrorClass::CONTROLLER | CanErrorClass::COUNTERS);
            assert_eq!(
                e.controller,
                CanControllerState::TX_WARNING | CanControllerState::RX_PASSIVE
            );
            assert_eq!(e.counters, Some((0x60, 0x82)));
            assert_eq!(e.to_string(), "20000204#0018000000006082");
        }
        other => panic!("{other:?}"),
    }
    // Back to error active: the state changes.
    run("cansend", &["vc0", "20000004#0040000000000000"], b"");
    match rx.recv().unwrap() {
        CanAnyFrame::Error(e) => {
            assert_eq!(e.controller, CanControllerState::ACTIVE);
            assert_eq!(e.counters, None, "no CAN_ERR_CNT in the class");
        }
        other => panic!("{other:?}"),
    }
    // Bus off is not in the mask; a socket without a mask gets no error frames at all.
    run("cansend", &["vc0", "20000040#0000000000000000"], b"");
    rx.set_timeout(Some(Duration::from_millis(200))).unwrap();
    assert_eq!(rx.recv(), Err(Error::Timeout));
    plain.set_timeout(Some(Duration::from_millis(200))).unwrap();
    assert_eq!(plain.recv(), Err(Error::Timeout));
});

interop_test!(candump_shows_our_error_frames, || {
    // candump -L with an error mask prints error frames in the log format; candump -e
    // decodes them (can-utils 2020.11 does not decode CAN_ERR_CNT as a class, so the class
    // here is the controller's alone; the counters are printed whenever they are not zero).
    let (_log, log_lines) = ready("candump", &["-L", "vc0,#FFFFFFFF"]);
    let is_sync = |l: &str| l.split_whitespace().eq(["vc0", "7FF", "[0]"]);
    let (_human, human_lines) = ready_with("candump", &["-e", "vc0,#FFFFFFFF"], "vc0", &is_sync);
    while let Ok(line) = log_lines.recv_timeout(Duration::from_millis(300)) {
        assert!(line.ends_with("vc0 7FF#"), "{line}");
    }
    let e = CanError::new(CanErrorClass::CONTROLLER, [0, 0x18, 0, 0, 0, 0, 0x60, 0x82]);
    assert_eq!(
        e.controller,
        CanControllerState::TX_WARNING | CanControllerState::RX_PASSIVE
    );
    let tx = bound("vc0");
    tx.as_socket().send(&e.encode()).unwrap();
    let line = log_lines.recv_timeout(LIMIT).expect("candump -L's line");
    assert_eq!(frame_of(&line), e.to_string());
    assert_eq!(e.to_string(), "20000004#0018000000006082");
    // candump -e: the frame, then one indented line per part of its decoding.
    let got = lines_until(&human_lines, "candump -e", |l| {
        l.trim().starts_with("error-counter-tx-rx")
    });
    let decoded: Vec<&str> = got.iter().skip(1).map(|l| l.trim()).collect();
    assert_eq!(
        decoded,
        [
            format!("controller-problem{{{}}}", e.controller),
            "error-counter-tx-rx{{96}{130}}".to_owned(),
        ],
        "{got:?}"
    );
    assert!(
        got[0].contains("20000004") && got[0].contains("ERRORFRAME"),
        "{got:?}"
    );
});

// The tokio example (`examples/can_async.rs`): its self-check, then frames from can-utils'
// cansend read through tokio's reactor and printed as `candump -L` prints them.
interop_test!(async_reader_reads_what_cansend_sends, || {
    let Some(reader) = example("can_async") else {
        skip!("the can_async example is put in /examples by the VM tier");
    };
    // Its self-check, on the classic bus and on the FD bus (where it sends an FD frame too).
    for (ifname, count) in [("vc0", "3 frames"), ("vcfd", "4 frames")] {
        let out = Command::new(&reader)
            .args(["--check", ifname])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && said.contains("can async: ok") && said.contains(count),
            "{said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (_ours, lines) = ready(&reader, &["vc0"]);
    let frames = ["123#DEADBEEF", "12345678#0102030405060708", "7FF#R", "001#"];
    for f in frames {
        run("cansend", &["vc0", f], b"");
    }
    for f in frames {
        let line = lines.recv_timeout(LIMIT).expect("can_async's line");
        assert_eq!(frame_of(&line), f);
    }
    // FD frames too, on the FD bus.
    let (_ours_fd, fd_lines) = ready_on(&reader, &["vcfd"], "vcfd");
    run("cansend", &["vcfd", "123##1112233"], b"");
    let line = fd_lines.recv_timeout(LIMIT).expect("can_async's FD line");
    assert_eq!(frame_on(&line, "vcfd"), "123##1112233");
});
