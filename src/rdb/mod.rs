//! RDB snapshots (rdb.c): Redis's on-disk format, written at version 10
//! (Redis 7.0, which Redis 7.0/7.2/8.x and Valkey all load) and read at
//! versions 1..=11, plus the DUMP/RESTORE payload built from the same value
//! encoding.
//!
//! Layout
//! - `encode`: the writer. Primitive encodings (length prefixes 6/14/32/64
//!   bits, the integer string encodings, LZF-compressed strings under
//!   Redis's rules: `rdbcompression`, length > 20, and only when it saves
//!   at least 4 bytes) and each value in the type Redis 7.0 writes for its
//!   encoding: strings, QUICKLIST_2 lists (compressed nodes written as
//!   their LZF image, nodes holding one element of 1 GiB or more as PLAIN
//!   nodes as 7.0 does), INTSET / plain SET (our small listpack sets are
//!   written as plain sets, a type 7.0 can load), HASH_LISTPACK / HASH,
//!   ZSET_LISTPACK / ZSET_2 (binary doubles, tail to head as Redis writes a
//!   skiplist). Listpacks and intsets go out as their exact bytes.
//! - `decode`: the loader over an in-memory image (the file is read whole,
//!   so every error names its byte offset and a length can be checked
//!   against what is left before anything is allocated). Besides the types
//!   above it reads the older ones: ZIPLIST lists/hashes/zsets, QUICKLIST
//!   (v1, ziplist nodes), ZIPMAP hashes, plain LIST, ZSET with string
//!   scores, 7.2's SET_LISTPACK, and EXPIRETIME in seconds; values are
//!   converted to our encodings at our thresholds.
//! - `legacy`: ziplist and zipmap walkers (formats ferrodis never writes).
//!
//! Validation: a listpack, intset or ziplist is always structurally
//! checked before its bytes are adopted (our code relies on that, where
//! Redis's default `sanitize-dump-payload no` only checks headers), and
//! duplicate fields/members are always refused, because our conversions to
//! the big encodings and the zset member index rely on unique members.
//! Deep sanitization (`sanitize-dump-payload yes`, or `clients` for
//! RESTORE) also checks that a listpack zset is in (score, member) order.
//! Bad input is an `Err` naming the offset; the loader never panics and a
//! server never starts with half a file (start-up exits on any error).
//!
//! Threads: everything runs on the main thread (SAVE is synchronous); the
//! only hand-off is the replaced dump file's fd, closed on the
//! `bio_close_file` worker so the unlink of a big old file does not stall
//! the main thread. BGSAVE, save points and MISCONF: `bgsave` (a forked
//! child runs the same writer).
//!
//! Not done yet: the LRU/LFU opcodes on save
//! (they are parsed and skipped on load), streams, modules and functions
//! (refused with an error naming the type).

pub mod bgsave;
mod decode;
mod encode;
mod legacy;

use std::fs::File;
use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;

use crate::config::Config;
use crate::db::{Db, Value};
use crate::server::Server;

pub use decode::{LoadError, Loaded};

/// The version we write (Redis 7.0's RDB_VERSION).
pub const RDB_VERSION: u16 = 10;
/// The newest version we read (Redis 7.2).
pub const RDB_MAX_LOAD_VERSION: u16 = 11;

/// Value types (RDB_TYPE_*).
pub mod types {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const MODULE_PRE_GA: u8 = 6;
    pub const MODULE_2: u8 = 7;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
    pub const SET_LISTPACK: u8 = 20;
    pub const STREAM_LISTPACKS_3: u8 = 21;
}

/// Opcodes (RDB_OPCODE_*).
pub mod opcodes {
    pub const FUNCTION_PRE_GA: u8 = 245;
    pub const FUNCTION2: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

/// Redis's crc64 (Jones polynomial, reflected, init 0): the file trailer
/// and the DUMP payload checksum.
pub static CRC64: crc::Crc<u64> = crc::Crc::<u64>::new(&crc::CRC_64_REDIS);

/// `sanitize-dump-payload`'s effect on one load: deep checks or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sanitize {
    Cheap,
    Deep,
}

