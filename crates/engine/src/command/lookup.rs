//! From a command line to its table entry: Redis's unknown-command, unknown-subcommand and
//! arity errors, and the stat slot of what was found.

use super::{table, Cmd};
use crate::errors;
use bytes::Bytes;
use resp::Reply;

/// Finds the command (or subcommand) for `args` and checks its arity, with Redis's errors.
pub fn lookup(args: &[Bytes]) -> Result<Cmd, Reply> {
    let Some(name) = args.first() else {
        return Err(Reply::err("ERR empty command"));
    };
    let Some(cmd) = table::find_cmd(name) else {
        return Err(unknown_command(args));
    };
    let cmd = if !cmd.subcommands.is_empty() && args.len() > 1 {
        match table::find_sub_cmd(cmd, &args[1]) {
            Some(sub) => sub,
            None => return Err(errors::unknown_subcommand(&args[1], cmd.name)),
        }
    } else {
        cmd
    };
    let argc = args.len() as i32;
    if (cmd.arity > 0 && cmd.arity != argc) || argc < -cmd.arity || cmd.handler.is_none() {
        return Err(errors::arity(cmd.name));
    }
    Ok(cmd)
}

/// The command `args` names when `lookup` refused it for its arity (Redis counts that as a
/// rejected call of the command); `None` for an unknown command or subcommand.
pub fn resolve(args: &[Bytes]) -> Option<Cmd> {
    let cmd = table::find_cmd(args.first()?)?;
    if !cmd.subcommands.is_empty() && args.len() > 1 {
        return table::find_sub_cmd(cmd, &args[1]);
    }
    Some(cmd)
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
