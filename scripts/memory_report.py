#!/usr/bin/env python3
"""Memory report: load N small keys of one shape into lattice-server and redis-server 7.0.15
(started here, no persistence) and print INFO used_memory and process RSS for each, as a
Markdown table. Standard library only.

    scripts/memory_report.py [--keys 1000000] [--shapes string,string-ttl,hash,set,zset] [--lattice PATH]

Build the server first: cargo build --release.
"""

import argparse
import os
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Client:
    def __init__(self, port):
        deadline = time.time() + 20
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port))
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise EOFError("server closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            self.buf += self.sock.recv(1 << 16)
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n)
        if kind in (b"*", b"%", b"~"):
            n = int(rest)
            return [self.reply() for _ in range(n * (2 if kind == b"%" else 1))]
        if kind == b"=":
            return self._exact(int(rest))[4:]
        if kind == b"-":
            raise RuntimeError(rest.decode())
        return rest

    def pipeline(self, commands):
        self.sock.sendall(b"".join(commands))
        for _ in commands:
            self.reply()

    def call(self, *args):
        self.pipeline([encode(*args)])
        return None

    def info_memory(self):
        self.sock.sendall(encode("INFO", "memory"))
        text = self.reply().decode()
        fields = dict(l.split(":", 1) for l in text.split("\r\n") if ":" in l)
        return int(fields["used_memory"])


def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def commands_for(shape, i):
    key = "%s:%d" % (shape, i)
    if shape == "string":
        return encode("SET", key, "v%d" % i)
    if shape == "string-ttl":
        # A TTL far enough out that nothing expires while measuring.
        return encode("SET", key, "v%d" % i, "EX", 1000000)
    if shape == "hash":
        return encode("HSET", key, "f1", "v1", "f2", "v2", "f3", "%d" % i)
    if shape == "set":
        return encode("SADD", key, "a", "b", "c", "member%d" % i)
    if shape == "zset":
        return encode("ZADD", key, 1, "a", 2, "b", 3, "member%d" % i)
    raise ValueError(shape)


def measure(name, argv, shape, keys):
    port = free_port()
    proc = subprocess.Popen(argv + ["--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        c = Client(port)
        base = c.info_memory()
        base_rss = rss_bytes(proc.pid)
        batch = []
        for i in range(keys):
            batch.append(commands_for(shape, i))
            if len(batch) == 1000:
                c.pipeline(batch)
                batch = []
        if batch:
            c.pipeline(batch)
        time.sleep(0.2)
        used = c.info_memory()
        rss = rss_bytes(proc.pid)
        return used - base, rss - base_rss, used, rss
    finally:
        proc.terminate()
        proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1_000_000)
    ap.add_argument("--shapes", default="string,string-ttl,hash,set,zset")
    ap.add_argument("--lattice", default=os.path.join(ROOT, "target/release/lattice-server"))
    args = ap.parse_args()
    servers = [
        ("lattice", [args.lattice, "--loglevel", "warning"]),
        ("redis 7.0.15", ["redis-server", "--save", "", "--appendonly", "no", "--loglevel", "warning"]),
    ]
    print("| shape | server | keys | used_memory delta | bytes/key | RSS delta | RSS bytes/key |")
    print("|---|---|---|---|---|---|---|")
    for shape in args.shapes.split(","):
        for name, argv in servers:
            d_used, d_rss, _, _ = measure(name, argv, shape, args.keys)
            print("| %s | %s | %d | %d | %.1f | %d | %.1f |" % (
                shape, name, args.keys, d_used, d_used / args.keys, d_rss, d_rss / args.keys))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
