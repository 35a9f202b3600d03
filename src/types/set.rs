//! Sets: an intset while all members are integers (set-max-intset-entries),
//! a listpack while small (set-max-listpack-entries / -value), then a hash
//! table.

use crate::ds::dict::Dict;
use crate::ds::intset::IntSet;
use crate::ds::listpack::Listpack;

pub enum Set {
    Intset(IntSet),
    Listpack(Listpack),
    Table(Dict<Box<[u8]>, ()>),
}

impl Set {
    pub fn len(&self) -> usize {
        match self {
            Set::Intset(s) => s.len(),
            Set::Listpack(lp) => lp.len(),
            Set::Table(d) => d.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn encoding(&self) -> &'static str {
        match self {
            Set::Intset(_) => "intset",
            Set::Listpack(_) => "listpack",
            Set::Table(_) => "hashtable",
        }
    }
    pub fn free_effort(&self) -> usize {
        match self {
            Set::Table(d) => d.len(),
            _ => 1,
        }
    }
    pub fn mem_usage(&self) -> usize {
        match self {
            Set::Intset(s) => s.blob_len(),
            Set::Listpack(lp) => lp.alloc_size(),
            Set::Table(d) => d.mem_overhead() + d.iter().map(|(k, _)| k.len()).sum::<usize>(),
        }
    }
}
