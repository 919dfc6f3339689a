//! Helpers shared by the engine's unit tests.

use crate::config::Config;
use crate::engine::{Effect, Engine, NullHost};
use bytes::Bytes;

/// An engine started at `now` with two connected clients.
pub fn two_clients(now: i64) -> (Engine, u64, u64) {
    let mut e = Engine::new(Config::default(), 1, now, Box::new(NullHost));
    let a = e.connect("a".into(), "l".into(), 1, now);
    let b = e.connect("b".into(), "l".into(), 2, now);
    (e, a, b)
}

/// Runs one command given word by word; returns the reply as text.
pub fn run_words(e: &mut Engine, c: u64, words: &[&str], now: i64) -> String {
    let args: Vec<Bytes> = words
        .iter()
        .map(|s| Bytes::copy_from_slice(s.as_bytes()))
        .collect();
    let mut out = Vec::new();
    e.execute(c, &args, now, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The effects recorded since the last call (the log stays on), each as space-joined text.
pub fn effects_text(e: &mut Engine) -> Vec<String> {
    e.effects
        .replace(Vec::new())
        .unwrap_or_default()
        .iter()
        .map(effect_text)
        .collect()
}

/// One effect's arguments as space-joined text.
pub fn effect_text(effect: &Effect) -> String {
    effect
        .argv
        .iter()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
