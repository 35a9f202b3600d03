//! Generic key commands (db.c, object.c): TYPE, RENAME, KEYS, SCAN,
//! RANDOMKEY, TOUCH, COPY, DBSIZE, MOVE, SWAPDB, OBJECT.
mod common;

use common::{assert_scan_arg_errors, encoding, get, line, q, scan_all, set};
use redis::Connection;
use std::collections::HashSet;

fn select(c: &mut Connection, db: i64) {
    let _: () = q(c, &["SELECT", &db.to_string()]);
}

#[test]
fn type_rename_renamenx() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    set(&mut c, "a", "1");
    assert_eq!(q::<String>(&mut c, &["TYPE", "a"]), "string");
    assert_eq!(q::<String>(&mut c, &["TYPE", "zz"]), "none");

    let _: () = q(&mut c, &["EXPIRE", "a", "100"]);
    let _: () = q(&mut c, &["RENAME", "a", "b"]);
    assert_eq!(get(&mut c, "a"), None);
    assert_eq!(get(&mut c, "b").as_deref(), Some("1"));
    assert!(
        q::<i64>(&mut c, &["TTL", "b"]) > 0,
        "TTL moves with the key"
    );
    set(&mut c, "c", "3");
    let _: () = q(&mut c, &["RENAME", "b", "c"]);
    assert_eq!(get(&mut c, "c").as_deref(), Some("1"));
    assert!(q::<i64>(&mut c, &["TTL", "c"]) > 0);
    assert_eq!(line(&mut r, &["RENAME", "nokey", "x"]), "-ERR no such key");
    assert_eq!(
        line(&mut r, &["RENAMENX", "nokey", "x"]),
        "-ERR no such key"
    );
    assert_eq!(line(&mut r, &["RENAME", "c", "c"]), "+OK");
    assert_eq!(line(&mut r, &["RENAMENX", "c", "c"]), ":0");
    set(&mut c, "d", "4");
    assert_eq!(q::<i64>(&mut c, &["RENAMENX", "c", "d"]), 0);
    assert_eq!(get(&mut c, "d").as_deref(), Some("4"));
    assert_eq!(q::<i64>(&mut c, &["RENAMENX", "c", "e"]), 1);
    assert_eq!(get(&mut c, "e").as_deref(), Some("1"));
    assert_eq!(get(&mut c, "c"), None);
}

#[test]
fn keys_dbsize_randomkey_touch() {
    let s = common::Server::start();
    let mut c = s.conn();
    assert_eq!(q::<i64>(&mut c, &["DBSIZE"]), 0);
    assert_eq!(q::<Option<String>>(&mut c, &["RANDOMKEY"]), None);
    for k in ["foo", "foobar", "bar", "fxo", ""] {
        set(&mut c, k, "v");
    }
    assert_eq!(q::<i64>(&mut c, &["DBSIZE"]), 5);
    let mut all: Vec<String> = q(&mut c, &["KEYS", "*"]);
    all.sort();
    assert_eq!(all, vec!["", "bar", "foo", "foobar", "fxo"]);
    let mut f: Vec<String> = q(&mut c, &["KEYS", "f?o*"]);
    f.sort();
    assert_eq!(f, vec!["foo", "foobar", "fxo"]);
    let none: Vec<String> = q(&mut c, &["KEYS", "nomatch*"]);
    assert!(none.is_empty());
    // Keys whose TTL passed are not listed.
    let _: () = q(&mut c, &["PEXPIRE", "bar", "1"]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let all: Vec<String> = q(&mut c, &["KEYS", "*"]);
    assert!(!all.contains(&"bar".to_string()));

    let mut seen = HashSet::new();
    for _ in 0..200 {
        let k: Option<String> = q(&mut c, &["RANDOMKEY"]);
        seen.insert(k.expect("a key"));
    }
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(!seen.contains("bar"));

    let n: i64 = q(&mut c, &["TOUCH", "foo", "fxo", "none"]);
    assert_eq!(n, 2);
}

#[test]
fn scan_options_and_errors() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    for i in 0..100 {
        set(&mut c, &format!("key:{i}"), "v");
        set(&mut c, &format!("other:{i}"), "v");
    }
    let (keys, _) = scan_all(&mut c, &["SCAN"], &["MATCH", "key:*", "COUNT", "7"]);
    let mut got = HashSet::new();
    for k in keys {
        assert!(k.starts_with("key:"), "{k}");
        got.insert(k);
    }
    assert_eq!(got.len(), 100);
    // TYPE filter: every key is a string.
    let (_, keys): (String, Vec<String>) =
        q(&mut c, &["SCAN", "0", "TYPE", "list", "COUNT", "1000"]);
    assert!(keys.is_empty());
    let (_, keys): (String, Vec<String>) =
        q(&mut c, &["SCAN", "0", "TYPE", "string", "COUNT", "1000"]);
    assert_eq!(keys.len(), 200);
    assert_scan_arg_errors(&mut r, &["SCAN"]);
}

