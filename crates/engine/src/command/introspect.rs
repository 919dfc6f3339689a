//! COMMAND and its subcommands: COUNT, LIST, INFO, DOCS, GETKEYS, GETKEYSANDFLAGS, HELP.
//! Everything here is read from the one command table.

use super::{acl, flags, table, Begin, Command, Find, BASE};
use crate::args;
use crate::args::help_reply;
use crate::ctx::Ctx;
use crate::errors;
use crate::util::glob_match;
use bytes::Bytes;
use resp::Reply;

const INTRO: u32 = flags::LOADING | flags::STALE;

const fn sub(
    name: &'static str,
    arity: i32,
    summary: &'static str,
    handler: super::Handler,
) -> Command {
    Command {
        name,
        arity,
        flags: INTRO,
        acl: acl::CONNECTION,
        group: "server",
        since: "2.8.13",
        summary,
        complexity: "O(N) where N is the number of commands to look up",
        handler: Some(handler),
        ..BASE
    }
}

pub const COMMANDS: &[Command] = &[Command {
    name: "command",
    arity: -1,
    flags: INTRO,
    acl: acl::CONNECTION,
    group: "server",
    since: "2.8.13",
    summary: "Returns detailed information about all commands.",
    complexity: "O(N) where N is the total number of Redis commands",
    tips: &["nondeterministic_output_order"],
    handler: Some(all_info),
    subcommands: &[
        sub("command|count", 2, "Returns a count of commands.", count),
        Command {
            tips: &["nondeterministic_output_order"],
            ..sub("command|list", -2, "Returns a list of command names.", list)
        },
        Command {
            tips: &["nondeterministic_output_order"],
            ..sub(
                "command|info",
                -2,
                "Returns information about one, multiple or all commands.",
                info,
            )
        },
        Command {
            tips: &["nondeterministic_output_order"],
            ..sub(
                "command|docs",
                -2,
                "Returns documentary information about one, multiple or all commands.",
                docs,
            )
        },
        sub(
            "command|getkeys",
            -4,
            "Extracts the key names from an arbitrary command.",
            getkeys,
        ),
        sub(
            "command|getkeysandflags",
            -4,
            "Extracts the key names and access flags for an arbitrary command.",
            getkeys_and_flags,
        ),
        sub(
            "command|help",
            2,
            "Returns helpful text about the different subcommands.",
            help,
        ),
    ],
    ..BASE
}];

fn simple(s: &str) -> Reply {
    Reply::Simple(Bytes::copy_from_slice(s.as_bytes()))
}
fn bulk(s: &str) -> Reply {
    Reply::Bulk(Bytes::copy_from_slice(s.as_bytes()))
}
fn map(pairs: Vec<(&str, Reply)>) -> Reply {
    Reply::Map(pairs.into_iter().map(|(k, v)| (bulk(k), v)).collect())
}

/// One command's `COMMAND INFO` entry.
pub fn info_reply(cmd: &Command) -> Reply {
    let flag_names = flags::NAMES
        .iter()
        .filter(|(f, _)| cmd.flags & f != 0)
        .map(|(_, n)| simple(n))
        .collect();
    let cats = cmd.acl_categories();
    let categories = acl::NAMES
        .iter()
        .enumerate()
        .filter(|(i, _)| cats & (1 << i) != 0)
        .map(|(_, n)| simple(&format!("@{n}")))
        .collect();
    let specs = cmd.key_specs.iter().map(key_spec_reply).collect();
    let subs = if cmd.subcommands.is_empty() {
        Reply::Set(vec![])
    } else {
        Reply::Array(cmd.subcommands.iter().map(info_reply).collect())
    };
    Reply::Array(vec![
        bulk(cmd.name),
        Reply::Int(cmd.arity as i64),
        Reply::Set(flag_names),
        Reply::Int(cmd.first_key as i64),
        Reply::Int(cmd.last_key as i64),
        Reply::Int(cmd.key_step as i64),
        Reply::Set(categories),
        Reply::Set(cmd.tips.iter().map(|t| bulk(t)).collect()),
        Reply::Set(specs),
        subs,
    ])
}

