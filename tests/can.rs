//! CAN: codecs in can-utils' text form, on every architecture; raw sockets on vcan
//! interfaces in a namespace of their own (root and a kernel with CAN: the VMs).

mod common;

use baresock::can::CanInputError;
use baresock::{Errno, InputError};
use std::time::Duration;

use baresock::can::*;
use baresock::*;
use common::*;

macro_rules! vcan_test {
    ($name:ident, $body:expr) => {
        #[test]
        fn $name() {
            if let Err(why) = in_netns_with_vcan($body) {
                skip!("{why}");
            }
        }
    };
}

fn bound(ifname: &str) -> CanSocket {
    let s = CanSocket::new().unwrap();
    s.bind(can_index(ifname)).unwrap();
    s.set_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

fn std_frame(id: u16, data: &[u8]) -> CanFrame {
    CanFrame::new(CanId::standard(id).unwrap(), data).unwrap()
}

/// Nothing more arrives within 100 ms.
fn quiet(s: &CanSocket) {
    s.set_timeout(Some(Duration::from_millis(100))).unwrap();
    assert_eq!(s.recv(), Err(Error::Timeout));
    s.set_timeout(Some(Duration::from_secs(5))).unwrap();
}

vcan_test!(frames_cross_one_bus_and_not_another, || {
    let (rx, tx, other) = (bound("vc0"), bound("vc0"), bound("vc1"));
    let all = CanSocket::new().unwrap();
    all.bind(0).unwrap();
    all.set_timeout(Some(Duration::from_secs(5))).unwrap();
    let f = std_frame(0x123, &[0xde, 0xad, 0xbe, 0xef]);
    tx.send(&f).unwrap();
    assert_eq!(rx.recv().unwrap(), CanAnyFrame::Classic(f));
    assert_eq!(
        all.recv_from().unwrap(),
        (CanAnyFrame::Classic(f), can_index("vc0"))
    );
    quiet(&other);
    quiet(&tx); // its own frames are not echoed to it by default
                // A socket bound to all sends by naming the interface.
    let g = CanFrame::remote(CanId::extended(0x1abc_def0).unwrap(), 4).unwrap();
    all.send_to(&g, can_index("vc1")).unwrap();
    assert_eq!(other.recv().unwrap(), CanAnyFrame::Classic(g));
    quiet(&rx);
    assert_eq!(
        all.send(&g),
        Err(Error::Os(Errno::NXIO)),
        "no interface to send by"
    );
});

vcan_test!(filters_pass_what_they_name, || {
    let (rx, tx) = (bound("vc0"), bound("vc0"));
    let filters = [
        CanFilter::exact(CanId::standard(0x100).unwrap()),
        CanFilter::raw(0x200, 0x700), // 0x200..=0x2ff
    ];
    rx.set_filters(&filters).unwrap();
    let mut back = [CanFilter::default(); 4];
    assert_eq!(rx.filters(&mut back).unwrap(), 2);
    assert_eq!(&back[..2], &filters);
    // Too small: the bytes of the whole set (Linux 5.10 cut the set silently; the crate
    // asks for all of it on every kernel).
    let mut small = [CanFilter::default(); 1];
    assert_eq!(
        rx.filters(&mut small),
        Err(Error::Input(InputError::BufferTooSmall { needed: 16 }))
    );
    for id in [0x100, 0x101, 0x2ab, 0x300] {
        tx.send(&std_frame(id, &[1])).unwrap();
    }
    // An extended frame with the same bits does not pass the exact standard filter.
    tx.send(&CanFrame::new(CanId::extended(0x100).unwrap(), &[]).unwrap())
        .unwrap();
    for id in [0x100, 0x2ab] {
        match rx.recv().unwrap() {
            CanAnyFrame::Classic(f) => assert_eq!(f.id(), CanId::standard(id).unwrap()),
            other => panic!("{other:?}"),
        }
    }
    quiet(&rx);

    // Inverted: everything but 0x100; joined: must pass both.
    rx.set_filters(&[CanFilter::exact(CanId::standard(0x100).unwrap()).inverted()])
        .unwrap();
    tx.send(&std_frame(0x100, &[])).unwrap();
    tx.send(&std_frame(0x101, &[])).unwrap();
    assert_eq!(
        rx.recv().unwrap(),
        CanAnyFrame::Classic(std_frame(0x101, &[]))
    );
    quiet(&rx);
    rx.set_join_filters(true).unwrap();
    rx.set_filters(&[CanFilter::raw(0x100, 0x700), CanFilter::raw(0x001, 0x001)])
        .unwrap();
    for id in [0x102, 0x103, 0x201] {
        tx.send(&std_frame(id, &[])).unwrap();
    }
    assert_eq!(
        rx.recv().unwrap(),
        CanAnyFrame::Classic(std_frame(0x103, &[]))
    );
    quiet(&rx);

    // No filters: nothing at all. Too many: a named error.
    rx.set_filters(&[]).unwrap();
    tx.send(&std_frame(0x103, &[])).unwrap();
    quiet(&rx);
    let many = [CanFilter::default(); CAN_FILTER_MAX + 1];
    assert_eq!(
        rx.set_filters(&many),
        Err(Error::Can(CanInputError::TooManyFilters {
            count: CAN_FILTER_MAX as u32 + 1
        }))
    );
});

vcan_test!(error_frames_arrive_decoded_under_an_error_mask, || {
    let (rx, plain, tx) = (bound("vc0"), bound("vc0"), bound("vc0"));
    rx.set_error_mask(CanErrorClass::CONTROLLER | CanErrorClass::COUNTERS)
        .unwrap();
    // An error frame, injected as can-utils' `cansend vc0 20000204#0010000000006082` does.
    let mut b = [0u8; CAN_MTU];
    b[0..4].copy_from_slice(&(0x2000_0000u32 | 0x204).to_ne_bytes());
    b[4] = 8;
    b[9] = 0x10; // controller: RX passive
    b[14] = 0x60;
    b[15] = 0x82;
    tx.as_socket().send(&b).unwrap();
    match rx.recv().unwrap() {
        CanAnyFrame::Error(e) => {
            assert_eq!(e.class, CanErrorClass::CONTROLLER | CanErrorClass::COUNTERS);
            assert_eq!(
                (e.controller, e.counters),
                (CanControllerState::RX_PASSIVE, Some((0x60, 0x82)))
            );
        }
        other => panic!("{other:?}"),
    }
    quiet(&plain); // no error mask, no error frames
                   // A class outside the mask does not arrive.
    b[0..4].copy_from_slice(&(0x2000_0000u32 | 0x040).to_ne_bytes());
    tx.as_socket().send(&b).unwrap();
    quiet(&rx);
});

vcan_test!(loopback_and_own_messages, || {
    let (rx, tx) = (bound("vc0"), bound("vc0"));
    tx.set_recv_own_msgs(true).unwrap();
    let f = std_frame(0x42, &[1, 2]);
    tx.send(&f).unwrap();
    assert_eq!(tx.recv().unwrap(), CanAnyFrame::Classic(f));
    assert_eq!(rx.recv().unwrap(), CanAnyFrame::Classic(f));
    tx.set_loopback(false).unwrap();
    tx.send(&f).unwrap();
    quiet(&rx); // vcan has no wire: without loopback nobody on this host sees it
    quiet(&tx);
});

vcan_test!(fd_frames_need_fd_mode_and_an_fd_bus, || {
    let (rx, tx, classic) = (bound("vcfd"), bound("vcfd"), bound("vcfd"));
    let f = CanFdFrame::new(CanId::standard(0x7ff).unwrap(), &[0x55; 64])
        .unwrap()
        .with_bit_rate_switch(true);
    assert_eq!(
        tx.send_fd_frame(&f),
        Err(Error::Os(Errno::INVAL)),
        "FD mode is off"
    );
    assert!(!tx.fd_frames().unwrap());
    tx.set_fd_frames(true).unwrap();
    rx.set_fd_frames(true).unwrap();
    assert!(tx.fd_frames().unwrap());
    tx.send_fd_frame(&f).unwrap();
    assert_eq!(rx.recv().unwrap(), CanAnyFrame::Fd(f));
    // A socket without FD mode does not get FD frames.
    quiet(&classic);
    // A classic bus refuses FD frames: EINVAL up to Linux 6.x, EMSGSIZE in 7.x.
    let on_classic = bound("vc0");
    on_classic.set_fd_frames(true).unwrap();
    let r = on_classic.send_fd_frame(&f);
    assert!(
        matches!(r, Err(Error::Os(Errno::INVAL | Errno::MSGSIZE))),
        "{r:?}"
    );
    // Classic frames still pass on an FD socket.
    tx.send(&std_frame(1, &[9])).unwrap();
    assert_eq!(rx.recv().unwrap(), CanAnyFrame::Classic(std_frame(1, &[9])));
});

vcan_test!(frames_carry_timestamps, || {
    let (rx, tx) = (bound("vc0"), bound("vc0"));
    tx.send(&std_frame(1, &[])).unwrap();
    assert_eq!(rx.recv_timestamped().unwrap().1, None, "timestamps are off");
    rx.as_socket().set_timestamp_ns(true).unwrap();
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    tx.send(&std_frame(2, &[3])).unwrap();
    let (frame, at) = rx.recv_timestamped().unwrap();
    assert_eq!(frame, CanAnyFrame::Classic(std_frame(2, &[3])));
    let at = at.expect("a timestamp");
    let at = Duration::new(at.sec as u64, at.nsec);
    assert!(
        at + Duration::from_millis(10) >= before,
        "{at:?} vs {before:?}"
    );
    assert!(at < before + Duration::from_secs(5), "{at:?} vs {before:?}");
});

vcan_test!(xl_frames_where_the_kernel_has_them, || {
    let s = CanSocket::new().unwrap();
    let no_xl = Error::Unsupported(Unsupported {
        feature: KernelFeature::CanXl,
        errno: Errno::NOPROTOOPT,
    });
    // Decided by the kernel's answer, not its version: a stable kernel may have taken CAN XL
    // in (Debian 12's 6.1.176 has it, measured).
    if let Err(e) = s.set_xl_frames(true) {
        // The kernel answers ENOPROTOOPT; the crate names what is missing.
        assert_eq!(e, no_xl);
        assert_eq!(s.xl_frames(), Err(no_xl));
        assert!(kernel_before(6, 2), "Linux 6.2 and later have CAN XL");
        skip!("this kernel has no CAN XL (needs Linux 6.2)")
    }
    add_vcan("vcxl", Some(CANXL_MTU as u32)).unwrap();
    let (rx, tx) = (bound("vcxl"), bound("vcxl"));
    rx.set_xl_frames(true).unwrap();
    tx.set_xl_frames(true).unwrap();
    assert!(rx.xl_frames().unwrap());
    let data: Vec<u8> = (0..2048u32).map(|i| i as u8).collect();
    for len in [1, 4, 64, 65, 2048] {
        let f = CanXlFrame::new(0x242, 3, 0xdead_beef, &data[..len])
            .unwrap()
            .with_sec(true);
        tx.send_xl_frame(&f).unwrap();
        let mut buf = CanXlFrame::empty();
        match rx.recv_xl_frame(&mut buf).unwrap() {
            CanRecv::Xl(got) => assert_eq!(got, &f, "len {len}"),
            other => panic!("{other:?}"),
        }
    }
    // Classic frames come through recv_xl_frame too; plain recv reports an XL frame as cut.
    tx.send(&std_frame(5, &[1, 2, 3])).unwrap();
    let mut buf = CanXlFrame::empty();
    assert_eq!(
        rx.recv_xl_frame(&mut buf).unwrap(),
        CanRecv::Frame(CanAnyFrame::Classic(std_frame(5, &[1, 2, 3])))
    );
    tx.send_xl_frame(&CanXlFrame::new(1, 0, 0, &[0; 100]).unwrap())
        .unwrap();
    // CAN does not tell the true length: the error says what was kept.
    assert_eq!(rx.recv(), Err(Error::Truncated { len: CANFD_MTU }));
});

#[test]
fn frames_print_as_can_utils_writes_them() {
    let f = CanFrame::new(CanId::standard(0x123).unwrap(), &[0xde, 0xad, 0xbe, 0xef]).unwrap();
    assert_eq!(f.to_string(), "123#DEADBEEF");
    let r = CanFrame::remote(CanId::standard(0x123).unwrap(), 2).unwrap();
    assert_eq!(r.to_string(), "123#R2");
    assert_eq!(
        CanFrame::remote(CanId::standard(5).unwrap(), 0)
            .unwrap()
            .to_string(),
        "005#R"
    );
    let e = CanFrame::new(CanId::extended(0x1234_5678).unwrap(), &[1]).unwrap();
    assert_eq!(e.to_string(), "12345678#01");
    let d = CanFrame::new(CanId::standard(1).unwrap(), &[0; 8])
        .unwrap()
        .with_len8_dlc(0xf)
        .unwrap();
    assert_eq!(d.to_string(), "001#0000000000000000_F");
    let fd = CanFdFrame::new(CanId::standard(0x123).unwrap(), &[0x11, 0x22])
        .unwrap()
        .with_bit_rate_switch(true);
    assert_eq!(fd.to_string(), "123##11122");
}

#[test]
fn can_utils_text_round_trips() {
    for text in [
        "123#DEADBEEF",
        "12345678#0102030405060708",
        "7FF#R",
        "001#R8",
        "123#1122334455667788_F",
        "123##311223344556677889900AABB",
        "20000204#0010000000006082",
    ] {
        assert_eq!(text.parse::<CanAnyFrame>().unwrap().to_string(), text);
    }
}

#[test]
fn xl_frames_print_as_can_utils_writes_them() {
    let f = CanXlFrame::new(0x242, 3, 0x1234_5678, &[0xaa, 0xbb])
        .unwrap()
        .with_sec(true);
    assert_eq!(f.to_string(), "242#03:81:12345678#AABB");
}

#[test]
fn the_kernel_layout_round_trips_every_fd_length() {
    for len in CANFD_LENGTHS {
        let data: Vec<u8> = (0..len as u8).collect();
        let f = CanFdFrame::new(CanId::extended(0x1fff_ffff).unwrap(), &data).unwrap();
        assert_eq!(CanAnyFrame::decode(&f.encode()), Ok(CanAnyFrame::Fd(f)));
    }
}

fn bcm(ifname: &str) -> can::BcmSocket {
    let s = can::BcmSocket::new().unwrap();
    s.connect(can_index(ifname)).unwrap();
    s.set_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

vcan_test!(bcm_cyclic_transmission_counts_and_expires, || {
    use can::*;
    let (b, rx) = (bcm("vc0"), bound("vc0"));
    let id = CanId::standard(0x321).unwrap();
    let f = std_frame(0x321, &[0xca, 0xfe]);
    let mut head = BcmHead::cyclic(id, 5, Duration::from_millis(5), Duration::ZERO);
    head.flags |= BcmFlags::TX_COUNT_EVENT;
    let mut buf = [0u8; bcm_message_len(1, false)];
    b.send(&head, BcmFrames::Classic(&[f]), &mut buf).unwrap();
    for _ in 0..5 {
        assert_eq!(rx.recv().unwrap(), CanAnyFrame::Classic(f));
    }
    let mut msg = [0u8; bcm_message_len(1, true)];
    let m = b.recv(&mut msg).unwrap();
    assert_eq!(
        (m.head().opcode, m.head().can_id),
        (BcmOpcode::TxExpired, id)
    );
    quiet(&rx); // ival2 is zero: nothing after the count

    // For good, until deleted; read back in between.
    let head = BcmHead::cyclic(id, 0, Duration::ZERO, Duration::from_millis(10));
    b.send(&head, BcmFrames::Classic(&[f]), &mut buf).unwrap();
    for _ in 0..3 {
        assert_eq!(rx.recv().unwrap(), CanAnyFrame::Classic(f));
    }
    b.send_head(&BcmHead::new(BcmOpcode::TxRead, id)).unwrap();
    let m = b.recv(&mut msg).unwrap();
    assert_eq!(m.head().opcode, BcmOpcode::TxStatus);
    assert_eq!(m.head().ival2, Duration::from_millis(10));
    assert_eq!(
        m.frames().collect::<Vec<_>>(),
        [Ok(CanAnyFrame::Classic(f))]
    );
    b.send_head(&BcmHead::new(BcmOpcode::TxDelete, id)).unwrap();
    // Frames sent before the delete may still be queued: drain them, then silence.
    rx.set_timeout(Some(Duration::ZERO)).unwrap();
    std::thread::sleep(Duration::from_millis(30));
    while rx.recv().is_ok() {}
    quiet(&rx);
    // Deleting what is not there is the kernel's EINVAL.
    assert_eq!(
        b.send_head(&BcmHead::new(BcmOpcode::TxDelete, id)),
        Err(Error::Os(Errno::INVAL))
    );
    // TX_SEND: one frame, now.
    b.send(
        &BcmHead::new(BcmOpcode::TxSend, id),
        BcmFrames::Classic(&[f]),
        &mut buf,
    )
    .unwrap();
    assert_eq!(rx.recv().unwrap(), CanAnyFrame::Classic(f));
});

vcan_test!(bcm_watches_content_and_absence, || {
    use can::*;
    let (b, tx) = (bcm("vc0"), bound("vc0"));
    let id = CanId::standard(0x100).unwrap();
    // Watch byte 0 only; time out after 100 ms without the frame.
    let mask = std_frame(0x100, &[0xff, 0, 0, 0]);
    let mut head = BcmHead::new(BcmOpcode::RxSetup, id);
    head.flags = BcmFlags::SET_TIMER | BcmFlags::START_TIMER;
    head.ival1 = Duration::from_millis(100);
    let mut buf = [0u8; bcm_message_len(1, false)];
    b.send(&head, BcmFrames::Classic(&[mask]), &mut buf)
        .unwrap();
    let mut msg = [0u8; bcm_message_len(1, true)];
    let changed = |b: &BcmSocket, msg: &mut [u8]| -> CanAnyFrame {
        let m = b.recv(msg).unwrap();
        assert_eq!(m.head().opcode, BcmOpcode::RxChanged);
        m.frames().next().unwrap().unwrap()
    };
    let f1 = std_frame(0x100, &[1, 2, 3, 4]);
    tx.send(&f1).unwrap();
    assert_eq!(changed(&b, &mut msg), CanAnyFrame::Classic(f1), "first");
    tx.send(&std_frame(0x100, &[1, 9, 9, 9])).unwrap(); // unwatched bytes changed
    let f2 = std_frame(0x100, &[2, 9, 9, 9]);
    tx.send(&f2).unwrap();
    assert_eq!(
        changed(&b, &mut msg),
        CanAnyFrame::Classic(f2),
        "byte 0 changed"
    );
    tx.send(&std_frame(0x101, &[7])).unwrap(); // another id
                                               // Then silence: RX_TIMEOUT.
    let m = b.recv(&mut msg).unwrap();
    assert_eq!(
        (m.head().opcode, m.head().can_id),
        (BcmOpcode::RxTimeout, id)
    );
    b.send_head(&BcmHead::new(BcmOpcode::RxDelete, id)).unwrap();
});

vcan_test!(bcm_carries_fd_frames, || {
    use can::*;
    let (b, rx) = (bcm("vcfd"), bound("vcfd"));
    rx.set_fd_frames(true).unwrap();
    let f = CanFdFrame::new(CanId::extended(0x1abc).unwrap(), &[0x5a; 48]).unwrap();
    let mut buf = [0u8; bcm_message_len(1, true)];
    b.send(
        &BcmHead::new(BcmOpcode::TxSend, f.id()),
        BcmFrames::Fd(&[f]),
        &mut buf,
    )
    .unwrap();
    assert_eq!(rx.recv().unwrap(), CanAnyFrame::Fd(f));
});

fn isotp(
    ifname: &str,
    rx: u16,
    tx: u16,
    setup: impl FnOnce(&can::IsoTpSocket),
) -> can::IsoTpSocket {
    let s = can::IsoTpSocket::new().unwrap();
    setup(&s);
    s.bind(
        can_index(ifname),
        CanId::standard(rx).unwrap(),
        CanId::standard(tx).unwrap(),
    )
    .unwrap();
    s.set_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

vcan_test!(isotp_messages_cross_whole_and_padded, || {
    use can::*;
    let sniff = bound("vc0");
    let opts = IsoTpOptions {
        flags: IsoTpFlags::TX_PADDING,
        tx_pad: 0xaa,
        ..IsoTpOptions::default()
    };
    let a = isotp("vc0", 0x7e8, 0x7e0, |s| {
        s.set_options(&opts).unwrap();
        assert_eq!(s.options().unwrap(), opts);
    });
    let fc = FlowControl {
        block_size: 4,
        st_min: 0,
        wft_max: 0,
    };
    let b = isotp("vc0", 0x7e0, 0x7e8, |s| {
        s.set_flow_control(&fc).unwrap();
        assert_eq!(s.flow_control().unwrap(), fc);
    });
    // Options after bind: the kernel's EISCONN.
    assert_eq!(a.set_options(&opts), Err(Error::Os(Errno::ISCONN)));

    // A single frame, padded to 8 bytes with 0xaa.
    a.send(&[0x02, 0x01, 0x00]).unwrap();
    let mut buf = [0u8; 8200];
    assert_eq!(b.recv(&mut buf).unwrap(), 3);
    assert_eq!(&buf[..3], &[0x02, 0x01, 0x00]);
    match sniff.recv().unwrap() {
        CanAnyFrame::Classic(f) => {
            assert_eq!(f.id(), CanId::standard(0x7e0).unwrap());
            assert_eq!(f.data(), &[0x03, 0x02, 0x01, 0x00, 0xaa, 0xaa, 0xaa, 0xaa]);
        }
        other => panic!("{other:?}"),
    }
    // 4000 bytes, segmented with flow control every 4 frames, and back the other way.
    let big: Vec<u8> = (0..4000u32).map(|i| (i * 7) as u8).collect();
    a.send(&big).unwrap();
    let n = b.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], &big[..]);
    b.send(&big[..100]).unwrap();
    let n = a.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], &big[..100]);
    // A buffer too small: the message is reported cut, not silently shortened.
    a.send(&big[..50]).unwrap();
    assert_eq!(b.recv(&mut buf[..20]), Err(Error::Truncated { len: 50 }));
    // Nothing waiting: the timeout.
    b.set_timeout(Some(Duration::from_millis(50))).unwrap();
    assert_eq!(b.recv(&mut buf), Err(Error::Timeout));
});

