//! Sorted sets: a listpack of member, score pairs ordered by score then
//! member while small (zset-max-listpack-entries / -value), then a
//! skiplist + member index ([`ZsetSkiplist`]).
//!
//! Large encoding memory: each member is stored once, in the skiplist's
//! side table (inline up to 21 bytes, so short members cost no allocation
//! of their own). The member -> score index is a `HashTable` of the
//! skiplist's 4-byte `NodeId`s whose keys are read through the skiplist
//! (the table's `KeyOf` context), so it adds about 7 bytes of slots per
//! member instead of a second copy of the member plus a dict entry. Score
//! lookup (ZSCORE, ZADD update): index -> node -> score cell. This relies
//! on node ids staying valid while the member is in the set: the skiplist
//! moves a block only in `compact`, which is never called here, and
//! `update_score` keeps the block (see its docs).
//!
//! Threads: main thread only (values live in the keyspace).
//! Ordering: both encodings keep (score, member) ascending, members compared
//! bytewise, as Redis's zslValueLteMin/zzlCompareElements do.
//! Conversion: listpack -> skiplist when an insert would exceed either
//! threshold (zsetTypeMaybeConvert); a set built by a STORE command starts
//! in whichever encoding its final size fits (zsetConvertToListpackIfNeeded).
//! Listpack mutations re-encode the (at most zset-max-listpack-entries)
//! pairs; that is O(n) like Redis's in-place listpack edits.
//! Not done: skiplist -> listpack conversion on shrink (Redis does not do it
//! either outside of STORE targets).

use std::cell::Cell;

use crate::ds::hashtable::{HashTable, KeyOf};
use crate::ds::listpack::{Listpack, LpValue};
use crate::ds::skiplist::{LexRange, NodeId, ScoreRange, SkipList, format_score, parse_score};

// The skiplist variant is a few hundred bytes inline; a `ZSet` always
// lives boxed in `Value`, so the size difference costs nothing per key.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub enum ZSet {
    Listpack(Listpack),
    Skiplist(ZsetSkiplist),
}

/// The index's elements are node ids; their keys are the members, read
/// from the skiplist.
impl KeyOf<NodeId> for SkipList {
    #[inline]
    fn key_of<'a>(&'a self, e: &'a NodeId) -> &'a [u8] {
        self.node_member(*e)
    }
}

/// The large encoding: `zsl` owns every member and score; `index` finds a
/// member's node (Redis's zset dict, minus the duplicate member).
pub struct ZsetSkiplist {
    pub zsl: SkipList,
    index: HashTable<NodeId>,
    /// The node the last successful `score` lookup found, with the
    /// skiplist epoch it was found in. ZADD asks for a member's score and
    /// then sets it; `set` reuses this (after checking the epoch and the
    /// member) instead of hashing and probing the index a second time.
    last: Cell<Option<(u64, NodeId)>>,
}

impl Clone for ZsetSkiplist {
    /// A cloned skiplist keeps every block offset, so the node ids are the
    /// same; the index is rebuilt because its slots are laid out by hashes
    /// it does not store.
    fn clone(&self) -> Self {
        let zsl = self.zsl.clone();
        let mut index = HashTable::with_capacity(self.index.len());
        for &id in self.index.iter() {
            index.insert_new_in(id, &zsl);
        }
        ZsetSkiplist {
            zsl,
            index,
            last: Cell::new(None),
        }
    }
}

impl Default for ZsetSkiplist {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl ZsetSkiplist {
    pub fn with_capacity(n: usize) -> Self {
        ZsetSkiplist {
            zsl: SkipList::new(),
            index: HashTable::with_capacity(n),
            last: Cell::new(None),
        }
    }

    pub fn len(&self) -> usize {
        self.zsl.len()
    }

    pub fn is_empty(&self) -> bool {
        self.zsl.is_empty()
    }

    /// Bytes of the skiplist (pool, side table, long members) and of the
    /// index (its buckets hold the 4-byte ids themselves).
    pub fn mem_usage(&self) -> usize {
        self.zsl.mem_usage() + self.index.mem_usage()
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        let id = *self.index.get_in(member, &self.zsl)?;
        self.last.set(Some((self.zsl.epoch(), id)));
        Some(self.zsl.node_score(id))
    }

    /// Adds a member the caller knows is absent.
    fn insert_new(&mut self, member: &[u8], score: f64) {
        let id = self.zsl.insert(score, member);
        self.index.insert_new_in(id, &self.zsl);
    }

