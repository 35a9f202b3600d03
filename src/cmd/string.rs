//! String commands (t_string.c).

use crate::cmd;
use crate::cmd::{Command, flags::*};
use crate::db::{Str, Value};
use crate::net::client::{Args, Client};
use crate::net::reply::Reply;
use crate::server::Server;

pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
pub const SYNTAX: &str = "ERR syntax error";

pub const COMMANDS: &[Command] = &[
    cmd!(
        "get",
        get_command,
        2,
        READONLY | FAST,
        1,
        1,
        1,
        "string",
        "Returns the string value of a key.",
        "1.0.0"
    ),
    cmd!(
        "set",
        set_command,
        -3,
        WRITE | DENYOOM,
        1,
        1,
        1,
        "string",
        "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
        "1.0.0"
    ),
    cmd!(
        "setnx",
        setnx_command,
        3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "string",
        "Set the string value of a key only when the key doesn't exist.",
        "1.0.0"
    ),
    cmd!(
        "setex",
        setex_command,
        4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        "string",
        "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
        "2.0.0"
    ),
    cmd!(
        "psetex",
        psetex_command,
        4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        "string",
        "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.",
        "2.6.0"
    ),
    cmd!(
        "getset",
        getset_command,
        3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "string",
        "Returns the previous string value of a key after setting it to a new value.",
        "1.0.0"
    ),
    cmd!(
        "getdel",
        getdel_command,
        2,
        WRITE | FAST,
        1,
        1,
        1,
        "string",
        "Returns the string value of a key after deleting the key.",
        "6.2.0"
    ),
    cmd!(
        "getex",
        getex_command,
        -2,
        WRITE | FAST,
        1,
        1,
        1,
        "string",
        "Returns the string value of a key after setting its expiration time.",
        "6.2.0"
    ),
    cmd!(
        "mget",
        mget_command,
        -2,
        READONLY | FAST,
        1,
        -1,
        1,
        "string",
        "Atomically returns the string values of one or more keys.",
        "1.0.0"
    ),
    cmd!(
        "mset",
        mset_command,
        -3,
        WRITE | DENYOOM,
        1,
        -1,
        2,
        "string",
        "Atomically creates or modifies the string values of one or more keys.",
        "1.0.1"
    ),
    cmd!(
        "msetnx",
        msetnx_command,
        -3,
        WRITE | DENYOOM,
        1,
        -1,
        2,
        "string",
        "Atomically modifies the string values of one or more keys only when all keys don't exist.",
        "1.0.1"
    ),
    cmd!(
        "append",
        append_command,
        3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "string",
        "Appends a string to the value of a key. Creates the key if it doesn't exist.",
        "2.0.0"
    ),
    cmd!(
        "strlen",
        strlen_command,
        2,
        READONLY | FAST,
        1,
        1,
        1,
        "string",
        "Returns the length of a string value.",
        "2.2.0"
    ),
    cmd!(
        "incr",
        incr_command,
        2,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "string",
        "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
        "1.0.0"
    ),
    cmd!(
        "decr",
        decr_command,
        2,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "string",
        "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
        "1.0.0"
    ),
    cmd!(
        "incrby",
        incrby_command,
        3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "string",
        "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
        "1.0.0"
    ),
    cmd!(
        "decrby",
        decrby_command,
        3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "string",
        "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
        "1.0.0"
    ),
    cmd!(
        "incrbyfloat",
        incrbyfloat_command,
        3,
        WRITE | DENYOOM | FAST,
        1,
        1,
        1,
        "string",
        "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
        "2.6.0"
    ),
    cmd!(
        "getrange",
        getrange_command,
        4,
        READONLY,
        1,
        1,
        1,
        "string",
        "Returns a substring of the string stored at a key.",
        "2.4.0"
    ),
    cmd!(
        "substr",
        getrange_command,
        4,
        READONLY,
        1,
        1,
        1,
        "string",
        "Returns a substring from a string value.",
        "1.0.0"
    ),
    cmd!(
        "setrange",
        setrange_command,
        4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        "string",
        "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
        "2.2.0"
    ),
    cmd!(
        "lcs",
        lcs_command,
        -3,
        READONLY,
        1,
        2,
        1,
        "string",
        "Finds the longest common substring.",
        "7.0.0"
    ),
];

