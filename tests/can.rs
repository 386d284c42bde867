//! CAN codecs: frames in can-utils' text form, on every architecture. (Socket tests need a
//! kernel with CAN and a vcan interface: they come with the CAN sockets and run in the VMs.)

use baresock::*;

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
