//! A UDP echo server with no standard library, no libc and no allocator, on baresock.
//!
//! ```text
//! nostd-echo PORT [COUNT]
//! ```
//!
//! Binds `0.0.0.0:PORT` and sends every datagram back to its sender; with `COUNT`, exits 0
//! after echoing that many (so a test run ends). Exit codes: 2 for bad arguments, 1 when the
//! socket cannot be bound or a receive fails, 101 on a panic (none is expected).
//!
//! Datagrams of up to 65,536 bytes are echoed whole; a longer one (only possible as an IPv6
//! jumbogram) is dropped: baresock reports it as `Error::Truncated` rather than cutting it.
#![no_std]
#![no_main]

mod rt;

use baresock::{Destination, Error, UdpSocket};
use core::net::Ipv4Addr;

/// The receive buffer: in `.bss`, so it costs no file size and no stack probing.
static mut BUF: [u8; 65536] = [0; 65536];

/// The program, called by `_start` with the kernel's `argc` and `argv`; returns the exit code.
///
/// # Safety
/// `argv` points to `argc` pointers to NUL-terminated strings, as the kernel lays them out.
#[unsafe(no_mangle)]
unsafe extern "C" fn echo_main(argc: usize, argv: *const *const u8) -> i32 {
    // SAFETY: as the caller promises.
    let Some((port, count)) = (unsafe { rt::args(argc, argv) }) else {
        return 2;
    };
    let Ok(socket) = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, port)) else {
        return 1;
    };
    // SAFETY: the only reference to `BUF` ever made, in a program with one thread.
    let buf = unsafe { &mut *core::ptr::addr_of_mut!(BUF) };
    let mut echoed: u32 = 0;
    // The sender, as the kernel writes it: the reply goes back without decoding or encoding.
    let mut from = Destination::default();
    loop {
        match socket.recv_from_into(buf, &mut from) {
            Ok(n) => {
                // A reply that cannot go out is lost, as UDP's are.
                let _ = socket.send_to_destination(buf.get(..n).unwrap_or(&[]), &from);
                echoed = echoed.wrapping_add(1);
                if echoed == count {
                    return 0;
                }
            }
            Err(Error::Truncated { .. }) => {}
            Err(_) => return 1,
        }
    }
}
