//! CPU placement of the server's threads: cpulist parsing (Redis syntax),
//! the machine's topology, and where the main thread, the I/O threads and
//! the bio threads run.
//!
//! Design
//! - Explicit lists win: `server-cpulist` pins the main thread,
//!   `io-threads-cpulist` the I/O threads (falling back to `server-cpulist`,
//!   which is what Redis 6/7 pins its I/O threads to), `bio-cpulist` the bio
//!   threads. As in Redis, every thread of a role gets the whole list.
//! - With no list, `cpu-affinity auto` and at least [`AUTO_MIN_CPUS`] CPUs, [`place`]
//!   chooses one CPU per thread: one NUMA node (`numa-node`, or the node
//!   with the most physical cores), cores sharing the largest L3 first, then
//!   the node's other cores, and SMT siblings only when distinct physical
//!   cores run out (siblings share execution units, which is what the I/O
//!   threads and the main thread contend for). Bio threads get the node's
//!   CPUs left over (all of the node's CPUs when none are left).
//! - [`place`] and [`plan`] are pure functions over a described
//!   [`Topology`], so they are unit-tested with synthetic machines.
//! - The machine's topology comes from hwloc (the `hwlocality` crate,
//!   system libhwloc found by pkg-config, not its `vendored` build), loaded
//!   once per process and converted by [`Topology::from_hwloc`]; the same
//!   conversion serves described machines (hwloc synthetic strings and XML
//!   exports under tests/topologies/) in the unit tests. If hwloc fails to
//!   load the machine (or reports no PU), [`Topology::read`] falls back to
//!   reading sysfs (`/sys/devices/system/cpu`, `/sys/devices/system/node`)
//!   directly, where missing files degrade to "one node, one L3, no SMT".
//!   Either way the result is cached: the topology is read once, at
//!   start-up (INFO reads the cache, never hwloc again).
//! - Linking: hwlocality-sys asks pkg-config for a static link, but the
//!   pkg-config crate links a library statically only when its `.a` lies
//!   outside the system directories, and Debian's is in /usr/lib.
//!   `scripts/deps.sh` therefore makes `target/hwloc-static/` (a hwloc.pc
//!   whose libdir holds a link to Debian's libhwloc.a) and
//!   `.cargo/config.toml` puts it on PKG_CONFIG_PATH, so the server binary
//!   carries hwloc and needs only libudev.so.1 at run time (`ldd` shows no
//!   libhwloc). Without that directory the build links libhwloc.so.15.
//! - With `numa-arenas yes`, [`log_memory_location`] asks hwloc where the
//!   pages of a buffer an I/O thread just allocated and touched actually
//!   live (hwloc_get_area_memlocation), on top of the get_mempolicy check.
//! - Only CPUs in the process's affinity mask at start-up are used (cpusets,
//!   `taskset`).
//!
//! Threads: `plan` runs on the main thread at start-up; the hwloc handle
//! and the cached topology are read-only after their first load (OnceLock),
//! and I/O threads use the handle only for memory-location queries. Not done: re-placement when CPUs go on/offline, cgroup CPU quotas.

use crate::config::{Config, CpuAffinity};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Automatic placement needs at least this many usable CPUs. On a smaller
/// machine every CPU shares one L3 and one node, so pinning gains nothing
/// and only stops the scheduler from moving the main thread off a core
/// that a client or the kernel's network work is using (on the 2-CPU dev
/// VM, redis-benchmark and the pinned main thread landed on one core while
/// the other idled). Explicit cpulists are still applied on any machine.
pub const AUTO_MIN_CPUS: usize = 4;

/// CPU_SETSIZE: the largest CPU number a list may name, plus one.
pub const MAX_CPUS: usize = 1024;

