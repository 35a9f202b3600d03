//! Listpack: Redis 7's compact serialised list of strings and integers, used
//! for small hashes, sets, sorted sets, and as the node type of quicklist.
//! The bytes are exactly Redis's, so a listpack can be written to and read
//! from RDB (`RDB_TYPE_*_LISTPACK`, quicklist-2 nodes) as a blob.
//!
//! Format (all integers little-endian):
//! ```text
//! <total-bytes u32> <num-elements u16> <entry> ... <entry> <0xFF>
//! entry = <encoding+data> <backlen>
//! ```
//! Encodings (first byte):
//! - `0xxxxxxx` 7-bit unsigned int 0..=127;
//! - `10xxxxxx` string, length 0..=63 in the low 6 bits;
//! - `110xxxxx yyyyyyyy` 13-bit signed int, big-endian in the 13 bits;
//! - `1110xxxx yyyyyyyy` string, 12-bit length (< 4096), big-endian;
//! - `0xF0 <len u32>` string, 32-bit length;
//! - `0xF1..=0xF4` 16/24/32/64-bit signed int.
//!
//! `backlen` is the length of `encoding+data`, stored so it can be read
//! right-to-left (from the byte just before the next entry): each byte
//! holds 7 bits, the byte nearest the entry data holds the most significant
//! bits and has bit 7 clear, every other byte has bit 7 set. It is what
//! makes backward iteration (LRANGE with negative indices, RPOP) possible.
//!
//! Invariants (checked by `validate_integrity`):
//! - `bytes.len() >= 7`, header total == `bytes.len()`, last byte 0xFF and
//!   no other entry starts with 0xFF;
//! - each entry's backlen is the canonical encoding of its body length;
//! - the header count equals the number of entries when that is < 65535,
//!   and is 65535 ("unknown") otherwise. Redis leaves the header at 65535
//!   after a large listpack shrinks until someone calls `lpLength`; this
//!   implementation always rewrites the exact count, which is the state
//!   Redis converges to and is equally valid on load.
//! - a string that `string2ll` accepts is stored as an integer (Redis does
//!   the same, so the byte image matches for the same insertions).
//!
//! Positions: like Redis's `unsigned char *p`, an entry is named by the byte
//! offset of its first byte (`usize`). Any mutation invalidates positions
//! after the mutation point; the mutating calls return the position to go
//! on from.
//!
//! Allocation: growth reserves at most 1/8 extra and deletions shrink once
//! the slack passes 1/4, so `alloc_size` stays close to `bytes_len` the way
//! Redis's exact reallocs keep it (see `reserve`).
//!
//! Ownership: `Listpack` owns its bytes and caches the element count so
//! `len()` is O(1) even past 65535 elements.
//!
//! Panics: only on a broken invariant (a position that is not an entry
//! start) or a listpack beyond 4 GiB, which the 32-bit header cannot
//! express; callers keep listpacks under `LISTPACK_MAX_SAFETY_SIZE` (1 GiB)
//! with `safe_to_add`, as Redis does.
//!
//! Not done: `lpValidateIntegrity`'s per-entry callback, `lpRandom*`
//! helpers (callers can `seek` a random index), and the batch insert/delete
//! APIs (`lpBatchDelete`): callers loop.

use super::sds::{LL_STR_MAX, ll2string, string2ll};

pub const LP_HDR_SIZE: usize = 6;
pub const LP_EOF: u8 = 0xFF;
/// Header count value meaning "count >= 65535, scan to find out".
pub const LP_HDR_NUMELE_UNKNOWN: u16 = u16::MAX;
/// Redis refuses to grow a listpack past 1 GiB (`LISTPACK_MAX_SAFETY_SIZE`);
/// types convert to their big encoding before that.
pub const LISTPACK_MAX_SAFETY_SIZE: usize = 1 << 30;

const ENC_6BIT_STR: u8 = 0x80;
const ENC_13BIT_INT: u8 = 0xC0;
const ENC_12BIT_STR: u8 = 0xE0;
const ENC_32BIT_STR: u8 = 0xF0;
const ENC_16BIT_INT: u8 = 0xF1;
const ENC_24BIT_INT: u8 = 0xF2;
const ENC_32BIT_INT: u8 = 0xF3;
const ENC_64BIT_INT: u8 = 0xF4;

/// A decoded entry. Integers come back as integers (no formatting cost);
/// `to_bytes` gives the string form a client sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LpValue<'a> {
    Int(i64),
    Str(&'a [u8]),
}

impl<'a> LpValue<'a> {
    /// The string form: the stored bytes, or the integer formatted into `buf`.
    pub fn to_bytes<'b>(&'b self, buf: &'b mut [u8; LL_STR_MAX]) -> &'b [u8] {
        match *self {
            LpValue::Int(v) => ll2string(v, buf),
            LpValue::Str(s) => s,
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut buf = [0u8; LL_STR_MAX];
        self.to_bytes(&mut buf).to_vec()
    }

    pub fn append_to(&self, out: &mut Vec<u8>) {
        let mut buf = [0u8; LL_STR_MAX];
        out.extend_from_slice(self.to_bytes(&mut buf));
    }

    /// Equality with a client-supplied string, as `lpCompare`: an integer
    /// entry equals `s` iff `s` is its canonical decimal form.
    pub fn eq_bytes(&self, s: &[u8]) -> bool {
        match *self {
            LpValue::Str(x) => x == s,
            LpValue::Int(v) => {
                let mut buf = [0u8; LL_STR_MAX];
                ll2string(v, &mut buf) == s
            }
        }
    }

    /// The integer value, parsing a string entry with `string2ll` rules.
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            LpValue::Int(v) => Some(v),
            LpValue::Str(s) => string2ll(s),
        }
    }

    /// Length of the string form.
    pub fn str_len(&self) -> usize {
        match *self {
            LpValue::Str(s) => s.len(),
            LpValue::Int(v) => {
                let mut buf = [0u8; LL_STR_MAX];
                ll2string(v, &mut buf).len()
            }
        }
    }
}

