//! bio: background I/O threads (Redis's bio.c).
//!
//! Threads: one worker per job kind -- `bio_close_file` (closing files that
//! may be big, so the unlink-on-close cost never lands on the main thread),
//! `bio_aof` (fdatasync of the append-only file; Redis 7.2's close-aof job
//! shares this worker), `bio_lazy_free` (dropping values, whole tables and
//! client buffers the main thread detached). They are started once at
//! start-up, after the main thread blocked SIGTERM/SIGINT, so they inherit
//! that mask and never take a signal meant for the event loop.
//!
//! Ownership: a job *owns* what it works on (an `OwnedFd`/`File`, a boxed
//! value or table). Submitting moves it out of the main thread's world;
//! nothing is shared, so the keyspace needs no locks. This is why a value
//! that anything else still references could never be handed over -- and
//! ferrodis has no shared values (no refcounted objects), so every value
//! qualifies.
//!
//! Queue discipline: each kind is a mutex + condvar FIFO; jobs of one kind
//! run in submission order; `pending(kind)` counts jobs queued or running
//! (decremented only after the job finished, like Redis's bio_pending).
//! `wait_step(kind)` blocks until the worker finished one more job (or
//! nothing is pending): bioWaitStepOfType. `drain_on_shutdown()` waits until
//! every queue is empty.
//!
//! Fork: `park()` stops every worker between two jobs (a running job
//! finishes first) and returns once each acknowledged; `unpark()` lets them
//! go on. BGSAVE forks in between, so no worker holds the allocator's or a
//! queue's lock in the child (mimalloc has no fork handlers).
//!
//! Pinning: workers are pinned per `bio-cpulist`, else where
//! `affinity::bio_cpus` places them (the server node's remaining cores).
//!
//! Not done: the aof-fsync worker has no producer until persistence exists
//! and is exercised by its own tests; the close-file worker likewise has no
//! big file to close yet (no RDB/AOF) and is exercised by its tests.

pub mod lazyfree;

use std::collections::VecDeque;
use std::fs::File;
use std::os::fd::OwnedFd;
use std::sync::{Condvar, Mutex, OnceLock};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    CloseFile = 0,
    AofFsync = 1,
    LazyFree = 2,
}

pub const KINDS: [Kind; 3] = [Kind::CloseFile, Kind::AofFsync, Kind::LazyFree];

impl Kind {
    pub fn thread_name(self) -> &'static str {
        match self {
            Kind::CloseFile => "bio_close_file",
            Kind::AofFsync => "bio_aof",
            Kind::LazyFree => "bio_lazy_free",
        }
    }
}

/// A unit of background work. Each variant owns its payload.
pub enum Job {
    /// Close a file (dropping the fd). `fsync` first when asked.
    CloseFile { fd: OwnedFd, fsync: bool },
    /// fdatasync a file. The main thread keeps its own reference; when the
    /// job holds the last one the file is closed here too (7.2's
    /// close-aof shares this worker). Errors are reported through
    /// `lazyfree::aof_fsync_status()`.
    AofFsync { file: std::sync::Arc<File> },
    /// Drop something big off the main thread. `objects` is what it counts
    /// for INFO's lazyfree_pending_objects / lazyfreed_objects.
    LazyFree {
        payload: Box<dyn Send>,
        objects: u64,
    },
    /// Runs a closure (tests of ordering and of wait_step).
    Call(Box<dyn FnOnce() + Send>),
}

struct Queue {
    jobs: Mutex<State>,
    /// Signalled when a job is queued (wakes the worker).
    work: Condvar,
    /// Signalled when a job finished (wakes wait_step / drain).
    done: Condvar,
}

#[derive(Default)]
struct State {
    queue: VecDeque<Job>,
    /// Queued + running: decremented after the job completed.
    pending: u64,
    finished: u64,
    /// Set by the main thread (`park`): stop before the next job.
    park: bool,
    /// Set by the worker: it is waiting on `work` between jobs because of
    /// `park`, holding no lock and outside the allocator.
    parked: bool,
}

struct Bio {
    queues: [Queue; 3],
}

static BIO: OnceLock<Bio> = OnceLock::new();

fn bio() -> &'static Bio {
    BIO.get_or_init(|| {
        let q = || Queue {
            jobs: Mutex::new(State::default()),
            work: Condvar::new(),
            done: Condvar::new(),
        };
        Bio {
            queues: [q(), q(), q()],
        }
    })
}

/// Set once the workers exist (`park` has no one to wait for before).
static STARTED: OnceLock<()> = OnceLock::new();

