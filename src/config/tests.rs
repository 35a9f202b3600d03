//! Tests for the config module: file/CLI loading, error banners, CONFIG
//! GET / SET semantics and CONFIG REWRITE round trips.

use super::*;
use std::fs;
use std::sync::atomic::{AtomicU32, Ordering};

fn tmpdir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "ferrodis-cfgtest-{}-{tag}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn args(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn line_err(e: &ConfigError) -> (usize, &str, &str) {
    match e {
        ConfigError::Line {
            line, text, msg, ..
        } => (*line, text.as_str(), msg.as_str()),
        other => panic!("expected a line error, got {other:?}"),
    }
}

fn load_err(text: &str) -> String {
    let e = load_from_str(text, &[]).unwrap_err();
    line_err(&e).2.to_string()
}

// --------------------------------------------------------------------------
// Loading
// --------------------------------------------------------------------------

#[test]
fn shipped_conf_is_the_default() {
    let text = include_str!("../../ferrodis.conf");
    let cfg = load_from_str(text, &[]).unwrap();
    assert_eq!(cfg, Config::default());
    // Every directive is documented (as an active or commented line).
    for name in directive_names() {
        let documented = text.lines().any(|l| {
            let l = l.trim_start_matches(['#', ' ']);
            l.split_whitespace().next() == Some(name)
        });
        assert!(documented, "{name} is not documented in ferrodis.conf");
    }
}

#[test]
fn parses_sample_file() {
    let dir = tmpdir("sample");
    fs::write(dir.join("extra.conf"), "maxmemory 2gb\nloglevel warning\n").unwrap();
    let main = format!(
        "# comment\n\
         \n\
         PORT 7001\n\
         \t bind 0.0.0.0   \"::1\"  \r\n\
         requirepass \"p@ss word\\x21\"\n\
         logfile 'my log\\'s'\n\
         save 900 1\n\
         save 300 10\n\
         save 60 10000 30 5\n\
         proto-max-bulk-len 2000k\n\
         client-query-buffer-limit 2MB\n\
         repl-backlog-size 1m\n\
         hash-max-ziplist-entries 256\n\
         lua-time-limit 100\n\
         include {}\n\
         loglevel debug\n\
         client-output-buffer-limit pubsub 64mb 16mb 90\n\
         unixsocketperm 755\n\
         rename-command FLUSHALL \"\"\n\
         rename-command CONFIG secret-config\n\
         server_cpulist 0-3\n\
         maxmemory-policy ALLKEYS-LRU\n\
         appendonly YES\n\
         list-max-ziplist-entries 512\n\
         hz 1000\n",
        dir.join("extra.conf").display()
    );
    let path = dir.join("main.conf");
    fs::write(&path, main).unwrap();
    let cfg = load(Some(&path), &[]).unwrap();
    assert_eq!(cfg.port, 7001);
    assert_eq!(cfg.bind, ["0.0.0.0", "::1"]);
    assert_eq!(cfg.requirepass, b"p@ss word!");
    assert_eq!(cfg.logfile, "my log's");
    // The first save line drops the defaults, later ones accumulate.
    assert_eq!(cfg.save, [(900, 1), (300, 10), (60, 10000), (30, 5)]);
    assert_eq!(cfg.proto_max_bulk_len, 2_000_000);
    assert_eq!(cfg.client_query_buffer_limit, 2 * 1024 * 1024);
    assert_eq!(cfg.repl_backlog_size, 1_000_000);
    assert_eq!(cfg.hash_max_listpack_entries, 256);
    assert_eq!(cfg.busy_reply_threshold, 100);
    assert_eq!(cfg.maxmemory, 2 << 30);
    // Last one wins, even across includes.
    assert_eq!(cfg.loglevel, LogLevel::Debug);
    assert_eq!(
        cfg.obuf_limit(ObufClass::Pubsub),
        ObufLimit {
            hard_limit_bytes: 64 << 20,
            soft_limit_bytes: 16 << 20,
            soft_limit_seconds: 90
        }
    );
    // Other classes keep their defaults.
    assert_eq!(
        cfg.obuf_limit(ObufClass::Replica),
        Config::default().obuf_limit(ObufClass::Replica)
    );
    assert_eq!(cfg.unixsocketperm, 0o755);
    assert_eq!(
        cfg.rename_commands,
        [
            ("FLUSHALL".to_string(), String::new()),
            ("CONFIG".into(), "secret-config".into())
        ]
    );
    assert_eq!(cfg.server_cpulist, "0-3");
    assert_eq!(cfg.maxmemory_policy, MaxmemoryPolicy::AllkeysLru);
    assert!(cfg.appendonly);
    assert_eq!(cfg.hz, MAX_HZ);
    assert_eq!(
        cfg.config_file.as_deref(),
        Some(std::path::absolute(&path).unwrap().as_path())
    );
}

