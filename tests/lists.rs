//! List commands (t_list.c): replies, edge cases and errors checked against
//! Redis 7.0's, plus a seeded randomized comparison with a VecDeque model.
mod common;

use common::{Rng, WRONGTYPE, assert_wrongtype, line, q};
use std::collections::VecDeque;

fn range(c: &mut redis::Connection, key: &str) -> Vec<String> {
    q::<Vec<String>>(c, &["LRANGE", key, "0", "-1"])
}

#[test]
fn push_pop_len() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    assert_eq!(q::<i64>(&mut c, &["RPUSH", "l", "a", "b", "c"]), 3);
    assert_eq!(q::<i64>(&mut c, &["LPUSH", "l", "x", "y"]), 5);
    assert_eq!(range(&mut c, "l"), ["y", "x", "a", "b", "c"]);
    assert_eq!(q::<i64>(&mut c, &["LLEN", "l"]), 5);
    assert_eq!(q::<i64>(&mut c, &["LLEN", "nokey"]), 0);
    assert_eq!(q::<i64>(&mut c, &["LPUSHX", "nokey", "a"]), 0);
    assert_eq!(q::<i64>(&mut c, &["RPUSHX", "nokey", "a", "b"]), 0);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "nokey"]), 0);
    assert_eq!(q::<i64>(&mut c, &["RPUSHX", "l", "z"]), 6);
    assert_eq!(q::<i64>(&mut c, &["LPUSHX", "l", "w"]), 7);
    assert_eq!(line(&mut r, &["LPOP", "l"]), "$1\r\nw");
    assert_eq!(q::<Vec<String>>(&mut c, &["LPOP", "l", "2"]), ["y", "x"]);
    assert_eq!(q::<Vec<String>>(&mut c, &["RPOP", "l", "2"]), ["z", "c"]);
    assert_eq!(line(&mut r, &["LPOP", "l", "0"]), "*0");
    assert_eq!(line(&mut r, &["RPOP", "nokey"]), "$-1");
    assert_eq!(line(&mut r, &["RPOP", "nokey", "3"]), "*-1");
    assert_eq!(line(&mut r, &["RPOP", "nokey", "0"]), "*-1");
    assert_eq!(
        line(&mut r, &["LPOP", "l", "-1"]),
        "-ERR value is out of range, must be positive"
    );
    assert_eq!(
        line(&mut r, &["LPOP", "l", "x"]),
        // Redis 7.0.15 (getPositiveLongFromObjectOrReply) gives the same
        // error for a non-integer count.
        "-ERR value is out of range, must be positive"
    );
    assert_eq!(
        line(&mut r, &["LPOP", "l", "1", "2"]),
        "-ERR wrong number of arguments for 'lpop' command"
    );
    // Popping more than there is returns everything and deletes the key.
    assert_eq!(q::<Vec<String>>(&mut c, &["RPOP", "l", "10"]), ["b", "a"]);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "l"]), 0);
    let _: () = q(&mut c, &["RPUSH", "e", "1"]);
    assert_eq!(line(&mut r, &["RPOP", "e"]), "$1\r\n1");
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "e"]), 0);
}

