//! String commands (t_string.c): replies, errors, encodings.
mod common;

use common::{assert_enc, get, line};
use redis::{Connection, Value, cmd};

#[test]
fn setnx_setex_psetex_getset_getdel() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    assert_eq!(
        cmd("SETNX").arg("a").arg("1").query::<i64>(&mut c).unwrap(),
        1
    );
    assert_eq!(
        cmd("SETNX").arg("a").arg("2").query::<i64>(&mut c).unwrap(),
        0
    );
    assert_eq!(get(&mut c, "a").as_deref(), Some("1"));

    let _: () = cmd("SETEX")
        .arg("e")
        .arg(100)
        .arg("v")
        .query(&mut c)
        .unwrap();
    let ttl: i64 = cmd("TTL").arg("e").query(&mut c).unwrap();
    assert!((99..=100).contains(&ttl), "{ttl}");
    let _: () = cmd("PSETEX")
        .arg("p")
        .arg(100000)
        .arg("v")
        .query(&mut c)
        .unwrap();
    let pttl: i64 = cmd("PTTL").arg("p").query(&mut c).unwrap();
    assert!((99000..=100000).contains(&pttl), "{pttl}");
    assert_eq!(
        line(&mut r, &["SETEX", "e", "0", "v"]),
        "-ERR invalid expire time in 'setex' command"
    );
    assert_eq!(
        line(&mut r, &["PSETEX", "e", "-5", "v"]),
        "-ERR invalid expire time in 'psetex' command"
    );
    assert_eq!(
        line(&mut r, &["SETEX", "e", "x", "v"]),
        "-ERR value is not an integer or out of range"
    );
    assert_eq!(
        line(&mut r, &["SETEX", "e", "9223372036854775807", "v"]),
        "-ERR invalid expire time in 'setex' command"
    );

    // GETSET returns the old value and drops the TTL.
    let old: Option<String> = cmd("GETSET").arg("e").arg("new").query(&mut c).unwrap();
    assert_eq!(old.as_deref(), Some("v"));
    assert_eq!(cmd("TTL").arg("e").query::<i64>(&mut c).unwrap(), -1);
    let old: Option<String> = cmd("GETSET").arg("nokey").arg("x").query(&mut c).unwrap();
    assert_eq!(old, None);

    let v: Option<String> = cmd("GETDEL").arg("e").query(&mut c).unwrap();
    assert_eq!(v.as_deref(), Some("new"));
    assert_eq!(cmd("EXISTS").arg("e").query::<i64>(&mut c).unwrap(), 0);
    let v: Option<String> = cmd("GETDEL").arg("e").query(&mut c).unwrap();
    assert_eq!(v, None);

    let _: () = cmd("RPUSH").arg("l").arg("x").query(&mut c).unwrap_or(());
    if cmd("TYPE").arg("l").query::<String>(&mut c).unwrap() == "list" {
        assert!(line(&mut r, &["GETDEL", "l"]).starts_with("-WRONGTYPE"));
        assert!(line(&mut r, &["GETSET", "l", "x"]).starts_with("-WRONGTYPE"));
    }
}

