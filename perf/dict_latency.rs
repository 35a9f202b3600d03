//! Single-insert latency: ferrodis `Dict` (incremental rehash, lazily
//! allocated slot pages) against `std::collections::HashMap`, which resizes
//! stop-the-world (every entry moves inside one insert).
//!
//! Inserts N keys "key:<i>" (Box<[u8]>, value u64) one at a time and times
//! each insert alone with `Instant`; key formatting happens outside the
//! timed region. Reports percentiles, the worst insert, its index, and peak
//! RSS. Standalone on purpose (no cargo): it pulls in src/ds/{hash,dict}.rs
//! by path, so it can be built anywhere with just `rustc`.
//!
//! Usage: dict_latency [N] [dict|hashmap-sip|hashmap-ferro|all] [--header]
//!        [--pause] [--min2]
//! `perf/dict_latency.sh` builds it and runs each map in its own process so
//! that one run's heap does not warm up the next.

#[path = "../src/ds"]
#[allow(dead_code)]
mod ds {
    pub mod dict;
    pub mod hash;
}

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::time::{Duration, Instant};

use ds::dict::Dict;

/// `HashMap` keyed with ferrodis's hash, to separate the cost of SipHash
/// from the cost of the resize policy.
#[derive(Clone, Copy, Default)]
struct FerroBuild;

struct FerroHasher(u64);

impl BuildHasher for FerroBuild {
    type Hasher = FerroHasher;
    fn build_hasher(&self) -> FerroHasher {
        FerroHasher(0)
    }
}

