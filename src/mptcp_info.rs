//! `MPTCP_INFO` as a typed value, decoded from the kernel's bytes (struct mptcp_info,
//! linux/mptcp.h). Its layout is the same on every architecture; it grew with kernel
//! versions, and the kernel copies as much of it as it has and the caller asked for.

use core::time::Duration;

use crate::{Error, InputError, Result};

/// An MPTCP connection's state and counters, from `MPTCP_INFO` (`SOL_MPTCP`).
///
/// The fields of the struct's first form (Linux 5.9, 40 bytes) are plain values; later ones
/// are `Option`s, `None` when the kernel's answer is shorter than the struct of the version
/// that brought them (48 bytes in 5.12, 80 in 6.5, 88 in 6.8, 96 in 6.10). Linux 6.1 answers
/// 48 bytes, 6.10 and later 96.
///
/// Read it with [`TcpStream::mptcp_info`](crate::TcpStream::mptcp_info) (or
/// [`Socket::mptcp_info`](crate::Socket::mptcp_info)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct MptcpInfo {
    /// Subflows beyond the first one (`mptcpi_subflows`, also named `mptcpi_extra_subflows`):
    /// 0 on a connection over one path.
    pub subflows: u8,
    /// Addresses announced to the peer (`ADD_ADDR` sent).
    pub add_addr_signal: u8,
    /// Addresses the peer announced and were accepted.
    pub add_addr_accepted: u8,
    /// The limit of extra subflows (the path manager's `subflows` limit).
    pub subflows_max: u8,
    /// The limit of addresses to announce (`signal` endpoints).
    pub add_addr_signal_max: u8,
    /// The limit of announced addresses to accept.
    pub add_addr_accepted_max: u8,
    /// Flags: bit 0 the connection fell back to TCP (`MPTCP_INFO_FLAG_FALLBACK`), bit 1 the
    /// peer's key was received (`MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED`).
    pub flags: u32,
    /// The connection's token (local).
    pub token: u32,
    /// The next data sequence number to send.
    pub write_seq: u64,
    /// The oldest data sequence number not yet acknowledged.
    pub snd_una: u64,
    /// The next data sequence number expected from the peer.
    pub rcv_nxt: u64,
    /// Local addresses in use for subflows (Linux 5.12).
    pub local_addr_used: Option<u8>,
    /// The limit of local addresses for subflows (Linux 5.12).
    pub local_addr_max: Option<u8>,
    /// Whether DSS checksums are on (Linux 5.14).
    pub csum_enabled: Option<bool>,
    /// Retransmissions at the MPTCP level (Linux 6.5).
    pub retransmits: Option<u32>,
    /// Bytes retransmitted at the MPTCP level (Linux 6.5).
    pub bytes_retrans: Option<u64>,
    /// Bytes sent, over all subflows (Linux 6.5).
    pub bytes_sent: Option<u64>,
    /// Bytes received, over all subflows (Linux 6.5).
    pub bytes_received: Option<u64>,
    /// Bytes the peer acknowledged (Linux 6.5).
    pub bytes_acked: Option<u64>,
    /// All subflows, the first one included (Linux 6.8): 1 on a connection over one path.
    pub subflows_total: Option<u8>,
    /// Time since the last data was sent (Linux 6.10).
    pub last_data_sent: Option<Duration>,
    /// Time since the last data was received (Linux 6.10).
    pub last_data_recv: Option<Duration>,
    /// Time since the last data-level ACK was received (Linux 6.10).
    pub last_ack_recv: Option<Duration>,
}

/// The size of the struct's first form (Linux 5.9): no kernel that answers gives less.
const BASE_LEN: usize = 40;
/// The size of the struct as far as it is decoded here (Linux 6.10).
pub(crate) const MPTCP_INFO_LEN: usize = 96;

