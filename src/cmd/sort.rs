//! SORT and SORT_RO (sort.c).
//!
//! Threads: main thread. The elements of the list, set or sorted set are
//! copied out, each paired with its sort weight (the element itself, or
//! the value `BY pattern` names), sorted, windowed by LIMIT, then replied
//! or stored (GET patterns resolved per output element).
//! Ordering: numeric by default (weights parsed as doubles; a weight that
//! is not a number fails the whole command; ties broken by comparing the
//! elements), ALPHA compares bytes up to the first NUL (Redis uses strcoll,
//! bytewise in the C/C.UTF-8 locale) or whole strings with STORE, and
//! leaves ties in input order (glibc qsort is a stable merge sort).
//! Not done: Redis's partial sort (pqsort) for BY + a LIMIT window, which
//! is not stable: ALPHA ties inside such a window may come out in another
//! order than Redis's.

use crate::cmd;
use crate::cmd::string::{SYNTAX, WRONGTYPE};
use crate::cmd::{Command, flags::*};
use crate::db::Value;
use crate::ds::sds::string2ll;
use crate::ds::skiplist::ScoreRange;
use crate::net::client::{Args, Client};
use crate::net::reply::Reply;
use crate::server::Server;
use crate::types::hash::Hash;
use crate::types::list::List;
use crate::types::set::Set;
use std::cmp::Ordering;

pub const COMMANDS: &[Command] = &[
    cmd!(
        "sort",
        sort_command,
        -2,
        WRITE | DENYOOM | MOVABLE_KEYS,
        1,
        1,
        1,
        "generic",
        "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.",
        "1.0.0"
    ),
    cmd!(
        "sort_ro",
        sort_ro_command,
        -2,
        READONLY | MOVABLE_KEYS,
        1,
        1,
        1,
        "generic",
        "Returns the sorted elements of a list, a set, or a sorted set.",
        "7.0.0"
    ),
];

pub fn sort_command(srv: &mut Server, c: &mut Client, a: &Args) {
    sort_generic(srv, c, a, false)
}

pub fn sort_ro_command(srv: &mut Server, c: &mut Client, a: &Args) {
    sort_generic(srv, c, a, true)
}

/// A hash field's value, read through the hash's encoding.
fn hash_field(h: &Hash, field: &[u8]) -> Option<Vec<u8>> {
    match h {
        Hash::Listpack(lp) => {
            let mut it = lp.iter();
            while let (Some(f), Some(v)) = (it.next(), it.next()) {
                if f.eq_bytes(field) {
                    return Some(v.to_vec());
                }
            }
            None
        }
        Hash::Table(d) => d.get(field).map(|e| e.value().to_vec()),
    }
}

/// lookupKeyByPattern: `#` is the element itself; otherwise the first `*`
/// is replaced by the element to name a key, whose string value (or, with
/// `->field`, hash field) is the result. No `*`: nothing.
fn lookup_by_pattern(srv: &mut Server, db: usize, pat: &[u8], subst: &[u8]) -> Option<Vec<u8>> {
    if pat == b"#" {
        return Some(subst.to_vec());
    }
    let star = pat.iter().position(|&b| b == b'*')?;
    let arrow = pat[star + 1..]
        .windows(2)
        .position(|w| w == b"->")
        .map(|p| p + star + 1)
        .filter(|&p| p + 2 < pat.len());
    let (keypat, field) = match arrow {
        Some(p) => (&pat[..p], Some(&pat[p + 2..])),
        None => (pat, None),
    };
    let mut key = Vec::with_capacity(keypat.len() + subst.len());
    key.extend_from_slice(&keypat[..star]);
    key.extend_from_slice(subst);
    key.extend_from_slice(&keypat[star + 1..]);
    match (srv.lookup_read(db, &key)?, field) {
        (Value::Hash(h), Some(f)) => hash_field(h, f),
        (Value::Str(s), None) => Some(s.to_vec()),
        _ => None,
    }
}

/// Redis parses sort weights with strtod: leading blanks and the empty
/// string are accepted, trailing bytes and NaN are not.
fn parse_weight(b: &[u8]) -> Option<f64> {
    if b.first() == Some(&b'(') {
        return None;
    }
    ScoreRange::parse(b, b"0").map(|r| r.min)
}

