//! `Dict`: Redis 7.0's `dict.c` in safe Rust -- a chained hash table with
//! incremental rehashing, the reverse-binary SCAN cursor, and the random
//! sampling used by eviction, RANDOMKEY and SRANDMEMBER.
//!
//! Layout and ownership
//! - Two tables, `ht[0]` and `ht[1]`. `ht[1]` is allocated only while a
//!   rehash is in progress (`is_rehashing()` is exactly "ht[1] has slots").
//!   Each slot heads a singly linked chain of `Box<Entry { key, val, next }>`;
//!   the dict owns every entry, and entries own their successors.
//! - A table's slots are split into pages of at most 2048 slots (16 KiB)
//!   that are allocated on first write. Redis gets the same effect for free
//!   from `calloc` (the kernel hands out zero pages lazily); safe Rust has no
//!   zeroed allocation for `Option<Box<_>>`, and writing a 16M-slot table
//!   up front would stall one insert for tens of milliseconds when a big
//!   dict starts to grow -- exactly what incremental rehashing avoids. For the
//!   same reason the old table's pages are freed one by one as the rehash
//!   index passes them. Small tables (< 2048 slots) are a single page.
//! - Keys are byte strings (`DictKey`). Hash and equality are associated
//!   functions of the key type, so a wrapper such as `NoCase` can make a
//!   case-insensitive table (the command table) at no cost to other users.
//!
//! Per-entry memory overhead (everything except `K` and `V`, which sit
//! inline in the entry box): the 8-byte `next` pointer; 8 bytes per slot,
//! i.e. 8..16 bytes per entry at load factor 1..0.5 (the page directory adds
//! 16 bytes per 2048 slots); and the allocator's cost for the box, which is
//! nothing under mimalloc (the server's allocator: 8-byte size classes at
//! these sizes) and 8..23 bytes under glibc. Total 16..24 bytes per entry
//! with mimalloc -- what Redis 7.0 pays too (8 next + 8..16 bucket, plus
//! jemalloc rounding). While a rehash runs both tables exist, but their
//! pages come and go with the rehash index, so the peak stays below Redis's,
//! which callocs the whole new table at once.
//!
//! Rehash invariants (as in Redis)
//! - Growth: before adding a key, if `used >= size` and resizing is allowed
//!   (or `used / size > 5`, `dict_force_resize_ratio`), start rehashing into
//!   a table of the next power of two >= used + 1. An empty dict gets 4 slots.
//! - Shrink: only on request (`shrink_if_needed`, from the server cron), when
//!   size > 4 and fill < 10 %, into the next power of two >= len (min 4).
//! - While rehashing, every slot of `ht[0]` below `rehash_idx` is empty, new
//!   keys go to `ht[1]`, lookups try both tables, and each insert, remove
//!   and `get_mut` moves one slot's chain (visiting at most 10 empty slots).
//!   `get`/`iter`/`scan` take `&self` and therefore never rehash.
//! - There are no "safe iterators" and no rehash pausing: the borrow checker
//!   already forbids mutating the dict while something borrows it.
//!
//! SCAN guarantee: an element present for the whole of a full scan (cursor 0
//! back to 0) is reported at least once, whatever growing, shrinking or
//! rehashing happens between calls. The cursor's bits are incremented from
//! the top down (reverse binary), so the slots already visited in a table of
//! one size map onto a prefix-closed set of slots in a table of any other
//! power-of-two size. While rehashing, a call visits the slot of the smaller
//! table and every slot of the larger table that it expands to. Duplicates
//! are possible when the table shrinks.
//!
//! Sampling: `sample_keys` is `dictGetSomeKeys` (a walk over neighbouring
//! slots from a random index, jumping away from long empty runs), changed to
//! never revisit an index, so its keys are distinct. `random_entry` is
//! `dictGetFairRandomKey`: one of up to 15 entries from such a walk. Neither
//! rehashes (both take `&self`), unlike Redis's.
//!
//! Not done: Redis 7.2+'s per-dict metadata, `dictScanDefrag`/defrag
//! callbacks, the `dictType` callback table (Rust's ownership covers
//! key/value destructors), and rehashing while an iterator is live.

use std::iter;
use std::mem;
use std::time::{Duration, Instant};

use super::hash;

/// A key that can live in a `Dict`: it exposes its bytes, and may override
/// how those bytes are hashed and compared.
pub trait DictKey {
    fn key_bytes(&self) -> &[u8];

    /// Hash of a key's bytes. Lookups pass the probe's bytes, so this must
    /// agree with `same_key`.
    #[inline]
    fn hash_of(bytes: &[u8]) -> u64
    where
        Self: Sized,
    {
        hash::hash_bytes(bytes)
    }

    #[inline]
    fn same_key(stored: &[u8], probe: &[u8]) -> bool
    where
        Self: Sized,
    {
        stored == probe
    }
}

impl DictKey for Box<[u8]> {
    #[inline]
    fn key_bytes(&self) -> &[u8] {
        self
    }
}

impl DictKey for Vec<u8> {
    #[inline]
    fn key_bytes(&self) -> &[u8] {
        self
    }
}

impl DictKey for &[u8] {
    #[inline]
    fn key_bytes(&self) -> &[u8] {
        self
    }
}

