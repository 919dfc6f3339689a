//! Incremental parsing of what clients send: multibulk (`*N\r\n$len\r\n...`) and inline
//! commands, with Redis 7.0's limits, quirks and error texts.
//!
//! Behaviour checked against redis-server 7.0.15 (raw bytes on a socket):
//! * The multibulk count limit is `INT_MAX` (2147483647), not 1024*1024 as in 6.x:
//!   `*2147483647` waits for data, `*2147483648` is `invalid multibulk length`.
//! * It does depend on authentication: while a password is required and the client has not
//!   authenticated, a count above 10 is `unauthenticated multibulk length` and a bulk above
//!   16384 bytes is `unauthenticated bulk length` (checked after the plain validity checks).
//!   [`Limits::unauthenticated`] selects those limits.
//! * Header lines are found by their `\r`; the byte after it is skipped unchecked, and so are
//!   the two bytes after a bulk's data (`$4\r\nPINGxx` is accepted).
//! * Lines are searched as C strings: a NUL byte before the line end hides the end, so the
//!   request stalls until more than 64KB are pending and then fails as "too big".
//! * A line over 64KB is refused only while its end has not arrived; a long inline line that
//!   arrives whole is accepted.

use bytes::{Buf, Bytes, BytesMut};
use std::fmt;

/// Largest count accepted before authentication (Redis 7.0, see module docs).
pub const UNAUTH_MAX_MULTIBULK: i64 = 10;
/// Largest bulk accepted before authentication.
pub const UNAUTH_MAX_BULK: i64 = 16 * 1024;
/// Most bytes reserved ahead for a declared bulk, so a client cannot make us allocate
/// memory it never sends.
const MAX_RESERVE_AHEAD: usize = 1024 * 1024;
/// Most argument slots allocated ahead for a declared count (Redis uses the same cap).
const MAX_ARGS_AHEAD: usize = 1024;

/// Limits applied while parsing; the server passes them on every call, so a change of
/// `CONFIG SET proto-max-bulk-len` or of authentication state applies to the next header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `proto-max-bulk-len`: a larger bulk is `invalid bulk length`. A server reading from its
    /// master can pass `u64::MAX`, as Redis skips this check for the master link.
    pub proto_max_bulk_len: u64,
    /// `PROTO_INLINE_MAX_SIZE`: how many bytes may be pending without a line end.
    pub max_inline: usize,
    /// Largest multibulk count; Redis 7.0 uses `INT_MAX` (see module docs).
    pub max_multibulk: i64,
    /// True while the connection must still authenticate: counts above 10 and bulks above
    /// 16384 bytes are then refused, as in Redis 7.0.
    pub unauthenticated: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            proto_max_bulk_len: 512 * 1024 * 1024,
            max_inline: 64 * 1024,
            max_multibulk: i64::from(i32::MAX),
            unauthenticated: false,
        }
    }
}

/// A protocol error: the exact reply text without the leading `-`. The server sends it and
/// closes the connection.
///
/// The text may hold one non-ASCII char, the offending byte of `expected '$', got 'X'`,
/// stored as the char with the same code (Latin-1); [`ProtocolError::to_reply`] turns it back
/// into that single raw byte, as Redis sends it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError(pub String);

impl ProtocolError {
    fn new(what: &str) -> Self {
        ProtocolError(format!("ERR Protocol error: {what}"))
    }