/// Bytes used by the backlen of an entry whose body is `l` bytes. The
/// thresholds are Redis's (`l < 16383`, not `<= 16383`) and must stay so
/// for byte-exact output.
fn backlen_size(l: usize) -> usize {
    if l <= 127 {
        1
    } else if l < 16383 {
        2
    } else if l < 2097151 {
        3
    } else if l < 268435455 {
        4
    } else {
        5
    }
}

fn encode_backlen(l: usize, out: &mut [u8; 5]) -> usize {
    let n = backlen_size(l);
    // Most significant group first, without the continuation bit; the
    // following (lower) groups carry bit 7.
    for (i, slot) in out[..n].iter_mut().enumerate() {
        let shift = 7 * (n - 1 - i);
        *slot = if i == 0 {
            (l >> shift) as u8
        } else {
            ((l >> shift) & 127) as u8 | 128
        };
    }
    n
}

/// Reads the backlen whose last byte is `b[end]`: returns (value, bytes used).
fn decode_backlen(b: &[u8], end: usize) -> Option<(usize, usize)> {
    let mut val = 0usize;
    let mut i = 0;
    loop {
        let c = *b.get(end.checked_sub(i)?)?;
        val |= ((c & 127) as usize) << (7 * i);
        i += 1;
        if c & 128 == 0 {
            return Some((val, i));
        }
        if i == 5 {
            return None;
        }
    }
}

/// Length of encoding+data of the entry at `p`, or None when the bytes are
/// not a valid entry header (bad encoding, truncated).
fn body_len(b: &[u8], p: usize) -> Option<usize> {
    let e = *b.get(p)?;
    let len = if e & 0x80 == 0 {
        1
    } else if e & 0xC0 == ENC_6BIT_STR {
        1 + (e & 0x3F) as usize
    } else if e & 0xE0 == ENC_13BIT_INT {
        2
    } else if e & 0xF0 == ENC_12BIT_STR {
        2 + (((e & 0x0F) as usize) << 8 | *b.get(p + 1)? as usize)
    } else {
        match e {
            ENC_16BIT_INT => 3,
            ENC_24BIT_INT => 4,
            ENC_32BIT_INT => 5,
            ENC_64BIT_INT => 9,
            ENC_32BIT_STR => {
                let l = u32::from_le_bytes(b.get(p + 1..p + 5)?.try_into().ok()?);
                5 + l as usize
            }
            _ => return None,
        }
    };
    Some(len)
}

/// An entry encoded and ready to be copied in.
struct Encoded<'a> {
    hdr: [u8; 9],
    hdr_len: usize,
    data: &'a [u8],
    backlen: [u8; 5],
    backlen_len: usize,
}

