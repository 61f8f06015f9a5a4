#!/usr/bin/env bash
# Side by side with Nix, in one run: rebuild checks of the 20-derivation graph of bench/graph20.nix
# (10 leaves, 9 middles, 1 top) and of one trivial derivation.
#  (a) `nix-build --check` run on each of the 20 derivations, one command each (Nix has no closure mode)
#  (b) `audit rebuild --check --closure TOP` (one command, --jobs 1), and with --jobs 2
#  (c) a single trivial derivation: `nix-build --check` vs `audit rebuild --check`, whole commands
# Both tools first build the very same .drv files (audit into a standalone store in a temporary
# root, logical dir /nix/store), then check them. Prints medians, derivations checked per minute
# with --jobs 2, and writes bench/results/rebuild-closure.txt.
# Usage: bench/rebuild-closure.sh [ROUNDS]   (default 5)
# Needs: nix-bin, bubblewrap, busybox-static, and the CLI built (mvn -o -q -B -pl audit-cli -am package -DskipTests).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rounds="${1:-5}"
audit="$here/bin/audit"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export AUDIT_STATE="$work/state"
"$audit" init --root "$work/root" >/dev/null 2>&1
mkdir -p "$work/src/busybox-static" && cp /usr/bin/busybox "$work/src/busybox-static/"
"$audit" add "$work/src/busybox-static" >/dev/null 2>&1
salt="rebuild-bench-$(date +%s)-$$"
nixopts=(--no-out-link --option sandbox true --option substitute false)

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
top=$(nix-instantiate "$here/bench/graph20.nix" --argstr salt "$salt" -A top 2>/dev/null)
single=$(nix-instantiate "$here/bench/graph20.nix" --argstr salt "$salt" -A single 2>/dev/null)
mapfile -t drvs < <(nix-store -qR "$top" | grep '\.drv$')

# both tools build everything once (checks need recorded outputs)
nix-build "${nixopts[@]}" "$top" "$single" >/dev/null 2>&1
"$audit" build "$top" "$single" >/dev/null 2>&1

nix_each() { local d; for d in "${drvs[@]}"; do nix-build "${nixopts[@]}" --check "$d" >/dev/null 2>&1; done; }

# warm-up (JVM class-data archive)
"$audit" rebuild --check "$single" >/dev/null 2>&1 || true

declare -a ne a1 a2 ns as
for r in $(seq 1 "$rounds"); do
  ne+=("$(ms nix_each)")
  a1+=("$(ms "$audit" rebuild --check --closure --jobs 1 "$top")")
  a2+=("$(ms "$audit" rebuild --check --closure --jobs 2 "$top")")
  ns+=("$(ms nix-build "${nixopts[@]}" --check "$single")")
  as+=("$(ms "$audit" rebuild --check "$single")")
done
verdicts=$("$audit" rebuild --check --closure --jobs 2 "$top" 2>/dev/null | tail -n 1 || true)
m() { printf '%s\n' "$@" | median; }
NE=$(m "${ne[@]}"); A1=$(m "${a1[@]}"); A2=$(m "${a2[@]}"); NS=$(m "${ns[@]}"); AS=$(m "${as[@]}")
out="$here/bench/results/rebuild-closure.txt"
mkdir -p "$(dirname "$out")"
{
  echo "bench/rebuild-closure.sh $rounds  ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "median wall-clock ms over $rounds rounds; ${#drvs[@]} derivations in the closure"
  printf '%-52s %8s\n' "nix-build --check on each derivation" "$NE"
  printf '%-52s %8s\n' "audit rebuild --check --closure --jobs 1" "$A1"
  printf '%-52s %8s\n' "audit rebuild --check --closure --jobs 2" "$A2"
  awk -v n="$NE" -v a="$A1" 'BEGIN { printf "%-52s %8.2fx\n", "ratio nix / audit --jobs 1 (above 1: we are faster)", n / a }'
  awk -v n="${#drvs[@]}" -v a="$A2" 'BEGIN { printf "%-52s %8.0f\n", "derivations checked per minute, --jobs 2", n * 60000 / a }'
  awk -v a="$A1" -v b="$A2" 'BEGIN { printf "%-52s %8.2fx\n", "--jobs 2 speed-up", a / b }'
  printf '%-52s %8s\n' "single trivial derivation, nix-build --check" "$NS"
  printf '%-52s %8s\n' "single trivial derivation, audit rebuild --check" "$AS"
  echo "audit's verdicts: $verdicts"
  echo "raw: nix-each ${ne[*]} | j1 ${a1[*]} | j2 ${a2[*]} | nix-single ${ns[*]} | audit-single ${as[*]}"
} | tee "$out"
