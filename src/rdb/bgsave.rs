//! BGSAVE: snapshots written by a forked child (rdb.c's rdbSaveBackground,
//! server.c's checkChildrenDone and save points, childinfo.c).
//!
//! Threads and fork: the process has other threads (I/O threads, bio
//! workers) and mimalloc registers no fork handlers, so a thread inside
//! malloc at the fork would leave the allocator locked in the child
//! forever. `start` therefore parks every I/O thread in its idle loop and
//! every bio worker between two jobs (`io_threads::park`, `bio::park`:
//! request + acknowledgement per thread), forks, and releases them in the
//! parent. The child never uses them: it has one thread (the main thread's
//! copy), so the encoder may allocate freely, and it ends with `_exit`,
//! never running the parent's destructors.
//!
//! The child: unblocks signals (the parent blocks SIGTERM/SIGINT for its
//! signalfd), pins itself to `bgsave-cpulist` (else the bio CPUs of the
//! placement), writes `temp-<childpid>.rdb` with the ordinary writer,
//! fsyncs and renames it over `dbfilename`, then reports its copy-on-write
//! size (Private_Dirty of /proc/self/smaps_rollup) through a pipe, as
//! Redis's child info pipe does, and exits 0 (1 on a write error). THP
//! stays off in the child: PR_SET_THP_DISABLE is inherited across fork.
//!
//! The parent: `cron` reaps the child with waitpid(WNOHANG) on each
//! serverCron and updates LASTSAVE, the dirty counter (minus what was
//! dirty when the child forked), the status that MISCONF looks at and the
//! INFO fields; when no child runs it starts a BGSAVE for a save point or
//! a scheduled BGSAVE, retrying a failed one after 5 s
//! (CONFIG_BGSAVE_RETRY_DELAY). A child killed by our own `kill_child`
//! (FLUSHALL, SHUTDOWN) is not an error, as in Redis.
//!
//! Not done: the child's progress reports (INFO's current_fork_perc,
//! current_save_keys_processed, current_cow_size: Redis sends them while
//! the child runs; we send only the final CoW size) and releasing the
//! pages of values already written (Redis 7's dismiss of memory in the
//! child).

use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::OnceLock;

use ferrodis_ffi::sys::{self, ChildExit, Forked};

use crate::server::Server;

/// CONFIG_BGSAVE_RETRY_DELAY: seconds before a failed BGSAVE is retried
/// by a save point.
const RETRY_DELAY_S: i64 = 5;

/// A running BGSAVE child.
#[derive(Debug)]
pub struct Child {
    pub pid: i32,
    /// rdb_save_time_start (unix seconds).
    start_s: i64,
    /// The read end of the child's report pipe.
    info: OwnedFd,
}

/// Why BGSAVE could not start.
#[derive(Debug)]
pub enum StartError {
    /// A child is already saving.
    InProgress,
    /// fork (or the pipe) failed; logged.
    Fork(std::io::Error),
}

/// Whether a BGSAVE child runs (hasActiveChildProcess: ours is the only
/// kind of child).
pub fn in_progress(srv: &Server) -> bool {
    srv.rdb.child.is_some()
}

/// The CPUs the child pins itself to: `bgsave-cpulist`, else the bio
/// CPUs of the placement (both immutable, so computed once).
fn child_cpus(srv: &Server) -> &'static [usize] {
    static CPUS: OnceLock<Vec<usize>> = OnceLock::new();
    CPUS.get_or_init(|| {
        crate::affinity::parse_cpulist(&srv.cfg.bgsave_cpulist)
            .ok()
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| crate::affinity::bio_cpus(srv))
    })
}

/// rdbSaveBackground: forks a child that saves to `dbfilename`.
pub fn start(srv: &mut Server) -> Result<(), StartError> {
    if in_progress(srv) {
        return Err(StartError::InProgress);
    }
    srv.rdb.saves += 1;
    srv.rdb.dirty_before_bgsave = srv.dirty;
    srv.rdb.last_bgsave_try = crate::server::unix_ms() / 1000;
    let cpus = child_cpus(srv);
    let (rd, wr) = match sys::pipe_nonblocking_read() {
        Ok(p) => p,
        Err(e) => {
            srv.rdb.last_bgsave_ok = false;
            log::warn!("Can't save in background: pipe: {e}");
            return Err(StartError::Fork(e));
        }
    };
    let path = super::dump_path(&srv.cfg);
    let forked = {
        let io = &srv.io;
        sys::fork_child(
            || {
                crate::io_threads::park(io);
                crate::bio::park();
            },
            || {
                crate::bio::unpark();
                crate::io_threads::unpark(io);
            },
        )
    };
    if let Ok((Forked::Child, _)) = forked {
        drop(rd);
        child_main(srv, cpus, &path, wr);
    }
    drop(wr);
    match forked {
        Ok((Forked::Parent(pid), took)) => {
            srv.rdb.total_forks += 1;
            srv.rdb.latest_fork_usec = took.as_micros() as u64;
            log::info!("Background saving started by pid {pid}");
            srv.rdb.child = Some(Child {
                pid,
                start_s: crate::server::unix_ms() / 1000,
                info: rd,
            });
            Ok(())
        }
        Err(e) => {
            srv.rdb.last_bgsave_ok = false;
            log::warn!("Can't save in background: fork: {e}");
            Err(StartError::Fork(e))
        }
        Ok((Forked::Child, _)) => unreachable!("the child never returns from child_main"),
    }
}

