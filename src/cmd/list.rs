//! List commands (t_list.c), including the blocking ones.
//!
//! Design
//! - Threads: main thread only, like every command.
//! - Every write bumps `srv.dirty` and signals the key (db_add signals by
//!   itself; in-place edits call `signal_modified_key`), which both dirties
//!   WATCHers and queues the key for clients blocked on it.
//! - A list that becomes empty is deleted, as Redis never keeps empty
//!   aggregates.
//! - Blocking commands first try to serve themselves like their
//!   non-blocking twin; only when every key is missing do they block
//!   (`crate::blocked::block_client`). When a key they wait on is written,
//!   `blocked.rs` re-runs the same command with the UNBLOCKED flag set; if
//!   the key is empty again it blocks again, keeping its place in the queue.
//!   Redis 7.0 serves list waiters directly from the ready key instead of
//!   re-running (7.2 re-runs); the visible difference is that BLPOP on
//!   several keys pops from its first non-empty key rather than from the
//!   key that was signalled.
//! - Inside MULTI/EXEC (the MULTI flag) a blocking command that would block
//!   answers as if it timed out, as Redis does.
//! - A waiter is re-run only for a ready key that holds a list (the
//!   readiness rule in `blocked.rs`). During the re-run its other keys
//!   that hold another type count as empty rather than failing it with
//!   WRONGTYPE, since Redis 7.0 serves it from the ready key without
//!   looking at them; a BLMOVE destination of another type does fail it
//!   (Redis replies WRONGTYPE and leaves the element in the source).

use crate::cmd;
use crate::cmd::{Command, flags::*};
use crate::db::{Access, Value};
use crate::ds::sds::string2ll;
use crate::net::client::{Args, Client, flags as cf};
use crate::net::reply::Reply;
use crate::server::Server;
use crate::types::list::List;

const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
const SYNTAX: &str = "ERR syntax error";
const NOT_INT: &str = "ERR value is not an integer or out of range";

pub const COMMANDS: &[Command] = &[
    cmd!(
        "lpush",
        lpush_command,
        -3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "list",
        "Prepends one or more elements to a list. Creates the key if it doesn't exist.",
        "1.0.0"
    ),
    cmd!(
        "rpush",
        rpush_command,
        -3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "list",
        "Appends one or more elements to a list. Creates the key if it doesn't exist.",
        "1.0.0"
    ),
    cmd!(
        "lpushx",
        lpushx_command,
        -3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "list",
        "Prepends one or more elements to a list only when the list exists.",
        "2.2.0"
    ),
    cmd!(
        "rpushx",
        rpushx_command,
        -3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "list",
        "Appends an element to a list only when the list exists.",
        "2.2.0"
    ),
    cmd!(
        "lpop",
        lpop_command,
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        "list",
        "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.",
        "1.0.0"
    ),
    cmd!(
        "rpop",
        rpop_command,
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        "list",
        "Returns and removes the last elements of a list. Deletes the list if the last element was popped.",
        "1.0.0"
    ),
    cmd!(
        "llen",
        llen_command,
        2,
        READONLY | FAST,
        1,
        1,
        1,
        "list",
        "Returns the length of a list.",
        "1.0.0"
    ),
    cmd!(
        "lrange",
        lrange_command,
        4,
        READONLY,
        1,
        1,
        1,
        "list",
        "Returns a range of elements from a list.",
        "1.0.0"
    ),
    cmd!(
        "lindex",
        lindex_command,
        3,
        READONLY,
        1,
        1,
        1,
        "list",
        "Returns an element from a list by its index.",
        "1.0.0"
    ),
    cmd!(
        "lset",
        lset_command,
        4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        "list",
        "Sets the value of an element in a list by its index.",
        "1.0.0"
    ),
    cmd!(
        "linsert",
        linsert_command,
        5,
        WRITE | DENYOOM,
        1,
        1,
        1,
        "list",
        "Inserts an element before or after another element in a list.",
        "2.2.0"
    ),
    cmd!(
        "lrem",
        lrem_command,
        4,
        WRITE,
        1,
        1,
        1,
        "list",
        "Removes elements from a list. Deletes the list if the last element was removed.",
        "1.0.0"
    ),
    cmd!(
        "ltrim",
        ltrim_command,
        4,
        WRITE,
        1,
        1,
        1,
        "list",
        "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
        "1.0.0"
    ),
    cmd!(
        "lpos",
        lpos_command,
        -3,
        READONLY,
        1,
        1,
        1,
        "list",
        "Returns the index of matching elements in a list.",
        "6.0.6"
    ),
    cmd!(
        "lmove",
        lmove_command,
        5,
        WRITE | DENYOOM,
        1,
        2,
        1,
        "list",
        "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.",
        "6.2.0"
    ),
    cmd!(
        "rpoplpush",
        rpoplpush_command,
        3,
        WRITE | DENYOOM,
        1,
        2,
        1,
        "list",
        "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.",
        "1.2.0"
    ),
    cmd!(
        "lmpop",
        lmpop_command,
        -4,
        WRITE | MOVABLE_KEYS,
        0,
        0,
        0,
        "list",
        "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.",
        "7.0.0"
    ),
    cmd!(
        "blpop",
        blpop_command,
        -3,
        WRITE | NOSCRIPT | BLOCKING,
        1,
        -2,
        1,
        "list",
        "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
        "2.0.0"
    ),
    cmd!(
        "brpop",
        brpop_command,
        -3,
        WRITE | NOSCRIPT | BLOCKING,
        1,
        -2,
        1,
        "list",
        "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
        "2.0.0"
    ),
    cmd!(
        "brpoplpush",
        brpoplpush_command,
        4,
        WRITE | DENYOOM | NOSCRIPT | BLOCKING,
        1,
        2,
        1,
        "list",
        "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.",
        "2.2.0"
    ),
    cmd!(
        "blmove",
        blmove_command,
        6,
        WRITE | DENYOOM | NOSCRIPT | BLOCKING,
        1,
        2,
        1,
        "list",
        "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.",
        "6.2.0"
    ),
    cmd!(
        "blmpop",
        blmpop_command,
        -5,
        WRITE | BLOCKING | MOVABLE_KEYS,
        0,
        0,
        0,
        "list",
        "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
        "7.0.0"
    ),
];

