//! The `Socket` methods: `sendmsg(2)`/`recvmsg(2)`, and `send_fds`/`recv_fds` over them.

use core::mem::MaybeUninit;

use linux_raw_sys::net as k;
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::net::addr::SocketAddrStorage;

use crate::socket::Wait;
use crate::sys::msg as raw;
use crate::time::Deadline;
use crate::{RecvFlags, Result, SendFlags, SockAddr};

use super::{
    cmsg_space, ControlBuilder, ControlMessage, IoSlice, IoSliceMut, RecvFds, RecvMsg, MAX_FDS,
    OTHER_CONTROL,
};

/// Messages with ancillary data: sendmsg(2), recvmsg(2), cmsg(3), unix(7).
impl crate::Socket {
    /// `MSG_CMSG_CLOEXEC` for Unix sockets, the only ones fds arrive on, so that received fds
    /// are close-on-exec. Other families refuse the flag (packet(7): `EINVAL`).
    pub(super) fn cloexec_flag(&self) -> u32 {
        if self.family() == Ok(crate::Family::UNIX) {
            k::MSG_CMSG_CLOEXEC
        } else {
            0
        }
    }

    /// Sends data gathered from `bufs`, with control messages built by a [`ControlBuilder`]
    /// and an optional destination (`sendmsg(2)`). `MSG_NOSIGNAL` is always added.
    ///
    /// ```
    /// use baresock::{IoSlice, SendFlags, UnixStream};
    /// use baresock::msg::ControlBuilder;
    /// use std::os::fd::AsFd;
    ///
    /// let (a, b) = UnixStream::pair()?;
    /// let (passed, _keep) = UnixStream::pair()?;
    /// let mut space = [0u8; baresock::msg::cmsg_space(4)];
    /// let mut control = ControlBuilder::new(&mut space);
    /// control.rights(&[passed.as_fd()])?;
    /// // Two buffers gathered into one message, with an fd beside it.
    /// let bufs = [IoSlice::new(b"head "), IoSlice::new(b"body")];
    /// let n = a.as_socket().send_msg(&bufs, control.as_bytes(), None, SendFlags::empty())?;
    /// assert_eq!(n, 9);
    /// # let _ = b;
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(sendmsg(2), cmsg(3))]
    pub fn send_msg(
        &self,
        bufs: &[IoSlice<'_>],
        control: &[u8],
        addr: Option<&SockAddr>,
        flags: SendFlags,
    ) -> Result<usize> {
        if let Some(a) = addr {
            self.check_family(a)?;
        }
        let f = self.send_flags(flags);
        let dont_wait = flags.contains(SendFlags::DONT_WAIT);
        self.io(&mut Deadline::default(), Wait::Write, dont_wait, |fd| {
            raw::sendmsg(fd, bufs, addr, control, f)
        })
    }

    /// Receives a message scattered into `bufs`, with its control messages in `control`
    /// (`recvmsg(2)`). The result says how much arrived, whether the datagram or the control
    /// messages were cut, and who sent it; it owns any fds that arrived until they are taken.
    ///
    /// Unlike [`recv`](crate::Socket::recv), a datagram longer than the buffers is not an
    /// error here: [`RecvMsg::truncated`] gives its true length, alongside the sender. A
    /// sender the crate has no typed address for is its bytes ([`SockAddr::Other`]), never
    /// an error.
    ///
    /// ```
    /// use baresock::{Family, IoSliceMut, Protocol, RecvFlags, Socket, Type};
    /// use baresock::msg::{ControlMessage, Credentials};
    ///
    /// let (a, b) = Socket::pair(Family::UNIX, Type::DGRAM, Protocol::DEFAULT)?;
    /// b.set_passcred(true)?; // the kernel attaches the sender's pid, uid, gid
    /// a.send(b"who am I?")?;
    /// let mut buf = [0u8; 32];
    /// let mut space = [0u8; 64];
    /// let mut bufs = [IoSliceMut::new(&mut buf)];
    /// let msg = b.recv_msg(&mut bufs, &mut space, RecvFlags::empty())?;
    /// assert_eq!(msg.bytes(), 9);
    /// let creds = msg.control().find_map(|c| match c {
    ///     ControlMessage::Credentials(c) => Some(c),
    ///     _ => None,
    /// });
    /// assert_eq!(creds.map(|c| c.pid), Some(Credentials::current().pid));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(recvmsg(2), cmsg(3))]
    pub fn recv_msg<'c>(
        &self,
        bufs: &mut [IoSliceMut<'_>],
        control: &'c mut [u8],
        flags: RecvFlags,
    ) -> Result<RecvMsg<'c>> {
        let f = self.recv_flags(flags).bits() | self.cloexec_flag();
        let dont_wait = flags.contains(RecvFlags::DONT_WAIT);
        let mut name = MaybeUninit::<SocketAddrStorage>::uninit();
        let (mut deadline, mut tries) = (Deadline::default(), 0);
        let (r, control) = raw::recvmsg(self.as_fd(), bufs, &mut name, control, f, |e| {
            self.retry(e, &mut deadline, Wait::Read, dont_wait, &mut tries)
        })?;
        let name = raw::name_bytes(&name, r.namelen);
        let addr = if name.is_empty() {
            self.addr_or_unnamed(&[])
        } else {
            Some(crate::addr::decode_or_raw(name))
        };
        Ok(RecvMsg {
            len: r.len,
            bytes: r.len.min(r.capacity),
            flags: r.flags,
            addr,
            control,
        })
    }

    /// Sends data with file descriptors (`SCM_RIGHTS`; Python's `socket.send_fds`), at most
    /// [`MAX_FDS`] of them.
    ///
    /// ```
    /// use baresock::UnixStream;
    /// use std::os::fd::AsFd;
    ///
    /// let (a, b) = UnixStream::pair()?;
    /// let file = std::fs::File::open("/dev/null").unwrap();
    /// a.as_socket().send_fds(b"a file", &[file.as_fd()])?;
    /// let mut buf = [0u8; 16];
    /// let mut fds = [None];
    /// let got = b.as_socket().recv_fds(&mut buf, &mut fds)?;
    /// assert_eq!((got.bytes, got.fds), (6, 1));
    /// # Ok::<(), baresock::Error>(())
    /// ```
    ///
    #[doc = man!(sendmsg(2), unix(7))]
    pub fn send_fds(&self, data: &[u8], fds: &[BorrowedFd<'_>]) -> Result<usize> {
        let mut space = [0u8; cmsg_space(MAX_FDS * 4)];
        let mut control = ControlBuilder::new(&mut space);
        control.rights(fds)?;
        self.send_msg(
            &[IoSlice::new(data)],
            control.as_bytes(),
            None,
            SendFlags::empty(),
        )
    }

    /// Receives data and up to `fds.len()` file descriptors into the slots (Python's
    /// `socket.recv_fds`). If more were sent than the slots hold, none are kept: those that
    /// arrived are closed, and [`RecvFds::fds_truncated`] says so. Other control messages the
    /// socket receives (credentials, timestamps) are read past.
    ///
    #[doc = man!(recvmsg(2), unix(7))]
    pub fn recv_fds(&self, buf: &mut [u8], fds: &mut [Option<OwnedFd>]) -> Result<RecvFds> {
        let room = fds.len().min(MAX_FDS);
        let mut space = [0u8; cmsg_space(MAX_FDS * 4) + OTHER_CONTROL];
        let mut bufs = [IoSliceMut::new(buf)];
        let len = cmsg_space(room * 4) + OTHER_CONTROL;
        let mut msg = self.recv_msg(&mut bufs, &mut space[..len], RecvFlags::empty())?;
        let arrived: usize = msg
            .control()
            .map(|c| match c {
                ControlMessage::Rights(f) => f.count(),
                _ => 0,
            })
            .sum();
        let cut = msg.control_truncated() || arrived > room;
        let got = if cut { 0 } else { msg.take_fds(fds) };
        Ok(RecvFds {
            bytes: msg.bytes(),
            fds: got,
            fds_truncated: cut,
            truncated: msg.truncated(),
        })
    }
}
