//! ferrodis: a Redis-compatible in-memory server.
//!
//! Layout follows Redis's sources so a Redis reader finds their way:
//! `event` (ae.c), `net` (networking.c + the RESP parser), `io_threads`,
//! `bio` (+ `lazyfree`), `db` (db.c, expire.c, object.c), `ds` (sds, dict,
//! listpack, intset, quicklist, skiplist), `cmd` (the command table and one
//! file per family), `config`, `rdb` (rdb.c), `stats`, `server` (server.c).
//!
//! `unsafe` is denied crate-wide; the listed exceptions say so in their
//! first lines (`ds::sds`).

pub mod affinity;
pub mod bio;
pub mod blocked;
pub mod cmd;
pub mod config;
pub mod db;
pub mod ds;
pub mod event;
pub mod io_threads;
pub mod log;
pub mod net;
pub mod rdb;
pub mod server;
pub mod stats;
pub mod types;
pub mod util;
