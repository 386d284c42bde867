//! `TCP_INFO` as a typed value, decoded from the kernel's bytes (struct tcp_info,
//! linux/tcp.h). Its layout is the same on every architecture: 8-bit fields, then 32-bit ones,
//! then 64-bit ones at offsets that are multiples of 8.

use crate::InputError;
use core::time::Duration;

use crate::{Error, Result};

/// The connection's state and counters, from `TCP_INFO` (tcp(7)).
///
/// The fields every kernel since 2.6 gives are plain values; newer ones are `Option`s that are
/// `None` when the kernel's answer is too short to hold them. Times the kernel keeps in
/// microseconds or milliseconds are `Duration`s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct TcpInfo {
    /// The TCP state (`TCP_ESTABLISHED` is 1, `TCP_LISTEN` 10, ...).
    pub state: u8,
    /// The congestion-avoidance state (`TCP_CA_Open` is 0, ...).
    pub ca_state: u8,
    /// Unrecovered retransmissions of the current segment.
    pub retransmits: u8,
    /// Unanswered zero-window probes.
    pub probes: u8,
    /// Exponential backoff count.
    pub backoff: u8,
    /// Negotiated options (`TCPI_OPT_TIMESTAMPS`, `_SACK`, `_WSCALE`, `_ECN`, ...).
    pub options: u8,
    /// The peer's window scale.
    pub snd_wscale: u8,
    /// Our window scale.
    pub rcv_wscale: u8,
    /// Retransmission timeout.
    pub rto: Duration,
    /// Delayed-ACK timeout.
    pub ato: Duration,
    /// Sending maximum segment size.
    pub snd_mss: u32,
    /// Receiving maximum segment size (estimated).
    pub rcv_mss: u32,
    /// Segments sent and not yet acknowledged.
    pub unacked: u32,
    /// Segments selectively acknowledged.
    pub sacked: u32,
    /// Segments thought lost.
    pub lost: u32,
    /// Segments retransmitted and not yet acknowledged.
    pub retrans: u32,
    /// Time since the last data was sent.
    pub last_data_sent: Duration,
    /// Time since the last data was received.
    pub last_data_recv: Duration,
    /// Time since the last ACK was received.
    pub last_ack_recv: Duration,
    /// Path MTU.
    pub pmtu: u32,
    /// Receive slow-start threshold.
    pub rcv_ssthresh: u32,
    /// Smoothed round-trip time.
    pub rtt: Duration,
    /// Round-trip time variance.
    pub rttvar: Duration,
    /// Send slow-start threshold.
    pub snd_ssthresh: u32,
    /// Congestion window, in segments.
    pub snd_cwnd: u32,
    /// Advertised MSS.
    pub advmss: u32,
    /// Reordering metric.
    pub reordering: u32,
    /// Receiver-side RTT estimate.
    pub rcv_rtt: Duration,
    /// Receive buffer space.
    pub rcv_space: u32,
    /// Retransmissions over the connection's life.
    pub total_retrans: u32,
    /// Pacing rate, bytes per second.
    pub pacing_rate: Option<u64>,
    /// Bytes acknowledged by the peer.
    pub bytes_acked: Option<u64>,
    /// Bytes received.
    pub bytes_received: Option<u64>,
    /// Segments sent.
    pub segs_out: Option<u32>,
    /// Segments received.
    pub segs_in: Option<u32>,
    /// Bytes written but not yet sent.
    pub notsent_bytes: Option<u32>,
    /// Minimum RTT seen.
    pub min_rtt: Option<Duration>,
    /// Delivery rate, bytes per second.
    pub delivery_rate: Option<u64>,
    /// Bytes sent, retransmissions included.
    pub bytes_sent: Option<u64>,
    /// Bytes retransmitted.
    pub bytes_retrans: Option<u64>,
    /// The peer's advertised receive window, in bytes.
    pub snd_wnd: Option<u32>,
}

/// The size of the struct in Linux 2.6: every kernel gives at least this much.
const BASE_LEN: usize = 104;

fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    b.get(off..off + 4)
        .map(|s| u32::from_ne_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    let s = b.get(off..off + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_ne_bytes(a))
}

fn micros(v: u32) -> Duration {
    Duration::from_micros(v.into())
}

fn millis(v: u32) -> Duration {
    Duration::from_millis(v.into())
}

