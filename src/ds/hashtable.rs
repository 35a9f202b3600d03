//! `HashTable<T>`: a bucketed hash table in the style of Valkey 8's
//! `hashtable.c`, with elements stored inline in the buckets -- the large
//! encoding of sets, hashes and the member -> score index of sorted sets.
//!
//! Why not `Dict`: a chained dict pays one `Box<Entry { key, val, next }>`
//! per element (24+ bytes for a `Box<[u8]>` key and no value) plus an
//! 8-byte slot. Here the element (`T`, typically one `Box<[u8]>`) sits in a
//! bucket slot, so the only per-element allocation is the element's own.
//!
//! Layout and ownership
//! - A bucket holds 7 slots (`[Option<T>; 7]`), a one-byte tag per slot
//!   (the top 8 bits of the element's hash, to skip most key compares on a
//!   miss), a presence bitmap, and an optional overflow child bucket. With
//!   a 16-byte `T` (`Box<[u8]>`, whose `Option` uses the pointer's niche) a
//!   bucket is exactly 128 bytes (two cache lines); with sets' 24-byte
//!   `SmallBytes` (members inline) it is 184 bytes.
//! - Two tables, `ht[0]` and `ht[1]`, of power-of-two bucket counts;
//!   `ht[1]` exists only while rehashing. As in `Dict`, a table's buckets
//!   are split into pages of 128 or 64 buckets (alternating with the
//!   table size, see `Table::with_exp`; 16 KiB for 128-byte buckets),
//!   allocated on first write and freed as the rehash index passes them, so
//!   starting a rehash of a big table never writes megabytes in one go.
//! - An element's "home" is the chain (bucket + children) at
//!   `hash & mask`. It leaves that chain only when rehashed: a remove fills
//!   its hole with the chain's last element and frees an emptied child, so
//!   chains stay dense without elements moving between chains.
//!
//! Resizing
//! - Grow (before an insert) when `len > buckets * 7 * 5/4`, into the next
//!   power of two holding `len` at <= 7 per bucket (so twice the buckets).
//!   Why 5/4 rather than Valkey's 100 %: our slots are 16 bytes (a fat
//!   `Box<[u8]>` pointer; safe Rust has no thin pointer to a byte slice),
//!   twice Valkey's, so empty slots cost twice as much and overflow children
//!   are relatively cheaper. With Poisson-distributed chain lengths the
//!   average cost per element over all table sizes is (bucket bytes per
//!   element, plus 16 for the member's allocation): fill 0.8 -> 51,
//!   1.0 -> 46, 1.25 -> 43, 1.5 -> 42. Past 1.25 the gain is small while
//!   misses walk ever more children (at 8.75 elements per bucket about two
//!   thirds of chains have one child, and tags keep those walks cheap); it
//!   keeps the use of allocated slots at roughly 65..80 % over the range.
//!   For 24-byte inline slots (sets) the same model gives (bucket bytes
//!   per element, no member allocation) 1.0 -> 44, 1.25 -> 39, 1.5 -> 37,
//!   and 6, 5 or 4 slots per bucket do no better than 7 at any fill.
//! - Shrink (after a remove) when below 1/8 of `buckets * 7`, into the
//!   smallest power of two holding `len` at <= 7 per bucket. The gap
//!   between that (100 %) and the growth point (125 %) prevents
//!   grow/shrink ping-pong. Unlike `Dict`, which leaves shrinking to the
//!   server cron, this table shrinks itself: its owners (one key's value)
//!   have no cron hook.
//! - While rehashing, new elements go to `ht[1]`, lookups try both tables,
//!   and every insert, remove and `get_mut` first moves one `ht[0]` chain
//!   (visiting at most 10 empty buckets). `get`/`iter`/`scan` take `&self`
//!   and never rehash.
//!
//! SCAN guarantee (as `Dict`'s): an element present for a whole scan is
//! reported at least once. The cursor is a bucket index incremented in
//! reverse binary; while rehashing a call visits the smaller table's bucket
//! and every bucket of the larger table that expands from it. Elements
//! never leave their home chain except by rehash, so the argument is the
//! one for a chained dict. Duplicates are possible across a shrink.
//!
//! Sampling: `random_element` picks among up to 15 elements found walking
//! buckets from a random one (like `dictGetFairRandomKey`, roughly
//! uniform); `sample` walks buckets from a random one and returns distinct
//! elements. Both take `&self` and never rehash.
//!
//! Keys through a context: elements normally carry their key (`HtEntry`).
//! A sorted set's index stores 4-byte skiplist node ids instead, whose keys
//! live in the skiplist; the `*_in` methods take that context (`KeyOf`),
//! and the plain methods are the same code with the zero-sized `Own`.
//!
//! Not done: Valkey's rehashing pause/safe iterators (the borrow checker
//! forbids mutation during iteration), incremental "child bucket
//! compaction" beyond filling holes on remove, and a way to resize on
//! request (`Dict::set_resize_allowed`): there is no fork here to protect.

use std::iter;
use std::mem;

use super::hash::hash_bytes;

/// An element of a `HashTable`: it carries its own key.
pub trait HtEntry {
    fn key(&self) -> &[u8];
}

impl HtEntry for Box<[u8]> {
    #[inline]
    fn key(&self) -> &[u8] {
        self
    }
}

impl HtEntry for Vec<u8> {
    #[inline]
    fn key(&self) -> &[u8] {
        self
    }
}

/// Where the table reads an element's key: the hook for elements that do
/// not carry their key (a sorted set's index holds skiplist node ids whose
/// members live in the skiplist, which is the context). `HtEntry` elements
/// use the zero-sized [`Own`] context, so after inlining their code is what
/// it was without the hook. The `*_in` methods take the context; it must
/// map each element to the key it was inserted with for as long as the
/// element is in the table.
pub trait KeyOf<T> {
    fn key_of<'a>(&'a self, e: &'a T) -> &'a [u8];
}