/// The longest ISO-TP message this kernel takes (net/can/isotp.c): from Linux 6.4 the module
/// parameter `max_pdu_size`; before, `MAX_MSG_LENGTH`: 66000 since 5.18, 8200 before, or
/// `None` there: stable kernels took the larger size too (Debian 11's 5.10.223 sends 8201
/// bytes, measured), so only a send tells.
fn isotp_max_len() -> Option<usize> {
    let param = "/sys/module/can_isotp/parameters/max_pdu_size";
    if let Ok(text) = std::fs::read_to_string(param) {
        return Some(text.trim().parse().unwrap());
    }
    assert!(kernel_before(6, 4), "this kernel has no {param}");
    if kernel_before(5, 18) {
        None
    } else {
        Some(66000)
    }
}

vcan_test!(isotp_message_at_the_kernels_maximum, || {
    use can::*;
    let max = isotp_max_len();
    // Over CAN FD: 64-byte frames, a ninth of the classic ones (66000 bytes in classic
    // frames take 40 s under TCG).
    let ll = LinkLayer {
        fd: true,
        tx_dl: 64,
        tx_flags: 0,
    };
    let a = isotp("vcfd", 0x710, 0x718, |s| s.set_link_layer(&ll).unwrap());
    let b = isotp("vcfd", 0x718, 0x710, |s| s.set_link_layer(&ll).unwrap());
    b.set_timeout(Some(Duration::from_secs(60))).unwrap();
    let max = max.unwrap_or_else(|| {
        // Before 5.18: 8200 bytes, or 66000 where the kernel took the larger size.
        let probe = vec![7u8; 8201];
        match a.send(&probe) {
            Err(Error::Os(Errno::INVAL)) => 8200,
            Ok(()) => {
                let mut buf = vec![0u8; 8202];
                assert_eq!(b.recv(&mut buf).unwrap(), 8201);
                66000
            }
            other => panic!("8201 bytes: {other:?}"),
        }
    });
    // Past 4095 bytes the first frame's length is the 32-bit escape (ISO 15765-2:2016).
    let msg: Vec<u8> = (0..max as u32).map(|i| (i ^ (i >> 8)) as u8).collect();
    a.send(&msg).unwrap();
    let mut buf = vec![0u8; max + 1];
    let n = b.recv(&mut buf).unwrap();
    assert_eq!(n, max);
    assert!(
        buf[..n] == msg[..],
        "the {max}-byte message arrived changed"
    );
    // One byte more is the kernel's EINVAL, and nothing is sent.
    let mut more = msg;
    more.push(0);
    assert_eq!(a.send(&more), Err(Error::Os(Errno::INVAL)), "{max} + 1");
    b.set_timeout(Some(Duration::from_millis(100))).unwrap();
    assert_eq!(b.recv(&mut buf), Err(Error::Timeout));
});

