//! Building the library's test binaries for a target, once per process: both the qemu-user and
//! the VM tier run the same build. `cargo xtask test` plans the builds ([`plan`]) and one
//! thread makes them in order ([`build_planned`]) while the tiers' runs of the targets built
//! so far go on beside it; a run wanting a build not yet made waits for it ([`build`]).
//!
//! `cargo test -p baresock --no-run --target <triple>` from the workspace root, with the
//! target's linker, runner and rustflags in cargo's per-target environment variables, and
//! `-Zbuild-std` on nightly where the data file asks for it. The JSON messages name the test
//! executables and carry rustix's build-script output, which says which backend it chose: a
//! build where rustix fell back to libc fails.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::install::{rustup_run, toolchain};
use super::targets::Target;
use super::Ws;
use crate::report::{Row, Tier};
use serde::Deserialize;

/// One test executable.
#[derive(Clone, Debug)]
pub struct TestBin {
    /// `baresock-lib` for the library's unit tests, else the test target's name (`vm_smoke`).
    pub name: String,
    pub path: PathBuf,
}

/// A finished build.
#[derive(Debug)]
pub struct Built {
    pub bins: Vec<TestBin>,
    /// The examples (`cargo test` builds them too): the VM puts them in `/examples`, where the
    /// CAN interop tests run `candump` and `cansend` against can-utils.
    pub examples: Vec<TestBin>,
}

pub type Outcome = Arc<Result<Built, String>>;

/// The cross test binaries are copied into each VM's initramfs: without debuginfo (ours and
/// the prebuilt std's) they are about a tenth of the size, and build faster. Panic messages
/// keep their file:line; backtraces keep function names.
const NO_DEBUGINFO: &[&str] = &["-Cdebuginfo=0", "-Cstrip=debuginfo"];

/// Where the build of one target stands.
enum State {
    /// Planned ([`plan`]) or under way: whoever wants it waits.
    Pending,
    /// Done: its outcome, and the row reporting it until [`take_row`] takes it.
    Done(Outcome, Option<Row>),
}

static BUILDS: Mutex<Vec<(String, State)>> = Mutex::new(Vec::new());
/// Signalled whenever a build is done.
static BUILT: Condvar = Condvar::new();

fn builds() -> MutexGuard<'static, Vec<(String, State)>> {
    BUILDS.lock().unwrap_or_else(|p| p.into_inner())
}

/// Marks the targets named in `names` as to be built by one thread calling [`build_planned`]
/// for each (the scheduler's builder): [`build`] of one of them waits for that build instead
/// of starting its own.
pub fn plan<'a>(names: impl IntoIterator<Item = &'a str>) {
    let mut b = builds();
    for name in names {
        if !b.iter().any(|(n, _)| n == name) {
            b.push((name.to_owned(), State::Pending));
        }
    }
}

/// Builds `t` now (the builder's side of [`plan`]), unless it was built already; the row
/// reporting it waits for [`take_row`].
pub fn build_planned(ws: &Ws, t: &Target) -> Outcome {
    if let Some((_, State::Done(done, _))) = builds().iter().find(|(n, _)| n == &t.name) {
        return Arc::clone(done);
    }
    finish(t, run_build(ws, t))
}

/// The build of `t`, made on the first call: a build that is planned or under way in another
/// thread is waited for.
pub fn build(ws: &Ws, t: &Target) -> Outcome {
    let mut b = builds();
    loop {
        match b.iter().find(|(n, _)| n == &t.name) {
            Some((_, State::Done(done, _))) => return Arc::clone(done),
            Some((_, State::Pending)) => b = BUILT.wait(b).unwrap_or_else(|p| p.into_inner()),
            None => break,
        }
    }
    b.push((t.name.clone(), State::Pending));
    drop(b);
    finish(t, run_build(ws, t))
}

/// Whether every planned build is done (or none was planned).
pub fn all_done() -> bool {
    builds().iter().all(|(_, s)| matches!(s, State::Done(..)))
}

