//! The two sorts whose tie order (and order under a comparator that is not
//! a total order, such as one that meets a NaN) shows in Redis's replies:
//! glibc's `qsort` and Redis's partial `pqsort` (pqsort.c).
//!
//! Why: GEORADIUS/GEOSEARCH sort their candidates by distance with
//! `qsort` when every candidate is returned and with `pqsort` when COUNT
//! cuts the list; points at the same distance come back in the order
//! these algorithms leave them, so a faithful reply needs the same
//! algorithm, step for step. Rust's own sorts differ (and may panic on a
//! comparator that is not a total order).
//!
//! - [`qsort`]: glibc 2.36's `qsort` as Debian's redis-server runs it: for
//!   arrays that fit in memory it is `msort_with_tmp`, a top-down merge
//!   sort (split at n/2, left run first, take from the left run on
//!   `cmp <= 0`), so it is stable.
//! - [`pqsort`]: Redis's NetBSD-derived Bentley-McIlroy quicksort that
//!   only sorts the partitions overlapping the rank window `lrange..=rrange`.
//!   Redis 7.0's copy has no switch to insertion sort after a partition
//!   pass without swaps (NetBSD's `swap_cnt`): verified against
//!   redis-server 7.0.15, whose tie order only this variant reproduces
//!   (tests/geo.rs `distance_ties_keep_redis_order`).
//!
//! Threads: pure functions.

use std::cmp::Ordering;

/// glibc `qsort` (its merge-sort path). `cmp` returns like a C comparator.
/// For elements bigger than 32 bytes glibc sorts pointers to them and then
/// permutes (the same comparisons, so the same order); callers with large
/// elements sort indexes here the same way.
pub fn qsort<T: Copy>(v: &mut [T], cmp: &impl Fn(&T, &T) -> Ordering) {
    if v.len() <= 1 {
        return;
    }
    let mut tmp: Vec<T> = Vec::with_capacity(v.len());
    msort(v, &mut tmp, cmp);
}

fn msort<T: Copy>(b: &mut [T], tmp: &mut Vec<T>, cmp: &impl Fn(&T, &T) -> Ordering) {
    let n = b.len();
    if n <= 1 {
        return;
    }
    let n1 = n / 2;
    msort(&mut b[..n1], tmp, cmp);
    msort(&mut b[n1..], tmp, cmp);
    tmp.clear();
    let (mut i, mut j) = (0, n1);
    while i < n1 && j < n {
        if cmp(&b[i], &b[j]) != Ordering::Greater {
            tmp.push(b[i]);
            i += 1;
        } else {
            tmp.push(b[j]);
            j += 1;
        }
    }
    // What is left of the right run is already in place.
    tmp.extend_from_slice(&b[i..n1]);
    let done = tmp.len();
    b[..done].copy_from_slice(tmp);
}

/// med3 of pqsort.c: the index of the median of three.
fn med3<T>(v: &[T], a: usize, b: usize, c: usize, cmp: &impl Fn(&T, &T) -> Ordering) -> usize {
    let lt = |x: usize, y: usize| cmp(&v[x], &v[y]) == Ordering::Less;
    let gt = |x: usize, y: usize| cmp(&v[x], &v[y]) == Ordering::Greater;
    if lt(a, b) {
        if lt(b, c) {
            b
        } else if lt(a, c) {
            c
        } else {
            a
        }
    } else if gt(b, c) {
        b
    } else if lt(a, c) {
        a
    } else {
        c
    }
}

/// vecswap: swaps `n` elements at `a` and `b` pairwise, in order.
fn vecswap<T>(v: &mut [T], a: usize, b: usize, n: usize) {
    for k in 0..n {
        v.swap(a + k, b + k);
    }
}

/// Redis's `pqsort(a, n, es, cmp, lrange, rrange)`: afterwards the elements
/// at ranks `lrange..=rrange` are the ones a full sort would put there, in
/// order; the rest are partitioned but not sorted.
pub fn pqsort<T>(v: &mut [T], lrange: usize, rrange: usize, cmp: &impl Fn(&T, &T) -> Ordering) {
    let n = v.len();
    pqsort_at(v, 0, n, lrange, rrange, cmp);
}