/// The context of `HtEntry` elements: the key is in the element.
pub struct Own;

impl<T: HtEntry> KeyOf<T> for Own {
    #[inline]
    fn key_of<'a>(&'a self, e: &'a T) -> &'a [u8] {
        e.key()
    }
}

/// Slots per bucket (Valkey's ENTRIES_PER_BUCKET on 64-bit builds).
pub const SLOTS: usize = 7;
const FULL: u8 = (1 << SLOTS) - 1;
/// Growth when len > buckets * SLOTS * GROW_NUM / GROW_DEN.
const GROW_NUM: usize = 5;
const GROW_DEN: usize = 4;
/// Shrink when len * SHRINK_DIV < buckets * SLOTS.
const SHRINK_DIV: usize = 8;
/// log2 of buckets per page.
const PAGE_BITS: u32 = 7;
/// Outgrown tables at least this big are reported to the allocator layer
/// when their rehash ends, so serverCron returns their pages to the OS.
const BIG_TABLE_BYTES: usize = 1 << 20;
/// `random_element` picks among this many neighbouring elements.
const FAIR_SAMPLE: usize = 15;

struct Bucket<T> {
    slots: [Option<T>; SLOTS],
    tags: [u8; SLOTS],
    present: u8,
    child: Option<Box<Bucket<T>>>,
}

impl<T> Default for Bucket<T> {
    fn default() -> Self {
        Bucket {
            slots: Default::default(),
            tags: [0; SLOTS],
            present: 0,
            child: None,
        }
    }
}

impl<T> Drop for Bucket<T> {
    /// Children are freed iteratively, so no chain length can overflow the
    /// stack.
    fn drop(&mut self) {
        let mut c = self.child.take();
        while let Some(mut b) = c {
            c = b.child.take();
        }
    }
}

impl<T> Bucket<T> {
    #[inline]
    fn elems(&self) -> impl Iterator<Item = &T> {
        self.slots.iter().flatten()
    }

    /// Number of buckets in this chain (1 + children).
    fn chain_len(&self) -> usize {
        let mut n = 1;
        let mut c = self.child.as_deref();
        while let Some(b) = c {
            n += 1;
            c = b.child.as_deref();
        }
        n
    }

    fn at_depth_mut(&mut self, depth: usize) -> &mut Bucket<T> {
        let mut b = self;
        for _ in 0..depth {
            b = b.child.as_deref_mut().expect("chain shorter than located");
        }
        b
    }

    /// Puts `e` in the first free slot of the chain, adding a child at the
    /// end if every bucket is full. Returns the number of buckets added
    /// (0 or 1) and a reference to the stored element.
    fn push(&mut self, tag: u8, e: T) -> (usize, &mut T) {
        let mut b = self;
        let mut added = 0;
        while b.present == FULL {
            if b.child.is_none() {
                b.child = Some(Box::default());
                added = 1;
            }
            b = b.child.as_deref_mut().expect("just ensured");
        }
        let i = (!b.present).trailing_zeros() as usize;
        b.present |= 1 << i;
        b.tags[i] = tag;
        (added, b.slots[i].insert(e))
    }
}

fn visit_chain<T>(b: &Bucket<T>, f: &mut impl FnMut(&T)) {
    let mut c = Some(b);
    while let Some(b) = c {
        for e in b.elems() {
            f(e);
        }
        c = b.child.as_deref();
    }
}

type Page<T> = Box<[Bucket<T>]>;

/// One power-of-two table. `size() == 0` means not allocated.
struct Table<T> {
    pages: Vec<Option<Page<T>>>,
    used: usize,
    /// Overflow child buckets currently allocated (for `mem_usage`).
    children: usize,
    exp: u8,
    page_bits: u8,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            pages: Vec::new(),
            used: 0,
            children: 0,
            exp: 0,
            page_bits: 0,
        }
    }
}