/// Takes the row reporting the build of the target named `name` (once; `None` if it was not
/// built or its row was taken), to be filed under `tier`.
pub fn take_row(name: &str, tier: Tier) -> Option<Row> {
    let mut b = builds();
    let (_, state) = b.iter_mut().find(|(n, _)| n == name)?;
    let State::Done(_, row) = state else {
        return None;
    };
    row.take().map(|mut r| {
        r.tier = tier;
        r
    })
}

/// Runs the build of `t`, returning its outcome and its row (filed under no tier yet).
fn run_build(ws: &Ws, t: &Target) -> (Result<Built, String>, Row) {
    let start = Instant::now();
    eprintln!(
        "xtask: [{} / build] building the tests ({})",
        t.name, t.triple
    );
    let result = cargo_build(ws, t);
    let row = Row::new(
        Tier::QemuUser,
        &t.name,
        "build",
        result.is_ok(),
        start.elapsed(),
        match &result {
            Ok(b) => format!("{} test binaries, rustix linux_raw", b.bins.len()),
            Err(e) => e.clone(),
        },
    );
    let status = if row.ok { "ok" } else { "FAILED" };
    eprintln!(
        "xtask: [{} / build] {status} in {:.1}s ({})",
        t.name,
        row.time.as_secs_f64(),
        row.note
    );
    (result, row)
}

/// Records the build of `t` as done and wakes whoever waits for it.
fn finish(t: &Target, (result, row): (Result<Built, String>, Row)) -> Outcome {
    let outcome = Arc::new(result);
    let mut b = builds();
    let state = State::Done(Arc::clone(&outcome), Some(row));
    match b.iter_mut().find(|(n, _)| n == &t.name) {
        Some((_, s)) => *s = state,
        None => b.push((t.name.clone(), state)),
    }
    drop(b);
    BUILT.notify_all();
    outcome
}

/// Ends the plan: every planned build that never ran is recorded as failed (`why`), so that
/// nobody waits for it for ever (the builder calls it last, also when it stops early).
pub fn abandon<'a>(names: impl IntoIterator<Item = &'a str>, why: &str) {
    let mut b = builds();
    for name in names {
        let Some((_, s)) = b.iter_mut().find(|(n, _)| n == name) else {
            continue;
        };
        if matches!(s, State::Pending) {
            *s = State::Done(Arc::new(Err(why.to_owned())), None);
        }
    }
    drop(b);
    BUILT.notify_all();
}

/// The cargo command for `t`, without the subcommand's own arguments.
fn cargo(ws: &Ws, t: &Target) -> Command {
    let mut cmd = match toolchain(t) {
        // The toolchain running the xtask: cargo tells us which binary it is.
        None => Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())),
        Some(tc) => rustup_run(Some(tc), "cargo"),
    };
    let env = t.env_triple();
    cmd.current_dir(&ws.root)
        .env("CARGO_TARGET_DIR", &ws.target_dir)
        .env(format!("CARGO_TARGET_{env}_LINKER"), &t.linker)
        // Not used by `--no-run`, but makes `cargo test --target` work the same by hand.
        .env(format!("CARGO_TARGET_{env}_RUNNER"), t.runner().join(" "));
    // RUSTFLAGS would override per-target flags: merge them into the encoded form instead.
    let mut flags: Vec<String> = std::env::var("RUSTFLAGS")
        .unwrap_or_default()
        .split_whitespace()
        .map(String::from)
        .collect();
    flags.extend(NO_DEBUGINFO.iter().map(|f| f.to_string()));
    flags.extend(lld_through_gcc(ws, t));
    flags.extend(t.rustflags.iter().cloned());
    cmd.env_remove("RUSTFLAGS");
    if flags.is_empty() {
        cmd.env_remove("CARGO_ENCODED_RUSTFLAGS");
    } else {
        cmd.env("CARGO_ENCODED_RUSTFLAGS", flags.join("\u{1f}"));
    }
    cmd
}

