//! Hash commands (t_hash.c).
//!
//! Threads: main thread only, like every command. Representation and
//! conversions live in `types::hash`; this file parses arguments, checks
//! types, replies, deletes emptied hashes and accounts for writes (dirty
//! counter, modified-key signal for WATCH and blocked clients).
//!
//! Not done: HSCAN NOVALUES (7.4), keyspace notifications.

use crate::cmd;
use crate::cmd::string::{SYNTAX, WRONGTYPE};
use crate::cmd::{Command, flags::*};
use crate::db::{Entry, Value};
use crate::ds::sds::string2ll;
use crate::ds::skiplist::{format_score_human, parse_long_double};
use crate::net::client::{Args, Client};
use crate::net::reply::Reply;
use crate::server::Server;
use crate::types::hash::{Hash, HashLimits};
use crate::types::set::rand_u64;

const NOT_INT: &str = "ERR value is not an integer or out of range";

pub const COMMANDS: &[Command] = &[
    cmd!(
        "hset",
        hset_command,
        -4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "hash",
        "Creates or modifies the value of a field in a hash.",
        "2.0.0"
    ),
    cmd!(
        "hmset",
        hset_command,
        -4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "hash",
        "Sets the values of multiple fields.",
        "2.0.0"
    ),
    cmd!(
        "hsetnx",
        hsetnx_command,
        4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "hash",
        "Sets the value of a field in a hash only when the field doesn't exist.",
        "2.0.0"
    ),
    cmd!(
        "hget",
        hget_command,
        3,
        READONLY | FAST,
        1,
        1,
        1,
        "hash",
        "Returns the value of a field in a hash.",
        "2.0.0"
    ),
    cmd!(
        "hmget",
        hmget_command,
        -3,
        READONLY | FAST,
        1,
        1,
        1,
        "hash",
        "Returns the values of all fields in a hash.",
        "2.0.0"
    ),
    cmd!(
        "hdel",
        hdel_command,
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        "hash",
        "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.",
        "2.0.0"
    ),
    cmd!(
        "hlen",
        hlen_command,
        2,
        READONLY | FAST,
        1,
        1,
        1,
        "hash",
        "Returns the number of fields in a hash.",
        "2.0.0"
    ),
    cmd!(
        "hstrlen",
        hstrlen_command,
        3,
        READONLY | FAST,
        1,
        1,
        1,
        "hash",
        "Returns the length of the value of a field.",
        "3.2.0"
    ),
    cmd!(
        "hexists",
        hexists_command,
        3,
        READONLY | FAST,
        1,
        1,
        1,
        "hash",
        "Determines whether a field exists in a hash.",
        "2.0.0"
    ),
    cmd!(
        "hkeys",
        hkeys_command,
        2,
        READONLY,
        1,
        1,
        1,
        "hash",
        "Returns all fields in a hash.",
        "2.0.0"
    ),
    cmd!(
        "hvals",
        hvals_command,
        2,
        READONLY,
        1,
        1,
        1,
        "hash",
        "Returns all values in a hash.",
        "2.0.0"
    ),
    cmd!(
        "hgetall",
        hgetall_command,
        2,
        READONLY,
        1,
        1,
        1,
        "hash",
        "Returns all fields and values in a hash.",
        "2.0.0"
    ),
    cmd!(
        "hincrby",
        hincrby_command,
        4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "hash",
        "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.",
        "2.0.0"
    ),
    cmd!(
        "hincrbyfloat",
        hincrbyfloat_command,
        4,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "hash",
        "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.",
        "2.6.0"
    ),
    cmd!(
        "hrandfield",
        hrandfield_command,
        -2,
        READONLY,
        1,
        1,
        1,
        "hash",
        "Returns one or more random fields from a hash.",
        "6.2.0"
    ),
    cmd!(
        "hscan",
        hscan_command,
        -3,
        READONLY,
        1,
        1,
        1,
        "hash",
        "Iterates over fields and values of a hash.",
        "2.8.0"
    ),
];