#[test]
fn getex_options() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    let _: () = cmd("SET").arg("k").arg("v").query(&mut c).unwrap();
    let v: String = cmd("GETEX")
        .arg("k")
        .arg("EX")
        .arg(100)
        .query(&mut c)
        .unwrap();
    assert_eq!(v, "v");
    let ttl: i64 = cmd("TTL").arg("k").query(&mut c).unwrap();
    assert!((99..=100).contains(&ttl));
    let _: String = cmd("GETEX")
        .arg("k")
        .arg("PX")
        .arg(50000)
        .query(&mut c)
        .unwrap();
    let pttl: i64 = cmd("PTTL").arg("k").query(&mut c).unwrap();
    assert!((49000..=50000).contains(&pttl));
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let at = now_ms / 1000 + 1000;
    let _: String = cmd("GETEX")
        .arg("k")
        .arg("EXAT")
        .arg(at)
        .query(&mut c)
        .unwrap();
    assert_eq!(cmd("EXPIRETIME").arg("k").query::<i64>(&mut c).unwrap(), at);
    let _: String = cmd("GETEX")
        .arg("k")
        .arg("PXAT")
        .arg(now_ms + 200_000)
        .query(&mut c)
        .unwrap();
    assert_eq!(
        cmd("PEXPIRETIME").arg("k").query::<i64>(&mut c).unwrap(),
        now_ms + 200_000
    );
    let _: String = cmd("GETEX").arg("k").arg("PERSIST").query(&mut c).unwrap();
    assert_eq!(cmd("TTL").arg("k").query::<i64>(&mut c).unwrap(), -1);
    // Plain GETEX leaves the TTL alone.
    let _: () = cmd("EXPIRE").arg("k").arg(100).query(&mut c).unwrap();
    let _: String = cmd("GETEX").arg("k").query(&mut c).unwrap();
    assert!(cmd("TTL").arg("k").query::<i64>(&mut c).unwrap() > 0);
    // A past absolute time still returns the value, then the key is gone.
    let v: String = cmd("GETEX")
        .arg("k")
        .arg("PXAT")
        .arg(1)
        .query(&mut c)
        .unwrap();
    assert_eq!(v, "v");
    assert_eq!(cmd("EXISTS").arg("k").query::<i64>(&mut c).unwrap(), 0);
    let v: Option<String> = cmd("GETEX")
        .arg("k")
        .arg("EX")
        .arg(1)
        .query(&mut c)
        .unwrap();
    assert_eq!(v, None);

    let _: () = cmd("SET").arg("k").arg("v").query(&mut c).unwrap();
    assert_eq!(
        line(&mut r, &["GETEX", "k", "EX", "10", "PERSIST"]),
        "-ERR syntax error"
    );
    assert_eq!(line(&mut r, &["GETEX", "k", "EX"]), "-ERR syntax error");
    assert_eq!(line(&mut r, &["GETEX", "k", "FOO"]), "-ERR syntax error");
    assert_eq!(
        line(&mut r, &["GETEX", "k", "EX", "0"]),
        "-ERR invalid expire time in 'getex' command"
    );
    assert_eq!(
        line(&mut r, &["GETEX", "k", "PX", "abc"]),
        "-ERR value is not an integer or out of range"
    );
}

#[test]
fn mget_mset_msetnx() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    let _: () = cmd("MSET")
        .arg("a")
        .arg("1")
        .arg("b")
        .arg("2")
        .query(&mut c)
        .unwrap();
    let _: i64 = cmd("SADD").arg("set").arg("m").query(&mut c).unwrap_or(0);
    let v: Vec<Option<String>> = cmd("MGET")
        .arg("a")
        .arg("b")
        .arg("nope")
        .arg("set")
        .query(&mut c)
        .unwrap();
    assert_eq!(v, vec![Some("1".into()), Some("2".into()), None, None]);
    assert_eq!(
        line(&mut r, &["MSET", "a", "1", "b"]),
        "-ERR wrong number of arguments for 'mset' command"
    );
    assert_eq!(
        line(&mut r, &["MSETNX", "a", "1", "b"]),
        "-ERR wrong number of arguments for 'msetnx' command"
    );
    let n: i64 = cmd("MSETNX")
        .arg("x")
        .arg("1")
        .arg("a")
        .arg("9")
        .query(&mut c)
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(get(&mut c, "x"), None);
    assert_eq!(get(&mut c, "a").as_deref(), Some("1"));
    let n: i64 = cmd("MSETNX")
        .arg("x")
        .arg("1")
        .arg("y")
        .arg("2")
        .query(&mut c)
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(get(&mut c, "y").as_deref(), Some("2"));
}

