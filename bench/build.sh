#!/usr/bin/env bash
# Side by side with Nix, in one run: `audit build` vs `nix-build --option sandbox true` of
#  (a) a graph of 20 small derivations (bench/graph20.nix, one command each),
#  (b) a single trivial derivation (whole command: JVM start included),
#  (c) the graph with `audit build --jobs 2` vs `--jobs 1` (speed-up),
#  (d) one more graph build with -Dstorelog.phases: wall time per phase of a build (PhaseClock).
# Every round instantiates the graph with a new salt, so both tools build fresh outputs. Both build
# the very same .drv files; `audit build` also adds them to its own store (a standalone store in a
# temporary root, logical dir /nix/store). nix-build runs with --max-jobs 1 (its default here).
# Usage: bench/build.sh [ROUNDS]   (default 5); prints medians and writes bench/results/build.txt
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
base="bench-$(date +%s)-$$"

# one run: "WALL_MS CPU_MS" (CPU = user + system of the command and its children, bwrap and builders included)
ms() {
  local TIMEFORMAT='%3R %3U %3S' t
  t=$({ time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d %d\n", a[1] * 1000, (a[2] + a[3]) * 1000 }'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
inst() { nix-instantiate "$here/bench/graph20.nix" --argstr salt "$base-$1" -A "$2" 2>/dev/null; }

# warm-up: JVM class-data archive, busybox in the Nix store
"$audit" build "$(inst warm single)" >/dev/null 2>&1
nix-build --no-out-link --option sandbox true --option substitute false "$(inst warm single)" >/dev/null 2>&1

declare -a ng ag ns as a1 a2 cng cag cns cas ca1 ca2
for r in $(seq 1 "$rounds"); do
  read -r w c < <(ms nix-build --no-out-link --max-jobs 1 --option sandbox true --option substitute false "$(inst "n$r" top)"); ng+=("$w"); cng+=("$c")
  read -r w c < <(ms "$audit" build "$(inst "a$r" top)"); ag+=("$w"); cag+=("$c")
  read -r w c < <(ms nix-build --no-out-link --option sandbox true --option substitute false "$(inst "ns$r" single)"); ns+=("$w"); cns+=("$c")
  read -r w c < <(ms "$audit" build "$(inst "as$r" single)"); as+=("$w"); cas+=("$c")
  read -r w c < <(ms "$audit" build --jobs 1 "$(inst "j1-$r" top)"); a1+=("$w"); ca1+=("$c")
  read -r w c < <(ms "$audit" build --jobs 2 "$(inst "j2-$r" top)"); a2+=("$w"); ca2+=("$c")
done
# Where the wall time of one graph build goes (--jobs 1): per-phase sums from PhaseClock (-Dstorelog.phases).
phases=$(STORELOG_JAVA_OPTS="${STORELOG_JAVA_OPTS:-} -Dstorelog.phases=1" "$audit" build --jobs 1 "$(inst phases top)" 2>&1 >/dev/null | sed -n '/^phase /,$p')
m() { printf '%s\n' "$@" | median; }
NG=$(m "${ng[@]}"); AG=$(m "${ag[@]}"); NS=$(m "${ns[@]}"); AS=$(m "${as[@]}"); A1=$(m "${a1[@]}"); A2=$(m "${a2[@]}")
out="$here/bench/results/build.txt"
mkdir -p "$(dirname "$out")"
{
  echo "bench/build.sh $rounds  ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "medians over $rounds rounds, fresh outputs each round (cpu: user + system, children included; nix-build's"
  echo "cpu leaves out the nix-daemon when there is one)"
  printf '%-46s %8s %8s\n' "" "wall ms" "cpu ms"
  printf '%-46s %8s %8s\n' "graph of 20 derivations, nix-build" "$NG" "$(m "${cng[@]}")"
  printf '%-46s %8s %8s\n' "graph of 20 derivations, audit build" "$AG" "$(m "${cag[@]}")"
  printf '%-46s %8s %8s\n' "single trivial derivation, nix-build" "$NS" "$(m "${cns[@]}")"
  printf '%-46s %8s %8s\n' "single trivial derivation, audit build" "$AS" "$(m "${cas[@]}")"
  printf '%-46s %8s %8s\n' "graph, audit build --jobs 1" "$A1" "$(m "${ca1[@]}")"
  printf '%-46s %8s %8s\n' "graph, audit build --jobs 2" "$A2" "$(m "${ca2[@]}")"
  awk -v a="$A1" -v b="$A2" 'BEGIN { printf "%-46s %8.2fx\n", "--jobs 2 speed-up (wall)", a / b }'
  echo "one more graph build, --jobs 1, wall time summed per phase (the job slot holds start + sandbox; checking and"
  echo "registering run beside the next sandbox):"
  echo "$phases"
  echo "raw wall: nix-graph ${ng[*]} | audit-graph ${ag[*]} | nix-single ${ns[*]} | audit-single ${as[*]} | j1 ${a1[*]} | j2 ${a2[*]}"
} | tee "$out"
