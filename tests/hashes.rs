//! Hash commands over real sockets: replies and errors of every command,
//! listpack -> hashtable conversions (by count, by element size, after
//! CONFIG SET), the CVE-2023-28856 HINCRBYFLOAT case, WRONGTYPE, HSCAN full
//! iteration, and a seeded randomized test against a HashMap model.
mod common;

use std::collections::{HashMap, HashSet};

use common::{Rng, assert_enc, assert_scan_arg_errors, assert_wrongtype, line, q, scan_all};

#[test]
fn basic_replies() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    assert_eq!(q::<i64>(&mut c, &["HSET", "h", "a", "1", "b", "2"]), 2);
    assert_eq!(q::<i64>(&mut c, &["HSET", "h", "a", "10", "c", "3"]), 1);
    assert_eq!(q::<String>(&mut c, &["HGET", "h", "a"]), "10");
    assert_eq!(q::<Option<String>>(&mut c, &["HGET", "h", "zz"]), None);
    assert_eq!(q::<Option<String>>(&mut c, &["HGET", "nokey", "a"]), None);
    assert_eq!(
        q::<Vec<Option<String>>>(&mut c, &["HMGET", "h", "a", "x", "c"]),
        vec![Some("10".into()), None, Some("3".into())]
    );
    assert_eq!(
        q::<Vec<Option<String>>>(&mut c, &["HMGET", "nokey", "a", "b"]),
        vec![None, None]
    );
    assert_eq!(q::<i64>(&mut c, &["HSETNX", "h", "a", "99"]), 0);
    assert_eq!(q::<i64>(&mut c, &["HSETNX", "h", "d", "4"]), 1);
    assert_eq!(q::<String>(&mut c, &["HGET", "h", "a"]), "10");
    assert_eq!(line(&mut r, &["HMSET", "h", "e", "5", "f", "6"]), "+OK");
    assert_eq!(q::<i64>(&mut c, &["HLEN", "h"]), 6);
    assert_eq!(q::<i64>(&mut c, &["HLEN", "nokey"]), 0);
    assert_eq!(q::<i64>(&mut c, &["HSTRLEN", "h", "a"]), 2);
    assert_eq!(q::<i64>(&mut c, &["HSTRLEN", "h", "nofield"]), 0);
    assert_eq!(q::<i64>(&mut c, &["HEXISTS", "h", "a"]), 1);
    assert_eq!(q::<i64>(&mut c, &["HEXISTS", "h", "zz"]), 0);
    assert_eq!(q::<i64>(&mut c, &["HEXISTS", "nokey", "zz"]), 0);
    let mut keys: Vec<String> = q(&mut c, &["HKEYS", "h"]);
    keys.sort();
    assert_eq!(keys, ["a", "b", "c", "d", "e", "f"]);
    let mut vals: Vec<String> = q(&mut c, &["HVALS", "h"]);
    vals.sort();
    assert_eq!(vals, ["10", "2", "3", "4", "5", "6"]);
    let all: HashMap<String, String> = q(&mut c, &["HGETALL", "h"]);
    assert_eq!(all.len(), 6);
    assert_eq!(all["a"], "10");
    assert_eq!(q::<Vec<String>>(&mut c, &["HKEYS", "nokey"]).len(), 0);
    assert_eq!(line(&mut r, &["HGETALL", "nokey"]), "*0");
    assert_eq!(q::<i64>(&mut c, &["HDEL", "h", "a", "b", "zz"]), 2);
    assert_eq!(q::<i64>(&mut c, &["HDEL", "nokey", "a"]), 0);
    assert_eq!(q::<i64>(&mut c, &["HDEL", "h", "c", "d", "e", "f"]), 4);
    // Emptied hashes are deleted.
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "h"]), 0);
    // Arity errors.
    assert_eq!(
        line(&mut r, &["HSET", "h", "a", "1", "b"]),
        "-ERR wrong number of arguments for 'hset' command"
    );
    assert_eq!(
        line(&mut r, &["HMSET", "h", "a"]),
        "-ERR wrong number of arguments for 'hmset' command"
    );
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "h"]), 0);
    // Integer-looking fields and values round trip as strings.
    assert_eq!(
        q::<i64>(&mut c, &["HSET", "n", "-12", "007", "12", "-0"]),
        2
    );
    assert_eq!(q::<String>(&mut c, &["HGET", "n", "-12"]), "007");
    assert_eq!(q::<String>(&mut c, &["HGET", "n", "12"]), "-0");
    assert_eq!(q::<i64>(&mut c, &["HSTRLEN", "n", "-12"]), 3);
}

