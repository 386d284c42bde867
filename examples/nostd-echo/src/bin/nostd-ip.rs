//! An `ip`-like tool with no standard library, no libc and no allocator, on baresock's
//! rtnetlink calls (`baresock::netlink::route::Rtnl`).
//!
//! ```text
//! nostd-ip link show [dev NAME]
//! nostd-ip link set dev NAME [up|down] [mtu N] [type can bitrate N [sample-point 0.875] [restart-ms N]]
//! nostd-ip address add A.B.C.D/N|X::Y/N dev NAME
//! nostd-ip route add PREFIX|default [via GW] [dev NAME]
//! ```
//!
//! `link show` prints one line per link, the first line of iproute2's:
//! `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 state UNKNOWN` (a `Link`'s `Display`: the flags in iproute2's order
//! and names, `NO-CARRIER` for a link up without `IFF_RUNNING`). `link set` with `type can`
//! sets the CAN controller's bit timing first ([`Rtnl::set_can`]: the link must be down),
//! then the rest (`up`, `mtu`) in one `RTM_NEWLINK`. `route add default` is the IPv4
//! default route, or IPv6's when the gateway is an IPv6 address. `address`, `addr` and `a`
//! name the same command, as do `route` and `r`, `link` and `l`; `show` may be `list`.
//!
//! Exit codes: 0 done, 1 when the kernel refuses or the library fails (the library's error and
//! the kernel's extended ack text on stderr), 2 for bad arguments (the usage on stderr), 101
//! on a panic (none is expected).
//!
//! Output goes through a 256-byte buffer on the stack to `write(1)` (stdout) and `write(2)`;
//! replies are read into a 32 KiB buffer in `.bss`
//! ([`RECOMMENDED_BUFFER`](baresock::netlink::RECOMMENDED_BUFFER)).
//!
//! Build it like the echo servers, in this directory (the flags are in `.cargo/config.toml`):
//!
//! ```text
//! cargo +nightly build --release --bin nostd-ip --target x86_64-unknown-linux-musl
//! ../../target/x86_64-unknown-linux-musl/release/nostd-ip link show
//! ```
#![no_std]
#![no_main]

// The runtime's `_start`, exit and panic handler; not its `PORT [COUNT]` parser.
#[path = "../rt.rs"]
#[allow(dead_code)]
mod rt;

use core::ffi::CStr;
use core::fmt::{self, Write};
use core::net::IpAddr;

use baresock::netlink::route::{
    AddressSpec, CanBitTiming, CanConfig, CanRefusal, LinkChange, RouteSpec, Rtnl,
};
use baresock::netlink::RECOMMENDED_BUFFER;
use baresock::Error;

/// The reply buffer: in `.bss`, so it costs no file size.
static mut BUF: [u8; RECOMMENDED_BUFFER] = [0; RECOMMENDED_BUFFER];

/// The usage, printed on a usage error.
const USAGE: &str = "usage: nostd-ip link show [dev NAME]
       nostd-ip link set dev NAME [up|down] [mtu N] [type can bitrate N [sample-point 0.875] [restart-ms N]]
       nostd-ip address add ADDRESS/PREFIX dev NAME
       nostd-ip route add PREFIX|default [via GATEWAY] [dev NAME]
";

/// Output to a file descriptor through a small buffer.
struct Out {
    fd: i32,
    buf: [u8; 256],
    len: usize,
}

impl Out {
    const fn new(fd: i32) -> Out {
        Out {
            fd,
            buf: [0; 256],
            len: 0,
        }
    }

    /// Writes out what is buffered (what cannot be written is dropped, as with a closed pipe).
    fn flush(&mut self) {
        // SAFETY: 1 and 2 are the process's stdout and stderr, open for its whole life (at
        // worst closed, and then `write` fails with `EBADF`).
        let fd = unsafe { rustix::fd::BorrowedFd::borrow_raw(self.fd) };
        let mut at = 0;
        while at < self.len {
            match rustix::io::write(fd, &self.buf[at..self.len]) {
                Ok(n) if n > 0 => at += n,
                Err(rustix::io::Errno::INTR) => {}
                _ => break,
            }
        }
        self.len = 0;
    }
}

impl Write for Out {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            if self.len == self.buf.len() {
                self.flush();
            }
            self.buf[self.len] = b;
            self.len += 1;
        }
        Ok(())
    }
}

