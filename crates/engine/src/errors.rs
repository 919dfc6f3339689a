//! Redis's error replies, with their exact texts.

use resp::Reply;

pub fn wrongtype() -> Reply {
    Reply::err("WRONGTYPE Operation against a key holding the wrong kind of value")
}
pub fn syntax() -> Reply {
    Reply::err("ERR syntax error")
}
pub fn not_integer() -> Reply {
    Reply::err("ERR value is not an integer or out of range")
}
pub fn not_float() -> Reply {
    Reply::err("ERR value is not a valid float")
}
pub fn no_such_key() -> Reply {
    Reply::err("ERR no such key")
}
pub fn db_out_of_range() -> Reply {
    Reply::err("ERR DB index is out of range")
}
pub fn overflow() -> Reply {
    Reply::err("ERR increment or decrement would overflow")
}
/// `ERR wrong number of arguments for '<fullname>' command`.
pub fn arity(fullname: &str) -> Reply {
    Reply::error(format!(
        "ERR wrong number of arguments for '{}' command",
        fullname
    ))
}
/// `ERR unknown subcommand '<sub>'. Try <CMD> HELP.`
pub fn unknown_subcommand(sub: &[u8], container: &str) -> Reply {
    let mut msg = b"ERR unknown subcommand '".to_vec();
    msg.extend_from_slice(c_str_prefix(sub, 128));
    msg.extend_from_slice(format!("'. Try {} HELP.", container.to_ascii_uppercase()).as_bytes());
    Reply::error(msg)
}

/// What C's `%.Ns` prints of a binary argument: bytes up to the first NUL, at most `max`.
pub fn c_str_prefix(b: &[u8], max: usize) -> &[u8] {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len()).min(max);
    &b[..end]
}

/// `ERR unknown subcommand or wrong number of arguments for '<sub>'. Try <CMD> HELP.`, which
/// Redis gives when a subcommand's own argument count check fails.
pub fn subcommand_syntax(sub: &[u8], container: &str) -> Reply {
    let mut msg = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
    msg.extend_from_slice(c_str_prefix(sub, 128));
    msg.extend_from_slice(format!("'. Try {} HELP.", container.to_ascii_uppercase()).as_bytes());
    Reply::error(msg)
}
