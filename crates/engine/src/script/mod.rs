//! Lua scripting (EVAL family) and Functions, with Redis 7.0's semantics.
//!
//! One VM per engine, built on first use and reused by every call (`vm.rs`); SCRIPT FLUSH
//! rebuilds it. A call runs while the caller holds the engine, so scripts are atomic;
//! `redis.call` goes through `Engine::dispatch` as the script client (`redis_api.rs`), so
//! every write a script makes leaves its own effect, notifies, and invalidates WATCH. The
//! busy gate (`busy.rs`) lets the I/O shell answer other clients while a script runs long.

pub mod busy;
mod call_front;
pub mod convert;
pub mod errors;
pub mod functions;
pub mod lua_reply;
pub mod redis_api;
pub mod register;
pub mod sandbox;
pub mod sandbox_fns;
pub mod sha1;
pub mod vm;

#[cfg(test)]
mod reply_tests;
#[cfg(test)]
mod tests;

use crate::engine::Engine;
use crate::session::Session;
use busy::{BusyGate, Clock};
use bytes::Bytes;
use mlua::{Function, MultiValue, Value};
pub use redis_api::SCRIPT_CLIENT;
use resp::Reply;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use vm::Vm;

/// A cached EVAL script: its body and the compiled function (`f_<sha>` in Redis).
pub struct Script {
    pub body: Bytes,
    pub func: Function,
    /// Flags from a `#!lua flags=...` first line; `None` without one (Redis's compat mode).
    pub flags: Option<Vec<&'static str>>,
}

impl Script {
    /// A script with a shebang that does not declare `no-writes` may write: EVAL_RO refuses it.
    pub fn may_write(&self) -> bool {
        self.flags
            .as_ref()
            .is_some_and(|f| !f.contains(&"no-writes"))
    }

    pub fn no_writes(&self) -> bool {
        self.flags
            .as_ref()
            .is_some_and(|f| f.contains(&"no-writes"))
    }
}

/// Reads an EVAL script's optional `#!lua [flags=a,b]` first line, split as Redis splits it
/// (quotes, tabs, CR as spaces), with Redis's errors. Returns the flags and where the code
/// starts (the line stays, emptied, for line numbers).
fn parse_shebang(body: &Bytes) -> Result<(Option<Vec<&'static str>>, usize), Reply> {
    if !body.starts_with(b"#!") {
        return Ok((None, 0));
    }
    // Redis looks for the newline in a C string: a NUL before it ends the search.
    let eol = body
        .iter()
        .position(|&c| c == b'\n' || c == 0)
        .filter(|&i| body[i] == b'\n')
        .ok_or_else(|| Reply::err("ERR Invalid script shebang"))?;
    let parts = resp::request::split_args(&body.slice(..eol))
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Reply::err("ERR Invalid engine in script shebang"))?;
    if &parts[0][..] != b"#!lua" {
        let mut msg = b"ERR Unexpected engine in script shebang: ".to_vec();
        msg.extend_from_slice(&parts[0]);
        return Err(Reply::error(msg));
    }
    let mut flags = Vec::new();
    for part in &parts[1..] {
        let Some(list) = part.strip_prefix(b"flags=") else {
            let mut msg = b"ERR Unknown lua shebang option: ".to_vec();
            msg.extend_from_slice(part);
            return Err(Reply::error(msg));
        };
        // An empty list has no flags; otherwise every comma-separated item must be one.
        if list.is_empty() {
            continue;
        }
        for flag in list.split(|&c| c == b',') {
            match functions::FLAG_NAMES.iter().find(|n| n.as_bytes() == flag) {
                Some(name) => flags.push(*name),
                None => {
                    let mut msg = b"ERR Unexpected flag in script shebang: ".to_vec();
                    msg.extend_from_slice(flag);
                    return Err(Reply::error(msg));
                }
            }
        }
    }
    Ok((Some(flags), eol))
}

