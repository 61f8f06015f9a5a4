package org.storelog.domain.drv;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A derivation described as a Nix expression ({@code derivation { … }}) for differential tests:
 * rendered to Nix source, instantiated by the real {@code nix-instantiate}. The builder is the
 * static busybox put into the store with {@code builtins.path} (see NOTES.md).
 */
record NixDrvExpr(String name, String system, List<String> outputs, Fixed fixed, List<String> args,
                  Map<String, String> env, List<Dep> deps) {

    /** A fixed output: mode {@code flat}/{@code recursive}, algorithm, raw digest. */
    record Fixed(String mode, String algo, byte[] digest) {}

    /** Depends on output {@code output} of {@code drv}. */
    record Dep(NixDrvExpr drv, String output) {}

    static final String BUSYBOX = "builtins.path { path = /usr/bin; name = \"busybox-static\"; "
            + "filter = p: t: p == \"/usr/bin/busybox\"; }";

    List<String> outputNames() { return fixed != null || outputs == null ? List.of("out") : outputs; }

    /** A whole Nix file whose value is this derivation. */
    String toNixFile() {
        return "let busybox = " + BUSYBOX + ";\nin " + render() + "\n";
    }

    String render() {
        StringBuilder s = new StringBuilder("(derivation {\n");
        s.append("  name = ").append(str(name)).append(";\n");
        s.append("  system = ").append(str(system)).append(";\n");
        s.append("  builder = \"${busybox}/busybox\";\n");
        List<String> a = new ArrayList<>(List.of("sh", "-ec", "exit 1"));
        a.addAll(args);
        s.append("  args = [");
        for (String x : a) s.append(' ').append(str(x));
        s.append(" ];\n");
        if (fixed != null) {
            s.append("  outputHashMode = ").append(str(fixed.mode)).append(";\n");
            s.append("  outputHashAlgo = ").append(str(fixed.algo)).append(";\n");
            s.append("  outputHash = ").append(str(HexFormat.of().formatHex(fixed.digest))).append(";\n");
        } else if (outputs != null) {
            s.append("  outputs = [");
            for (String o : outputs) s.append(' ').append(str(o));
            s.append(" ];\n");
        }
        env.forEach((k, v) -> s.append("  ").append(str(k)).append(" = ").append(str(v)).append(";\n"));
        for (int i = 0; i < deps.size(); i++) {
            Dep d = deps.get(i);
            s.append("  dep").append(i).append(" = \"${").append(d.drv.render()).append('.')
                    .append(d.output).append("}\";\n");
        }
        return s.append("})").toString();
    }

    /** A Nix double-quoted string literal denoting exactly {@code v}. */
    static String str(String v) {
        StringBuilder s = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '$' -> s.append("\\$");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
