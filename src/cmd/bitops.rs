//! Bitmap commands on strings (bitops.c): SETBIT GETBIT BITCOUNT BITPOS
//! BITOP BITFIELD BITFIELD_RO.
//!
//! Threads: main thread only, like every command.
//!
//! Bits are numbered as Redis numbers them: bit 0 is the most significant
//! bit of byte 0. A write past the end grows the string zero-filled, and a
//! string written through these commands becomes `raw` (Redis's
//! dbUnshareStringValue; an int-encoded value is turned into its decimal
//! bytes first). Reads of an int-encoded value see its decimal text
//! (getObjectReadOnlyString).
//!
//! Offsets are limited by `proto-max-bulk-len` (512 MB by default), as in
//! getBitOffsetFromArgument. Argument checks, key lookups and the order in
//! which errors win follow Redis 7.0.15 (BITCOUNT and BITPOS look the key up
//! before parsing their range; a missing key answers before any range
//! error).
//!
//! Counting and BITOP work a machine word at a time: BITCOUNT sums
//! `u64::count_ones` over 8-byte chunks (LLVM vectorises the sum), BITOP
//! combines each source into the result in place, eight bytes per step.
//!
//! Not done: keyspace notifications (ferrodis has none yet).

use crate::cmd::command_meta::kflags;
use crate::cmd::getkeys::KeyRef;
use crate::cmd::string::{SYNTAX, WRONGTYPE};
use crate::cmd::{Command, flags::*};
use crate::db::{Entry, Str, Value};
use crate::ds::sds::string2ll;
use crate::net::client::{Args, Client};
use crate::net::reply::Reply;
use crate::server::Server;

pub const COMMANDS: &[Command] = &[
    crate::cmd!(
        "setbit",
        setbit_command,
        4,
        WRITE | DENYOOM,
        1,
        1,
        1,
        "bitmap",
        "Sets or clears the bit at offset in the string value stored at key",
        "2.2.0"
    ),
    crate::cmd!(
        "getbit",
        getbit_command,
        3,
        READONLY | FAST,
        1,
        1,
        1,
        "bitmap",
        "Returns the bit value at offset in the string value stored at key",
        "2.2.0"
    ),
    crate::cmd!(
        "bitcount",
        bitcount_command,
        -2,
        READONLY,
        1,
        1,
        1,
        "bitmap",
        "Count set bits in a string",
        "2.6.0"
    ),
    crate::cmd!(
        "bitpos",
        bitpos_command,
        -3,
        READONLY,
        1,
        1,
        1,
        "bitmap",
        "Find first bit set or clear in a string",
        "2.8.7"
    ),
    crate::cmd!(
        "bitop",
        bitop_command,
        -4,
        WRITE | DENYOOM,
        2,
        -1,
        1,
        "bitmap",
        "Perform bitwise operations between strings",
        "2.6.0"
    ),
    crate::cmd!(
        "bitfield",
        bitfield_command,
        -2,
        WRITE | DENYOOM,
        1,
        1,
        1,
        "bitmap",
        "Perform arbitrary bitfield integer operations on strings",
        "3.2.0"
    ),
    crate::cmd!(
        "bitfield_ro",
        bitfield_ro_command,
        -2,
        READONLY | FAST,
        1,
        1,
        1,
        "bitmap",
        "Perform arbitrary bitfield integer operations on strings. Read-only variant of BITFIELD",
        "6.0.0"
    ),
];

const NOT_INT: &str = "ERR value is not an integer or out of range";
const BAD_OFFSET: &str = "ERR bit offset is not an integer or out of range";
const BAD_BIT: &str = "ERR bit is not an integer or out of range";
const BAD_TYPE: &str = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

/// getBitOffsetFromArgument: a bit offset, or with `#` and a field width
/// (BITFIELD) a field index scaled by the width. Offsets whose byte lies at
/// or past `proto-max-bulk-len` are refused.
fn bit_offset(srv: &Server, arg: &[u8], width: Option<u32>) -> Result<u64, &'static str> {
    let (digits, scale) = match (arg.first(), width) {
        (Some(b'#'), Some(w)) => (&arg[1..], w as i64),
        _ => (arg, 1),
    };
    let v = string2ll(digits).ok_or(BAD_OFFSET)?;
    // Redis multiplies in C's long long; the product wraps there too.
    let v = v.wrapping_mul(scale);
    if v < 0 || (v as u64 >> 3) >= srv.cfg.proto_max_bulk_len {
        return Err(BAD_OFFSET);
    }
    Ok(v as u64)
}

