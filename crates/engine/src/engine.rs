//! The engine: all databases, sessions, config and stats, and `execute`, which turns one
//! command into its reply and its effects. Sans-IO: time comes in as `now_ms`, randomness from
//! a seeded generator, and anything the I/O shell must do comes out as `Action`s.

use crate::command::{table, Command};
use crate::config::Config;
use crate::ctx::Ctx;
use crate::db::Db;
use crate::errors;
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
}

/// What the process around the engine reports for INFO (memory, pid, ports).
pub trait Host: Send {
    /// Bytes currently allocated by the process (Redis's `used_memory`).
    fn used_memory(&self) -> usize;
    /// Resident set size in bytes.
    fn rss(&self) -> usize;
    fn process_id(&self) -> u32;
    fn executable(&self) -> String;
    fn config_file(&self) -> String;
    /// CPU seconds used so far: (system, user).
    fn cpu_seconds(&self) -> (f64, f64);
}

/// A host for tests and simulation: fixed, deterministic numbers.
pub struct NullHost;

impl Host for NullHost {
    fn used_memory(&self) -> usize {
        0
    }
    fn rss(&self) -> usize {
        0
    }
    fn process_id(&self) -> u32 {
        0
    }
    fn executable(&self) -> String {
        String::new()
    }
    fn config_file(&self) -> String {
        String::new()
    }
    fn cpu_seconds(&self) -> (f64, f64) {
        (0.0, 0.0)
    }
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
    next_client_id: u64,
}

impl Engine {
    pub fn new(config: Config, seed: u64, now_ms: i64, host: Box<dyn Host>) -> Engine {
        let dbs = (0..config.databases).map(|_| Db::default()).collect();
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
            next_client_id: 1,
        }
    }

    /// Registers a new connection and returns its client id.
    pub fn connect(&mut self, addr: String, laddr: String, fd: i64, now_ms: i64) -> u64 {
        let id = self.next_client_id;
        self.next_client_id += 1;
        self.stats.total_connections += 1;
        self.clients
            .insert(id, Session::new(id, addr, laddr, fd, now_ms));
        id
    }

    pub fn disconnect(&mut self, id: u64) {
        self.clients.remove(&id);
    }

    pub fn record_effect(&mut self, db: usize, argv: Vec<Bytes>) {
        if let Some(effects) = self.effects.as_mut() {
            effects.push(Effect { db, argv });
        }
    }

    /// Runs one command for `client` and appends its encoded reply to `out`.
    pub fn execute(&mut self, client: u64, args: &[Bytes], now_ms: i64, out: &mut Vec<u8>) -> Flow {
        let Some(session) = self.clients.get_mut(&client) else {
            return Flow::Close;
        };
        session.last_interaction_ms = now_ms;
        session.commands += 1;
        let (reply, flow) = self.dispatch(client, args, now_ms);
        self.stats.total_commands += 1;
        if reply.is_error() {
            self.stats.error_replies += 1;
        }
        let Some(session) = self.clients.get_mut(&client) else {
            return Flow::Close;
        };
        match session.reply_mode {
            ReplyMode::On => reply.encode(session.proto, out),
            ReplyMode::Off => {}
            ReplyMode::SkipNext => session.reply_mode = ReplyMode::Skipping,
            ReplyMode::Skipping => session.reply_mode = ReplyMode::On,
        }
        flow
    }

    /// Looks up, checks arity, runs, and records effects; returns the reply unencoded.
    pub fn dispatch(&mut self, client: u64, args: &[Bytes], now_ms: i64) -> (Reply, Flow) {
        let cmd = match lookup(args) {
            Ok(cmd) => cmd,
            Err(reply) => return (reply, Flow::Continue),
        };
        if let Some(s) = self.clients.get_mut(&client) {
            s.last_cmd = table::full_name(cmd, args);
        }
        let dirty_before = self.dirty;
        let db = self.clients.get(&client).map_or(0, |s| s.db);
        let mut ctx = Ctx {
            eng: self,
            client_id: client,
            db,
            now_ms,
            cmd,
            rewritten: None,
            close_after_reply: false,
        };
        let handler = cmd.handler.expect("lookup returns runnable commands");
        let reply = handler(&mut ctx, args);
        let rewritten = ctx.rewritten.take();
        let close = ctx.close_after_reply;
        let db = ctx.db;
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
        let flow = if close { Flow::Close } else { Flow::Continue };
        (reply, flow)
    }

    /// Periodic work (Redis's `serverCron`): the active expire cycle. Call `hz` times a second.
    pub fn cron(&mut self, now_ms: i64) {
        crate::expire::active_expire_cycle(self, now_ms);
    }
}

/// Finds the command (or subcommand) for `args` and checks its arity, with Redis's errors.
pub fn lookup(args: &[Bytes]) -> Result<&'static Command, Reply> {
    let Some(name) = args.first() else {
        return Err(Reply::err("ERR empty command"));
    };
    let Some(cmd) = table::find(name) else {
        return Err(unknown_command(args));
    };
    let (cmd, fullname) = if !cmd.subcommands.is_empty() && args.len() > 1 {
        match table::find_sub(cmd, &args[1]) {
            Some(sub) => (sub, table::full_name(sub, args)),
            None => return Err(errors::unknown_subcommand(&args[1], cmd.name)),
        }
    } else {
        (cmd, cmd.name)
    };
    let argc = args.len() as i32;
    if (cmd.arity > 0 && cmd.arity != argc) || argc < -cmd.arity {
        return Err(errors::arity(fullname));
    }
    if cmd.handler.is_none() {
        return Err(errors::arity(fullname));
    }
    Ok(cmd)
}

/// `ERR unknown command '<name>', with args beginning with: '<a>' '<b>' ` as Redis 7.0 words it.
fn unknown_command(args: &[Bytes]) -> Reply {
    let mut shown = Vec::new();
    for arg in &args[1..] {
        if shown.len() >= 128 {
            break;
        }
        let room = 128 - shown.len();
        shown.push(b'\'');
        shown.extend_from_slice(errors::c_str_prefix(arg, room));
        shown.extend_from_slice(b"' ");
    }
    let mut msg = b"ERR unknown command '".to_vec();
    msg.extend_from_slice(errors::c_str_prefix(&args[0], 128));
    msg.extend_from_slice(b"', with args beginning with: ");
    msg.extend_from_slice(&shown);
    Reply::error(msg)
}
