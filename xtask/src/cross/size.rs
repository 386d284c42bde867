//! `cargo xtask size`: the size of the `#![no_std]` UDP echo server on baresock, per
//! architecture, beside the same server
//! - on rustix alone (`rustix-echo`, the same crate): what baresock itself adds;
//! - with std on musl (`examples/size-compare/std-echo`), where rustup serves a musl std here
//!   (x86_64, i686, aarch64);
//! - in C with musl-gcc (`examples/size-compare/echo.c`), where Debian has a musl compiler
//!   (musl-tools: the host's own architecture only; Debian 12 has no musl cross compiler).
//!
//! Same linker settings in every column of an architecture: rust-lld links every program,
//! static and not position-independent, with `--gc-sections -z relro -z now` (what rustc
//! passes; the C build passes the same), no unwind tables, and every program is stripped the
//! same way (`rust-objcopy --strip-all`). For reference only, the C program as
//! `musl-gcc -Os -static` builds it with Debian's ld (which pads to 4 KiB pages).
//!
//! Goals (issue 10): at most 3 KiB on x86_64, and smaller than C + musl on every architecture
//! where that exists. Exits non-zero when a build fails or a goal is missed.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::echo;
use super::install::{self, which, Tier};
use super::proc::{run_limited, show, tail};
use super::targets::{self, Target};
use super::Ws;

/// The comparisons' directory, from the workspace root.
const COMPARE_DIR: &str = "examples/size-compare";
/// x86_64's goal.
const X86_64_GOAL: u64 = 3 * 1024;
/// The C build, linked by rust-lld (through gcc's `-fuse-ld=lld` and rustc's `gcc-ld`
/// directory) with rustc's flags. musl's specs always name a dynamic linker, which lld would
/// honour even in a static link: `--no-dynamic-linker` drops it.
const C_FLAGS: &[&str] = &[
    "-Os",
    "-static",
    "-fno-pie",
    "-no-pie",
    "-fno-asynchronous-unwind-tables",
    "-ffunction-sections",
    "-fdata-sections",
    "-fuse-ld=lld",
    "-Wl,--no-dynamic-linker,--gc-sections,-z,relro,-z,now,--eh-frame-hdr,-z,noexecstack",
];
/// The std build's flags, as the no_std example's `.cargo/config.toml` has them for the same
/// linker settings (the musl targets link self-contained: musl's crt and libc from rustup).
const STD_FLAGS: &[&str] = &[
    "-Clinker=rust-lld",
    "-Crelocation-model=static",
    "-Ctarget-feature=+crt-static",
    "-Cforce-unwind-tables=no",
];

/// One cell of the table: bytes, or why there is no figure.
enum Cell {
    Bytes(u64),
    NotApplicable(&'static str),
    Failed(String),
}

impl Cell {
    fn bytes(&self) -> Option<u64> {
        match self {
            Cell::Bytes(n) => Some(*n),
            _ => None,
        }
    }

