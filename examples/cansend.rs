//! `cansend`, as can-utils has it: sends one frame written in can-utils' syntax.
//!
//! ```text
//! cargo run --example cansend -- vcan0 123#DEADBEEF     # classic
//! cargo run --example cansend -- vcan0 1F334455#R       # remote request, 29-bit id
//! cargo run --example cansend -- vcan0 123##1112233     # CAN FD, bit rate switch
//! cargo run --example cansend -- vcan0 20000080#00      # an error frame (bus error)
//! ```

use baresock::can::{CanAnyFrame, CanSocket};
use baresock::interface_index;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [ifname, frame] = &args[..] else {
        eprintln!("usage: cansend <interface> <frame>   (e.g. vcan0 123#DEADBEEF)");
        std::process::exit(2);
    };
    if let Err(e) = run(ifname, frame) {
        eprintln!("cansend: {e}");
        std::process::exit(1);
    }
}

fn run(ifname: &str, text: &str) -> baresock::Result<()> {
    let frame: CanAnyFrame = text.parse()?;
    let socket = CanSocket::new()?;
    if matches!(frame, CanAnyFrame::Fd(_)) {
        socket.set_fd_frames(true)?;
    }
    socket.bind(interface_index(ifname)?)?;
    socket.send_any(&frame)
}
