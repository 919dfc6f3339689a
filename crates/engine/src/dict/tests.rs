//! Dict tests: a seeded model check against std's HashMap, SCAN under
//! mutation, rehash invariants and sampling.

use super::*;
use std::collections::{HashMap, HashSet};

type Key = Box<[u8]>;

/// xorshift64*: deterministic test randomness.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn key(i: u64) -> Key {
    format!("key:{i}").into_bytes().into_boxed_slice()
}

/// Structural invariants that must hold between any two operations.
fn check_invariants<V>(d: &Dict<Key, V>) {
    let mut seen = HashSet::new();
    for (t, table) in d.tables.iter().enumerate() {
        let n = table.buckets.len();
        assert!(n == 0 || n.is_power_of_two(), "table {t} size {n}");
        if t == 1 && d.rehash_idx.is_none() {
            assert_eq!(n, 0, "table 1 allocated while not rehashing");
        }
        let mut count = 0;
        for (i, bucket) in table.buckets.iter().enumerate() {
            if t == 0 {
                if let Some(r) = d.rehash_idx {
                    if i < r {
                        assert!(bucket.is_none(), "migrated bucket {i} not empty");
                    }
                }
            }
            let mut cur = bucket.as_deref();
            while let Some(node) = cur {
                let k = node.key.as_ref();
                assert_eq!((d.hash_key(k) & table.mask()) as usize, i, "misplaced key");
                assert!(seen.insert(k.to_vec()), "duplicate key");
                count += 1;
                cur = node.next.as_deref();
            }
        }
        assert_eq!(count, table.used, "table {t} used count");
    }
    if d.rehash_idx.is_some() {
        assert!(!d.tables[1].buckets.is_empty());
        assert!(d.tables[0].used > 0, "finished rehash not swapped");
    }
}

#[test]
fn node_is_lean() {
    // 16-byte boxed slice + 8-byte value + 8-byte link.
    assert_eq!(std::mem::size_of::<Node<Box<[u8]>, u64>>(), 32);
    assert_eq!(std::mem::size_of::<Link<Box<[u8]>, u64>>(), 8);
}

#[test]
fn randomized_against_hashmap() {
    for seed in [1u64, 7, 0xdead_beef] {
        let mut rng = Rng(seed);
        let mut d: Dict<Key, u64> = Dict::with_seed(u128::from(seed) * 0x1_0000_0001);
        let mut m: HashMap<Vec<u8>, u64> = HashMap::new();
        // Phases with different key ranges make the table grow and shrink.
        for op in 0..30_000u64 {
            let range = match (op / 5000) % 3 {
                0 => 3000,
                1 => 300,
                _ => 20,
            };
            let k = key(rng.next() % range);
            match rng.next() % 10 {
                0..=3 => {
                    let v = rng.next();
                    assert_eq!(d.insert(k.clone(), v), m.insert(k.to_vec(), v));
                }
                4..=6 => {
                    let got = d.remove(&k);
                    let want = m.remove(k.as_ref());
                    assert_eq!(
                        got.map(|(rk, v)| (rk.to_vec(), v)),
                        want.map(|v| (k.to_vec(), v))
                    );
                }
                7 => {
                    let got = d.get_mut(&k).map(|v| {
                        *v += 1;
                        *v
                    });
                    let want = m.get_mut(k.as_ref()).map(|v| {
                        *v += 1;
                        *v
                    });
                    assert_eq!(got, want);
                }
                8 => {
                    let (v, inserted) = d.get_or_insert_with(&k, || (k.clone(), 5));
                    let want_inserted = !m.contains_key(k.as_ref());
                    let mv = m.entry(k.to_vec()).or_insert(5);
                    assert_eq!((*v, inserted), (*mv, want_inserted));
                }
                _ => {
                    assert_eq!(d.get(&k), m.get(k.as_ref()));
                    assert_eq!(d.contains_key(&k), m.contains_key(k.as_ref()));
                }
            }
            assert_eq!(d.len(), m.len());
            if op % 997 == 0 {
                check_invariants(&d);
                let all: HashMap<Vec<u8>, u64> = d.iter().map(|(k, v)| (k.to_vec(), *v)).collect();
                assert_eq!(all, m);
                assert_eq!(d.iter().len(), m.len());
            }
        }
        check_invariants(&d);
        let drained: HashMap<Vec<u8>, u64> = d.drain().map(|(k, v)| (k.to_vec(), v)).collect();
        assert_eq!(drained, m);
        assert!(d.is_empty());
        check_invariants(&d);
    }
}

#[test]
fn replace_keeps_old_key() {
    // Keys whose bytes are equal but whose allocations differ.
    let mut d: Dict<Vec<u8>, u32> = Dict::new();
    let a = b"k".to_vec();
    let a_ptr = a.as_ptr();
    d.insert(a, 1);
    assert_eq!(d.insert(b"k".to_vec(), 2), Some(1));
    let (k, v) = d
        .get_key_value(b"k")
        .map(|(k, v)| (k.as_ptr(), *v))
        .unwrap_or_default();
    assert_eq!((k, v), (a_ptr, 2));
}