/// Persistence state and counters for INFO (owned by the server, written
/// on the main thread by SAVE, BGSAVE, its reaping in the cron and the
/// loader).
#[derive(Debug)]
pub struct Stats {
    /// stat_rdb_saves (SAVE and every BGSAVE started).
    pub saves: u64,
    pub last_load_keys_loaded: u64,
    pub last_load_keys_expired: u64,
    /// The running BGSAVE child, if any.
    pub child: Option<bgsave::Child>,
    /// lastbgsave_status == C_OK.
    pub last_bgsave_ok: bool,
    /// lastbgsave_try: unix seconds of the last BGSAVE attempt.
    pub last_bgsave_try: i64,
    /// rdb_save_time_last, -1 before the first BGSAVE ended.
    pub last_bgsave_time_sec: i64,
    /// dirty_before_bgsave.
    pub dirty_before_bgsave: u64,
    /// rdb_bgsave_scheduled.
    pub bgsave_scheduled: bool,
    /// stat_rdb_cow_bytes: the last successful child's report.
    pub last_cow_size: u64,
    /// stat_fork_time (µs) and stat_total_forks.
    pub latest_fork_usec: u64,
    pub total_forks: u64,
}

impl Default for Stats {
    fn default() -> Stats {
        Stats {
            saves: 0,
            last_load_keys_loaded: 0,
            last_load_keys_expired: 0,
            child: None,
            last_bgsave_ok: true,
            last_bgsave_try: 0,
            last_bgsave_time_sec: -1,
            dirty_before_bgsave: 0,
            bgsave_scheduled: false,
            last_cow_size: 0,
            latest_fork_usec: 0,
            total_forks: 0,
        }
    }
}

/// Writes every database to `filename` (relative to the working directory,
/// which is `dir`) the way rdbSave does: into `temp-<pid>.rdb`, fsync,
/// then rename over the old file. The old file's last fd is closed on the
/// bio_close_file worker.
pub fn save(dbs: &[Db], cfg: &Config, filename: &Path) -> io::Result<()> {
    write_snapshot(dbs, cfg, filename, OldFile::CloseOnBio)
}

/// What becomes of the file a save replaces.
#[derive(Clone, Copy, PartialEq, Eq)]
enum OldFile {
    /// Keep it open across the rename, close it on the bio_close_file
    /// worker (the main thread's saves).
    CloseOnBio,
    /// Let the rename unlink it (a BGSAVE child: it has no bio workers,
    /// and the unlink's cost is the child's).
    Unlink,
}

fn write_snapshot(dbs: &[Db], cfg: &Config, filename: &Path, old_file: OldFile) -> io::Result<()> {
    // The pid is the child's in a BGSAVE child (rdbRemoveTempFile finds
    // the file of a killed child by its pid).
    let tmp = temp_file_name(std::process::id() as i32);
    let file = match File::create(&tmp) {
        Ok(f) => f,
        Err(e) => {
            let cwd = std::env::current_dir()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| "unknown".into());
            log::warn!(
                "Failed opening the temp RDB file {tmp} (in server root dir {cwd}) for saving: {e}"
            );
            return Err(e);
        }
    };
    let written = (|| {
        let mut w = io::BufWriter::with_capacity(1 << 16, &file);
        encode::write_file(&mut w, dbs, cfg)?;
        w.flush()?;
        drop(w);
        file.sync_all()
    })();
    if let Err(e) = written {
        log::warn!("Write error saving DB on disk: {e}");
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    drop(file);
    // Keep the replaced file open across the rename so its unlink (the
    // rename dropping its last name) frees no blocks here; the close that
    // does is the bio worker's.
    let old = match old_file {
        OldFile::CloseOnBio => File::open(filename).ok(),
        OldFile::Unlink => None,
    };
    if let Err(e) = std::fs::rename(&tmp, filename) {
        let cwd = std::env::current_dir()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| "unknown".into());
        log::warn!(
            "Error moving temp DB file {tmp} on the final destination {} (in server root dir {cwd}): {e}",
            filename.display()
        );
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    if let Some(f) = old {
        crate::bio::submit(
            crate::bio::Kind::CloseFile,
            crate::bio::Job::CloseFile {
                fd: OwnedFd::from(f),
                fsync: false,
            },
        );
    }
    log::info!("DB saved on disk");
    Ok(())
}

/// `temp-<pid>.rdb`, where the save of process `pid` writes.
pub fn temp_file_name(pid: i32) -> String {
    format!("temp-{pid}.rdb")
}

/// Loads `filename` into `dbs`, skipping keys that already expired at
/// `now_ms`. A key already present is an error unless `merge` (DEBUG
/// RELOAD MERGE), which replaces it. `Ok(None)` when there is no file.
pub fn load(
    dbs: &mut [Db],
    cfg: &Config,
    filename: &Path,
    now_ms: i64,
    lruclock: u32,
    merge: bool,
) -> Result<Option<Loaded>, LoadError> {
    let image = match std::fs::read(filename) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LoadError::Io(e)),
    };
    let sanitize = match cfg.sanitize_dump_payload {
        crate::config::SanitizeDumpPayload::Yes => Sanitize::Deep,
        _ => Sanitize::Cheap,
    };
    decode::load_image(&image, dbs, cfg, sanitize, now_ms, lruclock, merge).map(Some)
}

