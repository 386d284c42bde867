//! embassy-executor's two unsafe edges (feature `embassy`): the `__pender` symbol it calls to
//! ask for a poll, and its `poll`. See [`reactor::Executor`](crate::reactor::Executor).

use core::sync::atomic::{AtomicBool, Ordering};

/// The pender of every raw executor in the program (embassy calls it by this symbol name,
/// from any thread, also from inside `poll`): sets the flag its context points to.
///
/// The crate defines this symbol: a program that also enables an embassy platform feature
/// (`platform-std`, `platform-cortex-m`, ...) defines it twice and fails to link.
#[unsafe(export_name = "__pender")]
fn pender(context: *mut ()) {
    if context.is_null() {
        return;
    }
    // SAFETY: every raw executor is made by `Executor::run` with the address of its
    // `pended` flag as context (never null there); the executor is `'static` and never moves
    // or goes away (`run` never returns), so the flag lives for the rest of the program. An
    // `AtomicBool` is safe to set from any thread.
    let pended = unsafe { &*(context as *const AtomicBool) };
    pended.store(true, Ordering::SeqCst);
}

/// The context of a raw executor whose pender sets `pended`.
pub(crate) fn context(pended: &'static AtomicBool) -> *mut () {
    pended as *const AtomicBool as *mut ()
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