/// Starts the three workers (bioInit). Idempotent.
pub fn start(cpus: &[usize]) {
    STARTED.get_or_init(|| {
        for kind in KINDS {
            let cpus = cpus.to_vec();
            std::thread::Builder::new()
                .name(kind.thread_name().into())
                .spawn(move || {
                    if let Err(e) = ferrodis_ffi::thread::set_affinity(&cpus) {
                        log::warn!("Could not pin {}: {e}", kind.thread_name());
                    }
                    // Freeing is pure background work: never let it delay the
                    // main thread for a scheduler tick on a shared core.
                    if kind == Kind::LazyFree
                        && let Err(e) = ferrodis_ffi::thread::set_nice(19)
                    {
                        log::warn!("Could not lower the priority of bio_lazy_free: {e}");
                    }
                    worker(kind)
                })
                .unwrap_or_else(|e| panic!("cannot start bio thread {}: {e}", kind.thread_name()));
        }
    });
}

/// The server's start-up hook: start the workers, pinned per bio-cpulist.
pub fn init(srv: &mut crate::server::Server) {
    // bio-cpulist, or the placement's leftover cores of the server's node.
    let cpus = crate::affinity::bio_cpus(srv);
    start(&cpus);
}

/// Queues a job (bioCreateBackgroundJob). Jobs of one kind run in order.
pub fn submit(kind: Kind, job: Job) {
    let q = &bio().queues[kind as usize];
    let mut st = q.jobs.lock().unwrap_or_else(|p| p.into_inner());
    st.queue.push_back(job);
    st.pending += 1;
    q.work.notify_one();
}

/// Jobs of `kind` queued or running (bioPendingJobsOfType).
pub fn pending(kind: Kind) -> u64 {
    let q = &bio().queues[kind as usize];
    q.jobs.lock().unwrap_or_else(|p| p.into_inner()).pending
}

/// Blocks until one more job of `kind` finished, or none is pending
/// (bioWaitStepOfType). Returns what is still pending.
pub fn wait_step(kind: Kind) -> u64 {
    let q = &bio().queues[kind as usize];
    let mut st = q.jobs.lock().unwrap_or_else(|p| p.into_inner());
    if st.pending == 0 {
        return 0;
    }
    let seen = st.finished;
    while st.finished == seen && st.pending > 0 {
        st = q.done.wait(st).unwrap_or_else(|p| p.into_inner());
    }
    st.pending
}

/// Waits until every queue is empty (shutdown: jobs already accepted are
/// finished, not dropped).
pub fn drain_on_shutdown() {
    if BIO.get().is_none() {
        return;
    }
    for kind in KINDS {
        while wait_step(kind) > 0 {}
    }
}

