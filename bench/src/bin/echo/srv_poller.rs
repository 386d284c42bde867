//! The echo server on baresock's poller: one `Poller`, every connection registered once,
//! edge-triggered, drained until `WouldBlock`; the connections in a fixed array allocated once
//! (a slot per key, each with its own buffer) and a free list.

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
                        Interest::READABLE | Interest::WRITABLE | Interest::EDGE,
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
            if !echo(slot) {
                if let Some(stream) = slot.stream.take() {
                    poller.delete(&stream)?;
                    free.push(ev.key() as usize);
                }
            }
        }
    }
}

/// Writes back what is pending, reads, writes back, until a call would block; `false` when
/// the connection is done (closed by the peer or failed).
fn echo(slot: &mut Slot) -> bool {
    let Some(stream) = slot.stream.as_ref() else {
        return true;
    };
    loop {
        while slot.start < slot.end {
            match stream.send(&slot.buf[slot.start..slot.end]) {
                Ok(n) => slot.start += n,
                Err(Error::WouldBlock) => return true,
                Err(e) if e.errno() == Some(Errno::INTR) => {}
                Err(_) => return false,
            }
        }
        match stream.recv(&mut slot.buf) {
            Ok(0) => return false,
            Ok(n) => (slot.start, slot.end) = (0, n),
            Err(Error::WouldBlock) => return true,
            Err(e) if e.errno() == Some(Errno::INTR) => {}
            Err(_) => return false,
        }
    }
}
