//! I/O threads (Redis 6's threaded I/O), with idle threads that sleep.
//!
//! Model (as Redis 6): with `io-threads N` > 1, beforeSleep hands the
//! clients with pending writes (and, with `io-threads-do-reads yes`, the
//! clients that became readable) to N-1 I/O threads plus the main thread
//! (share 0), round-robin. I/O threads only read+parse (at most one command,
//! flagged PENDING_COMMAND) or write; commands always run on the main
//! thread, in client order, after every thread is done. Below 2*N pending
//! writes the main thread does the I/O itself and threaded I/O is inactive
//! (stopThreadedIOIfNeeded); it restarts when load returns.
//!
//! Ownership: a phase *lends* clients. Each client is taken out of
//! `srv.clients` as a `Box<Client>` and moved into its thread's job slot;
//! the main thread takes the boxes back only after that thread's pending
//! count is 0, and only then puts them back in `srv.clients`. So at any time
//! a client is reachable from exactly one thread, and the compiler checks it
//! (`Client: Send`, no shared references).
//!
//! Hand-off: one cache-line padded control block per thread
//! ([`Ctl`]: `pending` count + `sleeping` flag) and one `Mutex<Job>` per
//! thread. The mutex is never contended by construction (the main thread
//! touches the slot only while `pending == 0` or after taking a share back,
//! the thread only after claiming it), so it costs one uncontended lock/unlock pair per side per
//! phase (measured: 7.3 ns per uncontended lock+unlock on the 2-core dev
//! machine), against the microseconds of the reads and writes it hands
//! over, so an UnsafeCell slot could not be measurably faster; the fully
//! safe design was chosen and this crate gets no new `unsafe`.
//! Ordering: main fills the slot, unlocks, then `pending.store(n, SeqCst)`;
//! the thread claims (below), locks, processes, unlocks,
//! `pending.store(0, Release)`; main `Acquire`-loads 0 before locking the
//! slot again (the mutex also orders the data).
//!
//! Claiming: a thread claims its share by CAS `pending: n -> CLAIMED`; the
//! main thread, once its own share is done, may instead CAS `n -> 0` and do
//! that share itself. Exactly one CAS wins, so a share is processed once;
//! a thread that loses goes back to waiting. This keeps the main thread from
//! idling while a thread wakes from the futex (light, bursty load), and
//! never happens under steady load, where threads spin and claim at once.
//!
//! Better than Redis (whose idle I/O threads spin a million iterations per
//! poll): a waiting thread spins for at most SPIN_BEFORE_SLEEP, then sets
//! `sleeping` and futex-waits on `pending`. The main thread stores
//! `pending` and then wakes only if `sleeping` is set; both sides use
//! SeqCst for this Dekker pair, and futex_wait re-checks `pending == 0`
//! atomically, so a wake-up is never lost. Parked (inactive) threads are
//! simply sleeping threads that get no work.
//!
//! Placement: see `crate::affinity`. Threads are named `io_thd_N`; the main
//! thread is named `ferrodis-server`. With `numa-arenas yes` each I/O thread
//! sets MPOL_PREFERRED for its node and verifies it with get_mempolicy;
//! mimalloc's per-thread heaps then get their fresh pages from that node
//! (first touch happens on the thread that allocates), so the buffers an
//! I/O thread grows stay node-local.
//!
//! Not done: changing `io-threads` at run time (it is immutable, as in
//! Redis); TLS; replicas/masters (there are none yet) would be excluded from
//! threaded reads like blocked clients are.

use crate::net::client::{Client, flags};
use crate::net::resp::{self, Limits, Parse};
use crate::net::{self, Io};
use crate::server::Server;
use crate::stats::SharedNet;
use crossbeam_utils::CachePadded;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// IO_THREADS_MAX_NUM.
pub const MAX_THREADS: usize = 128;

/// How long a thread spins for the next phase before sleeping. Phases under
/// load follow each other within microseconds; past this the server is
/// idle enough that a futex wake-up (a few microseconds) is cheap.
const SPIN_BEFORE_SLEEP: Duration = Duration::from_micros(10);

/// `pending` value while a thread works on its share: from then on only the
/// thread may touch the slot.
const CLAIMED: u32 = u32::MAX;

