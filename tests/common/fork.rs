//! One way to run a test body in a forked child: [`in_child`]. A child that panics, is killed
//! by a signal, or exits without reporting fails the test; it never counts as a pass.

/// What a child reported when it did not fail.
#[derive(Debug, PartialEq, Eq)]
pub enum Child {
    /// The body ran to the end.
    Passed,
    /// The body found a capability missing before it started (a `skipped: <reason>`).
    Skipped(String),
}

/// Exit codes of the child: what [`in_child`] reads back.
const PASSED: i32 = 0;
const FAILED: i32 = 1;
const PANICKED: i32 = 2;
const SKIPPED: i32 = 3;

/// Runs `body` in a forked process and returns what it reported: `Ok` when it returned
/// `Ok(Child::Passed)` or `Ok(Child::Skipped(reason))` and exited so; `Err` with its message
/// when it returned `Err`, panicked (the panic is caught in the child, so libtest's thread
/// there cannot turn it into exit 0), was killed by a signal, or exited any other way.
///
/// The child must not rely on locks another thread of the test binary may hold at the fork:
/// it should make system calls and little else.
pub fn in_child(body: impl FnOnce() -> Result<Child, String>) -> Result<Child, String> {
    let (r, w) = rustix::pipe::pipe().unwrap();
    // SAFETY: the child runs only `body` and leaves with `_exit`, never returning into the
    // test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        drop(r);
        let (code, text) = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
            Ok(Ok(Child::Passed)) => (PASSED, String::new()),
            Ok(Ok(Child::Skipped(why))) => (SKIPPED, why),
            Ok(Err(why)) => (FAILED, why),
            Err(_) => (PANICKED, "the child panicked".to_owned()),
        };
        let _ = rustix::io::write(&w, text.as_bytes());
        // SAFETY: ends the forked child without running the parent's destructors.
        unsafe { libc::_exit(code) };
    }
    drop(w);
    let mut said = Vec::new();
    let mut buf = [0u8; 512];
    while let Ok(n @ 1..) = rustix::io::read(&r, &mut buf) {
        said.extend_from_slice(&buf[..n]);
    }
    let said = String::from_utf8_lossy(&said).into_owned();
    let mut status = 0;
    // SAFETY: waits for the child forked above.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    judge(status, said)
}

/// The verdict on a child's wait status and what it wrote.
pub fn judge(status: i32, said: String) -> Result<Child, String> {
    if !libc::WIFEXITED(status) {
        return Err(if libc::WIFSIGNALED(status) {
            format!("the child was killed by signal {}", libc::WTERMSIG(status))
        } else {
            format!("the child ended with status {status:#x}")
        });
    }
    match libc::WEXITSTATUS(status) {
        PASSED if said.is_empty() => Ok(Child::Passed),
        SKIPPED if !said.is_empty() => Ok(Child::Skipped(said)),
        FAILED | PANICKED if !said.is_empty() => Err(said),
        code => Err(format!("the child exited {code} saying {said:?}")),
    }
}
