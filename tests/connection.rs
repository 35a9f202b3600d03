//! Connection commands: HELLO, AUTH, CLIENT, RESET, SELECT, QUIT, and the
//! connection limits (maxclients, protected mode).
mod common;

use common::{err, line, q, resp};
use std::time::Duration;

#[test]
fn hello_switches_protocol() {
    let s = common::Server::start();
    let mut r = s.raw();
    r.send(&resp(&[b"HELLO", b"3"]));
    let out = r.read_until(b"modules\r\n*0\r\n");
    let text = String::from_utf8_lossy(&out).into_owned();
    assert!(text.starts_with("%7\r\n"), "{text}");
    assert!(text.contains("$6\r\nserver\r\n$5\r\nredis\r\n"), "{text}");
    assert!(text.contains("$7\r\nversion\r\n"), "{text}");
    assert!(text.contains("$5\r\nproto\r\n:3\r\n"), "{text}");
    assert!(
        text.contains("$4\r\nmode\r\n$10\r\nstandalone\r\n"),
        "{text}"
    );
    assert!(text.contains("$4\r\nrole\r\n$6\r\nmaster\r\n"), "{text}");
    // RESP3 null for a missing key.
    assert_eq!(line(&mut r, &["GET", "nokey"]), "_");
    // HELLO without arguments keeps (and reports) the current protocol.
    r.send(&resp(&[b"HELLO"]));
    let text = String::from_utf8_lossy(&r.read_until(b"modules\r\n*0\r\n")).into_owned();
    assert!(text.contains("proto\r\n:3\r\n"), "{text}");
    // Back to RESP2: map becomes a flat array, null a -1 bulk.
    r.send(&resp(&[b"HELLO", b"2"]));
    let text = String::from_utf8_lossy(&r.read_until(b"modules\r\n*0\r\n")).into_owned();
    assert!(text.starts_with("*14\r\n"), "{text}");
    assert!(text.contains("proto\r\n:2\r\n"), "{text}");
    assert_eq!(line(&mut r, &["GET", "nokey"]), "$-1");
    assert_eq!(
        line(&mut r, &["HELLO", "4"]),
        "-NOPROTO unsupported protocol version"
    );
    assert_eq!(
        line(&mut r, &["HELLO", "x"]),
        "-ERR Protocol version is not an integer or out of range"
    );
    assert_eq!(
        line(&mut r, &["HELLO", "3", "FOO"]),
        "-ERR Syntax error in HELLO option 'FOO'"
    );
    // A rejected HELLO did not switch.
    assert_eq!(line(&mut r, &["GET", "nokey"]), "$-1");
    // SETNAME through HELLO.
    r.send(&resp(&[b"HELLO", b"2", b"SETNAME", b"hello-name"]));
    r.read_until(b"modules\r\n*0\r\n");
    r.send(&resp(&[b"CLIENT", b"GETNAME"]));
    assert_eq!(r.read_until(b"hello-name\r\n"), b"$10\r\nhello-name\r\n");
}