/// `pending` value of a park request (before fork, see [`park`]): the
/// thread acknowledges in `parked` and waits until `pending` changes.
const PARK: u32 = u32::MAX - 1;

/// One I/O thread's control block, alone on its cache line(s): the main
/// thread writes `pending` once per phase and polls it; the thread writes
/// it once per phase; nothing else may share the line.
#[derive(Default)]
pub struct Ctl {
    /// Clients lent for the current phase; 0 = slot belongs to main.
    pub pending: AtomicU32,
    /// The thread is (about to be) in futex_wait on `pending`.
    pub sleeping: AtomicBool,
    /// The thread's kernel tid (INFO threads).
    pub tid: AtomicI32,
    /// Written by the thread: it saw a PARK request and now waits in its
    /// idle loop, holding no lock and outside the allocator (Release, so
    /// the main thread's Acquire load sees everything the thread did
    /// before). Cleared by the thread once released.
    pub parked: AtomicBool,
}

const _: () = assert!(std::mem::align_of::<CachePadded<Ctl>>() >= 64);
const _: () = assert!(std::mem::size_of::<CachePadded<Ctl>>().is_multiple_of(64));
const _: () = assert!(std::mem::size_of::<Ctl>() <= 64);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Read,
    Write,
}

/// What a thread found on a lent client.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Ok,
    Closed,
    ProtoError,
}

/// A lent client and what happened to it.
struct Lent {
    c: Box<Client>,
    out: Outcome,
}

/// One thread's work for a phase.
struct Job {
    op: Op,
    max_bulk: i64,
    unlimited: bool,
    items: Vec<Lent>,
}

struct Shared {
    /// ctl[i] for thread i (index 0, the main thread, is unused).
    ctl: Box<[CachePadded<Ctl>]>,
    slots: Box<[Mutex<Job>]>,
    net: SharedNet,
}

/// Server-side state of threaded I/O (`srv.io`).
#[derive(Default)]
pub struct IoThreads {
    /// Threads including the main thread (cfg.io_threads); 1 = off.
    n: usize,
    shared: Option<Arc<Shared>>,
    /// io_threads_active: threads get work (else the main thread does I/O).
    pub active: bool,
    /// clients_pending_read: (fd, id), in arrival order.
    pending_read: Vec<(RawFd, u64)>,
    plan: crate::affinity::Plan,
    /// Shares the main thread took back from threads slow to wake.
    pub stolen: u64,
    node_of_main: Option<usize>,
}

fn with_job<R>(slot: &Mutex<Job>, f: impl FnOnce(&mut Job) -> R) -> R {
    // A thread that panicked mid-phase poisons its slot; the clients in it
    // are still whole objects, so keep going rather than abort the server.
    let mut g = slot.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut g)
}

/// Should this readable client be queued for an I/O thread instead of read
/// now? (postponeClientRead)
#[inline]
pub fn postpone_read(srv: &mut Server, c: &mut Client) -> bool {
    let io = &mut srv.io;
    if !io.active || !srv.cfg.io_threads_do_reads || c.has(flags::BLOCKED) {
        return false;
    }
    if !c.has(flags::PENDING_READ) {
        c.flags |= flags::PENDING_READ;
        io.pending_read.push((c.raw_fd(), c.id));
    }
    true
}

/// Reads and parses at most one command (the I/O-thread half of
/// readQueryFromClient + processInputBuffer).
fn do_read(c: &mut Client, counters: &crate::stats::NetCounters, max_bulk: i64) -> Outcome {
    if net::read_into_querybuf(c, counters) == Io::Closed {
        return Outcome::Closed;
    }
    if c.has(flags::CLOSE_AFTER_REPLY | flags::CLOSE_ASAP | flags::PENDING_COMMAND) {
        return Outcome::Ok;
    }
    if c.parse_pos >= c.querybuf.len() && c.multibulklen == 0 {
        return Outcome::Ok;
    }
    let lim = Limits {
        max_bulk,
        auth_required: !c.authenticated,
    };
    match resp::parse(c, &lim) {
        Parse::Incomplete => Outcome::Ok,
        Parse::Error => Outcome::ProtoError,
        Parse::Complete => {
            c.flags |= flags::PENDING_COMMAND;
            Outcome::Ok
        }
    }
}

