//! Functions: libraries of named Lua functions (FUNCTION LOAD, FCALL). They live in their own
//! VM, as in Redis, built on first use. A library's code runs once at load time in an
//! environment that offers only `redis.register_function`, `redis.log` and constants; the
//! functions it registers later run with the full globals and `redis` API.

use super::redis_api::innermost;
use super::register::{build_env, Pending};
use super::vm::Vm;
use super::Scripting;
use bytes::Bytes;
use mlua::{Function, MultiValue, Table, Value};
use resp::Reply;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

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
    /// By lowercase name (FCALL finds a function in any case); each keeps its own spelling.
    pub functions: BTreeMap<String, FunctionDef>,
}

#[derive(Default)]
pub struct Functions {
    pub(crate) vm: Option<Vm>,
    /// The environment library code runs in (see sandbox.rs).
    env: Option<Table>,
    pending: Pending,
    pub libraries: BTreeMap<String, Library>,
}

impl Functions {
    /// A function by name, in any case.
    pub fn find(&self, name: &[u8]) -> Option<&FunctionDef> {
        let key = String::from_utf8_lossy(name).to_ascii_lowercase();
        self.libraries
            .values()
            .find_map(|lib| lib.functions.get(&key))
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

pub const BAD_NAME: &str = "Library names can only contain letters, numbers, or underscores(_) \
and must be at least one character long";

pub fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// A library's first line, `#!<engine> name=<name>`, split as Redis splits it (quotes and
/// escapes as in redis.conf, `name=` in any case).
struct Metadata {
    name: Bytes,
    engine: Bytes,
    /// Where the code the engine runs starts: at the newline, so line numbers match.
    body_at: usize,
}

fn parse_metadata(code: &Bytes) -> Result<Metadata, Reply> {
    if !code.starts_with(b"#!") {
        return Err(Reply::err("ERR Missing library metadata"));
    }
    let invalid = || Reply::err("ERR Invalid library metadata");
    // Redis looks for the newline in a C string: a NUL before it ends the search.
    let eol = code
        .iter()
        .position(|&c| c == b'\n' || c == 0)
        .filter(|&i| code[i] == b'\n')
        .ok_or_else(invalid)?;
    let parts = resp::request::split_args(&code.slice(..eol)).ok_or_else(invalid)?;
    let first = parts.first().ok_or_else(invalid)?;
    let engine = first.slice(first.len().min(2)..);
    let mut name = None;
    for part in &parts[1..] {
        if part.len() >= 5 && part[..5].eq_ignore_ascii_case(b"name=") {
            if name.is_some() {
                return Err(Reply::err(
                    "ERR Invalid metadata value, name argument was given multiple times",
                ));
            }
            name = Some(part.slice(5..));
            continue;
        }
        let mut msg = b"ERR Invalid metadata value given: ".to_vec();
        msg.extend_from_slice(part);
        return Err(Reply::error(msg));
    }
    let name = name.ok_or_else(|| Reply::err("ERR Library name was not given"))?;
    Ok(Metadata {
        name,
        engine,
        body_at: eol,
    })
}

/// FUNCTION LOAD's and RESTORE's checks of the metadata, in Redis's order: the name, then
/// the engine.
fn check_metadata(meta: &Metadata) -> Result<String, Reply> {
    if !valid_name(&meta.name) {
        return Err(Reply::error(format!("ERR {BAD_NAME}")));
    }
    if !meta.engine.eq_ignore_ascii_case(b"lua") {
        let mut msg = b"ERR Engine '".to_vec();
        msg.extend_from_slice(&meta.engine);
        msg.extend_from_slice(b"' not found");
        return Err(Reply::error(msg));
    }
    Ok(String::from_utf8_lossy(&meta.name).into_owned())
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

    /// FUNCTION LOAD: checks, runs and installs a library, with Redis's checks in its order
    /// (metadata, an existing library without REPLACE, the code, then name collisions with
    /// other libraries' functions). Returns the library's name.
    pub fn load_library(&mut self, code: &Bytes, replace: bool) -> Result<String, Reply> {
        let meta = parse_metadata(code)?;
        let name = check_metadata(&meta)?;
        if !replace && self.functions.libraries.contains_key(&name) {
            return Err(Reply::error(format!("ERR Library '{name}' already exists")));
        }
        let lib = self.run_library(code, name.clone(), meta.body_at)?;
        self.install_libraries(vec![lib], OnCollision::Replace, false)?;
        Ok(name)
    }

    /// What `redis.log` wrote while libraries loaded (Redis logs it as for any call).
    pub fn take_load_logs(&mut self) -> Vec<(u8, Vec<u8>)> {
        match self.functions.vm.as_ref() {
            Some(vm) => std::mem::take(&mut *vm.logs.lock().unwrap_or_else(|p| p.into_inner())),
            None => Vec::new(),
        }
    }

    /// Checks and runs a library's code (for FUNCTION RESTORE), installing nothing.
    pub fn compile_library(&mut self, code: &Bytes) -> Result<Library, Reply> {
        let meta = parse_metadata(code)?;
        let name = check_metadata(&meta)?;
        self.run_library(code, name, meta.body_at)
    }

    /// Compiles and runs a library's code, collecting what it registers.
    fn run_library(
        &mut self,
        code: &Bytes,
        name: String,
        body_at: usize,
    ) -> Result<Library, Reply> {
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
        *self
            .functions
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(Vec::new());
        vm.hooks.raw_set("loading", true).ok();
        if let Some(clock) = &self.clock {
            let deadline = clock() + super::vm::LOAD_TIMEOUT_MS;
            vm.load_deadline_ms.store(deadline, Ordering::Relaxed);
        }
        let out = vm.prelude.run.call::<MultiValue>(func);
        vm.load_deadline_ms.store(0, Ordering::Relaxed);
        // Lines the library logged stay in `vm.logs` until the command takes them
        // (`take_load_logs`).
        vm.hooks.raw_set("loading", Value::Nil).ok();
        let registered = self
            .functions
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .unwrap_or_default();
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
            .map(|f| (f.name.to_ascii_lowercase(), f))
            .collect();
        Ok(Library {
            name,
            code: code.clone(),
            functions,
        })
    }

    /// Installs compiled libraries, all or none: collisions with other libraries' names or
    /// function names (in any case) fail the whole set.
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
            for (key, f) in &lib.functions {
                let taken = self
                    .functions
                    .libraries
                    .values()
                    .filter(|other| !replacing.contains(&other.name.as_str()))
                    .any(|other| other.functions.contains_key(key));
                if taken {
                    return Err(Reply::error(format!(
                        "ERR Function {} already exists",
                        f.name
                    )));
                }
            }
        }
        for lib in libs {
            self.functions.libraries.insert(lib.name.clone(), lib);
        }
        Ok(())
    }
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
