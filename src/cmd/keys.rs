//! Keyspace commands (db.c, expire.c, object.c): DEL, EXISTS, TYPE,
//! RENAME, KEYS, SCAN, RANDOMKEY, the EXPIRE and TTL families, PERSIST,
//! TOUCH, COPY, DBSIZE, MOVE, SWAPDB, OBJECT.
//!
//! Threads: main thread only, like every command.
//!
//! Keys moved between names or databases (RENAME, MOVE) move their `Entry`
//! whole, so the value and its access clock survive as in Redis, where the
//! same object is re-linked. COPY deep-clones (`Value::deep_clone`).
//! UNLINK, FLUSHDB and FLUSHALL live in `flush.rs`.

use crate::cmd;
use crate::cmd::{Command, flags::*};
use crate::config::MaxmemoryPolicy;
use crate::db::{Access, Entry};
use crate::net::client::{Args, Client};
use crate::net::reply::Reply;
use crate::server::Server;

pub const COMMANDS: &[Command] = &[
    cmd!(
        "del",
        del_command,
        -2,
        WRITE,
        1,
        -1,
        1,
        "generic",
        "Deletes one or more keys.",
        "1.0.0"
    ),
    cmd!(
        "exists",
        exists_command,
        -2,
        READONLY | FAST,
        1,
        -1,
        1,
        "generic",
        "Determines whether one or more keys exist.",
        "1.0.0"
    ),
    cmd!(
        "type",
        type_command,
        2,
        READONLY | FAST,
        1,
        1,
        1,
        "generic",
        "Determines the type of value stored at a key.",
        "1.0.0"
    ),
    cmd!(
        "rename",
        rename_command,
        3,
        WRITE,
        1,
        2,
        1,
        "generic",
        "Renames a key and overwrites the destination.",
        "1.0.0"
    ),
    cmd!(
        "renamenx",
        renamenx_command,
        3,
        WRITE | FAST,
        1,
        2,
        1,
        "generic",
        "Renames a key only when the target key name doesn't exist.",
        "1.0.0"
    ),
    cmd!(
        "keys",
        keys_command,
        2,
        READONLY,
        0,
        0,
        0,
        "generic",
        "Returns all key names that match a pattern.",
        "1.0.0"
    ),
    cmd!(
        "scan",
        scan_command,
        -2,
        READONLY,
        0,
        0,
        0,
        "generic",
        "Iterates over the key names in the database.",
        "2.8.0"
    ),
    cmd!(
        "randomkey",
        randomkey_command,
        1,
        READONLY,
        0,
        0,
        0,
        "generic",
        "Returns a random key name from the database.",
        "1.0.0"
    ),
    cmd!(
        "expire",
        expire_command,
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        "generic",
        "Sets the expiration time of a key in seconds.",
        "1.0.0"
    ),
    cmd!(
        "pexpire",
        pexpire_command,
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        "generic",
        "Sets the expiration time of a key in milliseconds.",
        "2.6.0"
    ),
    cmd!(
        "expireat",
        expireat_command,
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        "generic",
        "Sets the expiration time of a key to a Unix timestamp.",
        "1.2.0"
    ),
    cmd!(
        "pexpireat",
        pexpireat_command,
        -3,
        WRITE | FAST,
        1,
        1,
        1,
        "generic",
        "Sets the expiration time of a key to a Unix milliseconds timestamp.",
        "2.6.0"
    ),
    cmd!(
        "ttl",
        ttl_command,
        2,
        READONLY | FAST,
        1,
        1,
        1,
        "generic",
        "Returns the expiration time in seconds of a key.",
        "1.0.0"
    ),
    cmd!(
        "pttl",
        pttl_command,
        2,
        READONLY | FAST,
        1,
        1,
        1,
        "generic",
        "Returns the expiration time in milliseconds of a key.",
        "2.6.0"
    ),
    cmd!(
        "expiretime",
        expiretime_command,
        2,
        READONLY | FAST,
        1,
        1,
        1,
        "generic",
        "Returns the expiration time of a key as a Unix timestamp.",
        "7.0.0"
    ),
    cmd!(
        "pexpiretime",
        pexpiretime_command,
        2,
        READONLY | FAST,
        1,
        1,
        1,
        "generic",
        "Returns the expiration time of a key as a Unix milliseconds timestamp.",
        "7.0.0"
    ),
    cmd!(
        "persist",
        persist_command,
        2,
        WRITE | FAST,
        1,
        1,
        1,
        "generic",
        "Removes the expiration time of a key.",
        "2.2.0"
    ),
    cmd!(
        "touch",
        touch_command,
        -2,
        READONLY | FAST,
        1,
        -1,
        1,
        "generic",
        "Returns the number of existing keys out of those specified after updating the time they were last accessed.",
        "3.2.1"
    ),
    cmd!(
        "copy",
        copy_command,
        -3,
        WRITE | DENYOOM,
        1,
        2,
        1,
        "generic",
        "Copies the value of a key to a new key.",
        "6.2.0"
    ),
    cmd!(
        "dbsize",
        dbsize_command,
        1,
        READONLY | FAST,
        0,
        0,
        0,
        "generic",
        "Returns the number of keys in the database.",
        "1.0.0"
    ),
    cmd!(
        "move",
        move_command,
        3,
        WRITE | FAST,
        1,
        1,
        1,
        "generic",
        "Moves a key to another database.",
        "1.0.0"
    ),
    cmd!(
        "swapdb",
        swapdb_command,
        3,
        WRITE | FAST,
        0,
        0,
        0,
        "generic",
        "Swaps two Redis databases.",
        "4.0.0"
    ),
    cmd!(
        "object",
        crate::cmd::container,
        -2,
        0,
        0,
        0,
        0,
        "generic",
        "A container for object introspection commands.",
        "2.2.3",
        subs: OBJECT_SUBS
    ),
];

