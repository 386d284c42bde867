//! The target matrix: one `targets/<arch>.toml` per architecture (format in
//! `targets/README.md`), read with a small parser for the subset of TOML those files use.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

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

/// How to boot a real kernel of this architecture.
#[derive(Clone, Debug)]
pub struct VmSpec {
    /// Debian's name of the architecture (`arm64`, `ppc64el`, ...).
    pub debian_arch: String,
    /// Debian suites to take the kernel, busybox and can-utils from, the first that has the
    /// kernel (a mirror can serve a broken index for one architecture of one suite for days).
    pub suites: Vec<String>,
    /// The kernel metapackage (`linux-image-arm64`): the xtask follows it to the real image.
    pub kernel_package: String,
    /// qemu-system binary and the host package that has it.
    pub qemu: String,
    pub qemu_package: String,
    /// Machine arguments after the common ones (`-M virt -cpu max`).
    pub machine: Vec<String>,
    /// Console device for `console=` (empty: the kernel's default).
    pub console: String,
    /// Extra kernel command line.
    pub append: String,
    /// Boot the ELF kernel inside the x86 bzImage (decompressed once, on the host) through
    /// its PVH entry point: the bzImage's own decompression takes ~5 s under TCG.
    pub decompress_kernel: bool,
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

/// Every key a target file may have (a typo is an error, not a silent default).
const KEYS: &[&str] = &[
    "name",
    "order",
    "triple",
    "toolchain",
    "build_std",
    "rustflags",
    "linker",
    "libc",
    "endian",
    "pointer_width",
    "host_packages",
    "qemu_user.binary",
    "qemu_user.sysroot",
    "vm.debian_arch",
    "vm.suites",
    "vm.kernel_package",
    "vm.qemu",
    "vm.qemu_package",
    "vm.machine",
    "vm.console",
    "vm.append",
    "vm.decompress_kernel",
    "size.c_gcc",
];

fn parse_target(name: &str, text: &str) -> Result<Target, String> {
    let doc = parse_toml(text)?;
    if let Some(unknown) = doc.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!("unknown key `{unknown}`"));
    }
    let s = |key: &str| -> Result<String, String> {
        match doc.get(key) {
            Some(Value::Str(v)) => Ok(v.clone()),
            Some(_) => Err(format!("`{key}` must be a string")),
            None => Err(format!("`{key}` is missing")),
        }
    };
    let list = |key: &str| -> Result<Vec<String>, String> {
        match doc.get(key) {
            Some(Value::List(v)) => Ok(v.clone()),
            Some(_) => Err(format!("`{key}` must be a list of strings")),
            None => Ok(Vec::new()),
        }
    };
    let t = Target {
        name: name.to_owned(),
        order: match doc.get("order") {
            Some(Value::Int(n)) => *n,
            _ => i64::MAX,
        },
        triple: s("triple")?,
        toolchain: s("toolchain")?,
        build_std: matches!(doc.get("build_std"), Some(Value::Bool(true))),
        rustflags: list("rustflags")?,
        linker: s("linker")?,
        libc: s("libc")?,
        endian: s("endian")?,
        host_packages: list("host_packages")?,
        qemu_user: s("qemu_user.binary")?,
        sysroot: s("qemu_user.sysroot")?,
        vm: VmSpec {
            debian_arch: s("vm.debian_arch")?,
            suites: list("vm.suites")?,
            kernel_package: s("vm.kernel_package")?,
            qemu: s("vm.qemu")?,
            qemu_package: s("vm.qemu_package")?,
            machine: list("vm.machine")?,
            console: s("vm.console")?,
            append: s("vm.append")?,
            decompress_kernel: matches!(doc.get("vm.decompress_kernel"), Some(Value::Bool(true))),
        },
        c_gcc: s("size.c_gcc")?,
    };
    if s("name")? != name {
        return Err(format!("`name` must be the file's name, `{name}`"));
    }
    if !matches!(t.libc.as_str(), "musl" | "gnu") {
        return Err("`libc` must be \"musl\" or \"gnu\"".into());
    }
    if !matches!(t.endian.as_str(), "little" | "big") {
        return Err("`endian` must be \"little\" or \"big\"".into());
    }
    if t.vm.suites.is_empty() {
        return Err("`vm.suites` must name at least one suite".into());
    }
    if t.build_std && t.toolchain == "stable" {
        return Err("`build_std` needs a nightly toolchain".into());
    }
    Ok(t)
}

