//! An echo server on tokio, over baresock sockets: each socket is put in non-blocking mode and
//! registered with tokio's reactor through [`AsyncFd`] (it only needs the fd). No tokio socket
//! type is involved: the bytes go through baresock's `recv`/`send`, whose
//! [`Error::WouldBlock`] becomes `io::ErrorKind::WouldBlock` for `try_io`.
//!
//! ```text
//! cargo run --example tokio_echo              # self-check: 3 clients on loopback, then exit
//! cargo run --example tokio_echo -- 127.0.0.1:7000 serve   # serve until killed
//! ```
//!
//! The self-check starts the server on a free port, connects three baresock clients to it
//! (non-blocking connects, completed through the reactor), checks every echo, and exits 0 with
//! `tokio echo: ok`. `cargo xtask test` runs it so.
#![allow(unsafe_code)] // a test or example may use libc and raw fds itself; the library may not

use std::io;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::time::Duration;

use baresock::{Error, Family, Protocol, Socket, TcpListener, TcpStream, Type};
use tokio::io::unix::AsyncFd;

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match &args[..] {
        [] => rt.block_on(async {
            tokio::time::timeout(Duration::from_secs(20), self_check())
                .await
                .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "self-check over 20 s"))?
        }),
        [addr, mode] if mode == "serve" => {
            let addr: SocketAddr = addr
                .parse()
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "not an address"))?;
            rt.block_on(async {
                let listener = listen(addr)?;
                println!(
                    "tokio echo: serving on {}",
                    listener.get_ref().local_addr()?
                );
                serve(listener, None).await
            })
        }
        _ => {
            eprintln!("usage: tokio_echo [<addr> serve]");
            std::process::exit(2);
        }
    }
}

/// A listener in non-blocking mode, registered with the reactor.
fn listen(addr: SocketAddr) -> io::Result<AsyncFd<TcpListener>> {
    let listener = TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    register(listener)
}

/// Registers a baresock socket with tokio's reactor.
fn register<T: AsRawFd>(socket: T) -> io::Result<AsyncFd<T>> {
    // SAFETY: a baresock socket owns its fd (an `OwnedFd` inside): `as_raw_fd` always returns
    // that one, which stays open until the socket is dropped, after the `AsyncFd` let go of it.
    unsafe { AsyncFd::register(socket) }.map_err(io::Error::from)
}

/// Accepts connections (`limit` of them, or forever) and echoes each on its own task.
async fn serve(listener: AsyncFd<TcpListener>, limit: Option<usize>) -> io::Result<()> {
    let mut tasks = Vec::new();
    while limit.is_none_or(|l| tasks.len() < l) {
        let (stream, peer) = listener
            .async_io(tokio::io::Interest::READABLE, |l| Ok(l.accept()?))
            .await?;
        // An accepted socket takes the default timeout (blocking): make it non-blocking too.
        stream.set_nonblocking(true)?;
        let stream = register(stream)?;
        tasks.push(tokio::spawn(async move {
            let echoed = echo(&stream).await;
            if limit.is_none() {
                println!("tokio echo: {peer} done: {echoed:?}");
            }
            echoed
        }));
    }
    for t in tasks {
        t.await.map_err(io::Error::other)??;
    }
    Ok(())
}

/// Echoes until the peer closes its end; returns how many bytes went back.
async fn echo(stream: &AsyncFd<TcpStream>) -> io::Result<usize> {
    let mut buf = [0u8; 4096];
    let mut total = 0;
    loop {
        let n = read(stream, &mut buf).await?;
        if n == 0 {
            return Ok(total);
        }
        write_all(stream, &buf[..n]).await?;
        total += n;
    }
}

/// One `recv`, waiting for readability as often as it says [`Error::WouldBlock`].
async fn read(stream: &AsyncFd<TcpStream>, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        let mut guard = stream.readable().await?;
        // `try_io` clears readiness when the closure says WouldBlock, and we wait again.
        match guard.try_io(|s| Ok(s.get_ref().recv(buf)?)) {
            Ok(result) => return result,
            Err(_would_block) => continue,
        }
    }
}

/// `send` until all of `buf` went out, waiting for writability in between.
async fn write_all(stream: &AsyncFd<TcpStream>, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        let mut guard = stream.writable().await?;
        if let Ok(result) = guard.try_io(|s| Ok(s.get_ref().send(buf)?)) {
            buf = &buf[result?..];
        }
    }
    Ok(())
}

/// A non-blocking connect: `EINPROGRESS` at once, then writability, then `SO_ERROR`.
async fn connect(addr: SocketAddr) -> io::Result<AsyncFd<TcpStream>> {
    let family = if addr.is_ipv4() {
        Family::INET
    } else {
        Family::INET6
    };
    let socket = Socket::new(family, Type::STREAM, Protocol::TCP)?;
    socket.set_nonblocking(true)?;
    match socket.connect(addr) {
        Ok(()) | Err(Error::Os(baresock::Errno::INPROGRESS)) => {}
        Err(e) => return Err(e.into()),
    }
    let stream = register(TcpStream::try_from(socket)?)?;
    let _ = stream.writable().await?;
    if let Some(e) = stream.get_ref().take_error()? {
        return Err(e.into());
    }
    Ok(stream)
}

async fn self_check() -> io::Result<()> {
    let listener = listen("127.0.0.1:0".parse().expect("a literal address"))?;
    let addr = listener.get_ref().local_addr()?;
    const CLIENTS: usize = 3;
    let server = tokio::spawn(serve(listener, Some(CLIENTS)));
    let mut clients = Vec::new();
    for i in 0..CLIENTS {
        clients.push(tokio::spawn(async move {
            let stream = std::sync::Arc::new(connect(addr).await?);
            // Larger than one socket buffer's worth, so both sides really wait on readiness.
            let message: Vec<u8> = (0..200_000u32).map(|b| (b % 251) as u8 ^ i as u8).collect();
            let sender = {
                let (stream, message) = (stream.clone(), message.clone());
                tokio::spawn(async move {
                    write_all(&stream, &message).await?;
                    stream.get_ref().close_write()?;
                    Ok::<_, io::Error>(())
                })
            };
            let mut back = vec![0u8; message.len()];
            let mut got = 0;
            while got < back.len() {
                match read(&stream, &mut back[got..]).await? {
                    0 => break,
                    n => got += n,
                }
            }
            let sent = sender.await.map_err(io::Error::other)?;
            sent?;
            if got != message.len() || back != message {
                return Err(io::Error::other(format!(
                    "client {i}: {got} of {} bytes echoed intact",
                    message.len()
                )));
            }
            Ok::<_, io::Error>(got)
        }));
    }
    let mut total = 0;
    for c in clients {
        total += c.await.map_err(io::Error::other)??;
    }
    server.await.map_err(io::Error::other)??;
    println!("tokio echo: {CLIENTS} clients, {total} bytes echoed through AsyncFd");
    println!("tokio echo: ok");
    Ok(())
}
