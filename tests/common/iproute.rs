//! iproute2's `ip`, which the rtnetlink tests compare the library's views with: `ip -json`
//! output parsed with serde_json. Busybox's `ip` (the VMs' `/bin/ip`) has no `-json` and no
//! `-details`, so the VMs carry Debian's as `/bin/iproute2-ip` (the xtask puts it there).

use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

/// The command that runs iproute2's `ip` here, if there is one: `iproute2-ip` (the VMs),
/// else `ip` where it is iproute2's (its `-json` answers).
pub fn command() -> Option<&'static str> {
    static FOUND: OnceLock<Option<&'static str>> = OnceLock::new();
    *FOUND.get_or_init(|| {
        ["iproute2-ip", "ip"].into_iter().find(|ip| {
            Command::new(ip)
                .args(["-json", "link", "show", "dev", "lo"])
                .output()
                .is_ok_and(|o| {
                    o.status.success() && serde_json::from_slice::<Value>(&o.stdout).is_ok()
                })
        })
    })
}

/// Why the comparisons with iproute2 cannot run here, if they cannot.
pub fn missing() -> Option<&'static str> {
    command()
        .is_none()
        .then_some("iproute2's ip is not installed (apt-get install iproute2)")
}

/// `ip <args>` with iproute2's `ip`, which must be here and must succeed: its stdout.
pub fn run(args: &[&str]) -> Vec<u8> {
    let ip = command().expect("iproute2's ip (check iproute::missing() first)");
    let out = Command::new(ip).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `ip -json <args>`, parsed (`[]` for no output).
pub fn json(args: &[&str]) -> Value {
    let mut all = vec!["-json"];
    all.extend_from_slice(args);
    let out = run(&all);
    if out.iter().all(u8::is_ascii_whitespace) {
        return Value::Array(Vec::new());
    }
    serde_json::from_slice(&out).unwrap()
}
