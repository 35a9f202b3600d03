//! Bitmap commands (SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD
//! BITFIELD_RO) against redis-server 7.0: every reply and the stored bytes
//! of every key compared byte for byte over seeded random sequences, the
//! errors and the limits.

mod common;
mod oracle_pipe;

use common::Rng;
use oracle_pipe::{Both, cmd};

const KEYS: &[&str] = &["b0", "b1", "b2", "b3"];

fn key(rng: &mut Rng) -> &'static str {
    KEYS[rng.below(KEYS.len() as u64) as usize]
}

/// An offset: mostly small, sometimes far (growth), sometimes invalid.
fn offset(rng: &mut Rng) -> String {
    match rng.below(20) {
        0 => "-1".into(),
        1 => "abc".into(),
        2 => rng.range(0, 70_000).to_string(),
        _ => rng.range(0, 700).to_string(),
    }
}

/// An index for BITCOUNT/BITPOS ranges.
fn index(rng: &mut Rng) -> String {
    match rng.below(12) {
        0 => "x".into(),
        1 => rng.range(-1000, 1000).to_string(),
        _ => rng.range(-30, 120).to_string(),
    }
}

fn unit(rng: &mut Rng) -> &'static str {
    ["BYTE", "BIT", "bit", "byte", "bits"][rng.below(5) as usize]
}

fn field_type(rng: &mut Rng) -> String {
    match rng.below(30) {
        0 => "u64".into(),
        1 => "i65".into(),
        2 => "x8".into(),
        3 => "i0".into(),
        _ => {
            let s = if rng.below(2) == 0 { "i" } else { "u" };
            let max = if s == "i" { 64 } else { 63 };
            let bits = if rng.below(3) == 0 {
                rng.range(1, max)
            } else {
                [1, 4, 8, 16, 32, max][rng.below(6) as usize]
            };
            format!("{s}{bits}")
        }
    }
}

fn field_value(rng: &mut Rng) -> String {
    match rng.below(10) {
        0 => i64::MAX.to_string(),
        1 => i64::MIN.to_string(),
        2 => "1.5".into(),
        3 => rng.range(-300, 300).to_string(),
        4 => (rng.next() as i64).to_string(),
        _ => rng.range(-20, 20).to_string(),
    }
}

fn field_offset(rng: &mut Rng) -> String {
    if rng.below(4) == 0 {
        format!("#{}", rng.range(0, 40))
    } else {
        rng.range(0, 300).to_string()
    }
}

/// A random BITFIELD argument list (after the key), occasionally malformed.
fn bitfield_ops(rng: &mut Rng, ro: bool) -> Vec<String> {
    let mut v = Vec::new();
    for _ in 0..rng.range(0, 5) {
        match rng.below(if ro { 2 } else { 5 }) {
            0 | 1 => v.extend(["GET".into(), field_type(rng), field_offset(rng)]),
            2 => v.extend([
                "OVERFLOW".into(),
                ["WRAP", "SAT", "FAIL", "fail", "nope"][rng.below(5) as usize].into(),
            ]),
            3 => v.extend([
                "SET".into(),
                field_type(rng),
                field_offset(rng),
                field_value(rng),
            ]),
            _ => v.extend([
                "INCRBY".into(),
                field_type(rng),
                field_offset(rng),
                field_value(rng),
            ]),
        }
    }
    if rng.below(25) == 0 {
        v.push("GET".into());
    }
    v
}