#[test]
fn auth_flows() {
    let s = common::Server::start_with(&["--requirepass", "s3cret"]);
    let mut r = s.raw();
    assert_eq!(
        line(&mut r, &["GET", "k"]),
        "-NOAUTH Authentication required."
    );
    assert_eq!(
        line(&mut r, &["AUTH", "wrong"]),
        "-WRONGPASS invalid username-password pair or user is disabled."
    );
    assert_eq!(
        line(&mut r, &["AUTH", "bob", "s3cret"]),
        "-WRONGPASS invalid username-password pair or user is disabled."
    );
    assert_eq!(line(&mut r, &["AUTH", "a", "b", "c"]), "-ERR syntax error");
    assert_eq!(line(&mut r, &["PING"]), "-NOAUTH Authentication required.");
    // HELLO before AUTH is refused, HELLO AUTH authenticates.
    let reply = r.roundtrip_line(&resp(&[b"HELLO", b"3"]));
    assert!(reply.starts_with("-NOAUTH HELLO must be called"), "{reply}");
    r.send(&resp(&[b"HELLO", b"3", b"AUTH", b"default", b"s3cret"]));
    let text = String::from_utf8_lossy(&r.read_until(b"modules\r\n*0\r\n")).into_owned();
    assert!(text.starts_with("%7\r\n"), "{text}");
    assert_eq!(line(&mut r, &["PING"]), "+PONG");

    // AUTH <pass> and AUTH default <pass>.
    let mut r2 = s.raw();
    assert_eq!(line(&mut r2, &["AUTH", "s3cret"]), "+OK");
    assert_eq!(line(&mut r2, &["PING"]), "+PONG");
    // A failed AUTH does not log out an authenticated client.
    assert!(
        r2.roundtrip_line(&resp(&[b"AUTH", b"nope"]))
            .starts_with("-WRONGPASS")
    );
    assert_eq!(line(&mut r2, &["PING"]), "+PONG");
    // RESET logs out when a password is set.
    assert_eq!(line(&mut r2, &["RESET"]), "+RESET");
    assert_eq!(line(&mut r2, &["PING"]), "-NOAUTH Authentication required.");
    let mut r3 = s.raw();
    assert_eq!(line(&mut r3, &["AUTH", "default", "s3cret"]), "+OK");
    assert_eq!(line(&mut r3, &["PING"]), "+PONG");
}

#[test]
fn auth_without_password() {
    let s = common::Server::start();
    let mut r = s.raw();
    assert_eq!(
        line(&mut r, &["AUTH", "x"]),
        "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?"
    );
    // The default user has no password: any password is accepted for it.
    assert_eq!(line(&mut r, &["AUTH", "default", "x"]), "+OK");
    assert!(
        r.roundtrip_line(&resp(&[b"AUTH", b"other", b"x"]))
            .starts_with("-WRONGPASS")
    );
}

