//! Arguments for the list, hash and set commands (sorted sets: `zsets.rs`), on the same small key space as the strings so
//! types collide (WRONGTYPE paths).
//!
//! Members mix small integers (intset-friendly), non-canonical integers ("007", "-0", "+1": never
//! intset), edge integers, floats, words, empty, binary and long strings (around the 64-byte
//! `hash-max-listpack-value`). Rare bulk adds cross the default 512-entry thresholds, and
//! `CONFIG SET` of the thresholds (low values or the defaults) moves them around; the harness
//! restores the defaults whenever it opens a fresh stream.
//!
//! Blocking commands only get small positive timeouts (or invalid ones), never 0: with one
//! client nothing can arrive, so they either serve at once, fail, or time out after a few ms.
//!
//! Nondeterministic commands come in groups (see `Gen::group`): SPOP/SRANDMEMBER/HRANDFIELD are
//! usually preceded by SMEMBERS/HGETALL of the same key, so the harness can check membership;
//! an SPOP that may leave members behind is followed by `SCARD k` and `DEL k`, so the state
//! after it does not depend on which members went. Hash-ordered replies are sometimes preceded
//! by `OBJECT ENCODING k`, so the harness compares them byte-exactly on compact encodings.

use super::{Cmd, Gen};

/// Weighted collection commands: (name, weight).
pub(super) const TABLE: &[(&str, u64)] = &[
    // lists
    ("LPUSH", 8),
    ("RPUSH", 8),
    ("LPUSHX", 2),
    ("RPUSHX", 2),
    ("LPOP", 4),
    ("RPOP", 4),
    ("LLEN", 2),
    ("LRANGE", 5),
    ("LINDEX", 3),
    ("LSET", 3),
    ("LINSERT", 3),
    ("LREM", 3),
    ("LTRIM", 3),
    ("LPOS", 4),
    ("RPOPLPUSH", 2),
    ("LMOVE", 3),
    ("LMPOP", 3),
    ("BLPOP", 2),
    ("BRPOP", 2),
    ("BRPOPLPUSH", 1),
    ("BLMOVE", 2),
    ("BLMPOP", 2),
    // hashes
    ("HSET", 10),
    ("HMSET", 2),
    ("HSETNX", 3),
    ("HGET", 4),
    ("HMGET", 3),
    ("HDEL", 4),
    ("HLEN", 2),
    ("HSTRLEN", 2),
    ("HEXISTS", 2),
    ("HKEYS", 2),
    ("HVALS", 2),
    ("HGETALL", 4),
    ("HINCRBY", 3),
    ("HINCRBYFLOAT", 3),
    ("HRANDFIELD", 3),
    ("HSCAN", 3),
    // sets
    ("SADD", 12),
    ("SREM", 4),
    ("SMEMBERS", 4),
    ("SISMEMBER", 3),
    ("SMISMEMBER", 2),
    ("SCARD", 2),
    ("SPOP", 3),
    ("SRANDMEMBER", 3),
    ("SMOVE", 3),
    ("SSCAN", 3),
    ("SINTER", 3),
    ("SINTERSTORE", 2),
    ("SINTERCARD", 2),
    ("SUNION", 3),
    ("SUNIONSTORE", 2),
    ("SDIFF", 3),
    ("SDIFFSTORE", 2),
    // encoding thresholds
    ("CONFIG", 2),
];

const WORDS: &[&str] = &[
    "a",
    "b",
    "c",
    "d",
    "e",
    "foo",
    "bar",
    "baz",
    "x",
    "y",
    "z",
    "hello world",
];

impl Gen {
    /// A list element, set member or hash field.
    pub(super) fn member(&mut self) -> Vec<u8> {
        match self.rng.below(20) {
            0..=6 => self.rng.range(0, 30).to_string().into_bytes(),
            7 => self.int(),
            8 => self
                .rng
                .pick(&[
                    "007",
                    "-0",
                    "+1",
                    " 1",
                    "1.0",
                    "0x1",
                    "-9223372036854775809",
                ])
                .as_bytes()
                .to_vec(),
            9 => self.float(),
            10..=14 => self.rng.pick(WORDS).as_bytes().to_vec(),
            15 => Vec::new(),
            16 => self
                .rng
                .pick(&[&b"\x00"[..], b"\xff\xfe", b"a\x00b", b"\r\n"])
                .to_vec(),
            17 => {
                let len = *self.rng.pick(&[63usize, 64, 65, 100]);
                vec![b'm' + self.rng.below(2) as u8; len]
            }
            _ => self.value(),
        }
    }