    /// The full reply line, `-<text>\r\n`, with chars up to U+00FF written as one byte each.
    pub fn to_reply(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.0.len() + 3);
        out.push(b'-');
        for c in self.0.chars() {
            match u8::try_from(u32::from(c)) {
                Ok(b) => out.push(b),
                Err(_) => {
                    let mut tmp = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
                }
            }
        }
        out.extend_from_slice(b"\r\n");
        out
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ProtocolError {}

/// Parses commands out of a connection's input buffer, one at a time.
///
/// Arguments of a multibulk command are split off the buffer as each one completes, and the
/// length of the bulk being received is remembered, so a large value arriving in many reads
/// costs one length comparison per read, never a rescan.
#[derive(Debug, Default)]
pub struct RequestParser {
    /// Arguments still expected by the multibulk command in progress; 0 between commands.
    remaining: usize,
    /// Declared length of the bulk whose header has been read.
    bulk_len: Option<usize>,
    /// Arguments received so far for the command in progress.
    args: Vec<Bytes>,
    /// Bytes of the pending line already searched without finding its end.
    scanned: usize,
    /// Argument vectors handed back after their command ran (`recycle`), reused so a
    /// command costs no allocation for its argument list.
    spare: Vec<Vec<Bytes>>,
    /// Gives a command name as equal bytes that need no reference count (see
    /// [`RequestParser::with_names`]).
    names: Option<Interner>,
    /// Names `names` gave, by [`name_slot`]: a connection tends to use a few commands, and
    /// comparing with one remembered name is cheaper than asking again.
    known_names: [Option<Bytes>; NAME_SLOTS],
}

/// Returns bytes equal to `name` that do not borrow the read buffer, when it knows the name.
pub type Interner = fn(name: &[u8]) -> Option<Bytes>;

/// Remembered command names per parser (a power of two).
const NAME_SLOTS: usize = 8;

/// Where a name is remembered: by its length, first and last byte, which tell apart the
/// commands a connection mixes most (GET and SET differ in the first byte only).
fn name_slot(name: &[u8]) -> usize {
    let first = name.first().copied().unwrap_or(0);
    let last = name.last().copied().unwrap_or(0);
    (name.len() ^ usize::from(first) ^ usize::from(last) << 1) & (NAME_SLOTS - 1)
}

/// Most argument vectors kept for reuse, and the largest capacity worth keeping.
const SPARE_VECS: usize = 32;
const SPARE_CAPACITY: usize = 64;

impl RequestParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// A parser that asks `names` for each command name it takes whole from the fast path:
    /// a name it knows is not split off the buffer. Splitting costs an atomic increment,
    /// and dropping the argument a decrement; a static name costs neither.
    pub fn with_names(names: Interner) -> Self {
        RequestParser {
            names: Some(names),
            ..Self::default()
        }
    }

