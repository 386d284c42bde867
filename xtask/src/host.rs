//! Tier 1, the host: formatting, lints, the native test suite (as root where the machine gives
//! it: packet, raw and namespace tests run then), docs, the tour, and the proofs that the
//! library links no libc and builds for a target without one.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) use crate::cross::proc::{show, tail};
use crate::report::{
    self, account, cargo_exit, cargo_sections, panics, parse_libtest, Counts, Report, Row, Tier,
    HOST_ARCH,
};

/// The crate roots of the example crates the workspace excludes.
const OUTSIDE_WORKSPACE: &[&str] = &[
    "examples/nostd-echo/src/main.rs",
    "examples/nostd-echo/src/bin/rustix-echo.rs",
    "examples/size-compare/std-echo/src/main.rs",
    "examples/size-compare/tokio-echo/src/main.rs",
];

/// A command's combined output and whether it succeeded.
pub(crate) struct Ran {
    pub(crate) ok: bool,
    pub(crate) output: String,
    pub(crate) time: Duration,
}

pub(crate) fn run(cmd: &mut Command) -> Ran {
    eprintln!("xtask: [x86_64 / host] $ {}", show(cmd));
    let start = Instant::now();
    match cmd.output() {
        Ok(out) => {
            let mut output = String::from_utf8_lossy(&out.stdout).into_owned();
            output.push_str(&String::from_utf8_lossy(&out.stderr));
            Ran {
                ok: out.status.success(),
                output,
                time: start.elapsed(),
            }
        }
        Err(e) => Ran {
            ok: false,
            output: format!("could not run: {e}"),
            time: start.elapsed(),
        },
    }
}

pub(crate) fn cargo(root: &Path, toolchain: Option<&str>) -> Command {
    let mut c = match toolchain {
        // A toolchain other than the current one goes through rustup.
        Some(tc) => {
            let mut c = Command::new("rustup");
            c.args(["run", tc, "cargo"]);
            c
        }
        None => Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())),
    };
    c.current_dir(root);
    c
}

/// A step that passes or fails as a whole.
fn step(
    report: &mut Report,
    name: &str,
    cmd: &mut Command,
    check: impl Fn(&str) -> Result<(), String>,
) {
    let r = run(cmd);
    let verdict = if r.ok {
        check(&r.output)
    } else {
        Err(tail(&r.output, 25))
    };
    if let Err(why) = &verdict {
        eprintln!("{why}");
    }
    report.push(Row::new(
        Tier::Host,
        HOST_ARCH,
        name,
        verdict.is_ok(),
        r.time,
        verdict.err().map(|w| first_line(&w)).unwrap_or_default(),
    ));
}

pub(crate) fn first_line(s: &str) -> String {
    s.lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .chars()
        .take(120)
        .collect()
}

/// Runs `cmd` with its stdout and stderr in one pipe, so that cargo's `Running` lines (on
/// stderr) stay in order with the test binaries' output (on stdout).
pub(crate) fn run_merged(cmd: &mut Command) -> Ran {
    eprintln!("xtask: [x86_64 / host] $ {}", show(cmd));
    let start = Instant::now();
    let spawned = std::io::pipe().and_then(|(reader, writer)| {
        cmd.stdout(writer.try_clone()?).stderr(writer);
        let child = cmd.spawn();
        // The Command holds the pipe's writing end: drop it, or the read never ends.
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        Ok((reader, child?))
    });
    match spawned {
        Ok((mut reader, mut child)) => {
            use std::io::Read as _;
            let mut bytes = Vec::new();
            let _ = reader.read_to_end(&mut bytes);
            let ok = child.wait().is_ok_and(|s| s.success());
            Ran {
                ok,
                output: String::from_utf8_lossy(&bytes).into_owned(),
                time: start.elapsed(),
            }
        }
        Err(e) => Ran {
            ok: false,
            output: format!("could not run: {e}"),
            time: start.elapsed(),
        },
    }
}

