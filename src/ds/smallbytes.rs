//! `SmallBytes`: an owned byte string that keeps up to 22 bytes inline and
//! boxes anything longer -- the element type of a large set's `HashTable`.
//!
//! Why: a `Box<[u8]>` element costs its 16-byte slot plus a separate heap
//! allocation (at least 16 bytes, plus allocator bookkeeping). Most set
//! members are short (ids, small numbers, short names), so storing them in
//! the slot itself removes the per-member allocation entirely; Redis gets a
//! similar effect by embedding short sds strings in the dict entry (Valkey
//! 8 embeds the key in the hashtable entry). The price is a 24-byte slot
//! instead of 16 for long members.
//!
//! Layout: 24 bytes (asserted below). The inline variant is a length byte
//! plus 22 bytes; the enum discriminant takes the remaining byte. The
//! discriminant has unused values, so `Option<SmallBytes>` (a hashtable
//! slot) is 24 bytes too. All safe Rust; no thin-pointer or small-string
//! tricks that would need `unsafe`.
//!
//! Ownership/threads: a plain owned value; dropping it frees the heap
//! variant's box (on whichever thread drops it, e.g. the lazy-free thread).
//!
//! Not done: a 23-byte inline capacity (would need the length byte to
//! double as the discriminant, i.e. a restricted-range length type).

use std::fmt;
use std::ops::Deref;

use super::hashtable::HtEntry;

/// Longest member stored inline.
pub const INLINE_MAX: usize = 22;

#[derive(Clone)]
pub enum SmallBytes {
    Inline { len: u8, buf: [u8; INLINE_MAX] },
    Heap(Box<[u8]>),
}

const _: () = assert!(std::mem::size_of::<SmallBytes>() == 24);
const _: () = assert!(std::mem::size_of::<Option<SmallBytes>>() == 24);

impl SmallBytes {
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            SmallBytes::Inline { len, buf } => &buf[..*len as usize],
            SmallBytes::Heap(b) => b,
        }
    }

    /// Bytes this value owns outside itself (for MEMORY USAGE): zero for an
    /// inline member.
    #[inline]
    pub fn heap_size(&self) -> usize {
        match self {
            SmallBytes::Inline { .. } => 0,
            SmallBytes::Heap(b) => b.len(),
        }
    }

    #[inline]
    pub fn is_inline(&self) -> bool {
        matches!(self, SmallBytes::Inline { .. })
    }
}

impl From<&[u8]> for SmallBytes {
    #[inline]
    fn from(s: &[u8]) -> Self {
        if s.len() <= INLINE_MAX {
            let mut buf = [0u8; INLINE_MAX];
            buf[..s.len()].copy_from_slice(s);
            SmallBytes::Inline {
                len: s.len() as u8,
                buf,
            }
        } else {
            SmallBytes::Heap(s.into())
        }
    }
}

impl Deref for SmallBytes {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq for SmallBytes {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for SmallBytes {}

impl fmt::Debug for SmallBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self.as_bytes()))
    }
}

impl HtEntry for SmallBytes {
    #[inline]
    fn key(&self) -> &[u8] {
        self.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ds::hashtable::HashTable;

    #[test]
    fn inline_up_to_22_then_heap() {
        for n in [0usize, 1, 16, 21, 22, 23, 64, 1000] {
            let v: Vec<u8> = (0..n).map(|i| (i * 7 + 1) as u8).collect();
            let s = SmallBytes::from(&v[..]);
            assert_eq!(s.as_bytes(), &v[..], "len {n}");
            assert_eq!(&*s, &v[..]);
            assert_eq!(s.is_inline(), n <= INLINE_MAX, "len {n}");
            assert_eq!(s.heap_size(), if n <= INLINE_MAX { 0 } else { n });
            assert_eq!(s.clone(), s);
        }
        // Equality is on content, not on padding or variant.
        assert_ne!(SmallBytes::from(&b"ab"[..]), SmallBytes::from(&b"a"[..]));
        assert_ne!(SmallBytes::from(&b""[..]), SmallBytes::from(&[0u8][..]));
    }

    #[test]
    fn as_hashtable_element() {
        let mut t: HashTable<SmallBytes> = HashTable::new();
        let long = [b'x'; 40];
        let keys: Vec<Vec<u8>> = (0..2000u32)
            .map(|i| {
                let mut k = i.to_string().into_bytes();
                if i % 3 == 0 {
                    k.extend_from_slice(&long);
                }
                k
            })
            .collect();
        for k in &keys {
            assert!(t.insert(k[..].into()).is_none());
        }
        assert!(t.insert(keys[5][..].into()).is_some());
        assert_eq!(t.len(), keys.len());
        for k in &keys {
            assert_eq!(t.get(k).map(|e| e.as_bytes()), Some(&k[..]));
        }
        assert!(!t.contains(b"nope"));
        for k in keys.iter().step_by(2) {
            assert_eq!(t.remove(k).as_deref(), Some(&k[..]));
        }
        assert_eq!(t.len(), keys.len() / 2);
        assert_eq!(t.iter().count(), keys.len() / 2);
    }
}
