//! Startup configuration: `lattice-server [/path/to/redis.conf] [--option value ...]`, read the
//! way redis-server reads it (the file first, then command-line options as extra lines).

use bytes::Bytes;
use engine::config::{Config, ConfigError};

/// What startup should do.
pub enum Startup {
    // Boxed: the config is far larger than the exit message.
    Serve {
        config: Box<Config>,
        config_file: String,
    },
    Exit {
        message: String,
        code: i32,
    },
}

/// Parses the process arguments (without argv[0]).
pub fn parse(argv: &[String]) -> Startup {
    if let Some(first) = argv.first() {
        match first.as_str() {
            "-v" | "--version" => {
                return Startup::Exit {
                    message: format!(
                        "Lattice server v={} (Redis {} compatible)",
                        env!("CARGO_PKG_VERSION"),
                        engine::REDIS_VERSION
                    ),
                    code: 0,
                }
            }
            "-h" | "--help" => {
                return Startup::Exit {
                    message: usage(),
                    code: 0,
                }
            }
            _ => {}
        }
    }
    let mut text = String::new();
    let mut rest = argv;
    let mut config_file = String::new();
    if let Some(first) = argv.first() {
        if !first.starts_with("--") {
            match std::fs::read_to_string(first) {
                Ok(t) => text = t,
                Err(e) => {
                    return Startup::Exit {
                        message: format!("Fatal error, can't open config file '{first}': {e}"),
                        code: 1,
                    }
                }
            }
            config_file = std::fs::canonicalize(first)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| first.clone());
            rest = &argv[1..];
        }
    }
    text.push('\n');
    text.push_str(&options_to_lines(rest));
    match load(&text) {
        Ok(config) => Startup::Serve {
            config: Box::new(config),
            config_file,
        },
        Err(message) => Startup::Exit { message, code: 1 },
    }
}

/// `--port 7000 --bind a b` becomes the lines `port 7000` and `bind a b`, as Redis does.
fn options_to_lines(args: &[String]) -> String {
    let mut out = String::new();
    for arg in args {
        if let Some(name) = arg.strip_prefix("--") {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(name);
        } else {
            out.push(' ');
            out.push_str(&quote(arg));
        }
    }
    out
}

/// Quotes an argument so the line splitter reads it back as one argument (empty included).
fn quote(arg: &str) -> String {
    let mut q = String::from("\"");
    for c in arg.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => q.push_str("\\r"),
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// Applies config text line by line; errors read like redis-server's.
pub fn load(text: &str) -> Result<Config, String> {
    let mut config = Config::default();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fail = |why: &str| {
            format!(
                "\n*** FATAL CONFIG FILE ERROR (Lattice, Redis {} compatible) ***\nReading the configuration file, at line {}\n>>> '{}'\n{}",
                engine::REDIS_VERSION,
                n + 1,
                line,
                why
            )
        };
        let Some(words) = resp::request::split_args(&Bytes::copy_from_slice(line.as_bytes()))
        else {
            return Err(fail("Unbalanced quotes in configuration line"));
        };
        let Some((name, values)) = words.split_first() else {
            continue;
        };
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        let values: Vec<String> = values
            .iter()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect();
        // Options whose value is several words (`client-output-buffer-limit pubsub 32mb 8mb
        // 60`) may also have none (`save` alone empties it); the others take exactly one.
        let multi = Config::is_multi_arg(&name);
        if !multi && values.len() != 1 {
            return Err(fail("Bad directive or wrong number of arguments"));
        }
        match config.set(&name, &values.join(" "), true) {
            Ok(_) => {}
            Err(ConfigError::Unknown) => {
                return Err(fail("Bad directive or wrong number of arguments"))
            }
            Err(e) => return Err(fail(&e.to_string())),
        }
    }
    Ok(config)
}

fn usage() -> String {
    "Usage: lattice-server [/path/to/redis.conf] [options]\n       lattice-server -v or --version\n       lattice-server -h or --help\n\nExamples:\n       lattice-server (run the server with default config)\n       lattice-server /etc/redis/6379.conf\n       lattice-server --port 7777\n       lattice-server /etc/myredis.conf --loglevel verbose\n".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn command_line_options_apply() {
        match parse(&args(&[
            "--port",
            "7001",
            "--bind",
            "127.0.0.1",
            "::1",
            "--timeout",
            "5",
        ])) {
            Startup::Serve { config, .. } => {
                assert_eq!(config.port, 7001);
                assert_eq!(config.bind(), vec!["127.0.0.1", "::1"]);
                assert_eq!(config.timeout_secs, 5);
            }
            Startup::Exit { message, .. } => panic!("{message}"),
        }
    }

    #[test]
    fn unknown_option_fails_startup() {
        match parse(&args(&["--no-such-option", "1"])) {
            Startup::Exit { message, code } => {
                assert_eq!(code, 1);
                assert!(message.contains("Bad directive"), "{message}");
            }
            Startup::Serve { .. } => panic!("unknown option accepted"),
        }
    }

    #[test]
    fn bad_value_fails_startup() {
        match parse(&args(&["--port", "notaport"])) {
            Startup::Exit { message, .. } => assert!(message.contains("integer"), "{message}"),
            Startup::Serve { .. } => panic!("bad value accepted"),
        }
    }
}
