//! Lazy free (lazyfree.c): deciding whether a value, a whole database or a
//! client's buffers are freed inline or handed to the `bio_lazy_free`
//! worker, and counting it.
//!
//! The decision is Redis's: a value's *free effort* (roughly the number of
//! allocations dropping it takes: quicklist nodes, hash/set entries,
//! skiplist length; 1 for strings and compact encodings) is compared with
//! LAZYFREE_THRESHOLD (64). Below it, queueing costs more than freeing, so
//! it stays inline. Beyond Redis (redis#13395): a string of 1 MB or more is
//! also freed in the background -- one `free()` of a huge allocation means
//! page unmapping the main thread should not pay for -- and so are clients
//! whose query buffer, arguments or pending replies hold that much.
//!
//! Counters: `pending` is incremented on the main thread before a job is
//! queued and decremented by the worker after the drop; `freed` only grows.
//! Both are statistics read by INFO (Relaxed: nothing is ordered by them;
//! the bio queue's mutex orders the job itself).
//!
//! Returning memory: mimalloc returns freed pages lazily, and pages freed by
//! the worker belong to the main thread's heap. After a big background free
//! the worker raises `COLLECT`; serverCron then runs `mi_collect` on the
//! main thread so used_memory and used_memory_rss fall. The same cron hook
//! runs a cheap, unforced collect once 4 MiB of outgrown hash tables were
//! freed (ds::hashtable notes them), so a big set's RSS does not keep the
//! tables it outgrew.

use super::{Job, Kind};
use crate::db::{Str, Value};
use crate::net::client::Client;
use crate::server::Server;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

/// LAZYFREE_THRESHOLD.
pub const THRESHOLD: usize = 64;
/// Strings (and client buffers) at least this big go to the background too.
pub const BIG_BYTES: usize = 1024 * 1024;
/// Objects freed in one job above which a collect is asked for.
const COLLECT_AFTER: u64 = 1024;

/// Bytes of outgrown hash tables freed (ds::hashtable) after which
/// serverCron collects.
const BIG_FREES_COLLECT: usize = 4 << 20;

static PENDING: AtomicU64 = AtomicU64::new(0);
static FREED: AtomicU64 = AtomicU64::new(0);
static COLLECT: AtomicBool = AtomicBool::new(false);
static FSYNC_ERR: Mutex<Option<String>> = Mutex::new(None);

pub fn note_pending(objects: u64) {
    PENDING.fetch_add(objects, Relaxed);
}

/// Called by the worker after dropping a job's payload.
pub fn note_freed(objects: u64) {
    PENDING.fetch_sub(objects, Relaxed);
    FREED.fetch_add(objects, Relaxed);
    if objects >= COLLECT_AFTER {
        COLLECT.store(true, Relaxed);
    }
}

pub fn pending_objects() -> u64 {
    PENDING.load(Relaxed)
}

pub fn freed_objects() -> u64 {
    FREED.load(Relaxed)
}

pub fn record_fsync(err: Option<String>) {
    if let Ok(mut e) = FSYNC_ERR.lock() {
        *e = err;
    }
}

/// The last aof-fsync error, if the last fsync failed.
pub fn aof_fsync_status() -> Option<String> {
    FSYNC_ERR.lock().ok().and_then(|e| e.clone())
}

/// The effort of freeing `v`, with our big-string rule folded in.
pub fn effort(v: &Value) -> usize {
    match v {
        Value::Str(Str::Raw(s)) if s.capacity() >= BIG_BYTES => THRESHOLD + 1,
        _ => v.free_effort(),
    }
}

/// Frees a value removed from the keyspace: in the background when `lazy`
/// and it is worth it (freeObjAsync), else inline.
pub fn free_value(_srv: &mut Server, v: Value, lazy: bool) {
    if lazy && effort(&v) > THRESHOLD {
        note_pending(1);
        super::submit(
            Kind::LazyFree,
            Job::LazyFree {
                payload: Box::new(v),
                objects: 1,
            },
        );
    } else {
        drop(v);
    }
}

/// Empties databases: `dbid` or all. With `lazy`, the tables are swapped
/// for empty ones at once and the old ones dropped by the worker
/// (emptyDbAsync); counts every key as one pending object, as Redis does.
/// Returns the number of keys removed.
pub fn empty_data(srv: &mut Server, dbid: Option<usize>, lazy: bool) -> u64 {
    let mut removed = 0u64;
    let ids: Vec<usize> = match dbid {
        Some(d) => vec![d],
        None => (0..srv.dbs.len()).collect(),
    };
    let mut tables = Vec::new();
    for id in ids {
        let db = &mut srv.dbs[id];
        removed += db.dict.len() as u64;
        if db.dict.is_empty() && db.expires.is_empty() {
            continue;
        }
        let d = db.dict.take_all();
        let e = db.expires.take_all();
        db.expires_cursor = 0;
        db.avg_ttl = 0;
        tables.push((d, e));
    }
    if tables.is_empty() {
        return removed;
    }
    if lazy {
        note_pending(removed);
        super::submit(
            Kind::LazyFree,
            Job::LazyFree {
                payload: Box::new(tables),
                objects: removed,
            },
        );
    } else {
        drop(tables);
        ferrodis_ffi::mem::collect(false);
    }
    removed
}

/// Frees a disconnected client: inline unless it holds big buffers
/// (query buffer, big arguments, pending replies), which go to the worker
/// with the client.
pub fn free_client_buffers(_srv: &mut Server, c: Box<Client>) {
    let held = c.querybuf.capacity()
        + c.owned_args.iter().map(|a| a.capacity()).sum::<usize>()
        + c.reply_bytes
        + c.mstate
            .iter()
            .map(|q| q.argv.iter().map(|a| a.len()).sum::<usize>())
            .sum::<usize>();
    if held >= BIG_BYTES {
        note_pending(1);
        super::submit(
            Kind::LazyFree,
            Job::LazyFree {
                payload: c,
                objects: 1,
            },
        );
    } else {
        drop(c);
    }
}

/// serverCron hook: give memory back after a big background free.
pub fn cron(_srv: &mut Server) {
    if COLLECT.swap(false, Relaxed) {
        ferrodis_ffi::mem::collect(true);
    } else if ferrodis_ffi::mem::take_big_frees(BIG_FREES_COLLECT) {
        // Not forced: returns the heap's empty pages and purges what has
        // passed the purge delay (100 ms, see mem::set_purge_delay) -- some
        // microseconds, where a forced collect of a 1M-element heap took
        // 15-20 ms.
        ferrodis_ffi::mem::collect(false);
    }
}

/// INFO memory's lazy-free fields.
pub fn info_memory(_srv: &Server, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(
        out,
        "lazyfree_pending_objects:{}\r\nlazyfreed_objects:{}\r\n",
        pending_objects(),
        freed_objects()
    );
}
