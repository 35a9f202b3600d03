//! Set commands (t_set.c).
//!
//! Threads: main thread only. Representation and encoding conversions live
//! in `types::set`; this file parses, type-checks, replies, deletes emptied
//! sets and accounts for writes (dirty counter, modified-key signal).
//!
//! Multi-key operations (SINTER/SUNION/SDIFF and their STORE and CARD
//! forms) first look every key up once (lazy expiry, hit/miss stats, type
//! check, in argument order like Redis), then borrow all sets immutably to
//! compute the result, and only then write the destination -- so a
//! destination that is also a source is read before it is replaced.
//!
//! Not done: keyspace notifications; Redis's size-based choice between the
//! two SDIFF algorithms (we always use the per-member lookup one, which
//! gives the same result).

use crate::cmd;
use crate::cmd::hash::{add_scan_reply, parse_scan_args};
use crate::cmd::string::{SYNTAX, WRONGTYPE};
use crate::cmd::{Command, flags::*};
use crate::db::{Entry, Value};
use crate::ds::sds::string2ll;
use crate::net::client::{Args, Client};
use crate::net::reply::Reply;
use crate::server::Server;
use crate::types::set::{Set, SetLimits, rand_u64};

pub const COMMANDS: &[Command] = &[
    cmd!(
        "sadd",
        sadd_command,
        -3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "set",
        "Adds one or more members to a set. Creates the key if it doesn't exist.",
        "1.0.0"
    ),
    cmd!(
        "srem",
        srem_command,
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        "set",
        "Removes one or more members from a set. Deletes the set if the last member was removed.",
        "1.0.0"
    ),
    cmd!(
        "smembers",
        smembers_command,
        2,
        READONLY,
        1,
        1,
        1,
        "set",
        "Returns all members of a set.",
        "1.0.0"
    ),
    cmd!(
        "sismember",
        sismember_command,
        3,
        READONLY | FAST,
        1,
        1,
        1,
        "set",
        "Determines whether a member belongs to a set.",
        "1.0.0"
    ),
    cmd!(
        "smismember",
        smismember_command,
        -3,
        READONLY | FAST,
        1,
        1,
        1,
        "set",
        "Determines whether multiple members belong to a set.",
        "6.2.0"
    ),
    cmd!(
        "scard",
        scard_command,
        2,
        READONLY | FAST,
        1,
        1,
        1,
        "set",
        "Returns the number of members in a set.",
        "1.0.0"
    ),
    cmd!(
        "spop",
        spop_command,
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        "set",
        "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.",
        "1.0.0"
    ),
    cmd!(
        "srandmember",
        srandmember_command,
        -2,
        READONLY,
        1,
        1,
        1,
        "set",
        "Get one or multiple random members from a set",
        "1.0.0"
    ),
    cmd!(
        "smove",
        smove_command,
        4,
        WRITE | FAST,
        1,
        2,
        1,
        "set",
        "Moves a member from one set to another.",
        "1.0.0"
    ),
    cmd!(
        "sinter",
        sinter_command,
        -2,
        READONLY,
        1,
        -1,
        1,
        "set",
        "Returns the intersect of multiple sets.",
        "1.0.0"
    ),
    cmd!(
        "sintercard",
        sintercard_command,
        -3,
        READONLY | MOVABLE_KEYS,
        0,
        0,
        0,
        "set",
        "Returns the number of members of the intersect of multiple sets.",
        "7.0.0"
    ),
    cmd!(
        "sinterstore",
        sinterstore_command,
        -3,
        WRITE | DENYOOM,
        1,
        -1,
        1,
        "set",
        "Stores the intersect of multiple sets in a key.",
        "1.0.0"
    ),
    cmd!(
        "sunion",
        sunion_command,
        -2,
        READONLY,
        1,
        -1,
        1,
        "set",
        "Returns the union of multiple sets.",
        "1.0.0"
    ),
    cmd!(
        "sunionstore",
        sunionstore_command,
        -3,
        WRITE | DENYOOM,
        1,
        -1,
        1,
        "set",
        "Stores the union of multiple sets in a key.",
        "1.0.0"
    ),
    cmd!(
        "sdiff",
        sdiff_command,
        -2,
        READONLY,
        1,
        -1,
        1,
        "set",
        "Returns the difference of multiple sets.",
        "1.0.0"
    ),
    cmd!(
        "sdiffstore",
        sdiffstore_command,
        -3,
        WRITE | DENYOOM,
        1,
        -1,
        1,
        "set",
        "Stores the difference of multiple sets in a key.",
        "1.0.0"
    ),
    cmd!(
        "sscan",
        sscan_command,
        -3,
        READONLY,
        1,
        1,
        1,
        "set",
        "Iterates over members of a set.",
        "2.6.0"
    ),
];

