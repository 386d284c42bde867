//! Debian's musl for the C echo of `cargo xtask size`, on every architecture.
//!
//! Debian's `musl-dev` of an architecture is a musl-gcc for it: the headers in
//! `/usr/include/<multiarch>`, the crt objects and `libc.a` in `/usr/lib/<multiarch>`, a
//! `musl-gcc.specs` there that names them by absolute path (and gcc's own `crtbeginS.o`,
//! `libgcc.a`), and `/usr/bin/<multiarch>-gcc`, a wrapper running
//! `${REALGCC:-aarch64-linux-gnu-gcc} "$@" -specs <those specs>` (the package depends on that
//! cross gcc). We fetch the package with a private apt state, as the VM tier fetches its guest
//! kernels (the target's `[vm] debian_arch`, from the first of its `[vm] suites` that has it:
//! riscv64 is not in bookworm), unpack it with `dpkg-deb -x` into
//! `target/xtask-cache/musl/<arch>/`, and write a copy of its specs with the paths moved into
//! that tree. The same gcc with that copy compiles and links exactly as the wrapper would, and
//! nothing is installed on the host.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::apt::first_suite;
use super::proc::run_stdout;
use super::targets::Target;
use super::Ws;

const PACKAGE: &str = "musl-dev";

/// One architecture's unpacked musl-dev.
pub struct Musl {
    /// The relocated `musl-gcc.specs`: give it to gcc with `-specs`.
    pub specs: PathBuf,
    /// The gcc the package's wrapper runs (`aarch64-linux-gnu-gcc`).
    pub gcc: String,
    /// The suite it came from (`bookworm`).
    pub suite: String,
    /// `1.2.3-1`.
    pub version: String,
}

impl Musl {
    /// The cached musl-dev of `t`, or a freshly fetched one.
    pub fn get(ws: &Ws, t: &Target) -> Result<Musl, String> {
        let dir = ws.cache.join("musl").join(&t.name);
        let stamp = dir.join("musl.txt");
        // What the cache holds must match what the data file asks for.
        let key = format!("{} {}", t.vm.debian_arch, t.vm.suites.join(","));
        if let Ok(text) = fs::read_to_string(&stamp) {
            let field = |k: &str| super::stamp_field(&text, k);
            let libc = dir.join(field("libc="));
            let m = Musl {
                specs: dir.join("musl-gcc.specs"),
                gcc: field("gcc="),
                suite: field("suite="),
                version: field("version="),
            };
            if field("key=") == key && m.specs.is_file() && libc.is_file() && !m.gcc.is_empty() {
                return Ok(m);
            }
        }
        eprintln!(
            "xtask: fetching {PACKAGE} for {} ({})",
            t.vm.debian_arch, t.name
        );
        let _ = fs::remove_dir_all(&dir);
        let (m, libc) = fetch(ws, t, &dir)?;
        let libc = libc
            .strip_prefix(&dir)
            .unwrap_or(&libc)
            .display()
            .to_string();
        let text = format!(
            "key={key}\ngcc={}\nsuite={}\nversion={}\nlibc={libc}\n",
            m.gcc, m.suite, m.version
        );
        fs::write(&stamp, text).map_err(|e| format!("{}: {e}", stamp.display()))?;
        Ok(m)
    }
}