    fn show(&self) -> String {
        match self {
            Cell::Bytes(n) => thousands(*n),
            Cell::NotApplicable(_) => "n/a".into(),
            Cell::Failed(_) => "FAILED".into(),
        }
    }
}

/// `12,345`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One architecture's row.
struct Sizes {
    arch: String,
    nostd: Cell,
    rustix: Cell,
    std: Cell,
    c: Cell,
    c_default: Cell,
}

/// Runs `cargo xtask size` for the architectures named in `selected` (all when empty);
/// returns whether everything built and every goal was met.
pub fn run_size(selected: &[String]) -> bool {
    let ws = Ws::find();
    let list = match targets::load(&ws.root.join("targets"), selected) {
        Ok(list) => list,
        Err(e) => {
            eprintln!("xtask: {e}");
            return false;
        }
    };
    let prepared = install::prepare(&ws, &list, Tier::Size);
    for (arch, why) in &prepared.missing {
        eprintln!("xtask: {arch}: {why}");
    }
    let ready: Vec<&Target> = list
        .iter()
        .filter(|t| !prepared.missing.contains_key(&t.name))
        .collect();

    let nostd = if ready.is_empty() {
        Err("nothing to build".to_string())
    } else {
        echo::build(&ws, &ready, &[echo::ECHO, echo::BASELINE])
    };
    let musl: Vec<&Target> = ready.iter().copied().filter(|t| t.libc == "musl").collect();
    let std_built = if musl.is_empty() {
        Ok(())
    } else {
        build_std(&ws, &musl)
    };

    let mut rows = Vec::new();
    for t in &list {
        let missing = prepared.missing.get(&t.name);
        let rust = |bin: &str| -> Cell {
            if let Some(why) = missing {
                return Cell::Failed(why.clone());
            }
            if let Err(e) = &nostd {
                return Cell::Failed(e.clone());
            }
            let path = echo::built(&ws, t, bin);
            let checked = echo::check_static(&path)
                .map_err(|e| format!("{bin}: {e}"))
                .and_then(|()| echo::strip(&ws, &path, &echo::stripped(&ws, &t.name, bin)));
            checked.map_or_else(Cell::Failed, Cell::Bytes)
        };
        let std = if t.libc != "musl" {
            Cell::NotApplicable("rustup serves no musl std for this architecture here")
        } else if let Some(why) = missing {
            Cell::Failed(why.clone())
        } else {
            match &std_built {
                Err(e) => Cell::Failed(e.clone()),
                Ok(()) => {
                    let path = ws
                        .target_dir
                        .join(&t.triple)
                        .join("release")
                        .join("std-echo");
                    echo::strip(&ws, &path, &echo::stripped(&ws, &t.name, "std-echo"))
                        .map_or_else(Cell::Failed, Cell::Bytes)
                }
            }
        };
        let (c, c_default) = if t.name != std::env::consts::ARCH {
            let why = "Debian 12 has no musl cross compiler";
            (Cell::NotApplicable(why), Cell::NotApplicable(why))
        } else {
            build_c(&ws, &t.name)
        };
        rows.push(Sizes {
            arch: t.name.clone(),
            nostd: rust(echo::ECHO),
            rustix: rust(echo::BASELINE),
            std,
            c,
            c_default,
        });
    }
    println!("\n{}", table(&rows));
    let (report, met) = goals(&rows);
    println!("{report}");
    let failures: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            [&r.nostd, &r.rustix, &r.std, &r.c, &r.c_default]
                .into_iter()
                .filter_map(move |c| match c {
                    Cell::Failed(why) => Some(format!("{}: {why}", r.arch)),
                    _ => None,
                })
        })
        .collect();
    for f in &failures {
        println!("FAILED {f}");
    }
    failures.is_empty() && met
}

/// The std echo for the musl targets, in one cargo run (the workspace's own toolchain).
fn build_std(ws: &Ws, targets: &[&Target]) -> Result<(), String> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(ws.root.join(COMPARE_DIR).join("std-echo"))
        .args(["build", "--release"])
        .env("CARGO_TARGET_DIR", &ws.target_dir)
        .env("CARGO_PROFILE_RELEASE_STRIP", "false")
        .env_remove("RUSTFLAGS")
        .env("CARGO_ENCODED_RUSTFLAGS", STD_FLAGS.join("\u{1f}"));
    for t in targets {
        cmd.args(["--target", &t.triple]);
    }
    eprintln!("xtask: $ {}", show(&cmd));
    let done = run_limited(&mut cmd, Duration::from_secs(20 * 60))
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if done.success() {
        Ok(())
    } else {
        eprintln!("{}", tail(&done.output, 40));
        Err(format!(
            "std-echo: cargo build failed ({})",
            done.describe()
        ))
    }
}

/// The C echo with musl-gcc: linked by rust-lld with the Rust programs' flags, and (for
/// reference) as `musl-gcc -Os -static` links it with Debian's ld. Both stripped alike.
fn build_c(ws: &Ws, arch: &str) -> (Cell, Cell) {
    let Some(gcc) = which("musl-gcc") else {
        let why = "musl-gcc is missing (apt-get install musl-tools)".to_string();
        return (Cell::Failed(why.clone()), Cell::Failed(why));
    };
    let source = ws.root.join(COMPARE_DIR).join("echo.c");
    let dir = ws.target_dir.join("xtask-size").join(arch);
    let _ = std::fs::create_dir_all(&dir);
    let compile = |name: &str, flags: &[&str], lld: Option<&Path>| -> Cell {
        let out = dir.join(format!("{name}.unstripped"));
        let mut cmd = Command::new(&gcc);
        cmd.args(flags);
        if let Some(dir) = lld {
            cmd.arg("-B").arg(dir);
        }
        cmd.arg("-o").arg(&out).arg(&source);
        eprintln!("xtask: $ {}", show(&cmd));
        match run_limited(&mut cmd, Duration::from_secs(120)) {
            Ok(done) if done.success() => {
                echo::strip(ws, &out, &dir.join(name)).map_or_else(Cell::Failed, Cell::Bytes)
            }
            Ok(done) => Cell::Failed(format!(
                "{name}: {} {}",
                done.describe(),
                tail(&done.output, 5)
            )),
            Err(e) => Cell::Failed(format!("{name}: {e}")),
        }
    };
    let lld = match echo::host_tools(ws) {
        Ok((_, bin)) => bin.join("gcc-ld"),
        Err(e) => return (Cell::Failed(e.clone()), Cell::Failed(e)),
    };
    (
        compile("c-echo", C_FLAGS, Some(&lld)),
        compile("c-echo-debian-ld", &["-Os", "-static"], None),
    )
}

