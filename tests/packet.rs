//! Packet sockets on a veth pair in a network namespace the test makes (root); interfaces.

mod common;

use baresock::packet::RingError;
use baresock::{AddressError, Errno, InputError};
use std::time::Duration;

use baresock::*;
use baresock::{msg::*, packet::*};
use common::*;

const PROTO: u16 = ether::EXPERIMENTAL;

/// The page size: ring blocks are multiples of it (64 KiB on powerpc64le, 4 KiB elsewhere).
fn page() -> u32 {
    rustix::param::page_size() as u32
}

fn idx(name: &[u8]) -> u32 {
    interface_index(name).unwrap()
}

/// The hardware address of an interface, from a packet socket bound to it.
fn mac(ifindex: u32) -> [u8; 6] {
    let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    s.bind(LinkAddr::new(ifindex, PROTO)).unwrap();
    s.local_addr().unwrap().address().try_into().unwrap()
}

/// An Ethernet frame: destination, source, our EtherType, payload.
fn frame(dst: [u8; 6], src: [u8; 6], payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&dst);
    f.extend_from_slice(&src);
    f.extend_from_slice(&PROTO.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn receiver(ifindex: u32) -> PacketSocket {
    let r = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    r.bind(LinkAddr::new(ifindex, PROTO)).unwrap();
    r.set_timeout(Some(Duration::from_secs(5))).unwrap();
    r
}

macro_rules! netns_test {
    ($name:ident, $body:expr) => {
        #[test]
        fn $name() {
            if let Err(why) = in_netns_with_veth($body) {
                skip!("{why}");
            }
        }
    };
}

#[test]
fn link_addr_display() {
    let a = LinkAddr::new(3, 0x0800)
        .with_address(&[1, 2, 3, 4, 5, 6])
        .unwrap();
    assert_eq!(a.to_string(), "if3/0x0800/01:02:03:04:05:06");
    assert_eq!(SockAddr::from(a).family(), Family::PACKET);
    assert_eq!(LinkAddr::try_from(SockAddr::from(a)).unwrap(), a);
}

#[test]
fn interfaces_by_name_and_index() {
    let lo = idx(b"lo");
    assert_eq!(interface_name(lo).unwrap().as_str(), Some("lo"));
    assert_eq!(
        interface_index("no-such-if").unwrap_err(),
        Error::Os(Errno::NODEV)
    );
    assert_eq!(
        interface_name(1 << 30).unwrap_err(),
        Error::Os(Errno::NODEV)
    );
    assert_eq!(
        interface_name(u32::MAX).unwrap_err(),
        Error::Os(Errno::NODEV)
    );
    assert_eq!(
        ShortName::new(b"a-name-too-long-").unwrap_err(),
        Error::Address(AddressError::NameTooLong { len: 16 })
    );
    // Names as text or bytes are checked as `ShortName::new` checks them.
    assert_eq!(
        interface_index("a-name-too-long-").unwrap_err(),
        Error::Address(AddressError::NameTooLong { len: 16 })
    );
    assert_eq!(
        interface_index(b"l\0").unwrap_err(),
        Error::Address(AddressError::NameNul)
    );
    assert_eq!(
        interface_index("lo").unwrap(),
        interface_index(b"lo").unwrap()
    );
}

netns_test!(raw_frames_cross_the_veth_byte_for_byte, || {
    let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
    let (m0, m1) = (mac(i0), mac(i1));
    let r = receiver(i1);
    let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    let f = frame(m1, m0, b"hello over veth, padded to the minimum frame size");
    assert_eq!(s.send_to(&f, LinkAddr::new(i0, PROTO)).unwrap(), f.len());
    let mut buf = [0u8; 1514];
    let (n, from) = r.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], &f[..]);
    assert_eq!(from.ifindex(), i1);
    assert_eq!(from.protocol(), PROTO);
    assert_eq!(from.hardware_type(), 1, "ARPHRD_ETHER");
    assert_eq!(from.packet_type(), PacketType::Host);
    assert_eq!(from.address(), &m0, "the source's hardware address");

    // A buffer too small: the true length, never a silent cut.
    s.send_to(&f, LinkAddr::new(i0, PROTO)).unwrap();
    let mut small = [0u8; 20];
    assert_eq!(
        r.recv(&mut small).unwrap_err(),
        Error::Truncated { len: f.len() }
    );
});

