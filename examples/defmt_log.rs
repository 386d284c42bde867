//! baresock's values through [`defmt`] (feature `defmt`), on the host: a
//! `#[defmt::global_logger]` that collects each encoded frame in memory, in place of the probe
//! or RTT channel an embedded target would use.
//!
//! ```text
//! cargo run --example defmt_log --features defmt
//! ```
//!
//! It logs one of each kind of public value (addresses, frames, errors, options, resolver
//! values) with `defmt::println!`, and checks what came out: one frame per log call, each
//! non-empty and framed as defmt's default rzCOBS encoding frames it (one `0x00` delimiter, at
//! the end); equal values encode to equal bytes and different values to different bytes; and
//! no frame carries the text of what it logged (defmt sends indices and raw values, not
//! strings, for the types that are not formatted at run time). Then it says `defmt: ok`.
//! `cargo xtask test` runs it so.
//!
//! Decoding the frames back to text needs the string table that defmt's linker script
//! (`defmt.x`) lays out in the ELF; that script is written for embedded targets, and a host
//! binary is linked without it, so this example checks the encoding and leaves decoding to a
//! target with a probe (`probe-rs`, `defmt-print`).
#![allow(unsafe_code)] // a test or example may use libc and raw fds itself; the library may not

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

use baresock::can::{BcmFlags, IsoTpOptions};
use baresock::can::{CanAnyFrame, CanFdFrame, CanFilter, CanFrame, CanId};
use baresock::msg::Timestamp;
use baresock::resolve::{DomainName, Hints, NameInfoFlags};
use baresock::{
    CanAddr, Errno, Error, Family, LinkAddr, Protocol, RecvFlags, SendFlags, ServerOptions,
    Shutdown, SockAddr, Type, UnixAddr,
};

/// The logger's state: the frame being encoded, and the finished ones.
struct Collected {
    encoder: defmt::Encoder,
    current: Vec<u8>,
    frames: Vec<Vec<u8>>,
}

static COLLECTED: Mutex<Collected> = Mutex::new(Collected {
    encoder: defmt::Encoder::new(),
    current: Vec::new(),
    frames: Vec::new(),
});

/// Set while a log call holds the logger (defmt's `acquire`/`release` bracket every call).
static TAKEN: AtomicBool = AtomicBool::new(false);

#[defmt::global_logger]
struct Collector;

// SAFETY: `acquire` makes the logger exclusive (it spins while another log call holds it)
// until `release`; `write` and `flush` are only called between the two, as `Logger` requires.
unsafe impl defmt::Logger for Collector {
    fn acquire() {
        while TAKEN
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
        let mut c = COLLECTED.lock().expect("the collector");
        let Collected {
            encoder, current, ..
        } = &mut *c;
        encoder.start_frame(|b| current.extend_from_slice(b));
    }

    unsafe fn flush() {}

    unsafe fn release() {
        let mut c = COLLECTED.lock().expect("the collector");
        let Collected {
            encoder,
            current,
            frames,
        } = &mut *c;
        encoder.end_frame(|b| current.extend_from_slice(b));
        frames.push(std::mem::take(current));
        drop(c);
        TAKEN.store(false, Ordering::Release);
    }

    unsafe fn write(bytes: &[u8]) {
        let mut c = COLLECTED.lock().expect("the collector");
        let Collected {
            encoder, current, ..
        } = &mut *c;
        encoder.write(bytes, |b| current.extend_from_slice(b));
    }
}

/// The timestamp defmt puts in each frame (its linker script would give a default; a host link
/// has none): a tick count the example sets.
static TICKS: AtomicU64 = AtomicU64::new(0);
defmt::timestamp!("{=u64}", TICKS.load(Ordering::Relaxed));

fn frames_since(start: usize) -> Vec<Vec<u8>> {
    COLLECTED.lock().expect("the collector").frames[start..].to_vec()
}

