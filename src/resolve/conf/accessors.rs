//! The accessors of a [`ResolvConf`]: name servers, search list, numeric options, flags and
//! the counters of what was ignored.

use core::net::SocketAddr;
use core::time::Duration;

use super::{
    ResolvConf, ATTEMPTS_MAX, DEFAULT_NAMESERVER, DEFAULT_NAMESERVERS, EDNS0, MAXDNSRCH, MAXNS,
    NDOTS_MAX, NO_AAAA, NO_TLD_QUERY, ROTATE, SINGLE_REQUEST, SINGLE_REQUEST_REOPEN, TIMEOUT_MAX,
    TRUST_AD, USE_VC,
};
use crate::resolve::DomainName;

impl ResolvConf {
    /// The name servers, in the order to try them: those configured, or `127.0.0.1:53` when
    /// none is (see [`DEFAULT_NAMESERVER`]). Never empty.
    pub fn nameservers(&self) -> &[SocketAddr] {
        match self.nameserver_count as usize {
            0 => &DEFAULT_NAMESERVERS,
            n => &self.nameservers[..n],
        }
    }

    /// Whether no name server is configured, so that [`ResolvConf::nameservers`] gives the
    /// default one.
    pub fn uses_default_nameserver(&self) -> bool {
        self.nameserver_count == 0
    }

    /// Adds a name server (any address and port: a test server on a high port works too).
    /// Returns false, and adds nothing, when [`MAXNS`] are already there.
    pub fn add_nameserver(&mut self, addr: SocketAddr) -> bool {
        let n = self.nameserver_count as usize;
        match self.nameservers.get_mut(n) {
            Some(slot) => {
                *slot = addr;
                self.nameserver_count += 1;
                true
            }
            None => false,
        }
    }

    /// Removes every name server (so that the default applies again).
    pub fn clear_nameservers(&mut self) -> &mut Self {
        self.nameservers = [DEFAULT_NAMESERVER; MAXNS];
        self.nameserver_count = 0;
        self
    }

    /// The search list: the domains to append to a name with fewer than
    /// [`ndots`](Self::ndots) dots, in order. Empty when none is configured.
    pub fn search(&self) -> &[DomainName] {
        &self.search[..self.search_count as usize]
    }

    /// Appends a domain to the search list. Returns false, and adds nothing, when
    /// [`MAXDNSRCH`] are already there.
    pub fn push_search(&mut self, domain: DomainName) -> bool {
        let n = self.search_count as usize;
        match self.search.get_mut(n) {
            Some(slot) => {
                *slot = domain;
                self.search_count += 1;
                true
            }
            None => false,
        }
    }

    /// Empties the search list (and forgets the count of dropped domains).
    pub fn clear_search(&mut self) -> &mut Self {
        self.search = [DomainName::root(); MAXDNSRCH];
        self.search_count = 0;
        self.dropped_search = 0;
        self
    }

    /// How many dots a name needs to be tried as it is before the search list (`ndots:n`;
    /// default 1, at most 15).
    pub fn ndots(&self) -> u8 {
        self.ndots
    }

    /// Sets [`ndots`](Self::ndots), capped at [`NDOTS_MAX`].
    pub fn set_ndots(&mut self, ndots: u8) -> &mut Self {
        self.ndots = ndots.min(NDOTS_MAX);
        self
    }