vcan_test!(isotp_over_can_fd, || {
    use can::*;
    let ll = LinkLayer {
        fd: true,
        tx_dl: 64,
        tx_flags: 0,
    };
    let a = isotp("vcfd", 0x100, 0x200, |s| {
        s.set_link_layer(&ll).unwrap();
        assert_eq!(s.link_layer().unwrap(), ll);
    });
    let b = isotp("vcfd", 0x200, 0x100, |s| s.set_link_layer(&ll).unwrap());
    let sniff = bound("vcfd");
    sniff.set_fd_frames(true).unwrap();
    let msg: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    a.send(&msg).unwrap();
    let mut buf = [0u8; 2000];
    let n = b.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], &msg[..]);
    // The first frame on the bus is an FD first frame of 64 bytes.
    assert!(matches!(sniff.recv().unwrap(), CanAnyFrame::Fd(f) if f.data().len() == 64));
    // Bad link layers are named errors before the kernel sees them.
    let s = IsoTpSocket::new().unwrap();
    for (fd, dl) in [(true, 9), (true, 65), (false, 12), (true, 0)] {
        assert_eq!(
            s.set_link_layer(&LinkLayer {
                fd,
                tx_dl: dl,
                tx_flags: 0
            }),
            Err(Error::Can(CanInputError::InvalidLength { len: dl.into() }))
        );
    }
    assert_eq!(
        s.set_options(&IsoTpOptions {
            frame_txtime: Duration::from_secs(5),
            ..IsoTpOptions::default()
        }),
        Err(Error::Input(InputError::DurationOutOfRange))
    );
});

