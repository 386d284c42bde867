//! Kernel uevents (`NETLINK_KOBJECT_UEVENT`): the hotplug messages mdev and udev read, parsed
//! in place.
//!
//! A kernel uevent is `action@devpath`, a NUL, then `KEY=VALUE` strings each ended by a NUL
//! (`ACTION`, `DEVPATH`, `SUBSYSTEM`, `SEQNUM`, and the device's own keys). The kernel sends
//! them to group 1 ([`KERNEL_GROUP`]); udev re-sends them, with a binary `libudev` header,
//! to group 2: those are [`NetlinkError::UdevMessage`] here.
//!
//! Only the kernel's count: [`UeventSocket::recv`] takes datagrams from port id 0 alone.
//! Sending to a uevent group needs `CAP_NET_ADMIN` (in the namespace's user namespace), so
//! a root process could forge one; the sender's port id tells them apart.
//!
//! Network devices' uevents reach the uevent sockets of the device's network namespace;
//! other devices' go to the sockets of namespaces owned by the initial user namespace.
//!
//! ```
//! use baresock::netlink::uevent::{Action, Uevent};
//! let msg = b"add@/devices/virtual/net/dummy0\0ACTION=add\0DEVPATH=/devices/virtual/net/dummy0\0\
//!             SUBSYSTEM=net\0INTERFACE=dummy0\0IFINDEX=5\0SEQNUM=1234\0";
//! let e = Uevent::parse(msg)?;
//! assert_eq!(e.action(), Action::Add);
//! assert_eq!(e.devpath(), "/devices/virtual/net/dummy0");
//! assert_eq!(e.subsystem(), Some("net"));
//! assert_eq!(e.seqnum(), Some(1234));
//! assert_eq!(e.get("INTERFACE"), Some("dummy0"));
//! assert_eq!(e.vars().count(), 6);
//! # Ok::<(), baresock::Error>(())
//! ```

use super::{NetlinkError, NetlinkProtocol, NetlinkSocket};
use crate::time::Deadline;
use crate::{Error, NetlinkAddr, Result};

/// The kernel's uevent group (1); udev's is 2.
pub const KERNEL_GROUP: u32 = 1;

/// What happened to the device (`ACTION`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Action<'a> {
    /// `add`.
    Add,
    /// `remove`.
    Remove,
    /// `change`.
    Change,
    /// `move` (renamed or re-parented).
    Move,
    /// `online`.
    Online,
    /// `offline`.
    Offline,
    /// `bind` (a driver bound).
    Bind,
    /// `unbind`.
    Unbind,
    /// Any other action, as its text.
    Other(&'a str),
}

impl<'a> Action<'a> {
    fn from_text(t: &'a str) -> Action<'a> {
        match t {
            "add" => Action::Add,
            "remove" => Action::Remove,
            "change" => Action::Change,
            "move" => Action::Move,
            "online" => Action::Online,
            "offline" => Action::Offline,
            "bind" => Action::Bind,
            "unbind" => Action::Unbind,
            other => Action::Other(other),
        }
    }

    /// The action's text, as the kernel writes it.
    ///
    /// ```
    /// use baresock::netlink::uevent::Action;
    /// assert_eq!(Action::Unbind.as_str(), "unbind");
    /// ```
    pub fn as_str(&self) -> &'a str {
        match *self {
            Action::Add => "add",
            Action::Remove => "remove",
            Action::Change => "change",
            Action::Move => "move",
            Action::Online => "online",
            Action::Offline => "offline",
            Action::Bind => "bind",
            Action::Unbind => "unbind",
            Action::Other(t) => t,
        }
    }
}

/// One kernel uevent, read in place ([`Uevent::parse`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uevent<'a> {
    action: Action<'a>,
    devpath: &'a str,
    /// The `KEY=VALUE` strings, each ended by a NUL (the last one's may be missing).
    vars: &'a str,
}

impl<'a> Uevent<'a> {
    /// Parses one message: `action@devpath`, then `KEY=VALUE` strings. A udev message (its
    /// `libudev` header) is [`NetlinkError::UdevMessage`]; anything else that is not that
    /// shape (no `@`, not UTF-8, a string without `=`) is [`NetlinkError::MalformedUevent`].
    pub fn parse(bytes: &'a [u8]) -> Result<Uevent<'a>> {
        let bad = Error::Netlink(NetlinkError::MalformedUevent);
        if bytes.starts_with(b"libudev\0") {
            return Err(Error::Netlink(NetlinkError::UdevMessage));
        }
        let text = core::str::from_utf8(bytes).map_err(|_| bad)?;
        let (head, vars) = text.split_once('\0').ok_or(bad)?;
        let (action, devpath) = head.split_once('@').ok_or(bad)?;
        if action.is_empty() || devpath.is_empty() {
            return Err(bad);
        }
        let vars = vars.strip_suffix('\0').unwrap_or(vars);
        if !vars.is_empty() && vars.split('\0').any(|kv| !kv.contains('=')) {
            return Err(bad);
        }
        Ok(Uevent {
            action: Action::from_text(action),
            devpath,
            vars,
        })
    }

    /// The action of the header.
    pub fn action(&self) -> Action<'a> {
        self.action
    }