#[test]
fn include_wildcards_and_cycles() {
    let dir = tmpdir("include");
    let d = dir.join("conf.d");
    fs::create_dir_all(&d).unwrap();
    fs::write(d.join("10-a.conf"), "port 1000\nmaxclients 5\n").unwrap();
    fs::write(d.join("20-b.conf"), "port 2000\n").unwrap();
    fs::write(d.join("skip.txt"), "port 3000\n").unwrap();
    let main = dir.join("main.conf");
    fs::write(
        &main,
        format!(
            "include {}/*.conf\ninclude {}/none-*.conf\n",
            d.display(),
            d.display()
        ),
    )
    .unwrap();
    let cfg = load(Some(&main), &[]).unwrap();
    assert_eq!((cfg.port, cfg.maxclients), (2000, 5));

    // A file including itself (through another file) is an error, not a
    // stack overflow.
    let a = dir.join("a.conf");
    let b = dir.join("b.conf");
    fs::write(&a, format!("port 1\ninclude {}\n", b.display())).unwrap();
    fs::write(&b, format!("\ninclude {}\n", a.display())).unwrap();
    let e = load(Some(&a), &[]).unwrap_err();
    let (line, text, msg) = line_err(&e);
    assert_eq!(line, 2);
    assert!(text.starts_with("include "), "{text}");
    assert!(msg.contains("include cycle"), "{msg}");

    // Errors inside an included file use that file's line numbers.
    let bad = dir.join("bad.conf");
    fs::write(&bad, "# x\nport nope\n").unwrap();
    let e = load_from_str(&format!("\n\n\ninclude {}\n", bad.display()), &[]).unwrap_err();
    assert_eq!(
        line_err(&e),
        (
            2,
            "port nope",
            "argument couldn't be parsed into an integer"
        )
    );

    // Missing files.
    let missing = dir.join("missing.conf");
    let e = load(Some(&missing), &[]).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "Fatal error, can't open config file '{}': No such file or directory",
            missing.display()
        )
    );
    let e = load_from_str(&format!("include {}\n", missing.display()), &[]).unwrap_err();
    assert!(matches!(e, ConfigError::Open { .. }));
}

#[test]
fn cli_overrides_file() {
    let dir = tmpdir("cli");
    let path = dir.join("f.conf");
    fs::write(
        &path,
        "port 7000\nsave 10 1\nloglevel warning\nbind 1.2.3.4\n",
    )
    .unwrap();
    let cfg = load(
        Some(&path),
        &args(&[
            "--port",
            "7001",
            "--save",
            "",
            "--bind",
            "127.0.0.1",
            "::1",
            "--maxmemory",
            "100mb",
            "--requirepass",
            "--dash",
        ]),
    )
    .unwrap();
    assert_eq!(cfg.port, 7001);
    assert!(cfg.save.is_empty());
    assert_eq!(cfg.bind, ["127.0.0.1", "::1"]);
    assert_eq!(cfg.maxmemory, 100 << 20);
    assert_eq!(cfg.requirepass, b"--dash");
    assert_eq!(cfg.loglevel, LogLevel::Warning);

    // `--save "3600 1 300 100"` is re-split; a bare trailing --save clears.
    let cfg = load_from_str("", &args(&["--save", "3600 1 300 100"])).unwrap();
    assert_eq!(cfg.save, [(3600, 1), (300, 100)]);
    let cfg = load_from_str("", &args(&["--port", "1", "--save"])).unwrap();
    assert!(cfg.save.is_empty());
    let cfg = load_from_str("", &args(&["--save", "--port", "2"])).unwrap();
    assert!(cfg.save.is_empty());
    assert_eq!(cfg.port, 2);
    // Without save lines the defaults stay.
    let cfg = load_from_str("", &args(&["--port", "3"])).unwrap();
    assert_eq!(cfg.save, Config::default().save);
}

