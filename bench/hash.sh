#!/usr/bin/env bash
# Side-by-side hashing benchmark: `audit hash` (via bin/audit) against `nix-hash`.
#
#   BENCH_DIR=/tmp/storelog-bench ROUNDS=5 bench/hash.sh
#
# Creates under $BENCH_DIR (default /tmp/storelog-bench): a 1 GiB file of random bytes and a
# tree of 50,000 files (~500 MB, 10 KiB each, 100 per directory). Each case runs ROUNDS times
# (default 5) per tool, interleaved (nix-hash, audit, nix-hash, …), after one warm-up run each
# (page cache and the launcher's AOT cache); it prints the median wall time of each whole command (JVM start included) and nix/ours
# (above 1 means we are faster). Results also go to bench/results/hash.txt (or $HASH_RESULTS).
# Both tools must print the same hash, or the script fails. STORELOG_JAVA_OPTS reaches the JVM
# through bin/audit, e.g. STORELOG_JAVA_OPTS=-XX:TieredStopAtLevel=1 to try C1 only.
# CASES picks cases (default "big-r big-flat tree"), e.g. CASES=tree.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
dir="${BENCH_DIR:-/tmp/storelog-bench}"
rounds="${ROUNDS:-5}"
audit="$here/bin/audit"
mkdir -p "$dir" "$here/bench/results"

command -v nix-hash >/dev/null || { echo "nix-hash is not installed" >&2; exit 1; }

# Build the CLI jar when it is missing or older than the sources (bin/audit would otherwise run
# `mvn install`). `package` leaves an up-to-date jar untouched even when a dependency changed,
# so touch it: bin/audit compares its time with the sources'.
jar="$here/audit-cli/target/audit-cli.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$here" -path '*/src/main/*' -newer "$jar" -print -quit)" ]; then
  (cd "$here" && mvn -o -q -B -pl audit-cli -am package -DskipTests)
  touch "$jar"
fi
# The launcher's class-data archive is only valid for the jar it was made with; the JVM
# ignores (and does not replace) a stale one, so drop it and let the warm-up run recreate it.
jsa="$here/audit-cli/target/audit.jsa"
if [ -f "$jsa" ] && [ "$jsa" -ot "$here/audit-cli/target/audit-cli.jar" ]; then rm -f "$jsa"; fi

if [ ! -f "$dir/big.bin" ] || [ "$(stat -c %s "$dir/big.bin")" != 1073741824 ]; then
  echo "creating $dir/big.bin (1 GiB)" >&2
  head -c 1073741824 /dev/urandom > "$dir/big.bin.tmp" && mv "$dir/big.bin.tmp" "$dir/big.bin"
fi
if [ ! -f "$dir/tree.done" ]; then
  echo "creating $dir/tree (50,000 files of 10 KiB)" >&2
  rm -rf "$dir/tree"
  mkdir -p "$dir/tree"
  for d in $(seq -w 0 499); do
    mkdir "$dir/tree/d$d"
    head -c 1024000 /dev/urandom | split -b 10240 -d -a 2 - "$dir/tree/d$d/f"
    chmod +x "$dir/tree/d$d/f00"
  done
  touch "$dir/tree.done"
fi

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# timed OUTFILE CMD…: runs CMD once with its output in OUTFILE, prints the wall seconds
timed() {
  local out=$1; shift
  local t0 t1
  t0=$(now); "$@" > "$out"; t1=$(now)
  echo "$t1 - $t0" | bc -l
}

report="${HASH_RESULTS:-$here/bench/results/hash.txt}"
{
  echo "# bench/hash.sh — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), sha_ni: $(grep -qo sha_ni /proc/cpuinfo && echo yes || echo no)"
  echo "# median of $rounds interleaved rounds after a warm-up; whole commands, JVM start included; ratio = nix / ours"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg); STORELOG_JAVA_OPTS='${STORELOG_JAVA_OPTS:-}'"
  printf '%-34s %10s %10s %8s\n' case nix-hash audit ratio
} > "$report.tmp"

bench() { # label, nix args, audit args, path
  local label=$1 nixargs=$2 ourargs=$3 path=$4
  local nixcmd=(nix-hash $nixargs "$path") ourcmd=("$audit" hash $ourargs "$path")
  # One warm-up run each (page cache, the launcher's AOT cache), then the rounds interleaved so
  # that both tools see the same load.
  "${nixcmd[@]}" > "$dir/out.nix"
  "${ourcmd[@]}" > "$dir/out.ours"
  if ! cmp -s "$dir/out.nix" "$dir/out.ours"; then
    echo "$label: hashes differ: nix $(cat "$dir/out.nix") ours $(cat "$dir/out.ours")" >&2; exit 1
  fi
  local nixt=() ourt=()
  for _ in $(seq "$rounds"); do
    nixt+=("$(timed "$dir/out.nix.round" "${nixcmd[@]}")")
    ourt+=("$(timed "$dir/out.ours.round" "${ourcmd[@]}")")
    cmp -s "$dir/out.nix" "$dir/out.nix.round" || { echo "$label: nix-hash output changed between rounds" >&2; exit 1; }
    cmp -s "$dir/out.ours" "$dir/out.ours.round" || { echo "$label: audit output changed between rounds" >&2; exit 1; }
  done
  local n o ratio
  n=$(printf '%s\n' "${nixt[@]}" | median)
  o=$(printf '%s\n' "${ourt[@]}" | median)
  ratio=$(echo "$n / $o" | bc -l)
  printf '%-34s %9.3fs %9.3fs %7.2fx\n' "$label" "$n" "$o" "$ratio" | tee -a "$report.tmp"
}

for c in ${CASES:-big-r big-flat tree}; do
  case $c in
    big-r)    bench "1 GiB file, -r (NAR)"      "--type sha256 --base32"        "-r --type sha256 --base32" "$dir/big.bin" ;;
    big-flat) bench "1 GiB file, flat"          "--flat --type sha256 --base32" "--type sha256 --base32"    "$dir/big.bin" ;;
    tree)     bench "50,000 files / 500 MB, -r" "--type sha256 --base32"        "-r --type sha256 --base32" "$dir/tree" ;;
    *) echo "unknown case $c (big-r, big-flat, tree)" >&2; exit 64 ;;
  esac
done
mv "$report.tmp" "$report"
echo "written to $report" >&2
