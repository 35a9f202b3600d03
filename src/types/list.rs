//! Lists: a quicklist of listpack nodes (Redis 7.0: OBJECT ENCODING is
//! always "quicklist").

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
}
