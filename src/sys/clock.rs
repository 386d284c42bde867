//! The monotonic clock, read by a plain system call.
//!
//! rustix reads clocks through the vDSO, which costs a lookup in the vDSO's ELF tables (and,
//! in static binaries, a read of `/proc/self/auxv`, which allocates with `std`) and about
//! 1.5 KiB of code. The crate reads the clock only when a call is about to wait, where one
//! system call more is nothing, so it asks the kernel directly.

use syscalls::Sysno;

/// `CLOCK_MONOTONIC` (linux/time.h).
const CLOCK_MONOTONIC: usize = 1;

/// Nanoseconds on `CLOCK_MONOTONIC`, or `u64::MAX` if the kernel refuses to tell (a seccomp
/// filter): a deadline then counts as passed rather than never passing.
pub(crate) fn monotonic_ns() -> u64 {
    // `struct __kernel_timespec`: two 64-bit fields on every architecture; 32-bit ones take
    // it through `clock_gettime64` (Linux 5.1), their `clock_gettime` has 32-bit seconds.
    let mut ts = [0i64; 2];
    #[cfg(target_pointer_width = "64")]
    let call = Sysno::clock_gettime;
    #[cfg(target_pointer_width = "32")]
    let call = Sysno::clock_gettime64;
    // SAFETY: `ts` is a writable `__kernel_timespec` (16 bytes, aligned for `i64`), live
    // across the call; the kernel writes only it.
    let r = unsafe { syscalls::syscall2(call, CLOCK_MONOTONIC, ts.as_mut_ptr() as usize) };
    match r {
        Ok(_) => (ts[0] as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(ts[1] as u64),
        Err(_) => u64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_rustix_and_moves_forward() {
        let a = monotonic_ns();
        let t = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
        let r = t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64;
        let b = monotonic_ns();
        assert!(a <= r && r <= b, "{a} {r} {b}");
        assert_ne!(a, u64::MAX);
    }
}
