//! Parses fuzz input as a RESP frame; a parsed frame must re-encode to something that parses
//! back to the same frame.
#![no_main]

use libfuzzer_sys::fuzz_target;
use resp::{parse_frame, Frame};

/// NaN never equals itself; compare through the encoding instead where doubles may appear.
fn same(a: &Frame, b: &Frame) -> bool {
    a == b || a.to_bytes() == b.to_bytes()
}

fuzz_target!(|data: &[u8]| {
    if let Ok(Some((frame, used))) = parse_frame(data) {
        assert!(used > 0 && used <= data.len());
        let wire = frame.to_bytes();
        match parse_frame(&wire) {
            Ok(Some((again, n))) => {
                assert_eq!(n, wire.len());
                assert!(same(&frame, &again));
            }
            other => panic!("re-encoded frame did not parse: {other:?}"),
        }
    }
});