/// Why a command failed.
enum Fail {
    /// Bad arguments: the usage, exit 2.
    Usage,
    /// The library's error (the kernel's refusal among them), exit 1.
    Lib(Error),
}

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        Fail::Lib(e)
    }
}

/// The arguments after the program's name, as `&str`s.
struct Args {
    argv: *const *const u8,
    at: usize,
    end: usize,
}

impl Args {
    /// The next argument, `None` at the end.
    fn next(&mut self) -> Result<Option<&'static str>, Fail> {
        if self.at >= self.end {
            return Ok(None);
        }
        // SAFETY: `at < argc`, and the kernel's `argv` holds `argc` pointers to
        // NUL-terminated strings that live as long as the process.
        let s = unsafe { CStr::from_ptr((*self.argv.add(self.at)).cast()) };
        self.at += 1;
        s.to_str().map(Some).map_err(|_| Fail::Usage)
    }

    /// The next argument, which must be there.
    fn want(&mut self) -> Result<&'static str, Fail> {
        self.next()?.ok_or(Fail::Usage)
    }
}

/// The program, called by `_start` with the kernel's `argc` and `argv`; returns the exit code.
///
/// # Safety
/// `argv` points to `argc` pointers to NUL-terminated strings, as the kernel lays them out.
#[unsafe(no_mangle)]
unsafe extern "C" fn echo_main(argc: usize, argv: *const *const u8) -> i32 {
    let mut args = Args {
        argv,
        at: 1,
        end: argc,
    };
    let mut err = Out::new(2);
    // SAFETY: the only reference to `BUF` ever made, in a program with one thread.
    let buf = unsafe { &mut *core::ptr::addr_of_mut!(BUF) };
    let mut rtnl = match Rtnl::new(buf) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "nostd-ip: {e}");
            err.flush();
            return 1;
        }
    };
    let mut can = false;
    match run(&mut rtnl, &mut args, &mut can) {
        Ok(()) => 0,
        Err(Fail::Usage) => {
            let _ = err.write_str(USAGE);
            err.flush();
            2
        }
        Err(Fail::Lib(e)) => {
            let _ = write!(err, "nostd-ip: {e}");
            if let Some(text) = rtnl.client().ext_ack_message() {
                let _ = write!(err, ": {text}");
            }
            let refusal = CanRefusal::of(&e, rtnl.client().ext_ack_message());
            if can && refusal == Some(CanRefusal::Unsupported) {
                let _ = err.write_str(" (not a CAN controller, or a mode it lacks)");
            }
            let _ = err.write_str("\n");
            err.flush();
            1
        }
    }
}

/// Runs the command of `args`; `can` is set when the kernel's answer is to a CAN request.
fn run(rtnl: &mut Rtnl<'_>, args: &mut Args, can: &mut bool) -> Result<(), Fail> {
    let object = args.want()?;
    let verb = args.want()?;
    match (object, verb) {
        ("link" | "l", "show" | "list") => link_show(rtnl, args),
        ("link" | "l", "set") => link_set(rtnl, args, can),
        ("address" | "addr" | "a", "add") => address_add(rtnl, args),
        ("route" | "r", "add") => route_add(rtnl, args),
        _ => Err(Fail::Usage),
    }
}

/// `link show [dev NAME]`.
fn link_show(rtnl: &mut Rtnl<'_>, args: &mut Args) -> Result<(), Fail> {
    let mut out = Out::new(1);
    match args.next()? {
        None => {
            let mut links = rtnl.links()?;
            while let Some(link) = links.next()? {
                let _ = writeln!(out, "{link}"); // the first line of `ip link show`
            }
        }
        Some("dev") => {
            let name = args.want()?;
            if args.next()?.is_some() {
                return Err(Fail::Usage);
            }
            let _ = writeln!(out, "{}", rtnl.link_by_name(name)?);
        }
        Some(_) => return Err(Fail::Usage),
    }
    out.flush();
    Ok(())
}

/// A decimal number.
fn number(s: &str) -> Result<u32, Fail> {
    s.parse().map_err(|_| Fail::Usage)
}

/// A sample point as `ip` writes it (`0.875`), in tenths of a percent (875).
fn sample_point(s: &str) -> Result<u32, Fail> {
    let frac = s.strip_prefix("0.").ok_or(Fail::Usage)?;
    if frac.is_empty() || frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Fail::Usage);
    }
    let mut n = number(frac)?;
    for _ in frac.len()..3 {
        n *= 10;
    }
    Ok(n)
}

