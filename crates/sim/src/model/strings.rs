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
            b"MSET" => {
                for p in a[1..].chunks(2) {
                    self.put(&p[0], MVal::Str(p[1].to_vec()), false);
                }
                expect::ok()
            }
            b"MGET" => {
                let mut out = Vec::new();
                for k in &a[1..] {
                    out.push(match self.get(k).map(|it| &it.val) {
                        Some(MVal::Str(s)) => expect::bulk(s),
                        _ => Frame::NullBulk,
                    });
                }
                Expect::Exact(Frame::Array(out))
            }
            b"SETNX" => {
                if self.get(&a[1]).is_some() {
                    expect::int(0)
                } else {
                    self.put(&a[1], MVal::Str(a[2].to_vec()), false);
                    expect::int(1)
                }
            }
            b"GETDEL" => match self.get(&a[1]).map(|it| &it.val) {
                None => expect::nil(),
                Some(MVal::Str(s)) => {
                    let v = expect::bulk_or_nil(Some(s));
                    self.del(&a[1]);
                    v
                }
                Some(_) => expect::wrongtype(),
            },
            b"RENAME" => self.rename(&a[1], &a[2]),
            b"MOVE" => self.move_key(&a[1], num(&a[2]) as usize),
            b"COPY" => self.copy(a),
            b"GETSET" => match self.get(&a[1]).map(|it| &it.val) {
                Some(v) if !matches!(v, MVal::Str(_)) => expect::wrongtype(),
                old => {
                    let reply = match old {
                        Some(MVal::Str(s)) => expect::bulk_or_nil(Some(s)),
                        _ => expect::nil(),
                    };
                    self.put(&a[1], MVal::Str(a[2].to_vec()), false);
                    reply
                }
            },
            b"GETEX" => self.getex(a),
            b"FLUSHDB" => {
                self.flush();
                expect::ok()
            }
            b"FLUSHALL" => {
                let back = self.cur;
                for db in self.db_ids() {
                    self.use_db(db);
                    self.flush();
                }
                self.use_db(back);
                expect::ok()
            }
            b"EXPIRETIME" | b"PEXPIRETIME" => match self.get(&a[1]) {
                None => expect::int(-2),
                Some(it) => match it.expire_at {
                    None => expect::int(-1),
                    Some(at) if name == b"PEXPIRETIME" => expect::int(at),
                    Some(at) => expect::int((at + 500) / 1000),
                },
            },
            b"DEL" | b"UNLINK" => {
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
            b"PEXPIRE" => self.expire(&a[1], now + num(&a[2]), a.get(3)),
            b"EXPIRE" => self.expire(&a[1], now + num(&a[2]) * 1000, a.get(3)),
            b"PEXPIREAT" => self.expire(&a[1], num(&a[2]), a.get(3)),
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

    /// `SET k v [PX ms | EX s | PXAT t | KEEPTTL] [NX | XX] [GET]` (the forms the generator
    /// makes; PXAT always in the future).
    fn set(&mut self, a: &[Bytes]) -> Expect {
        let (mut ttl, mut nx, mut xx, mut get, mut keep) = (None, false, false, false, false);
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
                b"PXAT" => {
                    ttl = Some(num(&a[i + 1]) - self.now);
                    i += 1;
                }
                b"NX" => nx = true,
                b"XX" => xx = true,
                b"GET" => get = true,
                b"KEEPTTL" => keep = true,
                _ => return Expect::Any,
            }
            i += 1;
        }
        let old = match self.get(&a[1]).map(|it| &it.val) {
            None => None,
            Some(MVal::Str(s)) => Some(Some(s.clone())),
            // SET ... GET refuses a non-string before changing anything.
            Some(_) if get => return expect::wrongtype(),
            Some(_) => Some(None),
        };
        let exists = old.is_some();
        let reply = if get {
            expect::bulk_or_nil(old.as_ref().and_then(|o| o.as_deref()))
        } else {
            expect::ok()
        };
        if (nx && exists) || (xx && !exists) {
            return if get { reply } else { expect::nil() };
        }
        self.put(&a[1], MVal::Str(a[2].to_vec()), keep);
        if let Some(ms) = ttl {
            let at = self.now + ms;
            self.keys.get_mut(&a[1][..]).expect("just set").expire_at = Some(at);
        }
        reply
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

    /// FLUSHDB (FLUSHALL: in every db): every stored key leaves the keyspace; a watcher of a
    /// live key must see its EXEC fail, one of an expired key may not.
    fn flush(&mut self) {
        let now = self.now;
        let keys: Vec<(Vec<u8>, bool)> = self
            .keys
            .iter()
            .map(|(k, it)| (k.clone(), it.expire_at.is_none_or(|at| at > now)))
            .collect();
        for (k, live) in keys {
            self.remove(&k);
            if live {
                self.touch(&k);
            } else {
                self.touch_maybe(&k);
            }
        }
    }

    /// GETEX key [PX ms | PERSIST]: the value, and a TTL change that counts as a modification
    /// only when something changed (Redis signals a set TTL, and a PERSIST that removed one).
    fn getex(&mut self, a: &[Bytes]) -> Expect {
        let now = self.now;
        let (reply, had_ttl) = match self.get(&a[1]) {
            None => return expect::nil(),
            Some(it) => match &it.val {
                MVal::Str(s) => (expect::bulk_or_nil(Some(s)), it.expire_at.is_some()),
                _ => return expect::wrongtype(),
            },
        };
        match a.get(2).map(|o| o.to_ascii_uppercase()).as_deref() {
            Some(b"PX") => {
                let at = now + num(&a[3]);
                self.keys.get_mut(&a[1][..]).expect("live").expire_at = Some(at);
                self.touch(&a[1]);
            }
            Some(b"PERSIST") if had_ttl => {
                self.keys.get_mut(&a[1][..]).expect("live").expire_at = None;
                self.touch(&a[1]);
            }
            _ => {}
        }
        reply
    }

    /// The EXPIRE family with an absolute deadline `at` and an optional NX/XX/GT/LT flag
    /// (checked first, a missing TTL counting as infinite); a deadline at or before now
    /// deletes the key and still answers 1.
    fn expire(&mut self, key: &[u8], at: i64, flag: Option<&Bytes>) -> Expect {
        let now = self.now;
        let Some(it) = self.get(key) else {
            return expect::int(0);
        };
        let cur = it.expire_at;
        let refused = match flag.map(|f| f.to_ascii_uppercase()).as_deref() {
            Some(b"NX") => cur.is_some(),
            Some(b"XX") => cur.is_none(),
            Some(b"GT") => cur.is_none_or(|c| at <= c),
            Some(b"LT") => cur.is_some_and(|c| at >= c),
            _ => false,
        };
        if refused {
            return expect::int(0);
        }
        if at <= now {
            self.del(key);
        } else {
            self.keys.get_mut(key).expect("live").expire_at = Some(at);
            self.touch(key);
        }
        expect::int(1)
    }

    /// MOVE key db: the value and its TTL go to `db` unless the key exists there; a list or
    /// sorted set arriving wakes that db's waiters.
    fn move_key(&mut self, key: &[u8], dst: usize) -> Expect {
        if dst == self.cur {
            return expect::err("ERR source and destination objects are the same");
        }
        let Some(item) = self.get(key).cloned() else {
            return expect::int(0);
        };
        let src = self.cur;
        self.use_db(dst);
        if self.get(key).is_some() {
            self.use_db(src);
            return expect::int(0);
        }
        let wakes = matches!(item.val, MVal::List(_) | MVal::ZSet(_));
        self.keys.insert(key.to_vec(), item);
        self.touch(key);
        if wakes {
            self.mark_ready(key);
        }
        self.use_db(src);
        self.remove(key);
        self.touch(key);
        expect::int(1)
    }

    /// COPY src dst [DB n] [REPLACE]: a duplicate with the source's TTL; an existing
    /// destination blocks it unless REPLACE (then it is deleted first: a removal for SCAN).
    fn copy(&mut self, a: &[Bytes]) -> Expect {
        let (src_db, mut dst_db, mut replace) = (self.cur, self.cur, false);
        let mut i = 3;
        while i < a.len() {
            if a[i].eq_ignore_ascii_case(b"REPLACE") {
                replace = true;
            } else {
                dst_db = num(&a[i + 1]) as usize;
                i += 1;
            }
            i += 1;
        }
        if src_db == dst_db && a[1] == a[2] {
            return expect::err("ERR source and destination objects are the same");
        }
        let Some(item) = self.get(&a[1]).cloned() else {
            return expect::int(0);
        };
        self.use_db(dst_db);
        let reply = if self.get(&a[2]).is_some() && !replace {
            expect::int(0)
        } else {
            if self.get(&a[2]).is_some() {
                self.remove(&a[2]);
            }
            let wakes = matches!(item.val, MVal::List(_) | MVal::ZSet(_));
            self.keys.insert(a[2].to_vec(), item);
            self.touch(&a[2]);
            if wakes {
                self.mark_ready(&a[2]);
            }
            expect::int(1)
        };
        self.use_db(src_db);
        reply
    }

    /// RENAME: the value and its TTL move; an existing destination is deleted first (a
    /// removal, so SCAN may miss it), and a list or sorted set arriving at a key with waiters
    /// serves them.
    fn rename(&mut self, src: &[u8], dst: &[u8]) -> Expect {
        if self.get(src).is_none() {
            return expect::err("ERR no such key");
        }
        if src == dst {
            return expect::ok();
        }
        let item = self.keys.get(src).cloned().expect("live");
        self.remove(src);
        self.touch(src);
        if self.get(dst).is_some() {
            self.remove(dst);
        }
        let wakes = matches!(item.val, MVal::List(_) | MVal::ZSet(_));
        self.keys.insert(dst.to_vec(), item);
        self.touch(dst);
        if wakes {
            self.mark_ready(dst);
        }
        expect::ok()
    }
}