/// A value in the data files.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    List(Vec<String>),
    Bool(bool),
    Int(i64),
}

/// Parses the TOML subset the data files use: `# comments`, `[table]` headers, and
/// `key = value` lines where a value is a basic string, an integer, a boolean, or a one-line
/// array of strings. Keys under a table come back as `table.key`.
pub fn parse_toml(text: &str) -> Result<BTreeMap<String, Value>, String> {
    let mut out = BTreeMap::new();
    let mut table = String::new();
    for (n, raw) in text.lines().enumerate() {
        let err = |what: &str| format!("line {}: {what}: {raw}", n + 1);
        let line = strip_comment(raw).trim();
        if line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[') {
            table = name
                .strip_suffix(']')
                .ok_or_else(|| err("bad table header"))?
                .trim()
                .to_owned();
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .ok_or_else(|| err("expected `key = value`"))?;
        let key = key.trim();
        let value = value.trim();
        let value = if let Some(items) = value.strip_prefix('[') {
            let items = items
                .strip_suffix(']')
                .ok_or_else(|| err("arrays must fit on one line"))?;
            let mut list = Vec::new();
            let mut rest = items.trim();
            while !rest.is_empty() {
                let (s, after) = parse_string(rest).ok_or_else(|| err("bad string in array"))?;
                list.push(s);
                rest = after.trim_start();
                rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
            }
            Value::List(list)
        } else if value.starts_with('"') {
            match parse_string(value) {
                Some((s, after)) if after.trim().is_empty() => Value::Str(s),
                _ => return Err(err("bad string")),
            }
        } else if value == "true" || value == "false" {
            Value::Bool(value == "true")
        } else {
            Value::Int(
                value
                    .parse()
                    .map_err(|_| err("expected a string, integer, boolean or array"))?,
            )
        };
        let full = if table.is_empty() {
            key.to_owned()
        } else {
            format!("{table}.{key}")
        };
        if out.insert(full, value).is_some() {
            return Err(err("duplicate key"));
        }
    }
    Ok(out)
}

/// The line without a trailing `# comment` (a `#` inside a string stays).
fn strip_comment(line: &str) -> &str {
    let mut in_str = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_str => escaped = true,
            '"' => in_str = !in_str,
            '#' if !in_str => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Parses a basic string at the start of `s`; returns it and the rest.
fn parse_string(s: &str) -> Option<(String, &str)> {
    let mut chars = s.strip_prefix('"')?.char_indices();
    let mut out = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &s[i + 2..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                c @ ('"' | '\\') => out.push(c),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_subset() {
        let doc = parse_toml(
            "# c\nname = \"a#b\" # trailing\nn = 3\nyes = true\n[vm]\nmachine = [\"-M\", \"virt\",]\nempty = []\n",
        )
        .unwrap();
        assert_eq!(doc["name"], Value::Str("a#b".into()));
        assert_eq!(doc["n"], Value::Int(3));
        assert_eq!(doc["yes"], Value::Bool(true));
        assert_eq!(
            doc["vm.machine"],
            Value::List(vec!["-M".into(), "virt".into()])
        );
        assert_eq!(doc["vm.empty"], Value::List(vec![]));
        assert!(parse_toml("a = [\"x\"\n").is_err());
        assert!(parse_toml("a = 1\na = 2\n").is_err());
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
}
