//! The same echo server as `nostd-echo`, on rustix directly instead of baresock: the baseline
//! `cargo xtask size` measures baresock's own cost against. Same arguments, same exit codes;
//! a datagram longer than the buffer is cut (rustix reports no truncation).
#![no_std]
#![no_main]

#[path = "../rt.rs"]
mod rt;

use core::net::{Ipv4Addr, SocketAddrV4};
use rustix::io::Errno;
use rustix::net::{AddressFamily, RecvFlags, SendFlags, SocketType};

/// The receive buffer, in `.bss`.
static mut BUF: [u8; 65536] = [0; 65536];

/// The program, called by `_start`; returns the exit code.
///
/// # Safety
/// `argv` points to `argc` pointers to NUL-terminated strings, as the kernel lays them out.
#[unsafe(no_mangle)]
unsafe extern "C" fn echo_main(argc: usize, argv: *const *const u8) -> i32 {
    // SAFETY: as the caller promises.
    let Some((port, count)) = (unsafe { rt::args(argc, argv) }) else {
        return 2;
    };
    let Ok(fd) = rustix::net::socket(AddressFamily::INET, SocketType::DGRAM, None) else {
        return 1;
    };
    if rustix::net::bind(&fd, &SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, port)).is_err() {
        return 1;
    }
    // SAFETY: the only reference to `BUF` ever made, in a program with one thread.
    let buf = unsafe { &mut *core::ptr::addr_of_mut!(BUF) };
    let mut echoed: u32 = 0;
    loop {
        match rustix::net::recvfrom(&fd, &mut *buf, RecvFlags::empty()) {
            Ok((n, _, Some(from))) => {
                let _ = rustix::net::sendto(
                    &fd,
                    buf.get(..n).unwrap_or(&[]),
                    SendFlags::empty(),
                    &from,
                );
                echoed = echoed.wrapping_add(1);
                if echoed == count {
                    return 0;
                }
            }
            Ok((_, _, None)) | Err(Errno::INTR) => {}
            Err(_) => return 1,
        }
    }
}
