//! Arguments for the sorted-set commands, on the same key space as everything else (ZUNION and
//! friends also read plain sets). Scores mix integers, fractions, huge and infinite values and
//! junk; range bounds add exclusive `(` forms and `-inf`/`+inf`; lex bounds `[x`, `(x`, `-`, `+`
//! and invalid ones.
//!
//! Lex ranges are only defined when all scores are equal: on a skiplist with mixed scores,
//! Redis's result depends on the random node levels. So the lex commands only use the keys
//! `lex0`/`lex1`, which nothing else touches except ZADD with score 0 (and ZREM/ZPOPMIN/ZCARD/
//! ZRANGE by rank, sometimes); FLUSHDB/FLUSHALL/SWAPDB still clear or move them. ZRANDMEMBER is usually preceded by `ZRANGE k 0 -1 WITHSCORES` so the
//! harness can check membership (see `Gen::group`).

use super::{Cmd, Gen};

/// Weighted sorted-set commands: (name, weight).
pub(super) const TABLE: &[(&str, u64)] = &[
    ("ZADD", 12),
    ("ZINCRBY", 3),
    ("ZREM", 3),
    ("ZCARD", 2),
    ("ZSCORE", 2),
    ("ZMSCORE", 2),
    ("ZRANK", 2),
    ("ZREVRANK", 2),
    ("ZCOUNT", 2),
    ("ZLEXCOUNT", 2),
    ("ZRANGE", 6),
    ("ZRANGESTORE", 2),
    ("ZRANGEBYSCORE", 3),
    ("ZREVRANGEBYSCORE", 2),
    ("ZRANGEBYLEX", 2),
    ("ZREVRANGEBYLEX", 2),
    ("ZREVRANGE", 2),
    ("ZREMRANGEBYRANK", 2),
    ("ZREMRANGEBYSCORE", 2),
    ("ZREMRANGEBYLEX", 2),
    ("ZPOPMIN", 2),
    ("ZPOPMAX", 2),
    ("ZMPOP", 2),
    ("BZPOPMIN", 1),
    ("BZPOPMAX", 1),
    ("BZMPOP", 1),
    ("ZRANDMEMBER", 3),
    ("ZSCAN", 2),
    ("ZUNION", 2),
    ("ZINTER", 2),
    ("ZDIFF", 2),
    ("ZUNIONSTORE", 2),
    ("ZINTERSTORE", 2),
    ("ZDIFFSTORE", 2),
    ("ZINTERCARD", 2),
];

impl Gen {
    fn lex_key(&mut self) -> Vec<u8> {
        self.rng.pick(&["lex0", "lex1"]).as_bytes().to_vec()
    }

    /// A key for a non-lex zset command: now and then a lex key.
    fn zkey(&mut self) -> Vec<u8> {
        if self.rng.pct(10) {
            self.lex_key()
        } else {
            self.key()
        }
    }

    fn score(&mut self) -> Vec<u8> {
        match self.rng.below(12) {
            0..=5 => self.rng.range(-5, 20).to_string().into_bytes(),
            6 | 7 => self
                .rng
                .pick(&[
                    "1.5",
                    "-0.5",
                    "0.1",
                    "3.25",
                    "1e10",
                    "-2.75",
                    "0.30000000000000004",
                ])
                .as_bytes()
                .to_vec(),
            8 => self
                .rng
                .pick(&["inf", "-inf", "+inf", "1e308", "-1e308", "5e-324"])
                .as_bytes()
                .to_vec(),
            9 => self
                .rng
                .pick(&["nan", "abc", "", "(1", "1 ", "0x10"])
                .as_bytes()
                .to_vec(),
            _ => self.float(),
        }
    }

