//! CAN: codecs in can-utils' text form, on every architecture; raw sockets on vcan
//! interfaces in a namespace of their own (root and a kernel with CAN: the VMs).

mod common;

use std::time::Duration;

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
    let mut small = [CanFilter::default(); 1];
    assert!(matches!(
        rx.filters(&mut small),
        Err(Error::BufferTooSmall { .. })
    ));
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
        Err(Error::TooManyFilters {
            count: CAN_FILTER_MAX + 1
        })
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
            assert_eq!((e.controller, e.counters), (0x10, Some((0x60, 0x82))));
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
        tx.send_fd(&f),
        Err(Error::Os(Errno::INVAL)),
        "FD mode is off"
    );
    assert!(!tx.fd_frames().unwrap());
    tx.set_fd_frames(true).unwrap();
    rx.set_fd_frames(true).unwrap();
    assert!(tx.fd_frames().unwrap());
    tx.send_fd(&f).unwrap();
    assert_eq!(rx.recv().unwrap(), CanAnyFrame::Fd(f));
    quiet(&classic); // a socket without FD mode does not get FD frames
                     // A classic bus refuses FD frames.
    let on_classic = bound("vc0");
    on_classic.set_fd_frames(true).unwrap();
    assert_eq!(on_classic.send_fd(&f), Err(Error::Os(Errno::INVAL)));
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
    match s.set_xl_frames(true) {
        Err(Error::CanXlUnsupported) => {
            assert_eq!(s.xl_frames(), Err(Error::CanXlUnsupported));
            skip!("this kernel has no CAN XL (Linux 6.2+): CanXlUnsupported, as it should")
        }
        r => r.unwrap(),
    }
    let nl = rtnl::socket().unwrap();
    rtnl::add_link(&nl, "vcxl", "vcan", Some(CANXL_MTU as u32)).unwrap();
    rtnl::set_up(&nl, can_index("vcxl")).unwrap();
    let (rx, tx) = (bound("vcxl"), bound("vcxl"));
    rx.set_xl_frames(true).unwrap();
    tx.set_xl_frames(true).unwrap();
    assert!(rx.xl_frames().unwrap());
    let data: Vec<u8> = (0..2048u32).map(|i| i as u8).collect();
    for len in [1, 4, 64, 65, 2048] {
        let f = CanXlFrame::new(0x242, 3, 0xdead_beef, &data[..len])
            .unwrap()
            .with_sec(true);
        tx.send_xl(&f).unwrap();
        let mut buf = CanXlFrame::empty();
        match rx.recv_xl(&mut buf).unwrap() {
            CanRecv::Xl(got) => assert_eq!(got, &f, "len {len}"),
            other => panic!("{other:?}"),
        }
    }
    // Classic frames come through recv_xl too; plain recv reports an XL frame as cut.
    tx.send(&std_frame(5, &[1, 2, 3])).unwrap();
    let mut buf = CanXlFrame::empty();
    assert_eq!(
        rx.recv_xl(&mut buf).unwrap(),
        CanRecv::Frame(CanAnyFrame::Classic(std_frame(5, &[1, 2, 3])))
    );
    tx.send_xl(&CanXlFrame::new(1, 0, 0, &[0; 100]).unwrap())
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
        assert_eq!(
            CanAnyFrame::from_bytes(&f.to_bytes()),
            Ok(CanAnyFrame::Fd(f))
        );
    }
}
