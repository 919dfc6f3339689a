//! A counting global allocator, so INFO's `used_memory` reports real bytes as Redis's
//! zmalloc does. The binary installs it with `#[global_allocator]` around the inner allocator
//! it chose (see docs/ARCHITECTURE.md "Allocator"): generic, so the counting is written once.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counters per thread, each on its own cache lines, so I/O threads that allocate at once do
/// not fight over one line (as Redis 7.0's zmalloc keeps a counter per thread). The first
/// `OWNED` threads to allocate each own a slot and update it with a plain load and store (one
/// writer, no locked instruction); later threads share the last slot with atomic adds.
/// Readers sum every slot; a block freed on another thread than it was allocated on makes
/// one slot's share go "negative", which the wrapping sum absorbs.
const OWNED: usize = 64;

#[repr(align(128))]
struct Slot {
    bytes: AtomicUsize,
    calls: AtomicUsize,
}

#[allow(clippy::declare_interior_mutable_const)] // Only used to build the array below.
const EMPTY: Slot = Slot {
    bytes: AtomicUsize::new(0),
    calls: AtomicUsize::new(0),
};
static SLOTS: [Slot; OWNED + 1] = [EMPTY; OWNED + 1];
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Const-initialized and without a destructor: usable from the allocator at any point of
    // a thread's life, and its first use allocates nothing.
    static MY_SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// Adds `bytes` (wrapping; a free passes its negation) and `calls` to this thread's slot.
#[inline]
fn count(bytes: usize, calls: usize) {
    let mut i = MY_SLOT.with(Cell::get);
    if i == usize::MAX {
        i = NEXT_SLOT.fetch_add(1, Ordering::Relaxed).min(OWNED);
        MY_SLOT.with(|c| c.set(i));
    }
    let slot = &SLOTS[i];
    if i < OWNED {
        // This thread is the slot's only writer: a load and a store cannot lose an update.
        let b = slot.bytes.load(Ordering::Relaxed);
        slot.bytes.store(b.wrapping_add(bytes), Ordering::Relaxed);
        let c = slot.calls.load(Ordering::Relaxed);
        slot.calls.store(c.wrapping_add(calls), Ordering::Relaxed);
    } else {
        slot.bytes.fetch_add(bytes, Ordering::Relaxed);
        slot.calls.fetch_add(calls, Ordering::Relaxed);
    }
}

/// Allocations (and reallocations) made through `CountingAlloc` so far: tests use it to check
/// that a path allocates nothing.
pub fn allocation_calls() -> usize {
    SLOTS.iter().fold(0usize, |n, s| {
        n.wrapping_add(s.calls.load(Ordering::Relaxed))
    })
}

/// Bytes currently allocated through `CountingAlloc` (requested sizes, not usable sizes).
pub fn allocated() -> usize {
    SLOTS.iter().fold(0usize, |n, s| {
        n.wrapping_add(s.bytes.load(Ordering::Relaxed))
    })
}

/// Wraps the inner allocator `A` (e.g. `std::alloc::System`) and counts live bytes.
pub struct CountingAlloc<A>(pub A);

// SAFETY: every method forwards to the inner allocator `A` with the caller's arguments
// unchanged, and `A: GlobalAlloc` means `A` upholds all of `GlobalAlloc`'s contracts (layout
// validity, pointer provenance, no unwinding); so do we, since each pointer we return came from
// `A` and each pointer we free goes back to the same `A`. The only extra work is `count`: a
// const-initialized thread-local read and relaxed atomic updates, which neither allocate nor
// panic.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAlloc<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = self.0.alloc(layout);
        count(if p.is_null() { 0 } else { layout.size() }, 1);
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.0.dealloc(ptr, layout);
        count(layout.size().wrapping_neg(), 0);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = self.0.alloc_zeroed(layout);
        count(if p.is_null() { 0 } else { layout.size() }, 1);
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = self.0.realloc(ptr, layout, new_size);
        if p.is_null() {
            count(0, 1);
        } else {
            count(new_size.wrapping_sub(layout.size()), 1);
        }
        p
    }
}
