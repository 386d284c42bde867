//! `candump -L`, as can-utils has it: every frame of an interface in the log format
//! `(seconds.micros) interface frame`, which can-utils' `canplayer` and `log2asc` read.
//!
//! ```text
//! cargo run --example candump -- vcan0                 # everything, FD frames included
//! cargo run --example candump -- vcan0,123:7FF -n 10   # id 0x123 only, ten frames
//! cargo run --example candump -- vcan0,#FFFFFFFF       # error frames too
//! ```
//!
//! Filters after the interface, as candump takes them: `id:mask` passes when
//! `frame_id & mask == id & mask`, `id~mask` when not; 8-digit ids are 29-bit; `#mask` sets
//! the error mask; `j` joins the filters (all must pass).

use baresock::can::{CanErrorClass, CanFilter, CanSocket};
use baresock::msg::Timestamp;
use baresock::{interface_index, interface_name};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (spec, count) = match &args[..] {
        [spec] => (spec, None),
        [spec, n, count] if n == "-n" => match count.parse::<u64>() {
            Ok(c) => (spec, Some(c)),
            Err(_) => usage(),
        },
        _ => usage(),
    };
    if let Err(e) = run(spec, count) {
        eprintln!("candump: {e}");
        std::process::exit(1);
    }
}

fn usage() -> ! {
    eprintln!(
        "usage: candump <interface>[,<id>:<mask>|,<id>~<mask>|,#<errmask>|,j]... [-n <count>]"
    );
    std::process::exit(2);
}

fn bad_filter(text: &str) -> ! {
    eprintln!("candump: not a filter: {text:?} (id:mask, id~mask, #errmask or j)");
    std::process::exit(2);
}

/// A filter as candump writes it; `None` for a malformed one.
fn filter(text: &str) -> Option<CanFilter> {
    let (id, mask, inverted) = match (text.split_once(':'), text.split_once('~')) {
        (Some((i, m)), None) => (i, m, false),
        (None, Some((i, m))) => (i, m, true),
        _ => return None,
    };
    let mut id_word = u32::from_str_radix(id, 16).ok()?;
    let mask = u32::from_str_radix(mask, 16).ok()?;
    if id.len() == 8 {
        id_word |= 0x8000_0000; // CAN_EFF_FLAG
    }
    let f = CanFilter::raw(id_word, mask);
    Some(if inverted { f.inverted() } else { f })
}

fn run(spec: &str, count: Option<u64>) -> baresock::Result<()> {
    let mut parts = spec.split(',');
    let ifname = parts.next().unwrap_or_default();
    let socket = CanSocket::new()?;
    let mut filters = Vec::new();
    for p in parts {
        if let Some(mask) = p.strip_prefix('#') {
            let bits = u32::from_str_radix(mask, 16)
                .map_err(|_| baresock::Error::Address(baresock::AddressError::Invalid))?;
            socket.set_error_mask(CanErrorClass::from_bits_retain(bits))?;
        } else if p.eq_ignore_ascii_case("j") {
            socket.set_join_filters(true)?;
        } else {
            filters.push(filter(p).unwrap_or_else(|| bad_filter(p)));
        }
    }
    if !filters.is_empty() {
        socket.set_filters(&filters)?;
    }
    // FD frames too; timestamps from the kernel, as candump prints them.
    socket.set_fd_frames(true)?;
    socket.as_socket().set_timestamp_ns(true)?;
    let index = interface_index(ifname)?;
    socket.bind(index)?;
    let name = interface_name(index)?;
    let name = String::from_utf8_lossy(name.as_bytes()).into_owned();
    let mut seen = 0;
    while count.is_none_or(|c| seen < c) {
        let (frame, at) = socket.recv_timestamped()?;
        let at = at.unwrap_or(Timestamp::default());
        println!("({}.{:06}) {name} {frame}", at.sec, at.nsec / 1000);
        seen += 1;
    }
    Ok(())
}
