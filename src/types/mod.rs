//! The aggregate value types (t_list.c, t_hash.c, t_set.c, t_zset.c data
//! side): each with its compact and its large encoding. Commands live in
//! `cmd/`; these files own the representations, conversions and the
//! per-value numbers (encoding name, free effort, memory).

pub mod hash;
pub mod list;
pub mod set;
pub mod zset;
