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

/// Redis parses scores, score bounds, WEIGHTS and INCRBYFLOAT/
/// HINCRBYFLOAT increments with strtod/strtold, which accept C hex floats;
/// NaN stays rejected with the same errors.
#[test]
fn hex_float_scores_and_increments() {
    let s = common::Server::start();
    let mut r = s.raw();
    check(&mut r, &[b"ZADD", b"z", b"0x10", b"a"], ":1\r\n");
    check(
        &mut r,
        &[b"ZADD", b"z", b"0x1p-1", b"b", b"-0x1.8p1", b"c"],
        ":2\r\n",
    );
    check(&mut r, &[b"ZINCRBY", b"z", b"0X2", b"a"], "$2\r\n18\r\n");
    check(
        &mut r,
        &[b"ZRANGE", b"z", b"0", b"-1", b"WITHSCORES"],
        "*6\r\n$1\r\nc\r\n$2\r\n-3\r\n$1\r\nb\r\n$3\r\n0.5\r\n$1\r\na\r\n$2\r\n18\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGEBYSCORE", b"z", b"(0x1", b"0x20"],
        "*1\r\n$1\r\na\r\n",
    );
    check(&mut r, &[b"ZCOUNT", b"z", b"-0x10", b"0x1p4"], ":2\r\n");
    check(
        &mut r,
        &[b"ZADD", b"z", b"0x", b"d"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut r,
        &[b"ZADD", b"z", b"0x1p", b"d"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut r,
        &[b"ZADD", b"z", b"nan", b"d"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut r,
        &[b"ZINCRBY", b"z", b"nan", b"a"],
        "-ERR value is not a valid float\r\n",
    );
    check(&mut r, &[b"ZADD", b"z2", b"1", b"a"], ":1\r\n");
    check(
        &mut r,
        &[
            b"ZUNIONSTORE",
            b"d",
            b"2",
            b"z",
            b"z2",
            b"WEIGHTS",
            b"0x2",
            b"0x1",
        ],
        ":3\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGE", b"d", b"0", b"-1", b"WITHSCORES"],
        "*6\r\n$1\r\nc\r\n$2\r\n-6\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\na\r\n$2\r\n37\r\n",
    );
    check(&mut r, &[b"INCRBYFLOAT", b"f", b"0x10"], "$2\r\n16\r\n");
    check(
        &mut r,
        &[b"INCRBYFLOAT", b"f", b"0x1p-2"],
        "$5\r\n16.25\r\n",
    );
    check(
        &mut r,
        &[b"INCRBYFLOAT", b"f", b"nan"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut r,
        &[b"HINCRBYFLOAT", b"h", b"x", b"0X1P4"],
        "$2\r\n16\r\n",
    );
    check(
        &mut r,
        &[b"HINCRBYFLOAT", b"h", b"x", b"nan"],
        "-ERR value is not a valid float\r\n",
    );
    check(
        &mut r,
        &[b"HINCRBYFLOAT", b"h", b"x", b"-0x1.8p1"],
        "$2\r\n13\r\n",
    );
}

/// A listpack stores a -0 score as "0"; the skiplist keeps -0.
/// Replies format what is stored (ZINCRBY replies the computed -0).
#[test]
fn negative_zero_scores() {
    let s = common::Server::start();
    let mut r = s.raw();
    check(
        &mut r,
        &[b"ZADD", b"m", b"-0", b"a", b"-0.0", b"b"],
        ":2\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGE", b"m", b"0", b"-1", b"WITHSCORES"],
        "*4\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n",
    );
    check(&mut r, &[b"ZSCORE", b"m", b"a"], "$1\r\n0\r\n");
    check(
        &mut r,
        &[b"ZMSCORE", b"m", b"a", b"b"],
        "*2\r\n$1\r\n0\r\n$1\r\n0\r\n",
    );
    check(&mut r, &[b"ZPOPMAX", b"m"], "*2\r\n$1\r\nb\r\n$1\r\n0\r\n");
    check(&mut r, &[b"ZINCRBY", b"m2", b"-0", b"x"], "$2\r\n-0\r\n");
    check(&mut r, &[b"ZSCORE", b"m2", b"x"], "$1\r\n0\r\n");
    r.send(&resp(&[b"HELLO", b"3"]));
    r.read_until(b"modules\r\n*0\r\n");
    check(
        &mut r,
        &[b"ZRANGE", b"m", b"0", b"-1", b"WITHSCORES"],
        "*1\r\n*2\r\n$1\r\na\r\n,0\r\n",
    );
    check(&mut r, &[b"ZPOPMIN", b"m"], "*2\r\n$1\r\na\r\n,0\r\n");
    r.send(&resp(&[b"HELLO", b"2"]));
    r.read_until(b"modules\r\n*0\r\n");
    check(
        &mut r,
        &[b"CONFIG", b"SET", b"zset-max-listpack-entries", b"0"],
        "+OK\r\n",
    );
    check(&mut r, &[b"ZADD", b"sk", b"-0", b"a"], ":1\r\n");
    check(&mut r, &[b"ZSCORE", b"sk", b"a"], "$2\r\n-0\r\n");
    check(
        &mut r,
        &[b"ZRANGE", b"sk", b"0", b"-1", b"WITHSCORES"],
        "*2\r\n$1\r\na\r\n$2\r\n-0\r\n",
    );
    check(
        &mut r,
        &[b"CONFIG", b"SET", b"zset-max-listpack-entries", b"128"],
        "+OK\r\n",
    );
}

/// ZRANGE option checks in Redis's order: REV only for ZRANGE,
/// each of REV/BYSCORE/BYLEX once, LIMIT rejected for rank ranges only when
/// its count is not -1, before start/stop are parsed as integers.
#[test]
fn zrange_option_checks() {
    let s = common::Server::start();
    let mut r = s.raw();
    check(&mut r, &[b"ZADD", b"z2", b"1", b"a"], ":1\r\n");
    check(
        &mut r,
        &[b"ZADD", b"r", b"1", b"a", b"2", b"b", b"3", b"c"],
        ":3\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGE", b"r", b"0", b"-1", b"REV", b"LIMIT", b"0", b"1"],
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGE", b"r", b"0", b"-1", b"LIMIT", b"0", b"-1"],
        "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGE", b"r", b"0", b"-1", b"LIMIT", b"5", b"-1", b"REV"],
        "*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGE", b"r", b"x", b"-1", b"LIMIT", b"0", b"1"],
        "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
    );
    check(
        &mut r,
        &[b"ZREVRANGE", b"r", b"0", b"-1", b"REV"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGEBYSCORE", b"r", b"-inf", b"+inf", b"REV"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGE", b"r", b"0", b"-1", b"REV", b"REV"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGEBYLEX", b"r", b"-", b"+", b"extra"],
        "-ERR syntax error\r\n",
    );
    check(
        &mut r,
        &[
            b"ZREVRANGEBYLEX",
            b"r",
            b"+",
            b"-",
            b"LIMIT",
            b"0",
            b"1",
            b"extra",
        ],
        "-ERR syntax error\r\n",
    );
    check(
        &mut r,
        &[b"ZREVRANGE", b"", b"2", b"REV"],
        "-ERR value is not an integer or out of range\r\n",
    );
    check(
        &mut r,
        &[
            b"ZUNIONSTORE",
            b"d",
            b"2",
            b"r",
            b"z2",
            b"WEIGHTS",
            b"1",
            b"2",
            b"AGGREGATE",
            b"avg",
        ],
        "-ERR syntax error\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGEBYLEX", b"r", b"-", b"+", b"WITHSCORES"],
        "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
    );
}

