//! Persistence commands (rdb.c, cluster.c's DUMP/RESTORE, debug.c's
//! RELOAD): SAVE, BGSAVE, DUMP, RESTORE, DEBUG RELOAD. The format lives in
//! `crate::rdb`; these handlers parse arguments, touch the keyspace and
//! reply with Redis's exact errors.
//! BGSAVE's fork, reaping and save points live in `crate::rdb::bgsave`.

use crate::cmd;
use crate::cmd::{Command, flags::*};
use crate::db::Access;
use crate::net::client::{Args, Client};
use crate::net::reply::Reply;
use crate::rdb::{self, RestoreError};
use crate::server::Server;

const SYNTAX: &str = "ERR syntax error";
const NOT_INT: &str = "ERR value is not an integer or out of range";

pub const COMMANDS: &[Command] = &[
    cmd!(
        "save",
        save_command,
        1,
        ADMIN | NOSCRIPT | NO_ASYNC_LOADING | NO_MULTI,
        0,
        0,
        0,
        "server",
        "Synchronously saves the database(s) to disk.",
        "1.0.0"
    ),
    cmd!(
        "bgsave",
        bgsave_command,
        -1,
        ADMIN | NOSCRIPT | NO_ASYNC_LOADING,
        0,
        0,
        0,
        "server",
        "Asynchronously saves the database(s) to disk.",
        "1.0.0"
    ),
    cmd!(
        "dump",
        dump_command,
        2,
        READONLY,
        1,
        1,
        1,
        "generic",
        "Returns a serialized representation of the value stored at a key.",
        "2.6.0"
    ),
    cmd!(
        "restore",
        restore_command,
        -4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        "generic",
        "Creates a key from the serialized representation of a value.",
        "2.6.0"
    ),
];

pub fn save_command(srv: &mut Server, c: &mut Client, _a: &Args) {
    if rdb::bgsave::in_progress(srv) {
        c.add_error("ERR Background save already in progress");
        return;
    }
    match rdb::save_dataset(srv) {
        Ok(()) => c.add_ok(),
        // Redis replies its bare shared.err; the reason is in the log.
        Err(_) => c.add_error("ERR"),
    }
}

/// BGSAVE [SCHEDULE] (bgsaveCommand). With only RDB children, SCHEDULE is
/// what runs inside MULTI/EXEC (Redis defers any BGSAVE there); while a
/// BGSAVE child runs, SCHEDULE gets the same error as a plain BGSAVE.
pub fn bgsave_command(srv: &mut Server, c: &mut Client, a: &Args) {
    if a.len() > 1 && !(a.len() == 2 && a[1].eq_ignore_ascii_case(b"schedule")) {
        c.add_error(SYNTAX);
        return;
    }
    if rdb::bgsave::in_progress(srv) {
        c.add_error("ERR Background save already in progress");
    } else if c.has(crate::net::client::flags::MULTI) {
        // server.in_exec: never fork in the middle of a transaction.
        srv.rdb.bgsave_scheduled = true;
        c.add_status(b"Background saving scheduled");
    } else if rdb::bgsave::start(srv).is_ok() {
        c.add_status(b"Background saving started");
    } else {
        c.add_error("ERR");
    }
}

pub fn dump_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let compress = srv.cfg.rdbcompression;
    let Some(e) = srv.lookup(c.db, &a[1], Access::Read) else {
        c.add_null();
        return;
    };
    let payload = rdb::dump(&e.val, compress);
    c.add_bulk(&payload);
}

fn parse_i64(b: &[u8]) -> Option<i64> {
    crate::ds::sds::string2ll(b)
}

/// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]
pub fn restore_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let (mut replace, mut absttl) = (false, false);
    let (mut idle, mut freq): (Option<i64>, Option<i64>) = (None, None);
    let mut j = 4;
    while j < a.len() {
        let o = &a[j];
        let more = j + 1 < a.len();
        if o.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if o.eq_ignore_ascii_case(b"absttl") {
            absttl = true;
        } else if o.eq_ignore_ascii_case(b"idletime") && more && freq.is_none() {
            let Some(v) = parse_i64(&a[j + 1]) else {
                c.add_error(NOT_INT);
                return;
            };
            if v < 0 {
                c.add_error("ERR Invalid IDLETIME value, must be >= 0");
                return;
            }
            idle = Some(v);
            j += 1;
        } else if o.eq_ignore_ascii_case(b"freq") && more && idle.is_none() {
            let Some(v) = parse_i64(&a[j + 1]) else {
                c.add_error(NOT_INT);
                return;
            };
            if !(0..=255).contains(&v) {
                c.add_error("ERR Invalid FREQ value, must be >= 0 and <= 255");
                return;
            }
            // Accepted; there is no LFU counter to set yet.
            freq = Some(v);
            j += 1;
        } else {
            c.add_error(SYNTAX);
            return;
        }
        j += 1;
    }
    let key = &a[1];
    if !replace && srv.lookup(c.db, key, Access::Write).is_some() {
        c.add_error("BUSYKEY Target key name already exists.");
        return;
    }
    let Some(mut ttl) = parse_i64(&a[2]) else {
        c.add_error(NOT_INT);
        return;
    };
    if ttl < 0 {
        c.add_error("ERR Invalid TTL value, must be >= 0");
        return;
    }
    let val = match rdb::restore(&a[3], &srv.cfg, rdb::restore_sanitize(&srv.cfg)) {
        Ok(v) => v,
        Err(RestoreError::VersionOrChecksum) => {
            c.add_error("ERR DUMP payload version or checksum are wrong");
            return;
        }
        Err(RestoreError::BadFormat(why)) => {
            log::debug!("RESTORE refused a payload: {why}");
            c.add_error("ERR Bad data format");
            return;
        }
    };
    let deleted = replace && srv.db_delete(c.db, key);
    if ttl > 0 && !absttl {
        ttl = ttl.saturating_add(srv.now_ms);
    }
    if ttl > 0 && ttl <= srv.now_ms {
        // Already expired: the key is not created (and a replaced one is
        // gone), as Redis's checkAlreadyExpired path does.
        if deleted {
            srv.signal_modified_key(c.db, key);
            srv.dirty += 1;
        }
        c.add_ok();
        return;
    }
    srv.db_add(c.db, key, val);
    if ttl > 0 {
        srv.set_expire(c.db, key, ttl);
    }
    if let Some(secs) = idle {
        // objectSetLRUOrLFU: the 24-bit seconds clock, wrapping.
        let span = crate::server::LRU_CLOCK_MAX as i64 + 1;
        let lru = (srv.lruclock as i64 - secs.min(span - 1)).rem_euclid(span) as u32;
        if let Some(e) = srv.dbs[c.db].dict.get_mut(key) {
            e.lru = lru;
        }
    }
    srv.dirty += 1;
    c.add_ok();
}

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, flush, load back.
pub fn debug_reload(srv: &mut Server, c: &mut Client, a: &Args) {
    let (mut merge, mut flush, mut save) = (false, true, true);
    for o in a.iter().skip(2) {
        if o.eq_ignore_ascii_case(b"merge") {
            merge = true;
        } else if o.eq_ignore_ascii_case(b"noflush") {
            flush = false;
        } else if o.eq_ignore_ascii_case(b"nosave") {
            save = false;
        } else {
            c.add_error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
            return;
        }
    }
    if save && rdb::save_dataset(srv).is_err() {
        c.add_error("ERR");
        return;
    }
    if flush {
        srv.signal_flushed_db(None);
        crate::bio::lazyfree::empty_data(srv, None, false);
    }
    if let Err(e) = rdb::load_dataset(srv, merge) {
        if let rdb::LoadError::Io(e) = e {
            log::warn!("Error loading the DB for DEBUG RELOAD: {e}");
        }
        c.add_error("ERR Error trying to load the RDB dump, check server logs.");
        return;
    }
    log::warn!("DB reloaded by DEBUG RELOAD");
    c.add_ok();
}
