//! Helpers shared by the integration tests.
#![allow(unsafe_code)] // a test or example may use libc and raw fds itself; the library may not
#![allow(dead_code)]

pub mod dnsmasq;
pub mod fork;
pub mod iproute;
pub mod rtnl;
pub mod signals;

use std::net::SocketAddr;

/// Prints `skipped: <reason>` (which `cargo xtask test` counts as a skip, not a pass) and
/// returns from the test.
#[macro_export]
macro_rules! skip {
    ($($arg:tt)*) => {{
        println!("skipped: {}", format!($($arg)*));
        return;
    }};
}

/// Under qemu-user, an error that comes from its emulation (an errno for an option or message
/// it does not translate, or a short option answer) makes the test print `skipped:` and
/// return; anywhere else the result passes through unchanged, to be checked.
#[macro_export]
macro_rules! qemu_gap {
    ($e:expr) => {
        match $e {
            Err(e @ (baresock::Error::Os(_) | baresock::Error::Input(baresock::InputError::OptionSize { .. })))
                if $crate::common::under_qemu_user() =>
            {
                skip!("qemu-user does not emulate this ({e:?})");
            }
            other => other,
        }
    };
}

/// `(major, minor)` of the running kernel (`/proc/sys/kernel/osrelease`: `6.12.48+deb13-amd64`
/// gives `(6, 12)`).
pub fn kernel_version() -> (u32, u32) {
    let release =
        std::fs::read_to_string("/proc/sys/kernel/osrelease").expect("/proc/sys/kernel/osrelease");
    let mut parts = release.trim().split(|c: char| !c.is_ascii_digit());
    let mut next = || parts.next().and_then(|p| p.parse().ok());
    match (next(), next()) {
        (Some(major), Some(minor)) => (major, minor),
        _ => panic!("a kernel release without a version: {release:?}"),
    }
}

/// Whether the running kernel is older than `major.minor`.
pub fn kernel_before(major: u32, minor: u32) -> bool {
    kernel_version() < (major, minor)
}

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Set by `cargo xtask test` when the tests run under qemu-user.
pub fn under_qemu_user() -> bool {
    std::env::var_os("BARESOCK_QEMU_USER").is_some()
}

/// Why the kernel's link replies cannot be read here, if they cannot: qemu-user on a
/// big-endian guest (s390x) swaps each rtnetlink attribute header into the guest's order
/// only while more than 4 bytes are left, so a link reply ending in an empty attribute (the
/// kernel's `IFLA_DEVLINK_PORT` nest, for one) keeps a little-endian last header, which the
/// library rightly rejects as a bad length. The same tests run in the s390x VM on a real
/// big-endian kernel.
pub fn qemu_netlink_links_gap() -> Option<&'static str> {
    (under_qemu_user() && cfg!(target_endian = "big")).then_some(
        "qemu-user leaves the last empty attribute of a big-endian guest's link reply unswapped",
    )
}

pub fn v4_any_port() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

pub fn v6_any_port() -> SocketAddr {
    "[::1]:0".parse().unwrap()
}

/// Whether IPv6 loopback works here (some containers have none).
/// Raises RLIMIT_NOFILE so that `want` fds may be open: both limits to `want` where the hard
/// one is lower and may be raised (root), else the soft limit to the hard one. Returns the
/// soft limit it ends with (below `want`: the test cannot have that many).
pub fn raise_nofile(want: u64) -> u64 {
    use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
    let now = getrlimit(Resource::Nofile);
    let (soft, hard) = (
        now.current.unwrap_or(u64::MAX),
        now.maximum.unwrap_or(u64::MAX),
    );
    if soft >= want {
        return soft;
    }
    if hard < want {
        let raised = Rlimit {
            current: Some(want),
            maximum: Some(want),
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return want;
        }
    }
    let to_hard = Rlimit {
        current: Some(hard),
        maximum: now.maximum,
    };
    match setrlimit(Resource::Nofile, to_hard) {
        Ok(()) => hard,
        Err(_) => soft,
    }
}

