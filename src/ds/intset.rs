//! Intset: Redis's compact encoding for sets whose members are all integers
//! (`set-max-intset-entries`, default 512): a sorted array of fixed-width
//! integers searched by binary search.
//!
//! Design
//! - The array is a `Vec<i16>`, `Vec<i32>` or `Vec<i64>`; the width is the
//!   smallest that holds every member ever added. Adding a value that needs
//!   more bits upgrades the whole array (`intsetUpgradeAndAdd`); removing
//!   never downgrades, as in Redis, so the width only depends on history,
//!   which is what makes `to_blob` byte-identical to Redis's for the same
//!   operations.
//! - Invariants: members strictly ascending (so no duplicates), every member
//!   fits the current width.
//! - Ownership: plain owned value, no interior mutability.
//! - `to_blob`/`from_blob` give the RDB `RDB_TYPE_SET_INTSET` image:
//!   `<encoding u32 LE = 2|4|8> <length u32 LE> <members LE>`.
//!
//! Not done: conversion to a hash-table set (the caller's job, driven by
//! `len()` and the config), and `intsetMoveTail`-style in-place memmove
//! tricks: `Vec::insert` does the same work.

/// Members stored at the current width.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Members {
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntSet {
    m: Members,
}

impl Default for IntSet {
    fn default() -> Self {
        IntSet::new()
    }
}

/// Bytes needed for `v` (`_intsetValueEncoding`).
fn width_for(v: i64) -> usize {
    if i16::try_from(v).is_ok() {
        2
    } else if i32::try_from(v).is_ok() {
        4
    } else {
        8
    }
}

/// Binary search in one typed array for a value already known to fit it.
macro_rules! search_in {
    ($vec:expr, $v:expr, $t:ty) => {
        match <$t>::try_from($v) {
            Ok(x) => $vec.binary_search(&x),
            // Outside the range of the width: below all or above all members.
            Err(_) => Err(if $v < 0 { 0 } else { $vec.len() }),
        }
    };
}

impl IntSet {
    pub fn new() -> IntSet {
        IntSet {
            m: Members::I16(Vec::new()),
        }
    }

    pub fn len(&self) -> usize {
        match &self.m {
            Members::I16(v) => v.len(),
            Members::I32(v) => v.len(),
            Members::I64(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes per member: 2, 4 or 8 (`INTSET_ENC_INT16/32/64`).
    pub fn encoding_width(&self) -> usize {
        match &self.m {
            Members::I16(_) => 2,
            Members::I32(_) => 4,
            Members::I64(_) => 8,
        }
    }

    /// Serialized size (`intsetBlobLen`): 8-byte header plus members.
    pub fn blob_len(&self) -> usize {
        8 + self.len() * self.encoding_width()
    }

    /// `Ok(index)` if present, else `Err(insertion index)`.
    fn search(&self, v: i64) -> Result<usize, usize> {
        match &self.m {
            Members::I16(a) => search_in!(a, v, i16),
            Members::I32(a) => search_in!(a, v, i32),
            Members::I64(a) => a.binary_search(&v),
        }
    }

    fn upgrade(&mut self, width: usize) {
        let m = std::mem::replace(&mut self.m, Members::I16(Vec::new()));
        self.m = match (m, width) {
            (Members::I16(a), 4) => Members::I32(a.into_iter().map(i32::from).collect()),
            (Members::I16(a), 8) => Members::I64(a.into_iter().map(i64::from).collect()),
            (Members::I32(a), 8) => Members::I64(a.into_iter().map(i64::from).collect()),
            (m, _) => m,
        };
    }

    /// Adds `v`; false if it was already a member.
    pub fn add(&mut self, v: i64) -> bool {
        if width_for(v) > self.encoding_width() {
            self.upgrade(width_for(v));
        }
        let Err(i) = self.search(v) else { return false };
        // The casts cannot truncate: the width was raised above to fit `v`.
        match &mut self.m {
            Members::I16(a) => a.insert(i, v as i16),
            Members::I32(a) => a.insert(i, v as i32),
            Members::I64(a) => a.insert(i, v),
        }
        true
    }

    /// Removes `v`; false if it was not a member. Never downgrades.
    pub fn remove(&mut self, v: i64) -> bool {
        let Ok(i) = self.search(v) else { return false };
        match &mut self.m {
            Members::I16(a) => {
                a.remove(i);
            }
            Members::I32(a) => {
                a.remove(i);
            }
            Members::I64(a) => {
                a.remove(i);
            }
        }
        true
    }

    pub fn contains(&self, v: i64) -> bool {
        self.search(v).is_ok()
    }

    /// Member at sorted position `idx`.
    pub fn get(&self, idx: usize) -> Option<i64> {
        match &self.m {
            Members::I16(a) => a.get(idx).map(|&x| x as i64),
            Members::I32(a) => a.get(idx).map(|&x| x as i64),
            Members::I64(a) => a.get(idx).copied(),
        }
    }

    pub fn min(&self) -> Option<i64> {
        self.get(0)
    }

    pub fn max(&self) -> Option<i64> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// Ascending iteration.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            set: self,
            front: 0,
            back: self.len(),
        }
    }

    /// A uniformly chosen member (`intsetRandom`), advancing the caller's
    /// splitmix64 state `rng`.
    pub fn random(&self, rng: &mut u64) -> Option<i64> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        *rng = rng.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        self.get((z % n as u64) as usize)
    }

