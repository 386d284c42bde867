use super::*;

#[test]
#[cfg_attr(
    miri,
    ignore = "under Miri rustix takes its libc backend, whose Errno is wider than linux_raw's"
)]
fn small_and_copy() {
    assert!(core::mem::size_of::<Error>() <= 2 * core::mem::size_of::<usize>().max(8));
    let e = Error::Timeout;
    let f = e;
    assert_eq!(e, f);
}

#[test]
fn eagain_is_would_block() {
    assert_eq!(Error::from(Errno::AGAIN), Error::WouldBlock);
    assert_eq!(Error::from(Errno::PIPE), Error::Os(Errno::PIPE));
    assert_eq!(Error::WouldBlock.errno(), Some(Errno::AGAIN));
}

#[test]
fn partial_keeps_cause() {
    let e = Error::Timeout.after(7);
    assert_eq!(
        e,
        Error::Partial {
            sent: 7,
            cause: PartialCause::Timeout
        }
    );
    assert!(e.is_timeout());
    assert_eq!(e.bytes_sent(), Some(7));
    let e = Error::Os(Errno::PIPE).after(3);
    assert_eq!(e.errno(), Some(Errno::PIPE));
    assert!(!e.is_timeout());
}
