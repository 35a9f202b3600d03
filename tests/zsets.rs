//! Sorted-set commands over a real server: replies, errors, ranges,
//! encoding thresholds, a randomized model check and blocking pops.
mod common;

use common::{Rng, assert_enc, assert_scan_arg_errors, err, q, scan_all, sv};
use redis::Value;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

#[test]
fn zadd_options_and_errors() {
    let s = common::Server::start();
    let mut c = s.conn();
    assert_eq!(q::<i64>(&mut c, &["ZADD", "z", "1", "a", "2", "b"]), 2);
    assert_eq!(q::<i64>(&mut c, &["ZADD", "z", "5", "a", "3", "c"]), 1);
    assert_eq!(
        q::<i64>(&mut c, &["ZADD", "z", "CH", "6", "a", "3", "c"]),
        1
    );
    assert_eq!(
        q::<i64>(&mut c, &["ZADD", "z", "NX", "100", "a", "4", "d"]),
        1
    );
    assert_eq!(q::<String>(&mut c, &["ZSCORE", "z", "a"]), "6");
    assert_eq!(
        q::<i64>(&mut c, &["ZADD", "z", "XX", "CH", "7", "a", "1", "new"]),
        1
    );
    assert_eq!(q::<Option<String>>(&mut c, &["ZSCORE", "z", "new"]), None);
    // GT only raises, LT only lowers.
    assert_eq!(q::<i64>(&mut c, &["ZADD", "z", "GT", "CH", "1", "a"]), 0);
    assert_eq!(q::<i64>(&mut c, &["ZADD", "z", "GT", "CH", "8", "a"]), 1);
    assert_eq!(q::<i64>(&mut c, &["ZADD", "z", "LT", "CH", "9", "a"]), 0);
    assert_eq!(q::<i64>(&mut c, &["ZADD", "z", "LT", "CH", "0.5", "a"]), 1);
    assert_eq!(q::<String>(&mut c, &["ZSCORE", "z", "a"]), "0.5");
    // INCR returns the new score, or nil when a condition blocks it.
    assert_eq!(q::<String>(&mut c, &["ZADD", "z", "INCR", "2", "a"]), "2.5");
    assert_eq!(
        q::<Option<String>>(&mut c, &["ZADD", "z", "NX", "INCR", "2", "a"]),
        None
    );
    assert_eq!(
        q::<Option<String>>(&mut c, &["ZADD", "z", "GT", "INCR", "-1", "a"]),
        None
    );
    assert_eq!(
        q::<Option<String>>(&mut c, &["ZADD", "nokey", "XX", "INCR", "1", "a"]),
        None
    );
    assert_eq!(q::<i64>(&mut c, &["ZADD", "nokey", "XX", "1", "a"]), 0);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "nokey"]), 0);
    assert_eq!(
        err(&mut c, &["ZADD", "z", "NX", "XX", "1", "a"]),
        "ERR XX and NX options at the same time are not compatible"
    );
    assert_eq!(
        err(&mut c, &["ZADD", "z", "GT", "LT", "1", "a"]),
        "ERR GT, LT, and/or NX options at the same time are not compatible"
    );
    assert_eq!(
        err(&mut c, &["ZADD", "z", "NX", "GT", "1", "a"]),
        "ERR GT, LT, and/or NX options at the same time are not compatible"
    );
    assert_eq!(
        err(&mut c, &["ZADD", "z", "INCR", "1", "a", "2", "b"]),
        "ERR INCR option supports a single increment-element pair"
    );
    assert_eq!(
        err(&mut c, &["ZADD", "z", "x", "a"]),
        "ERR value is not a valid float"
    );
    assert_eq!(
        err(&mut c, &["ZADD", "z", "nan", "a"]),
        "ERR value is not a valid float"
    );
    assert_eq!(
        err(&mut c, &["ZADD", "z", "1", "a", "2"]),
        "ERR syntax error"
    );
    // inf + -inf is NaN: refused, score unchanged.
    assert_eq!(q::<i64>(&mut c, &["ZADD", "inf", "+inf", "m"]), 1);
    assert_eq!(
        err(&mut c, &["ZINCRBY", "inf", "-inf", "m"]),
        "ERR resulting score is not a number (NaN)"
    );
    assert_eq!(
        err(&mut c, &["ZADD", "inf", "INCR", "-inf", "m"]),
        "ERR resulting score is not a number (NaN)"
    );
    assert_eq!(q::<String>(&mut c, &["ZSCORE", "inf", "m"]), "inf");
    assert_eq!(q::<String>(&mut c, &["ZINCRBY", "zi", "1.5", "m"]), "1.5");
    assert_eq!(q::<String>(&mut c, &["ZINCRBY", "zi", "-4", "m"]), "-2.5");
    assert_eq!(
        err(&mut c, &["ZINCRBY", "zi", "abc", "m"]),
        "ERR value is not a valid float"
    );
}