fn key_spec_reply(spec: &super::KeySpec) -> Reply {
    let unknown = || {
        map(vec![
            ("type", bulk("unknown")),
            ("spec", Reply::Map(vec![])),
        ])
    };
    let begin = match spec.begin {
        Begin::Unknown => unknown(),
        Begin::Index(i) => map(vec![
            ("type", bulk("index")),
            ("spec", map(vec![("index", Reply::Int(i as i64))])),
        ]),
        Begin::Keyword { keyword, startfrom } => map(vec![
            ("type", bulk("keyword")),
            (
                "spec",
                map(vec![
                    ("keyword", bulk(keyword)),
                    ("startfrom", Reply::Int(startfrom as i64)),
                ]),
            ),
        ]),
    };
    let find = match spec.find {
        Find::Unknown => unknown(),
        Find::Range {
            lastkey,
            step,
            limit,
        } => map(vec![
            ("type", bulk("range")),
            (
                "spec",
                map(vec![
                    ("lastkey", Reply::Int(lastkey as i64)),
                    ("keystep", Reply::Int(step as i64)),
                    ("limit", Reply::Int(limit as i64)),
                ]),
            ),
        ]),
        Find::Keynum {
            keynumidx,
            firstkey,
            step,
        } => map(vec![
            ("type", bulk("keynum")),
            (
                "spec",
                map(vec![
                    ("keynumidx", Reply::Int(keynumidx as i64)),
                    ("firstkey", Reply::Int(firstkey as i64)),
                    ("keystep", Reply::Int(step as i64)),
                ]),
            ),
        ]),
    };
    let mut fields = Vec::with_capacity(4);
    if !spec.notes.is_empty() {
        fields.push(("notes", bulk(spec.notes)));
    }
    fields.push((
        "flags",
        Reply::Set(spec.flags.iter().map(|f| simple(f)).collect()),
    ));
    fields.push(("begin_search", begin));
    fields.push(("find_keys", find));
    map(fields)
}

fn all_info(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    Reply::Array(table::all().map(info_reply).collect())
}

fn count(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    Reply::Int(table::all().count() as i64)
}

/// Finds a command or `container|sub` by its full name.
fn by_full_name(name: &[u8]) -> Option<&'static Command> {
    match name.iter().position(|&c| c == b'|') {
        None => table::find(name),
        Some(bar) => table::find_sub(table::find(&name[..bar])?, &name[bar + 1..]),
    }
}

fn info(_ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    if a.len() == 2 {
        return Reply::Array(table::all().map(info_reply).collect());
    }
    Reply::Array(
        a[2..]
            .iter()
            .map(|n| by_full_name(n).map_or(Reply::Nil, info_reply))
            .collect(),
    )
}

fn docs_reply(cmd: &Command) -> Reply {
    let mut doc = vec![
        ("summary", bulk(cmd.summary)),
        ("since", bulk(cmd.since)),
        ("group", bulk(cmd.group)),
        ("complexity", bulk(cmd.complexity)),
    ];
    if !cmd.subcommands.is_empty() {
        doc.push((
            "subcommands",
            Reply::Map(
                cmd.subcommands
                    .iter()
                    .map(|s| (bulk(s.name), docs_reply(s)))
                    .collect(),
            ),
        ));
    }
    map(doc)
}

fn docs(_ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let cmds: Vec<&'static Command> = if a.len() == 2 {
        table::all().collect()
    } else {
        a[2..].iter().filter_map(|n| by_full_name(n)).collect()
    };
    Reply::Map(
        cmds.into_iter()
            .map(|c| (bulk(c.name), docs_reply(c)))
            .collect(),
    )
}

fn list(_ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    let all = || table::all().flat_map(|c| std::iter::once(c).chain(c.subcommands.iter()));
    let names: Vec<Reply> = match a.len() {
        2 => all().map(|c| bulk(c.name)).collect(),
        5 if args::is(&a[2], "filterby") => {
            let (kind, value) = (&a[3], &a[4]);
            if args::is(kind, "module") {
                vec![]
            } else if args::is(kind, "aclcat") {
                match acl::NAMES
                    .iter()
                    .position(|n| n.as_bytes().eq_ignore_ascii_case(value))
                {
                    Some(bit) => all()
                        .filter(|c| c.acl_categories() & (1 << bit) != 0)
                        .map(|c| bulk(c.name))
                        .collect(),
                    None => vec![],
                }
            } else if args::is(kind, "pattern") {
                all()
                    .filter(|c| glob_match(value, c.name.as_bytes(), true))
                    .map(|c| bulk(c.name))
                    .collect()
            } else {
                return errors::syntax();
            }
        }
        _ => return errors::syntax(),
    };
    Reply::Array(names)
}

/// A key's argument index and its key-spec flags.
pub type KeyAt = (usize, &'static [&'static str]);

