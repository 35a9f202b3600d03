//! Quicklist: the list type's encoding once it outgrows a single listpack, a
//! deque of listpack nodes (Redis `quicklist.c`).
//!
//! Design
//! - Nodes are `Listpack`s held in a `VecDeque`: push/pop at both ends are
//!   O(1) plus the listpack edit, and finding an index walks node counts
//!   from the nearer end (O(nodes)), as Redis does with its linked list.
//! - Node size policy follows Redis 7.2 (`quicklistNodeExceedsLimit`):
//!   `fill > 0` limits entries per node (and, as a safety net, node bytes to
//!   8 KiB); `fill` in -1..=-5 limits node bytes to 4/8/16/32/64 KiB (lower
//!   values clamp to 64 KiB); `fill == 0` means one entry per node. The
//!   size check uses Redis's estimate `node bytes + element length + 8`.
//! - Invariants: no node is empty; `count` is the sum of node lengths; a
//!   node with 2+ entries is within the limit (an element too big for any
//!   node gets a node of its own; Redis 7's "plain" nodes for elements over
//!   1 GiB are not reproduced, the single-entry listpack plays that role).
//! - Deleting from the middle (`delete_index`, `remove`, splits on insert)
//!   merges a node with a neighbour when the result fits the limit (Redis's
//!   `_quicklistMergeNodes`), so LREM/LINSERT churn does not leave many tiny
//!   nodes. Pops at the ends do not merge, as in Redis.
//! - Indices: `index`/`set`/`insert_*`/`delete_index`/`iter_from` take
//!   Redis-style indices (negative from the tail). `trim` takes raw LTRIM
//!   arguments and does LTRIM's normalisation itself.
//! - Ownership: owns its nodes; values are handed out as borrowed
//!   `LpValue`s (or owned `Vec<u8>` on pop).
//!
//! - Compression (`list-compress-depth` D > 0, Redis `__quicklistCompress`):
//!   the D nodes at each end stay raw, every inner node is LZF-compressed
//!   when it is at least 48 bytes and compression saves more than 8 bytes
//!   (see `quicklist_node`). Mutations decompress the nodes they touch
//!   (`open`) and then `settle` the window: touched nodes plus the D+3
//!   nodes at each end (an operation adds at most 3 nodes, so no other node
//!   can have crossed the window boundary). With D == 0 `settle` returns at
//!   once, so the uncompressed path does no extra work. Reads take `&self`
//!   and inflate a compressed node into a temporary (`QlValue::Shared`)
//!   rather than in place. The depth is fixed at creation (Redis stores it
//!   per quicklist); `set_options` re-settles every node if it changes.
//!
//! Not done: bookmarks (used by Redis's incremental defrag).

use std::collections::VecDeque;
use std::rc::Rc;

use super::listpack::{LISTPACK_MAX_SAFETY_SIZE, LP_HDR_SIZE, Listpack};
pub use super::quicklist_node::{Node, QlValue};

/// Byte limits for fill -1..=-5 (Redis `optimization_level`).
const OPTIMIZATION_LEVEL: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// With a count-based fill, nodes are still kept under this many bytes
/// (Redis `SIZE_SAFETY_LIMIT`), so a fill of 10000 cannot make huge nodes.
const SIZE_SAFETY_LIMIT: usize = 8192;
/// Redis's per-insert overestimate of entry overhead (`SIZE_ESTIMATE_OVERHEAD`).
const SIZE_ESTIMATE_OVERHEAD: usize = 8;
/// `sizeof(quicklistNode)` and `sizeof(quicklist)` on 64-bit Redis, used so
/// MEMORY USAGE reports comparable numbers.
const NODE_OVERHEAD: usize = 32;
const LIST_OVERHEAD: usize = 40;
/// Merging two listpacks drops one header and one terminator.
const LP_MERGE_SAVING: usize = LP_HDR_SIZE + 1;

pub const DEFAULT_FILL: i32 = -2;
/// Redis `COMPRESS_MAX` (the depth is a 16-bit field).
const COMPRESS_MAX: u32 = (1 << 16) - 1;
/// Most nodes one operation adds (insert into a full node: the new
/// element's node plus the split-off half), hence how far from each end a
/// node may have crossed the compress-depth boundary.
const SETTLE_SLACK: usize = 3;

#[derive(Clone, Debug)]
pub struct QuickList {
    nodes: VecDeque<Node>,
    count: usize,
    fill: i32,
    compress: u32,
}

impl Default for QuickList {
    fn default() -> Self {
        QuickList::new(DEFAULT_FILL, 0)
    }
}

