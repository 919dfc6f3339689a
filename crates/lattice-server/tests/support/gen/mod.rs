//! Seeded random command generator for the string/bitmap, keys/expiry, list, hash, set and
//! sorted-set families (collections: see `collections.rs` and `zsets.rs`).
//!
//! Shared by `differential_random.rs` (lattice-server vs redis-server over TCP) and by the
//! engine's `effects_replay.rs` (included there with `#[path]`), so it uses std only.
//!
//! The key space is small so keys collide and types, encodings and TTLs interleave. Values mix
//! integers, floats, empty strings, binary bytes and strings around the int (20 bytes) and embstr
//! (44 bytes) boundaries. A small share of commands get a wrong arity or junk options.
//!
//! Time: in `TimeMode::Real` two real servers see the stream at slightly different instants, so
//! every TTL is long (>= 1000 s) and every absolute time is far in the future or the past; the
//! `GT`/`LT` expiry flags only come with absolute or non-positive times, so they never compare
//! two relative deadlines that could land on different milliseconds. In `TimeMode::Sim` (the
//! engine, with a simulated clock) TTLs are short and absolute times sit near `now_ms`, so keys
//! really expire while the stream runs.

#![allow(dead_code)]

mod collections;
mod commands;
mod zsets;

use std::collections::VecDeque;

/// splitmix64: tiny, seedable, good enough to pick test commands.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `pct` percent.
    pub fn pct(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TimeMode {
    /// Two real servers: long TTLs, far absolute times.
    Real,
    /// A simulated clock (`Gen::now_ms`): short TTLs, absolute times near now.
    Sim,
}

pub type Cmd = Vec<Vec<u8>>;

pub struct Gen {
    pub rng: Rng,
    pub mode: TimeMode,
    /// Current simulated time (Sim mode only).
    pub now_ms: i64,
    /// Include FLUSHALL (rarely).
    pub flushall: bool,
    /// Command names (upper case) never generated, e.g. to get past a known bug.
    pub skip: Vec<String>,
    /// Generate the blocking list commands (with tiny timeouts).
    pub blocking: bool,
    /// The rest of a command group (see `Gen::group`), sent before anything new.
    pending: VecDeque<Cmd>,
}

/// Weighted command table: (name, weight).
const TABLE: &[(&str, u64)] = &[
    ("PING", 1),
    ("ECHO", 1),
    ("SELECT", 3),
    ("SWAPDB", 1),
    ("MOVE", 2),
    ("DBSIZE", 1),
    ("FLUSHDB", 1),
    ("FLUSHALL", 1),
    ("GET", 6),
    ("SET", 12),
    ("SETNX", 2),
    ("SETEX", 2),
    ("PSETEX", 2),
    ("MGET", 2),
    ("MSET", 2),
    ("MSETNX", 2),
    ("APPEND", 3),
    ("GETSET", 2),
    ("GETDEL", 2),
    ("GETEX", 3),
    ("STRLEN", 2),
    ("GETRANGE", 2),
    ("SUBSTR", 1),
    ("SETRANGE", 3),
    ("INCR", 3),
    ("DECR", 2),
    ("INCRBY", 3),
    ("DECRBY", 2),
    ("INCRBYFLOAT", 3),
    ("LCS", 1),
    ("SETBIT", 3),
    ("GETBIT", 2),
    ("BITCOUNT", 2),
    ("BITPOS", 2),
    ("BITOP", 2),
    ("BITFIELD", 3),
    ("BITFIELD_RO", 1),
    ("DEL", 3),
    ("UNLINK", 1),
    ("EXISTS", 2),
    ("TYPE", 2),
    ("KEYS", 1),
    ("RENAME", 2),
    ("RENAMENX", 2),
    ("TOUCH", 1),
    ("COPY", 2),
    ("OBJECT", 2),
    ("EXPIRE", 3),
    ("PEXPIRE", 2),
    ("EXPIREAT", 2),
    ("PEXPIREAT", 2),
    ("TTL", 3),
    ("PTTL", 2),
    ("EXPIRETIME", 1),
    ("PEXPIRETIME", 1),
    ("PERSIST", 2),
    ("RANDOMKEY", 1),
];

const KEYS: &[&[u8]] = &[
    b"k0",
    b"k1",
    b"k2",
    b"k3",
    b"k4",
    b"k5",
    b"k6",
    b"k7",
    b"{t}a",
    b"{t}b",
    b"",
    b"\x00bin\xff",
];

const INTS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "3",
    "5",
    "7",
    "10",
    "42",
    "100",
    "-100",
    "1000",
    "9999",
    "10000",
    "-10000",
    "4294967295",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775806",
    "-9223372036854775807",
];

