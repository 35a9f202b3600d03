//! Transactions (multi.c): MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! WATCH keeps `(db, key) -> watchers` in `Server::watched_keys` and the
//! keys in each client; `touch_watched_key` (called by every write through
//! signalModifiedKey) marks watchers DIRTY_CAS, and EXEC then fails with a
//! null reply. The client running a command is out of its slot at that
//! moment, so a self-touch is recorded in `current_dirty_cas` and applied
//! by call().

use crate::cmd;
use crate::cmd::{Command, flags::*};
use crate::net::client::{Arg, Args, Client, QueuedCmd, flags as cf};
use crate::net::reply::Reply;
use crate::server::Server;

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
    // MULTI stays set while the queue runs (as CLIENT_MULTI does in Redis)
    // so blocking commands inside EXEC answer at once instead of blocking.
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
        srv.watched_keys
            .entry((c.db, key.clone()))
            .or_default()
            .push((c.raw_fd(), c.id));
        c.watched.push((c.db, key.into_vec()));
    }
    c.add_ok();
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
            list.retain(|&(_, id)| id != c.id);
            if list.is_empty() {
                srv.watched_keys.remove(&k);
            }
        }
    }
}

fn mark_dirty(srv: &mut Server, watchers: &[(std::os::fd::RawFd, u64)]) {
    for &(fd, id) in watchers {
        if (fd, id) == srv.current_client {
            srv.current_dirty_cas = true;
        } else if let Some(Some(w)) = srv.clients.get_mut(fd as usize) {
            if w.id == id {
                w.flags |= cf::DIRTY_CAS;
            }
        }
    }
}

pub fn touch_watched_key(srv: &mut Server, dbid: usize, key: &[u8]) {
    let k = (dbid, Box::<[u8]>::from(key));
    if let Some(list) = srv.watched_keys.get(&k) {
        let list = list.clone();
        mark_dirty(srv, &list);
    }
}

/// FLUSHDB/FLUSHALL/SWAPDB: every watcher of a key in `dbid` (all dbs when
/// None) is dirtied. (Redis dirties only keys that existed; dirtying all
/// watchers is stricter but never lets a stale EXEC through.)
pub fn touch_all_watched_keys_in_db(srv: &mut Server, dbid: Option<usize>) {
    let lists: Vec<Vec<(std::os::fd::RawFd, u64)>> = srv
        .watched_keys
        .iter()
        .filter(|((d, _), _)| dbid.is_none_or(|x| x == *d))
        .map(|(_, v)| v.clone())
        .collect();
    for l in lists {
        mark_dirty(srv, &l);
    }
}
