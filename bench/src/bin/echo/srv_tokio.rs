//! The echo server on tokio's current-thread runtime: `tokio::net`, one task per connection,
//! read then write all, as tokio's own echo example.
//!
//! `read` and `write_all` are written here over `AsyncRead::poll_read` and
//! `AsyncWrite::poll_write`, exactly what `AsyncReadExt::read` and `AsyncWriteExt::write_all`
//! do: tokio's `io-util` feature would add the `bytes` crate to the workspace for two calls.

use std::future::poll_fn;
use std::io;
use std::pin::Pin;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::BUF;

pub fn serve(listener: std::net::TcpListener) -> io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    rt.block_on(async {
        let listener = TcpListener::from_std(listener)?;
        loop {
            let (stream, _) = listener.accept().await?;
            stream.set_nodelay(true)?;
            tokio::spawn(echo(stream));
        }
    })
}

async fn echo(mut stream: TcpStream) {
    let mut buf = [0u8; BUF];
    loop {
        let n = match read(&mut stream, &mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if write_all(&mut stream, &buf[..n]).await.is_err() {
            return;
        }
    }
}

/// `AsyncReadExt::read`.
async fn read(s: &mut TcpStream, buf: &mut [u8]) -> io::Result<usize> {
    let mut rb = ReadBuf::new(buf);
    poll_fn(|cx| Pin::new(&mut *s).poll_read(cx, &mut rb)).await?;
    Ok(rb.filled().len())
}

/// `AsyncWriteExt::write_all`.
async fn write_all(s: &mut TcpStream, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        let n = poll_fn(|cx| Pin::new(&mut *s).poll_write(cx, buf)).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        buf = &buf[n..];
    }
    Ok(())
}
