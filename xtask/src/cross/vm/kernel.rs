//! The guest's kernel: the image its metapackage names, from the first suite where it
//! downloads, or the newest other image of its flavour when the mirror lists one it cannot
//! serve.

use super::*;

/// The kernel a guest got, downloaded.
pub(super) struct KernelFetched {
    /// `linux-image-6.12.107+deb13-s390x 6.12.107-1 (trixie)`, and why not the metapackage's.
    pub(super) source: String,
    pub(super) suite: String,
}

/// Downloads the kernel of `run` (image and modules) into `debs`, from the first of its
/// kernel suites where one downloads: the image its metapackage names, else (a mirror can list an image
/// whose .deb is missing: trixie's s390x 6.12.117) the newest other image of the same
/// flavour in that suite's index ([`other_images`]).
pub(super) fn download_kernel(
    ws: &Ws,
    host: &HostSources,
    run: Run,
    debs: &Path,
) -> Result<KernelFetched, String> {
    let arch = run.t.vm.kernel_arch();
    let meta = run.kernel_package();
    let mut errors = Vec::new();
    for suite in run.kernel_suites() {
        let apt = Apt::for_suite(&ws.cache, host, arch, suite)?;
        let updated = apt.update();
        let packages = match apt.resolve_kernel(meta) {
            Ok(p) => p,
            Err(e) => {
                let why = why_not(updated, e);
                eprintln!("xtask: no {meta} for {arch} in {suite}: {why}");
                errors.push(format!("{suite}: {why}"));
                continue;
            }
        };
        let _ = fs::remove_dir_all(debs);
        let first = match apt.download(&packages, debs) {
            Ok(()) => {
                let version = apt.version(&packages[0]).unwrap_or_default();
                return Ok(KernelFetched {
                    source: format!("{} {version} ({suite})", packages[0]),
                    suite: suite.clone(),
                });
            }
            Err(e) => why_not(Ok(()), e),
        };
        eprintln!(
            "xtask: {} ({suite}) does not download: {first}",
            packages[0]
        );
        for image in other_images(&apt, meta, &packages[0]) {
            let mut these = vec![image.clone()];
            these.extend(apt.resolve_kernel(&image).unwrap_or_default());
            let _ = fs::remove_dir_all(debs);
            if apt.download(&these, debs).is_ok() {
                let version = apt.version(&image).unwrap_or_default();
                return Ok(KernelFetched {
                    source: format!(
                        "{image} {version} ({suite}; {meta} names {}, which did not download: {first})",
                        packages[0]
                    ),
                    suite: suite.clone(),
                });
            }
        }
        errors.push(format!(
            "{suite}: {} does not download ({first}) and no other image of its flavour does",
            packages[0]
        ));
    }
    let _ = fs::remove_dir_all(debs);
    Err(format!("no {meta} for {arch}: {}", errors.join("; ")))
}

/// The other kernel images of the flavour of `meta` (`linux-image-s390x`: `s390x`) in `apt`'s
/// index, newest first, without `image` (the one that failed).
fn other_images(apt: &Apt, meta: &str, image: &str) -> Vec<String> {
    let flavour = meta.strip_prefix("linux-image-").unwrap_or(meta);
    let names = apt.pkgnames("linux-image-").unwrap_or_default();
    let mut found: Vec<(Vec<u64>, String)> = names
        .lines()
        .map(str::trim)
        .filter(|n| *n != image)
        .filter_map(|n| Some((image_abi(n, flavour)?, n.to_owned())))
        .map(|(abi, n)| (version_key(&abi), n))
        .collect();
    found.sort();
    found.reverse();
    found.into_iter().map(|(_, n)| n).collect()
}

/// The ABI of `name` when it is an image of `flavour`: `linux-image-6.12.107+deb13-s390x`
/// gives `6.12.107+deb13`, `linux-image-6.1.0-50-amd64` gives `6.1.0-50`; `None` for another
/// flavour (`...-cloud-amd64`), a debug or unsigned package, or a metapackage.
pub(super) fn image_abi(name: &str, flavour: &str) -> Option<String> {
    let abi = name
        .strip_prefix("linux-image-")?
        .strip_suffix(flavour)?
        .strip_suffix('-')?;
    let plain = !abi.is_empty()
        && abi
            .split('-')
            .all(|part| part.starts_with(|c: char| c.is_ascii_digit()));
    plain.then(|| abi.to_owned())
}

/// The numbers in `abi`, in order, for sorting: `6.12.107+deb13` gives `[6, 12, 107, 13]`.
pub(super) fn version_key(abi: &str) -> Vec<u64> {
    abi.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect()
}
