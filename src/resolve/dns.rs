//! The DNS client: queries over UDP (TCP when a reply is truncated, or always with `use-vc`),
//! answers matched to their query, alias chains followed.
//!
//! Each query goes out from a UDP socket bound to a random port and connected to the server,
//! so the kernel drops datagrams from any other address or port; a reply must also carry the
//! query's random id and repeat its question exactly, or it is ignored (RFC 5452 §9). The `A`
//! and `AAAA` queries for a name go out together on one socket, as glibc sends them.

use core::net::{IpAddr, SocketAddr};
use core::time::Duration;

use super::wire::{self, Message, Rcode, RecordData, RecordType};
use super::DomainName;
use crate::sys::clock::monotonic_ns;
use crate::{Errno, Error, LookupCause, PartialCause, Protocol, SockAddr, Socket, Type};

/// The most aliases (`CNAME`s) followed in one reply.
pub const ALIAS_LIMIT: usize = 8;
/// The largest reply over UDP this client takes: the EDNS0 payload size it advertises
/// (1232, the DNS flag day 2020 value) when `edns0` is on; 512 otherwise (RFC 1035).
const EDNS_PAYLOAD: u16 = 1232;
/// Room for a DNS message over TCP: its two length bytes allow at most this.
pub const TCP_REPLY_MAX: usize = 65535;
/// The buffer for a reply over TCP when the caller hands in none: on the stack of the
/// function that asks over TCP. A larger reply fails with
/// [`LookupCause::ReplyTooLarge`]; [`Resolver::lookup_with`](super::Resolver::lookup_with)
/// takes a buffer of the caller's (of [`TCP_REPLY_MAX`] bytes to take any reply).
pub const TCP_REPLY_DEFAULT: usize = 4096;
/// The shortest wait for one attempt: `timeout:0` (and a negative timeout, kept as 0) waits
/// this long, as glibc's `send_dg` does (`if (seconds <= 0) seconds = 1`).
pub const MIN_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);
/// Room for a query over TCP: the length prefix, the header, the longest name, type and
/// class (no EDNS0 record over TCP).
const TCP_QUERY_MAX: usize = 2 + 12 + super::NAME_MAX + 4;

/// How to reach the name servers (from resolv.conf).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClientConf<'a> {
    pub(crate) servers: &'a [SocketAddr],
    /// Which server to ask first (for `rotate`).
    pub(crate) first: usize,
    pub(crate) timeout: Duration,
    pub(crate) attempts: u8,
    /// When the whole lookup must end, on `CLOCK_MONOTONIC` in nanoseconds (`u64::MAX`: no
    /// end but the attempts' own).
    pub(crate) end_ns: u64,
    pub(crate) edns0: bool,
    pub(crate) use_vc: bool,
    /// Send the `A` and `AAAA` queries one after the other, not together
    /// (`single-request`, for middleboxes that drop one of two simultaneous queries).
    pub(crate) single_request: bool,
}

/// Where the answers of a lookup go: addresses for `A`/`AAAA` queries, names for `PTR`.
pub(crate) trait Sink {
    /// Takes one address.
    fn address(&mut self, ip: IpAddr) {
        let _ = ip;
    }
    /// Takes one name (a `PTR` record's).
    fn name(&mut self, name: DomainName) {
        let _ = name;
    }
}

/// What asking about one name (one candidate of the search list) gave.
// Short-lived values on the stack: the size of a name is no burden.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameOutcome {
    /// Addresses were found (and pushed); the canonical name is the end of the alias chain.
    Found { canonical: DomainName },
    /// The name does not exist.
    NxDomain,
    /// The name exists, without an address of the kinds asked for.
    NoData,
    /// A server failed (`SERVFAIL`): worth trying the next name of the search list.
    ServFail,
    /// No answer, or a failure that ends the search.
    Fail(Failure),
}

/// A failure that ends a search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    /// Whether trying again later may help (`EAI_AGAIN`) rather than not (`EAI_FAIL`).
    pub(crate) temporary: bool,
    pub(crate) cause: LookupCause,
}

impl Failure {
    const fn temporary(cause: LookupCause) -> Failure {
        Failure {
            temporary: true,
            cause,
        }
    }

    const fn permanent(cause: LookupCause) -> Failure {
        Failure {
            temporary: false,
            cause,
        }
    }
}