impl<'a> Encoded<'a> {
    fn int(v: i64) -> Encoded<'static> {
        let mut hdr = [0u8; 9];
        let hdr_len = if (0..=127).contains(&v) {
            hdr[0] = v as u8;
            1
        } else if (-4096..=4095).contains(&v) {
            let u = (v as u16) & 0x1FFF; // two's complement in 13 bits
            hdr[0] = ENC_13BIT_INT | (u >> 8) as u8;
            hdr[1] = u as u8;
            2
        } else if (-32768..=32767).contains(&v) {
            hdr[0] = ENC_16BIT_INT;
            hdr[1..3].copy_from_slice(&(v as i16).to_le_bytes());
            3
        } else if (-8388608..=8388607).contains(&v) {
            hdr[0] = ENC_24BIT_INT;
            hdr[1..4].copy_from_slice(&(v as i32).to_le_bytes()[..3]);
            4
        } else if (i32::MIN as i64..=i32::MAX as i64).contains(&v) {
            hdr[0] = ENC_32BIT_INT;
            hdr[1..5].copy_from_slice(&(v as i32).to_le_bytes());
            5
        } else {
            hdr[0] = ENC_64BIT_INT;
            hdr[1..9].copy_from_slice(&v.to_le_bytes());
            9
        };
        Encoded::finish(hdr, hdr_len, &[])
    }

    /// Like `lpEncodeGetType`: strings in canonical integer form are stored
    /// as integers.
    fn bytes(s: &'a [u8]) -> Encoded<'a> {
        if let Some(v) = string2ll(s) {
            return Encoded::int(v);
        }
        let mut hdr = [0u8; 9];
        let len = s.len();
        let hdr_len = if len < 64 {
            hdr[0] = ENC_6BIT_STR | len as u8;
            1
        } else if len < 4096 {
            hdr[0] = ENC_12BIT_STR | (len >> 8) as u8;
            hdr[1] = len as u8;
            2
        } else {
            let l = u32::try_from(len).expect("listpack string longer than 4 GiB");
            hdr[0] = ENC_32BIT_STR;
            hdr[1..5].copy_from_slice(&l.to_le_bytes());
            5
        };
        Encoded::finish(hdr, hdr_len, s)
    }

    fn value(v: LpValue<'a>) -> Encoded<'a> {
        match v {
            LpValue::Int(i) => Encoded::int(i),
            LpValue::Str(s) => Encoded::bytes(s),
        }
    }

    fn finish(hdr: [u8; 9], hdr_len: usize, data: &'a [u8]) -> Encoded<'a> {
        let mut backlen = [0u8; 5];
        let backlen_len = encode_backlen(hdr_len + data.len(), &mut backlen);
        Encoded {
            hdr,
            hdr_len,
            data,
            backlen,
            backlen_len,
        }
    }

    fn len(&self) -> usize {
        self.hdr_len + self.data.len() + self.backlen_len
    }

    fn write(&self, out: &mut [u8]) {
        let (h, rest) = out.split_at_mut(self.hdr_len);
        h.copy_from_slice(&self.hdr[..self.hdr_len]);
        let (d, bl) = rest.split_at_mut(self.data.len());
        d.copy_from_slice(self.data);
        bl.copy_from_slice(&self.backlen[..self.backlen_len]);
    }
}

#[derive(Clone, PartialEq, Eq)]
pub struct Listpack {
    bytes: Vec<u8>,
    /// Exact element count (the header saturates at 65535).
    count: usize,
}

impl Default for Listpack {
    fn default() -> Self {
        Listpack::new()
    }
}

impl std::fmt::Debug for Listpack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Listpack {
    pub fn new() -> Listpack {
        let mut lp = Listpack {
            bytes: Vec::with_capacity(LP_HDR_SIZE + 1),
            count: 0,
        };
        lp.bytes.extend_from_slice(&[0; LP_HDR_SIZE]);
        lp.bytes.push(LP_EOF);
        lp.write_header();
        lp
    }

    /// An empty listpack with room for `cap` bytes (a quicklist node that
    /// will fill up: one allocation instead of a chain of growths).
    pub fn with_capacity(cap: usize) -> Listpack {
        let mut lp = Listpack::new();
        lp.bytes.reserve_exact(cap.saturating_sub(lp.bytes.len()));
        lp
    }

    /// Adopts a serialised listpack (e.g. from RDB) after a full integrity
    /// check; `None` when the blob is corrupt.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Listpack> {
        let count = validate_bytes(&bytes)?;
        Some(Listpack { bytes, count })
    }

    /// The exact Redis byte image.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Number of entries (`lpLength`).
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Total serialised size (`lpBytes`).
    pub fn bytes_len(&self) -> usize {
        self.bytes.len()
    }

    /// Allocated size, for memory accounting.
    pub fn alloc_size(&self) -> usize {
        self.bytes.capacity()
    }

    pub fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }

    /// Whether adding `add` bytes keeps the listpack within the 1 GiB
    /// safety limit (`lpSafeToAdd`).
    pub fn safe_to_add(&self, add: usize) -> bool {
        Listpack::safe_to_add_to(Some(self), add)
    }

    /// `lpSafeToAdd(NULL, add)` form, for a listpack that does not exist yet.
    pub fn safe_to_add_to(lp: Option<&Listpack>, add: usize) -> bool {
        let len = lp.map_or(0, |l| l.bytes.len());
        Listpack::safe_size(len.saturating_add(add))
    }

    /// The rule behind `safe_to_add`, on sizes alone: whether a listpack of
    /// `total` bytes stays within `LISTPACK_MAX_SAFETY_SIZE`. Every
    /// listpack-backed type decides its conversion with it, so the decision
    /// can be unit-tested without building a gigabyte.
    pub fn safe_size(total: usize) -> bool {
        total <= LISTPACK_MAX_SAFETY_SIZE
    }

    /// Exact size the entry for `ele` would take (encoding+data+backlen).
    pub fn encoded_entry_size(ele: &[u8]) -> usize {
        Encoded::bytes(ele).len()
    }

    fn eof(&self) -> usize {
        self.bytes.len() - 1
    }

    fn write_header(&mut self) {
        let total = u32::try_from(self.bytes.len()).expect("listpack larger than 4 GiB");
        self.bytes[0..4].copy_from_slice(&total.to_le_bytes());
        let n = u16::try_from(self.count).unwrap_or(LP_HDR_NUMELE_UNKNOWN);
        self.bytes[4..6].copy_from_slice(&n.to_le_bytes());
    }

    /// Size of the entry at `p` including its backlen.
    pub fn entry_size(&self, p: usize) -> usize {
        let body =
            body_len(&self.bytes, p).unwrap_or_else(|| panic!("listpack: no entry at offset {p}"));
        body + backlen_size(body)
    }

    pub fn first(&self) -> Option<usize> {
        (self.count > 0).then_some(LP_HDR_SIZE)
    }

    pub fn last(&self) -> Option<usize> {
        self.prev(self.eof())
    }

    /// Entry after `p`; None at the end (also when `p` is the terminator).
    pub fn next(&self, p: usize) -> Option<usize> {
        if self.bytes[p] == LP_EOF {
            return None;
        }
        let q = p + self.entry_size(p);
        (self.bytes[q] != LP_EOF).then_some(q)
    }

    /// Entry before `p`; `p` may be the terminator offset (`bytes_len()-1`),
    /// which gives the last entry. None at the first entry.
    pub fn prev(&self, p: usize) -> Option<usize> {
        if p <= LP_HDR_SIZE {
            return None;
        }
        let (body, n) = decode_backlen(&self.bytes, p - 1).expect("listpack: corrupt backlen");
        Some(p - n - body)
    }

    /// Decodes the entry at `p` (`lpGet`).
    pub fn get(&self, p: usize) -> LpValue<'_> {
        let b = &self.bytes;
        let e = b[p];
        if e & 0x80 == 0 {
            LpValue::Int(e as i64)
        } else if e & 0xC0 == ENC_6BIT_STR {
            let len = (e & 0x3F) as usize;
            LpValue::Str(&b[p + 1..p + 1 + len])
        } else if e & 0xE0 == ENC_13BIT_INT {
            let u = ((e & 0x1F) as u16) << 8 | b[p + 1] as u16;
            // Sign-extend from 13 bits.
            LpValue::Int(((u << 3) as i16 >> 3) as i64)
        } else if e & 0xF0 == ENC_12BIT_STR {
            let len = ((e & 0x0F) as usize) << 8 | b[p + 1] as usize;
            LpValue::Str(&b[p + 2..p + 2 + len])
        } else {
            match e {
                ENC_16BIT_INT => LpValue::Int(i16::from_le_bytes([b[p + 1], b[p + 2]]) as i64),
                ENC_24BIT_INT => {
                    let u = i32::from_le_bytes([0, b[p + 1], b[p + 2], b[p + 3]]);
                    LpValue::Int((u >> 8) as i64)
                }
                ENC_32BIT_INT => {
                    LpValue::Int(i32::from_le_bytes(b[p + 1..p + 5].try_into().unwrap()) as i64)
                }
                ENC_64BIT_INT => {
                    LpValue::Int(i64::from_le_bytes(b[p + 1..p + 9].try_into().unwrap()))
                }
                ENC_32BIT_STR => {
                    let len = u32::from_le_bytes(b[p + 1..p + 5].try_into().unwrap()) as usize;
                    LpValue::Str(&b[p + 5..p + 5 + len])
                }
                _ => panic!("listpack: invalid encoding byte {e:#04x} at offset {p}"),
            }
        }
    }

    /// Position of the entry at `index` (negative counts from the tail,
    /// -1 = last). Walks from whichever end is nearer, as `lpSeek` does.
    pub fn seek(&self, index: isize) -> Option<usize> {
        let n = self.count;
        let idx = if index < 0 {
            n.checked_sub(index.unsigned_abs())?
        } else {
            index as usize
        };
        if idx >= n {
            return None;
        }
        if idx <= n / 2 {
            let mut p = LP_HDR_SIZE;
            for _ in 0..idx {
                p += self.entry_size(p);
            }
            Some(p)
        } else {
            let mut p = self.last()?;
            for _ in 0..(n - 1 - idx) {
                p = self.prev(p)?;
            }
            Some(p)
        }
    }

    /// Replaces `remove` bytes at `pos` by `new` and fixes the header.
    fn splice(&mut self, pos: usize, remove: usize, new: &Encoded<'_>) {
        let add = new.len();
        let old_len = self.bytes.len();
        if add > remove {
            self.reserve(add - remove);
            self.bytes.resize(old_len + add - remove, 0);
            self.bytes.copy_within(pos + remove..old_len, pos + add);
        } else if add < remove {
            self.bytes.copy_within(pos + remove..old_len, pos + add);
            self.bytes.truncate(old_len - (remove - add));
            self.maybe_shrink();
        }
        new.write(&mut self.bytes[pos..pos + add]);
    }

    /// Growth policy: at least `add` bytes, at most 1/8 of the size as
    /// slack. Redis reallocs to the exact size on every insert; `Vec`'s
    /// doubling would instead let millions of small hashes carry up to 2x
    /// their size. 1/8 keeps reallocations amortised while bounding waste
    /// near the allocator's own size-class rounding.
    fn reserve(&mut self, add: usize) {
        if self.bytes.capacity() - self.bytes.len() < add {
            self.bytes.reserve_exact(add.max(self.bytes.len() / 8));
        }
    }

    /// Gives memory back after deletions (Redis reallocs down on every
    /// delete); the threshold is wider than the growth slack so that an
    /// alternating push/pop does not reallocate every time.
    fn maybe_shrink(&mut self) {
        let len = self.bytes.len();
        if self.bytes.capacity() - len > len / 4 + 32 {
            self.bytes.shrink_to_fit();
        }
    }

    fn insert_encoded(&mut self, pos: usize, e: &Encoded<'_>) -> usize {
        self.splice(pos, 0, e);
        self.count += 1;
        self.write_header();
        pos
    }

    /// Appends at the tail (`lpAppend`).
    pub fn push_back(&mut self, ele: &[u8]) {
        let eof = self.eof();
        self.insert_encoded(eof, &Encoded::bytes(ele));
    }

    /// Alias of `push_back`, Redis's name.
    pub fn append(&mut self, ele: &[u8]) {
        self.push_back(ele);
    }

    /// Prepends at the head (`lpPrepend`).
    pub fn push_front(&mut self, ele: &[u8]) {
        self.insert_encoded(LP_HDR_SIZE, &Encoded::bytes(ele));
    }

    /// `lpAppendInteger`.
    pub fn append_int(&mut self, v: i64) {
        let eof = self.eof();
        self.insert_encoded(eof, &Encoded::int(v));
    }

    /// `lpPrependInteger`.
    pub fn push_front_int(&mut self, v: i64) {
        self.insert_encoded(LP_HDR_SIZE, &Encoded::int(v));
    }

    /// Appends a decoded value as is (used when copying between listpacks).
    pub fn append_value(&mut self, v: LpValue<'_>) {
        let eof = self.eof();
        self.insert_encoded(eof, &Encoded::value(v));
    }

    /// Inserts before the entry at `p` (or at the tail if `p` is the
    /// terminator); returns the new entry's position.
    pub fn insert_before(&mut self, p: usize, ele: &[u8]) -> usize {
        self.insert_encoded(p, &Encoded::bytes(ele))
    }

    /// Inserts after the entry at `p`; returns the new entry's position.
    pub fn insert_after(&mut self, p: usize, ele: &[u8]) -> usize {
        let q = p + self.entry_size(p);
        self.insert_encoded(q, &Encoded::bytes(ele))
    }

    pub fn insert_int_before(&mut self, p: usize, v: i64) -> usize {
        self.insert_encoded(p, &Encoded::int(v))
    }

    /// Overwrites the entry at `p` (`lpReplace`); its position is unchanged.
    pub fn replace(&mut self, p: usize, ele: &[u8]) -> usize {
        let old = self.entry_size(p);
        self.splice(p, old, &Encoded::bytes(ele));
        self.write_header();
        p
    }

    /// `lpReplaceInteger`.
    pub fn replace_int(&mut self, p: usize, v: i64) -> usize {
        let old = self.entry_size(p);
        self.splice(p, old, &Encoded::int(v));
        self.write_header();
        p
    }

    /// Deletes the entry at `p`; returns the position of the entry that
    /// followed it (now at `p`), or None if it was the last.
    pub fn delete(&mut self, p: usize) -> Option<usize> {
        let n = self.entry_size(p);
        self.bytes.drain(p..p + n);
        self.maybe_shrink();
        self.count -= 1;
        self.write_header();
        (self.bytes[p] != LP_EOF).then_some(p)
    }

    /// Deletes up to `num` entries starting at `index` (negative from the
    /// tail), like `lpDeleteRange`. Returns how many were deleted.
    pub fn delete_range(&mut self, index: isize, num: usize) -> usize {
        match self.seek(index) {
            Some(p) => self.delete_range_with_entry(p, num),
            None => 0,
        }
    }

    /// Deletes up to `num` entries starting at position `p`
    /// (`lpDeleteRangeWithEntry`). Returns how many were deleted.
    pub fn delete_range_with_entry(&mut self, p: usize, num: usize) -> usize {
        let mut q = p;
        let mut n = 0;
        while n < num && self.bytes[q] != LP_EOF {
            q += self.entry_size(q);
            n += 1;
        }
        if n > 0 {
            self.bytes.drain(p..q);
            self.maybe_shrink();
            self.count -= n;
            self.write_header();
        }
        n
    }

    /// Searches from `p` for an entry equal to `needle`, comparing one entry
    /// then skipping `skip` entries, like `lpFind` (skip=1 from the first
    /// entry visits only the fields of a hash). The needle is parsed as an
    /// integer once, and integer entries are compared numerically, which is
    /// equivalent to comparing string forms because only canonical integer
    /// strings parse.
    pub fn find(&self, p: usize, needle: &[u8], skip: usize) -> Option<usize> {
        let needle_int = string2ll(needle);
        let mut skipcnt = 0;
        let mut p = p;
        while self.bytes[p] != LP_EOF {
            if skipcnt == 0 {
                let hit = match self.get(p) {
                    LpValue::Int(v) => needle_int == Some(v),
                    LpValue::Str(s) => s == needle,
                };
                if hit {
                    return Some(p);
                }
                skipcnt = skip;
            } else {
                skipcnt -= 1;
            }
            p += self.entry_size(p);
        }
        None
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter {
            lp: self,
            pos: self.first(),
            forward: true,
        }
    }

    pub fn iter_rev(&self) -> Iter<'_> {
        Iter {
            lp: self,
            pos: self.last(),
            forward: false,
        }
    }

    /// Iterates from the entry at `p` (inclusive) in either direction.
    pub fn iter_from(&self, p: Option<usize>, forward: bool) -> Iter<'_> {
        Iter {
            lp: self,
            pos: p,
            forward,
        }
    }

    /// Moves the entries from `index` on into a new listpack; `self` keeps
    /// the first `index` entries. Raw byte copy: entries are position
    /// independent (backlen is relative), so no re-encoding is needed.
    pub fn split_off(&mut self, index: usize) -> Listpack {
        let p = if index >= self.count {
            self.eof()
        } else {
            self.seek(index as isize).unwrap()
        };
        let moved = self.count - index.min(self.count);
        let mut right = Listpack {
            bytes: Vec::with_capacity(LP_HDR_SIZE + self.bytes.len() - p),
            count: moved,
        };
        right.bytes.extend_from_slice(&[0; LP_HDR_SIZE]);
        right.bytes.extend_from_slice(&self.bytes[p..]);
        right.write_header();
        self.bytes.truncate(p);
        self.bytes.push(LP_EOF);
        self.maybe_shrink();
        self.count -= moved;
        self.write_header();
        right
    }

    /// Appends all entries of `other` (raw copy, like `lpMerge`).
    pub fn append_listpack(&mut self, other: &Listpack) {
        self.reserve(other.bytes.len() - LP_HDR_SIZE - 1);
        self.bytes.pop();
        self.bytes.extend_from_slice(&other.bytes[LP_HDR_SIZE..]);
        self.count += other.count;
        self.write_header();
    }

    /// `lpMerge`: `a` followed by `b`, reusing the larger allocation.
    pub fn merge(a: Listpack, b: Listpack) -> Listpack {
        if a.bytes.len() >= b.bytes.len() {
            let mut a = a;
            a.append_listpack(&b);
            a
        } else {
            let mut b = b;
            let a_body = &a.bytes[LP_HDR_SIZE..a.bytes.len() - 1];
            b.bytes
                .splice(LP_HDR_SIZE..LP_HDR_SIZE, a_body.iter().copied());
            b.count += a.count;
            b.write_header();
            b
        }
    }

    /// Full structural check, for tests and debug assertions.
    pub fn validate_integrity(&self) -> bool {
        validate_bytes(&self.bytes) == Some(self.count)
    }
}