fn run_job(job: &mut Job, counters: &crate::stats::NetCounters) {
    for l in job.items.iter_mut() {
        l.out = match job.op {
            Op::Read => do_read(&mut l.c, counters, job.max_bulk),
            Op::Write => match net::write_to_client(&mut l.c, counters, job.unlimited) {
                Io::Ok => Outcome::Ok,
                Io::Closed => Outcome::Closed,
            },
        };
    }
}

fn thread_main(sh: Arc<Shared>, i: usize, cpus: Vec<usize>, node: Option<usize>, arenas: bool) {
    let ctl = &sh.ctl[i];
    ctl.tid
        .store(ferrodis_ffi::thread::gettid(), Ordering::Relaxed);
    if let Err(e) = ferrodis_ffi::thread::set_affinity(&cpus) {
        log::warn!("io_thd_{i}: cannot set CPU affinity: {e}");
    }
    if let (true, Some(n)) = (arenas, node) {
        match ferrodis_ffi::thread::set_preferred_node(n)
            .and_then(|_| ferrodis_ffi::thread::get_mempolicy())
        {
            Ok((mode, nodes)) if mode == ferrodis_ffi::thread::MPOL_PREFERRED && nodes == [n] => {
                log::info!("io_thd_{i}: memory policy preferred node {n}");
            }
            Ok((mode, nodes)) => {
                log::warn!("io_thd_{i}: mempolicy not applied (mode {mode}, nodes {nodes:?})")
            }
            Err(e) => log::warn!("io_thd_{i}: cannot set memory policy: {e}"),
        }
        crate::affinity::log_memory_location(&format!("io_thd_{i}"), n);
    }
    loop {
        // Wait for work: bounded spin, then sleep on the futex.
        let start = Instant::now();
        let mut spins = 0u32;
        while ctl.pending.load(Ordering::Acquire) == 0 {
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(64) && start.elapsed() > SPIN_BEFORE_SLEEP {
                ctl.sleeping.store(true, Ordering::SeqCst);
                if ctl.pending.load(Ordering::SeqCst) == 0 {
                    ferrodis_ffi::thread::futex_wait(&ctl.pending, 0, None);
                }
                ctl.sleeping.store(false, Ordering::Relaxed);
            } else {
                std::hint::spin_loop();
            }
        }
        // Claim the phase; the main thread may have taken it back to do
        // itself (it does when we are slow to wake), then there is nothing
        // to do.
        let n = ctl.pending.load(Ordering::Acquire);
        if n == PARK {
            // Everything this thread allocated or locked is released by
            // now: say so, then sleep until the main thread unparks us.
            ctl.parked.store(true, Ordering::Release);
            while ctl.pending.load(Ordering::Acquire) == PARK {
                ferrodis_ffi::thread::futex_wait(&ctl.pending, PARK, None);
            }
            ctl.parked.store(false, Ordering::Relaxed);
            continue;
        }
        if n == CLAIMED
            || ctl
                .pending
                .compare_exchange(n, CLAIMED, Ordering::AcqRel, Ordering::Acquire)
                .is_err()
        {
            continue;
        }
        with_job(&sh.slots[i], |job| run_job(job, &sh.net[i]));
        ctl.pending.store(0, Ordering::Release);
    }
}

