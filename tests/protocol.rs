//! The wire protocol and its defences, over raw TCP: exact protocol errors
//! (each closes the connection), inline commands, requests split at every
//! byte, big pipelines and big bulks, the pre-AUTH limits, and the
//! cross-protocol (HTTP) guard.
mod common;

use common::{line, resp};
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};

/// Writes, ignoring errors: the server may close while we still send.
fn send_lossy(r: &mut common::Raw, b: &[u8]) {
    let _ = r.s.write_all(b);
}

/// True if the peer closed: EOF, or a reset (the server closed with our
/// unread bytes in its receive buffer). A timeout means still open.
fn peer_closed(r: &mut common::Raw) -> bool {
    let mut b = [0u8; 65536];
    loop {
        match r.s.read(&mut b) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return true,
            Err(_) => return false,
        }
    }
}

/// Reads to EOF (or the read timeout): the server must have sent nothing.
fn assert_dropped_silently(r: &mut common::Raw) {
    let mut all = Vec::new();
    let _ = r.s.read_to_end(&mut all);
    assert!(
        all.is_empty(),
        "got a reply: {:?}",
        String::from_utf8_lossy(&all)
    );
}

/// Sends `req` on a fresh connection: the reply must be exactly `want`
/// (one error line) and the connection must then be closed.
fn expect_proto_error(s: &common::Server, req: &[u8], want: &str) {
    let mut r = s.raw();
    send_lossy(&mut r, req);
    let got = String::from_utf8_lossy(&r.read_until(b"\r\n")).into_owned();
    assert_eq!(got, format!("-ERR Protocol error: {want}\r\n"));
    assert!(peer_closed(&mut r), "connection left open after: {want}");
}

#[test]
fn protocol_errors_close_the_connection() {
    let s = common::Server::start();
    expect_proto_error(&s, b"*abc\r\n", "invalid multibulk length");
    expect_proto_error(&s, b"*3000000000\r\n", "invalid multibulk length");
    expect_proto_error(&s, b"*1\r\n$-5\r\n", "invalid bulk length");
    expect_proto_error(&s, b"*1\r\n$abc\r\n", "invalid bulk length");
    // One byte above the default proto-max-bulk-len (512 MB).
    expect_proto_error(&s, b"*1\r\n$536870913\r\n", "invalid bulk length");
    expect_proto_error(&s, b"*1\r\nx3\r\nGET\r\n", "expected '$', got 'x'");
    expect_proto_error(&s, b"*2\r\n$3\r\nGET\r\n:1\r\n", "expected '$', got ':'");
    expect_proto_error(&s, b"set \"a b\r\n", "unbalanced quotes in request");
    expect_proto_error(&s, b"set 'a\r\n", "unbalanced quotes in request");
    // PROTO_INLINE_MAX_SIZE is 64 KB: one byte more without a newline.
    expect_proto_error(&s, &vec![b'a'; 64 * 1024 + 1], "too big inline request");
    let mut count = b"*".to_vec();
    count.extend(std::iter::repeat_n(b'1', 64 * 1024));
    expect_proto_error(&s, &count, "too big mbulk count string");
    let mut bulk = b"*1\r\n$".to_vec();
    bulk.extend(std::iter::repeat_n(b'1', 64 * 1024 + 1));
    expect_proto_error(&s, &bulk, "too big bulk count string");
    // The server is fine afterwards.
    let mut r = s.raw();
    assert_eq!(r.roundtrip_line(b"PING\r\n"), "+PONG\r\n");
}

#[test]
fn inline_at_the_size_limit_is_accepted() {
    let s = common::Server::start();
    let mut r = s.raw();
    // Exactly 64 KB without a newline is still waited on, not an error.
    r.send(&vec![b'a'; 64 * 1024]);
    r.s.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut b = [0u8; 64];
    let n = r.s.read(&mut b);
    assert!(
        matches!(&n, Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut),
        "{n:?}"
    );
    r.s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    r.send(b"\r\n");
    let line = r.read_until(b"\r\n");
    let line = String::from_utf8_lossy(&line);
    assert!(line.starts_with("-ERR unknown command 'aaaa"), "{line}");
    assert_eq!(r.roundtrip_line(b"PING\r\n"), "+PONG\r\n");
}

#[test]
fn command_errors_keep_the_connection() {
    let s = common::Server::start();
    let mut r = s.raw();
    assert_eq!(
        r.roundtrip_line(&resp(&[b"foo", b"a", b"b"])),
        "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"
    );
    assert_eq!(
        r.roundtrip_line(b"foo\r\n"),
        "-ERR unknown command 'foo', with args beginning with: \r\n"
    );
    assert_eq!(
        line(&mut r, &["get"]),
        "-ERR wrong number of arguments for 'get' command"
    );
    assert_eq!(
        line(&mut r, &["GET", "a", "b"]),
        "-ERR wrong number of arguments for 'get' command"
    );
    assert_eq!(line(&mut r, &["PING"]), "+PONG");
}

