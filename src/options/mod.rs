//! Socket options, one `impl` block per level, each headed by its man page. Getters are `x()`,
//! setters `set_x()`; every call goes through the one raw `getsockopt`/`setsockopt` pair in
//! `sys`, so an odd answer from the kernel is a named error, never a panic.
//!
//! One submodule per level: `socket` (`SOL_SOCKET`), `ip`, `ipv6`, `tcp`, `udp`, `vsock`, and `control`
//! (which control messages arrive with received messages).
//!
//! # Names
//!
//! The level is in the name, as in socket2 0.6, because that is where most users come from and
//! so they find the name they know: `SOL_SOCKET` options have no affix
//! ([`set_reuse_address`](Socket::set_reuse_address)), `IPPROTO_IP` options end in `_v4`
//! ([`set_ttl_v4`](Socket::set_ttl_v4)), `IPPROTO_IPV6` options in `_v6`
//! ([`set_unicast_hops_v6`](Socket::set_unicast_hops_v6)), `IPPROTO_TCP` options start with
//! `tcp_` ([`set_tcp_nodelay`](Socket::set_tcp_nodelay)) and `SOL_UDP` options with `udp_`
//! ([`set_udp_gro`](Socket::set_udp_gro)), `AF_VSOCK` options with `vsock_`
//! ([`set_vsock_buffer_size`](Socket::set_vsock_buffer_size)). Where socket2 has the option, the name is socket2's
//! (but `transparent_v4`/`_v6`, not `ip_transparent_v4`). So [`recv_ttl_v4`](Socket::recv_ttl_v4)
//! is a getter (whether `IP_RECVTTL` is on), not an action: no action carries a level suffix.
//! Every option method has the kernel's name (`IP_TTL`) as a search alias, and a renamed one its
//! former name too.
//!
//! The typed sockets keep `std::net`'s names instead ([`TcpStream::set_nodelay`],
//! [`UdpSocket::set_ttl`], [`UdpSocket::set_broadcast`]), so code moved from std reads the same.
//!
//! [`TcpStream::set_nodelay`]: crate::TcpStream::set_nodelay
//! [`UdpSocket::set_ttl`]: crate::UdpSocket::set_ttl
//! [`UdpSocket::set_broadcast`]: crate::UdpSocket::set_broadcast

use crate::InputError;
use core::time::Duration;

use linux_raw_sys::net as k;
use rustix::fd::{AsFd, BorrowedFd};
use rustix::io::Errno;

use crate::sys::sockopt;
use crate::{Error, Result, Socket};

#[inline]
fn get_int(fd: BorrowedFd<'_>, level: u32, name: u32) -> Result<i32> {
    sockopt::get::<i32>(fd, level, name)
}

#[inline]
fn set_int(fd: BorrowedFd<'_>, level: u32, name: u32, value: i32) -> Result<()> {
    sockopt::set(fd, level, name, &value)
}