    /// The node remembered by `score` if it is still valid and is
    /// `member`'s: no removal since (same epoch), so the id still names a
    /// live element, and members are unique.
    #[inline]
    fn remembered(&self, member: &[u8]) -> Option<NodeId> {
        match self.last.take() {
            Some((epoch, id))
                if epoch == self.zsl.epoch() && self.zsl.node_member(id) == member =>
            {
                Some(id)
            }
            _ => None,
        }
    }

    /// Sets `member`'s score, adding it if absent; true when added.
    pub fn set(&mut self, member: &[u8], score: f64) -> bool {
        let found = match self.remembered(member) {
            Some(id) => {
                // Keep the index rehash moving as the lookup below would.
                self.index.rehash_steps_in(1, &self.zsl);
                Some(id)
            }
            None => {
                // get_mut rather than get: it advances an index rehash, as
                // Redis's dictFind does, so a run of updates also finishes
                // one. The hash is kept for the insert.
                let h = HashTable::<NodeId>::hash_key(member);
                match self.index.get_mut_hashed_in(h, member, &self.zsl) {
                    Some(id) => Some(*id),
                    None => {
                        let id = self.zsl.insert(score, member);
                        self.index.insert_new_hashed_in(h, id, &self.zsl);
                        return true;
                    }
                }
            }
        };
        if let Some(id) = found
            && self.zsl.node_score(id) != score
        {
            self.zsl.update_node_score(id, member, score);
        }
        false
    }

    /// Removes `member`; returns its score if it was present.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        // Index first: its hashing and compares read the member from the
        // skiplist, which must still hold it.
        let id = self.index.remove_in(member, &self.zsl)?;
        let s = self.zsl.node_score(id);
        self.zsl.delete(s, member);
        Some(s)
    }

    /// 0-based rank from the bottom and score.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        let s = self.score(member)?;
        Some((self.zsl.rank(s, member)? - 1, s))
    }

    /// One ZSCAN step over the index (its SCAN guarantee: a member present
    /// for the whole scan is reported, whatever resizes happen).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8], f64)) -> u64 {
        self.index.scan(cursor, |&id| {
            f(self.zsl.node_member(id), self.zsl.node_score(id))
        })
    }
}

/// An owned (member, score) pair, the unit every range query returns.
pub type Pair = (Vec<u8>, f64);

/// Listpack scores never read back as -0: Redis 7.0 writes a listpack
/// score through d2string's integer fast path, so `ZADD z -0 m` stores "0"
/// (the skiplist encoding keeps -0 and replies "-0").
fn lp_score(v: LpValue<'_>) -> f64 {
    match v {
        LpValue::Int(i) => i as f64,
        LpValue::Str(s) => parse_score(s).unwrap_or(0.0) + 0.0,
    }
}

fn cmp_pair(a: (&[u8], f64), b: (&[u8], f64)) -> std::cmp::Ordering {
    a.1.partial_cmp(&b.1)
        .unwrap_or(std::cmp::Ordering::Equal)
        .then_with(|| a.0.cmp(b.0))
}