/// lookupStringForBitCommand: the key's string as raw bytes, grown
/// zero-filled to hold bit `maxbit`; a missing key is created. Err(()) when
/// the key holds another type (the caller replies WRONGTYPE). The bool says
/// whether the key was created or grew.
fn string_for_write<'a>(
    srv: &'a mut Server,
    db: usize,
    key: &[u8],
    maxbit: u64,
) -> Result<(&'a mut Vec<u8>, bool), ()> {
    let need = (maxbit >> 3) as usize + 1;
    let created = match srv.lookup_write(db, key) {
        None => true,
        Some(Value::Str(_)) => false,
        Some(_) => return Err(()),
    };
    if created {
        srv.db_add(db, key, Value::Str(Str::Raw(vec![0; need])));
    }
    // A second probe: returning the first lookup's borrow from one branch
    // only is beyond today's borrow checker.
    let Some(Entry {
        val: Value::Str(s), ..
    }) = srv.dbs[db].dict.get_mut(key)
    else {
        unreachable!("the key was just found or added as a string");
    };
    let v = s.make_raw();
    let grew = v.len() < need;
    if grew {
        v.resize(need, 0);
    }
    Ok((v, created || grew))
}

/// SETBIT key offset value: the bit's previous value.
pub fn setbit_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let offset = match bit_offset(srv, &a[2], None) {
        Ok(o) => o,
        Err(e) => return c.add_error(e),
    };
    let on = match string2ll(&a[3]) {
        Some(v @ (0 | 1)) => v as u8,
        _ => return c.add_error(BAD_BIT),
    };
    let db = c.db;
    let Ok((v, grew)) = string_for_write(srv, db, &a[1], offset) else {
        return c.add_error(WRONGTYPE);
    };
    let byte = (offset >> 3) as usize;
    let shift = 7 - (offset & 7) as u8;
    let old = (v[byte] >> shift) & 1;
    if grew || old != on {
        v[byte] = (v[byte] & !(1 << shift)) | (on << shift);
        srv.signal_modified_key(db, &a[1]);
        srv.dirty += 1;
    }
    c.add_int(old as i64);
}

/// GETBIT key offset: 0 past the end and for a missing key.
pub fn getbit_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let offset = match bit_offset(srv, &a[2], None) {
        Ok(o) => o,
        Err(e) => return c.add_error(e),
    };
    let bit = match srv.lookup_read(c.db, &a[1]) {
        None => 0,
        Some(Value::Str(s)) => {
            let mut t = itoa::Buffer::new();
            let b = s.bytes(&mut t);
            match b.get((offset >> 3) as usize) {
                Some(&byte) => (byte >> (7 - (offset & 7))) & 1,
                None => 0,
            }
        }
        Some(_) => return c.add_error(WRONGTYPE),
    };
    c.add_int(bit as i64);
}

/// The set bits of `b`, eight bytes at a time.
pub fn popcount(b: &[u8]) -> u64 {
    let chunks = b.chunks_exact(8);
    let tail: u64 = chunks
        .remainder()
        .iter()
        .map(|&x| x.count_ones() as u64)
        .sum();
    chunks
        .map(|w| u64::from_ne_bytes(w.try_into().expect("8-byte chunk")).count_ones() as u64)
        .sum::<u64>()
        + tail
}

/// A BITCOUNT/BITPOS range in bits, inclusive, after Redis's index
/// normalisation; None when empty.
fn bit_range(len: usize, start: i64, end: i64, isbit: bool) -> Option<(u64, u64)> {
    let totlen = if isbit { (len as i64) << 3 } else { len as i64 };
    let norm = |x: i64| if x < 0 { (totlen + x).max(0) } else { x };
    let start = norm(start);
    let end = norm(end).min(totlen - 1);
    if start > end {
        return None;
    }
    Some(if isbit {
        (start as u64, end as u64)
    } else {
        (start as u64 * 8, end as u64 * 8 + 7)
    })
}