/// GET: the string at key, nil, or WRONGTYPE.
pub fn get_command(srv: &mut Server, c: &mut Client, a: &Args) {
    match srv.lookup_read(c.db, &a[1]) {
        None => c.add_null(),
        Some(Value::Str(s)) => {
            let mut t = itoa::Buffer::new();
            c.add_bulk(s.bytes(&mut t));
        }
        Some(_) => c.add_error(WRONGTYPE),
    }
}

#[derive(Default)]
struct SetOpts {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    /// EX/PX/EXAT/PXAT as given; validated by `expire_at_or_reply`.
    expire: Option<ExpireArg>,
}

/// An EX/PX/EXAT/PXAT option. Redis checks the time only after every
/// option parsed (so a syntax error later on wins over a bad time), and
/// GETEX only once the key was found to be a string.
#[derive(Clone, Copy, PartialEq)]
struct ExpireArg {
    /// Index of the time argument.
    idx: usize,
    /// EX/EXAT: seconds; PX/PXAT: milliseconds.
    secs: bool,
    /// EX/PX: relative to now.
    rel: bool,
}

/// Parses SET's (from index 3) or GETEX's (from index 2) options, with
/// the exclusions of Redis's parseExtendedStringArgumentsOrReply: NX/XX,
/// GET and KEEPTTL are SET's, PERSIST is GETEX's; an expire option
/// excludes KEEPTTL, PERSIST and the *other* expire options (the same one
/// repeated is accepted, the last time wins).
fn parse_ext_opts(c: &mut Client, a: &Args, getex: bool) -> Option<SetOpts> {
    let mut o = SetOpts::default();
    let mut i = if getex { 2 } else { 3 };
    while i < a.len() {
        let opt = &a[i];
        let u = |s: &str| opt.eq_ignore_ascii_case(s.as_bytes());
        let kind = if u("ex") {
            Some((true, true))
        } else if u("px") {
            Some((false, true))
        } else if u("exat") {
            Some((true, false))
        } else if u("pxat") {
            Some((false, false))
        } else {
            None
        };
        if u("nx") && !o.xx && !getex {
            o.nx = true;
        } else if u("xx") && !o.nx && !getex {
            o.xx = true;
        } else if u("get") && !getex {
            o.get = true;
        } else if u("keepttl") && !o.persist && o.expire.is_none() && !getex {
            o.keepttl = true;
        } else if u("persist") && o.expire.is_none() && !o.keepttl && getex {
            o.persist = true;
        } else if let Some((secs, rel)) = kind
            && !o.keepttl
            && !o.persist
            && o.expire.is_none_or(|e| (e.secs, e.rel) == (secs, rel))
            && i + 1 < a.len()
        {
            o.expire = Some(ExpireArg {
                idx: i + 1,
                secs,
                rel,
            });
            i += 1;
        } else {
            c.add_error(SYNTAX);
            return None;
        }
        i += 1;
    }
    Some(o)
}

/// getExpireMillisecondsOrReply: the absolute unix-ms time of an expire
/// option, or the error reply (`cmd` names the command in it).
fn expire_at_or_reply(
    now_ms: i64,
    c: &mut Client,
    a: &Args,
    e: ExpireArg,
    cmd: &str,
) -> Option<i64> {
    let Some(v) = crate::ds::sds::string2ll(&a[e.idx]) else {
        c.add_error(NOT_INT);
        return None;
    };
    let ms = if v <= 0 || (e.secs && v > i64::MAX / 1000) {
        None
    } else if e.secs {
        Some(v * 1000)
    } else {
        Some(v)
    };
    let at = ms.and_then(|ms| {
        if e.rel {
            now_ms.checked_add(ms)
        } else {
            Some(ms)
        }
    });
    if at.is_none() {
        c.add_error(&format!("ERR invalid expire time in '{cmd}' command"));
    }
    at
}

/// SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT t|KEEPTTL].
pub fn set_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let o = if a.len() > 3 {
        match parse_ext_opts(c, a, false) {
            Some(o) => o,
            None => return,
        }
    } else {
        SetOpts::default()
    };
    // setGenericCommand validates the time before anything else.
    let expire_at = match o.expire {
        Some(e) => match expire_at_or_reply(srv.now_ms, c, a, e, "set") {
            Some(t) => Some(t),
            None => return,
        },
        None => None,
    };
    let db = c.db;
    let key = &a[1];
    let mut found = false;
    if o.get || o.nx || o.xx {
        match srv.lookup_write(db, key) {
            None => {}
            Some(Value::Str(s)) => {
                found = true;
                if o.get {
                    let mut t = itoa::Buffer::new();
                    c.add_bulk(s.bytes(&mut t));
                }
            }
            Some(_) => {
                if o.get {
                    c.add_error(WRONGTYPE);
                    return;
                }
                found = true;
            }
        }
        if o.get && !found {
            c.add_null();
        }
        if (o.nx && found) || (o.xx && !found) {
            if !o.get {
                c.add_null();
            }
            return;
        }
    }
    let val = Value::Str(Str::from_bytes(&a[2]));
    srv.set_key(db, key, val, o.keepttl);
    srv.dirty += 1;
    if let Some(at) = expire_at {
        srv.set_expire(db, key, at);
    }
    if !o.get {
        c.add_ok();
    }
}

const NOT_INT: &str = "ERR value is not an integer or out of range";
const NOT_FLOAT: &str = "ERR value is not a valid float";
const TOO_BIG: &str = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/// checkStringLength: a string may not grow past proto-max-bulk-len (the
/// sum is checked for overflow too).
fn check_string_length(srv: &Server, c: &mut Client, initial: u64, append: u64) -> bool {
    match initial.checked_add(append) {
        Some(t) if t <= srv.cfg.proto_max_bulk_len => true,
        _ => {
            c.add_error(TOO_BIG);
            false
        }
    }
}

/// SETNX key value: 1 when set, 0 when the key exists.
pub fn setnx_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let db = c.db;
    if srv.lookup_write(db, &a[1]).is_some() {
        c.add_int(0);
        return;
    }
    srv.db_add(db, &a[1], Value::Str(Str::from_bytes(&a[2])));
    srv.dirty += 1;
    c.add_int(1);
}

/// SETEX / PSETEX: like SET with EX / PX (setGenericCommand's checks and
/// error wording, which names the command).
fn setex_generic(srv: &mut Server, c: &mut Client, a: &Args, unit_ms: i64, name: &str) {
    let Some(v) = crate::ds::sds::string2ll(&a[2]) else {
        c.add_error(NOT_INT);
        return;
    };
    let at = if v <= 0 {
        None
    } else {
        v.checked_mul(unit_ms)
            .and_then(|ms| srv.now_ms.checked_add(ms))
    };
    let Some(at) = at else {
        c.add_error(&format!("ERR invalid expire time in '{name}' command"));
        return;
    };
    let db = c.db;
    srv.set_key(db, &a[1], Value::Str(Str::from_bytes(&a[3])), false);
    srv.set_expire(db, &a[1], at);
    srv.dirty += 1;
    c.add_ok();
}

pub fn setex_command(srv: &mut Server, c: &mut Client, a: &Args) {
    setex_generic(srv, c, a, 1000, "setex");
}

pub fn psetex_command(srv: &mut Server, c: &mut Client, a: &Args) {
    setex_generic(srv, c, a, 1, "psetex");
}

/// Replies with the string at key (nil if missing). Returns Err(()) after a
/// WRONGTYPE reply, Ok(found) otherwise (getGenericCommand).
fn reply_string(srv: &mut Server, c: &mut Client, key: &[u8], write: bool) -> Result<bool, ()> {
    let v = if write {
        srv.lookup_write(c.db, key)
    } else {
        srv.lookup_read(c.db, key)
    };
    match v {
        None => {
            c.add_null();
            Ok(false)
        }
        Some(Value::Str(s)) => {
            let mut t = itoa::Buffer::new();
            c.add_bulk(s.bytes(&mut t));
            Ok(true)
        }
        Some(_) => {
            c.add_error(WRONGTYPE);
            Err(())
        }
    }
}

