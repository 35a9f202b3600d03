use super::*;

#[test]
fn cpulist_valid() {
    assert_eq!(parse_cpulist("").unwrap(), Vec::<usize>::new());
    assert_eq!(parse_cpulist("3").unwrap(), vec![3]);
    assert_eq!(parse_cpulist("0,2,3").unwrap(), vec![0, 2, 3]);
    assert_eq!(parse_cpulist("0,2-3").unwrap(), vec![0, 2, 3]);
    assert_eq!(parse_cpulist("0-7:2,12").unwrap(), vec![0, 2, 4, 6, 12]);
    assert_eq!(parse_cpulist("0-20:5").unwrap(), vec![0, 5, 10, 15, 20]);
    assert_eq!(parse_cpulist("5,1-2,2").unwrap(), vec![1, 2, 5]);
}

#[test]
fn cpulist_invalid() {
    for bad in [
        "a", "1-", "-1", "1,,2", "3-1", "0-7:0", "0-7:", "1:2", "0-1024", "1 2", "1,",
    ] {
        assert!(parse_cpulist(bad).is_err(), "{bad:?} accepted");
    }
}

fn all(t: &Topology) -> Vec<usize> {
    t.cpus.iter().map(|c| c.id).collect()
}

#[test]
fn two_sockets_two_nodes_smt() {
    // 2 sockets x 2 nodes x 8 cores x 2 SMT = 64 CPUs; CPU c and c+32 are
    // siblings; node n holds cores 8n..8n+7.
    let t = Topology::synthetic(2, 2, 8, 2, 1);
    assert_eq!(t.cpus.len(), 64);
    let p = place(&t, 5, -1, &all(&t)).unwrap();
    assert_eq!(p.node, 0);
    assert_eq!(p.cpus, vec![0, 1, 2, 3, 4]);
    // 12 threads: 8 distinct cores of node 0, then their siblings.
    let p = place(&t, 12, -1, &all(&t)).unwrap();
    assert_eq!(p.cpus, vec![0, 1, 2, 3, 4, 5, 6, 7, 32, 33, 34, 35]);
    // Explicit node 3.
    let p = place(&t, 3, 3, &all(&t)).unwrap();
    assert_eq!(p.node, 3);
    assert_eq!(p.cpus, vec![24, 25, 26]);
    assert!(place(&t, 3, 4, &all(&t)).is_err());
}

#[test]
fn node_with_most_allowed_cores_wins() {
    let t = Topology::synthetic(2, 2, 8, 2, 1);
    // Only two cores of node 0 allowed, all of node 2.
    let mut allowed = vec![0, 1];
    allowed.extend(16..24);
    let p = place(&t, 4, -1, &allowed).unwrap();
    assert_eq!(p.node, 2);
    assert_eq!(p.cpus, vec![16, 17, 18, 19]);
}

#[test]
fn largest_l3_first_then_other_cores_then_smt() {
    // One node of 8 cores in 2 L3 domains of 4 (CCX-like), SMT 2.
    let t = Topology::synthetic(1, 1, 8, 2, 2);
    let p = place(&t, 4, -1, &all(&t)).unwrap();
    assert_eq!(p.cpus, vec![0, 1, 2, 3]);
    // Restrict to an uneven mask: L3 {4..7} has more allowed cores.
    let allowed = vec![0, 4, 5, 6, 8];
    let p = place(&t, 4, -1, &allowed).unwrap();
    assert_eq!(p.cpus, vec![4, 5, 6, 0]);
    let p = place(&t, 6, -1, &allowed).unwrap();
    // cores run out: 8 is 0's sibling.
    assert_eq!(p.cpus, vec![4, 5, 6, 0, 8, 4]);
}

#[test]
fn more_threads_than_cpus_wraps() {
    let t = Topology::synthetic(1, 1, 2, 1, 1);
    let p = place(&t, 5, -1, &all(&t)).unwrap();
    assert_eq!(p.cpus, vec![0, 1, 0, 1, 0]);
}

