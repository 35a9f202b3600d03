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
