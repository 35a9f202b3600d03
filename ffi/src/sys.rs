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

/// What [`fork_child`] returned on this side of the fork.
pub enum Forked {
    /// We are the new child process.
    Child,
    /// We are the parent; the child has this pid.
    Parent(i32),
}

/// fork() for a background child (BGSAVE), from a process that has other
/// threads: `park` runs first, then fork, then `unpark` in the parent only
/// (the child has none of the other threads to release). Returns which
/// side we are on and how long the fork call itself took.
///
/// The child starts with one thread (the caller's) and copies of every
/// lock as it was at the fork: a lock some other thread held then stays
/// held forever in the child. mimalloc registers no `pthread_atfork`
/// handlers, so `park` must bring every other thread to a point where it
/// holds no allocator, logger or queue lock and does not run until
/// `unpark` (the server parks its I/O threads and bio workers, see
/// `rdb::bgsave`); the calling thread must not be inside such a lock
/// either (it is in a plain function call here). The child must leave with
/// [`exit_immediately`], never by returning into the parent's code or
/// running `exit()` (atexit handlers and destructors belong to the
/// parent).
pub fn fork_child(
    park: impl FnOnce(),
    unpark: impl FnOnce(),
) -> std::io::Result<(Forked, std::time::Duration)> {
    park();
    let t0 = std::time::Instant::now();
    // SAFETY: `park` stopped every other thread outside any lock (the
    // contract above), and this thread holds none, so the child's copy
    // of every lock is free; fork itself has no memory preconditions.
    let pid = unsafe { libc::fork() };
    let took = t0.elapsed();
    match pid {
        0 => return Ok((Forked::Child, took)),
        -1 => {
            let e = std::io::Error::last_os_error();
            unpark();
            return Err(e);
        }
        _ => {}
    }
    unpark();
    Ok((Forked::Parent(pid), took))
}

/// _exit(2): ends a forked child without atexit handlers, stdio flushing
/// or destructors, which belong to the parent (Redis's exitFromChild).
pub fn exit_immediately(code: i32) -> ! {
    // SAFETY: _exit takes an integer and never returns; skipping
    // destructors is the point (their state is the parent's).
    unsafe { libc::_exit(code) }
}

/// How a reaped child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildExit {
    Exited(i32),
    Signaled(i32),
}

/// waitpid(pid, WNOHANG): `Ok(None)` while the child runs.
pub fn waitpid_nohang(pid: i32) -> std::io::Result<Option<ChildExit>> {
    waitpid(pid, libc::WNOHANG)
}

/// waitpid(pid, 0): blocks until the child ended.
pub fn waitpid_blocking(pid: i32) -> std::io::Result<ChildExit> {
    loop {
        if let Some(e) = waitpid(pid, 0)? {
            return Ok(e);
        }
    }
}

fn waitpid(pid: i32, options: libc::c_int) -> std::io::Result<Option<ChildExit>> {
    let mut status: libc::c_int = 0;
    loop {
        // SAFETY: `status` is a valid, writable c_int for the whole call.
        let r = unsafe { libc::waitpid(pid, &mut status, options) };
        if r == -1 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if r == 0 {
            return Ok(None);
        }
        if libc::WIFEXITED(status) {
            return Ok(Some(ChildExit::Exited(libc::WEXITSTATUS(status))));
        }
        if libc::WIFSIGNALED(status) {
            return Ok(Some(ChildExit::Signaled(libc::WTERMSIG(status))));
        }
        // Stopped/continued (not requested): keep waiting.
        if options & libc::WNOHANG != 0 {
            return Ok(None);
        }
    }
}

/// kill(2).
pub fn kill(pid: i32, sig: i32) -> std::io::Result<()> {
    // SAFETY: plain integer arguments.
    if unsafe { libc::kill(pid, sig) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Unblocks every signal for the calling thread (a forked child inherits
/// the main thread's mask, which blocks SIGTERM/SIGINT for the signalfd;
/// the child must die of them, and of SIGUSR1, like any process).
pub fn unblock_all_signals() {
    use nix::sys::signal::{SigSet, SigmaskHow, pthread_sigmask};
    let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None);
}

/// A pipe (read end non-blocking, both close-on-exec): the forked child's
/// report channel to the parent (Redis's child info pipe).
pub fn pipe_nonblocking_read() -> std::io::Result<(std::os::fd::OwnedFd, std::os::fd::OwnedFd)> {
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
        .map_err(|e| std::io::Error::from_raw_os_error(e as i32))?;
    let fl = nix::fcntl::fcntl(&r, nix::fcntl::FcntlArg::F_GETFL)
        .map_err(|e| std::io::Error::from_raw_os_error(e as i32))?;
    let fl = nix::fcntl::OFlag::from_bits_truncate(fl) | nix::fcntl::OFlag::O_NONBLOCK;
    nix::fcntl::fcntl(&r, nix::fcntl::FcntlArg::F_SETFL(fl))
        .map_err(|e| std::io::Error::from_raw_os_error(e as i32))?;
    Ok((r, w))
}

/// Private_Dirty of this process in bytes, from /proc/self/smaps_rollup:
/// in a forked child, the pages it copied on write (or that the parent
/// wrote after the fork), which is what Redis reports as the child's
/// copy-on-write size.
pub fn private_dirty_bytes() -> u64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/smaps_rollup") else {
        return 0;
    };
    s.lines()
        .filter(|l| l.starts_with("Private_Dirty:"))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum::<u64>()
        * 1024
}

/// SIGKILL: how the server kills its own BGSAVE child (killRDBChild).
pub const SIGKILL: i32 = libc::SIGKILL;

/// write(2) of a short message on a pipe (a forked child's report; a
/// pipe write of at most PIPE_BUF bytes is atomic and, on an empty pipe,
/// never blocks).
pub fn write_pipe(fd: std::os::fd::BorrowedFd<'_>, buf: &[u8]) -> std::io::Result<usize> {
    loop {
        match nix::unistd::write(fd, buf) {
            Ok(n) => return Ok(n),
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => return Err(std::io::Error::from_raw_os_error(e as i32)),
        }
    }
}
