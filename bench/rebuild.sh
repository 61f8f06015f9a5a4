#!/usr/bin/env bash
# Side by side with Nix, in one run: `audit rebuild --check` (store attached to Nix) vs `nix-build --check`:
#  (a) the 20 derivations of bench/graph20.nix: ONE `audit rebuild --check` of all of them vs
#      `nix-build --check` run on each of them (the sum of 20 commands);
#  (b) a single trivial derivation, whole command (JVM start included) vs `nix-build --check`;
#  (c) derivations checked per minute by `audit rebuild --check --closure --jobs 2 TOP` (the same 20,
#      found from the top derivation, inputs first, two at a time).
# Nix builds the graph once, with its sandbox, into a Nix store of its own under a temporary root
# (`--store local?root=DIR`, logical dir /nix/store); storelog attaches to it (`audit init
# --attach-nix=DIR`). Both tools then rebuild the same derivations with their sandboxes and compare
# with what Nix recorded; every check must say "reproducible" (the script stops otherwise).
# Usage: bench/rebuild.sh [ROUNDS]   (default 5); prints medians and ratios (nix / audit, above 1 means
# audit is faster) and writes bench/results/rebuild.txt.
# Needs: nix-bin, bubblewrap, busybox-static, and the CLI built (mvn -o -q -B -pl audit-cli -am package -DskipTests).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rounds="${1:-${ROUNDS:-5}}"
audit="$here/bin/audit"
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
root="$work/nixroot"
S="local?root=$root"
export AUDIT_STATE="$work/state"
nixopts=(--store "$S" --option sandbox true --option substitute false --no-out-link)

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
m() { printf '%s\n' "$@" | median; }

salt="bench-rebuild-$(date +%s)-$$"
top=$(nix-instantiate --store "$S" "$here/bench/graph20.nix" --argstr salt "$salt" -A top 2>/dev/null)
single=$(nix-instantiate --store "$S" "$here/bench/graph20.nix" --argstr salt "$salt" -A single 2>/dev/null)
nix-build "${nixopts[@]}" "$top" "$single" >/dev/null 2>&1
mapfile -t drvs < <(nix-store --store "$S" -qR "$top" | grep '\.drv$')
[ "${#drvs[@]}" -eq 20 ] || { echo "expected 20 derivations, got ${#drvs[@]}" >&2; exit 1; }
"$audit" init --attach-nix="$root" >/dev/null 2>&1

# Both must find every derivation reproducible; this also warms up (JVM AOT/CDS archive, page cache).
"$audit" rebuild --check "${drvs[@]}" "$single" >/dev/null 2>"$work/audit.err" || { cat "$work/audit.err" >&2; exit 1; }
for d in "${drvs[@]}" "$single"; do nix-build "${nixopts[@]}" --check "$d" >/dev/null 2>&1; done

declare -a na aa ns as aj
for r in $(seq 1 "$rounds"); do
  s=$(date +%s%N)
  for d in "${drvs[@]}"; do nix-build "${nixopts[@]}" --check "$d" >/dev/null 2>&1; done
  e=$(date +%s%N); na+=($(( (e - s) / 1000000 )))
  aa+=("$(ms "$audit" rebuild --check "${drvs[@]}")")
  ns+=("$(ms nix-build "${nixopts[@]}" --check "$single")")
  as+=("$(ms "$audit" rebuild --check "$single")")
  aj+=("$(ms "$audit" rebuild --check --closure --jobs 2 "$top")")
done
NA=$(m "${na[@]}"); AA=$(m "${aa[@]}"); NS=$(m "${ns[@]}"); AS=$(m "${as[@]}")
AJ=$(m "${aj[@]}"); PM=$(awk -v t="$AJ" 'BEGIN { printf "%.0f", 20 * 60000 / t }')
out="$here/bench/results/rebuild.txt"
mkdir -p "$(dirname "$out")"
{
  echo "bench/rebuild.sh $rounds  ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "median wall-clock ms over $rounds rounds; ratio = nix / audit (above 1: audit is faster)"
  printf '%-52s %9s %9s %7s\n' "case" "nix" "audit" "ratio"
  printf '%-52s %9s %9s %7s\n' "(a) 20 derivations: 20x nix-build --check / 1 audit" "$NA" "$AA" \
    "$(awk -v n="$NA" -v a="$AA" 'BEGIN { printf "%.2fx", n / a }')"
  printf '%-52s %9s %9s %7s\n' "(b) single trivial derivation, whole command" "$NS" "$AS" \
    "$(awk -v n="$NS" -v a="$AS" 'BEGIN { printf "%.2fx", n / a }')"
  printf '%-52s %9s\n' "(b) audit minus nix-build --check (target <= 300)" "$((AS - NS))"
  printf '%-52s %9s\n' "(c) audit rebuild --check --closure --jobs 2, ms" "$AJ"
  printf '%-52s %9s\n' "(c) derivations checked per minute with --jobs 2" "$PM"
  printf '%-52s %9s\n' "    (for comparison, (a) with one job: per minute)" \
    "$(awk -v t="$AA" 'BEGIN { printf "%.0f", 20 * 60000 / t }')"
  echo "raw: nix-20 ${na[*]} | audit-20 ${aa[*]} | nix-single ${ns[*]} | audit-single ${as[*]} | audit-jobs2 ${aj[*]}"
} | tee "$out"
