//! Error replies compared byte for byte with redis-server 7.0.15: client
//! bytes quoted in errors go back raw (not as UTF-8), cut the way C's
//! `%.128s` cuts them; protocol errors; and a table of wrong-arity, bad
//! option and bad number cases across command families.
mod common;

use common::oracle::{Pair, Redis, read_reply};
use common::{Raw, resp};

/// Sends `req` on a fresh connection to each server and returns the first
/// reply of each (protocol errors close the connection after it).
fn first_reply(pair: &Pair, req: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let mut a: Raw = pair.ours.raw();
    let mut b: Raw = pair.redis.raw();
    a.send(req);
    b.send(req);
    (read_reply(&mut a), read_reply(&mut b))
}

fn same_first_reply(pair: &Pair, req: &[u8]) -> Vec<u8> {
    let (ours, theirs) = first_reply(pair, req);
    assert_eq!(
        ours,
        theirs,
        "ferrodis (left) and redis-server (right) differ on {:?}",
        String::from_utf8_lossy(&req[..req.len().min(200)])
    );
    ours
}

/// Non-UTF-8 bytes used to come back as U+FFFD; CR/LF become spaces; a NUL
/// ends a C string; each quoted argument is cut to the room left under 128
/// bytes, in bytes (a multi-byte character may be split, as in Redis).
#[test]
fn unknown_command_error_echoes_raw_bytes_like_redis() {
    let mut pair = Pair::start();
    let e9 = vec![0xe9u8; 200];
    let mixed = [vec![b'a'; 100], b"\xc3\xa9".repeat(40)].concat();
    let many: Vec<&[u8]> = std::iter::once(&b"foo"[..])
        .chain(std::iter::repeat_n(&b"ab"[..], 100))
        .collect();
    let long_name = vec![b'z'; 300];
    let cases: Vec<Vec<&[u8]>> = vec![
        vec![b"foo\xff\xfe", b"a\xffb", b"x\r\ny"],
        vec![b"foo\x00bar", b"a\x00b", b"c"],
        vec![b"foo", &e9],
        vec![b"foo", &mixed],
        many,
        vec![&long_name, b"x"],
        vec![b"foo\xff"],
        // Unknown subcommand of a container command (processCommand).
        vec![b"CONFIG", b"\xffz\r\n"],
        vec![b"OBJECT", b"\xff\r\nzz"],
        vec![b"COMMAND", &e9],
        vec![b"CLIENT", b"a\x00b"],
        // addReplySubcommandSyntaxError.
        vec![b"DEBUG", b"\xfe\xff"],
        vec![b"MEMORY", b"\xe9"],
    ];
    for args in &cases {
        let reply = pair.same_bytes(args);
        assert!(reply.starts_with(b"-ERR "), "{reply:?}");
    }
    let e = pair.same_bytes(&[b"foo\xff\xfe", b"a\xffb"]);
    assert_eq!(
        e,
        b"-ERR unknown command 'foo\xff\xfe', with args beginning with: 'a\xffb' \r\n"
    );
    // An inline command too.
    let (ours, theirs) = first_reply(&pair, b"\xff\xfe inline\r\n");
    assert_eq!(ours, theirs);
}

/// Errors that quote an option or a value the client sent.
#[test]
fn option_errors_echo_raw_bytes_like_redis() {
    let mut pair = Pair::start();
    pair.same(&["SET", "k", "v"]);
    let cases: &[&[&[u8]]] = &[
        &[b"EXPIRE", b"k", b"10", b"\xffzz"],
        &[b"CLIENT", b"LIST", b"TYPE", b"\xffz"],
        &[b"CLIENT", b"KILL", b"TYPE", b"\xe9"],
        &[b"CLIENT", b"KILL", b"USER", b"\xe9"],
        &[b"HELLO", b"3", b"\xffz"],
        &[b"HELLO", b"2", b"a\r\nb"],
        // CONFIG SET echoes an unknown name as sent (was U+FFFD).
        &[b"CONFIG", b"SET", b"\xffname", b"v"],
        &[b"CONFIG", b"SET", b"maxmemory", b"1", b"n\xe9", b"v"],
    ];
    for args in cases {
        let reply = pair.same_bytes(args);
        assert!(reply.starts_with(b"-ERR "), "{reply:?}");
    }
}