#[test]
fn fatal_error_banner() {
    // No file: Redis parses "\n" + options, so the option is line 2.
    let e = load_from_str("", &args(&["--port", "abc"])).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "*** FATAL CONFIG FILE ERROR (ferrodis {VERSION}) ***\n\
             Reading the configuration file, at line 2\n\
             >>> 'port \"abc\"'\n\
             argument couldn't be parsed into an integer"
        )
    );
    // Options after a file are numbered after its lines.
    let e = load_from_str("port 1\nport 2\n", &args(&["--nosuch", "x"])).unwrap_err();
    assert_eq!(
        line_err(&e),
        (
            4,
            "nosuch \"x\"",
            "Bad directive or wrong number of arguments"
        )
    );
}

#[test]
fn load_error_messages() {
    assert_eq!(
        load_err("frobnicate yes"),
        "Bad directive or wrong number of arguments"
    );
    assert_eq!(load_err("port 1 2"), "wrong number of arguments");
    assert_eq!(load_err("port"), "wrong number of arguments");
    assert_eq!(
        load_err("include"),
        "Bad directive or wrong number of arguments"
    );
    assert_eq!(
        load_err("rename-command a"),
        "Bad directive or wrong number of arguments"
    );
    assert_eq!(
        load_err("requirepass \"abc"),
        "Unbalanced quotes in configuration line"
    );
    assert_eq!(
        load_err("requirepass \"abc\"x"),
        "Unbalanced quotes in configuration line"
    );
    assert_eq!(
        load_err("port 70000"),
        "argument must be between 0 and 65535 inclusive"
    );
    assert_eq!(
        load_err("port 08"),
        "argument couldn't be parsed into an integer"
    );
    assert_eq!(
        load_err("appendonly maybe"),
        "argument must be 'yes' or 'no'"
    );
    assert_eq!(
        load_err("maxmemory-policy lru"),
        "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, \
         allkeys-lru, allkeys-lfu, allkeys-random, noeviction"
    );
    assert_eq!(load_err("maxmemory 1tb"), "argument must be a memory value");
    assert_eq!(load_err("maxmemory -1"), "argument must be a memory value");
    assert_eq!(
        load_err("proto-max-bulk-len 1000"),
        "argument must be between 1048576 and 9223372036854775807 inclusive"
    );
    assert_eq!(
        load_err("io-threads 129"),
        "argument must be between 1 and 128 inclusive"
    );
    assert_eq!(
        load_err("unixsocketperm 999"),
        "argument couldn't be parsed as an octal number"
    );
    assert_eq!(
        load_err("unixsocketperm 1777"),
        "argument must be between 0 and 777 inclusive"
    );
    assert_eq!(load_err("save 100"), "Invalid save parameters");
    assert_eq!(load_err("save 0 1"), "Invalid save parameters");
    assert_eq!(load_err("save 10 x"), "Invalid save parameters");
    assert_eq!(
        load_err("client-output-buffer-limit normal 1 2"),
        "Wrong number of arguments in buffer limit configuration."
    );
    assert_eq!(
        load_err("client-output-buffer-limit master 1 2 3"),
        "Invalid client class specified in buffer limit configuration."
    );
    assert_eq!(
        load_err("client-output-buffer-limit normal 1 2 -3"),
        "Error in hard, soft or soft_seconds setting in buffer limit configuration."
    );
    assert_eq!(
        load_err(&format!("bind {}", vec!["1.1.1.1"; 17].join(" "))),
        "Too many bind addresses specified."
    );
    assert_eq!(
        load_err("dbfilename a/b.rdb"),
        "dbfilename can't be a path, just a filename"
    );
    assert_eq!(
        load_err("appendfilename \"\""),
        "appendfilename can't be empty"
    );
    // Deprecated directives are accepted and ignored, with their arity.
    assert!(
        load_from_str(
            "list-max-ziplist-value 64\nlua-replicate-commands yes\n",
            &[]
        )
        .is_ok()
    );
    assert_eq!(
        load_err("lua-replicate-commands"),
        "Bad directive or wrong number of arguments"
    );
}

// --------------------------------------------------------------------------
// CONFIG GET
// --------------------------------------------------------------------------

