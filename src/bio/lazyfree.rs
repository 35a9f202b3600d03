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