fn sort_generic(srv: &mut Server, c: &mut Client, a: &Args, readonly: bool) {
    let db = c.db;
    let mut desc = false;
    let mut alpha = false;
    let (mut offset, mut count) = (0i64, -1i64);
    let mut sortby: Option<&[u8]> = None;
    let mut dontsort = false;
    let mut gets: Vec<&[u8]> = Vec::new();
    let mut store: Option<&[u8]> = None;
    let mut j = 2;
    while j < a.len() {
        let left = a.len() - j - 1;
        let o = &a[j];
        let is = |s: &str| o.eq_ignore_ascii_case(s.as_bytes());
        if is("asc") {
            desc = false;
        } else if is("desc") {
            desc = true;
        } else if is("alpha") {
            alpha = true;
        } else if is("limit") && left >= 2 {
            let (Some(o1), Some(c1)) = (string2ll(&a[j + 1]), string2ll(&a[j + 2])) else {
                return c.add_error("ERR value is not an integer or out of range");
            };
            offset = o1;
            count = c1;
            j += 2;
        } else if is("store") && left >= 1 && !readonly {
            store = Some(a.get(j + 1));
            j += 1;
        } else if is("by") && left >= 1 {
            let p = a.get(j + 1);
            sortby = Some(p);
            // A pattern naming no key per element ("nosort") skips sorting.
            if !p.contains(&b'*') {
                dontsort = true;
            }
            j += 1;
        } else if is("get") && left >= 1 {
            gets.push(a.get(j + 1));
            j += 1;
        } else {
            return c.add_error(SYNTAX);
        }
        j += 1;
    }

    enum Kind {
        List,
        Set,
        ZSet,
    }
    let (mut elems, kind): (Vec<Vec<u8>>, Kind) = match srv.lookup_read(db, &a[1]) {
        None => (Vec::new(), Kind::List),
        Some(Value::List(l)) => (l.ql.iter().map(|v| v.to_vec()).collect(), Kind::List),
        Some(Value::Set(s)) => (
            match &**s {
                Set::Intset(is) => is.iter().map(|v| v.to_string().into_bytes()).collect(),
                Set::Listpack(lp) => lp.iter().map(|v| v.to_vec()).collect(),
                Set::Table(d) => d.iter().map(|k| k.to_vec()).collect(),
            },
            Kind::Set,
        ),
        Some(Value::ZSet(z)) => {
            // Redis converts a listpack zset to a skiplist for SORT (even
            // SORT_RO / BY nosort), destructively: OBJECT ENCODING shows it.
            z.convert_to_skiplist();
            (z.to_vec().into_iter().map(|p| p.0).collect(), Kind::ZSet)
        }
        Some(_) => return c.add_error(WRONGTYPE),
    };
    // A set's order is arbitrary; when the result is stored it must not
    // depend on it, so Redis sorts it alphabetically instead.
    if dontsort && matches!(kind, Kind::Set) && store.is_some() {
        dontsort = false;
        alpha = true;
        sortby = None;
    }
    if dontsort && matches!(kind, Kind::ZSet | Kind::List) && desc {
        // Unsorted lists and zsets come out in their own order, DESC
        // reversing it (before LIMIT picks the window, as in Redis).
        elems.reverse();
    }

    let n = elems.len() as i64;
    let mut start = offset.max(0);
    let mut end = if count < 0 {
        n - 1
    } else {
        start.saturating_add(count) - 1
    };
    if start >= n {
        start = n - 1;
        end = n - 2;
    }
    if end >= n {
        end = n - 1;
    }

    if !dontsort {
        // (element, weight): the weight is a string for ALPHA, a number
        // otherwise.
        let mut weighed: Vec<(Vec<u8>, Option<Vec<u8>>, f64)> = Vec::with_capacity(elems.len());
        for e in elems {
            let byval = match sortby {
                Some(p) => lookup_by_pattern(srv, db, p, &e),
                None => Some(e.clone()),
            };
            let mut score = 0.0;
            if !alpha && let Some(v) = &byval {
                match parse_weight(v) {
                    Some(s) => score = s,
                    None => {
                        return c
                            .add_error("ERR One or more scores can't be converted into double");
                    }
                }
            }
            weighed.push((e, byval, score));
        }
        // sortCompare: ALPHA compares with strcoll (bytewise up to the first
        // NUL in the C/C.UTF-8 locale) unless STORE, which compares the
        // whole strings; missing BY values sort first; ALPHA ties are not
        // broken, and glibc's qsort is a stable merge sort, so tied elements
        // keep their input order (sort_by is stable too).  Numeric ties are
        // broken by comparing the elements bytewise.
        let coll = |p: &[u8], q: &[u8]| {
            if store.is_some() {
                p.cmp(q)
            } else {
                let cut = |b: &[u8]| b.iter().position(|&c| c == 0).unwrap_or(b.len());
                p[..cut(p)].cmp(&q[..cut(q)])
            }
        };
        weighed.sort_by(|x, y| {
            let cmp = if alpha {
                match (&x.1, &y.1) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => Ordering::Less,
                    (Some(_), None) => Ordering::Greater,
                    (Some(p), Some(q)) => coll(p, q),
                }
            } else {
                x.2.partial_cmp(&y.2)
                    .unwrap_or(Ordering::Equal)
                    .then_with(|| x.0.cmp(&y.0))
            };
            if desc { cmp.reverse() } else { cmp }
        });
        elems = weighed.into_iter().map(|w| w.0).collect();
    }

    let window: Vec<Vec<u8>> = if start <= end && end >= 0 {
        elems[start as usize..=end as usize].to_vec()
    } else {
        Vec::new()
    };
    let mut out: Vec<Option<Vec<u8>>> = Vec::new();
    for e in window {
        if gets.is_empty() {
            out.push(Some(e));
        } else {
            for g in &gets {
                out.push(lookup_by_pattern(srv, db, g, &e));
            }
        }
    }
    match store {
        None => {
            c.add_array_len(out.len());
            for v in &out {
                match v {
                    Some(v) => c.add_bulk(v),
                    None => c.add_null(),
                }
            }
        }
        Some(dst) => {
            let n = out.len();
            if n > 0 {
                let mut l = List::new(srv.cfg.list_max_listpack_size, srv.cfg.list_compress_depth);
                for v in &out {
                    l.ql.push_back(v.as_deref().unwrap_or(b""));
                }
                srv.set_key(db, dst, Value::List(Box::new(l)), false);
                srv.dirty += n as u64;
            } else if srv.db_delete(db, dst) {
                srv.signal_modified_key(db, dst);
                srv.dirty += 1;
            }
            c.add_int(n as i64);
        }
    }
}
