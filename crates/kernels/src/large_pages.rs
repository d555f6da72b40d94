//! A global allocator that backs large buffers with transparent huge pages.
//!
//! Tensors of several megabytes (BN-Inception's 224×224 activations reach 100 MB)
//! come fresh from the kernel each time: malloc maps them anew, and the first
//! write to every 4 KiB page faults. On a small VM that costs about 1 ms per MB
//! (`fv.zeros([32,64,112,112])`: 106 ms), more than the ops that fill them.
//! Here a buffer of `MIN_SIZE` or more is its own 2 MiB-aligned anonymous
//! mapping marked `MADV_HUGEPAGE`, so it faults once per 2 MiB (the same zeros:
//! 21 ms), and it comes zeroed, so `alloc_zeroed` writes nothing. A freed
//! mapping is kept (up to `CACHE_BYTES` in `CACHE_SLOTS` slots) for the next
//! buffer of the same mapped length — training steps allocate the same sizes
//! every step — instead of being unmapped and faulted in again. A kept mapping
//! no buffer has reused for `CACHE_AGE_S` seconds is unmapped at the next free:
//! a one-off buffer (loading a dataset: 180 MB in the DRAW CLI) does not stay
//! resident for the rest of the run. Smaller
//! buffers, and every buffer off Linux, go to the system allocator.
//!
//! Buffers under `MIN_SIZE` have the same problem on a smaller scale (a weight
//! gradient or an im2col block of 100 KB–4 MB, allocated anew by every call):
//! `keep_system_heap` tells glibc's malloc to serve them from its heap and to
//! keep that heap's freed memory rather than hand it back to the kernel.
//!
//! The addon installs it, `#[global_allocator] static A: LargePages = LargePages;`,
//! and calls `keep_system_heap` when it loads.

use std::alloc::{GlobalAlloc, Layout, System};

/// Buffers from this size up get their own huge-page mapping.
pub const MIN_SIZE: usize = 4 << 20;

/// Up to this much free memory stays in glibc's heap for reuse.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const HEAP_KEEP: usize = 1 << 30;

/// Makes glibc's malloc keep freed memory for the next buffer: blocks under
/// `MIN_SIZE` come from its heap (not a fresh mapping each), and the heap is
/// trimmed only past `HEAP_KEEP` of free space. Without it, each call of a
/// kernel that allocates a few hundred KB page-faults its buffer in anew (a
/// conv2d weight gradient on 2×2 maps: 0.8 ms, of which 0.4 ms faults). A no-op
/// off glibc.
pub fn keep_system_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator parameters; any value is valid.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MIN_SIZE as libc::c_int);
        libc::mallopt(libc::M_TRIM_THRESHOLD, HEAP_KEEP as libc::c_int);
    }
}

/// The huge page size on x86-64 and aarch64 Linux.
const HUGE: usize = 2 << 20;

pub struct LargePages;

/// At most this many bytes of freed mappings are kept for reuse.
#[cfg(target_os = "linux")]
const CACHE_BYTES: usize = 2 << 30;

/// Freed mappings are kept in this many slots (a fixed array: the allocator
/// cannot allocate to keep its own books).
#[cfg(target_os = "linux")]
const CACHE_SLOTS: usize = 128;

/// A kept mapping unused this long (seconds) is unmapped at the next free.
#[cfg(target_os = "linux")]
const CACHE_AGE_S: u64 = 30;

/// Kept mappings: (mapped length, address, when kept in whole seconds of the
/// monotonic clock), 0 length = empty slot.
#[cfg(target_os = "linux")]
struct Cache {
    slots: [(usize, usize, u64); CACHE_SLOTS],
    bytes: usize,
}

#[cfg(target_os = "linux")]
static CACHE: std::sync::Mutex<Cache> = std::sync::Mutex::new(Cache {
    slots: [(0, 0, 0); CACHE_SLOTS],
    bytes: 0,
});

/// Seconds of the monotonic clock (no allocation: the allocator calls it).
#[cfg(target_os = "linux")]
fn now_s() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec it is given.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64
}

