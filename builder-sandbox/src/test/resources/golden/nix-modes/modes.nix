# Output tree with varied permissions and timestamps, for OutputCanonicalizerTest: real Nix
# canonicalises it when registering the output; we build the same tree in our sandbox and
# canonicalise it ourselves; modes, mtimes and types must agree.
let
  busybox = builtins.path { path = /usr/bin; name = "busybox-static"; filter = p: t: p == "/usr/bin/busybox"; };
in derivation {
  name = "canonicalisation-probe";
  system = builtins.currentSystem;
  builder = "${busybox}/busybox";
  args = [ "sh" "-ec" (builtins.readFile ./modes.sh) ];
}
