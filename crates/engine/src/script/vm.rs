//! The Lua VM: built once and reused for every script call (Redis keeps one interpreter and
//! recreates it only on SCRIPT FLUSH). Building installs the libraries Redis exposes, the
//! `redis` table, Redis's deterministic `math.random`, and then locks the globals down.

use super::busy::{BusyGate, Clock};
use super::errors::ScriptError;
use super::sandbox::{self, Prelude};
use super::sandbox_fns::{self, Check, HookOn};
use mlua::{
    Debug, Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Thread, Value,
    VmState,
};
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
    /// Walks a script's return value into reply tokens (see lua_reply.rs).
    pub flatten: Function,
    /// State of Redis's 48-bit `rand48` generator behind `math.random` (shared by both VMs).
    rand: Arc<AtomicU64>,
    /// Busy threshold in ms for the running call (read by the hook).
    pub threshold_ms: Arc<AtomicI64>,
    /// While a function library loads: when it must have finished (0: no load running).
    pub load_deadline_ms: Arc<AtomicI64>,
    /// Lines `redis.log` wrote during the current call, for the engine to hand to the shell.
    pub logs: super::redis_api::Logs,
    /// The running call's state for `redis.call` & co.
    pub call_state: Arc<std::sync::Mutex<super::redis_api::CallState>>,
    /// The engine, lent to `redis.call` for the running call only (a scoped userdata).
    pub lent: Arc<std::sync::Mutex<Option<mlua::AnyUserData>>>,
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
        let threshold_ms = Arc::new(AtomicI64::new(5000));
        let load_deadline_ms = Arc::new(AtomicI64::new(0));
        let check = busy_check(
            gate.clone(),
            clock,
            threshold_ms.clone(),
            load_deadline_ms.clone(),
        );
        let hooks = lua.create_table()?;
        hooks.raw_set("errvalue", lua.create_function(super::redis_api::errvalue)?)?;
        let g = gate.clone();
        let killed_fn = lua.create_function(move |_, ()| Ok(g.kill_requested()))?;
        hooks.raw_set("killed", killed_fn)?;
        let raise = lua.create_function(|lua, ()| -> mlua::Result<()> { Err(killed(lua)) })?;
        hooks.raw_set("raise_kill", raise)?;
        let handler = lua.create_function(super::redis_api::error_handler)?;
        hooks.raw_set("handler", handler.clone())?;
        let state = lua.create_table()?;
        for name in ["V", "M", "R"] {
            let weak = lua.create_table()?;
            let mode = lua.create_table()?;
            mode.raw_set("__mode", "k")?;
            weak.set_metatable(Some(mode));
            state.raw_set(name, weak)?;
        }
        let missing = lua.create_function(sandbox_fns::missing)?;
        state.raw_set("missing", super::call_front::limited(&lua, missing)?)?;
        let prelude = sandbox::install(&lua, &globals, &backing, &state, &hooks, handler)?;
        let views: Table = state.raw_get("V")?;
        let flatten = super::lua_reply::flattener(&lua, &views)?;
        let hook_on = hook_setter(check.clone());
        sandbox_fns::install(&lua, &backing, &state, check, hook_on.clone())?;
        let redis = lua.create_table()?;
        let vm = Vm {
            lua,
            backing,
            redis,
            hooks,
            prelude,
            flatten,
            rand,
            threshold_ms,
            load_deadline_ms,
            logs: Default::default(),
            call_state: Default::default(),
            lent: Default::default(),
        };
        vm.install_math()?;
        super::redis_api::install_log(&vm)?;
        super::redis_api::install(&vm)?;
        vm.prelude.lockdown.call::<()>(())?;
        hook_on(&vm.lua, None);
        vm.warm_up()?;
        Ok(vm)
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
        math.raw_set("random", super::call_front::limited(&self.lua, random)?)?;
        let state = self.rand.clone();
        let seed = self.lua.create_function(move |_, n: f64| {
            state.store(rand48_seed(n as i64 as i32), Ordering::Relaxed);
            Ok(())
        })?;
        math.raw_set("randomseed", super::call_front::limited(&self.lua, seed)?)?;
        Ok(())
    }

    /// Runs two nested Rust callbacks once. mlua keeps a pool of pre-allocated error slots for
    /// callbacks; a callback that finds the pool empty must rotate its Lua stack when it
    /// returns, which fails when a script passed it ~8000 arguments (`redis.call('lpush', k,
    /// unpack(t))`). Filling the pool now (one slot per nesting level) keeps that path unused.
    fn warm_up(&self) -> mlua::Result<()> {
        let killed: Function = self.hooks.raw_get("killed")?;
        let outer = self
            .lua
            .create_function(|_, f: Function| f.call::<bool>(()))?;
        outer.call::<bool>(killed)?;
        Ok(())
    }

    /// EVAL's VM shows its message handler as a global, as Redis's does.
    pub fn expose_error_handler(&self) -> mlua::Result<()> {
        let handler: Function = self.hooks.raw_get("handler")?;
        self.backing.raw_set("__redis__err__handler", handler)
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

/// What a killed script raises (Redis's text, for SCRIPT KILL and FUNCTION KILL alike).
pub const KILLED: &str = "ERR Script killed by user with SCRIPT KILL...";

/// The error of a library whose load-time code runs too long.
pub const LOAD_TIMEOUT: &str = "ERR FUNCTION LOAD timeout";

/// The error that stops a killed script, raised as Redis raises it (an `{err=...}` table).
pub fn killed(lua: &Lua) -> mlua::Error {
    ScriptError::table(lua, KILLED)
}

/// What the busy hook does every `HOOK_EVERY` instructions (and `coroutine.resume` on every
/// call): mark the gate busy past the threshold, stop a library load past its time limit, and
/// stop the script when SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE asked for it.
fn busy_check(
    gate: Arc<BusyGate>,
    clock: Option<Clock>,
    threshold: Arc<AtomicI64>,
    load_deadline: Arc<AtomicI64>,
) -> Check {
    Arc::new(move |lua: &Lua| {
        if let Some(clock) = &clock {
            let deadline = load_deadline.load(Ordering::Relaxed);
            if deadline > 0 {
                // Loading a library is not a script run: only its own time limit applies.
                if clock() >= deadline {
                    return Err(ScriptError::table(lua, LOAD_TIMEOUT));
                }
                return Ok(());
            }
            let limit = threshold.load(Ordering::Relaxed);
            if !gate.busy() && clock() - gate.started_ms() >= limit {
                gate.set_busy();
            }
        }
        if gate.kill_requested() {
            return Err(killed(lua));
        }
        Ok(())
    })
}

/// Sets the busy hook on a thread: a coroutine about to run, or (`None`) the running thread.
/// mlua calls its hook on one thread only, so `coroutine.resume` moves it there and back.
fn hook_setter(check: Check) -> HookOn {
    let triggers = HookTriggers::new().every_nth_instruction(HOOK_EVERY);
    Arc::new(move |lua: &Lua, co: Option<&Thread>| {
        let check = check.clone();
        let hook = move |lua: &Lua, _: Debug| -> mlua::Result<VmState> {
            check(lua)?;
            Ok(VmState::Continue)
        };
        match co {
            Some(thread) => thread.set_hook(triggers, hook),
            None => lua.current_thread().set_hook(triggers, hook),
        }
    })
}

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
