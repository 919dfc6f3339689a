//! SipHash (Aumasson & Bernstein), written from the paper. The dict uses the
//! 1-2 variant, as Redis's dict does: fast for short keys, and with a secret seed
//! clients cannot craft colliding keys to degrade buckets into long chains.
//! (1-3, what Rust's std uses, costs one more round per key: about a tenth of
//! the hash for a short key.)

#[inline]
fn sip_round(v: &mut [u64; 4]) {
    v[0] = v[0].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(13) ^ v[0];
    v[0] = v[0].rotate_left(32);
    v[2] = v[2].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(16) ^ v[2];
    v[0] = v[0].wrapping_add(v[3]);
    v[3] = v[3].rotate_left(21) ^ v[0];
    v[2] = v[2].wrapping_add(v[1]);
    v[1] = v[1].rotate_left(17) ^ v[2];
    v[2] = v[2].rotate_left(32);
}

/// SipHash-c-d of `data` under the 128-bit key (`k0`, `k1`).
pub(crate) fn siphash<const C: usize, const D: usize>(k0: u64, k1: u64, data: &[u8]) -> u64 {
    let mut v = [
        k0 ^ 0x736f_6d65_7073_6575,
        k1 ^ 0x646f_7261_6e64_6f6d,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ];
    let mut words = data.chunks_exact(8);
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        let m = u64::from_le_bytes(b);
        v[3] ^= m;
        for _ in 0..C {
            sip_round(&mut v);
        }
        v[0] ^= m;
    }
    // Last block: leftover bytes, with the length's low byte on top.
    let mut last = [0u8; 8];
    let tail = words.remainder();
    last[..tail.len()].copy_from_slice(tail);
    let m = u64::from_le_bytes(last) | ((data.len() as u64) << 56);
    v[3] ^= m;
    for _ in 0..C {
        sip_round(&mut v);
    }
    v[0] ^= m;
    v[2] ^= 0xff;
    for _ in 0..D {
        sip_round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

/// SipHash-1-2, the dict's hash.
#[inline]
pub(crate) fn siphash12(k0: u64, k1: u64, data: &[u8]) -> u64 {
    siphash::<1, 2>(k0, k1, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_vector_2_4() {
        // Appendix A of the SipHash paper: key 00..0f, message 00..0e.
        let k0 = u64::from_le_bytes([0, 1, 2, 3, 4, 5, 6, 7]);
        let k1 = u64::from_le_bytes([8, 9, 10, 11, 12, 13, 14, 15]);
        let msg: Vec<u8> = (0..15).collect();
        assert_eq!(siphash::<2, 4>(k0, k1, &msg), 0xa129_ca61_49be_45e5);
    }

    #[test]
    fn matches_std_siphash13() {
        // std's DefaultHasher is SipHash-1-3 with a zero key (an unstable
        // detail, but long-standing); raw `write` hashes the bytes as-is.
        use std::hash::Hasher;
        for len in 0..40u8 {
            let data: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37)).collect();
            #[allow(deprecated)]
            let mut h = std::collections::hash_map::DefaultHasher::new();
            h.write(&data);
            assert_eq!(siphash::<1, 3>(0, 0, &data), h.finish(), "len {len}");
        }
    }
}
