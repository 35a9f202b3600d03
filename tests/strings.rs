//! String commands (t_string.c): replies, errors, encodings.
mod common;

use common::{assert_enc, get, line, q};
use redis::{Connection, Value};

#[test]
fn setnx_setex_psetex_getset_getdel() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    assert_eq!(q::<i64>(&mut c, &["SETNX", "a", "1"]), 1);
    assert_eq!(q::<i64>(&mut c, &["SETNX", "a", "2"]), 0);
    assert_eq!(get(&mut c, "a").as_deref(), Some("1"));

    let _: () = q(&mut c, &["SETEX", "e", "100", "v"]);
    let ttl: i64 = q(&mut c, &["TTL", "e"]);
    assert!((99..=100).contains(&ttl), "{ttl}");
    let _: () = q(&mut c, &["PSETEX", "p", "100000", "v"]);
    let pttl: i64 = q(&mut c, &["PTTL", "p"]);
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
    let old: Option<String> = q(&mut c, &["GETSET", "e", "new"]);
    assert_eq!(old.as_deref(), Some("v"));
    assert_eq!(q::<i64>(&mut c, &["TTL", "e"]), -1);
    let old: Option<String> = q(&mut c, &["GETSET", "nokey", "x"]);
    assert_eq!(old, None);

    let v: Option<String> = q(&mut c, &["GETDEL", "e"]);
    assert_eq!(v.as_deref(), Some("new"));
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "e"]), 0);
    let v: Option<String> = q(&mut c, &["GETDEL", "e"]);
    assert_eq!(v, None);

    q::<i64>(&mut c, &["RPUSH", "l", "x"]);
    assert_eq!(q::<String>(&mut c, &["TYPE", "l"]), "list");
    assert!(line(&mut r, &["GETDEL", "l"]).starts_with("-WRONGTYPE"));
    assert!(line(&mut r, &["GETSET", "l", "x"]).starts_with("-WRONGTYPE"));
}

#[test]
fn getex_options() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    let _: () = q(&mut c, &["SET", "k", "v"]);
    let v: String = q(&mut c, &["GETEX", "k", "EX", "100"]);
    assert_eq!(v, "v");
    let ttl: i64 = q(&mut c, &["TTL", "k"]);
    assert!((99..=100).contains(&ttl));
    let _: String = q(&mut c, &["GETEX", "k", "PX", "50000"]);
    let pttl: i64 = q(&mut c, &["PTTL", "k"]);
    assert!((49000..=50000).contains(&pttl));
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let at = now_ms / 1000 + 1000;
    let _: String = q(&mut c, &["GETEX", "k", "EXAT", &at.to_string()]);
    assert_eq!(q::<i64>(&mut c, &["EXPIRETIME", "k"]), at);
    let _: String = q(
        &mut c,
        &["GETEX", "k", "PXAT", &(now_ms + 200_000).to_string()],
    );
    assert_eq!(q::<i64>(&mut c, &["PEXPIRETIME", "k"]), now_ms + 200_000);
    let _: String = q(&mut c, &["GETEX", "k", "PERSIST"]);
    assert_eq!(q::<i64>(&mut c, &["TTL", "k"]), -1);
    // Plain GETEX leaves the TTL alone.
    let _: () = q(&mut c, &["EXPIRE", "k", "100"]);
    let _: String = q(&mut c, &["GETEX", "k"]);
    assert!(q::<i64>(&mut c, &["TTL", "k"]) > 0);
    // A past absolute time still returns the value, then the key is gone.
    let v: String = q(&mut c, &["GETEX", "k", "PXAT", "1"]);
    assert_eq!(v, "v");
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "k"]), 0);
    let v: Option<String> = q(&mut c, &["GETEX", "k", "EX", "1"]);
    assert_eq!(v, None);

    let _: () = q(&mut c, &["SET", "k", "v"]);
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
    let _: () = q(&mut c, &["MSET", "a", "1", "b", "2"]);
    q::<i64>(&mut c, &["SADD", "set", "m"]);
    let v: Vec<Option<String>> = q(&mut c, &["MGET", "a", "b", "nope", "set"]);
    assert_eq!(v, vec![Some("1".into()), Some("2".into()), None, None]);
    assert_eq!(
        line(&mut r, &["MSET", "a", "1", "b"]),
        "-ERR wrong number of arguments for 'mset' command"
    );
    assert_eq!(
        line(&mut r, &["MSETNX", "a", "1", "b"]),
        "-ERR wrong number of arguments for 'msetnx' command"
    );
    let n: i64 = q(&mut c, &["MSETNX", "x", "1", "a", "9"]);
    assert_eq!(n, 0);
    assert_eq!(get(&mut c, "x"), None);
    assert_eq!(get(&mut c, "a").as_deref(), Some("1"));
    let n: i64 = q(&mut c, &["MSETNX", "x", "1", "y", "2"]);
    assert_eq!(n, 1);
    assert_eq!(get(&mut c, "y").as_deref(), Some("2"));
}

