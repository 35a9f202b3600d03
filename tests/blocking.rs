//! Blocking list commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP):
//! serving by later pushes, arrival order, timeouts, MULTI/EXEC, and
//! clients that go away while blocked.
mod common;

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
    // A destination turned into another type while waiting: the waiter
    // stays blocked and the element stays in the source.
    send(&mut a, &["BLMOVE", "s2", "d2", "LEFT", "LEFT", "0"]);
    settle();
    cmd(&mut b, &["SET", "d2", "str"], "+OK\r\n");
    cmd(&mut b, &["RPUSH", "s2", "q"], ":1\r\n");
    expect_silent(&mut a, 50);
    cmd(&mut b, &["LLEN", "s2"], ":1\r\n");
    cmd(&mut b, &["DEL", "d2"], ":1\r\n");
    cmd(&mut b, &["RPUSH", "s2", "r"], ":2\r\n");
    expect(&mut a, "$1\r\nq\r\n");
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