fn get_map(cfg: &Config, pat: &str) -> Vec<(String, String)> {
    cfg.get(pat.as_bytes())
        .into_iter()
        .map(|(k, v)| (k, String::from_utf8(v).unwrap()))
        .collect()
}

#[test]
fn config_get_renderings() {
    let cfg = Config::default();
    let one = |n: &str| cfg.get_value(n.as_bytes()).unwrap();
    assert_eq!(
        get_map(&cfg, "port"),
        [("port".to_string(), "6379".to_string())]
    );
    assert_eq!(
        get_map(&cfg, "PORT"),
        [("port".to_string(), "6379".to_string())]
    );
    assert!(get_map(&cfg, "nosuch").is_empty());
    assert_eq!(one("save"), "3600 1 300 100 60 10000");
    assert_eq!(one("bind"), "127.0.0.1 -::1");
    assert_eq!(
        one("client-output-buffer-limit"),
        "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"
    );
    assert_eq!(one("proto-max-bulk-len"), "536870912");
    assert_eq!(one("client-query-buffer-limit"), "1073741824");
    assert_eq!(one("repl-backlog-size"), "1048576");
    assert_eq!(one("unixsocketperm"), "0");
    assert_eq!(one("protected-mode"), "yes");
    assert_eq!(one("maxmemory-policy"), "noeviction");
    assert_eq!(one("requirepass"), "");
    assert_eq!(one("unixsocket"), "");
    assert_eq!(one("dir"), "./");
    assert_eq!(one("list-max-listpack-size"), "-2");
    assert_eq!(one("slowlog-log-slower-than"), "10000");
    assert_eq!(one("lua-time-limit"), "5000");
    assert_eq!(one("numa-node"), "-1");
    assert_eq!(one("cpu-affinity"), "auto");

    let cfg2 = Config {
        unixsocketperm: 0o700,
        oom_score_adj: OomScoreAdj::Relative,
        ..Config::default()
    };
    assert_eq!(cfg2.get_value(b"unixsocketperm").unwrap(), "700");
    // Redis renders the "relative" value by its first name, "yes".
    assert_eq!(cfg2.get_value(b"oom-score-adj").unwrap(), "yes");
}

#[test]
fn config_get_globs_and_aliases() {
    let cfg = Config::default();
    let names = |p: &str| {
        get_map(&cfg, p)
            .into_iter()
            .map(|(n, _)| n)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names("maxmemory*"),
        [
            "maxmemory",
            "maxmemory-policy",
            "maxmemory-samples",
            "maxmemory-eviction-tenacity",
            "maxmemory-clients"
        ]
    );
    // Aliases are reported under their own names too.
    let hash = names("hash-max-*");
    assert_eq!(
        hash,
        [
            "hash-max-listpack-entries",
            "hash-max-ziplist-entries",
            "hash-max-listpack-value",
            "hash-max-ziplist-value"
        ]
    );
    assert_eq!(names("*ziplist*").len(), 5);
    // Redis 7.0 has the same seven slave-* aliases.
    assert_eq!(
        names("slave-*"),
        [
            "slave-lazy-flush",
            "slave-read-only",
            "slave-serve-stale-data",
            "slave-priority",
            "slave-announce-ip",
            "slave-announce-port",
            "slave-ignore-maxmemory"
        ]
    );
    assert_eq!(
        get_map(&cfg, "lua-time-limit"),
        [("lua-time-limit".to_string(), "5000".to_string())]
    );
    assert_eq!(names("*cpulist*").len(), 9);
    // Hidden directives (Redis HIDDEN_CONFIG) only answer their exact name.
    let visible = TABLE.iter().filter(|d| d.flags & table::HIDDEN == 0);
    assert_eq!(
        names("*").len(),
        visible.clone().count() + visible.filter(|d| d.alias.is_some()).count()
    );
    assert!(!names("*").iter().any(|n| n == "key-load-delay"));
    assert_eq!(names("key-load-delay"), ["key-load-delay"]);
    assert_eq!(names("[pq]ort"), ["port"]);
}

// --------------------------------------------------------------------------
// CONFIG SET
// --------------------------------------------------------------------------