#[test]
fn grows_and_shrinks_incrementally() {
    let mut d: Dict<Key, u64> = Dict::with_seed(42);
    assert_eq!(d.bucket_count(), 0);
    for i in 0..4 {
        d.insert(key(i), i);
    }
    assert_eq!(d.bucket_count(), 4);
    d.insert(key(4), 4); // used (4) >= size (4): start growing to 8
    assert!(d.is_rehashing());
    assert_eq!(d.tables[1].buckets.len(), 8);
    check_invariants(&d);
    for i in 5..5000 {
        let before = d.tables[0].used;
        let was = d.is_rehashing();
        d.insert(key(i), i);
        if was && d.is_rehashing() {
            // One bucket per operation: a handful of entries, never O(n).
            assert!(before - d.tables[0].used <= 8, "moved too much at {i}");
        }
    }
    check_invariants(&d);
    while d.rehash(100) {}
    assert_eq!(d.tables[0].buckets.len(), 8192);
    for i in 0..4990 {
        d.remove(&key(i));
    }
    while d.rehash(100) {}
    d.shrink_if_needed();
    while d.rehash(100) {}
    check_invariants(&d);
    assert_eq!(d.len(), 10);
    assert_eq!(d.tables[0].buckets.len(), 16);
    for i in 4990..5000 {
        assert_eq!(d.get(&key(i)), Some(&i));
    }
    for i in 4990..5000 {
        d.remove(&key(i));
        check_invariants(&d);
    }
    assert_eq!((d.len(), d.bucket_count(), d.is_rehashing()), (0, 4, false));
    d.insert(key(1), 1);
    d.clear();
    assert_eq!((d.len(), d.bucket_count()), (0, 0));
}

/// Runs a full SCAN while `mutate` changes the dict between calls; checks
/// every key in `stable` (never touched by `mutate`) was reported.
fn scan_with<F: FnMut(&mut Dict<Key, u64>, usize)>(
    d: &mut Dict<Key, u64>,
    stable: &[Key],
    mut mutate: F,
) {
    let mut seen: HashSet<Vec<u8>> = HashSet::new();
    let mut cursor = 0;
    let mut calls = 0;
    loop {
        cursor = d.scan(cursor, |k, _| {
            seen.insert(k.to_vec());
        });
        calls += 1;
        assert!(calls < 1_000_000, "scan does not terminate");
        if cursor == 0 {
            break;
        }
        mutate(d, calls);
        if calls % 64 == 0 {
            check_invariants(d);
        }
    }
    for k in stable {
        assert!(
            seen.contains(k.as_ref()),
            "scan missed {:?}",
            String::from_utf8_lossy(k)
        );
    }
}

#[test]
fn scan_survives_growth_and_shrink() {
    for seed in 0..6u64 {
        let mut d: Dict<Key, u64> = Dict::with_seed(u128::from(seed) << 3);
        let stable: Vec<Key> = (0..300).map(|i| key(i * 1000 + seed)).collect();
        for k in &stable {
            d.insert(k.clone(), 0);
        }
        let mut rng = Rng(seed + 1);
        let mut extra: Vec<Key> = Vec::new();
        let mut next_extra = 0u64;
        let mut sizes = HashSet::new();
        let mut saw_rehash = false;
        scan_with(&mut d, &stable, |d, call| {
            // Alternate bursts of growth and mass deletion.
            let grow = (call / 20 + seed as usize).is_multiple_of(2);
            for _ in 0..(rng.next() % 200) {
                if grow {
                    let k = format!("extra:{next_extra}")
                        .into_bytes()
                        .into_boxed_slice();
                    next_extra += 1;
                    d.insert(k.clone(), 1);
                    extra.push(k);
                } else if let Some(k) = extra.pop() {
                    d.remove(&k);
                }
            }
            saw_rehash |= d.is_rehashing();
            sizes.insert(d.tables[0].buckets.len());
        });
        assert!(saw_rehash);
        assert!(sizes.len() > 2, "table size never changed: {sizes:?}");
    }
}

#[test]
fn scan_survives_shrink_from_large() {
    let mut d: Dict<Key, u64> = Dict::with_seed(9);
    let stable: Vec<Key> = (0..50).map(key).collect();
    for k in &stable {
        d.insert(k.clone(), 0);
    }
    let junk: Vec<Key> = (0..20_000)
        .map(|i| format!("j{i}").into_bytes().into())
        .collect();
    for k in &junk {
        d.insert(k.clone(), 0);
    }
    let mut left = junk.len();
    scan_with(&mut d, &stable, |d, _| {
        for _ in 0..800 {
            if left > 0 {
                left -= 1;
                d.remove(&junk[left]);
            }
        }
    });
    // Scanning a plain table from 0 reports each element exactly once.
    while d.rehash(100) {}
    let mut count = 0;
    let mut cursor = 0;
    loop {
        cursor = d.scan(cursor, |_, _| count += 1);
        if cursor == 0 {
            break;
        }
    }
    assert_eq!(count, d.len());
}