// ---------------------------------------------------------------- helpers

/// The list at `key`: `Ok(None)` when missing, `Err(())` for another type.
fn list_at<'s>(
    srv: &'s mut Server,
    db: usize,
    key: &[u8],
    access: Access,
) -> Result<Option<&'s mut List>, ()> {
    match srv.lookup(db, key, access) {
        None => Ok(None),
        Some(e) => match &mut e.val {
            Value::List(l) => Ok(Some(l)),
            _ => Err(()),
        },
    }
}

/// Bookkeeping after an in-place write: drop the key if the list emptied,
/// signal it, count the changes.
fn written(srv: &mut Server, db: usize, key: &[u8], emptied: bool, changes: u64) {
    if emptied {
        srv.db_delete(db, key);
    }
    srv.signal_modified_key(db, key);
    srv.dirty += changes;
}

fn parse_int(c: &mut Client, b: &[u8]) -> Option<i64> {
    let v = string2ll(b);
    if v.is_none() {
        c.add_error(NOT_INT);
    }
    v
}

/// LEFT|RIGHT -> true for LEFT.
fn parse_side(b: &[u8]) -> Option<bool> {
    if b.eq_ignore_ascii_case(b"left") {
        Some(true)
    } else if b.eq_ignore_ascii_case(b"right") {
        Some(false)
    } else {
        None
    }
}

fn add_value(c: &mut Client, v: &crate::ds::listpack::LpValue<'_>) {
    let mut buf = [0u8; crate::ds::sds::LL_STR_MAX];
    c.add_bulk(v.to_bytes(&mut buf));
}

/// True while `blocked.rs` re-runs this client's command for a ready key.
fn rerun(c: &Client) -> bool {
    c.has(cf::UNBLOCKED)
}

/// getTimeoutFromObjectOrReply with UNIT_SECONDS: a float number of
/// seconds; 0 means forever. Returns the absolute deadline in ms (0 =
/// forever).
fn parse_timeout(srv: &Server, c: &mut Client, b: &[u8]) -> Option<i64> {
    let ms = timeout_ms(c, b)?;
    if ms == 0 {
        return Some(0);
    }
    // A deadline past the clock's range is as good as forever.
    Some(srv.now_ms.saturating_add(ms))
}

