//! Model of the string, generic-key and expiry commands.

use super::{num, strict_int, MVal, Model};
use crate::expect::{self, Expect};
use bytes::Bytes;
use resp::Frame;

impl Model {
    pub(super) fn string_command(&mut self, name: &[u8], a: &[Bytes]) -> Option<Expect> {
        let now = self.now;
        Some(match name {
            b"SET" => self.set(a),
            b"GET" => match self.get(&a[1]).map(|it| &it.val) {
                None => expect::nil(),
                Some(MVal::Str(s)) => expect::bulk_or_nil(Some(s)),
                Some(_) => expect::wrongtype(),
            },
            b"INCR" => self.incr(&a[1], 1),
            b"DECR" => self.incr(&a[1], -1),
            b"INCRBY" => self.incr(&a[1], num(&a[2])),
            b"APPEND" => match self.get(&a[1]).map(|it| &mut it.val) {
                None => {
                    self.put(&a[1], MVal::Str(a[2].to_vec()), false);
                    expect::int(a[2].len() as i64)
                }
                Some(MVal::Str(s)) => {
                    s.extend_from_slice(&a[2]);
                    let n = s.len() as i64;
                    self.touch(&a[1]);
                    expect::int(n)
                }
                Some(_) => expect::wrongtype(),
            },
            b"STRLEN" => match self.get(&a[1]).map(|it| &it.val) {
                None => expect::int(0),
                Some(MVal::Str(s)) => expect::int(s.len() as i64),
                Some(_) => expect::wrongtype(),
            },
            b"DEL" => {
                let mut n = 0;
                for k in &a[1..] {
                    n += self.del(k) as i64;
                }
                expect::int(n)
            }
            b"EXISTS" => {
                let mut n = 0;
                for k in &a[1..] {
                    n += self.get(k).is_some() as i64;
                }
                expect::int(n)
            }
            b"TYPE" => {
                let t: &'static [u8] = match self.get(&a[1]).map(|it| &it.val) {
                    None => b"none",
                    Some(MVal::Str(_)) => b"string",
                    Some(MVal::List(_)) => b"list",
                    Some(MVal::Hash(_)) => b"hash",
                    Some(MVal::Set(_)) => b"set",
                    Some(MVal::ZSet(_)) => b"zset",
                };
                Expect::Exact(Frame::Simple(Bytes::from_static(t)))
            }
            b"PEXPIRE" => self.expire(&a[1], num(&a[2])),
            b"EXPIRE" => self.expire(&a[1], num(&a[2]) * 1000),
            b"PTTL" | b"TTL" => match self.get(&a[1]) {
                None => expect::int(-2),
                Some(it) => match it.expire_at {
                    None => expect::int(-1),
                    Some(at) if name == b"PTTL" => expect::int(at - now),
                    Some(at) => expect::int((at - now + 500) / 1000),
                },
            },
            b"PERSIST" => match self.get(&a[1]) {
                Some(it) if it.expire_at.is_some() => {
                    it.expire_at = None;
                    self.touch(&a[1]);
                    expect::int(1)
                }
                _ => expect::int(0),
            },
            _ => return None,
        })
    }

    /// `SET k v [PX ms | EX s] [NX | XX]` (the forms the generator makes).
    fn set(&mut self, a: &[Bytes]) -> Expect {
        let (mut ttl, mut nx, mut xx) = (None, false, false);
        let mut i = 3;
        while i < a.len() {
            match &a[i].to_ascii_uppercase()[..] {
                b"PX" => {
                    ttl = Some(num(&a[i + 1]));
                    i += 1;
                }
                b"EX" => {
                    ttl = Some(num(&a[i + 1]) * 1000);
                    i += 1;
                }
                b"NX" => nx = true,
                b"XX" => xx = true,
                _ => return Expect::Any,
            }
            i += 1;
        }
        let exists = self.get(&a[1]).is_some();
        if (nx && exists) || (xx && !exists) {
            return expect::nil();
        }
        self.put(&a[1], MVal::Str(a[2].to_vec()), false);
        if let Some(ms) = ttl {
            let at = self.now + ms;
            self.keys.get_mut(&a[1][..]).expect("just set").expire_at = Some(at);
        }
        expect::ok()
    }

    fn incr(&mut self, key: &[u8], by: i64) -> Expect {
        let cur = match self.get(key).map(|it| &it.val) {
            None => 0,
            Some(MVal::Str(s)) => match strict_int(s) {
                Some(n) => n,
                None => return expect::err(expect::NOT_INT),
            },
            Some(_) => return expect::wrongtype(),
        };
        let Some(n) = cur.checked_add(by) else {
            return expect::err("ERR increment or decrement would overflow");
        };
        self.put(key, MVal::Str(n.to_string().into_bytes()), true);
        expect::int(n)
    }

    /// PEXPIRE: a deadline at or before now deletes the key (and still answers 1).
    fn expire(&mut self, key: &[u8], ms: i64) -> Expect {
        let now = self.now;
        let Some(it) = self.get(key) else {
            return expect::int(0);
        };
        let at = now + ms;
        if at <= now {
            self.del(key);
        } else {
            it.expire_at = Some(at);
            self.touch(key);
        }
        expect::int(1)
    }
}
