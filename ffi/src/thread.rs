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

/// Names the calling thread (PR_SET_NAME; the kernel keeps 15 bytes). Used
/// for the process main thread, which std cannot name.
pub fn set_name(name: &str) -> std::io::Result<()> {
    let mut buf = [0u8; 16];
    let n = name.len().min(15);
    buf[..n].copy_from_slice(&name.as_bytes()[..n]);
    // SAFETY: `buf` is a NUL-terminated 16-byte array that outlives the call;
    // PR_SET_NAME reads at most 16 bytes from it.
    let r = unsafe { libc::prctl(libc::PR_SET_NAME, buf.as_ptr() as libc::c_ulong, 0, 0, 0) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// MPOL_PREFERRED (linux/mempolicy.h).
pub const MPOL_PREFERRED: i32 = 1;

/// Bits in one nodemask word.
const MASK_BITS: usize = 64;
/// Nodemask words passed to the kernel (1024 nodes, the kernel's maximum
/// MAX_NUMNODES on common configs).
const MASK_WORDS: usize = 16;

/// set_mempolicy(MPOL_PREFERRED, {node}) for the calling thread: its new
/// pages come from `node` while it has free memory, else from elsewhere.
pub fn set_preferred_node(node: usize) -> std::io::Result<()> {
    if node >= MASK_BITS * MASK_WORDS {
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    }
    let mut mask = [0u64; MASK_WORDS];
    mask[node / MASK_BITS] |= 1 << (node % MASK_BITS);
    // SAFETY: `mask` is a live array of MASK_WORDS u64 words; maxnode tells
    // the kernel it holds MASK_WORDS*64 bits, so it reads only inside it.
    let r = unsafe {
        libc::syscall(
            libc::SYS_set_mempolicy,
            MPOL_PREFERRED,
            mask.as_ptr(),
            (MASK_BITS * MASK_WORDS) as libc::c_ulong,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// get_mempolicy for the calling thread: (mode, nodes in the mask).
pub fn get_mempolicy() -> std::io::Result<(i32, Vec<usize>)> {
    let mut mode: libc::c_int = 0;
    let mut mask = [0u64; MASK_WORDS];
    // SAFETY: `mode` and `mask` are live locals the kernel writes into;
    // maxnode bounds the mask write to MASK_WORDS words; addr 0 with flags 0
    // asks for the thread's policy, so the address is not dereferenced.
    let r = unsafe {
        libc::syscall(
            libc::SYS_get_mempolicy,
            &mut mode as *mut libc::c_int,
            mask.as_mut_ptr(),
            (MASK_BITS * MASK_WORDS) as libc::c_ulong,
            0usize,
            0 as libc::c_ulong,
        )
    };
    if r != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let nodes = (0..MASK_BITS * MASK_WORDS)
        .filter(|&i| mask[i / MASK_BITS] & (1 << (i % MASK_BITS)) != 0)
        .collect();
    Ok((mode, nodes))
}

/// Lowers the calling thread's scheduling priority to `nice` (0..19): the
/// lazy-free worker runs at 19 so that, sharing a core with the main thread,
/// it is preempted the moment the main thread wakes (CFS weights a nice-19
/// task at 15 against 1024) yet is never starved the way SCHED_IDLE could be.
pub fn set_nice(nice: i32) -> std::io::Result<()> {
    let tid = gettid();
    // SAFETY: setpriority takes plain integers; on Linux PRIO_PROCESS with a
    // tid applies to that one thread (setpriority(2), NOTES).
    let rc = unsafe { libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, nice) };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}