const BAD_INTS: &[&str] = &[
    "9223372036854775808",
    "-9223372036854775809",
    "abc",
    "",
    "1.5",
    " 1",
    "1 ",
    "+1",
    "-0",
    "007",
    "1e3",
    "0x10",
    "18446744073709551616",
];

const FLOATS: &[&str] = &[
    "0",
    "1.5",
    "-0.25",
    "3.0",
    "0.1",
    "0.2",
    "-1.1",
    "1e10",
    "2.5e-3",
    "100",
    "-100.75",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "5e-324",
    "inf",
    "-inf",
    "+inf",
    "nan",
    "3.14159",
    "0.3333333333333333",
    "12345678901234567890",
    " 1.0",
    "1.0 ",
    "1.",
    ".5",
    "abc",
    "",
];

impl Gen {
    pub fn new(seed: u64, mode: TimeMode) -> Gen {
        Gen {
            rng: Rng::new(seed),
            mode,
            now_ms: 0,
            flushall: true,
            skip: Vec::new(),
            blocking: true,
            pending: VecDeque::new(),
        }
    }

    pub(super) fn key(&mut self) -> Vec<u8> {
        // The first four keys get most of the traffic, so commands meet each other's values.
        if self.rng.pct(60) {
            KEYS[self.rng.below(4) as usize].to_vec()
        } else {
            self.rng.pick(KEYS).to_vec()
        }
    }

    pub(super) fn keys(&mut self, min: usize, max: usize) -> Vec<Vec<u8>> {
        let n = self.rng.range(min as i64, max as i64) as usize;
        (0..n).map(|_| self.key()).collect()
    }

    pub(super) fn int(&mut self) -> Vec<u8> {
        if self.rng.pct(8) {
            self.rng.pick(BAD_INTS).as_bytes().to_vec()
        } else if self.rng.pct(50) {
            self.rng.range(-20, 50).to_string().into_bytes()
        } else {
            self.rng.pick(INTS).as_bytes().to_vec()
        }
    }

    pub(super) fn small(&mut self, lo: i64, hi: i64) -> Vec<u8> {
        if self.rng.pct(4) {
            self.rng.pick(BAD_INTS).as_bytes().to_vec()
        } else {
            self.rng.range(lo, hi).to_string().into_bytes()
        }
    }

    pub(super) fn float(&mut self) -> Vec<u8> {
        if self.rng.pct(30) {
            self.int()
        } else {
            self.rng.pick(FLOATS).as_bytes().to_vec()
        }
    }

    /// A value: integers, floats, empty, binary, words, strings around encoding boundaries.
    pub fn value(&mut self) -> Vec<u8> {
        match self.rng.below(12) {
            0 | 1 => self.int(),
            2 => self.float(),
            3 => Vec::new(),
            4 => (0..self.rng.range(1, 12))
                .map(|_| self.rng.next_u64() as u8)
                .collect(),
            5 => {
                let len = *self
                    .rng
                    .pick(&[19usize, 20, 21, 43, 44, 45, 46, 64, 100, 300]);
                let c = b'a' + self.rng.below(3) as u8;
                vec![c; len]
            }
            6 => b"\xff\xf0\x00\x0f".to_vec(),
            7 => self.rng.pick(&["a", "b", "ab", "abc"]).as_bytes().to_vec(),
            _ => self
                .rng
                .pick(&[
                    "foo",
                    "bar",
                    "hello world",
                    "ohmytext",
                    "mynewtext",
                    "\r\n",
                    "\"quoted\"",
                    "tab\there",
                    "12345678901234567890",
                    "123456789012345678901",
                ])
                .as_bytes()
                .to_vec(),
        }
    }

