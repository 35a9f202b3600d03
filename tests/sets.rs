//! Set commands over real sockets: replies and errors of every command,
//! intset / listpack / hashtable conversions (by count, by element size,
//! after CONFIG SET), large elements, WRONGTYPE, SSCAN full iteration, and
//! a seeded randomized test against a HashSet model.
mod common;

use std::collections::HashSet;

use common::{
    Rng, WRONGTYPE, assert_enc, assert_scan_arg_errors, assert_wrongtype, line, members, q,
    scan_all, set_of,
};
use redis::Connection;

fn sadd_many(c: &mut Connection, key: &str, ms: impl Iterator<Item = String>) {
    let ms: Vec<String> = ms.collect();
    for chunk in ms.chunks(200) {
        let mut cmd = redis::cmd("SADD");
        cmd.arg(key);
        for m in chunk {
            cmd.arg(m);
        }
        let _: i64 = cmd.query(c).unwrap();
    }
}

#[test]
fn basic_replies() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    assert_eq!(q::<i64>(&mut c, &["SADD", "s", "a", "b", "c", "a"]), 3);
    assert_eq!(q::<i64>(&mut c, &["SADD", "s", "a", "d"]), 1);
    assert_eq!(
        members(&mut c, &["SMEMBERS", "s"]),
        set_of(&["a", "b", "c", "d"])
    );
    assert_eq!(members(&mut c, &["SMEMBERS", "nokey"]), set_of(&[]));
    assert_eq!(q::<i64>(&mut c, &["SISMEMBER", "s", "a"]), 1);
    assert_eq!(q::<i64>(&mut c, &["SISMEMBER", "s", "z"]), 0);
    assert_eq!(q::<i64>(&mut c, &["SISMEMBER", "nokey", "z"]), 0);
    assert_eq!(
        q::<Vec<i64>>(&mut c, &["SMISMEMBER", "s", "a", "z", "d"]),
        vec![1, 0, 1]
    );
    assert_eq!(
        q::<Vec<i64>>(&mut c, &["SMISMEMBER", "nokey", "a"]),
        vec![0]
    );
    assert_eq!(q::<i64>(&mut c, &["SCARD", "s"]), 4);
    assert_eq!(q::<i64>(&mut c, &["SCARD", "nokey"]), 0);
    assert_eq!(q::<i64>(&mut c, &["SREM", "s", "a", "z"]), 1);
    assert_eq!(q::<i64>(&mut c, &["SREM", "nokey", "a"]), 0);
    assert_eq!(q::<i64>(&mut c, &["SREM", "s", "b", "c", "d"]), 3);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "s"]), 0);
    // Integers keep their text.
    assert_eq!(q::<i64>(&mut c, &["SADD", "i", "1", "-5", "007", "1"]), 3);
    assert_eq!(
        members(&mut c, &["SMEMBERS", "i"]),
        set_of(&["1", "-5", "007"])
    );
    assert_eq!(q::<i64>(&mut c, &["SISMEMBER", "i", "7"]), 0);
    assert_eq!(q::<i64>(&mut c, &["SISMEMBER", "i", "007"]), 1);
    assert_eq!(
        line(&mut r, &["SADD", "s"]),
        "-ERR wrong number of arguments for 'sadd' command"
    );
}

