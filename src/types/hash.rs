//! Hashes: a listpack of field, value pairs while small
//! (hash-max-listpack-entries / -value), then a hash table.
//!
//! Threads: main thread only (values are only ever moved whole to the
//! lazy-free worker). Conversion is one way, listpack -> table, as in
//! Redis: a hash that shrinks back under the thresholds stays a table.
//! Conversion happens *before* an oversized field or value is written, so
//! the listpack never holds an element longer than the limit and never
//! grows past `Listpack::safe_to_add` (CVE-2021-32627/32628).

use crate::ds::dict::Dict;
use crate::ds::listpack::Listpack;

pub enum Hash {
    Listpack(Listpack),
    Table(Dict<Box<[u8]>, Box<[u8]>>),
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
            Hash::Table(d) => {
                d.mem_overhead() + d.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
            }
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
            Hash::Table(d) => d.get(field).map(|v| v.to_vec()),
        }
    }

    pub fn contains(&self, field: &[u8]) -> bool {
        match self {
            Hash::Listpack(lp) => Self::lp_find(lp, field).is_some(),
            Hash::Table(d) => d.contains_key(field),
        }
    }

    /// Length of the value's string form (HSTRLEN), 0 when missing.
    pub fn value_len(&self, field: &[u8]) -> usize {
        match self {
            Hash::Listpack(lp) => Self::lp_find(lp, field)
                .and_then(|p| lp.next(p))
                .map_or(0, |v| lp.get(v).str_len()),
            Hash::Table(d) => d.get(field).map_or(0, |v| v.len()),
        }
    }

    /// Converts a listpack to a table (hashTypeConvertListpack). No-op for a
    /// table.
    pub fn convert_to_table(&mut self) {
        let Hash::Listpack(lp) = self else { return };
        let mut d: Dict<Box<[u8]>, Box<[u8]>> = Dict::new();
        let mut it = lp.iter();
        while let (Some(f), Some(v)) = (it.next(), it.next()) {
            d.insert(f.to_vec().into(), v.to_vec().into());
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
            Hash::Table(d) => d.insert(field.into(), value.into()).is_none(),
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
                for (k, v) in d.iter() {
                    f(k, v);
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
            Hash::Table(d) => d.scan(cursor, |k, v| f(k, v)),
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
            Hash::Table(d) => d.random_entry(rng).map(|(k, v)| (k.to_vec(), v.to_vec())),
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