impl DictKey for String {
    #[inline]
    fn key_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl DictKey for Box<str> {
    #[inline]
    fn key_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl DictKey for &str {
    #[inline]
    fn key_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl DictKey for std::rc::Rc<[u8]> {
    #[inline]
    fn key_bytes(&self) -> &[u8] {
        self
    }
}

impl DictKey for std::sync::Arc<[u8]> {
    #[inline]
    fn key_bytes(&self) -> &[u8] {
        self
    }
}

/// Wrapper making any key ASCII case-insensitive (the command table:
/// `get`, `GET` and `GeT` are one key). Lookups pass plain bytes as usual.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct NoCase<K>(pub K);

impl<K: DictKey> DictKey for NoCase<K> {
    #[inline]
    fn key_bytes(&self) -> &[u8] {
        self.0.key_bytes()
    }

    #[inline]
    fn hash_of(bytes: &[u8]) -> u64 {
        hash::hash_bytes_nocase(bytes)
    }

    #[inline]
    fn same_key(stored: &[u8], probe: &[u8]) -> bool {
        stored.eq_ignore_ascii_case(probe)
    }
}

const INITIAL_EXP: u32 = 2;
const INITIAL_SIZE: usize = 1 << INITIAL_EXP;
/// Growth happens even with resizing disallowed past this load factor.
const FORCE_RESIZE_RATIO: usize = 5;
/// `shrink_if_needed` acts below this fill percentage.
const MIN_FILL_PERCENT: usize = 10;
/// log2 of the slots per page. A page is allocated and zeroed inside some
/// insert, so it should cost only a few microseconds (16 KiB: four OS pages
/// to fault in); yet the page directory of a 16M-slot table (8192 entries,
/// 128 KiB) should stay small enough to live in cache.
const PAGE_BITS: u32 = 11;
/// `random_entry` picks among this many neighbouring entries (Redis's
/// GETFAIR_NUM_ENTRIES), which evens out the bias toward short chains.
const FAIR_SAMPLE: usize = 15;

struct Entry<K, V> {
    key: K,
    val: V,
    next: Link<K, V>,
}

type Link<K, V> = Option<Box<Entry<K, V>>>;
type Page<K, V> = Box<[Link<K, V>]>;

/// Drops a chain without recursion, so that no chain length can overflow
/// the stack.
fn drop_chain<K, V>(mut link: Link<K, V>) {
    while let Some(mut e) = link {
        link = e.next.take();
    }
}

fn new_page<K, V>(len: usize) -> Page<K, V> {
    iter::repeat_with(|| None).take(len).collect()
}

/// One power-of-two table. `size() == 0` means not allocated.
struct Table<K, V> {
    pages: Vec<Option<Page<K, V>>>,
    used: usize,
    exp: u8,
    page_bits: u8,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table {
            pages: Vec::new(),
            used: 0,
            exp: 0,
            page_bits: 0,
        }
    }
}

impl<K, V> Drop for Table<K, V> {
    fn drop(&mut self) {
        for page in self.pages.iter_mut().flatten() {
            for slot in page.iter_mut() {
                if slot.is_some() {
                    drop_chain(slot.take());
                }
            }
        }
    }
}

impl<K, V> Table<K, V> {
    fn with_exp(exp: u32) -> Self {
        let page_bits = exp.min(PAGE_BITS);
        let pages = iter::repeat_with(|| None)
            .take(1usize << (exp - page_bits))
            .collect();
        Table {
            pages,
            used: 0,
            exp: exp as u8,
            page_bits: page_bits as u8,
        }
    }

    #[inline]
    fn size(&self) -> usize {
        if self.pages.is_empty() {
            0
        } else {
            1 << self.exp
        }
    }

    /// All ones for an unallocated table: any index then misses the (empty)
    /// page directory, so lookups need no special case for it.
    #[inline]
    fn mask(&self) -> usize {
        self.size().wrapping_sub(1)
    }

    #[inline]
    fn page_len(&self) -> usize {
        1 << self.page_bits
    }

    #[inline]
    fn head(&self, idx: usize) -> Option<&Entry<K, V>> {
        let page = self.pages.get(idx >> self.page_bits)?.as_deref()?;
        page[idx & (self.page_len() - 1)].as_deref()
    }

    #[inline]
    fn slot_if_allocated(&mut self, idx: usize) -> Option<&mut Link<K, V>> {
        let off = idx & (self.page_len() - 1);
        let page = self.pages.get_mut(idx >> self.page_bits)?.as_deref_mut()?;
        Some(&mut page[off])
    }

    /// The slot for a write; allocates its page if needed.
    #[inline]
    fn slot(&mut self, idx: usize) -> &mut Link<K, V> {
        let len = self.page_len();
        let page = self.pages[idx >> self.page_bits].get_or_insert_with(|| new_page(len));
        &mut page[idx & (len - 1)]
    }

    fn visit(&self, idx: usize, f: &mut impl FnMut(&K, &V)) {
        let mut cur = self.head(idx);
        while let Some(e) = cur {
            f(&e.key, &e.val);
            cur = e.next.as_deref();
        }
    }

    /// The entry `depth` links down the chain at `idx`, found earlier by
    /// `locate`. Locating with `&self` and then walking again with `&mut`
    /// avoids a conditional mutable borrow that today's borrow checker
    /// rejects; the second walk follows pointers already in cache.
    fn entry_at_mut(&mut self, idx: usize, depth: usize) -> &mut Entry<K, V> {
        let mut e = self
            .slot_if_allocated(idx)
            .and_then(|s| s.as_deref_mut())
            .expect("located entry vanished");
        for _ in 0..depth {
            e = e.next.as_deref_mut().expect("located entry vanished");
        }
        e
    }

    fn allocated_pages(&self) -> usize {
        self.pages.iter().filter(|p| p.is_some()).count()
    }
}

impl<K: DictKey, V> Table<K, V> {
    #[inline]
    fn find(&self, h: u64, key: &[u8]) -> Option<&Entry<K, V>> {
        let mut cur = self.head(h as usize & self.mask());
        while let Some(e) = cur {
            if K::same_key(e.key.key_bytes(), key) {
                return Some(e);
            }
            cur = e.next.as_deref();
        }
        None
    }

    #[inline]
    fn find_mut(&mut self, h: u64, key: &[u8]) -> Option<&mut Entry<K, V>> {
        let idx = h as usize & self.mask();
        let mut cur = self.slot_if_allocated(idx)?.as_deref_mut();
        while let Some(e) = cur {
            if K::same_key(e.key.key_bytes(), key) {
                return Some(e);
            }
            cur = e.next.as_deref_mut();
        }
        None
    }

    /// (slot index, depth in chain) of `key`.
    #[inline]
    fn locate(&self, h: u64, key: &[u8]) -> Option<(usize, usize)> {
        let idx = h as usize & self.mask();
        let mut cur = self.head(idx);
        let mut depth = 0;
        while let Some(e) = cur {
            if K::same_key(e.key.key_bytes(), key) {
                return Some((idx, depth));
            }
            cur = e.next.as_deref();
            depth += 1;
        }
        None
    }
}

/// Unlinks and returns the entry for `key` from the chain at `link`.
fn unlink<K: DictKey, V>(mut link: &mut Link<K, V>, key: &[u8]) -> Option<Box<Entry<K, V>>> {
    while link
        .as_ref()
        .is_some_and(|e| !K::same_key(e.key.key_bytes(), key))
    {
        link = &mut link.as_mut()?.next;
    }
    let mut e = link.take()?;
    *link = e.next.take();
    Some(e)
}

/// xorshift64 step on the caller's state, with a multiply so that the low
/// bits (used for masking) are as good as the high ones.
#[inline]
fn next_rand(state: &mut u64) -> u64 {
    let mut x = *state;
    if x == 0 {
        x = 0x9e37_79b9_7f4a_7c15;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x.wrapping_mul(0x2545_f491_4f6c_dd1d).rotate_left(32)
}

/// Next SCAN cursor: increment the bits under `mask` in reverse order. The
/// bits above the mask are set first so the carry runs off the top.
#[inline]
fn next_cursor(v: u64, mask: u64) -> u64 {
    (v | !mask).reverse_bits().wrapping_add(1).reverse_bits()
}

fn next_exp(size: usize) -> u32 {
    if size <= INITIAL_SIZE {
        return INITIAL_EXP;
    }
    match size.checked_next_power_of_two() {
        Some(p) => p.trailing_zeros(),
        None => usize::BITS - 1,
    }
}

pub struct Dict<K: DictKey, V> {
    ht: [Table<K, V>; 2],
    /// Next `ht[0]` slot to move; meaningful only while rehashing.
    rehash_idx: usize,
    resize_allowed: bool,
}

impl<K: DictKey, V> Default for Dict<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: DictKey, V> Dict<K, V> {
    /// An empty dict; nothing is allocated until the first insert.
    pub fn new() -> Self {
        Dict {
            ht: Default::default(),
            rehash_idx: 0,
            resize_allowed: true,
        }
    }

    /// Room for `n` keys without growing. Only the page directory is
    /// allocated here; slot pages come on first use.
    pub fn with_capacity(n: usize) -> Self {
        let mut d = Self::new();
        if n > 0 {
            d.expand(n);
        }
        d
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.ht[0].used + self.ht[1].used
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    #[inline]
    pub fn is_rehashing(&self) -> bool {
        !self.ht[1].pages.is_empty()
    }

    /// Total slots of both tables.
    pub fn bucket_count(&self) -> usize {
        self.ht[0].size() + self.ht[1].size()
    }

    /// Bytes held by the tables and the entry structs (including the inline
    /// `K` and `V`), excluding what keys and values own on the heap and the
    /// allocator's own per-block overhead.
    pub fn mem_overhead(&self) -> usize {
        let dir = mem::size_of::<Option<Page<K, V>>>();
        let slot = mem::size_of::<Link<K, V>>();
        let tables: usize = self
            .ht
            .iter()
            .map(|t| t.pages.capacity() * dir + t.allocated_pages() * t.page_len() * slot)
            .sum();
        tables + self.len() * mem::size_of::<Entry<K, V>>()
    }

    /// Redis's `dict_can_resize`. When false, growth still happens once
    /// the load factor exceeds 5, and `shrink_if_needed` does nothing;
    /// a rehash already under way still proceeds.
    pub fn set_resize_allowed(&mut self, allowed: bool) {
        self.resize_allowed = allowed;
    }

    pub fn resize_allowed(&self) -> bool {
        self.resize_allowed
    }

    #[inline]
    fn find(&self, key: &[u8]) -> Option<&Entry<K, V>> {
        if self.is_empty() {
            return None;
        }
        let h = K::hash_of(key);
        if let Some(e) = self.ht[0].find(h, key) {
            return Some(e);
        }
        if self.is_rehashing() {
            self.ht[1].find(h, key)
        } else {
            None
        }
    }

    /// (table, slot, depth) of `key`.
    #[inline]
    fn locate(&self, h: u64, key: &[u8]) -> Option<(usize, usize, usize)> {
        if self.is_empty() {
            return None;
        }
        if let Some((i, d)) = self.ht[0].locate(h, key) {
            return Some((0, i, d));
        }
        if self.is_rehashing() {
            return self.ht[1].locate(h, key).map(|(i, d)| (1, i, d));
        }
        None
    }

    /// Lookup without a rehash step (it only has `&self`).
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.find(key).map(|e| &e.val)
    }

    #[inline]
    pub fn get_key_value(&self, key: &[u8]) -> Option<(&K, &V)> {
        self.find(key).map(|e| (&e.key, &e.val))
    }

    #[inline]
    pub fn contains_key(&self, key: &[u8]) -> bool {
        self.find(key).is_some()
    }

    /// Like `dictFind`: performs one rehash step first if rehashing.
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut V> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let h = K::hash_of(key);
        let rehashing = self.is_rehashing();
        let [t0, t1] = &mut self.ht;
        if let Some(e) = t0.find_mut(h, key) {
            return Some(&mut e.val);
        }
        if rehashing {
            t1.find_mut(h, key).map(|e| &mut e.val)
        } else {
            None
        }
    }

    /// Inserts or replaces. On replace the stored key is kept (the new one is
    /// dropped) and the old value is returned, like `dictReplace`.
    pub fn insert(&mut self, key: K, val: V) -> Option<V> {
        self.rehash_step();
        let h = K::hash_of(key.key_bytes());
        if let Some((t, idx, depth)) = self.locate(h, key.key_bytes()) {
            let e = self.ht[t].entry_at_mut(idx, depth);
            return Some(mem::replace(&mut e.val, val));
        }
        self.expand_if_needed();
        self.push_new(h, key, val);
        None
    }

    /// Inserts a key the caller knows is absent, skipping the search.
    pub fn insert_new(&mut self, key: K, val: V) {
        debug_assert!(
            !self.contains_key(key.key_bytes()),
            "insert_new: key present"
        );
        self.rehash_step();
        let h = K::hash_of(key.key_bytes());
        self.expand_if_needed();
        self.push_new(h, key, val);
    }

    /// The value for `key`, inserting `mk()` first if absent (`dictAddRaw` +
    /// `dictFind`). `mk` must return a key equal to `key`. The bool is true
    /// if the entry was inserted.
    pub fn get_or_insert_with(
        &mut self,
        key: &[u8],
        mk: impl FnOnce() -> (K, V),
    ) -> (&mut V, bool) {
        self.rehash_step();
        let h = K::hash_of(key);
        if let Some((t, idx, depth)) = self.locate(h, key) {
            return (&mut self.ht[t].entry_at_mut(idx, depth).val, false);
        }
        let (k, v) = mk();
        debug_assert!(
            K::same_key(k.key_bytes(), key),
            "get_or_insert_with: mk() returned another key"
        );
        self.expand_if_needed();
        (self.push_new(h, k, v), true)
    }

    /// Links a new entry at the head of its chain, in the table that new
    /// keys go to (the new one while rehashing).
    fn push_new(&mut self, h: u64, key: K, val: V) -> &mut V {
        let t = usize::from(self.is_rehashing());
        let tab = &mut self.ht[t];
        let idx = h as usize & tab.mask();
        tab.used += 1;
        let slot = tab.slot(idx);
        let next = slot.take();
        &mut slot.insert(Box::new(Entry { key, val, next })).val
    }

    /// Removes `key`, returning the stored key and value. Never shrinks the
    /// table; call `shrink_if_needed` for that (Redis does it from cron).
    pub fn remove(&mut self, key: &[u8]) -> Option<(K, V)> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step();
        let h = K::hash_of(key);
        let tables = 1 + usize::from(self.is_rehashing());
        for tab in &mut self.ht[..tables] {
            let idx = h as usize & tab.mask();
            if let Some(slot) = tab.slot_if_allocated(idx)
                && let Some(e) = unlink(slot, key)
            {
                tab.used -= 1;
                let Entry { key, val, .. } = *e;
                return Some((key, val));
            }
        }
        None
    }

    /// Drops every entry and both tables. Keeps the resize setting.
    pub fn clear(&mut self) {
        self.ht = Default::default();
        self.rehash_idx = 0;
    }

    /// Leaves `self` empty and returns the old contents, so that a big dict
    /// can be dropped on another thread (FLUSHDB ASYNC).
    pub fn take_all(&mut self) -> Dict<K, V> {
        let empty = Dict {
            ht: Default::default(),
            rehash_idx: 0,
            resize_allowed: self.resize_allowed,
        };
        mem::replace(self, empty)
    }

    /// All entries, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.ht
            .iter()
            .flat_map(|t| t.pages.iter().flatten())
            .flat_map(|page| page.iter())
            .flat_map(|head| ChainIter(head.as_deref()))
            .map(|e| (&e.key, &e.val))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&K, &mut V)> {
        self.ht
            .iter_mut()
            .flat_map(|t| t.pages.iter_mut().flatten())
            .flat_map(|page| page.iter_mut())
            .flat_map(|head| ChainIterMut(head.as_deref_mut()))
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.iter_mut().map(|(_, v)| v)
    }