#[test]
fn wrongtype_and_missing_keys() {
    let s = common::Server::start();
    let mut c = s.conn();
    let _: () = q(&mut c, &["SET", "str", "v"]);
    let wt = "WRONGTYPE Operation against a key holding the wrong kind of value";
    for cmd in [
        &["ZADD", "str", "1", "a"][..],
        &["ZSCORE", "str", "a"],
        &["ZRANGE", "str", "0", "-1"],
        &["ZCARD", "str"],
        &["ZREM", "str", "a"],
        &["ZPOPMIN", "str"],
        &["ZUNION", "1", "str"],
        &["ZRANDMEMBER", "str"],
        &["ZSCAN", "str", "0"],
        &["BZPOPMIN", "str", "0.01"],
    ] {
        assert_eq!(err(&mut c, cmd), wt, "{cmd:?}");
    }
    assert_eq!(q::<i64>(&mut c, &["ZCARD", "none"]), 0);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "none", "0", "-1"]),
        Vec::<String>::new()
    );
    assert_eq!(q::<Option<String>>(&mut c, &["ZSCORE", "none", "a"]), None);
    assert_eq!(q::<Option<i64>>(&mut c, &["ZRANK", "none", "a"]), None);
    assert_eq!(q::<i64>(&mut c, &["ZREM", "none", "a"]), 0);
}

#[test]
fn rem_card_scores_ranks() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(&mut c, &["ZADD", "z", "1", "a", "2", "b", "3", "c"]);
    assert_eq!(q::<i64>(&mut c, &["ZCARD", "z"]), 3);
    assert_eq!(q::<i64>(&mut c, &["ZRANK", "z", "c"]), 2);
    assert_eq!(q::<i64>(&mut c, &["ZREVRANK", "z", "c"]), 0);
    assert_eq!(
        q::<(i64, String)>(&mut c, &["ZRANK", "z", "b", "WITHSCORE"]),
        (1, "2".into())
    );
    assert_eq!(
        q::<(i64, String)>(&mut c, &["ZREVRANK", "z", "a", "withscore"]),
        (2, "1".into())
    );
    assert_eq!(
        q::<Option<Vec<String>>>(&mut c, &["ZRANK", "z", "x", "WITHSCORE"]),
        None
    );
    assert_eq!(err(&mut c, &["ZRANK", "z", "a", "foo"]), "ERR syntax error");
    assert_eq!(
        q::<Vec<Option<String>>>(&mut c, &["ZMSCORE", "z", "a", "x", "c"]),
        vec![Some("1".into()), None, Some("3".into())]
    );
    assert_eq!(q::<i64>(&mut c, &["ZREM", "z", "a", "x", "b"]), 2);
    assert_eq!(q::<i64>(&mut c, &["ZREM", "z", "c"]), 1);
    // The emptied set is gone.
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "z"]), 0);
}