/// The relative timeout in ms of a blocking command's seconds argument,
/// replying the error Redis 7.0 gives otherwise. Redis parses a long
/// double (strtold: hex and inf accepted) and casts seconds*1000 to a long
/// long; a value past LLONG_MAX (inf included) wraps negative there, so it
/// is reported as "timeout is negative", not as out of range.
pub(crate) fn timeout_ms(c: &mut Client, b: &[u8]) -> Option<i64> {
    let Some(secs) = parse_c_float(b) else {
        c.add_error("ERR timeout is not a float or out of range");
        return None;
    };
    let ms = secs * 1000.0;
    if ms < 0.0 || ms >= i64::MAX as f64 {
        c.add_error("ERR timeout is negative");
        return None;
    }
    // Rounded up to whole milliseconds, so a tiny positive timeout does
    // not turn into 0 (forever).
    Some(ms.ceil() as i64)
}

/// strtold-like parse (decimal, inf, C hex floats; NaN rejected): the one
/// C-float parser lives with the score parser.
pub(crate) fn parse_c_float(b: &[u8]) -> Option<f64> {
    crate::ds::skiplist::parse_long_double(b)
}

fn block(srv: &mut Server, c: &mut Client, a: &Args, keys: Vec<Vec<u8>>, timeout_ms: i64) {
    let Some(cmd) = srv.commands.lookup(&a[0]) else {
        return;
    };
    let db = c.db;
    let st = crate::blocked::BlockState {
        btype: crate::blocked::BlockType::List,
        keys: keys.into_iter().map(|k| (db, k)).collect(),
        timeout_ms,
        argv: a.to_vecs(),
        cmd,
        db,
    };
    crate::blocked::block_client(srv, c, st);
}

// ---------------------------------------------------------------- push

fn push_generic(srv: &mut Server, c: &mut Client, a: &Args, left: bool, only_existing: bool) {
    let db = c.db;
    let key = a.get(1);
    let n = a.len() - 2;
    match list_at(srv, db, key, Access::Write) {
        Err(()) => c.add_error(WRONGTYPE),
        Ok(None) if only_existing => c.add_int(0),
        Ok(None) => {
            let mut l = List::from_config(&srv.cfg);
            for i in 2..a.len() {
                l.push(&a[i], left);
            }
            let len = l.len();
            srv.db_add(db, key, Value::List(Box::new(l)));
            srv.dirty += n as u64;
            c.add_int(len as i64);
        }
        Ok(Some(l)) => {
            for i in 2..a.len() {
                l.push(&a[i], left);
            }
            let len = l.len();
            written(srv, db, key, false, n as u64);
            c.add_int(len as i64);
        }
    }
}

pub fn lpush_command(srv: &mut Server, c: &mut Client, a: &Args) {
    push_generic(srv, c, a, true, false)
}
pub fn rpush_command(srv: &mut Server, c: &mut Client, a: &Args) {
    push_generic(srv, c, a, false, false)
}
pub fn lpushx_command(srv: &mut Server, c: &mut Client, a: &Args) {
    push_generic(srv, c, a, true, true)
}
pub fn rpushx_command(srv: &mut Server, c: &mut Client, a: &Args) {
    push_generic(srv, c, a, false, true)
}

// ---------------------------------------------------------------- pop

/// Pops up to `count` elements from the list at `key` (which must exist
/// and be a list), deleting it when emptied.
fn pop_n(srv: &mut Server, db: usize, key: &[u8], left: bool, count: usize) -> Vec<Vec<u8>> {
    let Ok(Some(l)) = list_at(srv, db, key, Access::Write) else {
        return Vec::new();
    };
    let n = count.min(l.len());
    let out: Vec<Vec<u8>> = (0..n).filter_map(|_| l.pop(left)).collect();
    let emptied = l.is_empty();
    if !out.is_empty() {
        written(srv, db, key, emptied, out.len() as u64);
    }
    out
}