/// The hash at `key` for reading: Ok(None) when missing, Err after a
/// WRONGTYPE reply.
fn hash_read<'a>(srv: &'a mut Server, c: &mut Client, key: &[u8]) -> Result<Option<&'a Hash>, ()> {
    match srv.lookup_read(c.db, key) {
        None => Ok(None),
        Some(Value::Hash(h)) => Ok(Some(h)),
        Some(_) => {
            c.add_error(WRONGTYPE);
            Err(())
        }
    }
}

/// hashTypeLookupWriteOrCreate: the hash at `key`, created empty when
/// missing; Err after a WRONGTYPE reply.
fn hash_write<'a>(srv: &'a mut Server, c: &mut Client, key: &[u8]) -> Result<&'a mut Hash, ()> {
    let db = c.db;
    match srv.lookup_write(db, key) {
        Some(Value::Hash(_)) => {}
        Some(_) => {
            c.add_error(WRONGTYPE);
            return Err(());
        }
        None => srv.db_add(db, key, Value::Hash(Box::default())),
    }
    match srv.dbs[db].dict.get_mut(key) {
        Some(Entry {
            val: Value::Hash(h),
            ..
        }) => Ok(h),
        _ => unreachable!("the hash was just found or added"),
    }
}

/// Missing-key-tolerant write lookup (HDEL): Ok(None) when missing.
fn hash_write_existing<'a>(
    srv: &'a mut Server,
    c: &mut Client,
    key: &[u8],
) -> Result<Option<&'a mut Hash>, ()> {
    match srv.lookup_write(c.db, key) {
        None => Ok(None),
        Some(Value::Hash(h)) => Ok(Some(h)),
        Some(_) => {
            c.add_error(WRONGTYPE);
            Err(())
        }
    }
}

/// HSET key f v [f v ...] (integer reply) and HMSET (OK).
pub fn hset_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if a.len() % 2 == 1 {
        let name = if a[0].eq_ignore_ascii_case(b"hmset") {
            "hmset"
        } else {
            "hset"
        };
        c.add_error(&format!(
            "ERR wrong number of arguments for '{name}' command"
        ));
        return;
    }
    let lim = HashLimits::from_cfg(&srv.cfg);
    let Ok(h) = hash_write(srv, c, &a[1]) else {
        return;
    };
    let mut created = 0;
    for i in (2..a.len()).step_by(2) {
        if h.set(&a[i], &a[i + 1], lim) {
            created += 1;
        }
    }
    if a[0].eq_ignore_ascii_case(b"hmset") {
        c.add_ok();
    } else {
        c.add_int(created);
    }
    srv.signal_modified_key(c.db, &a[1]);
    srv.dirty += ((a.len() - 2) / 2) as u64;
}

pub fn hsetnx_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let lim = HashLimits::from_cfg(&srv.cfg);
    let Ok(h) = hash_write(srv, c, &a[1]) else {
        return;
    };
    if h.contains(&a[2]) {
        c.add_int(0);
        return;
    }
    h.set(&a[2], &a[3], lim);
    c.add_int(1);
    srv.signal_modified_key(c.db, &a[1]);
    srv.dirty += 1;
}

pub fn hget_command(srv: &mut Server, c: &mut Client, a: &Args) {
    match hash_read(srv, c, &a[1]) {
        Ok(Some(h)) => match h.get(&a[2]) {
            Some(v) => c.add_bulk(&v),
            None => c.add_null(),
        },
        Ok(None) => c.add_null(),
        Err(()) => {}
    }
}

pub fn hmget_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Ok(h) = hash_read(srv, c, &a[1]) else {
        return;
    };
    c.add_array_len(a.len() - 2);
    for i in 2..a.len() {
        match h.and_then(|h| h.get(&a[i])) {
            Some(v) => c.add_bulk(&v),
            None => c.add_null(),
        }
    }
}

pub fn hdel_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let db = c.db;
    let h = match hash_write_existing(srv, c, &a[1]) {
        Ok(Some(h)) => h,
        Ok(None) => {
            c.add_int(0);
            return;
        }
        Err(()) => return,
    };
    let mut deleted = 0;
    for i in 2..a.len() {
        if h.remove(&a[i]) {
            deleted += 1;
            if h.is_empty() {
                break;
            }
        }
    }
    let emptied = h.is_empty();
    if deleted > 0 {
        if emptied {
            srv.db_delete(db, &a[1]);
        }
        srv.signal_modified_key(db, &a[1]);
        srv.dirty += deleted as u64;
    }
    c.add_int(deleted);
}

