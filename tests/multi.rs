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