pub const OBJECT_SUBS: &[Command] = &[
    cmd!(
        "encoding",
        object_encoding_command,
        3,
        READONLY,
        2,
        2,
        1,
        "generic",
        "Returns the internal encoding of a Redis object.",
        "2.2.3"
    ),
    cmd!(
        "freq",
        object_freq_command,
        3,
        READONLY,
        2,
        2,
        1,
        "generic",
        "Returns the logarithmic access frequency counter of a Redis object.",
        "4.0.0"
    ),
    cmd!(
        "idletime",
        object_idletime_command,
        3,
        READONLY,
        2,
        2,
        1,
        "generic",
        "Returns the time since the last access to a Redis object.",
        "2.2.3"
    ),
    cmd!(
        "refcount",
        object_refcount_command,
        3,
        READONLY,
        2,
        2,
        1,
        "generic",
        "Returns the reference count of a value of a key.",
        "2.2.3"
    ),
    cmd!(
        "help",
        object_help_command,
        2,
        LOADING | STALE,
        0,
        0,
        0,
        "generic",
        "Returns helpful text about the different subcommands.",
        "6.2.0"
    ),
];

/// DEL: synchronous unless lazyfree-lazy-user-del.
pub fn del_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let lazy = srv.cfg.lazyfree_lazy_user_del;
    del_generic(srv, c, a, lazy);
}

pub fn del_generic(srv: &mut Server, c: &mut Client, a: &Args, lazy: bool) {
    let mut n = 0;
    for i in 1..a.len() {
        let key = &a[i];
        srv.expire_if_needed(c.db, key);
        if srv.db_delete_with(c.db, key, lazy) {
            srv.signal_modified_key(c.db, key);
            srv.dirty += 1;
            n += 1;
        }
    }
    c.add_int(n);
}

pub fn exists_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut n = 0;
    for i in 1..a.len() {
        if srv
            .lookup(c.db, &a[i], crate::db::Access::NoTouch)
            .is_some()
        {
            n += 1;
        }
    }
    c.add_int(n);
}

const NOT_INT: &str = "ERR value is not an integer or out of range";
const SAME_OBJECT: &str = "ERR source and destination objects are the same";
const DB_RANGE: &str = "ERR DB index is out of range";

/// Adds an entry that must not exist (dbAdd keeping the moved object's
/// access clock).
fn add_entry(srv: &mut crate::server::Server, dbid: usize, key: &[u8], e: Entry) {
    srv.dbs[dbid].dict.insert_new(key.into(), e);
    srv.signal_modified_key(dbid, key);
}

