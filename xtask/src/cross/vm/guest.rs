//! What a guest is made of: the Debian kernel, busybox, can-utils and iproute2, fetched once and unpacked into the cache.

use super::*;

/// The glibc libraries a Rust test binary may load, besides the loader (`ld*.so*`).
pub(super) const GNU_LIBS: &[&str] = &[
    "libc.so.6",
    "libm.so.6",
    "libgcc_s.so.1",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "libutil.so.1",
    "libresolv.so.2",
    "libnss_files.so.2",
    "libnss_dns.so.2",
];
/// Fetched with the kernel, from the same suite: the CAN tools the tests talk to, and the C
/// library they are linked against (the initramfs has none of its own for musl targets).
pub(super) const CAN_UTILS_PACKAGES: [&str; 2] = ["can-utils", "libc6"];
/// Where can-utils lives in the guest: `bin/` the tools, `lib/` Debian's loader and libraries,
/// apart from the gnu targets' own in `/lib` (two glibc builds must never mix).
pub(super) const CAN_UTILS_DIR: &str = "opt/can-utils";
/// Fetched with can-utils: iproute2 (its `ip`, which the kvaser test reads a CAN link's bit
/// timing back with: busybox's `ip` has no `-details`) and the libraries `ip` needs, each
/// `a|b` the first name the suite has (trixie renamed libelf1 for the 64-bit time_t move).
/// Only the libraries `ip` and they name are copied (trixie's `ip` also links libselinux,
/// which links libpcre2-8; bookworm's links neither, and they are left out of its guests).
pub(super) const IPROUTE2_PACKAGES: [&str; 11] = [
    "iproute2",
    "libbpf1",
    "libelf1|libelf1t64",
    "libmnl0",
    "libbsd0",
    "libmd0",
    "libcap2",
    "zlib1g",
    "libzstd1",
    "libselinux1",
    "libpcre2-8-0",
];
/// The guest's wrapper of Debian's `ip` (`/bin/iproute2-ip`): busybox's `ip` keeps `/bin/ip`.
pub(super) const IPROUTE2_WRAPPER: &str = "iproute2-ip";
/// The machines whose guest also gets Debian's python3 (`/bin/python3`), for the tests with a
/// Python peer (tests/vsock.rs): one is enough, the interpreter is 13 MB.
pub(super) const PYTHON_MACHINES: &[&str] = &["x86_64"];
/// Fetched with can-utils on [`PYTHON_MACHINES`]: the interpreter (`_socket` is built into
/// it), its standard library, and the expat it links (zlib comes with iproute2's libraries);
/// `a|b` bookworm's or trixie's name.
pub(super) const PYTHON_PACKAGES: [&str; 3] = [
    "python3.11-minimal|python3.13-minimal",
    "libpython3.11-minimal|libpython3.13-minimal",
    "libexpat1",
];

/// A kernel and busybox of one architecture, unpacked in the cache.
pub(super) struct Guest {
    pub(super) kernel: PathBuf,
    pub(super) busybox: PathBuf,
    /// The unpacked `lib/modules/<release>` directory.
    pub(super) modules: PathBuf,
    pub(super) release: String,
    /// `linux-image-6.1.0-50-arm64 6.1.176-1 (bookworm)`, and why it is not the image the
    /// metapackage names when that one could not be downloaded.
    pub(super) source: String,
    /// The suite the kernel came from (`trixie`).
    pub(super) kernel_suite: String,
    /// The unpacked can-utils: `bin/` (the tools) and `lib/` (the loader and libraries).
    pub(super) can_utils: PathBuf,
    /// The loader's file name in `can_utils/lib` (`ld-linux-x86-64.so.2`).
    pub(super) loader: String,
    /// `can-utils 2020.11.0-1, libc6 2.36-9+deb12u14`.
    pub(super) can_utils_source: String,
}

impl Guest {
    pub(super) fn describe(&self) -> String {
        format!("{}; {}", self.source, self.can_utils_source)
    }

    /// `can-utils 2020.11.0-1`.
    pub(super) fn can_utils_version(&self) -> &str {
        let s = &self.can_utils_source;
        s.split(',').next().unwrap_or(s)
    }

