//! Data structures (Redis's sds.c, dict.c, listpack.c, intset.c,
//! quicklist.c and the zskiplist of t_zset.c), each with its unit tests,
//! plus a Valkey-8-style bucketed `hashtable` (elements inline in 7-slot
//! buckets; the large encoding of sets and hashes) and `smallbytes` (set
//! members of up to 22 bytes stored inside the table slot).
//! `sds` is the one module here allowed `unsafe` (reading into spare
//! capacity); the rest is safe Rust.

pub mod dict;
pub mod hash;
pub mod hashtable;
pub mod intset;
pub mod listpack;
pub mod lzf;
pub mod quicklist;
pub mod quicklist_node;
pub mod sds;
pub mod skiplist;
pub mod smallbytes;
