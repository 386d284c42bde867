//! A socket layer for Linux with nothing between your program and the kernel but system calls.
//!
//! `baresock` speaks to the kernel by system calls of its own (inline assembly through the
//! `syscalls` crate, no libc; [`rustix`] for the fd and errno types), works in `#![no_std]`
//! programs without an allocator, and never allocates: every buffer is yours. It covers what Python's `socket` module offers, in Rust
//! spelling.
//!
//! ```
//! use baresock::{create_server, ServerOptions, TcpStream};
//! use core::net::SocketAddr;
//!
//! let server = create_server("127.0.0.1:0".parse::<SocketAddr>()?, ServerOptions::default())?;
//! let client = TcpStream::connect(server.local_addr()?)?;
//! let (conn, _peer) = server.accept()?;
//! client.send_all(b"hello")?;
//! let mut buf = [0u8; 16];
//! let n = conn.recv(&mut buf)?;
//! assert_eq!(&buf[..n], b"hello");
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```
//!
//! # Which socket do I want?
//!
//! | to ... | use |
//! |---|---|
//! | serve TCP | [`create_server`] or [`TcpListener::bind`], then `accept` |
//! | connect over TCP | [`create_connection`] (addresses, timeout, source) or [`TcpStream::connect`] |
//! | connect to a host by name (Happy Eyeballs) | [`resolve::connect`] / [`resolve::Resolver::connect`] |
//! | serve or connect over Multipath TCP, and learn whether it fell back to TCP | [`create_server`] with `mptcp` in [`ServerOptions`], [`create_connection_mptcp`] / [`TcpStream::connect_mptcp`] / [`resolve::Resolver::connect_mptcp`] (each an [`MptcpMode`]: off, prefer with a fallback to TCP, require); [`TcpStream::mptcp_status`] ([`MptcpStatus`]), [`TcpStream::mptcp_info`] ([`MptcpInfo`]) |
//! | send datagrams over IP | [`UdpSocket`] |
//! | join a multicast group | [`UdpSocket`] with [`Socket::join_multicast_v4`] / [`Socket::join_multicast_v6`] |
//! | talk to a local process | [`UnixStream`], [`UnixDatagram`], [`UnixSeqpacket`] (and their listeners) |
//! | talk between a virtual machine (microVM, enclave) and its host over vsock | [`VsockStream`], [`VsockSeqpacket`] (and their listeners), [`VsockDatagram`] (VMCI only); [`VsockAddr`], [`vsock_local_cid`], the `vsock_` options ([`Socket::set_vsock_connect_timeout`], ...) |
//! | a connected pair in one process | [`UnixStream::pair`] or [`Socket::pair`] |
//! | pass fds, read timestamps, packet info, or other control messages | [`Socket::send_msg`] / [`Socket::recv_msg`], [`Socket::send_fds`] / [`Socket::recv_fds`] |
//! | many datagrams per system call | [`Socket::send_mmsg`] / [`Socket::recv_mmsg`] |
//! | capture or inject link-layer frames | [`PacketSocket`]; at rate, its [`packet::RxRing`] and [`packet::TxRing`] |
//! | let the kernel drop what I do not want | classic BPF in [`bpf`] (or `tcpdump -dd` output), [`Socket::attach_filter`] |
//! | raw IP or ICMP | [`RawSocket`]; ping without root: [`RawSocket::icmp_echo_v4`] / [`RawSocket::icmp_echo_v6`] |
//! | CAN frames (classic, FD, XL), filters, error frames | [`can::CanSocket`]; frames as can-utils writes them: `FromStr` ([`can::CanAnyFrame`]) and `Display` |
//! | cyclic CAN sends, or wake only when a frame changes or stops | [`can::BcmSocket`] |
//! | ISO-TP (ISO 15765-2, UDS/OBD) messages | [`can::IsoTpSocket`] |
//! | SAE J1939 | [`can::J1939Socket`] |
//! | bring interfaces up, set addresses, routes and a CAN controller's bit rate (what `ip` does) | [`netlink::route::Rtnl`]: [`links`](netlink::route::Rtnl::links), [`set_link`](netlink::route::Rtnl::set_link), [`new_link`](netlink::route::Rtnl::new_link), [`add_address`](netlink::route::Rtnl::add_address), [`add_route`](netlink::route::Rtnl::add_route), [`set_can`](netlink::route::Rtnl::set_can) (feature `netlink`) |
//! | talk to the kernel over netlink (requests, acks, dumps), watch hotplug uevents | [`netlink::Client`], [`netlink::MessageWriter`] and the zero-copy readers; [`netlink::uevent::UeventSocket`] (feature `netlink`) |
//! | turn a host name into addresses, or an address into a name, without libc | [`resolve::Resolver`] (hosts file, resolv.conf, DNS over UDP/TCP); [`resolve::lookup`] / [`resolve::lookup_addr`] |
//! | any family, type and protocol, or an fd you were given | [`Socket`] ([`Socket::from_fd`], [`Socket::duplicate`]; `From<OwnedFd>` and, with `std`, `From<std::net::TcpStream>` and the like) |
//! | an option this crate has no method for | [`Socket::option_raw`] / [`Socket::set_option_raw`] |
//! | serve many sockets from one thread, without libc | [`poll::Poller`] (epoll, in your memory), or async: [`reactor::Async`] sockets on a [`reactor::Reactor`], run by [`reactor::block_on`] or embassy (see [Serving many sockets](#serving-many-sockets)) |
//! | drive sockets from a `std` async runtime | any socket, non-blocking, registered through its fd: tokio's `AsyncFd`, mio's `SourceFd` (see [Serving many sockets](#serving-many-sockets)) |
//! | run `no_std` code written for `embedded-io` | feature `embedded-io`: [`TcpStream`], [`UnixStream`], [`Socket`] (see [embedded-io](#embedded-io)) |
//! | log addresses, frames and errors on a target without `std` | feature `defmt` |
//! | move code over from socket2 or socketcan | the [`migrating`] page |
//!
//! # Where things are
//!
//! One path per item. The root holds what most programs name: the sockets, their addresses
//! and kinds, the errors every call can return, and the free functions. The rest is in the
//! module of its subject:
//!
//! | where | what |
//! |---|---|
//! | the root | [`Socket`] and the typed sockets ([`TcpListener`], [`TcpStream`], [`UdpSocket`], [`UnixStream`], [`UnixListener`], [`UnixDatagram`], [`UnixSeqpacket`], [`UnixSeqpacketListener`], [`PacketSocket`], [`RawSocket`], [`VsockStream`], [`VsockListener`], [`VsockSeqpacket`], [`VsockSeqpacketListener`], [`VsockDatagram`]); [`create_connection`], [`create_server`], [`ServerOptions`]; Multipath TCP's [`create_connection_mptcp`], [`MptcpMode`], [`MptcpStatus`]; [`Shutdown`], [`SendFlags`], [`RecvFlags`], [`IoSlice`], [`IoSliceMut`]; addresses ([`SockAddr`], [`UnixAddr`], [`LinkAddr`], [`CanAddr`], [`NetlinkAddr`], [`VsockAddr`], [`RawAddr`], [`ToSocketAddrs`], [`Destination`]); [`Family`], [`Type`], [`Protocol`]; [`Error`] and its common groups ([`PartialCause`], [`AddressError`], [`InputError`], [`Errno`]), [`Unsupported`] and [`KernelFeature`], [`FromFdError`], [`FromSocketError`]; [`hostname`], [`interface_index`], [`interface_name`], [`vsock_local_cid`]; [`default_timeout`], [`set_default_timeout`]; option values ([`MulticastInterface`], [`Timestamping`], [`TcpInfo`], [`MptcpInfo`]) |
//! | [`msg`] | control messages and batches: [`msg::ControlBuilder`], [`msg::ControlMessage`], [`msg::Credentials`], [`msg::RecvEntry`], [`msg::SendEntry`], [`msg::cmsg_space`], ... |
//! | [`packet`] | what [`PacketSocket`] takes and gives: memberships, fanout, statistics, the rings ([`packet::RxRing`], [`packet::TxRing`]) and [`packet::RingError`], EtherTypes ([`packet::ether`]) |
//! | [`bpf`] | classic BPF programs and [`bpf::BpfError`] |
//! | [`poll`] | many fds at once: [`poll::Poller`] (epoll), [`poll::Event`], [`poll::Interest`], [`poll::Waker`], [`poll::Timer`], [`poll::PollError`] |
//! | [`reactor`] | async sockets without `std` or a heap: [`reactor::Reactor`], [`reactor::Slots`], [`reactor::Async`], [`reactor::block_on`], [`reactor::join`], [`reactor::join_all`]; `reactor::Executor` (feature `embassy`) |
//! | [`can`] | CAN (feature `can`): frames, [`can::CanSocket`], the broadcast manager, ISO-TP, J1939, [`can::CanInputError`] |
//! | [`netlink`] | netlink without heap (feature `netlink`): [`netlink::NetlinkSocket`], [`netlink::Client`] (ack, request, dump), [`netlink::MessageWriter`], [`netlink::Messages`], [`netlink::Attrs`], [`netlink::ErrorMessage`], [`netlink::uevent`], [`netlink::route`] (rtnetlink: [`netlink::route::Rtnl`]), [`netlink::NetlinkError`] |
//! | [`resolve`] | name resolution (feature `resolve`): [`resolve::Resolver`], [`resolve::lookup`], [`resolve::connect`], [`resolve::ResolveError`] and its parts |
//! | [`migrating`], [`system_calls`] | pages: coming from socket2 or socketcan; every system call the crate makes |
//!
//! # Python's `socket` module, in this crate
//!
//! Every function, constant, method and exception of Python's `socket` reference, and where
//! it is here. Buffers are always the caller's, so Python's `recv_into` forms are the plain
//! calls.
//!
//! | Python | baresock |
//! |---|---|
//! | `socket(family, type, proto)` | [`Socket::new`]; or a typed socket ([`TcpStream`], [`UdpSocket`], ...) |
//! | `socket(fileno=fd)` / `fromfd(fd, family, type, proto)` | [`Socket::from_fd`] / [`Socket::duplicate`] (family, type read from the fd) |
//! | `socketpair(family, type, proto)` | [`Socket::pair`]; [`UnixStream::pair`], [`UnixDatagram::pair`], [`UnixSeqpacket::pair`] |
//! | `create_server(addr, family=, backlog=, reuse_port=, dualstack_ipv6=)` | [`create_server`] with [`ServerOptions`] (`backlog`, `reuse_port`, `dual_stack`; the family is the address's; `mptcp` for an `IPPROTO_MPTCP` server) |
//! | `has_dualstack_ipv6()` | [`create_server`] with `dual_stack: true` fails with an [`Error::Os`] (its errno says why) where there is none |
//! | `create_connection(addr, timeout, source_address)` | [`create_connection`] (addresses); [`resolve::connect`] (a host name) |
//! | `setdefaulttimeout(t)` / `getdefaulttimeout()` | [`set_default_timeout`] / [`default_timeout`] |
//! | `AF_INET`, `AF_INET6`, `AF_UNIX`, `AF_CAN`, `AF_PACKET` | [`Family::INET`], [`Family::INET6`], [`Family::UNIX`], [`Family::CAN`], [`Family::PACKET`] |
//! | `AF_VSOCK`, its `(cid, port)` addresses and `VMADDR_CID_*`; `fcntl.ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID)`; `SO_VM_SOCKETS_*` | [`Family::VSOCK`], [`VsockAddr`] and its `CID_*` constants, the `Vsock*` sockets; [`vsock_local_cid`]; [`Socket::set_vsock_buffer_size`], [`Socket::set_vsock_connect_timeout`], ... |
//! | `SOCK_STREAM`, `SOCK_DGRAM`, `SOCK_RAW`, `SOCK_SEQPACKET` | [`Type::STREAM`], [`Type::DGRAM`], [`Type::RAW`], [`Type::SEQPACKET`] |
//! | `IPPROTO_MPTCP` (`socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)`) | [`Protocol::MPTCP`] with [`Socket::new`] ([`Error::Unsupported`] where the kernel has MPTCP off or none); servers and connections: [`MptcpMode`] |
//! | `SO_REUSEPORT` (`setsockopt(SOL_SOCKET, SO_REUSEPORT, 1)`) | [`Socket::set_reuse_port`]; `reuse_port` of [`ServerOptions`] |
//! | `s.setsockopt(level, name, value)` / `s.getsockopt(level, name)` | a typed setter and getter ([`Socket::set_reuse_address`], [`Socket::set_tcp_nodelay`], ...; `#[doc(alias)]` finds them by their C names); [`Socket::set_option_raw`] / [`Socket::option_raw`] for the rest |
//! | `s.bind(addr)` / `s.listen(backlog)` | [`Socket::bind`] / [`Socket::listen`] |
//! | `s.accept()` | [`Socket::accept`], [`TcpListener::accept`], [`UnixListener::accept`] |
//! | `s.connect(addr)` / `s.connect_ex(addr)` | [`Socket::connect`] (the errno is in [`Error::Os`]) |
//! | `s.send(data)` / `s.sendall(data)` | [`Socket::send`] / [`Socket::send_all`] ([`Error::Partial`] says how much went out) |
//! | `s.sendto(data, addr)` | [`Socket::send_to`], [`UdpSocket::send_to`] |
//! | `s.recv(n)` / `s.recv_into(buf)` | [`Socket::recv`] |
//! | `s.recvfrom(n)` / `s.recvfrom_into(buf)` | [`Socket::recv_from`], [`UdpSocket::recv_from`] |
//! | `s.recv(n, MSG_PEEK)`, other flags | [`Socket::peek`], [`Socket::recv_with`] with [`RecvFlags`]; [`Socket::send_with`] with [`SendFlags`] |
//! | `s.sendmsg(...)` / `s.recvmsg(...)` / `CMSG_SPACE(n)` | [`Socket::send_msg`] / [`Socket::recv_msg`] / [`msg::cmsg_space`] |
//! | `socket.send_fds(...)` / `socket.recv_fds(...)` | [`Socket::send_fds`] / [`Socket::recv_fds`] |
//! | `s.settimeout(t)` / `s.gettimeout()` / `s.setblocking(flag)` | [`Socket::set_timeout`] / [`Socket::timeout`] / [`Socket::set_nonblocking`] (inverted); one direction only: [`Socket::set_read_timeout`] / [`Socket::set_write_timeout`] |
//! | `s.shutdown(how)` / `s.close()`, `with socket(...)` | [`Socket::shutdown`] / dropping the socket |
//! | `s.getsockname()` / `s.getpeername()` | [`Socket::local_addr`] / [`Socket::peer_addr`] |
//! | `s.family`, `s.type`, `s.proto` | [`Socket::family`], [`Socket::socket_type`], [`Socket::protocol`] |
//! | `s.fileno()` / `s.detach()` / `s.dup()` | `AsRawFd::as_raw_fd` (and `AsFd`) / `IntoRawFd::into_raw_fd` / [`Socket::try_clone`] |
//! | `OSError` (`socket.error`) / `TimeoutError` (`socket.timeout`) / `BlockingIOError` | [`Error::Os`] / [`Error::Timeout`] / [`Error::WouldBlock`] |
//! | `gaierror` / `herror` | [`resolve::ResolveError::Lookup`] ([`resolve::LookupErrorKind`]) / [`resolve::ResolveError::Host`] ([`resolve::HostErrorKind`]) |
//! | `getaddrinfo(host, port, family, type, proto, flags)` | [`resolve::lookup`] / [`resolve::Resolver::lookup`] with [`resolve::Hints`] |
//! | `gethostbyname(name)` / `gethostbyname_ex(name)` | [`resolve::lookup`] with `family: Some(Family::INET)` (and `canonical_name: true`) in [`resolve::Hints`] |
//! | `gethostbyaddr(ip)` | [`resolve::lookup_addr`] / [`resolve::Resolver::lookup_addr`] |
//! | `getnameinfo((host, port), flags)` | [`resolve::Resolver::name_info`] with [`resolve::NameInfoFlags`] |
//! | `getservbyname(name, proto)` / `getservbyport(port, proto)` | [`resolve::Resolver::service_port`] / [`resolve::Resolver::service_name`] |
//! | `if_nametoindex(name)` / `if_indextoname(index)` | [`interface_index`] / [`interface_name`] |
//! | `gethostname()` | [`hostname`] (from `uname(2)`; a [`Hostname`] on the stack, `as_str()` / `as_bytes()`) |
//!
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `std` | yes | `std::io::Read`/`Write` on streams; conversions with `std::net` and `std::os::unix::net`; `Error` ⇄ `std::io::Error`; `Path` helpers on [`UnixAddr`]. The socket path stays libc-free. |
//! | `can` | yes | the [`can`] module (CAN frames, raw CAN, BCM, ISO-TP, J1939 sockets) and [`Error::Can`]. Without it, [`CanAddr`] and [`SockAddr::Can`] stay: an address the kernel hands back is still decoded. |
//! | `resolve` | yes | the [`resolve`] module (hosts and services files, resolv.conf, DNS over UDP and TCP, Happy Eyeballs) and [`Error::Resolve`] |
//! | `defmt` | no | `defmt::Format` on the public value types |
//! | `embedded-io` | no | [`embedded-io`](https://docs.rs/embedded-io/0.7) 0.7's `Read`, `Write`, `ReadReady`, `WriteReady` on [`TcpStream`], [`UnixStream`] and [`Socket`] (and on `&` of each), and `embedded_io::Error` on [`Error`]; with or without `std` (see [below](#embedded-io)) |
//! | `embedded-io-async` | no | [`embedded-io-async`](https://docs.rs/embedded-io-async/0.7) 0.7's `Read` and `Write` on the [`reactor`]'s async TCP and Unix streams (and on `&` of each); turns on `embedded-io` |
//! | `embassy` | no | `reactor::Executor`: [`embassy-executor`](https://docs.rs/embassy-executor/0.10) 0.10 tasks driven by the [`reactor`]; the crate exports embassy's `__pender`, so enable no embassy `platform-*` feature with it |
//!
//! Without `std` the crate is `#![no_std]` and needs no `alloc`, with or without `can` and
//! `resolve`.
//!
//! # System calls
//!
//! Every system call the crate makes goes through one function of its own, the same direct
//! calls on every architecture (no `socketcall` on 32-bit x86). The [`system_calls`] module
//! (docs/syscalls.md) lists them all, with the API that makes each and its feature: the set a
//! seccomp filter must allow, and all an strace shows of the crate.
//!
//! # embedded-io
//!
//! With the `embedded-io` feature, `no_std` code written against
//! [`embedded-io`](https://docs.rs/embedded-io/0.7)'s traits (protocol clients, codecs,
//! `embedded-io-adapters`) runs over a Linux socket:
//!
//! ```
//! # #[cfg(feature = "embedded-io")] {
//! use embedded_io::{Read, Write};
//!
//! /// Generic code, written for any embedded-io stream.
//! fn greet<S: Read + Write>(s: &mut S) -> Result<usize, S::Error> {
//!     s.write_all(b"hello")?;
//!     let mut buf = [0u8; 5];
//!     s.read(&mut buf)
//! }
//!
//! let (mut a, b) = baresock::UnixStream::pair()?;
//! b.send_all(b"olleh")?;
//! assert_eq!(greet(&mut a)?, 5);
//! # }
//! # Ok::<(), baresock::Error>(())
//! ```
//!
//! The traits are blocking by contract, which a socket in blocking or deadline mode keeps
//! (see [`Socket#timeouts`]): a deadline that passes is `ErrorKind::TimedOut`. Errnos keep
//! their meaning (`ECONNREFUSED` is `ConnectionRefused`, `EPIPE` `BrokenPipe`, ...), and
//! [`Error::Partial`] has its cause's kind. A socket in non-blocking mode is outside the
//! contract: its [`Error::WouldBlock`] is `ErrorKind::Other`; ask `ReadReady`/`WriteReady`
//! first, which poll without waiting. `embedded-io-async`'s traits are on the crate's own
//! reactor's streams (feature `embedded-io-async`, [`reactor::Async`]); with another async
//! runtime, register the socket with the runtime's reactor instead (the `tokio_echo`,
//! `mio_echo` and `can_async` examples).
//!
//! # `no_std`
//!
//! With `default-features = false` the crate is `#![no_std]`, needs no allocator and links no
//! libc: a static binary for `x86_64-unknown-linux-none` builds with it. The repository's
//! `examples/nostd-echo` is such a program (its own `_start`, a panic handler, a UDP echo);
//! its `.cargo/config.toml` holds the flags (core built from source, linked by rust-lld alone,
//! static), and the CI builds and runs it exactly as a user would:
//!
//! ```sh
//! rustup component add rust-src --toolchain nightly
//! cd examples/nostd-echo
//! cargo +nightly build --release --target x86_64-unknown-linux-none
//! ./target/x86_64-unknown-linux-none/release/nostd-echo 7000 3   # echoes 3 datagrams on port 7000
//! ```
//!
//! The same flags build it for `x86_64-unknown-linux-musl` and the other architectures'
//! musl targets (a target with its own libc is told not to link it).
//! Everything but the `std` conversions is there; errors, addresses and buffers are plain
//! values, so code like this compiles the same in a `#![no_std]` crate:
//!
//! ```toml
//! [dependencies]
//! baresock = { version = "0.1", default-features = false }
//! ```
//!
//! ```
//! use baresock::{Error, UdpSocket};
//! use core::net::{Ipv4Addr, SocketAddr};
//! use core::time::Duration;
//!
//! /// One request, one answer, in buffers the caller owns; nothing here needs `std`.
//! fn ask(server: SocketAddr, query: &[u8], answer: &mut [u8]) -> Result<usize, Error> {
//!     let socket = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
//!     socket.set_timeout(Some(Duration::from_secs(1)))?;
//!     socket.send_to(query, server)?;
//!     let (n, _from) = socket.recv_from(answer)?;
//!     Ok(n)
//! }
//! # let echo = UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
//! # let server = echo.local_addr()?;
//! # let t = std::thread::spawn(move || {
//! #     let mut b = [0u8; 64];
//! #     let (n, from) = echo.recv_from(&mut b).unwrap();
//! #     echo.send_to(&b[..n], from).unwrap();
//! # });
//! let mut answer = [0u8; 64];
//! let n = ask(server, b"ping", &mut answer)?;
//! assert_eq!(&answer[..n], b"ping");
//! # t.join().unwrap();
//! # Ok::<(), Error>(())
//! ```
//!
//! The program brings its own entry point and panic handler, as any `no_std` binary does.
//!
//! # What an strace shows
//!
//! - `send` and `recv` are `sendto` and `recvfrom` with a null address of length 0, as in
//!   libc; `recv` is never `read(2)` (which the kernel serves through the VFS, 20-40 ns slower
//!   per call on the machines measured).
//! - A socket's fd is closed by a plain `close(2)` when it is dropped.
//! - On 32-bit x86 the calls use `int 0x80` (not the vDSO's `__kernel_vsyscall`) and the
//!   socket calls' own numbers (not `socketcall`).
//!
//! # Serving many sockets
//!
//! One thread can serve thousands of sockets, in three ways, from the barest to the most
//! familiar; the first two need no `std`, no heap and no libc.
//!
//! - **The poller** ([`poll::Poller`], epoll): register each socket with a key and an
//!   [`Interest`](poll::Interest), wait into a slice of [`poll::Event`]s you own, and
//!   serve what is ready. Level- or edge-triggered, one-shot; a [`poll::Waker`] ends a wait
//!   from another thread or a signal handler, a [`poll::Timer`] is a timer fd. The
//!   `poll_echo` example serves many TCP clients this way.
//! - **Async without `std`** ([`reactor`]): a [`reactor::Reactor`] over the poller, with its
//!   wakers in storage you size ([`reactor::Slots`]), and [`reactor::Async`] sockets whose
//!   calls are futures (accept, connect under a deadline, read and write, send_to and
//!   recv_from, CAN and packet receive; `embedded-io-async` with the feature of that name).
//!   Run one future with [`reactor::block_on`] (join many on fixed arrays), or many tasks on
//!   `embassy-executor` with the `embassy` feature (`reactor::Executor`).
//!   `examples/nostd-echo`'s `async-echo` is a static `#![no_std]` TCP echo server serving a
//!   thousand clients at once, a task each.
//! - **A `std` runtime**: a socket here is an fd with `AsFd`/`AsRawFd`, so tokio's `AsyncFd`
//!   or mio's `SourceFd` drive it like their own (put it in non-blocking mode with
//!   [`Socket::set_nonblocking`]; on readiness the usual methods return
//!   [`Error::WouldBlock`] when the kernel has nothing more). The `tokio_echo`, `mio_echo` and
//!   `can_async` examples do it end to end. That brings libc back: it is the way to fit
//!   into a program that already has such a runtime.
//!
//! `cargo xtask test` runs each example; `cargo xtask bench` compares the poller and the
//! reactor with mio and tokio on echo round trips (BENCHMARKS.md).
//!
//! ```ignore
//! let listener = baresock::TcpListener::bind(addr)?;
//! listener.set_nonblocking(true)?;
//! let listener = tokio::io::unix::AsyncFd::new(listener)?;
//! let (stream, peer) = listener
//!     .async_io(tokio::io::Interest::READABLE, |l| Ok(l.accept()?))
//!     .await?;
//! ```
//!
//! # defmt
//!
//! With the `defmt` feature every public value type (addresses, frames, errors, flags,
//! options, resolver values) is `defmt::Format`, checked at compile time; handles (sockets,
//! rings, the resolver) and iterators are not. The `defmt_log` example encodes them with an
//! in-memory logger and checks the frames.
//!
//! # Guarantees
//!
//! - **No allocation**, anywhere: buffers are the caller's, addresses and errors are `Copy`
//!   values on the stack.
//! - **No panics on input**: bad input is a named [`Error`] variant; a datagram larger than the
//!   buffer is [`Error::Truncated`] with its true length, never cut silently.
//! - **No libc** in the socket path; every fd is `CLOEXEC`; signals never surface as `EINTR`.
//! - `unsafe` lives in one private module, each block with its `SAFETY` argument.
//!
//! # Kernel versions
//!
#![doc = include_str!("kernel_versions.md")]
#![no_std]
// docs.rs (`[package.metadata.docs.rs]` in Cargo.toml) marks every item that needs a feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
// The crate's lints (`unsafe_code` outside `sys`, `missing_docs`, undocumented unsafe blocks)
// are in Cargo.toml's `[lints]` table.

