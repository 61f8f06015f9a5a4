#!/usr/bin/env bash
# Side-by-side store benchmark: storelog's import / query / replay against Nix 2.8.
#
#   BENCH_DIR=/tmp/storelog-store-bench N=100000 ROUNDS=3 bench/store.sh
#
# Generates a synthetic store of N paths (bench/gen_store.py: ~5 references each, power-law
# fan-in) as `nix-store --dump-db` text, then measures, each ROUNDS times (median printed):
#   import   : `nix-store --store local?root=FRESH --load-db < dump`
#              vs `audit init --store-dir /nix/store` + `audit import --dump-db dump` (fresh state)
#   closure  : `nix-store -q --referrers-closure P` vs `audit query referrers-closure P`, P = the
#              most referenced path; both outputs must hold the same set of paths
#   replay   : `audit replay` (whole command, and the events/s it reports for the fold itself)
# Whole commands, JVM start included; ratio = nix / ours (above 1 means we are faster).
# SKIP_NIX=1 measures only our side (for large N, e.g. N=1000000 STORELOG_JAVA_OPTS=-Xmx2g).
# Results go to bench/results/store-N.txt (store.txt for N=100000).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
n="${N:-100000}"
dir="${BENCH_DIR:-/tmp/storelog-store-bench}"
rounds="${ROUNDS:-3}"
audit="$here/bin/audit"
mkdir -p "$dir" "$here/bench/results"
[ -n "${SKIP_NIX:-}" ] || command -v nix-store >/dev/null || { echo "nix-store is not installed" >&2; exit 1; }

# Build the jar here (package, not bin/audit's install) whenever it is missing or older than the sources.
jar="$here/audit-cli/target/audit-cli.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here" -path '*/src/main/*' -newer "$jar" -print -quit)" ]; then
  (cd "$here" && mvn -o -q -B -pl audit-cli -am package -DskipTests)
  touch "$jar"
fi

dump="$dir/dump-$n"
if [ ! -s "$dump" ]; then
  echo "generating $dump ($n paths)" >&2
  python3 "$here/bench/gen_store.py" "$n" > "$dump.tmp" && mv "$dump.tmp" "$dump"
fi
# the most referenced path: reference lines are the store paths that follow a count line
target=$(awk 'state==0 {path=$0; state=1; next}
              state>=1 && state<=3 {state++; next}
              state==4 {left=$0; state=(left>0)?5:0; next}
              state==5 {c[$0]++; if (--left==0) state=0}
              END {for (p in c) if (c[p]>best) {best=c[p]; bp=p}; print bp}' "$dump")
echo "most referenced path: $target" >&2

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
elapsed() { echo "$2 - $1" | bc -l; }

report="$here/bench/results/store$([ "$n" = 100000 ] || echo "-$n").txt"
{
  echo "# bench/store.sh — $(date -u '+%Y-%m-%d %H:%M UTC'), N=$n paths, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# median of $rounds rounds; whole commands, JVM start included; ratio = nix / ours; STORELOG_JAVA_OPTS='${STORELOG_JAVA_OPTS:-}'"
  printf '%-44s %10s %10s %8s\n' case nix audit ratio
} > "$report.tmp"
line() { # label nix ours
  if [ "$2" = "-" ]; then printf '%-44s %10s %9.3fs %8s\n' "$1" - "$3" - | tee -a "$report.tmp"
  else printf '%-44s %9.3fs %9.3fs %7.2fx\n' "$1" "$2" "$3" "$(echo "$2 / $3" | bc -l)" | tee -a "$report.tmp"; fi
}

"$audit" --help >/dev/null # warm-up: CDS archive, page cache

# ---- import
nix_imp=(); our_imp=(); our_replay=(); our_rate=(); our_fold=(); nix_q=(); our_q=()
for r in $(seq "$rounds"); do
  if [ -z "${SKIP_NIX:-}" ]; then
    rm -rf "$dir/nixroot"; mkdir -p "$dir/nixroot"
    t0=$(now); nix-store --store "local?root=$dir/nixroot" --load-db < "$dump"; t1=$(now)
    nix_imp+=("$(elapsed "$t0" "$t1")")
  fi
  rm -rf "$dir/state"
  t0=$(now)
  AUDIT_STATE="$dir/state" "$audit" init --store-dir /nix/store 2>/dev/null
  AUDIT_STATE="$dir/state" "$audit" import --dump-db "$dump" 2>"$dir/import.err" </dev/null
  t1=$(now)
  our_imp+=("$(elapsed "$t0" "$t1")")
  tail -1 "$dir/import.err" >&2
done
if [ -z "${SKIP_NIX:-}" ]; then nix_import=$(printf '%s\n' "${nix_imp[@]}" | median); else nix_import=-; fi
line "import dump-db ($n paths)" "$nix_import" "$(printf '%s\n' "${our_imp[@]}" | median)"

# ---- referrers-closure of the most referenced path
if [ -z "${SKIP_NIX:-}" ]; then
  nix-store --store "local?root=$dir/nixroot" -q --referrers-closure "$target" > "$dir/q.nix"
fi
AUDIT_STATE="$dir/state" "$audit" query referrers-closure "$target" > "$dir/q.ours"
if [ -z "${SKIP_NIX:-}" ] && ! cmp -s <(sort "$dir/q.nix") <(sort "$dir/q.ours"); then
  echo "referrers-closure: nix and audit disagree (see $dir/q.nix, $dir/q.ours)" >&2; exit 1
fi
for r in $(seq "$rounds"); do
  if [ -z "${SKIP_NIX:-}" ]; then
    t0=$(now); nix-store --store "local?root=$dir/nixroot" -q --referrers-closure "$target" >/dev/null; t1=$(now)
    nix_q+=("$(elapsed "$t0" "$t1")")
  fi
  t0=$(now); AUDIT_STATE="$dir/state" "$audit" query referrers-closure "$target" >/dev/null; t1=$(now)
  our_q+=("$(elapsed "$t0" "$t1")")
done
if [ -z "${SKIP_NIX:-}" ]; then nix_query=$(printf '%s\n' "${nix_q[@]}" | median); else nix_query=-; fi
line "query referrers-closure ($(wc -l < "$dir/q.ours") paths)" "$nix_query" "$(printf '%s\n' "${our_q[@]}" | median)"

# ---- replay
for r in $(seq "$rounds"); do
  t0=$(now); AUDIT_STATE="$dir/state" "$audit" replay 2>"$dir/replay.err"; t1=$(now)
  our_replay+=("$(elapsed "$t0" "$t1")")
  our_rate+=("$(sed -n 's/.*(\([0-9,]*\) events\/s;.*/\1/p' "$dir/replay.err" | tr -d ,)")
  our_fold+=("$(sed -n 's/.*folding \([0-9,]*\) events\/s.*/\1/p' "$dir/replay.err" | tr -d ,)")
  tail -1 "$dir/replay.err" >&2
done
line "replay (whole command)" - "$(printf '%s\n' "${our_replay[@]}" | median)"
printf '%-44s %10s %10s\n' "replay events/s (read + fold, as reported)" - "$(printf '%s\n' "${our_rate[@]}" | median)" | tee -a "$report.tmp"
printf '%-44s %10s %10s\n' "replay events/s (fold only, as reported)" - "$(printf '%s\n' "${our_fold[@]}" | median)" | tee -a "$report.tmp"
mv "$report.tmp" "$report"
echo "written to $report" >&2
