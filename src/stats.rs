//! Server statistics (INFO stats / clients / cpu), and the counters other
//! threads update.
//!
//! Main-thread counters are plain integers in [`Stats`]. The network
//! counters are written by whichever thread does the I/O (the main thread or
//! an I/O thread), so each thread gets its own [`NetCounters`] on its own
//! cache line (no false sharing between writers) and INFO sums them. All of
//! them are statistics: `Relaxed` is enough, since nothing is ordered by
//! them and a sum that is a few microseconds stale is still a valid reading.

use crossbeam_utils::CachePadded;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// One thread's network counters. Writer: the owning thread (index 0 = main
/// thread, i = I/O thread i). Readers: the main thread (INFO, cron samples).
#[derive(Default)]
pub struct NetCounters {
    pub input_bytes: AtomicU64,
    pub output_bytes: AtomicU64,
    pub reads_processed: AtomicU64,
    pub writes_processed: AtomicU64,
}

// CachePadded aligns to 128 bytes on x86_64: adjacent-line prefetch pulls
// lines in pairs, so 64-byte padding would still let two writers contend.
const _: () = assert!(std::mem::align_of::<CachePadded<NetCounters>>() >= 64);
const _: () = assert!(std::mem::size_of::<CachePadded<NetCounters>>().is_multiple_of(64));
const _: () = assert!(std::mem::size_of::<NetCounters>() <= 64);

impl NetCounters {
    #[inline]
    pub fn add_input(&self, n: u64) {
        self.input_bytes.fetch_add(n, Relaxed);
        self.reads_processed.fetch_add(1, Relaxed);
    }
    #[inline]
    pub fn add_output(&self, n: u64) {
        self.output_bytes.fetch_add(n, Relaxed);
        self.writes_processed.fetch_add(1, Relaxed);
    }
}

/// Per-thread counters, shared with the I/O threads.
pub type SharedNet = Arc<Box<[CachePadded<NetCounters>]>>;

pub fn new_shared_net(threads: usize) -> SharedNet {
    Arc::new(
        (0..threads.max(1))
            .map(|_| CachePadded::new(NetCounters::default()))
            .collect(),
    )
}

/// STATS_METRIC_SAMPLES: instantaneous metrics average this many samples.
const SAMPLES: usize = 16;

#[derive(Default, Clone)]
pub struct InstMetric {
    last_sample_ms: i64,
    last_sample_count: u64,
    samples: [u64; SAMPLES],
    idx: usize,
}

impl InstMetric {
    /// trackInstantaneousMetric: per-second rate since the previous sample.
    pub fn track(&mut self, now_ms: i64, current: u64) {
        if self.last_sample_ms > 0 {
            let dt = (now_ms - self.last_sample_ms).max(1) as u64;
            let dv = current.saturating_sub(self.last_sample_count);
            self.samples[self.idx] = dv * 1000 / dt;
            self.idx = (self.idx + 1) % SAMPLES;
        }
        self.last_sample_ms = now_ms;
        self.last_sample_count = current;
    }
    pub fn get(&self) -> u64 {
        self.samples.iter().sum::<u64>() / SAMPLES as u64
    }
}

#[derive(Default)]
pub struct Stats {
    pub numcommands: u64,
    pub numconnections: u64,
    pub rejected_conn: u64,
    pub expired_keys: u64,
    pub expired_stale_perc: f64,
    pub expired_time_cap_reached_count: u64,
    pub expire_cycle_time_used_us: u64,
    pub evicted_keys: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub total_error_replies: u64,
    /// `total_error_replies` when the running command started or its last
    /// nested call ended: more than that afterwards fails the command.
    pub error_replies_mark: u64,
    pub unexpected_error_replies: u64,
    pub client_qbuf_limit_disconnections: u64,
    pub client_outbuf_limit_disconnections: u64,
    pub io_threaded_reads_processed: u64,
    pub io_threaded_writes_processed: u64,
    pub total_blocking_keys: u64,
    pub lazyfreed_objects: u64,
    pub inst_ops: InstMetric,
    pub inst_net_input: InstMetric,
    pub inst_net_output: InstMetric,
    /// Errors by code (INFO errorstats `errorstat_ERR:count=..`).
    pub errors_by_code: std::collections::BTreeMap<String, u64>,
}

/// Per-command statistics (INFO commandstats).
#[derive(Default, Clone, Copy)]
pub struct CmdStats {
    pub calls: u64,
    pub usec: u64,
    pub rejected_calls: u64,
    pub failed_calls: u64,
}