/// A test run of `cargo test <args>`, counted from libtest's output, every test binary
/// accounted for: cargo's `--list` (same arguments) says what each binary has, and each
/// binary's `test result:` must cover that ([`account`]).
fn tests(report: &mut Report, root: &Path, name: &str, args: &[&str]) {
    let list = run_merged(
        cargo(root, None)
            .arg("test")
            .args(args)
            .args(["--", "--list"]),
    );
    let r = run_merged(
        cargo(root, None)
            .args(["test", "--no-fail-fast"])
            .args(args)
            .args(["--", "--show-output"]),
    );
    let (row, log) = judge_cargo_test(&list.output, list.ok, &r.output, r.ok);
    if !row.ok {
        eprintln!("{log}");
    }
    report.push(Row {
        arch: HOST_ARCH.into(),
        tier: Tier::Host,
        step: name.into(),
        time: list.time + r.time,
        ..row
    });
}

/// The row of a `cargo test` run, from its output and its `--list`'s (both with stderr and
/// stdout merged); also what to print when it failed.
fn judge_cargo_test(list: &str, list_ok: bool, output: &str, ok: bool) -> (Row, String) {
    let listed: Vec<(String, Option<u32>)> = cargo_sections(list)
        .into_iter()
        .map(|(bin, text)| (bin, report::listed(&text)))
        .collect();
    let sections = cargo_sections(output);
    let mut counts = Counts::default();
    let mut ran = Vec::new();
    let mut problems = Vec::new();
    if !list_ok {
        problems.push(format!("cargo test -- --list failed: {}", first_line(list)));
    }
    for (bin, text) in &sections {
        let expected = listed.iter().find(|(b, _)| b == bin).and_then(|(_, n)| *n);
        let run = account(bin, expected, text, &cargo_exit(text));
        counts.add(run.counts);
        ran.extend(run.ran);
        problems.extend(run.problems);
    }
    // A binary cargo listed and never ran (cargo stopped, or did not get that far).
    for (bin, _) in &listed {
        if !sections.iter().any(|(b, _)| b == bin) {
            problems.push(format!("{bin}: did not run"));
        }
    }
    let ran_any = counts.passed + counts.failed + counts.skipped > 0;
    if !ran_any {
        problems.push(format!("no test ran: {}", first_line(output)));
    } else if !ok && problems.is_empty() && counts.failed == 0 {
        problems.push(format!("cargo test failed: {}", first_line(output)));
    }
    let pass = problems.is_empty() && counts.failed == 0;
    let (_, reasons) = parse_libtest(output);
    let mut notes = Vec::new();
    if !pass {
        notes.extend(panics(output, 3));
    }
    notes.extend(problems);
    if !reasons.is_empty() {
        notes.push(format!("skipped: {}", reasons.join("; ")));
    }
    let note = notes.join("; ");
    let row = Row::new(
        Tier::Host,
        HOST_ARCH,
        String::new(),
        pass,
        Duration::ZERO,
        note,
    )
    .tests(counts, ran);
    (row, tail(output, 60))
}

/// Makes sure a rustup component is installed for a toolchain; rustup installs it if not.
pub(crate) fn ensure_component(report: &mut Report, toolchain: &str, component: &str) -> bool {
    let installed = Command::new("rustup")
        .args(["component", "list", "--installed", "--toolchain", toolchain])
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.starts_with(component))
        })
        .unwrap_or(false);
    if installed {
        return true;
    }
    let mut cmd = Command::new("rustup");
    cmd.args(["component", "add", component, "--toolchain", toolchain]);
    let r = run(&mut cmd);
    if !r.ok {
        report.push(Row::new(
            Tier::Host,
            HOST_ARCH,
            format!("install {component} ({toolchain})"),
            false,
            r.time,
            format!("run: {}", show(&cmd)),
        ));
    }
    r.ok
}

