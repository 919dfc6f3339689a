//! Arguments for each generated command, including malformed option combinations.

use super::{Cmd, Gen, TimeMode};

impl Gen {
    fn expire_flags(&mut self, a: &mut Cmd, gt_lt_ok: bool) {
        if self.rng.pct(40) {
            let choices: &[&str] = if gt_lt_ok {
                &["NX", "XX", "GT", "LT"]
            } else {
                &["NX", "XX"]
            };
            let f = self.rng.pick(choices).to_string();
            a.push(self.case(&f));
            if self.rng.pct(10) {
                // A second flag (often an invalid combination) or junk.
                let g = if self.rng.pct(80) {
                    self.rng.pick(choices)
                } else {
                    "FOO"
                };
                a.push(g.as_bytes().to_vec());
            }
        }
    }

    pub(super) fn args(&mut self, name: &str) -> Cmd {
        let mut a: Cmd = vec![self.case(name)];
        match name {
            "PING" | "ECHO" => {
                if name == "ECHO" || self.rng.pct(50) {
                    a.push(self.value());
                }
            }
            "SELECT" => a.push(self.db()),
            "SWAPDB" => {
                a.push(self.db());
                a.push(self.db());
            }
            "MOVE" => {
                a.push(self.key());
                a.push(self.db());
            }
            "DBSIZE" | "RANDOMKEY" => {}
            "FLUSHDB" | "FLUSHALL" => {
                if self.rng.pct(30) {
                    let o = self.rng.pick(&["ASYNC", "SYNC", "async", "FOO"]);
                    a.push(o.as_bytes().to_vec());
                }
            }
            "GET" | "GETDEL" | "STRLEN" | "INCR" | "DECR" | "TYPE" | "TTL" | "PTTL"
            | "EXPIRETIME" | "PEXPIRETIME" | "PERSIST" => a.push(self.key()),
            "SET" => {
                a.push(self.key());
                a.push(self.value());
                self.set_options(&mut a);
            }
            "SETNX" | "APPEND" | "GETSET" => {
                a.push(self.key());
                a.push(self.value());
            }
            "SETEX" => {
                a.push(self.key());
                a.push(self.secs(false));
                a.push(self.value());
            }
            "PSETEX" => {
                a.push(self.key());
                a.push(self.millis(false));
                a.push(self.value());
            }
            "MGET" | "DEL" | "UNLINK" | "EXISTS" | "TOUCH" => a.extend(self.keys(1, 4)),
            "MSET" | "MSETNX" => {
                for _ in 0..self.rng.range(1, 3) {
                    a.push(self.key());
                    a.push(self.value());
                }
            }
            "GETEX" => {
                a.push(self.key());
                self.getex_options(&mut a);
            }
            "GETRANGE" | "SUBSTR" => {
                a.push(self.key());
                a.push(self.index());
                a.push(self.index());
            }
            "SETRANGE" => {
                a.push(self.key());
                if self.rng.pct(5) {
                    // Out-of-range or unparsable offsets; 536870911 only with an empty value,
                    // since a valid huge offset with data would allocate 512 MB.
                    let off = *self
                        .rng
                        .pick(&["536870912", "9223372036854775807", "-1", "abc"]);
                    a.push(off.as_bytes().to_vec());
                    a.push(self.rng.pick(&["", "x"]).as_bytes().to_vec());
                } else if self.rng.pct(3) {
                    a.push(b"536870911".to_vec());
                    a.push(Vec::new());
                } else {
                    let hi = if self.rng.pct(5) { 1000 } else { 60 };
                    a.push(self.rng.range(0, hi).to_string().into_bytes());
                    a.push(self.value());
                }
            }
            "INCRBY" | "DECRBY" => {
                a.push(self.key());
                a.push(self.int());
            }
            "INCRBYFLOAT" => {
                a.push(self.key());
                a.push(self.float());
            }
            "LCS" => {
                a.push(self.key());
                a.push(self.key());
                for _ in 0..self.rng.below(3) {
                    match self.rng.below(5) {
                        0 => a.push(b"LEN".to_vec()),
                        1 => a.push(b"IDX".to_vec()),
                        2 => {
                            a.push(b"MINMATCHLEN".to_vec());
                            a.push(self.small(-1, 4));
                        }
                        3 => a.push(b"WITHMATCHLEN".to_vec()),
                        _ => a.push(self.case("idx")),
                    }
                }
            }
            "SETBIT" => {
                a.push(self.key());
                a.push(self.bit_offset());
                a.push(
                    self.rng
                        .pick(&["0", "1", "1", "2", "-1", "x"])
                        .as_bytes()
                        .to_vec(),
                );
            }
            "GETBIT" => {
                a.push(self.key());
                a.push(self.bit_offset());
            }
            "BITCOUNT" => {
                a.push(self.key());
                if self.rng.pct(60) {
                    a.push(self.index());
                    a.push(self.index());
                    if self.rng.pct(40) {
                        a.push(
                            self.rng
                                .pick(&["BYTE", "BIT", "bit", "FOO"])
                                .as_bytes()
                                .to_vec(),
                        );
                    }
                }
            }
            "BITPOS" => {
                a.push(self.key());
                a.push(
                    self.rng
                        .pick(&["0", "1", "1", "2", "x"])
                        .as_bytes()
                        .to_vec(),
                );
                let n = self.rng.below(4);
                if n >= 1 {
                    a.push(self.index());
                }
                if n >= 2 {
                    a.push(self.index());
                }
                if n >= 3 {
                    a.push(
                        self.rng
                            .pick(&["BYTE", "BIT", "bit", "FOO"])
                            .as_bytes()
                            .to_vec(),
                    );
                }
            }
            "BITOP" => {
                let op = self
                    .rng
                    .pick(&["AND", "OR", "XOR", "NOT", "and", "NAND"])
                    .to_string();
                a.push(op.into_bytes());
                a.push(self.key());
                let n = if a[1] == b"NOT" && self.rng.pct(85) {
                    1
                } else {
                    self.rng.range(1, 3) as usize
                };
                a.extend(self.keys(n, n));
            }
            "BITFIELD" | "BITFIELD_RO" => {
                a.push(self.key());
                for _ in 0..self.rng.range(0, 4) {
                    match self.rng.below(if name == "BITFIELD" { 5 } else { 4 }) {
                        0 | 1 => {
                            a.push(self.case("GET"));
                            a.push(self.bf_type());
                            a.push(self.bf_offset());
                        }
                        2 if name == "BITFIELD_RO" => {
                            a.push(b"SET".to_vec());
                            a.push(self.bf_type());
                            a.push(self.bf_offset());
                            a.push(self.int());
                        }
                        2 => {
                            a.push(self.case("SET"));
                            a.push(self.bf_type());
                            a.push(self.bf_offset());
                            a.push(self.int());
                        }
                        3 => {
                            a.push(self.case("INCRBY"));
                            a.push(self.bf_type());
                            a.push(self.bf_offset());
                            a.push(self.int());
                        }
                        _ => {
                            a.push(b"OVERFLOW".to_vec());
                            let o = self.rng.pick(&["WRAP", "SAT", "FAIL", "fail", "BAD"]);
                            a.push(o.as_bytes().to_vec());
                        }
                    }
                }
            }
            "KEYS" => {
                let p = self.rng.pick(&[
                    "*", "*", "k*", "k?", "k[0-3]", "*1*", "[^k]*", "\\*", "", "{t}*", "\\{t}a",
                    "k[", "*[a-", "?",
                ]);
                a.push(p.as_bytes().to_vec());
            }
            "RENAME" | "RENAMENX" => {
                a.push(self.key());
                a.push(self.key());
            }
            "COPY" => {
                a.push(self.key());
                a.push(self.key());
                if self.rng.pct(40) {
                    a.push(self.case("DB"));
                    a.push(self.db());
                }
                if self.rng.pct(40) {
                    a.push(self.case("REPLACE"));
                }
            }
            "OBJECT" => {
                let sub = self
                    .rng
                    .pick(&["ENCODING", "ENCODING", "REFCOUNT", "encoding", "NOPE"]);
                a.push(sub.as_bytes().to_vec());
                a.push(self.key());
            }
            "EXPIRE" | "PEXPIRE" => {
                a.push(self.key());
                // GT/LT only with times that cannot tie with another relative deadline.
                let gt_lt_ok = self.mode == TimeMode::Sim || self.rng.pct(30);
                let t = if name == "EXPIRE" {
                    self.secs(true)
                } else {
                    self.millis(true)
                };
                let nonpositive = t.first() == Some(&b'-') || t == b"0";
                let safe = gt_lt_ok && (self.mode == TimeMode::Sim || nonpositive);
                a.push(t);
                self.expire_flags(&mut a, safe);
            }
            "EXPIREAT" | "PEXPIREAT" => {
                a.push(self.key());
                let t = self.abs_time(name == "PEXPIREAT", true);
                a.push(t);
                self.expire_flags(&mut a, true);
            }
            _ => self.coll_args(name, &mut a),
        }
        a
    }