/// DUMP's payload: the value's RDB encoding, the 2-byte RDB version and the
/// CRC64 of both (little-endian), as createDumpPayload builds it.
pub fn dump(val: &Value, compress: bool) -> Vec<u8> {
    let mut out = Vec::new();
    encode::write_value_with_type(&mut out, val, compress);
    out.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = CRC64.checksum(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// rdbSavedObjectLen: the value's RDB encoding length without its type
/// byte (DEBUG OBJECT's serializedlength).
pub fn serialized_len(val: &Value, compress: bool) -> usize {
    let mut out = Vec::new();
    encode::put_value(&mut out, val, compress);
    out.len()
}

/// Why RESTORE refused a payload.
#[derive(Debug, PartialEq, Eq)]
pub enum RestoreError {
    /// verifyDumpPayload failed.
    VersionOrChecksum,
    /// The value did not decode; the text says why.
    BadFormat(String),
}

/// RESTORE's decoder: checks the footer (a version we can read and the
/// CRC64), then decodes the value.
pub fn restore(payload: &[u8], cfg: &Config, sanitize: Sanitize) -> Result<Value, RestoreError> {
    if payload.len() < 10 {
        return Err(RestoreError::VersionOrChecksum);
    }
    let (body, footer) = payload.split_at(payload.len() - 10);
    let ver = u16::from_le_bytes([footer[0], footer[1]]);
    if ver > RDB_MAX_LOAD_VERSION {
        return Err(RestoreError::VersionOrChecksum);
    }
    let crc = u64::from_le_bytes(footer[2..10].try_into().expect("8 bytes"));
    let mut d = CRC64.digest();
    d.update(body);
    d.update(&footer[..2]);
    if d.finalize() != crc {
        return Err(RestoreError::VersionOrChecksum);
    }
    decode::value_from_payload(body, cfg, sanitize).map_err(RestoreError::BadFormat)
}

/// Whether a RESTORE from a client gets deep sanitization.
pub fn restore_sanitize(cfg: &Config) -> Sanitize {
    match cfg.sanitize_dump_payload {
        crate::config::SanitizeDumpPayload::No => Sanitize::Cheap,
        _ => Sanitize::Deep,
    }
}

/// rdbSave for the server: saves every database to `dbfilename` and, on
/// success, resets the dirty counter and records the time (LASTSAVE,
/// INFO persistence), as Redis does after a synchronous save.
pub fn save_dataset(srv: &mut Server) -> io::Result<()> {
    save(&srv.dbs, &srv.cfg, &dump_path(&srv.cfg))?;
    srv.dirty = 0;
    srv.lastsave = crate::server::unix_ms() / 1000;
    srv.rdb.saves += 1;
    // A good save clears a failed BGSAVE's MISCONF state, as rdbSave does.
    srv.rdb.last_bgsave_ok = true;
    Ok(())
}

/// `dbfilename` as a path (it may hold any bytes: CONFIG SET is
/// byte-clean, as in Redis).
pub fn dump_path(cfg: &Config) -> std::path::PathBuf {
    std::ffi::OsString::from_vec(cfg.dbfilename.clone()).into()
}

/// loadDataFromDisk: loads `dbfilename` into the databases with Redis's
/// log lines (the reason of a failure included; the caller decides what
/// a failure means: start-up exits, DEBUG RELOAD replies an error).
pub fn load_dataset(srv: &mut Server, merge: bool) -> Result<(), LoadError> {
    let start = std::time::Instant::now();
    let name = std::ffi::OsString::from_vec(srv.cfg.dbfilename.clone());
    let (now, lru) = (crate::server::unix_ms(), srv.lruclock);
    match load(&mut srv.dbs, &srv.cfg, Path::new(&name), now, lru, merge) {
        Ok(None) => Ok(()),
        Ok(Some(st)) => {
            log::info!(
                "Done loading RDB, keys loaded: {}, keys expired: {}.",
                st.keys_loaded,
                st.keys_expired
            );
            if st.empty_keys_skipped > 0 {
                log::info!(
                    "Done loading RDB, empty keys skipped: {}.",
                    st.empty_keys_skipped
                );
            }
            srv.rdb.last_load_keys_loaded = st.keys_loaded;
            srv.rdb.last_load_keys_expired = st.keys_expired;
            log::info!(
                "DB loaded from disk: {:.3} seconds",
                start.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Err(e) => {
            if let LoadError::Corrupt { msg, .. } = &e {
                if msg == decode::EOF_MSG {
                    log::warn!("Short read or OOM loading DB. Unrecoverable error, aborting now.");
                }
                log::warn!("{e}");
            }
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests;
