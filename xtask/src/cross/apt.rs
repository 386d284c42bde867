//! apt with a private state: its own sources list, package lists and download cache in a
//! directory of ours, so that fetching another architecture's kernel (or a newer host package
//! from backports) never adds an architecture to the host or touches its sources.
//!
//! The mirrors are the ones the host's own apt sources use.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::proc::{run_stdout, run_visible};

const KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";

/// The first of `suites` (of the foreign architecture `arch`) where `look` finds what it
/// looks for (`what`, for the messages), in its private state (see [`Apt::for_suite`]):
/// that state, the suite and what `look` found. A suite whose index cannot be updated or
/// which lacks it is reported and skipped.
pub fn first_suite<'s, L>(
    cache: &Path,
    arch: &str,
    suites: &'s [String],
    what: &str,
    mut look: impl FnMut(&Apt) -> Result<L, String>,
) -> Result<(Apt, &'s str, L), String> {
    let host = HostSources::read()?;
    let mut errors = Vec::new();
    for suite in suites {
        let apt = Apt::for_suite(cache, &host, arch, suite)?;
        // A broken index for one suite shows up in the look-up; then try the next suite.
        let updated = apt.update();
        match look(&apt) {
            Ok(found) => return Ok((apt, suite, found)),
            Err(e) => {
                let why = why_not(updated, e);
                eprintln!("xtask: no {what} for {arch} in {suite}: {why}");
                errors.push(format!("{suite}: {why}"));
            }
        }
    }
    Err(format!("no {what} for {arch}: {}", errors.join("; ")))
}

/// Why a look-up in a suite failed, in one line: apt's `E:` message (or the last line), from
/// the index update's failure if there was one, else from the look-up's `error`.
pub fn why_not(updated: Result<(), String>, error: String) -> String {
    let why = updated.err().unwrap_or(error);
    // The message may follow the failed command on its line: `... failed (exit status:
    // 100): E: Failed to fetch ...`.
    why.lines()
        .find_map(|l| l.find("E: ").map(|at| &l[at..]))
        .unwrap_or(why.lines().last().unwrap_or(""))
        .to_owned()
}

/// A private apt state in `dir`.
pub struct Apt {
    dir: PathBuf,
    /// A foreign architecture (`s390x`): then nothing is taken as installed. `None`: the host's
    /// architecture and the host's dpkg status (for installing).
    arch: Option<String>,
}

