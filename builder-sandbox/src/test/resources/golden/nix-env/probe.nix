# Probe derivation: dumps what a builder sees inside Nix's sandbox.
# Regenerate the golden files with (as root, real Nix 2.8):
#   nix-build --option sandbox true --no-out-link probe.nix  and copy $out/* here.
let
  busybox = builtins.path { path = /usr/bin; name = "busybox-static"; filter = p: t: p == "/usr/bin/busybox"; };
in derivation {
  name = "sandbox-probe";
  system = builtins.currentSystem;
  builder = "${busybox}/busybox";
  args = [ "sh" "-ec" ''
    b=${busybox}/busybox
    $b mkdir $out
    $b env | $b sort > $out/env
    $b cat /etc/passwd > $out/passwd
    $b cat /etc/group > $out/group
    $b cat /etc/hosts > $out/hosts
    $b id > $out/id
    $b hostname > $out/hostname
    $b pwd > $out/pwd
    $b ls -a / > $out/root
    $b ls -a /dev > $out/dev
    $b ls -a /build > $out/build
    echo "$(umask)" > $out/umask
    $b ls -a ${builtins.storeDir} > $out/store
  '' ];
  probeVar = "from-derivation";
  TMPDIR = "overridden-by-nix";
  HOME = "set-by-derivation";
  NIX_BUILD_CORES = "set-by-derivation";
  TERM = "overridden-by-nix";
}
