//! Lists: a quicklist of listpack nodes (Redis 7.0: OBJECT ENCODING is
//! always "quicklist").
//!
//! Node size and compression depth come from `list-max-listpack-size` and
//! `list-compress-depth` when the list is created (Redis reads them at
//! creation too; a CONFIG SET later affects new lists only).

use crate::config::Config;
use crate::ds::quicklist::QuickList;

pub struct List {
    pub ql: QuickList,
}

impl List {
    pub fn new(fill: i32, compress: u32) -> List {
        List {
            ql: QuickList::new(fill, compress),
        }
    }
    /// createQuicklistObject with the server's list options.
    pub fn from_config(cfg: &Config) -> List {
        List::new(cfg.list_max_listpack_size, cfg.list_compress_depth)
    }
    pub fn len(&self) -> usize {
        self.ql.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ql.is_empty()
    }
    pub fn encoding(&self) -> &'static str {
        "quicklist"
    }
    /// lazyfreeGetFreeEffort: one allocation per quicklist node.
    pub fn free_effort(&self) -> usize {
        self.ql.node_count()
    }
    pub fn mem_usage(&self) -> usize {
        self.ql.mem_usage()
    }
    /// Pushes at the head (`left`) or the tail.
    pub fn push(&mut self, ele: &[u8], left: bool) {
        if left {
            self.ql.push_front(ele)
        } else {
            self.ql.push_back(ele)
        }
    }
    /// Pops from the head (`left`) or the tail.
    pub fn pop(&mut self, left: bool) -> Option<Vec<u8>> {
        if left {
            self.ql.pop_front()
        } else {
            self.ql.pop_back()
        }
    }
}