impl QuickList {
    pub fn new(fill: i32, compress: u32) -> QuickList {
        QuickList {
            nodes: VecDeque::new(),
            count: 0,
            fill,
            compress: compress.min(COMPRESS_MAX),
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn fill(&self) -> i32 {
        self.fill
    }

    pub fn compress_depth(&self) -> u32 {
        self.compress
    }

    /// Changes the policy for future inserts (existing nodes stay as they
    /// are, as with CONFIG SET in Redis).
    pub fn set_options(&mut self, fill: i32, compress: u32) {
        self.fill = fill;
        let compress = compress.min(COMPRESS_MAX);
        if compress != self.compress {
            self.compress = compress;
            for i in 0..self.nodes.len() {
                self.settle_node(i);
            }
        }
    }

    /// The nodes, head first, e.g. to write them to RDB as quicklist-2.
    pub fn nodes(&self) -> impl DoubleEndedIterator<Item = &Node> + ExactSizeIterator {
        self.nodes.iter()
    }

    /// Appends a whole node (RDB load). Empty listpacks are dropped.
    pub fn push_node(&mut self, lp: Listpack) {
        if !lp.is_empty() {
            self.count += lp.len();
            self.nodes.push_back(Node::raw(lp));
            self.settle_ends();
        }
    }

    /// Estimated memory: node bytes (compressed size for compressed
    /// nodes) plus Redis's struct sizes.
    pub fn mem_usage(&self) -> usize {
        LIST_OVERHEAD
            + self
                .nodes
                .iter()
                .map(|n| n.stored_bytes() + NODE_OVERHEAD)
                .sum::<usize>()
    }

    // ---- compression window ----

    /// Whether node `i` is beyond the compress depth from both ends.
    fn is_inner(&self, i: usize) -> bool {
        let d = self.compress as usize;
        d > 0 && i >= d && i + d < self.nodes.len()
    }

    /// Decompresses node `i` for use (Redis `quicklistDecompressNodeForUse`);
    /// the caller settles it afterwards.
    fn open(&mut self, i: usize) {
        self.nodes[i].decompress();
    }

    /// Puts node `i` in the state its position calls for.
    fn settle_node(&mut self, i: usize) {
        if self.is_inner(i) {
            self.nodes[i].try_compress();
        } else {
            self.nodes[i].decompress();
        }
    }

    /// Settles the nodes near both ends, whose side of the depth boundary
    /// can change when nodes are added or removed anywhere.
    fn settle_ends(&mut self) {
        if self.compress == 0 {
            return;
        }
        let n = self.nodes.len();
        let edge = (self.compress as usize + SETTLE_SLACK).min(n);
        for i in (0..edge).chain(n - edge..n) {
            self.settle_node(i);
        }
    }

    /// Settles the nodes in `r` (clamped to the list) and both ends.
    fn settle_range(&mut self, r: std::ops::Range<usize>) {
        if self.compress == 0 {
            return;
        }
        for i in r.start..r.end.min(self.nodes.len()) {
            self.settle_node(i);
        }
        self.settle_ends();
    }

    /// Settles the nodes around index `c` (two either side) and both ends.
    fn settle_around(&mut self, c: usize) {
        self.settle_range(c.saturating_sub(2)..c + 4);
    }

    // ---- size policy ----

    fn exceeds_limit(&self, new_sz: usize, new_count: usize) -> bool {
        if self.fill >= 0 {
            let count_limit = (self.fill as usize).max(1);
            new_sz > SIZE_SAFETY_LIMIT || new_count > count_limit
        } else {
            let level =
                ((-(self.fill as i64)) - 1).min(OPTIMIZATION_LEVEL.len() as i64 - 1) as usize;
            new_sz > OPTIMIZATION_LEVEL[level]
        }
    }

    fn allow_insert(&self, node: &Node, sz: usize) -> bool {
        if sz >= LISTPACK_MAX_SAFETY_SIZE {
            return false;
        }
        !self.exceeds_limit(
            node.bytes_len() + sz + SIZE_ESTIMATE_OVERHEAD,
            node.len() + 1,
        )
    }

    fn allow_merge(&self, a: &Node, b: &Node) -> bool {
        !self.exceeds_limit(
            a.bytes_len() + b.bytes_len() - LP_MERGE_SAVING,
            a.len() + b.len(),
        )
    }

    /// Merges node `i + 1` into node `i` if the result fits.
    fn try_merge(&mut self, i: usize) -> bool {
        if i + 1 >= self.nodes.len() || !self.allow_merge(&self.nodes[i], &self.nodes[i + 1]) {
            return false;
        }
        self.open(i);
        let mut right = self.nodes.remove(i + 1).unwrap();
        right.decompress();
        self.nodes[i].append_listpack(&right);
        true
    }

    /// After a change at node `c`, merge it (and its neighbours' pairs)
    /// when they fit, like `_quicklistMergeNodes`.
    fn merge_around(&mut self, c: usize) {
        let mut c = c;
        if c >= 2 && self.try_merge(c - 2) {
            c -= 1;
        }
        self.try_merge(c + 1);
        if c >= 1 && self.try_merge(c - 1) {
            c -= 1;
        }
        self.try_merge(c);
    }

    fn single(ele: &[u8]) -> Node {
        let mut lp = Listpack::new();
        lp.push_back(ele);
        Node::raw(lp)
    }

    /// A one-element node with room for `cap` bytes.
    fn single_sized(ele: &[u8], cap: usize) -> Node {
        let mut lp = Listpack::with_capacity(cap);
        lp.push_back(ele);
        Node::raw(lp)
    }

    // ---- ends ----

    pub fn push_front(&mut self, ele: &[u8]) {
        match self.nodes.front() {
            Some(head) if self.allow_insert(head, ele.len()) => self.nodes[0].push_front(ele),
            _ => {
                // The head is full: a list that already filled a node will
                // likely fill the next one too, so size it like the full one
                // at once (one allocation instead of ~30 reallocs whose
                // freed blocks fragment the heap).
                let cap = self.nodes.front().map_or(0, |n| n.bytes_len());
                self.nodes.push_front(QuickList::single_sized(ele, cap));
                self.settle_ends();
            }
        }
        self.count += 1;
    }

    pub fn push_back(&mut self, ele: &[u8]) {
        match self.nodes.back() {
            Some(tail) if self.allow_insert(tail, ele.len()) => {
                self.nodes.back_mut().unwrap().push_back(ele)
            }
            _ => {
                let cap = self.nodes.back().map_or(0, |n| n.bytes_len());
                self.nodes.push_back(QuickList::single_sized(ele, cap));
                self.settle_ends();
            }
        }
        self.count += 1;
    }

    pub fn pop_front(&mut self) -> Option<Vec<u8>> {
        let node = self.nodes.front_mut()?;
        let p = node.first().expect("quicklist: empty node at head");
        let v = node.get(p).to_vec();
        node.delete(p);
        if node.is_empty() {
            self.nodes.pop_front();
            self.settle_ends();
        }
        self.count -= 1;
        Some(v)
    }

    pub fn pop_back(&mut self) -> Option<Vec<u8>> {
        let node = self.nodes.back_mut()?;
        let p = node.last().expect("quicklist: empty node at tail");
        let v = node.get(p).to_vec();
        node.delete(p);
        if node.is_empty() {
            self.nodes.pop_back();
            self.settle_ends();
        }
        self.count -= 1;
        Some(v)
    }

    // ---- indexed access ----

    /// Redis index (negative from the tail) to 0-based, if in range.
    fn normalise(&self, i: isize) -> Option<usize> {
        let idx = if i < 0 {
            self.count.checked_sub(i.unsigned_abs())?
        } else {
            i as usize
        };
        (idx < self.count).then_some(idx)
    }

    /// (node, offset in node) of element `idx < count`, walking from the
    /// nearer end.
    fn locate(&self, idx: usize) -> (usize, usize) {
        debug_assert!(idx < self.count);
        if idx < self.count / 2 {
            let mut rem = idx;
            for (ni, n) in self.nodes.iter().enumerate() {
                if rem < n.len() {
                    return (ni, rem);
                }
                rem -= n.len();
            }
        } else {
            let mut rem = self.count - 1 - idx; // distance from the tail
            for (ni, n) in self.nodes.iter().enumerate().rev() {
                if rem < n.len() {
                    return (ni, n.len() - 1 - rem);
                }
                rem -= n.len();
            }
        }
        panic!(
            "quicklist: index {idx} not found though count is {}",
            self.count
        );
    }

    /// Element at Redis index `i` (LINDEX).
    pub fn index(&self, i: isize) -> Option<QlValue<'_>> {
        let idx = self.normalise(i)?;
        let (ni, off) = self.locate(idx);
        match self.nodes[ni].as_raw() {
            Some(lp) => Some(QlValue::Ref(lp.get(lp.seek(off as isize)?))),
            None => {
                let lp = self.nodes[ni].to_listpack();
                let p = lp.seek(off as isize)?;
                Some(QlValue::Shared(Rc::new(lp), p))
            }
        }
    }

    /// Overwrites element `i` (LSET); false if out of range.
    pub fn set(&mut self, i: isize, ele: &[u8]) -> bool {
        let Some(idx) = self.normalise(i) else {
            return false;
        };
        let (ni, off) = self.locate(idx);
        self.open(ni);
        let node = &self.nodes[ni];
        let p = node.seek(off as isize).unwrap();
        let new_sz = node.bytes_len() - node.entry_size(p) + Listpack::encoded_entry_size(ele);
        if node.len() == 1
            || (ele.len() < LISTPACK_MAX_SAFETY_SIZE && !self.exceeds_limit(new_sz, node.len()))
        {
            self.nodes[ni].replace(p, ele);
            self.settle_around(ni);
        } else {
            // Too big for this node: take the old entry out and insert the
            // new one through the general path, which splits as needed.
            self.nodes[ni].delete(p);
            self.count -= 1;
            if self.nodes[ni].is_empty() {
                // Cannot happen (len == 1 took the other branch), but an
                // empty node would break the invariants.
                self.nodes.remove(ni);
            }
            self.insert_at(idx, ele);
            self.settle_around(ni);
        }
        true
    }

    /// LINSERT BEFORE the element at index `pivot`; false if out of range.
    pub fn insert_before(&mut self, pivot: isize, ele: &[u8]) -> bool {
        match self.normalise(pivot) {
            Some(idx) => {
                self.insert_at(idx, ele);
                true
            }
            None => false,
        }
    }

    /// LINSERT AFTER the element at index `pivot`; false if out of range.
    pub fn insert_after(&mut self, pivot: isize, ele: &[u8]) -> bool {
        match self.normalise(pivot) {
            Some(idx) => {
                self.insert_at(idx + 1, ele);
                true
            }
            None => false,
        }
    }

    /// Inserts so that `ele` ends up at 0-based position `idx <= len`.
    pub fn insert_at(&mut self, idx: usize, ele: &[u8]) {
        assert!(
            idx <= self.count,
            "quicklist: insert at {idx} past length {}",
            self.count
        );
        if idx == self.count {
            return self.push_back(ele);
        }
        if idx == 0 {
            return self.push_front(ele);
        }
        let (ni, off) = self.locate(idx);
        if self.allow_insert(&self.nodes[ni], ele.len()) {
            self.open(ni);
            let node = &mut self.nodes[ni];
            let p = node.seek(off as isize).unwrap();
            node.insert_before(p, ele);
        } else if off == 0 && self.allow_insert(&self.nodes[ni - 1], ele.len()) {
            // ni > 0 here: idx > 0 and off == 0 means an earlier node exists.
            self.open(ni - 1);
            self.nodes[ni - 1].push_back(ele);
        } else if off == 0 {
            self.nodes.insert(ni, QuickList::single(ele));
            self.merge_around(ni);
        } else {
            // Full node, insertion point inside it: split around the point
            // and put the element in a node of its own between the halves,
            // then let merging fold it into whichever side has room.
            self.open(ni);
            let right = self.nodes[ni].split_off(off);
            self.nodes.insert(ni + 1, QuickList::single(ele));
            self.nodes.insert(ni + 2, Node::raw(right));
            self.merge_around(ni + 1);
        }
        self.count += 1;
        self.settle_around(ni);
    }

    /// Deletes the element at Redis index `i`; false if out of range.
    pub fn delete_index(&mut self, i: isize) -> bool {
        let Some(idx) = self.normalise(i) else {
            return false;
        };
        let (ni, off) = self.locate(idx);
        self.open(ni);
        let node = &mut self.nodes[ni];
        let p = node.seek(off as isize).unwrap();
        node.delete(p);
        self.count -= 1;
        if node.is_empty() {
            self.nodes.remove(ni);
        } else if !(ni > 0 && self.try_merge(ni - 1)) {
            self.try_merge(ni);
        }
        self.settle_around(ni);
        true
    }

    /// Deletes up to `n` elements from 0-based position `start`; returns how
    /// many were deleted (`quicklistDelRange` with a normalised start).
    pub fn delete_range(&mut self, start: usize, n: usize) -> usize {
        if start >= self.count || n == 0 {
            return 0;
        }
        let n = n.min(self.count - start);
        let (mut ni, mut off) = self.locate(start);
        let first = ni;
        let mut remaining = n;
        while remaining > 0 {
            let len = self.nodes[ni].len();
            if off == 0 && remaining >= len {
                self.nodes.remove(ni);
                remaining -= len;
            } else {
                let d = (len - off).min(remaining);
                self.open(ni);
                self.nodes[ni].delete_range(off as isize, d);
                remaining -= d;
                ni += 1;
                off = 0;
            }
        }
        self.count -= n;
        // The two nodes around the hole may now fit together.
        if ni > 0 {
            self.try_merge(ni - 1);
        }
        self.settle_around(first);
        n
    }

    /// LTRIM `start end` with Redis's index rules: negative indices count
    /// from the tail; an empty range empties the list.
    pub fn trim(&mut self, start: isize, end: isize) {
        let llen = self.count as i128;
        let (mut start, mut end) = (start as i128, end as i128);
        if start < 0 {
            start += llen;
        }
        if end < 0 {
            end += llen;
        }
        if start < 0 {
            start = 0;
        }
        let (ltrim, rtrim) = if start > end || start >= llen {
            (llen, 0)
        } else {
            if end >= llen {
                end = llen - 1;
            }
            (start, llen - end - 1)
        };
        let (ltrim, rtrim) = (ltrim as usize, rtrim as usize);
        self.delete_range(self.count - rtrim, rtrim);
        self.delete_range(0, ltrim);
    }

    /// LREM: removes elements equal to `ele`: the first `count` from the head
    /// if `count > 0`, the last `-count` from the tail if `count < 0`, all
    /// if 0. Returns the number removed.
    pub fn remove(&mut self, ele: &[u8], count: i64) -> usize {
        let limit = if count == 0 {
            usize::MAX
        } else {
            usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX)
        };
        let mut removed = 0;
        // Node last changed (and kept), whose far-side neighbour may now fit.
        let mut last_touched: Option<usize> = None;
        if count >= 0 {
            let mut ni = 0;
            while ni < self.nodes.len() && removed < limit {
                self.open(ni);
                let node = &mut self.nodes[ni];
                let mut hit = false;
                let mut p = node.first();
                while let Some(q) = p {
                    if removed == limit {
                        break;
                    }
                    if node.get(q).eq_bytes(ele) {
                        p = node.delete(q);
                        removed += 1;
                        hit = true;
                    } else {
                        p = node.next(q);
                    }
                }
                if hit {
                    if node.is_empty() {
                        self.nodes.remove(ni);
                        continue;
                    }
                    if ni > 0 && self.try_merge(ni - 1) {
                        ni -= 1;
                    }
                    last_touched = Some(ni);
                }
                ni += 1;
            }
            if let Some(t) = last_touched {
                self.try_merge(t);
            }
        } else {
            let mut ni = self.nodes.len();
            while ni > 0 && removed < limit {
                ni -= 1;
                self.open(ni);
                let node = &mut self.nodes[ni];
                let mut hit = false;
                let mut p = node.last();
                while let Some(q) = p {
                    if removed == limit {
                        break;
                    }
                    // Entries before q keep their offsets when q is deleted.
                    let prev = node.prev(q);
                    if node.get(q).eq_bytes(ele) {
                        node.delete(q);
                        removed += 1;
                        hit = true;
                    }
                    p = prev;
                }
                if hit {
                    if node.is_empty() {
                        self.nodes.remove(ni);
                        last_touched = None;
                        continue;
                    }
                    self.try_merge(ni);
                    last_touched = Some(ni);
                }
            }
            if let Some(t) = last_touched.filter(|&t| t > 0) {
                self.try_merge(t - 1);
            }
        }
        self.count -= removed;
        // LREM walks (and so decompresses) any node; it is O(N) anyway.
        let all = 0..self.nodes.len();
        self.settle_range(all);
        removed
    }