    pub(super) fn db(&mut self) -> Vec<u8> {
        if self.rng.pct(6) {
            self.rng
                .pick(&["16", "-1", "abc", "100000000000", ""])
                .as_bytes()
                .to_vec()
        } else {
            self.rng.below(4).to_string().into_bytes()
        }
    }

    /// A relative TTL in seconds. Real mode: long or invalid/non-positive values.
    pub(super) fn secs(&mut self, allow_nonpositive: bool) -> Vec<u8> {
        if self.rng.pct(10) {
            let bad = self.rng.pick(&[
                "abc",
                "1.5",
                "9223372036854775807",
                "9223372036854775",
                "-9223372036854775808",
            ]);
            return bad.as_bytes().to_vec();
        }
        if self.rng.pct(if allow_nonpositive { 15 } else { 5 }) {
            return self.rng.pick(&["0", "-1", "-100"]).as_bytes().to_vec();
        }
        match self.mode {
            TimeMode::Real => self
                .rng
                .pick(&["1000", "3000", "100000"])
                .as_bytes()
                .to_vec(),
            TimeMode::Sim => self.rng.range(1, 10).to_string().into_bytes(),
        }
    }

    pub(super) fn millis(&mut self, allow_nonpositive: bool) -> Vec<u8> {
        if self.rng.pct(10) {
            let bad = self
                .rng
                .pick(&["abc", "1.5", "9223372036854775807", "-9223372036854775808"]);
            return bad.as_bytes().to_vec();
        }
        if self.rng.pct(if allow_nonpositive { 15 } else { 5 }) {
            return self.rng.pick(&["0", "-1", "-5000"]).as_bytes().to_vec();
        }
        match self.mode {
            TimeMode::Real => self
                .rng
                .pick(&["2000500", "5000123", "50000777"])
                .as_bytes()
                .to_vec(),
            TimeMode::Sim => self.rng.range(1, 8000).to_string().into_bytes(),
        }
    }

    /// An absolute unix time in seconds (`ms` false) or milliseconds. `past` allows times
    /// already gone: in Real mode only for commands that delete such a key at once (SET with a
    /// past EXAT leaves a logically expired key that DBSIZE counts until the active expire cycle
    /// happens to remove it, which would make the two servers differ by timing).
    pub(super) fn abs_time(&mut self, ms: bool, past: bool) -> Vec<u8> {
        let past = past || self.mode == TimeMode::Sim;
        if self.rng.pct(8) {
            return self
                .rng
                .pick(&["abc", "-1", "9223372036854775807"])
                .as_bytes()
                .to_vec();
        }
        let t_ms = match self.mode {
            TimeMode::Real => *self.rng.pick(&[
                4_102_444_800_000i64,
                4_102_444_800_123,
                4_102_444_801_000,
                2_000_000_000_000,
                2_000_000_000_500,
            ]),
            TimeMode::Sim => self.now_ms + self.rng.range(-3000, 10000),
        };
        let t_ms = if past && self.rng.pct(20) {
            match self.mode {
                TimeMode::Real => *self.rng.pick(&[1_000, 1_000_000_000_000]),
                TimeMode::Sim => self.now_ms - self.rng.range(0, 3000),
            }
        } else {
            t_ms
        };
        let t = if ms { t_ms } else { t_ms / 1000 };
        t.to_string().into_bytes()
    }