/// Stops every worker between two jobs and waits until each one says it
/// is parked (before fork(): a worker freeing a value holds allocator
/// locks, which would stay held in the child). A job in progress finishes
/// first, so this can take as long as the longest running job. Queued jobs
/// wait; `submit` still works. Undo with [`unpark`].
pub fn park() {
    if STARTED.get().is_none() {
        return;
    }
    for q in &bio().queues {
        let mut st = q.jobs.lock().unwrap_or_else(|p| p.into_inner());
        st.park = true;
        q.work.notify_all();
        while !st.parked {
            st = q.done.wait(st).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// Lets the workers [`park`] stopped run again.
pub fn unpark() {
    if STARTED.get().is_none() {
        return;
    }
    for q in &bio().queues {
        let mut st = q.jobs.lock().unwrap_or_else(|p| p.into_inner());
        st.park = false;
        q.work.notify_all();
    }
}

fn worker(kind: Kind) {
    let q = &bio().queues[kind as usize];
    loop {
        let job = {
            let mut st = q.jobs.lock().unwrap_or_else(|p| p.into_inner());
            loop {
                if st.park {
                    // Acknowledge on `done` (the condvar the main thread
                    // waits on) and sleep until released; the condvar wait
                    // releases the queue mutex.
                    st.parked = true;
                    q.done.notify_all();
                    while st.park {
                        st = q.work.wait(st).unwrap_or_else(|p| p.into_inner());
                    }
                    st.parked = false;
                    continue;
                }
                if let Some(j) = st.queue.pop_front() {
                    break j;
                }
                st = q.work.wait(st).unwrap_or_else(|p| p.into_inner());
            }
        };
        run(job);
        let mut st = q.jobs.lock().unwrap_or_else(|p| p.into_inner());
        st.pending -= 1;
        st.finished += 1;
        q.done.notify_all();
    }
}

fn run(job: Job) {
    match job {
        Job::CloseFile { fd, fsync } => {
            if fsync {
                let f = File::from(fd);
                if let Err(e) = f.sync_data() {
                    log::warn!("Fail to fsync the file being closed: {e}");
                }
                drop(f);
            } else {
                drop(fd);
            }
        }
        Job::AofFsync { file } => {
            let res = file.sync_data();
            lazyfree::record_fsync(res.err().map(|e| e.to_string()));
        }
        Job::LazyFree { payload, objects } => {
            drop(payload);
            lazyfree::note_freed(objects);
        }
        Job::Call(f) => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// The queues and workers are process-wide, and the harness runs tests
    /// on parallel threads: each test holds this lock for its whole run, so
    /// no test sees another's jobs in a pending count or a wait_step (a
    /// pending count of 2 instead of 1 once failed an assertion while a
    /// worker sat on that test's gate, and another test's wait_step then
    /// hung forever). A test that failed poisons the lock; the next one
    /// takes it anyway, since the queues are still consistent.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn serial() -> std::sync::MutexGuard<'static, ()> {
        SERIAL.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A gate a job waits on. Dropping it opens it, so a failed assertion
    /// in the test never leaves the worker blocked on it.
    struct Gate(Arc<(Mutex<bool>, Condvar)>);

    impl Gate {
        fn new() -> Gate {
            Gate(Arc::new((Mutex::new(false), Condvar::new())))
        }

        /// The job side: blocks until the gate opens.
        fn waiter(&self) -> impl FnOnce() + Send + 'static {
            let g = self.0.clone();
            move || {
                let (m, c) = &*g;
                let mut open = m.lock().unwrap_or_else(|p| p.into_inner());
                while !*open {
                    open = c.wait(open).unwrap_or_else(|p| p.into_inner());
                }
            }
        }

        fn open(&self) {
            let (m, c) = &*self.0;
            *m.lock().unwrap_or_else(|p| p.into_inner()) = true;
            c.notify_all();
        }
    }

    impl Drop for Gate {
        fn drop(&mut self) {
            self.open();
        }
    }

    #[test]
    fn jobs_of_one_kind_run_in_submission_order() {
        let _serial = serial();
        start(&[]);
        let seen = Arc::new(Mutex::new(Vec::new()));
        for i in 0..10_000u32 {
            let s = seen.clone();
            submit(
                Kind::CloseFile,
                Job::Call(Box::new(move || s.lock().unwrap().push(i))),
            );
        }
        while wait_step(Kind::CloseFile) > 0 {}
        let v = seen.lock().unwrap();
        assert_eq!(v.len(), 10_000);
        assert!(
            v.windows(2).all(|w| w[0] < w[1]),
            "bio jobs ran out of order"
        );
    }

    #[test]
    fn pending_counts_until_the_job_finished() {
        let _serial = serial();
        start(&[]);
        let gate = Gate::new();
        submit(Kind::AofFsync, Job::Call(Box::new(gate.waiter())));
        assert_eq!(pending(Kind::AofFsync), 1);
        gate.open();
        assert_eq!(wait_step(Kind::AofFsync), 0);
        assert_eq!(pending(Kind::AofFsync), 0);
    }

    #[test]
    fn close_file_and_fsync_workers_do_their_jobs() {
        let _serial = serial();
        start(&[]);
        let dir = std::env::temp_dir().join(format!("bio-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("f");
        std::fs::write(&p, b"data").unwrap();
        let f = File::options().append(true).open(&p).unwrap();
        let raw = std::os::fd::AsRawFd::as_raw_fd(&f);
        submit(Kind::AofFsync, Job::AofFsync { file: Arc::new(f) });
        while wait_step(Kind::AofFsync) > 0 {}
        assert!(lazyfree::aof_fsync_status().is_none());
        let f2 = File::open(&p).unwrap();
        submit(
            Kind::CloseFile,
            Job::CloseFile {
                fd: f2.into(),
                fsync: false,
            },
        );
        while wait_step(Kind::CloseFile) > 0 {}
        // The fd number is free again: /proc no longer lists it as ours
        // pointing at the file (it may be reused by another open).
        let link = std::fs::read_link(format!("/proc/self/fd/{raw}"));
        assert!(link.map_or(true, |l| l != p));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn lazy_free_counts_objects() {
        let _serial = serial();
        start(&[]);
        let before = lazyfree::freed_objects();
        let n = Arc::new(AtomicU64::new(0));
        struct D(Arc<AtomicU64>);
        impl Drop for D {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        lazyfree::note_pending(3);
        submit(
            Kind::LazyFree,
            Job::LazyFree {
                payload: Box::new(D(n.clone())),
                objects: 3,
            },
        );
        while wait_step(Kind::LazyFree) > 0 {}
        assert_eq!(n.load(Ordering::SeqCst), 1);
        assert!(lazyfree::freed_objects() >= before + 3);
    }
}
