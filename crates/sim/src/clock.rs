//! The simulated clock: unix milliseconds that move only when the simulator moves them, and
//! only forward (the engine's expiry and blocking deadlines are judged against it, so a run
//! never depends on how fast the host is).

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SimClock {
    now_ms: i64,
}

impl SimClock {
    pub fn starting_at(ms: i64) -> SimClock {
        SimClock { now_ms: ms }
    }

    pub fn now(&self) -> i64 {
        self.now_ms
    }

    /// Moves forward by `ms` (negative values are ignored: time never runs backwards).
    pub fn advance(&mut self, ms: i64) {
        self.now_ms += ms.max(0);
    }

    /// Moves forward to `t` if that is later than now.
    pub fn advance_to(&mut self, t: i64) {
        self.now_ms = self.now_ms.max(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_moves_forward() {
        let mut c = SimClock::starting_at(100);
        c.advance(5);
        c.advance(-50);
        c.advance_to(90);
        assert_eq!(c.now(), 105);
        c.advance_to(200);
        assert_eq!(c.now(), 200);
    }
}
