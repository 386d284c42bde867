//! An echo server on mio, over baresock sockets: each socket is in non-blocking mode and
//! registered through [`SourceFd`] (a raw fd is all mio needs). One thread, one `Poll`, the
//! server and its clients in the same event loop; baresock's [`Error::WouldBlock`] says when
//! to go back to waiting.
//!
//! ```text
//! cargo run --example mio_echo     # self-check: 3 clients on loopback, then exit
//! ```
//!
//! The self-check listens on a free loopback port, connects three baresock clients to it
//! (non-blocking connects), sends each a message larger than the socket buffers, checks every
//! echo byte for byte, and exits 0 with `mio echo: ok`. `cargo xtask test` runs it so.

use std::collections::HashMap;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use baresock::{Errno, Error, Family, Protocol, Socket, TcpListener, TcpStream, Type};
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};

const LISTENER: Token = Token(0);
const CLIENTS: usize = 3;
const MESSAGE_LEN: usize = 200_000;

/// One accepted connection: what it read and has not yet written back.
struct Conn {
    stream: TcpStream,
    pending: Vec<u8>,
    read_closed: bool,
}

/// One client: its message, how much of it went out, what came back.
struct Client {
    stream: TcpStream,
    message: Vec<u8>,
    sent: usize,
    back: Vec<u8>,
    done: bool,
}

fn main() {
    match run() {
        Ok(total) => {
            println!("mio echo: {CLIENTS} clients, {total} bytes echoed through SourceFd");
            println!("mio echo: ok");
        }
        Err(e) => {
            eprintln!("mio echo: {e}");
            std::process::exit(1);
        }
    }
}

/// `Ok(None)` when the call would block: the event loop waits for the next event.
fn nonblocking<T>(r: baresock::Result<T>) -> Result<Option<T>, Error> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(Error::WouldBlock) => Ok(None),
        Err(e) => Err(e),
    }
}

fn run() -> Result<usize, Box<dyn std::error::Error>> {
    let mut poll = Poll::new()?;
    let registry = poll.registry();
    let listener = TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    registry.register(
        &mut SourceFd(&listener.as_raw_fd()),
        LISTENER,
        Interest::READABLE,
    )?;
    let addr = listener.local_addr()?;

    // Clients: tokens 1..=CLIENTS; accepted connections: from 100 on.
    let mut clients = HashMap::new();
    for i in 1..=CLIENTS {
        let socket = Socket::new(Family::INET, Type::STREAM, Protocol::TCP)?;
        socket.set_nonblocking(true)?;
        match socket.connect(addr) {
            Ok(()) | Err(Error::Os(Errno::INPROGRESS)) => {}
            Err(e) => return Err(e.into()),
        }
        let stream = TcpStream::try_from(socket)?;
        registry.register(
            &mut SourceFd(&stream.as_raw_fd()),
            Token(i),
            Interest::READABLE | Interest::WRITABLE,
        )?;
        let message = (0..MESSAGE_LEN)
            .map(|b| (b % 253) as u8 ^ i as u8)
            .collect();
        clients.insert(
            Token(i),
            Client {
                stream,
                message,
                sent: 0,
                back: Vec::new(),
                done: false,
            },
        );
    }

    let mut conns: HashMap<Token, Conn> = HashMap::new();
    let mut next = 100;
    let mut events = Events::with_capacity(64);
    let start = Instant::now();
    let mut buf = vec![0u8; 16 * 1024];
    while clients.values().any(|c| !c.done) {
        if start.elapsed() > Duration::from_secs(20) {
            return Err("self-check over 20 s".into());
        }
        poll.poll(&mut events, Some(Duration::from_secs(1)))?;
        for event in &events {
            let token = event.token();
            if token == LISTENER {
                // Edge-triggered: accept until the queue is empty.
                while let Some((stream, _peer)) = nonblocking(listener.accept())? {
                    stream.set_nonblocking(true)?;
                    let t = Token(next);
                    next += 1;
                    poll.registry().register(
                        &mut SourceFd(&stream.as_raw_fd()),
                        t,
                        Interest::READABLE | Interest::WRITABLE,
                    )?;
                    conns.insert(
                        t,
                        Conn {
                            stream,
                            pending: Vec::new(),
                            read_closed: false,
                        },
                    );
                }
            } else if let Some(conn) = conns.get_mut(&token) {
                // The server side: read what there is, write back what was read.
                while !conn.read_closed {
                    match nonblocking(conn.stream.recv(&mut buf))? {
                        Some(0) => conn.read_closed = true,
                        Some(n) => conn.pending.extend_from_slice(&buf[..n]),
                        None => break,
                    }
                }
                while !conn.pending.is_empty() {
                    match nonblocking(conn.stream.send(&conn.pending))? {
                        Some(n) => {
                            conn.pending.drain(..n);
                        }
                        None => break,
                    }
                }
                if conn.read_closed && conn.pending.is_empty() {
                    let conn = conns.remove(&token).expect("present");
                    poll.registry()
                        .deregister(&mut SourceFd(&conn.stream.as_raw_fd()))?;
                }
            } else if let Some(client) = clients.get_mut(&token) {
                if client.done {
                    continue;
                }
                if let Some(e) = client.stream.take_error()? {
                    return Err(format!("client {}: connect: {e}", token.0).into());
                }
                while client.sent < client.message.len() {
                    match nonblocking(client.stream.send(&client.message[client.sent..]))? {
                        Some(n) => client.sent += n,
                        None => break,
                    }
                    if client.sent == client.message.len() {
                        client.stream.close_write()?;
                    }
                }
                loop {
                    match nonblocking(client.stream.recv(&mut buf))? {
                        Some(0) => {
                            client.done = true;
                            break;
                        }
                        Some(n) => client.back.extend_from_slice(&buf[..n]),
                        None => break,
                    }
                }
                if client.done && client.back != client.message {
                    return Err(format!(
                        "client {}: {} of {} bytes echoed intact",
                        token.0,
                        client.back.len(),
                        client.message.len()
                    )
                    .into());
                }
            }
        }
    }
    Ok(clients.values().map(|c| c.back.len()).sum())
}