impl<T> Table<T> {
    fn with_exp(exp: u32) -> Self {
        // Tables of consecutive sizes use different page sizes (128 and 64
        // buckets), so a rehash's old and new pages fall in different
        // allocator size classes: the new table then never fills the gaps
        // of the old one's allocator pages, which therefore empty
        // completely as the rehash frees them and go back to the OS.
        // Measured with mimalloc (1M-member set): with one page size the
        // freed old table stayed committed (about 12 B per element).
        let page_bits = exp.min(PAGE_BITS - (exp & 1));
        Table {
            pages: iter::repeat_with(|| None)
                .take(1usize << (exp - page_bits))
                .collect(),
            used: 0,
            children: 0,
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

    /// All ones for an unallocated table: every index then misses the empty
    /// page directory.
    #[inline]
    fn mask(&self) -> usize {
        self.size().wrapping_sub(1)
    }

    #[inline]
    fn page_len(&self) -> usize {
        1 << self.page_bits
    }

    #[inline]
    fn bucket(&self, idx: usize) -> Option<&Bucket<T>> {
        let page = self.pages.get(idx >> self.page_bits)?.as_deref()?;
        Some(&page[idx & (self.page_len() - 1)])
    }

    #[inline]
    fn bucket_if_allocated(&mut self, idx: usize) -> Option<&mut Bucket<T>> {
        let off = idx & (self.page_len() - 1);
        let page = self.pages.get_mut(idx >> self.page_bits)?.as_deref_mut()?;
        Some(&mut page[off])
    }

    /// The bucket for a write; allocates its page if needed.
    #[inline]
    fn bucket_mut(&mut self, idx: usize) -> &mut Bucket<T> {
        let len = self.page_len();
        let page = self.pages[idx >> self.page_bits]
            .get_or_insert_with(|| iter::repeat_with(Bucket::default).take(len).collect());
        &mut page[idx & (len - 1)]
    }

    fn allocated_pages(&self) -> usize {
        self.pages.iter().filter(|p| p.is_some()).count()
    }

    fn visit(&self, idx: usize, f: &mut impl FnMut(&T)) {
        if let Some(b) = self.bucket(idx) {
            visit_chain(b, f);
        }
    }

    fn insert(&mut self, h: u64, e: T) -> &mut T {
        let idx = h as usize & self.mask();
        self.used += 1;
        let tag = tag_of(h);
        // Split borrow: count the child before handing out the reference.
        let pages = &mut self.pages;
        let pb = self.page_bits;
        let len = 1usize << pb;
        let page = pages[idx >> pb]
            .get_or_insert_with(|| iter::repeat_with(Bucket::default).take(len).collect());
        let (added, r) = page[idx & (len - 1)].push(tag, e);
        self.children += added;
        r
    }
}

impl<T> Table<T> {
    /// (depth, slot) of `key` in its chain.
    #[inline]
    fn locate<C: KeyOf<T>>(&self, h: u64, key: &[u8], cx: &C) -> Option<(usize, usize, usize)> {
        let idx = h as usize & self.mask();
        let tag = tag_of(h);
        let mut c = self.bucket(idx);
        let mut depth = 0;
        while let Some(b) = c {
            let mut m = b.present;
            while m != 0 {
                let i = m.trailing_zeros() as usize;
                m &= m - 1;
                if b.tags[i] == tag
                    && let Some(e) = &b.slots[i]
                    && cx.key_of(e) == key
                {
                    return Some((idx, depth, i));
                }
            }
            c = b.child.as_deref();
            depth += 1;
        }
        None
    }

    #[inline]
    fn find<C: KeyOf<T>>(&self, h: u64, key: &[u8], cx: &C) -> Option<&T> {
        let (idx, depth, i) = self.locate(h, key, cx)?;
        let mut b = self.bucket(idx)?;
        for _ in 0..depth {
            b = b.child.as_deref()?;
        }
        b.slots[i].as_ref()
    }

    fn slot_mut(&mut self, idx: usize, depth: usize, i: usize) -> &mut T {
        self.bucket_if_allocated(idx)
            .expect("located bucket vanished")
            .at_depth_mut(depth)
            .slots[i]
            .as_mut()
            .expect("located slot vanished")
    }

    /// Takes the element at (idx, depth, i) and keeps the chain dense: the
    /// chain's last element fills the hole, and an emptied child is freed.
    fn take_at(&mut self, idx: usize, depth: usize, i: usize) -> T {
        let head = self
            .bucket_if_allocated(idx)
            .expect("located bucket vanished");
        let clen = head.chain_len();
        let hole = head.at_depth_mut(depth);
        let e = hole.slots[i].take().expect("located slot vanished");
        hole.present &= !(1 << i);
        if depth + 1 < clen {
            let last = hole.at_depth_mut(clen - 1 - depth);
            // The highest occupied slot; a child is never empty.
            let j = 7 - last.present.leading_zeros() as usize;
            let moved = last.slots[j].take();
            let tag = last.tags[j];
            last.present &= !(1 << j);
            let hole = head_at(self, idx, depth);
            hole.slots[i] = moved;
            hole.tags[i] = tag;
            hole.present |= 1 << i;
        }
        // Free an emptied last bucket (never the head).
        if clen > 1 {
            let parent = head_at(self, idx, clen - 2);
            if parent.child.as_ref().is_some_and(|c| c.present == 0) {
                parent.child = None;
                self.children -= 1;
            }
        }
        self.used -= 1;
        e
    }
}

fn head_at<T>(t: &mut Table<T>, idx: usize, depth: usize) -> &mut Bucket<T> {
    t.bucket_if_allocated(idx)
        .expect("located bucket vanished")
        .at_depth_mut(depth)
}

#[inline]
fn tag_of(h: u64) -> u8 {
    (h >> 56) as u8
}

/// xorshift64* step on the caller's state.
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

/// Next SCAN cursor: increment the bits under `mask` in reverse order.
#[inline]
fn next_cursor(v: u64, mask: u64) -> u64 {
    (v | !mask).reverse_bits().wrapping_add(1).reverse_bits()
}

/// log2 of the bucket count that holds `n` elements at <= 7 per bucket.
fn exp_for(n: usize) -> u32 {
    let b = n.div_ceil(SLOTS).max(1);
    match b.checked_next_power_of_two() {
        Some(p) => p.trailing_zeros(),
        None => usize::BITS - 1,
    }
}

pub struct HashTable<T> {
    ht: [Table<T>; 2],
    /// Next `ht[0]` bucket to move; meaningful only while rehashing.
    rehash_idx: usize,
}

impl<T> Default for HashTable<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> HashTable<T> {
    /// An empty table; nothing is allocated until the first insert.
    pub fn new() -> Self {
        HashTable {
            ht: Default::default(),
            rehash_idx: 0,
        }
    }

    /// Room for `n` elements at <= 7 per bucket. Only the page directory is
    /// allocated here; bucket pages come on first use.
    pub fn with_capacity(n: usize) -> Self {
        let mut t = Self::new();
        if n > 0 {
            t.ht[0] = Table::with_exp(exp_for(n));
        }
        t
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

    /// Head buckets of both tables.
    pub fn bucket_count(&self) -> usize {
        self.ht[0].size() + self.ht[1].size()
    }

    /// Bytes held by the table itself: the struct, page directories,
    /// allocated bucket pages and overflow children, with the elements'
    /// inline part (a `T` per slot) included. What elements own on the
    /// heap (a member's bytes) is the caller's to add.
    pub fn mem_usage(&self) -> usize {
        let bucket = mem::size_of::<Bucket<T>>();
        let dir = mem::size_of::<Option<Page<T>>>();
        mem::size_of::<Self>()
            + self
                .ht
                .iter()
                .map(|t| {
                    t.pages.capacity() * dir
                        + (t.allocated_pages() * t.page_len() + t.children) * bucket
                })
                .sum::<usize>()
    }

    /// (table, bucket index, depth, slot) of `key`.
    #[inline]
    fn locate<C: KeyOf<T>>(
        &self,
        h: u64,
        key: &[u8],
        cx: &C,
    ) -> Option<(usize, usize, usize, usize)> {
        if self.is_empty() {
            return None;
        }
        if let Some((i, d, s)) = self.ht[0].locate(h, key, cx) {
            return Some((0, i, d, s));
        }
        if self.is_rehashing() {
            return self.ht[1].locate(h, key, cx).map(|(i, d, s)| (1, i, d, s));
        }
        None
    }

    /// Lookup without a rehash step (it only has `&self`).
    #[inline]
    pub fn get_in<C: KeyOf<T>>(&self, key: &[u8], cx: &C) -> Option<&T> {
        if self.is_empty() {
            return None;
        }
        let h = hash_bytes(key);
        if let Some(e) = self.ht[0].find(h, key, cx) {
            return Some(e);
        }
        if self.is_rehashing() {
            self.ht[1].find(h, key, cx)
        } else {
            None
        }
    }

    /// Performs one rehash step first if rehashing. The caller must not
    /// change the element's key.
    pub fn get_mut_in<C: KeyOf<T>>(&mut self, key: &[u8], cx: &C) -> Option<&mut T> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step(cx);
        let h = hash_bytes(key);
        let (t, idx, d, s) = self.locate(h, key, cx)?;
        Some(self.ht[t].slot_mut(idx, d, s))
    }

    /// The hash the table uses for `key`; with the `*_hashed_in` methods a
    /// caller that looks up and then inserts hashes the key once.
    #[inline]
    pub fn hash_key(key: &[u8]) -> u64 {
        hash_bytes(key)
    }

    /// `get_mut_in` with `h == Self::hash_key(key)` already computed.
    #[inline]
    pub fn get_mut_hashed_in<C: KeyOf<T>>(&mut self, h: u64, key: &[u8], cx: &C) -> Option<&mut T> {
        debug_assert_eq!(h, hash_bytes(key));
        if self.is_empty() {
            return None;
        }
        self.rehash_step(cx);
        let (t, idx, d, s) = self.locate(h, key, cx)?;
        Some(self.ht[t].slot_mut(idx, d, s))
    }

    /// `insert_new_in` with `h` the hash of the element's key.
    #[inline]
    pub fn insert_new_hashed_in<C: KeyOf<T>>(&mut self, h: u64, e: T, cx: &C) -> &mut T {
        debug_assert_eq!(h, hash_bytes(cx.key_of(&e)));
        debug_assert!(
            self.get_in(cx.key_of(&e), cx).is_none(),
            "insert_new: key present"
        );
        self.grow_if_needed();
        self.push_new(h, e)
    }

    /// Inserts, or replaces the element with the same key, returning it.
    pub fn insert_in<C: KeyOf<T>>(&mut self, e: T, cx: &C) -> Option<T> {
        self.rehash_step(cx);
        let h = hash_bytes(cx.key_of(&e));
        if let Some((t, idx, d, s)) = self.locate(h, cx.key_of(&e), cx) {
            return Some(mem::replace(self.ht[t].slot_mut(idx, d, s), e));
        }
        self.grow_if_needed();
        self.push_new(h, e);
        None
    }

    /// Inserts an element whose key the caller knows is absent.
    pub fn insert_new_in<C: KeyOf<T>>(&mut self, e: T, cx: &C) -> &mut T {
        debug_assert!(
            self.get_in(cx.key_of(&e), cx).is_none(),
            "insert_new: key present"
        );
        self.rehash_step(cx);
        let h = hash_bytes(cx.key_of(&e));
        self.grow_if_needed();
        self.push_new(h, e)
    }

    /// The element for `key`, inserting `mk()` first if absent. `mk` must
    /// return an element with that key. The bool is true if inserted.
    pub fn get_or_insert_with_in<C: KeyOf<T>>(
        &mut self,
        key: &[u8],
        cx: &C,
        mk: impl FnOnce() -> T,
    ) -> (&mut T, bool) {
        self.rehash_step(cx);
        let h = hash_bytes(key);
        if let Some((t, idx, d, s)) = self.locate(h, key, cx) {
            return (self.ht[t].slot_mut(idx, d, s), false);
        }
        let e = mk();
        debug_assert!(cx.key_of(&e) == key, "get_or_insert_with: other key");
        self.grow_if_needed();
        (self.push_new(h, e), true)
    }

    fn push_new(&mut self, h: u64, e: T) -> &mut T {
        let t = usize::from(self.is_rehashing());
        self.ht[t].insert(h, e)
    }

    /// Removes and returns the element with `key`; may start a shrink.
    pub fn remove_in<C: KeyOf<T>>(&mut self, key: &[u8], cx: &C) -> Option<T> {
        if self.is_empty() {
            return None;
        }
        self.rehash_step(cx);
        let h = hash_bytes(key);
        let (t, idx, d, s) = self.locate(h, key, cx)?;
        let e = self.ht[t].take_at(idx, d, s);
        self.shrink_if_needed();
        Some(e)
    }

    /// Drops every element and both tables.
    pub fn clear(&mut self) {
        self.ht = Default::default();
        self.rehash_idx = 0;
    }

    /// Leaves `self` empty and returns the old contents (to drop elsewhere).
    pub fn take_all(&mut self) -> HashTable<T> {
        mem::take(self)
    }

    /// All elements, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.ht
            .iter()
            .flat_map(|t| t.pages.iter().flatten())
            .flat_map(|page| page.iter())
            .flat_map(|b| ChainIter(Some(b)))
            .flat_map(|b| b.elems())
    }

    /// Moves every element out, leaving the table empty. Elements not
    /// consumed are dropped with the iterator.
    pub fn drain(&mut self) -> Drain<T> {
        let remaining = self.len();
        let tables = mem::take(&mut self.ht);
        self.rehash_idx = 0;
        Drain {
            tables,
            table: 0,
            page: 0,
            bucket: 0,
            chain: None,
            remaining,
        }
    }

    #[inline]
    fn rehash_step<C: KeyOf<T>>(&mut self, cx: &C) {
        if self.is_rehashing() {
            self.rehash(1, cx);
        }
    }

    /// Moves up to `n` non-empty chains from `ht[0]` to `ht[1]`, visiting at
    /// most `10 * n` empty buckets. Returns true if there is more to move.
    pub fn rehash_steps_in<C: KeyOf<T>>(&mut self, n: usize, cx: &C) -> bool {
        self.rehash(n, cx)
    }

    fn rehash<C: KeyOf<T>>(&mut self, n: usize, cx: &C) -> bool {
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
            // Some bucket at or after idx is non-empty (old.used != 0).
            loop {
                let p = idx >> pb;
                let occupied = match &old.pages[p] {
                    None => {
                        idx = (p + 1) << pb;
                        false
                    }
                    Some(page) => page[idx & pmask].present != 0,
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
            let b = old.bucket_if_allocated(idx).expect("occupied bucket");
            let mut chain = Some(mem::take(b));
            let mut first = true;
            while let Some(mut b) = chain {
                chain = b.child.take().map(|c| *c);
                if !mem::replace(&mut first, false) {
                    old.children -= 1;
                }
                for (s, tag) in b.slots.iter_mut().zip(b.tags) {
                    if let Some(e) = s.take() {
                        let h = hash_bytes(cx.key_of(&e));
                        let (added, _) = new.bucket_mut(h as usize & new_mask).push(tag, e);
                        new.children += added;
                        old.used -= 1;
                        new.used += 1;
                    }
                }
            }
            idx += 1;
            if idx & pmask == 0 {
                old.pages[p] = None;
            }
        }
        if old.used == 0 {
            // The old table's pages are all freed now; a big one is worth
            // handing back to the OS (serverCron collects, see bio::lazyfree).
            let old_bytes = old.size() * mem::size_of::<Bucket<T>>();
            if old_bytes >= BIG_TABLE_BYTES {
                ferrodis_ffi::mem::note_big_free(old_bytes);
            }
            mem::swap(old, new);
            *new = Table::default();
            self.rehash_idx = 0;
            return false;
        }
        self.rehash_idx = idx;
        true
    }

    fn start_resize(&mut self, exp: u32) {
        if self.is_rehashing() || self.ht[0].size() == 1usize << exp {
            return;
        }
        let t = Table::with_exp(exp);
        if self.ht[0].size() == 0 {
            self.ht[0] = t;
        } else if self.ht[0].used == 0 {
            // Nothing to move: swap the empty table out at once.
            self.ht[0] = t;
        } else {
            self.ht[1] = t;
            self.rehash_idx = 0;
        }
    }

    fn grow_if_needed(&mut self) {
        if self.is_rehashing() {
            return;
        }
        let size = self.ht[0].size();
        if size == 0 {
            self.start_resize(0);
            return;
        }
        let used = self.ht[0].used;
        if used >= size * SLOTS * GROW_NUM / GROW_DEN {
            self.start_resize(exp_for(used + 1));
        }
    }

    fn shrink_if_needed(&mut self) {
        if self.is_rehashing() {
            return;
        }
        let size = self.ht[0].size();
        let used = self.ht[0].used;
        if size > 1 && used * SHRINK_DIV < size * SLOTS {
            self.start_resize(exp_for(used));
        }
    }

    /// One SCAN call: reports every element in the bucket chain(s) at
    /// `cursor` and returns the next cursor (0 when the scan is complete).
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&T)) -> u64 {
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
        loop {
            big.visit((v & m1) as usize, &mut f);
            v = next_cursor(v, m1);
            if v & (m0 ^ m1) == 0 {
                break;
            }
        }
        v
    }

