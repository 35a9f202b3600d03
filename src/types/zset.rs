//! Sorted sets: a listpack of member, score pairs ordered by score while
//! small (zset-max-listpack-entries / -value), then a skiplist + dict.

use crate::ds::dict::Dict;
use crate::ds::listpack::Listpack;
use crate::ds::skiplist::SkipList;

pub enum ZSet {
    Listpack(Listpack),
    Skiplist {
        dict: Dict<Box<[u8]>, f64>,
        zsl: SkipList,
    },
}

impl ZSet {
    pub fn len(&self) -> usize {
        match self {
            ZSet::Listpack(lp) => lp.len() / 2,
            ZSet::Skiplist { zsl, .. } => zsl.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn encoding(&self) -> &'static str {
        match self {
            ZSet::Listpack(_) => "listpack",
            ZSet::Skiplist { .. } => "skiplist",
        }
    }
    /// The skiplist's length (each node one allocation), 1 when compact.
    pub fn free_effort(&self) -> usize {
        match self {
            ZSet::Listpack(_) => 1,
            ZSet::Skiplist { zsl, .. } => zsl.len(),
        }
    }
    pub fn mem_usage(&self) -> usize {
        match self {
            ZSet::Listpack(lp) => lp.alloc_size(),
            ZSet::Skiplist { dict, zsl } => dict.mem_overhead() + zsl.mem_usage(),
        }
    }
}
