//! Values (object.c): what a key holds, how it is encoded, and what freeing
//! it costs.
//!
//! Strings follow Redis's encodings as OBJECT ENCODING reports them: `int`
//! for a string that is a canonical 64-bit integer (string2ll round-trips,
//! at most 20 bytes), `embstr` for other strings of up to 44 bytes created
//! whole (SET), `raw` for longer strings and for any string modified in
//! place (APPEND, SETRANGE). Aggregate types live in `crate::types`.

use crate::ds::sds::string2ll;

/// OBJ_ENCODING_EMBSTR_SIZE_LIMIT.
pub const EMBSTR_MAX: usize = 44;

pub enum Str {
    Int(i64),
    Emb(Box<[u8]>),
    Raw(Vec<u8>),
}

impl Str {
    /// createStringObject + tryObjectEncoding: int when canonical, else
    /// embstr or raw by length.
    pub fn from_bytes(b: &[u8]) -> Str {
        if b.len() <= 20
            && let Some(v) = string2ll(b)
        {
            return Str::Int(v);
        }
        if b.len() <= EMBSTR_MAX {
            Str::Emb(b.into())
        } else {
            Str::Raw(b.to_vec())
        }
    }

    /// Same as `from_bytes`, taking ownership (big values are moved, not
    /// copied: the PROTO_MBULK_BIG_ARG path hands them over whole).
    pub fn from_vec(v: Vec<u8>) -> Str {
        if v.len() <= EMBSTR_MAX {
            Str::from_bytes(&v)
        } else {
            Str::Raw(v)
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Str::Int(v) => itoa::Buffer::new().format(*v).len(),
            Str::Emb(b) => b.len(),
            Str::Raw(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, formatting an integer into `tmp`.
    #[inline]
    pub fn bytes<'a>(&'a self, tmp: &'a mut itoa::Buffer) -> &'a [u8] {
        match self {
            Str::Int(v) => tmp.format(*v).as_bytes(),
            Str::Emb(b) => b,
            Str::Raw(v) => v,
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut t = itoa::Buffer::new();
        self.bytes(&mut t).to_vec()
    }

    /// The string as an integer, if it is one (INCR's getLongLongFromObject).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Str::Int(v) => Some(*v),
            Str::Emb(b) => string2ll(b),
            Str::Raw(v) => {
                if v.len() <= 20 {
                    string2ll(v)
                } else {
                    None
                }
            }
        }
    }

    /// Converts to a growable raw string for in-place edits (APPEND,
    /// SETRANGE), as Redis's dbUnshareStringValue does.
    pub fn make_raw(&mut self) -> &mut Vec<u8> {
        if !matches!(self, Str::Raw(_)) {
            let v = self.to_vec();
            *self = Str::Raw(v);
        }
        match self {
            Str::Raw(v) => v,
            _ => unreachable!("make_raw just made the string raw"),
        }
    }

    pub fn encoding(&self) -> &'static str {
        match self {
            Str::Int(_) => "int",
            Str::Emb(_) => "embstr",
            Str::Raw(_) => "raw",
        }
    }

    /// Heap bytes (MEMORY USAGE, lazy-free decisions).
    pub fn heap_size(&self) -> usize {
        match self {
            Str::Int(_) => 0,
            Str::Emb(b) => b.len(),
            Str::Raw(v) => v.capacity(),
        }
    }
}

pub enum Value {
    Str(Str),
    List(Box<crate::types::list::List>),
    Hash(Box<crate::types::hash::Hash>),
    Set(Box<crate::types::set::Set>),
    ZSet(Box<crate::types::zset::ZSet>),
}

impl Value {
    /// TYPE's reply.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
        }
    }

    /// OBJECT ENCODING's reply.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Str(s) => s.encoding(),
            Value::List(l) => l.encoding(),
            Value::Hash(h) => h.encoding(),
            Value::Set(x) => x.encoding(),
            Value::ZSet(z) => z.encoding(),
        }
    }

    /// lazyfreeGetFreeEffort: roughly the number of allocations freeing this
    /// value takes. 1 for strings and compact encodings.
    pub fn free_effort(&self) -> usize {
        match self {
            Value::Str(_) => 1,
            Value::List(l) => l.free_effort(),
            Value::Hash(h) => h.free_effort(),
            Value::Set(x) => x.free_effort(),
            Value::ZSet(z) => z.free_effort(),
        }
    }

    /// Approximate memory of the value (MEMORY USAGE without the key).
    pub fn mem_usage(&self) -> usize {
        match self {
            Value::Str(s) => 16 + s.heap_size(),
            Value::List(l) => 16 + l.mem_usage(),
            Value::Hash(h) => 16 + h.mem_usage(),
            Value::Set(x) => 16 + x.mem_usage(),
            Value::ZSet(z) => 16 + z.mem_usage(),
        }
    }
}

/// A keyspace entry: the value and its access clock (OBJECT IDLETIME).
pub struct Entry {
    pub val: Value,
    pub lru: u32,
}