/// `_pqsort` over `v[base..base + n]`; the window is in absolute indexes.
fn pqsort_at<T>(
    v: &mut [T],
    mut base: usize,
    mut n: usize,
    lrange: usize,
    rrange: usize,
    cmp: &impl Fn(&T, &T) -> Ordering,
) {
    let c = |v: &[T], x: usize, y: usize| cmp(&v[x], &v[y]);
    // Whether the partition base..base+len overlaps the window (the C code
    // compares byte addresses; this is the same test on element indexes).
    let overlaps = |lo: usize, len: usize| !(rrange < lo || lrange >= lo + len);
    loop {
        let a = base;
        if n < 7 {
            insertion(v, a, n, cmp);
            return;
        }
        let mut pm = a + n / 2;
        if n > 7 {
            let mut pl = a;
            let mut pn = a + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = med3(v, pl, pl + d, pl + 2 * d, cmp);
                pm = med3(v, pm - d, pm, pm + d, cmp);
                pn = med3(v, pn - 2 * d, pn - d, pn, cmp);
            }
            pm = med3(v, pl, pm, pn, cmp);
        }
        v.swap(a, pm);
        let (mut pa, mut pb) = (a + 1, a + 1);
        // pc never passes below pb - 1 >= a, so the indexes stay valid.
        let (mut pc, mut pd) = (a + n - 1, a + n - 1);
        loop {
            while pb <= pc {
                let r = c(v, pb, a);
                if r == Ordering::Greater {
                    break;
                }
                if r == Ordering::Equal {
                    v.swap(pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let r = c(v, pc, a);
                if r == Ordering::Less {
                    break;
                }
                if r == Ordering::Equal {
                    v.swap(pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            v.swap(pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = a + n;
        let r = (pa - a).min(pb - pa);
        vecswap(v, a, pb - r, r);
        let r = (pd - pc).min(pn - pd - 1);
        vecswap(v, pb, pn - r, r);
        let r = pb - pa;
        if r > 1 && overlaps(a, r) {
            pqsort_at(v, a, r, lrange, rrange, cmp);
        }
        let r = pd - pc;
        if r > 1 {
            base = pn - r;
            n = r;
            if overlaps(base, n) {
                continue;
            }
        }
        return;
    }
}

/// The insertion sort pqsort.c runs on runs shorter than 7.
fn insertion<T>(v: &mut [T], a: usize, n: usize, cmp: &impl Fn(&T, &T) -> Ordering) {
    for pm in a + 1..a + n {
        let mut pl = pm;
        while pl > a && cmp(&v[pl - 1], &v[pl]) == Ordering::Greater {
            v.swap(pl, pl - 1);
            pl -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::test_rng::Rng;

    #[test]
    fn qsort_is_a_stable_sort() {
        let mut rng = Rng(7);
        for n in [0usize, 1, 2, 5, 17, 100, 1000] {
            let mut v: Vec<(u64, usize)> = (0..n).map(|i| (rng.next_u64() % 10, i)).collect();
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            qsort(&mut v, &|a, b| a.0.cmp(&b.0));
            assert_eq!(v, want);
        }
    }

    #[test]
    fn pqsort_sorts_the_window() {
        let mut rng = Rng(9);
        for n in [1usize, 6, 7, 8, 40, 41, 200, 3000] {
            for _ in 0..20 {
                let v: Vec<u64> = (0..n)
                    .map(|_| rng.next_u64() % (n as u64 / 3 + 1))
                    .collect();
                let mut sorted = v.clone();
                sorted.sort();
                let l = (rng.next_u64() as usize) % n;
                let r = l + (rng.next_u64() as usize) % (n - l);
                let mut p = v.clone();
                pqsort(&mut p, l, r, &|a, b| a.cmp(b));
                assert_eq!(p[l..=r], sorted[l..=r], "n={n} window {l}..={r}");
                let mut all = p.clone();
                all.sort();
                assert_eq!(all, sorted, "a permutation");
            }
        }
    }
}
