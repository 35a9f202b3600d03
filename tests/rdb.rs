//! RDB persistence: files and DUMP payloads exchanged with a real
//! redis-server 7.0 in both directions, old-format fixtures built by hand,
//! corrupt files refused at start-up, a RESTORE corruption fuzzer, and
//! restarts (kill -9 after SAVE, SHUTDOWN SAVE, save points).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::oracle::Redis;
use common::{Rng, Server, q, resp};

/// Both servers get the same thresholds (Redis 7.0's compiled-in
/// defaults are not all the ones ferrodis uses) and list compression, so
/// every encoding exists on both sides.
const SAME: &[&str] = &[
    "--hash-max-listpack-entries",
    "128",
    "--hash-max-listpack-value",
    "64",
    "--zset-max-listpack-entries",
    "128",
    "--zset-max-listpack-value",
    "64",
    "--set-max-intset-entries",
    "512",
    "--list-max-listpack-size",
    "-2",
    "--list-compress-depth",
    "1",
];

fn args_with<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v: Vec<&str> = SAME.to_vec();
    v.extend_from_slice(extra);
    v
}

/// A scratch directory of our own (the harness removes its own dirs on
/// drop, and restarts must find the file again).
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!(
            "ferrodis-rdb-{tag}-{}-{}",
            std::process::id(),
            common::free_port()
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Scratch(d)
    }
    fn s(&self) -> &str {
        self.0.to_str().unwrap()
    }
    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn cmd(c: &mut redis::Connection, args: &[&[u8]]) -> redis::Value {
    let mut k = redis::cmd(std::str::from_utf8(args[0]).unwrap());
    for a in &args[1..] {
        k.arg(*a);
    }
    k.query(c)
        .unwrap_or_else(|e| panic!("{:?} failed: {e}", String::from_utf8_lossy(args[0])))
}

/// Every type and encoding, with expiries, in databases 0, 1 and 9.
fn populate(c: &mut redis::Connection) {
    let mut rng = Rng(7);
    for db in ["0", "1", "9"] {
        let _: () = q(c, &["SELECT", db]);
        let p = |k: &str| format!("{k}:{db}");
        // Strings: int (small, 64-bit), embstr, raw compressible, raw
        // incompressible, binary.
        let _: () = q(c, &["SET", &p("int"), "12345"]);
        let _: () = q(c, &["SET", &p("neg"), "-7"]);
        let _: () = q(c, &["SET", &p("int64"), "1234567890123456"]);
        let _: () = q(c, &["SET", &p("emb"), "hello world"]);
        let _: () = q(c, &["SET", &p("rawz"), &"abc".repeat(100)]);
        let noise: String = (0..300)
            .map(|_| (b'!' + rng.below(90) as u8) as char)
            .collect();
        let _: () = q(c, &["SET", &p("rawnoise"), &noise]);
        cmd(c, &[b"SET", p("bin").as_bytes(), &[0u8, 255, 10, 13, 0, 1]]);
        let _: () = q(c, &["APPEND", &p("appended"), "x"]);
        // Lists: small, many nodes (compressed inner nodes), big elements.
        let _: () = q(c, &["RPUSH", &p("lsmall"), "a", "1", "-2", "hello"]);
        let mut big = vec!["RPUSH".to_string(), p("lbig")];
        big.extend((0..3000).map(|i| format!("element-{i}-{}", "y".repeat(i % 40))));
        let big: Vec<&str> = big.iter().map(|s| s.as_str()).collect();
        let _: () = q(c, &big);
        for i in 0..5 {
            let v = format!("{i}{}", "z".repeat(5000 + i));
            let _: () = q(c, &["RPUSH", &p("lhuge"), &v, "small"]);
        }
        // Sets: intset, big intset, hashtable of ints, small strings, big.
        let _: () = q(c, &["SADD", &p("sint"), "1", "2", "3", "-100", "70000"]);
        for i in 0..400 {
            let _: () = q(c, &["SADD", &p("sintbig"), &(i * 3).to_string()]);
        }
        for i in 0..600 {
            let _: () = q(c, &["SADD", &p("sintht"), &i.to_string()]);
        }
        let _: () = q(c, &["SADD", &p("sstr"), "a", "b", "cc"]);
        for i in 0..300 {
            let _: () = q(c, &["SADD", &p("sbig"), &format!("member-{i}")]);
        }
        // Hashes: listpack, hashtable by count, hashtable by value length.
        let _: () = q(c, &["HSET", &p("hsmall"), "f", "v", "n", "42"]);
        for i in 0..300 {
            let _: () = q(c, &["HSET", &p("hbig"), &format!("f{i}"), &format!("v{i}")]);
        }
        let _: () = q(c, &["HSET", &p("hlong"), "f", &"L".repeat(100)]);
        // Sorted sets: listpack and skiplist, with inf/-inf and odd scores.
        let _: () = q(
            c,
            &[
                "ZADD",
                &p("zsmall"),
                "1.5",
                "a",
                "-2",
                "b",
                "0",
                "c",
                "3e10",
                "d",
                "1e-5",
                "e",
                "inf",
                "f",
            ],
        );
        for i in 0..300 {
            let score = format!("{}", (i as f64) * 1.25 - 100.0);
            let _: () = q(c, &["ZADD", &p("zbig"), &score, &format!("m{i}")]);
        }
        let _: () = q(
            c,
            &["ZADD", &p("zbig"), "-inf", "lowest", "+inf", "highest"],
        );
        let _: () = q(c, &["ZADD", &p("zlong"), "1", &"M".repeat(100)]);
        // Expiries.
        for k in ["int", "lsmall", "sint", "hbig", "zsmall", "rawz"] {
            let _: () = q(c, &["EXPIRE", &p(k), "100000"]);
        }
    }
    let _: () = q(c, &["SELECT", "0"]);
}