/// Parses Redis's cpulist syntax ("0,2,3", "0,2-3", "0-20:2"), as taskset
/// and Redis's setcpuaffinity do. Empty input is an empty list. The result
/// is sorted and without duplicates.
pub fn parse_cpulist(s: &str) -> Result<Vec<usize>, String> {
    let s = s.trim();
    let mut out = Vec::new();
    if s.is_empty() {
        return Ok(out);
    }
    for tok in s.split(',') {
        let (range, step) = match tok.split_once(':') {
            Some((r, st)) => (r, Some(st)),
            None => (tok, None),
        };
        let (a, b) = match range.split_once('-') {
            Some((a, b)) => (num(a)?, num(b)?),
            None => {
                if step.is_some() {
                    return Err(format!("a step needs a range in '{tok}'"));
                }
                let a = num(range)?;
                (a, a)
            }
        };
        let step = match step {
            Some(st) => num(st)?,
            None => 1,
        };
        if step == 0 {
            return Err(format!("zero step in '{tok}'"));
        }
        if a > b {
            return Err(format!("reversed range in '{tok}'"));
        }
        if b >= MAX_CPUS {
            return Err(format!("CPU {b} out of range (max {})", MAX_CPUS - 1));
        }
        out.extend((a..=b).step_by(step));
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn num(s: &str) -> Result<usize, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("'{s}' is not a CPU number"));
    }
    s.parse().map_err(|_| format!("'{s}' is not a CPU number"))
}

/// One logical CPU.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cpu {
    pub id: usize,
    /// Identity of its physical core: the lowest CPU id among its SMT
    /// siblings (unique machine-wide, unlike core_id).
    pub core: usize,
    pub package: usize,
    pub node: usize,
    /// Identity of its L3: the lowest CPU id sharing it.
    pub l3: usize,
}

/// The online CPUs of a machine.
#[derive(Clone, Debug, Default)]
pub struct Topology {
    pub cpus: Vec<Cpu>,
}

fn read_list(path: &str) -> Option<Vec<usize>> {
    parse_cpulist(std::fs::read_to_string(path).ok()?.trim()).ok()
}

fn read_num(path: &str) -> Option<usize> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// The machine as hwloc loaded it, once per process; None if hwloc could
/// not load it (the caller falls back to sysfs).
fn hwloc_machine() -> Option<&'static hwlocality::Topology> {
    static MACHINE: OnceLock<Option<hwlocality::Topology>> = OnceLock::new();
    MACHINE
        .get_or_init(|| match hwlocality::Topology::new() {
            Ok(t) => Some(t),
            Err(e) => {
                log::warn!("hwloc could not load the machine's topology ({e}): reading sysfs");
                None
            }
        })
        .as_ref()
}

/// Lowest OS index in an object's cpuset: our identity for cores and L3s.
fn first_pu(o: Option<&hwlocality::object::TopologyObject>) -> Option<usize> {
    o.and_then(|o| o.cpuset())
        .and_then(|cs| cs.first_set())
        .map(usize::from)
}

impl Topology {
    /// The machine's topology, from hwloc, else from sysfs; read once and
    /// cached (CPUs going on/offline later are not seen, as documented).
    pub fn read() -> Topology {
        static CACHE: OnceLock<Topology> = OnceLock::new();
        CACHE
            .get_or_init(|| {
                match hwloc_machine()
                    .map(Topology::from_hwloc)
                    .filter(|t| !t.cpus.is_empty())
                {
                    Some(t) => {
                        log::debug!(
                            "Topology from hwloc: {} CPUs, NUMA nodes {:?}",
                            t.cpus.len(),
                            t.nodes()
                        );
                        t
                    }
                    None => Topology::read_sysfs(),
                }
            })
            .clone()
    }

    /// Converts an hwloc topology (the machine, a synthetic description or
    /// an XML export): one [`Cpu`] per PU, sorted by OS index, with the
    /// same identities as the sysfs reader (core and L3 = their lowest PU).
    ///
    /// A PU's node is the NUMA node with the smallest cpuset containing it
    /// (lowest OS index on ties): CPU-less memory (HBM, CXL, NVDIMM) is
    /// attached higher up with wider cpusets, and sysfs lists no CPU for
    /// those nodes either. PUs without a Core ancestor are their own core;
    /// without an L3 they share one per package, as in the sysfs reader.
    pub fn from_hwloc(t: &hwlocality::Topology) -> Topology {
        use hwlocality::object::types::ObjectType;
        // PU -> (cpuset weight, node os index) of its most local node.
        let mut node_of: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        for n in t.objects_with_type(ObjectType::NUMANode) {
            let (Some(id), Some(cs)) = (n.os_index(), n.cpuset()) else {
                continue;
            };
            let w = cs.weight().unwrap_or(usize::MAX);
            for c in cs.iter_set() {
                let e = node_of.entry(usize::from(c)).or_insert((w, id));
                if (w, id) < *e {
                    *e = (w, id);
                }
            }
        }
        let mut cpus: Vec<Cpu> = t
            .objects_with_type(ObjectType::PU)
            .filter_map(|pu| {
                let id = pu.os_index()?;
                let package = pu
                    .first_ancestor_with_type(ObjectType::Package)
                    .map_or(0, |p| p.os_index().unwrap_or(p.logical_index()));
                Some(Cpu {
                    id,
                    core: first_pu(pu.first_ancestor_with_type(ObjectType::Core)).unwrap_or(id),
                    package,
                    node: node_of.get(&id).map_or(0, |&(_, n)| n),
                    l3: first_pu(pu.first_ancestor_with_type(ObjectType::L3Cache))
                        .unwrap_or(usize::MAX - package),
                })
            })
            .collect();
        cpus.sort_by_key(|c| c.id);
        Topology { cpus }
    }

