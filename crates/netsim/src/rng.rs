//! The simulator's PRNG: the engine's seeded SplitMix64, plus the per-mille draw the fault
//! mix uses.

#[derive(Clone, Debug)]
pub struct SimRng(engine::rng::Rng);

impl SimRng {
    pub fn new(seed: u64) -> SimRng {
        SimRng(engine::rng::Rng::new(seed))
    }

    /// Uniform in `0..n` (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0.below(n)
    }

    /// True with probability `per_mille`/1000.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.below(1000) < u64::from(per_mille)
    }
}
