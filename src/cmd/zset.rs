//! Sorted-set commands (t_zset.c).
//!
//! Threads: main thread. Each command looks its key up once, works on the
//! `ZSet` in place (see types/zset.rs for the encodings) and replies.
//! Range queries copy the selected pairs out before replying, so the reply
//! code never holds a borrow of the keyspace.
//! Blocking pops (BZPOPMIN/BZPOPMAX/BZMPOP) block through crate::blocked;
//! when re-run for a ready key (one that holds a sorted set: the readiness
//! rule in blocked.rs) they serve or block again, their other keys that
//! hold another type counting as empty on the re-run. The absolute
//! deadline survives the re-run by being written into the stored argv as
//! `@<unix-ms>` in place of the relative timeout (only read back when the
//! UNBLOCKED flag is set).
//! Not done: keyspace notifications (not implemented server-wide).

use crate::blocked::{BlockState, BlockType, block_client};
use crate::cmd;
use crate::cmd::string::{SYNTAX, WRONGTYPE};
use crate::cmd::{Command, flags::*};
use crate::db::Value;
use crate::ds::sds::string2ll;
use crate::ds::skiplist::{LexRange, ScoreRange, format_score, parse_score};
use crate::net::client::{Args, Client, flags as cf};
use crate::net::reply::Reply;
use crate::server::Server;
use crate::types::set::Set;
use crate::types::zset::{Pair, ZSet};

const NOT_INT: &str = "ERR value is not an integer or out of range";
const NOT_FLOAT: &str = "ERR value is not a valid float";
const MINMAX_FLOAT: &str = "ERR min or max is not a float";
const MINMAX_LEX: &str = "ERR min or max not valid string range item";

pub const COMMANDS: &[Command] = &[
    cmd!(
        "zadd",
        zadd_command,
        -4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.",
        "1.2.0"
    ),
    cmd!(
        "zincrby",
        zincrby_command,
        4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Increments the score of a member in a sorted set.",
        "1.2.0"
    ),
    cmd!(
        "zrem",
        zrem_command,
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.",
        "1.2.0"
    ),
    cmd!(
        "zcard",
        zcard_command,
        2,
        READONLY | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Returns the number of members in a sorted set.",
        "1.2.0"
    ),
    cmd!(
        "zcount",
        zcount_command,
        4,
        READONLY | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Returns the count of members in a sorted set that have scores within a range.",
        "2.0.0"
    ),
    cmd!(
        "zlexcount",
        zlexcount_command,
        4,
        READONLY | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Returns the number of members in a sorted set within a lexicographical range.",
        "2.8.9"
    ),
    cmd!(
        "zscore",
        zscore_command,
        3,
        READONLY | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Returns the score of a member in a sorted set.",
        "1.2.0"
    ),
    cmd!(
        "zmscore",
        zmscore_command,
        -3,
        READONLY | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Returns the score of one or more members in a sorted set.",
        "6.2.0"
    ),
    cmd!(
        "zrank",
        zrank_command,
        -3,
        READONLY | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Returns the index of a member in a sorted set ordered by ascending scores.",
        "2.0.0"
    ),
    cmd!(
        "zrevrank",
        zrevrank_command,
        -3,
        READONLY | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Returns the index of a member in a sorted set ordered by descending scores.",
        "2.0.0"
    ),
    cmd!(
        "zrange",
        zrange_command,
        -4,
        READONLY,
        1,
        1,
        1,
        "sorted_set",
        "Returns members in a sorted set within a range of indexes.",
        "1.2.0"
    ),
    cmd!(
        "zrangestore",
        zrangestore_command,
        -5,
        WRITE | DENYOOM,
        1,
        2,
        1,
        "sorted_set",
        "Stores a range of members from sorted set in a key.",
        "6.2.0"
    ),
    cmd!(
        "zrevrange",
        zrevrange_command,
        -4,
        READONLY,
        1,
        1,
        1,
        "sorted_set",
        "Returns members in a sorted set within a range of indexes in reverse order.",
        "1.2.0"
    ),
    cmd!(
        "zrangebyscore",
        zrangebyscore_command,
        -4,
        READONLY,
        1,
        1,
        1,
        "sorted_set",
        "Returns members in a sorted set within a range of scores.",
        "1.0.5"
    ),
    cmd!(
        "zrevrangebyscore",
        zrevrangebyscore_command,
        -4,
        READONLY,
        1,
        1,
        1,
        "sorted_set",
        "Returns members in a sorted set within a range of scores in reverse order.",
        "2.2.0"
    ),
    cmd!(
        "zrangebylex",
        zrangebylex_command,
        -4,
        READONLY,
        1,
        1,
        1,
        "sorted_set",
        "Returns members in a sorted set within a lexicographical range.",
        "2.8.9"
    ),
    cmd!(
        "zrevrangebylex",
        zrevrangebylex_command,
        -4,
        READONLY,
        1,
        1,
        1,
        "sorted_set",
        "Returns members in a sorted set within a lexicographical range in reverse order.",
        "2.8.9"
    ),
    cmd!(
        "zpopmin",
        zpopmin_command,
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
        "5.0.0"
    ),
    cmd!(
        "zpopmax",
        zpopmax_command,
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        "sorted_set",
        "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
        "5.0.0"
    ),
    cmd!(
        "bzpopmin",
        bzpopmin_command,
        -3,
        WRITE | NOSCRIPT | FAST | BLOCKING,
        1,
        -2,
        1,
        "sorted_set",
        "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
        "5.0.0"
    ),
    cmd!(
        "bzpopmax",
        bzpopmax_command,
        -3,
        WRITE | NOSCRIPT | FAST | BLOCKING,
        1,
        -2,
        1,
        "sorted_set",
        "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.",
        "5.0.0"
    ),
    cmd!(
        "zmpop",
        zmpop_command,
        -4,
        WRITE | MOVABLE_KEYS,
        0,
        0,
        0,
        "sorted_set",
        "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.",
        "7.0.0"
    ),
    cmd!(
        "bzmpop",
        bzmpop_command,
        -5,
        WRITE | BLOCKING | MOVABLE_KEYS,
        0,
        0,
        0,
        "sorted_set",
        "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
        "7.0.0"
    ),
    cmd!(
        "zrandmember",
        zrandmember_command,
        -2,
        READONLY,
        1,
        1,
        1,
        "sorted_set",
        "Returns one or more random members from a sorted set.",
        "6.2.0"
    ),
    cmd!(
        "zunion",
        zunion_command,
        -3,
        READONLY | MOVABLE_KEYS,
        0,
        0,
        0,
        "sorted_set",
        "Returns the union of multiple sorted sets.",
        "6.2.0"
    ),
    cmd!(
        "zinter",
        zinter_command,
        -3,
        READONLY | MOVABLE_KEYS,
        0,
        0,
        0,
        "sorted_set",
        "Returns the intersect of multiple sorted sets.",
        "6.2.0"
    ),
    cmd!(
        "zdiff",
        zdiff_command,
        -3,
        READONLY | MOVABLE_KEYS,
        0,
        0,
        0,
        "sorted_set",
        "Returns the difference between multiple sorted sets.",
        "6.2.0"
    ),
    cmd!(
        "zunionstore",
        zunionstore_command,
        -4,
        WRITE | DENYOOM | MOVABLE_KEYS,
        1,
        1,
        1,
        "sorted_set",
        "Stores the union of multiple sorted sets in a key.",
        "2.0.0"
    ),
    cmd!(
        "zinterstore",
        zinterstore_command,
        -4,
        WRITE | DENYOOM | MOVABLE_KEYS,
        1,
        1,
        1,
        "sorted_set",
        "Stores the intersect of multiple sorted sets in a key.",
        "2.0.0"
    ),
    cmd!(
        "zdiffstore",
        zdiffstore_command,
        -4,
        WRITE | DENYOOM | MOVABLE_KEYS,
        1,
        1,
        1,
        "sorted_set",
        "Stores the difference of multiple sorted sets in a key.",
        "6.2.0"
    ),
    cmd!(
        "zintercard",
        zintercard_command,
        -3,
        READONLY | MOVABLE_KEYS,
        0,
        0,
        0,
        "sorted_set",
        "Returns the number of members of the intersect of multiple sorted sets.",
        "7.0.0"
    ),
    cmd!(
        "zremrangebyrank",
        zremrangebyrank_command,
        4,
        WRITE,
        1,
        1,
        1,
        "sorted_set",
        "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.",
        "2.0.0"
    ),
    cmd!(
        "zremrangebyscore",
        zremrangebyscore_command,
        4,
        WRITE,
        1,
        1,
        1,
        "sorted_set",
        "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.",
        "1.2.0"
    ),
    cmd!(
        "zremrangebylex",
        zremrangebylex_command,
        4,
        WRITE,
        1,
        1,
        1,
        "sorted_set",
        "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.",
        "2.8.9"
    ),
    cmd!(
        "zscan",
        zscan_command,
        -3,
        READONLY,
        1,
        1,
        1,
        "sorted_set",
        "Iterates over members and scores of a sorted set.",
        "2.8.0"
    ),
];