#[test]
fn append_strlen_and_encodings() {
    let s = common::Server::start();
    let mut c = s.conn();
    assert_eq!(
        cmd("APPEND")
            .arg("k")
            .arg("12")
            .query::<i64>(&mut c)
            .unwrap(),
        2
    );
    assert_enc(&mut c, "k", "int");
    assert_eq!(
        cmd("APPEND")
            .arg("k")
            .arg("34")
            .query::<i64>(&mut c)
            .unwrap(),
        4
    );
    assert_enc(&mut c, "k", "raw");
    assert_eq!(get(&mut c, "k").as_deref(), Some("1234"));
    assert_eq!(cmd("STRLEN").arg("k").query::<i64>(&mut c).unwrap(), 4);
    assert_eq!(cmd("STRLEN").arg("none").query::<i64>(&mut c).unwrap(), 0);
    let _: () = cmd("SET").arg("i").arg("12345").query(&mut c).unwrap();
    assert_eq!(cmd("STRLEN").arg("i").query::<i64>(&mut c).unwrap(), 5);

    let _: () = cmd("SET").arg("e").arg("hello").query(&mut c).unwrap();
    assert_enc(&mut c, "e", "embstr");
    let _: () = cmd("SET")
        .arg("e")
        .arg("x".repeat(44))
        .query(&mut c)
        .unwrap();
    assert_enc(&mut c, "e", "embstr");
    let _: () = cmd("SET")
        .arg("e")
        .arg("x".repeat(45))
        .query(&mut c)
        .unwrap();
    assert_enc(&mut c, "e", "raw");
    let _: () = cmd("SET").arg("e").arg("007").query(&mut c).unwrap();
    assert_enc(&mut c, "e", "embstr");
    let _: () = cmd("SET").arg("e").arg("-7").query(&mut c).unwrap();
    assert_enc(&mut c, "e", "int");
}

#[test]
fn proto_max_bulk_len_bounds_append_setrange() {
    let s = common::Server::start_with(&["--proto-max-bulk-len", "1048576"]);
    let mut c = s.conn();
    let mut r = s.raw();
    let _: () = cmd("SET")
        .arg("big")
        .arg("x".repeat(1_048_000))
        .query(&mut c)
        .unwrap();
    assert_eq!(
        line(&mut r, &["APPEND", "big", &"y".repeat(1000)]),
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    );
    assert_eq!(
        line(&mut r, &["SETRANGE", "big", "1048576", "y"]),
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    );
    assert_eq!(
        line(&mut r, &["SETRANGE", "new", "1048576", "y"]),
        "-ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    );
    assert_eq!(
        line(&mut r, &["SETRANGE", "new", "1048575", "y"]),
        ":1048576"
    );
    assert_eq!(
        line(&mut r, &["APPEND", "big", &"y".repeat(576)]),
        ":1048576"
    );
}

#[test]
fn incr_decr_family() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    assert_eq!(cmd("INCR").arg("n").query::<i64>(&mut c).unwrap(), 1);
    assert_eq!(
        cmd("INCRBY").arg("n").arg(10).query::<i64>(&mut c).unwrap(),
        11
    );
    assert_eq!(cmd("DECR").arg("n").query::<i64>(&mut c).unwrap(), 10);
    assert_eq!(
        cmd("DECRBY").arg("n").arg(20).query::<i64>(&mut c).unwrap(),
        -10
    );
    assert_enc(&mut c, "n", "int");
    assert_eq!(cmd("DECR").arg("m").query::<i64>(&mut c).unwrap(), -1);

    // An embstr holding an integer becomes int-encoded after INCR.
    let _: () = cmd("SET")
        .arg("s")
        .arg("x".repeat(3))
        .query(&mut c)
        .unwrap();
    let _: () = cmd("SET").arg("s").arg("41").query(&mut c).unwrap();
    let _: () = cmd("APPEND").arg("s").arg("0").query(&mut c).unwrap();
    assert_enc(&mut c, "s", "raw");
    assert_eq!(cmd("INCR").arg("s").query::<i64>(&mut c).unwrap(), 411);
    assert_enc(&mut c, "s", "int");

    // The TTL survives INCR.
    let _: () = cmd("EXPIRE").arg("s").arg(100).query(&mut c).unwrap();
    let _: i64 = cmd("INCR").arg("s").query(&mut c).unwrap();
    assert!(cmd("TTL").arg("s").query::<i64>(&mut c).unwrap() > 0);

    let _: () = cmd("SET").arg("t").arg("abc").query(&mut c).unwrap();
    assert_eq!(
        line(&mut r, &["INCR", "t"]),
        "-ERR value is not an integer or out of range"
    );
    let _: () = cmd("SET").arg("t").arg(" 1").query(&mut c).unwrap();
    assert_eq!(
        line(&mut r, &["INCR", "t"]),
        "-ERR value is not an integer or out of range"
    );
    assert_eq!(
        line(&mut r, &["INCRBY", "n", "1.5"]),
        "-ERR value is not an integer or out of range"
    );
    let _: () = cmd("SET").arg("big").arg(i64::MAX).query(&mut c).unwrap();
    assert_eq!(
        line(&mut r, &["INCR", "big"]),
        "-ERR increment or decrement would overflow"
    );
    let _: () = cmd("SET").arg("small").arg(i64::MIN).query(&mut c).unwrap();
    assert_eq!(
        line(&mut r, &["DECR", "small"]),
        "-ERR increment or decrement would overflow"
    );
    assert_eq!(
        line(&mut r, &["DECRBY", "n", "-9223372036854775808"]),
        "-ERR decrement would overflow"
    );
    assert_eq!(get(&mut c, "big"), Some(i64::MAX.to_string()));
    let _: i64 = cmd("SADD").arg("set").arg("1").query(&mut c).unwrap_or(0);
    if cmd("TYPE").arg("set").query::<String>(&mut c).unwrap() == "set" {
        assert!(line(&mut r, &["INCR", "set"]).starts_with("-WRONGTYPE"));
    }
}

