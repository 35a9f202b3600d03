//! SORT / SORT_RO over a real server: numeric and ALPHA order, DESC,
//! LIMIT, BY/GET patterns (string keys, hash fields) and STORE.
mod common;

use common::{err, q, sv};
use redis::Connection;

#[test]
fn numeric_alpha_desc_limit() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(
        &mut c,
        &["ZADD", "z", "4", "10", "3", "2", "2", "-1.5", "1", "3"],
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z"]),
        sv(&["-1.5", "2", "3", "10"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z", "DESC"]),
        sv(&["10", "3", "2", "-1.5"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z", "ALPHA"]),
        sv(&["-1.5", "10", "2", "3"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT_RO", "z", "ALPHA", "DESC"]),
        sv(&["3", "2", "10", "-1.5"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z", "LIMIT", "1", "2"]),
        sv(&["2", "3"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z", "LIMIT", "3", "10"]),
        sv(&["10"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z", "LIMIT", "9", "1"]),
        Vec::<String>::new()
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z", "DESC", "LIMIT", "0", "-1"]),
        sv(&["10", "3", "2", "-1.5"])
    );
    // BY with no '*' skips sorting: a sorted set keeps score order.
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z", "BY", "nosort"]),
        sv(&["3", "-1.5", "2", "10"])
    );
    assert_eq!(
        q::<Vec<String>>(
            &mut c,
            &["SORT", "z", "BY", "nosort", "DESC", "LIMIT", "0", "2"]
        ),
        sv(&["10", "2"])
    );
    q::<i64>(&mut c, &["ZADD", "w", "1", "apple", "2", "5"]);
    assert_eq!(
        err(&mut c, &["SORT", "w"]),
        "ERR One or more scores can't be converted into double"
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "w", "ALPHA"]),
        sv(&["5", "apple"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "missing"]),
        Vec::<String>::new()
    );
    let _: () = q(&mut c, &["SET", "str", "x"]);
    assert_eq!(
        err(&mut c, &["SORT", "str"]),
        "WRONGTYPE Operation against a key holding the wrong kind of value"
    );
    assert_eq!(err(&mut c, &["SORT", "z", "FOO"]), "ERR syntax error");
    assert_eq!(
        err(&mut c, &["SORT", "z", "LIMIT", "a", "1"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        err(&mut c, &["SORT_RO", "z", "STORE", "d"]),
        "ERR syntax error"
    );
}

#[test]
fn by_and_get_with_string_keys() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(&mut c, &["ZADD", "z", "1", "a", "2", "b", "3", "c"]);
    for (k, v) in [
        ("w_a", "30"),
        ("w_b", "10"),
        ("w_c", "20"),
        ("v_a", "A"),
        ("v_c", "C"),
    ] {
        let _: () = q(&mut c, &["SET", k, v]);
    }
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z", "BY", "w_*"]),
        sv(&["b", "c", "a"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z", "BY", "w_*", "DESC"]),
        sv(&["a", "c", "b"])
    );
    assert_eq!(
        q::<Vec<Option<String>>>(
            &mut c,
            &["SORT", "z", "BY", "w_*", "GET", "#", "GET", "v_*"]
        ),
        vec![
            Some("b".into()),
            None,
            Some("c".into()),
            Some("C".into()),
            Some("a".into()),
            Some("A".into())
        ]
    );
    // GET of a pattern without '*' names nothing.
    assert_eq!(
        q::<Vec<Option<String>>>(
            &mut c,
            &["SORT", "z", "ALPHA", "GET", "plain", "LIMIT", "0", "1"]
        ),
        vec![None]
    );
    // Missing weights count as 0 (numeric) and sort first (ALPHA).
    let _: () = q(&mut c, &["SET", "s_b", "x"]);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z", "BY", "s_*", "ALPHA"]),
        sv(&["a", "c", "b"])
    );
    assert_eq!(
        err(&mut c, &["SORT", "z", "BY", "s_*"]),
        "ERR One or more scores can't be converted into double"
    );
}

#[test]
fn by_and_get_with_hash_fields() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(&mut c, &["ZADD", "z", "1", "a", "2", "b"]);
    // Without a hash behind the pattern, `->field` yields nil.
    assert_eq!(
        q::<Vec<Option<String>>>(&mut c, &["SORT", "z", "ALPHA", "GET", "h_*->f"]),
        vec![None, None]
    );
    let _: () = q(&mut c, &["SET", "h_a", "str"]);
    assert_eq!(
        q::<Vec<Option<String>>>(&mut c, &["SORT", "z", "ALPHA", "GET", "h_*->f"]),
        vec![None, None]
    );
    // With HSET in this build, field values drive BY and GET.
    let hset = |c: &mut Connection, k: &str, f: &str, v: &str| {
        redis::cmd("HSET")
            .arg(k)
            .arg(f)
            .arg(v)
            .query::<i64>(c)
            .is_ok()
    };
    if hset(&mut c, "o_a", "w", "9") && hset(&mut c, "o_b", "w", "1") {
        hset(&mut c, "o_a", "name", "Alice");
        hset(&mut c, "o_b", "name", "Bob");
        assert_eq!(
            q::<Vec<String>>(&mut c, &["SORT", "z", "BY", "o_*->w", "GET", "o_*->name"]),
            sv(&["Bob", "Alice"])
        );
        assert_eq!(
            q::<Vec<String>>(&mut c, &["SORT", "z", "BY", "o_*->w", "DESC"]),
            sv(&["a", "b"])
        );
    }
}

#[test]
fn store_builds_a_list() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(&mut c, &["ZADD", "z", "1", "30", "2", "10", "3", "20"]);
    let _: () = q(&mut c, &["SET", "v_10", "ten"]);
    assert_eq!(q::<i64>(&mut c, &["SORT", "z", "STORE", "out"]), 3);
    // The stored list keeps the sorted order: SORT BY nosort reads it back.
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "out", "BY", "nosort"]),
        sv(&["10", "20", "30"])
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "out", "DESC"]),
        sv(&["30", "20", "10"])
    );
    // Nil GET results are stored as empty strings.
    assert_eq!(
        q::<i64>(&mut c, &["SORT", "z", "GET", "v_*", "STORE", "out2"]),
        3
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "out2", "BY", "nosort"]),
        sv(&["ten", "", ""])
    );
    // STORE overwrites any type; an empty result deletes the target.
    let _: () = q(&mut c, &["SET", "strdst", "x"]);
    assert_eq!(
        q::<i64>(&mut c, &["SORT", "z", "LIMIT", "0", "1", "STORE", "strdst"]),
        1
    );
    assert_eq!(q::<Vec<String>>(&mut c, &["SORT", "strdst"]), sv(&["10"]));
    assert_eq!(q::<i64>(&mut c, &["SORT", "missing", "STORE", "out"]), 0);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "out"]), 0);
    // Larger than one listpack node (list-max-listpack-size -2).
    for i in 0..600 {
        q::<i64>(
            &mut c,
            &["ZADD", "big", &i.to_string(), &format!("{:04}", 599 - i)],
        );
    }
    assert_eq!(q::<i64>(&mut c, &["SORT", "big", "STORE", "bl"]), 600);
    let got: Vec<String> = q(
        &mut c,
        &["SORT", "bl", "BY", "nosort", "LIMIT", "595", "10"],
    );
    assert_eq!(got, sv(&["0595", "0596", "0597", "0598", "0599"]));
}

#[test]
fn huge_limit_count_is_clamped() {
    let s = common::Server::start();
    let mut c = s.conn();
    q::<i64>(&mut c, &["ZADD", "z", "1", "3", "2", "1", "3", "2"]);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SORT", "z", "LIMIT", "1", "9223372036854775807"]),
        sv(&["2", "3"])
    );
}
