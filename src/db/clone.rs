//! Deep copies of values (COPY, object.c's dupStringObject and the
//! per-type duplication in db.c's copyCommand).
//!
//! Threads: main thread only; the copy is a plain owned value with nothing
//! shared with the source (no reference counting in ferrodis).
//!
//! The copy keeps the source's encoding, as Redis does: a listpack stays a
//! listpack, a hash table stays a hash table. Hash tables are rebuilt entry
//! by entry (sized up front) rather than cloned bucket by bucket, since our
//! `Dict` has no `Clone`; the result holds the same entries, not the same
//! bucket layout, which nothing observes except SCAN order.

use super::{Str, Value};
use crate::ds::dict::{Dict, DictKey};
use crate::types::{hash::Hash, list::List, set::Set, zset::ZSet};

fn clone_dict<K: DictKey + Clone, V: Clone>(d: &Dict<K, V>) -> Dict<K, V> {
    let mut out = Dict::with_capacity(d.len());
    for (k, v) in d.iter() {
        out.insert_new(k.clone(), v.clone());
    }
    out
}

impl Str {
    pub fn deep_clone(&self) -> Str {
        match self {
            Str::Int(v) => Str::Int(*v),
            Str::Emb(b) => Str::Emb(b.clone()),
            Str::Raw(v) => Str::Raw(v.clone()),
        }
    }
}

impl Value {
    pub fn deep_clone(&self) -> Value {
        match self {
            Value::Str(s) => Value::Str(s.deep_clone()),
            Value::List(l) => Value::List(Box::new(List { ql: l.ql.clone() })),
            Value::Hash(h) => Value::Hash(Box::new(match &**h {
                Hash::Listpack(lp) => Hash::Listpack(lp.clone()),
                Hash::Table(d) => Hash::Table(clone_dict(d)),
            })),
            Value::Set(s) => Value::Set(Box::new(match &**s {
                Set::Intset(i) => Set::Intset(i.clone()),
                Set::Listpack(lp) => Set::Listpack(lp.clone()),
                Set::Table(d) => Set::Table(clone_dict(d)),
            })),
            Value::ZSet(z) => Value::ZSet(Box::new(match &**z {
                ZSet::Listpack(lp) => ZSet::Listpack(lp.clone()),
                ZSet::Skiplist { dict, zsl } => ZSet::Skiplist {
                    dict: clone_dict(dict),
                    zsl: zsl.clone(),
                },
            })),
        }
    }
}