/// Removes a live key with its TTL, returning the entry (no free, no
/// signal: the entry is about to be re-linked elsewhere).
fn take_entry(srv: &mut Server, dbid: usize, key: &[u8]) -> Option<(Entry, Option<i64>)> {
    let db = &mut srv.dbs[dbid];
    let (_, e) = db.dict.remove(key)?;
    let ttl = if db.expires.is_empty() {
        None
    } else {
        db.expires.remove(key).map(|(_, t)| t)
    };
    Some((e, ttl))
}

pub fn type_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let t = match srv.lookup(c.db, &a[1], Access::NoTouch) {
        Some(e) => e.val.type_name(),
        None => "none",
    };
    c.add_status(t.as_bytes());
}

fn rename_generic(srv: &mut Server, c: &mut Client, a: &Args, nx: bool) {
    let db = c.db;
    let (src, dst) = (&a[1], &a[2]);
    if srv.lookup_write(db, src).is_none() {
        c.add_error("ERR no such key");
        return;
    }
    // Renaming a key to itself: nothing moves (Redis answers before
    // touching anything).
    if src == dst {
        if nx {
            c.add_int(0);
        } else {
            c.add_ok();
        }
        return;
    }
    if srv.lookup_write(db, dst).is_some() {
        if nx {
            c.add_int(0);
            return;
        }
        srv.db_delete(db, dst);
    }
    let Some((e, ttl)) = take_entry(srv, db, src) else {
        c.add_error("ERR no such key");
        return;
    };
    add_entry(srv, db, dst, e);
    if let Some(t) = ttl {
        srv.set_expire(db, dst, t);
    }
    srv.signal_modified_key(db, src);
    srv.dirty += 1;
    if nx {
        c.add_int(1);
    } else {
        c.add_ok();
    }
}

pub fn rename_command(srv: &mut Server, c: &mut Client, a: &Args) {
    rename_generic(srv, c, a, false);
}

pub fn renamenx_command(srv: &mut Server, c: &mut Client, a: &Args) {
    rename_generic(srv, c, a, true);
}

/// KEYS pattern: every live key matching. A lone `*` skips the matcher
/// (Redis's allkeys shortcut; it also matches the empty key).
pub fn keys_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let pat = &a[1];
    let all = pat == b"*";
    let now = srv.now_ms;
    let db = &srv.dbs[c.db];
    let mut out = crate::net::reply::ReplyBuf::new(c.resp);
    let mut n = 0;
    for (k, _) in db.dict.iter() {
        if (all || crate::util::glob::glob_match(pat, k, false)) && !db.is_expired(k, now) {
            out.add_bulk(k);
            n += 1;
            // The reply is built aside (its length comes first): stop once
            // it could not be delivered anyway.
            if n % 1024 == 0 && c.output_would_exceed(out.buf.len()) {
                return;
            }
        }
    }
    c.add_array_len(n);
    c.add_raw(&out.buf);
}

/// SCAN cursor [MATCH pattern] [COUNT n] [TYPE type]: the dict's
/// reverse-binary cursor, so every key present for the whole iteration is
/// returned at least once even across resizes.
pub fn scan_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(cursor) = crate::cmd::hash::parse_scan_cursor(c, &a[1]) else {
        return;
    };
    let mut pat: Option<&[u8]> = None;
    let mut count: i64 = 10;
    let mut typ: Option<&[u8]> = None;
    let mut i = 2;
    while i < a.len() {
        let opt = &a[i];
        let more = i + 1 < a.len();
        if opt.eq_ignore_ascii_case(b"count") && more {
            let Some(v) = crate::ds::sds::string2ll(&a[i + 1]) else {
                c.add_error(NOT_INT);
                return;
            };
            if v < 1 {
                c.add_error(crate::cmd::string::SYNTAX);
                return;
            }
            count = v;
        } else if opt.eq_ignore_ascii_case(b"match") && more {
            let p = a.get(i + 1);
            // `*` matches everything: skip the matcher (as Redis does).
            pat = if p == b"*" { None } else { Some(p) };
        } else if opt.eq_ignore_ascii_case(b"type") && more {
            typ = Some(a.get(i + 1));
        } else {
            c.add_error(crate::cmd::string::SYNTAX);
            return;
        }
        i += 2;
    }
    let db = &srv.dbs[c.db];
    let mut keys: Vec<Box<[u8]>> = Vec::new();
    let mut cur = cursor;
    // Visit buckets until `count` keys were seen or 10*count buckets were
    // walked (sparse tables), as Redis bounds the work of one call.
    let mut budget = count.saturating_mul(10);
    loop {
        cur = db.dict.scan(cur, |k, _| keys.push(k.clone()));
        budget -= 1;
        if cur == 0 || budget <= 0 || keys.len() as i64 >= count {
            break;
        }
    }
    let now = srv.now_ms;
    keys.retain(|k| {
        if pat.is_some_and(|p| !crate::util::glob::glob_match(p, k, false)) {
            return false;
        }
        if let Some(t) = typ {
            match db.dict.get(k) {
                Some(e) if t.eq_ignore_ascii_case(e.val.type_name().as_bytes()) => {}
                _ => return false,
            }
        }
        true
    });
    // Expired keys are dropped from the reply and deleted, as Redis's scan
    // does through expireIfNeeded.
    if keys.iter().any(|k| db.is_expired(k, now)) {
        let dbid = c.db;
        keys.retain(|k| !srv.expire_if_needed(dbid, k));
    }
    c.add_array_len(2);
    c.add_bulk_int(cur as i64);
    c.add_array_len(keys.len());
    for k in &keys {
        c.add_bulk(k);
    }
}

