//! The tour: the reference examples of Python's `socket` module, in baresock, end to end on
//! loopback. Run it with `cargo run --example tour`.

use std::net::SocketAddr;
use std::os::fd::OwnedFd;
use std::thread;
use std::time::{Duration, Instant};

use baresock::{
    create_connection, create_server, default_timeout, set_default_timeout, Errno, Error, Family,
    Protocol, ServerOptions, Socket, Type, UdpSocket, UnixStream, VsockAddr, VsockListener,
    VsockStream,
};

fn main() -> Result<(), Error> {
    println!("baresock tour: Python's socket examples, without libc or a heap\n");
    tcp_server()?;
    multipath_tcp()?;
    socketpair()?;
    udp_datagram()?;
    wrap_an_fd()?;
    an_error()?;
    timeouts()?;
    vsock_echo()?;
    println!("\ntour complete");
    Ok(())
}

/// `socket.create_server(('127.0.0.1', 0), backlog=5)` and a client.
fn tcp_server() -> Result<(), Error> {
    println!("== TCP server with create_server()");
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("a literal address");
    let server = create_server(
        addr,
        ServerOptions {
            backlog: Some(5),
            ..Default::default()
        },
    )?;
    let addr = server.local_addr()?;
    println!("Server listening on {addr}");

    let client = thread::spawn(move || -> Result<Vec<u8>, Error> {
        let conn = create_connection(addr, Some(Duration::from_secs(5)), None)?;
        conn.send_all(b"Hello client")?;
        let mut buf = [0u8; 1024];
        let n = conn.recv(&mut buf)?;
        Ok(buf[..n].to_vec())
    });

    let (conn, peer) = server.accept()?;
    println!("Connection from {peer}");
    let mut buf = [0u8; 1024];
    let n = conn.recv(&mut buf)?;
    println!("Received: {:?}", String::from_utf8_lossy(&buf[..n]));
    conn.send_all(b"Hello from server")?;
    let reply = client.join().expect("the client thread")?;
    println!("Client got: {:?}\n", String::from_utf8_lossy(&reply));
    Ok(())
}

/// Multipath TCP: `socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)` for a server and a client,
/// `MPTCP_INFO`, a plain TCP client that makes the server fall back, and what `Prefer` does
/// where the kernel has MPTCP off (`net.mptcp.enabled=0`) or none.
fn multipath_tcp() -> Result<(), Error> {
    use baresock::{MptcpMode, MptcpStatus, TcpStream};
    println!("== Multipath TCP");
    let addr: SocketAddr = "127.0.0.1:0".parse().expect("a literal address");
    // Prefer: MPTCP where the kernel has it, plain TCP where it refuses (Require: the error).
    let opts = ServerOptions {
        mptcp: MptcpMode::Prefer,
        ..Default::default()
    };
    let server = create_server(addr, opts)?;
    let addr = server.local_addr()?;
    match server.mptcp_status()? {
        MptcpStatus::Unavailable => {
            // Where MPTCP is off or missing, Prefer gave a plain TCP server, and says so;
            // Require would have failed with the named error:
            let e = create_server(
                addr,
                ServerOptions {
                    mptcp: MptcpMode::Require,
                    ..Default::default()
                },
            )
            .expect_err("the kernel refuses MPTCP");
            println!("MPTCP unavailable, serving plain TCP on {addr} ({e})\n");
            return Ok(());
        }
        status => println!("Server on {addr}: {status:?}"),
    }

    let client = TcpStream::connect_mptcp(addr, MptcpMode::Prefer)?;
    let (conn, peer) = server.accept()?;
    client.send_all(b"Hello over MPTCP")?;
    let mut buf = [0u8; 64];
    let n = conn.recv(&mut buf)?;
    println!(
        "From {peer}: {:?}, status {:?}",
        String::from_utf8_lossy(&buf[..n]),
        conn.mptcp_status()?
    );
    match client.mptcp_info() {
        Ok(info) => println!(
            "MPTCP_INFO: {} subflow(s) in all, {} extra, {:?} bytes sent",
            info.subflows_total.unwrap_or(1),
            info.subflows,
            info.bytes_sent
        ),
        // Kernels before 5.16 have no MPTCP_INFO; qemu-user does not pass SOL_MPTCP on.
        Err(e) => println!("MPTCP_INFO: {e}"),
    }

    // A plain TCP client: the server's side of it fell back, and says so.
    let plain = create_connection(addr, Some(Duration::from_secs(5)), None)?;
    let (conn, _) = server.accept()?;
    println!(
        "A plain TCP client: client {:?}, server side {:?}\n",
        plain.mptcp_status()?,
        conn.mptcp_status()?
    );
    Ok(())
}