/// One random bitmap (or string) command.
fn random_command(rng: &mut Rng) -> Vec<String> {
    let k = key(rng).to_string();
    let s = |x: &str| x.to_string();
    match rng.below(16) {
        0..=3 => vec![
            s("SETBIT"),
            k,
            offset(rng),
            s(["0", "1", "1", "2"][rng.below(4) as usize]),
        ],
        4 => vec![s("GETBIT"), k, offset(rng)],
        5 => match rng.below(4) {
            0 => vec![s("BITCOUNT"), k],
            1 => vec![s("BITCOUNT"), k, index(rng), index(rng)],
            2 => vec![s("BITCOUNT"), k, index(rng), index(rng), s(unit(rng))],
            _ => vec![s("BITCOUNT"), k, index(rng)],
        },
        6 => {
            let bit = s(["0", "1", "1", "0", "2"][rng.below(5) as usize]);
            match rng.below(5) {
                0 => vec![s("BITPOS"), k, bit],
                1 => vec![s("BITPOS"), k, bit, index(rng)],
                2 => vec![s("BITPOS"), k, bit, index(rng), index(rng)],
                3 => vec![s("BITPOS"), k, bit, index(rng), index(rng), s(unit(rng))],
                _ => vec![
                    s("BITPOS"),
                    k,
                    bit,
                    index(rng),
                    index(rng),
                    s("BIT"),
                    s("x"),
                ],
            }
        }
        7 | 8 => {
            let op = ["AND", "OR", "XOR", "NOT", "and", "nand"][rng.below(6) as usize];
            let mut v = vec![s("BITOP"), s(op), key(rng).to_string()];
            let n = if op == "NOT" && rng.below(4) != 0 {
                1
            } else {
                rng.range(1, 4)
            };
            for _ in 0..n {
                v.push(if rng.below(8) == 0 {
                    s("missing")
                } else {
                    key(rng).to_string()
                });
            }
            v
        }
        9 | 10 => {
            let mut v = vec![s("BITFIELD"), k];
            v.extend(bitfield_ops(rng, false));
            v
        }
        11 => {
            let mut v = vec![s("BITFIELD_RO"), k];
            let ro = rng.below(4) != 0;
            v.extend(bitfield_ops(rng, ro));
            v
        }
        12 => match rng.below(4) {
            // Int-encoded, embstr and raw strings become bitmaps.
            0 => vec![s("SET"), k, rng.range(-99999, 99999).to_string()],
            1 => vec![s("SET"), k, s("foobar")],
            2 => vec![s("APPEND"), k, s("xyz")],
            _ => vec![s("SET"), k, "q".repeat(rng.range(40, 60) as usize)],
        },
        13 => vec![s("DEL"), k],
        14 => vec![s("OBJECT"), s("ENCODING"), k],
        _ => vec![s("LPUSH"), s("list"), s("x")],
    }
}

#[test]
fn random_bitmap_sequences_match_redis_replies_and_bytes() {
    let mut both = Both::start();
    let mut rng = Rng(0x5eed_b175);
    // Wrong-type paths: a list under one of the names used as a source.
    both.same(&["LPUSH", "list", "x"]);
    for round in 0..60 {
        let batch: Vec<Vec<Vec<u8>>> = (0..50)
            .map(|_| {
                let mut c = random_command(&mut rng);
                if rng.below(30) == 0 {
                    // WRONGTYPE on the list.
                    c[1] = "list".into();
                    if c[0] == "BITOP" {
                        c[2] = "list".into();
                    }
                }
                c.into_iter().map(String::into_bytes).collect()
            })
            .collect();
        both.same_all(&batch);
        let mut keys = KEYS.to_vec();
        keys.push("missing");
        both.same_values(&keys);
        if round % 10 == 0 {
            for k in KEYS {
                both.same(&["OBJECT", "ENCODING", k]);
            }
        }
    }
}