#[test]
fn append_strlen_and_encodings() {
    let s = common::Server::start();
    let mut c = s.conn();
    assert_eq!(q::<i64>(&mut c, &["APPEND", "k", "12"]), 2);
    assert_enc(&mut c, "k", "int");
    assert_eq!(q::<i64>(&mut c, &["APPEND", "k", "34"]), 4);
    assert_enc(&mut c, "k", "raw");
    assert_eq!(get(&mut c, "k").as_deref(), Some("1234"));
    assert_eq!(q::<i64>(&mut c, &["STRLEN", "k"]), 4);
    assert_eq!(q::<i64>(&mut c, &["STRLEN", "none"]), 0);
    let _: () = q(&mut c, &["SET", "i", "12345"]);
    assert_eq!(q::<i64>(&mut c, &["STRLEN", "i"]), 5);

    let _: () = q(&mut c, &["SET", "e", "hello"]);
    assert_enc(&mut c, "e", "embstr");
    let _: () = q(&mut c, &["SET", "e", &"x".repeat(44)]);
    assert_enc(&mut c, "e", "embstr");
    let _: () = q(&mut c, &["SET", "e", &"x".repeat(45)]);
    assert_enc(&mut c, "e", "raw");
    let _: () = q(&mut c, &["SET", "e", "007"]);
    assert_enc(&mut c, "e", "embstr");
    let _: () = q(&mut c, &["SET", "e", "-7"]);
    assert_enc(&mut c, "e", "int");
}

#[test]
fn proto_max_bulk_len_bounds_append_setrange() {
    let s = common::Server::start_with(&["--proto-max-bulk-len", "1048576"]);
    let mut c = s.conn();
    let mut r = s.raw();
    let _: () = q(&mut c, &["SET", "big", &"x".repeat(1_048_000)]);
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
    assert_eq!(q::<i64>(&mut c, &["INCR", "n"]), 1);
    assert_eq!(q::<i64>(&mut c, &["INCRBY", "n", "10"]), 11);
    assert_eq!(q::<i64>(&mut c, &["DECR", "n"]), 10);
    assert_eq!(q::<i64>(&mut c, &["DECRBY", "n", "20"]), -10);
    assert_enc(&mut c, "n", "int");
    assert_eq!(q::<i64>(&mut c, &["DECR", "m"]), -1);

    // An embstr holding an integer becomes int-encoded after INCR.
    let _: () = q(&mut c, &["SET", "s", &"x".repeat(3)]);
    let _: () = q(&mut c, &["SET", "s", "41"]);
    let _: () = q(&mut c, &["APPEND", "s", "0"]);
    assert_enc(&mut c, "s", "raw");
    assert_eq!(q::<i64>(&mut c, &["INCR", "s"]), 411);
    assert_enc(&mut c, "s", "int");

    // The TTL survives INCR.
    let _: () = q(&mut c, &["EXPIRE", "s", "100"]);
    let _: i64 = q(&mut c, &["INCR", "s"]);
    assert!(q::<i64>(&mut c, &["TTL", "s"]) > 0);

    let _: () = q(&mut c, &["SET", "t", "abc"]);
    assert_eq!(
        line(&mut r, &["INCR", "t"]),
        "-ERR value is not an integer or out of range"
    );
    let _: () = q(&mut c, &["SET", "t", " 1"]);
    assert_eq!(
        line(&mut r, &["INCR", "t"]),
        "-ERR value is not an integer or out of range"
    );
    assert_eq!(
        line(&mut r, &["INCRBY", "n", "1.5"]),
        "-ERR value is not an integer or out of range"
    );
    let _: () = q(&mut c, &["SET", "big", &i64::MAX.to_string()]);
    assert_eq!(
        line(&mut r, &["INCR", "big"]),
        "-ERR increment or decrement would overflow"
    );
    let _: () = q(&mut c, &["SET", "small", &i64::MIN.to_string()]);
    assert_eq!(
        line(&mut r, &["DECR", "small"]),
        "-ERR increment or decrement would overflow"
    );
    assert_eq!(
        line(&mut r, &["DECRBY", "n", "-9223372036854775808"]),
        "-ERR decrement would overflow"
    );
    assert_eq!(get(&mut c, "big"), Some(i64::MAX.to_string()));
    q::<i64>(&mut c, &["SADD", "set", "1"]);
    assert_eq!(q::<String>(&mut c, &["TYPE", "set"]), "set");
    assert!(line(&mut r, &["INCR", "set"]).starts_with("-WRONGTYPE"));
}