/// A UDP socket and a TCP listener on one loopback port (a DNS server's two halves): a UDP
/// port is taken, then its TCP twin, a few tries over, since another test's TCP socket may
/// hold that port already (the thousand-connection tests take many).
pub fn udp_and_tcp_on_one_port() -> (std::net::UdpSocket, std::net::TcpListener) {
    (0..50)
        .find_map(|_| {
            let u = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
            let l = std::net::TcpListener::bind(u.local_addr().unwrap()).ok()?;
            Some((u, l))
        })
        .expect("no UDP port with a free TCP twin in 50 tries")
}

pub fn has_ipv6() -> bool {
    std::net::UdpSocket::bind("[::1]:0").is_ok()
}

/// A fresh, empty directory for socket files, removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let p = std::env::temp_dir().join(format!(
            "baresock-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A Unix path-name address for a path (without the `std` feature's `UnixAddr::from_path`).
pub fn unix_addr(path: &std::path::Path) -> baresock::UnixAddr {
    use std::os::unix::ffi::OsStrExt;
    baresock::UnixAddr::new(path.as_os_str().as_bytes()).unwrap()
}

/// The Internet checksum (RFC 1071).
pub fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = data
        .chunks(2)
        .map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])))
        .sum();
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// Open fds of this process.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Why a namespace for a test could not be made: a capability this machine lacks (the test
/// skips, saying so), or a set-up step that failed where the capability is there (the test
/// fails: that is a bug, not a missing feature).
#[derive(Debug)]
pub enum Setup {
    /// Not root, qemu-user, no such module in this kernel, namespaces not permitted.
    Missing(String),
    /// Anything that went wrong after the capability was found.
    Failed(String),
}

/// `Err(reason)` for a missing capability; a failed set-up panics, failing the test.
pub fn missing_or_panic<R>(r: Result<R, Setup>) -> Result<R, String> {
    match r {
        Ok(r) => Ok(r),
        Err(Setup::Missing(why)) => Err(why),
        Err(Setup::Failed(why)) => panic!("setting up the test's namespace failed: {why}"),
    }
}

/// A step of the set-up that cannot fail for want of a capability.
fn failed(what: &str) -> impl Fn(String) -> Setup + '_ {
    move |e| Setup::Failed(format!("{what}: {e}"))
}

/// This thread into a network namespace of its own: only `EPERM` (no `CAP_SYS_ADMIN` in a
/// container) is a missing capability.
fn unshare_net() -> Result<(), Setup> {
    // SAFETY: only the network namespace changes, for the calling thread alone.
    match unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNET) } {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::PERM => Err(Setup::Missing(format!(
            "network namespaces are not permitted here ({e})"
        ))),
        Err(e) => Err(Setup::Failed(format!("unshare(CLONE_NEWNET): {e}"))),
    }
}

/// Adding a link of `kind`: `EOPNOTSUPP` (the kernel has no such link type, and no module to
/// load for it) is a missing capability; any other error a failure.
#[cfg(feature = "netlink")]
fn link_added(kind: &str, r: Result<(), baresock::Error>) -> Result<(), Setup> {
    match r {
        Ok(()) => Ok(()),
        Err(e) if e.errno() == Some(rustix::io::Errno::OPNOTSUPP) => {
            Err(Setup::Missing(format!("no {kind} in this kernel ({e})")))
        }
        Err(e) => Err(Setup::Failed(format!("adding a {kind} link: {e}"))),
    }
}

/// What a fixture that makes links says without the `netlink` feature (its links are made
/// by the library's rtnetlink).
#[cfg(not(feature = "netlink"))]
fn no_netlink() -> Setup {
    Setup::Missing("the fixture's links are made by the `netlink` feature, not built".into())
}

/// An rtnetlink handle for a fixture, in this thread's namespace, on `buf`.
#[cfg(feature = "netlink")]
fn nl(buf: &mut [u8]) -> Result<baresock::netlink::route::Rtnl<'_>, Setup> {
    rtnl::open(buf).map_err(|e| Setup::Failed(format!("rtnetlink: {e}")))
}