/// `expected '$', got '%c'` sends the byte itself; a NUL before a count
/// line's CR hides the CR from Redis's strchr, so the line never completes
/// until it is too long.
#[test]
fn protocol_errors_match_redis_bytes() {
    let pair = Pair::start();
    for req in [
        &b"*1\r\n\xff\r\n"[..],
        b"*1\r\nx\r\n",
        b"*1\r\n\r\r\n",
        b"*1\r\n\n\r\n",
        b"*2\r\n$3\r\nfoo\r\n\xe9\r\n",
    ] {
        let e = same_first_reply(&pair, req);
        assert!(e.starts_with(b"-ERR Protocol error: expected '$'"), "{e:?}");
    }
    let mut req = b"*1\r\n\x00\r\n".to_vec();
    req.extend(std::iter::repeat_n(b'a', 70_000));
    let e = same_first_reply(&pair, &req);
    assert_eq!(e, b"-ERR Protocol error: too big bulk count string\r\n");
    let mut req = b"\x00*1\r\n".to_vec();
    req.extend(std::iter::repeat_n(b'a', 70_000));
    let e = same_first_reply(&pair, &req);
    assert!(e.starts_with(b"-ERR"), "{e:?}");
}

/// Every command both servers know, called with no arguments: the arity
/// error (or the same reply) as Redis. Commands that change the connection
/// or the server are left out.
#[test]
fn bare_commands_reply_like_redis() {
    let mut pair = Pair::start();
    let list = |r: &mut Raw| -> Vec<Vec<u8>> {
        r.send(&resp(&[b"COMMAND", b"LIST"]));
        let reply = read_reply(r);
        reply
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty() && !matches!(l[0], b'*' | b'$'))
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
            .collect()
    };
    let ours = list(&mut pair.a);
    let theirs = list(&mut pair.b);
    let skip: &[&[u8]] = &[
        b"shutdown",
        b"monitor",
        b"subscribe",
        b"psubscribe",
        b"ssubscribe",
        b"sync",
        b"psync",
        b"quit",
        b"reset",
        b"multi",
        b"save",
        b"bgsave",
        b"bgrewriteaof",
        b"failover",
        b"flushall",
        b"flushdb",
        b"hello",
        b"ping",
        b"time",
        b"info",
        b"lastsave",
        b"randomkey",
        b"dbsize",
        b"command",
        b"role",
        b"readonly",
        b"readwrite",
        b"asking",
        b"discard",
        b"unwatch",
        b"exec",
    ];
    let mut checked = 0;
    for name in ours.iter().filter(|n| theirs.contains(n)) {
        if name.contains(&b'|') || skip.contains(&name.as_slice()) {
            continue;
        }
        pair.same_bytes(&[name]);
        checked += 1;
    }
    assert!(checked > 100, "only {checked} commands in common");
}

