//! Functions: libraries of named Lua functions (FUNCTION LOAD, FCALL). They live in their own
//! VM, as in Redis, built on first use. A library's code runs once at load time in an
//! environment that offers only `redis.register_function`, `redis.log` and constants; the
//! functions it registers later run with the full globals and `redis` API.

use super::redis_api::{innermost, raise};
use super::vm::Vm;
use super::Scripting;
use bytes::Bytes;
use mlua::{Function, Lua, MultiValue, Table, Value};
use resp::Reply;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

/// Flags `register_function` accepts, as Redis spells them.
pub const FLAG_NAMES: &[&str] = &[
    "no-writes",
    "allow-oom",
    "allow-stale",
    "no-cluster",
    "allow-cross-slot-keys",
];

#[derive(Clone)]
pub struct FunctionDef {
    pub name: String,
    pub func: Function,
    pub description: Option<Bytes>,
    pub flags: Vec<&'static str>,
}

impl FunctionDef {
    pub fn no_writes(&self) -> bool {
        self.flags.contains(&"no-writes")
    }
}

pub struct Library {
    pub name: String,
    pub code: Bytes,
    pub functions: BTreeMap<String, FunctionDef>,
}

/// Functions registered by the library being loaded.
type Pending = Arc<Mutex<Vec<FunctionDef>>>;

#[derive(Default)]
pub struct Functions {
    pub(crate) vm: Option<Vm>,
    /// The environment library code runs in (see sandbox.rs).
    env: Option<Table>,
    pending: Pending,
    pub libraries: BTreeMap<String, Library>,
}

impl Functions {
    /// The library a function belongs to, and the function.
    pub fn find(&self, name: &[u8]) -> Option<&FunctionDef> {
        self.libraries
            .values()
            .find_map(|lib| lib.functions.get(&*String::from_utf8_lossy(name)))
    }

    pub fn function_count(&self) -> usize {
        self.libraries.values().map(|l| l.functions.len()).sum()
    }

    pub fn flush(&mut self) {
        self.libraries.clear();
        self.vm = None;
        self.env = None;
    }
}

const BAD_NAME: &str = "ERR Library names can only contain letters, numbers, or underscores(_) \
and must be at least one character long";

fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// Parses `#!lua name=<lib>` (the first line); returns the name and where the body starts.
fn parse_shebang(code: &[u8]) -> Result<(String, usize), Reply> {
    if !code.starts_with(b"#!") {
        return Err(Reply::err("ERR Missing library metadata"));
    }
    let Some(eol) = code.iter().position(|&c| c == b'\n') else {
        return Err(Reply::err("ERR Invalid library metadata"));
    };
    let line = &code[2..eol];
    let mut parts = line.split(|&c| c == b' ').filter(|p| !p.is_empty());
    let engine = parts.next().unwrap_or_default();
    if !engine.eq_ignore_ascii_case(b"lua") {
        return Err(Reply::error(format!(
            "ERR Engine '{}' not found",
            String::from_utf8_lossy(engine)
        )));
    }
    let mut name = None;
    for part in parts {
        match part.strip_prefix(b"name=") {
            Some(_) if name.is_some() => {
                return Err(Reply::err(
                    "ERR Invalid metadata value, name argument was given multiple times",
                ))
            }
            Some(n) => name = Some(n),
            None => {
                return Err(Reply::error(format!(
                    "ERR Invalid metadata value given: {}",
                    String::from_utf8_lossy(part)
                )))
            }
        }
    }
    let name = name.ok_or_else(|| Reply::err("ERR Library name was not given"))?;
    if !valid_name(name) {
        return Err(Reply::err(BAD_NAME));
    }
    Ok((String::from_utf8_lossy(name).into_owned(), eol))
}

/// How FUNCTION LOAD / RESTORE treat a library that already exists.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum OnCollision {
    Fail,
    Replace,
}

impl Scripting {
    fn functions_vm(&mut self) -> Result<(), Reply> {
        if self.functions.vm.is_some() && self.functions.env.is_some() {
            return Ok(());
        }
        let vm = self.new_vm()?;
        let env = build_env(&vm, self.functions.pending.clone())
            .map_err(|e| Reply::error(format!("ERR {}", innermost(&e))))?;
        self.functions.vm = Some(vm);
        self.functions.env = Some(env);
        Ok(())
    }

