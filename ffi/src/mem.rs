//! The allocator's statistics and controls (mimalloc), for INFO memory and for
//! returning memory to the OS after a big free.

use std::mem::MaybeUninit;

/// What INFO memory needs from the allocator.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessInfo {
    pub rss: usize,
    pub peak_rss: usize,
    pub committed: usize,
    pub peak_committed: usize,
}

pub fn process_info() -> ProcessInfo {
    let mut v = [MaybeUninit::<usize>::uninit(); 8];
    for s in v.iter_mut() {
        s.write(0);
    }
    let [e, u, s, rss, prss, com, pcom, pf] = &mut v;
    // SAFETY: every out-pointer is a distinct, initialised usize slot that
    // lives across the call; mi_process_info only writes through them.
    unsafe {
        libmimalloc_sys::mi_process_info(
            e.as_mut_ptr(),
            u.as_mut_ptr(),
            s.as_mut_ptr(),
            rss.as_mut_ptr(),
            prss.as_mut_ptr(),
            com.as_mut_ptr(),
            pcom.as_mut_ptr(),
            pf.as_mut_ptr(),
        );
    }
    // SAFETY: all eight slots were initialised by the loop above.
    let g = |x: &MaybeUninit<usize>| unsafe { x.assume_init() };
    ProcessInfo {
        rss: g(rss),
        peak_rss: g(prss),
        committed: g(com),
        peak_committed: g(pcom),
    }
}

/// Returns freed memory to the OS (`mi_collect(force)`): called after a big
/// lazy free so used_memory_rss falls, as the lazy-free issue asks.
pub fn collect(force: bool) {
    // SAFETY: mi_collect has no preconditions.
    unsafe { libmimalloc_sys::mi_collect(force) };
}

/// Bytes of big blocks (outgrown hash tables) freed since the last
/// `take_big_frees`: mimalloc keeps such pages committed for its purge
/// delay (10 s for arena memory), so serverCron collects once enough piled up.
static BIG_FREES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Records that `bytes` of a big structure were just freed.
pub fn note_big_free(bytes: usize) {
    BIG_FREES.fetch_add(bytes, std::sync::atomic::Ordering::Relaxed);
}

/// True (and resets the tally) if at least `min` bytes were noted.
pub fn take_big_frees(min: usize) -> bool {
    use std::sync::atomic::Ordering::Relaxed;
    BIG_FREES.load(Relaxed) >= min && BIG_FREES.swap(0, Relaxed) >= min
}

/// Sets mimalloc's purge delay for freed memory to `ms` for heap pages and
/// arenas alike (mimalloc 3's default is 1 s x `arena_purge_mult` 10 = 10 s
/// for arena memory). Measured on a 1M-member set load (perf/memory.py):
/// default 45.7 B/elt RSS, 100 ms 36.6, immediate purge (0) 36.7; a delay
/// still batches the madvise calls of churning workloads, which immediate
/// purging would issue on every page freed. Call before other threads start.
pub fn set_purge_delay(ms: i64) {
    // SAFETY: mi_option_set only stores the value; the option ids are
    // mimalloc's own constants.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, ms as _);
        libmimalloc_sys::mi_option_set(MI_OPTION_ARENA_PURGE_MULT, 1);
    }
}

// mimalloc 3's option ids (mimalloc.h's mi_option_e; libmimalloc-sys does
// not export these two).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
const MI_OPTION_ARENA_PURGE_MULT: libmimalloc_sys::mi_option_t = 24;