#[test]
fn counts_with_infinities_and_exclusive_bounds() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(
        &mut c,
        &[
            "ZADD", "z", "-inf", "n", "1", "a", "2", "b", "3", "c", "+inf", "p",
        ],
    );
    assert_eq!(q::<i64>(&mut c, &["ZCOUNT", "z", "-inf", "+inf"]), 5);
    assert_eq!(q::<i64>(&mut c, &["ZCOUNT", "z", "(-inf", "(+inf"]), 3);
    assert_eq!(q::<i64>(&mut c, &["ZCOUNT", "z", "(1", "3"]), 2);
    assert_eq!(q::<i64>(&mut c, &["ZCOUNT", "z", "(1", "(3"]), 1);
    assert_eq!(q::<i64>(&mut c, &["ZCOUNT", "z", "3", "1"]), 0);
    assert_eq!(
        err(&mut c, &["ZCOUNT", "z", "x", "1"]),
        "ERR min or max is not a float"
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGEBYSCORE", "z", "(1", "+inf", "WITHSCORES"]),
        sv(&["b", "2", "c", "3", "p", "inf"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZREVRANGEBYSCORE", "z", "(3", "-inf"]),
        sv(&["b", "a", "n"])
    );
    assert_eq!(
        q::<Vec<String>>(
            &mut c,
            &["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "1", "2"]
        ),
        sv(&["a", "b"])
    );
    assert_eq!(
        q::<Vec<String>>(
            &mut c,
            &["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "2"]
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "z", "0", "-1", "WITHSCORES"]),
        sv(&["n", "-inf", "a", "1", "b", "2", "c", "3", "p", "inf"])
    );
}

#[test]
fn lex_ranges() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(
        &mut c,
        &[
            "ZADD", "z", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e",
        ],
    );
    assert_eq!(q::<i64>(&mut c, &["ZLEXCOUNT", "z", "-", "+"]), 5);
    assert_eq!(q::<i64>(&mut c, &["ZLEXCOUNT", "z", "[b", "(d"]), 2);
    assert_eq!(
        err(&mut c, &["ZLEXCOUNT", "z", "b", "d"]),
        "ERR min or max not valid string range item"
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGEBYLEX", "z", "(b", "[d"]),
        sv(&["c", "d"])
    );
    assert_eq!(
        q::<Vec<String>>(
            &mut c,
            &["ZREVRANGEBYLEX", "z", "+", "(b", "LIMIT", "1", "2"]
        ),
        sv(&["d", "c"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "z", "[c", "+", "BYLEX"]),
        sv(&["c", "d", "e"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "z", "+", "[c", "BYLEX", "REV"]),
        sv(&["e", "d", "c"])
    );
    assert_eq!(q::<i64>(&mut c, &["ZREMRANGEBYLEX", "z", "[b", "(d"]), 2);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "z", "0", "-1"]),
        sv(&["a", "d", "e"])
    );
    assert_eq!(
        err(&mut c, &["ZREMRANGEBYLEX", "z", "x", "+"]),
        "ERR min or max not valid string range item"
    );
}

#[test]
fn zrange_forms_and_errors() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(
        &mut c,
        &["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "z", "1", "2"]),
        sv(&["b", "c"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "z", "-2", "100"]),
        sv(&["c", "d"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "z", "3", "1"]),
        Vec::<String>::new()
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "z", "0", "1", "REV"]),
        sv(&["d", "c"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZREVRANGE", "z", "0", "0", "WITHSCORES"]),
        sv(&["d", "4"])
    );
    assert_eq!(
        q::<Vec<String>>(
            &mut c,
            &["ZRANGE", "z", "(1", "3", "BYSCORE", "LIMIT", "0", "1"]
        ),
        sv(&["b"])
    );
    assert_eq!(
        q::<Vec<String>>(
            &mut c,
            &["ZRANGE", "z", "3", "(1", "BYSCORE", "REV", "WITHSCORES"]
        ),
        sv(&["c", "3", "b", "2"])
    );
    assert_eq!(
        err(&mut c, &["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"]),
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
    );
    assert_eq!(
        err(&mut c, &["ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"]),
        "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
    );
    assert_eq!(
        err(&mut c, &["ZRANGE", "z", "a", "1"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        err(&mut c, &["ZRANGE", "z", "0", "1", "FOO"]),
        "ERR syntax error"
    );
    assert_eq!(
        err(&mut c, &["ZRANGE", "z", "x", "1", "BYSCORE"]),
        "ERR min or max is not a float"
    );
    // ZRANGESTORE writes a sorted set; an empty result removes the target.
    assert_eq!(
        q::<i64>(
            &mut c,
            &[
                "ZRANGESTORE",
                "dst",
                "z",
                "1",
                "+inf",
                "BYSCORE",
                "LIMIT",
                "1",
                "2"
            ]
        ),
        2
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "dst", "0", "-1", "WITHSCORES"]),
        sv(&["b", "2", "c", "3"])
    );
    assert_eq!(q::<i64>(&mut c, &["ZRANGESTORE", "dst", "z", "5", "6"]), 0);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "dst"]), 0);
    assert_eq!(
        err(&mut c, &["ZRANGESTORE", "dst", "z", "0", "1", "WITHSCORES"]),
        "ERR syntax error"
    );
}