pub fn run_host(root: &Path, quick: bool, report: &mut Report) {
    if ensure_component(report, "stable", "rustfmt") {
        step(
            report,
            "fmt",
            cargo(root, None).args(["fmt", "--all", "--", "--check"]),
            |_| Ok(()),
        );
        // The crates outside the workspace (the no_std echo and its std comparison): rustfmt
        // follows their modules from the roots.
        step(
            report,
            "fmt (examples outside the workspace)",
            Command::new("rustfmt")
                .args(["--check", "--edition", "2021"])
                .args(OUTSIDE_WORKSPACE)
                .current_dir(root),
            |_| Ok(()),
        );
    }
    if ensure_component(report, "stable", "clippy") {
        for (name, args) in [
            ("clippy", &["--workspace", "--all-targets"][..]),
            (
                "clippy (no default features)",
                &["-p", "baresock", "--all-targets", "--no-default-features"],
            ),
            (
                "clippy (defmt)",
                &["-p", "baresock", "--all-targets", "--features", "defmt"],
            ),
            (
                "clippy (embedded-io, no default features)",
                &[
                    "-p",
                    "baresock",
                    "--all-targets",
                    "--no-default-features",
                    "--features",
                    "embedded-io",
                ],
            ),
            (
                "clippy (all features)",
                &["-p", "baresock", "--all-targets", "--all-features"],
            ),
        ] {
            step(
                report,
                name,
                cargo(root, None)
                    .arg("clippy")
                    .args(args)
                    .args(["--", "-D", "warnings"]),
                |_| Ok(()),
            );
        }
    }
    // Each optional part alone on top of no_std, so that every cfg gate keeps compiling (the
    // library only: cheap, and what a user with that feature set builds).
    for feature in ["std", "can", "resolve"] {
        step(
            report,
            &format!("check (no default features, {feature})"),
            cargo(root, None).args([
                "check",
                "-p",
                "baresock",
                "--no-default-features",
                "--features",
                feature,
            ]),
            |_| Ok(()),
        );
    }
    // The peers the tests compare with, which skip where their peer is missing: as root they
    // are installed first, so that on a fresh machine every peer comparison runs here.
    if is_root() {
        for &(command, package) in PEERS {
            let start = Instant::now();
            if let Err(e) = ensure_package(command, package) {
                report.push(Row::new(
                    Tier::Host,
                    HOST_ARCH,
                    format!("install {package}"),
                    false,
                    start.elapsed(),
                    e,
                ));
            }
        }
    }
    tests(report, root, "test", &["--workspace"]);
    tests(
        report,
        root,
        "test (no default features, embedded-io)",
        &[
            "-p",
            "baresock",
            "--no-default-features",
            "--features",
            "embedded-io",
        ],
    );
    step(
        report,
        "tour",
        cargo(root, None).args(["run", "--quiet", "--example", "tour"]),
        |out| {
            if out.contains("tour complete") {
                Ok(())
            } else {
                Err("the tour did not reach its end".into())
            }
        },
    );
    // The ecosystem examples check themselves (a server and its clients in one process; the
    // CAN reader a sender of its own on vcan0) and say `<name>: ok` at the end, or
    // `skipped: <reason>` where the machine lacks what they need (here: CAN, which the VMs
    // have; tests/can_utils.rs runs the CAN reader there).
    // `defmt_log` encodes the crate's values with an in-memory defmt logger and checks the
    // frames.
    for (example, features, done) in [
        ("tokio_echo", "std", "tokio echo: ok"),
        ("mio_echo", "std", "mio echo: ok"),
        ("poll_echo", "std", "poll echo: ok"),
        ("can_async", "std", "can async: ok"),
        ("defmt_log", "defmt", "defmt: ok"),
    ] {
        self_check(report, root, example, features, done);
    }
    step(
        report,
        "doc",
        cargo(root, None)
            .args(["doc", "-p", "baresock", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings"),
        |_| Ok(()),
    );
    // No libc in the library's dependency graph, with or without std.
    for (name, args) in [
        (
            "no libc (no default features)",
            &[
                "tree",
                "-p",
                "baresock",
                "-e",
                "normal",
                "--no-default-features",
            ][..],
        ),
        (
            "no libc (std)",
            &["tree", "-p", "baresock", "-e", "normal"][..],
        ),
    ] {
        step(report, name, cargo(root, None).args(args), |out| match out
            .lines()
            .find(|l| l.contains(" libc v"))
        {
            Some(l) => Err(format!("libc is in the graph: {}", l.trim())),
            None if out.contains("rustix v") => Ok(()),
            None => Err("cargo tree printed no graph".into()),
        });
    }
    examples(root, report);
    package(report, root);
    if quick {
        return;
    }
    msrv(report, root);
    // The library builds for a target that has no libc at all.
    if ensure_component(report, "nightly", "rust-src") {
        step(
            report,
            "no_std build (x86_64-unknown-linux-none)",
            cargo(root, Some("nightly")).args([
                "build",
                "-p",
                "baresock",
                "--no-default-features",
                "--features",
                "embedded-io",
                "--target",
                "x86_64-unknown-linux-none",
                "-Zbuild-std=core",
            ]),
            |_| Ok(()),
        );
        // A user's static program for that target, built as the crate docs say (x86_64 only).
        if cfg!(target_arch = "x86_64") {
            let start = Instant::now();
            let result = crate::cross::nostd_linux_none();
            if let Err(why) = &result {
                eprintln!("{why}");
            }
            report.push(Row::outcome(
                Tier::Host,
                HOST_ARCH,
                "no_std echo as documented (x86_64-unknown-linux-none)",
                start.elapsed(),
                result,
            ));
        }
    }
}

/// Runs an example that checks itself: it passes when it exits 0 saying `done`, is a skip
/// when it exits 0 saying `skipped: <reason>`, and fails otherwise.
fn self_check(report: &mut Report, root: &Path, example: &str, features: &str, done: &str) {
    let r = run(cargo(root, None).args([
        "run",
        "--quiet",
        "--features",
        features,
        "--example",
        example,
    ]));
    let skip = r.output.lines().find_map(|l| l.strip_prefix("skipped: "));
    let (ok, counts, note) = match (r.ok, r.output.contains(done), skip) {
        (true, true, _) => (
            true,
            Counts {
                passed: 1,
                ..Counts::default()
            },
            String::new(),
        ),
        (true, false, Some(why)) => (
            true,
            Counts {
                skipped: 1,
                ..Counts::default()
            },
            format!("skipped: {why}"),
        ),
        _ => {
            eprintln!("{}", tail(&r.output, 25));
            (
                false,
                Counts::default(),
                format!("did not say `{done}`: {}", first_line(&r.output)),
            )
        }
    };
    report.push(
        Row::new(
            Tier::Host,
            HOST_ARCH,
            format!("example {example}"),
            ok,
            r.time,
            note,
        )
        .counts(counts),
    );
}

/// Whether this process runs as root (`id -u` is 0).
/// The files `cargo package` must put in the crate, and the paths it must leave out (the
/// tests, their data, the fuzz corpora, the xtask, the qemu files, the caches).
const PACKAGE_MUST_HOLD: &[&str] = &["src/lib.rs", "README.md", "LICENSE-MIT", "LICENSE-APACHE"];
const PACKAGE_MUST_NOT_HOLD: &[&str] = &[
    "tests/", "fuzz/", "xtask/", "qemu/", "targets/", "bench/", "target/", ".ci/",
];

/// `cargo publish --dry-run` (which packages the crate, builds the package alone and checks
/// what crates.io would), then what the package holds.
fn package(report: &mut Report, root: &Path) {
    step(
        report,
        "package (cargo publish --dry-run)",
        cargo(root, None).args(["publish", "--dry-run", "--allow-dirty", "-p", "baresock"]),
        |_| Ok(()),
    );
    step(
        report,
        "package holds the library, README and licenses only",
        cargo(root, None).args(["package", "--list", "--allow-dirty", "-p", "baresock"]),
        |out| {
            let files: Vec<&str> = out.lines().map(str::trim).collect();
            if let Some(f) = PACKAGE_MUST_HOLD.iter().find(|f| !files.contains(f)) {
                return Err(format!("the package lacks {f}"));
            }
            match files
                .iter()
                .find(|f| PACKAGE_MUST_NOT_HOLD.iter().any(|p| f.starts_with(p)))
            {
                Some(f) => Err(format!("the package holds {f}")),
                None => Ok(()),
            }
        },
    );
}

/// The `rust-version` Cargo.toml declares, read with the `toml` crate the target files use.
fn declared_msrv(root: &Path) -> Result<String, String> {
    #[derive(serde::Deserialize)]
    struct Manifest {
        package: Package,
    }
    #[derive(serde::Deserialize)]
    struct Package {
        #[serde(rename = "rust-version")]
        rust_version: String,
    }
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    toml::from_str::<Manifest>(&text)
        .map(|m| m.package.rust_version)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The library built with exactly the toolchain of its declared `rust-version` (installed by
/// rustup if missing), with default features and with none, from the locked dependencies:
/// the MSRV is a fact, not a hope.
fn msrv(report: &mut Report, root: &Path) {
    let start = Instant::now();
    let version = match declared_msrv(root) {
        Ok(v) => v,
        Err(e) => {
            report.push(Row::new(
                Tier::Host,
                HOST_ARCH,
                "msrv",
                false,
                start.elapsed(),
                e,
            ));
            return;
        }
    };
    let have = Command::new("rustup")
        .args(["run", &version, "rustc", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        step(
            report,
            &format!("install rust {version} (the MSRV)"),
            Command::new("rustup").args(["toolchain", "install", &version, "--profile", "minimal"]),
            |_| Ok(()),
        );
    }
    for (name, features) in [
        ("default features", None),
        ("no default features", Some("--no-default-features")),
    ] {
        step(
            report,
            &format!("msrv: build with rust {version} ({name})"),
            cargo(root, Some(&version))
                .args(["build", "-p", "baresock", "--lib", "--locked"])
                .args(features),
            |_| Ok(()),
        );
    }
}

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false)
}

/// What the host tier's tests use as peers, as (command, Debian package): dnsmasq for the DNS
/// tests (each starts its own on a loopback address), python3 for the fd-passing and socket
/// comparisons with CPython, glibc's getent and util-linux's unshare and mount for the
/// resolver's comparison with glibc (a mount namespace with the test's own /etc/hosts, in a
/// network namespace that iproute2's ip sets up).
pub(crate) const PEERS: &[(&str, &str)] = &[
    ("dnsmasq", "dnsmasq-base"),
    ("python3", "python3"),
    ("getent", "libc-bin"),
    ("unshare", "util-linux"),
    ("mount", "mount"),
    ("ip", "iproute2"),
];

/// Makes sure a Debian package's command exists; as root installs it (`apt-get update` first
/// if the install fails), otherwise says which command would.
pub(crate) fn ensure_package(command: &str, package: &str) -> Result<(), String> {
    if Command::new("sh")
        .args(["-c", &format!("command -v {command}")])
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Ok(());
    }
    let install = format!("apt-get install -y -q {package}");
    if !is_root() {
        return Err(format!(
            "{command} is missing; install it with: sudo {install}"
        ));
    }
    let attempt = |c: &str| {
        Command::new("sh")
            .args(["-c", c])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .output()
    };
    let both = format!("apt-get update -q && {install}");
    let mut last = String::new();
    // Another apt may hold the lock for a while (the VM tier fetches packages too): retry.
    for (i, cmd) in [&install, &both, &both, &both].into_iter().enumerate() {
        match attempt(cmd) {
            Ok(o) if o.status.success() => return Ok(()),
            Ok(o) => last = tail(&String::from_utf8_lossy(&o.stderr), 1),
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(Duration::from_secs(5 * i as u64));
    }
    Err(format!("could not run `{both}`: {last}"))
}

/// The packet examples end to end, as root: `capture` on `lo` with a filter that
/// `tcpdump -dd icmp` wrote, while `ping` pings 127.0.0.1 and tcpdump itself captures the same
/// on `lo`; then tcpdump reads both pcaps back: they must hold the same ICMP echoes, as many as
/// `capture` says it wrote (each frame once, as libpcap writes it on loopback, not its
/// outgoing and incoming copies); then `ping` pings ::1, where there is one.
fn examples(root: &Path, report: &mut Report) {
    let start = Instant::now();
    let mut row = |ok: bool, counts: Counts, note: String| {
        report.push(
            Row::new(
                Tier::Host,
                HOST_ARCH,
                "examples: ping, capture, tcpdump",
                ok,
                start.elapsed(),
                note,
            )
            .counts(counts),
        )
    };
    if !is_root() {
        return row(
            true,
            Counts {
                skipped: 1,
                ..Counts::default()
            },
            "skipped: raw and packet sockets need root".into(),
        );
    }
    if let Err(e) = ensure_package("tcpdump", "tcpdump") {
        return row(false, Counts::default(), e);
    }
    let r = run(cargo(root, None).args(["build", "--quiet", "--examples"]));
    if !r.ok {
        return row(false, Counts::default(), first_line(&r.output));
    }
    // Where cargo put the examples: CARGO_TARGET_DIR is honoured, as cargo does.
    let target_dir = crate::cross::Ws::find().target_dir;
    let dir = target_dir.join("xtask-examples");
    let _ = std::fs::create_dir_all(&dir);
    let (filter, pcap) = (dir.join("icmp.bpf"), dir.join("capture.pcap"));
    let theirs = dir.join("tcpdump.pcap");
    let bin = |name: &str| target_dir.join("debug/examples").join(name);
    let check = || -> Result<String, String> {
        let dd = Command::new("tcpdump")
            .args(["-dd", "icmp"])
            .output()
            .map_err(|e| e.to_string())?;
        std::fs::write(&filter, &dd.stdout).map_err(|e| e.to_string())?;
        // Three pings on lo are six frames: each request and reply once, as tcpdump sees them
        // (the outgoing copy of each is dropped, as libpcap drops it).
        let _ = std::fs::remove_file(&theirs);
        let mut tcpdump = Command::new("tcpdump")
            .args(["-i", "lo", "-nn", "-c", "6", "-w"])
            .arg(&theirs)
            .arg("icmp")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("tcpdump: {e}"))?;
        let capture = Command::new(bin("capture"))
            .args(["lo", "6"])
            .arg(&pcap)
            .arg(&filter)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        std::thread::sleep(Duration::from_millis(300));
        let ping = Command::new(bin("ping"))
            .args(["-c", "3", "-i", "0.1", "127.0.0.1"])
            .output()
            .map_err(|e| e.to_string())?;
        if !ping.status.success() {
            return Err(format!(
                "ping: {}",
                first_line(&String::from_utf8_lossy(&ping.stdout))
            ));
        }
        let out = capture.wait_with_output().map_err(|e| e.to_string())?;
        // tcpdump stops at 6; past 5 s it is stopped (and what it wrote is compared).
        let waited = Instant::now();
        while tcpdump.try_wait().map_err(|e| e.to_string())?.is_none() {
            if waited.elapsed() > Duration::from_secs(5) {
                let _ = tcpdump.kill();
                let _ = tcpdump.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() || !said.contains("captured 6 frames") {
            return Err(format!("capture: {}", said.trim()));
        }
        // The echoes in a pcap, as tcpdump prints them without their timestamps.
        let echoes = |path: &Path| -> Result<Vec<String>, String> {
            let read = Command::new("tcpdump")
                .args(["-nn", "-t", "-r"])
                .arg(path)
                .output()
                .map_err(|e| e.to_string())?;
            Ok(String::from_utf8_lossy(&read.stdout)
                .lines()
                .filter(|l| l.contains("ICMP echo"))
                .map(str::to_owned)
                .collect())
        };
        let (ours, tcpdumps) = (echoes(&pcap)?, echoes(&theirs)?);
        if ours.len() != 6 {
            return Err(format!(
                "tcpdump read {} ICMP echo packets from capture's pcap, not 6",
                ours.len()
            ));
        }
        if ours != tcpdumps {
            return Err(format!(
                "capture wrote {ours:?}, tcpdump captured {tcpdumps:?} on lo"
            ));
        }
        // ping's IPv6 path too, where this host has ::1.
        if std::net::UdpSocket::bind("[::1]:0").is_err() {
            return Ok(format!(
                "{} ; the same 6 as tcpdump ; no ::1 here",
                said.trim()
            ));
        }
        let ping6 = Command::new(bin("ping"))
            .args(["-c", "2", "-i", "0.1", "::1"])
            .output()
            .map_err(|e| e.to_string())?;
        if !ping6.status.success() {
            return Err(format!(
                "ping ::1: {}",
                first_line(&String::from_utf8_lossy(&ping6.stdout))
            ));
        }
        Ok(format!(
            "{} ; the same 6 as tcpdump ; ping ::1",
            said.trim()
        ))
    };
    match check() {
        Ok(note) => row(
            true,
            Counts {
                passed: 1,
                ..Counts::default()
            },
            note,
        ),
        Err(e) => row(false, Counts::default(), e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = "    Finished `test` profile\n     Running unittests src/lib.rs (target/debug/deps/baresock-0a1b)\na: test\nb: test\n\n2 tests, 0 benchmarks\n     Running tests/udp.rs (target/debug/deps/udp-3d4e)\nx: test\n\n1 test, 0 benchmarks\n   Doc-tests baresock\nsrc/lib.rs - (line 5): test\n\n1 test, 0 benchmarks\n";

    fn lib_and_udp(udp: &str) -> String {
        format!(
            "     Running unittests src/lib.rs (target/debug/deps/baresock-0a1b)\n\nrunning 2 tests\ntest a ... ok\ntest b ... ok\n\ntest result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n     Running tests/udp.rs (target/debug/deps/udp-3d4e)\n{udp}"
        )
    }

    const DOC: &str = "   Doc-tests baresock\n\nrunning 1 test\ntest src/lib.rs - (line 5) ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.10s\n";
    const UDP: &str = "\nrunning 1 test\ntest x ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n";

    #[test]
    fn the_msrv_is_the_manifests() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let v = declared_msrv(&root).unwrap();
        assert!(v.starts_with("1.") && v.split('.').count() == 2, "{v}");
    }

    #[test]
    fn cargo_test_accounts_for_every_binary() {
        let (row, _) = judge_cargo_test(LIST, true, &format!("{}{DOC}", lib_and_udp(UDP)), true);
        assert!(row.ok, "{}", row.note);
        assert_eq!(row.counts.passed, 4);
        assert_eq!(
            row.tests.as_deref().unwrap_or_default(),
            [
                "baresock-lib::a",
                "baresock-lib::b",
                "udp::x",
                "doctest-baresock::src/lib.rs - (line 5)"
            ]
        );
        // udp printed nothing and exited 0: cargo went on, and the row used to pass.
        let (row, _) = judge_cargo_test(LIST, true, &format!("{}{DOC}", lib_and_udp("\n")), true);
        assert!(!row.ok);
        assert_eq!(row.note, "udp: no test result (exit 0, no output)");
        // udp killed by a signal before its report.
        let killed = "\nrunning 1 test\nerror: test failed, to rerun pass `--test udp`\n\nCaused by:\n  process didn't exit successfully: `/w/target/debug/deps/udp-3d4e --show-output` (signal: 9, SIGKILL: kill)\n";
        let (row, _) =
            judge_cargo_test(LIST, true, &format!("{}{DOC}", lib_and_udp(killed)), false);
        assert!(!row.ok);
        assert_eq!(
            row.note,
            "udp: no test result (killed by signal 9 (SIGKILL))"
        );
        // The doctests never ran.
        let (row, _) = judge_cargo_test(LIST, true, &lib_and_udp(UDP), true);
        assert_eq!(row.note, "doctest-baresock: did not run");
    }
}