    /// Reads the machine from sysfs (the fallback): /sys/devices/system/cpu/online,
    /// cpuN/topology/{physical_package_id,thread_siblings_list},
    /// cpuN/cache/index3/shared_cpu_list, node/nodeN/cpulist.
    pub fn read_sysfs() -> Topology {
        let online = read_list("/sys/devices/system/cpu/online")
            .unwrap_or_else(|| (0..ferrodis_ffi::thread::online_cpus()).collect());
        let mut node_of = BTreeMap::new();
        if let Ok(rd) = std::fs::read_dir("/sys/devices/system/node") {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let Some(n) = name
                    .strip_prefix("node")
                    .and_then(|n| n.parse::<usize>().ok())
                else {
                    continue;
                };
                for c in read_list(&format!("/sys/devices/system/node/{name}/cpulist"))
                    .unwrap_or_default()
                {
                    node_of.insert(c, n);
                }
            }
        }
        let cpus = online
            .into_iter()
            .map(|id| {
                let base = format!("/sys/devices/system/cpu/cpu{id}");
                let core = read_list(&format!("{base}/topology/thread_siblings_list"))
                    .and_then(|v| v.first().copied())
                    .unwrap_or(id);
                let package =
                    read_num(&format!("{base}/topology/physical_package_id")).unwrap_or(0);
                let l3 = read_list(&format!("{base}/cache/index3/shared_cpu_list"))
                    .and_then(|v| v.first().copied())
                    .unwrap_or(usize::MAX - package);
                Cpu {
                    id,
                    core,
                    package,
                    node: node_of.get(&id).copied().unwrap_or(0),
                    l3,
                }
            })
            .collect();
        Topology { cpus }
    }

    /// A synthetic machine numbered as Linux numbers Intel parts: the first
    /// hardware thread of every core first, then the siblings. Each NUMA
    /// node has `l3_per_node` L3 domains (AMD CCX-like when > 1).
    pub fn synthetic(
        sockets: usize,
        nodes_per_socket: usize,
        cores_per_node: usize,
        smt: usize,
        l3_per_node: usize,
    ) -> Topology {
        let cores = sockets * nodes_per_socket * cores_per_node;
        let cores_per_l3 = (cores_per_node / l3_per_node.max(1)).max(1);
        let mut cpus = Vec::new();
        for t in 0..smt {
            for core in 0..cores {
                let node = core / cores_per_node;
                let l3_first_core = core - (core % cores_per_node) % cores_per_l3;
                cpus.push(Cpu {
                    id: t * cores + core,
                    core,
                    package: node / nodes_per_socket,
                    node,
                    l3: l3_first_core,
                });
            }
        }
        Topology { cpus }
    }

    pub fn node_of(&self, cpu: usize) -> Option<usize> {
        self.cpus.iter().find(|c| c.id == cpu).map(|c| c.node)
    }

    pub fn nodes(&self) -> Vec<usize> {
        let mut n: Vec<usize> = self.cpus.iter().map(|c| c.node).collect();
        n.sort_unstable();
        n.dedup();
        n
    }
}

/// Automatic placement: the node used and one CPU per thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub node: usize,
    pub cpus: Vec<usize>,
    /// All CPUs of the node (allowed ones), for roles that float.
    pub node_cpus: Vec<usize>,
}