/// RANDOMKEY: a random live key; expired ones met on the way are deleted.
pub fn randomkey_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    let db = c.db;
    loop {
        let mut rng = srv.rng;
        let key: Option<Box<[u8]>> = srv.dbs[db]
            .dict
            .random_entry(&mut rng)
            .map(|(k, _)| k.clone());
        srv.rng = rng;
        let Some(key) = key else {
            c.add_null();
            return;
        };
        // Each round either returns or deletes a key, so this ends.
        if !srv.expire_if_needed(db, &key) {
            c.add_bulk(&key);
            return;
        }
    }
}

const EXPIRE_NX: u8 = 1;
const EXPIRE_XX: u8 = 2;
const EXPIRE_GT: u8 = 4;
const EXPIRE_LT: u8 = 8;

/// expireGenericCommand: `base_ms` is now for relative forms, 0 for the
/// absolute ones; `unit_ms` 1000 for seconds.
fn expire_generic(
    srv: &mut Server,
    c: &mut Client,
    a: &Args,
    base_ms: i64,
    unit_ms: i64,
    name: &str,
) {
    let mut fl = 0u8;
    for i in 3..a.len() {
        let o = &a[i];
        if o.eq_ignore_ascii_case(b"nx") {
            fl |= EXPIRE_NX;
        } else if o.eq_ignore_ascii_case(b"xx") {
            fl |= EXPIRE_XX;
        } else if o.eq_ignore_ascii_case(b"gt") {
            fl |= EXPIRE_GT;
        } else if o.eq_ignore_ascii_case(b"lt") {
            fl |= EXPIRE_LT;
        } else {
            c.add_error_parts(&[b"ERR Unsupported option ", o]);
            return;
        }
    }
    if fl & EXPIRE_NX != 0 && fl & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT) != 0 {
        c.add_error("ERR NX and XX, GT or LT options at the same time are not compatible");
        return;
    }
    if fl & EXPIRE_GT != 0 && fl & EXPIRE_LT != 0 {
        c.add_error("ERR GT and LT options at the same time are not compatible");
        return;
    }
    let Some(v) = crate::ds::sds::string2ll(&a[2]) else {
        c.add_error(NOT_INT);
        return;
    };
    // Negative times are allowed (they delete); only overflow is an error.
    let Some(when) = v.checked_mul(unit_ms).and_then(|w| w.checked_add(base_ms)) else {
        c.add_error(&format!("ERR invalid expire time in '{name}' command"));
        return;
    };
    let db = c.db;
    let key = &a[1];
    if srv.lookup_write(db, key).is_none() {
        c.add_int(0);
        return;
    }
    if fl != 0 {
        let cur = srv.get_expire(db, key);
        let refuse = (fl & EXPIRE_NX != 0 && cur.is_some())
            || (fl & EXPIRE_XX != 0 && cur.is_none())
            // No TTL counts as infinite: GT never beats it, LT always does.
            || (fl & EXPIRE_GT != 0 && cur.is_none_or(|t| when <= t))
            || (fl & EXPIRE_LT != 0 && cur.is_some_and(|t| when >= t));
        if refuse {
            c.add_int(0);
            return;
        }
    }
    if when <= srv.now_ms {
        // Already in the past: the key is deleted (a DEL, not an expiry).
        srv.db_delete_with(db, key, srv.cfg.lazyfree_lazy_expire);
    } else {
        srv.set_expire(db, key, when);
    }
    srv.signal_modified_key(db, key);
    srv.dirty += 1;
    c.add_int(1);
}

