//! Threads: kernel thread ids, CPU affinity, and a futex for parking the I/O
//! threads between phases.

use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;
use std::sync::atomic::AtomicU32;

/// The calling thread's kernel tid (INFO threads, /proc/self/task/<tid>).
pub fn gettid() -> i32 {
    nix::unistd::gettid().as_raw()
}

/// Pins the calling thread to `cpus`. An empty list is a no-op.
pub fn set_affinity(cpus: &[usize]) -> std::io::Result<()> {
    if cpus.is_empty() {
        return Ok(());
    }
    let mut set = CpuSet::new();
    for &c in cpus {
        set.set(c)
            .map_err(|e| std::io::Error::from_raw_os_error(e as i32))?;
    }
    sched_setaffinity(Pid::from_raw(0), &set)
        .map_err(|e| std::io::Error::from_raw_os_error(e as i32))
}

/// The CPUs a thread (0 = calling thread) may run on.
pub fn get_affinity(tid: i32) -> Vec<usize> {
    match sched_getaffinity(Pid::from_raw(tid)) {
        Ok(set) => (0..CpuSet::count())
            .filter(|&i| set.is_set(i).unwrap_or(false))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Blocks while `*word == expected`, for at most `timeout` (None = forever).
/// Spurious wake-ups are possible; callers re-check their condition.
pub fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<std::time::Duration>) {
    let ts = timeout.map(|d| libc::timespec {
        tv_sec: d.as_secs() as libc::time_t,
        tv_nsec: d.subsec_nanos() as libc::c_long,
    });
    let tsp = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `word` is a live AtomicU32 (same layout as u32) for the duration
    // of the call; FUTEX_WAIT_PRIVATE only reads it; `tsp` is null or points
    // at `ts`, which outlives the call.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            expected,
            tsp,
        );
    }
}

/// Wakes up to `n` waiters on `word`.
pub fn futex_wake(word: &AtomicU32, n: i32) {
    // SAFETY: as for futex_wait; FUTEX_WAKE does not touch the memory.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
            n,
        );
    }
}

/// Number of online CPUs.
pub fn online_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
