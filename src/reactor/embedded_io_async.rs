//! [`embedded-io-async`](embedded_io_async) 0.7 on async streams (feature
//! `embedded-io-async`): `Read` and `Write` for `Async<TcpStream>` and `Async<UnixStream>`
//! (and shared references to them), with [`Error`](crate::Error) as their error (its
//! `embedded_io::Error` kind comes with the feature `embedded-io`, which this one turns on).
//! Reads and writes wait on the reactor, bounded as [`Async`]'s calls are: a deadline that
//! passes is `ErrorKind::TimedOut`. Allocates nothing.

use embedded_io_async::{ErrorType, Read, Write};

use super::Async;
use crate::{Error, TcpStream, UnixStream};

macro_rules! embedded_io_async_traits {
    ($($t:ty),*) => {$(
        impl ErrorType for Async<'_, $t> {
            type Error = Error;
        }

        impl ErrorType for &Async<'_, $t> {
            type Error = Error;
        }

        impl Read for &Async<'_, $t> {
            /// [`Async::read`]: waits until at least one byte is there; 0 at the end of the
            /// stream. Cancel-safe: a read dropped before it finished took no bytes.
            async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
                (*self).read(buf).await
            }
        }

        impl Read for Async<'_, $t> {
            async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
                (&*self).read(buf).await
            }
        }

        impl Write for &Async<'_, $t> {
            /// [`Async::write`]: waits until at least one byte fits. Cancel-safe: a write
            /// dropped before it finished sent nothing.
            async fn write(&mut self, buf: &[u8]) -> Result<usize, Error> {
                (*self).write(buf).await
            }

            /// Nothing to do: a socket keeps no buffer of its own.
            async fn flush(&mut self) -> Result<(), Error> {
                Ok(())
            }

            /// [`Async::write_all`]: the whole buffer within one write timeout.
            async fn write_all(&mut self, buf: &[u8]) -> Result<(), Error> {
                (*self).write_all(buf).await
            }
        }

        impl Write for Async<'_, $t> {
            async fn write(&mut self, buf: &[u8]) -> Result<usize, Error> {
                (&*self).write(buf).await
            }

            async fn flush(&mut self) -> Result<(), Error> {
                Ok(())
            }

            async fn write_all(&mut self, buf: &[u8]) -> Result<(), Error> {
                (&*self).write_all(buf).await
            }
        }
    )*};
}

embedded_io_async_traits!(TcpStream, UnixStream);

#[cfg(test)]
mod tests {
    use super::super::{block_on, Reactor, Slots};
    use super::*;
    use embedded_io_async::{Read, Write};

    /// Generic code, written for any embedded-io-async stream.
    async fn greet<S: Read + Write>(s: &mut S) -> Result<usize, S::Error> {
        s.write_all(b"hello").await?;
        s.flush().await?;
        let mut buf = [0u8; 5];
        s.read_exact(&mut buf).await.map_err(|e| match e {
            embedded_io_async::ReadExactError::Other(e) => e,
            embedded_io_async::ReadExactError::UnexpectedEof => unreachable!(),
        })?;
        Ok(buf.len())
    }

    #[test]
    fn generic_code_runs_over_an_async_stream() {
        let slots = Slots::<2>::new();
        let reactor = Reactor::new(&slots).unwrap();
        let (a, b) = UnixStream::pair().unwrap();
        let mut a = Async::new(&reactor, a).unwrap();
        b.send_all(b"olleh").unwrap();
        assert_eq!(block_on(&reactor, greet(&mut a)).unwrap(), Ok(5));
        b.send_all(b"olleh").unwrap();
        assert_eq!(block_on(&reactor, greet(&mut &a)).unwrap(), Ok(5));
        let mut buf = [0u8; 10];
        assert_eq!(b.recv(&mut buf), Ok(10));
    }
}