pub fn expire_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let now = srv.now_ms;
    expire_generic(srv, c, a, now, 1000, "expire");
}

pub fn pexpire_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let now = srv.now_ms;
    expire_generic(srv, c, a, now, 1, "pexpire");
}

pub fn expireat_command(srv: &mut Server, c: &mut Client, a: &Args) {
    expire_generic(srv, c, a, 0, 1000, "expireat");
}

pub fn pexpireat_command(srv: &mut Server, c: &mut Client, a: &Args) {
    expire_generic(srv, c, a, 0, 1, "pexpireat");
}

/// ttlGenericCommand: -2 missing, -1 no TTL; times are clamped at 0.
fn ttl_generic(srv: &mut Server, c: &mut Client, a: &Args, ms: bool, abs: bool) {
    let db = c.db;
    if srv.lookup(db, &a[1], Access::NoTouch).is_none() {
        c.add_int(-2);
        return;
    }
    let Some(t) = srv.get_expire(db, &a[1]) else {
        c.add_int(-1);
        return;
    };
    // Seconds are rounded for both forms, as ttlGenericCommand does.
    let v = if abs { t } else { t - srv.now_ms }.max(0);
    let v = if ms { v } else { (v + 500) / 1000 };
    c.add_int(v);
}

pub fn ttl_command(srv: &mut Server, c: &mut Client, a: &Args) {
    ttl_generic(srv, c, a, false, false);
}

pub fn pttl_command(srv: &mut Server, c: &mut Client, a: &Args) {
    ttl_generic(srv, c, a, true, false);
}

pub fn expiretime_command(srv: &mut Server, c: &mut Client, a: &Args) {
    ttl_generic(srv, c, a, false, true);
}

pub fn pexpiretime_command(srv: &mut Server, c: &mut Client, a: &Args) {
    ttl_generic(srv, c, a, true, true);
}

pub fn persist_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let db = c.db;
    if srv.lookup_write(db, &a[1]).is_some() && srv.remove_expire(db, &a[1]) {
        srv.signal_modified_key(db, &a[1]);
        srv.dirty += 1;
        c.add_int(1);
    } else {
        c.add_int(0);
    }
}

/// TOUCH: a read lookup per key (refreshes the access clock).
pub fn touch_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut n = 0;
    for i in 1..a.len() {
        if srv.lookup_read(c.db, &a[i]).is_some() {
            n += 1;
        }
    }
    c.add_int(n);
}

/// A database index argument (getIntFromObjectOrReply + selectDb).
fn parse_db(srv: &Server, c: &mut Client, b: &[u8]) -> Option<usize> {
    match crate::ds::sds::string2ll(b) {
        Some(v) if v >= i32::MIN as i64 && v <= i32::MAX as i64 => {
            if v < 0 || v as usize >= srv.dbs.len() {
                c.add_error(DB_RANGE);
                None
            } else {
                Some(v as usize)
            }
        }
        _ => {
            c.add_error(NOT_INT);
            None
        }
    }
}

