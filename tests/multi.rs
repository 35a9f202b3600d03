//! Transactions: MULTI / EXEC / DISCARD / WATCH / UNWATCH.
mod common;

use common::{line, q, resp};

#[test]
fn multi_exec_discard() {
    let s = common::Server::start();
    let mut r = s.raw();
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["SET", "a", "1"]), "+QUEUED");
    assert_eq!(line(&mut r, &["SET", "a", "2", "GET"]), "+QUEUED");
    assert_eq!(line(&mut r, &["GET", "a"]), "+QUEUED");
    // Nothing ran while queued.
    let mut other = s.raw();
    assert_eq!(line(&mut other, &["EXISTS", "a"]), ":0");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(
        r.read_until(b"$1\r\n2\r\n"),
        b"*3\r\n+OK\r\n$1\r\n1\r\n$1\r\n2\r\n"
    );

    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(
        line(&mut r, &["MULTI"]),
        "-ERR MULTI calls can not be nested"
    );
    assert_eq!(line(&mut r, &["SET", "a", "9"]), "+QUEUED");
    assert_eq!(line(&mut r, &["DISCARD"]), "+OK");
    r.send(&resp(&[b"GET", b"a"]));
    assert_eq!(r.read_until(b"2\r\n"), b"$1\r\n2\r\n");
    assert_eq!(line(&mut r, &["EXEC"]), "-ERR EXEC without MULTI");
    assert_eq!(line(&mut r, &["DISCARD"]), "-ERR DISCARD without MULTI");
    // Empty transaction.
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["EXEC"]), "*0");
    // Runtime errors inside EXEC do not abort the rest.
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["SET", "s", "x"]), "+QUEUED");
    assert_eq!(line(&mut r, &["SET", "s", "y", "EX", "abc"]), "+QUEUED");
    assert_eq!(line(&mut r, &["SET", "t", "y"]), "+QUEUED");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(
        String::from_utf8_lossy(
            &r.read_until(b"+OK\r\n-ERR value is not an integer or out of range\r\n+OK\r\n")
        ),
        "*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n+OK\r\n"
    );
}

#[test]
fn queued_errors_abort_exec() {
    let s = common::Server::start();
    let mut r = s.raw();
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["SET", "k", "v"]), "+QUEUED");
    assert_eq!(
        line(&mut r, &["GET"]),
        "-ERR wrong number of arguments for 'get' command"
    );
    assert_eq!(
        r.roundtrip_line(&resp(&[b"NOSUCHCMD"])),
        "-ERR unknown command 'NOSUCHCMD', with args beginning with: \r\n"
    );
    assert_eq!(
        line(&mut r, &["EXEC"]),
        "-EXECABORT Transaction discarded because of previous errors."
    );
    // Nothing ran, and the client left MULTI.
    assert_eq!(line(&mut r, &["GET", "k"]), "$-1");
    assert_eq!(line(&mut r, &["EXEC"]), "-ERR EXEC without MULTI");
}

#[test]
fn watch_other_client_modifies() {
    let s = common::Server::start();
    let mut r = s.raw();
    let mut c = s.conn();
    assert_eq!(line(&mut r, &["SET", "w", "1"]), "+OK");
    assert_eq!(line(&mut r, &["WATCH", "w", "other"]), "+OK");
    let _: () = q(&mut c, &["SET", "w", "2"]);
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["SET", "w", "3"]), "+QUEUED");
    assert_eq!(line(&mut r, &["EXEC"]), "*-1");
    let v: String = q(&mut c, &["GET", "w"]);
    assert_eq!(v, "2");
    // The failed EXEC unwatched: a new transaction goes through.
    let _: () = q(&mut c, &["SET", "w", "4"]);
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["SET", "w", "5"]), "+QUEUED");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"+OK\r\n"), b"*1\r\n+OK\r\n");
    // A write to an unwatched key, or to the same key name in another db,
    // does not dirty the transaction.
    assert_eq!(line(&mut r, &["WATCH", "w"]), "+OK");
    let _: () = q(&mut c, &["SET", "unrelated", "1"]);
    let _: () = q(&mut c, &["SELECT", "1"]);
    let _: () = q(&mut c, &["SET", "w", "1"]);
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["PING"]), "+QUEUED");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"+PONG\r\n"), b"*1\r\n+PONG\r\n");
    // A modification *while queued* also counts.
    assert_eq!(line(&mut r, &["WATCH", "w"]), "+OK");
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    let _: () = q(&mut c, &["SELECT", "0"]);
    let _: () = q(&mut c, &["DEL", "w"]);
    assert_eq!(line(&mut r, &["PING"]), "+QUEUED");
    assert_eq!(line(&mut r, &["EXEC"]), "*-1");
}

