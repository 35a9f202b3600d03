//! I/O threads (Redis 6's threaded I/O): see the design header below once
//! threads are configured. With `io-threads 1` (the default) every read and
//! write happens on the main thread through the plain networking path, and
//! these entry points cost one branch.

use crate::net::client::Client;
use crate::server::Server;

/// IO_THREADS_MAX_NUM.
pub const MAX_THREADS: usize = 128;

/// Should this readable client be queued for an I/O thread instead of read
/// now? Only when threaded reads are active.
#[inline]
pub fn postpone_read(_srv: &mut Server, _c: &mut Client) -> bool {
    false
}

/// beforeSleep: hand queued reads to the I/O threads (none without threads).
#[inline]
pub fn handle_pending_reads(_srv: &mut Server) {}

/// beforeSleep: write the replies of `clients_pending_write`.
#[inline]
pub fn handle_pending_writes(srv: &mut Server) {
    if !srv.pending_write.is_empty() {
        srv.handle_clients_with_pending_writes();
    }
}

/// Starts the I/O threads when `io-threads` > 1 (threaded I/O not built yet:
/// the setting is accepted and I/O stays on the main thread).
pub fn init(srv: &mut Server) {
    if srv.cfg.io_threads > 1 {
        log::warn!(
            "io-threads > 1 requested: threaded I/O is not available yet; using the main thread"
        );
    }
}

/// INFO's I/O-thread fields (in the "stats" section).
pub fn info_stats(srv: &Server, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(
        out,
        "io_threads_active:0\r\nio_threaded_reads_processed:{}\r\nio_threaded_writes_processed:{}\r\n",
        srv.stats.io_threaded_reads_processed, srv.stats.io_threaded_writes_processed
    );
}

/// INFO's `threads` section body (placement of server threads).
pub fn info_threads(_srv: &Server, out: &mut String) {
    use std::fmt::Write;
    let tid = ferrodis_ffi::thread::gettid();
    let cpus = ferrodis_ffi::thread::get_affinity(0);
    let _ = write!(
        out,
        "thread_0:name=ferrodis-server,tid={tid},cpus={}\r\n",
        crate::util::cpulist_string(&cpus)
    );
}