    /// The device path of the header (under `/sys`).
    pub fn devpath(&self) -> &'a str {
        self.devpath
    }

    /// `SUBSYSTEM`.
    pub fn subsystem(&self) -> Option<&'a str> {
        self.get("SUBSYSTEM")
    }

    /// `SEQNUM`, the kernel's event counter, if it is a number.
    pub fn seqnum(&self) -> Option<u64> {
        self.get("SEQNUM").and_then(|s| s.parse().ok())
    }

    /// The value of `key`, if the message has it.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        self.vars().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Every `KEY=VALUE` pair, in order.
    pub fn vars(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let vars = self.vars;
        vars.split('\0')
            .filter(|kv| !kv.is_empty())
            .filter_map(|kv| kv.split_once('='))
    }
}

/// A socket of the kernel's uevents: `NETLINK_KOBJECT_UEVENT`, bound to
/// [`KERNEL_GROUP`].
///
/// ```no_run
/// use baresock::netlink::uevent::UeventSocket;
/// let s = UeventSocket::new()?;
/// let mut buf = [0u8; 8192];
/// let e = s.recv(&mut buf)?;
/// println!("{} {}", e.action().as_str(), e.devpath());
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Debug)]
pub struct UeventSocket {
    socket: NetlinkSocket,
}

impl UeventSocket {
    /// A uevent socket, bound to the kernel's group (a port id the kernel picks).
    ///
    #[doc = man!(socket(2), netlink(7))]
    pub fn new() -> Result<UeventSocket> {
        let socket = NetlinkSocket::new(NetlinkProtocol::KOBJECT_UEVENT)?;
        socket.bind(NetlinkAddr::new(0, 1 << (KERNEL_GROUP - 1)))?;
        Ok(UeventSocket { socket })
    }

    /// The socket, for its timeouts and options.
    pub fn socket(&self) -> &NetlinkSocket {
        &self.socket
    }

    /// Receives the next uevent from the kernel into `buf` and parses it; datagrams from
    /// other senders are dropped. Waits as the socket's read timeout says (a deadline for
    /// the whole call). [`Error::Truncated`] for a message longer than `buf` (8 KiB holds
    /// any: the kernel's uevent buffer is 2 KiB).
    pub fn recv<'b>(&self, buf: &'b mut [u8]) -> Result<Uevent<'b>> {
        let mut ignored = 0;
        let mut deadline = Deadline::default();
        let n = self
            .socket
            .recv_from_kernel(buf, &mut deadline, &mut ignored)?;
        if n > buf.len() {
            return Err(Error::Truncated { len: n });
        }
        let buf: &'b [u8] = buf;
        Uevent::parse(&buf[..n])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        let e = Uevent::parse(b"frob@/x\0A=1\0B=\0").unwrap();
        assert_eq!(e.action(), Action::Other("frob"));
        assert_eq!(e.get("B"), Some(""));
        assert_eq!(e.seqnum(), None);
        let e = Uevent::parse(b"remove@/y\0").unwrap();
        assert_eq!((e.action(), e.vars().count()), (Action::Remove, 0));
        let bad = Err(Error::Netlink(NetlinkError::MalformedUevent));
        assert_eq!(Uevent::parse(b""), bad);
        assert_eq!(Uevent::parse(b"add/x\0"), bad);
        assert_eq!(Uevent::parse(b"@/x\0"), bad);
        assert_eq!(Uevent::parse(b"add@\0"), bad);
        assert_eq!(Uevent::parse(b"add@/x\0NOEQUALS\0"), bad);
        assert_eq!(Uevent::parse(b"add@/x\0\xff=1\0"), bad);
        assert_eq!(
            Uevent::parse(b"libudev\0\xfe\xed\xca\xfe"),
            Err(Error::Netlink(NetlinkError::UdevMessage))
        );
    }

    #[test]
    fn never_panics() {
        let msg = b"add@/d\0ACTION=add\0SEQNUM=9\0";
        for end in 0..msg.len() {
            let _ = Uevent::parse(&msg[..end]);
        }
        for i in 0..msg.len() {
            let mut m = *msg;
            for b in [0u8, b'@', b'=', 0xff] {
                m[i] = b;
                if let Ok(e) = Uevent::parse(&m) {
                    let _ = (e.vars().count(), e.seqnum(), e.subsystem());
                }
            }
        }
    }
}
