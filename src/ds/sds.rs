//! SDS: the byte-string buffer behind every Redis string value, argument and
//! reply fragment, plus the string helpers that Redis keeps in `sds.c` and
//! `util.c` (`sdssplitargs`, `ll2string`, `string2ll`).
//!
//! Design
//! - `Sds` wraps a `Vec<u8>`. What it adds over `Vec` are Redis's policies:
//!   the greedy preallocation of `sdsMakeRoomFor` (double below 1 MiB, then
//!   +1 MiB), the in-place editing operations (`sdsrange`, `sdstrim`,
//!   `sdsgrowzero`, ...) with Redis's exact index semantics, and a
//!   read-into-spare-capacity API for the query buffer.
//! - Invariant: `len <= capacity`, and bytes `0..len` are initialised (the
//!   `Vec` invariant). There is no trailing NUL: nothing here hands the buffer
//!   to C.
//! - Ownership: an `Sds` owns its bytes; it is `Send` and has no interior
//!   mutability. Callers on the main thread and I/O threads pass it by value.
//!
//! Why `unsafe` is here: a socket read writes into the spare capacity, and the
//! length must then be raised to cover what the kernel wrote without first
//! zero-filling the buffer (the query buffer is read 16 KiB at a time, the
//! zeroing would double the memory traffic). That is `incr_len`, the one
//! `unsafe fn` in this module; every caller must name what initialised the
//! bytes.
//!
//! Not done: the sds header types (sdshdr8..64) and `sdsAllocPtr` tricks: the
//! allocation size is `Vec`'s capacity. `alloc_size` reports that capacity, which
//! is what `used_memory`-style accounting needs.
#![allow(unsafe_code)] // Listed unsafe module: see "Why `unsafe` is here" above.

use std::borrow::{Borrow, BorrowMut};
use std::fmt;
use std::mem::MaybeUninit;
use std::ops::{Deref, DerefMut};

/// Above this length `make_room_for` stops doubling and grows by this much
/// instead (Redis `SDS_MAX_PREALLOC`).
pub const SDS_MAX_PREALLOC: usize = 1024 * 1024;

/// Buffer size for `ll2string`: "-9223372036854775808" is 20 bytes.
pub const LL_STR_MAX: usize = 20;

/// Redis `LONG_STR_SIZE`: `string2ll` rejects inputs of this length or more.
const LONG_STR_SIZE: usize = 21;

#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sds {
    buf: Vec<u8>,
}

impl Sds {
    pub const fn new() -> Sds {
        Sds { buf: Vec::new() }
    }

    pub fn with_capacity(n: usize) -> Sds {
        Sds {
            buf: Vec::with_capacity(n),
        }
    }