#[derive(Debug, PartialEq)]
struct KeyState {
    ty: String,
    val: Vec<Vec<u8>>,
    ttl: bool,
    enc: String,
}

fn bulks(v: redis::Value) -> Vec<Vec<u8>> {
    redis::FromRedisValue::from_redis_value(&v).unwrap()
}

/// (db, key) -> type, value, TTL presence, encoding, for every key.
fn snapshot(c: &mut redis::Connection) -> BTreeMap<(u32, Vec<u8>), KeyState> {
    let mut out = BTreeMap::new();
    for db in 0..16u32 {
        let _: () = q(c, &["SELECT", &db.to_string()]);
        let keys: Vec<Vec<u8>> = bulks(cmd(c, &[b"KEYS", b"*"]));
        for k in keys {
            let ty: String = redis::cmd("TYPE").arg(&k).query(c).unwrap();
            let val = match ty.as_str() {
                "string" => vec![redis::cmd("GET").arg(&k).query::<Vec<u8>>(c).unwrap()],
                "list" => bulks(cmd(c, &[b"LRANGE", &k, b"0", b"-1"])),
                "set" => {
                    let mut v = bulks(cmd(c, &[b"SMEMBERS", &k]));
                    v.sort();
                    v
                }
                "hash" => {
                    let flat = bulks(cmd(c, &[b"HGETALL", &k]));
                    let mut pairs: Vec<Vec<u8>> = flat
                        .chunks(2)
                        .map(|p| [p[0].clone(), b"=".to_vec(), p[1].clone()].concat())
                        .collect();
                    pairs.sort();
                    pairs
                }
                "zset" => bulks(cmd(c, &[b"ZRANGE", &k, b"0", b"-1", b"WITHSCORES"])),
                other => panic!("unexpected type {other}"),
            };
            let pttl: i64 = redis::cmd("PTTL").arg(&k).query(c).unwrap();
            let enc: String = redis::cmd("OBJECT")
                .arg("ENCODING")
                .arg(&k)
                .query(c)
                .unwrap();
            out.insert(
                (db, k),
                KeyState {
                    ty,
                    val,
                    ttl: pttl > 0,
                    enc,
                },
            );
        }
    }
    let _: () = q(c, &["SELECT", "0"]);
    out
}

/// Compares two data sets key by key. Encodings are compared where both
/// servers have them: Redis 7.0 has no listpack sets (ferrodis's small
/// non-integer sets), so a set encoded `listpack` on one side may be a
/// `hashtable` on the other.
fn assert_same(a: &BTreeMap<(u32, Vec<u8>), KeyState>, b: &BTreeMap<(u32, Vec<u8>), KeyState>) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "different key sets"
    );
    for (k, x) in a {
        let y = &b[k];
        let name = String::from_utf8_lossy(&k.1);
        assert_eq!(x.ty, y.ty, "TYPE of {name} in db {}", k.0);
        assert_eq!(x.val, y.val, "value of {name} in db {}", k.0);
        assert_eq!(x.ttl, y.ttl, "TTL presence of {name} in db {}", k.0);
        let set_lp = x.ty == "set" && (x.enc == "listpack" || y.enc == "listpack");
        if !set_lp {
            assert_eq!(x.enc, y.enc, "OBJECT ENCODING of {name} in db {}", k.0);
        }
    }
}

fn check_rdb(path: &Path) {
    let out = Command::new("redis-check-rdb")
        .arg(path)
        .output()
        .expect("redis-check-rdb (redis-tools) is installed by ./test.sh");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && text.contains("RDB looks OK"),
        "redis-check-rdb refused {}:\n{text}",
        path.display()
    );
}

/// DEBUG DIGEST (debug.c's data set fingerprint) equal on both servers.
fn assert_same_digest(a: &mut redis::Connection, b: &mut redis::Connection) {
    let da: String = q(a, &["DEBUG", "DIGEST"]);
    let db: String = q(b, &["DEBUG", "DIGEST"]);
    assert_eq!(
        da, db,
        "DEBUG DIGEST: ferrodis (left) vs redis-server (right)"
    );
    assert_ne!(da, "0".repeat(40));
}

#[test]
fn ferrodis_save_is_accepted_by_redis_check_rdb_and_loads_in_redis_with_the_same_data() {
    let d = Scratch::new("out");
    let s = Server::start_with(&args_with(&["--dir", d.s()]));
    let mut c = s.conn();
    populate(&mut c);
    let ours = snapshot(&mut c);
    assert!(ours.len() > 60);
    let before: i64 = q(&mut c, &["LASTSAVE"]);
    let _: () = q(&mut c, &["SAVE"]);
    let after: i64 = q(&mut c, &["LASTSAVE"]);
    assert!(after >= before);
    let info: String = q(&mut c, &["INFO", "persistence"]);
    assert!(info.contains("rdb_saves:1\r\n"), "{info}");
    assert!(info.contains("rdb_changes_since_last_save:0\r\n"), "{info}");
    check_rdb(&d.file("dump.rdb"));
    let r = Redis::start_with(&args_with(&["--dir", d.s(), "--dbfilename", "dump.rdb"]));
    let mut rc = r.conn();
    wait_loaded(&mut rc);
    assert_same(&ours, &snapshot(&mut rc));
    assert_same_digest(&mut c, &mut rc);
}