/// For a target linked by a cross gcc (the gnu ones): the flags that make that gcc link with
/// lld, the one that ships with Rust (`ld.lld` in the workspace toolchain's `gcc-ld`, which runs
/// its `rust-lld`), instead of binutils' ld. The 39 test binaries of a target link in about
/// 12 s less CPU (armv7: 76 s of CPU for the whole build with ld, 64 s with lld; 2026-12-08),
/// and they run alike under qemu-user and in the VMs. None where the toolchain has no
/// `gcc-ld` (binutils' ld links then).
fn lld_through_gcc(ws: &Ws, t: &Target) -> Vec<String> {
    if t.libc != "gnu" || t.linker.contains("lld") {
        return Vec::new();
    }
    let Ok((_, bin)) = super::echo::host_tools(ws) else {
        return Vec::new();
    };
    let gcc_ld = bin.join("gcc-ld");
    if !gcc_ld.join("ld.lld").is_file() {
        return Vec::new();
    }
    vec![
        "-Clink-arg=-fuse-ld=lld".into(),
        format!("-Clink-arg=-B{}", gcc_ld.display()),
    ]
}

fn cargo_build(ws: &Ws, t: &Target) -> Result<Built, String> {
    let mut cmd = cargo(ws, t);
    cmd.args(["test", "-p", "baresock", "--no-run", "--target", &t.triple])
        .arg("--message-format=json-render-diagnostics");
    if t.build_std {
        cmd.arg("-Zbuild-std");
    }
    // Diagnostics and progress go to our stderr, each line saying whose build it is (other
    // steps run beside it); the JSON messages come on stdout.
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = child.stderr.take();
    let mut stdout = String::new();
    std::thread::scope(|s| {
        if let Some(stderr) = stderr {
            s.spawn(|| {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    eprintln!("xtask: [{} / build] {line}", t.name);
                }
            });
        }
        let _ = child
            .stdout
            .take()
            .map(|mut s| s.read_to_string(&mut stdout));
    });
    let status = child.wait().map_err(|e| e.to_string())?;

    let (mut bins, examples, rustix) = read_messages(&stdout);
    if !status.success() {
        return Err(format!("cargo test --no-run failed ({status})"));
    }
    check_backend(rustix)?;
    bins.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Built { bins, examples })
}

/// Fails unless rustix's build script chose the `linux_raw` backend: the `cfgs` of its
/// build-script message, and the `output` file next to its `OUT_DIR`
/// (`target/<triple>/debug/build/rustix-*/output`), must both say `linux_raw`.
fn check_backend(rustix: Option<(Vec<String>, Option<PathBuf>)>) -> Result<(), String> {
    let (cfgs, out_dir) = rustix.ok_or("rustix's build script did not run for this target")?;
    let fell_back = "rustix fell back to its libc backend (no `linux_raw` cfg): check the target's toolchain and rustflags";
    if !cfgs.iter().any(|c| c == "linux_raw") {
        return Err(fell_back.into());
    }
    if let Some(output) = out_dir.and_then(|d| d.parent().map(|p| p.join("output"))) {
        let text =
            std::fs::read_to_string(&output).map_err(|e| format!("{}: {e}", output.display()))?;
        if !text
            .lines()
            .any(|l| l == "cargo:rustc-cfg=linux_raw" || l == "cargo::rustc-cfg=linux_raw")
        {
            return Err(format!("{fell_back} ({})", output.display()));
        }
    }
    Ok(())
}

/// The time limit for one test binary, under qemu-user and in the VM (where the whole suite
/// takes seconds): a hung test fails its row instead of eating CI's time.
pub const TEST_LIMIT: Duration = Duration::from_secs(120);

