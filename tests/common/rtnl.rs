//! The test fixtures' rtnetlink: the library's typed calls (`baresock::netlink::route::Rtnl`)
//! for links, addresses and CAN links, and the one message it has no typed call for, a netem
//! qdisc (traffic control is not rtnetlink's link/address/route API), written with its
//! `MessageWriter` and run on the handle's client. Without the `netlink` feature only
//! [`Netem`] is here (the fixtures that need the rest say `skipped:`).

/// What `tc qdisc add dev <index> root netem ...` would set (tc-netem(8)).
#[derive(Clone, Copy, Debug, Default)]
pub struct Netem {
    /// `delay`: added to every packet.
    pub delay: std::time::Duration,
    /// `loss`: the share of packets dropped, 0.0 to 1.0.
    pub loss: f64,
    /// `reorder`: the share of packets sent at once, ahead of the delayed ones (needs a
    /// delay).
    pub reorder: f64,
    /// `limit`: packets held at most (0: the kernel's 1000).
    pub limit: u32,
}

#[cfg(feature = "netlink")]
pub use with_netlink::*;

#[cfg(feature = "netlink")]
mod with_netlink {
    use super::Netem;
    use baresock::netlink::route::Rtnl;
    use baresock::netlink::{MessageFlags, MessageWriter, RECOMMENDED_BUFFER};
    use baresock::Result;

    /// A buffer for [`open`]'s replies.
    pub type Buffer = Vec<u8>;

    /// A reply buffer of the recommended size.
    pub fn buffer() -> Buffer {
        vec![0; RECOMMENDED_BUFFER]
    }

    /// An rtnetlink handle in the calling thread's namespace, each exchange bounded by 5 s.
    pub fn open(buf: &mut [u8]) -> Result<Rtnl<'_>> {
        let r = Rtnl::new(buf)?;
        r.client()
            .socket()
            .set_timeout(Some(std::time::Duration::from_secs(5)))?;
        Ok(r)
    }

    /// Writes one request of `kind` with `flags`, the family header `fixed` and the
    /// attributes from `build`, and runs it as an ack exchange on `rtnl`'s client.
    fn ack(
        rtnl: &mut Rtnl<'_>,
        kind: u16,
        flags: MessageFlags,
        fixed: &[u8],
        build: impl FnOnce(&mut MessageWriter<'_>),
    ) -> Result<()> {
        let mut req = [0u8; 512];
        let mut w = MessageWriter::new(&mut req);
        w.begin(kind, flags).fixed(fixed);
        build(&mut w);
        let mut req = w.finish()?;
        let mut buf = [0u8; 4096];
        rtnl.client_mut().ack(&mut req, &mut buf)
    }

    const RTM_NEWQDISC: u16 = 36;
    const TCA_KIND: u16 = 1;
    const TCA_OPTIONS: u16 = 2;
    const TCA_NETEM_REORDER: u16 = 3;
    const TCA_NETEM_LATENCY64: u16 = 10;
    const TC_H_ROOT: u32 = 0xffff_ffff;

    /// A probability as netem takes it: 0 to `u32::MAX`.
    fn probability(p: f64) -> u32 {
        (p.clamp(0.0, 1.0) * f64::from(u32::MAX)) as u32
    }

    /// `tc qdisc add dev <index> root netem ...`, over rtnetlink: `iproute2`'s `tc` is not
    /// needed (busybox has none). The kernel loads `sch_netem` if it can; `ENOENT` means it
    /// has no netem.
    ///
    /// netem's `TCA_OPTIONS` is not a plain nest: `struct tc_netem_qopt` comes first, then
    /// the attributes (`TCA_NETEM_*`), inside the one `TCA_OPTIONS` (as `tc` writes it, and
    /// as `net/sched/sch_netem.c` reads it).
    pub fn add_netem(rtnl: &mut Rtnl<'_>, index: u32, netem: Netem) -> Result<()> {
        // struct tcmsg: family, 3 bytes of padding, ifindex, handle, parent, info.
        let mut m = [0u8; 20];
        m[4..8].copy_from_slice(&index.to_ne_bytes());
        m[8..12].copy_from_slice(&0x1_0000u32.to_ne_bytes()); // handle 1:0
        m[12..16].copy_from_slice(&TC_H_ROOT.to_ne_bytes());
        let delay_ns = netem.delay.as_nanos().min(i64::MAX as u128) as i64;
        // struct tc_netem_qopt: latency (in 64 ns ticks; TCA_NETEM_LATENCY64 below is
        // exact), limit, loss, gap, duplicate, jitter.
        let ticks = u32::try_from(delay_ns >> 6).unwrap_or(u32::MAX);
        let limit = if netem.limit == 0 { 1000 } else { netem.limit };
        // A gap of 1 with a reorder probability: each packet goes out at once with that
        // probability (what `tc ... reorder P` sets).
        let gap = u32::from(netem.reorder > 0.0);
        let mut qopt = [0u8; 24];
        for (at, v) in [ticks, limit, probability(netem.loss), gap, 0, 0]
            .into_iter()
            .enumerate()
        {
            qopt[at * 4..at * 4 + 4].copy_from_slice(&v.to_ne_bytes());
        }
        ack(
            rtnl,
            RTM_NEWQDISC,
            MessageFlags::CREATE | MessageFlags::EXCL,
            &m,
            |w| {
                w.put_str(TCA_KIND, "netem");
                let options = w.begin_nested(TCA_OPTIONS);
                w.fixed(&qopt);
                if netem.reorder > 0.0 {
                    // struct tc_netem_reorder: probability, correlation.
                    let mut r = [0u8; 8];
                    r[..4].copy_from_slice(&probability(netem.reorder).to_ne_bytes());
                    w.put_bytes(TCA_NETEM_REORDER, &r);
                }
                w.put_i64(TCA_NETEM_LATENCY64, delay_ns);
                w.end_nested(options);
            },
        )
    }
}
