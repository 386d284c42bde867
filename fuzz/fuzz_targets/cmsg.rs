//! Control messages, through the narrowest public API that carries raw control bytes.
//!
//! The crate's control-message parser (`sys::msg::split_cmsg` and `msg::decode`) is not
//! public: `ControlMessages` comes only from a received message. So this target drives it the
//! way a program does: control messages built from the input (`ControlBuilder`, its raw
//! `level`/`type`/`data` form included) go out with `Socket::send_msg` over a Unix datagram
//! pair or UDP on loopback, with receive options chosen by the input, and come back through
//! `Socket::recv_msg` into a control buffer (and a data buffer) of a size the input chooses,
//! which the kernel cuts when short (`MSG_CTRUNC`).
//!
//! Asserts: a send that succeeded is received; what was received says the truth about
//! truncation; decoded messages hold what was sent (fds of the `SCM_RIGHTS` messages, the
//! credentials, TTL, TOS, the destination of `IP_PKTINFO`) when the control buffer was not
//! cut; timestamps are well formed; `Debug` works; and no fd is left open afterwards, whether
//! the fds were taken, left to the message, or cut off by a short control buffer.
#![no_main]

use baresock::InputError;
use std::cell::RefCell;
use std::fs::File;
use std::net::Ipv4Addr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::time::Duration;

use baresock::{Error, IoSlice, IoSliceMut, RecvFlags, SendFlags, SockAddr, UdpSocket, UnixDatagram};
use baresock::msg::{cmsg_space, ControlBuilder, ControlMessage, Credentials};
use libfuzzer_sys::fuzz_target;

const SOL_SOCKET: u32 = 1;
const SO_PASSCRED: u32 = 16;
const IPPROTO_IP: u32 = 0;
const IP_PKTINFO: u32 = 8;
const IP_RECVTTL: u32 = 12;
const IP_RECVTOS: u32 = 13;
/// Levels a raw control message is given: the ones the kernel reads on these sockets, and
/// one it does not know.
const RAW_LEVELS: [i32; 5] = [1, 0, 41, 17, 0x1234];

struct State {
    unix: (UnixDatagram, UnixDatagram),
    udp_tx: UdpSocket,
    udp_rx: UdpSocket,
    rx_addr: SockAddr,
    devnull: File,
    /// The lowest free fd when nothing is in flight: a leaked fd moves it (so does an fd
    /// libFuzzer opens, hence the count below when it moves).
    lowest_free: i32,
    /// How many of our kinds of fds (sockets, `/dev/null`) are open between inputs.
    ours: usize,
}

impl State {
    fn new() -> State {
        let unix = UnixDatagram::pair().expect("socketpair");
        let udp_rx = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let udp_tx = UdpSocket::bind("127.0.0.1:0").expect("bind");
        let rx_addr = SockAddr::from(udp_rx.local_addr().expect("local_addr"));
        let devnull = File::open("/dev/null").expect("/dev/null");
        State {
            unix,
            udp_tx,
            udp_rx,
            rx_addr,
            devnull,
            lowest_free: lowest_free_fd(),
            ours: our_fds().len(),
        }
    }
}

/// The open fds that this target could leak: sockets and `/dev/null` (what `SCM_RIGHTS`
/// carries here).
fn our_fds() -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc/self/fd")
        .into_iter()
        .flatten()
        .flatten()
    {
        let target = std::fs::read_link(e.path()).unwrap_or_default();
        let target = target.to_string_lossy();
        if target.starts_with("socket:") || target == "/dev/null" {
            out.push(format!("{}->{target}", e.file_name().to_string_lossy()));
        }
    }
    out
}

fn lowest_free_fd() -> i32 {
    File::open("/dev/null").expect("/dev/null").as_raw_fd()
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// Reads the input a byte at a time, zeros past its end.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    fn bytes(&mut self, n: usize) -> &[u8] {
        let (a, b) = self.0.split_at(n.min(self.0.len()));
        self.0 = b;
        a
    }
}

