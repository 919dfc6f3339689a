//! The one table of all commands, assembled from the per-family lists, with lookup by name.

use super::Command;
use crate::cmd;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Every family's commands. Adding a family means adding its list here.
pub fn families() -> [&'static [Command]; 20] {
    [
        super::introspect::COMMANDS,
        cmd::connection::COMMANDS,
        cmd::client::COMMANDS,
        cmd::config::COMMANDS,
        cmd::info::COMMANDS,
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
    ]
}

fn index() -> &'static HashMap<&'static [u8], &'static Command> {
    static INDEX: OnceLock<HashMap<&'static [u8], &'static Command>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut map = HashMap::new();
        for family in families() {
            for cmd in family {
                let old = map.insert(cmd.name.as_bytes(), cmd);
                assert!(old.is_none(), "command {} declared twice", cmd.name);
            }
        }
        map
    })
}

/// All top-level commands.
pub fn all() -> impl Iterator<Item = &'static Command> {
    families().into_iter().flat_map(|f| f.iter())
}

/// Case-insensitive lookup of a top-level command.
pub fn find(name: &[u8]) -> Option<&'static Command> {
    let mut buf = [0u8; 32];
    if name.len() > buf.len() {
        return None;
    }
    let lower = &mut buf[..name.len()];
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    index().get(&*lower).copied()
}

/// Case-insensitive lookup of a subcommand of `container`.
pub fn find_sub(container: &'static Command, sub: &[u8]) -> Option<&'static Command> {
    container
        .subcommands
        .iter()
        .find(|c| short_name(c).as_bytes().eq_ignore_ascii_case(sub))
}

/// A subcommand's own part of its name: `list` of `client|list`.
pub fn short_name(cmd: &Command) -> &'static str {
    match cmd.name.split_once('|') {
        Some((_, sub)) => sub,
        None => cmd.name,
    }
}