impl TcpInfo {
    /// Decodes the kernel's bytes. Fails with
    /// [`InputError::OptionSize`](crate::InputError::OptionSize) when they are shorter than the 104
    /// bytes every kernel gives (qemu-user, for one, answers 4).
    #[doc(alias = "from_bytes")]
    pub fn decode(b: &[u8]) -> Result<TcpInfo> {
        if b.len() < BASE_LEN {
            return Err(Error::Input(InputError::OptionSize {
                expected: BASE_LEN as u32,
                got: b.len() as u32,
            }));
        }
        // Within BASE_LEN every read succeeds; `unwrap_or(0)` keeps that free of panics.
        let w = |off| u32_at(b, off).unwrap_or(0);
        Ok(TcpInfo {
            state: b[0],
            ca_state: b[1],
            retransmits: b[2],
            probes: b[3],
            backoff: b[4],
            options: b[5],
            // Two 4-bit fields in one byte; C puts the first one in the low bits on little-endian
            // targets and in the high bits on big-endian ones.
            snd_wscale: if cfg!(target_endian = "little") {
                b[6] & 0x0f
            } else {
                b[6] >> 4
            },
            rcv_wscale: if cfg!(target_endian = "little") {
                b[6] >> 4
            } else {
                b[6] & 0x0f
            },
            rto: micros(w(8)),
            ato: micros(w(12)),
            snd_mss: w(16),
            rcv_mss: w(20),
            unacked: w(24),
            sacked: w(28),
            lost: w(32),
            retrans: w(36),
            // 40: fackets (unused by the kernel since 4.15).
            last_data_sent: millis(w(44)),
            // 48: last_ack_sent (never set by the kernel).
            last_data_recv: millis(w(52)),
            last_ack_recv: millis(w(56)),
            pmtu: w(60),
            rcv_ssthresh: w(64),
            rtt: micros(w(68)),
            rttvar: micros(w(72)),
            snd_ssthresh: w(76),
            snd_cwnd: w(80),
            advmss: w(84),
            reordering: w(88),
            rcv_rtt: micros(w(92)),
            rcv_space: w(96),
            total_retrans: w(100),
            pacing_rate: u64_at(b, 104),
            bytes_acked: u64_at(b, 120),
            bytes_received: u64_at(b, 128),
            segs_out: u32_at(b, 136),
            segs_in: u32_at(b, 140),
            notsent_bytes: u32_at(b, 144),
            min_rtt: u32_at(b, 148).map(micros),
            delivery_rate: u64_at(b, 160),
            bytes_sent: u64_at(b, 200),
            bytes_retrans: u64_at(b, 208),
            snd_wnd: u32_at(b, 228),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;
    use linux_raw_sys::net::tcp_info as K;

    #[test]
    fn offsets_match_uapi() {
        assert_eq!(offset_of!(K, tcpi_rto), 8);
        assert_eq!(offset_of!(K, tcpi_last_data_sent), 44);
        assert_eq!(offset_of!(K, tcpi_rtt), 68);
        assert_eq!(offset_of!(K, tcpi_total_retrans), 100);
        assert_eq!(offset_of!(K, tcpi_pacing_rate), 104);
        assert_eq!(offset_of!(K, tcpi_bytes_acked), 120);
        assert_eq!(offset_of!(K, tcpi_bytes_received), 128);
        assert_eq!(offset_of!(K, tcpi_segs_out), 136);
        assert_eq!(offset_of!(K, tcpi_segs_in), 140);
        assert_eq!(offset_of!(K, tcpi_notsent_bytes), 144);
        assert_eq!(offset_of!(K, tcpi_min_rtt), 148);
        assert_eq!(offset_of!(K, tcpi_delivery_rate), 160);
        assert_eq!(offset_of!(K, tcpi_bytes_sent), 200);
        assert_eq!(offset_of!(K, tcpi_bytes_retrans), 208);
        assert_eq!(offset_of!(K, tcpi_snd_wnd), 228);
    }

    #[test]
    fn short_answers() {
        assert_eq!(
            TcpInfo::decode(&[1, 2, 3, 4]),
            Err(Error::Input(InputError::OptionSize {
                expected: 104,
                got: 4
            }))
        );
        let mut b = [0u8; 104];
        b[0] = 1;
        b[6] = 0x7a;
        b[68..72].copy_from_slice(&1500u32.to_ne_bytes());
        let i = TcpInfo::decode(&b).unwrap();
        let wscales = if cfg!(target_endian = "little") {
            (0xa, 0x7)
        } else {
            (0x7, 0xa)
        };
        assert_eq!((i.state, (i.snd_wscale, i.rcv_wscale)), (1, wscales));
        assert_eq!(i.rtt, Duration::from_micros(1500));
        assert_eq!(i.pacing_rate, None, "not in a 104-byte answer");
        assert_eq!(TcpInfo::decode(&[0u8; 112]).unwrap().pacing_rate, Some(0));
    }
}
