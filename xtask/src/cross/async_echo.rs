//! The `#![no_std]` async TCP echo server of `examples/nostd-echo` (`async-echo`: baresock's
//! reactor under embassy, one task per connection): proved static and free of libc as the UDP
//! echo is, then run against a client holding [`CONNECTIONS`] connections open at once.
//!
//! It is built by the same cargo run as the UDP echo ([`echo::build`](super::echo::build) with [`ASYNC_ECHO`] among
//! the programs), and its path is [`echo::built`](super::echo::built)`(ws, t, ASYNC_ECHO)` (stripped:
//! [`echo::stripped`](super::echo::stripped)`(ws, arch, ASYNC_ECHO)`).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::proc::{run_limited, tail};
use super::targets::Target;
use super::Ws;
use crate::report::Row;

/// The program's name (a `[[bin]]` of the example crate).
pub const ASYNC_ECHO: &str = "async-echo";
/// Connections the client holds open at once.
pub const CONNECTIONS: usize = 1000;
/// Rounds of messages over every connection.
const ROUNDS: usize = 2;
/// File descriptors each side needs: the connections, and room for stdio, the listener, the
/// poller, the executor's eventfd and qemu's own.
const FDS_NEEDED: u64 = CONNECTIONS as u64 + 64;
/// The longest a run may take, from the server's start to its exit (a stuck server fails the
/// row with its output, not a hang). A run takes under a second under qemu-user.
const RUN_LIMIT: Duration = Duration::from_secs(30);

/// The row of `t`: the program static, no undefined symbol, no libc; then serving
/// [`CONNECTIONS`] connections under qemu-user, and natively where `t` is the host's
/// architecture. `built`: whether the build of the example worked.
pub fn row(ws: &Ws, t: &Target, built: bool) -> Row {
    super::user::echo_row(ws, t, built, ASYNC_ECHO, "no_std async echo", exercise)
}

/// Raises this process's soft limit of open files to its hard limit (children inherit it),
/// with util-linux's `prlimit` (std has no `setrlimit`); fails if the hard limit is below
/// [`FDS_NEEDED`].
pub fn raise_nofile() -> Result<(), String> {
    let (soft, hard) = nofile()?;
    if hard < FDS_NEEDED {
        return Err(format!(
            "the hard limit of open files is {hard}: {CONNECTIONS} connections need {FDS_NEEDED} \
             (raise it: ulimit -Hn {FDS_NEEDED}, as root)"
        ));
    }
    if soft >= hard {
        return Ok(());
    }
    let limit = format!("--nofile={hard}:{hard}");
    let pid = std::process::id().to_string();
    let done = run_limited(
        Command::new("prlimit").args(["--pid", &pid, &limit]),
        Duration::from_secs(10),
    )
    .map_err(|e| format!("cannot run prlimit to raise the soft limit of open files: {e}"))?;
    match nofile()? {
        (soft, _) if soft >= FDS_NEEDED => Ok(()),
        (soft, _) => Err(format!(
            "the soft limit of open files stays {soft} ({CONNECTIONS} connections need \
             {FDS_NEEDED}): prlimit {}{}",
            done.describe(),
            tail(&done.output, 2)
        )),
    }
}

/// The soft and hard limits of open files of this process (`/proc/self/limits`).
fn nofile() -> Result<(u64, u64), String> {
    let text = std::fs::read_to_string("/proc/self/limits")
        .map_err(|e| format!("/proc/self/limits: {e}"))?;
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("Max open files"))
        .ok_or("/proc/self/limits has no line for open files")?;
    let number = |w: Option<&str>| match w {
        Some("unlimited") => Some(u64::MAX),
        Some(n) => n.parse().ok(),
        None => None,
    };
    let mut words = line.split_whitespace();
    match (number(words.next()), number(words.next())) {
        (Some(soft), Some(hard)) => Ok((soft, hard)),
        _ => Err(format!("cannot read the limits of open files: {line}")),
    }
}

/// Runs the server `program` (the program itself, or qemu with its arguments): without
/// arguments it must exit 2; then told to serve [`CONNECTIONS`], it must echo every byte the
/// client sends over all of them, held open at once, and exit 0 once they are closed.
pub fn exercise(program: &[&std::ffi::OsStr]) -> Result<String, String> {
    raise_nofile()?;
    super::echo::exercise_with(program, Duration::from_secs(10), serve)
}

