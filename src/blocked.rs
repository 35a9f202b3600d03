//! Blocking operations (blocked.c): clients waiting on keys (BLPOP, BLMOVE,
//! BZPOPMIN...), their timeouts, and waking them when a key is signalled.
//!
//! Threads: main thread. A blocked client stays in its slot with the BLOCKED
//! flag (its input is not processed meanwhile); `Blocked` maps
//! (db, key) → waiters in arrival order. A write that signals a watched key
//! queues it in `ready_keys`; the keys are served after each top-level
//! command and in beforeSleep (never between the commands of an EXEC, so a
//! push inside MULTI wakes waiters only after EXEC), each waiter re-running
//! its command against the new state. A waiter that finds nothing re-blocks
//! without leaving its queues, so it keeps its place and its deadline.
//!
//! One readiness rule for every family (blocked.c's
//! handleClientsBlockedOnKeys): a ready key serves only the waiters whose
//! [`BlockType`] matches the type it holds now, so a list serves BLPOP and
//! BLMOVE waiters, a sorted set BZPOPMIN and BZMPOP waiters, and a key
//! overwritten with anything else serves no one (they keep waiting). A
//! served waiter's command then runs in full, errors included: BLMOVE whose
//! destination holds another type gets WRONGTYPE, as in Redis 7.0.
//!
//! Timeouts are checked in serverCron (precision: one cron period). CLIENT
//! UNBLOCK goes through `client_unblock`. Not done: blocking on streams,
//! WAIT, and module blocking (no such commands yet).

use crate::db::{Access, Value};
use crate::net::client::{Client, flags};
use crate::net::reply::Reply;
use crate::server::Server;
use std::collections::{HashMap, HashSet, VecDeque};
use std::os::fd::RawFd;

/// What a blocked client waits for (Redis's BLOCKED_LIST, BLOCKED_ZSET):
/// the type a ready key must hold to serve it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BlockType {
    List,
    ZSet,
}

impl BlockType {
    /// The waiters a value can serve; None for types no command blocks on.
    fn served_by(v: &Value) -> Option<BlockType> {
        match v {
            Value::List(_) => Some(BlockType::List),
            Value::ZSet(_) => Some(BlockType::ZSet),
            _ => None,
        }
    }
}

/// Why and until when a client is blocked, and the command to re-run.
pub struct BlockState {
    pub btype: BlockType,
    pub keys: Vec<(usize, Vec<u8>)>,
    /// Absolute timeout in unix ms; 0 = forever.
    pub timeout_ms: i64,
    /// The blocking command, re-run when a key becomes ready.
    pub argv: Vec<Vec<u8>>,
    pub cmd: u32,
    pub db: usize,
}

/// Clients waiting on one key, as (fd, client id), in arrival order.
pub type WaitQueue = VecDeque<(RawFd, u64)>;

#[derive(Default)]
pub struct Blocked {
    pub waiters: HashMap<(usize, Box<[u8]>), WaitQueue>,
    pub ready_keys: Vec<(usize, Box<[u8]>)>,
    pub nblocked: usize,
}

impl Blocked {
    #[inline]
    pub fn has_waiters(&self) -> bool {
        !self.waiters.is_empty()
    }
}

/// Whether a blocking command may block `c`: not inside MULTI/EXEC (EXEC
/// keeps MULTI set while its queue runs, standing in for Redis's
/// CLIENT_DENY_BLOCKING); a command that cannot block answers as if it had
/// timed out.
pub fn may_block(c: &Client) -> bool {
    !c.has(flags::MULTI)
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
    c.flags |= flags::BLOCKED;
    c.bstate = Some(Box::new(st));
    srv.blocked.nblocked += 1;
}

/// updateStatsOnUnblock for a blocked command that ends without being
/// served (timeout, CLIENT UNBLOCK): call() skipped it while it was
/// blocked. `failed`: Redis 7.0.15 counts a call ended by CLIENT UNBLOCK as
/// failed whether the reason is ERROR or TIMEOUT; a real timeout is not.
/// total_commands_processed already counted the command when it blocked.
fn count_unserved(srv: &mut Server, c: &Client, failed: bool) {
    if let Some(st) = &c.bstate {
        let stats = &mut srv.commands.stats[st.cmd as usize];
        stats.calls += 1;
        if failed {
            stats.failed_calls += 1;
        }
    }
}

/// The waiters the value at `key` can serve now (expiring it lazily, no
/// stats): None when the key is missing or of a type no one blocks on.
fn ready_for(srv: &mut Server, db: usize, key: &[u8]) -> Option<BlockType> {
    srv.lookup(db, key, Access::NoTouch)
        .and_then(|e| BlockType::served_by(&e.val))
}