impl ZSet {
    pub fn len(&self) -> usize {
        match self {
            ZSet::Listpack(lp) => lp.len() / 2,
            ZSet::Skiplist(z) => z.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn encoding(&self) -> &'static str {
        match self {
            ZSet::Listpack(_) => "listpack",
            ZSet::Skiplist(_) => "skiplist",
        }
    }
    /// The skiplist's length (each node one allocation), 1 when compact.
    pub fn free_effort(&self) -> usize {
        match self {
            ZSet::Listpack(_) => 1,
            ZSet::Skiplist(z) => z.len(),
        }
    }
    pub fn mem_usage(&self) -> usize {
        match self {
            ZSet::Listpack(lp) => lp.alloc_size(),
            ZSet::Skiplist(z) => z.mem_usage(),
        }
    }

    /// An empty set in the encoding that `size_hint` elements whose longest
    /// member is `max_len` bytes would get (zsetTypeCreate).
    pub fn with_hint(
        size_hint: usize,
        max_len: usize,
        max_entries: usize,
        max_value: usize,
    ) -> ZSet {
        if listpack_fits(size_hint, max_len, 0, max_entries, max_value) {
            ZSet::Listpack(Listpack::new())
        } else {
            ZSet::Skiplist(ZsetSkiplist::default())
        }
    }

    /// Builds a set from pairs (any order, unique members), choosing the
    /// encoding by the final size as ZUNIONSTORE/ZRANGESTORE do.
    pub fn from_pairs(mut pairs: Vec<Pair>, max_entries: usize, max_value: usize) -> ZSet {
        let max_len = pairs.iter().map(|p| p.0.len()).max().unwrap_or(0);
        let total_len = pairs.iter().map(|p| p.0.len()).sum();
        let mut z = if listpack_fits(pairs.len(), max_len, total_len, max_entries, max_value) {
            ZSet::Listpack(Listpack::new())
        } else {
            ZSet::Skiplist(ZsetSkiplist::default())
        };
        match &mut z {
            ZSet::Listpack(lp) => {
                pairs.sort_by(|a, b| cmp_pair((&a.0, a.1), (&b.0, b.1)));
                *lp = build_lp(&pairs);
            }
            ZSet::Skiplist(z) => {
                for (m, s) in pairs {
                    z.insert_new(&m, s);
                }
            }
        }
        z
    }

    fn lp_pairs(lp: &Listpack) -> Vec<Pair> {
        let mut out = Vec::with_capacity(lp.len() / 2);
        let mut it = lp.iter();
        while let (Some(m), Some(s)) = (it.next(), it.next()) {
            out.push((m.to_vec(), lp_score(s)));
        }
        out
    }

    /// All pairs in ascending order.
    pub fn to_vec(&self) -> Vec<Pair> {
        match self {
            ZSet::Listpack(lp) => Self::lp_pairs(lp),
            ZSet::Skiplist(z) => z.zsl.iter().map(|(m, s)| (m.to_vec(), s)).collect(),
        }
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match self {
            ZSet::Listpack(lp) => {
                let mut it = lp.iter();
                while let (Some(m), Some(s)) = (it.next(), it.next()) {
                    if m.eq_bytes(member) {
                        return Some(lp_score(s));
                    }
                }
                None
            }
            ZSet::Skiplist(z) => z.score(member),
        }
    }

    /// Converts to the skiplist encoding (zsetConvert).
    pub fn convert_to_skiplist(&mut self) {
        if let ZSet::Listpack(lp) = self {
            let pairs = Self::lp_pairs(lp);
            let mut z = ZsetSkiplist::with_capacity(pairs.len());
            for (m, s) in pairs {
                z.insert_new(&m, s);
            }
            *self = ZSet::Skiplist(z);
        }
    }

    /// Sets `member`'s score, adding it if absent. Returns true when added.
    /// Converts to a skiplist first when the listpack would pass a limit.
    pub fn set(&mut self, member: &[u8], score: f64, max_entries: usize, max_value: usize) -> bool {
        if let ZSet::Listpack(lp) = self {
            let mut pairs = Self::lp_pairs(lp);
            if let Some(i) = pairs.iter().position(|p| p.0 == member) {
                pairs.remove(i);
                insert_sorted(&mut pairs, member.to_vec(), score);
                *lp = build_lp(&pairs);
                return false;
            }
            if listpack_takes(
                lp.bytes_len(),
                pairs.len(),
                member.len(),
                max_entries,
                max_value,
            ) {
                insert_sorted(&mut pairs, member.to_vec(), score);
                *lp = build_lp(&pairs);
                return true;
            }
            self.convert_to_skiplist();
        }
        let ZSet::Skiplist(z) = self else {
            unreachable!()
        };
        z.set(member, score)
    }

    /// Removes `member`; returns its score if it was present.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        match self {
            ZSet::Listpack(lp) => {
                let mut pairs = Self::lp_pairs(lp);
                let i = pairs.iter().position(|p| p.0 == member)?;
                let (_, s) = pairs.remove(i);
                *lp = build_lp(&pairs);
                Some(s)
            }
            ZSet::Skiplist(z) => z.remove(member),
        }
    }

    /// 0-based rank (from the top when `rev`) and score of `member`.
    pub fn rank(&self, member: &[u8], rev: bool) -> Option<(usize, f64)> {
        let n = self.len();
        let (r, s) = match self {
            ZSet::Listpack(lp) => {
                let pairs = Self::lp_pairs(lp);
                let i = pairs.iter().position(|p| p.0 == member)?;
                (i, pairs[i].1)
            }
            ZSet::Skiplist(z) => z.rank(member)?,
        };
        Some((if rev { n - 1 - r } else { r }, s))
    }

    /// Pairs with 0-based ranks `start..=end` (already clamped to the set),
    /// counted from the top when `rev`, in that order.
    pub fn range_by_rank(&self, start: usize, end: usize, rev: bool) -> Vec<Pair> {
        let n = self.len();
        if start > end || start >= n {
            return Vec::new();
        }
        let end = end.min(n - 1);
        match self {
            ZSet::Listpack(lp) => {
                let pairs = Self::lp_pairs(lp);
                if rev {
                    pairs[n - 1 - end..n - start]
                        .iter()
                        .rev()
                        .cloned()
                        .collect()
                } else {
                    pairs[start..=end].to_vec()
                }
            }
            ZSet::Skiplist(ZsetSkiplist { zsl, .. }) => {
                let mut out = Vec::with_capacity(end - start + 1);
                let first = if rev { n - start } else { start + 1 };
                let mut cur = zsl.by_rank(first);
                while let Some(id) = cur {
                    if out.len() > end - start {
                        break;
                    }
                    out.push((zsl.node_member(id).to_vec(), zsl.node_score(id)));
                    cur = if rev { zsl.prev(id) } else { zsl.next(id) };
                }
                out
            }
        }
    }

    /// Pairs whose score is in `r`, ascending (descending when `rev`),
    /// skipping `offset` and returning at most `limit` (< 0: all).
    pub fn range_by_score(
        &self,
        r: &ScoreRange,
        rev: bool,
        offset: usize,
        limit: i64,
    ) -> Vec<Pair> {
        match self {
            ZSet::Listpack(lp) => select(
                Self::lp_pairs(lp),
                |p| r.value_gte_min(p.1) && r.value_lte_max(p.1),
                rev,
                offset,
                limit,
            ),
            ZSet::Skiplist(ZsetSkiplist { zsl, .. }) => {
                let start = if rev {
                    zsl.last_in_range(r)
                } else {
                    zsl.first_in_range(r)
                };
                walk(zsl, start, rev, offset, limit, |s, _| {
                    r.value_gte_min(s) && r.value_lte_max(s)
                })
            }
        }
    }

    /// Visits the pairs whose score is in `r` in ascending order until `f`
    /// returns false, without copying them (zzlFirstInRange /
    /// zslFirstInRange and a forward walk, as geo.c's cell scans do). `f`
    /// gets the score and a getter for the member, so members it skips
    /// are never read.
    pub fn scan_score_range(
        &self,
        r: &ScoreRange,
        mut f: impl FnMut(f64, &dyn Fn() -> Vec<u8>) -> bool,
    ) {
        match self {
            ZSet::Listpack(lp) => {
                let mut it = lp.iter();
                while let (Some(m), Some(s)) = (it.next(), it.next()) {
                    let s = lp_score(s);
                    if !r.value_gte_min(s) {
                        continue;
                    }
                    if !r.value_lte_max(s) || !f(s, &|| m.to_vec()) {
                        return;
                    }
                }
            }
            ZSet::Skiplist(ZsetSkiplist { zsl, .. }) => {
                let mut cur = zsl.first_in_range(r);
                while let Some(id) = cur {
                    let s = zsl.node_score(id);
                    if !r.value_lte_max(s) || !f(s, &|| zsl.node_member(id).to_vec()) {
                        return;
                    }
                    cur = zsl.next(id);
                }
            }
        }
    }

    /// Like [`range_by_score`](Self::range_by_score) over a member range.
    pub fn range_by_lex(&self, r: &LexRange, rev: bool, offset: usize, limit: i64) -> Vec<Pair> {
        match self {
            ZSet::Listpack(lp) => select(
                Self::lp_pairs(lp),
                |p| r.gte_min(&p.0) && r.lte_max(&p.0),
                rev,
                offset,
                limit,
            ),
            ZSet::Skiplist(ZsetSkiplist { zsl, .. }) => {
                let start = if rev {
                    zsl.last_in_lex_range(r)
                } else {
                    zsl.first_in_lex_range(r)
                };
                walk(zsl, start, rev, offset, limit, |_, m| {
                    r.gte_min(m) && r.lte_max(m)
                })
            }
        }
    }

    pub fn count_in_range(&self, r: &ScoreRange) -> usize {
        match self {
            ZSet::Listpack(_) => self.range_by_score(r, false, 0, -1).len(),
            ZSet::Skiplist(z) => z.zsl.count_in_range(r),
        }
    }

    pub fn count_in_lex_range(&self, r: &LexRange) -> usize {
        match self {
            ZSet::Listpack(_) => self.range_by_lex(r, false, 0, -1).len(),
            ZSet::Skiplist(z) => z.zsl.count_in_lex_range(r),
        }
    }

    /// Removes the given members (ZREMRANGEBY*, ZPOP*); returns how many.
    pub fn remove_pairs(&mut self, pairs: &[Pair]) -> usize {
        match self {
            ZSet::Listpack(lp) => {
                let mut all = Self::lp_pairs(lp);
                let before = all.len();
                all.retain(|p| !pairs.iter().any(|q| q.0 == p.0));
                *lp = build_lp(&all);
                before - all.len()
            }
            ZSet::Skiplist(z) => pairs.iter().filter(|(m, _)| z.remove(m).is_some()).count(),
        }
    }

    /// Every member (for ZSCAN and random picks) with its score, in order.
    pub fn member_at(&self, rank: usize) -> Option<Pair> {
        self.range_by_rank(rank, rank, false).into_iter().next()
    }
}