/// Chooses a CPU for each of `threads` threads (index 0 = main thread)
/// among `allowed` CPUs of `topo`; `numa_node` -1 = choose.
pub fn place(
    topo: &Topology,
    threads: usize,
    numa_node: i32,
    allowed: &[usize],
) -> Result<Placement, String> {
    let usable: Vec<&Cpu> = topo
        .cpus
        .iter()
        .filter(|c| allowed.is_empty() || allowed.contains(&c.id))
        .collect();
    if usable.is_empty() {
        return Err("no usable CPU".into());
    }
    // Distinct physical cores per node.
    let mut cores_per_node: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for c in &usable {
        let v = cores_per_node.entry(c.node).or_default();
        if !v.contains(&c.core) {
            v.push(c.core);
        }
    }
    let node = if numa_node >= 0 {
        let n = numa_node as usize;
        if !cores_per_node.contains_key(&n) {
            return Err(format!("NUMA node {n} has no usable CPU"));
        }
        n
    } else {
        // Most cores; ties go to the lowest node (BTreeMap order + max_by
        // keeping the last maximum, so compare with reversed node id).
        *cores_per_node
            .iter()
            .max_by(|a, b| a.1.len().cmp(&b.1.len()).then(b.0.cmp(a.0)))
            .map(|(n, _)| n)
            .expect("usable is not empty")
    };
    let in_node: Vec<&Cpu> = usable.into_iter().filter(|c| c.node == node).collect();
    // core -> its CPUs (sorted), and L3 -> its cores.
    let mut core_cpus: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut l3_cores: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for c in &in_node {
        core_cpus.entry(c.core).or_default().push(c.id);
        let v = l3_cores.entry(c.l3).or_default();
        if !v.contains(&c.core) {
            v.push(c.core);
        }
    }
    for v in core_cpus.values_mut() {
        v.sort_unstable();
    }
    let mut l3s: Vec<(usize, Vec<usize>)> = l3_cores.into_iter().collect();
    // Largest L3 domain first (most cores), then lowest id.
    l3s.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let core_order: Vec<usize> = l3s
        .into_iter()
        .flat_map(|(_, mut cores)| {
            cores.sort_unstable();
            cores
        })
        .collect();
    // Pass t takes hardware thread t of every core: distinct cores first,
    // SMT siblings only after every core has one thread.
    let max_smt = core_cpus.values().map(Vec::len).max().unwrap_or(1);
    let mut order = Vec::new();
    for t in 0..max_smt {
        for core in &core_order {
            if let Some(&cpu) = core_cpus[core].get(t) {
                order.push(cpu);
            }
        }
    }
    let cpus = (0..threads).map(|i| order[i % order.len()]).collect();
    let mut node_cpus: Vec<usize> = in_node.iter().map(|c| c.id).collect();
    node_cpus.sort_unstable();
    Ok(Placement {
        node,
        cpus,
        node_cpus,
    })
}

/// Where every server thread runs; empty list = not pinned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    pub main: Vec<usize>,
    /// io[k] is I/O thread k+1.
    pub io: Vec<Vec<usize>>,
    pub bio: Vec<usize>,
    /// The NUMA node automatic placement chose.
    pub node: Option<usize>,
    pub auto: bool,
}

/// Validates the cpulist directives (called at start-up; the error is
/// reported as a fatal config error).
pub fn check_config(cfg: &Config) -> Result<(), String> {
    for (name, v) in [
        ("server-cpulist", &cfg.server_cpulist),
        ("io-threads-cpulist", &cfg.io_threads_cpulist),
        ("bio-cpulist", &cfg.bio_cpulist),
        ("aof-rewrite-cpulist", &cfg.aof_rewrite_cpulist),
        ("bgsave-cpulist", &cfg.bgsave_cpulist),
    ] {
        parse_cpulist(v).map_err(|e| format!(">>> '{name} \"{v}\"'\nInvalid cpulist: {e}"))?;
    }
    Ok(())
}