/// The number of set bits in bits `[sb, eb]` of `b` (all inside `b`).
fn count_bits(b: &[u8], sb: u64, eb: u64) -> u64 {
    let (first, last) = ((sb >> 3) as usize, (eb >> 3) as usize);
    let mut n = popcount(&b[first..=last]);
    // Bits of the edge bytes outside the range.
    n -= (b[first] & !(0xffu8 >> (sb & 7))).count_ones() as u64;
    n -= (b[last] & (0x7fu8 >> (eb & 7))).count_ones() as u64;
    n
}

/// BYTE or BIT; anything else is a syntax error.
fn index_unit(arg: &[u8]) -> Option<bool> {
    if arg.eq_ignore_ascii_case(b"bit") {
        Some(true)
    } else if arg.eq_ignore_ascii_case(b"byte") {
        Some(false)
    } else {
        None
    }
}

/// BITCOUNT key [start end [BYTE|BIT]]
pub fn bitcount_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let mut t = itoa::Buffer::new();
    let b = match srv.lookup_read(c.db, &a[1]) {
        None => return c.add_int(0),
        Some(Value::Str(s)) => s.bytes(&mut t),
        Some(_) => return c.add_error(WRONGTYPE),
    };
    let range = match a.len() {
        2 => bit_range(b.len(), 0, -1, false),
        4 | 5 => {
            let (Some(start), Some(end)) = (string2ll(&a[2]), string2ll(&a[3])) else {
                return c.add_error(NOT_INT);
            };
            // Redis answers this before looking at the unit.
            if start < 0 && end < 0 && start > end {
                return c.add_int(0);
            }
            let isbit = if a.len() == 5 {
                match index_unit(&a[4]) {
                    Some(u) => u,
                    None => return c.add_error(SYNTAX),
                }
            } else {
                false
            };
            bit_range(b.len(), start, end, isbit)
        }
        _ => return c.add_error(SYNTAX),
    };
    let n = range.map_or(0, |(sb, eb)| count_bits(b, sb, eb));
    c.add_int(n as i64);
}

/// The first bit equal to `bit` in bits `[sb, eb]` of `b`.
fn find_bit(b: &[u8], bit: bool, sb: u64, eb: u64) -> Option<u64> {
    let skip = if bit { 0x00 } else { 0xff };
    let (first, last) = ((sb >> 3) as usize, (eb >> 3) as usize);
    let mut i = first;
    while i <= last {
        // Whole words that cannot hold the bit are skipped eight at a time.
        if i > first
            && i + 8 <= last
            && u64::from_ne_bytes(b[i..i + 8].try_into().expect("8 bytes"))
                == skip as u64 * 0x0101_0101_0101_0101
        {
            i += 8;
            continue;
        }
        let mut byte = if bit { b[i] } else { !b[i] };
        if i == first {
            byte &= 0xff >> (sb & 7);
        }
        if i == last {
            byte &= !(0x7fu8 >> (eb & 7));
        }
        if byte != 0 {
            return Some(i as u64 * 8 + byte.leading_zeros() as u64);
        }
        i += 1;
    }
    None
}

/// BITPOS key bit [start [end [BYTE|BIT]]]
pub fn bitpos_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let bit = match string2ll(&a[2]) {
        Some(0) => false,
        Some(1) => true,
        Some(_) => return c.add_error("ERR The bit argument must be 1 or 0."),
        None => return c.add_error(NOT_INT),
    };
    let mut t = itoa::Buffer::new();
    let b = match srv.lookup_read(c.db, &a[1]) {
        // A missing key is an infinite run of zeros.
        None => return c.add_int(if bit { -1 } else { 0 }),
        Some(Value::Str(s)) => s.bytes(&mut t),
        Some(_) => return c.add_error(WRONGTYPE),
    };
    let (range, end_given) = match a.len() {
        3 => (bit_range(b.len(), 0, -1, false), false),
        4..=6 => {
            let Some(start) = string2ll(&a[3]) else {
                return c.add_error(NOT_INT);
            };
            let isbit = if a.len() == 6 {
                match index_unit(&a[5]) {
                    Some(u) => u,
                    None => return c.add_error(SYNTAX),
                }
            } else {
                false
            };
            if a.len() >= 5 {
                let Some(end) = string2ll(&a[4]) else {
                    return c.add_error(NOT_INT);
                };
                (bit_range(b.len(), start, end, isbit), true)
            } else {
                (bit_range(b.len(), start, -1, false), false)
            }
        }
        _ => return c.add_error(SYNTAX),
    };
    let Some((sb, eb)) = range else {
        return c.add_int(-1);
    };
    let pos = match find_bit(b, bit, sb, eb) {
        Some(p) => p as i64,
        // Looking for a clear bit without an explicit end: the string is
        // taken as zero-padded on the right, so the answer is just past it.
        None if !bit && !end_given => (eb + 1) as i64,
        None => -1,
    };
    c.add_int(pos);
}

