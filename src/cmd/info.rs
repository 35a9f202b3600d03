//! INFO text generation (server.c's genRedisInfoString).
//!
//! Threads: main thread only; the only cross-thread reads are the per-thread
//! network counters (relaxed atomics, see `stats`) and the allocator's own
//! statistics.
//!
//! Layout follows Redis 7.0: `# Section` headers, `field:value` lines, CRLF
//! line ends, a blank line between sections. `INFO` with no argument (or
//! `default`) gives the default sections; `all` adds commandstats;
//! `everything` is the same as `all` here (we have no module sections). Our
//! extra `threads` section (thread placement) is part of default and all.
//! Unknown section names are ignored, as in Redis (an empty reply when
//! nothing matches).
//!
//! Memory figures: `used_memory` is the bytes allocated through the global
//! allocator (`ferrodis_ffi::alloc`: per-thread counters flushed into one
//! atomic every 64 KiB, so it is within 64 KiB x threads of the truth), as
//! Redis's zmalloc counter is; it counts requested sizes, so mimalloc's
//! size-class rounding and the pages it keeps are not in it.
//! `used_memory_peak` is the maximum of it, raised in serverCron and on
//! INFO as Redis does. `used_memory_rss` is the process RSS from /proc, and
//! `mem_fragmentation_ratio` their ratio. Not done: latencystats, per-module sections,
//! persistence (we have no RDB/AOF yet: the fields report "nothing running").

use crate::config::ConfigEnum;
use crate::server::Server;
use std::fmt::Write;
use std::sync::OnceLock;

/// Sections of `INFO` / `INFO default`, in Redis's order.
const DEFAULT: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "errorstats",
    "cluster",
    "keyspace",
    "threads",
];

/// Sections of `INFO all` / `INFO everything`.
const ALL: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "commandstats",
    "errorstats",
    "cluster",
    "keyspace",
    "threads",
];

/// The 40-hex-char run id: random per process start (Redis draws it at
/// start-up; a replica uses it to tell a restarted master apart).
pub fn run_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let mut b = [0u8; 20];
        let ok = std::fs::File::open("/dev/urandom")
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut b))
            .is_ok();
        if !ok {
            // Fall back to time and pid mixing; uniqueness per start is all
            // that matters.
            let mut x = crate::server::unix_us() as u64 ^ ((std::process::id() as u64) << 40);
            for v in b.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *v = x as u8;
            }
        }
        b.iter().fold(String::with_capacity(40), |mut s, v| {
            let _ = write!(s, "{v:02x}");
            s
        })
    })
}

/// bytesToHuman: `123B`, `1.50K`, `2.00M`, ...
pub fn bytes_to_human(n: u64) -> String {
    const UNITS: &[(f64, &str)] = &[
        (1024.0, "K"),
        (1024.0 * 1024.0, "M"),
        (1024.0 * 1024.0 * 1024.0, "G"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0, "T"),
        (1024.0 * 1024.0 * 1024.0 * 1024.0 * 1024.0, "P"),
    ];
    if n < 1024 {
        return format!("{n}B");
    }
    let f = n as f64;
    for (i, (d, u)) in UNITS.iter().enumerate() {
        if i + 1 == UNITS.len() || f < UNITS[i + 1].0 {
            return format!("{:.2}{u}", f / d);
        }
    }
    unreachable!("the last unit always matches")
}

fn secs(d: std::time::Duration) -> String {
    format!("{}.{:06}", d.as_secs(), d.subsec_micros())
}

/// Builds the INFO text for the requested section names (lower-cased
/// comparison). An empty list means `default`.
pub fn gen_info(srv: &Server, requested: &[&[u8]]) -> String {
    let mut names: Vec<&'static str> = Vec::new();
    let push = |n: &'static str, names: &mut Vec<&'static str>| {
        if !names.contains(&n) {
            names.push(n);
        }
    };
    if requested.is_empty() {
        for n in DEFAULT {
            push(n, &mut names);
        }
    }
    for r in requested {
        let r = String::from_utf8_lossy(r).to_ascii_lowercase();
        match r.as_str() {
            "default" => DEFAULT.iter().for_each(|n| push(n, &mut names)),
            "all" | "everything" => ALL.iter().for_each(|n| push(n, &mut names)),
            other => {
                if let Some(n) = ALL.iter().find(|n| **n == other) {
                    push(n, &mut names);
                }
            }
        }
    }
    // Sections come out in Redis's order whatever order they were asked in.
    names.sort_by_key(|n| ALL.iter().position(|a| a == n));
    let mut out = String::with_capacity(4096);
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        section(srv, n, &mut out);
    }
    out
}