    /// Positions of the "virtual" bucket space used by sampling: `ht[0]`'s
    /// buckets from `rehash_idx` on (those below are empty), then `ht[1]`'s.
    fn virtual_len(&self) -> usize {
        let s0 = self.ht[0].size();
        if self.is_rehashing() {
            s0 - self.rehash_idx + self.ht[1].size()
        } else {
            s0
        }
    }

    fn virtual_bucket(&self, v: usize) -> Option<&Bucket<T>> {
        if self.is_rehashing() {
            let n0 = self.ht[0].size() - self.rehash_idx;
            if v < n0 {
                self.ht[0].bucket(self.rehash_idx + v)
            } else {
                self.ht[1].bucket(v - n0)
            }
        } else {
            self.ht[0].bucket(v)
        }
    }

    /// Walks every bucket once from a random one, calling `f` per element
    /// until it returns false.
    fn walk_from_random<'a>(&'a self, rng: &mut u64, mut f: impl FnMut(&'a T) -> bool) {
        let n = self.virtual_len();
        if n == 0 {
            return;
        }
        let start = (next_rand(rng) % n as u64) as usize;
        for k in 0..n {
            let v = (start + k) % n;
            if let Some(b) = self.virtual_bucket(v) {
                for b in ChainIter(Some(b)) {
                    for e in b.elems() {
                        if !f(e) {
                            return;
                        }
                    }
                }
            }
        }
    }

