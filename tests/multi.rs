//! Transactions: MULTI / EXEC / DISCARD / WATCH / UNWATCH.
mod common;

use common::resp;

#[test]
fn multi_exec_discard() {
    let s = common::Server::start();
    let mut r = s.raw();
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"SET", b"a", b"1"])),
        "+QUEUED\r\n"
    );
    assert_eq!(
        r.roundtrip_line(&resp(&[b"SET", b"a", b"2", b"GET"])),
        "+QUEUED\r\n"
    );
    assert_eq!(r.roundtrip_line(&resp(&[b"GET", b"a"])), "+QUEUED\r\n");
    // Nothing ran while queued.
    let mut other = s.raw();
    assert_eq!(other.roundtrip_line(&resp(&[b"EXISTS", b"a"])), ":0\r\n");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(
        r.read_until(b"$1\r\n2\r\n"),
        b"*3\r\n+OK\r\n$1\r\n1\r\n$1\r\n2\r\n"
    );

    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"MULTI"])),
        "-ERR MULTI calls can not be nested\r\n"
    );
    assert_eq!(
        r.roundtrip_line(&resp(&[b"SET", b"a", b"9"])),
        "+QUEUED\r\n"
    );
    assert_eq!(r.roundtrip_line(&resp(&[b"DISCARD"])), "+OK\r\n");
    r.send(&resp(&[b"GET", b"a"]));
    assert_eq!(r.read_until(b"2\r\n"), b"$1\r\n2\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"EXEC"])),
        "-ERR EXEC without MULTI\r\n"
    );
    assert_eq!(
        r.roundtrip_line(&resp(&[b"DISCARD"])),
        "-ERR DISCARD without MULTI\r\n"
    );
    // Empty transaction.
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"EXEC"])), "*0\r\n");
    // Runtime errors inside EXEC do not abort the rest.
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"SET", b"s", b"x"])),
        "+QUEUED\r\n"
    );
    assert_eq!(
        r.roundtrip_line(&resp(&[b"SET", b"s", b"y", b"EX", b"abc"])),
        "+QUEUED\r\n"
    );
    assert_eq!(
        r.roundtrip_line(&resp(&[b"SET", b"t", b"y"])),
        "+QUEUED\r\n"
    );
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
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"SET", b"k", b"v"])),
        "+QUEUED\r\n"
    );
    assert_eq!(
        r.roundtrip_line(&resp(&[b"GET"])),
        "-ERR wrong number of arguments for 'get' command\r\n"
    );
    assert_eq!(
        r.roundtrip_line(&resp(&[b"NOSUCHCMD"])),
        "-ERR unknown command 'NOSUCHCMD', with args beginning with: \r\n"
    );
    assert_eq!(
        r.roundtrip_line(&resp(&[b"EXEC"])),
        "-EXECABORT Transaction discarded because of previous errors.\r\n"
    );
    // Nothing ran, and the client left MULTI.
    assert_eq!(r.roundtrip_line(&resp(&[b"GET", b"k"])), "$-1\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"EXEC"])),
        "-ERR EXEC without MULTI\r\n"
    );
}

#[test]
fn watch_other_client_modifies() {
    let s = common::Server::start();
    let mut r = s.raw();
    let mut c = s.conn();
    assert_eq!(r.roundtrip_line(&resp(&[b"SET", b"w", b"1"])), "+OK\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"WATCH", b"w", b"other"])),
        "+OK\r\n"
    );
    let _: () = redis::cmd("SET").arg("w").arg("2").query(&mut c).unwrap();
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"SET", b"w", b"3"])),
        "+QUEUED\r\n"
    );
    assert_eq!(r.roundtrip_line(&resp(&[b"EXEC"])), "*-1\r\n");
    let v: String = redis::cmd("GET").arg("w").query(&mut c).unwrap();
    assert_eq!(v, "2");
    // The failed EXEC unwatched: a new transaction goes through.
    let _: () = redis::cmd("SET").arg("w").arg("4").query(&mut c).unwrap();
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"SET", b"w", b"5"])),
        "+QUEUED\r\n"
    );
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"+OK\r\n"), b"*1\r\n+OK\r\n");
    // A write to an unwatched key, or to the same key name in another db,
    // does not dirty the transaction.
    assert_eq!(r.roundtrip_line(&resp(&[b"WATCH", b"w"])), "+OK\r\n");
    let _: () = redis::cmd("SET")
        .arg("unrelated")
        .arg("1")
        .query(&mut c)
        .unwrap();
    let _: () = redis::cmd("SELECT").arg(1).query(&mut c).unwrap();
    let _: () = redis::cmd("SET").arg("w").arg("1").query(&mut c).unwrap();
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"PING"])), "+QUEUED\r\n");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"+PONG\r\n"), b"*1\r\n+PONG\r\n");
    // A modification *while queued* also counts.
    assert_eq!(r.roundtrip_line(&resp(&[b"WATCH", b"w"])), "+OK\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    let _: () = redis::cmd("SELECT").arg(0).query(&mut c).unwrap();
    let _: () = redis::cmd("DEL").arg("w").query(&mut c).unwrap();
    assert_eq!(r.roundtrip_line(&resp(&[b"PING"])), "+QUEUED\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"EXEC"])), "*-1\r\n");
}

#[test]
fn watch_own_modification_and_unwatch() {
    let s = common::Server::start();
    let mut r = s.raw();
    assert_eq!(r.roundtrip_line(&resp(&[b"WATCH", b"k"])), "+OK\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"SET", b"k", b"mine"])), "+OK\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"GET", b"k"])), "+QUEUED\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"EXEC"])), "*-1\r\n");

    // UNWATCH forgets both the keys and the dirty state.
    assert_eq!(r.roundtrip_line(&resp(&[b"WATCH", b"k"])), "+OK\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"SET", b"k", b"again"])),
        "+OK\r\n"
    );
    assert_eq!(r.roundtrip_line(&resp(&[b"UNWATCH"])), "+OK\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"GET", b"k"])), "+QUEUED\r\n");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"again\r\n"), b"*1\r\n$5\r\nagain\r\n");

    // WATCH inside MULTI is refused but does not abort the transaction.
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"WATCH", b"k"])),
        "-ERR WATCH inside MULTI is not allowed\r\n"
    );
    assert_eq!(r.roundtrip_line(&resp(&[b"PING"])), "+QUEUED\r\n");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"PONG\r\n"), b"*1\r\n+PONG\r\n");

    // The transaction's own writes do not dirty a later one.
    assert_eq!(r.roundtrip_line(&resp(&[b"WATCH", b"k"])), "+OK\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(
        r.roundtrip_line(&resp(&[b"SET", b"k", b"t"])),
        "+QUEUED\r\n"
    );
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"+OK\r\n"), b"*1\r\n+OK\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(r.roundtrip_line(&resp(&[b"PING"])), "+QUEUED\r\n");
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
        assert_eq!(r.roundtrip_line(&resp(&[b"WATCH", b"k"])), "+OK\r\n");
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    let mut r2 = s.raw();
    let mut c = s.conn();
    let _: () = redis::cmd("SET").arg("k").arg("1").query(&mut c).unwrap();
    assert_eq!(r2.roundtrip_line(&resp(&[b"MULTI"])), "+OK\r\n");
    assert_eq!(r2.roundtrip_line(&resp(&[b"PING"])), "+QUEUED\r\n");
    r2.send(&resp(&[b"EXEC"]));
    assert_eq!(r2.read_until(b"PONG\r\n"), b"*1\r\n+PONG\r\n");
}
