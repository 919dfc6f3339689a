//! Per-command and per-error counters (INFO commandstats and errorstats), with Redis 7.0's
//! rules: a command refused before it runs (arity, a RESP2 subscriber's context, MULTI's
//! refusals) is a *rejected* call; one that ran and replied with an error a *failed* call;
//! every error reply counts under its code (the text up to the first space within 32 bytes,
//! else `ERR`).
//!
//! Cost on the hot path: the counters live in an array per engine indexed by the command's
//! stat slot (found with its name, crate::command::Cmd), so counting a call is two adds and
//! a branch, without hashing, allocation or sharing between threads. Shard engines count
//! in their own array and list the slots they touched, which the main engine folds in when
//! it borrows the shard (crate::shard::lend). Durations are ticks of the host's clock
//! (`Host::ticker`), converted to microseconds when INFO asks; without a clock (tests,
//! simulation) they stay zero.

use crate::command::names;

/// A fast clock the host offers: `now` in ticks, `to_nanos` to convert a tick count.
#[derive(Clone, Copy)]
pub struct Ticker {
    pub now: fn() -> u64,
    pub to_nanos: fn(u64) -> u64,
}

impl std::fmt::Debug for Ticker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ticker")
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CmdStat {
    pub calls: u64,
    pub ticks: u64,
    pub rejected: u64,
    pub failed: u64,
}

impl CmdStat {
    fn is_zero(&self) -> bool {
        *self == CmdStat::default()
    }
}

/// Errors beyond this many distinct codes are not tracked per code (as Redis's rax of error
/// codes, whose size a client could otherwise grow without bound).
const MAX_ERROR_CODES: usize = 128;

#[derive(Clone, Debug, Default)]
pub struct CommandStats {
    table: Vec<CmdStat>,
    /// Slots that went from zero to counted since the last `absorb_into` (shard engines).
    touched: Vec<u16>,
    /// Error code -> count, in first-seen order.
    errors: Vec<(Box<[u8]>, u64)>,
}

impl CommandStats {
    fn slot(&mut self, slot: u16) -> &mut CmdStat {
        let i = slot as usize;
        if i >= self.table.len() {
            self.table
                .resize(names::slot_count().max(i + 1), CmdStat::default());
        }
        if self.table[i].is_zero() {
            self.touched.push(slot);
        }
        &mut self.table[i]
    }

    /// A call that ran (not a parked blocking one), `ticks` long, failed when it replied
    /// with an error.
    #[inline]
    pub fn call(&mut self, slot: u16, ticks: u64, failed: bool) {
        let s = self.slot(slot);
        s.calls += 1;
        s.ticks += ticks;
        s.failed += failed as u64;
    }

    /// A call refused before it ran.
    pub fn reject(&mut self, slot: u16) {
        self.slot(slot).rejected += 1;
    }

    /// An error reply, counted under its code.
    pub fn error(&mut self, message: &[u8]) {
        let code = error_code(message);
        if let Some(e) = self.errors.iter_mut().find(|(c, _)| &c[..] == code) {
            e.1 += 1;
        } else if self.errors.len() < MAX_ERROR_CODES {
            self.errors.push((code.into(), 1));
        }
    }

    pub fn get(&self, slot: usize) -> CmdStat {
        self.table.get(slot).copied().unwrap_or_default()
    }

    /// Counted commands as (slot, counters), in slot order.
    pub fn commands(&self) -> impl Iterator<Item = (usize, CmdStat)> + '_ {
        self.table
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.is_zero())
            .map(|(i, s)| (i, *s))
    }

    pub fn errors(&self) -> impl Iterator<Item = (&[u8], u64)> {
        self.errors.iter().map(|(c, n)| (&c[..], *n))
    }

    /// Moves what this (shard) engine counted into `main`, leaving zeros.
    pub fn absorb_into(&mut self, main: &mut CommandStats) {
        for slot in self.touched.drain(..) {
            let from = std::mem::take(&mut self.table[slot as usize]);
            let to = main.slot(slot);
            to.calls += from.calls;
            to.ticks += from.ticks;
            to.rejected += from.rejected;
            to.failed += from.failed;
        }
        for (code, n) in self.errors.drain(..) {
            main.error_n(&code, n);
        }
    }

    fn error_n(&mut self, code: &[u8], n: u64) {
        if let Some(e) = self.errors.iter_mut().find(|(c, _)| &c[..] == code) {
            e.1 += n;
        } else if self.errors.len() < MAX_ERROR_CODES {
            self.errors.push((code.into(), n));
        }
    }
}

/// Redis's rule for an error reply's code: the text before the first space, looked for in
/// the first 32 bytes; `ERR` when there is none.
pub fn error_code(message: &[u8]) -> &[u8] {
    let message = message.strip_prefix(b"-").unwrap_or(message);
    let window = &message[..message.len().min(31)];
    match window.iter().position(|&c| c == b' ') {
        Some(0) | None => b"ERR",
        Some(n) => &message[..n],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_follow_redis() {
        assert_eq!(error_code(b"WRONGTYPE Operation"), b"WRONGTYPE");
        assert_eq!(error_code(b"ERR unknown"), b"ERR");
        assert_eq!(error_code(b"x"), b"ERR");
        assert_eq!(
            error_code(b"verylongerrorcodewithoutspaceatallxxxx here"),
            b"ERR"
        );
    }

    #[test]
    fn shards_fold_into_main() {
        let mut shard = CommandStats::default();
        let mut main = CommandStats::default();
        shard.call(3, 10, false);
        shard.call(3, 5, true);
        shard.reject(4);
        shard.error(b"WRONGTYPE x");
        main.call(3, 1, false);
        shard.absorb_into(&mut main);
        assert_eq!(
            main.get(3),
            CmdStat {
                calls: 3,
                ticks: 16,
                rejected: 0,
                failed: 1
            }
        );
        assert_eq!(main.get(4).rejected, 1);
        assert_eq!(
            main.errors().collect::<Vec<_>>(),
            vec![(&b"WRONGTYPE"[..], 1)]
        );
        assert!(shard.commands().next().is_none());
        // Counting again after a fold lists the slot again.
        shard.call(3, 0, false);
        shard.absorb_into(&mut main);
        assert_eq!(main.get(3).calls, 4);
    }
}
