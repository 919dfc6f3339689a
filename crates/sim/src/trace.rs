//! The event trace: every event of a run (a command and its reply, a clock jump, a wake-up)
//! is folded into a running FNV-1a 64 hash, whose final value identifies the run. The last few
//! events are kept as text for failure reports.

use std::collections::VecDeque;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;
/// Events kept for failure reports by default.
pub const KEEP: usize = 40;

pub struct Trace {
    hash: u64,
    events: u64,
    recent: VecDeque<String>,
    keep: usize,
}

impl Default for Trace {
    fn default() -> Self {
        Trace {
            hash: FNV_OFFSET,
            events: 0,
            recent: VecDeque::new(),
            keep: KEEP,
        }
    }
}

impl Trace {
    /// A trace that keeps the last `keep` events as text (the hash covers all of them).
    pub fn with_keep(keep: usize) -> Trace {
        Trace {
            keep,
            ..Trace::default()
        }
    }

    fn fold(&mut self, bytes: &[u8]) {
        // Length first, so ("ab","c") and ("a","bc") hash differently.
        for b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            self.hash = (self.hash ^ *b as u64).wrapping_mul(FNV_PRIME);
        }
    }

    /// Records one event: a kind tag, who it concerns (a client id, or 0), its byte fields.
    pub fn event(&mut self, kind: &str, who: u64, fields: &[&[u8]]) {
        self.events += 1;
        self.fold(kind.as_bytes());
        self.fold(&who.to_le_bytes());
        for f in fields {
            self.fold(f);
        }
        let mut line = format!("#{} {kind} c{who}", self.events);
        for f in fields {
            line.push(' ');
            line.push_str(&show(f));
        }
        while self.recent.len() >= self.keep.max(1) {
            self.recent.pop_front();
        }
        self.recent.push_back(line);
    }

    pub fn hash(&self) -> u64 {
        self.hash
    }

    pub fn events(&self) -> u64 {
        self.events
    }

    /// The last events, oldest first, one per line.
    pub fn recent(&self) -> String {
        self.recent.iter().map(|l| format!("  {l}\n")).collect()
    }
}

/// Bytes as a short printable string (escapes for the rest, long values cut).
pub fn show(b: &[u8]) -> String {
    let mut s = String::new();
    for &c in b.iter().take(120) {
        match c {
            b' '..=b'~' if c != b'\\' => s.push(c as char),
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    if b.len() > 120 {
        s.push_str("...");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_boundaries_matter() {
        let (mut a, mut b) = (Trace::default(), Trace::default());
        a.event("cmd", 1, &[b"ab", b"c"]);
        b.event("cmd", 1, &[b"a", b"bc"]);
        assert_ne!(a.hash(), b.hash());
        assert!(a.recent().contains("cmd c1 ab c"));
    }
}
