//! The RDB writer: primitive encodings and values in the types Redis 7.0
//! writes (rdbSaveLen, rdbSaveRawString, rdbSaveObject...).

use std::io::{self, Write};

use super::{RDB_VERSION, opcodes, types};
use crate::config::Config;
use crate::db::{Db, Str, Value};
use crate::ds::lzf;
use crate::ds::sds::{LL_STR_MAX, ll2string, string2ll};
use crate::types::hash::Hash;
use crate::types::set::Set;
use crate::types::zset::ZSet;

/// RDB_ENCVAL special-encoding markers (the `11` prefix of a length byte).
pub const ENC_INT8: u8 = 0;
pub const ENC_INT16: u8 = 1;
pub const ENC_INT32: u8 = 2;
pub const ENC_LZF: u8 = 3;

/// Redis's quicklist `packed_threshold` (1 GiB): an element this big gets
/// a PLAIN node of its own in 7.0, and is written as one.
pub const PACKED_THRESHOLD: usize = 1 << 30;
pub const QUICKLIST_NODE_PLAIN: u64 = 1;
pub const QUICKLIST_NODE_PACKED: u64 = 2;

/// rdbSaveLen.
pub fn put_len(out: &mut Vec<u8>, n: u64) {
    if n < 1 << 6 {
        out.push(n as u8);
    } else if n < 1 << 14 {
        out.push(0x40 | (n >> 8) as u8);
        out.push(n as u8);
    } else if n <= u32::MAX as u64 {
        out.push(0x80);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// rdbEncodeInteger: the 8/16/32-bit forms, `false` when `v` needs more.
fn put_int_encoded(out: &mut Vec<u8>, v: i64) -> bool {
    if let Ok(x) = i8::try_from(v) {
        out.push(0xC0 | ENC_INT8);
        out.push(x as u8);
    } else if let Ok(x) = i16::try_from(v) {
        out.push(0xC0 | ENC_INT16);
        out.extend_from_slice(&x.to_le_bytes());
    } else if let Ok(x) = i32::try_from(v) {
        out.push(0xC0 | ENC_INT32);
        out.extend_from_slice(&x.to_le_bytes());
    } else {
        return false;
    }
    true
}

/// rdbSaveLzfBlob: an already compressed image and its raw length.
pub fn put_lzf_blob(out: &mut Vec<u8>, z: &[u8], raw_len: usize) {
    out.push(0xC0 | ENC_LZF);
    put_len(out, z.len() as u64);
    put_len(out, raw_len as u64);
    out.extend_from_slice(z);
}

/// rdbSaveRawString: a short canonical integer in 32 bits as an integer,
/// a long string LZF-compressed when that saves at least 4 bytes (and
/// `compress`), anything else as length + bytes.
pub fn put_string(out: &mut Vec<u8>, s: &[u8], compress: bool) {
    if s.len() <= 11
        && let Some(v) = string2ll(s)
    {
        // rdbTryIntegerEncoding: only if it prints back identically.
        let mut buf = [0u8; LL_STR_MAX];
        if ll2string(v, &mut buf) == s && put_int_encoded(out, v) {
            return;
        }
    }
    if compress
        && s.len() > 20
        && let Some(z) = lzf::compress(s, s.len() - 4)
    {
        put_lzf_blob(out, &z, s.len());
        return;
    }
    put_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// rdbSaveLongLongAsStringObject.
fn put_int_string(out: &mut Vec<u8>, v: i64) {
    if !put_int_encoded(out, v) {
        let mut buf = [0u8; LL_STR_MAX];
        let s = ll2string(v, &mut buf);
        put_len(out, s.len() as u64);
        out.extend_from_slice(s);
    }
}

/// The RDB type byte for a value's current encoding (rdbSaveObjectType).
pub fn type_of(v: &Value) -> u8 {
    match v {
        Value::Str(_) => types::STRING,
        Value::List(_) => types::LIST_QUICKLIST_2,
        Value::Set(s) => match **s {
            Set::Intset(_) => types::SET_INTSET,
            // 7.0 has no listpack sets: written as a plain set.
            Set::Listpack(_) | Set::Table(_) => types::SET,
        },
        Value::Hash(h) => match **h {
            Hash::Listpack(_) => types::HASH_LISTPACK,
            Hash::Table(_) => types::HASH,
        },
        Value::ZSet(z) => match **z {
            ZSet::Listpack(_) => types::ZSET_LISTPACK,
            ZSet::Skiplist(_) => types::ZSET_2,
        },
    }
}

/// rdbSaveObject: the value without its type byte.
pub fn put_value(out: &mut Vec<u8>, v: &Value, compress: bool) {
    match v {
        Value::Str(Str::Int(i)) => put_int_string(out, *i),
        Value::Str(Str::Emb(b)) => put_string(out, b, compress),
        Value::Str(Str::Raw(b)) => put_string(out, b, compress),
        Value::List(l) => {
            put_len(out, l.ql.node_count() as u64);
            for node in l.ql.nodes() {
                if let Some((z, raw)) = node.lzf_data() {
                    put_len(out, QUICKLIST_NODE_PACKED);
                    put_lzf_blob(out, z, raw);
                    continue;
                }
                let lp = node.as_raw().expect("a node is raw when not compressed");
                match lp.iter().next() {
                    Some(e) if lp.len() == 1 && e.str_len() >= PACKED_THRESHOLD => {
                        put_len(out, QUICKLIST_NODE_PLAIN);
                        put_string(out, &e.to_vec(), compress);
                    }
                    _ => {
                        put_len(out, QUICKLIST_NODE_PACKED);
                        put_string(out, lp.as_bytes(), compress);
                    }
                }
            }
        }
        Value::Set(s) => match &**s {
            Set::Intset(is) => put_string(out, &is.to_blob(), compress),
            other => {
                put_len(out, other.len() as u64);
                other.for_each(|m| put_string(out, m, compress));
            }
        },
        Value::Hash(h) => match &**h {
            Hash::Listpack(lp) => put_string(out, lp.as_bytes(), compress),
            other => {
                put_len(out, other.len() as u64);
                other.for_each(|f, v| {
                    put_string(out, f, compress);
                    put_string(out, v, compress);
                });
            }
        },
        Value::ZSet(z) => match &**z {
            ZSet::Listpack(lp) => put_string(out, lp.as_bytes(), compress),
            ZSet::Skiplist(sl) => {
                put_len(out, sl.len() as u64);
                // Tail to head, as Redis writes a skiplist: loading then
                // inserts each element at the head, the cheap end.
                for (m, score) in sl.zsl.iter_rev() {
                    put_string(out, m, compress);
                    out.extend_from_slice(&score.to_le_bytes());
                }
            }
        },
    }
}

pub fn write_value_with_type(out: &mut Vec<u8>, v: &Value, compress: bool) {
    out.push(type_of(v));
    put_value(out, v, compress);
}

fn put_aux(out: &mut Vec<u8>, key: &str, val: &[u8]) {
    out.push(opcodes::AUX);
    put_string(out, key.as_bytes(), false);
    put_string(out, val, false);
}

/// A writer that checksums what passes through it.
struct Crc64Writer<'w, W: Write> {
    w: &'w mut W,
    digest: crc::Digest<'static, u64>,
    on: bool,
}

impl<W: Write> Crc64Writer<'_, W> {
    fn put(&mut self, b: &[u8]) -> io::Result<()> {
        if self.on {
            self.digest.update(b);
        }
        self.w.write_all(b)
    }
}

/// rdbSaveRio: the whole file.
pub fn write_file<W: Write>(w: &mut W, dbs: &[Db], cfg: &Config) -> io::Result<()> {
    let compress = cfg.rdbcompression;
    let mut cw = Crc64Writer {
        w,
        digest: super::CRC64.digest(),
        on: cfg.rdbchecksum,
    };
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(format!("REDIS{RDB_VERSION:04}").as_bytes());
    put_aux(
        &mut buf,
        "redis-ver",
        crate::config::REDIS_VERSION.as_bytes(),
    );
    put_aux(&mut buf, "redis-bits", b"64");
    let now_s = crate::server::unix_ms() / 1000;
    put_aux(&mut buf, "ctime", now_s.to_string().as_bytes());
    put_aux(
        &mut buf,
        "used-mem",
        ferrodis_ffi::alloc::allocated()
            .unwrap_or(0)
            .to_string()
            .as_bytes(),
    );
    put_aux(&mut buf, "aof-base", b"0");
    for db in dbs {
        if db.is_empty() {
            continue;
        }
        buf.push(opcodes::SELECTDB);
        put_len(&mut buf, db.id as u64);
        buf.push(opcodes::RESIZEDB);
        put_len(&mut buf, db.dict.len() as u64);
        put_len(&mut buf, db.expires.len() as u64);
        for (key, entry) in db.dict.iter() {
            if let Some(when) = db.expire_of(key) {
                buf.push(opcodes::EXPIRETIME_MS);
                buf.extend_from_slice(&when.to_le_bytes());
            }
            buf.push(type_of(&entry.val));
            put_string(&mut buf, key, compress);
            put_value(&mut buf, &entry.val, compress);
            if buf.len() >= 1 << 16 {
                cw.put(&buf)?;
                buf.clear();
            }
        }
    }
    buf.push(opcodes::EOF);
    cw.put(&buf)?;
    let crc = if cw.on { cw.digest.finalize() } else { 0 };
    cw.w.write_all(&crc.to_le_bytes())
}
