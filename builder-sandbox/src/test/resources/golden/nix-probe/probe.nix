# Probe derivation for NixSandboxParityTest: dumps what a builder sees inside the sandbox
# (environment, /etc files, ids, host name, directories, umask). The test builds it with real
# Nix (nix-build --option sandbox true) and with our sandbox, then compares the dumps.
let
  busybox = builtins.path { path = /usr/bin; name = "busybox-static"; filter = p: t: p == "/usr/bin/busybox"; };
in derivation {
  name = "sandbox-probe";
  system = builtins.currentSystem;
  builder = "${busybox}/busybox";
  args = [ "sh" "-ec" (builtins.readFile ./probe.sh) ];
  probeVar = "from-derivation";
  multiLine = "line one\nline two";
  TMPDIR = "overridden-by-nix";
  HOME = "set-by-derivation";
  NIX_BUILD_CORES = "set-by-derivation";
  TERM = "overridden-by-nix";
}