#[test]
fn lrange_lindex_indices() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    q::<i64>(&mut c, &["RPUSH", "l", "0", "1", "2", "3", "4", "5"]);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["LRANGE", "l", "1", "3"]),
        ["1", "2", "3"]
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["LRANGE", "l", "-3", "-1"]),
        ["3", "4", "5"]
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["LRANGE", "l", "-100", "1"]),
        ["0", "1"]
    );
    assert_eq!(
        q::<Vec<String>>(&mut c, &["LRANGE", "l", "4", "100"]),
        ["4", "5"]
    );
    assert!(q::<Vec<String>>(&mut c, &["LRANGE", "l", "3", "2"]).is_empty());
    assert!(q::<Vec<String>>(&mut c, &["LRANGE", "l", "6", "10"]).is_empty());
    assert!(q::<Vec<String>>(&mut c, &["LRANGE", "l", "-1", "-2"]).is_empty());
    assert!(q::<Vec<String>>(&mut c, &["LRANGE", "nokey", "0", "-1"]).is_empty());
    assert_eq!(
        line(&mut r, &["LRANGE", "l", "a", "1"]),
        "-ERR value is not an integer or out of range"
    );
    assert_eq!(line(&mut r, &["LINDEX", "l", "-1"]), "$1\r\n5");
    assert_eq!(line(&mut r, &["LINDEX", "l", "6"]), "$-1");
    assert_eq!(line(&mut r, &["LINDEX", "l", "-7"]), "$-1");
    assert_eq!(line(&mut r, &["LINDEX", "nokey", "0"]), "$-1");
    assert_eq!(
        line(&mut r, &["LINDEX", "l", "x"]),
        "-ERR value is not an integer or out of range"
    );
}

#[test]
fn lset_linsert_lrem_ltrim() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    q::<i64>(&mut c, &["RPUSH", "l", "a", "b", "c", "b"]);
    assert_eq!(line(&mut r, &["LSET", "l", "1", "B"]), "+OK");
    assert_eq!(line(&mut r, &["LSET", "l", "-1", "Z"]), "+OK");
    assert_eq!(range(&mut c, "l"), ["a", "B", "c", "Z"]);
    assert_eq!(
        line(&mut r, &["LSET", "l", "4", "x"]),
        "-ERR index out of range"
    );
    assert_eq!(
        line(&mut r, &["LSET", "nokey", "0", "x"]),
        "-ERR no such key"
    );
    assert_eq!(
        line(&mut r, &["LSET", "l", "x", "x"]),
        "-ERR value is not an integer or out of range"
    );

    assert_eq!(q::<i64>(&mut c, &["LINSERT", "l", "BEFORE", "c", "bc"]), 5);
    assert_eq!(q::<i64>(&mut c, &["LINSERT", "l", "after", "Z", "end"]), 6);
    assert_eq!(
        q::<i64>(&mut c, &["LINSERT", "l", "AFTER", "nope", "x"]),
        -1
    );
    assert_eq!(
        q::<i64>(&mut c, &["LINSERT", "nokey", "AFTER", "a", "x"]),
        0
    );
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "nokey"]), 0);
    assert_eq!(
        line(&mut r, &["LINSERT", "l", "MIDDLE", "a", "x"]),
        "-ERR syntax error"
    );
    assert_eq!(range(&mut c, "l"), ["a", "B", "bc", "c", "Z", "end"]);

    q::<i64>(&mut c, &["DEL", "l"]);
    q::<i64>(&mut c, &["RPUSH", "l", "x", "a", "x", "b", "x", "c", "x"]);
    assert_eq!(q::<i64>(&mut c, &["LREM", "l", "2", "x"]), 2);
    assert_eq!(range(&mut c, "l"), ["a", "b", "x", "c", "x"]);
    assert_eq!(q::<i64>(&mut c, &["LREM", "l", "-1", "x"]), 1);
    assert_eq!(range(&mut c, "l"), ["a", "b", "x", "c"]);
    assert_eq!(q::<i64>(&mut c, &["LREM", "l", "0", "x"]), 1);
    assert_eq!(q::<i64>(&mut c, &["LREM", "l", "0", "nope"]), 0);
    assert_eq!(q::<i64>(&mut c, &["LREM", "nokey", "0", "x"]), 0);
    assert_eq!(
        line(&mut r, &["LREM", "l", "y", "x"]),
        "-ERR value is not an integer or out of range"
    );
    assert_eq!(q::<i64>(&mut c, &["LREM", "l", "0", "a"]), 1);
    assert_eq!(q::<i64>(&mut c, &["LREM", "l", "0", "b"]), 1);
    assert_eq!(q::<i64>(&mut c, &["LREM", "l", "0", "c"]), 1);
    assert_eq!(
        q::<i64>(&mut c, &["EXISTS", "l"]),
        0,
        "emptied list is deleted"
    );

    q::<i64>(&mut c, &["RPUSH", "l", "0", "1", "2", "3", "4", "5"]);
    assert_eq!(line(&mut r, &["LTRIM", "l", "1", "-2"]), "+OK");
    assert_eq!(range(&mut c, "l"), ["1", "2", "3", "4"]);
    assert_eq!(line(&mut r, &["LTRIM", "l", "-2", "100"]), "+OK");
    assert_eq!(range(&mut c, "l"), ["3", "4"]);
    assert_eq!(line(&mut r, &["LTRIM", "nokey", "0", "1"]), "+OK");
    assert_eq!(line(&mut r, &["LTRIM", "l", "5", "1"]), "+OK");
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "l"]), 0);
}