/// `ip link add bs0 type veth peer name bs1`, then `lo`, `bs0` and `bs1` up.
#[cfg(feature = "netlink")]
fn veth_pair() -> Result<(), Setup> {
    use baresock::netlink::route::NewLink;
    let mut buf = rtnl::buffer();
    let mut nl = nl(&mut buf)?;
    link_added("veth", nl.new_link(&NewLink::veth("bs0", "bs1")))?;
    for name in ["lo", "bs0", "bs1"] {
        nl.set_up(index_of(name)?)
            .map_err(|e| Setup::Failed(format!("{name} up: {e}")))?;
    }
    // A veth that is up has the `noop` qdisc until its carrier comes (Linux 6.12: a packet
    // socket's frames sent before then are lost): wait, bounded, until both have a real one.
    for name in ["bs0", "bs1"] {
        wait_for_qdisc(&mut nl, index_of(name)?, name)?;
    }
    Ok(())
}

/// Waits up to 5 s until the link `index` (`name`) has a qdisc other than `noop`.
#[cfg(feature = "netlink")]
fn wait_for_qdisc(
    nl: &mut baresock::netlink::route::Rtnl<'_>,
    index: u32,
    name: &str,
) -> Result<(), Setup> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let qdisc = {
            let link = nl
                .link(index)
                .map_err(|e| Setup::Failed(format!("{name}: {e}")))?;
            link.qdisc()
                .map_err(|e| Setup::Failed(format!("{name}'s qdisc: {e}")))?
                .map(str::to_owned)
        };
        match qdisc.as_deref() {
            Some(q) if q != "noop" => return Ok(()),
            _ if std::time::Instant::now() >= deadline => {
                return Err(Setup::Failed(format!(
                    "{name} still has qdisc {qdisc:?} 5 s after it came up"
                )))
            }
            _ => std::thread::sleep(std::time::Duration::from_millis(10)),
        }
    }
}

#[cfg(not(feature = "netlink"))]
fn veth_pair() -> Result<(), Setup> {
    Err(no_netlink())
}

/// `ip addr add <addr>/<prefix> dev <name>`, in this thread's namespace.
#[cfg(feature = "netlink")]
pub fn add_ipv4(name: &str, addr: [u8; 4], prefix: u8) -> Result<(), String> {
    let mut buf = rtnl::buffer();
    let mut nl = rtnl::open(&mut buf).map_err(|e| e.to_string())?;
    let index = nl.index_of(name).map_err(|e| format!("{name}: {e}"))?;
    let spec = baresock::netlink::route::AddressSpec::new(index, addr.into(), prefix);
    nl.add_address(&spec)
        .map_err(|e| format!("{name}'s address: {e}"))
}

/// `ip addr add`: needs the `netlink` feature (the fixtures that call it skip without).
#[cfg(not(feature = "netlink"))]
pub fn add_ipv4(name: &str, _addr: [u8; 4], _prefix: u8) -> Result<(), String> {
    Err(format!("{name}: addresses need the netlink feature"))
}

/// `ip link add <name> type vcan` with MTU `mtu`, then up, in this thread's namespace
/// (`EOPNOTSUPP`: no vcan in this kernel). An existing link of that name is taken as it is
/// (and brought up).
#[cfg(feature = "netlink")]
pub fn add_vcan(name: &str, mtu: Option<u32>) -> Result<u32, baresock::Error> {
    use baresock::netlink::route::NewLink;
    let mut buf = rtnl::buffer();
    let mut nl = rtnl::open(&mut buf)?;
    let mut link = NewLink::vcan(name);
    if let Some(mtu) = mtu {
        link = link.mtu(mtu);
    }
    match nl.new_link(&link) {
        Err(e) if e.errno() == Some(rustix::io::Errno::EXIST) => {}
        r => r?,
    }
    let index = nl.index_of(name)?;
    nl.set_up(index)?;
    Ok(index)
}

