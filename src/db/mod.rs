//! The keyspace (db.c + expire.c): 16 databases of key → value, each with an
//! expires table, lazy expiry on access and the active expire cycle.
//!
//! Threads: main thread only. No locks: commands run one at a time, and the
//! only things other threads ever see of the keyspace are whole values or
//! whole tables *moved* to the lazy-free worker (ownership transfer, see
//! `bio`).
//!
//! Tables are our own [`Dict`] (incremental rehashing, SCAN cursor that
//! survives resizes). Keys are `Box<[u8]>` (16 bytes, no spare capacity).
//! The expires table duplicates the key bytes rather than sharing them:
//! simpler ownership for 16-ish bytes per volatile key.

pub mod clone;
pub mod digest;
pub mod expire;
pub mod keyspace;
pub mod object;

use crate::ds::dict::Dict;
pub use keyspace::Access;
pub use object::{Entry, Str, Value};

pub type Key = Box<[u8]>;

pub struct Db {
    pub id: usize,
    pub dict: Dict<Key, Entry>,
    pub expires: Dict<Key, i64>,
    /// Resume point of the active expire cycle's scan over `expires`.
    pub expires_cursor: u64,
    pub avg_ttl: i64,
}

impl Db {
    pub fn new(id: usize) -> Db {
        Db {
            id,
            dict: Dict::new(),
            expires: Dict::new(),
            expires_cursor: 0,
            avg_ttl: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.dict.len()
    }

    pub fn is_empty(&self) -> bool {
        self.dict.is_empty()
    }

    /// The key's absolute expire time in unix ms, if it has one.
    #[inline]
    pub fn expire_of(&self, key: &[u8]) -> Option<i64> {
        if self.expires.is_empty() {
            return None;
        }
        self.expires.get(key).copied()
    }

    #[inline]
    pub fn is_expired(&self, key: &[u8], now_ms: i64) -> bool {
        matches!(self.expire_of(key), Some(t) if t <= now_ms)
    }
}
