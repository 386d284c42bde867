//! Connecting to a host by name: Python's `create_connection((host, port))`, with Happy
//! Eyeballs (RFC 8305) done with non-blocking connects and one `poll`, without threads or heap.

use crate::InputError;
use core::net::SocketAddr;
use core::time::Duration;

use rustix::event::{PollFd, PollFlags};

use super::{AddrInfo, Hints, Resolver};
use crate::time::{duration, Deadline};
use crate::{Errno, Error, MptcpMode, Result, Socket, TcpStream, Type};

/// How long an attempt has before the next address is tried beside it (RFC 8305 §5's
/// recommended Connection Attempt Delay).
pub const ATTEMPT_DELAY: Duration = Duration::from_millis(250);
/// The most connection attempts under way at once.
pub const MAX_ATTEMPTS_IN_FLIGHT: usize = 8;
/// The most addresses one connect tries.
const MAX_TRIED: usize = 16;

impl Resolver<'_> {
    /// Connects over TCP to `host` (a name or a numeric address) on `port` (Python's
    /// `create_connection((host, port), timeout, source_address)`).
    ///
    /// The host's addresses are looked up and sorted (RFC 6724), then interleaved by family
    /// (RFC 8305 §4: the first family, then the other, in turn). The first attempt starts at
    /// once; each next one starts when the one before fails or [`ATTEMPT_DELAY`] has passed
    /// without an answer, while the earlier ones go on: the first to connect wins and the
    /// others are closed. With `source`, each socket is bound to it first, and only
    /// addresses of its family are tried.
    ///
    /// `timeout` bounds the whole, the name lookup included: the lookup's attempts (each of
    /// resolv.conf's `timeout`) are cut short where the deadline comes first, and the
    /// connects get what the lookup left. Without `timeout` the lookup takes at most
    /// resolv.conf's bound (see the [module docs](super#time)) and the connects wait as long
    /// as the kernel does. The stream keeps `timeout`'s mode afterwards (see
    /// [`Socket::set_timeout`]). A reply over TCP goes to a stack buffer of
    /// [`TCP_REPLY_DEFAULT`](super::dns::TCP_REPLY_DEFAULT) bytes; see
    /// [`connect_with`](Self::connect_with) for a buffer of the caller's.
    ///
    /// Fails with a lookup's [`ResolveError::Lookup`](crate::ResolveError::Lookup),
    /// [`Error::Timeout`] when the deadline passes (during the lookup or the connects), or the last
    /// attempt's error.
    ///
    /// ```
    /// use baresock::resolve::{Paths, Resolver, ResolvConf};
    /// use baresock::TcpListener;
    /// use core::time::Duration;
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let port = listener.local_addr()?.port();
    /// let resolver = Resolver::new(ResolvConf::default(), Paths::SYSTEM);
    /// let stream = resolver.connect("127.0.0.1", port, Some(Duration::from_secs(5)), None)?;
    /// assert_eq!(stream.peer_addr()?.port(), port);
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn connect(
        &self,
        host: &str,
        port: u16,
        timeout: Option<Duration>,
        source: Option<SocketAddr>,
    ) -> Result<TcpStream> {
        self.connect_in(host, port, timeout, source, None, MptcpMode::Off)
    }

    /// [`connect`](Self::connect), a reply over TCP to the name lookup going to `tcp` (see
    /// [`lookup_with`](Self::lookup_with)).
    ///
    /// ```
    /// use baresock::resolve::{dns::TCP_REPLY_MAX, Paths, Resolver, ResolvConf};
    /// use baresock::TcpListener;
    ///
    /// let listener = TcpListener::bind("127.0.0.1:0")?;
    /// let port = listener.local_addr()?.port();
    /// let resolver = Resolver::new(ResolvConf::default(), Paths::SYSTEM);
    /// let mut tcp = vec![0u8; TCP_REPLY_MAX]; // any reply fits, and not on the stack
    /// let stream = resolver.connect_with("127.0.0.1", port, None, None, &mut tcp)?;
    /// assert_eq!(stream.peer_addr()?.port(), port);
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn connect_with(
        &self,
        host: &str,
        port: u16,
        timeout: Option<Duration>,
        source: Option<SocketAddr>,
        tcp: &mut [u8],
    ) -> Result<TcpStream> {
        self.connect_in(host, port, timeout, source, Some(tcp), MptcpMode::Off)
    }

    /// [`connect`](Self::connect) over Multipath TCP as `mptcp` asks (see [`MptcpMode`]):
    /// each attempt an MPTCP socket, or with [`MptcpMode::Prefer`] a plain TCP one where the
    /// kernel refuses MPTCP ([`TcpStream::mptcp_status`] tells which it got).
    ///
    /// ```
    /// use baresock::resolve::{Paths, Resolver, ResolvConf};
    /// use baresock::{create_server, MptcpMode, ServerOptions};
    /// use core::net::SocketAddr;
    /// use core::time::Duration;
    ///
    /// let opts = ServerOptions { mptcp: MptcpMode::Prefer, ..Default::default() };
    /// let server = create_server("127.0.0.1:0".parse::<SocketAddr>()?, opts)?;
    /// let port = server.local_addr()?.port();
    /// let resolver = Resolver::new(ResolvConf::default(), Paths::SYSTEM);
    /// let timeout = Some(Duration::from_secs(5));
    /// let stream = resolver.connect_mptcp("localhost", port, timeout, None, MptcpMode::Prefer)?;
    /// assert_eq!(stream.peer_addr()?.port(), port);
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn connect_mptcp(
        &self,
        host: &str,
        port: u16,
        timeout: Option<Duration>,
        source: Option<SocketAddr>,
        mptcp: MptcpMode,
    ) -> Result<TcpStream> {
        self.connect_in(host, port, timeout, source, None, mptcp)
    }

    fn connect_in(
        &self,
        host: &str,
        port: u16,
        timeout: Option<Duration>,
        source: Option<SocketAddr>,
        tcp: Option<&mut [u8]>,
        mptcp: MptcpMode,
    ) -> Result<TcpStream> {
        // The one deadline of the whole, on CLOCK_MONOTONIC.
        let end_ns = timeout.map_or(u64::MAX, |t| {
            crate::sys::clock::monotonic_ns().saturating_add(crate::time::encode(Some(t)))
        });
        let hints = Hints {
            socket_type: Some(Type::STREAM),
            family: source.map(|s| crate::SockAddr::from(s).family()),
            ..Hints::default()
        };
        let mut found = [AddrInfo::EMPTY; MAX_TRIED];
        let mut port_text = [0u8; 5];
        let service = format_port(port, &mut port_text);
        let left = || {
            end_ns
                .checked_sub(crate::sys::clock::monotonic_ns())
                .filter(|&l| l > 0)
                .map(Duration::from_nanos)
        };
        let lookup =
            match self.lookup_in(Some(host), Some(service), &hints, &mut found, tcp, end_ns) {
                Ok(l) => l,
                // The lookup was cut short by the deadline: that is the failure.
                Err(_) if timeout.is_some() && left().is_none() => return Err(Error::Timeout),
                Err(e) => return Err(e),
            };
        let mut order = [AddrInfo::EMPTY; MAX_TRIED];
        let n = interleave(lookup.results(&found), &mut order);
        let connect_timeout = match timeout {
            Some(_) => Some(left().ok_or(Error::Timeout)?),
            None => None,
        };
        let s = happy_eyeballs(&order[..n], connect_timeout, source, mptcp)?;
        s.set_timeout(timeout)?;
        Ok(TcpStream::try_from(s)?)
    }
}