/// `vcan0` and `vcan1`, up, in the calling thread's namespace (the VMs' CAN buses: made here
/// by the library where they are missing, not by the VM's init; on a host only looked up);
/// their indexes, or
/// `Err(reason)` where they cannot be made (no vcan in this kernel, not root).
#[cfg(feature = "can")]
pub fn vcan_buses() -> Result<(u32, u32), String> {
    let existing = (
        baresock::interface_index("vcan0"),
        baresock::interface_index("vcan1"),
    );
    if let (Ok(a), Ok(b)) = existing {
        return Ok((a, b));
    }
    // Only in the VMs (their init sets BARESOCK_VM=1): on a host, links in its own
    // namespace are not the tests' to make.
    if std::env::var_os("BARESOCK_VM").is_none_or(|v| v != "1") {
        return Err("no vcan0/vcan1 here (the fixture makes them only in the VMs)".into());
    }
    #[cfg(feature = "netlink")]
    {
        if !is_root() {
            return Err("making vcan0 and vcan1 needs root".into());
        }
        let mut made = [0u32; 2];
        for (slot, name) in made.iter_mut().zip(["vcan0", "vcan1"]) {
            *slot = add_vcan(name, None).map_err(|e| format!("no {name} ({e})"))?;
        }
        Ok((made[0], made[1]))
    }
    #[cfg(not(feature = "netlink"))]
    Err("no vcan0/vcan1, and no netlink feature to make them".into())
}

/// The index of interface `name` in this thread's namespace.
fn index_of(name: &str) -> Result<u32, Setup> {
    baresock::interface_index(name).map_err(|e| Setup::Failed(format!("interface {name}: {e}")))
}