    /// Moves every entry out, leaving the dict empty (resize setting kept).
    /// Entries not consumed are dropped with the iterator.
    pub fn drain(&mut self) -> Drain<K, V> {
        let remaining = self.len();
        let tables = mem::take(&mut self.ht);
        self.rehash_idx = 0;
        Drain {
            tables,
            table: 0,
            page: 0,
            slot: 0,
            chain: None,
            remaining,
        }
    }

    #[inline]
    fn rehash_step(&mut self) {
        if self.is_rehashing() {
            self.rehash(1);
        }
    }

    /// Moves up to `n` non-empty slots from `ht[0]` to `ht[1]`, looking at
    /// no more than `10 * n` empty ones (so a sparse table cannot make one
    /// step slow). Returns true if there is more to move.
    pub fn rehash_steps(&mut self, n: usize) -> bool {
        self.rehash(n)
    }

    /// Rehashes in batches of 100 slots until done or `budget` has passed
    /// (`dictRehashMilliseconds`). Returns the slots requested, a multiple
    /// of 100.
    pub fn rehash_for(&mut self, budget: Duration) -> usize {
        let start = Instant::now();
        let mut steps = 0;
        while self.rehash(100) {
            steps += 100;
            if start.elapsed() > budget {
                break;
            }
        }
        steps
    }