/// `MPTCP_INFO_FLAG_FALLBACK`.
const FLAG_FALLBACK: u32 = 1 << 0;
/// `MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED`.
const FLAG_REMOTE_KEY_RECEIVED: u32 = 1 << 1;

fn u8_at(b: &[u8], off: usize) -> Option<u8> {
    b.get(off).copied()
}

fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off + 4)?;
    Some(u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    let s = b.get(off..off + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_ne_bytes(a))
}

fn millis(v: u32) -> Duration {
    Duration::from_millis(v.into())
}

impl MptcpInfo {
    /// Decodes the kernel's bytes. Fails with
    /// [`InputError::OptionSize`](crate::InputError::OptionSize) when they are shorter than the
    /// 40 bytes of the struct's first form.
    ///
    /// ```
    /// use baresock::MptcpInfo;
    /// let mut b = [0u8; 48]; // what Linux 6.1 answers
    /// b[8] = 2; // flags: the peer's key was received
    /// let info = MptcpInfo::decode(&b)?;
    /// assert!(info.remote_key_received() && !info.fell_back());
    /// assert_eq!((info.local_addr_used, info.bytes_sent), (Some(0), None));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    #[doc(alias = "from_bytes")]
    pub fn decode(b: &[u8]) -> Result<MptcpInfo> {
        if b.len() < BASE_LEN {
            return Err(Error::Input(InputError::OptionSize {
                expected: BASE_LEN as u32,
                got: b.len() as u32,
            }));
        }
        // Within BASE_LEN every read succeeds; `unwrap_or(0)` keeps that free of panics.
        let byte = |off| u8_at(b, off).unwrap_or(0);
        // A field is there when the answer holds the whole struct of the kernel that brought
        // it: a shorter kernel's struct ends in padding (zeroed), not in the field.
        let since = |len: usize| (b.len() >= len).then_some(b);
        let (v5_12, v6_5, v6_8, v6_10) = (since(48), since(80), since(88), since(96));
        Ok(MptcpInfo {
            subflows: byte(0),
            add_addr_signal: byte(1),
            add_addr_accepted: byte(2),
            subflows_max: byte(3),
            add_addr_signal_max: byte(4),
            add_addr_accepted_max: byte(5),
            // 6..8: a hole.
            flags: u32_at(b, 8).unwrap_or(0),
            token: u32_at(b, 12).unwrap_or(0),
            write_seq: u64_at(b, 16).unwrap_or(0),
            snd_una: u64_at(b, 24).unwrap_or(0),
            rcv_nxt: u64_at(b, 32).unwrap_or(0),
            local_addr_used: v5_12.and_then(|b| u8_at(b, 40)),
            local_addr_max: v5_12.and_then(|b| u8_at(b, 41)),
            // 5.14 put it in 5.12's padding: 0 (off) on 5.12 and 5.13, which had no checksums.
            csum_enabled: v5_12.and_then(|b| u8_at(b, 42)).map(|v| v != 0),
            // 43: a hole.
            retransmits: v6_5.and_then(|b| u32_at(b, 44)),
            bytes_retrans: v6_5.and_then(|b| u64_at(b, 48)),
            bytes_sent: v6_5.and_then(|b| u64_at(b, 56)),
            bytes_received: v6_5.and_then(|b| u64_at(b, 64)),
            bytes_acked: v6_5.and_then(|b| u64_at(b, 72)),
            subflows_total: v6_8.and_then(|b| u8_at(b, 80)),
            // 81..84: the path manager's newest limits (6.18) and a reserved byte.
            last_data_sent: v6_10.and_then(|b| u32_at(b, 84)).map(millis),
            last_data_recv: v6_10.and_then(|b| u32_at(b, 88)).map(millis),
            last_ack_recv: v6_10.and_then(|b| u32_at(b, 92)).map(millis),
        })
    }

