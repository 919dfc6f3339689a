//! The Lua VM: built once and reused for every script call (Redis keeps one interpreter and
//! recreates it only on SCRIPT FLUSH). Building installs the libraries Redis exposes, the
//! `redis` table, Redis's deterministic `math.random`, and then locks the globals down.

use super::busy::{BusyGate, Clock};
use super::sandbox::{self, Prelude};
use mlua::{Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

/// How often (in VM instructions) the busy hook looks at the clock.
const HOOK_EVERY: u32 = 100_000;

/// Globals of stock Lua 5.1 that Redis 7.0 does not expose to scripts.
const HIDDEN_GLOBALS: &[&str] = &[
    "print", "dofile", "loadfile", "require", "module", "getfenv", "setfenv", "newproxy",
    "package", "os", "io", "debug",
];

pub struct Vm {
    pub lua: Lua,
    /// The globals' real contents; the visible globals table is a read-only view of it.
    pub backing: Table,
    /// Slots the `redis` wrappers call into; the scoped Rust callbacks of one run live here.
    pub hooks: Table,
    /// The real `redis` table (scripts see a read-only view of it).
    pub redis: Table,
    pub prelude: Prelude,
    /// State of Redis's 48-bit `rand48` generator behind `math.random` (shared by both VMs).
    rand: Arc<AtomicU64>,
    /// Busy threshold in ms for the running call (read by the hook).
    pub threshold_ms: Arc<AtomicI64>,
    /// While a function library loads: when it must have finished (0: no load running).
    pub load_deadline_ms: Arc<AtomicI64>,
    /// Lines `redis.log` wrote during the current call, for the engine to hand to the shell.
    pub logs: super::redis_api::Logs,
}

impl Vm {
    /// Builds the VM. `clock` (from the host) lets the hook measure how long a script runs;
    /// without one, scripts never become busy (tests, simulation).
    pub fn new(
        gate: Arc<BusyGate>,
        clock: Option<Clock>,
        rand: Arc<AtomicU64>,
    ) -> mlua::Result<Vm> {
        let libs = StdLib::TABLE | StdLib::STRING | StdLib::MATH;
        let lua = Lua::new_with(libs, LuaOptions::default())?;
        lualibs::register_all(&lua)?;
        let globals = lua.globals();
        let backing = lua.create_table()?;
        for pair in globals.pairs::<Value, Value>() {
            let (k, v) = pair?;
            backing.raw_set(k, v)?;
        }
        for name in HIDDEN_GLOBALS {
            backing.raw_set(*name, Value::Nil)?;
        }
        let keys: Vec<Value> = globals
            .pairs::<Value, Value>()
            .filter_map(|p| p.ok().map(|(k, _)| k))
            .collect();
        for k in keys {
            globals.raw_set(k, Value::Nil)?;
        }
        backing.raw_set("_G", globals.clone())?;
        let hooks = lua.create_table()?;
        hooks.raw_set("errtext", lua.create_function(super::redis_api::errtext)?)?;
        let handler = lua.create_function(super::redis_api::error_handler)?;
        let prelude = sandbox::install(&lua, &globals, &backing, &hooks, handler)?;
        let threshold_ms = Arc::new(AtomicI64::new(5000));
        let load_deadline_ms = Arc::new(AtomicI64::new(0));
        let redis = lua.create_table()?;
        let vm = Vm {
            lua,
            backing,
            redis,
            hooks,
            prelude,
            rand,
            threshold_ms,
            load_deadline_ms,
            logs: Default::default(),
        };
        vm.install_math()?;
        super::redis_api::install_log(&vm)?;
        super::redis_api::install(&vm)?;
        vm.protect_libraries()?;
        vm.install_hook(gate, clock);
        Ok(vm)
    }

    /// Replaces every library table by a read-only view of it (Redis 7.0 protects them all).
    fn protect_libraries(&self) -> mlua::Result<()> {
        let mut tables = Vec::new();
        for pair in self.backing.pairs::<Value, Value>() {
            let (k, v) = pair?;
            if let (Value::String(_), Value::Table(t)) = (&k, &v) {
                if !t.equals(&self.lua.globals())? {
                    tables.push((k, t.clone()));
                }
            }
        }
        for (k, t) in tables {
            let view: Value = self.prelude.protect.call(t)?;
            self.backing.raw_set(k, view)?;
        }
        Ok(())
    }

    /// Redis's `math.random` / `math.randomseed`: its own rand48 generator, the same on every
    /// platform. Redis 7.0 never reseeds it between calls: one sequence for the process.
    fn install_math(&self) -> mlua::Result<()> {
        let math: Table = self.backing.raw_get("math")?;
        let state = self.rand.clone();
        let random = self
            .lua
            .create_function(move |_, args: MultiValue| -> mlua::Result<f64> {
                let r = rand48_next(&state) as f64 / i32::MAX as f64;
                let num = |v: &Value| match v {
                    Value::Number(n) => Some(*n),
                    Value::Integer(n) => Some(*n as f64),
                    _ => None,
                };
                match args.len() {
                    0 => Ok(r),
                    1 => match num(&args[0]) {
                        Some(m) if m >= 1.0 => Ok((r * m).floor() + 1.0),
                        _ => Err(mlua::Error::runtime(
                            "bad argument #1 to 'random' (interval is empty)",
                        )),
                    },
                    2 => match (num(&args[0]), num(&args[1])) {
                        (Some(lo), Some(hi)) if lo <= hi => Ok((r * (hi - lo + 1.0)).floor() + lo),
                        _ => Err(mlua::Error::runtime(
                            "bad argument #2 to 'random' (interval is empty)",
                        )),
                    },
                    _ => Err(mlua::Error::runtime("wrong number of arguments")),
                }
            })?;
        math.raw_set("random", random)?;
        let state = self.rand.clone();
        let seed = self.lua.create_function(move |_, n: f64| {
            state.store(rand48_seed(n as i64 as i32), Ordering::Relaxed);
            Ok(())
        })?;
        math.raw_set("randomseed", seed)?;
        Ok(())
    }

    /// Every `HOOK_EVERY` instructions: mark the gate busy past the threshold, and stop the
    /// script when SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE asked for it.
    fn install_hook(&self, gate: Arc<BusyGate>, clock: Option<Clock>) {
        let threshold = self.threshold_ms.clone();
        let load_deadline = self.load_deadline_ms.clone();
        let triggers = HookTriggers::new().every_nth_instruction(HOOK_EVERY);
        self.lua.set_hook(triggers, move |_, _| {
            if let Some(clock) = &clock {
                let deadline = load_deadline.load(Ordering::Relaxed);
                if deadline > 0 {
                    // Loading a library is not a script run: only its own time limit applies.
                    if clock() >= deadline {
                        return Err(mlua::Error::runtime(LOAD_TIMEOUT));
                    }
                    return Ok(VmState::Continue);
                }
                let limit = threshold.load(Ordering::Relaxed);
                if !gate.busy() && clock() - gate.started_ms() >= limit {
                    gate.set_busy();
                }
            }
            if gate.kill_requested() {
                return Err(mlua::Error::runtime(KILLED));
            }
            Ok(VmState::Continue)
        });
    }

    /// Compiles a script body as Redis does (chunk name `@user_script`).
    pub fn compile(&self, name: &str, body: &[u8]) -> mlua::Result<Function> {
        self.lua
            .load(body)
            .set_name(format!("@{name}"))
            .set_mode(mlua::ChunkMode::Text)
            .into_function()
    }
}

/// The marker the hook raises to stop a killed script.
pub const KILLED: &str = "Script killed by user with SCRIPT KILL...";

/// The error of a library whose load-time code runs too long.
pub const LOAD_TIMEOUT: &str = "FUNCTION LOAD timeout";

/// How long a library's load-time code may run (Redis's fixed limit).
pub const LOAD_TIMEOUT_MS: i64 = 500;

/// rand48's state before any seeding (what Redis scripts start from).
pub const RAND48_INITIAL: u64 = 0x1234_ABCD_330E;

fn rand48_seed(seed: i32) -> u64 {
    (((seed as u32) as u64) << 16) | 0x330E
}

/// One step of the 48-bit linear congruential generator; 31 bits out.
fn rand48_next(state: &AtomicU64) -> u64 {
    let x = state.load(Ordering::Relaxed);
    let next = (x.wrapping_mul(0x5DEECE66D).wrapping_add(0xB)) & ((1 << 48) - 1);
    state.store(next, Ordering::Relaxed);
    (next >> 17) % i32::MAX as u64
}
