//! Feeds fuzz input to the request parser in reads whose sizes the input itself chooses,
//! and checks that the split does not change the outcome.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use resp::{Limits, RequestParser};

/// Parses `data` delivered in reads of the given sizes (cycled), up to the first error.
fn run(data: &[u8], sizes: &[u8], limits: &Limits) -> Result<Vec<Vec<bytes::Bytes>>, String> {
    let mut parser = RequestParser::new();
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut pos = 0;
    let mut i = 0;
    while pos < data.len() {
        let n = sizes
            .get(i % sizes.len().max(1))
            .map_or(data.len(), |&s| usize::from(s) + 1);
        let n = n.min(data.len() - pos);
        buf.extend_from_slice(&data[pos..pos + n]);
        pos += n;
        i += 1;
        loop {
            match parser.next(&mut buf, limits) {
                Ok(Some(args)) => {
                    assert!(!args.is_empty());
                    out.push(args);
                }
                Ok(None) => break,
                Err(e) => return Err(e.0),
            }
        }
    }
    Ok(out)
}

fuzz_target!(|input: &[u8]| {
    // The first bytes choose the read sizes; the rest is the stream.
    let (sizes, data) = input.split_at(input.len().min(8));
    let limits = Limits::default();
    let whole = run(data, &[], &limits);
    let split = run(data, sizes, &limits);
    // Only lines over max_inline may legitimately differ (Redis's own outcome depends on
    // read sizes there), and fuzz inputs are far smaller.
    if data.len() <= limits.max_inline {
        assert_eq!(whole, split);
    }
    let tight = Limits {
        proto_max_bulk_len: 16,
        max_inline: 32,
        max_multibulk: 8,
        unauthenticated: true,
    };
    let _ = run(data, sizes, &tight);
});