/// One run of the server with the client; the error says whether another port may help.
fn serve(cmd: &mut Command) -> Result<String, (bool, String)> {
    let fail = |why: String| (false, why);
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .map_err(|e| fail(format!("no free port: {e}")))?
        .port();
    let start = Instant::now();
    let deadline = start + RUN_LIMIT;
    let mut child = cmd
        .arg(port.to_string())
        .arg(CONNECTIONS.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run it: {e}")))?;
    let result = talk(&mut child, port, deadline);
    let (status, said) = super::echo::reap(&mut child, deadline);
    let took = start.elapsed();
    let code = status.and_then(|s| s.code());
    let ended = match status {
        Some(_) => format!("exit {code:?}"),
        None => format!("still running after {} s: killed", RUN_LIMIT.as_secs()),
    };
    match (result, code) {
        (Ok(note), Some(0)) => Ok(format!("{note}, exit 0, {} ms", took.as_millis())),
        (Ok(_), _) => Err(fail(format!(
            "served all, but then {ended} instead of exit 0{said}"
        ))),
        // Exit 1 before listening: the port was taken.
        (Err(Talk::NotBound), Some(1)) => {
            Err((true, format!("could not listen on port {port}{said}")))
        }
        (Err(Talk::NotBound), _) => Err(fail(format!(
            "never listened on port {port} ({ended}){said}"
        ))),
        (Err(Talk::Failed(why)), _) => Err(fail(format!("{why} ({ended}){said}"))),
    }
}

enum Talk {
    NotBound,
    Failed(String),
}

/// The message of connection `i` in round `round`: distinct for each, 16 to 79 bytes.
fn message(i: usize, round: usize) -> Vec<u8> {
    let mut m = format!("{round}:{i}:").into_bytes();
    let len = 16 + (i * 7 + round) % 64;
    let mut j = 0;
    while m.len() < len {
        m.push((i * 31 + j * 7 + round * 13) as u8);
        j += 1;
    }
    m
}

/// Waits until the server listens on `port`, connects [`CONNECTIONS`] streams, then
/// [`ROUNDS`] times sends each its message and reads each echo back whole, then closes all.
/// Every wait ends by `deadline`.
fn talk(child: &mut Child, port: u16, deadline: Instant) -> Result<String, Talk> {
    while !tcp_listening(port) {
        if Instant::now() > deadline || !matches!(child.try_wait(), Ok(None)) {
            return Err(Talk::NotBound);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let left = || {
        deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or_else(|| Talk::Failed(format!("not done in {} s", RUN_LIMIT.as_secs())))
    };
    let failed = |what: String, e: std::io::Error| match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => Talk::Failed(format!(
            "{what}: nothing within the {} s limit",
            RUN_LIMIT.as_secs()
        )),
        _ => Talk::Failed(format!("{what}: {e}")),
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let start = Instant::now();
    let mut conns = Vec::with_capacity(CONNECTIONS);
    for i in 0..CONNECTIONS {
        let conn = TcpStream::connect_timeout(&addr, left()?)
            .map_err(|e| failed(format!("connection {i} of {CONNECTIONS}"), e))?;
        conns.push(conn);
    }
    let connected = start.elapsed();
    let mut reply = [0u8; 128];
    for round in 0..ROUNDS {
        for (i, conn) in conns.iter_mut().enumerate() {
            conn.set_write_timeout(Some(left()?))
                .and_then(|()| conn.write_all(&message(i, round)))
                .map_err(|e| failed(format!("round {round}: send on connection {i}"), e))?;
        }
        for (i, conn) in conns.iter_mut().enumerate() {
            let want = message(i, round);
            let mut got = 0;
            while got < want.len() {
                conn.set_read_timeout(Some(left()?))
                    .map_err(|e| failed("set_read_timeout".into(), e))?;
                let n = conn
                    .read(&mut reply[got..want.len()])
                    .map_err(|e| failed(format!("round {round}: echo on connection {i}"), e))?;
                if n == 0 {
                    return Err(Talk::Failed(format!(
                        "round {round}: connection {i} closed after {got} of {} bytes",
                        want.len()
                    )));
                }
                got += n;
            }
            if reply[..got] != want[..] {
                return Err(Talk::Failed(format!(
                    "round {round}: connection {i} echoed {:?}, not {:?}",
                    String::from_utf8_lossy(&reply[..got]),
                    String::from_utf8_lossy(&want)
                )));
            }
        }
    }
    drop(conns);
    Ok(format!(
        "{CONNECTIONS} connections at once (connected in {} ms), {ROUNDS} rounds echoed",
        connected.as_millis()
    ))
}

/// Whether a TCP socket listens on `port` on 0.0.0.0 (the kernel's `/proc/net/tcp`, as the
/// server sees the host kernel under qemu-user too; state `0A` is `LISTEN`).
fn tcp_listening(port: u16) -> bool {
    let want = format!("00000000:{port:04X}");
    std::fs::read_to_string("/proc/net/tcp").is_ok_and(|t| {
        t.lines().skip(1).any(|l| {
            let mut f = l.split_whitespace();
            f.nth(1) == Some(want.as_str()) && f.nth(1) == Some("0A")
        })
    })
}
