//! Regression tests for reply differences against Redis 7.0 found by the
//! differential tester (perf/difftest.sh). Each asserts the exact raw reply
//! real redis-server 7.0.15 gives.
mod common;

use common::resp;

fn check(r: &mut common::Raw, args: &[&[u8]], want: &str) {
    r.send(&resp(args));
    let got = r.read_until(b"\r\n");
    let mut got = String::from_utf8_lossy(&got).into_owned();
    // Multi-line replies: keep reading until the expected length arrived.
    while got.len() < want.len() {
        got.push_str(&String::from_utf8_lossy(&r.read_until(b"\r\n")));
    }
    assert_eq!(
        got,
        want,
        "{:?}",
        args.iter()
            .map(|a| String::from_utf8_lossy(a))
            .collect::<Vec<_>>()
    );
}

#[test]
fn blocking_timeouts_and_validation_order() {
    let s = common::Server::start();
    let mut r = s.raw();
    let neg = "-ERR timeout is negative\r\n";
    // seconds*1000 past LLONG_MAX wraps negative in Redis 7.0.
    check(&mut r, &[b"BLPOP", b"l", b"1e400"], neg);
    check(&mut r, &[b"BRPOP", b"l", b"inf"], neg);
    check(
        &mut r,
        &[b"BLMOVE", b"a", b"b", b"LEFT", b"LEFT", b"1e16"],
        neg,
    );
    check(&mut r, &[b"BZPOPMIN", b"z", b"1e400"], neg);
    check(
        &mut r,
        &[b"BLPOP", b"l", b"nan"],
        "-ERR timeout is not a float or out of range\r\n",
    );
    // strtold accepts hex: 0x0 = 0 would block forever, so use a tiny one.
    check(&mut r, &[b"BLPOP", b"l", b"0x1p-12"], "*-1\r\n");
    // Options are validated before the timeout.
    check(
        &mut r,
        &[b"BLMPOP", b"abc", b"1", b"l", b"LEFT", b"COUNT", b"0"],
        "-ERR count should be greater than 0\r\n",
    );
    check(
        &mut r,
        &[b"BLMPOP", b"abc", b"-1", b"l", b"LEFT"],
        "-ERR numkeys should be greater than 0\r\n",
    );
    check(
        &mut r,
        &[b"BLMPOP", b"abc", b"1", b"l", b"UP"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut r,
        &[b"BZMPOP", b"abc", b"0", b"z", b"MIN"],
        "-ERR numkeys should be greater than 0\r\n",
    );
    check(
        &mut r,
        &[b"BZMPOP", b"1e400", b"1", b"z", b"MIN", b"COUNT", b"-1"],
        "-ERR count should be greater than 0\r\n",
    );
    check(&mut r, &[b"BZMPOP", b"1e400", b"1", b"z", b"MIN"], neg);
}

#[test]
fn list_count_errors() {
    let s = common::Server::start();
    let mut r = s.raw();
    check(&mut r, &[b"RPUSH", b"l", b"a", b"b"], ":2\r\n");
    let pos = "-ERR value is out of range, must be positive\r\n";
    check(&mut r, &[b"LPOP", b"l", b"abc"], pos);
    check(&mut r, &[b"RPOP", b"nokey", b"abc"], pos);
    check(
        &mut r,
        &[b"LPOS", b"l", b"a", b"COUNT", b"abc"],
        "-ERR COUNT can't be negative\r\n",
    );
    check(
        &mut r,
        &[b"LPOS", b"l", b"a", b"MAXLEN", b"abc"],
        "-ERR MAXLEN can't be negative\r\n",
    );
    check(
        &mut r,
        &[b"LPOS", b"l", b"a", b"RANK", b"abc"],
        "-ERR value is not an integer or out of range\r\n",
    );
}

#[test]
fn random_count_ranges() {
    let s = common::Server::start();
    let mut r = s.raw();
    let range = "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n";
    check(&mut r, &[b"HSET", b"h", b"f", b"v"], ":1\r\n");
    check(&mut r, &[b"ZADD", b"z", b"1", b"m"], ":1\r\n");
    check(
        &mut r,
        &[b"HRANDFIELD", b"h", b"-9223372036854775808"],
        range,
    );
    // The count is parsed before the WITHVALUES word.
    check(
        &mut r,
        &[b"HRANDFIELD", b"h", b"-9223372036854775808", b"bogus"],
        range,
    );
    check(
        &mut r,
        &[b"HRANDFIELD", b"h", b"9223372036854775807", b"WITHVALUES"],
        "-ERR value is out of range\r\n",
    );
    // Used to hang trying to produce 2^63 replies.
    check(
        &mut r,
        &[b"ZRANDMEMBER", b"z", b"-9223372036854775808"],
        range,
    );
    check(
        &mut r,
        &[b"ZRANDMEMBER", b"z", b"9223372036854775807", b"WITHSCORES"],
        "-ERR value is out of range\r\n",
    );
}

#[test]
fn sinter_types_copy_db_scan_missing() {
    let s = common::Server::start();
    let mut r = s.raw();
    check(&mut r, &[b"SET", b"str", b"x"], "+OK\r\n");
    let wt = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    check(&mut r, &[b"SINTER", b"nokey", b"str"], wt);
    check(&mut r, &[b"SINTERSTORE", b"d", b"nokey", b"str"], wt);
    check(&mut r, &[b"SINTERCARD", b"2", b"nokey", b"str"], wt);
    let dbr = "-ERR DB index is out of range\r\n";
    check(
        &mut r,
        &[b"COPY", b"str", b"d", b"DB", b"-1", b"BOGUS"],
        dbr,
    );
    check(
        &mut r,
        &[b"COPY", b"str", b"d", b"DB", b"100", b"DB", b"0"],
        dbr,
    );
    let empty = "*2\r\n$1\r\n0\r\n*0\r\n";
    check(&mut r, &[b"HSCAN", b"nokey", b"0", b"COUNT", b"abc"], empty);
    check(&mut r, &[b"SSCAN", b"nokey", b"0", b"MATCH"], empty);
    check(&mut r, &[b"ZSCAN", b"nokey", b"0", b"COUNT"], empty);
    check(
        &mut r,
        &[b"HSCAN", b"nokey", b"x"],
        "-ERR invalid cursor\r\n",
    );
    check(&mut r, &[b"ZSCAN", b"str", b"0", b"COUNT"], wt);
}

#[test]
fn srandmember_zpop_count_errors() {
    let s = common::Server::start();
    let mut r = s.raw();
    check(&mut r, &[b"SADD", b"s", b"a"], ":1\r\n");
    check(&mut r, &[b"ZADD", b"z", b"1", b"m"], ":1\r\n");
    check(
        &mut r,
        &[b"SRANDMEMBER", b"s", b"-9223372036854775808"],
        "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
    );
    let pos = "-ERR value is out of range, must be positive\r\n";
    check(&mut r, &[b"ZPOPMIN", b"z", b"abc"], pos);
    check(&mut r, &[b"ZPOPMAX", b"z", b"-1"], pos);
}