fn pop_generic(srv: &mut Server, c: &mut Client, a: &Args, left: bool) {
    if a.len() > 3 {
        let name = if left { "lpop" } else { "rpop" };
        c.add_error(&format!(
            "ERR wrong number of arguments for '{name}' command"
        ));
        return;
    }
    let count = if a.len() == 3 {
        // getPositiveLongFromObjectOrReply: a non-integer gets the same
        // "must be positive" error as a negative count.
        match string2ll(&a[2]) {
            Some(v) if v >= 0 => Some(v as usize),
            _ => {
                c.add_error("ERR value is out of range, must be positive");
                return;
            }
        }
    } else {
        None
    };
    let db = c.db;
    let key = a.get(1);
    match list_at(srv, db, key, Access::Write) {
        Err(()) => return c.add_error(WRONGTYPE),
        Ok(None) => {
            return if count.is_some() {
                c.add_null_array()
            } else {
                c.add_null()
            };
        }
        Ok(Some(_)) => {}
    }
    match count {
        None => {
            let v = pop_n(srv, db, key, left, 1);
            c.add_bulk(&v[0]);
        }
        Some(0) => c.add_array_len(0),
        Some(n) => {
            let v = pop_n(srv, db, key, left, n);
            c.add_array_len(v.len());
            for e in &v {
                c.add_bulk(e);
            }
        }
    }
}

pub fn lpop_command(srv: &mut Server, c: &mut Client, a: &Args) {
    pop_generic(srv, c, a, true)
}
pub fn rpop_command(srv: &mut Server, c: &mut Client, a: &Args) {
    pop_generic(srv, c, a, false)
}

// ---------------------------------------------------------------- reads

pub fn llen_command(srv: &mut Server, c: &mut Client, a: &Args) {
    match list_at(srv, c.db, &a[1], Access::Read) {
        Err(()) => c.add_error(WRONGTYPE),
        Ok(None) => c.add_int(0),
        Ok(Some(l)) => c.add_int(l.len() as i64),
    }
}

pub fn lrange_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(mut start) = parse_int(c, &a[2]) else {
        return;
    };
    let Some(mut end) = parse_int(c, &a[3]) else {
        return;
    };
    let l = match list_at(srv, c.db, &a[1], Access::Read) {
        Err(()) => return c.add_error(WRONGTYPE),
        Ok(None) => return c.add_array_len(0),
        Ok(Some(l)) => l,
    };
    let llen = l.len() as i64;
    if start < 0 {
        start += llen;
    }
    if end < 0 {
        end += llen;
    }
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return c.add_array_len(0);
    }
    if end >= llen {
        end = llen - 1;
    }
    let n = (end - start + 1) as usize;
    c.add_array_len(n);
    for v in l.ql.iter_from(start as isize, true).take(n) {
        // Past its output limit the client gets nothing more: stop.
        if c.reply_discarded() {
            break;
        }
        add_value(c, &v.get());
    }
}

pub fn lindex_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let l = match list_at(srv, c.db, &a[1], Access::Read) {
        Err(()) => return c.add_error(WRONGTYPE),
        Ok(None) => return c.add_null(),
        Ok(Some(l)) => l,
    };
    let Some(idx) = string2ll(&a[2]) else {
        return c.add_error(NOT_INT);
    };
    match isize::try_from(idx).ok().and_then(|i| l.ql.index(i)) {
        Some(v) => add_value(c, &v.get()),
        None => c.add_null(),
    }
}

// ---------------------------------------------------------------- edits

pub fn lset_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let db = c.db;
    let key = a.get(1);
    let l = match list_at(srv, db, key, Access::Write) {
        Err(()) => return c.add_error(WRONGTYPE),
        Ok(None) => return c.add_error("ERR no such key"),
        Ok(Some(l)) => l,
    };
    let Some(idx) = string2ll(&a[2]) else {
        return c.add_error(NOT_INT);
    };
    let ok = isize::try_from(idx)
        .map(|i| l.ql.set(i, &a[3]))
        .unwrap_or(false);
    if !ok {
        return c.add_error("ERR index out of range");
    }
    written(srv, db, key, false, 1);
    c.add_ok();
}

pub fn linsert_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let after = if a[2].eq_ignore_ascii_case(b"after") {
        true
    } else if a[2].eq_ignore_ascii_case(b"before") {
        false
    } else {
        return c.add_error(SYNTAX);
    };
    let db = c.db;
    let key = a.get(1);
    let l = match list_at(srv, db, key, Access::Write) {
        Err(()) => return c.add_error(WRONGTYPE),
        Ok(None) => return c.add_int(0),
        Ok(Some(l)) => l,
    };
    let pivot = &a[3];
    let Some(pos) = l.ql.iter().position(|v| v.eq_bytes(pivot)) else {
        return c.add_int(-1);
    };
    if after {
        l.ql.insert_after(pos as isize, &a[4]);
    } else {
        l.ql.insert_before(pos as isize, &a[4]);
    }
    let len = l.len();
    written(srv, db, key, false, 1);
    c.add_int(len as i64);
}

