//! Hash slots: where a key lives when the keyspace is split into shards.
//!
//! As in Redis Cluster, a key's slot is CRC16 (XMODEM) of the key, or of its `{hash tag}`
//! when it has a non-empty one, modulo 16384; so keys sharing a tag share a slot and a shard.
//! Slots map to shards in contiguous ranges.

/// Number of hash slots, as Redis Cluster.
pub const SLOTS: usize = 16384;

/// Tables for CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0), eight bytes at a
/// time ("slicing by 8"): `TABLES[0]` is the classic table, the CRC of each byte value, and
/// `TABLES[k][v]` is the CRC of `v` followed by `k` zero bytes. The CRC is linear, so eight
/// bytes' CRC is the XOR of eight independent lookups instead of a chain of eight dependent
/// steps: every multi-shard command hashes its keys this way before it runs.
const TABLES: [[u16; 256]; 8] = {
    let mut t = [[0u16; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
            bit += 1;
        }
        t[0][i] = crc;
        i += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = t[k - 1][i];
            t[k][i] = (prev << 8) ^ t[0][(prev >> 8) as usize];
            i += 1;
        }
        k += 1;
    }
    t
};

pub fn crc16(bytes: &[u8]) -> u16 {
    let t = &TABLES;
    let mut crc = 0u16;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        // The running CRC folds into the first two bytes.
        let x = crc ^ u16::from_be_bytes([c[0], c[1]]);
        crc = t[7][usize::from(x >> 8)]
            ^ t[6][usize::from(x & 0xff)]
            ^ t[5][usize::from(c[2])]
            ^ t[4][usize::from(c[3])]
            ^ t[3][usize::from(c[4])]
            ^ t[2][usize::from(c[5])]
            ^ t[1][usize::from(c[6])]
            ^ t[0][usize::from(c[7])];
    }
    chunks.remainder().iter().fold(crc, |crc, &b| {
        (crc << 8) ^ t[0][usize::from((crc >> 8) as u8 ^ b)]
    })
}

/// Position of the first `{`, testing eight bytes at a time for one (a key seldom has one).
fn find_open_brace(key: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut chunks = key.chunks_exact(8);
    let mut base = 0;
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        // Bytes equal to `{` become zero; the classic test for a zero byte.
        let x = u64::from_le_bytes(word) ^ (ONES * u64::from(b'{'));
        if x.wrapping_sub(ONES) & !x & HIGHS != 0 {
            return c.iter().position(|&b| b == b'{').map(|i| base + i);
        }
        base += 8;
    }
    let rest = chunks.remainder();
    rest.iter().position(|&b| b == b'{').map(|i| base + i)
}

/// The part of `key` that is hashed: the bytes between the first `{` and the next `}` when
/// that is non-empty, else the whole key.
pub fn hash_tag(key: &[u8]) -> &[u8] {
    if let Some(open) = find_open_brace(key) {
        if let Some(len) = key[open + 1..].iter().position(|&b| b == b'}') {
            if len > 0 {
                return &key[open + 1..open + 1 + len];
            }
        }
    }
    key
}

/// The hash slot of `key` (0..16384).
pub fn key_slot(key: &[u8]) -> usize {
    crc16(hash_tag(key)) as usize & (SLOTS - 1)
}

/// The shard, of `shards`, that owns `slot`: contiguous slot ranges per shard.
pub fn shard_of_slot(slot: usize, shards: usize) -> usize {
    slot * shards / SLOTS
}

/// The shard, of `shards`, that owns `key`. One shard needs no hashing.
pub fn shard_of(key: &[u8], shards: usize) -> usize {
    if shards <= 1 {
        0
    } else {
        shard_of_slot(key_slot(key), shards)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_match_redis_cluster() {
        // Values from Redis Cluster's specification and CLUSTER KEYSLOT.
        assert_eq!(crc16(b"123456789"), 0x31c3);
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"bar"), 5061);
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"user1000"));
        assert_eq!(key_slot(b"{user1000}.followers"), key_slot(b"user1000"));
        // An empty tag hashes the whole key; only the first `{` counts.
        assert_eq!(hash_tag(b"foo{}{bar}"), b"foo{}{bar}");
        assert_eq!(hash_tag(b"foo{{bar}}zap"), b"{bar");
        assert_eq!(hash_tag(b"foo{bar}{zap}"), b"bar");
        assert_eq!(hash_tag(b"{"), b"{");
    }

    /// The definition: one table step per byte.
    fn crc16_bytewise(bytes: &[u8]) -> u16 {
        bytes.iter().fold(0u16, |crc, &b| {
            (crc << 8) ^ TABLES[0][usize::from((crc >> 8) as u8 ^ b)]
        })
    }

    #[test]
    fn sliced_crc_and_tag_search_agree_with_the_bytewise_definitions() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in 0..80 {
            for _ in 0..50 {
                let key: Vec<u8> = (0..len)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        // Braces often, so tags of every shape turn up.
                        match x % 8 {
                            0 => b'{',
                            1 => b'}',
                            _ => (x >> 8) as u8,
                        }
                    })
                    .collect();
                assert_eq!(crc16(&key), crc16_bytewise(&key), "{key:?}");
                let open = key.iter().position(|&b| b == b'{');
                assert_eq!(find_open_brace(&key), open, "{key:?}");
            }
        }
    }

    #[test]
    fn shards_cover_all_slots_in_order() {
        for shards in [1, 2, 3, 4, 7, 16, 1024] {
            assert_eq!(shard_of_slot(0, shards), 0);
            assert_eq!(shard_of_slot(SLOTS - 1, shards), shards - 1);
            let mut last = 0;
            for slot in 0..SLOTS {
                let s = shard_of_slot(slot, shards);
                assert!(s == last || s == last + 1);
                last = s;
            }
        }
    }
}
