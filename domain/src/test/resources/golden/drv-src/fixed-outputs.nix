# Fixed outputs, flat and recursive, sha256 and sha1, feeding one derivation.
let
  busybox = builtins.path { path = /usr/bin; name = "busybox-static"; filter = p: t: p == "/usr/bin/busybox"; };
  fixed = mode: algo: hash: derivation {
    name = "golden-fixed-${mode}-${algo}";
    system = "x86_64-linux";
    builder = "${busybox}/busybox";
    args = [ "sh" "-ec" "echo fixed > $out" ];
    outputHashMode = mode;
    outputHashAlgo = algo;
    outputHash = hash;
  };
in derivation {
  name = "golden-uses-fixed";
  system = "x86_64-linux";
  builder = "${busybox}/busybox";
  args = [ "sh" "-ec" "cat $a $b $c > $out" ];
  a = fixed "flat" "sha256" "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73";
  b = fixed "recursive" "sha256" "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s";
  c = fixed "recursive" "sha1" "0000000000000000000000000000000000000000";
}
