//! Batches: send_mmsg / recv_mmsg, 64 datagrams each way, with per-message addresses and
//! lengths.

mod common;

use baresock::AddressError;
use std::net::SocketAddr;
use std::time::Duration;

use baresock::msg::*;
use baresock::*;
use common::*;

#[test]
fn sixty_four_datagrams_each_way() {
    let a = UdpSocket::bind(v4_any_port()).unwrap();
    let b = UdpSocket::bind(v4_any_port()).unwrap();
    let (aa, ba) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    a.as_socket().set_recv_buffer_size(1 << 20).unwrap();
    b.as_socket().set_recv_buffer_size(1 << 20).unwrap();
    for (from, to, to_addr, from_addr) in [(&a, &b, ba, aa), (&b, &a, aa, ba)] {
        // Datagram i is i+1 bytes of the value i.
        let payloads: Vec<Vec<u8>> = (0..64u8).map(|i| vec![i; i as usize + 1]).collect();
        let mut entries: Vec<SendEntry<'_>> = payloads
            .iter()
            .map(|p| SendEntry::new(p).to(to_addr))
            .collect();
        assert_eq!(
            from.as_socket()
                .send_mmsg(&mut entries, SendFlags::empty())
                .unwrap(),
            64
        );
        for (e, p) in entries.iter().zip(&payloads) {
            assert_eq!(e.sent(), p.len());
        }

        to.set_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut storage = vec![[0u8; 128]; 64];
        let mut got = 0;
        while got < 64 {
            let mut entries: Vec<RecvEntry<'_>> = storage[got..]
                .iter_mut()
                .map(|b| RecvEntry::new(&mut b[..]))
                .collect();
            let n = to
                .as_socket()
                .recv_mmsg(&mut entries, RecvFlags::empty())
                .unwrap();
            assert!(n > 0 && n <= MMSG_MAX);
            for (i, e) in entries.iter().take(n).enumerate() {
                let k = got + i;
                assert_eq!(e.data(), &payloads[k][..], "datagram {k}");
                assert_eq!(e.addr(), Some(&SockAddr::from(from_addr)));
                assert_eq!(e.truncated(), None);
            }
            got += n;
        }
    }
}

#[test]
fn batch_truncation_and_timeouts() {
    let a = UdpSocket::bind(v4_any_port()).unwrap();
    let b = UdpSocket::bind(v4_any_port()).unwrap();
    let big = [7u8; 200];
    let mut out = [
        SendEntry::new(&big).to(b.local_addr().unwrap()),
        SendEntry::new(b"ok").to(b.local_addr().unwrap()),
    ];
    assert_eq!(
        a.as_socket()
            .send_mmsg(&mut out, SendFlags::empty())
            .unwrap(),
        2
    );
    let (mut x, mut y) = ([0u8; 16], [0u8; 16]);
    let mut entries = [RecvEntry::new(&mut x), RecvEntry::new(&mut y)];
    b.set_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut n = b
        .as_socket()
        .recv_mmsg(&mut entries, RecvFlags::empty())
        .unwrap();
    if n == 1 {
        // The second had not arrived yet when the first was taken.
        n += b
            .as_socket()
            .recv_mmsg(&mut entries[1..], RecvFlags::empty())
            .unwrap();
    }
    assert_eq!(n, 2);
    assert_eq!(entries[0].truncated(), Some(200), "its true length");
    assert_eq!(entries[0].bytes(), 16);
    assert_eq!(entries[1].data(), b"ok");

    // Nothing queued: the deadline holds for the first message.
    b.set_timeout(Some(Duration::from_millis(50))).unwrap();
    let mut z = [0u8; 4];
    let mut entries = [RecvEntry::new(&mut z)];
    let start = std::time::Instant::now();
    assert_eq!(
        b.as_socket()
            .recv_mmsg(&mut entries, RecvFlags::empty())
            .unwrap_err(),
        Error::Timeout
    );
    assert!(start.elapsed() >= Duration::from_millis(50));

    // An address of the wrong family is refused before anything is sent.
    let v6: SockAddr = "[::1]:9".parse().unwrap();
    let mut bad = [SendEntry::new(b"x").to(v6)];
    assert_eq!(
        a.as_socket()
            .send_mmsg(&mut bad, SendFlags::empty())
            .unwrap_err(),
        Error::Address(AddressError::BatchFamilyMismatch {
            index: 0,
            socket: Family::INET,
            addr: Family::INET6
        })
    );
}