    /// Exact-size copy, like `sdsnewlen`.
    pub fn from_bytes(b: &[u8]) -> Sds {
        Sds { buf: b.to_vec() }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    pub fn as_mut_bytes(&mut self) -> &mut [u8] {
        &mut self.buf
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Free bytes after the content (`sdsavail`).
    pub fn avail(&self) -> usize {
        self.buf.capacity() - self.buf.len()
    }

    /// Empties the string but keeps the allocation (`sdsclear`): the query
    /// buffer is reused this way between commands.
    pub fn clear(&mut self) {
        self.buf.clear();
    }

    pub fn into_vec(self) -> Vec<u8> {
        self.buf
    }

    /// Ensures `avail() >= addlen`, over-allocating the way `sdsMakeRoomFor`
    /// does so that a string built by repeated appends is reallocated
    /// O(log n) times: double the needed length below `SDS_MAX_PREALLOC`,
    /// add `SDS_MAX_PREALLOC` above it (doubling a 512 MiB value would waste
    /// up to 512 MiB).
    pub fn make_room_for(&mut self, addlen: usize) {
        if self.avail() >= addlen {
            return;
        }
        let len = self.buf.len();
        let mut newlen = len.checked_add(addlen).expect("sds length overflows usize");
        if newlen < SDS_MAX_PREALLOC {
            newlen *= 2;
        } else {
            newlen = newlen.saturating_add(SDS_MAX_PREALLOC);
        }
        self.buf.reserve_exact(newlen - len);
    }

    /// Ensures `avail() >= addlen` without the greedy slack
    /// (`sdsMakeRoomForNonGreedy`), for buffers whose final size is known.
    pub fn make_room_for_non_greedy(&mut self, addlen: usize) {
        if self.avail() >= addlen {
            return;
        }
        self.buf.reserve_exact(addlen);
    }

    /// The uninitialised tail of the allocation, for a `read(2)` to fill.
    /// Follow with `incr_len` for the number of bytes written.
    pub fn spare_capacity_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        self.buf.spare_capacity_mut()
    }

    /// Extends the length over bytes written through `spare_capacity_mut`
    /// (`sdsIncrLen` for a positive increment).
    ///
    /// # Safety
    /// The first `n` elements of `spare_capacity_mut()` must have been
    /// initialised since the last change of length or capacity, and
    /// `n <= self.avail()`.
    pub unsafe fn incr_len(&mut self, n: usize) {
        debug_assert!(
            n <= self.avail(),
            "incr_len({n}) past capacity (avail {})",
            self.avail()
        );
        let new_len = self.buf.len() + n;
        // SAFETY: the caller guarantees n <= avail, so new_len <= capacity, and
        // that bytes len..new_len were initialised through spare_capacity_mut.
        unsafe { self.buf.set_len(new_len) }
    }

    /// Appends bytes (`sdscatlen`) using the greedy growth policy.
    pub fn append(&mut self, b: &[u8]) {
        self.make_room_for(b.len());
        self.buf.extend_from_slice(b);
    }

    /// Appends the decimal form of `v` (`sdscatfmt "%I"`); formats on the stack.
    pub fn append_int(&mut self, v: i64) {
        let mut tmp = [0u8; LL_STR_MAX];
        let s = ll2string(v, &mut tmp);
        self.append(s);
    }

    /// Appends `b` quoted and escaped the way `sdscatrepr` does (MONITOR,
    /// CLIENT LIST, log lines): `\\ \" \n \r \t \a \b` escaped, other
    /// non-printable bytes as `\xhh` (lower-case hex).
    pub fn append_repr(&mut self, b: &[u8]) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.make_room_for(b.len() + 2);
        self.buf.push(b'"');
        for &c in b {
            match c {
                b'\\' | b'"' => self.append(&[b'\\', c]),
                b'\n' => self.append(b"\\n"),
                b'\r' => self.append(b"\\r"),
                b'\t' => self.append(b"\\t"),
                0x07 => self.append(b"\\a"),
                0x08 => self.append(b"\\b"),
                0x20..=0x7e => self.append(&[c]),
                _ => self.append(&[b'\\', b'x', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]),
            }
        }
        self.append(b"\"");
    }

    /// Keeps only `start..=end` (`sdsrange`): negative indices count from the
    /// end (-1 is the last byte), both are clamped to the string, and the
    /// result is empty when `start > end` or `start` is past the end.
    pub fn range(&mut self, start: isize, end: isize) {
        let len = self.buf.len() as i128;
        if len == 0 {
            return;
        }
        // i128: `end - start + 1` cannot overflow whatever the caller passes.
        let (mut start, mut end) = (start as i128, end as i128);
        if start < 0 {
            start = (len + start).max(0);
        }
        if end < 0 {
            end = (len + end).max(0);
        }
        let newlen = if start > end { 0 } else { end - start + 1 };
        let newlen = newlen.min(usize::MAX as i128) as usize;
        let start = start.min(usize::MAX as i128) as usize;
        self.substr(start, newlen);
    }