#[test]
fn inline_commands() {
    let s = common::Server::start();
    let mut r = s.raw();
    assert_eq!(r.roundtrip_line(b"SET k v\r\n"), "+OK\r\n");
    assert_eq!(r.roundtrip_line(b"PING\n"), "+PONG\r\n");
    r.send(b"GET k\r\n");
    assert_eq!(r.read_until(b"v\r\n"), b"$1\r\nv\r\n");
    // Quoting and escapes as redis-cli/split_args understands them.
    assert_eq!(r.roundtrip_line(b"SET \"a b\" 'c d'\r\n"), "+OK\r\n");
    r.send(&resp(&[b"GET", b"a b"]));
    assert_eq!(r.read_until(b"c d\r\n"), b"$3\r\nc d\r\n");
    r.send(b"SET q \"x\\ny\"\r\n");
    assert_eq!(r.read_until(b"\r\n"), b"+OK\r\n");
    r.send(&resp(&[b"GET", b"q"]));
    assert_eq!(r.read_until(b"x\ny\r\n"), b"$3\r\nx\ny\r\n");
    // Empty lines and empty multibulks are skipped without a reply.
    assert_eq!(r.roundtrip_line(b"\r\n\n  \r\nPING\r\n"), "+PONG\r\n");
    assert_eq!(r.roundtrip_line(b"*0\r\nPING\r\n"), "+PONG\r\n");
    assert_eq!(
        r.roundtrip_line(b"*-1\r\n*0\r\n*1\r\n$4\r\nPING\r\n"),
        "+PONG\r\n"
    );
}

