# bench/build.sh: 20 small derivations built with a static busybox. 10 leaves, 9 middles that each
# use two leaves, one top that uses every middle. `salt` makes every output new each round.
{ salt ? "0", n ? 20 }:
let
  busybox = builtins.path { path = /usr/bin; name = "busybox-static"; filter = p: t: p == "/usr/bin/busybox"; };
  mk = name: script: derivation {
    inherit name salt;
    system = builtins.currentSystem;
    builder = "${busybox}/busybox";
    args = [ "sh" "-ec" script ];
    PATH = "${busybox}";
  };
  leaf = i: mk "leaf-${toString i}" ''echo ${toString i} > $out'';
  leaves = builtins.genList leaf 10;
  mid = i: mk "mid-${toString i}" ''busybox cat ${builtins.elemAt leaves i} ${builtins.elemAt leaves (i + 1)} > $out'';
  mids = builtins.genList mid 9;
  top = mk "top" ("busybox mkdir $out; " + builtins.concatStringsSep "; " (map (m: "busybox cat ${m} >> $out/all") mids));
  single = mk "single" ''echo one > $out'';
in { inherit top single; }