#[test]
fn pops_and_mpop() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(
        &mut c,
        &["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"],
    );
    assert_eq!(q::<Vec<String>>(&mut c, &["ZPOPMIN", "z"]), sv(&["a", "1"]));
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZPOPMAX", "z", "2"]),
        sv(&["d", "4", "c", "3"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZPOPMIN", "z", "0"]),
        Vec::<String>::new()
    );
    assert_eq!(
        err(&mut c, &["ZPOPMIN", "z", "-1"]),
        "ERR value is out of range, must be positive"
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZPOPMIN", "z", "10"]),
        sv(&["b", "2"])
    );
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "z"]), 0);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZPOPMIN", "z"]),
        Vec::<String>::new()
    );

    q::<i64>(&mut c, &["ZADD", "z2", "1", "a", "2", "b", "3", "c"]);
    let r: (String, Vec<(String, String)>) =
        q(&mut c, &["ZMPOP", "2", "none", "z2", "MAX", "COUNT", "2"]);
    assert_eq!(r.0, "z2");
    assert_eq!(
        r.1,
        vec![("c".into(), "3".into()), ("b".into(), "2".into())]
    );
    let r: (String, Vec<(String, String)>) = q(&mut c, &["ZMPOP", "1", "z2", "MIN"]);
    assert_eq!(r.1, vec![("a".into(), "1".into())]);
    assert_eq!(
        q::<Option<Value>>(&mut c, &["ZMPOP", "1", "z2", "MIN"]),
        None
    );
    assert_eq!(
        err(&mut c, &["ZMPOP", "0", "z2", "MIN"]),
        "ERR numkeys should be greater than 0"
    );
    assert_eq!(
        err(&mut c, &["ZMPOP", "1", "z2", "FOO"]),
        "ERR syntax error"
    );
    assert_eq!(
        err(&mut c, &["ZMPOP", "1", "z2", "MIN", "COUNT", "0"]),
        "ERR count should be greater than 0"
    );
}

#[test]
fn randmember() {
    let s = common::Server::start();
    let mut c = s.conn();
    assert_eq!(q::<Option<String>>(&mut c, &["ZRANDMEMBER", "none"]), None);
    q::<i64>(&mut c, &["ZADD", "z", "1", "a", "2", "b", "3", "c"]);
    let m: String = q(&mut c, &["ZRANDMEMBER", "z"]);
    assert!(["a", "b", "c"].contains(&m.as_str()));
    let mut v: Vec<String> = q(&mut c, &["ZRANDMEMBER", "z", "10"]);
    v.sort();
    assert_eq!(v, sv(&["a", "b", "c"]));
    let v: Vec<String> = q(&mut c, &["ZRANDMEMBER", "z", "2"]);
    assert_eq!(v.len(), 2);
    assert_ne!(v[0], v[1]);
    let v: Vec<String> = q(&mut c, &["ZRANDMEMBER", "z", "-7"]);
    assert_eq!(v.len(), 7);
    let v: Vec<String> = q(&mut c, &["ZRANDMEMBER", "z", "-2", "WITHSCORES"]);
    assert_eq!(v.len(), 4);
    let expect = |m: &str| match m {
        "a" => "1",
        "b" => "2",
        _ => "3",
    };
    assert_eq!(v[1], expect(&v[0]));
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANDMEMBER", "z", "0"]),
        Vec::<String>::new()
    );
    assert_eq!(
        err(&mut c, &["ZRANDMEMBER", "z", "x"]),
        "ERR value is not an integer or out of range"
    );
}