    /// A score range bound: inclusive, exclusive, infinite or junk.
    fn score_bound(&mut self) -> Vec<u8> {
        match self.rng.below(10) {
            0 => self
                .rng
                .pick(&["-inf", "+inf", "inf", "(-inf", "(+inf"])
                .as_bytes()
                .to_vec(),
            1 => self
                .rng
                .pick(&["(", "[1", "abc", "nan", "(nan"])
                .as_bytes()
                .to_vec(),
            2..=4 => {
                let mut b = b"(".to_vec();
                b.extend(self.rng.range(-5, 20).to_string().into_bytes());
                b
            }
            5 => b"(1.5".to_vec(),
            _ => self.rng.range(-5, 20).to_string().into_bytes(),
        }
    }

    /// A lex range bound.
    fn lex_bound(&mut self) -> Vec<u8> {
        match self.rng.below(10) {
            0 => b"-".to_vec(),
            1 => b"+".to_vec(),
            2 => self
                .rng
                .pick(&["a", "", "(", "[", "-a", "+"])
                .as_bytes()
                .to_vec(),
            _ => {
                let mut b = if self.rng.pct(50) { b"[" } else { b"(" }.to_vec();
                b.extend(self.member());
                b
            }
        }
    }

    fn limit(&mut self, a: &mut Cmd) {
        a.push(self.case("LIMIT"));
        a.push(self.rng.range(-1, 4).to_string().into_bytes());
        a.push(self.count());
    }

    /// `numkeys key...` then for ZUNION/ZINTER(STORE) WEIGHTS and AGGREGATE.
    fn zkeys(&mut self, a: &mut Cmd, weights: bool) {
        let n = a.len();
        self.numkeys(a);
        let nkeys = a.len() - n - 1;
        if weights && self.rng.pct(30) {
            a.push(self.case("WEIGHTS"));
            let w = if self.rng.pct(90) { nkeys } else { nkeys + 1 };
            for _ in 0..w {
                a.push(self.score());
            }
        }
        if weights && self.rng.pct(30) {
            a.push(self.case("AGGREGATE"));
            let g = *self.rng.pick(&["SUM", "MIN", "MAX", "min", "AVG"]);
            a.push(g.as_bytes().to_vec());
        }
    }