#[test]
fn client_id_name_list_info() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut c2 = s.conn();
    let id: i64 = q(&mut c, &["CLIENT", "ID"]);
    let id2: i64 = q(&mut c2, &["CLIENT", "ID"]);
    assert!(id > 0 && id2 > id, "{id} {id2}");
    let name: Option<String> = q(&mut c, &["CLIENT", "GETNAME"]);
    assert_eq!(name, None);
    let _: () = q(&mut c, &["CLIENT", "SETNAME", "first"]);
    let name: Option<String> = q(&mut c, &["CLIENT", "GETNAME"]);
    assert_eq!(name.as_deref(), Some("first"));
    for bad in ["a b", "a\nb", "x\x01"] {
        let e = err(&mut c, &["CLIENT", "SETNAME", bad]);
        assert_eq!(
            e,
            "ERR Client names cannot contain spaces, newlines or special characters."
        );
    }
    // Empty clears.
    let _: () = q(&mut c2, &["CLIENT", "SETNAME", ""]);
    let name: Option<String> = q(&mut c2, &["CLIENT", "GETNAME"]);
    assert_eq!(name, None);

    let _: () = q(&mut c2, &["SELECT", "3"]);
    let list: String = q(&mut c, &["CLIENT", "LIST"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    let mine = lines
        .iter()
        .find(|l| l.starts_with(&format!("id={id} ")))
        .unwrap();
    let other = lines
        .iter()
        .find(|l| l.starts_with(&format!("id={id2} ")))
        .unwrap();
    let fields: Vec<&str> = mine
        .split(' ')
        .map(|f| f.split('=').next().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "id",
            "addr",
            "laddr",
            "fd",
            "name",
            "age",
            "idle",
            "flags",
            "db",
            "sub",
            "psub",
            "ssub",
            "multi",
            "qbuf",
            "qbuf-free",
            "argv-mem",
            "multi-mem",
            "rbs",
            "rbp",
            "obl",
            "oll",
            "omem",
            "tot-mem",
            "events",
            "cmd",
            "user",
            "redir",
            "resp"
        ]
    );
    assert!(mine.contains(" name=first "), "{mine}");
    assert!(mine.contains(" cmd=client|list "), "{mine}");
    assert!(mine.contains(" flags=N "), "{mine}");
    assert!(mine.contains(" user=default redir=-1 resp=2"), "{mine}");
    assert!(other.contains(" db=3 "), "{other}");
    assert!(other.contains(" name= "), "{other}");

    // LIST ID and TYPE.
    let l: String = q(
        &mut c,
        &["CLIENT", "LIST", "ID", &id2.to_string(), "999999"],
    );
    assert_eq!(l.lines().count(), 1);
    assert!(l.starts_with(&format!("id={id2} ")));
    let l: String = q(&mut c, &["CLIENT", "LIST", "TYPE", "normal"]);
    assert_eq!(l.lines().count(), 2);
    let l: String = q(&mut c, &["CLIENT", "LIST", "TYPE", "pubsub"]);
    assert_eq!(l, "");
    assert_eq!(
        err(&mut c, &["CLIENT", "LIST", "TYPE", "bogus"]),
        "ERR Unknown client type 'bogus'"
    );
    assert_eq!(
        err(&mut c, &["CLIENT", "LIST", "ID", "x"]),
        "ERR Invalid client ID"
    );
    assert_eq!(err(&mut c, &["CLIENT", "LIST", "FOO"]), "ERR syntax error");

    let info: String = q(&mut c2, &["CLIENT", "INFO"]);
    assert!(info.starts_with(&format!("id={id2} ")), "{info}");
    assert!(info.ends_with('\n'));
    assert!(
        info.contains(" db=3 ") && info.contains(" cmd=client|info "),
        "{info}"
    );

    // MULTI shows in flags and multi=.
    let mut r = s.raw();
    r.roundtrip_line(&resp(&[b"MULTI"]));
    r.roundtrip_line(&resp(&[b"PING"]));
    let l: String = q(&mut c, &["CLIENT", "LIST"]);
    assert!(
        l.lines()
            .any(|x| x.contains(" flags=x ") && x.contains(" multi=1 ")),
        "{l}"
    );

    assert_eq!(
        err(&mut c, &["CLIENT", "NOSUCH"]),
        "ERR unknown subcommand 'NOSUCH'. Try CLIENT HELP."
    );
    let help: Vec<String> = q(&mut c, &["CLIENT", "HELP"]);
    assert!(help.len() > 10 && help[0].starts_with("CLIENT <subcommand>"));
    let _: () = q(&mut c, &["CLIENT", "SETINFO", "LIB-NAME", "mylib"]);
    let _: () = q(&mut c, &["CLIENT", "SETINFO", "lib-ver", "1.0"]);
    assert_eq!(
        err(&mut c, &["CLIENT", "SETINFO", "foo", "x"]),
        "ERR Unrecognized option 'foo'"
    );
    let _: () = q(&mut c, &["CLIENT", "NO-EVICT", "on"]);
    let info: String = q(&mut c, &["CLIENT", "INFO"]);
    assert!(info.contains(" flags=e "), "{info}");
    let _: () = q(&mut c, &["CLIENT", "NO-EVICT", "off"]);
    assert_eq!(
        err(&mut c, &["CLIENT", "NO-EVICT", "maybe"]),
        "ERR syntax error"
    );
}