#[test]
fn bitmap_errors_match_redis() {
    let mut both = Both::start();
    both.same(&["SET", "s", "foobar"]);
    both.same(&["LPUSH", "l", "a"]);
    let cases: &[&[&str]] = &[
        &["SETBIT", "s", "-1", "1"],
        &["SETBIT", "s", "x", "1"],
        &["SETBIT", "s", "4294967296", "1"],
        &["SETBIT", "s", "1", "2"],
        &["SETBIT", "s", "1", "-1"],
        &["SETBIT", "s", "1", "x"],
        &["SETBIT", "l", "1", "1"],
        &["SETBIT", "s", "1"],
        &["GETBIT", "s", "-1"],
        &["GETBIT", "nokey", "x"],
        &["GETBIT", "s", "4294967296"],
        &["GETBIT", "s", "4294967295"],
        &["GETBIT", "l", "0"],
        &["BITCOUNT", "s", "1"],
        &["BITCOUNT", "s", "0", "1", "foo"],
        &["BITCOUNT", "s", "-1", "-2", "foo"],
        &["BITCOUNT", "s", "a", "b"],
        &["BITCOUNT", "s", "0", "1", "bit", "x"],
        &["BITCOUNT", "nokey", "a", "b"],
        &["BITCOUNT", "nokey", "1"],
        &["BITCOUNT", "l"],
        &["BITCOUNT", "s", "0", "9223372036854775807", "bit"],
        &["BITCOUNT", "s", "-9223372036854775808", "-1", "bit"],
        &["BITPOS", "s", "2"],
        &["BITPOS", "s", "x"],
        &["BITPOS", "nokey", "1", "x"],
        &["BITPOS", "nokey", "0"],
        &["BITPOS", "s", "1", "0", "-1", "foo"],
        &["BITPOS", "s", "1", "a"],
        &["BITPOS", "s", "1", "0", "b"],
        &["BITPOS", "s", "0", "0", "-1", "bit"],
        &["BITPOS", "s", "1", "0", "1", "bit", "x"],
        &["BITPOS", "l", "1"],
        &["BITOP", "NOT", "d", "s", "s"],
        &["BITOP", "NOT", "d"],
        &["BITOP", "FOO", "d", "s"],
        &["BITOP", "AND", "d", "s", "l"],
        &["BITOP", "OR", "l", "s"],
        &["TYPE", "l"],
        &["BITFIELD", "s", "GET", "i65", "0"],
        &["BITFIELD", "s", "GET", "u64", "0"],
        &["BITFIELD", "s", "GET", "i0", "0"],
        &["BITFIELD", "s", "GET", "", "0"],
        &["BITFIELD", "s", "GET", "u8", "-1"],
        &["BITFIELD", "s", "GET", "u8", "#-1"],
        &["BITFIELD", "s", "GET", "u8", "#x"],
        &["BITFIELD", "s", "GET", "u8", "#"],
        &["BITFIELD", "s", "GET", "u8", "#536870912"],
        &["BITFIELD", "s", "GET", "u8", "#536870911"],
        &["BITFIELD", "s", "GET", "i64", "#1152921504606846976"],
        &["BITFIELD", "s", "GET", "u8"],
        &["BITFIELD", "s", "SET", "u8", "0"],
        &["BITFIELD", "s", "SET", "u8", "0", "x"],
        &["BITFIELD", "s", "INCRBY", "u8", "0", "1.0"],
        &["BITFIELD", "s", "OVERFLOW", "foo"],
        &["BITFIELD", "s", "OVERFLOW"],
        &["BITFIELD", "s", "FOO"],
        &["BITFIELD", "l", "GET", "u8", "0"],
        &["BITFIELD", "l"],
        &["BITFIELD", "nokey"],
        &["BITFIELD_RO", "s", "SET", "u8", "0", "1"],
        &["BITFIELD_RO", "s", "INCRBY", "u8", "0", "1"],
        &["BITFIELD_RO", "s", "GET", "u8", "0", "OVERFLOW", "SAT"],
        &["BITFIELD_RO", "l", "GET", "u8", "0"],
        &["BITFIELD_RO", "nokey", "GET", "i64", "100"],
        &["EXISTS", "nokey"],
        &["GET", "s"],
    ];
    for c in cases {
        both.same(c);
    }
}

/// `proto-max-bulk-len` bounds the offsets: with 1 MB the last addressable
/// bit is 8388607, and growth up to it is zero-filled.
#[test]
fn bit_offsets_are_limited_by_proto_max_bulk_len() {
    let mut both = Both::start_with(&["--proto-max-bulk-len", "1mb"]);
    for c in [
        &["SETBIT", "k", "8388608", "1"][..],
        &["SETBIT", "k", "8388607", "1"],
        &["STRLEN", "k"],
        &["BITCOUNT", "k"],
        &["BITPOS", "k", "1"],
        &["BITFIELD", "k", "SET", "u8", "8388600", "255"],
        &["BITFIELD", "k", "SET", "u8", "8388601", "255"],
        &["BITFIELD", "k2", "SET", "i64", "#131071", "-1"],
        &["BITFIELD", "k2", "SET", "i64", "#131072", "-1"],
        &["STRLEN", "k2"],
        &["GETBIT", "k", "8388608"],
    ] {
        both.same(c);
    }
    both.same_values(&["k", "k2"]);
}

