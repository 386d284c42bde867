//! The netlink readers on arbitrary bytes: `netlink::Messages` (every message of a datagram),
//! `Message::split` and `Attrs` nested to any depth, `ErrorMessage` with its extended ack,
//! `NLMSG_DONE`'s error, `route::RouteEvent::from_message` (the monitor's events, each
//! written as its `ip monitor` line) and `uevent::Uevent::parse`.
//!
//! Asserts: nothing panics; every message handed out lies within the datagram, is at least a
//! header long and starts on a 4-byte boundary; every attribute lies within its container;
//! the typed getters succeed exactly when the payload has their size; a string getter's
//! answer has no NUL; errors are `Error::Netlink`; an event's `Display` never fails; a
//! parsed uevent's pairs each come from a `KEY=VALUE` string of the input.
#![no_main]

use baresock::netlink::route::RouteEvent;
use baresock::netlink::uevent::Uevent;
use baresock::netlink::{Attrs, Messages, HEADER_LEN};
use baresock::Error;
use libfuzzer_sys::fuzz_target;

fn within(outer: &[u8], inner: &[u8]) -> usize {
    let start = inner.as_ptr() as usize - outer.as_ptr() as usize;
    assert!(start + inner.len() <= outer.len());
    start
}

fn attrs(container: &[u8], a: Attrs<'_>, depth: u32) {
    for attr in a {
        let v = attr.bytes();
        within(container, v);
        assert_eq!(attr.u32().is_ok(), v.len() == 4);
        assert_eq!(attr.u16_be().is_ok(), v.len() == 2);
        assert_eq!(attr.u64().is_ok(), v.len() == 8);
        assert_eq!(attr.array::<6>().is_ok(), v.len() == 6);
        if let Ok(s) = attr.str() {
            assert!(!s.as_bytes().contains(&0));
        }
        match attr.nested() {
            Ok(n) if depth < 32 => attrs(v, n, depth + 1),
            Ok(_) => {}
            Err(e) => assert!(matches!(e, Error::Netlink(_))),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match Messages::new(data) {
        Ok(ms) => {
            for m in ms {
                let start = within(data, m.as_bytes());
                assert_eq!(start % 4, 0);
                assert!(m.as_bytes().len() >= HEADER_LEN);
                let _ = (m.kind(), m.flags(), m.seq(), m.port_id(), m.done_error());
                if let Some(e) = m.error() {
                    match e {
                        Ok(e) => {
                            let x = e.ext_ack();
                            let _ = (e.errno(), e.raw_error(), e.request().kind());
                            let _ = (x.message(), x.offset(), x.cookie(), x.missing_type());
                            let _ = (x.missing_nest(), x.policy());
                            attrs(data, x.attrs(), 0);
                        }
                        Err(e) => assert!(matches!(e, Error::Netlink(_))),
                    }
                }
                match RouteEvent::from_message(m) {
                    Ok(e) => {
                        let mut line = String::new();
                        std::fmt::write(&mut line, format_args!("{e}")).unwrap();
                        let _ = e.is_deletion();
                    }
                    Err(e) => assert!(matches!(e, Error::Netlink(_))),
                }
                for header in [0, 4, 8, 12, 16] {
                    match m.split(header) {
                        Ok((h, a)) => {
                            assert_eq!(h.len(), header);
                            attrs(data, a, 0);
                        }
                        Err(e) => assert!(matches!(e, Error::Netlink(_))),
                    }
                }
            }
        }
        Err(e) => assert!(matches!(e, Error::Netlink(_))),
    }
    match Uevent::parse(data) {
        Ok(u) => {
            let _ = (u.action().as_str(), u.devpath(), u.subsystem(), u.seqnum());
            for (k, v) in u.vars() {
                assert!(!k.contains('\0') && !v.contains('\0'));
                assert!(u.get(k).is_some());
            }
        }
        Err(e) => assert!(matches!(e, Error::Netlink(_))),
    }
});
