//! Blocking list commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP):
//! serving by later pushes, arrival order, timeouts, MULTI/EXEC, and
//! clients that go away while blocked.
mod common;

use common::oracle::{Pair, read_reply};
use common::{Raw, resp};
use std::io::Read;
use std::time::{Duration, Instant};

fn send(r: &mut Raw, args: &[&str]) {
    let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
    r.send(&resp(&a));
}

/// Reads exactly `want.len()` bytes and compares them with `want`.
fn expect(r: &mut Raw, want: &str) {
    let got = r.read_n(want.len());
    assert_eq!(String::from_utf8_lossy(&got), want);
}

/// Nothing arrives on `r` within `ms`.
fn expect_silent(r: &mut Raw, ms: u64) {
    r.s.set_read_timeout(Some(Duration::from_millis(ms)))
        .unwrap();
    let mut b = [0u8; 256];
    match r.s.read(&mut b) {
        Ok(0) => panic!("connection closed"),
        Ok(n) => panic!(
            "unexpected reply while blocked: {:?}",
            String::from_utf8_lossy(&b[..n])
        ),
        Err(_) => {}
    }
    r.s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
}

/// Gives the server time to register a block sent just before (there is
/// no INFO blocked_clients to poll yet).
fn settle() {
    std::thread::sleep(Duration::from_millis(100));
}

fn cmd(r: &mut Raw, args: &[&str], want: &str) {
    send(r, args);
    expect(r, want);
}

#[test]
fn blpop_served_by_later_push() {
    let s = common::Server::start();
    let mut a = s.raw();
    let mut b = s.raw();
    send(&mut a, &["BLPOP", "nokey", "l", "0"]);
    settle();
    expect_silent(&mut a, 50);
    cmd(&mut b, &["RPUSH", "l", "x", "y"], ":2\r\n");
    expect(&mut a, "*2\r\n$1\r\nl\r\n$1\r\nx\r\n");
    cmd(&mut b, &["LRANGE", "l", "0", "-1"], "*1\r\n$1\r\ny\r\n");
    // The served client goes on with later commands.
    cmd(&mut a, &["PING"], "+PONG\r\n");
    // BRPOP takes from the tail, and immediately when there is data.
    cmd(&mut b, &["RPUSH", "l", "z"], ":2\r\n");
    cmd(&mut a, &["BRPOP", "l", "0"], "*2\r\n$1\r\nl\r\n$1\r\nz\r\n");
    cmd(&mut a, &["BRPOP", "l", "0"], "*2\r\n$1\r\nl\r\n$1\r\ny\r\n");
    cmd(&mut b, &["EXISTS", "l"], ":0\r\n");
}

#[test]
fn timeout_returns_null_array() {
    let s = common::Server::start();
    let mut a = s.raw();
    let t = Instant::now();
    cmd(&mut a, &["BLPOP", "l", "0.1"], "*-1\r\n");
    let el = t.elapsed();
    assert!(el >= Duration::from_millis(100), "returned after {el:?}");
    assert!(el < Duration::from_millis(1000), "returned after {el:?}");
    let t = Instant::now();
    cmd(
        &mut a,
        &["BLMOVE", "l", "d", "LEFT", "LEFT", "0.1"],
        "*-1\r\n",
    );
    assert!(t.elapsed() >= Duration::from_millis(100));
    cmd(&mut a, &["BLMPOP", "0.1", "2", "l", "m", "LEFT"], "*-1\r\n");
    // A timed-out client is no longer a waiter: the push stays.
    let mut b = s.raw();
    cmd(&mut b, &["RPUSH", "l", "x"], ":1\r\n");
    cmd(&mut b, &["LLEN", "l"], ":1\r\n");
}

#[test]
fn waiters_served_in_arrival_order() {
    let s = common::Server::start();
    let mut w: Vec<Raw> = (0..3).map(|_| s.raw()).collect();
    for r in w.iter_mut() {
        send(r, &["BLPOP", "l", "0"]);
        settle();
    }
    let mut p = s.raw();
    cmd(&mut p, &["RPUSH", "l", "1", "2", "3", "4"], ":4\r\n");
    for (i, r) in w.iter_mut().enumerate() {
        expect(r, &format!("*2\r\n$1\r\nl\r\n$1\r\n{}\r\n", i + 1));
    }
    cmd(&mut p, &["LRANGE", "l", "0", "-1"], "*1\r\n$1\r\n4\r\n");
}