    // ---- iteration ----

    pub fn iter(&self) -> Iter<'_> {
        self.iter_from(0, true)
    }

    pub fn iter_rev(&self) -> Iter<'_> {
        self.iter_from(-1, false)
    }

    /// Iterates from Redis index `i` (negative from the tail) towards the
    /// tail (`forward`) or the head. Empty when `i` is out of range.
    /// LRANGE is `iter_from(start, true).take(n)`; LPOS uses `iter`/`iter_rev`.
    pub fn iter_from(&self, i: isize, forward: bool) -> Iter<'_> {
        match self.normalise(i) {
            Some(idx) => {
                let (ni, off) = self.locate(idx);
                let scratch = Iter::inflate(&self.nodes[ni]);
                let lp = scratch.as_deref().unwrap_or_else(|| &self.nodes[ni]);
                let pos = lp.seek(off as isize);
                Iter {
                    ql: self,
                    node: ni,
                    pos,
                    scratch,
                    forward,
                    remaining: if forward { self.count - idx } else { idx + 1 },
                }
            }
            None => Iter {
                ql: self,
                node: 0,
                pos: None,
                scratch: None,
                forward,
                remaining: 0,
            },
        }
    }
}

pub struct Iter<'a> {
    ql: &'a QuickList,
    node: usize,
    pos: Option<usize>,
    /// Decompressed copy of the current node when it is compressed.
    scratch: Option<Rc<Listpack>>,
    forward: bool,
    remaining: usize,
}

