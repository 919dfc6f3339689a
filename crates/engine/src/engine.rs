//! The engine: all databases, sessions, config and stats, and `execute`, which turns one
//! command into its reply and its effects. Sans-IO: time comes in as `now_ms`, randomness from
//! a seeded generator, and anything the I/O shell must do comes out as `Action`s.

use crate::blocking::{BlockRequest, BlockedOn, Waiters};
pub use crate::command::lookup::{lookup, resolve};
use crate::command::Command;
use crate::config::Config;
use crate::ctx::Ctx;
use crate::db::Db;
pub use crate::host::{ClientBuffers, Host, NullHost};
use crate::rng::Rng;
use crate::session::{ReplyMode, Session};
use bytes::Bytes;
use resp::Reply;
use std::collections::BTreeMap;

/// A write's deterministic, replayable record: the command to run against `db`.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    pub db: usize,
    pub argv: Vec<Bytes>,
}

/// Work for the I/O shell that the engine cannot do itself.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Close these clients' connections (CLIENT KILL).
    Kill(Vec<u64>),
    /// Stop the server (SHUTDOWN, with its mode flags already checked).
    Shutdown,
    /// These clients have bytes waiting in `blocking.outbox`: a parked client's reply, or
    /// pub/sub messages for a subscriber.
    Wake(Vec<u64>),
    /// Write a line to the server log (`redis.log` from a script); level 0 debug, 1 verbose,
    /// 2 notice, 3 warning, already filtered by `loglevel`.
    Log { level: u8, message: Vec<u8> },
}

#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub total_connections: u64,
    pub rejected_connections: u64,
    pub total_commands: u64,
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub expired_keys: u64,
    pub expire_cycle_cpu_ms: u64,
    pub error_replies: u64,
    pub net_input_bytes: u64,
    pub net_output_bytes: u64,
}

/// Whether the connection stays open after a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Close,
    /// The client is parked by a blocking command: run nothing more for it until it is woken
    /// (`Action::Wake`) or its deadline passes (`Engine::block_deadline`).
    Blocked,
}

pub struct Engine {
    pub dbs: Vec<Db>,
    pub clients: BTreeMap<u64, Session>,
    pub config: Config,
    pub stats: Stats,
    pub rng: Rng,
    /// Count of changes since start (Redis's `server.dirty`).
    pub dirty: u64,
    pub start_ms: i64,
    pub host: Box<dyn Host>,
    pub actions: Vec<Action>,
    /// When `Some`, every write appends its effects here (WAL, replication, replay tests).
    pub effects: Option<Vec<Effect>>,
    /// 40 hex digits identifying this run, as Redis's `run_id`.
    pub run_id: String,
    /// Clients parked by blocking commands.
    pub blocking: Waiters,
    /// Pub/sub subscriptions (crate::pubsub); delivery reuses `blocking.outbox`.
    pub pubsub: crate::pubsub::PubSub,
    /// WATCHed keys and dirty clients for MULTI/EXEC (watch.rs).
    pub tx: crate::watch::TxRegistry,
    /// Client-side caching: tracking clients, remembered keys, BCAST prefixes (tracking.rs).
    pub tracking: crate::tracking::Tracking,
    /// Lua scripts and functions: the VM, the script cache, libraries, the busy gate.
    pub scripting: crate::script::Scripting,
    /// Bumped by every CONFIG SET, so shard engines know to take the new config.
    pub config_generation: u64,
    /// INFO commandstats and errorstats (crate::stats).
    pub cmdstats: crate::stats::CommandStats,
    /// The host's fast clock for command durations; none in tests and simulation.
    pub ticker: Option<crate::stats::Ticker>,
    /// The next error reply was already counted (a script's error raised from a command's).
    pub(crate) error_counted: bool,
    /// On a shard engine: whether keyed commands may run here now (crate::shard).
    pub(crate) shard_open: bool,
    /// On a shard engine: per client, the commands run here since the main engine last
    /// borrowed the shard.
    pub(crate) activity: crate::util::fasthash::IdMap<crate::shard::ShardActivity>,
    /// On a shard engine: this shard's keys that someone WATCHes or waits on (in any db),
    /// as of the main engine's registries at `interest_generation`.
    pub(crate) interest: std::collections::HashSet<Box<[u8]>>,
    pub(crate) interest_generation: u64,
    /// Keyspace events and invalidations that shard engines left for this (main) engine
    /// (crate::shard_queue); shared with the shards and with the server, which checks it.
    pub shard_queue: std::sync::Arc<crate::shard_queue::ShardQueue>,
    /// On a shard engine: where its keyspace events and invalidations go.
    pub(crate) to_main: Option<std::sync::Arc<crate::shard_queue::ShardQueue>>,
    /// On a shard engine: whether a client tracks keys (or keys tracked before are still
    /// remembered), so writes owe invalidations, as of the main engine's last `reclaim`.
    pub(crate) tracking_active: bool,
    /// Client ids, handed out in order; shared with the shell, which may reserve one before
    /// it can register the connection (while a script holds the engine).
    pub client_ids: std::sync::Arc<ClientIds>,
}