    /// Takes one complete command out of `buf`: `Ok(Some(args))` with the arguments sliced
    /// from the buffer without copying (inline arguments with quotes are the exception),
    /// `Ok(None)` when more bytes are needed, `Err` on a protocol error. Empty commands
    /// (`*0`, `*-1`, blank inline lines) are consumed and skipped.
    #[allow(clippy::should_implement_trait)] // Not an iterator: it takes the buffer and limits.
    pub fn next(
        &mut self,
        buf: &mut BytesMut,
        limits: &Limits,
    ) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        if self.remaining == 0 && !limits.unauthenticated {
            if let Some(args) = self.whole_command(buf, limits) {
                return Ok(Some(args));
            }
        }
        loop {
            if self.remaining == 0 {
                let Some(&first) = buf.first() else {
                    return Ok(None);
                };
                if first != b'*' {
                    match self.inline(buf, limits)? {
                        None => return Ok(None),
                        Some(args) if args.is_empty() => continue,
                        Some(args) => return Ok(Some(args)),
                    }
                }
                match self.count(buf, limits)? {
                    None => return Ok(None),
                    Some(0) => continue,
                    Some(n) => {
                        self.remaining = n;
                        let want = n.min(MAX_ARGS_AHEAD);
                        self.args = match self.spare.pop() {
                            Some(mut v) => {
                                v.reserve(want);
                                v
                            }
                            None => Vec::with_capacity(want),
                        };
                    }
                }
            }
            while self.remaining > 0 {
                let len = match self.bulk_len {
                    Some(len) => len,
                    None => match self.bulk_header(buf, limits)? {
                        Some(len) => len,
                        None => return Ok(None),
                    },
                };
                // `len` is at most proto_max_bulk_len, which was converted to usize, but the
                // +2 could still overflow on a 32-bit target with a huge limit.
                let Some(needed) = len.checked_add(2) else {
                    return Err(ProtocolError::new("invalid bulk length"));
                };
                if buf.len() < needed {
                    buf.reserve((needed - buf.len()).min(MAX_RESERVE_AHEAD));
                    return Ok(None);
                }
                self.args.push(buf.split_to(len).freeze());
                // Redis skips the two bytes after the data without looking at them.
                buf.advance(2);
                self.bulk_len = None;
                self.remaining -= 1;
            }
            return Ok(Some(std::mem::take(&mut self.args)));
        }
    }

    /// The fast path for the common case, a small multibulk command that has arrived whole in
    /// plain form: it finds every argument by position first, with plain index arithmetic,
    /// then splits the arguments off the buffer, instead of parsing header by header.
    /// Anything else (partial input, odd or invalid headers, more than [`FAST_MAX_ARGS`]
    /// arguments) returns `None` with nothing consumed, and the general parser below decides,
    /// so both paths accept and refuse exactly the same input.
    fn whole_command(&mut self, buf: &mut BytesMut, limits: &Limits) -> Option<Vec<Bytes>> {
        let bytes: &[u8] = buf;
        if bytes.first() != Some(&b'*') {
            return None;
        }
        let (n, mut pos) = plain_number(bytes, 1)?;
        if n == 0 || n > FAST_MAX_ARGS as u64 || n as i64 > limits.max_multibulk {
            return None;
        }
        let mut spans = [(0usize, 0usize); FAST_MAX_ARGS];
        for span in spans.iter_mut().take(n as usize) {
            if bytes.get(pos) != Some(&b'$') {
                return None;
            }
            let (len, start) = plain_number(bytes, pos + 1)?;
            if len > limits.proto_max_bulk_len {
                return None;
            }
            let end = start.checked_add(usize::try_from(len).ok()?)?;
            pos = end.checked_add(2)?;
            if pos > bytes.len() {
                return None;
            }
            *span = (start, end);
        }
        // Each argument is split off the buffer itself: one reference-count increment per
        // argument, as in the general path (slicing a split-off command would add a pair),
        // except a command name the interner knows.
        self.scanned = 0;
        let mut args = self.spare.pop().unwrap_or_default();
        let mut spans = &spans[..n as usize];
        if let Some(name) = self.intern(&bytes[spans[0].0..spans[0].1]) {
            // Skipped with the next argument's header (or at the end).
            args.push(name);
            spans = &spans[1..];
        }
        let mut taken = 0;
        for &(start, end) in spans {
            buf.advance(start - taken);
            args.push(buf.split_to(end - start).freeze());
            taken = end;
        }
        buf.advance(pos - taken);
        Some(args)
    }

    /// Static bytes equal to `name`, when the interner knows it.
    fn intern(&mut self, name: &[u8]) -> Option<Bytes> {
        let slot = &mut self.known_names[name_slot(name)];
        if let Some(known) = slot {
            if known[..] == *name {
                return Some(known.clone());
            }
        }
        let interned = (self.names?)(name)?;
        *slot = Some(interned.clone());
        Some(interned)
    }

    /// Takes back the argument vector of a command that has run, for the next command.
    pub fn recycle(&mut self, mut args: Vec<Bytes>) {
        if self.spare.len() < SPARE_VECS && args.capacity() <= SPARE_CAPACITY {
            args.clear();
            self.spare.push(args);
        }
    }

    /// Searches `buf` for `target` from where the last search stopped. Stops at a NUL byte as
    /// Redis's `strchr` does: the line then never ends, and the position is kept so later
    /// calls stop there at once.
    fn find(&mut self, buf: &[u8], target: u8) -> Option<usize> {
        let from = self.scanned.min(buf.len());
        match buf[from..].iter().position(|&b| b == target || b == 0) {
            Some(i) => {
                self.scanned = from + i;
                (buf[from + i] == target).then_some(from + i)
            }
            None => {
                self.scanned = buf.len();
                None
            }
        }
    }

    /// Finds a header line's `\r` with the byte after it present: `Ok(Some(cr))`, or
    /// `Ok(None)` to wait, or the "too big" error once more than `max_inline` bytes wait.
    fn header_line(
        &mut self,
        buf: &[u8],
        limits: &Limits,
        too_big: &str,
    ) -> Result<Option<usize>, ProtocolError> {
        match self.find(buf, b'\r') {
            None if buf.len() > limits.max_inline => Err(ProtocolError::new(too_big)),
            None => Ok(None),
            Some(cr) if cr + 2 > buf.len() => Ok(None),
            Some(cr) => Ok(Some(cr)),
        }
    }

    /// Reads the `*<count>` line; `Ok(Some(0))` for an empty or negative count.
    fn count(
        &mut self,
        buf: &mut BytesMut,
        limits: &Limits,
    ) -> Result<Option<usize>, ProtocolError> {
        let Some(cr) = self.header_line(buf, limits, "too big mbulk count string")? else {
            return Ok(None);
        };
        let n = match parse_i64(&buf[1..cr]) {
            Some(n) if n <= limits.max_multibulk => n,
            _ => return Err(ProtocolError::new("invalid multibulk length")),
        };
        if limits.unauthenticated && n > UNAUTH_MAX_MULTIBULK {
            return Err(ProtocolError::new("unauthenticated multibulk length"));
        }
        buf.advance(cr + 2);
        self.scanned = 0;
        // A count that does not fit usize cannot be sent anyway; treat it as invalid.
        usize::try_from(n.max(0))
            .map(Some)
            .map_err(|_| ProtocolError::new("invalid multibulk length"))
    }

    /// Reads a `$<len>` line and remembers the length.
    fn bulk_header(
        &mut self,
        buf: &mut BytesMut,
        limits: &Limits,
    ) -> Result<Option<usize>, ProtocolError> {
        let Some(cr) = self.header_line(buf, limits, "too big bulk count string")? else {
            return Ok(None);
        };
        if buf[0] != b'$' {
            // Redis replaces CR and LF in error texts with spaces.
            let got = match buf[0] {
                b'\r' | b'\n' => ' ',
                b => char::from(b),
            };
            return Err(ProtocolError(format!(
                "ERR Protocol error: expected '$', got '{got}'"
            )));
        }
        let len = match parse_i64(&buf[1..cr]) {
            Some(n) if n >= 0 && n.unsigned_abs() <= limits.proto_max_bulk_len => n,
            _ => return Err(ProtocolError::new("invalid bulk length")),
        };
        if limits.unauthenticated && len > UNAUTH_MAX_BULK {
            return Err(ProtocolError::new("unauthenticated bulk length"));
        }
        let len = usize::try_from(len).map_err(|_| ProtocolError::new("invalid bulk length"))?;
        buf.advance(cr + 2);
        self.scanned = 0;
        self.bulk_len = Some(len);
        Ok(Some(len))
    }

    /// Reads an inline command: one line ending at `\n`, an optional `\r` before it dropped.
    fn inline(
        &mut self,
        buf: &mut BytesMut,
        limits: &Limits,
    ) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        let Some(nl) = self.find(buf, b'\n') else {
            if buf.len() > limits.max_inline {
                return Err(ProtocolError::new("too big inline request"));
            }
            return Ok(None);
        };
        let end = if nl > 0 && buf[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        let line = buf.split_to(nl + 1).freeze();
        self.scanned = 0;
        split_args(&line.slice(..end))
            .map(Some)
            .ok_or_else(|| ProtocolError::new("unbalanced quotes in request"))
    }
}