#[test]
fn push_inside_multi_wakes_after_exec() {
    let s = common::Server::start();
    let mut a = s.raw();
    let mut b = s.raw();
    send(&mut a, &["BLPOP", "l", "0"]);
    settle();
    cmd(&mut b, &["MULTI"], "+OK\r\n");
    cmd(&mut b, &["RPUSH", "l", "x"], "+QUEUED\r\n");
    cmd(&mut b, &["LPUSH", "l", "y"], "+QUEUED\r\n");
    expect_silent(&mut a, 50);
    cmd(&mut b, &["EXEC"], "*2\r\n:1\r\n:2\r\n");
    // Served from the state after EXEC: the head is y, not the x that a
    // wake-up in the middle of the transaction would have seen.
    expect(&mut a, "*2\r\n$1\r\nl\r\n$1\r\ny\r\n");
    cmd(&mut b, &["LRANGE", "l", "0", "-1"], "*1\r\n$1\r\nx\r\n");
}

#[test]
fn blocking_commands_inside_multi_do_not_block() {
    let s = common::Server::start();
    let mut a = s.raw();
    cmd(&mut a, &["MULTI"], "+OK\r\n");
    cmd(&mut a, &["BLPOP", "l", "0"], "+QUEUED\r\n");
    cmd(&mut a, &["BRPOP", "l", "0"], "+QUEUED\r\n");
    cmd(&mut a, &["BLMPOP", "0", "1", "l", "LEFT"], "+QUEUED\r\n");
    cmd(
        &mut a,
        &["BLMOVE", "l", "d", "LEFT", "LEFT", "0"],
        "+QUEUED\r\n",
    );
    cmd(&mut a, &["BRPOPLPUSH", "l", "d", "0"], "+QUEUED\r\n");
    cmd(&mut a, &["RPUSH", "l", "v"], "+QUEUED\r\n");
    cmd(&mut a, &["BLPOP", "l", "0"], "+QUEUED\r\n");
    let t = Instant::now();
    cmd(
        &mut a,
        &["EXEC"],
        "*7\r\n*-1\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n:1\r\n*2\r\n$1\r\nl\r\n$1\r\nv\r\n",
    );
    assert!(t.elapsed() < Duration::from_millis(500));
    // Still a normal client afterwards: blocking works again outside MULTI.
    send(&mut a, &["BLPOP", "l", "0"]);
    expect_silent(&mut a, 100);
    let mut b = s.raw();
    cmd(&mut b, &["RPUSH", "l", "w"], ":1\r\n");
    expect(&mut a, "*2\r\n$1\r\nl\r\n$1\r\nw\r\n");
}

