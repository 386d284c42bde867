//! The guest's initramfs: busybox, `qemu/init`, the modules in order, can-utils, and this run's test binaries and no_std programs.

use super::*;

/// The no_std programs (`examples/nostd-echo`) put, stripped, into the guest's
/// [`ECHO_DIR`]: `qemu/init` exports each one's path to the tests (tests/vm_guest.rs runs
/// the echo servers against 1,000 TCP connections and a UDP client inside the guest, and
/// `nostd-ip`'s commands against the library's view of their effect).
pub(super) const GUEST_ECHOES: [&str; 3] = [
    crate::cross::echo::ECHO,
    crate::cross::async_echo::ASYNC_ECHO,
    crate::cross::nostd_ip::NOSTD_IP,
];
/// Where the guest has the [`GUEST_ECHOES`].
pub(super) const ECHO_DIR: &str = "opt/echo";

/// A module's name as the kernel compares them: `-` and `_` are the same.
pub(super) fn module_key(name: &str) -> String {
    name.replace('_', "-")
}

/// The `depends=` field of a module's `.modinfo` section.
pub(super) fn module_depends(ko: &[u8]) -> Vec<String> {
    let needle = b"depends=";
    let Some(at) = ko.windows(needle.len()).position(|w| w == needle) else {
        return Vec::new();
    };
    let rest = &ko[at + needle.len()..];
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    String::from_utf8_lossy(&rest[..end])
        .split(',')
        .filter(|s| !s.is_empty())
        .map(module_key)
        .collect()
}

