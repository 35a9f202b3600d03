//! BGSAVE by fork (issue 10): the file loads in redis-server 7.0, INFO
//! persistence moves as in Redis, save points, MISCONF after a failed
//! BGSAVE (text checked against redis-server), a killed child, and fork
//! safety under I/O threads, lazy free and pipelining clients.

mod common;
use common::oracle::Redis;
use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn info_field(c: &mut redis::Connection, section: &str, field: &str) -> String {
    let s: String = q(c, &["INFO", section]);
    s.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("INFO {section} has no {field}"))
        .to_string()
}

/// Polls until no BGSAVE runs (generous deadline for a loaded machine).
fn wait_bgsave_done(c: &mut redis::Connection) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while info_field(c, "persistence", "rdb_bgsave_in_progress") != "0" {
        assert!(Instant::now() < deadline, "BGSAVE child never finished");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn child_pid_from_log(log: &str) -> i32 {
    log.lines()
        .rev()
        .find_map(|l| l.split("Background saving started by pid ").nth(1))
        .expect("log names the child")
        .trim()
        .parse()
        .unwrap()
}

fn check_rdb(path: &std::path::Path) {
    let out = std::process::Command::new("redis-check-rdb")
        .arg(path)
        .output()
        .expect("redis-check-rdb");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("RDB looks OK"),
        "redis-check-rdb refused {}: {text}",
        path.display()
    );
}

#[test]
fn bgsave_file_loads_in_redis_server_with_the_same_data() {
    let s = Server::start_with(&[]);
    let mut c = s.conn();
    let _: () = q(&mut c, &["SET", "s", "hello"]);
    let _: () = q(&mut c, &["SET", "n", "12345"]);
    let _: i64 = q(&mut c, &["RPUSH", "l", "a", "b", "c"]);
    let _: i64 = q(&mut c, &["SADD", "st", "x", "y", "1"]);
    let _: i64 = q(&mut c, &["ZADD", "z", "1.5", "m1", "2", "m2"]);
    let _: i64 = q(&mut c, &["HSET", "h", "f", "v", "g", "w"]);
    let _: i64 = q(&mut c, &["EXPIRE", "s", "1000"]);
    let _: () = q(&mut c, &["SELECT", "3"]);
    let _: () = q(&mut c, &["SET", "db3", "v3"]);
    let _: () = q(&mut c, &["SELECT", "0"]);
    let reply: String = q(&mut c, &["BGSAVE"]);
    assert_eq!(reply, "Background saving started");
    wait_bgsave_done(&mut c);
    assert_eq!(
        info_field(&mut c, "persistence", "rdb_last_bgsave_status"),
        "ok"
    );
    assert_eq!(
        info_field(&mut c, "persistence", "rdb_changes_since_last_save"),
        "0"
    );
    assert_eq!(info_field(&mut c, "stats", "total_forks"), "1");
    let file = s.dir.join("dump.rdb");
    check_rdb(&file);
    let rdir = std::env::temp_dir().join(format!("bgsave-oracle-{}", s.port));
    let _ = std::fs::create_dir_all(&rdir);
    std::fs::copy(&file, rdir.join("dump.rdb")).unwrap();
    let r = Redis::start_with(&["--dir", rdir.to_str().unwrap(), "--dbfilename", "dump.rdb"]);
    let mut rc = r.conn();
    assert_eq!(get(&mut rc, "s").as_deref(), Some("hello"));
    assert_eq!(get(&mut rc, "n").as_deref(), Some("12345"));
    let l: Vec<String> = q(&mut rc, &["LRANGE", "l", "0", "-1"]);
    assert_eq!(l, sv(&["a", "b", "c"]));
    assert_eq!(
        members(&mut rc, &["SMEMBERS", "st"]),
        set_of(&["x", "y", "1"])
    );
    let z: Vec<String> = q(&mut rc, &["ZRANGE", "z", "0", "-1", "WITHSCORES"]);
    assert_eq!(z, sv(&["m1", "1.5", "m2", "2"]));
    let h: Vec<String> = q(&mut rc, &["HMGET", "h", "f", "g"]);
    assert_eq!(h, sv(&["v", "w"]));
    let ttl: i64 = q(&mut rc, &["TTL", "s"]);
    assert!(ttl > 900 && ttl <= 1000, "ttl {ttl}");
    let _: () = q(&mut rc, &["SELECT", "3"]);
    assert_eq!(get(&mut rc, "db3").as_deref(), Some("v3"));
    let _ = std::fs::remove_dir_all(&rdir);
}

#[test]
fn bgsave_syntax_and_multi_schedule_reply_as_redis() {
    let mut p = common::oracle::Pair::start();
    p.same(&["BGSAVE", "foo"]);
    p.same(&["BGSAVE", "SCHEDULE", "x"]);
    p.same(&["MULTI"]);
    p.same(&["BGSAVE"]);
    p.same(&["EXEC"]);
}