impl Apt {
    /// Sets up `dir` with a sources list of `lines` (`deb <uri> <suite> main`).
    pub fn new(dir: &Path, arch: Option<&str>, lines: &[String]) -> Result<Apt, String> {
        for sub in ["lists/partial", "cache/archives/partial"] {
            fs::create_dir_all(dir.join(sub)).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let signed = if Path::new(KEYRING).exists() {
            format!("[signed-by={KEYRING}] ")
        } else {
            String::new()
        };
        let text: String = lines.iter().map(|l| format!("deb {signed}{l}\n")).collect();
        let apt = Apt {
            dir: dir.to_path_buf(),
            arch: arch.map(str::to_owned),
        };
        // Under the state's lock, and only when it changes, in one rename: another row's apt
        // command reading this state must never see the list empty. (`fs::write` truncates
        // first: an `apt-cache show` of x86_64's kernel fetch then found "No packages" while
        // i686's fetch set up the same state, and i686 fell back to bookworm's kernel.)
        let path = dir.join("sources.list");
        let _alone = apt.lock();
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            let new = dir.join("sources.list.new");
            fs::write(&new, text)
                .and_then(|()| fs::rename(&new, &path))
                .map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        Ok(apt)
    }

    /// The private state of one foreign architecture and suite, from the host's mirror:
    /// `<cache>/apt/<arch>-<suite>`, shared by what is fetched from it (the VMs' guests,
    /// musl-dev for `cargo xtask size`).
    pub fn for_suite(
        cache: &Path,
        host: &HostSources,
        arch: &str,
        suite: &str,
    ) -> Result<Apt, String> {
        Apt::new(
            &cache.join(format!("apt/{arch}-{suite}")),
            Some(arch),
            &[format!("{} {suite} main", host.main)],
        )
    }

    /// The version of `package` in this state's index.
    pub fn version(&self, package: &str) -> Result<String, String> {
        self.show(package)?
            .into_iter()
            .find(|(k, _)| k == "Version")
            .map(|(_, v)| v)
            .ok_or_else(|| format!("{package}: no Version"))
    }

    /// The `-o` options that point apt at this state.
    pub fn options(&self) -> Vec<String> {
        let d = self.dir.display();
        let mut o = vec![
            format!("Dir::Etc::sourcelist={d}/sources.list"),
            "Dir::Etc::sourceparts=-".into(),
            format!("Dir::State::Lists={d}/lists"),
            format!("Dir::Cache={d}/cache"),
            // apt's binary cache of the indexes, in `Dir::Cache`. Debian's container images
            // switch it off (`Dir::Cache::pkgcache ""`, /etc/apt/apt.conf.d/docker-clean), and
            // then every apt-cache and apt-get call parses all the indexes again: 0.9 s of CPU
            // each, 180 s in a run's 200 calls (2026-12-08, process accounting); 0.2 s with it.
            "Dir::Cache::pkgcache=pkgcache.bin".into(),
            // Only the Packages indexes: no translations, no AppStream metadata.
            "Acquire::Languages=none".into(),
            "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false".into(),
            "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false".into(),
            "Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false".into(),
            "Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false".into(),
            "Acquire::IndexTargets::deb::CNF::DefaultEnabled=false".into(),
            "Acquire::Retries=3".into(),
        ];
        if super::install::is_root() {
            // Our directories are root's: apt's download sandbox user could not write them.
            o.push("APT::Sandbox::User=root".into());
        }
        if let Some(arch) = &self.arch {
            o.push(format!("APT::Architecture={arch}"));
            o.push(format!("APT::Architectures::={arch}"));
            o.push("Dir::State::status=/dev/null".into());
            o.push("Debug::NoLocking=1".into());
        }
        o.into_iter().flat_map(|v| ["-o".to_owned(), v]).collect()
    }

    /// Holds this state's lock: one apt command at a time in one private state. Two VM rows
    /// share a state (i686 boots the amd64 kernel that x86_64 fetches from the same
    /// `apt/amd64-trixie`), and two `apt-get update`s in one lists directory fail ("Failed to
    /// stat .../lists/partial/...InRelease": both rows' fetches failed so in a CI run).
    fn lock(&self) -> std::sync::MutexGuard<'static, ()> {
        use std::collections::BTreeMap;
        use std::sync::Mutex;
        static LOCKS: Mutex<BTreeMap<PathBuf, &'static Mutex<()>>> = Mutex::new(BTreeMap::new());
        let mut locks = LOCKS.lock().unwrap_or_else(|p| p.into_inner());
        // One per state directory for the xtask's life: a handful.
        let slot = locks
            .entry(self.dir.clone())
            .or_insert_with(|| Box::leak(Box::new(Mutex::new(()))));
        let lock: &'static Mutex<()> = slot;
        drop(locks);
        lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.args(self.options())
            .env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    }

    pub fn update_command(&self) -> Command {
        let mut cmd = self.command("apt-get");
        cmd.args(["-q", "update"]);
        cmd
    }

