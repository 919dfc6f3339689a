//! `bit`: LuaBitOp 1.0.2 semantics. Every argument is normalised to a signed 32-bit integer
//! the way LuaBitOp does it: add 2^52+2^51 to the double and keep the low 32 bits of the
//! result's representation, which reduces any number modulo 2^32.

use crate::util::{add, check_number, ret, Args, LResult, PLAIN};
use mlua::{Lua, Table};

/// Normalises argument `i` to 32 bits (errors like `luaL_checknumber`).
fn barg(lua: &Lua, args: &Args, i: usize, fname: &str) -> LResult<u32> {
    let n = check_number(lua, args, i, fname)?;
    Ok((n + 6_755_399_441_055_744.0).to_bits() as u32)
}

/// Results are signed 32-bit values returned as Lua numbers.
fn num(b: u32) -> f64 {
    b as i32 as f64
}

type Op = fn(u32, u32) -> u32;

fn unary(lua: &Lua, m: &Table, name: &'static str, f: fn(u32) -> u32) -> mlua::Result<()> {
    add(lua, m, name, PLAIN, move |lua, args| {
        match barg(lua, &args, 1, name) {
            Ok(b) => ret(lua, num(f(b))),
            Err(e) => Ok(Err(e)),
        }
    })
}

/// `band`/`bor`/`bxor` fold over all their arguments (at least one).
fn fold(lua: &Lua, m: &Table, name: &'static str, f: Op) -> mlua::Result<()> {
    add(lua, m, name, PLAIN, move |lua, args| {
        let r = (|| {
            let mut b = barg(lua, &args, 1, name)?;
            for i in 2..=args.len() {
                b = f(b, barg(lua, &args, i, name)?);
            }
            Ok(b)
        })();
        match r {
            Ok(b) => ret(lua, num(b)),
            Err(e) => Ok(Err(e)),
        }
    })
}

/// Shifts and rotates use only the low 5 bits of the count.
fn shift(lua: &Lua, m: &Table, name: &'static str, f: Op) -> mlua::Result<()> {
    add(lua, m, name, PLAIN, move |lua, args| {
        let r = (|| {
            Ok::<_, Vec<u8>>(f(
                barg(lua, &args, 1, name)?,
                barg(lua, &args, 2, name)? & 31,
            ))
        })();
        match r {
            Ok(b) => ret(lua, num(b)),
            Err(e) => Ok(Err(e)),
        }
    })
}

/// `tohex(x [, n])`: `n` digits (default 8, at most 8), upper case when `n` is negative.
fn tohex(lua: &Lua, args: &Args) -> LResult<Vec<u8>> {
    let mut b = barg(lua, args, 1, "tohex")?;
    let n = if args.get(2).is_none() {
        8
    } else {
        barg(lua, args, 2, "tohex")? as i32 as i64
    };
    let digits: &[u8; 16] = if n < 0 {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    // Redis' build treats -(-2^31) as large, so it also prints 8 digits.
    let n = n.abs().min(8) as usize;
    let mut out = vec![0u8; n];
    for slot in out.iter_mut().rev() {
        *slot = digits[(b & 15) as usize];
        b >>= 4;
    }
    Ok(out)
}

pub fn module(lua: &Lua) -> mlua::Result<Table> {
    let m = lua.create_table()?;
    unary(lua, &m, "tobit", |b| b)?;
    unary(lua, &m, "bnot", |b| !b)?;
    unary(lua, &m, "bswap", u32::swap_bytes)?;
    fold(lua, &m, "band", |a, b| a & b)?;
    fold(lua, &m, "bor", |a, b| a | b)?;
    fold(lua, &m, "bxor", |a, b| a ^ b)?;
    shift(lua, &m, "lshift", |a, n| a << n)?;
    shift(lua, &m, "rshift", |a, n| a >> n)?;
    shift(lua, &m, "arshift", |a, n| ((a as i32) >> n) as u32)?;
    shift(lua, &m, "rol", u32::rotate_left)?;
    shift(lua, &m, "ror", u32::rotate_right)?;
    add(lua, &m, "tohex", PLAIN, |lua, args| {
        match tohex(lua, &args) {
            Ok(s) => ret(lua, lua.create_string(&s)?),
            Err(e) => Ok(Err(e)),
        }
    })?;
    Ok(m)
}