/// GETSET key value: the old value, then overwrite (dropping any TTL).
pub fn getset_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if reply_string(srv, c, &a[1], false).is_err() {
        return;
    }
    srv.set_key(c.db, &a[1], Value::Str(Str::from_bytes(&a[2])), false);
    srv.dirty += 1;
}

/// GETDEL key: the value, and the key is gone (freed per
/// lazyfree-lazy-user-del, like DEL).
pub fn getdel_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if let Ok(true) = reply_string(srv, c, &a[1], false) {
        let lazy = srv.cfg.lazyfree_lazy_user_del;
        srv.db_delete_with(c.db, &a[1], lazy);
        srv.signal_modified_key(c.db, &a[1]);
        srv.dirty += 1;
    }
}

/// GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST].
pub fn getex_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(o) = parse_ext_opts(c, a, true) else {
        return;
    };
    let db = c.db;
    // getexCommand: missing key and WRONGTYPE first, then the time, and
    // the value only once the time is valid.
    let now_ms = srv.now_ms;
    let at = match srv.lookup_read(db, &a[1]) {
        None => return c.add_null(),
        Some(Value::Str(s)) => {
            let at = match o.expire {
                Some(e) => match expire_at_or_reply(now_ms, c, a, e, "getex") {
                    Some(t) => Some(t),
                    None => return,
                },
                None => None,
            };
            let mut t = itoa::Buffer::new();
            c.add_bulk(s.bytes(&mut t));
            at
        }
        Some(_) => return c.add_error(WRONGTYPE),
    };
    let persist = o.persist;
    let key = &a[1];
    if let Some(when) = at {
        if when <= srv.now_ms {
            // An absolute time already past deletes the key, as Redis does
            // (the value was still returned).
            srv.db_delete_with(db, key, srv.cfg.lazyfree_lazy_expire);
        } else {
            srv.set_expire(db, key, when);
        }
        srv.signal_modified_key(db, key);
        srv.dirty += 1;
    } else if persist && srv.remove_expire(db, key) {
        srv.signal_modified_key(db, key);
        srv.dirty += 1;
    }
}

/// MGET: nil for missing keys and for keys of other types.
pub fn mget_command(srv: &mut Server, c: &mut Client, a: &Args) {
    c.add_array_len(a.len() - 1);
    for i in 1..a.len() {
        match srv.lookup_read(c.db, &a[i]) {
            Some(Value::Str(s)) => {
                let mut t = itoa::Buffer::new();
                c.add_bulk(s.bytes(&mut t));
            }
            _ => c.add_null(),
        }
    }
}

fn mset_generic(srv: &mut Server, c: &mut Client, a: &Args, nx: bool) {
    if a.len().is_multiple_of(2) {
        let name = if nx { "msetnx" } else { "mset" };
        c.add_error(&format!(
            "ERR wrong number of arguments for '{name}' command"
        ));
        return;
    }
    let db = c.db;
    if nx
        && (1..a.len())
            .step_by(2)
            .any(|i| srv.lookup_write(db, &a[i]).is_some())
    {
        c.add_int(0);
        return;
    }
    for i in (1..a.len()).step_by(2) {
        srv.set_key(db, &a[i], Value::Str(Str::from_bytes(&a[i + 1])), false);
    }
    srv.dirty += ((a.len() - 1) / 2) as u64;
    if nx {
        c.add_int(1);
    } else {
        c.add_ok();
    }
}

pub fn mset_command(srv: &mut Server, c: &mut Client, a: &Args) {
    mset_generic(srv, c, a, false);
}

pub fn msetnx_command(srv: &mut Server, c: &mut Client, a: &Args) {
    mset_generic(srv, c, a, true);
}