#[test]
fn client_kill() {
    let s = common::Server::start();
    let mut c = s.conn();
    let mut victim = s.raw();
    let vid: i64 = {
        let line = victim.roundtrip_line(&resp(&[b"CLIENT", b"ID"]));
        line.trim_start_matches(':').trim().parse().unwrap()
    };
    let n: i64 = q(&mut c, &["CLIENT", "KILL", "ID", &vid.to_string()]);
    assert_eq!(n, 1);
    assert!(victim.closed());
    let n: i64 = q(&mut c, &["CLIENT", "KILL", "ID", &vid.to_string()]);
    assert_eq!(n, 0);
    assert_eq!(
        err(&mut c, &["CLIENT", "KILL", "ID", "0"]),
        "ERR client-id should be greater than 0"
    );
    assert_eq!(
        err(&mut c, &["CLIENT", "KILL", "ID", "1", "SKIPME"]),
        "ERR syntax error"
    );
    // Three arguments is the old form: "ID" is taken as an address.
    assert_eq!(err(&mut c, &["CLIENT", "KILL", "ID"]), "ERR No such client");
    assert_eq!(
        err(
            &mut c,
            &["CLIENT", "KILL", "USER", "nobody", "SKIPME", "no"]
        ),
        "ERR No such user 'nobody'"
    );
    assert_eq!(
        err(&mut c, &["CLIENT", "KILL", "1.2.3.4:5"]),
        "ERR No such client"
    );

    // Old form by address.
    let mut v2 = s.raw();
    // A round trip first, so the server has surely accepted it.
    assert_eq!(line(&mut v2, &["PING"]), "+PONG");
    let addr = v2.s.local_addr().unwrap().to_string();
    let _: () = q(&mut c, &["CLIENT", "KILL", &addr]);
    assert!(v2.closed());

    // ADDR filter; SKIPME yes (default) spares the caller.
    let mut me = s.raw();
    let myaddr = me.s.local_addr().unwrap().to_string();
    assert_eq!(
        me.roundtrip_line(&resp(&[b"CLIENT", b"KILL", b"ADDR", myaddr.as_bytes()])),
        ":0\r\n"
    );
    assert_eq!(line(&mut me, &["PING"]), "+PONG");
    // Killing yourself: the reply still arrives, then the connection closes.
    assert_eq!(
        me.roundtrip_line(&resp(&[
            b"CLIENT",
            b"KILL",
            b"ADDR",
            myaddr.as_bytes(),
            b"SKIPME",
            b"no"
        ])),
        ":1\r\n"
    );
    assert!(me.closed());

    // TYPE normal kills everybody else.
    let mut a = s.raw();
    let mut b = s.raw();
    assert_eq!(line(&mut a, &["PING"]), "+PONG");
    assert_eq!(line(&mut b, &["PING"]), "+PONG");
    let n: i64 = q(&mut c, &["CLIENT", "KILL", "TYPE", "normal"]);
    assert_eq!(n, 2);
    assert!(a.closed() && b.closed());
    let pong: String = q(&mut c, &["PING"]);
    assert_eq!(pong, "PONG");

    // USER and LADDR filters.
    let mut a = s.raw();
    let mut b = s.raw();
    assert_eq!(line(&mut a, &["PING"]), "+PONG");
    assert_eq!(line(&mut b, &["PING"]), "+PONG");
    let n: i64 = q(&mut c, &["CLIENT", "KILL", "USER", "default"]);
    assert_eq!(n, 2);
    assert!(a.closed() && b.closed());
    let mut a = s.raw();
    assert_eq!(line(&mut a, &["PING"]), "+PONG");
    let laddr = format!("127.0.0.1:{}", s.port);
    let n: i64 = q(&mut c, &["CLIENT", "KILL", "LADDR", "127.0.0.1:1"]);
    assert_eq!(n, 0);
    let n: i64 = q(&mut c, &["CLIENT", "KILL", "LADDR", &laddr]);
    assert_eq!(n, 1);
    assert!(a.closed());
    let pong: String = q(&mut c, &["PING"]);
    assert_eq!(pong, "PONG");
}

