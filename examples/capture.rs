//! `capture`: frames from an interface through a zero-copy `TPACKET_V3` ring into a pcap file
//! that tcpdump, tshark and Wireshark read. An optional filter is taken as `tcpdump -dd`
//! prints it. Needs root (`CAP_NET_RAW`).
//!
//! ```sh
//! tcpdump -dd icmp > icmp.bpf        # optional
//! cargo run --example capture -- lo 10 out.pcap icmp.bpf
//! tcpdump -r out.pcap
//! ```
//!
//! On a loopback interface every frame passes the tap twice, once going out and once coming
//! in; like libpcap (and so tcpdump), this writes only the incoming copy, so a ping on `lo`
//! is two frames (request and reply), not four.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use baresock::bpf::{parse_tcpdump_dd, Insn, Program};
use baresock::packet::{ether, PacketKind, PacketType, RingConfig, RxRing};
use baresock::{interface_index, Error, LinkAddr, PacketSocket};

/// pcap's file header, for nanosecond timestamps and Ethernet frames (LINKTYPE_ETHERNET).
fn pcap_header(out: &mut impl Write, snaplen: u32) -> std::io::Result<()> {
    out.write_all(&0xa1b2_3c4du32.to_le_bytes())?; // magic: nanosecond resolution
    out.write_all(&2u16.to_le_bytes())?; // version 2.4
    out.write_all(&4u16.to_le_bytes())?;
    out.write_all(&0i32.to_le_bytes())?; // GMT offset
    out.write_all(&0u32.to_le_bytes())?; // timestamp accuracy
    out.write_all(&snaplen.to_le_bytes())?;
    out.write_all(&1u32.to_le_bytes()) // Ethernet
}

/// One pcap record: timestamp, captured and original lengths, the bytes.
fn pcap_record(
    out: &mut impl Write,
    sec: u32,
    nsec: u32,
    data: &[u8],
    original: u32,
) -> std::io::Result<()> {
    out.write_all(&sec.to_le_bytes())?;
    out.write_all(&nsec.to_le_bytes())?;
    out.write_all(&(data.len() as u32).to_le_bytes())?;
    out.write_all(&original.to_le_bytes())?;
    out.write_all(data)
}

/// The outgoing copy of a frame on a loopback device (`ARPHRD_LOOPBACK`), which libpcap
/// drops: the incoming copy of the same frame follows.
fn is_loopback_outgoing(from: LinkAddr) -> bool {
    const ARPHRD_LOOPBACK: u16 = 772;
    from.hardware_type() == ARPHRD_LOOPBACK && from.packet_type() == PacketType::Outgoing
}

fn run() -> Result<(usize, u32), String> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let [iface, count, path, rest @ ..] = &a[..] else {
        return Err("usage: capture INTERFACE COUNT OUT.pcap [FILTER (tcpdump -dd output)]".into());
    };
    let count: usize = count.parse().map_err(|_| "COUNT is a number")?;
    let ifindex = interface_index(iface).map_err(|e| format!("{iface}: {e}"))?;

    // A socket for no protocol queues nothing: the filter is in place before the bind that
    // names the protocol lets frames in (as libpcap does it).
    let sock = PacketSocket::new(PacketKind::Raw, 0).map_err(|e| format!("packet socket: {e}"))?;
    let mut insns = [Insn::default(); 512];
    if let Some(filter) = rest.first() {
        let text = std::fs::read_to_string(filter).map_err(|e| format!("{filter}: {e}"))?;
        let n = parse_tcpdump_dd(&text, &mut insns).map_err(|e| format!("{filter}: {e}"))?;
        let program = Program::new(&insns[..n]).map_err(|e| format!("{filter}: {e}"))?;
        sock.as_socket()
            .attach_filter(&program)
            .map_err(|e| e.to_string())?;
    }
    sock.bind(LinkAddr::new(ifindex, ether::ALL))
        .map_err(|e| e.to_string())?;
    let config = RingConfig {
        retire_timeout: Duration::from_millis(20),
        ..RingConfig::default()
    };
    let mut ring = RxRing::new(sock, config).map_err(|e| format!("ring: {e}"))?;
    // Give up after 30 s without the count, so a quiet link does not hang the tool.
    let deadline = Instant::now() + Duration::from_secs(30);

    let mut out = BufWriter::new(File::create(path).map_err(|e| format!("{path}: {e}"))?);
    pcap_header(&mut out, config.frame_size).map_err(|e| e.to_string())?;
    let mut written = 0;
    while written < count {
        let left = deadline.saturating_duration_since(Instant::now());
        ring.socket()
            .set_timeout(Some(left.max(Duration::from_millis(1))))
            .map_err(|e| e.to_string())?;
        let block = match ring.next_block() {
            Ok(b) => b,
            Err(Error::Timeout) => break,
            Err(e) => return Err(e.to_string()),
        };
        for frame in block.frames() {
            if written == count {
                break;
            }
            let f = frame.map_err(|e| e.to_string())?;
            if f.link_addr().is_some_and(is_loopback_outgoing) {
                continue; // The same frame comes back in as the incoming copy.
            }
            let ts = f.timestamp();
            pcap_record(&mut out, ts.sec as u32, ts.nsec, f.data(), f.original_len())
                .map_err(|e| e.to_string())?;
            written += 1;
        }
    }
    out.flush().map_err(|e| e.to_string())?;
    let drops = ring.statistics().map(|s| s.drops).unwrap_or(0);
    Ok((written, drops))
}

fn main() -> ExitCode {
    match run() {
        Ok((n, drops)) => {
            println!("captured {n} frames ({drops} dropped by the kernel)");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("capture: {e}");
            ExitCode::FAILURE
        }
    }
}
