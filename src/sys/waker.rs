//! The waker of [`block_on`](crate::reactor::block_on): a `RawWaker` with a static vtable
//! whose wake bumps one process-wide counter. It points at nothing, so a clone kept past the
//! `block_on` that made it (in a `static`, another thread) is harmless: its wake is a counter
//! bump that any `block_on` reads as a reason to poll once more.

use core::sync::atomic::{AtomicU32, Ordering};
use core::task::{RawWaker, RawWakerVTable, Waker};

/// Every wake of every [`waker`] so far (wrapping).
static WAKES: AtomicU32 = AtomicU32::new(0);

/// The wakes so far: a `block_on` that saw this number before a poll polls again once it
/// changed.
pub(crate) fn wakes() -> u32 {
    WAKES.load(Ordering::SeqCst)
}

fn clone(_: *const ()) -> RawWaker {
    RawWaker::new(core::ptr::null(), &VTABLE)
}

fn wake(_: *const ()) {
    WAKES.fetch_add(1, Ordering::SeqCst);
}

fn drop(_: *const ()) {}

static VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake, drop);

/// The counting waker.
pub(crate) fn waker() -> Waker {
    // SAFETY: the vtable's functions never read the data pointer (null), are safe to call
    // from any thread any number of times, and `clone` returns a waker with the same vtable:
    // the `RawWaker` contract holds trivially.
    unsafe { Waker::from_raw(RawWaker::new(core::ptr::null(), &VTABLE)) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn wake_bumps_the_counter_and_clones_share_it() {
        let w = super::waker();
        let before = super::wakes();
        let c = w.clone();
        c.wake_by_ref();
        c.wake();
        w.wake();
        assert!(super::wakes().wrapping_sub(before) >= 3);
    }
}