/// COPY source destination [DB n] [REPLACE].
pub fn copy_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut replace = false;
    let mut dst_db = c.db;
    let mut i = 3;
    while i < a.len() {
        if a[i].eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if a[i].eq_ignore_ascii_case(b"db") && i + 1 < a.len() {
            // Redis parses the number here and range-checks it after.
            let Some(v) = crate::ds::sds::string2ll(&a[i + 1])
                .filter(|v| *v >= i32::MIN as i64 && *v <= i32::MAX as i64)
            else {
                c.add_error(NOT_INT);
                return;
            };
            dst_db = if v < 0 { usize::MAX } else { v as usize };
            // Redis selects the db as each DB option is parsed, so a bad
            // index fails before later options are looked at.
            if dst_db >= srv.dbs.len() {
                c.add_error(DB_RANGE);
                return;
            }
            i += 1;
        } else {
            c.add_error(crate::cmd::string::SYNTAX);
            return;
        }
        i += 1;
    }
    if dst_db >= srv.dbs.len() {
        c.add_error(DB_RANGE);
        return;
    }
    let (src_db, src, dst) = (c.db, &a[1], &a[2]);
    if src_db == dst_db && src == dst {
        c.add_error(SAME_OBJECT);
        return;
    }
    let Some(val) = srv.lookup_write(src_db, src).map(|v| v.deep_clone()) else {
        c.add_int(0);
        return;
    };
    let ttl = srv.get_expire(src_db, src);
    if srv.lookup_write(dst_db, dst).is_some() {
        if !replace {
            c.add_int(0);
            return;
        }
        srv.db_delete(dst_db, dst);
    }
    srv.db_add(dst_db, dst, val);
    if let Some(t) = ttl {
        srv.set_expire(dst_db, dst, t);
    }
    srv.dirty += 1;
    c.add_int(1);
}

pub fn dbsize_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    c.add_int(srv.dbs[c.db].len() as i64);
}

/// MOVE key db: 1 when moved, 0 when missing here or present there.
pub fn move_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(dst_db) = parse_db(srv, c, &a[2]) else {
        return;
    };
    let (src_db, key) = (c.db, &a[1]);
    if src_db == dst_db {
        c.add_error(SAME_OBJECT);
        return;
    }
    if srv.lookup_write(src_db, key).is_none() || srv.lookup_write(dst_db, key).is_some() {
        c.add_int(0);
        return;
    }
    let Some((e, ttl)) = take_entry(srv, src_db, key) else {
        c.add_int(0);
        return;
    };
    add_entry(srv, dst_db, key, e);
    if let Some(t) = ttl {
        srv.set_expire(dst_db, key, t);
    }
    srv.signal_modified_key(src_db, key);
    srv.dirty += 1;
    c.add_int(1);
}

/// SWAPDB a b: the databases' contents trade places (ids stay). Watchers
/// of keys present in either db are invalidated (an expired key counts as
/// absent, see multi::touch_all_watched_keys_in_db), and clients blocked
/// on keys that now exist are woken (scanDatabaseForReadyKeys).
pub fn swapdb_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let parse = |b: &[u8]| {
        crate::ds::sds::string2ll(b).filter(|v| *v >= i32::MIN as i64 && *v <= i32::MAX as i64)
    };
    let Some(x) = parse(&a[1]) else {
        c.add_error("ERR invalid first DB index");
        return;
    };
    let Some(y) = parse(&a[2]) else {
        c.add_error("ERR invalid second DB index");
        return;
    };
    let n = srv.dbs.len() as i64;
    if x < 0 || x >= n || y < 0 || y >= n {
        c.add_error(DB_RANGE);
        return;
    }
    let (x, y) = (x as usize, y as usize);
    if x != y {
        // touchAllWatchedKeysInDb both ways, before the swap: a watched key
        // of either db is touched when it exists in either (its value may
        // have changed).
        if !srv.watched_keys.is_empty() {
            crate::cmd::multi::touch_all_watched_keys_in_db(srv, x, Some(y));
            crate::cmd::multi::touch_all_watched_keys_in_db(srv, y, Some(x));
        }
        let (lo, hi) = (x.min(y), x.max(y));
        let (l, r) = srv.dbs.split_at_mut(hi);
        let (d1, d2) = (&mut l[lo], &mut r[0]);
        std::mem::swap(&mut d1.dict, &mut d2.dict);
        std::mem::swap(&mut d1.expires, &mut d2.expires);
        std::mem::swap(&mut d1.expires_cursor, &mut d2.expires_cursor);
        std::mem::swap(&mut d1.avg_ttl, &mut d2.avg_ttl);
        if srv.blocked.has_waiters() {
            let ready: Vec<(usize, Box<[u8]>)> = srv
                .blocked
                .waiters
                .keys()
                .filter(|(d, k)| (*d == x || *d == y) && srv.dbs[*d].dict.contains_key(k))
                .cloned()
                .collect();
            for (d, k) in ready {
                crate::blocked::signal_key_as_ready(srv, d, &k);
            }
        }
    }
    srv.dirty += 1;
    c.add_ok();
}