/// Every key present from start to end of a SCAN is returned at least once,
/// even while keys are added and the table grows (rehashes) in between.
#[test]
fn scan_across_resize_while_adding() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut p = redis::pipe();
    for i in 0..10_000 {
        p.cmd("SET").arg(format!("k{i}")).arg(i).ignore();
    }
    let _: () = p.query(&mut c).unwrap();
    let mut cursor = "0".to_string();
    let mut got = HashSet::new();
    let mut added = 0;
    let mut calls = 0;
    loop {
        let (next, keys): (String, Vec<String>) = q(&mut c, &["SCAN", &cursor, "COUNT", "10"]);
        got.extend(keys);
        // Keep adding keys so the table resizes during the iteration.
        if added < 20_000 {
            let mut p = redis::pipe();
            for j in 0..50 {
                p.cmd("SET")
                    .arg(format!("new{}", added + j))
                    .arg(1)
                    .ignore();
            }
            let _: () = p.query(&mut c).unwrap();
            added += 50;
        }
        cursor = next;
        calls += 1;
        if cursor == "0" {
            break;
        }
        assert!(calls < 100_000, "SCAN did not terminate");
    }
    for i in 0..10_000 {
        assert!(got.contains(&format!("k{i}")), "k{i} missed by SCAN");
    }
}

#[test]
fn copy_move_swapdb() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    set(&mut c, "src", "hello");
    let _: () = q(&mut c, &["EXPIRE", "src", "100"]);
    assert_eq!(q::<i64>(&mut c, &["COPY", "src", "dst"]), 1);
    assert_eq!(get(&mut c, "dst").as_deref(), Some("hello"));
    assert!(q::<i64>(&mut c, &["TTL", "dst"]) > 0);
    // The copy is independent of the source.
    let _: i64 = q(&mut c, &["APPEND", "dst", "!"]);
    assert_eq!(get(&mut c, "src").as_deref(), Some("hello"));
    assert_eq!(q::<i64>(&mut c, &["COPY", "src", "dst"]), 0);
    assert_eq!(q::<i64>(&mut c, &["COPY", "src", "dst", "REPLACE"]), 1);
    assert_eq!(get(&mut c, "dst").as_deref(), Some("hello"));
    assert_eq!(q::<i64>(&mut c, &["COPY", "nokey", "x"]), 0);
    assert_eq!(q::<i64>(&mut c, &["COPY", "src", "src", "DB", "3"]), 1);
    assert_eq!(
        line(&mut r, &["COPY", "src", "src"]),
        "-ERR source and destination objects are the same"
    );
    assert_eq!(
        line(&mut r, &["COPY", "src", "x", "DB", "99"]),
        "-ERR DB index is out of range"
    );
    assert_eq!(
        line(&mut r, &["COPY", "src", "x", "DB", "z"]),
        "-ERR value is not an integer or out of range"
    );
    assert_eq!(
        line(&mut r, &["COPY", "src", "x", "BAD"]),
        "-ERR syntax error"
    );
    select(&mut c, 3);
    assert_eq!(get(&mut c, "src").as_deref(), Some("hello"));
    select(&mut c, 0);

    // MOVE
    set(&mut c, "m", "1");
    assert_eq!(q::<i64>(&mut c, &["MOVE", "m", "1"]), 1);
    assert_eq!(get(&mut c, "m"), None);
    set(&mut c, "m", "2");
    assert_eq!(q::<i64>(&mut c, &["MOVE", "m", "1"]), 0);
    assert_eq!(q::<i64>(&mut c, &["MOVE", "nokey", "1"]), 0);
    assert_eq!(
        line(&mut r, &["MOVE", "m", "0"]),
        "-ERR source and destination objects are the same"
    );
    assert_eq!(
        line(&mut r, &["MOVE", "m", "16"]),
        "-ERR DB index is out of range"
    );
    assert_eq!(
        line(&mut r, &["MOVE", "m", "x"]),
        "-ERR value is not an integer or out of range"
    );
    select(&mut c, 1);
    assert_eq!(get(&mut c, "m").as_deref(), Some("1"));

    // SWAPDB: db1 {m:1}, db0 {src,dst,m:2}
    let _: () = q(&mut c, &["SWAPDB", "0", "1"]);
    assert_eq!(get(&mut c, "m").as_deref(), Some("2"));
    assert_eq!(q::<i64>(&mut c, &["DBSIZE"]), 3);
    select(&mut c, 0);
    assert_eq!(q::<i64>(&mut c, &["DBSIZE"]), 1);
    assert_eq!(
        line(&mut r, &["SWAPDB", "0", "x"]),
        "-ERR invalid second DB index"
    );
    assert_eq!(
        line(&mut r, &["SWAPDB", "x", "0"]),
        "-ERR invalid first DB index"
    );
    assert_eq!(
        line(&mut r, &["SWAPDB", "0", "16"]),
        "-ERR DB index is out of range"
    );
    assert_eq!(line(&mut r, &["SWAPDB", "2", "2"]), "+OK");
}

