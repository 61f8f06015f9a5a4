#!/usr/bin/env bash
# Start-up of a trivial query, whole command (JVM start included), side by side with Nix in one run:
#   audit query references P   vs   nix-store -q --references P
# on a store attached to the local Nix store (P: a path of that store with the most references).
# Also shows what the start-up work buys: the same query by plain `java -jar` (no AOT cache, no
# prepared start-up files) and the launcher's own overhead (bash, no JVM).
# Usage: bench/startup.sh [ROUNDS]   (default 10; rounds interleave the commands; medians printed)
# Needs: nix-bin (a Nix store with at least one path), a JDK >= 21, the CLI built
#        (mvn -o -q -B -pl audit-cli -am package -DskipTests). Writes bench/results/startup.txt.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
rounds="${1:-10}"
audit="$here/bin/audit"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export AUDIT_STATE="$work/state"
"$audit" init --attach-nix >/dev/null 2>&1

# the valid path with the most references among the first 300 (a non-trivial answer)
p=""; best=-1
for q in $(ls /nix/store | grep -v '\.drv$' | head -300); do
  k=$(nix-store -q --references "/nix/store/$q" 2>/dev/null | wc -l) || continue
  if [ "$k" -gt "$best" ] && nix-store -q --references "/nix/store/$q" >/dev/null 2>&1; then best=$k; p=/nix/store/$q; fi
done
[ -n "$p" ] || { echo "no valid path in the Nix store" >&2; exit 1; }
# both must print the same set
diff <(nix-store -q --references "$p" | sort) <("$audit" query references "$p" | sort) >/dev/null \
  || { echo "audit and nix-store disagree on the references of $p" >&2; exit 1; }
"$audit" query references "$p" >/dev/null 2>&1   # first run makes the AOT cache

jdk=$(sed -n 's/^+ exec \([^ ]*java\) .*/\1/p' < <(bash -x "$audit" --version 2>&1 >/dev/null) | head -1)
jar="$here/audit-cli/target/audit-cli.jar"
plain=("$jdk" --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED -Xshare:auto -jar "$jar")
dry="$work/audit-dry"
sed 's|^exec "\$jdk/bin/java"|true "$jdk/bin/java"|' "$audit" > "$dry"
# the dry copy must find the repository as the real launcher does
sed -i "s|^here=\"\${dir%/bin}\"|here=\"$here\"|; s|^\[ \"\$here\" != \"\$dir\" \] .*||" "$dry"
chmod +x "$dry"

# one run: "WALL_MS CPU_MS" (CPU = user + system of the command and its children)
run() {
  local TIMEFORMAT='%3R %3U %3S' t
  t=$({ time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%d %d\n", a[1] * 1000, (a[2] + a[3]) * 1000 }'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
declare -a nixw nixc audw audc jarw jarc lw lc
for r in $(seq 1 "$rounds"); do
  read -r w c < <(run nix-store -q --references "$p"); nixw+=("$w"); nixc+=("$c")
  read -r w c < <(run "$audit" query references "$p"); audw+=("$w"); audc+=("$c")
  read -r w c < <(run "${plain[@]}" query references "$p"); jarw+=("$w"); jarc+=("$c")
  read -r w c < <(run "$dry" query references "$p"); lw+=("$w"); lc+=("$c")
done
m() { printf '%s\n' "$@" | median; }
out="$here/bench/results/startup.txt"
mkdir -p "$(dirname "$out")"
{
  echo "bench/startup.sh $rounds  ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$jdk" -version 2>&1 | head -1))"
  echo "medians over $rounds interleaved rounds; query: references of $p ($best paths)"
  printf '%-52s %8s %8s\n' "" "wall ms" "cpu ms"
  printf '%-52s %8s %8s\n' "nix-store -q --references" "$(m "${nixw[@]}")" "$(m "${nixc[@]}")"
  printf '%-52s %8s %8s\n' "bin/audit query references" "$(m "${audw[@]}")" "$(m "${audc[@]}")"
  printf '%-52s %8s %8s\n' "java -jar audit-cli.jar query references (no AOT)" "$(m "${jarw[@]}")" "$(m "${jarc[@]}")"
  printf '%-52s %8s %8s\n' "bin/audit launcher alone (bash, no JVM)" "$(m "${lw[@]}")" "$(m "${lc[@]}")"
  echo "raw wall: nix ${nixw[*]} | audit ${audw[*]} | java -jar ${jarw[*]} | launcher ${lw[*]}"
} | tee "$out"
