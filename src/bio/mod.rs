//! bio: background I/O threads (bio.c). Filled in by the lazy-free work;
//! until then nothing is queued and shutdown has nothing to drain.

pub mod lazyfree;

pub fn drain_on_shutdown() {}

/// Starts the bio workers (none yet).
pub fn init(_srv: &mut crate::server::Server) {}