    pub(super) fn bit_offset(&mut self) -> Vec<u8> {
        match self.rng.below(20) {
            0 => self
                .rng
                .pick(&[
                    "4294967296",
                    "-1",
                    "abc",
                    "4294967295x",
                    "18446744073709551616",
                ])
                .as_bytes()
                .to_vec(),
            1..=3 => self.rng.range(0, 8000).to_string().into_bytes(),
            _ => self.rng.range(0, 80).to_string().into_bytes(),
        }
    }

    pub(super) fn bf_type(&mut self) -> Vec<u8> {
        if self.rng.pct(5) {
            return self
                .rng
                .pick(&["u64", "i65", "i0", "u0", "x8", "", "I8"])
                .as_bytes()
                .to_vec();
        }
        let signed = self.rng.pct(50);
        let bits = if signed {
            *self.rng.pick(&[1, 2, 4, 7, 8, 16, 32, 63, 64])
        } else {
            *self.rng.pick(&[1, 2, 4, 7, 8, 16, 32, 63])
        };
        format!("{}{bits}", if signed { 'i' } else { 'u' }).into_bytes()
    }

    pub(super) fn bf_offset(&mut self) -> Vec<u8> {
        if self.rng.pct(25) {
            format!("#{}", self.rng.range(0, 20)).into_bytes()
        } else {
            self.bit_offset()
        }
    }

    /// Range arguments for GETRANGE/BITCOUNT/BITPOS.
    pub(super) fn index(&mut self) -> Vec<u8> {
        if self.rng.pct(10) {
            self.int()
        } else {
            self.rng.range(-12, 60).to_string().into_bytes()
        }
    }

    pub(super) fn case(&mut self, s: &str) -> Vec<u8> {
        if self.rng.pct(10) {
            s.to_ascii_lowercase().into_bytes()
        } else {
            s.as_bytes().to_vec()
        }
    }

    /// One random command (may be a deliberately malformed one).
    pub fn command(&mut self) -> Cmd {
        if let Some(c) = self.pending.pop_front() {
            return c;
        }
        let tables = [TABLE, collections::TABLE, zsets::TABLE];
        let total: u64 = tables.iter().flat_map(|t| t.iter()).map(|(_, w)| w).sum();
        let name = loop {
            let mut r = self.rng.below(total);
            let mut name = "";
            for (n, w) in tables.iter().flat_map(|t| t.iter()) {
                if r < *w {
                    name = n;
                    break;
                }
                r -= w;
            }
            if name == "FLUSHALL" && (!self.flushall || !self.rng.pct(10)) {
                continue;
            }
            if !self.blocking && name.starts_with('B') && !name.starts_with("BIT") {
                continue;
            }
            if self.skip.iter().any(|s| s == name) {
                continue;
            }
            break name;
        };
        let mut a = self.args(name);
        if self.rng.pct(2) {
            // Wrong arity or trailing junk (not after BLPOP/BRPOP/BZPOPMIN/BZPOPMAX: junk would
            // be their timeout).
            let last_is_timeout = matches!(name, "BLPOP" | "BRPOP" | "BZPOPMIN" | "BZPOPMAX");
            if (self.rng.pct(50) || last_is_timeout) && a.len() > 1 {
                let n = self.rng.range(1, a.len() as i64 - 1) as usize;
                a.truncate(n);
            } else {
                a.push(self.value());
            }
        }
        let mut group = self.group(name, a);
        let first = group.remove(0);
        self.pending.extend(group);
        first
    }
}

/// Quotes one argument the way the case files (redis-cli splitting) read it back.
pub fn quote_arg(arg: &[u8]) -> String {
    let plain = !arg.is_empty()
        && arg
            .iter()
            .all(|&b| b.is_ascii_graphic() && b != b'"' && b != b'\'' && b != b'\\');
    if plain {
        return String::from_utf8_lossy(arg).into_owned();
    }
    let mut s = String::from("\"");
    for &b in arg {
        match b {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push('"');
    s
}

/// A command as one case-file line.
pub fn quote_cmd(cmd: &Cmd) -> String {
    cmd.iter()
        .map(|a| quote_arg(a))
        .collect::<Vec<_>>()
        .join(" ")
}