#[test]
fn spop_srandmember() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    assert_eq!(q::<Option<String>>(&mut c, &["SPOP", "nokey"]), None);
    assert_eq!(q::<Vec<String>>(&mut c, &["SPOP", "nokey", "3"]).len(), 0);
    assert_eq!(q::<Option<String>>(&mut c, &["SRANDMEMBER", "nokey"]), None);
    assert_eq!(
        q::<Vec<String>>(&mut c, &["SRANDMEMBER", "nokey", "3"]).len(),
        0
    );
    for (key, n, ints) in [("si", 10, true), ("sl", 10, false), ("sh", 300, false)] {
        let all: HashSet<String> = (0..n)
            .map(|i| if ints { i.to_string() } else { format!("m{i}") })
            .collect();
        sadd_many(&mut c, key, all.iter().cloned());
        let m: String = q(&mut c, &["SRANDMEMBER", key]);
        assert!(all.contains(&m));
        let got = members(&mut c, &["SRANDMEMBER", key, "5"]);
        assert_eq!(got.len(), 5);
        assert!(got.is_subset(&all));
        let got = members(&mut c, &["SRANDMEMBER", key, "100000"]);
        assert_eq!(got, all);
        let got: Vec<String> = q(&mut c, &["SRANDMEMBER", key, "-25"]);
        assert_eq!(got.len(), 25);
        assert!(got.iter().all(|m| all.contains(m)));
        if n == 10 {
            assert!(got.iter().collect::<HashSet<_>>().len() < 25);
        }
        assert_eq!(
            q::<Vec<String>>(&mut c, &["SRANDMEMBER", key, "0"]).len(),
            0
        );
        assert_eq!(q::<i64>(&mut c, &["SCARD", key]), n as i64);
        // SPOP removes what it returns.
        let mut left = all.clone();
        let p: String = q(&mut c, &["SPOP", key]);
        assert!(left.remove(&p));
        let got = members(&mut c, &["SPOP", key, "3"]);
        assert_eq!(got.len(), 3);
        for m in &got {
            assert!(left.remove(m));
        }
        assert_eq!(q::<Vec<String>>(&mut c, &["SPOP", key, "0"]).len(), 0);
        assert_eq!(members(&mut c, &["SMEMBERS", key]), left);
        let got = members(&mut c, &["SPOP", key, "100000"]);
        assert_eq!(got, left);
        assert_eq!(q::<i64>(&mut c, &["EXISTS", key]), 0);
    }
    q::<i64>(&mut c, &["SADD", "x", "a"]);
    assert_eq!(
        line(&mut r, &["SPOP", "x", "-1"]),
        "-ERR value is out of range, must be positive"
    );
    assert_eq!(line(&mut r, &["SPOP", "x", "1", "2"]), "-ERR syntax error");
    assert_eq!(
        line(&mut r, &["SRANDMEMBER", "x", "y"]),
        "-ERR value is not an integer or out of range"
    );
    assert_eq!(
        line(&mut r, &["SRANDMEMBER", "x", "1", "2"]),
        "-ERR syntax error"
    );
    assert_eq!(q::<String>(&mut c, &["SPOP", "x"]), "a");
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "x"]), 0);
}

#[test]
fn smove() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    q::<i64>(&mut c, &["SADD", "a", "1", "2", "x"]);
    q::<i64>(&mut c, &["SADD", "b", "3"]);
    assert_eq!(q::<i64>(&mut c, &["SMOVE", "a", "b", "1"]), 1);
    assert_eq!(q::<i64>(&mut c, &["SMOVE", "a", "b", "nope"]), 0);
    assert_eq!(q::<i64>(&mut c, &["SMOVE", "nokey", "b", "1"]), 0);
    assert_eq!(members(&mut c, &["SMEMBERS", "a"]), set_of(&["2", "x"]));
    assert_eq!(members(&mut c, &["SMEMBERS", "b"]), set_of(&["1", "3"]));
    // Same key: nothing moves.
    assert_eq!(q::<i64>(&mut c, &["SMOVE", "a", "a", "2"]), 1);
    assert_eq!(q::<i64>(&mut c, &["SMOVE", "a", "a", "9"]), 0);
    // Into a new key; the source is deleted when emptied.
    assert_eq!(q::<i64>(&mut c, &["SMOVE", "a", "new", "2"]), 1);
    assert_eq!(q::<i64>(&mut c, &["SMOVE", "a", "new", "x"]), 1);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "a"]), 0);
    assert_eq!(members(&mut c, &["SMEMBERS", "new"]), set_of(&["2", "x"]));
    // Member already in the destination.
    q::<i64>(&mut c, &["SADD", "b", "2"]);
    assert_eq!(q::<i64>(&mut c, &["SMOVE", "new", "b", "2"]), 1);
    assert_eq!(
        members(&mut c, &["SMEMBERS", "b"]),
        set_of(&["1", "2", "3"])
    );
    let _: () = q(&mut c, &["SET", "str", "v"]);
    assert_eq!(line(&mut r, &["SMOVE", "str", "b", "1"]), WRONGTYPE);
    assert_eq!(line(&mut r, &["SMOVE", "b", "str", "1"]), WRONGTYPE);
    // A missing source answers 0 before the destination's type is checked.
    assert_eq!(line(&mut r, &["SMOVE", "nokey", "str", "1"]), ":0");
    assert_eq!(q::<i64>(&mut c, &["SISMEMBER", "b", "1"]), 1);
}

