//! Swarm testing: each seed draws its own configuration (encoding thresholds, client count,
//! batch depth, key-space size, Zipf skew, command mix, clock behaviour, fault mix), so
//! different seeds stress different corners instead of all averaging to one workload.

use crate::rng::SimRng;

/// Command families the generator mixes (indexes into `Swarm::weights`).
pub const FAMILIES: &[&str] = &[
    "strings", "expiry", "lists", "hashes", "sets", "zsets", "multi", "blocking",
];

/// Named workloads: `swarm` draws everything; the others fix the mix to focus on one area.
pub const WORKLOADS: &[&str] = &["swarm", "mixed", "lists", "tx", "expiry"];

#[derive(Clone, Debug)]
pub struct Swarm {
    pub clients: usize,
    /// Percent of clients that switch to RESP3 (`HELLO 3`) before their first command.
    pub resp3_pct: u64,
    /// Commands a client sends back to back before another client runs (pipelining).
    pub batch_depth: usize,
    /// Distinct keys per family.
    pub keys: usize,
    pub skew: f64,
    /// Percent of keys drawn from another family (WRONGTYPE paths).
    pub cross_type_pct: u64,
    pub weights: Vec<u32>,
    /// `CONFIG SET` pairs applied before the run (and to the replay engine).
    pub config: Vec<(String, String)>,
    /// Percent of steps that move the clock forward, and the largest jump (ms).
    pub advance_pct: u64,
    pub max_jump_ms: i64,
    /// Percent of steps that run the cron (active expire cycle, blocked timeouts).
    pub cron_pct: u64,
    /// BUGGIFY: on or off for this seed, and the firing probability of enabled points.
    pub faults: bool,
    pub fire_pct: u64,
}

impl Swarm {
    /// Draws a configuration for `workload` (unknown names behave as `swarm`).
    pub fn draw(rng: &mut SimRng, workload: &str) -> Swarm {
        let mut weights: Vec<u32> = (0..FAMILIES.len())
            .map(|_| {
                if rng.pct(20) {
                    0
                } else {
                    rng.range(1, 10) as u32
                }
            })
            .collect();
        match workload {
            "mixed" => weights = vec![6, 3, 5, 4, 4, 4, 2, 2],
            "lists" => weights = vec![1, 1, 10, 0, 0, 0, 2, 6],
            "tx" => weights = vec![4, 1, 3, 2, 2, 2, 10, 1],
            "expiry" => weights = vec![6, 10, 2, 2, 2, 2, 1, 1],
            _ => {}
        }
        // Transactions need data commands to queue: some family other than `multi` must be on.
        if weights
            .iter()
            .enumerate()
            .all(|(i, &w)| w == 0 || FAMILIES[i] == "multi")
        {
            weights[0] = 1;
        }
        let threshold = |rng: &mut SimRng, small: i64, big: i64| -> String {
            if rng.pct(50) {
                rng.range(1, small).to_string()
            } else {
                rng.range(small, big).to_string()
            }
        };
        let config = vec![
            ("hash-max-listpack-entries".into(), threshold(rng, 4, 128)),
            ("hash-max-listpack-value".into(), threshold(rng, 4, 64)),
            ("set-max-intset-entries".into(), threshold(rng, 4, 512)),
            ("zset-max-listpack-entries".into(), threshold(rng, 4, 128)),
            ("zset-max-listpack-value".into(), threshold(rng, 4, 64)),
            (
                "list-max-listpack-size".into(),
                rng.range(-5, 16).to_string(),
            ),
            ("active-expire-effort".into(), rng.range(1, 10).to_string()),
        ];
        Swarm {
            clients: rng.range(1, 8) as usize,
            batch_depth: rng.range(1, 4) as usize,
            keys: *rng.pick(&[2usize, 5, 10, 30, 100]),
            skew: *rng.pick(&[0.0, 0.6, 0.99, 1.3]),
            cross_type_pct: *rng.pick(&[0, 2, 10]),
            weights,
            config,
            advance_pct: *rng.pick(&[5, 20, 50]),
            max_jump_ms: *rng.pick(&[10, 200, 3000]),
            cron_pct: *rng.pick(&[1, 5, 20]),
            faults: rng.pct(80),
            fire_pct: *rng.pick(&[1, 5, 25]),
            resp3_pct: *rng.pick(&[0, 0, 30, 100]),
        }
    }

    /// One line for progress output and failure reports.
    pub fn describe(&self) -> String {
        format!(
            "clients={} resp3={}% depth={} keys={} skew={} cross={}% weights={:?} clock={}%/{}ms cron={}% faults={}",
            self.clients,
            self.resp3_pct,
            self.batch_depth,
            self.keys,
            self.skew,
            self.cross_type_pct,
            self.weights,
            self.advance_pct,
            self.max_jump_ms,
            self.cron_pct,
            if self.faults {
                format!("{}%", self.fire_pct)
            } else {
                "off".into()
            },
        )
    }
}