/// Wrong arity, bad options and bad numbers across families, as a table.
#[test]
fn error_replies_match_redis_table() {
    let mut pair = Pair::start();
    let setup: &[&[&str]] = &[
        &["SET", "s", "hello"],
        &["SET", "n", "10"],
        &["RPUSH", "l", "a", "b", "c"],
        &["HSET", "h", "f", "1"],
        &["SADD", "st", "a", "b"],
        &["ZADD", "z", "1", "a", "2", "b"],
    ];
    for cmd in setup {
        pair.same(cmd);
    }
    let cases: &[&[&str]] = &[
        // MEMORY USAGE SAMPLES: negative is a syntax error, 0 means all.
        &["MEMORY", "USAGE", "s", "SAMPLES", "-1"],
        &["MEMORY", "USAGE", "s", "SAMPLES", "-9223372036854775808"],
        &["MEMORY", "USAGE", "s", "SAMPLES", "abc"],
        &["MEMORY", "USAGE", "s", "SAMPLES", "9223372036854775808"],
        &["MEMORY", "USAGE", "s", "SAMPLES"],
        &["MEMORY", "USAGE", "s", "BAD", "1"],
        &["MEMORY", "USAGE", "nokey", "SAMPLES", "-1"],
        // CONFIG SET enum: "argument(s) must be one of" in 7.0.
        &["CONFIG", "SET", "appendfsync", "bad"],
        &["CONFIG", "SET", "maxmemory-policy", "x"],
        // (loglevel is left out: ferrodis also takes 7.2's "nothing".)
        // SET/GETEX: every option is parsed before the time is checked;
        // the same expire option may repeat; GETEX checks the key first.
        &["SET", "k", "v", "EX", "0", "BAD"],
        &["SET", "k", "v", "EX", "abc", "BAD"],
        &["SET", "k", "v", "EX", "10", "EX", "20"],
        &["SET", "k", "v", "EX", "10", "PX", "20"],
        &["SET", "k", "v", "PERSIST"],
        &["SET", "k", "v", "KEEPTTL", "EX", "1"],
        &["SET", "k", "v", "EX", "-1"],
        &["SET", "k", "v", "PX", "9223372036854775807"],
        &["SET", "k", "v", "EX", "9223372036854775"],
        &["SET", "k", "v", "EXAT", "0"],
        &["SET", "k", "v", "NX", "XX"],
        &["SET", "k", "v", "EX"],
        &["GETEX", "s", "EX", "10", "EX", "20"],
        &["GETEX", "nokey", "EX", "abc"],
        &["GETEX", "nokey", "EX", "0"],
        &["GETEX", "l", "EX", "abc"],
        &["GETEX", "s", "EX", "abc"],
        &["GETEX", "s", "EX", "0", "BAD"],
        &["GETEX", "s", "PERSIST", "EX", "1"],
        &["GETEX", "s", "KEEPTTL"],
        &["GETEX", "s", "NX"],
        &["GETEX", "s", "PX", "-5"],
        &["TTL", "s"],
        // Bad numbers and options elsewhere.
        &["EXPIRE", "s", "abc"],
        &["EXPIRE", "s", "10", "BAD"],
        &["EXPIRE", "s", "10", "NX", "XX"],
        &["INCRBY", "n", "1.5"],
        &["INCRBYFLOAT", "n", "abc"],
        &["SETRANGE", "s", "-1", "x"],
        &["GETRANGE", "s", "a", "1"],
        &["LRANGE", "l", "0", "x"],
        &["LPOS", "l", "a", "RANK", "0"],
        &["LPOS", "l", "a", "MAXLEN", "-1"],
        &["LPOS", "l", "a", "COUNT", "-1"],
        &["LPOS", "l", "a", "BAD"],
        &["LINSERT", "l", "MIDDLE", "a", "b"],
        &["LMPOP", "0", "LEFT"],
        &["LMPOP", "1", "l", "UP"],
        &["LMPOP", "1", "l", "LEFT", "COUNT", "0"],
        &["HINCRBY", "h", "f", "x"],
        &["HRANDFIELD", "h", "x"],
        &["HSCAN", "h", "0", "COUNT", "0"],
        &["SINTERCARD", "0", "st"],
        &["SINTERCARD", "1", "st", "LIMIT", "-1"],
        &["SMISMEMBER", "st"],
        &["SPOP", "st", "-1"],
        &["ZADD", "z", "NX", "XX", "1", "a"],
        &["ZADD", "z", "GT", "LT", "1", "a"],
        &["ZADD", "z", "INCR", "1", "a", "2", "b"],
        &["ZADD", "z", "x", "a"],
        &["ZRANGE", "z", "0", "1", "BYLEX"],
        &["ZRANGE", "z", "(a", "1", "BYSCORE"],
        &["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"],
        &["ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "0"],
        &["ZUNIONSTORE", "d", "0", "z"],
        &["ZUNIONSTORE", "d", "1", "z", "WEIGHTS", "x"],
        &["ZUNIONSTORE", "d", "1", "z", "AGGREGATE", "AVG"],
        &["ZINTER", "2", "z"],
        &["ZMPOP", "1", "z", "MID"],
        &["ZRANDMEMBER", "z", "x"],
        &["SORT", "l", "LIMIT", "0"],
        &["SORT", "l", "BAD"],
        &["OBJECT", "ENCODING"],
        &["OBJECT", "FREQ", "s"],
        &["SCAN", "0", "COUNT", "0"],
        &["SCAN", "x"],
        &["SELECT", "99"],
        &["SELECT", "x"],
        &["MOVE", "s", "99"],
        &["COPY", "s", "d", "DB", "x"],
        &["DEBUG", "SLEEP"],
        &["DEBUG", "OBJECT", "nokey"],
        &["CLIENT", "KILL", "ID", "x"],
        &["CLIENT", "NO-EVICT", "maybe"],
        &["CLIENT", "REPLY", "maybe"],
        &["COMMAND", "INFO", "nosuch"],
        &["COMMAND", "GETKEYS"],
        &["COMMAND", "GETKEYS", "nosuch"],
        &["COMMAND", "LIST", "FILTERBY", "x", "y"],
        &["LCS", "s", "n", "MINMATCHLEN", "x"],
    ];
    for cmd in cases {
        pair.same(cmd);
    }
}

/// The oracle itself must be running Redis 7.0 for these comparisons.
#[test]
fn oracle_is_redis_7_0() {
    let r = Redis::start();
    let mut c = r.conn();
    let info: String = redis::cmd("INFO").arg("server").query(&mut c).unwrap();
    assert!(info.contains("redis_version:7.0."), "{info}");
}
