//! Blocking operations (blocked.c): clients waiting on keys (BLPOP, BLMOVE,
//! BZPOPMIN...), their timeouts, and waking them when a key is signalled.
//!
//! Threads: main thread. A blocked client stays in its slot with the BLOCKED
//! flag (its input is not processed meanwhile); `Blocked` maps
//! (db, key) → waiters in arrival order. A write that signals a watched key
//! queues it in `ready_keys`; the keys are served in beforeSleep (after the
//! command, or after EXEC, so a push inside MULTI wakes waiters only after
//! EXEC), each waiter re-running its command against the new state.

use crate::net::client::Client;
use crate::server::Server;
use std::collections::{HashMap, VecDeque};
use std::os::fd::RawFd;

/// Why and until when a client is blocked, and the command to re-run.
pub struct BlockState {
    pub keys: Vec<(usize, Vec<u8>)>,
    /// Absolute timeout in unix ms; 0 = forever.
    pub timeout_ms: i64,
    /// The blocking command, re-run when a key becomes ready.
    pub argv: Vec<Vec<u8>>,
    pub cmd: u32,
    pub db: usize,
}

#[derive(Default)]
pub struct Blocked {
    pub waiters: HashMap<(usize, Box<[u8]>), VecDeque<(RawFd, u64)>>,
    pub ready_keys: Vec<(usize, Box<[u8]>)>,
    pub nblocked: usize,
}

impl Blocked {
    #[inline]
    pub fn has_waiters(&self) -> bool {
        !self.waiters.is_empty()
    }
}

/// A key some client waits on was written: remember it for beforeSleep.
pub fn signal_key_as_ready(srv: &mut Server, dbid: usize, key: &[u8]) {
    let k = (dbid, Box::<[u8]>::from(key));
    if srv.blocked.waiters.contains_key(&k) && !srv.blocked.ready_keys.contains(&k) {
        srv.blocked.ready_keys.push(k);
    }
}

/// Blocks `c` on `keys` until `timeout_ms` (0 = forever), to re-run `argv`.
pub fn block_client(srv: &mut Server, c: &mut Client, st: BlockState) {
    for (db, key) in &st.keys {
        let q = srv
            .blocked
            .waiters
            .entry((*db, key.clone().into_boxed_slice()))
            .or_default();
        if !q.iter().any(|&(_, id)| id == c.id) {
            q.push_back((c.raw_fd(), c.id));
        }
    }
    c.flags |= crate::net::client::flags::BLOCKED;
    c.bstate = Some(Box::new(st));
    srv.blocked.nblocked += 1;
}

/// Removes `c` from every wait queue (unblock, disconnect).
pub fn unblock_client(srv: &mut Server, c: &mut Client) {
    let Some(st) = c.bstate.take() else { return };
    for (db, key) in st.keys {
        let k = (db, key.into_boxed_slice());
        if let Some(q) = srv.blocked.waiters.get_mut(&k) {
            q.retain(|&(_, id)| id != c.id);
            if q.is_empty() {
                srv.blocked.waiters.remove(&k);
            }
        }
    }
    c.flags &= !crate::net::client::flags::BLOCKED;
    srv.blocked.nblocked -= 1;
}

pub fn forget_client(srv: &mut Server, c: &mut Client) {
    if c.bstate.is_some() {
        unblock_client(srv, c);
    }
}

/// Serves clients blocked on keys that became ready: each waiter, in
/// arrival order, re-runs its command; one that is served is unblocked and
/// its reply queued; one that still finds nothing stays blocked.
pub fn process_unblocked(srv: &mut Server) {
    while !srv.blocked.ready_keys.is_empty() {
        let ready = std::mem::take(&mut srv.blocked.ready_keys);
        for k in ready {
            let Some(q) = srv.blocked.waiters.get(&k) else {
                continue;
            };
            let waiters: Vec<(RawFd, u64)> = q.iter().copied().collect();
            for (fd, id) in waiters {
                let Some(mut c) = srv.take_client(fd) else {
                    continue;
                };
                if c.id != id || c.bstate.is_none() {
                    srv.clients[fd as usize] = Some(c);
                    continue;
                }
                rerun_blocked(srv, &mut c);
                // Served clients continue with their pipelined input.
                if !c.has(crate::net::client::flags::BLOCKED) {
                    srv.process_input_buffer(&mut c);
                }
                srv.put_client(c);
            }
        }
    }
}

/// Re-runs a blocked client's command; the command itself either serves the
/// client (and unblocks it) or finds the keys still empty (and stays).
fn rerun_blocked(srv: &mut Server, c: &mut Client) {
    let Some(st) = c.bstate.as_ref() else { return };
    let argv = st.argv.clone();
    let cmd = st.cmd;
    let db = c.db;
    c.db = st.db;
    unblock_client(srv, c);
    let args_ix: Vec<crate::net::client::Arg> = (0..argv.len() as u32)
        .map(crate::net::client::Arg::Owned)
        .collect();
    let args = crate::net::client::Args {
        qb: &[],
        argv: &args_ix,
        owned: &argv,
    };
    c.flags |= crate::net::client::flags::UNBLOCKED;
    srv.call(c, cmd, &args);
    c.flags &= !crate::net::client::flags::UNBLOCKED;
    if !c.has(crate::net::client::flags::BLOCKED) {
        c.db = db;
    }
}

/// Blocked clients whose timeout passed get the command's timeout reply
/// (a null array).
pub fn handle_timeouts(srv: &mut Server) {
    if srv.blocked.nblocked == 0 {
        return;
    }
    let now = srv.now_ms;
    let mut expired: Vec<(RawFd, u64)> = Vec::new();
    for q in srv.blocked.waiters.values() {
        for &(fd, id) in q {
            if let Some(Some(c)) = srv.clients.get(fd as usize) {
                if c.id == id {
                    if let Some(st) = &c.bstate {
                        if st.timeout_ms > 0 && st.timeout_ms <= now && !expired.contains(&(fd, id))
                        {
                            expired.push((fd, id));
                        }
                    }
                }
            }
        }
    }
    for (fd, _) in expired {
        let Some(mut c) = srv.take_client(fd) else {
            continue;
        };
        unblock_client(srv, &mut c);
        use crate::net::reply::Reply;
        c.add_null_array();
        srv.process_input_buffer(&mut c);
        srv.put_client(c);
    }
}

/// After EXEC: keys signalled inside the transaction are served now.
pub fn after_exec(_srv: &mut Server) {
    // Ready keys are processed in beforeSleep, which runs after the whole
    // EXEC reply; nothing else to do here. Kept as the hook point where
    // Redis calls handleClientsBlockedOnKeys after a transaction.
}