/// Most arguments a command may have to take [`RequestParser`]'s fast path.
const FAST_MAX_ARGS: usize = 16;

/// The header number starting at `at`, in the form every client sends (1 to 18 digits, no
/// sign, no leading zero unless it is `0`), ended by `\r` with one more byte after it:
/// `(number, index after that byte)`. `None` for anything else, left to the general parser.
fn plain_number(bytes: &[u8], at: usize) -> Option<(u64, usize)> {
    let rest = bytes.get(at..)?;
    let mut n = u64::from(rest.first()?.wrapping_sub(b'0'));
    if n > 9 {
        return None;
    }
    let mut digits = 1;
    loop {
        let b = *rest.get(digits)?;
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            if b != b'\r' {
                return None;
            }
            break;
        }
        // A leading zero, or more digits than the fast path takes.
        if n == 0 || digits >= 18 {
            return None;
        }
        n = n * 10 + u64::from(d);
        digits += 1;
    }
    let after = at + digits + 2;
    (after <= bytes.len()).then_some((n, after))
}

/// Parses a decimal `i64` as strictly as Redis's `string2ll`: an optional `-`, then `0` alone
/// or digits without a leading zero; no `+`, no spaces, no `-0`, no overflow.
pub fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    match digits {
        [] => return None,
        [b'0'] if !neg => return Some(0),
        [b'0', ..] => return None,
        _ => {}
    }
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let d = i64::from(d - b'0');
        // Accumulate negatively so that i64::MIN is reachable.
        v = v.checked_mul(10)?.checked_sub(d)?;
    }
    if neg {
        Some(v)
    } else {
        v.checked_neg()
    }
}