#[test]
fn union_inter_diff() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(&mut c, &["ZADD", "a", "1", "x", "2", "y", "3", "z"]);
    q::<i64>(&mut c, &["ZADD", "b", "10", "y", "20", "z", "30", "w"]);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZUNION", "2", "a", "b", "WITHSCORES"]),
        sv(&["x", "1", "y", "12", "z", "23", "w", "30"])
    );
    assert_eq!(
        q::<Vec<String>>(
            &mut c,
            &[
                "ZUNION",
                "2",
                "a",
                "b",
                "WEIGHTS",
                "2",
                "1",
                "AGGREGATE",
                "MIN",
                "WITHSCORES"
            ]
        ),
        sv(&["x", "2", "y", "4", "z", "6", "w", "30"])
    );
    assert_eq!(
        q::<Vec<String>>(
            &mut c,
            &["ZINTER", "2", "a", "b", "AGGREGATE", "MAX", "WITHSCORES"]
        ),
        sv(&["y", "10", "z", "20"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZDIFF", "2", "a", "b"]),
        sv(&["x"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZINTER", "2", "a", "missing"]),
        Vec::<String>::new()
    );
    assert_eq!(q::<i64>(&mut c, &["ZUNIONSTORE", "u", "2", "a", "b"]), 4);
    assert_eq!(q::<String>(&mut c, &["ZSCORE", "u", "z"]), "23");
    assert_eq!(
        q::<i64>(
            &mut c,
            &["ZINTERSTORE", "i", "2", "a", "b", "WEIGHTS", "1", "0.5"]
        ),
        2
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "i", "0", "-1", "WITHSCORES"]),
        sv(&["y", "7", "z", "13"])
    );
    assert_eq!(q::<i64>(&mut c, &["ZDIFFSTORE", "d", "2", "a", "b"]), 1);
    assert_eq!(q::<i64>(&mut c, &["ZDIFFSTORE", "d", "2", "a", "a"]), 0);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "d"]), 0);
    // inf * 0 weights to 0, inf + -inf sums to 0.
    q::<i64>(&mut c, &["ZADD", "pinf", "+inf", "m"]);
    q::<i64>(&mut c, &["ZADD", "ninf", "-inf", "m"]);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZUNION", "2", "pinf", "ninf", "WITHSCORES"]),
        sv(&["m", "0"])
    );
    assert_eq!(
        q::<Vec<String>>(
            &mut c,
            &["ZUNION", "1", "pinf", "WEIGHTS", "0", "WITHSCORES"]
        ),
        sv(&["m", "0"])
    );
    assert_eq!(q::<i64>(&mut c, &["ZINTERCARD", "2", "a", "b"]), 2);
    assert_eq!(
        q::<i64>(&mut c, &["ZINTERCARD", "2", "a", "b", "LIMIT", "1"]),
        1
    );
    assert_eq!(
        err(&mut c, &["ZINTERCARD", "0", "a"]),
        "ERR at least 1 input key is needed for 'zintercard' command"
    );
    assert_eq!(
        err(&mut c, &["ZINTERCARD", "1", "a", "LIMIT", "-1"]),
        "ERR LIMIT can't be negative"
    );
    assert_eq!(
        err(&mut c, &["ZUNION", "0", "a"]),
        "ERR at least 1 input key is needed for 'zunion' command"
    );
    assert_eq!(err(&mut c, &["ZUNION", "3", "a", "b"]), "ERR syntax error");
    assert_eq!(
        err(&mut c, &["ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"]),
        "ERR weight value is not a float"
    );
    assert_eq!(
        err(&mut c, &["ZDIFF", "2", "a", "b", "WEIGHTS", "1", "2"]),
        "ERR syntax error"
    );
    assert_eq!(
        err(&mut c, &["ZUNIONSTORE", "u", "2", "a", "b", "WITHSCORES"]),
        "ERR syntax error"
    );
    // Plain sets are inputs with score 1 (when this build has SADD).
    if redis::cmd("SADD")
        .arg("s")
        .arg("x")
        .arg("q")
        .query::<i64>(&mut c)
        .is_ok()
    {
        assert_eq!(
            q::<Vec<String>>(&mut c, &["ZUNION", "2", "a", "s", "WITHSCORES"]),
            sv(&["q", "1", "x", "2", "y", "2", "z", "3"])
        );
        assert_eq!(
            q::<Vec<String>>(&mut c, &["ZINTER", "2", "s", "a"]),
            sv(&["x"])
        );
    }
}

#[test]
fn remrange_by_rank_and_score() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(
        &mut c,
        &[
            "ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e",
        ],
    );
    assert_eq!(q::<i64>(&mut c, &["ZREMRANGEBYRANK", "z", "0", "1"]), 2);
    assert_eq!(q::<i64>(&mut c, &["ZREMRANGEBYRANK", "z", "-1", "-1"]), 1);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "z", "0", "-1"]),
        sv(&["c", "d"])
    );
    assert_eq!(
        q::<i64>(&mut c, &["ZREMRANGEBYSCORE", "z", "(3", "+inf"]),
        1
    );
    assert_eq!(q::<i64>(&mut c, &["ZREMRANGEBYSCORE", "z", "-inf", "3"]), 1);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "z"]), 0);
    assert_eq!(
        err(&mut c, &["ZREMRANGEBYSCORE", "z", "a", "3"]),
        "ERR min or max is not a float"
    );
    assert_eq!(
        err(&mut c, &["ZREMRANGEBYRANK", "z", "a", "3"]),
        "ERR value is not an integer or out of range"
    );
}