pub struct Scripting {
    pub gate: Arc<BusyGate>,
    pub(crate) clock: Option<Clock>,
    /// The EVAL VM; `None` until first use, and while a call has it out.
    vm: Option<Vm>,
    pub scripts: HashMap<String, Script>,
    /// The session scripts run their commands as, kept between calls.
    client: Option<Session>,
    /// The client whose script is running: tracking treats the script's commands as its.
    pub caller: Option<u64>,
    /// The keys the running script declared, when its caller tracks keys: each read the
    /// script makes remembers them for the caller, as Redis does.
    pub caller_keys: Vec<Bytes>,
    pub functions: functions::Functions,
    /// `math.random`'s generator state, shared by both VMs and kept across SCRIPT FLUSH.
    rand: Arc<std::sync::atomic::AtomicU64>,
    /// The last command error counted during the running script: a script error that
    /// repeats it is not counted again (INFO errorstats).
    pub(crate) last_counted_error: Option<Bytes>,
    /// Calls since the last garbage collection step.
    calls: u32,
}

/// Calls between garbage collection steps, and the step's size in KB (Redis's values).
const GC_CYCLE_PERIOD: u32 = 50;

/// What to call and how.
pub struct Call<'a> {
    pub client: u64,
    pub now_ms: i64,
    /// For FCALL: what FUNCTION STATS shows while it runs.
    pub function: Option<busy::RunningFunction>,
    pub readonly: bool,
    /// EVAL (KEYS/ARGV globals, SCRIPT KILL) or FCALL (keys/args as arguments, FUNCTION KILL).
    pub eval: bool,
    /// Named in error suffixes: the sha of a script, the name of a function.
    pub name: &'a str,
    pub keys: &'a [Bytes],
    pub args: &'a [Bytes],
}

impl Scripting {
    pub fn new(clock: Option<Clock>) -> Scripting {
        Scripting {
            gate: BusyGate::new(),
            clock,
            vm: None,
            scripts: HashMap::new(),
            client: None,
            last_counted_error: None,
            caller: None,
            caller_keys: Vec::new(),
            functions: Default::default(),
            rand: Arc::new(std::sync::atomic::AtomicU64::new(vm::RAND48_INITIAL)),
            calls: 0,
        }
    }

    pub(crate) fn new_vm(&self) -> Result<Vm, Reply> {
        Vm::new(self.gate.clone(), self.clock.clone(), self.rand.clone()).map_err(|e| {
            Reply::error(format!(
                "ERR Error creating Lua VM: {}",
                redis_api::innermost(&e)
            ))
        })
    }

    fn vm(&mut self) -> Result<&Vm, Reply> {
        if self.vm.is_none() {
            let vm = self.new_vm()?;
            vm.expose_error_handler()
                .map_err(|e| Reply::error(format!("ERR {}", redis_api::innermost(&e))))?;
            self.vm = Some(vm);
        }
        self.vm
            .as_ref()
            .ok_or_else(|| Reply::err("ERR Lua VM unavailable"))
    }

    /// SCRIPT LOAD / EVAL: compiles the body unless cached; returns its sha.
    pub fn load_script(&mut self, body: &Bytes) -> Result<String, Reply> {
        let sha = sha1::sha1_hex(body);
        if self.scripts.contains_key(&sha) {
            return Ok(sha);
        }
        let (flags, code_at) = parse_shebang(body)?;
        let func = self
            .vm()?
            .compile("user_script", &body[code_at..])
            .map_err(|e| compile_error("new function", &e))?;
        self.scripts.insert(
            sha.clone(),
            Script {
                body: body.clone(),
                func,
                flags,
            },
        );
        Ok(sha)
    }

    /// SCRIPT FLUSH: forgets every script and rebuilds the VM, as Redis does.
    pub fn flush(&mut self) {
        self.scripts.clear();
        self.vm = None;
    }

    /// The client a command runs for: the script's caller for the script client.
    pub fn on_behalf_of(&self, client: u64) -> u64 {
        match self.caller {
            Some(caller) if client == SCRIPT_CLIENT => caller,
            _ => client,
        }
    }

    /// Whether a script is running now (Ctx::block refuses to park inside one).
    pub fn running(&self) -> bool {
        self.gate.running()
    }
}