    /// A random element, close to uniformly chosen: from a random bucket,
    /// whole chains are taken until at least 15 elements are in the window
    /// and one of those is picked (like `dictGetFairRandomKey`). Whole
    /// chains, so an element deep in a long chain is as reachable as the
    /// rest. `rng` is the caller's generator state.
    pub fn random_element(&self, rng: &mut u64) -> Option<&T> {
        let n = self.virtual_len();
        if self.is_empty() || n == 0 {
            return None;
        }
        let start = (next_rand(rng) % n as u64) as usize;
        let chain =
            |k: usize| ChainIter(self.virtual_bucket((start + k) % n)).flat_map(|b| b.elems());
        let (mut total, mut span) = (0, 0);
        while span < n && total < FAIR_SAMPLE {
            total += chain(span).count();
            span += 1;
        }
        let pick = (next_rand(rng) % total as u64) as usize;
        (0..span).flat_map(chain).nth(pick)
    }

    /// Up to `count` distinct elements from neighbouring buckets around a
    /// random one (for sampling, not fair selection). Returns
    /// `min(count, len)` elements.
    pub fn sample(&self, rng: &mut u64, count: usize) -> Vec<&T> {
        let want = count.min(self.len());
        let mut out = Vec::with_capacity(want);
        if want == 0 {
            return out;
        }
        self.walk_from_random(rng, |e| {
            out.push(e);
            out.len() < want
        });
        out
    }
}

