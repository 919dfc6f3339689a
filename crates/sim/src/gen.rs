//! Random commands for the modelled families. Keys follow Zipfian popularity within a family
//! prefix (`l:3` is a list key), with a few drawn from another family so WRONGTYPE paths run.
//! Values mix integers, short words, empty and binary strings, and longer strings that cross
//! the configured listpack value thresholds.

use crate::rng::SimRng;
use crate::swarm::Swarm;
use crate::zipf::Zipf;
use bytes::Bytes;

const PREFIXES: &[&str] = &["s", "s", "l", "h", "S", "z", "l", "l"];

pub struct Gen {
    pub rng: SimRng,
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
        match self.rng.below(12) {
            0 | 1 => argv(&[b"SET", &k, &v]),
            2 => argv(&[b"SET", &k, &v, b"PX", &self.small(1, 3000)]),
            3 => argv(&[b"SET", &k, &v, b"NX"]),
            4 => argv(&[b"SET", &k, &v, b"XX"]),
            5 | 6 => argv(&[b"GET", &k]),
            7 => argv(&[b"INCR", &k]),
            8 => argv(&[b"INCRBY", &k, &self.small(-50, 50)]),
            9 => argv(&[b"APPEND", &k, &v]),
            10 => argv(&[b"STRLEN", &k]),
            _ => {
                let k2 = self.key(0);
                argv(&[b"DEL", &k, &k2])
            }
        }
    }

    fn expiry_cmd(&mut self) -> Argv {
        let fam = self.rng.below(6) as usize;
        let k = self.key(fam);
        match self.rng.below(8) {
            0 | 1 => argv(&[b"PEXPIRE", &k, &self.small(-10, 3000)]),
            2 => argv(&[b"EXPIRE", &k, &self.small(0, 3)]),
            3 | 4 => argv(&[b"PTTL", &k]),
            5 => argv(&[b"TTL", &k]),
            6 => argv(&[b"PERSIST", &k]),
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
        match self.rng.below(10) {
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
            _ => argv(&[b"LRANGE", &k, &self.small(-5, 3), &self.small(-5, 6)]),
        }
    }

    fn hash_cmd(&mut self) -> Argv {
        let k = self.key(3);
        let f = format!("f{}", self.rng.below(12)).into_bytes();
        match self.rng.below(9) {
            0..=2 => {
                let v = self.value();
                argv(&[b"HSET", &k, &f, &v])
            }
            3 => argv(&[b"HGET", &k, &f]),
            4 => argv(&[b"HDEL", &k, &f]),
            5 => argv(&[b"HLEN", &k]),
            6 => argv(&[b"HGETALL", &k]),
            7 => argv(&[b"HINCRBY", &k, &f, &self.small(-9, 9)]),
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
        match self.rng.below(7) {
            0..=2 => argv(&[b"SADD", &k, &m]),
            3 => argv(&[b"SREM", &k, &m]),
            4 => argv(&[b"SISMEMBER", &k, &m]),
            5 => argv(&[b"SCARD", &k]),
            _ => argv(&[b"SMEMBERS", &k]),
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
        match self.rng.below(8) {
            0..=2 => argv(&[b"ZADD", &k, &s, &m]),
            3 => argv(&[b"ZINCRBY", &k, &self.small(-3, 3), &m]),
            4 => argv(&[b"ZREM", &k, &m]),
            5 => argv(&[b"ZSCORE", &k, &m]),
            6 => argv(&[b"ZCARD", &k]),
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

    /// BLPOP/BRPOP on one or two list keys; timeouts are exact binary fractions of a second.
    fn blocking_cmd(&mut self) -> Argv {
        let k = self.key(2);
        let t = *self.rng.pick(&["0.25", "0.5", "1", "2"]);
        let name: &[u8] = if self.rng.pct(50) { b"BLPOP" } else { b"BRPOP" };
        let k2 = self.key(2);
        if self.rng.pct(30) && k2 != k {
            argv(&[name, &k, &k2, t.as_bytes()])
        } else {
            argv(&[name, &k, t.as_bytes()])
        }
    }
}
