//! Keyspace shards: how a sharded server runs commands on several threads at once.
//!
//! The server keeps one *shard engine* per shard, each behind its own lock, holding part `s`
//! of every db (crate::db, keys by hash slot) plus its own counters and random stream. A
//! command whose keys all live in one shard, and that needs nothing but those keys, runs on
//! that shard's engine under that shard's lock alone (`execute_fast`): no other lock, no
//! thread hop. Everything else runs on the main engine, which first takes the shards' locks
//! in ascending order and borrows their parts (`lend`/`reclaim`): just the shards a command
//! names keys in (MSET across shards), or all of them (MULTI/EXEC, scripts, KEYS,
//! FLUSHALL), so those are atomic and isolated across shards. Commands naming a key that a
//! client WATCHes or is blocked on also take the main engine: their writes must reach its
//! registries. Keyspace events and tracking invalidations raised here are queued for the main
//! engine (crate::shard_queue); a tracking client's own commands run there.

use crate::command::{Cmd, Command};
use crate::ctx::Ctx;
use crate::engine::{Engine, Stats};
use crate::plan::for_each_key;
use crate::slot;
use bytes::Bytes;
use resp::{Proto, Reply};

/// What a connection must know to run its commands on a shard: its db and protocol. `None`
/// from `Engine::fast_session` while its session needs the main engine (MULTI, blocked,
/// CLIENT REPLY, RESP2 subscribed, tracking).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FastSession {
    pub db: usize,
    pub proto: Proto,
    /// A RESP3 client with subscriptions: while keyspace events are on, the events its own
    /// writes raise must reach it before its reply, as in Redis, so it writes on the main
    /// engine (a shard only queues events).
    pub subscriber: bool,
}

/// A client's commands run on shards since the main engine last looked: folded into its
/// session (CLIENT LIST) when the main engine borrows the shard.
#[derive(Clone, Debug, Default)]
pub struct ShardActivity {
    pub commands: u64,
    pub last_ms: i64,
    pub last_cmd: &'static str,
    pub net_in: u64,
    pub net_out: u64,
}

impl Engine {
    /// The engine for shard `index`: this engine's config, its own random stream, one empty
    /// part per db. Its keys arrive as the main engine hands parts back (`reclaim`).
    pub fn new_shard(&mut self, index: usize) -> Engine {
        let mut config = self.config.clone();
        config.shards = 1;
        let seed = self.rng.next_u64() ^ index as u64;
        let mut shard = Engine::new(config, seed, self.start_ms, Box::new(crate::NullHost));
        shard.shard_open = self.shard_open();
        shard.config_generation = self.config_generation;
        shard.to_main = Some(self.shard_queue.clone());
        shard.tracking_active = !self.tracking.is_idle();
        shard.ticker = self.ticker;
        shard
    }

    /// Takes shard `index`'s parts and counters: from now until `reclaim`, this engine sees
    /// its keys. The caller holds the shard's lock across both.
    pub fn lend(&mut self, index: usize, shard: &mut Engine) {
        for (db, part) in self.dbs.iter_mut().zip(shard.dbs.iter_mut()) {
            // What the main engine held of a shard it did not borrow is an empty stand-in: a
            // key there means a command ran with too few shards (lock_scope.rs).
            debug_assert!(
                db.part_is_empty(index),
                "main engine wrote to an unborrowed shard"
            );
            db.swap_part(index, part);
        }
        self.stats.absorb(&mut shard.stats);
        shard.cmdstats.absorb_into(&mut self.cmdstats);
        self.dirty += std::mem::take(&mut shard.dirty);
        self.actions.append(&mut shard.actions);
        for (id, act) in shard.activity.drain() {
            if let Some(s) = self.clients.get_mut(&id) {
                s.commands += act.commands;
                s.net_in += act.net_in;
                s.net_out += act.net_out;
                if act.commands > 0 && act.last_ms >= s.last_interaction_ms {
                    s.last_interaction_ms = act.last_ms;
                    s.last_cmd = act.last_cmd;
                }
            }
        }
    }

    /// Gives shard `index` its parts back, with the config and whether commands may run
    /// there now.
    pub fn reclaim(&mut self, index: usize, shard: &mut Engine) {
        for (db, part) in self.dbs.iter_mut().zip(shard.dbs.iter_mut()) {
            db.swap_part(index, part);
        }
        if shard.config_generation != self.config_generation {
            shard.config = self.config.clone();
            shard.config.shards = 1;
            shard.config_generation = self.config_generation;
        }
        shard.shard_open = self.shard_open();
        shard.tracking_active = !self.tracking.is_idle();
        let generation = self.interest_generation();
        if shard.interest_generation != generation {
            let shards = self.dbs.first().map_or(1, |db| db.parts());
            shard.interest = self
                .tx
                .keys()
                .chain(self.blocking.keys())
                .filter(|(_, key)| slot::shard_of(key, shards) == index)
                .map(|(_, key)| Box::from(&key[..]))
                .collect();
            shard.interest_generation = generation;
        }
    }