    /// `apt-get update`, retried once (mirrors can be mid-sync for a moment).
    pub fn update(&self) -> Result<(), String> {
        let mut cmd = self.update_command();
        let _alone = self.lock();
        let first = run_stdout(&mut cmd);
        if first.is_ok() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_secs(5));
        run_stdout(&mut cmd).map(|_| ())
    }

    /// `apt-cache pkgnames <prefix>`: the names in this state's index that start with it, one
    /// a line.
    pub fn pkgnames(&self, prefix: &str) -> Result<String, String> {
        let mut cmd = self.command("apt-cache");
        cmd.args(["pkgnames", prefix]);
        let _alone = self.lock();
        run_stdout(&mut cmd)
    }

    /// `apt-cache show` of the candidate version, as `(field, value)` pairs.
    pub fn show(&self, package: &str) -> Result<Vec<(String, String)>, String> {
        let mut cmd = self.command("apt-cache");
        cmd.args(["show", "--no-all-versions", package]);
        let text = {
            let _alone = self.lock();
            run_stdout(&mut cmd)?
        };
        Ok(text
            .lines()
            .filter_map(|l| l.split_once(": "))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect())
    }

    /// Downloads `packages` (no dependencies) into `dest`.
    pub fn download(&self, packages: &[String], dest: &Path) -> Result<(), String> {
        fs::create_dir_all(dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        let mut cmd = self.command("apt-get");
        cmd.args(["-q", "download"])
            .args(packages)
            .current_dir(dest);
        let _alone = self.lock();
        run_stdout(&mut cmd).map(|_| ())
    }

    /// Installs `packages` on the host from `release` (e.g. `bookworm-backports`); apt resolves
    /// their dependencies against the host's dpkg status.
    pub fn install_command(&self, release: &str, packages: &[String]) -> Command {
        let mut cmd = self.command("apt-get");
        cmd.args([
            "-q",
            "-y",
            "--no-install-recommends",
            "-t",
            release,
            "install",
        ])
        .args(packages);
        cmd
    }

    pub fn install(&self, release: &str, packages: &[String]) -> Result<(), String> {
        run_visible(&mut self.install_command(release, packages))
    }

    /// Drops the downloaded packages (`apt-get clean`).
    pub fn clean(&self) {
        let _alone = self.lock();
        let _ = run_stdout(self.command("apt-get").arg("clean"));
    }

    /// The packages holding a kernel's image and modules, following its metapackage
    /// (`linux-image-arm64` → `linux-image-6.1.0-50-arm64`; since Debian 14 that one is split
    /// further into `linux-binary-*` and `linux-modules-*`).
    pub fn resolve_kernel(&self, meta: &str) -> Result<Vec<String>, String> {
        let mut todo = vec![meta.to_owned()];
        let mut found: Vec<String> = Vec::new();
        while let Some(name) = todo.pop() {
            let fields = self.show(&name)?;
            let depends = fields
                .iter()
                .find(|(k, _)| k == "Depends")
                .map(|(_, v)| v.as_str())
                .unwrap_or("");
            for dep in depends.split(',') {
                // The first alternative of each dependency, without its version.
                let dep = dep
                    .split('|')
                    .next()
                    .unwrap_or("")
                    .split_whitespace()
                    .next()
                    .unwrap_or("");
                let kernel = ["linux-image-", "linux-binary-", "linux-modules-"]
                    .iter()
                    .any(|p| dep.starts_with(p));
                if kernel && !found.iter().any(|f| f == dep) && found.len() < 8 {
                    found.push(dep.to_owned());
                    todo.push(dep.to_owned());
                }
            }
        }
        if found.is_empty() {
            return Err(format!(
                "{meta}: no kernel image package among its dependencies"
            ));
        }
        Ok(found)
    }
}

/// The host's Debian codename and the mirror URIs its apt sources use for the main archive
/// and the security archive.
pub struct HostSources {
    pub codename: String,
    pub main: String,
    pub security: Option<String>,
}