#[test]
fn save_point_triggers_a_bgsave() {
    let s = Server::start_with(&["--save", "1 1"]);
    let mut c = s.conn();
    let _: () = q(&mut c, &["SET", "k", "v"]);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if info_field(&mut c, "persistence", "rdb_saves") != "0"
            && info_field(&mut c, "persistence", "rdb_bgsave_in_progress") == "0"
            && info_field(&mut c, "persistence", "rdb_changes_since_last_save") == "0"
        {
            break;
        }
        assert!(Instant::now() < deadline, "no BGSAVE from the save point");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(s.log().contains("1 changes in 1 seconds. Saving..."));
    check_rdb(&s.dir.join("dump.rdb"));
}

/// Makes BGSAVE fail: the dump file's name is a directory, so the child's
/// rename fails (root ignores permissions, not EISDIR).
fn fail_bgsave(c: &mut redis::Connection, dir: &std::path::Path) {
    std::fs::create_dir_all(dir.join("adir")).unwrap();
    let _: () = q(c, &["CONFIG", "SET", "dbfilename", "adir"]);
    let _: String = q(c, &["BGSAVE"]);
    wait_bgsave_done(c);
}

#[test]
fn failed_bgsave_gives_err_status_and_misconf_until_a_good_save() {
    let s = Server::start_with(&["--save", "3600 1", "--enable-protected-configs", "yes"]);
    let rdir = std::env::temp_dir().join(format!("bgsave-oracle-misconf-{}", s.port));
    let _ = std::fs::create_dir_all(&rdir);
    let r = Redis::start_with(&[
        "--save",
        "3600 1",
        "--enable-protected-configs",
        "yes",
        "--dir",
        rdir.to_str().unwrap(),
    ]);
    let mut c = s.conn();
    let mut rc = r.conn();
    fail_bgsave(&mut c, &s.dir);
    fail_bgsave(&mut rc, &rdir);
    assert_eq!(
        info_field(&mut c, "persistence", "rdb_last_bgsave_status"),
        "err"
    );
    assert!(s.log().contains("Background saving error"));
    let ours = err(&mut c, &["SET", "k", "v"]);
    assert_eq!(ours, err(&mut rc, &["SET", "k", "v"]));
    assert!(ours.starts_with("MISCONF"), "{ours}");
    assert_eq!(err(&mut c, &["PING"]), err(&mut rc, &["PING"]));
    // Reads still work.
    assert_eq!(get(&mut c, "k"), None);
    let _: () = q(&mut c, &["CONFIG", "SET", "dbfilename", "dump.rdb"]);
    let reply: String = q(&mut c, &["BGSAVE"]);
    assert_eq!(reply, "Background saving started");
    wait_bgsave_done(&mut c);
    assert_eq!(
        info_field(&mut c, "persistence", "rdb_last_bgsave_status"),
        "ok"
    );
    let _: () = q(&mut c, &["SET", "k", "v"]);
    let _ = std::fs::remove_dir_all(&rdir);
}

#[test]
fn child_killed_by_a_signal_is_reported_and_the_next_bgsave_works() {
    let s = Server::start_with(&["--save", "3600 1"]);
    let mut c = s.conn();
    // Enough compressible data (200 MB, LZF on every value) that the
    // child is surely still writing when it is stopped.
    let value = "abcdefgh".repeat(512);
    for b in 0..50 {
        let mut p = redis::pipe();
        for i in 0..1000 {
            p.cmd("SET").arg(format!("k{b}:{i}")).arg(&value).ignore();
        }
        let _: () = p.query(&mut c).unwrap();
    }
    let _: String = q(&mut c, &["BGSAVE"]);
    let pid = child_pid_from_log(&s.log());
    // Stop it so it is surely still running, then kill it.
    let _ = std::process::Command::new("kill")
        .args(["-STOP", &pid.to_string()])
        .status();
    // The child may already have finished (or be an unreaped zombie);
    // only check the case where it is surely stopped mid-save.
    let stopped = || {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|st| {
                st.rsplit(')')
                    .next()
                    .map(|r| r.trim_start().starts_with('T'))
            })
            .unwrap_or(false)
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while !stopped()
        && Instant::now() < deadline
        && std::path::Path::new(&format!("/proc/{pid}")).exists()
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    if stopped() {
        assert_eq!(
            info_field(&mut c, "persistence", "rdb_bgsave_in_progress"),
            "1"
        );
        assert_eq!(
            err(&mut c, &["BGSAVE"]),
            "ERR Background save already in progress"
        );
        assert_eq!(
            err(&mut c, &["BGSAVE", "SCHEDULE"]),
            "ERR Background save already in progress"
        );
        assert_eq!(
            err(&mut c, &["SAVE"]),
            "ERR Background save already in progress"
        );
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
        wait_bgsave_done(&mut c);
        assert!(s.log().contains("Background saving terminated by signal 9"));
        assert_eq!(
            info_field(&mut c, "persistence", "rdb_last_bgsave_status"),
            "err"
        );
        assert!(!s.dir.join(format!("temp-{pid}.rdb")).exists());
    }
    let _: String = q(&mut c, &["BGSAVE"]);
    wait_bgsave_done(&mut c);
    assert_eq!(
        info_field(&mut c, "persistence", "rdb_last_bgsave_status"),
        "ok"
    );
    check_rdb(&s.dir.join("dump.rdb"));
}

