//! CAN links over rtnetlink where there is no CAN controller: what a vcan (no bit timing at
//! all) and a link that is no CAN device answer to CAN requests, and the failure paths of
//! the calls (no such link, a buffer too small). The real controller's answers are tested
//! in the VMs (tests/vm_guest.rs, `kvaser`). Namespaces of the tests' own, as root.
#![cfg(all(feature = "netlink", feature = "can"))]
#![allow(unsafe_code)] // a test may use raw calls itself (unshare); the library may not

mod common;

use baresock::netlink::route::*;
use baresock::netlink::{NetlinkError, RECOMMENDED_BUFFER};
use baresock::{Errno, Error};

/// A handle with a 5 s bound on each exchange.
fn rtnl(buf: &mut [u8]) -> Rtnl<'_> {
    common::rtnl::open(buf).unwrap()
}

/// The loopback link (index 1 in a new namespace) is no CAN controller: its view has no CAN
/// data, and CAN requests on it are refused with `EOPNOTSUPP` (its link ops are not CAN's,
/// or the kernel has no CAN at all).
#[test]
fn a_link_that_is_no_can_controller_is_refused() {
    let r = common::in_netns(|| {
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = rtnl(&mut buf);
        let lo = rtnl.can_link(1).unwrap();
        assert_eq!(lo.link().name().unwrap(), "lo");
        assert!(!lo.is_can());
        assert_eq!(lo.link().kind().unwrap(), None);
        assert_eq!(lo.bit_timing().unwrap(), None);
        assert_eq!(lo.device_stats().unwrap(), None);
        for (what, r) in [
            (
                "bitrate",
                rtnl.set_can(1, &CanConfig::new().bitrate(500_000)),
            ),
            ("restart", rtnl.restart_can(1)),
        ] {
            let e = r.unwrap_err();
            assert_eq!(
                CanRefusal::of(&e, rtnl.client().ext_ack_message()),
                Some(CanRefusal::Unsupported),
                "{what}: {e}"
            );
            assert_eq!(e.errno(), Some(Errno::OPNOTSUPP));
        }
    });
    if let Err(why) = r {
        println!("skipped: {why}");
    }
}

/// A link that does not exist: `ENODEV` from each call.
#[test]
fn no_such_link() {
    let mut buf = vec![0u8; RECOMMENDED_BUFFER];
    let mut rtnl = rtnl(&mut buf);
    let missing = i32::MAX as u32;
    let e = rtnl.can_link(missing).unwrap_err();
    assert!(e.is_no_such_interface(), "{e}");
    for r in [
        rtnl.set_can(missing, &CanConfig::new().restart_ms(10)),
        rtnl.restart_can(missing),
        rtnl.set_up(missing),
    ] {
        let e = r.unwrap_err();
        assert!(e.is_no_such_interface(), "{e}");
        assert_eq!(CanRefusal::of(&e, rtnl.client().ext_ack_message()), None);
    }
}

/// A reply larger than the caller's buffer is named with its size, and the handle works on.
#[test]
fn a_buffer_too_small_is_named() {
    let mut buf = [0u8; 64];
    let mut rtnl = rtnl(&mut buf);
    match rtnl.can_link(1) {
        Err(Error::Netlink(NetlinkError::ReplyTooLarge { needed })) => assert!(needed > 64),
        r => panic!("{r:?}"),
    }
    assert!(rtnl.set_up(i32::MAX as u32).is_err());
}

/// What a vcan answers: its kind, no bit timing, no state; a bit timing, a restart or a
/// control mode asked of it refused with `EOPNOTSUPP` (a vcan's link ops have no CAN data),
/// named [`CanRefusal::Unsupported`]; it goes up and down without any.
#[test]
fn a_vcan_has_no_bit_timing() {
    let r = common::in_netns_with_vcan(|| {
        let index = common::can_index("vc0");
        let mut buf = vec![0u8; RECOMMENDED_BUFFER];
        let mut rtnl = rtnl(&mut buf);
        let link = rtnl.can_link(index).unwrap();
        assert_eq!(link.link().kind().unwrap(), Some("vcan"));
        assert!(!link.is_can() && link.link().flags().contains(LinkFlags::UP));
        assert_eq!(link.bit_timing().unwrap(), None);
        assert_eq!(link.bit_timing_const().unwrap(), None);
        assert_eq!(link.state().unwrap(), None);
        for (what, config) in [
            ("bitrate", CanConfig::new().bitrate(500_000)),
            ("restart-ms", CanConfig::new().restart_ms(100)),
            (
                "loopback",
                CanConfig::new().ctrl_mode(CanCtrlMode::LOOPBACK, true),
            ),
        ] {
            let e = rtnl.set_can(index, &config).unwrap_err();
            assert_eq!(
                CanRefusal::of(&e, rtnl.client().ext_ack_message()),
                Some(CanRefusal::Unsupported),
                "{what}: {e}"
            );
            println!(
                "vcan {what}: {e} (ext-ack {:?})",
                rtnl.client().ext_ack_message()
            );
        }
        let e = rtnl.restart_can(index).unwrap_err();
        assert_eq!(
            CanRefusal::of(&e, rtnl.client().ext_ack_message()),
            Some(CanRefusal::Unsupported),
            "{e}"
        );
        rtnl.set_down(index).unwrap();
        assert!(!rtnl.link(index).unwrap().flags().contains(LinkFlags::UP));
        rtnl.set_up(index).unwrap();
        assert!(rtnl.link(index).unwrap().flags().contains(LinkFlags::UP));
    });
    if let Err(why) = r {
        println!("skipped: no vcan in this kernel ({why})");
    }
}