/// What cargo's `--message-format=json` output says: the test binaries, the examples, and
/// rustix's build-script answer (its cfgs and out dir).
#[allow(clippy::type_complexity)]
fn read_messages(
    stdout: &str,
) -> (
    Vec<TestBin>,
    Vec<TestBin>,
    Option<(Vec<String>, Option<PathBuf>)>,
) {
    let mut bins = Vec::new();
    let mut examples = Vec::new();
    let mut rustix: Option<(Vec<String>, Option<PathBuf>)> = None;
    for line in stdout.lines() {
        // A line that is not one of cargo's messages (or one of a kind not read here) is
        // passed over.
        match serde_json::from_str::<CargoMessage>(line) {
            Ok(CargoMessage::CompilerArtifact {
                profile,
                executable,
                target,
            }) => {
                let kind = target.kind.first().map(String::as_str);
                let name = target.name;
                if let (false, Some("example"), Some(exe)) = (profile.test, kind, &executable) {
                    examples.push(TestBin {
                        name: name.clone(),
                        path: exe.clone(),
                    });
                }
                if let (true, Some(exe)) = (profile.test, executable) {
                    let name = match kind {
                        Some("test") => name,
                        Some("lib") | Some("rlib") => format!("{name}-lib"),
                        Some(kind) => format!("{kind}-{name}"),
                        None => name,
                    };
                    bins.push(TestBin { name, path: exe });
                }
            }
            // `registry+https://...#rustix@1.1.6` (or the older `rustix 1.1.6 (...)`).
            Ok(CargoMessage::BuildScriptExecuted {
                package_id,
                cfgs,
                out_dir,
            }) if package_id.contains("#rustix@") || package_id.starts_with("rustix ") => {
                rustix = Some((cfgs, out_dir));
            }
            _ => {}
        }
    }
    (bins, examples, rustix)
}

/// The lines of cargo's `--message-format=json` read here (every other field and kind is
/// ignored).
#[derive(Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
enum CargoMessage {
    CompilerArtifact {
        profile: ArtifactProfile,
        executable: Option<PathBuf>,
        target: ArtifactTarget,
    },
    BuildScriptExecuted {
        package_id: String,
        #[serde(default)]
        cfgs: Vec<String>,
        out_dir: Option<PathBuf>,
    },
    #[serde(other)]
    Other,
}

#[derive(Deserialize)]
struct ArtifactProfile {
    test: bool,
}

#[derive(Deserialize)]
struct ArtifactTarget {
    name: String,
    kind: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_messages_give_tests_examples_and_rustix() {
        let out = [
            r#"{"reason":"compiler-artifact","package_id":"x","target":{"kind":["lib"],"name":"baresock"},"profile":{"test":true,"opt_level":"0"},"executable":"/t/deps/baresock-1"}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["test"],"name":"udp"},"profile":{"test":true},"executable":"/t/deps/udp-2"}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["example"],"name":"tour"},"profile":{"test":false},"executable":"/t/examples/tour"}"#,
            r#"{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"libc"},"profile":{"test":false},"executable":null}"#,
            r#"{"reason":"build-script-executed","package_id":"registry+https://github.com/rust-lang/crates.io-index#rustix@1.1.6","linked_libs":[],"cfgs":["linux_raw","linux_like"],"out_dir":"/t/build/rustix-3/out"}"#,
            r#"{"reason":"build-script-executed","package_id":"path+file:///w#other@1.0.0","cfgs":["x"],"out_dir":"/o"}"#,
            r#"{"reason":"build-finished","success":true}"#,
            "   Compiling baresock v0.1.0",
        ]
        .join("\n");
        let (bins, examples, rustix) = read_messages(&out);
        let names: Vec<&str> = bins.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["baresock-lib", "udp"]);
        assert_eq!(bins[1].path, PathBuf::from("/t/deps/udp-2"));
        assert_eq!(examples.len(), 1);
        assert_eq!(examples[0].name, "tour");
        let (cfgs, out_dir) = rustix.unwrap();
        assert_eq!(cfgs, ["linux_raw", "linux_like"]);
        assert_eq!(out_dir, Some(PathBuf::from("/t/build/rustix-3/out")));
    }
}