/// Checks a listpack blob deeply (header, every entry, backlens, count);
/// returns the element count.
pub fn validate_bytes(b: &[u8]) -> Option<usize> {
    if b.len() < LP_HDR_SIZE + 1 || *b.last()? != LP_EOF {
        return None;
    }
    let total = u32::from_le_bytes(b[0..4].try_into().ok()?) as usize;
    if total != b.len() {
        return None;
    }
    let hdr_count = u16::from_le_bytes([b[4], b[5]]);
    let eof = b.len() - 1;
    let mut p = LP_HDR_SIZE;
    let mut count = 0usize;
    while p < eof {
        let body = body_len(b, p)?;
        let bl = backlen_size(body);
        let end = p.checked_add(body)?.checked_add(bl)?;
        if end > eof {
            return None;
        }
        let mut enc = [0u8; 5];
        encode_backlen(body, &mut enc);
        if b[p + body..end] != enc[..bl] {
            return None;
        }
        p = end;
        count += 1;
    }
    if p != eof {
        return None;
    }
    if hdr_count != LP_HDR_NUMELE_UNKNOWN && hdr_count as usize != count {
        return None;
    }
    // An "unknown" header with fewer than 65535 entries is accepted: it is
    // how Redis leaves a listpack that shrank below the limit.
    Some(count)
}

