//! Reading a parameter's text into the form CONFIG GET prints, with Redis 7.0's checks and
//! error texts, and the few values Redis normalizes beyond their type (hz, flags).

use super::params::{Kind, SHUTDOWN_FLAGS};
use super::ConfigError;

/// Output buffer limit classes in `client-output-buffer-limit` order (`replica` reads as
/// `slave`).
pub const OBUF_CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

/// One class's output buffer limit; 0 disables a bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ObufLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_secs: u64,
}

fn invalid(why: impl Into<String>) -> ConfigError {
    ConfigError::Invalid(why.into())
}

/// Checks `value` for parameter `name` of `kind` (whose current text is `current`) and
/// returns the text CONFIG GET will print.
pub fn normalize(
    name: &str,
    kind: Kind,
    value: &str,
    current: &str,
) -> Result<String, ConfigError> {
    match kind {
        Kind::Bool => match value.to_ascii_lowercase().as_str() {
            "yes" if name == "activedefrag" => Err(invalid(
                "Active defragmentation cannot be enabled: it requires a Redis server compiled \
                 with a modified Jemalloc like the one shipped by default with the Redis source \
                 distribution",
            )),
            "yes" => Ok("yes".into()),
            "no" => Ok("no".into()),
            _ => Err(invalid("argument must be 'yes' or 'no'")),
        },
        Kind::Int { min, max } => {
            let n = crate::util::num::string2ll(value.as_bytes())
                .ok_or_else(|| invalid("argument couldn't be parsed into an integer"))?;
            check_bounds(n, min, max)?;
            // hz is a hint: Redis accepts any value in bounds and caps it to 1..=500.
            let n = if name == "hz" { n.clamp(1, 500) } else { n };
            Ok(n.to_string())
        }
        Kind::Memory { min, max } => {
            let n =
                parse_memory(value).ok_or_else(|| invalid("argument must be a memory value"))?;
            check_bounds(n, min, max)?;
            Ok(n.to_string())
        }
        Kind::Enum(options) => options
            .iter()
            .find(|o| o.eq_ignore_ascii_case(value))
            .map(|o| o.to_string())
            .ok_or_else(|| {
                invalid(format!(
                    "argument(s) must be one of the following: {}",
                    options.join(", ")
                ))
            }),
        Kind::Str | Kind::Dir => Ok(value.to_string()),
        Kind::List => Ok(value.split_whitespace().collect::<Vec<_>>().join(" ")),
        Kind::BufferLimits => merge_buffer_limits(current, value),
        Kind::NotifyFlags => crate::notify::parse_flags(value)
            .map(crate::notify::flags_to_string)
            .ok_or_else(|| invalid("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")),
        Kind::ShutdownFlags => shutdown_flags(value),
    }
}

/// `shutdown-on-sig*`: any of default/save/nosave/now/force (any case), printed in that
/// order; `default` alone means none of the others.
fn shutdown_flags(value: &str) -> Result<String, ConfigError> {
    let mut set = [false; 5];
    let words: Vec<&str> = value.split(' ').collect();
    for w in &words {
        match SHUTDOWN_FLAGS
            .iter()
            .position(|f| f.eq_ignore_ascii_case(w))
        {
            Some(i) => set[i] = true,
            None => {
                return Err(invalid(format!(
                    "argument(s) must be one of the following: {}",
                    SHUTDOWN_FLAGS.join(", ")
                )))
            }
        }
    }
    if set[1] && set[2] {
        return Err(invalid(
            "shutdown options SAVE and NOSAVE can't be used simultaneously",
        ));
    }
    let named: Vec<&str> = (1..5)
        .filter(|&i| set[i])
        .map(|i| SHUTDOWN_FLAGS[i])
        .collect();
    Ok(if named.is_empty() {
        "default".into()
    } else {
        named.join(" ")
    })
}

fn check_bounds(n: i64, min: i64, max: i64) -> Result<(), ConfigError> {
    if n < min || n > max {
        return Err(invalid(format!(
            "argument must be between {min} and {max} inclusive"
        )));
    }
    Ok(())
}

