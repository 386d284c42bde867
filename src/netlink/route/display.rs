//! `Display` of the rtnetlink views: one line each, as `ip` prints them (a short, honest
//! subset: what the view has, in `ip`'s words and order). Used by [`RouteEvent`]'s `Display`
//! (what `ip monitor` prints) and by anyone printing a [`Link`], [`Address`] or [`Route`].
//!
//! A field the message has malformed is written `?`: `Display` never fails on it, and never
//! panics.
//!
//! [`RouteEvent`]: super::RouteEvent

use core::fmt;

use super::{Address, Link, LinkFlags, OperState, Route, RouteTable, RouteType, Scope};
use crate::Result;

/// A field: its value, or `?` where the message has it malformed.
fn field<T: fmt::Display>(f: &mut fmt::Formatter<'_>, r: Result<T>) -> fmt::Result {
    match r {
        Ok(v) => write!(f, "{v}"),
        Err(_) => f.write_str("?"),
    }
}

/// ` <label> <value>` where the message has the value, ` <label> ?` where it has it
/// malformed, nothing where it has none.
fn optional<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    label: &str,
    r: Result<Option<T>>,
) -> fmt::Result {
    match r {
        Ok(Some(v)) => write!(f, " {label} {v}"),
        Ok(None) => Ok(()),
        Err(_) => write!(f, " {label} ?"),
    }
}

/// The flags `ip` names, in its order (iproute2's `print_link_flags`); `RUNNING` is not
/// printed (its absence on an up link is `NO-CARRIER`).
const FLAG_NAMES: [(LinkFlags, &str); 18] = [
    (LinkFlags::LOOPBACK, "LOOPBACK"),
    (LinkFlags::BROADCAST, "BROADCAST"),
    (LinkFlags::POINTOPOINT, "POINTOPOINT"),
    (LinkFlags::MULTICAST, "MULTICAST"),
    (LinkFlags::NOARP, "NOARP"),
    (LinkFlags::ALLMULTI, "ALLMULTI"),
    (LinkFlags::PROMISC, "PROMISC"),
    (LinkFlags::MASTER, "MASTER"),
    (LinkFlags::SLAVE, "SLAVE"),
    (LinkFlags::DEBUG, "DEBUG"),
    (LinkFlags::DYNAMIC, "DYNAMIC"),
    (LinkFlags::AUTOMEDIA, "AUTOMEDIA"),
    (LinkFlags::PORTSEL, "PORTSEL"),
    (LinkFlags::NOTRAILERS, "NOTRAILERS"),
    (LinkFlags::UP, "UP"),
    (LinkFlags::LOWER_UP, "LOWER_UP"),
    (LinkFlags::DORMANT, "DORMANT"),
    (LinkFlags::ECHO, "ECHO"),
];

/// What `ip link` prints between `<` and `>`: `NO-CARRIER` for a link up but not running,
/// then the flags in `ip`'s order and names, then any bit it has no name for in hex.
///
/// ```
/// use baresock::netlink::route::LinkFlags;
/// let f = LinkFlags::UP | LinkFlags::BROADCAST | LinkFlags::MULTICAST;
/// assert_eq!(f.to_string(), "NO-CARRIER,BROADCAST,MULTICAST,UP");
/// let f = LinkFlags::LOOPBACK | LinkFlags::UP | LinkFlags::RUNNING | LinkFlags::LOWER_UP;
/// assert_eq!(f.to_string(), "LOOPBACK,UP,LOWER_UP");
/// ```
impl fmt::Display for LinkFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut left = *self;
        let mut sep = "";
        if left.contains(LinkFlags::UP) && !left.contains(LinkFlags::RUNNING) {
            f.write_str("NO-CARRIER")?;
            sep = ",";
        }
        left.remove(LinkFlags::RUNNING);
        for (flag, name) in FLAG_NAMES {
            if left.contains(flag) {
                left.remove(flag);
                write!(f, "{sep}{name}")?;
                sep = ",";
            }
        }
        if !left.is_empty() {
            write!(f, "{sep}{:x}", left.bits())?;
        }
        Ok(())
    }
}

impl OperState {
    /// The name `ip` prints (`UP`, `DOWN`, `UNKNOWN`, `LOWERLAYERDOWN`, ...); `None` for a
    /// state it has no name for.
    ///
    /// ```
    /// use baresock::netlink::route::OperState;
    /// assert_eq!(OperState::Up.name(), Some("UP"));
    /// assert_eq!(OperState::from_raw(99).name(), None);
    /// ```
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            OperState::Unknown => "UNKNOWN",
            OperState::NotPresent => "NOTPRESENT",
            OperState::Down => "DOWN",
            OperState::LowerLayerDown => "LOWERLAYERDOWN",
            OperState::Testing => "TESTING",
            OperState::Dormant => "DORMANT",
            OperState::Up => "UP",
            OperState::Other(_) => return None,
        })
    }
}

/// `state NAME`'s value: `ip`'s name, or the number in hex as `ip` prints it.
impl fmt::Display for OperState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.name(), self) {
            (Some(n), _) => f.write_str(n),
            (None, OperState::Other(v)) => write!(f, "{v:#x}"),
            (None, _) => f.write_str("?"),
        }
    }
}

/// The first line `ip link show` prints: `INDEX: NAME: <FLAGS> mtu MTU state STATE`
/// (`mtu` and `state` where the message has them).
impl fmt::Display for Link<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.index())?;
        field(f, self.name())?;
        write!(f, ": <{}>", self.flags())?;
        optional(f, "mtu", self.mtu())?;
        optional(f, "state", self.operstate())
    }
}

fn scope(f: &mut fmt::Formatter<'_>, s: Scope) -> fmt::Result {
    match s.name() {
        Some(n) => write!(f, " scope {n}"),
        None => write!(f, " scope {}", s.raw()),
    }
}

/// `ADDRESS[ peer PEER]/PREFIX dev INDEX scope SCOPE`, as `ip monitor address` prints it
/// (with the link's index, not its name).
impl fmt::Display for Address<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        field(f, self.ip_addr())?;
        optional(f, "peer", self.peer())?;
        write!(f, "/{} dev {}", self.prefix_len(), self.index())?;
        scope(f, self.scope())
    }
}

/// `[TYPE ]DESTINATION[ via GATEWAY][ dev INDEX][ table T] proto P[ scope S][ metric M]`, as
/// `ip route` prints it: `default` for a /0, the type but for unicast, the table but for
/// main, the scope but for global.
impl fmt::Display for Route<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind();
        if kind != RouteType::UNICAST {
            match kind.name() {
                Some(n) => write!(f, "{n} ")?,
                None => write!(f, "type {} ", kind.raw())?,
            }
        }
        match self.destination() {
            Ok(_) if self.prefix_len() == 0 => f.write_str("default")?,
            Ok(Some(d)) => write!(f, "{d}/{}", self.prefix_len())?,
            Ok(None) => write!(f, "?/{}", self.prefix_len())?,
            Err(_) => f.write_str("?")?,
        }
        optional(f, "via", self.gateway())?;
        optional(f, "dev", self.output_interface())?;
        match self.table() {
            Ok(RouteTable::MAIN) => {}
            Ok(t) => write!(f, " table {}", t.raw())?,
            Err(_) => f.write_str(" table ?")?,
        }
        let proto = self.protocol();
        match proto.name() {
            Some(n) => write!(f, " proto {n}")?,
            None => write!(f, " proto {}", proto.raw())?,
        }
        if self.scope() != Scope::UNIVERSE {
            scope(f, self.scope())?;
        }
        optional(f, "metric", self.priority())
    }
}
