//! CPU lists at start-up: invalid ones are fatal config errors; explicit
//! ones pin the main thread and the I/O threads, read back from
//! /proc/<pid>/task/*/{comm,status}.

mod common;

use ferrodis::affinity::parse_cpulist;
use std::time::Duration;

fn threads(pid: u32) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(format!("/proc/{pid}/task"))
        .unwrap()
        .flatten()
    {
        let comm = std::fs::read_to_string(e.path().join("comm")).unwrap_or_default();
        let status = std::fs::read_to_string(e.path().join("status")).unwrap_or_default();
        let cpus = status
            .lines()
            .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
            .unwrap_or("")
            .trim()
            .to_string();
        out.push((comm.trim().to_string(), cpus));
    }
    out.sort();
    out
}

#[test]
fn cpulist_syntax() {
    assert_eq!(parse_cpulist("0-7:2,12").unwrap(), vec![0, 2, 4, 6, 12]);
    assert_eq!(parse_cpulist("1,3-4").unwrap(), vec![1, 3, 4]);
    for bad in ["x", "1-", "4-2", "0-8:0", ",", "1;2"] {
        assert!(parse_cpulist(bad).is_err(), "{bad}");
    }
}

#[test]
fn invalid_cpulist_is_fatal_at_startup() {
    for (name, v) in [
        ("--server-cpulist", "0-x"),
        ("--io-threads-cpulist", "3-1"),
        ("--bio-cpulist", "0-4:0"),
    ] {
        let port = common::free_port().to_string();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ferrodis-server"))
            .args(["--port", &port, "--save", "", name, v])
            .output()
            .expect("run server");
        assert!(!out.status.success(), "{name} {v} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("FATAL CONFIG FILE ERROR") && err.contains("Invalid cpulist"),
            "{name} {v}: {err}"
        );
        assert!(err.contains(&name[2..]), "{err}");
    }
}

#[test]
fn explicit_lists_pin_named_threads() {
    let mine = parse_cpulist(
        std::fs::read_to_string("/proc/self/status")
            .unwrap()
            .lines()
            .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    let main_cpu = mine[0];
    let io_cpu = *mine.last().unwrap();
    let s = common::Server::start_with(&[
        "--io-threads",
        "3",
        "--server-cpulist",
        &main_cpu.to_string(),
        "--io-threads-cpulist",
        &io_cpu.to_string(),
    ]);
    std::thread::sleep(Duration::from_millis(100));
    let t = threads(s.child.id());
    let named = |n: &str| -> Vec<String> {
        t.iter()
            .filter(|(c, _)| c == n)
            .map(|(_, cpus)| cpus.clone())
            .collect()
    };
    assert_eq!(
        named("ferrodis-server"),
        vec![main_cpu.to_string()],
        "{t:?}"
    );
    assert_eq!(named("io_thd_1"), vec![io_cpu.to_string()], "{t:?}");
    assert_eq!(named("io_thd_2"), vec![io_cpu.to_string()], "{t:?}");
    assert!(named("io_thd_3").is_empty(), "{t:?}");
    // The server answers from its pinned threads.
    let mut c = s.conn();
    let pong: String = redis::cmd("PING").query(&mut c).unwrap();
    assert_eq!(pong, "PONG");
}

#[test]
fn affinity_off_pins_nothing() {
    let s = common::Server::start_with(&["--io-threads", "2", "--cpu-affinity", "off"]);
    std::thread::sleep(Duration::from_millis(100));
    let mine = std::fs::read_to_string("/proc/self/status").unwrap();
    let mine = mine
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
        .unwrap()
        .trim()
        .to_string();
    for (name, cpus) in threads(s.child.id()) {
        if name == "ferrodis-server" || name.starts_with("io_thd_") {
            assert_eq!(cpus, mine, "{name} pinned with cpu-affinity off");
        }
    }
}

#[test]
fn numa_arenas_checks_memory_location_with_hwloc() {
    // Each I/O thread with a node sets its memory policy, then asks hwloc
    // where a buffer it touched landed; both results are logged.
    let mine = std::fs::read_to_string("/proc/self/status").unwrap();
    let first = parse_cpulist(
        mine.lines()
            .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))
            .unwrap()
            .trim(),
    )
    .unwrap()[0];
    let s = common::Server::start_with(&[
        "--io-threads",
        "3",
        "--io-threads-cpulist",
        &first.to_string(),
        "--numa-arenas",
        "yes",
    ]);
    let want = [
        "io_thd_1: hwloc: touched memory is on node",
        "io_thd_2: hwloc: touched memory is on node",
    ];
    let mut log = String::new();
    for _ in 0..100 {
        log = s.log();
        if want.iter().all(|w| log.contains(w)) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    for w in want {
        assert!(log.contains(w), "{w:?} not in log:\n{log}");
    }
    assert!(!log.contains("cannot check memory location"), "{log}");
}