#[test]
fn requests_split_at_every_byte() {
    let s = common::Server::start();
    let mut req = resp(&[b"SET", b"split", b"value"]);
    req.extend_from_slice(&resp(&[b"GET", b"split"]));
    req.extend_from_slice(b"ECHO inline\r\n");
    let want: &[u8] = b"+OK\r\n$5\r\nvalue\r\n$6\r\ninline\r\n";

    // One byte per write; a short pause now and then so the server really
    // sees partial input (TCP_NODELAY alone may still coalesce).
    let mut r = s.raw();
    for (i, b) in req.iter().enumerate() {
        r.send(&[*b]);
        if i % 4 == 0 {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
    assert_eq!(r.read_n(want.len()), want);

    // Two writes, split at each boundary.
    for i in 1..req.len() {
        r.send(&req[..i]);
        std::thread::sleep(Duration::from_millis(2));
        r.send(&req[i..]);
        let got = r.read_n(want.len());
        assert_eq!(got, want, "split at {i}");
    }
}

#[test]
fn big_pipeline_in_one_write() {
    let s = common::Server::start();
    let mut r = s.raw();
    const N: usize = 10_000;
    let mut req = Vec::new();
    let mut want = Vec::new();
    for i in 0..N {
        let v = i.to_string();
        if i % 2 == 0 {
            req.extend_from_slice(&resp(&[b"SET", format!("p{i}").as_bytes(), v.as_bytes()]));
            want.extend_from_slice(b"+OK\r\n");
        } else {
            req.extend_from_slice(&resp(&[b"ECHO", v.as_bytes()]));
            want.extend_from_slice(format!("${}\r\n{v}\r\n", v.len()).as_bytes());
        }
    }
    // Write from another thread while this one reads, so neither side's
    // socket buffer can fill up and stall the other.
    let mut w = r.s.try_clone().unwrap();
    let t = std::thread::spawn(move || w.write_all(&req).unwrap());
    let got = r.read_n(want.len());
    t.join().unwrap();
    assert_eq!(got.len(), want.len());
    assert!(got == want, "pipeline replies differ");
    r.send(&resp(&[b"GET", b"p9998"]));
    assert_eq!(r.read_until(b"9998\r\n"), b"$4\r\n9998\r\n");
}

#[test]
fn hundred_megabyte_value() {
    let s = common::Server::start();
    let mut r = s.raw();
    r.s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    const LEN: usize = 100 * 1024 * 1024;
    let start = Instant::now();
    let mut head = format!("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n${LEN}\r\n").into_bytes();
    let mut w = r.s.try_clone().unwrap();
    let t = std::thread::spawn(move || {
        w.write_all(&head).unwrap();
        // A recognisable pattern, written in 1 MB pieces.
        let chunk: Vec<u8> = (0..1024 * 1024).map(|i| b'a' + (i % 26) as u8).collect();
        for _ in 0..LEN / chunk.len() {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"\r\n").unwrap();
        head.clear();
    });
    assert_eq!(r.read_until(b"\r\n"), b"+OK\r\n");
    t.join().unwrap();
    r.send(&resp(&[b"GET", b"big"]));
    let header = format!("${LEN}\r\n");
    let got = r.read_n(header.len() + LEN + 2);
    assert_eq!(got.len(), header.len() + LEN + 2);
    assert!(got.starts_with(header.as_bytes()));
    let body = &got[header.len()..header.len() + LEN];
    assert!(
        body.iter()
            .enumerate()
            .all(|(i, &b)| b == b'a' + ((i % (1024 * 1024)) % 26) as u8)
    );
    assert!(got.ends_with(b"\r\n"));
    assert!(
        start.elapsed() < Duration::from_secs(50),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(line(&mut r, &["PING"]), "+PONG");
}

#[test]
fn unauthenticated_limits() {
    let s = common::Server::start_with(&["--requirepass", "pw"]);
    let mut r = s.raw();
    assert_eq!(
        line(&mut r, &["GET", "k"]),
        "-NOAUTH Authentication required."
    );
    // Ten arguments are fine before AUTH (just NOAUTH), eleven are not.
    let mut ten: Vec<&[u8]> = vec![b"DEL"];
    ten.extend(vec![b"x" as &[u8]; 9]);
    assert_eq!(
        r.roundtrip_line(&resp(&ten)),
        "-NOAUTH Authentication required.\r\n"
    );
    expect_proto_error(&s, b"*11\r\n", "unauthenticated multibulk length");
    // 16 KB per bulk before AUTH.
    let mut big = b"*2\r\n$3\r\nGET\r\n$20480\r\n".to_vec();
    big.extend(vec![b'x'; 20480]);
    big.extend_from_slice(b"\r\n");
    expect_proto_error(&s, &big, "unauthenticated bulk length");
    let ok16k = resp(&[b"GET", &[b'x'; 16384]]);
    let mut r = s.raw();
    assert_eq!(
        r.roundtrip_line(&ok16k),
        "-NOAUTH Authentication required.\r\n"
    );
    // After AUTH both limits are gone.
    assert_eq!(line(&mut r, &["AUTH", "pw"]), "+OK");
    let mut del: Vec<&[u8]> = vec![b"DEL"];
    del.extend(vec![b"nokey" as &[u8]; 11]);
    assert_eq!(r.roundtrip_line(&resp(&del)), ":0\r\n");
    let v = vec![b'y'; 20480];
    assert_eq!(r.roundtrip_line(&resp(&[b"SET", b"k", &v])), "+OK\r\n");
}

#[test]
fn unauthenticated_client_not_reading_is_dropped() {
    let s = common::Server::start_with(&["--requirepass", "pw"]);
    let mut r = s.raw();
    r.s.set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let one = resp(&[b"GET", b"k"]);
    let mut req = Vec::with_capacity(one.len() * 200_000);
    for _ in 0..200_000 {
        req.extend_from_slice(&one);
    }
    let start = Instant::now();
    // Fails part-way once the server has closed us; that is the point.
    let _ = r.s.write_all(&req);
    assert!(start.elapsed() < Duration::from_secs(10));
    assert!(peer_closed(&mut r), "unauthenticated flooder not dropped");
    let mut other = s.raw();
    assert_eq!(line(&mut other, &["AUTH", "pw"]), "+OK");
    assert_eq!(line(&mut other, &["PING"]), "+PONG");
}

#[test]
fn http_requests_are_dropped() {
    let s = common::Server::start();
    let mut r = s.raw();
    send_lossy(
        &mut r,
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\n\r\nPING\r\n",
    );
    assert_dropped_silently(&mut r);
    let mut r = s.raw();
    send_lossy(&mut r, b"Host: example.com\r\nPING\r\n");
    assert_dropped_silently(&mut r);
    // Also when sent as RESP, and before AUTH would be checked.
    let mut r = s.raw();
    send_lossy(&mut r, &resp(&[b"post", b"/"]));
    assert!(peer_closed(&mut r));
    let mut ok = s.raw();
    assert_eq!(ok.roundtrip_line(b"PING\r\n"), "+PONG\r\n");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !s.log().contains("Possible SECURITY ATTACK detected") {
        assert!(Instant::now() < deadline, "no warning in the log");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn http_requests_are_dropped_before_auth() {
    let s = common::Server::start_with(&["--requirepass", "pw"]);
    let mut r = s.raw();
    send_lossy(&mut r, b"POST / HTTP/1.1\r\n");
    assert_dropped_silently(&mut r);
}

/// CVE-2022-36021: a pattern of many `*?` pairs must not make KEYS
/// backtrack exponentially. Needs KEYS (the keys family, another branch).
#[test]

fn keys_with_pathological_pattern_is_fast() {
    let s = common::Server::start();
    let mut r = s.raw();
    let key = vec![b'a'; 1000];
    assert_eq!(r.roundtrip_line(&resp(&[b"SET", &key, b"1"])), "+OK\r\n");
    let pat = b"*?".repeat(50_000);
    let start = Instant::now();
    assert_eq!(r.roundtrip_line(&resp(&[b"KEYS", &pat])), "*0\r\n");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}
