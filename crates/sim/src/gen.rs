//! Random commands for the modelled families. Keys follow Zipfian popularity within a family
//! prefix (`l:3` is a list key), with a few drawn from another family so WRONGTYPE paths run.
//! Values mix integers, short words, empty and binary strings, and longer strings that cross
//! the configured listpack value thresholds.

use crate::rng::SimRng;
use crate::swarm::Swarm;
use crate::zipf::Zipf;
use bytes::Bytes;

/// Databases the generator SELECTs among (MOVE to the current one is an error, also checked).
const DBS: i64 = 3;

const PREFIXES: &[&str] = &["s", "s", "l", "h", "S", "z", "l", "l"];

pub struct Gen {
    pub rng: SimRng,
    /// The simulated time, for absolute deadlines (PEXPIREAT).
    pub now_ms: i64,
    zipf: Zipf,
    swarm: Swarm,
}

type Argv = Vec<Bytes>;

fn argv(parts: &[&[u8]]) -> Argv {
    parts.iter().map(|p| Bytes::copy_from_slice(p)).collect()
}

impl Gen {
    pub fn new(rng: SimRng, swarm: &Swarm) -> Gen {
        Gen {
            rng,
            now_ms: 0,
            zipf: Zipf::new(swarm.keys, swarm.skew),
            swarm: swarm.clone(),
        }
    }

    /// A key of family `fam` (an index into `swarm::FAMILIES`).
    pub fn key(&mut self, fam: usize) -> Vec<u8> {
        let fam = if self.rng.pct(self.swarm.cross_type_pct) {
            self.rng.below(PREFIXES.len() as u64) as usize
        } else {
            fam
        };
        format!("{}:{}", PREFIXES[fam], self.zipf.sample(&mut self.rng)).into_bytes()
    }

    pub fn value(&mut self) -> Vec<u8> {
        match self.rng.below(10) {
            0..=2 => self.rng.range(-5, 100).to_string().into_bytes(),
            3..=5 => self
                .rng
                .pick(&["a", "b", "c", "hello", "x y"])
                .as_bytes()
                .to_vec(),
            6 => Vec::new(),
            7 => vec![0, 0xff, b'\r', b'\n'],
            _ => {
                let n = self.rng.range(5, 80) as usize;
                vec![b'v'; n]
            }
        }
    }

    fn small(&mut self, lo: i64, hi: i64) -> Vec<u8> {
        self.rng.range(lo, hi).to_string().into_bytes()
    }

    /// A family drawn with the swarm's weights.
    pub fn family(&mut self) -> usize {
        self.rng.weighted(&self.swarm.weights)
    }

    /// One data command of family `fam` (`multi` and `blocking` map to plain families here).
    pub fn command(&mut self, fam: usize) -> Argv {
        match fam {
            0 => self.string_cmd(),
            1 => self.expiry_cmd(),
            2 => self.list_cmd(),
            3 => self.hash_cmd(),
            4 => self.set_cmd(),
            5 => self.zset_cmd(),
            _ => self.blocking_cmd(),
        }
    }

    fn string_cmd(&mut self) -> Argv {
        let k = self.key(0);
        let v = self.value();
        let k2 = self.key(0);
        match self.rng.below(22) {
            18 => argv(&[b"GETSET", &k, &v]),
            19 => match self.rng.below(3) {
                0 => argv(&[b"GETEX", &k]),
                1 => argv(&[b"GETEX", &k, b"PX", &self.small(1, 3000)]),
                _ => argv(&[b"GETEX", &k, b"PERSIST"]),
            },
            20 => {
                let at = (self.now_ms + self.rng.range(1, 3000)).to_string();
                argv(&[b"SET", &k, &v, b"PXAT", at.as_bytes()])
            }
            21 => {
                let name: &[u8] = if self.rng.pct(50) {
                    b"EXPIRETIME"
                } else {
                    b"PEXPIRETIME"
                };
                argv(&[name, &k])
            }
            0 | 1 => argv(&[b"SET", &k, &v]),
            2 => argv(&[b"SET", &k, &v, b"PX", &self.small(1, 3000)]),
            3 => argv(&[b"SET", &k, &v, b"NX"]),
            4 => argv(&[b"SET", &k, &v, b"XX", b"GET"]),
            5 => argv(&[b"SET", &k, &v, b"KEEPTTL"]),
            6 | 7 => argv(&[b"GET", &k]),
            8 => argv(&[b"INCR", &k]),
            9 => argv(&[b"INCRBY", &k, &self.small(-50, 50)]),
            10 => argv(&[b"APPEND", &k, &v]),
            11 => argv(&[b"STRLEN", &k]),
            12 => argv(&[b"MSET", &k, &v, &k2, b"1"]),
            13 => argv(&[b"MGET", &k, &k2]),
            14 => argv(&[b"SETNX", &k, &v]),
            15 => argv(&[b"GETDEL", &k]),
            16 => argv(&[b"UNLINK", &k]),
            _ => argv(&[b"DEL", &k, &k2]),
        }
    }

