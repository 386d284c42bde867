//! Destination address selection (RFC 6724 §6): the order in which to try a name's addresses.
//!
//! Rules applied: 1 (avoid unusable destinations: no route, found by connecting a UDP socket,
//! which sends nothing), 2 (matching scope), 5 (matching label), 6 (higher precedence), 8
//! (smaller scope), 9 (longest matching prefix: IPv6 destinations, and IPv4 destinations
//! inside their source's subnet, as glibc), 10 (otherwise keep the order). Rules 3, 4 and 7
//! need address flags (deprecated, home, native transport) and are not applied; the default
//! policy table (RFC 6724 §2.1) is used, not `/etc/gai.conf`.
//!
//! # Rule 9, and where this differs from glibc
//!
//! - **IPv6:** the common prefix of destination and source is counted over all 128 bits, as
//!   glibc 2.36 counts it (`rfc3484_sort` compares the first 32-bit word where either pair
//!   differs). RFC 6724 §2.2 caps it at the source's prefix length (usually 64); glibc does
//!   not, nor does this, so both order `2001:db8::1` before `2001:db8::ff` from source
//!   `2001:db8::2`.
//! - **IPv4:** as glibc 2.36, the rule counts only for a destination inside its source
//!   address's own subnet (the interface address's prefix length, from the kernel's address
//!   list over netlink, read once per lookup and only when two IPv4 destinations or more are
//!   sorted; for any 127/8 source, 127.0.0.1's): there the common prefix with the source
//!   counts, outside it the rule gives 0. So IPv4 addresses outside the machine's subnets
//!   keep their order (DNS round robin, hosts-file order), and one inside a subnet comes
//!   before them. Where the address list cannot be read, no subnet is known and IPv4 keeps
//!   its order.
//! - **IPv4-mapped destinations** (a hosts line `::ffff:169.254.0.5`) are scoped as IPv6
//!   addresses (global), as glibc scopes them; RFC 6724 §3.2 gives them their IPv4 scope
//!   (link for 127/8 and 169.254/16). Plain IPv4 destinations have their IPv4 scope in
//!   both.
//! - **Policy table:** glibc's default table is RFC 3484's with additions (precedence: `::1`
//!   50, `::/0` 40, `2002::/16` 30, `::/96` 20, IPv4 10: below every IPv6 address; no
//!   precedence row for ULAs `fc00::/7`, Teredo `2001::/32`, `3ffe::/16` or `fec0::/10`,
//!   which rank 40 with global IPv6); this resolver uses RFC 6724's, which ranks IPv4 (35)
//!   above ULAs (3), Teredo (5) and the deprecated prefixes (1), as RFC 6724 §10.3 explains.
//!   So a name with a ULA and an IPv4 address, both reachable, is tried IPv4 first here and
//!   ULA first by glibc. Where both tables agree (global IPv6 `2000::/3` but Teredo and
//!   6to4, loopback, link-local, IPv4 among themselves) the order is glibc's.

use core::cmp::Ordering;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use crate::{Protocol, SockAddr, Socket, Type};

/// One destination and what the rules need to know about it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Candidate {
    /// The destination (port and scope id as they will be used).
    pub(crate) dst: SocketAddr,
    /// The source address the kernel would pick, `None` if the destination is unreachable.
    pub(crate) src: Option<IpAddr>,
    /// The prefix length of an IPv4 source address's subnet, 0 when unknown
    /// ([`learn_prefixes`]).
    pub(crate) prefix: u8,
}

impl Candidate {
    /// A placeholder for arrays.
    pub(crate) const UNSET: Candidate = Candidate {
        dst: SocketAddr::new(IpAddr::V4(core::net::Ipv4Addr::UNSPECIFIED), 0),
        src: None,
        prefix: 0,
    };

    /// A candidate with its source address looked up in the kernel's routing table.
    pub(crate) fn probe(dst: SocketAddr) -> Candidate {
        Candidate {
            dst,
            src: source_for(dst),
            prefix: 0,
        }
    }
}

/// Fills in the prefix lengths of the IPv4 sources, from the kernel's address list, when
/// rule 9 can use them: two IPv4 destinations or more with a source.
pub(crate) fn learn_prefixes(c: &mut [Candidate]) {
    let v4 = |c: &Candidate| matches!((c.dst, c.src), (SocketAddr::V4(_), Some(IpAddr::V4(_))));
    if c.iter().filter(|c| v4(c)).count() < 2 {
        return;
    }
    super::ifaddr::for_each_ipv4(|addr, prefix| {
        for c in c.iter_mut().filter(|c| v4(c)) {
            if c.src.map(subnet_key) == Some(addr) {
                c.prefix = prefix;
            }
        }
    });
}