#[test]
fn lpos_options() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    q::<i64>(
        &mut c,
        &["RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"],
    );
    assert_eq!(q::<i64>(&mut c, &["LPOS", "l", "c"]), 2);
    assert_eq!(q::<i64>(&mut c, &["LPOS", "l", "c", "RANK", "2"]), 6);
    assert_eq!(q::<i64>(&mut c, &["LPOS", "l", "c", "RANK", "-1"]), 7);
    assert_eq!(q::<i64>(&mut c, &["LPOS", "l", "c", "RANK", "-3"]), 2);
    assert_eq!(line(&mut r, &["LPOS", "l", "c", "RANK", "4"]), "$-1");
    let v: Vec<i64> = q(&mut c, &["LPOS", "l", "c", "COUNT", "0"]);
    assert_eq!(v, [2, 6, 7]);
    let v: Vec<i64> = q(&mut c, &["LPOS", "l", "c", "COUNT", "2", "RANK", "-1"]);
    assert_eq!(v, [7, 6]);
    let v: Vec<i64> = q(&mut c, &["LPOS", "l", "c", "COUNT", "0", "MAXLEN", "7"]);
    assert_eq!(v, [2, 6]);
    let v: Vec<i64> = q(
        &mut c,
        &["LPOS", "l", "c", "COUNT", "0", "RANK", "-1", "MAXLEN", "2"],
    );
    assert_eq!(v, [7, 6]);
    assert_eq!(line(&mut r, &["LPOS", "l", "a", "MAXLEN", "0"]), ":0");
    assert_eq!(line(&mut r, &["LPOS", "l", "c", "MAXLEN", "2"]), "$-1");
    // Integers stored compactly still match their string form.
    assert_eq!(q::<i64>(&mut c, &["LPOS", "l", "2"]), 4);
    assert_eq!(line(&mut r, &["LPOS", "l", "zz", "COUNT", "1"]), "*0");
    assert_eq!(line(&mut r, &["LPOS", "nokey", "a"]), "$-1");
    assert_eq!(line(&mut r, &["LPOS", "nokey", "a", "COUNT", "0"]), "*0");
    assert_eq!(
        line(&mut r, &["LPOS", "l", "a", "RANK", "0"]),
        "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"
    );
    assert_eq!(
        line(&mut r, &["LPOS", "l", "a", "COUNT", "-1"]),
        "-ERR COUNT can't be negative"
    );
    assert_eq!(
        line(&mut r, &["LPOS", "l", "a", "MAXLEN", "-1"]),
        "-ERR MAXLEN can't be negative"
    );
    assert_eq!(
        line(&mut r, &["LPOS", "l", "a", "RANK", "x"]),
        "-ERR value is not an integer or out of range"
    );
    assert_eq!(
        line(&mut r, &["LPOS", "l", "a", "RANK"]),
        "-ERR syntax error"
    );
    assert_eq!(
        line(&mut r, &["LPOS", "l", "a", "FOO", "1"]),
        "-ERR syntax error"
    );
}