#[test]
fn swapdb_invalidates_watch() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut other = s.conn();
    set(&mut c, "w", "1");
    let _: () = q(&mut c, &["WATCH", "w"]);
    let _: () = q(&mut other, &["SWAPDB", "0", "1"]);
    let _: () = q(&mut c, &["MULTI"]);
    let _: () = q(&mut c, &["SET", "w", "2"]);
    let v: Option<Vec<String>> = q(&mut c, &["EXEC"]);
    assert_eq!(v, None, "EXEC must fail after SWAPDB touched a watched db");

    // A watched key that exists in neither swapped db is not touched.
    let _: () = q(&mut c, &["WATCH", "absent"]);
    let _: () = q(&mut other, &["SWAPDB", "0", "1"]);
    let _: () = q(&mut c, &["MULTI"]);
    let _: () = q(&mut c, &["SET", "x", "1"]);
    let v: Option<Vec<String>> = q(&mut c, &["EXEC"]);
    assert_eq!(v, Some(vec!["OK".to_string()]));
}

#[test]
fn object_subcommands() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    set(&mut c, "i", "123");
    set(&mut c, "bigint", "123456");
    set(&mut c, "s", "abc");
    assert_eq!(encoding(&mut c, "i").as_deref(), Some("int"));
    assert_eq!(encoding(&mut c, "s").as_deref(), Some("embstr"));
    assert_eq!(encoding(&mut c, "nokey"), None);
    let rc = |c: &mut Connection, k: &str| -> i64 { q(c, &["OBJECT", "REFCOUNT", k]) };
    assert_eq!(rc(&mut c, "i"), 2147483647);
    assert_eq!(rc(&mut c, "bigint"), 1);
    assert_eq!(rc(&mut c, "s"), 1);
    let idle: i64 = q(&mut c, &["OBJECT", "IDLETIME", "s"]);
    assert!((0..=2).contains(&idle), "{idle}");
    assert_eq!(
        line(&mut r, &["OBJECT", "FREQ", "s"]),
        "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust."
    );
    let help: Vec<String> = q(&mut c, &["OBJECT", "HELP"]);
    assert!(help[0].starts_with("OBJECT <subcommand>"));
    assert_eq!(
        help.last().map(String::as_str),
        Some("    Print this help.")
    );
    assert_eq!(
        line(&mut r, &["OBJECT", "NOPE", "s"]),
        "-ERR unknown subcommand 'NOPE'. Try OBJECT HELP."
    );
    assert_eq!(
        line(&mut r, &["OBJECT", "ENCODING"]),
        "-ERR wrong number of arguments for 'object|encoding' command"
    );
}

#[test]
fn object_under_lfu_policy() {
    let s = common::Server::start_with(&["--maxmemory-policy", "allkeys-lfu"]);
    let mut c = s.conn();
    let mut r = s.raw();
    set(&mut c, "s", "abc");
    let f: i64 = q(&mut c, &["OBJECT", "FREQ", "s"]);
    assert!((0..=255).contains(&f));
    assert!(
        line(&mut r, &["OBJECT", "IDLETIME", "s"])
            .starts_with("-ERR An LFU maxmemory policy is selected, idle time not tracked.")
    );
}