    /// How long to wait for a server's answer before the next try (`timeout:n`, whole
    /// seconds; default 5 s, at most 30 s).
    ///
    /// `timeout:0` (and a negative one, read as 0) is kept as zero; a lookup then waits
    /// [`MIN_ATTEMPT_TIMEOUT`](crate::resolve::dns::MIN_ATTEMPT_TIMEOUT) (one second) for each
    /// attempt, as glibc's sender does (`send_dg`: `if (seconds <= 0) seconds = 1`).
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout as u64)
    }

    /// Sets [`timeout`](Self::timeout): whole seconds, a fraction rounded up, capped at
    /// [`TIMEOUT_MAX`] seconds.
    pub fn set_timeout(&mut self, timeout: Duration) -> &mut Self {
        let secs = timeout
            .as_secs()
            .saturating_add((timeout.subsec_nanos() > 0) as u64);
        self.timeout = secs.min(TIMEOUT_MAX as u64) as u8;
        self
    }

    /// How many rounds of queries over all the servers to make before giving up
    /// (`attempts:n`; default 2, at most 5).
    ///
    /// `attempts:0` is kept as zero here. glibc then sends nothing and fails every lookup; this
    /// resolver makes one round instead (a configuration under which no lookup could ever
    /// succeed is taken as a slip), as a `timeout` of 0 still waits one second.
    pub fn attempts(&self) -> u8 {
        self.attempts
    }

    /// Sets [`attempts`](Self::attempts), capped at [`ATTEMPTS_MAX`].
    pub fn set_attempts(&mut self, attempts: u8) -> &mut Self {
        self.attempts = attempts.min(ATTEMPTS_MAX);
        self
    }

    fn flag(&self, flag: u16) -> bool {
        self.flags & flag != 0
    }

    fn set_flag(&mut self, flag: u16, on: bool) -> &mut Self {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
        self
    }

    /// Whether to spread queries over the servers in turn instead of always starting with
    /// the first (`rotate`, `RES_ROTATE`).
    pub fn rotate(&self) -> bool {
        self.flag(ROTATE)
    }

    /// Sets [`rotate`](Self::rotate).
    pub fn set_rotate(&mut self, on: bool) -> &mut Self {
        self.set_flag(ROTATE, on)
    }

    /// Whether to send EDNS(0) in queries, announcing a larger UDP size (`edns0`,
    /// `RES_USE_EDNS0`, RFC 6891).
    pub fn edns0(&self) -> bool {
        self.flag(EDNS0)
    }

    /// Sets [`edns0`](Self::edns0).
    pub fn set_edns0(&mut self, on: bool) -> &mut Self {
        self.set_flag(EDNS0, on)
    }

    /// Whether to query over TCP always (`use-vc`, `RES_USEVC`).
    pub fn use_vc(&self) -> bool {
        self.flag(USE_VC)
    }

    /// Sets [`use_vc`](Self::use_vc).
    pub fn set_use_vc(&mut self, on: bool) -> &mut Self {
        self.set_flag(USE_VC, on)
    }

    /// Whether to send the A and AAAA queries one after the other instead of together, from
    /// one socket (`single-request`, `RES_SNGLKUP`).
    pub fn single_request(&self) -> bool {
        self.flag(SINGLE_REQUEST)
    }

    /// Sets [`single_request`](Self::single_request).
    pub fn set_single_request(&mut self, on: bool) -> &mut Self {
        self.set_flag(SINGLE_REQUEST, on)
    }

    /// Whether to send the A and AAAA queries one after the other, each from its own socket
    /// (`single-request-reopen`, `RES_SNGLKUPREOP`).
    pub fn single_request_reopen(&self) -> bool {
        self.flag(SINGLE_REQUEST_REOPEN)
    }

    /// Sets [`single_request_reopen`](Self::single_request_reopen).
    pub fn set_single_request_reopen(&mut self, on: bool) -> &mut Self {
        self.set_flag(SINGLE_REQUEST_REOPEN, on)
    }

    /// Whether never to query a name of one label as it is, only with the search list
    /// appended (`no-tld-query`, `RES_NOTLDQUERY`).
    pub fn no_tld_query(&self) -> bool {
        self.flag(NO_TLD_QUERY)
    }

    /// Sets [`no_tld_query`](Self::no_tld_query).
    pub fn set_no_tld_query(&mut self, on: bool) -> &mut Self {
        self.set_flag(NO_TLD_QUERY, on)
    }

    /// Whether to send no AAAA query and answer IPv4 addresses only (`no-aaaa`, `RES_NOAAAA`,
    /// glibc 2.36).
    pub fn no_aaaa(&self) -> bool {
        self.flag(NO_AAAA)
    }

    /// Sets [`no_aaaa`](Self::no_aaaa).
    pub fn set_no_aaaa(&mut self, on: bool) -> &mut Self {
        self.set_flag(NO_AAAA, on)
    }

    /// Whether the servers are trusted to validate DNSSEC, so that the AD bit is sent and
    /// kept (`trust-ad`, `RES_TRUSTAD`, glibc 2.31). Accepted and reported; it changes nothing
    /// in this crate's lookups, which do not pass the AD bit on.
    pub fn trust_ad(&self) -> bool {
        self.flag(TRUST_AD)
    }

    /// Sets [`trust_ad`](Self::trust_ad).
    pub fn set_trust_ad(&mut self, on: bool) -> &mut Self {
        self.set_flag(TRUST_AD, on)
    }

    /// How many lines were ignored: unknown keywords, a keyword not followed by a space or
    /// tab and a value, a `nameserver` that is not an address. Blank lines and comments are
    /// not counted.
    pub fn ignored_lines(&self) -> usize {
        self.ignored_lines
    }

    /// How many lines were skipped because they are longer than the file reader holds (4095
    /// bytes without the newline); always 0 for text given to [`ResolvConf::parse`].
    pub fn too_long_lines(&self) -> usize {
        self.too_long_lines
    }

    /// How many valid `nameserver` lines came after [`MAXNS`] were kept, and were dropped (as
    /// glibc does).
    pub fn dropped_nameservers(&self) -> usize {
        self.dropped_nameservers
    }

    /// How many domains of the search list in effect (the last `search` or `domain` line)
    /// were dropped: past [`MAXDNSRCH`], or not domain names.
    pub fn dropped_search_domains(&self) -> usize {
        self.dropped_search
    }
}
