use super::*;
use core::mem::{offset_of, size_of};
use linux_raw_sys::if_packet as kp;

#[test]
fn auxdata_layout_matches_uapi() {
    assert_eq!(size_of::<kp::tpacket_auxdata>(), AUXDATA_LEN);
    assert_eq!(offset_of!(kp::tpacket_auxdata, tp_status), 0);
    assert_eq!(offset_of!(kp::tpacket_auxdata, tp_len), 4);
    assert_eq!(offset_of!(kp::tpacket_auxdata, tp_snaplen), 8);
    assert_eq!(offset_of!(kp::tpacket_auxdata, tp_mac), 12);
    assert_eq!(offset_of!(kp::tpacket_auxdata, tp_net), 14);
    assert_eq!(offset_of!(kp::tpacket_auxdata, tp_vlan_tci), 16);
    assert_eq!(offset_of!(kp::tpacket_auxdata, tp_vlan_tpid), 18);
}

/// A `tpacket_auxdata`, each field where linux-raw-sys says it lies.
fn auxdata(status: u32, len: u32, snaplen: u32, tci: u16, tpid: u16) -> [u8; AUXDATA_LEN] {
    let mut b = [0u8; AUXDATA_LEN];
    let mut put = |at: usize, v: &[u8]| b[at..at + v.len()].copy_from_slice(v);
    put(
        offset_of!(kp::tpacket_auxdata, tp_status),
        &status.to_ne_bytes(),
    );
    put(offset_of!(kp::tpacket_auxdata, tp_len), &len.to_ne_bytes());
    put(
        offset_of!(kp::tpacket_auxdata, tp_snaplen),
        &snaplen.to_ne_bytes(),
    );
    put(
        offset_of!(kp::tpacket_auxdata, tp_mac),
        &14u16.to_ne_bytes(),
    );
    put(
        offset_of!(kp::tpacket_auxdata, tp_net),
        &34u16.to_ne_bytes(),
    );
    put(
        offset_of!(kp::tpacket_auxdata, tp_vlan_tci),
        &tci.to_ne_bytes(),
    );
    put(
        offset_of!(kp::tpacket_auxdata, tp_vlan_tpid),
        &tpid.to_ne_bytes(),
    );
    b
}

/// Original length, snap length, VLAN tag.
type Aux = (u32, u32, Option<(u16, u16)>);

fn decoded(data: &[u8]) -> Option<Aux> {
    let cm = RawCmsg {
        level: k::SOL_PACKET as i32,
        ty: PACKET_AUXDATA as i32,
        data,
    };
    match decode(cm) {
        ControlMessage::PacketAux {
            original_len,
            snap_len,
            vlan,
        } => Some((original_len, snap_len, vlan)),
        _ => None,
    }
}

#[test]
fn auxdata_decodes_where_the_kernel_writes() {
    let both = kp::TP_STATUS_VLAN_VALID | kp::TP_STATUS_VLAN_TPID_VALID;
    let tagged = auxdata(both, 1500, 96, 0x602a, 0x88a8);
    assert_eq!(decoded(&tagged), Some((1500, 96, Some((0x602a, 0x88a8)))));
    // A tag without a TPID is 802.1Q's.
    let q = auxdata(kp::TP_STATUS_VLAN_VALID, 60, 60, 42, 0);
    assert_eq!(decoded(&q), Some((60, 60, Some((42, 0x8100)))));
    let untagged = auxdata(0, 60, 60, 42, 0x88a8);
    assert_eq!(decoded(&untagged), Some((60, 60, None)));
    // Another length is not a tpacket_auxdata.
    assert_eq!(decoded(&tagged[..16]), None);
}