/// KEYS (and through the same matcher SCAN/HSCAN/SSCAN/ZSCAN MATCH, CONFIG
/// GET, COMMAND LIST FILTERBY PATTERN) answers what redis-server 7.0.15's
/// `stringmatchlen` answers: random patterns over an alphabet of glob
/// metacharacters (classes, `[^`, reversed ranges, escapes, unterminated
/// classes, runs of stars) against random keys, plus patterns nested past
/// CVE-2022-36021's limit of 1000 star groups.
#[test]
fn keys_patterns_match_like_redis_including_nesting_limit() {
    let ours = common::Server::start();
    let redis = common::oracle::Redis::start();
    let mut a = ours.conn();
    let mut b = redis.conn();
    let mut rng = common::Rng(0x5EED_6106);
    let key_alpha = b"abAB-]^\\[*?z";
    let pat_alpha = b"ab*?[]^-\\Az*";
    let mut keys: Vec<Vec<u8>> = Vec::new();
    for _ in 0..300 {
        let n = rng.below(7) as usize + 1;
        keys.push(
            (0..n)
                .map(|_| key_alpha[rng.below(key_alpha.len() as u64) as usize])
                .collect(),
        );
    }
    keys.push(vec![b'a'; 2000]);
    keys.push([vec![b'a'; 1999], vec![b'b']].concat());
    for k in &keys {
        for c in [&mut a, &mut b] {
            let _: () = redis::cmd("SET").arg(k).arg("v").query(c).unwrap();
        }
    }
    let mut patterns: Vec<Vec<u8>> = Vec::new();
    for _ in 0..1500 {
        let n = rng.below(9) as usize;
        patterns.push(
            (0..n)
                .map(|_| pat_alpha[rng.below(pat_alpha.len() as u64) as usize])
                .collect(),
        );
    }
    for (unit, times) in [
        (&b"*?"[..], 1500),
        (b"*?", 1000),
        (b"*?", 1001),
        (b"**?", 1000),
        (b"*a", 999),
        (b"*a", 1000),
        (b"*a", 1001),
        (b"?*", 1000),
        (b"?*", 1001),
        (b"*[a-b]", 1001),
    ] {
        patterns.push(unit.repeat(times));
        patterns.push([unit.repeat(times), b"*".to_vec()].concat());
        patterns.push([unit.repeat(times), b"b".to_vec()].concat());
    }
    let keys_of = |c: &mut Connection, p: &[u8]| -> Vec<Vec<u8>> {
        let mut v: Vec<Vec<u8>> = redis::cmd("KEYS").arg(p).query(c).unwrap();
        v.sort();
        v
    };
    for p in &patterns {
        assert_eq!(
            keys_of(&mut a, p),
            keys_of(&mut b, p),
            "KEYS {:?}",
            String::from_utf8_lossy(&p[..p.len().min(80)])
        );
    }
}

/// The `nocase` side of the matcher, through COMMAND LIST FILTERBY PATTERN,
/// compared on the command names both servers know.
#[test]
fn command_list_pattern_matches_nocase_like_redis() {
    let ours = common::Server::start();
    let redis = common::oracle::Redis::start();
    let mut a = ours.conn();
    let mut b = redis.conn();
    let list = |c: &mut Connection, p: Option<&[u8]>| -> HashSet<Vec<u8>> {
        let mut cmd = redis::cmd("COMMAND");
        cmd.arg("LIST");
        if let Some(p) = p {
            cmd.arg("FILTERBY").arg("PATTERN").arg(p);
        }
        let v: Vec<Vec<u8>> = cmd.query(c).unwrap();
        v.into_iter().collect()
    };
    let common_names: HashSet<Vec<u8>> = &list(&mut a, None) & &list(&mut b, None);
    assert!(common_names.len() > 100);
    let mut rng = common::Rng(0xC0DE);
    let alpha = b"sSeEtTlL*?[]^-\\rRgG|";
    for _ in 0..400 {
        let n = rng.below(7) as usize + 1;
        let p: Vec<u8> = (0..n)
            .map(|_| alpha[rng.below(alpha.len() as u64) as usize])
            .collect();
        let ours: HashSet<Vec<u8>> = &list(&mut a, Some(&p)) & &common_names;
        let theirs: HashSet<Vec<u8>> = &list(&mut b, Some(&p)) & &common_names;
        assert_eq!(ours, theirs, "pattern {:?}", String::from_utf8_lossy(&p));
    }
}

/// SCAN/HSCAN/SSCAN/ZSCAN MATCH share the matcher and its nesting limit.
#[test]
fn scan_family_match_stops_at_nesting_limit_like_redis() {
    let mut pair = common::oracle::Pair::start();
    let long = "a".repeat(2000);
    pair.same(&["HSET", "h", &long, "1", "x", "2"]);
    pair.same(&["SADD", "s", &long, "x"]);
    pair.same(&["ZADD", "z", "1", &long, "2", "x"]);
    pair.same(&["SET", &long, "1"]);
    for (unit, n) in [("*?", 1500), ("*?", 1000), ("*?", 1001)] {
        let pat = unit.repeat(n);
        for cmd in ["HSCAN", "SSCAN", "ZSCAN"] {
            let key = &cmd[..1].to_lowercase();
            pair.same(&[cmd, key, "0", "MATCH", &pat, "COUNT", "100"]);
        }
        let (ours, theirs) = pair.run(&["SCAN", "0", "MATCH", &pat, "COUNT", "1000"]);
        let found = |r: &[u8]| r.windows(2000).any(|w| w == long.as_bytes());
        assert_eq!(found(&ours), found(&theirs), "SCAN MATCH {unit} x {n}");
    }
}