fn set(cfg: &mut Config, pairs: &[(&str, &str)]) -> Result<Vec<&'static str>, String> {
    let p: Vec<(&[u8], &[u8])> = pairs
        .iter()
        .map(|(a, b)| (a.as_bytes(), b.as_bytes()))
        .collect();
    cfg.set(&p)
}

#[test]
fn config_set_basic_and_changed_list() {
    let mut cfg = Config::default();
    let changed = set(
        &mut cfg,
        &[
            ("maxmemory", "10mb"),
            ("PORT", "6379"),
            ("loglevel", "WARNING"),
            ("slave-read-only", "no"),
        ],
    )
    .unwrap();
    // port did not change value, so it is not reported.
    assert_eq!(changed, ["maxmemory", "loglevel", "replica-read-only"]);
    assert_eq!(cfg.maxmemory, 10 << 20);
    assert_eq!(cfg.loglevel, LogLevel::Warning);
    assert!(!cfg.replica_read_only);
    // hz is clamped like Redis's updateHZ.
    assert_eq!(set(&mut cfg, &[("hz", "100000")]).unwrap(), ["hz"]);
    assert_eq!(cfg.hz, 500);
    set(&mut cfg, &[("hz", "0")]).unwrap();
    assert_eq!(cfg.hz, 1);
    // Multi-word values.
    set(&mut cfg, &[("save", "100 1 200 2")]).unwrap();
    assert_eq!(cfg.save, [(100, 1), (200, 2)]);
    set(&mut cfg, &[("save", "")]).unwrap();
    assert!(cfg.save.is_empty());
    set(&mut cfg, &[("bind", "0.0.0.0 ::")]).unwrap();
    assert_eq!(cfg.bind, ["0.0.0.0", "::"]);
    set(
        &mut cfg,
        &[(
            "client-output-buffer-limit",
            "normal 1mb 2mb 3 replica 4 5 6",
        )],
    )
    .unwrap();
    assert_eq!(
        cfg.get_value(b"client-output-buffer-limit").unwrap(),
        "normal 1048576 2097152 3 slave 4 5 6 pubsub 33554432 8388608 60"
    );
    // sdssplitlen semantics: a double space yields an empty word.
    assert_eq!(
        set(&mut cfg, &[("save", "100  1")]).unwrap_err(),
        "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"
    );
    assert_eq!(set(&mut cfg, &[]).unwrap(), Vec::<&str>::new());
}

#[test]
fn config_set_error_strings() {
    let mut cfg = Config::default();
    let def = Config::default();
    let e = |cfg: &mut Config, p: &[(&str, &str)]| set(cfg, p).unwrap_err();
    assert_eq!(
        e(&mut cfg, &[("nosuch", "1")]),
        "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"
    );
    assert_eq!(
        e(&mut cfg, &[("port", "abc")]),
        "ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer"
    );
    assert_eq!(
        e(&mut cfg, &[("port", "-1")]),
        "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive"
    );
    assert_eq!(
        e(&mut cfg, &[("appendonly", "1")]),
        "ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"
    );
    assert_eq!(
        e(&mut cfg, &[("appendfsync", "sometimes")]),
        "ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no"
    );
    assert_eq!(
        e(&mut cfg, &[("maxmemory", "lots")]),
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"
    );
    assert_eq!(
        e(&mut cfg, &[("daemonize", "yes")]),
        "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"
    );
    assert_eq!(
        e(&mut cfg, &[("IO-THREADS", "4")]),
        "ERR CONFIG SET failed (possibly related to argument 'IO-THREADS') - can't set immutable config"
    );
    assert_eq!(
        e(&mut cfg, &[("dir", "/tmp")]),
        "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"
    );
    assert_eq!(
        e(&mut cfg, &[("dbfilename", "x.rdb")]),
        "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config"
    );
    assert_eq!(
        e(&mut cfg, &[("maxmemory", "1mb"), ("maxmemory", "2mb")]),
        "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - duplicate parameter"
    );
    // A directive and its alias are the same parameter.
    assert_eq!(
        e(
            &mut cfg,
            &[("busy-reply-threshold", "1"), ("LUA-TIME-LIMIT", "2")]
        ),
        "ERR CONFIG SET failed (possibly related to argument 'LUA-TIME-LIMIT') - duplicate parameter"
    );
    // Value errors name the registered spelling that was used.
    assert_eq!(
        e(&mut cfg, &[("Hash-Max-Ziplist-Entries", "x")]),
        "ERR CONFIG SET failed (possibly related to argument 'hash-max-ziplist-entries') - argument couldn't be parsed into an integer"
    );
    // The first problem in argument order wins.
    assert_eq!(
        e(&mut cfg, &[("daemonize", "no"), ("nosuch", "1")]),
        "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config"
    );
    assert_eq!(
        e(&mut cfg, &[("nosuch", "1"), ("daemonize", "no")]),
        "ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"
    );
    assert_eq!(cfg, def, "failed CONFIG SETs must not change anything");
}