#[test]
fn algebra() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    q::<i64>(&mut c, &["SADD", "a", "1", "2", "3", "x", "y"]);
    q::<i64>(&mut c, &["SADD", "b", "2", "3", "4", "y"]);
    q::<i64>(&mut c, &["SADD", "c", "3", "y", "z"]);
    assert_eq!(
        members(&mut c, &["SINTER", "a", "b", "c"]),
        set_of(&["3", "y"])
    );
    assert_eq!(
        members(&mut c, &["SINTER", "a"]),
        set_of(&["1", "2", "3", "x", "y"])
    );
    assert_eq!(members(&mut c, &["SINTER", "a", "nokey"]), set_of(&[]));
    assert_eq!(
        members(&mut c, &["SUNION", "a", "b", "nokey", "c"]),
        set_of(&["1", "2", "3", "4", "x", "y", "z"])
    );
    assert_eq!(
        members(&mut c, &["SDIFF", "a", "b", "c"]),
        set_of(&["1", "x"])
    );
    assert_eq!(
        members(&mut c, &["SDIFF", "a", "nokey"]),
        set_of(&["1", "2", "3", "x", "y"])
    );
    assert_eq!(members(&mut c, &["SDIFF", "nokey", "a"]), set_of(&[]));
    assert_eq!(q::<i64>(&mut c, &["SINTERCARD", "2", "a", "b"]), 3);
    assert_eq!(q::<i64>(&mut c, &["SINTERCARD", "3", "a", "b", "c"]), 2);
    assert_eq!(
        q::<i64>(&mut c, &["SINTERCARD", "2", "a", "b", "LIMIT", "2"]),
        2
    );
    assert_eq!(
        q::<i64>(&mut c, &["SINTERCARD", "2", "a", "b", "LIMIT", "0"]),
        3
    );
    assert_eq!(q::<i64>(&mut c, &["SINTERCARD", "2", "a", "nokey"]), 0);
    assert_eq!(
        line(&mut r, &["SINTERCARD", "0", "a"]),
        "-ERR numkeys should be greater than 0"
    );
    assert_eq!(
        line(&mut r, &["SINTERCARD", "3", "a", "b"]),
        "-ERR Number of keys can't be greater than number of args"
    );
    assert_eq!(
        line(&mut r, &["SINTERCARD", "2", "a", "b", "LIMIT", "-1"]),
        "-ERR LIMIT can't be negative"
    );
    assert_eq!(
        line(&mut r, &["SINTERCARD", "2", "a", "b", "FOO", "1"]),
        "-ERR syntax error"
    );

    // STORE variants overwrite the destination (whatever its type).
    let _: () = q(&mut c, &["SET", "dst", "string"]);
    assert_eq!(q::<i64>(&mut c, &["SINTERSTORE", "dst", "a", "b"]), 3);
    assert_eq!(
        members(&mut c, &["SMEMBERS", "dst"]),
        set_of(&["2", "3", "y"])
    );
    assert_eq!(q::<i64>(&mut c, &["SUNIONSTORE", "dst", "b", "c"]), 5);
    assert_eq!(
        members(&mut c, &["SMEMBERS", "dst"]),
        set_of(&["2", "3", "4", "y", "z"])
    );
    assert_eq!(q::<i64>(&mut c, &["SDIFFSTORE", "dst", "a", "b"]), 2);
    assert_eq!(members(&mut c, &["SMEMBERS", "dst"]), set_of(&["1", "x"]));
    // The destination may be a source.
    assert_eq!(q::<i64>(&mut c, &["SUNIONSTORE", "dst", "dst", "c"]), 5);
    assert_eq!(
        members(&mut c, &["SMEMBERS", "dst"]),
        set_of(&["1", "x", "3", "y", "z"])
    );
    // Empty results delete the destination.
    assert_eq!(q::<i64>(&mut c, &["SINTERSTORE", "dst", "a", "nokey"]), 0);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "dst"]), 0);
    q::<i64>(&mut c, &["SADD", "dst", "q"]);
    assert_eq!(q::<i64>(&mut c, &["SDIFFSTORE", "dst", "a", "a"]), 0);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "dst"]), 0);
    q::<i64>(&mut c, &["SADD", "dst", "q"]);
    assert_eq!(q::<i64>(&mut c, &["SUNIONSTORE", "dst", "nokey"]), 0);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "dst"]), 0);

    // WRONGTYPE from any source.
    let _: () = q(&mut c, &["SET", "str", "v"]);
    for cmd in ["SINTER", "SUNION", "SDIFF"] {
        assert_eq!(line(&mut r, &[cmd, "a", "str"]), WRONGTYPE, "{cmd}");
    }
    for cmd in ["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"] {
        assert_eq!(line(&mut r, &[cmd, "d2", "a", "str"]), WRONGTYPE, "{cmd}");
    }
    assert_eq!(line(&mut r, &["SINTERCARD", "2", "a", "str"]), WRONGTYPE);
    assert_eq!(q::<i64>(&mut c, &["EXISTS", "d2"]), 0);
}