#[test]
fn ferrodis_save_without_compression_or_checksum_loads_in_redis() {
    let d = Scratch::new("nocomp");
    let s = Server::start_with(&args_with(&[
        "--dir",
        d.s(),
        "--rdbcompression",
        "no",
        "--rdbchecksum",
        "no",
    ]));
    let mut c = s.conn();
    populate(&mut c);
    let ours = snapshot(&mut c);
    let _: () = q(&mut c, &["SAVE"]);
    let bytes = std::fs::read(d.file("dump.rdb")).unwrap();
    assert_eq!(
        &bytes[bytes.len() - 8..],
        &[0; 8],
        "rdbchecksum no writes a zero CRC"
    );
    assert_eq!(&bytes[..9], b"REDIS0010");
    let r = Redis::start_with(&args_with(&["--dir", d.s(), "--dbfilename", "dump.rdb"]));
    let mut rc = r.conn();
    wait_loaded(&mut rc);
    assert_same(&ours, &snapshot(&mut rc));
}

/// Redis answers -LOADING while it loads; wait until it serves.
fn wait_loaded(c: &mut redis::Connection) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if redis::cmd("DBSIZE").query::<i64>(c).is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("server still loading");
}

#[test]
fn redis_save_loads_in_ferrodis_with_the_same_data() {
    let d = Scratch::new("in");
    let r = Redis::start_with(&args_with(&["--dir", d.s()]));
    let mut rc = r.conn();
    // Plain quicklist nodes for elements of 1000 bytes or more (7.0's
    // threshold is 1 GiB; DEBUG lowers it), so the loader sees them.
    let _: () = q(&mut rc, &["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000"]);
    populate(&mut rc);
    let theirs = snapshot(&mut rc);
    let _: () = q(&mut rc, &["SAVE"]);
    let s = Server::start_with(&args_with(&["--dir", d.s()]));
    let mut c = s.conn();
    assert_same(&theirs, &snapshot(&mut c));
    let log = s.log();
    assert!(log.contains("Loading RDB produced by version 7.0"), "{log}");
    assert!(log.contains("DB loaded from disk: "), "{log}");
    let info: String = q(&mut c, &["INFO", "persistence"]);
    let n = theirs.len();
    assert!(
        info.contains(&format!("rdb_last_load_keys_loaded:{n}\r\n")),
        "{info}"
    );
    assert!(info.contains("loading:0\r\n"));
}

#[test]
fn dump_and_restore_between_ferrodis_and_redis_both_ways() {
    let s = Server::start_with(SAME);
    let r = Redis::start_with(SAME);
    let (mut a, mut b) = (s.conn(), r.conn());
    let _: () = q(&mut b, &["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000"]);
    populate(&mut a);
    let ours = snapshot(&mut a);
    // ferrodis -> redis
    move_all(&mut a, &mut b);
    assert_same(&ours, &snapshot(&mut b));
    // redis -> ferrodis (after emptying ferrodis)
    let _: () = q(&mut a, &["FLUSHALL"]);
    move_all(&mut b, &mut a);
    assert_same(&ours, &snapshot(&mut a));
}

/// DUMPs every key of `from` and RESTOREs it (with its TTL) into `to`.
fn move_all(from: &mut redis::Connection, to: &mut redis::Connection) {
    for db in 0..16 {
        let _: () = q(from, &["SELECT", &db.to_string()]);
        let _: () = q(to, &["SELECT", &db.to_string()]);
        for k in bulks(cmd(from, &[b"KEYS", b"*"])) {
            let payload: Vec<u8> = redis::cmd("DUMP").arg(&k).query(from).unwrap();
            let pttl: i64 = redis::cmd("PTTL").arg(&k).query(from).unwrap();
            let ttl = pttl.max(0).to_string();
            let _: () = redis::cmd("RESTORE")
                .arg(&k)
                .arg(&ttl)
                .arg(&payload)
                .arg("REPLACE")
                .query(to)
                .unwrap_or_else(|e| panic!("RESTORE {}: {e}", String::from_utf8_lossy(&k)));
        }
    }
    let _: () = q(from, &["SELECT", "0"]);
    let _: () = q(to, &["SELECT", "0"]);
}