netns_test!(cooked_sockets_add_and_strip_the_header, || {
    let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
    let m1 = mac(i1);
    let r = receiver(i1);
    let cooked = PacketSocket::new(PacketKind::Cooked, PROTO).unwrap();
    let to = LinkAddr::new(i0, PROTO).with_address(&m1).unwrap();
    cooked.send_to(b"payload only", to).unwrap();
    let mut buf = [0u8; 1514];
    let n = r.recv(&mut buf).unwrap();
    assert_eq!(&buf[..6], &m1, "the kernel wrote the destination");
    assert_eq!(&buf[12..14], &PROTO.to_be_bytes());
    assert_eq!(&buf[14..n], b"payload only");
    // And a cooked receiver gets the payload alone.
    let c = PacketSocket::new(PacketKind::Cooked, PROTO).unwrap();
    c.bind(LinkAddr::new(i1, PROTO)).unwrap();
    c.set_timeout(Some(Duration::from_secs(5))).unwrap();
    cooked.send_to(b"again", to).unwrap();
    let (n, from) = c.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"again");
    assert_eq!(from.protocol(), PROTO);
});

netns_test!(memberships_auxdata_and_ignore_outgoing, || {
    let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
    let (m0, m1) = (mac(i0), mac(i1));
    let r = receiver(i1);
    r.add_membership(i1, Membership::Promiscuous).unwrap();
    r.add_membership(i1, Membership::Multicast(&[0x01, 0, 0x5e, 0, 0, 1]))
        .unwrap();
    r.drop_membership(i1, Membership::Promiscuous).unwrap();
    assert_eq!(
        r.add_membership(i1, Membership::Multicast(&[0; 9]))
            .unwrap_err(),
        Error::Address(AddressError::LinkAddrTooLong { len: 9, max: 8 })
    );
    assert_eq!(
        r.add_membership(1 << 30, Membership::AllMulticast)
            .unwrap_err(),
        Error::Os(Errno::NODEV)
    );

    r.set_auxdata(true).unwrap();
    assert!(r.auxdata().unwrap());
    let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    s.bind(LinkAddr::new(i0, PROTO)).unwrap();
    s.set_ignore_outgoing(true).unwrap();
    assert!(s.ignore_outgoing().unwrap());
    let f = frame(m1, m0, &[0x55; 60]);
    s.send(&f).unwrap();
    let mut data = [0u8; 32];
    let mut control = [0u8; 64];
    let mut bufs = [IoSliceMut::new(&mut data)];
    let msg = r
        .as_socket()
        .recv_msg(&mut bufs, &mut control, RecvFlags::empty())
        .unwrap();
    assert_eq!(msg.truncated(), Some(f.len()));
    let aux: Vec<_> = msg
        .control()
        .filter_map(|c| match c {
            ControlMessage::PacketAux {
                original_len,
                snap_len,
                vlan,
            } => Some((original_len, snap_len, vlan)),
            _ => None,
        })
        .collect();
    assert_eq!(aux, vec![(f.len() as u32, f.len() as u32, None)]);
    drop(msg);
    // The sender ignores its own frame; without the option it would see it as outgoing.
    s.set_timeout(Some(Duration::from_millis(100))).unwrap();
    let mut buf = [0u8; 128];
    assert_eq!(s.recv(&mut buf).unwrap_err(), Error::Timeout);
});