    fn set_options(&mut self, a: &mut Cmd) {
        let mut groups: Vec<Cmd> = Vec::new();
        if self.rng.pct(15) {
            // Random, often invalid, option soup.
            for _ in 0..self.rng.range(1, 4) {
                let o = *self.rng.pick(&[
                    "NX", "XX", "GET", "EX", "PX", "EXAT", "PXAT", "KEEPTTL", "FOO", "nx", "get",
                ]);
                let mut g = vec![o.as_bytes().to_vec()];
                if self.rng.pct(85) {
                    match o {
                        "EX" => g.push(self.secs(false)),
                        "PX" => g.push(self.millis(false)),
                        "EXAT" => g.push(self.abs_time(false, false)),
                        "PXAT" => g.push(self.abs_time(true, false)),
                        _ => {}
                    }
                }
                groups.push(g);
            }
        } else {
            match self.rng.below(4) {
                0 => groups.push(vec![self.case("NX")]),
                1 => groups.push(vec![self.case("XX")]),
                _ => {}
            }
            if self.rng.pct(25) {
                groups.push(vec![self.case("GET")]);
            }
            match self.rng.below(9) {
                0 => groups.push(vec![self.case("EX"), self.secs(false)]),
                1 => groups.push(vec![self.case("PX"), self.millis(false)]),
                2 => groups.push(vec![self.case("EXAT"), self.abs_time(false, false)]),
                3 => groups.push(vec![self.case("PXAT"), self.abs_time(true, false)]),
                4 => groups.push(vec![self.case("KEEPTTL")]),
                _ => {}
            }
        }
        // Redis accepts options in any order.
        for i in (1..groups.len()).rev() {
            let j = self.rng.below(i as u64 + 1) as usize;
            groups.swap(i, j);
        }
        a.extend(groups.into_iter().flatten());
    }

    fn getex_options(&mut self, a: &mut Cmd) {
        match self.rng.below(9) {
            0 => {
                a.push(self.case("EX"));
                a.push(self.secs(false));
            }
            1 => {
                a.push(self.case("PX"));
                a.push(self.millis(false));
            }
            2 => {
                a.push(self.case("EXAT"));
                a.push(self.abs_time(false, true));
            }
            3 => {
                a.push(self.case("PXAT"));
                a.push(self.abs_time(true, true));
            }
            4 => a.push(self.case("PERSIST")),
            5 => {
                // Invalid combinations and junk.
                let o = self.rng.pick(&["EX", "PERSIST", "KEEPTTL", "FOO", "PX"]);
                a.push(o.as_bytes().to_vec());
                let p = self.rng.pick(&["PERSIST", "EX", "1000", "NX"]);
                a.push(p.as_bytes().to_vec());
            }
            _ => {}
        }
    }
}
