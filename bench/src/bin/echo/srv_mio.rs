//! The echo server on mio: one `Poll`, edge-triggered (mio always is), a slab of connections
//! indexed by `Token` (allocated once, each slot with its own buffer) and a free list.

use std::io::{self, ErrorKind, Read, Write};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

const LISTENER: Token = Token(usize::MAX);

type Slot = super::Slot<TcpStream>;

pub fn serve(listener: std::net::TcpListener) -> io::Result<()> {
    let mut poll = Poll::new()?;
    let mut events = Events::with_capacity(1024);
    let mut listener = TcpListener::from_std(listener);
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let (mut slab, mut free) = super::slab::<TcpStream>();
    loop {
        poll.poll(&mut events, None)?;
        for ev in &events {
            if ev.token() == LISTENER {
                loop {
                    let (mut stream, _) = match listener.accept() {
                        Ok(a) => a,
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) => return Err(e),
                    };
                    // Full: the connection is closed (the bench never opens that many).
                    let Some(i) = free.pop() else { continue };
                    stream.set_nodelay(true)?;
                    poll.registry().register(
                        &mut stream,
                        Token(i),
                        Interest::READABLE | Interest::WRITABLE,
                    )?;
                    let slot = &mut slab[i];
                    (slot.stream, slot.start, slot.end) = (Some(stream), 0, 0);
                }
                continue;
            }
            let i = ev.token().0;
            if !echo(&mut slab[i]) {
                if let Some(mut stream) = slab[i].stream.take() {
                    poll.registry().deregister(&mut stream)?;
                    free.push(i);
                }
            }
        }
    }
}

/// Writes back what is pending, reads, writes back, until a call would block; `false` when
/// the connection is done (closed by the peer or failed).
fn echo(slot: &mut Slot) -> bool {
    let Some(stream) = slot.stream.as_mut() else {
        return true;
    };
    loop {
        while slot.start < slot.end {
            match stream.write(&slot.buf[slot.start..slot.end]) {
                Ok(n) => slot.start += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return false,
            }
        }
        match stream.read(&mut slot.buf) {
            Ok(0) => return false,
            Ok(n) => (slot.start, slot.end) = (0, n),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return true,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}