#[test]
fn sscan_full_iteration() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    q::<i64>(&mut c, &["SADD", "si", "1", "2", "3"]);
    q::<i64>(&mut c, &["SADD", "sl", "a", "b", "c"]);
    for key in ["si", "sl"] {
        let (next, items): (String, Vec<String>) = q(&mut c, &["SSCAN", key, "0"]);
        assert_eq!(next, "0");
        assert_eq!(items.len(), 3);
    }
    sadd_many(&mut c, "big", (0..2000).map(|i| format!("m{i}")));
    let (items, calls) = scan_all(&mut c, &["SSCAN", "big"], &["COUNT", "50"]);
    assert!(calls > 1);
    assert_eq!(
        items.into_iter().collect::<HashSet<_>>(),
        (0..2000).map(|i| format!("m{i}")).collect::<HashSet<_>>()
    );
    // MATCH filters.
    let (items, _) = scan_all(&mut c, &["SSCAN", "big"], &["MATCH", "m19?"]);
    assert_eq!(
        items.into_iter().collect::<HashSet<_>>(),
        (190..200).map(|i| format!("m{i}")).collect::<HashSet<_>>()
    );
    let (next, items): (String, Vec<String>) = q(&mut c, &["SSCAN", "nokey", "0"]);
    assert_eq!((next.as_str(), items.len()), ("0", 0));
    assert_scan_arg_errors(&mut r, &["SSCAN", "big"]);
}