    /// Compiles and runs a library's code, collecting what it registers (nothing installed).
    pub fn compile_library(&mut self, code: &Bytes) -> Result<Library, Reply> {
        let (name, body_at) = parse_shebang(code)?;
        self.functions_vm()?;
        let (Some(vm), Some(env)) = (self.functions.vm.as_ref(), self.functions.env.as_ref())
        else {
            return Err(Reply::err("ERR Lua VM unavailable"));
        };
        // The shebang line stays as an empty line, so line numbers match the code.
        let func = vm
            .lua
            .load(&code[body_at..])
            .set_name("@user_function")
            .set_mode(mlua::ChunkMode::Text)
            .set_environment(env.clone())
            .into_function()
            .map_err(|e| super::compile_error_text("Error compiling function", &e))?;
        self.functions
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
        vm.hooks.raw_set("loading", true).ok();
        if let Some(clock) = &self.clock {
            let deadline = clock() + super::vm::LOAD_TIMEOUT_MS;
            vm.load_deadline_ms.store(deadline, Ordering::Relaxed);
        }
        let out = vm.prelude.run.call::<MultiValue>(func);
        vm.load_deadline_ms.store(0, Ordering::Relaxed);
        // (Lines a library logs while loading are dropped: this has no engine at hand.)
        vm.logs.lock().unwrap_or_else(|p| p.into_inner()).clear();
        vm.hooks.raw_set("loading", Value::Nil).ok();
        let registered = std::mem::take(
            &mut *self
                .functions
                .pending
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        let mut out = out
            .map_err(|e| Reply::error(format!("ERR {}", innermost(&e))))?
            .into_iter();
        if !matches!(out.next(), Some(Value::Boolean(true))) {
            let msg = match out.next() {
                Some(Value::Table(t)) => t
                    .raw_get::<mlua::String>("err")
                    .map(|s| s.as_bytes().to_vec())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            let mut text = b"ERR Error registering functions: ".to_vec();
            text.extend_from_slice(&msg);
            return Err(Reply::error(text));
        }
        if registered.is_empty() {
            return Err(Reply::err("ERR No functions registered"));
        }
        let functions = registered
            .into_iter()
            .map(|f| (f.name.clone(), f))
            .collect();
        Ok(Library {
            name,
            code: code.clone(),
            functions,
        })
    }

    /// Installs compiled libraries, all or none: collisions with other libraries' names or
    /// function names fail the whole set.
    pub fn install_libraries(
        &mut self,
        libs: Vec<Library>,
        mode: OnCollision,
        restore: bool,
    ) -> Result<(), Reply> {
        let replacing: Vec<&str> = libs.iter().map(|l| l.name.as_str()).collect();
        for lib in &libs {
            if mode == OnCollision::Fail && self.functions.libraries.contains_key(&lib.name) {
                return Err(Reply::error(if restore {
                    format!("ERR Library {} already exists", lib.name)
                } else {
                    format!("ERR Library '{}' already exists", lib.name)
                }));
            }
            for fname in lib.functions.keys() {
                let taken = self
                    .functions
                    .libraries
                    .values()
                    .filter(|other| !replacing.contains(&other.name.as_str()))
                    .any(|other| other.functions.contains_key(fname));
                if taken {
                    return Err(Reply::error(format!("ERR Function {fname} already exists")));
                }
            }
        }
        for lib in libs {
            self.functions.libraries.insert(lib.name.clone(), lib);
        }
        Ok(())
    }
}

/// The `redis` table a library sees while loading, and the environment of its code.
fn build_env(vm: &Vm, pending: Pending) -> mlua::Result<Table> {
    let lua = &vm.lua;
    let load_redis = lua.create_table()?;
    let register = lua.create_function(move |lua, args: MultiValue| {
        let outcome = register_function(lua, &pending, args);
        raise(lua, outcome?)
    })?;
    load_redis.raw_set("register_function", register)?;
    let runtime: Table = vm.redis.clone();
    for key in [
        "log",
        "LOG_DEBUG",
        "LOG_VERBOSE",
        "LOG_NOTICE",
        "LOG_WARNING",
        "REDIS_VERSION",
        "REDIS_VERSION_NUM",
    ] {
        load_redis.raw_set(key, runtime.raw_get::<Value>(key)?)?;
    }
    vm.prelude.function_env.call(load_redis)
}

fn fail(lua: &Lua, msg: &str) -> mlua::Result<(bool, Value)> {
    let t = lua.create_table()?;
    t.raw_set("err", msg)?;
    Ok((false, Value::Table(t)))
}

fn text_of(v: &Value) -> Option<Bytes> {
    match v {
        Value::String(s) => Some(Bytes::copy_from_slice(&s.as_bytes())),
        Value::Integer(n) => Some(Bytes::from(n.to_string())),
        Value::Number(n) => Some(Bytes::from(resp::reply::format_g(*n, 14))),
        _ => None,
    }
}

/// `redis.register_function(name, callback)` or `redis.register_function{...}`.
fn register_function(
    lua: &Lua,
    pending: &Pending,
    args: MultiValue,
) -> mlua::Result<(bool, Value)> {
    let (mut name, mut callback, mut description, mut flags) = (None, None, None, Vec::new());
    match args.len() {
        1 => {
            let Some(Value::Table(t)) = args.front() else {
                return fail(lua, "ERR calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).");
            };
            for pair in t.pairs::<Value, Value>() {
                let (k, v) = pair?;
                let key = text_of(&k).unwrap_or_default();
                match &key[..] {
                    b"function_name" => name = text_of(&v),
                    b"callback" => callback = v.as_function().cloned(),
                    b"description" => description = text_of(&v),
                    b"flags" => {
                        let Value::Table(list) = v else {
                            return fail(lua, "ERR flags argument to redis.register_function must be a table representing function flags");
                        };
                        for flag in list.sequence_values::<Value>() {
                            let flag = text_of(&flag?).unwrap_or_default();
                            match FLAG_NAMES.iter().find(|f| f.as_bytes() == &flag[..]) {
                                Some(f) => flags.push(*f),
                                None => return fail(lua, "ERR unknown flag given"),
                            }
                        }
                    }
                    _ => return fail(lua, "ERR unknown argument given to redis.register_function"),
                }
            }
            if name.is_none() {
                return fail(
                    lua,
                    "ERR redis.register_function must get a function name argument",
                );
            }
            if callback.is_none() {
                return fail(
                    lua,
                    "ERR redis.register_function must get a callback argument",
                );
            }
        }
        2 => {
            name = text_of(&args[0]);
            match &args[1] {
                Value::Function(f) => callback = Some(f.clone()),
                _ => {
                    return fail(
                        lua,
                        "ERR second argument to redis.register_function must be a function",
                    )
                }
            }
        }
        _ => {
            return fail(
                lua,
                "ERR wrong number of arguments to redis.register_function",
            )
        }
    }
    let (Some(name), Some(func)) = (name, callback) else {
        return fail(
            lua,
            "ERR wrong number of arguments to redis.register_function",
        );
    };
    if !valid_name(&name) {
        return fail(lua, BAD_NAME);
    }
    let name = String::from_utf8_lossy(&name).into_owned();
    let mut pending = pending.lock().unwrap_or_else(|p| p.into_inner());
    if pending.iter().any(|f| f.name == name) {
        return fail(lua, "ERR Function already exists in the library");
    }
    pending.push(FunctionDef {
        name,
        func,
        description,
        flags,
    });
    Ok((true, Value::Nil))
}

/// FUNCTION DUMP's payload (our own format, not Redis's RDB encoding): a magic prefix, then
/// each library's code with a 4-byte little-endian length.
const MAGIC: &[u8] = b"LATTICE-FUNCTIONS\x01";

pub fn dump(functions: &Functions) -> Bytes {
    let mut out = MAGIC.to_vec();
    for lib in functions.libraries.values() {
        out.extend_from_slice(&(lib.code.len() as u32).to_le_bytes());
        out.extend_from_slice(&lib.code);
    }
    Bytes::from(out)
}

/// The library codes in a payload, or Redis's error for one it cannot read.
pub fn undump(payload: &[u8]) -> Result<Vec<Bytes>, Reply> {
    let bad = || Reply::err("ERR DUMP payload version or checksum are wrong");
    let mut rest = payload.strip_prefix(MAGIC).ok_or_else(bad)?;
    let mut codes = Vec::new();
    while !rest.is_empty() {
        let len = rest.get(..4).ok_or_else(bad)?;
        let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
        let code = rest.get(4..4 + len).ok_or_else(bad)?;
        codes.push(Bytes::copy_from_slice(code));
        rest = &rest[4 + len..];
    }
    Ok(codes)
}
