//! The server's global allocator: mimalloc, wrapped to count allocated bytes
//! for INFO `used_memory` (Redis's zmalloc `used_memory` counter, 7.2 style).
//!
//! Design
//! - Every alloc / dealloc / realloc adds or subtracts the bytes of the
//!   block into a per-thread plain counter (`thread_local!` with `const`
//!   init of a `Cell<isize>`: no lazy init, no destructor, so the access is
//!   one `%fs`-relative load and store and is safe inside the allocator).
//!   When the thread's pending delta leaves `±FLUSH_BYTES` it is added to
//!   one global `AtomicIsize` and reset: the fast path has no atomic
//!   read-modify-write, as Redis 7.2 moved zmalloc to per-thread counters
//!   for the same reason (but it sums them on every read; here a read is
//!   one atomic load).
//! - What is counted: the Layout size (bytes requested), not mimalloc's
//!   usable size. Redis counts usable size (`zmalloc_size`); with mimalloc
//!   `mi_good_size` gives the same for a Layout, but it is an out-of-line
//!   call into C (no LTO across it) on every alloc and free, where the
//!   Layout size is free; `COUNT_GOOD_SIZE` switches to it (its Ir cost was
//!   not measured yet), so requested bytes are the default. The
//!   difference is mimalloc's size-class rounding (at most 12.5 % for
//!   small blocks); INFO's `used_memory_rss` still shows what the process
//!   holds.
//!
//! Error bound: a read misses each live thread's pending delta, so
//! `|allocated() - true bytes| < FLUSH_BYTES * threads` (64 KiB per thread:
//! main + I/O threads + bio threads, well under 2 MiB in practice). The
//! calling thread's own pending delta is added on read, so the main thread
//! (where INFO runs) contributes no error. A thread that exits leaves its
//! last pending delta (< 64 KiB) behind; ferrodis's threads live as long as
//! the process, so this does not accumulate.
//!
//! Threads: any. Ordering: relaxed everywhere -- the counter is a statistic
//! and orders nothing. Not done: per-thread breakdowns; counting memory that
//! C libraries take from libc's malloc directly (Redis does not either).

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering::Relaxed};

use libmimalloc_sys as mi;

/// A thread's pending delta is published once it leaves ±this many bytes.
pub const FLUSH_BYTES: isize = 64 << 10;

/// Count mimalloc's rounded size (`mi_good_size`) instead of the Layout
/// size. Off: see the module header.
const COUNT_GOOD_SIZE: bool = false;

static USED: AtomicIsize = AtomicIsize::new(0);
/// Set on the first flush: tells readers the counting allocator is the
/// global one (it is not in the library's own unit tests).
static INSTALLED: AtomicBool = AtomicBool::new(false);
static PEAK: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static PENDING: Cell<isize> = const { Cell::new(0) };
}

#[inline(always)]
fn size_of_block(size: usize) -> isize {
    if COUNT_GOOD_SIZE {
        // SAFETY: mi_good_size is a pure function of its argument.
        (unsafe { mi::mi_good_size(size) }) as isize
    } else {
        size as isize
    }
}

#[inline(always)]
fn account(delta: isize) {
    PENDING.with(|p| {
        let v = p.get() + delta;
        if !(-FLUSH_BYTES..=FLUSH_BYTES).contains(&v) {
            flush(p, v);
        } else {
            p.set(v);
        }
    });
}

#[cold]
#[inline(never)]
fn flush(p: &Cell<isize>, v: isize) {
    p.set(0);
    USED.fetch_add(v, Relaxed);
    if !INSTALLED.load(Relaxed) {
        INSTALLED.store(true, Relaxed);
    }
}

/// mimalloc, counting allocated bytes (see the module header).
pub struct CountingMimalloc;

// SAFETY: each method forwards to the mimalloc call the `mimalloc` crate's
// `MiMalloc` uses, with the same arguments, so GlobalAlloc's contract holds
// as it does for MiMalloc; the counting touches only a thread-local Cell
// and an atomic, neither of which allocates.
unsafe impl GlobalAlloc for CountingMimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mi_malloc_aligned accepts any size and power-of-two align
        // (Layout guarantees the latter).
        let p = unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()) } as *mut u8;
        if !p.is_null() {
            account(size_of_block(layout.size()));
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for alloc.
        let p = unsafe { mi::mi_zalloc_aligned(layout.size(), layout.align()) } as *mut u8;
        if !p.is_null() {
            account(size_of_block(layout.size()));
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller passes a block this allocator returned (the
        // GlobalAlloc contract), which mimalloc allocated.
        unsafe { mi::mi_free(ptr as *mut c_void) };
        account(-size_of_block(layout.size()));
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: ptr came from this allocator with `layout` (the caller's
        // contract); mi_realloc_aligned keeps the alignment.
        let p = unsafe { mi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) }
            as *mut u8;
        if !p.is_null() {
            account(size_of_block(new_size) - size_of_block(layout.size()));
        }
        p
    }
}

/// Bytes allocated through `CountingMimalloc` (see the error bound in the
/// module header), or None when it is not the global allocator.
pub fn allocated() -> Option<usize> {
    if !INSTALLED.load(Relaxed) {
        return None;
    }
    let mine = PENDING.with(Cell::get);
    Some((USED.load(Relaxed) + mine).max(0) as usize)
}

/// Raises the recorded peak to the current `allocated()` and returns the
/// peak (Redis updates `stat_peak_memory` in serverCron and in INFO).
pub fn update_peak() -> usize {
    let now = allocated().unwrap_or(0);
    PEAK.fetch_max(now, Relaxed).max(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_alloc_realloc_free() {
        let a = CountingMimalloc;
        let before = PENDING.with(Cell::get) + USED.load(Relaxed);
        let l = Layout::from_size_align(1000, 8).unwrap();
        // SAFETY: a valid non-zero layout; the block is freed below with
        // the layout it was last given.
        unsafe {
            let p = a.alloc(l);
            assert!(!p.is_null());
            assert_eq!(PENDING.with(Cell::get) + USED.load(Relaxed), before + 1000);
            let p = a.realloc(p, l, 300_000);
            assert!(!p.is_null());
            assert_eq!(
                PENDING.with(Cell::get) + USED.load(Relaxed),
                before + 300_000
            );
            // The big realloc crossed the threshold: it was published.
            assert!(INSTALLED.load(Relaxed));
            a.dealloc(p, Layout::from_size_align(300_000, 8).unwrap());
        }
        assert_eq!(PENDING.with(Cell::get) + USED.load(Relaxed), before);
        assert!(PENDING.with(Cell::get).abs() <= FLUSH_BYTES);
    }
}
