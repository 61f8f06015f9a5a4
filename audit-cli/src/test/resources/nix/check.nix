# The `rebuild --check` parity corpus (issue 5): each attribute is built by `nix-build --option sandbox
# true` into a Nix store, checked again by `nix-build --check`, and checked by `audit rebuild --check
# --vary none` on a storelog store attached to that Nix store; both verdicts must agree. The only input
# is Debian's static busybox (see NOTES.md). `expect` in each attribute's name group below:
#   deterministic      nix-build --check exits 0            → reproducible
#   nonDeterministic   exits 104 ("may not be deterministic") → diverged, naming a differing file
#   failing            cannot be checked (exit 1)            → inconclusive, with a reason
# Fixed-output hashes come from the test (nix-hash of "fixed\n").
{ flatHash, recHash }:
let
  busybox = builtins.path { path = /usr/bin; name = "busybox-static"; filter = p: t: p == "/usr/bin/busybox"; };
  sh = script: { builder = "${busybox}/busybox"; args = [ "sh" "-ec" script ]; PATH = "${busybox}"; system = builtins.currentSystem; };
  mk = name: script: derivation ({ inherit name; } // sh script);
in rec {
  # --- deterministic: the derivations BuildInteropTest builds (build.nix), and a large output
  inherit (import ./build.nix { inherit flatHash recHash; })
    single tree leaf runtimeRef selfRef multi fixedFlat fixedRec manyFiles;
  large = mk "large" ''busybox dd if=/dev/zero bs=1048576 count=8 2>/dev/null | busybox tr '\0' 'x' > $out'';

  # --- non-deterministic
  # the time: seconds since the epoch and the kernel's uptime in centiseconds
  time = mk "time" ''busybox mkdir $out; busybox date +%s > $out/when; busybox cat /proc/uptime >> $out/when'';
  urandom = mk "urandom" ''busybox mkdir $out; busybox head -c 32 /dev/urandom | busybox od -An -tx1 > $out/noise'';
  # 64 files, each executable with probability 1/2: two builds agree with probability 2^-64
  randomExec = mk "random-exec" ''
    busybox mkdir $out; i=0
    for b in $(busybox od -An -tu1 -N64 /dev/urandom); do
      echo $i > $out/f$i; if [ $((b % 2)) = 1 ]; then busybox chmod +x $out/f$i; fi; i=$((i+1))
    done'';
  # tmpfs lists a directory in creation order: create 32 files in a random order and record readdir's order
  readdirTmpfs = mk "readdir-tmpfs" ''
    d=/dev/shm/readdir; busybox mkdir $d
    for n in $(busybox seq 1 32 | busybox shuf); do busybox touch $d/f$n; done
    busybox mkdir $out; busybox find $d -type f > $out/order'';
  # out is deterministic, dev is not
  oneOutputDiffers = derivation ({ name = "one-output-differs"; outputs = [ "out" "dev" ]; } // sh ''
    busybox mkdir $out $dev; echo stable > $out/stable
    busybox head -c 16 /dev/urandom | busybox od -An -tx1 > $dev/noise'');

  # --- failing: nix-build fails, so nothing is valid and nix-build --check cannot check
  fails = mk "fails" ''echo about to fail; exit 3'';
  noOutput = mk "no-output" ''echo I make nothing'';
  wrongHash = derivation ({ name = "wrong-hash"; outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = flatHash; }
    // sh ''echo not what was promised > $out'');
  # --- reproducible in Nix's sandbox, but embedding its environment (caught by --vary standard)
  embedsBuildDir = mk "embeds-build-dir" ''busybox pwd > $out'';
  embedsHostname = mk "embeds-hostname" ''busybox hostname > $out'';
  embedsCpuCount = mk "embeds-cpu-count" ''busybox nproc > $out'';

  # instantiated, never built
  neverBuilt = mk "never-built" ''echo never built > $out'';
  # its input (neverBuilt's output) is not in the store
  missingInput = mk "missing-input" ''busybox cat ${neverBuilt} > $out'';
}