    /// The cached guest of `t`, or a freshly fetched one (then with the time it took).
    pub(super) fn get(ws: &Ws, run: Run) -> Result<(Guest, Option<Duration>), String> {
        let t = run.t;
        let dir = run.dir(ws);
        let stamp = dir.join("guest.txt");
        // What the cache holds must match what the data file asks for.
        let key = format!(
            "{} {} kernel={} {} {} decompress={} with={}",
            t.vm.debian_arch,
            t.vm.suites.join(","),
            t.vm.kernel_arch(),
            run.kernel_suites().join(","),
            run.kernel_package(),
            t.vm.decompress_kernel,
            CAN_UTILS_PACKAGES.join(","),
        ) + " "
            + &IPROUTE2_PACKAGES.join(",")
            + &python_key(t);
        if let Ok(text) = fs::read_to_string(&stamp) {
            let field = |k: &str| crate::cross::stamp_field(&text, k);
            if field("key=") == key {
                let g = Guest {
                    kernel: dir.join(field("kernel=")),
                    busybox: dir.join(field("busybox=")),
                    modules: dir.join(field("modules=")),
                    release: field("release="),
                    source: field("source="),
                    kernel_suite: field("kernel_suite="),
                    can_utils: dir.join(field("can_utils=")),
                    loader: field("loader="),
                    can_utils_source: field("can_utils_source="),
                };
                let loader = g.can_utils.join("lib").join(&g.loader);
                let python = !wants_python(t) || g.can_utils.join("bin/python3").is_file();
                if g.kernel.is_file()
                    && python
                    && g.can_utils.join("bin/ip").is_file()
                    && g.busybox.is_file()
                    && g.modules.is_dir()
                    && !g.loader.is_empty()
                    && loader.is_file()
                {
                    return Ok((g, None));
                }
            }
        }
        let start = Instant::now();
        eprintln!(
            "xtask: fetching the {} kernel ({}, from {}), busybox and can-utils ({})",
            t.vm.kernel_arch(),
            run.kernel_package(),
            run.kernel_suites().join(" or "),
            t.vm.debian_arch
        );
        let _ = fs::remove_dir_all(&dir);
        let mut g = fetch(ws, run, &dir)?;
        if t.vm.decompress_kernel {
            let elf = dir.join("vmlinux-pvh");
            extract_pvh_elf(&g.kernel, &elf)?;
            g.kernel = elf;
        }
        let rel = |p: &Path| p.strip_prefix(&dir).unwrap_or(p).display().to_string();
        let text = format!(
            "key={key}\nkernel={}\nbusybox={}\nmodules={}\nrelease={}\nsource={}\n\
             kernel_suite={}\ncan_utils={}\nloader={}\ncan_utils_source={}\n",
            rel(&g.kernel),
            rel(&g.busybox),
            rel(&g.modules),
            g.release,
            g.source,
            g.kernel_suite,
            rel(&g.can_utils),
            g.loader,
            g.can_utils_source
        );
        fs::write(&stamp, text).map_err(|e| format!("{}: {e}", stamp.display()))?;
        Ok((g, Some(start.elapsed())))
    }
}

/// Downloads and unpacks the guest of `run` into `dir`: the kernel from the first of
/// its kernel suites whose kernel downloads ([`download_kernel`]), busybox, can-utils and the
/// rest from the first of the target's suites where they all download. A suite is chosen only
/// once its downloads worked: one the mirror cannot serve falls to the next.
pub(super) fn fetch(ws: &Ws, run: Run, dir: &Path) -> Result<Guest, String> {
    let t = run.t;
    let host = HostSources::read()?;
    let debs = dir.join("debs");
    let kernel = download_kernel(ws, &host, run, &debs)?;
    let mut errors = Vec::new();
    let mut userland = None;
    for suite in &t.vm.suites {
        let apt = Apt::for_suite(&ws.cache, &host, &t.vm.debian_arch, suite)?;
        let updated = apt.update();
        match fetch_userland(&apt, t, dir, &debs) {
            Ok(found) => {
                userland = Some((apt, suite, found));
                break;
            }
            Err(e) => {
                let why = why_not(updated, e);
                eprintln!(
                    "xtask: no busybox or can-utils for {} in {suite}: {why}",
                    t.vm.debian_arch
                );
                errors.push(format!("{suite}: {why}"));
            }
        }
    }
    let Some((apt, suite, (can_utils, loader))) = userland else {
        return Err(format!(
            "no busybox or can-utils for {}: {}",
            t.vm.debian_arch,
            errors.join("; ")
        ));
    };
    let guest = unpack(dir, &debs)?;
    let _ = fs::remove_dir_all(&debs);
    let mut can_utils_source = CAN_UTILS_PACKAGES
        .iter()
        .chain(["iproute2"].iter())
        .map(|p| Ok(format!("{p} {}", apt.version(p)?)))
        .collect::<Result<Vec<_>, String>>()?
        .join(", ");
    can_utils_source.push_str(&format!(" ({} {suite})", t.vm.debian_arch));
    Ok(Guest {
        source: kernel.source,
        kernel_suite: kernel.suite,
        can_utils,
        loader,
        can_utils_source,
        ..guest
    })
}