/// What one query (one name, one type) came to.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    /// Not answered yet.
    Pending,
    /// This many records (addresses, or names for `PTR`), at the end of this alias chain.
    Addresses {
        count: usize,
        canonical: DomainName,
    },
    NxDomain,
    NoData,
    /// The server answered this code; another server may do better.
    ServerFailed(Rcode),
    /// This server failed to answer (over TCP: too slow, closed early, another query's
    /// reply); another server may do better, else this is the lookup's failure.
    Retry(Failure),
    Failed(Failure),
}

/// One query in flight.
#[derive(Clone, Copy, Debug)]
struct Pending {
    qtype: RecordType,
    id: u16,
    answer: Answer,
}

/// A random 16-bit number from the kernel (`getrandom`), for query ids and source ports.
fn random_u16() -> u16 {
    let mut b = [0u8; 2];
    // Never blocks after early boot; on failure (a seccomp jail) fall back to the clock's
    // nanoseconds, which an off-path attacker still cannot see.
    if !matches!(crate::sys::os::getrandom(&mut b), Ok(2)) {
        let t = crate::sys::clock::monotonic_ns();
        b = ((t ^ (t >> 16) ^ (t >> 32)) as u16).to_ne_bytes();
    }
    u16::from_ne_bytes(b)
}

/// Asks the servers about `name` for each of `qtypes` (the first two; both go out together),
/// and pushes the addresses found into `sink`. A reply over TCP goes to `tcp`, or to a buffer
/// of [`TCP_REPLY_DEFAULT`] bytes on the stack.
pub(crate) fn lookup_name(
    conf: &ClientConf<'_>,
    name: &DomainName,
    qtypes: &[RecordType],
    sink: &mut dyn Sink,
    mut tcp: Option<&mut [u8]>,
) -> NameOutcome {
    let mut canonical = None;
    let mut nodata = false;
    let mut nxdomain = false;
    let mut servfail = false;
    let mut failure: Option<Failure> = None;
    let mut queries = [Pending {
        qtype: RecordType::A,
        id: 0,
        answer: Answer::Pending,
    }; 2];
    let n = qtypes.len().min(2);
    for (q, &qtype) in queries.iter_mut().zip(qtypes) {
        q.qtype = qtype;
    }
    if conf.single_request {
        for q in queries[..n].chunks_mut(1) {
            exchange(conf, name, q, sink, tcp.as_deref_mut());
        }
    } else {
        exchange(conf, name, &mut queries[..n], sink, tcp);
    }
    for q in &queries[..n] {
        match q.answer {
            Answer::Addresses { canonical: c, .. } => {
                canonical.get_or_insert(c);
            }
            Answer::NxDomain => nxdomain = true,
            Answer::NoData => nodata = true,
            Answer::ServerFailed(Rcode::ServFail) => servfail = true,
            Answer::ServerFailed(r) => {
                failure.get_or_insert(Failure::permanent(LookupCause::Rcode(r.as_raw())));
            }
            Answer::Failed(f) | Answer::Retry(f) => {
                failure.get_or_insert(f);
            }
            // `exchange` leaves none pending.
            Answer::Pending => {}
        }
    }
    match (canonical, failure) {
        (Some(canonical), _) => NameOutcome::Found { canonical },
        (None, Some(f)) => NameOutcome::Fail(f),
        (None, None) if servfail => NameOutcome::ServFail,
        (None, None) if nxdomain => NameOutcome::NxDomain,
        (None, None) if nodata => NameOutcome::NoData,
        (None, None) => NameOutcome::NoData,
    }
}

/// Nanoseconds left until `end` (on `CLOCK_MONOTONIC`), or `None` once it has passed.
fn left(end: u64) -> Option<Duration> {
    end.checked_sub(monotonic_ns())
        .filter(|&l| l > 0)
        .map(Duration::from_nanos)
}