netns_test!(fanout_spreads_and_statistics_count, || {
    let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
    let (m0, m1) = (mac(i0), mac(i1));
    let (a, b) = (receiver(i1), receiver(i1));
    a.set_fanout(42, FanoutMode::LoadBalance, FanoutFlags::empty())
        .unwrap();
    b.set_fanout(42, FanoutMode::LoadBalance, FanoutFlags::empty())
        .unwrap();
    assert_eq!(
        a.fanout().unwrap(),
        Some(Fanout {
            group: 42,
            mode: FanoutMode::LoadBalance,
            flags: FanoutFlags::empty()
        })
    );
    assert_eq!(a.statistics().unwrap().packets, 0);
    let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    let f = frame(m1, m0, &[1; 60]);
    for _ in 0..10 {
        s.send_to(&f, LinkAddr::new(i0, PROTO)).unwrap();
    }
    std::thread::sleep(Duration::from_millis(100));
    let (sa, sb) = (a.statistics().unwrap(), b.statistics().unwrap());
    assert_eq!(sa.packets + sb.packets, 10, "{sa:?} {sb:?}");
    assert_eq!((sa.packets, sb.packets), (5, 5), "round robin");
    assert_eq!(a.statistics().unwrap().packets, 0, "reading resets");

    // A starved socket drops, and says so.
    let starved = receiver(i1);
    starved.as_socket().set_recv_buffer_size(1).unwrap();
    for _ in 0..200 {
        s.send_to(&f, LinkAddr::new(i0, PROTO)).unwrap();
    }
    std::thread::sleep(Duration::from_millis(100));
    let st = starved.statistics().unwrap();
    assert!(st.drops > 0, "{st:?}");
    assert_eq!(st.freeze_count, None, "no ring");
});

/// `tcpdump -dd ether proto 0x88b5`, as tcpdump prints it.
const ONLY_OURS: &str = "{ 0x28, 0, 0, 0x0000000c },
{ 0x15, 0, 1, 0x000088b5 },
{ 0x6, 0, 0, 0x00040000 },
{ 0x6, 0, 0, 0x00000000 },
";