/// The placement of all threads for `cfg` on `topo` (pure).
pub fn plan(cfg: &Config, topo: &Topology, allowed: &[usize]) -> Result<Plan, String> {
    let server = parse_cpulist(&cfg.server_cpulist)?;
    let io_list = parse_cpulist(&cfg.io_threads_cpulist)?;
    let bio = parse_cpulist(&cfg.bio_cpulist)?;
    let nio = cfg.io_threads.saturating_sub(1) as usize;
    let io_list = if io_list.is_empty() {
        server.clone()
    } else {
        io_list
    };
    let ncpus = topo
        .cpus
        .iter()
        .filter(|c| allowed.is_empty() || allowed.contains(&c.id))
        .count();
    let auto_ok = cfg.cpu_affinity == CpuAffinity::Auto && ncpus >= AUTO_MIN_CPUS;
    let mut p = Plan {
        main: server,
        io: vec![io_list; nio],
        bio,
        node: None,
        auto: false,
    };
    let need_auto = p.main.is_empty() || (nio > 0 && p.io[0].is_empty()) || p.bio.is_empty();
    if auto_ok && need_auto {
        let pl = place(topo, 1 + nio, cfg.numa_node, allowed)?;
        p.node = Some(pl.node);
        p.auto = true;
        if p.main.is_empty() {
            p.main = vec![pl.cpus[0]];
        }
        for (k, io) in p.io.iter_mut().enumerate() {
            if io.is_empty() {
                *io = vec![pl.cpus[k + 1]];
            }
        }
        if p.bio.is_empty() {
            let left: Vec<usize> = pl
                .node_cpus
                .iter()
                .copied()
                .filter(|c| !pl.cpus.contains(c))
                .collect();
            p.bio = if left.is_empty() { pl.node_cpus } else { left };
        }
    }
    Ok(p)
}

/// The process's CPU mask as it was at start-up (before any pinning).
pub fn allowed_at_start() -> &'static [usize] {
    static MASK: OnceLock<Vec<usize>> = OnceLock::new();
    MASK.get_or_init(|| {
        // /proc/self/status is the main thread's mask, whichever thread asks.
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
                    .and_then(|v| parse_cpulist(v.trim()).ok())
            })
            .unwrap_or_else(|| ferrodis_ffi::thread::get_affinity(0))
    })
}

/// This server's plan on this machine (empty plan if the lists are
/// invalid: start-up has already refused those).
pub fn current_plan(cfg: &Config) -> Plan {
    plan(cfg, &Topology::read(), allowed_at_start()).unwrap_or_default()
}

/// CPUs for the bio threads (empty = do not pin).
pub fn bio_cpus(srv: &crate::server::Server) -> Vec<usize> {
    current_plan(&srv.cfg).bio
}

/// Allocates a buffer on the calling thread, touches every page (first
/// touch is what places a page under the thread's memory policy) and asks
/// hwloc which NUMA nodes hold it (hwloc_get_area_memlocation).
pub fn touched_memory_nodes() -> Result<Vec<usize>, String> {
    use hwlocality::memory::binding::MemoryBindingFlags;
    use hwlocality::memory::nodeset::NodeSet;
    const LEN: usize = 1 << 20;
    const PAGE: usize = 4096;
    let t = hwloc_machine().ok_or("hwloc could not load the topology")?;
    if !t
        .feature_support()
        .memory_binding()
        .is_some_and(|m| m.get_area_memory_location())
    {
        return Err("hwloc cannot query memory location here".into());
    }
    let mut buf = vec![0u8; LEN];
    for b in buf.iter_mut().step_by(PAGE) {
        *b = 1;
    }
    let buf = std::hint::black_box(buf);
    let set: NodeSet = t
        .area_memory_location(buf.as_slice(), MemoryBindingFlags::empty())
        .map_err(|e| e.to_string())?;
    Ok(set.iter_set().map(usize::from).collect())
}

/// Logs whether memory the calling thread touches lands on `node`
/// (`numa-arenas yes`): a warning names the nodes it landed on instead.
pub fn log_memory_location(thread: &str, node: usize) {
    match touched_memory_nodes() {
        Ok(nodes) if nodes == [node] => {
            log::info!("{thread}: hwloc: touched memory is on node {node}")
        }
        Ok(nodes) => {
            log::warn!("{thread}: hwloc: touched memory is on nodes {nodes:?}, not {node}")
        }
        Err(e) => log::warn!("{thread}: cannot check memory location: {e}"),
    }
}

#[cfg(test)]
mod tests;