#[test]
fn zscan_both_encodings() {
    let s = common::Server::start();
    let mut c = s.conn();
    for (key, n) in [("small", 10usize), ("big", 300)] {
        for i in 0..n {
            q::<i64>(&mut c, &["ZADD", key, &i.to_string(), &format!("m{i}")]);
        }
        let (items, _) = scan_all(&mut c, &["ZSCAN", key], &["COUNT", "20"]);
        let seen: BTreeMap<String, String> = items
            .chunks(2)
            .map(|p| (p[0].clone(), p[1].clone()))
            .collect();
        assert_eq!(seen.len(), n);
        assert_eq!(seen["m7"], "7");
    }
    let (_, items): (String, Vec<String>) = q(&mut c, &["ZSCAN", "small", "0", "MATCH", "m1*"]);
    assert_eq!(items, sv(&["m1", "1"]));
    assert_scan_arg_errors(&mut s.raw(), &["ZSCAN", "small"]);
}

/// Crossing zset-max-listpack-entries (128) and -value (64) keeps every
/// command's answers intact, and OBJECT ENCODING reports the change.
#[test]
fn encoding_thresholds() {
    let s = common::Server::start();
    let mut c = s.conn();
    for i in 0..128 {
        q::<i64>(&mut c, &["ZADD", "n", &i.to_string(), &format!("m{i:03}")]);
    }
    assert_enc(&mut c, "n", "listpack");
    q::<i64>(&mut c, &["ZADD", "n", "-1", "first"]);
    assert_enc(&mut c, "n", "skiplist");
    assert_eq!(q::<i64>(&mut c, &["ZCARD", "n"]), 129);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "n", "0", "1"]),
        sv(&["first", "m000"])
    );
    assert_eq!(q::<i64>(&mut c, &["ZRANK", "n", "m127"]), 128);
    assert_eq!(q::<i64>(&mut c, &["ZCOUNT", "n", "(10", "20"]), 10);

    let long64 = "x".repeat(64);
    let long65 = "y".repeat(65);
    q::<i64>(&mut c, &["ZADD", "v", "1", &long64]);
    assert_enc(&mut c, "v", "listpack");
    q::<i64>(&mut c, &["ZADD", "v", "2", &long65]);
    assert_enc(&mut c, "v", "skiplist");
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "v", "0", "-1"]),
        vec![long64, long65]
    );

    // Lower thresholds by config: the same commands on a tiny limit.
    let s2 = common::Server::start_with(&["--zset-max-listpack-entries", "2"]);
    let mut c2 = s2.conn();
    q::<i64>(&mut c2, &["ZADD", "t", "3", "c", "1", "a", "2", "b"]);
    assert_eq!(
        q::<Vec<String>>(&mut c2, &["ZRANGE", "t", "0", "-1", "WITHSCORES"]),
        sv(&["a", "1", "b", "2", "c", "3"])
    );
    assert_enc(&mut c2, "t", "skiplist");
}

fn model_range(m: &BTreeMap<String, f64>) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = m.iter().map(|(k, s)| (k.clone(), *s)).collect();
    v.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap().then_with(|| a.0.cmp(&b.0)));
    v
}

/// 3,000 random writes against a BTreeMap model; the member pool is large
/// enough that the set crosses the listpack limit and shrinks back.
#[test]
fn randomized_model() {
    run_model(&[], 0x5eed_1234_abcd_0001);
}

/// The same walk with a 16-entry listpack limit, so most of it runs on the
/// skiplist encoding.
#[test]
fn randomized_model_small_listpack_limit() {
    run_model(
        &["--zset-max-listpack-entries", "16"],
        0x0bad_cafe_0000_0042,
    );
}

