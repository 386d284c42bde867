//! embassy-executor's two unsafe edges (feature `embassy`): the `__pender` symbol it calls to
//! ask for a poll, and its `poll`. See [`reactor::Executor`](crate::reactor::Executor).

use core::sync::atomic::{AtomicBool, Ordering};

/// What the pender of one executor touches: set from any thread.
pub(crate) struct Pend {
    /// A task was queued: poll before turning.
    pub(crate) pended: AtomicBool,
    /// The executor's thread is in the poller's wait.
    pub(crate) waiting: AtomicBool,
    /// Ends that wait (an eventfd on the reactor's poller); `None` if it could not be made.
    pub(crate) waker: Option<crate::poll::Waker>,
}

/// The pender of every raw executor in the program (embassy calls it by this symbol name,
/// from any thread, also from inside `poll`): marks its executor pended, and ends the
/// executor's wait on the poller if it is in one (a wake from another thread or a signal
/// handler; on the executor's own thread it never is).
///
/// The crate defines this symbol: a program that also enables an embassy platform feature
/// (`platform-std`, `platform-cortex-m`, ...) defines it twice and fails to link.
#[unsafe(export_name = "__pender")]
fn pender(context: *mut ()) {
    if context.is_null() {
        return;
    }
    // SAFETY: every raw executor is made by `Executor::run` with the address of its `Pend`
    // as context (never null there); the executor is `'static` and never moves or goes away
    // (`run` never returns), so the `Pend` lives for the rest of the program, and is not
    // changed after the raw executor is made. Its fields are atomics and an eventfd `Waker`
    // (`Sync`): safe to use from any thread.
    let pend = unsafe { &*(context as *const Pend) };
    pend.pended.store(true, Ordering::SeqCst);
    if pend.waiting.load(Ordering::SeqCst) {
        if let Some(waker) = &pend.waker {
            // A failed write leaves the wait to end at its next event or deadline.
            let _ = waker.wake();
        }
    }
}

/// The context of a raw executor whose pender is `pend`.
pub(crate) fn context(pend: &'static Pend) -> *mut () {
    pend as *const Pend as *mut ()
}

/// Polls the raw executor's queued tasks.
///
/// Called only from `Executor::run`, on the thread that runs it, never from the pender and
/// never from inside a poll (the run loop is not re-entered).
pub(crate) fn poll(executor: &'static embassy_executor::raw::Executor) {
    // SAFETY: `poll` must not be called re-entrantly: its one caller is the run loop, which
    // calls it only between turns of the reactor, never from a task, a waker or the pender.
    unsafe { executor.poll() }
}
