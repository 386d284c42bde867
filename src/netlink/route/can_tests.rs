//! The CAN link view against hand-made replies: every field read, and hostile sizes named.

use super::*;
use crate::netlink::route::link::IFLA_IFNAME;
use crate::netlink::route::LinkFlags;
use crate::netlink::{MessageWriter, Messages};

/// Two `u16`s in the machine's order (the kernel's structs are native-endian; s390x runs
/// these tests too).
fn ne16x2(a: u16, b: u16) -> [u8; 4] {
    let (a, b) = (a.to_ne_bytes(), b.to_ne_bytes());
    [a[0], a[1], b[0], b[1]]
}

/// Two `u32`s in the machine's order.
fn ne32x2(a: u32, b: u32) -> [u8; 8] {
    let (a, b) = (a.to_ne_bytes(), b.to_ne_bytes());
    [a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]]
}

/// An `RTM_NEWLINK` message for link 7 `can0`, with the CAN data `data` writes.
fn link(buf: &mut [u8], kind: &str, data: impl FnOnce(&mut MessageWriter<'_>)) -> usize {
    let mut w = MessageWriter::new(buf);
    w.begin(RTM_NEWLINK, MessageFlags::empty())
        .fixed(&ifinfomsg(7, LinkFlags::UP.bits(), 0));
    w.put_str(IFLA_IFNAME, "can0");
    let info = w.begin_nested(IFLA_LINKINFO);
    w.put_str(IFLA_INFO_KIND, kind);
    w.put_bytes(
        IFLA_INFO_XSTATS,
        &[1u32, 2, 3, 4, 5, 6].map(u32::to_ne_bytes).concat_24(),
    );
    let d = w.begin_nested(IFLA_INFO_DATA);
    data(&mut w);
    w.end_nested(d);
    w.end_nested(info);
    w.finish().unwrap().as_bytes().len()
}

trait Concat {
    fn concat_24(&self) -> [u8; 24];
}
impl Concat for [[u8; 4]; 6] {
    fn concat_24(&self) -> [u8; 24] {
        let mut out = [0u8; 24];
        for (c, v) in out.chunks_exact_mut(4).zip(self) {
            c.copy_from_slice(v);
        }
        out
    }
}

fn view<'a>(buf: &'a [u8]) -> CanLink<'a> {
    let m = Messages::new(buf).unwrap().into_iter().next().unwrap();
    CanLink::from_message(m).unwrap()
}

#[test]
fn every_field_is_read() {
    let mut buf = [0u8; 512];
    let t = CanBitTiming {
        bitrate: 500_000,
        sample_point: 875,
        tq: 125,
        prop_seg: 6,
        phase_seg1: 7,
        phase_seg2: 2,
        sjw: 1,
        brp: 1,
    };
    let mut c = [0u8; 48];
    c[..7].copy_from_slice(b"sja1000");
    for (i, v) in [1u32, 16, 1, 8, 4, 1, 64, 1].iter().enumerate() {
        c[16 + 4 * i..20 + 4 * i].copy_from_slice(&v.to_ne_bytes());
    }
    let n = link(&mut buf, "can", |w| {
        w.put_bytes(IFLA_CAN_BITTIMING, &t.to_bytes());
        w.put_bytes(IFLA_CAN_BITTIMING_CONST, &c);
        w.put_u32(IFLA_CAN_CLOCK, 8_000_000);
        w.put_u32(IFLA_CAN_STATE, 3);
        w.put_bytes(IFLA_CAN_CTRLMODE, &ne32x2(0, 0x0a)); // mask, flags
        w.put_u32(IFLA_CAN_RESTART_MS, 100);
        w.put_bytes(IFLA_CAN_BERR_COUNTER, &ne16x2(1, 2));
        w.put_u16(IFLA_CAN_TERMINATION, 120);
        w.put_bytes(IFLA_CAN_TERMINATION_CONST, &ne16x2(0, 120));
        w.put_u32(IFLA_CAN_BITRATE_MAX, 1_000_000);
        let ext = w.begin_nested(IFLA_CAN_CTRLMODE_EXT);
        w.put_u32(IFLA_CAN_CTRLMODE_SUPPORTED, 0x1f);
        w.end_nested(ext);
    });
    let l = view(&buf[..n]);
    let link = l.link();
    assert_eq!((link.index(), link.name().unwrap()), (7, "can0"));
    assert!(link.flags().contains(LinkFlags::UP));
    assert!(l.is_can());
    assert_eq!(l.bit_timing().unwrap(), Some(t));
    let k = l.bit_timing_const().unwrap().unwrap();
    assert_eq!(
        (
            k.name(),
            k.tseg1_min(),
            k.tseg1_max(),
            k.tseg2_max(),
            k.sjw_max(),
            k.brp_max()
        ),
        ("sja1000", 1, 16, 8, 4, 64)
    );
    assert_eq!(l.clock().unwrap(), Some(8_000_000));
    assert_eq!(l.state().unwrap(), Some(CanState::BusOff));
    assert_eq!(
        l.ctrl_mode().unwrap(),
        Some(CanCtrlMode::LISTEN_ONLY | CanCtrlMode::ONE_SHOT)
    );
    assert_eq!(
        l.ctrl_mode_supported().unwrap(),
        Some(CanCtrlMode::from_bits_retain(0x1f))
    );
    assert_eq!(l.restart_ms().unwrap(), Some(100));
    let b = l.berr_counter().unwrap().unwrap();
    assert_eq!((b.txerr, b.rxerr), (1, 2));
    assert_eq!(l.termination().unwrap(), Some(120));
    let terms: [u32; 2] = {
        let mut it = l.termination_const().unwrap().unwrap();
        [it.next().unwrap(), it.next().unwrap()]
    };
    assert_eq!(terms, [0, 120]);
    assert_eq!(l.bitrate_max().unwrap(), Some(1_000_000));
    let s = l.device_stats().unwrap().unwrap();
    assert_eq!((s.bus_error, s.restarts), (1, 6));
    assert!(l.data_bit_timing().unwrap().is_none());
    assert!(l.bitrate_const().unwrap().is_none());
}

