//! The target matrix: one `targets/<arch>.toml` per architecture (format in
//! `targets/README.md`), read with the `toml` crate; an unknown key is an error.

use std::fs;
use std::path::Path;

use serde::Deserialize;

/// One architecture, as its data file describes it.
#[derive(Clone, Debug)]
pub struct Target {
    /// `x86_64`, `s390x`, ...: the file's stem, as given to `--target`.
    pub name: String,
    /// Position in the default order (the table lists targets in this order).
    pub order: i64,
    /// Rust target triple.
    pub triple: String,
    /// `stable` (the toolchain `cargo xtask` runs on) or a rustup toolchain name (`nightly`).
    pub toolchain: String,
    /// Build the standard library from source (`-Zbuild-std`, nightly only).
    pub build_std: bool,
    /// Extra rustc flags for this target's code (not build scripts).
    pub rustflags: Vec<String>,
    /// `CARGO_TARGET_<TRIPLE>_LINKER`.
    pub linker: String,
    /// `musl` (static, runs anywhere) or `gnu` (needs the sysroot's loader and libraries).
    pub libc: String,
    /// `little` or `big`: one target must be big-endian (a test says so).
    #[cfg_attr(not(test), allow(dead_code))]
    pub endian: String,
    /// Debian packages the host needs to build and link (cross gcc).
    pub host_packages: Vec<String>,
    /// qemu-user binary (`qemu-aarch64`) and the sysroot given to its `-L`.
    pub qemu_user: String,
    pub sysroot: String,
    pub vm: VmSpec,
    /// `cargo xtask size`: the gcc that compiles the C echo against Debian's musl-dev of
    /// this architecture (`aarch64-linux-gnu-gcc`, the one musl-dev's own wrapper runs).
    pub c_gcc: String,
}

/// How to boot a real kernel of this architecture (the file's `[vm]` table).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmSpec {
    /// Debian's name of the architecture (`arm64`, `ppc64el`, ...).
    pub debian_arch: String,
    /// Debian suites to take the kernel, busybox and can-utils from, the first that has the
    /// kernel (a mirror can serve a broken index for one architecture of one suite for days).
    #[serde(default)]
    pub suites: Vec<String>,
    /// The kernel metapackage (`linux-image-arm64`): the xtask follows it to the real image.
    pub kernel_package: String,
    /// Debian's architecture of the kernel, when it is not [`debian_arch`](Self::debian_arch):
    /// i686 boots Debian 13's amd64 kernel (Debian 13 has no i386 kernel) with an i386
    /// userland, the way Debian itself runs i386 programs now.
    #[serde(default)]
    pub kernel_arch: Option<String>,
    /// More kernels to boot the same test binaries on, each its own VM row: only the kernel
    /// (image and modules) comes from the kernel's suites, the userland from [`suites`](Self::suites).
    #[serde(default)]
    pub kernels: Vec<ExtraKernel>,
    /// qemu-system binary and the host package that has it.
    pub qemu: String,
    pub qemu_package: String,
    /// Machine arguments after the common ones (`-M virt -cpu max`).
    #[serde(default)]
    pub machine: Vec<String>,
    /// Console device for `console=` (empty: the kernel's default).
    pub console: String,
    /// Extra kernel command line.
    pub append: String,
    /// Boot the ELF kernel inside the x86 bzImage (decompressed once, on the host) through
    /// its PVH entry point: the bzImage's own decompression takes ~5 s under TCG.
    #[serde(default)]
    pub decompress_kernel: bool,
}

/// One more kernel of a target's VM (a `[[vm.kernels]]` table).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraKernel {
    /// The row's name: the test step is `test <name>` (`5.10`, `unstable`).
    pub name: String,
    /// Debian suites to take the kernel from, the first whose kernel downloads.
    pub suites: Vec<String>,
    /// The kernel metapackage for this kernel instead of the target's `[vm] kernel_package`.
    #[serde(default)]
    pub kernel_package: Option<String>,
    /// Machine arguments for this kernel instead of the target's `[vm] machine`.
    #[serde(default)]
    pub machine: Option<Vec<String>>,
    /// Extra kernel command line for this kernel instead of the target's `[vm] append`.
    #[serde(default)]
    pub append: Option<String>,
}