    fn expiry_cmd(&mut self) -> Argv {
        let fam = self.rng.below(6) as usize;
        let k = self.key(fam);
        match self.rng.below(14) {
            // Databases 0-2: the same key names live in several, MOVE carries values across.
            11 => argv(&[b"SELECT", &self.small(0, DBS - 1)]),
            12 => argv(&[b"MOVE", &k, &self.small(0, DBS - 1)]),
            13 => {
                let k2 = self.key(fam);
                let db = self.small(0, DBS - 1);
                match self.rng.below(3) {
                    0 => argv(&[b"COPY", &k, &k2]),
                    1 => argv(&[b"COPY", &k, &k2, b"REPLACE"]),
                    _ => argv(&[b"COPY", &k, &k2, b"DB", &db, b"REPLACE"]),
                }
            }
            0 | 1 => argv(&[b"PEXPIRE", &k, &self.small(-10, 3000)]),
            2 => argv(&[b"EXPIRE", &k, &self.small(0, 3)]),
            3 => {
                let flag = *self.rng.pick(&["NX", "XX", "GT", "LT"]);
                argv(&[b"PEXPIRE", &k, &self.small(1, 3000), flag.as_bytes()])
            }
            4 => {
                let at = (self.now_ms + self.rng.range(-100, 3000)).to_string();
                argv(&[b"PEXPIREAT", &k, at.as_bytes()])
            }
            5 if self.rng.pct(3) => {
                // Rare, so the keyspace has time to grow back.
                if self.rng.pct(50) {
                    argv(&[b"FLUSHDB"])
                } else {
                    argv(&[b"FLUSHALL"])
                }
            }
            5 | 6 => argv(&[b"PTTL", &k]),
            7 => argv(&[b"TTL", &k]),
            8 => argv(&[b"PERSIST", &k]),
            9 => {
                // Within the family, so a renamed list can land where clients wait.
                let k2 = self.key(fam);
                argv(&[b"RENAME", &k, &k2])
            }
            _ => {
                if self.rng.pct(50) {
                    argv(&[b"TYPE", &k])
                } else {
                    argv(&[b"EXISTS", &k, &k])
                }
            }
        }
    }

