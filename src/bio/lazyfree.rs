//! lazyfree.c: freeing values, tables and client buffers inline or on the
//! lazy-free bio thread.

use crate::db::Value;
use crate::net::client::Client;
use crate::server::Server;

/// Frees a value removed from the keyspace.
pub fn free_value(_srv: &mut Server, v: Value, _lazy: bool) {
    drop(v);
}

/// Frees what a disconnected client still holds.
pub fn free_client_buffers(_srv: &mut Server, c: Box<Client>) {
    drop(c);
}

/// INFO memory's lazy-free fields.
pub fn info_memory(srv: &Server, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(
        out,
        "lazyfree_pending_objects:0\r\nlazyfreed_objects:{}\r\n",
        srv.stats.lazyfreed_objects
    );
}
