//! Transactions (multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! WATCH keeps `(db, key) -> watchers` in `Server::watched_keys` and the
//! keys in each client; `touch_watched_key` (called by every write through
//! signalModifiedKey) marks watchers DIRTY_CAS, and EXEC then fails with a
//! null reply. The client running a command is out of its slot at that
//! moment, so a self-touch is recorded in `current_dirty_cas` and applied
//! by call().
//!
//! Expired keys (Redis 7.0's watchedKey.expired): a key already expired
//! but not yet deleted when WATCH runs is logically absent, so its later
//! deletion (lazy or active expiry, a flush) is no change and clears the
//! mark instead of dirtying. A key that expires after WATCH fails EXEC
//! even if nothing deleted it yet (isWatchedKeyExpired). FLUSHDB,
//! FLUSHALL and SWAPDB dirty only watchers of keys that existed (or, for
//! SWAPDB, that the other db brings in).

use crate::cmd;
use crate::cmd::{Command, flags::*};
use crate::net::client::{Arg, Args, Client, QueuedCmd, flags as cf};
use crate::net::reply::Reply;
use crate::server::Server;
use std::os::fd::RawFd;

pub const COMMANDS: &[Command] = &[
    cmd!(
        "multi",
        multi_command,
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        0,
        0,
        0,
        "transactions",
        "Starts a transaction.",
        "1.2.0"
    ),
    cmd!(
        "exec",
        exec_command,
        1,
        NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG,
        0,
        0,
        0,
        "transactions",
        "Executes all commands in a transaction.",
        "1.2.0"
    ),
    cmd!(
        "discard",
        discard_command,
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        0,
        0,
        0,
        "transactions",
        "Discards a transaction.",
        "2.0.0"
    ),
    cmd!(
        "watch",
        watch_command,
        -2,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        1,
        -1,
        1,
        "transactions",
        "Monitors changes to keys to determine the execution of a transaction.",
        "2.2.0"
    ),
    cmd!(
        "unwatch",
        unwatch_command,
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        0,
        0,
        0,
        "transactions",
        "Forgets about watched keys of a transaction.",
        "2.2.0"
    ),
];

/// Commands that run immediately inside MULTI instead of being queued.
pub fn is_transaction_control(name: &str) -> bool {
    matches!(
        name,
        "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
    )
}

pub fn queue_command(srv: &mut Server, c: &mut Client, id: u32, a: &Args) {
    let cmd = srv.commands.entries[id as usize].cmd;
    if cmd.flags & NO_MULTI != 0 {
        c.flags |= cf::DIRTY_EXEC;
        c.add_error("ERR Command not allowed inside a transaction");
        return;
    }
    // Already failed: no point in queueing more (Redis does the same).
    if c.flags & (cf::DIRTY_EXEC | cf::DIRTY_CAS) == 0 {
        c.mstate.push(QueuedCmd {
            cmd: id as usize,
            argv: a.to_vecs(),
        });
    }
    c.add_raw(b"+QUEUED\r\n");
}

/// Whether a queued command of `c`'s transaction is a write (Redis's
/// mstate.cmd_flags & CMD_WRITE).
pub fn queues_write(srv: &Server, c: &Client) -> bool {
    c.mstate
        .iter()
        .any(|q| srv.commands.entries[q.cmd].cmd.flags & crate::cmd::flags::WRITE != 0)
}

pub fn multi_command(_srv: &mut Server, c: &mut Client, _a: &Args) {
    if c.has(cf::MULTI) {
        c.add_error("ERR MULTI calls can not be nested");
        return;
    }
    c.flags |= cf::MULTI;
    c.add_ok();
}

fn discard_transaction(srv: &mut Server, c: &mut Client) {
    c.mstate.clear();
    c.flags &= !(cf::MULTI | cf::DIRTY_CAS | cf::DIRTY_EXEC);
    unwatch_all(srv, c);
}

pub fn discard_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    if !c.has(cf::MULTI) {
        c.add_error("ERR DISCARD without MULTI");
        return;
    }
    discard_transaction(srv, c);
    c.add_ok();
}

pub fn exec_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    if !c.has(cf::MULTI) {
        c.add_error("ERR EXEC without MULTI");
        return;
    }
    // A watched key that expired since WATCH is a change, even if nothing
    // deleted it yet.
    if watched_key_expired(srv, c) {
        c.flags |= cf::DIRTY_CAS;
    }
    if c.has(cf::DIRTY_EXEC) {
        c.add_error("EXECABORT Transaction discarded because of previous errors.");
        discard_transaction(srv, c);
        return;
    }
    if c.has(cf::DIRTY_CAS) {
        c.add_null_array();
        discard_transaction(srv, c);
        return;
    }
    // Unwatch first: the transaction's own writes must not dirty it.
    unwatch_all(srv, c);
    let queued = std::mem::take(&mut c.mstate);
    // MULTI stays set while the queued commands run (as in Redis): commands
    // that behave differently inside a transaction (blocking ones must not
    // block) see it, and none of them is re-queued since they go straight
    // to call().
    c.add_array_len(queued.len());
    for q in queued {
        let argv: Vec<Arg> = (0..q.argv.len() as u32).map(Arg::Owned).collect();
        let args = Args {
            qb: &[],
            argv: &argv,
            owned: &q.argv,
        };
        srv.call(c, q.cmd as u32, &args);
        // A command may have closed the client (e.g. CLIENT KILL of itself).
        if c.has(cf::CLOSE_ASAP) {
            break;
        }
    }
    c.flags &= !(cf::MULTI | cf::DIRTY_CAS | cf::DIRTY_EXEC);
    crate::blocked::after_exec(srv);
}