#[test]
fn a_vcan_has_no_can_data() {
    let mut buf = [0u8; 256];
    let n = link(&mut buf, "vcan", |_| {});
    let l = view(&buf[..n]);
    assert!(!l.is_can());
    assert_eq!(l.link().kind().unwrap(), Some("vcan"));
    assert_eq!(l.bit_timing().unwrap(), None);
    assert_eq!(l.state().unwrap(), None);
}

#[test]
fn hostile_sizes_are_named() {
    let mut buf = [0u8; 256];
    let n = link(&mut buf, "can", |w| {
        w.put_bytes(IFLA_CAN_BITTIMING, &[0; 31]);
        w.put_bytes(IFLA_CAN_BITTIMING_CONST, &[0xff; 48]);
        w.put_u16(IFLA_CAN_STATE, 0);
        w.put_bytes(IFLA_CAN_BITRATE_CONST, &[0; 6]);
        w.put_u32(IFLA_CAN_CTRLMODE_EXT, 1);
    });
    let l = view(&buf[..n]);
    let size = |e: Error| matches!(e, Error::Netlink(NetlinkError::AttributeSize { .. }));
    assert!(size(l.bit_timing().unwrap_err()));
    assert!(size(l.state().unwrap_err()));
    assert!(size(l.bitrate_const().unwrap_err()));
    assert!(l.ctrl_mode_supported().is_err());
    // A name that is not UTF-8 reads as what of it is.
    assert_eq!(l.bit_timing_const().unwrap().unwrap().name(), "");
    assert_eq!(CanState::from_raw(9), CanState::Other(9));
}

#[test]
fn a_config_names_only_what_it_sets() {
    let c = CanConfig::new()
        .ctrl_mode(CanCtrlMode::LOOPBACK | CanCtrlMode::ONE_SHOT, true)
        .ctrl_mode(CanCtrlMode::LOOPBACK, false);
    assert_eq!(c.ctrl_mask, CanCtrlMode::LOOPBACK | CanCtrlMode::ONE_SHOT);
    assert_eq!(c.ctrl_flags, CanCtrlMode::ONE_SHOT);
    assert_eq!(CanConfig::new(), CanConfig::default());
    let t = CanBitTiming::from_bitrate(1).with_sample_point(2);
    assert_eq!(
        &t.to_bytes()[..8],
        &[1u32.to_ne_bytes(), 2u32.to_ne_bytes()].concat()[..]
    );
}

#[test]
fn refusals_are_named() {
    let r = |errno| {
        CanRefusal::of(
            &Error::Netlink(NetlinkError::Refused {
                errno,
                attribute: None,
                parent: None,
                message: false,
            }),
            None,
        )
    };
    assert_eq!(r(Errno::DOM), Some(CanRefusal::BitrateUnreachable));
    assert_eq!(r(Errno::INVAL), Some(CanRefusal::Invalid));
    assert_eq!(r(Errno::OPNOTSUPP), Some(CanRefusal::Unsupported));
    assert_eq!(r(Errno::PERM), None);
    let e = Error::Netlink(NetlinkError::NoReply);
    assert_eq!(CanRefusal::of(&e, Some("bitrate error: 1% too high")), None);
    // Linux 6.3 and later: EINVAL with the text for an unreachable bit rate; another
    // EINVAL text stays Invalid.
    let inval = Error::Netlink(NetlinkError::Refused {
        errno: Errno::INVAL,
        attribute: None,
        parent: None,
        message: true,
    });
    let text = "bitrate error: 33.33% too high";
    assert_eq!(
        CanRefusal::of(&inval, Some(text)),
        Some(CanRefusal::BitrateUnreachable)
    );
    let other = Some("bitrate error: 0.50%");
    assert_eq!(CanRefusal::of(&inval, other), Some(CanRefusal::Invalid));
}
