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
        Names {
            arena,
            commands,
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
    let names = names();
    if let Some(cmd) = command_of(names, name) {
        return Some(cmd);
    }
    position(names, name).map(|i| names.commands[i])
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

/// The command whose interned name `name` is (by address and length), if it is one.
fn command_of(names: &Names, name: &[u8]) -> Option<&'static Command> {
    let offset = (name.as_ptr() as usize).checked_sub(names.arena.as_ptr() as usize)?;
    if offset >= names.arena.len() || offset % (STRIDE / 2) != 0 {
        return None;
    }
    let cmd = names.commands[offset / STRIDE];
    // A shorter slice of an interned name is not that name.
    (cmd.name.len() == name.len()).then_some(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_exact_lower_and_upper_case_only() {
        for name in [&b"get"[..], b"GET", b"zpopmin", b"ZPOPMIN", b"client"] {
            let b = intern(name).expect("a known name");
            assert_eq!(&b[..], name);
            let cmd = command_of(names(), &b).expect("maps back by address");
            assert!(cmd.name.as_bytes().eq_ignore_ascii_case(name));
            let copy = name.to_vec(); // not in the arena: found by hashing
            assert!(std::ptr::eq(cmd, find(&copy).unwrap()));
        }
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
