//! The echo server of `examples/nostd-echo` with the standard library: `std-echo PORT [COUNT]`,
//! the same exit codes (2: bad arguments, 1: bind or receive failed).

use std::net::{Ipv4Addr, UdpSocket};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (port, count) = match args.as_slice() {
        [_, port] => (port.parse::<u16>().ok(), Some(0)),
        [_, port, count] => (port.parse::<u16>().ok(), count.parse::<u32>().ok()),
        _ => (None, None),
    };
    let (Some(port), Some(count)) = (port, count) else {
        return ExitCode::from(2);
    };
    let Ok(socket) = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, port)) else {
        return ExitCode::from(1);
    };
    let mut buf = vec![0u8; 65536];
    let mut echoed: u32 = 0;
    loop {
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => {
                let _ = socket.send_to(&buf[..n], from);
                echoed = echoed.wrapping_add(1);
                if echoed == count {
                    return ExitCode::SUCCESS;
                }
            }
            Err(_) => return ExitCode::from(1),
        }
    }
}