/// busybox-static into `debs` and can-utils, iproute2 (and python3) unpacked into `dir`, all
/// from `apt`'s suite; the can-utils directory and its loader.
fn fetch_userland(
    apt: &Apt,
    t: &Target,
    dir: &Path,
    debs: &Path,
) -> Result<(PathBuf, String), String> {
    let mut iproute2 = iproute2_packages(apt)?;
    if wants_python(t) {
        iproute2.extend(first_of_each(apt, &PYTHON_PACKAGES)?);
    }
    let result = apt
        .download(&["busybox-static".to_owned()], debs)
        .and_then(|()| fetch_can_utils(apt, dir, &iproute2));
    if result.is_err() {
        // Nothing of this suite's may stay for the next: busybox's .deb, half of can-utils.
        if let Ok(entries) = fs::read_dir(debs) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with("busybox") {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
        let _ = fs::remove_dir_all(dir.join("can-utils"));
    }
    result
}

/// Unpacks the kernel image, the networking modules and busybox from the packages in `debs`.
pub(super) fn unpack(dir: &Path, debs: &Path) -> Result<Guest, String> {
    let root = dir.join("root");
    fs::create_dir_all(&root).map_err(|e| e.to_string())?;
    let entries = fs::read_dir(debs).map_err(|e| format!("{}: {e}", debs.display()))?;
    for deb in entries.flatten().map(|e| e.path()) {
        let name = deb
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.starts_with("busybox") {
            let mut cmd = Command::new("dpkg-deb");
            cmd.arg("-x").arg(&deb).arg(&root);
            crate::cross::proc::run_stdout(&mut cmd)?;
        } else {
            // The kernel: its image (in /boot, or since Debian 14 beside its modules), and the
            // modules under kernel/net and kernel/drivers/net (CAN, veth and what they depend
            // on), not the other ~100 MB.
            let mut deb_tar = Command::new("dpkg-deb")
                .arg("--fsys-tarfile")
                .arg(&deb)
                .stdout(Stdio::piped())
                .spawn()
                .map_err(|e| format!("dpkg-deb: {e}"))?;
            // tar exits 2 when a pattern matched nothing (a split kernel package has its image
            // and its modules in two packages): what counts is what we find afterwards.
            let _ = Command::new("tar")
                .args(["-x", "--wildcards", "-C"])
                .arg(&root)
                .args([
                    "./boot/vmlinu*",
                    "*/modules/*/vmlinu*",
                    "*/kernel/net/*",
                    "*/kernel/drivers/net/*",
                ])
                .arg("*/modules.builtin")
                .stdin(deb_tar.stdout.take().ok_or("dpkg-deb: no stdout")?)
                .stderr(Stdio::null())
                .status()
                .map_err(|e| format!("tar: {e}"))?;
            let status = deb_tar.wait().map_err(|e| format!("dpkg-deb: {e}"))?;
            if !status.success() {
                return Err(format!("dpkg-deb --fsys-tarfile {name} failed ({status})"));
            }
        }
    }
    // Compressed modules (trixie and later): decompress once, here.
    let mut compressed: Vec<PathBuf> = Vec::new();
    walk(&root, &mut |p| {
        let n = p.to_string_lossy();
        if n.ends_with(".ko.xz") || n.ends_with(".ko.zst") {
            compressed.push(p.to_path_buf());
        }
    });
    for (ext, tool) in [("xz", "xz"), ("zst", "zstd")] {
        let files: Vec<&PathBuf> = compressed
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == ext))
            .collect();
        if !files.is_empty() {
            let mut cmd = Command::new(tool);
            cmd.args(["-d", "-q", "-f"]).args(files);
            if tool == "zstd" {
                cmd.arg("--rm");
            }
            crate::cross::proc::run_stdout(&mut cmd)?;
        }
    }

    let mut kernel = None;
    let mut busybox = None;
    let mut modules = None;
    walk(&root, &mut |p| {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        let dir_name = |d: Option<&Path>| {
            d.and_then(Path::file_name)
                .map(|n| n.to_string_lossy().into_owned())
        };
        let parent = dir_name(p.parent());
        let grandparent = dir_name(p.parent().and_then(Path::parent));
        // /boot/vmlinuz-<release>, or /usr/lib/modules/<release>/vmlinuz.
        let image_dir =
            parent.as_deref() == Some("boot") || grandparent.as_deref() == Some("modules");
        if image_dir
            && name.starts_with("vmlinu")
            && (name.starts_with("vmlinuz") || kernel.is_none())
        {
            kernel = Some(p.to_path_buf());
        }
        if name == "busybox" && parent.as_deref() == Some("bin") {
            busybox = Some(p.to_path_buf());
        }
        // <...>/modules/<release>/kernel/...: the modules directory is <release>.
        if modules.is_none() && name.contains(".ko") {
            modules = p
                .ancestors()
                .find(|a| {
                    dir_name(Some(a)).as_deref() == Some("kernel")
                        && dir_name(a.parent().and_then(Path::parent)).as_deref() == Some("modules")
                })
                .and_then(Path::parent)
                .map(Path::to_path_buf);
        }
    });
    let kernel = kernel.ok_or("no kernel image in the package")?;
    let busybox = busybox.ok_or("no busybox in busybox-static")?;
    let modules = modules.ok_or("no modules directory in the kernel package")?;
    let release = modules
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    Ok(Guest {
        kernel,
        busybox,
        modules,
        release,
        source: String::new(),
        kernel_suite: String::new(),
        can_utils: PathBuf::new(),
        loader: String::new(),
        can_utils_source: String::new(),
    })
}