pub fn watch_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if c.has(cf::MULTI) {
        c.add_error("ERR WATCH inside MULTI is not allowed");
        return;
    }
    for i in 1..a.len() {
        let key: Box<[u8]> = a[i].into();
        if c.watched.iter().any(|(d, k)| *d == c.db && **k == *key) {
            continue;
        }
        let expired = srv.dbs[c.db].is_expired(&key, srv.now_ms);
        srv.watched_keys
            .entry((c.db, key.clone()))
            .or_default()
            .push(Watcher {
                fd: c.raw_fd(),
                id: c.id,
                expired,
            });
        c.watched.push((c.db, key.into_vec()));
    }
    c.add_ok();
}

/// One client's WATCH of one key (multi.c's watchedKey).
#[derive(Clone, Copy, Debug)]
pub struct Watcher {
    pub fd: RawFd,
    pub id: u64,
    /// The key was expired, not yet deleted, when watched (or SWAPDB
    /// brought in an expired one): deleting it is no change.
    pub expired: bool,
}

/// isWatchedKeyExpired: a key `c` watches expired after it was watched.
fn watched_key_expired(srv: &Server, c: &Client) -> bool {
    c.watched.iter().any(|(db, key)| {
        srv.dbs[*db].is_expired(key, srv.now_ms)
            && !srv
                .watched_keys
                .get(&(*db, Box::<[u8]>::from(key.as_slice())))
                .and_then(|ws| ws.iter().find(|w| w.id == c.id))
                .is_some_and(|w| w.expired)
    })
}

pub fn unwatch_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    unwatch_all(srv, c);
    c.flags &= !cf::DIRTY_CAS;
    c.add_ok();
}

pub fn unwatch_all(srv: &mut Server, c: &mut Client) {
    for (db, key) in std::mem::take(&mut c.watched) {
        let k = (db, key.into_boxed_slice());
        if let Some(list) = srv.watched_keys.get_mut(&k) {
            list.retain(|w| w.id != c.id);
            if list.is_empty() {
                srv.watched_keys.remove(&k);
            }
        }
    }
}

fn mark_dirty(srv: &mut Server, watchers: &[(RawFd, u64)]) {
    for &(fd, id) in watchers {
        // A client found in its slot is flagged directly; only the client
        // out of its slot while running is flagged through call(). Testing
        // the slot first matters: `current_client` is stale outside a
        // command (e.g. a write from cron), and a stale match would dirty
        // whichever client runs next instead of the watcher.
        match srv.clients.get_mut(fd as usize) {
            Some(Some(w)) if w.id == id => w.flags |= cf::DIRTY_CAS,
            _ if (fd, id) == srv.current_client => srv.current_dirty_cas = true,
            _ => {}
        }
    }
}

/// touchWatchedKey: `key` was modified; its watchers are dirtied, except
/// those that watched it already expired, for whom the key was absent:
/// its deletion is no change (and clears their mark), and so is a touch
/// that leaves it expired. A live value in its place is a change. (In
/// Redis every write deletes the expired key first, through its lookup;
/// an overwrite here may replace it in place, hence the liveness test.)
pub fn touch_watched_key(srv: &mut Server, dbid: usize, key: &[u8]) {
    let k = (dbid, Box::<[u8]>::from(key));
    let Some(list) = srv.watched_keys.get_mut(&k) else {
        return;
    };
    let db = &srv.dbs[dbid];
    let exists = db.dict.contains_key(key);
    let live = exists && !db.is_expired(key, srv.now_ms);
    let mut dirty = Vec::with_capacity(list.len());
    for w in list.iter_mut() {
        if w.expired {
            if !exists {
                w.expired = false;
            }
            if !live {
                continue;
            }
        }
        dirty.push((w.fd, w.id));
    }
    mark_dirty(srv, &dirty);
}

/// touchAllWatchedKeysInDb: db `emptied` is about to be flushed (`with`
/// None) or to take db `with`'s contents (SWAPDB, called for both dbs
/// before the swap). Only watched keys that exist in either table change;
/// an expired key is treated as absent on both sides, through the marks.
pub fn touch_all_watched_keys_in_db(srv: &mut Server, emptied: usize, with: Option<usize>) {
    let now = srv.now_ms;
    let mut dirty = Vec::new();
    for ((db, key), list) in srv.watched_keys.iter_mut() {
        if *db != emptied {
            continue;
        }
        let here = srv.dbs[emptied].dict.contains_key(key);
        let there = with.is_some_and(|o| srv.dbs[o].dict.contains_key(key));
        if !here && !there {
            continue;
        }
        let there_expired = with.is_some_and(|o| srv.dbs[o].is_expired(key, now));
        for w in list.iter_mut() {
            if w.expired {
                if !there {
                    // The expired key goes, nothing comes: no change.
                    w.expired = false;
                    continue;
                }
                if there_expired {
                    // Replaced by another expired key: still absent.
                    continue;
                }
            } else if !here && there_expired {
                // A missing key replaced by an expired one: still absent.
                w.expired = true;
                continue;
            }
            dirty.push((w.fd, w.id));
        }
    }
    mark_dirty(srv, &dirty);
}
