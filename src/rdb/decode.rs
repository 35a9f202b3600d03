//! The RDB loader (rdbLoad, rdbLoadObject): reads an in-memory image of a
//! file or a DUMP payload. Every read is bounds-checked against what is
//! left of the image before anything is allocated, so a corrupt length
//! cannot make us allocate gigabytes or read past the end; every error
//! says what was wrong and where.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use super::encode::{ENC_INT8, ENC_INT16, ENC_INT32, ENC_LZF};
use super::{RDB_MAX_LOAD_VERSION, Sanitize, legacy, opcodes, types};
use crate::config::Config;
use crate::db::{Db, Entry, Str, Value};
use crate::ds::hashtable::HashTable;
use crate::ds::intset::IntSet;
use crate::ds::listpack::{Listpack, LpValue};
use crate::ds::lzf;
use crate::ds::sds::{LL_STR_MAX, ll2string};
use crate::ds::smallbytes::SmallBytes;
use crate::types::hash::{FieldValue, Hash, HashLimits};
use crate::types::list::List;
use crate::types::set::{Set, SetLimits};
use crate::types::zset::ZSet;

/// What a successful load found.
#[derive(Debug, Default)]
pub struct Loaded {
    pub version: u16,
    pub keys_loaded: u64,
    pub keys_expired: u64,
    pub empty_keys_skipped: u64,
}

#[derive(Debug)]
pub enum LoadError {
    Io(std::io::Error),
    /// The file is not a valid RDB: where reading stopped, and why.
    Corrupt {
        offset: usize,
        msg: String,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::Io(e) => write!(f, "{e}"),
            LoadError::Corrupt { offset, msg } => {
                write!(f, "Internal error in RDB reading offset {offset} -> {msg}")
            }
        }
    }
}

pub const EOF_MSG: &str = "Unexpected EOF reading RDB file";

/// The most an LZF stream can expand: a 3-byte back-reference yields up
/// to 264 bytes. A declared length beyond this is corrupt (and must not
/// be allocated).
const LZF_MAX_RATIO: usize = 90;

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn left(&self) -> usize {
        self.b.len() - self.pos
    }

    fn u8(&mut self) -> Result<u8, String> {
        let v = *self.b.get(self.pos).ok_or(EOF_MSG)?;
        self.pos += 1;
        Ok(v)
    }

    fn bytes(&mut self, n: u64) -> Result<&'a [u8], String> {
        if n > self.left() as u64 {
            return Err(EOF_MSG.into());
        }
        let s = &self.b[self.pos..self.pos + n as usize];
        self.pos += n as usize;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        Ok(self.bytes(N as u64)?.try_into().expect("N bytes"))
    }

    /// rdbLoadLenByRef: (value, is-special-encoding).
    fn len_enc(&mut self) -> Result<(u64, bool), String> {
        let b = self.u8()?;
        Ok(match b >> 6 {
            0 => ((b & 0x3F) as u64, false),
            1 => ((((b & 0x3F) as u64) << 8) | self.u8()? as u64, false),
            2 if b == 0x80 => (u32::from_be_bytes(self.array()?) as u64, false),
            2 if b == 0x81 => (u64::from_be_bytes(self.array()?), false),
            2 => return Err(format!("Unknown length encoding {b} in rdbLoadLen()")),
            _ => ((b & 0x3F) as u64, true),
        })
    }

    fn len(&mut self) -> Result<u64, String> {
        match self.len_enc()? {
            (n, false) => Ok(n),
            (_, true) => Err("Unexpected special length encoding".into()),
        }
    }

    /// rdbGenericLoadStringObject: plain, integer-encoded or LZF.
    fn string(&mut self) -> Result<Cow<'a, [u8]>, String> {
        let (n, special) = self.len_enc()?;
        if !special {
            return Ok(Cow::Borrowed(self.bytes(n)?));
        }
        let v: i64 = match n as u8 {
            ENC_INT8 => self.u8()? as i8 as i64,
            ENC_INT16 => i16::from_le_bytes(self.array()?) as i64,
            ENC_INT32 => i32::from_le_bytes(self.array()?) as i64,
            ENC_LZF => {
                let clen = self.len()?;
                let ulen = self.len()?;
                let data = self.bytes(clen)?;
                if ulen > (clen as usize).saturating_mul(LZF_MAX_RATIO) as u64 + 64 {
                    return Err("Invalid LZF compressed string".into());
                }
                return match lzf::decompress(data, ulen as usize) {
                    Ok(out) if out.len() as u64 == ulen => Ok(Cow::Owned(out)),
                    _ => Err("Invalid LZF compressed string".into()),
                };
            }
            other => return Err(format!("Unknown RDB string encoding type {other}")),
        };
        let mut buf = [0u8; LL_STR_MAX];
        Ok(Cow::Owned(ll2string(v, &mut buf).to_vec()))
    }

    /// rdbLoadDoubleValue (RDB_TYPE_ZSET): a length byte and ASCII digits.
    fn string_double(&mut self) -> Result<f64, String> {
        match self.u8()? {
            253 => Ok(f64::NAN),
            254 => Ok(f64::INFINITY),
            255 => Ok(f64::NEG_INFINITY),
            n => {
                let s = self.bytes(n as u64)?;
                parse_double(s).ok_or_else(|| "Invalid double value".into())
            }
        }
    }

    fn binary_double(&mut self) -> Result<f64, String> {
        Ok(f64::from_le_bytes(self.array()?))
    }
}

