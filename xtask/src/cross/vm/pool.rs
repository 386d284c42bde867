//! The VM pool: which VM rows run when, and how many at once.
//!
//! - **Guests are fetched ahead once the builder is done** ([`prefetch`]). A row fetches its
//!   guest when its turn comes (the first rows while they wait for their builds), except the
//!   rows no worker has taken when the builder is done: those (the extra kernels' rows,
//!   mostly) are fetched then, one after the other in the pool's order, so that none waits
//!   25-50 s for its download at the end of the run. Not earlier: fetching all eleven guests
//!   at the start (apt's indexes, unpacking the kernels) took the cores from the builds, which
//!   run at a low priority (a CI-identical run's x86_64 echo build took 297 s instead of
//!   110 s), and fetching the four extra rows' all at once after the last test build took
//!   95-102 s each and slowed s390x's echo build from 38 s to 125 s.
//! - **As many VMs as cores** ([`vm_jobs`]) from the start, beside the host tier, the builder
//!   and qemu-user. Each worker takes the next row in order and waits for its build: every
//!   target's own kernel first, in the order of the builds, then the extra kernels (their
//!   builds are long done when they start, and they fill the end). Not the first row whose
//!   builds are done: that ran the extra kernels' rows early, beside the builds, which then
//!   got less of the cores (the builder runs niced) and ended at 1,796 s instead of 1,549 s,
//!   and the end of the run had one VM left where the extra rows had filled it (CI-identical
//!   runs, 2026-12-08: 1,943 s against 1,950 s, though apt's cache saved 170 s of CPU).
//! - **More once the other lanes are done** ([`BusyLane`]): one VM more at once, and then up to
//!   [`MORE_WHEN_IDLE`] per core more, each started only when the cores were at least
//!   [`IDLE_CORES`] free over [`IDLE_WINDOW`] (idle, or running niced batch work that yields
//!   to a VM: [`idle_cores`], from `/proc/stat`) and no
//!   sooner than [`SETTLE`] after the previous start. A single-vCPU TCG guest spends much of
//!   its tests waiting (netem delays, timeouts, a hostile resolver's silence): with three VMs
//!   and nothing else, 35-80% of two cores were idle over the last five minutes of a run
//!   (2026-12-07, `vmstat 10`), while two rows still waited their turn.
//!
//! `XTASK_VM_JOBS` sets how many VMs run at once, always.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use super::guest::Guest;
use super::{row, run_one, Run};
use crate::cross::targets::Target;
use crate::cross::Ws;
use crate::cross::{build, echo};
use crate::report::{Report, Row};

/// Over how long the idle time of the cores is measured before one more VM starts.
pub(super) const IDLE_WINDOW: Duration = Duration::from_secs(10);
/// How free the cores must have been over [`IDLE_WINDOW`] (in cores: 1.0 is one whole core)
/// for one more VM to start. A guest takes at most one core, and about half of one on average
/// (its tests wait).
pub(super) const IDLE_CORES: f64 = 0.8;
/// How long after a VM starts before the idle time is measured for the next: a booting guest
/// is busy, and its tests' load shows only after that.
pub(super) const SETTLE: Duration = Duration::from_secs(20);
/// How many VMs per core may start on idle time, beyond [`vm_jobs`] and the one more.
pub(super) const MORE_WHEN_IDLE: usize = 1;

/// A fetched guest, with the time the fetch took (`None`: it was cached); or why it could not
/// be fetched, with the time it took to find out.
type Fetched = Result<(Guest, Option<Duration>), (String, Duration)>;

fn fetch(ws: &Ws, run: Run) -> Fetched {
    let start = Instant::now();
    Guest::get(ws, run).map_err(|e| (e, start.elapsed()))
}

/// Where the guest of one row stands.
enum Slot {
    /// Nobody has started to fetch it.
    Waiting,
    /// Being fetched: by the row's worker, or ahead of it ([`prefetch`]).
    Fetching,
    /// Fetched ahead of its row, until the row takes it.
    Done(Box<Fetched>),
    /// Taken by its row.
    Taken,
}