#[test]
fn watch_own_modification_and_unwatch() {
    let s = common::Server::start();
    let mut r = s.raw();
    assert_eq!(line(&mut r, &["WATCH", "k"]), "+OK");
    assert_eq!(line(&mut r, &["SET", "k", "mine"]), "+OK");
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["GET", "k"]), "+QUEUED");
    assert_eq!(line(&mut r, &["EXEC"]), "*-1");

    // UNWATCH forgets both the keys and the dirty state.
    assert_eq!(line(&mut r, &["WATCH", "k"]), "+OK");
    assert_eq!(line(&mut r, &["SET", "k", "again"]), "+OK");
    assert_eq!(line(&mut r, &["UNWATCH"]), "+OK");
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["GET", "k"]), "+QUEUED");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"again\r\n"), b"*1\r\n$5\r\nagain\r\n");

    // WATCH inside MULTI is refused but does not abort the transaction.
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(
        line(&mut r, &["WATCH", "k"]),
        "-ERR WATCH inside MULTI is not allowed"
    );
    assert_eq!(line(&mut r, &["PING"]), "+QUEUED");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"PONG\r\n"), b"*1\r\n+PONG\r\n");

    // The transaction's own writes do not dirty a later one.
    assert_eq!(line(&mut r, &["WATCH", "k"]), "+OK");
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["SET", "k", "t"]), "+QUEUED");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"+OK\r\n"), b"*1\r\n+OK\r\n");
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["PING"]), "+QUEUED");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"PONG\r\n"), b"*1\r\n+PONG\r\n");
}