/// Starts the I/O threads when `io-threads` > 1, and pins the main thread.
pub fn init(srv: &mut Server) {
    let _ = crate::affinity::allowed_at_start();
    let plan = crate::affinity::current_plan(&srv.cfg);
    let topo = crate::affinity::Topology::read();
    if let Err(e) = ferrodis_ffi::thread::set_name("ferrodis-server") {
        log::debug!("Cannot name the main thread: {e}");
    }
    if let Err(e) = ferrodis_ffi::thread::set_affinity(&plan.main) {
        log::warn!("Cannot pin the main thread to {:?}: {e}", plan.main);
    }
    let n = (srv.cfg.io_threads as usize).clamp(1, MAX_THREADS);
    let io = &mut srv.io;
    io.n = n;
    io.node_of_main = plan.main.first().and_then(|&c| topo.node_of(c));
    log::info!(
        "Thread placement ({}): main cpus={} bio cpus={}",
        if plan.auto {
            "auto"
        } else if plan.main.is_empty() && plan.bio.is_empty() {
            "none: no cpulists, and cpu-affinity off or fewer than 4 CPUs"
        } else {
            "lists"
        },
        crate::util::cpulist_string(&plan.main),
        crate::util::cpulist_string(&plan.bio)
    );
    if n > 1 {
        let sh = Arc::new(Shared {
            ctl: (0..n).map(|_| CachePadded::new(Ctl::default())).collect(),
            slots: (0..n)
                .map(|_| {
                    Mutex::new(Job {
                        op: Op::Read,
                        max_bulk: 0,
                        unlimited: false,
                        items: Vec::new(),
                    })
                })
                .collect(),
            net: srv.net.clone(),
        });
        for i in 1..n {
            let cpus = plan.io.get(i - 1).cloned().unwrap_or_default();
            let node = cpus.first().and_then(|&c| topo.node_of(c));
            let arenas = srv.cfg.numa_arenas;
            let shc = sh.clone();
            log::info!(
                "io_thd_{i}: cpus={} node={}",
                crate::util::cpulist_string(&cpus),
                node.map_or("-".into(), |n| n.to_string())
            );
            if let Err(e) = std::thread::Builder::new()
                .name(format!("io_thd_{i}"))
                .spawn(move || thread_main(shc, i, cpus, node, arenas))
            {
                log::warn!("Fatal: Can't initialize IO thread: {e}");
                std::process::exit(1);
            }
        }
        io.shared = Some(sh);
    }
    io.plan = plan;
}

