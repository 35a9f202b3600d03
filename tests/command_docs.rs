//! COMMAND DOCS `arguments`: the exact structure Redis 7 sends (and that
//! redis-cli 7 parses for its hints), checked on the wire in RESP2 and
//! RESP3.

mod common;

use std::io::Read;

/// A reply tree that keeps RESP3's aggregate kinds apart.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Bulk(String),
    Status(String),
    Int(i64),
    Arr(Vec<V>),
    Map(Vec<(V, V)>),
    Set(Vec<V>),
    Nil,
}

/// Parses one reply from `b[*pos..]`; None when it is incomplete.
fn parse(b: &[u8], pos: &mut usize) -> Option<V> {
    let end = b[*pos..].windows(2).position(|w| w == b"\r\n")? + *pos;
    let t = b[*pos];
    let line = std::str::from_utf8(&b[*pos + 1..end]).unwrap().to_string();
    *pos = end + 2;
    let n = || line.parse::<i64>().unwrap();
    Some(match t {
        b'$' => {
            if n() < 0 {
                return Some(V::Nil);
            }
            let len = n() as usize;
            if b.len() < *pos + len + 2 {
                return None;
            }
            let s = String::from_utf8(b[*pos..*pos + len].to_vec()).unwrap();
            *pos += len + 2;
            V::Bulk(s)
        }
        b'+' => V::Status(line),
        b':' => V::Int(n()),
        b'_' => V::Nil,
        b'*' | b'~' => {
            if n() < 0 {
                return Some(V::Nil);
            }
            let mut v = Vec::new();
            for _ in 0..n() {
                v.push(parse(b, pos)?);
            }
            if t == b'*' { V::Arr(v) } else { V::Set(v) }
        }
        b'%' => {
            let mut v = Vec::new();
            for _ in 0..n() {
                let k = parse(b, pos)?;
                v.push((k, parse(b, pos)?));
            }
            V::Map(v)
        }
        other => panic!("unexpected reply type {:?}", other as char),
    })
}

fn query(r: &mut common::Raw, args: &[&[u8]]) -> V {
    r.send(&common::resp(args));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    // Bounded: each read waits at most the raw connection's 5 s timeout.
    for _ in 0..10_000 {
        let mut pos = 0;
        if !buf.is_empty()
            && let Some(v) = parse(&buf, &mut pos)
        {
            assert_eq!(pos, buf.len(), "trailing bytes after the reply");
            return v;
        }
        let k = r.s.read(&mut chunk).expect("read");
        assert!(k > 0, "connection closed");
        buf.extend_from_slice(&chunk[..k]);
    }
    panic!("reply never completed");
}

/// The same tree as RESP2 sends it: maps as flat arrays, sets as arrays.
fn resp2(v: &V) -> V {
    match v {
        V::Map(kv) => V::Arr(kv.iter().flat_map(|(k, v)| [resp2(k), resp2(v)]).collect()),
        V::Set(x) | V::Arr(x) => V::Arr(x.iter().map(resp2).collect()),
        o => o.clone(),
    }
}

fn b(s: &str) -> V {
    V::Bulk(s.to_string())
}

/// One argument map; `fields` after name/type, in wire order.
fn arg(name: &str, ty: &str, fields: Vec<(&str, V)>) -> V {
    let mut kv = vec![(b("name"), b(name)), (b("type"), b(ty))];
    kv.extend(fields.into_iter().map(|(k, v)| (b(k), v)));
    V::Map(kv)
}

fn flags(f: &[&str]) -> V {
    V::Set(f.iter().map(|s| V::Status(s.to_string())).collect())
}

fn token(name: &str, tok: &str, since: Option<&str>) -> V {
    let mut f = vec![("token", b(tok))];
    if let Some(s) = since {
        f.push(("since", b(s)));
    }
    arg(name, "pure-token", f)
}

fn key0(name: &str) -> V {
    arg(name, "key", vec![("key_spec_index", V::Int(0))])
}

/// The value of `field` in a docs map (RESP3 map or RESP2 flat array).
fn field<'a>(docs: &'a V, name: &str) -> Option<&'a V> {
    match docs {
        V::Map(kv) => kv.iter().find(|(k, _)| *k == b(name)).map(|(_, v)| v),
        V::Arr(x) => x.chunks(2).find(|p| p[0] == b(name)).map(|p| &p[1]),
        _ => panic!("not a map: {docs:?}"),
    }
}

