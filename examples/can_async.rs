//! A CAN reader on tokio: a baresock [`CanSocket`] in non-blocking mode, registered with
//! tokio's reactor through [`AsyncFd`], printing frames as `candump -L` does while a tokio timer
//! runs beside it (an idle limit: the reader stops after a quiet spell).
//!
//! ```text
//! cargo run --example can_async                  # self-check on vcan0
//! cargo run --example can_async -- --check vc0   # self-check on another interface
//! cargo run --example can_async -- vcan0 -n 10   # print ten frames, candump -L style
//! ```
//!
//! The self-check sends frames (classic, extended, remote, FD) from a second socket on the
//! same interface and checks that the async reader prints each, then says `can async: ok`.
//! Where the kernel has no `AF_CAN`, or the interface is missing, it says
//! `skipped: <reason>` and exits 0: nothing was claimed. `cargo xtask test` runs the
//! self-check on the host (which has no CAN: a skip) and, in the VMs, the tests in
//! `tests/can_utils.rs` run it and feed it frames from can-utils' `cansend`.
#![allow(unsafe_code)] // a test or example may use libc and raw fds itself; the library may not

use std::io;
use std::time::Duration;

use baresock::can::{CanAnyFrame, CanFdFrame, CanFrame, CanId, CanSocket};
use baresock::msg::Timestamp;
use baresock::{interface_index, Errno, Error};
use tokio::io::unix::AsyncFd;

/// How long the reader waits for a frame before it gives up.
const IDLE: Duration = Duration::from_secs(10);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let result = match &args[..] {
        [] => rt.block_on(self_check("vcan0")),
        [check, ifname] if check == "--check" => rt.block_on(self_check(ifname)),
        [ifname] => rt.block_on(dump(ifname, None)),
        [ifname, n, count] if n == "-n" => match count.parse() {
            Ok(c) => rt.block_on(dump(ifname, Some(c))),
            Err(_) => usage(),
        },
        _ => usage(),
    };
    if let Err(e) = result {
        eprintln!("can_async: {e}");
        std::process::exit(1);
    }
}

fn usage() -> ! {
    eprintln!("usage: can_async [--check <interface>] | <interface> [-n <count>]");
    std::process::exit(2);
}

/// A raw CAN socket on `ifname`, FD frames on, kernel timestamps on; `Ok(None)` with the
/// reason printed where this machine has no CAN (no `AF_CAN`, or no such interface).
fn open(ifname: &str) -> Result<Option<CanSocket>, Error> {
    let socket = match CanSocket::new() {
        Ok(s) => s,
        Err(Error::Os(e @ (Errno::AFNOSUPPORT | Errno::PROTONOSUPPORT))) => {
            println!("skipped: no AF_CAN in this kernel ({e})");
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let index = match interface_index(ifname) {
        Ok(i) => i,
        Err(Error::Os(Errno::NODEV)) => {
            println!("skipped: no CAN interface {ifname} here");
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    socket.set_fd_frames(true)?;
    socket.as_socket().set_timestamp_ns(true)?;
    socket.bind(index)?;
    Ok(Some(socket))
}

/// Registers the socket with tokio's reactor, in non-blocking mode.
fn register(socket: CanSocket) -> io::Result<AsyncFd<CanSocket>> {
    socket.set_nonblocking(true)?;
    // SAFETY: a `CanSocket` owns its fd (an `OwnedFd` inside): `as_raw_fd` always returns that
    // one, which stays open until the socket is dropped, after the `AsyncFd` let go of it.
    unsafe { AsyncFd::register(socket) }.map_err(io::Error::from)
}

/// The next frame and its kernel timestamp, waiting on the reactor (at most [`IDLE`]).
async fn next(socket: &AsyncFd<CanSocket>) -> io::Result<(CanAnyFrame, Option<Timestamp>)> {
    tokio::time::timeout(IDLE, async {
        loop {
            let mut guard = socket.readable().await?;
            // `WouldBlock` clears the readiness, and the loop waits again.
            if let Ok(r) = guard.try_io(|s| Ok(s.get_ref().recv_timestamped()?)) {
                return r;
            }
        }
    })
    .await
    .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "no frame for 10 s"))?
}

/// A line as `candump -L` prints it: `(seconds.micros) interface frame`.
fn line(ifname: &str, frame: &CanAnyFrame, at: Option<Timestamp>) -> String {
    let at = at.unwrap_or_default();
    format!("({}.{:06}) {ifname} {frame}", at.sec, at.nsec / 1000)
}

/// Prints frames (all of them, or `count`) until the bus is quiet for [`IDLE`].
async fn dump(ifname: &str, count: Option<u64>) -> Result<(), Box<dyn std::error::Error>> {
    let Some(socket) = open(ifname)? else {
        return Ok(());
    };
    let socket = register(socket)?;
    let mut seen = 0;
    while count.is_none_or(|c| seen < c) {
        let (frame, at) = next(&socket).await?;
        println!("{}", line(ifname, &frame, at));
        seen += 1;
    }
    Ok(())
}

/// Sends frames from a second socket and checks that the async reader gets each.
async fn self_check(ifname: &str) -> Result<(), Box<dyn std::error::Error>> {
    let Some(reader) = open(ifname)? else {
        return Ok(());
    };
    let sender = open(ifname)?.ok_or("the interface went away")?;
    let reader = register(reader)?;
    let classic = [
        CanFrame::new(CanId::standard(0x123)?, &[0xde, 0xad])?,
        CanFrame::new(CanId::extended(0x1234_5678)?, &[1, 2, 3])?,
        CanFrame::remote(CanId::standard(0x7ff)?, 0)?,
    ];
    let fd = CanFdFrame::new(CanId::standard(0x42)?, &[7; 12])?;
    // The sender runs on the runtime too, a frame every 10 ms, while the reader waits. An FD
    // frame goes only where the interface takes them (MTU 72): it says whether it went. A
    // classic bus refuses it with EINVAL up to Linux 6.x, EMSGSIZE in 7.x (tests/can.rs).
    let sending = tokio::spawn(async move {
        for f in &classic {
            tokio::time::sleep(Duration::from_millis(10)).await;
            sender.send(f)?;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        match sender.send_fd_frame(&fd) {
            Ok(()) => Ok(true),
            Err(Error::Os(Errno::INVAL | Errno::MSGSIZE)) => Ok(false),
            Err(e) => Err(e),
        }
    });
    let mut read = 0;
    for w in classic.map(CanAnyFrame::Classic) {
        let (got, at) = next(&reader).await?;
        println!("{}", line(ifname, &got, at));
        if got != w {
            return Err(format!("sent {w}, read {got}").into());
        }
        read += 1;
    }
    if sending.await?? {
        let (got, at) = next(&reader).await?;
        println!("{}", line(ifname, &got, at));
        if got != CanAnyFrame::Fd(fd) {
            return Err(format!("sent {fd}, read {got}").into());
        }
        read += 1;
    } else {
        println!("can async: {ifname} takes no FD frames (its MTU is 16): classic frames only");
    }
    println!("can async: {read} frames read through AsyncFd");
    println!("can async: ok");
    Ok(())
}
