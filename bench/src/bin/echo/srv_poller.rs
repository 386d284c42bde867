//! The echo server on baresock's poller: one `Poller`, every connection registered once,
//! edge-triggered, drained until `WouldBlock` or a short read; the connections in a fixed
//! array allocated once (a slot per key, each with its own buffer) and a free list.

use std::io;
use std::os::fd::OwnedFd;
use std::time::Duration;

use baresock::poll::{Event, Interest, Poller};
use baresock::{Error, TcpListener, TcpStream};
use rustix::io::Errno;

const LISTENER: u64 = u64::MAX;

type Slot = super::Slot<TcpStream>;

pub fn serve(listener: std::net::TcpListener) -> io::Result<()> {
    // Accepted streams start non-blocking (`accept4` with `SOCK_NONBLOCK`, as mio and tokio
    // accept); the listener is non-blocking already and keeps its fd's mode.
    baresock::set_default_timeout(Some(Duration::ZERO));
    let listener = TcpListener::from(OwnedFd::from(listener));
    let poller = Poller::new()?;
    poller.add(&listener, LISTENER, Interest::READABLE | Interest::EDGE)?;
    let (mut slots, mut free) = super::slab::<TcpStream>();
    let mut events = [Event::EMPTY; 1024];
    loop {
        for ev in poller.wait(&mut events, None)? {
            if ev.key() == LISTENER {
                loop {
                    let stream = match listener.accept() {
                        Ok((s, _)) => s,
                        Err(Error::WouldBlock) => break,
                        Err(e) => return Err(e.into()),
                    };
                    // Full: the connection is closed (the bench never opens that many).
                    let Some(i) = free.pop() else { continue };
                    stream.set_nodelay(true)?;
                    poller.add(
                        &stream,
                        i as u64,
                        Interest::READABLE
                            | Interest::WRITABLE
                            | Interest::READ_CLOSED
                            | Interest::EDGE,
                    )?;
                    let slot = &mut slots[i];
                    (slot.stream, slot.start, slot.end) = (Some(stream), 0, 0);
                }
                continue;
            }
            let Some(slot) = usize::try_from(ev.key())
                .ok()
                .and_then(|i| slots.get_mut(i))
            else {
                continue;
            };
            if !echo(slot, ev.is_read_closed()) {
                if let Some(stream) = slot.stream.take() {
                    poller.delete(&stream)?;
                    free.push(ev.key() as usize);
                }
            }
        }
    }
}

/// Writes back what is pending, reads, writes back, until a call would block or a read
/// comes back short; `false` when the connection is done (closed by the peer or failed).
///
/// A stream read that returns fewer bytes than asked drained the socket at that moment:
/// edge-triggered, whatever arrives after it is a new event, so the read that would only say
/// `WouldBlock` is skipped (what tokio does under `read`; the reactor's `Async::read` too).
/// Not when the event says the peer shut down (`closed`): the end may have come with the data,
/// and no edge would come for it, so the socket is read to the end.
fn echo(slot: &mut Slot, closed: bool) -> bool {
    let Some(stream) = slot.stream.as_ref() else {
        return true;
    };
    let mut drained = false;
    loop {
        while slot.start < slot.end {
            match stream.send(&slot.buf[slot.start..slot.end]) {
                Ok(n) => slot.start += n,
                Err(Error::WouldBlock) => return true,
                Err(e) if e.errno() == Some(Errno::INTR) => {}
                Err(_) => return false,
            }
        }
        if drained {
            return true;
        }
        match stream.recv(&mut slot.buf) {
            Ok(0) => return false,
            Ok(n) => {
                (slot.start, slot.end) = (0, n);
                drained = n < slot.buf.len() && !closed;
            }
            Err(Error::WouldBlock) => return true,
            Err(e) if e.errno() == Some(Errno::INTR) => {}
            Err(_) => return false,
        }
    }
}