    fn members(&mut self, min: i64, max: i64) -> Vec<Vec<u8>> {
        if self.rng.pct(1) {
            // Bulk: cross the default 512-entry thresholds.
            let n = *self.rng.pick(&[510i64, 512, 513, 600]);
            let base = self.rng.range(0, 40);
            return (base..base + n)
                .map(|i| i.to_string().into_bytes())
                .collect();
        }
        let n = self.rng.range(min, max);
        (0..n).map(|_| self.member()).collect()
    }

    /// A count: small, zero, negative, huge or junk (never a huge negative one, which Redis
    /// would answer with that many elements for SRANDMEMBER/HRANDFIELD).
    pub(super) fn count(&mut self) -> Vec<u8> {
        match self.rng.below(20) {
            0 => self
                .rng
                .pick(&[
                    "9223372036854775807",
                    "-9223372036854775808",
                    "4294967296",
                    "100000",
                    "abc",
                    "",
                    "1.5",
                    "-0",
                ])
                .as_bytes()
                .to_vec(),
            1 => b"0".to_vec(),
            2..=4 => self.rng.range(-6, -1).to_string().into_bytes(),
            _ => self.rng.range(1, 8).to_string().into_bytes(),
        }
    }

    /// A list index or range bound.
    pub(super) fn lindex(&mut self) -> Vec<u8> {
        if self.rng.pct(6) {
            self.rng
                .pick(&[
                    "9223372036854775807",
                    "-9223372036854775808",
                    "abc",
                    "1.0",
                    "",
                ])
                .as_bytes()
                .to_vec()
        } else {
            self.rng.range(-10, 10).to_string().into_bytes()
        }
    }

    /// Blocking timeout in seconds: tiny positive, or invalid. Never 0 (that blocks forever),
    /// nor anything Redis rounds to 0 ms: "-0.001" is -0.99999... ms in its long double
    /// arithmetic, which `ceill` makes 0, so redis-server blocks forever on it. No hex either:
    /// strtold reads "0x10" as 16 s.
    pub(super) fn timeout(&mut self) -> Vec<u8> {
        if self.rng.pct(8) {
            return self
                .rng
                .pick(&[
                    "-1", "-0.5", "-1.5", "abc", "", "inf", "1e30", "nan", "0x", "1x",
                ])
                .as_bytes()
                .to_vec();
        }
        self.rng
            .pick(&["0.001", "0.001", "0.002", "1e-3", "0.0001"])
            .as_bytes()
            .to_vec()
    }

    fn side(&mut self) -> Vec<u8> {
        let s = *self
            .rng
            .pick(&["LEFT", "RIGHT", "LEFT", "RIGHT", "left", "MIDDLE"]);
        s.as_bytes().to_vec()
    }

    /// `numkeys key... ` for LMPOP/BLMPOP/SINTERCARD, sometimes with a wrong numkeys.
    pub(super) fn numkeys(&mut self, a: &mut Cmd) {
        let keys = self.keys(1, 3);
        let n = if self.rng.pct(5) {
            self.rng.pick(&["0", "-1", "5", "abc"]).as_bytes().to_vec()
        } else {
            keys.len().to_string().into_bytes()
        };
        a.push(n);
        a.extend(keys);
    }

