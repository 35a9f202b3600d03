//! Data structures (Redis's sds.c, dict.c, listpack.c, intset.c,
//! quicklist.c and the zskiplist of t_zset.c), each with its unit tests.
//! `sds` is the one module here allowed `unsafe` (reading into spare
//! capacity); the rest is safe Rust.

pub mod dict;
pub mod hash;
pub mod hashtable;
pub mod intset;
pub mod listpack;
pub mod quicklist;
pub mod sds;
pub mod skiplist;
pub mod smallbytes;
