//! Keyspace access for commands (db.c): lookups with lazy expiry and
//! hit/miss accounting, add/overwrite/delete, expire times, and the
//! modified-key signal that WATCH and blocking operations hang off.

use super::{Entry, Value};
use crate::server::Server;

/// What a lookup is for: reads count hits and misses and refresh the access
/// clock; writes do neither (lookupKeyRead vs lookupKeyWrite).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    /// Like Read without touching stats or the clock (OBJECT, TYPE... with
    /// LOOKUP_NOTOUCH semantics where Redis uses them).
    NoTouch,
}

impl Server {
    /// expireIfNeeded: deletes the key if its time has passed. Returns true
    /// when the key is (now) gone because it expired.
    #[inline]
    pub fn expire_if_needed(&mut self, dbid: usize, key: &[u8]) -> bool {
        let db = &self.dbs[dbid];
        if db.expires.is_empty() {
            return false;
        }
        match db.expires.get(key) {
            Some(&t) if t <= self.now_ms => {
                self.delete_expired(dbid, key);
                true
            }
            _ => false,
        }
    }

    /// Deletes a key found expired (lazily or by the active cycle).
    pub fn delete_expired(&mut self, dbid: usize, key: &[u8]) {
        self.stats.expired_keys += 1;
        let lazy = self.cfg.lazyfree_lazy_expire;
        self.db_delete_with(dbid, key, lazy);
        self.signal_modified_key(dbid, key);
    }

    /// lookupKey: the entry for `key`, after lazy expiry.
    #[inline]
    pub fn lookup(&mut self, dbid: usize, key: &[u8], access: Access) -> Option<&mut Entry> {
        if self.expire_if_needed(dbid, key) {
            if access == Access::Read {
                self.stats.keyspace_misses += 1;
            }
            return None;
        }
        let lru = self.lruclock;
        // One probe: stats and dbs are disjoint fields.
        let stats = &mut self.stats;
        match self.dbs[dbid].dict.get_mut(key) {
            Some(e) => {
                if access == Access::Read {
                    stats.keyspace_hits += 1;
                }
                if access != Access::NoTouch {
                    e.lru = lru;
                }
                Some(e)
            }
            None => {
                if access == Access::Read {
                    stats.keyspace_misses += 1;
                }
                None
            }
        }
    }

    #[inline]
    pub fn lookup_read(&mut self, dbid: usize, key: &[u8]) -> Option<&mut Value> {
        self.lookup(dbid, key, Access::Read).map(|e| &mut e.val)
    }

    #[inline]
    pub fn lookup_write(&mut self, dbid: usize, key: &[u8]) -> Option<&mut Value> {
        self.lookup(dbid, key, Access::Write).map(|e| &mut e.val)
    }

    /// Does the key exist (after lazy expiry), without touching stats.
    pub fn exists(&mut self, dbid: usize, key: &[u8]) -> bool {
        !self.expire_if_needed(dbid, key) && self.dbs[dbid].dict.contains_key(key)
    }

    /// dbAdd: the key must not exist.
    pub fn db_add(&mut self, dbid: usize, key: &[u8], val: Value) {
        let lru = self.lruclock;
        self.dbs[dbid]
            .dict
            .insert_new(key.into(), Entry { val, lru });
        self.signal_modified_key(dbid, key);
    }

    /// setKey: add or overwrite, dropping any TTL unless `keep_ttl`. The old
    /// value is freed per `lazyfree-lazy-server-del`.
    pub fn set_key(&mut self, dbid: usize, key: &[u8], val: Value, keep_ttl: bool) {
        let lru = self.lruclock;
        let db = &mut self.dbs[dbid];
        let (slot, inserted) = db.dict.get_or_insert_with(key, || {
            (
                key.into(),
                Entry {
                    val: Value::Str(super::Str::Int(0)),
                    lru,
                },
            )
        });
        let old = std::mem::replace(&mut slot.val, val);
        slot.lru = lru;
        if !inserted {
            if !keep_ttl && !db.expires.is_empty() {
                db.expires.remove(key);
            }
            let lazy = self.cfg.lazyfree_lazy_server_del;
            crate::bio::lazyfree::free_value(self, old, lazy);
        }
        self.signal_modified_key(dbid, key);
    }

    /// dbDelete honouring `lazyfree-lazy-server-del` (implicit deletes).
    pub fn db_delete(&mut self, dbid: usize, key: &[u8]) -> bool {
        let lazy = self.cfg.lazyfree_lazy_server_del;
        self.db_delete_with(dbid, key, lazy)
    }

    /// Removes a key and its TTL; frees the value inline or in the
    /// background per `lazy` and its free effort. No modified-key signal:
    /// callers signal (they know whether it was a user delete).
    pub fn db_delete_with(&mut self, dbid: usize, key: &[u8], lazy: bool) -> bool {
        let db = &mut self.dbs[dbid];
        let Some((_, entry)) = db.dict.remove(key) else {
            return false;
        };
        if !db.expires.is_empty() {
            db.expires.remove(key);
        }
        crate::bio::lazyfree::free_value(self, entry.val, lazy);
        true
    }

    /// Removes an entry and returns its value (RENAME, MOVE, GETDEL...).
    pub fn db_take(&mut self, dbid: usize, key: &[u8]) -> Option<(Value, Option<i64>)> {
        let db = &mut self.dbs[dbid];
        let (_, entry) = db.dict.remove(key)?;
        let ttl = if db.expires.is_empty() {
            None
        } else {
            db.expires.remove(key).map(|(_, t)| t)
        };
        Some((entry.val, ttl))
    }

    pub fn set_expire(&mut self, dbid: usize, key: &[u8], when_ms: i64) {
        let db = &mut self.dbs[dbid];
        debug_assert!(db.dict.contains_key(key), "setExpire on a missing key");
        db.expires.insert(key.into(), when_ms);
    }

    pub fn remove_expire(&mut self, dbid: usize, key: &[u8]) -> bool {
        self.dbs[dbid].expires.remove(key).is_some()
    }

    pub fn get_expire(&self, dbid: usize, key: &[u8]) -> Option<i64> {
        self.dbs[dbid].expire_of(key)
    }

    /// signalModifiedKey: invalidates WATCHes and wakes clients blocked on
    /// the key. Both are no-ops when nobody watches or blocks.
    #[inline]
    pub fn signal_modified_key(&mut self, dbid: usize, key: &[u8]) {
        if !self.watched_keys.is_empty() {
            crate::cmd::multi::touch_watched_key(self, dbid, key);
        }
        if self.blocked.has_waiters() {
            crate::blocked::signal_key_as_ready(self, dbid, key);
        }
    }

    /// signalFlushedDb: `dbid` (every db when None) is about to be
    /// emptied; watchers of keys it holds are dirtied.
    pub fn signal_flushed_db(&mut self, dbid: Option<usize>) {
        if self.watched_keys.is_empty() {
            return;
        }
        let dbs = match dbid {
            Some(d) => d..d + 1,
            None => 0..self.dbs.len(),
        };
        for d in dbs {
            crate::cmd::multi::touch_all_watched_keys_in_db(self, d, None);
        }
    }
}