/// Downloads and unpacks musl-dev of `t` into `dir`, from the first of its suites that has
/// it; returns it and the path of its `libc.a`.
fn fetch(ws: &Ws, t: &Target, dir: &Path) -> Result<(Musl, PathBuf), String> {
    // The same private states as the VM tier's for this architecture.
    let (apt, suite, version) =
        first_suite(&ws.cache, &t.vm.debian_arch, &t.vm.suites, PACKAGE, |apt| {
            apt.version(PACKAGE)
        })?;
    let debs = dir.join("debs");
    apt.download(&[PACKAGE.to_owned()], &debs)?;
    let deb = fs::read_dir(&debs)
        .map_err(|e| format!("{}: {e}", debs.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .ok_or_else(|| format!("apt-get download {PACKAGE}: no .deb"))?;
    let root = dir.join("root");
    run_stdout(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root))?;
    let _ = fs::remove_dir_all(&debs);
    let (musl, libc) = relocate(&root, dir)?;
    Ok((
        Musl {
            suite: suite.to_owned(),
            version,
            ..musl
        },
        libc,
    ))
}

/// Finds the multiarch directory of the unpacked package at `root` (the one under `usr/lib`
/// with `libc.a` and `musl-gcc.specs`), writes its specs relocated into `root` as
/// `dir/musl-gcc.specs`, and reads the gcc its wrapper runs. Returns them and `libc.a`'s path.
fn relocate(root: &Path, dir: &Path) -> Result<(Musl, PathBuf), String> {
    let lib = root.join("usr/lib");
    let multiarch = fs::read_dir(&lib)
        .map_err(|e| format!("{}: {e}", lib.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|m| {
            lib.join(m).join("libc.a").is_file() && lib.join(m).join("musl-gcc.specs").is_file()
        })
        .ok_or_else(|| {
            format!("{PACKAGE}: no usr/lib/<multiarch>/ with libc.a and musl-gcc.specs")
        })?;
    let read = |p: PathBuf| fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()));
    let specs = read(lib.join(&multiarch).join("musl-gcc.specs"))?;
    let wrapper = read(root.join("usr/bin").join(format!("{multiarch}-gcc")))?;
    let gcc = real_gcc(&wrapper)
        .ok_or_else(|| format!("{PACKAGE}: its {multiarch}-gcc names no REALGCC default"))?;
    let relocated = relocate_specs(&specs, &multiarch, root)?;
    let path = dir.join("musl-gcc.specs");
    fs::write(&path, relocated).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((
        Musl {
            specs: path,
            gcc,
            suite: String::new(),
            version: String::new(),
        },
        lib.join(&multiarch).join("libc.a"),
    ))
}

/// The gcc a musl-gcc wrapper runs by default: `X` of `${REALGCC:-X}`.
fn real_gcc(wrapper: &str) -> Option<String> {
    let rest = &wrapper[wrapper.find("${REALGCC:-")? + "${REALGCC:-".len()..];
    let gcc = &rest[..rest.find('}')?];
    (!gcc.is_empty()).then(|| gcc.to_owned())
}

/// musl-gcc's specs with its absolute paths (`/usr/include/<multiarch>`,
/// `/usr/lib/<multiarch>`) moved under `root`. gcc splits specs at blanks: `root` must have
/// none.
fn relocate_specs(specs: &str, multiarch: &str, root: &Path) -> Result<String, String> {
    let root = root.display().to_string();
    if root.contains(char::is_whitespace) {
        return Err(format!(
            "{root}: gcc's specs cannot name a path with blanks"
        ));
    }
    let mut out = specs.to_owned();
    for dir in ["/usr/include/", "/usr/lib/"] {
        let from = format!("{dir}{multiarch}");
        if !out.contains(&from) {
            return Err(format!("musl-gcc.specs never names {from}"));
        }
        out = out.replace(&from, &format!("{root}{from}"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapper_gcc() {
        let w = "#!/bin/sh\nexec \"${REALGCC:-arm-linux-gnueabihf-gcc}\" \"$@\" -specs \"/usr/lib/arm-linux-musleabihf/musl-gcc.specs\"\n";
        assert_eq!(real_gcc(w).as_deref(), Some("arm-linux-gnueabihf-gcc"));
        assert_eq!(real_gcc("exec gcc \"$@\""), None);
        assert_eq!(real_gcc("${REALGCC:-}"), None);
    }

    #[test]
    fn specs_relocated() {
        let specs = "*cc1:\n%(cc1_cpu) -nostdinc -isystem /usr/include/s390x-linux-musl -isystem include%s\n\n\
                     *startfile:\n%{!shared: /usr/lib/s390x-linux-musl/Scrt1.o} /usr/lib/s390x-linux-musl/crti.o crtbeginS.o%s\n\n\
                     *link:\n-dynamic-linker /lib/ld-musl-s390x.so.1 -nostdlib\n";
        let out =
            relocate_specs(specs, "s390x-linux-musl", Path::new("/t/musl/s390x/root")).unwrap();
        assert!(
            out.contains(
                "-isystem /t/musl/s390x/root/usr/include/s390x-linux-musl -isystem include%s"
            ),
            "{out}"
        );
        assert!(out.contains("%{!shared: /t/musl/s390x/root/usr/lib/s390x-linux-musl/Scrt1.o} /t/musl/s390x/root/usr/lib/s390x-linux-musl/crti.o crtbeginS.o%s"), "{out}");
        // Only musl's own directories move: the loader's name and gcc's files stay.
        assert!(
            out.contains("-dynamic-linker /lib/ld-musl-s390x.so.1 -nostdlib"),
            "{out}"
        );
        assert!(!out.contains(" /usr/"), "{out}");
        assert!(relocate_specs(specs, "s390x-linux-musl", Path::new("/a b")).is_err());
        assert!(relocate_specs(specs, "aarch64-linux-musl", Path::new("/t")).is_err());
    }
}
