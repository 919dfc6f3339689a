//! The index of top-level command names, and names the parser can hand out without touching
//! the read buffer.
//!
//! Every argument split off a connection's buffer is a reference-counted slice: a locked
//! increment when it is made and a decrement when it is dropped. The command name is the one
//! argument that is nearly always one of a few hundred known strings, so a name sent all in
//! lower or all in upper case (what clients send) is replaced by the same bytes from a static
//! arena, whose `Bytes` cost no count at all. The arena also maps a name back to its command
//! by position, so the lookup that follows is index arithmetic instead of a hash probe.
//!
//! The bytes are exactly the ones the client sent (names in mixed case are not interned), so
//! replies, MONITOR and propagation are unchanged.

use super::{table, Command};
use bytes::Bytes;
use std::sync::OnceLock;

/// Bytes per command in the arena: the lower-case name at the start, the upper-case one at
/// `STRIDE / 2`.
const STRIDE: usize = 64;
/// Slots in the index: a power of two, at least twice the number of commands, so probes stay
/// short and a miss always meets an empty slot.
const SLOTS: usize = 1024;

struct Names {
    arena: &'static [u8],
    commands: Vec<&'static Command>,
    /// Every command then every subcommand, by stat slot (INFO commandstats): top-level
    /// command `i` is slot `i`, subcommand `j` of it is slot `sub_base[i] + j`.
    by_slot: Vec<&'static Command>,
    sub_base: Vec<u16>,
    /// Open addressing by [`fold_hash`]: 1 + the command's position, 0 when empty.
    slots: Vec<u16>,
}

/// FNV-1a over the name with ASCII case folded (`| 0x20`): equal for equal names in any
/// case; the few other bytes it conflates only cost an extra probe.
fn fold_hash(name: &[u8]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for &b in name {
        h = (h ^ u32::from(b | 0x20)).wrapping_mul(0x0100_0193);
    }
    h as usize
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let commands: Vec<&'static Command> = table::all().collect();
        assert!(commands.len() * 2 <= SLOTS, "grow SLOTS");
        let mut arena = vec![0u8; commands.len() * STRIDE];
        let mut slots = vec![0u16; SLOTS];
        for (i, cmd) in commands.iter().enumerate() {
            let name = cmd.name.as_bytes();
            assert!(
                name.len() < STRIDE / 2,
                "command name {} too long",
                cmd.name
            );
            let lower = i * STRIDE;
            let upper = lower + STRIDE / 2;
            arena[lower..lower + name.len()].copy_from_slice(name);
            arena[upper..upper + name.len()].copy_from_slice(&name.to_ascii_uppercase());
            let mut h = fold_hash(name);
            while let Some(j) = usize::from(slots[h % SLOTS]).checked_sub(1) {
                assert!(
                    commands[j].name != cmd.name,
                    "command {} declared twice",
                    cmd.name
                );
                h += 1;
            }
            slots[h % SLOTS] = u16::try_from(i + 1).expect("fewer than 65535 commands");
        }
        // Built once per process and used for its whole life.
        let arena: &'static [u8] = Box::leak(arena.into_boxed_slice());
        let mut by_slot = commands.clone();
        let mut sub_base = Vec::with_capacity(commands.len());
        for cmd in &commands {
            sub_base.push(u16::try_from(by_slot.len()).expect("fewer than 65535 commands"));
            by_slot.extend(cmd.subcommands.iter());
        }
        Names {
            arena,
            commands,
            by_slot,
            sub_base,
            slots,
        }
    })
}

/// Walks the probe sequence of `name` to the first command `matches` accepts; `None` at an
/// empty slot.
fn probe(names: &Names, name: &[u8], matches: impl Fn(usize) -> bool) -> Option<usize> {
    let mut h = fold_hash(name);
    loop {
        let i = usize::from(names.slots[h % SLOTS]).checked_sub(1)?;
        if matches(i) {
            return Some(i);
        }
        h += 1;
    }
}

/// Position of the command named `name` in any case.
fn position(names: &Names, name: &[u8]) -> Option<usize> {
    probe(names, name, |i| {
        names.commands[i].name.as_bytes().eq_ignore_ascii_case(name)
    })
}

/// Case-insensitive lookup of a top-level command; an interned name is found by address.
pub(super) fn find(name: &[u8]) -> Option<&'static Command> {
    find_slot(name).map(|(_, cmd)| cmd)
}