fn limits(srv: &Server) -> (usize, usize) {
    (
        srv.cfg.zset_max_listpack_entries,
        srv.cfg.zset_max_listpack_value,
    )
}

fn eq(a: &[u8], s: &str) -> bool {
    a.eq_ignore_ascii_case(s.as_bytes())
}

/// The sorted set at `key`: Ok(None) when missing, Err after replying
/// WRONGTYPE.
fn zset_mut<'a>(
    srv: &'a mut Server,
    c: &mut Client,
    key: &[u8],
    write: bool,
) -> Result<Option<&'a mut ZSet>, ()> {
    let db = c.db;
    let v = if write {
        srv.lookup_write(db, key)
    } else {
        srv.lookup_read(db, key)
    };
    match v {
        None => Ok(None),
        Some(Value::ZSet(z)) => Ok(Some(z)),
        Some(_) => {
            c.add_error(WRONGTYPE);
            Err(())
        }
    }
}

/// After a write that removed members: drop the key if it emptied, and
/// account for the change.
fn after_remove(srv: &mut Server, db: usize, key: &[u8], changed: usize) {
    if changed == 0 {
        return;
    }
    let empty = matches!(srv.lookup_write(db, key), Some(Value::ZSet(z)) if z.is_empty());
    if empty {
        srv.db_delete(db, key);
    }
    srv.dirty += changed as u64;
    srv.signal_modified_key(db, key);
}

/// Members (with scores when asked): RESP3 nests each pair in a 2-array,
/// RESP2 flattens them.
fn reply_pairs(c: &mut Client, pairs: &[Pair], withscores: bool) {
    if withscores && c.resp() >= 3 {
        c.add_array_len(pairs.len());
        for (m, s) in pairs {
            c.add_array_len(2);
            c.add_bulk(m);
            c.add_double(*s);
        }
    } else if withscores {
        c.add_array_len(pairs.len() * 2);
        for (m, s) in pairs {
            c.add_bulk(m);
            c.add_double(*s);
        }
    } else {
        c.add_array_len(pairs.len());
        for (m, _) in pairs {
            c.add_bulk(m);
        }
    }
}

// ---------------------------------------------------------------- ZADD

/// ZADD's options; GEOADD (geo.rs) sets NX/XX/CH and adds through
/// [`zadd_apply`] as Redis's geoaddCommand calls zaddCommand.
#[derive(Default)]
pub(crate) struct AddFlags {
    pub(crate) nx: bool,
    pub(crate) xx: bool,
    pub(crate) gt: bool,
    pub(crate) lt: bool,
    pub(crate) ch: bool,
    pub(crate) incr: bool,
}