/// What client `id` in slot `fd` is blocked for, if it still is.
fn waits_for(srv: &Server, fd: RawFd, id: u64) -> Option<BlockType> {
    let c = srv.clients.get(fd as usize)?.as_deref()?;
    if c.id != id {
        return None;
    }
    c.bstate.as_ref().map(|st| st.btype)
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
    c.flags &= !flags::BLOCKED;
    srv.blocked.nblocked -= 1;
}

pub fn forget_client(srv: &mut Server, c: &mut Client) {
    if c.bstate.is_some() {
        unblock_client(srv, c);
    }
}

/// Serves clients blocked on keys that became ready: each waiter the key
/// can serve (the readiness rule above), in arrival order, re-runs its
/// command; one that is served is unblocked and its reply queued; one that
/// still finds nothing stays blocked, in place. Waiters of another type
/// are not woken at all.
/// Called from beforeSleep and after every top-level command, so a
/// pipelined command that follows a push sees the waiters already served
/// (Redis runs handleClientsBlockedOnKeys after each command too).
pub fn process_unblocked(srv: &mut Server) {
    while !srv.blocked.ready_keys.is_empty() {
        let ready = std::mem::take(&mut srv.blocked.ready_keys);
        for k in ready {
            let Some(q) = srv.blocked.waiters.get(&k) else {
                continue;
            };
            let waiters: Vec<(RawFd, u64)> = q.iter().copied().collect();
            for (fd, id) in waiters {
                // Re-read for each waiter: an earlier one may have emptied
                // the key (deleted) or, through its own write, retyped it.
                // Nothing to serve: the rest keep waiting, not re-run.
                let Some(kind) = ready_for(srv, k.0, &k.1) else {
                    break;
                };
                if waits_for(srv, fd, id) != Some(kind) {
                    continue;
                }
                let Some(mut c) = srv.take_client(fd) else {
                    continue;
                };
                if c.id != id || c.bstate.is_none() {
                    srv.clients[fd as usize] = Some(c);
                    continue;
                }
                rerun_blocked(srv, &mut c);
                // Served clients continue with their pipelined input.
                if !c.has(flags::BLOCKED) {
                    srv.process_input_buffer(&mut c);
                }
                srv.put_client(c);
            }
        }
    }
}

/// Re-runs a blocked client's command; the command itself either serves the
/// client or finds the keys still empty and blocks again. The client stays
/// in the wait queues meanwhile, so blocking again keeps its position
/// (block_client does not re-queue a client already queued) and its
/// original deadline.
fn rerun_blocked(srv: &mut Server, c: &mut Client) {
    let Some(st) = c.bstate.take() else { return };
    c.flags &= !flags::BLOCKED;
    srv.blocked.nblocked -= 1;
    let args_ix: Vec<crate::net::client::Arg> = (0..st.argv.len() as u32)
        .map(crate::net::client::Arg::Owned)
        .collect();
    let args = crate::net::client::Args {
        qb: &[],
        argv: &args_ix,
        owned: &st.argv,
    };
    let db = c.db;
    c.db = st.db;
    c.flags |= flags::UNBLOCKED;
    srv.call(c, st.cmd, &args);
    c.flags &= !flags::UNBLOCKED;
    if let Some(again) = c.bstate.as_mut() {
        again.timeout_ms = st.timeout_ms;
        // Keys of the old wait that the new one does not share.
        let stale: Vec<(usize, Vec<u8>)> = st
            .keys
            .into_iter()
            .filter(|k| !again.keys.contains(k))
            .collect();
        dequeue(srv, c.id, stale);
    } else {
        dequeue(srv, c.id, st.keys);
        c.db = db;
    }
}

/// Removes client `id` from the wait queues of `keys`.
fn dequeue(srv: &mut Server, id: u64, keys: Vec<(usize, Vec<u8>)>) {
    for (db, key) in keys {
        let k = (db, key.into_boxed_slice());
        if let Some(q) = srv.blocked.waiters.get_mut(&k) {
            q.retain(|&(_, cid)| cid != id);
            if q.is_empty() {
                srv.blocked.waiters.remove(&k);
            }
        }
    }
}

/// Blocked clients whose timeout passed get the command's timeout reply
/// (a null array, for lists and sorted sets alike, as Redis 7.0's
/// replyToBlockedClientTimedOut). Runs from serverCron, so a timeout fires
/// within one cron period (1000/hz ms) of its deadline.
pub fn handle_timeouts(srv: &mut Server) {
    if srv.blocked.nblocked == 0 {
        return;
    }
    let now = srv.now_ms;
    let mut seen: HashSet<u64> = HashSet::new();
    let mut expired: Vec<RawFd> = Vec::new();
    for q in srv.blocked.waiters.values() {
        for &(fd, id) in q {
            if !seen.insert(id) {
                continue;
            }
            if let Some(Some(c)) = srv.clients.get(fd as usize)
                && c.id == id
                && let Some(st) = &c.bstate
                && st.timeout_ms > 0
                && st.timeout_ms <= now
            {
                expired.push(fd);
            }
        }
    }
    for fd in expired {
        let Some(mut c) = srv.take_client(fd) else {
            continue;
        };
        count_unserved(srv, &c, false);
        unblock_client(srv, &mut c);
        c.add_null_array();
        srv.process_input_buffer(&mut c);
        srv.put_client(c);
    }
}