/// `find`, with the command's stat slot (its position among top-level commands).
pub(super) fn find_slot(name: &[u8]) -> Option<(usize, &'static Command)> {
    let names = names();
    if let Some(found) = command_of(names, name) {
        return Some(found);
    }
    position(names, name).map(|i| (i, names.commands[i]))
}

/// The stat slot of subcommand `j` of the top-level command in slot `parent`.
pub(super) fn sub_slot(parent: usize, j: usize) -> usize {
    usize::from(names().sub_base[parent]) + j
}

/// How many stat slots there are (commands and subcommands).
pub fn slot_count() -> usize {
    names().by_slot.len()
}

/// The command or subcommand in stat `slot`.
pub fn by_slot(slot: usize) -> Option<&'static Command> {
    names().by_slot.get(slot).copied()
}

/// The name as a static `Bytes` when it is a command's name in all lower or all upper case.
/// Compares the exact bytes with the arena's two spellings, which is cheaper than folding
/// case; a NUL after the match (names are shorter than half a stride) checks the length.
pub fn intern(name: &[u8]) -> Option<Bytes> {
    let names = names();
    let len = name.len();
    if len >= STRIDE / 2 {
        return None;
    }
    // The first byte's case says which spelling can match.
    let half = match name.first()? {
        b'A'..=b'Z' => STRIDE / 2,
        _ => 0,
    };
    let spelled = |i: usize| &names.arena[i * STRIDE + half..i * STRIDE + half + len + 1];
    let i = probe(names, name, |i| {
        let s = spelled(i);
        s[len] == 0 && &s[..len] == name
    })?;
    Some(Bytes::from_static(&spelled(i)[..len]))
}

/// The command whose interned name `name` is (by address and length), if it is one, with
/// its position.
fn command_of(names: &Names, name: &[u8]) -> Option<(usize, &'static Command)> {
    let offset = (name.as_ptr() as usize).checked_sub(names.arena.as_ptr() as usize)?;
    if offset >= names.arena.len() || offset % (STRIDE / 2) != 0 {
        return None;
    }
    let i = offset / STRIDE;
    let cmd = names.commands[i];
    // A shorter slice of an interned name is not that name.
    (cmd.name.len() == name.len()).then_some((i, cmd))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_exact_lower_and_upper_case_only() {
        for name in [&b"get"[..], b"GET", b"zpopmin", b"ZPOPMIN", b"client"] {
            let b = intern(name).expect("a known name");
            assert_eq!(&b[..], name);
            let (_, cmd) = command_of(names(), &b).expect("maps back by address");
            assert!(cmd.name.as_bytes().eq_ignore_ascii_case(name));
            let copy = name.to_vec(); // not in the arena: found by hashing
            assert!(std::ptr::eq(cmd, find(&copy).unwrap()));
        }
        // Every command and subcommand has its own stat slot.
        for (i, cmd) in table::all().enumerate() {
            assert!(std::ptr::eq(by_slot(i).unwrap(), cmd));
            for (j, sub) in cmd.subcommands.iter().enumerate() {
                assert!(std::ptr::eq(by_slot(sub_slot(i, j)).unwrap(), sub));
            }
        }
        assert!(by_slot(slot_count()).is_none());
        for name in [&b"Get"[..], b"gEt", b"nosuch", b"", b"ge"] {
            assert!(intern(name).is_none(), "{name:?}");
        }
    }

    #[test]
    fn other_slices_are_not_commands() {
        // A copy of an interned name, or a slice of one, is just bytes.
        assert!(command_of(names(), b"get").is_none());
        let b = intern(b"zpopmin").unwrap();
        assert!(command_of(names(), &b[1..]).is_none());
        assert!(command_of(names(), &b[..3]).is_none());
        assert!(find(&b[..3]).is_none());
        assert!(std::ptr::eq(find(b"ZpopMIN").unwrap(), find(&b).unwrap()));
    }

    #[test]
    fn every_command_is_found_in_any_case() {
        for cmd in table::all() {
            let upper = cmd.name.to_ascii_uppercase();
            for name in [cmd.name.as_bytes(), upper.as_bytes()] {
                assert!(std::ptr::eq(find(name).unwrap(), cmd));
                let interned = intern(name).unwrap();
                assert!(std::ptr::eq(find(&interned).unwrap(), cmd));
            }
        }
    }
}
