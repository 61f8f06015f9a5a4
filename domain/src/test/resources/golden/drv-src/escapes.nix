# Strings that need escaping in the .drv: quotes, backslashes, newlines, tabs, CR, unicode.
let busybox = builtins.path { path = /usr/bin; name = "busybox-static"; filter = p: t: p == "/usr/bin/busybox"; };
in derivation {
  name = "golden-escapes";
  system = "x86_64-linux";
  builder = "${busybox}/busybox";
  args = [ "sh" "-ec" "printf '%s\\n' \"$quoted\" > $out\n\techo done" ];
  quoted = "say \"hi\" \\ back\\slash\r\nnext\tline";
  unicode = "café 日本 😀 ";
  "key with spaces" = "v";
  "é" = "accented key";
  "😀" = "astral key";
  "" = "private use key";
}