/// Parks every I/O thread in its idle loop and waits for each one's
/// acknowledgement (before fork(): a thread inside malloc or holding a
/// lock at the fork would leave that lock held forever in the child).
/// Called on the main thread between phases, when every slot belongs to
/// the main thread (`pending == 0`). Undo with [`unpark`].
pub fn park(io: &IoThreads) {
    let Some(sh) = &io.shared else {
        return;
    };
    for ctl in sh.ctl.iter().skip(1) {
        debug_assert_eq!(ctl.pending.load(Ordering::Relaxed), 0);
        // SeqCst store then sleeping load: the same Dekker pair as a phase
        // hand-off, so a thread going to sleep sees the request or is woken.
        ctl.pending.store(PARK, Ordering::SeqCst);
        if ctl.sleeping.load(Ordering::SeqCst) {
            ferrodis_ffi::thread::futex_wake(&ctl.pending, 1);
        }
    }
    for ctl in sh.ctl.iter().skip(1) {
        let mut spins = 0u32;
        while !ctl.parked.load(Ordering::Acquire) {
            spins = spins.wrapping_add(1);
            if spins > 1000 {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }
}

/// Releases the threads [`park`] stopped (in the parent after fork).
pub fn unpark(io: &IoThreads) {
    let Some(sh) = &io.shared else {
        return;
    };
    for ctl in sh.ctl.iter().skip(1) {
        ctl.pending.store(0, Ordering::SeqCst);
        ferrodis_ffi::thread::futex_wake(&ctl.pending, 1);
    }
    // A thread clears `parked` when it runs again; the next phase may start
    // before that (it waits on `pending` only), and the next park waits for
    // a fresh acknowledgement, so wait for the old one to clear here.
    for ctl in sh.ctl.iter().skip(1) {
        while ctl.parked.load(Ordering::Acquire) {
            std::thread::yield_now();
        }
    }
}

/// Lends `clients` round-robin to the threads (share 0 = main thread), runs
/// the main thread's share, waits for every thread, and returns the clients
/// with their outcomes in the original order.
// Boxes, not values: lending moves a pointer, not the whole Client, and
// the boxes go back into `srv.clients` as they are.
#[allow(clippy::vec_box)]
fn run_phase(srv: &mut Server, op: Op, clients: Vec<Box<Client>>) -> Vec<Lent> {
    let sh = srv.io.shared.clone().expect("threads running");
    let n = srv.io.n;
    let max_bulk = srv.cfg.proto_max_bulk_len as i64;
    let unlimited = srv.cfg.maxmemory == 0;
    let total = clients.len();
    let mut mine = Job {
        op,
        max_bulk,
        unlimited,
        items: Vec::with_capacity(total / n + 1),
    };
    let mut per: Vec<Vec<Lent>> = (1..n).map(|_| Vec::new()).collect();
    for (k, c) in clients.into_iter().enumerate() {
        let l = Lent {
            c,
            out: Outcome::Ok,
        };
        match k % n {
            0 => mine.items.push(l),
            t => per[t - 1].push(l),
        }
    }
    for (t, items) in per.into_iter().enumerate() {
        let i = t + 1;
        let cnt = items.len() as u32;
        if cnt == 0 {
            continue;
        }
        with_job(&sh.slots[i], |job| {
            job.op = op;
            job.max_bulk = max_bulk;
            job.unlimited = unlimited;
            job.items = items;
        });
        let ctl = &sh.ctl[i];
        ctl.pending.store(cnt, Ordering::SeqCst);
        if ctl.sleeping.load(Ordering::SeqCst) {
            ferrodis_ffi::thread::futex_wake(&ctl.pending, 1);
        }
    }
    run_job(&mut mine, &sh.net[0]);
    // Wait for everyone (Redis busy-waits too; yield after a while in case
    // a thread shares our CPU).
    let mut back: Vec<std::vec::IntoIter<Lent>> = vec![mine.items.into_iter()];
    for i in 1..n {
        let ctl = &sh.ctl[i];
        // A thread that has not claimed its share yet (still waking up from
        // the futex) gets it taken back: the main thread does it rather
        // than wait idle for a wake-up.
        let cnt = ctl.pending.load(Ordering::Acquire);
        if cnt != 0
            && cnt != CLAIMED
            && ctl
                .pending
                .compare_exchange(cnt, 0, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
        {
            srv.io.stolen += 1;
            let mut job = with_job(&sh.slots[i], |job| Job {
                op: job.op,
                max_bulk: job.max_bulk,
                unlimited: job.unlimited,
                items: std::mem::take(&mut job.items),
            });
            run_job(&mut job, &sh.net[0]);
            back.push(job.items.into_iter());
            continue;
        }
        let mut spins = 0u32;
        while ctl.pending.load(Ordering::Acquire) != 0 {
            spins = spins.wrapping_add(1);
            if spins > 1000 {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
        back.push(with_job(&sh.slots[i], |job| std::mem::take(&mut job.items)).into_iter());
    }
    (0..total)
        .map(|k| back[k % n].next().expect("every lent client comes back"))
        .collect()
}

/// Takes the queued clients out of their slots (skipping stale entries).
#[allow(clippy::vec_box)]
fn take_queued(srv: &mut Server, list: &[(RawFd, u64)], flag: u32) -> Vec<Box<Client>> {
    let mut out = Vec::with_capacity(list.len());
    for &(fd, id) in list {
        let Some(mut c) = srv.take_client(fd) else {
            continue;
        };
        if c.id != id {
            srv.clients[fd as usize] = Some(c);
            continue;
        }
        c.flags &= !flag;
        if c.has(flags::CLOSE_ASAP) {
            srv.clients[fd as usize] = Some(c);
            continue;
        }
        out.push(c);
    }
    out
}

/// beforeSleep: hand queued reads to the I/O threads, then run the parsed
/// commands in client order (handleClientsWithPendingReadsUsingThreads).
pub fn handle_pending_reads(srv: &mut Server) {
    if !srv.io.active || srv.io.pending_read.is_empty() {
        return;
    }
    let list = std::mem::take(&mut srv.io.pending_read);
    let clients = take_queued(srv, &list, flags::PENDING_READ);
    srv.stats.io_threaded_reads_processed += clients.len() as u64;
    let done = run_phase(srv, Op::Read, clients);
    // Every client goes back to its slot first, so that a command run below
    // (CLIENT KILL, ...) finds the others where they belong.
    let mut order = Vec::with_capacity(done.len());
    for l in done {
        order.push((l.c.raw_fd(), l.c.id, l.out));
        let fd = l.c.raw_fd() as usize;
        srv.clients[fd] = Some(l.c);
    }
    for (fd, id, out) in order {
        let Some(mut c) = srv.take_client(fd) else {
            continue;
        };
        if c.id != id {
            srv.clients[fd as usize] = Some(c);
            continue;
        }
        match out {
            Outcome::Closed => {
                srv.free_client(c);
                continue;
            }
            Outcome::ProtoError => {
                c.last_interaction_ms = srv.now_ms;
                srv.protocol_error(&mut c);
            }
            Outcome::Ok => {
                c.last_interaction_ms = srv.now_ms;
                if srv.query_buffer_over_limit(&c) {
                    srv.free_client(c);
                    continue;
                }
                if !c.has(flags::CLOSE_ASAP) {
                    srv.process_input_buffer(&mut c);
                }
            }
        }
        srv.put_client(c);
    }
    let mut list = list;
    list.clear();
    if srv.io.pending_read.is_empty() {
        srv.io.pending_read = list;
    }
}

/// stopThreadedIOIfNeeded: below 2*N pending writes the main thread does
/// the I/O itself. Returns true when threaded I/O is (now) off.
fn stop_if_needed(srv: &mut Server) -> bool {
    let pending = srv.pending_write.len();
    if srv.io.n <= 1 {
        return true;
    }
    if pending < srv.io.n * 2 {
        if srv.io.active {
            // Reads queued while active must still be served: do them now
            // on the threads' behalf before going inactive.
            srv.io.active = false;
            drain_pending_reads_inline(srv);
        }
        return true;
    }
    false
}

/// Reads queued for threads, done on the main thread (after a stop).
fn drain_pending_reads_inline(srv: &mut Server) {
    for (fd, id) in std::mem::take(&mut srv.io.pending_read) {
        if let Some(c) = srv.clients.get_mut(fd as usize).and_then(|s| s.as_mut())
            && c.id == id
        {
            c.flags &= !flags::PENDING_READ;
            srv.read_query_from_client(fd);
        }
    }
}

/// beforeSleep: write the replies of `pending_write`, on the I/O threads
/// when there are enough (handleClientsWithPendingWritesUsingThreads).
pub fn handle_pending_writes(srv: &mut Server) {
    if srv.pending_write.is_empty() {
        return;
    }
    if stop_if_needed(srv) {
        srv.handle_clients_with_pending_writes();
        return;
    }
    srv.io.active = true;
    let list = std::mem::take(&mut srv.pending_write);
    let clients = take_queued(srv, &list, flags::PENDING_WRITE);
    srv.stats.io_threaded_writes_processed += clients.len() as u64;
    let done = run_phase(srv, Op::Write, clients);
    for l in done {
        let mut c = l.c;
        let fd = c.raw_fd();
        if l.out == Outcome::Closed {
            srv.free_client(c);
            continue;
        }
        let installed = srv.el.mask(fd) & crate::event::WRITABLE != 0;
        if srv.after_write(&mut c, installed) {
            srv.free_client(c);
        } else {
            srv.clients[fd as usize] = Some(c);
        }
    }
    let mut list = list;
    list.clear();
    if srv.pending_write.is_empty() {
        srv.pending_write = list;
    }
}

/// INFO's I/O-thread fields (in the "stats" section).
pub fn info_stats(srv: &Server, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(
        out,
        "io_threads_active:{}\r\nio_threaded_reads_processed:{}\r\nio_threaded_writes_processed:{}\r\n",
        srv.io.active as u8,
        srv.stats.io_threaded_reads_processed,
        srv.stats.io_threaded_writes_processed
    );
}

/// INFO's `threads` section body: name, tid, CPUs and NUMA node per thread.
pub fn info_threads(srv: &Server, out: &mut String) {
    use std::fmt::Write;
    let node = |n: Option<usize>| n.map_or("-".to_string(), |n| n.to_string());
    let topo = crate::affinity::Topology::read();
    let tid = ferrodis_ffi::thread::gettid();
    let cpus = ferrodis_ffi::thread::get_affinity(0);
    let _ = write!(
        out,
        "thread_0:name=ferrodis-server,tid={tid},cpus={},node={}\r\n",
        crate::util::cpulist_string(&cpus),
        node(srv.io.node_of_main)
    );
    if let Some(sh) = &srv.io.shared {
        for i in 1..srv.io.n {
            let tid = sh.ctl[i].tid.load(Ordering::Relaxed);
            let cpus = ferrodis_ffi::thread::get_affinity(tid);
            let planned = srv.io.plan.io.get(i - 1);
            let n = planned
                .and_then(|p| p.first())
                .and_then(|&c| topo.node_of(c));
            let _ = write!(
                out,
                "thread_{i}:name=io_thd_{i},tid={tid},cpus={},node={}\r\n",
                crate::util::cpulist_string(&cpus),
                node(n)
            );
        }
    }
}