#[test]
fn plan_lists_and_auto() {
    let t = Topology::synthetic(2, 2, 8, 2, 1);
    let mut cfg = Config {
        io_threads: 4,
        ..Config::default()
    };
    let p = plan(&cfg, &t, &all(&t)).unwrap();
    assert!(p.auto);
    assert_eq!(p.main, vec![0]);
    assert_eq!(p.io, vec![vec![1], vec![2], vec![3]]);
    // Bio floats on the node's CPUs not taken: 4..7 and siblings 32..39.
    assert_eq!(p.bio, vec![4, 5, 6, 7, 32, 33, 34, 35, 36, 37, 38, 39]);
    cfg.server_cpulist = "10".into();
    cfg.io_threads_cpulist = "11-13".into();
    cfg.bio_cpulist = "20,21".into();
    let p = plan(&cfg, &t, &all(&t)).unwrap();
    assert!(!p.auto);
    assert_eq!(p.main, vec![10]);
    assert_eq!(p.io, vec![vec![11, 12, 13]; 3]);
    assert_eq!(p.bio, vec![20, 21]);
    // io threads fall back to server-cpulist (Redis pins them there).
    cfg.io_threads_cpulist.clear();
    let p = plan(&cfg, &t, &all(&t)).unwrap();
    assert_eq!(p.io, vec![vec![10]; 3]);
    // affinity off: nothing pinned without lists.
    let mut cfg = Config {
        io_threads: 2,
        cpu_affinity: CpuAffinity::Off,
        ..Config::default()
    };
    let p = plan(&cfg, &t, &all(&t)).unwrap();
    assert_eq!(
        p,
        Plan {
            io: vec![vec![]],
            ..Plan::default()
        }
    );
    // one CPU: nothing to place.
    let one = Topology::synthetic(1, 1, 1, 1, 1);
    cfg.cpu_affinity = CpuAffinity::Auto;
    assert!(!plan(&cfg, &one, &[0]).unwrap().auto);
    // two or three CPUs: left to the scheduler (AUTO_MIN_CPUS), lists still apply.
    let two = Topology::synthetic(1, 1, 2, 1, 1);
    let p = plan(&cfg, &two, &all(&two)).unwrap();
    assert!(!p.auto);
    assert!(p.main.is_empty() && p.bio.is_empty());
    cfg.server_cpulist = "1".into();
    assert_eq!(plan(&cfg, &two, &all(&two)).unwrap().main, vec![1]);
    let four = Topology::synthetic(1, 1, 4, 1, 1);
    cfg.server_cpulist.clear();
    assert!(plan(&cfg, &four, &all(&four)).unwrap().auto);
}

#[test]
fn check_config_reports_directive() {
    let mut cfg = Config::default();
    assert!(check_config(&cfg).is_ok());
    cfg.bio_cpulist = "1-x".into();
    let e = check_config(&cfg).unwrap_err();
    assert!(
        e.contains("bio-cpulist") && e.contains("Invalid cpulist"),
        "{e}"
    );
}

// --- Topologies described to hwloc, converted by from_hwloc ---

/// Builds a topology from an hwloc synthetic description.
fn synth(desc: &str) -> Topology {
    let t = hwlocality::Topology::builder()
        .from_synthetic(desc)
        .unwrap_or_else(|e| panic!("{desc}: {e}"))
        .build()
        .unwrap_or_else(|e| panic!("{desc}: {e}"));
    Topology::from_hwloc(&t)
}