/// APPEND key value: the new length. A new key is created encoded as SET
/// would; an existing one becomes raw (modified in place).
pub fn append_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let db = c.db;
    let max = srv.cfg.proto_max_bulk_len;
    let newlen = match srv.lookup_write(db, &a[1]) {
        None => {
            srv.db_add(db, &a[1], Value::Str(Str::from_bytes(&a[2])));
            a[2].len()
        }
        Some(Value::Str(s)) => {
            let total = (s.len() as u64).checked_add(a[2].len() as u64);
            if total.is_none_or(|t| t > max) {
                c.add_error(TOO_BIG);
                return;
            }
            let v = s.make_raw();
            v.extend_from_slice(&a[2]);
            let n = v.len();
            srv.signal_modified_key(db, &a[1]);
            n
        }
        Some(_) => {
            c.add_error(WRONGTYPE);
            return;
        }
    };
    srv.dirty += 1;
    c.add_int(newlen as i64);
}

pub fn strlen_command(srv: &mut Server, c: &mut Client, a: &Args) {
    match srv.lookup_read(c.db, &a[1]) {
        None => c.add_int(0),
        Some(Value::Str(s)) => c.add_int(s.len() as i64),
        Some(_) => c.add_error(WRONGTYPE),
    }
}

/// incrDecrCommand: the stored value becomes int-encoded; the TTL stays.
fn incr_decr(srv: &mut Server, c: &mut Client, key: &[u8], by: i64) {
    let db = c.db;
    match srv.lookup_write(db, key) {
        None => {
            srv.db_add(db, key, Value::Str(Str::Int(by)));
            srv.dirty += 1;
            c.add_int(by);
        }
        Some(Value::Str(s)) => {
            let Some(old) = s.as_int() else {
                c.add_error(NOT_INT);
                return;
            };
            let Some(new) = old.checked_add(by) else {
                c.add_error("ERR increment or decrement would overflow");
                return;
            };
            *s = Str::Int(new);
            srv.signal_modified_key(db, key);
            srv.dirty += 1;
            c.add_int(new);
        }
        Some(_) => c.add_error(WRONGTYPE),
    }
}

pub fn incr_command(srv: &mut Server, c: &mut Client, a: &Args) {
    incr_decr(srv, c, &a[1], 1);
}

pub fn decr_command(srv: &mut Server, c: &mut Client, a: &Args) {
    incr_decr(srv, c, &a[1], -1);
}

pub fn incrby_command(srv: &mut Server, c: &mut Client, a: &Args) {
    match crate::ds::sds::string2ll(&a[2]) {
        Some(by) => incr_decr(srv, c, &a[1], by),
        None => c.add_error(NOT_INT),
    }
}

pub fn decrby_command(srv: &mut Server, c: &mut Client, a: &Args) {
    match crate::ds::sds::string2ll(&a[2]) {
        // -LLONG_MIN does not exist; Redis reports it with its own text.
        Some(i64::MIN) => c.add_error("ERR decrement would overflow"),
        Some(by) => incr_decr(srv, c, &a[1], -by),
        None => c.add_error(NOT_INT),
    }
}

/// INCRBYFLOAT key incr: the result is stored (and replied) as its human
/// text form. Redis stores that text as a plain string object, never
/// int-encoded (createStringObjectFromLongDouble): embstr up to 44 bytes,
/// raw beyond. The TTL stays.
pub fn incrbyfloat_command(srv: &mut Server, c: &mut Client, a: &Args) {
    use crate::ds::skiplist::{format_score_human, parse_long_double};
    let db = c.db;
    let old = match srv.lookup_write(db, &a[1]) {
        None => Some(0.0),
        Some(Value::Str(s)) => {
            let mut t = itoa::Buffer::new();
            let b = s.bytes(&mut t);
            match parse_long_double(b) {
                Some(v) => Some(v),
                None => {
                    c.add_error(NOT_FLOAT);
                    return;
                }
            }
        }
        Some(_) => {
            c.add_error(WRONGTYPE);
            return;
        }
    };
    let Some(incr) = parse_long_double(&a[2]) else {
        c.add_error(NOT_FLOAT);
        return;
    };
    let v = old.unwrap_or(0.0) + incr;
    if !v.is_finite() {
        c.add_error("ERR increment would produce NaN or Infinity");
        return;
    }
    let mut out = Vec::with_capacity(32);
    format_score_human(v, &mut out);
    let key = &a[1];
    let val = if out.len() <= crate::db::object::EMBSTR_MAX {
        Str::Emb(out.as_slice().into())
    } else {
        Str::Raw(out.clone())
    };
    match srv.lookup_write(db, key) {
        Some(slot) => {
            *slot = Value::Str(val);
            srv.signal_modified_key(db, key);
        }
        None => srv.db_add(db, key, Value::Str(val)),
    }
    srv.dirty += 1;
    c.add_bulk(&out);
}