fn zadd_generic(srv: &mut Server, c: &mut Client, a: &Args, mut f: AddFlags) {
    let mut i = 2;
    while i < a.len() {
        let o = &a[i];
        if eq(o, "nx") {
            f.nx = true;
        } else if eq(o, "xx") {
            f.xx = true;
        } else if eq(o, "gt") {
            f.gt = true;
        } else if eq(o, "lt") {
            f.lt = true;
        } else if eq(o, "ch") {
            f.ch = true;
        } else if eq(o, "incr") {
            f.incr = true;
        } else {
            break;
        }
        i += 1;
    }
    let elements = a.len() - i;
    if elements == 0 || elements % 2 == 1 {
        return c.add_error(SYNTAX);
    }
    if f.incr && elements > 2 {
        return c.add_error("ERR INCR option supports a single increment-element pair");
    }
    if f.nx && f.xx {
        return c.add_error("ERR XX and NX options at the same time are not compatible");
    }
    if (f.nx && (f.gt || f.lt)) || (f.gt && f.lt) {
        return c.add_error("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    let mut items: Vec<(f64, &[u8])> = Vec::with_capacity(elements / 2);
    for j in (i..a.len()).step_by(2) {
        let Some(s) = parse_score(&a[j]) else {
            return c.add_error(NOT_FLOAT);
        };
        items.push((s, &a[j + 1]));
    }
    zadd_apply(srv, c, &a[1], items, &f)
}

/// The write half of ZADD: adds or updates `items` (score, member) in the
/// sorted set at `key` per the (already validated) flags, and replies.
pub(crate) fn zadd_apply(
    srv: &mut Server,
    c: &mut Client,
    key: &[u8],
    items: Vec<(f64, &[u8])>,
    f: &AddFlags,
) {
    let db = c.db;
    let (me, mv) = limits(srv);
    match zset_mut(srv, c, key, true) {
        Err(()) => return,
        Ok(None) if f.xx => {
            if f.incr {
                c.add_null();
            } else {
                c.add_int(0);
            }
            return;
        }
        Ok(None) => {
            let maxlen = items.iter().map(|x| x.1.len()).max().unwrap_or(0);
            let z = ZSet::with_hint(items.len(), maxlen, me, mv);
            srv.db_add(db, key, Value::ZSet(Box::new(z)));
        }
        Ok(Some(_)) => {}
    }
    let Some(Value::ZSet(z)) = srv.lookup_write(db, key) else {
        unreachable!()
    };
    let (mut added, mut updated) = (0usize, 0usize);
    let mut incr_result: Option<f64> = None;
    let mut nan = false;
    for (mut score, m) in items {
        match z.score(m) {
            Some(cur) => {
                if f.nx {
                    continue;
                }
                if f.incr {
                    score += cur;
                    if score.is_nan() {
                        nan = true;
                        break;
                    }
                }
                if (f.lt && score >= cur) || (f.gt && score <= cur) {
                    continue;
                }
                incr_result = Some(score);
                if score != cur {
                    z.set(m, score, me, mv);
                    updated += 1;
                }
            }
            None => {
                if f.xx {
                    continue;
                }
                z.set(m, score, me, mv);
                incr_result = Some(score);
                added += 1;
            }
        }
    }
    let empty = z.is_empty();
    if empty {
        // Only possible for a key created above that got nothing (cannot
        // happen without XX, but keep the invariant: no empty sets).
        srv.db_delete(db, key);
    }
    if added + updated > 0 {
        srv.dirty += (added + updated) as u64;
        srv.signal_modified_key(db, key);
    }
    if nan {
        return c.add_error("ERR resulting score is not a number (NaN)");
    }
    if f.incr {
        match incr_result {
            Some(s) => c.add_double(s),
            None => c.add_null(),
        }
    } else {
        c.add_int((if f.ch { added + updated } else { added }) as i64);
    }
}

pub fn zadd_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zadd_generic(srv, c, a, AddFlags::default())
}

/// ZINCRBY key increment member is ZADD key INCR increment member.
pub fn zincrby_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zadd_generic(
        srv,
        c,
        a,
        AddFlags {
            incr: true,
            ..Default::default()
        },
    )
}

pub fn zrem_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let db = c.db;
    let Ok(z) = zset_mut(srv, c, &a[1], true) else {
        return;
    };
    let Some(z) = z else {
        return c.add_int(0);
    };
    let mut n = 0;
    for j in 2..a.len() {
        if z.remove(&a[j]).is_some() {
            n += 1;
            if z.is_empty() {
                break;
            }
        }
    }
    after_remove(srv, db, &a[1], n);
    c.add_int(n as i64);
}

// ---------------------------------------------------------------- reads

pub fn zcard_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if let Ok(z) = zset_mut(srv, c, &a[1], false) {
        let n = z.map_or(0, |z| z.len());
        c.add_int(n as i64);
    }
}

pub fn zcount_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(r) = ScoreRange::parse(&a[2], &a[3]) else {
        return c.add_error(MINMAX_FLOAT);
    };
    if let Ok(z) = zset_mut(srv, c, &a[1], false) {
        let n = z.map_or(0, |z| z.count_in_range(&r));
        c.add_int(n as i64);
    }
}

/// A lexicographic range the way Redis walks a listpack, which matters
/// only when members have different scores (Redis documents the result as
/// unspecified, but it is deterministic): nothing unless the last entry is
/// >= min and the first <= max (zzlIsInLexRange); then forward from the
/// > first entry >= min, skipping `offset` entries unchecked and stopping at
/// > the first one > max (reverse: back from the last entry <= max, stopping
/// > at the first one < min).  The skiplist encoding keeps its own descent,
/// > which is Redis's algorithm too, but there the answer depends on each
/// > node's random level, so it cannot be reproduced exactly.
fn lex_range(z: &ZSet, r: &LexRange, rev: bool, offset: usize, limit: i64) -> Vec<Pair> {
    let ZSet::Listpack(_) = z else {
        return z.range_by_lex(r, rev, offset, limit);
    };
    let all = z.to_vec();
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        return Vec::new();
    };
    if r.is_empty() || !r.gte_min(&last.0) || !r.lte_max(&first.0) {
        return Vec::new();
    }
    let take = usize::try_from(limit).unwrap_or(usize::MAX);
    if rev {
        match all.iter().rposition(|p| r.lte_max(&p.0)) {
            Some(i) if r.gte_min(&all[i].0) => all[..=i]
                .iter()
                .rev()
                .skip(offset)
                .take(take)
                .take_while(|p| r.gte_min(&p.0))
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    } else {
        match all.iter().position(|p| r.gte_min(&p.0)) {
            Some(i) if r.lte_max(&all[i].0) => all[i..]
                .iter()
                .skip(offset)
                .take(take)
                .take_while(|p| r.lte_max(&p.0))
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    }
}

pub fn zlexcount_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(r) = LexRange::parse(&a[2], &a[3]) else {
        return c.add_error(MINMAX_LEX);
    };
    if let Ok(z) = zset_mut(srv, c, &a[1], false) {
        let n = z.map_or(0, |z| match z {
            ZSet::Listpack(_) => lex_range(z, &r, false, 0, -1).len(),
            ZSet::Skiplist(_) => z.count_in_lex_range(&r),
        });
        c.add_int(n as i64);
    }
}

pub fn zscore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if let Ok(z) = zset_mut(srv, c, &a[1], false) {
        match z.and_then(|z| z.score(&a[2])) {
            Some(s) => c.add_double(s),
            None => c.add_null(),
        }
    }
}

pub fn zmscore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if let Ok(z) = zset_mut(srv, c, &a[1], false) {
        let scores: Vec<Option<f64>> = (2..a.len())
            .map(|j| z.as_ref().and_then(|z| z.score(&a[j])))
            .collect();
        c.add_array_len(scores.len());
        for s in scores {
            match s {
                Some(s) => c.add_double(s),
                None => c.add_null(),
            }
        }
    }
}

fn zrank_generic(srv: &mut Server, c: &mut Client, a: &Args, rev: bool) {
    if a.len() > 4 {
        return c.add_error(SYNTAX);
    }
    let withscore = a.len() == 4;
    if withscore && !eq(&a[3], "withscore") {
        return c.add_error(SYNTAX);
    }
    let Ok(z) = zset_mut(srv, c, &a[1], false) else {
        return;
    };
    match z.and_then(|z| z.rank(&a[2], rev)) {
        Some((r, s)) if withscore => {
            c.add_array_len(2);
            c.add_int(r as i64);
            c.add_double(s);
        }
        Some((r, _)) => c.add_int(r as i64),
        None if withscore => c.add_null_array(),
        None => c.add_null(),
    }
}

pub fn zrank_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zrank_generic(srv, c, a, false)
}

