//! UNLINK, FLUSHDB and FLUSHALL (db.c), freeing through `bio::lazyfree`.
//!
//! UNLINK always frees in the background (when the value's effort is worth
//! it); FLUSHDB / FLUSHALL take ASYNC or SYNC and otherwise follow
//! `lazyfree-lazy-user-flush`. An async flush swaps the tables for empty
//! ones at once: a write that arrives after the flush lands in the new,
//! empty table and is never lost to the background free.

use crate::cmd;
use crate::cmd::{Command, flags::*};
use crate::net::client::{Args, Client};
use crate::net::reply::Reply;
use crate::server::Server;

pub const COMMANDS: &[Command] = &[
    cmd!(
        "unlink",
        unlink_command,
        -2,
        WRITE | FAST,
        1,
        -1,
        1,
        "generic",
        "Asynchronously deletes one or more keys.",
        "4.0.0"
    ),
    cmd!(
        "flushdb",
        flushdb_command,
        -1,
        WRITE,
        0,
        0,
        0,
        "server",
        "Removes all keys from the current database.",
        "1.0.0"
    ),
    cmd!(
        "flushall",
        flushall_command,
        -1,
        WRITE,
        0,
        0,
        0,
        "server",
        "Removes all keys from all databases.",
        "1.0.0"
    ),
];

pub fn unlink_command(srv: &mut Server, c: &mut Client, a: &Args) {
    crate::cmd::keys::del_generic(srv, c, a, true);
}

/// getFlushCommandFlags: `[ASYNC|SYNC]`, default from lazyfree-lazy-user-flush.
fn flush_mode(srv: &Server, c: &mut Client, a: &Args) -> Option<bool> {
    if a.len() > 2 {
        c.add_error("ERR syntax error");
        return None;
    }
    if a.len() == 1 {
        return Some(srv.cfg.lazyfree_lazy_user_flush);
    }
    if a[1].eq_ignore_ascii_case(b"async") {
        Some(true)
    } else if a[1].eq_ignore_ascii_case(b"sync") {
        Some(false)
    } else {
        c.add_error("ERR syntax error");
        None
    }
}

pub fn flushdb_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(lazy) = flush_mode(srv, c, a) else {
        return;
    };
    srv.signal_flushed_db(Some(c.db));
    let n = crate::bio::lazyfree::empty_data(srv, Some(c.db), lazy);
    srv.dirty += n.max(1);
    c.add_ok();
}

pub fn flushall_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(lazy) = flush_mode(srv, c, a) else {
        return;
    };
    srv.signal_flushed_db(None);
    let n = crate::bio::lazyfree::empty_data(srv, None, lazy);
    srv.dirty += n.max(1);
    // flushAllDataAndResetRDB: a running BGSAVE would write the old data
    // back; with save points the empty dataset is saved at once (the save
    // does not clear dirty, so FLUSHALL still counts as a change).
    crate::rdb::bgsave::kill_child(srv);
    if !srv.cfg.save.is_empty() {
        let dirty = srv.dirty;
        let _ = crate::rdb::save_dataset(srv);
        srv.dirty = dirty;
    }
    c.add_ok();
}
