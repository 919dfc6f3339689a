//! redis-benchmark, the stock load tool, runs against lattice-server without a single error:
//! plain and pipelined, over PING (inline and multibulk), SET, GET, INCR and MSET.

mod support;

use std::process::Command;

fn run(port: u16, pipeline: &str) -> String {
    let out = Command::new("redis-benchmark")
        .args(["-p", &port.to_string(), "-t", "ping,set,get,incr,mset"])
        .args(["-n", "20000", "-c", "20", "-P", pipeline, "-q", "--csv"])
        .output()
        .expect("run redis-benchmark");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "redis-benchmark failed:\n{text}");
    text
}

#[test]
fn redis_benchmark_runs_clean() {
    if !support::tool_available(
        "redis-benchmark",
        "redis-tools",
        "redis_benchmark_runs_clean",
    ) {
        return;
    }
    let server = support::start_lattice(&[]);
    for pipeline in ["1", "16"] {
        let text = run(server.port, pipeline);
        let lower = text.to_ascii_lowercase();
        assert!(
            !lower.contains("error"),
            "errors with -P {pipeline}:\n{text}"
        );
        assert!(
            !text.contains("WARNING"),
            "warnings with -P {pipeline}:\n{text}"
        );
        for test in [
            "PING_INLINE\"",
            "PING_MBULK\"",
            "SET\"",
            "GET\"",
            "INCR\"",
            "MSET (",
        ] {
            assert!(
                text.lines().any(|l| l.starts_with(&format!("\"{test}"))),
                "no result for {test} with -P {pipeline}:\n{text}"
            );
        }
    }
    // The counter INCR hammered is consistent: 2 runs x 20000 increments.
    let mut c = server.connect();
    assert_eq!(c.cmd("GET counter:__rand_int__"), b"$5\r\n40000\r\n");
}