/// What went out, for checking what came back.
#[derive(Default)]
struct Sent {
    fds: usize,
    credentials: Option<Credentials>,
    ttl: Option<u8>,
    tos: Option<u8>,
    /// A raw control message of a level whose values we do not model was sent.
    raw: bool,
}

fuzz_target!(|data: &[u8]| {
    STATE.with(|s| {
        let mut s = s.borrow_mut();
        let s = s.get_or_insert_with(State::new);
        one(s, Input(data));
        let now = lowest_free_fd();
        if now != s.lowest_free {
            let ours = our_fds();
            assert_eq!(ours.len(), s.ours, "an fd leaked: {ours:?}");
            s.lowest_free = now;
        }
    });
});

fn one(s: &State, mut input: Input<'_>) {
    let flags = input.byte();
    let udp = flags & 1 != 0;
    let (tx, rx) = if udp {
        (s.udp_tx.as_socket(), s.udp_rx.as_socket())
    } else {
        (s.unix.0.as_socket(), s.unix.1.as_socket())
    };
    let on = |bit: u8| i32::from(flags & bit != 0).to_ne_bytes();
    if udp {
        rx.set_option_raw(IPPROTO_IP, IP_PKTINFO, &on(2)).unwrap();
        rx.set_option_raw(IPPROTO_IP, IP_RECVTTL, &on(4)).unwrap();
        rx.set_option_raw(IPPROTO_IP, IP_RECVTOS, &on(8)).unwrap();
    } else {
        rx.set_option_raw(SOL_SOCKET, SO_PASSCRED, &on(2)).unwrap();
    }
    rx.set_timestamp_ns(flags & 16 != 0).unwrap();

    // The control messages to send.
    let mut space = [0u8; 512];
    let mut control = ControlBuilder::new(&mut space);
    let mut sent = Sent::default();
    let null = s.devnull.as_fd();
    for _ in 0..input.byte() % 4 {
        let kind = input.byte() % 6;
        let arg = input.byte();
        let r = match kind {
            0 => {
                let fds: Vec<BorrowedFd<'_>> = vec![null; usize::from(arg % 5)];
                sent.fds += fds.len();
                control.rights(&fds).map(|_| ())
            }
            1 => {
                let c = Credentials::current();
                sent.credentials = Some(c);
                control.credentials(c).map(|_| ())
            }
            2 => {
                sent.ttl = Some(arg);
                control.ttl(arg).map(|_| ())
            }
            3 => {
                sent.tos = Some(arg);
                control.tos(arg).map(|_| ())
            }
            4 => control
                .packet_info_v4(u32::from(arg % 3), Ipv4Addr::new(127, 0, 0, arg))
                .map(|_| ()),
            _ => {
                let level = RAW_LEVELS[usize::from(arg) % RAW_LEVELS.len()];
                let ty = i32::from(input.byte());
                let n = usize::from(input.byte() % 24);
                let mut bytes = input.bytes(n).to_vec();
                if (level, ty) == (1, 1) {
                    // SCM_RIGHTS: only our /dev/null or a number that is no fd, never one of
                    // libFuzzer's own.
                    for slot in bytes.chunks_exact_mut(4) {
                        let fd = if slot[0] % 2 == 0 {
                            null.as_raw_fd()
                        } else {
                            1 << 20
                        };
                        slot.copy_from_slice(&fd.to_ne_bytes());
                    }
                }
                sent.raw = true;
                control.raw(level, ty, &bytes).map(|_| ())
            }
        };
        if let Err(e) = r {
            assert!(
                matches!(e, Error::Input(InputError::BufferTooSmall { .. })),
                "{e:?}"
            );
        }
    }
    let _ = format!("{control:?}");
    let n = usize::from(input.byte() % 64);
    let payload = input.bytes(n).to_vec();
    let mut data = [0u8; 96];
    let data_len = usize::from(input.byte()) % data.len();
    let control_len = usize::from(u16::from_ne_bytes([input.byte(), input.byte()])) % 512;

    let to = udp.then_some(&s.rx_addr);
    let sent_ok = match tx.send_msg(
        &[IoSlice::new(&payload)],
        control.as_bytes(),
        to,
        SendFlags::DONT_WAIT,
    ) {
        Ok(n) => {
            assert_eq!(n, payload.len());
            true
        }
        // The kernel refuses control messages it does not take (EINVAL and friends): a named
        // error, nothing sent.
        Err(Error::Os(_)) => false,
        Err(e) => panic!("send_msg: {e:?}"),
    };

    if sent_ok {
        let mut cbuf = [0u8; 512];
        let mut bufs = [IoSliceMut::new(&mut data[..data_len])];
        let mut tries = 0;
        let received = loop {
            match rx.recv_msg(&mut bufs, &mut cbuf[..control_len], RecvFlags::DONT_WAIT) {
                Ok(m) => break Some(m),
                Err(Error::WouldBlock) if tries < 100 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_micros(100));
                }
                // Raw control messages (IP options, say) may have the kernel drop the packet.
                Err(Error::WouldBlock) if sent.raw => break None,
                Err(e) => panic!("recv_msg after a send that succeeded: {e:?}"),
            }
        };
        if let Some(mut msg) = received {
            let passcred = !udp && flags & 2 != 0;
            check(&msg, &sent, udp, passcred, payload.len(), data_len);
            let mut slots: [Option<std::os::fd::OwnedFd>; 4] = Default::default();
            let taken = msg.take_fds(&mut slots);
            assert_eq!(slots.iter().filter(|s| s.is_some()).count(), taken);
            let _ = format!("{msg:?}");
        }
    }
    // Whatever is left in the queue (more datagrams of a segmented send) goes, fds closed.
    let mut cbuf = [0u8; 4096];
    let mut sink = [0u8; 16];
    while rx
        .recv_msg(
            &mut [IoSliceMut::new(&mut sink)],
            &mut cbuf,
            RecvFlags::DONT_WAIT,
        )
        .is_ok()
    {}
}