/// The address whose subnet an IPv4 source is looked up by: itself, or for any loopback
/// source 127.0.0.1 (as glibc does: the kernel may pick another 127/8 source than lo's
/// address).
fn subnet_key(src: IpAddr) -> Ipv4Addr {
    match src {
        IpAddr::V4(a) if a.is_loopback() => Ipv4Addr::LOCALHOST,
        IpAddr::V4(a) => a,
        IpAddr::V6(_) => Ipv4Addr::UNSPECIFIED,
    }
}

/// The source address the kernel picks for `dst`: a UDP socket connected to it (no packet is
/// sent) and asked for its name. `None` when there is no route, or no socket can be made.
fn source_for(dst: SocketAddr) -> Option<IpAddr> {
    let s = Socket::new(SockAddr::from(dst).family(), Type::DGRAM, Protocol::DEFAULT).ok()?;
    // The port does not matter for the route; 0 is refused by some kernels for connect.
    let mut probe = dst;
    if probe.port() == 0 {
        probe.set_port(9);
    }
    s.connect(probe).ok()?;
    s.local_addr().ok()?.ip()
}

/// Sorts `c` by RFC 6724's rules, stably (insertion sort: no allocation, few elements).
pub(crate) fn sort(c: &mut [Candidate]) {
    for i in 1..c.len() {
        let mut j = i;
        while j > 0 && compare(&c[j], &c[j - 1]) == Ordering::Less {
            c.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// `Less` when `a` should be tried before `b`.
pub(crate) fn compare(a: &Candidate, b: &Candidate) -> Ordering {
    let (da, db) = (mapped(a.dst.ip()), mapped(b.dst.ip()));
    // Rule 1: avoid unusable destinations.
    let (src_a, src_b) = match (a.src, b.src) {
        (Some(sa), Some(sb)) => (sa, sb),
        (Some(_), None) => return Ordering::Less,
        (None, Some(_)) => return Ordering::Greater,
        (None, None) => return Ordering::Equal,
    };
    let (sa, sb) = (mapped(src_a), mapped(src_b));
    let (pa, pb) = (policy(&da), policy(&db));
    // Rule 2: prefer matching scope.
    let (ca, cb) = (scope(a.dst.ip()), scope(b.dst.ip()));
    let ma = ca == scope(src_a);
    let mb = cb == scope(src_b);
    if ma != mb {
        return if ma {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    // Rule 5: prefer matching label.
    let la = pa.label == policy(&sa).label;
    let lb = pb.label == policy(&sb).label;
    if la != lb {
        return if la {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    // Rule 6: prefer higher precedence.
    if pa.precedence != pb.precedence {
        return pb.precedence.cmp(&pa.precedence);
    }
    // Rule 8: prefer smaller scope.
    if ca != cb {
        return ca.cmp(&cb);
    }
    // Rule 9: longest matching prefix, between destinations of one family (for IPv4 only
    // inside the source's subnet, as glibc).
    let (qa, qb) = match (a.dst, b.dst) {
        (SocketAddr::V6(_), SocketAddr::V6(_)) => {
            (common_prefix(&da, &sa), common_prefix(&db, &sb))
        }
        (SocketAddr::V4(_), SocketAddr::V4(_)) => (subnet_prefix(a), subnet_prefix(b)),
        _ => (0, 0),
    };
    if qa != qb {
        return qb.cmp(&qa);
    }
    // Rule 10: leave the order as it is.
    Ordering::Equal
}

/// An address as IPv6 (IPv4 as `::ffff:a.b.c.d`), as the policy table is written.
fn mapped(ip: IpAddr) -> Ipv6Addr {
    match ip {
        IpAddr::V4(v4) => v4.to_ipv6_mapped(),
        IpAddr::V6(v6) => v6,
    }
}

/// A row of the policy table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Policy {
    precedence: u8,
    label: u8,
}

/// RFC 6724 §2.1's default policy table, longest prefix first.
const POLICY: [(u128, u32, Policy); 9] = {
    const fn p(precedence: u8, label: u8) -> Policy {
        Policy { precedence, label }
    }
    [
        (1, 128, p(50, 0)),                 // ::1/128
        (0xffff_0000_0000, 96, p(35, 4)),   // ::ffff:0:0/96
        (0, 96, p(1, 3)),                   // ::/96
        (0x2001_u128 << 112, 32, p(5, 5)),  // 2001::/32
        (0x2002_u128 << 112, 16, p(30, 2)), // 2002::/16
        (0x3ffe_u128 << 112, 16, p(1, 12)), // 3ffe::/16
        (0xfec0_u128 << 112, 10, p(1, 11)), // fec0::/10
        (0xfc00_u128 << 112, 7, p(3, 13)),  // fc00::/7
        (0, 0, p(40, 1)),                   // ::/0
    ]
};

/// The policy-table row of the longest prefix that holds `a`.
fn policy(a: &Ipv6Addr) -> Policy {
    let bits = u128::from(*a);
    for &(prefix, len, p) in &POLICY {
        let mask = if len == 0 {
            0
        } else {
            u128::MAX << (128 - len)
        };
        if bits & mask == prefix {
            return p;
        }
    }
    // ::/0 matches everything; kept for the compiler.
    Policy {
        precedence: 40,
        label: 1,
    }
}

/// Address scope (RFC 6724 §3.1; §3.2 for IPv4). As glibc, an IPv4-mapped IPv6 address
/// (a destination written `::ffff:169.254.0.5`, or the source of an IPv6 socket) is scoped
/// as IPv6, which makes it global; RFC 6724 §3.2 would give it its IPv4 scope.
fn scope(ip: IpAddr) -> u8 {
    const LINK: u8 = 0x2;
    const SITE: u8 = 0x5;
    const GLOBAL: u8 = 0xe;
    let a = match ip {
        IpAddr::V4(v4) if v4.is_loopback() || v4.is_link_local() => return LINK,
        IpAddr::V4(_) => return GLOBAL,
        IpAddr::V6(a) => a,
    };
    let s = a.segments();
    if s[0] & 0xff00 == 0xff00 {
        return (s[0] & 0x000f) as u8;
    }
    if a.is_loopback() || s[0] & 0xffc0 == 0xfe80 {
        LINK
    } else if s[0] & 0xffc0 == 0xfec0 {
        SITE
    } else {
        GLOBAL
    }
}

/// For an IPv4 destination inside its source's subnet, the leading bits they share; 0
/// outside it, or when the subnet is unknown (glibc's rule 9 for IPv4).
fn subnet_prefix(c: &Candidate) -> u32 {
    let (SocketAddr::V4(dst), Some(IpAddr::V4(src))) = (c.dst, c.src) else {
        return 0;
    };
    if c.prefix == 0 || c.prefix > 32 {
        return 0;
    }
    let (d, s) = (u32::from(*dst.ip()), u32::from(src));
    let mask = u32::MAX << (32 - u32::from(c.prefix));
    if d & mask == s & mask {
        (d ^ s).leading_zeros()
    } else {
        0
    }
}

/// Leading bits `a` and `b` share, over all 128 (as glibc counts them; RFC 6724 §2.2 would
/// stop at the source's prefix length).
fn common_prefix(a: &Ipv6Addr, b: &Ipv6Addr) -> u32 {
    (u128::from(*a) ^ u128::from(*b)).leading_zeros()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(dst: &str, src: Option<&str>) -> Candidate {
        Candidate {
            dst: SocketAddr::new(dst.parse().unwrap(), 0),
            src: src.map(|s| s.parse().unwrap()),
            prefix: 0,
        }
    }

    fn order(mut v: [Candidate; 2]) -> [IpAddr; 2] {
        sort(&mut v);
        [v[0].dst.ip(), v[1].dst.ip()]
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    // The examples of RFC 6724 §10.2.
    #[test]
    fn rfc6724_examples() {
        // Prefer matching scope.
        assert_eq!(
            order([
                c("198.51.100.121", Some("198.51.100.117")),
                c("2001:db8:1::1", Some("fe80::1"))
            ]),
            [ip("198.51.100.121"), ip("2001:db8:1::1")]
        );
        // Prefer higher precedence (native IPv6 over IPv4 with both usable).
        assert_eq!(
            order([
                c("198.51.100.121", Some("198.51.100.117")),
                c("2001:db8:1::1", Some("2001:db8:1::2"))
            ]),
            [ip("2001:db8:1::1"), ip("198.51.100.121")]
        );
        // Prefer smaller scope.
        assert_eq!(
            order([
                c("2001:db8:1::1", Some("2001:db8:1::2")),
                c("fe80::1", Some("fe80::2"))
            ]),
            [ip("fe80::1"), ip("2001:db8:1::1")]
        );
        // Longest matching prefix, whichever comes first.
        assert_eq!(
            order([
                c("2001:db8:1::1", Some("2001:db8:1::2")),
                c("2001:db8:3ffe::1", Some("2001:db8:3f44::2"))
            ]),
            [ip("2001:db8:1::1"), ip("2001:db8:3ffe::1")]
        );
        assert_eq!(
            order([
                c("2001:db8:3ffe::1", Some("2001:db8:3f44::2")),
                c("2001:db8:1::1", Some("2001:db8:1::2"))
            ]),
            [ip("2001:db8:1::1"), ip("2001:db8:3ffe::1")]
        );
        // Prefer matching label (6to4 source with a 6to4 destination).
        assert_eq!(
            order([
                c("2001:db8:1::1", Some("2002:c633:6401::2")),
                c("2002:c633:6401::1", Some("2002:c633:6401::2"))
            ]),
            [ip("2002:c633:6401::1"), ip("2001:db8:1::1")]
        );
        // Avoid unusable destinations.
        assert_eq!(
            order([
                c("2001:db8:1::1", None),
                c("198.51.100.121", Some("198.51.100.117"))
            ]),
            [ip("198.51.100.121"), ip("2001:db8:1::1")]
        );
    }

    #[test]
    fn common_prefix_counts_all_bits() {
        let p = |a: &str, b: &str| common_prefix(&a.parse().unwrap(), &b.parse().unwrap());
        assert_eq!(p("2001:db8::1", "2001:db8::1"), 128);
        assert_eq!(p("2001:db8::1", "2001:db8::2"), 126);
        assert_eq!(p("2001:db8:1::", "2001:db8:3::"), 46);
        assert_eq!(p("8000::", "::"), 0);
        assert_eq!(p("2001:db8:3ffe::1", "2001:db8:3f44::2"), 40);
        // Past the first 64 bits, as glibc: the nearer address wins from the same /64.
        assert_eq!(
            order([
                c("2001:db8::ff", Some("2001:db8::2")),
                c("2001:db8::1", Some("2001:db8::2"))
            ]),
            [ip("2001:db8::1"), ip("2001:db8::ff")]
        );
    }

    #[test]
    fn ipv4_prefix_rule_inside_the_subnet_only() {
        let sub = |dst: &str, src: &str, prefix: u8| Candidate {
            prefix,
            ..c(dst, Some(src))
        };
        // Inside 10.99.0.0/24: the longer common prefix with 10.99.0.2 first.
        assert_eq!(
            order([
                sub("10.99.0.200", "10.99.0.2", 24),
                sub("10.99.0.3", "10.99.0.2", 24)
            ]),
            [ip("10.99.0.3"), ip("10.99.0.200")]
        );
        // One inside, one outside: the one inside first.
        assert_eq!(
            order([
                sub("10.98.0.2", "10.99.0.2", 24),
                sub("10.99.0.200", "10.99.0.2", 24)
            ]),
            [ip("10.99.0.200"), ip("10.98.0.2")]
        );
        // A subnet not known: the order stays.
        assert_eq!(
            order([
                sub("10.99.0.200", "10.99.0.2", 0),
                sub("10.99.0.3", "10.99.0.2", 0)
            ]),
            [ip("10.99.0.200"), ip("10.99.0.3")]
        );
        // A /32 source holds only itself.
        assert_eq!(
            order([
                sub("10.99.0.3", "10.99.0.2", 32),
                sub("10.99.0.2", "10.99.0.2", 32)
            ]),
            [ip("10.99.0.2"), ip("10.99.0.3")]
        );
    }

    #[test]
    fn mapped_destinations_are_scoped_as_ipv6() {
        // As glibc: ::ffff:169.254.0.5 is global, like its source ::ffff:10.99.0.2, so the
        // file's order stays; a plain 169.254.0.5 is link-local and goes after.
        let src = Some("::ffff:10.99.0.2");
        assert_eq!(
            order([c("::ffff:169.254.0.5", src), c("::ffff:198.51.100.6", src)]),
            [ip("::ffff:169.254.0.5"), ip("::ffff:198.51.100.6")]
        );
        let src = Some("10.99.0.2");
        assert_eq!(
            order([c("169.254.0.5", src), c("198.51.100.6", src)]),
            [ip("198.51.100.6"), ip("169.254.0.5")]
        );
    }

    #[test]
    fn ipv4_keeps_dns_order() {
        // Outside the source's subnet rule 9 does not apply to IPv4: round robin survives.
        assert_eq!(
            order([
                c("203.0.113.9", Some("192.0.2.5")),
                c("192.0.2.9", Some("192.0.2.5"))
            ]),
            [ip("203.0.113.9"), ip("192.0.2.9")]
        );
        let wide = |dst: &str| Candidate {
            prefix: 24,
            ..c(dst, Some("192.0.2.5"))
        };
        assert_eq!(
            order([wide("203.0.113.9"), wide("198.51.100.9")]),
            [ip("203.0.113.9"), ip("198.51.100.9")]
        );
    }

    #[test]
    #[cfg_attr(miri, ignore = "opens sockets, which Miri cannot")]
    fn loopback_probe() {
        let v4 = Candidate::probe("127.0.0.1:80".parse().unwrap());
        assert_eq!(v4.src, Some(ip("127.0.0.1")));
        // 192.0.2.0/24 (TEST-NET-1) may or may not be routed here: the probe never panics.
        let _ = Candidate::probe("192.0.2.1:0".parse().unwrap());
    }
}