pub fn lrem_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(count) = parse_int(c, &a[2]) else {
        return;
    };
    let db = c.db;
    let key = a.get(1);
    let l = match list_at(srv, db, key, Access::Write) {
        Err(()) => return c.add_error(WRONGTYPE),
        Ok(None) => return c.add_int(0),
        Ok(Some(l)) => l,
    };
    let removed = l.ql.remove(&a[3], count);
    let emptied = l.is_empty();
    if removed > 0 {
        written(srv, db, key, emptied, removed as u64);
    }
    c.add_int(removed as i64);
}

pub fn ltrim_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(start) = parse_int(c, &a[2]) else {
        return;
    };
    let Some(end) = parse_int(c, &a[3]) else {
        return;
    };
    let db = c.db;
    let key = a.get(1);
    let l = match list_at(srv, db, key, Access::Write) {
        Err(()) => return c.add_error(WRONGTYPE),
        Ok(None) => return c.add_ok(),
        Ok(Some(l)) => l,
    };
    let before = l.len();
    // i64 indices beyond isize cannot occur on 64-bit targets; clamp anyway.
    let clamp = |v: i64| v.clamp(isize::MIN as i64, isize::MAX as i64) as isize;
    l.ql.trim(clamp(start), clamp(end));
    let removed = before - l.len();
    let emptied = l.is_empty();
    // Redis signals LTRIM even when nothing was trimmed.
    written(srv, db, key, emptied, removed as u64);
    c.add_ok();
}

pub fn lpos_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut rank: i64 = 1;
    let mut count: Option<u64> = None;
    let mut maxlen: u64 = 0;
    let mut j = 3;
    while j < a.len() {
        let opt = &a[j];
        let more = j + 1 < a.len();
        if opt.eq_ignore_ascii_case(b"rank") && more {
            let Some(v) = parse_int(c, &a[j + 1]) else {
                return;
            };
            if v == i64::MIN {
                // -rank would overflow.
                return c.add_error("ERR value is out of range");
            }
            if v == 0 {
                return c.add_error(
                    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
                );
            }
            rank = v;
        } else if opt.eq_ignore_ascii_case(b"count") && more {
            // Range-checked parse: a non-integer gets the same error.
            let Some(v) = string2ll(&a[j + 1]).filter(|v| *v >= 0) else {
                return c.add_error("ERR COUNT can't be negative");
            };
            count = Some(v as u64);
        } else if opt.eq_ignore_ascii_case(b"maxlen") && more {
            let Some(v) = string2ll(&a[j + 1]).filter(|v| *v >= 0) else {
                return c.add_error("ERR MAXLEN can't be negative");
            };
            maxlen = v as u64;
        } else {
            return c.add_error(SYNTAX);
        }
        j += 2;
    }
    let l = match list_at(srv, c.db, &a[1], Access::Read) {
        Err(()) => return c.add_error(WRONGTYPE),
        Ok(None) => {
            return if count.is_some() {
                c.add_array_len(0)
            } else {
                c.add_null()
            };
        }
        Ok(Some(l)) => l,
    };
    let ele = &a[2];
    let len = l.len();
    let forward = rank > 0;
    let mut skip = rank.unsigned_abs() - 1;
    // COUNT 0 means every match; no COUNT means the first one.
    let want = match count {
        Some(0) => u64::MAX,
        Some(n) => n,
        None => 1,
    };
    let scan = if maxlen == 0 {
        len
    } else {
        (maxlen.min(len as u64)) as usize
    };
    let it: Box<dyn Iterator<Item = _>> = if forward {
        Box::new(l.ql.iter())
    } else {
        Box::new(l.ql.iter_rev())
    };
    let mut found: Vec<i64> = Vec::new();
    for (i, v) in it.take(scan).enumerate() {
        if !v.eq_bytes(ele) {
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let idx = if forward { i } else { len - 1 - i };
        found.push(idx as i64);
        if found.len() as u64 >= want {
            break;
        }
    }
    if count.is_some() {
        c.add_array_len(found.len());
        for i in found {
            c.add_int(i);
        }
    } else {
        match found.first() {
            Some(&i) => c.add_int(i),
            None => c.add_null(),
        }
    }
}

