package org.storelog.nar;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.storelog.testsupport.ExternalTools;

/** The real Nix, as the reference for differential tests. */
final class NixCli {
    private NixCli() {}

    static void require() {
        ExternalTools.require("nix-store");
        ExternalTools.require("nix-hash");
    }

    static byte[] dump(Path p) {
        return ExternalTools.run(List.of("nix-store", "--dump", p.toString())).ok().stdout();
    }

    static String hash(Path p, String... opts) {
        var cmd = new java.util.ArrayList<>(List.of("nix-hash"));
        cmd.addAll(List.of(opts));
        cmd.add(p.toString());
        return ExternalTools.run(cmd).ok().out().trim();
    }

    static void restore(byte[] nar, Path dest) {
        ExternalTools.run(List.of("nix-store", "--restore", dest.toString()), null, Map.of(), nar).ok();
    }

    /** {@code nix nar ls --json -R F /}: the listing's root node. */
    static String lsJson(Path narFile) {
        return ExternalTools.run(List.of("nix", "--extra-experimental-features", "nix-command", "nar", "ls",
                "--json", "-R", narFile.toString(), "/")).ok().out();
    }

    static String query(String what, String storePath) {
        return new String(ExternalTools.run(List.of("nix-store", "-q", what, storePath)).ok().stdout(),
                StandardCharsets.UTF_8).trim();
    }
}