impl Iter<'_> {
    fn inflate(node: &Node) -> Option<Rc<Listpack>> {
        if node.is_compressed() {
            Some(Rc::new(node.to_listpack()))
        } else {
            None
        }
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = QlValue<'a>;

    fn next(&mut self) -> Option<QlValue<'a>> {
        if self.remaining == 0 {
            return None;
        }
        let nodes = &self.ql.nodes;
        if self.pos.is_none() {
            // Current node exhausted: step to the neighbour. `remaining`
            // > 0 guarantees it exists and is non-empty.
            if self.forward {
                self.node += 1;
            } else {
                self.node -= 1;
            }
            self.scratch = Iter::inflate(&nodes[self.node]);
            let lp = self.scratch.as_deref().unwrap_or_else(|| &nodes[self.node]);
            self.pos = if self.forward { lp.first() } else { lp.last() };
        }
        let p = self.pos?;
        self.remaining -= 1;
        match nodes[self.node].as_raw() {
            Some(lp) => {
                self.pos = if self.forward { lp.next(p) } else { lp.prev(p) };
                Some(QlValue::Ref(lp.get(p)))
            }
            None => {
                let lp = self.scratch.as_ref()?;
                self.pos = if self.forward { lp.next(p) } else { lp.prev(p) };
                Some(QlValue::Shared(Rc::clone(lp), p))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ds::listpack::LpValue;

    use crate::util::test_rng::Rng;

    fn check_invariants(ql: &QuickList) {
        let mut total = 0;
        let d = ql.compress_depth() as usize;
        let len = ql.node_count();
        for (i, n) in ql.nodes().enumerate() {
            assert!(!n.is_empty(), "empty node");
            let lp = n.to_listpack();
            assert!(lp.validate_integrity());
            assert_eq!(lp.len(), n.len());
            assert_eq!(lp.bytes_len(), n.bytes_len());
            // The depth window is exact: ends raw, inner nodes compressed
            // exactly when Redis's rules say compression pays off.
            let inner = d > 0 && i >= d && i + d < len;
            assert_eq!(
                n.is_compressed(),
                inner && Node::worth_compressing(&lp),
                "node {i} of {len} (depth {d}, {} bytes)",
                n.bytes_len()
            );
            if n.len() > 1 {
                assert!(
                    !ql.exceeds_limit(n.bytes_len(), n.len()),
                    "node over limit: {} bytes, {} entries",
                    n.bytes_len(),
                    n.len()
                );
            }
            total += n.len();
        }
        assert_eq!(total, ql.len());
    }

    fn contents(ql: &QuickList) -> Vec<Vec<u8>> {
        ql.iter().map(|v| v.to_vec()).collect()
    }

    fn check_model(ql: &QuickList, model: &VecDeque<Vec<u8>>) {
        check_invariants(ql);
        let m: Vec<Vec<u8>> = model.iter().cloned().collect();
        assert_eq!(contents(ql), m);
        let mut rev: Vec<Vec<u8>> = ql.iter_rev().map(|v| v.to_vec()).collect();
        rev.reverse();
        assert_eq!(rev, m);
    }

    #[test]
    fn push_pop_both_ends() {
        let mut ql = QuickList::new(DEFAULT_FILL, 0);
        assert_eq!(ql.pop_front(), None);
        assert_eq!(ql.pop_back(), None);
        for i in 0..1000 {
            ql.push_back(format!("{i}").as_bytes());
            ql.push_front(format!("-{i}x").as_bytes());
        }
        assert_eq!(ql.len(), 2000);
        assert!(ql.node_count() > 1);
        check_invariants(&ql);
        assert_eq!(ql.pop_front().unwrap(), b"-999x");
        assert_eq!(ql.pop_back().unwrap(), b"999");
        assert_eq!(ql.index(0).unwrap().to_vec(), b"-998x");
        assert_eq!(ql.index(-1).unwrap().get(), LpValue::Int(998));
        assert!(ql.index(1998).is_none());
        assert!(ql.index(-1999).is_none());
        while ql.pop_back().is_some() {}
        assert!(ql.is_empty());
        assert_eq!(ql.node_count(), 0);
    }

    #[test]
    fn positive_fill_limits_entries() {
        let mut ql = QuickList::new(5, 0);
        for i in 0..1000 {
            ql.push_back(format!("v{i}").as_bytes());
        }
        assert_eq!(ql.node_count(), 200);
        assert!(ql.nodes().all(|n| n.len() == 5));
        // Safety limit: even with a large count fill, nodes stay <= 8 KiB.
        let mut ql = QuickList::new(1000, 0);
        for _ in 0..100 {
            ql.push_back(&[b'x'; 500]);
        }
        assert!(ql.nodes().all(|n| n.bytes_len() <= SIZE_SAFETY_LIMIT));
        assert!(ql.node_count() >= 100 * 500 / SIZE_SAFETY_LIMIT);
        // fill 0 means one entry per node.
        let mut ql = QuickList::new(0, 0);
        for _ in 0..10 {
            ql.push_front(b"a");
        }
        assert_eq!(ql.node_count(), 10);
    }

    #[test]
    fn negative_fill_limits_bytes() {
        for (fill, limit) in [
            (-1, 4096),
            (-2, 8192),
            (-3, 16384),
            (-4, 32768),
            (-5, 65536),
            (-100, 65536),
        ] {
            let mut ql = QuickList::new(fill, 0);
            for i in 0..5000 {
                ql.push_back(format!("element-{i:06}").as_bytes());
            }
            check_invariants(&ql);
            for n in ql.nodes() {
                assert!(n.bytes_len() <= limit);
            }
            // Nodes are filled, not merely bounded: all but the tail are
            // within one element of the limit.
            let nodes: Vec<_> = ql.nodes().collect();
            for n in &nodes[..nodes.len() - 1] {
                assert!(
                    n.bytes_len() + 16 + SIZE_ESTIMATE_OVERHEAD > limit,
                    "fill {fill}: node of {} bytes",
                    n.bytes_len()
                );
            }
        }
    }

    #[test]
    fn oversized_elements_get_own_node() {
        let mut ql = QuickList::new(-1, 0);
        ql.push_back(b"a");
        ql.push_back(&vec![b'b'; 10_000]);
        ql.push_back(b"c");
        assert_eq!(ql.node_count(), 3);
        ql.insert_at(2, &vec![b'd'; 9000]);
        ql.set(0, &vec![b'e'; 20_000]);
        check_invariants(&ql);
        assert_eq!(ql.len(), 4);
        assert_eq!(ql.index(0).unwrap().str_len(), 20_000);
        assert_eq!(ql.index(2).unwrap().str_len(), 9000);
        assert!(ql.mem_usage() > 39_000);
    }

    #[test]
    fn insert_set_delete_rem_trim() {
        let mut ql = QuickList::new(3, 0);
        for s in ["a", "b", "c", "d", "e"] {
            ql.push_back(s.as_bytes());
        }
        assert!(ql.insert_before(2, b"x"));
        assert!(ql.insert_after(-1, b"z"));
        assert!(!ql.insert_after(100, b"q"));
        assert!(ql.set(-2, b"E"));
        assert!(!ql.set(7, b"E"));
        let got: Vec<_> = contents(&ql);
        assert_eq!(got, [&b"a"[..], b"b", b"x", b"c", b"d", b"E", b"z"]);
        assert!(ql.delete_index(0));
        assert!(!ql.delete_index(6));
        for _ in 0..3 {
            ql.push_back(b"x");
        }
        assert_eq!(ql.remove(b"x", 2), 2);
        assert_eq!(
            contents(&ql),
            [&b"b"[..], b"c", b"d", b"E", b"z", b"x", b"x"]
        );
        assert_eq!(ql.remove(b"x", -1), 1);
        assert_eq!(ql.remove(b"nope", 0), 0);
        ql.trim(1, -2);
        assert_eq!(contents(&ql), [&b"c"[..], b"d", b"E", b"z"]);
        ql.trim(-100, 100);
        assert_eq!(ql.len(), 4);
        ql.trim(3, 1);
        assert!(ql.is_empty() && ql.node_count() == 0);
        check_invariants(&ql);
    }

    #[test]
    fn iter_from_ranges() {
        let mut ql = QuickList::new(4, 0);
        for i in 0..50 {
            ql.push_back(i.to_string().as_bytes());
        }
        let fwd: Vec<i64> = ql
            .iter_from(10, true)
            .take(15)
            .map(|v| v.as_int().unwrap())
            .collect();
        assert_eq!(fwd, (10..25).collect::<Vec<_>>());
        let back: Vec<i64> = ql
            .iter_from(-3, false)
            .map(|v| v.as_int().unwrap())
            .collect();
        assert_eq!(back, (0..48).rev().collect::<Vec<_>>());
        assert_eq!(ql.iter_from(50, true).count(), 0);
        assert_eq!(ql.iter_from(-51, false).count(), 0);
        assert_eq!(ql.iter().len(), 50);
    }

    #[test]
    fn rdb_nodes_roundtrip() {
        let mut ql = QuickList::new(-2, 0);
        for i in 0..3000 {
            ql.push_back(format!("member:{i}").as_bytes());
        }
        let mut copy = QuickList::new(-2, 0);
        for n in ql.nodes() {
            copy.push_node(Listpack::from_bytes(n.to_listpack().as_bytes().to_vec()).unwrap());
        }
        copy.push_node(Listpack::new());
        assert_eq!(copy.len(), 3000);
        assert_eq!(copy.node_count(), ql.node_count());
        assert!(
            copy.iter()
                .map(|v| v.to_vec())
                .eq(ql.iter().map(|v| v.to_vec()))
        );
    }

    fn random_value(rng: &mut Rng) -> Vec<u8> {
        match rng.below(20) {
            0..=5 => rng.below(1000).to_string().into_bytes(),
            6 => vec![b'L'; 3000 + rng.below(7000)],
            7..=9 => vec![b'a' + rng.below(3) as u8],
            _ => {
                let n = rng.below(40);
                (0..n).map(|_| b'a' + rng.below(26) as u8).collect()
            }
        }
    }

    fn random_ops(fill: i32, seed: u64, ops: usize) {
        random_ops_depth(fill, 0, seed, ops, 101)
    }

    fn random_ops_depth(fill: i32, depth: u32, seed: u64, ops: usize, check_every: usize) {
        let mut rng = Rng(seed);
        let mut ql = QuickList::new(fill, depth);
        let mut model: VecDeque<Vec<u8>> = VecDeque::new();
        for op in 0..ops {
            let n = model.len() as isize;
            match rng.below(16) {
                0 | 1 => {
                    let v = random_value(&mut rng);
                    ql.push_back(&v);
                    model.push_back(v);
                }
                2 | 3 => {
                    let v = random_value(&mut rng);
                    ql.push_front(&v);
                    model.push_front(v);
                }
                4 => assert_eq!(ql.pop_front(), model.pop_front()),
                5 => assert_eq!(ql.pop_back(), model.pop_back()),
                6 => {
                    let i = rng.below(model.len() + 2) as isize - 1;
                    let v = random_value(&mut rng);
                    let ok = ql.insert_before(i, &v);
                    let idx = if i < 0 { n + i } else { i };
                    assert_eq!(ok, idx >= 0 && idx < n);
                    if ok {
                        model.insert(idx as usize, v);
                    }
                }
                7 => {
                    let i = -(rng.below(model.len() + 2) as isize) + 1;
                    let v = random_value(&mut rng);
                    let ok = ql.insert_after(i, &v);
                    let idx = if i < 0 { n + i } else { i };
                    assert_eq!(ok, idx >= 0 && idx < n);
                    if ok {
                        model.insert(idx as usize + 1, v);
                    }
                }
                8 => {
                    let i = rng.below(model.len() + 1) as isize;
                    let v = random_value(&mut rng);
                    let ok = ql.set(i, &v);
                    assert_eq!(ok, i < n);
                    if ok {
                        model[i as usize] = v;
                    }
                }
                9 => {
                    let i = -(rng.below(model.len() + 1) as isize) - 1;
                    let ok = ql.delete_index(i);
                    assert_eq!(ok, n + i >= 0);
                    if ok {
                        model.remove((n + i) as usize);
                    }
                }
                10 => {
                    let v = random_value(&mut rng);
                    let count = rng.below(5) as i64 - 2;
                    let removed = ql.remove(&v, count);
                    let mut expect = 0;
                    if count >= 0 {
                        let limit = if count == 0 {
                            usize::MAX
                        } else {
                            count as usize
                        };
                        let mut i = 0;
                        while i < model.len() {
                            if expect < limit && model[i] == v {
                                model.remove(i);
                                expect += 1;
                            } else {
                                i += 1;
                            }
                        }
                    } else {
                        let limit = (-count) as usize;
                        let mut i = model.len();
                        while i > 0 && expect < limit {
                            i -= 1;
                            if model[i] == v {
                                model.remove(i);
                                expect += 1;
                            }
                        }
                    }
                    assert_eq!(removed, expect);
                }
                11 if rng.below(8) == 0 => {
                    let a = rng.below(model.len() + 5) as isize - (model.len() as isize / 2);
                    let b = rng.below(model.len() + 5) as isize - 3;
                    ql.trim(a, b);
                    let llen = n;
                    let mut s = if a < 0 { a + llen } else { a };
                    let mut e = if b < 0 { b + llen } else { b };
                    if s < 0 {
                        s = 0;
                    }
                    if s > e || s >= llen {
                        model.clear();
                    } else {
                        if e >= llen {
                            e = llen - 1;
                        }
                        model.truncate(e as usize + 1);
                        model.drain(..s as usize);
                    }
                }
                12 => {
                    let i = rng.below(model.len() + 2) as isize - 1;
                    let idx = if i < 0 { n + i } else { i };
                    let got = ql.index(i).map(|v| v.to_vec());
                    let want = if idx >= 0 {
                        model.get(idx as usize).cloned()
                    } else {
                        None
                    };
                    assert_eq!(got, want);
                }
                13 => {
                    let start = rng.below(model.len() + 1);
                    let cnt = rng.below(20);
                    let d = ql.delete_range(start, cnt);
                    let d2 = cnt.min(model.len() - start);
                    assert_eq!(d, d2);
                    model.drain(start..start + d2);
                }
                14 if !model.is_empty() => {
                    let i = rng.below(model.len());
                    let fwd = rng.below(2) == 0;
                    let take = rng.below(30);
                    let got: Vec<Vec<u8>> = ql
                        .iter_from(i as isize, fwd)
                        .take(take)
                        .map(|v| v.to_vec())
                        .collect();
                    let want: Vec<Vec<u8>> = if fwd {
                        model.iter().skip(i).take(take).cloned().collect()
                    } else {
                        model.iter().take(i + 1).rev().take(take).cloned().collect()
                    };
                    assert_eq!(got, want);
                }
                _ => {
                    let v = random_value(&mut rng);
                    ql.push_back(&v);
                    model.push_back(v);
                }
            }
            assert_eq!(ql.len(), model.len(), "op {op}");
            if op % check_every == 0 {
                check_model(&ql, &model);
            }
        }
        check_model(&ql, &model);
    }

    #[test]
    fn random_against_model_default_fill() {
        random_ops(DEFAULT_FILL, 1, 20_000);
    }

    #[test]
    fn random_against_model_small_fills() {
        random_ops(-1, 2, 20_000);
        random_ops(4, 3, 20_000);
        random_ops(1, 4, 5_000);
    }

    /// Compressible values, so inner nodes really get compressed.
    fn random_ops_compressed(depth: u32, fill: i32, seed: u64) {
        random_ops_depth(fill, depth, seed, 2_000, 1);
    }

    #[test]
    fn random_against_model_compressed() {
        for depth in [0, 1, 2] {
            random_ops_compressed(depth, -1, 10 + depth as u64);
            random_ops_compressed(depth, 8, 20 + depth as u64);
        }
    }

    #[test]
    fn compression_window_and_memory() {
        let mut plain = QuickList::new(-2, 0);
        let mut ql = QuickList::new(-2, 1);
        for i in 0..20_000 {
            let v = format!("{i:016}");
            plain.push_back(v.as_bytes());
            ql.push_back(v.as_bytes());
        }
        check_invariants(&ql);
        let n = ql.node_count();
        assert!(n > 10);
        let compressed = ql.nodes().filter(|n| n.is_compressed()).count();
        assert_eq!(compressed, n - 2);
        assert!(ql.mem_usage() * 2 < plain.mem_usage());
        assert!(
            ql.iter()
                .map(|v| v.to_vec())
                .eq(plain.iter().map(|v| v.to_vec()))
        );
        assert_eq!(ql.index(10_000).unwrap().to_vec(), b"0000000000010000");
        // Pops shrink the list until the window covers everything.
        while ql.node_count() > 2 {
            ql.pop_front();
            check_invariants(&ql);
        }
        assert!(ql.nodes().all(|n| !n.is_compressed()));
        // Changing the depth of an existing list re-settles it.
        let mut ql2 = QuickList::new(-2, 0);
        for i in 0..5000 {
            ql2.push_front(format!("{i:016}").as_bytes());
        }
        assert!(ql2.nodes().all(|n| !n.is_compressed()));
        ql2.set_options(-2, 2);
        check_invariants(&ql2);
        assert!(ql2.nodes().filter(|n| n.is_compressed()).count() > 0);
        ql2.set_options(-2, 0);
        assert!(ql2.nodes().all(|n| !n.is_compressed()));
    }
}