fn set_read<'a>(srv: &'a mut Server, c: &mut Client, key: &[u8]) -> Result<Option<&'a Set>, ()> {
    match srv.lookup_read(c.db, key) {
        None => Ok(None),
        Some(Value::Set(s)) => Ok(Some(s)),
        Some(_) => {
            c.add_error(WRONGTYPE);
            Err(())
        }
    }
}

fn set_write<'a>(
    srv: &'a mut Server,
    c: &mut Client,
    key: &[u8],
) -> Result<Option<&'a mut Set>, ()> {
    match srv.lookup_write(c.db, key) {
        None => Ok(None),
        Some(Value::Set(s)) => Ok(Some(s)),
        Some(_) => {
            c.add_error(WRONGTYPE);
            Err(())
        }
    }
}

/// The set at `key` without lookup side effects (after a lookup already
/// handled expiry and type).
fn peek<'a>(srv: &'a Server, db: usize, key: &[u8]) -> Option<&'a Set> {
    match srv.dbs[db].dict.get(key) {
        Some(Entry {
            val: Value::Set(s), ..
        }) => Some(s),
        _ => None,
    }
}

fn peek_mut<'a>(srv: &'a mut Server, db: usize, key: &[u8]) -> Option<&'a mut Set> {
    match srv.dbs[db].dict.get_mut(key) {
        Some(Entry {
            val: Value::Set(s), ..
        }) => Some(s),
        _ => None,
    }
}

fn add_members(c: &mut Client, ms: &[Vec<u8>]) {
    c.add_set_len(ms.len());
    for m in ms {
        c.add_bulk(m);
    }
}

pub fn sadd_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let lim = SetLimits::from_cfg(&srv.cfg);
    let db = c.db;
    match set_write(srv, c, &a[1]) {
        Err(()) => return,
        Ok(Some(_)) => {}
        Ok(None) => {
            let s = Set::new_for(&a[2], a.len() - 2, lim);
            srv.db_add(db, &a[1], Value::Set(Box::new(s)));
        }
    }
    let s = peek_mut(srv, db, &a[1]).expect("set just found or added");
    let mut added = 0;
    for i in 2..a.len() {
        if s.add(&a[i], lim) {
            added += 1;
        }
    }
    if added > 0 {
        srv.signal_modified_key(db, &a[1]);
        srv.dirty += added as u64;
    }
    c.add_int(added);
}

pub fn srem_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let db = c.db;
    let s = match set_write(srv, c, &a[1]) {
        Err(()) => return,
        Ok(None) => {
            c.add_int(0);
            return;
        }
        Ok(Some(s)) => s,
    };
    let mut removed = 0;
    for i in 2..a.len() {
        if s.remove(&a[i]) {
            removed += 1;
            if s.is_empty() {
                break;
            }
        }
    }
    let emptied = s.is_empty();
    if removed > 0 {
        if emptied {
            srv.db_delete(db, &a[1]);
        }
        srv.signal_modified_key(db, &a[1]);
        srv.dirty += removed as u64;
    }
    c.add_int(removed);
}

pub fn smembers_command(srv: &mut Server, c: &mut Client, a: &Args) {
    // Written as iterated, not copied first; stops once the output is
    // discarded (the client went past its output limit).
    match set_read(srv, c, &a[1]) {
        Err(()) => {}
        Ok(None) => c.add_set_len(0),
        Ok(Some(s)) => {
            c.add_set_len(s.len());
            s.for_each_while(|m| {
                c.add_bulk(m);
                !c.reply_discarded()
            });
        }
    }
}

pub fn sismember_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if let Ok(s) = set_read(srv, c, &a[1]) {
        c.add_int(s.is_some_and(|s| s.contains(&a[2])) as i64);
    }
}

