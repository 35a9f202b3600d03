//! Key expiry (expire.c): EXPIRE family options and errors, TTL family,
//! PERSIST, lazy and active expiry.
mod common;

use common::{line, q, set};
use redis::{Connection, cmd};
use std::time::{Duration, Instant};

fn ttl(c: &mut Connection, k: &str) -> i64 {
    q(c, &["TTL", k])
}

fn pttl(c: &mut Connection, k: &str) -> i64 {
    q(c, &["PTTL", k])
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[test]
fn ttl_pttl_persist_basics() {
    let s = common::Server::start();
    let mut c = s.conn();
    assert_eq!(ttl(&mut c, "none"), -2);
    assert_eq!(pttl(&mut c, "none"), -2);
    set(&mut c, "k", "v");
    assert_eq!(ttl(&mut c, "k"), -1);
    assert_eq!(pttl(&mut c, "k"), -1);
    assert_eq!(q::<i64>(&mut c, &["EXPIRETIME", "k"]), -1);
    assert_eq!(q::<i64>(&mut c, &["PEXPIRETIME", "none"]), -2);
    assert_eq!(q::<i64>(&mut c, &["EXPIRE", "k", "100"]), 1);
    assert!((99..=100).contains(&ttl(&mut c, "k")));
    assert!((99_000..=100_000).contains(&pttl(&mut c, "k")));
    assert_eq!(q::<i64>(&mut c, &["PEXPIRE", "k", "5000"]), 1);
    assert!((4000..=5000).contains(&pttl(&mut c, "k")));
    assert_eq!(q::<i64>(&mut c, &["PERSIST", "k"]), 1);
    assert_eq!(q::<i64>(&mut c, &["PERSIST", "k"]), 0);
    assert_eq!(q::<i64>(&mut c, &["PERSIST", "none"]), 0);
    assert_eq!(ttl(&mut c, "k"), -1);
    assert_eq!(q::<i64>(&mut c, &["EXPIRE", "none", "100"]), 0);

    let at = now_ms() / 1000 + 500;
    assert_eq!(q::<i64>(&mut c, &["EXPIREAT", "k", &at.to_string()]), 1);
    assert_eq!(q::<i64>(&mut c, &["EXPIRETIME", "k"]), at);
    assert_eq!(q::<i64>(&mut c, &["PEXPIRETIME", "k"]), at * 1000);
    let pat = now_ms() + 300_000;
    assert_eq!(q::<i64>(&mut c, &["PEXPIREAT", "k", &pat.to_string()]), 1);
    assert_eq!(q::<i64>(&mut c, &["PEXPIRETIME", "k"]), pat);
    // SET without KEEPTTL drops the TTL; with KEEPTTL keeps it.
    let _: () = q(&mut c, &["SET", "k", "v2", "KEEPTTL"]);
    assert!(ttl(&mut c, "k") > 0);
    set(&mut c, "k", "v3");
    assert_eq!(ttl(&mut c, "k"), -1);
}

#[test]
fn expire_in_the_past_deletes() {
    let s = common::Server::start();
    let mut c = s.conn();
    for (cmdname, t) in [
        ("EXPIRE", -1i64),
        ("PEXPIRE", 0),
        ("EXPIREAT", 1),
        ("PEXPIREAT", 1),
    ] {
        set(&mut c, "k", "v");
        assert_eq!(
            cmd(cmdname).arg("k").arg(t).query::<i64>(&mut c).unwrap(),
            1,
            "{cmdname}"
        );
        assert_eq!(q::<i64>(&mut c, &["EXISTS", "k"]), 0, "{cmdname}");
        assert_eq!(ttl(&mut c, "k"), -2);
    }
}

#[test]
fn expire_options_nx_xx_gt_lt() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut r = s.raw();
    set(&mut c, "k", "v");
    let ex = |c: &mut Connection, t: i64, opts: &[&str]| -> i64 {
        let mut q = cmd("EXPIRE");
        q.arg("k").arg(t);
        for o in opts {
            q.arg(*o);
        }
        q.query(c).unwrap()
    };
    // No TTL yet.
    assert_eq!(ex(&mut c, 100, &["XX"]), 0);
    assert_eq!(ex(&mut c, 100, &["GT"]), 0, "no TTL is infinite: GT fails");
    assert_eq!(ex(&mut c, 100, &["NX"]), 1);
    assert_eq!(ex(&mut c, 200, &["NX"]), 0);
    assert_eq!(ex(&mut c, 200, &["XX"]), 1);
    assert_eq!(ex(&mut c, 100, &["GT"]), 0);
    assert_eq!(ex(&mut c, 300, &["GT"]), 1);
    assert_eq!(ex(&mut c, 400, &["LT"]), 0);
    assert_eq!(ex(&mut c, 50, &["LT"]), 1);
    assert!((49..=50).contains(&ttl(&mut c, "k")));
    assert_eq!(ex(&mut c, 60, &["XX", "GT"]), 1);
    let _: i64 = q(&mut c, &["PERSIST", "k"]);
    assert_eq!(
        ex(&mut c, 60, &["LT"]),
        1,
        "no TTL is infinite: LT succeeds"
    );

    assert_eq!(
        line(&mut r, &["EXPIRE", "k", "10", "NX", "XX"]),
        "-ERR NX and XX, GT or LT options at the same time are not compatible"
    );
    assert_eq!(
        line(&mut r, &["EXPIRE", "k", "10", "NX", "GT"]),
        "-ERR NX and XX, GT or LT options at the same time are not compatible"
    );
    assert_eq!(
        line(&mut r, &["PEXPIRE", "k", "10", "GT", "LT"]),
        "-ERR GT and LT options at the same time are not compatible"
    );
    assert_eq!(
        line(&mut r, &["EXPIRE", "k", "10", "FOO"]),
        "-ERR Unsupported option FOO"
    );
    assert_eq!(
        line(&mut r, &["EXPIRE", "k", "abc"]),
        "-ERR value is not an integer or out of range"
    );
    assert_eq!(
        line(&mut r, &["EXPIRE", "k", "9223372036854775807"]),
        "-ERR invalid expire time in 'expire' command"
    );
    assert_eq!(
        line(&mut r, &["PEXPIRE", "k", "9223372036854775807"]),
        "-ERR invalid expire time in 'pexpire' command"
    );
    assert_eq!(
        line(&mut r, &["EXPIREAT", "k", "-9223372036854775807"]),
        "-ERR invalid expire time in 'expireat' command"
    );
}

