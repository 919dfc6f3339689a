#!/bin/bash
# The benchmarks on a larger machine, from the bundle scripts/bench-bundle.sh makes:
#   bash scripts/bench-device.sh [percore|scaling|all]      (default: percore)
# percore: the side-by-side table (scripts/bench.py, every server on one CPU, 4 redis-benchmark
# processes on CPUs of their own), $ROUNDS rounds (default 3; about 2.5 minutes each on a
# 16-core machine, so the default fits one 10-minute device call). scaling: scripts/scaling.py,
# servers on 1, 2, 4... CPUs (about 3 minutes). CPUs are split by physical core: servers get
# the first half, load the rest. Writes machine.txt, percore.{md,svg,log}, scaling.{md,log}
# to $OUT (default /tmp/out) as it goes. BENCH_EXTRA / SCALING_EXTRA add arguments (e.g.
# "--quick" for a smoke run).
PART=${1:-percore}
cd "$(dirname "$0")/.."
export PATH=$PWD/.bench-bundle/bin:$PATH PYTHONUNBUFFERED=1
B=$PWD/.bench-bundle/bin
OUT=${OUT:-/tmp/out}; mkdir -p $OUT
{ date; uname -a; nproc; lscpu; for c in /sys/devices/system/cpu/cpu[0-9]*; do echo "$(basename $c) $(cat $c/topology/thread_siblings_list 2>/dev/null) core=$(cat $c/topology/core_id 2>/dev/null) pkg=$(cat $c/topology/physical_package_id 2>/dev/null)"; done; free -g; cat /proc/loadavg; } > $OUT/machine.txt 2>&1
head -40 $OUT/machine.txt
# Physical cores from sysfs: servers get the first thread of the first half of the cores,
# load generators every thread of the other half.
read SERVER_ORDER CLIENT_CPUS MAXN < <(python3 - <<'PY'
import glob, os
cores = {}
for p in sorted(glob.glob("/sys/devices/system/cpu/cpu[0-9]*")):
    cpu = int(p.rsplit("cpu", 1)[1])
    try:
        sib = open(p + "/topology/thread_siblings_list").read().strip()
    except OSError:
        sib = str(cpu)
    cores.setdefault(sib, []).append(cpu)
groups = sorted(cores.values())
half = len(groups) // 2
server = [g[0] for g in groups[:half]]
client = sorted(c for g in groups[half:] for c in g)
n = 1
while n * 2 <= len(server):
    n *= 2
print(",".join(map(str, server)), ",".join(map(str, client)), n)
PY
)
echo "server order $SERVER_ORDER; client cpus $CLIENT_CPUS; max N $MAXN" | tee -a $OUT/machine.txt
S0=${SERVER_ORDER%%,*}
T=1; N=1; while [ $((N*2)) -le $MAXN ]; do N=$((N*2)); T="$T,$N"; done
set -o pipefail
if [ "$PART" = percore ] || [ "$PART" = all ]; then
timeout ${PERCORE_S:-540} python3 scripts/bench.py --rounds ${ROUNDS:-3} --lattice $B/lattice-server --redis $B/redis-server \
  --valkey $B/valkey-server --server-cpus $S0 --client-cpus $CLIENT_CPUS --bench-procs 4 \
  $BENCH_EXTRA --out $OUT/percore.md --svg $OUT/percore.svg 2>&1 | tee $OUT/percore.log | grep -v '^|'
cat $OUT/percore.md
fi
if [ "$PART" = scaling ] || [ "$PART" = all ]; then
timeout ${SCALING_S:-185} python3 scripts/scaling.py --threads $T --server-cpu-order $SERVER_ORDER \
  --client-cpus $CLIENT_CPUS --bench-procs 8 --lattice $B/lattice-server --redis $B/redis-server \
  --valkey $B/valkey-server $SCALING_EXTRA --out $OUT/scaling.md 2>&1 | tee $OUT/scaling.log | grep -v '^|'
cat $OUT/scaling.md
fi