pub fn smismember_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Ok(s) = set_read(srv, c, &a[1]) else {
        return;
    };
    c.add_array_len(a.len() - 2);
    for i in 2..a.len() {
        c.add_int(s.is_some_and(|s| s.contains(&a[i])) as i64);
    }
}

pub fn scard_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if let Ok(s) = set_read(srv, c, &a[1]) {
        c.add_int(s.map_or(0, |s| s.len()) as i64);
    }
}

/// Up to `want` distinct members chosen uniformly (partial Fisher-Yates
/// over the member list).
fn sample_distinct(s: &Set, want: usize, rng: &mut u64) -> Vec<Vec<u8>> {
    // Few out of many (srandmember's "case 4"): draw at random until enough
    // distinct members came up, instead of copying the whole set.
    if want.saturating_mul(3) < s.len() {
        let mut seen = std::collections::HashSet::with_capacity(want);
        let mut out = Vec::with_capacity(want);
        while out.len() < want {
            let Some(m) = s.random(rng) else { break };
            if seen.insert(m.clone()) {
                out.push(m);
            }
        }
        return out;
    }
    let mut all = s.members();
    let want = want.min(all.len());
    for i in 0..want {
        let j = i + (rand_u64(rng) % (all.len() - i) as u64) as usize;
        all.swap(i, j);
    }
    all.truncate(want);
    all
}

/// SPOP key [count].
pub fn spop_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if a.len() > 3 {
        c.add_error(SYNTAX);
        return;
    }
    let count = if a.len() == 3 {
        match string2ll(&a[2]) {
            Some(n) if n >= 0 => Some(n as u64),
            _ => {
                c.add_error("ERR value is out of range, must be positive");
                return;
            }
        }
    } else {
        None
    };
    let db = c.db;
    let mut rng = srv.rng;
    let s = match set_write(srv, c, &a[1]) {
        Err(()) => return,
        Ok(None) => {
            match count {
                None => c.add_null(),
                Some(_) => c.add_set_len(0),
            }
            return;
        }
        Ok(Some(s)) => s,
    };
    let popped = match count {
        None => s.random(&mut rng).into_iter().collect::<Vec<_>>(),
        Some(0) => {
            c.add_set_len(0);
            return;
        }
        Some(n) => sample_distinct(s, n.min(usize::MAX as u64) as usize, &mut rng),
    };
    for m in &popped {
        s.remove(m);
    }
    let emptied = s.is_empty();
    srv.rng = rng;
    if emptied {
        srv.db_delete(db, &a[1]);
    }
    srv.signal_modified_key(db, &a[1]);
    srv.dirty += popped.len() as u64;
    match count {
        None => c.add_bulk(&popped[0]),
        Some(_) => add_members(c, &popped),
    }
}

/// SRANDMEMBER key [count]: a negative count may repeat members.
pub fn srandmember_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if a.len() > 3 {
        c.add_error(SYNTAX);
        return;
    }
    let count = if a.len() == 3 {
        match string2ll(&a[2]) {
            Some(n) if n >= -i64::MAX => Some(n),
            Some(_) => {
                // getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX).
                c.add_error(
                    "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
                );
                return;
            }
            None => {
                c.add_error("ERR value is not an integer or out of range");
                return;
            }
        }
    } else {
        None
    };
    let mut rng = srv.rng;
    let Ok(s) = set_read(srv, c, &a[1]) else {
        return;
    };
    match (s, count) {
        (None, None) => c.add_null(),
        (Some(s), None) => {
            let m = s.random(&mut rng).expect("stored sets are never empty");
            c.add_bulk(&m);
        }
        (None, Some(_)) | (_, Some(0)) => c.add_array_len(0),
        // Case 1 of srandmemberWithCountCommand: independent draws, written
        // as drawn (the count may dwarf the set), until the output is
        // discarded (the client went past its output limit).
        (Some(s), Some(n)) if n < 0 => {
            let draws = n.unsigned_abs();
            c.add_array_len(usize::try_from(draws).unwrap_or(usize::MAX));
            for _ in 0..draws {
                if c.reply_discarded() {
                    break;
                }
                let m = s.random(&mut rng).expect("stored sets are never empty");
                c.add_bulk(&m);
            }
        }
        // Case 2: the whole set.
        (Some(s), Some(n)) if n as u64 >= s.len() as u64 => {
            c.add_array_len(s.len());
            s.for_each_while(|m| {
                c.add_bulk(m);
                !c.reply_discarded()
            });
        }
        (Some(s), Some(n)) => {
            let out = sample_distinct(s, n as usize, &mut rng);
            c.add_array_len(out.len());
            for m in &out {
                c.add_bulk(m);
            }
        }
    }
    srv.rng = rng;
}

