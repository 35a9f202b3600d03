//! Command introspection against redis-server 7.0: COMMAND GETKEYS and
//! GETKEYSANDFLAGS for every command that takes keys (cluster clients and
//! proxies route by them), COMMAND INFO for every command and subcommand
//! ferrodis implements (key specs, ACL categories, tips), and COMMAND
//! LIST/COUNT/DOCS including subcommands.

mod common;

use common::oracle::Pair;

/// A reply tree that keeps RESP3's aggregate kinds apart.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Bulk(Vec<u8>),
    Status(String),
    Err(String),
    Int(i64),
    Arr(Vec<V>),
    Map(Vec<(V, V)>),
    Set(Vec<V>),
    Nil,
}

/// Parses one reply from `b[*pos..]`; None while it is incomplete.
fn parse(b: &[u8], pos: &mut usize) -> Option<V> {
    let end = b[*pos..].windows(2).position(|w| w == b"\r\n")? + *pos;
    let t = b[*pos];
    let line = String::from_utf8_lossy(&b[*pos + 1..end]).into_owned();
    *pos = end + 2;
    let n = || line.parse::<i64>().unwrap();
    Some(match t {
        b'$' if n() < 0 => V::Nil,
        b'$' => {
            let len = n() as usize;
            if b.len() < *pos + len + 2 {
                return None;
            }
            let v = b[*pos..*pos + len].to_vec();
            *pos += len + 2;
            V::Bulk(v)
        }
        b'+' => V::Status(line),
        b'-' => V::Err(line),
        b':' => V::Int(n()),
        b'_' => V::Nil,
        b'*' | b'~' if n() < 0 => V::Nil,
        b'*' | b'~' => {
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

/// Reads exactly one whole reply (raw bytes). The shared
/// `oracle::read_reply` is not used: it misreads lengths (it drops the
/// first digit), so it compares only the start of aggregate replies.
fn read_raw(r: &mut common::Raw) -> Vec<u8> {
    use std::io::Read;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    // Bounded: each read waits at most the connection's 5 s timeout.
    for _ in 0..100_000 {
        let mut pos = 0;
        if !buf.is_empty() && parse(&buf, &mut pos).is_some() {
            assert_eq!(pos, buf.len(), "bytes after the reply");
            return buf;
        }
        let k = r.s.read(&mut chunk).expect("read reply");
        assert!(k > 0, "connection closed");
        buf.extend_from_slice(&chunk[..k]);
    }
    panic!("reply never completed");
}

fn tree(raw: &[u8]) -> V {
    let mut pos = 0;
    let v = parse(raw, &mut pos).expect("complete reply");
    assert_eq!(pos, raw.len(), "trailing bytes after the reply");
    v
}

fn text(v: &V) -> String {
    match v {
        V::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
        V::Status(s) => s.clone(),
        o => panic!("not a string: {o:?}"),
    }
}

fn items(v: &V) -> &[V] {
    match v {
        V::Arr(x) | V::Set(x) => x,
        o => panic!("not an array: {o:?}"),
    }
}

/// Both servers, one RESP2 and one RESP3 connection to each.
struct Both {
    _pair: Pair,
    a2: common::Raw,
    b2: common::Raw,
    a3: common::Raw,
    b3: common::Raw,
}

fn exchange(a: &mut common::Raw, b: &mut common::Raw, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let a_args: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
    let req = common::resp(&a_args);
    a.send(&req);
    b.send(&req);
    (read_raw(a), read_raw(b))
}

impl Both {
    fn start() -> Both {
        let pair = Pair::start();
        let (a2, b2) = (pair.ours.raw(), pair.redis.raw());
        let (mut a3, mut b3) = (pair.ours.raw(), pair.redis.raw());
        exchange(&mut a3, &mut b3, &["HELLO", "3"]);
        Both {
            _pair: pair,
            a2,
            b2,
            a3,
            b3,
        }
    }

    /// The (ferrodis, redis) RESP2 replies.
    fn run(&mut self, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
        exchange(&mut self.a2, &mut self.b2, args)
    }

    /// The (ferrodis, redis) RESP3 replies.
    fn run3(&mut self, args: &[&str]) -> (Vec<u8>, Vec<u8>) {
        exchange(&mut self.a3, &mut self.b3, args)
    }

    /// Same raw reply from both servers in RESP2 and in RESP3.
    fn same(&mut self, args: &[&str]) {
        for (proto, (ours, theirs)) in [(2, self.run(args)), (3, self.run3(args))] {
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&theirs),
                "RESP{proto}: ferrodis (left) and redis-server (right) differ on {args:?}"
            );
        }
    }

    fn ours(&mut self, args: &[&str]) -> V {
        tree(&self.run(args).0)
    }

    fn both3(&mut self, args: &[&str]) -> (V, V) {
        let (a, b) = self.run3(args);
        (tree(&a), tree(&b))
    }
}

/// Representative calls of every command that takes keys, with the
/// variadic and keyword forms (numkeys, STORE, GET...). Each is checked
/// with COMMAND GETKEYS and GETKEYSANDFLAGS against redis-server.
const KEYED: &[&str] = &[
    // string
    "get k",
    "set k v",
    "set k v get",
    "set k v nx GET ex 10",
    "set k v ex 10",
    "setnx k v",
    "setex k 10 v",
    "psetex k 10 v",
    "getset k v",
    "getdel k",
    "getex k",
    "getex k ex 10",
    "mget a b c",
    "mset a 1 b 2",
    "mset a 1 b",
    "msetnx a 1 b 2",
    "append k v",
    "strlen k",
    "incr k",
    "decr k",
    "incrby k 1",
    "decrby k 1",
    "incrbyfloat k 1.5",
    "getrange k 0 1",
    "dump k",
    "restore k 0 payload",
    "restore k 0 payload REPLACE ABSTTL",
    "substr k 0 1",
    "setrange k 0 v",
    "lcs a b",
    "lcs a b len minmatchlen 2",
    // bitmap
    "setbit k 7 1",
    "getbit k 7",
    "bitcount k",
    "bitcount k 0 -1 bit",
    "bitpos k 1",
    "bitpos k 0 1 2 byte",
    "bitop and d a b c",
    "bitop not d a",
    "bitfield k",
    "bitfield k get u8 0",
    "bitfield k get u8 0 overflow sat get i4 #1",
    "bitfield k set u8 0 1",
    "bitfield k get u8 0 incrby i5 3 1",
    "bitfield k get u8",
    "bitfield k overflow",
    "bitfield_ro k get u8 0",
    // hyperloglog
    "pfadd k a b",
    "pfadd k",
    "pfcount a",
    "pfcount a b c",
    "pfmerge d",
    "pfmerge d a b",
    "pfdebug encoding k",
    // generic
    "del a b c",
    "exists a b",
    "type k",
    "rename a b",
    "renamenx a b",
    "expire k 10",
    "expire k 10 nx",
    "pexpire k 10",
    "expireat k 10",
    "pexpireat k 10",
    "ttl k",
    "pttl k",
    "expiretime k",
    "pexpiretime k",
    "persist k",
    "touch a b",
    "copy a b",
    "copy a b db 1 replace",
    "move k 1",
    "object encoding k",
    "object freq k",
    "object idletime k",
    "object refcount k",
    "memory usage k",
    "memory usage k samples 5",
    "watch a b",
    "unlink a b",
    // list
    "lpush k a b",
    "rpush k a",
    "lpushx k a",
    "rpushx k a b",
    "lpop k",
    "lpop k 2",
    "rpop k",
    "llen k",
    "lrange k 0 -1",
    "lindex k 0",
    "lset k 0 v",
    "linsert k before p v",
    "lrem k 0 v",
    "ltrim k 0 1",
    "lpos k v rank 1",
    "lmove a b left right",
    "rpoplpush a b",
    "lmpop 2 a b left",
    "lmpop 1 a right count 2",
    "blpop a b 0",
    "brpop a 0",
    "brpoplpush a b 0",
    "blmove a b left left 0",
    "blmpop 0 2 a b left",
    "blmpop 1 1 a right count 3",
    // hash
    "hset k f v",
    "hset k f v g w",
    "hmset k f v",
    "hsetnx k f v",
    "hget k f",
    "hmget k f g",
    "hdel k f",
    "hlen k",
    "hstrlen k f",
    "hexists k f",
    "hkeys k",
    "hvals k",
    "hgetall k",
    "hincrby k f 1",
    "hincrbyfloat k f 1.5",
    "hrandfield k",
    "hrandfield k 2 withvalues",
    "hscan k 0",
    "hscan k 0 match * count 10",
    // set
    "sadd k a",
    "srem k a b",
    "smembers k",
    "sismember k a",
    "smismember k a b",
    "scard k",
    "spop k",
    "spop k 2",
    "srandmember k",
    "srandmember k -3",
    "smove a b m",
    "sinter a b",
    "sintercard 2 a b",
    "sintercard 1 a limit 3",
    "sinterstore d a b",
    "sunion a b",
    "sunionstore d a",
    "sdiff a b",
    "sdiffstore d a b",
    "sscan k 0",
    // sorted set
    "zadd k 1 m",
    "zadd k nx ch 1 m 2 n",
    "zincrby k 1 m",
    "zrem k m",
    "zcard k",
    "zcount k 0 1",
    "zlexcount k - +",
    "zscore k m",
    "zmscore k m n",
    "zrank k m",
    "zrevrank k m",
    "zrange k 0 -1",
    "zrange k 0 -1 byscore rev limit 0 1 withscores",
    "zrangestore d s 0 -1",
    "zrevrange k 0 1",
    "zrangebyscore k 0 1",
    "zrevrangebyscore k 1 0",
    "zrangebylex k - +",
    "zrevrangebylex k + -",
    "zpopmin k",
    "zpopmax k 2",
    "bzpopmin a b 0",
    "bzpopmax a 0",
    "zmpop 2 a b min",
    "zmpop 1 a max count 2",
    "bzmpop 0 2 a b min",
    "bzmpop 1 1 a max count 2",
    "zrandmember k",
    "zrandmember k 2 withscores",
    "zunion 2 a b",
    "zunion 2 a b weights 1 2 aggregate max withscores",
    "zinter 2 a b",
    "zdiff 2 a b",
    "zunionstore d 2 a b",
    "zunionstore d 2 a b weights 1 2",
    "zinterstore d 2 a b",
    "zinterstore d 1 a",
    "zdiffstore d 2 a b",
    "zintercard 2 a b",
    "zintercard 2 a b limit 1",
    "zremrangebyrank k 0 1",
    "zremrangebyscore k 0 1",
    "zremrangebylex k - +",
    "zscan k 0",
    // geo: GEORADIUS's STORE/STOREDIST keys are found by keyword specs.
    "geoadd k 1 2 m",
    "geoadd k nx ch 1 2 m 3 4 n",
    "geodist k a b",
    "geodist k a b km",
    "geohash k a b",
    "geopos k a",
    "georadius k 1 2 3 m",
    "georadius k 1 2 3 m store d",
    "georadius k 1 2 3 m storedist d",
    "georadius k 1 2 3 m store d storedist e",
    "georadius k 1 2 3 m withdist store",
    "georadius_ro k 1 2 3 m",
    "georadiusbymember k m 3 km store d",
    "georadiusbymember k m 3 km count 1 storedist e",
    "georadiusbymember_ro k m 3 km",
    "geosearch k frommember m byradius 1 m",
    "geosearchstore d s fromlonlat 1 2 bybox 1 1 m storedist",
    // sort: STORE found by the getkeys proc, options skipped with their
    // arguments, the last STORE wins.
    "sort k",
    "sort abc store def",
    "Sort k STORE d",
    "sort k by w_* get # get o_* limit 0 10 desc alpha store d",
    "sort k store a store b",
    "sort k get store",
    "sort k limit 0 store x",
    "sort k store",
    "sort_ro k",
    "sort_ro k by w_* get #",
];

/// Inputs GETKEYS refuses, or where the key specs fail and the getkeys
/// proc decides (a numkeys that is zero, too big, or only starts with
/// digits), plus the checks before extraction (command, keys, arity).
const EDGE: &[&str] = &[
    "lmpop 0 a left",
    "lmpop 3 a b left",
    "lmpop 2abc a b left",
    "lmpop -1 a left",
    "lmpop x a left",
    "blmpop 0 0 a left",
    "blmpop 0 2x a b left",
    "zmpop 5 a min",
    "bzmpop 0 9 a max",
    "sintercard 0 a",
    "sintercard 2abc a b",
    "zintercard 3 a b",
    "zunion 3 a b",
    "zunion 1x a",
    "zinter 0 a",
    "zunionstore d 0 a",
    "zunionstore d 5 a b",
    "zunionstore d 2abc a b",
    "zinterstore d 2 a",
    "zdiffstore d 1abc a",
    "GET k",
    "get",
    "get a b",
    "mset a",
    "ping x",
    "nosuch a",
    "config get x",
    "config nosuch x",
    "object",
    "object encoding",
    "object nosuch k",
    "memory usage",
    "command getkeys get k",
    "client kill 1.2.3.4:5",
    "flushdb async",
];

fn words(case: &str) -> Vec<&str> {
    case.split(' ').collect()
}

#[test]
fn getkeys_matches_redis_for_every_keyed_command() {
    let mut both = Both::start();
    for case in KEYED.iter().chain(EDGE) {
        for sub in ["GETKEYS", "GETKEYSANDFLAGS"] {
            let mut args = vec!["COMMAND", sub];
            args.extend(words(case));
            both.same(&args);
        }
    }
}

/// The cases: keys after the first one that only key specs find.
#[test]
fn getkeys_follows_key_specs_not_the_legacy_range() {
    let mut both = Both::start();
    for (case, keys) in [
        ("sort abc store def", &["abc", "def"][..]),
        ("zunionstore d 2 a b", &["d", "a", "b"]),
        ("zinter 2 a b", &["a", "b"]),
        ("lmpop 2 a b left", &["a", "b"]),
        ("blmpop 0 2 a b left", &["a", "b"]),
        ("zmpop 2 a b min", &["a", "b"]),
        ("sintercard 2 a b", &["a", "b"]),
    ] {
        let mut args = vec!["COMMAND", "GETKEYS"];
        args.extend(words(case));
        let got = both.ours(&args);
        let want = V::Arr(
            keys.iter()
                .map(|k| V::Bulk(k.as_bytes().to_vec()))
                .collect(),
        );
        assert_eq!(got, want, "{case}");
        both.same(&args);
    }
}

#[test]
fn getkeys_without_arguments_is_an_arity_error() {
    let mut both = Both::start();
    both.same(&["COMMAND", "GETKEYS"]);
    both.same(&["COMMAND", "GETKEYS", "get"]);
    both.same(&["COMMAND", "GETKEYSANDFLAGS", "get"]);
    both.same(&["COMMAND", "GETKEYSANDFLAGS", "set", "k", "v"]);
}

/// Every command and subcommand in ferrodis's `COMMAND` reply, as
/// (full name, key specs).
fn command_table(both: &mut Both) -> Vec<(String, V)> {
    fn walk(entry: &V, out: &mut Vec<(String, V)>) {
        let f = items(entry);
        out.push((text(&f[0]), f[8].clone()));
        for sub in items(&f[9]) {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    for entry in items(&both.ours(&["COMMAND"])) {
        walk(entry, &mut out);
    }
    out
}

/// The coverage of KEYED: a command whose COMMAND INFO has key specs and
/// no case above is a command whose key extraction nobody checked.
#[test]
fn every_command_with_key_specs_has_a_getkeys_case() {
    let mut both = Both::start();
    let table = command_table(&mut both);
    assert!(table.len() > 150, "COMMAND lists too few: {}", table.len());
    let mut missing = Vec::new();
    for (name, specs) in &table {
        if items(specs).is_empty() {
            continue;
        }
        let covered = KEYED.iter().any(|case| {
            let w: Vec<String> = words(case).iter().map(|s| s.to_lowercase()).collect();
            match name.split_once('|') {
                Some((c, s)) => w.len() > 1 && w[0] == c && w[1] == s,
                None => w[0] == *name,
            }
        });
        if !covered {
            missing.push(name.clone());
        }
    }
    assert!(missing.is_empty(), "no GETKEYS case for {missing:?}");
}

/// ferrodis's additions that redis-server 7.0 does not have: CLIENT
/// SETINFO (7.2), and POST / HOST: (the cross-protocol guard as commands).
const NOT_IN_70: &[&str] = &["client|setinfo", "post", "host:"];

/// ZRANK/ZREVRANK take WITHSCORE (Redis 7.2, on purpose), so their arity is
/// -3 where 7.0 says 3.
const ARITY_72: &[&str] = &["zrank", "zrevrank"];

fn without_field(v: &V, i: usize) -> V {
    let mut f = items(v).to_vec();
    f[i] = V::Nil;
    V::Arr(f)
}

/// COMMAND INFO of every command and subcommand ferrodis implements is
/// redis-server's, byte for byte (RESP2 and RESP3). Containers are
/// compared without their subcommand list, since ferrodis implements only
/// some subcommands; each implemented subcommand is compared on its own.
#[test]
fn command_info_matches_redis_for_every_command() {
    let mut both = Both::start();
    let table = command_table(&mut both);
    for (name, _) in &table {
        if NOT_IN_70.contains(&name.as_str()) {
            continue;
        }
        let args = ["COMMAND", "INFO", name.as_str()];
        let (ours, theirs) = both.both3(&args);
        let (o, t) = (&items(&ours)[0], &items(&theirs)[0]);
        assert!(*t != V::Nil, "redis-server has no {name}");
        if ARITY_72.contains(&name.as_str()) {
            assert_eq!(without_field(o, 1), without_field(t, 1), "{name}");
            continue;
        }
        if !items(&items(o)[9]).is_empty() {
            assert_eq!(without_field(o, 9), without_field(t, 9), "{name}");
            // Each implemented subcommand is also in Redis's list.
            let theirs: Vec<String> = items(&items(t)[9])
                .iter()
                .map(|s| text(&items(s)[0]))
                .collect();
            for s in items(&items(o)[9]) {
                let sub = text(&items(s)[0]);
                assert!(
                    theirs.contains(&sub) || NOT_IN_70.contains(&sub.as_str()),
                    "{sub} is not a subcommand of {name} in redis-server"
                );
            }
            continue;
        }
        both.same(&args);
    }
    // Several names at once, and an unknown one (a null in its place).
    both.same(&[
        "COMMAND",
        "INFO",
        "get",
        "nosuch",
        "config|get",
        "zunionstore",
    ]);
}

/// The example: key specs with keynum and unknown find_keys.
#[test]
fn command_info_reports_redis_key_specs() {
    let mut both = Both::start();
    for name in [
        "sort",
        "sort_ro",
        "zunionstore",
        "lmpop",
        "blmpop",
        "set",
        "mset",
    ] {
        both.same(&["COMMAND", "INFO", name]);
    }
}

fn names(v: &V) -> Vec<String> {
    let mut n: Vec<String> = items(v).iter().map(text).collect();
    n.sort();
    n
}

/// COMMAND LIST includes `container|sub` names; restricted to what
/// ferrodis implements it is redis-server's list, and COMMAND COUNT counts
/// the top-level commands only.
#[test]
fn command_list_includes_subcommands() {
    let mut both = Both::start();
    let table: Vec<String> = command_table(&mut both)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let ours = names(&both.ours(&["COMMAND", "LIST"]));
    let mut want = table.clone();
    want.sort();
    assert_eq!(ours, want, "COMMAND LIST is not the command table");
    for sub in [
        "config|get",
        "client|list",
        "object|encoding",
        "command|getkeysandflags",
    ] {
        assert!(ours.contains(&sub.to_string()), "{sub} missing");
    }
    let (_, theirs) = both.run(&["COMMAND", "LIST"]);
    let theirs = names(&tree(&theirs));
    for n in &ours {
        assert!(
            theirs.contains(n) || NOT_IN_70.contains(&n.as_str()),
            "{n} is not in redis-server's COMMAND LIST"
        );
    }
    let top = ours.iter().filter(|n| !n.contains('|')).count();
    assert_eq!(both.ours(&["COMMAND", "COUNT"]), V::Int(top as i64));
}

/// FILTERBY: the filtered list is redis-server's, restricted to the names
/// ferrodis implements (order is Redis's dict order, so compared sorted).
#[test]
fn command_list_filterby_matches_redis() {
    let mut both = Both::start();
    let ours_all = names(&both.ours(&["COMMAND", "LIST"]));
    let filters: &[&[&str]] = &[
        &["ACLCAT", "keyspace"],
        &["ACLCAT", "READ"],
        &["ACLCAT", "write"],
        &["ACLCAT", "dangerous"],
        &["ACLCAT", "connection"],
        &["ACLCAT", "sortedset"],
        &["ACLCAT", "slow"],
        &["ACLCAT", "blocking"],
        &["ACLCAT", "nosuchcat"],
        &["PATTERN", "config|*"],
        &["PATTERN", "Z*STORE"],
        &["PATTERN", "*|*"],
        &["MODULE", "nosuch"],
    ];
    for f in filters {
        let mut args = vec!["COMMAND", "LIST", "FILTERBY"];
        args.extend_from_slice(f);
        let (o, t) = both.run(&args);
        let ours: Vec<String> = names(&tree(&o))
            .into_iter()
            .filter(|n| !NOT_IN_70.contains(&n.as_str()))
            .collect();
        let theirs: Vec<String> = names(&tree(&t))
            .into_iter()
            .filter(|n| ours_all.contains(n))
            .collect();
        assert_eq!(ours, theirs, "{args:?}");
    }
    for bad in [
        &["COMMAND", "LIST", "FILTERBY", "NOSUCH", "x"][..],
        &["COMMAND", "LIST", "FILTERBY", "ACLCAT"],
        &["COMMAND", "LIST", "x"],
    ] {
        both.same(bad);
    }
}

/// COMMAND DOCS with no arguments nests each container's subcommands
/// under it (the ones ferrodis implements, a subset of Redis's), and a
/// subcommand can be asked for by its full name.
#[test]
fn command_docs_nests_subcommands() {
    let mut both = Both::start();
    let (all, theirs_all) = both.both3(&["COMMAND", "DOCS"]);
    let doc_subs = |docs: &V, name: &str| -> Option<Vec<String>> {
        let V::Map(top) = docs else {
            panic!("not a map")
        };
        let (_, d) = top.iter().find(|(k, _)| text(k) == name)?;
        let V::Map(fields) = d else {
            panic!("not a map")
        };
        fields
            .iter()
            .find(|(k, _)| text(k) == "subcommands")
            .map(|(_, v)| {
                let V::Map(s) = v else { panic!("not a map") };
                s.iter().map(|(k, _)| text(k)).collect()
            })
    };
    let info = command_table(&mut both);
    for container in [
        "config", "client", "object", "command", "memory", "function",
    ] {
        let mut want: Vec<String> = info
            .iter()
            .map(|(n, _)| n.clone())
            .filter(|n| n.starts_with(&format!("{container}|")))
            .collect();
        want.sort();
        let mut got = doc_subs(&all, container).expect(container);
        got.sort();
        assert_eq!(got, want, "{container}");
        let theirs = doc_subs(&theirs_all, container).expect(container);
        for s in &got {
            assert!(
                theirs.contains(s) || NOT_IN_70.contains(&s.as_str()),
                "{s} is not documented by redis-server"
            );
        }
    }
    let V::Map(one) = both.ours(&["COMMAND", "DOCS", "config|get"]).to_map() else {
        unreachable!()
    };
    assert_eq!(one.len(), 1);
    assert_eq!(text(&one[0].0), "config|get");
}

impl V {
    /// A RESP2 flat array of pairs as a map.
    fn to_map(&self) -> V {
        match self {
            V::Map(_) => self.clone(),
            V::Arr(x) => V::Map(x.chunks(2).map(|p| (p[0].clone(), p[1].clone())).collect()),
            o => panic!("not a map: {o:?}"),
        }
    }
}

/// COMMAND's own replies around the subcommands: help text, unknown
/// subcommands, arity, unknown names in DOCS.
#[test]
fn command_help_and_errors_match_redis() {
    let mut both = Both::start();
    // The last line ("Print this help." / 7.0's "Prints this help.") is
    // the shared help footer of every container, outside COMMAND.
    let (o, t) = both.run(&["COMMAND", "HELP"]);
    let (o, t) = (tree(&o), tree(&t));
    let (o, t) = (items(&o), items(&t));
    assert_eq!(o.len(), t.len());
    assert_eq!(o[..o.len() - 1], t[..t.len() - 1]);
    for args in [
        &["COMMAND", "NOSUCH"][..],
        &["COMMAND", "COUNT", "x"],
        &["COMMAND", "DOCS", "nosuch"],
        &["COMMAND", "INFO", "nosuch"],
        &["COMMAND", "INFO", "config|nosuch"],
        &["COMMAND", "GETKEYS", "command", "getkeys", "get", "k"],
        &["COMMAND", "GETKEYSANDFLAGS", "object", "encoding", "k"],
        &["COMMAND", "GETKEYSANDFLAGS", "memory", "usage", "k"],
    ] {
        both.same(args);
    }
}