#[derive(Clone, Copy, PartialEq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

/// Combines `src` into `res` (which already covers `src`'s length),
/// eight bytes per step.
fn combine(res: &mut [u8], src: &[u8], op: BitOp) {
    let n = src.len();
    let apply = |x: u64, y: u64| match op {
        BitOp::And => x & y,
        BitOp::Or => x | y,
        BitOp::Xor => x ^ y,
        BitOp::Not => !y,
    };
    let words = n / 8;
    for (r, s) in res[..words * 8]
        .chunks_exact_mut(8)
        .zip(src[..words * 8].chunks_exact(8))
    {
        let x = u64::from_ne_bytes(r.try_into().expect("8 bytes"));
        let y = u64::from_ne_bytes(s.try_into().expect("8 bytes"));
        r.copy_from_slice(&apply(x, y).to_ne_bytes());
    }
    for i in words * 8..n {
        res[i] = apply(res[i] as u64, src[i] as u64) as u8;
    }
    if op == BitOp::And {
        // The shorter source is zero-padded.
        res[n..].fill(0);
    }
}

/// BITOP op destkey key [key ...]: the length of the result, stored raw in
/// destkey (deleted when the result is empty).
pub fn bitop_command(srv: &mut Server, c: &mut Client, a: &Args) {
    let opname = &a[1];
    let op = if opname.eq_ignore_ascii_case(b"and") {
        BitOp::And
    } else if opname.eq_ignore_ascii_case(b"or") {
        BitOp::Or
    } else if opname.eq_ignore_ascii_case(b"xor") {
        BitOp::Xor
    } else if opname.eq_ignore_ascii_case(b"not") {
        BitOp::Not
    } else {
        return c.add_error(SYNTAX);
    };
    if op == BitOp::Not && a.len() != 4 {
        return c.add_error("ERR BITOP NOT must be called with a single source key.");
    }
    let db = c.db;
    // One lookup per source, as Redis does; the result grows to the
    // longest source, and a missing key is an empty string.
    let mut res: Vec<u8> = Vec::new();
    for j in 3..a.len() {
        let mut t = itoa::Buffer::new();
        let src: &[u8] = match srv.lookup_read(db, &a[j]) {
            None => &[],
            Some(Value::Str(s)) => s.bytes(&mut t),
            Some(_) => return c.add_error(WRONGTYPE),
        };
        if res.len() < src.len() {
            res.resize(src.len(), 0);
        }
        if j == 3 {
            res[..src.len()].copy_from_slice(src);
            if op == BitOp::Not {
                combine(&mut res, src, op);
            }
        } else {
            combine(&mut res, src, op);
        }
    }
    let n = res.len();
    let key = &a[2];
    if n > 0 {
        srv.set_key(db, key, Value::Str(Str::Raw(res)), false);
        srv.dirty += 1;
    } else if srv.db_delete(db, key) {
        srv.signal_modified_key(db, key);
        srv.dirty += 1;
    }
    c.add_int(n as i64);
}

#[derive(Clone, Copy, PartialEq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, PartialEq)]
enum FieldOp {
    Get,
    Set,
    Incrby,
}

struct Field {
    op: FieldOp,
    offset: u64,
    value: i64,
    signed: bool,
    bits: u32,
    overflow: Overflow,
}