/// strtod for scores stored as text (ziplists, RDB v1 zsets).
fn parse_double(s: &[u8]) -> Option<f64> {
    crate::ds::skiplist::parse_score(s).or_else(|| std::str::from_utf8(s).ok()?.parse().ok())
}

/// Why a value did not load.
enum ValueError {
    /// A well-formed but empty aggregate: Redis skips such keys on load
    /// (RDB_LOAD_ERR_EMPTY_KEY) and RESTORE refuses them.
    Empty,
    Bad(String),
}

impl From<String> for ValueError {
    fn from(s: String) -> Self {
        ValueError::Bad(s)
    }
}

impl From<&str> for ValueError {
    fn from(s: &str) -> Self {
        ValueError::Bad(s.into())
    }
}

type VResult = Result<Value, ValueError>;

struct Ctx<'c> {
    cfg: &'c Config,
    deep: bool,
}

fn list_value(elems: impl IntoIterator<Item = Vec<u8>>, cfg: &Config) -> VResult {
    let mut l = List::from_config(cfg);
    for e in elems {
        l.push(&e, false);
    }
    if l.is_empty() {
        return Err(ValueError::Empty);
    }
    Ok(Value::List(Box::new(l)))
}

fn no_duplicates<'x>(items: impl Iterator<Item = &'x [u8]>, what: &str) -> Result<(), ValueError> {
    let mut seen = HashSet::new();
    for it in items {
        if !seen.insert(it) {
            return Err(ValueError::Bad(format!("Duplicate {what} detected")));
        }
    }
    Ok(())
}

/// A hash from pairs (unique fields), in the encoding its size calls for.
fn hash_value(pairs: legacy::Pairs, cfg: &Config) -> VResult {
    if pairs.is_empty() {
        return Err(ValueError::Empty);
    }
    no_duplicates(pairs.iter().map(|p| p.0.as_slice()), "hash fields")?;
    let lim = HashLimits::from_cfg(cfg);
    let total: usize = pairs.iter().map(|(f, v)| f.len() + v.len()).sum();
    let small = pairs.len() <= lim.max_entries
        && pairs
            .iter()
            .all(|(f, v)| f.len() <= lim.max_value && v.len() <= lim.max_value)
        && Listpack::safe_to_add_to(None, total);
    let h = if small {
        let mut lp = Listpack::new();
        for (f, v) in &pairs {
            lp.append(f);
            lp.append(v);
        }
        Hash::Listpack(lp)
    } else {
        let mut t: HashTable<FieldValue> = HashTable::with_capacity(pairs.len());
        for (f, v) in &pairs {
            t.insert_new(FieldValue::new(f, v));
        }
        Hash::Table(t)
    };
    Ok(Value::Hash(Box::new(h)))
}