    fn rehash(&mut self, n: usize) -> bool {
        if !self.is_rehashing() {
            return false;
        }
        let mut empty_visits = n.saturating_mul(10);
        let mut left = n;
        let mut idx = self.rehash_idx;
        let [old, new] = &mut self.ht;
        let pb = u32::from(old.page_bits);
        let pmask = old.page_len() - 1;
        let new_mask = new.mask();
        while left > 0 && old.used != 0 {
            left -= 1;
            // Some slot at or after idx is non-empty because old.used != 0,
            // so idx stays in range.
            loop {
                let p = idx >> pb;
                let occupied = match &old.pages[p] {
                    // A page never written is empty as a whole: skip it for
                    // the price of one visit.
                    None => {
                        idx = (p + 1) << pb;
                        false
                    }
                    Some(page) => page[idx & pmask].is_some(),
                };
                if occupied {
                    break;
                }
                if old.pages[p].is_some() {
                    idx += 1;
                    if idx & pmask == 0 {
                        old.pages[p] = None;
                    }
                }
                empty_visits -= 1;
                if empty_visits == 0 {
                    self.rehash_idx = idx;
                    return true;
                }
            }
            let p = idx >> pb;
            let mut chain = old.slot_if_allocated(idx).and_then(Option::take);
            while let Some(mut e) = chain {
                chain = e.next.take();
                let slot = new.slot(K::hash_of(e.key.key_bytes()) as usize & new_mask);
                e.next = slot.take();
                *slot = Some(e);
                old.used -= 1;
                new.used += 1;
            }
            idx += 1;
            // Everything below idx is empty, so a page we have just left can
            // go now rather than all at once at the end.
            if idx & pmask == 0 {
                old.pages[p] = None;
            }
        }
        if old.used == 0 {
            mem::swap(old, new);
            *new = Table::default();
            self.rehash_idx = 0;
            return false;
        }
        self.rehash_idx = idx;
        true
    }

    /// `_dictExpand`: starts a rehash into a table of the next power of two
    /// >= `size` (or just allocates if there is no table yet).
    fn expand(&mut self, size: usize) -> bool {
        if self.is_rehashing() || self.ht[0].used > size {
            return false;
        }
        let exp = next_exp(size);
        if self.ht[0].size() == 1usize << exp {
            return false;
        }
        let t = Table::with_exp(exp);
        if self.ht[0].size() == 0 {
            self.ht[0] = t;
        } else {
            self.ht[1] = t;
            self.rehash_idx = 0;
        }
        true
    }

    fn expand_if_needed(&mut self) {
        if self.is_rehashing() {
            return;
        }
        let size = self.ht[0].size();
        if size == 0 {
            self.expand(INITIAL_SIZE);
            return;
        }
        let used = self.ht[0].used;
        if used >= size && (self.resize_allowed || used / size > FORCE_RESIZE_RATIO) {
            self.expand(used + 1);
        }
    }

    /// `htNeedsResize` + `dictResize`: if resizing is allowed, no rehash is
    /// running, the table has more than 4 slots and is under 10 % full,
    /// start rehashing into the next power of two >= len (min 4). Returns
    /// true if it did. An empty table is swapped out at once.
    pub fn shrink_if_needed(&mut self) -> bool {
        if !self.resize_allowed || self.is_rehashing() {
            return false;
        }
        let size = self.ht[0].size();
        let used = self.ht[0].used;
        if size <= INITIAL_SIZE || used * 100 / size >= MIN_FILL_PERCENT {
            return false;
        }
        let started = self.expand(used.max(INITIAL_SIZE));
        if started && used == 0 {
            self.rehash(1);
        }
        started
    }

    /// One SCAN call: reports every entry in the slot(s) at `cursor` and
    /// returns the next cursor (0 when the scan is complete).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&K, &V)) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let mut v = cursor;
        if !self.is_rehashing() {
            let t = &self.ht[0];
            let m = t.mask() as u64;
            t.visit((v & m) as usize, &mut f);
            return next_cursor(v, m);
        }
        let (small, big) = if self.ht[0].size() <= self.ht[1].size() {
            (&self.ht[0], &self.ht[1])
        } else {
            (&self.ht[1], &self.ht[0])
        };
        let m0 = small.mask() as u64;
        let m1 = big.mask() as u64;
        small.visit((v & m0) as usize, &mut f);
        // The big-table slots whose low bits equal this small-table slot,
        // in cursor order; stop when the bits only the big table has wrap.
        loop {
            big.visit((v & m1) as usize, &mut f);
            v = next_cursor(v, m1);
            if v & (m0 ^ m1) == 0 {
                break;
            }
        }
        v
    }

    /// A random entry, close to uniformly chosen (`dictGetFairRandomKey`):
    /// picks among up to 15 entries found by `sample_keys`' walk, falling
    /// back to a random non-empty slot. `rng` is the caller's xorshift state.
    pub fn random_entry(&self, rng: &mut u64) -> Option<(&K, &V)> {
        if self.is_empty() {
            return None;
        }
        let mut picks: [Option<&Entry<K, V>>; FAIR_SAMPLE] = [None; FAIR_SAMPLE];
        let mut n = 0;
        self.sample_walk(rng, FAIR_SAMPLE, |e| {
            picks[n] = Some(e);
            n += 1;
        });
        let e = match n {
            0 => self.random_entry_unfair(rng),
            _ => picks[(next_rand(rng) % n as u64) as usize]?,
        };
        Some((&e.key, &e.val))
    }

    /// `dictGetRandomKey`: random non-empty slot, then a random chain
    /// member. Biased toward entries in short chains. Requires len > 0.
    fn random_entry_unfair(&self, rng: &mut u64) -> &Entry<K, V> {
        let head = loop {
            let h = if self.is_rehashing() {
                // Slots of ht[0] below rehash_idx are known to be empty.
                let s0 = self.ht[0].size();
                let span = (s0 + self.ht[1].size() - self.rehash_idx) as u64;
                let i = self.rehash_idx + (next_rand(rng) % span) as usize;
                if i >= s0 {
                    self.ht[1].head(i - s0)
                } else {
                    self.ht[0].head(i)
                }
            } else {
                self.ht[0].head(next_rand(rng) as usize & self.ht[0].mask())
            };
            if let Some(e) = h {
                break e;
            }
        };
        let len = ChainIter(Some(head)).count() as u64;
        let pick = (next_rand(rng) % len) as usize;
        ChainIter(Some(head)).nth(pick).unwrap_or(head)
    }

    /// Appends up to `count` distinct keys found around a random position
    /// (`dictGetSomeKeys`): cheap, but neighbouring keys come together, so
    /// it suits sampling (eviction), not fair selection. May return fewer
    /// than asked, even none, if the table is sparse.
    pub fn sample_keys<'a>(&'a self, rng: &mut u64, count: usize, out: &mut Vec<&'a K>) {
        self.sample_walk(rng, count, |e| out.push(&e.key));
    }

    /// Walks slots from a random position, emitting entries. Like Redis it
    /// walks both tables at each index, gives up after `10 * count` indexes
    /// and jumps to a random index after a run of empty slots. Unlike Redis
    /// it remembers the index ranges already walked (a handful: each jump
    /// needs more than `max(5, count)` empty slots first) and steps over
    /// them, so the entries emitted are distinct.
    fn sample_walk<'a>(
        &'a self,
        rng: &mut u64,
        count: usize,
        mut emit: impl FnMut(&'a Entry<K, V>),
    ) -> usize {
        const MAX_RUNS: usize = 64;
        let count = count.min(self.len());
        if count == 0 {
            return 0;
        }
        let rehashing = self.is_rehashing();
        let tables = 1 + usize::from(rehashing);
        let s1 = self.ht[1].size();
        let lap = self.ht[0].size().max(s1);
        let lap_mask = lap - 1;
        // Walked index ranges as (first, length), modulo lap; disjoint
        // because a walked index is never walked again.
        let mut runs = [(0usize, 0usize); MAX_RUNS];
        let mut nruns = 0;
        let mut new_run = true;
        let mut walked = 0;
        let mut i = next_rand(rng) as usize & lap_mask;
        let mut steps = count.saturating_mul(10);
        let mut empty_run = 0;
        let mut stored = 0;
        while steps > 0 && walked < lap {
            steps -= 1;
            if rehashing && i < self.rehash_idx && i >= s1 {
                // Shrinking: below rehash_idx the old table is empty and
                // the new one is out of range, so nothing lives here.
                i = self.rehash_idx;
                new_run = true;
            }
            // Some index is unwalked (walked < lap) and runs are disjoint,
            // so this ends after at most nruns hops.
            while let Some(&(first, len)) = runs[..nruns]
                .iter()
                .find(|r| i.wrapping_sub(r.0) & lap_mask < r.1)
            {
                i = (first + len) & lap_mask;
                new_run = true;
            }
            if new_run {
                if nruns == MAX_RUNS {
                    break;
                }
                runs[nruns] = (i, 0);
                nruns += 1;
                new_run = false;
            }
            for (j, t) in self.ht[..tables].iter().enumerate() {
                if (j == 0 && rehashing && i < self.rehash_idx) || i >= t.size() {
                    continue;
                }
                match t.head(i) {
                    None => empty_run += 1,
                    Some(head) => {
                        empty_run = 0;
                        for e in ChainIter(Some(head)) {
                            emit(e);
                            stored += 1;
                            if stored == count {
                                return stored;
                            }
                        }
                    }
                }
            }
            runs[nruns - 1].1 += 1;
            walked += 1;
            if empty_run >= 5 && empty_run > count {
                empty_run = 0;
                i = next_rand(rng) as usize & lap_mask;
                new_run = true;
            } else {
                i = (i + 1) & lap_mask;
            }
        }
        stored
    }
}