/// [`IPROUTE2_PACKAGES`] as `apt` names them: of each `a|b`, the first it has.
pub(super) fn iproute2_packages(apt: &Apt) -> Result<Vec<String>, String> {
    first_of_each(apt, &IPROUTE2_PACKAGES)
}

/// Whether the guest of `t` gets python3 ([`PYTHON_MACHINES`]).
pub(super) fn wants_python(t: &Target) -> bool {
    PYTHON_MACHINES.contains(&t.name.as_str())
}

/// The python part of the guest cache's key: empty where the guest has none.
fn python_key(t: &Target) -> String {
    if wants_python(t) {
        format!(" {}", PYTHON_PACKAGES.join(","))
    } else {
        String::new()
    }
}

/// Of each `a|b` in `list`, the first package the suite has.
fn first_of_each(apt: &Apt, list: &[&str]) -> Result<Vec<String>, String> {
    list.iter()
        .map(|alts| {
            alts.split('|')
                // A real package, with a version: `apt-cache show` of a purely virtual one
                // (trixie's `libelf1`, provided by `libelf1t64`) succeeds with nothing.
                .find(|p| apt.version(p).is_ok())
                .map(String::from)
                .ok_or_else(|| format!("no package {alts} in this suite"))
        })
        .collect()
}

/// Downloads can-utils and libc6 (and `iproute2`, the packages of iproute2 and the libraries
/// its `ip` needs) and keeps, in `dir/can-utils`, every tool (`bin/`), iproute2's `ip`
/// (`bin/ip`) and only the loader and libraries those name (`lib/`; libc6 has ~10 MB more).
/// Returns that directory and the loader's file name.
pub(super) fn fetch_can_utils(
    apt: &Apt,
    dir: &Path,
    iproute2: &[String],
) -> Result<(PathBuf, String), String> {
    let debs = dir.join("debs-can-utils");
    // Nothing of a suite tried before may stay: its .debs would match the names below too.
    for d in [&debs, &dir.join("unpacked"), &dir.join("can-utils")] {
        let _ = fs::remove_dir_all(d);
    }
    let mut packages: Vec<String> = CAN_UTILS_PACKAGES.map(String::from).into();
    packages.extend(iproute2.iter().cloned());
    apt.download(&packages, &debs)?;
    // Each package unpacked apart, so that the tools are exactly can-utils' own.
    let unpacked = dir.join("unpacked");
    fs::create_dir_all(&unpacked).map_err(|e| format!("{}: {e}", unpacked.display()))?;
    for p in &packages {
        let deb = fs::read_dir(&debs)
            .map_err(|e| format!("{}: {e}", debs.display()))?
            .flatten()
            .map(|e| e.path())
            .find(|d| {
                d.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{p}_")))
            })
            .ok_or_else(|| format!("apt-get download {p}: no .deb"))?;
        // The libraries (libc6's and those of iproute2's `ip`) into one tree; python3 and
        // its standard library into another.
        let into = if p == "can-utils" || p == "iproute2" {
            p.as_str()
        } else if p.starts_with("python3") || p.starts_with("libpython3") {
            "python"
        } else {
            "libc6"
        };
        let mut cmd = Command::new("dpkg-deb");
        cmd.arg("-x").arg(&deb).arg(unpacked.join(into));
        crate::cross::proc::run_stdout(&mut cmd)?;
    }
    let out = dir.join("can-utils");
    let loader = select_can_utils(
        &unpacked.join("can-utils"),
        &unpacked.join("iproute2"),
        &unpacked.join("python"),
        &unpacked.join("libc6"),
        &out,
    );
    let _ = fs::remove_dir_all(&unpacked);
    let _ = fs::remove_dir_all(&debs);
    Ok((out, loader?))
}