/// The source of client ids (Redis's `server.next_client_id`): 1, 2, 3...
#[derive(Debug)]
pub struct ClientIds(std::sync::atomic::AtomicU64);

impl Default for ClientIds {
    fn default() -> Self {
        ClientIds(std::sync::atomic::AtomicU64::new(1))
    }
}

impl ClientIds {
    /// The next id, never handed out before.
    pub fn next(&self) -> u64 {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

/// What running one command produced, before encoding.
pub(crate) struct Outcome {
    pub reply: Reply,
    pub close: bool,
    pub block: Option<BlockRequest>,
}

impl Engine {
    pub fn new(config: Config, seed: u64, now_ms: i64, host: Box<dyn Host>) -> Engine {
        let clock = host.clock();
        let ticker = host.ticker();
        let dbs = db_set(config.databases, config.shards, seed);
        let mut rng = Rng::new(seed);
        let run_id = (0..5)
            .map(|_| format!("{:08x}", rng.next_u64() as u32))
            .collect();
        Engine {
            dbs,
            clients: BTreeMap::new(),
            config,
            stats: Stats::default(),
            rng,
            dirty: 0,
            start_ms: now_ms,
            host,
            actions: Vec::new(),
            effects: None,
            run_id,
            blocking: Waiters::default(),
            pubsub: Default::default(),
            tx: crate::watch::TxRegistry::default(),
            tracking: crate::tracking::Tracking::with_seed(
                ((seed as u128) << 64) | 0x7472_6163_6b69_6e67,
            ),
            scripting: crate::script::Scripting::new(clock),
            config_generation: 0,
            cmdstats: Default::default(),
            ticker,
            error_counted: false,
            shard_open: false,
            activity: Default::default(),
            interest: Default::default(),
            interest_generation: 0,
            shard_queue: Default::default(),
            to_main: None,
            tracking_active: false,
            client_ids: Default::default(),
        }
    }

    /// Splits the (empty) keyspace into `shards` parts per db, for a server that resolves its
    /// shard count after building the engine. False, changing nothing, when keys exist.
    pub fn partition(&mut self, shards: usize) -> bool {
        if self.dbs.iter().any(|db| !db.is_empty()) {
            return false;
        }
        self.dbs = db_set(self.dbs.len(), shards, self.rng.next_u64());
        true
    }

    /// Registers a new connection and returns its client id.
    pub fn connect(&mut self, addr: String, laddr: String, fd: i64, now_ms: i64) -> u64 {
        let id = self.client_ids.next();
        self.connect_as(id, addr, laddr, fd, now_ms);
        id
    }

    /// Registers a new connection under `id`, reserved earlier from `client_ids`.
    pub fn connect_as(&mut self, id: u64, addr: String, laddr: String, fd: i64, now_ms: i64) {
        self.stats.total_connections += 1;
        self.clients
            .insert(id, Session::new(id, addr, laddr, fd, now_ms));
    }

    pub fn disconnect(&mut self, id: u64) {
        if let Some(s) = self.clients.remove(&id) {
            if let Some(b) = s.blocked {
                self.blocking.unpark(id, b.db, &b.keys);
            }
        }
        self.blocking.outbox.remove(&id);
        self.pubsub.forget(id);
        // A closed connection stops watching (MULTI state went with its session).
        self.tx.unwatch_all(id);
        self.tx.clear_dirty(id);
        self.tracking.disable(id);
    }

    pub fn record_effect(&mut self, db: usize, argv: Vec<Bytes>) {
        if let Some(effects) = self.effects.as_mut() {
            effects.push(Effect { db, argv });
        }
    }

    /// Runs one command for `client` and appends its encoded reply to `out`. Then serves
    /// clients parked on keys this command made ready.
    pub fn execute(&mut self, client: u64, args: &[Bytes], now_ms: i64, out: &mut Vec<u8>) -> Flow {
        let Some(session) = self.clients.get_mut(&client) else {
            return Flow::Close;
        };
        session.last_interaction_ms = now_ms;
        session.commands += 1;
        if !self.tracking.clients.is_empty() {
            self.tracking.set_now(now_ms);
            self.tracking_limit();
        }
        self.tracking_begin(client, now_ms);
        // Inside MULTI, commands are queued (or refused) and EXEC runs its queue here:
        // cmd/transactions.rs. Clients parked on keys EXEC made ready are served after it.
        if let Some(flow) = crate::cmd::transactions::intercept(self, client, args, now_ms, out) {
            self.after_command(client, args, Some(out));
            self.serve_ready(now_ms);
            return flow;
        }
        let outcome = self.dispatch(client, args, now_ms, None);
        let flow = if let Some(block) = outcome.block {
            self.park(client, args, block);
            Flow::Blocked
        } else {
            // Messages this command published to its own client precede its reply, as in Redis.
            if let Some(own) = self.blocking.outbox.remove(&client) {
                out.extend_from_slice(&own);
            }
            self.reply_to(client, &outcome.reply, out);
            if outcome.close {
                Flow::Close
            } else {
                Flow::Continue
            }
        };
        let out = (flow != Flow::Blocked).then_some(out);
        self.after_command(client, args, out);
        self.serve_ready(now_ms);
        flow
    }

    /// Tracking work once a command's reply is out: deferred invalidations and the BCAST
    /// batch, then Redis's rule that CLIENT CACHING only lasts for the next command (or the
    /// whole transaction; CLIENT subcommands keep it).
    fn after_command(&mut self, client: u64, args: &[Bytes], out: Option<&mut Vec<u8>>) {
        self.tracking_end(client, out);
        let in_multi = self.clients.get(&client).is_some_and(|s| s.multi.is_some());
        let client_cmd = resolve(args).is_some_and(|c| c.is(crate::command::traits::KEEPS_CACHING));
        if !in_multi && !client_cmd {
            self.tracking.clear_caching(client);
        }
    }

    /// Encodes `reply` for `client`, honouring CLIENT REPLY OFF/SKIP. Pub/sub notices
    /// ((un)subscribe confirmations) are pushes and go out whatever the mode, as in Redis.
    pub(crate) fn reply_to(&mut self, client: u64, reply: &Reply, out: &mut Vec<u8>) {
        if let Reply::Error(e) = reply {
            // A script's error that repeats a command error it already counted is not
            // counted again (Redis's ERR_REPLY_FLAG_NO_STATS_UPDATE).
            if !std::mem::take(&mut self.error_counted) {
                self.count_error(e);
            }
        }
        let Some(session) = self.clients.get_mut(&client) else {
            return;
        };
        let speak = session.reply_mode == ReplyMode::On || is_push(reply);
        if speak {
            reply.encode(session.proto, out);
        }
        // Each command's reply moves SKIP along: CLIENT REPLY SKIP's own, then the next.
        session.reply_mode = match session.reply_mode {
            ReplyMode::SkipNext => ReplyMode::Skipping,
            ReplyMode::Skipping => ReplyMode::On,
            mode => mode,
        };
    }

    /// Counts an error reply: `total_error_replies` and its code's errorstat.
    pub(crate) fn count_error(&mut self, message: &[u8]) {
        self.stats.error_replies += 1;
        self.cmdstats.error(message);
    }

    fn park(&mut self, client: u64, args: &[Bytes], block: BlockRequest) {
        let Some(session) = self.clients.get_mut(&client) else {
            return;
        };
        let db = session.db;
        self.blocking.park(client, db, &block.keys);
        session.blocked = Some(BlockedOn {
            db,
            keys: block.keys,
            argv: args.to_vec(),
            deadline_ms: block.deadline_ms,
            timeout_reply: block.timeout_reply,
        });
    }

    /// Re-runs the commands of clients parked on ready keys, first come first served.
    fn serve_ready(&mut self, now_ms: i64) {
        let mut woken = Vec::new();
        while let Some((db, key, ids)) = self.blocking.next_ready() {
            for id in ids {
                let Some(b) = self.clients.get(&id).and_then(|s| s.blocked.clone()) else {
                    continue;
                };
                if b.db != db || !b.keys.contains(&key) {
                    continue;
                }
                // The served command runs as its client's own: invalidations its writes
                // owe that client follow its reply (and NOLOOP skips them), as in Redis.
                self.tracking_begin(id, now_ms);
                let outcome = self.dispatch(id, &b.argv, now_ms, Some(key.clone()));
                if outcome.block.is_some() {
                    // Still nothing for it: it keeps its place in every queue.
                    self.tracking_end(id, None);
                    continue;
                }
                self.unpark(id, &b);
                let mut out = self.blocking.outbox.remove(&id).unwrap_or_default();
                self.reply_to(id, &outcome.reply, &mut out);
                self.tracking_end(id, Some(&mut out));
                self.blocking.outbox.insert(id, out);
                woken.push(id);
            }
        }
        if !woken.is_empty() {
            self.actions.push(Action::Wake(woken));
        }
    }

    fn unpark(&mut self, id: u64, b: &BlockedOn) {
        self.blocking.unpark(id, b.db, &b.keys);
        if let Some(s) = self.clients.get_mut(&id) {
            s.blocked = None;
        }
    }

    /// When a parked client's deadline passes, if it has one.
    pub fn block_deadline(&self, client: u64) -> Option<i64> {
        self.clients.get(&client)?.blocked.as_ref()?.deadline_ms
    }

    /// True while the client is parked.
    pub fn is_blocked(&self, client: u64) -> bool {
        self.clients
            .get(&client)
            .is_some_and(|s| s.blocked.is_some())
    }

    /// Unparks `client` with `reply` (a timeout or CLIENT UNBLOCK); its reply goes to the
    /// outbox. Returns false when it was not parked.
    pub fn unblock_with(&mut self, client: u64, reply: Option<Reply>) -> bool {
        let Some(b) = self.clients.get(&client).and_then(|s| s.blocked.clone()) else {
            return false;
        };
        self.unpark(client, &b);
        let reply = reply.unwrap_or(b.timeout_reply);
        if let Some(cmd) = resolve(&b.argv) {
            self.cmdstats.call(cmd.slot, 0, reply.is_error());
            self.stats.total_commands += 1;
        }
        let mut out = self.blocking.outbox.remove(&client).unwrap_or_default();
        self.reply_to(client, &reply, &mut out);
        self.blocking.outbox.insert(client, out);
        self.actions.push(Action::Wake(vec![client]));
        true
    }

    /// Times out every parked client whose deadline is at or before `now_ms`.
    pub fn expire_blocked(&mut self, now_ms: i64) {
        let due: Vec<u64> = self
            .clients
            .values()
            .filter(|s| matches!(&s.blocked, Some(b) if b.deadline_ms.is_some_and(|d| d <= now_ms)))
            .map(|s| s.id)
            .collect();
        for id in due {
            self.unblock_with(id, None);
        }
    }

    /// The reply bytes waiting for a woken client.
    pub fn take_outbox(&mut self, client: u64) -> Option<Vec<u8>> {
        self.blocking.outbox.remove(&client)
    }

    /// Looks up, checks arity, runs, and records effects; returns the reply unencoded.
    /// `ready_key` is set when re-running a parked client's command for a key that became ready.
    pub(crate) fn dispatch(
        &mut self,
        client: u64,
        args: &[Bytes],
        now_ms: i64,
        ready_key: Option<Bytes>,
    ) -> Outcome {
        let cmd = match lookup(args) {
            Ok(cmd) => cmd,
            Err(reply) => {
                // A known command with the wrong arity is a rejected call of it.
                if let Some(cmd) = resolve(args) {
                    self.cmdstats.reject(cmd.slot);
                }
                return Outcome {
                    reply,
                    close: false,
                    block: None,
                };
            }
        };
        if let Some(s) = self.clients.get_mut(&client) {
            // Commands run by EXEC leave `cmd=exec` in CLIENT LIST, as in Redis.
            if !self.tx.in_exec {
                s.last_cmd = cmd.name;
            }
        }
        // RESP2 subscribers may only run (un)subscribe commands, PING, QUIT and RESET.
        if let Err(reply) = crate::pubsub::check_context(self, client, cmd.def) {
            self.cmdstats.reject(cmd.slot);
            return Outcome {
                reply,
                close: false,
                block: None,
            };
        }
        let dirty_before = self.dirty;
        let (db, proto) = self
            .clients
            .get(&client)
            .map_or((0, resp::Proto::Resp2), |s| (s.db, s.proto));
        let mut ctx = Ctx {
            eng: self,
            client_id: client,
            db,
            now_ms,
            cmd: cmd.def,
            proto,
            rewritten: None,
            close_after_reply: false,
            block_request: None,
            reprocessing: ready_key.is_some(),
            ready_key,
            out: None,
        };
        let handler = cmd.handler.expect("lookup returns runnable commands");
        let start = ctx.eng.ticker.map_or(0, |t| (t.now)());
        let reply = handler(&mut ctx, args);
        let rewritten = ctx.rewritten.take();
        let close = ctx.close_after_reply;
        let block = ctx.block_request.take();
        let db = ctx.db;
        // A parked call counts when it is served or times out (Redis's rule).
        if block.is_none() {
            let ticks = self.ticker.map_or(0, |t| (t.now)().wrapping_sub(start));
            self.cmdstats.call(cmd.slot, ticks, reply.is_error());
            self.stats.total_commands += 1;
        }
        // Redis remembers the keys of read-only commands for tracking clients. A read-only
        // script command (EVAL_RO...) counts only through the reads its script makes, and
        // each of those remembers the keys the script declared, for its caller.
        if cmd.has(crate::command::flags::READONLY)
            && !cmd.has(crate::command::flags::PUBSUB)
            && !cmd.is(crate::command::traits::SCRIPT)
        {
            match self.scripting.caller {
                Some(caller) if client == crate::script::SCRIPT_CLIENT => {
                    let keys = self.scripting.caller_keys.iter().cloned();
                    self.tracking.remember(caller, keys);
                }
                _ => self.remember_keys(client, cmd.def, args),
            }
        }
        if self.dirty != dirty_before || rewritten.is_some() {
            match rewritten {
                Some(list) => {
                    for argv in list {
                        self.record_effect(db, argv);
                    }
                }
                None => self.record_effect(db, args.to_vec()),
            }
        }
        Outcome {
            reply,
            close,
            block,
        }
    }

    fn remember_keys(&mut self, client: u64, cmd: &Command, args: &[Bytes]) {
        if self.tracking.get(client).is_none() {
            return;
        }
        if let Some(keys) = crate::command::introspect::keys_of(cmd, args) {
            let keys = keys.into_iter().filter_map(|(i, _)| args.get(i).cloned());
            self.tracking.remember(client, keys);
        }
    }

    /// Periodic work (Redis's `serverCron`): the active expire cycle, then the BCAST
    /// invalidations it caused. Call `hz` times a second.
    pub fn cron(&mut self, now_ms: i64) {
        self.expire_blocked(now_ms);
        self.tracking_begin(0, now_ms);
        self.tracking_limit();
        crate::expire::active_expire_cycle(self, now_ms);
        self.tracking_end(0, None);
        if self.config.active_rehashing {
            // As Redis: one db's rehash work per call at most.
            for db in self.dbs.iter_mut() {
                if db.rehash_some() {
                    break;
                }
            }
        }
    }

    /// How often `cron` should run: `hz`, doubled (up to 500) while there are more than 200
    /// clients per tick when `dynamic-hz` is on, as Redis adapts it.
    pub fn effective_hz(&self) -> u32 {
        let mut hz = self.config.hz.max(1);
        if self.config.dynamic_hz {
            while self.clients.len() / hz as usize > 200 {
                hz *= 2;
                if hz > 500 {
                    hz = 500;
                    break;
                }
            }
        }
        hz
    }
}

/// Whether a reply is out-of-band pushes (pub/sub notices), which CLIENT REPLY OFF/SKIP
/// never silence.
fn is_push(reply: &Reply) -> bool {
    match reply {
        Reply::Push(_) => true,
        Reply::Seq(items) => items.first().is_some_and(|r| matches!(r, Reply::Push(_))),
        _ => false,
    }
}

/// `count` empty dbs of `shards` parts, their hash tables seeded from `seed`.
fn db_set(count: usize, shards: usize, seed: u64) -> Vec<Db> {
    (0..count)
        .map(|i| Db::with_parts(((seed as u128) << 64) | (i as u128 + 1), shards))
        .collect()
}
