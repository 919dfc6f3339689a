//! The main data structures on their own: the keyspace hash table (Dict), the sorted-set
//! skiplist, and the list.

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use engine::dict::Dict;
use engine::value::list::{End, List};
use engine::value::skiplist::SkipList;

fn keys(n: usize) -> Vec<Bytes> {
    (0..n)
        .map(|i| Bytes::from(format!("key:{i:012}")))
        .collect()
}

fn dict(c: &mut Criterion) {
    let ks = keys(100_000);
    let mut d: Dict<Bytes, u64> = Dict::with_seed(7);
    for (i, k) in ks.iter().enumerate() {
        d.insert(k.clone(), i as u64);
    }
    let mut i = 0usize;
    c.bench_function("dict/get_hit_100k", |b| {
        b.iter(|| {
            i = (i + 7919) % ks.len();
            d.get(std::hint::black_box(&ks[i]))
        })
    });
    c.bench_function("dict/insert_10k_fresh", |b| {
        b.iter_batched(
            || (Dict::<Bytes, u64>::with_seed(7), keys(10_000)),
            |(mut d, ks)| {
                for (i, k) in ks.into_iter().enumerate() {
                    d.insert(k, i as u64);
                }
                d
            },
            BatchSize::LargeInput,
        )
    });
}

fn skiplist(c: &mut Criterion) {
    let mut z = SkipList::new();
    for i in 0..100_000u32 {
        z.insert(
            f64::from(i.wrapping_mul(2_654_435_761) % 1_000_000),
            Bytes::from(format!("m{i}")),
        );
    }
    c.bench_function("skiplist/rank_100k", |b| {
        let mut i = 0u32;
        b.iter(|| {
            i = (i + 7919) % 100_000;
            let score = f64::from(i.wrapping_mul(2_654_435_761) % 1_000_000);
            z.rank(score, format!("m{i}").as_bytes())
        })
    });
    c.bench_function("skiplist/insert_remove", |b| {
        b.iter(|| {
            z.insert(500_000.5, Bytes::from_static(b"bench-member"));
            z.remove(500_000.5, b"bench-member")
        })
    });
}

fn list(c: &mut Criterion) {
    c.bench_function("list/push_pop_1k", |b| {
        let mut l = List::new();
        b.iter(|| {
            for i in 0..1000u32 {
                l.push(End::Right, &i.to_le_bytes());
            }
            while l.pop(End::Left).is_some() {}
        })
    });
}

criterion_group!(benches, dict, skiplist, list);
criterion_main!(benches);
