//! Zipfian key popularity: rank `i` (0-based) is drawn with weight `1 / (i + 1)^s`, so a few
//! hot keys take most operations (where races, WATCH conflicts and wake-ups happen) while the
//! tail still sees traffic. `s = 0` is uniform.

use crate::rng::SimRng;

pub struct Zipf {
    /// Cumulative weights, normalised so the last is 1.
    cdf: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, skew: f64) -> Zipf {
        let mut acc = 0.0;
        let mut cdf: Vec<f64> = (0..n.max(1))
            .map(|i| {
                acc += 1.0 / ((i + 1) as f64).powf(skew);
                acc
            })
            .collect();
        for c in &mut cdf {
            *c /= acc;
        }
        Zipf { cdf }
    }

    /// A rank in `0..n`.
    pub fn sample(&self, rng: &mut SimRng) -> usize {
        let u = rng.unit();
        self.cdf
            .partition_point(|&c| c <= u)
            .min(self.cdf.len() - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skew_favours_low_ranks() {
        let z = Zipf::new(100, 1.2);
        let mut rng = SimRng::new(3);
        let mut hits = [0u32; 100];
        for _ in 0..10_000 {
            hits[z.sample(&mut rng)] += 1;
        }
        assert!(hits[0] > hits[10] && hits[10] > 0);
        assert!(hits[0] > 2000, "{}", hits[0]);
    }
}