fn j1939(addr: u8, pgn: u32) -> can::J1939Socket {
    let s = can::J1939Socket::new().unwrap();
    s.bind(can_index("vc0"), J1939_NO_NAME, pgn, addr).unwrap();
    s.set_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

vcan_test!(j1939_messages_by_pgn_and_address, || {
    use can::*;
    let sniff = bound("vc0");
    sniff
        .set_filters(&[CanFilter::raw(0x8000_0000, 0x8000_0000)])
        .unwrap(); // extended ids
    let (a, b) = (j1939(0x20, J1939_NO_PGN), j1939(0x30, J1939_NO_PGN));
    let mut buf = [0u8; 2000];

    // One frame: PGN 0x12300 (PDU1, so the destination goes in the id), priority 3.
    a.set_send_priority(3).unwrap();
    assert_eq!(a.send_priority().unwrap(), 3);
    a.send_to(&[1, 2, 3], 0x12300, 0x30).unwrap();
    let (n, meta) = b.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], &[1, 2, 3]);
    assert_eq!(
        (meta.source_addr, meta.pgn, meta.dest_addr, meta.priority),
        (0x20, 0x12300, Some(0x30), Some(3))
    );
    match sniff.recv().unwrap() {
        // priority 3 << 26 | data page 1 << 24 | PF 0x23 << 16 | destination 0x30 << 8 | source
        CanAnyFrame::Classic(f) => assert_eq!(f.id(), CanId::Extended(0x0d23_3020)),
        other => panic!("{other:?}"),
    }

    // 1000 bytes: the transport protocol, reassembled by the kernel.
    let big: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
    a.send_to(&big, 0x12300, 0x30).unwrap();
    let (n, meta) = b.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], meta.source_addr), (&big[..], 0x20));

    // Broadcasts need SO_BROADCAST, to send and to receive.
    assert_eq!(
        a.send_to(&[9], 0x1fe00, J1939_NO_ADDR),
        Err(Error::Os(Errno::ACCESS))
    );
    a.set_broadcast(true).unwrap();
    b.set_broadcast(true).unwrap();
    a.send_to(&[9], 0x1fe00, J1939_NO_ADDR).unwrap();
    let (n, meta) = b.recv_from(&mut buf).unwrap();
    assert_eq!(
        (&buf[..n], meta.pgn, meta.dest_addr),
        (&[9][..], 0x1fe00, None),
        "the kernel names no destination for a broadcast"
    );

    // Filters: only PGN 0x1fe00 from now on.
    b.set_filters(&[J1939Filter::pgn(0x1fe00)]).unwrap();
    a.send_to(&[1], 0x12300, 0x30).unwrap();
    a.send_to(&[2], 0x1fe00, J1939_NO_ADDR).unwrap();
    let (n, meta) = b.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], meta.pgn), (&[2][..], 0x1fe00));
    b.set_filters(&[]).unwrap();

    // A third node sees traffic between others only when promiscuous.
    let c = j1939(0x40, J1939_NO_PGN);
    c.set_promiscuous(true).unwrap();
    a.send_to(&[7, 7], 0x12300, 0x30).unwrap();
    let (n, meta) = c.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], meta.dest_addr), (&[7, 7][..], Some(0x30)));
    assert_eq!(
        b.recv_from(&mut buf).unwrap().0,
        2,
        "and b, its destination"
    );

    // Bad input gets named errors.
    assert_eq!(
        a.set_send_priority(8),
        Err(Error::Can(CanInputError::InvalidPriority { priority: 8 }))
    );
    let many = [J1939Filter::default(); J1939_FILTER_MAX + 1];
    assert_eq!(
        b.set_filters(&many),
        Err(Error::Can(CanInputError::TooManyFilters {
            count: J1939_FILTER_MAX as u32 + 1
        }))
    );
    // Too small a buffer: reported, not cut silently.
    a.send_to(&big[..100], 0x12300, 0x30).unwrap();
    let r = b.recv_from(&mut buf[..10]);
    assert!(matches!(r, Err(Error::Truncated { .. })), "{r:?}");
});