impl HostSources {
    pub fn read() -> Result<HostSources, String> {
        let os = fs::read_to_string("/etc/os-release").unwrap_or_default();
        let codename = os
            .lines()
            .find_map(|l| l.strip_prefix("VERSION_CODENAME="))
            .map(|c| c.trim_matches('"').to_owned())
            .filter(|c| !c.is_empty())
            .ok_or("no VERSION_CODENAME in /etc/os-release: not Debian?")?;
        let mut entries: Vec<(String, Vec<String>)> = Vec::new();
        // One-line format: `deb [options] uri suite components...`.
        let mut one_line = vec![PathBuf::from("/etc/apt/sources.list")];
        let mut deb822 = Vec::new();
        if let Ok(dir) = fs::read_dir("/etc/apt/sources.list.d") {
            for e in dir.flatten() {
                let p = e.path();
                match p.extension().and_then(|x| x.to_str()) {
                    Some("list") => one_line.push(p),
                    Some("sources") => deb822.push(p),
                    _ => {}
                }
            }
        }
        for p in one_line {
            for line in fs::read_to_string(p).unwrap_or_default().lines() {
                let mut words = line.split_whitespace().peekable();
                if words.next() != Some("deb") {
                    continue;
                }
                if words.peek().is_some_and(|w| w.starts_with('[')) {
                    // Skip `[options]`, up to the word that closes them.
                    for w in words.by_ref() {
                        if w.ends_with(']') {
                            break;
                        }
                    }
                }
                if let (Some(uri), Some(suite)) = (words.next(), words.next()) {
                    entries.push((uri.to_owned(), vec![suite.to_owned()]));
                }
            }
        }
        // deb822 format: stanzas of `Types:`, `URIs:`, `Suites:`, separated by blank lines.
        for p in deb822 {
            for stanza in fs::read_to_string(p).unwrap_or_default().split("\n\n") {
                let field = |name: &str| {
                    stanza
                        .lines()
                        .find_map(|l| l.strip_prefix(name))
                        .map(|v| v.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
                };
                let enabled = !stanza.lines().any(|l| l.trim() == "Enabled: no");
                if enabled && field("Types:").is_some_and(|t| t.iter().any(|t| t == "deb")) {
                    for uri in field("URIs:").unwrap_or_default() {
                        entries.push((uri, field("Suites:").unwrap_or_default()));
                    }
                }
            }
        }
        let find = |suite: &str| {
            entries
                .iter()
                .find(|(_, s)| s.iter().any(|x| x == suite))
                .map(|(u, _)| u.clone())
        };
        let main = find(&codename)
            .ok_or_else(|| format!("no apt source for `{codename}` on this host"))?;
        let security = find(&format!("{codename}-security"));
        Ok(HostSources {
            codename,
            main,
            security,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_command_at_a_time_per_state() {
        let dir = std::env::temp_dir().join(format!("xtask-apt-lock-{}", std::process::id()));
        let a = Apt::new(&dir, Some("amd64"), &[]).unwrap();
        let b = Apt::new(&dir, Some("amd64"), &[]).unwrap();
        let other = Apt::new(&dir.join("other"), Some("i386"), &[]).unwrap();
        let held = a.lock();
        // Another state's lock is free...
        drop(other.lock());
        // ...this one's waits for the first.
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let _g = b.lock();
            tx.send(()).unwrap();
        });
        assert!(rx
            .recv_timeout(std::time::Duration::from_millis(300))
            .is_err());
        drop(held);
        rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
        waiter.join().unwrap();
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn setting_up_a_state_waits_for_its_lock_and_never_empties_the_list() {
        let dir = std::env::temp_dir().join(format!("xtask-apt-sources-{}", std::process::id()));
        let lines = ["http://deb.example bookworm main".to_owned()];
        let a = Apt::new(&dir, Some("amd64"), &lines).unwrap();
        let list = dir.join("sources.list");
        let first = fs::read_to_string(&list).unwrap();
        assert!(
            first.ends_with("http://deb.example bookworm main\n"),
            "{first}"
        );
        // While a command of this state runs, a second set-up waits, and the list stays whole.
        let held = a.lock();
        let (dir2, lines2) = (
            dir.clone(),
            vec!["http://deb.example trixie main".to_owned()],
        );
        let setup = std::thread::spawn(move || Apt::new(&dir2, Some("amd64"), &lines2).is_ok());
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert_eq!(fs::read_to_string(&list).unwrap(), first);
        drop(held);
        assert!(setup.join().unwrap());
        let second = fs::read_to_string(&list).unwrap();
        assert!(
            second.ends_with("http://deb.example trixie main\n"),
            "{second}"
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn why_not_keeps_apts_message_only() {
        let e = "`apt-get -o A=b -q download x` failed (exit status: 100): E: Failed to fetch \
                 http://deb/x.deb  404  Not Found\nmore";
        assert_eq!(
            why_not(Ok(()), e.into()),
            "E: Failed to fetch http://deb/x.deb  404  Not Found"
        );
        assert_eq!(why_not(Err("W: a\nE: b".into()), e.into()), "E: b");
        assert_eq!(why_not(Ok(()), "one\ntwo".into()), "two");
    }
}