/// CLIENT UNBLOCK id [TIMEOUT|ERROR]: unblocks client `target_id` if it is
/// blocked on keys, replying as on timeout (null array) or, with `error`,
/// with an UNBLOCKED error. Returns whether a client was unblocked (the
/// command's 1 or 0). The caller is running a command, so it is out of its
/// slot and never the target (a blocked client runs no commands).
pub fn client_unblock(srv: &mut Server, target_id: u64, error: bool) -> bool {
    let Some(fd) = srv.clients.iter().position(|slot| {
        slot.as_ref()
            .is_some_and(|c| c.id == target_id && c.bstate.is_some())
    }) else {
        return false;
    };
    let Some(mut c) = srv.take_client(fd as RawFd) else {
        return false;
    };
    count_unserved(srv, &c, true);
    unblock_client(srv, &mut c);
    if error {
        c.add_error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        // Counted now (INFO errorstats, total_error_replies), not by the
        // target's next command; the running CLIENT UNBLOCK then counts as
        // failed too, as in Redis, where any error reply sent while a
        // command runs fails it.
        srv.account_errors(&mut c);
    } else {
        c.add_null_array();
    }
    srv.process_input_buffer(&mut c);
    srv.put_client(c);
    true
}

/// After EXEC: keys signalled inside the transaction are served now.
pub fn after_exec(_srv: &mut Server) {
    // Ready keys are processed after the EXEC command returns (right after
    // the command and again in beforeSleep), never between the queued
    // commands, so waiters see the transaction's final state.
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::client::{Arg, Args};
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::os::unix::net::UnixStream;

    /// Adds a client on one end of a socket pair; the other end is returned
    /// so the connection stays open.
    fn add_client(srv: &mut Server) -> (RawFd, u64, UnixStream) {
        let (ours, theirs) = UnixStream::pair().unwrap();
        let fd: OwnedFd = ours.into();
        let raw = fd.as_raw_fd();
        let id = srv.next_client_id;
        srv.next_client_id += 1;
        let mut c = Client::new(id, fd, ferrodis_ffi::net::Peer::Unix, srv.now_ms);
        c.authenticated = true;
        if raw as usize >= srv.clients.len() {
            srv.clients.resize_with(raw as usize + 1, || None);
        }
        srv.clients[raw as usize] = Some(Box::new(c));
        (raw, id, theirs)
    }

    fn run(srv: &mut Server, fd: RawFd, argv: &[&str]) {
        let owned: Vec<Vec<u8>> = argv.iter().map(|s| s.as_bytes().to_vec()).collect();
        let ix: Vec<Arg> = (0..owned.len() as u32).map(Arg::Owned).collect();
        let a = Args {
            qb: &[],
            argv: &ix,
            owned: &owned,
        };
        let mut c = srv.take_client(fd).unwrap();
        srv.process_args(&mut c, &a);
        srv.clients[fd as usize] = Some(c);
    }

    fn client(srv: &Server, fd: RawFd) -> &Client {
        srv.clients[fd as usize].as_deref().unwrap()
    }

    #[test]
    fn client_unblock_timeout_and_error() {
        let mut srv = Server::new(crate::config::Config::default(), None).unwrap();
        let (fd, id, _peer) = add_client(&mut srv);
        assert!(!client_unblock(&mut srv, id, false), "not blocked yet");

        run(&mut srv, fd, &["BLPOP", "k", "0"]);
        assert!(client(&srv, fd).has(flags::BLOCKED));
        assert!(client(&srv, fd).buf.is_empty());
        assert!(client_unblock(&mut srv, id, false));
        assert!(!client(&srv, fd).has(flags::BLOCKED));
        assert_eq!(client(&srv, fd).buf, b"*-1\r\n");
        assert!(srv.blocked.waiters.is_empty());
        assert_eq!(srv.blocked.nblocked, 0);

        srv.clients[fd as usize].as_mut().unwrap().buf.clear();
        run(&mut srv, fd, &["BLMOVE", "a", "b", "LEFT", "LEFT", "0"]);
        assert!(client(&srv, fd).has(flags::BLOCKED));
        assert!(client_unblock(&mut srv, id, true));
        assert_eq!(
            client(&srv, fd).buf,
            b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
        );
        assert!(!client_unblock(&mut srv, id, true));
        assert!(!client_unblock(&mut srv, id + 100, false), "unknown id");

        // A push now finds no waiter and stays.
        srv.clients[fd as usize].as_mut().unwrap().buf.clear();
        run(&mut srv, fd, &["RPUSH", "a", "x"]);
        assert_eq!(client(&srv, fd).buf, b":1\r\n");
    }
}
