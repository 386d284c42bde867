//! How `cargo xtask test` runs the foreign tiers: beside the host's steps, not after them.
//!
//! [`prepare`] installs what the chosen tiers lack, before anything else starts (rustup and
//! apt are not run twice at once). [`run`] then goes on beside the host tier, in three lanes:
//!
//! - the builder: per architecture, in the order of `targets/` (one cargo run at a time, both
//!   cores), its test build, then its no_std echo (both programs, [`echo::build_planned`]),
//!   at a lower priority ([`proc::lower_priority`]) so that the compilers take only what the
//!   tests leave idle;
//! - qemu-user: each architecture's tests as soon as its build is done, beside the build of
//!   the next one; then the echo rows;
//! - the VMs, `XTASK_VM_JOBS` at once (default: as many as there are cores, and more once
//!   the host lane, the builder and qemu-user are done; see `vm/pool.rs`): each
//!   fetches its guest (unless it was fetched ahead), waits for its test build and its echo build (the echo goes into the
//!   initramfs; a failed echo build fails the row), then boots. Building each echo right
//!   after its tests, not all of them after all the tests, lets a VM start as soon as its own
//!   builds are done.
//!
//! Rows are gathered per lane and merged in a fixed order: the qemu-user tier's rows (its
//! install row, the echo build, then per architecture build, test, no_std echo, no_std async
//! echo), then the VM
//! tier's (install row, the echo build when qemu-user did not run, then per architecture fetch
//! and test; the build row there when the qemu-user tier did not run that architecture). Progress lines interleave; each names its
//! architecture and step.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::build;
use super::install::{self, Tier};
use super::targets::{self, Target};
use super::{async_echo, echo, nostd_ip, proc, user, vm, Ws};
use crate::report::Row;

/// What [`prepare`] found: the targets, and what each tier lacks.
pub struct Plan {
    ws: Ws,
    /// `Err`: the targets could not be loaded (a failed row per tier says why).
    list: Result<Vec<Target>, String>,
    /// `Some` when the tier runs: the targets it cannot run, and why.
    user: Option<BTreeMap<String, String>>,
    vm: Option<BTreeMap<String, String>>,
    user_rows: Vec<Row>,
    vm_rows: Vec<Row>,
}

/// Loads the targets named in `targets` (all of `targets/` when empty) and installs what the
/// qemu-user tier (`user`) and the VM tier (`vm`) lack for them.
pub fn prepare(targets: &[String], user: bool, vm: bool) -> Plan {
    let ws = Ws::find();
    let list = targets::load(&ws.root.join("targets"), targets);
    let mut plan = Plan {
        ws,
        list,
        user: None,
        vm: None,
        user_rows: Vec::new(),
        vm_rows: Vec::new(),
    };
    let list = match &plan.list {
        Ok(list) => list,
        Err(e) => {
            if user {
                plan.user_rows
                    .push(user::fail_row("all", "load targets", e.clone()));
            }
            if vm {
                plan.vm_rows.push(vm::row(
                    "all",
                    "load targets",
                    false,
                    Default::default(),
                    e.clone(),
                ));
            }
            return plan;
        }
    };
    for (on, tier) in [(user, Tier::QemuUser), (vm, Tier::Vm)] {
        if !on {
            continue;
        }
        let prepared = install::prepare(&plan.ws, list, tier);
        let (rows, missing) = match tier {
            Tier::QemuUser => (&mut plan.user_rows, &mut plan.user),
            _ => (&mut plan.vm_rows, &mut plan.vm),
        };
        if let Some(row) = prepared.row {
            crate::report::announce(&row);
            rows.push(row);
        }
        *missing = Some(prepared.missing);
    }
    plan
}

