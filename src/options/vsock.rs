//! vsock options (level `AF_VSOCK`): vsock(7), linux/vm_sockets.h.
//!
//! Named with a `vsock_` prefix, as the TCP level's options start with `tcp_`. They work on
//! any vsock socket, with or without a transport loaded. `SO_VM_SOCKETS_PEER_HOST_VM_ID` and
//! `SO_VM_SOCKETS_TRUSTED` are left out: only VMware's VMCI transport ever answered them, and
//! the kernel's own code answers `ENOPROTOOPT` for both now.

use core::time::Duration;

use linux_raw_sys::vm_sockets as k;
use rustix::fd::AsFd;
use rustix::io::Errno;

use crate::sys::sockopt::{self, OldTimeval, SockTimeval};
use crate::{Error, InputError, Result, Socket};

/// The option level: `AF_VSOCK` (what vsock(7) names; `SOL_VSOCK` only since Linux 6.5).
const LEVEL: u32 = linux_raw_sys::net::AF_VSOCK;

/// Defines a getter and a setter for one of the `u64` buffer-size options.
macro_rules! size_option {
    ($(#[$doc:meta])* $alias:literal, $name:expr, $get:ident, $set:ident) => {
        $(#[$doc])*
        ///
        #[doc = man!(setsockopt(2), vsock(7))]
        #[doc(alias = $alias)]
        pub fn $set(&self, bytes: u64) -> Result<()> {
            sockopt::set(self.as_fd(), LEVEL, $name, &bytes)
        }

        #[doc = concat!("The value that [`", stringify!($set), "`](Self::", stringify!($set), ") sets.")]
        ///
        #[doc = man!(getsockopt(2), vsock(7))]
        #[doc(alias = $alias)]
        pub fn $get(&self) -> Result<u64> {
            sockopt::get::<u64>(self.as_fd(), LEVEL, $name)
        }
    };
}

/// vsock options (level `AF_VSOCK`): vsock(7).
impl Socket {
    size_option!(
        /// The size of a connection's receive buffer in bytes (`SO_VM_SOCKETS_BUFFER_SIZE`,
        /// 256 KiB by default). The kernel clamps it into
        /// [`vsock_buffer_min_size`](Self::vsock_buffer_min_size) ..=
        /// [`vsock_buffer_max_size`](Self::vsock_buffer_max_size) without an error: read it
        /// back to see what was taken.
        ///
        /// ```no_run
        /// use baresock::{Family, Protocol, Socket, Type};
        /// // Any vsock socket (where the kernel has AF_VSOCK; no transport needed).
        /// let s = Socket::new(Family::VSOCK, Type::STREAM, Protocol::DEFAULT)?;
        /// s.set_vsock_buffer_size(64 * 1024)?;
        /// assert_eq!(s.vsock_buffer_size()?, 64 * 1024);
        /// s.set_vsock_buffer_size(u64::MAX)?; // clamped to the maximum, no error
        /// assert_eq!(s.vsock_buffer_size()?, s.vsock_buffer_max_size()?);
        /// # Ok::<(), baresock::Error>(())
        /// ```
        "SO_VM_SOCKETS_BUFFER_SIZE", k::SO_VM_SOCKETS_BUFFER_SIZE, vsock_buffer_size, set_vsock_buffer_size
    );

    size_option!(
        /// The least the buffer size may be set to (`SO_VM_SOCKETS_BUFFER_MIN_SIZE`, 128 bytes
        /// by default); raising it past the buffer size raises that too.
        "SO_VM_SOCKETS_BUFFER_MIN_SIZE", k::SO_VM_SOCKETS_BUFFER_MIN_SIZE, vsock_buffer_min_size, set_vsock_buffer_min_size
    );

    size_option!(
        /// The most the buffer size may be set to (`SO_VM_SOCKETS_BUFFER_MAX_SIZE`, 256 KiB by
        /// default); lowering it under the buffer size lowers that too.
        "SO_VM_SOCKETS_BUFFER_MAX_SIZE", k::SO_VM_SOCKETS_BUFFER_MAX_SIZE, vsock_buffer_max_size, set_vsock_buffer_max_size
    );

    /// The kernel's own bound on a blocking `connect` (`SO_VM_SOCKETS_CONNECT_TIMEOUT`, 2 s
    /// by default): past it the connect fails with `ETIMEDOUT`, whatever this crate's
    /// [timeout mode](Socket#timeouts) (which bounds the wait as well: the shorter wins). Zero
    /// restores the default. The kernel keeps it in scheduler ticks, so it reads back rounded
    /// up to a tick; a timeout past what it can hold (about 292 000 years on 64-bit machines,
    /// 24 days on 32-bit ones) is `Error::Os(ERANGE)`.
    ///
    /// Set with the 64-bit `SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW` (Linux 5.16), or the `_OLD` one
    /// (a C `struct timeval`) on older kernels, which answer the new one with `ENOPROTOOPT`.
    /// A timeout the old option's C `long` cannot carry (past 2^31 s on 32-bit targets, far
    /// past what such a kernel holds) is `Error::Os(ERANGE)` too, as the new option answers:
    /// the same input gets the same error on every kernel. Past an `i64` of seconds:
    /// [`InputError::DurationOutOfRange`](crate::InputError::DurationOutOfRange).
    ///
    /// ```no_run
    /// use baresock::{Family, Protocol, Socket, Type};
    /// use core::time::Duration;
    /// let s = Socket::new(Family::VSOCK, Type::STREAM, Protocol::DEFAULT)?;
    /// s.set_vsock_connect_timeout(Duration::from_secs(10))?;
    /// assert!(s.vsock_connect_timeout()? >= Duration::from_secs(10));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(setsockopt(2), vsock(7))]
    #[doc(alias = "SO_VM_SOCKETS_CONNECT_TIMEOUT")]
    #[doc(alias = "SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW")]
    pub fn set_vsock_connect_timeout(&self, timeout: Duration) -> Result<()> {
        let out_of_range = Error::Input(InputError::DurationOutOfRange);
        let sec = i64::try_from(timeout.as_secs()).map_err(|_| out_of_range)?;
        let usec = timeout.subsec_micros();
        let new = SockTimeval {
            tv_sec: sec,
            tv_usec: usec.into(),
        };
        let fd = self.as_fd();
        match sockopt::set(fd, LEVEL, k::SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW, &new) {
            Err(Error::Os(Errno::NOPROTOOPT)) => {
                // Past the old option's `long` (32-bit targets): more than any kernel holds,
                // which the new option answers with `ERANGE`; so does this one.
                let past_the_kernel = Error::Os(Errno::RANGE);
                let old = OldTimeval {
                    tv_sec: core::ffi::c_long::try_from(sec).map_err(|_| past_the_kernel)?,
                    tv_usec: usec as core::ffi::c_long,
                };
                sockopt::set(fd, LEVEL, k::SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD, &old)
            }
            r => r,
        }
    }

    /// The kernel's connect bound that
    /// [`set_vsock_connect_timeout`](Self::set_vsock_connect_timeout) sets.
    ///
    #[doc = man!(getsockopt(2), vsock(7))]
    #[doc(alias = "SO_VM_SOCKETS_CONNECT_TIMEOUT")]
    #[doc(alias = "SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW")]
    pub fn vsock_connect_timeout(&self) -> Result<Duration> {
        let fd = self.as_fd();
        let (sec, usec) =
            match sockopt::get::<SockTimeval>(fd, LEVEL, k::SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW) {
                Ok(tv) => (tv.tv_sec, tv.tv_usec),
                Err(Error::Os(Errno::NOPROTOOPT)) => {
                    let tv: OldTimeval =
                        sockopt::get(fd, LEVEL, k::SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD)?;
                    // `c_long` is `i32` on 32-bit targets, `i64` elsewhere.
                    #[allow(clippy::useless_conversion)]
                    let tv = (i64::from(tv.tv_sec), i64::from(tv.tv_usec));
                    tv
                }
                Err(e) => return Err(e),
            };
        match (u64::try_from(sec), u32::try_from(usec)) {
            (Ok(sec), Ok(usec)) if usec < 1_000_000 => Ok(Duration::new(sec, usec * 1000)),
            _ => Err(Error::Input(InputError::DurationOutOfRange)),
        }
    }
}