impl Hasher for FerroHasher {
    fn write(&mut self, b: &[u8]) {
        self.0 = self.0.rotate_left(23) ^ ds::hash::hash_bytes(b);
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = self.0.rotate_left(23) ^ n as u64;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

struct Row {
    name: &'static str,
    wall: Duration,
    lat_ns: Vec<u32>,
    drop: Duration,
    extra: String,
}

/// Set by `--pause`: sleep 100 ms (untimed) after every 400 ms of work, so
/// that a SCHED_FIFO run stays under the kernel's RT throttling budget
/// (950 ms per second by default), which would otherwise stall the process
/// for 50 ms every second and show up as a fake latency spike.
static PAUSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Times `n` calls of `insert`, one `Instant` pair around each.
fn run(n: usize, mut insert: impl FnMut(Box<[u8]>, u64)) -> (Duration, Vec<u32>) {
    let pause = PAUSE.load(std::sync::atomic::Ordering::Relaxed);
    let mut lat = Vec::with_capacity(n);
    let mut buf = Vec::with_capacity(32);
    let mut paused = Duration::ZERO;
    let mut last_pause = Instant::now();
    let start = Instant::now();
    for i in 0..n {
        if pause && last_pause.elapsed() > Duration::from_millis(400) {
            let t = Instant::now();
            std::thread::sleep(Duration::from_millis(100));
            paused += t.elapsed();
            last_pause = Instant::now();
        }
        buf.clear();
        write!(buf, "key:{i}").unwrap();
        let key: Box<[u8]> = buf.as_slice().into();
        let t0 = Instant::now();
        insert(key, i as u64);
        let dt = t0.elapsed();
        lat.push(dt.as_nanos().min(u128::from(u32::MAX)) as u32);
    }
    (start.elapsed() - paused, lat)
}

fn bench_dict(n: usize) -> Row {
    let mut d: Dict<Box<[u8]>, u64> = Dict::new();
    let (wall, lat_ns) = run(n, |k, v| {
        d.insert(k, v);
    });
    assert_eq!(d.len(), n);
    let extra = format!(
        "slots {} rehashing {} overhead {:.1} B/entry",
        d.bucket_count(),
        d.is_rehashing(),
        d.mem_overhead() as f64 / n as f64
    );
    let t = Instant::now();
    drop(d);
    Row { name: "ferrodis Dict", wall, lat_ns, drop: t.elapsed(), extra }
}

fn bench_hashmap<S: BuildHasher + Default>(n: usize, name: &'static str) -> Row {
    let mut m: HashMap<Box<[u8]>, u64, S> = HashMap::default();
    let (wall, lat_ns) = run(n, |k, v| {
        m.insert(k, v);
    });
    assert_eq!(m.len(), n);
    let extra = format!("capacity {}", m.capacity());
    let t = Instant::now();
    drop(m);
    Row { name, wall, lat_ns, drop: t.elapsed(), extra }
}

/// `--min2`: the same inserts run twice in one process (same hash seed, so
/// the same table layout and the same resize/rehash points); keeping the
/// faster of the two samples for each insert filters out spikes caused by
/// other processes, hypervisor steal or interrupts, which rarely hit the same
/// insert twice, while the map's own costs show up in both runs. The second
/// run reuses memory the first one freed, so page-fault costs mostly vanish.
fn min_of_two(a: Row, b: Row) -> Row {
    let lat_ns = a.lat_ns.iter().zip(&b.lat_ns).map(|(&x, &y)| x.min(y)).collect();
    Row {
        name: a.name,
        wall: a.wall.min(b.wall),
        lat_ns,
        drop: a.drop.min(b.drop),
        extra: format!("{} (min of 2 runs per insert)", a.extra),
    }
}

fn peak_rss_mib() -> f64 {
    proc_status("VmHWM:").map_or(0.0, |kib| kib as f64 / 1024.0)
}

fn us(ns: u32) -> String {
    format!("{:.2}", f64::from(ns) / 1000.0)
}

fn header() {
    println!(
        "{:<22} {:>8} {:>8} {:>8} {:>8} {:>9} {:>10} {:>11} {:>9} {:>6} {:>9} {:>8}",
        "map", "total_s", "mean_us", "p50_us", "p99_us", "p99.9_us", "p99.99_us", "max_us", "max_at", ">1ms", "drop_ms", "rss_MiB"
    );
}

fn proc_status(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn print(row: &mut Row) {
    let n = row.lat_ns.len();
    let mut worst5: Vec<(usize, u32)> = row.lat_ns.iter().copied().enumerate().collect();
    worst5.sort_unstable_by_key(|&(_, v)| std::cmp::Reverse(v));
    worst5.truncate(5);
    let (worst_at, worst) = worst5[0];
    let over_1ms = row.lat_ns.iter().filter(|&&v| v > 1_000_000).count();
    let sum: u64 = row.lat_ns.iter().map(|&v| u64::from(v)).sum();
    row.lat_ns.sort_unstable();
    let pct = |p: f64| row.lat_ns[((n as f64 * p) as usize).min(n - 1)];
    println!(
        "{:<22} {:>8.2} {:>8.3} {:>8} {:>8} {:>9} {:>10} {:>11} {:>9} {:>6} {:>9.1} {:>8.0}",
        row.name,
        row.wall.as_secs_f64(),
        sum as f64 / n as f64 / 1000.0,
        us(pct(0.5)),
        us(pct(0.99)),
        us(pct(0.999)),
        us(pct(0.9999)),
        us(worst),
        worst_at,
        over_1ms,
        row.drop.as_secs_f64() * 1000.0,
        peak_rss_mib(),
    );
    let worst5: Vec<String> = worst5.iter().map(|&(i, v)| format!("#{i} {}us", us(v))).collect();
    eprintln!(
        "  {}: {}; 5 worst: {}; involuntary context switches: {}",
        row.name,
        row.extra,
        worst5.join(", "),
        proc_status("nonvoluntary_ctxt_switches:").unwrap_or(0)
    );
}

fn timer_overhead_ns() -> u32 {
    let mut v: Vec<u32> = (0..10_001)
        .map(|_| {
            let t = Instant::now();
            t.elapsed().as_nanos() as u32
        })
        .collect();
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(10_000_000);
    let which = args
        .iter()
        .find(|a| a.parse::<usize>().is_err() && !a.starts_with("--"))
        .map_or("all", String::as_str);
    if args.iter().any(|a| a == "--pause") {
        PAUSE.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    if args.iter().any(|a| a == "--header") {
        println!("N = {n}; median Instant::now()+elapsed() cost: {} ns (included in every sample)", timer_overhead_ns());
        header();
        return;
    }
    if which == "all" {
        println!("N = {n}; median Instant::now()+elapsed() cost: {} ns", timer_overhead_ns());
        header();
    }
    let min2 = args.iter().any(|a| a == "--min2");
    let measure = |f: &dyn Fn() -> Row| if min2 { min_of_two(f(), f()) } else { f() };
    let mut rows = Vec::new();
    if which == "all" || which == "dict" {
        rows.push(measure(&|| bench_dict(n)));
        print(rows.last_mut().unwrap());
    }
    if which == "all" || which == "hashmap-sip" {
        rows.push(measure(&|| bench_hashmap::<std::collections::hash_map::RandomState>(n, "std HashMap (SipHash)")));
        print(rows.last_mut().unwrap());
    }
    if which == "all" || which == "hashmap-ferro" {
        rows.push(measure(&|| bench_hashmap::<FerroBuild>(n, "std HashMap (ferro hash)")));
        print(rows.last_mut().unwrap());
    }
    if rows.is_empty() {
        eprintln!("unknown map '{which}'; use dict, hashmap-sip, hashmap-ferro or all");
        std::process::exit(2);
    }
}
