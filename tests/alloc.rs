//! Heap allocations on the read path, counted by a global allocator that counts only on the
//! calling thread and only while asked to (so the harness, other tests and the store's
//! background threads do not interfere).
//!
//! A zero-copy read (`get_with`) allocates nothing; `get` allocates exactly its result.
//!
//! What is counted is Rust's heap. LMDB's C code calls `malloc` directly and is not seen here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use keyp::{ExpireCondition, Store};

struct CountingAllocator;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn note_allocation() {
    // `try_with`: the thread-locals may already be gone while a thread shuts down.
    let counting = COUNTING.try_with(Cell::get).unwrap_or(false);
    if counting {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
}

// SAFETY: every method forwards to the system allocator with the caller's arguments unchanged;
// the counting touches only const-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded as is; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded as is; the caller upholds `GlobalAlloc::alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_allocation();
        // SAFETY: forwarded as is; `ptr` came from this allocator, i.e. from `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is; `ptr` came from this allocator, i.e. from `System`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Runs `f` and returns its result with the number of allocations it made on this thread.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|c| c.set(true));
    let result = f();
    COUNTING.with(|c| c.set(false));
    (result, ALLOCATIONS.with(Cell::get))
}

/// A store holding a short key, a long (hashed) key, a key with a deadline and an empty value.
fn fixture() -> keyp::Result<(tempfile::TempDir, Store, Vec<u8>)> {
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let long_key = vec![b'k'; 1000];
    store.set("short", "a value of some length")?;
    store.set(&long_key, "the long key's value")?;
    store.set("expiring", "soon gone")?;
    store.expire("expiring", 3600, ExpireCondition::Always)?;
    store.set("empty", "")?;
    Ok((dir, store, long_key))
}

#[test]
fn zero_copy_get_with_allocates_nothing() -> keyp::Result<()> {
    let (_dir, store, long_key) = fixture()?;
    let keys: [&[u8]; 5] = [b"short", &long_key, b"expiring", b"empty", b"missing"];
    for key in keys {
        let warm = store.get_with(key, |v| v.map(<[u8]>::len))?;
        let (len, count) = allocations(|| store.get_with(key, |v| v.map(<[u8]>::len)));
        assert_eq!(len?, warm);
        assert_eq!(
            count,
            0,
            "get_with({:?}) allocated",
            String::from_utf8_lossy(key)
        );
    }
    // The same through an explicit snapshot, several reads in one.
    let (sum, count) = allocations(|| {
        store.read(|r| {
            let mut sum = 0;
            for key in keys {
                sum += r.get_with(key, |v| v.map_or(0, <[u8]>::len))?;
            }
            Ok(sum)
        })
    });
    assert_eq!(sum?, 22 + 20 + 9);
    assert_eq!(count, 0, "reads in one snapshot allocated");
    Ok(())
}

#[test]
fn get_allocates_only_the_returned_value() -> keyp::Result<()> {
    let (_dir, store, long_key) = fixture()?;
    // (key, value, allocations of a GET)
    type Case<'a> = (&'a [u8], Option<&'a [u8]>, usize);
    let cases: [Case; 5] = [
        (b"short", Some(b"a value of some length"), 1),
        (&long_key, Some(b"the long key's value"), 1),
        (b"expiring", Some(b"soon gone"), 1),
        (b"empty", Some(b""), 0),
        (b"missing", None, 0),
    ];
    for (key, want, expected) in cases {
        store.get(key)?;
        let (value, count) = allocations(|| store.get(key));
        assert_eq!(value?.as_deref(), want);
        assert_eq!(
            count,
            expected,
            "get({:?}) allocations",
            String::from_utf8_lossy(key)
        );
    }
    Ok(())
}

#[test]
fn strlen_exists_and_ttl_allocate_nothing() -> keyp::Result<()> {
    let (_dir, store, long_key) = fixture()?;
    for key in [&b"short"[..], &long_key, b"expiring", b"missing"] {
        store.strlen(key)?;
        let (_, count) = allocations(|| -> keyp::Result<()> {
            store.strlen(key)?;
            store.exists(&[key])?;
            store.ttl(key)?;
            store.expire_time(key)?;
            store.key_type(key)?;
            Ok(())
        });
        assert_eq!(count, 0, "{:?}", String::from_utf8_lossy(key));
    }
    Ok(())
}

/// The counter works: without this, the zeros above would prove nothing.
#[test]
fn the_counter_counts() {
    let (boxed, count) = allocations(|| Box::new(7u64));
    assert_eq!((*boxed, count), (7, 1));
    let (bytes, count) = allocations(|| keyp::Bytes::copy_from_slice(b"abc"));
    assert_eq!((&bytes[..], count), (&b"abc"[..], 1));
    let ((), count) = allocations(|| ());
    assert_eq!(count, 0);
}