    fn config_set(&mut self, a: &mut Cmd) {
        a.push(self.case("SET"));
        let (name, vals): (&str, &[&str]) = match self.rng.below(6) {
            0 => (
                "hash-max-listpack-entries",
                &["0", "1", "2", "4", "8", "128", "512", "512"],
            ),
            1 => (
                "hash-max-listpack-value",
                &["0", "1", "4", "16", "64", "64", "64"],
            ),
            2 => (
                "set-max-intset-entries",
                &["0", "1", "2", "4", "8", "512", "512"],
            ),
            3 => (
                "list-max-listpack-size",
                &["-2", "-1", "1", "4", "-5", "-2"],
            ),
            4 if self.rng.pct(60) => (
                *self
                    .rng
                    .pick(&["zset-max-listpack-entries", "zset-max-ziplist-entries"]),
                &["0", "1", "2", "4", "128", "128"],
            ),
            4 if self.rng.pct(50) => ("zset-max-listpack-value", &["0", "4", "16", "64", "64"]),
            _ => (
                *self
                    .rng
                    .pick(&["hash-max-ziplist-entries", "set-max-intset-entries"]),
                &["4", "512"],
            ),
        };
        a.push(name.as_bytes().to_vec());
        a.push(self.rng.pick(vals).as_bytes().to_vec());
    }

    /// Arguments of a collection command (after the name).
    pub(super) fn coll_args(&mut self, name: &str, a: &mut Cmd) {
        match name {
            "LPUSH" | "RPUSH" | "LPUSHX" | "RPUSHX" => {
                a.push(self.key());
                a.extend(self.members(1, 5));
            }
            "LPOP" | "RPOP" => {
                a.push(self.key());
                if self.rng.pct(50) {
                    a.push(self.count());
                }
            }
            "LLEN" | "HLEN" | "HKEYS" | "HVALS" | "HGETALL" | "SMEMBERS" | "SCARD" => {
                a.push(self.key())
            }
            "LRANGE" | "LTRIM" => {
                a.push(self.key());
                a.push(self.lindex());
                a.push(self.lindex());
            }
            "LINDEX" => {
                a.push(self.key());
                a.push(self.lindex());
            }
            "LSET" => {
                a.push(self.key());
                a.push(self.lindex());
                a.push(self.member());
            }
            "LINSERT" => {
                a.push(self.key());
                let w = *self.rng.pick(&["BEFORE", "AFTER", "before", "NEAR"]);
                a.push(w.as_bytes().to_vec());
                a.push(self.member());
                a.push(self.member());
            }
            "LREM" => {
                a.push(self.key());
                a.push(self.count());
                a.push(self.member());
            }
            "LPOS" => {
                a.push(self.key());
                a.push(self.member());
                for _ in 0..self.rng.below(4) {
                    match self.rng.below(4) {
                        0 => {
                            a.push(self.case("RANK"));
                            a.push(self.count());
                        }
                        1 => {
                            a.push(self.case("COUNT"));
                            a.push(self.count());
                        }
                        2 => {
                            a.push(self.case("MAXLEN"));
                            a.push(self.count());
                        }
                        _ => a.push(b"FOO".to_vec()),
                    }
                }
            }
            "RPOPLPUSH" | "SINTERSTORE" | "SUNIONSTORE" | "SDIFFSTORE" => {
                a.push(self.key());
                a.extend(self.keys(1, 3));
                if name == "RPOPLPUSH" {
                    a.truncate(3);
                }
            }
            "LMOVE" | "BLMOVE" => {
                a.push(self.key());
                a.push(self.key());
                a.push(self.side());
                a.push(self.side());
                if name == "BLMOVE" {
                    a.push(self.timeout());
                }
            }
            "BRPOPLPUSH" => {
                a.push(self.key());
                a.push(self.key());
                a.push(self.timeout());
            }
            "LMPOP" | "BLMPOP" => {
                if name == "BLMPOP" {
                    a.push(self.timeout());
                }
                self.numkeys(a);
                a.push(self.side());
                if self.rng.pct(50) {
                    a.push(self.case("COUNT"));
                    a.push(self.count());
                }
            }
            "BLPOP" | "BRPOP" => {
                a.extend(self.keys(1, 3));
                a.push(self.timeout());
            }
            "HSET" | "HMSET" => {
                a.push(self.key());
                if self.rng.pct(1) {
                    let n = *self.rng.pick(&[510i64, 512, 513]);
                    for i in 0..n {
                        a.push(format!("f{i}").into_bytes());
                        a.push(i.to_string().into_bytes());
                    }
                } else {
                    for _ in 0..self.rng.range(1, 4) {
                        a.push(self.member());
                        a.push(self.value());
                    }
                }
            }
            "HSETNX" => {
                a.push(self.key());
                a.push(self.member());
                a.push(self.value());
            }
            "HGET" | "HSTRLEN" | "HEXISTS" | "SISMEMBER" => {
                a.push(self.key());
                a.push(self.member());
            }
            "HMGET" | "HDEL" | "SREM" | "SMISMEMBER" => {
                a.push(self.key());
                a.extend(self.members(1, 4));
            }
            "HINCRBY" => {
                a.push(self.key());
                a.push(self.member());
                a.push(self.int());
            }
            "HINCRBYFLOAT" => {
                a.push(self.key());
                a.push(self.member());
                a.push(self.float());
            }
            "HRANDFIELD" | "SRANDMEMBER" | "SPOP" => {
                a.push(self.key());
                if self.rng.pct(65) {
                    a.push(self.count());
                    if name == "HRANDFIELD" && self.rng.pct(50) {
                        a.push(self.case("WITHVALUES"));
                    }
                }
            }
            "HSCAN" | "SSCAN" => {
                a.push(self.key());
                let cur = if self.rng.pct(85) {
                    "0"
                } else {
                    self.rng
                        .pick(&["1", "7", "abc", "-1", "18446744073709551615"])
                };
                a.push(cur.as_bytes().to_vec());
                if self.rng.pct(30) {
                    a.push(self.case("MATCH"));
                    let p = *self.rng.pick(&["*", "1*", "?", "[a-c]*", "*o*", "f1*"]);
                    a.push(p.as_bytes().to_vec());
                }
                if self.rng.pct(40) {
                    a.push(self.case("COUNT"));
                    let c = *self.rng.pick(&["1", "5", "100", "100000", "0", "-1", "x"]);
                    a.push(c.as_bytes().to_vec());
                }
            }
            "SADD" => {
                a.push(self.key());
                a.extend(self.members(1, 6));
            }
            "SMOVE" => {
                a.push(self.key());
                a.push(self.key());
                a.push(self.member());
            }
            "SINTER" | "SUNION" | "SDIFF" => a.extend(self.keys(1, 3)),
            "SINTERCARD" => {
                self.numkeys(a);
                if self.rng.pct(40) {
                    a.push(self.case("LIMIT"));
                    a.push(self.count());
                }
            }
            "CONFIG" => self.config_set(a),
            _ => self.zset_args(name, a),
        }
    }

