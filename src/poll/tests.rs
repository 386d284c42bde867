use super::*;
use std::format;

#[test]
fn milliseconds_round_up_and_saturate() {
    assert_eq!(ceil_ms(0), 0);
    assert_eq!(ceil_ms(1), 1);
    assert_eq!(ceil_ms(999_999), 1);
    assert_eq!(ceil_ms(1_000_000), 1);
    assert_eq!(ceil_ms(1_000_001), 2);
    assert_eq!(ceil_ms(1_999_999_999), 2000);
    assert_eq!(ceil_ms(2_000_000_000), 2000);
    assert_eq!(ceil_ms((i32::MAX as u64 - 1000) * 1_000_000), i32::MAX);
    assert_eq!(ceil_ms(u64::MAX), i32::MAX);
    // Never shorter than asked, below the cap.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let ns = x >> (x % 64);
        let ms = ceil_ms(ns);
        assert!(ms >= 0);
        if ms < i32::MAX {
            assert!(ms as u64 * 1_000_000 >= ns, "{ns}");
            assert!((ms as u64) * 1_000_000 < ns + 1_000_000, "{ns}");
        }
    }
}

#[test]
fn ctl_errnos_are_named_where_they_have_one_meaning() {
    let add = g::EPOLL_CTL_ADD;
    let del = g::EPOLL_CTL_DEL;
    let r#mod = g::EPOLL_CTL_MOD;
    assert_eq!(
        ctl_error(add, Errno::EXIST),
        Error::Poll(PollError::AlreadyAdded)
    );
    assert_eq!(
        ctl_error(r#mod, Errno::NOENT),
        Error::Poll(PollError::NotAdded)
    );
    assert_eq!(
        ctl_error(del, Errno::NOENT),
        Error::Poll(PollError::NotAdded)
    );
    assert_eq!(ctl_error(add, Errno::NOENT), Error::Os(Errno::NOENT));
    assert_eq!(ctl_error(del, Errno::BADF), Error::Poll(PollError::BadFd));
    assert_eq!(
        ctl_error(add, Errno::PERM),
        Error::Poll(PollError::NotPollable)
    );
    assert_eq!(ctl_error(add, Errno::LOOP), Error::Os(Errno::LOOP));
    assert_eq!(ctl_error(add, Errno::NOSPC), Error::Os(Errno::NOSPC));
}

#[test]
fn events_read_their_flags_and_print_them() {
    let e = Event::new(7, g::EPOLLIN | g::EPOLLHUP);
    assert!(e.is_readable() && e.is_hangup());
    assert!(!e.is_writable() && !e.is_error() && !e.is_priority() && !e.is_read_closed());
    assert_eq!(format!("{e:?}"), "Event { key: 7, flags: IN | HUP }");
    let e = Event::new(
        u64::MAX,
        g::EPOLLOUT | g::EPOLLERR | g::EPOLLRDHUP | g::EPOLLPRI | 0x4000_0000,
    );
    assert!(e.is_writable() && e.is_error() && e.is_read_closed() && e.is_priority());
    assert_eq!(e.key(), u64::MAX);
    assert_eq!(
        format!("{e:?}"),
        "Event { key: 18446744073709551615, flags: PRI | OUT | ERR | RDHUP | 0x40000000 }"
    );
    assert_eq!(
        format!("{:?}", Event::EMPTY),
        "Event { key: 0, flags: 0x0 }"
    );
    assert_eq!(Event::default(), Event::EMPTY);
}

#[test]
#[cfg_attr(miri, ignore = "makes an epoll instance, which Miri cannot")]
fn a_poller_is_debug_and_pollable() {
    let p = Poller::new().unwrap();
    let text = format!("{p:?}");
    assert!(text.starts_with("Poller { fd: "), "{text}");
    let outer = Poller::new().unwrap();
    outer.add(&p, 1, Interest::READABLE).unwrap();
    let mut ev = [Event::EMPTY; 2];
    assert!(outer
        .wait(&mut ev, Some(Duration::ZERO))
        .unwrap()
        .is_empty());
    // A poller in itself is refused by the kernel (`EINVAL`), not a named error.
    assert_eq!(
        p.add(&p, 0, Interest::READABLE),
        Err(Error::Os(Errno::INVAL))
    );
}