/// The API for elements that carry their key (sets, hashes): the `*_in`
/// methods with the [`Own`] context.
impl<T: HtEntry> HashTable<T> {
    /// Lookup without a rehash step (it only has `&self`).
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<&T> {
        self.get_in(key, &Own)
    }

    #[inline]
    pub fn contains(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }

    /// Performs one rehash step first if rehashing. The caller must not
    /// change the element's key.
    #[inline]
    pub fn get_mut(&mut self, key: &[u8]) -> Option<&mut T> {
        self.get_mut_in(key, &Own)
    }

    /// Inserts, or replaces the element with the same key, returning it.
    #[inline]
    pub fn insert(&mut self, e: T) -> Option<T> {
        self.insert_in(e, &Own)
    }

    /// Inserts an element whose key the caller knows is absent.
    #[inline]
    pub fn insert_new(&mut self, e: T) -> &mut T {
        self.insert_new_in(e, &Own)
    }

    /// The element for `key`, inserting `mk()` first if absent. `mk` must
    /// return an element with that key. The bool is true if inserted.
    #[inline]
    pub fn get_or_insert_with(&mut self, key: &[u8], mk: impl FnOnce() -> T) -> (&mut T, bool) {
        self.get_or_insert_with_in(key, &Own, mk)
    }

    /// Removes and returns the element with `key`; may start a shrink.
    #[inline]
    pub fn remove(&mut self, key: &[u8]) -> Option<T> {
        self.remove_in(key, &Own)
    }

    /// Moves up to `n` non-empty chains from `ht[0]` to `ht[1]`, visiting at
    /// most `10 * n` empty buckets. Returns true if there is more to move.
    #[inline]
    pub fn rehash_steps(&mut self, n: usize) -> bool {
        self.rehash_steps_in(n, &Own)
    }
}

struct ChainIter<'a, T>(Option<&'a Bucket<T>>);

impl<'a, T> Iterator for ChainIter<'a, T> {
    type Item = &'a Bucket<T>;
    fn next(&mut self) -> Option<&'a Bucket<T>> {
        let b = self.0?;
        self.0 = b.child.as_deref();
        Some(b)
    }
}

/// Owning iterator returned by `HashTable::drain`.
pub struct Drain<T> {
    tables: [Table<T>; 2],
    table: usize,
    page: usize,
    bucket: usize,
    chain: Option<Bucket<T>>,
    remaining: usize,
}