fn section(srv: &Server, name: &str, out: &mut String) {
    match name {
        "server" => server(srv, out),
        "clients" => clients(srv, out),
        "memory" => memory(srv, out),
        "persistence" => persistence(srv, out),
        "stats" => stats(srv, out),
        "replication" => replication(out),
        "cpu" => cpu(out),
        "modules" => out.push_str("# Modules\r\n"),
        "commandstats" => commandstats(srv, out),
        "errorstats" => errorstats(srv, out),
        "cluster" => out.push_str("# Cluster\r\ncluster_enabled:0\r\n"),
        "keyspace" => keyspace(srv, out),
        "threads" => {
            out.push_str("# Threads\r\n");
            crate::io_threads::info_threads(srv, out);
        }
        _ => {}
    }
}

fn uname() -> String {
    let rd = |p: &str| {
        std::fs::read_to_string(p)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let sys = rd("/proc/sys/kernel/ostype");
    let rel = rd("/proc/sys/kernel/osrelease");
    format!(
        "{} {} {}",
        if sys.is_empty() { "Linux" } else { &sys },
        rel,
        std::env::consts::ARCH
    )
}

fn server(srv: &Server, out: &mut String) {
    let uptime = srv.start.elapsed().as_secs();
    let exe = std::env::current_exe()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let config_file = srv
        .config_file
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _ = write!(
        out,
        "# Server\r\n\
         redis_version:{}\r\n\
         ferrodis_version:{}\r\n\
         redis_git_sha1:{}\r\n\
         redis_git_dirty:{}\r\n\
         redis_build_id:{}\r\n\
         redis_mode:standalone\r\n\
         os:{}\r\n\
         arch_bits:64\r\n\
         monotonic_clock:POSIX clock_gettime\r\n\
         multiplexing_api:epoll\r\n\
         process_id:{}\r\n\
         process_supervised:{}\r\n\
         run_id:{}\r\n\
         tcp_port:{}\r\n\
         server_time_usec:{}\r\n\
         uptime_in_seconds:{}\r\n\
         uptime_in_days:{}\r\n\
         hz:{}\r\n\
         configured_hz:{}\r\n\
         lru_clock:{}\r\n\
         executable:{}\r\n\
         config_file:{}\r\n\
         io_threads_active:0\r\n",
        crate::config::REDIS_VERSION,
        crate::config::FERRODIS_VERSION,
        env!("FERRODIS_GIT_SHA1"),
        env!("FERRODIS_GIT_DIRTY"),
        env!("FERRODIS_BUILD_ID"),
        uname(),
        std::process::id(),
        srv.cfg.supervised.name(),
        run_id(),
        srv.cfg.port,
        crate::server::unix_us(),
        uptime,
        uptime / 86400,
        srv.hz,
        srv.cfg.hz,
        srv.lruclock,
        exe,
        config_file,
    );
}

fn clients(srv: &Server, out: &mut String) {
    let mut max_in = 0usize;
    let mut max_out = 0usize;
    let mut in_timeout = 0usize;
    for c in srv.clients.iter().flatten() {
        max_in = max_in.max(c.querybuf_peak.max(c.querybuf.len()));
        max_out = max_out.max(c.pending_output());
        if c.bstate.as_ref().is_some_and(|b| b.timeout_ms > 0) {
            in_timeout += 1;
        }
    }
    let _ = write!(
        out,
        "# Clients\r\n\
         connected_clients:{}\r\n\
         cluster_connections:0\r\n\
         maxclients:{}\r\n\
         client_recent_max_input_buffer:{}\r\n\
         client_recent_max_output_buffer:{}\r\n\
         blocked_clients:{}\r\n\
         tracking_clients:0\r\n\
         clients_in_timeout_table:{}\r\n",
        srv.nclients, srv.cfg.maxclients, max_in, max_out, srv.blocked.nblocked, in_timeout,
    );
}

/// Redis's `used_memory`: bytes allocated through the server's counting
/// allocator. Where that is not the global allocator (the library's unit
/// tests), mimalloc's committed bytes, else the RSS, so the figure stays
/// plausible rather than zero.
pub fn used_memory() -> usize {
    ferrodis_ffi::alloc::allocated().unwrap_or_else(|| {
        let c = ferrodis_ffi::mem::process_info().committed;
        if c > 0 {
            c
        } else {
            ferrodis_ffi::sys::rss_bytes() as usize
        }
    })
}

fn memory(srv: &Server, out: &mut String) {
    let rss = ferrodis_ffi::sys::rss_bytes();
    let used = used_memory() as u64;
    let peak = (ferrodis_ffi::alloc::update_peak() as u64).max(used);
    let frag = if used > 0 {
        rss as f64 / used as f64
    } else {
        0.0
    };
    let _ = write!(
        out,
        "# Memory\r\n\
         used_memory:{used}\r\n\
         used_memory_human:{}\r\n\
         used_memory_rss:{rss}\r\n\
         used_memory_rss_human:{}\r\n\
         used_memory_peak:{peak}\r\n\
         used_memory_peak_human:{}\r\n\
         maxmemory:{}\r\n\
         maxmemory_human:{}\r\n\
         maxmemory_policy:{}\r\n\
         mem_fragmentation_ratio:{frag:.2}\r\n\
         mem_allocator:mimalloc\r\n",
        bytes_to_human(used),
        bytes_to_human(rss),
        bytes_to_human(peak),
        srv.cfg.maxmemory,
        bytes_to_human(srv.cfg.maxmemory),
        srv.cfg.maxmemory_policy.name(),
    );
    crate::bio::lazyfree::info_memory(srv, out);
}

fn persistence(srv: &Server, out: &mut String) {
    let _ = write!(
        out,
        "# Persistence\r\n\
         loading:0\r\n\
         async_loading:0\r\n\
         rdb_changes_since_last_save:{}\r\n\
         rdb_bgsave_in_progress:{}\r\n\
         rdb_last_save_time:{}\r\n\
         rdb_last_bgsave_status:{}\r\n\
         rdb_last_bgsave_time_sec:{}\r\n\
         rdb_current_bgsave_time_sec:{}\r\n\
         rdb_saves:{}\r\n\
         rdb_last_cow_size:{}\r\n\
         rdb_last_load_keys_expired:{}\r\n\
         rdb_last_load_keys_loaded:{}\r\n\
         aof_enabled:0\r\n\
         aof_rewrite_in_progress:0\r\n\
         aof_rewrite_scheduled:0\r\n\
         aof_last_rewrite_time_sec:-1\r\n\
         aof_current_rewrite_time_sec:-1\r\n\
         aof_last_bgrewrite_status:ok\r\n\
         aof_last_write_status:ok\r\n",
        srv.dirty,
        crate::rdb::bgsave::in_progress(srv) as u8,
        srv.lastsave,
        if srv.rdb.last_bgsave_ok { "ok" } else { "err" },
        srv.rdb.last_bgsave_time_sec,
        crate::rdb::bgsave::current_time_sec(srv),
        srv.rdb.saves,
        srv.rdb.last_cow_size,
        srv.rdb.last_load_keys_expired,
        srv.rdb.last_load_keys_loaded,
    );
}

fn stats(srv: &Server, out: &mut String) {
    let s = &srv.stats;
    let (inp, outp) = srv.net_totals();
    let _ = write!(
        out,
        "# Stats\r\n\
         total_connections_received:{}\r\n\
         total_commands_processed:{}\r\n\
         instantaneous_ops_per_sec:{}\r\n\
         total_net_input_bytes:{inp}\r\n\
         total_net_output_bytes:{outp}\r\n\
         instantaneous_input_kbps:{:.2}\r\n\
         instantaneous_output_kbps:{:.2}\r\n\
         rejected_connections:{}\r\n\
         expired_keys:{}\r\n\
         expired_stale_perc:{:.2}\r\n\
         expired_time_cap_reached_count:{}\r\n\
         expire_cycle_cpu_milliseconds:{}\r\n\
         evicted_keys:{}\r\n\
         keyspace_hits:{}\r\n\
         keyspace_misses:{}\r\n\
         pubsub_channels:0\r\n\
         pubsub_patterns:0\r\n\
         latest_fork_usec:{}\r\n\
         total_forks:{}\r\n\
         total_error_replies:{}\r\n\
         unexpected_error_replies:{}\r\n\
         total_blocking_keys:{}\r\n\
         client_query_buffer_limit_disconnections:{}\r\n\
         client_output_buffer_limit_disconnections:{}\r\n",
        s.numconnections,
        s.numcommands,
        s.inst_ops.get(),
        s.inst_net_input.get() as f64 / 1024.0,
        s.inst_net_output.get() as f64 / 1024.0,
        s.rejected_conn,
        s.expired_keys,
        s.expired_stale_perc * 100.0,
        s.expired_time_cap_reached_count,
        s.expire_cycle_time_used_us / 1000,
        s.evicted_keys,
        s.keyspace_hits,
        s.keyspace_misses,
        srv.rdb.latest_fork_usec,
        srv.rdb.total_forks,
        s.total_error_replies,
        s.unexpected_error_replies,
        srv.blocked.waiters.len(),
        s.client_qbuf_limit_disconnections,
        s.client_outbuf_limit_disconnections,
    );
    crate::io_threads::info_stats(srv, out);
}

fn replication(out: &mut String) {
    // No replication yet: a master with no replicas. The replid is stable
    // for the life of the process (derived from the run id's randomness).
    let _ = write!(
        out,
        "# Replication\r\n\
         role:master\r\n\
         connected_slaves:0\r\n\
         master_failover_state:no-failover\r\n\
         master_replid:{}\r\n\
         master_replid2:0000000000000000000000000000000000000000\r\n\
         master_repl_offset:0\r\n\
         second_repl_offset:-1\r\n\
         repl_backlog_active:0\r\n\
         repl_backlog_size:1048576\r\n\
         repl_backlog_first_byte_offset:0\r\n\
         repl_backlog_histlen:0\r\n",
        replid(),
    );
}

/// master_replid: 40 random hex chars, different from the run id (Redis
/// draws both independently).
fn replid() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let r = run_id().as_bytes();
        // Reverse the run id: still random-looking, distinct, no extra
        // entropy source needed.
        r.iter().rev().map(|&b| b as char).collect()
    })
}