#[test]
fn client_reply_modes() {
    let s = common::Server::start();
    let mut r = s.raw();
    // OFF: no replies at all until ON (whose +OK is the next thing read).
    r.send(&resp(&[b"CLIENT", b"REPLY", b"OFF"]));
    r.send(&resp(&[b"SET", b"k", b"1"]));
    r.send(&resp(&[b"GET", b"k"]));
    r.send(&resp(&[b"CLIENT", b"REPLY", b"ON"]));
    assert_eq!(r.read_until(b"\r\n"), b"+OK\r\n");
    // SKIP: only the next command is silenced.
    r.send(&resp(&[b"CLIENT", b"REPLY", b"SKIP"]));
    r.send(&resp(&[b"SET", b"k", b"2"]));
    r.send(&resp(&[b"GET", b"k"]));
    assert_eq!(r.read_until(b"2\r\n"), b"$1\r\n2\r\n");
    r.send(&resp(&[b"CLIENT", b"REPLY", b"MAYBE"]));
    assert_eq!(r.read_until(b"\r\n"), b"-ERR syntax error\r\n");
    r.send(&resp(&[b"GET", b"k"]));
    assert_eq!(r.read_until(b"2\r\n"), b"$1\r\n2\r\n");
    // OFF silences errors too.
    r.send(&resp(&[b"CLIENT", b"REPLY", b"OFF"]));
    r.send(&resp(&[b"NOSUCH"]));
    r.send(&resp(&[b"CLIENT", b"REPLY", b"ON"]));
    assert_eq!(r.read_until(b"\r\n"), b"+OK\r\n");
}

#[test]
fn reset_clears_state() {
    let s = common::Server::start();
    let mut r = s.raw();
    r.send(&resp(&[b"HELLO", b"3"]));
    r.read_until(b"modules\r\n*0\r\n");
    assert_eq!(line(&mut r, &["SELECT", "5"]), "+OK");
    assert_eq!(line(&mut r, &["CLIENT", "SETNAME", "n"]), "+OK");
    assert_eq!(line(&mut r, &["WATCH", "w"]), "+OK");
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["SET", "x", "1"]), "+QUEUED");
    assert_eq!(line(&mut r, &["RESET"]), "+RESET");
    // Not in MULTI any more, RESP2, db 0, no name.
    assert_eq!(line(&mut r, &["GET", "x"]), "$-1");
    assert_eq!(line(&mut r, &["CLIENT", "GETNAME"]), "$-1");
    assert_eq!(line(&mut r, &["EXEC"]), "-ERR EXEC without MULTI");
    let info = String::from_utf8_lossy(&{
        r.send(&resp(&[b"CLIENT", b"INFO"]));
        r.read_until(b"\n\r\n")
    })
    .into_owned();
    assert!(
        info.contains(" db=0 ") && info.contains(" resp=2"),
        "{info}"
    );
    // The watch is gone: another client's write no longer matters.
    let mut c = s.conn();
    let _: () = q(&mut c, &["SET", "w", "1"]);
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["PING"]), "+QUEUED");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"PONG\r\n"), b"*1\r\n+PONG\r\n");
    // A watch already dirtied is dropped by RESET too.
    assert_eq!(line(&mut r, &["WATCH", "w"]), "+OK");
    let _: () = q(&mut c, &["SET", "w", "2"]);
    assert_eq!(line(&mut r, &["RESET"]), "+RESET");
    assert_eq!(line(&mut r, &["MULTI"]), "+OK");
    assert_eq!(line(&mut r, &["PING"]), "+QUEUED");
    r.send(&resp(&[b"EXEC"]));
    assert_eq!(r.read_until(b"PONG\r\n"), b"*1\r\n+PONG\r\n");
    // RESET leaves REPLY OFF.
    r.send(&resp(&[b"CLIENT", b"REPLY", b"OFF"]));
    r.send(&resp(&[b"PING"]));
    assert_eq!(line(&mut r, &["RESET"]), "+RESET");
    assert_eq!(line(&mut r, &["PING"]), "+PONG");
}

#[test]
fn select_and_quit() {
    let s = common::Server::start();
    let mut r = s.raw();
    assert_eq!(
        line(&mut r, &["SELECT", "16"]),
        "-ERR DB index is out of range"
    );
    assert_eq!(
        line(&mut r, &["SELECT", "-1"]),
        "-ERR DB index is out of range"
    );
    assert_eq!(
        line(&mut r, &["SELECT", "x"]),
        "-ERR value is not an integer or out of range"
    );
    assert_eq!(line(&mut r, &["SELECT", "15"]), "+OK");
    assert_eq!(line(&mut r, &["QUIT"]), "+OK");
    assert!(r.closed());
}