#[test]
fn lmove_rpoplpush_lmpop() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    q::<i64>(&mut c, &["RPUSH", "src", "a", "b", "c"]);
    let v: String = q(&mut c, &["LMOVE", "src", "dst", "LEFT", "RIGHT"]);
    assert_eq!(v, "a");
    let v: String = q(&mut c, &["RPOPLPUSH", "src", "dst"]);
    assert_eq!(v, "c");
    assert_eq!(range(&mut c, "dst"), ["c", "a"]);
    // Rotation of a single list.
    let v: String = q(&mut c, &["LMOVE", "dst", "dst", "RIGHT", "LEFT"]);
    assert_eq!(v, "a");
    assert_eq!(range(&mut c, "dst"), ["a", "c"]);
    let v: String = q(&mut c, &["LMOVE", "src", "dst", "right", "left"]);
    assert_eq!(v, "b");
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "src"]), 0);
    assert_eq!(
        line(&mut r, &["LMOVE", "src", "dst", "LEFT", "LEFT"]),
        "$-1"
    );
    assert_eq!(line(&mut r, &["RPOPLPUSH", "src", "dst"]), "$-1");
    assert_eq!(
        line(&mut r, &["LMOVE", "dst", "x", "UP", "LEFT"]),
        "-ERR syntax error"
    );
    let _: () = q(&mut c, &["SET", "str", "v"]);
    assert_eq!(
        line(&mut r, &["LMOVE", "dst", "str", "LEFT", "LEFT"]),
        WRONGTYPE
    );
    assert_eq!(line(&mut r, &["RPOPLPUSH", "str", "dst"]), WRONGTYPE);
    assert_eq!(range(&mut c, "dst"), ["b", "a", "c"], "untouched on error");

    q::<i64>(&mut c, &["RPUSH", "k2", "1", "2", "3"]);
    let v: (String, Vec<String>) = q(&mut c, &["LMPOP", "3", "nokey", "k2", "dst", "LEFT"]);
    assert_eq!(v, ("k2".to_string(), vec!["1".to_string()]));
    let v: (String, Vec<String>) = q(&mut c, &["LMPOP", "2", "k2", "dst", "RIGHT", "COUNT", "10"]);
    assert_eq!(
        v,
        ("k2".to_string(), vec!["3".to_string(), "2".to_string()])
    );
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "k2"]), 0);
    assert_eq!(line(&mut r, &["LMPOP", "2", "k2", "nokey", "LEFT"]), "*-1");
    assert_eq!(
        line(&mut r, &["LMPOP", "0", "k2", "LEFT"]),
        "-ERR numkeys should be greater than 0"
    );
    assert_eq!(
        line(&mut r, &["LMPOP", "x", "k2", "LEFT"]),
        "-ERR numkeys should be greater than 0"
    );
    assert_eq!(
        line(&mut r, &["LMPOP", "3", "k2", "LEFT"]),
        "-ERR syntax error"
    );
    assert_eq!(
        line(&mut r, &["LMPOP", "1", "k2", "UP"]),
        "-ERR syntax error"
    );
    assert_eq!(
        line(&mut r, &["LMPOP", "1", "k2", "LEFT", "COUNT", "0"]),
        "-ERR count should be greater than 0"
    );
    assert_eq!(
        line(
            &mut r,
            &["LMPOP", "1", "k2", "LEFT", "COUNT", "1", "COUNT", "1"]
        ),
        "-ERR syntax error"
    );
    assert_eq!(
        line(&mut r, &["LMPOP", "2", "str", "dst", "LEFT"]),
        WRONGTYPE
    );
}