fn cpu(out: &mut String) {
    let (ps, pu) = ferrodis_ffi::sys::process_cpu();
    let (ts, tu) = ferrodis_ffi::sys::thread_cpu();
    let _ = write!(
        out,
        "# CPU\r\n\
         used_cpu_sys:{}\r\n\
         used_cpu_user:{}\r\n\
         used_cpu_sys_children:0.000000\r\n\
         used_cpu_user_children:0.000000\r\n\
         used_cpu_sys_main_thread:{}\r\n\
         used_cpu_user_main_thread:{}\r\n",
        secs(ps),
        secs(pu),
        secs(ts),
        secs(tu),
    );
}

fn commandstats(srv: &Server, out: &mut String) {
    out.push_str("# Commandstats\r\n");
    for (e, st) in srv.commands.entries.iter().zip(&srv.commands.stats) {
        if st.calls == 0 && st.rejected_calls == 0 && st.failed_calls == 0 {
            continue;
        }
        let per = if st.calls > 0 {
            st.usec as f64 / st.calls as f64
        } else {
            0.0
        };
        let _ = write!(
            out,
            "cmdstat_{}:calls={},usec={},usec_per_call={per:.2},rejected_calls={},failed_calls={}\r\n",
            e.fullname, st.calls, st.usec, st.rejected_calls, st.failed_calls
        );
    }
}

fn errorstats(srv: &Server, out: &mut String) {
    out.push_str("# Errorstats\r\n");
    for (code, n) in &srv.stats.errors_by_code {
        let _ = write!(out, "errorstat_{code}:count={n}\r\n");
    }
}

fn keyspace(srv: &Server, out: &mut String) {
    out.push_str("# Keyspace\r\n");
    for db in &srv.dbs {
        if db.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "db{}:keys={},expires={},avg_ttl={}\r\n",
            db.id,
            db.len(),
            db.expires.len(),
            db.avg_ttl
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes() {
        assert_eq!(bytes_to_human(1023), "1023B");
        assert_eq!(bytes_to_human(1024), "1.00K");
        assert_eq!(bytes_to_human(1536 * 1024), "1.50M");
        assert_eq!(bytes_to_human(3 * 1024 * 1024 * 1024), "3.00G");
    }

    #[test]
    fn run_id_shape() {
        let id = run_id();
        assert_eq!(id.len(), 40);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(id, run_id());
        assert_ne!(replid(), id);
    }
}
