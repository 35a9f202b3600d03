//! Sorted sets: a listpack of member, score pairs ordered by score then
//! member while small (zset-max-listpack-entries / -value), then a
//! skiplist + dict.
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

use crate::ds::dict::Dict;
use crate::ds::listpack::{Listpack, LpValue};
use crate::ds::skiplist::{LexRange, ScoreRange, SkipList, format_score, parse_score};

pub enum ZSet {
    Listpack(Listpack),
    Skiplist {
        dict: Dict<Box<[u8]>, f64>,
        zsl: SkipList,
    },
}

/// An owned (member, score) pair, the unit every range query returns.
pub type Pair = (Vec<u8>, f64);

fn lp_score(v: LpValue<'_>) -> f64 {
    match v {
        LpValue::Int(i) => i as f64,
        LpValue::Str(s) => parse_score(s).unwrap_or(0.0),
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
            ZSet::Skiplist { zsl, .. } => zsl.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn encoding(&self) -> &'static str {
        match self {
            ZSet::Listpack(_) => "listpack",
            ZSet::Skiplist { .. } => "skiplist",
        }
    }
    /// The skiplist's length (each node one allocation), 1 when compact.
    pub fn free_effort(&self) -> usize {
        match self {
            ZSet::Listpack(_) => 1,
            ZSet::Skiplist { zsl, .. } => zsl.len(),
        }
    }
    pub fn mem_usage(&self) -> usize {
        match self {
            ZSet::Listpack(lp) => lp.alloc_size(),
            ZSet::Skiplist { dict, zsl } => dict.mem_overhead() + zsl.mem_usage(),
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
        if size_hint <= max_entries && max_len <= max_value && max_entries > 0 {
            ZSet::Listpack(Listpack::new())
        } else {
            ZSet::Skiplist {
                dict: Dict::new(),
                zsl: SkipList::new(),
            }
        }
    }

    /// Builds a set from pairs (any order, unique members), choosing the
    /// encoding by the final size as ZUNIONSTORE/ZRANGESTORE do.
    pub fn from_pairs(mut pairs: Vec<Pair>, max_entries: usize, max_value: usize) -> ZSet {
        let max_len = pairs.iter().map(|p| p.0.len()).max().unwrap_or(0);
        let mut z = ZSet::with_hint(pairs.len(), max_len, max_entries, max_value);
        match &mut z {
            ZSet::Listpack(lp) => {
                pairs.sort_by(|a, b| cmp_pair((&a.0, a.1), (&b.0, b.1)));
                *lp = build_lp(&pairs);
            }
            ZSet::Skiplist { dict, zsl } => {
                for (m, s) in pairs {
                    let b: Box<[u8]> = m.into_boxed_slice();
                    dict.insert(b.clone(), s);
                    zsl.insert(s, b);
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
            ZSet::Skiplist { zsl, .. } => zsl.iter().map(|(m, s)| (m.to_vec(), s)).collect(),
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
            ZSet::Skiplist { dict, .. } => dict.get(member).copied(),
        }
    }

    /// Converts to the skiplist encoding (zsetConvert).
    pub fn convert_to_skiplist(&mut self) {
        if let ZSet::Listpack(lp) = self {
            let pairs = Self::lp_pairs(lp);
            let mut dict = Dict::with_capacity(pairs.len());
            let mut zsl = SkipList::new();
            for (m, s) in pairs {
                let b: Box<[u8]> = m.into_boxed_slice();
                dict.insert(b.clone(), s);
                zsl.insert(s, b);
            }
            *self = ZSet::Skiplist { dict, zsl };
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
            if pairs.len() < max_entries && member.len() <= max_value {
                insert_sorted(&mut pairs, member.to_vec(), score);
                *lp = build_lp(&pairs);
                return true;
            }
            self.convert_to_skiplist();
        }
        let ZSet::Skiplist { dict, zsl } = self else {
            unreachable!()
        };
        match dict.get_mut(member) {
            Some(cur) => {
                if *cur != score {
                    zsl.update_score(*cur, member, score);
                    *cur = score;
                }
                false
            }
            None => {
                let b: Box<[u8]> = member.into();
                dict.insert(b.clone(), score);
                zsl.insert(score, b);
                true
            }
        }
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
            ZSet::Skiplist { dict, zsl } => {
                let (_, s) = dict.remove(member)?;
                zsl.delete(s, member);
                Some(s)
            }
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
            ZSet::Skiplist { dict, zsl } => {
                let s = *dict.get(member)?;
                (zsl.rank(s, member)? - 1, s)
            }
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
            ZSet::Skiplist { zsl, .. } => {
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
            ZSet::Skiplist { zsl, .. } => {
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
            ZSet::Skiplist { zsl, .. } => {
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
            ZSet::Skiplist { zsl, .. } => zsl.count_in_range(r),
        }
    }

    pub fn count_in_lex_range(&self, r: &LexRange) -> usize {
        match self {
            ZSet::Listpack(_) => self.range_by_lex(r, false, 0, -1).len(),
            ZSet::Skiplist { zsl, .. } => zsl.count_in_lex_range(r),
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
            ZSet::Skiplist { dict, zsl } => {
                let mut n = 0;
                for (m, s) in pairs {
                    if dict.remove(m).is_some() {
                        zsl.delete(*s, m);
                        n += 1;
                    }
                }
                n
            }
        }
    }

    /// Every member (for ZSCAN and random picks) with its score, in order.
    pub fn member_at(&self, rank: usize) -> Option<Pair> {
        self.range_by_rank(rank, rank, false).into_iter().next()
    }
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
