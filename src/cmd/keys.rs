//! Keyspace commands (db.c, expire.c): DEL, UNLINK, EXISTS, TYPE, RENAME,
//! KEYS, SCAN, EXPIRE family, TTL family, OBJECT, FLUSHDB...

use crate::cmd;
use crate::cmd::{Command, flags::*};
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
