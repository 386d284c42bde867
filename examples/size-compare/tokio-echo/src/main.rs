//! The TCP echo server of `cargo xtask bench` on tokio, alone: `tokio-echo PORT`, serving on
//! 0.0.0.0:PORT until killed (2: bad arguments, 1: bind or serve failed).

use std::net::{Ipv4Addr, TcpListener};
use std::process::ExitCode;

/// The server's per-connection buffer, as in the bench.
const BUF: usize = 4096;

#[path = "../../../../bench/src/bin/echo/srv_tokio.rs"]
mod srv_tokio;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let Some(port) = args.get(1).and_then(|p| p.parse::<u16>().ok()) else {
        return ExitCode::from(2);
    };
    let Ok(listener) = TcpListener::bind((Ipv4Addr::UNSPECIFIED, port)) else {
        return ExitCode::from(1);
    };
    if listener.set_nonblocking(true).is_err() || srv_tokio::serve(listener).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