pub fn hlen_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if let Ok(h) = hash_read(srv, c, &a[1]) {
        c.add_int(h.map_or(0, |h| h.len()) as i64);
    }
}

pub fn hstrlen_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if let Ok(h) = hash_read(srv, c, &a[1]) {
        c.add_int(h.map_or(0, |h| h.value_len(&a[2])) as i64);
    }
}

pub fn hexists_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if let Ok(h) = hash_read(srv, c, &a[1]) {
        c.add_int(h.is_some_and(|h| h.contains(&a[2])) as i64);
    }
}

/// HKEYS / HVALS / HGETALL (genericHgetallCommand). HGETALL is a map in
/// RESP3; missing keys give an empty collection.
fn getall(srv: &mut Server, c: &mut Client, a: &Args, keys: bool, vals: bool) {
    let Ok(h) = hash_read(srv, c, &a[1]) else {
        return;
    };
    let n = h.map_or(0, |h| h.len());
    if keys && vals {
        c.add_map_len(n);
    } else {
        c.add_array_len(n);
    }
    if let Some(h) = h {
        h.for_each(|f, v| {
            if keys {
                c.add_bulk(f);
            }
            if vals {
                c.add_bulk(v);
            }
        });
    }
}

pub fn hkeys_command(srv: &mut Server, c: &mut Client, a: &Args) {
    getall(srv, c, a, true, false)
}

pub fn hvals_command(srv: &mut Server, c: &mut Client, a: &Args) {
    getall(srv, c, a, false, true)
}

pub fn hgetall_command(srv: &mut Server, c: &mut Client, a: &Args) {
    getall(srv, c, a, true, true)
}

pub fn hincrby_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(incr) = string2ll(&a[3]) else {
        c.add_error(NOT_INT);
        return;
    };
    let lim = HashLimits::from_cfg(&srv.cfg);
    let Ok(h) = hash_write(srv, c, &a[1]) else {
        return;
    };
    let cur = match h.get(&a[2]) {
        Some(v) => match string2ll(&v) {
            Some(x) => x,
            None => {
                c.add_error("ERR hash value is not an integer");
                return;
            }
        },
        None => 0,
    };
    let Some(new) = cur.checked_add(incr) else {
        c.add_error("ERR increment or decrement would overflow");
        return;
    };
    let mut b = itoa::Buffer::new();
    h.set(&a[2], b.format(new).as_bytes(), lim);
    c.add_int(new);
    srv.signal_modified_key(c.db, &a[1]);
    srv.dirty += 1;
}

/// HINCRBYFLOAT. An infinite increment is refused before the key is
/// looked up, so it can never create an empty hash (CVE-2023-28856, fixed
/// in Redis 7.0.11 with the "value is NaN or Infinity" error).
pub fn hincrbyfloat_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(incr) = parse_long_double(&a[3]) else {
        c.add_error("ERR value is not a valid float");
        return;
    };
    if !incr.is_finite() {
        c.add_error("ERR value is NaN or Infinity");
        return;
    }
    let lim = HashLimits::from_cfg(&srv.cfg);
    let Ok(h) = hash_write(srv, c, &a[1]) else {
        return;
    };
    let cur = match h.get(&a[2]) {
        Some(v) => match parse_long_double(&v) {
            Some(x) => x,
            None => {
                c.add_error("ERR hash value is not a float");
                return;
            }
        },
        None => 0.0,
    };
    let new = cur + incr;
    if !new.is_finite() {
        c.add_error("ERR increment would produce NaN or Infinity");
        return;
    }
    let mut out = Vec::with_capacity(32);
    format_score_human(new, &mut out);
    h.set(&a[2], &out, lim);
    c.add_bulk(&out);
    srv.signal_modified_key(c.db, &a[1]);
    srv.dirty += 1;
}

