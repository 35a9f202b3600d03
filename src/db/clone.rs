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
use crate::ds::hashtable::{HashTable, HtEntry};
use crate::types::{hash::Hash, list::List, set::Set};

fn clone_table<T: HtEntry + Clone>(t: &HashTable<T>) -> HashTable<T> {
    let mut out = HashTable::with_capacity(t.len());
    for e in t.iter() {
        out.insert_new(e.clone());
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
                Hash::Table(d) => Hash::Table(clone_table(d)),
            })),
            Value::Set(s) => Value::Set(Box::new(match &**s {
                Set::Intset(i) => Set::Intset(i.clone()),
                Set::Listpack(lp) => Set::Listpack(lp.clone()),
                Set::Table(d) => Set::Table(clone_table(d)),
            })),
            Value::ZSet(z) => Value::ZSet(Box::new((**z).clone())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::zset::ZSet;

    #[test]
    fn aggregates_copy_contents_and_encoding_independently() {
        let mut ql = crate::ds::quicklist::QuickList::new(-2, 0);
        ql.push_back(b"a");
        ql.push_back(b"b");
        let list = Value::List(Box::new(List { ql }));
        let l2 = list.deep_clone();
        assert_eq!(l2.encoding(), "quicklist");
        if let (Value::List(x), Value::List(mut y)) = (&list, l2) {
            y.ql.push_back(b"c");
            assert_eq!(x.len(), 2);
            assert_eq!(y.len(), 3);
        }

        let mut d: HashTable<crate::types::hash::FieldValue> = HashTable::new();
        for i in 0..100 {
            d.insert_new(crate::types::hash::FieldValue::new(
                format!("f{i}").as_bytes(),
                b"v",
            ));
        }
        let h = Value::Hash(Box::new(Hash::Table(d)));
        let Value::Hash(h2) = h.deep_clone() else {
            panic!("not a hash")
        };
        let Hash::Table(mut t2) = *h2 else {
            panic!("encoding changed")
        };
        assert_eq!(t2.len(), 100);
        assert!(t2.get(b"f42").is_some());
        t2.remove(b"f42");
        if let Value::Hash(h) = &h {
            assert_eq!(h.len(), 100);
        }

        let pairs = (0..10).map(|i| (format!("m{i}").into_bytes(), i as f64));
        let z = Value::ZSet(Box::new(ZSet::from_pairs(pairs.collect(), 0, 64)));
        let z2 = z.deep_clone();
        assert_eq!(z2.encoding(), "skiplist");
        if let (Value::ZSet(z), Value::ZSet(mut z2)) = (&z, z2) {
            assert_eq!(z2.len(), 10);
            assert_eq!(z2.score(b"m3"), Some(3.0));
            assert_eq!(z2.remove(b"m3"), Some(3.0));
            z2.set(b"m4", 40.0, 0, 64);
            assert_eq!(z.score(b"m3"), Some(3.0));
            assert_eq!(z.score(b"m4"), Some(4.0));
            assert_eq!(z2.rank(b"m4", false), Some((8, 40.0)));
        }

        let is = crate::ds::intset::IntSet::new();
        let s = Value::Set(Box::new(Set::Intset(is)));
        assert_eq!(s.deep_clone().encoding(), "intset");
        let st = Value::Str(Str::Raw(b"raw".to_vec()));
        assert_eq!(st.deep_clone().encoding(), "raw");
    }
}