/// OBJECT's key lookup: no access-clock touch; nil when missing.
fn object_lookup<'a>(srv: &'a mut Server, c: &mut Client, key: &[u8]) -> Option<&'a mut Entry> {
    let e = srv.lookup(c.db, key, Access::NoTouch);
    if e.is_none() {
        c.add_null();
    }
    e
}

fn lfu_policy(p: MaxmemoryPolicy) -> bool {
    matches!(
        p,
        MaxmemoryPolicy::AllkeysLfu | MaxmemoryPolicy::VolatileLfu
    )
}

fn lru_policy(p: MaxmemoryPolicy) -> bool {
    matches!(
        p,
        MaxmemoryPolicy::AllkeysLru | MaxmemoryPolicy::VolatileLru
    )
}

pub fn object_encoding_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if let Some(e) = object_lookup(srv, c, &a[2]) {
        let enc = e.val.encoding();
        c.add_bulk(enc.as_bytes());
    }
}

/// OBJ_SHARED_REFCOUNT: how Redis reports its shared small integers.
const SHARED_REFCOUNT: i64 = i32::MAX as i64;
/// OBJ_SHARED_INTEGERS.
const SHARED_INTEGERS: i64 = 10000;

/// OBJECT REFCOUNT: ferrodis shares nothing, so 1 -- except that Redis
/// stores small non-negative integers as shared objects (unless an LRU/LFU
/// policy with a maxmemory limit needs per-key clocks), and reports those
/// as OBJ_SHARED_REFCOUNT; we answer the same for the same values.
pub fn object_refcount_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let policy = srv.cfg.maxmemory_policy;
    let sharing = srv.cfg.maxmemory == 0 || !(lru_policy(policy) || lfu_policy(policy));
    if let Some(e) = object_lookup(srv, c, &a[2]) {
        let shared = matches!(e.val, crate::db::Value::Str(crate::db::Str::Int(v)) if (0..SHARED_INTEGERS).contains(&v));
        c.add_int(if shared && sharing {
            SHARED_REFCOUNT
        } else {
            1
        });
    }
}

/// OBJECT IDLETIME: seconds since the entry's access clock, with the 24-bit
/// clock's wrap-around (estimateObjectIdleTime).
pub fn object_idletime_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if lfu_policy(srv.cfg.maxmemory_policy) {
        c.add_error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        return;
    }
    let now = srv.lruclock;
    if let Some(e) = object_lookup(srv, c, &a[2]) {
        let idle = if now >= e.lru {
            now - e.lru
        } else {
            now + (crate::server::LRU_CLOCK_MAX - e.lru)
        };
        c.add_int(idle as i64);
    }
}

/// LFU_INIT_VAL: the counter a new key starts with.
const LFU_INIT_VAL: i64 = 5;

/// OBJECT FREQ: only under an LFU policy (exact Redis error otherwise).
/// ferrodis keeps no per-key logarithmic counter (the entry holds only an
/// access clock), so the reply is the starting counter decayed by one per
/// `lfu-decay-time` minutes since the last access, as LFUDecrAndReturn
/// decays it; increments from repeated accesses are not tracked.
pub fn object_freq_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if !lfu_policy(srv.cfg.maxmemory_policy) {
        c.add_error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
        return;
    }
    let now = srv.lruclock;
    let decay = srv.cfg.lfu_decay_time as i64;
    if let Some(e) = object_lookup(srv, c, &a[2]) {
        let idle_s = if now >= e.lru {
            now - e.lru
        } else {
            now + (crate::server::LRU_CLOCK_MAX - e.lru)
        } as i64;
        let periods = if decay > 0 { idle_s / 60 / decay } else { 0 };
        c.add_int((LFU_INIT_VAL - periods).max(0));
    }
}

pub fn object_help_command(_srv: &mut Server, c: &mut Client, _a: &Args) {
    const HELP: &[&str] = &[
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Print this help.",
    ];
    c.add_array_len(HELP.len());
    for l in HELP {
        c.add_status(l.as_bytes());
    }
}