#[test]
fn blmove_and_brpoplpush() {
    let s = common::Server::start();
    let mut a = s.raw();
    let mut b = s.raw();
    send(&mut a, &["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"]);
    settle();
    cmd(&mut b, &["RPUSH", "dst", "old"], ":1\r\n");
    expect_silent(&mut a, 50);
    cmd(&mut b, &["RPUSH", "src", "a", "b"], ":2\r\n");
    expect(&mut a, "$1\r\nb\r\n");
    cmd(
        &mut b,
        &["LRANGE", "dst", "0", "-1"],
        "*2\r\n$1\r\nb\r\n$3\r\nold\r\n",
    );
    send(&mut a, &["BRPOPLPUSH", "other", "dst", "0"]);
    settle();
    cmd(&mut b, &["LPUSH", "other", "c"], ":1\r\n");
    expect(&mut a, "$1\r\nc\r\n");
    cmd(&mut b, &["EXISTS", "other"], ":0\r\n");
    cmd(&mut b, &["LLEN", "dst"], ":3\r\n");
    // Chained waiters: a BLMOVE's push serves a client blocked on its
    // destination.
    let mut c = s.raw();
    send(&mut c, &["BLPOP", "chain2", "0"]);
    send(&mut a, &["BLMOVE", "chain1", "chain2", "LEFT", "LEFT", "0"]);
    settle();
    cmd(&mut b, &["RPUSH", "chain1", "z"], ":1\r\n");
    expect(&mut a, "$1\r\nz\r\n");
    expect(&mut c, "*2\r\n$6\r\nchain2\r\n$1\r\nz\r\n");
    cmd(&mut b, &["EXISTS", "chain1", "chain2"], ":0\r\n");
    // A destination turned into another type while waiting: the served
    // waiter gets WRONGTYPE and the element stays in the source (see
    // blmove_to_wrongtype_destination_replies_wrongtype).
    send(&mut a, &["BLMOVE", "s2", "d2", "LEFT", "LEFT", "0"]);
    settle();
    cmd(&mut b, &["SET", "d2", "str"], "+OK\r\n");
    cmd(&mut b, &["RPUSH", "s2", "q"], ":1\r\n");
    expect(&mut a, &format!("{}\r\n", common::WRONGTYPE));
    cmd(&mut b, &["LLEN", "s2"], ":1\r\n");
    cmd(&mut b, &["DEL", "d2"], ":1\r\n");
    cmd(
        &mut a,
        &["BLMOVE", "s2", "d2", "LEFT", "LEFT", "0"],
        "$1\r\nq\r\n",
    );
    cmd(&mut b, &["LRANGE", "d2", "0", "-1"], "*1\r\n$1\r\nq\r\n");
    // Errors: bad direction, bad timeout.
    cmd(
        &mut b,
        &["BLMOVE", "src", "dst", "UP", "LEFT", "0"],
        "-ERR syntax error\r\n",
    );
    cmd(
        &mut b,
        &["BRPOPLPUSH", "src", "dst", "-1"],
        "-ERR timeout is negative\r\n",
    );
}

#[test]
fn blmpop_served_with_count() {
    let s = common::Server::start();
    let mut a = s.raw();
    let mut b = s.raw();
    send(
        &mut a,
        &["BLMPOP", "0", "2", "k1", "k2", "RIGHT", "COUNT", "2"],
    );
    settle();
    cmd(&mut b, &["RPUSH", "k2", "1", "2", "3"], ":3\r\n");
    expect(&mut a, "*2\r\n$2\r\nk2\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n");
    cmd(&mut b, &["LLEN", "k2"], ":1\r\n");
    cmd(
        &mut b,
        &["BLMPOP", "0", "0", "k1", "LEFT"],
        "-ERR numkeys should be greater than 0\r\n",
    );
}

#[test]
fn disconnect_while_blocked() {
    let s = common::Server::start();
    let mut b = s.raw();
    {
        let mut gone = s.raw();
        send(&mut gone, &["BLPOP", "l", "0"]);
        settle();
    }
    let mut a = s.raw();
    send(&mut a, &["BLPOP", "l", "0"]);
    settle();
    // The first waiter closed its socket: the push goes to the second.
    cmd(&mut b, &["RPUSH", "l", "x"], ":1\r\n");
    expect(&mut a, "*2\r\n$1\r\nl\r\n$1\r\nx\r\n");
    // With no live waiter left, a push simply stays.
    {
        let mut gone = s.raw();
        send(&mut gone, &["BRPOP", "l", "0"]);
        settle();
    }
    settle();
    cmd(&mut b, &["RPUSH", "l", "y"], ":1\r\n");
    cmd(&mut b, &["LRANGE", "l", "0", "-1"], "*1\r\n$1\r\ny\r\n");
}

#[test]
fn invalid_timeouts() {
    let s = common::Server::start();
    let mut r = s.raw();
    for t in ["-1", "-0.5"] {
        cmd(&mut r, &["BLPOP", "l", t], "-ERR timeout is negative\r\n");
    }
    for t in ["abc", "", "1x", " 1", "nan"] {
        cmd(
            &mut r,
            &["BRPOP", "l", t],
            "-ERR timeout is not a float or out of range\r\n",
        );
    }
    cmd(
        &mut r,
        &["BLMPOP", "x", "1", "l", "LEFT"],
        "-ERR timeout is not a float or out of range\r\n",
    );
    cmd(
        &mut r,
        &["BLMOVE", "l", "d", "LEFT", "LEFT", "-2"],
        "-ERR timeout is negative\r\n",
    );
    // Timeout is checked before the key: a bad timeout on a full list errs.
    cmd(&mut r, &["RPUSH", "l", "v"], ":1\r\n");
    cmd(
        &mut r,
        &["BLPOP", "l", "-1"],
        "-ERR timeout is negative\r\n",
    );
    cmd(
        &mut r,
        &["BLPOP", "l", "1e-1"],
        "*2\r\n$1\r\nl\r\n$1\r\nv\r\n",
    );
}