#[test]
fn batch_control_messages() {
    let a = UdpSocket::bind(v4_any_port()).unwrap();
    let b = UdpSocket::bind(v4_any_port()).unwrap();
    b.as_socket().set_recv_ttl_v4(true).unwrap();
    let mut space = [0u8; cmsg_space(4)];
    let mut c = ControlBuilder::new(&mut space);
    c.ttl(33).unwrap();
    let control = c.as_bytes();
    let mut out = [SendEntry::new(b"t")
        .to(b.local_addr().unwrap())
        .with_control(control)];
    qemu_gap!(a.as_socket().send_mmsg(&mut out, SendFlags::empty())).unwrap();
    let mut data = [0u8; 4];
    let mut ctl = [0u8; 64];
    let mut entries = [RecvEntry::new(&mut data).with_control(&mut ctl)];
    assert_eq!(
        b.as_socket()
            .recv_mmsg(&mut entries, RecvFlags::empty())
            .unwrap(),
        1
    );
    let ttl: Vec<_> = entries[0]
        .control()
        .filter_map(|c| match c {
            ControlMessage::Ttl(t) => Some(t),
            _ => None,
        })
        .collect();
    assert_eq!(ttl, vec![33]);
}

/// Issue 17, item 9: one entry of another family (an IPv6 destination on an IPv4 socket,
/// entry 50 of 100) used to stop the whole batch before anything was sent, without saying
/// which entry. The entries before it go out and their count comes back; a batch that starts
/// with the bad entry fails with an error naming it.
#[test]
fn a_bad_destination_sends_what_comes_before_it() {
    let tx = UdpSocket::bind(v4_any_port()).unwrap();
    let rx = UdpSocket::bind(v4_any_port()).unwrap();
    rx.as_socket().set_recv_buffer_size(1 << 20).unwrap();
    rx.set_timeout(Some(Duration::from_secs(10))).unwrap();
    let to = rx.local_addr().unwrap();
    let v6: SocketAddr = "[::1]:9".parse().unwrap();
    let payloads: Vec<[u8; 2]> = (0..100u16).map(|i| i.to_be_bytes()).collect();
    let mut entries: Vec<SendEntry<'_>> = payloads
        .iter()
        .enumerate()
        .map(|(i, p)| SendEntry::new(p).to(if i == 50 { v6 } else { to }))
        .collect();

    let sent = tx
        .as_socket()
        .send_mmsg(&mut entries, SendFlags::empty())
        .unwrap();
    assert_eq!(sent, 50, "the 50 entries before the bad one");
    assert!(entries[..50].iter().all(|e| e.sent() == 2));
    assert!(entries[50..].iter().all(|e| e.sent() == 0));

    let mut storage = vec![[0u8; 8]; 50];
    let mut got = 0;
    while got < 50 {
        let mut slots: Vec<RecvEntry<'_>> = storage[got..]
            .iter_mut()
            .map(|b| RecvEntry::new(&mut b[..]))
            .collect();
        got += rx
            .as_socket()
            .recv_mmsg(&mut slots, RecvFlags::empty())
            .unwrap();
    }
    for (i, b) in storage.iter().enumerate() {
        assert_eq!(&b[..2], &(i as u16).to_be_bytes(), "datagram {i}, in order");
    }
    let mut one = [0u8; 8];
    assert_eq!(
        rx.as_socket().recv_with(&mut one, RecvFlags::DONT_WAIT),
        Err(Error::WouldBlock),
        "nothing past the bad entry went out"
    );

    // The rest of the batch starts with the bad entry: nothing goes, and the error names it.
    assert_eq!(
        tx.as_socket()
            .send_mmsg(&mut entries[50..], SendFlags::empty()),
        Err(Error::Address(AddressError::BatchFamilyMismatch {
            index: 0,
            socket: Family::INET,
            addr: Family::INET6,
        }))
    );
    assert_eq!(
        rx.as_socket().recv_with(&mut one, RecvFlags::DONT_WAIT),
        Err(Error::WouldBlock)
    );
    // Past it, the rest goes out.
    assert_eq!(
        tx.as_socket()
            .send_mmsg(&mut entries[51..], SendFlags::empty())
            .unwrap(),
        49
    );
}
