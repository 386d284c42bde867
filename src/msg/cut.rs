//! Where a control buffer the kernel cut ends: the message it cut is not handed out.
//!
//! When a control message does not fit the room left, the kernel writes as much of it as fits
//! and sets its `cmsg_len` to that room (`put_cmsg`, net/core/scm.c), then sets `MSG_CTRUNC`;
//! nothing follows it. So under `MSG_CTRUNC` the last message, if it reaches the very end of
//! what the kernel wrote, may be such a fragment. It is one unless its data is as long as its
//! kind's always is; a kind this crate does not decode has no known length, and is taken for
//! a fragment there.

use super::{decode, ControlMessage, RawCmsg};
use crate::sys::msg::CMSG_HDR;
use linux_raw_sys::net as k;

/// Whether `cm`, the last message of `buf` (the bytes from its header to the end of what the
/// kernel wrote, under `MSG_CTRUNC`), may be cut: it reaches the end, and its data is not
/// the whole of its kind.
pub(super) fn maybe_cut(cm: &RawCmsg<'_>, buf: &[u8]) -> bool {
    CMSG_HDR + cm.data.len() == buf.len() && !whole(cm)
}

/// Whether a message's data has the length its kind always has.
fn whole(cm: &RawCmsg<'_>) -> bool {
    let narrow = 2 * core::mem::size_of::<core::ffi::c_long>();
    let copy = RawCmsg {
        level: cm.level,
        ty: cm.ty,
        data: cm.data,
    };
    match decode(copy) {
        // A kind without a known length, or one of a known kind with another length.
        ControlMessage::Other { .. } => false,
        // The kernel cuts fds only whole (scm_detach_fds writes the `cmsg_len` of those it
        // installed).
        ControlMessage::Rights(_) => cm.data.len().is_multiple_of(4),
        // `decode` takes either width of timespec; a cut new one (16 bytes) may look like a
        // whole old one on a 32-bit target, so here each type has its own.
        ControlMessage::Timestamp(_) => {
            cm.data.len() == timestamps_len(cm.ty as u32, k::SO_TIMESTAMPNS_NEW, narrow)
        }
        ControlMessage::Timestamping { .. } => {
            cm.data.len() == 3 * timestamps_len(cm.ty as u32, k::SO_TIMESTAMPING_NEW, narrow)
        }
        // Every other kind `decode` names only at its one length.
        _ => true,
    }
}

/// A timespec's length: 16 (`__kernel_timespec`) for the `_NEW` type, two C longs for the old.
fn timestamps_len(ty: u32, new: u32, narrow: usize) -> usize {
    if ty == new {
        16
    } else {
        narrow
    }
}

#[cfg(test)]
mod tests {
    use super::super::ControlMessages;
    use super::*;
    use crate::sys::msg::{cmsg_align, push_cmsg};
    use std::vec::Vec;

    /// `level`/`ty` messages of `data` pushed in turn, the last cut to `keep` bytes of its
    /// data as the kernel cuts it: its `cmsg_len` the room left, nothing after it.
    fn cut_buffer(whole: &[(u32, u32, &[u8])], last: (u32, u32, &[u8]), keep: usize) -> Vec<u8> {
        let mut buf = [0u8; 512];
        let mut used = 0;
        for (level, ty, data) in whole {
            assert!(push_cmsg(
                &mut buf,
                &mut used,
                *level as i32,
                *ty as i32,
                data
            ));
        }
        let at = used;
        assert!(push_cmsg(
            &mut buf,
            &mut used,
            last.0 as i32,
            last.1 as i32,
            last.2
        ));
        let end = at + CMSG_HDR + keep;
        buf[at..at + core::mem::size_of::<usize>()]
            .copy_from_slice(&(CMSG_HDR + keep).to_ne_bytes());
        buf[..end].to_vec()
    }

    fn kinds(buf: &[u8], cut: bool) -> Vec<&'static str> {
        ControlMessages { rest: buf, cut }
            .map(|c| match c {
                ControlMessage::Ttl(_) => "ttl",
                ControlMessage::Credentials(_) => "credentials",
                ControlMessage::Timestamp(_) => "timestamp",
                ControlMessage::Rights(_) => "rights",
                ControlMessage::Other { .. } => "other",
                _ => "another",
            })
            .collect()
    }

    const SOL_SOCKET: u32 = k::SOL_SOCKET;
    const TTL: (u32, u32, &[u8]) = (k::IPPROTO_IP as u32, k::IP_TTL, &[64, 0, 0, 0]);

    /// Issue 17, item 14: a cut control buffer's fragment used to come out as an `Other`
    /// item (and a cut 16-byte timestamp as a whole 8-byte one on 32-bit targets).
    #[test]
    fn the_cut_message_is_not_handed_out() {
        let creds = [1u8; 12];
        let buf = cut_buffer(&[TTL], (SOL_SOCKET, k::SCM_CREDENTIALS, &creds), 8);
        assert_eq!(kinds(&buf, true), ["ttl"], "the fragment is left out");
        assert_eq!(
            kinds(&buf, false),
            ["ttl", "other"],
            "without MSG_CTRUNC nothing is left out"
        );

        // A new timestamp (16 bytes) cut to 8, the width of an old one on 32-bit targets.
        let stamp = [2u8; 16];
        let buf = cut_buffer(&[], (SOL_SOCKET, k::SO_TIMESTAMPNS_NEW, &stamp), 8);
        assert_eq!(kinds(&buf, true), Vec::<&str>::new());

        // A kind this crate does not decode, cut at the end: it cannot be told whole.
        let buf = cut_buffer(&[TTL], (0x1234, 1, &[3; 10]), 6);
        assert_eq!(kinds(&buf, true), ["ttl"]);

        // Only a header's worth: no data at all.
        let buf = cut_buffer(&[TTL], (SOL_SOCKET, k::SCM_CREDENTIALS, &creds), 0);
        assert_eq!(kinds(&buf, true), ["ttl"]);
    }

    /// Under `MSG_CTRUNC` a last message that is whole by its kind's length is handed out,
    /// even when it fills the buffer to its end: what the kernel cut came after it.
    #[test]
    fn whole_messages_before_the_cut_are_kept() {
        let stamp = [0u8; 16];
        let buf = cut_buffer(&[TTL], (SOL_SOCKET, k::SO_TIMESTAMPNS_NEW, &stamp), 16);
        assert_eq!(buf.len(), cmsg_align(CMSG_HDR + 4) + CMSG_HDR + 16);
        assert_eq!(kinds(&buf, true), ["ttl", "timestamp"]);
        let fds = [0xffu8; 8]; // two slots already taken (-1)
        let buf = cut_buffer(&[], (SOL_SOCKET, k::SCM_RIGHTS, &fds), 8);
        assert_eq!(kinds(&buf, true), ["rights"]);
        // An unknown kind whose padding shows did not reach the cut.
        let mut b = [0u8; 64];
        let mut used = 0;
        assert!(push_cmsg(&mut b, &mut used, 0x1234, 1, &[3; 3]));
        assert_eq!(kinds(&b[..used], true), ["other"]);
    }
}