/// getBitfieldTypeFromArgument: `i1`..`i64` or `u1`..`u63`. Redis reads
/// the width with strlen, so it stops at a NUL byte.
fn field_type(arg: &[u8]) -> Option<(bool, u32)> {
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return None,
    };
    let rest = &arg[1..];
    let rest = &rest[..rest.iter().position(|&b| b == 0).unwrap_or(rest.len())];
    let bits = string2ll(rest)?;
    let max = if signed { 64 } else { 63 };
    (1..=max).contains(&bits).then_some((signed, bits as u32))
}

/// The `bits`-bit unsigned field at bit `offset` of `b`, bits past the end
/// reading as zero.
fn get_field(b: &[u8], offset: u64, bits: u32) -> u64 {
    let byte = (offset >> 3) as usize;
    let mut w: u128 = 0;
    for i in 0..9 {
        w = (w << 8) | b.get(byte + i).copied().unwrap_or(0) as u128;
    }
    let shift = 72 - (offset & 7) as u32 - bits;
    ((w >> shift) as u64) & mask(bits)
}

/// Writes the low `bits` bits of `value` at bit `offset` of `b`, which
/// covers the field.
fn set_field(b: &mut [u8], offset: u64, bits: u32, value: u64) {
    let byte = (offset >> 3) as usize;
    let mut w: u128 = 0;
    for i in 0..9 {
        w = (w << 8) | b.get(byte + i).copied().unwrap_or(0) as u128;
    }
    let shift = 72 - (offset & 7) as u32 - bits;
    w = (w & !((mask(bits) as u128) << shift)) | (((value & mask(bits)) as u128) << shift);
    for i in 0..9 {
        if let Some(x) = b.get_mut(byte + i) {
            *x = (w >> (64 - 8 * i)) as u8;
        }
    }
}

