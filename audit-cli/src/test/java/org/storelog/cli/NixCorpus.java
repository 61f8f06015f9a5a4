package org.storelog.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.storelog.testsupport.ExternalTools;

/**
 * The derivations of {@code nix/check.nix} in a Nix store of their own ({@code --store local?root=ROOT},
 * files under {@code ROOT/nix/store}, logical directory {@code /nix/store}), built by the real Nix with
 * its sandbox on and without substitutes. Tests attach storelog to {@link #root()}.
 */
final class NixCorpus {
    private final Path root;
    private final Path nixFile;
    private final String flatHash;
    private final String recHash;

    NixCorpus(Path tmp) throws IOException {
        this.root = tmp.resolve("nixroot");
        this.nixFile = tmp.resolve("check.nix");
        for (String f : new String[] {"check.nix", "build.nix"}) { // check.nix imports build.nix
            try (var in = NixCorpus.class.getResourceAsStream("/nix/" + f)) {
                Files.write(tmp.resolve(f), in.readAllBytes());
            }
        }
        Path fixed = Files.writeString(tmp.resolve("fixed"), "fixed\n");
        flatHash = ok("nix-hash", "--flat", "--type", "sha256", "--base32", fixed.toString());
        recHash = ok("nix-hash", "--type", "sha256", "--base32", fixed.toString());
    }

    Path root() { return root; }

    /** Where the files of a logical /nix/store path live. */
    Path physical(String logical) { return root.resolve(logical.substring(1)); }

    String store() { return "local?root=" + root; }

    /** Attribute → .drv path, in the order given. */
    Map<String, String> instantiate(List<String> attrs) {
        List<String> cmd = new ArrayList<>(List.of("nix-instantiate", "--store", store(), nixFile.toString(),
                "--argstr", "flatHash", flatHash, "--argstr", "recHash", recHash));
        for (String a : attrs) cmd.addAll(List.of("-A", a));
        String[] paths = ok(cmd.toArray(String[]::new)).split("\n");
        assertEquals(attrs.size(), paths.length, String.join("\n", paths));
        Map<String, String> drvs = new LinkedHashMap<>();
        for (int i = 0; i < paths.length; i++) drvs.put(attrs.get(i), paths[i].strip());
        return drvs;
    }

    /** nix-build with the sandbox on, no substitutes, no out-links; {@code extra} goes before the derivations. */
    ExternalTools.Result nixBuild(List<String> extra, List<String> drvs) {
        List<String> cmd = new ArrayList<>(List.of("nix-build", "--store", store(), "--option", "sandbox", "true",
                "--option", "substitute", "false", "--no-out-link"));
        cmd.addAll(extra);
        cmd.addAll(drvs);
        return ExternalTools.run(cmd, null, Map.of(), null);
    }

    /** Output paths of a derivation, from Nix. */
    List<String> outputs(String drv) {
        return List.of(ok("nix-store", "--store", store(), "-q", "--outputs", drv).split("\n"));
    }

    String narHash(String path) {
        return ok("nix-store", "--store", store(), "-q", "--hash", path);
    }

    static String ok(String... cmd) {
        var r = ExternalTools.run(List.of(cmd), null, Map.of(), null);
        assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r.stderr());
        return r.out().strip();
    }
}
