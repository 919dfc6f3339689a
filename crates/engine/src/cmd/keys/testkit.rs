//! A small harness for engine-level tests of the key and expiry commands: one client, a
//! settable clock, and the effects recorded by each command.

use crate::config::Config;
use crate::engine::{Engine, NullHost};
use bytes::Bytes;

pub struct TestEngine {
    pub eng: Engine,
    pub client: u64,
    pub now: i64,
    seen: usize,
}

impl TestEngine {
    pub fn new(now: i64) -> TestEngine {
        let mut eng = Engine::new(Config::default(), 42, now, Box::new(NullHost));
        eng.effects = Some(Vec::new());
        let client = eng.connect("127.0.0.1:1".into(), "127.0.0.1:2".into(), 7, now);
        TestEngine {
            eng,
            client,
            now,
            seen: 0,
        }
    }

    /// Runs one command given as arguments; returns the RESP2 reply bytes.
    pub fn exec(&mut self, args: &[&[u8]]) -> Vec<u8> {
        let args: Vec<Bytes> = args.iter().map(|a| Bytes::copy_from_slice(a)).collect();
        let mut out = Vec::new();
        self.eng.execute(self.client, &args, self.now, &mut out);
        out
    }

    /// Effects recorded since the previous call, each as space-joined words.
    pub fn last_effects(&mut self) -> Vec<String> {
        let all = self.eng.effects.as_ref().expect("effects on");
        let new = all[self.seen..]
            .iter()
            .map(crate::test_support::effect_text)
            .collect();
        self.seen = all.len();
        new
    }
}

/// Runs a space-separated command line; returns the reply as a (lossy) string.
pub fn run(t: &mut TestEngine, line: &str) -> String {
    let args: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
    let out = t.exec(&args);
    String::from_utf8_lossy(&out).into_owned()
}