#[test]
fn reblocked_waiters_keep_their_place() {
    let s = common::Server::start();
    let mut a = s.raw();
    let mut b = s.raw();
    let mut p = s.raw();
    send(&mut a, &["BLPOP", "l", "0"]);
    settle();
    send(&mut b, &["BLPOP", "l", "0"]);
    settle();
    // The key now holds a string: the waiters are woken, find no list
    // and keep waiting (Redis 7.0 only serves them from lists).
    cmd(&mut p, &["SET", "l", "str"], "+OK\r\n");
    expect_silent(&mut a, 50);
    expect_silent(&mut b, 50);
    cmd(&mut p, &["DEL", "l"], ":1\r\n");
    cmd(&mut p, &["RPUSH", "l", "1", "2"], ":2\r\n");
    expect(&mut a, "*2\r\n$1\r\nl\r\n$1\r\n1\r\n");
    expect(&mut b, "*2\r\n$1\r\nl\r\n$1\r\n2\r\n");

    // b waits on m and l, then a on l. Waking b alone through m must not
    // move it behind a in l's queue.
    send(&mut b, &["BLPOP", "m", "l", "0"]);
    settle();
    send(&mut a, &["BLPOP", "l", "0"]);
    settle();
    cmd(&mut p, &["SET", "m", "str"], "+OK\r\n");
    expect_silent(&mut b, 50);
    cmd(&mut p, &["RPUSH", "l", "first"], ":1\r\n");
    expect(&mut b, "*2\r\n$1\r\nl\r\n$5\r\nfirst\r\n");
    expect_silent(&mut a, 50);
    cmd(&mut p, &["RPUSH", "l", "second"], ":1\r\n");
    expect(&mut a, "*2\r\n$1\r\nl\r\n$6\r\nsecond\r\n");
}

#[test]
fn pipelined_command_after_push_sees_waiter_served() {
    let s = common::Server::start();
    let mut a = s.raw();
    let mut b = s.raw();
    send(&mut a, &["BLPOP", "l", "0"]);
    settle();
    // Redis serves waiters right after the push, before the pipelined LPOP.
    let mut req = resp(&[b"RPUSH", b"l", b"x"]);
    req.extend(resp(&[b"LPOP", b"l"]));
    b.send(&req);
    expect(&mut b, ":1\r\n$-1\r\n");
    expect(&mut a, "*2\r\n$1\r\nl\r\n$1\r\nx\r\n");
}

#[test]
fn blocked_on_several_keys() {
    let s = common::Server::start();
    let mut a = s.raw();
    let mut b = s.raw();
    send(&mut a, &["BRPOP", "k1", "k2", "k3", "0"]);
    settle();
    cmd(&mut b, &["RPUSH", "k3", "c"], ":1\r\n");
    expect(&mut a, "*2\r\n$2\r\nk3\r\n$1\r\nc\r\n");
    // No longer queued on k1/k2: pushes there stay.
    cmd(&mut b, &["RPUSH", "k1", "a"], ":1\r\n");
    cmd(&mut b, &["LLEN", "k1"], ":1\r\n");
    // Other databases are separate.
    cmd(&mut a, &["SELECT", "1"], "+OK\r\n");
    send(&mut a, &["BLPOP", "k9", "0"]);
    settle();
    cmd(&mut b, &["RPUSH", "k9", "db0"], ":1\r\n");
    expect_silent(&mut a, 50);
    cmd(&mut b, &["SELECT", "1"], "+OK\r\n");
    cmd(&mut b, &["RPUSH", "k9", "db1"], ":1\r\n");
    expect(&mut a, "*2\r\n$2\r\nk9\r\n$3\r\ndb1\r\n");
}