impl<K: DictKey, V> IntoIterator for Dict<K, V> {
    type Item = (K, V);
    type IntoIter = Drain<K, V>;

    fn into_iter(mut self) -> Drain<K, V> {
        self.drain()
    }
}

struct ChainIter<'a, K, V>(Option<&'a Entry<K, V>>);

impl<'a, K, V> Iterator for ChainIter<'a, K, V> {
    type Item = &'a Entry<K, V>;

    #[inline]
    fn next(&mut self) -> Option<&'a Entry<K, V>> {
        let e = self.0?;
        self.0 = e.next.as_deref();
        Some(e)
    }
}

struct ChainIterMut<'a, K, V>(Option<&'a mut Entry<K, V>>);

impl<'a, K, V> Iterator for ChainIterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);

    #[inline]
    fn next(&mut self) -> Option<(&'a K, &'a mut V)> {
        let Entry { key, val, next } = self.0.take()?;
        self.0 = next.as_deref_mut();
        Some((key, val))
    }
}

/// Owning iterator returned by `Dict::drain` / `into_iter`. Frees slot
/// pages as it leaves them.
pub struct Drain<K, V> {
    tables: [Table<K, V>; 2],
    table: usize,
    page: usize,
    slot: usize,
    chain: Link<K, V>,
    remaining: usize,
}

impl<K, V> Iterator for Drain<K, V> {
    type Item = (K, V);