/// Copies the programs under `tools/usr/bin` to `out/bin`, the `ip` of the unpacked
/// `iproute2` to `out/bin/ip`, and from `libs` the loader they name and the libraries they
/// need to `out/lib`. Returns the loader's file name.
pub(super) fn select_can_utils(
    tools: &Path,
    iproute2: &Path,
    python: &Path,
    libs: &Path,
    out: &Path,
) -> Result<String, String> {
    let (bin, lib) = (out.join("bin"), out.join("lib"));
    for d in [&bin, &lib] {
        fs::create_dir_all(d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    let (loader, mut needed) = copy_programs(&tools.join("usr/bin"), &bin)?;
    // `ip` is in /bin (bookworm) or /usr/bin, /usr/sbin (later): the one regular file.
    let mut ip = None;
    walk(iproute2, &mut |p| {
        if p.file_name().is_some_and(|n| n == "ip") {
            ip = Some(p.to_path_buf());
        }
    });
    let ip = ip.ok_or_else(|| format!("{}: no ip", iproute2.display()))?;
    let needs = elf::needs(&read(&ip)?).map_err(|e| format!("{}: {e}", ip.display()))?;
    let interp = needs.interp.unwrap_or_default();
    if interp.rsplit('/').next() != Some(loader.as_str()) {
        return Err(format!(
            "iproute2's ip wants {interp}, not can-utils' {loader}"
        ));
    }
    needed.extend(needs.needed);
    copy(&ip, &bin.join("ip"))?;
    if python.is_dir() {
        needed.extend(select_python(python, &loader, out)?);
    }
    copy_libraries(libs, needed, &lib)?;
    Ok(loader)
}

/// From the unpacked python3 packages in `python`: the interpreter to `out/bin/python3` and
/// its standard library to `out/python/lib/python3.N` (what `PYTHONHOME=out/python` finds).
/// Returns the libraries the interpreter needs.
fn select_python(python: &Path, loader: &str, out: &Path) -> Result<Vec<String>, String> {
    let usr = python.join("usr");
    let mut interpreter = None;
    walk(&usr.join("bin"), &mut |p| {
        let n = p.file_name().unwrap_or_default().to_string_lossy();
        if n.starts_with("python3.") && !n.contains('-') {
            interpreter = Some(p.to_path_buf());
        }
    });
    let interpreter = interpreter.ok_or_else(|| format!("{}: no python3.N", usr.display()))?;
    let version = interpreter
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let needs =
        elf::needs(&read(&interpreter)?).map_err(|e| format!("{}: {e}", interpreter.display()))?;
    let interp = needs.interp.unwrap_or_default();
    if interp.rsplit('/').next() != Some(loader) {
        return Err(format!("python3 wants {interp}, not can-utils' {loader}"));
    }
    copy(&interpreter, &out.join("bin/python3"))?;
    let stdlib = usr.join("lib").join(&version);
    let to = out.join("python/lib");
    fs::create_dir_all(&to).map_err(|e| format!("{}: {e}", to.display()))?;
    let mut cmd = Command::new("cp");
    cmd.arg("-r").arg(&stdlib).arg(&to);
    crate::cross::proc::run_stdout(&mut cmd)?;
    Ok(needs.needed)
}

/// Copies every program in `from` to `to`; returns the file name of the one loader they all
/// name, and what they need: that loader and their `DT_NEEDED` libraries.
pub(super) fn copy_programs(from: &Path, to: &Path) -> Result<(String, Vec<String>), String> {
    let mut programs = Vec::new();
    walk(from, &mut |p| programs.push(p.to_path_buf()));
    if programs.is_empty() {
        return Err(format!("{}: no programs", from.display()));
    }
    let mut loaders = BTreeSet::new();
    let mut needed = Vec::new();
    for p in &programs {
        let needs = elf::needs(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))?;
        if let Some(interp) = needs.interp {
            loaders.insert(interp.rsplit('/').next().unwrap_or(&interp).to_owned());
        }
        needed.extend(needs.needed);
        copy(p, &to.join(p.file_name().unwrap_or_default()))?;
    }
    if loaders.len() != 1 {
        return Err(format!("can-utils: not one loader but {loaders:?}"));
    }
    let loader = loaders.pop_first().unwrap_or_default();
    needed.push(loader.clone());
    Ok((loader, needed))
}

/// Copies the libraries named in `needed`, and those they need in turn, from the unpacked
/// package in `libs` to `to`, each under its file name.
pub(super) fn copy_libraries(
    libs: &Path,
    mut needed: Vec<String>,
    to: &Path,
) -> Result<(), String> {
    // Where the package has several files of one name (glibc-hwcaps variants), the baseline
    // one, nearest the root. libc6 has a real file of every name; other libraries' sonames
    // (`libcap.so.2`) are symlinks to their real file, taken where it is in `libs`.
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    walk(libs, &mut |p| {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        let depth = |p: &Path| p.components().count();
        if found.get(name.as_ref()).is_none_or(|q| depth(p) < depth(q)) {
            found.insert(name.into_owned(), p.to_path_buf());
        }
    });
    let root = fs::canonicalize(libs).map_err(|e| format!("{}: {e}", libs.display()))?;
    for (name, target) in symlinks(libs) {
        if let Ok(real) = fs::canonicalize(&target) {
            if real.starts_with(&root) && real.is_file() {
                found.entry(name).or_insert(real);
            }
        }
    }
    let mut copied = BTreeSet::new();
    while let Some(name) = needed.pop() {
        if !copied.insert(name.clone()) {
            continue;
        }
        let path = found
            .get(&name)
            .ok_or_else(|| format!("can-utils or ip needs {name}, which no package fetched has"))?;
        let needs = elf::needs(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        needed.extend(needs.needed);
        copy(path, &to.join(&name))?;
    }
    Ok(())
}

pub(super) fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))
}