// The unit tests use std (threads, vectors) even where the library is `no_std`: a test
// binary links it anyway. The library's own code is checked without it by the `no_std` builds.
#[cfg(any(feature = "std", test))]
extern crate std;

#[macro_use]
mod refs;

mod addr;
pub mod bpf;
#[cfg(feature = "can")]
pub mod can;
#[cfg(feature = "embedded-io")]
mod embedded_io_impls;
mod error;
mod hostname;
mod mptcp_info;
pub mod msg;
mod name;
mod net;
#[cfg(feature = "netlink")]
pub mod netlink;
mod options;
pub mod packet;
pub mod poll;
pub mod reactor;
#[cfg(feature = "resolve")]
pub mod resolve;
mod socket;
#[cfg(feature = "std")]
mod std_impls;
mod sys;
mod tcp_info;
mod time;
mod types;

pub use addr::{
    CanAddr, Destination, LinkAddr, NetlinkAddr, RawAddr, SockAddr, ToSocketAddrs, UnixAddr,
    UnixAddrKind, VsockAddr, RAW_ADDR_MAX, UNIX_PATH_MAX,
};
pub use error::{
    AddressError, Errno, Error, InputError, KernelFeature, PartialCause, Result, Unsupported,
};
pub use hostname::{hostname, Hostname, HOSTNAME_MAX};
pub use mptcp_info::MptcpInfo;
pub use name::{ShortName, SHORT_NAME_MAX};
pub use net::{
    create_connection, create_connection_mptcp, create_server, interface_index, interface_name,
    FromSocketError, MptcpMode, MptcpStatus, PacketSocket, RawSocket, ServerOptions, TcpListener,
    TcpStream, UdpSocket, UnixDatagram, UnixListener, UnixSeqpacket, UnixSeqpacketListener,
    UnixStream,
};
pub use net::{
    vsock_local_cid, VsockDatagram, VsockListener, VsockSeqpacket, VsockSeqpacketListener,
    VsockStream,
};
pub use options::{MulticastInterface, Timestamping};
pub use rustix::io::{IoSlice, IoSliceMut};
pub use socket::{FromFdError, RecvFlags, SendFlags, Shutdown, Socket};
pub use tcp_info::TcpInfo;
pub use time::{default_timeout, set_default_timeout};
pub use types::{Family, Protocol, Type};