fn run_model(extra: &[&str], seed: u64) {
    let s = common::Server::start_with(extra);
    let mut c = s.conn();
    let mut rng = Rng(seed);
    let mut model: BTreeMap<String, f64> = BTreeMap::new();
    for op in 0..3000 {
        let member = format!("m{}", rng.below(200));
        // Quarter steps keep every sum exact in binary floating point.
        let score = (rng.below(81) as f64 - 40.0) / 4.0;
        let sc = score.to_string();
        match rng.below(10) {
            0..=3 => {
                let added: i64 = q(&mut c, &["ZADD", "k", &sc, &member]);
                assert_eq!(added, if model.contains_key(&member) { 0 } else { 1 });
                model.insert(member, score);
            }
            4 => {
                let r: String = q(&mut c, &["ZINCRBY", "k", &sc, &member]);
                let v = model.entry(member).or_insert(0.0);
                *v += score;
                assert_eq!(r.parse::<f64>().unwrap(), *v);
            }
            5..=7 => {
                let n: i64 = q(&mut c, &["ZREM", "k", &member]);
                assert_eq!(n, model.remove(&member).map_or(0, |_| 1));
            }
            8 => {
                let hi = score + 1.0;
                let n: i64 = q(&mut c, &["ZREMRANGEBYSCORE", "k", &sc, &format!("({hi}")]);
                let before = model.len();
                model.retain(|_, s| !(*s >= score && *s < hi));
                assert_eq!(n as usize, before - model.len());
            }
            _ => {
                let start = rng.below(20) as i64;
                let got: Vec<String> = q(&mut c, &["ZRANGE", "k", &start.to_string(), "-1"]);
                let want: Vec<String> = model_range(&model)
                    .into_iter()
                    .skip(start as usize)
                    .map(|p| p.0)
                    .collect();
                assert_eq!(got, want, "op {op}");
            }
        }
        if op % 100 == 99 {
            let got: Vec<String> = q(&mut c, &["ZRANGE", "k", "0", "-1", "WITHSCORES"]);
            let got: Vec<(String, f64)> = got
                .chunks(2)
                .map(|p| (p[0].clone(), p[1].parse::<f64>().unwrap()))
                .collect();
            assert_eq!(got, model_range(&model), "op {op}");
        }
    }
    let got: Vec<String> = q(&mut c, &["ZRANGE", "k", "0", "-1", "WITHSCORES"]);
    let got: Vec<(String, f64)> = got
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].parse::<f64>().unwrap()))
        .collect();
    assert_eq!(got, model_range(&model));
    assert_eq!(q::<i64>(&mut c, &["ZCARD", "k"]), model.len() as i64);
}

#[test]
fn bzpopmin_served_by_zadd() {
    let s = common::Server::start();
    let mut waiter = s.raw();
    waiter.send(&common::resp(&[b"BZPOPMIN", b"zb", b"other", b"5"]));
    // Let the waiter block before the write arrives.
    std::thread::sleep(Duration::from_millis(100));
    let mut c = s.conn();
    q::<i64>(&mut c, &["ZADD", "zb", "2", "two", "1", "one"]);
    let reply = waiter.read_until(b"1\r\n");
    assert_eq!(reply, b"*3\r\n$2\r\nzb\r\n$3\r\none\r\n$1\r\n1\r\n");
    assert_eq!(
        q::<Vec<String>>(&mut c, &["ZRANGE", "zb", "0", "-1"]),
        sv(&["two"])
    );
    // Served at once when data is there; BZPOPMAX takes the top.
    assert_eq!(
        q::<Vec<String>>(&mut c, &["BZPOPMAX", "zb", "1"]),
        sv(&["zb", "two", "2"])
    );
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "zb"]), 0);
    // BZMPOP blocks the same way.
    waiter.send(&common::resp(&[
        b"BZMPOP", b"5", b"1", b"zm", b"MAX", b"COUNT", b"2",
    ]));
    std::thread::sleep(Duration::from_millis(100));
    q::<i64>(&mut c, &["ZADD", "zm", "1", "a", "2", "b", "3", "c"]);
    let reply = waiter.read_until(b"$1\r\n2\r\n");
    assert_eq!(
        reply,
        b"*2\r\n$2\r\nzm\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
    );
}