/// HRANDFIELD key [count [WITHVALUES]].
pub fn hrandfield_command(srv: &mut Server, c: &mut Client, a: &Args) {
    // Redis 7.0 parses the count (range -LONG_MAX..LONG_MAX) before it
    // looks at the WITHVALUES argument, and bounds both signs with it.
    let count = if a.len() >= 3 {
        match string2ll(&a[2]) {
            Some(n) if n >= -i64::MAX => Some(n),
            Some(_) => {
                c.add_error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
                return;
            }
            None => {
                c.add_error(NOT_INT);
                return;
            }
        }
    } else {
        None
    };
    if a.len() > 4 || (a.len() == 4 && !a[3].eq_ignore_ascii_case(b"withvalues")) {
        c.add_error(SYNTAX);
        return;
    }
    let withvalues = a.len() == 4;
    if withvalues && count.is_some_and(|n| !(-i64::MAX / 2..=i64::MAX / 2).contains(&n)) {
        c.add_error("ERR value is out of range");
        return;
    }
    let mut rng = srv.rng;
    let res = hash_read(srv, c, &a[1]);
    let Ok(h) = res else { return };
    let Some(count) = count else {
        match h.and_then(|h| h.random_pair(&mut rng)) {
            Some((f, _)) => c.add_bulk(&f),
            None => c.add_null(),
        }
        srv.rng = rng;
        return;
    };
    let nested = withvalues && c.resp() >= 3;
    let add_len = |c: &mut Client, n: usize| {
        c.add_array_len(if withvalues && !nested {
            n.saturating_mul(2)
        } else {
            n
        })
    };
    let add_pair = |c: &mut Client, f: &[u8], v: &[u8]| {
        if nested {
            c.add_array_len(2);
        }
        c.add_bulk(f);
        if withvalues {
            c.add_bulk(v);
        }
    };
    let picked: Vec<(Vec<u8>, Vec<u8>)> = match h {
        None => Vec::new(),
        Some(_) if count == 0 => Vec::new(),
        // Case 1 of hrandfieldWithCountCommand: independent draws, written
        // as drawn (the count may dwarf the hash), until the output is
        // discarded (the client went past its output limit).
        Some(h) if count < 0 => {
            let draws = count.unsigned_abs();
            add_len(c, usize::try_from(draws).unwrap_or(usize::MAX));
            for _ in 0..draws {
                if c.reply_discarded() {
                    break;
                }
                let (f, v) = h
                    .random_pair(&mut rng)
                    .expect("stored hashes are never empty");
                add_pair(c, &f, &v);
            }
            srv.rng = rng;
            return;
        }
        // Case 2: the whole hash.
        Some(h) if count as u64 >= h.len() as u64 => {
            add_len(c, h.len());
            h.for_each(|f, v| add_pair(c, f, v));
            srv.rng = rng;
            return;
        }
        // Case 4: few out of many: draw until enough distinct fields came up.
        Some(h) if (count as u64).saturating_mul(3) < h.len() as u64 => {
            let mut seen = std::collections::HashSet::new();
            let mut out = Vec::with_capacity(count as usize);
            while out.len() < count as usize {
                let Some((f, v)) = h.random_pair(&mut rng) else {
                    break;
                };
                if seen.insert(f.clone()) {
                    out.push((f, v));
                }
            }
            out
        }
        // Case 3: most of the hash (O(size), at most 3 times the count).
        Some(h) => {
            let mut all = h.pairs();
            let want = (count as u64).min(all.len() as u64) as usize;
            // Partial Fisher-Yates: the first `want` slots become a uniform
            // sample without repeats.
            for i in 0..want {
                let j = i + (rand_u64(&mut rng) % (all.len() - i) as u64) as usize;
                all.swap(i, j);
            }
            all.truncate(want);
            all
        }
    };
    srv.rng = rng;
    add_len(c, picked.len());
    for (f, v) in &picked {
        add_pair(c, f, v);
    }
}

/// Parsed `cursor [MATCH pattern] [COUNT n]` of the *SCAN family.
pub struct ScanArgs<'a> {
    pub cursor: u64,
    pub pattern: Option<&'a [u8]>,
    pub count: usize,
}

