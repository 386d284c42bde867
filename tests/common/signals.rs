//! Signal storms: a thread that another keeps signalling (`SIGUSR1`, a handler that only
//! counts, installed without `SA_RESTART`), so every blocking system call it makes sees
//! `EINTR`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Signals handled so far, by any thread.
static HANDLED: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_signal(_: libc::c_int) {
    HANDLED.fetch_add(1, Ordering::Relaxed);
}

/// Installs the counting `SIGUSR1` handler, without `SA_RESTART`: blocking calls see `EINTR`.
pub fn install_handler() {
    // SAFETY: a valid sigaction whose handler only touches an atomic (async-signal-safe).
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as *const () as usize;
        sa.sa_flags = 0;
        libc::sigemptyset(&mut sa.sa_mask);
        assert_eq!(libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut()), 0);
    }
}

/// A thread id to signal from another thread (on musl `pthread_t` is a pointer, not `Send`).
struct Tid(libc::pthread_t);
// SAFETY: a thread id is only an identifier; `pthread_kill` may be called with it from any thread.
unsafe impl Send for Tid {}

impl Tid {
    fn signal(&self) {
        // SAFETY: `storm` stops signalling before it lets the thread's id go stale.
        unsafe { libc::pthread_kill(self.0, libc::SIGUSR1) };
    }
}

/// Runs `f` on a thread that a second thread signals every 5 ms; returns f's result. Panics
/// unless at least [`MIN_SIGNALS`] signals were handled while `f` ran: a storm that did not
/// hit proves nothing, and must not pass as if it had.
pub fn under_signals<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let (r, signals) = storm(Duration::from_millis(5), f);
    assert!(
        signals >= MIN_SIGNALS,
        "only {signals} signals arrived while the call ran: the storm did not test it"
    );
    r
}

/// The fewest signals [`under_signals`] accepts (a call of 100 ms or more sees about 20).
pub const MIN_SIGNALS: usize = 5;

/// Runs `f` on a thread that a second thread signals every `every` (a tight loop for small
/// values) until `f` returns; returns f's result and how many signals were handled meanwhile.
pub fn storm<R: Send + 'static>(
    every: Duration,
    f: impl FnOnce() -> R + Send + 'static,
) -> (R, usize) {
    /// Sets the flag when dropped, so the signalling stops even if `f` panics.
    struct StopOnDrop(Arc<AtomicBool>);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }

    install_handler();
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, rx) = std::sync::mpsc::channel();
    let guard = StopOnDrop(stop.clone());
    let before = HANDLED.load(Ordering::Relaxed);
    let worker = std::thread::spawn(move || {
        let _guard = guard;
        // SAFETY: pthread_self has no preconditions.
        tx.send(Tid(unsafe { libc::pthread_self() })).unwrap();
        f()
    });
    let tid = rx.recv().unwrap();
    // The worker is joined only after the signalling has stopped, so `tid` never goes stale
    // while it is signalled (an exited thread's id stays valid until it is joined).
    let pest = std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            tid.signal();
            std::thread::sleep(every);
        }
    });
    pest.join().unwrap();
    let r = worker.join().unwrap();
    (r, HANDLED.load(Ordering::Relaxed) - before)
}