pub fn zrevrank_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zrank_generic(srv, c, a, true)
}

// ---------------------------------------------------------------- ZRANGE

#[derive(Clone, Copy, PartialEq)]
enum RangeType {
    Auto,
    Rank,
    Score,
    Lex,
}

/// zrangeGenericCommand: `argstart` is the index of the key; `dst` the
/// ZRANGESTORE destination.
fn zrange_generic(
    srv: &mut Server,
    c: &mut Client,
    a: &Args,
    argstart: usize,
    dst: Option<&[u8]>,
    mut rtype: RangeType,
    mut rev: bool,
) {
    let key = &a[argstart];
    let (mut minidx, mut maxidx) = (argstart + 1, argstart + 2);
    let mut withscores = false;
    let (mut offset, mut limit) = (0i64, -1i64);
    // Only ZRANGE/ZRANGESTORE (called with Auto) take BYSCORE/BYLEX/REV,
    // each once; the fixed-direction forms reject REV as a syntax error.
    let rev_allowed = rtype == RangeType::Auto;
    let mut j = argstart + 3;
    while j < a.len() {
        let left = a.len() - j - 1;
        let o = &a[j];
        if dst.is_none() && eq(o, "withscores") {
            withscores = true;
        } else if eq(o, "limit") && left >= 2 {
            let (Some(off), Some(lim)) = (string2ll(&a[j + 1]), string2ll(&a[j + 2])) else {
                return c.add_error(NOT_INT);
            };
            offset = off;
            limit = lim;
            j += 2;
        } else if rtype == RangeType::Auto && eq(o, "byscore") {
            rtype = RangeType::Score;
        } else if rtype == RangeType::Auto && eq(o, "bylex") {
            rtype = RangeType::Lex;
        } else if rev_allowed && !rev && eq(o, "rev") {
            rev = true;
        } else {
            return c.add_error(SYNTAX);
        }
        j += 1;
    }
    if rtype == RangeType::Auto {
        rtype = RangeType::Rank;
    }
    // Redis tests the parsed count, not the keyword: `LIMIT 5 -1` (count
    // -1, the "no limit" default) passes with a rank range.
    if limit != -1 && rtype == RangeType::Rank {
        return c.add_error(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        );
    }
    if withscores && rtype == RangeType::Lex {
        return c.add_error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    }
    if rev && rtype != RangeType::Rank {
        // The reverse forms take max before min.
        std::mem::swap(&mut minidx, &mut maxidx);
    }
    enum Spec {
        Rank(i64, i64),
        Score(ScoreRange),
        Lex(LexRange),
    }
    let spec = match rtype {
        RangeType::Score => match ScoreRange::parse(&a[minidx], &a[maxidx]) {
            Some(r) => Spec::Score(r),
            None => return c.add_error(MINMAX_FLOAT),
        },
        RangeType::Lex => match LexRange::parse(&a[minidx], &a[maxidx]) {
            Some(r) => Spec::Lex(r),
            None => return c.add_error(MINMAX_LEX),
        },
        _ => match (string2ll(&a[minidx]), string2ll(&a[maxidx])) {
            (Some(s), Some(e)) => Spec::Rank(s, e),
            _ => return c.add_error(NOT_INT),
        },
    };
    let Ok(z) = zset_mut(srv, c, key, false) else {
        return;
    };
    // A rank range, clamped to the set: None when empty.
    let ranks = |z: &ZSet, s: i64, e: i64| {
        let n = z.len() as i64;
        let s = if s < 0 { (s + n).max(0) } else { s };
        let e = if e < 0 { e + n } else { e };
        (s <= e && s < n).then(|| (s as usize, e.min(n - 1) as usize))
    };
    // A rank range being replied is written a chunk at a time, not copied
    // whole first, and stops once the output is discarded (the client went
    // past its output limit).
    if let (None, Some(z), Spec::Rank(s, e)) = (dst, z.as_deref(), &spec) {
        let Some((s, e)) = ranks(z, *s, *e) else {
            return reply_pairs(c, &[], withscores);
        };
        let n = e - s + 1;
        if withscores && c.resp() < 3 {
            c.add_array_len(n * 2);
        } else {
            c.add_array_len(n);
        }
        for start in (s..=e).step_by(1024) {
            if c.reply_discarded() {
                break;
            }
            for p in &z.range_by_rank(start, (start + 1023).min(e), rev) {
                add_rand_pair(c, p, withscores);
            }
        }
        return;
    }
    let pairs = match z {
        None => Vec::new(),
        Some(z) => match &spec {
            Spec::Rank(s, e) => match ranks(z, *s, *e) {
                Some((s, e)) => z.range_by_rank(s, e, rev),
                None => Vec::new(),
            },
            _ if offset < 0 => Vec::new(),
            Spec::Score(r) => z.range_by_score(r, rev, offset as usize, limit),
            Spec::Lex(r) => lex_range(z, r, rev, offset as usize, limit),
        },
    };
    match dst {
        None => reply_pairs(c, &pairs, withscores),
        Some(dst) => {
            let n = pairs.len();
            store_result(srv, c.db, dst, pairs);
            c.add_int(n as i64);
        }
    }
}

/// Writes a STORE command's result: a new sorted set, or no key at all
/// when the result is empty.
fn store_result(srv: &mut Server, db: usize, dst: &[u8], pairs: Vec<Pair>) {
    if pairs.is_empty() {
        if srv.db_delete(db, dst) {
            srv.signal_modified_key(db, dst);
            srv.dirty += 1;
        }
        return;
    }
    let (me, mv) = limits(srv);
    let z = ZSet::from_pairs(pairs, me, mv);
    srv.set_key(db, dst, Value::ZSet(Box::new(z)), false);
    srv.dirty += 1;
}

pub fn zrange_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zrange_generic(srv, c, a, 1, None, RangeType::Auto, false)
}

pub fn zrangestore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let dst = a.get(1);
    zrange_generic(srv, c, a, 2, Some(dst), RangeType::Auto, false)
}

pub fn zrevrange_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zrange_generic(srv, c, a, 1, None, RangeType::Rank, true)
}

pub fn zrangebyscore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zrange_generic(srv, c, a, 1, None, RangeType::Score, false)
}

pub fn zrevrangebyscore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zrange_generic(srv, c, a, 1, None, RangeType::Score, true)
}

pub fn zrangebylex_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zrange_generic(srv, c, a, 1, None, RangeType::Lex, false)
}

pub fn zrevrangebylex_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zrange_generic(srv, c, a, 1, None, RangeType::Lex, true)
}

// ---------------------------------------------------------------- ZREMRANGE