/// INFO memory's scripting fields, in Redis's order: the VMs' own memory, the cached scripts'
/// and libraries' code, and their counts.
pub fn info_memory(s: &Scripting, kv: &mut dyn FnMut(&str, String), human: fn(usize) -> String) {
    let vm_eval = s.vm.as_ref().map_or(0, |vm| vm.lua.used_memory());
    let vm_functions = s.functions.vm.as_ref().map_or(0, |vm| vm.lua.used_memory());
    let scripts_eval: usize = s.scripts.values().map(|sc| sc.body.len()).sum();
    let functions_code: usize = s.functions.libraries.values().map(|l| l.code.len()).sum();
    kv("used_memory_lua", vm_eval.to_string());
    kv("used_memory_vm_eval", vm_eval.to_string());
    kv("used_memory_lua_human", human(vm_eval));
    kv("used_memory_scripts_eval", scripts_eval.to_string());
    kv("number_of_cached_scripts", s.scripts.len().to_string());
    kv(
        "number_of_functions",
        s.functions.function_count().to_string(),
    );
    kv(
        "number_of_libraries",
        s.functions.libraries.len().to_string(),
    );
    kv("used_memory_vm_functions", vm_functions.to_string());
    kv("used_memory_vm_total", (vm_eval + vm_functions).to_string());
    kv("used_memory_vm_total_human", human(vm_eval + vm_functions));
    kv("used_memory_functions", functions_code.to_string());
    kv(
        "used_memory_scripts",
        (scripts_eval + functions_code).to_string(),
    );
    kv(
        "used_memory_scripts_human",
        human(scripts_eval + functions_code),
    );
}

/// `ERR Error compiling script (<what>): <lua message>`.
pub fn compile_error(what: &str, e: &mlua::Error) -> Reply {
    compile_error_text(&format!("Error compiling script ({what})"), e)
}

/// `ERR <prefix>: <lua message>`.
pub fn compile_error_text(prefix: &str, e: &mlua::Error) -> Reply {
    let msg = match e {
        mlua::Error::SyntaxError { message, .. } => message.clone(),
        other => redis_api::innermost(other),
    };
    Reply::error(format!("ERR {prefix}: {msg}"))
}

/// Runs a cached script (EVAL/EVALSHA).
pub fn run_script(eng: &mut Engine, sha: &str, call: &Call) -> Reply {
    let Some(script) = eng.scripting.scripts.get(sha) else {
        return Reply::err("NOSCRIPT No matching script. Please use EVAL.");
    };
    if call.readonly && script.may_write() {
        return Reply::err("ERR Can not execute a script with write flag using *_ro command.");
    }
    let func = script.func.clone();
    if script.no_writes() && !call.readonly {
        let call = Call {
            readonly: true,
            function: None,
            ..*call
        };
        return run(eng, false, &func, &call);
    }
    run(eng, false, &func, call)
}

/// Runs `func` in the EVAL VM or the functions VM, with the busy gate raised, and turns its
/// result or error into the caller's reply. The VM is taken out of the engine meanwhile, so
/// `redis.call` can have the engine.
pub(crate) fn run(eng: &mut Engine, functions: bool, func: &Function, call: &Call) -> Reply {
    let taken = if functions {
        eng.scripting.functions.vm.take()
    } else {
        if let Err(e) = eng.scripting.vm() {
            return e;
        }
        eng.scripting.vm.take()
    };
    let Some(vm) = taken.as_ref() else {
        return Reply::err("ERR Lua VM unavailable");
    };
    let caller_db = eng.clients.get(&call.client).map_or(0, |s| s.db);
    // Aggregates are encoded for the caller's protocol as the script returns them.
    let proto = eng
        .clients
        .get(&call.client)
        .map_or(resp::Proto::Resp2, |s| s.proto);
    let mut session = eng
        .scripting
        .client
        .take()
        .unwrap_or_else(|| Session::new(SCRIPT_CLIENT, String::new(), String::new(), -1, 0));
    session.db = caller_db;
    session.proto = resp::Proto::Resp2;
    eng.clients.insert(SCRIPT_CLIENT, session);
    vm.threshold_ms
        .store(eng.config.busy_reply_threshold_ms, Ordering::Relaxed);
    eng.scripting.caller = Some(call.client);
    if eng.tracking.get(call.client).is_some() {
        eng.scripting.caller_keys = call.keys.to_vec();
    }
    eng.scripting.gate.begin(call.eval, call.now_ms);
    if let Some(info) = &call.function {
        eng.scripting.gate.set_function(info.clone());
    }
    let gate = eng.scripting.gate.clone();
    *vm.call_state.lock().unwrap_or_else(|p| p.into_inner()) = redis_api::CallState {
        now_ms: call.now_ms,
        readonly: call.readonly,
        resp3: false,
        repl: 3,
    };
    let result = invoke(vm, func, call, proto, eng);
    // As Redis: a garbage collection step every 50 calls, so garbage from calls does not
    // pile up until Lua's own full cycle (and its latency) comes.
    eng.scripting.calls += 1;
    if eng.scripting.calls >= GC_CYCLE_PERIOD {
        eng.scripting.calls = 0;
        let _ = vm.lua.gc_step_kbytes(GC_CYCLE_PERIOD as i32);
    }
    redis_api::drain_logs(vm, eng);
    gate.end();
    eng.scripting.caller = None;
    eng.scripting.caller_keys.clear();
    if let Some(s) = eng.clients.remove(&SCRIPT_CLIENT) {
        eng.scripting.client = Some(s);
    }
    // Put the VM back (unless a flush inside the call replaced it; none can: FLUSH commands
    // are refused in scripts).
    let slot = if functions {
        &mut eng.scripting.functions.vm
    } else {
        &mut eng.scripting.vm
    };
    if slot.is_none() {
        *slot = taken;
    }
    let reply =
        result.unwrap_or_else(|e| Reply::error(format!("ERR {}", redis_api::innermost(&e))));
    if let (Reply::Error(e), Some(counted)) = (&reply, eng.scripting.last_counted_error.take()) {
        // Raised from a command's error reply (Redis adds where the script failed).
        eng.error_counted = e.starts_with(&counted);
    }
    reply
}