#[test]
fn config_set_is_atomic() {
    let mut cfg = Config::default();
    let before = cfg.clone();
    let err = set(
        &mut cfg,
        &[
            ("maxmemory", "1gb"),
            ("save", "1 1"),
            ("timeout", "5"),
            ("maxclients", "0"),
        ],
    )
    .unwrap_err();
    assert_eq!(
        err,
        "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"
    );
    assert_eq!(cfg, before);
    // Validation of names happens before any value is touched.
    let err = set(&mut cfg, &[("maxmemory", "1gb"), ("databases", "2")]).unwrap_err();
    assert!(err.contains("immutable"));
    assert_eq!(cfg, before);
    // An invalid class leaves every output buffer class unchanged.
    assert!(
        set(
            &mut cfg,
            &[("client-output-buffer-limit", "normal 1 1 1 bogus 1 1 1")]
        )
        .is_err()
    );
    assert_eq!(cfg, before);
}

#[test]
fn config_set_protected_and_hooks() {
    let mut cfg = Config {
        enable_protected_configs: ProtectedAction::Local,
        ..Config::default()
    };
    let p: [(&[u8], &[u8]); 1] = [(b"dbfilename", b"other.rdb")];
    let mut noop = |_: &'static str, _: &mut Config| Ok(());
    assert!(
        String::from_utf8(cfg.set_with(&p, false, &mut noop).unwrap_err())
            .unwrap()
            .contains("can't set protected config")
    );
    assert_eq!(cfg.set_with(&p, true, &mut noop).unwrap(), ["dbfilename"]);
    assert_eq!(cfg.dbfilename, b"other.rdb");
    let bad: [(&[u8], &[u8]); 1] = [(b"dbfilename", b"../x.rdb")];
    assert_eq!(
        cfg.set_with(&bad, true, &mut noop).unwrap_err(),
        b"ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename"
    );

    // A failing apply hook restores everything and replays the hooks.
    let mut cfg = Config::default();
    let before = cfg.clone();
    let mut calls: Vec<(String, u16)> = Vec::new();
    let pairs: [(&[u8], &[u8]); 3] = [
        (b"maxmemory", b"5mb"),
        (b"port", b"7777"),
        (b"timeout", b"0"),
    ];
    let err = cfg
        .set_with(&pairs, false, &mut |name, c| {
            calls.push((name.to_string(), c.port));
            if name == "port" && c.port == 7777 {
                Err("Unable to listen on this port. Check server logs.".into())
            } else {
                Ok(())
            }
        })
        .unwrap_err();
    assert_eq!(
        err,
        b"ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs."
    );
    assert_eq!(cfg, before);
    // maxmemory, port (fails), then the rollback replay of both with the
    // restored values. timeout did not change so its hook never ran.
    assert_eq!(
        calls,
        [
            ("maxmemory".to_string(), 7777),
            ("port".into(), 7777),
            ("maxmemory".into(), 6379),
            ("port".into(), 6379)
        ]
    );
}

#[test]
fn apply_dir_reports_chdir_errors() {
    // Only checks the failure path: changing the cwd of the test process
    // would disturb tests running in parallel.
    let mut cfg = Config {
        dir: "/nonexistent/ferrodis/dir".into(),
        ..Config::default()
    };
    assert_eq!(cfg.apply_dir().unwrap_err(), "No such file or directory");
}

#[test]
fn sensitive_and_names() {
    assert!(is_sensitive(b"requirepass"));
    assert!(is_sensitive(b"REQUIREPASS"));
    assert!(!is_sensitive(b"port"));
    assert_eq!(
        canonical_name(b"hash-max-ziplist-value"),
        Some("hash-max-listpack-value")
    );
    assert_eq!(canonical_name(b"nosuch"), None);
}