/// `COMMAND DOCS name` in RESP2 and RESP3: the docs of `name`.
fn docs_both(s: &common::Server, name: &str) -> (V, V) {
    let mut r2 = s.raw();
    let d2 = query(&mut r2, &[b"COMMAND", b"DOCS", name.as_bytes()]);
    let mut r3 = s.raw();
    query(&mut r3, &[b"HELLO", b"3"]);
    let d3 = query(&mut r3, &[b"COMMAND", b"DOCS", name.as_bytes()]);
    let V::Map(top) = d3 else {
        panic!("RESP3 COMMAND DOCS is not a map: {d3:?}")
    };
    assert_eq!(top.len(), 1);
    assert_eq!(top[0].0, b(name));
    let V::Arr(flat) = d2 else {
        panic!("RESP2 COMMAND DOCS is not an array: {d2:?}")
    };
    assert_eq!(flat.len(), 2);
    assert_eq!(flat[0], b(name));
    (flat[1].clone(), top[0].1.clone())
}

/// Asserts `arguments` of `name` equal `expected` (written RESP3-style)
/// in both protocols.
fn check_args(s: &common::Server, name: &str, expected: Vec<V>) {
    let (d2, d3) = docs_both(s, name);
    let expected = V::Arr(expected);
    assert_eq!(field(&d3, "arguments"), Some(&expected), "{name} (RESP3)");
    assert_eq!(
        field(&d2, "arguments"),
        Some(&resp2(&expected)),
        "{name} (RESP2)"
    );
}

#[test]
fn get_arguments() {
    let s = common::Server::start();
    check_args(&s, "get", vec![key0("key")]);
}

#[test]
fn set_arguments_match_redis() {
    let s = common::Server::start();
    let opt = || ("flags", flags(&["optional"]));
    let timed = |name: &str, ty: &str, tok: &str, since: &str| {
        arg(name, ty, vec![("token", b(tok)), ("since", b(since))])
    };
    check_args(
        &s,
        "set",
        vec![
            key0("key"),
            arg("value", "string", vec![]),
            arg(
                "condition",
                "oneof",
                vec![
                    ("since", b("2.6.12")),
                    opt(),
                    (
                        "arguments",
                        V::Arr(vec![token("nx", "NX", None), token("xx", "XX", None)]),
                    ),
                ],
            ),
            arg(
                "get",
                "pure-token",
                vec![("token", b("GET")), ("since", b("6.2.0")), opt()],
            ),
            arg(
                "expiration",
                "oneof",
                vec![
                    opt(),
                    (
                        "arguments",
                        V::Arr(vec![
                            timed("seconds", "integer", "EX", "2.6.12"),
                            timed("milliseconds", "integer", "PX", "2.6.12"),
                            timed("unix-time-seconds", "unix-time", "EXAT", "6.2.0"),
                            timed("unix-time-milliseconds", "unix-time", "PXAT", "6.2.0"),
                            token("keepttl", "KEEPTTL", Some("6.0.0")),
                        ]),
                    ),
                ],
            ),
        ],
    );
}

#[test]
fn zadd_arguments_match_redis() {
    let s = common::Server::start();
    let opt = || ("flags", flags(&["optional"]));
    let choice = |name: &str, since: &str, toks: &[(&str, &str)]| {
        arg(
            name,
            "oneof",
            vec![
                ("since", b(since)),
                opt(),
                (
                    "arguments",
                    V::Arr(toks.iter().map(|(n, t)| token(n, t, None)).collect()),
                ),
            ],
        )
    };
    let flag_tok = |name: &str, tok: &str| {
        arg(
            name,
            "pure-token",
            vec![("token", b(tok)), ("since", b("3.0.2")), opt()],
        )
    };
    check_args(
        &s,
        "zadd",
        vec![
            key0("key"),
            choice("condition", "3.0.2", &[("nx", "NX"), ("xx", "XX")]),
            choice("comparison", "6.2.0", &[("gt", "GT"), ("lt", "LT")]),
            flag_tok("change", "CH"),
            flag_tok("increment", "INCR"),
            arg(
                "score_member",
                "block",
                vec![
                    ("flags", flags(&["multiple"])),
                    (
                        "arguments",
                        V::Arr(vec![
                            arg("score", "double", vec![]),
                            arg("member", "string", vec![]),
                        ]),
                    ),
                ],
            ),
        ],
    );
}