#[test]
fn hgetall_resp3_map() {
    let s = common::Server::start();
    let mut r = s.raw();
    let hello = line(&mut r, &["HELLO", "3"]);
    assert!(!hello.starts_with("-ERR"), "HELLO failed: {hello}");
    // Drain the rest of HELLO's map reply: ask PING and read to its PONG.
    r.send(&common::resp(&[b"PING"]));
    r.read_until(b"+PONG\r\n");
    r.send(&common::resp(&[b"HSET", b"h", b"f", b"v"]));
    assert_eq!(r.read_until(b"\r\n"), b":1\r\n");
    r.send(&common::resp(&[b"HGETALL", b"h"]));
    assert_eq!(
        r.read_until(b"$1\r\nv\r\n"),
        b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
    );
    r.send(&common::resp(&[b"HRANDFIELD", b"h", b"1", b"WITHVALUES"]));
    assert_eq!(
        r.read_until(b"$1\r\nv\r\n"),
        b"*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"
    );
}

#[test]
fn incr_commands() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    assert_eq!(q::<i64>(&mut c, &["HINCRBY", "h", "n", "5"]), 5);
    assert_eq!(q::<i64>(&mut c, &["HINCRBY", "h", "n", "-7"]), -2);
    assert_eq!(
        line(&mut r, &["HINCRBY", "h", "n", "x"]),
        "-ERR value is not an integer or out of range"
    );
    q::<i64>(
        &mut c,
        &["HSET", "h", "s", "abc", "big", "9223372036854775800"],
    );
    assert_eq!(
        line(&mut r, &["HINCRBY", "h", "s", "1"]),
        "-ERR hash value is not an integer"
    );
    assert_eq!(
        line(&mut r, &["HINCRBY", "h", "big", "8"]),
        "-ERR increment or decrement would overflow"
    );
    assert_eq!(q::<i64>(&mut c, &["HINCRBY", "h", "big", "7"]), i64::MAX);

    assert_eq!(
        q::<String>(&mut c, &["HINCRBYFLOAT", "h", "f", "10.5"]),
        "10.5"
    );
    assert_eq!(
        q::<String>(&mut c, &["HINCRBYFLOAT", "h", "f", "0.1"]),
        "10.6"
    );
    assert_eq!(
        q::<String>(&mut c, &["HINCRBYFLOAT", "h", "n", "2.5"]),
        "0.5"
    );
    assert_eq!(
        q::<String>(&mut c, &["HINCRBYFLOAT", "h", "e", "5.0e3"]),
        "5000"
    );
    assert_eq!(q::<String>(&mut c, &["HGET", "h", "e"]), "5000");
    assert_eq!(
        line(&mut r, &["HINCRBYFLOAT", "h", "s", "1"]),
        "-ERR hash value is not a float"
    );
    assert_eq!(
        line(&mut r, &["HINCRBYFLOAT", "h", "f", "abc"]),
        "-ERR value is not a valid float"
    );
    q::<i64>(&mut c, &["HSET", "h", "huge", "1.5e308"]);
    assert_eq!(
        line(&mut r, &["HINCRBYFLOAT", "h", "huge", "1.5e308"]),
        "-ERR increment would produce NaN or Infinity"
    );
    assert_eq!(q::<String>(&mut c, &["HGET", "h", "huge"]), "1.5e308");
}