impl<T> Iterator for Drain<T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        loop {
            if let Some(b) = &mut self.chain {
                if b.present != 0 {
                    let i = b.present.trailing_zeros() as usize;
                    b.present &= !(1 << i);
                    self.remaining -= 1;
                    return b.slots[i].take();
                }
                self.chain = b.child.take().map(|c| *c);
                continue;
            }
            let t = self.tables.get_mut(self.table)?;
            let Some(page) = t.pages.get_mut(self.page) else {
                self.table += 1;
                self.page = 0;
                self.bucket = 0;
                continue;
            };
            let Some(p) = page else {
                self.page += 1;
                continue;
            };
            if self.bucket >= p.len() {
                *page = None;
                self.page += 1;
                self.bucket = 0;
                continue;
            }
            let b = mem::take(&mut p[self.bucket]);
            self.bucket += 1;
            if b.present != 0 || b.child.is_some() {
                self.chain = Some(b);
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<T> ExactSizeIterator for Drain<T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    #[derive(Debug, PartialEq)]
    struct Kv(Box<[u8]>, u64);

    impl HtEntry for Kv {
        fn key(&self) -> &[u8] {
            &self.0
        }
    }

    type H = HashTable<Kv>;

    fn kb(i: u64) -> Vec<u8> {
        format!("key:{i}").into_bytes()
    }

    fn kv(i: u64, v: u64) -> Kv {
        Kv(kb(i).into(), v)
    }

    fn xs(s: &mut u64) -> u64 {
        next_rand(s)
    }

    /// Structural invariants: counts, tags, homes, dense chains.
    fn check(h: &H) {
        for (ti, t) in h.ht.iter().enumerate() {
            let mut used = 0;
            let mut children = 0;
            for idx in 0..t.size() {
                let Some(b) = t.bucket(idx) else { continue };
                if ti == 0 && h.is_rehashing() && idx < h.rehash_idx {
                    assert!(
                        b.present == 0 && b.child.is_none(),
                        "moved bucket not empty"
                    );
                }
                let mut c = Some(b);
                let mut depth = 0;
                while let Some(b) = c {
                    if b.child.is_some() {
                        assert_eq!(b.present, FULL, "non-last bucket not full");
                    }
                    if depth > 0 {
                        children += 1;
                        assert_ne!(b.present, 0, "empty child kept");
                    }
                    for i in 0..SLOTS {
                        assert_eq!(b.present >> i & 1 == 1, b.slots[i].is_some());
                        if let Some(e) = &b.slots[i] {
                            let hh = hash_bytes(e.key());
                            assert_eq!(b.tags[i], tag_of(hh));
                            assert_eq!(hh as usize & t.mask(), idx, "element away from home");
                            used += 1;
                        }
                    }
                    c = b.child.as_deref();
                    depth += 1;
                }
            }
            assert_eq!(used, t.used);
            assert_eq!(children, t.children);
        }
    }

    #[test]
    fn layout_is_compact() {
        assert_eq!(mem::size_of::<Option<Box<[u8]>>>(), 16);
        assert_eq!(mem::size_of::<Bucket<Box<[u8]>>>(), 128);
        // Sets' inline-member slots: 7 * 24 + 7 tags + bitmap + child.
        assert_eq!(
            mem::size_of::<Bucket<super::super::smallbytes::SmallBytes>>(),
            184
        );
    }

    #[test]
    fn basic_ops_and_resizing() {
        let mut h = H::new();
        assert!(h.get(b"x").is_none());
        assert!(h.remove(b"x").is_none());
        for i in 0..10_000 {
            assert!(h.insert(kv(i, i)).is_none());
        }
        assert_eq!(h.len(), 10_000);
        while h.rehash_steps(100) {}
        check(&h);
        // Fill at most 125 % of the head slots, at least 50 % of that.
        let b = h.bucket_count();
        assert!(
            h.len() <= b * 7 * 5 / 4 && h.len() * 2 > b * 7 * 5 / 4 / 2,
            "{b}"
        );
        assert_eq!(h.insert(kv(5, 50)), Some(kv(5, 5)));
        assert_eq!(h.get(&kb(5)), Some(&kv(5, 50)));
        h.get_mut(&kb(6)).unwrap().1 = 60;
        assert_eq!(h.get(&kb(6)).unwrap().1, 60);
        for i in 0..10_000 {
            if i % 100 != 0 {
                assert!(h.remove(&kb(i)).is_some(), "{i}");
            }
        }
        while h.rehash_steps(100) {}
        check(&h);
        assert_eq!(h.len(), 100);
        // Shrunk to hold 100 at <= 7 per bucket.
        assert!(h.bucket_count() <= 32, "{}", h.bucket_count());
        for i in (0..10_000).step_by(100) {
            assert!(h.contains(&kb(i)));
        }
        for i in (0..10_000).step_by(100) {
            assert!(h.remove(&kb(i)).is_some());
        }
        assert!(h.is_empty());
        check(&h);
        let before = h.mem_usage();
        assert!(before <= mem::size_of::<H>() + 1024, "{before}");
    }

    /// 100k seeded random operations against std's HashMap, with grow- and
    /// shrink-heavy phases so resizes both ways interleave with rehashing.
    #[test]
    fn model_check_against_hashmap() {
        let mut rng = 0xdead_beef_u64;
        let mut h = H::new();
        let mut m: HashMap<Vec<u8>, u64> = HashMap::new();
        let keyspace = 20_000;
        for op in 0..100_000u64 {
            let grow = (op / 12_500) % 2 == 0;
            let r = xs(&mut rng) % 100;
            let k = xs(&mut rng) % keyspace;
            let kk = kb(k);
            match r {
                0..=39 => {
                    if grow || r < 10 {
                        let got = h.insert(kv(k, op)).map(|e| e.1);
                        assert_eq!(got, m.insert(kk, op));
                    } else {
                        assert_eq!(h.remove(&kk).map(|e| e.1), m.remove(&kk));
                    }
                }
                40..=59 => {
                    let got = h.remove(&kk);
                    assert_eq!(got.as_ref().map(|e| e.1), m.remove(&kk));
                    if let Some(e) = got {
                        assert_eq!(&e.0[..], &kk[..]);
                    }
                }
                60..=69 => assert_eq!(h.get(&kk).map(|e| e.1), m.get(&kk).copied()),
                70..=74 => {
                    let got = h.get_mut(&kk).map(|e| {
                        e.1 += 1;
                        e.1
                    });
                    let want = m.get_mut(&kk).map(|v| {
                        *v += 1;
                        *v
                    });
                    assert_eq!(got, want);
                }
                75..=79 => {
                    let (e, inserted) = h.get_or_insert_with(&kk, || kv(k, op));
                    assert_eq!(inserted, !m.contains_key(&kk));
                    assert_eq!(e.1, *m.entry(kk).or_insert(op));
                }
                80..=84 => {
                    if let std::collections::hash_map::Entry::Vacant(slot) = m.entry(kk) {
                        h.insert_new(kv(k, op));
                        slot.insert(op);
                    }
                }
                85..=89 => assert_eq!(h.contains(&kk), m.contains_key(&kk)),
                90..=93 => {
                    h.rehash_steps(1 + (xs(&mut rng) % 50) as usize);
                }
                _ => {}
            }
            assert_eq!(h.len(), m.len());
            if op % 5_000 == 0 {
                check(&h);
                let got: HashMap<Vec<u8>, u64> = h.iter().map(|e| (e.0.to_vec(), e.1)).collect();
                assert_eq!(got, m);
            }
        }
        check(&h);
        let got: HashMap<Vec<u8>, u64> = h.iter().map(|e| (e.0.to_vec(), e.1)).collect();
        assert_eq!(got, m);
        let drained: HashMap<Vec<u8>, u64> = h.drain().map(|e| (e.0.to_vec(), e.1)).collect();
        assert_eq!(drained, m);
        assert!(h.is_empty() && h.bucket_count() == 0);
    }

    fn full_scan(h: &mut H, mut between: impl FnMut(&mut H, usize)) -> HashSet<u64> {
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut calls = 0;
        loop {
            cursor = h.scan(cursor, |e| {
                let s = std::str::from_utf8(&e.0[4..]).unwrap();
                seen.insert(s.parse().unwrap());
            });
            calls += 1;
            assert!(calls < 10_000_000, "scan does not terminate");
            if cursor == 0 {
                return seen;
            }
            between(h, calls);
        }
    }

    fn assert_all_seen(seen: &HashSet<u64>, want: impl Iterator<Item = u64>) {
        for i in want {
            assert!(seen.contains(&i), "scan missed {i}");
        }
    }

    #[test]
    fn scan_across_grow_shrink_and_rehash() {
        // Growth during the scan.
        let mut h = H::new();
        for i in 0..1000 {
            h.insert(kv(i, i));
        }
        let mut next = 1000;
        let seen = full_scan(&mut h, |h, _| {
            for _ in 0..50 {
                h.insert(kv(next, next));
                next += 1;
            }
        });
        assert_all_seen(&seen, 0..1000);
        check(&h);

        // Shrink during the scan.
        let mut h = H::new();
        let n = 30_000;
        for i in 0..n {
            h.insert(kv(i, i));
        }
        while h.rehash_steps(100) {}
        let seen = full_scan(&mut h, |h, call| {
            if call == 300 {
                for i in 0..n {
                    if i % 50 != 0 {
                        h.remove(&kb(i));
                    }
                }
            }
            h.rehash_steps(2);
        });
        assert_all_seen(&seen, (0..n).step_by(50));
        check(&h);

        // A growth rehash in progress for the whole scan, then finishing
        // mid-scan.
        let mut h = H::new();
        let mut i = 0;
        while !h.is_rehashing() || h.bucket_count() < 1000 {
            h.insert_new(kv(i, i));
            i += 1;
        }
        let seen = full_scan(&mut h, |_, _| {});
        assert!(h.is_rehashing());
        assert_all_seen(&seen, 0..i);
        let seen = full_scan(&mut h, |h, _| {
            h.rehash_steps(1);
        });
        assert_all_seen(&seen, 0..i);
        check(&h);
    }

    /// Random mutations between scan calls; keys 0..stable stay put.
    #[test]
    fn scan_torture() {
        let mut rng = 0x5eed_u64;
        for round in 0..20 {
            let mut h = H::new();
            let stable = 1 + xs(&mut rng) % 3000;
            let extra = xs(&mut rng) % 12_000;
            for i in 0..stable + extra {
                h.insert(kv(i, i));
            }
            if round % 2 == 0 {
                while h.rehash_steps(100) {}
            }
            let mut next = stable + extra;
            let mut live: Vec<u64> = (stable..stable + extra).collect();
            let seen = full_scan(&mut h, |h, _| match xs(&mut rng) % 20 {
                0 if live.len() < 50_000 => {
                    for _ in 0..xs(&mut rng) % 300 {
                        h.insert(kv(next, next));
                        live.push(next);
                        next += 1;
                    }
                }
                1 | 2 => {
                    for _ in 0..xs(&mut rng) % 1200 {
                        if live.is_empty() {
                            break;
                        }
                        let at = (xs(&mut rng) as usize) % live.len();
                        let k = live.swap_remove(at);
                        assert!(h.remove(&kb(k)).is_some());
                    }
                }
                3..=5 => {
                    h.rehash_steps(1 + (xs(&mut rng) % 64) as usize);
                }
                _ => {}
            });
            assert_all_seen(&seen, 0..stable);
            assert!(seen.iter().all(|&i| i < next));
            check(&h);
        }
    }

    #[test]
    fn random_and_sample() {
        let n = 500u64;
        let mut h = H::new();
        for i in 0..n {
            h.insert(kv(i, i));
        }
        while h.rehash_steps(100) {}
        let mut rng = 42u64;
        let draws = 200_000;
        let mut hits = vec![0u32; n as usize];
        for _ in 0..draws {
            hits[h.random_element(&mut rng).unwrap().1 as usize] += 1;
        }
        // Roughly uniform: an element's weight depends on how many bucket
        // windows of 15 elements include it.
        hits.sort_unstable();
        let mean = draws as f64 / n as f64;
        assert!(hits[0] as f64 > mean / 6.0, "min {} mean {mean}", hits[0]);
        assert!((hits[hits.len() - 1] as f64) < 4.0 * mean);
        let median = hits[hits.len() / 2] as f64;
        assert!(
            (0.8 * mean..1.2 * mean).contains(&median),
            "median {median}"
        );

        // Sparse and mid-rehash: only live elements, all of them reachable.
        for i in 0..n {
            if i % 10 != 0 {
                h.remove(&kb(i));
            }
        }
        for _ in 0..3 {
            let mut seen = HashSet::new();
            for _ in 0..20_000 {
                let e = h.random_element(&mut rng).unwrap();
                assert_eq!(e.1 % 10, 0);
                seen.insert(e.1);
            }
            assert_eq!(seen.len(), h.len());
            for count in [1usize, 5, 16, 50, 200] {
                let s = h.sample(&mut rng, count);
                assert_eq!(s.len(), count.min(h.len()));
                let d: HashSet<u64> = s.iter().map(|e| e.1).collect();
                assert_eq!(d.len(), s.len(), "duplicate sample");
                assert!(s.iter().all(|e| h.contains(&e.0)));
            }
            // Grow so that a rehash is in progress for the next round.
            let base = n * 10 + h.len() as u64 * 10;
            for i in 0..200 {
                h.insert(kv(base + i * 10, base + i * 10));
            }
        }
        assert!(H::new().random_element(&mut rng).is_none());
        assert!(H::new().sample(&mut rng, 3).is_empty());
    }

    #[test]
    fn take_all_clear_drain_partial() {
        let mut h = H::new();
        for i in 0..10_000 {
            h.insert(kv(i, i));
        }
        let old = h.take_all();
        assert!(h.is_empty() && h.bucket_count() == 0);
        assert_eq!(old.len(), 10_000);
        assert_eq!(old.get(&kb(1234)).unwrap().1, 1234);
        std::thread::spawn(move || drop(old)).join().unwrap();
        for i in 0..1000 {
            h.insert(kv(i, i));
        }
        let mut it = h.drain();
        assert_eq!(it.len(), 1000);
        it.next();
        assert_eq!(it.len(), 999);
        drop(it);
        assert!(h.is_empty());
        for i in 0..1000 {
            h.insert(kv(i, i));
        }
        assert!(h.mem_usage() >= h.bucket_count() * mem::size_of::<Bucket<Kv>>());
        h.clear();
        assert!(h.is_empty() && h.bucket_count() == 0);
        assert!(h.get(&kb(3)).is_none());
    }
}