#[test]
fn lazy_expiry_on_access() {
    let s = common::Server::start();
    let mut c = s.conn();
    let _: () = q(&mut c, &["SET", "k", "v", "PX", "50"]);
    assert!(pttl(&mut c, "k") > 0);
    std::thread::sleep(Duration::from_millis(80));
    assert_eq!(q::<Option<String>>(&mut c, &["GET", "k"]), None);
    assert_eq!(ttl(&mut c, "k"), -2);
}

/// 10,000 keys with PX 100 disappear without being touched: the active
/// expire cycle finds them (DBSIZE does not look at individual keys).
#[test]
fn active_expiry_removes_untouched_keys() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut p = redis::pipe();
    for i in 0..10_000 {
        p.cmd("SET")
            .arg(format!("k{i}"))
            .arg("v")
            .arg("PX")
            .arg(100)
            .ignore();
    }
    set(&mut c, "persistent", "v");
    let _: () = p.query(&mut c).unwrap();
    let start = Instant::now();
    assert!(q::<i64>(&mut c, &["DBSIZE"]) > 1);
    let mut n = -1;
    while start.elapsed() < Duration::from_millis(1100) {
        n = q::<i64>(&mut c, &["DBSIZE"]);
        if n == 1 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        n,
        1,
        "volatile keys still present after {:?}",
        start.elapsed()
    );
}