fn mask(bits: u32) -> u64 {
    if bits == 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

fn sign_extend(v: u64, bits: u32) -> i64 {
    if bits < 64 && v & (1 << (bits - 1)) != 0 {
        (v | (u64::MAX << bits)) as i64
    } else {
        v as i64
    }
}

/// checkSignedBitfieldOverflow: Some(value to store instead) on overflow
/// (None inside that for FAIL), None when `value + incr` fits.
fn signed_overflow(value: i64, incr: i64, bits: u32, ow: Overflow) -> Option<Option<i64>> {
    let max = if bits == 64 {
        i64::MAX
    } else {
        (1i64 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let maxincr = (max as u64).wrapping_sub(value as u64) as i64;
    let minincr = min.wrapping_sub(value);
    let wrap = || {
        let mut c = (value as u64).wrapping_add(incr as u64);
        if bits < 64 {
            let m = u64::MAX << bits;
            if c & (1 << (bits - 1)) != 0 {
                c |= m;
            } else {
                c &= !m;
            }
        }
        c as i64
    };
    let limit = |sat: i64| match ow {
        Overflow::Wrap => Some(wrap()),
        Overflow::Sat => Some(sat),
        Overflow::Fail => None,
    };
    if value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr) {
        Some(limit(max))
    } else if value < min
        || (bits != 64 && incr < minincr)
        || (value < 0 && incr < 0 && incr < minincr)
    {
        Some(limit(min))
    } else {
        None
    }
}

/// checkUnsignedBitfieldOverflow, same shape as [`signed_overflow`].
fn unsigned_overflow(value: u64, incr: i64, bits: u32, ow: Overflow) -> Option<Option<u64>> {
    let max = mask(bits);
    let maxincr = max.wrapping_sub(value) as i64;
    let minincr = (value as i64).wrapping_neg();
    let limit = |sat: u64| match ow {
        Overflow::Wrap => Some(value.wrapping_add(incr as u64) & max),
        Overflow::Sat => Some(sat),
        Overflow::Fail => None,
    };
    if value > max || (incr > 0 && incr > maxincr) {
        Some(limit(max))
    } else if incr < 0 && incr < minincr {
        Some(limit(0))
    } else {
        None
    }
}

/// Parses BITFIELD's operations; Err is the error reply.
fn parse_fields(srv: &Server, a: &Args) -> Result<Vec<Field>, &'static str> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut j = 2;
    while j < a.len() {
        let rem = a.len() - j - 1;
        let sub = &a[j];
        let op = if sub.eq_ignore_ascii_case(b"get") && rem >= 2 {
            FieldOp::Get
        } else if sub.eq_ignore_ascii_case(b"set") && rem >= 3 {
            FieldOp::Set
        } else if sub.eq_ignore_ascii_case(b"incrby") && rem >= 3 {
            FieldOp::Incrby
        } else if sub.eq_ignore_ascii_case(b"overflow") && rem >= 1 {
            let t = &a[j + 1];
            overflow = if t.eq_ignore_ascii_case(b"wrap") {
                Overflow::Wrap
            } else if t.eq_ignore_ascii_case(b"sat") {
                Overflow::Sat
            } else if t.eq_ignore_ascii_case(b"fail") {
                Overflow::Fail
            } else {
                return Err("ERR Invalid OVERFLOW type specified");
            };
            j += 2;
            continue;
        } else {
            return Err(SYNTAX);
        };
        let (signed, bits) = field_type(&a[j + 1]).ok_or(BAD_TYPE)?;
        let offset = bit_offset(srv, &a[j + 2], Some(bits))?;
        let value = if op == FieldOp::Get {
            0
        } else {
            string2ll(&a[j + 3]).ok_or(NOT_INT)?
        };
        ops.push(Field {
            op,
            offset,
            value,
            signed,
            bits,
            overflow,
        });
        j += if op == FieldOp::Get { 3 } else { 4 };
    }
    Ok(ops)
}

fn bitfield_generic(srv: &mut Server, c: &mut Client, a: &Args, ro: bool) {
    let ops = match parse_fields(srv, a) {
        Ok(ops) => ops,
        Err(e) => return c.add_error(e),
    };
    let db = c.db;
    let key = &a[1];
    let highest = ops
        .iter()
        .filter(|f| f.op != FieldOp::Get)
        .map(|f| f.offset + f.bits as u64 - 1)
        .max();
    let Some(highest) = highest else {
        // Only GETs: a missing key reads as zeros.
        let mut t = itoa::Buffer::new();
        let b: &[u8] = match srv.lookup_read(db, key) {
            None => &[],
            Some(Value::Str(s)) => s.bytes(&mut t),
            Some(_) => return c.add_error(WRONGTYPE),
        };
        c.add_array_len(ops.len());
        for f in &ops {
            let v = get_field(b, f.offset, f.bits);
            c.add_int(if f.signed {
                sign_extend(v, f.bits)
            } else {
                v as i64
            });
        }
        return;
    };
    if ro {
        return c.add_error("ERR BITFIELD_RO only supports the GET subcommand");
    }
    let Ok((b, _)) = string_for_write(srv, db, key, highest) else {
        return c.add_error(WRONGTYPE);
    };
    c.add_array_len(ops.len());
    let mut changes = 0;
    for f in &ops {
        let old = get_field(b, f.offset, f.bits);
        if f.op == FieldOp::Get {
            c.add_int(if f.signed {
                sign_extend(old, f.bits)
            } else {
                old as i64
            });
            continue;
        }
        changes += 1;
        // (value to store, reply) or None for a FAIL overflow.
        let outcome = if f.signed {
            let old = sign_extend(old, f.bits);
            if f.op == FieldOp::Incrby {
                match signed_overflow(old, f.value, f.bits, f.overflow) {
                    None => Some((old.wrapping_add(f.value), old.wrapping_add(f.value))),
                    Some(limit) => limit.map(|v| (v, v)),
                }
            } else {
                match signed_overflow(f.value, 0, f.bits, f.overflow) {
                    None => Some((f.value, old)),
                    Some(limit) => limit.map(|v| (v, old)),
                }
            }
            .map(|(store, reply)| (store as u64, reply))
        } else if f.op == FieldOp::Incrby {
            match unsigned_overflow(old, f.value, f.bits, f.overflow) {
                None => {
                    let v = old.wrapping_add(f.value as u64);
                    Some((v, v as i64))
                }
                Some(limit) => limit.map(|v| (v, v as i64)),
            }
        } else {
            match unsigned_overflow(f.value as u64, 0, f.bits, f.overflow) {
                None => Some((f.value as u64, old as i64)),
                Some(limit) => limit.map(|v| (v, old as i64)),
            }
        };
        match outcome {
            Some((store, reply)) => {
                c.add_int(reply);
                set_field(b, f.offset, f.bits, store);
            }
            None => c.add_null(),
        }
    }
    if changes > 0 {
        srv.signal_modified_key(db, key);
        srv.dirty += changes;
    }
}

/// BITFIELD key [GET type offset] [SET type offset value] [INCRBY type
/// offset increment] [OVERFLOW WRAP|SAT|FAIL] ...
pub fn bitfield_command(srv: &mut Server, c: &mut Client, a: &Args) {
    bitfield_generic(srv, c, a, false);
}

/// BITFIELD_RO key [GET type offset ...]
pub fn bitfield_ro_command(srv: &mut Server, c: &mut Client, a: &Args) {
    bitfield_generic(srv, c, a, true);
}

/// bitfieldGetKeys: BITFIELD's key is read-only when every operation is a
/// well-formed GET or OVERFLOW; anything else (a write, or a syntax error,
/// where assuming a write is safer) makes it read-write.
pub fn bitfield_keys(argv: &[&[u8]]) -> Vec<KeyRef> {
    use kflags::*;
    let mut readonly = true;
    let mut i = 2;
    while i < argv.len() {
        let rem = argv.len() - i - 1;
        let arg = argv[i];
        if arg.eq_ignore_ascii_case(b"get") && rem >= 2 {
            i += 3;
        } else if arg.eq_ignore_ascii_case(b"overflow") && rem >= 1 {
            i += 2;
        } else {
            readonly = false;
            break;
        }
    }
    let flags = if readonly {
        RO | ACCESS
    } else {
        RW | ACCESS | UPDATE
    };
    vec![KeyRef { pos: 1, flags }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_and_write_msb_first() {
        let mut b = vec![0u8; 10];
        set_field(&mut b, 3, 5, 0b10101);
        assert_eq!(b[0], 0b0001_0101);
        assert_eq!(get_field(&b, 3, 5), 0b10101);
        set_field(&mut b, 7, 64, u64::MAX);
        assert_eq!(get_field(&b, 7, 64), u64::MAX);
        assert_eq!(b[0], 0b0001_0101 | 1);
        assert_eq!(b[8], 0xfe);
        assert_eq!(b[9], 0);
        assert_eq!(get_field(&[0x80], 0, 64), 1 << 63);
    }

    #[test]
    fn count_bits_masks_the_edge_bytes() {
        let b = [0xffu8, 0xff, 0xff];
        assert_eq!(count_bits(&b, 0, 23), 24);
        assert_eq!(count_bits(&b, 3, 3), 1);
        assert_eq!(count_bits(&b, 3, 17), 15);
        let big: Vec<u8> = (0..1000u32).map(|i| (i * 37) as u8).collect();
        let slow: u64 = big.iter().map(|x| x.count_ones() as u64).sum();
        assert_eq!(popcount(&big), slow);
    }

    /// Whole words and the byte tail combine alike; XOR twice is identity.
    #[test]
    fn xor_of_a_source_twice_is_identity() {
        let mut y = vec![0u8; 126];
        y[0] = 0x40;
        y[125] = 0x80;
        let mut res = vec![0u8; 126];
        res[0] = 0x63;
        combine(&mut res, &y, BitOp::Xor);
        assert_eq!(res[0], 0x23);
        combine(&mut res, &y, BitOp::Xor);
        assert_eq!((res[0], res[125]), (0x63, 0));
        combine(&mut res, &y, BitOp::Not);
        assert_eq!((res[0], res[1], res[125]), (!0x40, 0xff, !0x80));
    }

    #[test]
    fn find_bit_respects_the_range() {
        let b = [0u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01];
        assert_eq!(find_bit(&b, true, 0, 95), Some(95));
        assert_eq!(find_bit(&b, true, 0, 94), None);
        assert_eq!(find_bit(&b, false, 3, 95), Some(3));
        let ones = [0xffu8; 20];
        assert_eq!(find_bit(&ones, false, 0, 159), None);
    }
}