/// `port` in decimal, as the service text of a lookup.
fn format_port(port: u16, buf: &mut [u8; 5]) -> &str {
    let mut n = port;
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    core::str::from_utf8(&buf[at..]).unwrap_or("0")
}

/// Orders addresses as RFC 8305 §4 does: the first address's family first, then the other
/// family, alternating, each family in its sorted order. Returns how many were written.
fn interleave(sorted: &[AddrInfo], out: &mut [AddrInfo]) -> usize {
    let Some(first) = sorted.first() else {
        return 0;
    };
    let first_v6 = first.addr.is_ipv6();
    let mut a = sorted.iter().filter(|x| x.addr.is_ipv6() == first_v6);
    let mut b = sorted.iter().filter(|x| x.addr.is_ipv6() != first_v6);
    let mut n = 0;
    while n < out.len() {
        let next = if n % 2 == 0 {
            a.next().or_else(|| b.next())
        } else {
            b.next().or_else(|| a.next())
        };
        match next {
            Some(x) => {
                out[n] = *x;
                n += 1;
            }
            None => break,
        }
    }
    n
}

/// Connects to the first of `addrs` to answer, starting one attempt every [`ATTEMPT_DELAY`]
/// (or at once when the one before fails), all within `timeout`.
fn happy_eyeballs(
    addrs: &[AddrInfo],
    timeout: Option<Duration>,
    source: Option<SocketAddr>,
    mptcp: MptcpMode,
) -> Result<Socket> {
    let mut flight: [Option<Socket>; MAX_ATTEMPTS_IN_FLIGHT] = Default::default();
    let mut next = 0;
    let mut last = Error::Input(InputError::NoAddresses);
    let mut deadline = Deadline::default();
    if let Some(t) = timeout {
        deadline.start(t);
    }
    loop {
        // Start the next attempt: at first, when nothing is under way, or when the delay
        // since the last start has passed (the caller's loop brings us here then).
        if next < addrs.len() {
            if let Some(slot) = flight.iter_mut().find(|s| s.is_none()) {
                let a = addrs[next];
                next += 1;
                match start(a.addr, source, mptcp) {
                    Ok((s, true)) => return Ok(s),
                    Ok((s, false)) => *slot = Some(s),
                    Err(e) => {
                        last = e;
                        continue;
                    }
                }
            }
        }
        if flight.iter().all(Option::is_none) {
            if next < addrs.len() {
                continue;
            }
            return Err(last);
        }
        // Wait for an attempt to finish, until the next one is due or the deadline.
        let mut wait = if next < addrs.len() {
            Some(ATTEMPT_DELAY)
        } else {
            None
        };
        if let Some(t) = timeout {
            let left = deadline.remaining(t).map(duration).ok_or(Error::Timeout)?;
            wait = Some(wait.map_or(left, |w| w.min(left)));
        }
        // Some attempt is under way (checked above); its fd fills the unused slots, which
        // are not passed to poll.
        let Some(anchor) = flight.iter().flatten().next() else {
            continue;
        };
        let mut fds: [PollFd<'_>; MAX_ATTEMPTS_IN_FLIGHT] =
            core::array::from_fn(|_| PollFd::new(anchor, PollFlags::empty()));
        let mut slots = [0usize; MAX_ATTEMPTS_IN_FLIGHT];
        let mut count = 0;
        for (i, s) in flight.iter().enumerate() {
            if let Some(s) = s {
                fds[count] = PollFd::new(s, PollFlags::OUT);
                slots[count] = i;
                count += 1;
            }
        }
        let ns = wait.map_or(crate::sys::poll::FOREVER, |w| {
            u64::try_from(w.as_nanos()).unwrap_or(crate::sys::poll::FOREVER - 1)
        });
        let ready = match crate::sys::poll::poll_many(&mut fds[..count], ns) {
            Ok(n) => n,
            Err(Errno::INTR) => continue,
            Err(e) => return Err(Error::Os(e)),
        };
        if ready == 0 {
            // The delay passed: the loop starts the next address beside these.
            continue;
        }
        let done: [bool; MAX_ATTEMPTS_IN_FLIGHT] =
            core::array::from_fn(|k| k < count && !fds[k].revents().is_empty());
        for k in 0..count {
            if !done[k] {
                continue;
            }
            let Some(s) = flight[slots[k]].take() else {
                continue;
            };
            match s.take_error() {
                Ok(None) => return Ok(s),
                Ok(Some(e)) | Err(e) => last = e,
            }
        }
    }
}

/// Makes a non-blocking socket for `addr` and starts connecting; `true` when it connected at
/// once.
fn start(addr: SocketAddr, source: Option<SocketAddr>, mptcp: MptcpMode) -> Result<(Socket, bool)> {
    let family = crate::SockAddr::from(addr).family();
    let s = crate::net::stream_socket(family, mptcp, crate::time::encode(Some(Duration::ZERO)))?;
    if let Some(src) = source {
        s.bind(src)?;
    }
    match s.connect(addr) {
        Ok(()) => Ok((s, true)),
        Err(Error::Os(Errno::INPROGRESS)) | Err(Error::WouldBlock) => Ok((s, false)),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(s: &str) -> AddrInfo {
        AddrInfo {
            addr: s.parse().unwrap(),
            ..AddrInfo::EMPTY
        }
    }

    #[test]
    fn families_alternate() {
        let sorted = [
            info("[2001:db8::1]:80"),
            info("[2001:db8::2]:80"),
            info("[2001:db8::3]:80"),
            info("192.0.2.1:80"),
        ];
        let mut out = [AddrInfo::EMPTY; 8];
        let n = interleave(&sorted, &mut out);
        let got: [SocketAddr; 4] = core::array::from_fn(|i| out[i].addr);
        assert_eq!(n, 4);
        assert_eq!(
            got,
            [
                sorted[0].addr,
                sorted[3].addr,
                sorted[1].addr,
                sorted[2].addr
            ]
        );
        assert_eq!(interleave(&[], &mut out), 0);
    }

    #[test]
    fn ports_as_text() {
        let mut b = [0u8; 5];
        assert_eq!(format_port(0, &mut b), "0");
        assert_eq!(format_port(443, &mut b), "443");
        assert_eq!(format_port(65535, &mut b), "65535");
    }
}