netns_test!(a_bpf_filter_lets_only_matching_frames_through, || {
    let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
    let (m0, m1) = (mac(i0), mac(i1));
    // Every protocol on bs1, filtered in the kernel to ours. As libpcap does it: a socket for
    // no protocol (it queues nothing), the filter, then the bind that names the protocol, so
    // no frame gets in before the filter does.
    let r = PacketSocket::new(PacketKind::Raw, 0).unwrap();
    let mut insns = [bpf::Insn::default(); 8];
    let n = bpf::parse_tcpdump_dd(ONLY_OURS, &mut insns).unwrap();
    r.as_socket()
        .attach_filter(&bpf::Program::new(&insns[..n]).unwrap())
        .unwrap();
    r.bind(LinkAddr::new(i1, ether::ALL)).unwrap();
    r.set_timeout(Some(Duration::from_millis(300))).unwrap();
    let s = PacketSocket::new(PacketKind::Raw, ether::ALL).unwrap();
    let mut other = frame(m1, m0, &[2; 60]);
    other[12..14].copy_from_slice(&0x88b6u16.to_be_bytes());
    let ours = frame(m1, m0, &[1; 60]);
    for f in [&other, &ours, &other] {
        s.send_to(f, LinkAddr::new(i0, ether::ALL)).unwrap();
    }
    let mut buf = [0u8; 1514];
    let mut seen = Vec::new();
    loop {
        match r.recv(&mut buf) {
            Ok(n) => seen.push(buf[..n].to_vec()),
            Err(Error::Timeout) => break,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(seen, vec![ours], "only the frame the filter accepts");
});

#[test]
fn filters_attach_detach_and_lock() {
    let a = UdpSocket::bind(v4_any_port()).unwrap();
    let b = UdpSocket::bind(v4_any_port()).unwrap();
    b.set_timeout(Some(Duration::from_millis(100))).unwrap();
    let drop_all = [bpf::Insn::ret(0)];
    let prog = bpf::Program::new(&drop_all).unwrap();
    let s = b.as_socket();
    if let Err(Error::Os(e)) = s.attach_filter(&prog) {
        if under_qemu_user() {
            skip!("qemu-user does not emulate SO_ATTACH_FILTER ({e:?})");
        }
        panic!("{e:?}");
    }
    let mut buf = [0u8; 8];
    a.send_to(b"dropped", b.local_addr().unwrap()).unwrap();
    assert_eq!(
        b.recv(&mut buf).unwrap_err(),
        Error::Timeout,
        "the filter drops it"
    );
    qemu_gap!(s.detach_filter()).unwrap();
    assert_eq!(
        s.detach_filter().unwrap_err(),
        Error::Os(Errno::NOENT),
        "nothing left to detach"
    );
    a.send_to(b"kept", b.local_addr().unwrap()).unwrap();
    assert_eq!(b.recv(&mut buf).unwrap(), 4);
    // A locked filter stays.
    s.attach_filter(&prog).unwrap();
    s.set_lock_filter(true).unwrap();
    assert!(s.lock_filter().unwrap());
    assert_eq!(s.detach_filter().unwrap_err(), Error::Os(Errno::PERM));
    assert_eq!(s.attach_filter(&prog).unwrap_err(), Error::Os(Errno::PERM));
    // An invalid program is refused by name, before the kernel sees it.
    let bad = [bpf::Insn::jump_eq(1, 5, 0), bpf::Insn::ret(0)];
    assert_eq!(
        bpf::Program::new(&bad).unwrap_err(),
        Error::Bpf(bpf::BpfError::JumpOutOfRange { at: 0 })
    );
}

netns_test!(frames_arrive_through_the_ring_byte_for_byte, || {
    let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
    let (m0, m1) = (mac(i0), mac(i1));
    let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    s.bind(LinkAddr::new(i1, PROTO)).unwrap();
    s.set_timeout(Some(Duration::from_secs(5))).unwrap();
    let config = RingConfig {
        block_size: 16 * page(),
        block_count: 4,
        frame_size: 2048,
        retire_timeout: Duration::from_millis(10),
    };
    let mut ring = RxRing::new(s, config).unwrap();
    let tx = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    let sent: Vec<Vec<u8>> = (0..50u8)
        .map(|i| frame(m1, m0, &vec![i; 46 + i as usize]))
        .collect();
    for f in &sent {
        tx.send_to(f, LinkAddr::new(i0, PROTO)).unwrap();
    }
    let mut got = Vec::new();
    while got.len() < sent.len() {
        let block = ring.next_block().unwrap();
        for frame in block.frames() {
            let frame = frame.unwrap();
            assert!(!frame.is_truncated());
            assert_eq!(frame.original_len() as usize, frame.data().len());
            assert!(frame.timestamp().sec > 0, "stamped");
            let link = frame.link_addr().expect("a link address");
            assert_eq!(
                (link.ifindex(), link.protocol(), link.address()),
                (i1, PROTO, &m0[..])
            );
            got.push(frame.data().to_vec());
        }
    }
    assert_eq!(got, sent, "every frame, in order, byte for byte");
    let stats = ring.statistics().unwrap();
    assert_eq!((stats.packets, stats.drops), (50, 0));
    assert!(
        stats.freeze_count.is_some(),
        "a V3 ring reports its freeze count"
    );

    // Nothing more: the socket's deadline holds.
    ring.socket()
        .set_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    assert_eq!(ring.next_block().err(), Some(Error::Timeout));
    ring.socket().set_nonblocking(true).unwrap();
    assert_eq!(ring.next_block().err(), Some(Error::WouldBlock));
});

/// Frame `i` of a numbered run: 60 to 123 bytes, its number first in the payload.
fn numbered(dst: [u8; 6], src: [u8; 6], i: usize) -> Vec<u8> {
    let mut payload = (i as u32).to_be_bytes().to_vec();
    payload.resize(4 + 42 + i % 64, i as u8);
    frame(dst, src, &payload)
}

netns_test!(the_ring_wraps_many_times_and_hands_every_block_back, || {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
    let (m0, m1) = (mac(i0), mac(i1));
    let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    s.bind(LinkAddr::new(i1, PROTO)).unwrap();
    s.set_timeout(Some(Duration::from_secs(5))).unwrap();
    let block_count = 4;
    let config = RingConfig {
        block_size: page(),
        block_count,
        frame_size: 2048,
        // Long: blocks are handed over because they are full, not half-empty on a timer. (At
        // 100 ms a reader starved in a loaded TCG guest saw the kernel retire its blocks
        // half-empty on the timer until none was free: a freeze, nothing lost. The last,
        // partly filled block is handed over by this timer too: the test waits it once.)
        retire_timeout: Duration::from_secs(1),
    };
    let mut ring = RxRing::new(s, config).unwrap();
    // In a block (48 bytes of header, then the frames), each frame takes its 60 to 123 bytes
    // after 82 of header and address, 8-aligned: 144 to 208 bytes. Counted with room to spare
    // (140 and 224), at most `most` fit in a block and at least `least`.
    let room = (page() - 48) as usize;
    let (least, most) = (room / 224, room / 140);
    // The sender keeps at most two blocks' worth of frames ahead of the blocks handed back: the
    // kernel always has a free block to go on with, so none is dropped. That is more than a
    // block holds, so the kernel hands each block over full.
    let ahead = 2 * least;
    assert!(ahead > most);
    // Enough for six times round the ring.
    let total = 6 * block_count as usize * most;
    let released = Arc::new(AtomicUsize::new(0));
    let tx = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    let sender = {
        let released = Arc::clone(&released);
        std::thread::spawn(move || {
            for i in 0..total {
                let give_up = std::time::Instant::now() + Duration::from_secs(10);
                while i >= released.load(Ordering::Acquire) + ahead {
                    assert!(std::time::Instant::now() < give_up, "the reader stalled");
                    std::thread::sleep(Duration::from_micros(100));
                }
                tx.send_to(&numbered(m1, m0, i), LinkAddr::new(i0, PROTO))
                    .unwrap();
            }
        })
    };
    let (mut got, mut blocks) = (0, 0);
    while got < total {
        let block = ring.next_block().unwrap();
        blocks += 1;
        assert!(!block.is_empty());
        for frame in block.frames() {
            let frame = frame.unwrap();
            assert_eq!(frame.data(), &numbered(m1, m0, got)[..], "frame {got}");
            assert_eq!(frame.link_addr().map(|a| a.ifindex()), Some(i1));
            got += 1;
        }
        drop(block); // back to the kernel
        released.store(got, Ordering::Release);
    }
    sender.join().unwrap();
    assert_eq!(got, total, "every frame, no more");
    assert!(
        blocks >= 5 * block_count,
        "{blocks} blocks: round the ring five times at least"
    );
    let stats = ring.statistics().unwrap();
    assert_eq!(
        stats,
        PacketStats {
            packets: total as u32,
            drops: 0,
            freeze_count: Some(0)
        }
    );
    ring.socket()
        .set_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    assert_eq!(
        ring.next_block().err(),
        Some(Error::Timeout),
        "nothing more"
    );
});

netns_test!(a_starved_ring_freezes_drops_and_thaws, || {
    let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
    let (m0, m1) = (mac(i0), mac(i1));
    let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    s.bind(LinkAddr::new(i1, PROTO)).unwrap();
    s.set_timeout(Some(Duration::from_millis(200))).unwrap();
    let config = RingConfig {
        block_size: page(),
        block_count: 2,
        frame_size: 2048,
        retire_timeout: Duration::from_millis(5),
    };
    let mut ring = RxRing::new(s, config).unwrap();
    let tx = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    let f = frame(m1, m0, &[7; 500]);
    for round in 0..2 {
        // Nobody reads while these arrive: both blocks fill, the kernel finds no free block,
        // freezes the queue (tp_freeze_q_cnt) and drops what comes until one is handed back.
        for _ in 0..300 {
            tx.send_to(&f, LinkAddr::new(i0, PROTO)).unwrap();
        }
        std::thread::sleep(Duration::from_millis(50));
        let stats = ring.statistics().unwrap();
        assert_eq!(stats.packets, 300, "round {round}: {stats:?}");
        assert!(stats.drops > 0, "round {round}: {stats:?}");
        assert!(
            matches!(stats.freeze_count, Some(n) if n > 0),
            "round {round}: {stats:?}"
        );
        // What was not dropped is in the ring; handing the blocks back thaws it.
        let mut kept = 0;
        loop {
            match ring.next_block() {
                Ok(block) => {
                    for frame in block.frames() {
                        assert_eq!(frame.unwrap().data(), &f[..]);
                        kept += 1;
                    }
                }
                Err(Error::Timeout) => break,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(
            kept,
            stats.packets - stats.drops,
            "round {round}: {stats:?}"
        );
    }
});

/// A frame with an 802.1Q tag (TPID 0x8100, TCI `tci`) before our EtherType.
fn tagged_frame(dst: [u8; 6], src: [u8; 6], tci: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&dst);
    f.extend_from_slice(&src);
    f.extend_from_slice(&ether::VLAN.to_be_bytes());
    f.extend_from_slice(&tci.to_be_bytes());
    f.extend_from_slice(&PROTO.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

netns_test!(vlan_tags_come_back_as_auxdata_and_in_the_ring, || {
    let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
    let (m0, m1) = (mac(i0), mac(i1));
    // The receive path takes the tag off (no VLAN device needed) and hands it to the taps, the
    // ETH_P_ALL sockets, beside the data; with no VLAN device it then drops the tag, so sockets
    // bound to one EtherType never see it. So: a tap, filtered to our EtherType.
    let tap = |bind: bool| {
        let t = PacketSocket::new(PacketKind::Raw, 0).unwrap();
        let mut insns = [bpf::Insn::default(); 8];
        let n = bpf::parse_tcpdump_dd(ONLY_OURS, &mut insns).unwrap();
        t.as_socket()
            .attach_filter(&bpf::Program::new(&insns[..n]).unwrap())
            .unwrap();
        if bind {
            t.bind(LinkAddr::new(i1, ether::ALL)).unwrap();
        }
        t.set_timeout(Some(Duration::from_secs(5))).unwrap();
        t
    };
    let r = tap(true);
    r.set_auxdata(true).unwrap();
    let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    let tci = (3 << 13) | 42; // priority 3, VLAN 42
    let f = tagged_frame(m1, m0, tci, &[0x77; 60]);
    s.send_to(&f, LinkAddr::new(i0, PROTO)).unwrap();
    let mut data = [0u8; 1514];
    let mut control = [0u8; 64];
    let mut bufs = [IoSliceMut::new(&mut data)];
    let msg = r
        .as_socket()
        .recv_msg(&mut bufs, &mut control, RecvFlags::empty())
        .unwrap();
    let n = msg.bytes();
    let aux: Vec<_> = msg
        .control()
        .filter_map(|c| match c {
            ControlMessage::PacketAux {
                vlan, original_len, ..
            } => Some((vlan, original_len)),
            _ => None,
        })
        .collect();
    assert_eq!(aux, vec![(Some((tci, ether::VLAN)), (f.len() - 4) as u32)]);
    drop(msg);
    assert_eq!(
        &data[12..14],
        &PROTO.to_be_bytes(),
        "the tag is out of the data"
    );
    assert_eq!(n, f.len() - 4);

    // The same through the ring.
    let rs = tap(false);
    let config = RingConfig {
        block_size: page(),
        block_count: 2,
        frame_size: 2048,
        retire_timeout: Duration::from_millis(10),
    };
    let mut ring = RxRing::new(rs, config).unwrap();
    ring.socket().bind(LinkAddr::new(i1, ether::ALL)).unwrap();
    s.send_to(&f, LinkAddr::new(i0, PROTO)).unwrap();
    let block = ring.next_block().unwrap();
    let frame = block.frames().next().unwrap().unwrap();
    assert_eq!(frame.vlan(), Some((tci, ether::VLAN)));
    assert_eq!(&frame.data()[12..14], &PROTO.to_be_bytes());
});

netns_test!(every_fanout_mode_and_flag_forms_a_group, || {
    let i1 = idx(b"bs1");
    let modes = [
        FanoutMode::Hash,
        FanoutMode::LoadBalance,
        FanoutMode::Cpu,
        FanoutMode::Rollover,
        FanoutMode::Random,
        FanoutMode::QueueMapping,
        FanoutMode::Bpf,
    ];
    let flag_sets = [
        FanoutFlags::empty(),
        FanoutFlags::ROLLOVER,
        FanoutFlags::DEFRAG,
        FanoutFlags::IGNORE_OUTGOING,
        FanoutFlags::DEFRAG | FanoutFlags::IGNORE_OUTGOING,
    ];
    let mut group = 100u16;
    for mode in modes {
        for flags in flag_sets {
            group += 1;
            let (a, b) = (receiver(i1), receiver(i1));
            if mode == FanoutMode::Rollover && flags.contains(FanoutFlags::ROLLOVER) {
                assert_eq!(
                    a.set_fanout(group, mode, flags),
                    Err(Error::Input(InputError::InvalidFanout))
                );
                assert_eq!(a.fanout().unwrap(), None);
                continue;
            }
            assert_eq!(
                a.set_fanout(group, mode, flags),
                Ok(group),
                "{mode:?} {flags:?}"
            );
            assert_eq!(
                b.set_fanout(group, mode, flags),
                Ok(group),
                "{mode:?} {flags:?}"
            );
            let want = Some(Fanout { group, mode, flags });
            assert_eq!((a.fanout().unwrap(), b.fanout().unwrap()), (want, want));
            // A member with another mode, or other flags, is refused; joining twice too.
            let c = receiver(i1);
            let other = if mode == FanoutMode::Hash {
                FanoutMode::Cpu
            } else {
                FanoutMode::Hash
            };
            assert_eq!(
                c.set_fanout(group, other, flags).unwrap_err(),
                Error::Os(Errno::INVAL),
                "{mode:?} {flags:?}"
            );
            assert_eq!(
                c.set_fanout(group, mode, flags ^ FanoutFlags::DEFRAG)
                    .unwrap_err(),
                Error::Os(Errno::INVAL),
                "{mode:?} {flags:?}"
            );
            assert_eq!(
                a.set_fanout(group, mode, flags).unwrap_err(),
                Error::Os(Errno::ALREADY)
            );
        }
    }
});

netns_test!(a_unique_fanout_id_is_picked_by_the_kernel, || {
    let i1 = idx(b"bs1");
    let (a, b) = (receiver(i1), receiver(i1));
    assert_eq!(
        a.set_fanout(7, FanoutMode::Hash, FanoutFlags::UNIQUE_ID),
        Err(Error::Input(InputError::InvalidFanout)),
        "a unique id is asked for with group 0"
    );
    let group = a
        .set_fanout(0, FanoutMode::LoadBalance, FanoutFlags::UNIQUE_ID)
        .unwrap();
    // The kernel drops the flag once the group exists; the others join by id.
    let want = Some(Fanout {
        group,
        mode: FanoutMode::LoadBalance,
        flags: FanoutFlags::empty(),
    });
    assert_eq!(a.fanout().unwrap(), want);
    assert_eq!(
        b.set_fanout(group, FanoutMode::LoadBalance, FanoutFlags::empty()),
        Ok(group)
    );
    assert_eq!(b.fanout().unwrap(), want);
    // A second unique group gets another id.
    let c = receiver(i1);
    let other = c
        .set_fanout(0, FanoutMode::LoadBalance, FanoutFlags::UNIQUE_ID)
        .unwrap();
    assert_ne!(other, group);
});

netns_test!(a_bpf_fanout_program_picks_the_member, || {
    let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
    let (m0, m1) = (mac(i0), mac(i1));
    let (a, b) = (receiver(i1), receiver(i1));
    a.set_fanout(77, FanoutMode::Bpf, FanoutFlags::empty())
        .unwrap();
    b.set_fanout(77, FanoutMode::Bpf, FanoutFlags::empty())
        .unwrap();
    // Member index = the payload's first byte (offset 14), modulo the group size.
    let pick = [bpf::Insn::load_abs(bpf::Size::Byte, 14), bpf::Insn::ret_a()];
    a.set_fanout_program(&bpf::Program::new(&pick).unwrap())
        .unwrap();
    let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    for first in [0u8, 1, 1, 0, 1] {
        s.send_to(&frame(m1, m0, &[first; 60]), LinkAddr::new(i0, PROTO))
            .unwrap();
    }
    std::thread::sleep(Duration::from_millis(100));
    let (sa, sb) = (a.statistics().unwrap(), b.statistics().unwrap());
    assert_eq!((sa.packets, sb.packets), (2, 3));
    let mut buf = [0u8; 128];
    for _ in 0..3 {
        b.recv(&mut buf).unwrap();
        assert_eq!(buf[14], 1);
    }
});

/// A transmit ring on bs0 and a receiver on bs1, with both ends' hardware addresses.
fn tx_setup(config: TxRingConfig) -> (TxRing, PacketSocket, [u8; 6], [u8; 6]) {
    let (i0, i1) = (idx(b"bs0"), idx(b"bs1"));
    let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    s.bind(LinkAddr::new(i0, PROTO)).unwrap();
    let ring = TxRing::new(s, config).unwrap();
    (ring, receiver(i1), mac(i0), mac(i1))
}

netns_test!(a_tx_ring_sends_every_frame_in_order, || {
    // Small on purpose: 2 blocks of 2 slots, so 10 frames wrap the ring twice over.
    let (mut ring, r, m0, m1) = tx_setup(TxRingConfig {
        block_size: page(),
        block_count: 2,
        frame_size: page() / 2,
    });
    assert_eq!(ring.slots(), 4);
    assert_eq!(ring.frame_capacity(), page() as usize / 2 - 48);
    let mut sent = 0;
    for i in 0..10u8 {
        if i % 2 == 0 {
            ring.queue(&frame(m1, m0, &[i; 100])).unwrap();
        } else {
            // In place: the slot's own bytes.
            let f = frame(m1, m0, &[i; 200]);
            let mut slot = ring.slot().unwrap();
            assert!(!slot.was_refused());
            slot.buf()[..f.len()].copy_from_slice(&f);
            slot.send(f.len()).unwrap();
        }
        if i % 3 == 2 {
            sent += ring.flush().unwrap();
        }
    }
    sent += ring.flush().unwrap();
    assert_eq!(sent, 5 * (114 + 214));
    let mut buf = [0u8; 512];
    for i in 0..10u8 {
        let n = r.recv(&mut buf).unwrap();
        let want = frame(m1, m0, &vec![i; if i % 2 == 0 { 100 } else { 200 }]);
        assert_eq!(&buf[..n], &want[..], "frame {i}");
    }
    assert_eq!(ring.flush().unwrap(), 0, "nothing queued");
});

netns_test!(
    a_tx_ring_refuses_what_does_not_fit_and_goes_on_after_a_refused_frame,
    || {
        let (mut ring, r, m0, m1) = tx_setup(TxRingConfig {
            block_size: page(),
            block_count: 1,
            frame_size: 256,
        });
        let max = ring.frame_capacity();
        assert_eq!(
            ring.queue(&[0; 300]),
            Err(Error::Ring(RingError::FrameTooLong {
                len: 300,
                max: max as u32
            }))
        );
        let slot = ring.slot().unwrap();
        assert_eq!(
            slot.send(max + 1),
            Err(Error::Ring(RingError::FrameTooLong {
                len: max as u32 + 1,
                max: max as u32
            }))
        );
        // A, then a frame too short for an Ethernet header, then C.
        ring.queue(&frame(m1, m0, b"A")).unwrap();
        ring.queue(&[1, 2, 3]).unwrap();
        ring.queue(&frame(m1, m0, b"C")).unwrap();
        assert_eq!(ring.flush(), Err(Error::Os(Errno::INVAL)));
        let mut slot = ring.slot().unwrap();
        assert!(slot.was_refused());
        assert_eq!(&slot.buf()[..3], &[1, 2, 3], "its bytes are still there");
        let b = frame(m1, m0, b"B");
        slot.buf()[..b.len()].copy_from_slice(&b);
        slot.send(b.len()).unwrap();
        ring.flush().unwrap();
        let mut buf = [0u8; 128];
        for want in [b"A", b"B", b"C"] {
            let n = r.recv(&mut buf).unwrap();
            assert_eq!(&buf[14..n], want);
        }
        // Nothing else came: the refused bytes never left.
        r.set_timeout(Some(Duration::from_millis(100))).unwrap();
        assert_eq!(r.recv(&mut buf), Err(Error::Timeout));
    }
);

#[test]
fn tx_ring_configs_are_checked() {
    if !rustix::process::geteuid().is_root() {
        skip!("packet sockets need root");
    }
    let s = PacketSocket::new(PacketKind::Raw, PROTO).unwrap();
    let bad = TxRingConfig {
        block_size: 1000,
        ..TxRingConfig::default()
    };
    assert_eq!(
        TxRing::new(s, bad).unwrap_err(),
        Error::Ring(RingError::BlockSize)
    );
}