fn zremrange_generic(srv: &mut Server, c: &mut Client, a: &Args, rtype: RangeType) {
    let db = c.db;
    let (mut rank, mut score, mut lex) = ((0, 0), None, None);
    match rtype {
        RangeType::Rank => match (string2ll(&a[2]), string2ll(&a[3])) {
            (Some(s), Some(e)) => rank = (s, e),
            _ => return c.add_error(NOT_INT),
        },
        RangeType::Score => match ScoreRange::parse(&a[2], &a[3]) {
            Some(r) => score = Some(r),
            None => return c.add_error(MINMAX_FLOAT),
        },
        _ => match LexRange::parse(&a[2], &a[3]) {
            Some(r) => lex = Some(r),
            None => return c.add_error(MINMAX_LEX),
        },
    }
    let Ok(z) = zset_mut(srv, c, &a[1], true) else {
        return;
    };
    let Some(z) = z else {
        return c.add_int(0);
    };
    let victims = if let Some(r) = &score {
        z.range_by_score(r, false, 0, -1)
    } else if let Some(r) = &lex {
        lex_range(z, r, false, 0, -1)
    } else {
        let n = z.len() as i64;
        let (mut s, mut e) = rank;
        if s < 0 {
            s += n;
        }
        if e < 0 {
            e += n;
        }
        if s < 0 {
            s = 0;
        }
        if s > e || s >= n {
            Vec::new()
        } else {
            z.range_by_rank(s as usize, e.min(n - 1) as usize, false)
        }
    };
    let n = z.remove_pairs(&victims);
    after_remove(srv, db, &a[1], n);
    c.add_int(n as i64);
}

pub fn zremrangebyrank_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zremrange_generic(srv, c, a, RangeType::Rank)
}

pub fn zremrangebyscore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zremrange_generic(srv, c, a, RangeType::Score)
}

pub fn zremrangebylex_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zremrange_generic(srv, c, a, RangeType::Lex)
}

// ---------------------------------------------------------------- pops

/// Pops up to `count` pairs from the low (or high, `max`) end of `key`;
/// Ok(None) when the key is missing, Err after a WRONGTYPE reply.
fn pop_pairs(
    srv: &mut Server,
    c: &mut Client,
    key: &[u8],
    max: bool,
    count: usize,
) -> Result<Option<Vec<Pair>>, ()> {
    let db = c.db;
    let Some(z) = zset_mut(srv, c, key, true)? else {
        return Ok(None);
    };
    if count == 0 {
        return Ok(Some(Vec::new()));
    }
    let n = z.len();
    let pairs = z.range_by_rank(0, count.min(n) - 1, max);
    let removed = z.remove_pairs(&pairs);
    after_remove(srv, db, key, removed);
    Ok(Some(pairs))
}

fn zpop_generic(srv: &mut Server, c: &mut Client, a: &Args, max: bool) {
    if a.len() > 3 {
        return c.add_error(SYNTAX);
    }
    let count = if a.len() == 3 {
        match string2ll(&a[2]) {
            Some(n) if n >= 0 => Some(n as usize),
            // getPositiveLongFromObjectOrReply: non-integers get this too.
            _ => return c.add_error("ERR value is out of range, must be positive"),
        }
    } else {
        None
    };
    let Ok(pairs) = pop_pairs(srv, c, &a[1], max, count.unwrap_or(1)) else {
        return;
    };
    let pairs = pairs.unwrap_or_default();
    if count.is_some() {
        reply_pairs(c, &pairs, true);
    } else {
        // A single pop is always a flat [member, score].
        c.add_array_len(pairs.len() * 2);
        for (m, s) in &pairs {
            c.add_bulk(m);
            c.add_double(*s);
        }
    }
}

pub fn zpopmin_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zpop_generic(srv, c, a, false)
}

pub fn zpopmax_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zpop_generic(srv, c, a, true)
}

/// On a re-run for a ready key, a key of the waiter's that now holds
/// another type counts as empty instead of failing it with WRONGTYPE:
/// Redis 7.0 serves the waiter from the ready key without looking at it.
fn skip_on_rerun(srv: &mut Server, c: &Client, key: &[u8]) -> bool {
    c.has(cf::UNBLOCKED)
        && srv
            .lookup_write(c.db, key)
            .is_some_and(|v| !matches!(v, Value::ZSet(_)))
}

/// Parses a blocking timeout (seconds, float) into an absolute unix-ms
/// deadline, 0 meaning forever. A re-run blocked command finds the
/// deadline it stored itself as `@<ms>`.
fn parse_timeout(srv: &Server, c: &mut Client, arg: &[u8]) -> Option<i64> {
    if c.has(cf::UNBLOCKED)
        && let Some(ms) = arg.strip_prefix(b"@").and_then(string2ll)
    {
        return Some(ms);
    }
    let ms = crate::cmd::list::timeout_ms(c, arg)?;
    Some(if ms == 0 {
        0
    } else {
        srv.now_ms.saturating_add(ms)
    })
}

/// Blocks `c` on `keys`, remembering the deadline in the re-run argv at
/// `timeout_idx`. Inside MULTI (or a script) a blocking pop never blocks:
/// it answers the null array at once, as Redis does.
fn block_on(
    srv: &mut Server,
    c: &mut Client,
    a: &Args,
    keys: Vec<Vec<u8>>,
    timeout_idx: usize,
    deadline: i64,
) {
    if c.has(cf::MULTI) {
        return c.add_null_array();
    }
    let mut argv = a.to_vecs();
    argv[timeout_idx] = format!("@{deadline}").into_bytes();
    let Some(cmd) = srv.commands.lookup(&a[0]) else {
        return c.add_null_array();
    };
    let db = c.db;
    let st = BlockState {
        btype: BlockType::ZSet,
        keys: keys.into_iter().map(|k| (db, k)).collect(),
        timeout_ms: deadline,
        argv,
        cmd,
        db,
    };
    block_client(srv, c, st);
}

fn bzpop_generic(srv: &mut Server, c: &mut Client, a: &Args, max: bool) {
    let tidx = a.len() - 1;
    let Some(deadline) = parse_timeout(srv, c, &a[tidx]) else {
        return;
    };
    for j in 1..tidx {
        if skip_on_rerun(srv, c, &a[j]) {
            continue;
        }
        match pop_pairs(srv, c, &a[j], max, 1) {
            Err(()) => return,
            Ok(Some(p)) if !p.is_empty() => {
                c.add_array_len(3);
                c.add_bulk(&a[j]);
                c.add_bulk(&p[0].0);
                c.add_double(p[0].1);
                return;
            }
            Ok(_) => {}
        }
    }
    let keys = (1..tidx).map(|j| a[j].to_vec()).collect();
    block_on(srv, c, a, keys, tidx, deadline);
}

pub fn bzpopmin_command(srv: &mut Server, c: &mut Client, a: &Args) {
    bzpop_generic(srv, c, a, false)
}

pub fn bzpopmax_command(srv: &mut Server, c: &mut Client, a: &Args) {
    bzpop_generic(srv, c, a, true)
}

