//! Sets: an intset while all members are integers (set-max-intset-entries),
//! a listpack while small (set-max-listpack-entries / -value), then a hash
//! table -- Redis 7.2's three encodings.
//!
//! Threads: main thread only. Conversions only ever go "up" (intset ->
//! listpack -> table, or intset -> table), as in Redis; a set that shrinks
//! keeps its encoding. A member that would make a compact encoding too
//! large converts the set *before* it is added, so a listpack never holds
//! an element over the value limit and never grows past
//! `Listpack::safe_to_add` (CVE-2021-32627/32628).

use crate::ds::hashtable::HashTable;
use crate::ds::intset::IntSet;
use crate::ds::listpack::Listpack;
use crate::ds::sds::string2ll;
use crate::ds::smallbytes::SmallBytes;

pub enum Set {
    Intset(IntSet),
    Listpack(Listpack),
    Table(HashTable<SmallBytes>),
}

/// The conversion thresholds, copied out of the config.
#[derive(Clone, Copy)]
pub struct SetLimits {
    pub max_intset: usize,
    pub max_lp_entries: usize,
    pub max_lp_value: usize,
}

impl SetLimits {
    pub fn from_cfg(cfg: &crate::config::Config) -> SetLimits {
        SetLimits {
            max_intset: cfg.set_max_intset_entries,
            max_lp_entries: cfg.set_max_listpack_entries,
            max_lp_value: cfg.set_max_listpack_value,
        }
    }
}

/// splitmix64 step on the caller's state (server.rng): the randomness of
/// SPOP / SRANDMEMBER / HRANDFIELD.
pub fn rand_u64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Default for Set {
    fn default() -> Self {
        Set::Intset(IntSet::new())
    }
}