    /// The Redis intset byte image (RDB `RDB_TYPE_SET_INTSET` payload).
    pub fn to_blob(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.blob_len());
        out.extend_from_slice(&(self.encoding_width() as u32).to_le_bytes());
        out.extend_from_slice(&(self.len() as u32).to_le_bytes());
        match &self.m {
            Members::I16(a) => a
                .iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
            Members::I32(a) => a
                .iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
            Members::I64(a) => a
                .iter()
                .for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
        }
        out
    }

    /// Parses a blob with `intsetValidateIntegrity`'s deep checks: known
    /// encoding, size consistent with the length, non-empty, strictly
    /// ascending. The stored width is kept even if the values would fit a
    /// narrower one (Redis never downgrades either).
    pub fn from_blob(b: &[u8]) -> Option<IntSet> {
        let enc = u32::from_le_bytes(b.get(0..4)?.try_into().ok()?) as usize;
        let count = u32::from_le_bytes(b.get(4..8)?.try_into().ok()?) as usize;
        if !matches!(enc, 2 | 4 | 8)
            || count == 0
            || count.checked_mul(enc)?.checked_add(8)? != b.len()
        {
            return None;
        }
        let data = &b[8..];
        let m = match enc {
            2 => Members::I16(
                data.chunks_exact(2)
                    .map(|c| i16::from_le_bytes([c[0], c[1]]))
                    .collect(),
            ),
            4 => Members::I32(
                data.chunks_exact(4)
                    .map(|c| i32::from_le_bytes(c.try_into().unwrap()))
                    .collect(),
            ),
            _ => Members::I64(
                data.chunks_exact(8)
                    .map(|c| i64::from_le_bytes(c.try_into().unwrap()))
                    .collect(),
            ),
        };
        let set = IntSet { m };
        let ascending = set.iter().zip(set.iter().skip(1)).all(|(a, b)| a < b);
        ascending.then_some(set)
    }
}

pub struct Iter<'a> {
    set: &'a IntSet,
    front: usize,
    back: usize,
}