/// `link set dev NAME [up|down] [mtu N] [type can bitrate N [sample-point P] [restart-ms N]]`.
fn link_set(rtnl: &mut Rtnl<'_>, args: &mut Args, can: &mut bool) -> Result<(), Fail> {
    if args.want()? != "dev" {
        return Err(Fail::Usage);
    }
    let name = args.want()?;
    let mut change = LinkChange::new();
    let mut changed = false;
    let mut bitrate = None;
    let mut point = None;
    let mut restart = None;
    let mut in_can = false;
    while let Some(a) = args.next()? {
        match a {
            "up" | "down" if !in_can => {
                change = change.up(a == "up");
                changed = true;
            }
            "mtu" if !in_can => {
                change = change.mtu(number(args.want()?)?);
                changed = true;
            }
            "type" if !in_can => {
                if args.want()? != "can" {
                    return Err(Fail::Usage);
                }
                in_can = true;
            }
            "bitrate" if in_can => bitrate = Some(number(args.want()?)?),
            "sample-point" if in_can => point = Some(sample_point(args.want()?)?),
            "restart-ms" if in_can => restart = Some(number(args.want()?)?),
            _ => return Err(Fail::Usage),
        }
    }
    let index = rtnl.index_of(name)?;
    if in_can {
        let mut config = CanConfig::new();
        match (bitrate, point) {
            (Some(b), p) => {
                let mut t = CanBitTiming::from_bitrate(b);
                if let Some(p) = p {
                    t = t.with_sample_point(p);
                }
                config = config.bit_timing(t);
            }
            (None, Some(_)) => return Err(Fail::Usage),
            (None, None) => {}
        }
        if let Some(ms) = restart {
            config = config.restart_ms(ms);
        }
        if bitrate.is_none() && restart.is_none() {
            return Err(Fail::Usage);
        }
        *can = true;
        rtnl.set_can(index, &config)?;
        *can = false;
    } else if !changed {
        return Err(Fail::Usage);
    }
    if changed {
        rtnl.set_link(index, &change)?;
    }
    Ok(())
}

/// `ADDRESS/PREFIX`.
fn prefix(s: &str) -> Result<(IpAddr, u8), Fail> {
    let (ip, len) = s.split_once('/').ok_or(Fail::Usage)?;
    let ip: IpAddr = ip.parse().map_err(|_| Fail::Usage)?;
    let len = number(len)?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    if len > max {
        return Err(Fail::Usage);
    }
    Ok((ip, len as u8))
}

/// `address add A/N dev NAME`.
fn address_add(rtnl: &mut Rtnl<'_>, args: &mut Args) -> Result<(), Fail> {
    let (ip, len) = prefix(args.want()?)?;
    if args.want()? != "dev" {
        return Err(Fail::Usage);
    }
    let name = args.want()?;
    if args.next()?.is_some() {
        return Err(Fail::Usage);
    }
    let index = rtnl.index_of(name)?;
    rtnl.add_address(&AddressSpec::new(index, ip, len))?;
    Ok(())
}

/// `route add PREFIX|default [via GW] [dev NAME]`.
fn route_add(rtnl: &mut Rtnl<'_>, args: &mut Args) -> Result<(), Fail> {
    let target = args.want()?;
    let mut via: Option<IpAddr> = None;
    let mut dev = None;
    while let Some(a) = args.next()? {
        match a {
            "via" if via.is_none() => via = Some(args.want()?.parse().map_err(|_| Fail::Usage)?),
            "dev" if dev.is_none() => dev = Some(args.want()?),
            _ => return Err(Fail::Usage),
        }
    }
    let mut spec = match target {
        "default" if matches!(via, Some(IpAddr::V6(_))) => RouteSpec::default_v6(),
        "default" => RouteSpec::default_v4(),
        p => {
            let (ip, len) = match p.split_once('/') {
                Some(_) => prefix(p)?,
                None => {
                    let ip: IpAddr = p.parse().map_err(|_| Fail::Usage)?;
                    (ip, if ip.is_ipv4() { 32 } else { 128 })
                }
            };
            RouteSpec::new(ip, len)
        }
    };
    if via.is_none() && dev.is_none() {
        return Err(Fail::Usage);
    }
    if let Some(gw) = via {
        spec = spec.via(gw);
    }
    if let Some(name) = dev {
        spec = spec.dev(rtnl.index_of(name)?);
    }
    rtnl.add_route(&spec)?;
    Ok(())
}