    /// Keeps `len` bytes from `start`, clamped to the string (`sdssubstr`).
    pub fn substr(&mut self, start: usize, len: usize) {
        let oldlen = self.buf.len();
        let (start, len) = if start >= oldlen {
            (0, 0)
        } else {
            (start, len.min(oldlen - start))
        };
        if start != 0 && len != 0 {
            self.buf.copy_within(start..start + len, 0);
        }
        self.buf.truncate(len);
    }

    /// Removes from both ends every byte that appears in `chars` (`sdstrim`).
    pub fn trim(&mut self, chars: &[u8]) {
        let b = &self.buf;
        let sp = b.iter().position(|c| !chars.contains(c)).unwrap_or(b.len());
        let ep = b
            .iter()
            .rposition(|c| !chars.contains(c))
            .map_or(sp, |e| e + 1);
        let newlen = ep.saturating_sub(sp);
        if sp != 0 && newlen != 0 {
            self.buf.copy_within(sp..ep, 0);
        }
        self.buf.truncate(newlen);
    }

    /// Drops the first `n` bytes (clamped) and moves the rest to the front,
    /// as `sdsrange(s, n, -1)` does when the query buffer has consumed a
    /// command. Capacity is kept.
    pub fn consume_front(&mut self, n: usize) {
        let n = n.min(self.buf.len());
        self.buf.drain(..n);
    }

    /// Shortens to `n` bytes; no-op when already shorter. Capacity is kept.
    pub fn truncate(&mut self, n: usize) {
        self.buf.truncate(n);
    }

    /// Grows to `newlen` bytes padding with zeros (`sdsgrowzero`, used by
    /// SETRANGE and SETBIT); never shrinks. Greedy growth, like Redis, so a
    /// sequence of SETBITs at increasing offsets reallocates rarely.
    pub fn grow_zero(&mut self, newlen: usize) {
        let len = self.buf.len();
        if newlen <= len {
            return;
        }
        self.make_room_for(newlen - len);
        self.buf.resize(newlen, 0);
    }

    /// Releases the slack left by greedy growth (`sdsRemoveFreeSpace`), e.g.
    /// before a value is stored in the keyspace.
    pub fn remove_free_space(&mut self) {
        self.buf.shrink_to_fit();
    }

    /// Shrinks the allocation to `max(len, n)` bytes (`sdsResize` down).
    pub fn shrink_to(&mut self, n: usize) {
        self.buf.shrink_to(n);
    }

    /// Bytes allocated for the contents, for memory accounting (`sdsAllocSize`
    /// minus the header, which this representation does not have).
    pub fn alloc_size(&self) -> usize {
        self.buf.capacity()
    }
}

impl Deref for Sds {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf
    }
}

impl DerefMut for Sds {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }
}

impl AsRef<[u8]> for Sds {
    fn as_ref(&self) -> &[u8] {
        &self.buf
    }
}

/// Lets `HashMap<Sds, _>` be queried with a `&[u8]` key; sound because the
/// derived `Hash`/`Eq`/`Ord` of `Sds` are those of its byte slice.
impl Borrow<[u8]> for Sds {
    fn borrow(&self) -> &[u8] {
        &self.buf
    }
}

impl BorrowMut<[u8]> for Sds {
    fn borrow_mut(&mut self) -> &mut [u8] {
        &mut self.buf
    }
}

impl From<&[u8]> for Sds {
    fn from(b: &[u8]) -> Sds {
        Sds::from_bytes(b)
    }
}

impl From<Vec<u8>> for Sds {
    fn from(buf: Vec<u8>) -> Sds {
        Sds { buf }
    }
}

impl From<&str> for Sds {
    fn from(s: &str) -> Sds {
        Sds::from_bytes(s.as_bytes())
    }
}

impl From<Sds> for Vec<u8> {
    fn from(s: Sds) -> Vec<u8> {
        s.buf
    }
}

impl fmt::Debug for Sds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.buf.escape_ascii())
    }
}