pub struct Iter<'a> {
    lp: &'a Listpack,
    pos: Option<usize>,
    forward: bool,
}

impl<'a> Iter<'a> {
    /// Position of the entry the next call to `next` will return.
    pub fn position(&self) -> Option<usize> {
        self.pos
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = LpValue<'a>;

    fn next(&mut self) -> Option<LpValue<'a>> {
        let p = self.pos?;
        let lp: &'a Listpack = self.lp;
        self.pos = if self.forward { lp.next(p) } else { lp.prev(p) };
        Some(lp.get(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::util::test_rng::Rng;

    fn contents(lp: &Listpack) -> Vec<Vec<u8>> {
        lp.iter().map(|v| v.to_vec()).collect()
    }

    fn check(lp: &Listpack, model: &[Vec<u8>]) {
        assert!(lp.validate_integrity(), "integrity");
        assert_eq!(lp.len(), model.len());
        assert_eq!(contents(lp), model);
        let mut rev: Vec<Vec<u8>> = lp.iter_rev().map(|v| v.to_vec()).collect();
        rev.reverse();
        assert_eq!(rev, model);
    }

    #[test]
    fn exact_bytes_small() {
        let mut lp = Listpack::new();
        assert_eq!(lp.as_bytes(), &[7, 0, 0, 0, 0, 0, 0xFF]);
        lp.push_back(b"a");
        lp.push_back(b"1");
        assert_eq!(
            lp.as_bytes(),
            &[12, 0, 0, 0, 2, 0, 0x81, b'a', 0x02, 0x01, 0x01, 0xFF]
        );
        let mut lp = Listpack::new();
        lp.append_int(-1);
        lp.append_int(128);
        lp.append_int(-32768);
        assert_eq!(
            lp.as_bytes(),
            &[
                17, 0, 0, 0, 3, 0, 0xDF, 0xFF, 0x02, 0xC0, 0x80, 0x02, 0xF1, 0x00, 0x80, 0x03, 0xFF
            ][..],
            "got {:x?}",
            lp.as_bytes()
        );
        let total = lp.bytes_len();
        assert_eq!(total, 17);
        // A 200-byte string: 12-bit header, body 202 -> 2-byte backlen.
        let s = vec![b'x'; 200];
        let mut lp = Listpack::new();
        lp.push_back(&s);
        let b = lp.as_bytes();
        assert_eq!(&b[6..8], &[0xE0, 200]);
        assert_eq!(&b[208..210], &[0x01, 0xCA]);
        assert_eq!(b.len(), 6 + 202 + 2 + 1);
    }

    #[test]
    fn backlen_encoding() {
        for &l in &[
            0usize,
            1,
            127,
            128,
            16382,
            16383,
            16384,
            2097150,
            2097151,
            268435454,
            268435455,
            u32::MAX as usize,
        ] {
            let mut buf = [0u8; 5];
            let n = encode_backlen(l, &mut buf);
            assert_eq!(n, backlen_size(l));
            assert_eq!(decode_backlen(&buf[..n], n - 1), Some((l, n)), "l={l}");
        }
        assert_eq!(backlen_size(16382), 2);
        assert_eq!(backlen_size(16383), 3);
    }

    #[test]
    fn int_encoding_boundaries() {
        let cases: &[(i64, usize)] = &[
            (0, 1),
            (127, 1),
            (128, 2),
            (-1, 2),
            (-4096, 2),
            (4095, 2),
            (4096, 3),
            (-4097, 3),
            (-32768, 3),
            (32767, 3),
            (32768, 4),
            (-32769, 4),
            (-8388608, 4),
            (8388607, 4),
            (8388608, 5),
            (-8388609, 5),
            (i32::MIN as i64, 5),
            (i32::MAX as i64, 5),
            (i32::MAX as i64 + 1, 9),
            (i32::MIN as i64 - 1, 9),
            (i64::MIN, 9),
            (i64::MAX, 9),
        ];
        for &(v, body) in cases {
            let mut lp = Listpack::new();
            lp.push_back(v.to_string().as_bytes());
            lp.append_int(v);
            assert!(lp.validate_integrity());
            assert_eq!(lp.bytes_len(), 7 + 2 * (body + 1), "v={v}");
            assert_eq!(lp.get(lp.first().unwrap()), LpValue::Int(v));
            assert_eq!(lp.get(lp.last().unwrap()), LpValue::Int(v));
            assert_eq!(lp.entry_size(6), body + 1);
        }
    }

    #[test]
    fn string_encoding_boundaries() {
        for &(len, hdr) in &[
            (0usize, 1usize),
            (63, 1),
            (64, 2),
            (4095, 2),
            (4096, 5),
            (70000, 5),
        ] {
            let s: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            let mut lp = Listpack::new();
            lp.push_back(b"head");
            lp.push_back(&s);
            lp.push_back(b"tail");
            assert!(lp.validate_integrity());
            let p = lp.next(lp.first().unwrap()).unwrap();
            assert_eq!(lp.get(p), LpValue::Str(&s));
            assert_eq!(lp.entry_size(p), hdr + len + backlen_size(hdr + len));
            assert_eq!(Listpack::encoded_entry_size(&s), lp.entry_size(p));
            // Backward walk crosses the big entry via its backlen.
            let last = lp.last().unwrap();
            assert_eq!(lp.prev(last), Some(p));
            assert_eq!(lp.prev(p), Some(6));
            assert_eq!(lp.prev(6), None);
        }
    }

    #[test]
    fn non_canonical_ints_stay_strings() {
        let mut lp = Listpack::new();
        for s in [
            "007",
            "-0",
            "+5",
            " 1",
            "1 ",
            "9223372036854775808",
            "1.5",
            "",
        ] {
            lp.push_back(s.as_bytes());
        }
        for (v, s) in lp.iter().zip([
            "007",
            "-0",
            "+5",
            " 1",
            "1 ",
            "9223372036854775808",
            "1.5",
            "",
        ]) {
            assert_eq!(v, LpValue::Str(s.as_bytes()));
        }
    }

    #[test]
    fn insert_delete_middle() {
        let mut lp = Listpack::new();
        for s in ["a", "b", "d"] {
            lp.push_back(s.as_bytes());
        }
        let p = lp.seek(2).unwrap();
        lp.insert_before(p, b"c");
        let p0 = lp.first().unwrap();
        lp.insert_after(p0, b"a2");
        lp.push_front(b"0");
        assert_eq!(contents(&lp), [&b"0"[..], b"a", b"a2", b"b", b"c", b"d"]);
        let p = lp.seek(2).unwrap();
        let next = lp.delete(p).unwrap();
        assert_eq!(lp.get(next), LpValue::Str(b"b"));
        let last = lp.last().unwrap();
        assert_eq!(lp.delete(last), None);
        let p = lp.seek(1).unwrap();
        lp.replace(p, b"12345");
        assert_eq!(lp.get(p), LpValue::Int(12345));
        lp.replace_int(p, -7);
        assert_eq!(contents(&lp), [&b"0"[..], b"-7", b"b", b"c"]);
        assert_eq!(lp.delete_range(-3, 2), 2);
        assert_eq!(contents(&lp), [&b"0"[..], b"c"]);
        assert_eq!(lp.delete_range(5, 2), 0);
        assert_eq!(lp.delete_range(0, 100), 2);
        assert!(lp.is_empty());
        assert_eq!(lp.as_bytes(), Listpack::new().as_bytes());
    }

    #[test]
    fn seek_negative() {
        let mut lp = Listpack::new();
        for i in 0..11 {
            lp.append_int(i * 1000);
        }
        for i in 0..11isize {
            assert_eq!(lp.get(lp.seek(i).unwrap()), LpValue::Int(i as i64 * 1000));
            assert_eq!(
                lp.get(lp.seek(i - 11).unwrap()),
                LpValue::Int(i as i64 * 1000)
            );
        }
        assert_eq!(lp.seek(11), None);
        assert_eq!(lp.seek(-12), None);
        assert_eq!(lp.seek(isize::MIN), None);
        assert_eq!(Listpack::new().seek(0), None);
        assert_eq!(Listpack::new().seek(-1), None);
    }

    #[test]
    fn find_with_skip() {
        // A hash as field,value pairs: a value equal to a field name must not
        // match when searching fields only.
        let mut lp = Listpack::new();
        for s in ["f1", "v1", "f2", "f1", "10", "x", "f3", "10"] {
            lp.push_back(s.as_bytes());
        }
        let first = lp.first().unwrap();
        assert_eq!(lp.find(first, b"f1", 1), Some(first));
        let f2 = lp.find(first, b"f2", 1).unwrap();
        assert_eq!(lp.get(lp.next(f2).unwrap()), LpValue::Str(b"f1"));
        assert_eq!(lp.find(first, b"v1", 1), None);
        assert_eq!(lp.find(first, b"x", 1), None);
        let ten = lp.find(first, b"10", 1).unwrap();
        assert_eq!(ten, lp.seek(4).unwrap());
        assert_eq!(lp.find(first, b"010", 0), None);
        assert_eq!(lp.find(first, b"x", 0), lp.seek(5));
        let f3 = lp.seek(6).unwrap();
        assert_eq!(lp.find(f3, b"10", 0), lp.seek(7));
        assert!(LpValue::Int(10).eq_bytes(b"10"));
        assert!(!LpValue::Int(10).eq_bytes(b"010"));
        assert!(LpValue::Str(b"ab").eq_bytes(b"ab"));
    }

    #[test]
    fn split_merge_roundtrip() {
        let mut lp = Listpack::new();
        for i in 0..50 {
            lp.push_back(format!("item-{i}").as_bytes());
        }
        let orig = lp.clone();
        let right = lp.split_off(20);
        assert!(lp.validate_integrity() && right.validate_integrity());
        assert_eq!((lp.len(), right.len()), (20, 30));
        let merged = Listpack::merge(lp.clone(), right.clone());
        assert_eq!(merged, orig);
        let mut small = Listpack::new();
        small.push_back(b"s");
        let merged = Listpack::merge(small, orig.clone());
        assert!(merged.validate_integrity());
        assert_eq!(merged.len(), 51);
        assert_eq!(merged.get(merged.first().unwrap()), LpValue::Str(b"s"));
        let mut all = orig.clone();
        let none = all.split_off(50);
        assert!(none.is_empty() && none.validate_integrity());
        assert_eq!(all, orig);
    }

    #[test]
    fn from_bytes_validation() {
        let mut lp = Listpack::new();
        lp.push_back(b"hello");
        lp.append_int(300);
        let good = lp.as_bytes().to_vec();
        assert_eq!(Listpack::from_bytes(good.clone()), Some(lp.clone()));
        let mut bad = good.clone();
        bad[0] = 99;
        assert!(Listpack::from_bytes(bad).is_none());
        let mut bad = good.clone();
        bad[4] = 3;
        assert!(Listpack::from_bytes(bad).is_none());
        let mut bad = good.clone();
        bad[6] = 0xF7; // invalid encoding
        assert!(Listpack::from_bytes(bad).is_none());
        let mut bad = good.clone();
        bad[12] = 0x05; // wrong backlen of "hello"
        assert!(Listpack::from_bytes(bad).is_none());
        let mut unknown = good.clone();
        unknown[4] = 0xFF;
        unknown[5] = 0xFF;
        assert_eq!(Listpack::from_bytes(unknown).map(|l| l.len()), Some(2));
        assert!(Listpack::from_bytes(vec![7, 0, 0, 0, 0, 0]).is_none());
        assert!(Listpack::from_bytes(vec![]).is_none());
    }

    #[test]
    fn allocation_stays_near_size() {
        let mut lp = Listpack::new();
        for i in 0..1000 {
            lp.push_back(format!("value-{i}").as_bytes());
            assert!(lp.alloc_size() <= lp.bytes_len() + lp.bytes_len() / 8 + 32);
        }
        lp.delete_range(0, 990);
        assert!(lp.alloc_size() <= lp.bytes_len() + lp.bytes_len() / 4 + 32);
        while let Some(p) = lp.first() {
            lp.delete(p);
            assert!(lp.alloc_size() <= lp.bytes_len() + lp.bytes_len() / 4 + 32);
        }
    }

    #[test]
    fn count_over_65535() {
        let mut lp = Listpack::new();
        for i in 0..70_000i64 {
            lp.append_int(i % 100);
        }
        assert_eq!(lp.len(), 70_000);
        assert_eq!(&lp.as_bytes()[4..6], &[0xFF, 0xFF]);
        assert!(lp.validate_integrity());
        assert_eq!(lp.delete_range(0, 10_000), 10_000);
        assert_eq!(
            u16::from_le_bytes([lp.as_bytes()[4], lp.as_bytes()[5]]),
            60_000
        );
        assert!(lp.validate_integrity());
        assert!(lp.safe_to_add(1000));
        assert!(!lp.safe_to_add(LISTPACK_MAX_SAFETY_SIZE));
        assert!(Listpack::safe_to_add_to(None, LISTPACK_MAX_SAFETY_SIZE));
    }

    fn random_value(rng: &mut Rng) -> Vec<u8> {
        match rng.below(10) {
            0 => (rng.next_u64() as i64).to_string().into_bytes(),
            1 => ((rng.next_u64() % 300) as i64 - 150)
                .to_string()
                .into_bytes(),
            2 => {
                let bounds = [
                    127i64, 128, 4095, 4096, -4096, -4097, 32767, 32768, -32768, -32769, 8388607,
                    8388608,
                ];
                bounds[rng.below(bounds.len())].to_string().into_bytes()
            }
            3 => vec![b'z'; rng.below(5000)],
            4 => format!("0{}", rng.below(100)).into_bytes(),
            _ => {
                let n = rng.below(80);
                (0..n).map(|_| rng.next_u64() as u8).collect()
            }
        }
    }

    #[test]
    fn random_against_model() {
        let mut rng = Rng(0xC0FFEE);
        let mut lp = Listpack::new();
        let mut model: Vec<Vec<u8>> = Vec::new();
        for op in 0..10_000 {
            let n = model.len();
            match rng.below(12) {
                0 | 1 => {
                    let v = random_value(&mut rng);
                    lp.push_back(&v);
                    model.push(v);
                }
                2 => {
                    let v = random_value(&mut rng);
                    lp.push_front(&v);
                    model.insert(0, v);
                }
                3 if n > 0 => {
                    let i = rng.below(n);
                    let v = random_value(&mut rng);
                    let p = lp.seek(i as isize).unwrap();
                    lp.insert_before(p, &v);
                    model.insert(i, v);
                }
                4 if n > 0 => {
                    let i = rng.below(n);
                    let v = random_value(&mut rng);
                    let p = lp.seek(i as isize - n as isize).unwrap();
                    let q = lp.insert_after(p, &v);
                    assert_eq!(lp.get(q).to_vec(), v);
                    model.insert(i + 1, v);
                }
                5 if n > 0 => {
                    let i = rng.below(n);
                    let v = random_value(&mut rng);
                    let p = lp.seek(i as isize).unwrap();
                    lp.replace(p, &v);
                    model[i] = v;
                }
                6 | 7 if n > 0 => {
                    let i = rng.below(n);
                    let p = lp.seek(i as isize).unwrap();
                    let next = lp.delete(p);
                    model.remove(i);
                    assert_eq!(next.map(|q| lp.get(q).to_vec()), model.get(i).cloned());
                }
                8 if n > 0 => {
                    let i = rng.below(n);
                    let cnt = rng.below(4);
                    let d = lp.delete_range(i as isize, cnt);
                    let d2 = cnt.min(n - i);
                    assert_eq!(d, d2);
                    model.drain(i..i + d2);
                }
                9 if n > 0 => {
                    let i = rng.below(n);
                    let needle = model[i].clone();
                    let first = lp.first().unwrap();
                    let found = lp.find(first, &needle, 0).unwrap();
                    let idx = model.iter().position(|m| *m == needle).unwrap();
                    assert_eq!(found, lp.seek(idx as isize).unwrap());
                }
                10 if n > 0 => {
                    let i = rng.below(n);
                    let neg = i as isize - n as isize;
                    assert_eq!(lp.get(lp.seek(neg).unwrap()).to_vec(), model[i]);
                }
                _ => {
                    if n > 40 {
                        let k = rng.below(n);
                        lp.delete_range(0, k);
                        model.drain(..k);
                    }
                }
            }
            assert_eq!(lp.len(), model.len());
            if op % 97 == 0 {
                check(&lp, &model);
            }
        }
        check(&lp, &model);
    }
}
