//! DEBUG DIGEST and DEBUG DIGEST-VALUE (debug.c: computeDatasetDigest,
//! xorObjectDigest): a SHA-1 based fingerprint of the data set that equals
//! redis-server 7.0's for the same data, so two servers can be compared.
//!
//! Two combining steps, as Redis defines them:
//! - `xor`: digest ^= SHA1(bytes). Order-independent; used where Redis's
//!   iteration order is unspecified (set members, hash and zset entries,
//!   keys of a db).
//! - `mix`: xor, then digest = SHA1(digest). Order-dependent; used for
//!   sequences (a list's elements, a key then its value).
//!
//! Per key: mix(name), mix(type as a big-endian u32), the value's walk, and
//! xor("!!expire!!") when the key has a TTL (the time itself is not mixed
//! in, so a digest survives DEBUG RELOAD). Per non-empty db: mix(db id as a
//! big-endian u32) into the result, then xor each key's digest. An empty
//! data set digests to twenty zero bytes.
//!
//! The digest does not depend on encodings: integers are hashed as their
//! decimal text, zset scores as `%.17g` text (Redis 7.0's snprintf; 7.2
//! moved to fpconv's shortest form). Logically expired keys that are still
//! stored are included, as in Redis (debug commands do not expire keys).
//!
//! Threads: main thread only, like every command; it walks the whole
//! keyspace synchronously (Redis does too).

use super::{Db, Value};
use crate::ds::sds::LL_STR_MAX;
use crate::util::sha1::sha1;

pub type Digest = [u8; 20];

// Redis's type codes (server.h OBJ_STRING ...), hashed into each key.
const OBJ_STRING: u32 = 0;
const OBJ_LIST: u32 = 1;
const OBJ_SET: u32 = 2;
const OBJ_ZSET: u32 = 3;
const OBJ_HASH: u32 = 4;

fn xor(digest: &mut Digest, data: &[u8]) {
    for (d, h) in digest.iter_mut().zip(sha1(data)) {
        *d ^= h;
    }
}

fn mix(digest: &mut Digest, data: &[u8]) {
    xor(digest, data);
    *digest = sha1(digest);
}

/// The digest of every db's keys and values.
pub fn dataset(dbs: &[Db]) -> Digest {
    let mut out = [0u8; 20];
    for db in dbs.iter().filter(|db| !db.is_empty()) {
        mix(&mut out, &(db.id as u32).to_be_bytes());
        for (key, entry) in db.dict.iter() {
            let mut d = [0u8; 20];
            mix(&mut d, key);
            value_into(&mut d, &entry.val, db.expire_of(key).is_some());
            xor(&mut out, &d);
        }
    }
    out
}

/// DEBUG DIGEST-VALUE's digest of one key: its value and TTL flag, not its
/// name. A missing key digests to zeros.
pub fn key(db: &Db, key: &[u8]) -> Digest {
    let mut d = [0u8; 20];
    if let Some(e) = db.dict.get(key) {
        value_into(&mut d, &e.val, db.expire_of(key).is_some());
    }
    d
}

/// xorObjectDigest: the value's type and elements, then its TTL flag.
fn value_into(d: &mut Digest, val: &Value, has_expire: bool) {
    let mut num = [0u8; LL_STR_MAX];
    match val {
        Value::Str(s) => {
            mix(d, &OBJ_STRING.to_be_bytes());
            let mut tmp = itoa::Buffer::new();
            mix(d, s.bytes(&mut tmp));
        }
        Value::List(l) => {
            mix(d, &OBJ_LIST.to_be_bytes());
            for v in l.ql.iter() {
                mix(d, v.get().to_bytes(&mut num));
            }
        }
        Value::Set(s) => {
            mix(d, &OBJ_SET.to_be_bytes());
            s.for_each(|m| xor(d, m));
        }
        Value::ZSet(z) => {
            mix(d, &OBJ_ZSET.to_be_bytes());
            let mut score = Vec::with_capacity(32);
            for (member, s) in z.to_vec() {
                let mut ele = [0u8; 20];
                mix(&mut ele, &member);
                score.clear();
                crate::ds::skiplist::format_score(s, &mut score);
                mix(&mut ele, &score);
                xor(d, &ele);
            }
        }
        Value::Hash(h) => {
            mix(d, &OBJ_HASH.to_be_bytes());
            h.for_each(|f, v| {
                let mut ele = [0u8; 20];
                mix(&mut ele, f);
                mix(&mut ele, v);
                xor(d, &ele);
            });
        }
    }
    if has_expire {
        xor(d, b"!!expire!!");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_dataset_is_all_zero() {
        let dbs: Vec<Db> = (0..16).map(Db::new).collect();
        assert_eq!(dataset(&dbs), [0u8; 20]);
    }
}