#[test]
fn incrbyfloat() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    let v: String = cmd("INCRBYFLOAT")
        .arg("f")
        .arg("10.5")
        .query(&mut c)
        .unwrap();
    assert_eq!(v, "10.5");
    let v: String = cmd("INCRBYFLOAT")
        .arg("f")
        .arg("0.1")
        .query(&mut c)
        .unwrap();
    assert_eq!(v, "10.6");
    let v: String = cmd("INCRBYFLOAT")
        .arg("f")
        .arg("-5.6")
        .query(&mut c)
        .unwrap();
    assert_eq!(v, "5");
    // Stored as a plain string, not int-encoded (as Redis does).
    assert_enc(&mut c, "f", "embstr");
    let v: String = cmd("INCRBYFLOAT")
        .arg("f")
        .arg("5.0e3")
        .query(&mut c)
        .unwrap();
    assert_eq!(v, "5005");
    assert_eq!(get(&mut c, "f").as_deref(), Some("5005"));
    let _: () = cmd("SET").arg("g").arg("abc").query(&mut c).unwrap();
    assert_eq!(
        line(&mut r, &["INCRBYFLOAT", "g", "1"]),
        "-ERR value is not a valid float"
    );
    assert_eq!(
        line(&mut r, &["INCRBYFLOAT", "f", "x"]),
        "-ERR value is not a valid float"
    );
    assert_eq!(
        line(&mut r, &["INCRBYFLOAT", "f", "inf"]),
        "-ERR increment would produce NaN or Infinity"
    );
    assert_eq!(get(&mut c, "f").as_deref(), Some("5005"));
}