/// `client, server = socket.socketpair()`.
fn socketpair() -> Result<(), Error> {
    println!("== socketpair()");
    let (client, server) = UnixStream::pair()?;
    client.send(b"Hello from the other end!")?;
    let mut buf = [0u8; 1024];
    let n = server.recv(&mut buf)?;
    println!(
        "Server received: {:?}\n",
        String::from_utf8_lossy(&buf[..n])
    );
    Ok(())
}

/// A UDP socket bound to loopback: receive a datagram, acknowledge it to its sender.
fn udp_datagram() -> Result<(), Error> {
    println!("== UDP datagram socket");
    let any: SocketAddr = "127.0.0.1:0".parse().expect("a literal address");
    let sock = UdpSocket::bind(any)?;
    let peer = UdpSocket::bind(any)?;
    peer.send_to(b"Test message", sock.local_addr()?)?;

    let mut buf = [0u8; 1024];
    let (n, from) = sock.recv_from(&mut buf)?;
    println!(
        "Received from {from}: {:?}",
        String::from_utf8_lossy(&buf[..n])
    );
    let mut reply = [0u8; 1024];
    let ack = b"Ack: ";
    reply[..ack.len()].copy_from_slice(ack);
    reply[ack.len()..ack.len() + n].copy_from_slice(&buf[..n]);
    sock.send_to(&reply[..ack.len() + n], from)?;
    let (n, _) = peer.recv_from(&mut buf)?;
    println!("Sender got: {:?}", String::from_utf8_lossy(&buf[..n]));

    // A datagram larger than the buffer is reported with its true length, never cut silently.
    peer.send_to(&[0u8; 1500], sock.local_addr()?)?;
    match sock.recv_from(&mut buf[..512]) {
        Err(e @ Error::Truncated { .. }) => println!("A 1500-byte datagram into 512 bytes: {e}\n"),
        other => println!("unexpected: {other:?}\n"),
    }
    Ok(())
}

/// `socket.socket(fileno=fd)`: wrap an fd made elsewhere; family and type are read from it.
fn wrap_an_fd() -> Result<(), Error> {
    println!("== Wrapping an fd (Python's socket(fileno=...) / fromfd)");
    let std_sock = std::net::UdpSocket::bind("127.0.0.1:0").map_err(Error::from)?;
    let sock = Socket::from_fd(OwnedFd::from(std_sock))?;
    println!(
        "fd from std::net::UdpSocket: family {:?}, type {:?}, protocol {:?}, bound to {}",
        sock.family()?,
        sock.socket_type()?,
        sock.protocol()?,
        sock.local_addr()?
    );
    let file = std::fs::File::open("/dev/null").map_err(Error::from)?;
    match Socket::from_fd(OwnedFd::from(file)) {
        Err(e) => println!(
            "/dev/null is refused: {} (and its fd is handed back: {:?})\n",
            e.error, e.fd
        ),
        Ok(s) => println!("unexpected: {s:?}\n"),
    }
    Ok(())
}

