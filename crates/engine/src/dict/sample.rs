//! SCAN's reverse-binary cursor and random sampling over a [`Dict`]: the two walks Redis
//! semantics need beyond lookups (SCAN's guarantee across resizes; RANDOMKEY, SPOP and the
//! expire cycle's cheap random picks).

use super::{Dict, Link, Table};

/// Reverses the bits of a cursor (SCAN increments the high bits first).
fn rev(v: u64) -> u64 {
    v.reverse_bits()
}

/// Advances a SCAN cursor by one in reverse-binary order under `mask`.
fn next_cursor(v: u64, mask: u64) -> u64 {
    rev(rev(v | !mask).wrapping_add(1))
}

impl<K: AsRef<[u8]>, V> Dict<K, V> {
    /// Redis's SCAN step: calls `f` for every entry in the buckets addressed
    /// by `cursor` and returns the next cursor (0 when the scan is complete).
    /// Start with 0. Every entry present for the whole scan is reported at
    /// least once, even if the dict grows, shrinks or rehashes between calls;
    /// some may be reported more than once.
    pub fn scan(&self, cursor: u64, mut f: impl FnMut(&K, &V)) -> u64 {
        if self.is_empty() {
            return 0;
        }
        let mut emit = |link: &Link<K, V>| {
            let mut cur = link.as_deref();
            while let Some(node) = cur {
                f(&node.key, &node.value);
                cur = node.next.as_deref();
            }
        };
        let mut v = cursor;
        if self.rehash_idx.is_none() {
            let t = &self.tables[0];
            emit(&t.buckets[(v & t.mask()) as usize]);
            return next_cursor(v, t.mask());
        }
        let (small, large) = if self.tables[0].buckets.len() <= self.tables[1].buckets.len() {
            (&self.tables[0], &self.tables[1])
        } else {
            (&self.tables[1], &self.tables[0])
        };
        let (m_small, m_large) = (small.mask(), large.mask());
        emit(&small.buckets[(v & m_small) as usize]);
        // Then every large-table bucket that folds onto that small bucket.
        loop {
            emit(&large.buckets[(v & m_large) as usize]);
            v = next_cursor(v, m_large);
            if v & (m_small ^ m_large) == 0 {
                return v;
            }
        }
    }

    /// A random entry: a random non-empty bucket, then a random element of
    /// its chain. `rng` supplies randomness (never the OS). Does not rehash.
    pub fn random_entry(&self, rng: &mut impl FnMut() -> u64) -> Option<(&K, &V)> {
        if self.is_empty() {
            return None;
        }
        let (start, span) = self.random_span();
        let pick = |i: usize| -> &Link<K, V> {
            let t0_live = self.tables[0].buckets.len() - start;
            if i < t0_live {
                &self.tables[0].buckets[start + i]
            } else {
                &self.tables[1].buckets[i - t0_live]
            }
        };
        // Random probes; the fill is normally >= 10%, so this rarely fails.
        // Afterwards walk forward so a degenerate rng cannot loop forever.
        // Starting the probe at the first slot is legal (a skewed but valid pick).
        let mut i = if crate::buggify!("dict.random-skewed") {
            0
        } else {
            (rng() % span as u64) as usize
        };
        let mut tries = 0;
        while pick(i).is_none() {
            tries += 1;
            i = if tries < 100 {
                (rng() % span as u64) as usize
            } else {
                (i + 1) % span
            };
        }
        let head = pick(i).as_deref()?;
        let mut chain_len = 0u64;
        let mut cur = Some(head);
        while let Some(n) = cur {
            chain_len += 1;
            cur = n.next.as_deref();
        }
        let mut node = head;
        for _ in 0..rng() % chain_len {
            node = node.next.as_deref()?;
        }
        Some((&node.key, &node.value))
    }

    /// A random entry with every entry about equally likely, as Redis's fair pick: a
    /// `random_entry` favours entries alone in their bucket over those sharing a chain, so
    /// take a handful of entries near a random spot and pick one of them. Small dicts are
    /// sampled whole, hence exactly uniform. SRANDMEMBER, SPOP, HRANDFIELD, ZRANDMEMBER
    /// and RANDOMKEY use it.
    pub fn fair_random_entry(&self, rng: &mut impl FnMut() -> u64) -> Option<(&K, &V)> {
        /// Redis's GETFAIR_NUM_ENTRIES.
        const SAMPLES: usize = 15;
        let picks = self.sample(SAMPLES, rng);
        if picks.is_empty() {
            return self.random_entry(rng);
        }
        // Taking the first of the sample is legal (a skewed but valid pick).
        let i = if crate::buggify!("dict.random-skewed") {
            0
        } else {
            (rng() % picks.len() as u64) as usize
        };
        picks.into_iter().nth(i)
    }

    /// Buckets that can hold entries, as (first live table-0 index, count):
    /// table-0 buckets from the rehash index on, then all of table 1.
    fn random_span(&self) -> (usize, usize) {
        let t0 = self.tables[0].buckets.len();
        let start = self.rehash_idx.unwrap_or(0).min(t0);
        let span = t0 - start + self.tables[1].buckets.len();
        (start, span)
    }

    /// Up to `count` entries near a random position, for the active expire
    /// cycle and eviction sampling (Redis's dictGetSomeKeys idea): walks
    /// buckets from a random index, jumping elsewhere after runs of empty
    /// buckets, for at most `10 * count` steps. Entries may repeat and the
    /// distribution is not uniform; it is cheap.
    pub fn sample(&self, count: usize, rng: &mut impl FnMut() -> u64) -> Vec<(&K, &V)> {
        let count = count.min(self.len());
        let mut out = Vec::with_capacity(count);
        if count == 0 {
            return out;
        }
        let live = self.live_tables();
        let max_mask = self.tables[..live]
            .iter()
            .map(Table::mask)
            .max()
            .unwrap_or(0);
        let rehash_idx = self.rehash_idx.unwrap_or(0);
        let mut i = rng() & max_mask;
        let mut empty_run = 0;
        let mut steps = count.saturating_mul(10);
        while out.len() < count && steps > 0 {
            steps -= 1;
            for (t, table) in self.tables[..live].iter().enumerate() {
                let idx = i as usize;
                // Table-0 buckets below the rehash index are already empty;
                // past the end of table 1 too, jump to the rehash index.
                if live == 2 && t == 0 && idx < rehash_idx {
                    if idx >= self.tables[1].buckets.len() {
                        i = rehash_idx as u64;
                    }
                    continue;
                }
                if idx >= table.buckets.len() {
                    continue;
                }
                let mut cur = table.buckets[idx].as_deref();
                if cur.is_none() {
                    empty_run += 1;
                    if empty_run >= 5 && empty_run > count {
                        i = rng() & max_mask;
                        empty_run = 0;
                    }
                    continue;
                }
                empty_run = 0;
                while let Some(n) = cur {
                    if out.len() == count {
                        return out;
                    }
                    out.push((&n.key, &n.value));
                    cur = n.next.as_deref();
                }
            }
            i = (i + 1) & max_mask;
        }
        // A very sparse table can defeat the walk; never return nothing.
        if out.is_empty() {
            out.extend(self.random_entry(rng));
        }
        out
    }
}