/// Whether `count` members, the longest `max_len` bytes and `total_len`
/// bytes together, belong in a listpack (zsetTypeCreate with the size
/// hints; zsetConvertToListpackIfNeeded also asks `lpSafeToAdd(NULL,
/// totelelen)`, which only STORE targets know in advance).
fn listpack_fits(
    count: usize,
    max_len: usize,
    total_len: usize,
    max_entries: usize,
    max_value: usize,
) -> bool {
    count <= max_entries
        && max_len <= max_value
        && max_entries > 0
        && Listpack::safe_size(total_len)
}

/// Whether a listpack set of `pairs` pairs taking `lp_bytes` bytes may take
/// a new member of `member_len` bytes, or must become a skiplist first
/// (zsetAdd before zzlInsert: both thresholds, and `lpSafeToAdd` so a
/// listpack never passes its 1 GiB safety size, CVE-2021-32627/32628).
fn listpack_takes(
    lp_bytes: usize,
    pairs: usize,
    member_len: usize,
    max_entries: usize,
    max_value: usize,
) -> bool {
    pairs < max_entries
        && member_len <= max_value
        && Listpack::safe_size(lp_bytes.saturating_add(member_len))
}

fn insert_sorted(pairs: &mut Vec<Pair>, m: Vec<u8>, s: f64) {
    let i = pairs.partition_point(|p| cmp_pair((&p.0, p.1), (&m, s)).is_lt());
    pairs.insert(i, (m, s));
}