/// ZMPOP/BZMPOP: `first` is the index of numkeys.
/// `timeout_idx` (BZMPOP) is parsed only after the other arguments, as
/// Redis 7.0 does, so their errors take precedence.
fn zmpop_generic(
    srv: &mut Server,
    c: &mut Client,
    a: &Args,
    first: usize,
    timeout_idx: Option<usize>,
) {
    let numkeys = match string2ll(&a[first]) {
        Some(n) if n > 0 => n as usize,
        Some(_) => return c.add_error("ERR numkeys should be greater than 0"),
        None => return c.add_error("ERR numkeys should be greater than 0"),
    };
    if numkeys > a.len() - first - 1 {
        return c.add_error(SYNTAX);
    }
    let wi = first + 1 + numkeys;
    if wi >= a.len() {
        return c.add_error(SYNTAX);
    }
    let max = if eq(&a[wi], "min") {
        false
    } else if eq(&a[wi], "max") {
        true
    } else {
        return c.add_error(SYNTAX);
    };
    let mut count: Option<usize> = None;
    let mut j = wi + 1;
    while j < a.len() {
        if count.is_none() && eq(&a[j], "count") && j + 1 < a.len() {
            match string2ll(&a[j + 1]) {
                Some(n) if n > 0 => count = Some(n as usize),
                _ => return c.add_error("ERR count should be greater than 0"),
            }
            j += 2;
        } else {
            return c.add_error(SYNTAX);
        }
    }
    let deadline = match timeout_idx {
        Some(t) => match parse_timeout(srv, c, &a[t]) {
            Some(d) => Some(d),
            None => return,
        },
        None => None,
    };
    for k in first + 1..wi {
        if skip_on_rerun(srv, c, &a[k]) {
            continue;
        }
        match pop_pairs(srv, c, &a[k], max, count.unwrap_or(1)) {
            Err(()) => return,
            Ok(Some(p)) if !p.is_empty() => {
                c.add_array_len(2);
                c.add_bulk(&a[k]);
                c.add_array_len(p.len());
                for (m, s) in &p {
                    c.add_array_len(2);
                    c.add_bulk(m);
                    c.add_double(*s);
                }
                return;
            }
            Ok(_) => {}
        }
    }
    match deadline {
        None => c.add_null_array(),
        Some(d) => {
            let keys = (first + 1..wi).map(|k| a[k].to_vec()).collect();
            block_on(srv, c, a, keys, 1, d);
        }
    }
}

pub fn zmpop_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zmpop_generic(srv, c, a, 1, None)
}

pub fn bzmpop_command(srv: &mut Server, c: &mut Client, a: &Args) {
    zmpop_generic(srv, c, a, 2, Some(1))
}

// ---------------------------------------------------------------- ZRANDMEMBER

fn xorshift(x: &mut u64) -> u64 {
    if *x == 0 {
        *x = 0x9e37_79b9_7f4a_7c15;
    }
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    x.wrapping_mul(0x2545_f491_4f6c_dd1d)
}

/// Members by rank for ZRANDMEMBER without copying a big set: a listpack
/// (small by construction) is decoded once, a skiplist is read by rank
/// (O(log n) a draw).
enum Ranked<'a> {
    Pairs(Vec<Pair>),
    Skiplist(&'a ZSet),
}

impl Ranked<'_> {
    fn new(z: &ZSet) -> Ranked<'_> {
        match z {
            ZSet::Listpack(_) => Ranked::Pairs(z.to_vec()),
            ZSet::Skiplist(_) => Ranked::Skiplist(z),
        }
    }

    fn len(&self) -> usize {
        match self {
            Ranked::Pairs(v) => v.len(),
            Ranked::Skiplist(z) => z.len(),
        }
    }

    fn at(&self, rank: usize) -> Pair {
        match self {
            Ranked::Pairs(v) => v[rank].clone(),
            Ranked::Skiplist(z) => z.member_at(rank).expect("rank below the set's length"),
        }
    }

    /// Ranks `start..start + n` (clamped) counted from the top, highest
    /// first.
    fn chunk_rev(&self, start: usize, n: usize) -> Vec<Pair> {
        let len = self.len();
        let end = (start + n).min(len);
        match self {
            Ranked::Pairs(v) => v[len - end..len - start].iter().rev().cloned().collect(),
            Ranked::Skiplist(z) => z.range_by_rank(start, end - 1, true),
        }
    }
}

/// One element of a member list (ZRANDMEMBER, ZRANGE): the member, its
/// score when asked for (nested as a pair in RESP3).
fn add_rand_pair(c: &mut Client, (m, s): &Pair, withscores: bool) {
    if withscores && c.resp() >= 3 {
        c.add_array_len(2);
    }
    c.add_bulk(m);
    if withscores {
        c.add_double(*s);
    }
}

fn add_rand_len(c: &mut Client, n: usize, withscores: bool) {
    if withscores && c.resp() < 3 {
        c.add_array_len(n.saturating_mul(2));
    } else {
        c.add_array_len(n);
    }
}

/// ZRANDMEMBER key [count [WITHSCORES]] (zrandmemberWithCountCommand): the
/// cost is bounded by the count, never by a copy of a big set.
pub fn zrandmember_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut count: Option<i64> = None;
    let mut withscores = false;
    if a.len() >= 3 {
        let Some(n) = string2ll(&a[2]) else {
            return c.add_error(NOT_INT);
        };
        // Redis 7.0 accepts -LONG_MAX..LONG_MAX (a LONG_MIN count would
        // otherwise overflow when negated).
        if n == i64::MIN {
            return c.add_error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        if a.len() == 4 && eq(&a[3], "withscores") {
            withscores = true;
            // Redis bounds the doubled reply length.
            if !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&n) {
                return c.add_error("ERR value is out of range");
            }
        } else if a.len() > 3 {
            return c.add_error(SYNTAX);
        }
        count = Some(n);
    }
    let mut rng = srv.rng;
    let Ok(z) = zset_mut(srv, c, &a[1], false) else {
        return;
    };
    let Some(z) = z.as_deref() else {
        return match count {
            None => c.add_null(),
            Some(_) => c.add_array_len(0),
        };
    };
    let z = Ranked::new(z);
    let size = z.len();
    let draw = |rng: &mut u64| (xorshift(rng) % size as u64) as usize;
    match count {
        None => {
            let (m, _) = z.at(draw(&mut rng));
            c.add_bulk(&m);
        }
        Some(0) => c.add_array_len(0),
        // Case 1, a negative count: that many independent draws, repeats
        // allowed, written as drawn (the count may dwarf the set); stop
        // once the output is discarded (the client went past its output
        // limit), as Redis does.
        Some(n) if n < 0 => {
            let draws = n.unsigned_abs();
            add_rand_len(c, usize::try_from(draws).unwrap_or(usize::MAX), withscores);
            for _ in 0..draws {
                if c.reply_discarded() {
                    break;
                }
                add_rand_pair(c, &z.at(draw(&mut rng)), withscores);
            }
        }
        // Case 2: the whole set, from the highest score down as Redis 7.0
        // answers it, read a chunk of ranks at a time.
        Some(n) if n as u64 >= size as u64 => {
            add_rand_len(c, size, withscores);
            for start in (0..size).step_by(1024) {
                if c.reply_discarded() {
                    break;
                }
                for p in &z.chunk_rev(start, 1024) {
                    add_rand_pair(c, p, withscores);
                }
            }
        }
        // Case 3: most of the set: a partial shuffle of its ranks (the cost
        // is O(size), at most 3 times the count).
        Some(n) if (n as usize).saturating_mul(3) > size => {
            let k = n as usize;
            let mut ranks: Vec<usize> = (0..size).collect();
            for i in 0..k {
                let j = i + (xorshift(&mut rng) % (size - i) as u64) as usize;
                ranks.swap(i, j);
            }
            add_rand_len(c, k, withscores);
            for &r in &ranks[..k] {
                add_rand_pair(c, &z.at(r), withscores);
            }
        }
        // Case 4: few out of many: draw ranks until enough distinct ones
        // came up.
        Some(n) => {
            let k = n as usize;
            let mut seen = std::collections::HashSet::with_capacity(k);
            add_rand_len(c, k, withscores);
            while seen.len() < k {
                let r = draw(&mut rng);
                if seen.insert(r) {
                    add_rand_pair(c, &z.at(r), withscores);
                }
            }
        }
    }
    srv.rng = rng;
}