fn invoke(
    vm: &Vm,
    func: &Function,
    call: &Call,
    proto: resp::Proto,
    eng: &mut Engine,
) -> mlua::Result<Reply> {
    let lua = &vm.lua;
    let strings = |items: &[Bytes]| -> mlua::Result<mlua::Table> {
        let t = lua.create_table_with_capacity(items.len(), 0)?;
        for (i, b) in items.iter().enumerate() {
            t.raw_set(i + 1, lua.create_string(b.as_ref())?)?;
        }
        Ok(t)
    };
    let (keys, args) = (strings(call.keys)?, strings(call.args)?);
    let out = lua.scope(|scope| {
        // The engine, lent to `redis.call` for this call only.
        let lent = scope.create_any_userdata_ref_mut(eng)?;
        *vm.lent.lock().unwrap_or_else(|p| p.into_inner()) = Some(lent);
        let out: MultiValue = if call.eval {
            vm.backing.raw_set("KEYS", keys)?;
            vm.backing.raw_set("ARGV", args)?;
            vm.prelude.run.call(func.clone())?
        } else {
            vm.prelude.run.call((func.clone(), keys, args))?
        };
        let resp3 = vm
            .call_state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .resp3;
        let mut out = out.into_iter();
        let ok = matches!(out.next(), Some(Value::Boolean(true)));
        let value = out.next().unwrap_or(Value::Nil);
        if ok {
            return Ok(lua_reply::reply(&vm.flatten, value, resp3, proto));
        }
        let Value::Table(err) = value else {
            return Ok(Reply::err("ERR unknown error"));
        };
        Ok(error_reply(&err, call.name))
    });
    *vm.lent.lock().unwrap_or_else(|p| p.into_inner()) = None;
    out
}

/// A failed call's error: Redis 7.0 appends which script failed and where.
fn error_reply(err: &mlua::Table, name: &str) -> Reply {
    let text = err
        .raw_get::<mlua::String>("err")
        .map(|s| s.as_bytes().to_vec())
        .unwrap_or_else(|_| b"ERR unknown error".to_vec());
    let source = err.raw_get::<Option<mlua::String>>("source").ok().flatten();
    let line = err.raw_get::<Option<i64>>("line").ok().flatten();
    let mut msg = text;
    if let (Some(source), Some(line)) = (source, line) {
        msg.extend_from_slice(format!(" script: {name}, on ").as_bytes());
        msg.extend_from_slice(&source.as_bytes());
        msg.extend_from_slice(format!(":{line}.").as_bytes());
    }
    Reply::error(msg)
}
