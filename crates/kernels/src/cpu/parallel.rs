//! Data parallelism in which the calling thread works too.
//!
//! Every kernel is called from Node's main thread, which is not one of rayon's
//! workers. Handing work to rayon from outside its pool (`par_iter`, `join`)
//! puts the whole job on the pool and puts the caller to sleep until it is done:
//! two or more context switches per op, ~10–40 µs on a small VM — more than a
//! small op's work, paid by every op of a DRAW step (thousands of them).
//!
//! Here the caller and up to `threads() − 1` pool helpers take tasks from one
//! counter. The caller never waits for a helper that has not started: if none
//! arrives in time the caller does every task itself, and it only waits (by
//! spinning) for tasks a helper has already claimed and is running.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::threads;

/// The task function, with its lifetime erased so late helpers can hold the
/// shared state; it is only called for a claimed task (see `Shared::work`).
struct TaskFn(*const (dyn Fn(usize) + Sync));

// SAFETY: the pointee is Sync and is only called while the caller of
// `for_each_task` is still inside that call (see `Shared::work`).
unsafe impl Send for TaskFn {}
unsafe impl Sync for TaskFn {}

struct Shared {
    next: AtomicUsize,
    done: AtomicUsize,
    n: usize,
    f: TaskFn,
    panicked: AtomicBool,
    payload: Mutex<Option<Box<dyn std::any::Any + Send>>>,
}

impl Shared {
    /// Claims and runs tasks until none is left. A task index below `n` is only
    /// handed out while the caller is still waiting for `done` to reach `n`, so
    /// the function and everything it borrows are alive whenever it is called; a
    /// helper that starts after the last claim returns without touching them.
    fn work(&self) {
        loop {
            let i = self.next.fetch_add(1, Ordering::AcqRel);
            if i >= self.n {
                return;
            }
            // SAFETY: task i < n was claimed, so the caller is still waiting (above).
            let f = unsafe { &*self.f.0 };
            if let Err(p) = catch_unwind(AssertUnwindSafe(|| f(i))) {
                self.panicked.store(true, Ordering::Release);
                lock(&self.payload).get_or_insert(p);
            }
            self.done.fetch_add(1, Ordering::Release);
        }
    }
}

/// Runs `f(i)` for every `i` in `0..n`, on the calling thread and on up to
/// `threads() − 1` helpers, in any order. Returns when every task has run; a
/// panic in a task is re-raised here after the others have finished.
pub fn for_each_task(n: usize, f: impl Fn(usize) + Sync) {
    let helpers = threads().saturating_sub(1).min(n.saturating_sub(1));
    if helpers == 0 {
        (0..n).for_each(f);
        return;
    }
    let f: &(dyn Fn(usize) + Sync) = &f;
    // SAFETY: only the lifetime is erased; `Shared::work` calls the function only
    // for claimed tasks, and this function returns only after all n have run.
    let f: *const (dyn Fn(usize) + Sync + 'static) = unsafe { std::mem::transmute(f) };
    let shared = Arc::new(Shared {
        next: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
        n,
        f: TaskFn(f),
        panicked: AtomicBool::new(false),
        payload: Mutex::new(None),
    });
    for _ in 0..helpers {
        let s = Arc::clone(&shared);
        rayon::spawn(move || s.work());
    }
    shared.work();
    let mut spins = 0u32;
    while shared.done.load(Ordering::Acquire) < n {
        // The remaining tasks are running on helpers: a short wait.
        spins += 1;
        if spins < 1 << 12 {
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
        }
    }
    if shared.panicked.load(Ordering::Acquire) {
        let p = shared
            .payload
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        resume_unwind(p.unwrap_or_else(|| Box::new("a parallel task panicked")));
    }
}

/// A poisoned lock still holds usable data here (the panic is re-raised anyway).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f(item)` for every item, each handed to exactly one task, in parallel
/// as `for_each_task` (for work that owns its piece: mutable slices, closures).
pub fn for_each_owned<T: Send>(items: Vec<T>, f: impl Fn(T) + Sync) {
    let slots: Vec<Mutex<Option<T>>> = items.into_iter().map(|t| Mutex::new(Some(t))).collect();
    for_each_task(slots.len(), |i| {
        f(lock(&slots[i]).take().expect("each item is taken once"))
    });
}

/// `(f(ta), g(tb))` side by side, each given its share of the threads (one each
/// on two cores, the calling thread taking one): two small GEMMs split that way
/// beat the same two GEMMs each split across every thread.
pub fn join<A: Send, B: Send>(
    f: impl FnOnce(usize) -> A + Send,
    g: impl FnOnce(usize) -> B + Send,
) -> (A, B) {
    let t = threads();
    if t < 2 {
        return (f(1), g(1));
    }
    enum Side<F, G> {
        First(F),
        Second(G),
    }
    let (ra, rb) = (Mutex::new(None), Mutex::new(None));
    for_each_owned(vec![Side::First(f), Side::Second(g)], |side| match side {
        Side::First(f) => *lock(&ra) = Some(f(t / 2)),
        Side::Second(g) => *lock(&rb) = Some(g(t - t / 2)),
    });
    let (a, b) = (lock(&ra).take(), lock(&rb).take());
    (
        a.expect("the first side ran"),
        b.expect("the second side ran"),
    )
}

/// A buffer split among tasks: each task borrows its own disjoint part.
pub struct Parts<T> {
    ptr: *mut T,
    len: usize,
}

// SAFETY: tasks only borrow disjoint ranges (the contract of `part`).
unsafe impl<T: Send> Send for Parts<T> {}
unsafe impl<T: Send> Sync for Parts<T> {}

impl<T> Parts<T> {
    pub fn new(data: &mut [T]) -> Self {
        Parts {
            ptr: data.as_mut_ptr(),
            len: data.len(),
        }
    }

    /// `data[start..start + len]`, mutably.
    ///
    /// # Safety
    /// No two live borrows from the same `Parts` may overlap.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn part(&self, start: usize, len: usize) -> &mut [T] {
        assert!(
            start <= self.len && len <= self.len - start,
            "Parts: range out of bounds"
        );
        // SAFETY: in bounds (checked); disjointness is the caller's contract.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.add(start), len) }
    }
}

