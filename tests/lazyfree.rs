//! Lazy free: UNLINK / FLUSH ASYNC / lazyfree-lazy-* over a real server.
mod common;

use common::{err, q};

use std::time::{Duration, Instant};

fn info_field(c: &mut redis::Connection, field: &str) -> u64 {
    let info: String = q(c, &["INFO", "memory"]);
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("INFO has no {field}"))
        .trim()
        .parse()
        .unwrap()
}

/// Fills `key` with `n` set members using pipelined SADDs of 1,000 members.
fn fill_set(c: &mut redis::Connection, key: &str, n: usize) {
    let mut p = redis::pipe();
    for chunk in 0..n.div_ceil(1000) {
        let mut cmd = redis::cmd("SADD");
        cmd.arg(key);
        for i in chunk * 1000..((chunk + 1) * 1000).min(n) {
            cmd.arg(format!("member:{i}"));
        }
        p.add_command(cmd).ignore();
        if chunk % 50 == 49 {
            let _: () = p.query(c).unwrap();
            p = redis::pipe();
        }
    }
    let _: () = p.query(c).unwrap();
}

fn wait_pending_zero(c: &mut redis::Connection) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while info_field(c, "lazyfree_pending_objects") != 0 {
        assert!(Instant::now() < deadline, "lazy free did not finish");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn unlink_big_set_returns_at_once_and_is_counted() {
    let s = common::Server::start();
    let mut c = s.conn();
    fill_set(&mut c, "big", 1_000_000);
    let card: u64 = q(&mut c, &["SCARD", "big"]);
    assert_eq!(card, 1_000_000);
    let before = info_field(&mut c, "lazyfreed_objects");
    let t = Instant::now();
    let n: u64 = q(&mut c, &["UNLINK", "big"]);
    let took = t.elapsed();
    assert_eq!(n, 1);
    assert!(took < Duration::from_millis(200), "UNLINK took {took:?}");
    let exists: u64 = q(&mut c, &["EXISTS", "big"]);
    assert_eq!(exists, 0);
    wait_pending_zero(&mut c);
    assert!(info_field(&mut c, "lazyfreed_objects") > before);
}

#[test]
fn small_values_are_freed_inline() {
    let s = common::Server::start();
    let mut c = s.conn();
    let before = info_field(&mut c, "lazyfreed_objects");
    let _: () = q(&mut c, &["SADD", "s", "a", "b"]);
    let _: () = q(&mut c, &["SET", "k", "v"]);
    let n: u64 = q(&mut c, &["UNLINK", "s", "k"]);
    assert_eq!(n, 2);
    assert_eq!(
        info_field(&mut c, "lazyfreed_objects"),
        before,
        "small values must stay inline"
    );
}

#[test]
fn flushall_async_keeps_writes_made_after_it() {
    let s = common::Server::start();
    let mut c = s.conn();
    fill_set(&mut c, "big", 200_000);
    let mut p = redis::pipe();
    for i in 0..20_000 {
        p.cmd("SET").arg(format!("old:{i}")).arg(i).ignore();
    }
    let _: () = p.query(&mut c).unwrap();
    // A second client writes while the flush happens; everything it wrote
    // after the flush returned must be there.
    let port = s.port;
    let writer = std::thread::spawn(move || {
        let cl = redis::Client::open(format!("redis://127.0.0.1:{port}/")).unwrap();
        let mut w = cl.get_connection().unwrap();
        for i in 0..2_000 {
            let _: () = q(&mut w, &["SET", &format!("new:{i}"), &i.to_string()]);
        }
    });
    std::thread::sleep(Duration::from_millis(5));
    let _: () = q(&mut c, &["FLUSHALL", "ASYNC"]);
    let after_flush: Vec<String> = q(&mut c, &["KEYS", "old:*"]);
    assert!(after_flush.is_empty());
    // Keys written by the writer after the flush: write a marker now and
    // check it and every later write survive.
    let _: () = q(&mut c, &["SET", "marker", "1"]);
    writer.join().unwrap();
    let v: String = q(&mut c, &["GET", "marker"]);
    assert_eq!(v, "1");
    let last: String = q(&mut c, &["GET", "new:1999"]);
    assert_eq!(last, "1999");
    wait_pending_zero(&mut c);
}

#[test]
fn flush_sync_and_syntax() {
    let s = common::Server::start();
    let mut c = s.conn();
    let _: () = q(&mut c, &["SET", "a", "1"]);
    let _: () = q(&mut c, &["FLUSHDB", "SYNC"]);
    let n: u64 = q(&mut c, &["DBSIZE"]);
    assert_eq!(n, 0);
    let e = err(&mut c, &["FLUSHDB", "LATER"]);
    assert!(e.contains("syntax error"), "{e}");
}

#[test]
fn del_obeys_lazyfree_lazy_user_del() {
    for (setting, expect_background) in [("no", false), ("yes", true)] {
        let s = common::Server::start_with(&["--lazyfree-lazy-user-del", setting]);
        let mut c = s.conn();
        fill_set(&mut c, "big", 100_000);
        let before = info_field(&mut c, "lazyfreed_objects");
        let n: u64 = q(&mut c, &["DEL", "big"]);
        assert_eq!(n, 1);
        wait_pending_zero(&mut c);
        let after = info_field(&mut c, "lazyfreed_objects");
        assert_eq!(
            after > before,
            expect_background,
            "lazyfree-lazy-user-del {setting}"
        );
    }
}

#[test]
fn set_over_big_value_with_lazy_server_del() {
    let s = common::Server::start_with(&["--lazyfree-lazy-server-del", "yes"]);
    let mut c = s.conn();
    fill_set(&mut c, "k", 100_000);
    let before = info_field(&mut c, "lazyfreed_objects");
    let _: () = q(&mut c, &["SET", "k", "now a string"]);
    wait_pending_zero(&mut c);
    assert!(info_field(&mut c, "lazyfreed_objects") > before);
    let v: String = q(&mut c, &["GET", "k"]);
    assert_eq!(v, "now a string");
}

#[test]
fn big_string_is_freed_in_background() {
    let s = common::Server::start();
    let mut c = s.conn();
    let big = "x".repeat(4 * 1024 * 1024);
    let _: () = q(&mut c, &["SET", "s", &big]);
    let before = info_field(&mut c, "lazyfreed_objects");
    let _: u64 = q(&mut c, &["UNLINK", "s"]);
    wait_pending_zero(&mut c);
    assert!(info_field(&mut c, "lazyfreed_objects") > before);
}

#[test]
fn expiry_of_big_key_with_lazy_expire() {
    let s = common::Server::start_with(&["--lazyfree-lazy-expire", "yes"]);
    let mut c = s.conn();
    fill_set(&mut c, "big", 100_000);
    let before = info_field(&mut c, "lazyfreed_objects");
    let _: u64 = q(&mut c, &["PEXPIRE", "big", "50"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let n: u64 = q(&mut c, &["DBSIZE"]);
        if n == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "big key did not expire");
        std::thread::sleep(Duration::from_millis(20));
    }
    wait_pending_zero(&mut c);
    assert!(info_field(&mut c, "lazyfreed_objects") > before);
}

#[test]
fn shutdown_with_pending_jobs_exits_cleanly() {
    let mut s = common::Server::start();
    let mut c = s.conn();
    fill_set(&mut c, "a", 300_000);
    fill_set(&mut c, "b", 300_000);
    let _: u64 = q(&mut c, &["UNLINK", "a", "b"]);
    let _ = redis::cmd("SHUTDOWN").arg("NOSAVE").query::<()>(&mut c);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(Some(st)) = s.child.try_wait() {
            assert!(st.success(), "exit status {st:?}");
            break;
        }
        assert!(Instant::now() < deadline, "server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!s.alive());
}