/// The modules to load, in order: `qemu/modules.txt`, each preceded by the dependencies
/// its `.modinfo` names. Returns (name, file) pairs and warnings for modules that are missing.
pub(super) fn module_order(
    wanted: &[String],
    modules_dir: &Path,
) -> (Vec<(String, PathBuf)>, Vec<String>) {
    let mut files: BTreeMap<String, PathBuf> = BTreeMap::new();
    walk(modules_dir, &mut |p| {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        if let Some(stem) = name.strip_suffix(".ko") {
            files.insert(module_key(stem), p.to_path_buf());
        }
    });
    let builtin: BTreeSet<String> = fs::read_to_string(modules_dir.join("modules.builtin"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.rsplit('/').next())
        .map(|n| module_key(n.trim_end_matches(".ko")))
        .collect();
    let mut order = Vec::new();
    let mut warnings = Vec::new();
    let mut seen = BTreeSet::new();
    fn visit(
        name: &str,
        files: &BTreeMap<String, PathBuf>,
        builtin: &BTreeSet<String>,
        seen: &mut BTreeSet<String>,
        order: &mut Vec<(String, PathBuf)>,
        warnings: &mut Vec<String>,
    ) {
        if !seen.insert(name.to_owned()) || builtin.contains(name) {
            return;
        }
        let Some(path) = files.get(name) else {
            warnings.push(format!("module {name} is not in this kernel"));
            return;
        };
        for dep in module_depends(&fs::read(path).unwrap_or_default()) {
            visit(&dep, files, builtin, seen, order, warnings);
        }
        order.push((name.to_owned(), path.clone()));
    }
    for w in wanted {
        visit(
            &module_key(w),
            &files,
            &builtin,
            &mut seen,
            &mut order,
            &mut warnings,
        );
    }
    (order, warnings)
}

pub(super) fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Examples copied into the guest's `/examples`, for the interop tests in tests/can_utils.rs.
pub(super) const GUEST_EXAMPLES: [&str; 3] = ["candump", "cansend", "can_async"];

/// Writes `initrd.cpio` in the run's cache `dir` (`target/xtask-cache/vm/<arch>[@<kernel>]`, with the stripped no_std
/// `echoes`, see [`run_archive`]); returns its path and warnings (missing modules).
pub(super) fn initramfs(
    ws: &Ws,
    t: &Target,
    dir: &Path,
    guest: &Guest,
    built: &Built,
    echoes: &[(&str, PathBuf)],
) -> Result<(PathBuf, Vec<String>), String> {
    let qemu_dir = ws.root.join("qemu");
    let mut c = Cpio::new();
    for d in [
        "bin",
        "proc",
        "sys",
        "tmp",
        "run",
        "root",
        "etc/xtask",
        "lib/modules",
        "tests",
    ] {
        c.dir(d);
    }
    // The kernel opens /dev/console for init before anything mounts devtmpfs.
    c.char_dev("dev/console", 0o600, 5, 1);
    c.char_dev("dev/null", 0o666, 1, 3);
    c.file("init", 0o755, &read(&qemu_dir.join("init"))?);
    c.file("bin/busybox", 0o755, &read(&guest.busybox)?);

    let text = fs::read_to_string(qemu_dir.join("modules.txt"))
        .map_err(|e| format!("qemu/modules.txt: {e}"))?;
    let wanted = wanted_modules(&text, has_kvaser(t))?;
    let (order, warnings) = module_order(&wanted, &guest.modules);
    let mut list = String::new();
    for (name, path) in &order {
        c.file(&format!("lib/modules/{name}.ko"), 0o644, &read(path)?);
        list.push_str(name);
        list.push('\n');
    }
    c.file("etc/xtask/modules", 0o644, list.as_bytes());

    // A plausible minimal /etc for the tests.
    c.file(
        "etc/hosts",
        0o644,
        b"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
    );
    c.file("etc/passwd", 0o644, b"root:x:0:0:root:/root:/bin/sh\n");
    c.file("etc/group", 0o644, b"root:x:0:\n");
    c.file(
        "etc/nsswitch.conf",
        0o644,
        b"hosts: files dns\nservices: files\nprotocols: files\n",
    );
    for f in ["etc/services", "etc/protocols"] {
        if let Ok(data) = fs::read(Path::new("/").join(f)) {
            c.file(f, 0o644, &data);
        }
    }

    add_can_utils(&mut c, guest)?;

    // gnu targets: the loader and libraries from the cross sysroot, where the loader looks.
    if t.libc == "gnu" {
        let lib = Path::new(&t.sysroot).join("lib");
        let entries = fs::read_dir(&lib).map_err(|e| format!("{}: {e}", lib.display()))?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if (name.starts_with("ld") && name.contains(".so")) || GNU_LIBS.contains(&name.as_str())
            {
                c.file(&format!("lib/{name}"), 0o755, &read(&e.path())?);
            }
        }
        c.symlink("lib64", "lib");
        c.dir("usr");
        c.symlink("usr/lib", "../lib");
    }
    let mut bytes = c.finish();

    // This run's tests, as a second archive appended to the first.
    bytes.extend(run_archive(t, built, echoes)?);

    let path = dir.join("initrd.cpio");
    fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((path, warnings))
}

/// The modules named in `modules.txt` (its `text`), in order: a line is a module name, or a
/// name and a condition; `kvaser` (the module drives the `kvaser_pci` cards) holds where
/// `kvaser` is true.
pub(super) fn wanted_modules(text: &str, kvaser: bool) -> Result<Vec<String>, String> {
    let mut wanted = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let name = words.next().unwrap_or_default();
        let wanted_here = match words.next() {
            None => true,
            Some("kvaser") => kvaser,
            Some(other) => {
                return Err(format!(
                    "qemu/modules.txt: unknown condition `{other}` for {name}"
                ))
            }
        };
        if wanted_here {
            wanted.push(name.to_owned());
        }
    }
    Ok(wanted)
}

/// Strips the [`GUEST_ECHOES`] of `t` (built by [`echo::build_planned`](crate::cross::echo::build_planned))
/// into this VM's cache; returns each program's name and the stripped copy.
pub(super) fn strip_echoes(
    ws: &Ws,
    t: &Target,
    dir: &Path,
) -> Result<Vec<(&'static str, PathBuf)>, String> {
    GUEST_ECHOES
        .iter()
        .map(|&bin| {
            let to = dir.join("echo").join(bin);
            crate::cross::echo::strip(ws, &crate::cross::echo::built(ws, t, bin), &to)?;
            Ok((bin, to))
        })
        .collect()
}