pub fn smove_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let db = c.db;
    let (src, dst, m) = (&a[1], &a[2], &a[3]);
    // As smoveCommand: a missing source answers 0 before any type check
    // (even of the destination); then both keys must be sets.
    if srv.lookup_write(db, src).is_none() {
        c.add_int(0);
        return;
    }
    if set_write(srv, c, src).is_err() {
        return;
    }
    let dst_exists = match set_write(srv, c, dst) {
        Err(()) => return,
        Ok(s) => s.is_some(),
    };
    // Same key: nothing moves; the reply says whether the member is there.
    if src == dst {
        let here = peek(srv, db, src).is_some_and(|s| s.contains(m));
        c.add_int(here as i64);
        return;
    }
    let s = peek_mut(srv, db, src).expect("source checked above");
    if !s.remove(m) {
        c.add_int(0);
        return;
    }
    if s.is_empty() {
        srv.db_delete(db, src);
    }
    srv.signal_modified_key(db, src);
    let lim = SetLimits::from_cfg(&srv.cfg);
    if !dst_exists {
        srv.db_add(db, dst, Value::Set(Box::new(Set::new_for(m, 1, lim))));
    }
    // A member the destination already holds leaves it unchanged, and
    // unsignalled (smoveCommand touches it only when the add succeeds).
    if peek_mut(srv, db, dst)
        .expect("destination exists")
        .add(m, lim)
    {
        srv.dirty += 1;
        srv.signal_modified_key(db, dst);
    }
    srv.dirty += 1;
    c.add_int(1);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Inter,
    Union,
    Diff,
}

/// Looks up every key (expiry, stats, type). Err after a WRONGTYPE reply;
/// Ok(false) when an intersection is empty because a key is missing.
/// Every key is type-checked even then: Redis 7.0 replies WRONGTYPE for
/// `SINTER missing string`.
fn check_keys(srv: &mut Server, c: &mut Client, keys: &[&[u8]], op: Op) -> Result<bool, ()> {
    let mut all = true;
    for k in keys {
        if set_read(srv, c, k)?.is_none() && op == Op::Inter {
            all = false;
        }
    }
    Ok(all)
}

/// The members of the result of `op` over `keys` (all already checked).
fn compute(srv: &Server, db: usize, keys: &[&[u8]], op: Op) -> Vec<Vec<u8>> {
    let sets: Vec<Option<&Set>> = keys.iter().map(|k| peek(srv, db, k)).collect();
    let mut out = Vec::new();
    match op {
        Op::Inter => {
            inter_walk(srv, db, keys, |m| {
                out.push(m.to_vec());
                true
            });
        }
        Op::Union => {
            let mut seen: std::collections::HashSet<Vec<u8>> = std::collections::HashSet::new();
            for s in sets.into_iter().flatten() {
                s.for_each(|m| {
                    if !seen.contains(m) {
                        seen.insert(m.to_vec());
                        out.push(m.to_vec());
                    }
                });
            }
        }
        Op::Diff => {
            let Some(first) = sets[0] else { return out };
            first.for_each(|m| {
                if !sets[1..].iter().flatten().any(|s| s.contains(m)) {
                    out.push(m.to_vec());
                }
            });
        }
    }
    out
}

/// Walks the intersection of the sets at `keys` (all present and checked):
/// the smallest set is iterated and each member probed in the others; `f`
/// gets each member of the intersection and returns false to stop.
fn inter_walk(srv: &Server, db: usize, keys: &[&[u8]], mut f: impl FnMut(&[u8]) -> bool) {
    let Some(mut sets) = keys
        .iter()
        .map(|k| peek(srv, db, k))
        .collect::<Option<Vec<&Set>>>()
    else {
        return;
    };
    sets.sort_by_key(|s| s.len());
    sets[0].for_each_while(|m| !sets[1..].iter().all(|s| s.contains(m)) || f(m));
}