/// A kept mapping of exactly `len` bytes, if any.
#[cfg(target_os = "linux")]
fn take_cached(len: usize) -> Option<*mut u8> {
    let mut c = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let slot = c.slots.iter().position(|s| s.0 == len)?;
    let (_, at, _) = std::mem::take(&mut c.slots[slot]);
    c.bytes -= len;
    Some(at as *mut u8)
}

/// What the allocators hold beyond live buffers, for diagnosing resident memory.
#[derive(Clone, Copy, Debug, Default)]
pub struct AllocatorStats {
    /// Freed huge-page mappings kept for reuse (`CACHE_BYTES` at most).
    pub cached_mappings: usize,
    /// glibc: bytes in the main and thread arenas obtained with brk/mmap (`arena`).
    pub heap: usize,
    /// glibc: free bytes inside those arenas (`fordblks`), resident until trimmed or reused.
    pub heap_free: usize,
    /// glibc: bytes in blocks mmapped on their own (`hblkhd`).
    pub mmapped: usize,
}

/// The allocators' current holdings (glibc's figures are zero off glibc).
pub fn stats() -> AllocatorStats {
    #[allow(unused_mut)]
    let mut s = AllocatorStats::default();
    #[cfg(target_os = "linux")]
    {
        s.cached_mappings = CACHE.lock().unwrap_or_else(|e| e.into_inner()).bytes;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 only reads the allocator's counters.
        let m = unsafe { libc::mallinfo2() };
        s.heap = m.arena;
        s.heap_free = m.fordblks;
        s.mmapped = m.hblkhd;
    }
    s
}