// ---------------------------------------------------------------- move

/// LMOVE's core once `src` is known to hold a non-empty list: checks the
/// destination type, moves one element and replies with it.
fn lmove_generic(
    srv: &mut Server,
    c: &mut Client,
    src: &[u8],
    dst: &[u8],
    from_left: bool,
    to_left: bool,
) {
    let db = c.db;
    let dst_exists = match list_at(srv, db, dst, Access::Write) {
        Err(()) => return c.add_error(WRONGTYPE),
        Ok(d) => d.is_some(),
    };
    let Ok(Some(l)) = list_at(srv, db, src, Access::Write) else {
        return c.add_null();
    };
    let Some(ele) = l.pop(from_left) else {
        return c.add_null();
    };
    if src == dst {
        // Rotation of one list: never emptied.
        l.push(&ele, to_left);
        written(srv, db, src, false, 1);
    } else {
        let emptied = l.is_empty();
        if dst_exists {
            if let Ok(Some(d)) = list_at(srv, db, dst, Access::Write) {
                d.push(&ele, to_left);
            }
            srv.signal_modified_key(db, dst);
        } else {
            let mut d = List::from_config(&srv.cfg);
            d.push(&ele, to_left);
            srv.db_add(db, dst, Value::List(Box::new(d)));
        }
        written(srv, db, src, emptied, 1);
    }
    c.add_bulk(&ele);
}

pub fn lmove_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let (Some(from), Some(to)) = (parse_side(&a[3]), parse_side(&a[4])) else {
        return c.add_error(SYNTAX);
    };
    lmove_checked(srv, c, a.get(1), a.get(2), from, to);
}

pub fn rpoplpush_command(srv: &mut Server, c: &mut Client, a: &Args) {
    lmove_checked(srv, c, a.get(1), a.get(2), false, true);
}

fn lmove_checked(srv: &mut Server, c: &mut Client, src: &[u8], dst: &[u8], from: bool, to: bool) {
    match list_at(srv, c.db, src, Access::Write) {
        Err(()) => c.add_error(WRONGTYPE),
        Ok(None) => c.add_null(),
        Ok(Some(_)) => lmove_generic(srv, c, src, dst, from, to),
    }
}

// ---------------------------------------------------------------- LMPOP

struct MpopArgs<'a> {
    keys: Vec<&'a [u8]>,
    left: bool,
    count: usize,
}

/// Parses `numkeys key... LEFT|RIGHT [COUNT n]` starting at `a[first]`.
fn parse_mpop<'a>(c: &mut Client, a: &Args<'a>, first: usize) -> Option<MpopArgs<'a>> {
    let numkeys = match string2ll(&a[first]) {
        Some(n) if n > 0 => n as u64,
        _ => {
            c.add_error("ERR numkeys should be greater than 0");
            return None;
        }
    };
    let where_idx = (first as u64 + 1).saturating_add(numkeys);
    if where_idx >= a.len() as u64 {
        c.add_error(SYNTAX);
        return None;
    }
    let where_idx = where_idx as usize;
    let keys: Vec<&'a [u8]> = (first + 1..where_idx).map(|i| a.get(i)).collect();
    let Some(left) = parse_side(&a[where_idx]) else {
        c.add_error(SYNTAX);
        return None;
    };
    let mut count: Option<usize> = None;
    let mut j = where_idx + 1;
    while j < a.len() {
        if a[j].eq_ignore_ascii_case(b"count") && j + 1 < a.len() && count.is_none() {
            match string2ll(&a[j + 1]) {
                Some(n) if n > 0 => count = Some(n as usize),
                _ => {
                    c.add_error("ERR count should be greater than 0");
                    return None;
                }
            }
            j += 2;
        } else {
            c.add_error(SYNTAX);
            return None;
        }
    }
    Some(MpopArgs {
        keys,
        left,
        count: count.unwrap_or(1),
    })
}