fn zset_value(pairs: Vec<(Vec<u8>, f64)>, cfg: &Config) -> VResult {
    if pairs.is_empty() {
        return Err(ValueError::Empty);
    }
    if pairs.iter().any(|p| p.1.is_nan()) {
        return Err("Zset with NAN score detected".into());
    }
    no_duplicates(pairs.iter().map(|p| p.0.as_slice()), "zset elements")?;
    Ok(Value::ZSet(Box::new(ZSet::from_pairs(
        pairs,
        cfg.zset_max_listpack_entries,
        cfg.zset_max_listpack_value,
    ))))
}

fn set_table(members: impl Iterator<Item = Vec<u8>>, n: usize) -> Set {
    let mut t: HashTable<SmallBytes> = HashTable::with_capacity(n);
    for m in members {
        t.insert(m.as_slice().into());
    }
    Set::Table(t)
}

/// A listpack blob: structure always checked, and an entry count that is
/// a multiple of `stride` (pairs for hashes and zsets). When `unique`
/// names what every `stride`-th entry is (fields, members), duplicates are
/// refused too. Redis checks that only under deep sanitization; ferrodis
/// always does, because its conversions to the big encodings (and the
/// zset member index) rely on unique members, and a corrupt payload must
/// not be able to break them later.
fn listpack_blob(
    blob: Cow<'_, [u8]>,
    stride: usize,
    unique: Option<&str>,
) -> Result<Listpack, ValueError> {
    let lp = Listpack::from_bytes(blob.into_owned()).ok_or("Listpack integrity check failed")?;
    if lp.len() % stride != 0 {
        return Err("Listpack with an odd entry count".into());
    }
    if let Some(what) = unique
        && has_duplicates(&lp, stride)
    {
        return Err(ValueError::Bad(format!("Duplicate {what} detected")));
    }
    Ok(lp)
}

/// Whether two of every `stride`-th entry are equal as strings. Compact
/// encodings are small, so the common case compares pairwise without
/// allocating; long ones are sorted.
fn has_duplicates(lp: &Listpack, stride: usize) -> bool {
    let keys: Vec<LpValue> = lp.iter().step_by(stride).collect();
    if keys.len() <= 32 {
        let (mut ba, mut bb) = ([0u8; LL_STR_MAX], [0u8; LL_STR_MAX]);
        return keys.iter().enumerate().any(|(i, a)| {
            keys[i + 1..].iter().any(|b| match (a, b) {
                (LpValue::Int(x), LpValue::Int(y)) => x == y,
                (LpValue::Str(x), LpValue::Str(y)) => x == y,
                _ => a.to_bytes(&mut ba) == b.to_bytes(&mut bb),
            })
        });
    }
    let mut owned: Vec<Vec<u8>> = keys.iter().map(|v| v.to_vec()).collect();
    owned.sort_unstable();
    owned.windows(2).any(|w| w[0] == w[1])
}

fn ziplist_pairs(blob: &[u8]) -> Result<legacy::Pairs, ValueError> {
    let items = legacy::ziplist_entries(blob)?;
    if items.len() % 2 != 0 {
        return Err("Ziplist with an odd entry count".into());
    }
    let mut it = items.into_iter();
    let mut out = Vec::new();
    while let (Some(a), Some(b)) = (it.next(), it.next()) {
        out.push((a, b));
    }
    Ok(out)
}

