//! An echo server on baresock's own poller (`baresock::poll`): one thread, one `Poller`, every
//! connection non-blocking and edge-triggered, each with a fixed buffer in a slab of slots
//! indexed by the event's key. No libc, no runtime.
//!
//! ```text
//! cargo run --example poll_echo                   # self-check: 100 clients at once, then exit
//! cargo run --example poll_echo -- --clients 1000
//! cargo run --example poll_echo -- --port 7000    # serve until killed; try `nc 127.0.0.1 7000`
//! ```
//!
//! The self-check serves on a free loopback port while a second thread connects the clients
//! all at once, sends each a message of its own, reads every echo through a second poller and
//! checks it byte for byte; then it ends the server's wait with a `Waker` and prints
//! `poll echo: ok`.

use std::time::Duration;

use baresock::poll::{Event, Interest, Poller, Waker};
use baresock::{Error, TcpListener, TcpStream};

/// The listener's key and the waker's: above any slot index.
const LISTENER: u64 = u64::MAX;
const STOP: u64 = u64::MAX - 1;
/// Slots for connections: a fixed number, each with a fixed buffer.
const MAX_CONNS: usize = 2048;
const BUF: usize = 2048;

/// One connection and the bytes read from it that are not yet written back (`buf[start..end]`).
struct Conn {
    stream: TcpStream,
    buf: [u8; BUF],
    start: usize,
    end: usize,
}

impl Conn {
    /// Echoes until the kernel has nothing more to give or no more room: edge-triggered, so
    /// each side is driven until `WouldBlock`. `Ok(true)` once the peer is done and all is
    /// written back.
    fn echo(&mut self) -> baresock::Result<bool> {
        loop {
            if self.start < self.end {
                match self.stream.send(&self.buf[self.start..self.end]) {
                    Ok(n) => self.start += n,
                    Err(Error::WouldBlock) => return Ok(false), // wait to be writable
                    Err(e) => return Err(e),
                }
                continue;
            }
            match self.stream.recv(&mut self.buf) {
                Ok(0) => return Ok(true),
                Ok(n) => (self.start, self.end) = (0, n),
                Err(Error::WouldBlock) => return Ok(false), // wait to be readable
                Err(e) => return Err(e),
            }
        }
    }
}

/// The connections by slot, and the free slots. Made once, up front, and never grows: no
/// allocation per connection (in a `no_std` program it is a `static` array).
struct Slab {
    slots: Vec<Option<Conn>>,
    free: Vec<usize>,
}

fn serve(listener: &TcpListener, poller: &Poller) -> baresock::Result<usize> {
    let mut slab = Slab {
        slots: (0..MAX_CONNS).map(|_| None).collect(),
        free: (0..MAX_CONNS).rev().collect(),
    };
    let mut served = 0;
    let mut events = [Event::EMPTY; 256];
    loop {
        for event in poller.wait(&mut events, None)? {
            match event.key() {
                STOP => return Ok(served),
                LISTENER => loop {
                    let (stream, _peer) = match listener.accept() {
                        Ok(c) => c,
                        Err(Error::WouldBlock) => break,
                        Err(e) => return Err(e),
                    };
                    let Some(slot) = slab.free.pop() else {
                        eprintln!("poll echo: all {MAX_CONNS} slots taken, refusing one");
                        continue; // dropped: closed
                    };
                    stream.set_nonblocking(true)?;
                    let interest = Interest::READABLE | Interest::WRITABLE | Interest::EDGE;
                    poller.add(&stream, slot as u64, interest)?;
                    slab.slots[slot] = Some(Conn {
                        stream,
                        buf: [0; BUF],
                        start: 0,
                        end: 0,
                    });
                    served += 1;
                },
                key => {
                    let slot = key as usize;
                    let Some(conn) = slab.slots[slot].as_mut() else {
                        continue; // closed earlier in this batch
                    };
                    // Done, reset or failed: close it (dropping the stream deletes it from
                    // the poller) and free its slot.
                    if !matches!(conn.echo(), Ok(false)) {
                        slab.slots[slot] = None;
                        slab.free.push(slot);
                    }
                }
            }
        }
    }
}