/// Pops from the first non-empty key; replies `[key, [elements]]`.
/// Returns false (having replied nothing) when every key is empty, or
/// true after replying (elements or WRONGTYPE).
fn mpop_serve(srv: &mut Server, c: &mut Client, m: &MpopArgs) -> bool {
    let db = c.db;
    for &key in &m.keys {
        match list_at(srv, db, key, Access::Write) {
            Err(()) if rerun(c) => continue,
            Err(()) => {
                c.add_error(WRONGTYPE);
                return true;
            }
            Ok(None) => continue,
            Ok(Some(_)) => {
                let v = pop_n(srv, db, key, m.left, m.count);
                c.add_array_len(2);
                c.add_bulk(key);
                c.add_array_len(v.len());
                for e in &v {
                    c.add_bulk(e);
                }
                return true;
            }
        }
    }
    false
}

pub fn lmpop_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(m) = parse_mpop(c, a, 1) else { return };
    if !mpop_serve(srv, c, &m) {
        c.add_null_array();
    }
}

pub fn blmpop_command(srv: &mut Server, c: &mut Client, a: &Args) {
    // Redis 7.0 validates numkeys/direction/COUNT before the timeout.
    let Some(m) = parse_mpop(c, a, 2) else { return };
    let Some(timeout) = parse_timeout(srv, c, &a[1]) else {
        return;
    };
    if mpop_serve(srv, c, &m) {
        return;
    }
    if !crate::blocked::may_block(c) {
        return c.add_null_array();
    }
    let keys = m.keys.iter().map(|k| k.to_vec()).collect();
    block(srv, c, a, keys, timeout);
}

// ---------------------------------------------------------------- blocking

fn bpop_generic(srv: &mut Server, c: &mut Client, a: &Args, left: bool) {
    let Some(timeout) = parse_timeout(srv, c, &a[a.len() - 1]) else {
        return;
    };
    let db = c.db;
    let keys: Vec<&[u8]> = (1..a.len() - 1).map(|i| a.get(i)).collect();
    for &key in &keys {
        match list_at(srv, db, key, Access::Write) {
            Err(()) if rerun(c) => continue,
            Err(()) => return c.add_error(WRONGTYPE),
            Ok(None) => continue,
            Ok(Some(_)) => {
                let v = pop_n(srv, db, key, left, 1);
                c.add_array_len(2);
                c.add_bulk(key);
                c.add_bulk(&v[0]);
                return;
            }
        }
    }
    if !crate::blocked::may_block(c) {
        // Treated as an immediate timeout (even with timeout 0).
        return c.add_null_array();
    }
    let keys = keys.iter().map(|k| k.to_vec()).collect();
    block(srv, c, a, keys, timeout);
}

pub fn blpop_command(srv: &mut Server, c: &mut Client, a: &Args) {
    bpop_generic(srv, c, a, true)
}
pub fn brpop_command(srv: &mut Server, c: &mut Client, a: &Args) {
    bpop_generic(srv, c, a, false)
}

fn bmove_generic(srv: &mut Server, c: &mut Client, a: &Args, from: bool, to: bool, t: usize) {
    let Some(timeout) = parse_timeout(srv, c, &a[t]) else {
        return;
    };
    let (src, dst) = (a.get(1), a.get(2));
    // A destination of another type fails the move with WRONGTYPE, on a
    // re-run too: Redis 7.0 answers the served waiter so and leaves the
    // element in the source (lmove_generic checks before popping).
    match list_at(srv, c.db, src, Access::Write) {
        Err(()) if !rerun(c) => return c.add_error(WRONGTYPE),
        Ok(Some(_)) => return lmove_generic(srv, c, src, dst, from, to),
        _ => {}
    }
    if !crate::blocked::may_block(c) {
        // BLMOVE/BRPOPLPUSH in MULTI reply a null bulk, unlike the pops.
        return c.add_null();
    }
    block(srv, c, a, vec![src.to_vec()], timeout);
}

pub fn blmove_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let (Some(from), Some(to)) = (parse_side(&a[3]), parse_side(&a[4])) else {
        return c.add_error(SYNTAX);
    };
    bmove_generic(srv, c, a, from, to, 5)
}

pub fn brpoplpush_command(srv: &mut Server, c: &mut Client, a: &Args) {
    bmove_generic(srv, c, a, false, true, 3)
}