/// Writes the ELF kernel inside an x86 bzImage to `out`, checking that it has a PVH entry
/// point (the `Xen` ELF note XEN_ELFNOTE_PHYS32_ENTRY, which qemu boots directly).
pub(super) fn extract_pvh_elf(bzimage: &Path, out: &Path) -> Result<(), String> {
    let data = read(bzimage)?;
    let find = |magic: &[u8]| data.windows(magic.len()).position(|w| w == magic);
    for (magic, tool) in [
        (&b"\xfd7zXZ\x00"[..], "xz"),
        (b"\x28\xb5\x2f\xfd", "zstd"),
        (b"\x1f\x8b\x08", "gzip"),
    ] {
        let Some(at) = find(magic) else { continue };
        let file = fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
        let mut child = Command::new(tool)
            .args(["-d", "-c", "-q"])
            .stdin(Stdio::piped())
            .stdout(file)
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{tool}: {e}"))?;
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write as _;
            // The payload is followed by the rest of the bzImage: the decompressor complains
            // about that trailing data, but has written the whole kernel by then.
            let _ = stdin.write_all(&data[at..]);
        }
        let _ = child.wait();
        let elf = read(out)?;
        // A note header: namesz 4, descsz, type 18 (XEN_ELFNOTE_PHYS32_ENTRY), name "Xen".
        let pvh = elf
            .windows(16)
            .any(|w| w[..4] == [4, 0, 0, 0] && w[8..] == *b"\x12\0\0\0Xen\0");
        if elf.starts_with(b"\x7fELF") && pvh {
            return Ok(());
        }
    }
    let _ = fs::remove_file(out);
    Err(format!(
        "{}: no ELF kernel with a PVH entry inside",
        bzimage.display()
    ))
}

/// Calls `f` on every file under `dir`, recursively (symlinks not followed).
pub(super) fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(ft) if ft.is_dir() => walk(&p, f),
            Ok(ft) if ft.is_file() => f(&p),
            _ => {}
        }
    }
}

/// The symlinks under `dir`: each one's file name and path.
pub(super) fn symlinks(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let p = e.path();
        match e.file_type() {
            Ok(ft) if ft.is_dir() => out.extend(symlinks(&p)),
            Ok(ft) if ft.is_symlink() => {
                out.push((e.file_name().to_string_lossy().into_owned(), p));
            }
            _ => {}
        }
    }
    out
}