/// Sends the queries for `name` to each server in turn until every one has a final answer,
/// `attempts` rounds at most. What is still open at the end gets the last server's failure:
/// its response code, the error that kept it from answering, or "no reply".
///
/// Each attempt (one server, one round: UDP and any TCP fallback together) ends at most
/// `timeout` (at least [`MIN_ATTEMPT_TIMEOUT`]) after it starts, and none starts or goes on
/// past the lookup's end.
fn exchange(
    conf: &ClientConf<'_>,
    name: &DomainName,
    queries: &mut [Pending],
    sink: &mut dyn Sink,
    mut tcp: Option<&mut [u8]>,
) {
    let n = conf.servers.len();
    let mut tries: u16 = 0;
    let mut last_error = None;
    let timeout = conf.timeout.max(MIN_ATTEMPT_TIMEOUT);
    let timeout_ns = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
    'rounds: for _round in 0..conf.attempts.max(1) {
        for k in 0..n {
            if left(conf.end_ns).is_none() {
                break 'rounds;
            }
            let end = monotonic_ns().saturating_add(timeout_ns).min(conf.end_ns);
            let server = conf.servers[(conf.first + k) % n];
            let mut sent = 0;
            for q in queries.iter_mut().filter(|q| !is_final(&q.answer)) {
                q.answer = Answer::Pending;
                q.id = random_u16();
                sent += 1;
            }
            tries = tries.saturating_add(sent);
            let result = if conf.use_vc {
                ask_tcp_all(server, name, queries, sink, end, tcp.as_deref_mut())
            } else {
                ask_udp(conf, server, name, queries, sink, end, tcp.as_deref_mut())
            };
            last_error = result.err();
            if queries.iter().all(|q| is_final(&q.answer)) {
                return;
            }
        }
    }
    for q in queries.iter_mut() {
        match q.answer {
            Answer::Pending => {
                q.answer = Answer::Failed(
                    last_error.unwrap_or(Failure::temporary(LookupCause::NoReply { tries })),
                )
            }
            Answer::Retry(f) => q.answer = Answer::Failed(f),
            _ => {}
        }
    }
}

/// Whether an answer ends the asking (a server failure does not: the next server may know).
fn is_final(a: &Answer) -> bool {
    !matches!(
        a,
        Answer::Pending | Answer::ServerFailed(_) | Answer::Retry(_)
    )
}

/// A UDP socket for one server: bound to a random port (three tries, then the kernel's
/// choice, itself random) and connected, so only that server's replies reach it.
fn udp_socket(server: SocketAddr) -> Result<Socket, Error> {
    let s = Socket::new(
        SockAddr::from(server).family(),
        Type::DGRAM,
        Protocol::DEFAULT,
    )?;
    let mut local = match server {
        SocketAddr::V4(_) => SocketAddr::new(IpAddr::V4(core::net::Ipv4Addr::UNSPECIFIED), 0),
        SocketAddr::V6(_) => SocketAddr::new(IpAddr::V6(core::net::Ipv6Addr::UNSPECIFIED), 0),
    };
    for _ in 0..3 {
        local.set_port(1024 + random_u16() % (65535 - 1024));
        match s.bind(local) {
            Ok(()) => break,
            Err(Error::Os(Errno::ADDRINUSE)) => continue,
            Err(e) => return Err(e),
        }
    }
    s.connect(server)?;
    Ok(s)
}

/// Maps an error talking to a server onto a lookup failure.
fn os_failure(e: Error) -> Failure {
    match e {
        Error::Os(errno) => Failure::temporary(LookupCause::Os(errno)),
        _ => Failure::temporary(LookupCause::NoReply { tries: 1 }),
    }
}

/// One round with one server over UDP: every pending query sent, replies taken until each has
/// one or `end` passes. Truncated replies are asked again over TCP, within the same `end`.
fn ask_udp(
    conf: &ClientConf<'_>,
    server: SocketAddr,
    name: &DomainName,
    queries: &mut [Pending],
    sink: &mut dyn Sink,
    end: u64,
    mut tcp: Option<&mut [u8]>,
) -> Result<(), Failure> {
    let s = match udp_socket(server) {
        Ok(s) => s,
        // No route, no IPv6: this server cannot be reached; the next may.
        Err(e) => return Err(os_failure(e)),
    };
    let edns = conf.edns0.then_some(EDNS_PAYLOAD);
    let mut buf = [0u8; EDNS_PAYLOAD as usize];
    for q in queries.iter().filter(|q| q.answer == Answer::Pending) {
        let len = wire::encode_query(&mut buf, q.id, name, q.qtype, edns)
            .map_err(|_| Failure::permanent(LookupCause::InvalidName(super::NameError::TooLong)))?;
        if let Err(e) = s.send(&buf[..len]) {
            return Err(os_failure(e));
        }
    }
    while queries.iter().any(|q| q.answer == Answer::Pending) {
        // Past the end, one last look without waiting: a reply may have been queued while a
        // truncated one was asked again over TCP.
        let wait = left(end).unwrap_or(Duration::ZERO);
        s.set_timeout(Some(wait)).map_err(os_failure)?;
        let (len, cut) = match s.recv(&mut buf) {
            Ok(len) => (len, false),
            Err(Error::Timeout | Error::WouldBlock) => return Ok(()),
            // Larger than we said we take: ask over TCP for whichever query it answers.
            Err(Error::Truncated { .. }) => (buf.len(), true),
            // Port unreachable (nothing listens there), and the like: next server.
            Err(Error::Os(e)) => return Err(Failure::temporary(LookupCause::Os(e))),
            Err(e) => return Err(os_failure(e)),
        };
        let reply = &buf[..len];
        let Ok(header) = wire::Header::decode(reply) else {
            continue;
        };
        let Some(q) = queries
            .iter_mut()
            .find(|q| q.answer == Answer::Pending && q.id == header.id)
        else {
            continue;
        };
        let msg = match Message::decode(reply) {
            Ok(m) => m,
            // A truncated reply may end anywhere: TCP gives the whole of it.
            Err(_) if header.tc || cut => {
                q.answer = ask_tcp(server, name, q.qtype, sink, end, tcp.as_deref_mut());
                continue;
            }
            // Our id, but unreadable: counted only if its question is ours too, which a
            // reply that does not parse cannot show; the id alone is 16 bits of proof.
            Err(e) => {
                q.answer = Answer::Failed(Failure::permanent(LookupCause::Malformed(e)));
                continue;
            }
        };
        if !msg.answers_question(name, q.qtype) {
            // Right id, wrong question: not a reply to us (RFC 5452 §9.1).
            continue;
        }
        if header.tc || cut {
            q.answer = ask_tcp(server, name, q.qtype, sink, end, tcp.as_deref_mut());
            continue;
        }
        q.answer = read_answer(&msg, name, q.qtype, sink);
    }
    Ok(())
}