    pub(super) fn zset_args(&mut self, name: &str, a: &mut Cmd) {
        match name {
            "ZADD" if self.rng.pct(20) => {
                // All scores 0: lex ranges stay defined.
                a.push(self.lex_key());
                let n = if self.rng.pct(2) {
                    130
                } else {
                    self.rng.range(1, 4)
                };
                for _ in 0..n {
                    a.push(b"0".to_vec());
                    a.push(self.member());
                }
            }
            "ZADD" => {
                a.push(self.key());
                for _ in 0..self.rng.below(3) {
                    let f = *self.rng.pick(&["NX", "XX", "GT", "LT", "CH", "INCR", "ch"]);
                    a.push(f.as_bytes().to_vec());
                }
                if self.rng.pct(1) {
                    for i in 0..*self.rng.pick(&[127i64, 128, 129, 200]) {
                        a.push(i.to_string().into_bytes());
                        a.push(format!("m{i}").into_bytes());
                    }
                } else {
                    for _ in 0..self.rng.range(1, 4) {
                        a.push(self.score());
                        a.push(self.member());
                    }
                }
            }
            "ZINCRBY" => {
                a.push(self.key());
                a.push(self.score());
                a.push(self.member());
            }
            "ZREM" | "ZMSCORE" => {
                a.push(self.zkey());
                a.extend((0..self.rng.range(1, 4)).map(|_| self.member()));
            }
            "ZCARD" => a.push(self.zkey()),
            "ZSCORE" | "ZRANK" | "ZREVRANK" => {
                a.push(self.key());
                a.push(self.member());
                if name != "ZSCORE" && self.rng.pct(5) {
                    a.push(b"WITHSCORE".to_vec());
                }
            }
            "ZCOUNT" | "ZREMRANGEBYSCORE" => {
                a.push(self.key());
                a.push(self.score_bound());
                a.push(self.score_bound());
            }
            "ZLEXCOUNT" | "ZREMRANGEBYLEX" => {
                a.push(self.lex_key());
                a.push(self.lex_bound());
                a.push(self.lex_bound());
            }
            "ZRANGE" | "ZRANGESTORE" => {
                if name == "ZRANGESTORE" {
                    a.push(self.key());
                }
                let by = self.rng.below(3);
                let src = if by == 2 { self.lex_key() } else { self.zkey() };
                a.push(src);
                let (lo, hi) = match by {
                    0 => (self.lindex(), self.lindex()),
                    1 => (self.score_bound(), self.score_bound()),
                    _ => (self.lex_bound(), self.lex_bound()),
                };
                a.push(lo);
                a.push(hi);
                let mut opts: Vec<Cmd> = Vec::new();
                match by {
                    1 => opts.push(vec![self.case("BYSCORE")]),
                    2 => opts.push(vec![self.case("BYLEX")]),
                    _ if self.rng.pct(5) => opts.push(vec![b"BYSCORE".to_vec()]),
                    _ => {}
                }
                if self.rng.pct(30) {
                    opts.push(vec![self.case("REV")]);
                }
                if self.rng.pct(if by == 0 { 5 } else { 30 }) {
                    let mut l = Vec::new();
                    self.limit(&mut l);
                    opts.push(l);
                }
                if name == "ZRANGE" && self.rng.pct(40) || self.rng.pct(3) {
                    opts.push(vec![self.case("WITHSCORES")]);
                }
                for i in (1..opts.len()).rev() {
                    let j = self.rng.below(i as u64 + 1) as usize;
                    opts.swap(i, j);
                }
                a.extend(opts.into_iter().flatten());
            }
            "ZRANGEBYSCORE" | "ZREVRANGEBYSCORE" | "ZRANGEBYLEX" | "ZREVRANGEBYLEX" => {
                let lex = name.ends_with("LEX");
                let k = if lex { self.lex_key() } else { self.key() };
                a.push(k);
                for _ in 0..2 {
                    let b = if lex {
                        self.lex_bound()
                    } else {
                        self.score_bound()
                    };
                    a.push(b);
                }
                if !lex && self.rng.pct(40) {
                    a.push(self.case("WITHSCORES"));
                }
                if self.rng.pct(30) {
                    self.limit(a);
                }
            }
            "ZREVRANGE" | "ZREMRANGEBYRANK" => {
                a.push(self.key());
                a.push(self.lindex());
                a.push(self.lindex());
                if name == "ZREVRANGE" && self.rng.pct(40) {
                    a.push(self.case("WITHSCORES"));
                }
            }
            "ZPOPMIN" | "ZPOPMAX" => {
                a.push(self.zkey());
                if self.rng.pct(50) {
                    a.push(self.count());
                }
            }
            "BZPOPMIN" | "BZPOPMAX" => {
                a.extend(self.keys(1, 3));
                a.push(self.timeout());
            }
            "ZMPOP" | "BZMPOP" => {
                if name == "BZMPOP" {
                    a.push(self.timeout());
                }
                self.numkeys(a);
                let w = *self.rng.pick(&["MIN", "MAX", "min", "MIDDLE"]);
                a.push(w.as_bytes().to_vec());
                if self.rng.pct(50) {
                    a.push(self.case("COUNT"));
                    a.push(self.count());
                }
            }
            "ZRANDMEMBER" => {
                a.push(self.key());
                if self.rng.pct(65) {
                    a.push(self.count());
                    if self.rng.pct(50) {
                        a.push(self.case("WITHSCORES"));
                    }
                }
            }
            "ZSCAN" => self.coll_args("SSCAN", a),
            "ZUNION" | "ZINTER" | "ZDIFF" => {
                self.zkeys(a, name != "ZDIFF");
                if self.rng.pct(50) {
                    a.push(self.case("WITHSCORES"));
                }
            }
            "ZUNIONSTORE" | "ZINTERSTORE" | "ZDIFFSTORE" => {
                a.push(self.key());
                self.zkeys(a, name != "ZDIFFSTORE");
            }
            "ZINTERCARD" => {
                self.numkeys(a);
                if self.rng.pct(40) {
                    a.push(self.case("LIMIT"));
                    a.push(self.count());
                }
            }
            _ => unreachable!("no generator for {name}"),
        }
    }
}
