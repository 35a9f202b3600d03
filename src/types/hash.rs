//! Hashes: a listpack of field, value pairs while small
//! (hash-max-listpack-entries / -value), then a hash table.
//!
//! Threads: main thread only (values are only ever moved whole to the
//! lazy-free worker). Conversion is one way, listpack -> table, as in
//! Redis: a hash that shrinks back under the thresholds stays a table.
//! Conversion happens *before* an oversized field or value is written, so
//! the listpack never holds an element longer than the limit and never
//! grows past `Listpack::safe_to_add` (CVE-2021-32627/32628).

use crate::ds::hashtable::{HashTable, HtEntry};
use crate::ds::listpack::Listpack;

pub enum Hash {
    Listpack(Listpack),
    Table(HashTable<FieldValue>),
}

/// One field and its value in a single allocation:
/// `[field length as LEB128 varint][field][value]`. A table entry is then
/// one slot (16 bytes) plus one block, instead of two boxes; the value's
/// length is what is left after the field.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct FieldValue(Box<[u8]>);

impl FieldValue {
    pub fn new(field: &[u8], value: &[u8]) -> FieldValue {
        let mut b = Vec::with_capacity(varint_len(field.len()) + field.len() + value.len());
        let mut n = field.len();
        while n >= 0x80 {
            b.push((n as u8) | 0x80);
            n >>= 7;
        }
        b.push(n as u8);
        b.extend_from_slice(field);
        b.extend_from_slice(value);
        FieldValue(b.into_boxed_slice())
    }

    /// (header length, field length).
    #[inline]
    fn split(&self) -> (usize, usize) {
        let mut n = 0usize;
        let mut shift = 0;
        for (i, &byte) in self.0.iter().enumerate() {
            n |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return (i + 1, n);
            }
            shift += 7;
        }
        unreachable!("FieldValue always starts with a complete varint")
    }

    #[inline]
    pub fn field(&self) -> &[u8] {
        let (h, n) = self.split();
        &self.0[h..h + n]
    }

    #[inline]
    pub fn value(&self) -> &[u8] {
        let (h, n) = self.split();
        &self.0[h + n..]
    }

    /// Bytes of the block (header, field and value).
    pub fn alloc_len(&self) -> usize {
        self.0.len()
    }
}

fn varint_len(mut n: usize) -> usize {
    let mut l = 1;
    while n >= 0x80 {
        n >>= 7;
        l += 1;
    }
    l
}

impl HtEntry for FieldValue {
    #[inline]
    fn key(&self) -> &[u8] {
        self.field()
    }
}

/// The conversion thresholds, copied out of the config so that commands can
/// hold the value mutably while applying them.
#[derive(Clone, Copy)]
pub struct HashLimits {
    pub max_entries: usize,
    pub max_value: usize,
}

impl HashLimits {
    pub fn from_cfg(cfg: &crate::config::Config) -> HashLimits {
        HashLimits {
            max_entries: cfg.hash_max_listpack_entries,
            max_value: cfg.hash_max_listpack_value,
        }
    }
}

impl Default for Hash {
    fn default() -> Self {
        Self::new()
    }
}