#[test]
fn encoding_conversions() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    // intset up to 512 integers, then hashtable.
    sadd_many(&mut c, "ints", (0..512).map(|i| i.to_string()));
    assert_enc(&mut c, "ints", "intset");
    q::<i64>(&mut c, &["SADD", "ints", "512"]);
    assert_enc(&mut c, "ints", "hashtable");
    assert_eq!(q::<i64>(&mut c, &["SCARD", "ints"]), 513);
    assert_eq!(q::<i64>(&mut c, &["SISMEMBER", "ints", "0"]), 1);
    // A string into a small intset: listpack.
    q::<i64>(&mut c, &["SADD", "mix", "1", "2"]);
    assert_enc(&mut c, "mix", "intset");
    q::<i64>(&mut c, &["SADD", "mix", "abc"]);
    assert_enc(&mut c, "mix", "listpack");
    assert_eq!(
        members(&mut c, &["SMEMBERS", "mix"]),
        set_of(&["1", "2", "abc"])
    );
    // A string into an intset of >= 128: straight to a hashtable.
    sadd_many(&mut c, "mix2", (0..128).map(|i| i.to_string()));
    q::<i64>(&mut c, &["SADD", "mix2", "abc"]);
    assert_enc(&mut c, "mix2", "hashtable");
    // listpack up to 128 entries.
    sadd_many(&mut c, "lp", (0..128).map(|i| format!("m{i}")));
    assert_enc(&mut c, "lp", "listpack");
    q::<i64>(&mut c, &["SADD", "lp", "m128"]);
    assert_enc(&mut c, "lp", "hashtable");
    // Never converts back.
    for i in 0..100 {
        q::<i64>(&mut c, &["SREM", "lp", &format!("m{i}")]);
    }
    assert_enc(&mut c, "lp", "hashtable");
    // By element size: 64 bytes fit a listpack, 65 do not.
    q::<i64>(&mut c, &["SADD", "sz", &"x".repeat(64)]);
    assert_enc(&mut c, "sz", "listpack");
    q::<i64>(&mut c, &["SADD", "sz", &"y".repeat(65)]);
    assert_enc(&mut c, "sz", "hashtable");
    q::<i64>(&mut c, &["SADD", "sz2", "1", &"y".repeat(65)]);
    assert_enc(&mut c, "sz2", "hashtable");
    // A huge element converts instead of growing the compact encoding.
    let huge = "h".repeat(200_000);
    q::<i64>(&mut c, &["SADD", "huge", "a"]);
    q::<i64>(&mut c, &["SADD", "huge", &huge]);
    assert_enc(&mut c, "huge", "hashtable");
    assert_eq!(q::<i64>(&mut c, &["SISMEMBER", "huge", &huge]), 1);
    // Store results get the encoding their contents call for.
    q::<i64>(&mut c, &["SUNIONSTORE", "u", "ints"]);
    assert_enc(&mut c, "u", "hashtable");
    q::<i64>(&mut c, &["SINTERSTORE", "u2", "mix", "mix"]);
    assert_enc(&mut c, "u2", "listpack");
    q::<i64>(&mut c, &["SDIFFSTORE", "u3", "mix2", "mix"]);
    assert_enc(&mut c, "u3", "intset");

    // CONFIG SET takes effect for later conversions.
    let cs = line(&mut r, &["CONFIG", "SET", "set-max-intset-entries", "3"]);
    assert!(!cs.starts_with("-ERR"), "CONFIG failed: {cs}");
    assert_eq!(cs, "+OK");
    assert_eq!(
        line(&mut r, &["CONFIG", "SET", "set-max-listpack-entries", "2"]),
        "+OK"
    );
    assert_eq!(
        line(&mut r, &["CONFIG", "SET", "set-max-listpack-value", "4"]),
        "+OK"
    );
    q::<i64>(&mut c, &["SADD", "c1", "1", "2", "3"]);
    assert_enc(&mut c, "c1", "intset");
    q::<i64>(&mut c, &["SADD", "c1", "4"]);
    assert_enc(&mut c, "c1", "hashtable");
    q::<i64>(&mut c, &["SADD", "c2", "a", "b"]);
    assert_enc(&mut c, "c2", "listpack");
    q::<i64>(&mut c, &["SADD", "c2", "c"]);
    assert_enc(&mut c, "c2", "hashtable");
    q::<i64>(&mut c, &["SADD", "c3", "abcde"]);
    assert_enc(&mut c, "c3", "hashtable");
}

#[test]
fn startup_thresholds() {
    let s = common::Server::start_with(&["--set-max-intset-entries", "2"]);
    let mut c = s.conn();
    q::<i64>(&mut c, &["SADD", "s", "1", "2"]);
    assert_enc(&mut c, "s", "intset");
    q::<i64>(&mut c, &["SADD", "s", "3"]);
    assert_enc(&mut c, "s", "hashtable");
    assert_eq!(
        members(&mut c, &["SMEMBERS", "s"]),
        set_of(&["1", "2", "3"])
    );
}