    /// Whether keyed commands may run on shards at all: no effect log is kept (every write
    /// must reach it). Watched keys and keys with parked clients are handled per key
    /// (`interest`); keyspace events and tracking invalidations are queued for the main
    /// engine (crate::shard_queue).
    fn shard_open(&self) -> bool {
        self.effects.is_none()
    }

    /// Changes whenever the set of watched keys or keys with parked clients may have.
    fn interest_generation(&self) -> u64 {
        self.tx.changes() + self.blocking.changes()
    }

    /// Whether `client`'s commands may run on shards, and with which db and protocol.
    pub fn fast_session(&self, client: u64) -> Option<FastSession> {
        let s = self.clients.get(&client)?;
        let plain = !s.killed
            && s.multi.is_none()
            && s.blocked.is_none()
            && s.reply_mode == crate::session::ReplyMode::On
            && self.tracking.get(client).is_none()
            && (s.proto == Proto::Resp3 || !self.pubsub.is_subscriber(client));
        plain.then_some(FastSession {
            db: s.db,
            proto: s.proto,
            subscriber: self.pubsub.is_subscriber(client),
        })
    }

    /// Runs `cmd` (from `route`) on this shard engine, appending its reply to `out`. False,
    /// running nothing, when commands may not run on shards now: the caller runs it on the
    /// main engine.
    pub fn execute_fast(
        &mut self,
        client: u64,
        session: FastSession,
        cmd: Cmd,
        args: &[Bytes],
        now_ms: i64,
        out: &mut Vec<u8>,
    ) -> bool {
        let hears_itself = session.subscriber && self.config.notify_keyspace_events != 0;
        if !self.shard_open || hears_itself || self.touches_interest(cmd.def, args) {
            return false;
        }
        if self.tracking_active {
            // The time queued invalidations carry (client output limits count it).
            self.tracking_begin(client, now_ms);
        }
        let reply = {
            let mut ctx = Ctx {
                eng: self,
                client_id: client,
                db: session.db,
                now_ms,
                cmd: cmd.def,
                proto: session.proto,
                rewritten: None,
                close_after_reply: false,
                block_request: None,
                reprocessing: false,
                ready_key: None,
                out: Some(&mut *out),
            };
            let handler = cmd.handler.expect("routed commands are runnable");
            let start = ctx.eng.ticker.map_or(0, |t| (t.now)());
            let reply = handler(&mut ctx, args);
            debug_assert!(ctx.block_request.is_none() && !ctx.close_after_reply);
            let ticks = self.ticker.map_or(0, |t| (t.now)().wrapping_sub(start));
            self.cmdstats.call(cmd.slot, ticks, reply.is_error());
            reply
        };
        self.stats.total_commands += 1;
        if let Reply::Error(e) = &reply {
            self.count_error(e);
        }
        reply.encode(session.proto, out);
        let act = self.activity.entry(client).or_default();
        act.commands += 1;
        act.last_ms = now_ms;
        act.last_cmd = cmd.name;
        true
    }
}

impl Engine {
    /// Whether a key of the command is one someone WATCHes or waits on (in any db, which
    /// also covers MOVE and COPY ... DB): then it runs on the main engine, where the
    /// watcher's transaction or the parked client hears of it.
    fn touches_interest(&self, cmd: &Command, args: &[Bytes]) -> bool {
        if self.interest.is_empty() {
            return false;
        }
        let mut hit = false;
        for_each_key(cmd, args, |key| hit |= self.interest.contains(key));
        hit
    }

    /// Counts bytes the shell read from and wrote to `client` (INFO, CLIENT LIST), on the
    /// main engine or on a shard engine (folded into the session when the main engine
    /// borrows the shard).
    pub fn account_io(&mut self, client: u64, input: u64, output: u64) {
        if input == 0 && output == 0 {
            return;
        }
        self.stats.net_input_bytes += input;
        self.stats.net_output_bytes += output;
        if let Some(s) = self.clients.get_mut(&client) {
            s.net_in += input;
            s.net_out += output;
        } else {
            let act = self.activity.entry(client).or_default();
            act.net_in += input;
            act.net_out += output;
        }
    }
}

impl Stats {
    /// Adds the counters a shard engine gathered and zeroes them there.
    pub fn absorb(&mut self, other: &mut Stats) {
        let o = std::mem::take(other);
        self.total_commands += o.total_commands;
        self.keyspace_hits += o.keyspace_hits;
        self.keyspace_misses += o.keyspace_misses;
        self.expired_keys += o.expired_keys;
        self.error_replies += o.error_replies;
        self.net_input_bytes += o.net_input_bytes;
        self.net_output_bytes += o.net_output_bytes;
    }
}