/// Lex ranges over members with different scores: Redis's
/// listpack walk (first member >= min, stop at the first one > max).
#[test]
fn lex_ranges_with_mixed_scores_listpack() {
    let s = common::Server::start();
    let mut r = s.raw();
    check(
        &mut r,
        &[
            b"ZADD", b"lx", b"1", b"b", b"2", b"a", b"3", b"d", b"4", b"c",
        ],
        ":4\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGEBYLEX", b"lx", b"[a", b"[c"],
        "*2\r\n$1\r\nb\r\n$1\r\na\r\n",
    );
    check(
        &mut r,
        &[b"ZRANGEBYLEX", b"lx", b"(a", b"+"],
        "*4\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\nc\r\n",
    );
    check(
        &mut r,
        &[b"ZREVRANGEBYLEX", b"lx", b"[c", b"-"],
        "*4\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(&mut r, &[b"ZLEXCOUNT", b"lx", b"[a", b"[c"], ":2\r\n");
    check(&mut r, &[b"ZLEXCOUNT", b"lx", b"(c", b"[z"], ":0\r\n");
    check(
        &mut r,
        &[b"ZRANGEBYLEX", b"lx", b"-", b"+", b"LIMIT", b"1", b"2"],
        "*2\r\n$1\r\na\r\n$1\r\nd\r\n",
    );
    check(
        &mut r,
        &[b"ZREVRANGEBYLEX", b"lx", b"+", b"[b", b"LIMIT", b"1", b"5"],
        "*1\r\n$1\r\nd\r\n",
    );
    check(&mut r, &[b"ZREMRANGEBYLEX", b"lx", b"[b", b"[c"], ":2\r\n");
    check(
        &mut r,
        &[b"ZRANGE", b"lx", b"0", b"-1"],
        "*2\r\n$1\r\nd\r\n$1\r\nc\r\n",
    );
}

/// SORT ALPHA compares with strcoll (stops at NUL) unless
/// STORE; ALPHA ties keep input order; SORT converts a zset to a skiplist.
#[test]
fn sort_alpha_collation_ties_and_zset_conversion() {
    let s = common::Server::start();
    let mut r = s.raw();
    check(&mut r, &[b"RPUSH", b"sl", b"3", b"1", b"2"], ":3\r\n");
    check(
        &mut r,
        &[b"SORT", b"sl", b"ALPHA"],
        "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
    );
    check(
        &mut r,
        &[b"RPUSH", b"sa", b"b", b"\0x", b"a", b""],
        ":4\r\n",
    );
    check(
        &mut r,
        &[b"SORT", b"sa", b"ALPHA"],
        "*4\r\n$2\r\n\0x\r\n$0\r\n\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(
        &mut r,
        &[b"SORT", b"sa", b"ALPHA", b"DESC"],
        "*4\r\n$1\r\nb\r\n$1\r\na\r\n$2\r\n\0x\r\n$0\r\n\r\n",
    );
    check(
        &mut r,
        &[b"SORT", b"sa", b"ALPHA", b"STORE", b"sd"],
        ":4\r\n",
    );
    check(
        &mut r,
        &[b"LRANGE", b"sd", b"0", b"-1"],
        "*4\r\n$0\r\n\r\n$2\r\n\0x\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(&mut r, &[b"RPUSH", b"sn", b"c", b"a", b"b"], ":3\r\n");
    check(
        &mut r,
        &[b"SORT", b"sn", b"BY", b"nokey_*", b"ALPHA"],
        "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(
        &mut r,
        &[b"SORT", b"sn", b"BY", b"nokey_*", b"ALPHA", b"DESC"],
        "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(&mut r, &[b"ZADD", b"zs", b"1", b"a", b"2", b"b"], ":2\r\n");
    check(
        &mut r,
        &[b"SORT_RO", b"zs", b"BY", b"nosort"],
        "*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    );
    check(
        &mut r,
        &[b"OBJECT", b"ENCODING", b"zs"],
        "$8\r\nskiplist\r\n",
    );
}

/// SORT BY nosort DESC on a list walks it from the tail.
#[test]
fn sort_nosort_desc_list() {
    let s = common::Server::start();
    let mut r = s.raw();
    check(&mut r, &[b"RPUSH", b"l", b"a", b"b", b"c", b"d"], ":4\r\n");
    check(
        &mut r,
        &[b"SORT", b"l", b"BY", b"nosort", b"DESC"],
        "*4\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n",
    );
    check(
        &mut r,
        &[
            b"SORT", b"l", b"BY", b"nosort", b"DESC", b"LIMIT", b"1", b"2",
        ],
        "*2\r\n$1\r\nc\r\n$1\r\nb\r\n",
    );
}

/// SCAN-family cursors are read with strtoul: "" is 0, a sign is allowed
/// ("-1" wraps), leading space, a bare sign and overflow are invalid.
#[test]
fn scan_cursor_strtoul() {
    let s = common::Server::start();
    let mut r = s.raw();
    let empty = "*2\r\n$1\r\n0\r\n*0\r\n";
    let bad = "-ERR invalid cursor\r\n";
    check(&mut r, &[b"SCAN", b""], empty);
    check(&mut r, &[b"SCAN", b"-1"], empty);
    check(&mut r, &[b"HSCAN", b"nokey", b"+3"], empty);
    check(
        &mut r,
        &[b"SSCAN", b"nokey", b"18446744073709551615"],
        empty,
    );
    check(&mut r, &[b"SCAN", b" 1"], bad);
    check(&mut r, &[b"SCAN", b"+"], bad);
    check(&mut r, &[b"ZSCAN", b"nokey", b"18446744073709551616"], bad);
    check(&mut r, &[b"HSCAN", b"nokey", b"1x"], bad);
}

/// OBJ_SHARED_REFCOUNT only for the shared integers 0..9999.
#[test]
fn object_refcount_shared_integers() {
    let s = common::Server::start();
    let mut r = s.raw();
    check(&mut r, &[b"SET", b"str", b"hello"], "+OK\r\n");
    check(&mut r, &[b"OBJECT", b"REFCOUNT", b"str"], ":1\r\n");
    check(&mut r, &[b"SET", b"i", b"9999"], "+OK\r\n");
    check(&mut r, &[b"OBJECT", b"REFCOUNT", b"i"], ":2147483647\r\n");
    check(&mut r, &[b"SET", b"i", b"10000"], "+OK\r\n");
    check(&mut r, &[b"OBJECT", b"REFCOUNT", b"i"], ":1\r\n");
    check(&mut r, &[b"SET", b"i", b"-1"], "+OK\r\n");
    check(&mut r, &[b"OBJECT", b"REFCOUNT", b"i"], ":1\r\n");
}