    /// The commands to send around `a` (returned in order, `a` included): see the module doc.
    pub(super) fn group(&mut self, name: &str, a: Cmd) -> Vec<Cmd> {
        let key = a.get(1).cloned().unwrap_or_default();
        match name {
            "SPOP" => {
                let mut g = Vec::new();
                if self.rng.pct(85) {
                    g.push(vec![b"SMEMBERS".to_vec(), key.clone()]);
                }
                g.push(a);
                // A count of 100000 or more takes everything: the state stays deterministic.
                let takes_all = g.last().unwrap().get(2).is_some_and(|c| c.len() >= 6);
                if !takes_all {
                    g.push(vec![b"SCARD".to_vec(), key.clone()]);
                    g.push(vec![b"DEL".to_vec(), key]);
                }
                g
            }
            "SRANDMEMBER" | "HRANDFIELD" if self.rng.pct(85) => {
                let pre = if name == "SRANDMEMBER" {
                    "SMEMBERS"
                } else {
                    "HGETALL"
                };
                vec![vec![pre.as_bytes().to_vec(), key], a]
            }
            "ZRANDMEMBER" if self.rng.pct(85) => {
                let pre = ["ZRANGE", "0", "-1", "WITHSCORES"].map(|s| s.as_bytes().to_vec());
                vec![
                    vec![
                        pre[0].clone(),
                        key,
                        pre[1].clone(),
                        pre[2].clone(),
                        pre[3].clone(),
                    ],
                    a,
                ]
            }
            "SMEMBERS" | "HKEYS" | "HVALS" | "HGETALL" | "HSCAN" | "SSCAN" | "ZSCAN"
                if self.rng.pct(50) =>
            {
                vec![vec![b"OBJECT".to_vec(), b"ENCODING".to_vec(), key], a]
            }
            _ => vec![a],
        }
    }
}