/// Redis's `memtoull`: a number with an optional b, k, kb, m, mb, g, gb suffix (any case).
pub fn parse_memory(s: &str) -> Option<i64> {
    let lower = s.to_ascii_lowercase();
    let digits_end = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '-'))
        .unwrap_or(lower.len());
    let (num, unit) = lower.split_at(digits_end);
    let mul: i64 = match unit {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    let n: i64 = num.parse().ok()?;
    if n < 0 {
        return None;
    }
    n.checked_mul(mul)
}

/// Redis's `rewriteConfigFormatMemory`: the largest of gb, mb, kb that divides the value.
pub fn format_memory(bytes: u64) -> String {
    const KB: u64 = 1024;
    for (unit, size) in [("gb", KB * KB * KB), ("mb", KB * KB), ("kb", KB)] {
        if bytes != 0 && bytes.is_multiple_of(size) {
            return format!("{}{unit}", bytes / size);
        }
    }
    bytes.to_string()
}

/// Parses `<class> <hard> <soft> <seconds>` groups with Redis's checks and errors. Tokens
/// are split on single spaces as Redis does, so doubled spaces count as a wrong arity.
pub fn parse_buffer_limits(value: &str) -> Result<Vec<(usize, ObufLimit)>, ConfigError> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let words: Vec<&str> = value.split(' ').collect();
    if !words.len().is_multiple_of(4) {
        return Err(invalid(
            "Wrong number of arguments in buffer limit configuration.",
        ));
    }
    let mut out = Vec::new();
    for group in words.chunks(4) {
        let name = if group[0].eq_ignore_ascii_case("replica") {
            "slave"
        } else {
            group[0]
        };
        let class = OBUF_CLASSES
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                invalid("Invalid client class specified in buffer limit configuration.")
            })?;
        let bad = || {
            invalid("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
        };
        let hard = parse_memory(group[1]).ok_or_else(bad)?;
        let soft = parse_memory(group[2]).ok_or_else(bad)?;
        let secs = crate::util::num::string2ll(group[3].as_bytes())
            .filter(|&n| n >= 0)
            .ok_or_else(bad)?;
        out.push((
            class,
            ObufLimit {
                hard: hard as u64,
                soft: soft as u64,
                soft_secs: secs as u64,
            },
        ));
    }
    Ok(out)
}

/// Applies the groups in `value` over the current setting and prints all three classes.
fn merge_buffer_limits(current: &str, value: &str) -> Result<String, ConfigError> {
    let mut limits = [ObufLimit::default(); 3];
    for (class, limit) in parse_buffer_limits(current)? {
        limits[class] = limit;
    }
    for (class, limit) in parse_buffer_limits(value)? {
        limits[class] = limit;
    }
    Ok(OBUF_CLASSES
        .iter()
        .zip(limits)
        .map(|(name, l)| format!("{name} {} {} {}", l.hard, l.soft, l.soft_secs))
        .collect::<Vec<_>>()
        .join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hz_is_capped_like_redis() {
        let hz = Kind::Int {
            min: 0,
            max: i32::MAX as i64,
        };
        assert_eq!(normalize("hz", hz, "100000", "").unwrap(), "500");
        assert_eq!(normalize("hz", hz, "0", "").unwrap(), "1");
        assert_eq!(normalize("hz", hz, "42", "").unwrap(), "42");
        assert!(normalize("hz", hz, "-1", "").is_err());
    }

    #[test]
    fn shutdown_flags_print_in_redis_order() {
        assert_eq!(
            shutdown_flags("force now nosave").unwrap(),
            "nosave now force"
        );
        assert_eq!(shutdown_flags("default now").unwrap(), "now");
        assert_eq!(shutdown_flags("NOW now").unwrap(), "now");
        assert_eq!(shutdown_flags("default").unwrap(), "default");
        assert!(shutdown_flags("save nosave").is_err());
        assert!(shutdown_flags("").is_err());
    }

    #[test]
    fn memory_formats_like_rewrite() {
        assert_eq!(format_memory(0), "0");
        assert_eq!(format_memory(1024), "1kb");
        assert_eq!(format_memory(536870912), "512mb");
        assert_eq!(format_memory(1073741824), "1gb");
        assert_eq!(format_memory(1000), "1000");
        assert_eq!(parse_memory("1Kb"), Some(1024));
        assert_eq!(parse_memory("-1"), None);
    }
}