/// `isspace` in the C locale.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Splits an inline line into arguments the way Redis's `sdssplitargs` does; `None` for
/// unbalanced quotes (including a closing quote followed by anything but a space).
/// Unquoted arguments are slices of `line`; quoted ones are unescaped copies.
pub fn split_args(line: &Bytes) -> Option<Vec<Bytes>> {
    let s: &[u8] = line;
    // Past the end reads as NUL, mirroring the C string the original walks.
    let at = |i: usize| s.get(i).copied().unwrap_or(0);
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while i < s.len() && is_space(s[i]) {
            i += 1;
        }
        if i >= s.len() {
            return Some(args);
        }
        let start = i;
        // Unquoted arguments end at these bytes only (not at \v or \f).
        while !matches!(at(i), b' ' | b'\n' | b'\r' | b'\t' | 0 | b'"' | b'\'') {
            i += 1;
        }
        let quote = at(i);
        if quote != b'"' && quote != b'\'' {
            args.push(line.slice(start..i));
            continue;
        }
        // A quote inside or at the start of an argument: the argument ends at its close.
        let mut cur = s[start..i].to_vec();
        i += 1;
        loop {
            let c = at(i);
            if c == 0 {
                return None;
            }
            if quote == b'"' && c == b'\\' && at(i + 1) == b'x' {
                if let (Some(h), Some(l)) = (hex_value(at(i + 2)), hex_value(at(i + 3))) {
                    cur.push(h * 16 + l);
                    i += 4;
                    continue;
                }
            }
            if quote == b'"' && c == b'\\' && at(i + 1) != 0 {
                cur.push(match at(i + 1) {
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'b' => 0x08,
                    b'a' => 0x07,
                    other => other,
                });
                i += 2;
                continue;
            }
            if quote == b'\'' && c == b'\\' && at(i + 1) == b'\'' {
                cur.push(b'\'');
                i += 2;
                continue;
            }
            if c == quote {
                let next = at(i + 1);
                if next != 0 && !is_space(next) {
                    return None;
                }
                i += 1;
                break;
            }
            cur.push(c);
            i += 1;
        }
        args.push(Bytes::from(cur));
    }
}