fn generic(srv: &mut Server, c: &mut Client, a: &Args, op: Op, store: bool) {
    let first = if store { 2 } else { 1 };
    let keys: Vec<&[u8]> = (first..a.len()).map(|i| a.get(i)).collect();
    let Ok(all_present) = check_keys(srv, c, &keys, op) else {
        return;
    };
    let db = c.db;
    let res = if all_present {
        compute(srv, db, &keys, op)
    } else {
        Vec::new()
    };
    if !store {
        add_members(c, &res);
        return;
    }
    let dst = &a[1];
    if res.is_empty() {
        if srv.db_delete(db, dst) {
            srv.signal_modified_key(db, dst);
            srv.dirty += 1;
        }
        c.add_int(0);
        return;
    }
    let lim = SetLimits::from_cfg(&srv.cfg);
    let mut s = Set::new_for(&res[0], res.len(), lim);
    for m in &res {
        s.add(m, lim);
    }
    srv.set_key(db, dst, Value::Set(Box::new(s)), false);
    srv.dirty += 1;
    c.add_int(res.len() as i64);
}

pub fn sinter_command(srv: &mut Server, c: &mut Client, a: &Args) {
    generic(srv, c, a, Op::Inter, false)
}
pub fn sinterstore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    generic(srv, c, a, Op::Inter, true)
}
pub fn sunion_command(srv: &mut Server, c: &mut Client, a: &Args) {
    generic(srv, c, a, Op::Union, false)
}
pub fn sunionstore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    generic(srv, c, a, Op::Union, true)
}
pub fn sdiff_command(srv: &mut Server, c: &mut Client, a: &Args) {
    generic(srv, c, a, Op::Diff, false)
}
pub fn sdiffstore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    generic(srv, c, a, Op::Diff, true)
}

/// SINTERCARD numkeys key [key ...] [LIMIT limit].
pub fn sintercard_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let numkeys = match string2ll(&a[1]) {
        Some(n) if n >= 1 => n as usize,
        Some(_) => {
            c.add_error("ERR numkeys should be greater than 0");
            return;
        }
        None => {
            c.add_error("ERR numkeys should be greater than 0");
            return;
        }
    };
    if numkeys > a.len() - 2 {
        c.add_error("ERR Number of keys can't be greater than number of args");
        return;
    }
    let mut limit = 0usize;
    let mut i = 2 + numkeys;
    while i < a.len() {
        if a[i].eq_ignore_ascii_case(b"limit") && i + 1 < a.len() {
            match string2ll(&a[i + 1]) {
                Some(n) if n >= 0 => limit = n as usize,
                _ => {
                    c.add_error("ERR LIMIT can't be negative");
                    return;
                }
            }
            i += 2;
        } else {
            c.add_error(SYNTAX);
            return;
        }
    }
    let keys: Vec<&[u8]> = (2..2 + numkeys).map(|i| a.get(i)).collect();
    let Ok(all_present) = check_keys(srv, c, &keys, Op::Inter) else {
        return;
    };
    // Counted, not collected, and the walk stops at LIMIT (sinterCardCommand).
    let mut n = 0usize;
    if all_present {
        inter_walk(srv, c.db, &keys, |_| {
            n += 1;
            limit == 0 || n < limit
        });
    }
    c.add_int(n as i64);
}

pub fn sscan_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if crate::cmd::hash::parse_scan_cursor(c, &a[2]).is_none() {
        return;
    }
    let Ok(s) = set_read(srv, c, &a[1]) else {
        return;
    };
    let Some(s) = s else {
        add_scan_reply(c, 0, &[]);
        return;
    };
    let Some(sa) = parse_scan_args(c, a, 2) else {
        return;
    };
    let mut items = Vec::new();
    let mut cursor = sa.cursor;
    let mut budget = sa.count.saturating_mul(10);
    // COUNT bounds the elements visited, before MATCH filters them, as in
    // scanGenericCommand.
    let mut visited = 0;
    loop {
        cursor = s.scan(cursor, |m| {
            visited += 1;
            if sa
                .pattern
                .is_none_or(|p| crate::util::glob::glob_match(p, m, false))
            {
                items.push(m.to_vec());
            }
        });
        budget -= 1;
        if cursor == 0 || budget == 0 || visited >= sa.count {
            break;
        }
    }
    add_scan_reply(c, cursor, &items);
}