impl VmSpec {
    /// Debian's architecture of the kernel: [`kernel_arch`](Self::kernel_arch), else
    /// [`debian_arch`](Self::debian_arch).
    pub fn kernel_arch(&self) -> &str {
        self.kernel_arch.as_deref().unwrap_or(&self.debian_arch)
    }
}

impl Target {
    /// The environment-variable form of the triple: `CARGO_TARGET_<THIS>_LINKER`.
    pub fn env_triple(&self) -> String {
        self.triple.to_uppercase().replace(['-', '.'], "_")
    }

    /// The qemu-user command prefix: `qemu-arm -L /usr/arm-linux-gnueabihf`.
    pub fn runner(&self) -> Vec<String> {
        let mut cmd = vec![self.qemu_user.clone()];
        if !self.sysroot.is_empty() {
            cmd.push("-L".into());
            cmd.push(self.sysroot.clone());
        }
        cmd
    }
}

/// Loads the targets named in `selected` (architecture names or triples), in the order given;
/// every target when `selected` is empty. Unknown names are errors.
pub fn load(dir: &Path, selected: &[String]) -> Result<Vec<Target>, String> {
    let mut all = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "toml") {
            let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let name = path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            all.push(parse_target(&name, &text).map_err(|e| format!("{}: {e}", path.display()))?);
        }
    }
    all.sort_by(|a, b| (a.order, &a.name).cmp(&(b.order, &b.name)));
    if selected.is_empty() {
        return Ok(all);
    }
    selected
        .iter()
        .map(|want| {
            all.iter()
                .find(|t| &t.name == want || &t.triple == want)
                .cloned()
                .ok_or_else(|| {
                    let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
                    format!("unknown target `{want}` (known: {})", names.join(", "))
                })
        })
        .collect()
}

/// A target file as written (format in `targets/README.md`); [`parse_target`] checks it and
/// makes it a [`Target`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetFile {
    name: String,
    #[serde(default = "last")]
    order: i64,
    triple: String,
    toolchain: String,
    #[serde(default)]
    build_std: bool,
    #[serde(default)]
    rustflags: Vec<String>,
    linker: String,
    libc: String,
    endian: String,
    /// For people reading the table; the xtask does not use it.
    #[allow(dead_code)]
    pointer_width: String,
    #[serde(default)]
    host_packages: Vec<String>,
    qemu_user: QemuUserFile,
    vm: VmSpec,
    size: SizeFile,
}