// Crate-internal short paths for items whose one public path is a module's (`msg`, `packet`,
// `can`, `resolve`): the crate's own code and its docs' links (`crate::CanFrame`) name them at
// the root, as before the move. Private: none of these is a public path.
#[cfg(feature = "resolve")]
#[allow(unused_imports)]
use error::{
    HostError, HostErrorKind, LookupCause, LookupError, LookupErrorKind, NameError, ResolveError,
};
#[allow(unused_imports)]
use {
    addr::{ether, PacketType, J1939_NO_ADDR, J1939_NO_NAME},
    error::RingError,
    msg::{cmsg_space, ControlBuilder, ControlMessage, Credentials, RecvMsg, Timestamp},
    net::{
        Fanout, FanoutFlags, FanoutMode, Frame, Membership, PacketKind, PacketStats, RingConfig,
        RxRing, TxRing, TxRingConfig,
    },
};
#[cfg(feature = "can")]
#[allow(unused_imports)]
use {
    can::{CanAnyFrame, CanError, CanFdFrame, CanFilter, CanFrame, CanId, CanSocket, J1939_NO_PGN},
    error::{CanInputError, J1939Name},
};

// The guide's examples use CAN and the resolver: with either feature off, its page is a stub
// (and its doctests are not built).
#[cfg_attr(
    all(feature = "can", feature = "resolve"),
    doc = include_str!("../docs/migrating.md")
)]
#[cfg_attr(
    not(all(feature = "can", feature = "resolve")),
    doc = "Coming from socket2 or socketcan: this guide's examples need the `can` and `resolve` \
           features (both on by default); build the documentation with them to read it."
)]
pub mod migrating {}