fn table(rows: &[Sizes]) -> String {
    let mut out = String::from(
        "UDP echo server, static, stripped (bytes). Same linker settings in every column but \
         the last:\nrust-lld, static non-PIE, --gc-sections -z relro -z now, no unwind tables, \
         rust-objcopy --strip-all.\n\n",
    );
    let head = [
        "arch",
        "no_std baresock",
        "no_std rustix",
        "baresock adds",
        "std, musl",
        "C, musl",
        "C, musl, Debian ld",
    ];
    let mut lines: Vec<[String; 7]> = vec![head.map(String::from)];
    for r in rows {
        let adds = match (r.nostd.bytes(), r.rustix.bytes()) {
            (Some(a), Some(b)) if a >= b => format!("+{}", thousands(a - b)),
            (Some(a), Some(b)) => format!("-{}", thousands(b - a)),
            _ => "-".into(),
        };
        lines.push([
            r.arch.clone(),
            r.nostd.show(),
            r.rustix.show(),
            adds,
            r.std.show(),
            r.c.show(),
            r.c_default.show(),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| lines.iter().map(|l| l[i].len()).max().unwrap_or(0))
        .collect();
    for l in &lines {
        let mut line = format!("{:w$}", l[0], w = widths[0]);
        for i in 1..7 {
            line.push_str(&format!("  {:>w$}", l[i], w = widths[i]));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let mut notes: Vec<String> = Vec::new();
    for (what, cell) in [("std", 0), ("C", 1)] {
        for r in rows {
            if let Cell::NotApplicable(why) = [&r.std, &r.c][cell] {
                let note = format!("{what} n/a: {why}");
                if !notes.contains(&note) {
                    notes.push(note);
                }
            }
        }
    }
    for n in notes {
        out.push_str(&format!("{n}.\n"));
    }
    out
}

/// The goal check: its text and whether every goal was met.
fn goals(rows: &[Sizes]) -> (String, bool) {
    let mut out = String::from("Goals:\n");
    let mut met = true;
    let mut verdict = |ok: bool| {
        met &= ok;
        if ok {
            "met"
        } else {
            "MISSED"
        }
    };
    for r in rows {
        if r.arch == "x86_64" {
            if let Some(n) = r.nostd.bytes() {
                out.push_str(&format!(
                    "  x86_64 no_std echo <= {} B: {} B, {}\n",
                    thousands(X86_64_GOAL),
                    thousands(n),
                    verdict(n <= X86_64_GOAL)
                ));
            }
        }
        if let (Some(n), Some(c)) = (r.nostd.bytes(), r.c.bytes()) {
            out.push_str(&format!(
                "  {} no_std echo smaller than C + musl: {} B vs {} B, {}\n",
                r.arch,
                thousands(n),
                thousands(c),
                verdict(n < c)
            ));
        }
    }
    (out, met)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(366720), "366,720");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    fn row(arch: &str, nostd: u64, c: Option<u64>) -> Sizes {
        Sizes {
            arch: arch.into(),
            nostd: Cell::Bytes(nostd),
            rustix: Cell::Bytes(1000),
            std: Cell::NotApplicable("none"),
            c: c.map_or(Cell::NotApplicable("none"), Cell::Bytes),
            c_default: Cell::NotApplicable("none"),
        }
    }

    #[test]
    fn goal_check() {
        let (text, met) = goals(&[row("x86_64", 3072, Some(4568)), row("s390x", 9000, None)]);
        assert!(met, "{text}");
        let (text, met) = goals(&[row("x86_64", 3073, Some(4568))]);
        assert!(!met);
        assert!(text.contains("3,073 B, MISSED"), "{text}");
        let (_, met) = goals(&[row("aarch64", 2000, Some(1999))]);
        assert!(!met);
        let t = table(&[row("x86_64", 3072, Some(4568)), row("s390x", 9000, None)]);
        assert!(t.contains("+2,072"), "{t}");
        assert!(t.contains("C n/a: none."), "{t}");
    }
}
