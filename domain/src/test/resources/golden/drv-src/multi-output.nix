# Several outputs, and a consumer of two of them.
let
  busybox = builtins.path { path = /usr/bin; name = "busybox-static"; filter = p: t: p == "/usr/bin/busybox"; };
  lib = derivation {
    name = "golden-lib";
    system = "x86_64-linux";
    builder = "${busybox}/busybox";
    outputs = [ "out" "dev" "lib" ];
    args = [ "sh" "-ec" "mkdir $out $dev $lib" ];
  };
in derivation {
  name = "golden-app";
  system = "x86_64-linux";
  builder = "${busybox}/busybox";
  outputs = [ "bin" "out" ];
  args = [ "sh" "-ec" "mkdir $out $bin" ];
  headers = "${lib.dev}/include";
  libs = "${lib.lib}/lib";
}