fn frame_count() -> usize {
    COLLECTED.lock().expect("the collector").frames.len()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let v4: SockAddr = "192.0.2.1:80".parse()?;
    let v6: SockAddr = "[2001:db8::1]:443".parse()?;
    let unix = SockAddr::Unix(UnixAddr::new(b"/run/baresock.sock")?);
    let link = LinkAddr::new(3, 0x0800).with_address(&[0x02, 0, 0, 0, 0, 1])?;
    let frame = CanFrame::new(CanId::standard(0x123)?, &[0xde, 0xad, 0xbe, 0xef])?;
    let fd = CanFdFrame::new(CanId::extended(0x1234_5678)?, &[7; 20])?;
    let name = DomainName::new("example.org")?;

    let start = frame_count();
    defmt::println!("addresses: {} {} {}", v4, v6, unix);
    defmt::println!("link {} can {}", link, CanAddr::new(4));
    defmt::println!("frames: {} {}", frame, CanAnyFrame::Fd(fd));
    defmt::println!("filter {}", CanFilter::exact(CanId::standard(0x100)?));
    defmt::println!(
        "errors: {} {} {}",
        Error::Os(Errno::CONNREFUSED),
        Error::Timeout,
        Error::Truncated { len: 1500 }
    );
    defmt::println!(
        "kinds: {} {} {} {}",
        Family::INET6,
        Type::SEQPACKET,
        Protocol::TCP,
        Shutdown::Write
    );
    defmt::println!(
        "options: {} {} {}",
        ServerOptions::default(),
        SendFlags::MORE,
        RecvFlags::PEEK
    );
    defmt::println!(
        "can options: {} {}",
        IsoTpOptions::default(),
        BcmFlags::SET_TIMER
    );
    defmt::println!(
        "resolver: {} {} {}",
        name,
        Hints::default(),
        NameInfoFlags::default()
    );
    defmt::println!(
        "at {}",
        Timestamp {
            sec: 1_700_000_000,
            nsec: 5
        }
    );
    // The same value twice, then a different one, at one tick: equal bytes, then different.
    // (One call site: each site has a format string, and so an index, of its own.)
    TICKS.store(1_000, Ordering::Relaxed);
    let other: SockAddr = "192.0.2.1:81".parse()?;
    for a in [v4, v4, other] {
        defmt::println!("{}", a);
    }
    let frames = frames_since(start);

    const CALLS: usize = 13;
    check(frames.len() == CALLS, || {
        format!("{} frames for {CALLS} log calls", frames.len())
    })?;
    for (i, f) in frames.iter().enumerate() {
        // The encoder's very first frame starts with a separator of its own (for a decoder
        // that attaches mid-stream); take it off.
        let f = f.strip_prefix(&[0]).unwrap_or(f);
        // rzCOBS: the frame's only zero byte is its delimiter, at the end.
        check(f.len() > 1 && f.last() == Some(&0), || {
            format!("frame {i} is not a delimited frame: {f:02x?}")
        })?;
        check(!f[..f.len() - 1].contains(&0), || {
            format!("frame {i} has a zero byte inside: {f:02x?}")
        })?;
    }
    let (a, b, c) = (&frames[10], &frames[11], &frames[12]);
    check(a == b, || {
        format!("one address, two encodings: {a:02x?} {b:02x?}")
    })?;
    check(a != c, || "two addresses, one encoding".into())?;
    // Interned: the format strings and the names in them do not travel.
    let all: Vec<u8> = frames.concat();
    for text in [&b"addresses"[..], b"kinds", b"Inet6", b"SeqPacket"] {
        check(!contains(&all, text), || {
            format!("{:?} travelled as text", String::from_utf8_lossy(text))
        })?;
    }
    let total: usize = frames.iter().map(Vec::len).sum();
    println!("defmt: {} frames, {total} bytes encoded", frames.len());
    for (i, f) in frames.iter().take(3).enumerate() {
        println!("  frame {i}: {}", hex(f));
    }
    println!("defmt: ok");
    Ok(())
}

fn check(ok: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(why())
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