/// GETRANGE / SUBSTR key start end, with Redis 7.0's index clamping; a
/// missing key is the empty string.
pub fn getrange_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let (Some(mut start), Some(mut end)) = (
        crate::ds::sds::string2ll(&a[2]),
        crate::ds::sds::string2ll(&a[3]),
    ) else {
        c.add_error(NOT_INT);
        return;
    };
    let s = match srv.lookup_read(c.db, &a[1]) {
        None => {
            c.add_bulk(b"");
            return;
        }
        Some(Value::Str(s)) => s,
        Some(_) => {
            c.add_error(WRONGTYPE);
            return;
        }
    };
    let mut t = itoa::Buffer::new();
    let b = s.bytes(&mut t);
    let len = b.len() as i64;
    if start < 0 && end < 0 && start > end {
        c.add_bulk(b"");
        return;
    }
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0);
    if end >= len {
        end = len - 1;
    }
    if start > end || len == 0 {
        c.add_bulk(b"");
        return;
    }
    c.add_bulk(&b[start as usize..=end as usize]);
}

/// SETRANGE key offset value: zero-pads as needed; the new length.
pub fn setrange_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let Some(offset) = crate::ds::sds::string2ll(&a[2]) else {
        c.add_error(NOT_INT);
        return;
    };
    if offset < 0 {
        c.add_error("ERR offset is out of range");
        return;
    }
    let offset = offset as u64;
    let db = c.db;
    let key = &a[1];
    let val = &a[3];
    let max = srv.cfg.proto_max_bulk_len;
    match srv.lookup_write(db, key) {
        None => {
            // Nothing to write creates nothing.
            if val.is_empty() {
                c.add_int(0);
                return;
            }
            if !check_string_length(srv, c, offset, val.len() as u64) {
                return;
            }
            let mut v = vec![0u8; offset as usize];
            v.extend_from_slice(val);
            let n = v.len();
            srv.db_add(db, key, Value::Str(Str::Raw(v)));
            srv.dirty += 1;
            c.add_int(n as i64);
        }
        Some(Value::Str(s)) => {
            let olen = s.len();
            if val.is_empty() {
                c.add_int(olen as i64);
                return;
            }
            if offset.checked_add(val.len() as u64).is_none_or(|t| t > max) {
                c.add_error(TOO_BIG);
                return;
            }
            let v = s.make_raw();
            let end = offset as usize + val.len();
            if v.len() < end {
                v.resize(end, 0);
            }
            v[offset as usize..end].copy_from_slice(val);
            let n = v.len();
            srv.signal_modified_key(db, key);
            srv.dirty += 1;
            c.add_int(n as i64);
        }
        Some(_) => c.add_error(WRONGTYPE),
    }
}

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: dynamic
/// programming over both strings (O(n*m) time and memory, as in Redis),
/// then a walk back from the end that collects the common string and the
/// matching ranges (reported last-to-first, as Redis does).
pub fn lcs_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let db = c.db;
    let get = |srv: &mut Server, k: &[u8]| -> Result<Vec<u8>, ()> {
        match srv.lookup_read(db, k) {
            None => Ok(Vec::new()),
            Some(Value::Str(s)) => Ok(s.to_vec()),
            Some(_) => Err(()),
        }
    };
    let (Ok(sa), Ok(sb)) = (get(srv, &a[1]), get(srv, &a[2])) else {
        c.add_error("ERR The specified keys must contain string values");
        return;
    };
    let (mut getlen, mut getidx, mut withlen) = (false, false, false);
    let mut minlen: i64 = 0;
    let mut i = 3;
    while i < a.len() {
        let opt = &a[i];
        let u = |s: &str| opt.eq_ignore_ascii_case(s.as_bytes());
        if u("idx") {
            getidx = true;
        } else if u("len") {
            getlen = true;
        } else if u("withmatchlen") {
            withlen = true;
        } else if u("minmatchlen") && i + 1 < a.len() {
            let Some(v) = crate::ds::sds::string2ll(&a[i + 1]) else {
                c.add_error(NOT_INT);
                return;
            };
            minlen = v.max(0);
            i += 1;
        } else {
            c.add_error(SYNTAX);
            return;
        }
        i += 1;
    }
    if getidx && getlen {
        c.add_error("ERR If you want both the length and indexes, please just use IDX.");
        return;
    }
    let (alen, blen) = (sa.len(), sb.len());
    // Lengths must fit the u32 cells; the table itself ((alen+1)*(blen+1)
    // cells of 4 bytes) may not exceed proto-max-bulk-len.
    if alen as u64 >= u32::MAX as u64 - 1 || blen as u64 >= u32::MAX as u64 - 1 {
        c.add_error("ERR String too long for LCS");
        return;
    }
    let cells = ((alen + 1) as u64).checked_mul((blen + 1) as u64);
    if cells
        .and_then(|n| n.checked_mul(4))
        .is_none_or(|b| b > srv.cfg.proto_max_bulk_len)
    {
        c.add_error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        return;
    }
    let w = alen + 1;
    let mut dp = vec![0u32; w * (blen + 1)];
    for j in 1..=blen {
        for i in 1..=alen {
            dp[j * w + i] = if sa[i - 1] == sb[j - 1] {
                dp[(j - 1) * w + i - 1] + 1
            } else {
                dp[(j - 1) * w + i].max(dp[j * w + i - 1])
            };
        }
    }
    let total = dp[blen * w + alen] as usize;
    if getlen {
        c.add_int(total as i64);
        return;
    }
    let mut result = vec![0u8; total];
    let mut idx = total;
    let mut matches: Vec<[usize; 5]> = Vec::new();
    let (mut i, mut j) = (alen, blen);
    // `alen` as a range start means "no range open".
    let (mut ast, mut aend, mut bst, mut bend) = (alen, 0usize, 0usize, 0usize);
    while i > 0 && j > 0 {
        let mut emit = false;
        if sa[i - 1] == sb[j - 1] {
            result[idx - 1] = sa[i - 1];
            if ast == alen {
                ast = i - 1;
                aend = i - 1;
                bst = j - 1;
                bend = j - 1;
            } else if ast == i && bst == j {
                ast -= 1;
                bst -= 1;
            } else {
                emit = true;
            }
            if ast == 0 || bst == 0 {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if dp[j * w + i - 1] > dp[(j - 1) * w + i] {
                i -= 1;
            } else {
                j -= 1;
            }
            if ast != alen {
                emit = true;
            }
        }
        if emit {
            let mlen = aend - ast + 1;
            if minlen == 0 || mlen as i64 >= minlen {
                matches.push([ast, aend, bst, bend, mlen]);
            }
            ast = alen;
        }
    }
    if !getidx {
        c.add_bulk(&result);
        return;
    }
    c.add_map_len(2);
    c.add_bulk(b"matches");
    c.add_array_len(matches.len());
    for m in &matches {
        c.add_array_len(if withlen { 3 } else { 2 });
        c.add_array_len(2);
        c.add_int(m[0] as i64);
        c.add_int(m[1] as i64);
        c.add_array_len(2);
        c.add_int(m[2] as i64);
        c.add_int(m[3] as i64);
        if withlen {
            c.add_int(m[4] as i64);
        }
    }
    c.add_bulk(b"len");
    c.add_int(total as i64);
}