impl Hash {
    pub fn new() -> Hash {
        Hash::Listpack(Listpack::new())
    }
    pub fn len(&self) -> usize {
        match self {
            Hash::Listpack(lp) => lp.len() / 2,
            Hash::Table(d) => d.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn encoding(&self) -> &'static str {
        match self {
            Hash::Listpack(_) => "listpack",
            Hash::Table(_) => "hashtable",
        }
    }
    /// One per entry for a table; 1 for the compact encoding.
    pub fn free_effort(&self) -> usize {
        match self {
            Hash::Listpack(_) => 1,
            Hash::Table(d) => d.len(),
        }
    }
    pub fn mem_usage(&self) -> usize {
        match self {
            Hash::Listpack(lp) => lp.alloc_size(),
            Hash::Table(d) => d.mem_usage() + d.iter().map(|e| e.alloc_len()).sum::<usize>(),
        }
    }

    /// Position of the field's entry in the listpack (fields sit at even
    /// indexes, so the search skips the values).
    fn lp_find(lp: &Listpack, field: &[u8]) -> Option<usize> {
        lp.find(lp.first()?, field, 1)
    }

    /// The value stored under `field`.
    pub fn get(&self, field: &[u8]) -> Option<Vec<u8>> {
        match self {
            Hash::Listpack(lp) => {
                let p = Self::lp_find(lp, field)?;
                let v = lp.next(p)?;
                Some(lp.get(v).to_vec())
            }
            Hash::Table(d) => d.get(field).map(|e| e.value().to_vec()),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(lp) => Self::lp_find(lp, field).is_some(),
            Hash::Table(d) => d.contains(field),
        }
    }

    /// Length of the value's string form (HSTRLEN), 0 when missing.
    pub fn value_len(&self, field: &[u8]) -> usize {
        match self {
            Hash::Listpack(lp) => Self::lp_find(lp, field)
                .and_then(|p| lp.next(p))
                .map_or(0, |v| lp.get(v).str_len()),
            Hash::Table(d) => d.get(field).map_or(0, |e| e.value().len()),
        }
    }

    /// Converts a listpack to a table (hashTypeConvertListpack). No-op for a
    /// table.
    pub fn convert_to_table(&mut self) {
        let Hash::Listpack(lp) = self else { return };
        let mut d: HashTable<FieldValue> = HashTable::with_capacity(lp.len() / 2);
        let mut it = lp.iter();
        let mut fb = [0u8; crate::ds::sds::LL_STR_MAX];
        let mut vb = [0u8; crate::ds::sds::LL_STR_MAX];
        while let (Some(f), Some(v)) = (it.next(), it.next()) {
            d.insert(FieldValue::new(f.to_bytes(&mut fb), v.to_bytes(&mut vb)));
        }
        *self = Hash::Table(d);
    }

    /// Sets `field` to `value`; true when the field is new. Converts first
    /// when either string is over the value limit or the listpack would
    /// pass its safety size, and afterwards when the entry count is over
    /// the limit (hashTypeTryConversion + hashTypeSet).
    pub fn set(&mut self, field: &[u8], value: &[u8], lim: HashLimits) -> bool {
        let too_big = match self {
            Hash::Listpack(lp) => {
                field.len() > lim.max_value
                    || value.len() > lim.max_value
                    || !lp.safe_to_add(field.len() + value.len())
            }
            Hash::Table(_) => false,
        };
        if too_big {
            self.convert_to_table();
        }
        let inserted = match self {
            Hash::Listpack(lp) => match Self::lp_find(lp, field) {
                Some(p) => {
                    let v = lp.next(p).expect("hash listpack holds pairs");
                    lp.replace(v, value);
                    false
                }
                None => {
                    lp.append(field);
                    lp.append(value);
                    true
                }
            },
            Hash::Table(d) => d.insert(FieldValue::new(field, value)).is_none(),
        };
        if self.len() > lim.max_entries {
            self.convert_to_table();
        }
        inserted
    }

    /// Removes `field`; true when it was there.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(lp) => match Self::lp_find(lp, field) {
                Some(p) => {
                    lp.delete_range_with_entry(p, 2);
                    true
                }
                None => false,
            },
            Hash::Table(d) => d.remove(field).is_some(),
        }
    }

    /// Calls `f(field, value)` for every pair, in storage order.
    pub fn for_each(&self, mut f: impl FnMut(&[u8], &[u8])) {
        match self {
            Hash::Listpack(lp) => {
                let mut it = lp.iter();
                let mut fb = [0u8; crate::ds::sds::LL_STR_MAX];
                let mut vb = [0u8; crate::ds::sds::LL_STR_MAX];
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    f(k.to_bytes(&mut fb), v.to_bytes(&mut vb));
                }
            }
            Hash::Table(d) => {
                for e in d.iter() {
                    f(e.field(), e.value());
                }
            }
        }
    }

    /// All pairs as owned strings.
    pub fn pairs(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut out = Vec::with_capacity(self.len());
        self.for_each(|k, v| out.push((k.to_vec(), v.to_vec())));
        out
    }

    /// One HSCAN step. A listpack is small by construction, so it is
    /// returned whole with cursor 0 (as Redis does for compact encodings).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], &[u8])) -> u64 {
        match self {
            Hash::Listpack(_) => {
                self.for_each(f);
                0
            }
            Hash::Table(d) => d.scan(cursor, |e| f(e.field(), e.value())),
        }
    }

    /// A uniformly chosen pair (HRANDFIELD without a count).
    pub fn random_pair(&self, rng: &mut u64) -> Option<(Vec<u8>, Vec<u8>)> {
        match self {
            Hash::Listpack(lp) => {
                let n = lp.len() / 2;
                if n == 0 {
                    return None;
                }
                let i = (crate::types::set::rand_u64(rng) % n as u64) as isize;
                let p = lp.seek(2 * i)?;
                let v = lp.next(p)?;
                Some((lp.get(p).to_vec(), lp.get(v).to_vec()))
            }
            Hash::Table(d) => d
                .random_element(rng)
                .map(|e| (e.field().to_vec(), e.value().to_vec())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIM: HashLimits = HashLimits {
        max_entries: 4,
        max_value: 8,
    };

    #[test]
    fn converts_by_count_and_size() {
        let mut h = Hash::new();
        for i in 0..4 {
            assert!(h.set(format!("f{i}").as_bytes(), b"v", LIM));
        }
        assert_eq!(h.encoding(), "listpack");
        assert!(!h.set(b"f0", b"v2", LIM));
        assert_eq!(h.get(b"f0").as_deref(), Some(&b"v2"[..]));
        h.set(b"f4", b"v", LIM);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.len(), 5);
        assert_eq!(h.get(b"f0").as_deref(), Some(&b"v2"[..]));

        let mut h = Hash::new();
        h.set(b"a", b"12345678", LIM);
        assert_eq!(h.encoding(), "listpack");
        h.set(b"b", b"123456789", LIM);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.get(b"a").as_deref(), Some(&b"12345678"[..]));
        assert!(h.remove(b"a") && h.remove(b"b") && h.is_empty());
    }

    #[test]
    fn field_value_encoding() {
        for (f, v) in [
            (&b""[..], &b""[..]),
            (b"f", b"value"),
            (&[7u8; 127][..], b"x"),
            (&[1u8; 128][..], &[2u8; 300][..]),
            (&[3u8; 20_000][..], b""),
        ] {
            let e = FieldValue::new(f, v);
            assert_eq!(e.field(), f);
            assert_eq!(e.value(), v);
            assert_eq!(e.key(), f);
            assert_eq!(e.alloc_len(), varint_len(f.len()) + f.len() + v.len());
        }
        let mut h = Hash::new();
        let lim = HashLimits {
            max_entries: 1,
            max_value: 64,
        };
        for i in 0..1000 {
            h.set(format!("f{i}").as_bytes(), format!("v{i}").as_bytes(), lim);
        }
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.get(b"f999").as_deref(), Some(&b"v999"[..]));
        assert!(!h.set(b"f1", b"new", lim));
        assert_eq!(h.value_len(b"f1"), 3);
        assert_eq!(h.len(), 1000);
    }

    #[test]
    fn listpack_ops() {
        let mut h = Hash::new();
        h.set(b"1", b"2", LIM);
        h.set(b"x", b"-7", LIM);
        assert_eq!(h.value_len(b"x"), 2);
        assert!(h.contains(b"1") && !h.contains(b"2"));
        assert!(h.remove(b"1"));
        assert!(!h.remove(b"1"));
        assert_eq!(h.pairs(), vec![(b"x".to_vec(), b"-7".to_vec())]);
    }
}