/// The guest of each row: fetched by the row itself when its turn comes, unless it was
/// fetched ahead ([`prefetch`]).
struct Fetches {
    slots: Mutex<Vec<Slot>>,
    done: Condvar,
}

impl Fetches {
    fn new(n: usize) -> Fetches {
        Fetches {
            slots: Mutex::new((0..n).map(|_| Slot::Waiting).collect()),
            done: Condvar::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Slot>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The guest of row `n` (`run`): fetched now when nobody started it, else waited for.
    fn get(&self, ws: &Ws, n: usize, run: Run) -> Fetched {
        let mut slots = self.lock();
        loop {
            let Some(slot) = slots.get_mut(n) else {
                return Err(("no such row".into(), Duration::ZERO));
            };
            match std::mem::replace(slot, Slot::Taken) {
                Slot::Waiting => {
                    drop(slots);
                    return fetch(ws, run);
                }
                Slot::Fetching => *slot = Slot::Fetching,
                Slot::Done(fetched) => return *fetched,
                Slot::Taken => return Err(("taken twice".into(), Duration::ZERO)),
            }
            slots = self.done.wait(slots).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Claims row `n` for a fetch ahead of its turn: `false` when it was started already.
    fn claim(&self, n: usize) -> bool {
        match self.lock().get_mut(n) {
            Some(slot @ Slot::Waiting) => {
                *slot = Slot::Fetching;
                true
            }
            _ => false,
        }
    }

    fn put(&self, n: usize, fetched: Fetched) {
        if let Some(slot) = self.lock().get_mut(n) {
            *slot = Slot::Done(Box::new(fetched));
        }
        self.done.notify_all();
    }
}

/// Fetches the guests of the rows no worker has taken yet (the extra kernels' rows, mostly),
/// one after the other in the pool's order, as soon as the builder is done (every test build
/// and every echo build): the cores then have idle time to spare, and the builds, which run
/// at a low priority, are not slowed down. A row whose turn comes before the fetch reached it
/// fetches its guest itself. Returns at once when no row is left to take.
fn prefetch(
    ws: &Ws,
    runs: &[(usize, Run)],
    missing: &BTreeMap<String, String>,
    fetches: &Fetches,
    nothing_left: impl Fn() -> bool,
) {
    while !(build::all_done() && echo::all_done()) {
        if nothing_left() {
            return;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    // Whatever happens here, no row waits for a fetch that will not come.
    struct Put<'a>(&'a Fetches, usize, Option<Fetched>);
    impl Drop for Put<'_> {
        fn drop(&mut self) {
            let fetched = self
                .2
                .take()
                .unwrap_or_else(|| Err(("the fetch stopped".into(), Duration::ZERO)));
            self.0.put(self.1, fetched);
        }
    }
    for (n, (_, run)) in runs.iter().enumerate() {
        if missing.contains_key(&run.t.name) || !fetches.claim(n) {
            continue;
        }
        let mut put = Put(fetches, n, None);
        put.2 = Some(fetch(ws, *run));
    }
}

/// Runs the VMs of each of `list`, one per kernel (the test rows saying why not for those in
/// `missing`), as the module's docs say. Returns each target's rows (fetch, test, for each
/// kernel), in `list`'s order.
pub(in crate::cross) fn run_pool(
    ws: &Ws,
    list: &[Target],
    missing: &BTreeMap<String, String>,
) -> Vec<Vec<Row>> {
    let jobs = vm_jobs();
    let most = vm_jobs_most(jobs);
    let mut runs: Vec<(usize, Run)> = list
        .iter()
        .enumerate()
        .flat_map(|(i, t)| Run::all(t).into_iter().map(move |r| (i, r)))
        .collect();
    runs.sort_by_key(|(i, r)| (r.kernel.is_some(), *i));
    let fetches = Fetches::new(runs.len());
    let next = AtomicUsize::new(0);
    let idle_gate = IdleGate::default();
    let done: Mutex<Vec<(usize, Vec<Row>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        let (next, done, runs, fetches, idle_gate) = (&next, &done, &runs, &fetches, &idle_gate);
        // Every row taken: no VM left to start or to fetch for.
        let nothing_left = move || next.load(Ordering::Relaxed) >= runs.len();
        scope.spawn(move || prefetch(ws, runs, missing, fetches, nothing_left));
        for worker in 0..most.min(runs.len()) {
            scope.spawn(move || {
                // The workers past `jobs` wait until the other lanes are done; past the first
                // of them, also for idle cores.
                if worker >= jobs {
                    wait_for_the_other_lanes(nothing_left);
                    let go = if worker == jobs {
                        idle_gate.started();
                        true
                    } else {
                        idle_gate.admit(nothing_left)
                    };
                    if !go {
                        return;
                    }
                }
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(_, run)) = runs.get(n) else { break };
                    let mut rows = Report::default();
                    match missing.get(&run.t.name) {
                        Some(why) => rows.push(row(
                            &run.t.name,
                            &run.step("test"),
                            false,
                            Duration::ZERO,
                            why.clone(),
                        )),
                        None => {
                            let r = run_one(ws, run, fetches.get(ws, n, run), &mut rows);
                            rows.push(r);
                        }
                    }
                    done.lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push((n, rows.rows));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|p| p.into_inner());
    done.sort_by_key(|(n, _)| *n);
    let mut out: Vec<Vec<Row>> = vec![Vec::new(); list.len()];
    for (n, rows) in done {
        if let Some(&(i, _)) = runs.get(n) {
            out[i].extend(rows);
        }
    }
    out
}

/// The lanes of `cargo xtask test` besides the VMs' that are still at work (the host tier's,
/// the builder, qemu-user's): while any is, [`vm_jobs`] VMs run at once; once none is, more
/// (see the module's docs).
static OTHER_LANES: AtomicUsize = AtomicUsize::new(0);

/// A lane other than the VMs' at work, until dropped (see [`OTHER_LANES`]). Made before the VM
/// pool starts, so that it never sees the lanes as done before they began.
pub struct BusyLane(());

impl BusyLane {
    pub fn start() -> BusyLane {
        OTHER_LANES.fetch_add(1, Ordering::SeqCst);
        BusyLane(())
    }
}

impl Drop for BusyLane {
    fn drop(&mut self) {
        OTHER_LANES.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Returns once no other lane is at work, or `nothing_left` says there is no VM left to run.
pub(super) fn wait_for_the_other_lanes(nothing_left: impl Fn() -> bool) {
    while OTHER_LANES.load(Ordering::SeqCst) > 0 && !nothing_left() {
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// Lets the VMs past the first extra one start one at a time, each when the cores have idle
/// time (see the module's docs).
#[derive(Default)]
pub(super) struct IdleGate {
    /// When the last VM past [`vm_jobs`] started.
    last_start: Mutex<Option<Instant>>,
}

impl IdleGate {
    /// A VM past [`vm_jobs`] starts now without asking (the first extra one).
    pub(super) fn started(&self) {
        *self.last_start.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
    }

    /// Waits until one more VM may start: `true` then; `false` when `nothing_left` says no VM
    /// is left to run, or the idle time cannot be measured here.
    pub(super) fn admit(&self, nothing_left: impl Fn() -> bool) -> bool {
        self.admit_with(nothing_left, SETTLE, || idle_cores(IDLE_WINDOW))
    }

    pub(super) fn admit_with(
        &self,
        nothing_left: impl Fn() -> bool,
        settle: Duration,
        mut measure: impl FnMut() -> Option<f64>,
    ) -> bool {
        // One worker at a time measures, so that two never start on the same idle time.
        let mut last = self.last_start.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if nothing_left() {
                return false;
            }
            let since = *last.get_or_insert_with(Instant::now);
            if let Some(wait) = (since + settle).checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
                continue;
            }
            match measure() {
                None => return false,
                Some(idle) if idle >= IDLE_CORES => {
                    *last = Some(Instant::now());
                    return !nothing_left();
                }
                Some(_) => {}
            }
        }
    }
}

/// How many cores were free for a VM, on average, over the next `window` (from `/proc/stat`:
/// idle, iowait and niced time of all CPUs: niced work, the builds and the fuzz pass,
/// yields to a VM); `None` where `/proc/stat` cannot be read.
pub(super) fn idle_cores(window: Duration) -> Option<f64> {
    let read = || std::fs::read_to_string("/proc/stat").ok();
    let before = cpu_times(&read()?)?;
    std::thread::sleep(window);
    let after = cpu_times(&read()?)?;
    idle_between(before, after)
}

/// Free (idle, iowait, nice) and total time of all CPUs, and how many CPUs, from the text of
/// `/proc/stat`.
pub(super) fn cpu_times(stat: &str) -> Option<(u64, u64, usize)> {
    let mut lines = stat.lines();
    let all = lines.next()?.strip_prefix("cpu ")?;
    let fields: Vec<u64> = all
        .split_whitespace()
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal (guest time is within user's).
    let total = fields.iter().take(8).sum();
    let free = fields.get(1)? + fields.get(3)? + fields.get(4).unwrap_or(&0);
    let cpus = lines
        .filter(|l| {
            l.strip_prefix("cpu")
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        })
        .count();
    Some((free, total, cpus))
}

/// Idle cores between two [`cpu_times`].
pub(super) fn idle_between(before: (u64, u64, usize), after: (u64, u64, usize)) -> Option<f64> {
    let idle = after.0.checked_sub(before.0)?;
    let total = after.1.checked_sub(before.1)?;
    (total > 0 && after.2 > 0).then(|| idle as f64 / total as f64 * after.2 as f64)
}

/// How many VMs may run at once when the other lanes are done: [`vm_jobs`] (`jobs`), one
/// more, and [`MORE_WHEN_IDLE`] per core more on idle time. With `XTASK_VM_JOBS` set, that
/// many always.
fn vm_jobs_most(jobs: usize) -> usize {
    if std::env::var_os("XTASK_VM_JOBS").is_some() {
        jobs
    } else {
        jobs + 1 + MORE_WHEN_IDLE * cores()
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// How many VMs run at once beside the other lanes: `XTASK_VM_JOBS`, else as many as there
/// are cores. On its own a single-vCPU TCG guest leaves its core idle while its tests wait
/// on timeouts and peers, but in `cargo xtask test` the host tier, qemu-user and the builds
/// fill it; a third VM beside them starved the guests (the lib tests of the s390x and
/// powerpc64le VMs passed their 120 s limit on two cores).
fn vm_jobs() -> usize {
    std::env::var("XTASK_VM_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .filter(|&j| j > 0)
        .unwrap_or_else(cores)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guest_fetched_ahead_is_taken_once_by_its_row() {
        let ws = Ws::find();
        let targets =
            crate::cross::targets::load(&ws.root.join("targets"), &["x86_64".into()]).unwrap();
        let run = Run::all(&targets[0])[0];
        let fetches = Fetches::new(2);
        // The prefetcher claims a row once; its row waits for the fetch and takes it.
        assert!(fetches.claim(1));
        assert!(!fetches.claim(1));
        std::thread::scope(|s| {
            let row = s.spawn(|| fetches.get(&ws, 1, run));
            std::thread::sleep(Duration::from_millis(100));
            fetches.put(1, Err(("fetched ahead".into(), Duration::from_secs(3))));
            let got = row.join().unwrap();
            assert!(matches!(got, Err((ref e, t)) if e == "fetched ahead" && t.as_secs() == 3));
        });
        // Taken: not a second time, nor claimed again.
        assert!(matches!(fetches.get(&ws, 1, run), Err((ref e, _)) if e == "taken twice"));
        assert!(!fetches.claim(1));
        // No such row.
        assert!(fetches.get(&ws, 7, run).is_err());
    }
}