fn check(
    msg: &baresock::msg::RecvMsg<'_>,
    sent: &Sent,
    udp: bool,
    passcred: bool,
    payload: usize,
    room: usize,
) {
    assert!(msg.bytes() <= room);
    match msg.truncated() {
        Some(len) => assert!(len > msg.bytes()),
        None => assert!(msg.bytes() <= payload),
    }
    let cut = msg.control_truncated();
    let (mut fds, mut credentials) = (0usize, None);
    for cm in msg.control() {
        let _ = format!("{cm:?}");
        match cm {
            ControlMessage::Rights(f) => fds += f.count(),
            ControlMessage::Credentials(c) => credentials = Some(c),
            ControlMessage::Timestamp(t) => {
                assert!(t.nsec < 1_000_000_000 && t.sec > 1_000_000_000, "{t:?}");
            }
            ControlMessage::Ttl(ttl) if !sent.raw => {
                assert_eq!(ttl, sent.ttl.unwrap_or(64), "received TTL");
            }
            ControlMessage::Tos(tos) if !sent.raw => {
                assert_eq!(tos, sent.tos.unwrap_or(0), "received TOS");
            }
            ControlMessage::PacketInfoV4 { destination, .. } => {
                assert_eq!(destination, Ipv4Addr::LOCALHOST);
            }
            _ => {}
        }
    }
    if cut {
        // A cut control buffer: the fds that arrived were closed, none are left to take.
        assert_eq!(fds, 0, "fds left in a cut control buffer");
    } else if !udp && !sent.raw {
        assert_eq!(fds, sent.fds, "fds received");
        // With SO_PASSCRED, the credentials sent, or the sender's own; without, none.
        let expect = passcred.then(|| sent.credentials.unwrap_or_else(Credentials::current));
        assert_eq!(credentials, expect);
    }
    let _ = cmsg_space(0);
}