fn build_lp(pairs: &[Pair]) -> Listpack {
    let mut lp = Listpack::new();
    let mut buf = Vec::with_capacity(32);
    for (m, s) in pairs {
        lp.append(m);
        buf.clear();
        format_score(*s, &mut buf);
        lp.append(&buf);
    }
    lp
}

fn select(
    pairs: Vec<Pair>,
    keep: impl Fn(&Pair) -> bool,
    rev: bool,
    offset: usize,
    limit: i64,
) -> Vec<Pair> {
    let it: Box<dyn Iterator<Item = Pair>> = if rev {
        Box::new(pairs.into_iter().rev())
    } else {
        Box::new(pairs.into_iter())
    };
    let take = if limit < 0 {
        usize::MAX
    } else {
        limit as usize
    };
    it.filter(|p| keep(p)).skip(offset).take(take).collect()
}

fn walk(
    zsl: &SkipList,
    start: Option<crate::ds::skiplist::NodeId>,
    rev: bool,
    offset: usize,
    limit: i64,
    within: impl Fn(f64, &[u8]) -> bool,
) -> Vec<Pair> {
    let mut out = Vec::new();
    let mut cur = start;
    let mut skip = offset;
    let take = if limit < 0 {
        usize::MAX
    } else {
        limit as usize
    };
    while let Some(id) = cur {
        if out.len() >= take {
            break;
        }
        let (s, m) = (zsl.node_score(id), zsl.node_member(id));
        if !within(s, m) {
            break;
        }
        if skip > 0 {
            skip -= 1;
        } else {
            out.push((m.to_vec(), s));
        }
        cur = if rev { zsl.prev(id) } else { zsl.next(id) };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ds::listpack::LISTPACK_MAX_SAFETY_SIZE;

    #[test]
    fn converts_at_entry_and_value_thresholds() {
        let mut z = ZSet::with_hint(0, 0, 128, 64);
        for i in 0..128 {
            z.set(format!("m{i}").as_bytes(), i as f64, 128, 64);
        }
        assert_eq!(z.encoding(), "listpack");
        z.set(b"m128", 0.5, 128, 64);
        assert_eq!(z.encoding(), "skiplist");
        assert_eq!(z.len(), 129);
        assert_eq!(z.rank(b"m128", false), Some((1, 0.5)));

        let mut z = ZSet::with_hint(0, 0, 128, 64);
        z.set(&[b'a'; 64], 1.0, 128, 64);
        assert_eq!(z.encoding(), "listpack");
        z.set(&[b'b'; 65], 2.0, 128, 64);
        assert_eq!(z.encoding(), "skiplist");
        assert_eq!(z.to_vec().len(), 2);
    }

    #[test]
    fn listpack_takes_stops_at_the_safety_size() {
        // zset-max-listpack-value 4294967295 and proto-max-bulk-len 2gb: a
        // fourth 300 MB member would take the listpack past 1 GiB, so the
        // set converts (it used to stay a 1.2 GB listpack, and past 4 GiB
        // the listpack header could not hold its size).
        let big = 300 << 20;
        let max_value = u32::MAX as usize;
        assert!(listpack_takes(3 * (big + 16), 3, 100, 128, max_value));
        assert!(!listpack_takes(3 * (big + 16), 3, big, 128, max_value));
        assert!(listpack_takes(
            LISTPACK_MAX_SAFETY_SIZE - 10,
            1,
            10,
            128,
            max_value
        ));
        assert!(!listpack_takes(
            LISTPACK_MAX_SAFETY_SIZE - 10,
            1,
            11,
            128,
            max_value
        ));
        assert!(!listpack_takes(usize::MAX - 1, 1, 10, 128, max_value));
        // The thresholds still apply on their own.
        assert!(!listpack_takes(100, 128, 1, 128, 64));
        assert!(!listpack_takes(100, 1, 65, 128, 64));
    }

    #[test]
    fn store_target_skips_listpack_past_safety_size() {
        // ZUNIONSTORE & co. with raised thresholds: 4 members of 300 MB
        // exceed the safety size together, though each is under the limits.
        let big = 300 << 20;
        let max_value = u32::MAX as usize;
        assert!(listpack_fits(4, big, 3 * big, 128, max_value));
        assert!(!listpack_fits(4, big, 4 * big, 128, max_value));
        assert!(listpack_fits(
            1,
            10,
            LISTPACK_MAX_SAFETY_SIZE,
            128,
            max_value
        ));
        assert!(!listpack_fits(
            1,
            10,
            LISTPACK_MAX_SAFETY_SIZE + 1,
            128,
            max_value
        ));
        assert!(!listpack_fits(129, 1, 129, 128, 64));
        assert!(!listpack_fits(1, 65, 65, 128, 64));
        assert!(!listpack_fits(0, 0, 0, 0, 64));
        let z = ZSet::from_pairs(vec![(b"a".to_vec(), 1.0)], 128, 64);
        assert_eq!(z.encoding(), "listpack");
    }

    #[test]
    fn both_encodings_agree() {
        for max in [128usize, 0] {
            let mut z = ZSet::with_hint(0, 0, max, 64);
            for (m, s) in [("b", 2.0), ("a", 2.0), ("c", -1.5), ("d", f64::INFINITY)] {
                z.set(m.as_bytes(), s, max, 64);
            }
            let v: Vec<_> = z.to_vec().into_iter().map(|p| p.0).collect();
            assert_eq!(
                v,
                vec![b"c".to_vec(), b"a".to_vec(), b"b".to_vec(), b"d".to_vec()]
            );
            let r = ScoreRange::parse(b"(-1.5", b"+inf").unwrap();
            assert_eq!(z.range_by_score(&r, true, 1, 2).len(), 2);
            assert_eq!(z.range_by_score(&r, true, 1, 2)[0].0, b"b");
            assert_eq!(z.range_by_rank(1, 2, true)[0].0, b"b");
            assert_eq!(z.remove(b"a"), Some(2.0));
            assert_eq!(z.score(b"a"), None);
            assert_eq!(z.len(), 3);
        }
    }
}