#[test]
fn client_unblock_timeout_and_error() {
    let s = common::Server::start();
    let mut admin = s.conn();
    for (reason, want_err) in [("TIMEOUT", false), ("ERROR", true)] {
        let mut b = s.raw();
        b.send(b"CLIENT ID\r\n");
        let id_line = String::from_utf8_lossy(&b.read_until(b"\r\n")).into_owned();
        let id: u64 = id_line.trim().trim_start_matches(':').parse().unwrap();
        b.send(&common::resp(&[b"BLPOP", b"nokey", b"0"]));
        std::thread::sleep(std::time::Duration::from_millis(100));
        let n: i64 = redis::cmd("CLIENT")
            .arg("UNBLOCK")
            .arg(id)
            .arg(reason)
            .query(&mut admin)
            .unwrap();
        assert_eq!(n, 1);
        let reply = String::from_utf8_lossy(&b.read_until(b"\r\n")).into_owned();
        if want_err {
            assert_eq!(reply, "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
        } else {
            assert_eq!(reply, "*-1\r\n");
        }
    }
    let n: i64 = redis::cmd("CLIENT")
        .arg("UNBLOCK")
        .arg(999_999)
        .query(&mut admin)
        .unwrap();
    assert_eq!(n, 0);
}

// ------------------------------------------------------------------------
// Side by side with redis-server 7.0 (tests/common/oracle.rs).

/// One connection to ferrodis and one to redis-server: each command goes
/// to both and the raw replies must be equal.
struct Twin {
    ours: Raw,
    redis: Raw,
    /// INFO polls wait_blocked sent to (ferrodis, redis-server): they
    /// differ between the servers, and count as processed commands.
    polls: (u64, u64),
}

impl Twin {
    fn new(p: &Pair) -> Twin {
        Twin {
            ours: p.ours.raw(),
            redis: p.redis.raw(),
            polls: (0, 0),
        }
    }

    fn send(&mut self, args: &[&str]) {
        send(&mut self.ours, args);
        send(&mut self.redis, args);
    }

    /// The next reply of each server, which must be the same; returned.
    fn reply(&mut self) -> String {
        let ours = String::from_utf8_lossy(&read_reply(&mut self.ours)).into_owned();
        let redis = String::from_utf8_lossy(&read_reply(&mut self.redis)).into_owned();
        assert_eq!(
            ours, redis,
            "ferrodis (left) and redis-server (right) differ"
        );
        assert!(!ours.is_empty(), "no reply within the read timeout");
        ours
    }

    fn same(&mut self, args: &[&str]) -> String {
        self.send(args);
        self.reply()
    }

    /// Neither server replies within `ms`.
    fn silent(&mut self, ms: u64) {
        expect_silent(&mut self.ours, ms);
        expect_silent(&mut self.redis, ms);
    }

    /// Waits until both servers count `n` blocked clients (INFO clients).
    fn wait_blocked(&mut self, n: usize) {
        let want = format!("blocked_clients:{n}\r\n");
        for (r, polls) in [
            (&mut self.ours, &mut self.polls.0),
            (&mut self.redis, &mut self.polls.1),
        ] {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                *polls += 1;
                send(r, &["INFO", "clients"]);
                let info = String::from_utf8_lossy(&read_reply(r)).into_owned();
                if info.contains(&want) {
                    break;
                }
                assert!(Instant::now() < deadline, "never reached {want:?}: {info}");
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// INFO `section` of each server, reduced to the lines `keep` selects
    /// with the timing fields (usec=, usec_per_call=) removed, sorted
    /// (commandstats follow each server's table order); both must be
    /// equal.
    fn same_info(&mut self, section: &str, keep: &dyn Fn(&str) -> bool) -> Vec<String> {
        let reduce = |raw: Vec<u8>| -> Vec<String> {
            let mut lines: Vec<String> = String::from_utf8_lossy(&raw)
                .lines()
                .filter(|l| keep(l))
                .map(|l| {
                    l.split(',')
                        .filter(|f| !f.starts_with("usec"))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .collect();
            lines.sort();
            lines
        };
        send(&mut self.ours, &["INFO", section]);
        let ours = reduce(read_reply(&mut self.ours));
        send(&mut self.redis, &["INFO", section]);
        let redis = reduce(read_reply(&mut self.redis));
        assert_eq!(
            ours, redis,
            "INFO {section}: ferrodis (left), redis-server (right)"
        );
        ours
    }
}

const WRONGTYPE_REPLY: &str =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

/// A waiter served from its source while its destination holds a string
/// gets WRONGTYPE; the element stays in the source and the next waiter
/// gets it. It used to stay blocked forever.
#[test]
fn blmove_to_wrongtype_destination_replies_wrongtype() {
    let pair = Pair::start();
    let mut admin = Twin::new(&pair);
    let mut w = Twin::new(&pair);
    let mut next = Twin::new(&pair);
    admin.same(&["CONFIG", "RESETSTAT"]);
    let waits: [&[&str]; 2] = [
        &["BRPOPLPUSH", "src", "dst", "0"],
        &["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"],
    ];
    for args in waits {
        admin.same(&["DEL", "src"]);
        admin.same(&["SET", "dst", "str"]);
        w.send(args);
        next.send(&["BLPOP", "src", "0"]);
        admin.wait_blocked(2);
        assert_eq!(admin.same(&["RPUSH", "src", "x"]), ":1\r\n");
        assert_eq!(w.reply(), WRONGTYPE_REPLY, "{args:?}");
        assert_eq!(next.reply(), "*2\r\n$3\r\nsrc\r\n$1\r\nx\r\n");
        // The element stayed in the source until the BLPOP took it; the
        // destination is untouched; the waiter runs commands again.
        assert_eq!(admin.same(&["GET", "dst"]), "$3\r\nstr\r\n");
        assert_eq!(w.same(&["PING"]), "+PONG\r\n");
        // Served with an element in the source and no one else waiting,
        // the element stays there.
        admin.same(&["RPUSH", "src", "y"]);
        assert_eq!(w.same(args), WRONGTYPE_REPLY);
        assert_eq!(
            admin.same(&["LRANGE", "src", "0", "-1"]),
            "*1\r\n$1\r\ny\r\n"
        );
    }
    admin.same_info("errorstats", &|l| l.starts_with("errorstat_"));
    admin.same_info("commandstats", &|l| {
        l.starts_with("cmdstat_brpoplpush") || l.starts_with("cmdstat_blmove")
    });
}

/// BZPOPMIN / BZMPOP waiters stay blocked when their key is overwritten
/// with a string (they used to be woken with WRONGTYPE), and are served
/// once it holds a sorted set again.
#[test]
fn bzpop_waiter_stays_blocked_when_key_becomes_a_string() {
    let pair = Pair::start();
    let mut admin = Twin::new(&pair);
    let mut w = Twin::new(&pair);
    let waits: [&[&str]; 3] = [
        &["BZPOPMIN", "zset", "0"],
        &["BZPOPMAX", "zset", "0"],
        &["BZMPOP", "0", "1", "zset", "MIN"],
    ];
    for args in waits {
        admin.same(&["DEL", "zset"]);
        w.send(args);
        admin.wait_blocked(1);
        assert_eq!(admin.same(&["SET", "zset", "foo"]), "+OK\r\n");
        w.silent(150);
        admin.same(&["DEL", "zset"]);
        admin.same(&["ZADD", "zset", "1", "bar"]);
        let got = w.reply();
        assert!(got.contains("bar"), "{args:?}: {got}");
        admin.wait_blocked(0);
    }
}

/// Every family follows one rule: a ready key serves only the waiters of
/// the type it holds, the others keep waiting in place; on the re-run a
/// waiter's other keys of another type count as empty.
#[test]
fn waiters_are_served_only_by_keys_of_their_type() {
    let pair = Pair::start();
    let mut admin = Twin::new(&pair);
    let mut list_waiter = Twin::new(&pair);
    let mut zset_waiter = Twin::new(&pair);
    list_waiter.send(&["BLPOP", "k", "0"]);
    admin.wait_blocked(1);
    zset_waiter.send(&["BZPOPMIN", "k", "0"]);
    admin.wait_blocked(2);
    admin.same(&["ZADD", "k", "1", "m"]);
    assert_eq!(
        zset_waiter.reply(),
        "*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n1\r\n"
    );
    list_waiter.silent(100);
    zset_waiter.send(&["BZPOPMIN", "k", "0"]);
    admin.wait_blocked(2);
    admin.same(&["RPUSH", "k", "e"]);
    assert_eq!(list_waiter.reply(), "*2\r\n$1\r\nk\r\n$1\r\ne\r\n");
    zset_waiter.silent(100);
    admin.same(&["ZADD", "k", "2", "n"]);
    zset_waiter.reply();

    // Several keys, the first overwritten with a string before the second
    // becomes ready: served from the second, no WRONGTYPE.
    zset_waiter.send(&["BZPOPMIN", "z1", "z2", "0"]);
    list_waiter.send(&["BLPOP", "l1", "l2", "0"]);
    admin.wait_blocked(2);
    admin.same(&["SET", "z1", "s"]);
    admin.same(&["SET", "l1", "s"]);
    admin.same(&["ZADD", "z2", "1", "a"]);
    admin.same(&["RPUSH", "l2", "b"]);
    assert_eq!(
        zset_waiter.reply(),
        "*3\r\n$2\r\nz2\r\n$1\r\na\r\n$1\r\n1\r\n"
    );
    assert_eq!(list_waiter.reply(), "*2\r\n$2\r\nl2\r\n$1\r\nb\r\n");
}

/// CLIENT UNBLOCK ... ERROR: the UNBLOCKED error counts in INFO
/// errorstats, total_error_replies and the blocked command's
/// failed_calls (and the CLIENT UNBLOCK call's), like every other error,
/// not on the unblocked client's next command. Redis 7.0 counts a call
/// ended by CLIENT UNBLOCK TIMEOUT as failed too, and a served re-run is
/// not a second processed command.
#[test]
fn client_unblock_error_counted_in_error_stats() {
    let pair = Pair::start();
    let mut admin = Twin::new(&pair);
    let mut w = Twin::new(&pair);
    let id = |r: &mut Raw| -> String {
        send(r, &["CLIENT", "ID"]);
        let reply = String::from_utf8_lossy(&read_reply(r)).into_owned();
        reply.trim().trim_start_matches(':').to_string()
    };
    let (ours_id, redis_id) = (id(&mut w.ours), id(&mut w.redis));
    admin.same(&["CONFIG", "RESETSTAT"]);
    for reason in ["ERROR", "TIMEOUT"] {
        w.send(&["BLPOP", "k", "0"]);
        admin.wait_blocked(1);
        let unblock = |r: &mut Raw, id: &str| {
            send(r, &["CLIENT", "UNBLOCK", id, reason]);
            read_reply(r)
        };
        assert_eq!(unblock(&mut admin.ours, &ours_id), b":1\r\n");
        assert_eq!(unblock(&mut admin.redis, &redis_id), b":1\r\n");
        w.reply();
    }
    // A real timeout, then a waiter served by a push.
    assert_eq!(w.same(&["BLPOP", "k", "0.01"]), "*-1\r\n");
    w.send(&["BLPOP", "k", "0"]);
    admin.wait_blocked(1);
    admin.same(&["RPUSH", "k", "v"]);
    w.reply();
    w.same(&["PING"]);
    let errs = admin.same_info("errorstats", &|l| l.starts_with("errorstat_"));
    assert_eq!(errs, ["errorstat_UNBLOCKED:count=1"]);
    admin.same_info("commandstats", &|l| {
        ["cmdstat_blpop:", "cmdstat_client|unblock:", "cmdstat_ping:"]
            .iter()
            .any(|p| l.starts_with(p))
    });
    admin.same_info("stats", &|l| l.starts_with("total_error_replies:"));
    // Each command counted once, the blocked ones when they blocked (not
    // again when served), INFO polls aside.
    let processed = |r: &mut Raw| -> u64 {
        send(r, &["INFO", "stats"]);
        let info = String::from_utf8_lossy(&read_reply(r)).into_owned();
        let v = info
            .lines()
            .find_map(|l| l.strip_prefix("total_commands_processed:"));
        v.expect("total_commands_processed").parse().unwrap()
    };
    let (ours_polls, redis_polls) = admin.polls;
    assert_eq!(
        processed(&mut admin.ours) - ours_polls,
        processed(&mut admin.redis) - redis_polls
    );
}