// ---------------------------------------------------------------- set ops

#[derive(Clone, Copy, PartialEq)]
enum SetOp {
    Union,
    Inter,
    Diff,
}

/// The members of a plain set, each with score 1 (how Redis's set-op
/// commands read a set input).
fn set_members(s: &Set) -> Vec<Pair> {
    match s {
        Set::Intset(is) => is
            .iter()
            .map(|v| (v.to_string().into_bytes(), 1.0))
            .collect(),
        Set::Listpack(lp) => lp.iter().map(|v| (v.to_vec(), 1.0)).collect(),
        Set::Table(d) => d.iter().map(|k| (k.to_vec(), 1.0)).collect(),
    }
}

/// One input of a set operation: missing keys are empty; sets count with
/// score 1; anything else is WRONGTYPE (replied, Err).
fn read_input(srv: &mut Server, c: &mut Client, key: &[u8]) -> Result<Vec<Pair>, ()> {
    let db = c.db;
    match srv.lookup_read(db, key) {
        None => Ok(Vec::new()),
        Some(Value::ZSet(z)) => Ok(z.to_vec()),
        Some(Value::Set(s)) => Ok(set_members(s)),
        Some(_) => {
            c.add_error(WRONGTYPE);
            Err(())
        }
    }
}

#[derive(Clone, Copy)]
enum Agg {
    Sum,
    Min,
    Max,
}

fn aggregate(agg: Agg, acc: f64, v: f64) -> f64 {
    match agg {
        Agg::Sum => {
            let r = acc + v;
            // inf + -inf: Redis defines the sum as 0.
            if r.is_nan() { 0.0 } else { r }
        }
        Agg::Min => acc.min(v),
        Agg::Max => acc.max(v),
    }
}

/// zunionInterDiffGenericCommand. `nk` is the index of numkeys; `dst` the
/// STORE destination. (ZINTERCARD has its own walk: zintercard_command.)
fn setop_generic(
    srv: &mut Server,
    c: &mut Client,
    a: &Args,
    nk: usize,
    dst: Option<&[u8]>,
    op: SetOp,
) {
    let Some(numkeys) = string2ll(&a[nk]) else {
        return c.add_error(NOT_INT);
    };
    if numkeys < 1 {
        let name = srv.commands.lookup(&a[0]).map_or_else(
            || String::from_utf8_lossy(&a[0]).to_lowercase(),
            |id| srv.commands.entries[id as usize].fullname.to_string(),
        );
        return c.add_error(&format!(
            "ERR at least 1 input key is needed for '{name}' command"
        ));
    }
    let numkeys = numkeys as usize;
    if numkeys > a.len() - nk - 1 {
        return c.add_error(SYNTAX);
    }
    // Inputs are read (and type-checked) before the options are parsed,
    // so WRONGTYPE wins over a syntax error, as in Redis.
    let mut inputs = Vec::with_capacity(numkeys);
    for k in 0..numkeys {
        let Ok(p) = read_input(srv, c, &a[nk + 1 + k]) else {
            return;
        };
        inputs.push(p);
    }
    let mut weights = vec![1.0f64; numkeys];
    let mut agg = Agg::Sum;
    let mut withscores = false;
    let mut j = nk + 1 + numkeys;
    while j < a.len() {
        let left = a.len() - j - 1;
        let o = &a[j];
        if op != SetOp::Diff && eq(o, "weights") && left >= numkeys {
            for (w, k) in weights.iter_mut().zip(j + 1..) {
                match parse_score(&a[k]) {
                    Some(v) => *w = v,
                    None => return c.add_error("ERR weight value is not a float"),
                }
            }
            j += numkeys + 1;
        } else if op != SetOp::Diff && eq(o, "aggregate") && left >= 1 {
            let v = &a[j + 1];
            agg = if eq(v, "sum") {
                Agg::Sum
            } else if eq(v, "min") {
                Agg::Min
            } else if eq(v, "max") {
                Agg::Max
            } else {
                return c.add_error(SYNTAX);
            };
            j += 2;
        } else if dst.is_none() && eq(o, "withscores") {
            withscores = true;
            j += 1;
        } else {
            return c.add_error(SYNTAX);
        }
    }
    let weigh = |s: f64, w: f64| {
        let v = s * w;
        if v.is_nan() { 0.0 } else { v }
    };
    let mut result: Vec<Pair> = match op {
        SetOp::Union => {
            let mut acc: std::collections::HashMap<Vec<u8>, f64> = std::collections::HashMap::new();
            for (inp, &w) in inputs.into_iter().zip(&weights) {
                for (m, s) in inp {
                    let v = weigh(s, w);
                    acc.entry(m)
                        .and_modify(|x| *x = aggregate(agg, *x, v))
                        .or_insert(v);
                }
            }
            acc.into_iter().collect()
        }
        SetOp::Inter => {
            let maps: Vec<std::collections::HashMap<Vec<u8>, f64>> = inputs[1..]
                .iter()
                .map(|p| p.iter().cloned().collect())
                .collect();
            let mut out = Vec::new();
            'outer: for (m, s) in &inputs[0] {
                let mut v = weigh(*s, weights[0]);
                for (i, mp) in maps.iter().enumerate() {
                    match mp.get(m) {
                        Some(&x) => v = aggregate(agg, v, weigh(x, weights[i + 1])),
                        None => continue 'outer,
                    }
                }
                out.push((m.clone(), v));
            }
            out
        }
        SetOp::Diff => {
            let others: std::collections::HashSet<&[u8]> = inputs[1..]
                .iter()
                .flat_map(|p| p.iter().map(|x| &x.0[..]))
                .collect();
            inputs[0]
                .iter()
                .filter(|p| !others.contains(&p.0[..]))
                .cloned()
                .collect()
        }
    };
    match dst {
        Some(dst) => {
            let n = result.len();
            store_result(srv, c.db, dst, result);
            c.add_int(n as i64);
        }
        None => {
            result.sort_by(|x, y| {
                x.1.partial_cmp(&y.1)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| x.0.cmp(&y.0))
            });
            reply_pairs(c, &result, withscores);
        }
    }
}

