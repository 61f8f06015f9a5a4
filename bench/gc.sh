#!/usr/bin/env bash
# GC and closure benchmark, side by side with Nix (issues 6 and 3).
#
#   bench/gc.sh [N] [RUNS] [XMX]          e.g. bench/gc.sh 100000 5        bench/gc.sh 1000000 3 2g
#
# Generates a synthetic store (bench/gen_store.py N: ~5 references per path, power-law fan-in,
# 200 roots), loads it into a Nix store under a private root (nix-store --load-db, one empty file
# per path, a gcroots symlink per root) and attaches storelog to that store (audit init
# --attach-nix: imports db.sqlite and the gcroots tree). Then, RUNS times each, whole commands
# (JVM start included, through bin/audit with STORELOG_JAVA_OPTS=-XmxXMX):
#   nix-store --gc --print-dead          vs  audit gc --dry-run          (dead sets must be equal)
#   nix-store -q --referrers-closure P   vs  audit query referrers-closure P   (P = most referenced
#                                                                          path; sets must be equal)
#   audit gc impact --json (exclusive sizes of all roots)
# and once, first, the dead set on a projection without its graph cache (the scan of LMDB).
# Prints medians and ratios (Nix time / ours). NIX_RUNS (default RUNS) limits Nix's runs, which
# take minutes at N=1,000,000. AUDIT overrides the command (default bin/audit). BENCH_DIR keeps
# the work directory (default: a new one under /tmp); given an existing one, its stores are reused.
set -euo pipefail
N=${1:-100000}; RUNS=${2:-3}; XMX=${3:-2g}; NIX_RUNS=${NIX_RUNS:-$RUNS}
here=$(cd "$(dirname "$0")/.." && pwd)
AUDIT=${AUDIT:-$here/bin/audit}
jar="$here/audit-cli/target/audit-cli.jar"
if [ "$AUDIT" = "$here/bin/audit" ] && { [ ! -f "$jar" ] || [ -n "$(find "$here" -path '*/src/main/*' -newer "$jar" -print -quit)" ]; }; then
  (cd "$here" && mvn -o -q -B -pl audit-cli -am package -DskipTests)
  touch "$jar"
fi
work=${BENCH_DIR:-$(mktemp -d /tmp/gcbench.XXXXXX)}
mkdir -p "$work"
export STORELOG_JAVA_OPTS="-Xmx$XMX"
audit() { "$AUDIT" --state "$work/state" "$@"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

if [ ! -d "$work/state" ]; then # BENCH_DIR of an earlier run: reuse its stores
python3 "$here/bench/gen_store.py" "$N" --roots-file "$work/roots.txt" > "$work/dump.txt"
# the most referenced path (the reference lines of the dump are the store paths after a count line)
target=$(python3 - "$work/dump.txt" <<'PY'
import sys, collections
lines = open(sys.argv[1]).read().split("\n"); i = 0; c = collections.Counter()
while i + 4 < len(lines) and lines[i]:
    k = int(lines[i + 4]); c.update(lines[i + 5:i + 5 + k]); i += 5 + k
print(c.most_common(1)[0][0])
PY
)
echo "$target" > "$work/target"
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
t0=$(now); audit init --attach-nix="$nixroot" >/dev/null 2>&1; t1=$(now); secs "$t0" "$t1" > "$work/init-time"
fi
nixroot=$work/nix
target=$(cat "$work/target")
initt=$(cat "$work/init-time")

audit query valid "$target" > /dev/null # the launcher's first run after a build makes its start-up cache
rm -f "$work/state/projections/graph.cache"
t0=$(now); audit gc --dry-run > "$work/our-dead.txt" 2>/dev/null; t1=$(now); cold=$(secs "$t0" "$t1")
nixt=(); ourt=(); impt=(); nixc=(); ourc=()
for r in $(seq "$RUNS"); do
  if [ "$r" -le "$NIX_RUNS" ]; then
    t0=$(now); nix-store --store "local?root=$nixroot" --gc --print-dead > "$work/nix-dead.txt" 2>/dev/null; t1=$(now)
    nixt+=("$(secs "$t0" "$t1")")
    t0=$(now); nix-store --store "local?root=$nixroot" -q --referrers-closure "$target" > "$work/nix-closure.txt"; t1=$(now)
    nixc+=("$(secs "$t0" "$t1")")
  fi
  t0=$(now); audit gc --dry-run > "$work/our-dead.txt" 2>/dev/null; t1=$(now)
  ourt+=("$(secs "$t0" "$t1")")
  t0=$(now); audit query referrers-closure "$target" > "$work/our-closure.txt"; t1=$(now)
  ourc+=("$(secs "$t0" "$t1")")
  t0=$(now); audit gc impact --json > "$work/impact.json"; t1=$(now)
  impt+=("$(secs "$t0" "$t1")")
done
nixrun() { [ "$NIX_RUNS" -gt 0 ]; }
cmpset() { nixrun && { cmp -s <(sort "$1") <(sort "$2") && echo yes || echo NO; } || echo "not compared: NIX_RUNS=0"; }
ratio() { nixrun && echo "ratio $(echo "scale=1; $1 / $2" | bc)x" || true; }
same=$(cmpset "$work/nix-dead.txt" "$work/our-dead.txt")
samec=$(cmpset "$work/nix-closure.txt" "$work/our-closure.txt")
om=$(printf '%s\n' "${ourt[@]}" | median); im=$(printf '%s\n' "${impt[@]}" | median); ocm=$(printf '%s\n' "${ourc[@]}" | median)
nm=-; ncm=-
if nixrun; then nm=$(printf '%s\n' "${nixt[@]}" | median); ncm=$(printf '%s\n' "${nixc[@]}" | median); fi
echo "# bench/gc.sh $N $RUNS $XMX   ($(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
echo "paths=$N roots=$(wc -l < "$work/roots.txt") runs=$RUNS nix-runs=$NIX_RUNS heap=$XMX (whole commands, JVM start included)"
echo "audit init --attach-nix (imports db.sqlite): ${initt}s"
echo "dead paths: $(wc -l < "$work/our-dead.txt") (equal to Nix's: $same)"
echo "nix-store --gc --print-dead                median ${nm}s (runs: ${nixt[*]:-})"
echo "audit gc --dry-run                         median ${om}s (runs: ${ourt[*]})   $(ratio "$nm" "$om")"
echo "audit gc --dry-run, first run (no graph cache): ${cold}s   $(ratio "$nm" "$cold")"
echo "audit gc impact --json (exclusive sizes, all roots) median ${im}s (runs: ${impt[*]})"
echo "referrers-closure of $target: $(wc -l < "$work/our-closure.txt") paths (equal to Nix's: $samec)"
echo "nix-store -q --referrers-closure           median ${ncm}s (runs: ${nixc[*]:-})"
echo "audit query referrers-closure              median ${ocm}s (runs: ${ourc[*]})   $(ratio "$ncm" "$ocm")"
echo "work dir: $work"