/// A disconnecting watcher must not leave its watch behind for a new
/// client that happens to get the same fd.
#[test]
fn watch_cleanup_on_disconnect() {
    let s = common::Server::start();
    {
        let mut r = s.raw();
        assert_eq!(line(&mut r, &["WATCH", "k"]), "+OK");
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    let mut r2 = s.raw();
    let mut c = s.conn();
    let _: () = q(&mut c, &["SET", "k", "1"]);
    assert_eq!(line(&mut r2, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r2, &["PING"]), "+QUEUED");
    r2.send(&resp(&[b"EXEC"]));
    assert_eq!(r2.read_until(b"PONG\r\n"), b"*1\r\n+PONG\r\n");
}

// ------------------------------------------------------------------------
// Side by side with redis-server 7.0 (tests/common/oracle.rs): which
// writes touch a watched key.

use common::Raw;
use common::oracle::{Pair, read_reply};
use std::time::{Duration, Instant};

/// One connection to ferrodis and one to redis-server: each command goes
/// to both and the raw replies must be equal.
struct Twin {
    ours: Raw,
    redis: Raw,
}

impl Twin {
    fn new(p: &Pair) -> Twin {
        Twin {
            ours: p.ours.raw(),
            redis: p.redis.raw(),
        }
    }

    /// Sends `cmds` to both in one write (a pipeline), then returns their
    /// replies, which must be equal.
    fn pipeline(&mut self, cmds: &[&[&str]]) -> Vec<String> {
        let mut req = Vec::new();
        for args in cmds {
            let a: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
            req.extend(resp(&a));
        }
        self.ours.send(&req);
        self.redis.send(&req);
        cmds.iter()
            .map(|args| {
                let ours = String::from_utf8_lossy(&read_reply(&mut self.ours)).into_owned();
                let redis = String::from_utf8_lossy(&read_reply(&mut self.redis)).into_owned();
                assert_eq!(
                    ours, redis,
                    "{args:?}: ferrodis (left), redis-server (right)"
                );
                assert!(!ours.is_empty(), "{args:?}: no reply");
                ours
            })
            .collect()
    }

    fn same(&mut self, args: &[&str]) -> String {
        self.pipeline(&[args]).remove(0)
    }

    /// MULTI PING EXEC: whether the transaction ran (no watched key was
    /// touched); both servers must agree.
    fn exec_runs(&mut self) -> bool {
        let r = self.pipeline(&[&["MULTI"], &["PING"], &["EXEC"]]);
        match r[2].as_str() {
            "*1\r\n+PONG\r\n" => true,
            "*-1\r\n" => false,
            other => panic!("EXEC replied {other:?}"),
        }
    }

    /// Polls each server until its db 0 is empty (the active expire
    /// cycle; DBSIZE looks no key up, so expires none itself).
    fn wait_db_empty(&mut self) {
        for r in [&mut self.ours, &mut self.redis] {
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                r.send(&resp(&[b"DBSIZE"]));
                if read_reply(r) == b":0\r\n" {
                    break;
                }
                assert!(Instant::now() < deadline, "keys never expired");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// (setup, keys watched, a write, whether it touches them: Redis's
/// signalModifiedKey).
type Case = (
    &'static [&'static [&'static str]],
    &'static [&'static str],
    &'static [&'static str],
    bool,
);

/// Each case on a fresh keyspace: another client runs the action between
/// WATCH and EXEC.
fn check_touches(cases: &[Case]) {
    let pair = Pair::start();
    let mut admin = Twin::new(&pair);
    let mut w = Twin::new(&pair);
    for &(setup, keys, action, touches) in cases {
        admin.same(&["FLUSHALL"]);
        for s in setup {
            admin.same(s);
        }
        admin.same(&["SELECT", "0"]);
        let mut watch = vec!["WATCH"];
        watch.extend_from_slice(keys);
        w.same(&watch);
        admin.same(action);
        assert_eq!(!w.exec_runs(), touches, "{action:?}");
    }
}

/// FLUSHALL / FLUSHDB touch only watched keys that existed (Redis 7.0's
/// touchAllWatchedKeysInDb); they used to dirty every watcher. SWAPDB
/// touches those that exist in either db.
#[test]
fn flush_touches_only_existing_watched_keys() {
    const IN_DB1: &[&[&str]] = &[&["SELECT", "1"], &["SET", "x", "1"]];
    check_touches(&[
        (&[], &["x"], &["FLUSHALL"], false),
        (&[], &["x"], &["FLUSHDB"], false),
        (&[], &["x"], &["FLUSHALL", "ASYNC"], false),
        (IN_DB1, &["x"], &["FLUSHALL"], false),
        (IN_DB1, &["x"], &["FLUSHDB"], false),
        (&[&["SET", "x", "1"]], &["x"], &["FLUSHALL"], true),
        (&[&["SET", "x", "1"]], &["x", "y"], &["FLUSHDB"], true),
        (&[], &["x"], &["SWAPDB", "0", "1"], false),
        (IN_DB1, &["x"], &["SWAPDB", "0", "1"], true),
        (&[&["SET", "x", "1"]], &["x"], &["SWAPDB", "1", "0"], true),
        (
            &[&["SELECT", "2"], &["SET", "x", "1"]],
            &["x"],
            &["SWAPDB", "1", "2"],
            false,
        ),
    ]);
}

/// SMOVE of a member the destination already holds leaves the destination
/// untouched (it used to fail a transaction watching it); the source
/// changes.
#[test]
fn smove_of_member_already_in_destination_does_not_touch_it() {
    const SETS: &[&[&str]] = &[&["SADD", "src", "a", "b"], &["SADD", "dst", "a"]];
    check_touches(&[
        (SETS, &["dst"], &["SMOVE", "src", "dst", "a"], false),
        (SETS, &["src"], &["SMOVE", "src", "dst", "a"], true),
        (SETS, &["dst"], &["SMOVE", "src", "dst", "b"], true),
        (SETS, &["src", "dst"], &["SMOVE", "src", "dst", "z"], false),
        (SETS, &["src"], &["SMOVE", "src", "src", "a"], false),
    ]);
    // The scenario of the report: the watcher queues a change of dst while
    // another client's SMOVE leaves dst as it was.
    let pair = Pair::start();
    let mut a = Twin::new(&pair);
    let mut b = Twin::new(&pair);
    for s in SETS {
        b.same(s);
    }
    a.same(&["WATCH", "dst"]);
    a.same(&["MULTI"]);
    a.same(&["SADD", "dst", "c"]);
    assert_eq!(b.same(&["SMOVE", "src", "dst", "a"]), ":1\r\n");
    assert_eq!(a.same(&["EXEC"]), "*1\r\n:1\r\n");
}

/// Writes that change nothing touch nothing, and those that change
/// something touch what they change, as Redis 7.0's commands call
/// signalModifiedKey (an audit of every write command's no-op paths).
#[test]
fn watch_touches_match_redis() {
    const S: &[&[&str]] = &[&["SET", "k", "v"]];
    const S_TTL: &[&[&str]] = &[&["SET", "k", "v", "EX", "100"]];
    const L: &[&[&str]] = &[&["RPUSH", "k", "a"]];
    const H: &[&[&str]] = &[&["HSET", "k", "f", "1"]];
    const Z: &[&[&str]] = &[&["ZADD", "k", "1", "a"]];
    const SET: &[&[&str]] = &[&["SADD", "k", "a"]];
    const K: &[&str] = &["k"];
    const D: &[&str] = &["d"];
    check_touches(&[
        // strings
        (S, K, &["SET", "k", "w", "NX"], false),
        (&[], K, &["SET", "k", "w", "XX"], false),
        (S, K, &["SET", "k", "v"], true),
        (S, K, &["SETNX", "k", "w"], false),
        (S, &["k", "j"], &["MSETNX", "j", "1", "k", "2"], false),
        (S, K, &["SETRANGE", "k", "0", ""], false),
        (&[], K, &["SETRANGE", "k", "3", ""], false),
        (S, K, &["SETRANGE", "k", "0", "v"], true),
        (S, K, &["APPEND", "k", ""], true),
        (&[], K, &["APPEND", "k", ""], true),
        (&[&["SET", "k", "1"]], K, &["INCRBY", "k", "0"], true),
        (S, K, &["INCR", "k"], false),
        (S, K, &["GETEX", "k"], false),
        (S, K, &["GETEX", "k", "PERSIST"], false),
        (S_TTL, K, &["GETEX", "k", "PERSIST"], true),
        (&[], K, &["GETDEL", "k"], false),
        // keyspace
        (&[], K, &["DEL", "k"], false),
        (&[], K, &["EXPIRE", "k", "100"], false),
        (S_TTL, K, &["EXPIRE", "k", "200", "NX"], false),
        (S, K, &["EXPIRE", "k", "100", "GT"], false),
        (S, K, &["EXPIRE", "k", "100", "LT"], true),
        (S, K, &["PERSIST", "k"], false),
        (S_TTL, K, &["PERSIST", "k"], true),
        (S, K, &["RENAME", "k", "k"], false),
        (
            &[&["SET", "k", "1"], &["SET", "j", "1"]],
            &["k", "j"],
            &["RENAMENX", "k", "j"],
            false,
        ),
        (
            &[&["SET", "k", "1"], &["SELECT", "1"], &["SET", "k", "2"]],
            K,
            &["MOVE", "k", "1"],
            false,
        ),
        (
            &[&["SET", "k", "1"], &["SET", "d", "2"]],
            D,
            &["COPY", "k", "d"],
            false,
        ),
        (S, K, &["COPY", "k", "d"], false),
        (&[], D, &["SORT", "nokey", "STORE", "d"], false),
        (
            &[&["SET", "d", "1"]],
            D,
            &["SORT", "nokey", "STORE", "d"],
            true,
        ),
        // lists
        (&[], K, &["LPUSHX", "k", "a"], false),
        (L, K, &["LREM", "k", "0", "b"], false),
        (L, K, &["LTRIM", "k", "0", "-1"], true),
        (L, K, &["LSET", "k", "5", "b"], false),
        (L, K, &["LINSERT", "k", "BEFORE", "z", "b"], false),
        (L, K, &["LPOP", "k", "0"], false),
        (
            &[&["RPUSH", "k", "a"], &["SET", "d", "x"]],
            &["k", "d"],
            &["LMOVE", "k", "d", "LEFT", "LEFT"],
            false,
        ),
        // hashes
        (H, K, &["HSET", "k", "f", "1"], true),
        (H, K, &["HSETNX", "k", "f", "2"], false),
        (H, K, &["HDEL", "k", "g"], false),
        (H, K, &["HINCRBY", "k", "f", "0"], true),
        // sets
        (SET, K, &["SADD", "k", "a"], false),
        (SET, K, &["SREM", "k", "b"], false),
        (SET, K, &["SPOP", "k", "0"], false),
        (
            &[&["SADD", "a", "1"]],
            D,
            &["SINTERSTORE", "d", "a", "nokey"],
            false,
        ),
        (
            &[&["SADD", "a", "1"], &["SET", "d", "x"]],
            D,
            &["SINTERSTORE", "d", "a", "nokey"],
            true,
        ),
        // sorted sets
        (Z, K, &["ZADD", "k", "1", "a"], false),
        (Z, K, &["ZADD", "k", "NX", "2", "a"], false),
        (Z, K, &["ZADD", "k", "GT", "0", "a"], false),
        (Z, K, &["ZINCRBY", "k", "0", "a"], false),
        (Z, K, &["ZREM", "k", "b"], false),
        (Z, K, &["ZREMRANGEBYSCORE", "k", "5", "6"], false),
        (Z, K, &["ZPOPMIN", "k", "0"], false),
        (&[], D, &["ZUNIONSTORE", "d", "1", "nokey"], false),
        (
            &[&["SET", "d", "x"]],
            D,
            &["ZRANGESTORE", "d", "nokey", "0", "-1"],
            true,
        ),
    ]);
}

/// WATCH of a key already expired (not yet deleted) is a watch of a
/// missing key: its deletion by expiry, a read or a flush is no change
/// (EXEC used to abort), a new value is. A key that expires after WATCH
/// fails EXEC even when nothing deleted it (Redis 7.0's
/// watchedKey.expired and isWatchedKeyExpired).
#[test]
fn watch_of_expired_key_follows_redis() {
    let pair = Pair::start();
    let mut admin = Twin::new(&pair);
    let mut w = Twin::new(&pair);
    admin.same(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
    // `k` is set to expire in 1 ms, then watched once it has.
    let expired_watch = |admin: &mut Twin, w: &mut Twin, db1: bool| {
        admin.same(&["FLUSHALL"]);
        admin.same(&["SELECT", if db1 { "1" } else { "0" }]);
        admin.same(&["SET", "k", "v", "PX", "1"]);
        admin.same(&["SELECT", "0"]);
        std::thread::sleep(Duration::from_millis(20));
        w.same(&["WATCH", "k"]);
    };

    expired_watch(&mut admin, &mut w, false);
    assert!(w.exec_runs(), "nothing happened");
    expired_watch(&mut admin, &mut w, false);
    assert_eq!(admin.same(&["GET", "k"]), "$-1\r\n");
    assert!(w.exec_runs(), "a read deleted the expired key");
    expired_watch(&mut admin, &mut w, false);
    assert_eq!(w.same(&["GET", "k"]), "$-1\r\n");
    assert!(w.exec_runs(), "the watcher's own read deleted it");
    expired_watch(&mut admin, &mut w, false);
    admin.same(&["FLUSHDB"]);
    assert!(w.exec_runs(), "a flush deleted it");
    expired_watch(&mut admin, &mut w, false);
    admin.same(&["SET", "k", "new"]);
    assert!(!w.exec_runs(), "a live value replaced it");
    expired_watch(&mut admin, &mut w, false);
    admin.same(&["EXISTS", "k"]);
    admin.same(&["SET", "k", "new"]);
    assert!(!w.exec_runs(), "deleted, then set");

    // SWAPDB: an expired key counts as absent on either side.
    expired_watch(&mut admin, &mut w, true);
    admin.same(&["SWAPDB", "0", "1"]);
    assert!(w.exec_runs(), "swapped in an expired key");
    admin.same(&["FLUSHALL"]);
    w.same(&["WATCH", "k"]);
    admin.same(&["SELECT", "1"]);
    admin.same(&["SET", "k", "v", "PX", "1"]);
    admin.same(&["SELECT", "0"]);
    std::thread::sleep(Duration::from_millis(20));
    admin.same(&["SWAPDB", "0", "1"]);
    admin.same(&["GET", "k"]);
    assert!(
        w.exec_runs(),
        "missing key swapped for an expired one, then deleted"
    );
    expired_watch(&mut admin, &mut w, false);
    admin.same(&["SWAPDB", "0", "1"]);
    assert!(w.exec_runs(), "expired key swapped out for nothing");
    expired_watch(&mut admin, &mut w, true);
    admin.same(&["SET", "k", "v"]);
    admin.same(&["SWAPDB", "0", "1"]);
    assert!(!w.exec_runs(), "live key swapped out, expired one in");

    // Expiring after WATCH (SET and WATCH pipelined, so the key is live
    // when watched): EXEC fails although nothing deleted the key, also
    // when it expires while the transaction is queued.
    admin.same(&["FLUSHALL"]);
    w.pipeline(&[&["SET", "k", "v", "PX", "300"], &["WATCH", "k"]]);
    std::thread::sleep(Duration::from_millis(600));
    assert!(!w.exec_runs(), "expired after WATCH");
    admin.same(&["FLUSHALL"]);
    w.pipeline(&[
        &["SET", "k", "v", "PX", "300"],
        &["WATCH", "k"],
        &["MULTI"],
        &["PING"],
    ]);
    std::thread::sleep(Duration::from_millis(600));
    assert_eq!(w.same(&["EXEC"]), "*-1\r\n", "expired while queued");

    // With the active expire cycle on: deleting the key watched expired
    // is no change; deleting one that expired after WATCH is.
    admin.same(&["DEBUG", "SET-ACTIVE-EXPIRE", "1"]);
    expired_watch(&mut admin, &mut w, false);
    admin.wait_db_empty();
    assert!(w.exec_runs(), "the active cycle deleted the expired key");
    w.pipeline(&[&["SET", "k", "v", "PX", "300"], &["WATCH", "k"]]);
    admin.wait_db_empty();
    assert!(
        !w.exec_runs(),
        "the active cycle deleted a key live when watched"
    );
}