#[test]
fn shutdown_kills_a_running_child_and_removes_its_temp_file() {
    let mut s = Server::start_with(&[]);
    let mut c = s.conn();
    let _: () = q(&mut c, &["SET", "k", "v"]);
    let _: String = q(&mut c, &["BGSAVE"]);
    let pid = child_pid_from_log(&s.log());
    let _ = std::process::Command::new("kill")
        .args(["-STOP", &pid.to_string()])
        .status();
    let _ = err_of(cmd_of(&["SHUTDOWN", "NOSAVE"]).query::<redis::Value>(&mut c));
    let deadline = Instant::now() + Duration::from_secs(20);
    while s.alive() {
        assert!(Instant::now() < deadline, "server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!s.dir.join(format!("temp-{pid}.rdb")).exists());
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}/stat")).exists() || {
            // A zombie of someone else's would not be ours: the pid must not
            // be a living process of our child.
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|st| !st.contains("ferrodis"))
        }
    );
}

/// Fork safety: BGSAVEs in a loop while I/O threads read and write for
/// pipelining clients and the lazy-free worker frees big values. Every
/// child must finish (no hang), succeed, and leave a valid file. Up to
/// 1,000 BGSAVEs or 40 s: 400 fit on the 2-core dev VM (debug build).
#[test]
fn bgsave_loop_under_io_threads_lazy_free_and_pipelining_never_hangs_or_corrupts() {
    let s = Server::start_with(&["--io-threads", "4", "--io-threads-do-reads", "yes"]);
    let port = s.port;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut workers = Vec::new();
    for w in 0..16 {
        let stop = stop.clone();
        workers.push(std::thread::spawn(move || {
            let mut t = TcpStream::connect(("127.0.0.1", port)).unwrap();
            t.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            let mut batch = Vec::new();
            for i in 0..50 {
                batch.extend(resp(&[
                    b"SET",
                    format!("w{w}:{i}").as_bytes(),
                    b"some value here",
                ]));
            }
            let mut buf = vec![0u8; 1 << 16];
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                t.write_all(&batch).unwrap();
                let mut got = 0;
                while got < 50 * 5 {
                    let n = t.read(&mut buf).unwrap();
                    assert!(n > 0, "server closed a pipelining client");
                    got += n;
                }
            }
        }));
    }
    {
        let stop = stop.clone();
        workers.push(std::thread::spawn(move || {
            let c = redis::Client::open(format!("redis://127.0.0.1:{port}")).unwrap();
            let mut c = c.get_connection().unwrap();
            let members: Vec<String> = (0..2000).map(|i| format!("m{i}")).collect();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let mut cmd = redis::cmd("SADD");
                cmd.arg("big");
                for m in &members {
                    cmd.arg(m);
                }
                let _: i64 = cmd.query(&mut c).unwrap();
                let _: i64 = redis::cmd("UNLINK").arg("big").query(&mut c).unwrap();
            }
        }));
    }
    let mut c = s.conn();
    let start = Instant::now();
    let mut done = 0u32;
    while done < 1000 && start.elapsed() < Duration::from_secs(40) {
        let r: String = q(&mut c, &["BGSAVE"]);
        assert_eq!(r, "Background saving started");
        wait_bgsave_done(&mut c);
        assert_eq!(
            info_field(&mut c, "persistence", "rdb_last_bgsave_status"),
            "ok"
        );
        done += 1;
        if done.is_multiple_of(25) {
            check_rdb(&s.dir.join("dump.rdb"));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    check_rdb(&s.dir.join("dump.rdb"));
    eprintln!("{done} BGSAVEs under load in {:?}", start.elapsed());
    assert!(done >= 20, "only {done} BGSAVEs finished");
    assert_eq!(info_field(&mut c, "stats", "total_forks"), done.to_string());
    // The load really went through the I/O threads and the lazy-free
    // worker while the forks happened.
    let reads: u64 = info_field(&mut c, "stats", "io_threaded_reads_processed")
        .parse()
        .unwrap();
    assert!(reads > 0, "I/O threads never read");
    let freed: u64 = info_field(&mut c, "memory", "lazyfreed_objects")
        .parse()
        .unwrap();
    assert!(freed > 0, "nothing was lazily freed");
}