/// Loads an hwloc XML export committed under tests/topologies/.
fn xml(name: &str) -> Topology {
    let path = format!("{}/tests/topologies/{name}", env!("CARGO_MANIFEST_DIR"));
    let t = hwlocality::Topology::builder()
        .from_xml_file(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .build()
        .unwrap_or_else(|e| panic!("{path}: {e}"));
    Topology::from_hwloc(&t)
}

fn cpu(t: &Topology, id: usize) -> &Cpu {
    t.cpus.iter().find(|c| c.id == id).unwrap()
}

/// Checks the placement rules on any topology: main + I/O threads on one
/// NUMA node, on distinct physical cores while the node's allowed cores
/// last, SMT siblings only after, cores sharing an L3 before other cores,
/// bio on the node's CPUs not taken.
fn check_rules(t: &Topology, p: &Plan) {
    let node = p.node.expect("auto placement");
    let mut threads = p.main.clone();
    threads.extend(p.io.iter().flatten());
    assert!(threads.iter().all(|&c| cpu(t, c).node == node), "{p:?}");
    let node_cores: std::collections::BTreeSet<usize> = t
        .cpus
        .iter()
        .filter(|c| c.node == node)
        .map(|c| c.core)
        .collect();
    let distinct = threads.len().min(node_cores.len());
    let first: Vec<usize> = threads[..distinct]
        .iter()
        .map(|&c| cpu(t, c).core)
        .collect();
    let set: std::collections::BTreeSet<usize> = first.iter().copied().collect();
    assert_eq!(
        set.len(),
        distinct,
        "SMT sibling before cores ran out: {p:?}"
    );
    // Every thread before the first L3 change shares the first L3, and an
    // L3 once left is never returned to among the distinct cores.
    let l3s: Vec<usize> = threads[..distinct].iter().map(|&c| cpu(t, c).l3).collect();
    let mut seen = Vec::new();
    for l in l3s {
        if seen.last() != Some(&l) {
            assert!(!seen.contains(&l), "L3 {l} revisited: {p:?}");
            seen.push(l);
        }
    }
    let node_cpus: Vec<usize> = t
        .cpus
        .iter()
        .filter(|c| c.node == node)
        .map(|c| c.id)
        .collect();
    let left: Vec<usize> = node_cpus
        .iter()
        .copied()
        .filter(|c| !threads.contains(c))
        .collect();
    assert_eq!(p.bio, if left.is_empty() { node_cpus } else { left });
}

fn cfg_io(io_threads: u32, numa_node: i32) -> Config {
    Config {
        io_threads,
        numa_node,
        ..Config::default()
    }
}

#[test]
fn hwloc_synthetic_intel_numbering_matches_synthetic() {
    // Linux numbers Intel parts with every core's first thread first: the
    // PU indexes (listed in logical order) are interleaved so that PU c
    // and c+32 share a core.
    let idx: Vec<String> = (0..32)
        .flat_map(|c| [c, c + 32])
        .map(|i| i.to_string())
        .collect();
    let t = synth(&format!(
        "pack:2 numa:2 l3:1 core:8 pu:2(indexes={})",
        idx.join(",")
    ));
    assert_eq!(t.cpus, Topology::synthetic(2, 2, 8, 2, 1).cpus);
    let p = plan(&cfg_io(4, -1), &t, &all(&t)).unwrap();
    assert_eq!(
        (p.main.clone(), p.io.clone()),
        (vec![0], vec![vec![1], vec![2], vec![3]])
    );
    check_rules(&t, &p);
}

#[test]
fn hwloc_synthetic_adjacent_siblings_two_l3() {
    // AMD-like: siblings adjacent (core k = PUs 2k, 2k+1), two L3 domains
    // (CCX) of 4 cores in the one node.
    let t = synth("pack:1 numa:1 l3:2 core:4 pu:2");
    assert_eq!(t.cpus.len(), 16);
    assert_eq!(cpu(&t, 5).core, 4);
    assert_eq!(cpu(&t, 9).l3, 8);
    let p = plan(&cfg_io(4, -1), &t, &all(&t)).unwrap();
    // Main + 3 I/O threads: 4 distinct cores of the first L3.
    assert_eq!(p.main, vec![0]);
    assert_eq!(p.io, vec![vec![2], vec![4], vec![6]]);
    assert_eq!(p.bio, vec![1, 3, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    check_rules(&t, &p);
    // 6 threads: the first L3's cores, then the other L3's, no sibling.
    let p = plan(&cfg_io(6, -1), &t, &all(&t)).unwrap();
    assert_eq!(p.main, vec![0]);
    assert_eq!(p.io, vec![vec![2], vec![4], vec![6], vec![8], vec![10]]);
    check_rules(&t, &p);
}

#[test]
fn hwloc_synthetic_smt_only_when_cores_run_out() {
    let t = synth("pack:1 numa:1 l3:1 core:4 pu:2");
    let p = plan(&cfg_io(6, -1), &t, &all(&t)).unwrap();
    assert_eq!(p.main, vec![0]);
    assert_eq!(p.io, vec![vec![2], vec![4], vec![6], vec![1], vec![3]]);
    assert_eq!(p.bio, vec![5, 7]);
    check_rules(&t, &p);
    // Every CPU taken: bio floats on the whole node.
    let p = plan(&cfg_io(8, -1), &t, &all(&t)).unwrap();
    assert_eq!(p.bio, (0..8).collect::<Vec<_>>());
    check_rules(&t, &p);
}

#[test]
fn hwloc_synthetic_numa_node_picks_node() {
    let t = synth("pack:2 numa:2 l3:1 core:4 pu:2");
    assert_eq!(t.nodes(), vec![0, 1, 2, 3]);
    for n in 0..4 {
        let p = plan(&cfg_io(3, n), &t, &all(&t)).unwrap();
        assert_eq!(p.node, Some(n as usize));
        let first = 8 * n as usize;
        assert_eq!(p.main, vec![first]);
        assert_eq!(p.io, vec![vec![first + 2], vec![first + 4]]);
        check_rules(&t, &p);
    }
    assert!(plan(&cfg_io(3, 4), &t, &all(&t)).is_err());
    // Without numa-node, the node with most allowed cores wins.
    let allowed: Vec<usize> = (0..2).chain(16..24).collect();
    let p = plan(&cfg_io(3, -1), &t, &allowed).unwrap();
    assert_eq!(p.node, Some(2));
}

#[test]
fn hwloc_reports_touched_memory_on_preferred_node() {
    // The machine's first node: the thread prefers it, then touches a
    // fresh buffer; hwloc must find the pages there.
    let node = Topology::read().nodes()[0];
    std::thread::spawn(move || {
        ferrodis_ffi::thread::set_preferred_node(node).unwrap();
        assert_eq!(touched_memory_nodes().unwrap(), vec![node]);
    })
    .join()
    .unwrap();
}

#[test]
fn machine_topology_matches_sysfs() {
    // hwloc and the sysfs fallback describe this machine the same way.
    let hw = Topology::read();
    let fs = Topology::read_sysfs();
    assert!(!hw.cpus.is_empty());
    for c in &hw.cpus {
        let f = fs.cpus.iter().find(|f| f.id == c.id).expect("CPU in sysfs");
        assert_eq!((c.core, c.node), (f.core, f.node), "CPU {}", c.id);
    }
}

#[test]
fn hwloc_xml_cpuless_node_is_not_a_cpu_node() {
    // 2pkg-ccx-cxl.xml: hwloc's XML export of "pack:2 numa:1 l3:2 core:2
    // pu:2" (node 0 = package 0 = PUs 0-7, node 1 = PUs 8-15, two L3s of
    // two SMT cores per package), plus a CPU-less node 2 (CXL memory)
    // attached to the machine, whose cpuset is every PU, as hwloc reports
    // such memory. PUs belong to their package's node, never to node 2.
    let t = xml("2pkg-ccx-cxl.xml");
    assert_eq!(t.cpus.len(), 16);
    assert_eq!(t.nodes(), vec![0, 1]);
    assert!(
        t.cpus
            .iter()
            .all(|c| c.node == c.id / 8 && c.package == c.id / 8)
    );
    assert_eq!((cpu(&t, 13).core, cpu(&t, 13).l3), (12, 12));
    let p = plan(&cfg_io(3, 1), &t, &all(&t)).unwrap();
    assert_eq!(p.node, Some(1));
    assert_eq!(
        (p.main.clone(), p.io.clone()),
        (vec![8], vec![vec![10], vec![12]])
    );
    assert_eq!(p.bio, vec![9, 11, 13, 14, 15]);
    check_rules(&t, &p);
    let e = plan(&cfg_io(3, 2), &t, &all(&t)).unwrap_err();
    assert!(e.contains("NUMA node 2 has no usable CPU"), "{e}");
}
