//! A counting global allocator, so INFO's `used_memory` reports real bytes as Redis's
//! zmalloc does. The binary installs it with `#[global_allocator]` around the inner allocator
//! it chose (see docs/ARCHITECTURE.md "Allocator"): generic, so the counting is written once.

use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static CALLS: AtomicUsize = AtomicUsize::new(0);

/// Allocations (and reallocations) made through `CountingAlloc` so far: tests use it to check
/// that a path allocates nothing.
pub fn allocation_calls() -> usize {
    CALLS.load(Ordering::Relaxed)
}

/// Bytes currently allocated through `CountingAlloc` (requested sizes, not usable sizes).
pub fn allocated() -> usize {
    ALLOCATED.load(Ordering::Relaxed)
}

/// Wraps the inner allocator `A` (e.g. `std::alloc::System`) and counts live bytes.
pub struct CountingAlloc<A>(pub A);

// SAFETY: every method forwards to the inner allocator `A` with the caller's arguments
// unchanged, and `A: GlobalAlloc` means `A` upholds all of `GlobalAlloc`'s contracts (layout
// validity, pointer provenance, no unwinding); so do we, since each pointer we return came from
// `A` and each pointer we free goes back to the same `A`. The only extra work is a relaxed
// atomic add or subtract of the layout size, which neither allocates nor panics.
unsafe impl<A: GlobalAlloc> GlobalAlloc for CountingAlloc<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = self.0.alloc(layout);
        CALLS.fetch_add(1, Ordering::Relaxed);
        if !p.is_null() {
            ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.0.dealloc(ptr, layout);
        ALLOCATED.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = self.0.alloc_zeroed(layout);
        CALLS.fetch_add(1, Ordering::Relaxed);
        if !p.is_null() {
            ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = self.0.realloc(ptr, layout, new_size);
        CALLS.fetch_add(1, Ordering::Relaxed);
        if !p.is_null() {
            ALLOCATED.fetch_sub(layout.size(), Ordering::Relaxed);
            ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}
