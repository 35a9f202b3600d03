//! A quicklist node that may be stored LZF-compressed
//! (`list-compress-depth`, Redis `quicklistNode` with `encoding == LZF`),
//! and `QlValue`, an element read from a quicklist.
//!
//! Design
//! - `Node` is a listpack, raw or compressed. It keeps the entry count and
//!   raw byte size while compressed (Redis's `count`/`sz`), so the size
//!   policy and index walks never need to decompress.
//! - It derefs to the raw `Listpack`; deref of a compressed node panics:
//!   the quicklist must `decompress` a node before using it (Redis's
//!   `quicklistDecompressNodeForUse`) and settle the depth window after.
//!   `len`/`bytes_len`/`is_empty` are inherent, so they work in both states.
//! - Compression follows `__quicklistCompressNode`: nodes under 48 bytes are
//!   left raw; a result that does not save more than 8 bytes is dropped and
//!   the node is marked so the attempt is not repeated until it changes
//!   (any mutable access clears the mark).
//! - Single-threaded; owned by its quicklist.

use std::ops::{Deref, DerefMut};
use std::rc::Rc;

use super::listpack::{Listpack, LpValue};
use super::lzf;

/// Redis `MIN_COMPRESS_BYTES`.
pub const MIN_COMPRESS_BYTES: usize = 48;
/// Redis `MIN_COMPRESS_IMPROVE`.
pub const MIN_COMPRESS_IMPROVE: usize = 8;
/// Header of Redis's `quicklistLZF` (its `sz` field), for memory figures.
const LZF_HEADER: usize = std::mem::size_of::<usize>();

#[derive(Clone, Debug)]
enum Repr {
    Raw(Listpack),
    Lzf {
        data: Box<[u8]>,
        count: usize,
        sz: usize,
    },
}

#[derive(Clone, Debug)]
pub struct Node {
    repr: Repr,
    /// Raw, and compression was tried and did not pay off.
    incompressible: bool,
}

impl Node {
    pub fn raw(lp: Listpack) -> Node {
        Node {
            repr: Repr::Raw(lp),
            incompressible: false,
        }
    }

    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Raw(lp) => lp.len(),
            Repr::Lzf { count, .. } => *count,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The uncompressed listpack size (Redis `node->sz`).
    pub fn bytes_len(&self) -> usize {
        match &self.repr {
            Repr::Raw(lp) => lp.bytes_len(),
            Repr::Lzf { sz, .. } => *sz,
        }
    }

    /// Bytes the node's data occupies as stored (compressed size if so).
    pub fn stored_bytes(&self) -> usize {
        match &self.repr {
            Repr::Raw(lp) => lp.bytes_len(),
            Repr::Lzf { data, .. } => data.len() + LZF_HEADER,
        }
    }

    pub fn is_compressed(&self) -> bool {
        matches!(self.repr, Repr::Lzf { .. })
    }

    /// The raw listpack, if the node is not compressed.
    pub fn as_raw(&self) -> Option<&Listpack> {
        match &self.repr {
            Repr::Raw(lp) => Some(lp),
            Repr::Lzf { .. } => None,
        }
    }

    /// The LZF image and raw size of a compressed node: RDB writes a
    /// compressed node as it is (Redis's rdbSaveLzfBlob), without inflating.
    pub fn lzf_data(&self) -> Option<(&[u8], usize)> {
        match &self.repr {
            Repr::Raw(_) => None,
            Repr::Lzf { data, sz, .. } => Some((data, *sz)),
        }
    }

    /// A raw copy of the listpack, decompressing if needed.
    pub fn to_listpack(&self) -> Listpack {
        match &self.repr {
            Repr::Raw(lp) => lp.clone(),
            Repr::Lzf { data, sz, .. } => Node::inflate(data, *sz),
        }
    }

    fn inflate(data: &[u8], sz: usize) -> Listpack {
        // The data was produced by `try_compress` from a valid listpack, so
        // failure here is memory corruption, not bad input.
        let bytes = lzf::decompress(data, sz).expect("quicklist: corrupt LZF node");
        assert_eq!(bytes.len(), sz, "quicklist: LZF node size mismatch");
        Listpack::from_bytes(bytes).expect("quicklist: LZF node is not a listpack")
    }

    pub fn decompress(&mut self) {
        if let Repr::Lzf { data, sz, .. } = &self.repr {
            self.repr = Repr::Raw(Node::inflate(data, *sz));
        }
    }

    /// Compresses a raw node when it is big enough and LZF pays off.
    pub fn try_compress(&mut self) {
        let Repr::Raw(lp) = &self.repr else {
            return;
        };
        if self.incompressible {
            return;
        }
        let sz = lp.bytes_len();
        if sz < MIN_COMPRESS_BYTES {
            return;
        }
        match lzf::compress(lp.as_bytes(), sz) {
            Some(z) if z.len() + MIN_COMPRESS_IMPROVE < sz => {
                self.repr = Repr::Lzf {
                    data: z.into_boxed_slice(),
                    count: lp.len(),
                    sz,
                };
            }
            _ => self.incompressible = true,
        }
    }

    /// Whether `try_compress` would compress this (raw) node's contents.
    pub fn worth_compressing(lp: &Listpack) -> bool {
        let sz = lp.bytes_len();
        sz >= MIN_COMPRESS_BYTES
            && lzf::compress(lp.as_bytes(), sz).is_some_and(|z| z.len() + MIN_COMPRESS_IMPROVE < sz)
    }
}

impl Deref for Node {
    type Target = Listpack;
    fn deref(&self) -> &Listpack {
        match &self.repr {
            Repr::Raw(lp) => lp,
            Repr::Lzf { .. } => panic!("quicklist: compressed node used without decompressing"),
        }
    }
}

impl DerefMut for Node {
    fn deref_mut(&mut self) -> &mut Listpack {
        // The contents may change: compression must be tried again.
        self.incompressible = false;
        match &mut self.repr {
            Repr::Raw(lp) => lp,
            Repr::Lzf { .. } => panic!("quicklist: compressed node used without decompressing"),
        }
    }
}

/// An element read from a quicklist: borrowed from a raw node, or held
/// through a shared decompressed copy of a compressed node (reads take
/// `&self`, so a compressed node is inflated into a temporary instead of
/// in place; an iterator inflates each node once).
#[derive(Clone, Debug)]
pub enum QlValue<'a> {
    Ref(LpValue<'a>),
    Shared(Rc<Listpack>, usize),
}

impl QlValue<'_> {
    pub fn get(&self) -> LpValue<'_> {
        match self {
            QlValue::Ref(v) => *v,
            QlValue::Shared(lp, p) => lp.get(*p),
        }
    }
    pub fn to_vec(&self) -> Vec<u8> {
        self.get().to_vec()
    }
    pub fn eq_bytes(&self, s: &[u8]) -> bool {
        self.get().eq_bytes(s)
    }
    pub fn as_int(&self) -> Option<i64> {
        self.get().as_int()
    }
    pub fn str_len(&self) -> usize {
        self.get().str_len()
    }
}
