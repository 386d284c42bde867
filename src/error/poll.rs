//! [`PollError`]: the poller's refusals (see [`Poller`](crate::poll::Poller)).

use core::fmt;

use rustix::io::Errno;

/// Why a [`Poller`](crate::poll::Poller) refused ([`Error::Poll`](crate::Error::Poll)).
///
/// Four of these are errnos of `epoll_ctl(2)`, named because there each has exactly one
/// meaning: the crate's rule that an errno is an [`Error::Os`](crate::Error::Os) has this
/// exception (see [`Error`](crate::Error)). Any other errno of the poller stays an `Os`.
///
/// ```
/// use baresock::poll::{Interest, PollError, Poller};
/// use baresock::{Error, UdpSocket};
///
/// let poller = Poller::new()?;
/// let socket = UdpSocket::bind("127.0.0.1:0")?;
/// poller.add(&socket, 1, Interest::READABLE)?;
/// assert_eq!(
///     poller.add(&socket, 1, Interest::READABLE),
///     Err(Error::Poll(PollError::AlreadyAdded))
/// );
/// # Ok::<(), baresock::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum PollError {
    /// The fd is already in this poller (`EEXIST` from `EPOLL_CTL_ADD`): use
    /// [`modify`](crate::poll::Poller::modify) to change its interest or key.
    AlreadyAdded,
    /// The fd is not in this poller (`ENOENT` from `EPOLL_CTL_MOD` or `EPOLL_CTL_DEL`).
    NotAdded,
    /// The fd is not open (`EBADF`): it was closed, or never was an fd.
    BadFd,
    /// The fd cannot be polled (`EPERM`): a regular file or a directory, which are always
    /// ready.
    NotPollable,
    /// [`wait`](crate::poll::Poller::wait) was given an empty slice of events (checked before
    /// the kernel sees it; the kernel would say `EINVAL`).
    EmptyEvents,
    /// A [`Reactor`](crate::reactor::Reactor)'s storage has no free slot: as many sockets
    /// and pending timers as it has [`Slots`](crate::reactor::Slots) are registered
    /// already; or 255 calls wait in one direction of one socket already. Checked before the
    /// kernel sees anything.
    Full,
    /// [`Reactor::turn`](crate::reactor::Reactor::turn) was called from inside a waker that
    /// a turn of the same reactor was calling.
    Reentered,
}

impl PollError {
    /// The errno the kernel gave for this refusal (`EEXIST`, `ENOENT`, `EBADF`, `EPERM`);
    /// `None` for [`EmptyEvents`](PollError::EmptyEvents), [`Full`](PollError::Full) and
    /// [`Reentered`](PollError::Reentered), which the crate checks itself.
    ///
    /// ```
    /// use baresock::{Errno, Error};
    /// use baresock::poll::PollError;
    /// assert_eq!(PollError::NotAdded.errno(), Some(Errno::NOENT));
    /// assert_eq!(Error::Poll(PollError::BadFd).errno(), Some(Errno::BADF));
    /// assert_eq!(PollError::EmptyEvents.errno(), None);
    /// ```
    pub const fn errno(&self) -> Option<Errno> {
        match *self {
            PollError::AlreadyAdded => Some(Errno::EXIST),
            PollError::NotAdded => Some(Errno::NOENT),
            PollError::BadFd => Some(Errno::BADF),
            PollError::NotPollable => Some(Errno::PERM),
            PollError::EmptyEvents | PollError::Full | PollError::Reentered => None,
        }
    }
}

impl fmt::Display for PollError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match *self {
            PollError::AlreadyAdded => "the fd is already registered with this poller",
            PollError::NotAdded => "the fd is not registered with this poller",
            PollError::BadFd => "the fd is not open",
            PollError::NotPollable => {
                "the fd cannot be polled (a regular file or a directory is always ready)"
            }
            PollError::EmptyEvents => "no room for events: the slice of events is empty",
            PollError::Full => {
                "the reactor's storage is full: every slot is taken (or 255 calls wait on one socket)"
            }
            PollError::Reentered => "the reactor was turned from inside one of its own wakers",
        })
    }
}