// --------------------------------------------------------------------------
// CONFIG REWRITE
// --------------------------------------------------------------------------

#[test]
fn rewrite_round_trip_preserves_comments() {
    let dir = tmpdir("rewrite");
    let path = dir.join("ferrodis.conf");
    let original = "\
# Top comment
port 7000

# memory section
maxmemory 100mb
hash-max-ziplist-entries 64
save 900 1
save 300 10
# keep me
rename-command FLUSHDB \"\"
loglevel verbose
loglevel verbose
timeout 0
";
    fs::write(&path, original).unwrap();
    let mut cfg = load(Some(&path), &[]).unwrap();
    set(
        &mut cfg,
        &[
            ("port", "7100"),
            ("maxmemory", "2gb"),
            ("save", "60 5"),
            ("requirepass", "s3cr\"t x"),
            ("hz", "50"),
        ],
    )
    .unwrap();
    set(
        &mut cfg,
        &[
            ("client-output-buffer-limit", "pubsub 64mb 1000 30"),
            ("hash-max-listpack-entries", "256"),
        ],
    )
    .unwrap();
    cfg.rewrite(&path).unwrap();

    let text = fs::read_to_string(&path).unwrap();
    let expected = "\
# Top comment
port 7100

# memory section
maxmemory 2gb
hash-max-listpack-entries 256
save 60 5

# keep me
rename-command FLUSHDB \"\"
loglevel verbose

timeout 0
# Generated by CONFIG REWRITE
requirepass \"s3cr\\\"t x\"
client-output-buffer-limit pubsub 64mb 1000 30
hz 50
";
    assert_eq!(text, expected);

    let reloaded = load(Some(&path), &[]).unwrap();
    assert_eq!(reloaded, cfg);

    // A second rewrite is a no-op and does not add another marker.
    cfg.rewrite(&path).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), expected);

    // Going back to a default keeps the existing line (rewritten in place)
    // but never appends lines for defaults.
    set(
        &mut cfg,
        &[("hz", "10"), ("save", "3600 1 300 100 60 10000")],
    )
    .unwrap();
    cfg.rewrite(&path).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("\nhz 10\n"));
    // The extra save points stay together with the existing save line.
    assert!(
        text.contains("\nsave 3600 1\nsave 300 100\nsave 60 10000\n\n# keep me"),
        "{text}"
    );
    assert!(text.contains("# Generated by CONFIG REWRITE\nrequirepass"));
    assert_eq!(load(Some(&path), &[]).unwrap(), cfg);
}

#[test]
fn rewrite_empty_save_and_unknown_lines() {
    let dir = tmpdir("rewrite2");
    let path = dir.join("r.conf");
    fs::write(
        &path,
        "frobnicate 1\nport \"unbalanced\ninclude /nonexistent/x.conf\n",
    )
    .unwrap();
    let mut cfg = Config::default();
    set(&mut cfg, &[("save", ""), ("bind", "")]).unwrap();
    cfg.rewrite(&path).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "# ??? frobnicate 1\n# ??? port \"unbalanced\ninclude /nonexistent/x.conf\n\
         # Generated by CONFIG REWRITE\nbind \"\"\nsave \"\"\n"
    );

    // A missing file is created from scratch with only non-defaults.
    let fresh = dir.join("fresh.conf");
    let mut cfg = Config::default();
    set(&mut cfg, &[("appendonly", "yes")]).unwrap();
    cfg.rewrite(&fresh).unwrap();
    assert_eq!(
        fs::read_to_string(&fresh).unwrap(),
        "# Generated by CONFIG REWRITE\nappendonly yes\n"
    );
    let again = load(Some(&fresh), &[]).unwrap();
    assert!(again.appendonly);

    // Unwritable target directory.
    let err = cfg
        .rewrite(Path::new("/nonexistent-dir/ferrodis.conf"))
        .unwrap_err();
    assert_eq!(err, "ERR Rewriting config file: No such file or directory");
}

