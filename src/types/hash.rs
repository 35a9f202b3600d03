//! Hashes: a listpack of field, value pairs while small
//! (hash-max-listpack-entries / -value), then a hash table.

use crate::ds::dict::Dict;
use crate::ds::listpack::Listpack;

pub enum Hash {
    Listpack(Listpack),
    Table(Dict<Box<[u8]>, Box<[u8]>>),
}

impl Hash {
    pub fn len(&self) -> usize {
        match self {
            Hash::Listpack(lp) => lp.len() / 2,
            Hash::Table(d) => d.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn encoding(&self) -> &'static str {
        match self {
            Hash::Listpack(_) => "listpack",
            Hash::Table(_) => "hashtable",
        }
    }
    /// One per entry for a table; 1 for the compact encoding.
    pub fn free_effort(&self) -> usize {
        match self {
            Hash::Listpack(_) => 1,
            Hash::Table(d) => d.len(),
        }
    }
    pub fn mem_usage(&self) -> usize {
        match self {
            Hash::Listpack(lp) => lp.alloc_size(),
            Hash::Table(d) => {
                d.mem_overhead() + d.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
            }
        }
    }
}