#[test]
fn restore_errors_match_redis() {
    let mut p = common::oracle::Pair::start();
    p.same(&["SET", "k", "v"]);
    let good: Vec<u8> = redis::cmd("DUMP")
        .arg("k")
        .query(&mut p.ours.conn())
        .unwrap();
    let g: &[u8] = &good;
    p.same_bytes(&[b"RESTORE", b"k", b"0", g]);
    p.same_bytes(&[b"RESTORE", b"k2", b"-1", g]);
    p.same_bytes(&[b"RESTORE", b"k2", b"abc", g]);
    p.same_bytes(&[b"RESTORE", b"k2", b"0", b"garbage-that-is-long-enough"]);
    p.same_bytes(&[b"RESTORE", b"k2", b"0", g, b"IDLETIME", b"-1"]);
    p.same_bytes(&[b"RESTORE", b"k2", b"0", g, b"FREQ", b"256"]);
    p.same_bytes(&[b"RESTORE", b"k2", b"0", g, b"FREQ", b"5", b"IDLETIME", b"5"]);
    p.same_bytes(&[b"RESTORE", b"k2", b"0", g, b"BOGUS"]);
    p.same_bytes(&[b"RESTORE", b"k2", b"0", g, b"IDLETIME", b"100"]);
    p.same(&["OBJECT", "IDLETIME", "k2"]);
    p.same_bytes(&[b"RESTORE", b"k", b"0", g, b"REPLACE", b"ABSTTL"]);
    // An absolute TTL in the past: OK, and the key is gone.
    p.same_bytes(&[b"RESTORE", b"k", b"1000", g, b"REPLACE", b"ABSTTL"]);
    p.same(&["EXISTS", "k"]);
    // A wrong version (12) with a valid checksum.
    let mut v12 = good[..good.len() - 10].to_vec();
    v12.extend_from_slice(&12u16.to_le_bytes());
    let crc = crc64(&v12);
    v12.extend_from_slice(&crc.to_le_bytes());
    p.same_bytes(&[b"RESTORE", b"k3", b"0", &v12]);
    // A valid footer around a bad value.
    let bad = with_footer(&[0u8, 0x80, 0xFF, 0xFF, 0xFF, 0xFF]);
    p.same_bytes(&[b"RESTORE", b"k3", b"0", &bad]);
    p.same(&["DUMP", "nosuchkey"]);
}

/// A listpack of short strings (6-bit string entries).
fn listpack(items: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    for it in items {
        body.push(0x80 | it.len() as u8);
        body.extend_from_slice(it);
        body.push(1 + it.len() as u8);
    }
    let mut lp = Vec::new();
    lp.extend_from_slice(&((6 + body.len() + 1) as u32).to_le_bytes());
    lp.extend_from_slice(&(items.len() as u16).to_le_bytes());
    lp.extend_from_slice(&body);
    lp.push(0xFF);
    lp
}

#[test]
fn restore_refuses_duplicate_members_always_and_unordered_zsets_when_sanitizing() {
    let s = Server::start();
    let mut c = s.conn();
    let zset = |items: &[&[u8]]| {
        let mut body = vec![17u8];
        body.extend(blob(&listpack(items)));
        with_footer(&body)
    };
    let restore = |c: &mut redis::Connection, p: &[u8]| -> String {
        match redis::cmd("RESTORE")
            .arg("z")
            .arg(0)
            .arg(p)
            .arg("REPLACE")
            .query::<()>(c)
        {
            Ok(()) => "OK".into(),
            Err(e) => e.to_string(),
        }
    };
    let dup = zset(&[b"a", b"1", b"a", b"2"]);
    let unordered = zset(&[b"b", b"2", b"a", b"1"]);
    let good = zset(&[b"a", b"1", b"b", b"2"]);
    for mode in ["no", "yes"] {
        let _: () = q(&mut c, &["CONFIG", "SET", "sanitize-dump-payload", mode]);
        assert!(restore(&mut c, &dup).contains("Bad data format"), "{mode}");
        assert_eq!(restore(&mut c, &good), "OK");
        let got = restore(&mut c, &unordered);
        if mode == "yes" {
            assert!(got.contains("Bad data format"), "{got}");
        } else {
            assert_eq!(got, "OK");
        }
    }
    // A duplicate set member and hash field too.
    let mut set = vec![20u8];
    set.extend(blob(&listpack(&[b"x", b"y", b"x"])));
    assert!(restore(&mut c, &with_footer(&set)).contains("Bad data format"));
    let mut hash = vec![16u8];
    hash.extend(blob(&listpack(&[b"f", b"1", b"f", b"2"])));
    assert!(restore(&mut c, &with_footer(&hash)).contains("Bad data format"));
    let _: String = q(&mut c, &["PING"]);
}

fn crc64(b: &[u8]) -> u64 {
    crc::Crc::<u64>::new(&crc::CRC_64_REDIS).checksum(b)
}

/// A value encoding plus RDB version 10 and its CRC64.
fn with_footer(body: &[u8]) -> Vec<u8> {
    let mut v = body.to_vec();
    v.extend_from_slice(&10u16.to_le_bytes());
    let crc = crc64(&v);
    v.extend_from_slice(&crc.to_le_bytes());
    v
}

// ---------------------------------------------------------------------
// Old-format fixtures, built by hand
// ---------------------------------------------------------------------