fn strtoul_cursor(b: &[u8]) -> Option<u64> {
    let b = &b[..b.iter().position(|&x| x == 0).unwrap_or(b.len())];
    if b.is_empty() {
        return Some(0);
    }
    let (neg, digits) = match b[0] {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

/// parseScanCursorOrReply: replies "invalid cursor" on failure. HSCAN /
/// SSCAN / ZSCAN call it before looking the key up, and parse the options
/// only for an existing key of the right type (Redis 7.0 answers
/// `HSCAN missing 0 COUNT abc` with an empty page, not an error).
/// The cursor is read as C `strtoul(.., 10)` reads it: no leading space,
/// an optional sign ("-1" wraps to 2^64-1), "" is cursor 0 (nothing
/// converted, end pointer at the terminator), overflow is an error, and
/// the C string ends at the first NUL.
pub fn parse_scan_cursor(c: &mut Client, cur: &[u8]) -> Option<u64> {
    let cursor = strtoul_cursor(cur);
    if cursor.is_none() {
        c.add_error("ERR invalid cursor");
    }
    cursor
}

/// parseScanCursorOrReply + the option loop of scanGenericCommand, starting
/// at the cursor argument `at`. Replies with the error on failure.
pub fn parse_scan_args<'a>(c: &mut Client, a: &Args<'a>, at: usize) -> Option<ScanArgs<'a>> {
    let cursor = parse_scan_cursor(c, a.get(at))?;
    let mut out = ScanArgs {
        cursor,
        pattern: None,
        count: 10,
    };
    let mut i = at + 1;
    while i < a.len() {
        let opt = a.get(i);
        if i + 1 >= a.len() {
            c.add_error(SYNTAX);
            return None;
        }
        if opt.eq_ignore_ascii_case(b"count") {
            match string2ll(a.get(i + 1)) {
                Some(n) if n >= 1 => out.count = n as usize,
                Some(_) => {
                    c.add_error(SYNTAX);
                    return None;
                }
                None => {
                    c.add_error(NOT_INT);
                    return None;
                }
            }
        } else if opt.eq_ignore_ascii_case(b"match") {
            let p = a.get(i + 1);
            // "*" matches everything: skip the per-element glob.
            out.pattern = if p == b"*" { None } else { Some(p) };
        } else {
            c.add_error(SYNTAX);
            return None;
        }
        i += 2;
    }
    Some(out)
}

/// Emits a SCAN reply: the next cursor, then the collected elements.
pub fn add_scan_reply(c: &mut Client, next: u64, items: &[Vec<u8>]) {
    c.add_array_len(2);
    let mut b = itoa::Buffer::new();
    c.add_bulk(b.format(next).as_bytes());
    c.add_array_len(items.len());
    for it in items {
        c.add_bulk(it);
    }
}

pub fn hscan_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if parse_scan_cursor(c, &a[2]).is_none() {
        return;
    }
    let Ok(h) = hash_read(srv, c, &a[1]) else {
        return;
    };
    let Some(h) = h else {
        add_scan_reply(c, 0, &[]);
        return;
    };
    let Some(sa) = parse_scan_args(c, a, 2) else {
        return;
    };
    let mut items = Vec::new();
    let mut cursor = sa.cursor;
    // Like scanGenericCommand: visit slots until about `count` elements
    // were gathered, bounded to 10*count slots so sparse tables return.
    let mut budget = sa.count.saturating_mul(10);
    // COUNT bounds the elements visited, before MATCH filters them, as in
    // scanGenericCommand.
    let mut visited = 0;
    loop {
        cursor = h.scan(cursor, |f, v| {
            visited += 1;
            if sa
                .pattern
                .is_none_or(|p| crate::util::glob::glob_match(p, f, false))
            {
                items.push(f.to_vec());
                items.push(v.to_vec());
            }
        });
        budget -= 1;
        if cursor == 0 || budget == 0 || visited >= sa.count {
            break;
        }
    }
    add_scan_reply(c, cursor, &items);
}
