//! Keeps docs/syscalls.md true: every system call `src/sys` issues (each `Sysno::…` name) is in
//! its table, every name in the table is issued, each row's `sys` function exists, and no code
//! outside `src/sys` enters the kernel itself (`syscalls::…`, or a rustix function rather than
//! a rustix type).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// These checks read the source tree; a VM guest gets the test binaries only (the host tier
/// and qemu-user, which run on the host's file system, check it).
macro_rules! needs_source {
    () => {
        if !root().join("docs/syscalls.md").is_file() {
            println!("skipped: the source tree is not on this machine");
            return;
        }
    };
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The identifiers that follow `prefix` in `text` (`Sysno::socket` gives `socket`).
fn names_after(text: &str, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        rest = &rest[i + prefix.len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            names.push(name);
        }
    }
    names
}

/// The code of a file without its unit-test modules (`#[cfg(test)] mod … { … }`, braces
/// counted).
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("#[cfg(test)]\nmod ") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(open) = rest.find('{') else {
            return out;
        };
        let mut depth = 0;
        let mut end = rest.len();
        for (j, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + j + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The table rows of docs/syscalls.md: (call names, sys function).
fn table() -> Vec<(Vec<String>, String)> {
    let doc = fs::read_to_string(root().join("docs/syscalls.md")).unwrap();
    let mut rows = Vec::new();
    for line in doc.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | call | sys function | API | feature |
        if cells.len() != 6 || !cells[1].starts_with('`') {
            continue;
        }
        let calls = cells[1]
            .split('`')
            .skip(1)
            .step_by(2)
            .map(String::from)
            .collect();
        let func = cells[2].split('`').nth(1).unwrap().to_string();
        rows.push((calls, func));
    }
    rows
}

#[test]
fn every_system_call_is_documented_and_every_documented_one_is_made() {
    needs_source!();
    let mut files = Vec::new();
    rust_files(&root().join("src/sys"), &mut files);
    let mut issued = BTreeSet::new();
    for f in &files {
        let text = fs::read_to_string(f).unwrap();
        issued.extend(names_after(&without_tests(&text), "Sysno::"));
    }
    let documented: BTreeSet<String> = table().into_iter().flat_map(|(c, _)| c).collect();
    let undocumented: Vec<_> = issued.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "issued in src/sys but missing from docs/syscalls.md: {undocumented:?}"
    );
    let unmade: Vec<_> = documented.difference(&issued).collect();
    assert!(
        unmade.is_empty(),
        "listed in docs/syscalls.md but issued nowhere in src/sys: {unmade:?}"
    );
}

#[test]
fn every_documented_sys_function_exists() {
    needs_source!();
    for (calls, func) in table() {
        // `sys::io::socket_then`: `fn socket_then` in src/sys/io.rs.
        let parts: Vec<&str> = func.split("::").collect();
        assert_eq!(
            parts.len(),
            3,
            "{calls:?}: `{func}` is not sys::<file>::<fn>"
        );
        let file = root().join("src/sys").join(format!("{}.rs", parts[1]));
        let text = fs::read_to_string(&file).unwrap_or_default();
        assert!(
            text.contains(&format!("fn {}(", parts[2]))
                || text.contains(&format!("fn {}<", parts[2])),
            "{calls:?}: no `fn {}` in {}",
            parts[2],
            file.display()
        );
    }
}

#[test]
fn nothing_outside_sys_enters_the_kernel() {
    needs_source!();
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    // rustix's modules whose lower-case items are functions that make system calls.
    let modules = [
        "net", "io", "fs", "event", "time", "process", "rand", "system", "mm", "param", "pipe",
        "thread",
    ];
    for f in files
        .iter()
        .filter(|f| !f.starts_with(root().join("src/sys")))
    {
        let text = fs::read_to_string(f).unwrap();
        let code = &without_tests(&text);
        for call in ["syscalls::syscall", "syscalls::raw", "Sysno::"] {
            assert!(
                !code.contains(call),
                "{}: a system call outside src/sys",
                f.display()
            );
        }
        let mut calls = Vec::new();
        for m in modules {
            for name in names_after(code, &format!("rustix::{m}::")) {
                if name.starts_with(|c: char| c.is_ascii_lowercase())
                    && name != "addr"
                    && name != "netlink"
                {
                    calls.push(format!("rustix::{m}::{name}"));
                }
            }
        }
        for name in names_after(code, "rnet::") {
            if name.starts_with(|c: char| c.is_ascii_lowercase()) {
                calls.push(format!("rnet::{name}"));
            }
        }
        assert!(
            calls.is_empty(),
            "{}: rustix functions outside src/sys: {calls:?}",
            f.display()
        );
    }
}