pub fn zunion_command(srv: &mut Server, c: &mut Client, a: &Args) {
    setop_generic(srv, c, a, 1, None, SetOp::Union)
}

pub fn zinter_command(srv: &mut Server, c: &mut Client, a: &Args) {
    setop_generic(srv, c, a, 1, None, SetOp::Inter)
}

pub fn zdiff_command(srv: &mut Server, c: &mut Client, a: &Args) {
    setop_generic(srv, c, a, 1, None, SetOp::Diff)
}

pub fn zunionstore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let dst = a.get(1);
    setop_generic(srv, c, a, 2, Some(dst), SetOp::Union)
}

pub fn zinterstore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let dst = a.get(1);
    setop_generic(srv, c, a, 2, Some(dst), SetOp::Inter)
}

pub fn zdiffstore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let dst = a.get(1);
    setop_generic(srv, c, a, 2, Some(dst), SetOp::Diff)
}

/// ZINTERCARD numkeys key [key ...] [LIMIT limit]: the smallest input is
/// walked and each member probed in the others, with nothing copied, and
/// the walk stops at LIMIT (Redis's zinterCardCommand), so the cost is
/// bounded by the limit rather than by the sets' sizes.
pub fn zintercard_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(numkeys) = string2ll(&a[1]) else {
        return c.add_error(NOT_INT);
    };
    if numkeys < 1 {
        return c.add_error("ERR at least 1 input key is needed for 'zintercard' command");
    }
    let numkeys = numkeys as usize;
    if numkeys > a.len() - 2 {
        return c.add_error(SYNTAX);
    }
    // Every key is looked up and type-checked first (WRONGTYPE wins over a
    // syntax error, as in Redis).
    let db = c.db;
    let mut missing = false;
    for k in 2..2 + numkeys {
        match srv.lookup_read(db, &a[k]) {
            None => missing = true,
            Some(Value::ZSet(_) | Value::Set(_)) => {}
            Some(_) => return c.add_error(WRONGTYPE),
        }
    }
    let mut limit = 0usize;
    let mut j = 2 + numkeys;
    while j < a.len() {
        if eq(&a[j], "limit") && j + 1 < a.len() {
            match string2ll(&a[j + 1]) {
                Some(l) if l >= 0 => limit = l as usize,
                _ => return c.add_error("ERR LIMIT can't be negative"),
            }
            j += 2;
        } else {
            return c.add_error(SYNTAX);
        }
    }
    if missing {
        return c.add_int(0);
    }
    let mut inputs: Vec<&Value> = (2..2 + numkeys)
        .filter_map(|k| srv.dbs[db].dict.get(&a[k]).map(|e| &e.val))
        .collect();
    let card = |v: &Value| match v {
        Value::ZSet(z) => z.len(),
        Value::Set(s) => s.len(),
        _ => 0,
    };
    inputs.sort_by_key(|v| card(v));
    let contains = |v: &Value, m: &[u8]| match v {
        Value::ZSet(z) => z.score(m).is_some(),
        Value::Set(s) => s.contains(m),
        _ => false,
    };
    let mut n = 0usize;
    let mut visit = |m: &[u8]| {
        if inputs[1..].iter().all(|v| contains(v, m)) {
            n += 1;
        }
        limit == 0 || n < limit
    };
    match inputs[0] {
        Value::Set(s) => s.for_each_while(visit),
        Value::ZSet(z) => {
            let size = z.len();
            'walk: for start in (0..size).step_by(1024) {
                let end = (start + 1023).min(size - 1);
                for (m, _) in z.range_by_rank(start, end, false) {
                    if !visit(&m) {
                        break 'walk;
                    }
                }
            }
        }
        _ => {}
    }
    c.add_int(n as i64);
}

// ---------------------------------------------------------------- ZSCAN

pub fn zscan_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(cursor) = crate::cmd::hash::parse_scan_cursor(c, &a[2]) else {
        return;
    };
    // Redis looks the key up (empty page / WRONGTYPE) before it parses the
    // options.
    match zset_mut(srv, c, &a[1], false) {
        Err(()) => return,
        Ok(None) => {
            return crate::cmd::hash::add_scan_reply(c, 0, &[]);
        }
        Ok(Some(_)) => {}
    }
    let mut pattern: Option<&[u8]> = None;
    let mut count = 10usize;
    let mut j = 3;
    while j < a.len() {
        if eq(&a[j], "count") && j + 1 < a.len() {
            match string2ll(&a[j + 1]) {
                Some(n) if n >= 1 => count = n as usize,
                Some(_) => return c.add_error(SYNTAX),
                None => return c.add_error(NOT_INT),
            }
            j += 2;
        } else if eq(&a[j], "match") && j + 1 < a.len() {
            let p = a.get(j + 1);
            pattern = if p == b"*" { None } else { Some(p) };
            j += 2;
        } else {
            return c.add_error(SYNTAX);
        }
    }
    let Ok(z) = zset_mut(srv, c, &a[1], false) else {
        return;
    };
    let mut found: Vec<Pair> = Vec::new();
    let mut next = 0u64;
    match z.as_deref() {
        None => {}
        Some(ZSet::Skiplist(z)) => {
            // Like SCAN: several dict slots per call until `count` elements
            // (bounded by 10*count slot visits, as Redis's maxiterations).
            let mut cur = cursor;
            let mut iters = count * 10;
            loop {
                cur = z.scan(cur, |m, s| found.push((m.to_vec(), s)));
                iters -= 1;
                if cur == 0 || found.len() >= count || iters == 0 {
                    break;
                }
            }
            next = cur;
        }
        Some(z) => found = z.to_vec(),
    }
    if let Some(p) = pattern {
        found.retain(|(m, _)| crate::util::glob::glob_match(p, m, false));
    }
    c.add_array_len(2);
    c.add_bulk(next.to_string().as_bytes());
    c.add_array_len(found.len() * 2);
    let mut buf = Vec::with_capacity(32);
    for (m, s) in &found {
        c.add_bulk(m);
        buf.clear();
        format_score(*s, &mut buf);
        c.add_bulk(&buf);
    }
}