#[test]
fn incrbyfloat() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    let v: String = q(&mut c, &["INCRBYFLOAT", "f", "10.5"]);
    assert_eq!(v, "10.5");
    let v: String = q(&mut c, &["INCRBYFLOAT", "f", "0.1"]);
    assert_eq!(v, "10.6");
    let v: String = q(&mut c, &["INCRBYFLOAT", "f", "-5.6"]);
    assert_eq!(v, "5");
    // Stored as a plain string, not int-encoded (as Redis does).
    assert_enc(&mut c, "f", "embstr");
    let v: String = q(&mut c, &["INCRBYFLOAT", "f", "5.0e3"]);
    assert_eq!(v, "5005");
    assert_eq!(get(&mut c, "f").as_deref(), Some("5005"));
    let _: () = q(&mut c, &["SET", "g", "abc"]);
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
    let _: () = q(&mut c, &["SET", "k", "Hello World"]);
    let gr = |c: &mut Connection, a: i64, b: i64| -> String {
        q(c, &["GETRANGE", "k", &a.to_string(), &b.to_string()])
    };
    assert_eq!(gr(&mut c, 0, 4), "Hello");
    assert_eq!(gr(&mut c, -5, -1), "World");
    assert_eq!(gr(&mut c, 0, -1), "Hello World");
    assert_eq!(gr(&mut c, 0, 1000), "Hello World");
    assert_eq!(gr(&mut c, 5, 3), "");
    assert_eq!(gr(&mut c, -1, -5), "");
    assert_eq!(gr(&mut c, -100, 2), "Hel");
    let sub: String = q(&mut c, &["SUBSTR", "k", "6", "-1"]);
    assert_eq!(sub, "World");
    let none: String = q(&mut c, &["GETRANGE", "nokey", "0", "-1"]);
    assert_eq!(none, "");
    let _: () = q(&mut c, &["SET", "i", "1234"]);
    let v: String = q(&mut c, &["GETRANGE", "i", "1", "2"]);
    assert_eq!(v, "23");
    assert_eq!(
        line(&mut r, &["GETRANGE", "k", "a", "1"]),
        "-ERR value is not an integer or out of range"
    );

    assert_eq!(q::<i64>(&mut c, &["SETRANGE", "k", "6", "Redis"]), 11);
    assert_eq!(get(&mut c, "k").as_deref(), Some("Hello Redis"));
    assert_enc(&mut c, "k", "raw");
    assert_eq!(q::<i64>(&mut c, &["SETRANGE", "p", "3", "ab"]), 5);
    assert_eq!(get(&mut c, "p").as_deref(), Some("\0\0\0ab"));
    assert_eq!(q::<i64>(&mut c, &["SETRANGE", "q", "3", ""]), 0);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "q"]), 0);
    assert_eq!(q::<i64>(&mut c, &["SETRANGE", "k", "100", ""]), 11);
    assert_eq!(
        line(&mut r, &["SETRANGE", "k", "-1", "x"]),
        "-ERR offset is out of range"
    );
    assert_eq!(q::<i64>(&mut c, &["SETRANGE", "i", "0", "9"]), 4);
    assert_eq!(get(&mut c, "i").as_deref(), Some("9234"));
    assert_enc(&mut c, "i", "raw");
}

#[test]
fn lcs() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    let _: () = q(&mut c, &["MSET", "key1", "ohmytext", "key2", "mynewtext"]);
    let v: String = q(&mut c, &["LCS", "key1", "key2"]);
    assert_eq!(v, "mytext");
    let n: i64 = q(&mut c, &["LCS", "key1", "key2", "LEN"]);
    assert_eq!(n, 6);
    let v: Value = q(&mut c, &["LCS", "key1", "key2", "IDX"]);
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
    let v: Value = q(
        &mut c,
        &[
            "LCS",
            "key1",
            "key2",
            "IDX",
            "MINMATCHLEN",
            "4",
            "WITHMATCHLEN",
        ],
    );
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
    let v: String = q(&mut c, &["LCS", "key1", "missing"]);
    assert_eq!(v, "");
    assert_eq!(
        line(&mut r, &["LCS", "key1", "key2", "LEN", "IDX"]),
        "-ERR If you want both the length and indexes, please just use IDX."
    );
    assert_eq!(
        line(&mut r, &["LCS", "key1", "key2", "FOO"]),
        "-ERR syntax error"
    );
    q::<i64>(&mut c, &["SADD", "set", "1"]);
    assert_eq!(q::<String>(&mut c, &["TYPE", "set"]), "set");
    assert_eq!(
        line(&mut r, &["LCS", "key1", "set"]),
        "-ERR The specified keys must contain string values"
    );
}