/// The second, appended cpio: this run's test binaries and the examples they run, the no_std
/// `echoes` in [`ECHO_DIR`], and the knobs `qemu/init` reads (`/etc/xtask/config`).
pub(super) fn run_archive(
    t: &Target,
    built: &Built,
    echoes: &[(&str, PathBuf)],
) -> Result<Vec<u8>, String> {
    let mut c = Cpio::new();
    // The examples the guest's tests run (the CAN tools), not all of them: the initrd stays
    // small.
    for ex in built
        .examples
        .iter()
        .filter(|e| GUEST_EXAMPLES.contains(&e.name.as_str()))
    {
        c.file(&format!("examples/{}", ex.name), 0o755, &read(&ex.path)?);
    }
    for bin in &built.bins {
        c.file(&format!("tests/{}", bin.name), 0o755, &read(&bin.path)?);
    }
    for (name, path) in echoes {
        c.file(&format!("{ECHO_DIR}/{name}"), 0o755, &read(path)?);
    }
    // One test thread on the guest's one vCPU. Four let waits overlap (x86_64, 2026-12-07:
    // 135 s of tests down to 112 s) but starved the tests that count what a second thread
    // did in a window (the netlink uevent flood sent 5 where it needs 10), so not.
    let mut config = format!(
        "TEST_TIMEOUT={}\nTEST_ARGS=\"--show-output --test-threads=1\"\n",
        TEST_LIMIT.as_secs()
    );
    if has_kvaser(t) {
        // `qemu/init` checks that can0 and can1 came up, and tells the tests.
        config.push_str("KVASER=can0,can1\n");
    }
    c.file("etc/xtask/config", 0o644, config.as_bytes());
    Ok(c.finish())
}

/// Adds can-utils under `/opt/can-utils` and, for each tool, a wrapper `/bin/<tool>` that
/// starts it with Debian's loader and libraries (never those in `/lib`); iproute2's `ip`
/// beside them, its wrapper [`IPROUTE2_WRAPPER`].
pub(super) fn add_can_utils(c: &mut Cpio, guest: &Guest) -> Result<(), String> {
    for sub in ["lib", "bin"] {
        let dir = guest.can_utils.join(sub);
        let mut names: Vec<String> = fs::read_dir(&dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        // The archive is the same bytes every time.
        names.sort();
        for name in names {
            let data = read(&dir.join(&name))?;
            c.file(&format!("{CAN_UTILS_DIR}/{sub}/{name}"), 0o755, &data);
            if sub == "bin" {
                let wrapper = if name == "ip" {
                    IPROUTE2_WRAPPER
                } else {
                    &name
                };
                let mut script = can_utils_wrapper(&guest.loader, &name);
                if name == "python3" {
                    // Its standard library, where the interpreter run by the loader does not
                    // look by itself.
                    script = script.replace(
                        "exec ",
                        &format!("PYTHONHOME=/{CAN_UTILS_DIR}/python exec "),
                    );
                }
                c.file(&format!("bin/{wrapper}"), 0o755, script.as_bytes());
            }
        }
    }
    // python3's standard library, file by file, in a stable order.
    let python = guest.can_utils.join("python");
    let mut files = Vec::new();
    walk(&python, &mut |p| files.push(p.to_path_buf()));
    files.sort();
    for f in files {
        let rel = f.strip_prefix(&guest.can_utils).unwrap_or(&f);
        c.file(
            &format!("{CAN_UTILS_DIR}/{}", rel.display()),
            0o644,
            &read(&f)?,
        );
    }
    Ok(())
}

/// The `/bin/<tool>` script: the loader run as a program takes the library path to use.
pub(super) fn can_utils_wrapper(loader: &str, tool: &str) -> String {
    let d = CAN_UTILS_DIR;
    format!(
        "#!/bin/busybox sh\nexec /{d}/lib/{loader} --library-path /{d}/lib /{d}/bin/{tool} \"$@\"\n"
    )
}