/// rdbLoadObject: one value of type `ty`.
fn read_value(r: &mut Reader, ty: u8, ctx: &Ctx) -> VResult {
    let cfg = ctx.cfg;
    match ty {
        types::STRING => Ok(Value::Str(Str::from_vec(r.string()?.into_owned()))),
        types::LIST => {
            let n = r.len()?;
            let mut elems = Vec::with_capacity((n as usize).min(r.left()));
            for _ in 0..n {
                elems.push(r.string()?.into_owned());
            }
            list_value(elems, cfg)
        }
        types::SET => {
            let n = r.len()?;
            let lim = SetLimits::from_cfg(cfg);
            let mut set: Option<Set> = None;
            for _ in 0..n {
                let m = r.string()?;
                let s = set.get_or_insert_with(|| Set::new_for(&m, n as usize, lim));
                if !s.add(&m, lim) {
                    return Err("Duplicate set members detected".into());
                }
            }
            set.map(|s| Value::Set(Box::new(s)))
                .ok_or(ValueError::Empty)
        }
        types::ZSET | types::ZSET_2 => {
            let n = r.len()?;
            let mut pairs = Vec::with_capacity((n as usize).min(r.left() / 2));
            for _ in 0..n {
                let m = r.string()?.into_owned();
                let s = if ty == types::ZSET_2 {
                    r.binary_double()?
                } else {
                    r.string_double()?
                };
                pairs.push((m, s));
            }
            zset_value(pairs, cfg)
        }
        types::HASH => {
            let n = r.len()?;
            let mut pairs = Vec::with_capacity((n as usize).min(r.left() / 2));
            for _ in 0..n {
                let f = r.string()?.into_owned();
                let v = r.string()?.into_owned();
                pairs.push((f, v));
            }
            hash_value(pairs, cfg)
        }
        types::HASH_ZIPMAP => hash_value(legacy::zipmap_pairs(&r.string()?)?, cfg),
        types::LIST_ZIPLIST => list_value(legacy::ziplist_entries(&r.string()?)?, cfg),
        types::SET_INTSET => {
            let blob = r.string()?;
            let is = IntSet::from_blob(&blob).ok_or("Intset integrity check failed")?;
            let set = if is.len() > cfg.set_max_intset_entries {
                let mut buf = [0u8; LL_STR_MAX];
                let n = is.len();
                set_table(is.iter().map(|v| ll2string(v, &mut buf).to_vec()), n)
            } else {
                Set::Intset(is)
            };
            Ok(Value::Set(Box::new(set)))
        }
        types::ZSET_ZIPLIST => {
            let mut pairs = Vec::new();
            for (m, s) in ziplist_pairs(&r.string()?)? {
                pairs.push((m, parse_double(&s).ok_or("Invalid zset score in ziplist")?));
            }
            zset_value(pairs, cfg)
        }
        types::HASH_ZIPLIST => hash_value(ziplist_pairs(&r.string()?)?, cfg),
        types::LIST_QUICKLIST => {
            let n = r.len()?;
            let mut elems = Vec::new();
            for _ in 0..n {
                elems.extend(legacy::ziplist_entries(&r.string()?)?);
            }
            list_value(elems, cfg)
        }
        types::HASH_LISTPACK => {
            let lp = listpack_blob(r.string()?, 2, Some("hash fields"))?;
            if lp.is_empty() {
                return Err(ValueError::Empty);
            }
            let lim = HashLimits::from_cfg(cfg);
            let too_long = lp.iter().any(|v| v.str_len() > lim.max_value);
            let mut h = Hash::Listpack(lp);
            if h.len() > lim.max_entries || too_long {
                h.convert_to_table();
            }
            Ok(Value::Hash(Box::new(h)))
        }
        types::ZSET_LISTPACK => {
            let lp = listpack_blob(r.string()?, 2, Some("zset elements"))?;
            if lp.is_empty() {
                return Err(ValueError::Empty);
            }
            let mut buf = [0u8; LL_STR_MAX];
            let mut prev: Option<(Vec<u8>, f64)> = None;
            let mut it = lp.iter();
            while let (Some(m), Some(s)) = (it.next(), it.next()) {
                let Some(score) = parse_double(s.to_bytes(&mut buf)).filter(|v| !v.is_nan()) else {
                    return Err("Invalid zset score in listpack".into());
                };
                // Deep: the (score, member) order every listpack zset
                // operation assumes (Redis does not check it).
                if ctx.deep {
                    let m = m.to_vec();
                    if let Some((pm, ps)) = &prev
                        && (*ps, pm.as_slice()) >= (score, m.as_slice())
                    {
                        return Err("Zset listpack out of order".into());
                    }
                    prev = Some((m, score));
                }
            }
            let mut z = ZSet::Listpack(lp);
            if z.len() > cfg.zset_max_listpack_entries {
                z.convert_to_skiplist();
            }
            Ok(Value::ZSet(Box::new(z)))
        }
        types::LIST_QUICKLIST_2 => {
            let n = r.len()?;
            let mut l = List::from_config(cfg);
            for _ in 0..n {
                let container = r.len()?;
                let blob = r.string()?;
                match container {
                    super::encode::QUICKLIST_NODE_PLAIN => l.push(&blob, false),
                    super::encode::QUICKLIST_NODE_PACKED => {
                        let lp = listpack_blob(blob, 1, None)?;
                        // Redis skips empty nodes too.
                        l.ql.push_node(lp);
                    }
                    _ => return Err("Quicklist integrity check failed".into()),
                }
            }
            if l.is_empty() {
                return Err(ValueError::Empty);
            }
            Ok(Value::List(Box::new(l)))
        }
        types::SET_LISTPACK => {
            let lp = listpack_blob(r.string()?, 1, Some("set members"))?;
            if lp.is_empty() {
                return Err(ValueError::Empty);
            }
            let too_long = lp.iter().any(|v| v.str_len() > cfg.set_max_listpack_value);
            let set = if lp.len() > cfg.set_max_listpack_entries || too_long {
                let n = lp.len();
                set_table(lp.iter().map(|v| v.to_vec()), n)
            } else {
                Set::Listpack(lp)
            };
            Ok(Value::Set(Box::new(set)))
        }
        types::MODULE_PRE_GA | types::MODULE_2 => Err(ValueError::Bad(format!(
            "module values (RDB type {ty}) are not supported by ferrodis"
        ))),
        types::STREAM_LISTPACKS | types::STREAM_LISTPACKS_2 | types::STREAM_LISTPACKS_3 => {
            Err(ValueError::Bad(format!(
                "stream values (RDB type {ty}) are not supported by ferrodis"
            )))
        }
        _ => Err(ValueError::Bad(format!("Unknown RDB encoding type {ty}"))),
    }
}

