//! MEMORY USAGE: an estimate of the bytes a key takes in this implementation, built the way
//! Redis's `objectComputeSize` builds its own: fixed structures measured exactly, and the
//! per-element parts of large collections measured on the first `samples` elements and
//! scaled to all (`samples` 0: every element).

use super::{hash::Hash, set::Set, zset::ZSet, RString, Value};
use crate::dict::Dict;
use crate::key::Key;

/// Sums `sizes` of the first `samples` of `len` elements (all when `samples` is 0 or at least
/// `len`) and scales the sum to `len` elements.
pub fn sampled(sizes: impl Iterator<Item = usize>, len: usize, samples: usize) -> usize {
    let take = if samples == 0 { len } else { samples.min(len) };
    if take == 0 {
        return 0;
    }
    let sum: usize = sizes.take(take).sum();
    if take == len {
        sum
    } else {
        (sum as f64 / take as f64 * len as f64) as usize
    }
}

impl Value {
    /// Bytes the value allocates beyond the keyspace entry that holds it.
    pub fn heap_bytes(&self, samples: usize) -> usize {
        match self {
            Value::Str(s) => match s {
                RString::Int(_) | RString::Small { .. } => 0,
                RString::Emb(b) => b.len(),
                RString::Raw(v) => v.capacity(),
            },
            Value::List(l) => std::mem::size_of_val(&**l) + l.heap_bytes(samples),
            Value::Hash(h) => {
                std::mem::size_of_val(&**h)
                    + match &**h {
                        Hash::Listpack(p) => p.heap_bytes(),
                        Hash::Table(d) => {
                            let fields =
                                sampled(d.iter().map(|(k, v)| k.len() + v.len()), d.len(), samples);
                            std::mem::size_of::<Dict<bytes::Bytes, bytes::Bytes>>()
                                + d.table_bytes()
                                + fields
                        }
                    }
            }
            Value::Set(s) => {
                std::mem::size_of_val(&**s)
                    + match &**s {
                        Set::Intset(v) => v.capacity() * 8,
                        Set::Table(d) => {
                            d.table_bytes()
                                + sampled(d.iter().map(|(k, _)| k.len()), d.len(), samples)
                        }
                    }
            }
            Value::ZSet(z) => {
                std::mem::size_of_val(&**z)
                    + match &**z {
                        ZSet::Listpack(p) => p.heap_bytes(),
                        ZSet::Skiplist(big) => {
                            std::mem::size_of_val(&**big)
                                + big.zsl.heap_bytes(samples)
                                + big.dict.table_bytes()
                                + sampled(
                                    big.dict.iter().map(|(m, _)| m.len()),
                                    big.dict.len(),
                                    samples,
                                )
                        }
                    }
            }
        }
    }
}

/// MEMORY USAGE of a key: its node in the keyspace table (key and entry inline), a long
/// key's block, the value's allocations, and the expiry table's node when it has a TTL.
pub fn key_usage(key: &Key, value: &Value, has_ttl: bool, samples: usize) -> usize {
    let node = Dict::<Key, crate::value::Entry>::node_bytes();
    let expiry = if has_ttl {
        Dict::<Key, i64>::node_bytes() + key.heap_bytes()
    } else {
        0
    };
    node + key.heap_bytes() + value.heap_bytes(samples) + expiry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampling_scales_to_the_whole() {
        assert_eq!(sampled([10, 20, 30, 40].into_iter(), 4, 0), 100);
        assert_eq!(sampled([10, 20, 30, 40].into_iter(), 4, 2), 30 / 2 * 4);
        assert_eq!(sampled([10, 20].into_iter(), 2, 5), 30);
        assert_eq!(sampled(std::iter::empty(), 0, 5), 0);
    }
}
