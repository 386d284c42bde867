//! The resolver's text files (`resolv.conf`, `hosts`, `services`) read from disk without a
//! single allocation, paths of 256 bytes and more included (rustix's own path conversion
//! allocates for those when its `alloc` feature is on, as it is under `std`).
#![allow(unsafe_code)] // a test or example may use libc and raw fds itself; the library may not

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ops::ControlFlow;
use std::os::unix::ffi::OsStrExt;

use baresock::resolve::__private::{hosts, services};
use baresock::resolve::DomainName;
use baresock::resolve::ResolvConf;

struct Counting;

thread_local! {
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the counter has no effect on memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ARMED.with(Cell::get) {
            ALLOCATIONS.with(|n| n.set(n.get() + 1));
        }
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ARMED.with(Cell::get) {
            ALLOCATIONS.with(|n| n.set(n.get() + 1));
        }
        // SAFETY: the caller's contract is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    ARMED.with(|a| a.set(true));
    f();
    ARMED.with(|a| a.set(false));
    ALLOCATIONS.with(Cell::get) - before
}

#[test]
fn files_read_without_allocating() {
    // A directory whose path is longer than rustix's 256-byte stack buffer for paths.
    let dir = common::TempDir::new("resolve-files");
    let mut deep = dir.0.clone();
    while deep.as_os_str().len() < 300 {
        deep.push("a-directory-with-a-rather-long-name");
    }
    std::fs::create_dir_all(&deep).unwrap();
    let write = |name: &str, text: &[u8]| {
        let path = deep.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let resolv = write(
        "resolv.conf",
        b"nameserver 192.0.2.53\nnameserver fe80::1%lo\nsearch lan.example\noptions ndots:2\n",
    );
    let hosts_path = write(
        "hosts",
        b"127.0.0.1 localhost\n::1 localhost ip6-localhost\n192.0.2.7 box.lan.example box\n",
    );
    let services_path = write("services", b"ssh 22/tcp\nhttp 80/tcp www\nhttp 80/udp\n");
    let missing = deep.join("missing");
    assert!(resolv.as_os_str().len() > 256);
    let (resolv, hosts_path, services_path, missing) = (
        resolv.as_os_str().as_bytes(),
        hosts_path.as_os_str().as_bytes(),
        services_path.as_os_str().as_bytes(),
        missing.as_os_str().as_bytes(),
    );
    let localhost = DomainName::new("localhost").unwrap();
    // One-time start-up work of rustix and std, outside the count.
    let _ = std::thread::current();
    let _ = rustix::param::page_size();

    let n = allocations_in(|| {
        let conf = ResolvConf::load(resolv).unwrap();
        assert_eq!(conf.nameservers().len(), 2);
        assert_eq!(conf.ndots(), 2);
        let conf = ResolvConf::load(missing).unwrap();
        assert!(conf.uses_default_nameserver());
        let _ = ResolvConf::system().unwrap();

        let mut count = 0;
        let scan = hosts::by_name_file(hosts_path, &localhost, |_, _| {
            count += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!((count, scan.malformed()), (2, 0));
        let (name, _) = hosts::by_addr_file(hosts_path, "192.0.2.7".parse().unwrap()).unwrap();
        assert_eq!(name, Some(DomainName::new("box.lan.example").unwrap()));
        let mut aliases = 0;
        hosts::for_each_file(hosts_path, |e| {
            aliases += e.aliases().count();
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(aliases, 2);
        assert!(hosts::by_addr_file(missing, "::1".parse().unwrap())
            .unwrap()
            .1
            .missing());

        let (s, _) = services::by_name_file(services_path, "www", Some("tcp")).unwrap();
        assert_eq!(s.map(|s| s.port()), Some(80));
        let (s, _) = services::by_port_file(services_path, 22, None).unwrap();
        assert_eq!(s.unwrap().name().as_bytes(), b"ssh");
        let _ = services::by_name_file(services::PATH, "domain", None).unwrap();
    });
    assert_eq!(n, 0, "the resolver's file readers allocated");
}