/// Runs the tiers of `plan` (see the module's docs); returns their rows in the table's order.
pub fn run(plan: Plan) -> Vec<Row> {
    let Plan {
        ws,
        list,
        user,
        vm,
        mut user_rows,
        mut vm_rows,
    } = plan;
    let Ok(list) = list else {
        user_rows.extend(vm_rows);
        return user_rows;
    };
    let runs = |missing: &Option<BTreeMap<String, String>>, t: &Target| {
        missing.as_ref().is_some_and(|m| !m.contains_key(&t.name))
    };
    // Built once for both tiers; its row goes with the qemu-user tier's when that ran it.
    let to_build: Vec<&Target> = list
        .iter()
        .filter(|t| runs(&user, t) || runs(&vm, t))
        .collect();
    // Both tiers run the no_std echo: qemu-user beside its tests, the VMs in their initramfs.
    let names = || to_build.iter().map(|t| t.name.as_str());
    build::plan(names());
    echo::plan(names());

    let mut echo = None;
    let mut tests: Vec<Row> = Vec::new();
    let mut vms: Vec<Vec<Row>> = Vec::new();
    // The VM pool boots more VMs once these two lanes (and the host's) are done.
    let (build_lane, user_lane) = (
        vm::BusyLane::start(),
        user.as_ref().map(|_| vm::BusyLane::start()),
    );
    std::thread::scope(|s| {
        let builder = s.spawn(|| {
            let _busy = build_lane;
            // Whatever happens here, nobody waits for a build that will not come.
            struct Abandon<'a>(&'a [&'a Target]);
            impl Drop for Abandon<'_> {
                fn drop(&mut self) {
                    let names = || self.0.iter().map(|t| t.name.as_str());
                    build::abandon(names(), "not built: the build thread stopped");
                    echo::abandon(names(), "not built: the build thread stopped");
                }
            }
            let _guard = Abandon(&to_build);
            // Batch work: it fills the cores the timing-sensitive runs leave idle.
            proc::lower_priority();
            // Each target's no_std echo right after its tests: its VM waits for both, and for
            // nothing built after them.
            let mut echo_time = Duration::ZERO;
            for t in &to_build {
                build::build_planned(&ws, t);
                let start = Instant::now();
                let _ = echo::build_planned(&ws, t);
                echo_time += start.elapsed();
            }
            let tier = if user.is_some() { user::TIER } else { vm::TIER };
            (!to_build.is_empty())
                .then(|| announced(user::echo_build_row(tier, &to_build, echo_time)))
        });
        let tester = user.as_ref().map(|missing| {
            let (ws, list) = (&ws, &list);
            s.spawn(move || {
                let _busy = user_lane;
                list.iter()
                    .map(|t| match missing.get(&t.name) {
                        Some(why) => user::fail_row(&t.name, "test", why.clone()),
                        None => user::run_one(ws, t),
                    })
                    .map(announced)
                    .collect::<Vec<Row>>()
            })
        });
        if let Some(missing) = &vm {
            vms = vm::run_pool(&ws, &list, missing);
        }
        if let Some(tester) = tester {
            tests = tester.join().unwrap_or_else(|_| {
                vec![user::fail_row(
                    "all",
                    "test",
                    "the qemu-user lane panicked".into(),
                )]
            });
        }
        echo = builder.join().ok().flatten();
    });

    // The table: qemu-user's rows, then the VMs'.
    // The echo build's row goes with qemu-user's rows, or with the VMs' when only they ran.
    if let Some(row) = echo {
        if user.is_some() {
            user_rows.push(row);
        } else {
            vm_rows.push(row);
        }
    }
    let mut tests = tests.into_iter();
    for t in &list {
        let Some(missing) = &user else { break };
        let test = tests.next();
        if missing.contains_key(&t.name) {
            user_rows.extend(test);
            continue;
        }
        user_rows.extend(build::take_row(&t.name, user::TIER));
        user_rows.extend(test);
        let echo_ok = echo::wait_built(&t.name).is_ok();
        user_rows.push(announced(user::run_echo(&ws, t, echo_ok)));
        user_rows.push(announced(async_echo::row(&ws, t, echo_ok)));
        user_rows.push(announced(nostd_ip::row(&ws, t, echo_ok)));
    }
    let mut vms = vms.into_iter();
    for t in &list {
        if vm.is_none() {
            break;
        }
        vm_rows.extend(build::take_row(&t.name, vm::TIER));
        vm_rows.extend(vms.next().unwrap_or_default());
    }
    user_rows.extend(vm_rows);
    user_rows
}

/// Prints `row`'s progress line and returns it.
fn announced(row: Row) -> Row {
    crate::report::announce(&row);
    row
}
