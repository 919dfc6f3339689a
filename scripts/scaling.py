#!/usr/bin/env python3
"""Multi-core scaling: lattice-server, redis-server and valkey-server on 1, 2, 4, 8... CPUs.

    scripts/scaling.py --threads 1,2,4,8 --client-cpus 8-15 --bench-procs 8 [--out FILE.md]

Needs a machine with spare cores for the load generator: the servers get CPUs 0..N-1 (or the
first N of `--server-cpu-order`), redis-benchmark gets `--client-cpus`, the same for every N,
so the client is the same at every point and should stay below saturation (compare the
client's rate with its rate against one server on an idle machine).

For each N every server is started fresh, pinned to its N CPUs:
* lattice: `--threads N` (its shards default to one per thread; `--shards-per-thread K`
  gives K*N);
* redis: `--io-threads N --io-threads-do-reads yes` (N > 1); commands still run on one thread;
* valkey: `--io-threads N` (N > 1); likewise.
Tests (default GET and SET) run with `-r KEYSPACE` so keys spread over the whole keyspace
(and over Lattice's shards), `-c` 50 per server CPU, the same `-n` at every N, the
servers in rotating order per test. Reported: requests/s, p50/p99, server CPU us/op (from
/proc, as scripts/bench.py), the scaling efficiency rps(N) / (N * rps(1)), and how many
cores the load generator kept busy (its CPU time over wall time): near --bench-procs
means the client, not the server, set the pace.
Standard library only; reuses scripts/bench.py.
"""

import argparse
import datetime
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402


def server_args(name, n, shards_per_thread):
    if name == "lattice":
        return ["--threads", str(n), "--shards", str(n * shards_per_thread)]
    if n == 1:
        return []
    if name == "redis":
        return ["--io-threads", str(n), "--io-threads-do-reads", "yes"]
    return ["--io-threads", str(n)]


def cpu_list(order, n):
    cpus = order[:n]
    if len(cpus) < n:
        sys.exit(f"only {len(order)} server CPUs in --server-cpu-order, {n} asked")
    return ",".join(str(c) for c in cpus)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", default="1,2,4,8")
    ap.add_argument("--server-cpu-order", default=None,
                    help="comma list of CPUs handed to servers, first N used (0,1,2,...)")
    ap.add_argument("--client-cpus", required=True, help="taskset list for redis-benchmark")
    ap.add_argument("--bench-procs", type=int, default=4,
                    help="redis-benchmark processes, one per client CPU")
    ap.add_argument("--tests", default="get,set")
    ap.add_argument("--pipelines", default="1,16")
    ap.add_argument("-n1", type=int, default=400000, help="requests per test at P1")
    ap.add_argument("-n16", type=int, default=3000000, help="requests per test at P>1")
    ap.add_argument("--keyspace", type=int, default=1000000, help="redis-benchmark -r")
    ap.add_argument("--shards-per-thread", type=int, default=1)
    ap.add_argument("--servers", default="lattice,redis,valkey")
    ap.add_argument("--lattice", default=os.path.join(bench.ROOT, "target/release/lattice-server"))
    ap.add_argument("--redis", default="redis-server")
    ap.add_argument("--valkey", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()

    counts = [int(t) for t in args.threads.split(",")]
    order = ([int(c) for c in args.server_cpu_order.split(",")] if args.server_cpu_order
             else list(range(max(counts))))
    binaries = {"lattice": args.lattice, "redis": args.redis,
                "valkey": bench.find_valkey(args.valkey)}
    names = [n for n in args.servers.split(",") if binaries.get(n)]
    tests = args.tests.split(",")
    pipelines = [int(p) for p in args.pipelines.split(",")]
    started = time.time()
    rows = []  # (test, pipeline, n_cpus, {server: result})
    rot = 0
    for n in counts:
        cpus = cpu_list(order, n)
        servers = []
        try:
            for name in names:
                servers.append(bench.Server(name, binaries[name], cpus,
                                            server_args(name, n, args.shards_per_thread)))
            for p in pipelines:
                reqs = args.n1 if p == 1 else args.n16
                clients = 50 * n
                for test in tests:
                    order_now = servers[rot % len(servers):] + servers[:rot % len(servers)]
                    rot += 1
                    res = {}
                    for s in order_now:
                        r = bench.redis_benchmark(s, test, reqs, p, clients, args.client_cpus,
                                                  args.bench_procs, args.keyspace)
                        r["us"] = r["cpu"] * 1e6 / reqs
                        res[s.name] = r
                        print(f"  N={n:<2} {test:<4} P{p:<3} {s.name:<8} {r['rps']:>12,.0f} rps "
                              f"p50 {r['p50']:.3f} p99 {r['p99']:.3f} ms {r['us']:6.2f} us/op "
                              f"({r['wall']:.1f} s, client {r['client_cores']:.1f} cores busy)", file=sys.stderr, flush=True)
                    rows.append((test, p, n, res))
        finally:
            for s in servers:
                s.stop()

    base = {(t, p, name): res[name]["rps"] for t, p, n, res in rows if n == counts[0]
            for name in res}
    lines = ["| test | P | CPUs | " + " | ".join(f"{s} rps | {s} eff | {s} us/op | {s} client"
                                                 for s in names) + " |",
             "|---|---|---|" + "---|---|---|---|" * len(names)]
    for t, p, n, res in rows:
        cells = []
        for s in names:
            r = res.get(s)
            if r is None:
                cells += ["-", "-", "-", "-"]
                continue
            eff = r["rps"] / (n / counts[0] * base[(t, p, s)])
            cells += [f"{r['rps']:,.0f}", f"{eff:.2f}", f"{r['us']:.2f}",
                      f"{r['client_cores']:.1f}"]
        lines.append(f"| {t.upper()} | {p} | {n} | " + " | ".join(cells) + " |")
    model = next((ln.split(":", 1)[1].strip() for ln in
                  subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
                  if ln.startswith("Model name")), "?")
    header = (f"Date: {datetime.date.today().isoformat()}; machine: {os.cpu_count()} CPUs, "
              f"{model}; servers on the first N of CPUs {order[:max(counts)]}, {args.bench_procs} "
              f"redis-benchmark processes on CPUs {args.client_cpus}; -r {args.keyspace}, "
              f"-c 50*N, -n {args.n1} at P1 and {args.n16} at P>1; Lattice shards "
              f"{args.shards_per_thread}*N; run time {(time.time() - started) / 60:.1f} min. "
              "eff = rps(N) / (N/N0 * rps(N0)); client = load-generator cores busy.")
    text = header + "\n\n" + "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