/// Defines a getter and a setter for an on/off option.
/// `$alias` is the kernel's name for it, or a `[list]` of names (the kernel's, then former ones).
/// `$page` is the level's man page in section 7 (`socket`, `ip`, ...), for the references.
macro_rules! bool_option {
    ($(#[$doc:meta])* $alias:literal, $level:expr, $name:expr, $get:ident, $set:ident, $page:ident) => {
        bool_option!($(#[$doc])* [$alias], $level, $name, $get, $set, $page);
    };
    ($(#[$doc:meta])* [$($alias:literal),+], $level:expr, $name:expr, $get:ident, $set:ident, $page:ident) => {
        $(#[$doc])*
        ///
        #[doc = man!(setsockopt(2), $page(7))]
        $(#[doc(alias = $alias)])+
        pub fn $set(&self, on: bool) -> Result<()> {
            set_int(self.as_fd(), $level, $name, i32::from(on))
        }

        #[doc = concat!("Whether the option [`", stringify!($set), "`](Self::", stringify!($set), ") sets is on.")]
        ///
        #[doc = man!(getsockopt(2), $page(7))]
        $(#[doc(alias = $alias)])+
        pub fn $get(&self) -> Result<bool> {
            get_int(self.as_fd(), $level, $name).map(|v| v != 0)
        }
    };
}

/// An integer option's value type: how it goes into the kernel's `int` and comes back. Values
/// past what an `int` holds saturate (the kernel clamps or refuses them anyway); an answer
/// outside the type's range (which the kernel does not give) is clamped into it, never wrapped.
trait IntValue: Sized {
    fn to_int(self) -> i32;
    fn from_int(v: i32) -> Self;
}

macro_rules! int_value {
    ($($ty:ty),*) => {$(
        impl IntValue for $ty {
            #[inline]
            fn to_int(self) -> i32 {
                i32::try_from(self).unwrap_or(i32::MAX)
            }
            #[inline]
            fn from_int(v: i32) -> $ty {
                <$ty>::try_from(v.max(0)).unwrap_or(<$ty>::MAX)
            }
        }
    )*};
}
int_value!(u8, u16, u32, usize);

/// Defines a getter and a setter for an integer option whose value is a `u8`, `u16`, `u32` or
/// `usize` (see [`IntValue`]); arguments as for `bool_option!`, with the value type before the
/// man page.
macro_rules! int_option {
    ($(#[$doc:meta])* [$($alias:literal),+], $level:expr, $name:expr, $get:ident, $set:ident, $ty:ty, $page:ident) => {
        $(#[$doc])*
        ///
        #[doc = man!(setsockopt(2), $page(7))]
        $(#[doc(alias = $alias)])+
        pub fn $set(&self, value: $ty) -> Result<()> {
            crate::options::set_int(
                self.as_fd(),
                $level,
                $name,
                crate::options::IntValue::to_int(value),
            )
        }

        #[doc = concat!("The value that [`", stringify!($set), "`](Self::", stringify!($set), ") sets.")]
        ///
        #[doc = man!(getsockopt(2), $page(7))]
        $(#[doc(alias = $alias)])+
        pub fn $get(&self) -> Result<$ty> {
            crate::options::get_int(self.as_fd(), $level, $name)
                .map(<$ty as crate::options::IntValue>::from_int)
        }
    };
}

/// Any option, as bytes: for what this crate has no typed method for yet. getsockopt(2).
impl Socket {
    /// Reads option `name` at `level` into `buf` (`getsockopt(2)`); returns how many bytes the
    /// kernel wrote.
    ///
    /// ```
    /// use baresock::{Socket, Family, Type, Protocol};
    /// let s = Socket::new(Family::INET, Type::DGRAM, Protocol::DEFAULT)?;
    /// let mut v = [0u8; 4];
    /// // SOL_SOCKET, SO_TYPE
    /// assert_eq!(s.option_raw(1, 3, &mut v)?, 4);
    /// assert_eq!(i32::from_ne_bytes(v), 2); // SOCK_DGRAM
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(getsockopt(2))]
    pub fn option_raw(&self, level: u32, name: u32, buf: &mut [u8]) -> Result<usize> {
        sockopt::get_bytes(self.as_fd(), level, name, buf)
    }

    /// Sets option `name` at `level` to `value` (`setsockopt(2)`).
    ///
    #[doc = man!(setsockopt(2))]
    pub fn set_option_raw(&self, level: u32, name: u32, value: &[u8]) -> Result<()> {
        sockopt::set_bytes(self.as_fd(), level, name, value)
    }
}

/// An interface index for the kernel's `int`; indexes never reach `i32::MAX`.
fn index_arg(index: u32) -> Result<i32> {
    i32::try_from(index).map_err(|_| Error::Os(Errno::NODEV))
}

/// A whole-unit duration for a kernel `int`, rounded up so a small one does not become zero.
fn units_arg(d: Duration, unit: Duration) -> Result<i32> {
    let n = d.as_nanos().div_ceil(unit.as_nanos());
    i32::try_from(n).map_err(|_| Error::Input(InputError::DurationOutOfRange))
}

const IP: u32 = k::IPPROTO_IP as u32;
const IPV6: u32 = k::IPPROTO_IPV6 as u32;
const TCP: u32 = k::IPPROTO_TCP as u32;

mod control;
mod ip;
mod ipv6;
mod mptcp;
mod socket;
mod tcp;
mod udp;
mod vsock;

pub use control::Timestamping;
pub use ip::MulticastInterface;

#[cfg(test)]
mod tests {
    use super::IntValue;

    /// Values past an `int` saturate on the way in; an answer outside the type is clamped on
    /// the way out, never wrapped (a `u8` option answering 300 is 255, not 44).
    #[test]
    fn int_values_saturate_and_clamp() {
        assert_eq!(u32::MAX.to_int(), i32::MAX);
        assert_eq!(usize::MAX.to_int(), i32::MAX);
        assert_eq!(7u8.to_int(), 7);
        assert_eq!(u8::from_int(300), u8::MAX);
        assert_eq!(u8::from_int(-1), 0);
        assert_eq!(u16::from_int(70_000), u16::MAX);
        assert_eq!(u32::from_int(-5), 0);
        assert_eq!(usize::from_int(4096), 4096);
    }
}