/// Keys of `argv` (a full command line) per the command's key specs, with their flags, the
/// way Redis's `getKeysUsingKeySpecs` finds them; `None` when a spec points outside the
/// arguments (Redis: "Invalid arguments specified for command").
pub fn keys_of(cmd: &Command, argv: &[Bytes]) -> Option<Vec<KeyAt>> {
    if let Some(getkeys) = cmd.getkeys {
        return Some(getkeys(argv));
    }
    let argc = argv.len() as i64;
    let mut out = Vec::new();
    for spec in cmd.key_specs {
        let first = match spec.begin {
            Begin::Unknown => continue,
            Begin::Index(i) => i as i64,
            Begin::Keyword { keyword, startfrom } => {
                // Forward searches stop before the last argument, as Redis's loop does.
                let found = if startfrom > 0 {
                    (startfrom as i64..argc - 1).find(|&i| args::is(&argv[i as usize], keyword))
                } else {
                    (2..=(argc + startfrom as i64))
                        .rev()
                        .find(|&i| args::is(&argv[i as usize], keyword))
                };
                match found {
                    Some(i) => i + 1,
                    None => continue,
                }
            }
        };
        let (first, last, step) = match spec.find {
            Find::Unknown => continue,
            Find::Range {
                lastkey,
                step,
                limit,
            } => {
                let last = if lastkey >= 0 {
                    first + lastkey as i64
                } else if limit == 0 {
                    argc + lastkey as i64
                } else {
                    first + (argc - first) / limit as i64 + lastkey as i64
                };
                (first, last, step.max(1) as i64)
            }
            Find::Keynum {
                keynumidx,
                firstkey,
                step,
            } => {
                if keynumidx as i64 >= argc - first {
                    continue;
                }
                let n = match args::int(&argv[(first + keynumidx as i64) as usize]) {
                    Ok(n) if n >= 0 => n,
                    _ => return None,
                };
                let first = first + firstkey as i64;
                (first, first + n - 1, step.max(1) as i64)
            }
        };
        if last >= argc || last < first || first >= argc {
            return None;
        }
        let mut i = first;
        while i <= last {
            out.push((i as usize, spec.flags));
            i += step;
        }
    }
    Some(out)
}

/// GETKEYS and GETKEYSANDFLAGS: the target command's keys, with Redis's checks in its order.
fn target_keys(a: &[Bytes]) -> Result<(Vec<KeyAt>, &[Bytes]), Reply> {
    let argv = &a[2..];
    let Some(mut cmd) = table::find(&argv[0]) else {
        return Err(Reply::err("ERR Invalid command specified"));
    };
    if !cmd.subcommands.is_empty() && argv.len() > 1 {
        cmd = table::find_sub(cmd, &argv[1])
            .ok_or_else(|| Reply::err("ERR Invalid command specified"))?;
    }
    if cmd.key_specs.is_empty() && cmd.getkeys.is_none() {
        return Err(Reply::err("ERR The command has no key arguments"));
    }
    let argc = argv.len() as i32;
    if (cmd.arity > 0 && cmd.arity != argc) || argc < -cmd.arity {
        return Err(Reply::err(
            "ERR Invalid number of arguments specified for command",
        ));
    }
    match keys_of(cmd, argv) {
        Some(keys) if !keys.is_empty() => Ok((keys, argv)),
        _ if cmd.has(flags::NO_MANDATORY_KEYS) => Ok((Vec::new(), argv)),
        _ => Err(Reply::err("ERR Invalid arguments specified for command")),
    }
}

fn getkeys(_ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match target_keys(a) {
        Err(e) => e,
        Ok((keys, argv)) => Reply::Array(
            keys.into_iter()
                .map(|(i, _)| Reply::Bulk(argv[i].clone()))
                .collect(),
        ),
    }
}

fn getkeys_and_flags(_ctx: &mut Ctx, a: &[Bytes]) -> Reply {
    match target_keys(a) {
        Err(e) => e,
        Ok((keys, argv)) => Reply::Array(
            keys.into_iter()
                .map(|(i, f)| {
                    Reply::Array(vec![
                        Reply::Bulk(argv[i].clone()),
                        Reply::Set(f.iter().map(|x| simple(x)).collect()),
                    ])
                })
                .collect(),
        ),
    }
}

fn help(_ctx: &mut Ctx, _a: &[Bytes]) -> Reply {
    // Our own wording (not Redis's text); the syntax lines follow Redis's.
    help_reply(
        "COMMAND",
        &[
            "(no subcommand)",
            "    Describe every command, as INFO does for each.",
            "COUNT",
            "    Reply with the number of commands.",
            "DOCS [<command-name> ...]",
            "    Summary, group, version and complexity of the named commands, or of all.",
            "GETKEYS <full-command>",
            "    Reply with the key names a full command line would access.",
            "GETKEYSANDFLAGS <full-command>",
            "    Like GETKEYS, with each key's access flags.",
            "INFO [<command-name> ...]",
            "    Name, arity, flags, key positions, ACL categories, tips, key specs and subcommands.",
            "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
            "    Reply with command names, optionally filtered.",
        ],
    )
}