    fn list_cmd(&mut self) -> Argv {
        let k = self.key(2);
        let v = self.value();
        let end = |g: &mut Self| -> &'static [u8] {
            if g.rng.pct(50) {
                b"LEFT"
            } else {
                b"RIGHT"
            }
        };
        match self.rng.below(17) {
            0 | 1 => {
                let v2 = self.value();
                argv(&[b"LPUSH", &k, &v, &v2])
            }
            2 | 3 => argv(&[b"RPUSH", &k, &v]),
            4 => argv(&[b"LPOP", &k]),
            5 => {
                if self.rng.pct(50) {
                    argv(&[b"RPOP", &k])
                } else {
                    argv(&[b"RPOP", &k, &self.small(1, 3)])
                }
            }
            6 => argv(&[b"LLEN", &k]),
            7 => argv(&[b"LINDEX", &k, &self.small(-4, 4)]),
            8 | 9 => argv(&[b"LRANGE", &k, &self.small(-5, 3), &self.small(-5, 6)]),
            10 => argv(&[b"LTRIM", &k, &self.small(-5, 2), &self.small(-3, 8)]),
            11 => argv(&[b"LREM", &k, &self.small(-2, 2), &v]),
            12 => argv(&[b"LSET", &k, &self.small(-3, 3), &v]),
            13 => {
                let pivot = self.value();
                let side: &[u8] = if self.rng.pct(50) {
                    b"BEFORE"
                } else {
                    b"AFTER"
                };
                argv(&[b"LINSERT", &k, side, &pivot, &v])
            }
            14 => {
                if self.rng.pct(50) {
                    argv(&[b"RPUSHX", &k, &v])
                } else {
                    let k2 = self.key(2);
                    let end = end(self);
                    argv(&[b"LMPOP", b"2", &k, &k2, end, b"COUNT", &self.small(1, 3)])
                }
            }
            _ => {
                // Sources and destinations include the BLMOVE lists (`L:`), which drain here.
                let src = if self.rng.pct(30) { self.move_dst() } else { k };
                let dst = if self.rng.pct(50) {
                    self.move_dst()
                } else {
                    self.key(2)
                };
                if self.rng.pct(20) {
                    argv(&[b"RPOPLPUSH", &src, &dst])
                } else {
                    let (f, t) = (end(self), end(self));
                    argv(&[b"LMOVE", &src, &dst, f, t])
                }
            }
        }
    }

    fn hash_cmd(&mut self) -> Argv {
        let k = self.key(3);
        let f = format!("f{}", self.rng.below(12)).into_bytes();
        let f2 = format!("f{}", self.rng.below(12)).into_bytes();
        let v = self.value();
        match self.rng.below(14) {
            0..=2 => argv(&[b"HSET", &k, &f, &v]),
            3 => argv(&[b"HSET", &k, &f, &v, &f2, b"2"]),
            4 => argv(&[b"HGET", &k, &f]),
            5 => argv(&[b"HDEL", &k, &f, &f2]),
            6 => argv(&[b"HLEN", &k]),
            7 => argv(&[b"HGETALL", &k]),
            8 => argv(&[b"HINCRBY", &k, &f, &self.small(-9, 9)]),
            9 => argv(&[b"HSETNX", &k, &f, &v]),
            10 => argv(&[b"HMGET", &k, &f, &f2]),
            11 => {
                if self.rng.pct(50) {
                    argv(&[b"HKEYS", &k])
                } else {
                    argv(&[b"HVALS", &k])
                }
            }
            12 => argv(&[b"HSTRLEN", &k, &f]),
            _ => argv(&[b"HEXISTS", &k, &f]),
        }
    }

    fn set_cmd(&mut self) -> Argv {
        let k = self.key(4);
        // Integer members keep small sets in the intset encoding; words convert them.
        let m = if self.rng.pct(70) {
            self.small(-20, 40)
        } else {
            self.value()
        };
        let k2 = self.key(4);
        match self.rng.below(14) {
            0..=2 => argv(&[b"SADD", &k, &m]),
            3 => argv(&[b"SADD", &k, &m, &self.small(0, 600)]),
            4 => argv(&[b"SREM", &k, &m]),
            5 => argv(&[b"SISMEMBER", &k, &m]),
            6 => argv(&[b"SCARD", &k]),
            7 => argv(&[b"SMEMBERS", &k]),
            8 => argv(&[b"SMISMEMBER", &k, &m, b"1"]),
            9 => {
                if self.rng.pct(50) {
                    argv(&[b"SPOP", &k])
                } else {
                    argv(&[b"SPOP", &k, &self.small(1, 3)])
                }
            }
            10 => argv(&[b"SRANDMEMBER", &k, &self.small(-3, 3)]),
            11 => argv(&[b"SMOVE", &k, &k2, &m]),
            12 => {
                let op = *self.rng.pick(&["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]);
                let dst = self.key(4);
                argv(&[op.as_bytes(), &dst, &k, &k2])
            }
            _ => {
                let op = *self.rng.pick(&["SINTER", "SUNION", "SDIFF"]);
                argv(&[op.as_bytes(), &k, &k2])
            }
        }
    }

    fn zset_cmd(&mut self) -> Argv {
        let k = self.key(5);
        let m = if self.rng.pct(80) {
            format!("m{}", self.rng.below(20)).into_bytes()
        } else {
            self.value()
        };
        let s = self.small(-5, 20);
        let bound = |g: &mut Self| -> Vec<u8> {
            match g.rng.below(6) {
                0 => b"-inf".to_vec(),
                1 => b"+inf".to_vec(),
                2 => format!("({}", g.rng.range(-5, 20)).into_bytes(),
                _ => g.small(-5, 20),
            }
        };
        match self.rng.below(15) {
            0..=2 => argv(&[b"ZADD", &k, &s, &m]),
            3 => argv(&[b"ZINCRBY", &k, &self.small(-3, 3), &m]),
            4 => argv(&[b"ZREM", &k, &m]),
            5 => argv(&[b"ZSCORE", &k, &m]),
            6 => argv(&[b"ZCARD", &k]),
            7 => {
                let name: &[u8] = if self.rng.pct(50) {
                    b"ZRANK"
                } else {
                    b"ZREVRANK"
                };
                argv(&[name, &k, &m])
            }
            8 => {
                let (a, b) = (bound(self), bound(self));
                argv(&[b"ZCOUNT", &k, &a, &b])
            }
            9 | 10 => {
                let (a, b) = (bound(self), bound(self));
                if self.rng.pct(50) {
                    argv(&[b"ZRANGEBYSCORE", &k, &a, &b, b"WITHSCORES"])
                } else {
                    argv(&[b"ZRANGEBYSCORE", &k, &a, &b])
                }
            }
            11 => {
                let name: &[u8] = if self.rng.pct(50) {
                    b"ZPOPMIN"
                } else {
                    b"ZPOPMAX"
                };
                if self.rng.pct(50) {
                    argv(&[name, &k])
                } else {
                    argv(&[name, &k, &self.small(1, 3)])
                }
            }
            12 => argv(&[
                b"ZREMRANGEBYRANK",
                &k,
                &self.small(-3, 1),
                &self.small(-2, 2),
            ]),
            13 if self.rng.pct(50) => {
                let side: &[u8] = if self.rng.pct(50) { b"MIN" } else { b"MAX" };
                argv(&[b"ZMPOP", b"1", &k, side, b"COUNT", &self.small(1, 3)])
            }
            _ => {
                let (a, b) = (self.small(-4, 3), self.small(-4, 6));
                if self.rng.pct(50) {
                    argv(&[b"ZRANGE", &k, &a, &b, b"WITHSCORES"])
                } else {
                    argv(&[b"ZRANGE", &k, &a, &b])
                }
            }
        }
    }

    /// A BLMOVE destination: `L:` keys only ever hold lists, so a served BLMOVE never meets
    /// a destination of another type (whose outcome Redis leaves murky).
    fn move_dst(&mut self) -> Vec<u8> {
        format!("L:{}", self.zipf.sample(&mut self.rng)).into_bytes()
    }

    /// BLPOP/BRPOP on one or two list keys, or BLMOVE; timeouts are exact binary fractions
    /// of a second, so the deadline is exact.
    fn blocking_cmd(&mut self) -> Argv {
        let k = self.key(2);
        let t = *self.rng.pick(&["0.25", "0.5", "1", "2"]);
        if self.rng.pct(15) {
            let z = self.key(5);
            let k2 = self.key(2);
            let c = self.small(1, 3);
            return if self.rng.pct(50) {
                let side: &[u8] = if self.rng.pct(50) { b"MIN" } else { b"MAX" };
                argv(&[b"BZMPOP", t.as_bytes(), b"1", &z, side, b"COUNT", &c])
            } else if k2 != k {
                argv(&[
                    b"BLMPOP",
                    t.as_bytes(),
                    b"2",
                    &k,
                    &k2,
                    b"LEFT",
                    b"COUNT",
                    &c,
                ])
            } else {
                argv(&[b"BLMPOP", t.as_bytes(), b"1", &k, b"RIGHT"])
            };
        }
        if self.rng.pct(20) {
            let name: &[u8] = if self.rng.pct(50) {
                b"BZPOPMIN"
            } else {
                b"BZPOPMAX"
            };
            let z = self.key(5);
            return argv(&[name, &z, t.as_bytes()]);
        }
        if self.rng.pct(25) {
            let src = if self.rng.pct(50) { self.move_dst() } else { k };
            let dst = self.move_dst();
            let f: &[u8] = if self.rng.pct(50) { b"LEFT" } else { b"RIGHT" };
            let to: &[u8] = if self.rng.pct(50) { b"LEFT" } else { b"RIGHT" };
            return argv(&[b"BLMOVE", &src, &dst, f, to, t.as_bytes()]);
        }
        let name: &[u8] = if self.rng.pct(50) { b"BLPOP" } else { b"BRPOP" };
        let k2 = self.key(2);
        if self.rng.pct(30) && k2 != k {
            argv(&[name, &k, &k2, t.as_bytes()])
        } else {
            argv(&[name, &k, t.as_bytes()])
        }
    }
}