#[test]
fn wrongtype() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    let _: () = q(&mut c, &["SET", "s", "v"]);
    assert_wrongtype(
        &mut r,
        &[
            &["LPUSH", "s", "a"],
            &["RPUSH", "s", "a"],
            &["LPUSHX", "s", "a"],
            &["RPUSHX", "s", "a"],
            &["LPOP", "s"],
            &["RPOP", "s", "2"],
            &["LLEN", "s"],
            &["LRANGE", "s", "0", "-1"],
            &["LINDEX", "s", "0"],
            &["LSET", "s", "0", "a"],
            &["LINSERT", "s", "BEFORE", "a", "b"],
            &["LREM", "s", "0", "a"],
            &["LTRIM", "s", "0", "1"],
            &["LPOS", "s", "a"],
            &["BLPOP", "s", "0"],
            &["BRPOP", "s", "0"],
            &["BLMOVE", "s", "d", "LEFT", "LEFT", "0"],
            &["BLMPOP", "0", "1", "s", "LEFT"],
        ],
    );
    let v: String = q(&mut c, &["GET", "s"]);
    assert_eq!(v, "v");
}

#[test]
fn dirty_and_watch() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut w = s.conn();
    let mut r = s.raw();
    q::<i64>(&mut c, &["RPUSH", "l", "a"]);
    // An in-place edit must invalidate a WATCH (signalModifiedKey).
    let _: () = q(&mut w, &["WATCH", "l"]);
    assert_eq!(line(&mut r, &["LSET", "l", "0", "b"]), "+OK");
    let _: () = q(&mut w, &["MULTI"]);
    let _: () = q(&mut w, &["PING"]);
    let v: redis::Value = q(&mut w, &["EXEC"]);
    assert_eq!(
        v,
        redis::Value::Nil,
        "EXEC must fail after LSET on a watched key"
    );
}

// ---------------------------------------------------------------- model

fn value(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => rng.range(-5, 5).to_string(),
        1 => ["a", "b", "c", "d"][rng.below(4) as usize].to_string(),
        2 => format!("v{}", rng.below(8)),
        _ => "x".repeat(rng.below(60) as usize + 1),
    }
}

/// Redis's LRANGE/LTRIM index normalisation: the kept [start, end] or None.
fn norm(len: usize, start: i64, end: i64) -> Option<(usize, usize)> {
    let l = len as i64;
    let (mut s, mut e) = (start, end);
    if s < 0 {
        s += l;
    }
    if e < 0 {
        e += l;
    }
    if s < 0 {
        s = 0;
    }
    if s > e || s >= l {
        return None;
    }
    if e >= l {
        e = l - 1;
    }
    Some((s as usize, e as usize))
}