#[test]
fn bzpopmin_times_out_and_validates() {
    let s = common::Server::start();
    let mut c = s.conn();
    let t = Instant::now();
    let r: Option<Vec<String>> = q(&mut c, &["BZPOPMIN", "empty", "0.3"]);
    assert_eq!(r, None);
    let el = t.elapsed();
    assert!(el >= Duration::from_millis(250), "{el:?}");
    assert!(el < Duration::from_secs(3), "{el:?}");
    assert_eq!(
        err(&mut c, &["BZPOPMIN", "z", "abc"]),
        "ERR timeout is not a float or out of range"
    );
    assert_eq!(
        err(&mut c, &["BZPOPMIN", "z", "-1"]),
        "ERR timeout is negative"
    );
    // The connection still works after the timeout.
    assert_eq!(q::<i64>(&mut c, &["ZADD", "z", "1", "a"]), 1);
}

/// Two waiters, one element: the first in line is served; the second is
/// blocked again and still times out at its original deadline.
#[test]
fn bzpopmin_second_waiter_reblocks_then_times_out() {
    let s = common::Server::start();
    let mut w1 = s.raw();
    let mut w2 = s.raw();
    w1.send(&common::resp(&[b"BZPOPMIN", b"q", b"5"]));
    std::thread::sleep(Duration::from_millis(50));
    let t = Instant::now();
    w2.send(&common::resp(&[b"BZPOPMIN", b"q", b"0.6"]));
    std::thread::sleep(Duration::from_millis(100));
    let mut c = s.conn();
    q::<i64>(&mut c, &["ZADD", "q", "7", "only"]);
    assert_eq!(
        w1.read_until(b"7\r\n"),
        b"*3\r\n$1\r\nq\r\n$4\r\nonly\r\n$1\r\n7\r\n"
    );
    assert_eq!(w2.read_until(b"\r\n"), b"*-1\r\n");
    let el = t.elapsed();
    assert!(el >= Duration::from_millis(500), "{el:?}");
    assert!(el < Duration::from_secs(3), "{el:?}");
    // Inside MULTI a blocking pop answers at once.
    let mut r = s.raw();
    r.send(&common::resp(&[b"MULTI"]));
    r.read_until(b"+OK\r\n");
    r.send(&common::resp(&[b"BZPOPMIN", b"q", b"0"]));
    r.read_until(b"+QUEUED\r\n");
    r.send(&common::resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"*-1\r\n"), b"*1\r\n*-1\r\n");
}

/// Large encoding with short (inline) and long (heap) members: ZSCAN sees
/// every member present for the whole scan while the set grows (index
/// rehashes) and scores move nodes; ZSCORE/ZRANK follow the moves.
#[test]
fn skiplist_long_members_scan_while_growing() {
    let s = common::Server::start();
    let mut c = s.conn();
    let name = |i: usize| {
        if i.is_multiple_of(2) {
            format!("m{i}")
        } else {
            format!("long-member-{i:040}")
        }
    };
    for i in 0..300 {
        let _: i64 = q(&mut c, &["ZADD", "z", &i.to_string(), &name(i)]);
    }
    let mut seen = std::collections::HashSet::new();
    let mut cursor = "0".to_string();
    let mut next = 300;
    for _ in 0..10_000 {
        let (cur, items): (String, Vec<String>) =
            q(&mut c, &["ZSCAN", "z", &cursor, "COUNT", "10"]);
        for p in items.chunks(2) {
            seen.insert(p[0].clone());
        }
        // Grow the set and move old members (negative scores reorder them).
        for _ in 0..20 {
            let _: i64 = q(&mut c, &["ZADD", "z", &next.to_string(), &name(next)]);
            let old = name(next % 300);
            let _: i64 = q(&mut c, &["ZADD", "z", &format!("-{next}"), &old]);
            next += 1;
        }
        cursor = cur;
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(cursor, "0");
    for i in 0..300 {
        assert!(seen.contains(&name(i)), "missed {}", name(i));
    }
    let last = next - 1;
    let moved = name(last % 300);
    let sc: f64 = q(&mut c, &["ZSCORE", "z", &moved]);
    assert_eq!(sc, -(last as f64));
    let r: i64 = q(&mut c, &["ZRANK", "z", &moved]);
    assert_eq!(r, 0);
    let n: i64 = q(&mut c, &["ZCARD", "z"]);
    assert_eq!(n, next as i64);
    let rem: i64 = q(&mut c, &["ZREM", "z", &moved, &name(1)]);
    assert_eq!(rem, 2);
    let mem: i64 = q(&mut c, &["MEMORY", "USAGE", "z"]);
    assert!(mem > 40 * n, "{mem}");
}