    /// Whether the kernel marked the connection as fallen back to TCP
    /// (`MPTCP_INFO_FLAG_FALLBACK`). A connection that fell back usually answers no
    /// `MPTCP_INFO` at all (see [`MptcpStatus`](crate::MptcpStatus)).
    pub const fn fell_back(&self) -> bool {
        self.flags & FLAG_FALLBACK != 0
    }

    /// Whether the peer's key was received: the peer speaks MPTCP
    /// (`MPTCP_INFO_FLAG_REMOTE_KEY_RECEIVED`).
    pub const fn remote_key_received(&self) -> bool {
        self.flags & FLAG_REMOTE_KEY_RECEIVED != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The struct of Linux 6.10 and later, as linux/mptcp.h declares it (the host's UAPI
    /// headers may be older): the offsets `decode` reads.
    #[repr(C)]
    struct Uapi {
        subflows: u8,
        add_addr_signal: u8,
        add_addr_accepted: u8,
        subflows_max: u8,
        add_addr_signal_max: u8,
        add_addr_accepted_max: u8,
        flags: u32,
        token: u32,
        write_seq: u64,
        snd_una: u64,
        rcv_nxt: u64,
        local_addr_used: u8,
        local_addr_max: u8,
        csum_enabled: u8,
        retransmits: u32,
        bytes_retrans: u64,
        bytes_sent: u64,
        bytes_received: u64,
        bytes_acked: u64,
        subflows_total: u8,
        reserved: [u8; 3],
        last_data_sent: u32,
        last_data_recv: u32,
        last_ack_recv: u32,
    }

    #[test]
    fn offsets_match_uapi() {
        use core::mem::{offset_of, size_of};
        assert_eq!(offset_of!(Uapi, add_addr_accepted_max), 5);
        assert_eq!(offset_of!(Uapi, flags), 8);
        assert_eq!(offset_of!(Uapi, token), 12);
        assert_eq!(offset_of!(Uapi, write_seq), 16);
        assert_eq!(offset_of!(Uapi, snd_una), 24);
        assert_eq!(offset_of!(Uapi, rcv_nxt), 32);
        assert_eq!(offset_of!(Uapi, local_addr_used), 40);
        assert_eq!(offset_of!(Uapi, local_addr_max), 41);
        assert_eq!(offset_of!(Uapi, csum_enabled), 42);
        assert_eq!(offset_of!(Uapi, retransmits), 44);
        assert_eq!(offset_of!(Uapi, bytes_retrans), 48);
        assert_eq!(offset_of!(Uapi, bytes_sent), 56);
        assert_eq!(offset_of!(Uapi, bytes_received), 64);
        assert_eq!(offset_of!(Uapi, bytes_acked), 72);
        assert_eq!(offset_of!(Uapi, subflows_total), 80);
        assert_eq!(offset_of!(Uapi, reserved), 81);
        assert_eq!(offset_of!(Uapi, last_data_sent), 84);
        assert_eq!(offset_of!(Uapi, last_data_recv), 88);
        assert_eq!(offset_of!(Uapi, last_ack_recv), 92);
        assert_eq!(size_of::<Uapi>(), MPTCP_INFO_LEN);
    }

    /// A full answer with a distinct value in every field, in the machine's byte order.
    fn full() -> [u8; MPTCP_INFO_LEN] {
        let mut b = [0u8; MPTCP_INFO_LEN];
        b[..6].copy_from_slice(&[1, 2, 3, 4, 5, 6]);
        b[8..12].copy_from_slice(&3u32.to_ne_bytes());
        b[12..16].copy_from_slice(&0xdead_beefu32.to_ne_bytes());
        b[16..24].copy_from_slice(&10u64.to_ne_bytes());
        b[24..32].copy_from_slice(&11u64.to_ne_bytes());
        b[32..40].copy_from_slice(&12u64.to_ne_bytes());
        b[40..43].copy_from_slice(&[7, 8, 1]);
        b[44..48].copy_from_slice(&13u32.to_ne_bytes());
        for (i, off) in [48, 56, 64, 72].into_iter().enumerate() {
            b[off..off + 8].copy_from_slice(&(100 + i as u64).to_ne_bytes());
        }
        b[80] = 9;
        b[84..88].copy_from_slice(&1500u32.to_ne_bytes());
        b[88..92].copy_from_slice(&1600u32.to_ne_bytes());
        b[92..96].copy_from_slice(&1700u32.to_ne_bytes());
        b
    }

    #[test]
    fn every_field_of_a_full_answer() {
        let i = MptcpInfo::decode(&full()).unwrap();
        assert_eq!(
            (i.subflows, i.add_addr_signal, i.add_addr_accepted),
            (1, 2, 3)
        );
        assert_eq!(
            (
                i.subflows_max,
                i.add_addr_signal_max,
                i.add_addr_accepted_max
            ),
            (4, 5, 6)
        );
        assert!(i.fell_back() && i.remote_key_received());
        assert_eq!(i.token, 0xdead_beef);
        assert_eq!((i.write_seq, i.snd_una, i.rcv_nxt), (10, 11, 12));
        assert_eq!(
            (i.local_addr_used, i.local_addr_max, i.csum_enabled),
            (Some(7), Some(8), Some(true))
        );
        assert_eq!(i.retransmits, Some(13));
        assert_eq!(
            (
                i.bytes_retrans,
                i.bytes_sent,
                i.bytes_received,
                i.bytes_acked
            ),
            (Some(100), Some(101), Some(102), Some(103))
        );
        assert_eq!(i.subflows_total, Some(9));
        assert_eq!(i.last_data_sent, Some(Duration::from_millis(1500)));
        assert_eq!(i.last_data_recv, Some(Duration::from_millis(1600)));
        assert_eq!(i.last_ack_recv, Some(Duration::from_millis(1700)));
    }

    #[test]
    fn older_kernels_shorter_answers() {
        let b = full();
        assert_eq!(
            MptcpInfo::decode(&b[..39]),
            Err(Error::Input(InputError::OptionSize {
                expected: 40,
                got: 39
            }))
        );
        assert_eq!(
            MptcpInfo::decode(&[]),
            Err(Error::Input(InputError::OptionSize {
                expected: 40,
                got: 0
            }))
        );
        // Linux 5.9's 40 bytes: the first form only.
        let i = MptcpInfo::decode(&b[..40]).unwrap();
        assert_eq!(
            (i.rcv_nxt, i.local_addr_used, i.csum_enabled),
            (12, None, None)
        );
        // Linux 5.14 to 6.4: 48 bytes.
        let i = MptcpInfo::decode(&b[..48]).unwrap();
        assert_eq!(
            (i.csum_enabled, i.retransmits, i.bytes_retrans),
            (Some(true), None, None)
        );
        // Anything short of 6.5's 80 bytes is 6.1's struct and some of its padding.
        let i = MptcpInfo::decode(&b[..79]).unwrap();
        assert_eq!((i.local_addr_max, i.retransmits), (Some(8), None));
        // Linux 6.5 to 6.7: 80 bytes.
        let i = MptcpInfo::decode(&b[..80]).unwrap();
        assert_eq!((i.bytes_acked, i.subflows_total), (Some(103), None));
        // Linux 6.8 and 6.9: 88 bytes.
        let i = MptcpInfo::decode(&b[..88]).unwrap();
        assert_eq!((i.subflows_total, i.last_data_sent), (Some(9), None));
        // Up to 6.10's 96 bytes, 84..88 is 6.8's padding, not `last_data_sent`.
        let i = MptcpInfo::decode(&b[..95]).unwrap();
        assert_eq!((i.subflows_total, i.last_data_sent), (Some(9), None));
        // Anything longer (a future kernel) decodes the same as 96 bytes.
        let mut long = [0u8; 128];
        long[..96].copy_from_slice(&b);
        assert_eq!(MptcpInfo::decode(&long), MptcpInfo::decode(&b));
    }
}
