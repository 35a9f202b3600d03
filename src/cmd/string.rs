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
    /// Absolute expire time in unix ms.
    expire_at: Option<i64>,
}

/// Parses SET's options (parseExtendedStringArgumentsOrReply for SET).
fn parse_set_opts(srv: &Server, c: &mut Client, a: &Args) -> Option<SetOpts> {
    let mut o = SetOpts::default();
    let mut i = 3;
    let mut have_exp = false;
    while i < a.len() {
        let opt = &a[i];
        let next = if i + 1 < a.len() {
            Some(&a[i + 1])
        } else {
            None
        };
        let u = |s: &str| opt.eq_ignore_ascii_case(s.as_bytes());
        if u("nx") && !o.xx {
            o.nx = true;
        } else if u("xx") && !o.nx {
            o.xx = true;
        } else if u("get") {
            o.get = true;
        } else if u("keepttl") && !have_exp {
            o.keepttl = true;
        } else if (u("ex") || u("px") || u("exat") || u("pxat"))
            && !o.keepttl
            && !have_exp
            && next.is_some()
        {
            let Some(v) = crate::ds::sds::string2ll(next.unwrap_or_default()) else {
                c.add_error("ERR value is not an integer or out of range");
                return None;
            };
            let unit_ms = u("ex") || u("exat");
            if v <= 0 || (unit_ms && v > i64::MAX / 1000) {
                c.add_error("ERR invalid expire time in 'set' command");
                return None;
            }
            let ms = if unit_ms { v * 1000 } else { v };
            let at = if u("ex") || u("px") {
                match srv.now_ms.checked_add(ms) {
                    Some(t) => t,
                    None => {
                        c.add_error("ERR invalid expire time in 'set' command");
                        return None;
                    }
                }
            } else {
                ms
            };
            o.expire_at = Some(at);
            have_exp = true;
            i += 1;
        } else {
            c.add_error(SYNTAX);
            return None;
        }
        i += 1;
    }
    Some(o)
}

/// SET key value [NX|XX] [GET] [EX|PX|EXAT|PXAT t|KEEPTTL].
pub fn set_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let o = if a.len() > 3 {
        match parse_set_opts(srv, c, a) {
            Some(o) => o,
            None => return,
        }
    } else {
        SetOpts::default()
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
    if let Some(at) = o.expire_at {
        srv.set_expire(db, key, at);
    }
    if !o.get {
        c.add_ok();
    }
}