#[test]
fn maxclients_rejects_extra_connection() {
    let s = common::Server::start_with(&["--maxclients", "5"]);
    // The harness's readiness probe may still count as a client for a
    // moment after it closed: retry until each of the 5 is in.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut conns: Vec<common::Raw> = Vec::new();
    while conns.len() < 5 {
        let mut c = s.raw();
        let line = c.roundtrip_line(&resp(&[b"PING"]));
        if line == "+PONG\r\n" {
            conns.push(c);
        } else {
            assert_eq!(line, "-ERR max number of clients reached\r\n");
            assert!(std::time::Instant::now() < deadline);
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let mut sixth = s.raw();
    assert_eq!(
        String::from_utf8_lossy(&sixth.read_until(b"\r\n")),
        "-ERR max number of clients reached\r\n"
    );
    assert!(sixth.closed());
    // Closing one makes room again.
    drop(conns.pop());
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let mut c = s.raw();
        let line = c.roundtrip_line(&resp(&[b"PING"]));
        if line == "+PONG\r\n" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no room: {line}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Protected mode never refuses loopback.
#[test]
fn protected_mode_allows_loopback() {
    let s = common::Server::start_with(&["--protected-mode", "yes"]);
    let mut r = s.raw();
    assert_eq!(line(&mut r, &["PING"]), "+PONG");
}

/// A non-loopback IPv4 address of this host, if it has one: the source
/// address the kernel picks for a route out (a UDP connect sends nothing).
fn non_loopback_ip() -> Option<std::net::IpAddr> {
    for target in ["10.255.255.255:9", "192.0.2.255:9", "8.8.8.8:53"] {
        let Ok(u) = std::net::UdpSocket::bind("0.0.0.0:0") else {
            continue;
        };
        let addr = u.connect(target).and_then(|()| u.local_addr());
        if let Ok(a) = addr
            && !a.ip().is_loopback()
            && !a.ip().is_unspecified()
        {
            return Some(a.ip());
        }
    }
    None
}

/// The refusal itself needs a non-loopback peer: connecting to one of this
/// host's own non-loopback addresses gives one. Skipped (with a note) on a
/// host that has no such address.
#[test]
fn protected_mode_refuses_non_loopback() {
    let Some(ip) = non_loopback_ip() else {
        eprintln!("skipped: no non-loopback address on this host");
        return;
    };
    let connect = |port: u16| {
        let st = std::net::TcpStream::connect((ip, port)).expect("connect");
        st.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        common::Raw { s: st }
    };
    let s = common::Server::start_with(&["--bind", "0.0.0.0", "--protected-mode", "yes"]);
    let mut r = connect(s.port);
    let reply = String::from_utf8_lossy(&r.read_until(b"\r\n")).into_owned();
    assert!(
        reply.starts_with("-DENIED Redis is running in protected mode"),
        "{reply}"
    );
    assert!(r.closed());
    // Loopback is still fine on the same server.
    assert_eq!(s.raw().roundtrip_line(&resp(&[b"PING"])), "+PONG\r\n");
    drop(s);

    // A password, or protected-mode off, lets the remote peer in.
    let s = common::Server::start_with(&[
        "--bind",
        "0.0.0.0",
        "--protected-mode",
        "yes",
        "--requirepass",
        "pw",
    ]);
    let mut r = connect(s.port);
    assert_eq!(line(&mut r, &["PING"]), "-NOAUTH Authentication required.");
    drop(s);
    let s = common::Server::start_with(&["--bind", "0.0.0.0", "--protected-mode", "no"]);
    let mut r = connect(s.port);
    assert_eq!(line(&mut r, &["PING"]), "+PONG");
}