/// CVE-2023-28856: HINCRBYFLOAT with an infinite increment on a missing key
/// used to leave an empty hash behind. It must fail and create nothing.
#[test]
fn hincrbyfloat_inf_creates_no_key() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    for inc in ["+inf", "-inf", "inf"] {
        let l = line(&mut r, &["HINCRBYFLOAT", "k", "f", inc]);
        assert_eq!(l, "-ERR value is NaN or Infinity", "{inc}");
        assert_eq!(q::<i64>(&mut c, &["EXISTS", "k"]), 0);
    }
    // And the server is still healthy afterwards.
    assert_eq!(q::<String>(&mut c, &["HINCRBYFLOAT", "k", "f", "1"]), "1");
    assert_eq!(q::<i64>(&mut c, &["HLEN", "k"]), 1);
}

#[test]
fn hrandfield() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    assert_eq!(q::<Option<String>>(&mut c, &["HRANDFIELD", "nokey"]), None);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["HRANDFIELD", "nokey", "5"]).len(),
        0
    );
    for (key, n) in [("small", 5), ("big", 300)] {
        let mut model = HashMap::new();
        for i in 0..n {
            let (f, v) = (format!("f{i}"), format!("v{i}"));
            q::<i64>(&mut c, &["HSET", key, &f, &v]);
            model.insert(f, v);
        }
        let f: String = q(&mut c, &["HRANDFIELD", key]);
        assert!(model.contains_key(&f));
        let got: Vec<String> = q(&mut c, &["HRANDFIELD", key, "3"]);
        assert_eq!(got.len(), 3);
        assert_eq!(got.iter().collect::<HashSet<_>>().len(), 3, "distinct");
        assert!(got.iter().all(|f| model.contains_key(f)));
        // A count over the size returns every field once.
        let got: Vec<String> = q(&mut c, &["HRANDFIELD", key, "1000"]);
        assert_eq!(got.len(), n);
        assert_eq!(got.iter().collect::<HashSet<_>>().len(), n);
        // Negative: exactly |count| fields, repeats allowed.
        let got: Vec<String> = q(&mut c, &["HRANDFIELD", key, "-20"]);
        assert_eq!(got.len(), 20);
        assert!(got.iter().all(|f| model.contains_key(f)));
        if n == 5 {
            assert!(got.iter().collect::<HashSet<_>>().len() < 20);
        }
        let got: Vec<String> = q(&mut c, &["HRANDFIELD", key, "-4", "WITHVALUES"]);
        assert_eq!(got.len(), 8);
        for p in got.chunks(2) {
            assert_eq!(model[&p[0]], p[1]);
        }
        let got: Vec<String> = q(&mut c, &["HRANDFIELD", key, "2", "withvalues"]);
        assert_eq!(got.len(), 4);
        for p in got.chunks(2) {
            assert_eq!(model[&p[0]], p[1]);
        }
        assert_eq!(q::<Vec<String>>(&mut c, &["HRANDFIELD", key, "0"]).len(), 0);
    }
    assert_eq!(
        line(&mut r, &["HRANDFIELD", "small", "1", "bogus"]),
        "-ERR syntax error"
    );
    assert_eq!(
        line(&mut r, &["HRANDFIELD", "small", "x"]),
        "-ERR value is not an integer or out of range"
    );
}

#[test]
fn hscan_full_iteration() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    // Listpack: everything in one call, cursor 0.
    q::<i64>(&mut c, &["HSET", "small", "a", "1", "b", "2", "c", "3"]);
    let (items, calls) = scan_all(&mut c, &["HSCAN", "small"], &[]);
    assert_eq!(calls, 1);
    assert_eq!(items.len(), 6);
    // Hashtable: many calls; every pair seen, with its value.
    for chunk in 0..10 {
        let mut args = vec!["HSET".to_string(), "big".to_string()];
        for i in chunk * 100..chunk * 100 + 100 {
            args.push(format!("f{i}"));
            args.push(format!("v{i}"));
        }
        let a: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
        q::<i64>(&mut c, &a);
    }
    let (items, calls) = scan_all(&mut c, &["HSCAN", "big"], &["COUNT", "20"]);
    assert!(calls > 1);
    let mut seen = HashMap::new();
    for p in items.chunks(2) {
        assert_eq!(p[1], format!("v{}", &p[0][1..]));
        seen.insert(p[0].clone(), p[1].clone());
    }
    assert_eq!(seen.len(), 1000);
    let (items, _) = scan_all(&mut c, &["HSCAN", "big"], &["MATCH", "f1?", "COUNT", "100"]);
    let fields: HashSet<String> = items.chunks(2).map(|p| p[0].clone()).collect();
    let want: HashSet<String> = (10..20).map(|i| format!("f{i}")).collect();
    assert_eq!(fields, want);
    let (items, _) = scan_all(&mut c, &["HSCAN", "nokey"], &[]);
    assert!(items.is_empty());
    assert_scan_arg_errors(&mut r, &["HSCAN", "big"]);
}