fn run_model(extra: &[&str], seed: u64, ops: usize) {
    let s = common::Server::start_with(extra);
    let mut c = s.conn();
    let mut m: VecDeque<String> = VecDeque::new();
    let mut rng = Rng(seed);
    for step in 0..ops {
        let len = m.len() as i64;
        match rng.below(10) {
            0 | 1 => {
                let n = rng.range(1, 4);
                let left = rng.below(2) == 0;
                let vals: Vec<String> = (0..n).map(|_| value(&mut rng)).collect();
                for v in &vals {
                    if left {
                        m.push_front(v.clone());
                    } else {
                        m.push_back(v.clone());
                    }
                }
                let got: i64 = redis::cmd(if left { "LPUSH" } else { "RPUSH" })
                    .arg("k")
                    .arg(&vals)
                    .query(&mut c)
                    .unwrap();
                assert_eq!(got, m.len() as i64, "step {step}: push");
            }
            2 => {
                let left = rng.below(2) == 0;
                let n = rng.range(1, 3) as usize;
                let want: Vec<String> = (0..n)
                    .filter_map(|_| if left { m.pop_front() } else { m.pop_back() })
                    .collect();
                let got: Option<Vec<String>> = redis::cmd(if left { "LPOP" } else { "RPOP" })
                    .arg("k")
                    .arg(n)
                    .query(&mut c)
                    .unwrap();
                if len == 0 {
                    assert_eq!(got, None, "step {step}: pop on missing key");
                } else {
                    assert_eq!(got, Some(want), "step {step}: pop");
                }
            }
            3 => {
                let i = rng.range(-len - 2, len + 1);
                let v = value(&mut rng);
                let got: redis::RedisResult<()> =
                    redis::cmd("LSET").arg("k").arg(i).arg(&v).query(&mut c);
                let idx = if i < 0 { i + len } else { i };
                if len == 0 {
                    assert!(got.is_err(), "step {step}: LSET missing key");
                } else if idx >= 0 && idx < len {
                    got.unwrap();
                    m[idx as usize] = v;
                } else {
                    assert!(got.is_err(), "step {step}: LSET out of range");
                }
            }
            4 => {
                let pivot = value(&mut rng);
                let v = value(&mut rng);
                let after = rng.below(2) == 0;
                let got: i64 = q(
                    &mut c,
                    &[
                        "LINSERT",
                        "k",
                        if after { "AFTER" } else { "BEFORE" },
                        &pivot,
                        &v,
                    ],
                );
                let want = if len == 0 {
                    0
                } else if let Some(p) = m.iter().position(|e| *e == pivot) {
                    m.insert(if after { p + 1 } else { p }, v);
                    m.len() as i64
                } else {
                    -1
                };
                assert_eq!(got, want, "step {step}: LINSERT");
            }
            5 => {
                let v = value(&mut rng);
                let count = rng.range(-2, 2);
                let got: i64 = q(&mut c, &["LREM", "k", &count.to_string(), &v]);
                let limit = if count == 0 {
                    usize::MAX
                } else {
                    count.unsigned_abs() as usize
                };
                let mut removed = 0;
                if count >= 0 {
                    let mut i = 0;
                    while i < m.len() && removed < limit {
                        if m[i] == v {
                            m.remove(i);
                            removed += 1;
                        } else {
                            i += 1;
                        }
                    }
                } else {
                    let mut i = m.len();
                    while i > 0 && removed < limit {
                        i -= 1;
                        if m[i] == v {
                            m.remove(i);
                            removed += 1;
                        }
                    }
                }
                assert_eq!(got, removed as i64, "step {step}: LREM");
            }
            6 => {
                // Mostly mild trims so the list does not stay tiny.
                let start = rng.range(-len - 1, 2);
                let end = if rng.below(2) == 0 {
                    -1
                } else {
                    rng.range(-3, len + 1)
                };
                let _: () = q(
                    &mut c,
                    &["LTRIM", "k", &start.to_string(), &end.to_string()],
                );
                m = match norm(m.len(), start, end) {
                    Some((s, e)) => m.range(s..=e).cloned().collect(),
                    None => VecDeque::new(),
                };
            }
            7 => {
                let i = rng.range(-len - 1, len);
                let got: Option<String> = q(&mut c, &["LINDEX", "k", &i.to_string()]);
                let idx = if i < 0 { i + len } else { i };
                let want = (idx >= 0 && idx < len).then(|| m[idx as usize].clone());
                assert_eq!(got, want, "step {step}: LINDEX {i}");
            }
            _ => {
                let start = rng.range(-len - 2, len + 2);
                let end = rng.range(-len - 2, len + 2);
                let got: Vec<String> = q(
                    &mut c,
                    &["LRANGE", "k", &start.to_string(), &end.to_string()],
                );
                let want: Vec<String> = match norm(m.len(), start, end) {
                    Some((s, e)) => m.range(s..=e).cloned().collect(),
                    None => Vec::new(),
                };
                assert_eq!(got, want, "step {step}: LRANGE {start} {end}");
            }
        }
        if step % 100 == 0 || step + 1 == ops {
            let got: Vec<String> = range(&mut c, "k");
            assert_eq!(got, Vec::from(m.clone()), "step {step}: full list");
            let exists = q::<i64>(&mut c, &["EXISTS", "k"]);
            assert_eq!(exists, i64::from(!m.is_empty()), "step {step}: EXISTS");
        }
    }
}

#[test]
fn randomized_model_small_nodes() {
    // Four entries per node: splits, merges and node walks get exercised.
    run_model(&["--list-max-listpack-size", "4"], 0x5eed_1234, 5000);
}

#[test]
fn randomized_model_default_nodes() {
    run_model(&[], 0xfeed_beef, 2000);
}