/// Every pending query over TCP (`use-vc`), all within `end`.
fn ask_tcp_all(
    server: SocketAddr,
    name: &DomainName,
    queries: &mut [Pending],
    sink: &mut dyn Sink,
    end: u64,
    mut tcp: Option<&mut [u8]>,
) -> Result<(), Failure> {
    for q in queries.iter_mut().filter(|q| q.answer == Answer::Pending) {
        q.answer = ask_tcp(server, name, q.qtype, sink, end, tcp.as_deref_mut());
    }
    Ok(())
}

/// One query over TCP (RFC 7766), ended by `end`: the connect, the send and every receive
/// wait only for what is left of it. The reply goes to `tcp`, or to a buffer of
/// [`TCP_REPLY_DEFAULT`] bytes here.
fn ask_tcp(
    server: SocketAddr,
    name: &DomainName,
    qtype: RecordType,
    sink: &mut dyn Sink,
    end: u64,
    tcp: Option<&mut [u8]>,
) -> Answer {
    let mut own = [0u8; TCP_REPLY_DEFAULT];
    let buf = match tcp {
        Some(b) => b,
        None => &mut own[..],
    };
    let id = random_u16();
    let len = match tcp_exchange(server, name, qtype, id, end, buf) {
        Ok(len) => len,
        Err(TcpFailure::Retry(f)) => return Answer::Retry(f),
        Err(TcpFailure::Final(f)) => return Answer::Failed(f),
    };
    let reply = buf.get(..len).unwrap_or_default();
    match Message::decode(reply) {
        Ok(msg) if msg.header().id != id => Answer::Retry(Failure::permanent(LookupCause::WrongId)),
        Ok(msg) if !msg.answers_question(name, qtype) => {
            Answer::Retry(Failure::permanent(LookupCause::WrongQuestion))
        }
        Ok(msg) => read_answer(&msg, name, qtype, sink),
        Err(e) => Answer::Failed(Failure::permanent(LookupCause::Malformed(e))),
    }
}

/// Why a query over TCP has no reply to read.
#[derive(Clone, Copy, Debug)]
enum TcpFailure {
    /// This server failed; the next may answer.
    Retry(Failure),
    /// Asking another server would not help (the query cannot be written, the reply does
    /// not fit the buffer).
    Final(Failure),
}