/// RESTORE: a type byte and a value (the footer already checked).
pub fn value_from_payload(body: &[u8], cfg: &Config, sanitize: Sanitize) -> Result<Value, String> {
    let mut r = Reader { b: body, pos: 0 };
    let ctx = Ctx {
        cfg,
        deep: sanitize == Sanitize::Deep,
    };
    let ty = r.u8()?;
    match read_value(&mut r, ty, &ctx) {
        Ok(v) => Ok(v),
        Err(ValueError::Empty) => Err("empty keys are not allowed".into()),
        Err(ValueError::Bad(m)) => Err(m),
    }
}

/// rdbLoadRio over a whole file image.
pub fn load_image(
    b: &[u8],
    dbs: &mut [Db],
    cfg: &Config,
    sanitize: Sanitize,
    now_ms: i64,
    lruclock: u32,
    merge: bool,
) -> Result<Loaded, super::LoadError> {
    let corrupt = |offset: usize, msg: String| super::LoadError::Corrupt { offset, msg };
    if b.len() < 9 || &b[..5] != b"REDIS" {
        return Err(corrupt(
            0,
            "Wrong signature trying to load DB from file".into(),
        ));
    }
    let version = std::str::from_utf8(&b[5..9])
        .ok()
        .and_then(|s| s.parse::<u16>().ok())
        .unwrap_or(0);
    if !(1..=RDB_MAX_LOAD_VERSION).contains(&version) {
        return Err(corrupt(
            5,
            format!("Can't handle RDB format version {version}"),
        ));
    }
    let ctx = Ctx {
        cfg,
        deep: sanitize == Sanitize::Deep,
    };
    let mut r = Reader { b, pos: 9 };
    let mut st = Loaded {
        version,
        ..Loaded::default()
    };
    let mut dbid = 0usize;
    let mut expire: Option<i64> = None;
    let res: Result<(), String> = (|| {
        loop {
            let op = r.u8()?;
            match op {
                // rdbLoadTime: a signed 32-bit count of seconds.
                opcodes::EXPIRETIME => {
                    expire = Some(i32::from_le_bytes(r.array()?) as i64 * 1000);
                }
                opcodes::EXPIRETIME_MS => expire = Some(i64::from_le_bytes(r.array()?)),
                // LRU idle time / LFU counter: parsed and not used yet.
                opcodes::FREQ => {
                    r.u8()?;
                }
                opcodes::IDLE => {
                    r.len()?;
                }
                opcodes::EOF => return Ok(()),
                opcodes::SELECTDB => {
                    let id = r.len()?;
                    if id >= dbs.len() as u64 {
                        return Err(format!(
                            "FATAL: Data file was created with a Redis server configured to handle more than {} databases. Exiting",
                            dbs.len()
                        ));
                    }
                    dbid = id as usize;
                }
                // Size the tables up front, as Redis's dictExpand does, so
                // the load is not a chain of incremental rehashes. Capped
                // by what is left of the file (every key takes bytes), so
                // a corrupt size cannot reserve gigabytes.
                opcodes::RESIZEDB => {
                    let keys = r.len()?.min(r.left() as u64) as usize;
                    let volatile = r.len()?.min(r.left() as u64) as usize;
                    let db = &mut dbs[dbid];
                    if db.dict.is_empty() {
                        db.dict = crate::ds::dict::Dict::with_capacity(keys);
                    }
                    if db.expires.is_empty() {
                        db.expires = crate::ds::dict::Dict::with_capacity(volatile);
                    }
                }
                opcodes::AUX => {
                    let k = r.string()?;
                    let v = r.string()?;
                    let v = String::from_utf8_lossy(&v);
                    match &*k {
                        b"redis-ver" => log::info!("Loading RDB produced by version {v}"),
                        b"ctime" => {
                            let age =
                                crate::server::unix_ms() / 1000 - v.parse::<i64>().unwrap_or(0);
                            log::info!("RDB age {} seconds", age.max(0));
                        }
                        b"used-mem" => log::info!(
                            "RDB memory usage when created {:.2} Mb",
                            v.parse::<f64>().unwrap_or(0.0) / (1024.0 * 1024.0)
                        ),
                        // Unknown fields are ignored, as Redis does.
                        _ => {}
                    }
                }
                opcodes::MODULE_AUX => {
                    return Err(
                        "module auxiliary data (opcode 247) is not supported by ferrodis".into(),
                    );
                }
                opcodes::FUNCTION_PRE_GA | opcodes::FUNCTION2 => {
                    return Err(format!(
                        "function libraries (opcode {op}) are not supported by ferrodis"
                    ));
                }
                ty => {
                    let key = r.string()?.into_owned().into_boxed_slice();
                    let val = match read_value(&mut r, ty, &ctx) {
                        Ok(v) => v,
                        Err(ValueError::Empty) => {
                            if st.empty_keys_skipped < 10 {
                                log::info!(
                                    "rdbLoadObject skipping empty key: {}",
                                    String::from_utf8_lossy(&key)
                                );
                            }
                            st.empty_keys_skipped += 1;
                            expire = None;
                            continue;
                        }
                        Err(ValueError::Bad(m)) => return Err(m),
                    };
                    // Keys already expired are not loaded (as a master does).
                    let when = expire.take();
                    if let Some(w) = when
                        && w < now_ms
                    {
                        st.keys_expired += 1;
                        continue;
                    }
                    let db = &mut dbs[dbid];
                    if merge && !db.expires.is_empty() {
                        db.expires.remove(&key);
                    }
                    if let Some(w) = when {
                        db.expires.insert(key.clone(), w);
                    }
                    // One probe: a key already there is replaced (MERGE) or
                    // is a corrupt file (the load is abandoned either way).
                    let dup = db.dict.insert(key, Entry { val, lru: lruclock });
                    if dup.is_some() && !merge {
                        return Err(format!("Duplicated key found in DB {dbid}"));
                    }
                    st.keys_loaded += 1;
                }
            }
        }
    })();
    res.map_err(|m| corrupt(r.pos, m))?;
    if version >= 5 {
        let end = r.pos;
        let stored = r
            .array::<8>()
            .map(u64::from_le_bytes)
            .map_err(|m| corrupt(r.pos, m))?;
        if cfg.rdbchecksum && stored != 0 {
            let computed = super::CRC64.checksum(&b[..end]);
            if computed != stored {
                log::warn!(
                    "Wrong RDB checksum expected: ({stored:x}) got ({computed:x}). Aborting now."
                );
                return Err(corrupt(end, "RDB CRC error".into()));
            }
        }
    }
    Ok(st)
}