/// The self-check's clients: all connected at once, each sends its message, then one poller
/// reads every echo.
fn clients(addr: std::net::SocketAddr, n: usize) -> Result<(), String> {
    let message = |i: usize| -> Vec<u8> { (0..1000).map(|b| (b * 7 + i) as u8).collect() };
    let streams: Vec<TcpStream> = (0..n)
        .map(|_| TcpStream::connect(addr))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("connect: {e}"))?;
    let poller = Poller::new().map_err(|e| e.to_string())?;
    for (i, s) in streams.iter().enumerate() {
        s.send_all(&message(i)).map_err(|e| format!("send: {e}"))?;
        s.close_write().map_err(|e| e.to_string())?;
        s.set_nonblocking(true).map_err(|e| e.to_string())?;
        poller
            .add(s, i as u64, Interest::READABLE)
            .map_err(|e| e.to_string())?;
    }
    let mut back = vec![Vec::new(); n];
    let mut done = 0;
    let mut events = [Event::EMPTY; 256];
    let mut buf = [0u8; BUF];
    while done < n {
        let ready = poller
            .wait(&mut events, Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
        if ready.is_empty() {
            return Err(format!("{done} of {n} echoes after 10 s of silence"));
        }
        for e in ready {
            let i = e.key() as usize;
            match streams[i].recv(&mut buf) {
                Ok(0) => {
                    if back[i] != message(i) {
                        return Err(format!("client {i}: echo differs"));
                    }
                    poller.delete(&streams[i]).map_err(|e| e.to_string())?;
                    done += 1;
                }
                Ok(k) => back[i].extend_from_slice(&buf[..k]),
                Err(Error::WouldBlock) => {}
                Err(e) => return Err(format!("client {i}: {e}")),
            }
        }
    }
    Ok(())
}

/// Raises the soft limit on open fds to the hard one when `need` is more.
fn allow_fds(need: u64) {
    use rustix::process::{getrlimit, setrlimit, Resource};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|cur| cur < need) {
        limit.current = limit.maximum;
        let _ = setrlimit(Resource::Nofile, limit);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse::<usize>().expect("a number"))
    };
    let poller = Poller::new().expect("poller");
    if let Some(port) = value("--port") {
        let listener =
            TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port as u16)).expect("bind");
        listener.set_nonblocking(true).expect("non-blocking");
        poller
            .add(&listener, LISTENER, Interest::READABLE)
            .expect("add");
        println!("poll echo: serving on {}", listener.local_addr().unwrap());
        serve(&listener, &poller).expect("serve");
        return;
    }

    let n = value("--clients").unwrap_or(100).min(MAX_CONNS);
    allow_fds(2 * n as u64 + 32);
    let listener = baresock::create_server(
        "127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap(),
        baresock::ServerOptions::default(),
    )
    .expect("listen");
    listener.set_nonblocking(true).expect("non-blocking");
    poller
        .add(&listener, LISTENER, Interest::READABLE)
        .expect("add");
    let waker = Waker::new(&poller, STOP).expect("waker");
    let addr = listener.local_addr().unwrap();
    let result = std::thread::scope(|s| {
        let checked = s.spawn(|| {
            let r = clients(addr, n);
            waker.wake().expect("wake"); // ends the server's wait, whatever the outcome
            r
        });
        let served = serve(&listener, &poller);
        (served, checked.join().expect("clients"))
    });
    match result {
        (Ok(served), Ok(())) => {
            println!("poll echo: {served} connections served, {n} echoes checked");
            println!("poll echo: ok");
        }
        (served, checked) => {
            eprintln!("poll echo: server {served:?}, clients {checked:?}");
            std::process::exit(1);
        }
    }
}
