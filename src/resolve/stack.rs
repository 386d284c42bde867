//! Lookups with a buffer of the caller's for a reply over TCP, and the stack a lookup needs.

use core::net::IpAddr;

use super::{AddrInfo, DomainName, Hints, Lookup, Resolver};
use crate::Result;

/// The stack every resolver path needs at most, in bytes: a thread of this size runs any
/// lookup, reverse lookup or connect by name, from the hosts file, over UDP, or with a TCP
/// fallback into the default buffer (a buffer of the caller's only lowers it).
///
/// Measured, not estimated: a test (`measure_stack_per_path` in `tests/resolve_hostile.rs`)
/// runs each path in threads of ever smaller stacks, in child processes, and finds the least
/// that works (the test's own frame, holding two resolvers, included). On x86_64 the most
/// was 48.3 KiB in a debug build (the TCP fallback under a connect by name; a debug build
/// copies large values that an optimized one keeps in place; 42.8 KiB with musl) and
/// 27.1 KiB in a release build. This figure adds room for other architectures' larger
/// frames, and a test runs every path in a thread of exactly this size on each architecture
/// tested. On `no_std` targets without a guard page an overflow corrupts memory silently:
/// give a thread that resolves at least this.
pub const STACK_NEEDED: usize = 80 * 1024;

impl Resolver<'_> {
    /// [`lookup`](Self::lookup), with `tcp` as the buffer for a reply over TCP (a reply
    /// truncated over UDP is asked again over TCP, or every query goes over TCP with
    /// `use-vc`).
    ///
    /// A reply over TCP may be up to [`TCP_REPLY_MAX`](super::dns::TCP_REPLY_MAX) bytes (64 KiB);
    /// [`lookup`](Self::lookup) keeps [`TCP_REPLY_DEFAULT`](super::dns::TCP_REPLY_DEFAULT) bytes
    /// for it on the stack. Hand in a buffer of your own to take larger replies without a larger
    /// stack (a static, or one from the heap in a program that has one), or a smaller one to bound
    /// the stack further. A reply larger than the buffer is not cut: the lookup fails with
    /// [`LookupCause::ReplyTooLarge`](crate::LookupCause), kind
    /// [`Failed`](crate::LookupErrorKind::Failed).
    ///
    /// ```
    /// use baresock::resolve::{dns::TCP_REPLY_MAX, AddrInfo, Hints, Paths, Resolver, ResolvConf};
    ///
    /// let resolver = Resolver::new(ResolvConf::default(), Paths::SYSTEM);
    /// let mut tcp = vec![0u8; TCP_REPLY_MAX];
    /// let mut out = [AddrInfo::EMPTY; 4];
    /// let found = resolver.lookup_with(Some("::1"), Some("53"), &Hints::default(), &mut out, &mut tcp)?;
    /// assert!(found.len() > 0);
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn lookup_with(
        &self,
        host: Option<&str>,
        service: Option<&str>,
        hints: &Hints,
        out: &mut [AddrInfo],
        tcp: &mut [u8],
    ) -> Result<Lookup> {
        self.lookup_in(host, service, hints, out, Some(tcp), u64::MAX)
    }

    /// [`lookup_addr`](Self::lookup_addr), with `tcp` as the buffer for a reply over TCP
    /// (see [`lookup_with`](Self::lookup_with)).
    ///
    /// ```no_run
    /// use baresock::resolve::Resolver;
    /// let mut tcp = [0u8; 512]; // small: a larger reply fails, never cut
    /// let name = Resolver::system()?.lookup_addr_with("192.0.2.1".parse().unwrap(), &mut tcp)?;
    /// println!("{name}");
    /// # Ok::<(), baresock::Error>(())
    /// ```
    pub fn lookup_addr_with(&self, ip: IpAddr, tcp: &mut [u8]) -> Result<DomainName> {
        self.lookup_addr_in(ip, Some(tcp))
    }
}