#[test]
fn rewrite_of_shipped_file_is_identity() {
    let dir = tmpdir("shipped");
    let path = dir.join("ferrodis.conf");
    let text = include_str!("../../ferrodis.conf");
    fs::write(&path, text).unwrap();
    let cfg = load(Some(&path), &[]).unwrap();
    cfg.rewrite(&path).unwrap();
    let out = fs::read_to_string(&path).unwrap();
    // Only whitespace normalisation may differ (blank-line runs).
    let norm = |s: &str| {
        s.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(norm(&out), norm(text));
}

#[test]
fn rewrite_matches_output_buffer_lines_by_class() {
    let dir = tmpdir("obuf");
    let path = dir.join("o.conf");
    fs::write(
        &path,
        "client-output-buffer-limit pubsub 1mb 1mb 1\n# between\nclient-output-buffer-limit \"normal 0 0 0\"\n",
    )
    .unwrap();
    let mut cfg = load(Some(&path), &[]).unwrap();
    assert_eq!(cfg.obuf_limit(ObufClass::Pubsub).soft_limit_seconds, 1);
    set(
        &mut cfg,
        &[(
            "client-output-buffer-limit",
            "pubsub 32mb 8mb 60 slave 1gb 512mb 120",
        )],
    )
    .unwrap();
    cfg.rewrite(&path).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        // The new replica line joins the existing lines of the directive.
        "client-output-buffer-limit pubsub 32mb 8mb 60\n# between\nclient-output-buffer-limit normal 0 0 0\n\
         client-output-buffer-limit replica 1gb 512mb 120\n"
    );
    assert_eq!(load(Some(&path), &[]).unwrap(), cfg);
}

#[test]
fn stored_directives_rewrite_and_reload_to_the_same_values() {
    let dir = tmpdir("stored");
    let path = dir.join("ferrodis.conf");
    fs::write(&path, "slaveof 10.0.0.1 6380\nport 7000\n").unwrap();
    let mut cfg = load(Some(&path), &[]).unwrap();
    assert_eq!(cfg.get_value(b"replicaof").unwrap(), "10.0.0.1 6380");
    cfg.set(&[
        (b"notify-keyspace-events", b"KEA"),
        (b"oom-score-adj-values", b"1 2 3"),
        (b"latency-tracking-info-percentiles", b""),
        (b"masterauth", b"se cr\xffet"),
        (b"shutdown-on-sigterm", b"now nosave"),
        (b"maxmemory-clients", b"10%"),
    ])
    .unwrap();
    cfg.rewrite(&path).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains("replicaof 10.0.0.1 6380\n"), "{text}");
    assert!(text.contains("notify-keyspace-events \"AKE\"\n"), "{text}");
    assert!(
        text.contains("latency-tracking-info-percentiles \"\"\n"),
        "{text}"
    );
    let back = load(Some(&path), &[]).unwrap();
    assert_eq!(back.stored, cfg.stored);
    assert_eq!(
        back.get_value(b"shutdown-on-sigterm").unwrap(),
        "nosave now"
    );
    assert_eq!(
        back.without_effect().len(),
        7,
        "{:?}",
        back.without_effect()
    );
}

#[test]
fn string_directives_keep_any_bytes_and_paths_must_be_utf8() {
    let mut cfg = Config::default();
    cfg.set(&[(b"requirepass", b"\xff\x00p"), (b"masteruser", b"u\xe9")])
        .unwrap();
    assert_eq!(cfg.requirepass, b"\xff\x00p");
    let got = cfg.get("requirepass".as_bytes());
    assert_eq!(got, [("requirepass".to_string(), b"\xff\x00p".to_vec())]);
    // Paths handed to the OS stay UTF-8.
    let dir = tmpdir("bytes");
    let path = dir.join("ferrodis.conf");
    fs::write(
        &path,
        b"dbfilename \"d\\xe9.rdb\"\npidfile \"/tmp/\\xff.pid\"\n",
    )
    .unwrap();
    match load(Some(&path), &[]) {
        Err(ConfigError::Line { line, msg, .. }) => {
            assert_eq!((line, msg.as_str()), (2, "argument must be valid UTF-8"));
        }
        other => panic!("{other:?}"),
    }
}

/// Each name and alias appears once in the directive table: a second row
/// for the same name (a stored placeholder left behind when the directive
/// got a real field) would be unreachable by lookup yet still rendered.
#[test]
fn directive_names_and_aliases_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for d in super::table::TABLE {
        assert!(seen.insert(d.name), "directive {} listed twice", d.name);
        if let Some(a) = d.alias {
            assert!(seen.insert(a), "alias {a} listed twice");
        }
    }
}