/// Runs `f` on a thread of its own in a new, empty network namespace (only `lo`, down);
/// `Err(reason)` where none can be made (not root, qemu-user, namespaces not permitted).
/// Child processes started from `f` (`ip`) live in the namespace too.
pub fn in_netns<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Result<R, String> {
    if !is_root() {
        return Err("network namespaces need root".into());
    }
    if under_qemu_user() {
        return Err("qemu-user does not emulate netlink and namespaces reliably".into());
    }
    missing_or_panic(
        std::thread::spawn(move || {
            unshare_net()?;
            Ok(f())
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
    )
}

/// Runs `f` on a thread of its own in a new network namespace with a veth pair `bs0`/`bs1`,
/// both up, and returns what it returns; `Err(reason)` where that cannot be made for want of
/// a capability (not root, qemu-user, no namespaces, no veth). A set-up step that fails
/// otherwise panics: the test fails. The namespace goes away with the thread.
pub fn in_netns_with_veth<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    missing_or_panic(netns_with_veth(f))
}

fn netns_with_veth<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> Result<R, Setup> {
    if !is_root() {
        return Err(Setup::Missing("network namespaces need root".into()));
    }
    if under_qemu_user() {
        return Err(Setup::Missing(
            "qemu-user does not emulate SOL_PACKET options and namespaces reliably".into(),
        ));
    }
    std::thread::spawn(move || {
        unshare_net()?;
        veth_pair()?;
        // Until the kernel's link watch has seen the carrier (at most once a second, later on
        // a slow machine), the veth's queue is the no-op one: a frame sent then is dropped,
        // yet the send succeeds.
        wait_running(&["bs0", "bs1"]).map_err(failed("waiting for the veth pair"))?;
        Ok(f())
    })
    .join()
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Waits (10 s at most) until each interface of this thread's namespace is operationally up
/// (`IFF_RUNNING`: the link watch has run and attached its queue).
pub fn wait_running(names: &[&str]) -> Result<(), String> {
    let s = std::net::UdpSocket::bind("127.0.0.1:0")
        .or_else(|_| std::net::UdpSocket::bind("[::1]:0"))
        .map_err(|e| format!("a socket for SIOCGIFFLAGS: {e}"))?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    for name in names {
        loop {
            // SAFETY: `ifreq` is plain data, zeroed; the name fits with its NUL (≤ 15 bytes,
            // checked by the caller's interface names), and SIOCGIFFLAGS writes only
            // `ifr_flags` inside it.
            let flags = unsafe {
                let mut req: libc::ifreq = std::mem::zeroed();
                for (d, b) in req.ifr_name.iter_mut().zip(name.bytes().take(15)) {
                    *d = b as libc::c_char;
                }
                if libc::ioctl(
                    std::os::fd::AsRawFd::as_raw_fd(&s),
                    libc::SIOCGIFFLAGS as _,
                    &mut req,
                ) != 0
                {
                    return Err(format!(
                        "SIOCGIFFLAGS {name}: {}",
                        std::io::Error::last_os_error()
                    ));
                }
                req.ifr_ifru.ifru_flags
            };
            if flags as i32 & libc::IFF_RUNNING != 0 {
                break;
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("{name} did not come up in 10 s (flags {flags:#x})"));
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
    Ok(())
}

/// Runs `f` on a thread of its own in a new network namespace with three virtual CAN
/// interfaces, up: `vc0` and `vc1` (classic MTU, 16) and `vcfd` (CAN FD MTU, 72): set explicitly, since vcan's default differs between kernels; `Err(reason)`
/// where that cannot be made (not root, qemu-user, no CAN or vcan in this kernel).
/// Child processes started from `f` live in the namespace too.
#[cfg(feature = "can")]
pub fn in_netns_with_vcan<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    if !is_root() {
        return Err("network namespaces need root".into());
    }
    // The kernel first: under qemu-user it is the host's, which may have no CAN at all.
    if let Err(e) = baresock::can::CanSocket::new() {
        return Err(format!("no AF_CAN / CAN_RAW in this kernel ({e})"));
    }
    if under_qemu_user() {
        return Err(if cfg!(target_endian = "big") {
            "qemu-user does not byte-swap sockaddr_can for big-endian guests".into()
        } else {
            "qemu-user's netlink emulation is not relied on to make vcan links (the VMs run this)"
                .into()
        });
    }
    missing_or_panic(
        std::thread::spawn(move || {
            unshare_net()?;
            #[cfg(not(feature = "netlink"))]
            return Err(no_netlink());
            #[cfg(feature = "netlink")]
            for (name, mtu) in [("vc0", Some(16)), ("vc1", Some(16)), ("vcfd", Some(72))] {
                link_added("vcan", add_vcan(name, mtu).map(drop))?;
            }
            #[cfg(feature = "netlink")]
            Ok(f())
        })
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
    )
}

/// The index of interface `name`, which must exist.
pub fn can_index(name: &str) -> u32 {
    baresock::interface_index(name).unwrap()
}

/// Two network namespaces joined by a veth: this side `bs0` with 10.77.0.1/24, the peer
/// `bs1` with 10.77.0.2/24 in a namespace of its own (whose kernel answers pings). Runs `f` in
/// the first; `Err(reason)` where namespaces cannot be made.
pub fn in_two_netns<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    in_two_netns_with_peer(|| (), f)
}

/// [`in_two_netns`], with `serve` run in the peer's namespace once it is configured: servers
/// it starts there (on 10.77.0.2) answer over the veth. What it returns is kept there until
/// `f` has returned, then dropped (a server stops then).
pub fn in_two_netns_with_peer<G: 'static, R: Send + 'static>(
    serve: impl FnOnce() -> G + Send + 'static,
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    use std::sync::mpsc::channel;
    let r = netns_with_veth(move || -> Result<R, Setup> {
        let (tid_tx, tid_rx) = channel();
        let (go_tx, go_rx) = channel::<()>();
        let (ready_tx, ready_rx) = channel();
        let (done_tx, done_rx) = channel::<()>();
        let peer = std::thread::spawn(move || {
            let r = unshare_net();
            tid_tx
                .send(rustix::thread::gettid().as_raw_nonzero().get() as u32)
                .unwrap();
            if let Err(e) = r {
                ready_tx.send(Err(e)).unwrap();
                return;
            }
            let _ = go_rx.recv();
            let configured = peer_side();
            // The peer's servers are up before `f` starts.
            let guard = configured.is_ok().then(serve);
            ready_tx.send(configured).unwrap();
            let _ = done_rx.recv();
            drop(guard);
        });
        let tid = tid_rx.recv().map_err(|e| Setup::Failed(e.to_string()))?;
        // Where the peer could not enter its namespace, it says so without waiting for `go`.
        let moved = move_link("bs1", tid);
        let _ = go_tx.send(());
        let ready = ready_rx
            .recv()
            .map_err(|_| Setup::Failed("the peer namespace thread panicked".into()))?;
        match (ready, moved) {
            (Err(Setup::Missing(why)), _) => return Err(Setup::Missing(why)),
            (_, Err(e)) => return Err(Setup::Failed(format!("moving bs1: {e}"))),
            (ready, Ok(())) => ready?,
        }
        add_ipv4("bs0", [10, 77, 0, 1], 24).map_err(Setup::Failed)?;
        let r = f();
        drop(done_tx);
        if let Err(panic) = peer.join() {
            std::panic::resume_unwind(panic);
        }
        Ok(r)
    });
    missing_or_panic(r.and_then(|inner| inner))
}

/// The peer side of [`in_two_netns`]: `bs1` with 10.77.0.2/24, `bs1` and `lo` up.
#[cfg(feature = "netlink")]
fn peer_side() -> Result<(), Setup> {
    add_ipv4("bs1", [10, 77, 0, 2], 24).map_err(Setup::Failed)?;
    let mut buf = rtnl::buffer();
    let mut nl = nl(&mut buf)?;
    let bs1 = index_of("bs1")?;
    nl.set_up(bs1)
        .map_err(|e| Setup::Failed(format!("bs1 up: {e}")))?;
    nl.set_up(1)
        .map_err(|e| Setup::Failed(format!("lo up: {e}")))
}

#[cfg(not(feature = "netlink"))]
fn peer_side() -> Result<(), Setup> {
    Err(no_netlink())
}

/// `ip link set <name> netns <tid>`.
#[cfg(feature = "netlink")]
fn move_link(name: &str, tid: u32) -> Result<(), String> {
    use baresock::netlink::route::Netns;
    let mut buf = rtnl::buffer();
    let mut nl = rtnl::open(&mut buf).map_err(|e| e.to_string())?;
    let index = nl.index_of(name).map_err(|e| e.to_string())?;
    nl.set_netns(index, Netns::Pid(tid))
        .map_err(|e| e.to_string())
}

#[cfg(not(feature = "netlink"))]
fn move_link(_name: &str, _tid: u32) -> Result<(), String> {
    Err("needs the netlink feature".into())
}

/// Whether the local vsock transport (`vsock_loopback`) is here: `Err(reason)` with the
/// errno that says why not, for `skipped: no vsock loopback transport (<errno>)`. Probed by a
/// bind to `VMADDR_CID_LOCAL`, which the kernel takes only with the loopback transport loaded
/// (`EADDRNOTAVAIL` without it; `EAFNOSUPPORT` without `AF_VSOCK` at all). The VMs load it
/// (qemu/modules.txt), so there its absence fails the test instead of skipping it.
pub fn vsock_loopback() -> Result<(), String> {
    use baresock::{VsockAddr, VsockListener};
    let local = VsockAddr::new(VsockAddr::CID_LOCAL, VsockAddr::PORT_ANY);
    let Err(e) = VsockListener::bind(local) else {
        return Ok(());
    };
    let errno = match e.errno() {
        Some(n) => syscalls::Errno::new(n.raw_os_error())
            .name()
            .map_or_else(|| format!("errno {}", n.raw_os_error()), str::to_owned),
        None => format!("{e}"),
    };
    let reason = format!("no vsock loopback transport ({errno})");
    if std::env::var_os("BARESOCK_VM").is_some_and(|v| v == "1") {
        panic!("{reason}: the VM should have vsock_loopback loaded (qemu/modules.txt)");
    }
    Err(reason)
}

/// Prints `skipped: no vsock loopback transport (<errno>)` and returns where
/// [`vsock_loopback`] says it is not here.
#[macro_export]
macro_rules! need_vsock_loopback {
    () => {
        if let Err(reason) = $crate::common::vsock_loopback() {
            skip!("{reason}");
        }
    };
}