#[test]
fn client_kill_arguments_match_redis() {
    let s = common::Server::start();
    let opt = || ("flags", flags(&["optional"]));
    let filter = |name: &str, tok: &str, since: Option<&str>| {
        let mut f = vec![("token", b(tok))];
        if let Some(v) = since {
            f.push(("since", b(v)));
        }
        f.push(opt());
        arg(name, "string", f)
    };
    let types = vec![
        token("normal", "NORMAL", None),
        token("master", "MASTER", Some("3.2.0")),
        token("slave", "SLAVE", None),
        token("replica", "REPLICA", Some("5.0.0")),
        token("pubsub", "PUBSUB", None),
    ];
    let new_format = arg(
        "new-format",
        "oneof",
        vec![
            ("flags", flags(&["multiple"])),
            (
                "arguments",
                V::Arr(vec![
                    arg(
                        "client-id",
                        "integer",
                        vec![("token", b("ID")), ("since", b("2.8.12")), opt()],
                    ),
                    arg(
                        "normal_master_slave_pubsub",
                        "oneof",
                        vec![
                            ("token", b("TYPE")),
                            ("since", b("2.8.12")),
                            opt(),
                            ("arguments", V::Arr(types)),
                        ],
                    ),
                    filter("username", "USER", None),
                    filter("ip:port", "ADDR", None),
                    filter("ip:port", "LADDR", Some("6.2.0")),
                    filter("yes/no", "SKIPME", None),
                ]),
            ),
        ],
    );
    check_args(
        &s,
        "client|kill",
        vec![arg(
            "filter",
            "oneof",
            vec![(
                "arguments",
                V::Arr(vec![
                    arg("ip:port", "string", vec![("deprecated_since", b("2.8.12"))]),
                    new_format,
                ]),
            )],
        )],
    );
}

/// Commands without arguments (and containers) carry no `arguments`
/// field, as in Redis; a container's subcommands carry theirs.
#[test]
fn no_arguments_field_when_none() {
    let s = common::Server::start();
    for name in ["multi", "randomkey", "client|id"] {
        let (d2, d3) = docs_both(&s, name);
        assert_eq!(field(&d3, "arguments"), None, "{name}");
        assert_eq!(field(&d2, "arguments"), None, "{name}");
        assert!(field(&d3, "summary").is_some());
    }
    let (_, client) = docs_both(&s, "client");
    assert_eq!(field(&client, "arguments"), None);
    let subs = field(&client, "subcommands").expect("subcommands");
    let kill = field(subs, "client|kill").expect("client|kill");
    assert!(matches!(field(kill, "arguments"), Some(V::Arr(a)) if a.len() == 1));
}

/// The full COMMAND DOCS reply parses, and every command that needs
/// arguments documents them (redis-cli builds all its hints from this).
#[test]
fn full_docs_reply_has_arguments() {
    let s = common::Server::start();
    let mut r = s.raw();
    query(&mut r, &[b"HELLO", b"3"]);
    let V::Map(all) = query(&mut r, &[b"COMMAND", b"DOCS"]) else {
        panic!("not a map")
    };
    let mut info = s.raw();
    let V::Arr(infos) = query(&mut info, &[b"COMMAND", b"INFO"]) else {
        panic!("not an array")
    };
    assert_eq!(all.len(), infos.len());
    for (name, docs) in &all {
        let V::Bulk(name) = name else { panic!() };
        let arity = infos
            .iter()
            .find_map(|i| match i {
                V::Arr(x) if x[0] == b(name) => Some(x[1].clone()),
                _ => None,
            })
            .expect("in COMMAND INFO");
        let needs_args = !matches!(arity, V::Int(1) | V::Int(-1));
        let has_subs = field(docs, "subcommands").is_some();
        if needs_args && !has_subs && name != "debug" {
            assert!(
                field(docs, "arguments").is_some(),
                "{name} has no arguments"
            );
        }
    }
    let set = all.iter().find(|(k, _)| *k == b("set")).unwrap();
    assert!(matches!(field(&set.1, "arguments"), Some(V::Arr(a)) if a.len() == 5));
}