/// Runs `f(index, chunk)` over `data` cut into chunks of `chunk` elements (the
/// last may be shorter), in parallel as `for_each_task`.
pub fn for_each_chunk_mut<T: Send>(
    data: &mut [T],
    chunk: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    let chunk = chunk.max(1);
    let len = data.len();
    let parts = Parts::new(data);
    for_each_task(len.div_ceil(chunk), |i| {
        let start = i * chunk;
        // SAFETY: chunk i covers [i·chunk, (i+1)·chunk) ∩ [0, len): disjoint per task.
        f(i, unsafe { parts.part(start, chunk.min(len - start)) });
    });
}

/// Runs `f(row_index, row)` over `data` cut into rows of `row` elements, rows
/// grouped into tasks of at least `min_task` elements (so a task is worth its
/// hand-off), in parallel as `for_each_task`.
pub fn for_each_row_mut<T: Send>(
    data: &mut [T],
    row: usize,
    min_task: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    if row == 0 {
        return;
    }
    let per_task = min_task.div_ceil(row).max(1);
    for_each_chunk_mut(data, per_task * row, |t, chunk| {
        for (j, r) in chunk.chunks_mut(row).enumerate() {
            f(t * per_task + j, r);
        }
    });
}

/// `(0..n).map(f).collect()`, the calls in parallel as `for_each_task`.
pub fn map_collect<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    for_each_chunk_mut(&mut slots, 1, |i, slot| slot[0] = Some(f(i)));
    slots
        .into_iter()
        .map(|v| v.expect("every task ran"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_runs_once() {
        for n in [0, 1, 2, 3, 17, 1000] {
            let hits: Vec<AtomicUsize> = (0..n).map(|_| AtomicUsize::new(0)).collect();
            for_each_task(n, |i| {
                hits[i].fetch_add(1, Ordering::Relaxed);
            });
            assert!(
                hits.iter().all(|h| h.load(Ordering::Relaxed) == 1),
                "n = {n}"
            );
        }
    }

    #[test]
    fn chunks_cover_the_buffer_disjointly() {
        let mut v = vec![0usize; 1001];
        for_each_chunk_mut(&mut v, 64, |i, c| c.iter_mut().for_each(|x| *x += i + 1));
        for (j, &x) in v.iter().enumerate() {
            assert_eq!(x, j / 64 + 1);
        }
    }

    #[test]
    fn join_runs_both_sides_and_owned_items_once() {
        assert_eq!(join(|_| 1, |_| "two"), (1, "two"));
        let seen = Mutex::new(Vec::new());
        for_each_owned((0..9).collect(), |i: usize| lock(&seen).push(i));
        let mut v = seen.into_inner().unwrap();
        v.sort();
        assert_eq!(v, (0..9).collect::<Vec<_>>());
    }

    #[test]
    fn rows_and_collect() {
        let mut v = vec![0usize; 10 * 7];
        for_each_row_mut(&mut v, 7, 20, |r, row| row.iter_mut().for_each(|x| *x = r));
        assert!(v
            .chunks(7)
            .enumerate()
            .all(|(r, row)| row.iter().all(|&x| x == r)));
        assert_eq!(map_collect(5, |i| i * i), vec![0, 1, 4, 9, 16]);
    }

    #[test]
    fn a_panicking_task_is_reraised_after_the_others_finish() {
        let ran = AtomicUsize::new(0);
        let r = catch_unwind(AssertUnwindSafe(|| {
            for_each_task(64, |i| {
                ran.fetch_add(1, Ordering::Relaxed);
                assert!(i != 5, "task five");
            })
        }));
        assert!(r.is_err());
        assert_eq!(ran.load(Ordering::Relaxed), 64);
    }

    #[test]
    fn nested_calls_from_helpers_finish() {
        let total = AtomicUsize::new(0);
        for_each_task(4, |_| {
            for_each_task(8, |_| {
                total.fetch_add(1, Ordering::Relaxed);
            })
        });
        assert_eq!(total.load(Ordering::Relaxed), 32);
    }
}