fn len(out: &mut Vec<u8>, n: usize) {
    if n < 64 {
        out.push(n as u8);
    } else if n < 16384 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

fn string(out: &mut Vec<u8>, s: &[u8]) {
    len(out, s.len());
    out.extend_from_slice(s);
}

/// A ziplist (Redis < 7.0's compact encoding) of `items`.
fn ziplist(items: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    let (mut prev, mut tail) = (0usize, 10usize);
    for it in items {
        let start = body.len();
        tail = 10 + start;
        if prev < 254 {
            body.push(prev as u8);
        } else {
            body.push(0xFE);
            body.extend_from_slice(&(prev as u32).to_le_bytes());
        }
        let int = std::str::from_utf8(it)
            .ok()
            .and_then(|s| s.parse::<i64>().ok());
        match int {
            Some(v) if (0..=12).contains(&v) => body.push(0xF1 + v as u8),
            Some(v) if i16::try_from(v).is_ok() => {
                body.push(0xC0);
                body.extend_from_slice(&(v as i16).to_le_bytes());
            }
            Some(v) => {
                body.push(0xE0);
                body.extend_from_slice(&v.to_le_bytes());
            }
            None if it.len() < 64 => {
                body.push(it.len() as u8);
                body.extend_from_slice(it);
            }
            None => {
                body.push(0x40 | (it.len() >> 8) as u8);
                body.push(it.len() as u8);
                body.extend_from_slice(it);
            }
        }
        prev = body.len() - start;
    }
    let total = 10 + body.len() + 1;
    let mut zl = Vec::new();
    zl.extend_from_slice(&(total as u32).to_le_bytes());
    zl.extend_from_slice(&(tail as u32).to_le_bytes());
    zl.extend_from_slice(&(items.len() as u16).to_le_bytes());
    zl.extend_from_slice(&body);
    zl.push(0xFF);
    zl
}

/// A zipmap (Redis < 2.6 small hashes), each value with one free byte.
fn zipmap(pairs: &[(&[u8], &[u8])]) -> Vec<u8> {
    let mut zm = vec![pairs.len() as u8];
    for (k, v) in pairs {
        zm.push(k.len() as u8);
        zm.extend_from_slice(k);
        zm.push(v.len() as u8);
        zm.push(1);
        zm.extend_from_slice(v);
        zm.push(0);
    }
    zm.push(0xFF);
    zm
}

/// An RDB file of `version` with one database of `entries` (type byte,
/// key, encoded value), an optional seconds expiry per entry.
fn rdb_file(version: u16, entries: &[(u8, &str, Vec<u8>, Option<u32>)]) -> Vec<u8> {
    let mut f = format!("REDIS{version:04}").into_bytes();
    f.push(0xFE);
    len(&mut f, 0);
    for (ty, key, val, exp) in entries {
        if let Some(s) = exp {
            f.push(0xFD);
            f.extend_from_slice(&s.to_le_bytes());
        }
        f.push(*ty);
        string(&mut f, key.as_bytes());
        f.extend_from_slice(val);
    }
    f.push(0xFF);
    if version >= 5 {
        let crc = crc64(&f);
        f.extend_from_slice(&crc.to_le_bytes());
    }
    f
}

fn blob(b: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    string(&mut v, b);
    v
}

fn old_entries() -> Vec<(u8, &'static str, Vec<u8>, Option<u32>)> {
    let far = 2_000_000_000u32;
    let long = "p".repeat(300);
    let mut quicklist = Vec::new();
    len(&mut quicklist, 2);
    quicklist.extend(blob(&ziplist(&[b"q1", b"2", b"q3"])));
    quicklist.extend(blob(&ziplist(&[b"q4", long.as_bytes()])));
    let mut plain_list = Vec::new();
    len(&mut plain_list, 3);
    for e in [b"x".as_slice(), b"10", b"zz"] {
        string(&mut plain_list, e);
    }
    let mut zset_v1 = Vec::new();
    len(&mut zset_v1, 3);
    for (m, s) in [("a", "1.5"), ("b", "-3")] {
        string(&mut zset_v1, m.as_bytes());
        zset_v1.push(s.len() as u8);
        zset_v1.extend_from_slice(s.as_bytes());
    }
    string(&mut zset_v1, b"top");
    zset_v1.push(254); // +inf
    let mut set = Vec::new();
    len(&mut set, 3);
    for m in [b"s1".as_slice(), b"s2", b"s3"] {
        string(&mut set, m);
    }
    let mut hash = Vec::new();
    len(&mut hash, 2);
    for s in [b"hf1".as_slice(), b"hv1", b"hf2", b"hv2"] {
        string(&mut hash, s);
    }
    vec![
        (0, "str", blob(b"old string"), None),
        (0, "str-exp", blob(b"keeps"), Some(far)),
        (0, "str-gone", blob(b"expired"), Some(1000)),
        (
            13,
            "hash-zl",
            blob(&ziplist(&[b"f1", b"v1", b"f2", b"22"])),
            None,
        ),
        (
            12,
            "zset-zl",
            blob(&ziplist(&[b"m0", b"-inf", b"m1", b"1.5", b"m2", b"3"])),
            None,
        ),
        (
            10,
            "list-zl",
            blob(&ziplist(&[b"a", b"b", b"100000", long.as_bytes()])),
            None,
        ),
        (
            9,
            "hash-zm",
            blob(&zipmap(&[(b"zf", b"zv"), (b"k2", b"value2")])),
            None,
        ),
        (14, "list-ql", quicklist, None),
        (1, "list-plain", plain_list, None),
        (3, "zset-v1", zset_v1, None),
        (2, "set-plain", set, None),
        (4, "hash-plain", hash, None),
    ]
}

#[test]
fn old_format_fixtures_load_like_redis_loads_them() {
    for version in [6u16, 9] {
        let d = Scratch::new("old");
        std::fs::write(d.file("dump.rdb"), rdb_file(version, &old_entries())).unwrap();
        let r = Redis::start_with(&args_with(&["--dir", d.s()]));
        let mut rc = r.conn();
        wait_loaded(&mut rc);
        let theirs = snapshot(&mut rc);
        assert_eq!(
            theirs.len(),
            11,
            "redis loaded {:?}",
            theirs
                .keys()
                .map(|k| String::from_utf8_lossy(&k.1).into_owned())
                .collect::<Vec<_>>()
        );
        let s = Server::start_with(&args_with(&["--dir", d.s()]));
        let mut c = s.conn();
        let ours = snapshot(&mut c);
        assert_same(&theirs, &ours);
        let info: String = q(&mut c, &["INFO", "persistence"]);
        assert!(info.contains("rdb_last_load_keys_expired:1\r\n"), "{info}");
        assert!(info.contains("rdb_last_load_keys_loaded:11\r\n"), "{info}");
    }
}

#[test]
fn version_11_listpack_sets_load() {
    let d = Scratch::new("v11");
    let mut lp = Vec::new();
    // A listpack of "a", "b", 7: header, entries with backlens, end.
    let entries: Vec<u8> = vec![0x81, b'a', 2, 0x81, b'b', 2, 7, 1];
    lp.extend_from_slice(&((6 + entries.len() + 1) as u32).to_le_bytes());
    lp.extend_from_slice(&3u16.to_le_bytes());
    lp.extend_from_slice(&entries);
    lp.push(0xFF);
    std::fs::write(
        d.file("dump.rdb"),
        rdb_file(11, &[(20, "lpset", blob(&lp), None)]),
    )
    .unwrap();
    let s = Server::start_with(&["--dir", d.s()]);
    let mut c = s.conn();
    let mut m: Vec<String> = q(&mut c, &["SMEMBERS", "lpset"]);
    m.sort();
    assert_eq!(m, ["7", "a", "b"]);
}

// ---------------------------------------------------------------------
// Refusing bad files
// ---------------------------------------------------------------------

/// Starts ferrodis on `dir` and expects it to refuse: exit status 1 (not a
/// signal) within the time limit, with the reason in its log.
fn expect_refusal(dir: &Scratch, want_in_log: &[&str]) -> String {
    let port = common::free_port();
    let log = dir.file("refuse.log");
    let _ = std::fs::remove_file(&log);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferrodis-server"))
        .args(["--port", &port.to_string(), "--save", "", "--dir", dir.s()])
        .args(["--logfile", log.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("ferrodis started on a bad file (or hung)");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(
        status.code(),
        Some(1),
        "exit status {status:?}, log:\n{text}"
    );
    assert!(
        want_in_log.iter().any(|w| text.contains(w)),
        "log lacks {want_in_log:?}:\n{text}"
    );
    text
}

fn saved_file() -> Vec<u8> {
    let d = Scratch::new("src");
    let s = Server::start_with(&args_with(&["--dir", d.s()]));
    let mut c = s.conn();
    populate(&mut c);
    let _: () = q(&mut c, &["SAVE"]);
    std::fs::read(d.file("dump.rdb")).unwrap()
}

#[test]
fn truncated_and_bit_flipped_files_are_refused_at_start_up() {
    let good = saved_file();
    let d = Scratch::new("bad");
    let mut rng = Rng(99);
    // Truncations, including inside the header and the CRC.
    for cut in [
        3,
        9,
        20,
        good.len() / 3,
        good.len() / 2,
        good.len() - 9,
        good.len() - 1,
    ] {
        std::fs::write(d.file("dump.rdb"), &good[..cut]).unwrap();
        let log = expect_refusal(
            &d,
            &["Internal error in RDB reading offset", "Wrong signature"],
        );
        assert!(
            log.contains("Terminating server") || log.contains("Wrong signature"),
            "{log}"
        );
    }
    // Bit flips anywhere: a parse error or the CRC catches each.
    for _ in 0..6 {
        let mut bad = good.clone();
        let at = rng.below(bad.len() as u64) as usize;
        bad[at] ^= 1 << rng.below(8);
        std::fs::write(d.file("dump.rdb"), &bad).unwrap();
        expect_refusal(
            &d,
            &["Internal error in RDB reading offset", "Wrong signature"],
        );
    }
    // A flip in a string's bytes is only visible to the checksum.
    let mut bad = good.clone();
    let at = find(&bad, b"hello world").unwrap();
    bad[at] ^= 1;
    std::fs::write(d.file("dump.rdb"), &bad).unwrap();
    let log = expect_refusal(&d, &["RDB CRC error"]);
    assert!(log.contains("Wrong RDB checksum"), "{log}");
    // Garbage.
    std::fs::write(d.file("dump.rdb"), b"this is not an rdb file at all").unwrap();
    expect_refusal(&d, &["Wrong signature"]);
    // A stream (type 15) names the type.
    std::fs::write(
        d.file("dump.rdb"),
        rdb_file(10, &[(15, "st", vec![0, 0, 0], None)]),
    )
    .unwrap();
    expect_refusal(&d, &["stream values (RDB type 15)"]);
    std::fs::write(
        d.file("dump.rdb"),
        rdb_file(10, &[(7, "mod", vec![0, 0, 0], None)]),
    )
    .unwrap();
    expect_refusal(&d, &["module values (RDB type 7)"]);
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------
// RESTORE corruption fuzzer
// ---------------------------------------------------------------------

/// One complete reply, or a failure that shows the server's log.
fn one_reply(raw: &mut common::Raw, s: &Server, what: &str) -> Vec<u8> {
    common::oracle::try_read_reply(raw)
        .unwrap_or_else(|| panic!("no complete reply to {what}\n{}", s.log()))
}

#[test]
fn restore_fuzzer_corrupt_payloads_never_crash_or_hang_the_server() {
    let s = Server::start_with(&args_with(&["--sanitize-dump-payload", "yes"]));
    let mut c = s.conn();
    // Small values of every type and encoding (the fuzzer's seeds).
    let _: () = q(&mut c, &["SET", "str", &"abc".repeat(30)]);
    let _: () = q(&mut c, &["SET", "int", "123456"]);
    let _: () = q(
        &mut c,
        &["RPUSH", "list", "a", "b", "1", "-5", &"q".repeat(70)],
    );
    let mut big = vec!["RPUSH".to_string(), "qlist".into()];
    big.extend((0..200).map(|i| format!("e{i}")));
    let big: Vec<&str> = big.iter().map(|s| s.as_str()).collect();
    let _: () = q(&mut c, &big);
    let _: () = q(&mut c, &["SADD", "iset", "1", "2", "300", "70000"]);
    let _: () = q(&mut c, &["SADD", "sset", "a", "b", "c"]);
    let _: () = q(&mut c, &["HSET", "hash", "f", "v", "g", "12"]);
    let _: () = q(&mut c, &["HSET", "hbig", "f", &"v".repeat(100)]);
    let _: () = q(&mut c, &["ZADD", "zset", "1", "a", "2.5", "b", "-inf", "c"]);
    let _: () = q(&mut c, &["ZADD", "zbig", "1", &"m".repeat(100), "2", "n"]);
    let seeds: Vec<Vec<u8>> = [
        "str", "int", "list", "qlist", "iset", "sset", "hash", "hbig", "zset", "zbig",
    ]
    .iter()
    .map(|k| redis::cmd("DUMP").arg(*k).query(&mut c).unwrap())
    .collect();
    let mut raw = s.raw();
    let mut rng = Rng(2024);
    let started = Instant::now();
    // 10,000 payloads with deep sanitization, then 10,000 with only the
    // default (structural) checks.
    let n = 20_000;
    let mut restored = 0;
    for i in 0..n {
        if i == n / 2 {
            let _: () = q(&mut c, &["CONFIG", "SET", "sanitize-dump-payload", "no"]);
        }
        let seed = &seeds[i % seeds.len()];
        let mut body = seed[..seed.len() - 10].to_vec();
        match rng.below(4) {
            0 => {
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(body.len() as u64) as usize;
                    body[at] = rng.below(256) as u8;
                }
            }
            1 => {
                let at = rng.below(body.len() as u64) as usize;
                body[at] ^= 1 << rng.below(8);
            }
            2 => body.truncate(rng.below(body.len() as u64) as usize),
            _ => {
                let at = rng.below(body.len() as u64 + 1) as usize;
                let junk: Vec<u8> = (0..1 + rng.below(8))
                    .map(|_| rng.below(256) as u8)
                    .collect();
                body.splice(at..at, junk);
            }
        }
        // Half with a valid footer (so the decoder sees the damage), half
        // with the original (so the checksum refuses it).
        let payload = if i % 2 == 0 {
            with_footer(&body)
        } else {
            let mut p = body.clone();
            p.extend_from_slice(&seed[seed.len() - 10..]);
            p
        };
        raw.send(&resp(&[b"RESTORE", b"fuzz", b"0", &payload, b"REPLACE"]));
        let reply = one_reply(&mut raw, &s, &format!("payload #{i} {payload:?}"));
        if reply.starts_with(b"+OK") {
            restored += 1;
            // Use what was accepted: every read path of every type.
            for cmd in [
                &[b"TYPE".as_slice(), b"fuzz"][..],
                &[b"OBJECT", b"ENCODING", b"fuzz"],
                &[b"GET", b"fuzz"],
                &[b"LRANGE", b"fuzz", b"0", b"-1"],
                &[b"LINDEX", b"fuzz", b"-1"],
                &[b"SMEMBERS", b"fuzz"],
                &[b"SISMEMBER", b"fuzz", b"a"],
                &[b"HGETALL", b"fuzz"],
                &[b"HGET", b"fuzz", b"f"],
                &[b"ZRANGE", b"fuzz", b"0", b"-1", b"WITHSCORES"],
                &[b"ZSCORE", b"fuzz", b"a"],
                &[b"DUMP", b"fuzz"],
            ] {
                raw.send(&resp(cmd));
                one_reply(
                    &mut raw,
                    &s,
                    &format!("{cmd:?} after payload #{i} {payload:?}"),
                );
            }
        }
    }
    raw.send(b"PING\r\n");
    assert_eq!(one_reply(&mut raw, &s, "PING"), b"+PONG\r\n");
    assert!(
        restored > 0,
        "no corrupted payload was accepted at all: the fuzzer tests nothing"
    );
    assert!(started.elapsed() < Duration::from_secs(120));
    let mut s = s;
    assert!(s.alive());
}

// ---------------------------------------------------------------------
// Restarts
// ---------------------------------------------------------------------

#[test]
fn kill_9_after_save_loses_nothing() {
    let d = Scratch::new("kill");
    let mut s = Server::start_with(&args_with(&["--dir", d.s()]));
    let mut c = s.conn();
    populate(&mut c);
    let before = snapshot(&mut c);
    let _: () = q(&mut c, &["SAVE"]);
    // A second save replaces the file (the old one is closed by bio).
    let _: () = q(&mut c, &["SAVE"]);
    s.child.kill().unwrap(); // SIGKILL
    s.child.wait().unwrap();
    assert!(!d.file(&format!("temp-{}.rdb", s.child.id())).exists());
    let s2 = Server::start_with(&args_with(&["--dir", d.s()]));
    let mut c2 = s2.conn();
    assert_same(&before, &snapshot(&mut c2));
}

#[test]
fn shutdown_save_nosave_and_save_points() {
    let d = Scratch::new("shut");
    let start = |save: &str| {
        let port = common::free_port();
        let args: Vec<String> = [
            "--port",
            &port.to_string(),
            "--save",
            save,
            "--dir",
            d.s(),
            "--logfile",
            d.file("s.log").to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        Server::spawn(
            port,
            std::env::temp_dir().join(format!("ferrodis-unused-{port}")),
            &args,
        )
    };
    let shutdown = |s: &mut Server, args: &[&str]| {
        let _ = common::cmd_of(args).query::<()>(&mut s.conn());
        let deadline = Instant::now() + Duration::from_secs(10);
        while s.alive() {
            assert!(
                Instant::now() < deadline,
                "SHUTDOWN did not stop the server"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    // SHUTDOWN SAVE without save points.
    let mut s = start("");
    let _: () = q(&mut s.conn(), &["SET", "a", "1"]);
    shutdown(&mut s, &["SHUTDOWN", "SAVE"]);
    let mut s = start("");
    let v: Option<String> = q(&mut s.conn(), &["GET", "a"]);
    assert_eq!(v.as_deref(), Some("1"));
    // Plain SHUTDOWN without save points: nothing saved.
    let _: () = q(&mut s.conn(), &["SET", "a", "2"]);
    shutdown(&mut s, &["SHUTDOWN"]);
    let mut s = start("3600 1");
    let v: Option<String> = q(&mut s.conn(), &["GET", "a"]);
    assert_eq!(v.as_deref(), Some("1"));
    // With save points plain SHUTDOWN saves, NOSAVE does not.
    let _: () = q(&mut s.conn(), &["SET", "a", "3"]);
    shutdown(&mut s, &["SHUTDOWN"]);
    let mut s = start("3600 1");
    let v: Option<String> = q(&mut s.conn(), &["GET", "a"]);
    assert_eq!(v.as_deref(), Some("3"));
    let _: () = q(&mut s.conn(), &["SET", "a", "4"]);
    shutdown(&mut s, &["SHUTDOWN", "NOSAVE"]);
    // SIGTERM with save points saves too.
    let mut s = start("3600 1");
    let v: Option<String> = q(&mut s.conn(), &["GET", "a"]);
    assert_eq!(v.as_deref(), Some("3"));
    let _: () = q(&mut s.conn(), &["SET", "a", "5"]);
    let pid = s.child.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while s.alive() {
        assert!(Instant::now() < deadline, "SIGTERM did not stop the server");
        std::thread::sleep(Duration::from_millis(10));
    }
    let s = start("");
    let v: Option<String> = q(&mut s.conn(), &["GET", "a"]);
    assert_eq!(v.as_deref(), Some("5"));
    let log = std::fs::read_to_string(d.file("s.log")).unwrap();
    assert!(
        log.contains("Saving the final RDB snapshot before exiting."),
        "{log}"
    );
    assert!(log.contains("DB saved on disk"), "{log}");
}

#[test]
fn debug_reload_keeps_the_data_and_expired_keys_are_not_loaded() {
    let d = Scratch::new("reload");
    let s = Server::start_with(&args_with(&["--dir", d.s()]));
    let mut c = s.conn();
    populate(&mut c);
    let before = snapshot(&mut c);
    let _: () = q(&mut c, &["DEBUG", "RELOAD"]);
    assert_same(&before, &snapshot(&mut c));
    // A key that expires between SAVE and the load is skipped and counted.
    let _: () = q(&mut c, &["DEBUG", "SET-ACTIVE-EXPIRE", "0"]);
    let _: () = q(&mut c, &["SET", "short", "x", "PX", "50"]);
    let _: () = q(&mut c, &["SAVE"]);
    std::thread::sleep(Duration::from_millis(100));
    let _: () = q(&mut c, &["DEBUG", "RELOAD", "NOSAVE"]);
    let info: String = q(&mut c, &["INFO", "persistence"]);
    assert!(info.contains("rdb_last_load_keys_expired:1\r\n"), "{info}");
    let e: i64 = q(&mut c, &["EXISTS", "short"]);
    assert_eq!(e, 0);
    assert_same(&before, &snapshot(&mut c));
}

#[test]
fn debug_object_serializedlength_is_the_rdb_encoding_length_as_in_redis() {
    let args = args_with(&["--rdbcompression", "no"]);
    let s = Server::start_with(&args);
    let r = Redis::start_with(&args);
    let serlen = |c: &mut redis::Connection, k: &str| -> String {
        let line: String = q(c, &["DEBUG", "OBJECT", k]);
        line.split(' ')
            .find_map(|w| w.strip_prefix("serializedlength:"))
            .unwrap()
            .to_string()
    };
    for c in [&mut s.conn(), &mut r.conn()] {
        let _: () = q(c, &["SET", "int", "70000"]);
        let _: () = q(c, &["SET", "str", &"x".repeat(100)]);
        let _: () = q(c, &["HSET", "h", "f", "v", "n", "5"]);
        let _: () = q(c, &["ZADD", "z", "1.5", "a", "2", "b"]);
        let _: () = q(c, &["SADD", "iset", "1", "2", "300"]);
        let _: () = q(c, &["RPUSH", "l", "a", "b", "300"]);
    }
    let (mut a, mut b) = (s.conn(), r.conn());
    for k in ["int", "str", "h", "z", "iset", "l"] {
        assert_eq!(
            serlen(&mut a, k),
            serlen(&mut b, k),
            "serializedlength of {k}"
        );
    }
}