/// A file without `order` sorts last.
fn last() -> i64 {
    i64::MAX
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QemuUserFile {
    binary: String,
    sysroot: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SizeFile {
    c_gcc: String,
}

fn parse_target(name: &str, text: &str) -> Result<Target, String> {
    let f: TargetFile = toml::from_str(text).map_err(|e| e.to_string())?;
    if f.name != name {
        return Err(format!("`name` must be the file's name, `{name}`"));
    }
    if !matches!(f.libc.as_str(), "musl" | "gnu") {
        return Err("`libc` must be \"musl\" or \"gnu\"".into());
    }
    if !matches!(f.endian.as_str(), "little" | "big") {
        return Err("`endian` must be \"little\" or \"big\"".into());
    }
    if f.vm.suites.is_empty() {
        return Err("`vm.suites` must name at least one suite".into());
    }
    let mut names = std::collections::BTreeSet::new();
    for k in &f.vm.kernels {
        let plain = !k.name.is_empty()
            && k.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
        if !plain {
            return Err(format!(
                "`vm.kernels` name `{}`: letters, digits, `.`, `-` and `_` only",
                k.name
            ));
        }
        if !names.insert(k.name.as_str()) {
            return Err(format!("`vm.kernels` names `{}` twice", k.name));
        }
        if k.suites.is_empty() {
            return Err(format!(
                "`vm.kernels` `{}` must name at least one suite",
                k.name
            ));
        }
    }
    if f.build_std && f.toolchain == "stable" {
        return Err("`build_std` needs a nightly toolchain".into());
    }
    Ok(Target {
        name: f.name,
        order: f.order,
        triple: f.triple,
        toolchain: f.toolchain,
        build_std: f.build_std,
        rustflags: f.rustflags,
        linker: f.linker,
        libc: f.libc,
        endian: f.endian,
        host_packages: f.host_packages,
        qemu_user: f.qemu_user.binary,
        sysroot: f.qemu_user.sysroot,
        vm: f.vm,
        c_gcc: f.size.c_gcc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_file_is_an_error_that_says_why() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../targets");
        let good = fs::read_to_string(dir.join("s390x.toml")).unwrap();
        assert!(parse_target("s390x", &good).is_ok());
        // A typo is an unknown key, not a silent default.
        let typo = good.replace("endian =", "endianness =");
        let e = parse_target("s390x", &typo).unwrap_err();
        assert!(e.contains("endianness"), "{e}");
        // A missing string, a wrong type, a wrong name, a bad value.
        let e = parse_target("s390x", &good.replace("triple = ", "# triple = ")).unwrap_err();
        assert!(e.contains("triple"), "{e}");
        let e = parse_target("s390x", &good.replace("order = 7", "order = \"7\"")).unwrap_err();
        assert!(e.contains("order"), "{e}");
        assert!(parse_target("s390", &good)
            .unwrap_err()
            .contains("file's name"));
        let e = parse_target(
            "s390x",
            &good.replace("endian = \"big\"", "endian = \"middle\""),
        );
        assert!(e.unwrap_err().contains("endian"));
    }

    #[test]
    fn the_repository_targets_parse() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../targets");
        let all = load(&dir, &[]).unwrap();
        let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "x86_64",
                "i686",
                "aarch64",
                "armv7",
                "riscv64",
                "powerpc64le",
                "s390x"
            ]
        );
        assert!(all.iter().any(|t| t.endian == "big"));
        // Each names its own architecture's gcc: `<GNU triple>-gcc`.
        for t in &all {
            let cpu = t.c_gcc.split('-').next().unwrap_or("");
            assert!(
                t.c_gcc.ends_with("-linux-gnu-gcc") || t.c_gcc.ends_with("-linux-gnueabihf-gcc"),
                "{}",
                t.c_gcc
            );
            assert!(
                t.triple.starts_with(cpu) || (cpu == "arm" && t.triple.starts_with("armv7")),
                "{}: {}",
                t.name,
                t.c_gcc
            );
        }
    }

    #[test]
    fn extra_kernels_and_the_kernel_arch() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../targets");
        let all = load(&dir, &[]).unwrap();
        let get = |n: &str| all.iter().find(|t| t.name == n).unwrap();
        // The current stable release's kernel first everywhere.
        for t in &all {
            assert_eq!(t.vm.suites[0], "trixie", "{}", t.name);
        }
        for n in ["x86_64", "armv7"] {
            let k: Vec<(&str, &[String])> = get(n)
                .vm
                .kernels
                .iter()
                .map(|k| (k.name.as_str(), &k.suites[..]))
                .collect();
            assert_eq!(
                k,
                [
                    ("5.10", &["bullseye".to_owned()][..]),
                    ("unstable", &["sid".to_owned()][..])
                ],
                "{n}"
            );
        }
        assert_eq!(get("i686").vm.kernel_arch(), "amd64");
        assert_eq!(get("i686").vm.debian_arch, "i386");
        assert_eq!(get("s390x").vm.kernel_arch(), "s390x");

        let good = fs::read_to_string(dir.join("s390x.toml")).unwrap();
        let with = |extra: &str| {
            parse_target(
                "s390x",
                &good.replace("[size]", &format!("{extra}\n[size]")),
            )
        };
        assert!(with("[[vm.kernels]]\nname = \"5.10\"\nsuites = [\"bullseye\"]\n").is_ok());
        let e = with("[[vm.kernels]]\nname = \"5 10\"\nsuites = [\"bullseye\"]\n").unwrap_err();
        assert!(e.contains("5 10"), "{e}");
        let e = with("[[vm.kernels]]\nname = \"old\"\nsuites = []\n").unwrap_err();
        assert!(e.contains("at least one suite"), "{e}");
        let twice = "[[vm.kernels]]\nname = \"a\"\nsuites = [\"sid\"]\n";
        let e = with(&format!("{twice}{twice}")).unwrap_err();
        assert!(e.contains("twice"), "{e}");
        let e = with("[[vm.kernels]]\nname = \"a\"\nsuite = [\"sid\"]\n").unwrap_err();
        assert!(e.contains("suite"), "{e}");
    }
}
