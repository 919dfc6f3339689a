//! Model of command dispatch and transactions: MULTI queues, WATCH versions and EXEC.

use super::{Model, Verdict, Watch};
use crate::expect::{self, Expect};
use bytes::Bytes;
use resp::Frame;

impl Model {
    /// The expected reply to one top-level command from `client` at `now`. `got` is the
    /// engine's actual reply: the model adopts it where Redis allows several answers (SPOP's
    /// pick, SRANDMEMBER's, an EXEC whose WATCH outcome the model cannot decide) after
    /// checking it is one of them.
    pub fn command(&mut self, client: u64, argv: &[Bytes], now: i64, got: &Frame) -> Expect {
        let e = self.command_resp2(client, argv, now, got);
        self.for_client(client, argv, e)
    }

    fn command_resp2(&mut self, client: u64, argv: &[Bytes], now: i64, got: &Frame) -> Expect {
        self.now = now;
        let db = self.client_db(client);
        self.use_db(db);
        let name = argv[0].to_ascii_uppercase();
        let multi = self.clients.get(&client).is_some_and(|c| c.multi.is_some());
        if multi {
            match &name[..] {
                b"EXEC" => return self.exec(client, got),
                b"DISCARD" => {
                    self.discard(client);
                    return expect::ok();
                }
                _ => {
                    let c = self.clients.get_mut(&client).expect("known client");
                    c.multi.as_mut().expect("in multi").push(argv.to_vec());
                    return Expect::Exact(Frame::Simple(Bytes::from_static(b"QUEUED")));
                }
            }
        }
        match &name[..] {
            b"MULTI" => {
                self.client(client).multi = Some(Vec::new());
                expect::ok()
            }
            b"WATCH" => {
                for k in &argv[1..] {
                    let w = Watch {
                        db: self.cur,
                        key: k.to_vec(),
                        version: self.versions.get(&k[..]).copied().unwrap_or(0),
                        maybe: self.maybe.get(&k[..]).copied().unwrap_or(0),
                        had_ttl: self
                            .keys
                            .get(&k[..])
                            .is_some_and(|it| it.expire_at.is_some()),
                    };
                    self.client(client).watches.push(w);
                }
                expect::ok()
            }
            b"UNWATCH" => {
                self.client(client).watches.clear();
                expect::ok()
            }
            _ => self.run_command(client, &name, argv, got),
        }
    }

    fn client(&mut self, id: u64) -> &mut super::Client {
        self.clients.get_mut(&id).expect("known client")
    }

    /// One command outside the MULTI machinery (top level or inside EXEC).
    fn run_command(&mut self, client: u64, name: &[u8], argv: &[Bytes], got: &Frame) -> Expect {
        match name {
            b"BLPOP" | b"BRPOP" => self.bpop(client, argv, name == b"BLPOP"),
            b"BLMOVE" => self.blmove(client, argv),
            b"SELECT" => {
                let db = super::num(&argv[1]) as usize;
                self.client(client).db = db;
                self.use_db(db);
                expect::ok()
            }
            b"BZPOPMIN" | b"BZPOPMAX" => self.bzpop(client, argv, name == b"BZPOPMAX"),
            b"LMPOP" | b"ZMPOP" => self.mpop(client, argv, false, name == b"ZMPOP"),
            b"BLMPOP" | b"BZMPOP" => self.mpop(client, argv, true, name == b"BZMPOP"),
            _ => self
                .string_command(name, argv)
                .or_else(|| self.collection_command(name, argv, got))
                .unwrap_or(Expect::Any),
        }
    }

    fn discard(&mut self, client: u64) {
        let c = self.client(client);
        c.multi = None;
        c.watches.clear();
    }

    /// What EXEC must do about WATCH for `client` now: abort when a watched key was surely
    /// modified; either when it may have been (a TTL passed, a no-op write).
    fn exec_verdict(&mut self, client: u64, now: i64) -> Verdict {
        let Some(c) = self.clients.get(&client) else {
            return Verdict::Run;
        };
        let back = self.cur;
        let mut verdict = Verdict::Run;
        for w in c.watches.clone() {
            self.use_db(w.db);
            if self.versions.get(&w.key).copied().unwrap_or(0) != w.version {
                self.use_db(back);
                return Verdict::Abort;
            }
            let ttl_now = self
                .keys
                .get(&w.key)
                .and_then(|it| it.expire_at)
                .is_some_and(|at| at <= now);
            if w.had_ttl || ttl_now || self.maybe.get(&w.key).copied().unwrap_or(0) != w.maybe {
                verdict = Verdict::Either;
            }
        }
        self.use_db(back);
        verdict
    }

    fn exec(&mut self, client: u64, got: &Frame) -> Expect {
        let run = match self.exec_verdict(client, self.now) {
            Verdict::Run => true,
            Verdict::Abort => false,
            Verdict::Either => !matches!(got, Frame::NullArray | Frame::Null),
        };
        let queue = self
            .clients
            .get(&client)
            .and_then(|c| c.multi.clone())
            .unwrap_or_default();
        self.discard(client);
        if !run {
            return Expect::Exact(Frame::NullArray);
        }
        let got_items: &[Frame] = match got {
            Frame::Array(items) => items,
            _ => &[],
        };
        self.in_exec = true;
        let mut replies = Vec::new();
        for (i, argv) in queue.iter().enumerate() {
            let name = argv[0].to_ascii_uppercase();
            let g = got_items.get(i).unwrap_or(&Frame::Null);
            let e = self.run_command(client, &name, argv, g);
            replies.push(self.for_client(client, argv, e));
        }
        self.in_exec = false;
        Expect::Array(replies)
    }
}
