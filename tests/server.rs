//! Server commands: INFO, COMMAND, TIME, LASTSAVE, DEBUG, SHUTDOWN,
//! FUNCTION FLUSH, MEMORY USAGE.
mod common;

use common::{err, q};

use redis::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};

fn info(c: &mut redis::Connection, section: &[&str]) -> String {
    let mut cmd = redis::cmd("INFO");
    for s in section {
        cmd.arg(*s);
    }
    cmd.query(c).unwrap()
}

fn field(info: &str, name: &str) -> Option<String> {
    info.split("\r\n")
        .find_map(|l| l.strip_prefix(&format!("{name}:")).map(str::to_string))
}

fn num(info: &str, name: &str) -> u64 {
    field(info, name)
        .unwrap_or_else(|| panic!("{name} missing"))
        .parse()
        .unwrap()
}

fn headers(info: &str) -> Vec<String> {
    info.split("\r\n")
        .filter(|l| l.starts_with("# "))
        .map(|l| l[2..].to_string())
        .collect()
}

#[test]
fn info_sections_and_fields() {
    let s = common::Server::start();
    let mut c = s.conn();
    let def = info(&mut c, &[]);
    assert_eq!(
        headers(&def),
        [
            "Server",
            "Clients",
            "Memory",
            "Persistence",
            "Stats",
            "Replication",
            "CPU",
            "Modules",
            "Errorstats",
            "Cluster",
            "Keyspace",
            "Threads"
        ]
    );
    // CRLF lines and a blank line between sections.
    assert!(def.contains("\r\n\r\n# Clients\r\n"));
    assert_eq!(field(&def, "redis_version").unwrap(), "7.0.15");
    assert_eq!(field(&def, "redis_mode").unwrap(), "standalone");
    assert_eq!(field(&def, "multiplexing_api").unwrap(), "epoll");
    assert_eq!(field(&def, "role").unwrap(), "master");
    assert_eq!(field(&def, "mem_allocator").unwrap(), "mimalloc");
    assert_eq!(num(&def, "tcp_port"), s.port as u64);
    assert_eq!(num(&def, "process_id"), s.child.id() as u64);
    let run_id = field(&def, "run_id").unwrap();
    assert_eq!(run_id.len(), 40);
    assert!(run_id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(num(&def, "used_memory") > 0);
    assert!(num(&def, "used_memory_rss") > 0);
    assert!(num(&def, "connected_clients") >= 1);
    for f in [
        "ferrodis_version",
        "redis_git_sha1",
        "uptime_in_seconds",
        "lru_clock",
        "maxclients",
        "blocked_clients",
        "used_memory_human",
        "maxmemory_policy",
        "mem_fragmentation_ratio",
        "lazyfreed_objects",
        "rdb_changes_since_last_save",
        "rdb_last_save_time",
        "aof_enabled",
        "instantaneous_ops_per_sec",
        "total_net_input_bytes",
        "io_threaded_reads_processed",
        "master_replid",
        "used_cpu_sys",
        "used_cpu_user_main_thread",
        "cluster_enabled",
    ] {
        assert!(field(&def, f).is_some(), "{f} missing from INFO");
    }
    assert!(def.contains("thread_0:name="));

    // Named sections, several at once, case-insensitive; order is Redis's.
    let two = info(&mut c, &["KEYSPACE", "server"]);
    assert_eq!(headers(&two), ["Server", "Keyspace"]);
    let all = info(&mut c, &["all"]);
    assert!(headers(&all).contains(&"Commandstats".to_string()));
    assert!(!headers(&def).contains(&"Commandstats".to_string()));
    let none = info(&mut c, &["nosuchsection"]);
    assert_eq!(none, "");
}

#[test]
fn info_counters_move() {
    let s = common::Server::start();
    let mut c = s.conn();
    let before = info(&mut c, &["stats"]);
    let _: () = q(&mut c, &["SET", "k", "v"]);
    let _: Option<String> = q(&mut c, &["GET", "k"]);
    let _: Option<String> = q(&mut c, &["GET", "missing"]);
    let after = info(&mut c, &["stats"]);
    // INFO itself, SET, 2 GETs.
    assert_eq!(
        num(&after, "total_commands_processed") - num(&before, "total_commands_processed"),
        4
    );
    assert_eq!(
        num(&after, "keyspace_hits") - num(&before, "keyspace_hits"),
        1
    );
    assert_eq!(
        num(&after, "keyspace_misses") - num(&before, "keyspace_misses"),
        1
    );
    let ks = info(&mut c, &["keyspace"]);
    assert_eq!(ks, "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n");
    let cs = info(&mut c, &["commandstats"]);
    let line = field(&cs, "cmdstat_get").expect("cmdstat_get");
    assert!(line.starts_with("calls=2,usec="), "{line}");
    assert!(line.ends_with(",rejected_calls=0,failed_calls=0"), "{line}");
    assert_eq!(
        field(&cs, "cmdstat_set").unwrap().split(',').next(),
        Some("calls=1")
    );

    // Errors are counted by code (the client library's own start-up
    // commands may already have produced some).
    let errs = |c: &mut redis::Connection| -> u64 {
        let es = info(c, &["errorstats"]);
        field(&es, "errorstat_ERR").map_or(0, |v| v["count=".len()..].parse().unwrap())
    };
    let e0 = errs(&mut c);
    let _ = redis::cmd("NOSUCHCMD").query::<Value>(&mut c);
    let _ = redis::cmd("GET").query::<Value>(&mut c);
    assert_eq!(errs(&mut c) - e0, 2);

    // CONFIG RESETSTAT zeroes the counters and the command stats.
    let _: () = q(&mut c, &["CONFIG", "RESETSTAT"]);
    let st = info(&mut c, &["stats", "commandstats", "errorstats"]);
    assert_eq!(num(&st, "keyspace_hits"), 0);
    assert_eq!(num(&st, "total_error_replies"), 0);
    assert!(field(&st, "cmdstat_get").is_none());
    assert!(field(&st, "errorstat_ERR").is_none());
}

#[test]
fn command_count_info_docs() {
    let s = common::Server::start();
    let mut c = s.conn();
    let n: i64 = q(&mut c, &["COMMAND", "COUNT"]);
    let all: Vec<Value> = q(&mut c, &["COMMAND"]);
    assert_eq!(all.len() as i64, n);
    assert!(n > 10);

    let v: Vec<Value> = q(&mut c, &["COMMAND", "INFO", "get", "nosuch", "config|get"]);
    assert_eq!(v.len(), 3);
    assert_eq!(v[1], Value::Nil);
    let Value::Array(get) = &v[0] else {
        panic!("{:?}", v[0])
    };
    assert_eq!(get.len(), 10);
    assert_eq!(get[0], Value::BulkString(b"get".to_vec()));
    assert_eq!(get[1], Value::Int(2));
    assert_eq!(
        get[2],
        Value::Array(vec![
            Value::SimpleString("readonly".into()),
            Value::SimpleString("fast".into())
        ])
    );
    assert_eq!(&get[3..6], &[Value::Int(1), Value::Int(1), Value::Int(1)]);
    assert_eq!(
        get[6],
        Value::Array(vec![
            Value::SimpleString("@read".into()),
            Value::SimpleString("@string".into()),
            Value::SimpleString("@fast".into())
        ])
    );
    let Value::Array(cg) = &v[2] else {
        panic!("{:?}", v[2])
    };
    assert_eq!(cg[0], Value::BulkString(b"config|get".to_vec()));
    assert_eq!(cg[1], Value::Int(-3));

    // DOCS: name -> map with summary/since/group, subcommands by full name.
    let d: Vec<Value> = q(&mut c, &["COMMAND", "DOCS", "get", "config", "nosuch"]);
    assert_eq!(d.len(), 4, "{d:?}");
    assert_eq!(d[0], Value::BulkString(b"get".to_vec()));
    let Value::Array(doc) = &d[1] else {
        panic!("{:?}", d[1])
    };
    let m: HashMap<String, Value> = doc
        .chunks(2)
        .map(|p| match &p[0] {
            Value::BulkString(k) => (String::from_utf8(k.clone()).unwrap(), p[1].clone()),
            o => panic!("{o:?}"),
        })
        .collect();
    assert_eq!(m["since"], Value::BulkString(b"1.0.0".to_vec()));
    assert_eq!(m["group"], Value::BulkString(b"string".to_vec()));
    assert!(matches!(&m["summary"], Value::BulkString(s) if !s.is_empty()));
    let Value::Array(cfg) = &d[3] else {
        panic!("{:?}", d[3])
    };
    let subs = cfg
        .chunks(2)
        .find(|p| p[0] == Value::BulkString(b"subcommands".to_vec()))
        .expect("subcommands");
    let Value::Array(subs) = &subs[1] else {
        panic!()
    };
    assert!(subs.contains(&Value::BulkString(b"config|get".to_vec())));

    // COMMAND LIST names subcommands too; COMMAND COUNT counts top-level
    // commands only (as Redis 7 does).
    let list: Vec<String> = q(&mut c, &["COMMAND", "LIST"]);
    assert_eq!(list.iter().filter(|n| !n.contains('|')).count() as i64, n);
    assert!(list.contains(&"get".to_string()));
    assert!(list.contains(&"config|get".to_string()));
    let keys: Vec<String> = q(&mut c, &["COMMAND", "GETKEYS", "SET", "a", "b"]);
    assert_eq!(keys, ["a"]);
    let e = err(&mut c, &["COMMAND", "GETKEYS", "PING", "x"]);
    assert!(e.contains("The command has no key arguments"), "{e}");
    let e = err(&mut c, &["COMMAND", "GETKEYS", "NOSUCH", "x"]);
    assert!(e.contains("Invalid command specified"), "{e}");
}

#[test]
fn time_lastsave_memory_function() {
    let s = common::Server::start();
    let mut c = s.conn();
    let t: (String, String) = q(&mut c, &["TIME"]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let secs: i64 = t.0.parse().unwrap();
    let us: i64 = t.1.parse().unwrap();
    assert!((secs - now).abs() <= 2);
    assert!((0..1_000_000).contains(&us));
    let ls: i64 = q(&mut c, &["LASTSAVE"]);
    assert!((ls - now).abs() <= 60);

    let _: () = q(&mut c, &["SET", "k", "v"]);
    let small: i64 = q(&mut c, &["MEMORY", "USAGE", "k"]);
    let _: () = q(&mut c, &["SET", "big", &"x".repeat(10000)]);
    let big: i64 = q(&mut c, &["MEMORY", "USAGE", "big", "SAMPLES", "5"]);
    assert!(small > 0 && big >= 10000 && big > small);
    let none: Option<i64> = q(&mut c, &["MEMORY", "USAGE", "nokey"]);
    assert_eq!(none, None);
    let e = err(&mut c, &["MEMORY", "USAGE", "k", "SAMPLES", "x"]);
    assert!(e.contains("not an integer"), "{e}");

    let ok: String = q(&mut c, &["FUNCTION", "FLUSH", "ASYNC"]);
    assert_eq!(ok, "OK");
    let mut r = s.raw();
    assert_eq!(
        r.roundtrip_line(&common::resp(&[b"FUNCTION", b"FLUSH", b"bad"])),
        "-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n"
    );
}

#[test]
fn debug_refused_when_disabled() {
    let s = common::Server::start_with(&["--enable-debug-command", "no"]);
    let mut r = s.raw();
    let line = r.roundtrip_line(&common::resp(&[b"DEBUG", b"SLEEP", b"0"]));
    assert_eq!(
        line,
        "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n"
    );
}

#[test]
fn debug_subcommands() {
    let s = common::Server::start();
    let mut c = s.conn();
    let _: () = q(&mut c, &["SET", "foo", "bar"]);
    let obj: String = q(&mut c, &["DEBUG", "OBJECT", "foo"]);
    assert!(obj.starts_with("Value at:0x"), "{obj}");
    assert!(
        obj.contains(" refcount:1 encoding:embstr serializedlength:4 lru:"),
        "{obj}"
    );
    assert!(obj.contains(" lru_seconds_idle:"), "{obj}");
    let e = err(&mut c, &["DEBUG", "OBJECT", "nokey"]);
    assert!(e.contains("no such key"), "{e}");

    let t = Instant::now();
    let ok: String = q(&mut c, &["DEBUG", "SLEEP", "0.2"]);
    assert_eq!(ok, "OK");
    assert!(t.elapsed() >= Duration::from_millis(190));

    // With active expiry off, an expired key stays in the keyspace until
    // touched.
    let _: String = q(&mut c, &["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
    let _: () = q(&mut c, &["SET", "e", "v", "PX", "10"]);
    std::thread::sleep(Duration::from_millis(300));
    let ks = info(&mut c, &["keyspace"]);
    assert!(ks.contains("db0:keys=2,expires=1"), "{ks}");

    let mut r = s.raw();
    assert_eq!(
        r.roundtrip_line(&common::resp(&[b"DEBUG", b"NOSUCH"])),
        "-ERR unknown subcommand or wrong number of arguments for 'NOSUCH'. Try DEBUG HELP.\r\n"
    );
}

#[test]
fn shutdown_exits_zero() {
    let mut s = common::Server::start();
    let mut r = s.raw();
    assert_eq!(
        r.roundtrip_line(&common::resp(&[b"SHUTDOWN", b"ABORT"])),
        "-ERR No shutdown in progress.\r\n"
    );
    assert_eq!(
        r.roundtrip_line(&common::resp(&[b"SHUTDOWN", b"SAVE", b"NOSAVE"])),
        "-ERR syntax error\r\n"
    );
    r.send(&common::resp(&[b"SHUTDOWN", b"NOSAVE"]));
    // No reply: the connection just closes.
    assert!(r.closed());
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline, "server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

/// The THP state the kernel reports for the process (`THP_enabled` in
/// /proc/PID/status, Linux 6.x); None on kernels without that field.
fn thp_enabled(pid: u32) -> Option<String> {
    let st = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    st.lines()
        .find_map(|l| l.strip_prefix("THP_enabled:"))
        .map(|v| v.trim().to_string())
}

#[test]
fn disable_thp_default_yes_and_immutable() {
    let s = common::Server::start();
    let mut r = s.raw();
    assert_eq!(
        r.roundtrip_line(&common::resp(&[b"CONFIG", b"SET", b"disable-thp", b"no"])),
        "-ERR CONFIG SET failed (possibly related to argument 'disable-thp') - can't set immutable config\r\n"
    );
    let mut c = s.conn();
    let v: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("disable-thp")
        .query(&mut c)
        .unwrap();
    assert_eq!(v, vec!["disable-thp".to_string(), "yes".to_string()]);
    if let Some(on) = thp_enabled(s.child.id()) {
        assert_eq!(on, "0", "disable-thp yes must turn THP off (prctl)");
    }
    let s2 = common::Server::start_with(&["--disable-thp", "no"]);
    if let Some(on) = thp_enabled(s2.child.id()) {
        assert_eq!(
            on, "1",
            "disable-thp no gives the system's THP setting back"
        );
    }
}

/// DEBUG SLEEP with a time past any Duration (1e308, 2^64, inf, nan) used
/// to panic and take the server down; Redis answers OK at once (its
/// microsecond count overflows to a negative time nanosleep refuses).
#[test]
fn debug_sleep_huge_or_odd_times_reply_ok_like_redis() {
    let mut pair = common::oracle::Pair::start();
    let start = Instant::now();
    for t in [
        "1e308",
        "18446744073709551616",
        "9.3e12",
        "inf",
        "-inf",
        "nan",
        "-1",
        "-1e308",
        "abc",
        "",
        "1e-9",
        "0x1p-30",
        " 0.01xyz",
    ] {
        pair.same(&["DEBUG", "SLEEP", t]);
    }
    pair.same(&["PING"]);
    assert!(pair.ours.alive());
    assert!(start.elapsed() < Duration::from_secs(30));
}