#[test]
fn encoding_conversions() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    // By count: 128 fields stay compact, the 129th converts.
    for i in 0..128 {
        q::<i64>(&mut c, &["HSET", "h", &format!("f{i}"), "v"]);
    }
    assert_enc(&mut c, "h", "listpack");
    q::<i64>(&mut c, &["HSET", "h", "f128", "v"]);
    assert_enc(&mut c, "h", "hashtable");
    assert_eq!(q::<i64>(&mut c, &["HLEN", "h"]), 129);
    // Never converts back.
    for i in 0..120 {
        q::<i64>(&mut c, &["HDEL", "h", &format!("f{i}")]);
    }
    assert_enc(&mut c, "h", "hashtable");
    assert_eq!(q::<String>(&mut c, &["HGET", "h", "f125"]), "v");

    // By value size: 64 bytes fit, 65 do not.
    let v64 = "x".repeat(64);
    let v65 = "x".repeat(65);
    q::<i64>(&mut c, &["HSET", "v", "f", &v64]);
    assert_enc(&mut c, "v", "listpack");
    q::<i64>(&mut c, &["HSET", "v", "g", &v65]);
    assert_enc(&mut c, "v", "hashtable");
    assert_eq!(q::<String>(&mut c, &["HGET", "v", "g"]), v65);
    assert_eq!(q::<String>(&mut c, &["HGET", "v", "f"]), v64);
    // By field size.
    q::<i64>(&mut c, &["HSET", "k", &v65, "1"]);
    assert_enc(&mut c, "k", "hashtable");
    // Through HINCRBYFLOAT / HSETNX too.
    q::<i64>(&mut c, &["HSETNX", "nx", "f", &v65]);
    assert_enc(&mut c, "nx", "hashtable");
    // A large element (far over the limits) converts instead of growing
    // the listpack.
    let huge = "y".repeat(100_000);
    q::<i64>(&mut c, &["HSET", "huge", "a", "1"]);
    q::<i64>(&mut c, &["HSET", "huge", "b", &huge]);
    assert_enc(&mut c, "huge", "hashtable");
    assert_eq!(q::<i64>(&mut c, &["HSTRLEN", "huge", "b"]), 100_000);

    // CONFIG SET takes effect for later conversions.
    let cs = line(&mut r, &["CONFIG", "SET", "hash-max-listpack-entries", "4"]);
    assert!(!cs.starts_with("-ERR"), "CONFIG failed: {cs}");
    assert_eq!(cs, "+OK");
    assert_eq!(
        line(&mut r, &["CONFIG", "SET", "hash-max-listpack-value", "8"]),
        "+OK"
    );
    q::<i64>(
        &mut c,
        &["HSET", "c", "1", "a", "2", "b", "3", "c", "4", "d"],
    );
    assert_enc(&mut c, "c", "listpack");
    q::<i64>(&mut c, &["HSET", "c", "5", "e"]);
    assert_enc(&mut c, "c", "hashtable");
    q::<i64>(&mut c, &["HSET", "d", "f", "123456789"]);
    assert_enc(&mut c, "d", "hashtable");
    q::<i64>(&mut c, &["HSET", "e", "f", "12345678"]);
    assert_enc(&mut c, "e", "listpack");
}