impl Iterator for Iter<'_> {
    type Item = i64;

    fn next(&mut self) -> Option<i64> {
        if self.front >= self.back {
            return None;
        }
        self.front += 1;
        self.set.get(self.front - 1)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<i64> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.set.get(self.back)
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn add_remove_contains() {
        let mut s = IntSet::new();
        assert!(s.is_empty());
        assert_eq!((s.min(), s.max()), (None, None));
        for v in [5, 1, 3, -2, 3] {
            s.add(v);
        }
        assert!(!s.add(5));
        assert_eq!(s.iter().collect::<Vec<_>>(), [-2, 1, 3, 5]);
        assert_eq!(s.iter().rev().collect::<Vec<_>>(), [5, 3, 1, -2]);
        assert!(s.contains(3) && !s.contains(4) && !s.contains(1 << 40));
        assert!(s.remove(3));
        assert!(!s.remove(3));
        assert!(!s.remove(1 << 40), "value wider than the encoding");
        assert_eq!((s.min(), s.max(), s.len()), (Some(-2), Some(5), 3));
        assert_eq!(s.get(1), Some(1));
        assert_eq!(s.get(3), None);
        assert_eq!(s.encoding_width(), 2);
        assert_eq!(s.blob_len(), 8 + 3 * 2);
    }

    #[test]
    fn upgrade_and_never_downgrade() {
        let mut s = IntSet::new();
        s.add(32);
        assert_eq!(s.encoding_width(), 2);
        s.add(65535);
        assert_eq!(s.encoding_width(), 4);
        assert_eq!(s.iter().collect::<Vec<_>>(), [32, 65535]);
        s.add(-4_294_967_295);
        assert_eq!(s.encoding_width(), 8);
        assert_eq!(s.iter().collect::<Vec<_>>(), [-4_294_967_295, 32, 65535]);
        s.add(i64::MAX);
        s.add(i64::MIN);
        assert_eq!(s.min(), Some(i64::MIN));
        assert_eq!(s.max(), Some(i64::MAX));
        s.remove(i64::MAX);
        s.remove(i64::MIN);
        s.remove(-4_294_967_295);
        assert_eq!(s.encoding_width(), 8);
        assert_eq!(s.blob_len(), 8 + 2 * 8);
        let mut t = IntSet::new();
        t.add(1);
        t.add(i16::MIN as i64 - 1);
        assert_eq!(t.encoding_width(), 4);
        assert_eq!(t.iter().collect::<Vec<_>>(), [-32769, 1]);
        assert!(t.contains(-32769));
        assert!(!t.contains(i32::MAX as i64 + 1));
    }

    #[test]
    fn blob_roundtrip() {
        let mut s = IntSet::new();
        for v in [3, -1, 70000] {
            s.add(v);
        }
        let b = s.to_blob();
        assert_eq!(&b[..8], &[4, 0, 0, 0, 3, 0, 0, 0]);
        assert_eq!(&b[8..12], &(-1i32).to_le_bytes());
        assert_eq!(IntSet::from_blob(&b), Some(s.clone()));
        let mut dup = b.clone();
        dup[12..16].copy_from_slice(&(-1i32).to_le_bytes());
        assert_eq!(IntSet::from_blob(&dup), None);
        assert_eq!(IntSet::from_blob(&b[..b.len() - 1]), None);
        assert_eq!(
            IntSet::from_blob(&IntSet::new().to_blob()),
            None,
            "empty is corrupt"
        );
        let mut bad_enc = b.clone();
        bad_enc[0] = 3;
        assert_eq!(IntSet::from_blob(&bad_enc), None);
    }

    #[test]
    fn random_member() {
        let mut s = IntSet::new();
        let mut rng = 42u64;
        assert_eq!(s.random(&mut rng), None);
        for v in 0..10 {
            s.add(v * 1000);
        }
        let mut seen = BTreeSet::new();
        for _ in 0..1000 {
            let v = s.random(&mut rng).unwrap();
            assert!(s.contains(v));
            seen.insert(v);
        }
        assert_eq!(seen.len(), 10);
    }

    #[test]
    fn random_against_model() {
        let mut rng = 7u64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut s = IntSet::new();
        let mut model = BTreeSet::new();
        for _ in 0..20_000 {
            let r = next();
            let v = match r % 4 {
                0 => (r >> 8) as i64 % 100,
                1 => (r >> 8) as i64 % 100_000,
                2 => (r >> 8) as i64 % 10_000_000_000,
                _ => r as i64,
            };
            if r % 3 == 0 {
                assert_eq!(s.remove(v), model.remove(&v));
            } else {
                assert_eq!(s.add(v), model.insert(v));
            }
            assert_eq!(s.len(), model.len());
        }
        assert!(s.iter().eq(model.iter().copied()));
    }
}