#[test]
fn wrongtype() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    let _: () = q(&mut c, &["SET", "str", "x"]);
    q::<i64>(&mut c, &["SADD", "set", "a"]);
    let cmds: &[&[&str]] = &[
        &["SADD", "str", "a"],
        &["SREM", "str", "a"],
        &["SMEMBERS", "str"],
        &["SISMEMBER", "str", "a"],
        &["SMISMEMBER", "str", "a"],
        &["SCARD", "str"],
        &["SPOP", "str"],
        &["SPOP", "str", "2"],
        &["SRANDMEMBER", "str"],
        &["SRANDMEMBER", "str", "-2"],
        &["SMOVE", "str", "set", "a"],
        &["SMOVE", "set", "str", "a"],
        &["SINTER", "str"],
        &["SINTERCARD", "1", "str"],
        &["SUNION", "set", "str"],
        &["SDIFF", "str", "set"],
        &["SINTERSTORE", "d", "str"],
        &["SUNIONSTORE", "d", "str"],
        &["SDIFFSTORE", "d", "set", "str"],
        &["SSCAN", "str", "0"],
    ];
    assert_wrongtype(&mut r, cmds);
    assert_eq!(q::<String>(&mut c, &["GET", "str"]), "x");
    assert_eq!(members(&mut c, &["SMEMBERS", "set"]), set_of(&["a"]));
    // A hash is the wrong type too.
    q::<i64>(&mut c, &["HSET", "h", "f", "v"]);
    assert!(line(&mut r, &["SADD", "h", "a"]).starts_with("-WRONGTYPE"));
}

#[test]
fn randomized_model() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut rng = Rng(0x5e75_0000_cafe_0042);
    let keys = ["s0", "s1", "s2"];
    let mut model: Vec<HashSet<String>> = vec![HashSet::new(); 3];
    for step in 0..3000 {
        let k = rng.below(3) as usize;
        let key = keys[k];
        // Mostly integers (intset), some short strings (listpack), a few
        // long ones (hashtable); 700 integers can pass the 512 limit.
        let member = match rng.below(10) {
            0..=5 => rng.below(700).to_string(),
            6..=8 => format!("m{}", rng.below(150)),
            _ => format!("{}{}", "L".repeat(64), rng.below(20)),
        };
        match rng.below(10) {
            0..=3 => {
                let got: i64 = q(&mut c, &["SADD", key, &member]);
                assert_eq!(got, model[k].insert(member) as i64, "step {step}");
            }
            4..=5 => {
                let got: i64 = q(&mut c, &["SREM", key, &member]);
                assert_eq!(got, model[k].remove(&member) as i64, "step {step}");
            }
            6 => {
                let got: i64 = q(&mut c, &["SISMEMBER", key, &member]);
                assert_eq!(got, model[k].contains(&member) as i64, "step {step}");
            }
            7 => {
                let got: i64 = q(&mut c, &["SCARD", key]);
                assert_eq!(got as usize, model[k].len(), "step {step}");
            }
            8 => {
                let got: Option<String> = q(&mut c, &["SPOP", key]);
                match got {
                    Some(m) => assert!(model[k].remove(&m), "step {step}"),
                    None => assert!(model[k].is_empty(), "step {step}"),
                }
            }
            _ => {
                let o = (k + 1 + rng.below(2) as usize) % 3;
                let got = members(&mut c, &["SINTER", key, keys[o]]);
                let want: HashSet<String> = model[k].intersection(&model[o]).cloned().collect();
                assert_eq!(got, want, "step {step}");
                let got = members(&mut c, &["SMEMBERS", key]);
                assert_eq!(got, model[k], "step {step}");
            }
        }
        let exists: i64 = q(&mut c, &["EXISTS", key]);
        assert_eq!(
            exists == 1,
            !model[k].is_empty(),
            "step {step}: empty set must be deleted"
        );
    }
    for (k, key) in keys.iter().enumerate() {
        assert_eq!(members(&mut c, &["SMEMBERS", key]), model[k]);
    }
}
