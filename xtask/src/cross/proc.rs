//! Running child processes: with a hard time limit, their output captured (and echoed live
//! when `XTASK_VERBOSE` is set), or plainly for the install and fetch steps.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What a child did.
pub struct Finished {
    /// The exit code; `None` when it was killed (by us, or by a signal).
    pub code: Option<i32>,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
    /// Why we killed it, if we did.
    pub killed: Option<String>,
    /// stdout and stderr, interleaved as they arrived.
    pub output: String,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// `exit 1`, `killed: no output for 300 s`, ...
    pub fn describe(&self) -> String {
        match (&self.killed, self.code) {
            (Some(why), _) => format!("killed: {why}"),
            (None, Some(c)) => format!("exit {c}"),
            (None, None) => match self.signal {
                Some(s) => format!("killed by signal {s}"),
                None => "killed by a signal".into(),
            },
        }
    }
}

/// Whether to echo children's output as it arrives.
pub fn verbose() -> bool {
    std::env::var_os("XTASK_VERBOSE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Runs `cmd` with stdin closed, capturing its output; kills it (and its process group) when
/// it runs longer than `limit`.
pub fn run_limited(cmd: &mut Command, limit: Duration) -> std::io::Result<Finished> {
    run_watched(cmd, &mut |_, elapsed| {
        (elapsed > limit)
            .then(|| format!("still running after the {} s time limit", limit.as_secs()))
    })
}

/// Runs `cmd` with stdin closed, capturing its output. Every 20 ms `watch` sees the output so
/// far and the time since the start; when it returns a reason, the child and its process
/// group are killed.
pub fn run_watched(
    cmd: &mut Command,
    watch: &mut dyn FnMut(&[u8], Duration) -> Option<String>,
) -> std::io::Result<Finished> {
    let start = Instant::now();
    // The child stays in our process group, so that ^C stops it with us.
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn()?;
    let buf = Arc::new(Mutex::new(Vec::<u8>::new()));
    let echo = verbose();
    let readers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .map(|mut pipe| {
        let buf = Arc::clone(&buf);
        thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                if echo {
                    eprint!("{}", String::from_utf8_lossy(&chunk[..n]));
                }
                buf.lock().unwrap().extend_from_slice(&chunk[..n]);
            }
        })
    })
    .collect();

    let mut killed = None;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        let verdict = watch(&buf.lock().unwrap(), start.elapsed());
        if verdict.is_some() {
            killed = verdict;
            let _ = child.kill();
            break child.wait()?;
        }
        thread::sleep(Duration::from_millis(20));
    };
    // Something the child started may still hold its pipes open: wait for the rest of the
    // output only briefly.
    let waited = Instant::now();
    while readers.iter().any(|r| !r.is_finished()) && waited.elapsed() < Duration::from_secs(2) {
        thread::sleep(Duration::from_millis(10));
    }
    let output = String::from_utf8_lossy(&buf.lock().unwrap()).into_owned();
    use std::os::unix::process::ExitStatusExt as _;
    Ok(Finished {
        code: status.code(),
        signal: status.signal(),
        killed,
        output,
    })
}

/// Runs `cmd` with its output going to ours; an error names the command.
pub fn run_visible(cmd: &mut Command) -> Result<(), String> {
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("{}: {e}", show(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", show(cmd)))
    }
}

/// Runs `cmd` and returns its stdout; stderr is kept for the error.
pub fn run_stdout(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", show(cmd)))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "`{}` failed ({}): {}",
            show(cmd),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A command as a shell would show it (for messages).
pub fn show(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| {
        let a = a.to_string_lossy();
        if a.is_empty() || a.contains([' ', '"', '\'', '$', '*']) {
            format!("'{a}'")
        } else {
            a.into_owned()
        }
    }));
    parts.join(" ")
}

/// The last `n` lines of `text` (for failure messages).
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// The niceness [`lower_priority`] gives a thread: its work only fills what the others leave.
pub const BACKGROUND_NICE: u32 = 10;

/// Lowers the calling thread's scheduling priority to [`BACKGROUND_NICE`], and so that of the
/// threads and processes it starts from then on (Linux keeps a niceness per thread, and a
/// child inherits its creator's): `renice` on the thread's own id (from `/proc/thread-self`).
/// `cargo xtask test` runs its CPU-bound batch work so (the cross builds, the fuzz pass), so
/// that it soaks up idle cores without starving the VMs' and tests' timers. Best effort: where
/// `renice` is missing or fails, the thread keeps its priority.
pub fn lower_priority() {
    let Ok(link) = std::fs::read_link("/proc/thread-self") else {
        return;
    };
    let Some(tid) = link.file_name() else {
        return;
    };
    let _ = Command::new("renice")
        .args(["-n", &BACKGROUND_NICE.to_string(), "-p"])
        .arg(tid)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}
