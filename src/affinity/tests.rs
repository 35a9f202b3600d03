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