vcan_test!(j1939_connected_and_bound_to_a_pgn, || {
    let (a, b) = (j1939(0x21, J1939_NO_PGN), j1939(0x31, 0x12400));
    a.connect(J1939_NO_NAME, 0x12400, 0x31).unwrap();
    a.send(&[5, 6]).unwrap();
    let mut buf = [0u8; 64];
    let (n, meta) = b.recv_from(&mut buf).unwrap();
    assert_eq!((&buf[..n], meta.pgn), (&[5, 6][..], 0x12400));
    // b is bound to PGN 0x12400: another PGN does not reach it.
    a.send_to(&[1], 0x12300, 0x31).unwrap();
    b.set_timeout(Some(Duration::from_millis(100))).unwrap();
    assert_eq!(b.recv_from(&mut buf).map(|r| r.0), Err(Error::Timeout));
    // Unbound: the kernel's EBADFD.
    let u = can::J1939Socket::new().unwrap();
    assert_eq!(u.send_to(&[1], 0x12300, 0x31), Err(Error::Os(Errno::BADFD)));
});

vcan_test!(j1939_address_claim_and_names, || {
    use can::*;
    const NAME: u64 = 0x00a0_0000_0012_3456;
    let b = j1939(0x31, J1939_NO_PGN);
    let a = can::J1939Socket::new().unwrap();
    a.set_timeout(Some(Duration::from_secs(5))).unwrap();
    a.set_broadcast(true).unwrap();
    // Bound by NAME, with the address it is about to claim.
    a.bind(can_index("vc0"), NAME, J1939_NO_PGN, 0x50).unwrap();
    // Sending before the claim: the kernel's EADDRNOTAVAIL, named.
    assert_eq!(
        a.send_to(&[1], 0x12300, 0x31),
        Err(Error::Can(CanInputError::J1939AddressNotClaimed {
            name: J1939Name::new(NAME),
            party: J1939Party::Source
        }))
    );
    // The claim: our NAME, little-endian, broadcast on PGN 0xee00; valid after 250 ms.
    a.send_to(
        &NAME.to_le_bytes(),
        J1939_PGN_ADDRESS_CLAIMED,
        J1939_NO_ADDR,
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    a.send_to(&[2], 0x12300, 0x31).unwrap();
    let mut buf = [0u8; 16];
    let (n, meta) = b.recv_from(&mut buf).unwrap();
    assert_eq!(
        (&buf[..n], meta.source_addr, meta.source_name),
        (&[2][..], 0x50, NAME)
    );
    // A destination NAME nobody has claimed, from a socket without a NAME...
    let r = b.send_to_name(&[3], 0x12300, 0x1111);
    assert_eq!(
        r,
        Err(Error::Can(CanInputError::J1939AddressNotClaimed {
            name: J1939Name::new(0x1111),
            party: J1939Party::Destination
        }))
    );
    assert_eq!(r.unwrap_err().errno(), Some(Errno::ADDRNOTAVAIL));
    // ... and from one with a claimed NAME: the kernel does not say which end it was.
    assert_eq!(
        a.send_to_name(&[3], 0x12300, 0x1111),
        Err(Error::Can(CanInputError::J1939AddressNotClaimed {
            name: J1939Name::new(NAME),
            party: J1939Party::SourceOrDestination
        }))
    );
    // Connected to that NAME: the same from send.
    a.connect(0x1111, 0x12300, J1939_NO_ADDR).unwrap();
    assert_eq!(
        a.send(&[4]),
        Err(Error::Can(CanInputError::J1939AddressNotClaimed {
            name: J1939Name::new(NAME),
            party: J1939Party::SourceOrDestination
        }))
    );
});