/// C `isspace` in the "C" locale, which is what `sdssplitargs` uses to skip
/// between arguments and to check what follows a closing quote.
fn is_c_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Splits a line into arguments exactly like Redis `sdssplitargs` (inline
/// protocol, redis.conf lines):
/// - arguments are separated by C whitespace;
/// - `"..."` accepts `\n \r \t \b \a`, `\xHH`, and `\<any>` for that byte;
/// - `'...'` accepts only `\'`;
/// - a closing quote must be followed by whitespace or the end of the line;
/// - an unterminated quote is an error (`None`);
/// - an empty or all-blank line gives `Some(vec![])`.
///
/// The C version stops at a NUL byte (it walks a C string); a NUL is treated
/// the same way here so that both accept and reject the same lines: outside
/// quotes it ends the line, inside quotes it is an unterminated quote.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    // Reading past the end yields NUL, mirroring the C string terminator.
    let at = |i: usize| -> u8 { line.get(i).copied().unwrap_or(0) };
    let mut p = 0usize;
    let mut args = Vec::new();
    loop {
        while at(p) != 0 && is_c_space(at(p)) {
            p += 1;
        }
        if at(p) == 0 {
            return Some(args);
        }
        let (mut in_dq, mut in_sq, mut done) = (false, false, false);
        let mut cur = Vec::new();
        while !done {
            let c = at(p);
            if in_dq {
                let hex = (at(p + 1) == b'x')
                    .then(|| hex_val(at(p + 2)).zip(hex_val(at(p + 3))))
                    .flatten();
                if let (b'\\', Some((hi, lo))) = (c, hex) {
                    cur.push(hi * 16 + lo);
                    p += 3;
                } else if c == b'\\' && at(p + 1) != 0 {
                    p += 1;
                    cur.push(match at(p) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    // "foo"bar is rejected rather than read as foobar.
                    if at(p + 1) != 0 && !is_c_space(at(p + 1)) {
                        return None;
                    }
                    done = true;
                } else if c == 0 {
                    return None;
                } else {
                    cur.push(c);
                }
            } else if in_sq {
                if c == b'\\' && at(p + 1) == b'\'' {
                    p += 1;
                    cur.push(b'\'');
                } else if c == b'\'' {
                    if at(p + 1) != 0 && !is_c_space(at(p + 1)) {
                        return None;
                    }
                    done = true;
                } else if c == 0 {
                    return None;
                } else {
                    cur.push(c);
                }
            } else {
                // Only these four end an unquoted argument (not \v or \f),
                // as in Redis.
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => done = true,
                    b'"' => in_dq = true,
                    b'\'' => in_sq = true,
                    _ => cur.push(c),
                }
            }
            if at(p) != 0 {
                p += 1;
            }
        }
        args.push(cur);
    }
}

