//! A connection's replies on their way to the socket. Writing never waits for the whole
//! buffer: what the socket does not take now stays here while the connection goes on
//! reading and running commands (a client that sends its whole pipeline before reading
//! would otherwise deadlock with us). `client-output-buffer-limit` bounds what piles up.

use engine::config::ObufLimit;

/// Allocation kept between batches; a buffer that grew past `SHRINK_ABOVE` is given back
/// once drained.
const INITIAL: usize = 16 * 1024;
const SHRINK_ABOVE: usize = 1024 * 1024;
/// Written bytes are dropped from the front once there are this many and they are most of
/// the buffer, so a reader that never quite catches up cannot grow a dead prefix.
const COMPACT_AT: usize = 64 * 1024;

pub struct Output {
    /// Replies; the bytes before `pos` are written.
    pub buf: Vec<u8>,
    pos: usize,
    /// The most bytes pending at once since the last `reset_peak`.
    peak: usize,
    /// Since when the pending bytes have been over the soft limit.
    soft_since_ms: Option<i64>,
}

impl Default for Output {
    fn default() -> Self {
        Output {
            buf: Vec::with_capacity(INITIAL),
            pos: 0,
            peak: 0,
            soft_since_ms: None,
        }
    }
}

impl Output {
    /// The bytes still to write.
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    pub fn pending_len(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn has_pending(&self) -> bool {
        self.buf.len() > self.pos
    }

    /// `n` more bytes went out.
    pub fn written(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
        if self.pos == self.buf.len() {
            self.discard();
        } else if self.pos >= COMPACT_AT && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
    }

    /// Drops everything pending (the client is going away, or SHUTDOWN answers nothing).
    pub fn discard(&mut self) {
        self.buf.clear();
        self.pos = 0;
        if self.buf.capacity() > SHRINK_ABOVE {
            self.buf = Vec::with_capacity(INITIAL);
        }
    }

    /// The allocation and the peak, for CLIENT LIST (`rbs`, `rbp`).
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    pub fn peak(&self) -> usize {
        self.peak
    }

    /// Records the pending size in the peak; returns it.
    pub fn note_peak(&mut self) -> usize {
        let pending = self.pending_len();
        self.peak = self.peak.max(pending);
        pending
    }

    /// Starts a new peak period (Redis restarts it every few seconds).
    pub fn reset_peak(&mut self) {
        self.peak = self.pending_len();
    }

    /// Redis's `client-output-buffer-limit` rule: past the hard limit, or over the soft
    /// limit for longer than its seconds, the client must go. 0 disables a bound.
    /// `now_ms` is read only when the soft limit is in play.
    pub fn over_limit(&mut self, limit: ObufLimit, now_ms: impl FnOnce() -> i64) -> bool {
        let pending = self.pending_len() as u64;
        if limit.hard > 0 && pending >= limit.hard {
            return true;
        }
        if limit.soft > 0 && pending >= limit.soft {
            let now_ms = now_ms();
            let since = *self.soft_since_ms.get_or_insert(now_ms);
            return now_ms - since > (limit.soft_secs as i64).saturating_mul(1000);
        }
        self.soft_since_ms = None;
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_writes_keep_order_and_compact() {
        let mut o = Output::default();
        o.buf.extend(std::iter::repeat_n(b'a', 100_000));
        o.written(70_000);
        assert_eq!(o.pending_len(), 30_000);
        // Compacted: the written prefix is gone, the rest is intact.
        assert_eq!(o.buf.len(), 30_000);
        o.buf.extend_from_slice(b"tail");
        o.written(30_000);
        assert_eq!(o.pending(), b"tail");
        o.written(4);
        assert!(!o.has_pending());
    }

    #[test]
    fn limits_follow_redis_rules() {
        let mut o = Output::default();
        o.buf.extend(std::iter::repeat_n(b'x', 1000));
        let hard = ObufLimit {
            hard: 1000,
            soft: 0,
            soft_secs: 0,
        };
        assert!(o.over_limit(hard, || 0));
        let soft = ObufLimit {
            hard: 0,
            soft: 500,
            soft_secs: 2,
        };
        assert!(!o.over_limit(soft, || 10_000));
        assert!(!o.over_limit(soft, || 12_000));
        assert!(o.over_limit(soft, || 12_001));
        // Dropping under the soft limit restarts its clock.
        o.written(600);
        assert!(!o.over_limit(soft, || 13_000));
        o.buf.extend(std::iter::repeat_n(b'x', 600));
        assert!(!o.over_limit(soft, || 14_000));
        assert!(!o.over_limit(soft, || 15_999));
        // Unlimited (Redis's default for normal clients).
        assert!(!o.over_limit(ObufLimit::default(), || 1 << 40));
    }
}
