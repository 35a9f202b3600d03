//! Process-level calls: resource usage, limits, pid, umask-free file ops the
//! server needs at start-up.

use nix::sys::resource::{Resource, UsageWho, getrlimit, getrusage, setrlimit};
use std::time::Duration;

/// CPU time of the process (INFO cpu `used_cpu_sys`, `used_cpu_user`).
pub fn process_cpu() -> (Duration, Duration) {
    cpu(UsageWho::RUSAGE_SELF)
}

/// CPU time of the calling thread (`used_cpu_sys_main_thread` etc.).
pub fn thread_cpu() -> (Duration, Duration) {
    cpu(UsageWho::RUSAGE_THREAD)
}

fn cpu(who: UsageWho) -> (Duration, Duration) {
    match getrusage(who) {
        Ok(u) => {
            let s = u.system_time();
            let us = u.user_time();
            (
                Duration::new(s.tv_sec() as u64, s.tv_usec() as u32 * 1000),
                Duration::new(us.tv_sec() as u64, us.tv_usec() as u32 * 1000),
            )
        }
        Err(_) => (Duration::ZERO, Duration::ZERO),
    }
}

/// Raises RLIMIT_NOFILE towards `want` (maxclients + reserved fds), like
/// Redis's adjustOpenFilesLimit. Returns the limit now in force.
pub fn raise_nofile(want: u64) -> u64 {
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return 1024;
    };
    if soft >= want {
        return soft;
    }
    let target = want.min(hard);
    if setrlimit(Resource::RLIMIT_NOFILE, target, hard).is_ok() {
        target
    } else {
        soft
    }
}

pub fn pid() -> u32 {
    std::process::id()
}

/// Resident set size in bytes, from /proc/self/statm (INFO used_memory_rss).
pub fn rss_bytes() -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/statm") else {
        return 0;
    };
    let pages: u64 = s
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    pages * page_size()
}

pub fn page_size() -> u64 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let v = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if v > 0 { v as u64 } else { 4096 }
}

/// Turns transparent huge pages off (or back on) for this process and its future
/// children (prctl PR_SET_THP_DISABLE), as Redis's `disable-thp yes` does:
/// with THP `always` or `madvise`, allocator arenas can be backed by 2 MiB
/// pages, so RSS moves in 2 MiB steps and a copy-on-write fault copies
/// 2 MiB. Pages already faulted in stay as they are, which is why main()
/// turns THP off before the first allocations and turns it back on when the
/// configuration says `disable-thp no`.
pub fn set_thp_disabled(off: bool) -> std::io::Result<()> {
    // SAFETY: PR_SET_THP_DISABLE takes plain integer arguments; no pointers.
    let r = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, off as libc::c_ulong, 0, 0, 0) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Detaches like daemon(3) without chdir (Redis keeps cwd; `dir` decides it).
pub fn daemonize() -> std::io::Result<()> {
    // SAFETY: called at start-up before any thread exists, so fork copies
    // only the calling thread's state, which is all there is.
    match unsafe { nix::unistd::fork() } {
        Ok(nix::unistd::ForkResult::Parent { .. }) => std::process::exit(0),
        Ok(nix::unistd::ForkResult::Child) => {}
        Err(e) => return Err(std::io::Error::from_raw_os_error(e as i32)),
    }
    nix::unistd::setsid().map_err(|e| std::io::Error::from_raw_os_error(e as i32))?;
    let devnull = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")?;
    use std::os::fd::AsFd;
    for target in [0, 1, 2] {
        // SAFETY: fds 0..2 are the standard streams; dup2 replaces them with
        // /dev/null, which is what daemonising means.
        unsafe { libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&devnull.as_fd()), target) };
    }
    Ok(())
}

/// CLOCK_MONOTONIC in microseconds: the cheap clock call() times commands
/// with (plain integer arithmetic, no `Instant` bookkeeping).
#[inline]
pub fn monotonic_us() -> u64 {
    match nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC) {
        Ok(t) => t.tv_sec() as u64 * 1_000_000 + t.tv_nsec() as u64 / 1000,
        Err(_) => 0,
    }
}
