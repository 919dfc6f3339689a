//! The one table of all commands, assembled from the per-family lists, with lookup by name.

use super::{Cmd, Command};
use crate::cmd;

/// Every family's commands. Adding a family means adding its list here.
pub fn families() -> [&'static [Command]; 22] {
    [
        super::introspect::COMMANDS,
        cmd::connection::COMMANDS,
        cmd::client::COMMANDS,
        cmd::config::COMMANDS,
        cmd::info::COMMANDS,
        cmd::memory::COMMANDS,
        cmd::server::COMMANDS,
        cmd::strings::COMMANDS,
        cmd::bitmaps::COMMANDS,
        cmd::keys::COMMANDS,
        cmd::expiry::COMMANDS,
        cmd::lists::COMMANDS,
        cmd::lists_blocking::COMMANDS,
        cmd::hashes::COMMANDS,
        cmd::sets::COMMANDS,
        cmd::sort::COMMANDS,
        cmd::zsets::COMMANDS,
        cmd::pubsub::COMMANDS,
        cmd::transactions::COMMANDS,
        cmd::scripting::COMMANDS,
        cmd::functions::COMMANDS,
        cmd::cluster::COMMANDS,
    ]
}

/// All top-level commands.
pub fn all() -> impl Iterator<Item = &'static Command> {
    families().into_iter().flat_map(|f| f.iter())
}

/// Case-insensitive lookup of a top-level command.
pub fn find(name: &[u8]) -> Option<&'static Command> {
    super::names::find(name)
}

/// Case-insensitive lookup of a subcommand of `container`.
pub fn find_sub(container: &'static Command, sub: &[u8]) -> Option<&'static Command> {
    container
        .subcommands
        .iter()
        .find(|c| short_name(c).as_bytes().eq_ignore_ascii_case(sub))
}

/// A top-level command with its stat slot (INFO commandstats).
pub fn find_cmd(name: &[u8]) -> Option<Cmd> {
    super::names::find_slot(name).map(|(slot, def)| Cmd {
        def,
        slot: slot as u16,
    })
}

/// A subcommand of `container` with its stat slot.
pub fn find_sub_cmd(container: Cmd, sub: &[u8]) -> Option<Cmd> {
    let j = container
        .def
        .subcommands
        .iter()
        .position(|c| short_name(c).as_bytes().eq_ignore_ascii_case(sub))?;
    Some(Cmd {
        def: &container.def.subcommands[j],
        slot: super::names::sub_slot(container.slot as usize, j) as u16,
    })
}

/// A subcommand's own part of its name: `list` of `client|list`.
pub fn short_name(cmd: &Command) -> &'static str {
    match cmd.name.split_once('|') {
        Some((_, sub)) => sub,
        None => cmd.name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_found_in_any_case() {
        for cmd in all() {
            assert_eq!(find(cmd.name.as_bytes()).map(|c| c.name), Some(cmd.name));
            let upper = cmd.name.to_ascii_uppercase();
            assert_eq!(find(upper.as_bytes()).map(|c| c.name), Some(cmd.name));
        }
        for miss in [
            &b""[..],
            b"gett",
            b"ge",
            b"\xff\x00",
            b"GET\x00",
            b"getex_",
            b"{et",
        ] {
            assert!(find(miss).is_none(), "{miss:?}");
        }
    }
}
