//! The one table of all commands, assembled from the per-family lists, with lookup by name.

use super::Command;
use crate::cmd;
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

/// Open-addressing table of every top-level command, probed case-insensitively without
/// copying the name: one fold-case hash, usually one comparison.
struct Index {
    slots: Vec<Option<&'static Command>>,
}

const INDEX_SLOTS: usize = 1024;

/// FNV-1a over the name with ASCII case folded (`| 0x20`): equal for equal names in any
/// case; the few other bytes it conflates only cost an extra probe.
fn fold_hash(name: &[u8]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for &b in name {
        h = (h ^ u32::from(b | 0x20)).wrapping_mul(0x0100_0193);
    }
    h as usize
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut slots = vec![None; INDEX_SLOTS];
        // Half empty at least, so probes stay short and a miss always meets an empty slot.
        assert!(all().count() * 2 <= INDEX_SLOTS, "grow INDEX_SLOTS");
        for cmd in all() {
            let mut i = fold_hash(cmd.name.as_bytes());
            loop {
                let slot = &mut slots[i % INDEX_SLOTS];
                match slot {
                    None => {
                        *slot = Some(cmd);
                        break;
                    }
                    Some(old) => {
                        assert!(old.name != cmd.name, "command {} declared twice", cmd.name)
                    }
                }
                i += 1;
            }
        }
        Index { slots }
    })
}

/// All top-level commands.
pub fn all() -> impl Iterator<Item = &'static Command> {
    families().into_iter().flat_map(|f| f.iter())
}

/// Case-insensitive lookup of a top-level command.
pub fn find(name: &[u8]) -> Option<&'static Command> {
    let slots = &index().slots;
    let mut i = fold_hash(name);
    loop {
        let cmd = slots[i % INDEX_SLOTS]?;
        if cmd.name.as_bytes().eq_ignore_ascii_case(name) {
            return Some(cmd);
        }
        i += 1;
    }
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
