#!/usr/bin/env bash
# GC benchmark, side by side with Nix: synthetic store (gen_store.py N, 200 roots) loaded into a
# Nix store under a private root and storelog attached to that store (audit init --attach-nix); dead set timed
# for both (median of RUNS), then 'audit gc impact' with all roots. Usage: bench/gc.sh [N] [RUNS] [XMX]
set -euo pipefail
N=${1:-100000}; RUNS=${2:-3}; XMX=${3:-2g}
here=$(cd "$(dirname "$0")/.." && pwd)
jar=${JAR:-$here/audit-cli/target/audit-cli.jar}
java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
work=$(mktemp -d /tmp/gcbench.XXXXXX)
audit() { "$java" -Xmx$XMX --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  --enable-native-access=ALL-UNNAMED -jar "$jar" --state "$work/state" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

python3 "$here/bench/gen_store.py" "$N" --roots-file "$work/roots.txt" > "$work/dump.txt"
# Nix side: load the database, create an empty file per path so Nix sees them, root symlinks
nixroot=$work/nix
mkdir -p "$nixroot/nix/store" "$nixroot/nix/var/nix/gcroots/bench"
nix-store --store "local?root=$nixroot" --load-db < "$work/dump.txt"
python3 - "$work/dump.txt" "$nixroot/nix/store" <<'PY'
import sys, os
lines = open(sys.argv[1]).read().split("\n"); i = 0
while i + 4 < len(lines) and lines[i]:
    open(os.path.join(sys.argv[2], os.path.basename(lines[i])), "w").close()
    i += 5 + int(lines[i + 4])
PY
while IFS=$'\t' read -r name path; do ln -s "$path" "$nixroot/nix/var/nix/gcroots/bench/$name"; done < "$work/roots.txt"
# storelog side: attach to that Nix store (imports db.sqlite and the gcroots tree)
audit init --attach-nix="$nixroot" 2>/dev/null

nixt=(); ourt=(); impt=()
for r in $(seq "$RUNS"); do
  t0=$(now); nix-store --store "local?root=$nixroot" --gc --print-dead > "$work/nix-dead.txt" 2>/dev/null; t1=$(now)
  nixt+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); audit gc --dry-run > "$work/our-dead.txt" 2>/dev/null; t1=$(now)
  ourt+=("$(echo "$t1 - $t0" | bc)")
  t0=$(now); audit gc impact --json > "$work/impact.json"; t1=$(now)
  impt+=("$(echo "$t1 - $t0" | bc)")
done
same=$(cmp -s <(sort "$work/nix-dead.txt") <(sort "$work/our-dead.txt") && echo yes || echo NO)
nm=$(printf '%s\n' "${nixt[@]}" | median); om=$(printf '%s\n' "${ourt[@]}" | median); im=$(printf '%s\n' "${impt[@]}" | median)
echo "paths=$N roots=$(wc -l < "$work/roots.txt") runs=$RUNS heap=$XMX"
echo "dead paths: $(wc -l < "$work/our-dead.txt") (equal to Nix's: $same)"
echo "nix-store --gc --print-dead median: ${nm}s (runs: ${nixt[*]})"
echo "audit gc --dry-run median (whole command, JVM start included): ${om}s (runs: ${ourt[*]})"
echo "ratio nix/ours: $(echo "scale=1; $nm / $om" | bc)"
echo "audit gc impact --json (200 roots, exclusive sizes) median: ${im}s (runs: ${impt[*]})"
echo "work dir: $work"