#[test]
fn getrange_setrange() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    let _: () = cmd("SET")
        .arg("k")
        .arg("Hello World")
        .query(&mut c)
        .unwrap();
    let gr = |c: &mut Connection, a: i64, b: i64| -> String {
        cmd("GETRANGE").arg("k").arg(a).arg(b).query(c).unwrap()
    };
    assert_eq!(gr(&mut c, 0, 4), "Hello");
    assert_eq!(gr(&mut c, -5, -1), "World");
    assert_eq!(gr(&mut c, 0, -1), "Hello World");
    assert_eq!(gr(&mut c, 0, 1000), "Hello World");
    assert_eq!(gr(&mut c, 5, 3), "");
    assert_eq!(gr(&mut c, -1, -5), "");
    assert_eq!(gr(&mut c, -100, 2), "Hel");
    let sub: String = cmd("SUBSTR").arg("k").arg(6).arg(-1).query(&mut c).unwrap();
    assert_eq!(sub, "World");
    let none: String = cmd("GETRANGE")
        .arg("nokey")
        .arg(0)
        .arg(-1)
        .query(&mut c)
        .unwrap();
    assert_eq!(none, "");
    let _: () = cmd("SET").arg("i").arg(1234).query(&mut c).unwrap();
    let v: String = cmd("GETRANGE")
        .arg("i")
        .arg(1)
        .arg(2)
        .query(&mut c)
        .unwrap();
    assert_eq!(v, "23");
    assert_eq!(
        line(&mut r, &["GETRANGE", "k", "a", "1"]),
        "-ERR value is not an integer or out of range"
    );

    assert_eq!(
        cmd("SETRANGE")
            .arg("k")
            .arg(6)
            .arg("Redis")
            .query::<i64>(&mut c)
            .unwrap(),
        11
    );
    assert_eq!(get(&mut c, "k").as_deref(), Some("Hello Redis"));
    assert_enc(&mut c, "k", "raw");
    assert_eq!(
        cmd("SETRANGE")
            .arg("p")
            .arg(3)
            .arg("ab")
            .query::<i64>(&mut c)
            .unwrap(),
        5
    );
    assert_eq!(get(&mut c, "p").as_deref(), Some("\0\0\0ab"));
    assert_eq!(
        cmd("SETRANGE")
            .arg("q")
            .arg(3)
            .arg("")
            .query::<i64>(&mut c)
            .unwrap(),
        0
    );
    assert_eq!(cmd("EXISTS").arg("q").query::<i64>(&mut c).unwrap(), 0);
    assert_eq!(
        cmd("SETRANGE")
            .arg("k")
            .arg(100)
            .arg("")
            .query::<i64>(&mut c)
            .unwrap(),
        11
    );
    assert_eq!(
        line(&mut r, &["SETRANGE", "k", "-1", "x"]),
        "-ERR offset is out of range"
    );
    assert_eq!(
        cmd("SETRANGE")
            .arg("i")
            .arg(0)
            .arg("9")
            .query::<i64>(&mut c)
            .unwrap(),
        4
    );
    assert_eq!(get(&mut c, "i").as_deref(), Some("9234"));
    assert_enc(&mut c, "i", "raw");
}

#[test]
fn lcs() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    let _: () = cmd("MSET")
        .arg("key1")
        .arg("ohmytext")
        .arg("key2")
        .arg("mynewtext")
        .query(&mut c)
        .unwrap();
    let v: String = cmd("LCS").arg("key1").arg("key2").query(&mut c).unwrap();
    assert_eq!(v, "mytext");
    let n: i64 = cmd("LCS")
        .arg("key1")
        .arg("key2")
        .arg("LEN")
        .query(&mut c)
        .unwrap();
    assert_eq!(n, 6);
    let v: Value = cmd("LCS")
        .arg("key1")
        .arg("key2")
        .arg("IDX")
        .query(&mut c)
        .unwrap();
    let pair = |a: i64, b: i64| Value::Array(vec![Value::Int(a), Value::Int(b)]);
    let expect = Value::Array(vec![
        Value::BulkString(b"matches".to_vec()),
        Value::Array(vec![
            Value::Array(vec![pair(4, 7), pair(5, 8)]),
            Value::Array(vec![pair(2, 3), pair(0, 1)]),
        ]),
        Value::BulkString(b"len".to_vec()),
        Value::Int(6),
    ]);
    assert_eq!(v, expect);
    let v: Value = cmd("LCS")
        .arg("key1")
        .arg("key2")
        .arg("IDX")
        .arg("MINMATCHLEN")
        .arg(4)
        .arg("WITHMATCHLEN")
        .query(&mut c)
        .unwrap();
    let expect = Value::Array(vec![
        Value::BulkString(b"matches".to_vec()),
        Value::Array(vec![Value::Array(vec![
            pair(4, 7),
            pair(5, 8),
            Value::Int(4),
        ])]),
        Value::BulkString(b"len".to_vec()),
        Value::Int(6),
    ]);
    assert_eq!(v, expect);
    let v: String = cmd("LCS").arg("key1").arg("missing").query(&mut c).unwrap();
    assert_eq!(v, "");
    assert_eq!(
        line(&mut r, &["LCS", "key1", "key2", "LEN", "IDX"]),
        "-ERR If you want both the length and indexes, please just use IDX."
    );
    assert_eq!(
        line(&mut r, &["LCS", "key1", "key2", "FOO"]),
        "-ERR syntax error"
    );
    let _: i64 = cmd("SADD").arg("set").arg("1").query(&mut c).unwrap_or(0);
    if cmd("TYPE").arg("set").query::<String>(&mut c).unwrap() == "set" {
        assert_eq!(
            line(&mut r, &["LCS", "key1", "set"]),
            "-ERR The specified keys must contain string values"
        );
    }
}