#[doc = include_str!("../docs/syscalls.md")]
pub mod system_calls {}

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// Every public value type is `defmt::Format` (feature `defmt`): checked at compile time, so a
/// new type without it fails the build. Handles (sockets, rings, the resolver), borrowed views
/// and iterators over caller buffers are left out.
#[cfg(feature = "defmt")]
const _: () = {
    const fn format<T: defmt::Format + ?Sized>() {}
    // Addresses and names.
    format::<SockAddr>();
    format::<UnixAddr>();
    format::<UnixAddrKind<'static>>();
    format::<LinkAddr>();
    format::<RawAddr>();
    format::<packet::PacketType>();
    format::<CanAddr>();
    format::<NetlinkAddr>();
    format::<VsockAddr>();
    format::<ShortName>();
    format::<Hostname>();
    // Kinds, flags and options.
    format::<Family>();
    format::<Type>();
    format::<Protocol>();
    format::<Shutdown>();
    format::<SendFlags>();
    format::<RecvFlags>();
    format::<ServerOptions>();
    format::<MulticastInterface>();
    format::<Timestamping>();
    format::<TcpInfo>();
    format::<MptcpInfo>();
    format::<MptcpMode>();
    format::<MptcpStatus>();
    format::<msg::Credentials>();
    format::<msg::Timestamp>();
    format::<msg::ControlMessage<'static>>();
    format::<msg::RecvMsg<'static>>();
    // Errors.
    format::<Error>();
    format::<PartialCause>();
    format::<Unsupported>();
    format::<KernelFeature>();
    format::<AddressError>();
    format::<InputError>();
    format::<FromFdError>();
    format::<packet::RingError>();
    format::<bpf::BpfError>();
    format::<poll::PollError>();
    #[cfg(feature = "netlink")]
    {
        format::<netlink::NetlinkError>();
        format::<netlink::NetlinkProtocol>();
        format::<netlink::MessageFlags>();
        format::<netlink::uevent::Action<'static>>();
    }
    format::<poll::Interest>();
    format::<poll::Event>();
    // Packet sockets and rings.
    format::<packet::PacketKind>();
    format::<packet::Membership<'static>>();
    format::<packet::FanoutMode>();
    format::<packet::FanoutFlags>();
    format::<packet::Fanout>();
    format::<packet::PacketStats>();
    format::<packet::RingConfig>();
    format::<packet::TxRingConfig>();
    format::<packet::Frame<'static>>();
    format::<bpf::Insn>();
    format::<bpf::Size>();
    format::<bpf::AluOp>();
    format::<bpf::Program<'static>>();
    #[cfg(feature = "can")]
    {
        // CAN.
        format::<can::CanInputError>();
        format::<can::J1939Name>();
        format::<can::CanId>();
        format::<can::CanFrame>();
        format::<can::CanFdFrame>();
        format::<can::CanXlFrame>();
        format::<can::CanAnyFrame>();
        format::<can::CanError>();
        format::<can::CanErrorClass>();
        format::<can::CanControllerState>();
        format::<can::CanFilter>();
        format::<can::CanRecv<'static>>();
        format::<can::BcmOpcode>();
        format::<can::BcmFlags>();
        format::<can::BcmFrames<'static>>();
        format::<can::BcmHead>();
        format::<can::BcmMessage<'static>>();
        format::<can::IsoTpFlags>();
        format::<can::IsoTpOptions>();
        format::<can::FlowControl>();
        format::<can::LinkLayer>();
        format::<can::J1939Filter>();
        format::<can::J1939Party>();
        format::<can::J1939Meta>();
    }
    #[cfg(feature = "resolve")]
    {
        // Name resolution.
        format::<resolve::ResolveError>();
        format::<resolve::LookupError>();
        format::<resolve::LookupErrorKind>();
        format::<resolve::HostError>();
        format::<resolve::HostErrorKind>();
        format::<resolve::LookupCause>();
        format::<resolve::NameError>();
        format::<resolve::WireError>();
        format::<resolve::Hints>();
        format::<resolve::AddrInfo>();
        format::<resolve::Lookup>();
        format::<resolve::NameInfoFlags>();
        format::<resolve::NameInfo>();
        format::<resolve::Paths<'static>>();
        format::<resolve::ResolvConf>();
        format::<resolve::DomainName>();
        format::<resolve::Service>();
        format::<resolve::ServiceName>();
        format::<resolve::__private::hosts::Entry<'static>>();
        format::<resolve::__private::services::Entry<'static>>();
        format::<resolve::__private::wire::Message<'static>>();
        format::<resolve::__private::wire::RecordType>();
        format::<resolve::__private::wire::Class>();
        format::<resolve::__private::wire::Rcode>();
        format::<resolve::__private::wire::Opcode>();
        format::<resolve::__private::wire::Header>();
        format::<resolve::__private::wire::NameRef<'static>>();
        format::<resolve::__private::wire::Question<'static>>();
        format::<resolve::__private::wire::Record<'static>>();
        format::<resolve::__private::wire::RecordData<'static>>();
        format::<resolve::__private::wire::Edns<'static>>();
    }
};