/// Returns free memory to the kernel: the kept huge-page mappings, and glibc's
/// free pages in every arena (`malloc_trim(0)`). The next large buffers then
/// fault in afresh, so this is for idle points, not training steps.
pub fn release_free_memory() {
    #[cfg(target_os = "linux")]
    {
        let mut c = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        for slot in c.slots.iter_mut() {
            let (len, at, _) = std::mem::take(slot);
            if len > 0 {
                // SAFETY: a kept mapping of exactly `len` bytes, owned by the cache.
                unsafe { libc::munmap(at as *mut libc::c_void, len) };
            }
        }
        c.bytes = 0;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Unmaps the kept mappings no buffer has reused for `CACHE_AGE_S` seconds.
#[cfg(target_os = "linux")]
fn unmap_stale(c: &mut Cache, now: u64) {
    let mut freed = 0;
    for slot in c.slots.iter_mut() {
        if slot.0 > 0 && now.saturating_sub(slot.2) >= CACHE_AGE_S {
            let (len, at, _) = std::mem::take(slot);
            // SAFETY: a kept mapping of exactly `len` bytes, owned by the cache.
            unsafe { libc::munmap(at as *mut libc::c_void, len) };
            freed += len;
        }
    }
    c.bytes -= freed;
}

/// Unmaps stale kept mappings now. Frees of large buffers do this themselves;
/// a program whose large buffers were one-offs (loading a dataset, then
/// training on small tensors) frees none, so the binding calls this now and
/// then as tensors are freed.
pub fn release_stale() {
    #[cfg(target_os = "linux")]
    {
        let mut c = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if c.bytes > 0 {
            unmap_stale(&mut c, now_s());
        }
    }
}

/// Keeps a freed mapping if there is room; false: the caller unmaps it.
#[cfg(target_os = "linux")]
fn keep(ptr: *mut u8, len: usize) -> bool {
    let mut c = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    let now = now_s();
    unmap_stale(&mut c, now);
    if c.bytes + len > CACHE_BYTES {
        return false;
    }
    let Some(slot) = c.slots.iter().position(|s| s.0 == 0) else {
        return false;
    };
    c.slots[slot] = (len, ptr as usize, now);
    c.bytes += len;
    true
}

#[cfg(target_os = "linux")]
fn is_large(layout: Layout) -> bool {
    layout.size() >= MIN_SIZE && layout.align() <= HUGE
}

/// `size` rounded up to whole huge pages.
#[cfg(target_os = "linux")]
fn mapped_len(size: usize) -> usize {
    size.div_ceil(HUGE) * HUGE
}

/// A fresh, zeroed, 2 MiB-aligned mapping of `mapped_len(size)` bytes, or null.
#[cfg(target_os = "linux")]
unsafe fn map(size: usize) -> *mut u8 {
    let len = mapped_len(size);
    // Map one huge page more, then trim the head and tail to reach alignment.
    let total = len + HUGE;
    // SAFETY: an anonymous private mapping; no existing memory is touched.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            total,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if base == libc::MAP_FAILED {
        return std::ptr::null_mut();
    }
    let start = base as usize;
    let aligned = start.div_ceil(HUGE) * HUGE;
    let (head, tail) = (aligned - start, total - (aligned - start) - len);
    // SAFETY: the trimmed ranges lie inside the mapping made above and are
    // never handed out; failure to trim only leaves them mapped.
    unsafe {
        if head > 0 {
            libc::munmap(base, head);
        }
        if tail > 0 {
            libc::munmap((aligned + len) as *mut libc::c_void, tail);
        }
        // Advice only: without transparent huge pages this fails and pages stay 4 KiB.
        libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
    aligned as *mut u8
}

// SAFETY: large blocks are whole mappings of their own, returned by `map` (or
// the cache, which holds only such mappings, each handed out once) and released
// by `munmap` or to the cache with the length `map` used (a function of the
// layout's size, which `dealloc` receives unchanged); everything else is `System`'s.
unsafe impl GlobalAlloc for LargePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if is_large(layout) {
            if let Some(p) = take_cached(mapped_len(layout.size())) {
                return p;
            }
            // SAFETY: see `map`.
            return unsafe { map(layout.size()) };
        }
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        #[cfg(target_os = "linux")]
        if is_large(layout) {
            if let Some(p) = take_cached(mapped_len(layout.size())) {
                // SAFETY: a kept mapping of at least layout.size() bytes.
                unsafe { std::ptr::write_bytes(p, 0, layout.size()) };
                return p;
            }
            // SAFETY: see `map`; fresh anonymous pages read as zero.
            return unsafe { map(layout.size()) };
        }
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        #[cfg(target_os = "linux")]
        if is_large(layout) {
            let len = mapped_len(layout.size());
            if !keep(ptr, len) {
                // SAFETY: `ptr` came from `map` with this size (see above).
                unsafe { libc::munmap(ptr as *mut libc::c_void, len) };
            }
            return;
        }
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        #[cfg(target_os = "linux")]
        {
            let new = Layout::from_size_align(new_size, layout.align());
            let moves = is_large(layout) || new.as_ref().is_ok_and(|l| is_large(*l));
            if moves {
                // Between the two allocators (or mappings): allocate, copy, free.
                let Ok(new) = new else {
                    return std::ptr::null_mut();
                };
                // SAFETY: a valid layout; the old block is live for `layout.size()` bytes.
                unsafe {
                    let out = self.alloc(new);
                    if !out.is_null() {
                        std::ptr::copy_nonoverlapping(ptr, out, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                    return out;
                }
            }
        }
        // SAFETY: both layouts are System's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_blocks_are_aligned_zeroed_and_writable_small_ones_pass_through() {
        let a = LargePages;
        for size in [16, 4096, MIN_SIZE - 1, MIN_SIZE, MIN_SIZE + 1, 9 << 20] {
            let layout = Layout::from_size_align(size, 64).unwrap();
            // SAFETY: a non-zero-size layout; the block is freed with the same layout.
            unsafe {
                let p = a.alloc_zeroed(layout);
                assert!(!p.is_null());
                if size >= MIN_SIZE && cfg!(target_os = "linux") {
                    assert_eq!(p as usize % HUGE, 0, "size {size}");
                }
                let s = std::slice::from_raw_parts_mut(p, size);
                assert!(s.iter().all(|&b| b == 0));
                s.fill(7);
                // Grow across the threshold both ways, keeping the contents.
                let q = a.realloc(p, layout, size * 2);
                assert!(!q.is_null());
                let t = std::slice::from_raw_parts(q, size);
                assert!(t.iter().all(|&b| b == 7));
                a.dealloc(q, Layout::from_size_align(size * 2, 64).unwrap());
            }
        }
    }
}