/// What failing looks like: named errors, with the errno's name.
fn an_error() -> Result<(), Error> {
    println!("== Errors");
    let closed: SocketAddr = "127.0.0.1:1".parse().expect("a literal address");
    match create_connection(closed, None, None) {
        Err(e @ Error::Os(Errno::CONNREFUSED)) => println!("connect to {closed}: {e}"),
        other => println!("unexpected: {other:?}"),
    }
    let s = Socket::new(Family::INET, Type::DGRAM, Protocol::DEFAULT)?;
    let v6: SocketAddr = "[::1]:9".parse().expect("a literal address");
    if let Err(e) = s.send_to(b"x", v6) {
        println!("IPv6 address to an IPv4 socket: {e}");
    }
    if let Err(e) = baresock::UnixAddr::new(&[b'a'; 120]) {
        println!("a 120-byte Unix path: {e}\n");
    }
    Ok(())
}

/// Python's timeout model: per socket, and a process-wide default.
fn timeouts() -> Result<(), Error> {
    println!("== Timeouts");
    let (a, _b) = UnixStream::pair()?;
    a.set_timeout(Some(Duration::from_millis(200)))?;
    let start = Instant::now();
    let mut buf = [0u8; 16];
    match a.recv(&mut buf) {
        Err(Error::Timeout) => println!(
            "recv with nothing to read timed out after {:?}",
            start.elapsed()
        ),
        other => println!("unexpected: {other:?}"),
    }
    a.set_nonblocking(true)?;
    match a.recv(&mut buf) {
        Err(e @ Error::WouldBlock) => println!("the same in non-blocking mode: {e}"),
        other => println!("unexpected: {other:?}"),
    }

    set_default_timeout(Some(Duration::from_millis(100)));
    let (c, _d) = UnixStream::pair()?;
    println!(
        "default timeout {:?}: a new socket starts with {:?}",
        default_timeout(),
        c.timeout()
    );
    let start = Instant::now();
    if let Err(e) = c.recv(&mut buf) {
        println!("and its recv gives up after {:?}: {e}", start.elapsed());
    }
    set_default_timeout(None);
    Ok(())
}

/// `socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM)`: a stream echo over the kernel's
/// local vsock transport (`vsock_loopback`, context id 1), where it is loaded; in a guest the
/// same code talks to the host at `VsockAddr::CID_HOST`.
fn vsock_echo() -> Result<(), Error> {
    println!("\n== vsock stream echo (AF_VSOCK, local transport)");
    let local = VsockAddr::new(VsockAddr::CID_LOCAL, VsockAddr::PORT_ANY);
    let listener = match VsockListener::bind(local) {
        Ok(l) => l,
        Err(e) => {
            let why = match e.errno() {
                Some(Errno::ADDRNOTAVAIL) => "no vsock loopback transport (EADDRNOTAVAIL)",
                Some(Errno::AFNOSUPPORT) => "no AF_VSOCK in this kernel (EAFNOSUPPORT)",
                _ => return Err(e),
            };
            println!("skipped: {why}");
            return Ok(());
        }
    };
    let addr = listener.local_addr()?;
    println!("Listening on {addr}");
    let server = thread::spawn(move || -> Result<(), Error> {
        let (conn, peer) = listener.accept()?;
        println!("Connection from {peer}");
        let mut buf = [0u8; 1024];
        let n = conn.recv(&mut buf)?;
        conn.send_all(&buf[..n])?;
        Ok(())
    });
    let client = VsockStream::connect(addr)?;
    client.send_all(b"Hello over vsock")?;
    let mut buf = [0u8; 1024];
    let n = client.recv(&mut buf)?;
    println!("Echoed: {:?}", String::from_utf8_lossy(&buf[..n]));
    server.join().expect("the server thread")?;
    match baresock::vsock_local_cid() {
        Ok(Some(cid)) => println!("this machine's context id: {cid}"),
        Ok(None) => println!("this machine's context id: none (no guest or host transport)"),
        Err(e) => println!("this machine's context id: {e}"),
    }
    Ok(())
}