#[test]
fn startup_thresholds() {
    // The directives at start-up apply as well (and do not need CONFIG).
    let s = common::Server::start_with(&["--hash-max-listpack-entries", "2"]);
    let mut c = s.conn();
    q::<i64>(&mut c, &["HSET", "h", "a", "1", "b", "2"]);
    assert_enc(&mut c, "h", "listpack");
    q::<i64>(&mut c, &["HSET", "h", "c", "3"]);
    assert_enc(&mut c, "h", "hashtable");
    let all: HashMap<String, String> = q(&mut c, &["HGETALL", "h"]);
    assert_eq!(all.len(), 3);
}

#[test]
fn wrongtype() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    let _: () = q(&mut c, &["SET", "str", "x"]);
    let cmds: &[&[&str]] = &[
        &["HSET", "str", "f", "v"],
        &["HMSET", "str", "f", "v"],
        &["HSETNX", "str", "f", "v"],
        &["HGET", "str", "f"],
        &["HMGET", "str", "f"],
        &["HDEL", "str", "f"],
        &["HLEN", "str"],
        &["HSTRLEN", "str", "f"],
        &["HEXISTS", "str", "f"],
        &["HKEYS", "str"],
        &["HVALS", "str"],
        &["HGETALL", "str"],
        &["HINCRBY", "str", "f", "1"],
        &["HINCRBYFLOAT", "str", "f", "1"],
        &["HRANDFIELD", "str"],
        &["HRANDFIELD", "str", "2"],
        &["HSCAN", "str", "0"],
    ];
    assert_wrongtype(&mut r, cmds);
    assert_eq!(q::<String>(&mut c, &["GET", "str"]), "x");
}

#[test]
fn randomized_model() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut model: HashMap<String, HashMap<String, String>> = HashMap::new();
    let keys = ["h0", "h1", "h2"];
    for step in 0..3000 {
        let key = keys[rng.below(3) as usize];
        let field = format!("f{}", rng.below(180));
        let value = match rng.below(10) {
            0 => "L".repeat(60 + rng.below(10) as usize),
            1..=3 => (rng.below(2000) as i64 - 1000).to_string(),
            _ => format!("v{}", rng.below(1000)),
        };
        let m = model.entry(key.to_string()).or_default();
        match rng.below(8) {
            0..=2 => {
                let got: i64 = q(&mut c, &["HSET", key, &field, &value]);
                assert_eq!(got, m.insert(field, value).is_none() as i64, "step {step}");
            }
            3 => {
                let got: i64 = q(&mut c, &["HDEL", key, &field]);
                assert_eq!(got, m.remove(&field).is_some() as i64, "step {step}");
            }
            4 => {
                let got: Option<String> = q(&mut c, &["HGET", key, &field]);
                assert_eq!(got.as_ref(), m.get(&field), "step {step}");
            }
            5 => {
                let cur = m.get(&field).cloned().unwrap_or_else(|| "0".into());
                let r: redis::RedisResult<i64> = redis::cmd("HINCRBY")
                    .arg(key)
                    .arg(&field)
                    .arg(3)
                    .query(&mut c);
                match cur.parse::<i64>() {
                    Ok(v) if v.to_string() == cur => {
                        assert_eq!(r.unwrap(), v + 3, "step {step}");
                        m.insert(field, (v + 3).to_string());
                    }
                    _ => assert!(r.is_err(), "step {step}"),
                }
            }
            6 => {
                let got: i64 = q(&mut c, &["HLEN", key]);
                assert_eq!(got as usize, m.len(), "step {step}");
            }
            _ => {
                let got: HashMap<String, String> = q(&mut c, &["HGETALL", key]);
                assert_eq!(&got, m, "step {step}");
            }
        }
        let exists: i64 = q(&mut c, &["EXISTS", key]);
        assert_eq!(
            exists == 1,
            !m.is_empty(),
            "step {step}: empty hash must be deleted"
        );
    }
    for key in keys {
        let got: HashMap<String, String> = q(&mut c, &["HGETALL", key]);
        assert_eq!(&got, model.get(key).unwrap_or(&HashMap::new()));
    }
}