/// Connects, sends the query and reads the reply's length and the reply into `buf`, all by
/// `end`; returns the reply's length, or what the failure means for this query.
fn tcp_exchange(
    server: SocketAddr,
    name: &DomainName,
    qtype: RecordType,
    id: u16,
    end: u64,
    buf: &mut [u8],
) -> Result<usize, TcpFailure> {
    let retry = |cause| TcpFailure::Retry(Failure::temporary(cause));
    // A stream error as a failure: a wait that ran out is the attempt's timeout.
    let failed = |e: Error| match e {
        Error::Timeout
        | Error::WouldBlock
        | Error::Partial {
            cause: PartialCause::Timeout | PartialCause::WouldBlock,
            ..
        } => retry(LookupCause::TcpTimeout),
        Error::Os(e)
        | Error::Partial {
            cause: PartialCause::Os(e),
            ..
        } => retry(LookupCause::Os(e)),
        e => TcpFailure::Retry(os_failure(e)),
    };
    // Before each wait, what is left of the attempt; none left is the timeout.
    let arm = |s: &Socket| -> Result<(), TcpFailure> {
        let wait = left(end).ok_or(retry(LookupCause::TcpTimeout))?;
        s.set_timeout(Some(wait)).map_err(failed)
    };
    let mut query = [0u8; TCP_QUERY_MAX];
    let qlen = wire::encode_query_tcp(&mut query, id, name, qtype, None).map_err(|_| {
        TcpFailure::Final(Failure::permanent(LookupCause::InvalidName(
            super::NameError::TooLong,
        )))
    })?;
    let s = Socket::new(
        SockAddr::from(server).family(),
        Type::STREAM,
        Protocol::DEFAULT,
    )
    .map_err(failed)?;
    arm(&s)?;
    s.connect(server).map_err(failed)?;
    arm(&s)?;
    s.send_all(&query[..qlen]).map_err(failed)?;
    let mut prefix = [0u8; 2];
    recv_exact(&s, &mut prefix, &arm, &failed)?;
    let len = u16::from_be_bytes(prefix);
    let Some(reply) = buf.get_mut(..usize::from(len)) else {
        return Err(TcpFailure::Final(Failure::permanent(
            LookupCause::ReplyTooLarge {
                len,
                // Smaller than `len`, a `u16`.
                room: u16::try_from(buf.len()).unwrap_or(u16::MAX),
            },
        )));
    };
    recv_exact(&s, reply, &arm, &failed)?;
    Ok(usize::from(len))
}

/// Fills `buf` from a stream, calling `arm` before each receive (to set what is left of the
/// deadline); a receive's error becomes what `failed` makes of it, the peer's early close
/// [`LookupCause::TcpClosed`].
fn recv_exact(
    s: &Socket,
    mut buf: &mut [u8],
    arm: &dyn Fn(&Socket) -> Result<(), TcpFailure>,
    failed: &dyn Fn(Error) -> TcpFailure,
) -> Result<(), TcpFailure> {
    while !buf.is_empty() {
        arm(s)?;
        match s.recv(buf) {
            Ok(0) => {
                return Err(TcpFailure::Retry(Failure::temporary(
                    LookupCause::TcpClosed,
                )))
            }
            Ok(n) => buf = buf.get_mut(n..).unwrap_or_default(),
            Err(e) => return Err(failed(e)),
        }
    }
    Ok(())
}

/// What a reply to our question says: its addresses at the end of the alias chain that
/// starts at `name`, or why there are none.
fn read_answer(
    msg: &Message<'_>,
    name: &DomainName,
    qtype: RecordType,
    sink: &mut dyn Sink,
) -> Answer {
    match msg.header().rcode {
        Rcode::NoError => {}
        Rcode::NxDomain => return Answer::NxDomain,
        r => return Answer::ServerFailed(r),
    }
    // Follow the chain of aliases inside the reply.
    let mut current = *name;
    let mut hops = 0;
    'chain: loop {
        for r in msg.answers() {
            if let RecordData::Cname(target) = r.data {
                if r.name.eq_name(&current) {
                    hops += 1;
                    if hops > ALIAS_LIMIT {
                        return Answer::Failed(Failure::permanent(LookupCause::AliasChain));
                    }
                    current = match target.to_name() {
                        Ok(t) => t,
                        Err(e) => {
                            return Answer::Failed(Failure::permanent(LookupCause::Malformed(e)))
                        }
                    };
                    continue 'chain;
                }
            }
        }
        break;
    }
    let mut count = 0;
    for r in msg.answers() {
        if !r.name.eq_name(&current) {
            continue;
        }
        match (qtype, r.data) {
            (RecordType::A, RecordData::A(a)) => sink.address(IpAddr::V4(a)),
            (RecordType::AAAA, RecordData::Aaaa(a)) => sink.address(IpAddr::V6(a)),
            (RecordType::PTR, RecordData::Ptr(n)) => match n.to_name() {
                Ok(n) => sink.name(n),
                Err(e) => return Answer::Failed(Failure::permanent(LookupCause::Malformed(e))),
            },
            _ => continue,
        }
        count += 1;
    }
    if count > 0 {
        Answer::Addresses {
            count,
            canonical: current,
        }
    } else {
        // The name (or the end of its chain) has no record of this type. A recursive server
        // has already followed the chain as far as it goes: asking about the end again
        // would get the same answer.
        Answer::NoData
    }
}