/// SETBIT turns an int-encoded or embstr value into raw bytes, as Redis's
/// dbUnshareStringValue does; BITOP's result is raw.
#[test]
fn bit_writes_leave_raw_encoding_like_redis() {
    let mut both = Both::start();
    for c in [
        &["SET", "n", "12345"][..],
        &["OBJECT", "ENCODING", "n"],
        &["GETBIT", "n", "2"],
        &["BITCOUNT", "n"],
        &["SETBIT", "n", "7", "0"],
        &["OBJECT", "ENCODING", "n"],
        &["GET", "n"],
        &["SET", "e", "ab"],
        &["BITFIELD", "e", "GET", "u8", "0"],
        &["OBJECT", "ENCODING", "e"],
        &["BITFIELD", "e", "INCRBY", "u8", "0", "1"],
        &["OBJECT", "ENCODING", "e"],
        &["BITOP", "AND", "d", "n", "e"],
        &["OBJECT", "ENCODING", "d"],
        &["SETBIT", "new", "3", "1"],
        &["OBJECT", "ENCODING", "new"],
        &["SET", "t", "x", "EX", "100"],
        &["BITOP", "OR", "t", "n"],
        &["TTL", "t"],
        &["BITOP", "OR", "t", "nokey"],
        &["EXISTS", "t"],
    ] {
        both.same(c);
    }
}

/// BITCOUNT, BITPOS and BITOP over strings of a megabyte and more, with
/// ranges that cut bytes and words anywhere.
#[test]
fn big_strings_count_and_combine_like_redis() {
    let mut both = Both::start();
    let mut rng = Rng(0xb16_b175);
    let mk = |rng: &mut Rng, n: usize, density: u64| -> Vec<u8> {
        (0..n)
            .map(|_| {
                let mut b = 0u8;
                for i in 0..8 {
                    if rng.below(100) < density {
                        b |= 1 << i;
                    }
                }
                b
            })
            .collect()
    };
    let a = mk(&mut rng, 1 << 20, 50);
    let b = mk(&mut rng, (1 << 20) + 13, 3);
    let c = mk(&mut rng, 100_003, 97);
    both.same_bytes(&[b"SET", b"a", &a]);
    both.same_bytes(&[b"SET", b"b", &b]);
    both.same_bytes(&[b"SET", b"c", &c]);
    // A long run of zeros then ones, for BITPOS's skipping.
    let mut z = vec![0u8; 300_000];
    z.extend(vec![0xffu8; 300_000]);
    z.push(0x7f);
    both.same_bytes(&[b"SET", b"z", &z]);
    let mut cmds = Vec::new();
    for k in ["a", "b", "c", "z"] {
        cmds.push(cmd(&[b"BITCOUNT", k.as_bytes()]));
        cmds.push(cmd(&[b"BITPOS", k.as_bytes(), b"1"]));
        cmds.push(cmd(&[b"BITPOS", k.as_bytes(), b"0"]));
        for _ in 0..40 {
            let bit = rng.below(2) == 1;
            let len = if k == "z" { 600_001i64 } else { 1 << 20 };
            let (s, e) = (rng.range(-len * 8, len * 8), rng.range(-len * 8, len * 8));
            let (s, e) = (s.to_string(), e.to_string());
            let (sb, eb) = (
                (s.parse::<i64>().unwrap() / 8).to_string(),
                (e.parse::<i64>().unwrap() / 8).to_string(),
            );
            let bit = if bit { "1" } else { "0" };
            cmds.push(cmd(&[
                b"BITCOUNT",
                k.as_bytes(),
                s.as_bytes(),
                e.as_bytes(),
                b"BIT",
            ]));
            cmds.push(cmd(&[
                b"BITCOUNT",
                k.as_bytes(),
                sb.as_bytes(),
                eb.as_bytes(),
            ]));
            cmds.push(cmd(&[
                b"BITPOS",
                k.as_bytes(),
                bit.as_bytes(),
                s.as_bytes(),
                e.as_bytes(),
                b"BIT",
            ]));
            cmds.push(cmd(&[
                b"BITPOS",
                k.as_bytes(),
                bit.as_bytes(),
                sb.as_bytes(),
                eb.as_bytes(),
            ]));
            cmds.push(cmd(&[
                b"BITPOS",
                k.as_bytes(),
                bit.as_bytes(),
                sb.as_bytes(),
            ]));
        }
    }
    for op in ["AND", "OR", "XOR"] {
        cmds.push(cmd(&[
            b"BITOP",
            op.as_bytes(),
            b"d",
            b"a",
            b"b",
            b"c",
            b"z",
        ]));
        cmds.push(cmd(&[b"BITCOUNT", b"d"]));
        cmds.push(cmd(&[b"BITOP", op.as_bytes(), b"a2", b"a", b"c"]));
    }
    cmds.push(cmd(&[b"BITOP", b"NOT", b"n", b"b"]));
    cmds.push(cmd(&[b"BITOP", b"AND", b"a", b"a", b"z"]));
    both.same_all(&cmds);
    both.same_values(&["d", "a2", "n", "a"]);
}