#[test]
fn scan_empty_and_iter_mut() {
    let mut d: Dict<Key, u64> = Dict::new();
    assert_eq!(d.scan(0, |_, _| unreachable!()), 0);
    assert_eq!(d.scan(12345, |_, _| unreachable!()), 0);
    for i in 0..100 {
        d.insert(key(i), i);
    }
    for (_, v) in d.iter_mut() {
        *v *= 2;
    }
    for (k, v) in &d {
        let i: u64 = std::str::from_utf8(&k[4..])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        assert_eq!(*v, 2 * i);
    }
    // Arbitrary cursors must not panic.
    for c in [1u64, u64::MAX, 1 << 63, 0xabc] {
        d.scan(c, |_, _| {});
    }
    let n = d.into_iter().count();
    assert_eq!(n, 100);
}

#[test]
fn random_entry_covers_keys() {
    let mut d: Dict<Key, u64> = Dict::with_seed(3);
    let mut rng = Rng(99);
    assert!(d.random_entry(&mut || rng.next()).is_none());
    for i in 0..200 {
        d.insert(key(i), i);
    }
    // Mid-rehash too: insert to trigger a grow and sample during it.
    for i in 200..260 {
        d.insert(key(i), i);
    }
    let mut hits: HashMap<u64, u32> = HashMap::new();
    for _ in 0..40_000 {
        let (k, v) = d
            .random_entry(&mut || rng.next())
            .map(|(k, v)| (k.clone(), *v))
            .unwrap_or_default();
        assert_eq!(d.get(&k), Some(&v));
        *hits.entry(v).or_default() += 1;
    }
    assert_eq!(hits.len(), 260, "some keys never drawn");
    // A degenerate rng must still terminate.
    for _ in 0..3 {
        assert!(d.random_entry(&mut || 0).is_some());
        assert!(d.random_entry(&mut || u64::MAX).is_some());
    }
    let mut one: Dict<Key, u64> = Dict::new();
    one.insert(key(1), 1);
    for _ in 0..1000 {
        one.insert(key(2), 2);
        one.remove(&key(2));
    }
    assert_eq!(one.random_entry(&mut || 3).map(|(_, v)| *v), Some(1));
}

/// Pearson's chi-square of draw counts against a uniform expectation.
fn chi_square(hits: &HashMap<u64, u32>, draws: u32) -> f64 {
    let expected = draws as f64 / hits.len() as f64;
    hits.values()
        .map(|&h| (h as f64 - expected).powi(2) / expected)
        .sum()
}

#[test]
fn fair_random_entry_is_uniform_on_small_dicts() {
    // Redis's test: 10 members in a hashtable, 1000 draws, chi-square (df = 9) under 40.
    // A random bucket then a random chain element gives chained entries half the chance.
    for seed in 1..20u64 {
        let mut d: Dict<Key, u64> = Dict::with_seed(seed as u128);
        for i in 0..10 {
            d.insert(key(i), i);
        }
        let mut rng = Rng(seed * 7919);
        let mut hits: HashMap<u64, u32> = HashMap::new();
        for _ in 0..1000 {
            let (_, v) = d.fair_random_entry(&mut || rng.next()).expect("entry");
            *hits.entry(*v).or_default() += 1;
        }
        assert_eq!(hits.len(), 10);
        let chi = chi_square(&hits, 1000);
        assert!(chi < 40.0, "seed {seed}: chi-square {chi}");
    }
}

#[test]
fn sample_returns_present_entries() {
    let mut d: Dict<Key, u64> = Dict::with_seed(5);
    let mut rng = Rng(12);
    assert!(d.sample(10, &mut || rng.next()).is_empty());
    for i in 0..1000 {
        d.insert(key(i), i);
        if i % 97 == 0 {
            let s = d.sample(20, &mut || rng.next());
            assert!(!s.is_empty() && s.len() <= 20);
            for (k, v) in s {
                assert_eq!(d.get(k), Some(v));
            }
        }
    }
    assert!(d.sample(0, &mut || rng.next()).is_empty());
    assert!(d.sample(5000, &mut || 0).len() <= 1000);
    // Sparse table: mostly empty buckets, still finds something.
    for i in 0..995 {
        d.remove(&key(i));
    }
    let s = d.sample(3, &mut || rng.next());
    assert!(!s.is_empty());
}

#[test]
fn fair_random_entry_draws_present_entries_from_large_dicts() {
    let mut big: Dict<Key, u64> = Dict::with_seed(5);
    for i in 0..1000 {
        big.insert(key(i), i);
    }
    let mut rng = Rng(1);
    for _ in 0..1000 {
        let (k, v) = big.fair_random_entry(&mut || rng.next()).unwrap();
        assert_eq!(big.get(k), Some(v));
    }
}
