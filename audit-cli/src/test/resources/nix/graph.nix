# Test derivations for interop tests: a small graph with runtime references, a self-reference,
# several outputs referring to each other, built with a static busybox (see NOTES.md).
{ salt ? "0" }:
let
  busybox = builtins.path { path = /usr/bin; name = "busybox-static"; filter = p: t: p == "/usr/bin/busybox"; };
  mk = name: script: derivation {
    inherit name salt;
    system = builtins.currentSystem;
    builder = "${busybox}/busybox";
    args = [ "sh" "-ec" script ];
    PATH = "${busybox}";
  };
  leaf = mk "leaf" ''$PATH/busybox mkdir -p $out/bin; echo leaf > $out/data; printf '#!/bin/sh\necho hi\n' > $out/bin/hi; $PATH/busybox chmod +x $out/bin/hi'';
  mid = mk "mid" ''$PATH/busybox mkdir -p $out; echo ${leaf} > $out/ref; echo $out > $out/self'';
  multi = derivation {
    name = "multi"; inherit salt;
    system = builtins.currentSystem;
    builder = "${busybox}/busybox";
    outputs = [ "out" "dev" "lib" ];
    args = [ "sh" "-ec" ''$PATH/busybox mkdir -p $out $dev $lib; echo $lib > $out/uses-lib; echo ${mid} > $dev/uses-mid; echo lib > $lib/l'' ];
    PATH = "${busybox}";
  };
  top = mk "top" ''$PATH/busybox mkdir -p $out; echo ${multi} ${multi.dev} > $out/refs'';
in { inherit leaf mid multi top; }