impl Set {
    /// setTypeCreate: the encoding a set that will receive `first` (and
    /// about `size_hint` members) starts with.
    pub fn new_for(first: &[u8], size_hint: usize, lim: SetLimits) -> Set {
        if string2ll(first).is_some() && size_hint <= lim.max_intset {
            Set::Intset(IntSet::new())
        } else if size_hint <= lim.max_lp_entries {
            Set::Listpack(Listpack::new())
        } else {
            Set::Table(HashTable::new())
        }
    }

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
            Set::Table(d) => d.mem_usage() + d.iter().map(|k| k.heap_size()).sum::<usize>(),
        }
    }

    pub fn contains(&self, m: &[u8]) -> bool {
        match self {
            Set::Intset(s) => string2ll(m).is_some_and(|v| s.contains(v)),
            Set::Listpack(lp) => lp.first().and_then(|p| lp.find(p, m, 0)).is_some(),
            Set::Table(d) => d.contains(m),
        }
    }

    fn convert_to_table(&mut self) {
        let mut d: HashTable<SmallBytes> = HashTable::with_capacity(self.len());
        self.for_each(|m| {
            d.insert_new(m.into());
        });
        *self = Set::Table(d);
    }

    fn intset_to_listpack(&mut self) {
        let Set::Intset(s) = self else { return };
        let mut lp = Listpack::new();
        for v in s.iter() {
            lp.append_int(v);
        }
        *self = Set::Listpack(lp);
    }

    /// setTypeAdd: true when `m` was not a member. Handles every encoding
    /// change the new member requires.
    pub fn add(&mut self, m: &[u8], lim: SetLimits) -> bool {
        match self {
            Set::Table(d) => {
                return d.insert(m.into()).is_none();
            }
            Set::Intset(s) => {
                if let Some(v) = string2ll(m) {
                    if !s.add(v) {
                        return false;
                    }
                    if s.len() > lim.max_intset {
                        self.convert_to_table();
                    }
                    return true;
                }
                // A non-integer: go to a listpack if the result still fits
                // one (each intset member's text is at most 20 bytes), else
                // straight to a table.
                let n = s.len();
                if n < lim.max_lp_entries
                    && m.len() <= lim.max_lp_value
                    && Listpack::safe_to_add_to(None, 20 * n + m.len())
                {
                    self.intset_to_listpack();
                } else {
                    self.convert_to_table();
                }
            }
            Set::Listpack(_) => {}
        }
        if self.contains(m) {
            return false;
        }
        if let Set::Listpack(lp) = self {
            if lp.len() < lim.max_lp_entries
                && m.len() <= lim.max_lp_value
                && lp.safe_to_add(m.len())
            {
                lp.append(m);
                return true;
            }
            self.convert_to_table();
        }
        match self {
            Set::Table(d) => d.insert(m.into()).is_none(),
            _ => unreachable!("converted to a table above"),
        }
    }

    pub fn remove(&mut self, m: &[u8]) -> bool {
        match self {
            Set::Intset(s) => string2ll(m).is_some_and(|v| s.remove(v)),
            Set::Listpack(lp) => match lp.first().and_then(|p| lp.find(p, m, 0)) {
                Some(p) => {
                    lp.delete(p);
                    true
                }
                None => false,
            },
            Set::Table(d) => d.remove(m).is_some(),
        }
    }

    pub fn for_each(&self, mut f: impl FnMut(&[u8])) {
        self.for_each_while(|m| {
            f(m);
            true
        });
    }

    /// Calls `f` on members in storage order until it returns false.
    pub fn for_each_while(&self, mut f: impl FnMut(&[u8]) -> bool) {
        match self {
            Set::Intset(s) => {
                let mut b = itoa::Buffer::new();
                for v in s.iter() {
                    if !f(b.format(v).as_bytes()) {
                        return;
                    }
                }
            }
            Set::Listpack(lp) => {
                let mut b = [0u8; crate::ds::sds::LL_STR_MAX];
                for v in lp.iter() {
                    if !f(v.to_bytes(&mut b)) {
                        return;
                    }
                }
            }
            Set::Table(d) => {
                for k in d.iter() {
                    if !f(k) {
                        return;
                    }
                }
            }
        }
    }

    pub fn members(&self) -> Vec<Vec<u8>> {
        let mut out = Vec::with_capacity(self.len());
        self.for_each(|m| out.push(m.to_vec()));
        out
    }

    /// One SSCAN step: compact encodings are returned whole with cursor 0.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&[u8])) -> u64 {
        match self {
            Set::Table(d) => d.scan(cursor, |k| f(k)),
            _ => {
                self.for_each(f);
                0
            }
        }
    }

    /// A uniformly chosen member (close to uniform for a table).
    pub fn random(&self, rng: &mut u64) -> Option<Vec<u8>> {
        match self {
            Set::Intset(s) => s.random(rng).map(|v| v.to_string().into_bytes()),
            Set::Listpack(lp) => {
                let n = lp.len();
                if n == 0 {
                    return None;
                }
                let p = lp.seek((rand_u64(rng) % n as u64) as isize)?;
                Some(lp.get(p).to_vec())
            }
            Set::Table(d) => d.random_element(rng).map(|k| k.to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIM: SetLimits = SetLimits {
        max_intset: 6,
        max_lp_entries: 4,
        max_lp_value: 8,
    };

    fn filled(ms: &[&[u8]]) -> Set {
        let mut s = Set::new_for(ms[0], 1, LIM);
        for m in ms {
            s.add(m, LIM);
        }
        s
    }

    #[test]
    fn intset_limits() {
        let mut s = filled(&[b"1", b"2", b"3", b"4", b"5", b"6"]);
        assert_eq!(s.encoding(), "intset");
        assert!(!s.add(b"6", LIM));
        assert!(s.add(b"7", LIM));
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 7);
        assert!(s.contains(b"7") && s.contains(b"1"));
    }

    #[test]
    fn intset_to_listpack_then_table() {
        let mut s = filled(&[b"1", b"2"]);
        assert!(s.add(b"a", LIM));
        assert_eq!(s.encoding(), "listpack");
        assert!(s.contains(b"1") && s.contains(b"a") && !s.contains(b"3"));
        assert!(!s.add(b"1", LIM));
        s.add(b"b", LIM);
        assert_eq!(s.encoding(), "listpack");
        s.add(b"c", LIM);
        assert_eq!(s.encoding(), "hashtable");
        assert_eq!(s.len(), 5);
        // Too long for a listpack: intset goes straight to a table.
        let mut s = filled(&[b"1"]);
        s.add(b"abcdefghi", LIM);
        assert_eq!(s.encoding(), "hashtable");
        // A non-integer into a full-enough intset also skips the listpack.
        let mut s = filled(&[b"1", b"2", b"3", b"4"]);
        s.add(b"x", LIM);
        assert_eq!(s.encoding(), "hashtable");
    }

    #[test]
    fn remove_each_encoding() {
        for ms in [
            &[&b"1"[..], b"2"][..],
            &[b"a", b"2"],
            &[b"a", b"b", b"c", b"d", b"e"],
        ] {
            let mut s = filled(ms);
            for m in ms {
                assert!(s.remove(m));
                assert!(!s.remove(m));
            }
            assert!(s.is_empty());
        }
    }
}