/// Two-digit lookup: formatting two digits per division halves the number
/// of (slow) 64-bit divisions, the trick Redis's `ll2string` uses too.
const DIGITS2: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Formats `v` in decimal into `out` and returns the written part (which
/// sits at the end of `out`). Allocation-free.
pub fn ll2string(v: i64, out: &mut [u8; LL_STR_MAX]) -> &[u8] {
    let mut u = v.unsigned_abs();
    let mut i = LL_STR_MAX;
    while u >= 100 {
        let r = (u % 100) as usize * 2;
        u /= 100;
        i -= 2;
        out[i..i + 2].copy_from_slice(&DIGITS2[r..r + 2]);
    }
    if u < 10 {
        i -= 1;
        out[i] = b'0' + u as u8;
    } else {
        let r = u as usize * 2;
        i -= 2;
        out[i..i + 2].copy_from_slice(&DIGITS2[r..r + 2]);
    }
    if v < 0 {
        i -= 1;
        out[i] = b'-';
    }
    &out[i..]
}

/// Parses a decimal i64 with Redis `string2ll`'s strictness, which defines
/// which strings INCR accepts and which values are stored integer-encoded:
/// only the canonical form is accepted (what `ll2string` would print), so
/// no '+', no leading zeros, no "-0", no spaces, at most 20 bytes, and no
/// overflow. Consequently `string2ll(s) == Some(v)` iff `s == ll2string(v)`.
pub fn string2ll(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() >= LONG_STR_SIZE {
        return None;
    }
    if b == b"0" {
        return Some(0);
    }
    let (negative, digits) = match b[0] {
        b'-' => (true, &b[1..]),
        _ => (false, b),
    };
    let (&first, rest) = digits.split_first()?;
    if !(b'1'..=b'9').contains(&first) {
        return None;
    }
    let mut v = u64::from(first - b'0');
    for &c in rest {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    if negative {
        // |i64::MIN| = i64::MAX + 1 is representable as a negative number.
        if v > i64::MAX as u64 + 1 {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

impl Sds {
    /// Reads from `fd` into at most `max` bytes of spare capacity (the caller
    /// made room first) and extends the length by what the kernel wrote.
    pub fn read_from(
        &mut self,
        fd: std::os::fd::BorrowedFd<'_>,
        max: usize,
    ) -> std::io::Result<usize> {
        let spare = self.spare_capacity_mut();
        let lim = max.min(spare.len());
        let n = ferrodis_ffi::net::read_spare(fd, &mut spare[..lim])?;
        // SAFETY: read_spare returns the number of bytes read(2) wrote at the
        // start of the spare slice, so exactly those n bytes are initialised,
        // and n <= lim <= avail.
        unsafe { self.incr_len(n) };
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Option<Vec<Vec<u8>>> {
        split_args(line.as_bytes())
    }

    fn v(items: &[&str]) -> Option<Vec<Vec<u8>>> {
        Some(items.iter().map(|s| s.as_bytes().to_vec()).collect())
    }

    #[test]
    fn basic_accessors() {
        let mut s = Sds::from_bytes(b"hello");
        assert_eq!(s.len(), 5);
        assert!(!s.is_empty());
        assert_eq!(&s[..], b"hello");
        assert_eq!(s.as_bytes(), b"hello");
        s.as_mut_bytes()[0] = b'j';
        assert_eq!(&*s, b"jello");
        let cap = s.capacity();
        s.clear();
        assert!(s.is_empty());
        assert_eq!(s.capacity(), cap);
        assert_eq!(Sds::from(vec![1u8, 2]).into_vec(), vec![1, 2]);
        assert_eq!(Sds::from(&b"x"[..]).as_bytes(), b"x");
        assert_eq!(Sds::new().len(), 0);
        assert!(Sds::with_capacity(10).capacity() >= 10);
        assert_eq!(format!("{:?}", Sds::from("a\"\n")), "\"a\\\"\\n\"");
        let mut m = std::collections::HashMap::new();
        m.insert(Sds::from("k"), 1);
        assert_eq!(m.get(&b"k"[..]), Some(&1));
    }

    #[test]
    fn greedy_growth() {
        let mut s = Sds::new();
        s.make_room_for(10);
        assert!(s.capacity() >= 20, "doubles below 1 MiB");
        s.append(b"0123456789");
        let cap = s.capacity();
        s.make_room_for(s.avail());
        assert_eq!(s.capacity(), cap, "no realloc when avail suffices");

        let mut big = Sds::from_bytes(&vec![7u8; SDS_MAX_PREALLOC]);
        big.make_room_for(1);
        assert!(big.capacity() > 2 * SDS_MAX_PREALLOC);
        assert!(big.capacity() < 3 * SDS_MAX_PREALLOC, "+1 MiB, not doubled");

        let mut ng = Sds::from_bytes(b"abc");
        ng.make_room_for_non_greedy(100);
        assert!(ng.avail() >= 100);
        assert!(ng.capacity() < 200);
        ng.remove_free_space();
        assert_eq!(ng.alloc_size(), ng.capacity());
    }

    #[test]
    fn spare_capacity_and_incr_len() {
        let mut s = Sds::from_bytes(b"ab");
        s.make_room_for(3);
        let spare = s.spare_capacity_mut();
        for (i, slot) in spare[..3].iter_mut().enumerate() {
            slot.write(b'x' + i as u8);
        }
        // SAFETY: the three spare bytes were written just above, and
        // make_room_for(3) guaranteed avail >= 3.
        unsafe { s.incr_len(3) };
        assert_eq!(&*s, b"abxyz");
    }

    #[test]
    fn append_and_int() {
        let mut s = Sds::new();
        s.append(b"n=");
        s.append_int(-42);
        s.append(b",");
        s.append_int(i64::MIN);
        s.append(b",");
        s.append_int(i64::MAX);
        assert_eq!(&*s, b"n=-42,-9223372036854775808,9223372036854775807");
    }

    #[test]
    fn repr() {
        let mut s = Sds::new();
        s.append_repr(b"a\\\"\n\r\t\x07\x08\x00\xff~ ");
        assert_eq!(&*s, b"\"a\\\\\\\"\\n\\r\\t\\a\\b\\x00\\xff~ \"");
    }

    #[test]
    fn range_semantics() {
        let r = |st: isize, en: isize| {
            let mut s = Sds::from_bytes(b"Hello World");
            s.range(st, en);
            s.into_vec()
        };
        assert_eq!(r(1, -1), b"ello World");
        assert_eq!(r(-1, -1), b"d");
        assert_eq!(r(-100, 2), b"Hel");
        assert_eq!(r(2, 1), b"");
        assert_eq!(r(1, 1), b"e");
        assert_eq!(r(1, 100), b"ello World");
        assert_eq!(r(100, 200), b"");
        assert_eq!(r(0, 0), b"H");
        assert_eq!(r(-5, -7), b"");
        assert_eq!(r(0, isize::MAX), b"Hello World");
        assert_eq!(r(isize::MIN, isize::MIN), b"H");
        let mut e = Sds::new();
        e.range(0, -1);
        assert!(e.is_empty());
        let mut s = Sds::from_bytes(b"abcdef");
        s.substr(2, 2);
        assert_eq!(&*s, b"cd");
    }

    #[test]
    fn trim_both_ends() {
        let t = |s: &[u8], c: &[u8]| {
            let mut x = Sds::from_bytes(s);
            x.trim(c);
            x.into_vec()
        };
        assert_eq!(
            t(b"AA...AA.a.aa.aHelloWorld     :::", b"Aa. :"),
            b"HelloWorld"
        );
        assert_eq!(t(b"xxciaoyyy", b"xy"), b"ciao");
        assert_eq!(t(b"xxxx", b"x"), b"");
        assert_eq!(t(b"", b"x"), b"");
        assert_eq!(t(b"abc", b""), b"abc");
        assert_eq!(t(b" a ", b" "), b"a");
    }

    #[test]
    fn consume_truncate_growzero() {
        let mut s = Sds::from_bytes(b"*1\r\n$4\r\nPING\r\n");
        s.consume_front(4);
        assert_eq!(&*s, b"$4\r\nPING\r\n");
        s.consume_front(1000);
        assert!(s.is_empty());
        let mut s = Sds::from_bytes(b"abc");
        s.truncate(10);
        assert_eq!(&*s, b"abc");
        s.truncate(1);
        assert_eq!(&*s, b"a");
        s.grow_zero(4);
        assert_eq!(&*s, b"a\0\0\0");
        s.grow_zero(2);
        assert_eq!(s.len(), 4);
    }

    #[test]
    fn split_args_basic() {
        assert_eq!(args(""), v(&[]));
        assert_eq!(args("   \t "), v(&[]));
        assert_eq!(args("set foo bar"), v(&["set", "foo", "bar"]));
        assert_eq!(args("  set\tfoo  bar \r\n"), v(&["set", "foo", "bar"]));
        assert_eq!(args("\"\""), v(&[""]));
        assert_eq!(args("''"), v(&[""]));
        assert_eq!(args("a \"\" b"), v(&["a", "", "b"]));
        assert_eq!(args("\"foo bar\" 'x y'"), v(&["foo bar", "x y"]));
        // Quotes in the middle of an unquoted word open a quoted section.
        assert_eq!(args("ab\"c d\""), v(&["abc d"]));
        // \v and \f separate only where isspace is used (leading blanks).
        assert_eq!(args("\x0ba\x0bb"), v(&["a\x0bb"]));
    }

    #[test]
    fn split_args_escapes() {
        assert_eq!(args("\"\\x41\""), v(&["A"]));
        assert_eq!(args("\"\\x4g\""), v(&["x4g"]));
        assert_eq!(args("\"\\xff\"").unwrap()[0], vec![0xffu8]);
        assert_eq!(
            args("\"\\n\\r\\t\\b\\a\\\\\\\"\\q\""),
            v(&["\n\r\t\x08\x07\\\"q"])
        );
        assert_eq!(args("'a\\'b'"), v(&["a'b"]));
        assert_eq!(args("'a\\nb'"), v(&["a\\nb"]));
        assert_eq!(args("'a\"b'"), v(&["a\"b"]));
    }

    #[test]
    fn split_args_errors() {
        assert_eq!(args("\"foo\"bar"), None);
        assert_eq!(args("'a'b"), None);
        assert_eq!(args("\"unterminated"), None);
        assert_eq!(args("'unterminated"), None);
        assert_eq!(args("\"ends with backslash\\"), None);
        assert_eq!(
            args("\"foo\"\x0bbar"),
            v(&["foo", "bar"]),
            "isspace after quote"
        );
        // A NUL ends the line, as in the C version.
        assert_eq!(split_args(b"a b\0c d"), v(&["a", "b"]));
        assert_eq!(split_args(b"\"a\0\""), None);
    }

    #[test]
    fn ll2string_values() {
        let mut buf = [0u8; LL_STR_MAX];
        for &n in &[
            0i64,
            1,
            -1,
            9,
            10,
            99,
            100,
            101,
            -100,
            12345,
            i64::MAX,
            i64::MIN,
            i64::MIN + 1,
        ] {
            assert_eq!(ll2string(n, &mut buf), n.to_string().as_bytes());
        }
        let mut x = 1i64;
        while let Some(y) = x.checked_mul(7) {
            assert_eq!(ll2string(y, &mut buf), y.to_string().as_bytes());
            assert_eq!(ll2string(-y, &mut buf), (-y).to_string().as_bytes());
            x = y;
        }
    }

    #[test]
    fn string2ll_strictness() {
        let p = |s: &str| string2ll(s.as_bytes());
        assert_eq!(p("0"), Some(0));
        assert_eq!(p("1"), Some(1));
        assert_eq!(p("-1"), Some(-1));
        assert_eq!(p("9223372036854775807"), Some(i64::MAX));
        assert_eq!(p("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(p("9223372036854775808"), None);
        assert_eq!(p("-9223372036854775809"), None);
        assert_eq!(p("18446744073709551616"), None, "u64 overflow");
        assert_eq!(p("99999999999999999999"), None);
        assert_eq!(p("-0"), None);
        assert_eq!(p("+1"), None);
        assert_eq!(p("01"), None);
        assert_eq!(p("00"), None);
        assert_eq!(p("-01"), None);
        assert_eq!(p(" 1"), None);
        assert_eq!(p("1 "), None);
        assert_eq!(p(""), None);
        assert_eq!(p("-"), None);
        assert_eq!(p("1a"), None);
        assert_eq!(p("1.0"), None);
        assert_eq!(p("000000000000000000001"), None, "21 bytes");
        let mut buf = [0u8; LL_STR_MAX];
        let mut r = 0x1234_5678_9abc_def0u64;
        for _ in 0..10_000 {
            r ^= r << 13;
            r ^= r >> 7;
            r ^= r << 17;
            let n = (r as i64) >> (r % 64);
            assert_eq!(string2ll(ll2string(n, &mut buf)), Some(n));
        }
    }
}