/// The child's whole life: save, report, `_exit`.
fn child_main(srv: &Server, cpus: &[usize], path: &std::path::Path, report: OwnedFd) -> ! {
    crate::log::set_child();
    sys::unblock_all_signals();
    if let Err(e) = ferrodis_ffi::thread::set_affinity(cpus) {
        log::warn!("Could not pin the BGSAVE child to {cpus:?}: {e}");
    }
    let ok = super::write_snapshot(&srv.dbs, &srv.cfg, path, super::OldFile::Unlink).is_ok();
    if ok {
        let cow = sys::private_dirty_bytes();
        if cow > 0 {
            log::info!(
                "RDB: {} MB of memory used by copy-on-write",
                cow / (1024 * 1024)
            );
        }
        // The parent reads this after reaping us; 8 bytes fit the pipe
        // buffer, so the write never blocks.
        let _ = sys::write_pipe(report.as_fd(), &cow.to_le_bytes());
    }
    sys::exit_immediately(if ok { 0 } else { 1 })
}

/// The cron's part (serverCron): reap a finished child, else start a
/// BGSAVE for a save point or a scheduled one.
pub fn cron(srv: &mut Server) {
    if in_progress(srv) {
        check_child_done(srv);
        return;
    }
    let now = crate::server::unix_ms() / 1000;
    let retry_ok = now - srv.rdb.last_bgsave_try > RETRY_DELAY_S || srv.rdb.last_bgsave_ok;
    let due = srv.cfg.save.iter().copied().find(|&(secs, changes)| {
        srv.dirty >= changes && now - srv.lastsave > secs as i64 && retry_ok
    });
    if let Some((secs, changes)) = due {
        log::info!("{changes} changes in {secs} seconds. Saving...");
        let _ = start(srv);
        return;
    }
    if srv.rdb.bgsave_scheduled && retry_ok && start(srv).is_ok() {
        srv.rdb.bgsave_scheduled = false;
    }
}

/// checkChildrenDone for the BGSAVE child.
fn check_child_done(srv: &mut Server) {
    let Some(pid) = srv.rdb.child.as_ref().map(|c| c.pid) else {
        return;
    };
    match sys::waitpid_nohang(pid) {
        Ok(None) => {}
        Ok(Some(how)) => child_done(srv, how, false),
        Err(e) => {
            // ECHILD: the child is gone and cannot be reaped (should not
            // happen); forget it rather than wait forever.
            log::warn!("waitpid() returned an error: {e}. child_type: RDB, child_pid = {pid}");
            child_done(srv, ChildExit::Exited(1), false);
        }
    }
}

/// backgroundSaveDoneHandler + receiveChildInfo + resetChildState.
fn child_done(srv: &mut Server, how: ChildExit, intended: bool) {
    let Some(child) = srv.rdb.child.take() else {
        return;
    };
    let now = crate::server::unix_ms() / 1000;
    match how {
        ChildExit::Exited(0) => {
            log::info!("Background saving terminated with success");
            srv.dirty = srv.dirty.saturating_sub(srv.rdb.dirty_before_bgsave);
            srv.lastsave = now;
            srv.rdb.last_bgsave_ok = true;
            let mut buf = [0u8; 8];
            if let Ok(8) = std::fs::File::from(child.info).read(&mut buf) {
                srv.rdb.last_cow_size = u64::from_le_bytes(buf);
            }
        }
        ChildExit::Exited(_) => {
            log::warn!("Background saving error");
            srv.rdb.last_bgsave_ok = false;
        }
        ChildExit::Signaled(sig) => {
            log::warn!("Background saving terminated by signal {sig}");
            let _ = std::fs::remove_file(super::temp_file_name(child.pid));
            // A child we killed on purpose (kill_child) is not an error
            // condition (Redis's SIGUSR1 rule).
            if !intended {
                srv.rdb.last_bgsave_ok = false;
            }
        }
    }
    srv.rdb.last_bgsave_time_sec = now - child.start_s;
}

/// killRDBChild, then waits for it and cleans up (FLUSHALL, SHUTDOWN).
/// Redis sends SIGUSR1 and leaves the reaping to the cron; we send
/// SIGKILL (it also ends a stopped child) and reap at once, so the killed
/// child can never rename its file over a newer save, and the kill is
/// known to be ours (not an error, Redis's SIGUSR1 rule).
pub fn kill_child(srv: &mut Server) {
    let Some(pid) = srv.rdb.child.as_ref().map(|c| c.pid) else {
        return;
    };
    let _ = sys::kill(pid, sys::SIGKILL);
    let how = sys::waitpid_blocking(pid).unwrap_or(ChildExit::Signaled(sys::SIGKILL));
    child_done(srv, how, true);
}

/// writeCommandsDeniedByDiskError: writes (and PING) are refused while the
/// last BGSAVE failed, save points are set and
/// `stop-writes-on-bgsave-error` is on.
pub fn writes_denied(srv: &Server) -> bool {
    srv.cfg.stop_writes_on_bgsave_error && !srv.cfg.save.is_empty() && !srv.rdb.last_bgsave_ok
}

/// The MISCONF error (writeCommandsGetDiskErrorMessage for RDB).
pub const MISCONF: &str = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/// INFO persistence: rdb_bgsave_in_progress, rdb_current_bgsave_time_sec.
pub fn current_time_sec(srv: &Server) -> i64 {
    srv.rdb
        .child
        .as_ref()
        .map_or(-1, |c| crate::server::unix_ms() / 1000 - c.start_s)
}
