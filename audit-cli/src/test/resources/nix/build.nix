# Derivations for BuildInteropTest: built by `audit build` and by `nix-build --option sandbox true`,
# with a static busybox as the only input (see NOTES.md). Fixed-output hashes come from the test
# (computed by nix-hash on the expected contents).
{ flatHash, recHash, stateDir ? "/nonexistent" }:
let
  busybox = builtins.path { path = /usr/bin; name = "busybox-static"; filter = p: t: p == "/usr/bin/busybox"; };
  sh = script: { builder = "${busybox}/busybox"; args = [ "sh" "-ec" script ]; PATH = "${busybox}"; system = builtins.currentSystem; };
  mk = name: script: derivation ({ inherit name; } // sh script);
in rec {
  single = mk "single" ''echo one file > $out'';
  tree = mk "tree" ''
    busybox mkdir -p $out/bin $out/empty-dir $out/a/b
    printf '#!/bin/sh\necho x\n' > $out/bin/run; busybox chmod 755 $out/bin/run
    busybox touch $out/empty-file
    echo data > $out/a/b/c
    busybox ln -s a/b/c $out/link; busybox ln -s /nonexistent $out/dangling'';
  leaf = mk "leaf" ''echo leaf > $out'';
  runtimeRef = mk "runtime-ref" ''busybox mkdir $out; echo ${leaf} > $out/ref'';
  selfRef = mk "self-ref" ''busybox mkdir $out; echo $out > $out/me'';
  multi = derivation ({ name = "multi"; outputs = [ "out" "dev" "lib" ]; } // sh ''
    busybox mkdir -p $out $dev $lib; echo $lib > $out/uses-lib; echo $out > $dev/uses-out; echo lib > $lib/l'');
  fixedFlat = derivation ({ name = "fixed-flat"; outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = flatHash; }
    // sh ''echo fixed > $out'');
  fixedRec = derivation ({ name = "fixed-rec"; outputHashMode = "recursive"; outputHashAlgo = "sha256"; outputHash = recHash; }
    // sh ''echo fixed > $out'');
  manyFiles = mk "many-files" ''busybox mkdir $out; i=0; while [ $i -lt 2000 ]; do echo $i > $out/f$i; i=$((i+1)); done'';
  big = mk "big" ''busybox dd if=/dev/zero bs=1048576 count=50 2>/dev/null | busybox tr '\0' 'x' > $out'';
  # Failing cases, built one by one.
  wrongHash = derivation ({ name = "wrong-hash"; outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = flatHash; }
    // sh ''echo not what was promised > $out'');
  fails = mk "fails" ''echo about to fail; exit 3'';
  noOutput = mk "no-output" ''echo I make nothing'';
  peek = mk "peek" ''if [ -e ${stateDir}/config.json ] || [ -e ${stateDir} ]; then echo visible > $out; else echo hidden > $out; fi'';
  # Bad input.
  otherSystem = derivation (sh "true" // { name = "other-system"; system = "riscv64-plan9"; });
  builderOutside = derivation { name = "builder-outside"; system = builtins.currentSystem; args = [ "sh" "-ec" "true" ];
    builder = builtins.unsafeDiscardStringContext "${busybox}/busybox"; };
  missingInput = mk "missing-input" ''busybox cat ${builtins.toFile "extra-src" "not in our store"} > $out'';
}