    fn next(&mut self) -> Option<(K, V)> {
        loop {
            if let Some(mut e) = self.chain.take() {
                self.chain = e.next.take();
                self.remaining -= 1;
                let Entry { key, val, .. } = *e;
                return Some((key, val));
            }
            if self.remaining == 0 || self.table >= self.tables.len() {
                return None;
            }
            let t = &mut self.tables[self.table];
            if self.page >= t.pages.len() {
                self.table += 1;
                self.page = 0;
                self.slot = 0;
                continue;
            }
            let page_done = match &mut t.pages[self.page] {
                None => true,
                Some(p) if self.slot >= p.len() => true,
                Some(p) => {
                    self.chain = p[self.slot].take();
                    self.slot += 1;
                    false
                }
            };
            if page_done {
                t.pages[self.page] = None;
                self.page += 1;
                self.slot = 0;
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<K, V> ExactSizeIterator for Drain<K, V> {}

impl<K, V> Drop for Drain<K, V> {
    fn drop(&mut self) {
        drop_chain(self.chain.take());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    type D = Dict<Box<[u8]>, u64>;

    fn key(i: u64) -> Box<[u8]> {
        format!("key:{i}").into_bytes().into_boxed_slice()
    }

    fn kb(i: u64) -> Vec<u8> {
        format!("key:{i}").into_bytes()
    }

    /// Structural invariants: counts, every entry in the slot its hash
    /// selects, nothing in ht[0] below rehash_idx, ht[1] only while
    /// rehashing.
    fn check(d: &D) {
        let mut total = 0;
        for (t, tab) in d.ht.iter().enumerate() {
            let mut n = 0;
            for idx in 0..tab.size() {
                let mut cur = tab.head(idx);
                if cur.is_some() && t == 0 && d.is_rehashing() {
                    assert!(idx >= d.rehash_idx, "entry below rehash_idx");
                }
                while let Some(e) = cur {
                    assert_eq!(
                        <Box<[u8]> as DictKey>::hash_of(&e.key) as usize & tab.mask(),
                        idx
                    );
                    n += 1;
                    cur = e.next.as_deref();
                }
            }
            assert_eq!(n, tab.used, "table {t} used count");
            total += n;
        }
        assert_eq!(total, d.len());
        if d.is_rehashing() {
            assert_ne!(d.ht[0].size(), d.ht[1].size());
            assert!(d.ht[0].size() > 0);
        }
    }

    fn xs(state: &mut u64) -> u64 {
        next_rand(state)
    }

    #[test]
    fn empty_dict_allocates_nothing() {
        let mut d = D::new();
        assert_eq!(d.bucket_count(), 0);
        assert_eq!(d.mem_overhead(), 0);
        assert!(d.get(b"x").is_none());
        assert!(d.get_mut(b"x").is_none());
        assert!(d.remove(b"x").is_none());
        assert_eq!(d.scan(0, |_, _| panic!()), 0);
        assert!(d.random_entry(&mut 1).is_none());
        let mut out = Vec::new();
        d.sample_keys(&mut 1, 10, &mut out);
        assert!(out.is_empty());
        assert!(!d.shrink_if_needed());
        assert_eq!(d.iter().count(), 0);
        let c = D::with_capacity(1000);
        assert_eq!(c.bucket_count(), 1024);
    }

    #[test]
    fn insert_get_replace_remove_100k() {
        let n = 100_000u64;
        let mut d = D::new();
        for i in 0..n {
            assert_eq!(d.insert(key(i), i), None);
        }
        assert_eq!(d.len(), n as usize);
        check(&d);
        for i in 0..n {
            assert_eq!(d.get(&kb(i)), Some(&i));
        }
        assert!(d.get(b"key:-1").is_none());
        // Replace keeps the stored key allocation and returns the old value.
        for i in (0..n).step_by(2) {
            let before = d.get_key_value(&kb(i)).unwrap().0.as_ptr();
            assert_eq!(d.insert(key(i), i + n), Some(i));
            assert_eq!(d.get_key_value(&kb(i)).unwrap().0.as_ptr(), before);
        }
        for i in 0..n {
            let want = if i % 2 == 0 { i + n } else { i };
            assert_eq!(d.get(&kb(i)), Some(&want));
        }
        for i in (0..n).filter(|i| i % 3 == 0) {
            let (k, v) = d.remove(&kb(i)).unwrap();
            assert_eq!(&*k, &kb(i)[..]);
            assert_eq!(v, if i % 2 == 0 { i + n } else { i });
            assert!(d.remove(&kb(i)).is_none());
        }
        check(&d);
        for i in 0..n {
            assert_eq!(d.contains_key(&kb(i)), i % 3 != 0);
        }
        *d.get_mut(&kb(1)).unwrap() = 7;
        assert_eq!(d.get(&kb(1)), Some(&7));
        assert_eq!(d.len(), (n - n.div_ceil(3)) as usize);
        assert_eq!(d.iter().count(), d.len());
    }

    #[test]
    fn growth_is_incremental_and_power_of_two() {
        let mut d = D::new();
        d.insert(key(0), 0);
        assert_eq!(d.bucket_count(), 4);
        for i in 1..4 {
            d.insert(key(i), i);
        }
        assert!(!d.is_rehashing());
        // The 5th key finds used == size and starts a rehash into 8 slots.
        d.insert(key(4), 4);
        assert!(d.is_rehashing() || d.ht[0].size() == 8);
        let mut saw_rehash = 0;
        for i in 5..50_000 {
            d.insert(key(i), i);
            if d.is_rehashing() {
                saw_rehash += 1;
                if i % 4099 == 0 {
                    check(&d);
                }
                // Mid-rehash lookups see both tables.
                assert_eq!(d.get(&kb(i / 2)), Some(&(i / 2)));
            }
            let s0 = d.ht[0].size();
            assert!(s0.is_power_of_two());
        }
        assert!(saw_rehash > 1000);
        while d.rehash_steps(1000) {}
        assert_eq!(d.bucket_count(), 65536);
        check(&d);
        // Lazily allocated pages: old table pages were freed as the rehash
        // passed them.
        assert!(d.ht[1].pages.is_empty());
    }

    #[test]
    fn shrink_with_interleaved_rehash() {
        let mut d = D::new();
        let n = 100_000u64;
        for i in 0..n {
            d.insert(key(i), i);
        }
        while d.rehash_steps(100) {}
        let big = d.bucket_count();
        assert_eq!(big, 131072);
        for i in 0..n {
            if i % 20 != 0 {
                d.remove(&kb(i));
            }
        }
        // 5000 / 131072 < 10 %.
        assert!(d.shrink_if_needed());
        assert!(d.is_rehashing());
        assert!(!d.shrink_if_needed(), "no second resize while rehashing");
        assert_eq!(d.ht[1].size(), 8192);
        let mut i = 0;
        while d.is_rehashing() {
            // Mix operations into the rehash.
            d.insert(key(n + i), i);
            assert!(d.get(&kb(i * 20)).is_some() || i * 20 >= n);
            d.remove(&kb(n + i / 2));
            if i % 997 == 0 {
                check(&d);
            }
            i += 1;
        }
        check(&d);
        assert!(d.bucket_count() <= 16384);
        for j in (0..n).step_by(20) {
            assert_eq!(d.get(&kb(j)), Some(&j));
        }
        // Shrink of an empty table completes at once.
        let keys: Vec<Vec<u8>> = d.keys().map(|k| k.to_vec()).collect();
        for k in keys {
            d.remove(&k);
        }
        assert!(d.is_empty());
        assert!(d.shrink_if_needed());
        assert!(!d.is_rehashing());
        assert_eq!(d.bucket_count(), 4);
        assert!(!d.shrink_if_needed());
    }

    #[test]
    fn resize_disallowed_forces_growth_past_ratio_5() {
        let mut d = D::new();
        d.set_resize_allowed(false);
        for i in 0..4 {
            d.insert(key(i), i);
        }
        assert_eq!(d.bucket_count(), 4);
        // used/size must exceed 5 (integer division), i.e. reach 24.
        for i in 4..24 {
            d.insert(key(i), i);
            assert_eq!(d.bucket_count(), 4, "grew at {i}");
        }
        d.insert(key(24), 24);
        assert!(d.is_rehashing());
        assert_eq!(d.ht[1].size(), 32);
        while d.rehash_steps(10) {}
        check(&d);
        for i in 25..1000 {
            d.insert(key(i), i);
        }
        while d.rehash_steps(10) {}
        assert!(d.len() / d.ht[0].size() <= 6);
        for i in 0..1000 {
            d.remove(&kb(i));
        }
        assert!(!d.shrink_if_needed());
        d.set_resize_allowed(true);
        assert!(d.shrink_if_needed());
    }

    /// Runs a full scan, calling `between` after each call but the last;
    /// returns the values seen (tests store `i` under `key(i)`).
    fn full_scan(d: &mut D, mut between: impl FnMut(&mut D, usize)) -> HashSet<u64> {
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut calls = 0;
        loop {
            cursor = d.scan(cursor, |_, v| {
                seen.insert(*v);
            });
            calls += 1;
            if cursor == 0 {
                return seen;
            }
            between(d, calls);
            assert!(calls < 50_000_000, "scan does not terminate");
        }
    }

    fn assert_all_seen(seen: &HashSet<u64>, stable: impl IntoIterator<Item = u64>) {
        for i in stable {
            assert!(seen.contains(&i), "stable key {i} missed by scan");
        }
    }

    #[test]
    fn scan_without_changes() {
        let mut d = D::new();
        for i in 0..10_000 {
            d.insert(key(i), i);
        }
        while d.rehash_steps(100) {}
        let mut calls = 0;
        let mut seen = Vec::new();
        let mut cursor = 0;
        loop {
            cursor = d.scan(cursor, |k, _| seen.push(k.to_vec()));
            calls += 1;
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(calls, d.bucket_count(), "one call per slot");
        assert_eq!(seen.len(), 10_000, "no duplicates without changes");
        let set: HashSet<_> = seen.into_iter().collect();
        assert_eq!(set.len(), 10_000);
    }

    #[test]
    fn scan_with_growth_in_the_middle() {
        let mut d = D::new();
        for i in 0..1000 {
            d.insert(key(i), i);
        }
        while d.rehash_steps(100) {}
        let mut next = 1000;
        let seen = full_scan(&mut d, |d, call| {
            if call < 400 {
                for _ in 0..200 {
                    d.insert(key(next), next);
                    next += 1;
                }
            }
        });
        assert!(d.bucket_count() >= 65536);
        assert_all_seen(&seen, 0..1000);
    }

    #[test]
    fn scan_with_shrink_in_the_middle() {
        let mut d = D::new();
        let n = 50_000;
        for i in 0..n {
            d.insert(key(i), i);
        }
        while d.rehash_steps(100) {}
        let seen = full_scan(&mut d, |d, call| {
            if call == 1000 {
                for i in 0..n {
                    if i % 50 != 0 {
                        d.remove(&kb(i));
                    }
                }
                assert!(d.shrink_if_needed());
            }
            d.rehash_steps(3);
        });
        assert_all_seen(&seen, (0..n).step_by(50));
    }

    #[test]
    fn scan_while_mid_rehash() {
        // Growth rehash in progress for the whole scan.
        let mut d = D::new();
        for i in 0..16_384 {
            d.insert(key(i), i);
        }
        d.insert(key(16_384), 16_384);
        while d.rehash_steps(100) {}
        for i in 16_385..32_769 {
            d.insert_new(key(i), i);
        }
        assert!(d.is_rehashing());
        let seen = full_scan(&mut d, |_, _| {});
        assert!(d.is_rehashing());
        assert_all_seen(&seen, 0..32_769);

        // Same, with one step per call so the rehash finishes mid-scan.
        let seen = full_scan(&mut d, |d, _| {
            d.rehash_steps(1);
        });
        assert_all_seen(&seen, 0..32_769);

        // Shrink rehash in progress, advancing between calls.
        for i in 0..32_769 {
            if i % 40 != 0 {
                d.remove(&kb(i));
            }
        }
        while d.rehash_steps(100) {}
        assert!(d.shrink_if_needed());
        d.rehash_steps(50);
        assert!(d.is_rehashing());
        let seen = full_scan(&mut d, |d, call| {
            if call % 7 == 0 {
                d.rehash_steps(1);
            }
        });
        assert_all_seen(&seen, (0..32_769).step_by(40));
    }

    /// Random mutations between scan calls: growth, shrink, partial rehash,
    /// resize toggling. Keys 0..stable are never removed.
    #[test]
    fn scan_torture() {
        let mut rng = 0x5eed_u64;
        let rounds = if cfg!(debug_assertions) { 20 } else { 100 };
        for round in 0..rounds {
            let mut d = D::new();
            let stable = 1 + xs(&mut rng) % 3000;
            let extra = xs(&mut rng) % 12_000;
            for i in 0..stable + extra {
                d.insert(key(i), i);
            }
            if round % 2 == 0 {
                while d.rehash_steps(100) {}
            }
            let mut next = stable + extra;
            let mut live_extra: Vec<u64> = (stable..stable + extra).collect();
            let seen = full_scan(&mut d, |d, _| match xs(&mut rng) % 40 {
                0 | 1 if live_extra.len() < 50_000 => {
                    for _ in 0..xs(&mut rng) % 300 {
                        d.insert(key(next), next);
                        live_extra.push(next);
                        next += 1;
                    }
                }
                2 | 3 => {
                    for _ in 0..xs(&mut rng) % 1200 {
                        if live_extra.is_empty() {
                            break;
                        }
                        let at = (xs(&mut rng) as usize) % live_extra.len();
                        let k = live_extra.swap_remove(at);
                        assert!(d.remove(&kb(k)).is_some());
                    }
                    d.shrink_if_needed();
                }
                4 => {
                    d.shrink_if_needed();
                }
                5..=9 => {
                    d.rehash_steps(1 + (xs(&mut rng) % 64) as usize);
                }
                10 => {
                    let allowed = xs(&mut rng).is_multiple_of(2);
                    d.set_resize_allowed(allowed);
                }
                _ => {}
            });
            assert_all_seen(&seen, 0..stable);
            assert!(
                seen.iter().all(|&i| i < next),
                "scan reported a key never inserted"
            );
            check(&d);
        }
    }

    #[test]
    fn random_entry_distribution() {
        let n = 500u64;
        let mut d = D::new();
        for i in 0..n {
            d.insert(key(i), i);
        }
        let mut rng = 42u64;
        let draws = if cfg!(debug_assertions) {
            200_000
        } else {
            600_000
        };
        let mut hits = vec![0u32; n as usize];
        for _ in 0..draws {
            let (_, v) = d.random_entry(&mut rng).unwrap();
            hits[*v as usize] += 1;
        }
        // Like Redis's dictGetFairRandomKey this is only roughly uniform: an
        // entry's weight is the number of slots its 15-entry window spans,
        // so entries in dense runs come up less. Measured spread over many
        // hash seeds: 0.3x..2.3x the mean, median ~1x.
        hits.sort_unstable();
        let mean = draws as f64 / n as f64;
        let (min, median, max) = (
            hits[0] as f64,
            hits[hits.len() / 2] as f64,
            hits[hits.len() - 1] as f64,
        );
        assert!(min > mean / 6.0, "min {min} mean {mean}");
        assert!(max < 4.0 * mean, "max {max} mean {mean}");
        assert!(
            (0.85 * mean..1.15 * mean).contains(&median),
            "median {median} mean {mean}"
        );

        // Sparse table (after deletes, before shrink) and mid-rehash still
        // produce only live entries, and all of them.
        for i in 0..n {
            if i % 10 != 0 {
                d.remove(&kb(i));
            }
        }
        // 50 keys in 512 slots: sparse enough to shrink.
        for (rehash, label) in [(false, "sparse"), (true, "rehashing")] {
            if rehash {
                assert!(d.shrink_if_needed());
                d.rehash_steps(20);
                assert!(d.is_rehashing());
            }
            let mut hits = HashMap::new();
            for _ in 0..20_000 {
                let (k, v) = d.random_entry(&mut rng).unwrap();
                assert_eq!(v % 10, 0, "{label}");
                assert_eq!(&k[..], &kb(*v)[..]);
                *hits.entry(*v).or_insert(0u32) += 1;
            }
            assert_eq!(hits.len(), 50, "{label}");
        }
    }

    #[test]
    fn sample_keys_distinct_and_live() {
        let mut rng = 7u64;
        let mut d = D::new();
        for i in 0..5000 {
            d.insert(key(i), i);
        }
        for phase in 0..4 {
            match phase {
                1 => {
                    // Sparse: 1 % left.
                    for i in 0..5000 {
                        if i % 100 != 0 {
                            d.remove(&kb(i));
                        }
                    }
                }
                2 => {
                    assert!(d.shrink_if_needed());
                    d.rehash_steps(3);
                    assert!(d.is_rehashing());
                }
                3 => {
                    while d.rehash_steps(10) {}
                    // Growth rehash in progress.
                    for i in 5000..5100 {
                        d.insert(key(i), i);
                    }
                }
                _ => {}
            }
            for count in [1usize, 5, 16, 64, 200, 10_000] {
                for _ in 0..50 {
                    let mut out = Vec::new();
                    d.sample_keys(&mut rng, count, &mut out);
                    assert!(out.len() <= count.min(d.len()));
                    let set: HashSet<&[u8]> = out.iter().map(|k| &k[..]).collect();
                    assert_eq!(set.len(), out.len(), "duplicate sample (phase {phase})");
                    for k in &out {
                        assert!(d.contains_key(k));
                    }
                }
            }
            // A request for everything in a small, dense dict gets
            // everything: the walk covers the whole index space.
            if phase == 3 {
                let mut out = Vec::new();
                d.sample_keys(&mut rng, d.len(), &mut out);
                assert_eq!(out.len(), d.len(), "phase {phase}");
            }
        }
        let mut out = Vec::new();
        d.sample_keys(&mut rng, 5, &mut out);
        assert_eq!(out.len(), 5);
    }

    #[test]
    fn take_all_clear_drain() {
        let mut d = D::new();
        for i in 0..10_000 {
            d.insert(key(i), i);
        }
        d.set_resize_allowed(false);
        assert!(d.is_rehashing());
        let old = d.take_all();
        assert!(d.is_empty());
        assert_eq!(d.bucket_count(), 0);
        assert!(!d.resize_allowed());
        assert_eq!(old.len(), 10_000);
        assert_eq!(old.get(&kb(1234)), Some(&1234));
        // Drop on another thread, as FLUSHDB ASYNC does.
        std::thread::spawn(move || drop(old)).join().unwrap();

        d.insert(key(1), 1);
        assert_eq!(d.get(&kb(1)), Some(&1));

        let mut d = D::new();
        for i in 0..10_000 {
            d.insert(key(i), i);
        }
        let drained: HashMap<Vec<u8>, u64> = d.drain().map(|(k, v)| (k.into_vec(), v)).collect();
        assert_eq!(drained.len(), 10_000);
        assert!(d.is_empty());
        for i in 0..10_000 {
            assert_eq!(drained[&kb(i)], i);
        }
        for i in 0..1000 {
            d.insert(key(i), i);
        }
        // Partially consumed drain drops the rest.
        let mut it = d.drain();
        assert_eq!(it.len(), 1000);
        it.next();
        assert_eq!(it.len(), 999);
        drop(it);
        for i in 0..1000 {
            d.insert(key(i), i);
        }
        assert_eq!(d.into_iter().count(), 1000);

        let mut d = D::new();
        for i in 0..1000 {
            d.insert(key(i), i);
        }
        d.clear();
        assert!(d.is_empty() && d.bucket_count() == 0);
        assert!(d.get(&kb(3)).is_none());
    }

    #[test]
    fn get_or_insert_and_iter_mut() {
        let mut d = D::new();
        for i in 0..5000 {
            let (v, inserted) = d.get_or_insert_with(&kb(i % 2500), || (key(i % 2500), 0));
            assert_eq!(inserted, i < 2500);
            *v += 1;
        }
        assert_eq!(d.len(), 2500);
        assert!(d.values().all(|&v| v == 2));
        for (k, v) in d.iter_mut() {
            *v += k.len() as u64;
        }
        for i in 0..2500 {
            assert_eq!(*d.get(&kb(i)).unwrap(), 2 + kb(i).len() as u64);
        }
        for v in d.values_mut() {
            *v = 0;
        }
        assert_eq!(d.values().sum::<u64>(), 0);
        assert!(d.mem_overhead() >= 2500 * mem::size_of::<Entry<Box<[u8]>, u64>>());
    }

    #[test]
    fn nocase_keys() {
        let mut d: Dict<NoCase<&'static str>, u32> = Dict::new();
        d.insert(NoCase("get"), 1);
        d.insert(NoCase("SET"), 2);
        assert_eq!(d.get(b"GET"), Some(&1));
        assert_eq!(d.get(b"gEt"), Some(&1));
        assert_eq!(d.get(b"set"), Some(&2));
        assert_eq!(d.insert(NoCase("Get"), 3), Some(1));
        assert_eq!(d.get_key_value(b"get").unwrap().0.0, "get");
        assert_eq!(d.len(), 2);
        assert!(d.remove(b"sEt").is_some());
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn long_chains_drop_without_recursion() {
        // Resizing off keeps the load factor up to 6; make sure drop, drain
        // and clear cope with big dicts of such chains.
        let mut d = D::new();
        d.set_resize_allowed(false);
        for i in 0..200_000 {
            d.insert(key(i), i);
        }
        check(&d);
        assert!(d.len() / d.ht[0].size() >= 1);
        drop(d);
    }

    /// Against std's HashMap: 200k seeded random operations, alternating
    /// grow-heavy and shrink-heavy phases so resizes in both directions
    /// happen with rehashes interleaved.
    #[test]
    fn model_check_against_hashmap() {
        let mut rng = 0xdead_beef_u64;
        let mut d = D::new();
        let mut m: HashMap<Vec<u8>, u64> = HashMap::new();
        let keyspace = 20_000;
        for op in 0..200_000u64 {
            let grow = (op / 25_000) % 2 == 0;
            let r = xs(&mut rng) % 100;
            let k = xs(&mut rng) % keyspace;
            let kv = kb(k);
            match r {
                0..=39 => {
                    if grow || r < 15 {
                        assert_eq!(d.insert(key(k), op), m.insert(kv, op));
                    } else {
                        assert_eq!(d.remove(&kv).map(|(_, v)| v), m.remove(&kv));
                    }
                }
                40..=59 => {
                    let got = d.remove(&kv);
                    let want = m.remove(&kv);
                    assert_eq!(got.as_ref().map(|(_, v)| *v), want);
                    if let Some((key_back, _)) = got {
                        assert_eq!(&key_back[..], &kv[..]);
                    }
                }
                60..=69 => assert_eq!(d.get(&kv), m.get(&kv)),
                70..=74 => {
                    let got = d.get_mut(&kv).map(|v| {
                        *v += 1;
                        *v
                    });
                    let want = m.get_mut(&kv).map(|v| {
                        *v += 1;
                        *v
                    });
                    assert_eq!(got, want);
                }
                75..=79 => {
                    let (v, inserted) = d.get_or_insert_with(&kv, || (key(k), op));
                    let was_absent = !m.contains_key(&kv);
                    assert_eq!(inserted, was_absent);
                    let mv = m.entry(kv.clone()).or_insert(op);
                    assert_eq!(*v, *mv);
                }
                80..=84 => {
                    if let std::collections::hash_map::Entry::Vacant(slot) = m.entry(kv) {
                        d.insert_new(key(k), op);
                        slot.insert(op);
                    }
                }
                85..=89 => assert_eq!(d.contains_key(&kv), m.contains_key(&kv)),
                90..=93 => {
                    d.rehash_steps(1 + (xs(&mut rng) % 50) as usize);
                }
                94..=97 => {
                    d.shrink_if_needed();
                }
                98 => {
                    d.set_resize_allowed(!xs(&mut rng).is_multiple_of(4));
                }
                _ => {
                    if xs(&mut rng).is_multiple_of(10) {
                        d.rehash_for(Duration::from_micros(50));
                    }
                }
            }
            assert_eq!(d.len(), m.len());
            if op % 10_000 == 0 {
                check(&d);
                let got: HashMap<Vec<u8>, u64> = d.iter().map(|(k, v)| (k.to_vec(), *v)).collect();
                assert_eq!(got, m);
            }
        }
        check(&d);
        let got: HashMap<Vec<u8>, u64> = d.iter().map(|(k, v)| (k.to_vec(), *v)).collect();
        assert_eq!(got, m);
    }
}
